"""The Lua scripts on a real redis-server: each read-decide-write is atomic, keeps money exactly,
takes its time from Redis and leaves a TTL on every key it writes."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest

import redis
from openrouter_kit import StoreEvent
from openrouter_kit._redis import _ops
from openrouter_kit._redis._conn import Connection, StoreUnavailable, mask_url
from tests.redis_server import RedisServer

KEYS = _ops.Keys("test")
BUDGET = KEYS.budget("default")


def breaker(
    conn: Connection, op: str, caller: str = "p1", recovery: float = 0.2
) -> _ops.BreakerReply:
    return conn.run(_ops.breaker_op(KEYS.breaker("chat", "m"), op, caller, 2, recovery, 0.3))


def reserve(conn: Connection, hold: str, amount: str, limit: str = "1", ttl: int = 60_000) -> bool:
    op = _ops.budget_op(
        BUDGET,
        "reserve",
        hold,
        _ops.to_usd(Decimal(amount)),
        _ops.to_usd(Decimal(limit)),
        ttl,
        "p1",
    )
    return conn.run(op).ok


def every_key_has_a_ttl(url: str) -> None:
    with redis.Redis.from_url(url) as client:
        keys = client.keys("*")
        assert keys
        for key in keys:
            assert client.pttl(key) > 0, key


def test_breaker_trips_at_the_threshold_and_lets_exactly_one_probe_through(redis_url: str) -> None:
    conn = Connection(redis_url)
    assert breaker(conn, "failure").state == "closed"
    tripped = breaker(conn, "failure")
    assert (tripped.state, tripped.trips) == ("open", 1)
    assert tripped.open_until - tripped.opened_at == 200
    assert not breaker(conn, "acquire", "p2").mine  # still open
    time.sleep(0.25)
    winners = [breaker(conn, "acquire", f"p{i}").mine for i in range(5)]
    assert winners == [True, False, False, False, False]
    closed = breaker(conn, "success", "p0")
    assert (closed.state, closed.failures, closed.trips) == ("closed", 0, 0)
    every_key_has_a_ttl(redis_url)


def test_a_failed_probe_opens_for_longer_and_a_dead_probers_lease_runs_out(redis_url: str) -> None:
    conn = Connection(redis_url)
    breaker(conn, "failure")
    breaker(conn, "failure")
    time.sleep(0.22)
    assert breaker(conn, "acquire", "prober").mine
    again = breaker(conn, "failure", "prober")
    assert (again.state, again.trips, again.open_until - again.opened_at) == ("open", 2, 400)
    time.sleep(0.42)
    assert breaker(conn, "acquire", "dies").mine  # then its process dies: no verdict
    assert not breaker(conn, "acquire", "other").mine
    time.sleep(0.32)  # the lease (0.3 s) runs out
    assert breaker(conn, "acquire", "other").mine


def test_the_open_time_doubles_up_to_sixteen_times_the_recovery(redis_url: str) -> None:
    conn = Connection(redis_url)
    key = KEYS.breaker("chat", "m")
    with redis.Redis.from_url(redis_url) as client:
        client.hset(
            key, mapping={"state": "half_open", "trips": 7, "probe_id": "p", "probe_until": 2**50}
        )
    reply = conn.run(_ops.breaker_op(key, "failure", "p", 2, 1.0, 30))
    assert (reply.trips, reply.open_until - reply.opened_at) == (8, 16_000)


def test_the_limiter_refuses_without_counting_and_says_how_long(redis_url: str) -> None:
    conn = Connection(redis_url)
    key = KEYS.limiter("key")
    first = conn.run(_ops.admit_op(key, 2, 100, 60))
    assert first.admitted
    refused = conn.run(_ops.admit_op(key, 2, 100, 60))  # 120 tokens > 100
    assert not refused.admitted
    assert refused.tokens
    assert refused.wait
    assert refused.wait > 0
    assert conn.run(_ops.admit_op(key, 2, 100, 40)).admitted  # the refusal counted nothing
    assert not conn.run(_ops.admit_op(key, 5, 100, 1)).admitted  # 100 tokens: full
    assert conn.run(_ops.admit_op(key, 5, 100, 500)).wait is None  # can never fit
    with redis.Redis.from_url(redis_url) as client:
        assert client.hget(key, "cr") == b"2"
    assert conn.run(_ops.reconcile_op(key, first.minute, -50))  # it used 10 tokens, not 60
    assert conn.run(_ops.admit_op(key, 3, 100, 50)).admitted
    assert not conn.run(_ops.reconcile_op(key, first.minute - 5, -10))  # slid out: ignored
    every_key_has_a_ttl(redis_url)


def test_the_budget_holds_only_what_fits_and_settles_once(redis_url: str) -> None:
    conn = Connection(redis_url)
    assert reserve(conn, "a", "0.6")
    assert not reserve(conn, "b", "0.5")  # 0.6 + 0.5 > 1
    settled = conn.run(_ops.budget_op(BUDGET, "settle", "a", _ops.to_usd(Decimal("0.00000225"))))
    assert settled.ok
    assert settled.committed == Decimal("0.00000225")
    assert settled.held == 0
    again = conn.run(_ops.budget_op(BUDGET, "settle", "a", ""))
    assert not again.ok
    assert again.committed == Decimal("0.00000225")
    assert reserve(conn, "b", "0.99999775")  # exactly what is left
    assert not reserve(conn, "c", "0.000000000001")
    every_key_has_a_ttl(redis_url)


def test_money_is_exact_past_what_a_double_holds(redis_url: str) -> None:
    conn = Connection(redis_url)
    limit = "123456789.000000000001"
    assert reserve(conn, "a", "123456789", limit=limit)
    assert reserve(conn, "b", "0.000000000001", limit=limit)
    assert not reserve(conn, "c", "0.000000000001", limit=limit)
    reply = conn.run(_ops.budget_op(BUDGET, "settle", "b", "0.000000000001"))
    assert reply.committed == Decimal("0.000000000001")
    assert reply.held == Decimal("123456789")


def test_concurrent_reserves_never_pass_the_limit(redis_url: str) -> None:
    conns = [Connection(redis_url) for _ in range(8)]
    won: list[str] = []

    def grab(index: int) -> None:
        for n in range(25):
            if reserve(conns[index], f"{index}-{n}", "0.01"):
                won.append(f"{index}-{n}")

    threads = [threading.Thread(target=grab, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 100  # 200 tries at $0.01 against $1
    assert conns[0].run(_ops.budget_op(BUDGET, "read")).held == Decimal(1)


def test_a_hold_left_past_its_ttl_is_claimed_by_one_sweeper_and_kept_until_settled(
    redis_url: str,
) -> None:
    conn = Connection(redis_url)
    assert reserve(conn, "dead", "0.4", ttl=0)
    tagged = conn.run(_ops.budget_op(BUDGET, "tag", "dead", "gen-1"))
    assert tagged.ok
    assert tagged.due == 1
    assert tagged.held == Decimal("0.4")
    first = conn.run(_ops.budget_op(BUDGET, "claim", "s1", 5000, 10_000, 8, "1"))
    assert [(h.id, h.generation, h.amount) for h in first.claimed] == [
        ("dead", "gen-1", Decimal("0.4"))
    ]
    assert not conn.run(_ops.budget_op(BUDGET, "claim", "s2", 5000, 10_000, 8, "1")).ok  # lease
    assert conn.run(_ops.budget_op(BUDGET, "claim", "s1", 5000, 10_000, 8, "1")).claimed == ()
    conn.run(_ops.budget_op(BUDGET, "unlease", "s1"))
    done = conn.run(_ops.budget_op(BUDGET, "settle", "dead", "0.001"))
    assert (done.committed, done.held, done.holds) == (Decimal("0.001"), 0, 0)


def test_a_deferred_hold_is_pending_until_its_lookup(redis_url: str) -> None:
    conn = Connection(redis_url)
    assert reserve(conn, "cut", "0.3")
    deferred = conn.run(_ops.budget_op(BUDGET, "defer", "cut", "gen-2", 0))
    assert (deferred.pending, deferred.pending_holds) == (Decimal("0.3"), 1)
    claimed = conn.run(_ops.budget_op(BUDGET, "claim", "s1", 5000, 10_000, 8, "1")).claimed
    assert claimed[0].pending
    assert claimed[0].generation == "gen-2"
    later = conn.run(_ops.budget_op(BUDGET, "later", "cut", 60_000, 1))
    assert later.due == 0
    settled = conn.run(_ops.budget_op(BUDGET, "settle", "cut", ""))
    assert (settled.committed, settled.pending, settled.pending_holds) == (Decimal("0.3"), 0, 0)


def test_a_flushed_script_cache_is_reloaded(redis_url: str) -> None:
    conn = Connection(redis_url)
    assert reserve(conn, "a", "0.1")
    with redis.Redis.from_url(redis_url) as client:
        client.script_flush()
    assert reserve(conn, "b", "0.1")  # NOSCRIPT: redis-py loads it again
    assert conn.errors == 0


def test_keys_of_one_scope_share_a_hash_tag() -> None:
    tags = {key.split("}")[0] for key in BUDGET}
    assert tags == {"{ork:test:budget:default"}
    assert KEYS.breaker("chat", "m").startswith("{ork:test:")


def test_a_stalled_server_times_out_fast_and_marks_redis_down(own_redis: RedisServer) -> None:
    conn = Connection(own_redis.url, down_for=0.3)
    assert reserve(conn, "a", "0.1")
    own_redis.pause()
    try:
        start = time.monotonic()
        with pytest.raises(StoreUnavailable):
            reserve(conn, "b", "0.1")
        assert time.monotonic() - start < 0.4  # 250 ms, never retried
        start = time.monotonic()
        with pytest.raises(StoreUnavailable):
            reserve(conn, "c", "0.1")  # marked down: not even tried
        assert time.monotonic() - start < 0.01
        assert conn.down
        assert conn.errors == 1
    finally:
        own_redis.resume()
    time.sleep(0.35)
    assert reserve(conn, "d", "0.1")  # PING, then shared again
    assert not conn.down


def test_an_unreachable_server_is_reported_without_its_password() -> None:
    url = "redis://user:s3cret-pass@127.0.0.1:1/0"
    assert mask_url(url) == "redis://user:***@127.0.0.1:1/0"
    seen: list[StoreEvent] = []
    conn = Connection(url)
    conn.subscribe(seen.append)
    for _ in range(3):
        with pytest.raises(StoreUnavailable):
            reserve(conn, "a", "0.1")
    assert [(event.state, event.resource) for event in seen] == [("fallback", "all")]
    assert "s3cret" not in repr(seen)
    assert conn.errors == 3
