"""One call across its attempts (``_call``): the retry loop of both shells, without HTTP.

``Attempts`` is driven here by a plain function standing for the shell's body, once with ``for``
and once with ``async for``; the shells' own tests pin the same behaviour through HTTP.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import stamina
from stamina.instrumentation import RetryDetails, get_on_retry_hooks, set_on_retry_hooks

from openrouter_kit import errors
from openrouter_kit._call import Attempt, Attempts, Call
from openrouter_kit._core import convert
from openrouter_kit._core.breaker import CircuitBreaker, CircuitState
from openrouter_kit._core.config import Timeouts
from openrouter_kit._core.retry import RetryPolicy
from openrouter_kit._core.wire import CHAT_COMPLETIONS, WireRequest
from openrouter_kit._generated.models import CompletionRequest

pytestmark = pytest.mark.anyio

BUSY = errors.ModelUnavailableError("busy", status_code=503)
REFUSED = errors.BadRequestError("no", status_code=400)


@pytest.fixture(params=["sync", "async"])
def colour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def run(colour: str, policy: RetryPolicy, outcomes: list[Any]) -> tuple[str, list[int]]:
    """Drive ``Attempts`` as a shell does: each attempt takes the next outcome (raised when it is
    an exception, returned otherwise). Returns the result and the attempt numbers seen."""
    seen: list[int] = []

    def body(number: int) -> str:
        seen.append(number)
        outcome = outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return str(outcome)

    if colour == "sync":
        for attempt in Attempts(policy):
            with attempt:
                return body(attempt.num), seen
    else:
        async for attempt in Attempts(policy):
            with attempt:
                return body(attempt.num), seen
    raise AssertionError("unreachable")


@pytest.fixture
def contexts(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The keyword arguments of every ``stamina.retry_context`` opened."""
    opened: list[dict[str, Any]] = []
    real = stamina.retry_context

    def counted(**kwargs: Any) -> Any:
        opened.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(stamina, "retry_context", counted)
    return opened


async def test_the_first_attempt_runs_without_stamina(
    colour: str, contexts: list[dict[str, Any]]
) -> None:
    assert await run(colour, RetryPolicy(max_retries=3), ["ok"]) == ("ok", [1])
    assert contexts == []


async def test_a_retryable_failure_is_judged_by_stamina_then_retried(
    colour: str, contexts: list[dict[str, Any]]
) -> None:
    policy = RetryPolicy(max_retries=3)
    assert await run(colour, policy, [BUSY, BUSY, "ok"]) == ("ok", [1, 2, 3])
    assert len(contexts) == 1  # opened once, after the first failure
    expected = {**policy.stamina_kwargs(), "on": None}
    assert {**contexts[0], "on": None} == expected  # the hook: the call's, asking the policy
    assert contexts[0]["on"].__func__ is Attempts._judge


async def test_the_last_failure_is_raised_once_the_retries_are_used_up(colour: str) -> None:
    with pytest.raises(errors.ModelUnavailableError) as info:
        await run(colour, RetryPolicy(max_retries=2), [BUSY, BUSY, BUSY, "never"])
    assert info.value is BUSY


@pytest.mark.parametrize(
    ("policy", "failure"),
    [
        (RetryPolicy(max_retries=3), REFUSED),  # not retryable
        (RetryPolicy(max_retries=0), BUSY),  # retryable, but retries are off
        (RetryPolicy(max_retries=3), ValueError("not ours")),
    ],
)
async def test_a_failure_that_is_not_retried_is_raised_at_once(
    colour: str, contexts: list[dict[str, Any]], policy: RetryPolicy, failure: Exception
) -> None:
    with pytest.raises(type(failure)) as info:
        await run(colour, policy, [failure, "never"])
    assert info.value is failure
    assert contexts == []


async def test_a_failure_that_is_not_retried_ends_the_retries(colour: str) -> None:
    with pytest.raises(errors.BadRequestError):
        await run(colour, RetryPolicy(max_retries=3), [BUSY, REFUSED, "never"])


@pytest.fixture
def real_waits() -> Iterator[list[RetryDetails]]:
    """stamina's testing mode off (it skips waits), and every retry it schedules recorded."""
    scheduled: list[RetryDetails] = []
    hooks = get_on_retry_hooks()
    set_on_retry_hooks([scheduled.append])
    try:
        with stamina.set_testing(False):
            yield scheduled
    finally:
        set_on_retry_hooks(hooks)


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_stamina_waits_out_the_first_failure_as_any_other(
    colour: str, real_waits: list[RetryDetails]
) -> None:
    slow = errors.RateLimitError("slow", status_code=429, retry_after=0.05)
    started = time.monotonic()
    assert await run(colour, RetryPolicy(max_retries=2), [slow, slow, "ok"]) == ("ok", [1, 2, 3])
    assert time.monotonic() - started >= 0.1
    assert [(d.retry_num, d.wait_for, d.caused_by) for d in real_waits] == [
        (1, 0.05, slow),
        (2, 0.05, slow),
    ]


# -- Call and Attempt ------------------------------------------------------------------------------
def make_call(**changes: Any) -> Call:
    wire = WireRequest(
        method="POST",
        url="https://openrouter.ai/api/v1/chat/completions",
        headers=(("Authorization", "Bearer k"),),
        body=b"{}",
    )
    fields: dict[str, Any] = {
        "endpoint": CHAT_COMPLETIONS,
        "wire": wire,
        "completion": None,
        "candidates": ("a/b",),
        "timeouts": Timeouts.of(30),
        "deadline": None,
        "started": time.monotonic(),
    }
    return Call(**{**fields, **changes})


def test_an_attempt_records_the_breaker_verdict() -> None:
    breaker = CircuitBreaker(threshold=1)
    key = ("chat_completions", "a/b")

    def attempt(fail: BaseException | None) -> None:
        with Attempt(make_call().wire, key, Timeouts.of(30), breaker):
            if fail is not None:
                raise fail

    attempt(None)
    with pytest.raises(errors.BadRequestError):
        attempt(REFUSED)  # the service answered: no failure counted
    assert breaker.status(*key).state is CircuitState.CLOSED
    with pytest.raises(errors.ModelUnavailableError):
        attempt(BUSY)
    assert breaker.status(*key).state is CircuitState.OPEN


def test_a_call_past_its_deadline_begins_no_attempt() -> None:
    call = make_call(deadline=5.0, started=time.monotonic() - 6)
    with pytest.raises(errors.RequestTimeoutError, match=r"deadline of 5 s passed after 2") as info:
        call.begin(3, CircuitBreaker())
    assert info.value.timeout == "deadline"
    assert call.attempts == 0
    capped = make_call(deadline=5.0, started=time.monotonic() - 4).begin(1, CircuitBreaker())
    assert capped.timeouts.read is not None
    assert capped.timeouts.read <= 1


def test_an_attempt_skips_open_circuits_and_says_so_in_the_body() -> None:
    completion = convert.structure_input(
        {"models": ["a/b", "c/d"], "messages": [{"role": "user", "content": "Hi"}]},
        CompletionRequest,
    )
    breaker = CircuitBreaker(threshold=1)
    breaker.record_failure(("chat_completions", "a/b"), now=time.monotonic())
    call = make_call(completion=completion, candidates=("a/b", "c/d"))
    attempt = call.begin(1, breaker)
    assert (attempt.key, call.model, call.attempts) == (("chat_completions", "c/d"), "c/d", 1)
    assert attempt.wire.body is not None
    assert b'"models":["c/d"]' in attempt.wire.body
    assert call.wire.body == b"{}"  # the call's own request is untouched
