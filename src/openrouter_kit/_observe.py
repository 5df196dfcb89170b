"""Observation: the caller's hooks, the ``openrouter_kit`` loggers, and the events of a call.

Owns: ``Hooks`` (the caller's functions for requests, responses, retries, errors and a shared
store's switches); the logger tree, silent unless the application or ``OPENROUTER_LOG`` asks;
the four events of a call (``requesting``, ``responded``, ``retrying``, ``failed``), each built,
and its log line written, only when a hook or a logger wants it; and the log line of a store's
switch (``store_switched``, on ``openrouter_kit.store``). Never knows: sockets, how to wait (the
shells fire the events, awaiting async hooks), prices.

Records carry ``method``, ``path``, ``status_code``, ``attempt``, ``latency``, ``model`` and
``request_id`` as attributes (see ``HookEvent.log_fields``), never the API key. Message contents
(request and response bodies) are logged only on the ``openrouter_kit.content`` logger, and only
when ``OPENROUTER_LOG_CONTENT=1`` is set as well; the key, and anything shaped like a key, is
masked in them too (``log_content``).

Logging is set up when the first client is made (``set_up_logging``), not at import: importing
the package reads no environment variable and touches no other library's logger. Only clients
log, so ``OPENROUTER_LOG`` works for scripts as documented; the difference shows only if the
application configures the ``openrouter_kit`` logger between the import and its first client
and sets ``OPENROUTER_LOG`` too (the variable then wins, as if set after the application's own
configuration).
"""

from __future__ import annotations

import inspect
import logging
import os
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from openrouter_kit._core import wire
from openrouter_kit._core.redact import Secret, redact
from openrouter_kit.errors import ConfigurationError

if TYPE_CHECKING:
    from openrouter_kit._call import Attempt, Call
    from openrouter_kit._core.events import (
        ErrorEvent,
        HookEvent,
        RequestEvent,
        ResponseEvent,
        RetryEvent,
        StoreEvent,
    )
    from openrouter_kit._core.retry import RetryPolicy
    from openrouter_kit.errors import OpenRouterError

__all__ = [
    "CONTENT",
    "LEVELS",
    "STORE",
    "Hook",
    "Hooks",
    "configure",
    "content_enabled",
    "failed",
    "log_content",
    "logger",
    "requesting",
    "responded",
    "retrying",
    "set_up_logging",
    "store_switched",
]

#: A hook takes the event; the async client also awaits what it returns.
Hook = Callable[[Any], "Awaitable[None] | None"]


def _hook_list(value: Iterable[Hook]) -> list[Hook]:
    hooks = list(value)
    for hook in hooks:
        if not callable(hook):
            raise ConfigurationError(f"a hook must be callable, got {type(hook).__name__}")
    return hooks


@attrs.define
class Hooks:
    """Functions a client calls on its HTTP traffic, for metrics and tracing.

    ::

        def record(event: ResponseEvent) -> None:
            latencies.append(event.latency)

        client = Client(hooks={"response": [record]})
        client.hooks.error.append(report_error)      # lists may change at any time

    Each list receives one kind of event: ``request`` a ``RequestEvent`` before every attempt
    (it may add tracing headers), ``response`` a ``ResponseEvent`` for every HTTP response,
    ``retry`` a ``RetryEvent`` before waiting for another attempt, ``error`` an
    ``ErrorEvent`` when a call fails, and ``store`` a ``StoreEvent`` when a shared store
    (``RedisStore``) falls back to local state or resumes (fired before the client's next
    attempt). Hooks run in order, in the calling thread or task; the async
    client awaits hooks that return an awaitable (``async def`` hooks), the blocking client
    accepts plain functions only. A hook that raises fails the call with its exception.
    Copies from ``with_options`` share their client's hooks.
    """

    request: list[Hook] = attrs.field(factory=list, converter=_hook_list)
    response: list[Hook] = attrs.field(factory=list, converter=_hook_list)
    retry: list[Hook] = attrs.field(factory=list, converter=_hook_list)
    error: list[Hook] = attrs.field(factory=list, converter=_hook_list)
    store: list[Hook] = attrs.field(factory=list, converter=_hook_list)

    @classmethod
    def of(cls, hooks: Hooks | Mapping[str, Iterable[Hook]] | None) -> Hooks:
        """Hooks from a ``Hooks`` object (used as is), a dict of lists, or None (no hooks).

        Raises:
            ConfigurationError: an unknown event name or a hook that is not callable.
        """
        if hooks is None:
            return cls()
        if isinstance(hooks, Hooks):
            return hooks
        if not isinstance(hooks, Mapping):
            raise ConfigurationError(
                f"hooks must be a Hooks object or a dict of lists, got {type(hooks).__name__}"
            )
        names = [a.name for a in attrs.fields(cls)]
        unknown = sorted(str(k) for k in hooks if k not in names)
        if unknown:
            raise ConfigurationError(
                f"unknown hook event {', '.join(map(repr, unknown))}; use {', '.join(names)}"
            )
        return cls(**{k: _hook_list(v) for k, v in hooks.items()})

    def _blocking(self) -> Hooks:
        """These hooks, checked for a blocking client: ``async def`` hooks are refused."""
        for name in ("request", "response", "retry", "error", "store"):
            for hook in getattr(self, name):
                if inspect.iscoroutinefunction(hook):
                    raise _async_hook(hook)
        return self

    def fire(self, event: HookEvent | StoreEvent) -> None:
        """Call the hooks for ``event`` (blocking client).

        Raises:
            ConfigurationError: a hook returned an awaitable (it belongs on an AsyncClient).
        """
        for hook in getattr(self, event.kind):
            result = hook(event)
            if inspect.isawaitable(result):
                if inspect.iscoroutine(result):
                    result.close()  # never awaited: close it so Python does not warn
                raise _async_hook(hook)

    async def afire(self, event: HookEvent | StoreEvent) -> None:
        """Call the hooks for ``event``, awaiting those that return an awaitable."""
        for hook in getattr(self, event.kind):
            result = hook(event)
            if inspect.isawaitable(result):
                await result


def _async_hook(hook: Hook) -> ConfigurationError:
    name = getattr(hook, "__qualname__", type(hook).__name__)
    return ConfigurationError(
        f"hook {name} is async: the blocking Client calls plain functions; "
        "use it with AsyncClient, or make it a plain function"
    )


# -- logs ---------------------------------------------------------------------------------------
logger = logging.getLogger("openrouter_kit")
logger.addHandler(logging.NullHandler())  # a library is silent until the application says
#: Request and response bodies, at DEBUG, when ``OPENROUTER_LOG_CONTENT=1`` as well.
CONTENT = logging.getLogger("openrouter_kit.content")
#: A shared store's switches: WARNING when it falls back to local state, INFO when it resumes.
STORE = logging.getLogger("openrouter_kit.store")

#: The values ``OPENROUTER_LOG`` accepts.
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The stderr handler ``OPENROUTER_LOG`` installs (at most one)."""


def configure(environ: Mapping[str, str] = os.environ) -> None:
    """Log to stderr at the level ``OPENROUTER_LOG`` names (``debug``, ``info``, ``warning``);
    do nothing when it is unset or empty. An unknown level is reported on stderr once."""
    value = environ.get("OPENROUTER_LOG", "").strip().lower()
    if not value:
        return
    level = LEVELS.get(value)
    if level is None:
        print(
            f"openrouter_kit: ignoring OPENROUTER_LOG={value[:20]!r}; use one of "
            f"{', '.join(LEVELS)}",
            file=sys.stderr,
        )
        return
    if not any(isinstance(h, _EnvHandler) for h in logger.handlers):
        handler = _EnvHandler()
        handler.setFormatter(logging.Formatter(_FORMAT))
        logger.addHandler(handler)
    logger.setLevel(level)


_set_up = False
_set_up_lock = threading.Lock()


def set_up_logging() -> None:
    """Set logging up once per process, when the first client is made (then a flag check).

    stamina warns on every retry it schedules, and with no handler configured Python prints that
    to stderr: its logger gets a ``NullHandler`` (our retries are logged at INFO on our own tree;
    an application that configures logging still receives stamina's records). Then
    ``OPENROUTER_LOG`` is read (``configure``).
    """
    global _set_up  # one flag per process, checked on every client made
    if _set_up:
        return
    with _set_up_lock:
        if not _set_up:
            logging.getLogger("stamina").addHandler(logging.NullHandler())
            configure()
            _set_up = True


def content_enabled() -> bool:
    """True when request and response bodies may be logged: ``OPENROUTER_LOG_CONTENT=1`` and
    the ``openrouter_kit.content`` logger enabled at DEBUG."""
    return CONTENT.isEnabledFor(logging.DEBUG) and os.environ.get(
        "OPENROUTER_LOG_CONTENT", ""
    ).strip().lower() in ("1", "true", "yes")


def log_content(what: str, body: bytes, api_key: Secret) -> None:
    """Log a request or response body (``what``) on the content logger, with ``api_key`` and
    anything shaped like a key masked: a server that echoes the key puts it in no log."""
    CONTENT.debug("%s body: %s", what, redact(body.decode(errors="replace"), api_key))


def _key(headers: Iterable[tuple[str, str]]) -> str | None:
    """The key a request carries in its Authorization header."""
    for name, value in headers:
        if name == "Authorization" and value.startswith("Bearer "):
            return value[7:]
    return None


# -- the events of a call -------------------------------------------------------------------------
E = TypeVar("E", bound="HookEvent")


def _event(kind: type[E], call: Call, **fields: Any) -> E:
    """An event of ``kind`` about ``call``'s latest attempt."""
    return kind(
        method=call.wire.method,
        path=call.path,
        model=call.model,
        attempt=call.attempts,
        stream=call.wire.stream,
        **fields,
    )


def requesting(hooks: Hooks, call: Call, attempt: Attempt) -> RequestEvent | None:
    """The event for an attempt about to be sent, when hooks or logs want it (the headers
    request hooks add to it go on ``attempt``)."""
    wanted = hooks.request
    debug = logger.isEnabledFor(logging.DEBUG)
    if not wanted and not debug:
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
        if attempt.wire.body is not None and content_enabled():
            log_content("request", attempt.wire.body, _key(attempt.wire.headers))
    if not wanted:
        return None
    attempt.extra_headers = event.headers
    return event


def responded(
    hooks: Hooks,
    call: Call,
    status: int,
    headers: Mapping[str, str],
    latency: float,
    api_key: str | None,
) -> ResponseEvent | None:
    """The event for a response that arrived, when hooks or logs want it."""
    wanted = hooks.response
    if not wanted and not logger.isEnabledFor(logging.INFO):
        return None
    from openrouter_kit._core.events import ResponseEvent  # noqa: PLC0415 - lazy: only for hooks and logs

    event = _event(
        ResponseEvent,
        call,
        status_code=status,
        latency=latency,
        request_id=wire.request_id(headers, api_key),
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
    return event if wanted else None


def retrying(
    hooks: Hooks, call: Call, exc: OpenRouterError, policy: RetryPolicy
) -> RetryEvent | None:
    """The event for a failed attempt that ``policy`` retries (None when it does not, or nobody
    listens)."""
    wanted = hooks.retry
    if not wanted and not logger.isEnabledFor(logging.INFO):
        return None
    wait = policy.wait_after(exc, call.attempts, call.left(), idempotent=call.idempotent)
    if wait is None:
        return None
    from openrouter_kit._core.events import RetryEvent  # noqa: PLC0415 - lazy: only for hooks and logs

    event = _event(RetryEvent, call, error=exc, wait=wait)
    logger.info(
        "retrying %s %s after %s (attempt %d of %d failed; next in %.2f s)",
        event.method,
        event.path,
        type(exc).__name__,
        event.attempt,
        policy.max_retries + 1,
        wait,
        extra=event.log_fields(),
    )
    return event if wanted else None


def failed(hooks: Hooks, call: Call, exc: OpenRouterError) -> ErrorEvent | None:
    """The event for a call that failed, when hooks or logs want it."""
    wanted = hooks.error
    if not wanted and not logger.isEnabledFor(logging.INFO):
        return None
    from openrouter_kit._core.events import ErrorEvent  # noqa: PLC0415 - lazy: only for hooks and logs

    event = _event(ErrorEvent, call, error=exc, elapsed=time.monotonic() - call.started)
    logger.info(
        "%s %s failed after %d attempt(s): %s: %s",
        event.method,
        event.path,
        event.attempt,
        type(exc).__name__,
        exc,
        extra={**event.log_fields(), "status_code": exc.status_code},
    )
    return event if wanted else None


def store_switched(event: StoreEvent) -> None:
    """Log a shared store's switch on ``openrouter_kit.store``, once per switch (the store
    calls this; the clients' ``store`` hooks get the event too): WARNING for ``"fallback"``,
    INFO for ``"resumed"``."""
    if event.state == "fallback":
        STORE.warning(
            "store %r unreachable (%s): %s falls back to this process's own state",
            event.namespace,
            event.error,
            event.resource,
            extra=event.log_fields(),
        )
    else:
        STORE.info(
            "store %r reachable again: %s is shared again",
            event.namespace,
            event.resource,
            extra=event.log_fields(),
        )
