"""openrouter-kit's hot loops on the loopback server, alone: for profilers.

Starts ``server.py`` in a subprocess (pinned to core 1 when ``taskset`` is there, so a profiler
of this process sees only the client), warms the client up, then runs one operation N times:

    python -m cProfile -s tottime benchmarks/hotloop.py complete 5000 | head -40
    python -m cProfile -s tottime benchmarks/hotloop.py list_models 300 | head -40
    python -m cProfile -s tottime benchmarks/hotloop.py stream 20 20000 | head -40

Operations: ``complete``, ``list_models``, ``list_models_read`` (reading 4 fields of every
model too), ``stream`` (N streams of CHUNKS chunks, default
20,000), ``first_chunk`` (N streams of 20 chunks) and ``acomplete`` (N async completions, 64 at a
time; ``--transport aiohttp`` for that transport). The server is not named ``profile.py``: cProfile
imports ``profile``, and this directory comes first on ``sys.path``.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from contenders import Ours, OursAsync
from harness import pin_self, start_server, stop_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "operation",
        choices=[
            "complete",
            "list_models",
            "list_models_read",
            "stream",
            "first_chunk",
            "acomplete",
        ],
    )
    parser.add_argument("n", type=int, nargs="?", default=2000)
    parser.add_argument("chunks", type=int, nargs="?", default=20_000)
    parser.add_argument("--transport", help="AsyncClient transport for acomplete")
    parser.add_argument("--no-pin", action="store_true")
    args = parser.parse_args()
    server, port, _ = start_server(args.chunks, pin=not args.no_pin)
    try:
        pin_self(not args.no_pin)
        base = f"http://127.0.0.1:{port}/api/v1"
        chunks = 20 if args.operation == "first_chunk" else args.chunks
        headers = {"x-bench-chunks": str(chunks if "stream" in args.operation else 50)}
        if args.operation == "first_chunk":
            headers = {"x-bench-chunks": "20"}
        started = time.perf_counter()
        if args.operation == "acomplete":
            asyncio.run(_acomplete(base, headers, args.n, args.transport))
        else:
            client = Ours(base, headers)
            operation = getattr(client, args.operation)
            for _ in range(max(1, args.n // 10)):  # warm-up
                operation()
            started = time.perf_counter()
            for _ in range(args.n):
                operation()
            client.close()
        elapsed = time.perf_counter() - started
        print(
            f"{args.operation}: {args.n} in {elapsed:.3f} s, {elapsed / args.n * 1e6:,.0f} µs each"
        )
    finally:
        stop_server(server)


async def _acomplete(base: str, headers: dict[str, str], n: int, transport: str | None) -> None:
    client = OursAsync(base, headers, transport=transport)
    remaining = n

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await client.complete()

    await asyncio.gather(*(worker() for _ in range(64)))
    await client.close()


if __name__ == "__main__":
    main()
