"""The emulator's model table: the built-in one read from ``models.json``, entries filled with
defaults, lookups by id (``:variant`` suffixes included), routers and providers.

Owns: the shape of a model entry as ``GET /models`` serves it, the providers behind each model,
which ids resolve to which entry. Never knows: requests, sockets, billing.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any, NamedTuple

from openrouter_kit import RouteVariant
from openrouter_kit.testing._exchange import API_PREFIX

#: The model used when a completion request names neither ``model`` nor ``models``.
DEFAULT_MODEL = "openai/gpt-4o-mini"
#: Every documented ``:variant`` suffix (``:batch`` included), the SDK's public list of them.
VARIANTS = frozenset(v.value for v in RouteVariant if v.value)
#: Providers whose endpoints cache prompts without being asked.
CACHING_PROVIDERS = frozenset({"openai", "azure", "deepseek", "google-ai-studio", "google-vertex"})


class Provider(NamedTuple):
    """One provider serving a model: one entry of its ``/endpoints`` list."""

    #: The display name, e.g. ``"Amazon Bedrock"`` (the endpoint's ``provider_name``).
    name: str
    #: The provider's slug, the endpoint's ``tag``, e.g. ``"amazon-bedrock"``.
    tag: str
    #: The weights' precision (``"fp8"``, ``"bf16"``, ...), ``None`` when undisclosed.
    quantization: str | None


class Resolved(NamedTuple):
    """What a requested model id names in the table."""

    #: The id as requested (a ``:variant`` suffix kept): the id the response names.
    served_id: str
    #: The table's entry for the id without its suffix.
    entry: dict[str, Any]
    #: Whether the ``:free`` variant was asked for (it costs nothing).
    free: bool


@functools.cache
def _builtin() -> tuple[tuple[dict[str, Any], ...], dict[str, tuple[Provider, ...]]]:
    """The built-in entries of ``models.json`` and the providers listed inline with them."""
    data = resources.files("openrouter_kit.testing").joinpath("models.json")
    entries: list[dict[str, Any]] = []
    providers: dict[str, tuple[Provider, ...]] = {}
    for entry in json.loads(data.read_text(encoding="utf-8")):
        listed = entry.pop("providers", None)
        if listed is not None:
            providers[entry["id"]] = tuple(Provider(**p) for p in listed)
        entries.append(entry)
    return tuple(entries), providers


def default_models() -> list[dict[str, Any]]:
    """Return the emulator's built-in model table.

    Returns:
        A fresh deep copy of the 15 model objects that ``GET /models`` serves by default, in the
        documented ``/models`` shape (prices are decimal strings, USD per token). Safe to modify.
    """
    return [normalize(m) for m in _builtin()[0]]


def providers_of(entry: Mapping[str, Any]) -> tuple[Provider, ...]:
    """The providers serving a model: those listed in ``models.json`` for its id (whatever table
    it is in), else one provider named after the id's author."""
    found = _builtin()[1].get(str(entry["id"]))
    if found is not None:
        return found
    author = str(entry["id"]).split("/", 1)[0]
    return (Provider(author.replace("-", " ").title(), author, None),)


def price_of(pricing: Mapping[str, Any], key: str) -> Decimal:
    """One price of a ``pricing`` object (USD per token, or per request), 0 when unreadable."""
    try:
        return Decimal(str(pricing.get(key, "0")))
    except InvalidOperation:
        return Decimal(0)


def is_router(entry: Mapping[str, Any]) -> bool:
    """Whether a model routes to others (``openrouter/auto``): negative prices or the
    ``Router`` tokenizer."""
    pricing = entry.get("pricing") or {}
    return (
        price_of(pricing, "prompt") < 0
        or price_of(pricing, "completion") < 0
        or entry.get("architecture", {}).get("tokenizer") == "Router"
    )


class ModelTable:
    """The models an emulator serves, filled with defaults, looked up by id.

    Read only once built: safe to share between threads.
    """

    def __init__(self, entries: Iterable[Mapping[str, Any]] | None = None) -> None:
        """Fill ``entries`` (the built-in table when ``None``) with defaults.

        Raises:
            ValueError: If an entry has no ``author/slug`` id or a price is not a decimal.
        """
        source = _builtin()[0] if entries is None else entries
        self.entries = [normalize(m) for m in source]
        self.by_id = {m["id"]: m for m in self.entries}

    def resolve(self, model_id: str) -> Resolved | None:
        """The entry a requested id names, a documented ``:variant`` suffix allowed."""
        entry = self.by_id.get(model_id)
        if entry is not None:
            return Resolved(model_id, entry, False)
        base, sep, variant = model_id.rpartition(":")
        if sep and variant in VARIANTS and base in self.by_id:
            return Resolved(model_id, self.by_id[base], variant == RouteVariant.FREE)
        return None

    def default_id(self) -> str:
        """The model a request naming none gets: :data:`DEFAULT_MODEL`, else the first."""
        return DEFAULT_MODEL if DEFAULT_MODEL in self.by_id else str(self.entries[0]["id"])

    def routed_target(self, down: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
        """The model a router sends a request to: :data:`DEFAULT_MODEL` or else the first model
        that is not a router, skipping those ``down``; ``None`` when every one is down."""
        entry = self.by_id.get(DEFAULT_MODEL)
        if entry is not None and not is_router(entry) and DEFAULT_MODEL not in down:
            return DEFAULT_MODEL, entry
        for candidate in self.entries:
            if not is_router(candidate) and candidate["id"] not in down:
                return str(candidate["id"]), candidate
        return None


def _decimal_string(value: Any, where: str) -> str:
    if isinstance(value, bool):
        raise ValueError(f"{where}: a price must be a decimal string or number")
    if isinstance(value, int | float | Decimal):
        return format(Decimal(str(value)), "f")
    if isinstance(value, str):
        try:
            Decimal(value)
        except InvalidOperation:
            raise ValueError(f"{where}: {value!r} is not a decimal price") from None
        return value
    raise ValueError(f"{where}: a price must be a decimal string or number")


def normalize(entry: Mapping[str, Any]) -> dict[str, Any]:
    """Fill every documented field of a (possibly partial) model entry with a default."""
    data = copy.deepcopy(dict(entry))
    model_id = data.get("id")
    if not isinstance(model_id, str) or "/" not in model_id:
        raise ValueError(f"model entries need an 'author/slug' id, got {model_id!r}")
    data.setdefault("canonical_slug", model_id)
    data.setdefault("hugging_face_id", None)
    data.setdefault("name", model_id)
    data.setdefault("created", 1700000000)
    data.setdefault("description", "")
    data.setdefault("context_length", 128000)
    arch = {
        "input_modalities": ["text"],
        "output_modalities": ["text"],
        "tokenizer": "Other",
        "instruct_type": None,
        **dict(data.get("architecture") or {}),
    }
    arch.setdefault(
        "modality",
        "+".join(arch["input_modalities"]) + "->" + "+".join(arch["output_modalities"]),
    )
    data["architecture"] = {
        "modality": arch.pop("modality"),
        "input_modalities": arch.pop("input_modalities"),
        "output_modalities": arch.pop("output_modalities"),
        "tokenizer": arch.pop("tokenizer"),
        "instruct_type": arch.pop("instruct_type"),
        **arch,
    }
    pricing = {"prompt": "0", "completion": "0", **dict(data.get("pricing") or {})}
    for key, value in list(pricing.items()):
        if key not in ("discount", "overrides"):
            pricing[key] = _decimal_string(value, f"{model_id} pricing.{key}")
    data["pricing"] = pricing
    data["top_provider"] = {
        "context_length": data["context_length"],
        "max_completion_tokens": None,
        "is_moderated": False,
        **dict(data.get("top_provider") or {}),
    }
    data.setdefault("per_request_limits", None)
    data.setdefault("supported_parameters", ["max_tokens", "seed", "stop", "temperature", "top_p"])
    data.setdefault("default_parameters", None)
    data.setdefault("supported_voices", None)
    data.setdefault("links", {"details": f"{API_PREFIX}/models/{model_id}/endpoints"})
    data.setdefault("knowledge_cutoff", None)
    data.setdefault("expiration_date", None)
    return data
