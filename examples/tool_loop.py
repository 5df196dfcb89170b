"""A weather tool loop: the model calls a Python function, gets the result, then answers.

Run it with ``python examples/tool_loop.py``. With OPENROUTER_API_KEY set it uses the real
OpenRouter API; without it, it starts the bundled local emulator.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from typing import Literal

from openrouter_kit import Client, Message

MODEL = "openai/gpt-4o-mini"


def get_weather(city: str, unit: Literal["celsius", "fahrenheit"] = "celsius") -> dict[str, object]:
    """Get the current weather in a city.

    Args:
        city: The city name, e.g. "Paris".
        unit: The temperature unit.
    """
    # A real tool would call a weather service here.
    return {
        "city": city,
        "temperature": 21 if unit == "celsius" else 70,
        "unit": unit,
        "sky": "clear",
    }


def main() -> None:
    with ExitStack() as stack:
        if os.environ.get("OPENROUTER_API_KEY"):
            print("Using the real OpenRouter API (key from OPENROUTER_API_KEY).")
            client = stack.enter_context(Client())
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

        run = client.run_tools(
            model=MODEL,
            messages=[Message.user("What's the weather in Paris right now?")],
            tools=[get_weather],
            max_rounds=4,
        )
        for message in run.messages:
            if message.role == "tool":
                print(f"tool result: {message.content}")
        print(run.response.text)
        print(f"{run.rounds} round(s), {run.usage.total_tokens} tokens, ${run.cost or 0:.8f}")


if __name__ == "__main__":
    main()
