"""What the emulator keeps of the traffic it served: the requests it received and the usage it
billed.

Owns: :class:`RecordedRequest`, :class:`Ledger` and its snapshots (:class:`LedgerTotals`). Never
knows: how answers are made, sockets.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = ["Ledger", "LedgerTotals", "RecordedRequest", "UsageTotals"]


@dataclass(frozen=True)
class RecordedRequest:
    """One request the emulator received, with the credentials redacted.

    Attributes:
        method: The HTTP method, e.g. ``"POST"``.
        path: The path relative to the base URL, e.g. ``"/chat/completions"`` (requests outside
            ``/api/v1`` keep their full path).
        query: The query parameters (last value wins for repeated names).
        headers: The request headers with lower-cased names; the ``Authorization`` value is
            replaced by ``"Bearer ***"``, other secret headers (cookies, ``X-Api-Key``) by
            ``"***"``.
        json: The decoded JSON body, or ``None`` when the body was empty or not JSON.

    The bearer token is masked anywhere else (``***``), and so is anything shaped like an API
    key (``sk-***``), as the SDK masks them (``openrouter_kit._core.redact``).
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any


@dataclass(frozen=True)
class LedgerTotals:
    """A consistent snapshot of the emulator's usage totals (for all models or for one model).

    Also importable as ``LedgerTotals``, its first name (unrelated to the SDK's
    ``client.usage``).

    Attributes:
        requests: Number of successful completions served.
        prompt_tokens: Sum of ``usage.prompt_tokens``.
        completion_tokens: Sum of ``usage.completion_tokens``.
        total_tokens: Sum of ``usage.total_tokens``.
        cost: Sum of ``usage.cost`` in USD (added up exactly, then converted to float).
    """

    requests: int
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    cost: float


class Ledger:
    """Thread-safe usage totals of every successful completion the emulator served.

    A streamed completion is counted when its final usage chunk is sent; a stream the client
    abandoned before that point is not counted. A stream that :meth:`Emulator.script_stream` ends
    with a mid-stream error or a cut connection is counted when the break happens, with only the
    completion tokens delivered before it. Scripted answers are never counted, and neither is a
    request that a fault (``Emulator.script(fault=...)``, :meth:`Emulator.inject_failures`) kept
    from receiving a complete answer.
    """

    def __init__(self) -> None:
        """Create an empty ledger."""
        self._lock = threading.Lock()
        self._totals: dict[str, _Row] = {}

    def record(self, model: str, prompt_tokens: int, completion_tokens: int, cost: Decimal) -> None:
        """Add one served completion.

        Args:
            model: The model id the response named.
            prompt_tokens: The response's ``usage.prompt_tokens``.
            completion_tokens: The response's ``usage.completion_tokens``.
            cost: The exact cost of the request in USD.
        """
        with self._lock:
            row = self._totals.setdefault(model, _Row())
            row.requests += 1
            row.prompt_tokens += prompt_tokens
            row.completion_tokens += completion_tokens
            row.cost += cost

    def reset(self) -> None:
        """Forget every recorded completion."""
        with self._lock:
            self._totals.clear()

    def snapshot(self) -> LedgerTotals:
        """Return the totals over all models.

        Returns:
            A :class:`LedgerTotals` read under the lock, so its fields agree with each other.
        """
        with self._lock:
            rows = [dataclasses.replace(row) for row in self._totals.values()]
        return self._totals_of(rows)

    @property
    def per_model(self) -> dict[str, LedgerTotals]:
        """The totals of each model that served at least one completion, keyed by model id."""
        with self._lock:
            items = [(model, dataclasses.replace(row)) for model, row in self._totals.items()]
        return {model: self._totals_of([row]) for model, row in items}

    @property
    def requests(self) -> int:
        """The number of successful completions served."""
        return self.snapshot().requests

    @property
    def prompt_tokens(self) -> int:
        """The sum of ``usage.prompt_tokens`` over served completions."""
        return self.snapshot().prompt_tokens

    @property
    def completion_tokens(self) -> int:
        """The sum of ``usage.completion_tokens`` over served completions."""
        return self.snapshot().completion_tokens

    @property
    def total_tokens(self) -> int:
        """The sum of ``usage.total_tokens`` over served completions."""
        return self.snapshot().total_tokens

    @property
    def cost(self) -> float:
        """The sum of ``usage.cost`` (USD) over served completions, as a float."""
        return float(self.cost_decimal)

    @property
    def cost_decimal(self) -> Decimal:
        """The exact sum of the per-request costs (USD)."""
        with self._lock:
            return sum((row.cost for row in self._totals.values()), Decimal(0))

    @staticmethod
    def _totals_of(rows: list[_Row]) -> LedgerTotals:
        prompt = sum(r.prompt_tokens for r in rows)
        completion = sum(r.completion_tokens for r in rows)
        return LedgerTotals(
            requests=sum(r.requests for r in rows),
            prompt_tokens=prompt,
            completion_tokens=completion,
            total_tokens=prompt + completion,
            cost=float(sum((r.cost for r in rows), Decimal(0))),
        )

    def __repr__(self) -> str:
        """Show the totals."""
        t = self.snapshot()
        return (
            f"Ledger(requests={t.requests}, prompt_tokens={t.prompt_tokens}, "
            f"completion_tokens={t.completion_tokens}, cost={t.cost!r})"
        )


#: The first name of :class:`LedgerTotals`, kept for code that imports it.
UsageTotals = LedgerTotals


@dataclass(slots=True)
class _Row:
    """One model's running totals, changed under the ledger's lock."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: Decimal = Decimal(0)
