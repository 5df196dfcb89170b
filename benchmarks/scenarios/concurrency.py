"""Async completions at concurrency 64: time per request.

One client per contender, 64 worker tasks sharing a batch of non-streamed requests on one
asyncio event loop (the same loop for the whole run). Time per request is the batch's wall time
divided by its size. Contenders with the aiohttp transport (openrouter-kit's
``AsyncClient(transport="aiohttp")``, openai-python's ``DefaultAioHttpClient``) are shown as
``n/a (reason)`` where they cannot be built.

Every batch starts at least ``IDLE`` seconds after the same client's previous batch: a burst
after a pause, and the same state for every contender. Without it the httpx pool's speed depends
on its history: its per-request cost grows with the number of open connections (measured here: 1.0
ms per request with the 13 to 20 connections a zero-latency server leaves it, 5.2 ms with 64), and
connections idle for more than httpx's ``keepalive_expiry`` (5 s) are dropped, so whether a batch
found a shrunken pool or opened 64 fresh connections depended on how long the other contenders
took. With a real API's latency all 64 connections are in use, as in this measurement.
"""

from __future__ import annotations

import asyncio
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
    na_row,
    ratio,
    table,
)

from scenarios import Outcome

IDLE = 5.5  # > httpx's and httpx2's default keepalive_expiry (5 s)
NAME = "async"
TITLE = "Async completions at concurrency 64 (time per request)"
CONCURRENCY = 64
OURS_AIOHTTP = "openrouter-kit (aiohttp)"
OPENAI_AIOHTTP = "openai-python (aiohttp)"


def run(ctx: Context) -> Outcome:
    rounds = ctx.rounds or ctx.pick(5, 2)  # quick: each round waits ~5.5 s (see IDLE)
    batch = ctx.pick(1000, 300)
    ctx.log(f"    {rounds} rounds of {batch} requests per contender, {CONCURRENCY} at a time")
    headers = {"x-bench-chunks": "50"}

    build = ctx.in_loop

    def warm(c: Any) -> None:
        ctx.run(gather_calls(c.complete, 4 * CONCURRENCY, CONCURRENCY))
        text = ctx.run(c.complete())
        if not text.startswith("tok0 tok1 "):
            raise RuntimeError(f"wrong answer: {text[:40]!r}")

    def sample(c: Any) -> Sample:
        _, wall, cpu = ctx.run(atimed(lambda: gather_calls(c.complete, batch, CONCURRENCY)))
        return Sample(wall, cpu, batch)

    entries = [
        (RAW, build(lambda: RawHttpxAsync(ctx.base, headers))),
        (OPENAI, build(lambda: OpenAIAsync(ctx.base, headers))),
        (OURS, build(lambda: OursAsync(ctx.base, headers))),
        (OURS_AIOHTTP, build(lambda: OursAsync(ctx.base, headers, transport="aiohttp"))),
        (OPENAI_AIOHTTP, build(lambda: OpenAIAsync(ctx.base, headers, aiohttp=True))),
    ]
    series = interleave(
        ctx,
        entries,
        rounds,
        sample,
        warm=warm,
        close=lambda c: c.close(),
        min_idle=IDLE,
        idle=lambda s: ctx.run(asyncio.sleep(s)),
    )
    return _outcome(series, rounds, batch)


def _outcome(series: list[Series], rounds: int, batch: int) -> Outcome:
    raw, openai = find(series, RAW), find(series, OPENAI)
    raw_t = raw.per_op() if raw else None
    openai_t = openai.per_op() if openai else None
    summary: dict[str, Any] = {
        "rounds": rounds,
        "requests_per_sample": batch,
        "concurrency": CONCURRENCY,
    }
    rows = []
    for s in series:
        if not s.ok:
            summary[s.contender] = {"unavailable": s.unavailable}
            rows.append(na_row(s, 7))
            continue
        t, cpu = s.per_op(), s.per_op("cpu")
        summary[s.contender] = {
            "us_per_request": t * 1e6,
            "cpu_us_per_request": cpu * 1e6,
            "vs_raw_httpx": ratio(t, raw_t),
            "vs_openai": ratio(t, openai_t),
            "server_cpu_share": s.server_share(),
            "spread": s.spread(),
            "requests": sum(x.ops for x in s.samples),
        }
        rows.append(
            [
                s.contender,
                f"{t * 1e6:,.0f}",
                f"{cpu * 1e6:,.0f}",
                f"{1 / t:,.0f}",
                fmt_ratio(ratio(t, raw_t)),
                fmt_ratio(ratio(t, openai_t)),
                f"{s.server_share():.0%}",
            ]
        )
    header = [
        "contender",
        "µs per request",
        "CPU µs per request",
        "requests/s",
        "vs raw httpx",
        "vs openai",
        "server CPU",
    ]
    notes = [
        f"{rounds} rounds × {batch} requests per contender, {CONCURRENCY} in flight, each batch "
        f"at least {IDLE} s after the same client's previous one; medians over rounds"
    ]
    return Outcome(
        NAME,
        TITLE,
        [table(header, rows)],
        summary,
        {"series": [s.to_json() for s in series]},
        notes,
    )
