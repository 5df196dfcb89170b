"""A loopback emulator of the OpenRouter API, for tests and demos.

``Emulator`` runs a small HTTP/1.1 server on a local port (standard library only) that answers the
routes the SDK uses the way the real API does, in the shapes of OpenRouter's OpenAPI document: chat
completions (plain and SSE streamed), the model list, model endpoints, generation lookup, key info
and credits. Answers are deterministic, token
counts come from a simple tokenizer, and costs come from the emulator's own model table, so tests
can check the SDK's arithmetic exactly. Any answer can be overridden with :meth:`Emulator.script`
or :meth:`Emulator.error` (status, headers, JSON or raw bodies such as an HTML 502 page), or broken
on the wire with a transport fault (``script(fault=...)``: connection resets, truncated bodies,
invalid JSON, slow trickles). For load tests, :meth:`Emulator.inject_failures` fails a seeded
random share of the requests, and :attr:`Emulator.open_connections` counts the open connections.

Example::

    with Emulator() as emu:
        client = Client(api_key=emu.api_key, base_url=emu.base_url)
        emu.error(429, "Rate limit exceeded", headers={"Retry-After": "1"})
        ...

The emulator never logs or echoes the ``Authorization`` header value.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import hashlib
import io
import json
import random
import re
import secrets
import socket
import string
import struct
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, Self, cast
from urllib.parse import parse_qsl, unquote, urlsplit

from openrouter_kit._version import __version__
from openrouter_kit.testing._examples import SchemaError, example
from openrouter_kit.testing._ledger import Ledger, RecordedRequest
from openrouter_kit.testing._models import (
    API_PREFIX,
    CACHING_PROVIDERS,
    ModelTable,
    is_router,
    price_of,
    providers_of,
)

__all__ = ["Emulator", "Fault", "serve"]

#: The transport faults :meth:`Emulator.script` and :meth:`Emulator.inject_failures` can inject.
Fault = Literal["reset_before_headers", "reset_mid_body", "truncate", "malformed_json", "trickle"]

_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
_WEATHER_RE = re.compile(r"\bweather\b", re.IGNORECASE)
_PIECE_RE = re.compile(r"\s*(?:\w+|[^\w\s])")
_ENDPOINTS_RE = re.compile(r"^/models/([^/]+)/([^/]+)/endpoints$")
_MODELS_PAGE_MAX = 1000
_ROLES = frozenset({"system", "developer", "user", "assistant", "tool"})
_ALNUM = string.ascii_letters + string.digits
_NO_PROVIDERS = "No allowed providers are available for the selected model."
_HOP_BY_HOP = frozenset({"content-length", "transfer-encoding", "connection"})
_PHRASES = {520: "Unknown Error", 524: "A Timeout Occurred", 529: "Site Overloaded"}
_WRITE_ERRORS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)
_KEEPALIVE = b": OPENROUTER PROCESSING\n\n"
_MALFORMED = b'data: {"id": "gen-x", "choices": [\n\n'
_FAULTS: frozenset[str] = frozenset(
    {"reset_before_headers", "reset_mid_body", "truncate", "malformed_json", "trickle"}
)
_BROKEN_JSON = b'{"id": "gen-broken", "choices": ['
_TRICKLE_BYTES = 16
_FAILURE_MESSAGES = {
    408: "Request Timeout",
    429: "Rate limit exceeded",
    500: "Internal Server Error",
    502: "Provider returned error",
    503: "No instances available",
    504: "Gateway Timeout",
    524: "A Timeout Occurred",
    529: "Provider overloaded",
}
_DEFAULT_STREAM_ERROR: dict[str, Any] = {
    "code": 502,
    "message": "Provider disconnected",
    "metadata": {"error_type": "provider_unavailable"},
}

# ---------------------------------------------------------------------------------------------
# Tokens, text and money
# ---------------------------------------------------------------------------------------------


def _count_tokens(text: str) -> int:
    return len(_TOKEN_RE.findall(text))


def _pieces(text: str) -> list[str]:
    """Split text into one piece per token, keeping whitespace, so ``"".join`` gives it back."""
    pieces = _PIECE_RE.findall(text)
    rest = text[sum(len(p) for p in pieces) :]
    if rest:
        if pieces:
            pieces[-1] += rest
        else:
            pieces = [rest]
    return pieces


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [
            part["text"]
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        ]
        return " ".join(texts)
    return ""


def _message_text(message: Mapping[str, Any]) -> str:
    text = _content_text(message.get("content"))
    calls = message.get("tool_calls")
    if isinstance(calls, list):
        for call in calls:
            function = call.get("function") if isinstance(call, dict) else None
            if isinstance(function, dict):
                text += f" {function.get('name') or ''} {function.get('arguments') or ''}"
    return text


def _last_user_text(messages: list[dict[str, Any]]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user":
            return _content_text(message.get("content")).strip()
    return ""


def _tool_results(messages: list[dict[str, Any]]) -> list[str] | None:
    """The contents of the trailing ``tool`` messages, or None when the last message is not one."""
    results: list[str] = []
    for message in reversed(messages):
        if message.get("role") != "tool":
            break
        content = message.get("content")
        if isinstance(content, str | list) or content is None:
            results.append(_content_text(content))
        else:
            results.append(json.dumps(content, separators=(",", ":"), ensure_ascii=False))
    if not results:
        return None
    results.reverse()
    return results


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _response_format(body: Mapping[str, Any]) -> tuple[str, str | None] | None:
    """Check ``response_format``: ``("json_schema", document)``, ``("json_object", None)`` or None.

    The document of a ``json_schema`` format is generated (compact JSON) by :func:`example`.
    """
    spec = body.get("response_format")
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise _ApiError(400, "response_format must be an object")
    kind = spec.get("type")
    if kind == "text":
        return None
    if kind == "json_object":
        return "json_object", None
    if kind != "json_schema":
        raise _ApiError(
            400, "response_format.type must be one of 'text', 'json_object', 'json_schema'"
        )
    described = spec.get("json_schema")
    if not isinstance(described, dict) or not isinstance(described.get("schema"), dict | bool):
        raise _ApiError(400, "response_format.json_schema must be an object with a 'schema'")
    try:
        document = example(described["schema"])
    except SchemaError as exc:
        raise _ApiError(400, str(exc)) from None
    return "json_schema", _compact(document)


def _wants_reasoning(body: Mapping[str, Any]) -> bool:
    """Whether the request asks for returned reasoning (``reasoning`` or ``include_reasoning``)."""
    config = body.get("reasoning")
    if isinstance(config, dict):
        return not (
            config.get("exclude") is True
            or config.get("enabled") is False
            or config.get("effort") == "none"
        )
    return body.get("include_reasoning") is True


def _reasoning_details(text: str) -> list[dict[str, Any]]:
    return [{"type": "reasoning.text", "text": text, "format": "unknown", "index": 0}]


def _groups(pieces: list[str], count: int) -> list[list[str]]:
    """Split ``pieces`` into ``count`` (or fewer, if too few pieces) contiguous non-empty groups."""
    count = max(1, min(count, len(pieces)))
    size, extra = divmod(len(pieces), count)
    groups: list[list[str]] = []
    start = 0
    for number in range(count):
        end = start + size + (1 if number < extra else 0)
        groups.append(pieces[start:end])
        start = end
    return groups


def _random_id(prefix: str, length: int = 20) -> str:
    return f"{prefix}-{int(time.time())}-{''.join(secrets.choice(_ALNUM) for _ in range(length))}"


def _mask_key(token: str) -> str:
    if len(token) < 20:
        return "***"
    return f"{token[:12]}...{token[-3:]}"


def _scrub(value: Any, secret: str | None) -> Any:
    if not secret or len(secret) < 8:
        return value
    if isinstance(value, str):
        return value.replace(secret, "***")
    if isinstance(value, list):
        return [_scrub(v, secret) for v in value]
    if isinstance(value, dict):
        return {_scrub(k, secret): _scrub(v, secret) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------------------------
# Internals: scripts, plans, errors
# ---------------------------------------------------------------------------------------------


@dataclass
class _Script:
    status: int
    body: bytes
    content_type: str | None
    headers: dict[str, str]
    path: str | None
    remaining: int
    delay: float
    fault: Fault | None = None
    trickle_delay: float = 0.01
    #: whether the fault applies to ``body`` (else to the emulator's normal answer)
    scripted_body: bool = True


@dataclass
class _Injection:
    rate: float
    options: list[int | Fault]
    rng: random.Random
    path: str | None
    trickle_delay: float


class _ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        metadata: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.metadata = metadata
        self.headers = headers or {}


@dataclass
class _StreamScript:
    chunks: int | None
    delay: float
    keepalive_every: int | None
    error_after: int | None
    error: dict[str, Any]
    cut_after: int | None
    malformed_after: int | None
    usage_style: str
    done: bool
    remaining: int


@dataclass
class _Step:
    """One delta of a streamed answer and the completion tokens it delivers."""

    delta: dict[str, Any]
    kind: Literal["open", "reasoning", "answer"]
    tokens: int = 0


@dataclass
class _Plan:
    gen_id: str
    created: int
    model: str
    entry: dict[str, Any]
    provider: str
    router: str | None
    content: str | None
    pieces: list[str]
    reasoning: str | None
    reasoning_pieces: list[str]
    tool_calls: list[dict[str, Any]]
    finish_reason: str | None
    prompt_tokens: int
    completion_tokens: int
    reasoning_tokens: int
    free: bool
    prompt_price: Decimal
    completion_price: Decimal
    request_fee: Decimal

    @property
    def cost(self) -> Decimal:
        """The exact price of the prompt plus the completion tokens (reasoning included)."""
        if self.free:
            return Decimal(0)
        cost = (
            self.prompt_price * self.prompt_tokens + self.completion_price * self.completion_tokens
        )
        if self.request_fee > 0:
            cost += self.request_fee
        return cost

    def message(self) -> dict[str, Any]:
        """The non-streamed ``choices[0].message``."""
        message: dict[str, Any] = {
            "role": "assistant",
            "content": self.content,
            "refusal": None,
            "reasoning": self.reasoning,
        }
        if self.reasoning is not None:
            message["reasoning_details"] = _reasoning_details(self.reasoning)
        if self.tool_calls:
            message["tool_calls"] = copy.deepcopy(self.tool_calls)
        return message

    def steps(self) -> list[_Step]:
        """The streamed deltas; concatenated, they give exactly :meth:`message`."""
        opener: dict[str, Any] = {"role": "assistant", "content": None if self.tool_calls else ""}
        steps = [_Step(opener, "open")]
        for piece in self.reasoning_pieces:
            delta = {"reasoning": piece, "reasoning_details": _reasoning_details(piece)}
            steps.append(_Step(delta, "reasoning", 1))
        if not self.tool_calls:
            steps.extend(_Step({"content": piece}, "answer", 1) for piece in self.pieces)
            return steps
        # every call's header first, then the argument fragments of the calls interleaved
        fragments: list[list[list[str]]] = []
        for index, call in enumerate(self.tool_calls):
            function = call["function"]
            header = {
                "index": index,
                "id": call["id"],
                "type": "function",
                "function": {"name": function["name"], "arguments": ""},
            }
            tokens = _count_tokens(function["name"])
            steps.append(_Step({"tool_calls": [header]}, "answer", tokens))
            fragments.append(_groups(_pieces(function["arguments"]), 3))
        for round_ in range(max(len(groups) for groups in fragments)):
            for index, groups in enumerate(fragments):
                if round_ < len(groups):
                    arguments = {"arguments": "".join(groups[round_])}
                    delta = {"tool_calls": [{"index": index, "function": arguments}]}
                    steps.append(_Step(delta, "answer", len(groups[round_])))
        return steps

    def usage(self) -> dict[str, Any]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
            "cost": float(self.cost),
            "is_byok": False,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "cost_details": {
                "upstream_inference_cost": None,
                "upstream_inference_prompt_cost": 0,
                "upstream_inference_completions_cost": 0,
            },
            "completion_tokens_details": {
                "reasoning_tokens": self.reasoning_tokens,
                "image_tokens": 0,
            },
        }

    def head(self, obj: str) -> dict[str, Any]:
        head = {
            "id": self.gen_id,
            "provider": self.provider,
            "model": self.model,
            "object": obj,
            "created": self.created,
        }
        if obj == "chat.completion":  # a chunk's system_fingerprint is a string when present
            head["system_fingerprint"] = None
        return head


def _error_body(
    status: int, message: str, metadata: dict[str, Any] | None = None, code: int | str | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": status if code is None else code, "message": message}
    if metadata is not None:
        error["metadata"] = metadata
    return {"error": error}


def _normalize_path(path: str) -> str:
    path = path.split("?", 1)[0]
    if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
        path = path[len(API_PREFIX) :]
    if not path.startswith("/"):
        path = "/" + path
    return path


# ---------------------------------------------------------------------------------------------
# HTTP server
# ---------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 512  # the listen() backlog: hundreds of clients may connect at once
    emulator: Emulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            return  # the client went away or the server is stopping
        traceback.print_exc()


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = f"openrouter-kit-emulator/{__version__}"
    sys_version = ""
    timeout = 300.0
    #: while a faulted answer is being produced: the billing it would do, run only once the
    #: answer has been delivered whole (``None``: bill at once)
    _pending: list[Callable[[], None]] | None = None

    # -- plumbing -----------------------------------------------------------------------------

    @property
    def _emu(self) -> Emulator:
        return cast(_Server, self.server).emulator

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._emu._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self._emu._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default per-request logging on stderr."""

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer protocol-level errors (bad request line, unknown method) with a JSON body."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self._send_json(code, _error_body(code, message or self._phrase(code)))

    @staticmethod
    def _phrase(status: int) -> str:
        try:
            return HTTPStatus(status).phrase
        except ValueError:
            return _PHRASES.get(status, "Error")

    def _head_bytes(self, status: int, headers: list[tuple[str, str]]) -> bytes:
        lines = [f"HTTP/1.1 {status} {self._phrase(status)}"]
        lines.append(f"Server: {self.server_version}")
        lines.append(f"Date: {self.date_time_string()}")
        lines.extend(f"{name}: {value}" for name, value in headers)
        lines.append("Connection: close" if self.close_connection else "Connection: keep-alive")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _base_headers(self, extra: Mapping[str, str] | None) -> list[tuple[str, str]]:
        headers = [("x-request-id", _random_id("req"))]
        for name, value in (extra or {}).items():
            if name.lower() in _HOP_BY_HOP:
                continue
            headers = [(n, v) for n, v in headers if n.lower() != name.lower()]
            headers.append((name, value))
        return headers

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str | None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if self.request_version == "HTTP/1.0":
            self.close_connection = True
        merged: list[tuple[str, str]] = []
        if content_type is not None:
            merged.append(("Content-Type", content_type))
        names = {n.lower() for n in (headers or {})}
        merged = [(n, v) for n, v in merged if n.lower() not in names]
        merged += self._base_headers(headers)
        merged.append(("Content-Length", str(len(body))))
        payload = self._head_bytes(status, merged)
        if self.command != "HEAD":
            payload += body
        self.wfile.write(payload)
        self.wfile.flush()

    def _send_json(self, status: int, obj: Any, headers: Mapping[str, str] | None = None) -> None:
        body = json.dumps(obj, separators=(",", ":")).encode()
        self._send(status, body, "application/json", headers)

    def _send_api_error(self, err: _ApiError) -> None:
        self._send_json(err.status, _error_body(err.status, err.message, err.metadata), err.headers)

    def _serve(self, plan: _Plan, body: dict[str, Any], headers: dict[str, str], **kw: Any) -> None:
        """Record a served generation now, or once a faulted answer is delivered whole."""
        call = functools.partial(self._emu._served, plan, body, headers, **kw)
        if self._pending is None:
            call()
        else:
            self._pending.append(call)

    # -- faults -------------------------------------------------------------------------------

    def _abort(self) -> None:
        """Drop the connection abruptly: RST when the platform allows it, else FIN."""
        self.close_connection = True
        conn = self.connection
        try:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        # the buffered reader holds a reference to the socket: close it first, so that closing
        # the socket really closes the descriptor (and sends the RST) now
        with contextlib.suppress(OSError):
            self.rfile.close()
        conn.close()

    def _faulted(
        self,
        kind: Fault,
        trickle_delay: float,
        produce: Callable[[], None],
        malformed: tuple[int, str | None, Mapping[str, str]],
    ) -> None:
        """Answer with ``kind`` applied to what ``produce`` writes (captured, then faulted).

        ``malformed`` is the status, content type and headers of a ``malformed_json`` answer.
        Billing done while producing is kept back and only happens when a ``trickle`` answer
        has been written whole; the other faults never deliver a complete answer.
        """
        if kind == "reset_before_headers":
            self._abort()
            return
        if kind == "malformed_json":
            status, content_type, extra = malformed
            self._send(status, _BROKEN_JSON, content_type or "application/json", extra)
            return
        real, capture = self.wfile, io.BytesIO()
        pending: list[Callable[[], None]] = []
        self.wfile, self._pending = capture, pending
        try:
            produce()
            data = capture.getvalue()
        finally:
            self.wfile = real
            self._pending = None
        if kind == "trickle":
            for start in range(0, len(data), _TRICKLE_BYTES):
                if start and trickle_delay > 0:
                    self._emu._stopping.wait(trickle_delay)  # stop() need not wait for it
                real.write(data[start : start + _TRICKLE_BYTES])
                real.flush()
            for call in pending:
                call()
            return
        end = data.find(b"\r\n\r\n")
        head_length = len(data) if end < 0 else end + 4
        cut = head_length + (len(data) - head_length) // 2
        self.close_connection = True
        real.write(data[:cut])
        real.flush()
        if kind == "truncate":
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_WR)  # a clean FIN, mid-body
        else:
            self._abort()

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            parts: list[bytes] = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        return self.rfile.read(length) if length else b""

    # -- dispatch -----------------------------------------------------------------------------

    def _dispatch(self) -> None:
        emu = self._emu
        started = time.monotonic()
        try:
            raw = self._read_body()
        except ValueError:
            self.send_error(400, "Invalid request body framing")
            return
        split = urlsplit(self.path)
        full_path = unquote(split.path)
        in_api = full_path == API_PREFIX or full_path.startswith(API_PREFIX + "/")
        rel = _normalize_path(full_path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        token = _bearer_token(headers.get("authorization"))
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = None
        emu._record(self.command, rel, query, headers, body, token)

        def route() -> None:
            self._route(rel, in_api, query, headers, raw, body, token, started)

        try:
            script = emu._take_script(rel)
            if script is not None:
                if script.delay > 0:
                    time.sleep(script.delay)
                if script.fault is None:
                    self._send(script.status, script.body, script.content_type, script.headers)
                    return
                scripted = functools.partial(
                    self._send, script.status, script.body, script.content_type, script.headers
                )
                produce = scripted if script.scripted_body else route
                malformed = (script.status, script.content_type, script.headers)
                self._faulted(script.fault, script.trickle_delay, produce, malformed)
                return
            injected, trickle_delay = emu._roll_failure(rel)
            if injected is None:
                route()
            elif isinstance(injected, int):
                message = _FAILURE_MESSAGES.get(injected) or self._phrase(injected)
                self._send_json(injected, _error_body(injected, message))
            else:
                self._faulted(injected, trickle_delay, route, (200, None, {}))
        except _WRITE_ERRORS:
            emu._count_disconnect()
            self.close_connection = True
        except OSError:
            self.close_connection = True
        except Exception:
            traceback.print_exc()
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._send_json(500, _error_body(500, "Internal Server Error"))

    def _route(
        self,
        rel: str,
        in_api: bool,
        query: dict[str, str],
        headers: dict[str, str],
        raw: bytes,
        body: Any,
        token: str | None,
        started: float,
    ) -> None:
        emu = self._emu
        match = _ENDPOINTS_RE.match(rel)
        allowed: tuple[str, ...]
        if not in_api:
            allowed = ()
        elif rel == "/chat/completions":
            allowed = ("POST",)
        elif rel in ("/models", "/generation", "/key", "/auth/key", "/credits") or match:
            allowed = ("GET",)
        else:
            allowed = ()
        try:
            if not allowed:
                raise _ApiError(404, "Not Found")
            if self.command not in allowed:
                raise _ApiError(405, "Method Not Allowed", headers={"Allow": ", ".join(allowed)})
            if rel == "/models":  # public, as on OpenRouter: no key needed
                self._send_json(200, emu._list_models(query))
            elif match:  # public too; latency and throughput need a key
                model_id = f"{match.group(1)}/{match.group(2)}"
                stats = token is not None
                self._send_json(200, {"data": emu._endpoints(model_id, stats=stats)})
            elif token is None:
                raise _ApiError(401, "No auth credentials found")
            elif rel == "/chat/completions":
                if not raw.strip() or not isinstance(body, dict):
                    raise _ApiError(400, "Invalid request: the body must be a JSON object")
                self._chat(body, headers, started)
            elif rel == "/generation":
                self._send_json(200, {"data": emu._generation(query.get("id"))})
            elif rel in ("/key", "/auth/key"):
                self._send_json(200, {"data": emu._key_info(token)})
            else:
                total = emu.ledger.cost_decimal
                self._send_json(
                    200, {"data": {"total_credits": 100.0, "total_usage": float(total)}}
                )
        except _ApiError as err:
            self._send_api_error(err)

    # -- chat completions ---------------------------------------------------------------------

    def _chat(self, body: dict[str, Any], headers: dict[str, str], started: float) -> None:
        emu = self._emu
        plan = emu._plan(body)
        scripted = emu._take_tool_script()  # only once the request is known to be answered
        if scripted is not None:
            plan = emu._plan(body, scripted=scripted)
        stream = body.get("stream", False)
        if stream:
            options = emu._take_stream_script()
            if options is not None and options.chunks is not None:
                plan = emu._plan(body, chunks=options.chunks, scripted=scripted)
            self._stream(plan, body, headers, started, options)
            return
        if emu._latency > 0:
            time.sleep(emu._latency)
        response = {
            **plan.head("chat.completion"),
            "choices": [
                {
                    "logprobs": None,
                    "finish_reason": plan.finish_reason,
                    "native_finish_reason": plan.finish_reason,
                    "index": 0,
                    "message": plan.message(),
                }
            ],
            "usage": plan.usage(),
        }
        elapsed = time.monotonic() - started
        self._serve(plan, body, headers, streamed=False, cancelled=False, elapsed=elapsed)
        self._send_json(200, response, {"X-Generation-Id": plan.gen_id})

    def _stream(
        self,
        plan: _Plan,
        body: dict[str, Any],
        headers: dict[str, str],
        started: float,
        options: _StreamScript | None,
    ) -> None:
        emu = self._emu
        chunked = self.request_version != "HTTP/1.0"
        if not chunked:
            self.close_connection = True
        head = [
            ("Content-Type", "text/event-stream"),
            ("Cache-Control", "no-cache"),
            *self._base_headers({"X-Generation-Id": plan.gen_id}),
        ]
        if chunked:
            head.append(("Transfer-Encoding", "chunked"))
        self.wfile.write(self._head_bytes(200, head))
        self.wfile.flush()

        def send(data: bytes) -> None:
            frame = b"%x\r\n%s\r\n" % (len(data), data) if chunked else data
            self.wfile.write(frame)
            self.wfile.flush()

        def end_body() -> None:
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()

        def event(choices: list[dict[str, Any]], **extra: Any) -> bytes:
            obj = {**plan.head("chat.completion.chunk"), **extra, "choices": choices}
            return b"data: " + json.dumps(obj, separators=(",", ":")).encode() + b"\n\n"

        def choice(delta: dict[str, Any], finish: str | None = None) -> list[dict[str, Any]]:
            return [
                {
                    "index": 0,
                    "delta": delta,
                    "finish_reason": finish,
                    "native_finish_reason": finish,
                    "logprobs": None,
                }
            ]

        steps = plan.steps()
        answers = sum(1 for step in steps if step.kind == "answer")

        def position(after: int | None) -> int | None:
            return None if after is None else min(after, answers)

        opts = options
        delay = emu._chunk_delay if opts is None else opts.delay
        keepalive = None if opts is None else opts.keepalive_every
        error_at = None if opts is None else position(opts.error_after)
        cut_at = None if opts is None else position(opts.cut_after)
        malformed_at = None if opts is None else position(opts.malformed_after)
        sent = 0
        delivered = 0
        delivered_reasoning = 0
        billed = False

        def data(payload: bytes) -> None:
            nonlocal sent
            if sent and delay > 0:
                time.sleep(delay)
            sent += 1
            if keepalive is not None and sent % keepalive == 0:
                send(_KEEPALIVE)
            send(payload)

        def bill(finish: str | None, *, cancelled: bool) -> None:
            nonlocal billed
            partial = dataclasses.replace(
                plan,
                completion_tokens=delivered,
                reasoning_tokens=delivered_reasoning,
                finish_reason=finish,
            )
            elapsed = time.monotonic() - started
            self._serve(
                partial,
                body,
                headers,
                streamed=True,
                cancelled=cancelled,
                elapsed=elapsed,
                charge=True,
            )
            billed = True

        def interrupt(answered: int) -> bool:
            """Send what the script puts after ``answered`` answer deltas; True ends the stream."""
            if malformed_at == answered:
                data(_MALFORMED)
            if error_at == answered and opts is not None:
                bill("error", cancelled=False)
                error_choices = [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}]
                data(event(error_choices, error=copy.deepcopy(opts.error)))
                end_body()
                return True
            if cut_at == answered:
                bill(None, cancelled=True)
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                self.connection.close()
                return True
            return False

        try:
            send(_KEEPALIVE)
            if emu._latency > 0:
                time.sleep(emu._latency)
            answered = 0
            for step in steps:
                if step.kind == "answer":
                    if interrupt(answered):
                        return
                    answered += 1
                data(event(choice(step.delta)))
                delivered += step.tokens
                if step.kind == "reasoning":
                    delivered_reasoning += step.tokens
            if interrupt(answered):
                return
            final_delta: dict[str, Any] = {} if plan.tool_calls else {"content": ""}
            data(event(choice(final_delta, plan.finish_reason)))
            elapsed = time.monotonic() - started
            self._serve(plan, body, headers, streamed=True, cancelled=False, elapsed=elapsed)
            billed = True
            usage_choices: list[dict[str, Any]] = []
            if opts is not None and opts.usage_style == "empty_delta":
                usage_choices = [{"index": 0, "delta": {}, "finish_reason": None}]
            data(event(usage_choices, usage=plan.usage()))
            if opts is None or opts.done:
                data(b"data: [DONE]\n\n")
            end_body()
        except _WRITE_ERRORS:
            emu._count_disconnect()
            self.close_connection = True
            if not billed:
                elapsed = time.monotonic() - started
                self._serve(plan, body, headers, streamed=True, cancelled=True, elapsed=elapsed)


def _query_int(query: Mapping[str, str], name: str, low: int, high: int | None) -> int | None:
    """An integer query parameter within ``[low, high]``, None when absent; else a 400."""
    text = query.get(name)
    if text is None or text == "":
        return None
    try:
        value = int(text)
    except ValueError:
        raise _ApiError(400, f"{name} must be an integer, got {text[:40]!r}") from None
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise _ApiError(400, f"{name} must be {bounds}, got {value}")
    return value


def _bearer_token(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


# ---------------------------------------------------------------------------------------------
# The emulator
# ---------------------------------------------------------------------------------------------


class Emulator:
    """A loopback emulator of the OpenRouter API, run in a background thread.

    Args:
        host: Interface to bind; loopback by default.
        port: TCP port; ``0`` picks a free one (read it back from :attr:`base_url`).
        models: A model table replacing the built-in one (:func:`default_models`). Entries may be
            partial: ``id`` is required, every other documented field gets a default.
        latency: Seconds to wait before answering each chat completion (streams send the
            ``: OPENROUTER PROCESSING`` comment first, then wait).
        chunk_delay: Seconds to wait between SSE events of a streamed answer.

    Every request needs an ``Authorization: Bearer <token>`` header, except ``GET /models`` and
    ``GET /models/{author}/{slug}/endpoints``, which OpenRouter serves without a key (the endpoints'
    latency and throughput are then null); any non-empty token is accepted (:attr:`api_key` is a
    convenient one). Use it as a context manager, or call :meth:`start` and :meth:`stop`.

    Its answers follow OpenRouter's OpenAPI document (the test suite validates each route's
    answers against it): ``/models`` has ``total_count`` and ``links`` and pages with
    ``offset``/``limit``; a model id may carry any documented ``:variant`` (``RouteVariant``,
    ``:batch`` included; ``:free`` costs nothing); a router such as ``openrouter/auto`` lists no
    endpoints of its own. The answers are echoes and placeholder values, not a model's words.

    The server runs one daemon thread per connection and accepts hundreds of concurrent
    (keep-alive) connections; :attr:`open_connections` and :attr:`connections_total` count them,
    :meth:`inject_failures` makes a reproducible share of the requests fail, and
    :meth:`take_down` makes one model fail (a ``models`` fallback list then answers from the next).

    Chat completion answers are deterministic; streamed and plain answers to the same request
    agree exactly (content, tool calls, usage, cost). In order of precedence:

    * :meth:`script_tool_calls` queues tool calls the next completions answer with.
    * A request whose *last* message is a ``tool`` message (tool results sent back) is answered
      with text, never tool calls, even with ``tool_choice: "required"`` or a named function:
      the model uses the results. The text is ``"Based on the tool results: "`` followed by the
      contents of the trailing ``tool`` messages, joined by ``"; "``.
    * With ``tools``, ``tool_choice: "required"`` calls every function tool (only the first
      with ``parallel_tool_calls: false``), a named ``tool_choice`` calls that function, and
      ``tool_choice: "auto"`` (the default when ``tool_choice`` is left out) calls the first
      tool whose name contains "weather" when the last message is a ``user`` message containing
      the word "weather" (any case); otherwise ``"auto"`` answers with text. A call's arguments
      put the last user text under the function's first parameter (``query`` when it has none).
    * Otherwise the text is ``"Hello from <model>! You said: <last user text>"``.

    ``response_format`` shapes a text answer (not tool calls): ``{"type": "json_object"}`` makes
    the content ``{"answer":"<the text above>"}``; ``{"type": "json_schema", "json_schema":
    {"name": ..., "schema": {...}}}`` makes it a small document generated from the schema that
    validates against it: every property, strings named after their property, integers 1,
    numbers 1.5, booleans true, arrays of 2 items, all within the schema's bounds (the exact
    rules: ``openrouter_kit/testing/_examples.py``). Both are compact JSON (``separators=(",",
    ":")``, non-ASCII kept). ``finish_reason`` is ``"stop"`` (``"length"`` when ``max_tokens``
    cuts the document); ``script_stream(chunks=...)`` does not reshape such documents. A
    malformed ``response_format`` or an unresolvable ``$ref`` is a 400.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        models: list[dict[str, Any]] | None = None,
        latency: float = 0.0,
        chunk_delay: float = 0.0,
    ) -> None:
        """Create a stopped emulator; see the class docstring for the arguments."""
        self._table = ModelTable(models)
        self._host = host
        self._port = port
        self._latency = float(latency)
        self._chunk_delay = float(chunk_delay)
        self._api_key = "sk-or-emu-" + secrets.token_hex(16)
        self._lock = threading.Lock()
        self._scripts: list[_Script] = []
        self._requests: list[RecordedRequest] = []
        self._generations: dict[str, dict[str, Any]] = {}
        self._disconnects = 0
        self._stream_scripts: list[_StreamScript] = []
        self._tool_scripts: list[list[list[dict[str, str]]]] = []
        self._ledger = Ledger()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._conns: set[socket.socket] = set()
        self._connections_total = 0
        self._idle = threading.Condition(self._lock)
        self._injection: _Injection | None = None
        self._injected = 0
        self._down: dict[str, tuple[int, str]] = {}
        self._stopping = threading.Event()

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind the port and start serving in a daemon thread.

        Returns:
            The emulator itself, so ``emu = Emulator().start()`` works.

        Raises:
            RuntimeError: If it is already running.
        """
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        server_class = _Server6 if ":" in self._host else _Server
        server = server_class((self._host, self._port), _Handler)
        server.emulator = self
        self._stopping.clear()
        with self._lock:
            self._connections_total = 0
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"openrouter-emulator-{server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close open connections and the listening socket, and join the thread.

        Calling it on a stopped emulator does nothing.
        """
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(timeout=5)
        with self._idle:
            self._idle.wait_for(lambda: not self._conns, timeout=2)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        """Start the emulator.

        Returns:
            The running emulator.
        """
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the emulator."""
        self.stop()

    def __repr__(self) -> str:
        """Show the address and state, never the key."""
        where = self.base_url if self._server is not None else "stopped"
        return f"<Emulator {where}>"

    # -- public state -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The API base URL, e.g. ``"http://127.0.0.1:51234/api/v1"``.

        Raises:
            RuntimeError: If the emulator has not been started.
        """
        if self._server is None:
            raise RuntimeError("start the emulator before asking for its base_url")
        address = self._server.server_address
        host = address[0].decode() if isinstance(address[0], bytes) else str(address[0])
        port = address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}{API_PREFIX}"

    @property
    def api_key(self) -> str:
        """A fake key the emulator accepts (``"sk-or-emu-"`` + 32 hex digits)."""
        return self._api_key

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of every request received so far, in arrival order, credentials redacted."""
        with self._lock:
            return list(self._requests)

    @property
    def ledger(self) -> Ledger:
        """The usage totals of every successful completion served (thread-safe)."""
        return self._ledger

    @property
    def disconnects(self) -> int:
        """How many times a client went away while the emulator was still writing an answer."""
        with self._lock:
            return self._disconnects

    @property
    def models(self) -> list[dict[str, Any]]:
        """A deep copy of the emulator's model table (what ``GET /models`` serves)."""
        return copy.deepcopy(self._table.entries)

    @property
    def open_connections(self) -> int:
        """How many client TCP connections are open on the server side right now.

        A connection counts from the moment the server accepts it until it ends, idle keep-alive
        connections included: it stops counting when the client closes it (or the emulator
        drops it, e.g. for a fault). Thread-safe.
        """
        with self._lock:
            return len(self._conns)

    @property
    def connections_total(self) -> int:
        """How many TCP connections the server accepted since :meth:`start` or :meth:`reset`."""
        with self._lock:
            return self._connections_total

    @property
    def injected_failures(self) -> int:
        """How many failures :meth:`inject_failures` injected since start or :meth:`reset`."""
        with self._lock:
            return self._injected

    def reset(self) -> None:
        """Forget scripts, recorded requests, generations, counters, failure injection, ledger
        and models taken down (:meth:`take_down`).

        The counters are :attr:`disconnects`, :attr:`injected_failures` and
        :attr:`connections_total`; connections still open stay in :attr:`open_connections`.
        """
        with self._lock:
            self._scripts.clear()
            self._stream_scripts.clear()
            self._tool_scripts.clear()
            self._requests.clear()
            self._generations.clear()
            self._disconnects = 0
            self._injection = None
            self._injected = 0
            self._connections_total = 0
            self._down.clear()
        self._ledger.reset()

    # -- scripting ----------------------------------------------------------------------------

    def script(
        self,
        *,
        status: int = 200,
        body: dict[str, Any] | list[Any] | str | bytes | None = None,
        headers: dict[str, str] | None = None,
        path: str | None = None,
        times: int = 1,
        delay: float = 0.0,
        fault: Fault | None = None,
        trickle_delay: float = 0.01,
    ) -> None:
        """Queue a canned answer, or a transport fault, for the next ``times`` matching requests.

        Scripted answers take precedence over everything else (auth, routing, validation and
        :meth:`inject_failures`) and are consumed first-in, first-out among those matching a
        request's path, faulted or not.

        With ``fault``, the request is read in full and then answered badly. Without ``body``,
        the fault applies to the answer the emulator would normally give (a completion, streamed
        or not, the model list, an auth error, ...); with ``body``, to the scripted answer:

        - ``"reset_before_headers"``: close the connection abruptly (TCP RST where the platform
          allows it) without sending a byte; the client sees a connection error (an
          ``httpx.TransportError`` such as ``ReadError`` or ``RemoteProtocolError``).
        - ``"reset_mid_body"``: send the status line, the headers (with the ``Content-Length`` of
          the whole body, or ``Transfer-Encoding: chunked`` for a stream) and about half of the
          body, then reset the connection (``ReadError`` or ``RemoteProtocolError``).
        - ``"truncate"``: the same, but close the connection cleanly (FIN) after half the body;
          the client sees an incomplete body (``httpx.RemoteProtocolError``).
        - ``"malformed_json"``: a complete answer with status ``status`` (200 by default),
          ``Content-Type: application/json`` (unless ``headers`` sets another) and the body
          ``{"id": "gen-broken", "choices": [``, which is not valid JSON. The request is not
          routed, so ``body`` must be ``None``.
        - ``"trickle"``: the whole answer, sent 16 bytes at a time with ``trickle_delay``
          seconds between writes (the status line and headers included); a client whose read
          timeout is shorter than ``trickle_delay`` times out (``httpx.ReadTimeout``).

        A faulted request that never delivered a complete answer is not billed: it is not in
        the :attr:`ledger` and no ``GET /generation`` record is kept for it (that is every fault
        but a ``"trickle"`` of the normal answer that was written to the end). It is still in
        :attr:`requests`. ``delay`` is waited before the fault, as for any scripted answer. A
        streamed completion faulted without a body is produced as usual first, so it uses up a
        :meth:`script_stream` entry; a ``"malformed_json"`` or ``"reset_before_headers"`` one
        does not.

        Args:
            status: HTTP status to send.
            body: A dict or list is sent as JSON (``application/json``); str or bytes is sent as
                is (``text/html`` when it starts with ``<``, else ``text/plain``); ``None`` sends
                an empty body.
            headers: Extra response headers; they override the defaults (set ``Content-Type``
                here for e.g. a raw ``text/event-stream`` body). ``Content-Length``,
                ``Transfer-Encoding`` and ``Connection`` are managed by the emulator.
            path: Only match requests to this path, relative to the base URL
                (``"/chat/completions"``; a leading ``/api/v1`` is accepted); ``None`` matches
                any path.
            times: How many requests this answer serves.
            delay: Seconds to wait before sending it (to trigger client timeouts).
            fault: The transport fault to inject (see above); ``None`` answers normally.
            trickle_delay: Seconds between two writes of a ``"trickle"`` answer.

        Raises:
            ValueError: If ``times`` is less than 1, ``status`` is not a valid HTTP status,
                ``fault`` is unknown, ``trickle_delay`` is negative, ``body`` is
                given with ``"malformed_json"``, or ``status`` or ``headers`` are given with
                another fault but no ``body`` (the normal answer brings its own).
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if not 100 <= status <= 999:
            raise ValueError(f"invalid HTTP status {status}")
        if trickle_delay < 0:
            raise ValueError("trickle_delay must not be negative")
        if fault is not None:
            if fault not in _FAULTS:
                raise ValueError(f"unknown fault {fault!r}; expected one of {sorted(_FAULTS)}")
            if fault == "malformed_json" and body is not None:
                raise ValueError("malformed_json sends its own body; leave body out")
            if fault != "malformed_json" and body is None and (status != 200 or headers):
                raise ValueError(
                    f"{fault} without a body faults the normal answer: status and headers "
                    "cannot be set (give a body to fault a scripted answer)"
                )
        content_type: str | None
        if body is None:
            data, content_type = b"", None
        elif isinstance(body, dict | list):
            data, content_type = json.dumps(body).encode(), "application/json"
        else:
            data = body.encode() if isinstance(body, str) else bytes(body)
            is_html = data.lstrip().startswith(b"<")
            content_type = f"text/{'html' if is_html else 'plain'}; charset=utf-8"
        extra = dict(headers or {})
        for name in list(extra):
            if name.lower() == "content-type":
                content_type = extra.pop(name)
        entry = _Script(
            status=status,
            body=data,
            content_type=content_type,
            headers=extra,
            path=None if path is None else _normalize_path(path),
            remaining=times,
            delay=delay,
            fault=fault,
            trickle_delay=float(trickle_delay),
            scripted_body=body is not None,
        )
        with self._lock:
            self._scripts.append(entry)

    def inject_failures(
        self,
        rate: float,
        *,
        statuses: Sequence[int] = (500, 502, 503),
        faults: Sequence[Fault] = (),
        seed: int = 0,
        path: str | None = "/chat/completions",
        trickle_delay: float = 0.01,
    ) -> None:
        """Make a random share of the matching requests fail, from now until :meth:`reset`.

        For every request to ``path`` that no :meth:`script` entry answers, the emulator draws
        from a ``random.Random(seed)`` (under a lock, two draws per request, in arrival order):
        with probability ``rate`` the request fails, with one of ``statuses`` or ``faults``
        picked uniformly from the same generator. The outcome of the n-th matching request
        therefore depends only on ``seed`` and n, so a run is reproducible, even with
        concurrent clients (which of them gets the n-th slot is up to the scheduler).

        A status failure is answered before routing (no auth or validation) with the
        documented error body ``{"error": {"code": status, "message": ...}}``; a fault is
        applied as by ``script(fault=...)`` without a body. Failed requests are not billed (a
        ``"trickle"`` that delivered the whole answer is not a failure for the ledger).
        :attr:`injected_failures` counts the failures injected. Calling it again replaces
        the previous setting (and restarts the generator); ``inject_failures(0)`` turns it off.

        Args:
            rate: The probability, from 0 to 1, that a matching request fails.
            statuses: HTTP error statuses (400–599) to fail with.
            faults: Transport faults to fail with (see :meth:`script`).
            seed: The seed of the random generator.
            path: Only requests to this path (relative to the base URL, as for :meth:`script`)
                can fail; ``None`` means every path.
            trickle_delay: Seconds between two writes of an injected ``"trickle"``.

        Raises:
            ValueError: If ``rate`` is outside [0, 1], a status is not 400–599, a fault is
                unknown, ``trickle_delay`` is negative, or ``rate`` is positive with neither
                statuses nor faults to pick from.
        """
        if not 0 <= rate <= 1:
            raise ValueError("rate must be between 0 and 1")
        for status in statuses:
            if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
                raise ValueError(f"failure statuses must be 400-599, got {status!r}")
        for fault in faults:
            if fault not in _FAULTS:
                raise ValueError(f"unknown fault {fault!r}; expected one of {sorted(_FAULTS)}")
        if trickle_delay < 0:
            raise ValueError("trickle_delay must not be negative")
        options: list[int | Fault] = [*statuses, *faults]
        if rate > 0 and not options:
            raise ValueError("give at least one status or fault to fail with")
        injection = None
        if rate > 0:
            injection = _Injection(
                rate=float(rate),
                options=options,
                rng=random.Random(seed),  # noqa: S311  (reproducible test data, not secrets)
                path=None if path is None else _normalize_path(path),
                trickle_delay=float(trickle_delay),
            )
        with self._lock:
            self._injection = injection

    def take_down(
        self,
        model_id: str,
        *,
        status: int = 503,
        message: str = "No allowed providers are available for the selected model.",
    ) -> None:
        """Make one model fail every chat completion, until :meth:`bring_up` or :meth:`reset`.

        A request naming the model (or one of its ``:variant`` ids) is answered with the
        documented error body and ``status``, like a model whose providers are all down. With a
        ``models`` fallback list the emulator skips it and answers from the next candidate, as
        OpenRouter does, so ``response.model`` names the fallback that served; the error is sent
        only when no candidate can answer. A router (``openrouter/auto``) never routes to a model
        that is down. Other routes (``/models``, endpoints, ...) are not affected.

        Args:
            model_id: An id from the model table (without a ``:variant`` suffix).
            status: The HTTP error status (400–599) its requests get.
            message: The ``error.message`` text.

        Raises:
            ValueError: If the model is not in the table or ``status`` is not 400–599.
        """
        if model_id not in self._table.by_id:
            raise ValueError(f"{model_id!r} is not in the emulator's model table")
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise ValueError(f"status must be 400-599, got {status!r}")
        with self._lock:
            self._down[model_id] = (status, message)

    def bring_up(self, model_id: str) -> None:
        """Let a model taken down with :meth:`take_down` answer again (no-op if it is up)."""
        with self._lock:
            self._down.pop(model_id, None)

    def error(
        self,
        status: int,
        message: str,
        *,
        metadata: dict[str, Any] | None = None,
        code: int | str | None = None,
        path: str | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Queue a documented OpenRouter error answer.

        The body is ``{"error": {"code": code or status, "message": message, "metadata": ...}}``
        (``metadata`` only when given).

        Args:
            status: HTTP status to send.
            message: The ``error.message`` text.
            metadata: Optional ``error.metadata`` object (e.g. ``{"error_type": ...}``).
            code: ``error.code`` when it should differ from the status (e.g. a string).
            path: Only match requests to this path (see :meth:`script`).
            headers: Extra response headers (e.g. ``{"Retry-After": "2"}``).
            times: How many requests this answer serves.
        """
        self.script(
            status=status,
            body=_error_body(status, message, metadata, code),
            headers=headers,
            path=path,
            times=times,
        )

    def script_stream(
        self,
        *,
        chunks: int | None = None,
        delay: float = 0.0,
        keepalive_every: int | None = None,
        error_after: int | None = None,
        error: dict[str, Any] | None = None,
        cut_after: int | None = None,
        malformed_after: int | None = None,
        usage_style: Literal["empty_choices", "empty_delta"] = "empty_choices",
        done: bool = True,
        times: int = 1,
    ) -> None:
        """Shape the next ``times`` streamed chat completions (SSE), first-in, first-out.

        Only a request with ``"stream": true`` that the emulator answers with a stream uses up
        these options; plain requests, requests that fail validation (answered with an HTTP
        error) and requests answered by :meth:`script` or :meth:`error` leave them queued.

        A stream is: the ``: OPENROUTER PROCESSING`` comment; an opening chunk with
        ``delta: {"role": "assistant", "content": ""}`` (``"content": null`` for tool calls);
        the reasoning deltas, if the request asked for reasoning; the *answer deltas* (one
        ``delta.content`` piece each, or the tool-call deltas of a tool-call answer); a chunk with
        the ``finish_reason``; the usage chunk; ``data: [DONE]``. The ``*_after`` positions below
        count answer deltas only; a position past the last answer delta means "after the last
        one". Several breaks at one position come in the order malformed line, then error or cut.

        Args:
            chunks: Make the text answer exactly this many content deltas (one token each): the
                first ``chunks`` pieces of the usual answer (``"Hello from <model>! You said:
                <last user text>"``), or, when it has only ``L < chunks`` pieces, all of them
                followed by ``" w0"``, ``" w1"``, ... ``" w<chunks - L - 1>"``. ``usage`` (tokens
                and cost) follows that content, and ``finish_reason`` stays ``"stop"``
                (``max_tokens`` still cuts it, with ``"length"``). Ignored for tool-call answers.
            delay: Seconds to sleep between consecutive ``data:`` events of the stream; replaces
                the constructor's ``chunk_delay`` for these streams (``0`` means no pause).
            keepalive_every: Also send a ``: OPENROUTER PROCESSING`` comment right before every
                K-th ``data:`` event (counting every ``data:`` event, ``[DONE]``, error and
                malformed ones included), besides the one that opens the stream.
            error_after: After this many answer deltas, send the documented mid-stream error
                event (HTTP status stays 200): a ``data:`` chunk with the usual ``id``, ``object``,
                ``created``, ``model`` and ``provider``, a top-level ``error`` object and
                ``choices: [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}]``;
                then end the body cleanly with no usage chunk and no ``[DONE]``. The ledger counts
                the request with the completion tokens delivered before the error (reasoning
                included) and their cost; ``GET /generation`` shows those tokens and cost,
                ``finish_reason: "error"`` and ``cancelled: false``.
            error: The ``error`` object of that event; defaults to ``{"code": 502, "message":
                "Provider disconnected", "metadata": {"error_type": "provider_unavailable"}}``.
            cut_after: After this many answer deltas, shut the TCP connection down and close it
                in the middle of the chunked body (no terminating chunk, no usage, no
                ``[DONE]``), so the client sees a protocol error or an unexpected end of body.
                Billed like ``error_after`` (the tokens delivered before the cut), but the
                generation shows ``finish_reason: null`` and ``cancelled: true``. The cut is not
                counted in :attr:`disconnects` (the client did not go away).
            malformed_after: After this many answer deltas, send the invalid-JSON event
                ``data: {"id": "gen-x", "choices": [`` (plus the blank line), then carry on
                normally up to ``[DONE]``.
            usage_style: ``"empty_choices"`` sends the usage chunk with ``choices: []`` (the
                documented shape); ``"empty_delta"`` sends ``choices: [{"index": 0, "delta": {},
                "finish_reason": null}]`` instead (also seen on the wire).
            done: ``False`` leaves out the final ``data: [DONE]`` (the finish and usage chunks
                are still sent and the body still ends cleanly).
            times: How many streamed completions these options shape.

        Raises:
            ValueError: If a count is negative (``keepalive_every`` and ``times`` must be at
                least 1), ``delay`` is negative, ``usage_style`` is unknown, ``error`` is not a
                dict, or both ``error_after`` and ``cut_after`` are given.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if keepalive_every is not None and keepalive_every < 1:
            raise ValueError("keepalive_every must be at least 1")
        counts = {
            "chunks": chunks,
            "error_after": error_after,
            "cut_after": cut_after,
            "malformed_after": malformed_after,
        }
        for name, value in counts.items():
            if value is not None and value < 0:
                raise ValueError(f"{name} must not be negative")
        if delay < 0:
            raise ValueError("delay must not be negative")
        if usage_style not in ("empty_choices", "empty_delta"):
            raise ValueError(f"unknown usage_style {usage_style!r}")
        if error is not None and not isinstance(error, dict):
            raise ValueError("error must be a dict (the event's error object)")
        if error_after is not None and cut_after is not None:
            raise ValueError("give error_after or cut_after, not both")
        entry = _StreamScript(
            chunks=chunks,
            delay=float(delay),
            keepalive_every=keepalive_every,
            error_after=error_after,
            error=copy.deepcopy(_DEFAULT_STREAM_ERROR if error is None else error),
            cut_after=cut_after,
            malformed_after=malformed_after,
            usage_style=usage_style,
            done=done,
            remaining=times,
        )
        with self._lock:
            self._stream_scripts.append(entry)

    def script_tool_calls(self, calls: list[dict[str, Any]], *, times: int = 1) -> None:
        """Make the next ``times`` chat completions answer with exactly these tool calls (FIFO).

        Each call is ``{"name": str, "arguments": str, "id"?: str}``. ``arguments`` is sent
        verbatim as the raw JSON text of the arguments, so it may be invalid JSON on purpose;
        without an ``id`` the call gets the usual request-derived ``call_<n>`` id. The answer has
        ``content: null`` and ``finish_reason: "tool_calls"``, whatever ``tools``,
        ``tool_choice`` and the messages say, streamed (the usual tool-call deltas) or not; usage
        counts the tokens of the names and arguments. Only chat completions the emulator answers
        itself use these up: requests answered by :meth:`script` or :meth:`error`, failing
        validation or other routes leave them queued.

        Raises:
            ValueError: If ``calls`` is empty, a call lacks a non-empty string ``name`` or a
                string ``arguments``, ``id`` is not a non-empty string, or ``times`` < 1.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if not isinstance(calls, list) or not calls:
            raise ValueError("calls must be a non-empty list")
        checked: list[dict[str, str]] = []
        for call in calls:
            if not isinstance(call, dict):
                raise ValueError("each call must be a dict")
            name, arguments, call_id = call.get("name"), call.get("arguments"), call.get("id")
            if not isinstance(name, str) or not name:
                raise ValueError("each call needs a non-empty string 'name'")
            if not isinstance(arguments, str):
                raise ValueError("each call needs 'arguments' as a string (raw JSON text)")
            if call_id is not None and (not isinstance(call_id, str) or not call_id):
                raise ValueError("a call 'id' must be a non-empty string")
            unknown = set(call) - {"name", "arguments", "id"}
            if unknown:
                raise ValueError(f"unknown call keys: {sorted(unknown)}")
            entry = {"name": name, "arguments": arguments}
            if call_id is not None:
                entry["id"] = call_id
            checked.append(entry)
        with self._lock:
            self._tool_scripts.append([copy.deepcopy(checked) for _ in range(times)])

    # -- called by the handler ----------------------------------------------------------------

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._idle:
            if add:
                self._conns.add(conn)
                self._connections_total += 1
            else:
                self._conns.discard(conn)
                self._idle.notify_all()

    def _record(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: Any,
        token: str | None,
    ) -> None:
        safe_headers = dict(headers)
        if "authorization" in safe_headers:
            value = safe_headers["authorization"]
            is_bearer = value.strip().lower().startswith("bearer")
            safe_headers["authorization"] = "Bearer ***" if is_bearer else "***"
        recorded = RecordedRequest(
            method=method,
            path=path,
            query=_scrub(query, token),
            headers=_scrub(safe_headers, token),
            json=_scrub(body, token),
        )
        with self._lock:
            self._requests.append(recorded)

    def _take_script(self, path: str) -> _Script | None:
        with self._lock:
            for index, entry in enumerate(self._scripts):
                if entry.path is None or entry.path == path:
                    entry.remaining -= 1
                    if entry.remaining <= 0:
                        del self._scripts[index]
                    return entry
        return None

    def _take_tool_script(self) -> list[dict[str, str]] | None:
        with self._lock:
            if not self._tool_scripts:
                return None
            entry = self._tool_scripts[0]
            calls = entry.pop()
            if not entry:
                del self._tool_scripts[0]
            return calls

    def _take_stream_script(self) -> _StreamScript | None:
        with self._lock:
            if not self._stream_scripts:
                return None
            entry = self._stream_scripts[0]
            entry.remaining -= 1
            if entry.remaining <= 0:
                del self._stream_scripts[0]
            return entry

    def _roll_failure(self, path: str) -> tuple[int | Fault | None, float]:
        """Draw whether this request fails (and how), with the injected trickle delay."""
        with self._lock:
            injection = self._injection
            if injection is None or injection.path not in (None, path):
                return None, 0.0
            roll = injection.rng.random()
            pick = injection.options[injection.rng.randrange(len(injection.options))]
            if roll >= injection.rate:
                return None, 0.0
            self._injected += 1
            return pick, injection.trickle_delay

    def _count_disconnect(self) -> None:
        with self._lock:
            self._disconnects += 1

    def _plan(
        self,
        body: dict[str, Any],
        *,
        chunks: int | None = None,
        scripted: list[dict[str, str]] | None = None,
    ) -> _Plan:
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise _ApiError(400, 'Input required: specify "prompt" or "messages"')
        for index, message in enumerate(messages):
            if not isinstance(message, dict) or message.get("role") not in _ROLES:
                raise _ApiError(400, f"Invalid message at index {index}: unknown or missing role")
        model = body.get("model")
        fallbacks = body.get("models")
        if model is not None and not isinstance(model, str):
            raise _ApiError(400, "model must be a string")
        if fallbacks is not None and (
            not isinstance(fallbacks, list) or not all(isinstance(m, str) for m in fallbacks)
        ):
            raise _ApiError(400, "models must be an array of model IDs")
        if "stream" in body and not isinstance(body["stream"], bool | None):
            raise _ApiError(400, "stream must be a boolean")
        limit = body.get("max_completion_tokens")
        if limit is None:
            limit = body.get("max_tokens")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise _ApiError(400, "max_tokens must be an integer")
        if limit is not None and limit < 1:
            raise _ApiError(400, "max_tokens must be at least 1")
        structured = _response_format(body)

        candidates: list[str] = []
        if model:
            candidates.append(model)
        candidates.extend(fallbacks or [])
        if not candidates:
            candidates.append(self._table.default_id())

        prompt_tokens = sum(4 + _count_tokens(_message_text(m)) for m in messages)
        with self._lock:
            down = dict(self._down)
        unknown: str | None = None
        last_error: _ApiError | None = None
        for candidate in candidates:
            resolved = self._table.resolve(candidate)
            if resolved is None:
                unknown = unknown or candidate
                continue
            served_id, entry, free = resolved
            if entry["id"] in down:
                status, text = down[entry["id"]]
                last_error = _ApiError(status, text)
                continue
            router: str | None = None
            if is_router(entry):
                router = served_id
                target = self._table.routed_target(down)
                if target is None:
                    last_error = _ApiError(503, _NO_PROVIDERS)
                    continue
                served_id, entry = target
                free = False
            context = entry.get("context_length")
            wanted = prompt_tokens + (limit or 0)
            if isinstance(context, int) and wanted > context:
                last_error = _ApiError(
                    400,
                    f"This endpoint's maximum context length is {context} tokens. However, you "
                    f"requested about {wanted} tokens ({prompt_tokens} of text input, "
                    f"{limit or 0} in the output). Please reduce the length of either one, or use "
                    'the "middle-out" transform to compress your prompt automatically.',
                    metadata={"error_type": "context_length_exceeded"},
                )
                continue
            return self._answer(
                body,
                messages,
                served_id,
                entry,
                free,
                router,
                prompt_tokens,
                limit,
                chunks,
                structured=structured,
                scripted=scripted,
            )
        if last_error is not None:
            raise last_error
        raise _ApiError(400, f"{unknown} is not a valid model ID")

    def _answer(
        self,
        body: dict[str, Any],
        messages: list[dict[str, Any]],
        model_id: str,
        entry: dict[str, Any],
        free: bool,
        router: str | None,
        prompt_tokens: int,
        limit: int | None,
        chunks: int | None,
        *,
        structured: tuple[str, str | None] | None = None,
        scripted: list[dict[str, str]] | None = None,
    ) -> _Plan:
        user_text = _last_user_text(messages)
        results = _tool_results(messages)
        finish = "stop"

        reasoning_pieces: list[str] = []
        if _wants_reasoning(body) and "reasoning" in (entry.get("supported_parameters") or []):
            thought = (
                f"Let me think about: {user_text}." if user_text else "Let me think about this."
            )
            reasoning_pieces = _pieces(thought)
            if limit is not None and len(reasoning_pieces) > limit:
                reasoning_pieces = reasoning_pieces[:limit]
                finish = "length"
        reasoning = "".join(reasoning_pieces) if reasoning_pieces else None
        reasoning_tokens = len(reasoning_pieces)

        if scripted is not None:
            tool_calls = self._scripted_calls(body, scripted)
        elif results is not None:
            tool_calls = []  # a tool-result turn: the model uses the results and answers
        else:
            tool_calls = self._tool_calls(body, messages, user_text)
        content: str | None
        pieces: list[str] = []
        if tool_calls:
            content = None
            finish = "tool_calls"
            answer_tokens = sum(
                _count_tokens(call["function"]["name"])
                + _count_tokens(call["function"]["arguments"])
                for call in tool_calls
            )
        else:
            if results is not None:
                text = "Based on the tool results: " + "; ".join(results)
            else:
                text = f"Hello from {model_id}!" + (f" You said: {user_text}" if user_text else "")
            if structured is not None:
                document = structured[1]
                if document is None:  # json_object
                    document = _compact({"answer": text})
                pieces = _pieces(document)
            else:
                pieces = _pieces(text)
            if chunks is not None and structured is None:
                extra = [f" w{n}" for n in range(max(0, chunks - len(pieces)))]
                pieces = (pieces + extra)[:chunks]
            if limit is not None and len(pieces) > limit - reasoning_tokens:
                pieces = pieces[: max(0, limit - reasoning_tokens)]
                finish = "length"
            content = "".join(pieces)
            answer_tokens = len(pieces)

        pricing = entry.get("pricing") or {}
        return _Plan(
            gen_id=_random_id("gen"),
            created=int(time.time()),
            model=model_id,
            entry=entry,
            provider=providers_of(entry)[0].name,
            router=router,
            content=content,
            pieces=pieces,
            reasoning=reasoning,
            reasoning_pieces=reasoning_pieces,
            tool_calls=tool_calls,
            finish_reason=finish,
            prompt_tokens=prompt_tokens,
            completion_tokens=reasoning_tokens + answer_tokens,
            reasoning_tokens=reasoning_tokens,
            free=free,
            prompt_price=price_of(pricing, "prompt"),
            completion_price=price_of(pricing, "completion"),
            request_fee=price_of(pricing, "request"),
        )

    @staticmethod
    def _call_seed(body: Mapping[str, Any]) -> int:
        """The base of a request's tool call ids.

        ids depend only on the request (not on ``stream``): the same request gets the same ids
        in both modes, and each turn of a conversation gets new ones.
        """
        canonical = {k: v for k, v in body.items() if k not in ("stream", "stream_options")}
        digest = hashlib.sha256(json.dumps(canonical, sort_keys=True, default=str).encode())
        return int(digest.hexdigest()[:8], 16) * 100

    def _scripted_calls(
        self, body: Mapping[str, Any], scripted: list[dict[str, str]]
    ) -> list[dict[str, Any]]:
        seed = self._call_seed(body)
        return [
            {
                "id": call.get("id") or f"call_{seed + number}",
                "type": "function",
                "function": {"name": call["name"], "arguments": call["arguments"]},
            }
            for number, call in enumerate(scripted, start=1)
        ]

    @classmethod
    def _tool_calls(
        cls, body: dict[str, Any], messages: list[dict[str, Any]], user_text: str
    ) -> list[dict[str, Any]]:
        """The calls a request makes: one per function tool with ``tool_choice: "required"``,
        the named one, or (``"auto"``) the first "weather" tool when the user asks about weather.
        """
        tools = body.get("tools")
        choice = body.get("tool_choice")
        if not isinstance(tools, list) or not tools:
            return []
        functions: list[dict[str, Any]] = []
        for tool in tools:
            function = tool.get("function") if isinstance(tool, dict) else None
            if (
                isinstance(function, dict)
                and isinstance(function.get("name"), str)
                and function["name"]
                and tool.get("type", "function") == "function"
            ):
                functions.append(function)
        chosen: list[dict[str, Any]]
        if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
            picked = choice["function"].get("name")
            if not isinstance(picked, str) or not picked:
                return []
            named = [f for f in functions if f["name"] == picked]
            chosen = named[:1] or [{"name": picked}]
        elif choice == "required":
            chosen = functions[:1] if body.get("parallel_tool_calls") is False else functions
        elif (
            choice in ("auto", None)  # the API's default when there are tools
            and messages[-1].get("role") == "user"
            and _WEATHER_RE.search(_content_text(messages[-1].get("content")))
        ):
            chosen = [f for f in functions if "weather" in f["name"].lower()][:1]
            if not chosen:
                return []
        else:
            return []
        seed = cls._call_seed(body)
        calls = []
        for number, function in enumerate(chosen, start=1):
            key = "query"
            parameters = function.get("parameters")
            properties = parameters.get("properties") if isinstance(parameters, dict) else None
            if isinstance(properties, dict) and properties:
                first = next(iter(properties))
                key = first if isinstance(first, str) and first else key
            calls.append(
                {
                    "id": f"call_{seed + number}",
                    "type": "function",
                    "function": {
                        "name": function["name"],
                        "arguments": json.dumps({key: user_text}),
                    },
                }
            )
        return calls

    def _served(
        self,
        plan: _Plan,
        body: dict[str, Any],
        headers: dict[str, str],
        *,
        streamed: bool,
        cancelled: bool,
        elapsed: float,
        charge: bool | None = None,
    ) -> None:
        """Store the generation record; bill the ledger when ``charge`` (default: not cancelled)."""
        if (not cancelled) if charge is None else charge:
            self._ledger.record(plan.model, plan.prompt_tokens, plan.completion_tokens, plan.cost)
        latency_ms = max(1, round(elapsed * 1000))
        referer = headers.get("http-referer")
        user = body.get("user")
        session = body.get("session_id") or headers.get("x-session-id")
        upstream_id = "chatcmpl-" + secrets.token_hex(12)
        record: dict[str, Any] = {
            "id": plan.gen_id,
            "upstream_id": upstream_id,
            "request_id": _random_id("req"),
            "total_cost": float(plan.cost),
            "usage": float(plan.cost),
            "cache_discount": None,
            "upstream_inference_cost": None,
            "created_at": datetime.fromtimestamp(plan.created, UTC).isoformat(),
            "model": plan.model,
            "provider_name": plan.provider,
            "router": plan.router,
            "api_type": "completions",
            "streamed": streamed,
            "cancelled": cancelled,
            "latency": latency_ms,
            "generation_time": latency_ms,
            "moderation_latency": None,
            "tokens_prompt": plan.prompt_tokens,
            "tokens_completion": plan.completion_tokens,
            "native_tokens_prompt": plan.prompt_tokens,
            "native_tokens_completion": plan.completion_tokens,
            "native_tokens_reasoning": plan.reasoning_tokens,
            "native_tokens_cached": 0,
            "native_tokens_completion_images": 0,
            "num_media_prompt": None,
            "num_media_completion": None,
            "num_input_audio_prompt": None,
            "num_search_results": None,
            "num_fetches": None,
            "web_search_engine": None,
            "finish_reason": plan.finish_reason,
            "native_finish_reason": plan.finish_reason,
            "is_byok": False,
            "origin": referer or "",
            "http_referer": referer,
            "user_agent": headers.get("user-agent"),
            "external_user": user if isinstance(user, str) else None,
            "app_id": None,
            "preset_id": None,
            "session_id": session if isinstance(session, str) else None,
            "service_tier": None,
            "data_region": "global",
            "workspace_id": None,
            "response_cache_source_id": None,
            "provider_responses": [
                {
                    "provider_name": plan.provider,
                    "status": 200,
                    "latency": latency_ms,
                    "id": upstream_id,
                    "model_permaslug": plan.entry.get("canonical_slug"),
                    "is_byok": False,
                }
            ],
        }
        with self._lock:
            self._generations[plan.gen_id] = record

    def _list_models(self, query: Mapping[str, str]) -> dict[str, Any]:
        """The ``GET /models`` body: ``data``, ``total_count`` (after the filters) and ``links``.

        ``offset`` and ``limit`` page the list (opt-in, as on OpenRouter: without both, the whole
        list); ``links.next`` is then the relative URL of the next page, else null.
        """
        offset = _query_int(query, "offset", 0, None)
        limit = _query_int(query, "limit", 1, _MODELS_PAGE_MAX)
        models = self._filtered_models(query)
        total = len(models)
        next_url = None
        if offset is not None or limit is not None:
            start = offset or 0
            size = limit if limit is not None else 500
            models = models[start : start + size]
            if start + size < total:
                next_url = f"{API_PREFIX}/models?offset={start + size}&limit={size}"
        return {"data": models, "total_count": total, "links": {"next": next_url}}

    def _filtered_models(self, query: Mapping[str, str]) -> list[dict[str, Any]]:
        models = copy.deepcopy(self._table.entries)
        wanted_out = query.get("output_modalities")
        if wanted_out and wanted_out != "all":
            outs = {m.strip() for m in wanted_out.split(",") if m.strip()}
            models = [
                m for m in models if outs & set(m["architecture"].get("output_modalities", []))
            ]
        wanted_params = query.get("supported_parameters")
        if wanted_params:
            params = {p.strip() for p in wanted_params.split(",") if p.strip()}
            models = [m for m in models if params <= set(m.get("supported_parameters", []))]
        return models

    def _endpoints(self, model_id: str, *, stats: bool = True) -> dict[str, Any]:
        """A model's endpoints; ``stats`` False (no key) leaves latency and throughput null.

        A router (``openrouter/auto``) has no endpoints of its own: it routes to other models'.
        """
        resolved = self._table.resolve(model_id)
        if resolved is None:
            raise _ApiError(404, f"No endpoints found for {model_id}.")
        entry = resolved[1]
        providers = () if is_router(entry) else providers_of(entry)
        endpoints = []
        for position, (provider, tag, quantization) in enumerate(providers):
            top = entry.get("top_provider") or {}
            endpoints.append(
                {
                    "name": f"{provider} | {entry['canonical_slug']}",
                    "model_id": entry["canonical_slug"],
                    "model_name": entry["name"],
                    "context_length": entry.get("context_length") or 0,
                    "pricing": copy.deepcopy(entry["pricing"]),
                    "provider_name": provider,
                    "tag": tag,
                    "quantization": quantization,
                    "max_completion_tokens": top.get("max_completion_tokens"),
                    "max_prompt_tokens": None,
                    "supported_parameters": list(entry.get("supported_parameters") or []),
                    "status": 0,
                    "uptime_last_5m": 100.0,
                    "uptime_last_30m": 99.9 - position * 0.4,
                    "uptime_last_1d": 99.8 - position * 0.5,
                    "supports_implicit_caching": tag in CACHING_PROVIDERS,
                    "supports_voice_cloning": False,
                    "latency_last_30m": {
                        "p50": 0.42 + position * 0.1,
                        "p75": 0.61 + position * 0.1,
                        "p90": 0.88 + position * 0.1,
                        "p99": 1.9 + position * 0.2,
                    }
                    if stats
                    else None,
                    "throughput_last_30m": {
                        "p50": 85.0 - position * 10,
                        "p75": 70.0 - position * 10,
                        "p90": 55.0 - position * 10,
                        "p99": 30.0 - position * 5,
                    }
                    if stats
                    else None,
                }
            )
        return {
            "id": entry["id"],
            "name": entry["name"],
            "created": entry["created"],
            "description": entry["description"],
            "architecture": copy.deepcopy(entry["architecture"]),
            "endpoints": endpoints,
        }

    def _generation(self, gen_id: str | None) -> dict[str, Any]:
        if not gen_id:
            raise _ApiError(400, "Missing required query parameter: id")
        with self._lock:
            record = self._generations.get(gen_id)
        if record is None:
            raise _ApiError(404, f"Generation {gen_id} not found")
        return copy.deepcopy(record)

    def _key_info(self, token: str) -> dict[str, Any]:
        usage = float(self._ledger.cost_decimal)
        return {
            "label": _mask_key(token),
            "limit": None,
            "limit_remaining": None,
            "limit_reset": None,
            "include_byok_in_limit": False,
            "usage": usage,
            "usage_daily": usage,
            "usage_weekly": usage,
            "usage_monthly": usage,
            "byok_usage": 0,
            "byok_usage_daily": 0,
            "byok_usage_weekly": 0,
            "byok_usage_monthly": 0,
            "is_free_tier": False,
            "is_management_key": False,
            "is_provisioning_key": False,
            "creator_user_id": None,
            "expires_at": None,
            "rate_limit": {
                "requests": -1,
                "interval": "10s",
                "note": "This field is deprecated and safe to ignore.",
            },
        }


def serve(host: str = "127.0.0.1", port: int = 8765) -> None:
    """Run an emulator in the foreground until Ctrl-C (for the ``openrouter-kit`` CLI).

    Prints the base URL to use; any non-empty Bearer token is accepted. Ctrl-C stops it and
    returns normally.

    Args:
        host: Interface to bind.
        port: TCP port to listen on.
    """
    emulator = Emulator(host=host, port=port)
    try:  # Ctrl-C is the way to stop, from the moment the server is up: return normally then
        emulator.start()
        print(f"OpenRouter emulator listening on {emulator.base_url}", flush=True)
        print("Any non-empty Bearer token is accepted. Press Ctrl-C to stop.", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
