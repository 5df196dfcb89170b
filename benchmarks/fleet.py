"""The cost of sharing: what a RedisStore adds to each call, against the default MemoryStore.

Runs the store work one call does on its happy path, the way the shells do it (route through the
breaker, admit under the rate limit, hold the budget: for a RedisStore one ``_admit_call``; then
record the success, reconcile the tokens, settle the hold: for a RedisStore, queued and sent in
the next call's round trip) ``--calls`` times with each store, and reports the median time per
call, the Redis round trips per call (counted by the store) and the writes to the Redis socket
per call (counted below redis-py: one per round trip, whoever sent it, the flusher thread
included). It starts its own ``redis-server`` on a
free loopback port (``--url`` to use another one) and makes no HTTP request: the figures are the
store's overhead alone, to add to a call's own latency.

    python benchmarks/fleet.py                 # 2,000 calls per store, 5 rounds
    python benchmarks/fleet.py --calls 500 --rounds 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openrouter_kit import MemoryStore, RateLimit, RedisStore

ENDPOINT = "chat_completions"
MODEL = "openai/gpt-4o-mini"
LIMIT = RateLimit(requests_per_minute=10**9, tokens_per_minute=10**12)


class Sends:
    """Writes to a Redis socket (a command, or a whole pipeline): one per round trip."""

    count = 0

    @classmethod
    def install(cls) -> None:
        import redis.connection  # noqa: PLC0415 - only when measuring a RedisStore

        original = redis.connection.AbstractConnection.send_packed_command

        def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
            cls.count += 1
            return original(self, *args, **kwargs)

        redis.connection.AbstractConnection.send_packed_command = counted  # type: ignore[method-assign]


def memory_call(breaker: Any, limiter: Any, budget: Any, tokens_used: int) -> None:
    """The store work of one successful call on a MemoryStore (what the shells do)."""
    now = time.monotonic()
    held = budget._reserve(Decimal("0.001"), now=now)
    model, _ = breaker.route(ENDPOINT, [MODEL], now)
    ticket = limiter.admit(model, 1100, now)
    breaker.record_success((ENDPOINT, model))
    limiter.reconcile(ticket, tokens_used)
    budget._settle(held, Decimal("0.000021"))


def redis_call(store: Any, breaker: Any, limiter: Any, budget: Any, tokens_used: int) -> None:
    """The same on a RedisStore: one round trip admits (route, rate limit, hold); the ends
    are queued for the next one."""
    hold = (Decimal("0.001"), "this call", "")
    admitted = store._admit_call(breaker, limiter, budget, (ENDPOINT, (MODEL,)), 1100, hold)
    model = admitted.routed[0]
    breaker.record_success((ENDPOINT, model))
    limiter.reconcile(admitted.admission, tokens_used)
    budget._settle(admitted.held, Decimal("0.000021"))


def measure(store: Any, calls: int, tokens_used: int) -> tuple[float, float, float]:
    """Median seconds per call over ``calls`` calls, round trips and socket writes per call."""
    breaker = store.breaker(5, 30.0)
    limiter = store.limiter(LIMIT)
    budget = store.budget(Decimal(10**6))
    shared = isinstance(store, RedisStore)

    def one() -> None:
        if shared:
            redis_call(store, breaker, limiter, budget, tokens_used)
        else:
            memory_call(breaker, limiter, budget, tokens_used)

    for _ in range(50):  # warm up: connections, script cache, the breaker's state cache
        one()
    before, sends = getattr(store, "round_trips", 0), Sends.count
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        one()
        times.append(time.perf_counter() - start)
    trips = (getattr(store, "round_trips", 0) - before) / calls
    return statistics.median(times), trips, (Sends.count - sends) / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--url", help="a Redis to use (default: start redis-server on loopback)")
    args = parser.parse_args()

    Sends.install()
    server = None
    url = args.url
    if url is None:
        from tests.redis_server import RedisServer, redis_server_binary

        server = RedisServer(redis_server_binary()).start()
        url = server.url
    try:
        rows: dict[str, list[tuple[float, float, float]]] = {}
        for round_ in range(args.rounds):
            for name, tokens in (("estimate right", 1100), ("estimate reconciled", 700)):
                memory = measure(MemoryStore(), args.calls, tokens)
                redis_store = RedisStore.from_url(url, namespace=f"bench-{round_}-{tokens}")
                try:
                    shared = measure(redis_store, args.calls, tokens)
                finally:
                    redis_store.close()
                rows.setdefault(f"memory, {name}", []).append(memory)
                rows.setdefault(f"redis, {name}", []).append(shared)
    finally:
        if server is not None:
            server.stop()

    print(f"{'store, tokens':<32}{'per call':>12}{'round trips':>14}{'socket writes':>16}")
    for name, samples in rows.items():
        per_call = statistics.median(s[0] for s in samples)
        trips = statistics.median(s[1] for s in samples)
        sends = statistics.median(s[2] for s in samples)
        print(f"{name:<32}{per_call * 1e6:>9.1f} us{trips:>14.2f}{sends:>16.2f}")
    for name in ("estimate right", "estimate reconciled"):
        memory = statistics.median(s[0] for s in rows[f"memory, {name}"])
        shared = statistics.median(s[0] for s in rows[f"redis, {name}"])
        print(f"added by RedisStore ({name}): {(shared - memory) * 1e6:.1f} us per call")


if __name__ == "__main__":
    main()
