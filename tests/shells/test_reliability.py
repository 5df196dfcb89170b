"""Retries, deadlines, timeouts, with_options and the circuit breaker, for both shells."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

from openrouter_kit import errors
from openrouter_kit._core.breaker import CircuitState
from tests.conftest import CANARY_KEY
from tests.shells.conftest import call

pytestmark = pytest.mark.anyio
USER = [{"role": "user", "content": "Hi"}]
OK = {
    "id": "gen-1",
    "model": "a/x",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}}],
}
BUSY = {"error": {"code": 503, "message": "busy"}}


def sent(httpx_mock: HTTPXMock, index: int = -1) -> Any:
    return json.loads(httpx_mock.get_requests()[index].content)


async def test_with_options_overrides_per_call_and_shares_the_pool(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    client = make_client(max_retries=3)
    quick = client.with_options(max_retries=0, timeout=2.5)
    assert quick._http is client._http  # one pool
    httpx_mock.add_response(status_code=503, json=BUSY)
    with pytest.raises(errors.ModelUnavailableError):
        await call(quick.complete(model="a/x", messages=USER))
    assert len(httpx_mock.get_requests()) == 1  # no retry on the copy
    assert httpx_mock.get_requests()[0].extensions["timeout"] == {
        "connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5,
    }  # fmt: skip
    httpx_mock.add_response(status_code=503, json=BUSY)
    httpx_mock.add_response(json=OK)
    assert (
        await call(client.complete(model="a/x", messages=USER))
    ).attempts == 2  # original: retries
    assert client.usage.requests == quick.usage.requests == 1  # one session
    await call(quick.close())
    assert not client._http.is_closed  # closing the copy leaves the shared pool open
    with pytest.raises(errors.ConfigurationError):
        client.with_options(max_retries=-1)


async def test_each_timeout_is_configurable(make_client: Any, httpx_mock: HTTPXMock) -> None:
    client = make_client(timeout={"connect": 1, "read": 20, "write": 3, "pool": 4})
    httpx_mock.add_response(json=OK)
    await call(client.complete(model="a/x", messages=USER))
    assert httpx_mock.get_requests()[0].extensions["timeout"] == {
        "connect": 1, "read": 20, "write": 3, "pool": 4,
    }  # fmt: skip
    assert client.timeout.read == 20


@pytest.mark.parametrize(
    ("exc", "name"),
    [
        (httpx.ConnectTimeout("c"), "connect"),
        (httpx.WriteTimeout("w"), "write"),
        (httpx.PoolTimeout("p"), "pool"),
    ],
)
async def test_every_timeout_before_a_full_send_is_named_and_retried(
    make_client: Any, httpx_mock: HTTPXMock, exc: Exception, name: str
) -> None:
    client = make_client(max_retries=2)
    httpx_mock.add_exception(exc, is_reusable=True)
    with pytest.raises(errors.RequestTimeoutError) as info:
        await call(client.complete(model="a/x", messages=USER))
    assert info.value.timeout == name
    assert name in str(info.value)
    assert not isinstance(info.value, errors.MaybeProcessedError)
    assert len(httpx_mock.get_requests()) == 3


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx.ReadTimeout("r"), errors.MaybeProcessedTimeoutError),
        (httpx.ReadError("reset"), errors.MaybeProcessedConnectionError),
        (httpx.RemoteProtocolError("closed"), errors.MaybeProcessedConnectionError),
    ],
)
async def test_a_failure_after_a_full_send_may_have_been_processed_and_is_not_retried(
    make_client: Any, httpx_mock: HTTPXMock, exc: Exception, expected: type[Exception]
) -> None:
    client = make_client(max_retries=2)
    httpx_mock.add_exception(exc, is_reusable=True)
    with pytest.raises(expected) as info:
        await call(client.complete(model="a/x", messages=USER))
    assert isinstance(info.value, errors.MaybeProcessedError)
    assert "may have processed it" in str(info.value)
    assert len(httpx_mock.get_requests()) == 1
    # Opting in retries it; the flag travels with with_options, both ways.
    opted = client.with_options(retry_maybe_processed=True)
    with pytest.raises(expected):
        await call(opted.complete(model="a/x", messages=USER))
    assert len(httpx_mock.get_requests()) == 1 + 3
    with pytest.raises(expected):
        await call(
            opted.with_options(retry_maybe_processed=False).complete(model="a/x", messages=USER)
        )
    assert len(httpx_mock.get_requests()) == 1 + 3 + 1
    with pytest.raises(errors.ConfigurationError, match="retry_maybe_processed"):
        make_client(retry_maybe_processed="yes")


async def test_the_deadline_bounds_the_whole_call(make_client: Any, httpx_mock: HTTPXMock) -> None:
    client = make_client(
        max_retries=50, deadline=0.3, breaker_threshold=None, backoff_initial=0.01, backoff_max=0.01
    )

    def slow_failure(request: httpx.Request) -> httpx.Response:
        assert request.extensions["timeout"]["read"] <= 0.3  # each attempt fits what is left
        time.sleep(0.05)
        raise httpx.ConnectError("refused")

    httpx_mock.add_callback(slow_failure, is_reusable=True)
    started = time.monotonic()
    with pytest.raises(errors.OpenRouterError) as info:
        await call(client.complete(model="a/x", messages=USER))
    assert time.monotonic() - started < 1.0
    assert isinstance(info.value, errors.RequestTimeoutError | errors.APIConnectionError)
    assert 2 <= len(httpx_mock.get_requests()) <= 8
    with pytest.raises(errors.ConfigurationError, match="deadline"):
        make_client(deadline=0)


async def test_no_wait_between_attempts_runs_past_the_deadline(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    # The backoff after the first failure is 1 to 2 s; 0.5 s are left: the failure is raised
    # at once, not a deadline error after a wait that could not help.
    client = make_client(deadline=0.5, backoff_initial=1, backoff_max=8)
    httpx_mock.add_exception(httpx.ConnectError("refused"))
    with pytest.raises(errors.APIConnectionError, match="refused"):
        await call(client.complete(model="a/x", messages=USER))
    assert len(httpx_mock.get_requests()) == 1


class _CutBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        yield b'{"id": "gen-1", "choi'
        raise httpx.ReadError("connection reset by peer")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"id": "gen-1", "choi'
        raise httpx.ReadError("connection reset by peer")


async def test_a_failure_after_the_response_began_is_not_retried(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    client = make_client(max_retries=3)
    httpx_mock.add_response(stream=_CutBody())
    with pytest.raises(errors.APIConnectionError) as info:
        await call(client.complete(model="a/x", messages=USER))
    assert info.value.response_started
    assert len(httpx_mock.get_requests()) == 1  # the server may have billed it: no second request


async def test_retries_are_logged_without_the_key(
    make_client: Any, httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="openrouter_kit")
    client = make_client(max_retries=3)
    httpx_mock.add_response(status_code=502, json={"error": {"code": 502, "message": "bad"}})
    httpx_mock.add_response(json=OK)
    await call(client.complete(model="a/x", messages=USER))
    assert (
        "retrying POST /api/v1/chat/completions after ModelUnavailableError (attempt 1 of 4 failed"
        in caplog.text
    )
    assert CANARY_KEY not in caplog.text


async def test_the_breaker_opens_then_probes(make_client: Any, httpx_mock: HTTPXMock) -> None:
    client = make_client(max_retries=0, breaker_threshold=2, breaker_recovery=0.2)
    httpx_mock.add_response(status_code=503, json=BUSY, is_optional=False)
    httpx_mock.add_response(status_code=500, json={"error": {"code": 500, "message": "boom"}})
    for expected in (errors.ModelUnavailableError, errors.ServerError):
        with pytest.raises(expected):
            await call(client.complete(model="a/x", messages=USER))
    assert client.breaker.status("chat_completions", "a/x").state is CircuitState.OPEN
    with pytest.raises(errors.CircuitOpenError):
        await call(client.complete(model="a/x", messages=USER))
    assert len(httpx_mock.get_requests()) == 2  # refused without a request
    # Another model is not affected; 4xx answers never open a breaker.
    for _ in range(4):
        httpx_mock.add_response(status_code=400, json={"error": {"code": 400, "message": "no"}})
        with pytest.raises(errors.BadRequestError):
            await call(client.complete(model="b/y", messages=USER))
    assert client.breaker.status("chat_completions", "b/y").state is CircuitState.CLOSED
    time.sleep(0.25)
    httpx_mock.add_response(json=OK)
    assert (await call(client.complete(model="a/x", messages=USER))).text == "ok"  # the probe
    assert client.breaker.status("chat_completions", "a/x").state is CircuitState.CLOSED


async def test_a_failed_probe_opens_again_and_reset_closes(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    client = make_client(max_retries=0, breaker_threshold=1, breaker_recovery=0.1)
    httpx_mock.add_exception(httpx.ConnectError("down"), is_reusable=True)
    with pytest.raises(errors.APIConnectionError):
        await call(client.complete(model="a/x", messages=USER))
    time.sleep(0.12)
    with pytest.raises(errors.APIConnectionError):  # the probe fails
        await call(client.complete(model="a/x", messages=USER))
    with pytest.raises(errors.CircuitOpenError):
        await call(client.complete(model="a/x", messages=USER))
    client.breaker.reset()
    with pytest.raises(errors.APIConnectionError):
        await call(client.complete(model="a/x", messages=USER))
    assert len(httpx_mock.get_requests()) == 3


async def test_fallback_models_skip_open_circuits(make_client: Any, httpx_mock: HTTPXMock) -> None:
    client = make_client(max_retries=0, breaker_threshold=1)
    httpx_mock.add_response(status_code=502, json={"error": {"code": 502, "message": "a is down"}})
    with pytest.raises(errors.ModelUnavailableError):
        await call(client.complete(model="a/x", messages=USER))
    httpx_mock.add_response(json={**OK, "model": "b/y"})
    reply = await call(client.complete(models=["a/x", "b/y", "c/z"], messages=USER))
    assert reply.model == "b/y"  # the response says which model answered
    assert sent(httpx_mock)["model"] == "b/y"
    assert sent(httpx_mock)["models"] == ["b/y", "c/z"]
    # With every candidate open, nothing is sent.
    httpx_mock.add_response(status_code=502, json={"error": {"code": 502, "message": "down"}})
    with pytest.raises(errors.ModelUnavailableError):
        await call(client.complete(model="b/y", messages=USER))
    count = len(httpx_mock.get_requests())
    with pytest.raises(errors.CircuitOpenError):
        await call(client.complete(model="a/x", models=["b/y"], messages=USER))
    assert len(httpx_mock.get_requests()) == count


async def test_breaker_settings_are_checked(make_client: Any) -> None:
    with pytest.raises(errors.ConfigurationError, match="threshold"):
        make_client(breaker_threshold=0)
    client = make_client(breaker_threshold=None)
    assert client.breaker.threshold is None
