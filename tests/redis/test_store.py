"""``RedisStore``'s settings, what it shows, and what it does while Redis cannot be reached."""

from __future__ import annotations

import subprocess
import sys
import time
from decimal import Decimal

import pytest

from openrouter_kit import RateLimit, RedisStore, StoreEvent, errors
from openrouter_kit._core.ratelimit import Ticket
from tests.redis_server import RedisServer

UNREACHABLE = "redis://user:s3cret-pass@127.0.0.1:1/0"
KEY = ("chat_completions", "a/b")


def test_importing_the_package_never_imports_redis() -> None:
    code = "import sys, openrouter_kit; openrouter_kit.RedisStore; print('redis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("url", "options", "message"),
    [
        ("http://localhost", {}, "url must start with"),
        ("redis://localhost", {"namespace": "a b"}, "namespace must be"),
        ("redis://localhost", {"budget_mode": "open"}, "budget_mode must be"),
        ("redis://localhost", {"budget_mode": "local_slice"}, "needs local_slice"),
        ("redis://localhost", {"local_slice": "-1", "budget_mode": "local_slice"}, "USD amount"),
        ("redis://localhost", {"expected_workers": 0}, "expected_workers"),
        ("redis://localhost", {"command_timeout": 0}, "command_timeout"),
    ],
)
def test_invalid_settings_are_refused(url: str, options: dict[str, object], message: str) -> None:
    with pytest.raises(errors.ConfigurationError, match=message):
        RedisStore.from_url(url, **options)  # type: ignore[arg-type]


def test_missing_redis_py_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(errors.ConfigurationError, match=r"pip install 'openrouter-kit\[redis\]'"):
        RedisStore.from_url("redis://localhost")


def test_its_repr_never_shows_the_password() -> None:
    store = RedisStore.from_url(UNREACHABLE, namespace="team-a")
    assert repr(store) == "<RedisStore redis://user:***@127.0.0.1:1/0 namespace='team-a'>"
    assert (store.shared, store.namespace, store.available) == (True, "team-a", True)


def test_unreachable_redis_breaker_and_limiter_go_on_locally_budget_fails_closed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = RedisStore.from_url(UNREACHABLE, expected_workers=4)
    events: list[StoreEvent] = []
    store.listen(events.append)
    budget = store.budget(Decimal(1))
    with pytest.raises(errors.BudgetUnavailableError) as info:
        budget._reserve(Decimal("0.1"))
    assert isinstance(info.value, errors.BudgetExceededError)
    breaker = store.breaker(1, 30.0)
    limiter = store.limiter(RateLimit(requests_per_minute=8))
    for _ in range(3):
        assert breaker.route("chat_completions", ["a/b"], time.monotonic()) == ("a/b", ["a/b"])
    breaker.record_failure(KEY, time.monotonic())  # the local breaker trips
    with pytest.raises(errors.CircuitOpenError):
        breaker.check(KEY, time.monotonic())
    admitted = [limiter.admit("a/b", 0, time.monotonic()) for _ in range(3)]
    assert [isinstance(a, Ticket) for a in admitted] == [True, True, False]  # 8 / 4 workers
    assert [(e.state, e.resource) for e in events] == [("fallback", "all")]
    assert store.errors >= 1
    assert "s3cret" not in caplog.text
    assert "unreachable" in caplog.text


def test_a_local_slice_is_spent_while_redis_is_away_and_added_once_it_answers(
    own_redis: RedisServer,
) -> None:
    store = RedisStore.from_url(own_redis.url, budget_mode="local_slice", local_slice="0.3")
    budget = store.budget(Decimal(1))
    budget._settle(budget._reserve(Decimal("0.1")), Decimal("0.05"))
    store._conn.down_for = 0.2
    own_redis.pause()
    try:
        held = budget._reserve(Decimal("0.2"))  # times out, then spends the slice
        with pytest.raises(errors.BudgetExceededError, match="local slice"):
            budget._reserve(Decimal("0.2"))
        budget._settle(held, Decimal("0.01"))
    finally:
        own_redis.resume()
    time.sleep(0.25)
    budget._settle(budget._reserve(Decimal("0.1")), Decimal("0.001"))  # flushes the journal
    assert budget.spent == Decimal("0.061")
    assert budget.reserved == 0
    store.close()
