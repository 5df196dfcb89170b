"""One memory or construction measurement in a fresh process; prints one JSON object.

Started by the ``memory`` and ``rss-growth`` scenarios, one process per measurement and
contender, so every contender starts from a clean interpreter and no cache is shared:

    python benchmarks/worker.py client          CONTENDER BASE   # RSS for one client + 1 request
    python benchmarks/worker.py client-traced   CONTENDER BASE   # the same with tracemalloc
    python benchmarks/worker.py construct       CONTENDER        # construction time
    python benchmarks/worker.py construct-traced CONTENDER       # construction memory
    python benchmarks/worker.py growth          CONTENDER BASE WARMUP REQUESTS

The contender's library is imported before any baseline is taken: imports are measured by the
``imports`` scenario, not here. Every client is built with the benchmark's wrappers
(``contenders.py``), which build exactly one library client each.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from contenders import SYNC

HEADERS = {"x-bench-chunks": "50"}
CONSTRUCTIONS = 50
STATM = Path("/proc/self/statm")


def rss() -> int:
    """This process's resident set size in bytes (Linux)."""
    return int(STATM.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def preload(name: str) -> Any:
    """The contender's class, with its library imported."""
    cls = SYNC[name]
    __import__(cls.module)
    return cls


def client(name: str, base: str) -> dict[str, Any]:
    cls = preload(name)
    gc.collect()
    before = rss()
    started = time.perf_counter()
    c = cls(base, HEADERS)
    c.complete()
    elapsed = time.perf_counter() - started
    gc.collect()
    after = rss()
    c.close()
    return {"rss_kib": (after - before) / 1024, "first_request_ms": elapsed * 1e3}


def client_traced(name: str, base: str) -> dict[str, Any]:
    cls = preload(name)
    gc.collect()
    tracemalloc.start()
    c = cls(base, HEADERS)
    c.complete()
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    c.close()
    return {"traced_kib": current / 1024, "traced_peak_kib": peak / 1024}


def construct(name: str) -> dict[str, Any]:
    cls = preload(name)
    gc.collect()
    started = time.perf_counter()
    first = cls("http://127.0.0.1:9/api/v1", HEADERS)
    first_ms = (time.perf_counter() - started) * 1e3
    times, keep = [], [first]
    for _ in range(CONSTRUCTIONS):
        started = time.perf_counter()
        keep.append(cls("http://127.0.0.1:9/api/v1", HEADERS))
        times.append(time.perf_counter() - started)
    for c in keep:
        c.close()
    return {"first_ms": first_ms, "median_ms": statistics.median(times) * 1e3}


def construct_traced(name: str) -> dict[str, Any]:
    cls = preload(name)
    gc.collect()
    tracemalloc.start()
    keep = [cls("http://127.0.0.1:9/api/v1", HEADERS)]
    gc.collect()
    first = tracemalloc.get_traced_memory()[0]
    keep += [cls("http://127.0.0.1:9/api/v1", HEADERS) for _ in range(CONSTRUCTIONS)]
    gc.collect()
    total = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    for c in keep:
        c.close()
    return {"first_kib": first / 1024, "per_client_kib": (total - first) / CONSTRUCTIONS / 1024}


def growth(name: str, base: str, warmup: int, requests: int) -> dict[str, Any]:
    cls = preload(name)
    c = cls(base, HEADERS)
    for _ in range(warmup):
        c.complete()
    gc.collect()
    start = rss()
    trajectory = []
    step = max(1, requests // 10)
    for i in range(1, requests + 1):
        c.complete()
        if i % step == 0:
            trajectory.append((rss() - start) / 1024)
    gc.collect()
    end = rss()
    c.close()
    return {
        "rss_start_kib": start / 1024,
        "growth_kib": (end - start) / 1024,
        "trajectory_kib": trajectory,
        "warmup": warmup,
        "requests": requests,
    }


def main() -> None:
    mode, name, *rest = sys.argv[1:]
    if mode == "client":
        out = client(name, rest[0])
    elif mode == "client-traced":
        out = client_traced(name, rest[0])
    elif mode == "construct":
        out = construct(name)
    elif mode == "construct-traced":
        out = construct_traced(name)
    elif mode == "growth":
        out = growth(name, rest[0], int(rest[1]), int(rest[2]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
