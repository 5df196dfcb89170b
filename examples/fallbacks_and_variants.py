"""Routing: a fallback list of models, routing variants (``:nitro``, ``:floor``) and providers.

- ``models=[...]``: OpenRouter tries them in order and answers from the first that works;
  ``reply.model`` says which one did.
- ``apply_variant(model, RouteVariant.NITRO)`` -> ``model:nitro`` (fastest providers first);
  ``:floor`` puts the cheapest first.
- ``provider={...}``: provider preferences (sort, order, ignore, price caps, data policy).

Run it with ``python examples/fallbacks_and_variants.py``. With OPENROUTER_API_KEY set it uses the
real OpenRouter API; without it, it starts the bundled local emulator and takes the first model
of the fallback list down, so the fallback visibly happens.
"""

from __future__ import annotations

import os
from contextlib import ExitStack

from openrouter_kit import Client, Message, RouteVariant, apply_variant

MODELS = ["openai/gpt-4o", "anthropic/claude-sonnet-4", "google/gemini-2.5-flash"]
CHEAP = "openai/gpt-4o-mini"
QUESTION = [Message.user("Name one lighthouse, in three words.")]


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
            emulator.take_down(MODELS[0])  # every request for it fails with 503
            print(f"(emulator: {MODELS[0]} is down for this demo)")
            client = stack.enter_context(
                Client(api_key=emulator.api_key, base_url=emulator.base_url)
            )

        # 1. A fallback list: one request; the server moves on when a model fails.
        reply = client.complete(models=MODELS, messages=QUESTION, max_tokens=40)
        first = (reply.model or "").startswith(MODELS[0])  # the id may carry a dated suffix
        note = "the first choice" if first else "a fallback"
        print(f"fallbacks: asked {' -> '.join(MODELS)}; answered by {reply.model} ({note})")

        # 2. Routing variants: the same model, providers ranked by speed or by price.
        for variant in (RouteVariant.NITRO, RouteVariant.FLOOR):
            model = apply_variant(CHEAP, variant)  # "openai/gpt-4o-mini:nitro", ...
            reply = client.complete(model=model, messages=QUESTION, max_tokens=40)
            print(f"{model}: answered by {reply.model} via {reply.provider}")

        # 3. Provider preferences: cheapest first, never Azure, and hard price caps
        #    (USD per million tokens); the request fails rather than pay more.
        reply = client.complete(
            model=CHEAP,
            messages=QUESTION,
            max_tokens=40,
            provider={
                "sort": "price",
                "ignore": ["azure"],
                "allow_fallbacks": True,
                "max_price": {"prompt": 1, "completion": 2},
            },
        )
        print(f"provider preferences: {reply.model} via {reply.provider}: {reply.text}")


if __name__ == "__main__":
    main()
