"""The emulator over real sockets (``testing/_server.py`` and the ``Emulator`` lifecycle): what
only a server shows (framing headers, timing, cut connections, disconnects, concurrency, counts
of connections). Raw ``httpx`` (not the SDK) pins down the shapes the SDK relies on."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from decimal import Decimal
from typing import Any

import httpx
import pytest

from openrouter_kit.testing import Emulator
from tests.testing.helpers import (
    RESET_ERRORS,
    chat,
    content_deltas,
    data_chunks,
    open_client,
    prices,
    prompt_tokens,
    stream_events,
    tokens,
    wait_until,
)

# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


@pytest.fixture(autouse=True)
def _clean(emulator: Emulator) -> None:
    emulator.reset()


@pytest.fixture
def emu(emulator: Emulator) -> Emulator:
    """The module's emulator, short name for the scripting tests."""
    return emulator


@pytest.fixture(scope="module")
def client(emulator: Emulator) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {emulator.api_key}"}
    with httpx.Client(base_url=emulator.base_url, headers=headers, timeout=5.0) as c:
        yield c


# -- answers on the wire --------------------------------------------------------------------------


def test_completion_shape_usage_and_cost(client: httpx.Client) -> None:
    messages = [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Hello, emulator! How are you?"},
    ]
    response = chat(client, model="openai/gpt-4o", messages=messages)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.headers["x-request-id"].startswith("req-")
    body = response.json()
    assert re.fullmatch(r"gen-\d+-[A-Za-z0-9]+", body["id"])
    assert response.headers["x-generation-id"] == body["id"]
    assert body["object"] == "chat.completion"
    assert body["model"] == "openai/gpt-4o"
    assert body["provider"] == "OpenAI"
    assert body["system_fingerprint"] is None
    assert isinstance(body["created"], int)
    (choice,) = body["choices"]
    assert choice["index"] == 0
    assert choice["finish_reason"] == "stop"
    assert choice["native_finish_reason"] == "stop"
    assert choice["logprobs"] is None
    content = "Hello from openai/gpt-4o! You said: Hello, emulator! How are you?"
    assert choice["message"] == {
        "role": "assistant",
        "content": content,
        "refusal": None,
        "reasoning": None,
    }

    usage = body["usage"]
    assert usage["prompt_tokens"] == prompt_tokens(messages)
    assert usage["completion_tokens"] == tokens(content)
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert usage["is_byok"] is False
    assert usage["prompt_tokens_details"]["cached_tokens"] == 0
    assert usage["completion_tokens_details"]["reasoning_tokens"] == 0
    assert usage["cost_details"]["upstream_inference_cost"] is None
    pricing = prices(client, "openai/gpt-4o")
    expected = (
        Decimal(pricing["prompt"]) * usage["prompt_tokens"]
        + Decimal(pricing["completion"]) * usage["completion_tokens"]
    )
    assert Decimal(str(usage["cost"])) == expected


def test_stream_matches_the_plain_answer(client: httpx.Client) -> None:
    messages = [{"role": "user", "content": "  Stream this,   please!\n"}]
    plain = chat(client, model="google/gemini-2.5-flash", messages=messages).json()
    headers, events = stream_events(client, model="google/gemini-2.5-flash", messages=messages)

    assert headers["content-type"] == "text/event-stream"
    assert headers["transfer-encoding"] == "chunked"
    assert events[0] == ": OPENROUTER PROCESSING"
    assert events[-1] == "data: [DONE]"
    chunks = data_chunks(events)
    assert len(chunks) == len(events) - 2
    assert headers["x-generation-id"] == chunks[0]["id"]
    assert {c["id"] for c in chunks} == {chunks[0]["id"]}
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert {c["model"] for c in chunks} == {"google/gemini-2.5-flash"}
    assert {c["provider"] for c in chunks} == {plain["provider"]}

    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    *body_chunks, usage_chunk = chunks
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in body_chunks)
    assert text == plain["choices"][0]["message"]["content"]
    finishes = [c["choices"][0]["finish_reason"] for c in body_chunks]
    assert finishes[-1] == "stop"
    assert set(finishes[:-1]) == {None}
    assert all("usage" not in c for c in body_chunks)
    assert usage_chunk["choices"] == []
    assert usage_chunk["usage"] == plain["usage"]
    # one content chunk per completion token
    content_chunks = [c for c in body_chunks[1:-1] if c["choices"][0]["delta"].get("content")]
    assert len(content_chunks) == plain["usage"]["completion_tokens"]


def test_script_stream_delay_between_events(client: httpx.Client, emu: Emulator) -> None:
    emu.script_stream(chunks=2, delay=0.05)
    started = time.monotonic()
    _, events = stream_events(client)
    elapsed = time.monotonic() - started
    assert len(content_deltas(data_chunks(events))) == 2
    assert elapsed >= 2 * 0.05
    started = time.monotonic()
    stream_events(client)  # options used up: no pauses
    assert time.monotonic() - started < 0.1


def test_script_stream_cut_after(client: httpx.Client, emu: Emulator) -> None:
    emu.script_stream(chunks=6, cut_after=2)
    lines: list[str] = []
    body = {"stream": True, "messages": [{"role": "user", "content": "cut me"}]}
    with client.stream("POST", "/chat/completions", json=body) as response:
        assert response.status_code == 200
        with pytest.raises(httpx.TransportError) as info:
            lines.extend(response.iter_lines())
    assert isinstance(info.value, httpx.RemoteProtocolError | httpx.ReadError)
    chunks = [json.loads(line[len("data: ") :]) for line in lines if line.startswith("data: {")]
    assert len(content_deltas(chunks)) == 2
    assert "data: [DONE]" not in lines
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks)
    # billed with what was delivered; not a client disconnect
    assert emu.ledger.completion_tokens == 2
    assert emu.disconnects == 0
    record = client.get("/generation", params={"id": chunks[0]["id"]}).json()["data"]
    assert record["cancelled"] is True
    assert record["tokens_completion"] == 2
    assert chat(client).status_code == 200  # serving continues on a new connection


# -- concurrency and disconnects ------------------------------------------------------------------


def test_concurrent_requests_add_up_exactly(emulator: Emulator) -> None:
    models = [
        "openai/gpt-4o-mini",
        "openai/gpt-4o",
        "anthropic/claude-sonnet-4",
        "deepseek/deepseek-r1",
    ]
    usages: list[dict[str, Any]] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        headers = {"Authorization": f"Bearer {emulator.api_key}"}
        try:
            with httpx.Client(base_url=emulator.base_url, headers=headers, timeout=5.0) as c:
                for i in range(25):
                    body = {
                        "model": models[(n + i) % len(models)],
                        "messages": [
                            {"role": "user", "content": f"thread {n} request {i} " * (i % 3 + 1)}
                        ],
                        "stream": i % 5 == 0,
                    }
                    if body["stream"]:
                        _, events = stream_events(c, **body)
                        usage = data_chunks(events)[-1]["usage"]
                    else:
                        response = c.post("/chat/completions", json=body)
                        assert response.status_code == 200
                        usage = response.json()["usage"]
                    with lock:
                        usages.append(usage)
        except BaseException as exc:  # reported by the main thread
            with lock:
                failures.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(usages) == 200

    ledger = emulator.ledger.snapshot()
    assert ledger.requests == 200
    assert ledger.prompt_tokens == sum(u["prompt_tokens"] for u in usages)
    assert ledger.completion_tokens == sum(u["completion_tokens"] for u in usages)
    assert ledger.total_tokens == sum(u["total_tokens"] for u in usages)
    assert emulator.ledger.cost_decimal == sum(Decimal(str(u["cost"])) for u in usages)
    per_model = emulator.ledger.per_model
    assert set(per_model) == set(models)
    assert sum(t.requests for t in per_model.values()) == 200
    assert len(emulator.requests) == 200


def test_abandoned_stream_counts_a_disconnect_and_serving_continues() -> None:
    with Emulator(chunk_delay=0.02) as emu:
        headers = {"Authorization": f"Bearer {emu.api_key}"}
        with httpx.Client(base_url=emu.base_url, headers=headers, timeout=5.0) as c:
            body = {"stream": True, "messages": [{"role": "user", "content": "go " * 40}]}
            with c.stream("POST", "/chat/completions", json=body) as response:
                for line in response.iter_lines():
                    if line.startswith("data: {"):
                        break  # leave after the first chunk; closing drops the connection
            deadline = time.monotonic() + 3
            while emu.disconnects == 0 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert emu.disconnects == 1
            assert emu.ledger.requests == 0  # the abandoned stream was never billed
            after = c.post(
                "/chat/completions",
                json={"messages": [{"role": "user", "content": "still there?"}]},
            )
            assert after.status_code == 200
            assert emu.ledger.requests == 1


# -- lifecycle ------------------------------------------------------------------------------------


def test_lifecycle() -> None:
    emu = Emulator()
    with pytest.raises(RuntimeError):
        _ = emu.base_url
    assert emu.start() is emu
    try:
        url = emu.base_url
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api/v1", url)
        with pytest.raises(RuntimeError):
            emu.start()
        # an idle keep-alive connection must not keep stop() from finishing
        idle = httpx.Client(headers={"Authorization": "Bearer x"})
        assert idle.get(f"{url}/credits").status_code == 200
    finally:
        started = time.monotonic()
        emu.stop()
        assert time.monotonic() - started < 1
        idle.close()
    emu.stop()  # idempotent
    with pytest.raises(httpx.ConnectError), httpx.Client() as c:
        c.get(f"{url}/models")


# -- connections ----------------------------------------------------------------------------------


def test_open_connections_follow_the_clients(fresh: Emulator) -> None:
    assert (fresh.open_connections, fresh.connections_total) == (0, 0)
    clients = [open_client(fresh) for _ in range(3)]
    try:
        for c in clients:
            assert c.get("/credits").status_code == 200
        # idle keep-alive connections still count
        assert wait_until(lambda: fresh.open_connections == 3)
        assert fresh.connections_total == 3
        clients[0].close()
        assert wait_until(lambda: fresh.open_connections == 2)
    finally:
        for c in clients:
            c.close()
    assert wait_until(lambda: fresh.open_connections == 0)
    assert fresh.connections_total == 3
    fresh.script(fault="reset_before_headers")  # a connection the emulator drops ends too
    with open_client(fresh) as c, pytest.raises(RESET_ERRORS):
        c.get("/models")
    assert wait_until(lambda: fresh.open_connections == 0)
    assert fresh.connections_total == 4
    fresh.reset()
    assert fresh.connections_total == 0


def test_250_idle_connections_are_accepted_and_counted(fresh: Emulator) -> None:
    url = httpx.URL(fresh.base_url)
    address = (url.host, url.port or 80)
    sockets: list[socket.socket] = []
    try:
        for _ in range(250):
            sockets.append(socket.create_connection(address, timeout=5))
        assert wait_until(lambda: fresh.open_connections == 250)
    finally:
        for sock in sockets:
            sock.close()
    assert wait_until(lambda: fresh.open_connections == 0)
    assert fresh.connections_total == 250


def test_200_concurrent_keepalive_requests() -> None:
    # ten clients of 20 connections each: httpx's pool bookkeeping grows with the square of its
    # size, so one client of 200 connections would mostly measure that
    with Emulator(latency=0.1) as emu, ExitStack() as stack:
        clients = [stack.enter_context(open_client(emu)) for _ in range(10)]
        barrier = threading.Barrier(200)

        def one(n: int) -> int:
            barrier.wait(timeout=5)
            body = {"messages": [{"role": "user", "content": f"request {n}"}]}
            response = clients[n % 10].post("/chat/completions", json=body)
            return int(response.json()["usage"]["prompt_tokens"])

        with ThreadPoolExecutor(max_workers=200) as pool:
            prompts = list(pool.map(one, range(200)))
            assert emu.ledger.requests == 200
            assert emu.ledger.prompt_tokens == sum(prompts)
            opened = emu.connections_total
            assert 100 <= opened <= 200  # concurrent (the barrier and latency see to it)
            assert emu.open_connections == opened  # kept alive, idle, still counted
            again = list(pool.map(one, range(200)))
        assert again == prompts
        assert emu.connections_total == opened  # all reused, none opened
        stack.close()
        assert wait_until(lambda: emu.open_connections == 0)
