"""Load over real sockets, bounded in count and time: correctness, exact accounting, no leaks.

The figures (requests, failures injected, wall time, peak memory, connections) are printed with
``pytest -s tests/integration/test_load.py``.
"""

from __future__ import annotations

import gc
import logging
import resource
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator

import anyio
import pytest

from openrouter_kit import AsyncClient, Client, errors
from openrouter_kit.testing import Emulator

MODEL = "openai/gpt-4o-mini"
FAULTS = ("reset_before_headers", "reset_mid_body", "malformed_json")


@pytest.fixture
def emu(caplog: pytest.LogCaptureFixture) -> Iterator[Emulator]:
    # Thousands of requests: keep INFO and up (retries, request lines), not every DEBUG trace.
    caplog.set_level(logging.INFO)
    with Emulator() as emulator:
        yield emulator


def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


def accounts_match(client: Client | AsyncClient, emu: Emulator) -> None:
    ours, theirs = client.usage, emu.ledger.snapshot()
    assert (ours.prompt_tokens, ours.completion_tokens, ours.total_tokens) == (
        theirs.prompt_tokens,
        theirs.completion_tokens,
        theirs.total_tokens,
    )
    assert ours.cost == emu.ledger.cost_decimal


def report(name: str, **figures: object) -> None:
    print(f"\n{name}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_2000_requests_at_concurrency_200_with_5_percent_failures(
    emu: Emulator, async_transport: str
) -> None:
    emu.inject_failures(0.05, statuses=(500, 502, 503, 429), faults=FAULTS, seed=7)
    baseline = emu.open_connections
    outcomes: dict[str, int] = {}
    unexpected: list[BaseException] = []
    limiter = anyio.Semaphore(200)
    started = time.monotonic()
    async with AsyncClient(
        api_key=emu.api_key,
        base_url=emu.base_url,
        breaker_threshold=None,
        transport=async_transport,
    ) as client:

        async def one(i: int) -> None:
            async with limiter:
                try:
                    reply = await client.complete(
                        model=MODEL, messages=[{"role": "user", "content": f"n{i}"}]
                    )
                    assert reply.text.endswith(f"n{i}")
                    outcomes["ok"] = outcomes.get("ok", 0) + 1
                except errors.OpenRouterError as exc:
                    outcomes[type(exc).__name__] = outcomes.get(type(exc).__name__, 0) + 1
                except BaseException as exc:
                    unexpected.append(exc)

        async with anyio.create_task_group() as tg:
            for i in range(2000):
                tg.start_soon(one, i)
        wall = time.monotonic() - started
        assert unexpected == []
        assert sum(outcomes.values()) == 2000
        assert outcomes["ok"] >= 1900  # most injected failures were retried away
        accounts_match(client, emu)
        during = emu.open_connections
    assert wait_for(lambda: emu.open_connections == baseline)
    report(
        "async load",
        requests=2000,
        sent=len(emu.requests),
        injected_failures=emu.injected_failures,
        outcomes=outcomes,
        wall_s=round(wall, 2),
        peak_rss_MiB=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        connections_before=baseline,
        connections_open_during=during,
        connections_after=emu.open_connections,
    )
    assert emu.injected_failures > 50


def test_32_threads_share_one_client(emu: Emulator) -> None:
    emu.inject_failures(0.05, statuses=(500, 503), faults=FAULTS, seed=3)
    baseline = emu.open_connections
    outcomes: dict[str, int] = {}
    unexpected: list[BaseException] = []
    lock = threading.Lock()
    started = time.monotonic()
    with Client(api_key=emu.api_key, base_url=emu.base_url, breaker_threshold=None) as client:

        def work(worker: int) -> None:
            for i in range(30):
                try:
                    client.complete(
                        model=MODEL, messages=[{"role": "user", "content": f"{worker}-{i}"}]
                    )
                    key = "ok"
                except errors.OpenRouterError as exc:
                    key = type(exc).__name__
                except BaseException as exc:
                    unexpected.append(exc)
                    continue
                with lock:
                    outcomes[key] = outcomes.get(key, 0) + 1

        threads = [threading.Thread(target=work, args=(w,)) for w in range(32)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - started
        assert unexpected == []
        assert sum(outcomes.values()) == 960
        assert outcomes["ok"] >= 900
        accounts_match(client, emu)
        during = emu.open_connections
    assert wait_for(lambda: emu.open_connections == baseline)
    report(
        "thread load",
        requests=960,
        threads=32,
        injected_failures=emu.injected_failures,
        outcomes=outcomes,
        wall_s=round(wall, 2),
        connections_before=baseline,
        connections_open_during=during,
        connections_after=emu.open_connections,
    )


def client_memory(snapshot: tracemalloc.Snapshot) -> int:
    """Bytes held by the client side: our package (not the emulator) and the HTTP stack.

    The test run's own log capture and the emulator's records are left out: they grow by design.
    """
    keep = [
        tracemalloc.Filter(True, pattern)
        for pattern in ("*/openrouter_kit/*", "*/httpx/*", "*/httpcore/*", "*/h11/*", "*/cattrs/*")
    ]
    snapshot = snapshot.filter_traces(keep).filter_traces(
        [tracemalloc.Filter(False, "*/openrouter_kit/testing/*")]
    )
    return sum(stat.size for stat in snapshot.statistics("filename"))


def test_memory_does_not_grow_across_rounds(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    # pytest keeps every log record of a test (and the objects in its arguments) until the test
    # ends; at WARNING no records are made, so what is measured is the client alone.
    caplog.set_level(logging.WARNING)
    with Client(api_key=emu.api_key, base_url=emu.base_url) as client:

        def round_of(n: int) -> None:
            for i in range(n):
                client.complete(model=MODEL, messages=[{"role": "user", "content": f"m{i}"}])
                with client.stream(
                    model=MODEL, messages=[{"role": "user", "content": f"s{i}"}]
                ) as stream:
                    for _ in stream:
                        break
            emu.reset()  # the emulator keeps a record of every request; the client must not
            caplog.clear()  # and so does the log capture
            gc.collect()

        round_of(100)  # warm up: lazy imports, hook generation, the connection pool
        tracemalloc.start()
        sizes = []
        for _ in range(4):
            round_of(100)
            sizes.append(client_memory(tracemalloc.take_snapshot()))
        tracemalloc.stop()
    growth = sizes[-1] - sizes[0]
    report("memory", rounds=4, requests_per_round=200, traced_bytes=sizes, growth_bytes=growth)
    assert growth < 64 * 1024  # noise, not a leak: each round is 200 requests
