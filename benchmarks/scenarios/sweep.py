"""Async completions in steady state: client CPU per request at 16, 64, 256 and 1,024 calls
in flight, on a warm pool.

A service's pool is warm and stays warm, so every timed batch here comes right after an untimed
batch of the same size and concurrency by the same client (nothing waits past a keep-alive
expiry): the pool holds the connections that concurrency leaves it. Client CPU per request is
this process's CPU time over the timed batch divided by its requests; that is the figure the
targets use (wall time on one loopback server mostly measures the server). Ratios are to **raw
httpx with its default pool** (``httpx.AsyncClient()``: 100 connections, 20 kept idle), as a
user of httpx gets it; the **raw httpx (1,000/100)** row has the SDKs' limits.

The cold-pool scenario is ``async`` (each batch after the pool expired). ``--tls`` runs this
over HTTPS.
"""

from __future__ import annotations

from typing import Any

from contenders import OpenAIAsync, OursAsync, RawHttpxAsync
from harness import (
    OPENAI,
    OURS,
    RAW,
    Context,
    Sample,
    Series,
    atimed,
    find,
    fmt_ratio,
    gather_calls,
    interleave,
    ratio,
    table,
)

from scenarios import Outcome

NAME = "sweep"
TITLE = "Async completions in steady state (warm pool): client CPU per request"
LEVELS = (16, 64, 256, 1024)
RAW_BIG = "raw httpx (1,000/100)"
OURS_HTTPX = "openrouter-kit (httpx)"
OURS_AIOHTTP = "openrouter-kit (aiohttp)"
OPENAI_AIOHTTP = "openai-python (aiohttp)"


def run(ctx: Context) -> Outcome:
    rounds = ctx.rounds or ctx.pick(3, 2)
    headers = {"x-bench-chunks": "50"}

    build = ctx.in_loop

    entries = [
        (RAW, build(lambda: RawHttpxAsync(ctx.base, headers, default_pool=True))),
        (RAW_BIG, build(lambda: RawHttpxAsync(ctx.base, headers))),
        (OPENAI, build(lambda: OpenAIAsync(ctx.base, headers))),
        (OPENAI_AIOHTTP, build(lambda: OpenAIAsync(ctx.base, headers, aiohttp=True))),
        (OURS, build(lambda: OursAsync(ctx.base, headers))),
        (OURS_HTTPX, build(lambda: OursAsync(ctx.base, headers, transport="httpx"))),
        (OURS_AIOHTTP, build(lambda: OursAsync(ctx.base, headers, transport="aiohttp"))),
    ]
    by_level: dict[int, list[Series]] = {}
    for width in LEVELS:
        batch = max(ctx.pick(512, 256), ctx.pick(2, 1) * width)
        ctx.log(f"    {width} in flight: {rounds} rounds of {batch} requests per contender")

        def warm(c: Any, width: int = width, batch: int = batch) -> None:
            ctx.run(gather_calls(c.complete, batch, width))
            text = ctx.run(c.complete())
            if not text.startswith("tok0 tok1 "):
                raise RuntimeError(f"wrong answer: {text[:40]!r}")

        def sample(c: Any, width: int = width, batch: int = batch) -> Sample:
            ctx.run(
                gather_calls(c.complete, batch, width)
            )  # the pool as this concurrency leaves it
            _, wall, cpu = ctx.run(atimed(lambda: gather_calls(c.complete, batch, width)))
            return Sample(wall, cpu, batch)

        by_level[width] = interleave(
            ctx,
            entries,
            rounds,
            sample,
            warm=warm,
            close=lambda c: c.close(),
            label=f"{width}: ",
        )
    return _outcome(by_level, rounds)


def _outcome(by_level: dict[int, list[Series]], rounds: int) -> Outcome:
    names = [s.contender for s in next(iter(by_level.values()))]
    summary: dict[str, Any] = {"rounds": rounds, "levels": list(by_level)}
    cpu_rows, wall_rows = [], []
    for name in names:
        cpu_row, wall_row = [name], [name]
        for width, series in by_level.items():
            raw = find(series, RAW)
            s = next(x for x in series if x.contender == name)
            if not s.ok:
                summary.setdefault(name, {})[str(width)] = {"unavailable": s.unavailable}
                cpu_row.append(f"n/a ({s.unavailable})")
                wall_row.append("n/a")
                continue
            cpu, wall = s.per_op("cpu"), s.per_op()
            raw_cpu = raw.per_op("cpu") if raw else None
            summary.setdefault(name, {})[str(width)] = {
                "cpu_us_per_request": cpu * 1e6,
                "us_per_request": wall * 1e6,
                "cpu_vs_raw_httpx": ratio(cpu, raw_cpu),
                "wall_vs_raw_httpx": ratio(wall, raw.per_op() if raw else None),
                "server_cpu_share": s.server_share(),
                "requests": sum(x.ops for x in s.samples),
            }
            cpu_row.append(f"{cpu * 1e6:,.0f} ({fmt_ratio(ratio(cpu, raw_cpu))})")
            wall_row.append(f"{wall * 1e6:,.0f}")
        cpu_rows.append(cpu_row)
        wall_rows.append(wall_row)
    levels = [f"{w:,} in flight" for w in by_level]
    notes = [
        f"{rounds} rounds per level; each timed batch right after an untimed one of the same size "
        "(warm pool); client CPU µs per request (ratio to raw httpx's), medians over rounds",
        "wall µs per request (second table) is bound by the one-core loopback server",
    ]
    tables = [
        table(["client CPU µs per request (vs raw httpx)", *levels], cpu_rows),
        table(["wall µs per request", *levels], wall_rows),
    ]
    data = {str(w): [s.to_json() for s in series] for w, series in by_level.items()}
    return Outcome(NAME, TITLE, tables, summary, {"series": data}, notes)
