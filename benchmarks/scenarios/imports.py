"""Import time: a fresh interpreter that imports a module, minus a bare interpreter.

Each round starts ``python -c pass`` and ``python -c "import X"`` for every X once, in a rotating
order, and times the whole process (``perf_counter`` around ``subprocess.run``). The import time is
the command's time minus the bare interpreter's (min minus min, median minus median). Bytecode
caches are warm: every command runs once before the rounds, with ``PYTHONDONTWRITEBYTECODE``
removed from the environment so that run writes any missing or stale ``.pyc`` (as ``pip install``
does); without it, a module edited since its last compile would be compiled at every import.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from typing import Any

from harness import OPENAI, OURS, Context, fmt_ratio, ratio, table

from scenarios import Outcome

NAME = "imports"
TITLE = "Import time (fresh interpreter minus `python -c pass`)"
BARE = "bare interpreter"
DEPS = "our dependencies"
COMMANDS = {
    BARE: "pass",
    OURS: "import openrouter_kit",
    OPENAI: "import openai",
    "httpx": "import httpx",
    DEPS: "import httpx, attrs, cattrs, anyio, stamina",
}


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _time(code: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, check=False, env=ENV
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode(errors="replace").strip().splitlines()[-1])
    return elapsed


def run(ctx: Context) -> Outcome:
    rounds = ctx.rounds or ctx.pick(20, 5)
    names = list(COMMANDS)
    samples: dict[str, list[float]] = {name: [] for name in names}
    failed: dict[str, str] = {}
    for name in names:  # warm the bytecode caches
        try:
            _time(COMMANDS[name])
        except RuntimeError as exc:
            failed[name] = str(exc)
            ctx.log(f"    {name}: n/a ({exc})")
    for i in range(rounds):
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            if name not in failed:
                samples[name].append(_time(COMMANDS[name]))
        if (i + 1) % 5 == 0 or i + 1 == rounds:
            ctx.log(f"    round {i + 1}/{rounds}")

    bare_min, bare_median = min(samples[BARE]), statistics.median(samples[BARE])
    summary: dict[str, Any] = {
        "rounds": rounds,
        "bare_ms": {"min": bare_min * 1e3, "median": bare_median * 1e3},
    }
    for name in names[1:]:
        if name in failed:
            summary[name] = {"unavailable": failed[name]}
            continue
        summary[name] = {
            "min_ms": (min(samples[name]) - bare_min) * 1e3,
            "median_ms": (statistics.median(samples[name]) - bare_median) * 1e3,
        }

    def get(name: str, key: str) -> float | None:
        value = summary.get(name, {}).get(key)
        return None if value is None else float(value)

    rows = [
        [
            BARE,
            f"{bare_min * 1e3:.1f} (whole process)",
            f"{bare_median * 1e3:.1f} (whole process)",
            "",
            "",
        ]
    ]
    for name in names[1:]:
        if name in failed:
            rows.append([name, f"n/a ({failed[name]})", "", "", ""])
            continue
        rows.append(
            [
                f"`{COMMANDS[name]}`" if name in ("httpx", DEPS) else name,
                f"{get(name, 'min_ms'):.1f}",
                f"{get(name, 'median_ms'):.1f}",
                fmt_ratio(ratio(get(name, "median_ms"), get(DEPS, "median_ms"))),
                fmt_ratio(ratio(get(name, "median_ms"), get(OPENAI, "median_ms"))),
            ]
        )
    summary["ours_vs_deps"] = ratio(get(OURS, "median_ms"), get(DEPS, "median_ms"))
    summary["ours_vs_openai"] = ratio(get(OURS, "median_ms"), get(OPENAI, "median_ms"))
    summary["ours_vs_deps_min"] = ratio(get(OURS, "min_ms"), get(DEPS, "min_ms"))
    summary["ours_vs_openai_min"] = ratio(get(OURS, "min_ms"), get(OPENAI, "min_ms"))
    header = ["import", "min ms", "median ms", "vs our dependencies", "vs openai"]
    return Outcome(
        NAME,
        TITLE,
        [table(header, rows)],
        summary,
        {"commands": COMMANDS, "seconds": samples},
        [
            f"{rounds} rounds; ratios compare medians (minimums: ours/deps "
            f"{fmt_ratio(summary['ours_vs_deps_min'])}, ours/openai "
            f"{fmt_ratio(summary['ours_vs_openai_min'])})"
        ],
    )
