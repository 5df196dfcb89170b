"""Streams over real loopback sockets against the emulator: parity, errors, cancellation, leaks."""

from __future__ import annotations

import gc
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import anyio
import httpx
import pytest

from openrouter_kit import AsyncClient, Client, CompletionResponse, errors
from openrouter_kit.testing import Emulator

USER = [{"role": "user", "content": "Stream me a story"}]
MODEL = "openai/gpt-4o-mini"


def _tool(name: str, argument: str) -> dict[str, Any]:
    properties = {argument: {"type": "string"}}
    return {
        "type": "function",
        "function": {"name": name, "parameters": {"type": "object", "properties": properties}},
    }


TOOLS = [_tool("search", "query"), _tool("lookup", "term")]


@pytest.fixture
def client(emu: Emulator) -> Iterator[Client]:
    with Client(api_key=emu.api_key, base_url=emu.base_url, max_retries=1) as c:
        yield c


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def wait_for(condition: Callable[[], bool], seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def same_answer(streamed: CompletionResponse, whole: CompletionResponse) -> None:
    assert streamed.model == whole.model
    assert streamed.provider == whole.provider
    assert streamed.usage == whole.usage
    assert streamed.choices == whole.choices  # content, reasoning, tool calls, finish reasons


@pytest.mark.parametrize(
    "params",
    [
        {"model": MODEL},
        {"model": "deepseek/deepseek-r1", "reasoning": {"effort": "high"}},
        {"model": MODEL, "tools": TOOLS, "tool_choice": "required"},
        {"model": MODEL, "max_tokens": 5},
    ],
    ids=["text", "reasoning", "parallel-tools", "cut-by-max-tokens"],
)
def test_final_response_equals_complete(
    client: Client, emu: Emulator, params: dict[str, Any]
) -> None:
    whole = client.complete(messages=USER, **params)
    with client.stream(messages=USER, **params) as stream:
        chunks = list(stream)
    streamed = stream.final_response()
    same_answer(streamed, whole)
    assert len(chunks) == stream.chunk_count
    assert stream.comment_count >= 1
    assert streamed.time_to_first_token is not None
    assert 0 < streamed.time_to_first_token <= streamed.latency
    ours, ledger = client.usage, emu.ledger.snapshot()
    assert (
        (ours.requests, ours.total_tokens)
        == (ledger.requests, ledger.total_tokens)
        == (2, 2 * whole.usage.total_tokens)
    )
    assert ours.cost == emu.ledger.cost_decimal


def test_tool_call_arguments_arrive_interleaved_but_merge_per_call(client: Client) -> None:
    with client.stream(model=MODEL, messages=USER, tools=TOOLS, tool_choice="required") as stream:
        indexes = [
            tc.index
            for chunk in stream
            if chunk.delta and chunk.delta.tool_calls
            for tc in chunk.delta.tool_calls
        ]
    assert indexes[:2] == [0, 1]
    assert 0 in indexes[2:]
    assert 1 in indexes[2:]
    calls = stream.final_response().choices[0].message.tool_calls
    assert [c.function.name for c in calls] == ["search", "lookup"]
    assert calls[0].function.arguments == '{"query": "Stream me a story"}'


def test_text_stream_keepalives_and_usage_styles(client: Client, emu: Emulator) -> None:
    emu.script_stream(chunks=12, keepalive_every=3, usage_style="empty_delta", done=False)
    stream = client.stream(model=MODEL, messages=USER)
    pieces = list(stream.text_stream)
    assert len(pieces) == 12
    reply = stream.final_response()
    assert reply.text == "".join(pieces)
    assert reply.usage.completion_tokens == 12
    assert stream.comment_count >= 4
    assert client.usage.total_tokens == emu.ledger.total_tokens


def test_mid_stream_error_after_the_chunks_before_it(client: Client, emu: Emulator) -> None:
    emu.script_stream(chunks=10, error_after=4)
    seen: list[str] = []

    def consume() -> None:
        for chunk in client.stream(model=MODEL, messages=USER):
            seen.append(chunk.text)

    with pytest.raises(errors.StreamError) as info:
        consume()
    assert len([s for s in seen if s]) == 4
    assert (info.value.code, info.value.message) == (502, "Provider disconnected")
    assert info.value.metadata == {"error_type": "provider_unavailable"}
    assert info.value.response.text == "".join(seen)
    assert client.usage.requests == 1


def test_a_cut_connection_is_an_error_not_a_short_answer(client: Client, emu: Emulator) -> None:
    emu.script_stream(chunks=10, cut_after=3)
    stream = client.stream(model=MODEL, messages=USER)
    with pytest.raises(errors.APIConnectionError, match="broke after") as info:
        stream.final_response()
    assert info.value.response.text
    assert client.usage.requests == 1
    assert client.usage.total_tokens == 0  # no usage chunk arrived


def test_malformed_json_in_an_event(client: Client, emu: Emulator) -> None:
    emu.script_stream(chunks=5, malformed_after=2)
    with pytest.raises(
        errors.InvalidResponseError, match=r'malformed JSON.*\{"id": "gen-x", "choices": \['
    ):
        client.stream(model=MODEL, messages=USER).final_response()


def test_errors_before_the_stream_are_typed_like_complete(client: Client, emu: Emulator) -> None:
    emu.error(402, "Insufficient credits", path="/chat/completions")
    with pytest.raises(errors.InsufficientCreditsError):
        client.stream(model=MODEL, messages=USER).final_response()
    emu.error(503, "No available providers", path="/chat/completions")
    stream = client.stream(model=MODEL, messages=USER)
    assert stream.final_response().text
    assert stream.attempts == 2
    with pytest.raises(errors.ModelNotFoundError):
        client.stream(model="nobody/nothing", messages=USER).final_response()


@pytest.mark.parametrize("how", ["leave-with", "break", "close", "drop"])
def test_abandoning_a_stream_disconnects_at_once(client: Client, emu: Emulator, how: str) -> None:
    emu.script_stream(chunks=400, delay=0.005)
    if how == "leave-with":
        with client.stream(model=MODEL, messages=USER) as stream:
            next(stream)
    elif how == "break":
        for _ in client.stream(model=MODEL, messages=USER):
            break
    elif how == "close":
        stream = client.stream(model=MODEL, messages=USER)
        next(stream)
        stream.close()
    else:
        stream = client.stream(model=MODEL, messages=USER)
        next(stream)
        del stream
    assert wait_for(lambda: emu.disconnects == 1)
    assert client.usage.requests == 1


def test_no_connection_leaks_with_a_small_pool(emu: Emulator) -> None:
    http = httpx.Client(limits=httpx.Limits(max_connections=2), timeout=httpx.Timeout(10, pool=2))
    with Client(
        api_key=emu.api_key, base_url=emu.base_url, http_client=http, max_retries=0
    ) as client:
        emu.script_stream(chunks=50, delay=0.002, times=50)
        for _ in range(50):
            for _chunk in client.stream(model=MODEL, messages=USER):
                break
        assert client.complete(model=MODEL, messages=USER).text  # the pool still has room
        assert client.usage.requests == 51
    http.close()


@pytest.mark.anyio
async def test_async_streams_match_complete_and_clean_up(
    emu: Emulator, async_transport: str
) -> None:
    async with AsyncClient(
        api_key=emu.api_key, base_url=emu.base_url, transport=async_transport
    ) as client:
        whole = await client.complete(model="deepseek/deepseek-r1", messages=USER, reasoning={})
        async with client.stream(
            model="deepseek/deepseek-r1", messages=USER, reasoning={}
        ) as stream:
            texts = [t async for t in stream.text_stream]
        streamed = await stream.final_response()
        same_answer(streamed, whole)
        assert "".join(texts) == whole.text
        chunks = [c async for c in client.stream(model=MODEL, messages=USER)]  # the seed's form
        assert chunks
        # Breaking out inside `async with`, and cancelling the task, both disconnect at once.
        emu.script_stream(chunks=400, delay=0.005, times=2)
        async with client.stream(model=MODEL, messages=USER) as stream:
            async for _ in stream:
                break
        with anyio.move_on_after(0.05):
            async for _ in client.stream(model=MODEL, messages=USER):
                pass
        with anyio.fail_after(3):
            while emu.disconnects < 2:
                await anyio.sleep(0.01)
        assert client.usage.requests == 5


@pytest.mark.anyio
async def test_async_mid_stream_error_and_dropped_stream(
    emu: Emulator, async_transport: str
) -> None:
    async with AsyncClient(
        api_key=emu.api_key, base_url=emu.base_url, transport=async_transport
    ) as client:
        emu.script_stream(chunks=6, error_after=2)
        with pytest.raises(errors.StreamError):
            await client.stream(model=MODEL, messages=USER).final_response()
        emu.script_stream(chunks=400, delay=0.005)
        stream = client.stream(model=MODEL, messages=USER)
        await stream.__anext__()
        with warnings.catch_warnings():  # trio rightly warns that `async with` was not used
            warnings.simplefilter("ignore", ResourceWarning)
            del stream
            gc.collect()
        with anyio.fail_after(3):
            while emu.disconnects < 1:
                await anyio.sleep(0.01)
        assert client.usage.requests == 2


@pytest.mark.anyio
async def test_no_connection_leaks_with_a_small_async_pool(emu: Emulator) -> None:
    http = httpx.AsyncClient(
        limits=httpx.Limits(max_connections=2), timeout=httpx.Timeout(10, pool=2)
    )
    async with AsyncClient(
        api_key=emu.api_key, base_url=emu.base_url, http_client=http, max_retries=0
    ) as client:
        emu.script_stream(chunks=50, delay=0.002, times=50)
        for _ in range(50):
            async with client.stream(model=MODEL, messages=USER) as stream:
                async for _chunk in stream:
                    break
        assert (await client.complete(model=MODEL, messages=USER)).text
        assert client.usage.requests == 51
    await http.aclose()
