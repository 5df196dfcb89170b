"""The retry decision: which failures are retried, and how long to wait."""

from __future__ import annotations

import pytest

from openrouter_kit import errors
from openrouter_kit._core.config import Timeouts
from openrouter_kit._core.retry import RetryPolicy

POLICY = RetryPolicy(max_retries=3, max_retry_after=60)


@pytest.mark.parametrize(
    ("exc", "decision"),
    [
        (errors.APIConnectionError("refused"), True),
        (errors.RequestTimeoutError("slow", timeout="connect"), True),
        (errors.RequestTimeoutError("slow", timeout="read"), True),
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
