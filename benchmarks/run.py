"""Streaming benchmark: openrouter-kit vs raw httpx vs openai-python, on one loopback server.

Starts ``benchmarks/server.py`` (pinned to core 1 with ``taskset`` when there is one; this
process pins itself to core 0), then streams one chat completion of N chunks per contender and
round, blocking and async, interleaved in rounds (the order rotates each round). Every contender
keeps one client for the whole run and streams once to warm up before it is measured. Reports the
median wall time, chunks per second and CPU time per stream, prints a table and writes
``benchmarks/results/streaming.json``.

    python benchmarks/run.py            # 5 rounds of 20,000 chunks
    python benchmarks/run.py --quick    # 2 rounds of 5,000 chunks
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
MODEL = "openai/gpt-4o-mini"
MESSAGES = [{"role": "user", "content": "hi"}]
BODY = {"model": MODEL, "messages": MESSAGES, "stream": True}
TIMEOUT = 120.0
PACKAGES = ["openrouter-kit", "httpx", "httpcore", "h11", "openai", "httpx2", "httpcore2",
            "pydantic", "pydantic-core", "jiter", "attrs", "cattrs", "anyio"]  # fmt: skip

SyncRun = Callable[[], int]
AsyncRun = Callable[[], Awaitable[int]]


class Unavailable(Exception):
    """This contender cannot run here (the reason is the message)."""


# -- contenders: each factory returns (stream once -> chunk count, close) ------------------------
def raw_httpx(base: str, headers: dict[str, str]) -> tuple[SyncRun, Callable[[], Any]]:
    client = httpx.Client(headers=headers, timeout=TIMEOUT)

    def run() -> int:
        count = 0
        with client.stream("POST", f"{base}/chat/completions", json=BODY) as response:
            response.raise_for_status()
            for line in response.iter_lines():
                if not line.startswith("data: "):  # blank lines and ": comments"
                    continue
                data = line[6:]
                if data == "[DONE]":
                    break
                json.loads(data)
                count += 1
        return count

    return run, client.close


def raw_httpx_async(base: str, headers: dict[str, str]) -> tuple[AsyncRun, Callable[[], Any]]:
    client = httpx.AsyncClient(headers=headers, timeout=TIMEOUT)

    async def run() -> int:
        count = 0
        async with client.stream("POST", f"{base}/chat/completions", json=BODY) as response:
            response.raise_for_status()
            async for line in response.aiter_lines():
                if not line.startswith("data: "):
                    continue
                data = line[6:]
                if data == "[DONE]":
                    break
                json.loads(data)
                count += 1
        return count

    return run, client.aclose


def openai_sync(base: str, headers: dict[str, str]) -> tuple[SyncRun, Callable[[], Any]]:
    openai = _import("openai")
    client = openai.OpenAI(base_url=base, api_key="sk-bench", max_retries=0,
                           default_headers=headers, timeout=TIMEOUT)  # fmt: skip

    def run() -> int:
        stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        return sum(1 for _ in stream)

    return run, client.close


def openai_async(base: str, headers: dict[str, str]) -> tuple[AsyncRun, Callable[[], Any]]:
    openai = _import("openai")
    client = openai.AsyncOpenAI(base_url=base, api_key="sk-bench", max_retries=0,
                                default_headers=headers, timeout=TIMEOUT)  # fmt: skip

    async def run() -> int:
        stream = await client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        return sum([1 async for _ in stream])

    return run, client.close


def ours_sync(base: str, headers: dict[str, str]) -> tuple[SyncRun, Callable[[], Any]]:
    import openrouter_kit

    if not callable(getattr(openrouter_kit.Client, "stream", None)):
        raise Unavailable("Client.stream missing")
    client = openrouter_kit.Client(api_key="sk-bench", base_url=base, max_retries=0,
                                   headers=headers, timeout=TIMEOUT)  # fmt: skip

    def run() -> int:
        count = 0
        with client.stream(model=MODEL, messages=MESSAGES) as stream:
            for _ in stream:
                count += 1
        return count

    return run, client.close


def ours_async(base: str, headers: dict[str, str]) -> tuple[AsyncRun, Callable[[], Any]]:
    import openrouter_kit

    if not callable(getattr(openrouter_kit.AsyncClient, "stream", None)):
        raise Unavailable("AsyncClient.stream missing")
    client = openrouter_kit.AsyncClient(api_key="sk-bench", base_url=base, max_retries=0,
                                        headers=headers, timeout=TIMEOUT)  # fmt: skip

    async def run() -> int:
        count = 0
        async with client.stream(model=MODEL, messages=MESSAGES) as stream:
            async for _ in stream:
                count += 1
        return count

    return run, client.aclose


def _import(name: str) -> Any:
    try:
        return __import__(name)
    except ImportError as exc:
        raise Unavailable(
            f"{name} not installed (pip install -r benchmarks/requirements.txt)"
        ) from exc


CONTENDERS: list[tuple[str, str, Callable[[str, dict[str, str]], tuple[Any, Any]]]] = [
    ("raw httpx", "sync", raw_httpx),
    ("openai-python", "sync", openai_sync),
    ("openrouter-kit", "sync", ours_sync),
    ("raw httpx", "async", raw_httpx_async),
    ("openai-python", "async", openai_async),
    ("openrouter-kit", "async", ours_async),
]


# -- measuring ----------------------------------------------------------------------------------
@dataclass
class Result:
    name: str
    mode: str
    unavailable: str | None = None
    wall: list[float] = field(default_factory=list)  # seconds per stream
    cpu: list[float] = field(default_factory=list)  # this process's CPU seconds per stream
    server_cpu: list[float] = field(default_factory=list)  # the server's CPU seconds per stream
    chunks: list[int] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return float(statistics.median(getattr(self, attr)))

    @property
    def chunks_per_s(self) -> float:
        return statistics.median(c / w for c, w in zip(self.chunks, self.wall, strict=True))


def start_server(chunks: int, pin: bool) -> tuple[subprocess.Popen[str], int, bool]:
    """The server process, its port, and whether it is pinned with taskset."""
    command = [sys.executable, str(HERE / "server.py"), "--port", "0", "--chunks", str(chunks),
               "--exit-on-stdin-eof"]  # fmt: skip
    taskset = shutil.which("taskset")
    pinned = bool(pin and taskset and (os.cpu_count() or 1) >= 2)
    if pinned:
        command = [str(taskset), "-c", "1", *command]
    server = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # noqa: S603
    assert server.stdout is not None
    line = server.stdout.readline()
    if not line.strip().isdigit():
        server.kill()
        raise RuntimeError(f"the server did not start (said {line!r})")
    return server, int(line), pinned


def stop_server(server: subprocess.Popen[str]) -> None:
    if server.stdin is not None:
        server.stdin.close()  # the server exits on EOF; terminate/kill if it does not
    try:
        server.wait(timeout=5)
    except subprocess.TimeoutExpired:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run_benchmark(base: str, chunks: int, rounds: int, log: Callable[[str], None]) -> list[Result]:
    headers = {"x-bench-chunks": str(chunks)}
    probe = httpx.Client(timeout=10)
    cpu_url = base.removesuffix("/api/v1") + "/_bench/cpu"

    def server_cpu() -> float:
        return float(probe.get(cpu_url).json()["cpu"])

    results: list[Result] = []
    runs: list[Any] = []
    closers: list[Any] = []
    with asyncio.Runner() as loop:  # one event loop for the whole run: async clients live on it

        def measure(result: Result, run: Any, *, record: bool = True) -> None:
            gc.collect()
            server0 = server_cpu()
            if result.mode == "sync":
                cpu0, wall0 = time.process_time(), time.perf_counter()
                count = run()
                wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            else:
                count, wall, cpu = loop.run(timed(run))
            if count != chunks + 2:  # N content chunks, the finish chunk, the usage chunk
                raise RuntimeError(f"{result.name} ({result.mode}) got {count} chunks")
            if record:
                result.wall.append(wall)
                result.cpu.append(cpu)
                result.chunks.append(count)
                result.server_cpu.append(server_cpu() - server0)

        try:
            for name, mode, factory in CONTENDERS:
                result = Result(name, mode)
                results.append(result)
                run = None
                try:
                    run, close = factory(base, headers)
                    closers.append(close)
                    measure(result, run, record=False)  # warm-up
                except Exception as exc:
                    result.unavailable = str(exc) if isinstance(exc, Unavailable) else repr(exc)
                    log(f"  {name} ({mode}): n/a ({result.unavailable})")
                    run = None
                runs.append(run)
            for i in range(rounds):
                order = list(zip(results, runs, strict=True))
                order = order[i % len(order) :] + order[: i % len(order)]
                for result, run in order:
                    if run is not None:
                        measure(result, run)
                log(f"  round {i + 1}/{rounds} done")
        finally:
            for close in closers:
                outcome = close()
                if asyncio.iscoroutine(outcome):
                    loop.run(outcome)
            probe.close()
    return results


async def timed(run: AsyncRun) -> tuple[int, float, float]:
    cpu0, wall0 = time.process_time(), time.perf_counter()
    count = await run()
    return count, time.perf_counter() - wall0, time.process_time() - cpu0


# -- reporting ----------------------------------------------------------------------------------
def find(results: list[Result], name: str, mode: str) -> Result | None:
    for r in results:
        if r.name == name and r.mode == mode and r.unavailable is None and r.wall:
            return r
    return None


def summarize(results: list[Result]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    goals: dict[str, Any] = {}
    for r in results:
        floor, openai = find(results, "raw httpx", r.mode), find(results, "openai-python", r.mode)
        row: dict[str, Any] = {"contender": r.name, "mode": r.mode, "unavailable": r.unavailable}
        if r.unavailable is None and r.wall:
            row |= {
                "chunks_per_s": r.chunks_per_s,
                "ms_per_stream": r.median("wall") * 1e3,
                "cpu_ms_per_stream": r.median("cpu") * 1e3,
                "server_cpu_share": sum(r.server_cpu) / sum(r.wall),
                "time_vs_raw_httpx": r.median("wall") / floor.median("wall") if floor else None,
                "chunks_per_s_vs_openai": r.chunks_per_s / openai.chunks_per_s if openai else None,
            }
        rows.append(row)
        if r.name == "openrouter-kit":
            ok = r.unavailable is None and bool(r.wall)
            vs_openai, vs_floor = row.get("chunks_per_s_vs_openai"), row.get("time_vs_raw_httpx")
            goals[r.mode] = {
                "chunks_per_s >= 1.5x openai": (vs_openai >= 1.5) if ok and vs_openai else None,
                "time <= 1.25x raw httpx": (vs_floor <= 1.25) if ok and vs_floor else None,
            }
    return rows, goals


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| contender | mode | chunks/s (median) | ms per stream | CPU ms per stream "
        "| time vs raw httpx | chunks/s vs openai |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        if row["unavailable"] is not None:
            lines.append(f"| {row['contender']} | {row['mode']} | n/a ({row['unavailable']}) "
                         "| | | | |")  # fmt: skip
            continue
        lines.append(
            f"| {row['contender']} | {row['mode']} | {row['chunks_per_s']:,.0f} "
            f"| {row['ms_per_stream']:.1f} | {row['cpu_ms_per_stream']:.1f} "
            f"| {_ratio(row['time_vs_raw_httpx'])} | {_ratio(row['chunks_per_s_vs_openai'])} |"
        )
    return "\n".join(lines)


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def machine(pinned_server: bool, pinned_self: bool) -> dict[str, Any]:
    cpu_model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    versions: dict[str, str | None] = {}
    for package in PACKAGES:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "taskset": {"server_core_1": pinned_server, "runner_core_0": pinned_self},
        "packages": versions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 rounds of 5,000 chunks")
    parser.add_argument("--rounds", type=int, help="default 5 (2 with --quick)")
    parser.add_argument("--chunks", type=int, help="chunks per stream (default 20,000)")
    parser.add_argument("--no-pin", action="store_true", help="do not pin to cores 0 and 1")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "streaming.json")
    args = parser.parse_args()
    rounds = args.rounds or (2 if args.quick else 5)
    chunks = args.chunks or (5_000 if args.quick else 20_000)

    started = time.perf_counter()
    server, port, pinned_server = start_server(chunks, pin=not args.no_pin)
    try:
        pinned_self = False
        if not args.no_pin and hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) >= 2:
            os.sched_setaffinity(0, {0})  # after starting the server, which must not inherit it
            pinned_self = True
        print(f"server on port {port} (pid {server.pid}); {rounds} rounds of {chunks:,} chunks")
        results = run_benchmark(f"http://127.0.0.1:{port}/api/v1", chunks, rounds, print)
    finally:
        stop_server(server)

    rows, goals = summarize(results)
    print()
    print(table(rows))
    floor = find(results, "raw httpx", "sync")
    if floor is not None:
        share = sum(floor.server_cpu) / sum(floor.wall)
        print(f"\nserver CPU while raw httpx (sync) streamed: {share:.0%} of one core "
              f"({floor.chunks_per_s:,.0f} chunks/s)")  # fmt: skip
    print("\ngoals (openrouter-kit):")
    for mode, checks in goals.items():
        for goal, held in checks.items():
            print(f"  {mode:5} {goal}: {'n/a' if held is None else 'yes' if held else 'NO'}")

    report = {
        "benchmark": "streaming",
        "chunks_per_stream": chunks,
        "rounds": rounds,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": machine(pinned_server, pinned_self),
        "results": rows,
        "goals": goals,
        "samples": [asdict(r) for r in results],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.output} in {report['seconds']} s")


if __name__ == "__main__":
    main()
