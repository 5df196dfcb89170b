"""Quickstart: several chat completions at once with the async client.

Run it with ``python examples/quickstart_async.py``. With OPENROUTER_API_KEY set it calls the real
OpenRouter API; without it, it starts the bundled local emulator. Works under asyncio (shown)
and trio.
"""

from __future__ import annotations

import asyncio
import os
from contextlib import AsyncExitStack, ExitStack

from openrouter_kit import AsyncClient, CompletionResponse

MODEL = "openai/gpt-4o-mini"
QUESTIONS = ["Name a prime number.", "Name a colour.", "Name a planet."]


async def ask(client: AsyncClient, question: str) -> CompletionResponse:
    return await client.complete(
        model=MODEL, messages=[{"role": "user", "content": question}], max_tokens=50
    )


async def main() -> None:
    with ExitStack() as stack:
        async with AsyncExitStack() as astack:
            if os.environ.get("OPENROUTER_API_KEY"):
                print("Using the real OpenRouter API (key from OPENROUTER_API_KEY).")
                client = await astack.enter_async_context(
                    AsyncClient(app_name="openrouter-kit quickstart")
                )
            else:
                from openrouter_kit.testing import Emulator

                emulator = stack.enter_context(Emulator())
                print(
                    "OPENROUTER_API_KEY is not set: using the local emulator at "
                    f"{emulator.base_url}."
                )
                print("(emulator: the answers are echoes and placeholder values)")
                client = await astack.enter_async_context(
                    AsyncClient(api_key=emulator.api_key, base_url=emulator.base_url)
                )

            # One client, many concurrent requests: it is safe to share between tasks.
            replies = await asyncio.gather(*(ask(client, q) for q in QUESTIONS))
            for question, reply in zip(QUESTIONS, replies, strict=True):
                print(f"{question} -> {reply.text}")
            totals = client.usage
            print(
                f"{totals.requests} requests, {totals.total_tokens} tokens,"
                f" ${totals.cost:.8f} in total"
            )


if __name__ == "__main__":
    asyncio.run(main())
