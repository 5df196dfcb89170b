"""The budget every process shares: ``Budget``'s holds and books, kept in Redis.

Owns: holding a call's worst case only if ``committed + held + hold <= limit`` (one script, so
no two processes can both take the last dollars), ending holds idempotently by their id (a hold
settled twice counts once), the generation id a streaming hold is tagged with (so a sweeper can
price it should its process die), the fleet's sweep (one sweeper at a time takes the holds that
are due: pending ones, and those whose process died, left past their TTL; each is priced with
``GET /generation`` by the shell, through ``_claim``/``_resolve`` as for ``Budget``), and what
happens while Redis is unreachable: calls are refused with ``BudgetUnavailableError``, or, with
a local slice, spend up to that much in this process, journalled and added to the shared books
once (by hold id) when Redis answers again. Never knows: HTTP (the shells look generations up),
sockets.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Sized
from decimal import Decimal
from typing import TYPE_CHECKING

from openrouter_kit._core.accounting import (
    PENDING_WAIT,
    Budget,
    HoldEnd,
    Lookup,
    PendingHold,
    checked_amount,
    lookup_end,
)
from openrouter_kit._core.money import format_usd
from openrouter_kit._redis._conn import StoreUnavailable
from openrouter_kit._redis._ops import BudgetReply, Keys, Op, budget_op, to_usd
from openrouter_kit.errors import BudgetExceededError, BudgetUnavailableError

if TYPE_CHECKING:
    from openrouter_kit._redis._conn import Connection, Flow

__all__ = ["HOLD_TTL", "SharedBudget", "SharedHold"]

#: Seconds a hold lives before a sweeper may take it as left by a dead process: the longest a
#: call of the client may run (see ``BaseClient._longest_call``: its deadline, else its
#: attempts' timeouts and ``stream_idle_timeout`` and the waits between them) plus
#: ``HOLD_MARGIN``; ``HOLD_TTL`` when nothing bounds a call (a timeout or the idle limit None).
HOLD_TTL = 3600.0
HOLD_MARGIN = 60.0
#: Seconds a sweeper keeps the fleet's sweep, and each hold it claimed, before another may.
SWEEP_LEASE = 10.0
CLAIM_LEASE = 30.0
#: Seconds before a pending hold's first lookup (a generation's stats take a moment to appear).
FIRST_LOOKUP = 1.0
_LOOKUP_MAX = 30.0
_ZERO = Decimal(0)


class _Held(Decimal):
    """The amount a shared hold holds, carrying its id (the shells hand it back to end it)."""

    __slots__ = ("hold_id", "local")

    hold_id: str
    local: bool

    def __new__(cls, amount: Decimal, hold_id: str, local: bool = False) -> _Held:
        held = super().__new__(cls, amount)
        held.hold_id = hold_id
        held.local = local
        return held


class SharedHold(PendingHold):
    """A pending (or orphaned) hold claimed from the shared budget, to look up."""

    __slots__ = ("hold_id",)

    def __init__(self, hold_id: str, generation: str, held: Decimal, since: float) -> None:
        super().__init__(generation, held, since)
        self.hold_id = hold_id


class _Count(Sized):
    """How many holds a sweeper may take (``len``), as of the last reply."""

    def __init__(self, count: int) -> None:
        self.count = count

    def __len__(self) -> int:
        return self.count


class SharedBudget:
    """A USD cap shared by every process of a namespace (see the module)."""

    def __init__(
        self,
        conn: Connection,
        keys: Keys,
        owner: str,
        limit: Decimal,
        *,
        hold_ttl: float = HOLD_TTL,
        local_slice: Decimal | None = None,
        pending_wait: float = PENDING_WAIT,
    ) -> None:
        if not limit.is_finite() or limit < 0:
            raise ValueError(f"budget must be a USD amount >= 0, got {limit}")
        self.limit = limit
        self._conn = conn
        self._keys = keys.budget("default")
        self._owner = owner
        self._hold_ttl = hold_ttl
        self._wait = pending_wait
        self._slice = local_slice
        self._local: Budget | None = None
        self._journal: list[Op[BudgetReply]] = []
        self._lock = threading.Lock()
        self._last_reply: BudgetReply | None = None
        #: Holds deferred since the last reply (queued: the books do not show them yet).
        self._deferred = 0

    # -- what the books say --------------------------------------------------------------------
    @property
    def _last(self) -> BudgetReply | None:
        """The books as the last reply showed them."""
        return self._last_reply

    @_last.setter
    def _last(self, reply: BudgetReply | None) -> None:
        # a reply comes after the writes queued before its command: it shows the deferred holds
        self._last_reply, self._deferred = reply, 0

    def _books(self) -> BudgetReply | None:
        """The books now (one round trip), or the last ones seen while Redis is unreachable."""
        return self._conn.drive(self._read())

    def _read(self) -> Flow[BudgetReply | None]:
        try:
            reply: BudgetReply = yield budget_op(self._keys, "read")
        except StoreUnavailable:
            return self._last
        self._last = reply
        return reply

    @property
    def spent(self) -> Decimal:
        """USD settled so far by the whole fleet."""
        books = self._books()
        return _ZERO if books is None else books.committed

    @property
    def reserved(self) -> Decimal:
        """USD held by the whole fleet: calls in flight, and ended calls awaiting their cost."""
        books = self._books()
        return _ZERO if books is None else books.held

    @property
    def pending(self) -> Decimal:
        """USD held for ended calls awaiting their cost (part of ``reserved``)."""
        books = self._books()
        return _ZERO if books is None else books.pending

    @property
    def remaining(self) -> Decimal:
        """USD still available to the fleet for new calls."""
        books = self._books()
        if books is None:
            return self.limit
        return self.limit - books.committed - books.held

    @property
    def _pending(self) -> Sized:
        """The holds a sweeper may take now, as of the last reply (its ``len``)."""
        last = self._last
        seen = 0 if last is None else max(last.due, last.pending_holds)
        return _Count(seen + self._deferred)

    def __repr__(self) -> str:
        last = self._last
        if last is None:
            return f"<SharedBudget limit={format_usd(self.limit)} (not read yet)>"
        return (
            f"<SharedBudget limit={format_usd(self.limit)} spent={format_usd(last.committed)} "
            f"held={format_usd(last.held)} in {last.holds} hold{'s' if last.holds != 1 else ''} "
            f"remaining={format_usd(self.limit - last.committed - last.held)}>"
        )

    # -- holds ---------------------------------------------------------------------------------
    def _flush(self) -> Flow[None]:
        """Send what was journalled while Redis was unreachable (each op is idempotent)."""
        while self._journal:
            op = self._journal[0]
            yield op  # StoreUnavailable propagates: the journal stays
            with self._lock:
                if self._journal and self._journal[0] is op:
                    self._journal.pop(0)
        if self._local is not None and not self._local._calls:
            self._local = None  # the outage's slice is spent and flushed: a new one next time

    def _reserve_flow(self, amount: Decimal, what: str, lower_hold: str) -> Flow[Decimal]:
        if checked_amount(amount) is None:
            raise BudgetExceededError(f"{what} cannot be bounded: its worst case is {amount!r}")
        hold_id = uuid.uuid4().hex
        op = budget_op(
            self._keys,
            "reserve",
            hold_id,
            to_usd(amount),
            to_usd(self.limit),
            int(self._hold_ttl * 1000),
            self._owner,
        )
        try:
            yield from self._flush()
            reply: BudgetReply = yield op
        except StoreUnavailable as exc:
            with self._lock:  # a reserve that timed out may still run: give it back then
                self._journal.append(budget_op(self._keys, "settle", hold_id, to_usd(_ZERO)))
            return self._reserve_locally(amount, what, lower_hold, str(exc))
        self._last = reply
        if not reply.ok:
            raise self._refusal(reply, amount, what, lower_hold)
        return _Held(amount, hold_id)

    def _reserve_locally(self, amount: Decimal, what: str, lower_hold: str, error: str) -> Decimal:
        if self._slice is None:
            raise BudgetUnavailableError(
                f"{what} was refused: the shared budget cannot be reached ({error}), and it "
                "fails closed (RedisStore(budget_mode='local_slice') spends a slice locally "
                "meanwhile)",
                metadata={"budget": str(self.limit)},
            )
        with self._lock:
            if self._local is None:
                self._local = Budget(self._slice)
            local = self._local
        held = local._reserve(amount, f"{what} (on this process's local slice)", lower_hold)
        return _Held(held, uuid.uuid4().hex, local=True)

    def _refusal(
        self, reply: BudgetReply, amount: Decimal, what: str, lower_hold: str
    ) -> BudgetExceededError:
        available = max(self.limit - reply.committed - reply.held, _ZERO)
        in_flight = reply.holds - reply.pending_holds
        state = (
            f"the fleet spent {format_usd(reply.committed)}, {format_usd(reply.held)} held for "
            f"{reply.holds} call{'s' if reply.holds != 1 else ''} ({in_flight} in flight, "
            f"{reply.pending_holds} awaiting their cost)"
        )
        ways = [lower_hold] if lower_hold else []
        if amount <= self.limit - reply.committed:
            ways.append("retry once the calls in flight end (they usually cost less than held)")
        else:
            ways += ["choose a cheaper model", "raise the budget"]
        return BudgetExceededError(
            f"{what} could cost up to {format_usd(amount)}, but only {format_usd(available)} of "
            f"the shared {format_usd(self.limit)} budget is left ({state}); to get through: "
            + ", ".join(ways[:-1])
            + (" or " if ways[1:] else "")
            + ways[-1],
            metadata={
                "budget": str(self.limit),
                "spent": str(reply.committed),
                "reserved": str(reply.held),
                "pending": str(reply.pending),
                "in_flight": in_flight,
                "needed": str(amount),
            },
        )

    def _end(self, held: Decimal, cost: Decimal | None) -> Flow[None]:
        """Settle a hold with ``cost`` (None: all of it), exactly once."""
        if not isinstance(held, _Held):
            return
        if held.local:
            local = self._local
            if local is not None:
                spent = held if cost is None else cost
                local._settle(held, cost)
                if spent:
                    with self._lock:
                        self._journal.append(
                            budget_op(self._keys, "charge", held.hold_id, to_usd(spent))
                        )
            return
        op = budget_op(self._keys, "settle", held.hold_id, "" if cost is None else to_usd(cost))
        try:
            reply: BudgetReply = yield op
        except StoreUnavailable:
            with self._lock:
                self._journal.append(op)  # sent (once: by id) when Redis answers again
            return
        self._last = reply

    def _end_later(self, held: Decimal, cost: Decimal | None) -> None:
        """Settle a hold with ``cost`` (None: all of it) with this process's next round trip
        (no round trip of its own; until then the hold over-counts, never under-counts)."""
        if not isinstance(held, _Held):
            return
        if held.local:
            self._conn.drive(self._end(held, cost))  # local books and journal: no I/O
            return
        cost_arg = "" if cost is None else to_usd(cost)
        self._conn.later(budget_op(self._keys, "settle", held.hold_id, cost_arg, durable=True))

    def _tag_flow(self, held: Decimal, generation: str) -> Flow[None]:
        if not isinstance(held, _Held) or held.local:
            return
        try:
            yield budget_op(self._keys, "tag", held.hold_id, generation)
        except StoreUnavailable:
            return

    def _claim_flow(self, now: float, due_only: bool, limit: int | None) -> Flow[list[PendingHold]]:
        most = 32 if limit is None else max(limit, 1)
        op = budget_op(
            self._keys,
            "claim",
            self._owner,
            int(SWEEP_LEASE * 1000),
            int(CLAIM_LEASE * 1000),
            most,
            "1" if due_only else "0",
        )
        try:
            reply: BudgetReply = yield op
        except StoreUnavailable:
            return []
        self._last = reply
        claimed: list[PendingHold] = []
        for record in reply.claimed:
            if not record.generation:
                # in flight when its process died, before its generation was known: its cost
                # cannot be looked up, so the whole hold is spent
                yield from self._end(_Held(record.amount, record.id), None)
                continue
            since_redis = record.pending_since if record.pending else record.expires_at
            since = now - (reply.now - since_redis) / 1000
            hold = SharedHold(record.id, record.generation, record.amount, since)
            hold.tries = record.lookups
            hold.claimed = True
            claimed.append(hold)
        return claimed

    def _later(self, hold: PendingHold, seconds: float, tries: int) -> Flow[None]:
        if not isinstance(hold, SharedHold):
            return
        try:
            yield budget_op(self._keys, "later", hold.hold_id, int(seconds * 1000), tries)
        except StoreUnavailable:
            return  # its claim runs out on its own

    def _resolve_flow(self, hold: PendingHold, lookup: Lookup, now: float) -> Flow[HoldEnd]:
        verdict = lookup_end(lookup, now - hold.since, self._wait)
        hold.claimed = False
        if verdict is HoldEnd.PEND:
            hold.tries += 1
            wait = min(FIRST_LOOKUP * 2 ** (hold.tries - 1), _LOOKUP_MAX)
            yield from self._later(hold, wait, hold.tries)
        elif isinstance(hold, SharedHold):
            cost = lookup.cost if verdict is HoldEnd.SETTLE else None
            yield from self._end(_Held(hold.held, hold.hold_id), cost)
        return verdict

    # -- BudgetState ---------------------------------------------------------------------------
    def _reserve(
        self,
        amount: Decimal,
        what: str = "this call",
        lower_hold: str = "",
        now: float | None = None,
    ) -> Decimal:
        """Hold ``amount`` in the shared budget (one round trip), or raise
        ``BudgetExceededError`` (``BudgetUnavailableError`` when Redis cannot be reached and
        there is no local slice); nothing is sent then. Returns what to hand back to end it."""
        return self._conn.drive(self._reserve_flow(amount, what, lower_hold))

    async def _areserve(
        self,
        amount: Decimal,
        what: str = "this call",
        lower_hold: str = "",
        now: float | None = None,
    ) -> Decimal:
        """Same as ``_reserve``, awaitable."""
        return await self._conn.adrive(self._reserve_flow(amount, what, lower_hold))

    def _settle(self, held: Decimal, cost: Decimal | None) -> None:
        """Turn the hold into what the call cost (all of it when None); once, by its id. Sent
        with this process's next round trip, or by the flusher within ``FLUSH_AFTER`` seconds:
        never blocks."""
        self._end_later(held, checked_amount(cost))

    async def _asettle(self, held: Decimal, cost: Decimal | None) -> None:
        """Same as ``_settle`` (it never blocks)."""
        self._end_later(held, checked_amount(cost))

    def _release(self, held: Decimal) -> None:
        """The server cannot have billed the call: give its hold back (sent as ``_settle``
        is)."""
        self._end_later(held, _ZERO)

    async def _arelease(self, held: Decimal) -> None:
        """Same as ``_release`` (it never blocks)."""
        self._end_later(held, _ZERO)

    def _tag(self, held: Decimal, generation: str) -> None:
        """The call is under way as ``generation``: record it on the hold, so that a sweeper
        can price the call should this process die before it ends."""
        self._conn.drive(self._tag_flow(held, generation))

    async def _atag(self, held: Decimal, generation: str) -> None:
        """Same as ``_tag``, awaitable."""
        await self._conn.adrive(self._tag_flow(held, generation))

    def _defer(self, held: Decimal, generation: str, now: float) -> PendingHold:
        """Keep the hold pending until ``GET /generation?id=generation`` tells the cost; any
        process's sweep may look it up. Sent as ``_settle`` is: never blocks."""
        hold_id = held.hold_id if isinstance(held, _Held) else ""
        pending = SharedHold(hold_id, generation, held, now)
        if not isinstance(held, _Held) or held.local:
            # spent on the local slice: the cost is not looked up, the whole hold is spent
            self._end_later(held, None)
            return pending
        op = budget_op(
            self._keys, "defer", hold_id, generation, int(FIRST_LOOKUP * 1000), durable=True
        )
        with self._lock:
            self._deferred += 1
        self._conn.later(op)
        return pending

    async def _adefer(self, held: Decimal, generation: str, now: float) -> PendingHold:
        """Same as ``_defer`` (it never blocks)."""
        return self._defer(held, generation, now)

    def _claim(
        self, now: float, *, due_only: bool = True, limit: int | None = None
    ) -> list[PendingHold]:
        """The fleet's holds to look up now, claimed, when no other process is sweeping: the
        pending ones that are due and those left by dead processes (without ``due_only``, also
        this process's pending ones not yet due). Holds left without a generation id are
        committed at their worst case here."""
        return self._conn.drive(self._claim_flow(now, due_only, limit))

    async def _aclaim(
        self, now: float, *, due_only: bool = True, limit: int | None = None
    ) -> list[PendingHold]:
        """Same as ``_claim``, awaitable."""
        return await self._conn.adrive(self._claim_flow(now, due_only, limit))

    def _unclaim(self, hold: PendingHold) -> None:
        """Give back a claim without an answer: due again at once."""
        hold.claimed = False
        self._conn.drive(self._later(hold, 0.0, hold.tries))

    async def _aunclaim(self, hold: PendingHold) -> None:
        """Same as ``_unclaim``, awaitable."""
        hold.claimed = False
        await self._conn.adrive(self._later(hold, 0.0, hold.tries))

    def _resolve(self, hold: PendingHold, lookup: Lookup, now: float) -> HoldEnd:
        """Apply a lookup's answer to a claimed hold (see ``accounting.lookup_end``)."""
        return self._conn.drive(self._resolve_flow(hold, lookup, now))

    async def _aresolve(self, hold: PendingHold, lookup: Lookup, now: float) -> HoldEnd:
        """Same as ``_resolve``, awaitable."""
        return await self._conn.adrive(self._resolve_flow(hold, lookup, now))

    def _commit_pending(self) -> int:
        """The client closes: commit this process's pending holds that no sweeper has claimed
        at their worst case (as ``Budget`` does); return how many."""
        return self._conn.drive(self._commit_flow())

    async def _acommit_pending(self) -> int:
        """Same as ``_commit_pending``, awaitable."""
        return await self._conn.adrive(self._commit_flow())

    def _commit_flow(self) -> Flow[int]:
        try:
            yield from self._flush()
            reply: BudgetReply = yield budget_op(self._keys, "commit_own", self._owner, 1000)
            self._last = reply
            yield budget_op(self._keys, "unlease", self._owner)
        except StoreUnavailable:
            return 0  # they stay pending: the fleet's sweep prices them later
        return int(reply.settled or 0)


def process_owner() -> str:
    """A name for this process and store, unique in the fleet (host, pid, random)."""
    host = os.uname().nodename if hasattr(os, "uname") else "host"
    return f"{host}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def hold_ttl(longest_call: float | None) -> float:
    """Seconds a hold lives for a client whose calls take at most ``longest_call`` seconds
    (None: unbounded; see ``HOLD_TTL``)."""
    return (longest_call if longest_call is not None else HOLD_TTL) + HOLD_MARGIN
