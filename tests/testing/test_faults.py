"""Transport faults (``testing/_faults.py``) and seeded failure injection: the pieces without a
server first (where a fault cuts, the draws, the replies the API plans), then what a client sees
on the wire, over real sockets, each test with an emulator of its own."""

from __future__ import annotations

import json
import time
from typing import Any, cast

import httpx
import pytest

from openrouter_kit.testing import Emulator, Fault
from openrouter_kit.testing._exchange import Drop, Reply, Request, Stream
from openrouter_kit.testing._faults import (
    BROKEN_JSON,
    FAULTS,
    TRICKLE_BYTES,
    Injection,
    cut_point,
    trickle_pieces,
)
from tests.testing.helpers import (
    RESET_ERRORS,
    RESET_NAMES,
    data_chunks,
    open_client,
    stream_events,
)

QUESTION = {"messages": [{"role": "user", "content": "What is 2 + 2?"}]}
TARGETS: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "completion": ("POST", "/chat/completions", QUESTION),
    "stream": ("POST", "/chat/completions", {**QUESTION, "stream": True}),
    "models": ("GET", "/models", None),
}


# -- without a server -----------------------------------------------------------------------------


def test_a_mid_body_fault_cuts_after_the_head_and_half_the_body() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
    assert cut_point(head + b"0123456789") == len(head) + 5
    assert cut_point(head) == len(head)
    assert cut_point(b"no head at all") == len(b"no head at all")


def test_a_trickle_sends_every_byte_in_small_pieces() -> None:
    data = bytes(range(256)) * 3
    pieces = list(trickle_pieces(data))
    assert b"".join(pieces) == data
    assert {len(p) for p in pieces[:-1]} == {TRICKLE_BYTES}


def test_injection_draws_depend_on_the_seed_and_the_order_only() -> None:
    def draws(seed: int) -> list[int | Fault | None]:
        injection = Injection.seeded(
            0.5, [500, "truncate"], seed=seed, path="/chat/completions", trickle_delay=0
        )
        return [injection.draw("/chat/completions") for _ in range(50)]

    first = draws(1)
    assert first == draws(1)
    assert first != draws(2)
    assert {500, "truncate", None} == set(first)
    other = Injection.seeded(1.0, [500], seed=1, path="/chat/completions", trickle_delay=0)
    assert other.draw("/models") is None  # another path: no draw at all
    assert other.draw("/chat/completions") == 500
    assert set(Fault.__args__) == FAULTS  # type: ignore[attr-defined]


def plan(
    emu: Emulator, method: str = "GET", target: str = "/api/v1/models", body: Any = None
) -> object:
    """The reply the emulator's API plans for one request (no server)."""
    headers = [("Authorization", f"Bearer {emu.api_key}")]
    data = b"" if body is None else json.dumps(body).encode()
    return emu._api.handle(Request.of(method, target, headers, data))


def test_the_replies_planned_for_each_fault(emu: Emulator) -> None:
    emu.script(fault="reset_before_headers", delay=0.5)
    assert plan(emu) == Drop(delay=0.5)
    emu.script(fault="malformed_json", status=502)
    broken = plan(emu)
    assert isinstance(broken, Reply)
    assert (broken.status, broken.body, broken.content_type) == (
        502,
        BROKEN_JSON,
        "application/json",
    )
    assert broken.fault is None  # a complete answer: its body is what is broken
    emu.script(fault="truncate", body={"scripted": True}, status=201)
    scripted = plan(emu)
    assert isinstance(scripted, Reply)
    assert (scripted.status, scripted.body, scripted.fault) == (
        201,
        b'{"scripted": true}',
        "truncate",
    )
    emu.script(fault="trickle", trickle_delay=0.25, path="/chat/completions")
    normal = plan(emu, "POST", "/api/v1/chat/completions", QUESTION)
    assert isinstance(normal, Reply)
    assert (normal.status, normal.fault, normal.trickle_delay) == (200, "trickle", 0.25)
    assert normal.settle is not None
    assert emu.ledger.requests == 0  # billed only once the server delivers the answer whole
    normal.settle(0.001)
    assert emu.ledger.requests == 1
    emu.script(fault="reset_mid_body", path="/chat/completions")
    stream = plan(emu, "POST", "/api/v1/chat/completions", {**QUESTION, "stream": True})
    assert isinstance(stream, Stream)
    assert stream.fault == "reset_mid_body"


def test_injected_failures_are_planned_before_routing(emu: Emulator) -> None:
    emu.inject_failures(1, statuses=(503,), path=None)
    failed = plan(emu, "GET", "/api/v1/no/such/route")
    assert isinstance(failed, Reply)
    assert failed.status == 503  # not the route's 404: injected failures come first
    assert json.loads(failed.body) == {"error": {"code": 503, "message": "No instances available"}}
    emu.inject_failures(1, statuses=(), faults=["reset_before_headers"], path=None)
    assert plan(emu) == Drop()
    assert emu.injected_failures == 2


# -- transport faults -----------------------------------------------------------------------------


def send(client: httpx.Client, target: str) -> httpx.Response:
    method, path, body = TARGETS[target]
    return client.request(method, path, json=body)


def assert_still_serving(emu: Emulator, billed: int) -> None:
    """A normal completion works after the fault, and only it is billed."""
    with open_client(emu) as c:
        assert send(c, "completion").status_code == 200
    assert emu.ledger.requests == billed + 1


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("fault", ["reset_before_headers", "reset_mid_body", "truncate"])
def test_connection_faults_raise(fresh: Emulator, fault: Fault, target: str) -> None:
    fresh.script(fault=fault, path=TARGETS[target][1])
    expected = httpx.RemoteProtocolError if fault == "truncate" else RESET_ERRORS
    with open_client(fresh) as c, pytest.raises(expected):
        send(c, target)
    assert len(fresh.requests) == 1  # received and recorded, fully read
    assert fresh.ledger.requests == 0  # never delivered, never billed
    assert fresh.disconnects == 0  # the emulator cut it, not the client
    assert_still_serving(fresh, billed=0)


@pytest.mark.parametrize("target", ["completion", "models"])
def test_truncate_announces_the_full_length(fresh: Emulator, target: str) -> None:
    method, path, body = TARGETS[target]
    with open_client(fresh) as c:
        normal = len(send(c, target).content)
        fresh.script(fault="truncate", path=path)
        with c.stream(method, path, json=body) as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/json"
            length = int(response.headers["content-length"])
            assert abs(length - normal) < 40  # a fresh id and timestamp: same size, give or take
            with pytest.raises(httpx.RemoteProtocolError, match="complete message body"):
                response.read()
    assert fresh.ledger.requests == (1 if target == "completion" else 0)


@pytest.mark.parametrize("target", list(TARGETS))
def test_malformed_json_is_a_200_that_does_not_parse(fresh: Emulator, target: str) -> None:
    fresh.script(fault="malformed_json", path=TARGETS[target][1])
    with open_client(fresh) as c:
        response = send(c, target)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        with pytest.raises(json.JSONDecodeError):
            json.loads(response.content)
        fresh.script(status=502, fault="malformed_json")  # any status, same broken body
        assert send(c, target).status_code == 502
    assert fresh.ledger.requests == 0
    assert_still_serving(fresh, billed=0)


@pytest.mark.parametrize("target", list(TARGETS))
def test_trickle_slower_than_the_read_timeout_times_out(fresh: Emulator, target: str) -> None:
    fresh.script(fault="trickle", trickle_delay=0.25, path=TARGETS[target][1])
    started = time.monotonic()
    with open_client(fresh, read=0.05) as c, pytest.raises(httpx.ReadTimeout):
        send(c, target)
    assert time.monotonic() - started < 0.24  # the first pause was enough
    assert fresh.ledger.requests == 0
    started = time.monotonic()
    fresh.stop()  # does not wait for the trickle's next pause
    assert time.monotonic() - started < 0.2


def test_trickle_faster_than_the_read_timeout_delivers_slowly(fresh: Emulator) -> None:
    with open_client(fresh, read=0.5) as c:
        fresh.script(fault="trickle", trickle_delay=0.001, path="/chat/completions")
        fresh.script(fault="trickle", trickle_delay=0.0002, path="/chat/completions")
        started = time.monotonic()
        response = send(c, "completion")
        elapsed = time.monotonic() - started
        assert response.status_code == 200
        answer = response.json()
        assert answer["choices"][0]["message"]["content"].startswith("Hello from")
        assert elapsed >= 0.001 * (len(response.content) // 16)  # at least one pause per piece
        _, events = stream_events(c, **QUESTION)  # the stream trickles too, and completes
        assert data_chunks(events)[-1]["usage"]["completion_tokens"] > 0
        scripted_body = {"hello": "slowly"}
        fresh.script(fault="trickle", trickle_delay=0.001, body=scripted_body, status=201)
        scripted = send(c, "models")
        assert (scripted.status_code, scripted.json()) == (201, scripted_body)
    # the trickled completions were delivered whole: billed; the scripted body never is
    assert fresh.ledger.requests == 2
    generation = answer["id"]
    with open_client(fresh) as c:
        assert c.get("/generation", params={"id": generation}).status_code == 200


def test_faulted_answers_are_not_billed_or_kept(fresh: Emulator) -> None:
    with open_client(fresh) as c:
        fresh.script(fault="truncate", path="/chat/completions")
        with c.stream("POST", "/chat/completions", json=QUESTION) as response:
            generation = response.headers["x-generation-id"]
            with pytest.raises(httpx.RemoteProtocolError):
                response.read()
        assert c.get("/generation", params={"id": generation}).status_code == 404
        assert c.get("/credits").json()["data"]["total_usage"] == 0
    assert fresh.ledger.snapshot().requests == 0
    assert [r.path for r in fresh.requests] == ["/chat/completions", "/generation", "/credits"]


def test_scripted_faults_are_fifo_with_times_and_paths(fresh: Emulator) -> None:
    fresh.script(fault="reset_before_headers", path="/chat/completions", times=2)
    fresh.script(status=503, body={"error": {"code": 503, "message": "x"}}, fault="truncate")
    with open_client(fresh) as c:
        with pytest.raises(httpx.RemoteProtocolError):  # only the second entry matches /models
            c.get("/models")
        assert c.get("/models").status_code == 200
        for _ in range(2):
            with pytest.raises(RESET_ERRORS):
                send(c, "completion")
        assert send(c, "completion").status_code == 200
    assert fresh.ledger.requests == 1


def test_fault_arguments_are_checked(emu: Emulator) -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        emu.script(fault=cast(Fault, "explode"))
    with pytest.raises(ValueError, match="malformed_json"):
        emu.script(fault="malformed_json", body="{")
    with pytest.raises(ValueError, match="normal answer"):
        emu.script(fault="truncate", status=500)
    with pytest.raises(ValueError, match="normal answer"):
        emu.script(fault="trickle", headers={"X-A": "b"})
    with pytest.raises(ValueError, match="negative"):
        emu.script(fault="trickle", trickle_delay=-1)
    with pytest.raises(ValueError, match="rate"):
        emu.inject_failures(1.5)
    with pytest.raises(ValueError, match="400-599"):
        emu.inject_failures(0.5, statuses=(200,))
    with pytest.raises(ValueError, match="unknown fault"):
        emu.inject_failures(0.5, faults=[cast(Fault, "explode")])
    with pytest.raises(ValueError, match="at least one"):
        emu.inject_failures(0.5, statuses=())
    emu.inject_failures(0, statuses=())  # off: nothing to pick from is fine


# -- failure injection ----------------------------------------------------------------------------


def outcomes(emu: Emulator, count: int) -> list[str]:
    """What ``count`` sequential completions on one keep-alive client got, in order."""
    seen: list[str] = []
    with open_client(emu) as c:
        for _ in range(count):
            try:
                response = send(c, "completion")
            except httpx.TransportError as exc:
                seen.append(type(exc).__name__)
                continue
            try:
                response.json()
            except json.JSONDecodeError:
                seen.append("malformed")
            else:
                seen.append(str(response.status_code))
    return seen


def test_inject_failures_is_reproducible(fresh: Emulator) -> None:
    faults: list[Fault] = ["reset_before_headers", "truncate", "malformed_json"]
    fresh.inject_failures(0.5, statuses=(500, 503), faults=faults, seed=1)
    first = outcomes(fresh, 40)
    failed = sum(o != "200" for o in first)
    assert fresh.injected_failures == failed
    assert 10 <= failed <= 30
    assert fresh.ledger.requests == 40 - failed  # failed requests are not billed
    kinds = {o for o in first if o != "200"}
    assert kinds <= {"500", "503", "malformed", "RemoteProtocolError", *RESET_NAMES}
    assert {"500", "503", "malformed", "RemoteProtocolError"} <= kinds
    assert kinds & set(RESET_NAMES)

    with open_client(fresh) as c:  # other paths are left alone
        assert all(c.get("/models").status_code == 200 for _ in range(5))
    assert fresh.injected_failures == failed

    fresh.reset()
    assert fresh.injected_failures == 0
    assert outcomes(fresh, 5) == ["200"] * 5  # reset() turned it off
    fresh.inject_failures(0.5, statuses=(500, 503), faults=faults, seed=1)
    assert outcomes(fresh, 40) == first  # same seed, same sequence
    fresh.inject_failures(0.5, statuses=(500, 503), faults=faults, seed=2)
    assert outcomes(fresh, 40) != first
    fresh.inject_failures(0)
    assert outcomes(fresh, 5) == ["200"] * 5


def test_injected_statuses_carry_the_error_body(fresh: Emulator) -> None:
    fresh.inject_failures(1, statuses=(429,), path=None)
    with open_client(fresh) as c:
        response = c.get("/credits")
    assert response.status_code == 429
    assert response.json() == {"error": {"code": 429, "message": "Rate limit exceeded"}}
    assert fresh.injected_failures == 1
