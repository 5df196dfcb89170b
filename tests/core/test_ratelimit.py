"""Client-side rate limits: the setting's checks, the sliding window's maths, admission and
reconciling, and when a refusal becomes a wait or an error. Driven by an explicit clock."""

from __future__ import annotations

import math
import threading

import pytest

from openrouter_kit import RateLimit, errors
from openrouter_kit._core.ratelimit import (
    WINDOW,
    Denied,
    RateLimiter,
    Ticket,
    room_wait,
    scope_of,
    wait_or_refuse,
)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "set requests_per_minute, tokens_per_minute or both"),
        ({"requests_per_minute": 0}, "requests_per_minute must be a whole number >= 1"),
        ({"requests_per_minute": 1.5}, "requests_per_minute must be a whole number"),
        ({"requests_per_minute": True}, "requests_per_minute must be a whole number"),
        ({"tokens_per_minute": -1}, "tokens_per_minute must be a whole number >= 1"),
        ({"tokens_per_minute": 10, "per_model": "yes"}, "per_model must be True or False"),
        ({"tokens_per_minute": 10, "on_limit": "block"}, "on_limit must be 'wait' or 'raise'"),
        ({"tokens_per_minute": 10, "max_wait": -1}, "max_wait must be a number of seconds"),
        ({"tokens_per_minute": 10, "max_wait": math.inf}, "max_wait must be a number"),
        ({"tokens_per_minute": 10, "max_wait": "5"}, "max_wait must be a number"),
    ],
)
def test_invalid_settings_are_configuration_errors(settings: dict, message: str) -> None:
    with pytest.raises(errors.ConfigurationError, match=message):
        RateLimit(**settings)


def test_defaults() -> None:
    limit = RateLimit(requests_per_minute=60)
    assert (limit.tokens_per_minute, limit.per_model, limit.on_limit, limit.max_wait) == (
        None,
        False,
        "wait",
        30.0,
    )
    assert scope_of(limit, "a/b") == "key"
    assert scope_of(RateLimit(requests_per_minute=1, per_model=True), "a/b") == "model:a/b"


# -- the window's maths --------------------------------------------------------------------------
def test_room_wait_counts_the_previous_bucket_by_what_is_left_of_it() -> None:
    # 30 s into the bucket, half of the previous 10 still counts: 5 + 4 + 1 = 10 fits.
    assert room_wait(10, 4, 1, 10, 30.0) == 0.0
    # 5 + 5 + 1 = 11: wait until 1 more of the previous slides out, at 36 s.
    assert room_wait(10, 5, 1, 10, 30.0) == pytest.approx(6.0)


def test_room_wait_past_the_current_bucket() -> None:
    # The current bucket alone is full: wait for the next one (10 s), where this one counts as
    # the previous, and until enough of it slides out (1 - 9/10 of 60 s).
    assert room_wait(0, 10, 1, 10, 50.0) == pytest.approx(10.0 + 6.0)
    assert room_wait(0, 0, 11, 10, 0.0) == math.inf


def test_a_full_window_frees_up_as_time_passes() -> None:
    limiter = RateLimiter(RateLimit(requests_per_minute=10))
    for _ in range(10):
        assert isinstance(limiter.admit("m", 0, now=0.0), Ticket)
    denied = limiter.admit("m", 0, now=0.0)
    assert isinstance(denied, Denied)
    # In the next window the previous 10 count in full, then less and less.
    later = limiter.admit("m", 0, now=WINDOW)
    assert isinstance(later, Denied)
    assert later.retry_after == pytest.approx(6.0)
    assert isinstance(limiter.admit("m", 0, now=WINDOW + later.retry_after), Ticket)
    # Two windows later nothing counts any more.
    for _ in range(10):
        assert isinstance(limiter.admit("m", 0, now=3 * WINDOW), Ticket)


def test_waiting_the_retry_after_makes_room() -> None:
    limiter = RateLimiter(RateLimit(requests_per_minute=5))
    for second in range(5):
        assert isinstance(limiter.admit("m", 0, now=50.0 + second), Ticket)
    denied = limiter.admit("m", 0, now=55.0)
    assert isinstance(denied, Denied)
    assert isinstance(limiter.admit("m", 0, now=55.0 + denied.retry_after - 0.01), Denied)
    assert isinstance(limiter.admit("m", 0, now=55.0 + denied.retry_after), Ticket)


def test_the_longer_wait_names_the_limit() -> None:
    limiter = RateLimiter(RateLimit(requests_per_minute=2, tokens_per_minute=100))
    assert isinstance(limiter.admit("m", 90, now=0.0), Ticket)
    denied = limiter.admit("m", 20, now=0.0)
    assert isinstance(denied, Denied)
    assert denied.limit == "tpm"
    assert isinstance(limiter.admit("m", 10, now=0.0), Ticket)
    denied = limiter.admit("m", 0, now=0.0)
    assert isinstance(denied, Denied)
    assert denied.limit == "rpm"


def test_tokens_are_not_charged_without_a_token_limit() -> None:
    limiter = RateLimiter(RateLimit(requests_per_minute=2))
    ticket = limiter.admit("m", 10_000, now=0.0)
    assert ticket == Ticket("key", 0, 0)
    limiter.reconcile(ticket, 5)  # nothing to correct


def test_reconcile_applies_to_the_ticket_s_bucket_only() -> None:
    limiter = RateLimiter(RateLimit(tokens_per_minute=100))
    ticket = limiter.admit("m", 100, now=59.0)
    assert isinstance(ticket, Ticket)
    assert ticket.window == 0
    # A minute later the ticket's bucket is the previous one: the correction lands there.
    limiter.reconcile(ticket, 0)
    assert isinstance(limiter.admit("m", 100, now=61.0), Ticket)
    stale = limiter.admit("m", 0, now=61.0)
    assert isinstance(stale, Ticket)
    limiter.admit("m", 0, now=200.0)  # two windows on: the ticket's bucket is gone
    limiter.reconcile(stale, 100)  # nothing to correct any more
    assert isinstance(limiter.admit("m", 100, now=200.0), Ticket)
    limiter.reconcile(Ticket("key", 999, 5), 0)  # a future bucket (another limiter's): ignored
    limiter.reconcile(Ticket("model:x", 3, 5), 0)  # a scope never seen: ignored
    limiter.reconcile(ticket, 0)  # its bucket left the window: ignored


def test_reconcile_never_goes_below_zero() -> None:
    limiter = RateLimiter(RateLimit(tokens_per_minute=100))
    ticket = limiter.admit("m", 10, now=0.0)
    assert isinstance(ticket, Ticket)
    limiter.reconcile(ticket._replace(tokens=50), 0)
    assert isinstance(limiter.admit("m", 100, now=0.0), Ticket)
    assert isinstance(limiter.admit("m", 1, now=0.0), Denied)


def test_a_gap_longer_than_a_window_empties_both_buckets() -> None:
    limiter = RateLimiter(RateLimit(requests_per_minute=1))
    assert isinstance(limiter.admit("m", 0, now=10.0), Ticket)
    assert isinstance(limiter.admit("m", 0, now=500.0), Ticket)


def test_concurrent_admissions_never_pass_the_limit() -> None:
    limiter = RateLimiter(RateLimit(requests_per_minute=300, tokens_per_minute=1000))
    admitted: list[Ticket | Denied] = []

    def worker() -> None:
        for _ in range(50):
            admitted.append(limiter.admit("m", 7, now=1.0))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(a, Ticket) for a in admitted) == 1000 // 7


# -- wait or refuse -------------------------------------------------------------------------------
def test_a_wait_within_max_wait_and_the_deadline_is_returned() -> None:
    limit = RateLimit(requests_per_minute=1, max_wait=10)
    denied = Denied(4.0, "rpm", "key")
    assert wait_or_refuse(denied, limit, 0.0, None) == 4.0
    assert wait_or_refuse(denied, limit, 6.0, 5.0) == 4.0


@pytest.mark.parametrize(
    ("limit", "denied", "waited", "left", "match", "retry_after"),
    [
        (
            RateLimit(requests_per_minute=5, on_limit="raise"),
            Denied(2.0, "rpm", "key"),
            0.0,
            None,
            r"client rate limit of 5 requests per minute reached; room in 2\.0 s "
            r"\(on_limit='raise'\); nothing was sent",
            2.0,
        ),
        (
            RateLimit(tokens_per_minute=50, max_wait=10),
            Denied(4.0, "tpm", "model:a/b"),
            7.0,
            None,
            r"50 tokens per minute for a/b reached; room in 4\.0 s, past max_wait=10 s",
            4.0,
        ),
        (
            RateLimit(tokens_per_minute=50, per_model=True),
            Denied(4.0, "tpm", "model:"),
            0.0,
            3.0,
            r"for the default model reached; room in 4\.0 s, after the call's deadline",
            4.0,
        ),
        (
            RateLimit(tokens_per_minute=50),
            Denied(math.inf, "tpm", "key"),
            0.0,
            None,
            r"estimated tokens alone pass it; lower max_tokens or the prompt",
            None,
        ),
    ],
)
def test_refusals_raise_rate_limit_errors_before_sending(
    limit: RateLimit,
    denied: Denied,
    waited: float,
    left: float | None,
    match: str,
    retry_after: float | None,
) -> None:
    with pytest.raises(errors.RateLimitError, match=match) as info:
        wait_or_refuse(denied, limit, waited, left)
    error = info.value
    assert (error.status_code, error.retry_after) == (None, retry_after)
    assert error.metadata == {"limit": denied.limit, "scope": denied.scope}
