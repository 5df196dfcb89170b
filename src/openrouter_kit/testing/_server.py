"""The emulator's HTTP/1.1 server: standard library plumbing around a ``handle`` function.

Owns: reading a request (``Content-Length`` or chunked), writing a :class:`~._exchange.Reply`
or a :class:`~._exchange.Stream` (chunked SSE), carrying out transport faults on the socket
(resets, half bodies, trickles), running a reply's settlements when it gets that far, counting
connections and disconnects, starting and stopping the serving thread. Never knows: routes,
models, what an answer says.
"""

from __future__ import annotations

import contextlib
import functools
import io
import socket
import struct
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

from openrouter_kit._version import __version__
from openrouter_kit.testing._exchange import (
    Cut,
    Drop,
    Reply,
    Request,
    Settle,
    Settlement,
    Stream,
    Write,
    error_body,
    json_reply,
    phrase,
    random_id,
)
from openrouter_kit.testing._faults import Fault, cut_point, trickle_pieces

__all__ = ["Connections", "Server"]

#: Turns a request into the reply to play (the fake API's ``handle``).
Handle = Callable[[Request], Reply | Stream | Drop]

_HOP_BY_HOP = frozenset({"content-length", "transfer-encoding", "connection"})
#: What writing to a client that went away raises.
_WRITE_ERRORS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


class Connections:
    """Thread-safe counts of a server's TCP connections, kept across restarts."""

    def __init__(self) -> None:
        """No connection yet."""
        self._idle = threading.Condition()
        self._open: set[socket.socket] = set()
        self._total = 0
        self._disconnects = 0

    @property
    def open(self) -> int:
        """How many connections are open right now (idle keep-alive ones included)."""
        with self._idle:
            return len(self._open)

    @property
    def total(self) -> int:
        """How many connections were accepted since the last :meth:`restart` or :meth:`reset`."""
        with self._idle:
            return self._total

    @property
    def disconnects(self) -> int:
        """How many times a client went away while an answer was being written."""
        with self._idle:
            return self._disconnects

    def opened(self, conn: socket.socket) -> None:
        """Count a connection the server accepted."""
        with self._idle:
            self._open.add(conn)
            self._total += 1

    def closed(self, conn: socket.socket) -> None:
        """Stop counting a connection that ended."""
        with self._idle:
            self._open.discard(conn)
            self._idle.notify_all()

    def disconnected(self) -> None:
        """Count a client that went away mid-answer."""
        with self._idle:
            self._disconnects += 1

    def restart(self) -> None:
        """Start counting accepted connections from zero (the server starts)."""
        with self._idle:
            self._total = 0

    def reset(self) -> None:
        """Set the accepted connections and the disconnects back to zero; connections still
        open keep counting as open."""
        with self._idle:
            self._total = 0
            self._disconnects = 0

    def shut_all(self) -> None:
        """Shut down every open connection (the server stops)."""
        with self._idle:
            conns = list(self._open)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def wait_idle(self, timeout: float) -> None:
        """Wait until no connection is open, ``timeout`` seconds at most."""
        with self._idle:
            self._idle.wait_for(lambda: not self._open, timeout=timeout)


class Server:
    """A loopback HTTP/1.1 server that answers every request with ``handle``, in a daemon
    thread (one more thread per connection).

    Args:
        host: The interface to bind (an IPv6 address binds IPv6).
        port: The TCP port; ``0`` picks a free one.
        handle: Plans the reply to each request.
        connections: Where the server counts its connections.
    """

    def __init__(self, host: str, port: int, handle: Handle, connections: Connections) -> None:
        """Bind the port (the server does not serve before :meth:`start`)."""
        server_class = _HTTPServer6 if ":" in host else _HTTPServer
        self._http = server_class((host, port), _Handler)
        self._http.answer = handle
        self._http.connections = connections
        self._http.stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._http.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"openrouter-emulator-{self._http.server_address[1]}",
            daemon=True,
        )

    @property
    def address(self) -> tuple[str, int]:
        """The host and port the server listens on."""
        address = self._http.server_address
        host = address[0].decode() if isinstance(address[0], bytes) else str(address[0])
        return host, int(address[1])

    def start(self) -> None:
        """Serve in the background."""
        self._http.connections.restart()
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, close the listening socket and the open connections, join the thread."""
        self._http.stopping.set()
        self._http.shutdown()
        self._http.server_close()
        self._http.connections.shut_all()
        self._thread.join(timeout=5)
        self._http.connections.wait_idle(timeout=2)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 512  # the listen() backlog: hundreds of clients may connect at once
    answer: Handle
    connections: Connections
    #: Set when the server stops: a trickle stops waiting between its writes.
    stopping: threading.Event

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            return  # the client went away or the server is stopping
        traceback.print_exc()


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = f"openrouter-kit-emulator/{__version__}"
    sys_version = ""
    timeout = 300.0
    #: While a faulted answer is being produced: the settlements it reaches, run only once the
    #: answer has been delivered whole (``None``: run them at once).
    _pending: list[Callable[[], None]] | None = None
    #: When the request began (``time.monotonic()``), for the settlements.
    _started: float = 0.0

    @property
    def _server(self) -> _HTTPServer:
        return cast(_HTTPServer, self.server)

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._server.connections.opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self._server.connections.closed(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default per-request logging on stderr."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer protocol-level errors (bad request line, unknown method) with a JSON body."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self._send(json_reply(code, error_body(code, message or phrase(code))))

    # -- reading --------------------------------------------------------------------------------

    def _dispatch(self) -> None:
        self._started = time.monotonic()
        try:
            raw = self._read_body()
        except ValueError:
            self.send_error(400, "Invalid request body framing")
            return
        request = Request.of(self.command, self.path, self.headers.items(), raw)
        try:
            self._play(self._server.answer(request))
        except _WRITE_ERRORS:
            self._server.connections.disconnected()
            self.close_connection = True
        except OSError:
            self.close_connection = True
        except Exception:
            traceback.print_exc()
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._send(json_reply(500, error_body(500, "Internal Server Error")))

    # Every method is answered by the fake API (which refuses the ones a route does not take).
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _dispatch

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

    # -- writing --------------------------------------------------------------------------------

    def _play(self, reply: Reply | Stream | Drop) -> None:
        if reply.delay > 0:
            time.sleep(reply.delay)
        if isinstance(reply, Drop):
            self._abort()
        elif reply.fault is None:
            self._produce(reply)
        else:
            self._faulted(reply.fault, reply.trickle_delay, functools.partial(self._produce, reply))

    def _produce(self, reply: Reply | Stream) -> None:
        if isinstance(reply, Stream):
            self._stream(reply)
            return
        if reply.settle is not None:
            self._settle(reply.settle)
        self._send(reply)

    def _settle(self, settlement: Settlement) -> None:
        """Run a settlement now, or once a faulted answer is delivered whole."""
        call = functools.partial(settlement, time.monotonic() - self._started)
        if self._pending is None:
            call()
        else:
            self._pending.append(call)

    def _head_bytes(self, status: int, headers: list[tuple[str, str]]) -> bytes:
        lines = [f"HTTP/1.1 {status} {phrase(status)}"]
        lines.append(f"Server: {self.server_version}")
        lines.append(f"Date: {self.date_time_string()}")
        lines.extend(f"{name}: {value}" for name, value in headers)
        lines.append("Connection: close" if self.close_connection else "Connection: keep-alive")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _base_headers(self, extra: Mapping[str, str] | None) -> list[tuple[str, str]]:
        headers = [("x-request-id", random_id("req"))]
        for name, value in (extra or {}).items():
            if name.lower() in _HOP_BY_HOP:
                continue
            headers = [(n, v) for n, v in headers if n.lower() != name.lower()]
            headers.append((name, value))
        return headers

    def _send(self, reply: Reply) -> None:
        if self.request_version == "HTTP/1.0":
            self.close_connection = True
        merged: list[tuple[str, str]] = []
        if reply.content_type is not None:
            merged.append(("Content-Type", reply.content_type))
        names = {n.lower() for n in reply.headers}
        merged = [(n, v) for n, v in merged if n.lower() not in names]
        merged += self._base_headers(reply.headers)
        merged.append(("Content-Length", str(len(reply.body))))
        payload = self._head_bytes(reply.status, merged)
        if self.command != "HEAD":
            payload += reply.body
        self.wfile.write(payload)
        self.wfile.flush()

    def _stream(self, stream: Stream) -> None:
        chunked = self.request_version != "HTTP/1.0"
        if not chunked:
            self.close_connection = True
        head = [("Content-Type", "text/event-stream"), *self._base_headers(stream.headers)]
        if chunked:
            head.append(("Transfer-Encoding", "chunked"))
        self.wfile.write(self._head_bytes(200, head))
        self.wfile.flush()
        settled = False
        try:
            for step in stream.steps:
                if isinstance(step, Write):
                    if step.pause > 0:
                        time.sleep(step.pause)
                    frame = b"%x\r\n%s\r\n" % (len(step.data), step.data) if chunked else step.data
                    self.wfile.write(frame)
                    self.wfile.flush()
                elif isinstance(step, Settle):
                    self._settle(step.run)
                    settled = True
                elif isinstance(step, Cut):
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    self.connection.close()
                    return
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
        except _WRITE_ERRORS:
            self._server.connections.disconnected()
            self.close_connection = True
            if not settled and stream.abandoned is not None:
                self._settle(stream.abandoned)

    # -- faults ---------------------------------------------------------------------------------

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

    def _faulted(self, kind: Fault, trickle_delay: float, produce: Callable[[], None]) -> None:
        """Write what ``produce`` writes (captured first) with the fault ``kind`` applied.

        Settlements reached while producing are kept back and only run when a ``trickle``
        has written the answer whole; the other faults never deliver a complete answer.
        """
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
            for number, piece in enumerate(trickle_pieces(data)):
                if number and trickle_delay > 0:
                    self._server.stopping.wait(trickle_delay)  # stop() need not wait for it
                real.write(piece)
                real.flush()
            for call in pending:
                call()
            return
        self.close_connection = True
        real.write(data[: cut_point(data)])
        real.flush()
        if kind == "truncate":
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_WR)  # a clean FIN, mid-body
        else:
            self._abort()
