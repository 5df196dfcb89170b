"""Streaming: client CPU per chunk, blocking and async, each chunk's text read the way a user
reads it (``chunk.choices[0].delta.content``; raw httpx: ``iter_lines`` + ``json.loads``).

Two conditions, two tables:

- **one event per read** (the default, as tokens arrive from a real API): the server writes each
  event on its own, at least ``GAP_US`` µs apart (asyncio's timers wake in whole milliseconds,
  so about 1 ms), and the end of the chunked body right after ``[DONE]``; every read the client
  makes brings one event. Wall time is the server's pace here, so the table compares client CPU
  per chunk.
- **coalesced**: one long stream of N chunks (default 20,000) written at once, so each read
  brings up to 64 KiB of events: throughput, chunks per second.

Every contender must get N + 2 events (the content chunks, the finish chunk and the usage
chunk). Blocking and async contenders are interleaved in the same rounds; ratios compare each
contender with raw httpx in the same mode.
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
TITLE = "Streaming: client CPU per chunk (one event per read), and throughput (coalesced)"
GAP_US = 200
OURS_HTTPX = "openrouter-kit (httpx)"
OURS_AIOHTTP = "openrouter-kit (aiohttp)"
OPENAI_AIOHTTP = "openai-python (aiohttp)"


def _contenders(ctx: Context, headers: dict[str, str]) -> list[tuple[str, Any]]:
    def sync(cls: Any) -> Any:
        return lambda: ("sync", cls(ctx.base, headers))

    def later(make: Any) -> Any:
        build = ctx.in_loop(make)
        return lambda: ("async", build())

    return [
        (f"{RAW}|sync", sync(RawHttpx)),
        (f"{OPENAI}|sync", sync(OpenAI)),
        (f"{Ours.name}|sync", sync(Ours)),
        (f"{RAW}|async", later(lambda: RawHttpxAsync(ctx.base, headers))),
        (f"{OPENAI}|async", later(lambda: OpenAIAsync(ctx.base, headers))),
        (f"{OPENAI_AIOHTTP}|async", later(lambda: OpenAIAsync(ctx.base, headers, aiohttp=True))),
        (f"{Ours.name}|async", later(lambda: OursAsync(ctx.base, headers))),
        (f"{OURS_HTTPX}|async", later(lambda: OursAsync(ctx.base, headers, transport="httpx"))),
        (
            f"{OURS_AIOHTTP}|async",
            later(lambda: OursAsync(ctx.base, headers, transport="aiohttp")),
        ),
    ]


def _measure(ctx: Context, chunks: int) -> Any:
    def measure(entry: tuple[str, Any]) -> Sample:
        mode, c = entry
        if mode == "sync":
            count, wall, cpu = timed(c.stream)
        else:
            count, wall, cpu = ctx.run(atimed(c.stream))
        if count != chunks + 2:  # N content chunks, the finish chunk, the usage chunk
            raise RuntimeError(f"got {count} chunks, not {chunks + 2}")
        return Sample(wall, cpu, count)

    return measure


def _close(entry: tuple[str, Any]) -> Any:
    return entry[1].close()


def run(ctx: Context) -> Outcome:
    rounds = ctx.rounds or ctx.pick(5, 2)
    paced = ctx.pick(1000, 300)
    chunks = ctx.chunks or ctx.pick(20_000, 5_000)
    ctx.log(f"    one event per read: {rounds} rounds of one {paced:,}-chunk stream per contender")
    headers = {"x-bench-chunks": str(paced), "x-bench-paced": str(GAP_US)}
    measure = _measure(ctx, paced)
    paced_series = interleave(
        ctx, _contenders(ctx, headers), rounds, measure, warm=measure, close=_close, label="paced "
    )
    ctx.log(f"    coalesced: {rounds} rounds of one {chunks:,}-chunk stream per contender")
    headers = {"x-bench-chunks": str(chunks)}
    measure = _measure(ctx, chunks)
    whole_series = interleave(
        ctx, _contenders(ctx, headers), rounds, measure, warm=measure, close=_close
    )
    return _outcome(paced_series, whole_series, rounds, paced, chunks)


def chunks_per_s(s: Series) -> float:
    return 1 / s.per_op()


def _paced(series: list[Series], summary: dict[str, Any]) -> str:
    rows = []
    for s in series:
        name, mode = s.contender.split("|")
        raw = find(series, f"{RAW}|{mode}")
        if not s.ok:
            summary.setdefault(mode, {})[name] = {"unavailable": s.unavailable}
            rows.append([name, mode, f"n/a ({s.unavailable})", ""])
            continue
        cpu = s.per_op("cpu")
        raw_cpu = raw.per_op("cpu") if raw else None
        summary.setdefault(mode, {})[name] = {
            "cpu_us_per_chunk": cpu * 1e6,
            "cpu_vs_raw_httpx": ratio(cpu, raw_cpu),
            "spread_cpu": max(abs(x.cpu / x.ops - cpu) / cpu for x in s.samples),
        }
        rows.append([name, mode, f"{cpu * 1e6:.1f}", fmt_ratio(ratio(cpu, raw_cpu))])
    return table(["contender", "mode", "CPU µs per chunk", "vs raw httpx"], rows, right_from=2)


def _coalesced(series: list[Series], summary: dict[str, Any], chunks: int) -> str:
    rows = []
    for s in series:
        name, mode = s.contender.split("|")
        mine = [x for x in series if x.contender.endswith(f"|{mode}")]
        raw, openai = find(mine, f"{RAW}|{mode}"), find(mine, f"{OPENAI}|{mode}")
        if not s.ok:
            summary.setdefault(mode, {})[name] = {"unavailable": s.unavailable}
            rows.append([name, mode, f"n/a ({s.unavailable})", "", "", "", "", ""])
            continue
        rate = chunks_per_s(s)
        raw_rate = chunks_per_s(raw) if raw else None
        openai_rate = chunks_per_s(openai) if openai else None
        wall = s.per_op() * (chunks + 2)
        cpu = s.per_op("cpu")
        raw_cpu = raw.per_op("cpu") if raw else None
        summary.setdefault(mode, {})[name] = {
            "chunks_per_s": rate,
            "ms_per_stream": wall * 1e3,
            "cpu_us_per_chunk": cpu * 1e6,
            "cpu_vs_raw_httpx": ratio(cpu, raw_cpu),
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
                f"{cpu * 1e6:.2f}",
                fmt_ratio(ratio(rate, raw_rate)),
                fmt_ratio(ratio(rate, openai_rate)),
                f"{s.server_share():.0%}",
            ]
        )
    header = [
        "contender",
        "mode",
        "chunks/s",
        "ms per stream",
        "CPU µs per chunk",
        "chunks/s vs raw httpx",
        "chunks/s vs openai",
        "server CPU",
    ]
    return table(header, rows, right_from=2)


def _outcome(
    paced: list[Series], whole: list[Series], rounds: int, paced_chunks: int, chunks: int
) -> Outcome:
    summary: dict[str, Any] = {
        "rounds": rounds,
        "paced_chunks_per_stream": paced_chunks,
        "chunks_per_stream": chunks,
    }
    paced_summary: dict[str, Any] = {}
    tables = [_paced(paced, paced_summary), _coalesced(whole, summary, chunks)]
    summary["paced"] = paced_summary
    notes = [
        f"first table: one event per read, {rounds} rounds × one stream of {paced_chunks:,} "
        f"chunks (+2), events ≥ {GAP_US} µs apart; client CPU per chunk, medians over rounds",
        f"second table: coalesced, {rounds} rounds × one stream of {chunks:,} chunks (+2) "
        "written at once; medians over rounds",
    ]
    data = {
        "paced_series": [s.to_json() for s in paced],
        "series": [s.to_json() for s in whole],
    }
    return Outcome(NAME, TITLE, tables, summary, data, notes)
