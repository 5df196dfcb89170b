"""Ask a vision model about an image given as bytes (a local file works the same way).

Run it with ``python examples/image_question.py``. With OPENROUTER_API_KEY set it uses the real
OpenRouter API; without it, it starts the bundled local emulator.
"""

from __future__ import annotations

import base64
import os
from contextlib import ExitStack

from openrouter_kit import Client, ContentPart, Message

MODEL = "openai/gpt-4o-mini"
# A 1x1 red PNG, so the example needs no file; use ContentPart.image_file("photo.jpg") for yours.
RED_DOT = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)


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

        question = Message.user(
            [
                ContentPart.of_text("What colour is this image? Answer in one word."),
                ContentPart.image_bytes(RED_DOT, detail="low"),
            ]
        )
        reply = client.complete(model=MODEL, messages=[question], max_tokens=20)
        print(reply.text)
        print(f"{reply.usage.total_tokens if reply.usage else 0} tokens, ${reply.cost or 0:.8f}")


if __name__ == "__main__":
    main()
