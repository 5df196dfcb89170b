"""The client's own rate limits and its store, for both shells: wait or raise, nothing sent when
refused, tokens reconciled with the usage, per-model scopes, the deadline, the store hook."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import anyio
import pytest
from pytest_httpx import HTTPXMock

from openrouter_kit import AsyncClient, MemoryStore, RateLimit, StoreEvent, errors
from openrouter_kit._core.accounting import Budget, HoldEnd, Lookup, PendingHold
from openrouter_kit._core.breaker import BreakerKey, CircuitBreaker
from openrouter_kit._core.ratelimit import Denied, RateLimiter, Ticket
from tests.shells.conftest import BASE, call

pytestmark = pytest.mark.anyio
USER = [{"role": "user", "content": "Hi"}]
USAGE = {"prompt_tokens": 6, "completion_tokens": 4, "total_tokens": 10}
OK = {
    "id": "gen-1",
    "model": "a/x",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}}],
    "usage": USAGE,
}


class Clock:
    """The limiter's view of time: the real clock plus what the shells were made to sleep."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.offset += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


class ClockedLimiter(RateLimiter):
    def __init__(self, rate_limit: RateLimit, clock: Clock) -> None:
        super().__init__(rate_limit)
        self.clock = clock

    def admit(self, model: str, tokens: int, now: float) -> Ticket | Denied:
        return super().admit(model, tokens, now + self.clock.offset)


class ClockedStore(MemoryStore):
    """A memory store whose limiter lives on ``clock``, so a wait costs no real time."""

    __slots__ = ("clock", "listeners")

    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock
        self.listeners: list[Callable[[StoreEvent], None]] = []

    def limiter(self, rate_limit: RateLimit) -> RateLimiter:
        return ClockedLimiter(rate_limit, self.clock)

    def listen(self, listener: Callable[[StoreEvent], None]) -> None:
        self.listeners.append(listener)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(time, "sleep", clock.sleep)
    monkeypatch.setattr(anyio, "sleep", clock.asleep)
    return clock


def limited(make_client: Any, clock: Clock, **settings: Any) -> Any:
    options = {k: settings.pop(k) for k in ("deadline", "max_retries", "hooks") if k in settings}
    return make_client(rate_limit=RateLimit(**settings), store=ClockedStore(clock), **options)


async def test_raise_refuses_before_sending_and_the_refusal_costs_nothing(
    make_client: Any, httpx_mock: HTTPXMock, clock: Clock
) -> None:
    errors_seen: list[Any] = []
    client = limited(
        make_client,
        clock,
        requests_per_minute=1,
        on_limit="raise",
        hooks={"error": [errors_seen.append]},
    )
    httpx_mock.add_response(json=OK)
    await call(client.complete(model="a/x", messages=USER))
    for _ in range(3):
        with pytest.raises(errors.RateLimitError, match="on_limit='raise'") as info:
            await call(client.complete(model="a/x", messages=USER))
    assert len(httpx_mock.get_requests()) == 1  # nothing sent when refused
    error = info.value
    assert error.status_code is None
    assert error.metadata == {"limit": "rpm", "scope": "key"}
    assert 0 < error.retry_after <= 120
    assert [event.error for event in errors_seen][-1] is error
    assert clock.sleeps == []
    assert client.rate_limit == RateLimit(requests_per_minute=1, on_limit="raise")


async def test_wait_sleeps_until_there_is_room_then_sends(
    make_client: Any, httpx_mock: HTTPXMock, clock: Clock
) -> None:
    client = limited(make_client, clock, requests_per_minute=2, max_wait=120)
    httpx_mock.add_response(json=OK, is_reusable=True)
    for _ in range(3):
        await call(client.complete(model="a/x", messages=USER))
    assert len(httpx_mock.get_requests()) == 3
    assert len(clock.sleeps) >= 1
    assert 0 < sum(clock.sleeps) <= 120


async def test_a_wait_past_max_wait_or_the_deadline_raises_without_sending(
    make_client: Any, httpx_mock: HTTPXMock, clock: Clock
) -> None:
    httpx_mock.add_response(json=OK, is_reusable=True)
    client = limited(make_client, clock, requests_per_minute=1, max_wait=0.5)
    await call(client.complete(model="a/x", messages=USER))
    with pytest.raises(errors.RateLimitError, match=r"past max_wait=0\.5 s"):
        await call(client.complete(model="a/x", messages=USER))
    bounded = limited(make_client, clock, requests_per_minute=1, max_wait=120, deadline=0.5)
    await call(bounded.complete(model="a/x", messages=USER))
    with pytest.raises(errors.RateLimitError, match="after the call's deadline"):
        await call(bounded.complete(model="a/x", messages=USER))
    assert len(httpx_mock.get_requests()) == 2
    assert clock.sleeps == []


async def test_an_estimate_above_the_token_limit_is_refused_at_once(
    make_client: Any, httpx_mock: HTTPXMock, clock: Clock
) -> None:
    client = limited(make_client, clock, tokens_per_minute=500)
    with pytest.raises(errors.RateLimitError, match="estimated tokens alone") as info:
        await call(client.complete(model="a/x", messages=USER, max_tokens=1000))
    assert info.value.retry_after is None
    assert httpx_mock.get_requests() == []
    assert clock.sleeps == []


async def test_the_usage_reconciles_the_estimate(
    make_client: Any, httpx_mock: HTTPXMock, clock: Clock
) -> None:
    # Each call is charged its prompt plus 600 tokens; the answer says 10 were used, so the
    # next call fits. Without a usage the estimate stays charged and the next one must wait.
    client = limited(make_client, clock, tokens_per_minute=1000, on_limit="raise")
    httpx_mock.add_response(json=OK)
    httpx_mock.add_response(json=OK)
    await call(client.complete(model="a/x", messages=USER, max_tokens=600))
    await call(client.complete(model="a/x", messages=USER, max_tokens=600))
    no_usage = {k: v for k, v in OK.items() if k != "usage"}
    httpx_mock.add_response(json=no_usage)
    await call(client.complete(model="a/x", messages=USER, max_tokens=600))
    with pytest.raises(errors.RateLimitError, match="tokens per minute"):
        await call(client.complete(model="a/x", messages=USER, max_tokens=600))
    assert len(httpx_mock.get_requests()) == 3


async def test_an_attempt_the_server_refused_gives_its_tokens_back(
    make_client: Any, httpx_mock: HTTPXMock, clock: Clock
) -> None:
    client = limited(make_client, clock, tokens_per_minute=1000, on_limit="raise", max_retries=0)
    httpx_mock.add_response(status_code=503, json={"error": {"code": 503, "message": "busy"}})
    with pytest.raises(errors.ModelUnavailableError):
        await call(client.complete(model="a/x", messages=USER, max_tokens=900))
    httpx_mock.add_response(json=OK)
    await call(client.complete(model="a/x", messages=USER, max_tokens=900))
    assert len(httpx_mock.get_requests()) == 2


async def test_per_model_scopes_count_each_model_alone(
    make_client: Any, httpx_mock: HTTPXMock, clock: Clock
) -> None:
    client = limited(make_client, clock, requests_per_minute=1, per_model=True, on_limit="raise")
    httpx_mock.add_response(json=OK, is_reusable=True)
    await call(client.complete(model="a/x", messages=USER))
    await call(client.complete(model="b/y", messages=USER))
    with pytest.raises(errors.RateLimitError, match="for a/x") as info:
        await call(client.complete(model="a/x", messages=USER))
    assert info.value.metadata == {"limit": "rpm", "scope": "model:a/x"}
    assert len(httpx_mock.get_requests()) == 2


async def test_with_options_copies_share_the_limit_and_lookups_are_not_counted(
    make_client: Any, httpx_mock: HTTPXMock, clock: Clock
) -> None:
    client = limited(make_client, clock, requests_per_minute=1, on_limit="raise")
    httpx_mock.add_response(json=OK)
    await call(client.with_options(max_retries=0).complete(model="a/x", messages=USER))
    with pytest.raises(errors.RateLimitError):
        await call(client.complete(model="a/x", messages=USER))
    httpx_mock.add_response(json={"data": {"id": "gen-1", "total_cost": 0}})
    await call(client.generation("gen-1"))  # not a chat completion: not limited


async def test_a_refused_attempt_does_not_keep_the_half_open_probe(
    make_client: Any, httpx_mock: HTTPXMock, clock: Clock
) -> None:
    client = make_client(
        rate_limit=RateLimit(requests_per_minute=1, on_limit="raise"),
        store=ClockedStore(clock),
        breaker_threshold=1,
        breaker_recovery=0,
        max_retries=0,
    )
    httpx_mock.add_response(status_code=503, json={"error": {"code": 503, "message": "busy"}})
    with pytest.raises(errors.ModelUnavailableError):
        await call(client.complete(model="a/x", messages=USER))
    with pytest.raises(errors.RateLimitError):
        await call(client.complete(model="a/x", messages=USER))
    assert client.breaker.available(("chat_completions", "a/x"), time.monotonic())


async def test_the_store_hook_gets_the_store_s_switches(
    make_client: Any, httpx_mock: HTTPXMock, clock: Clock
) -> None:
    seen: list[StoreEvent] = []
    store = ClockedStore(clock)
    client = make_client(store=store, hooks={"store": [seen.append]})
    event = StoreEvent(state="fallback", resource="all", namespace="team-a", error="timeout")
    for listener in store.listeners:
        listener(event)
    httpx_mock.add_response(json=OK)
    await call(client.complete(model="a/x", messages=USER))
    assert seen == [event]
    httpx_mock.add_response(json=OK)
    await call(client.complete(model="a/x", messages=USER))
    assert seen == [event]  # fired once
    assert client.store is store


@pytest.mark.parametrize(
    ("settings", "match"),
    [
        ({"rate_limit": {"requests_per_minute": 5}}, "rate_limit must be a RateLimit"),
        ({"store": "redis://localhost"}, "store must be a MemoryStore or a RedisStore"),
        ({"breaker_threshold": 0}, "breaker threshold must be >= 1"),
        ({"budget": "-1"}, "budget must be a USD amount >= 0"),
    ],
)
async def test_invalid_settings_are_refused(
    make_client: Any, settings: dict[str, Any], match: str
) -> None:
    with pytest.raises(errors.ConfigurationError, match=match):
        make_client(**settings)


async def test_a_store_given_is_not_closed_with_the_client(make_client: Any) -> None:
    closed: list[str] = []

    class Watched(MemoryStore):
        __slots__ = ()

        def close(self) -> None:
            closed.append("close")

        async def aclose(self) -> None:
            closed.append("aclose")

    client = make_client(store=Watched())
    await call(client.close())
    assert closed == []
    assert client.rate_limit is None


# -- a shared store: the async client awaits its twins ------------------------------------------
class CountingBreaker(CircuitBreaker):
    def __init__(self, threshold: int | None, recovery_time: float, seen: list[str]) -> None:
        super().__init__(threshold, recovery_time)
        self.seen = seen

    async def aroute(
        self, endpoint: str, candidates: Sequence[str], now: float
    ) -> tuple[str, list[str]]:
        self.seen.append("aroute")
        return await super().aroute(endpoint, candidates, now)

    async def arecord_success(self, key: BreakerKey) -> None:
        self.seen.append("arecord_success")
        await super().arecord_success(key)

    async def arecord_failure(self, key: BreakerKey, now: float) -> None:
        self.seen.append("arecord_failure")
        await super().arecord_failure(key, now)

    async def arelease(self, key: BreakerKey) -> None:
        self.seen.append("arelease")
        await super().arelease(key)


class CountingLimiter(ClockedLimiter):
    def __init__(self, rate_limit: RateLimit, clock: Clock, seen: list[str]) -> None:
        super().__init__(rate_limit, clock)
        self.seen = seen

    async def aadmit(self, model: str, tokens: int, now: float) -> Ticket | Denied:
        self.seen.append("aadmit")
        return await super().aadmit(model, tokens, now)

    async def areconcile(self, ticket: Ticket, tokens: int) -> None:
        self.seen.append(f"areconcile {tokens}")
        await super().areconcile(ticket, tokens)


class CountingBudget(Budget):
    __slots__ = ("seen",)

    def __init__(self, limit: Decimal, seen: list[str]) -> None:
        super().__init__(limit)
        self.seen = seen

    async def _areserve(
        self,
        amount: Decimal,
        what: str = "this call",
        lower_hold: str = "",
        now: float | None = None,
    ) -> Decimal:
        self.seen.append("_areserve")
        return await super()._areserve(amount, what, lower_hold, now)

    async def _aclaim(
        self, now: float, *, due_only: bool = True, limit: int | None = None
    ) -> list[PendingHold]:
        self.seen.append("_aclaim")
        return await super()._aclaim(now, due_only=due_only, limit=limit)

    async def _aresolve(self, hold: PendingHold, lookup: Lookup, now: float) -> HoldEnd:
        self.seen.append("_aresolve")
        return await super()._aresolve(hold, lookup, now)

    async def _acommit_pending(self) -> int:
        self.seen.append("_acommit_pending")
        return await super()._acommit_pending()


class SharedStore(ClockedStore):
    """A memory store that says it is shared, and records which twins were awaited."""

    __slots__ = ("seen",)
    shared = True

    def __init__(self, clock: Clock) -> None:
        super().__init__(clock)
        self.seen: list[str] = []

    def breaker(self, threshold: int | None, recovery_time: float) -> CircuitBreaker:
        return CountingBreaker(threshold, recovery_time, self.seen)

    def limiter(self, rate_limit: RateLimit) -> RateLimiter:
        return CountingLimiter(rate_limit, self.clock, self.seen)

    def budget(self, limit: Decimal) -> Budget:
        return CountingBudget(limit, self.seen)


async def test_the_async_client_awaits_a_shared_store_s_twins(
    make_client: Any, httpx_mock: HTTPXMock, clock: Clock
) -> None:
    store = SharedStore(clock)
    client = make_client(
        store=store,
        rate_limit=RateLimit(requests_per_minute=2, tokens_per_minute=5000, max_wait=120),
        max_retries=0,
    )
    httpx_mock.add_response(json=OK)
    await call(client.complete(model="a/x", messages=USER, max_tokens=50))
    httpx_mock.add_response(status_code=503, json={"error": {"code": 503, "message": "busy"}})
    with pytest.raises(errors.ModelUnavailableError):
        await call(client.complete(model="a/x", messages=USER, max_tokens=50))
    httpx_mock.add_response(json=OK)
    await call(client.complete(model="a/x", messages=USER, max_tokens=50))  # waits for room
    if isinstance(client, AsyncClient):
        assert store.seen[:3] == ["aroute", "aadmit", "arecord_success"]
        assert "areconcile 10" in store.seen
        assert "areconcile 0" in store.seen  # the 503 gave its tokens back
        assert "arecord_failure" in store.seen
        assert "arelease" in store.seen  # the probe-free wait for room
    else:
        assert store.seen == []  # the blocking client uses the sync methods
    assert len(clock.sleeps) == 1


MODEL = {
    "id": "a/x",
    "name": "A",
    "context_length": 1000,
    "pricing": {"prompt": "0.000001", "completion": "0.000002"},
}


async def test_the_async_client_awaits_a_shared_store_s_budget(
    make_client: Any, httpx_mock: HTTPXMock, clock: Clock
) -> None:
    store = SharedStore(clock)
    client = make_client(store=store, budget=Decimal(1), max_retries=0)
    httpx_mock.add_response(url=f"{BASE}/models?output_modalities=all", json={"data": [MODEL]})
    httpx_mock.add_response(json=OK)
    await call(client.complete(model="a/x", messages=USER, max_tokens=10))
    # A 200 whose body is cut: the hold stays pending on its generation id, then the lookup
    # at close settles it.
    httpx_mock.add_response(
        url=f"{BASE}/chat/completions",
        content=b'{"id": "gen-2", "choices": [',
        headers={"X-Generation-Id": "gen-2"},
    )
    with pytest.raises(errors.InvalidResponseError):
        await call(client.complete(model="a/x", messages=USER, max_tokens=10))
    assert client.budget.pending > 0
    httpx_mock.add_response(
        url=f"{BASE}/generation?id=gen-2", json={"data": {"id": "gen-2", "total_cost": 0.001}}
    )
    await call(client.close())
    assert client.budget.pending == 0
    assert client.budget.spent == Decimal("0.001014")  # 0.000014 estimated for the first
    if isinstance(client, AsyncClient):
        assert store.seen.count("_areserve") == 2
        assert {"_aclaim", "_aresolve", "_acommit_pending"} <= set(store.seen)
    else:
        assert store.seen == []


def test_a_store_switch_is_logged_once_on_the_store_logger(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from openrouter_kit._observe import store_switched

    store_switched(StoreEvent(state="fallback", resource="breaker", error="timed out"))
    store_switched(StoreEvent(state="resumed", resource="breaker"))
    records = [r for r in caplog.records if r.name == "openrouter_kit.store"]
    assert [(r.levelname, r.resource, r.store_state) for r in records] == [  # type: ignore[attr-defined]
        ("WARNING", "breaker", "fallback"),
        ("INFO", "breaker", "resumed"),
    ]
    assert "unreachable (timed out): breaker falls back" in records[0].getMessage()
