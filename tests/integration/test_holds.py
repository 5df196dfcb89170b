"""How a budget hold ends (issue 14: F3, F4, F5), over real sockets, for both clients.

A hold is released only when the server cannot have billed the call; a call cut after it was
sent keeps its hold pending until ``GET /generation`` tells the cost (or commits it whole when
no generation id is known); the hold of a prompt is a bound no text can beat; costs and counts
from the server are checked before they reach the books.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import anyio
import pytest

from openrouter_kit import AsyncClient, Client, errors
from openrouter_kit.testing import Emulator, default_models

KEY = "sk-or-v1-" + "c0ffee00" * 8
MODEL = "openai/gpt-4o-mini"
USER = [{"role": "user", "content": "hi"}]


class RawServer:
    """A loopback HTTP/1.1 server answering each request with ``answer(request bytes)``: the
    model list for GETs of ``/models``, else whatever the test says (one connection each)."""

    def __init__(self, answer: Callable[[bytes], bytes | None]) -> None:
        self.answer = answer
        self.posts: list[bytes] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.models = json.dumps({"data": default_models()}).encode()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/api/v1"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            request = conn.recv(65536)
            if request.startswith(b"GET /api/v1/models"):
                reply: bytes | None = _http(200, self.models)
            else:
                if request.startswith(b"POST"):
                    self.posts.append(request)
                reply = self.answer(request)
            if reply is not None:
                with contextlib.suppress(OSError):
                    conn.sendall(reply)

    def close(self) -> None:
        """Stop listening: later connections are refused."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


def _http(status: int, body: bytes, kind: str = "application/json", extra: str = "") -> bytes:
    head = (
        f"HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
        f"{extra}Connection: close\r\n\r\n"
    )
    return head.encode() + body


def _completion(usage: dict[str, Any]) -> bytes:
    body = {
        "id": "gen-raw",
        "model": MODEL,
        "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "ok"}}
        ],
        "usage": usage,
    }
    return json.dumps(body).encode()


@pytest.fixture
def raw() -> Iterator[Callable[[Callable[[bytes], bytes | None]], RawServer]]:
    servers: list[RawServer] = []

    def make(answer: Callable[[bytes], bytes | None]) -> RawServer:
        servers.append(server := RawServer(answer))
        return server

    yield make
    for server in servers:
        server.close()


# -- F3: a call that may have been billed keeps its hold ---------------------------------------
def _slow_answer(request: bytes) -> bytes:
    time.sleep(0.3)  # the provider finishes the answer and bills it
    return _http(200, _completion({"prompt_tokens": 5, "completion_tokens": 2, "cost": 0.001}))


def test_a_complete_cancelled_after_sending_keeps_its_hold(raw: Any) -> None:
    """The review's reproducer: ``wait_for`` cancels calls the server has received."""
    server = raw(_slow_answer)
    refused = 0

    async def main() -> AsyncClient:
        nonlocal refused
        async with AsyncClient(
            api_key=KEY, base_url=server.base_url, budget="0.05", max_retries=0
        ) as client:
            await client.models.list_models()
            for _ in range(20):
                try:
                    await asyncio.wait_for(
                        client.complete(model="openai/gpt-4o", max_tokens=1000, messages=USER), 0.1
                    )
                except TimeoutError:
                    pass
                except errors.BudgetExceededError:
                    refused += 1
            return client

    client = asyncio.run(main())
    budget = client.budget
    assert budget is not None
    # No answer, no generation id: each hold (~$0.0102, the worst case) is committed whole.
    assert len(server.posts) == 4
    assert refused == 16
    assert (budget.reserved, budget.pending) == (0, 0)
    assert budget.spent <= Decimal("0.05")
    assert budget.spent == 4 * (Decimal("0.01") + 86 * Decimal("0.0000025"))


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_read_timeout_after_sending_keeps_its_hold(raw: Any, kind: str) -> None:
    server = raw(_slow_answer)
    options = {"api_key": KEY, "base_url": server.base_url, "budget": "0.05", "max_retries": 0}
    call = {"model": "openai/gpt-4o", "max_tokens": 1000, "messages": USER, "timeout": 0.1}
    outcomes: list[str] = []

    def sync() -> Any:
        with Client(**options, breaker_threshold=None) as client:
            for _ in range(8):
                try:
                    client.complete(**call)
                except errors.RequestTimeoutError:
                    outcomes.append("timeout")
                except errors.BudgetExceededError:
                    outcomes.append("refused")
            return client.budget

    async def main() -> Any:
        async with AsyncClient(**options, breaker_threshold=None) as client:
            for _ in range(8):
                try:
                    await client.complete(**call)
                except errors.RequestTimeoutError:
                    outcomes.append("timeout")
                except errors.BudgetExceededError:
                    outcomes.append("refused")
            return client.budget

    budget = sync() if kind == "sync" else anyio.run(main)
    assert outcomes == ["timeout"] * 4 + ["refused"] * 4
    assert len(server.posts) == 4
    assert budget.spent <= Decimal("0.05")
    assert budget.reserved == 0


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_call_that_never_reached_the_server_releases_its_hold(raw: Any, kind: str) -> None:
    server = raw(lambda request: None)
    options = {"api_key": KEY, "base_url": server.base_url, "budget": "1", "max_retries": 0}

    def sync() -> Any:
        with Client(**options) as client:
            client.models.list_models()  # the prices, then nothing listens any more
            server.close()
            with pytest.raises(errors.APIConnectionError):
                client.complete(model=MODEL, messages=USER, max_tokens=10)
            return client.budget

    async def main() -> Any:
        async with AsyncClient(**options) as client:
            await client.models.list_models()
            server.close()
            with pytest.raises(errors.APIConnectionError):
                await client.complete(model=MODEL, messages=USER, max_tokens=10)
            return client.budget

    budget = sync() if kind == "sync" else anyio.run(main)
    assert (budget.spent, budget.reserved) == (0, 0)  # refused: the server cannot have billed


@pytest.fixture
def use(emu: Emulator) -> Callable[..., Any]:
    """Run ``body(client)`` (written once, awaiting where the async client needs it) with a
    fresh Client and a fresh AsyncClient; returns what each gave."""

    def run(body: Callable[[Any], Any], **options: Any) -> list[Any]:
        options = {"api_key": emu.api_key, "base_url": emu.base_url, **options}
        results = []
        emu.reset()
        with Client(**options) as client:
            results.append(_drive(body(client)))
        emu.reset()

        async def main() -> Any:
            async with AsyncClient(**options) as client:
                return await body(client)

        results.append(anyio.run(main))
        return results

    return run


def _drive(coroutine: Any) -> Any:
    """Run a body written for both clients with the blocking one: it awaits nothing real."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    raise AssertionError("a body for the blocking client awaited something real")


async def _maybe(value: Any) -> Any:
    return await value if hasattr(value, "__await__") else value


def test_a_body_cut_mid_way_keeps_its_hold_pending_then_commits_it(use: Any, emu: Emulator) -> None:
    async def body(client: Any) -> tuple[Any, ...]:
        await _maybe(client.models.refresh())
        emu.script(path="/chat/completions", fault="reset_mid_body")
        with pytest.raises(errors.APIConnectionError):
            await _maybe(client.complete(model=MODEL, messages=USER, max_tokens=100))
        budget = client.budget
        held = budget.pending
        # The headers came (X-Generation-Id) but no answer: it may have been billed.
        assert held > 0
        assert (budget.reserved, budget.spent) == (held, 0)
        # The emulator keeps no record of a faulted answer: the lookup finds nothing yet.
        assert await _maybe(client.settle_pending()) == 1
        await _maybe(client.close())  # looked up once more, then committed whole
        return budget.spent, held, budget.reserved

    for spent, held, reserved in use(body, budget="1"):
        assert (spent, reserved) == (held, 0)
    lookups = [r for r in emu.requests if r.path == "/generation"]
    assert len(lookups) == 2
    assert lookups[0].query["id"].startswith("gen-")


def test_a_cut_stream_is_settled_from_the_generation(use: Any, emu: Emulator) -> None:
    async def body(client: Any) -> tuple[Any, ...]:
        emu.script_stream(chunks=8, cut_after=3)
        stream = client.stream(model=MODEL, messages=USER, max_tokens=100)
        with pytest.raises(errors.APIConnectionError):
            await _maybe(stream.final_response())
        budget = client.budget
        assert budget.pending > 0
        assert await _maybe(client.settle_pending(timeout=5)) == 0
        return budget.spent, budget.reserved, emu.ledger.cost_decimal

    for spent, reserved, billed in use(body, budget="1"):
        assert reserved == 0
        assert 0 < spent == billed  # the tokens delivered before the cut, as the server billed


def test_stats_that_appear_late_are_waited_for() -> None:
    with (
        Emulator(generation_delay=0.6) as emu,
        Client(api_key=emu.api_key, base_url=emu.base_url, budget="1") as client,
    ):
        emu.script_stream(chunks=8, cut_after=3)
        with pytest.raises(errors.APIConnectionError):
            client.stream(model=MODEL, messages=USER, max_tokens=100).final_response()
        budget = client.budget
        assert budget is not None
        assert client.settle_pending() == 1  # not there yet: still held
        started = time.monotonic()
        assert client.settle_pending(timeout=10) == 0
        assert time.monotonic() - started < 5
        assert budget.spent == emu.ledger.cost_decimal > 0


def test_a_refusal_first_settles_the_holds_awaiting_their_cost(emu: Emulator) -> None:
    async def main() -> None:
        async with AsyncClient(api_key=emu.api_key, base_url=emu.base_url, budget="1") as client:
            await client.models.refresh()
            worst = client._worst_case(
                client._prepare_completion(
                    None, {"model": MODEL, "messages": USER, "max_tokens": 100}
                )
            )
            assert worst is not None
            budget = client.budget
            assert budget is not None
            budget.limit = worst.cost * 3 / 2  # room for one hold, not two
            emu.script_stream(chunks=8, cut_after=3)
            with pytest.raises(errors.APIConnectionError):
                await client.stream(model=MODEL, messages=USER, max_tokens=100).final_response()
            assert budget.pending == worst.cost
            # The next call does not fit beside the pending hold; its generation is looked up
            # first, costs far less, and the call goes through.
            reply = await client.complete(model=MODEL, messages=USER, max_tokens=100)
            assert budget.pending == 0
            assert budget.spent == emu.ledger.cost_decimal
            assert reply.cost < worst.cost
            assert [r.path for r in emu.requests].count("/generation") == 1

    anyio.run(main)


def test_a_stream_dropped_early_keeps_no_hold_in_flight(emu: Emulator) -> None:
    with Client(api_key=emu.api_key, base_url=emu.base_url, budget=1) as client:
        emu.script_stream(chunks=200, delay=0.002)
        stream = client.stream(model=MODEL, messages=USER, max_tokens=300)
        next(iter(stream))
        del stream  # dropped: closed and recorded by the finalizer
        budget = client.budget
        assert budget is not None
        assert budget.reserved == budget.pending > 0
        assert client.settle_pending(timeout=10) == 0
        assert budget.spent == emu.ledger.cost_decimal


# -- F4: the hold is a bound no prompt can beat -------------------------------------------------
_RNG = random.Random(0)
PROMPTS = {
    "punctuation": "".join(_RNG.choice("!@#$%^&*()_+{}|:<>?~`-=[]\\;',./\"") for _ in range(800)),
    "rare CJK": "".join(chr(_RNG.randrange(0x20000, 0x2A6DF)) for _ in range(400)),
    "emoji": "".join(chr(_RNG.randrange(0x1F300, 0x1FAFF)) for _ in range(400)),
    "digit runs": "".join(_RNG.choice("0123456789") for _ in range(1600)),
}


@pytest.mark.parametrize("kind", list(PROMPTS))
def test_adversarial_prompts_cannot_push_spend_past_the_cap(emu: Emulator, kind: str) -> None:
    """The review's reproducer, and the same calls billed as the worst tokenizer would (a token
    for every UTF-8 byte): 50 concurrent calls never spend more than the cap."""
    prompt = PROMPTS[kind]
    cap = Decimal("0.002")

    async def run(budget: str) -> Any:
        async with AsyncClient(api_key=emu.api_key, base_url=emu.base_url, budget=budget) as c:
            await c.models.list_models()

            async def one(i: int) -> None:
                with contextlib.suppress(errors.BudgetExceededError):
                    await c.complete(
                        model="openai/gpt-4o",
                        max_tokens=5,
                        messages=[{"role": "user", "content": prompt + str(i)}],
                    )

            async with anyio.create_task_group() as group:
                for i in range(50):
                    group.start_soon(one, i)
            return c.budget

    budget = anyio.run(run, str(cap))
    assert budget.spent <= cap
    assert emu.ledger.cost_decimal <= cap
    # Billed at a token per byte (plus framing), the most any byte-level tokenizer can count.
    emu.reset()
    tokens = len((prompt + "00").encode()) + 4
    cost = tokens * Decimal("0.0000025") + 5 * Decimal("0.00001")
    usage = {"prompt_tokens": tokens, "completion_tokens": 5, "cost": str(cost)}
    emu.script(body=json.loads(_completion(usage)), path="/chat/completions", times=50)
    budget = anyio.run(run, "0.01")
    assert cost <= budget.spent <= Decimal("0.01")  # calls went through, within the cap


# -- F5: costs and counts from the server are checked -------------------------------------------
BAD_USAGE = {
    "NaN cost": {"prompt_tokens": 5, "completion_tokens": 2, "cost": float("nan")},
    "negative cost": {"prompt_tokens": 5, "completion_tokens": 2, "cost": -3.5},
    "infinite cost": {"prompt_tokens": 5, "completion_tokens": 2, "cost": float("inf")},
    "huge cost": {"prompt_tokens": 5, "completion_tokens": 2, "cost": 1e300},
    "text cost": {"prompt_tokens": 5, "completion_tokens": 2, "cost": "abc"},
    "negative tokens": {"prompt_tokens": -1000, "completion_tokens": -5, "total_tokens": -1005},
    "negative details": {"prompt_tokens": 5, "prompt_tokens_details": {"cached_tokens": -5}},
}


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("case", list(BAD_USAGE))
def test_a_bad_cost_or_count_is_refused_and_commits_the_hold(
    raw: Any, case: str, kind: str
) -> None:
    """The review's reproducer: a NaN or negative cost no longer breaks the client or raises
    the budget left; the answer is refused with InvalidResponseError, and the hold of a call
    the server billed is committed, never released."""
    server = raw(lambda request: _http(200, _completion(BAD_USAGE[case])))
    options = {"api_key": KEY, "base_url": server.base_url, "budget": "10"}
    call = {"model": MODEL, "messages": USER, "max_tokens": 10}
    errors_seen: list[BaseException] = []

    def sync() -> Any:
        with Client(**options) as client:
            for _ in range(2):
                try:
                    client.complete(**call)
                except Exception as exc:  # any exception: checked below
                    errors_seen.append(exc)
            return client.budget, client.usage

    async def main() -> Any:
        async with AsyncClient(**options) as client:
            for _ in range(2):
                try:
                    await client.complete(**call)
                except Exception as exc:  # any exception: checked below
                    errors_seen.append(exc)
            return client.budget, client.usage

    budget, usage = sync() if kind == "sync" else anyio.run(main)
    assert [type(e) for e in errors_seen] == [errors.InvalidResponseError] * 2
    assert len(server.posts) == 2
    hold = budget.spent / 2  # no generation id: both holds committed whole
    assert hold > 0
    assert budget.spent.is_finite()
    assert (budget.reserved, budget.remaining) == (0, Decimal(10) - budget.spent)
    assert (usage.requests, usage.total_tokens, usage.cost) == (0, 0, 0)


def test_a_bad_usage_in_a_stream_is_refused_and_its_hold_kept(emu: Emulator) -> None:
    chunk = {"id": "gen-bad", "model": MODEL, "choices": []}
    events = [
        {**chunk, "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": "stop"}]},
        {**chunk, "usage": {"prompt_tokens": 5, "completion_tokens": 2, "cost": -3.5}},
    ]
    body = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
    emu.script(body=body, headers={"Content-Type": "text/event-stream"}, path="/chat/completions")
    with Client(api_key=emu.api_key, base_url=emu.base_url, budget="1") as client:
        with pytest.raises(errors.InvalidResponseError, match="usage is not the documented shape"):
            client.stream(model=MODEL, messages=USER, max_tokens=10).final_response()
        budget = client.budget
        assert budget is not None
        assert budget.pending > 0  # kept on the chunks' generation id
        assert client.usage.requests == 0
    assert budget.spent > 0  # the emulator has no record of a scripted answer: committed
    assert budget.reserved == 0


def test_a_generation_with_a_negative_cost_is_an_invalid_response(emu: Emulator) -> None:
    emu.script(body={"data": {"id": "gen-x", "total_cost": -1}}, path="/generation")
    with (
        Client(api_key=emu.api_key, base_url=emu.base_url) as client,
        pytest.raises(errors.InvalidResponseError, match="total_cost must be a USD amount"),
    ):
        client.generation("gen-x")


def test_settle_pending_without_a_budget_does_nothing(emu: Emulator) -> None:
    with Client(api_key=emu.api_key, base_url=emu.base_url) as client:
        assert client.settle_pending(timeout=1) == 0

    async def main() -> int:
        async with AsyncClient(api_key=emu.api_key, base_url=emu.base_url) as client:
            return await client.settle_pending()

    assert anyio.run(main) == 0
    assert emu.requests == []


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
@pytest.mark.anyio
async def test_a_close_cancelled_while_it_looks_up_still_ends_the_books(
    emu: Emulator, anyio_backend: str
) -> None:
    client = AsyncClient(api_key=emu.api_key, base_url=emu.base_url, budget="1")
    emu.script(path="/chat/completions", fault="reset_mid_body")
    with pytest.raises(errors.APIConnectionError):
        await client.complete(model=MODEL, messages=USER, max_tokens=10)
    budget = client.budget
    assert budget is not None
    assert budget.pending > 0
    with anyio.CancelScope() as scope:
        scope.cancel()
        await client.aclose()  # the lookup is cancelled: the hold is committed all the same
    assert (budget.pending, budget.reserved) == (0, 0)
    assert budget.spent > 0
    assert client._closed
