"""Session usage totals: tokens and USD summed over every response a client received.

Owns: exact, thread-safe accumulation (a lock held for a few lines, never across an await; money
summed as Decimal so totals do not drift). Never knows: HTTP, clocks.
"""

from __future__ import annotations

import threading
from decimal import Decimal

from attrs import frozen

from openrouter_kit._generated.models import TokenUsage

__all__ = ["UsageSnapshot", "UsageTotals"]


@frozen
class UsageSnapshot:
    """Totals at one moment: requests, tokens and the USD cost the server reported."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    #: USD, summed exactly from each response's ``usage.cost``.
    cost: float = 0.0


class UsageTotals:
    """Running totals for one client; safe to update from many threads and tasks at once."""

    __slots__ = ("_completion", "_cost", "_lock", "_prompt", "_requests", "_total")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests = self._prompt = self._completion = self._total = 0
        self._cost = Decimal(0)

    def record(self, usage: TokenUsage | None) -> None:
        """Add one response's usage (a response without usage still counts as a request)."""
        prompt = completion = total = 0
        cost = Decimal(0)
        if usage is not None:
            prompt, completion = usage.prompt_tokens or 0, usage.completion_tokens or 0
            total = usage.total_tokens or prompt + completion
            cost = Decimal(repr(usage.cost)) if usage.cost is not None else cost
        with self._lock:
            self._requests += 1
            self._prompt += prompt
            self._completion += completion
            self._total += total
            self._cost += cost

    def snapshot(self) -> UsageSnapshot:
        """Return the totals so far."""
        with self._lock:
            return UsageSnapshot(
                requests=self._requests,
                prompt_tokens=self._prompt,
                completion_tokens=self._completion,
                total_tokens=self._total,
                cost=float(self._cost),
            )
