"""Money and tokens: the cost of a response, session totals per model, and the budget.

Owns: the cost of a response computed from a model's pricing when the server reported none (an
estimate, and marked so), the checks that a reported usage is made of amounts and counts (never
NaN, infinite or negative), the worst case a call may cost over its candidate models (what the
budget holds, and what ``max_cost`` is checked against), exact, thread-safe session totals (a lock
held for a few lines, never across an await; money is Decimal throughout, so totals do not drift)
and the budget's holds: how a call's hold ends (released only when the server cannot have billed,
settled with the cost, kept pending until ``GET /generation`` tells the cost, or committed at its
worst case) and what a generation lookup's answer does to a pending hold. Never knows: HTTP,
clocks (``now`` is passed in), where prices come from (the caller looks models up), how a
generation is fetched (the shells fetch; issue 15's shared-budget sweeper reuses these verdicts).
Reading and printing amounts is ``money``'s job.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from attrs import field, frozen

from openrouter_kit._core.money import VARIABLE, format_usd, to_price
from openrouter_kit.errors import (
    BudgetExceededError,
    InvalidResponseError,
)

if TYPE_CHECKING:
    from openrouter_kit._core.money import Price
    from openrouter_kit._generated.models import ModelInfo, ModelPricing, TokenUsage

__all__ = [
    "PENDING_WAIT",
    "Budget",
    "HoldEnd",
    "Lookup",
    "PendingHold",
    "UsageSnapshot",
    "UsageTotals",
    "WorstCase",
    "checked_amount",
    "estimate_cost",
    "failed_lookup",
    "generation_id",
    "generation_problem",
    "hold_end",
    "input_worst_case",
    "lookup_end",
    "price",
    "unreported_cost",
    "unreported_input_cost",
    "usage_problem",
    "worst_case",
    "worst_case_cost",
]

_ZERO = Decimal(0)


def checked_amount(value: Any) -> Decimal | None:
    """``value`` when it is a USD amount the books can take (a finite ``Decimal`` >= 0); None
    for anything else (None, NaN, an infinity, a negative amount, a float, text)."""
    ok = isinstance(value, Decimal) and value.is_finite() and value >= 0
    return value if ok else None


#: The token counts of a usage object, and of its details, that must be counts (ints >= 0).
_COUNTS = ("prompt_tokens", "completion_tokens", "total_tokens")
_DETAIL_COUNTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "prompt_tokens_details",
        ("cached_tokens", "cache_write_tokens", "audio_tokens", "video_tokens"),
    ),
    (
        "completion_tokens_details",
        (
            "reasoning_tokens",
            "audio_tokens",
            "image_tokens",
            "accepted_prediction_tokens",
            "rejected_prediction_tokens",
        ),
    ),
    (
        "server_tool_use_details",
        ("web_search_requests", "tool_calls_requested", "tool_calls_executed"),
    ),
)
#: Counts of the usage objects of embeddings and rerank.
_OTHER_COUNTS = ("search_units",)
_DETAIL_COUNTS += (
    (
        "prompt_tokens_details",
        ("text_tokens", "image_tokens", "audio_tokens", "video_tokens", "file_tokens"),
    ),
)
_COSTS = (
    "upstream_inference_cost",
    "upstream_inference_prompt_cost",
    "upstream_inference_completions_cost",
)


def _not_count(value: Any) -> bool:
    """True for a value that is there and is not an int >= 0."""
    return value is not None and (type(value) is not int or value < 0)


def _not_amount(value: Any) -> bool:
    """True for a value that is there and is not a USD amount >= 0."""
    return value is not None and checked_amount(value) is None


def usage_problem(usage: Any) -> str | None:
    """What is wrong with a usage object the server reported, or None when nothing is.

    Its token counts (top level and details) must be ints >= 0, and ``cost`` and the
    ``cost_details`` amounts finite ``Decimal``s >= 0 (the converter already refuses NaN,
    infinities and text): a negative cost would raise the budget left, a negative count lower the
    session totals. The usage of embeddings and rerank (no completion tokens; tokens by modality,
    search units) is checked the same way: a field a usage object lacks is not there.
    """
    for name in (*_COUNTS, *_OTHER_COUNTS):
        if _not_count(getattr(usage, name, None)):
            return f"usage.{name} must be a count >= 0, got {getattr(usage, name)!r}"
    for group, names in _DETAIL_COUNTS:
        details = getattr(usage, group, None)
        for name in names if details is not None else ():
            if _not_count(getattr(details, name, None)):
                return f"usage.{group}.{name} must be a count >= 0, got {getattr(details, name)!r}"
    if _not_amount(usage.cost):
        return f"usage.cost must be a USD amount >= 0, got {usage.cost!r}"
    details = getattr(usage, "cost_details", None)
    for name in _COSTS if details is not None else ():
        if _not_amount(getattr(details, name)):
            return (
                f"usage.cost_details.{name} must be a USD amount >= 0, got "
                f"{getattr(details, name)!r}"
            )
    return None


#: The counts and USD amounts of a generation's stats (``cache_discount`` may be negative:
#: writing to a cache can cost more than it saves).
_GENERATION_COUNTS = (
    "tokens_prompt",
    "tokens_completion",
    "native_tokens_prompt",
    "native_tokens_completion",
    "native_tokens_reasoning",
    "native_tokens_cached",
    "native_tokens_completion_images",
)
_GENERATION_COSTS = ("total_cost", "usage", "upstream_inference_cost")


def generation_problem(stats: Any) -> str | None:
    """What is wrong with a generation's stats (``GET /generation``), or None: its token
    counts must be ints >= 0 and its costs USD amounts >= 0, as a usage object's."""
    for name in _GENERATION_COUNTS:
        if _not_count(getattr(stats, name)):
            return f"{name} must be a count >= 0, got {getattr(stats, name)!r}"
    for name in _GENERATION_COSTS:
        if _not_amount(getattr(stats, name)):
            return f"{name} must be a USD amount >= 0, got {getattr(stats, name)!r}"
    return None


def price(value: Price | None) -> Decimal | None:
    """A fixed price as a Decimal; None when it is missing or variable (``VARIABLE``, the wire's
    ``-1``). Other values (a price set by hand as a string, a number or a negative ``Decimal``)
    are read as the wire's."""
    if type(value) is Decimal and value.is_finite() and value >= 0:
        return value  # the wire's, the usual case
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
        + cached * _price_or(pricing.input_cache_read, prompt)
        + written * _price_or(pricing.input_cache_write, prompt)
        + plain_completion * completion
        + reasoning * _price_or(pricing.internal_reasoning, completion)
        + _price_or(pricing.request, _ZERO)
        + searches * _price_or(pricing.web_search, _ZERO)
    )


def _price_or(value: Price | None, default: Decimal) -> Decimal:
    """``value``'s fixed price (a price of 0 included: free cache reads are free), else
    ``default``."""
    fixed = price(value)
    return default if fixed is None else fixed


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


def _count(value: Any) -> int:
    """``value`` when it is a count (an int >= 0), else 0."""
    return max(value, 0) if type(value) is int else 0


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

        ``estimated_cost`` is used when the usage carries no ``cost``. A count that is not an
        int >= 0 counts 0, and an amount that is not a USD amount >= 0 counts as none (the
        converter refuses such usage objects; these totals never take one either).
        """
        prompt = completion = total = 0
        cost, estimated = _ZERO, False
        if usage is not None:  # embeddings and rerank count no completion tokens
            prompt = _count(getattr(usage, "prompt_tokens", None))
            completion = _count(getattr(usage, "completion_tokens", None))
            total = _count(usage.total_tokens) or prompt + completion
            reported, guessed = checked_amount(usage.cost), checked_amount(estimated_cost)
            if reported is not None:
                cost = reported
            elif guessed is not None:
                cost, estimated = guessed, True
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


# -- how a call's hold ends --------------------------------------------------------------------


def generation_id(value: Any) -> str | None:
    """``value`` when it can be looked up with ``GET /generation?id=`` (a printable ASCII string
    of at most 256 characters, without spaces, as OpenRouter's ``gen-...`` ids are); None
    otherwise (a hostile header is never sent back)."""
    if (
        isinstance(value, str)
        and 0 < len(value) <= 256
        and value.isascii()
        and value.isprintable()
        and " " not in value
    ):
        return value
    return None


class HoldEnd(enum.Enum):
    """How a call's budget hold ends (see ``hold_end`` and ``lookup_end``)."""

    #: The server cannot have billed the call: the hold is given back.
    RELEASE = "release"
    #: The call's cost is known: the hold becomes that cost.
    SETTLE = "settle"
    #: The call may have been billed and its generation id is known: the hold stays until
    #: ``GET /generation`` tells the cost (or the wait ends).
    PEND = "pend"
    #: The call may have been billed and its cost cannot be known: the whole hold is spent.
    COMMIT = "commit"


def hold_end(*, processed: bool, cost: Decimal | None, generation: str | None) -> HoldEnd:
    """How the hold of a call that ended ends: SETTLE when its answer told a valid ``cost``;
    else RELEASE when the server cannot have ``processed`` it; else PEND when it has a
    ``generation`` id to look up; else COMMIT."""
    if checked_amount(cost) is not None:
        return HoldEnd.SETTLE
    if not processed:
        return HoldEnd.RELEASE
    return HoldEnd.PEND if generation_id(generation) is not None else HoldEnd.COMMIT


#: Seconds a pending hold waits for its generation's cost before it is committed at its worst
#: case (the generation's stats can take a few seconds to appear).
PENDING_WAIT = 300.0
#: Seconds before a pending hold is looked up again after a lookup that did not settle it: this,
#: doubling with each try, up to ``_LOOKUP_MAX``.
_LOOKUP_FIRST = 1.0
_LOOKUP_MAX = 30.0


class Lookup(NamedTuple):
    """What ``GET /generation?id=`` said about a pending hold's generation."""

    #: The generation's stats were there.
    found: bool
    #: Their ``total_cost`` (None: absent or null).
    cost: Decimal | None = None
    #: The lookup failed in a way asking again will not mend (an answer that is not the
    #: documented shape, a key refused, an id refused).
    lasting: bool = False


def failed_lookup(exc: BaseException) -> Lookup:
    """The ``Lookup`` for a ``GET /generation`` that raised ``exc``: lasting for an answer that
    is not the documented shape and for a refused request (400: the id; 401, 403: the key);
    not lasting otherwise (404: the stats are not there yet; 429, 5xx and network failures
    pass)."""
    lasting = isinstance(exc, InvalidResponseError) or getattr(exc, "status_code", None) in (
        400,
        401,
        403,
    )
    return Lookup(found=False, lasting=lasting)


def lookup_end(lookup: Lookup, age: float, wait: float = PENDING_WAIT) -> HoldEnd:
    """What a generation lookup does to a hold pending for ``age`` seconds: SETTLE with the
    generation's cost when it is a valid amount; COMMIT when the cost is not an amount, the
    failure is lasting, or the hold has waited ``wait`` seconds; else PEND (ask again later)."""
    if lookup.found and lookup.cost is not None:
        return HoldEnd.SETTLE if checked_amount(lookup.cost) is not None else HoldEnd.COMMIT
    if lookup.lasting or age >= wait:
        return HoldEnd.COMMIT
    return HoldEnd.PEND


class PendingHold:
    """The hold of a call that ended without its cost, kept until ``GET /generation`` tells it.

    ``Budget`` owns these; a sweeper claims some (``Budget._claim``), looks their generations
    up and hands each answer back (``Budget._resolve``), or gives the claim back if it could not
    ask (``Budget._unclaim``).
    """

    __slots__ = ("claimed", "generation", "held", "next_lookup", "since", "tries")

    def __init__(self, generation: str, held: Decimal, since: float) -> None:
        #: The generation id to look up.
        self.generation = generation
        #: USD held.
        self.held = held
        #: When the call ended, on the caller's clock (the shells pass a monotonic one).
        self.since = since
        #: Lookups so far that did not settle it.
        self.tries = 0
        #: When it is due for its next lookup.
        self.next_lookup = since
        #: A sweeper is looking it up now.
        self.claimed = False

    def __repr__(self) -> str:
        return f"<PendingHold {self.generation} held={format_usd(self.held)} tries={self.tries}>"


class Budget:
    """A USD cap shared by every call of a client (and its ``with_options`` copies).

    Before a call is sent, its worst-case cost is held; the call is refused when what was spent
    plus what is held would pass the cap. When the call ends the hold is settled with the real
    cost; released only when the server cannot have billed it; kept *pending* when the call may
    have been billed but its answer was cut (its cost is then looked up with
    ``GET /generation``); or committed whole when its cost cannot be known. Thread-safe and safe
    for async tasks (a lock held for a few lines, never across an await), so concurrent calls
    never overshoot. Amounts are ``Decimal``; read them as ``limit``, ``spent``, ``reserved``
    (``pending`` included) and ``remaining``.
    """

    __slots__ = (
        "_calls",
        "_lock",
        "_pending",
        "_pending_total",
        "_reserved",
        "_spent",
        "_wait",
        "limit",
    )

    def __init__(self, limit: Decimal, *, pending_wait: float = PENDING_WAIT) -> None:
        if not limit.is_finite() or limit < 0:
            raise ValueError(f"budget must be a USD amount >= 0, got {limit}")
        self.limit = limit
        self._spent = _ZERO
        self._reserved = _ZERO  # in flight and pending
        self._pending_total = _ZERO
        self._pending: list[PendingHold] = []
        self._calls = 0  # calls in flight holding part of the budget
        self._wait = pending_wait
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        with self._lock:
            spent, held, calls = self._spent, self._reserved, self._calls
            pending, waiting = self._pending_total, len(self._pending)
        text = (
            f"<Budget limit={format_usd(self.limit)} spent={format_usd(spent)} "
            f"held={format_usd(held - pending)} for {calls} call{'s' if calls != 1 else ''} "
            "in flight"
        )
        if waiting:
            text += (
                f", {format_usd(pending)} for {waiting} ended call{'s' if waiting != 1 else ''} "
                "awaiting the cost"
            )
        return f"{text} remaining={format_usd(self.limit - spent - held)}>"

    @property
    def spent(self) -> Decimal:
        """USD settled so far."""
        with self._lock:
            return self._spent

    @property
    def reserved(self) -> Decimal:
        """USD held: for calls in flight, and for ended calls awaiting their cost (``pending``)."""
        with self._lock:
            return self._reserved

    @property
    def pending(self) -> Decimal:
        """USD held for calls that ended without their cost (an answer cut or cancelled after it
        was sent), until ``GET /generation`` tells it; part of ``reserved``."""
        with self._lock:
            return self._pending_total

    @property
    def remaining(self) -> Decimal:
        """USD still available for new calls."""
        with self._lock:
            return self.limit - self._spent - self._reserved

    def _reserve(
        self,
        amount: Decimal,
        what: str = "this call",
        lower_hold: str = "",
        now: float | None = None,
    ) -> Decimal:
        """Hold ``amount`` for a call, or raise ``BudgetExceededError`` (nothing is sent).

        ``lower_hold`` tells the caller how to make the call's hold smaller (shown when refused).
        ``now`` (the shells' monotonic clock) commits pending holds that waited too long.
        Returns the amount held, to pass to ``_settle``, ``_release`` or ``_defer``.
        """
        if checked_amount(amount) is None:
            raise BudgetExceededError(f"{what} cannot be bounded: its worst case is {amount!r}")
        with self._lock:
            if self._pending and now is not None:
                self._expire(now)
            available = self.limit - self._spent - self._reserved
            if amount > available:
                raise BudgetExceededError(
                    self._refusal(amount, available, what, lower_hold),
                    metadata={
                        "budget": str(self.limit),
                        "spent": str(self._spent),
                        "reserved": str(self._reserved),
                        "pending": str(self._pending_total),
                        "in_flight": self._calls,
                        "needed": str(amount),
                    },
                )
            self._reserved += amount
            self._calls += 1
            return amount

    def _refusal(self, amount: Decimal, available: Decimal, what: str, lower_hold: str) -> str:
        """Why ``amount`` cannot be held, and how to get through (called under the lock)."""
        calls, waiting = self._calls, len(self._pending)
        in_flight = self._reserved - self._pending_total
        if calls:
            held = f"{format_usd(in_flight)} held for {calls} call{'s' if calls != 1 else ''}"
            state = f"spent {format_usd(self._spent)}, {held} in flight"
        else:
            state = f"spent {format_usd(self._spent)}, no call in flight"
        if waiting:
            state += (
                f", {format_usd(self._pending_total)} held for {waiting} ended "
                f"call{'s' if waiting != 1 else ''} until the cost is known"
            )
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
        if waiting and fits_later:
            ways.append("call settle_pending() once their costs are known (a few seconds)")
        if not fits_later:
            ways += ["choose a cheaper model", "raise the budget"]
        # Never empty: a refused amount that fits the limit less what was spent is refused for
        # what is held, so calls are in flight or pending.
        return (
            f"{text}; to get through: {', '.join(ways[:-1])}{' or ' if ways[1:] else ''}{ways[-1]}"
        )

    def _settle(self, held: Decimal, cost: Decimal | None) -> None:
        """The call ended: turn its hold into what it cost (all of it when unknown, or when
        ``cost`` is not a USD amount >= 0)."""
        cost = checked_amount(cost)
        with self._lock:
            self._reserved -= held
            self._spent += held if cost is None else cost
            self._calls -= 1

    def _release(self, held: Decimal) -> None:
        """The call ended, and the server cannot have billed it: give its hold back."""
        with self._lock:
            self._reserved -= held
            self._calls -= 1

    def _defer(self, held: Decimal, generation: str, now: float) -> PendingHold:
        """The call ended without its cost, which ``GET /generation?id=generation`` will tell:
        keep its hold pending (see ``_claim``)."""
        hold = PendingHold(generation, held, now)
        with self._lock:
            self._calls -= 1
            self._pending.append(hold)
            self._pending_total += held
        return hold

    def _claim(
        self, now: float, *, due_only: bool = True, limit: int | None = None
    ) -> list[PendingHold]:
        """Pending holds to look up now (oldest first, at most ``limit``), claimed so that no
        other sweeper looks them up at the same time; ``due_only`` skips those asked about too
        recently. Each must be handed back with ``_resolve`` or ``_unclaim``."""
        with self._lock:
            claimed: list[PendingHold] = []
            for hold in self._pending:
                if limit is not None and len(claimed) >= limit:
                    break
                if hold.claimed or (due_only and hold.next_lookup > now):
                    continue
                hold.claimed = True
                claimed.append(hold)
            return claimed

    def _unclaim(self, hold: PendingHold) -> None:
        """Give back a claim without an answer (the lookup could not be made)."""
        with self._lock:
            hold.claimed = False

    def _resolve(self, hold: PendingHold, lookup: Lookup, now: float) -> HoldEnd:
        """Apply a lookup's answer to a claimed pending hold (see ``lookup_end``)."""
        verdict = lookup_end(lookup, now - hold.since, self._wait)
        with self._lock:
            hold.claimed = False
            if verdict is HoldEnd.PEND:
                hold.tries += 1
                hold.next_lookup = now + min(_LOOKUP_FIRST * 2 ** (hold.tries - 1), _LOOKUP_MAX)
            elif hold in self._pending:
                self._end_pending(hold, lookup.cost if verdict is HoldEnd.SETTLE else None)
        return verdict

    def _commit_pending(self) -> int:
        """Commit every pending hold no sweeper holds a claim on at its worst case (the client is
        closing); return how many."""
        with self._lock:
            ending = [hold for hold in self._pending if not hold.claimed]
            for hold in ending:
                self._end_pending(hold, None)
            return len(ending)

    # -- the store interface's awaitable twins (memory never waits) --------------------------------
    async def _areserve(
        self,
        amount: Decimal,
        what: str = "this call",
        lower_hold: str = "",
        now: float | None = None,
    ) -> Decimal:
        """Same as ``_reserve``."""
        return self._reserve(amount, what, lower_hold, now)

    async def _asettle(self, held: Decimal, cost: Decimal | None) -> None:
        """Same as ``_settle``."""
        self._settle(held, cost)

    async def _arelease(self, held: Decimal) -> None:
        """Same as ``_release``."""
        self._release(held)

    async def _adefer(self, held: Decimal, generation: str, now: float) -> PendingHold:
        """Same as ``_defer``."""
        return self._defer(held, generation, now)

    async def _aclaim(
        self, now: float, *, due_only: bool = True, limit: int | None = None
    ) -> list[PendingHold]:
        """Same as ``_claim``."""
        return self._claim(now, due_only=due_only, limit=limit)

    async def _aunclaim(self, hold: PendingHold) -> None:
        """Same as ``_unclaim``."""
        self._unclaim(hold)

    async def _aresolve(self, hold: PendingHold, lookup: Lookup, now: float) -> HoldEnd:
        """Same as ``_resolve``."""
        return self._resolve(hold, lookup, now)

    async def _acommit_pending(self) -> int:
        """Same as ``_commit_pending``."""
        return self._commit_pending()

    def _expire(self, now: float) -> None:
        """Commit the unclaimed pending holds that waited ``pending_wait`` seconds (under the
        lock)."""
        for hold in [h for h in self._pending if not h.claimed and now - h.since >= self._wait]:
            self._end_pending(hold, None)

    def _end_pending(self, hold: PendingHold, cost: Decimal | None) -> None:
        """Settle a pending hold with ``cost`` (checked by ``lookup_end``), or all of it when
        None (under the lock)."""
        self._pending.remove(hold)
        self._pending_total -= hold.held
        self._reserved -= hold.held
        self._spent += hold.held if cost is None else cost


def worst_case_cost(
    pricing: ModelPricing | None, prompt_tokens: int, max_tokens: int
) -> Decimal | None:
    """The most a call can cost at ``pricing``: ``prompt_tokens`` of prompt, ``max_tokens`` of
    output (at the higher of the completion and reasoning prices) and the per-request fee; None
    when a price is unknown or variable."""
    if pricing is None:
        return None
    prompt, completion = price(pricing.prompt), price(pricing.completion)
    if prompt is None or completion is None:
        return None
    output = max(completion, _price_or(pricing.internal_reasoning, completion))
    return prompt_tokens * prompt + max_tokens * output + _price_or(pricing.request, _ZERO)


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
        """What to change about ``max_tokens``, and why (empty when it is set); for a call that
        generates nothing (embeddings, rerank), to send less input."""
        if not self.output_tokens:
            return "send less input", ""
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
    """The most a call can cost: ``prompt_tokens`` of prompt (an upper bound, see
    ``tokens.bound_prompt``) and ``max_tokens`` of output (else the model's completion limit, else
    its whole context window: the prompt is a bound, not a count, so what the window leaves it is
    not known) at the dearest of ``candidates`` (model ids in fallback order, ``""`` for the
    account default), each found by ``lookup``.

    Raises:
        BudgetExceededError: a candidate's cost cannot be bounded (it is unknown to ``lookup``,
            or its prices are unknown or variable).
    """
    worst, worst_output = _ZERO, 0
    for name in candidates:
        info = lookup(name) if name else None
        window = (info.context_length or 0) if info else 0
        cap = info.top_provider.max_completion_tokens if info and info.top_provider else None
        output = max_tokens or cap or window
        cost = worst_case_cost(info.pricing, prompt_tokens, output) if info else None
        if cost is None:
            raise BudgetExceededError(
                f"cannot bound the cost of {name or 'the account default model'}: its prices "
                "are unknown or variable; name models with fixed prices"
            )
        if cost >= worst:
            worst, worst_output = cost, output
    return WorstCase(worst, worst_output, max_tokens)


def input_worst_case(
    candidates: Iterable[str], lookup: Callable[[str], ModelInfo | None], prompt_tokens: int
) -> WorstCase:
    """The most a call that generates nothing (embeddings, rerank) can cost: ``prompt_tokens``
    (an upper bound, see ``tokens.bound_embedding_input``) at the dearest candidate's prompt
    price, plus its per-request fee.

    Raises:
        BudgetExceededError: a candidate is unknown to ``lookup`` or its prompt price is unknown
            or variable.
    """
    worst = _ZERO
    for name in candidates:
        info = lookup(name) if name else None
        pricing = info.pricing if info is not None else None
        prompt = price(pricing.prompt) if pricing is not None else None
        if pricing is None or prompt is None:
            raise BudgetExceededError(
                f"cannot bound the cost of {name or 'the call'}: its prices are unknown or "
                "variable; name a model with fixed prices"
            )
        worst = max(worst, prompt_tokens * prompt + _price_or(pricing.request, _ZERO))
    return WorstCase(worst, 0, None)


def unreported_input_cost(usage: Any, pricing: ModelPricing | None) -> Decimal | None:
    """The estimated cost of an embeddings or rerank usage (its ``prompt_tokens``, else its
    ``total_tokens``, at the prompt price, plus the per-request fee) when the server reported
    none; None when it reported one, counted nothing, or the prices are unknown or variable."""
    if usage is None or usage.cost is not None or pricing is None:
        return None
    tokens = _count(getattr(usage, "prompt_tokens", None)) or _count(usage.total_tokens)
    prompt = price(pricing.prompt)
    if not tokens or prompt is None:
        return None
    return tokens * prompt + _price_or(pricing.request, _ZERO)
