"""``RedisStore``: the circuit breakers, rate limits and budget of every process of a namespace,
kept in one Redis.

Owns: the store's settings (checked), the states it hands each client, and what it says when
Redis goes away and comes back (to the listeners the clients register). Never knows: how a
state decides (``_breaker``, ``_limiter``, ``_budget``), sockets (``_conn``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Literal

from openrouter_kit._redis._breaker import SharedBreaker
from openrouter_kit._redis._budget import SharedBudget, hold_ttl, process_owner
from openrouter_kit._redis._conn import Connection
from openrouter_kit._redis._limiter import SharedLimiter
from openrouter_kit._redis._ops import Keys
from openrouter_kit.errors import ConfigurationError

if TYPE_CHECKING:
    from openrouter_kit._core.events import StoreEvent
    from openrouter_kit._core.ratelimit import RateLimit

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
    ) -> None:
        self._conn = conn
        self.namespace = namespace
        self.budget_mode = budget_mode
        self.local_slice = local_slice
        self.expected_workers = expected_workers
        self._keys = Keys(namespace)
        self._owner = process_owner()
        #: Seconds a budget hold lives before a sweeper may take it (see ``hold_ttl``).
        self.hold_ttl = hold_ttl(None)

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
    ) -> RedisStore:
        """A store on the Redis at ``url`` (``redis://``, ``rediss://`` or ``unix://``; a
        password in it is never shown), for the processes sharing ``namespace``.

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

    def budget(self, limit: Decimal) -> SharedBudget:
        """The fleet's budget (``ValueError`` for a limit that is not a USD amount >= 0)."""
        return SharedBudget(
            self._conn,
            self._keys,
            self._owner,
            limit,
            hold_ttl=self.hold_ttl,
            local_slice=self.local_slice,
        )

    def close(self) -> None:
        """Close the connections to Redis (they open again on the next use)."""
        self._conn.close()

    async def aclose(self) -> None:
        """Close this event loop's connections to Redis, and the blocking ones."""
        await self._conn.aclose()
