"""The chaos suite: a seeded hostile server against every shell, with cancellations.

Every fault kind of the adversarial review (``../shared/reviews/adversarial-2026-12.md``) is played
by ``tests/chaos/server.py`` against four runners at once, each in a thread of its own: the
blocking ``Client``, ``AsyncClient`` on asyncio and on trio, and ``AsyncClient(transport=
"aiohttp")`` on asyncio. Each runner makes a fixed number of calls per fault kind, as the seed
chooses (complete or stream, where the answer breaks, how fast it drips); the async runners are
also cancelled at seeded times (asyncio ``wait_for`` and ``task.cancel()``, trio cancel scopes).
Every run asserts the four invariants of issue 14:

- **time**: no call outlives its deadline by more than ``OVERRUN`` seconds;
- **memory**: the traced memory (``tracemalloc``) of the whole process stays under
  ``MEMORY_CEILING``;
- **money**: the client's budget agrees with the server's ledger. A call the server billed is
  settled exactly once, with its cost when the client got the usage and otherwise with that cost
  (``GET /generation``) or the call's whole hold, never released; a call the server did not bill
  is released (or, when the client cannot know, kept whole); nothing is held once the calls have
  ended, the spend never passes the cap, and the server never processes a call twice unless its
  earlier attempts were refused with a retryable status. Where the client has
  ``settle_pending()`` (holds kept pending until ``GET /generation`` tells the cost), the suite
  calls it after each call, as a caller who wants exact books does; the server's
  ``/generation`` is honest;
- **the key**: the canary key appears in no repr, exception (chain and ``response`` included),
  log record at DEBUG (content logging on), hook event or warning. The server's own answer may
  carry the key as data (``reply.text`` of a successful call): that is the caller's content.

The seed is fixed (``SEED``) and printed with every failure; ``OPENROUTER_KIT_CHAOS_SEED=<n>``
chooses another.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import hashlib
import itertools
import os
import random
import threading
import time
import traceback
import tracemalloc
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import pytest
import trio

from openrouter_kit import AsyncClient, Client, errors
from tests.chaos.server import MODEL, ChaosServer, Fault, cost_of
from tests.conftest import CANARY_KEY

if TYPE_CHECKING:
    from openrouter_kit._core.accounting import Budget

pytest.importorskip("httpx_aiohttp", reason="the aiohttp extra is not installed")

#: The run's seed, printed with every failure: ``OPENROUTER_KIT_CHAOS_SEED=<seed>`` replays it.
SEED = int(os.environ.get("OPENROUTER_KIT_CHAOS_SEED", "20261214"))
#: Each client's ``deadline`` (seconds for a whole call) and ``timeout`` (per phase).
DEADLINE = 1.0
TIMEOUT = 0.5
#: How long past its deadline a call may run (issue 14, item 14).
OVERRUN = 1.0
#: When a fault that could go on for ever ends by itself (later than DEADLINE + OVERRUN, so that a
#: client without time bounds fails the time check instead of hanging).
GIVE_UP = DEADLINE + OVERRUN + 0.5
#: The stated memory ceiling: traced bytes of the whole process (client, server and pytest), at
#: any moment of a test. A decompressed body and an SSE line or event each have a cap (helpers A
#: and C); a gzip bomb, a huge line or an endless event must end well under this.
MEMORY_CEILING = 192 << 20
#: What the suite's calls ask for: ``max_tokens`` bounds the hold, backoff is short and real.
MAX_TOKENS = 16
BACKOFF_INITIAL = 0.02
BUDGET = Decimal("0.01")
RUNNERS = ("sync", "asyncio", "trio", "aiohttp")
ASYNC_RUNNERS = ("asyncio", "trio", "aiohttp")
#: Statuses that prove the server did not process the attempt, and that may be retried.
RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})
_ZERO = Decimal(0)


# -- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def fast_retries() -> None:
    """Real retries here (this replaces the suite's fast_retries): backoff counts against the
    deadline, and the waits the policy chooses are checked (a negative Retry-After)."""


@pytest.fixture(autouse=True)
def content_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bodies are logged too (``openrouter_kit.content`` at DEBUG): they must be masked."""
    monkeypatch.setenv("OPENROUTER_LOG_CONTENT", "1")


@pytest.fixture(scope="module")
def server() -> Iterator[ChaosServer]:
    chaos = ChaosServer(give_up=GIVE_UP, memory_ceiling=MEMORY_CEILING).start()
    yield chaos
    chaos.stop()


@pytest.fixture(scope="module")
def traced(hold: Decimal) -> Iterator[None]:
    """Memory is traced from after the first calls (``hold``), which load the library."""
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    yield
    if started:
        tracemalloc.stop()


# -- what a call is and what became of it --------------------------------------------------------
@dataclass
class Spec:
    """One call a runner makes: the server's faults for it and what the caller may get."""

    tag: str
    kind: str
    stream: bool
    faults: list[Fault]
    tokens: int
    #: Outcomes the final behaviour allows: exception classes, and None for a reply.
    expect: tuple[type[BaseException] | None, ...]
    #: How the call is cancelled: None, ("wait_for" | "task" | "move_on" | "scope", seconds) or
    #: ("after_usage", 0.0): as soon as the usage chunk has arrived (a stream).
    cancel: tuple[str, float] | None = None

    @property
    def label(self) -> str:
        what = "stream" if self.stream else "complete"
        cancel = f", cancel {self.cancel[0]} {self.cancel[1]:.3f} s" if self.cancel else ""
        variant = "+".join(
            f.kind + (f"({f.params['status']})" if "status" in f.params else "")
            for f in self.faults
        )
        return f"{self.tag} {self.kind} {what} [{variant}{cancel}]"


@dataclass
class Outcome:
    """What one call did, as the runner saw it."""

    spec: Spec
    runner: str
    elapsed: float = 0.0
    reply: Any = None
    error: BaseException | None = None
    cancelled: bool = False
    #: The budget's hold for this call, read by a request hook (None: no attempt was sent).
    hold: Decimal | None = None
    reserved_before: Decimal = _ZERO
    spent_before: Decimal | None = None
    spent_after: Decimal | None = None
    reserved_after: Decimal | None = None
    #: The cost in the usage the client received (the stream's usage chunk).
    usage_cost: Any = None
    retry_waits: list[float] = field(default_factory=list)
    #: Text the call produced that must not hold the key (reprs, exceptions).
    texts: list[str] = field(default_factory=list)


@dataclass
class Run:
    """One runner's calls and the client's books at the end."""

    runner: str
    outcomes: list[Outcome] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    limit: Decimal = BUDGET
    spent: Decimal = _ZERO
    reserved: Decimal = _ZERO
    usage: Any = None


class _Books:
    """The hooks of one client: every event's repr, and the hold and retry waits of the call in
    flight (calls run one at a time, except in the budget race, which reads neither)."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.current: Outcome | None = None
        self.client: Any = None

    def hooks(self) -> dict[str, list[Callable[[Any], None]]]:
        return {
            "request": [self._request],
            "response": [self._event],
            "retry": [self._retry],
            "error": [self._event],
        }

    def _event(self, event: Any) -> None:
        self.run.events.append(repr(event))
        error = getattr(event, "error", None)
        if error is not None:
            self.run.events.append(_error_text(error))

    def _request(self, event: Any) -> None:
        self._event(event)
        current, budget = self.current, self.client.budget if self.client else None
        chat = event.path.endswith("/chat/completions")
        if chat and current is not None and budget is not None and current.hold is None:
            current.hold = budget.reserved - current.reserved_before

    def _retry(self, event: Any) -> None:
        self._event(event)
        if self.current is not None:
            self.current.retry_waits.append(event.wait)


def _client_options(books: _Books, budget: Decimal = BUDGET) -> dict[str, Any]:
    return {
        "api_key": CANARY_KEY,
        "timeout": TIMEOUT,
        "deadline": DEADLINE,
        "max_retries": 2,
        "backoff_initial": BACKOFF_INITIAL,
        "backoff_max": 0.1,
        "breaker_threshold": None,
        "budget": budget,
        "hooks": books.hooks(),
    }


def _request(spec: Spec) -> dict[str, Any]:
    return {
        "model": MODEL,
        "max_tokens": MAX_TOKENS,
        "messages": [{"role": "user", "content": f"chaos[{spec.tag}] say something"}],
    }


def _error_text(error: BaseException) -> str:
    """Everything an error shows: str, repr, the traceback with its chain, its attributes."""
    parts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    for name in ("response", "body", "metadata", "code", "request_id", "message"):
        parts.append(repr(getattr(error, name, None)))
    return "\n".join(parts)


def _usage_cost(chunk: Any) -> Any:
    try:
        usage = chunk.usage
        return None if usage is None else usage.cost
    except Exception as exc:  # a chunk the client cannot read: the call fails on its own
        return exc


# -- the runners ---------------------------------------------------------------------------------
def run_sync(server: ChaosServer, specs: list[Spec], budget: Decimal = BUDGET) -> Run:
    """The blocking client, one call at a time."""
    run = Run("sync", limit=budget)
    books = _Books(run)
    with Client(base_url=server.base_url, **_client_options(books, budget)) as client:
        books.client = client
        for spec in specs:
            outcome = Outcome(spec, "sync")
            books.current = outcome
            outcome.spent_before = _budget(client).spent
            outcome.reserved_before = _budget(client).reserved
            started = time.monotonic()
            try:
                if spec.stream:
                    with client.stream(**_request(spec)) as stream:
                        for chunk in stream:
                            cost = _usage_cost(chunk)
                            if cost is not None:
                                outcome.usage_cost = cost
                        outcome.reply = stream.final_response()
                        outcome.texts.append(repr(stream))
                else:
                    outcome.reply = client.complete(**_request(spec))
            except Exception as exc:
                outcome.error = exc
            outcome.elapsed = time.monotonic() - started
            books.current = None
            if hasattr(client, "settle_pending"):  # a cut answer's cost, from GET /generation
                client.settle_pending()
            _close_books(outcome, client, run)
        _finish(run, client)
    run.reserved = _budget(client).reserved  # after close: nothing may stay held
    run.texts.append(repr(client))
    return run


def _budget(client: Client | AsyncClient) -> Budget:
    budget = client.budget
    assert budget is not None  # every client of the suite has one
    return budget


def _close_books(outcome: Outcome, client: Any, run: Run) -> None:
    outcome.spent_after = _budget(client).spent
    outcome.reserved_after = _budget(client).reserved
    if outcome.error is not None:
        outcome.texts.append(_error_text(outcome.error))
        _drop_frames(outcome.error)
    run.outcomes.append(outcome)


def _drop_frames(error: BaseException | None) -> None:
    """Forget the frames of an error and its chain once its text is kept: their locals may hold
    a body of many MiB, which would count against the next call's memory."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if error.__traceback__ is not None:
            traceback.clear_frames(error.__traceback__)
            error.__traceback__ = None
        error = error.__cause__ or error.__context__


def _finish(run: Run, client: Any) -> None:
    run.spent, run.reserved = _budget(client).spent, _budget(client).reserved
    run.usage = client.usage
    run.texts += [repr(client), repr(client.budget), repr(client.usage)]


async def _one_async_call(client: AsyncClient, spec: Spec, outcome: Outcome, on_usage: Any) -> None:
    """The call itself; ``on_usage`` runs when the stream's usage arrives (a cancel point).
    What it raises is kept on ``outcome`` (cancellation goes through)."""
    try:
        await _async_call_body(client, spec, outcome, on_usage)
    except Exception as exc:
        outcome.error = exc


async def _async_call_body(
    client: AsyncClient, spec: Spec, outcome: Outcome, on_usage: Any
) -> None:
    if spec.stream:
        async with client.stream(**_request(spec)) as stream:
            async for chunk in stream:
                cost = _usage_cost(chunk)
                if cost is not None:
                    outcome.usage_cost = cost
                    if on_usage is not None:
                        on_usage()
            outcome.reply = await stream.final_response()
            outcome.texts.append(repr(stream))
    else:
        outcome.reply = await client.complete(**_request(spec))


async def _asyncio_call(client: AsyncClient, spec: Spec, outcome: Outcome) -> None:
    """One call under asyncio, cancelled by ``wait_for``, ``task.cancel()`` or itself."""
    how, after = spec.cancel or (None, 0.0)
    loop = asyncio.get_running_loop()

    def cancel_self() -> None:
        task = asyncio.current_task()
        if task is not None:
            task.cancel()

    on_usage = cancel_self if how == "after_usage" else None
    task = asyncio.ensure_future(_one_async_call(client, spec, outcome, on_usage))
    timer = loop.call_later(after, task.cancel) if how == "task" else None
    try:
        if how == "wait_for":
            await asyncio.wait_for(task, after)
        else:
            await task
    except (asyncio.CancelledError, TimeoutError):
        outcome.cancelled = True
    finally:
        if timer is not None:
            timer.cancel()


async def _trio_call(client: AsyncClient, spec: Spec, outcome: Outcome) -> None:
    """One call under trio, in a cancel scope that a deadline, another task or itself cancels."""
    how, after = spec.cancel or (None, 0.0)
    if how == "move_on":
        with trio.move_on_after(after) as scope:
            await _one_async_call(client, spec, outcome, None)
        outcome.cancelled = scope.cancelled_caught
        return
    scope = trio.CancelScope()
    async with trio.open_nursery() as nursery:
        if how == "scope":

            async def cancel_later() -> None:
                await trio.sleep(after)
                scope.cancel()

            nursery.start_soon(cancel_later)
        with scope:
            await _one_async_call(
                client, spec, outcome, scope.cancel if how == "after_usage" else None
            )
        outcome.cancelled = scope.cancelled_caught
        nursery.cancel_scope.cancel()


async def _run_async(
    server: ChaosServer,
    specs: list[Spec],
    runner: str,
    budget: Decimal,
    at_once: bool,
) -> Run:
    run = Run(runner, limit=budget)
    books = _Books(run)
    transport: Literal["httpx", "aiohttp"] = "aiohttp" if runner == "aiohttp" else "httpx"
    call = _trio_call if runner == "trio" else _asyncio_call
    options = _client_options(books, budget)
    async with AsyncClient(base_url=server.base_url, transport=transport, **options) as client:
        books.client = client

        async def one(spec: Spec) -> None:
            outcome = Outcome(spec, runner)
            if not at_once:
                books.current = outcome
            outcome.spent_before = _budget(client).spent
            outcome.reserved_before = _budget(client).reserved
            started = time.monotonic()
            try:
                await call(client, spec, outcome)
            except Exception as exc:
                outcome.error = exc
            outcome.elapsed = time.monotonic() - started
            books.current = None
            if not at_once and hasattr(client, "settle_pending"):
                await client.settle_pending()
            _close_books(outcome, client, run)

        if at_once:
            if runner == "trio":
                async with trio.open_nursery() as nursery:
                    for spec in specs:
                        nursery.start_soon(one, spec)
            else:
                await asyncio.gather(*(one(spec) for spec in specs))
        else:
            for spec in specs:
                await one(spec)
        if hasattr(client, "settle_pending"):
            await client.settle_pending()
        _finish(run, client)
    run.reserved = _budget(client).reserved  # after aclose: nothing may stay held
    return run


def run_async(
    server: ChaosServer,
    specs: list[Spec],
    runner: str,
    budget: Decimal = BUDGET,
    at_once: bool = False,
) -> Run:
    """An AsyncClient on its own event loop: asyncio (httpx or aiohttp) or trio."""
    if runner == "trio":
        return trio.run(_run_async, server, specs, runner, budget, at_once)
    return asyncio.run(_run_async(server, specs, runner, budget, at_once))


def run_sync_concurrent(server: ChaosServer, specs: list[Spec], budget: Decimal) -> Run:
    """The blocking client shared by a few threads (the budget race)."""
    run = Run("sync", limit=budget)
    books = _Books(run)
    lock = threading.Lock()
    with Client(base_url=server.base_url, **_client_options(books, budget)) as client:
        books.client = client

        def one(spec: Spec) -> None:
            outcome = Outcome(spec, "sync")
            started = time.monotonic()
            try:
                if spec.stream:
                    with client.stream(**_request(spec)) as stream:
                        for chunk in stream:
                            cost = _usage_cost(chunk)
                            if cost is not None:
                                outcome.usage_cost = cost
                        outcome.reply = stream.final_response()
                else:
                    outcome.reply = client.complete(**_request(spec))
            except Exception as exc:
                outcome.error = exc
            outcome.elapsed = time.monotonic() - started
            with lock:
                _close_books(outcome, client, run)

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            list(pool.map(one, specs))
        if hasattr(client, "settle_pending"):
            client.settle_pending()
        _finish(run, client)
    run.reserved = _budget(client).reserved
    return run


def play(
    server: ChaosServer,
    plans: dict[str, list[Spec]],
    *,
    together: bool = True,
    budgets: dict[str, Decimal] | None = None,
    at_once: bool = False,
) -> list[Run]:
    """Run each runner's calls (``plans``: runner -> specs), all runners at once (``together``)
    or one after the other, each runner's calls one at a time or all at once (``at_once``);
    return their runs. The server learns every call's faults first."""
    for specs in plans.values():
        for spec in specs:
            server.plan(spec.tag, spec.faults, spec.tokens)

    def one(runner: str) -> Run:
        budget = (budgets or {}).get(runner, BUDGET)
        if runner == "sync":
            if at_once:
                return run_sync_concurrent(server, plans[runner], budget)
            return run_sync(server, plans[runner], budget)
        return run_async(server, plans[runner], runner, budget, at_once)

    if not together:
        return [one(runner) for runner in plans]
    with concurrent.futures.ThreadPoolExecutor(len(plans)) as pool:
        return list(pool.map(one, plans))


# -- the invariants ------------------------------------------------------------------------------
class Checks:
    """Collects every broken invariant of a test, each with its call, and fails once at the end
    with the seed (so one run shows everything that broke)."""

    def __init__(
        self,
        server: ChaosServer,
        caplog: pytest.LogCaptureFixture,
        caught: list[warnings.WarningMessage],
    ) -> None:
        self.server = server
        self.caplog = caplog
        self.caught = caught
        self.problems: list[str] = []

    def fail(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    # -- one call --------------------------------------------------------------------------------
    def call(self, outcome: Outcome, *, sequential: bool = True) -> None:
        spec, where = outcome.spec, f"[{outcome.runner}] {outcome.spec.label}"
        if outcome.elapsed > DEADLINE + OVERRUN:
            self.fail(
                where,
                f"took {outcome.elapsed:.2f} s, past its {DEADLINE} s deadline by "
                f"more than {OVERRUN} s",
            )
        error = outcome.error
        if error is not None and not isinstance(error, errors.OpenRouterError):
            self.fail(
                where,
                f"raised {type(error).__module__}.{type(error).__name__}, not an "
                f"OpenRouterError: {_short(error)}",
            )
        elif not outcome.cancelled:
            got = None if error is None else type(error)
            allowed = [e for e in spec.expect if e is not None]
            if (error is None and None not in spec.expect) or (
                error is not None and not any(isinstance(error, e) for e in allowed)
            ):
                names = ", ".join("a reply" if e is None else e.__name__ for e in spec.expect)
                self.fail(
                    where,
                    f"ended with {'a reply' if got is None else got.__name__}"
                    f"{'' if error is None else ': ' + _short(error)}; "
                    f"expected {names}",
                )
        for text in outcome.texts:
            if CANARY_KEY in text:
                self.fail(where, "the key shows in " + _leak_context(text))
        self._attempts(outcome, where)
        if sequential:
            self._ledger(outcome, where)

    def _attempts(self, outcome: Outcome, where: str) -> None:
        attempts = self.server.attempts(outcome.spec.tag)
        billed = [a for a in attempts if a.billed is not None]
        if len(billed) > 1:
            self.fail(where, f"the server processed and billed it {len(billed)} times")
        for earlier in attempts[:-1]:
            if earlier.status not in RETRYABLE:
                self.fail(
                    where,
                    f"retried after attempt {earlier.number} ({earlier.fault}), "
                    f"which the server may have processed; {len(attempts)} sent",
                )
                break
        for attempt in attempts:
            for note in attempt.notes:
                if "memory" in note:
                    self.fail(where, note)

    def settlements(self, outcome: Outcome, hold: Decimal | None) -> set[Decimal]:
        """What the client may have settled for this call, from the server's ledger."""
        attempts = self.server.attempts(outcome.spec.tag)
        billed = [a.billed for a in attempts if a.billed is not None]
        hold = outcome.hold if outcome.hold is not None else hold
        holds = {hold} if hold is not None else set()
        if billed:
            cost = billed[0]
            if _received(outcome, cost):
                return {cost}
            return {cost} | holds
        if outcome.cancelled or any(a.status in _REDIRECTS for a in attempts):
            return {_ZERO} | holds  # the client cannot know; keeping the hold is allowed
        return {_ZERO}

    def _ledger(self, outcome: Outcome, where: str) -> None:
        before, after = outcome.spent_before, outcome.spent_after
        assert before is not None
        assert after is not None
        assert outcome.reserved_after is not None
        left = outcome.reserved_after - outcome.reserved_before
        if left:
            self.fail(
                where,
                f"left ${left} held in the budget after it ended (and after "
                "settle_pending(), where the client has it)",
            )
        delta = after - before
        allowed = self.settlements(outcome, None)
        billed = [a.billed for a in self.server.attempts(outcome.spec.tag) if a.billed is not None]
        if delta not in allowed:
            server = f"the server billed ${billed[0]}" if billed else "the server billed nothing"
            self.fail(
                where,
                f"settled ${delta} in the budget ({server}; allowed: "
                f"{', '.join('$' + str(a) for a in sorted(allowed))})",
            )

    # -- one runner ------------------------------------------------------------------------------
    def run(self, run: Run, *, hold: Decimal | None = None, sequential: bool = True) -> None:
        where = f"[{run.runner}]"
        self.server.settle()
        for outcome in run.outcomes:
            self.call(outcome, sequential=sequential)
        if run.reserved:
            self.fail(where, f"${run.reserved} still held after every call ended")
        if not run.spent.is_finite() or run.spent > run.limit:
            self.fail(where, f"spent ${run.spent}, past the ${run.limit} cap")
        billed = self._billed(run)
        if billed > run.limit:
            self.fail(where, f"the server billed ${billed}, past the ${run.limit} cap")
        if run.spent.is_finite() and run.spent < billed:
            self.fail(where, f"the budget spent ${run.spent} but the server billed ${billed}")
        if not sequential:
            self._feasible(run, hold)
        usage = run.usage
        received = sum(
            (c for o in run.outcomes for c in [self._received_cost(o)] if c is not None), _ZERO
        )
        if not isinstance(usage.cost, Decimal) or not usage.cost.is_finite():
            self.fail(where, f"client.usage.cost is {usage.cost!r}")
        elif not received <= usage.cost <= billed:
            self.fail(
                where,
                f"client.usage.cost is ${usage.cost}: the usage received says "
                f"${received}, the server billed ${billed}",
            )
        if min(usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) < 0:
            self.fail(where, f"client.usage counts negative tokens: {usage!r}")
        for text in [*run.texts, *run.events]:
            if CANARY_KEY in text:
                self.fail(where, "the key shows in " + _leak_context(text))

    def _billed(self, run: Run) -> Decimal:
        return sum(
            (
                a.billed
                for o in run.outcomes
                for a in self.server.attempts(o.spec.tag)
                if a.billed is not None
            ),
            _ZERO,
        )

    def _received_cost(self, outcome: Outcome) -> Decimal | None:
        """The cost the client received for this call, when valid (the usage it must keep)."""
        billed = [a.billed for a in self.server.attempts(outcome.spec.tag) if a.billed]
        return billed[0] if billed and _received(outcome, billed[0]) else None

    def _feasible(self, run: Run, hold: Decimal | None) -> None:
        """Concurrent calls: the spend must be a sum of allowed settlements, one per call."""
        options = [sorted(self.settlements(o, hold)) for o in run.outcomes]
        fixed = sum((o[0] for o in options if len(o) == 1), _ZERO)
        free = [o for o in options if len(o) > 1]
        if len(free) > 14 or any(
            fixed + sum(choice, _ZERO) == run.spent for choice in itertools.product(*free)
        ):
            return
        self.fail(
            f"[{run.runner}]",
            f"spent ${run.spent}, which no settlement of its "
            f"{len(options)} calls allows (each call: "
            f"{[[str(x) for x in o] for o in options]})",
        )

    # -- the whole test --------------------------------------------------------------------------
    def logs(self) -> None:
        caplog, caught = self.caplog, self.caught
        for record in caplog.records:
            try:
                text = f"{record.getMessage()} {record.__dict__!r}"
            except Exception:  # a record that cannot format: its raw parts
                text = f"{record.msg!r} {record.args!r} {record.__dict__!r}"
            if CANARY_KEY in text:
                self.fail(
                    f"log record {record.name} {record.levelname}",
                    "the key shows in " + _leak_context(text),
                )
        if any(CANARY_KEY in f"{record.getMessage()}" for record in caplog.records):
            caplog.clear()  # reported above, with the seed; not again by the canary fixture
        for warning in caught:
            if CANARY_KEY in str(warning.message):
                self.fail(
                    f"warning {warning.category.__name__}",
                    "the key shows in " + _leak_context(str(warning.message)),
                )
        if self.server.redirected:
            self.fail(
                "redirect target",
                f"{len(self.server.redirected)} request(s) followed a redirect to another host",
            )
            self.server.redirected.clear()

    def memory(self) -> None:
        _, peak = tracemalloc.get_traced_memory()
        if peak > MEMORY_CEILING:
            self.fail(
                "memory",
                f"traced memory peaked at {peak / 2**20:.0f} MiB, over the "
                f"{MEMORY_CEILING / 2**20:.0f} MiB ceiling",
            )

    def verdict(self) -> None:
        """Check memory, logs and warnings, then fail with every broken invariant and the seed."""
        self.memory()
        self.logs()
        if self.problems:
            shown = "\n  ".join(self.problems[:40])
            more = f"\n  ... and {len(self.problems) - 40} more" if len(self.problems) > 40 else ""
            pytest.fail(
                f"chaos seed {SEED} (replay: OPENROUTER_KIT_CHAOS_SEED={SEED} pytest "
                f"tests/chaos): {len(self.problems)} broken invariant(s):\n  {shown}{more}",
                pytrace=False,
            )


_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def _received(outcome: Outcome, cost: Decimal) -> bool:
    """True when the client received this call's valid usage: a reply, a usage chunk, or the
    partial answer on the exception, carrying the server's cost."""
    costs = [outcome.usage_cost]
    if outcome.reply is not None:
        costs.append(outcome.reply.cost)
    response = getattr(outcome.error, "response", None)
    if response is not None:
        costs.append(getattr(response, "cost", None))
    return any(isinstance(c, Decimal) and c == cost for c in costs)


def _short(error: BaseException) -> str:
    return f"{type(error).__name__}: {str(error)[:160]}".replace(CANARY_KEY, "<KEY>")


def _leak_context(text: str) -> str:
    at = text.find(CANARY_KEY)
    return repr(text[max(0, at - 80) : at].replace("\n", " ")) + " <KEY> ..."


# -- the calls the seed chooses ------------------------------------------------------------------
def _tag(*parts: object) -> str:
    """A call's tag: 12 lowercase letters (so every prompt has the same estimate and hold)."""
    digest = hashlib.sha256(":".join(map(str, (SEED, *parts))).encode()).digest()
    return "".join(chr(ord("a") + b % 26) for b in digest[:12])


R = errors.RequestTimeoutError
C = errors.APIConnectionError
INVALID = errors.InvalidResponseError

#: kind -> (calls per runner, whether the runners take turns: memory-hungry kinds do).
KINDS: dict[str, tuple[int, bool]] = {
    "ok": (3, False),
    "drip": (2, False),
    "keepalive": (2, False),
    "silent": (2, False),
    "bomb": (2, True),
    "huge_line": (1, True),
    "unterminated": (1, False),
    "reset_before_headers": (3, False),
    "reset_mid_body": (3, False),
    "truncated": (3, False),
    "non_json": (3, False),
    "html": (3, False),
    "error_event": (3, False),
    "bad_cost": (4, False),
    "key_echo": (4, False),
    "retry_after_negative": (2, False),
    "retry_after_huge": (2, False),
    "redirect": (2, False),
}


def _spec(rng: random.Random, kind: str, tag: str) -> Spec:
    """The call ``rng`` chooses for fault ``kind``."""
    stream = rng.random() < 0.5
    tokens = rng.randint(1, MAX_TOKENS)
    f: list[Fault]
    expect: tuple[type[BaseException] | None, ...]
    if kind == "ok":
        f = [Fault("ok", {"latency": rng.uniform(0, 0.05), "chunk_delay": rng.uniform(0, 0.01)})]
        expect = (None,)
    elif kind in ("drip", "keepalive", "silent"):
        f, expect = [Fault(kind, {"interval": rng.uniform(0.03, 0.08)})], (R,)
    elif kind == "bomb":
        f, expect = [Fault("bomb")], (INVALID,)
    elif kind in ("huge_line", "unterminated"):
        stream, f, expect = True, [Fault(kind)], (INVALID, R)
    elif kind == "reset_before_headers":
        f, expect = [Fault(kind, {"latency": rng.uniform(0, 0.05)})], (C,)
    elif kind == "reset_mid_body":
        params = {"share": rng.uniform(0.1, 0.9), "chunks": rng.randint(0, 4)}
        f, expect = [Fault(kind, params)], (C,)
    elif kind == "truncated":
        params = {
            "share": rng.uniform(0.1, 0.9),
            "chunks": rng.randint(0, 4),
            "clean_end": rng.random() < 0.5,
        }
        f, expect = [Fault(kind, params)], (C, INVALID)
    elif kind == "non_json":
        f, expect = [Fault(kind)], (INVALID,)
    elif kind == "html":
        if rng.random() < 0.5:  # a captive portal's page with 200
            f, expect = [Fault("html")], (INVALID, C)
        else:  # a proxy's error page, then the answer
            f, expect = [Fault("html", {"status": 502}), Fault("ok")], (None,)
    elif kind == "error_event":
        f, expect = [Fault(kind, {"chunks": rng.randint(0, 3)})], (errors.APIError,)
    elif kind == "bad_cost":
        cost = rng.choice(["NaN", "-3.5", "-0.00001", '"abc"', "Infinity", "-Infinity", None])
        usage: dict[str, Any] = (
            {"cost": cost} if cost else {"negative_tokens": True, "cost": "-3.5"}
        )
        f, expect = [Fault("ok", usage)], (None, INVALID)
    elif kind == "key_echo":
        echo = {"echo": True}
        f = rng.choice(
            [
                [Fault("ok", echo)],
                [Fault("error_event", {**echo, "chunks": 2})],
                [Fault("status", {**echo, "status": 400})],
                [Fault("status", {**echo, "status": 503}), Fault("ok", echo)],
                [Fault("html", {**echo, "status": 502}), Fault("ok", echo)],
            ]
        )
        expect = (None, errors.OpenRouterError)
    elif kind == "retry_after_negative":
        refusal = Fault(
            "status", {"status": 429, "headers": {"Retry-After": "-30"}, "message": "slow down"}
        )
        f, expect = [refusal] * rng.randint(1, 2) + [Fault("ok")], (None,)
    elif kind == "retry_after_huge":
        header = rng.choice(
            [
                {"Retry-After": "3600"},
                {"retry-after-ms": "1e12"},
                {"Retry-After": "Fri, 31 Dec 2099 23:59:59 GMT"},
            ]
        )
        f = [Fault("status", {"status": 429, "headers": header, "message": "come back later"})]
        expect = (errors.RateLimitError,)
    elif kind == "redirect":
        f = [Fault("redirect", {"status": rng.choice([301, 302, 303, 307, 308])})]
        expect = (errors.OpenRouterError,)
    else:  # pragma: no cover - a kind without a recipe
        raise AssertionError(kind)
    return Spec(tag, kind, stream, f, tokens, expect)


def fault_plans(kind: str) -> dict[str, list[Spec]]:
    calls, _ = KINDS[kind]
    plans: dict[str, list[Spec]] = {}
    for runner in RUNNERS:
        rng = random.Random(f"{SEED}:{kind}:{runner}")
        plans[runner] = [_spec(rng, kind, _tag(kind, runner, i)) for i in range(calls)]
    return plans


#: The faults a cancelled call meets (mild ones: the time bounds are tested above).
CANCEL_MIX = ("ok", "ok", "slow", "slow_stream", "drip", "silent", "reset_mid_body", "status")


def _cancel_spec(rng: random.Random, runner: str, tag: str, *, at_usage: bool = False) -> Spec:
    """A cancelled call the seed chooses; ``at_usage``: a whole stream, cancelled as soon as its
    usage arrived, with ``[DONE]`` right behind it (F2's reproducer)."""
    if at_usage:
        fault = Fault("ok", {"latency": rng.uniform(0, 0.02)})
        return Spec(
            tag,
            "cancel:at_usage",
            True,
            [fault],
            rng.randint(1, MAX_TOKENS),
            (None,),
            ("after_usage", 0.0),
        )
    kind = rng.choice(CANCEL_MIX)
    stream = rng.random() < 0.5
    tokens = rng.randint(1, MAX_TOKENS)
    f: list[Fault]
    if kind in ("ok", "slow", "slow_stream"):
        stream = stream or kind == "slow_stream"
        latency = rng.uniform(0.05, 0.35) if kind != "ok" else rng.uniform(0, 0.02)
        f = [Fault("ok", {"latency": latency, "chunk_delay": rng.uniform(0.0, 0.05)})]
    elif kind == "status":
        f = [Fault("status", {"status": 503}), Fault("ok", {"latency": rng.uniform(0, 0.2)})]
    elif kind == "reset_mid_body":
        f = [Fault(kind, {"share": rng.uniform(0.1, 0.9), "chunks": rng.randint(0, 4)})]
    else:
        f = [Fault(kind, {"interval": 0.05})]
    styles = ("wait_for", "task") if runner != "trio" else ("move_on", "scope")
    if stream and kind in ("ok", "slow", "slow_stream") and rng.random() < 0.4:
        cancel = ("after_usage", 0.0)  # between chunks that come apart
    else:
        cancel = (rng.choice(styles), rng.uniform(0.0, TIMEOUT * 0.9))
    expect = (None, errors.OpenRouterError)  # what the fault gives when the cancel comes late
    return Spec(tag, f"cancel:{kind}", stream, f, tokens, expect, cancel)


def cancel_plans(calls: int) -> dict[str, list[Spec]]:
    plans: dict[str, list[Spec]] = {}
    for runner in ASYNC_RUNNERS:
        rng = random.Random(f"{SEED}:cancel:{runner}")
        plans[runner] = [
            _cancel_spec(rng, runner, _tag("cancel", runner, i), at_usage=i % 4 == 0)
            for i in range(calls)
        ]
    return plans


# -- the tests -----------------------------------------------------------------------------------
@pytest.fixture
def checks(server: ChaosServer, traced: None, caplog: pytest.LogCaptureFixture) -> Iterator[Checks]:
    """The test's invariants; the test ends with ``checks.verdict()`` (inside the test, so that
    an expected failure counts as one)."""
    gc.collect()
    tracemalloc.reset_peak()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield Checks(server, caplog, caught)


@pytest.mark.parametrize("kind", list(KINDS))
def test_fault(kind: str, server: ChaosServer, checks: Checks) -> None:
    """Every runner meets ``kind`` a few times; every invariant holds after every call."""
    _, one_at_a_time = KINDS[kind]
    for run in play(server, fault_plans(kind), together=not one_at_a_time):
        checks.run(run)
        if kind == "retry_after_negative":
            for outcome in run.outcomes:
                if any(wait < BACKOFF_INITIAL for wait in outcome.retry_waits):
                    checks.fail(
                        f"[{run.runner}] {outcome.spec.label}",
                        f"waited {outcome.retry_waits} s after a negative Retry-After, "
                        f"less than the backoff ({BACKOFF_INITIAL} s)",
                    )
    checks.verdict()


def test_cancellation(server: ChaosServer, checks: Checks) -> None:
    """Async calls cancelled at seeded times (asyncio ``wait_for`` and ``task.cancel()``, trio
    cancel scopes, or right after a stream's usage arrived) keep the books exact."""
    for run in play(server, cancel_plans(10)):
        checks.run(run)
    checks.verdict()


def test_budget_race(server: ChaosServer, checks: Checks, hold: Decimal) -> None:
    """Concurrent calls race a cap of three and a half holds: the spend never passes it, and
    the budget still agrees with the server's ledger."""
    budget = hold * 7 / 2
    plans: dict[str, list[Spec]] = {}
    for runner in RUNNERS:
        rng = random.Random(f"{SEED}:race:{runner}")
        plans[runner] = []
        for i in range(10):
            spec = _cancel_spec(rng, runner, _tag("race", runner, i))
            if i == 0:  # first in, so it holds: an answer that never comes (may be processed)
                spec.kind, spec.stream, spec.faults = "silent", False, [Fault("silent")]
            if i == 0 or runner == "sync" or rng.random() < 0.5:
                spec.cancel = None
            spec.expect = (None, errors.OpenRouterError)
            plans[runner].append(spec)
    runs = play(server, plans, budgets=dict.fromkeys(RUNNERS, budget), at_once=True)
    for run in runs:
        checks.run(run, hold=hold, sequential=False)
    refused = sum(isinstance(o.error, errors.BudgetExceededError) for r in runs for o in r.outcomes)
    if not refused:
        checks.fail("race", "no call was refused: the cap was never reached")
    checks.verdict()


@pytest.fixture(scope="module")
def hold(server: ChaosServer) -> Decimal:
    """The hold of one of the suite's calls (they all have the same shape), from a quiet call in
    each runner; these first calls also load what a first call loads, which is not what the
    suite measures (and under tracemalloc takes seconds)."""
    plans = {
        runner: [Spec(_tag("probe", runner), "ok", False, [Fault("ok")], 1, (None,))]
        for runner in RUNNERS
    }
    holds = {run.outcomes[0].hold for run in play(server, plans)}
    assert len(holds) == 1, holds
    found = holds.pop()
    assert found is not None
    assert found > cost_of(MAX_TOKENS), found
    return found
