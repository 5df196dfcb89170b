"""Similarity search: embed a few sentences in one batch, then find those nearest a question.

The vectors come back in input order; cosine similarity ranks the sentences. The call's tokens
and cost count in ``client.usage`` and against the budget, as a completion's do.

Run it with ``python examples/embeddings_search.py``. With OPENROUTER_API_KEY set it uses the real
OpenRouter API (a fraction of a cent); without it, it starts the bundled local emulator, whose
vectors are made from the words of each text (texts sharing words are near each other).
"""

from __future__ import annotations

import math
import os
from contextlib import ExitStack

from openrouter_kit import Client, errors

MODEL = "openai/text-embedding-3-small"
SENTENCES = [
    "The cat sleeps on the warm windowsill.",
    "Stock markets fell sharply after the announcement.",
    "A kitten naps in the sun by the window.",
    "The recipe needs two cups of flour and an egg.",
    "Where does the cat like to sleep?",
]
QUESTION = "Where does the cat sleep?"


def cosine(a: list[float], b: list[float]) -> float:
    """The cosine similarity of two vectors (1: the same direction)."""
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)) or 1.0)


def main() -> None:
    with ExitStack() as stack:
        if os.environ.get("OPENROUTER_API_KEY"):
            print("Using the real OpenRouter API (key from OPENROUTER_API_KEY).")
            client = stack.enter_context(Client(budget="0.01"))
        else:
            from openrouter_kit.testing import Emulator

            emulator = stack.enter_context(Emulator())
            print(
                f"OPENROUTER_API_KEY is not set: using the local emulator at {emulator.base_url}."
            )
            client = stack.enter_context(
                Client(api_key=emulator.api_key, base_url=emulator.base_url, budget="0.01")
            )

        try:
            corpus = client.embed(SENTENCES, model=MODEL)  # one request for the whole batch
            question = client.embed(QUESTION, model=MODEL)
        except errors.BudgetExceededError as exc:
            print(f"Refused before sending: {exc}")
            return
        (asked,) = question.vectors
        print(f"{len(corpus.vectors)} sentences, {len(asked)} dimensions each.")
        ranked = sorted(
            zip(SENTENCES, corpus.vectors, strict=True),
            key=lambda pair: cosine(asked, pair[1]),
            reverse=True,
        )
        print(f"Nearest to {QUESTION!r}:")
        for sentence, vector in ranked[:3]:
            print(f"  {cosine(asked, vector):.3f}  {sentence}")

        usage = client.usage
        print(
            f"Session: {usage.requests} request(s), {usage.prompt_tokens} tokens, ${usage.cost:.8f}"
        )
        budget = client.budget
        if budget is not None:
            print(f"Budget: ${budget.spent:.8f} spent of ${budget.limit}")


if __name__ == "__main__":
    main()
