"""A hostile OpenRouter for the chaos suite: one raw-socket asyncio server in a thread of its own.

It answers ``GET /models`` and ``GET /generation`` honestly, and each ``POST /chat/completions``
with the fault the harness planned for that call (``plan(tag, ...)``; the tag is found in the
first message). It records what it processed and what it billed, attempt by attempt
(``attempts(tag)``), every generation the client looked up, and any request that followed a
redirect to its second port, so the suite can hold the client's books against its own.

Like OpenRouter, it bills a request once it has read the whole of it and answers with a 2xx
status, whatever happens to the answer afterwards (a provider finishes what it started); an error
status is never billed. Every fault that could go on for ever ends on its own after ``give_up``
seconds, and a body that inflates without bound stops once the process's traced memory passes the
ceiling, so a client without the bounds the suite checks still ends (and fails the checks).

It imports nothing from openrouter_kit: it is a second implementation of the wire, independent of
the emulator.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
import struct
import threading
import time
import tracemalloc
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

MODEL = "chaos/model"
PROMPT_PRICE = Decimal("0.000001")
COMPLETION_PRICE = Decimal("0.000002")
#: Prompt tokens billed for every request: fewer than any estimate of the suite's prompts, so a
#: bill never exceeds the client's worst case (F4's adversarial prompts are helper B's own tests).
PROMPT_TOKENS = 5

MODELS = {
    "data": [
        {
            "id": MODEL,
            "canonical_slug": MODEL,
            "name": "Chaos: hostile model",
            "created": 1767225600,
            "context_length": 32768,
            "architecture": {
                "modality": "text->text",
                "input_modalities": ["text"],
                "output_modalities": ["text"],
                "tokenizer": "Other",
                "instruct_type": None,
            },
            "pricing": {
                "prompt": str(PROMPT_PRICE),
                "completion": str(COMPLETION_PRICE),
                "request": "0",
            },
            "top_provider": {
                "context_length": 32768,
                "max_completion_tokens": 4096,
                "is_moderated": False,
            },
            "supported_parameters": ["max_tokens", "temperature"],
        }
    ]
}

_TAG = re.compile(r"chaos\[([0-9a-z]+)\]")
_PIECE = b"A" * 65536


def cost_of(completion_tokens: int) -> Decimal:
    """What the server bills for a request that produced ``completion_tokens``."""
    return PROMPT_TOKENS * PROMPT_PRICE + completion_tokens * COMPLETION_PRICE


def _bomb_blocks() -> tuple[bytes, bytes, int]:
    """A gzip stream's head and one block that inflates to 1 MiB of spaces (the block can be
    repeated: it follows a full flush), and the block's inflated size."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = compressor.compress(b'{"id":"gen-bomb","choices":[],"pad":"') + compressor.flush(
        zlib.Z_FULL_FLUSH
    )
    block = compressor.compress(b" " * (1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return head, block, 1 << 20


_BOMB_HEAD, _BOMB_BLOCK, _BOMB_INFLATED = _bomb_blocks()
#: Blocks per chunk of the chunked body (a client that decodes each chunk into one piece then
#: gets 16 MiB pieces, not 1 MiB ones: a quadratic decoder stays slow, not endless).
_BOMB_BATCH = 16


@dataclass
class Fault:
    """What the server does with one attempt: ``kind`` and its parameters (see ``_FAULTS``)."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    """The faults of one call, attempt by attempt (the last one repeats)."""

    faults: list[Fault]
    completion_tokens: int = 8

    def fault(self, number: int) -> Fault:
        return self.faults[min(number, len(self.faults)) - 1]


@dataclass
class Attempt:
    """One request the server read in full for a call, and what became of it."""

    number: int
    stream: bool
    fault: str
    gen_id: str
    #: USD billed (None: not billed).
    billed: Decimal | None = None
    #: The error status answered instead (never billed).
    status: int | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class _Context:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    key: str
    stream: bool
    plan: Plan
    fault: Fault
    attempt: Attempt
    deadline: float  # loop time when a fault that could go on for ever gives up

    @property
    def params(self) -> dict[str, Any]:
        return self.fault.params

    @property
    def gone(self) -> bool:
        """True when the client closed the connection (or the server gave up)."""
        return (
            self.reader.at_eof()
            or self.writer.transport.is_closing()
            or asyncio.get_running_loop().time() >= self.deadline
        )


class _Closed(Exception):
    """The connection is finished: do not answer any more on it."""


class ChaosServer:
    """The hostile server; ``start()`` runs it on 127.0.0.1 in a daemon thread.

    Args:
        give_up: Seconds after which a fault that could go on for ever ends (the server closes).
        memory_ceiling: Bytes of traced memory (``tracemalloc``) above which an inflating body
            stops (the server resets the connection).
    """

    def __init__(self, *, give_up: float, memory_ceiling: int) -> None:
        self.give_up = give_up
        self.memory_ceiling = memory_ceiling
        self._lock = threading.Lock()
        self._plans: dict[str, Plan] = {}
        self._attempts: dict[str, list[Attempt]] = {}
        self._generations: dict[str, tuple[str, Attempt]] = {}
        #: Generation id -> how many times the client looked it up.
        self.lookups: dict[str, int] = {}
        #: Requests that reached the redirect target (each: its request head).
        self.redirected: list[bytes] = []
        #: Connections that sent bytes and are still reading a request head or body.
        self._reading = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[asyncio.Server] = []
        self.port = 0
        self.other_port = 0

    # -- lifetime --------------------------------------------------------------------------------
    def start(self) -> ChaosServer:
        ready = threading.Event()

        def run() -> None:
            loop = self._loop = asyncio.new_event_loop()
            loop.run_until_complete(self._listen())
            ready.set()
            loop.run_forever()
            for server in self._servers:
                server.close()
            loop.run_until_complete(self._drain())
            loop.close()

        self._thread = threading.Thread(target=run, name="chaos-server", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the chaos server did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    async def _listen(self) -> None:
        main = await asyncio.start_server(self._connection, "127.0.0.1", 0, limit=1 << 20)
        other = await asyncio.start_server(self._redirect_target, "127.0.0.1", 0)
        self._servers = [main, other]
        self.port = main.sockets[0].getsockname()[1]
        self.other_port = other.sockets[0].getsockname()[1]

    async def _drain(self) -> None:
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1"

    # -- what the harness asks -------------------------------------------------------------------
    def plan(self, tag: str, faults: list[Fault], completion_tokens: int) -> None:
        with self._lock:
            self._plans[tag] = Plan(faults, completion_tokens)

    def attempts(self, tag: str) -> list[Attempt]:
        with self._lock:
            return list(self._attempts.get(tag, ()))

    def looked_up(self, gen_id: str) -> int:
        with self._lock:
            return self.lookups.get(gen_id, 0)

    def settle(self, timeout: float = 1.0) -> None:
        """Wait (up to ``timeout``) until no connection is half-way through sending a request,
        so that ``attempts`` says whether a request the client gave up on was read."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                if not self._reading:
                    return
            time.sleep(0.005)

    # -- connections -----------------------------------------------------------------------------
    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await self._read_request(reader)
                if request is None:
                    return
                if not await self._route(reader, writer, *request):
                    return
        except (_Closed, ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            raise
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _read_request(
        self, reader: asyncio.StreamReader
    ) -> tuple[str, str, dict[str, str], bytes] | None:
        first = await reader.read(1)
        if not first:
            return None
        with self._lock:
            self._reading += 1
        try:
            head = first + await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
            body = b""
            if "content-length" in headers:
                body = await reader.readexactly(int(headers["content-length"]))
            elif headers.get("transfer-encoding", "").lower() == "chunked":
                parts = []
                while True:
                    size = int((await reader.readuntil(b"\r\n")).strip() or b"0", 16)
                    if size == 0:
                        await reader.readuntil(b"\r\n")
                        break
                    parts.append(await reader.readexactly(size))
                    await reader.readexactly(2)
                body = b"".join(parts)
            return method, target, headers, body
        finally:
            with self._lock:
                self._reading -= 1

    async def _redirect_target(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        with contextlib.suppress(Exception):
            head = await reader.readuntil(b"\r\n\r\n")
            with self._lock:
                self.redirected.append(head)
        writer.close()

    async def _route(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        method: str,
        target: str,
        headers: dict[str, str],
        body: bytes,
    ) -> bool:
        """Answer one request; False when the connection must close afterwards."""
        url = urlsplit(target)
        if method == "GET" and url.path.endswith("/models"):
            return await _send(writer, 200, json.dumps(MODELS).encode())
        if method == "GET" and url.path.endswith("/generation"):
            return await self._generation(writer, parse_qs(url.query).get("id", [""])[0])
        if method == "POST" and url.path.endswith("/chat/completions"):
            return await self._completion(reader, writer, headers, body)
        return await _send(writer, 404, _error(404, f"no route for {method} {url.path}"))

    async def _generation(self, writer: asyncio.StreamWriter, gen_id: str) -> bool:
        with self._lock:
            self.lookups[gen_id] = self.lookups.get(gen_id, 0) + 1
            found = self._generations.get(gen_id)
        if found is None or found[1].billed is None:
            return await _send(writer, 404, _error(404, f"Generation {gen_id[:40]} not found"))
        tag, attempt = found
        tokens = self._plans[tag].completion_tokens
        data = {
            "id": gen_id,
            "total_cost": "@@COST@@",
            "usage": "@@COST@@",
            "model": MODEL,
            "streamed": attempt.stream,
            "cancelled": False,
            "tokens_prompt": PROMPT_TOKENS,
            "tokens_completion": tokens,
            "native_tokens_prompt": PROMPT_TOKENS,
            "native_tokens_completion": tokens,
            "finish_reason": "stop",
        }
        text = json.dumps({"data": data}).replace('"@@COST@@"', format(attempt.billed, "f"))
        return await _send(writer, 200, text.encode())

    async def _completion(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        headers: dict[str, str],
        body: bytes,
    ) -> bool:
        tag, stream = "", False
        try:
            payload = json.loads(body)
            content = payload["messages"][0]["content"]
            found = _TAG.search(content if isinstance(content, str) else json.dumps(content))
            tag, stream = (found.group(1) if found else ""), payload.get("stream") is True
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            pass
        with self._lock:
            plan = self._plans.get(tag) or Plan([Fault("ok")])
            attempts = self._attempts.setdefault(tag, [])
            number = len(attempts) + 1
            fault = plan.fault(number)
            attempt = Attempt(number, stream, fault.kind, f"gen-{tag}-{number}")
            attempts.append(attempt)
            self._generations[attempt.gen_id] = (tag, attempt)
        key = headers.get("authorization", "").removeprefix("Bearer ")
        loop = asyncio.get_running_loop()
        context = _Context(
            reader, writer, key, attempt.stream, plan, fault, attempt, loop.time() + self.give_up
        )
        handler = _FAULTS[fault.kind]
        if fault.kind not in _UNBILLED and fault.params.get("status", 200) < 300:
            attempt.billed = cost_of(plan.completion_tokens)  # read in full: the provider runs it
        try:
            return await handler(self, context)
        except (ConnectionError, OSError) as exc:
            attempt.notes.append(f"client gone: {type(exc).__name__}")
            return False

    # -- faults ----------------------------------------------------------------------------------
    async def _ok(self, ctx: _Context) -> bool:
        await asyncio.sleep(ctx.params.get("latency", 0.0))
        if not ctx.stream:
            return await _send(ctx.writer, 200, _completion(ctx), _gen_header(ctx))
        await _start_stream(ctx)
        delay = ctx.params.get("chunk_delay", 0.0)
        for piece in _stream_events(ctx):
            if ctx.gone:
                return False
            await _chunk(ctx.writer, piece)
            if delay:
                await asyncio.sleep(delay)
        await _chunk(ctx.writer, b"")
        return False

    async def _drip(self, ctx: _Context) -> bool:
        """Headers at once, then the body one byte every ``interval`` seconds."""
        interval = ctx.params.get("interval", 0.05)
        if ctx.stream:
            await _start_stream(ctx)
            data = b"".join(_chunked(piece) for piece in _stream_events(ctx)) + _chunked(b"")
        else:
            data = _completion(ctx)
            await _head(ctx.writer, 200, len(data), _gen_header(ctx))
        for byte in data:
            if ctx.gone:
                ctx.attempt.notes.append("drip stopped")
                return False
            ctx.writer.write(bytes([byte]))
            await ctx.writer.drain()
            await asyncio.sleep(interval)
        return False

    async def _keepalive(self, ctx: _Context) -> bool:
        """Headers, then keep-alive comments (a newline for a whole body) for ever."""
        interval = ctx.params.get("interval", 0.05)
        if ctx.stream:
            await _start_stream(ctx)
            beat = b": OPENROUTER PROCESSING\n\n"
        else:
            await _start_chunked(ctx, "application/json")
            beat = b"\n"
        while not ctx.gone:
            await _chunk(ctx.writer, beat)
            await asyncio.sleep(interval)
        return False

    async def _silent(self, ctx: _Context) -> bool:
        """The request is read (and billed), and no answer ever comes."""
        while not ctx.gone:
            await asyncio.sleep(0.02)
        return False

    async def _bomb(self, ctx: _Context) -> bool:
        """A gzip body inflating to a GiB: spaces inside a JSON string, or inside one SSE line."""
        content_type = "text/event-stream" if ctx.stream else "application/json"
        await _start_chunked(ctx, content_type, {"Content-Encoding": "gzip"})
        if ctx.stream:
            compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
            head = compressor.compress(b"data: ") + compressor.flush(zlib.Z_FULL_FLUSH)
        else:
            head = _BOMB_HEAD
        await _chunk(ctx.writer, head)
        inflated = 0
        while inflated < ctx.params.get("size", 256 << 20):
            if self._over_ceiling(ctx) or ctx.gone:
                return False
            await _chunk(ctx.writer, _BOMB_BLOCK * _BOMB_BATCH)  # 16 KiB inflating to 16 MiB
            inflated += _BOMB_INFLATED * _BOMB_BATCH
        return False

    async def _huge_line(self, ctx: _Context) -> bool:
        """One ``data:`` line of ``size`` bytes, then the rest of a normal stream."""
        await _start_stream(ctx)
        size = ctx.params.get("size", 20 << 20)
        await _chunk(ctx.writer, b"data: ")
        sent = 0
        while sent < size:
            if self._over_ceiling(ctx) or ctx.gone:
                return False
            await _chunk(ctx.writer, _PIECE)
            sent += len(_PIECE)
        await _chunk(ctx.writer, b"\n\n")
        for piece in _stream_events(ctx):
            await _chunk(ctx.writer, piece)
        await _chunk(ctx.writer, b"")
        return False

    async def _unterminated(self, ctx: _Context) -> bool:
        """``data:`` lines of 4 KiB for ever, never the blank line that ends an event."""
        await _start_stream(ctx)
        line = b'data: {"pad": "' + b"x" * 4072 + b'"}\n'
        batch = line * 16
        sent = 0
        while sent < ctx.params.get("size", 256 << 20):
            if self._over_ceiling(ctx) or ctx.gone:
                return False
            await _chunk(ctx.writer, batch)
            sent += len(batch)
        return False

    async def _reset_before_headers(self, ctx: _Context) -> bool:
        await asyncio.sleep(ctx.params.get("latency", 0.0))
        _reset(ctx.writer)
        return False

    async def _reset_mid_body(self, ctx: _Context) -> bool:
        await _partial_answer(ctx)
        _reset(ctx.writer)
        return False

    async def _truncated(self, ctx: _Context) -> bool:
        """Part of the answer, then a clean close (FIN): a short body or a stream with no end."""
        await _partial_answer(ctx)
        if ctx.stream and ctx.params.get("clean_end"):
            await _chunk(ctx.writer, b"")  # the chunked body ends properly; the SSE stream did not
        return False

    async def _non_json(self, ctx: _Context) -> bool:
        if ctx.stream:
            await _start_stream(ctx)
            await _chunk(ctx.writer, b'data: {"id": "gen-x", "choices": [{"delta": {"con\n\n')
            await _chunk(ctx.writer, b"")
            return False
        body = b'{"id": "gen-x", "choices": [{"index": 0, "message": {"role": "assis'
        await _send(ctx.writer, 200, body, _gen_header(ctx))
        return True

    async def _html(self, ctx: _Context) -> bool:
        status = ctx.params.get("status", 200)
        if status >= 300:
            ctx.attempt.status = status
        title = f"Bad key {ctx.key}" if ctx.params.get("echo") else "Sign in to the hotel Wi-Fi"
        page = f"<html><head><title>{title}</title></head><body>Accept the terms</body></html>"
        return await _send(
            ctx.writer, status, page.encode(), {"Content-Type": "text/html; charset=utf-8"}
        )

    async def _error_event(self, ctx: _Context) -> bool:
        """An error inside a 200: an error event mid-stream, or a choice that ended in error."""
        message = ctx.params.get("message", "the provider disconnected")
        metadata = {"provider_name": "Chaos"}
        if ctx.params.get("echo"):
            message, metadata = f"the provider saw {ctx.key}", {ctx.key: ctx.key}
        error = {"code": 502, "message": message, "metadata": metadata}
        if not ctx.stream:
            body = _completion(ctx, finish="error", error=error)
            return await _send(ctx.writer, 200, body, _gen_header(ctx))
        await _start_stream(ctx)
        events = _stream_events(ctx)[: ctx.params.get("chunks", 2)]
        for piece in events:
            await _chunk(ctx.writer, piece)
        payload = {
            "id": _answer_id(ctx),
            "object": "chat.completion.chunk",
            "error": error,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "error"}],
        }
        await _chunk(ctx.writer, b"data: " + json.dumps(payload).encode() + b"\n\n")
        await _chunk(ctx.writer, b"")
        return False

    async def _status(self, ctx: _Context) -> bool:
        """An error status (never billed), with the headers and body the plan gives."""
        status = ctx.params.get("status", 503)
        headers = dict(ctx.params.get("headers", {}))
        ctx.attempt.status = status
        message = ctx.params.get("message", "No available providers")
        metadata = None
        if ctx.params.get("echo"):
            message, metadata = f"key {ctx.key} is not allowed", {"key": ctx.key, ctx.key: 1}
        body = _error(status, message, metadata)
        return await _send(ctx.writer, status, body, headers)

    async def _redirect(self, ctx: _Context) -> bool:
        status = ctx.params.get("status", 307)
        ctx.attempt.status = status
        location = f"http://127.0.0.1:{self.other_port}/api/v1/chat/completions"
        return await _send(ctx.writer, status, b"", {"Location": location})

    def _over_ceiling(self, ctx: _Context) -> bool:
        """True (and the connection reset) once the process's traced memory passed the
        ceiling: the client kept what it should have refused."""
        if tracemalloc.is_tracing() and tracemalloc.get_traced_memory()[0] > self.memory_ceiling:
            ctx.attempt.notes.append("memory ceiling passed: the server stopped the body")
            _reset(ctx.writer)
            return True
        return False


#: Faults that answer an error status: the server never bills them.
_UNBILLED = frozenset({"status", "redirect"})

_FAULTS: dict[str, Callable[[ChaosServer, _Context], Awaitable[bool]]] = {
    "ok": ChaosServer._ok,
    "drip": ChaosServer._drip,
    "keepalive": ChaosServer._keepalive,
    "silent": ChaosServer._silent,
    "bomb": ChaosServer._bomb,
    "huge_line": ChaosServer._huge_line,
    "unterminated": ChaosServer._unterminated,
    "reset_before_headers": ChaosServer._reset_before_headers,
    "reset_mid_body": ChaosServer._reset_mid_body,
    "truncated": ChaosServer._truncated,
    "non_json": ChaosServer._non_json,
    "html": ChaosServer._html,
    "error_event": ChaosServer._error_event,
    "status": ChaosServer._status,
    "redirect": ChaosServer._redirect,
}

_REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


# -- bodies --------------------------------------------------------------------------------------
def _error(status: int, message: str, metadata: dict[str, Any] | None = None) -> bytes:
    error: dict[str, Any] = {"code": status, "message": message}
    if metadata:
        error["metadata"] = metadata
    return json.dumps({"error": error}).encode()


def _answer_id(ctx: _Context) -> str:
    return f"gen-{ctx.key}" if ctx.params.get("echo") else ctx.attempt.gen_id


def _text(ctx: _Context) -> str:
    return f"echo {ctx.key}" if ctx.params.get("echo") else "a hostile but honest answer"


def _usage(ctx: _Context) -> str:
    """The usage object as JSON text, with the cost as the plan says (``cost``: raw JSON)."""
    tokens = ctx.plan.completion_tokens
    prompt, completion = PROMPT_TOKENS, tokens
    if ctx.params.get("negative_tokens"):
        prompt, completion = -1000, -5
    cost = ctx.params.get("cost") or format(ctx.attempt.billed or cost_of(tokens), "f")
    return (
        f'{{"prompt_tokens": {prompt}, "completion_tokens": {completion}, '
        f'"total_tokens": {prompt + completion}, "cost": {cost}}}'
    )


def _completion(ctx: _Context, finish: str = "stop", error: dict[str, Any] | None = None) -> bytes:
    choice: dict[str, Any] = {
        "index": 0,
        "message": {"role": "assistant", "content": _text(ctx)},
        "finish_reason": finish,
    }
    if error is not None:
        choice["error"] = error
    body: dict[str, Any] = {
        "id": _answer_id(ctx),
        "object": "chat.completion",
        "created": 1767225600,
        "model": MODEL,
        "provider": "Chaos",
        "choices": [choice],
        "usage": "@@USAGE@@",
    }
    if ctx.params.get("echo"):
        body["echo"] = {ctx.key: ctx.key}
    return json.dumps(body).replace('"@@USAGE@@"', _usage(ctx)).encode()


def _chunk_payload(
    ctx: _Context, delta: dict[str, Any], finish: str | None = None
) -> dict[str, Any]:
    return {
        "id": _answer_id(ctx),
        "object": "chat.completion.chunk",
        "created": 1767225600,
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _stream_events(ctx: _Context) -> list[bytes]:
    """The SSE events of a whole answer: role, text pieces, finish, usage, ``[DONE]``."""
    words = _text(ctx).split(" ")
    pieces = [{"role": "assistant", "content": ""}]
    pieces += [{"content": (" " if i else "") + word} for i, word in enumerate(words)]
    events = [
        b"data: " + json.dumps(_chunk_payload(ctx, delta)).encode() + b"\n\n" for delta in pieces
    ]
    events.append(b"data: " + json.dumps(_chunk_payload(ctx, {}, "stop")).encode() + b"\n\n")
    usage = {
        "id": _answer_id(ctx),
        "object": "chat.completion.chunk",
        "created": 1767225600,
        "model": MODEL,
        "choices": [],
        "usage": "@@USAGE@@",
    }
    text = json.dumps(usage).replace('"@@USAGE@@"', _usage(ctx))
    events.append(b"data: " + text.encode() + b"\n\n")
    events.append(b"data: [DONE]\n\n")
    return events


# -- writing -------------------------------------------------------------------------------------
def _gen_header(ctx: _Context) -> dict[str, str]:
    return {"X-Generation-Id": ctx.attempt.gen_id}


async def _head(
    writer: asyncio.StreamWriter,
    status: int,
    length: int | None,
    headers: dict[str, str] | None = None,
    content_type: str = "application/json",
    keep_alive: bool = False,
) -> None:
    """The status line and headers. Unless ``keep_alive``, the connection closes after this
    answer, and says so: a pool must not send the next request on it."""
    lines = [
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Whatever')}",
        f"Content-Type: {content_type}",
    ]
    if not keep_alive:
        lines.append("Connection: close")
    if length is None:
        lines.append("Transfer-Encoding: chunked")
    else:
        lines.append(f"Content-Length: {length}")
    for name, value in (headers or {}).items():
        if name.lower() == "content-type":
            lines[1] = f"Content-Type: {value}"
        else:
            lines.append(f"{name}: {value}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    await writer.drain()


async def _send(
    writer: asyncio.StreamWriter, status: int, body: bytes, headers: dict[str, str] | None = None
) -> bool:
    """A whole answer with a Content-Length; the connection stays open for the next request."""
    await _head(writer, status, len(body), headers, keep_alive=True)
    writer.write(body)
    await writer.drain()
    return True


async def _start_chunked(
    ctx: _Context, content_type: str, headers: dict[str, str] | None = None
) -> None:
    await _head(
        ctx.writer, 200, None, {**_gen_header(ctx), **(headers or {})}, content_type=content_type
    )


async def _start_stream(ctx: _Context) -> None:
    await _start_chunked(ctx, "text/event-stream")


def _chunked(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


async def _chunk(writer: asyncio.StreamWriter, data: bytes) -> None:
    """One chunk of a chunked body (``b""`` ends the body)."""
    if writer.transport.is_closing():
        raise _Closed
    writer.write(_chunked(data))
    await writer.drain()


async def _partial_answer(ctx: _Context) -> None:
    """The head and a part of the answer (``share`` of a whole body, or ``chunks`` events)."""
    if ctx.stream:
        await _start_stream(ctx)
        for piece in _stream_events(ctx)[: ctx.params.get("chunks", 2)]:
            await _chunk(ctx.writer, piece)
        return
    body = _completion(ctx)
    await _head(ctx.writer, 200, len(body), _gen_header(ctx))
    ctx.writer.write(body[: int(len(body) * ctx.params.get("share", 0.5))])
    await ctx.writer.drain()
    await asyncio.sleep(0.01)


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with an RST, not a FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
