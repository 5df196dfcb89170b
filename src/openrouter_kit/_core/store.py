"""The state-store seam: where a client keeps its circuit breakers, rate limits and budget.

Owns: the interface every store implements (``Store``, and the three states it hands out:
``BreakerState``, ``LimiterState``, ``BudgetState``) and ``MemoryStore``, the default, whose
states are today's in-process ``CircuitBreaker``, ``RateLimiter`` and ``Budget``. A shared store
(``RedisStore``, in ``openrouter_kit._redis``) keeps the same states where every process sees
them. The core decides (trip or not, admit or not, hold or not) and the store keeps; the
shells call the sync methods, and the async shell awaits the ``a``-prefixed twins when the
store is ``shared`` (a memory store's twins would only cost an await). Never knows: sockets,
clocks (``now`` is passed in), Redis.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence, Sized
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from openrouter_kit._core.accounting import Budget
from openrouter_kit._core.breaker import CircuitBreaker
from openrouter_kit._core.ratelimit import RateLimiter

if TYPE_CHECKING:
    from openrouter_kit._core.accounting import HoldEnd, Lookup, PendingHold
    from openrouter_kit._core.breaker import BreakerKey, CircuitStatus
    from openrouter_kit._core.events import StoreEvent
    from openrouter_kit._core.ratelimit import Denied, RateLimit, Ticket

__all__ = ["Admitted", "BreakerState", "BudgetState", "LimiterState", "MemoryStore", "Store"]


class Admitted:
    """What a shared store's admission of a call gave, in one round trip: the breaker's route
    (None: route again), the rate limit's ticket or refusal (None: admit again), and the
    budget's hold (None: none was asked). The shell then begins the attempt with them."""

    __slots__ = ("admission", "held", "routed")

    def __init__(
        self,
        routed: tuple[str, list[str]] | None,
        admission: Ticket | Denied | None,
        held: Decimal | None,
    ) -> None:
        self.routed = routed
        self.admission = admission
        self.held = held


class BreakerState(Protocol):
    """The circuit breakers of a client: what ``CircuitBreaker`` does, kept by a store.

    Before an attempt, ``route`` (or ``check``); after it, exactly one of ``record_success``,
    ``record_failure`` or ``release``. See ``CircuitBreaker`` for each method's meaning; a
    shared implementation keeps the same rules (``threshold`` consecutive failures trip a key,
    one half-open probe after ``recovery_time``).
    """

    #: Consecutive failures that open a key's circuit (None: the breaker is off).
    threshold: int | None
    #: Seconds an open circuit waits before it lets one probe through.
    recovery_time: float

    def available(self, key: BreakerKey, now: float) -> bool:
        """True when a call for ``key`` would be let through now (the probe not taken)."""
        ...

    def check(self, key: BreakerKey, now: float) -> None:
        """Let a call for ``key`` through, or raise ``CircuitOpenError``."""
        ...

    def route(self, endpoint: str, candidates: Sequence[str], now: float) -> tuple[str, list[str]]:
        """The model a call goes to and the candidates whose circuit lets a call through, or
        ``CircuitOpenError`` when none does."""
        ...

    def record_success(self, key: BreakerKey) -> None:
        """The attempt for ``key`` worked (or failed for a reason that is not the service's)."""
        ...

    def record_failure(self, key: BreakerKey, now: float) -> None:
        """The attempt for ``key`` failed the way a sick service fails."""
        ...

    def release(self, key: BreakerKey) -> None:
        """The attempt for ``key`` ended without a verdict: free the probe slot."""
        ...

    def status(self, endpoint: str, model: str | None = None) -> CircuitStatus:
        """The state of the breaker for ``endpoint`` and ``model``."""
        ...

    def states(self) -> dict[BreakerKey, CircuitStatus]:
        """Every key that has failed at least once, with its status."""
        ...

    def reset(self, endpoint: str | None = None, model: str | None = None) -> None:
        """Close the breaker for one endpoint and model, or every breaker."""
        ...

    async def aroute(
        self, endpoint: str, candidates: Sequence[str], now: float
    ) -> tuple[str, list[str]]:
        """Same as ``route``, awaitable."""
        ...

    async def arecord_success(self, key: BreakerKey) -> None:
        """Same as ``record_success``, awaitable."""
        ...

    async def arecord_failure(self, key: BreakerKey, now: float) -> None:
        """Same as ``record_failure``, awaitable."""
        ...

    async def arelease(self, key: BreakerKey) -> None:
        """Same as ``release``, awaitable."""
        ...


class LimiterState(Protocol):
    """The rate limits of a client: what ``RateLimiter`` does, kept by a store.

    ``admit`` before each attempt charges one request and the estimated tokens (all or nothing)
    and gives a ``Ticket``, or charges nothing and gives ``Denied`` with the seconds until there
    may be room (the shell then waits or raises, by ``ratelimit.wait_or_refuse``: the state
    never sleeps); ``reconcile`` corrects the ticket's tokens once the real count is known.
    """

    #: The limits it enforces.
    rate_limit: RateLimit

    def admit(self, model: str, tokens: int, now: float) -> Ticket | Denied:
        """Charge an attempt for ``model`` of ``tokens`` estimated tokens, or say when it may
        be (``now``: the shells' monotonic clock; a shared store may use its own)."""
        ...

    def reconcile(self, ticket: Ticket, tokens: int) -> None:
        """The attempt of ``ticket`` used ``tokens``: apply the difference to its bucket."""
        ...

    async def aadmit(self, model: str, tokens: int, now: float) -> Ticket | Denied:
        """Same as ``admit``, awaitable."""
        ...

    async def areconcile(self, ticket: Ticket, tokens: int) -> None:
        """Same as ``reconcile``, awaitable."""
        ...


class BudgetState(Protocol):
    """A USD budget: what ``Budget`` does, kept by a store.

    The methods are ``Budget``'s (see each there): hold a call's worst case (``_reserve``),
    end the hold (``_settle``, ``_release``, ``_defer`` to wait for ``GET /generation``), and
    the sweep of pending holds (``_claim``, then ``_resolve`` or ``_unclaim``; ``_commit_pending``
    when the client closes). Amounts are ``Decimal``, never floats.
    """

    #: The cap, USD.
    limit: Decimal

    @property
    def spent(self) -> Decimal:
        """USD settled so far."""
        ...

    @property
    def reserved(self) -> Decimal:
        """USD held, ``pending`` included."""
        ...

    @property
    def pending(self) -> Decimal:
        """USD held for ended calls awaiting their cost."""
        ...

    @property
    def remaining(self) -> Decimal:
        """USD still available for new calls."""
        ...

    @property
    def _pending(self) -> Sized:
        """The pending holds this process knows of (its length: how many)."""
        ...

    def _reserve(
        self, amount: Decimal, what: str = ..., lower_hold: str = ..., now: float | None = ...
    ) -> Decimal:
        """Hold ``amount`` or raise ``BudgetExceededError``; the amount held."""
        ...

    def _settle(self, held: Decimal, cost: Decimal | None) -> None:
        """Turn a hold into what the call cost (all of it when None)."""
        ...

    def _release(self, held: Decimal) -> None:
        """Give a hold back (the server cannot have billed the call)."""
        ...

    def _defer(self, held: Decimal, generation: str, now: float) -> PendingHold:
        """Keep a hold pending until ``GET /generation?id=generation`` tells the cost."""
        ...

    def _claim(
        self, now: float, *, due_only: bool = ..., limit: int | None = ...
    ) -> list[PendingHold]:
        """Pending holds to look up now, claimed."""
        ...

    def _unclaim(self, hold: PendingHold) -> None:
        """Give a claim back without an answer."""
        ...

    def _resolve(self, hold: PendingHold, lookup: Lookup, now: float) -> HoldEnd:
        """Apply a lookup's answer to a claimed hold."""
        ...

    def _commit_pending(self) -> int:
        """Commit the unclaimed pending holds at their worst case; how many."""
        ...

    async def _areserve(
        self, amount: Decimal, what: str = ..., lower_hold: str = ..., now: float | None = ...
    ) -> Decimal:
        """Same as ``_reserve``, awaitable."""
        ...

    async def _asettle(self, held: Decimal, cost: Decimal | None) -> None:
        """Same as ``_settle``, awaitable."""
        ...

    async def _arelease(self, held: Decimal) -> None:
        """Same as ``_release``, awaitable."""
        ...

    async def _adefer(self, held: Decimal, generation: str, now: float) -> PendingHold:
        """Same as ``_defer``, awaitable."""
        ...

    async def _aclaim(
        self, now: float, *, due_only: bool = ..., limit: int | None = ...
    ) -> list[PendingHold]:
        """Same as ``_claim``, awaitable."""
        ...

    async def _aunclaim(self, hold: PendingHold) -> None:
        """Same as ``_unclaim``, awaitable."""
        ...

    async def _aresolve(self, hold: PendingHold, lookup: Lookup, now: float) -> HoldEnd:
        """Same as ``_resolve``, awaitable."""
        ...

    async def _acommit_pending(self) -> int:
        """Same as ``_commit_pending``, awaitable."""
        ...


@runtime_checkable
class Store(Protocol):
    """Where a client keeps its circuit breakers, rate limits and budget.

    ``MemoryStore`` (the default) keeps them in this process; ``RedisStore`` shares them with
    every process using the same namespace. A client asks its store for each state once, when
    it is made; its ``with_options`` copies share them.
    """

    @property
    def namespace(self) -> str:
        """The name the states are kept under (clients with the same store and namespace
        share them)."""
        ...

    @property
    def shared(self) -> bool:
        """True when other processes see the states (the async client then awaits the states'
        ``a``-prefixed methods); False for this process only."""
        ...

    def breaker(self, threshold: int | None, recovery_time: float) -> BreakerState:
        """The circuit breakers of a client (``ValueError`` for an invalid setting)."""
        ...

    def limiter(self, rate_limit: RateLimit) -> LimiterState:
        """The rate limits of a client."""
        ...

    def budget(self, limit: Decimal, *, longest_call: float | None = None) -> BudgetState:
        """The budget of a client (``ValueError`` for a limit that is not a USD amount >= 0).
        ``longest_call``: the most seconds one call of the client may take (None: no bound);
        a shared store keeps a call's hold at least that long before taking it as left by a
        process that died (the clients pass it to ``RedisStore`` only: a store of your own
        may leave it out)."""
        ...

    def listen(self, listener: Callable[[StoreEvent], None]) -> None:
        """Call ``listener`` with each ``StoreEvent`` (the store fell back to local state, or
        resumed), in the thread or task that saw the switch. The store keeps a bound method
        by weak reference (``weakref.WeakMethod``), so a client that is dropped stops
        listening; a client's listener only queues the event for its hooks (it never blocks)."""
        ...

    def close(self) -> None:
        """Let go of what the store holds open (connections); safe to call twice. A client
        closes the store it made, never one it was given."""
        ...

    async def aclose(self) -> None:
        """Same as ``close``, awaitable."""
        ...


class MemoryStore:
    """The default store: each client's breakers, rate limits and budget live in its process.

    Every call of the client and its ``with_options`` copies shares them; other clients and
    other processes do not. Passing one ``MemoryStore`` to several clients does not share state
    between them either: each client gets its own states (use ``RedisStore`` to share).
    """

    __slots__ = ("namespace",)

    #: Only this process sees the states.
    shared = False

    def __init__(self, namespace: str = "default") -> None:
        self.namespace = namespace

    def __repr__(self) -> str:
        return f"<MemoryStore namespace={self.namespace!r}>"

    def breaker(self, threshold: int | None, recovery_time: float) -> CircuitBreaker:
        """A new ``CircuitBreaker``."""
        return CircuitBreaker(threshold, recovery_time)

    def limiter(self, rate_limit: RateLimit) -> RateLimiter:
        """A new ``RateLimiter``."""
        return RateLimiter(rate_limit)

    def budget(self, limit: Decimal, *, longest_call: float | None = None) -> Budget:
        """A new ``Budget`` (``longest_call`` does not matter here: no other process sweeps
        its holds)."""
        return Budget(limit)

    def listen(self, listener: Callable[[StoreEvent], None]) -> None:
        """Nothing to tell: memory is always there."""

    def close(self) -> None:
        """Nothing to close."""

    async def aclose(self) -> None:
        """Nothing to close."""


def _memory_states_are_states(
    store: MemoryStore, breaker: CircuitBreaker, limiter: RateLimiter, budget: Budget
) -> tuple[Store, BreakerState, LimiterState, BudgetState]:  # pragma: no cover - for mypy
    """Never called: mypy checks here that the memory classes implement the protocols."""
    return store, breaker, limiter, budget
