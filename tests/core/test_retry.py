"""The retry decision: which failures are retried, and how long to wait."""

from __future__ import annotations

import pytest

from openrouter_kit import errors
from openrouter_kit._core.config import Timeouts
from openrouter_kit._core.retry import RetryPolicy, may_have_been_processed

POLICY = RetryPolicy(max_retries=3, max_retry_after=60)


@pytest.mark.parametrize(
    ("exc", "decision"),
    [
        (errors.APIConnectionError("refused"), True),
        (errors.RequestTimeoutError("slow", timeout="connect"), True),
        (errors.RequestTimeoutError("slow", timeout="read"), True),
        (errors.RequestTimeoutError("slow", timeout="write"), True),
        (errors.RequestTimeoutError("slow", timeout="pool"), True),
        (errors.MaybeProcessedTimeoutError("sent, then slow", timeout="read"), False),
        (errors.MaybeProcessedConnectionError("sent, then reset"), False),
        (errors.MaybeProcessedTimeoutError("sent, deadline", timeout="deadline"), False),
        (errors.APIConnectionError("reset mid-body", response_started=True), False),
        (errors.RequestTimeoutError("slow body", timeout="read", response_started=True), False),
        (errors.RequestTimeoutError("deadline", timeout="deadline"), False),
        (errors.RequestTimeoutError("408", status_code=408), True),
        (errors.RateLimitError("429", status_code=429), True),
        (errors.RateLimitError("429", status_code=429, retry_after=5), 5.0),
        (errors.RateLimitError("429", status_code=429, retry_after=61), False),
        (errors.RateLimitError("429", status_code=429, retry_after=float("inf")), False),
        (errors.ServerError("500", status_code=500), True),
        (errors.ModelUnavailableError("502", status_code=502), True),
        (errors.ModelUnavailableError("503", status_code=503, retry_after=2), 2.0),
        (errors.ServerError("504", status_code=504), True),
        (errors.ModelUnavailableError("529", status_code=529), False),
        (errors.BadRequestError("400", status_code=400), False),
        (errors.AuthenticationError("401", status_code=401), False),
        (errors.InsufficientCreditsError("402", status_code=402), False),
        (errors.ModelNotFoundError("404", status_code=404), False),
        (errors.StreamError("stream", status_code=200), False),
        (errors.CircuitOpenError("open"), False),
        (errors.ValidationError("bad"), False),
        (ValueError("not ours"), False),
    ],
)
def test_backoff_hook(exc: Exception, decision: bool | float) -> None:
    assert POLICY.backoff_hook(exc) == decision


@pytest.mark.parametrize(
    "exc",
    [
        errors.MaybeProcessedTimeoutError("sent, then slow", timeout="read"),
        errors.MaybeProcessedConnectionError("sent, then reset"),
    ],
)
def test_a_failure_that_may_have_been_processed_is_retried_only_on_request(
    exc: Exception,
) -> None:
    assert RetryPolicy().backoff_hook(exc) is False
    assert RetryPolicy(retry_maybe_processed=True).backoff_hook(exc) is True
    after_headers = type(exc)("cut", response_started=True)
    assert RetryPolicy(retry_maybe_processed=True).backoff_hook(after_headers) is False
    deadline = errors.MaybeProcessedTimeoutError("late", timeout="deadline")
    assert RetryPolicy(retry_maybe_processed=True).backoff_hook(deadline) is False
    # A GET (the model list, a generation's stats) has no effect to repeat: retried.
    assert RetryPolicy().backoff_hook(exc, idempotent=True) is True
    assert RetryPolicy().decide(exc, 1, None, idempotent=True) is True
    assert RetryPolicy().wait_after(exc, 1, idempotent=True) == 0.5
    assert RetryPolicy().wait_after(exc, 1) is None


@pytest.mark.parametrize(
    ("exc", "processed"),
    [
        # Proves the server did not act on it.
        (errors.APIConnectionError("refused"), False),
        (errors.RequestTimeoutError("connect", timeout="connect"), False),
        (errors.RequestTimeoutError("pool", timeout="pool"), False),
        (errors.RequestTimeoutError("write", timeout="write"), False),
        (errors.RequestTimeoutError("deadline before sending", timeout="deadline"), False),
        (errors.RequestTimeoutError("408", status_code=408), False),
        (errors.RequestTimeoutError("524", status_code=524), False),
        (errors.RateLimitError("429", status_code=429), False),
        (errors.ServerError("500", status_code=500), False),
        (errors.BadRequestError("400", status_code=400), False),
        (errors.CircuitOpenError("open"), False),
        (errors.BudgetExceededError("over"), False),
        (errors.ValidationError("bad"), False),
        (errors.ConfigurationError("bad"), False),
        # May have been processed, or was.
        (errors.MaybeProcessedTimeoutError("read", timeout="read"), True),
        (errors.MaybeProcessedTimeoutError("deadline", timeout="deadline"), True),
        (errors.MaybeProcessedConnectionError("reset"), True),
        (errors.APIConnectionError("cut", response_started=True), True),
        (errors.RequestTimeoutError("slow body", timeout="read", response_started=True), True),
        (errors.RequestTimeoutError("idle", timeout="idle", response_started=True), True),
        (errors.StreamError("in the stream", status_code=200), True),
        (errors.ModelUnavailableError("503 inside a 200", status_code=200), True),
        (errors.InvalidResponseError("not JSON", status_code=200), True),
        (errors.ResponseTooLargeError("bomb", status_code=200), True),
        (errors.InvalidResponseError("no status"), True),
        (errors.OpenRouterError("ours, unknown"), True),
        (ValueError("not ours: a hook's error"), True),
        (KeyboardInterrupt(), True),
    ],
)
def test_may_have_been_processed(exc: BaseException, processed: bool) -> None:
    assert may_have_been_processed(exc) is processed


def test_no_wait_may_run_past_the_deadline() -> None:
    policy = RetryPolicy(max_retries=3, wait_initial=0.5, wait_max=8, wait_jitter=1)
    busy = errors.ServerError("500", status_code=500)
    assert policy.longest_wait(1) == 1.5  # backoff plus all of the jitter
    assert policy.longest_wait(5) == 8  # within wait_max
    assert policy.decide(busy, 1, None) is True
    assert policy.decide(busy, 1, 1.6) is True
    assert policy.decide(busy, 1, 1.5) is False  # stamina could wait 1.5 s: nothing left then
    assert policy.wait_after(busy, 1, 1.6) == 0.5
    assert policy.wait_after(busy, 1, 1.0) is None
    slow = errors.RateLimitError("429", status_code=429, retry_after=5)
    assert policy.decide(slow, 1, 5.5) == 5.0
    assert policy.decide(slow, 1, 4.0) is False
    refused = errors.BadRequestError("400", status_code=400)
    assert policy.decide(refused, 1, 100.0) is False


def test_stamina_arguments() -> None:
    kwargs = RetryPolicy(max_retries=0, deadline=9, wait_initial=0.1, wait_max=2).stamina_kwargs()
    assert kwargs["attempts"] == 1
    assert (kwargs["timeout"], kwargs["wait_initial"], kwargs["wait_max"]) == (9, 0.1, 2)
    assert kwargs["on"].__func__ is RetryPolicy.backoff_hook


@pytest.mark.parametrize(
    "settings",
    [
        {"wait_initial": -1},
        {"wait_max": "1"},
        {"max_retry_after": True},
        {"deadline": 0},
        {"deadline": "5"},
        {"retry_maybe_processed": 1},
    ],
)
def test_checked_settings(settings: dict[str, object]) -> None:
    with pytest.raises(errors.ConfigurationError):
        RetryPolicy.checked(**settings)


def test_replaced_keeps_the_rest() -> None:
    policy = RetryPolicy.checked(wait_initial=0.2).replaced(max_retries=1, deadline=4)
    assert (policy.max_retries, policy.deadline, policy.wait_initial) == (1, 4, 0.2)


def test_timeouts_from_every_form() -> None:
    assert Timeouts.of(5).as_tuple() == (5, 5, 5, 5)
    assert Timeouts.of(None).as_tuple() == (None, None, None, None)
    assert Timeouts.of({"connect": 1, "read": 30}).as_tuple() == (1, 30, None, None)
    import httpx

    assert Timeouts.of(httpx.Timeout(10, connect=2)).as_tuple() == (2, 10, 10, 10)
    assert Timeouts.of(Timeouts(1, 2, 3, 4)).capped(2.5).as_tuple() == (1, 2, 2.5, 2.5)
    assert Timeouts.of(None).capped(3).as_tuple() == (3, 3, 3, 3)
    for bad in (0, -1, "5", {"socket": 1}, {"read": 0}, object()):
        with pytest.raises(errors.ConfigurationError):
            Timeouts.of(bad)
