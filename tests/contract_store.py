"""What every state store must do: scenarios that take a store factory, for any ``Store``.

``tests/core/test_store.py`` runs them against ``MemoryStore``; the Redis tests run the same
scenarios against ``RedisStore`` (same assertions). Each scenario gets a fresh store from
``make`` (a new namespace for a shared store, so scenarios never see each other's state) and
uses the real monotonic clock, with short times, because a shared store keeps its own clock.

A scenario is a plain function ``scenario(make)``; ``ASYNC_SCENARIOS`` are coroutines
``await scenario(make)`` driving the ``a``-prefixed twins (run them under anyio).
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal

import pytest

from openrouter_kit import RateLimit, errors
from openrouter_kit._core.accounting import HoldEnd, Lookup
from openrouter_kit._core.breaker import CircuitState
from openrouter_kit._core.ratelimit import Denied, Ticket
from openrouter_kit._core.store import Store

__all__ = ["ASYNC_SCENARIOS", "SCENARIOS", "StoreFactory"]

#: Makes a fresh, empty store.
StoreFactory = Callable[[], Store]

ENDPOINT = "chat_completions"
KEY = (ENDPOINT, "a/b")


def now() -> float:
    return time.monotonic()


# -- circuit breaker -------------------------------------------------------------------------------
def breaker_trips_after_threshold_and_refuses(make: StoreFactory) -> None:
    breaker = make().breaker(3, 30.0)
    for _ in range(2):
        breaker.record_failure(KEY, now())
    assert breaker.status(*KEY).state is CircuitState.CLOSED
    assert breaker.available(KEY, now())
    breaker.record_failure(KEY, now())
    status = breaker.status(*KEY)
    assert (status.state, status.failures) == (CircuitState.OPEN, 3)
    assert not breaker.available(KEY, now())
    with pytest.raises(errors.CircuitOpenError) as info:
        breaker.check(KEY, now())
    assert info.value.metadata["model"] == "a/b"
    assert breaker.available((ENDPOINT, "other/model"), now())
    assert KEY in breaker.states()


def breaker_success_resets_the_count(make: StoreFactory) -> None:
    breaker = make().breaker(2, 30.0)
    breaker.record_failure(KEY, now())
    breaker.record_success(KEY)
    breaker.record_failure(KEY, now())
    assert breaker.status(*KEY).state is CircuitState.CLOSED


def breaker_lets_one_probe_through_after_recovery(make: StoreFactory) -> None:
    breaker = make().breaker(1, 0.2)
    breaker.record_failure(KEY, now())
    time.sleep(0.25)
    breaker.check(KEY, now())  # the probe
    with pytest.raises(errors.CircuitOpenError):
        breaker.check(KEY, now())  # one probe at a time
    breaker.record_success(KEY)
    assert breaker.status(*KEY).state is CircuitState.CLOSED
    breaker.check(KEY, now())


def breaker_failed_probe_opens_again_and_release_frees_it(make: StoreFactory) -> None:
    breaker = make().breaker(1, 0.2)
    breaker.record_failure(KEY, now())
    time.sleep(0.25)
    breaker.check(KEY, now())
    breaker.release(KEY)  # cancelled: the probe slot is free again
    breaker.check(KEY, now())
    breaker.record_failure(KEY, now())
    with pytest.raises(errors.CircuitOpenError):
        breaker.check(KEY, now())


def breaker_routes_past_open_models(make: StoreFactory) -> None:
    breaker = make().breaker(1, 30.0)
    breaker.record_failure(KEY, now())
    model, healthy = breaker.route(ENDPOINT, ["a/b", "c/d"], now())
    assert (model, healthy) == ("c/d", ["c/d"])
    breaker.record_failure((ENDPOINT, "c/d"), now())
    with pytest.raises(errors.CircuitOpenError):
        breaker.route(ENDPOINT, ["a/b", "c/d"], now())
    breaker.reset(ENDPOINT, "a/b")
    assert breaker.route(ENDPOINT, ["a/b", "c/d"], now()) == ("a/b", ["a/b"])
    breaker.reset()
    assert breaker.states() == {}


def breaker_off_never_trips(make: StoreFactory) -> None:
    breaker = make().breaker(None, 30.0)
    for _ in range(10):
        breaker.record_failure(KEY, now())
    breaker.check(KEY, now())


# -- rate limits -----------------------------------------------------------------------------------
def limiter_admits_up_to_the_rpm_then_denies_without_charging(make: StoreFactory) -> None:
    limiter = make().limiter(RateLimit(requests_per_minute=3))
    tickets = [limiter.admit("a/b", 0, now()) for _ in range(3)]
    assert all(isinstance(t, Ticket) for t in tickets)
    for _ in range(5):  # refused calls charge nothing: the answer stays the same
        denied = limiter.admit("a/b", 0, now())
        assert isinstance(denied, Denied)
        assert (denied.limit, denied.scope) == ("rpm", "key")
        assert 0 < denied.retry_after <= 120  # at most two windows
    # The whole key shares the limit, whatever the model.
    assert isinstance(limiter.admit("c/d", 0, now()), Denied)


def limiter_denies_tokens_all_or_nothing(make: StoreFactory) -> None:
    limiter = make().limiter(RateLimit(requests_per_minute=100, tokens_per_minute=1000))
    first = limiter.admit("a/b", 600, now())
    assert isinstance(first, Ticket)
    assert first.tokens == 600
    denied = limiter.admit("a/b", 600, now())
    assert isinstance(denied, Denied)
    assert denied.limit == "tpm"
    # The denied attempt charged no request either: 98 more fit under the request limit.
    for _ in range(99):
        assert isinstance(limiter.admit("a/b", 1, now()), Ticket)
    assert isinstance(limiter.admit("a/b", 1, now()), Denied)


def limiter_refuses_an_estimate_above_the_limit_for_ever(make: StoreFactory) -> None:
    limiter = make().limiter(RateLimit(tokens_per_minute=100))
    denied = limiter.admit("a/b", 101, now())
    assert isinstance(denied, Denied)
    assert denied.limit == "tpm"
    assert math.isinf(denied.retry_after)
    assert isinstance(limiter.admit("a/b", 100, now()), Ticket)


def limiter_reconcile_gives_back_and_takes_tokens(make: StoreFactory) -> None:
    limiter = make().limiter(RateLimit(tokens_per_minute=1000))
    ticket = limiter.admit("a/b", 900, now())
    assert isinstance(ticket, Ticket)
    assert isinstance(limiter.admit("a/b", 200, now()), Denied)
    limiter.reconcile(ticket, 100)  # it used far less than estimated
    assert isinstance(limiter.admit("a/b", 800, now()), Ticket)
    small = limiter.admit("a/b", 50, now())
    assert isinstance(small, Ticket)  # 950 used
    limiter.reconcile(small, 100)  # it used more: 1000 used
    assert isinstance(limiter.admit("a/b", 1, now()), Denied)


def limiter_per_model_scopes_are_separate(make: StoreFactory) -> None:
    limiter = make().limiter(RateLimit(requests_per_minute=1, per_model=True))
    first = limiter.admit("a/b", 0, now())
    assert isinstance(first, Ticket)
    assert first.scope == "model:a/b"
    denied = limiter.admit("a/b", 0, now())
    assert isinstance(denied, Denied)
    assert denied.scope == "model:a/b"
    assert isinstance(limiter.admit("c/d", 0, now()), Ticket)
    assert isinstance(limiter.admit("", 0, now()), Ticket)  # the account default model


# -- budget ----------------------------------------------------------------------------------------
def budget_holds_only_what_fits(make: StoreFactory) -> None:
    budget = make().budget(Decimal("1.00"))
    held = budget._reserve(Decimal("0.60"), now=now())
    assert held == Decimal("0.60")
    assert (budget.reserved, budget.remaining) == (Decimal("0.60"), Decimal("0.40"))
    with pytest.raises(errors.BudgetExceededError):
        budget._reserve(Decimal("0.50"), now=now())
    assert budget.reserved == Decimal("0.60")  # the refusal held nothing
    budget._settle(held, Decimal("0.10"))
    assert (budget.spent, budget.reserved) == (Decimal("0.10"), Decimal(0))
    assert budget.remaining == Decimal("0.90")
    assert budget.limit == Decimal("1.00")


def budget_release_and_unknown_cost(make: StoreFactory) -> None:
    budget = make().budget(Decimal("1"))
    held = budget._reserve(Decimal("0.3"), now=now())
    budget._release(held)
    assert (budget.spent, budget.remaining) == (Decimal(0), Decimal(1))
    held = budget._reserve(Decimal("0.3"), now=now())
    budget._settle(held, None)  # cost unknown: all of the hold is spent
    assert budget.spent == Decimal("0.3")


def budget_pending_hold_is_settled_by_its_lookup(make: StoreFactory) -> None:
    budget = make().budget(Decimal("1"))
    held = budget._reserve(Decimal("0.5"), now=now())
    budget._defer(held, "gen-1", now())
    assert budget.pending == Decimal("0.5")
    assert len(budget._pending) == 1
    holds = budget._claim(now(), due_only=False)
    assert [h.generation for h in holds] == ["gen-1"]
    assert budget._claim(now(), due_only=False) == []  # claimed: no second sweeper
    budget._unclaim(holds[0])
    (hold,) = budget._claim(now(), due_only=False)
    verdict = budget._resolve(hold, Lookup(found=True, cost=Decimal("0.2")), now())
    assert verdict is HoldEnd.SETTLE
    assert (budget.spent, budget.pending, budget.reserved) == (Decimal("0.2"), 0, 0)
    assert not budget._pending


def budget_commit_pending_spends_the_worst_case(make: StoreFactory) -> None:
    budget = make().budget(Decimal("1"))
    budget._defer(budget._reserve(Decimal("0.4"), now=now()), "gen-2", now())
    assert budget._commit_pending() == 1
    assert (budget.spent, budget.pending) == (Decimal("0.4"), 0)


# -- the async twins -------------------------------------------------------------------------------
async def async_breaker_twins(make: StoreFactory) -> None:
    breaker = make().breaker(1, 30.0)
    assert await breaker.aroute(ENDPOINT, ["a/b"], now()) == ("a/b", ["a/b"])
    await breaker.arecord_failure(KEY, now())
    assert breaker.status(*KEY).state is CircuitState.OPEN
    await breaker.arelease(KEY)
    await breaker.arecord_success(KEY)
    assert breaker.status(*KEY).state is CircuitState.CLOSED


async def async_limiter_twins(make: StoreFactory) -> None:
    limiter = make().limiter(RateLimit(tokens_per_minute=100))
    ticket = await limiter.aadmit("a/b", 100, now())
    assert isinstance(ticket, Ticket)
    assert isinstance(await limiter.aadmit("a/b", 10, now()), Denied)
    await limiter.areconcile(ticket, 50)
    assert isinstance(await limiter.aadmit("a/b", 10, now()), Ticket)


async def async_budget_twins(make: StoreFactory) -> None:
    budget = make().budget(Decimal("1"))
    held = await budget._areserve(Decimal("0.5"), now=now())
    await budget._asettle(held, Decimal("0.1"))
    held = await budget._areserve(Decimal("0.5"), now=now())
    await budget._arelease(held)
    await budget._adefer(await budget._areserve(Decimal("0.2"), now=now()), "gen-3", now())
    (hold,) = await budget._aclaim(now(), due_only=False)
    await budget._aunclaim(hold)
    (hold,) = await budget._aclaim(now(), due_only=False)
    lookup = Lookup(found=True, cost=Decimal("0.05"))
    assert await budget._aresolve(hold, lookup, now()) is HoldEnd.SETTLE
    await budget._adefer(await budget._areserve(Decimal("0.2"), now=now()), "gen-4", now())
    assert await budget._acommit_pending() == 1
    assert budget.spent == Decimal("0.35")


SCENARIOS: list[Callable[[StoreFactory], None]] = [
    breaker_trips_after_threshold_and_refuses,
    breaker_success_resets_the_count,
    breaker_lets_one_probe_through_after_recovery,
    breaker_failed_probe_opens_again_and_release_frees_it,
    breaker_routes_past_open_models,
    breaker_off_never_trips,
    limiter_admits_up_to_the_rpm_then_denies_without_charging,
    limiter_denies_tokens_all_or_nothing,
    limiter_refuses_an_estimate_above_the_limit_for_ever,
    limiter_reconcile_gives_back_and_takes_tokens,
    limiter_per_model_scopes_are_separate,
    budget_holds_only_what_fits,
    budget_release_and_unknown_cost,
    budget_pending_hold_is_settled_by_its_lookup,
    budget_commit_pending_spends_the_worst_case,
]

ASYNC_SCENARIOS: list[Callable[[StoreFactory], Awaitable[None]]] = [
    async_breaker_twins,
    async_limiter_twins,
    async_budget_twins,
]
