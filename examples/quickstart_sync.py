"""Quickstart: one blocking chat completion.

Run it with ``python examples/quickstart_sync.py``. With OPENROUTER_API_KEY set it calls the real
OpenRouter API (and costs a fraction of a cent); without it, it starts the bundled local emulator.
"""

from __future__ import annotations

import os
from contextlib import ExitStack

from openrouter_kit import Client, Message, errors

MODEL = "openai/gpt-4o-mini"


def main() -> None:
    with ExitStack() as stack:
        if os.environ.get("OPENROUTER_API_KEY"):
            print("Using the real OpenRouter API (key from OPENROUTER_API_KEY).")
            client = stack.enter_context(Client(app_name="openrouter-kit quickstart"))
        else:
            from openrouter_kit.testing import Emulator

            emulator = stack.enter_context(Emulator())
            print(
                f"OPENROUTER_API_KEY is not set: using the local emulator at {emulator.base_url}."
            )
            print("(emulator: the answers are echoes and placeholder values)")
            client = stack.enter_context(
                Client(api_key=emulator.api_key, base_url=emulator.base_url)
            )

        try:
            reply = client.complete(
                model=MODEL,
                messages=[
                    Message.system("You answer in one short sentence."),
                    Message.user("What is OpenRouter?"),
                ],
                max_tokens=100,
            )
        except errors.RateLimitError as exc:
            print(f"Rate limited; retry in {exc.retry_after} s.")
            return
        except errors.OpenRouterError as exc:
            print(f"The call failed: {type(exc).__name__}: {exc}")
            return

        print(reply.text)
        usage = reply.usage
        if usage is not None:
            print(f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens")
        print(f"cost: ${reply.cost or 0:.8f}, answered by {reply.model} in {reply.latency:.3f} s")


if __name__ == "__main__":
    main()
