"""Hooks: record every request's latency and print percentiles, retries and errors.

Run it with ``python examples/latency_percentiles.py``. With OPENROUTER_API_KEY set it sends
40 short requests to the real OpenRouter API (a fraction of a cent); without it, it starts the
bundled local emulator and makes one request in ten fail, so you can see the retries.

Hooks see every HTTP attempt: ``request`` before sending (add tracing headers there),
``response`` when it arrives, ``retry`` before waiting for another attempt, ``error`` when a
call fails. The async client awaits ``async def`` hooks; plain functions work with both clients.
"""

from __future__ import annotations

import asyncio
import os
import statistics
from collections import Counter
from contextlib import AsyncExitStack, ExitStack, suppress

from openrouter_kit import (
    AsyncClient,
    ErrorEvent,
    Hooks,
    RequestEvent,
    ResponseEvent,
    RetryEvent,
    errors,
)

MODEL = "openai/gpt-4o-mini"
REQUESTS = 40


class Metrics:
    """What the hooks collect: latencies per status, retries by cause, failed calls."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.retries: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()

    def on_request(self, event: RequestEvent) -> None:
        event.headers["X-Trace-Id"] = f"demo-{id(event):x}"  # e.g. a tracing header

    async def on_response(self, event: ResponseEvent) -> None:  # async hooks are awaited
        self.statuses[event.status_code] += 1
        if event.status_code == 200:
            self.latencies.append(event.latency)

    def on_retry(self, event: RetryEvent) -> None:
        self.retries[type(event.error).__name__] += 1

    def on_error(self, event: ErrorEvent) -> None:
        self.errors[type(event.error).__name__] += 1

    def report(self) -> None:
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
        statuses = dict(sorted(self.statuses.items()))
        print(f"{len(self.latencies)} answers; HTTP statuses: {statuses}")
        print(
            f"latency p50 {cuts[49] * 1000:.1f} ms, p90 {cuts[89] * 1000:.1f} ms, "
            f"p99 {cuts[98] * 1000:.1f} ms"
        )
        print(
            f"retries: {dict(self.retries) or 'none'}; failed calls: {dict(self.errors) or 'none'}"
        )


async def main() -> None:
    metrics = Metrics()
    hooks = Hooks(
        request=[metrics.on_request],
        response=[metrics.on_response],
        retry=[metrics.on_retry],
        error=[metrics.on_error],
    )
    with ExitStack() as stack:
        async with AsyncExitStack() as astack:
            if os.environ.get("OPENROUTER_API_KEY"):
                print("Using the real OpenRouter API (key from OPENROUTER_API_KEY).")
                client = AsyncClient(hooks=hooks)
            else:
                from openrouter_kit.testing import Emulator

                emulator = stack.enter_context(Emulator())
                emulator.inject_failures(0.1, statuses=(502, 503), seed=3)
                print(f"Using the local emulator at {emulator.base_url} (1 request in 10 fails).")
                client = AsyncClient(
                    api_key=emulator.api_key,
                    base_url=emulator.base_url,
                    hooks=hooks,
                    backoff_initial=0.01,  # quick retries for the demo
                )
            await astack.enter_async_context(client)

            async def ask(n: int) -> None:
                with suppress(errors.OpenRouterError):  # counted by the error hook
                    await client.complete(
                        model=MODEL,
                        messages=[{"role": "user", "content": f"Say the number {n}."}],
                        max_tokens=10,
                    )

            async with asyncio.TaskGroup() as group:
                for n in range(REQUESTS):
                    group.create_task(ask(n))
    metrics.report()


if __name__ == "__main__":
    asyncio.run(main())
