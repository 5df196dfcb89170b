"""``GET /models`` with 300 models (about 360 KB of JSON): time per call, fetched every time.

openrouter-kit: ``client.list_models()`` (not cached; ``client.models``, the cached registry, is
not used). raw httpx: ``get`` + ``json.loads``. openai-python: ``client.models.list()``.

Two operations, interleaved in the same rounds: the call alone (the target), and the call plus
reading four fields of every model (id, context length, prompt price, input modalities), which
shows what a library that builds its model objects lazily pays when they are used.
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

    def sample(entry: tuple[str, Any]) -> Sample:
        op, c = entry
        call = getattr(c, op)

        def many() -> None:
            for _ in range(per_round):
                if (n := call()) != MODELS:
                    raise RuntimeError(f"got {n} models, not {MODELS}")

        _, wall, cpu = timed(many)
        return Sample(wall, cpu, per_round)

    def warm(entry: tuple[str, Any]) -> None:
        for _ in range(3):
            getattr(entry[1], entry[0])()

    entries = [
        (f"{cls.name}|{op}", lambda cls=cls, op=op: (op, cls(ctx.base, {})))
        for op in OPERATIONS
        for cls in (RawHttpx, OpenAI, Ours)
    ]
    series = interleave(ctx, entries, rounds, sample, warm=warm, close=lambda e: e[1].close())
    tables, summary = [], {"rounds": rounds, "calls_per_sample": per_round, "models": MODELS}
    for op, label in OPERATIONS.items():
        mine = [
            Series(s.contender.split("|")[0], s.unavailable, s.samples)
            for s in series
            if s.contender.endswith(f"|{op}")
        ]
        table_text, summary[op] = _table(mine, label)
        tables.append(table_text)
    summary |= summary["list_models"]  # the call alone is the headline (and the target)
    return Outcome(
        NAME,
        TITLE,
        tables,
        summary,
        {"series": [s.to_json() for s in series]},
        [f"{rounds} rounds × {per_round} calls per contender and operation; medians over rounds"],
    )


OPERATIONS = {
    "list_models": "the call",
    "list_models_read": "the call + reading 4 fields of every model",
}


def _table(series: list[Series], label: str) -> tuple[str, dict[str, Any]]:
    raw, openai = find(series, RAW), find(series, OPENAI)
    raw_t = raw.per_op() if raw else None
    openai_t = openai.per_op() if openai else None
    summary: dict[str, Any] = {}
    rows = []
    for s in series:
        if not s.ok:
            summary[s.contender] = {"unavailable": s.unavailable}
            rows.append([s.contender, label, f"n/a ({s.unavailable or 'no samples'})"] + [""] * 4)
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
                label,
                f"{t * 1e3:.2f}",
                f"{cpu * 1e3:.2f}",
                fmt_ratio(ratio(t, raw_t)),
                fmt_ratio(ratio(t, openai_t)),
                f"{s.server_share():.0%}",
            ]
        )
    header = [
        "contender",
        "operation",
        "ms per call",
        "CPU ms per call",
        "vs raw httpx",
        "vs openai",
        "server CPU",
    ]
    return table(header, rows, right_from=2), summary
