"""``RedisStore``: the circuit breakers, rate limits and budget of every process of a namespace,
kept in one Redis.

Owns: the store's settings (checked), the states it hands each client, and what it says when
Redis goes away and comes back (to the listeners the clients register). Never knows: how a
state decides (``_breaker``, ``_limiter``, ``_budget``), sockets (``_conn``).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal

from openrouter_kit._core.ratelimit import Ticket, scope_of
from openrouter_kit._core.store import Admitted
from openrouter_kit._redis._breaker import SharedBreaker
from openrouter_kit._redis._budget import SharedBudget, hold_ttl, process_owner
from openrouter_kit._redis._conn import Connection
from openrouter_kit._redis._limiter import SharedLimiter
from openrouter_kit._redis._ops import Keys
from openrouter_kit.errors import ConfigurationError

if TYPE_CHECKING:
    from openrouter_kit._core.events import StoreEvent
    from openrouter_kit._core.ratelimit import RateLimit
    from openrouter_kit._core.store import BreakerState, BudgetState, LimiterState
    from openrouter_kit._redis._conn import Flow

__all__ = ["RedisStore"]

_NAMESPACE = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


def _seconds(name: str, value: float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not (math.isfinite(value) and value > 0)
    ):
        raise ConfigurationError(
            f"RedisStore: {name} must be a number of seconds > 0, got {value!r}"
        )
    return float(value)


class RedisStore:
    """Circuit breakers, rate limits and a budget shared by every process that uses the same
    Redis and ``namespace``: a trip is seen by all within 250 ms and one probe is sent
    fleet-wide; the rate limits count every process's calls; the budget never lets the fleet
    hold more than its limit, and prices the calls of a process that died with
    ``GET /generation``.

    Make one with ``RedisStore.from_url("redis://host:6379/0", namespace="team-a")`` and pass it
    as ``Client(store=...)`` (``pip install 'openrouter-kit[redis]'``). Nothing connects until
    the first call. While Redis cannot be reached (``connect_timeout``, ``command_timeout``),
    breakers and rate limits fall back to this process's own state (rate limits at the limits
    divided by ``expected_workers``), saying so in a log record (logger
    ``openrouter_kit.store``) and a ``store`` hook event; the budget refuses calls with
    ``BudgetUnavailableError`` (``budget_mode="closed"``), or spends up to ``local_slice`` USD
    in this process and adds it to the shared books once Redis answers
    (``budget_mode="local_slice"``). Shared state resumes when Redis answers again.
    """

    #: Other processes see the states.
    shared = True

    def __init__(
        self,
        conn: Connection,
        *,
        namespace: str = "default",
        budget_mode: Literal["closed", "local_slice"] = "closed",
        local_slice: Decimal | None = None,
        expected_workers: int = 1,
        hold_ttl: float | None = None,
    ) -> None:
        self._conn = conn
        self.namespace = namespace
        self.budget_mode = budget_mode
        self.local_slice = local_slice
        self.expected_workers = expected_workers
        self._keys = Keys(namespace)
        self._owner = process_owner()
        #: Seconds a budget hold lives before a sweeper may take it as left by a process that
        #: died; None (the default): the longest a call of the client may take, plus a minute
        #: (see ``from_url``).
        self.hold_ttl = hold_ttl

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        namespace: str = "default",
        connect_timeout: float = 0.1,
        command_timeout: float = 0.25,
        budget_mode: Literal["closed", "local_slice"] = "closed",
        local_slice: Decimal | str | float | None = None,
        expected_workers: int = 1,
        hold_ttl: float | None = None,
    ) -> RedisStore:
        """A store on the Redis at ``url`` (``redis://``, ``rediss://`` or ``unix://``; a
        password in it is never shown), for the processes sharing ``namespace``.

        ``hold_ttl``: seconds a budget hold lives before the fleet's sweeper may take it as
        left by a process that died (and price it with ``GET /generation``). None (the
        default): derived from each client's settings: its ``deadline``, else its attempts'
        timeouts (``pool + connect + write + max(read, stream_idle_timeout)``, times
        ``max_retries + 1``) plus the longest waits between them, plus a 60 s margin; an
        hour and a minute when nothing bounds a call (a timeout None). A hold that lives
        longer than its call costs nothing; one that runs out while its call is still going
        is looked up early (never counted twice).

        Raises:
            ConfigurationError: redis-py is not installed, or a setting is invalid.
        """
        if not isinstance(url, str) or not url.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigurationError(
                "RedisStore: url must start with redis://, rediss:// or unix://"
            )
        if not isinstance(namespace, str) or not _NAMESPACE.fullmatch(namespace):
            raise ConfigurationError(
                "RedisStore: namespace must be 1-64 letters, digits, '_', '-' or '.', "
                f"got {namespace!r}"
            )
        if budget_mode not in ("closed", "local_slice"):
            raise ConfigurationError(
                f"RedisStore: budget_mode must be 'closed' or 'local_slice', got {budget_mode!r}"
            )
        slice_ = None
        if local_slice is not None:
            try:
                slice_ = Decimal(str(local_slice))
            except InvalidOperation:
                slice_ = None
            if slice_ is None or not slice_.is_finite() or slice_ < 0:
                raise ConfigurationError(
                    f"RedisStore: local_slice must be a USD amount >= 0, got {local_slice!r}"
                )
        if (budget_mode == "local_slice") != (slice_ is not None):
            raise ConfigurationError(
                "RedisStore: budget_mode='local_slice' needs local_slice (USD), and local_slice "
                "needs budget_mode='local_slice'"
            )
        if (
            isinstance(expected_workers, bool)
            or not isinstance(expected_workers, int)
            or (expected_workers < 1)
        ):
            raise ConfigurationError(
                "RedisStore: expected_workers must be a whole number >= 1, got "
                f"{expected_workers!r}"
            )
        if hold_ttl is not None:
            hold_ttl = _seconds("hold_ttl", hold_ttl)
        conn = Connection(
            url,
            namespace=namespace,
            connect_timeout=_seconds("connect_timeout", connect_timeout),
            command_timeout=_seconds("command_timeout", command_timeout),
        )
        return cls(
            conn,
            namespace=namespace,
            budget_mode=budget_mode,
            local_slice=slice_,
            expected_workers=expected_workers,
            hold_ttl=hold_ttl,
        )

    def __repr__(self) -> str:
        return f"<RedisStore {self._conn.masked_url} namespace={self.namespace!r}>"

    @property
    def errors(self) -> int:
        """Redis commands that failed (timeouts, refused connections, errors) so far."""
        return self._conn.errors

    @property
    def commands(self) -> int:
        """Redis commands (scripts) sent so far."""
        return self._conn.commands

    @property
    def round_trips(self) -> int:
        """Round trips to Redis so far (a pipeline of scripts is one)."""
        return self._conn.round_trips

    @property
    def available(self) -> bool:
        """False while Redis is taken as unreachable (the states use their local fallbacks)."""
        return not self._conn.down

    def listen(self, listener: Callable[[StoreEvent], None]) -> None:
        """Call ``listener`` with a ``StoreEvent`` when Redis becomes unreachable
        (``"fallback"``) and when it answers again (``"resumed"``), in the thread or task that
        saw it; a bound method is kept by weak reference."""
        self._conn.subscribe(listener)

    def breaker(self, threshold: int | None, recovery_time: float) -> SharedBreaker:
        """Circuit breakers shared by the fleet (``ValueError`` for an invalid setting)."""
        return SharedBreaker(self._conn, self._keys, self._owner, threshold, recovery_time)

    def limiter(self, rate_limit: RateLimit) -> SharedLimiter:
        """Rate limits shared by the fleet."""
        return SharedLimiter(self._conn, self._keys, rate_limit, self.expected_workers)

    def budget(self, limit: Decimal, *, longest_call: float | None = None) -> SharedBudget:
        """The fleet's budget (``ValueError`` for a limit that is not a USD amount >= 0); its
        holds live ``hold_ttl`` seconds, else ``longest_call`` plus a minute."""
        return SharedBudget(
            self._conn,
            self._keys,
            self._owner,
            limit,
            hold_ttl=hold_ttl(longest_call) if self.hold_ttl is None else self.hold_ttl,
            local_slice=self.local_slice,
        )

    # -- one round trip before a call ----------------------------------------------------------
    def _admission(
        self,
        breaker: BreakerState,
        limiter: LimiterState | None,
        budget: BudgetState | None,
        route: tuple[str, Sequence[str]],
        tokens: int,
        hold: tuple[Decimal, str, str] | None,
    ) -> list[Flow[Any]]:
        """The flows that admit a call: its route (the stale breaker keys read), the rate
        limit's admission for the first candidate, and the budget's hold (``hold``)."""
        endpoint, candidates = route
        now = time.monotonic()
        flows: list[Flow[Any]] = [_as_flow(breaker, "_route", endpoint, candidates, now)]
        flows.append(_as_flow(limiter, "_admit", candidates[0], tokens, now))
        if hold is not None:
            flows.append(_as_flow(budget, "_reserve_flow", *hold))
        return flows

    def _admitted(
        self,
        breaker: BreakerState,
        limiter: LimiterState | None,
        route: tuple[str, Sequence[str]],
        results: list[Any],
    ) -> Admitted:
        routed, admission, *rest = results
        held = rest[0] if rest else None
        if isinstance(held, BaseException):  # refused (or unbounded): nothing is sent
            self._undo(breaker, limiter, routed, admission)
            raise held
        if isinstance(routed, BaseException):
            # every circuit open: the shell routes again (from the cache) and says so
            self._undo(breaker, limiter, None, admission)
            routed, admission = None, None
        elif isinstance(admission, Ticket) and limiter is not None:
            expected = scope_of(limiter.rate_limit, route[1][0])
            if routed[0] != route[1][0] and scope_of(limiter.rate_limit, routed[0]) != expected:
                self._undo(breaker, limiter, None, admission)  # counted on the wrong model
                admission = None
        if isinstance(admission, BaseException):
            admission = None
        return Admitted(routed, admission, held)

    def _undo(self, breaker: Any, limiter: Any, routed: Any, admission: Any) -> None:
        """An admission whose attempt is not sent: its ticket refunded, its probe freed (both
        sent with the next round trip: nothing blocks)."""
        if isinstance(admission, Ticket) and limiter is not None:
            limiter._refund(admission)
        if isinstance(routed, tuple):
            breaker._release_later(routed[0])

    def _admit_call(
        self,
        breaker: BreakerState,
        limiter: LimiterState | None,
        budget: BudgetState | None,
        route: tuple[str, Sequence[str]],
        tokens: int,
        hold: tuple[Decimal, str, str] | None = None,
    ) -> Admitted:
        """Route a call, admit its attempt under the rate limit (``tokens`` estimated, for the
        first candidate) and hold ``hold`` (amount, what, lower_hold) in the budget: one round
        trip in the usual case (more only for a probe, or after Redis lost its scripts).

        Raises:
            BudgetExceededError: the hold does not fit (nothing else is kept).
        """
        flows = self._admission(breaker, limiter, budget, route, tokens, hold)
        return self._admitted(breaker, limiter, route, self._conn.drive_all(flows))

    async def _aadmit_call(
        self,
        breaker: BreakerState,
        limiter: LimiterState | None,
        budget: BudgetState | None,
        route: tuple[str, Sequence[str]],
        tokens: int,
        hold: tuple[Decimal, str, str] | None = None,
    ) -> Admitted:
        """Same as ``_admit_call``, awaitable."""
        flows = self._admission(breaker, limiter, budget, route, tokens, hold)
        return self._admitted(breaker, limiter, route, await self._conn.adrive_all(flows))

    def _flush(self) -> None:
        """Send the queued writes now."""
        self._conn.flush()

    async def _aflush(self) -> None:
        """Same as ``_flush``, awaitable."""
        await self._conn.aflush()

    def close(self) -> None:
        """Close the connections to Redis (they open again on the next use)."""
        self._conn.close()

    async def aclose(self) -> None:
        """Close this event loop's connections to Redis, and the blocking ones."""
        await self._conn.aclose()


def _none() -> Flow[None]:
    return None
    yield  # a generator that ends at once


def _as_flow(state: Any, name: str, *args: Any) -> Flow[Any]:
    """``state``'s flow ``name`` (a shared state's), or one that gives None."""
    method = getattr(state, name, None)
    return _none() if method is None else method(*args)
