"""Prices, cost estimates and session totals: exact money, per model, under concurrency."""

from __future__ import annotations

import threading
from decimal import Decimal
from types import SimpleNamespace

import pytest

from openrouter_kit._core.accounting import (
    PENDING_WAIT,
    Budget,
    HoldEnd,
    Lookup,
    PendingHold,
    UsageSnapshot,
    UsageTotals,
    WorstCase,
    checked_amount,
    estimate_cost,
    failed_lookup,
    generation_id,
    generation_problem,
    hold_end,
    lookup_end,
    price,
    unreported_cost,
    usage_problem,
    worst_case,
    worst_case_cost,
)
from openrouter_kit._core.convert import converters
from openrouter_kit._core.money import VARIABLE
from openrouter_kit._generated.models import GenerationStats, ModelInfo, ModelPricing, TokenUsage
from openrouter_kit.errors import (
    APIConnectionError,
    BudgetExceededError,
    InvalidResponseError,
    ModelNotFoundError,
    OpenRouterError,
    RateLimitError,
    ServerError,
)


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
    for unknown in ("-1", "abc", True, "nan", "inf", Decimal(-1), Decimal("NaN")):
        assert price(unknown) is None
    assert price(Decimal(0)) == 0  # free


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
    assert budget._calls == 2
    budget._settle(first, Decimal("0.0000001"))  # what the call really cost
    assert budget._calls == 1
    budget._release(second)  # failed before an answer: nothing billed
    assert (budget.spent, budget.reserved, budget._calls) == (Decimal("0.0000001"), 0, 0)
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
    assert unreported_cost(usage(prompt_tokens=10), prices) == Decimal("0.00001")  # prompt only
    assert unreported_cost(usage(completion_tokens=5), prices) == Decimal("0.00001")


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


# -- the review's gaps (mutation-2026-12.md) -------------------------------------------------------
def test_admission_counts_the_money_already_spent() -> None:
    budget = Budget(Decimal(1))
    budget._settle(budget._reserve(Decimal("0.6")), Decimal("0.6"))
    with pytest.raises(BudgetExceededError) as caught:  # fits the limit, not what is left of it
        budget._reserve(Decimal("0.5"))
    assert caught.value.metadata["spent"] == "0.6"
    assert budget._reserve(Decimal("0.4")) == Decimal("0.4")  # exactly what is left fits
    assert budget.remaining == 0


def test_remaining_subtracts_the_calls_in_flight() -> None:
    budget = Budget(Decimal(1))
    budget._reserve(Decimal("0.3"))
    assert (budget.spent, budget.reserved, budget.remaining) == (0, Decimal("0.3"), Decimal("0.7"))
    budget._settle(budget._reserve(Decimal("0.2")), Decimal("0.05"))
    assert budget.remaining == Decimal("0.65")
    assert "remaining=$0.65" in repr(budget)


def test_a_budget_of_nothing_refuses_everything_but_free_calls() -> None:
    budget = Budget(Decimal(0))
    assert budget._reserve(Decimal(0)) == 0  # a free model's call holds nothing and fits
    with pytest.raises(BudgetExceededError):
        budget._reserve(Decimal("0.0000001"))
    for bad in (Decimal(-1), Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises(ValueError, match="budget must be a USD amount"):
            Budget(bad)


def test_a_hold_that_is_not_an_amount_is_refused() -> None:
    budget = Budget(Decimal(1))
    for bad in (Decimal("NaN"), Decimal("-Infinity"), Decimal("-0.1")):
        with pytest.raises(BudgetExceededError, match="cannot be bounded"):
            budget._reserve(bad)
    assert (budget.reserved, budget._calls) == (0, 0)


def test_an_unpriced_model_is_never_held_at_nothing() -> None:
    assert worst_case_cost(None, 10, 10) is None
    assert worst_case_cost(pricing(prompt="0.1", completion="-1"), 1, 1) is None
    assert worst_case_cost(pricing(prompt="-1", completion="0.1"), 1, 1) is None
    assert worst_case_cost(pricing(completion="0.1"), 1, 1) is None  # no prompt price
    bare = model("bare/e")  # listed, without pricing
    with pytest.raises(BudgetExceededError, match="cannot bound the cost of bare/e"):
        worst_case(["bare/e"], {"bare/e": bare}.get, 10, 10)


def test_the_worst_case_prices_output_at_the_dearer_of_completion_and_reasoning() -> None:
    dear_reasoning = pricing(prompt="0", completion="0.1", internal_reasoning="0.5")
    assert worst_case_cost(dear_reasoning, 0, 10) == 5
    cheap_reasoning = pricing(prompt="0", completion="0.1", internal_reasoning="0.01")
    assert worst_case_cost(cheap_reasoning, 0, 10) == 1
    no_reasoning = pricing(prompt="0.01", completion="0.1")  # no internal_reasoning price
    assert worst_case_cost(no_reasoning, 10, 10) == Decimal("1.1")
    with_fee = pricing(prompt="0.01", completion="0.1", request="0.5")
    assert worst_case_cost(with_fee, 10, 10) == Decimal("1.6")
    assert worst_case_cost(pricing(prompt="0", completion="0"), 1000, 1000) == 0  # free


def test_the_worst_case_picks_the_dearest_and_says_its_output() -> None:
    models = {
        "a/a": model("a/a", pricing={"prompt": "0.01", "completion": "0.01"}),
        "b/b": model("b/b", pricing={"prompt": "0.01", "completion": "0.01"}),
    }
    tie = worst_case(["a/a", "b/b"], models.get, 1, 10)  # equal costs: either is the worst
    assert tie == WorstCase(Decimal("0.11"), 10, 10)
    free = worst_case(["free/f"], {"free/f": model("free/f", pricing=FREE)}.get, 5, 7)
    assert free == WorstCase(Decimal(0), 7, 7)  # a free model's worst case is held at zero
    assert worst_case([], MODELS.get, 5, 7) == WorstCase(Decimal(0), 0, 7)
    windowless = worst_case(["w/w"], {"w/w": model("w/w", pricing=FREE)}.get, 5, None)
    assert windowless.output_tokens == 0  # no limit known anywhere


FREE = {"prompt": "0", "completion": "0"}


def test_estimate_cost_edges() -> None:
    one_variable = pricing(prompt="0.1", completion="-1")
    assert estimate_cost(usage(prompt_tokens=1, completion_tokens=1), one_variable) is None
    assert estimate_cost(usage(prompt_tokens=1), pricing(prompt="-1", completion="0.1")) is None
    # Cache writes but no cache reads listed: the reads count nothing.
    writes = usage(prompt_tokens=10, prompt_tokens_details={"cache_write_tokens": 4})
    p = pricing(prompt="1", completion="1", input_cache_write="2")
    assert estimate_cost(writes, p) == 6 + 8
    # Reasoning and web search with their own prices, but no details in the usage.
    plain = usage(prompt_tokens=0, completion_tokens=10)
    priced = pricing(prompt="1", completion="1", internal_reasoning="5", web_search="100")
    assert estimate_cost(plain, priced) == 10
    # The zero clamps: a prompt read entirely from the cache, an answer that is all reasoning.
    cached = usage(prompt_tokens=10, prompt_tokens_details={"cached_tokens": 10})
    assert estimate_cost(cached, pricing(prompt="1", completion="1", input_cache_read="0.5")) == 5
    thinking = usage(completion_tokens=10, completion_tokens_details={"reasoning_tokens": 10})
    assert (
        estimate_cost(thinking, pricing(prompt="1", completion="1", internal_reasoning="3")) == 30
    )
    # Odd details (more cached than prompt) never make a negative charge.
    odd = usage(prompt_tokens=2, prompt_tokens_details={"cached_tokens": 5})
    assert estimate_cost(odd, pricing(prompt="1", completion="1", input_cache_read="0")) == 0
    searches = usage(server_tool_use_details={"web_search_requests": 3})
    assert estimate_cost(searches, priced) == 300
    no_tools_price = pricing(prompt="1", completion="1")
    assert estimate_cost(searches, no_tools_price) == 0  # searches without a price: free
    assert estimate_cost(usage(), pricing(prompt="1", completion="1", request="0.25")) == Decimal(
        "0.25"
    )
    # Details that leave a count out count none of it, at a price of its own.
    distinct = pricing(
        prompt="1", completion="1", input_cache_read="0.5", internal_reasoning="3", web_search="7"
    )
    assert estimate_cost(usage(prompt_tokens=10), distinct) == 10
    partial = usage(
        prompt_tokens=10,
        completion_tokens=10,
        prompt_tokens_details={"audio_tokens": 0},
        completion_tokens_details={"audio_tokens": 0},
        server_tool_use_details={"tool_calls_executed": 1},
    )
    assert estimate_cost(partial, distinct) == 20


def test_usage_snapshot_defaults_are_empty() -> None:
    assert UsageSnapshot() == UsageSnapshot(0, 0, 0, 0, Decimal(0), Decimal(0), {})


# -- F5: what the books accept --------------------------------------------------------------------
def test_checked_amount_takes_usd_amounts_only() -> None:
    assert checked_amount(Decimal("0.5")) == Decimal("0.5")
    assert checked_amount(Decimal(0)) == 0  # free
    for bad in (Decimal("-0.5"), Decimal("NaN"), Decimal("Infinity"), 0.5, "0.5", None, True):
        assert checked_amount(bad) is None


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"prompt_tokens": -5}, "usage.prompt_tokens must be a count >= 0, got -5"),
        ({"completion_tokens": -1}, "usage.completion_tokens"),
        ({"total_tokens": -1005}, "usage.total_tokens"),
        ({"cost": -3.5}, "usage.cost must be a USD amount >= 0, got Decimal('-3.5')"),
        ({"prompt_tokens_details": {"cached_tokens": -1}}, "usage.prompt_tokens_details.cached"),
        ({"completion_tokens_details": {"reasoning_tokens": -2}}, "reasoning_tokens"),
        ({"server_tool_use_details": {"web_search_requests": -1}}, "web_search_requests"),
        ({"cost_details": {"upstream_inference_cost": -1}}, "upstream_inference_cost"),
    ],
)
def test_a_usage_with_a_negative_count_or_cost_is_refused(
    data: dict[str, object], problem: str
) -> None:
    with pytest.raises(ValueError, match="must be a") as caught:
        usage(**data)
    assert problem in str(caught.value)


def test_a_valid_usage_has_no_problem() -> None:
    whole = usage(
        prompt_tokens=0,
        completion_tokens=3,
        total_tokens=3,
        cost=0,
        prompt_tokens_details={"cached_tokens": 0},
        completion_tokens_details={"reasoning_tokens": 0},
        server_tool_use_details={"web_search_requests": 0},
        cost_details={"upstream_inference_cost": 0},
    )
    assert usage_problem(whole) is None
    assert usage_problem(usage()) is None
    fake = usage()
    object.__setattr__(fake, "prompt_tokens", True)  # as if built without the checks
    assert usage_problem(fake) == "usage.prompt_tokens must be a count >= 0, got True"
    object.__setattr__(fake, "prompt_tokens", 1.5)
    assert usage_problem(fake) == "usage.prompt_tokens must be a count >= 0, got 1.5"


def test_a_generation_with_a_negative_cost_or_count_is_refused() -> None:
    stats = converters().fast.structure
    assert stats({"total_cost": 0.5, "cache_discount": -0.1}, GenerationStats).total_cost == (
        Decimal("0.5")
    )  # a cache write can cost more than it saves: a negative discount is fine
    with pytest.raises(ValueError, match="total_cost must be a USD amount"):
        stats({"total_cost": -1}, GenerationStats)
    with pytest.raises(ValueError, match="native_tokens_prompt must be a count"):
        stats({"native_tokens_prompt": -1}, GenerationStats)
    assert generation_problem(GenerationStats()) is None
    with pytest.raises(ValueError, match="usage must be a USD amount >= 0, got Decimal"):
        stats({"usage": "-0.5"}, GenerationStats)
    with pytest.raises(ValueError, match="upstream_inference_cost must be a USD amount"):
        stats({"upstream_inference_cost": -1}, GenerationStats)
    with pytest.raises(ValueError, match="native_tokens_completion_images must be a count"):
        stats({"native_tokens_completion_images": -3}, GenerationStats)


def test_totals_never_take_a_bad_value() -> None:
    totals = UsageTotals()
    bad = SimpleNamespace(
        prompt_tokens=-5, completion_tokens=True, total_tokens=-10, cost=Decimal("NaN")
    )
    totals.record(bad, "m/x", Decimal("-1"))  # type: ignore[arg-type]
    snap = totals.snapshot()
    assert (snap.requests, snap.total_tokens, snap.cost, snap.estimated_cost) == (1, 0, 0, 0)
    negative = SimpleNamespace(prompt_tokens=2, completion_tokens=3, total_tokens=0, cost=None)
    totals.record(negative, "m/x", Decimal("0.5"))  # type: ignore[arg-type]
    snap = totals.snapshot()
    assert (snap.total_tokens, snap.cost, snap.estimated_cost) == (
        5,
        Decimal("0.5"),
        Decimal("0.5"),
    )


def test_a_settlement_with_a_bad_cost_commits_the_hold() -> None:
    budget = Budget(Decimal(10))
    for bad in (Decimal("NaN"), Decimal("-3.5"), Decimal("Infinity")):
        budget._settle(budget._reserve(Decimal(1)), bad)
    assert (budget.spent, budget.reserved, budget.remaining) == (3, 0, 7)
    budget._reserve(Decimal(1))  # the books still work
    assert budget.spent.is_finite()


# -- F3: how a hold ends --------------------------------------------------------------------------
def test_a_generation_id_is_looked_up_only_when_it_is_sane() -> None:
    assert (
        generation_id("gen-1752598496-8dkWeNF8TOxoM2nz3hu0")
        == "gen-1752598496-8dkWeNF8TOxoM2nz3hu0"
    )
    assert generation_id("g" * 256) == "g" * 256
    assert generation_id("g") == "g"
    for bad in ("", "g" * 257, "gen 1", "gen\n1", "gén-1", None, 5, b"gen-1"):
        assert generation_id(bad) is None


def test_how_a_hold_ends() -> None:
    cost = Decimal("0.01")
    assert hold_end(processed=True, cost=cost, generation="gen-1") is HoldEnd.SETTLE
    assert hold_end(processed=True, cost=Decimal(0), generation=None) is HoldEnd.SETTLE
    assert hold_end(processed=False, cost=None, generation="gen-1") is HoldEnd.RELEASE
    assert hold_end(processed=True, cost=None, generation="gen-1") is HoldEnd.PEND
    assert hold_end(processed=True, cost=None, generation=None) is HoldEnd.COMMIT
    assert hold_end(processed=True, cost=None, generation="bad id") is HoldEnd.COMMIT
    assert hold_end(processed=True, cost=Decimal(-1), generation=None) is HoldEnd.COMMIT


def test_what_a_generation_lookup_does_to_a_pending_hold() -> None:
    assert PENDING_WAIT == 300  # the documented wait: five minutes
    assert Budget(Decimal(1))._wait == PENDING_WAIT
    found = Lookup(found=True, cost=Decimal("0.002"))
    assert lookup_end(found, age=0) is HoldEnd.SETTLE
    assert lookup_end(Lookup(found=True, cost=Decimal(0)), age=0) is HoldEnd.SETTLE
    assert lookup_end(Lookup(found=True, cost=Decimal(-1)), age=0) is HoldEnd.COMMIT
    assert lookup_end(Lookup(found=True), age=0) is HoldEnd.PEND  # no cost yet: not final
    assert lookup_end(Lookup(found=False), age=PENDING_WAIT - 1) is HoldEnd.PEND
    assert lookup_end(Lookup(found=False), age=PENDING_WAIT) is HoldEnd.COMMIT
    assert lookup_end(Lookup(found=False), age=5, wait=5) is HoldEnd.COMMIT
    assert lookup_end(Lookup(found=False, lasting=True), age=0) is HoldEnd.COMMIT
    assert lookup_end(found, age=PENDING_WAIT * 2) is HoldEnd.SETTLE  # late, but told


def test_which_lookup_failures_are_lasting() -> None:
    assert failed_lookup(ModelNotFoundError("not yet", status_code=404)) == Lookup(False)
    assert failed_lookup(ServerError("down", status_code=502)).lasting is False
    assert failed_lookup(RateLimitError("slow down", status_code=429)).lasting is False
    assert failed_lookup(APIConnectionError("refused")).lasting is False
    assert failed_lookup(InvalidResponseError("odd", status_code=200)).lasting is True
    for status in (400, 401, 403):
        assert failed_lookup(OpenRouterError("refused", status_code=status)).lasting is True


def test_a_pending_hold_waits_for_its_cost() -> None:
    budget = Budget(Decimal(1), pending_wait=60)
    held = budget._reserve(Decimal("0.3"), now=0)
    hold = budget._defer(held, "gen-1", now=10)
    assert (budget.reserved, budget.pending, budget._calls) == (Decimal("0.3"), Decimal("0.3"), 0)
    assert budget.remaining == Decimal("0.7")
    assert "$0.30 for 1 ended call awaiting the cost" in repr(budget)
    assert "held=$0.00 for 0 calls in flight" in repr(budget)
    # Claimed by one sweeper, it is not handed to another.
    assert budget._claim(now=10) == [hold]
    assert budget._claim(now=10) == []
    assert budget._resolve(hold, Lookup(found=False), now=11) is HoldEnd.PEND
    assert (hold.tries, hold.next_lookup, hold.claimed) == (1, 12, False)
    assert budget._claim(now=11.5) == []  # not due yet
    assert budget._claim(now=11.5, due_only=False) == [hold]
    assert budget._resolve(hold, Lookup(found=False), now=12) is HoldEnd.PEND
    assert hold.next_lookup == 14  # the wait doubles
    assert budget._claim(now=14) == [hold]  # due at that moment
    budget._unclaim(hold)
    hold.tries = 10
    budget._claim(now=20, due_only=False)
    budget._resolve(hold, Lookup(found=False), now=20)
    assert hold.next_lookup == 50  # at most 30 s
    budget._claim(now=50)
    assert budget._resolve(hold, Lookup(found=True, cost=Decimal("0.01")), now=50) is (
        HoldEnd.SETTLE
    )
    assert (budget.spent, budget.reserved, budget.pending) == (Decimal("0.01"), 0, 0)
    assert budget._pending == []
    assert repr(budget).endswith("for 0 calls in flight remaining=$0.99>")


def test_pending_holds_are_committed_after_the_wait_or_at_close() -> None:
    budget = Budget(Decimal(1), pending_wait=60)
    old = budget._defer(budget._reserve(Decimal("0.1")), "gen-old", now=0)
    claimed = budget._defer(budget._reserve(Decimal("0.2")), "gen-claimed", now=0)
    young = budget._defer(budget._reserve(Decimal("0.3")), "gen-young", now=30)
    assert budget._claim(now=0, limit=1) == [old]  # oldest first, at most the limit
    budget._unclaim(old)
    assert budget._claim(now=0, limit=2) == [old, claimed]
    budget._unclaim(old)
    budget._reserve(Decimal(0), now=60)  # any new hold commits those that waited long enough
    assert budget._pending == [claimed, young]  # a claimed one is left to its sweeper
    assert budget.spent == Decimal("0.1")
    assert budget._resolve(claimed, Lookup(found=False), now=60) is HoldEnd.COMMIT
    assert budget.spent == Decimal("0.3")
    assert budget._commit_pending() == 1  # closing: the rest at their worst case
    assert (budget.spent, budget.reserved, budget.pending) == (Decimal("0.6"), 0, 0)
    assert budget._resolve(young, Lookup(found=True, cost=Decimal(0)), now=61) is HoldEnd.SETTLE
    assert budget.spent == Decimal("0.6")  # already ended: nothing moves twice


def test_only_a_hold_given_the_time_commits_pending_holds() -> None:
    # Expiry needs the caller's clock: a hold taken without ``now`` commits nothing, even a
    # pending hold with no wait at all (its clock may not be the shells' monotonic one).
    budget = Budget(Decimal(1), pending_wait=0)
    pending = budget._defer(budget._reserve(Decimal("0.3")), "gen-1", now=0)
    budget._reserve(Decimal("0.1"))
    assert (budget._pending, budget.spent, budget.pending) == ([pending], 0, Decimal("0.3"))
    budget._reserve(Decimal("0.1"), now=0)  # given the time, it has waited long enough
    assert (budget._pending, budget.spent, budget.pending) == ([], Decimal("0.3"), 0)


def test_a_refusal_suggests_waiting_only_when_the_call_would_fit_then() -> None:
    budget = Budget(Decimal(1))
    budget._settle(budget._reserve(Decimal("0.6")), Decimal("0.6"))
    budget._reserve(Decimal("0.1"))
    with pytest.raises(BudgetExceededError) as caught:  # 0.5 > 1 - 0.6: waiting cannot help
        budget._reserve(Decimal("0.5"))
    assert "lower the concurrency" not in str(caught.value)
    assert str(caught.value).endswith("choose a cheaper model or raise the budget")
    with pytest.raises(BudgetExceededError) as caught:  # exactly what is left once it settles
        budget._reserve(Decimal("0.4"))
    assert str(caught.value).endswith(
        "to get through: run fewer calls at once (lower the concurrency)"
    )


def test_a_refusal_names_the_holds_awaiting_their_cost() -> None:
    budget = Budget(Decimal(1))
    budget._defer(budget._reserve(Decimal("0.8")), "gen-1", now=0)
    with pytest.raises(BudgetExceededError) as caught:
        budget._reserve(Decimal("0.5"), now=1)
    text = str(caught.value)
    assert "spent $0.00, no call in flight, $0.80 held for 1 ended call until the cost" in text
    assert "call settle_pending() once their costs are known" in text
    assert caught.value.metadata["pending"] == "0.8"
    budget._reserve(Decimal("0.1"))
    with pytest.raises(BudgetExceededError) as caught:
        budget._reserve(Decimal("0.5"))
    assert "lower the concurrency" in str(caught.value)
    assert "$0.10 held for 1 call in flight" in str(caught.value)
    with pytest.raises(BudgetExceededError) as caught:
        budget._reserve(Decimal("2"))
    assert "settle_pending" not in str(caught.value)  # it would not fit anyway
    assert repr(PendingHold("gen-9", Decimal("0.5"), 0)) == "<PendingHold gen-9 held=$0.50 tries=0>"
