"""Guard rails for speed, without timing: what a request must not build again.

Counting calls instead of seconds: after the first request of each kind, further requests build
no converter, no cattrs hook, no httpx client and no retry machinery.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import stamina
from pytest_httpx import HTTPXMock, IteratorStream

from openrouter_kit._core import convert, wire
from openrouter_kit._core.config import Config
from openrouter_kit._core.wire import CHAT_COMPLETIONS
from openrouter_kit._http import RequestBuilder, http_timeout
from tests.conftest import CANARY_KEY
from tests.shells.conftest import call
from tests.shells.test_stream import BODY, SSE_HEADERS, collect

pytestmark = pytest.mark.anyio
USER = [{"role": "user", "content": "Hi"}]
OK = {
    "id": "gen-1",
    "model": "a/x",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}}],
    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2, "cost": 0.1},
}
MODELS = {
    "data": [{"id": f"a/m{i}", "pricing": {"prompt": "0", "completion": "0"}} for i in range(5)]
}


def _built() -> dict[str, int]:
    """How many converters and cattrs hooks exist so far."""
    both = convert.converters()
    return {
        "converters": convert.converters.cache_info().misses,
        "structure hooks": sum(
            c._structure_func.dispatch.cache_info().misses for c in (both.fast, both.strict)
        ),
        "unstructure hooks": both.fast._unstructure_func.dispatch.cache_info().misses,
        "fillers": len(convert._FILLERS),
    }


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def wrap(self, fn: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return fn(*args, **kwargs)

        return counted


async def _one_of_each(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=OK)
    await call(client.complete(model="a/x", messages=USER, temperature=0.5))
    httpx_mock.add_response(stream=IteratorStream(BODY), headers=SSE_HEADERS)
    chunks = await collect(client.stream(model="a/x", messages=USER))
    assert [c.delta for c in chunks]  # typed chunks built
    httpx_mock.add_response(json=MODELS)
    models = await call(client.list_models())
    assert models[0].pricing.prompt == 0  # lazy models filled in


async def test_requests_after_the_first_build_nothing_again(
    client: Any, httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _one_of_each(client, httpx_mock)  # the first of each kind builds what it needs
    before = _built()
    clients, retries = Counter(), Counter()
    monkeypatch.setattr(httpx.Client, "__init__", clients.wrap(httpx.Client.__init__))
    monkeypatch.setattr(httpx.AsyncClient, "__init__", clients.wrap(httpx.AsyncClient.__init__))
    monkeypatch.setattr(stamina, "retry_context", retries.wrap(stamina.retry_context))
    for _ in range(10):
        await _one_of_each(client, httpx_mock)
    assert _built() == before
    assert clients.calls == 0  # one connection pool per client
    assert retries.calls == 0  # no retry machinery for calls that succeed at once


async def test_a_retried_call_still_counts_its_attempts(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    client = make_client(max_retries=2)
    busy = {"error": {"code": 503, "message": "busy"}}
    httpx_mock.add_response(status_code=503, json=busy)
    httpx_mock.add_response(status_code=503, json=busy)
    httpx_mock.add_response(json=OK)
    reply = await call(client.complete(model="a/x", messages=USER))
    assert reply.attempts == 3
    assert len(httpx_mock.get_requests()) == 3


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("query", ["", "?id=gen-1"])
def test_our_requests_are_what_httpx_would_build(stream: bool, query: str) -> None:
    config = Config.from_env({"OPENROUTER_API_KEY": CANARY_KEY}, timeout={"connect": 2, "read": 9})
    wire_request = wire.build_request(config, CHAT_COMPLETIONS, body=b"{}", stream=stream)
    url = wire_request.url + query
    with httpx.Client(headers={"X-Pool": "default"}) as http:
        builder = RequestBuilder(http)
        for _ in range(2):  # the second one comes from the caches
            ours = builder.build("POST", url, wire_request.headers, b"{}", config.timeout)
            theirs = http.build_request(
                "POST",
                url,
                headers=wire_request.headers,
                content=b"{}",
                timeout=http_timeout(config.timeout),
            )
            assert ours.headers.multi_items() == theirs.headers.multi_items()
            assert (ours.method, ours.url, ours.content) == (theirs.method, theirs.url, b"{}")
            assert ours.extensions == theirs.extensions


async def test_text_chunks_are_filled_without_the_general_converter(
    client: Any, httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading ``chunk.choices[0].delta.content`` builds one chunk, one choice and one delta per
    text chunk through the shortcut; only the usage chunk takes the general filler."""
    from openrouter_kit._generated.models import StreamChunk

    taken: list[bool] = []
    fast = convert._FAST_FILLERS[StreamChunk]

    def counted(obj: Any, payload: dict[str, Any]) -> bool:
        taken.append(fast(obj, payload))
        return taken[-1]

    monkeypatch.setitem(convert._FAST_FILLERS, StreamChunk, counted)
    httpx_mock.add_response(stream=IteratorStream(BODY), headers=SSE_HEADERS)
    chunks = await collect(client.stream(model="a/x", messages=USER))
    texts = [c.choices[0].delta.content for c in chunks if c.choices]
    assert texts == ["Hel", "lo", ""]
    assert chunks[-1].usage is not None
    assert taken == [True, True, True, False]  # the usage chunk: the general filler
