"""The store seam: ``MemoryStore`` passes the store contract, and hands out today's states."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal

import anyio
import pytest

from openrouter_kit import MemoryStore, RateLimit, Store
from openrouter_kit._core.accounting import Budget
from openrouter_kit._core.breaker import CircuitBreaker
from openrouter_kit._core.ratelimit import RateLimiter
from tests.contract_store import ASYNC_SCENARIOS, SCENARIOS, StoreFactory


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_memory_store_keeps_the_contract(scenario: Callable[[StoreFactory], None]) -> None:
    scenario(MemoryStore)


@pytest.mark.parametrize("scenario", ASYNC_SCENARIOS, ids=lambda s: s.__name__)
def test_memory_store_keeps_the_async_contract(
    scenario: Callable[[StoreFactory], Awaitable[None]],
) -> None:
    anyio.run(scenario, MemoryStore)


def test_memory_store_hands_out_today_s_states_unshared() -> None:
    store = MemoryStore()
    assert isinstance(store, Store)
    assert (store.shared, store.namespace) == (False, "default")
    assert repr(MemoryStore("team-a")) == "<MemoryStore namespace='team-a'>"
    breaker = store.breaker(2, 5.0)
    assert type(breaker) is CircuitBreaker
    assert (breaker.threshold, breaker.recovery_time) == (2, 5.0)
    assert type(store.limiter(RateLimit(requests_per_minute=1))) is RateLimiter
    budget = store.budget(Decimal(3))
    assert type(budget) is Budget
    assert budget.limit == Decimal(3)
    # Each client gets its own states, even from one memory store.
    assert store.breaker(2, 5.0) is not breaker
    store.listen(lambda event: None)
    store.close()
    anyio.run(store.aclose)
