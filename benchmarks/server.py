"""A fast loopback server that speaks OpenRouter's wire, for benchmarks.

A raw ``asyncio.Protocol`` HTTP/1.1 server (keep-alive, Content-Length request bodies) that
answers from precomputed bytes, so it is never the bottleneck. Parsed request heads and whole
answers are cached by the request's bytes: a client repeating a request costs the server two dict
lookups and one ``write``.

- ``POST /api/v1/chat/completions`` with ``"stream": true``: ``text/event-stream``, chunked, body
  as OpenRouter sends it: a ``: OPENROUTER PROCESSING`` comment, N content chunks, a finish chunk,
  a usage chunk (``choices: []``), ``data: [DONE]``. N comes from ``?chunks=N``, the
  ``x-bench-chunks`` header, or ``--chunks`` (default 20,000); each N's body is built once.
- the same without ``stream``: one ``chat.completion`` JSON whose text has N tokens (N from
  ``?chunks=N``, ``x-bench-chunks`` or ``--completion-tokens``, default 50).
- ``GET /api/v1/models``: ~300 realistic model objects.
- any request with an ``x-bench-delay-ms: D`` header is answered D milliseconds after it arrived
  (a timer: the server keeps serving other connections meanwhile), like an API's latency.
- a streamed request with an ``x-bench-paced: G`` header gets the same body one event per
  write, G microseconds apart (at least: asyncio's timers wake in whole milliseconds), and the end
  of the chunked body in a write of its own right after ``[DONE]``, as token streams arrive: the
  client reads one event per read.
- ``--tls-cert FILE --tls-key FILE``: HTTPS instead of plain HTTP (the runner's ``--tls`` makes a
  throwaway CA and this certificate).
- ``GET /_bench/cpu``: ``{"cpu": <this process's CPU seconds>}``, so a runner can check the
  server's own cost.

Run ``python benchmarks/server.py --port 0``: the first line printed is the port.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from functools import cache
from urllib.parse import parse_qs, urlsplit

MODEL = "openai/gpt-4o-mini"
PIECE = 64 * 1024  # bytes per chunked-encoding piece
MAX_CHUNKS = 5_000_000
SUPPORTED_PARAMETERS = [
    "max_tokens",
    "temperature",
    "top_p",
    "stop",
    "frequency_penalty",
    "presence_penalty",
    "seed",
    "tools",
    "tool_choice",
    "response_format",
    "structured_outputs",
    "logit_bias",
    "logprobs",
    "top_logprobs",
]


def _head(kind: str) -> dict[str, object]:
    """The fields every chunk and completion starts with, in OpenRouter's order."""
    return {
        "id": "gen-bench",
        "object": kind,
        "created": 1_700_000_000,
        "model": MODEL,
        "provider": "OpenAI",
    }


def _dumps(obj: object) -> str:
    return json.dumps(obj, separators=(",", ":"))


def _usage(completion_tokens: int) -> dict[str, object]:
    prompt = 12
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt + completion_tokens,
        "cost": round(prompt * 0.15e-6 + completion_tokens * 0.6e-6, 9),
        "is_byok": False,
        "prompt_tokens_details": {"cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0},
    }


def _chunk(delta: dict[str, str], finish: str | None) -> dict[str, object]:
    choice = {
        "index": 0,
        "delta": delta,
        "finish_reason": finish,
        "native_finish_reason": finish,
        "logprobs": None,
    }
    return {**_head("chat.completion.chunk"), "choices": [choice]}


def sse_body(n: int) -> bytes:
    """The SSE body of a stream of ``n`` content chunks, exactly as OpenRouter frames it."""
    events = [": OPENROUTER PROCESSING\n\n"]
    for i in range(n):
        delta = {"role": "assistant", "content": f"tok{i} "} if i == 0 else {"content": f"tok{i} "}
        events.append(f"data: {_dumps(_chunk(delta, None))}\n\n")
    events.append(f"data: {_dumps(_chunk({'content': ''}, 'stop'))}\n\n")
    usage_chunk = {**_head("chat.completion.chunk"), "choices": [], "usage": _usage(n)}
    events.append(f"data: {_dumps(usage_chunk)}\n\n")
    events.append("data: [DONE]\n\n")
    return "".join(events).encode()


@cache
def stream_response(n: int) -> bytes:
    """Status line, headers and the chunk-encoded SSE body, all in one byte string."""
    body = sse_body(n)
    framed = bytearray(
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
        b"transfer-encoding: chunked\r\nconnection: keep-alive\r\n\r\n"
    )
    for start in range(0, len(body), PIECE):
        piece = body[start : start + PIECE]
        framed += b"%x\r\n%b\r\n" % (len(piece), piece)
    framed += b"0\r\n\r\n"
    return bytes(framed)


STREAM_HEAD = (
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
    b"transfer-encoding: chunked\r\nconnection: keep-alive\r\n\r\n"
)


@cache
def paced_pieces(n: int) -> tuple[bytes, ...]:
    """The writes of a paced stream of ``n`` content chunks: the head with the comment, then
    one chunk-encoded event per write, then the end of the body (``0\\r\\n\\r\\n``)."""
    events = sse_body(n).split(b"\n\n")[:-1]
    framed = [b"%x\r\n%b\r\n" % (len(e) + 2, e + b"\n\n") for e in events]
    return (STREAM_HEAD + framed[0], *framed[1:], b"0\r\n\r\n")


@cache
def completion_json(n: int) -> bytes:
    """A non-streamed chat completion whose text has ``n`` tokens."""
    message = {
        "role": "assistant",
        "content": "".join(f"tok{i} " for i in range(n)),
        "refusal": None,
        "reasoning": None,
    }
    choice = {
        "index": 0,
        "finish_reason": "stop",
        "native_finish_reason": "stop",
        "logprobs": None,
        "message": message,
    }
    return _dumps(
        {
            **_head("chat.completion"),
            "system_fingerprint": "fp_bench",
            "choices": [choice],
            "usage": _usage(n),
        }
    ).encode()


@cache
def models_json(count: int = 300) -> bytes:
    """A ``GET /models`` answer with ``count`` realistic model objects."""
    authors = ["openai", "anthropic", "google", "meta-llama", "mistralai", "qwen", "deepseek"]
    data = []
    for i in range(count):
        author = authors[i % len(authors)]
        slug = f"{author}/bench-model-{i}"
        data.append(
            {
                "id": slug,
                "canonical_slug": f"{slug}-20250101",
                "hugging_face_id": "" if author in ("openai", "anthropic") else f"{author}/m{i}",
                "name": f"{author.title()}: Bench Model {i}",
                "created": 1_700_000_000 + i * 3600,
                "description": f"Synthetic model {i} for benchmarks. " * 8,
                "context_length": 8192 * (1 + i % 16),
                "architecture": {
                    "modality": "text+image->text",
                    "input_modalities": ["text", "image"],
                    "output_modalities": ["text"],
                    "tokenizer": "GPT",
                    "instruct_type": None,
                },
                "pricing": {
                    "prompt": f"{0.00000015 * (1 + i % 9):.8f}",
                    "completion": f"{0.0000006 * (1 + i % 9):.8f}",
                    "request": "0",
                    "image": "0.000217",
                    "web_search": "0",
                    "internal_reasoning": "0",
                    "input_cache_read": "0.000000075",
                },
                "top_provider": {
                    "context_length": 8192 * (1 + i % 16),
                    "max_completion_tokens": 16384,
                    "is_moderated": author == "openai",
                },
                "per_request_limits": None,
                "supported_parameters": SUPPORTED_PARAMETERS,
                "default_parameters": {"temperature": None, "top_p": None},
                "expiration_date": None,
            }
        )
    return _dumps({"data": data}).encode()


@cache
def ok_json(kind: str, n: int = 0) -> bytes:
    """A whole ``200 OK`` answer (head and body) for a completion of ``n`` tokens or the models."""
    return _plain("200 OK", completion_json(n) if kind == "completion" else models_json())


def _plain(status: str, body: bytes, content_type: str = "application/json") -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {len(body)}\r\n"
        "connection: keep-alive\r\n\r\n"
    )
    return head.encode() + body


#: Parsed request heads and whole answers by request (head and body): a client sends the same
#: bytes request after request, so the server mostly answers with two dict lookups.
HEADS: dict[bytes, tuple[str, str, dict[str, str], int, bool]] = {}
ANSWERS: dict[tuple[bytes, bytes], bytes] = {}
CACHE_LIMIT = 4096


def parse_head(head: bytes) -> tuple[str, str, dict[str, str], int, bool]:
    """Method, target, headers (lower-case names), body size and whether to close afterwards."""
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    method, target, _ = lines[0].split(" ", 2)
    size = int(headers.get("content-length", "0"))
    return method, target, headers, size, headers.get("connection", "").lower() == "close"


class BenchProtocol(asyncio.Protocol):
    """One connection: parse requests as they arrive, answer each from precomputed bytes."""

    default_chunks = 20_000
    default_completion_tokens = 50

    def __init__(self) -> None:
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer = self.buffer + data if self.buffer else data
        while self.transport is not None:
            buffer = self.buffer
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = buffer[:end]
            parsed = HEADS.get(head)
            if parsed is None:
                parsed = parse_head(head)
                if len(HEADS) >= CACHE_LIMIT:
                    HEADS.clear()
                HEADS[head] = parsed
            method, target, headers, size, close = parsed
            if len(buffer) < end + 4 + size:
                return
            body = buffer[end + 4 : end + 4 + size]
            self.buffer = buffer[end + 4 + size :]
            paced = headers.get("x-bench-paced")
            if paced and method == "POST" and b'"stream":true' in body.replace(b" ", b""):
                wanted = headers.get("x-bench-chunks", "")
                n = min(int(wanted), MAX_CHUNKS) if wanted.isdigit() else self.default_chunks
                asyncio.get_running_loop().create_task(
                    self.pace(self.transport, paced_pieces(n), int(paced) / 1e6)
                )
                continue
            key = (head, body)
            answer = ANSWERS.get(key)
            if answer is None:
                answer, cacheable = self.answer(method, target, headers, body)
                if cacheable:
                    if len(ANSWERS) >= CACHE_LIMIT:
                        ANSWERS.clear()
                    ANSWERS[key] = answer
            delay = headers.get("x-bench-delay-ms")
            if delay:  # answer later, like a real API; the timer costs the server nothing
                asyncio.get_running_loop().call_later(
                    int(delay) / 1000, self.send, self.transport, answer, close
                )
                if close:
                    self.transport = None
                continue
            self.send(self.transport, answer, close)
            if close:
                self.transport = None

    @staticmethod
    async def pace(transport: asyncio.Transport, pieces: tuple[bytes, ...], gap: float) -> None:
        """Write ``pieces`` one by one, ``gap`` seconds apart (the last one at once)."""
        last = len(pieces) - 1
        for i, piece in enumerate(pieces):
            if transport.is_closing():
                return
            transport.write(piece)
            if 0 < i + 1 < last:
                await asyncio.sleep(gap)

    @staticmethod
    def send(transport: asyncio.Transport, answer: bytes, close: bool) -> None:
        if not transport.is_closing():
            transport.write(answer)
            if close:
                transport.close()

    def answer(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[bytes, bool]:
        """The whole answer to one request, and whether the same request always gets it."""
        if method == "GET" and target == "/_bench/cpu":
            return _plain("200 OK", _dumps({"cpu": time.process_time()}).encode()), False
        return self.fixed_answer(method, target, headers, body), True

    def fixed_answer(self, method: str, target: str, headers: dict[str, str], body: bytes) -> bytes:
        url = urlsplit(target)
        if method == "POST" and url.path == "/api/v1/chat/completions":
            query = parse_qs(url.query)
            wanted = query.get("chunks", [headers.get("x-bench-chunks", "")])[0]
            try:
                stream = json.loads(body).get("stream") is True
            except (ValueError, AttributeError):
                return _plain("400 Bad Request", b'{"error":{"code":400,"message":"bad JSON"}}')
            if wanted.isdigit():
                n = min(int(wanted), MAX_CHUNKS)
            else:
                n = self.default_chunks if stream else self.default_completion_tokens
            return stream_response(n) if stream else ok_json("completion", n)
        if method == "GET" and url.path == "/api/v1/models":
            return ok_json("models")
        return _plain("404 Not Found", b'{"error":{"code":404,"message":"Not Found"}}')

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


async def serve(
    host: str,
    port: int,
    chunks: int,
    exit_on_eof: bool,
    completion_tokens: int = 50,
    tls: tuple[str, str] | None = None,
) -> None:
    BenchProtocol.default_chunks = chunks
    BenchProtocol.default_completion_tokens = completion_tokens
    stream_response(chunks)  # build the default bodies before the first request
    ok_json("completion", completion_tokens)
    ok_json("models")
    loop = asyncio.get_running_loop()
    context = None
    if tls is not None:
        import ssl

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
    server = await loop.create_server(BenchProtocol, host, port, backlog=1024, ssl=context)
    print(server.sockets[0].getsockname()[1], flush=True)
    stop = loop.create_future()
    if exit_on_eof:  # the runner holds our stdin: when it goes away, so do we

        def on_stdin() -> None:
            if not os.read(sys.stdin.fileno(), 4096) and not stop.done():
                stop.set_result(None)

        loop.add_reader(sys.stdin.fileno(), on_stdin)
    async with server:
        await stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed)")
    parser.add_argument("--chunks", type=int, default=20_000, help="N when a request names none")
    parser.add_argument(
        "--completion-tokens",
        type=int,
        default=50,
        help="tokens in a non-streamed answer when a request names none",
    )
    parser.add_argument("--exit-on-stdin-eof", action="store_true", help="for runners")
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate chain (PEM)")
    parser.add_argument("--tls-key", help="the certificate's private key (PEM)")
    args = parser.parse_args()
    tls = (args.tls_cert, args.tls_key) if args.tls_cert else None
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            serve(
                args.host,
                args.port,
                args.chunks,
                args.exit_on_stdin_eof,
                args.completion_tokens,
                tls,
            )
        )


if __name__ == "__main__":
    main()
