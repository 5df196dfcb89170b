"""RSS growth over many blocking requests, one fresh process per contender.

Each process builds one client, warms it up with 500 requests, runs ``gc.collect()`` and reads its
RSS, then sends 5,000 more requests (reading RSS every 500) and reads it again after another
``gc.collect()``. Growth is the difference: a leak shows as steady growth, noise as a few pages.
"""

from __future__ import annotations

from typing import Any

from harness import OPENAI, OURS, RAW, Context, fmt, reason, table

from scenarios import Outcome
from scenarios.memory import worker

NAME = "rss-growth"
TITLE = "RSS growth over 5,000 blocking requests after 500 warm-up (1,000 after 200 with --quick)"
CONTENDERS = [RAW, OPENAI, OURS]


def run(ctx: Context) -> Outcome:
    warmup, requests = ctx.pick(500, 200), ctx.pick(5_000, 1_000)
    ctx.log(f"    {warmup} warm-up + {requests:,} requests per contender, one process each")
    summary: dict[str, Any] = {"warmup": warmup, "requests": requests}
    rows = []
    for name in CONTENDERS:
        try:
            out = worker("growth", name, ctx.base, str(warmup), str(requests))
        except Exception as exc:
            summary[name] = {"unavailable": reason(exc)}
            rows.append([name, f"n/a ({summary[name]['unavailable']})", "", ""])
            ctx.log(f"    {name}: n/a ({summary[name]['unavailable']})")
            continue
        summary[name] = out
        rows.append(
            [
                name,
                fmt(out["growth_kib"], ",.0f"),
                fmt(out["rss_start_kib"] / 1024, ",.1f"),
                " ".join(f"{x:,.0f}" for x in out["trajectory_kib"]),
            ]
        )
        ctx.log(f"    {name}: {out['growth_kib']:,.0f} KiB")
    header = [
        "contender",
        "RSS growth KiB",
        "RSS after warm-up MiB",
        f"growth KiB every {requests // 10:,} requests",
    ]
    return Outcome(
        NAME,
        TITLE,
        [table(header, rows, right_from=1)],
        summary,
        {},
        [f"{warmup} warm-up requests, then {requests:,} measured"],
    )
