"""Budgets and checks before sending, against the emulator's priced answers, for both clients."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import anyio
import pytest

from openrouter_kit import AsyncClient, Client, errors
from openrouter_kit.testing import Emulator

USER = [{"role": "user", "content": "Count my money"}]
MODEL = "openai/gpt-4o-mini"


def chats(emu: Emulator) -> int:
    return sum(1 for r in emu.requests if r.path.endswith("/chat/completions"))


@pytest.fixture(params=["sync", "async"])
def use(request: pytest.FixtureRequest, emu: Emulator) -> Callable[..., Any]:
    """Run ``body(client)`` with a fresh Client or AsyncClient built with ``options``."""

    def run(body: Callable[[Any], Any], **options: Any) -> Any:
        options = {"api_key": emu.api_key, "base_url": emu.base_url, **options}
        if request.param == "sync":
            with Client(**options) as client:
                result = body(client)
                return _drive(result) if inspect.iscoroutine(result) else result

        async def main() -> Any:
            async with AsyncClient(**options) as client:
                result = body(client)
                while hasattr(result, "__await__"):
                    result = await result
                return result

        return anyio.run(main)

    return run


def _drive(coroutine: Any) -> Any:
    """Run a test body written once for both clients: with the blocking client it never waits."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise AssertionError("a body for the blocking client awaited something real")


async def _maybe(value: Any) -> Any:
    return await value if hasattr(value, "__await__") else value


def test_a_budget_is_spent_exactly_and_reservations_come_back(
    use: Callable[..., Any], emu: Emulator
) -> None:
    async def body(client: Any) -> tuple[Any, Any]:
        reply = await _maybe(client.complete(model=MODEL, messages=USER, max_tokens=50))
        return reply, client.budget

    reply, budget = use(lambda c: body(c), budget="0.01")
    assert budget.spent == reply.cost
    assert budget.reserved == 0
    assert budget.remaining == Decimal("0.01") - budget.spent
    assert sum(1 for r in emu.requests if r.path.endswith("/models")) == 1  # prices fetched once


def test_a_call_that_could_pass_the_budget_is_refused_unsent(
    use: Callable[..., Any], emu: Emulator
) -> None:
    with pytest.raises(errors.BudgetExceededError, match="could cost up to"):
        use(lambda c: c.complete(model=MODEL, messages=USER, max_tokens=1000), budget="0.0000001")
    assert chats(emu) == 0


def test_a_failed_call_releases_its_reservation(use: Callable[..., Any], emu: Emulator) -> None:
    emu.error(400, "bad request", path="/chat/completions")

    async def body(client: Any) -> Any:
        with pytest.raises(errors.BadRequestError):
            await _maybe(client.complete(model=MODEL, messages=USER, max_tokens=50))
        return client.budget

    budget = use(lambda c: body(c), budget=1)
    assert (budget.spent, budget.reserved) == (0, 0)


def test_max_cost_per_call_and_variable_prices(use: Callable[..., Any], emu: Emulator) -> None:
    async def body(client: Any) -> None:
        cheap = client.with_options(max_cost="0.0000001")
        with pytest.raises(errors.BudgetExceededError, match="max_cost"):
            await _maybe(cheap.complete(model=MODEL, messages=USER, max_tokens=500))
        with pytest.raises(errors.BudgetExceededError, match="cannot bound"):
            await _maybe(client.complete(model="openrouter/auto", messages=USER, max_tokens=10))
        roomy = client.with_options(max_cost=1)
        assert (await _maybe(roomy.complete(model=MODEL, messages=USER, max_tokens=20))).text

    use(lambda c: body(c), budget=5)
    assert chats(emu) == 1


def echo(text: str) -> str:
    """Say it back."""
    return text


def test_max_cost_given_to_one_call_is_enforced_like_with_options(
    use: Callable[..., Any], emu: Emulator
) -> None:
    async def body(client: Any) -> None:
        tiny = "0.0000001"
        with pytest.raises(errors.BudgetExceededError, match="more than max_cost"):
            await _maybe(client.complete(model=MODEL, messages=USER, max_tokens=500, max_cost=tiny))
        stream = client.stream(model=MODEL, messages=USER, max_tokens=500, max_cost=tiny)
        with pytest.raises(errors.BudgetExceededError, match="more than max_cost"):
            await _maybe(stream.final_response())
        with pytest.raises(errors.BudgetExceededError, match="more than max_cost"):
            await _maybe(
                client.run_tools(model=MODEL, messages=USER, tools=[echo], max_cost=Decimal(tiny))
            )
        reply = await _maybe(client.complete(model=MODEL, messages=USER, max_tokens=20, max_cost=1))
        assert reply.text
        # The client itself has no cap: the same call without max_cost is not priced first.
        assert (await _maybe(client.complete(model=MODEL, messages=USER, max_tokens=500))).text

    use(lambda c: body(c))  # no budget, no client-wide max_cost: the call's own cap is enough
    assert chats(emu) == 2
    assert sum(1 for r in emu.requests if r.path == "/models") == 1  # prices fetched once


def test_streams_settle_their_reservation(emu: Emulator) -> None:
    with Client(api_key=emu.api_key, base_url=emu.base_url, budget=1) as client:
        with client.stream(model=MODEL, messages=USER, max_tokens=40) as stream:
            reply = stream.final_response()
        budget = client.budget
        assert budget is not None
        assert budget.spent == reply.cost
        emu.script_stream(chunks=200, delay=0.002)
        with client.stream(model=MODEL, messages=USER, max_tokens=300) as stream:
            next(iter(stream))
        # Closed before its usage arrived: it may have been billed, so its hold stays pending
        # until GET /generation tells what it cost (the emulator charges nothing for a stream
        # abandoned before its end, and its record appears once it notices).
        assert budget.pending > 0
        assert budget.reserved == budget.pending
        assert budget.spent == reply.cost
        assert client.settle_pending(timeout=10) == 0
        assert (budget.reserved, budget.pending) == (0, 0)
        assert budget.spent == emu.ledger.cost_decimal


def test_500_concurrent_calls_never_overshoot_the_cap(emu: Emulator) -> None:
    cap = Decimal("0.0005")
    seen: list[Decimal] = []
    outcomes = {"ok": 0, "refused": 0}

    async def main() -> None:
        async with AsyncClient(api_key=emu.api_key, base_url=emu.base_url, budget=cap) as client:
            budget = client.budget
            assert budget is not None
            await client.models.refresh()

            async def one(i: int) -> None:
                try:
                    await client.complete(
                        model=MODEL, messages=[{"role": "user", "content": f"n{i}"}], max_tokens=30
                    )
                    outcomes["ok"] += 1
                except errors.BudgetExceededError:
                    outcomes["refused"] += 1
                seen.append(budget.spent + budget.reserved)

            async with anyio.create_task_group() as tg:
                for i in range(500):
                    tg.start_soon(one, i)
            assert budget.reserved == 0
            assert budget.spent <= cap
            assert client.usage.cost == budget.spent == emu.ledger.cost_decimal

    anyio.run(main)
    assert max(seen) <= cap
    assert outcomes["ok"] > 0
    assert outcomes["refused"] > 0
    assert outcomes["ok"] + outcomes["refused"] == 500


def test_a_refusal_under_concurrency_says_how_to_get_through() -> None:
    """The newcomer's case: a budget shared by many tasks refuses calls while others hold it."""
    refusals: list[errors.BudgetExceededError] = []

    async def main(slow: Emulator) -> None:
        async with AsyncClient(
            api_key=slow.api_key, base_url=slow.base_url, budget="0.0002"
        ) as client:
            await client.models.refresh()

            async def one() -> None:
                try:
                    await client.complete(model=MODEL, messages=USER, max_tokens=200)
                except errors.BudgetExceededError as exc:
                    refusals.append(exc)

            async with anyio.create_task_group() as tg:
                for _ in range(20):
                    tg.start_soon(one)

    with Emulator(latency=0.05) as slow:  # answers late: the first calls stay in flight
        anyio.run(main, slow)
    assert refusals
    text = str(refusals[0])
    assert "calls in flight" in text or "call in flight" in text
    assert "lower max_tokens (now 200) to lower the hold" in text
    assert "lower the concurrency" in text
    assert "E-" not in text  # amounts are printed plainly


def test_a_refusal_without_max_tokens_names_the_hold(
    use: Callable[..., Any], emu: Emulator
) -> None:
    with pytest.raises(errors.BudgetExceededError) as info:
        use(lambda c: c.complete(model=MODEL, messages=USER), budget="0.0001")
    assert "set max_tokens to lower the hold" in str(info.value)
    assert "the model's whole completion limit, here" in str(info.value)
    assert chats(emu) == 0


def test_max_cost_refusal_prints_amounts_plainly(use: Callable[..., Any], emu: Emulator) -> None:
    with pytest.raises(errors.BudgetExceededError) as info:
        use(lambda c: c.with_options(max_cost="0.0000001").complete(model=MODEL, messages=USER))
    assert "more than max_cost $0.0000001" in str(info.value)
    assert "E-" not in str(info.value)
    assert "set max_tokens" in str(info.value)


def test_unknown_models_and_oversized_prompts_are_refused_before_sending(
    use: Callable[..., Any], emu: Emulator
) -> None:
    async def body(client: Any) -> None:
        await _maybe(client.models.refresh())
        with pytest.raises(errors.ModelNotFoundError, match="did you mean openai/gpt-4o-mini"):
            await _maybe(client.complete(model="openai/gpt-4o-mnii", messages=USER))
        with pytest.raises(errors.ModelNotFoundError):
            await _maybe(client.complete(models=[MODEL, "nobody/nothing"], messages=USER))
        huge = [{"role": "user", "content": "word " * 200_000}]
        with pytest.raises(errors.ContextLengthError, match="context window of 128000"):
            await _maybe(client.complete(model=MODEL, messages=huge))
        nearly = [{"role": "user", "content": "word " * 120_000}]
        with pytest.raises(errors.ContextLengthError):
            await _maybe(client.complete(model=MODEL, messages=nearly, max_tokens=16_000))
        # above what the model may generate at all (its top provider's max_completion_tokens)
        with pytest.raises(errors.ValidationError, match="at most 16384 tokens") as info:
            await _maybe(client.complete(model=MODEL, messages=USER, max_tokens=200_000))
        assert info.value.path == "$.max_tokens"
        with pytest.raises(errors.ValidationError) as info:
            await _maybe(client.complete(model=MODEL, messages=USER, max_completion_tokens=16385))
        assert info.value.path == "$.max_completion_tokens"
        assert (await _maybe(client.complete(model=MODEL + ":nitro", messages=USER))).text

    use(lambda c: body(c))
    assert chats(emu) == 1


def test_checking_on_demand(emu: Emulator) -> None:
    with Client(api_key=emu.api_key, base_url=emu.base_url) as client:
        with pytest.raises(errors.ModelNotFoundError):
            client.models.check(model="nobody/nothing", messages=USER)
        client.models.check(model=MODEL, messages=USER)
    assert chats(emu) == 0


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_checking_on_demand_async(emu: Emulator) -> None:
    async with AsyncClient(api_key=emu.api_key, base_url=emu.base_url) as client:
        with pytest.raises(errors.ValidationError, match=r"\$.max_tokens: .* at most 16384"):
            await client.models.check(model=MODEL, messages=USER, max_tokens=10**6)
        nearly = [{"role": "user", "content": "word " * 120_000}]
        with pytest.raises(errors.ContextLengthError):
            await client.models.check(model=MODEL, messages=nearly, max_tokens=16_000)
        await client.models.check(model=MODEL, messages=USER)
    assert chats(emu) == 0
