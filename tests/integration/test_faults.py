"""Every injected fault, over real sockets, ends as the documented typed error or a retry."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from email.utils import formatdate
from typing import Any

import anyio
import pytest
import stamina
from stamina.instrumentation import RetryDetails, get_on_retry_hooks, set_on_retry_hooks

from openrouter_kit import AsyncClient, Client, errors
from openrouter_kit.testing import Emulator

USER = [{"role": "user", "content": "Hello faults"}]
MODEL = "openai/gpt-4o-mini"
CHAT = "/chat/completions"


@pytest.fixture(params=["sync", "async", "async-aiohttp"])
def run(request: pytest.FixtureRequest, emu: Emulator) -> Callable[..., Any]:
    """Call one client method on a fresh Client or AsyncClient (over httpx or aiohttp)."""
    transport = "aiohttp" if request.param == "async-aiohttp" else "httpx"
    if transport == "aiohttp":
        pytest.importorskip("httpx_aiohttp", reason="the aiohttp extra is not installed")

    def call(method: str, *args: Any, client: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        options = {"api_key": emu.api_key, "base_url": emu.base_url, **(client or {})}
        if request.param == "sync":
            with Client(**options) as sync_client:
                return getattr(sync_client, method)(*args, **kwargs)

        async def main() -> Any:
            async with AsyncClient(**options, transport=transport) as async_client:
                return await getattr(async_client, method)(*args, **kwargs)

        return anyio.run(main)

    return call


def requests_to(emu: Emulator, path: str = CHAT) -> int:
    return sum(1 for r in emu.requests if r.path.endswith(path))


@pytest.mark.parametrize(
    ("script", "attempts"),
    [
        ({"status": 503, "body": {"error": {"code": 503, "message": "No available providers"}}}, 2),
        ({"status": 502, "body": "<html><title>502 Bad Gateway</title></html>"}, 2),
        (
            {
                "status": 429,
                "body": {"error": {"code": 429, "message": "slow"}},
                "headers": {"retry-after-ms": "10"},
            },
            2,
        ),
        ({"status": 408, "body": {"error": {"code": 408, "message": "timed out"}}}, 2),
    ],
    ids=["503", "502-html", "429-retry-after", "408"],
)
def test_transient_faults_are_retried_to_success(
    run: Callable[..., Any], emu: Emulator, script: dict[str, Any], attempts: int
) -> None:
    emu.script(path=CHAT, **script)
    reply = run(
        "complete",
        model=MODEL,
        messages=USER,
        client={"timeout": {"read": 0.2, "connect": 2, "write": 2, "pool": 2}},
    )
    assert reply.text.startswith("Hello from")
    assert reply.attempts == attempts
    assert requests_to(emu) == attempts
    assert emu.ledger.requests == 1  # billed once


MAYBE_PROCESSED = [
    ({"fault": "reset_before_headers"}, errors.MaybeProcessedConnectionError),
    ({"body": {"late": True}, "delay": 0.5}, errors.MaybeProcessedTimeoutError),  # read timeout
    ({"fault": "trickle", "trickle_delay": 0.4}, errors.MaybeProcessedTimeoutError),  # slow head
]
MAYBE_IDS = ["reset-before-headers", "delay", "trickle"]
TIMEOUTS = {"timeout": {"read": 0.2, "connect": 2, "write": 2, "pool": 2}}


@pytest.mark.parametrize(("script", "expected"), MAYBE_PROCESSED, ids=MAYBE_IDS)
def test_a_failure_after_a_full_send_is_raised_at_once(
    run: Callable[..., Any], emu: Emulator, script: dict[str, Any], expected: type
) -> None:
    # F6: the server read the whole request; it may be working on it, so a second request could
    # be processed (and billed) twice.
    emu.script(path=CHAT, **script)
    with pytest.raises(expected) as info:
        run("complete", model=MODEL, messages=USER, client=TIMEOUTS)
    assert isinstance(info.value, errors.MaybeProcessedError)
    assert "may have processed it" in str(info.value)
    assert requests_to(emu) == 1


@pytest.mark.parametrize(("script", "expected"), MAYBE_PROCESSED, ids=MAYBE_IDS)
def test_a_failure_after_a_full_send_is_retried_when_asked(
    run: Callable[..., Any], emu: Emulator, script: dict[str, Any], expected: type
) -> None:
    emu.script(path=CHAT, **script)
    reply = run(
        "complete",
        model=MODEL,
        messages=USER,
        client={**TIMEOUTS, "retry_maybe_processed": True},
    )
    assert reply.text.startswith("Hello from")
    assert reply.attempts == 2
    assert requests_to(emu) == 2


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        (
            {"status": 400, "body": {"error": {"code": 400, "message": "bad"}}},
            errors.BadRequestError,
        ),
        (
            {"status": 401, "body": {"error": {"code": 401, "message": "no"}}},
            errors.AuthenticationError,
        ),
        (
            {"status": 402, "body": {"error": {"code": 402, "message": "pay"}}},
            errors.InsufficientCreditsError,
        ),
        (
            {
                "status": 403,
                "body": {
                    "error": {"code": 403, "message": "flagged", "metadata": {"reasons": ["x"]}}
                },
            },
            errors.ContentPolicyError,
        ),
        (
            {"status": 404, "body": {"error": {"code": 404, "message": "gone"}}},
            errors.ModelNotFoundError,
        ),
        (
            {
                "status": 429,
                "body": {"error": {"code": 429, "message": "later"}},
                "headers": {"Retry-After": "3600"},
            },
            errors.RateLimitError,
        ),
        ({"fault": "reset_mid_body"}, errors.APIConnectionError),
        ({"fault": "truncate"}, errors.APIConnectionError),
        ({"fault": "malformed_json"}, errors.InvalidResponseError),
    ],
    ids=[
        "400",
        "401",
        "402",
        "403",
        "404",
        "429-too-long",
        "reset-mid-body",
        "truncate",
        "malformed",
    ],
)
def test_other_faults_raise_their_typed_error_at_once(
    run: Callable[..., Any], emu: Emulator, script: dict[str, Any], expected: type
) -> None:
    emu.script(path=CHAT, **script)
    with pytest.raises(expected) as info:
        run("complete", model=MODEL, messages=USER)
    assert requests_to(emu) == 1  # not retried: a 4xx, or an answer that had already begun
    if isinstance(info.value, errors.APIConnectionError):
        assert info.value.response_started


def test_every_attempt_failing_ends_with_the_last_typed_error(
    run: Callable[..., Any], emu: Emulator
) -> None:
    emu.script(path=CHAT, fault="reset_before_headers", times=3)
    with pytest.raises(errors.APIConnectionError):
        run(
            "complete",
            model=MODEL,
            messages=USER,
            client={"max_retries": 2, "retry_maybe_processed": True},
        )
    assert requests_to(emu) == 3
    assert emu.ledger.requests == 0


def test_faults_on_other_endpoints(run: Callable[..., Any], emu: Emulator) -> None:
    emu.script(path="/models", fault="reset_before_headers")
    assert len(run("list_models")) > 5  # a GET has no effect to repeat: retried
    assert requests_to(emu, "/models") == 2
    emu.script(path="/key", fault="malformed_json")
    with pytest.raises(errors.InvalidResponseError):
        run("key_info")


def test_stream_faults(emu: Emulator) -> None:
    with Client(api_key=emu.api_key, base_url=emu.base_url) as client:
        emu.script(path=CHAT, fault="reset_before_headers")
        with pytest.raises(errors.MaybeProcessedConnectionError):
            client.stream(model=MODEL, messages=USER).final_response()
        assert requests_to(emu) == 1  # sent in full, then reset: it may be generating
        emu.script(path=CHAT, fault="reset_before_headers")
        stream = client.with_options(retry_maybe_processed=True).stream(model=MODEL, messages=USER)
        assert stream.final_response().text
        assert stream.attempts == 2  # asked for: retried
        emu.script_stream(chunks=20, cut_after=5)
        with pytest.raises(errors.APIConnectionError):
            client.stream(model=MODEL, messages=USER).final_response()
        assert requests_to(emu) == 4  # the cut stream had delivered content: never retried


@pytest.fixture
def real_waits() -> Iterator[list[RetryDetails]]:
    """Turn stamina's testing mode off for one test and record every scheduled retry."""
    scheduled: list[RetryDetails] = []
    hooks = get_on_retry_hooks()
    set_on_retry_hooks([scheduled.append])
    try:
        with stamina.set_testing(False):
            yield scheduled
    finally:
        set_on_retry_hooks(hooks)


def test_retry_after_is_waited_for(emu: Emulator, real_waits: list[RetryDetails]) -> None:
    emu.script(
        path=CHAT,
        status=429,
        body={"error": {"code": 429, "message": "slow"}},
        headers={"retry-after-ms": "250"},
    )
    with Client(api_key=emu.api_key, base_url=emu.base_url) as client:
        started = time.monotonic()
        reply = client.complete(model=MODEL, messages=USER)
        elapsed = time.monotonic() - started
    assert reply.attempts == 2
    assert [d.wait_for for d in real_waits] == [0.25]
    assert elapsed >= 0.25
    assert isinstance(real_waits[0].caused_by, errors.RateLimitError)


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_retry_after_is_waited_for_async(
    emu: Emulator, real_waits: list[RetryDetails], async_transport: str
) -> None:
    emu.script(
        path=CHAT,
        status=503,
        body={"error": {"code": 503, "message": "busy"}},
        headers={"Retry-After": "0.2"},
    )
    async with AsyncClient(
        api_key=emu.api_key, base_url=emu.base_url, transport=async_transport
    ) as client:
        started = time.monotonic()
        reply = await client.complete(model=MODEL, messages=USER)
        assert time.monotonic() - started >= 0.2
    assert reply.attempts == 2
    assert [d.wait_for for d in real_waits] == [0.2]


def test_retry_after_as_an_http_date(emu: Emulator) -> None:
    when = formatdate(time.time() + 30, usegmt=True)
    emu.script(
        path=CHAT,
        status=429,
        body={"error": {"code": 429, "message": "slow"}},
        headers={"Retry-After": when},
    )
    with Client(api_key=emu.api_key, base_url=emu.base_url, max_retries=0) as client:
        with pytest.raises(errors.RateLimitError) as info:
            client.complete(model=MODEL, messages=USER)
        assert 28 <= info.value.retry_after <= 31
        assert (
            client._retry.backoff_hook(info.value) == info.value.retry_after
        )  # waited, capped at 60 s


@pytest.mark.parametrize("header", ["Retry-After", "retry-after-ms"])
def test_a_negative_retry_after_falls_back_to_the_backoff(
    emu: Emulator, real_waits: list[RetryDetails], header: str
) -> None:
    # F16: "-30" used to be read as "retry now", skipping the backoff.
    emu.script(
        path=CHAT,
        status=429,
        body={"error": {"code": 429, "message": "slow down"}},
        headers={header: "-30"},
    )
    options = {"backoff_initial": 0.05, "backoff_max": 0.05}
    with Client(api_key=emu.api_key, base_url=emu.base_url, **options) as client:
        reply = client.complete(model=MODEL, messages=USER)
    assert reply.attempts == 2
    assert [d.wait_for for d in real_waits] == [pytest.approx(0.05)]  # the backoff, not 0
