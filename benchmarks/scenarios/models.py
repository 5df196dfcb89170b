"""``GET /models`` with 300 models (about 360 KB of JSON): time per call, fetched every time.

openrouter-kit: ``client.list_models()`` (not cached; ``client.models``, the cached registry, is
not used). raw httpx: ``get`` + ``json.loads``. openai-python: ``client.models.list()``.
"""

from __future__ import annotations

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
    ratio,
    table,
    timed,
)

from scenarios import Outcome

NAME = "models"
TITLE = "list_models over 300 models (time per call)"
MODELS = 300


def run(ctx: Context) -> Outcome:
    rounds = ctx.rounds or ctx.pick(5, 3)
    per_round = ctx.pick(20, 5)
    ctx.log(f"    {rounds} rounds of {per_round} calls per contender")

    def sample(c: Any) -> Sample:
        def many() -> None:
            for _ in range(per_round):
                if (n := c.list_models()) != MODELS:
                    raise RuntimeError(f"got {n} models, not {MODELS}")

        _, wall, cpu = timed(many)
        return Sample(wall, cpu, per_round)

    def warm(c: Any) -> None:
        for _ in range(3):
            c.list_models()

    entries = [(cls.name, lambda cls=cls: cls(ctx.base, {})) for cls in (RawHttpx, OpenAI, Ours)]
    series = interleave(ctx, entries, rounds, sample, warm=warm, close=lambda c: c.close())
    return _outcome(series, rounds, per_round)


def _outcome(series: list[Series], rounds: int, per_round: int) -> Outcome:
    raw, openai = find(series, RAW), find(series, OPENAI)
    raw_t = raw.per_op() if raw else None
    openai_t = openai.per_op() if openai else None
    summary: dict[str, Any] = {"rounds": rounds, "calls_per_sample": per_round, "models": MODELS}
    rows = []
    for s in series:
        if not s.ok:
            summary[s.contender] = {"unavailable": s.unavailable}
            rows.append(na_row(s, 6))
            continue
        t, cpu = s.per_op(), s.per_op("cpu")
        summary[s.contender] = {
            "ms_per_call": t * 1e3,
            "cpu_ms_per_call": cpu * 1e3,
            "vs_raw_httpx": ratio(t, raw_t),
            "vs_openai": ratio(t, openai_t),
            "server_cpu_share": s.server_share(),
            "spread": s.spread(),
        }
        rows.append(
            [
                s.contender,
                f"{t * 1e3:.2f}",
                f"{cpu * 1e3:.2f}",
                fmt_ratio(ratio(t, raw_t)),
                fmt_ratio(ratio(t, openai_t)),
                f"{s.server_share():.0%}",
            ]
        )
    header = [
        "contender",
        "ms per call",
        "CPU ms per call",
        "vs raw httpx",
        "vs openai",
        "server CPU",
    ]
    notes = [f"{rounds} rounds × {per_round} calls per contender; medians over rounds"]
    return Outcome(
        NAME,
        TITLE,
        [table(header, rows)],
        summary,
        {"series": [s.to_json() for s in series]},
        notes,
    )
