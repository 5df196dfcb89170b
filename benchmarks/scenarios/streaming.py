"""Streaming throughput: chunks per second on one long stream, blocking and async.

Each contender streams one chat completion of N chunks (default 20,000) per round and counts the
events: every contender must get N + 2 (the content chunks, the finish chunk and the usage
chunk). Blocking and async contenders are interleaved in the same rounds; ratios compare each
contender with the others in the same mode.
"""

from __future__ import annotations

from typing import Any

from contenders import OpenAI, OpenAIAsync, Ours, OursAsync, RawHttpx, RawHttpxAsync
from harness import (
    OPENAI,
    RAW,
    Context,
    Sample,
    Series,
    atimed,
    find,
    fmt_ratio,
    interleave,
    ratio,
    table,
    timed,
)

from scenarios import Outcome

NAME = "streaming"
TITLE = "Streaming throughput (one stream of N chunks)"
MODES = ("sync", "async")


def run(ctx: Context) -> Outcome:
    rounds = ctx.rounds or ctx.pick(5, 2)
    chunks = ctx.chunks or ctx.pick(20_000, 5_000)
    ctx.log(f"    {rounds} rounds of one {chunks:,}-chunk stream per contender and mode")
    headers = {"x-bench-chunks": str(chunks)}

    def measure(entry: tuple[str, Any]) -> Sample:
        mode, c = entry
        if mode == "sync":
            count, wall, cpu = timed(c.stream)
        else:
            count, wall, cpu = ctx.run(atimed(c.stream))
        if count != chunks + 2:  # N content chunks, the finish chunk, the usage chunk
            raise RuntimeError(f"got {count} chunks, not {chunks + 2}")
        return Sample(wall, cpu, count)

    def build(mode: str, cls: Any) -> Any:
        if mode == "sync":
            return lambda: (mode, cls(ctx.base, headers))

        async def inside_the_loop() -> Any:
            return cls(ctx.base, headers)

        return lambda: (mode, ctx.run(inside_the_loop()))

    def close(entry: tuple[str, Any]) -> Any:
        return entry[1].close()

    entries = [
        (f"{cls.name}|{mode}", build(mode, cls))
        for mode, classes in (
            ("sync", (RawHttpx, OpenAI, Ours)),
            ("async", (RawHttpxAsync, OpenAIAsync, OursAsync)),
        )
        for cls in classes
    ]
    series = interleave(ctx, entries, rounds, measure, warm=measure, close=close)
    return _outcome(series, rounds, chunks)


def chunks_per_s(s: Series) -> float:
    return 1 / s.per_op()


def _outcome(series: list[Series], rounds: int, chunks: int) -> Outcome:
    summary: dict[str, Any] = {"rounds": rounds, "chunks_per_stream": chunks}
    rows = []
    for s in series:
        name, mode = s.contender.split("|")
        mine = [x for x in series if x.contender.endswith(f"|{mode}")]
        raw, openai = find(mine, f"{RAW}|{mode}"), find(mine, f"{OPENAI}|{mode}")
        if not s.ok:
            summary.setdefault(mode, {})[name] = {"unavailable": s.unavailable}
            rows.append([name, mode, f"n/a ({s.unavailable})", "", "", "", "", "", ""])
            continue
        rate = chunks_per_s(s)
        raw_rate = chunks_per_s(raw) if raw else None
        openai_rate = chunks_per_s(openai) if openai else None
        wall = s.per_op() * (chunks + 2)
        summary.setdefault(mode, {})[name] = {
            "chunks_per_s": rate,
            "ms_per_stream": wall * 1e3,
            "cpu_ms_per_stream": s.per_op("cpu") * (chunks + 2) * 1e3,
            "rate_vs_raw_httpx": ratio(rate, raw_rate),
            "rate_vs_openai": ratio(rate, openai_rate),
            "server_cpu_share": s.server_share(),
            "spread": s.spread(),
        }
        rows.append(
            [
                name,
                mode,
                f"{rate:,.0f}",
                f"{wall * 1e3:.1f}",
                f"{s.per_op('cpu') * (chunks + 2) * 1e3:.1f}",
                fmt_ratio(ratio(rate, raw_rate)),
                fmt_ratio(ratio(rate, openai_rate)),
                fmt_ratio(ratio(raw_rate, rate)),
                f"{s.server_share():.0%}",
            ]
        )
    header = [
        "contender",
        "mode",
        "chunks/s",
        "ms per stream",
        "CPU ms per stream",
        "chunks/s vs raw httpx",
        "chunks/s vs openai",
        "time vs raw httpx",
        "server CPU",
    ]
    notes = [
        f"{rounds} rounds × one stream of {chunks:,} chunks (+2) per contender and mode; "
        "medians over rounds"
    ]
    return Outcome(
        NAME,
        TITLE,
        [table(header, rows, right_from=2)],
        summary,
        {"series": [s.to_json() for s in series]},
        notes,
    )
