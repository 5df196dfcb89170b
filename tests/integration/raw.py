"""A raw-socket server on 127.0.0.1 for hostile answers the emulator does not script: each
connection reads whole requests and hands them to a handler that writes whatever bytes it likes,
as slowly as it likes (the adversarial review's reproducers, made reusable)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import anyio

from openrouter_kit import AsyncClient, Client, errors

USER = [{"role": "user", "content": "hi"}]

#: Client, then AsyncClient over each transport and the event loops it runs on (the ``shell``
#: fixture of ``conftest.py``).
SHELLS = ["sync", "httpx-asyncio", "httpx-trio", "aiohttp-asyncio"]

OK_BODY = json.dumps(
    {
        "id": "gen-raw",
        "model": "a/b",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}
        ],
    }
).encode()

SSE_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"


def ok_head(length: int, extra: bytes = b"") -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % length
        + extra
        + b"\r\n"
    )


def event(content: str, finish: str | None = None) -> bytes:
    chunk = {
        "id": "gen-raw",
        "model": "a/b",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(chunk).encode() + b"\n\n"


class Request:
    """One request as the server read it."""

    def __init__(self, head: bytes, body: bytes) -> None:
        self.head = head
        self.body = body
        self.line = head.split(b"\r\n", 1)[0]


Handler = Callable[[socket.socket, Request, int], None]


class RawServer:
    """Serves each request with ``handler(conn, request, number)``; ``number`` counts the
    requests read in full (what the server "processed"), from 1.

    The handler writes the answer; returning without closing keeps the connection for the next
    request (keep-alive), raising or closing ends it.
    """

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = int(self._sock.getsockname()[1])
        self.base_url = f"http://127.0.0.1:{self.port}/api/v1"
        self._open: list[socket.socket] = []
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def processed(self) -> int:
        """Requests read in full."""
        return len(self.requests)

    def _accept(self) -> None:
        while not self._stopped:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self._open.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        buffer = b""
        try:
            while not self._stopped:
                while b"\r\n\r\n" not in buffer:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(buffer) < length:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buffer += data
                request = Request(head, buffer[:length])
                buffer = buffer[length:]
                with self._lock:
                    self.requests.append(request)
                    number = len(self.requests)
                self.handler(conn, request, number)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self._stopped = True
        self._sock.close()
        with self._lock:
            for conn in self._open:
                with suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()


@contextmanager
def raw_server(handler: Handler) -> Iterator[RawServer]:
    server = RawServer(handler)
    try:
        yield server
    finally:
        server.close()


def drip(conn: socket.socket, data: bytes, gap: float, *, limit: float = 8.0) -> None:
    """Send ``data`` one byte every ``gap`` seconds, for at most ``limit`` seconds (so a client
    that is not bounded still ends its test, failing it)."""
    ends = time.monotonic() + limit
    for byte in data:
        if time.monotonic() > ends:
            break
        conn.sendall(bytes([byte]))
        time.sleep(gap)
    conn.close()


def forever(conn: socket.socket, piece: bytes, gap: float, *, limit: float = 8.0) -> None:
    """Send ``piece`` every ``gap`` seconds, for at most ``limit`` seconds."""
    ends = time.monotonic() + limit
    while time.monotonic() < ends:
        conn.sendall(piece)
        time.sleep(gap)
    conn.close()


def answer(body: bytes = OK_BODY, *, close: bool = False) -> Handler:
    """A handler answering 200 with ``body`` at once."""

    def handle(conn: socket.socket, request: Request, number: int) -> None:
        conn.sendall(ok_head(len(body)) + body)
        if close:
            conn.close()

    return handle


def options(server: RawServer, **more: Any) -> dict[str, Any]:
    """Client options for ``server``: its base URL, no retries unless asked."""
    return {"base_url": server.base_url, "max_retries": 0, **more}


def run(shell: str, what: str, *, messages_size: int = 0, **client: Any) -> tuple[Any, float]:
    """Make one ``complete()`` or read one whole stream with a fresh client of ``shell``;
    return what it gave (the reply, or the exception it raised) and the seconds it took.

    ``messages_size``: send a user message of that many characters instead of "hi".
    """
    messages = [{"role": "user", "content": "x" * messages_size}] if messages_size else USER
    started = time.monotonic()
    try:
        if shell == "sync":
            with Client(**client) as sync_client:
                if what == "complete":
                    outcome: Any = sync_client.complete(model="a/b", messages=messages)
                else:
                    with sync_client.stream(model="a/b", messages=messages) as stream:
                        outcome = stream.final_response()
        else:
            transport, backend = shell.split("-")

            async def main() -> Any:
                async with AsyncClient(**client, transport=transport) as async_client:
                    if what == "complete":
                        return await async_client.complete(model="a/b", messages=messages)
                    async with async_client.stream(model="a/b", messages=messages) as stream:
                        return await stream.final_response()

            outcome = anyio.run(main, backend=backend)
    except errors.OpenRouterError as exc:
        outcome = exc
    return outcome, time.monotonic() - started
