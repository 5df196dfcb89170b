"""BaseClient: everything both clients do that is not I/O.

Owns the configuration, the retry policy and the session usage; prepares requests (merge, defaults,
validation, bytes) and finishes responses (errors inside a 200, latency, attempts, usage). The
shells in ``_client`` and ``_async_client`` only send, wait and close.
"""

from __future__ import annotations

import copy
import difflib
import enum
import functools
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from urllib.parse import urlsplit

import attrs

from openrouter_kit._core import convert, wire
from openrouter_kit._core.accounting import (
    Budget,
    UsageSnapshot,
    UsageTotals,
    estimate_cost,
    worst_case_cost,
)
from openrouter_kit._core.breaker import BreakerKey, CircuitBreaker, counts_against
from openrouter_kit._core.config import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    Config,
    Timeouts,
    TimeoutSetting,
)
from openrouter_kit._core.messages import check_messages
from openrouter_kit._core.money import format_usd
from openrouter_kit._core.retry import RetryPolicy
from openrouter_kit._core.structured import request_format
from openrouter_kit._core.wire import CHAT_COMPLETIONS, GENERATION, MODEL_ENDPOINTS, Endpoint
from openrouter_kit._hooks import Hook, Hooks
from openrouter_kit._logs import CONTENT, content_enabled, logger
from openrouter_kit._transport import Transport, checked_transport
from openrouter_kit.errors import (
    BudgetExceededError,
    ConfigurationError,
    InvalidResponseError,
    OpenRouterError,
    RequestTimeoutError,
    ValidationError,
)

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Self

    import httpx

    from openrouter_kit._core.assemble import StreamAssembler
    from openrouter_kit._core.events import (
        ErrorEvent,
        HookEvent,
        RequestEvent,
        ResponseEvent,
        RetryEvent,
    )
    from openrouter_kit._core.sse import ServerSentEvent
    from openrouter_kit._core.tools import ToolLoop
    from openrouter_kit._generated.models import (
        CompletionRequest,
        CompletionResponse,
        StreamChunk,
    )

__all__ = ["UNSET", "BaseClient", "BaseStream"]

T = TypeVar("T")


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


@attrs.frozen
class _Options:
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


def _candidates(req: CompletionRequest) -> tuple[str, ...]:
    """The models a request may be served by, in fallback order ("" for the account default)."""
    first = (req.model,) if req.model else ()
    return tuple(dict.fromkeys((*first, *(req.models or ())))) or ("",)


_ZERO = Decimal(0)


def _usd(name: str, value: Any) -> Decimal:
    """A USD amount from a number or a decimal string (a float is read through its repr)."""
    try:
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    except (ArithmeticError, ValueError):
        amount = Decimal("NaN")
    if isinstance(value, bool) or not amount.is_finite() or amount < 0:
        raise ConfigurationError(f"{name} must be a USD amount >= 0, got {value!r}")
    return amount


@attrs.define
class _Call:
    """One API call across its attempts: what to send and where it may be routed."""

    endpoint: Endpoint
    request: wire.WireRequest
    #: The completion request, when the call may be re-routed to fallback models.
    req: CompletionRequest | None
    #: Models in fallback order ("" for calls not tied to a model).
    candidates: tuple[str, ...]
    #: ``time.monotonic()`` when the call began, for the deadline.
    started: float
    #: The call's own options (None: the client's settings).
    options: _Options | None = None
    #: USD held in the budget for this call until it ends.
    held: Decimal | None = None
    #: Attempts begun so far.
    attempts: int = 0
    #: The model the latest attempt asked for (None when the call names none).
    model: str | None = None

    @property
    def path(self) -> str:
        """The URL path, for logs and hooks."""
        return urlsplit(self.request.url).path


@attrs.define
class _Attempt:
    """One attempt: its request, breaker key and timeouts; ``settled()`` guards the breaker."""

    request: wire.WireRequest
    key: BreakerKey
    timeouts: Timeouts
    breaker: CircuitBreaker
    #: Headers request hooks added to this attempt.
    extra_headers: dict[str, str] | None = None

    def headers(self) -> tuple[tuple[str, str], ...]:
        """The headers to send: the request's, plus those request hooks added.

        Raises:
            ConfigurationError: a hook tried to set Authorization or a non-string header.
        """
        extra = self.extra_headers
        if not extra:
            return self.request.headers
        for name, value in extra.items():
            if not isinstance(name, str) or not isinstance(value, str):
                raise ConfigurationError("headers added by a request hook must be strings")
            if name.lower() == "authorization":
                raise ConfigurationError("a request hook cannot set the Authorization header")
        names = {name.lower() for name in extra}
        kept = tuple((k, v) for k, v in self.request.headers if k.lower() not in names)
        return kept + tuple(extra.items())

    def settled(self) -> Self:
        """Use as ``with step.settled():``: records the attempt's outcome in the circuit
        breaker, whatever happens inside (a class, not a generator: it runs on every request)."""
        return self

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> None:
        if exc is None:
            self.breaker.record_success(self.key)
        elif isinstance(exc, OpenRouterError):
            if counts_against(exc):
                self.breaker.record_failure(self.key, time.monotonic())
            else:
                self.breaker.record_success(self.key)
        else:
            self.breaker.release(self.key)  # cancelled: no verdict on the service


E = TypeVar("E", bound="HookEvent")


def _event(kind: type[E], call: _Call, **fields: Any) -> E:
    """An event of ``kind`` about ``call``'s latest attempt."""
    return kind(
        method=call.request.method,
        path=call.path,
        model=call.model,
        attempt=call.attempts,
        stream=call.request.stream,
        **fields,
    )


class BaseClient:
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
        app_name: str | None = "openrouter-kit",
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
        budget: float | str | Decimal | None = None,
        max_cost: float | str | Decimal | None = None,
        hooks: Hooks | Mapping[str, Iterable[Hook]] | None = None,
        transport: Transport = "httpx",
    ) -> None:
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
        )
        if http_client is not None and not isinstance(http_client, self._http_type):
            raise ConfigurationError(
                f"{type(self).__name__} needs an httpx.{self._http_type.__name__} as http_client, "
                f"got {type(http_client).__name__}"
            )
        self._transport = checked_transport(transport, self._http_type, http_client)
        self._http = http_client
        self._owns_http = http_client is None
        #: Builds requests for the pool the shell makes (None for a pool passed in).
        self._requests: Any = None
        self._closed = False
        self._lock = threading.Lock()
        self._models = None
        self._retry = RetryPolicy.checked(
            max_retries=self._config.max_retries,
            deadline=deadline,
            wait_initial=backoff_initial,
            wait_max=backoff_max,
            max_retry_after=max_retry_after,
        )
        try:
            self._breaker = CircuitBreaker(breaker_threshold, breaker_recovery)
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
        self._usage = UsageTotals()
        self._budget = Budget(_usd("budget", budget)) if budget is not None else None
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
    ) -> Self:
        """Return a copy of this client with other retry or timeout settings, for some calls.

        The copy is cheap: it shares the connection pool, the circuit breakers, the budget and
        the session usage with this client. ``max_cost`` caps what one call may cost (USD,
        worst case, checked before sending). For example
        ``client.with_options(timeout=5, max_retries=0).complete(...)``. Closing the copy
        leaves the pool open; close the original client when you are done.

        Raises:
            ConfigurationError: a setting is invalid.
        """
        self._client()  # the copy shares this pool, so make sure it exists
        clone = copy.copy(self)
        clone._owns_http = False
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
        )
        if not isinstance(max_cost, _Unset):
            clone._max_cost = None if max_cost is None else _usd("max_cost", max_cost)
        return clone

    def _client(self) -> Any:
        raise NotImplementedError  # each shell returns its httpx client

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
        """The client's USD budget (``limit``, ``spent``, ``reserved``, ``remaining``), or None."""
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
            headers = tuple(_strings("extra_headers", extra_headers).items())
            if any(name.lower() == "authorization" for name, _ in headers):
                raise ValidationError(
                    "extra_headers cannot set Authorization: the client sends its own key "
                    "(use another Client for another key)",
                    path="extra_headers",
                )
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
    ) -> _Call:
        req = self._completion_request(request, params)
        if req.stream:
            raise ValidationError("stream=True is not accepted by complete(); use client.stream()")
        call = self._call(CHAT_COMPLETIONS, self._chat_request(req, options), req, options)
        self._reserve(call)  # last: nothing is held when preparing fails
        return call

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
        """With the model list loaded, refuse unknown models and prompts that cannot fit."""
        registry = self._models
        if registry is None or not registry._cache.loaded:
            return
        from openrouter_kit._core.tokens import estimate_prompt  # noqa: PLC0415 - lazy: loads the models

        names = [name for name in _candidates(req) if name]
        prompt = estimate_prompt(req.messages, req.tools)
        registry._cache.check(names, prompt, req.max_tokens or req.max_completion_tokens)

    def _prepare_stream(
        self,
        request: CompletionRequest | Mapping[str, Any] | None,
        params: Mapping[str, Any],
        options: _Options | None = None,
    ) -> tuple[_Call, StreamAssembler]:
        req = self._completion_request(request, params)
        if req.stream is False:
            raise ValidationError("stream=False is not accepted by stream(); use client.complete()")
        req = attrs.evolve(req, stream=True)
        wire_request = self._chat_request(req, options, stream=True)
        from openrouter_kit._core.assemble import StreamAssembler  # noqa: PLC0415 - lazy: loads the models

        structure = convert.converters().fast.structure
        return self._call(CHAT_COMPLETIONS, wire_request, req, options), StreamAssembler(
            structure, self._config.api_key
        )

    @staticmethod
    def _not_a_stream(status: int) -> InvalidResponseError:
        return InvalidResponseError(
            "a streamed request was answered with a whole JSON body, not an event stream",
            status_code=status,
        )

    def _prepare_get(
        self,
        endpoint: Endpoint,
        *,
        query: Mapping[str, str] | None = None,
        path_params: Mapping[str, str] | None = None,
    ) -> _Call:
        request = wire.build_request(self._config, endpoint, query=query, path_params=path_params)
        return self._call(endpoint, request)

    def _prepare_model_endpoints(self, model: str) -> _Call:
        author, _, slug = model.partition("/") if isinstance(model, str) else ("", "", "")
        if not author or not slug or "/" in slug:
            raise ValidationError(
                f"expected a model id like 'author/slug', got {str(model)[:80]!r}"
            )
        return self._prepare_get(MODEL_ENDPOINTS, path_params={"author": author, "slug": slug})

    def _prepare_generation(self, generation_id: str) -> _Call:
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

    # -- attempts --------------------------------------------------------------------------------
    def _call(
        self,
        endpoint: Endpoint,
        request: wire.WireRequest,
        req: CompletionRequest | None = None,
        options: _Options | None = None,
    ) -> _Call:
        candidates = _candidates(req) if req is not None else ("",)
        return _Call(endpoint, request, req, candidates, time.monotonic(), options)

    def _begin(self, call: _Call, number: int) -> _Attempt:
        """The request, breaker key and timeouts for attempt ``number`` of ``call``.

        Models whose circuit is open are skipped when the request has a fallback list.

        Raises:
            CircuitOpenError: every candidate model's circuit is open (nothing is sent).
            RequestTimeoutError: the call's deadline has passed.
        """
        now = time.monotonic()
        options = call.options
        timeouts = self._config.timeout
        if options is not None and options.timeouts is not None:
            timeouts = options.timeouts
        if self._retry.deadline is not None:
            left = self._retry.deadline - (now - call.started)
            if left <= 0:
                raise RequestTimeoutError(
                    f"deadline of {self._retry.deadline:g} s passed after {number - 1} attempt(s)",
                    timeout="deadline",
                )
            timeouts = timeouts.capped(left)
        call.attempts = number
        name = call.endpoint.name
        healthy = [m for m in call.candidates if self._breaker.available((name, m), now)]
        primary = healthy[0] if healthy else call.candidates[0]
        self._breaker.check((name, primary), now)
        call.model = primary or None
        request = call.request
        if call.req is not None and len(healthy) < len(call.candidates):
            rerouted = attrs.evolve(
                call.req, model=primary, models=healthy if call.req.models else None
            )
            body = convert.dumps(rerouted, options.body if options is not None else None)
            request = attrs.evolve(request, body=body)
        return _Attempt(request, (name, primary), timeouts, self._breaker)

    def _will_retry(self, call: _Call, exc: OpenRouterError) -> bool:
        """True when the failed latest attempt of ``call`` is followed by another."""
        return self._retry.wait_after(exc, call.attempts) is not None

    # -- events (hooks and logs) -----------------------------------------------------------------
    def _requesting(self, call: _Call, step: _Attempt) -> RequestEvent | None:
        """The event for an attempt about to be sent, when hooks or logs want it."""
        hooks = self._hooks.request
        debug = logger.isEnabledFor(logging.DEBUG)
        if not hooks and not debug:
            return None
        from openrouter_kit._core.events import RequestEvent  # noqa: PLC0415 - lazy: only for hooks and logs

        event = _event(RequestEvent, call)
        if debug:
            logger.debug(
                "sending %s %s (attempt %d, model %s)",
                event.method,
                event.path,
                event.attempt,
                event.model or "-",
                extra=event.log_fields(),
            )
            if step.request.body is not None and content_enabled():
                CONTENT.debug("request body: %s", step.request.body.decode(errors="replace"))
        if not hooks:
            return None
        step.extra_headers = event.headers
        return event

    def _responded(
        self, call: _Call, step: _Attempt, status: int, headers: Mapping[str, str], latency: float
    ) -> ResponseEvent | None:
        """The event for a response that arrived, when hooks or logs want it."""
        hooks = self._hooks.response
        if not hooks and not logger.isEnabledFor(logging.INFO):
            return None
        from openrouter_kit._core.events import ResponseEvent  # noqa: PLC0415 - lazy: only for hooks and logs

        event = _event(
            ResponseEvent,
            call,
            status_code=status,
            latency=latency,
            request_id=wire.request_id(headers, self._config.api_key),
        )
        logger.info(
            "%s %s -> %d in %.1f ms (attempt %d, model %s, request id %s)",
            event.method,
            event.path,
            status,
            latency * 1000,
            event.attempt,
            event.model or "-",
            event.request_id or "-",
            extra=event.log_fields(),
        )
        return event if hooks else None

    def _retrying(self, call: _Call, exc: OpenRouterError) -> RetryEvent | None:
        """The event for a failed attempt that will be retried (None when it will not be,
        or nobody listens)."""
        hooks = self._hooks.retry
        if not hooks and not logger.isEnabledFor(logging.INFO):
            return None
        wait = self._retry.wait_after(exc, call.attempts)
        if wait is None:
            return None
        from openrouter_kit._core.events import RetryEvent  # noqa: PLC0415 - lazy: only for hooks and logs

        event = _event(
            RetryEvent,
            call,
            error=exc,
            wait=wait,
        )
        logger.info(
            "retrying %s %s after %s (attempt %d of %d failed; next in %.2f s)",
            event.method,
            event.path,
            type(exc).__name__,
            event.attempt,
            self._retry.max_retries + 1,
            wait,
            extra=event.log_fields(),
        )
        return event if hooks else None

    def _failed(self, call: _Call, exc: OpenRouterError) -> ErrorEvent | None:
        """The event for a call that failed, when hooks or logs want it."""
        hooks = self._hooks.error
        if not hooks and not logger.isEnabledFor(logging.INFO):
            return None
        from openrouter_kit._core.events import ErrorEvent  # noqa: PLC0415 - lazy: only for hooks and logs

        event = _event(
            ErrorEvent,
            call,
            error=exc,
            elapsed=time.monotonic() - call.started,
        )
        logger.info(
            "%s %s failed after %d attempt(s): %s: %s",
            event.method,
            event.path,
            event.attempt,
            type(exc).__name__,
            exc,
            extra={**event.log_fields(), "status_code": exc.status_code},
        )
        return event if hooks else None

    # -- finishing -----------------------------------------------------------------------------
    def _parse(
        self, endpoint: Endpoint, status: int, headers: Mapping[str, str], body: bytes
    ) -> Any:
        """The parsed body of one attempt, or the mapped error raised."""
        if body and content_enabled():
            CONTENT.debug("response body: %s", body.decode(errors="replace"))
        return wire.parse_response(
            endpoint,
            status,
            headers,
            body,
            structure=convert.converters().fast.structure,
            api_key=self._config.api_key,
            now=time.time() if status >= 400 else None,
        )

    # -- budget --------------------------------------------------------------------------------
    def _needs_prices(self, options: _Options | None = None) -> bool:
        """True when calls must be priced before they are sent (a budget or a per-call cap)."""
        return (
            self._budget is not None
            or self._max_cost is not None
            or (options is not None and options.max_cost is not None)
        )

    def _reserve(self, call: _Call) -> None:
        """Hold the call's worst-case cost in the budget, or refuse it (nothing is sent).

        The shell has loaded the model list first (``_needs_prices``).

        Raises:
            BudgetExceededError: the worst case passes ``max_cost`` or what is left of the
                budget, or it cannot be bounded (unknown or variable prices).
        """
        req, options = call.req, call.options
        if req is None or not self._needs_prices(options) or self._models is None:
            return
        max_cost = self._max_cost
        if options is not None and options.max_cost is not None:
            max_cost = options.max_cost
        from openrouter_kit._core.tokens import estimate_prompt  # noqa: PLC0415 - lazy: loads the models

        prompt = estimate_prompt(req.messages, req.tools)
        worst, worst_output = _ZERO, 0
        asked = req.max_tokens or req.max_completion_tokens
        for name in call.candidates:
            info = self._models._cache.peek(name) if name else None
            window = (info.context_length or 0) if info else 0
            cap = info.top_provider.max_completion_tokens if info and info.top_provider else None
            output = asked or cap or max(window - prompt, 0)
            cost = worst_case_cost(info.pricing, prompt, output) if info else None
            if cost is None:
                raise BudgetExceededError(
                    f"cannot bound the cost of {name or 'the account default model'}: its prices "
                    "are unknown or variable; name models with fixed prices"
                )
            if cost >= worst:
                worst, worst_output = cost, output
        tokens, why = f"lower max_tokens (now {asked})", ""
        if not asked:
            tokens = "set max_tokens"
            why = (
                " (without it a call is priced at the model's whole completion limit, here "
                f"{worst_output} tokens)"
            )
        if max_cost is not None and worst > max_cost:
            raise BudgetExceededError(
                f"this call could cost up to {format_usd(worst)}, more than max_cost "
                f"{format_usd(max_cost)}; to get through: {tokens}{why}, or choose a "
                "cheaper model",
                metadata={"max_cost": str(max_cost), "needed": str(worst)},
            )
        if self._budget is not None:
            call.held = self._budget._reserve(
                worst, "this call", f"{tokens} to lower the hold{why}"
            )

    def _settle(self, call: _Call, response: CompletionResponse | None) -> None:
        """End the call's reservation: with what it cost, or released when nothing was billed."""
        held, call.held = call.held, None
        if held is None or self._budget is None:
            return
        if response is None:
            self._budget._release(held)
        else:
            self._budget._settle(held, response.cost)

    def _spending(self, call: _Call) -> _Spending:
        """Use as ``with client._spending(call):``: releases the call's reservation if it
        fails before an answer arrives."""
        return _Spending(self, call)

    def _finish_stream(
        self,
        call: _Call,
        assembler: StreamAssembler,
        latency: float | None,
        time_to_first_token: float | None,
        attempts: int,
    ) -> CompletionResponse:
        """The stream's answer so far, with its metrics; its usage is recorded once."""
        response = assembler.final_response()
        response.latency = latency
        response.time_to_first_token = time_to_first_token
        response.attempts = attempts
        self._price(response)
        if not assembler.recorded:
            assembler.recorded = True
            self._record(response)
            # A stream that ended without usage may still have been billed: keep the worst case.
            self._settle(call, response)
        return response

    def _finish_completion(
        self, call: _Call, response: CompletionResponse, latency: float, attempts: int
    ) -> CompletionResponse:
        response.latency = latency
        response.attempts = attempts
        self._price(response)
        self._record(response)
        self._settle(call, response)
        wire.raise_for_choice_error(response, self._config.api_key)
        return response

    def _price(self, response: CompletionResponse) -> None:
        """Estimate the cost from the model's prices when the server reported none and the
        model list is loaded (it is never fetched just for this)."""
        usage = response.usage
        if usage.cost is not None or self._models is None or not response.model:
            return
        if not (usage.prompt_tokens or usage.completion_tokens):
            return  # no usage came (a stream closed early): nothing to price, nothing to settle
        model = self._models._cache.peek(response.model)
        estimate = estimate_cost(usage, model.pricing) if model is not None else None
        response.estimated_cost = estimate

    def _record(self, response: CompletionResponse) -> None:
        self._usage.record(response.usage, response.model, response.estimated_cost)


class _Spending:
    """See ``BaseClient._spending`` (a class, not a generator: it runs on every request)."""

    __slots__ = ("call", "client")

    def __init__(self, client: BaseClient, call: _Call) -> None:
        self.client, self.call = client, call

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> None:
        if exc is not None:
            self.client._settle(self.call, None)


class BaseStream:
    """What ``Stream`` and ``AsyncStream`` share: state, metrics and bookkeeping, no I/O."""

    __slots__ = (
        "__weakref__",
        "_assembler",
        "_call",
        "_client",
        "_closed",
        "_failure",
        "_pending",
        "_position",
        "_raw",
        "_response",
        "_started_at",
        "attempts",
        "latency",
        "time_to_first_token",
    )

    def __init__(self, client: BaseClient, call: _Call, assembler: StreamAssembler) -> None:
        self._client = client
        self._call = call
        self._assembler = assembler
        self._response: Any = None
        self._raw: Any = None
        self._pending: list[ServerSentEvent] = []  # read, not yet turned into chunks
        self._position = 0
        self._closed = False
        self._failure: BaseException | None = None
        self._started_at = 0.0
        self.attempts = 0
        self.latency: float | None = None
        self.time_to_first_token: float | None = None

    @property
    def chunk_count(self) -> int:
        """How many chunks arrived so far."""
        return self._assembler.chunk_count

    @property
    def partial(self) -> bool:
        """True when the stream was closed (leaving the ``with`` block, ``break``, ``close()``, or
        an error) before the server finished the answer: ``final_response()`` is then the answer
        so far, marked ``partial`` too."""
        return self._closed and not self._assembler.complete

    @property
    def comment_count(self) -> int:
        """How many keep-alive comments arrived so far."""
        return self._assembler.comment_count

    def _opening(self) -> None:
        if self._failure is not None:  # never sent twice: the caller asks again if they want
            raise RuntimeError(
                "this stream failed to open (see the error raised then); "
                "call client.stream() again to retry"
            ) from self._failure
        if self._closed:
            raise RuntimeError("this stream is closed")
        self._started_at = time.perf_counter()

    def _next_chunk(self) -> StreamChunk | None:
        """The next chunk from the events already read, or None when they are used up.

        Events are turned into chunks one at a time, as the caller asks: a read of 64 KiB holds
        hundreds of events, and building all their chunks at once kept them alive together,
        which made the garbage collector run (and scan them) several times per read.
        """
        events, feed = self._pending, self._assembler.feed
        while self._position < len(events):
            event = events[self._position]
            self._position += 1
            chunk = feed(event)
            if chunk is not None:
                if self.time_to_first_token is None and self._assembler.started:
                    self.time_to_first_token = time.perf_counter() - self._started_at
                return chunk
        return None

    def _closing(self) -> bool:
        """Mark the stream closed; True when a response is open and must be closed now."""
        if self._closed:
            return False
        self._closed = True
        return self._response is not None

    def _record(self) -> CompletionResponse:
        """The answer so far with the stream's metrics; usage is recorded once per stream."""
        if self._response is not None and self.latency is None and self._closed:
            self.latency = time.perf_counter() - self._started_at
        return self._client._finish_stream(
            self._call, self._assembler, self.latency, self.time_to_first_token, self.attempts
        )
