"""Fan out: answer many prompts concurrently through one AsyncClient, a few at a time.

A semaphore caps the requests in flight; each task returns its answer or its error, so one
failure does not cancel the batch. A summary with tokens and cost from ``client.usage`` follows.

Run it with ``python examples/async_fanout.py``. With OPENROUTER_API_KEY set it uses the real
OpenRouter API (a fraction of a cent); without it, it starts the bundled local emulator, which
refuses one request on purpose to show an error being collected.
"""

from __future__ import annotations

import asyncio
import os
import time
from contextlib import AsyncExitStack, ExitStack

from openrouter_kit import AsyncClient, CompletionResponse, errors

MODEL = "openai/gpt-4o-mini"
MAX_IN_FLIGHT = 4  # stay well under your rate limit
TOPICS = ["Python", "Rust", "HTTP", "TLS", "DNS", "JSON", "SQL", "Git", "Linux", "Unicode"]
PROMPTS = [f"In five words, what is {topic}?" for topic in TOPICS]


async def ask(
    client: AsyncClient, limit: asyncio.Semaphore, prompt: str
) -> CompletionResponse | errors.OpenRouterError:
    async with limit:  # wait here while MAX_IN_FLIGHT requests are running
        try:
            return await client.complete(
                model=MODEL, messages=[{"role": "user", "content": prompt}], max_tokens=30
            )
        except errors.OpenRouterError as exc:  # collected; any other exception is a bug
            return exc


async def main() -> None:
    with ExitStack() as stack:
        async with AsyncExitStack() as astack:
            if os.environ.get("OPENROUTER_API_KEY"):
                print("Using the real OpenRouter API (key from OPENROUTER_API_KEY).")
                client = await astack.enter_async_context(AsyncClient())
            else:
                from openrouter_kit.testing import Emulator

                emulator = stack.enter_context(Emulator(latency=0.05))  # 50 ms per answer
                print(
                    "OPENROUTER_API_KEY is not set: using the local emulator at "
                    f"{emulator.base_url}."
                )
                print("(emulator: the answers are echoes and placeholder values)")
                # The first request to arrive is refused by "moderation" (not retryable).
                emulator.error(403, "Input was flagged", metadata={"reasons": ["demo"]})
                print(
                    "(emulator: the first request is refused by moderation, staged for this demo)"
                )
                client = await astack.enter_async_context(
                    AsyncClient(api_key=emulator.api_key, base_url=emulator.base_url)
                )

            limit = asyncio.Semaphore(MAX_IN_FLIGHT)  # with trio: anyio.CapacityLimiter
            started = time.perf_counter()
            results = await asyncio.gather(*(ask(client, limit, p) for p in PROMPTS))
            elapsed = time.perf_counter() - started

            failures = 0
            for prompt, result in zip(PROMPTS, results, strict=True):
                if isinstance(result, errors.OpenRouterError):
                    failures += 1
                    print(f"FAILED {prompt} -> {type(result).__name__}: {result}")
                else:
                    print(f"{prompt} -> {result.text}")

            usage = client.usage
            print(
                f"{len(PROMPTS) - failures} answered, {failures} failed in {elapsed:.2f} s "
                f"(at most {MAX_IN_FLIGHT} at a time); {usage.total_tokens} tokens, "
                f"${usage.cost:.8f} in total"
            )


if __name__ == "__main__":
    asyncio.run(main())
