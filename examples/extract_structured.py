"""Extract structured data: ask for JSON that fits an attrs class, and get an instance back.

Run it with ``python examples/extract_structured.py``. With OPENROUTER_API_KEY set it uses the
real OpenRouter API; without it, it starts the bundled local emulator.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from typing import Literal

import attrs

from openrouter_kit import Client, Message, errors

MODEL = "openai/gpt-4o-mini"
TEXT = "Ada Lovelace, 36, wrote the first program; she led the analytical engine project."


@attrs.define
class Person:
    """A person mentioned in the text.

    Attributes:
        name: Their full name.
        age: Their age in years.
        role: What they did.
    """

    name: str
    age: int
    role: Literal["engineer", "mathematician", "other"]


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

        reply = client.complete(
            model=MODEL,
            messages=[Message.system("Extract the person."), Message.user(TEXT)],
            response_format=Person,  # sent as a strict JSON schema
        )
        try:
            person = reply.parse(Person)
        except errors.StructuredOutputError as exc:
            print(f"The answer did not fit: {exc}")
            return
        print(person)


if __name__ == "__main__":
    main()
