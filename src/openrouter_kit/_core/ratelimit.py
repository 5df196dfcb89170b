"""Client-side rate limits: how many requests and tokens a client may send per minute.

Owns: ``RateLimit`` (the user's setting, checked), the sliding window of the in-memory limiter
(two buckets per scope, the current minute and the previous one, the previous weighted by how
much of it still lies inside the last 60 seconds: O(1) memory per scope), admission (all or
nothing: a refused call charges nothing), how long a refused call must wait for room,
reconciling a charge with the tokens really used, and the one rule that turns a refusal into a
wait or a ``RateLimitError``. A ``threading.Lock`` is held for a few lines and never across an
await. Never knows: sockets, clocks (``now`` is passed in), sleeping (the shells sleep the
seconds this module returns), how tokens are estimated (the caller says).
"""

from __future__ import annotations

import math
import threading
from typing import Literal, NamedTuple

from attrs import frozen

from openrouter_kit.errors import ConfigurationError, RateLimitError

__all__ = [
    "DEFAULT_OUTPUT_TOKENS",
    "WINDOW",
    "Denied",
    "RateLimit",
    "RateLimiter",
    "Ticket",
    "room_wait",
    "scope_of",
    "wait_or_refuse",
]

#: Seconds one bucket of the sliding window spans.
WINDOW = 60.0
#: Output tokens an attempt is charged when the request sets no ``max_tokens`` and the model's
#: completion limit is not known (the charge is reconciled with the real usage).
DEFAULT_OUTPUT_TOKENS = 1024


def _count_or_none(name: str, value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ConfigurationError(
            f"rate_limit: {name} must be a whole number >= 1 or None, got {value!r}"
        )


@frozen(kw_only=True)
class RateLimit:
    """How many requests and tokens a client may send per minute, before OpenRouter says so.

    Counted over a sliding window of 60 seconds. Each HTTP attempt (retries included) is
    charged one request and its estimated tokens (the prompt's estimate plus ``max_tokens``, or
    the model's completion limit when the model list is loaded, else 1024); the charge is
    corrected with the tokens the answer reports. A call over a limit waits for room
    (``on_limit="wait"``, at most ``max_wait`` seconds and never past the client's deadline) or
    raises ``RateLimitError`` at once (``on_limit="raise"``); either way nothing is sent until
    it fits, and a refused call uses none of the limit. A call whose estimate alone passes
    ``tokens_per_minute`` is refused at once (waiting cannot help).

    Shared by ``with_options`` copies; with a shared ``store`` (``RedisStore``), by every
    process using the store's namespace.

    Raises:
        ConfigurationError: a limit is not a whole number >= 1, neither limit is set,
            ``on_limit`` is not ``"wait"`` or ``"raise"``, or ``max_wait`` is not a number of
            seconds >= 0.
    """

    #: Requests per minute (None: not limited).
    requests_per_minute: int | None = None
    #: Prompt plus completion tokens per minute (None: not limited).
    tokens_per_minute: int | None = None
    #: Count each model on its own (each gets the limits), instead of all the client's calls
    #: together.
    per_model: bool = False
    #: ``"wait"`` for room, or ``"raise"`` ``RateLimitError`` at once.
    on_limit: Literal["wait", "raise"] = "wait"
    #: Seconds one attempt may wait for room; past them ``RateLimitError`` is raised.
    max_wait: float = 30.0

    def __attrs_post_init__(self) -> None:
        _count_or_none("requests_per_minute", self.requests_per_minute)
        _count_or_none("tokens_per_minute", self.tokens_per_minute)
        if self.requests_per_minute is None and self.tokens_per_minute is None:
            raise ConfigurationError(
                "rate_limit: set requests_per_minute, tokens_per_minute or both"
            )
        if not isinstance(self.per_model, bool):
            raise ConfigurationError(
                f"rate_limit: per_model must be True or False, got {self.per_model!r}"
            )
        if self.on_limit not in ("wait", "raise"):
            raise ConfigurationError(
                f"rate_limit: on_limit must be 'wait' or 'raise', got {self.on_limit!r}"
            )
        wait = self.max_wait
        if (
            isinstance(wait, bool)
            or not isinstance(wait, int | float)
            or not math.isfinite(wait)
            or wait < 0
        ):
            raise ConfigurationError(
                f"rate_limit: max_wait must be a number of seconds >= 0, got {wait!r}"
            )


def scope_of(rate_limit: RateLimit, model: str) -> str:
    """The scope an attempt for ``model`` is counted in: ``"key"`` (all the client's calls) or,
    with ``per_model``, ``"model:<id>"`` (``"model:"`` for the account's default model)."""
    return f"model:{model}" if rate_limit.per_model else "key"


class Ticket(NamedTuple):
    """What an admitted attempt was charged, to reconcile once its usage is known."""

    #: The scope charged (see ``scope_of``).
    scope: str
    #: The bucket charged: the number of the window (``now // WINDOW``) it was admitted in.
    window: int
    #: The tokens charged (0 when tokens are not limited).
    tokens: int


class Denied(NamedTuple):
    """Why an attempt is not admitted now, and when it may be."""

    #: Seconds until there may be room (``math.inf``: never, the estimate alone passes the
    #: limit).
    retry_after: float
    #: The limit that is full: ``"rpm"`` or ``"tpm"``.
    limit: Literal["rpm", "tpm"]
    #: The scope that is full (see ``scope_of``).
    scope: str


def room_wait(previous: float, current: float, charge: float, limit: int, elapsed: float) -> float:
    """Seconds until ``charge`` fits under ``limit`` in a sliding window whose previous bucket
    holds ``previous`` and current bucket ``current``, ``elapsed`` seconds into the current
    bucket (0 when it fits now; ``math.inf`` when ``charge`` alone passes ``limit``).

    The window counts ``previous * (1 - elapsed / WINDOW) + current``.
    """
    if charge > limit:
        return math.inf
    if previous * (1 - elapsed / WINDOW) + current + charge <= limit:
        return 0.0
    if current + charge <= limit:  # room comes as the previous bucket slides out
        return max(WINDOW * (1 - (limit - current - charge) / previous) - elapsed, 0.0)
    # Only once this bucket is the previous one, and it slides out in turn.
    then = WINDOW * (1 - (limit - charge) / current) if current else 0.0
    return WINDOW - elapsed + max(then, 0.0)


class _Buckets:
    __slots__ = ("previous_requests", "previous_tokens", "requests", "tokens", "window")

    def __init__(self, window: int) -> None:
        self.window = window
        self.requests = self.tokens = 0
        self.previous_requests = self.previous_tokens = 0

    def slide(self, window: int) -> None:
        """Move to ``window`` (the current bucket becomes the previous one, or both empty)."""
        if window == self.window:
            return
        if window == self.window + 1:
            self.previous_requests, self.previous_tokens = self.requests, self.tokens
        else:
            self.previous_requests = self.previous_tokens = 0
        self.requests = self.tokens = 0
        self.window = window


class RateLimiter:
    """The in-memory limiter of one client (and its copies): a sliding window per scope.

    ``admit(model, tokens, now)`` before each attempt gives a ``Ticket`` (the attempt is
    charged) or ``Denied`` (nothing is charged; see ``wait_or_refuse``); ``reconcile(ticket,
    tokens)`` once the attempt's real token count is known. Thread-safe and safe for async
    tasks.
    """

    __slots__ = ("_lock", "_scopes", "rate_limit")

    def __init__(self, rate_limit: RateLimit) -> None:
        self.rate_limit = rate_limit
        self._scopes: dict[str, _Buckets] = {}
        self._lock = threading.Lock()

    def admit(self, model: str, tokens: int, now: float) -> Ticket | Denied:
        """Charge one request and ``tokens`` to ``model``'s scope if both fit; else charge
        nothing and say how long until they may."""
        limit = self.rate_limit
        scope = scope_of(limit, model)
        window = int(now // WINDOW)
        elapsed = now - window * WINDOW
        rpm, tpm = limit.requests_per_minute, limit.tokens_per_minute
        charged = tokens if tpm is not None else 0
        with self._lock:
            buckets = self._scopes.get(scope)
            if buckets is None:
                buckets = self._scopes[scope] = _Buckets(window)
            buckets.slide(window)
            request_wait = (
                0.0
                if rpm is None
                else room_wait(buckets.previous_requests, buckets.requests, 1, rpm, elapsed)
            )
            token_wait = (
                0.0
                if tpm is None
                else room_wait(buckets.previous_tokens, buckets.tokens, charged, tpm, elapsed)
            )
            if request_wait or token_wait:
                if token_wait > request_wait:
                    return Denied(token_wait, "tpm", scope)
                return Denied(request_wait, "rpm", scope)
            buckets.requests += 1
            buckets.tokens += charged
        return Ticket(scope, window, charged)

    def reconcile(self, ticket: Ticket, tokens: int) -> None:
        """Correct the ticket's charge to ``tokens`` in the bucket it was charged to (nothing
        when that bucket has left the window)."""
        if self.rate_limit.tokens_per_minute is None:
            return
        difference = tokens - ticket.tokens
        if not difference:
            return
        with self._lock:
            buckets = self._scopes.get(ticket.scope)
            if buckets is None:
                return
            if buckets.window == ticket.window:
                buckets.tokens = max(buckets.tokens + difference, 0)
            elif buckets.window == ticket.window + 1:
                buckets.previous_tokens = max(buckets.previous_tokens + difference, 0)

    async def aadmit(self, model: str, tokens: int, now: float) -> Ticket | Denied:
        """Same as ``admit`` (memory needs no waiting)."""
        return self.admit(model, tokens, now)

    async def areconcile(self, ticket: Ticket, tokens: int) -> None:
        """Same as ``reconcile``."""
        self.reconcile(ticket, tokens)


def wait_or_refuse(
    denied: Denied, rate_limit: RateLimit, waited: float, left: float | None
) -> float:
    """Seconds to wait before asking again for an attempt that was ``denied`` after it already
    ``waited`` seconds, with ``left`` seconds of the call's deadline to go (None: no deadline).

    Raises:
        RateLimitError: ``on_limit`` is ``"raise"``, the estimate alone passes the limit, or the
            wait would pass ``max_wait`` or the deadline (nothing was sent; ``retry_after`` says
            when there may be room, None when never).
    """
    wait = denied.retry_after
    if (
        rate_limit.on_limit == "wait"
        and waited + wait <= rate_limit.max_wait
        and (left is None or wait < left)
    ):
        return wait
    name = "requests" if denied.limit == "rpm" else "tokens"
    per_minute = (
        rate_limit.requests_per_minute if denied.limit == "rpm" else rate_limit.tokens_per_minute
    )
    where = (
        ""
        if denied.scope == "key"
        else f" for {denied.scope.removeprefix('model:') or 'the default model'}"
    )
    if math.isinf(wait):
        why = "this call's estimated tokens alone pass it; lower max_tokens or the prompt"
    elif rate_limit.on_limit == "raise":
        why = f"room in {wait:.1f} s (on_limit='raise')"
    elif left is not None and wait >= left:
        why = f"room in {wait:.1f} s, after the call's deadline"
    else:
        why = f"room in {wait:.1f} s, past max_wait={rate_limit.max_wait:g} s"
    raise RateLimitError(
        f"client rate limit of {per_minute} {name} per minute{where} reached; {why}; "
        "nothing was sent",
        retry_after=None if math.isinf(wait) else wait,
        metadata={"limit": denied.limit, "scope": denied.scope},
    )
