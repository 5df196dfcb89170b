"""Prices, cost estimates and session totals: exact money, per model, under concurrency."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from openrouter_kit._core.accounting import (
    Budget,
    UsageTotals,
    WorstCase,
    estimate_cost,
    price,
    unreported_cost,
    worst_case,
)
from openrouter_kit._core.convert import converters
from openrouter_kit._core.money import VARIABLE
from openrouter_kit._generated.models import ModelInfo, ModelPricing, TokenUsage
from openrouter_kit.errors import BudgetExceededError


def usage(**data: object) -> TokenUsage:
    return converters().fast.structure(data, TokenUsage)


def pricing(**data: object) -> ModelPricing:
    return converters().fast.structure(data, ModelPricing)


def test_price_gives_fixed_prices_only() -> None:
    assert price(Decimal("0.00000015")) == Decimal("0.00000015")
    assert price(VARIABLE) is None  # the wire's "-1": never priced
    assert price(None) is None
    # A price set by hand (not parsed from the wire) is read the way the wire's would be.
    assert price("0.00000015") == Decimal("0.00000015")
    for unknown in ("-1", "abc", True, "nan", "inf"):
        assert price(unknown) is None


def test_estimate_counts_every_priced_part() -> None:
    u = usage(
        prompt_tokens=1000,
        completion_tokens=300,
        prompt_tokens_details={"cached_tokens": 200, "cache_write_tokens": 100},
        completion_tokens_details={"reasoning_tokens": 100},
        server_tool_use_details={"web_search_requests": 2},
    )
    p = pricing(
        prompt="0.000001",
        completion="0.000002",
        input_cache_read="0.0000001",
        input_cache_write="0.00000125",
        internal_reasoning="0.000003",
        request="0.001",
        web_search="0.004",
    )
    expected = (
        700 * Decimal("0.000001")
        + 200 * Decimal("0.0000001")
        + 100 * Decimal("0.00000125")
        + 200 * Decimal("0.000002")
        + 100 * Decimal("0.000003")
        + Decimal("0.001")
        + 2 * Decimal("0.004")
    )
    assert estimate_cost(u, p) == expected


def test_estimate_falls_back_to_base_prices_and_refuses_variable_ones() -> None:
    u = usage(prompt_tokens=10, completion_tokens=5, prompt_tokens_details={"cached_tokens": 4})
    assert estimate_cost(u, pricing(prompt="0.1", completion="0.2")) == Decimal("2.0")
    assert estimate_cost(u, pricing(prompt="-1", completion="-1")) is None  # the auto router
    assert estimate_cost(u, None) is None
    assert estimate_cost(u, pricing(prompt="0", completion="0")) == 0  # free models cost nothing


def test_totals_per_model_and_estimates_are_marked() -> None:
    totals = UsageTotals()
    totals.record(usage(prompt_tokens=3, completion_tokens=2, total_tokens=5, cost=0.1), "a/x")
    totals.record(usage(prompt_tokens=1, completion_tokens=1, cost=None), "b/y", Decimal("0.25"))
    totals.record(None, "a/x")  # a request with no usage (a stream closed early)
    snap = totals.snapshot()
    assert (snap.requests, snap.prompt_tokens, snap.completion_tokens, snap.total_tokens) == (
        3,
        4,
        3,
        7,
    )
    assert (snap.cost, snap.estimated_cost) == (Decimal("0.35"), Decimal("0.25"))
    assert type(snap.cost) is Decimal
    assert set(snap.by_model) == {"a/x", "b/y"}
    assert (snap.by_model["a/x"].requests, snap.by_model["a/x"].cost) == (2, Decimal("0.1"))
    assert snap.by_model["b/y"].estimated_cost == Decimal("0.25")


def test_totals_are_exact_under_concurrency() -> None:
    totals = UsageTotals()
    one = usage(prompt_tokens=7, completion_tokens=3, total_tokens=10, cost=0.000001)

    def work(model: str) -> None:
        for _ in range(1000):
            totals.record(one, model)

    threads = [threading.Thread(target=work, args=(f"m/{i % 4}",)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    snap = totals.snapshot()
    assert snap.requests == 16_000
    assert snap.total_tokens == 160_000
    assert snap.cost == Decimal("0.016")  # exact: no float drift
    assert sum(m.requests for m in snap.by_model.values()) == 16_000


# -- the budget ------------------------------------------------------------------------------------
def test_budget_ledger_is_exact() -> None:
    budget = Budget(Decimal("0.01"))
    first = budget._reserve(Decimal("0.004"))
    second = budget._reserve(Decimal("0.003"))
    assert (budget.spent, budget.reserved, budget.remaining) == (
        0,
        Decimal("0.007"),
        Decimal("0.003"),
    )
    budget._settle(first, Decimal("0.0000001"))  # what the call really cost
    budget._release(second)  # failed before an answer: nothing billed
    assert (budget.spent, budget.reserved) == (Decimal("0.0000001"), 0)
    assert budget.remaining == Decimal("0.0099999")
    third = budget._reserve(Decimal("0.001"))
    budget._settle(third, None)  # cost unknown: the whole hold counts as spent
    assert budget.spent == Decimal("0.0010001")
    assert all(type(v) is Decimal for v in (budget.spent, budget.reserved, budget.remaining))


def test_budget_methods_that_move_money_are_private() -> None:
    public = {name for name in dir(Budget) if not name.startswith("_")}
    assert public == {"limit", "pending", "remaining", "reserved", "spent"}


def test_budget_repr_shows_limit_spent_and_held() -> None:
    budget = Budget(Decimal("1.00"))
    budget._settle(budget._reserve(Decimal("0.5")), Decimal("0.0000001"))
    budget._reserve(Decimal("0.25"))
    assert repr(budget) == (
        "<Budget limit=$1.00 spent=$0.0000001 held=$0.25 for 1 call in flight remaining=$0.7499999>"
    )


def test_budget_refusal_says_how_to_get_through() -> None:
    from openrouter_kit.errors import BudgetExceededError

    budget = Budget(Decimal("0.01"))
    budget._reserve(Decimal("0.006"))
    with pytest.raises(BudgetExceededError) as caught:
        budget._reserve(Decimal("0.006"), "this call", "set max_tokens to lower the hold")
    text = str(caught.value)
    assert "could cost up to $0.006, but only $0.004 of the $0.01 budget is left" in text
    assert "$0.006 held for 1 call in flight" in text
    assert "set max_tokens to lower the hold" in text
    assert "lower the concurrency" in text  # it would fit once the call in flight settles
    assert caught.value.metadata["in_flight"] == 1
    assert budget.reserved == Decimal("0.006")  # a refusal holds nothing

    with pytest.raises(BudgetExceededError) as caught:
        budget._reserve(Decimal("0.02"))  # more than the whole budget: concurrency won't help
    assert "lower the concurrency" not in str(caught.value)
    assert str(caught.value).endswith("to get through: choose a cheaper model or raise the budget")


def test_budget_amounts_are_printed_plainly() -> None:
    from openrouter_kit.errors import BudgetExceededError

    budget = Budget(Decimal("1E-8"))
    with pytest.raises(BudgetExceededError) as caught:
        budget._reserve(Decimal("1E-7"))
    assert "$0.0000001" in str(caught.value)
    assert "$0.00000001 budget" in str(caught.value)
    assert "E-" not in str(caught.value)


def test_an_unreported_cost_is_estimated_only_when_there_is_something_to_price() -> None:
    prices = pricing(prompt="0.000001", completion="0.000002")
    assert unreported_cost(usage(prompt_tokens=10, completion_tokens=5), prices) == Decimal(
        "0.00002"
    )
    assert unreported_cost(usage(prompt_tokens=10, cost=0.5), prices) is None  # reported
    assert unreported_cost(usage(), prices) is None  # a stream closed before its usage came
    assert unreported_cost(usage(prompt_tokens=10), None) is None  # no prices


def model(model_id: str, **data: object) -> ModelInfo:
    return converters().fast.structure({"id": model_id, **data}, ModelInfo)


MODELS = {
    "cheap/a": model(
        "cheap/a", pricing={"prompt": "0.000001", "completion": "0.000002"}, context_length=1000
    ),
    "dear/b": model(
        "dear/b",
        pricing={"prompt": "0.00001", "completion": "0.00002", "request": "0.001"},
        top_provider={"max_completion_tokens": 100},
    ),
    "open/c": model("open/c", pricing={"prompt": "-1", "completion": "-1"}),
}


def test_the_worst_case_is_the_dearest_candidate() -> None:
    worst = worst_case(["cheap/a", "dear/b"], MODELS.get, 10, 50)
    assert worst == WorstCase(Decimal("0.0021"), 50, 50)  # 10 * 1e-5 + 50 * 2e-5 + 0.001
    worst.check(Decimal("0.0021"))  # a cap equal to the worst case lets the call through
    with pytest.raises(BudgetExceededError, match=r"lower max_tokens \(now 50\)") as info:
        worst.check(Decimal("0.002"))
    assert info.value.metadata == {"max_cost": "0.002", "needed": "0.00210"}
    assert worst.lower_hold == "lower max_tokens (now 50) to lower the hold"


def test_without_max_tokens_the_worst_case_counts_the_whole_completion_limit() -> None:
    # dear/b's provider limit (100 tokens), cheap/a's whole context window (1000): the prompt
    # is a bound, so what the window leaves for the answer is not known.
    assert worst_case(["dear/b"], MODELS.get, 10, None).output_tokens == 100
    worst = worst_case(["cheap/a"], MODELS.get, 10, None)
    assert (worst.cost, worst.output_tokens) == (Decimal("0.00201"), 1000)
    with pytest.raises(BudgetExceededError, match="here 1000 tokens") as info:
        worst.check(Decimal("0.001"))
    assert "to get through: set max_tokens (without it" in str(info.value)
    assert worst.lower_hold.startswith("set max_tokens to lower the hold (without it")


@pytest.mark.parametrize("candidate", ["open/c", "unknown/d", ""])
def test_a_candidate_without_fixed_prices_cannot_be_bounded(candidate: str) -> None:
    name = candidate or "the account default model"
    with pytest.raises(BudgetExceededError, match=f"cannot bound the cost of {name}"):
        worst_case(["cheap/a", candidate], MODELS.get, 10, 50)
