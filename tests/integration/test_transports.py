"""Both async transports over real loopback sockets: the same typed errors and timeout names,
the same pool limits, cancellation, and a clear error for aiohttp under trio."""

from __future__ import annotations

import importlib.util
import socket
from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import pytest

from openrouter_kit import AsyncClient, errors
from openrouter_kit import _http as transport_module
from openrouter_kit.testing import Emulator

USER = [{"role": "user", "content": "Which pool sent this?"}]
MODEL = "openai/gpt-4o-mini"
CHAT = "/chat/completions"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def unanswered_port() -> Iterator[int]:
    """A loopback port whose listen backlog is full, so a new connection never completes."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = int(server.getsockname()[1])
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    yield port
    for filler in fillers:
        filler.close()
    server.close()


@pytest.mark.anyio
async def test_a_read_timeout_is_named_read(emu: Emulator, async_transport: str) -> None:
    emu.script(path=CHAT, fault="trickle", trickle_delay=0.3)
    async with AsyncClient(
        api_key=emu.api_key,
        base_url=emu.base_url,
        transport=async_transport,
        max_retries=0,
        timeout={"read": 0.1, "connect": 5, "pool": 5},
    ) as client:
        with pytest.raises(errors.RequestTimeoutError) as info:
            await client.complete(model=MODEL, messages=USER)
    assert info.value.timeout == "read"
    assert "read timeout" in str(info.value)


@pytest.mark.anyio
async def test_a_connect_timeout_is_named_connect(
    unanswered_port: int, async_transport: str
) -> None:
    async with AsyncClient(
        base_url=f"http://127.0.0.1:{unanswered_port}/api/v1",
        transport=async_transport,
        max_retries=0,
        timeout={"connect": 0.2, "read": 5, "pool": 5},
    ) as client:
        with anyio.fail_after(5):
            with pytest.raises(errors.RequestTimeoutError) as info:
                await client.complete(model=MODEL, messages=USER)
    assert info.value.timeout == "connect"


@pytest.mark.anyio
async def test_a_connect_timeout_cut_short_by_the_deadline_is_named_deadline(
    unanswered_port: int, async_transport: str
) -> None:
    async with AsyncClient(
        base_url=f"http://127.0.0.1:{unanswered_port}/api/v1",
        transport=async_transport,
        timeout={"connect": 5, "read": 5, "pool": 5},
        deadline=0.3,
    ) as client:
        with anyio.fail_after(2):
            with pytest.raises(errors.RequestTimeoutError) as info:
                await client.complete(model=MODEL, messages=USER)
    assert info.value.timeout == "deadline"
    assert not isinstance(info.value, errors.MaybeProcessedError)  # nothing was sent


@pytest.mark.anyio
async def test_a_refused_connection_is_a_connection_error(async_transport: str) -> None:
    async with AsyncClient(
        base_url=f"http://127.0.0.1:{free_port()}/api/v1",
        transport=async_transport,
        max_retries=1,
    ) as client:
        with pytest.raises(errors.APIConnectionError, match="ConnectError") as info:
            await client.complete(model=MODEL, messages=USER)
    assert not info.value.response_started


@pytest.mark.anyio
async def test_the_pool_limit_holds_and_its_timeout_is_named_pool(
    emu: Emulator, async_transport: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        transport_module, "LIMITS", httpx.Limits(max_connections=1, max_keepalive_connections=1)
    )
    emu.script(path=CHAT, fault="trickle", trickle_delay=0.02)  # holds the one connection
    async with AsyncClient(
        api_key=emu.api_key,
        base_url=emu.base_url,
        transport=async_transport,
        max_retries=0,
        timeout={"pool": 0.2, "connect": 5, "read": 5},
    ) as client:

        async def hold() -> None:
            await client.complete(model=MODEL, messages=USER)

        async with anyio.create_task_group() as group:
            group.start_soon(hold)
            await anyio.sleep(0.1)
            with pytest.raises(errors.RequestTimeoutError) as info:
                await client.complete(model=MODEL, messages=USER)
            assert info.value.timeout == "pool"
    assert emu.connections_total == 1


@pytest.mark.anyio
async def test_idle_connections_beyond_the_keepalive_limit_are_closed(
    emu: Emulator, async_transport: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        transport_module, "LIMITS", httpx.Limits(max_connections=20, max_keepalive_connections=3)
    )
    async with AsyncClient(
        api_key=emu.api_key, base_url=emu.base_url, transport=async_transport
    ) as client:
        emu.script(path=CHAT, fault="trickle", trickle_delay=0.002, times=10)  # all at once

        async def one() -> None:
            await client.complete(model=MODEL, messages=USER, max_tokens=5)

        async with anyio.create_task_group() as group:
            for _ in range(10):
                group.start_soon(one)
        with anyio.fail_after(3):
            while emu.open_connections > 3:
                await anyio.sleep(0.01)
        assert emu.open_connections <= 3
        assert emu.connections_total > 3


@pytest.mark.anyio
async def test_abandoned_streams_give_their_connections_back(
    emu: Emulator, async_transport: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        transport_module, "LIMITS", httpx.Limits(max_connections=2, max_keepalive_connections=2)
    )
    async with AsyncClient(
        api_key=emu.api_key,
        base_url=emu.base_url,
        transport=async_transport,
        max_retries=0,
        timeout={"pool": 2, "connect": 5, "read": 10},
    ) as client:
        emu.script_stream(chunks=50, delay=0.002, times=30)
        for _ in range(30):
            async with client.stream(model=MODEL, messages=USER) as stream:
                async for _chunk in stream:
                    break
        assert (await client.complete(model=MODEL, messages=USER)).text
        assert client.usage.requests == 31
        with anyio.fail_after(3):
            while emu.disconnects < 30:
                await anyio.sleep(0.01)


@pytest.mark.anyio
async def test_cancelling_a_call_closes_its_connection(emu: Emulator, async_transport: str) -> None:
    emu.script(path=CHAT, fault="trickle", trickle_delay=0.05)
    async with AsyncClient(
        api_key=emu.api_key, base_url=emu.base_url, transport=async_transport
    ) as client:
        with anyio.move_on_after(0.2) as scope:
            await client.complete(model=MODEL, messages=USER)
        assert scope.cancelled_caught
        with anyio.fail_after(3):
            while emu.disconnects < 1 or emu.open_connections:
                await anyio.sleep(0.01)
        assert (await client.complete(model=MODEL, messages=USER)).text  # the pool still works


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["trio"])
async def test_aiohttp_under_trio_is_a_clear_error_not_a_crash(emu: Emulator) -> None:
    pytest.importorskip("httpx_aiohttp", reason="the aiohttp extra is not installed")
    async with AsyncClient(
        api_key=emu.api_key, base_url=emu.base_url, transport="aiohttp"
    ) as client:
        with pytest.raises(errors.ConfigurationError, match=r"asyncio only.*under trio") as info:
            await client.complete(model=MODEL, messages=USER)
        assert "transport='httpx'" in str(info.value)
        with pytest.raises(errors.ConfigurationError):
            await client.stream(model=MODEL, messages=USER).final_response()
    assert emu.requests == []  # nothing was sent, nor retried


# -- the default transport ----------------------------------------------------------------------
def _pool_of(client: AsyncClient) -> str:
    return "aiohttp" if "Aiohttp" in type(client._client()).__name__ else "httpx"


@pytest.mark.anyio
async def test_the_default_under_asyncio_is_aiohttps_pool(emu: Emulator) -> None:
    pytest.importorskip("httpx_aiohttp", reason="the aiohttp extra is not installed")
    async with AsyncClient(api_key=emu.api_key, base_url=emu.base_url) as client:
        assert client._transport is None  # chosen when the pool is built
        assert (await client.complete(model=MODEL, messages=USER)).text
        assert _pool_of(client) == "aiohttp"
        assert isinstance(client._client(), httpx.AsyncClient)  # httpx stays the client


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["trio"])
async def test_the_default_under_trio_is_httpxs_pool(emu: Emulator) -> None:
    async with AsyncClient(api_key=emu.api_key, base_url=emu.base_url) as client:
        assert (await client.complete(model=MODEL, messages=USER)).text
        assert _pool_of(client) == "httpx"


@pytest.mark.anyio
async def test_the_default_keeps_httpx_when_asked_or_needed(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = {"api_key": emu.api_key, "base_url": emu.base_url}
    assert _pool_of(AsyncClient(**options, transport="httpx")) == "httpx"
    assert AsyncClient(**options, http2=True)._transport == "httpx"
    theirs = AsyncClient(**options, http_client=httpx.AsyncClient())
    assert theirs._transport == "httpx"
    find_spec = importlib.util.find_spec

    def without_it(name: str, *args: Any) -> Any:
        return None if name == "httpx_aiohttp" else find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", without_it)
    async with AsyncClient(**options) as client:  # not installed: httpx's pool, no error
        assert (await client.complete(model=MODEL, messages=USER)).text
        assert _pool_of(client) == "httpx"


def test_outside_an_event_loop_the_default_is_httpx() -> None:
    assert transport_module.default_transport() == "httpx"


@pytest.mark.anyio
async def test_a_mocked_httpx_keeps_the_default_on_httpx(httpx_mock: Any) -> None:
    """pytest-httpx (and respx) patch httpx's transport: the mock must see the requests."""
    httpx_mock.add_response(
        url="https://openrouter.ai/api/v1/chat/completions",
        json={
            "id": "gen-1",
            "model": MODEL,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "mocked"},
                    "finish_reason": "stop",
                }
            ],
        },
    )
    async with AsyncClient(api_key="sk-test") as client:
        assert (await client.complete(model=MODEL, messages=USER)).text == "mocked"
        assert _pool_of(client) == "httpx"


@pytest.mark.anyio
async def test_the_default_pool_never_scans_httpcores_connections(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under asyncio the default sends through aiohttp's pool: httpcore's pool, which walks
    every connection (with a socket poll each) for every request, is never asked."""
    pytest.importorskip("httpx_aiohttp", reason="the aiohttp extra is not installed")
    import httpcore

    scans = 0
    assign = httpcore.AsyncConnectionPool._assign_requests_to_connections

    def counted(self: Any) -> Any:
        nonlocal scans
        scans += 1
        return assign(self)

    monkeypatch.setattr(httpcore.AsyncConnectionPool, "_assign_requests_to_connections", counted)
    async with AsyncClient(api_key=emu.api_key, base_url=emu.base_url) as client:

        async def one() -> None:
            await client.complete(model=MODEL, messages=USER, max_tokens=3)

        async with anyio.create_task_group() as group:
            for _ in range(64):
                group.start_soon(one)
    assert scans == 0
    assert emu.connections_total <= 64
