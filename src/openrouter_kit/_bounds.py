"""How long the reads of a call may go on: the deadline, the body's read timeout and a stream's
idle bound, enforced on every socket read even when the server drips one byte at a time.

Owns: ``ReadLimit`` (the moment the reads in progress must end, and which bound set it), the
``READ_BY`` context variable the shells set around their reads, and the httpcore network
backend that clamps each read and write of an httpx pool to it (``bound_pools``). The aiohttp
transport reads ``READ_BY`` itself. Never knows: what is read (the shells), retries, errors of
ours (``_http`` names the bound that fired from ``ReadLimit.fired``).

Cost: one context-variable read and one clock read per socket read; nothing per chunk.
"""

from __future__ import annotations

import functools
import math
import time
from contextvars import ContextVar
from typing import Any

import httpx

__all__ = ["READ_BY", "ReadLimit", "bound_pools"]

_monotonic = time.monotonic
_INF = math.inf


class ReadLimit:
    """When the reads of one exchange (or one stream read) must end, by ``time.monotonic()``.

    ``name`` is the bound that set ``at`` (``deadline``, ``read`` for a whole body, ``idle``
    for a stream's gap between events) and ``seconds`` its setting, for the error message;
    ``fired`` turns True when a read or write was cut short by it.
    """

    __slots__ = ("at", "fired", "name", "seconds")

    def __init__(self, at: float = math.inf, name: str = "deadline", seconds: float = 0.0) -> None:
        self.at = at
        self.name = name
        self.seconds = seconds
        self.fired = False

    @classmethod
    def until_deadline(cls, deadline: float | None, started: float) -> ReadLimit:
        """The limit of a call that began at ``started`` with ``deadline`` seconds in all."""
        if deadline is None:
            return cls()
        return cls(started + deadline, "deadline", deadline)

    def tighten(self, seconds: float | None, name: str, now: float) -> None:
        """End the reads within ``seconds`` from ``now`` too, if that comes first."""
        if seconds is not None and now + seconds < self.at:
            self.at, self.name, self.seconds = now + seconds, name, seconds

    def describe(self) -> str:
        """Which bound fired, in words."""
        if self.name == "read":
            return f"the response took longer than the read timeout ({self.seconds:g} s) to arrive"
        if self.name == "idle":
            return f"no event for {self.seconds:g} s (stream_idle_timeout)"
        return f"the call's deadline of {self.seconds:g} s passed"


#: The limit of the reads the current task or thread is making for a call (None: no call).
READ_BY: ContextVar[ReadLimit | None] = ContextVar("openrouter_kit_read_by", default=None)


@functools.cache
def _timeouts() -> tuple[type[Exception], type[Exception]]:
    import httpcore  # noqa: PLC0415 - lazy: httpcore loads with the first pool

    return httpcore.ReadTimeout, httpcore.WriteTimeout


def _expired(limit: ReadLimit, write: bool) -> Exception:
    limit.fired = True
    return _timeouts()[write](limit.describe())


class _Stream:
    """A blocking network stream whose reads and writes end by ``READ_BY``'s limit.

    Each read or write gets the shorter of its own timeout and what is left of the limit (an
    infinite limit never binds); when the limit is the one that runs out, ``fired`` says so.
    """

    __slots__ = ("_stream",)

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        limit = READ_BY.get()
        if limit is not None:
            left = limit.at - _monotonic()
            if left < (_INF if timeout is None else timeout):
                if left <= 0:
                    raise _expired(limit, False)
                try:
                    return self._stream.read(max_bytes, left)  # type: ignore[no-any-return]
                except _timeouts()[0]:
                    limit.fired = True
                    raise
        return self._stream.read(max_bytes, timeout)  # type: ignore[no-any-return]

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        limit = READ_BY.get()
        if limit is not None:
            left = limit.at - _monotonic()
            if left < (_INF if timeout is None else timeout):
                if left <= 0:
                    raise _expired(limit, True)
                try:
                    self._stream.write(buffer, left)
                except _timeouts()[1]:
                    limit.fired = True
                    raise
                return
        self._stream.write(buffer, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, *args: Any, **kwargs: Any) -> _Stream:
        return _Stream(self._stream.start_tls(*args, **kwargs))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _AsyncStream:
    """Same as ``_Stream``, for httpcore's async backends (asyncio and trio)."""

    __slots__ = ("_stream",)

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        limit = READ_BY.get()
        if limit is not None:
            left = limit.at - _monotonic()
            if left < (_INF if timeout is None else timeout):
                if left <= 0:
                    raise _expired(limit, False)
                try:
                    return await self._stream.read(max_bytes, left)  # type: ignore[no-any-return]
                except _timeouts()[0]:
                    limit.fired = True
                    raise
        return await self._stream.read(max_bytes, timeout)  # type: ignore[no-any-return]

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        limit = READ_BY.get()
        if limit is not None:
            left = limit.at - _monotonic()
            if left < (_INF if timeout is None else timeout):
                if left <= 0:
                    raise _expired(limit, True)
                try:
                    await self._stream.write(buffer, left)
                except _timeouts()[1]:
                    limit.fired = True
                    raise
                return
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(self, *args: Any, **kwargs: Any) -> _AsyncStream:
        return _AsyncStream(await self._stream.start_tls(*args, **kwargs))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend:
    """httpcore's blocking network backend, handing out ``_Stream``\\ s."""

    __slots__ = ("_backend",)

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def connect_tcp(self, *args: Any, **kwargs: Any) -> _Stream:
        return _Stream(self._backend.connect_tcp(*args, **kwargs))

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> _Stream:
        return _Stream(self._backend.connect_unix_socket(*args, **kwargs))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _AsyncBackend:
    """httpcore's async network backend, handing out ``_AsyncStream``\\ s."""

    __slots__ = ("_backend",)

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    async def connect_tcp(self, *args: Any, **kwargs: Any) -> _AsyncStream:
        return _AsyncStream(await self._backend.connect_tcp(*args, **kwargs))

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> _AsyncStream:
        return _AsyncStream(await self._backend.connect_unix_socket(*args, **kwargs))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def bound_pools(http: httpx.Client | httpx.AsyncClient) -> int:
    """Make every httpcore pool of ``http`` (its transport and its proxy mounts) read and write
    through the clamping backend; return how many pools it covers.

    A pass-through outside our calls (``READ_BY`` unset), so it is safe on a pool the caller
    passed in and also uses elsewhere. Transports that are not httpx's (a mock, aiohttp's) have
    no httpcore pool and are left alone: they get the per-read timeouts only.
    """
    transports = [getattr(http, "_transport", None), *getattr(http, "_mounts", {}).values()]
    covered = 0
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if pool is None or backend is None:
            continue
        if not isinstance(backend, _Backend | _AsyncBackend):
            wrapper = _AsyncBackend if isinstance(http, httpx.AsyncClient) else _Backend
            pool._network_backend = wrapper(backend)
        covered += 1
    return covered
