"""The way to Redis: redis-py clients made lazily from one URL, short timeouts, the scripts, and a
breaker of the store's own that stops waiting on a Redis that does not answer.

Owns: building ``redis.Redis`` (and one ``redis.asyncio.Redis`` per event loop) on first use,
with ``socket_connect_timeout`` (100 ms) and ``socket_timeout`` (250 ms) and one retry after a
dropped connection (never after a timeout: a stalled server would cost twice); running
``_ops.Op`` scripts by EVALSHA (a script Redis lost is loaded again on NOSCRIPT) with either
client, several flows side by side in one round trip per round (``drive_all``), with the writes
nobody waits for (``later``) pipelined into the next round trip of this process or, within
``FLUSH_AFTER`` seconds, sent by a flusher thread that ends when idle; counting round trips;
and the store breaker: a command timeout, or 3 other errors in a row, marks Redis down for
``down_for`` seconds, during which no command is sent (callers fall back at once); then one PING
probes it. Every error is counted; each switch between shared and local state is logged (logger
``openrouter_kit.store``) and told to the listeners. Never knows: what the operations mean.
"""

from __future__ import annotations

import contextlib
import functools
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
from openrouter_kit._redis._ops import SCRIPTS, SHAS, Op
from openrouter_kit.errors import ConfigurationError

__all__ = ["Connection", "StoreUnavailable", "mask_url"]

T = TypeVar("T")
#: An operation made of script calls: yields each ``Op``, receives its reply (or, thrown in,
#: ``StoreUnavailable``), returns the result. Written once, run by ``drive`` or ``adrive``.
Flow = Generator[Op[Any] | list[Op[Any]], Any, T]
logger = logging.getLogger("openrouter_kit.store")

#: Errors in a row (other than timeouts) that mark Redis down.
DOWN_AFTER = 3
#: Seconds Redis is left alone once marked down, before a PING probes it.
DOWN_FOR = 5.0
#: Seconds a queued write waits for a command to carry it before the flusher sends it.
FLUSH_AFTER = 0.1
#: Seconds the flusher thread waits with nothing queued before it ends.
FLUSHER_IDLE = 1.0


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
        self._async: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
        #: Commands that failed (timeouts, refused connections, errors), since the start.
        self.errors = 0
        #: Commands sent.
        self.commands = 0
        self._in_a_row = 0
        self._down_until: float | None = None
        self._last_error: str | None = None
        #: Round trips to Redis (a pipeline is one; a PING or a script load is one more).
        self.round_trips = 0
        self._outbox: list[Op[Any]] = []
        self._queued_at: float | None = None
        self._wake = threading.Condition(self._lock)
        self._flusher: threading.Thread | None = None
        self._closing = False
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

    def _sync_client(self) -> Any:
        if self._sync is None:
            with self._lock:
                if self._sync is None:
                    self._sync = self._redis.Redis.from_url(self._url, **self._options())
        return self._sync

    # -- queued writes ---------------------------------------------------------------------
    def later(self, op: Op[Any]) -> None:
        """Send ``op`` (a write whose reply nobody needs) with this process's next command, in
        the same round trip; when no command comes within ``FLUSH_AFTER`` seconds, the flusher
        thread sends it. A durable op is kept until Redis has it; any other is dropped (and
        counted) if the round trip carrying it fails."""
        with self._lock:
            if not self._outbox:
                self._queued_at = time.monotonic()
            self._outbox.append(op)
            self._wake.notify()
            if self._flusher is None and not self._closing:
                self._flusher = threading.Thread(
                    target=self._flush_loop, name="openrouter-kit-redis-flush", daemon=True
                )
                self._flusher.start()

    def _take_outbox(self) -> list[Op[Any]]:
        with self._lock:
            taken, self._outbox = self._outbox, []
            self._queued_at = None
        return taken

    def _give_back(self, queued: list[Op[Any]]) -> None:
        """The round trip carrying ``queued`` failed: keep the durable ones (first, in order),
        count the others as lost."""
        kept = [op for op in queued if op.durable]
        with self._lock:
            self.errors += len(queued) - len(kept)
            if kept:
                self._outbox[:0] = kept
                self._queued_at = time.monotonic()

    @property
    def queued(self) -> int:
        """Writes waiting to be sent."""
        return len(self._outbox)

    def _flush_loop(self) -> None:
        """The flusher: sends the queued writes ``FLUSH_AFTER`` seconds after the first of them
        was queued, unless a command took them first; ends after ``FLUSHER_IDLE`` seconds with
        nothing queued (``later`` starts another), or when the connection closes."""
        with self._wake:
            while not self._closing:
                at = self._queued_at
                if at is None:
                    if not self._wake.wait(FLUSHER_IDLE) and self._queued_at is None:
                        break
                    continue
                left = at + FLUSH_AFTER - time.monotonic()
                if left > 0:
                    self._wake.wait(left)
                    continue
                self._lock.release()
                try:
                    self.flush()
                finally:
                    self._lock.acquire()
            self._flusher = None

    def flush(self) -> None:
        """Send the queued writes now, with the blocking client (nothing else in the round
        trip); while Redis is marked down they wait (durable ones) or are dropped."""
        if not self._outbox:
            return
        if self._skip():
            self._give_back(self._take_outbox())
            return
        with contextlib.suppress(StoreUnavailable):
            self.send([])

    async def aflush(self) -> None:
        """Same as ``flush``, with this event loop's client."""
        if not self._outbox:
            return
        if self._skip():
            self._give_back(self._take_outbox())
            return
        with contextlib.suppress(StoreUnavailable):
            await self.asend([])

    # -- round trips -------------------------------------------------------------------------
    def _replies(self, queued: list[Op[Any]], ops: list[Op[Any]], raw: list[Any]) -> list[Any]:
        """What each of ``ops`` gave (its reply read, or ``StoreUnavailable``); the queued
        writes' errors are counted."""
        errors = self._redis.exceptions.ResponseError
        for op, reply in zip(queued, raw, strict=False):
            if isinstance(reply, errors):
                with self._lock:
                    self.errors += 1
                logger.warning("a queued %s write failed: %s", op.script, reply)
        out: list[Any] = []
        for op, reply in zip(ops, raw[len(queued) :], strict=True):
            out.append(self._failed(reply) if isinstance(reply, errors) else op.read(reply))
        return out

    def _missing(self, raw: list[Any]) -> list[int]:
        missing = self._redis.exceptions.NoScriptError
        return [i for i, reply in enumerate(raw) if isinstance(reply, missing)]

    def send(self, ops: list[Op[Any]]) -> list[Any]:
        """One round trip with the sync client: the queued writes, then ``ops``, pipelined;
        what each of ``ops`` gave (its reply read, or ``StoreUnavailable`` for a script that
        failed). A script Redis does not have (restarted, flushed) is loaded and its ops sent
        again (one more round trip, once).

        Raises:
            StoreUnavailable: Redis is marked down, or the round trip failed (counted).
        """
        if self._skip():
            raise StoreUnavailable(self._last_error or "redis is marked down")
        client = self._sync_client()
        queued = self._take_outbox()
        batch = [*queued, *ops]
        try:
            if self._down_until is not None:
                self.round_trips += 1
                client.ping()
            raw = self._execute(client, batch)
            missing = self._missing(raw)
            if missing:
                self.round_trips += 1
                load = client.pipeline(transaction=False)
                for text in SCRIPTS.values():
                    load.script_load(text)
                load.execute()
                again = self._execute(client, [batch[i] for i in missing])
                for i, reply in zip(missing, again, strict=True):
                    raw[i] = reply
        except self._redis.exceptions.RedisError as exc:
            self._give_back(queued)
            raise self._failed(exc) from exc
        self._worked()
        return self._replies(queued, ops, raw)

    def _execute(self, client: Any, batch: list[Op[Any]]) -> list[Any]:
        self.round_trips += 1
        self.commands += len(batch)
        if len(batch) == 1:  # no pipeline to build
            op = batch[0]
            try:
                return [client.evalsha(SHAS[op.script], len(op.keys), *op.keys, *op.args)]
            except self._redis.exceptions.ResponseError as exc:
                return [exc]
        pipe = client.pipeline(transaction=False)
        for op in batch:
            pipe.evalsha(SHAS[op.script], len(op.keys), *op.keys, *op.args)
        return list(pipe.execute(raise_on_error=False))

    def run(self, op: Op[T]) -> T:
        """Run ``op`` with the sync client (with the queued writes, pipelined).

        Raises:
            StoreUnavailable: Redis is marked down, or the command failed (counted).
        """
        reply = self.send([op])[0]
        if isinstance(reply, StoreUnavailable):
            raise reply
        result: T = reply
        return result

    # -- the asyncio client (trio: the sync client in a worker thread) -------------------------
    def _async_client(self) -> Any | None:
        try:
            import asyncio  # noqa: PLC0415 - lazy: only async shells get here

            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None  # not asyncio (trio)
        found = self._async.get(loop)
        if found is None:
            found = self._async[loop] = self._redis.asyncio.Redis.from_url(
                self._url, **self._options(True)
            )
        return found

    async def asend(self, ops: list[Op[Any]]) -> list[Any]:
        """Same as ``send``, with this event loop's asyncio client (under trio: the sync one,
        in a worker thread)."""
        if self._skip():
            raise StoreUnavailable(self._last_error or "redis is marked down")
        client = self._async_client()
        if client is None:
            import anyio.to_thread  # noqa: PLC0415 - lazy: trio only

            replies: list[Any] = await anyio.to_thread.run_sync(self.send, ops)
            return replies
        queued = self._take_outbox()
        batch = [*queued, *ops]
        try:
            if self._down_until is not None:
                self.round_trips += 1
                await client.ping()
            raw = await self._aexecute(client, batch)
            missing = self._missing(raw)
            if missing:
                self.round_trips += 1
                load = client.pipeline(transaction=False)
                for text in SCRIPTS.values():
                    load.script_load(text)
                await load.execute()
                again = await self._aexecute(client, [batch[i] for i in missing])
                for i, reply in zip(missing, again, strict=True):
                    raw[i] = reply
        except self._redis.exceptions.RedisError as exc:
            self._give_back(queued)
            raise self._failed(exc) from exc
        self._worked()
        return self._replies(queued, ops, raw)

    async def _aexecute(self, client: Any, batch: list[Op[Any]]) -> list[Any]:
        self.round_trips += 1
        self.commands += len(batch)
        if len(batch) == 1:
            op = batch[0]
            try:
                return [await client.evalsha(SHAS[op.script], len(op.keys), *op.keys, *op.args)]
            except self._redis.exceptions.ResponseError as exc:
                return [exc]
        pipe = client.pipeline(transaction=False)
        for op in batch:
            pipe.evalsha(SHAS[op.script], len(op.keys), *op.keys, *op.args)
        return list(await pipe.execute(raise_on_error=False))

    async def arun(self, op: Op[T]) -> T:
        """Same as ``run``, awaitable (see ``asend``).

        Raises:
            StoreUnavailable: Redis is marked down, or the command failed (counted).
        """
        reply = (await self.asend([op]))[0]
        if isinstance(reply, StoreUnavailable):
            raise reply
        result: T = reply
        return result

    # -- flows: one operation, both clients -------------------------------------------------
    def drive(self, flow: Flow[T]) -> T:
        """Run ``flow`` with the sync client."""
        result = self.drive_all([flow])[0]
        if isinstance(result, Exception):
            raise result
        done: T = result
        return done

    async def adrive(self, flow: Flow[T]) -> T:
        """Run ``flow`` with the asyncio client (see ``asend``)."""
        result = (await self.adrive_all([flow]))[0]
        if isinstance(result, Exception):
            raise result
        done: T = result
        return done

    def drive_all(self, flows: list[Flow[Any]]) -> list[Any]:
        """Run ``flows`` side by side with the sync client: each round sends the next op of
        every flow still running in one round trip. Returns each flow's result, or the
        exception it raised (as a value: the caller decides)."""
        together = _together(flows)
        try:
            ops = next(together)
            while True:
                try:
                    replies = self.send(ops)
                except StoreUnavailable as exc:
                    replies = [exc] * len(ops)
                ops = together.send(replies)
        except StopIteration as stop:
            results: list[Any] = stop.value
            return results

    async def adrive_all(self, flows: list[Flow[Any]]) -> list[Any]:
        """Same as ``drive_all``, awaitable."""
        together = _together(flows)
        try:
            ops = next(together)
            while True:
                try:
                    replies = await self.asend(ops)
                except StoreUnavailable as exc:
                    replies = [exc] * len(ops)
                ops = together.send(replies)
        except StopIteration as stop:
            results: list[Any] = stop.value
            return results

    # -- closing ----------------------------------------------------------------------------
    def _stop_flusher(self) -> None:
        with self._lock:
            self._closing = True
            flusher = self._flusher
            self._wake.notify_all()
        if flusher is not None and flusher is not threading.current_thread():
            flusher.join(self.command_timeout * 4 + 1)
        with self._lock:
            self._closing = False

    def close(self) -> None:
        """Send the queued writes, then close the sync client's connections (the asyncio
        ones close with ``aclose``); the flusher thread ends."""
        self._stop_flusher()
        self.flush()
        client, self._sync = self._sync, None
        if client is not None:
            client.close()

    async def aclose(self) -> None:
        """Send the queued writes, close this event loop's asyncio client and the sync one."""
        import anyio.to_thread  # noqa: PLC0415 - lazy: only async shells get here

        await anyio.to_thread.run_sync(self._stop_flusher)
        await self.aflush()
        client = self._async_client()
        if client is not None:
            import asyncio  # noqa: PLC0415 - lazy: only async shells get here

            self._async.pop(asyncio.get_running_loop(), None)
            await client.aclose()
        await anyio.to_thread.run_sync(self.close)


def _together(flows: list[Flow[Any]]) -> Generator[list[Op[Any]], list[Any], list[Any]]:
    """Interleave ``flows``: yield the next op of each running flow (a flow may yield a list of
    ops, sent in the same round), receive their replies (or ``StoreUnavailable``, thrown into
    the flow), until every flow has ended; return their results (an exception a flow raised,
    as its result)."""
    results: list[Any] = [None] * len(flows)
    waiting: dict[int, Any] = {}

    def step(index: int, move: Callable[[], Any]) -> None:
        try:
            waiting[index] = move()
        except StopIteration as stop:
            results[index] = stop.value
        except Exception as exc:
            results[index] = exc

    for index, flow in enumerate(flows):
        step(index, flow.__next__)
    while waiting:
        asked = list(waiting.items())
        waiting.clear()
        ops: list[Op[Any]] = []
        for _, wanted in asked:
            ops.extend(wanted if isinstance(wanted, list) else [wanted])
        replies = yield ops
        at = 0
        for index, wanted in asked:
            count = len(wanted) if isinstance(wanted, list) else 1
            mine = replies[at : at + count]
            at += count
            failed = next((r for r in mine if isinstance(r, StoreUnavailable)), None)
            flow = flows[index]
            if failed is not None:
                step(index, functools.partial(flow.throw, failed))
            else:
                answer = mine if isinstance(wanted, list) else mine[0]
                step(index, functools.partial(flow.send, answer))
    return results
