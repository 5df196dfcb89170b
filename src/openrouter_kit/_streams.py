"""The streams: ``BaseStream`` (state, metrics), ``Stream`` and ``AsyncStream``, side by side.

Owns: opening a streamed call on first use (through the client's one retry loop), reading the
body (each read ended by the call's deadline and the idle bound, its bytes decoded within the
size cap), handing out one chunk at a time, and closing the response however the caller leaves
(the end, ``break``, ``close()``, an error, cancellation, or dropping the object). Never knows:
the wire format (the core's ``StreamAssembler`` turns bytes into events and events into
chunks), retries (a stream is never retried once open).
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import anyio
import httpx

from openrouter_kit._base import AsyncClosing, Closing
from openrouter_kit._bounds import READ_BY, ReadLimit
from openrouter_kit._http import body_decoder, decoded, read_already, stream_broken
from openrouter_kit._observe import failed
from openrouter_kit._raw import scrubbed
from openrouter_kit.errors import OpenRouterError

if TYPE_CHECKING:
    from typing import Self

    from openrouter_kit._async_client import AsyncClient
    from openrouter_kit._base import BaseClient
    from openrouter_kit._call import Call
    from openrouter_kit._client import Client
    from openrouter_kit._core.assemble import StreamAssembler
    from openrouter_kit._core.sse import ServerSentEvent
    from openrouter_kit._generated.models import CompletionResponse, StreamChunk

__all__ = ["AsyncStream", "BaseStream", "Stream", "shielded_close"]


#: What a stream reads past ``[DONE]`` at most before closing: the end of the chunked body
#: (``0\r\n\r\n``) normally follows at once, and reading it lets the pool keep the connection
#: (httpcore closes a connection whose response was closed before its end). A body that goes on
#: longer, or takes longer, is closed as before.
_REST_BYTES = 4096
_REST_SECONDS = 1.0


def _keep_answer(exc: BaseException, assembler: StreamAssembler) -> None:
    """Put the answer so far on an error of ours that ends a stream (a body too large once
    decoded, a malformed event), as on every other stream error."""
    if isinstance(exc, OpenRouterError) and exc.response is None:
        exc.response = assembler.final_response()


class BaseStream:
    """What ``Stream`` and ``AsyncStream`` share: state, metrics and bookkeeping, no I/O."""

    __slots__ = (
        "__weakref__",
        "_assembler",
        "_call",
        "_client",
        "_closed",
        "_failure",
        "_limit",
        "_pending",
        "_position",
        "_raw",
        "_response",
        "_started_at",
        "attempts",
        "latency",
        "time_to_first_token",
    )

    def __init__(self, client: BaseClient, call: Call, assembler: StreamAssembler) -> None:
        self._client = client
        self._call = call
        self._assembler = assembler
        self._response: Any = None
        self._raw: Any = None
        self._pending: list[ServerSentEvent] = []  # read, not yet turned into chunks
        self._position = 0
        self._closed = False
        self._failure: BaseException | None = None
        self._limit = ReadLimit()
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
    def status_code(self) -> int | None:
        """The HTTP status of the stream's response, once it is open (None before)."""
        return None if self._response is None else self._response.status_code

    @property
    def headers(self) -> dict[str, str]:
        """The stream's response headers once it is open (request id, ``x-generation-id``, rate
        limits): lower-case names, secrets masked; empty before."""
        if self._response is None:
            return {}
        return scrubbed(self._response.headers, self._client._config.secrets)

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

    def _reading(self) -> ReadLimit:
        """The limit of the reads until the next events: the call's deadline, and the idle
        bound counted from now (the time the caller spends on each chunk is not idle time;
        reads that bring only comments or part of an event do not restart it)."""
        call, limit = self._call, self._limit
        if call.deadline is None:
            limit.at = math.inf
        else:
            limit.at, limit.name, limit.seconds = (
                call.started + call.deadline,
                "deadline",
                call.deadline,
            )
        limit.tighten(self._client._idle, "idle", time.monotonic())
        return limit

    def _next_chunk(self) -> StreamChunk | None:
        """The next chunk from the events already read, or None when they are used up.

        One chunk is built per call, as the caller asks for it: the chunks of a read (hundreds
        for 64 KiB) are never alive together, so the garbage collector has little to scan.
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

    def _drain(self) -> None:
        """Take in the events already read but not handed out when the stream closes early (a
        ``break``, a cancellation): the usage they may carry was received, so it counts. An
        error or malformed event among them ends the draining (the stream is closing)."""
        events, feed = self._pending, self._assembler.feed
        while self._position < len(events):
            event = events[self._position]
            self._position += 1
            try:
                feed(event)
            except OpenRouterError:
                return

    def _response_to_close(self) -> Any:
        """The open HTTP response, which the caller must close now, or None (the stream was
        already closed, or never opened). Either way the stream is closed from here on."""
        if self._closed:
            return None
        self._closed = True
        return self._response

    def _rest_limit(self) -> ReadLimit:
        """The limit of the reads past ``[DONE]``: the stream's bounds, and ``_REST_SECONDS``."""
        limit = self._reading()
        limit.tighten(_REST_SECONDS, "idle", time.monotonic())
        return limit

    def _answer_so_far(self) -> CompletionResponse:
        """The answer so far with the stream's metrics; usage is recorded once per stream."""
        if self._response is not None and self.latency is None and self._closed:
            self.latency = time.perf_counter() - self._started_at
            self._drain()
        return self._client._finish_stream(
            self._call, self._assembler, self.latency, self.time_to_first_token, self.attempts
        )


class Stream(BaseStream, Closing):
    """A streamed completion: an iterator of ``StreamChunk``s and a context manager.

    ::

        with client.stream(model="openai/gpt-4o-mini", messages=messages) as stream:
            for text in stream.text_stream:
                print(text, end="", flush=True)
        reply = stream.final_response()          # text, tool calls, usage, cost

    The request is sent when the ``with`` block or the first iteration starts. Leaving the block,
    breaking out of the loop, ``close()``, or dropping the object closes the HTTP response at once;
    if the server had not finished, ``partial`` is then True and ``final_response()`` is the answer
    so far, marked ``partial`` too (never a silently shortened answer).
    Session usage is recorded once per stream: the final chunk's tokens and cost when it arrived;
    a stream closed before that counts as a request with no tokens (the server sends usage last).
    Iterate a stream from one thread at a time.

    Attributes:
        time_to_first_token: Seconds from sending to the first text, reasoning or tool-call delta.
        latency: Seconds from sending to the end of the stream (set once it ended or closed).
        attempts: HTTP attempts it took to open the stream (retries happen only before it opens).
    """

    __slots__ = ()
    _client: Client
    _response: httpx.Response | None
    _raw: Iterator[bytes]

    def __init__(self, client: Client, call: Call, assembler: StreamAssembler) -> None:
        super().__init__(client, call, assembler)
        self._raw = iter(())

    @property
    def text_stream(self) -> Iterator[str]:
        """The first choice's text as it arrives, skipping chunks that carry none."""
        for chunk in self:
            text = chunk.text
            if text:
                yield text

    def _open(self) -> None:
        self._opening()
        try:
            self._client._load_prices(self._call.options)
            self._client._hold(self._call)
            with self._client._spending(self._call):
                response, self.attempts = self._client._send(self._call)
        except BaseException as exc:
            self._failure = exc
            raise
        self._response = response
        self._raw = decoded(response, self._client._max_bytes)

    def __iter__(self) -> Iterator[StreamChunk]:
        # A generator over the same state as __next__: resuming it costs less than a call to
        # __next__ per chunk, and next(stream) still works between loops. ``_next_chunk``
        # written out: this loop runs once per event.
        assembler = self._assembler
        feed = assembler.feed
        while True:
            events, position = self._pending, self._position
            if position < len(events):
                self._position = position + 1
                try:
                    chunk = feed(events[position])
                except BaseException as exc:  # an error event, or an event that is not a chunk
                    self._broken(exc)
                    raise
                if chunk is not None:
                    if self.time_to_first_token is None and assembler.started:
                        self.time_to_first_token = time.perf_counter() - self._started_at
                    yield chunk
            elif not self._read():
                return

    def __next__(self) -> StreamChunk:
        while True:
            chunk = self._take()
            if chunk is not None:
                return chunk
            if not self._read():
                raise StopIteration

    def _take(self) -> StreamChunk | None:
        try:
            return self._next_chunk()
        except BaseException as exc:  # an error event, or an event that is not a chunk
            self._broken(exc)
            raise

    def _broken(self, exc: BaseException) -> None:
        self.close()
        if isinstance(exc, OpenRouterError):
            self._client._fire(failed(self._client._hooks, self._call, exc))

    def _read(self) -> bool:
        """Read more of the body; False once it has ended (the stream is then closed)."""
        if self._response is None and not self._closed:
            self._open()
        assembler = self._assembler
        reading = READ_BY.set(self._reading())
        try:
            while not self._closed and not assembler.done:
                try:
                    raw = next(self._raw, None)
                    if raw is None:
                        assembler.finish()
                        break
                    events = assembler.events(raw)
                except httpx.HTTPError as exc:
                    error = stream_broken(exc, assembler, self._client._config.api_key, self._limit)
                    self._broken(error)
                    raise error from exc
                except BaseException as exc:
                    _keep_answer(exc, assembler)
                    self._broken(exc)
                    raise
                if events:
                    self._pending, self._position = events, 0
                    return True
        finally:
            READ_BY.reset(reading)
        if assembler.done and not self._closed:
            self._read_rest()
        self.close()
        return False

    def _read_rest(self) -> None:
        """Read the body past ``[DONE]`` to its end, within ``_REST_BYTES`` and the stream's
        bounds (``_REST_SECONDS`` at most), so that the pool keeps the connection."""
        reading = READ_BY.set(self._rest_limit())
        left = _REST_BYTES
        try:
            for piece in self._raw:
                left -= len(piece)
                if left < 0:
                    return
        except (httpx.HTTPError, OpenRouterError):
            return  # the connection is closed with the response: nothing was lost
        finally:
            READ_BY.reset(reading)

    def final_response(self) -> CompletionResponse:
        """Return the whole answer, reading the rest of the stream first if needed.

        After an early ``close()`` it is the answer so far, with ``partial=True`` and at least
        one choice (an empty assistant message when nothing arrived).
        """
        for _ in self:
            pass
        return self._answer_so_far()

    def close(self) -> None:
        """Close the HTTP response (the server stops generating) and record usage. Idempotent.

        The usage (and the budget's hold) is recorded first, before anything can interrupt the
        close.
        """
        response = self._response_to_close()
        if response is not None:
            try:
                self._answer_so_far()
            finally:
                response.close()

    def _open_now(self) -> None:
        """Open the stream unless it is open (``with_raw_response.stream``)."""
        if self._response is None:
            self._open()

    def __enter__(self) -> Self:
        if self._response is None:
            self._open()
        return self

    def __del__(self) -> None:
        if not self._closed and self._response is not None:
            with contextlib.suppress(OpenRouterError):  # nobody to tell: the books are kept
                self.close()


#: Seconds a cancelled or abandoned stream may take to close its response.
_CLOSE_TIMEOUT = 5.0


async def shielded_close(response: httpx.Response) -> None:
    """Close ``response``, even in a cancelled task (trio cancels every later await otherwise)."""
    with anyio.move_on_after(_CLOSE_TIMEOUT, shield=True):
        await response.aclose()


async def _body(response: httpx.Response, max_bytes: int | None) -> AsyncGenerator[bytes, None]:
    # Our own generator around the body: when an abandoned stream is collected, the event loop
    # finalizes it, and the finally below closes the response. It decodes the body as
    # ``decoded`` does for ``Stream``.
    # (The decoding is written out here, not in a generator of its own: an inner async
    # generator left unfinished would be finalized, with a warning under trio, on its own.)
    try:
        content = read_already(response, max_bytes)
        if content is not None:
            yield content
            return
        decoder = body_decoder(response, max_bytes)
        async for raw in response.aiter_raw():
            yield decoder.feed(raw)
        tail = decoder.flush()
        if tail:
            yield tail
    finally:
        await shielded_close(response)


class AsyncStream(BaseStream, AsyncClosing):
    """Same as ``Stream``, as an async iterator and async context manager.

    ::

        async with client.stream(model="openai/gpt-4o-mini", messages=messages) as stream:
            async for text in stream.text_stream:
                print(text, end="", flush=True)
        reply = await stream.final_response()

    Leaving the block, breaking out of the loop inside it, ``await aclose()``, or cancelling the
    task closes the HTTP response at once; a stream that is simply dropped is closed when the
    event loop finalizes it (trio then warns that ``async with`` was not used). Use it from one
    task at a time.
    """

    __slots__ = ()
    _client: AsyncClient
    _response: httpx.Response | None
    _raw: AsyncGenerator[bytes, None] | None

    @property
    async def text_stream(self) -> AsyncIterator[str]:
        """Same as ``Stream.text_stream``, as an async iterator."""
        async for chunk in self:
            text = chunk.text
            if text:
                yield text

    async def _open(self) -> None:
        self._opening()
        try:
            await self._client._load_prices(self._call.options)
            await self._client._hold(self._call)
            with self._client._spending(self._call):
                response, self.attempts = await self._client._send(self._call)
        except BaseException as exc:
            self._failure = exc
            raise
        self._response = response
        self._raw = _body(response, self._client._max_bytes)

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> StreamChunk:
        while True:
            try:
                chunk = self._next_chunk()
            except BaseException as exc:  # an error event, or an event that is not a chunk
                await self._broken(exc)
                raise
            if chunk is not None:
                return chunk
            if not await self._read():
                raise StopAsyncIteration

    async def _broken(self, exc: BaseException) -> None:
        await self.aclose()
        if isinstance(exc, OpenRouterError):
            await self._client._fire(failed(self._client._hooks, self._call, exc))

    async def _read(self) -> bool:
        """Same as ``Stream._read``, but awaitable."""
        if self._response is None and not self._closed:
            await self._open()
        assembler = self._assembler
        reading = READ_BY.set(self._reading())
        try:
            while not self._closed and not assembler.done and self._raw is not None:
                try:
                    raw = await anext(self._raw, None)
                    if raw is None:
                        assembler.finish()
                        break
                    events = assembler.events(raw)
                except httpx.HTTPError as exc:
                    error = stream_broken(exc, assembler, self._client._config.api_key, self._limit)
                    await self._broken(error)
                    raise error from exc
                except BaseException as exc:
                    _keep_answer(exc, assembler)
                    await self._broken(exc)
                    raise
                if events:
                    self._pending, self._position = events, 0
                    return True
        finally:
            READ_BY.reset(reading)
        if assembler.done and not self._closed:
            await self._read_rest()
        await self.aclose()
        return False

    async def _read_rest(self) -> None:
        """Same as ``Stream._read_rest``, but awaitable."""
        raw = self._raw
        if raw is None:
            return
        reading = READ_BY.set(self._rest_limit())
        left = _REST_BYTES
        try:
            async for piece in raw:
                left -= len(piece)
                if left < 0:
                    return
        except (httpx.HTTPError, OpenRouterError):
            return  # the connection is closed with the response: nothing was lost
        finally:
            READ_BY.reset(reading)

    async def final_response(self) -> CompletionResponse:
        """Same as ``Stream.final_response``, but awaitable."""
        async for _ in self:
            pass
        return self._answer_so_far()

    async def aclose(self) -> None:
        """Same as ``Stream.close``, but awaitable; completes even in a cancelled task.

        The usage and the budget's hold are recorded before the first await: a cancellation
        (asyncio's ``task.cancel()`` reaches even a shielded scope's awaits) cannot skip them.
        """
        response = self._response_to_close()
        if response is not None:
            try:
                self._answer_so_far()
            finally:
                try:
                    if self._raw is not None:
                        with anyio.move_on_after(_CLOSE_TIMEOUT, shield=True):
                            await self._raw.aclose()
                finally:  # a native asyncio cancel can end the first await: close all the same
                    await shielded_close(response)

    async def _open_now(self) -> None:
        """Same as ``Stream._open_now``, but awaitable."""
        if self._response is None:
            await self._open()

    async def __aenter__(self) -> Self:
        if self._response is None:
            await self._open()
        return self

    def __del__(self) -> None:
        # The response is closed by the event loop finalizing ``_body``; record usage now.
        if self._response_to_close() is not None:
            with contextlib.suppress(OpenRouterError):  # nobody to tell: the books are kept
                self._answer_so_far()
