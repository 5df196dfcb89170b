"""Cancelling a call or a stream at any of its awaits never leaks a budget hold and never loses
usage already received (issue 14, F2).

Each operation is run again and again against the emulator, cancelled at its first suspension,
then its second, and so on, until a run reaches its end without being cancelled: every await
point of the call is hit, not a random sample, and in two ways. Under asyncio a wrapper counts
the coroutine's suspensions and cancels the task (``task.cancel()``, what ``wait_for`` and task
groups send) either while it is suspended at the N-th ("at") or while it runs the code that
leads to the N-th ("before": the cancel then meets whatever scope that code entered, as a
timeout firing mid-step does); under trio an instrument counts the task's steps and cancels a
scope after or before the N-th. After each run the books are checked: no hold is left in
flight, the usage the client received is recorded exactly once, and once the pending holds are
settled from ``GET /generation`` what the budget spent is the call's cost, its worst case (its
cost could not be known), or nothing (the emulator never billed it).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Coroutine, Generator
from decimal import Decimal
from typing import Any

import anyio
import pytest

from openrouter_kit import AsyncClient, AsyncStream
from openrouter_kit.testing import Emulator

MODEL = "openai/gpt-4o-mini"
USER = [{"role": "user", "content": "Count the cost"}]
#: More runs than any operation here has awaits (a stream of a few chunks has a few dozen).
MAX_RUNS = 400


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _cancel_this_task() -> None:
    task = asyncio.current_task()
    assert task is not None
    task.cancel()


class _CancelAt:
    """Await ``coro``, cancelling the asyncio task that runs it at its ``n``-th suspension:
    while suspended there (``before=False``), or just before it runs the code leading there."""

    def __init__(self, coro: Coroutine[Any, Any, Any], n: int, before: bool) -> None:
        self.coro, self.n, self.before = coro, n, before

    def __await__(self) -> Generator[Any, Any, Any]:
        coro, suspensions = self.coro, 0
        sent: Any = None
        error: BaseException | None = None
        while True:
            if self.before and suspensions + 1 == self.n:
                _cancel_this_task()  # delivered at the next suspension, wherever the code is
            try:
                yielded = coro.send(sent) if error is None else coro.throw(error)
            except StopIteration as stop:
                return stop.value
            sent, error = None, None
            suspensions += 1
            if not self.before and suspensions == self.n:
                _cancel_this_task()  # delivered at the await that just suspended
            try:
                sent = yield yielded
            except BaseException as exc:  # thrown in by the task: pass it on to the coroutine
                error = exc


async def _asyncio_run(op: Callable[[], Awaitable[Any]], n: int, before: bool) -> bool:
    """Run ``op`` cancelled at its ``n``-th suspension; True when it ran to its end."""
    task = asyncio.current_task()
    assert task is not None
    finished = True
    try:
        await _CancelAt(op(), n, before)  # type: ignore[arg-type]
    except asyncio.CancelledError:
        task.uncancel()
        finished = False
    await _absorb_cancel(task)
    return finished


async def _absorb_cancel(task: asyncio.Task[Any]) -> None:
    """Take in a cancel a shielded close kept back: anyio hands it on to the task's next await
    once the shield is left, which may be after the operation ended (it ended all the same)."""
    if task.cancelling():
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(0)
        while task.cancelling():
            task.uncancel()


async def _trio_run(op: Callable[[], Awaitable[Any]], n: int, before: bool) -> bool:
    """Same, under trio: a scope cancelled after the task's ``n``-th step (it is then blocked
    at its ``n``-th checkpoint), or before the step after it (the code after that checkpoint
    runs into the cancelled scope)."""
    import trio  # noqa: PLC0415 - lazy: trio runs only here

    me = trio.lowlevel.current_task()

    class CancelAtStep(trio.abc.Instrument):
        steps = 0

        def before_task_step(self, task: trio.lowlevel.Task) -> None:
            if task is me and before and self.steps == n:
                scope.cancel()

        def after_task_step(self, task: trio.lowlevel.Task) -> None:
            if task is me:
                self.steps += 1
                if not before and self.steps == n:
                    scope.cancel()

    instrument = CancelAtStep()
    with trio.CancelScope() as scope:
        trio.lowlevel.add_instrument(instrument)
        try:
            await op()
        finally:
            trio.lowlevel.remove_instrument(instrument)
    return not scope.cancelled_caught


def _usage_read(stream: AsyncStream) -> bool:
    """True when the stream's usage event arrived: taken in, or read and not yet handed out."""
    events = stream._pending
    return stream._assembler.usage is not None or any('"usage"' in e.data for e in events)


async def _settled(emu: Emulator, client: AsyncClient) -> None:
    """Wait for the emulator to finish the runs it received, and settle what is pending."""
    last, still = -1, time.monotonic()
    while time.monotonic() - still < 0.05:  # the ledger no longer moves
        await anyio.sleep(0.005)
        if emu.ledger.cost_decimal != last:
            last, still = emu.ledger.cost_decimal, time.monotonic()
    assert await client.settle_pending(timeout=5) == 0


@pytest.mark.anyio
@pytest.mark.parametrize("when", ["at", "before"])
@pytest.mark.parametrize("kind", ["complete", "stream"])
async def test_cancelling_at_every_await_never_leaks_a_hold_or_loses_usage(
    emu: Emulator, async_transport: str, anyio_backend: str, kind: str, when: str
) -> None:
    run = _asyncio_run if anyio_backend == "asyncio" else _trio_run
    async with AsyncClient(
        api_key=emu.api_key,
        base_url=emu.base_url,
        budget="1",
        transport=async_transport,
        max_retries=0,
    ) as client:
        budget = client.budget
        assert budget is not None
        await client.models.refresh()
        streams: list[AsyncStream] = []

        async def op() -> Any:
            if kind == "complete":
                return await client.complete(model=MODEL, messages=USER, max_tokens=5)
            stream = client.stream(model=MODEL, messages=USER, max_tokens=5)
            streams.append(stream)
            async with stream:
                async for _ in stream:
                    pass
            return await stream.final_response()

        reference = await op()  # what a whole run costs and records
        cost, tokens = reference.cost, reference.usage.total_tokens
        worst = client._worst_case(
            client._prepare_completion(None, {"model": MODEL, "messages": USER, "max_tokens": 5})
        )
        assert worst is not None
        assert cost is not None
        assert tokens > 0
        await _settled(emu, client)
        outcomes: dict[str, int] = {}
        for n in range(1, MAX_RUNS):
            streams.clear()
            spent, billed, usage = budget.spent, emu.ledger.cost_decimal, client.usage
            finished = await run(op, n, when == "before")
            # No hold is left in flight: what is still held waits for GET /generation.
            assert budget.reserved == budget.pending
            after = client.usage
            # The usage received is recorded exactly once (a stream counts once it is open).
            opened = (kind == "complete" and finished) or bool(streams and streams[0]._response)
            received = finished or bool(streams and _usage_read(streams[0]))
            assert after.requests - usage.requests == (1 if opened else 0)
            assert after.total_tokens - usage.total_tokens == (tokens if received else 0)
            assert after.cost - usage.cost == (cost if received else 0)
            await _settled(emu, client)
            charged, billed_now = budget.spent - spent, emu.ledger.cost_decimal - billed
            assert charged in (Decimal(0), cost, worst.cost), (n, charged)
            assert charged >= billed_now, (n, charged, billed_now)  # never below the server's
            if finished:
                assert charged == cost
            outcome = (
                "end" if finished else {0: "released", cost: "settled"}.get(charged, "committed")
            )
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if finished:
                break
        else:
            pytest.fail(f"still cancelled after {MAX_RUNS} runs")
        assert budget.reserved == 0
        assert budget.spent >= emu.ledger.cost_decimal
        assert outcomes["end"] == 1
        assert n > 3  # every await point was hit before the last run
        # Cut after sending: the cost was unknowable (committed) or told by GET /generation.
        assert outcomes.get("committed", 0) + outcomes.get("settled", 0) > 0


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_a_stream_cancelled_right_after_its_usage_records_it(
    emu: Emulator, async_transport: str, anyio_backend: str
) -> None:
    """The review's reproducer: a cancel (a timeout firing) just as the last chunk arrives.

    The cancel is delivered at the task's next await: inside the stream's close (httpx), or,
    when the close runs in a shielded scope (aiohttp), at the next stream's opening; either way
    every stream whose usage arrived counts it once, and no hold is left.
    """
    task = asyncio.current_task()
    assert task is not None
    async with AsyncClient(
        api_key=emu.api_key, base_url=emu.base_url, budget="1", transport=async_transport
    ) as client:
        budget = client.budget
        assert budget is not None
        await client.models.list_models()
        usages, tokens, opened = 0, 0, 0
        for _ in range(20):
            try:
                async with client.stream(model=MODEL, max_tokens=50, messages=USER) as s:
                    opened += 1
                    async for chunk in s:
                        if chunk.usage is not None:  # the last chunk: the answer is complete
                            usages, tokens = usages + 1, tokens + chunk.usage.total_tokens
                            task.cancel()
            except asyncio.CancelledError:
                task.uncancel()
        await _absorb_cancel(task)  # the last one, handed on by a shielded close
        assert usages >= 10
        assert client.usage.requests == opened
        assert client.usage.total_tokens == tokens
        assert budget.reserved == budget.pending  # nothing in flight
        assert await client.settle_pending(timeout=5) == 0
        assert budget.reserved == 0
        assert budget.spent >= emu.ledger.cost_decimal
        if usages == 20:  # every cancel came inside its own stream: the books are exact
            assert budget.spent == client.usage.cost == emu.ledger.cost_decimal
