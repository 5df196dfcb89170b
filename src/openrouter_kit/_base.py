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
    Budget,
    HoldEnd,
    Lookup,
    UsageSnapshot,
    UsageTotals,
    failed_lookup,
    hold_end,
    unreported_cost,
    worst_case,
)
from openrouter_kit._core.body import DEFAULT_MAX_RESPONSE_BYTES
from openrouter_kit._core.breaker import CircuitBreaker
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
from openrouter_kit._core.registry import RegistryCache
from openrouter_kit._core.retry import RetryPolicy
from openrouter_kit._core.sse import MAX_EVENT_BYTES
from openrouter_kit._core.structured import request_format
from openrouter_kit._core.wire import CHAT_COMPLETIONS, GENERATION, MODEL_ENDPOINTS, Endpoint
from openrouter_kit._http import (
    RequestBuilder,
    Transport,
    check_http2,
    checked_http_client,
    checked_transport,
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

    from openrouter_kit._core.accounting import PendingHold, WorstCase
    from openrouter_kit._core.assemble import StreamAssembler
    from openrouter_kit._core.tools import ToolLoop
    from openrouter_kit._generated.models import (
        CompletionRequest,
        CompletionResponse,
        GenerationStats,
    )

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
        transport: Transport = "httpx",
        stream_idle_timeout: float | None = DEFAULT_STREAM_IDLE_TIMEOUT,
        retry_maybe_processed: bool = False,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        management_key: str | None = None,
        http2: bool = False,
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
        self._transport = checked_transport(transport, self._http_type, http_client)
        check_http2(http2, self._transport, http_client)
        if http_client is not None:
            checked_http_client(http_client, self._config.base_url)
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
        try:
            self._breaker = CircuitBreaker(breaker_threshold, breaker_recovery)
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
        self._usage = UsageTotals()
        self._budget = Budget(_usd("budget", budget)) if budget is not None else None
        #: This client settles the budget's pending holds when it closes (its copies do not).
        self._budget_owner = True
        self._max_cost = _usd("max_cost", max_cost) if max_cost is not None else None
        self._hooks = Hooks.of(hooks)
        if not self._awaits_hooks:
            self._hooks._blocking()

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

        The copy is cheap: it shares the connection pool, the circuit breakers, the budget and
        the session usage with this client. ``max_cost`` caps what one call may cost (USD,
        worst case, checked before sending); the other settings mean what they mean for
        ``Client``. For example ``client.with_options(timeout=5, max_retries=0).complete(...)``
        or ``client.with_options(deadline=600, stream_idle_timeout=None).stream(...)``. Closing
        the copy leaves the pool open; close the original client when you are done.

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
    def budget(self) -> Budget | None:
        """The client's USD budget (``limit``, ``spent``, ``reserved``, ``pending``,
        ``remaining``), or None."""
        return self._budget

    @property
    def hooks(self) -> Hooks:
        """The functions this client calls on requests, responses, retries and errors; add to
        its lists (``client.hooks.response.append(fn)``) at any time."""
        return self._hooks

    @property
    def breaker(self) -> CircuitBreaker:
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
        if completion is None or not self._needs_prices(options) or not self._model_cache.loaded:
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

    def _hold_worst(self, call: Call, worst: WorstCase) -> None:
        """Hold ``worst`` in the budget for the call (the shell's ``_hold`` sweeps pending holds
        and tries once more when this refuses).

        Raises:
            BudgetExceededError: it passes what is left of the budget (nothing is sent).
        """
        if self._budget is not None:  # _worst_case gave one: there is a budget
            call.held = self._budget._reserve(
                worst.cost, "this call", worst.lower_hold, time.monotonic()
            )

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

    def _looked_up(self, hold: PendingHold, found: GenerationStats | BaseException) -> HoldEnd:
        """Apply what ``GET /generation`` gave for a claimed hold: its stats or the
        ``OpenRouterError`` it raised."""
        if isinstance(found, BaseException):
            lookup = failed_lookup(found)
        else:
            lookup = Lookup(found=True, cost=found.total_cost)
        return self._budget._resolve(hold, lookup, time.monotonic())  # type: ignore[union-attr]

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
        self._end_hold(call, response.cost, response.id)
        wire.raise_for_choice_error(response, self._config.api_key)
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
