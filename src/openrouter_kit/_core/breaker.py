"""The circuit breaker: stop calling an endpoint and model that keeps failing, then probe it.

Owns: one small state machine per key (endpoint, model): CLOSED -> OPEN after ``threshold``
consecutive failures -> HALF_OPEN once ``recovery_time`` has passed, letting one probe through ->
CLOSED on its success, OPEN again on its failure; and routing a call past the models whose
circuit is open. A ``threading.Lock`` is held for a few lines and never across an await, so one
breaker serves threads and async tasks alike. Never knows: sockets, clocks (``now`` is passed
in), what counts as a failure (the caller says).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from enum import StrEnum

from attrs import define, frozen

from openrouter_kit.errors import (
    APIConnectionError,
    CircuitOpenError,
    OpenRouterError,
    RequestTimeoutError,
    ServerError,
)

__all__ = ["BreakerKey", "CircuitBreaker", "CircuitState", "CircuitStatus", "counts_against"]


def counts_against(exc: OpenRouterError) -> bool:
    """True for failures that say the service is sick: 5xx, network errors, client timeouts.

    4xx answers (429 included) mean the service is up and answering; they do not count.
    """
    if isinstance(exc, ServerError):
        return True
    return isinstance(exc, APIConnectionError | RequestTimeoutError) and exc.status_code is None


#: (endpoint name, model id or "") - what one breaker state covers.
BreakerKey = tuple[str, str]


class CircuitState(StrEnum):
    """Where a key's breaker stands."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@frozen
class CircuitStatus:
    """A key's state, its consecutive failures, and when it opened (None unless open)."""

    state: CircuitState
    failures: int
    opened_at: float | None


@define
class _Entry:
    state: CircuitState = CircuitState.CLOSED
    failures: int = 0
    opened_at: float | None = None
    probing: bool = False


class CircuitBreaker:
    """Per-key circuit breakers with one threshold and recovery time.

    ``check(key, now)`` before a call (raises ``CircuitOpenError`` while open, and lets one probe
    through once the recovery time has passed), or ``route(endpoint, candidates, now)`` to skip
    the models whose circuit is open; then exactly one of ``record_success``, ``record_failure``
    or ``release``. ``threshold=None`` turns the breaker off.
    """

    def __init__(self, threshold: int | None = 5, recovery_time: float = 30.0) -> None:
        if threshold is not None and (isinstance(threshold, bool) or threshold < 1):
            raise ValueError(f"breaker threshold must be >= 1 or None, got {threshold!r}")
        if not recovery_time >= 0:
            raise ValueError(f"breaker recovery time must be >= 0 seconds, got {recovery_time!r}")
        self.threshold = threshold
        self.recovery_time = recovery_time
        self._entries: dict[BreakerKey, _Entry] = {}
        self._lock = threading.Lock()

    def _ready(self, entry: _Entry, now: float) -> bool:
        return entry.opened_at is not None and now - entry.opened_at >= self.recovery_time

    def available(self, key: BreakerKey, now: float) -> bool:
        """True when a call for ``key`` would be let through now (without taking the probe)."""
        if self.threshold is None:
            return True
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.state is CircuitState.CLOSED:
                return True
            return not entry.probing and self._ready(entry, now)

    def check(self, key: BreakerKey, now: float) -> None:
        """Let a call for ``key`` through, or raise ``CircuitOpenError`` (nothing is sent).

        After the recovery time, the first caller becomes the half-open probe; others wait for
        its outcome (they are refused meanwhile).
        """
        if self.threshold is None:
            return
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.state is CircuitState.CLOSED:
                return
            if not entry.probing and self._ready(entry, now):
                entry.state = CircuitState.HALF_OPEN
                entry.probing = True
                return
            opened = entry.opened_at if entry.opened_at is not None else now
            retry_in = max(self.recovery_time - (now - opened), 0.0)
        endpoint, model = key
        raise CircuitOpenError(
            f"circuit open for {endpoint} {model or ''}: {entry.failures} consecutive failures; "
            f"next probe in {retry_in:.1f} s".replace("  ", " "),
            metadata={"endpoint": endpoint, "model": model, "retry_in": retry_in},
        )

    def route(self, endpoint: str, candidates: Sequence[str], now: float) -> tuple[str, list[str]]:
        """Where a call to ``endpoint`` goes now: the model it is sent to, and the candidates
        (models in fallback order, ``""`` for none) whose circuit would let a call through.

        The model is the first such candidate (or the first of all, when none is), let through
        as ``check`` lets a call through: it may become the half-open probe.

        Raises:
            CircuitOpenError: every candidate's circuit is open (nothing is sent).
        """
        healthy = [m for m in candidates if self.available((endpoint, m), now)]
        model = healthy[0] if healthy else candidates[0]
        self.check((endpoint, model), now)
        return model, healthy

    def record_success(self, key: BreakerKey) -> None:
        """The call for ``key`` worked (or failed for a reason that is not the service's)."""
        if self.threshold is None:
            return
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                entry.state, entry.failures, entry.opened_at, entry.probing = (
                    CircuitState.CLOSED,
                    0,
                    None,
                    False,
                )

    def release(self, key: BreakerKey) -> None:
        """The call for ``key`` ended without a verdict (cancelled): free the probe slot."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                entry.probing = False

    async def aroute(
        self, endpoint: str, candidates: Sequence[str], now: float
    ) -> tuple[str, list[str]]:
        """Same as ``route`` (the store interface's awaitable twin)."""
        return self.route(endpoint, candidates, now)

    async def arecord_success(self, key: BreakerKey) -> None:
        """Same as ``record_success``."""
        self.record_success(key)

    async def arecord_failure(self, key: BreakerKey, now: float) -> None:
        """Same as ``record_failure``."""
        self.record_failure(key, now)

    async def arelease(self, key: BreakerKey) -> None:
        """Same as ``release``."""
        self.release(key)

    def record_failure(self, key: BreakerKey, now: float) -> None:
        """The call for ``key`` failed the way a sick service fails (5xx, network, timeout)."""
        if self.threshold is None:
            return
        with self._lock:
            entry = self._entries.setdefault(key, _Entry())
            entry.failures += 1
            if entry.state is CircuitState.HALF_OPEN or entry.failures >= self.threshold:
                entry.state = CircuitState.OPEN
                entry.opened_at = now
                entry.probing = False

    def status(self, endpoint: str, model: str | None = None) -> CircuitStatus:
        """The state of the breaker for ``endpoint`` (e.g. ``"chat_completions"``) and ``model``."""
        with self._lock:
            entry = self._entries.get((endpoint, model or ""), _Entry())
            return CircuitStatus(entry.state, entry.failures, entry.opened_at)

    def states(self) -> dict[BreakerKey, CircuitStatus]:
        """Every key that has failed at least once, with its status."""
        with self._lock:
            return {
                key: CircuitStatus(e.state, e.failures, e.opened_at)
                for key, e in self._entries.items()
            }

    def reset(self, endpoint: str | None = None, model: str | None = None) -> None:
        """Close the breaker for one endpoint and model, or every breaker (no arguments)."""
        with self._lock:
            if endpoint is None:
                self._entries.clear()
            else:
                self._entries.pop((endpoint, model or ""), None)
