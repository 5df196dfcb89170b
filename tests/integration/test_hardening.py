"""The adversarial review's F6, F7 and F12 over real sockets, from their reproducers: a request sent
in full is processed once per call, a gzip bomb ends in a typed error in bounded memory, and a
loopback ``http://`` URL never goes through a proxy."""

from __future__ import annotations

import gc
import socket
import struct
import threading
import time
import tracemalloc
import zlib
from typing import Any

import anyio
import httpx
import pytest

from openrouter_kit import AsyncClient, Client, errors
from tests.integration.raw import (
    OK_BODY,
    USER,
    RawServer,
    Request,
    answer,
    ok_head,
    options,
    raw_server,
    run,
)


# -- F6: nothing is processed twice -----------------------------------------------------------
def test_a_slow_answer_is_processed_once_per_call(shell: str) -> None:
    # F6's reproducer: the first answer takes longer than the read timeout. It used to be
    # retried, and the server processed the same POST twice.
    def slow_first(conn: socket.socket, request: Request, number: int) -> None:
        if number == 1:
            time.sleep(0.8)  # the provider is still generating
        conn.sendall(ok_head(len(OK_BODY), b"Connection: close\r\n") + OK_BODY)
        conn.close()

    timeout = {"read": 0.3, "connect": 5, "write": 5, "pool": 5}
    with raw_server(slow_first) as server:
        outcome, _ = run(shell, "complete", **options(server, timeout=timeout, max_retries=3))
        time.sleep(0.8)  # a retry, if any, would have arrived by now
        assert isinstance(outcome, errors.MaybeProcessedTimeoutError), outcome
        assert isinstance(outcome, errors.RequestTimeoutError)  # old handlers still catch it
        assert outcome.timeout == "read"
        assert server.processed == 1
        reply, _ = run(shell, "complete", **options(server, timeout=timeout, max_retries=3))
        assert reply.text == "hi"
        assert server.processed == 2  # exactly one per call


def reset(conn: socket.socket, request: Request, number: int) -> None:
    """Read the request, then reset the connection (RST) without answering."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


@pytest.mark.parametrize("shell", ["sync", "httpx-trio", "aiohttp-asyncio"], indirect=True)
def test_a_reset_after_a_full_send_is_processed_once(shell: str) -> None:
    with raw_server(reset) as server:
        outcome, _ = run(shell, "complete", **options(server, max_retries=3))
        assert isinstance(outcome, errors.MaybeProcessedConnectionError), outcome
        assert isinstance(outcome, errors.APIConnectionError)
        assert not outcome.response_started
        assert server.processed == 1
        outcome, _ = run(
            shell, "complete", **options(server, max_retries=2, retry_maybe_processed=True)
        )
        assert server.processed == 1 + 3  # asked for: retried


@pytest.mark.parametrize("shell", ["sync", "httpx-asyncio", "aiohttp-asyncio"], indirect=True)
def test_a_stale_keepalive_connection_is_replaced_without_an_error(shell: str) -> None:
    # The server closes an idle connection (its keep-alive timeout) before the next call: the
    # pool sees the closed socket and opens a new one, so the call neither fails nor repeats.
    def close_when_idle(conn: socket.socket, request: Request, number: int) -> None:
        conn.sendall(ok_head(len(OK_BODY)) + OK_BODY)
        threading.Timer(0.1, conn.shutdown, args=(socket.SHUT_RDWR,)).start()

    with raw_server(close_when_idle) as server:
        client_options = options(server, max_retries=0)
        if shell == "sync":
            with Client(**client_options) as client:
                for _ in range(3):
                    assert client.complete(model="a/b", messages=USER).text == "hi"
                    time.sleep(0.3)
        else:
            transport, backend = shell.split("-")

            async def main() -> None:
                async with AsyncClient(**client_options, transport=transport) as client:
                    for _ in range(3):
                        assert (await client.complete(model="a/b", messages=USER)).text == "hi"
                        await anyio.sleep(0.3)

            anyio.run(main, backend=backend)
        assert server.processed == 3
        assert server.connections == 3


# -- F7: a bomb ends in a typed error, in bounded memory -----------------------------------------
CAP = 1 << 20  # 1 MiB for the test; the default is 64 MiB


def gzipped(*pieces: bytes, repeat: int) -> bytes:
    """gzip of ``pieces[0] + pieces[1] * repeat + pieces[2]``, made without building it."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    head, middle, tail = pieces
    out = [packer.compress(head)]
    out += [packer.compress(middle) for _ in range(repeat)]
    return b"".join([*out, packer.compress(tail), packer.flush()])


#: 32 MiB of padding inside a JSON string, about 32 KiB on the wire (F7's reproducer, smaller).
JSON_BOMB = gzipped(b'{"id":"x","choices":[],"pad":"', b" " * (1 << 20), b'"}', repeat=32)
#: 32 MiB of keep-alive comments in an event stream.
SSE_BOMB = gzipped(b"", b": keep-alive\n\n" * 74_898, b"", repeat=32)


def bomb(body: bytes, content_type: bytes) -> Any:
    def handle(conn: socket.socket, request: Request, number: int) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Encoding: gzip\r\n"
            b"Content-Length: %d\r\n\r\n" % (content_type, len(body)) + body
        )

    return handle


@pytest.mark.parametrize(
    ("what", "body", "content_type"),
    [("complete", JSON_BOMB, b"application/json"), ("stream", SSE_BOMB, b"text/event-stream")],
    ids=["complete", "stream"],
)
@pytest.mark.parametrize("shell", ["sync", "httpx-asyncio", "aiohttp-asyncio"], indirect=True)
def test_a_gzip_bomb_ends_in_a_typed_error_in_bounded_memory(
    shell: str, what: str, body: bytes, content_type: bytes
) -> None:
    assert len(body) < 100_000
    with raw_server(bomb(body, content_type)) as server:
        gc.collect()
        tracemalloc.start()
        try:
            outcome, _ = run(shell, what, **options(server, max_response_bytes=CAP))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert isinstance(outcome, errors.ResponseTooLargeError), outcome
    assert isinstance(outcome, errors.InvalidResponseError)
    assert outcome.limit == CAP
    if what == "stream":
        assert outcome.response.partial  # the answer so far, as for any stream error
    assert peak < 8 * CAP  # the cap, a few copies and the client: not the 32 MiB


def test_a_compressed_answer_within_the_cap_is_read(shell: str) -> None:
    with raw_server(bomb(gzipped(OK_BODY, b"", b"", repeat=0), b"application/json")) as server:
        reply, _ = run(shell, "complete", **options(server, max_response_bytes=len(OK_BODY)))
    assert reply.text == "hi"
    assert b"accept-encoding: gzip, deflate" in server.requests[0].head.lower()


def test_the_size_cap_is_checked() -> None:
    assert Client()._max_bytes == 64 * 1024 * 1024
    assert Client(max_response_bytes=None)._max_bytes is None
    assert Client().with_options(max_response_bytes=10)._max_bytes == 10
    for bad in (0, -1, 1.5, "64", True):
        with pytest.raises(errors.ConfigurationError, match="max_response_bytes"):
            Client(max_response_bytes=bad)


# -- F12: the key never goes to a proxy in clear ----------------------------------------------
@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A proxy named by every proxy variable; it records what it receives and answers 502."""

    def refuse(conn: socket.socket, request: Request, number: int) -> None:
        conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")

    with raw_server(refuse) as server:
        url = f"http://127.0.0.1:{server.port}"
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.setenv(name, url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        yield server


def test_a_loopback_http_url_never_goes_through_a_proxy(shell: str, proxy: RawServer) -> None:
    # F12's reproducer: with HTTP_PROXY set, the whole request, key included, went in clear to
    # the proxy. (Streams and every other call go through the same pool.)
    with raw_server(answer()) as server:
        outcome, _ = run(shell, "complete", **options(server))
    assert not isinstance(outcome, Exception), outcome
    assert proxy.processed == 0
    assert proxy.connections == 0
    assert server.processed == 1


def test_an_http_client_that_would_use_a_proxy_is_refused(proxy: RawServer) -> None:
    base_url = "http://127.0.0.1:4000/api/v1"
    for cls, http_type in ((Client, httpx.Client), (AsyncClient, httpx.AsyncClient)):
        with pytest.raises(errors.ConfigurationError, match="proxy") as info:
            cls(base_url=base_url, http_client=http_type())
        assert "trust_env=False" in str(info.value)
        cls(base_url=base_url, http_client=http_type(trust_env=False))  # no proxy: accepted
        cls(http_client=http_type())  # https: the proxy sees only a CONNECT tunnel
    assert proxy.connections == 0


def test_an_http_client_passed_in_gets_the_time_bounds() -> None:
    # Its pool reads through the clamping backend too (a pass-through outside our calls).
    def dripped_body(conn: socket.socket, request: Request, number: int) -> None:
        conn.sendall(ok_head(len(OK_BODY)))
        for byte in OK_BODY:
            conn.sendall(bytes([byte]))
            time.sleep(0.1)

    with raw_server(dripped_body) as server, httpx.Client() as http:
        client = Client(**options(server, deadline=0.5), http_client=http)
        started = time.monotonic()
        with pytest.raises(errors.RequestTimeoutError) as info:
            client.complete(model="a/b", messages=USER)
        assert time.monotonic() - started < 1.0
        assert info.value.timeout == "deadline"
