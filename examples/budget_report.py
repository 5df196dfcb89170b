"""Cap spending: a budget for the whole client, a cap per call, and a cost report per model.

Before each call the client reserves its worst-case cost (prompt estimate + ``max_tokens`` at the
model's prices) and refuses it, sending nothing, when that would pass ``max_cost`` or what is left
of ``budget``; when the answer arrives the reservation becomes the real cost.

Run it with ``python examples/budget_report.py``. With OPENROUTER_API_KEY set it uses the real
OpenRouter API (well under a cent); without it, it starts the bundled local emulator.
"""

from __future__ import annotations

import os
from contextlib import ExitStack

from openrouter_kit import Client, Message, errors

QUESTION = [Message.user("Name one lighthouse, in three words.")]
# (model, max_tokens, per-call cap in USD or None): the last two are refused before sending.
CALLS = [
    ("openai/gpt-4o-mini", 100, None),
    ("anthropic/claude-sonnet-4", 100, None),
    ("openai/gpt-4o-mini", 300, "0.0005"),
    ("anthropic/claude-sonnet-4", 1000, "0.0005"),  # up to $0.015: over the per-call cap
    ("anthropic/claude-sonnet-4", 4000, None),  # up to $0.06: over what is left of the budget
]


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

        for model, max_tokens, cap in CALLS:
            # with_options makes a cheap copy sharing the pool, budget and usage totals.
            caller = client.with_options(max_cost=cap) if cap else client
            try:
                reply = caller.complete(model=model, messages=QUESTION, max_tokens=max_tokens)
            except errors.BudgetExceededError as exc:
                print(f"REFUSED {model} (max_tokens={max_tokens}): {exc.message}")
                continue
            print(f"ok      {model} (max_tokens={max_tokens}): ${reply.cost or 0:.8f}")

        usage = client.usage
        print(f"\n{'model':<28} {'requests':>8} {'tokens':>7} {'cost (USD)':>12}")
        for model, row in sorted(usage.by_model.items()):
            mark = " (estimated)" if row.estimated_cost else ""
            print(f"{model:<28} {row.requests:>8} {row.total_tokens:>7} {row.cost:>12.8f}{mark}")
        print(f"{'total':<28} {usage.requests:>8} {usage.total_tokens:>7} {usage.cost:>12.8f}")

        budget = client.budget
        if budget is not None:
            print(
                f"Budget: limit ${budget.limit}, spent ${budget.spent:.8f}, "
                f"remaining ${budget.remaining:.8f}"
            )


if __name__ == "__main__":
    main()
