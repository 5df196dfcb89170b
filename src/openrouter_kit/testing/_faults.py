"""Transport faults: the kinds the emulator can inject, how each breaks an answer's bytes, and the
seeded draw that fails a share of the requests.

Owns: :data:`Fault` and its checks, the broken bodies, where a mid-body fault cuts and how a
trickle is split, :class:`Injection`. Never knows: sockets (the server carries the faults out),
routes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

#: The transport faults :meth:`Emulator.script` and :meth:`Emulator.inject_failures` can inject.
Fault = Literal["reset_before_headers", "reset_mid_body", "truncate", "malformed_json", "trickle"]
FAULTS: frozenset[str] = frozenset(get_args(Fault))
#: The body of a ``malformed_json`` answer: JSON cut short.
BROKEN_JSON = b'{"id": "gen-broken", "choices": ['
#: How many bytes a ``trickle`` writes at a time.
TRICKLE_BYTES = 16
#: The ``error.message`` of an injected failure status.
FAILURE_MESSAGES = {
    408: "Request Timeout",
    429: "Rate limit exceeded",
    500: "Internal Server Error",
    502: "Provider returned error",
    503: "No instances available",
    504: "Gateway Timeout",
    524: "A Timeout Occurred",
    529: "Provider overloaded",
}


def check_fault(fault: object) -> None:
    """Raise ``ValueError`` unless ``fault`` is one of :data:`FAULTS`."""
    if fault not in FAULTS:
        raise ValueError(f"unknown fault {fault!r}; expected one of {sorted(FAULTS)}")


def cut_point(data: bytes) -> int:
    """Where ``reset_mid_body`` and ``truncate`` cut a written answer: after the head and half
    of the body."""
    end = data.find(b"\r\n\r\n")
    head_length = len(data) if end < 0 else end + 4
    return head_length + (len(data) - head_length) // 2


def trickle_pieces(data: bytes) -> Iterator[bytes]:
    """A written answer in the pieces a ``trickle`` sends, one pause apart."""
    for start in range(0, len(data), TRICKLE_BYTES):
        yield data[start : start + TRICKLE_BYTES]


@dataclass
class Injection:
    """Seeded failure injection: which requests fail, and how.

    Not thread-safe: the owner draws under its lock, so the n-th matching request always gets
    the n-th draw.
    """

    #: The probability that a matching request fails.
    rate: float
    #: The statuses and faults a failure picks from.
    options: Sequence[int | Fault]
    rng: random.Random
    #: Only requests to this path can fail (relative to the base URL); ``None``: every path.
    path: str | None
    #: Seconds between two writes of an injected ``trickle``.
    trickle_delay: float

    @classmethod
    def seeded(
        cls,
        rate: float,
        options: Sequence[int | Fault],
        *,
        seed: int,
        path: str | None,
        trickle_delay: float,
    ) -> Injection:
        """An injection drawing from ``random.Random(seed)``."""
        rng = random.Random(seed)  # noqa: S311  (reproducible test data, not secrets)
        return cls(float(rate), list(options), rng, path, float(trickle_delay))

    def draw(self, path: str) -> int | Fault | None:
        """Whether a request to ``path`` fails (two draws when the path matches): the status or
        fault to fail with, or ``None``."""
        if self.path not in (None, path):
            return None
        roll = self.rng.random()
        pick = self.options[self.rng.randrange(len(self.options))]
        return pick if roll < self.rate else None
