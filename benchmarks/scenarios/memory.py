"""Memory and construction cost of one client, each measured in a fresh process.

Per contender, in separate processes (started in a rotating order, ``--rounds`` times; medians):

- **RSS delta**: construct one client and make one request; RSS after minus RSS before (after
  ``gc.collect()``), with the library already imported.
- **tracemalloc**: the same with ``tracemalloc`` started after the imports: the bytes still
  allocated afterwards (retained) and the peak.
- **construction time**: the first construction in the process, and the median of the next 50.
- **construction memory**: tracemalloc's retained bytes for the first client, and per client for
  the next 50 (all kept alive).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from typing import Any

from harness import HERE, OPENAI, OURS, RAW, Context, fmt, reason, table

from scenarios import Outcome

NAME = "memory"
TITLE = "Memory and construction cost per client (fresh process each)"
CONTENDERS = [RAW, OPENAI, OURS]
KINDS = ["client", "client-traced", "construct", "construct-traced"]


def worker(*args: str) -> dict[str, Any]:
    """Run ``worker.py`` with ``args`` in a fresh interpreter and return its JSON."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(HERE / "worker.py"), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines() or ["no output"]
        raise RuntimeError(lines[-1])
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run(ctx: Context) -> Outcome:
    reps = ctx.rounds or ctx.pick(3, 1)
    ctx.log(f"    {reps} process(es) per measurement and contender")
    samples: dict[str, dict[str, list[dict[str, Any]]]] = {
        name: {kind: [] for kind in KINDS} for name in CONTENDERS
    }
    failed: dict[str, str] = {}
    for i in range(reps):
        shift = i % len(CONTENDERS)
        for name in CONTENDERS[shift:] + CONTENDERS[:shift]:
            for kind in KINDS:
                if name in failed:
                    continue
                args = [kind, name] + ([ctx.base] if kind.startswith("client") else [])
                try:
                    samples[name][kind].append(worker(*args))
                except Exception as exc:
                    failed[name] = f"{kind}: {reason(exc)}"
                    ctx.log(f"    {name}: n/a ({failed[name]})")
        ctx.log(f"    round {i + 1}/{reps}")

    def median(name: str, kind: str, key: str) -> float:
        return float(statistics.median(x[key] for x in samples[name][kind]))

    summary: dict[str, Any] = {"processes_per_measurement": reps}
    rows = []
    for name in CONTENDERS:
        if name in failed:
            summary[name] = {"unavailable": failed[name]}
            rows.append([name, f"n/a ({failed[name]})"] + [""] * 7)
            continue
        m = {
            "rss_kib": median(name, "client", "rss_kib"),
            "first_request_ms": median(name, "client", "first_request_ms"),
            "traced_kib": median(name, "client-traced", "traced_kib"),
            "traced_peak_kib": median(name, "client-traced", "traced_peak_kib"),
            "construct_first_ms": median(name, "construct", "first_ms"),
            "construct_median_ms": median(name, "construct", "median_ms"),
            "construct_first_kib": median(name, "construct-traced", "first_kib"),
            "construct_per_client_kib": median(name, "construct-traced", "per_client_kib"),
        }
        summary[name] = m
        rows.append(
            [
                name,
                fmt(m["rss_kib"], ",.0f"),
                fmt(m["traced_kib"], ",.0f"),
                fmt(m["traced_peak_kib"], ",.0f"),
                fmt(m["first_request_ms"], ".1f"),
                fmt(m["construct_first_ms"], ".2f"),
                fmt(m["construct_median_ms"], ".3f"),
                fmt(m["construct_first_kib"], ",.1f"),
                fmt(m["construct_per_client_kib"], ",.1f"),
            ]
        )
    header = [
        "contender",
        "RSS KiB (client + 1 request)",
        "traced KiB retained",
        "traced KiB peak",
        "ms to build + 1st request",
        "construct ms (first)",
        "construct ms (median of 50)",
        "construct KiB (first)",
        "construct KiB (each of 50)",
    ]
    notes = [
        f"medians over {reps} fresh process(es) per measurement; the library is imported "
        "before the baseline"
    ]
    return Outcome(NAME, TITLE, [table(header, rows)], summary, {"samples": samples}, notes)
