"""The targets openrouter-kit is held to, checked on one run's summaries (ratios from that run)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness import OURS, RAW
from scenarios import Outcome

Check = dict[str, Any]  # {"scenario", "target", "value", "passed": True | False | None}


def _get(summary: dict[str, Any], *path: str) -> Any:
    value: Any = summary
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _x(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def _check(
    scenario: str,
    target: str,
    value: float | None,
    ok: Callable[[float], bool],
    shown: str | None = None,
) -> Check:
    return {
        "scenario": scenario,
        "target": target,
        "value": shown if shown is not None else _x(value),
        "passed": None if value is None else bool(ok(value)),
    }


def check(outcomes: dict[str, Outcome]) -> list[Check]:
    checks: list[Check] = []
    if (o := outcomes.get("imports")) is not None:
        s = o.summary
        checks.append(
            _check(
                "imports",
                "import openrouter_kit <= 1.2x its dependencies' import",
                s.get("ours_vs_deps"),
                lambda v: v <= 1.2,
            )
        )
        checks.append(
            _check(
                "imports",
                "import openrouter_kit <= 0.4x import openai",
                s.get("ours_vs_openai"),
                lambda v: v <= 0.4,
            )
        )
    if (o := outcomes.get("blocking")) is not None:
        s = o.summary
        overhead = s.get("ours_overhead_vs_openai")
        ours_us = _get(s, OURS, "overhead_us")
        theirs_us = _get(s, "openai-python", "overhead_us")
        shown = None
        if overhead is not None:
            shown = f"{_x(overhead)} ({ours_us:,.0f} µs vs {theirs_us:,.0f} µs)"
        checks.append(
            _check(
                "blocking",
                "client overhead per request <= 0.5x openai-python's",
                overhead,
                lambda v: v <= 0.5,
                shown,
            )
        )
        checks.append(
            _check(
                "blocking",
                "wall per request <= 1.15x raw httpx",
                _get(s, OURS, "vs_raw_httpx"),
                lambda v: v <= 1.15,
            )
        )
    if (o := outcomes.get("streaming")) is not None:
        for mode in ("sync", "async"):
            checks.append(
                _check(
                    "streaming",
                    f"{mode}: chunks/s >= 1.5x openai-python",
                    _get(o.summary, mode, OURS, "rate_vs_openai"),
                    lambda v: v >= 1.5,
                )
            )
            checks.append(
                _check(
                    "streaming",
                    f"{mode}: chunks/s >= 0.8x raw httpx",
                    _get(o.summary, mode, OURS, "rate_vs_raw_httpx"),
                    lambda v: v >= 0.8,
                )
            )
        for mode, limit in (("sync", 1.25), ("async", 1.0)):
            checks.append(
                _check(
                    "streaming",
                    f"{mode}, one event per read: CPU per chunk <= {limit}x raw httpx",
                    _get(o.summary, "paced", mode, OURS, "cpu_vs_raw_httpx"),
                    lambda v, limit=limit: v <= limit,
                )
            )
    if (o := outcomes.get("sweep")) is not None:
        for level in o.summary.get("levels", []):
            checks.append(
                _check(
                    "sweep",
                    f"{level} in flight, warm pool: client CPU per request <= 0.5x raw httpx",
                    _get(o.summary, OURS, str(level), "cpu_vs_raw_httpx"),
                    lambda v: v <= 0.5,
                )
            )
    if (o := outcomes.get("async")) is not None:
        checks.append(
            _check(
                "async",
                "c=64 default transport: time/request <= 1.0x raw httpx",
                _get(o.summary, OURS, "vs_raw_httpx"),
                lambda v: v <= 1.0,
            )
        )
        aio = _get(o.summary, "openrouter-kit (aiohttp)")
        value = _get(aio, "vs_raw_httpx")
        shown = f"n/a ({aio['unavailable']})" if aio and aio.get("unavailable") else None
        checks.append(
            _check(
                "async",
                "c=64 aiohttp transport: time/request <= 0.6x raw httpx",
                value,
                lambda v: v <= 0.6,
                shown,
            )
        )
    if (o := outcomes.get("rss-growth")) is not None:
        ours, raw = _get(o.summary, OURS, "growth_kib"), _get(o.summary, RAW, "growth_kib")
        limit = max(1024.0, (raw or 0.0) + 512.0)
        shown = None if ours is None else f"{ours:,.0f} KiB (limit {limit:,.0f} KiB)"
        checks.append(
            _check(
                "rss-growth",
                "RSS growth over the requests <= 1 MiB or raw httpx's + 512 KiB",
                ours,
                lambda v: v <= limit,
                shown,
            )
        )
    if (o := outcomes.get("memory")) is not None:
        m = o.summary.get(OURS, {})
        t, first_t = m.get("construct_median_ms"), m.get("construct_first_ms")
        shown = None if t is None else f"{t:.3f} ms (first in a process: {first_t:.2f} ms)"
        checks.append(
            _check(
                "memory",
                "constructing a client <= 2 ms (median of 50)",
                t,
                lambda v: v <= 2.0,
                shown,
            )
        )
        kib, each = m.get("construct_first_kib"), m.get("construct_per_client_kib")
        shown = None if kib is None else f"{kib:,.1f} KiB (each of 50 more: {each:,.1f} KiB)"
        checks.append(
            _check(
                "memory",
                "constructing a client <= 100 KiB (first in a process)",
                kib,
                lambda v: v <= 100.0,
                shown,
            )
        )
    if (o := outcomes.get("models")) is not None:
        checks.append(
            _check(
                "models",
                "list_models (300 models) <= 1.5x raw httpx",
                _get(o.summary, OURS, "vs_raw_httpx"),
                lambda v: v <= 1.5,
            )
        )
    return checks


def render(checks: list[Check]) -> str:
    lines = []
    for c in checks:
        verdict = {True: "PASS", False: "FAIL", None: "N/A "}[c["passed"]]
        lines.append(f"  {verdict}  [{c['scenario']}] {c['target']}: {c['value']}")
    return "\n".join(lines)
