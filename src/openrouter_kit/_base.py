"""BaseClient: everything both clients do that is not I/O.

Owns: the configuration and its properties, ``with_options``, the per-call options, preparing
calls (merge, defaults, validation, bytes: a ``Call``) and finishing them (errors inside a 200,
latency, attempts, usage, the estimated cost, how the budget's hold ends by ``accounting``'s
verdicts, and the books of holds pending on ``GET /generation``), and the model list the client
checks and prices calls with (a ``RegistryCache`` that ``client.models`` fills); ``Closing`` and
``AsyncClosing``, the ``with`` blocks of clients and streams. Never knows:
sockets and waiting (the shells in ``_client`` and ``_async_client`` send, wait and close), the
attempts of a call (``_call``), hooks and logs (``_observe``), what a call may cost
(``_core.accounting``).
"""

from __future__ import annotations

import abc
import copy
import difflib
import enum
import functools
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NamedTuple

import attrs

from openrouter_kit._call import Call, candidates
from openrouter_kit._core import convert, wire
from openrouter_kit._core.accounting import (
    HoldEnd,
    Lookup,
    UsageSnapshot,
    UsageTotals,
    failed_lookup,
    generation_id,
    hold_end,
    input_worst_case,
    unreported_cost,
    unreported_input_cost,
    worst_case,
)
from openrouter_kit._core.body import DEFAULT_MAX_RESPONSE_BYTES
from openrouter_kit._core.config import (
    DEFAULT_APP_NAME,
    DEFAULT_MAX_RETRIES,
    DEFAULT_STREAM_IDLE_TIMEOUT,
    DEFAULT_TIMEOUT,
    Config,
    Timeouts,
    TimeoutSetting,
    check_headers,
)
from openrouter_kit._core.messages import check_messages
from openrouter_kit._core.ratelimit import DEFAULT_OUTPUT_TOKENS, RateLimit, wait_or_refuse
from openrouter_kit._core.registry import RegistryCache
from openrouter_kit._core.retry import RetryPolicy
from openrouter_kit._core.sse import MAX_EVENT_BYTES
from openrouter_kit._core.store import MemoryStore, Store
from openrouter_kit._core.structured import request_format
from openrouter_kit._core.wire import (
    CHAT_COMPLETIONS,
    COUNT_MODELS,
    EMBEDDINGS,
    GENERATION,
    GENERATION_CONTENT,
    LIST_MODELS,
    MODEL,
    MODEL_ENDPOINTS,
    RERANK,
    Endpoint,
)
from openrouter_kit._http import (
    RequestBuilder,
    Transport,
    check_http2,
    checked_http_client,
    checked_transport,
    checked_verify,
)
from openrouter_kit._observe import (
    Hook,
    Hooks,
    content_enabled,
    log_content,
    set_up_logging,
)
from openrouter_kit.errors import (
    ConfigurationError,
    InvalidResponseError,
    ValidationError,
)

if TYPE_CHECKING:
    from collections.abc import Iterable
    from types import TracebackType
    from typing import Self

    import httpx

    from openrouter_kit._call import Attempt
    from openrouter_kit._core.accounting import PendingHold, WorstCase
    from openrouter_kit._core.assemble import StreamAssembler
    from openrouter_kit._core.events import StoreEvent
    from openrouter_kit._core.ratelimit import Denied, Ticket
    from openrouter_kit._core.store import BreakerState, BudgetState, LimiterState
    from openrouter_kit._core.tools import ToolLoop
    from openrouter_kit._generated.models import (
        CompletionRequest,
        CompletionResponse,
        GenerationStats,
        TokenUsage,
    )
    from openrouter_kit._http import Verify

__all__ = ["UNSET", "AsyncClosing", "BaseClient", "Closing"]


class _Unset(enum.Enum):
    """The type of ``UNSET``."""

    UNSET = "UNSET"


#: "Keep the client's setting" in ``with_options`` and the per-call ``timeout=`` (where None
#: already means "no limit").
UNSET = _Unset.UNSET

#: The per-call options of ``complete``, ``stream`` and ``run_tools``: never sent in the body.
OPTIONS = ("timeout", "extra_headers", "extra_query", "extra_body", "max_cost")

#: Why a client setting given to a call is refused, and where it belongs.
_CLIENT_SETTINGS = {
    "budget": "budget is a client option: Client(budget=...) caps what the client spends in all "
    "(max_cost=... caps one call)",
    "max_retries": "max_retries is a client option: client.with_options(max_retries=...)"
    ".complete(...) changes it for some calls",
    "deadline": "deadline is a client option: client.with_options(deadline=...).complete(...) "
    "changes it for some calls",
    "headers": "headers for one call go in extra_headers={...} (Client(headers=...) sends them "
    "with every call)",
    "api_key": "api_key is a client option: Client(api_key=...)",
    "management_key": "management_key is a client option: Client(management_key=...)",
    "base_url": "base_url is a client option: Client(base_url=...)",
}


@functools.cache
def _parameters() -> frozenset[str]:
    """The wire names of every chat parameter this version knows."""
    from openrouter_kit._generated.models import CompletionRequest  # noqa: PLC0415 - lazy: models load on first use

    return frozenset(
        str(a.metadata.get("wire", a.name))
        for a in attrs.fields(CompletionRequest)
        if a.name != "extra" and not a.metadata.get("local")
    )


def _unknown_parameter(names: Iterable[Any]) -> ValidationError:
    """The error for keywords (or keys of a request dict) that are no chat parameter."""
    name = next(n for n in names if n not in _parameters())
    shown = wire.redact(repr(name)[:60], None)
    if name in _CLIENT_SETTINGS:
        return ValidationError(f"{shown} is not a request parameter: {_CLIENT_SETTINGS[name]}")
    if name in OPTIONS:  # inside a request dict
        return ValidationError(
            f"{shown} is an option of the call, not a request field: pass it as a keyword, "
            f"as in complete(request, {name}=...)"
        )
    close = difflib.get_close_matches(str(name), [*_parameters(), *OPTIONS], n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ValidationError(
        f"unknown parameter {shown}{hint}; a parameter this version does not know can be sent "
        f"with extra_body={{{shown}: ...}}",
        path=f"$.{str(name)[:60]}",
    )


def _request_data(
    request: CompletionRequest | Mapping[str, Any] | None, params: Mapping[str, Any]
) -> dict[str, Any]:
    """A request given as an object, a dict or nothing, with keyword ``params`` on top, as a
    new dict (the caller's objects are untouched).

    Raises:
        ValidationError: a keyword (or a key of a request dict) is no chat parameter.
    """
    from openrouter_kit._generated.models import CompletionRequest  # noqa: PLC0415 - lazy: models load on first use

    known = _parameters()
    if isinstance(request, CompletionRequest):
        data = dict(convert.converters().fast.unstructure(request))  # its extra: as given
    elif request is None or isinstance(request, Mapping):
        data = dict(request or {})
        if not known.issuperset(data):
            raise _unknown_parameter(data)
    else:
        raise ValidationError(
            f"request must be a CompletionRequest or a dict, got {type(request).__name__}"
        )
    if not known.issuperset(params):
        raise _unknown_parameter(params)
    data.update(params)
    return data


def _call_params(
    model: type, call: str, params: Mapping[str, Any], positional: tuple[str, ...]
) -> dict[str, Any]:
    """``params`` as a new dict, when each is a parameter of ``model`` (a request of ``call``)
    other than those passed positionally.

    Raises:
        ValidationError: an unknown keyword (the message suggests the closest name).
    """
    known = [
        str(a.metadata.get("wire", a.name))
        for a in attrs.fields(model)
        if a.name != "extra" and a.name not in positional
    ]
    for name in params:
        if name not in known:
            shown = wire.redact(repr(name)[:60], None)
            if name in positional:
                problem = f"{shown} is passed positionally: {call}({', '.join(positional)}, ...)"
            else:
                close = difflib.get_close_matches(str(name), [*known, *OPTIONS], n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problem = (
                    f"unknown {call} parameter {shown}{hint}; a parameter this version does not "
                    f"know can be sent with extra_body={{{shown}: ...}}"
                )
            raise ValidationError(problem, path=f"$.{str(name)[:60]}")
    return dict(params)


def _embedding_input(value: Any) -> str | list[Any]:
    """``embed()``'s input as the wire takes it: a text, or a list of texts, of token ids, of
    lists of token ids, or of multimodal inputs (``EmbeddingInput`` or dicts), all of one kind.

    Raises:
        ValidationError: anything else, an empty text or list, or a list of mixed kinds.
    """
    from openrouter_kit._generated.models import EmbeddingInput  # noqa: PLC0415 - lazy: models load on first use

    if isinstance(value, str):
        if not value:
            raise ValidationError("input must not be an empty string", path="$.input")
        return value
    if isinstance(value, bytes) or not isinstance(value, Sequence) or not value:
        raise ValidationError(
            "input must be a text or a non-empty list of texts, of token ids, of lists of token "
            "ids or of EmbeddingInput",
            path="$.input",
        )
    items = list(value)

    def ids(item: Any) -> bool:
        return (
            isinstance(item, Sequence)
            and not isinstance(item, str | bytes)
            and all(type(i) is int for i in item)
        )

    if all(isinstance(item, str) for item in items):
        for index, item in enumerate(items):
            if not item:
                raise ValidationError(
                    f"$.input[{index}]: texts must not be empty", path=f"$.input[{index}]"
                )
        return items
    if all(type(item) is int for item in items):
        return items
    if all(ids(item) and item for item in items):
        return [list(item) for item in items]
    if all(isinstance(item, EmbeddingInput | Mapping) for item in items):
        unstructure = convert.converters().fast.unstructure
        return [unstructure(convert.structure_input(item, EmbeddingInput)) for item in items]
    raise ValidationError(
        "input must be a list of one kind: texts, token ids, lists of token ids or EmbeddingInput",
        path="$.input",
    )


def _models_query(params: Mapping[str, Any]) -> dict[str, str]:
    """``list_models()``'s keywords as the query of ``GET /models``: lists joined by commas,
    None left out, in the order given.

    Raises:
        ValidationError: an unknown keyword, or a value outside its documented range.
    """
    from openrouter_kit._generated.models import ModelListQuery  # noqa: PLC0415 - lazy: models load on first use

    data = _call_params(ModelListQuery, "list_models", params, ())
    convert.structure_input({k: v for k, v in data.items() if v is not None}, ModelListQuery)
    query: dict[str, str] = {}
    for name, value in data.items():
        if value is None:
            continue
        if isinstance(value, Sequence) and not isinstance(value, str):
            value = ",".join(str(item).strip() for item in value)
        elif isinstance(value, enum.Enum):
            value = value.value
        query[name] = str(value)
    return query


def _as_it_is(payload: Any, _: Any) -> Any:
    """The decoded JSON of a generic request's answer, as it is."""
    return payload


class _Options(NamedTuple):
    """One call's options (see ``BaseClient._options``), checked."""

    timeouts: Timeouts | None
    headers: tuple[tuple[str, str], ...]
    query: Mapping[str, str] | None
    body: Mapping[str, Any] | None
    max_cost: Decimal | None


def _strings(name: str, value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValidationError(f"{name} must be a dict of strings to strings", path=name)
    return dict(value)


def _check_defaults(config: Config) -> None:
    """Refuse request defaults that a request could not carry (they are applied after a
    request's own validation, so they are checked here, once, with the same checks).

    Raises:
        ConfigurationError: ``default_params`` or ``default_model`` fails the request schema.
    """
    defaults = dict(config.default_params)
    if config.default_model is not None:
        defaults["model"] = config.default_model
    if not defaults:
        return
    from openrouter_kit._generated.models import CompletionRequest  # noqa: PLC0415 - lazy: models load on first use

    probe = [{"role": "user", "content": "-"}]
    try:
        convert.structure_input({**defaults, "messages": probe}, CompletionRequest)
    except ValidationError as exc:
        name = "default_model" if exc.path == "$.model" else "default_params"
        problem = exc.message.removeprefix("invalid CompletionRequest: ")
        raise ConfigurationError(f"{name}: {problem}") from None


def _header_error(message: str) -> ValidationError:
    return ValidationError(message, path="extra_headers")


def _usd(name: str, value: Any) -> Decimal:
    """A USD amount from a number or a decimal string (a float is read through its repr)."""
    try:
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    except (ArithmeticError, ValueError):
        amount = Decimal("NaN")
    if isinstance(value, bool) or not amount.is_finite() or amount < 0:
        raise ConfigurationError(f"{name} must be a USD amount >= 0, got {value!r}")
    return amount


def _seconds_or_none(name: str, value: Any) -> float | None:
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int | float) or not value > 0
    ):
        raise ConfigurationError(
            f"{name} must be a positive number of seconds or None, got {value!r}"
        )
    return None if value is None else float(value)


def _bytes_or_none(value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ConfigurationError(
            f"max_response_bytes must be a positive number of bytes or None, got {value!r}"
        )
    return value


class Closing:
    """``with obj:`` closes ``obj`` on the way out (``Client``, ``Stream``)."""

    __slots__ = ()

    def close(self) -> None:
        """Close it; safe to call twice."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClosing:
    """``async with obj:`` closes ``obj`` on the way out (``AsyncClient``, ``AsyncStream``)."""

    __slots__ = ()

    async def aclose(self) -> None:
        """Close it; safe to call twice."""
        raise NotImplementedError

    async def close(self) -> None:
        """Same as ``aclose()``."""
        await self.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class BaseClient(abc.ABC):
    """Configuration and request/response handling shared by ``Client`` and ``AsyncClient``.

    The constructor is the one both clients share; ``Client`` documents its arguments.
    """

    #: The httpx client class the shell drives; an injected ``http_client`` must be one.
    _http_type: ClassVar[type]
    #: True for the async client, which may await its hooks.
    _awaits_hooks: ClassVar[bool] = False
    _http: Any
    _models: Any

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        app_name: str | None = DEFAULT_APP_NAME,
        app_url: str | None = None,
        timeout: TimeoutSetting = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | httpx.AsyncClient | None = None,
        *,
        default_model: str | None = None,
        default_params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        deadline: float | None = None,
        backoff_initial: float = 0.5,
        backoff_max: float = 8.0,
        max_retry_after: float = 60.0,
        breaker_threshold: int | None = 5,
        breaker_recovery: float = 30.0,
        max_event_bytes: int = MAX_EVENT_BYTES,
        budget: float | str | Decimal | None = None,
        max_cost: float | str | Decimal | None = None,
        hooks: Hooks | Mapping[str, Iterable[Hook]] | None = None,
        transport: Transport | None = None,
        stream_idle_timeout: float | None = DEFAULT_STREAM_IDLE_TIMEOUT,
        retry_maybe_processed: bool = False,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        rate_limit: RateLimit | None = None,
        store: Store | None = None,
        management_key: str | None = None,
        http2: bool = False,
        verify: Verify = True,
    ) -> None:
        set_up_logging()
        self._config = Config.from_env(
            os.environ,
            api_key=api_key,
            base_url=base_url,
            app_name=app_name,
            app_url=app_url,
            timeout=timeout,
            max_retries=max_retries,
            default_model=default_model,
            default_params=default_params,
            headers=headers,
            max_event_bytes=max_event_bytes,
            management_key=management_key,
            http2=http2,
        )
        _check_defaults(self._config)
        if http_client is not None and not isinstance(http_client, self._http_type):
            raise ConfigurationError(
                f"{type(self).__name__} needs an httpx.{self._http_type.__name__} as http_client, "
                f"got {type(http_client).__name__}"
            )
        self._transport = checked_transport(transport, self._http_type, http_client, http2)
        check_http2(http2, self._transport, http_client)
        if http_client is not None:
            checked_http_client(http_client, self._config.base_url)
        #: The SSL context of the pool this client builds (None: the shared default one).
        self._ssl = checked_verify(verify, self._config.base_url, http_client)
        self._http = http_client
        self._owns_http = http_client is None
        #: Builds each attempt's request for the pool (for the shell's own: once it is made).
        self._requests: Any = (
            None if http_client is None else RequestBuilder(http_client, own=False)
        )
        self._closed = False
        self._lock = threading.Lock()
        #: The model list this client checks and prices calls with; ``models`` fills it.
        self._model_cache = RegistryCache()
        self._models = None
        self._retry = RetryPolicy.checked(
            max_retries=self._config.max_retries,
            deadline=deadline,
            wait_initial=backoff_initial,
            wait_max=backoff_max,
            max_retry_after=max_retry_after,
            retry_maybe_processed=retry_maybe_processed,
        )
        #: Seconds a stream may go without an event (keep-alive comments do not count).
        self._idle = _seconds_or_none("stream_idle_timeout", stream_idle_timeout)
        #: The most bytes one response may decode to (None: no cap).
        self._max_bytes = _bytes_or_none(max_response_bytes)
        if store is not None and not isinstance(store, Store):
            raise ConfigurationError(
                f"store must be a MemoryStore or a RedisStore, got {type(store).__name__}"
            )
        if rate_limit is not None and not isinstance(rate_limit, RateLimit):
            raise ConfigurationError(
                "rate_limit must be a RateLimit(requests_per_minute=..., tokens_per_minute=...), "
                f"got {type(rate_limit).__name__}"
            )
        #: Where the breakers, rate limits and budget are kept; a store given is never closed
        #: by this client.
        self._store: Store = MemoryStore() if store is None else store
        self._owns_store = store is None
        #: True when the async shell awaits the states' twins (a shared store).
        self._awaits_store = self._awaits_hooks and self._store.shared
        #: The shared store that admits a call in one round trip (route, rate limit and
        #: budget hold together: ``_admit_call``); None for a memory store.
        self._shared: Any = (
            self._store if self._store.shared and hasattr(self._store, "_admit_call") else None
        )
        try:
            self._breaker: BreakerState = self._store.breaker(breaker_threshold, breaker_recovery)
            self._budget: BudgetState | None = None
            if budget is not None and self._shared is not None:
                longest = self._longest_call()
                self._budget = self._store.budget(_usd("budget", budget), longest_call=longest)
            elif budget is not None:
                self._budget = self._store.budget(_usd("budget", budget))
        except ValueError as exc:
            if isinstance(exc, ConfigurationError):
                raise
            raise ConfigurationError(str(exc)) from None
        self._limiter: LimiterState | None = (
            None if rate_limit is None else self._store.limiter(rate_limit)
        )
        self._usage = UsageTotals()
        #: This client settles the budget's pending holds when it closes (its copies do not).
        self._budget_owner = True
        self._max_cost = _usd("max_cost", max_cost) if max_cost is not None else None
        self._hooks = Hooks.of(hooks)
        if not self._awaits_hooks:
            self._hooks._blocking()
        #: A shared store's switches, queued for the ``store`` hooks (fired before an attempt).
        self._store_events: list[StoreEvent] = []
        self._store.listen(self._store_switched)

    def _longest_call(self) -> float | None:
        """The most seconds one call may take (None: nothing bounds it): the deadline, else
        ``max_retries + 1`` attempts of ``pool + connect + write + max(read,
        stream_idle_timeout)`` and the longest waits between them (``backoff_max`` or
        ``max_retry_after``). A shared budget keeps a hold this long (plus a margin) before
        taking it as left by a process that died."""
        retry = self._retry
        if retry.deadline is not None:
            return float(retry.deadline)
        timeouts, idle = self._config.timeout, self._idle
        phases = (timeouts.pool, timeouts.connect, timeouts.write, timeouts.read, idle)
        if any(phase is None for phase in phases):
            return None
        pool, connect, write, read, idle = (float(phase or 0) for phase in phases)
        attempt = pool + connect + write + max(read, idle)
        waits = retry.max_retries * max(retry.wait_max, retry.max_retry_after)
        return float((retry.max_retries + 1) * attempt + waits)

    def _store_switched(self, event: StoreEvent) -> None:
        """The store's listener: queue ``event`` for the hooks (never blocks, never raises)."""
        self._store_events.append(event)

    def _take_store_events(self) -> list[StoreEvent]:
        """The queued store events, oldest first, taken off the queue."""
        events, self._store_events[:] = list(self._store_events), []
        return events

    def with_options(
        self,
        *,
        max_retries: int | _Unset = UNSET,
        timeout: TimeoutSetting | _Unset = UNSET,
        deadline: float | _Unset | None = UNSET,
        max_cost: float | str | Decimal | _Unset | None = UNSET,
        stream_idle_timeout: float | _Unset | None = UNSET,
        retry_maybe_processed: bool | _Unset = UNSET,
        max_response_bytes: int | _Unset | None = UNSET,
    ) -> Self:
        """Return a copy of this client with other retry, timeout or size settings, for some
        calls.

        The copy is cheap: it shares the connection pool, the store, the circuit breakers, the
        rate limits, the budget and the session usage with this client. ``max_cost`` caps what
        one call may cost (USD, worst case, checked before sending); the other settings mean
        what they mean for ``Client``. For example
        ``client.with_options(timeout=5, max_retries=0).complete(...)`` or
        ``client.with_options(deadline=600, stream_idle_timeout=None).stream(...)``. Closing the
        copy leaves the pool open; close the original client when you are done.

        Raises:
            ConfigurationError: a setting is invalid.
        """
        self._client()  # the copy shares this pool, so make sure it exists
        clone = copy.copy(self)
        clone._owns_http = False
        clone._budget_owner = False
        if not isinstance(max_retries, _Unset) or not isinstance(timeout, _Unset):
            clone._config = self._config.replaced(
                max_retries=self._config.max_retries
                if isinstance(max_retries, _Unset)
                else max_retries,
                timeout=self._config.timeout if isinstance(timeout, _Unset) else timeout,
            )
        clone._retry = self._retry.replaced(
            max_retries=clone._config.max_retries,
            deadline=self._retry.deadline if isinstance(deadline, _Unset) else deadline,
            retry_maybe_processed=self._retry.retry_maybe_processed
            if isinstance(retry_maybe_processed, _Unset)
            else retry_maybe_processed,
        )
        if not isinstance(stream_idle_timeout, _Unset):
            clone._idle = _seconds_or_none("stream_idle_timeout", stream_idle_timeout)
        if not isinstance(max_response_bytes, _Unset):
            clone._max_bytes = _bytes_or_none(max_response_bytes)
        if not isinstance(max_cost, _Unset):
            clone._max_cost = None if max_cost is None else _usd("max_cost", max_cost)
        return clone

    @abc.abstractmethod
    def _client(self) -> httpx.Client | httpx.AsyncClient:
        """This client's connection pool, built on first use (the shell's own httpx client).

        Raises:
            RuntimeError: the client is closed.
        """

    @classmethod
    def from_settings(cls, path: str | os.PathLike[str], **overrides: Any) -> Self:
        """Return a client configured by the ``llm:`` section of a YAML settings file.

        ``default_model``, ``temperature`` and ``max_tokens`` become defaults for every request;
        ``timeout`` and ``max_retries`` configure the client. Keyword ``overrides`` win over the
        file.

        Raises:
            ConfigurationError: the file is missing or invalid (the message names field and line).
        """
        from openrouter_kit._settings import load_settings  # noqa: PLC0415 - lazy: only from_settings reads YAML

        return cls(**{**load_settings(path), **overrides})

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={self._config.base_url!r}>"

    @property
    def base_url(self) -> str:
        """The API root every request goes to."""
        return self._config.base_url

    @property
    def timeout(self) -> Timeouts:
        """Seconds each phase of an HTTP attempt may take: connect, read, write, pool."""
        return self._config.timeout

    @property
    def deadline(self) -> float | None:
        """Seconds one call may take in all, retries and waits included (None: no bound)."""
        return self._retry.deadline

    @property
    def budget(self) -> BudgetState | None:
        """The client's USD budget (``limit``, ``spent``, ``reserved``, ``pending``,
        ``remaining``), or None."""
        return self._budget

    @property
    def rate_limit(self) -> RateLimit | None:
        """The client's own requests and tokens per minute (see ``RateLimit``), or None."""
        return None if self._limiter is None else self._limiter.rate_limit

    @property
    def store(self) -> Store:
        """Where the circuit breakers, rate limits and budget are kept: a ``MemoryStore`` (this
        process only, the default) or the ``RedisStore`` given (shared)."""
        return self._store

    @property
    def hooks(self) -> Hooks:
        """The functions this client calls on requests, responses, retries and errors; add to
        its lists (``client.hooks.response.append(fn)``) at any time."""
        return self._hooks

    @property
    def breaker(self) -> BreakerState:
        """This client's circuit breakers (by endpoint and model): inspect with ``status()``
        and ``states()``, close them with ``reset()``."""
        return self._breaker

    @property
    def max_retries(self) -> int:
        """How many times a failed call is retried (0: never)."""
        return self._config.max_retries

    @property
    def default_model(self) -> str | None:
        """The model used when a request names none."""
        return self._config.default_model

    @property
    def usage(self) -> UsageSnapshot:
        """Session totals of this client: requests, prompt/completion/total tokens and USD cost
        (what the server reported, plus marked estimates), in all and per model (``by_model``)."""
        return self._usage.snapshot()

    # -- preparing -----------------------------------------------------------------------------
    @staticmethod
    def _options(
        timeout: TimeoutSetting | _Unset,
        extra_headers: Mapping[str, str] | None,
        extra_query: Mapping[str, str] | None,
        extra_body: Mapping[str, Any] | None,
        max_cost: float | str | Decimal | None,
    ) -> _Options | None:
        """One call's options checked, or None when it has none (the usual case, free).

        Raises:
            ValidationError: an option is invalid (nothing is sent).
        """
        if (
            timeout is UNSET
            and extra_headers is None
            and extra_query is None
            and extra_body is None
            and max_cost is None
        ):
            return None
        headers: tuple[tuple[str, str], ...] = ()
        if extra_headers is not None:
            if not isinstance(extra_headers, Mapping):
                raise ValidationError("extra_headers must be a dict", path="extra_headers")
            headers = check_headers(extra_headers.items(), "extra_headers", _header_error)
        if extra_body is not None:
            if not isinstance(extra_body, Mapping) or not all(
                isinstance(k, str) for k in extra_body
            ):
                raise ValidationError(
                    "extra_body must be a dict with string keys", path="extra_body"
                )
            if "stream" in extra_body:
                raise ValidationError(
                    "extra_body cannot set stream: use client.stream() or client.complete()",
                    path="extra_body.stream",
                )
        try:
            timeouts = None if isinstance(timeout, _Unset) else Timeouts.of(timeout)
            cost = None if max_cost is None else _usd("max_cost", max_cost)
        except ConfigurationError as exc:
            raise ValidationError(exc.message) from None
        return _Options(
            timeouts=timeouts,
            headers=headers,
            query=None if extra_query is None else _strings("extra_query", extra_query),
            body=dict(extra_body) if extra_body is not None else None,
            max_cost=cost,
        )

    def _chat_request(
        self, req: CompletionRequest, options: _Options | None, *, stream: bool = False
    ) -> wire.WireRequest:
        """The chat completion request to send, with the call's options."""
        if options is None:
            body = convert.dumps(req)
            return wire.build_request(self._config, CHAT_COMPLETIONS, body=body, stream=stream)
        return wire.build_request(
            self._config,
            CHAT_COMPLETIONS,
            body=convert.dumps(req, options.body),
            query=options.query,
            stream=stream,
            headers=options.headers,
        )

    def _prepare_completion(
        self,
        request: CompletionRequest | Mapping[str, Any] | None,
        params: Mapping[str, Any],
        options: _Options | None = None,
    ) -> Call:
        req = self._completion_request(request, params)
        if req.stream:
            raise ValidationError("stream=True is not accepted by complete(); use client.stream()")
        return self._call(CHAT_COMPLETIONS, self._chat_request(req, options), req, options)

    def _completion_request(
        self, request: CompletionRequest | Mapping[str, Any] | None, params: Mapping[str, Any]
    ) -> CompletionRequest:
        """The validated request with the client's defaults (the caller's object is untouched)."""
        from openrouter_kit._generated.models import CompletionRequest  # noqa: PLC0415 - lazy: models load on first use

        data = _request_data(request, params)
        if data.get("response_format") is not None:  # a class becomes its schema; see there
            data["response_format"] = request_format(data["response_format"])
        req = convert.structure_input(data, CompletionRequest)
        check_messages(req.messages)
        changes: dict[str, Any] = {}
        if req.model is None and not getattr(req, "models", None) and self._config.default_model:
            changes["model"] = self._config.default_model
        for name, value in self._config.default_params.items():
            if getattr(req, name) is None:
                changes[name] = value
        if changes:
            req = attrs.evolve(req, **changes)
        self._check_models(req)
        return req

    def _check_models(self, req: CompletionRequest) -> None:
        """With the model list loaded, refuse unknown models, a ``max_tokens`` above what the model
        may generate, and prompts that cannot fit."""
        cache = self._model_cache
        if not cache.loaded:
            return
        from openrouter_kit._core.tokens import estimate_prompt  # noqa: PLC0415 - lazy: loads the models

        names = [name for name in candidates(req) if name]
        prompt = estimate_prompt(req.messages, req.tools)
        field = "max_tokens" if req.max_tokens else "max_completion_tokens"
        cache.check(names, prompt, req.max_tokens or req.max_completion_tokens, field)

    def _check_model_id(self, model: str) -> None:
        """With the model list loaded, refuse an unknown model id (``embed``, ``rerank``), as
        ``_check_models`` does for completions.

        Raises:
            ModelNotFoundError: the id is not in the list (the message names the closest ids).
        """
        if self._model_cache.loaded:
            self._model_cache.check((model,), 0, None)

    def _prepare_stream(
        self,
        request: CompletionRequest | Mapping[str, Any] | None,
        params: Mapping[str, Any],
        options: _Options | None = None,
    ) -> tuple[Call, StreamAssembler]:
        req = self._completion_request(request, params)
        if req.stream is False:
            raise ValidationError("stream=False is not accepted by stream(); use client.complete()")
        req = attrs.evolve(req, stream=True)
        wire_request = self._chat_request(req, options, stream=True)
        from openrouter_kit._core.assemble import StreamAssembler  # noqa: PLC0415 - lazy: loads the models

        structure = convert.converters().fast.structure
        return self._call(CHAT_COMPLETIONS, wire_request, req, options), StreamAssembler(
            structure, self._config.api_key, self._config.max_event_bytes
        )

    def _prepare_get(
        self,
        endpoint: Endpoint,
        *,
        query: Mapping[str, str] | None = None,
        path_params: Mapping[str, str] | None = None,
    ) -> Call:
        request = wire.build_request(self._config, endpoint, query=query, path_params=path_params)
        return self._call(endpoint, request)

    def _prepare_json(
        self,
        endpoint: Endpoint,
        body: Any = None,
        *,
        nulls: Mapping[str, None] | None = None,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
    ) -> Call:
        """A call to ``endpoint`` sending the model ``body`` (None: no body) as JSON, with
        ``nulls``, fields sent as an explicit ``null``."""
        data = None if body is None else convert.dumps(body, nulls)
        request = wire.build_request(
            self._config, endpoint, body=data, query=query, path_params=path_params
        )
        return self._call(endpoint, request)

    def _prepare_request(
        self, method: str, path: str, json: Any, params: Any, cast_to: type | None
    ) -> Call:
        from openrouter_kit._core import generic  # noqa: PLC0415 - lazy: only request() needs it

        endpoint = generic.endpoint(method, path)
        generic.check_cast(cast_to)
        body, query = generic.body(json), generic.query(params)
        call = self._call(
            endpoint, wire.build_request(self._config, endpoint, body=body, query=query)
        )
        call.cast_to = cast_to
        return call

    def authorization_url(
        self,
        callback_url: str,
        code_challenge: str | None = None,
        *,
        code_challenge_method: Literal["S256", "plain"] = "S256",
    ) -> str:
        """Return the URL of OpenRouter's sign-in page (``https://openrouter.ai/auth?...``, the
        site of this client's base URL) that sends the user back to ``callback_url`` with a
        ``code`` to pass to ``exchange_auth_code``.

        Send the ``challenge`` of a ``Pkce`` (``Pkce.create()``) and keep its verifier.

        Raises:
            ValidationError: ``callback_url`` is not https (or http on localhost).
        """
        from openrouter_kit._oauth import authorization_url  # noqa: PLC0415 - lazy: sign-in only

        return authorization_url(
            callback_url,
            code_challenge,
            code_challenge_method=code_challenge_method,
            base_url=self._config.base_url,
        )

    def _prepare_exchange(
        self, code: str, code_verifier: str | None, code_challenge_method: str | None
    ) -> Call:
        from openrouter_kit._generated.models import AuthCodeExchange  # noqa: PLC0415 - lazy: models load on first use
        from openrouter_kit._oauth import code_challenge  # noqa: PLC0415 - lazy: sign-in only

        if code_verifier is not None:
            code_challenge(code_verifier, "plain")  # checks its form
        method = code_challenge_method if code_verifier is not None else None
        data = {"code": code, "code_verifier": code_verifier, "code_challenge_method": method}
        request = convert.structure_input(data, AuthCodeExchange)
        if not request.code.strip():
            raise ValidationError("code must be the non-empty code of the callback", path="code")
        return self._prepare_json(wire.EXCHANGE_AUTH_CODE, request)

    def _prepare_auth_code(self, callback_url: str, params: Mapping[str, Any]) -> Call:
        from openrouter_kit._generated.models import AuthCodeCreate  # noqa: PLC0415 - lazy: models load on first use
        from openrouter_kit._oauth import check_callback_url  # noqa: PLC0415 - lazy: sign-in only

        data = {k: v for k, v in params.items() if v is not None}
        data["callback_url"] = check_callback_url(callback_url)
        if "code_challenge" in data:
            data.setdefault("code_challenge_method", "S256")
        return self._prepare_json(
            wire.CREATE_AUTH_CODE, convert.structure_input(data, AuthCodeCreate)
        )

    def _prepare_model_endpoints(self, model: str) -> Call:
        author, _, slug = model.partition("/") if isinstance(model, str) else ("", "", "")
        if not author or not slug or "/" in slug:
            raise ValidationError(
                f"expected a model id like 'author/slug', got {str(model)[:80]!r}"
            )
        return self._prepare_get(MODEL_ENDPOINTS, path_params={"author": author, "slug": slug})

    def _prepare_generation(self, generation_id: str) -> Call:
        if not isinstance(generation_id, str) or not generation_id.strip():
            raise ValidationError("generation_id must be a non-empty string (a response's id)")
        return self._prepare_get(GENERATION, query={"id": generation_id.strip()})

    def _prepare_generation_content(self, generation_id: str) -> Call:
        if not isinstance(generation_id, str) or not generation_id.strip():
            raise ValidationError("generation_id must be a non-empty string (a response's id)")
        return self._prepare_get(GENERATION_CONTENT, query={"id": generation_id.strip()})

    def _prepare_model_info(self, model: str) -> Call:
        author, _, slug = model.partition("/") if isinstance(model, str) else ("", "", "")
        if not author or not slug or "/" in slug or any(c.isspace() for c in model):
            raise ValidationError(
                f"expected a model id like 'author/slug' or 'author/slug:variant', got "
                f"{str(model)[:80]!r}"
            )
        return self._prepare_get(MODEL, path_params={"author": author, "slug": slug})

    def _prepare_list_models(self, params: Mapping[str, Any]) -> Call:
        return self._prepare_get(LIST_MODELS, query=_models_query(params) or None)

    def _prepare_count_models(self, output_modalities: str | Sequence[str] | None) -> Call:
        query = _models_query({"output_modalities": output_modalities})
        return self._prepare_get(COUNT_MODELS, query=query or None)

    def _prepare_embedding(
        self, input: Any, params: Mapping[str, Any], options: _Options | None = None
    ) -> Call:
        """The call of ``embed()``: the request validated, its prompt bounded for the budget.

        Raises:
            ValidationError: the input or a parameter is invalid (nothing is sent).
        """
        from openrouter_kit._core.tokens import bound_embedding_input  # noqa: PLC0415 - lazy: loads the models
        from openrouter_kit._generated.models import EmbeddingRequest  # noqa: PLC0415 - lazy: models load on first use

        data = _call_params(EmbeddingRequest, "embed", params, ("input",))
        data["input"] = _embedding_input(input)
        req = convert.structure_input(data, EmbeddingRequest)
        self._check_model_id(req.model)
        call = self._call(EMBEDDINGS, self._body_request(EMBEDDINGS, req, options), None, options)
        call.candidates = (req.model,)
        call.input_tokens = bound_embedding_input(req.input)
        return call

    def _prepare_rerank(
        self,
        query: str,
        documents: Sequence[Any],
        params: Mapping[str, Any],
        options: _Options | None = None,
    ) -> Call:
        """The call of ``rerank()``, as ``_prepare_embedding``.

        Raises:
            ValidationError: the query, a document or a parameter is invalid (nothing is sent).
        """
        from openrouter_kit._core.tokens import bound_rerank  # noqa: PLC0415 - lazy: loads the models
        from openrouter_kit._generated.models import RerankRequest  # noqa: PLC0415 - lazy: models load on first use

        data = _call_params(RerankRequest, "rerank", params, ("query", "documents"))
        if not isinstance(query, str) or not query.strip():
            raise ValidationError("query must be a non-empty string", path="$.query")
        if isinstance(documents, str | bytes) or not isinstance(documents, Sequence):
            raise ValidationError(
                "documents must be a list of strings or RerankDocument objects",
                path="$.documents",
            )
        data.update(query=query, documents=list(documents))
        req = convert.structure_input(data, RerankRequest)
        for index, document in enumerate(req.documents):
            if not isinstance(document, str) and not (document.text or document.image):
                raise ValidationError(
                    f"$.documents[{index}]: a document needs text or an image",
                    path=f"$.documents[{index}]",
                )
        self._check_model_id(req.model)
        call = self._call(RERANK, self._body_request(RERANK, req, options), None, options)
        call.candidates = (req.model,)
        call.input_tokens = bound_rerank(req.query, req.documents)
        return call

    def _body_request(
        self, endpoint: Endpoint, req: Any, options: _Options | None
    ) -> wire.WireRequest:
        """The POST of ``req`` to ``endpoint``, with the call's options."""
        if options is None:
            return wire.build_request(self._config, endpoint, body=convert.dumps(req))
        return wire.build_request(
            self._config,
            endpoint,
            body=convert.dumps(req, options.body),
            query=options.query,
            headers=options.headers,
        )

    def _tool_loop(
        self,
        request: CompletionRequest | Mapping[str, Any] | None,
        params: Mapping[str, Any],
        tools: Sequence[Callable[..., Any]],
        max_rounds: int,
        raise_errors: bool,
        options: _Options | None = None,
    ) -> ToolLoop:
        from openrouter_kit._core.tools import ToolLoop  # noqa: PLC0415 - lazy: loads the models and the schema builder

        data = _request_data(request, params)
        return ToolLoop(
            data, tools, max_rounds=max_rounds, raise_errors=raise_errors, options=options
        )

    # -- calls ---------------------------------------------------------------------------------
    def _call(
        self,
        endpoint: Endpoint,
        wire_request: wire.WireRequest,
        completion: CompletionRequest | None = None,
        options: _Options | None = None,
    ) -> Call:
        """A call to ``endpoint``, with this client's timeouts and deadline unless its options
        set others."""
        timeouts = self._config.timeout
        if options is not None and options.timeouts is not None:
            timeouts = options.timeouts
        return Call(
            endpoint,
            wire_request,
            completion,
            candidates(completion) if completion is not None else ("",),
            timeouts,
            self._retry.deadline,
            time.monotonic(),
            options,
        )

    # -- finishing -----------------------------------------------------------------------------
    def _parse(
        self,
        call: Call,
        wire_request: wire.WireRequest,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
    ) -> Any:
        """The parsed body of one exchange, or the mapped error raised (a streamed request
        answered with a whole body is an error too: the shell keeps an event stream open)."""
        if body and content_enabled():
            log_content("response", body, self._config.secrets)
        structure: Callable[[Any, Any], Any] = convert.converters().fast.structure
        into = None
        if call.endpoint.name == "request":  # a generic request: cast_to, or the JSON itself
            into = call.cast_to or object
            structure = structure if call.cast_to is not None else _as_it_is
        parsed = wire.parse_response(
            call.endpoint,
            status,
            headers,
            body,
            structure=structure,
            api_key=self._config.secrets,
            now=time.time() if status >= 400 else None,
            into=into,
        )
        if wire_request.stream:
            raise InvalidResponseError(
                "a streamed request was answered with a whole JSON body, not an event stream",
                status_code=status,
            )
        return parsed

    # -- rate limits ---------------------------------------------------------------------------
    def _limited(self, call: Call) -> LimiterState | None:
        """The rate limiter that admits the call's attempts: chat completions only (looking up
        models, generations and the key is not counted); None when there is none."""
        return self._limiter if call.completion is not None else None

    def _attempt_tokens(self, call: Call, limiter: LimiterState, model: str | None = None) -> int:
        """The tokens the rate limit charges the call's next attempt: the prompt's estimate
        (``tokens.estimate_prompt``, counted once) plus ``max_tokens``, else the model's
        completion limit when the model list is loaded, else ``DEFAULT_OUTPUT_TOKENS``; 0 when
        tokens are not limited."""
        completion = call.completion
        if completion is None or limiter.rate_limit.tokens_per_minute is None:
            return 0
        if call.prompt_tokens is None:
            from openrouter_kit._core.tokens import estimate_prompt  # noqa: PLC0415 - lazy: loads the models

            call.prompt_tokens = estimate_prompt(completion.messages, completion.tools)
        output = completion.max_tokens or completion.max_completion_tokens
        model = model or call.model
        if not output and model and self._model_cache.loaded:
            info = self._model_cache.peek(model)
            top = info.top_provider if info is not None else None
            output = top.max_completion_tokens if top is not None else None
        return call.prompt_tokens + (output or DEFAULT_OUTPUT_TOKENS)

    def _room_wait(self, call: Call, denied: Denied, waited: float) -> float:
        """Seconds to wait for room after the attempt was ``denied`` (``waited`` seconds
        already; the shell has released the attempt's breaker key).

        Raises:
            RateLimitError: the call may not wait so long (nothing was sent).
        """
        return wait_or_refuse(denied, self._limiter.rate_limit, waited, call.left())  # type: ignore[union-attr]

    @staticmethod
    def _admitted(call: Call, attempt: Attempt, limiter: LimiterState, ticket: Ticket) -> None:
        """The attempt is charged ``ticket``: the attempt gives its tokens back if the server
        cannot have processed it, the answer's usage corrects them (``_reconcile``)."""
        call.ticket = ticket
        attempt.limiter = limiter

    def _used_tokens(self, call: Call, usage: TokenUsage | None) -> tuple[Ticket, int] | None:
        """The call's ticket, taken off it, and the tokens its answer used, or None when there
        is none or the usage counts no tokens (a missing usage reads as zeros; the estimate
        then stays charged: the attempt may have been processed)."""
        ticket = call.ticket
        if ticket is None or usage is None:
            return None
        total = usage.total_tokens
        if type(total) is not int or total < 0:
            prompt, completion = usage.prompt_tokens, usage.completion_tokens
            if type(prompt) is not int or type(completion) is not int:
                return None
            total = prompt + completion
        if not total:
            return None
        call.ticket = None
        return ticket, total

    def _reconcile(self, call: Call, usage: TokenUsage | None, *, awaitable: bool = False) -> None:
        """Correct the ticket's tokens with the answer's usage. ``awaitable``: the async shell
        awaits this itself on a shared store (the ticket is left on the call); a stream's end,
        which cannot await, corrects them with the state's sync method."""
        if call.ticket is None or (awaitable and self._awaits_store):
            return
        used = self._used_tokens(call, usage)
        if used is not None:
            self._limiter.reconcile(*used)  # type: ignore[union-attr]

    # -- budget --------------------------------------------------------------------------------
    def _needs_prices(self, options: _Options | None = None) -> bool:
        """True when calls must be priced before they are sent (a budget or a per-call cap)."""
        return (
            self._budget is not None
            or self._max_cost is not None
            or (options is not None and options.max_cost is not None)
        )

    def _worst_case(self, call: Call) -> WorstCase | None:
        """The call's worst-case cost, checked against ``max_cost``, when the budget must hold
        it; None when it holds nothing (no budget, or nothing to price).

        The shell has loaded the model list first (``_needs_prices``). The prompt is counted
        with ``tokens.bound_prompt``, a bound no text can beat, not the estimate.

        Raises:
            BudgetExceededError: the worst case passes ``max_cost``, or it cannot be bounded
                (unknown or variable prices).
        """
        completion, options = call.completion, call.options
        if completion is None:
            return self._worst_input_case(call)
        if not self._needs_prices(options) or not self._model_cache.loaded:
            return None
        max_cost = self._max_cost
        if options is not None and options.max_cost is not None:
            max_cost = options.max_cost
        from openrouter_kit._core.tokens import bound_prompt  # noqa: PLC0415 - lazy: loads the models

        limits = [n for n in (completion.max_tokens, completion.max_completion_tokens) if n]
        worst = worst_case(
            call.candidates,
            self._model_cache.peek,
            bound_prompt(completion.messages, completion.tools, completion.response_format),
            max(limits) if limits else None,
        )
        worst.check(max_cost)
        return worst if self._budget is not None else None

    def _worst_input_case(self, call: Call) -> WorstCase | None:
        """``_worst_case`` for a call that generates nothing (embeddings, rerank): its prompt
        bound (``call.input_tokens``) at the model's prompt price; None when it holds nothing.

        Raises:
            BudgetExceededError: as ``_worst_case``.
        """
        options = call.options
        if call.input_tokens is None or not self._needs_prices(options):
            return None
        if not self._model_cache.loaded:
            return None
        max_cost = self._max_cost
        if options is not None and options.max_cost is not None:
            max_cost = options.max_cost
        worst = input_worst_case(call.candidates, self._model_cache.peek, call.input_tokens)
        worst.check(max_cost)
        return worst if self._budget is not None else None

    def _hold_worst(self, call: Call, worst: WorstCase) -> None:
        """Hold ``worst`` in the budget for the call (the shell's ``_hold`` sweeps pending holds
        and tries once more when this refuses).

        Raises:
            BudgetExceededError: it passes what is left of the budget (nothing is sent).
        """
        if self._budget is not None:  # _worst_case gave one: there is a budget
            if self._shared is not None:  # with the first attempt's admission: one round trip
                call.admitted = self._shared._admit_call(
                    *self._admission(call), (worst.cost, "this call", worst.lower_hold)
                )
                call.held = call.admitted.held
                return
            call.held = self._budget._reserve(
                worst.cost, "this call", worst.lower_hold, time.monotonic()
            )

    def _admission(self, call: Call) -> tuple[Any, ...]:
        """What a shared store's ``_admit_call`` needs for the call's next attempt: the
        breaker, the rate limiter (None: none), the budget, the route (endpoint, candidates)
        and the tokens the attempt is charged (estimated for the first candidate)."""
        limiter = self._limited(call)
        tokens = 0 if limiter is None else self._attempt_tokens(call, limiter, call.candidates[0])
        route = (call.endpoint.name, call.candidates)
        return self._breaker, limiter, self._budget, route, tokens

    def _attempt_of(
        self, call: Call, number: int, routed: tuple[str, list[str]], admission: Any
    ) -> Attempt:
        """``call.begin`` with a shared store's route; on failure the route's probe is freed
        and ``admission`` refunded (with the next round trip: nothing blocks)."""
        try:
            return call.begin(number, self._breaker, routed)
        except BaseException:
            self._shared._undo(self._breaker, self._limited(call), routed, admission)
            raise

    def _end_hold(self, call: Call, cost: Decimal | None, generation: Any = None) -> HoldEnd | None:
        """End the call's hold (see ``accounting.hold_end``): settled with ``cost``, released
        when the server cannot have processed the call, kept pending on its generation id (the
        ``X-Generation-Id`` header, else ``generation``, the id the answer or its chunks
        carried), or committed whole. Runs once per call: the hold is taken off the call
        first."""
        held, call.held = call.held, None
        budget = self._budget
        if held is None or budget is None:
            return None
        headers = call.response_headers
        header = headers.get("x-generation-id") if headers is not None else None
        if header is not None:
            generation = header
        verdict = hold_end(processed=call.exposed, cost=cost, generation=generation)
        if verdict is HoldEnd.RELEASE:
            budget._release(held)
        elif verdict is HoldEnd.PEND:
            budget._defer(held, generation, time.monotonic())
        else:
            budget._settle(held, cost if verdict is HoldEnd.SETTLE else None)
        return verdict

    def _tagging(self, call: Call) -> tuple[Any, Any, str] | None:
        """What ``_tag_hold`` tags: the shared budget, the call's hold and its generation id;
        None when there is nothing to tag (no hold, no id, or a budget of this process only)."""
        budget, held, headers = self._budget, call.held, call.response_headers
        if budget is None or held is None or headers is None or not hasattr(budget, "_tag"):
            return None
        generation = generation_id(headers.get("x-generation-id"))
        return None if generation is None else (budget, held, generation)

    def _tag_hold(self, call: Call) -> None:
        """A stream's headers came: record its generation id on its hold in a shared budget,
        so that should this process die mid-stream, the fleet's sweeper prices the call with
        ``GET /generation`` (a ``Budget`` of this process dies with it: nothing to do)."""
        tagging = self._tagging(call)
        if tagging is not None:
            budget, held, generation = tagging
            budget._tag(held, generation)

    async def _atag_hold(self, call: Call) -> None:
        """Same as ``_tag_hold``, awaiting the shared budget."""
        tagging = self._tagging(call)
        if tagging is not None:
            budget, held, generation = tagging
            await budget._atag(held, generation)

    def _spending(self, call: Call) -> _Spending:
        """Use as ``with client._spending(call):`` around sending: ends the call's hold if it
        fails before an answer arrives (see ``_end_hold``)."""
        return _Spending(self, call)

    # -- pending holds: the shells look their generations up ------------------------------------
    #: Pending holds one sweep before a budget refusal looks up at most (oldest due first).
    _SWEEP_BEFORE_REFUSAL = 8
    #: Pending holds the sweep of ``close()`` looks up at most, and the seconds it may take in
    #: all (the holds not settled then are committed).
    _SWEEP_AT_CLOSE = 32
    _SWEEP_AT_CLOSE_SECONDS = 5.0

    def _claim_pending(self, *, due_only: bool, limit: int | None) -> list[PendingHold]:
        """Pending holds to look up now, claimed (see ``Budget._claim``)."""
        budget = self._budget
        if budget is None or not budget._pending:
            return []
        return budget._claim(time.monotonic(), due_only=due_only, limit=limit)

    @staticmethod
    def _lookup(found: GenerationStats | BaseException) -> Lookup:
        """What ``GET /generation`` gave for a claimed hold: its stats or the
        ``OpenRouterError`` it raised."""
        if isinstance(found, BaseException):
            return failed_lookup(found)
        return Lookup(found=True, cost=found.total_cost)

    def _looked_up(self, hold: PendingHold, found: GenerationStats | BaseException) -> HoldEnd:
        """Apply what ``GET /generation`` gave for a claimed hold (see ``_lookup``)."""
        return self._budget._resolve(hold, self._lookup(found), time.monotonic())  # type: ignore[union-attr]

    def _asker(self, end: float | None) -> Self | None:
        """The client to look a generation up with: this one (``end`` None), a copy bound by
        the time left before ``end`` (no retries), or None when it has passed."""
        if end is None:
            return self
        left = end - time.monotonic()
        if left <= 0:
            return None
        return self.with_options(max_retries=0, timeout=left, deadline=left)

    def _unclaim(self, holds: Sequence[PendingHold]) -> None:
        """Give back the claims on ``holds`` that were not looked up."""
        if self._budget is not None:
            for hold in holds:
                self._budget._unclaim(hold)

    def _pending_left(self) -> int:
        """How many holds are still pending."""
        budget = self._budget
        return 0 if budget is None else len(budget._pending)

    def _closing_budget(self) -> bool:
        """True when closing this client must settle the budget's pending holds first."""
        return self._budget_owner and self._budget is not None and bool(self._budget._pending)

    def _finish_stream(
        self,
        call: Call,
        assembler: StreamAssembler,
        latency: float | None,
        time_to_first_token: float | None,
        attempts: int,
    ) -> CompletionResponse:
        """The stream's answer so far, with its metrics; its usage is recorded once.

        Raises:
            InvalidResponseError: the chunks do not form a response (a usage that is not
                amounts and counts included); the hold ends as for a cut stream.
        """
        try:
            response = assembler.final_response()
        except InvalidResponseError:
            if not assembler.recorded:
                assembler.recorded = True
                self._end_hold(call, None, assembler.generation_id)
            raise
        response.latency = latency
        response.time_to_first_token = time_to_first_token
        response.attempts = attempts
        self._estimate_cost(response)
        if not assembler.recorded:
            assembler.recorded = True
            self._record_usage(response)
            self._reconcile(call, response.usage)
            # Without usage the stream may still have been billed: its hold is kept pending on
            # the generation (or committed), never released.
            self._end_hold(call, response.cost, response.id)
        return response

    def _finish_completion(
        self, call: Call, response: CompletionResponse, latency: float, attempts: int
    ) -> CompletionResponse:
        response.latency = latency
        response.attempts = attempts
        self._estimate_cost(response)
        self._record_usage(response)
        self._reconcile(call, response.usage, awaitable=True)
        self._end_hold(call, response.cost, response.id)
        wire.raise_for_choice_error(response, self._config.api_key)
        return response

    def _finish_priced(self, call: Call, response: Any, latency: float, attempts: int) -> Any:
        """An embeddings or rerank answer with its metrics; its usage is recorded in
        ``client.usage`` and the call's budget hold ends with its cost (see ``_end_hold``)."""
        response.latency = latency
        response.attempts = attempts
        cache = self._model_cache
        if response.model and cache.loaded:
            model = cache.peek(response.model)
            pricing = model.pricing if model is not None else None
            response.estimated_cost = unreported_input_cost(response.usage, pricing)
        self._usage.record(response.usage, response.model, response.estimated_cost)
        self._end_hold(call, response.cost, response.id)
        return response

    def _estimate_cost(self, response: CompletionResponse) -> None:
        """Estimate the cost from the model's prices when the server reported none and the
        model list is loaded (it is never fetched just for this)."""
        cache = self._model_cache
        if response.model and cache.loaded:
            model = cache.peek(response.model)
            pricing = model.pricing if model is not None else None
            response.estimated_cost = unreported_cost(response.usage, pricing)

    def _record_usage(self, response: CompletionResponse) -> None:
        self._usage.record(response.usage, response.model, response.estimated_cost)


class _Spending:
    """See ``BaseClient._spending`` (a class, not a generator: it runs on every request)."""

    __slots__ = ("call", "client")

    def __init__(self, client: BaseClient, call: Call) -> None:
        self.client, self.call = client, call

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> None:
        if exc is not None:
            self.client._end_hold(self.call, None)
