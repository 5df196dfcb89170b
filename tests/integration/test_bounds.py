"""Time bounds against a server that drips (the adversarial review's F1 and its reproducer): the
deadline, the read timeout of a whole body and a stream's idle bound end a call on time, in
both shells, on both async transports, under asyncio and trio.

Each test waits about one bound (0.5 to 1 s); the server gives up after 8 s, so a bound that does
not hold fails the test instead of hanging it. The margins (0.5 s, as the issue states) are
machine-independent: a bound that is not enforced misses them by seconds.
"""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from openrouter_kit import Client, errors
from tests.integration.raw import (
    OK_BODY,
    SSE_HEAD,
    USER,
    Request,
    drip,
    event,
    forever,
    ok_head,
    options,
    raw_server,
    run,
)

#: How late a bounded call may end (the issue's figure).
MARGIN = 0.5


def dripped_body(conn: socket.socket, request: Request, number: int) -> None:
    conn.sendall(ok_head(len(OK_BODY)))
    drip(conn, OK_BODY, 0.1)  # 15 s for the whole body


def dripped_head(conn: socket.socket, request: Request, number: int) -> None:
    drip(conn, ok_head(len(OK_BODY)) + OK_BODY, 0.1)


def keepalives(conn: socket.socket, request: Request, number: int) -> None:
    conn.sendall(SSE_HEAD + event("Hel"))
    forever(conn, b": OPENROUTER PROCESSING\n\n", 0.1)


def dripped_event(conn: socket.socket, request: Request, number: int) -> None:
    conn.sendall(SSE_HEAD + event("Hel"))
    drip(conn, event("lo") * 20, 0.1)


# -- the deadline -----------------------------------------------------------------------------
def test_a_dripped_body_ends_at_the_deadline(shell: str) -> None:
    # F1's reproducer: headers at once, then one byte every 0.1 s; deadline=1 used to be
    # ignored once the headers had arrived.
    with raw_server(dripped_body) as server:
        outcome, elapsed = run(shell, "complete", **options(server, timeout=5, deadline=1))
    assert isinstance(outcome, errors.RequestTimeoutError), outcome
    assert outcome.timeout == "deadline"
    assert outcome.response_started
    assert "deadline of 1 s" in str(outcome)
    assert elapsed < 1 + MARGIN
    assert server.processed == 1


def test_a_stream_of_keepalives_ends_at_the_deadline(shell: str) -> None:
    with raw_server(keepalives) as server:
        outcome, elapsed = run(shell, "stream", **options(server, timeout=5, deadline=1))
    assert isinstance(outcome, errors.RequestTimeoutError), outcome
    assert outcome.timeout == "deadline"
    assert outcome.response_started
    assert outcome.response.text == "Hel"  # the answer so far travels with the error
    assert elapsed < 1 + MARGIN


@pytest.mark.parametrize("shell", ["sync", "httpx-asyncio", "aiohttp-asyncio"], indirect=True)
def test_dripped_headers_end_at_the_deadline_and_may_have_been_processed(shell: str) -> None:
    with raw_server(dripped_head) as server:
        outcome, elapsed = run(shell, "complete", **options(server, timeout=5, deadline=0.5))
    assert isinstance(outcome, errors.MaybeProcessedTimeoutError), outcome
    assert outcome.timeout == "deadline"
    assert not outcome.response_started
    assert elapsed < 0.5 + MARGIN


# -- the read timeout of a whole body ---------------------------------------------------------
@pytest.mark.parametrize("shell", ["sync", "httpx-trio", "aiohttp-asyncio"], indirect=True)
def test_a_dripped_body_ends_at_the_read_timeout(shell: str) -> None:
    # Each byte comes well within the read timeout; the whole body may not take longer.
    with raw_server(dripped_body) as server:
        outcome, elapsed = run(
            shell, "complete", **options(server, timeout={"read": 0.5, "connect": 5, "pool": 5})
        )
    assert isinstance(outcome, errors.RequestTimeoutError), outcome
    assert outcome.timeout == "read"
    assert outcome.response_started
    assert "read timeout (0.5 s)" in str(outcome)
    assert elapsed < 0.5 + MARGIN


# -- a stream's idle bound --------------------------------------------------------------------
@pytest.mark.parametrize("handler", [keepalives, dripped_event], ids=["keepalives", "drip"])
@pytest.mark.parametrize("shell", ["sync", "httpx-asyncio", "aiohttp-asyncio"], indirect=True)
def test_a_stream_without_events_ends_at_the_idle_bound(shell: str, handler: Any) -> None:
    # Comments and parts of an event keep the connection busy, but are no event.
    with raw_server(handler) as server:
        outcome, elapsed = run(shell, "stream", **options(server, stream_idle_timeout=0.5))
    assert isinstance(outcome, errors.RequestTimeoutError), outcome
    assert outcome.timeout == "idle"
    assert "no event for 0.5 s" in str(outcome)
    assert outcome.response.text == "Hel"
    assert elapsed < 0.5 + MARGIN


def test_steady_events_and_a_slow_reader_are_not_idle() -> None:
    def steady(conn: socket.socket, request: Request, number: int) -> None:
        conn.sendall(SSE_HEAD)
        for word in ["a", "b", "c", "d"]:
            conn.sendall(b": ping\n\n" + event(word))
            time.sleep(0.2)
        conn.sendall(event("", finish="stop") + b"data: [DONE]\n\n")
        conn.close()

    texts = []
    with (
        raw_server(steady) as server,
        Client(**options(server, stream_idle_timeout=0.35)) as client,
        client.stream(model="a/b", messages=USER) as stream,
    ):
        for chunk in stream:
            texts.append(chunk.text)
            time.sleep(0.4)  # the caller's own time is not idle time
    assert "".join(texts) == "abcd"
    assert not stream.partial


def test_the_idle_bound_is_checked_and_can_be_switched_off() -> None:
    with pytest.raises(errors.ConfigurationError, match="stream_idle_timeout"):
        Client(stream_idle_timeout=0)
    client = Client(stream_idle_timeout=None)
    assert client._idle is None
    assert Client()._idle == 300.0
    assert client.with_options(stream_idle_timeout=2)._idle == 2.0


@pytest.mark.parametrize("shell", ["sync", "httpx-asyncio", "httpx-trio"], indirect=True)
def test_a_request_the_server_does_not_read_ends_at_the_deadline_unsent(shell: str) -> None:
    # The server takes the connection and never reads: writing a large request blocks. Each
    # write is cut short at the deadline too, and a request not written in full cannot have
    # been processed (so it is no MaybeProcessedError).
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    try:
        started = time.monotonic()
        outcome, elapsed = run(
            shell,
            "complete",
            base_url=f"http://127.0.0.1:{port}/api/v1",
            timeout=5,
            deadline=0.5,
            max_retries=0,
            messages_size=32 << 20,
        )
    finally:
        listener.close()
    assert isinstance(outcome, errors.RequestTimeoutError), outcome
    assert not isinstance(outcome, errors.MaybeProcessedError)
    assert outcome.timeout == "deadline"
    assert time.monotonic() - started < 0.5 + MARGIN + 1  # building 32 MiB of JSON included
    assert elapsed < 0.5 + MARGIN + 1
