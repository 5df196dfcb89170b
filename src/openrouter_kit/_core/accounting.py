"""Money and tokens: the cost of a response, session totals per model, and the budget.

Owns: the cost of a response computed from a model's pricing when the server reported none (an
estimate, and marked so), the worst case a call may cost over its candidate models (what the
budget holds, and what ``max_cost`` is checked against), exact, thread-safe session totals (a lock
held for a few lines, never across an await; money is Decimal throughout, so totals do not drift)
and the budget's holds. Never knows: HTTP, clocks, where prices come from (the caller looks models
up). Reading and printing amounts is ``money``'s job.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from attrs import field, frozen

from openrouter_kit._core.money import VARIABLE, format_usd, to_price
from openrouter_kit.errors import BudgetExceededError

if TYPE_CHECKING:
    from openrouter_kit._core.money import Price
    from openrouter_kit._generated.models import ModelInfo, ModelPricing, TokenUsage

__all__ = [
    "Budget",
    "UsageSnapshot",
    "UsageTotals",
    "WorstCase",
    "estimate_cost",
    "price",
    "unreported_cost",
    "worst_case",
    "worst_case_cost",
]

_ZERO = Decimal(0)


def price(value: Price | None) -> Decimal | None:
    """A fixed price as a Decimal; None when it is missing or variable (``VARIABLE``, the wire's
    ``-1``). Other values (a price set by hand as a string or a number) are read as the wire's."""
    if type(value) is Decimal:
        return value
    if value is None or value is VARIABLE:
        return None
    try:
        parsed = to_price(value)
    except (TypeError, ValueError):
        return None
    return parsed if isinstance(parsed, Decimal) else None


def estimate_cost(usage: TokenUsage, pricing: ModelPricing | None) -> Decimal | None:
    """What ``usage`` costs at ``pricing`` (USD), or None when the prices are unknown or variable.

    Counted: prompt tokens (cached reads and cache writes at their own prices when listed),
    completion tokens (reasoning tokens at ``internal_reasoning`` when listed), the per-request
    fee and web-search requests. Not counted: image and audio inputs (the usage does not say how
    many), discounts and conditional price overrides. Prefer the server's ``usage.cost``.
    """
    if pricing is None:
        return None
    prompt, completion = price(pricing.prompt), price(pricing.completion)
    if prompt is None or completion is None:
        return None
    inputs, outputs = usage.prompt_tokens_details, usage.completion_tokens_details
    cached = (inputs.cached_tokens or 0) if inputs else 0
    written = (inputs.cache_write_tokens or 0) if inputs else 0
    reasoning = (outputs.reasoning_tokens or 0) if outputs else 0
    tools = usage.server_tool_use_details
    searches = (tools.web_search_requests or 0) if tools else 0
    plain_prompt = max((usage.prompt_tokens or 0) - cached - written, 0)
    plain_completion = max((usage.completion_tokens or 0) - reasoning, 0)
    return (
        plain_prompt * prompt
        + cached * (price(pricing.input_cache_read) or prompt)
        + written * (price(pricing.input_cache_write) or prompt)
        + plain_completion * completion
        + reasoning * (price(pricing.internal_reasoning) or completion)
        + (price(pricing.request) or _ZERO)
        + searches * (price(pricing.web_search) or _ZERO)
    )


def unreported_cost(usage: TokenUsage, pricing: ModelPricing | None) -> Decimal | None:
    """The estimated cost of ``usage`` (see ``estimate_cost``) when the server reported none;
    None when it reported one, when no tokens were counted (a stream closed before its usage
    came: nothing to price), or when the prices are unknown or variable."""
    if usage.cost is not None or not (usage.prompt_tokens or usage.completion_tokens):
        return None
    return estimate_cost(usage, pricing)


@frozen
class UsageSnapshot:
    """Totals at one moment: requests, tokens and USD, in all and per model."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    #: USD: what the server reported, plus estimates where it reported nothing.
    cost: Decimal = _ZERO
    #: The part of ``cost`` that is estimated from model prices (0 when all was reported).
    estimated_cost: Decimal = _ZERO
    #: The same figures for each model that answered (keys are the response's ``model``).
    by_model: dict[str, UsageSnapshot] = field(factory=dict)


class _Totals:
    __slots__ = ("completion", "cost", "estimated", "prompt", "requests", "total")

    def __init__(self) -> None:
        self.requests = self.prompt = self.completion = self.total = 0
        self.cost = self.estimated = _ZERO

    def add(self, prompt: int, completion: int, total: int, cost: Decimal, estimated: bool) -> None:
        self.requests += 1
        self.prompt += prompt
        self.completion += completion
        self.total += total
        self.cost += cost
        if estimated:
            self.estimated += cost

    def snapshot(self, by_model: dict[str, UsageSnapshot] | None = None) -> UsageSnapshot:
        return UsageSnapshot(
            requests=self.requests,
            prompt_tokens=self.prompt,
            completion_tokens=self.completion,
            total_tokens=self.total,
            cost=self.cost,
            estimated_cost=self.estimated,
            by_model=by_model or {},
        )


class UsageTotals:
    """Running totals for one client; safe to update from many threads and tasks at once."""

    __slots__ = ("_all", "_lock", "_models")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._all = _Totals()
        self._models: dict[str, _Totals] = {}

    def record(
        self,
        usage: TokenUsage | None,
        model: str | None = None,
        estimated_cost: Decimal | None = None,
    ) -> None:
        """Add one response (a response without usage still counts as a request).

        ``estimated_cost`` is used when the usage carries no ``cost``.
        """
        prompt = completion = total = 0
        cost, estimated = _ZERO, False
        if usage is not None:
            prompt, completion = usage.prompt_tokens or 0, usage.completion_tokens or 0
            total = usage.total_tokens or prompt + completion
            reported = usage.cost
            if reported is not None:
                cost = reported
            elif estimated_cost is not None:
                cost, estimated = estimated_cost, True
        with self._lock:
            self._all.add(prompt, completion, total, cost, estimated)
            if model:
                per_model = self._models.get(model)
                if per_model is None:
                    per_model = self._models[model] = _Totals()
                per_model.add(prompt, completion, total, cost, estimated)

    def snapshot(self) -> UsageSnapshot:
        """Return the totals so far."""
        with self._lock:
            by_model = {name: totals.snapshot() for name, totals in self._models.items()}
            return self._all.snapshot(by_model)


class Budget:
    """A USD cap shared by every call of a client (and its ``with_options`` copies).

    Before a call is sent, its worst-case cost is held; the call is refused when what was spent
    plus what is held would pass the cap. When the call ends the hold is settled with the real
    cost, or released if nothing was billed. Thread-safe and safe for async tasks (a lock held for
    a few lines, never across an await), so concurrent calls never overshoot. Amounts are
    ``Decimal``; read them as ``limit``, ``spent``, ``reserved`` and ``remaining``.
    """

    __slots__ = ("_calls", "_lock", "_reserved", "_spent", "limit")

    def __init__(self, limit: Decimal) -> None:
        if not limit.is_finite() or limit < 0:
            raise ValueError(f"budget must be a USD amount >= 0, got {limit}")
        self.limit = limit
        self._spent = _ZERO
        self._reserved = _ZERO
        self._calls = 0  # calls holding part of the budget
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        with self._lock:
            spent, held, calls = self._spent, self._reserved, self._calls
        return (
            f"<Budget limit={format_usd(self.limit)} spent={format_usd(spent)} "
            f"held={format_usd(held)} for {calls} call{'s' if calls != 1 else ''} in flight "
            f"remaining={format_usd(self.limit - spent - held)}>"
        )

    @property
    def spent(self) -> Decimal:
        """USD settled so far."""
        with self._lock:
            return self._spent

    @property
    def reserved(self) -> Decimal:
        """USD held for calls in flight."""
        with self._lock:
            return self._reserved

    @property
    def remaining(self) -> Decimal:
        """USD still available for new calls."""
        with self._lock:
            return self.limit - self._spent - self._reserved

    def _reserve(self, amount: Decimal, what: str = "this call", lower_hold: str = "") -> Decimal:
        """Hold ``amount`` for a call, or raise ``BudgetExceededError`` (nothing is sent).

        ``lower_hold`` tells the caller how to make the call's hold smaller (shown when refused).
        Returns the amount held, to pass to ``_settle`` or ``_release``.
        """
        with self._lock:
            available = self.limit - self._spent - self._reserved
            if amount > available:
                raise BudgetExceededError(
                    self._refusal(amount, available, what, lower_hold),
                    metadata={
                        "budget": str(self.limit),
                        "spent": str(self._spent),
                        "reserved": str(self._reserved),
                        "in_flight": self._calls,
                        "needed": str(amount),
                    },
                )
            self._reserved += amount
            self._calls += 1
            return amount

    def _refusal(self, amount: Decimal, available: Decimal, what: str, lower_hold: str) -> str:
        """Why ``amount`` cannot be held, and how to get through (called under the lock)."""
        calls = self._calls
        if calls:
            held = f"{format_usd(self._reserved)} held for {calls} call{'s' if calls != 1 else ''}"
            state = f"spent {format_usd(self._spent)}, {held} in flight"
        else:
            state = f"spent {format_usd(self._spent)}, no call in flight"
        text = (
            f"{what} could cost up to {format_usd(amount)}, but only "
            f"{format_usd(max(available, _ZERO))} of the {format_usd(self.limit)} budget is "
            f"left ({state})"
        )
        ways = [lower_hold] if lower_hold else []
        fits_later = amount <= self.limit - self._spent
        if calls and fits_later:
            # It fits once the calls in flight settle, and they usually cost far less than held.
            ways.append("run fewer calls at once (lower the concurrency)")
        if not fits_later:
            ways += ["choose a cheaper model", "raise the budget"]
        if not ways:
            return text
        return (
            f"{text}; to get through: {', '.join(ways[:-1])}{' or ' if ways[1:] else ''}{ways[-1]}"
        )

    def _settle(self, held: Decimal, cost: Decimal | None) -> None:
        """The call ended: turn its hold into what it cost (all of it when unknown)."""
        with self._lock:
            self._reserved -= held
            self._spent += held if cost is None else cost
            self._calls -= 1

    def _release(self, held: Decimal) -> None:
        """The call ended without being billed: give its hold back."""
        with self._lock:
            self._reserved -= held
            self._calls -= 1


def worst_case_cost(
    pricing: ModelPricing | None, prompt_tokens: int, max_tokens: int
) -> Decimal | None:
    """The most a call can cost at ``pricing``: the estimated prompt, ``max_tokens`` of output
    (at the higher of the completion and reasoning prices) and the per-request fee; None when a
    price is unknown or variable."""
    if pricing is None:
        return None
    prompt, completion = price(pricing.prompt), price(pricing.completion)
    if prompt is None or completion is None:
        return None
    output = max(completion, price(pricing.internal_reasoning) or completion)
    return prompt_tokens * prompt + max_tokens * output + (price(pricing.request) or _ZERO)


class WorstCase(NamedTuple):
    """The most a call can cost over its candidate models, and how to make it smaller."""

    #: USD, at the dearest candidate.
    cost: Decimal
    #: The output tokens that cost counts: the request's ``max_tokens``, else the model's limit.
    output_tokens: int
    #: The request's ``max_tokens`` (None: it sets none).
    max_tokens: int | None

    def check(self, max_cost: Decimal | None) -> None:
        """Refuse a call whose worst case passes ``max_cost`` (None: no cap).

        Raises:
            BudgetExceededError: it does (the message says how to get through).
        """
        if max_cost is None or self.cost <= max_cost:
            return
        tokens, why = self._advice()
        raise BudgetExceededError(
            f"this call could cost up to {format_usd(self.cost)}, more than max_cost "
            f"{format_usd(max_cost)}; to get through: {tokens}{why}, or choose a cheaper model",
            metadata={"max_cost": str(max_cost), "needed": str(self.cost)},
        )

    @property
    def lower_hold(self) -> str:
        """How to make the budget's hold for this call smaller (shown when it is refused)."""
        tokens, why = self._advice()
        return f"{tokens} to lower the hold{why}"

    def _advice(self) -> tuple[str, str]:
        """What to change about ``max_tokens``, and why (empty when it is set)."""
        if self.max_tokens:
            return f"lower max_tokens (now {self.max_tokens})", ""
        return "set max_tokens", (
            " (without it a call is priced at the model's whole completion limit, here "
            f"{self.output_tokens} tokens)"
        )


def worst_case(
    candidates: Iterable[str],
    lookup: Callable[[str], ModelInfo | None],
    prompt_tokens: int,
    max_tokens: int | None,
) -> WorstCase:
    """The most a call can cost: ``prompt_tokens`` of prompt and ``max_tokens`` of output (else
    the model's completion limit, else what its context window leaves) at the dearest of
    ``candidates`` (model ids in fallback order, ``""`` for the account default), each found by
    ``lookup``.

    Raises:
        BudgetExceededError: a candidate's cost cannot be bounded (it is unknown to ``lookup``,
            or its prices are unknown or variable).
    """
    worst, worst_output = _ZERO, 0
    for name in candidates:
        info = lookup(name) if name else None
        window = (info.context_length or 0) if info else 0
        cap = info.top_provider.max_completion_tokens if info and info.top_provider else None
        output = max_tokens or cap or max(window - prompt_tokens, 0)
        cost = worst_case_cost(info.pricing, prompt_tokens, output) if info else None
        if cost is None:
            raise BudgetExceededError(
                f"cannot bound the cost of {name or 'the account default model'}: its prices "
                "are unknown or variable; name models with fixed prices"
            )
        if cost >= worst:
            worst, worst_output = cost, output
    return WorstCase(worst, worst_output, max_tokens)
