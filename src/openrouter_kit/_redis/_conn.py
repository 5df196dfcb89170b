"""The way to Redis: redis-py clients made lazily from one URL, short timeouts, the scripts, and a
breaker of the store's own that stops waiting on a Redis that does not answer.

Owns: building ``redis.Redis`` (and one ``redis.asyncio.Redis`` per event loop) on first use,
with ``socket_connect_timeout`` (100 ms) and ``socket_timeout`` (250 ms) and one retry after a
dropped connection (never after a timeout: a stalled server would cost twice); registering the
scripts (EVALSHA; redis-py loads a script again on NOSCRIPT); running an ``_ops.Op`` with either
client; and the store breaker: a command timeout, or 3 other errors in a row, marks Redis down for
``down_for`` seconds, during which no command is sent (callers fall back at once); then one PING
probes it. Every error is counted; each switch between shared and local state is logged (logger
``openrouter_kit.store``) and told to the listeners. Never knows: what the operations mean.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import threading
import time
import weakref
from collections.abc import Callable, Generator
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit, urlunsplit

from openrouter_kit._core.events import StoreEvent
from openrouter_kit._core.redact import redact
from openrouter_kit._observe import store_switched
from openrouter_kit._redis._ops import SCRIPTS, Op
from openrouter_kit.errors import ConfigurationError

__all__ = ["Connection", "StoreUnavailable", "mask_url"]

T = TypeVar("T")
#: An operation made of script calls: yields each ``Op``, receives its reply (or, thrown in,
#: ``StoreUnavailable``), returns the result. Written once, run by ``drive`` or ``adrive``.
Flow = Generator[Op[Any], Any, T]
logger = logging.getLogger("openrouter_kit.store")

#: Errors in a row (other than timeouts) that mark Redis down.
DOWN_AFTER = 3
#: Seconds Redis is left alone once marked down, before a PING probes it.
DOWN_FOR = 5.0


class StoreUnavailable(Exception):
    """Redis could not be asked (down, stalled, or marked down): fall back."""


def mask_url(url: str) -> str:
    """``url`` with its password (and a user name that may be a token) masked: ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<redis url>"
    if parts.password is None and parts.username is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = "***" if parts.password is None else f"{parts.username or ''}:***"
    return urlunsplit((parts.scheme, f"{user}@{host}", parts.path, parts.query, parts.fragment))


def import_redis() -> Any:
    """The ``redis`` package, or ``ConfigurationError`` saying how to install it."""
    try:
        import redis.asyncio  # noqa: PLC0415 - lazy: redis-py is an optional extra
        import redis.asyncio.retry  # noqa: PLC0415 - lazy: redis-py is an optional extra
        import redis.backoff  # noqa: PLC0415 - lazy: redis-py is an optional extra
        import redis.retry  # noqa: PLC0415 - lazy: redis-py is an optional extra

        import redis  # noqa: PLC0415 - lazy: redis-py is an optional extra
    except ImportError:
        raise ConfigurationError(
            "RedisStore needs redis-py: pip install 'openrouter-kit[redis]'"
        ) from None
    return redis


Listener = Callable[[StoreEvent], None]


class Connection:
    """redis-py clients for one URL, the scripts, and the store breaker (see the module)."""

    def __init__(
        self,
        url: str,
        *,
        namespace: str = "default",
        connect_timeout: float = 0.1,
        command_timeout: float = 0.25,
        down_for: float = DOWN_FOR,
    ) -> None:
        self._redis = import_redis()
        self._url = url
        self.namespace = namespace
        self.masked_url = mask_url(url)
        self._secret = urlsplit(url).password
        self.connect_timeout = connect_timeout
        self.command_timeout = command_timeout
        self.down_for = down_for
        self._lock = threading.Lock()
        self._sync: Any = None
        self._sync_scripts: dict[str, Any] = {}
        self._async: weakref.WeakKeyDictionary[Any, tuple[Any, dict[str, Any]]] = (
            weakref.WeakKeyDictionary()
        )
        #: Commands that failed (timeouts, refused connections, errors), since the start.
        self.errors = 0
        #: Commands sent.
        self.commands = 0
        self._in_a_row = 0
        self._down_until: float | None = None
        self._last_error: str | None = None
        self._outbox: list[Op[Any]] = []
        self._listeners: list[Callable[[], Listener | None]] = []

    # -- the store breaker -----------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` with a ``StoreEvent`` on each switch: ``"fallback"`` when Redis is
        marked down, ``"resumed"`` when it answers again. A bound method is kept by weak
        reference (a client that is dropped stops listening)."""
        ref: Callable[[], Listener | None] = (
            weakref.WeakMethod(listener) if inspect.ismethod(listener) else (lambda: listener)
        )
        with self._lock:
            self._listeners.append(ref)

    @property
    def down(self) -> bool:
        """True while Redis is marked down (no command is sent)."""
        return self._down_until is not None

    def _skip(self) -> bool:
        """True when Redis is marked down and its probe is not due."""
        until = self._down_until
        return until is not None and time.monotonic() < until

    def _failed(self, exc: BaseException) -> StoreUnavailable:
        timeout = isinstance(exc, self._redis.exceptions.TimeoutError)
        text = redact(f"{type(exc).__name__}: {exc}", self._secret)
        with self._lock:
            self.errors += 1
            self._in_a_row += 1
            switched = False
            if self._down_until is not None or timeout or self._in_a_row >= DOWN_AFTER:
                switched = self._down_until is None
                self._down_until = time.monotonic() + self.down_for
            self._last_error = text
        if switched:
            self._tell("fallback", text)
        else:
            logger.debug("redis command failed (%s): %s", self.masked_url, text)
        return StoreUnavailable(text)

    def _worked(self) -> None:
        if self._in_a_row == 0 and self._down_until is None:
            return
        with self._lock:
            self._in_a_row = 0
            resumed, self._down_until = self._down_until is not None, None
        if resumed:
            self._tell("resumed", None)

    def _tell(self, state: Literal["fallback", "resumed"], error: str | None) -> None:
        event = StoreEvent(state=state, resource="all", namespace=self.namespace, error=error)
        store_switched(event)
        with self._lock:
            self._listeners = [ref for ref in self._listeners if ref() is not None]
            listeners = [ref() for ref in self._listeners]
        for listener in listeners:
            if listener is not None:
                listener(event)

    # -- the sync client -----------------------------------------------------------------------
    def _options(self, asyncio: bool = False) -> dict[str, Any]:
        redis = self._redis
        kind = redis.asyncio.retry.Retry if asyncio else redis.retry.Retry
        # One retry, at once, after a dropped connection only (a timeout is never retried).
        retry = kind(redis.backoff.NoBackoff(), 1, (redis.exceptions.ConnectionError,))
        return {
            "socket_connect_timeout": self.connect_timeout,
            "socket_timeout": self.command_timeout,
            "retry": retry,
            "retry_on_timeout": False,
            "health_check_interval": 0,
        }

    def _sync_client(self) -> tuple[Any, dict[str, Any]]:
        if self._sync is None:
            with self._lock:
                if self._sync is None:
                    client = self._redis.Redis.from_url(self._url, **self._options())
                    self._sync_scripts = {
                        name: client.register_script(text) for name, text in SCRIPTS.items()
                    }
                    self._sync = client
        return self._sync, self._sync_scripts

    def later(self, op: Op[Any]) -> None:
        """Send ``op`` (a write whose reply nobody needs) with the next command, in the same
        round trip; dropped (and counted) if Redis is unreachable then."""
        with self._lock:
            self._outbox.append(op)

    def _take_outbox(self) -> list[Op[Any]]:
        with self._lock:
            taken, self._outbox = self._outbox, []
        return taken

    def run(self, op: Op[T]) -> T:
        """Run ``op`` with the sync client (with the writes queued by ``later``, pipelined).

        Raises:
            StoreUnavailable: Redis is marked down, or the command failed (counted).
        """
        if self._skip():
            raise StoreUnavailable(self._last_error or "redis is marked down")
        client, scripts = self._sync_client()
        queued = self._take_outbox()
        try:
            if self._down_until is not None:
                client.ping()
            self.commands += 1
            if queued:
                pipe = client.pipeline(transaction=False)
                for each in [*queued, op]:
                    scripts[each.script](keys=each.keys, args=each.args, client=pipe)
                reply = pipe.execute()[-1]
            else:
                reply = scripts[op.script](keys=op.keys, args=op.args)
        except self._redis.exceptions.RedisError as exc:
            self.errors += len(queued)
            raise self._failed(exc) from exc
        self._worked()
        return op.read(reply)

    # -- the asyncio client (trio: the sync client in a worker thread) -------------------------
    def _async_client(self) -> tuple[Any, dict[str, Any]] | None:
        try:
            import asyncio  # noqa: PLC0415 - lazy: only async shells get here

            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None  # not asyncio (trio)
        found = self._async.get(loop)
        if found is None:
            client = self._redis.asyncio.Redis.from_url(self._url, **self._options(True))
            scripts = {name: client.register_script(text) for name, text in SCRIPTS.items()}
            found = self._async[loop] = (client, scripts)
        return found

    async def arun(self, op: Op[T]) -> T:
        """Run ``op`` with the asyncio client (under trio: the sync one, in a worker thread).

        Raises:
            StoreUnavailable: Redis is marked down, or the command failed (counted).
        """
        if self._skip():
            raise StoreUnavailable(self._last_error or "redis is marked down")
        found = self._async_client()
        if found is None:
            import anyio.to_thread  # noqa: PLC0415 - lazy: trio only

            return await anyio.to_thread.run_sync(self.run, op)
        client, scripts = found
        queued = self._take_outbox()
        try:
            if self._down_until is not None:
                await client.ping()
            self.commands += 1
            if queued:
                pipe = client.pipeline(transaction=False)
                for each in [*queued, op]:
                    await scripts[each.script](keys=each.keys, args=each.args, client=pipe)
                reply = (await pipe.execute())[-1]
            else:
                reply = await scripts[op.script](keys=op.keys, args=op.args)
        except self._redis.exceptions.RedisError as exc:
            self.errors += len(queued)
            raise self._failed(exc) from exc
        self._worked()
        return op.read(reply)

    # -- flows: one operation, both clients -------------------------------------------------
    def drive(self, flow: Flow[T]) -> T:
        """Run ``flow`` with the sync client."""
        try:
            op = next(flow)
            while True:
                try:
                    reply = self.run(op)
                except StoreUnavailable as exc:
                    op = flow.throw(exc)
                else:
                    op = flow.send(reply)
        except StopIteration as stop:
            result: T = stop.value
            return result

    async def adrive(self, flow: Flow[T]) -> T:
        """Run ``flow`` with the asyncio client (see ``arun``)."""
        try:
            op = next(flow)
            while True:
                try:
                    reply = await self.arun(op)
                except StoreUnavailable as exc:
                    op = flow.throw(exc)
                else:
                    op = flow.send(reply)
        except StopIteration as stop:
            result: T = stop.value
            return result

    # -- closing -------------------------------------------------------------------------------
    def close(self) -> None:
        """Send the queued writes, then close the sync client's connections (the asyncio
        ones close with ``aclose``)."""
        if self._outbox and self._sync is not None and not self._skip():
            flush = self._outbox.pop()
            with contextlib.suppress(StoreUnavailable):
                self.run(flush)
        client, self._sync = self._sync, None
        if client is not None:
            client.close()

    async def aclose(self) -> None:
        """Close this event loop's asyncio client and the sync one."""
        found = self._async_client()
        if found is not None:
            import asyncio  # noqa: PLC0415 - lazy: only async shells get here

            self._async.pop(asyncio.get_running_loop(), None)
            await found[0].aclose()
        self.close()
