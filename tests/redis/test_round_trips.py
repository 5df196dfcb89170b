"""What sharing costs per call on a real redis-server: one round trip in steady state (counted
on the socket, not only by the store), end-of-call writes that never block and are sent within
``FLUSH_AFTER`` when the process goes idle, an async shell that never waits on Redis in its
event loop, and the hold TTL each client derives."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import anyio
import pytest
import redis.asyncio.connection
import redis.connection
import sniffio

import redis
from openrouter_kit import AsyncClient, Client, RateLimit, RedisStore, errors
from openrouter_kit._redis import _conn
from openrouter_kit._redis._budget import HOLD_MARGIN, HOLD_TTL
from openrouter_kit.testing import Emulator

MODEL = "openai/gpt-4o-mini"
QUESTION = [{"role": "user", "content": "Name one lighthouse."}]
LIMITS = RateLimit(requests_per_minute=100_000, tokens_per_minute=10**9)


class Sends:
    """Every write of a command (or of a whole pipeline) to a Redis socket: one per round
    trip, counted below redis-py, whichever client sent it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        lock = threading.Lock()
        for cls in (
            redis.connection.AbstractConnection,
            redis.asyncio.connection.AbstractConnection,
        ):
            original = cls.send_packed_command

            def counted(self_: Any, *args: Any, _original: Any = original, **kw: Any) -> Any:
                with lock:
                    self.count += 1
                return _original(self_, *args, **kw)

            monkeypatch.setattr(cls, "send_packed_command", counted)


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def no_flusher(monkeypatch: pytest.MonkeyPatch) -> None:
    """The flusher waits longer than the test: queued writes go with the next call only."""
    monkeypatch.setattr(_conn, "FLUSH_AFTER", 60.0)


def test_a_call_with_a_rate_limit_and_a_budget_costs_one_round_trip(
    emu: Emulator, redis_url: str, monkeypatch: pytest.MonkeyPatch, no_flusher: None
) -> None:
    store = RedisStore.from_url(redis_url, namespace="trips")
    with Client(
        api_key=emu.api_key, base_url=emu.base_url, store=store, budget="10", rate_limit=LIMITS
    ) as client:
        for _ in range(3):  # warm up: the connection, the model list
            client.complete(model=MODEL, messages=QUESTION, max_tokens=8)
        sends = Sends(monkeypatch)
        before = store.round_trips
        for _ in range(20):
            client.complete(model=MODEL, messages=QUESTION, max_tokens=8)
        assert store.round_trips - before == 20
        assert sends.count == 20
        assert store._conn.queued > 0  # the last call's end waits for the next command
    assert store._conn.queued == 0  # closing the client sent it
    assert client.budget is not None
    assert (client.budget.reserved, client.budget.spent) == (0, emu.ledger.cost_decimal)
    store.close()


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_the_async_shell_costs_one_round_trip_too(
    emu: Emulator, redis_url: str, monkeypatch: pytest.MonkeyPatch, no_flusher: None
) -> None:
    store = RedisStore.from_url(redis_url, namespace="atrips")
    async with AsyncClient(
        api_key=emu.api_key, base_url=emu.base_url, store=store, budget="10", rate_limit=LIMITS
    ) as client:
        for _ in range(3):
            await client.complete(model=MODEL, messages=QUESTION, max_tokens=8)
        sends = Sends(monkeypatch)
        before = store.round_trips
        for _ in range(20):
            await client.complete(model=MODEL, messages=QUESTION, max_tokens=8)
        assert (store.round_trips - before, sends.count) == (20, 20)
    assert client.budget is not None
    assert client.budget.spent == emu.ledger.cost_decimal
    await store.aclose()


def test_queued_writes_are_sent_within_flush_after_when_the_process_goes_idle(
    emu: Emulator, redis_url: str
) -> None:
    store = RedisStore.from_url(redis_url, namespace="idle")
    watcher = RedisStore.from_url(redis_url, namespace="idle")
    client = Client(api_key=emu.api_key, base_url=emu.base_url, store=store, budget="10")
    client.complete(model=MODEL, messages=QUESTION, max_tokens=8)
    books = watcher.budget(Decimal(10))
    assert books.reserved > 0  # the settle is queued: the hold still counts (conservative)
    time.sleep(_conn.FLUSH_AFTER + 0.15)
    assert (books.reserved, books.spent) == (0, emu.ledger.cost_decimal)
    flusher = store._conn._flusher
    assert flusher is not None
    flusher.join(_conn.FLUSHER_IDLE + 1)  # idle: the flusher thread ends by itself
    assert not flusher.is_alive()
    client.complete(model=MODEL, messages=QUESTION, max_tokens=8)
    client.close()
    store.close()  # joins the flusher it started again
    assert store._conn._flusher is None
    assert not [t for t in threading.enumerate() if t.name == "openrouter-kit-redis-flush"]
    assert books.spent == emu.ledger.cost_decimal
    watcher.close()


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_nothing_in_the_async_shell_blocks_on_redis(
    emu: Emulator, redis_url: str, monkeypatch: pytest.MonkeyPatch, anyio_backend: str
) -> None:
    """Every blocking round trip is refused in the event loop's thread: the async shell must
    await the store (asyncio), hand it to a worker thread (trio), or queue it."""
    blocking = _conn.Connection.send

    def refuse_in_the_loop(self: _conn.Connection, ops: list[Any]) -> list[Any]:
        try:
            library = sniffio.current_async_library()
        except sniffio.AsyncLibraryNotFoundError:
            return blocking(self, ops)
        raise AssertionError(f"a blocking Redis round trip inside {library}")

    monkeypatch.setattr(_conn.Connection, "send", refuse_in_the_loop)
    store = RedisStore.from_url(redis_url, namespace=f"async-{anyio_backend}")
    client = AsyncClient(
        api_key=emu.api_key,
        base_url=emu.base_url,
        store=store,
        budget="0.00004",
        rate_limit=LIMITS,
        max_retries=1,
        backoff_initial=0.01,
    )
    emu.inject_failures(0.3, statuses=(500,), seed=3)
    refused = 0
    for _ in range(12):
        try:
            await client.complete(model=MODEL, messages=QUESTION, max_tokens=8)
            async with client.stream(model=MODEL, messages=QUESTION, max_tokens=8) as chunks:
                async for _chunk in chunks:
                    pass
        except errors.BudgetExceededError:
            refused += 1
        except errors.OpenRouterError:
            pass
    assert refused  # the cap was reached: the refusal path ran too
    assert await client.settle_pending() == 0
    await client.aclose()
    await store.aclose()
    budget = client.budget
    assert budget is not None
    books = await anyio.to_thread.run_sync(lambda: (budget.reserved, budget.spent))
    assert books == (0, emu.ledger.cost_decimal)
    assert store.errors == 0


def test_a_success_anywhere_resets_the_fleet_s_failures_in_a_row(redis_url: str) -> None:
    """Two processes: one fails, the other succeeds with a state read before those failures;
    its success still counts (the cause of a flaky fleet test: a healthy service, 5% faults
    spread over 8 processes, tripped the shared breaker)."""
    failing = RedisStore.from_url(redis_url, namespace="resets")
    working = RedisStore.from_url(redis_url, namespace="resets")
    key = ("chat_completions", MODEL)
    a, b = failing.breaker(3, 30.0), working.breaker(3, 30.0)
    now = time.monotonic()
    b.check(key, now)  # B's cache: closed, no failures, for the next 200 ms
    for _ in range(5):
        a.check(key, now)
        a.record_failure(key, now)
        b.record_success(key)
        working._conn.flush()
    assert a.status(*key).state.value == "closed"
    for store in (failing, working):
        store.close()


def test_a_refused_hold_gives_its_rate_limit_admission_back(emu: Emulator, redis_url: str) -> None:
    store = RedisStore.from_url(redis_url, namespace="refund")
    limits = RateLimit(requests_per_minute=2, on_limit="raise")
    with Client(
        api_key=emu.api_key, base_url=emu.base_url, store=store, budget="0", rate_limit=limits
    ) as client:
        for _ in range(5):  # each refused by the budget: none may use up the 2 requests
            with pytest.raises(errors.BudgetExceededError):
                client.complete(model=MODEL, messages=QUESTION, max_tokens=8)
    with Client(
        api_key=emu.api_key, base_url=emu.base_url, store=store, rate_limit=limits
    ) as client:
        client.complete(model=MODEL, messages=QUESTION, max_tokens=8)
        client.complete(model=MODEL, messages=QUESTION, max_tokens=8)
        with pytest.raises(errors.RateLimitError):
            client.complete(model=MODEL, messages=QUESTION, max_tokens=8)
    store.close()


def test_the_hold_ttl_comes_from_the_client_s_settings(redis_url: str) -> None:
    store = RedisStore.from_url(redis_url, namespace="ttl")
    deadline = Client(api_key="sk-or-x", store=store, budget="1", deadline=90)
    assert deadline.budget._hold_ttl == 90 + HOLD_MARGIN  # type: ignore[union-attr]
    timeouts = Client(
        api_key="sk-or-x",
        store=store,
        budget="1",
        timeout=10,
        stream_idle_timeout=20,
        max_retries=2,
        backoff_max=5,
        max_retry_after=7,
    )
    # 3 attempts of pool + connect + write + max(read, idle), and 2 waits of at most 7 s
    assert timeouts.budget._hold_ttl == 3 * (10 + 10 + 10 + 20) + 2 * 7 + HOLD_MARGIN  # type: ignore[union-attr]
    unbounded = Client(api_key="sk-or-x", store=store, budget="1", stream_idle_timeout=None)
    assert unbounded.budget._hold_ttl == HOLD_TTL + HOLD_MARGIN  # type: ignore[union-attr]
    fixed = RedisStore.from_url(redis_url, namespace="ttl", hold_ttl=42)
    assert Client(api_key="sk-or-x", store=fixed, budget="1", deadline=90).budget._hold_ttl == 42  # type: ignore[union-attr]
    with pytest.raises(errors.ConfigurationError, match="hold_ttl"):
        RedisStore.from_url(redis_url, hold_ttl=0)
    for client in (deadline, timeouts, unbounded):
        client.close()
    store.close()
    fixed.close()
