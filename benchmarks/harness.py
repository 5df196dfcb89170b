"""What every scenario shares: the server process, pinning, interleaved rounds and reporting.

A scenario measures *samples*: one sample is one timed batch of operations (requests, streams,
calls) by one contender. ``interleave`` runs the contenders' samples in rounds, rotating the order
each round, with a ``gc.collect()`` before every sample and the server's CPU time read around it
(outside the timed window).
"""

from __future__ import annotations

import asyncio
import gc
import importlib.metadata
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
PACKAGES = [
    "openrouter-kit",
    "httpx",
    "httpcore",
    "h11",
    "attrs",
    "cattrs",
    "anyio",
    "stamina",
    "openai",
    "httpx2",
    "httpcore2",
    "pydantic",
    "pydantic-core",
    "jiter",
    "aiohttp",
    "httpx-aiohttp",
]

RAW = "raw httpx"
OPENAI = "openai-python"
OURS = "openrouter-kit"


class Unavailable(Exception):
    """This contender cannot run here (the reason is the message)."""


def reason(exc: BaseException) -> str:
    """A short reason for an ``n/a`` row."""
    if isinstance(exc, Unavailable):
        return str(exc)
    text = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    return text if len(text) <= 120 else text[:117] + "..."


# -- the server -----------------------------------------------------------------------------------
def start_server(
    chunks: int, pin: bool, tls: tuple[Path, Path] | None = None
) -> tuple[subprocess.Popen[str], int, bool]:
    """The server process, its port, and whether it is pinned to core 1 with taskset.

    ``tls``: serve HTTPS with this certificate and key.
    """
    command = [
        sys.executable,
        str(HERE / "server.py"),
        "--port",
        "0",
        "--chunks",
        str(chunks),
        "--exit-on-stdin-eof",
    ]
    if tls is not None:
        command += ["--tls-cert", str(tls[0]), "--tls-key", str(tls[1])]
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


def pin_self(pin: bool) -> bool:
    """Pin this process (and the subprocesses it starts later) to core 0."""
    if pin and hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {0})
        return True
    return False


# -- one run's context ----------------------------------------------------------------------------
@dataclass
class Context:
    """What a scenario gets: the server's address, the event loop, the size of the run."""

    base: str  # http://127.0.0.1:PORT/api/v1 (https:// with --tls)
    quick: bool
    rounds: int | None  # --rounds, overriding each scenario's default
    chunks: int | None  # --chunks, for the streaming scenario
    log: Callable[[str], None]
    loop: asyncio.Runner
    #: --contenders: run only these (names as in the tables); None: all of them
    contenders: list[str] | None = None
    probe: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=10))

    @property
    def tls(self) -> bool:
        return self.base.startswith("https:")

    def server_cpu(self) -> float:
        """The server's CPU seconds so far."""
        url = self.base.removesuffix("/api/v1") + "/_bench/cpu"
        return float(self.probe.get(url).json()["cpu"])

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        """Run a coroutine on the run's one event loop (async clients live on it)."""
        return self.loop.run(coro)

    def in_loop(self, make: Callable[[], Any]) -> Callable[[], Any]:
        """A builder calling ``make`` inside the run's event loop (aiohttp sessions want a
        running loop when they are made)."""

        async def inside_the_loop() -> Any:
            return make()

        return lambda: self.run(inside_the_loop())

    def pick(self, full: int, quick: int) -> int:
        return quick if self.quick else full


# -- samples and interleaved rounds ---------------------------------------------------------------
@dataclass
class Sample:
    """One timed batch: ``ops`` operations in ``wall`` seconds and ``cpu`` CPU seconds."""

    wall: float
    cpu: float
    ops: int
    values: list[float] = field(default_factory=list)  # per operation, for some scenarios
    server_cpu: float = 0.0
    idle_before: float = 0.0  # seconds since this contender's previous sample or warm-up ended


@dataclass
class Series:
    """One contender's samples in one scenario."""

    contender: str
    unavailable: str | None = None
    samples: list[Sample] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.unavailable is None and bool(self.samples)

    def per_op(self, attr: str = "wall") -> float:
        """The median over samples of seconds per operation."""
        return statistics.median(getattr(s, attr) / s.ops for s in self.samples)

    def values(self) -> list[float]:
        return [v for s in self.samples for v in s.values]

    def server_share(self) -> float:
        """The server's CPU seconds per second of this contender's wall time."""
        return sum(s.server_cpu for s in self.samples) / sum(s.wall for s in self.samples)

    def spread(self) -> float:
        """The largest relative distance of a sample's time per op from the median."""
        median = self.per_op()
        return max(abs(s.wall / s.ops - median) / median for s in self.samples)

    def to_json(self) -> dict[str, Any]:
        return {
            "contender": self.contender,
            "unavailable": self.unavailable,
            "samples": [vars(s) for s in self.samples],
        }


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """``fn()``, its wall seconds and this process's CPU seconds."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    value = fn()
    return value, time.perf_counter() - wall0, time.process_time() - cpu0


async def atimed(fn: Callable[[], Coroutine[Any, Any, Any]]) -> tuple[Any, float, float]:
    """Same as ``timed`` for a coroutine function."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    value = await fn()
    return value, time.perf_counter() - wall0, time.process_time() - cpu0


async def gather_calls(call: Callable[[], Coroutine[Any, Any, Any]], n: int, width: int) -> None:
    """Make ``n`` calls of ``call``, ``width`` of them in flight at a time."""
    remaining = n

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await call()

    await asyncio.gather(*(worker() for _ in range(width)))


def interleave(
    ctx: Context,
    entries: Iterable[tuple[str, Callable[[], Any]]],
    rounds: int,
    sample: Callable[[Any], Sample],
    *,
    warm: Callable[[Any], object] | None = None,
    close: Callable[[Any], object] | None = None,
    label: str = "",
    min_idle: float = 0.0,
    idle: Callable[[float], object] = time.sleep,
) -> list[Series]:
    """Run ``sample(instance)`` for every contender in each of ``rounds`` rounds.

    ``entries``: (name, factory) pairs; a factory returns the contender's instance (a client
    wrapper). A contender whose factory, warm-up or a sample raises is marked ``n/a (reason)``
    and the others go on. ``close`` is called on every instance at the end (coroutines are run on
    the context's loop). ``min_idle``: each sample starts at least this many seconds after the
    same contender's previous activity ended (``idle(seconds)`` waits the rest, if any).
    """
    series: list[Series] = []
    instances: list[Any] = []
    last: dict[int, float] = {}
    if ctx.contenders is not None:
        entries = [(n, f) for n, f in entries if n.split("|")[0] in ctx.contenders]
    try:
        for name, factory in entries:
            s, instance = Series(name), None
            try:
                instance = factory()
                if warm is not None:
                    warm(instance)
                last[len(series)] = time.perf_counter()
            except Exception as exc:
                s.unavailable = reason(exc)
                ctx.log(f"    {name}: n/a ({s.unavailable})")
                if instance is not None:
                    _close(ctx, close, instance)
                instance = None
            series.append(s)
            instances.append(instance)
        for i in range(rounds):
            pairs = list(enumerate(zip(series, instances, strict=True)))
            shift = i % len(pairs)
            for index, (s, instance) in pairs[shift:] + pairs[:shift]:
                if instance is None or s.unavailable is not None:
                    continue
                if (wait := min_idle - (time.perf_counter() - last[index])) > 0:
                    idle(wait)
                gc.collect()
                server0 = ctx.server_cpu()
                idle_before = time.perf_counter() - last[index]
                try:
                    result = sample(instance)
                except Exception as exc:
                    s.unavailable = f"failed in round {i + 1}: {reason(exc)}"
                    ctx.log(f"    {s.contender}: n/a ({s.unavailable})")
                    continue
                finally:
                    last[index] = time.perf_counter()
                result.server_cpu = ctx.server_cpu() - server0
                result.idle_before = idle_before
                s.samples.append(result)
            ctx.log(f"    {label}round {i + 1}/{rounds}")
    finally:
        for instance in instances:
            if instance is not None:
                _close(ctx, close, instance)
    return series


def _close(ctx: Context, close: Callable[[Any], object] | None, instance: Any) -> None:
    if close is None:
        return
    try:
        outcome = close(instance)
        if asyncio.iscoroutine(outcome):
            ctx.run(outcome)
    except Exception as exc:  # a failing close must not hide the results
        ctx.log(f"    closing {instance!r} failed: {reason(exc)}")


# -- reporting ------------------------------------------------------------------------------------
def find(series: Iterable[Series], name: str) -> Series | None:
    for s in series:
        if s.contender == name and s.ok:
            return s
    return None


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def fmt(value: float | None, spec: str = ",.1f", unit: str = "") -> str:
    return "n/a" if value is None else f"{value:{spec}}{unit}"


def table(header: list[str], rows: list[list[str]], right_from: int = 1) -> str:
    """A Markdown table; columns from ``right_from`` on are right-aligned."""
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def na_row(s: Series, width: int) -> list[str]:
    return [s.contender, f"n/a ({s.unavailable or 'no samples'})"] + [""] * (width - 2)


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) by linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    k = (len(ordered) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def source() -> dict[str, Any]:
    """The repository's commit, and whether ``src/`` differs from it (others edit it too)."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(  # noqa: S603
                ["git", *args],  # noqa: S607
                cwd=HERE,
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip()

    status = git("status", "--porcelain", "--", "../src")
    modified = None if status is None else bool(status)
    return {"commit": git("rev-parse", "HEAD"), "src_modified": modified}


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
