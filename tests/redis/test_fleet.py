"""Proof tests of issue 15 on a real redis-server and the emulator: processes share one budget,
one breaker and one rate limit, a dead process's hold is priced by the sweeper, and a stalled
Redis costs a bounded delay. Each is bounded (seconds, not minutes)."""

from __future__ import annotations

import json
import signal
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from openrouter_kit import Client, RateLimit, RedisStore, StoreEvent, errors
from openrouter_kit.testing import Emulator
from tests.redis_server import RedisServer

ROOT = Path(__file__).resolve().parents[2]
MODEL = "openai/gpt-4o-mini"
QUESTION = [{"role": "user", "content": "Name one lighthouse."}]


def worker(mode: str, **settings: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.redis.fleet_worker", mode, json.dumps(settings)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout: float = 60) -> Any:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def emu() -> Any:
    with Emulator() as emulator:
        yield emulator


def test_eight_processes_share_one_budget_exactly(emu: Emulator, redis_url: str) -> None:
    """8 processes x 200 calls, 5% of them failing: the books equal the emulator's ledger to
    the last digit, and never pass the cap."""
    emu.inject_failures(0.05, statuses=(500, 502, 503), seed=15)
    cap = Decimal("0.008")
    common = {"base_url": emu.base_url, "key": emu.api_key, "redis": redis_url}
    processes = [
        worker("budget", **common, namespace="fleet", budget=str(cap), calls=200) for _ in range(8)
    ]
    results = [finish(p) for p in processes]
    store = RedisStore.from_url(redis_url, namespace="fleet")
    budget = store.budget(cap)
    try:
        assert budget.spent == emu.ledger.cost_decimal  # exactly: no float, no rounding
        assert budget.spent <= cap
        assert budget.reserved == 0
        assert sum(r["ok"] for r in results) == emu.ledger.requests
        assert sum(r["refused"] for r in results) > 0, results  # the cap was reached
        assert emu.injected_failures > 0
    finally:
        store.close()


def test_a_hold_left_by_a_killed_process_is_priced_by_the_sweeper(
    redis_url: str,
) -> None:
    """SIGKILL in the middle of a stream: the hold stays held until a sweeper prices it with
    GET /generation; nothing is lost, nothing counted twice."""
    with Emulator(chunk_delay=0.05) as emu:
        common = {"base_url": emu.base_url, "key": emu.api_key, "redis": redis_url}
        process = worker("stream", **common, namespace="killed", budget="1", hold_ttl=1.0)
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "STREAMING"
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=10)  # waits, and closes its pipes
        store = RedisStore.from_url(redis_url, namespace="killed")
        with Client(api_key=emu.api_key, base_url=emu.base_url, store=store, budget="1") as c:
            assert c.budget is not None
            assert c.budget.reserved > 0  # the dead process's hold still counts
            time.sleep(1.1)  # its TTL runs out: the sweeper may take it
            c.budget.reserved  # noqa: B018 - reads the books: a hold is due
            assert c.settle_pending(timeout=5) == 0
            assert (c.budget.reserved, c.budget.spent) == (0, emu.ledger.cost_decimal)
            lookups = [r for r in emu.requests if r.path == "/generation"]
            assert len(lookups) == 1
        store.close()


def test_a_trip_is_seen_by_every_process_within_250_ms_and_one_probe_is_sent(
    emu: Emulator, redis_url: str
) -> None:
    down = "openai/gpt-4o"
    emu.take_down(down)
    start = time.time() + 2.0  # every process has started by then
    common = {"base_url": emu.base_url, "key": emu.api_key, "redis": redis_url}
    processes = [
        worker(
            "breaker",
            **common,
            namespace="trip",
            model=down,
            recovery=1.0,
            start=start,
            until=start + 2.5,  # the probe comes at about 1 s, the next one after 3 s
        )
        for _ in range(4)
    ]
    runs = [finish(p) for p in processes]
    sent = sorted((start, end) for run in runs for start, end, outcome in run if outcome == "sent")
    assert all(outcome != "ok" for run in runs for _, _, outcome in run)
    tripped = sorted(end for _, end in sent)[2]  # the third failure in a row trips it
    late = [start for start, _ in sent if start > tripped + 0.25]
    assert len(late) == 1  # the one probe, after the recovery time
    assert late[0] >= tripped + 1.0 - 0.05
    for run in runs:  # every process refuses from 250 ms after the trip on
        after = [outcome for start, _, outcome in run if tripped + 0.25 < start < late[0]]
        assert after
        assert set(after) == {"open"}


def test_a_stalled_redis_costs_under_300_ms_and_the_budget_refuses(
    emu: Emulator, own_redis: RedisServer
) -> None:
    store = RedisStore.from_url(own_redis.url, namespace="stall")
    events: list[StoreEvent] = []
    limits = RateLimit(requests_per_minute=100_000)
    calls = Client(api_key=emu.api_key, base_url=emu.base_url, store=store, rate_limit=limits)
    calls.hooks.store.append(events.append)
    spender = Client(api_key=emu.api_key, base_url=emu.base_url, store=store, budget="1")
    spender.models.refresh()
    latencies: list[tuple[float, float]] = []
    stop = threading.Event()

    def call_on() -> None:
        while not stop.is_set():
            start = time.monotonic()
            calls.complete(model=MODEL, messages=QUESTION, max_tokens=8)
            latencies.append((start, time.monotonic() - start))

    threads = [threading.Thread(target=call_on) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)
        paused = time.monotonic()
        own_redis.pause()
        time.sleep(0.3)
        with pytest.raises(errors.BudgetUnavailableError):
            spender.complete(model=MODEL, messages=QUESTION, max_tokens=8)
        time.sleep(1.7)
        own_redis.resume()
        resumed = time.monotonic()
        deadline = time.monotonic() + 7.0
        while store.available is False or not any(e.state == "resumed" for e in events):
            assert time.monotonic() < deadline, "the shared state did not resume"
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    before = [took for start, took in latencies if start < paused]
    during = [took for start, took in latencies if paused <= start < resumed]
    assert len(during) > 50  # calls went on
    p99 = statistics.quantiles(during, n=100)[98]
    assert p99 - statistics.median(before) < 0.3
    assert [e.state for e in events][:2] == ["fallback", "resumed"]
    spender.complete(model=MODEL, messages=QUESTION, max_tokens=8)  # shared again
    calls.close()
    spender.close()
    store.close()
