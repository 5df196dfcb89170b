"""Costs against the emulator, which prices answers from its own model table."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import anyio
import pytest

from openrouter_kit import AsyncClient, Client
from openrouter_kit.testing import Emulator

USER = [{"role": "user", "content": "What does this cost?"}]


def table_price(emu: Emulator, model: str, usage: Any) -> Decimal:
    pricing = next(m for m in emu.models if m["id"] == model)["pricing"]
    return (
        usage.prompt_tokens * Decimal(pricing["prompt"])
        + usage.completion_tokens * Decimal(pricing["completion"])
        + Decimal(pricing.get("request") or 0)
    )


def test_server_cost_is_exact_and_per_model(emu: Emulator) -> None:
    with Client(api_key=emu.api_key, base_url=emu.base_url) as client:
        for model in ("openai/gpt-4o-mini", "anthropic/claude-3.5-sonnet", "openai/gpt-4o-mini"):
            reply = client.complete(model=model, messages=USER)
            assert not reply.cost_is_estimate
            assert reply.cost == table_price(emu, model, reply.usage)
            assert isinstance(reply.cost, Decimal)
        usage = client.usage
    ledger = emu.ledger
    assert usage.cost == ledger.cost_decimal
    assert usage.estimated_cost == 0
    assert set(usage.by_model) == {"openai/gpt-4o-mini", "anthropic/claude-3.5-sonnet"}
    for model, totals in ledger.per_model.items():
        assert usage.by_model[model].requests == totals.requests
        assert usage.by_model[model].total_tokens == totals.total_tokens
        assert usage.by_model[model].cost == Decimal(repr(totals.cost))


def without_cost(model: str) -> dict[str, Any]:
    """An answer whose usage carries tokens but no server-reported cost."""
    return {
        "id": "gen-nocost",
        "model": model,
        "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "hi"}}
        ],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 500, "total_tokens": 1500},
    }


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_cost_is_estimated_from_prices_when_the_server_sends_none(emu: Emulator, kind: str) -> None:
    model = "anthropic/claude-3.5-sonnet"
    emu.script(path="/chat/completions", body=without_cost(model))
    if kind == "sync":
        with Client(api_key=emu.api_key, base_url=emu.base_url) as client:
            client.models.refresh()  # prices are known once the model list is loaded
            reply = client.complete(model=model, messages=USER)
            usage = client.usage
    else:

        async def main() -> Any:
            async with AsyncClient(api_key=emu.api_key, base_url=emu.base_url) as client:
                await client.models.refresh()
                return await client.complete(model=model, messages=USER), client.usage

        reply, usage = anyio.run(main)
    assert reply.cost_is_estimate
    assert reply.cost == table_price(emu, model, reply.usage)
    assert usage.estimated_cost == usage.cost == reply.cost
    assert usage.by_model[model].estimated_cost == reply.cost


def test_no_estimate_without_prices(emu: Emulator) -> None:
    emu.script(path="/chat/completions", body=without_cost("openrouter/auto"))
    with Client(api_key=emu.api_key, base_url=emu.base_url) as client:
        reply = client.complete(model="openai/gpt-4o-mini", messages=USER)  # registry not loaded
        assert (reply.cost, reply.cost_is_estimate) == (None, False)
        emu.script(path="/chat/completions", body=without_cost("openrouter/auto"))
        client.models.refresh()
        reply = client.complete(model="openrouter/auto", messages=USER)
        assert reply.cost is None  # the auto router's price is variable: nothing to estimate
        assert client.usage.cost == 0


def test_stream_cost_and_generation_agree(emu: Emulator) -> None:
    with Client(api_key=emu.api_key, base_url=emu.base_url) as client:
        with client.stream(model="openai/gpt-4o", messages=USER) as stream:
            reply = stream.final_response()
        stats = client.generation(reply.id)
        assert stats.total_cost == reply.cost
        assert client.usage.by_model["openai/gpt-4o"].cost == reply.cost
