"""The circuit breaker state machine, driven by an explicit clock."""

from __future__ import annotations

import threading

import pytest

from openrouter_kit import errors
from openrouter_kit._core.breaker import (
    CircuitBreaker,
    CircuitState,
    CircuitStatus,
    counts_against,
)

KEY = ("chat_completions", "a/b")


def test_opens_after_consecutive_failures_and_refuses_without_sending() -> None:
    breaker = CircuitBreaker(threshold=3, recovery_time=10)
    for _ in range(2):
        breaker.check(KEY, now=0)
        breaker.record_failure(KEY, now=0)
    assert breaker.status(*KEY).state is CircuitState.CLOSED
    breaker.record_failure(KEY, now=1)
    status = breaker.status(*KEY)
    assert (status.state, status.failures, status.opened_at) == (CircuitState.OPEN, 3, 1)
    with pytest.raises(errors.CircuitOpenError, match=r"next probe in 9\.0 s") as info:
        breaker.check(KEY, now=2)
    assert info.value.metadata["model"] == "a/b"
    assert not breaker.available(KEY, now=2)
    assert breaker.available(("chat_completions", "other/model"), now=2)


def test_a_success_resets_the_count() -> None:
    breaker = CircuitBreaker(threshold=2)
    breaker.record_failure(KEY, now=0)
    breaker.record_success(KEY)
    breaker.record_failure(KEY, now=0)
    assert breaker.status(*KEY).state is CircuitState.CLOSED


def test_half_open_lets_one_probe_through() -> None:
    breaker = CircuitBreaker(threshold=1, recovery_time=5)
    breaker.record_failure(KEY, now=0)
    assert breaker.available(KEY, now=5)
    breaker.check(KEY, now=5)  # the probe
    assert breaker.status(*KEY).state is CircuitState.HALF_OPEN
    with pytest.raises(errors.CircuitOpenError):
        breaker.check(KEY, now=5.1)  # others wait for the probe's verdict
    breaker.record_success(KEY)
    assert breaker.status(*KEY).state is CircuitState.CLOSED
    breaker.check(KEY, now=6)


def test_a_failed_probe_opens_again_and_a_cancelled_one_frees_the_slot() -> None:
    breaker = CircuitBreaker(threshold=1, recovery_time=5)
    breaker.record_failure(KEY, now=0)
    breaker.check(KEY, now=6)
    breaker.record_failure(KEY, now=6)
    assert breaker.status(*KEY).state is CircuitState.OPEN
    with pytest.raises(errors.CircuitOpenError):
        breaker.check(KEY, now=10)
    breaker.check(KEY, now=11)
    breaker.release(KEY)  # the probe was cancelled: no verdict
    breaker.check(KEY, now=11)  # someone else may probe


def test_inspect_reset_and_disable() -> None:
    breaker = CircuitBreaker(threshold=1)
    breaker.record_failure(KEY, now=0)
    breaker.record_failure(("key", ""), now=0)
    assert set(breaker.states()) == {KEY, ("key", "")}
    breaker.reset(*KEY)
    assert set(breaker.states()) == {("key", "")}
    breaker.reset()
    assert breaker.states() == {}
    off = CircuitBreaker(threshold=None)
    for _ in range(10):
        off.record_failure(KEY, now=0)
    off.check(KEY, now=0)
    assert off.available(KEY, now=0)


@pytest.mark.parametrize(
    ("threshold", "recovery"), [(0, 1.0), (True, 1.0), (1, -1.0), (1, float("nan"))]
)
def test_bad_settings(threshold: int, recovery: float) -> None:
    with pytest.raises(ValueError, match="breaker"):
        CircuitBreaker(threshold, recovery)


@pytest.mark.parametrize(
    ("exc", "counts"),
    [
        (errors.ServerError("x", status_code=500), True),
        (errors.ModelUnavailableError("x", status_code=503), True),
        (errors.APIConnectionError("x"), True),
        (errors.RequestTimeoutError("x", timeout="read"), True),
        (errors.RequestTimeoutError("x", status_code=408), False),
        (errors.RateLimitError("x", status_code=429), False),
        (errors.BadRequestError("x", status_code=400), False),
        (errors.AuthenticationError("x", status_code=401), False),
    ],
)
def test_what_counts_against_a_service(exc: errors.OpenRouterError, counts: bool) -> None:
    assert counts_against(exc) is counts


def test_concurrent_failures_are_all_counted() -> None:
    breaker = CircuitBreaker(threshold=10_000)
    barrier = threading.Barrier(16)

    def fail() -> None:
        barrier.wait()
        for _ in range(500):
            breaker.record_failure(KEY, now=0)

    threads = [threading.Thread(target=fail) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert breaker.status(*KEY).failures == 8000


def test_route_skips_open_circuits_in_fallback_order() -> None:
    breaker = CircuitBreaker(threshold=1, recovery_time=5)
    breaker.record_failure(("chat_completions", "a/first"), now=0)
    candidates = ("a/first", "b/second", "c/third")
    assert breaker.route("chat_completions", candidates, now=1) == (
        "b/second",
        ["b/second", "c/third"],
    )
    assert breaker.route("list_models", ("",), now=1) == ("", [""])  # another endpoint: closed
    # Once the recovery time has passed, the first candidate is routed to again, as the probe.
    assert breaker.route("chat_completions", candidates, now=5) == ("a/first", list(candidates))
    assert breaker.status("chat_completions", "a/first").state is CircuitState.HALF_OPEN


def test_route_refuses_when_every_candidate_is_open() -> None:
    breaker = CircuitBreaker(threshold=1, recovery_time=5)
    for model in ("a/first", "b/second"):
        breaker.record_failure(("chat_completions", model), now=0)
    with pytest.raises(errors.CircuitOpenError, match="a/first"):
        breaker.route("chat_completions", ("a/first", "b/second"), now=1)
    assert CircuitBreaker(threshold=None).route("x", ("a/b",), now=0) == ("a/b", ["a/b"])


# -- the mutation review's gaps: the contract's edges (issue 14, item 15) ------------------------


def test_the_defaults_are_5_failures_and_30_seconds() -> None:
    breaker = CircuitBreaker()
    assert (breaker.threshold, breaker.recovery_time) == (5, 30.0)
    for _ in range(4):
        breaker.record_failure(KEY, now=100)
    assert breaker.status(*KEY).state is CircuitState.CLOSED
    breaker.record_failure(KEY, now=100)
    assert breaker.status(*KEY) == CircuitStatus(CircuitState.OPEN, 5, 100)
    assert not breaker.available(KEY, now=129.9)
    assert breaker.available(KEY, now=130)


def test_a_recovery_time_of_zero_is_accepted_and_probes_at_once() -> None:
    breaker = CircuitBreaker(1, 0.0)
    breaker.record_failure(KEY, now=7)
    assert breaker.status(*KEY).state is CircuitState.OPEN
    breaker.check(KEY, now=7)  # the probe, without waiting
    assert breaker.status(*KEY).state is CircuitState.HALF_OPEN


def test_opened_at_is_none_unless_open() -> None:
    breaker = CircuitBreaker(threshold=2, recovery_time=5)
    assert breaker.status(*KEY) == CircuitStatus(CircuitState.CLOSED, 0, None)  # unknown key
    breaker.record_failure(KEY, now=1)
    assert breaker.status(*KEY) == CircuitStatus(CircuitState.CLOSED, 1, None)  # below threshold
    assert breaker.states() == {KEY: CircuitStatus(CircuitState.CLOSED, 1, None)}
    breaker.record_failure(KEY, now=2)
    assert breaker.status(*KEY) == CircuitStatus(CircuitState.OPEN, 2, 2)
    breaker.check(KEY, now=7)  # the probe
    breaker.record_success(KEY)
    assert breaker.status(*KEY) == CircuitStatus(CircuitState.CLOSED, 0, None)  # recovered
    assert breaker.states() == {KEY: CircuitStatus(CircuitState.CLOSED, 0, None)}
    breaker.record_failure(KEY, now=8)  # counting starts again from zero
    assert breaker.status(*KEY) == CircuitStatus(CircuitState.CLOSED, 1, None)


def test_retry_in_is_clamped_to_zero_while_the_probe_is_in_flight() -> None:
    breaker = CircuitBreaker(threshold=1, recovery_time=5)
    breaker.record_failure(KEY, now=0)
    with pytest.raises(errors.CircuitOpenError) as info:
        breaker.check(KEY, now=2)
    assert info.value.metadata == {"endpoint": "chat_completions", "model": "a/b", "retry_in": 3}
    breaker.check(KEY, now=6)  # the probe
    with pytest.raises(errors.CircuitOpenError, match=r"next probe in 0\.0 s") as info:
        breaker.check(KEY, now=9)  # 4 s past the recovery time
    assert info.value.metadata["retry_in"] == 0
    assert not breaker.available(KEY, now=9)
