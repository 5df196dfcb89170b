"""The model registry's cache and queries: TTL by an injected clock, lookup and filtering.

Owns: freshness, capability derivation, price filters. Never knows: how the list is fetched
(the shells fetch it), sockets, clocks (``now`` is passed in).
"""

from __future__ import annotations

import difflib
import enum
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from openrouter_kit._core.accounting import price
from openrouter_kit._core.money import to_money
from openrouter_kit.errors import ContextLengthError, ModelNotFoundError, ValidationError

if TYPE_CHECKING:
    from openrouter_kit._generated.models import ModelInfo

__all__ = [
    "CAPABILITIES",
    "EVERY_MODEL",
    "ListCaches",
    "RegistryCache",
    "capabilities_of",
    "capability_names",
    "list_key",
    "prompt_price",
]


def _params(model: ModelInfo) -> list[str]:
    return model.supported_parameters or []


def _inputs(model: ModelInfo) -> list[str]:
    arch = model.architecture
    return (arch.input_modalities if arch else None) or ["text"]


def _outputs(model: ModelInfo) -> list[str]:
    arch = model.architecture
    return (arch.output_modalities if arch else None) or ["text"]


def prompt_price(model: ModelInfo) -> Decimal | None:
    """USD per prompt token, or None when unknown or variable (the wire's ``-1``)."""
    return price(model.pricing.prompt if model.pricing else None)


def _is_free(model: ModelInfo) -> bool:
    pricing = model.pricing
    if pricing is None:
        return False
    return prompt_price(model) == 0 and price(pricing.completion) == 0


#: How each capability is derived from the documented ``/models`` fields.
CAPABILITIES: dict[str, Callable[[ModelInfo], bool]] = {
    # text in and text out: usable as a chat model
    "chat": lambda m: "text" in _inputs(m) and "text" in _outputs(m),
    # text out, whatever goes in
    "completion": lambda m: "text" in _outputs(m),
    # a coding model by its name (the API has no code flag)
    "code": lambda m: any(
        w in f"{m.id} {m.name or ''}".lower() for w in ("code", "coder", "codestral")
    ),
    # accepts the ``tools`` parameter
    "tools": lambda m: "tools" in _params(m),
    # accepts images as input
    "vision": lambda m: "image" in _inputs(m),
    # accepts ``reasoning`` / ``include_reasoning``, or advertises reasoning settings
    "reasoning": lambda m: "reasoning" in _params(m) or "include_reasoning" in _params(m),
    # accepts ``structured_outputs`` or ``response_format``
    "structured_outputs": lambda m: (
        "structured_outputs" in _params(m) or "response_format" in _params(m)
    ),
    # takes or produces audio
    "audio": lambda m: "audio" in _inputs(m) or "audio" in _outputs(m),
    # produces images
    "image_output": lambda m: "image" in _outputs(m),
    # prompt and completion both cost 0
    "free": _is_free,
}


def capability_names(model: ModelInfo) -> list[str]:
    """The capability names (keys of ``CAPABILITIES``) that ``model`` has, in table order."""
    return [name for name, test in CAPABILITIES.items() if test(model)]


def capabilities_of(model: ModelInfo) -> frozenset[str]:
    """The capability names (keys of ``CAPABILITIES``) that ``model`` has."""
    return frozenset(capability_names(model))


class RegistryCache:
    """The last fetched model list, by id, and when it goes stale."""

    __slots__ = ("_by_id", "_expires", "_models", "ttl")

    def __init__(self, ttl: float = 3600.0) -> None:
        if not ttl >= 0:  # also refuses NaN, which would turn the cache off
            raise ValidationError(f"ttl must be >= 0 seconds, got {ttl!r}")
        self.ttl = ttl
        self._models: list[ModelInfo] = []
        self._by_id: dict[str, ModelInfo] = {}
        self._expires: float | None = None

    def fresh(self, now: float) -> bool:
        """True when a list is stored and its TTL has not run out."""
        return self._expires is not None and now < self._expires

    def store(self, models: Iterable[ModelInfo], now: float) -> None:
        """Keep ``models`` until ``now + ttl``."""
        self._models = list(models)
        self._by_id = {m.id: m for m in self._models}
        self._expires = now + self.ttl

    @property
    def loaded(self) -> bool:
        """True once a model list has been stored (fresh or not)."""
        return self._expires is not None or bool(self._models)

    def check(
        self,
        model_ids: Iterable[str],
        prompt_tokens: int,
        max_tokens: int | None,
        field: str = "max_tokens",
    ) -> None:
        """Refuse a request before it is sent: an unknown model, a ``max_tokens`` (named
        ``field`` on the request) above what the first model may generate, or a first model
        whose context window cannot hold the estimated prompt plus ``max_tokens``.

        Raises:
            ModelNotFoundError: a model id is unknown (the message names the closest ids).
            ValidationError: ``max_tokens`` is above the first model's ``max_completion_tokens``
                (``path`` is ``$.`` and the field).
            ContextLengthError: the prompt and ``max_tokens`` do not fit the first model.
        """
        models = [self.get(model_id) for model_id in model_ids]
        if not models:
            return
        first = models[0]
        top = first.top_provider
        limit = top.max_completion_tokens if top else None
        if max_tokens and limit and max_tokens > limit:
            raise ValidationError(
                f"$.{field}: {first.id} generates at most {limit} tokens per answer, got "
                f"{max_tokens}",
                path=f"$.{field}",
            )
        window = first.context_length or (top.context_length if top else None)
        needed = prompt_tokens + (max_tokens or 0)
        if window and needed > window:
            raise ContextLengthError(
                f"{first.id} has a context window of {window} tokens; this request needs about "
                f"{needed} ({prompt_tokens} estimated for the prompt, {max_tokens or 0} to answer)",
                code="context_length_exceeded",
                metadata={"context_length": window, "estimated_prompt_tokens": prompt_tokens},
            )

    def peek(self, model_id: str) -> ModelInfo | None:
        """The stored model with this id (or its base id), fresh or not; None when unknown."""
        return self._by_id.get(model_id) or self._by_id.get(model_id.rpartition(":")[0])

    def get(self, model_id: str) -> ModelInfo:
        """The model with this id (a routing variant suffix falls back to the base id).

        Raises:
            ModelNotFoundError: no such model; the message names the closest ids.
        """
        found = self.peek(model_id)
        if found is not None:
            return found
        close = difflib.get_close_matches(model_id, list(self._by_id), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ModelNotFoundError(f"unknown model {model_id[:100]!r}{hint}", code="model_not_found")

    def select(
        self, capability: str | None = None, max_price: Decimal | float | str | None = None
    ) -> list[ModelInfo]:
        """Models having ``capability`` whose prompt price per token is at most ``max_price``
        (USD; a variable price never is)."""
        test = None
        if capability is not None:
            test = CAPABILITIES.get(capability)
            if test is None:
                raise ValidationError(
                    f"unknown capability {capability!r}; known: {', '.join(CAPABILITIES)}"
                )
        limit = None
        if max_price is not None:
            try:
                limit = to_money(max_price)
            except (TypeError, ValueError):
                raise ValidationError(f"max_price must be a number, got {max_price!r}") from None
            if limit < 0:
                raise ValidationError(f"max_price must be a USD amount >= 0, got {max_price!r}")
        result = []
        for model in self._models:
            if test is not None and not test(model):
                continue
            if limit is not None:
                cost = prompt_price(model)
                if cost is None or cost > limit:
                    continue
            result.append(model)
        return result


#: The ``list_models()`` filter of the registry's own list: every model, whatever it outputs (the
#: API lists only the models that output text unless asked), so that embedding and image-only
#: models are known and priced too.
EVERY_MODEL: Mapping[str, str] = {"output_modalities": "all"}

ListKey = tuple[tuple[str, str], ...]


def list_key(filters: Mapping[str, Any]) -> ListKey:
    """The key of a model list fetched with ``filters`` (``list_models()`` keywords): each set
    filter as the text sent (lists comma-joined), sorted by name; no filters and ``EVERY_MODEL``
    are the same list."""
    items: list[tuple[str, str]] = []
    for name, value in filters.items():
        if value is None:
            continue
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, Sequence) and not isinstance(value, str):
            value = ",".join(str(item).strip() for item in value)
        items.append((str(name), str(value)))
    key = tuple(sorted(items))
    return () if key == tuple(EVERY_MODEL.items()) else key


class ListCaches:
    """A registry's model lists by filter: the whole list (no filters, or ``EVERY_MODEL``),
    which its client checks and prices calls with, and each filtered list in a cache of its own,
    so that a filtered list never stands for the whole one, nor one filter's for another's.
    At most ``MAX_FILTERED`` filtered lists are kept (the least recently used goes first)."""

    MAX_FILTERED = 16

    __slots__ = ("_filtered", "whole")

    def __init__(self, whole: RegistryCache) -> None:
        self.whole = whole
        self._filtered: OrderedDict[ListKey, RegistryCache] = OrderedDict()

    def get(self, key: ListKey) -> RegistryCache:
        """The cache of the list ``key`` names (made empty on first use)."""
        if not key:
            return self.whole
        cache = self._filtered.get(key)
        if cache is None:
            cache = self._filtered[key] = RegistryCache(self.whole.ttl)
            while len(self._filtered) > self.MAX_FILTERED:
                self._filtered.popitem(last=False)
        else:
            self._filtered.move_to_end(key)
        return cache
