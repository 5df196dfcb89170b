"""Pick the cheapest model that can call tools and see images, under a price; report the cost.

Run it with ``python examples/cheapest_model.py``. With OPENROUTER_API_KEY set it uses the real
OpenRouter API (a fraction of a cent); without it, it starts the bundled local emulator.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from decimal import Decimal

from openrouter_kit import Client, Message, ModelInfo, errors

MAX_PROMPT_PRICE = Decimal("0.000005")  # USD per prompt token ($5 per million)


def prompt_price(model: ModelInfo) -> Decimal:
    """USD per prompt token: a Decimal (prices are ``VARIABLE`` when not fixed in advance)."""
    price = model.pricing.get("prompt") if model.pricing else None
    return price if isinstance(price, Decimal) else MAX_PROMPT_PRICE


def main() -> None:
    with ExitStack() as stack:
        if os.environ.get("OPENROUTER_API_KEY"):
            print("Using the real OpenRouter API (key from OPENROUTER_API_KEY).")
            client = stack.enter_context(Client(budget="0.05"))
        else:
            from openrouter_kit.testing import Emulator

            emulator = stack.enter_context(Emulator())
            print(
                f"OPENROUTER_API_KEY is not set: using the local emulator at {emulator.base_url}."
            )
            print("(emulator: the answers are echoes and placeholder values)")
            client = stack.enter_context(
                Client(api_key=emulator.api_key, base_url=emulator.base_url, budget="0.05")
            )

        # Models that take tools and images, with a prompt price under our limit (a variable
        # price, such as the auto router's, never passes a price filter).
        candidates = [
            m
            for m in client.models.list_models("tools", max_price=MAX_PROMPT_PRICE)
            if "vision" in m.capabilities
        ]
        if not candidates:
            print("No model matches.")
            return
        cheapest = min(candidates, key=prompt_price)
        print(
            f"Cheapest with tools and vision: {cheapest.id} "
            f"(${prompt_price(cheapest) * 1_000_000:.2f} per million prompt tokens)"
        )

        try:
            reply = client.complete(
                model=cheapest.id,
                messages=[Message.user("Describe the weather tool you would need.")],
                max_tokens=100,
            )
        except errors.BudgetExceededError as exc:
            print(f"Refused before sending: {exc}")
            return
        print(reply.text)

        usage = client.usage
        label = " (estimated)" if usage.estimated_cost else ""
        print(
            f"Session: {usage.requests} request(s), {usage.total_tokens} tokens, "
            f"${usage.cost:.8f}{label}"
        )
        for model, totals in usage.by_model.items():
            print(f"  {model}: {totals.total_tokens} tokens, ${totals.cost:.8f}")
        budget = client.budget
        if budget is not None:
            print(
                f"Budget: ${budget.spent:.8f} spent of ${budget.limit}, "
                f"${budget.remaining:.8f} left"
            )


if __name__ == "__main__":
    main()
