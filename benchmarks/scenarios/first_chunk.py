"""Time to first chunk: short streams (20 chunks each), blocking.

For each stream, the time from issuing the request to receiving the first chunk that carries text
(the ``perf_counter`` before the call, and after the chunk is handed to the caller); the rest of
the stream is read afterwards, so the connection goes back to the pool. The median and p90 pool
every stream of every round.
"""

from __future__ import annotations

import statistics
from typing import Any

from contenders import OpenAI, Ours, RawHttpx
from harness import (
    OPENAI,
    RAW,
    Context,
    Sample,
    Series,
    find,
    fmt_ratio,
    interleave,
    na_row,
    percentile,
    ratio,
    table,
)

from scenarios import Outcome

NAME = "first-chunk"
TITLE = "Time to first chunk (short streams, blocking)"
CHUNKS = 20


def run(ctx: Context) -> Outcome:
    rounds = ctx.rounds or ctx.pick(5, 3)
    per_round = ctx.pick(40, 20)
    ctx.log(f"    {rounds} rounds of {per_round} streams of {CHUNKS} chunks per contender")
    headers = {"x-bench-chunks": str(CHUNKS)}

    def sample(c: Any) -> Sample:
        values, wall = [], 0.0
        for _ in range(per_round):
            first, count = c.first_chunk()
            if count != CHUNKS + 2:
                raise RuntimeError(f"got {count} chunks, not {CHUNKS + 2}")
            values.append(first)
            wall += first
        return Sample(wall, 0.0, per_round, values)

    def warm(c: Any) -> None:
        for _ in range(10):
            c.first_chunk()

    entries = [
        (cls.name, lambda cls=cls: cls(ctx.base, headers)) for cls in (RawHttpx, OpenAI, Ours)
    ]
    series = interleave(ctx, entries, rounds, sample, warm=warm, close=lambda c: c.close())
    return _outcome(series, rounds, per_round)


def _outcome(series: list[Series], rounds: int, per_round: int) -> Outcome:
    def stats(s: Series | None) -> tuple[float, float] | tuple[None, None]:
        if s is None:
            return None, None
        values = s.values()
        return statistics.median(values), percentile(values, 0.9)

    raw_median, raw_p90 = stats(find(series, RAW))
    openai_median, openai_p90 = stats(find(series, OPENAI))
    summary: dict[str, Any] = {
        "rounds": rounds,
        "streams_per_sample": per_round,
        "chunks_per_stream": CHUNKS,
    }
    rows = []
    for s in series:
        if not s.ok:
            summary[s.contender] = {"unavailable": s.unavailable}
            rows.append(na_row(s, 7))
            continue
        median, p90 = stats(s)
        assert median is not None
        assert p90 is not None
        summary[s.contender] = {
            "median_us": median * 1e6,
            "p90_us": p90 * 1e6,
            "median_vs_raw_httpx": ratio(median, raw_median),
            "median_vs_openai": ratio(median, openai_median),
            "p90_vs_raw_httpx": ratio(p90, raw_p90),
            "p90_vs_openai": ratio(p90, openai_p90),
            "streams": len(s.values()),
        }
        rows.append(
            [
                s.contender,
                f"{median * 1e6:,.0f}",
                f"{p90 * 1e6:,.0f}",
                fmt_ratio(ratio(median, raw_median)),
                fmt_ratio(ratio(median, openai_median)),
                fmt_ratio(ratio(p90, raw_p90)),
                fmt_ratio(ratio(p90, openai_p90)),
            ]
        )
    header = [
        "contender",
        "median µs",
        "p90 µs",
        "median vs raw httpx",
        "median vs openai",
        "p90 vs raw httpx",
        "p90 vs openai",
    ]
    notes = [
        f"{rounds} rounds × {per_round} streams of {CHUNKS} chunks per contender "
        f"({rounds * per_round} streams each)"
    ]
    return Outcome(
        NAME,
        TITLE,
        [table(header, rows)],
        summary,
        {"series": [s.to_json() for s in series]},
        notes,
    )
