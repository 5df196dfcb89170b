"""The scenarios, in the order a full run takes them. Each module has ``NAME``, ``TITLE`` and
``run(ctx) -> Outcome``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Outcome:
    """What a scenario measured: its tables (Markdown), a summary per contender and every sample."""

    name: str
    title: str
    tables: list[str]
    summary: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


ORDER = [
    "imports",
    "blocking",
    "async",
    "sweep",
    "streaming",
    "first-chunk",
    "models",
    "memory",
    "rss-growth",
]
