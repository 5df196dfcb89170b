"""Blocking sequential completions: wall and CPU time per non-streamed request.

One client per contender sends requests one after another (a 50-token ``chat.completion`` JSON
answer). A sample is a batch of requests; the rounds interleave the contenders. "Overhead" is a
contender's wall time per request minus raw httpx's: what the client adds on top of the transport
(raw httpx2, the fork openai-python runs on, is shown for reference).
"""

from __future__ import annotations

from typing import Any

from contenders import OpenAI, Ours, RawHttpx, RawHttpx2
from harness import (
    OPENAI,
    OURS,
    RAW,
    Context,
    Sample,
    Series,
    find,
    fmt_ratio,
    interleave,
    na_row,
    ratio,
    table,
    timed,
)

from scenarios import Outcome

NAME = "blocking"
TITLE = "Blocking sequential completions (time per request)"
EXPECTED_TEXT = "tok0 tok1 "


def run(ctx: Context) -> Outcome:
    rounds = ctx.rounds or ctx.pick(5, 3)
    batch = ctx.pick(500, 150)
    ctx.log(f"    {rounds} rounds of {batch} requests per contender")
    headers = {"x-bench-chunks": "50"}

    def warm(c: Any) -> None:
        for _ in range(ctx.pick(100, 30)):
            text = c.complete()
        if not text.startswith(EXPECTED_TEXT):
            raise RuntimeError(f"wrong answer: {text[:40]!r}")

    def sample(c: Any) -> Sample:
        complete = c.complete

        def many() -> None:
            for _ in range(batch):
                complete()

        _, wall, cpu = timed(many)
        return Sample(wall, cpu, batch)

    entries = [
        (cls.name, lambda cls=cls: cls(ctx.base, headers))
        for cls in (RawHttpx, OpenAI, Ours, RawHttpx2)
    ]
    series = interleave(ctx, entries, rounds, sample, warm=warm, close=lambda c: c.close())
    return _outcome(series, rounds, batch)


def _outcome(series: list[Series], rounds: int, batch: int) -> Outcome:
    raw, openai = find(series, RAW), find(series, OPENAI)
    raw_wall = raw.per_op() if raw else None
    openai_wall = openai.per_op() if openai else None
    summary: dict[str, Any] = {"rounds": rounds, "requests_per_sample": batch}
    rows = []
    width = 8
    for s in series:
        if not s.ok:
            summary[s.contender] = {"unavailable": s.unavailable}
            rows.append(na_row(s, width))
            continue
        wall, cpu = s.per_op(), s.per_op("cpu")
        overhead = wall - raw_wall if raw_wall is not None else None
        summary[s.contender] = {
            "wall_ms": wall * 1e3,
            "cpu_ms": cpu * 1e3,
            "overhead_us": None if overhead is None else overhead * 1e6,
            "vs_raw_httpx": ratio(wall, raw_wall),
            "vs_openai": ratio(wall, openai_wall),
            "server_cpu_share": s.server_share(),
            "spread": s.spread(),
            "requests": sum(x.ops for x in s.samples),
        }
        rows.append(
            [
                s.contender,
                f"{wall * 1e3:.3f}",
                f"{cpu * 1e3:.3f}",
                "" if overhead is None or s.contender == RAW else f"{overhead * 1e6:,.0f}",
                fmt_ratio(ratio(wall, raw_wall)),
                fmt_ratio(ratio(wall, openai_wall)),
                f"{wall and 1 / wall:,.0f}",
                f"{s.server_share():.0%}",
            ]
        )
    ours = summary.get(OURS, {})
    theirs = summary.get(OPENAI, {})
    summary["ours_overhead_vs_openai"] = ratio(ours.get("overhead_us"), theirs.get("overhead_us"))
    header = [
        "contender",
        "ms per request",
        "CPU ms per request",
        "overhead µs vs raw httpx",
        "vs raw httpx",
        "vs openai",
        "requests/s",
        "server CPU",
    ]
    notes = [
        f"{rounds} rounds × {batch} requests per contender; medians over rounds",
        "overhead ratio ours/openai-python: " + fmt_ratio(summary["ours_overhead_vs_openai"]),
    ]
    return Outcome(
        NAME,
        TITLE,
        [table(header, rows)],
        summary,
        {"series": [s.to_json() for s in series]},
        notes,
    )
