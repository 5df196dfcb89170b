"""The rate limits every process shares: ``RateLimiter``'s sliding window, its counts in Redis.

Owns: admitting an attempt with one script (all or nothing; a refused attempt counts nothing),
reconciling a ticket (one script, only when the real token count differs from the charge), and
the fall back to a local ``RateLimiter`` at the limits divided by ``expected_workers`` while Redis
cannot be reached. Never knows: waiting (the shells wait what ``Denied`` says), sockets.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import attrs

from openrouter_kit._core.ratelimit import Denied, RateLimit, RateLimiter, Ticket, scope_of
from openrouter_kit._redis._conn import StoreUnavailable
from openrouter_kit._redis._ops import Admission, Keys, admit_op, reconcile_op, refund_op

if TYPE_CHECKING:
    from openrouter_kit._redis._conn import Connection, Flow

__all__ = ["SharedLimiter", "local_share"]


class _LocalTicket(Ticket):
    """A ticket the local fallback limiter gave (reconciled there, not in Redis)."""

    __slots__ = ()


def local_share(rate_limit: RateLimit, workers: int) -> RateLimit:
    """``rate_limit`` divided among ``workers`` processes (rounded up, at least 1 each)."""

    def share(limit: int | None) -> int | None:
        return None if limit is None else max(math.ceil(limit / workers), 1)

    return attrs.evolve(
        rate_limit,
        requests_per_minute=share(rate_limit.requests_per_minute),
        tokens_per_minute=share(rate_limit.tokens_per_minute),
    )


class SharedLimiter:
    """Requests and tokens per minute counted in Redis for every process of the namespace;
    a local ``RateLimiter`` at ``limit / expected_workers`` while Redis is unreachable."""

    def __init__(
        self, conn: Connection, keys: Keys, rate_limit: RateLimit, expected_workers: int
    ) -> None:
        self.rate_limit = rate_limit
        self._conn = conn
        self._keys = keys
        self._local = RateLimiter(local_share(rate_limit, expected_workers))

    def __repr__(self) -> str:
        return f"<SharedLimiter namespace={self._keys.namespace!r} {self.rate_limit!r}>"

    def _admit(self, model: str, tokens: int, now: float) -> Flow[Ticket | Denied]:
        limit = self.rate_limit
        scope = scope_of(limit, model)
        charged = tokens if limit.tokens_per_minute is not None else 0
        op = admit_op(
            self._keys.limiter(scope), limit.requests_per_minute, limit.tokens_per_minute, charged
        )
        try:
            admission: Admission = yield op
        except StoreUnavailable:
            local = self._local.admit(model, tokens, now)
            return _LocalTicket(*local) if isinstance(local, Ticket) else local
        if admission.admitted:
            return Ticket(scope, admission.minute, charged)
        wait = math.inf if admission.wait is None else admission.wait
        return Denied(wait, "tpm" if admission.tokens else "rpm", scope)

    def _reconcile(self, ticket: Ticket, tokens: int) -> None:
        if isinstance(ticket, _LocalTicket):
            self._local.reconcile(ticket, tokens)
            return
        change = tokens - ticket.tokens
        if self.rate_limit.tokens_per_minute is None or not change:
            return  # nothing to correct
        # Sent with this process's next command, in its round trip (nobody waits for it).
        self._conn.later(reconcile_op(self._keys.limiter(ticket.scope), ticket.window, change))

    def _refund(self, ticket: Ticket) -> None:
        """The attempt ``ticket`` admitted was never sent: take back its request and tokens
        (sent with the next command)."""
        if isinstance(ticket, _LocalTicket):
            self._local.reconcile(ticket, 0)
            return
        self._conn.later(refund_op(self._keys.limiter(ticket.scope), ticket.window, ticket.tokens))

    def admit(self, model: str, tokens: int, now: float) -> Ticket | Denied:
        """Charge one request and ``tokens`` to ``model``'s scope for the whole fleet if both
        fit (one round trip); else charge nothing and say how long until they may."""
        return self._conn.drive(self._admit(model, tokens, now))

    async def aadmit(self, model: str, tokens: int, now: float) -> Ticket | Denied:
        """Same as ``admit``, awaitable."""
        return await self._conn.adrive(self._admit(model, tokens, now))

    def reconcile(self, ticket: Ticket, tokens: int) -> None:
        """Correct the ticket's charge to ``tokens``: sent with the next command (no round
        trip of its own), and only when they differ."""
        self._reconcile(ticket, tokens)

    async def areconcile(self, ticket: Ticket, tokens: int) -> None:
        """Same as ``reconcile``, awaitable."""
        self._reconcile(ticket, tokens)
