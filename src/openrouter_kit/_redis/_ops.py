"""The shared-state operations, without I/O: the Lua script each runs, its keys and arguments, and
what its reply means.

Owns: the key names (``{ork:<namespace>:<scope>}...``: every key of one scope shares a hash tag,
so Redis Cluster keeps them on one node), the exact money encoding (USD as a decimal string with
12 decimals; never a float), and one ``Op`` per read-decide-write, each a single script. Never
knows: sockets, redis-py, clocks (time comes from Redis ``TIME`` inside the scripts). The
executors in ``_conn`` run an ``Op`` with the sync or the asyncio client; nothing here is written
twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from decimal import ROUND_CEILING, Decimal
from importlib import resources
from typing import Any, Generic, TypeVar

from attrs import frozen

__all__ = [
    "SCRIPTS",
    "SHAS",
    "Admission",
    "BreakerReply",
    "BudgetReply",
    "HoldRecord",
    "Keys",
    "Op",
    "from_usd",
    "to_usd",
]

T = TypeVar("T")

#: The scripts, by name (``scripts/<name>.lua``), read once from the package.
SCRIPTS: dict[str, str] = {
    name: resources.files(__package__).joinpath("scripts", f"{name}.lua").read_text("utf-8")
    for name in ("breaker", "limiter", "budget")
}

#: Each script's SHA1, as Redis names it (EVALSHA): computed here, so no command asks.
SHAS: dict[str, str] = {
    name: hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()
    for name, text in SCRIPTS.items()
}

_PLACES = Decimal("1e-12")


def to_usd(amount: Decimal) -> str:
    """``amount`` as the scripts keep it: a decimal string with 12 decimals (a finer amount is
    rounded up, so a hold never covers less than asked)."""
    return format(amount.quantize(_PLACES, rounding=ROUND_CEILING), "f")


def from_usd(text: Any) -> Decimal:
    """An amount the scripts returned, as a ``Decimal`` (trailing zeros dropped)."""
    raw = text.decode() if isinstance(text, bytes) else str(text)
    value = Decimal(raw)
    return value.normalize() if value else Decimal(0)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


@frozen
class Op(Generic[T]):
    """One script call: which script, its keys and arguments, and how to read its reply.

    ``durable``: a write that may be sent again until Redis has it (idempotent: a hold's end,
    by its id); the others are dropped (and counted) when the round trip carrying them fails.
    """

    script: str
    keys: tuple[str, ...]
    args: tuple[str | int, ...]
    read: Callable[[Any], T]
    durable: bool = False


class Keys:
    """The key names of one namespace (every key of a scope shares its hash tag)."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def _tag(self, scope: str) -> str:
        return f"{{ork:{self.namespace}:{scope}}}"

    def breaker(self, endpoint: str, model: str) -> str:
        """The breaker of one endpoint and model."""
        return self._tag(f"breaker:{endpoint}:{model}")

    def limiter(self, scope: str) -> str:
        """The rate-limit window of one scope (``"key"``, or a model id)."""
        return self._tag(f"ratelimit:{scope}")

    def budget(self, name: str) -> tuple[str, str, str, str]:
        """The budget's books, holds, hold records and sweeper lease."""
        tag = self._tag(f"budget:{name}")
        return f"{tag}:books", f"{tag}:holds", f"{tag}:records", f"{tag}:sweeper"


# -- breaker -------------------------------------------------------------------------------------


@frozen
class BreakerReply:
    """A breaker's shared state, as a script left it (times in Redis milliseconds)."""

    state: str
    failures: int
    opened_at: int
    open_until: int
    probing: bool
    mine: bool
    now: int
    trips: int


def _breaker_reply(reply: Sequence[Any]) -> BreakerReply:
    state, failures, opened, until, probing, mine, now, trips = reply
    return BreakerReply(
        _text(state),
        int(failures),
        int(opened),
        int(until),
        bool(int(probing)),
        bool(int(mine)),
        int(now),
        int(trips),
    )


#: The longest open time, as a multiple of the recovery time (repeated trips double it).
MAX_OPEN_FACTOR = 16


def breaker_op(
    key: str,
    op: str,
    caller: str,
    threshold: int,
    recovery: float,
    lease: float,
) -> Op[BreakerReply]:
    """``op`` (read, acquire, success, failure, release) on the breaker at ``key``: ``caller``
    names the process (its probe lease), ``lease`` is the seconds a probe may run before another
    process may probe instead."""
    recovery_ms = max(int(recovery * 1000), 1)
    ttl = recovery_ms * MAX_OPEN_FACTOR * 2 + 600_000
    args = (op, caller, threshold, recovery_ms, max(int(lease * 1000), 1), ttl, MAX_OPEN_FACTOR)
    return Op("breaker", (key,), args, _breaker_reply)


# -- rate limit ----------------------------------------------------------------------------------

#: A rate-limit window key outlives the two minutes it counts.
LIMITER_TTL_MS = 180_000


@frozen
class Admission:
    """A limiter's answer: admitted (in ``minute``), or refused for ``wait`` seconds (None:
    it can never fit) by the ``tokens`` limit or the requests one."""

    admitted: bool
    minute: int
    wait: float | None
    tokens: bool


def _admission(reply: Sequence[Any]) -> Admission:
    if int(reply[0]) == 1:
        return Admission(True, int(reply[1]), 0.0, False)
    wait = int(reply[1])
    return Admission(False, -1, None if wait < 0 else wait / 1000, bool(int(reply[2])))


def admit_op(key: str, rpm: int | None, tpm: int | None, tokens: int) -> Op[Admission]:
    """Count one request and ``tokens`` in the scope at ``key`` if both fit (else nothing)."""
    rpm_arg = -1 if rpm is None else rpm
    tpm_arg = -1 if tpm is None else tpm
    args = ("admit", rpm_arg, tpm_arg, tokens, -1, LIMITER_TTL_MS)
    return Op("limiter", (key,), args, _admission)


def refund_op(key: str, minute: int, tokens: int) -> Op[bool]:
    """Take back one request and ``tokens`` counted in ``minute`` (an admission whose attempt
    was never sent); False when that minute already slid out of the window."""
    args = ("refund", -1, -1, tokens, minute, LIMITER_TTL_MS)
    return Op("limiter", (key,), args, lambda reply: bool(int(reply[0])))


def reconcile_op(key: str, minute: int, change: int) -> Op[bool]:
    """Correct the tokens counted in ``minute`` by ``change`` (signed); False when that minute
    already slid out of the window."""
    args = ("reconcile", -1, -1, change, minute, LIMITER_TTL_MS)
    return Op("limiter", (key,), args, lambda reply: bool(int(reply[0])))


# -- budget --------------------------------------------------------------------------------------

#: The budget's keys live this long after their last write (a month and a bit).
BUDGET_TTL_MS = 40 * 24 * 3600 * 1000


@frozen
class HoldRecord:
    """A hold as the budget keeps it (see ``scripts/budget.lua``)."""

    id: str
    amount: Decimal
    generation: str
    owner: str
    reserved_at: int
    expires_at: int
    pending: bool
    pending_since: int
    lookups: int


def _hold(hold_id: Any, raw: Any) -> HoldRecord:
    data = json.loads(_text(raw))
    return HoldRecord(
        _text(hold_id),
        from_usd(data["a"]),
        str(data.get("g") or ""),
        str(data.get("o") or ""),
        int(data.get("s") or 0),
        int(data.get("e") or 0),
        int(data.get("p") or 0) == 1,
        int(data.get("d") or 0),
        int(data.get("n") or 0),
    )


@frozen
class BudgetReply:
    """The budget's books after a script (amounts in USD, ``now`` in Redis milliseconds)."""

    ok: bool
    committed: Decimal
    held: Decimal
    pending: Decimal
    pending_holds: int
    holds: int
    #: Holds a sweeper may take now (pending ones due for a lookup, and orphans).
    due: int
    now: int
    #: settle: the amount the hold had; claim: the holds claimed.
    settled: Decimal | None = None
    claimed: tuple[HoldRecord, ...] = ()


def _budget_reply(reply: Sequence[Any]) -> BudgetReply:
    ok, committed, held, pending, npend, holds, due, now, *rest = reply
    settled = from_usd(rest[0]) if len(rest) == 1 else None
    claimed = tuple(_hold(rest[i], rest[i + 1]) for i in range(0, len(rest) - 1, 2))
    return BudgetReply(
        bool(int(ok)),
        from_usd(committed),
        from_usd(held),
        from_usd(pending),
        int(npend),
        int(holds),
        int(due),
        int(now),
        settled,
        claimed,
    )


def budget_op(
    keys: tuple[str, str, str, str], op: str, *args: str | int, durable: bool = False
) -> Op[BudgetReply]:
    """``op`` on the budget at ``keys`` (see ``scripts/budget.lua`` for each op's arguments)."""
    return Op("budget", keys, (op, BUDGET_TTL_MS, *args), _budget_reply, durable)
