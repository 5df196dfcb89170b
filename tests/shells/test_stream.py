"""client.stream() for both shells, through pytest-httpx."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock, IteratorStream

from openrouter_kit import Client, StreamChunk, errors
from tests.shells.conftest import call

pytestmark = pytest.mark.anyio
USER = [{"role": "user", "content": "Hi"}]
HEAD = {
    "id": "gen-s1",
    "object": "chat.completion.chunk",
    "created": 1,
    "model": "a/b",
    "provider": "P",
}
USAGE = {"prompt_tokens": 4, "completion_tokens": 2, "total_tokens": 6, "cost": 0.25}
SSE_HEADERS = {"content-type": "text/event-stream"}


def event(**fields: Any) -> bytes:
    return b"data: " + json.dumps({**HEAD, **fields}).encode() + b"\n\n"


def text(content: str, finish: str | None = None) -> bytes:
    return event(choices=[{"index": 0, "delta": {"content": content}, "finish_reason": finish}])


BODY = [
    b": OPENROUTER PROCESSING\n\n",
    text("Hel"),
    text("lo"),
    text("", "stop"),
    event(choices=[], usage=USAGE),
    b"data: [DONE]\n\n",
]


async def collect(stream: Any) -> list[StreamChunk]:
    if hasattr(stream, "__anext__"):
        return [chunk async for chunk in stream]
    return list(stream)


async def enter(stream: Any) -> Any:
    return await stream.__aenter__() if hasattr(stream, "__aenter__") else stream.__enter__()


async def leave(stream: Any) -> None:
    await call(
        stream.__aexit__(None, None, None)
        if hasattr(stream, "__aexit__")
        else stream.__exit__(None, None, None)
    )


async def test_stream_yields_chunks_and_the_final_response(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(stream=IteratorStream(BODY), headers=SSE_HEADERS)
    stream = client.stream(model="a/b", messages=USER, temperature=0.5)
    assert httpx_mock.get_requests() == []  # nothing is sent before iteration starts
    chunks = await collect(stream)
    assert [c.text for c in chunks] == ["Hel", "lo", "", ""]
    reply = await call(stream.final_response())
    assert reply.text == "Hello"
    assert reply.usage.total_tokens == 6
    assert reply.cost == Decimal("0.25")
    assert reply.attempts == 1
    assert reply.time_to_first_token is not None
    assert reply.latency >= reply.time_to_first_token
    assert (stream.chunk_count, stream.comment_count) == (4, 1)
    sent = httpx_mock.get_requests()[0]
    assert json.loads(sent.content) == {
        "model": "a/b",
        "messages": USER,
        "temperature": 0.5,
        "stream": True,
    }
    assert sent.headers["accept"] == "text/event-stream"
    usage = client.usage
    assert (usage.requests, usage.total_tokens, usage.cost) == (1, 6, Decimal("0.25"))
    await call(stream.final_response())  # asking again does not count the stream twice
    assert client.usage.requests == 1


async def test_text_stream_and_context_manager(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(stream=IteratorStream(BODY), headers=SSE_HEADERS)
    stream = await enter(client.stream(model="a/b", messages=USER))
    assert len(httpx_mock.get_requests()) == 1  # entering the block sends the request
    texts = stream.text_stream
    pieces = [t async for t in texts] if hasattr(texts, "__anext__") else list(texts)
    assert pieces == ["Hel", "lo"]
    await leave(stream)


async def test_a_bad_status_before_the_stream_raises_like_complete_and_is_retried(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(status_code=503, json={"error": {"code": 503, "message": "busy"}})
    httpx_mock.add_response(stream=IteratorStream(BODY), headers=SSE_HEADERS)
    stream = client.stream(model="a/b", messages=USER)
    assert [c.text for c in await collect(stream)][:2] == ["Hel", "lo"]
    assert stream.attempts == 2
    httpx_mock.add_response(status_code=401, json={"error": {"code": 401, "message": "bad key"}})
    with pytest.raises(errors.AuthenticationError, match="bad key"):
        await collect(client.stream(model="a/b", messages=USER))


async def test_a_json_error_with_status_200_and_a_whole_completion(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json={"error": {"code": 402, "message": "no credits"}})
    with pytest.raises(errors.InsufficientCreditsError):
        await collect(client.stream(model="a/b", messages=USER))
    httpx_mock.add_response(json={"id": "x", "choices": []})
    with pytest.raises(errors.InvalidResponseError, match="not an event stream"):
        await collect(client.stream(model="a/b", messages=USER))


async def test_invalid_requests_fail_at_call_time(client: Any) -> None:
    with pytest.raises(errors.ValidationError, match="temperature"):
        client.stream(model="a/b", messages=USER, temperature=9)
    with pytest.raises(errors.ValidationError, match="complete"):
        client.stream(model="a/b", messages=USER, stream=False)


async def test_mid_stream_error_event(client: Any, httpx_mock: HTTPXMock) -> None:
    error = {
        "code": 502,
        "message": "Provider disconnected",
        "metadata": {"error_type": "provider_unavailable"},
    }
    body = [
        text("par"),
        text("tial"),
        event(
            error=error, choices=[{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}]
        ),
    ]
    httpx_mock.add_response(stream=IteratorStream(body), headers=SSE_HEADERS)
    stream = client.stream(model="a/b", messages=USER)
    seen: list[str] = []

    async def consume() -> None:
        async for chunk in _iterate(stream):
            seen.append(chunk.text)

    with pytest.raises(errors.StreamError) as info:
        await consume()
    assert seen == ["par", "tial"]
    assert (info.value.code, info.value.metadata) == (502, {"error_type": "provider_unavailable"})
    assert info.value.response.text == "partial"
    assert client.usage.requests == 1


class _Broken(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces

    def __iter__(self) -> Iterator[bytes]:
        yield from self.pieces
        raise httpx.ReadError("connection reset by peer")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            yield piece
        raise httpx.ReadError("connection reset by peer")


async def test_a_connection_that_drops_mid_stream(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(stream=_Broken([text("Hel")]), headers=SSE_HEADERS)
    with pytest.raises(errors.APIConnectionError, match="broke after 1 chunk") as info:
        await collect(client.stream(model="a/b", messages=USER))
    assert info.value.response.text == "Hel"


async def test_a_body_that_ends_without_finish_or_done(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(stream=IteratorStream([text("Hel")]), headers=SSE_HEADERS)
    with pytest.raises(errors.APIConnectionError, match="incomplete"):
        await collect(client.stream(model="a/b", messages=USER))


async def test_malformed_event(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        stream=IteratorStream([text("a"), b"data: {oops\n\n"]), headers=SSE_HEADERS
    )
    with pytest.raises(errors.InvalidResponseError, match="oops"):
        await collect(client.stream(model="a/b", messages=USER))


async def test_a_line_or_event_past_max_event_bytes_ends_the_stream(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    # issue 14, F8: a server that never ends a line (or an event) cannot fill the memory
    client = make_client(max_event_bytes=4096)
    assert client._config.max_event_bytes == 4096
    endless = [text("a"), b"data: ", *([b"x" * 1000] * 10)]
    httpx_mock.add_response(stream=IteratorStream(endless), headers=SSE_HEADERS)
    stream = client.stream(model="a/b", messages=USER)
    with pytest.raises(errors.InvalidResponseError, match="a line longer than 4096 bytes"):
        await collect(stream)
    lines = [text("a"), *([b"data: " + b"y" * 500 + b"\n"] * 10), b"\n"]
    httpx_mock.add_response(stream=IteratorStream(lines), headers=SSE_HEADERS)
    with pytest.raises(errors.InvalidResponseError, match="an event longer than 4096 bytes"):
        await collect(client.stream(model="a/b", messages=USER))


async def test_max_event_bytes_must_be_a_positive_number_of_bytes(make_client: Any) -> None:
    assert make_client()._config.max_event_bytes == 16 * 2**20
    for bad in (0, -5, 1.5, True, "big"):
        with pytest.raises(errors.ConfigurationError, match="max_event_bytes must be a positive"):
            make_client(max_event_bytes=bad)


async def test_closing_early_records_the_request_without_tokens(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(stream=IteratorStream(BODY), headers=SSE_HEADERS)
    stream = client.stream(model="a/b", messages=USER)
    async for chunk in _iterate(stream):
        assert chunk.text == "Hel"
        break
    await call(stream.close())
    assert (client.usage.requests, client.usage.total_tokens) == (1, 0)
    assert (await call(stream.final_response())).text == "Hel"
    assert await collect(stream) == []  # a closed stream yields nothing more
    never_sent = client.stream(model="a/b", messages=USER)
    await call(never_sent.close())
    assert client.usage.requests == 1  # a stream never opened sent nothing and counts nothing


async def test_closing_early_takes_in_what_was_already_read(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    """The whole answer arrived in one read: leaving after its first chunk still records the
    usage it carried (it was received), and the answer is whole, not partial."""
    httpx_mock.add_response(stream=IteratorStream([b"".join(BODY)]), headers=SSE_HEADERS)
    stream = client.stream(model="a/b", messages=USER)
    async for chunk in _iterate(stream):
        assert chunk.text == "Hel"
        break
    await call(stream.close())
    assert (client.usage.requests, client.usage.total_tokens) == (1, 6)
    assert client.usage.cost == Decimal("0.25")
    reply = await call(stream.final_response())
    assert (reply.text, reply.partial, stream.partial) == ("Hello", False, False)


async def test_closing_early_stops_taking_in_at_an_error_event(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    failing = event(error={"code": 502, "message": "down"}, choices=[])
    body = [text("Hel"), text("lo"), failing, event(choices=[], usage=USAGE)]
    httpx_mock.add_response(stream=IteratorStream([b"".join(body)]), headers=SSE_HEADERS)
    stream = client.stream(model="a/b", messages=USER)
    async for _ in _iterate(stream):
        break
    await call(stream.close())  # the error event ends the draining, silently
    assert (client.usage.requests, client.usage.total_tokens) == (1, 0)
    assert (await call(stream.final_response())).text == "Hello"


async def _iterate(stream: Any) -> AsyncIterator[StreamChunk]:
    if isinstance(getattr(stream, "_client", None), Client):
        for chunk in stream:
            yield chunk
    else:
        async for chunk in stream:
            yield chunk


async def test_a_stream_that_failed_to_open_is_never_sent_again(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    client = make_client(max_retries=0)
    httpx_mock.add_response(status_code=503, json={"error": {"code": 503, "message": "busy"}})
    stream = client.stream(model="a/b", messages=USER)
    with pytest.raises(errors.ModelUnavailableError) as info:
        await enter(stream)
    for again in (
        lambda: enter(stream),
        lambda: collect(stream),
        lambda: call(stream.final_response()),
    ):
        with pytest.raises(RuntimeError, match="failed to open") as later:
            await again()
        assert later.value.__cause__ is info.value
    assert len(httpx_mock.get_requests()) == 1  # one request, whatever the caller tries next


async def test_chunks_before_an_error_event_in_the_same_read_arrive_first(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    error = b'data: {"error": {"code": 502, "message": "provider died"}}\n\n'
    httpx_mock.add_response(
        stream=IteratorStream([text("Hel") + text("lo") + error]), headers=SSE_HEADERS
    )
    got: list[str] = []

    async def read(stream: Any) -> None:
        if hasattr(stream, "__anext__"):
            async for chunk in stream:
                got.append(chunk.text)
        else:
            for chunk in stream:
                got.append(chunk.text)

    with pytest.raises(errors.StreamError, match="provider died") as info:
        await read(client.stream(model="a/b", messages=USER))
    assert got == ["Hel", "lo"]
    assert info.value.response.text == "Hello"
