"""The circuit breaker every process shares: ``CircuitBreaker``'s rules, its state in Redis.

Owns: a short cache of each key's shared state (a process trusts what it read for
``CACHE_FOR`` seconds, so a trip elsewhere is seen within that plus one round trip, and a closed
circuit costs no round trip inside the window; the stale keys of a route are read in one round
trip), successes sent with the next round trip (each resets the fleet's count of failures in
a row), failures sent at once (a trip must be seen within 250 ms), taking the one fleet-wide
half-open probe (a lease that runs out if its process dies), and the fall back to a local
``CircuitBreaker`` while Redis cannot be reached. Each operation is one flow of script calls,
run by the sync or the async client. Never knows: what counts as a failure (the shells say),
sockets (``_conn``).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from attrs import frozen

from openrouter_kit._core.breaker import BreakerKey, CircuitBreaker, CircuitState, CircuitStatus
from openrouter_kit._redis._conn import StoreUnavailable
from openrouter_kit._redis._ops import BreakerReply, Keys, Op, breaker_op
from openrouter_kit.errors import CircuitOpenError

if TYPE_CHECKING:
    from openrouter_kit._redis._conn import Connection, Flow

__all__ = ["CACHE_FOR", "SharedBreaker"]

#: Seconds a process trusts a breaker state it read (a trip elsewhere is seen within this).
CACHE_FOR = 0.2
#: The least seconds a probe's lease lasts (it lasts the recovery time when that is longer).
MIN_LEASE = 30.0


@frozen
class _Seen:
    reply: BreakerReply
    at: float  # time.monotonic() when read

    def redis_now(self) -> float:
        """Redis's clock now (ms), from the reply's and the time since."""
        return self.reply.now + (time.monotonic() - self.at) * 1000

    def lets_through(self) -> bool:
        reply = self.reply
        if reply.state == "closed":
            return True
        return not reply.probing and self.redis_now() >= reply.open_until


class SharedBreaker:
    """Circuit breakers kept in Redis: ``threshold`` failures in a row open a key for everyone;
    after ``recovery_time`` one process (one call) probes; a probe that fails opens it again
    for twice as long (up to 16 times). Falls back to a local ``CircuitBreaker`` while Redis is
    unreachable."""

    def __init__(
        self,
        conn: Connection,
        keys: Keys,
        owner: str,
        threshold: int | None,
        recovery_time: float,
    ) -> None:
        self._local = CircuitBreaker(threshold, recovery_time)  # checks the settings
        self.threshold = threshold
        self.recovery_time = recovery_time
        self._conn = conn
        self._keys = keys
        self._owner = owner
        self._lease = max(recovery_time, MIN_LEASE)
        self._seen: dict[BreakerKey, _Seen] = {}
        self._probes: dict[BreakerKey, str] = {}
        self._numbers = itertools.count(1)

    def __repr__(self) -> str:
        return f"<SharedBreaker namespace={self._keys.namespace!r} threshold={self.threshold}>"

    def _op(self, key: BreakerKey, op: str, caller: str) -> Op[BreakerReply]:
        return breaker_op(
            self._keys.breaker(*key),
            op,
            caller,
            self.threshold or 1,
            self.recovery_time,
            self._lease,
        )

    # -- flows ---------------------------------------------------------------------------------
    def _read(self, key: BreakerKey, fresh: bool = False) -> Flow[_Seen | None]:
        seen = self._seen.get(key)
        if seen is not None and not fresh and time.monotonic() - seen.at < CACHE_FOR:
            return seen
        try:
            reply = yield self._op(key, "read", self._owner)
        except StoreUnavailable:
            return None
        return self._keep(key, reply)

    def _keep(self, key: BreakerKey, reply: BreakerReply) -> _Seen:
        seen = self._seen[key] = _Seen(reply, time.monotonic())
        return seen

    def _available(self, key: BreakerKey, now: float) -> Flow[bool]:
        if self.threshold is None:
            return True
        seen = yield from self._read(key)
        if seen is None:
            return self._local.available(key, now)
        return seen.lets_through()

    def _check(self, key: BreakerKey, now: float) -> Flow[None]:
        if self.threshold is None:
            return
        seen = yield from self._read(key)
        if seen is None:
            self._local.check(key, now)
            return
        if seen.reply.state == "closed":
            return
        if seen.lets_through():
            token = f"{self._owner}:{next(self._numbers)}"
            try:
                reply = yield self._op(key, "acquire", token)
            except StoreUnavailable:
                self._local.check(key, now)
                return
            seen = self._keep(key, reply)
            if reply.mine:
                self._probes[key] = token
                return
            if reply.state == "closed":
                return
        retry_in = max(seen.reply.open_until - seen.redis_now(), 0.0) / 1000
        endpoint, model = key
        raise CircuitOpenError(
            f"circuit open for {endpoint} {model or ''}: {seen.reply.failures} consecutive "
            f"failures (shared); next probe in {retry_in:.1f} s".replace("  ", " "),
            metadata={"endpoint": endpoint, "model": model, "retry_in": retry_in},
        )

    def _route(
        self, endpoint: str, candidates: Sequence[str], now: float
    ) -> Flow[tuple[str, list[str]]]:
        if self.threshold is not None:
            moment = time.monotonic()
            stale = [
                (endpoint, model)
                for model in candidates
                if (seen := self._seen.get((endpoint, model))) is None
                or moment - seen.at >= CACHE_FOR
            ]
            if stale:  # every stale key read in one round trip
                try:
                    replies = yield [self._op(key, "read", self._owner) for key in stale]
                except StoreUnavailable:
                    return self._local.route(endpoint, candidates, now)
                for key, reply in zip(stale, replies, strict=True):
                    self._keep(key, reply)
        healthy = []
        for model in candidates:
            if (yield from self._available((endpoint, model), now)):
                healthy.append(model)
        model = healthy[0] if healthy else candidates[0]
        yield from self._check((endpoint, model), now)
        return model, healthy

    def _record(self, key: BreakerKey, op: str, now: float) -> Flow[None]:
        if self.threshold is None:
            return
        token = self._probes.pop(key, None)
        if op == "success" and token is None:
            # Sent with this process's next round trip (no round trip of its own): every
            # success resets the fleet's count of failures in a row, even when this process
            # has not seen the failures of the others yet.
            if self._conn.down:
                self._local.record_success(key)
            else:
                self._conn.later(self._op(key, "success", self._owner))
            return
        if op == "release" and token is None:
            return
        try:
            reply = yield self._op(key, op, token or self._owner)
        except StoreUnavailable:
            if op == "success":
                self._local.record_success(key)
            elif op == "failure":
                self._local.record_failure(key, now)
            else:
                self._local.release(key)
            return
        self._keep(key, reply)

    def _release_later(self, model: str, endpoint: str | None = None) -> None:
        """Free the probe this process took for ``model`` (its call is not sent), with the
        next round trip."""
        for key in [k for k in self._probes if k[1] == model and endpoint in (None, k[0])]:
            token = self._probes.pop(key)
            self._conn.later(self._op(key, "release", token))

    # -- BreakerState --------------------------------------------------------------------------
    def available(self, key: BreakerKey, now: float) -> bool:
        """True when a call for ``key`` would be let through now (without taking the probe)."""
        return self._conn.drive(self._available(key, now))

    def check(self, key: BreakerKey, now: float) -> None:
        """Let a call for ``key`` through, or raise ``CircuitOpenError`` (nothing is sent); once
        the open time is over, one call in the whole fleet becomes the probe."""
        self._conn.drive(self._check(key, now))

    def route(self, endpoint: str, candidates: Sequence[str], now: float) -> tuple[str, list[str]]:
        """Where a call goes (see ``CircuitBreaker.route``), by the shared state."""
        return self._conn.drive(self._route(endpoint, candidates, now))

    async def aroute(
        self, endpoint: str, candidates: Sequence[str], now: float
    ) -> tuple[str, list[str]]:
        """Same as ``route``, awaitable."""
        return await self._conn.adrive(self._route(endpoint, candidates, now))

    def record_success(self, key: BreakerKey) -> None:
        """The call for ``key`` worked (no round trip when its circuit is closed and clean)."""
        self._conn.drive(self._record(key, "success", time.monotonic()))

    async def arecord_success(self, key: BreakerKey) -> None:
        """Same as ``record_success``, awaitable."""
        await self._conn.adrive(self._record(key, "success", time.monotonic()))

    def record_failure(self, key: BreakerKey, now: float) -> None:
        """The call for ``key`` failed the way a sick service fails."""
        self._conn.drive(self._record(key, "failure", now))

    async def arecord_failure(self, key: BreakerKey, now: float) -> None:
        """Same as ``record_failure``, awaitable."""
        await self._conn.adrive(self._record(key, "failure", now))

    def release(self, key: BreakerKey) -> None:
        """The call for ``key`` ended without a verdict: free the probe (when it was one)."""
        self._conn.drive(self._record(key, "release", time.monotonic()))

    async def arelease(self, key: BreakerKey) -> None:
        """Same as ``release``, awaitable."""
        await self._conn.adrive(self._record(key, "release", time.monotonic()))

    def status(self, endpoint: str, model: str | None = None) -> CircuitStatus:
        """The shared state of the breaker for ``endpoint`` and ``model`` (read now; the local
        one while Redis is unreachable). ``opened_at`` is on this process's monotonic clock."""
        key = (endpoint, model or "")
        seen = self._conn.drive(self._read(key, fresh=True))
        if seen is None:
            return self._local.status(endpoint, model)
        reply = seen.reply
        opened = None
        if reply.state != "closed":
            opened = seen.at - (reply.now - reply.opened_at) / 1000
        return CircuitStatus(CircuitState(reply.state), reply.failures, opened)

    def states(self) -> dict[BreakerKey, CircuitStatus]:
        """The keys this process has used that failed at least once, with their shared
        status."""
        found = {}
        for key in list(self._seen):
            status = self.status(*key)
            if status.failures or status.state is not CircuitState.CLOSED:
                found[key] = status
        return found

    def reset(self, endpoint: str | None = None, model: str | None = None) -> None:
        """Close the breaker for one endpoint and model, or every one this process has used,
        for the whole fleet."""
        keys = list(self._seen) if endpoint is None else [(endpoint, model or "")]
        for key in keys:
            self._probes.pop(key, None)
            self._seen.pop(key, None)
            self._conn.drive(self._reset(key))
        self._local.reset(endpoint, model)

    def _reset(self, key: BreakerKey) -> Flow[None]:
        try:
            yield self._op(key, "reset", self._owner)
        except StoreUnavailable:
            return
