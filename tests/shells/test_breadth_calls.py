"""The calls of issue 16 part A (embeddings, rerank, the model listings, providers, stored
generation content) through pytest-httpx, one body for both shells: every error status the spec
documents for each operation maps to its exception, requests are built as documented (query
strings, bodies), and bad arguments are refused before anything is sent."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from pytest_httpx import HTTPXMock

from openrouter_kit import RerankDocument, errors
from tests.shells.conftest import BASE, call

pytestmark = pytest.mark.anyio

EMBEDDER = "openai/text-embedding-3-small"
RERANKER = "cohere/rerank-v3.5"
MODEL = {
    "id": "openai/gpt-4o",
    "name": "GPT-4o",
    "pricing": {"prompt": "0.0000025", "completion": "0.00001"},
}

#: Each operation: how to call it, its method and path, a 200 body, and the error statuses the
#: spec (openapi-subset.json) documents for it.
OPERATIONS: dict[str, tuple[Callable[[Any], Any], str, str, Any, tuple[int, ...]]] = {
    "embed": (
        lambda c: c.embed("x", model=EMBEDDER),
        "POST",
        "/embeddings",
        {"data": [{"object": "embedding", "index": 0, "embedding": [0.5]}], "model": EMBEDDER},
        (400, 401, 402, 404, 408, 413, 429, 500, 502, 503, 524, 529),
    ),
    "rerank": (
        lambda c: c.rerank("q", ["d"], model=RERANKER),
        "POST",
        "/rerank",
        {"results": [{"index": 0, "relevance_score": 0.5, "document": {"text": "d"}}]},
        (400, 401, 402, 404, 429, 500, 502, 503, 524, 529),
    ),
    "list_models": (
        lambda c: c.list_models(category="programming"),
        "GET",
        "/models",
        {"data": [MODEL]},
        (400, 403, 500),
    ),
    "list_user_models": (
        lambda c: c.list_user_models(),
        "GET",
        "/models/user",
        {"data": [MODEL]},
        (401, 403, 404, 500),
    ),
    "list_embedding_models": (
        lambda c: c.list_embedding_models(),
        "GET",
        "/embeddings/models",
        {"data": [{**MODEL, "id": EMBEDDER}]},
        (400, 500),
    ),
    "count_models": (
        lambda c: c.count_models(),
        "GET",
        "/models/count",
        {"data": {"count": 3}},
        (400, 403, 500),
    ),
    "model_info": (
        lambda c: c.model_info("openai/gpt-4o"),
        "GET",
        "/model/openai/gpt-4o",
        {"data": MODEL},
        (403, 404, 500),
    ),
    "list_providers": (
        lambda c: c.list_providers(),
        "GET",
        "/providers",
        {"data": [{"slug": "openai", "name": "OpenAI"}]},
        (500,),
    ),
    "generation_content": (
        lambda c: c.generation_content("gen-1"),
        "GET",
        "/generation/content",
        {"data": {"input": {"prompt": "x"}, "output": {"completion": "y", "reasoning": None}}},
        (401, 403, 404, 429, 500, 502, 524, 529),
    ),
}
CASES = [
    pytest.param(name, status, id=f"{name}-{status}")
    for name, (*_, statuses) in OPERATIONS.items()
    for status in statuses
]


@pytest.mark.parametrize(("name", "status"), CASES)
async def test_each_documented_error_status_maps_to_its_exception(
    make_client: Any, httpx_mock: HTTPXMock, name: str, status: int
) -> None:
    invoke, method, path, _, _ = OPERATIONS[name]
    httpx_mock.add_response(
        status_code=status,
        json={"error": {"code": status, "message": "Something went wrong"}},
        headers={"x-request-id": "req-7"},
    )
    client = make_client(max_retries=0)
    with pytest.raises(errors.OpenRouterError) as caught:
        await call(invoke(client))
    assert type(caught.value) is errors.STATUS_TO_ERROR[status]
    assert caught.value.status_code == status
    assert caught.value.request_id == "req-7"
    (sent,) = httpx_mock.get_requests()
    assert (sent.method, urlsplit(str(sent.url)).path) == (method, "/api/v1" + path)


@pytest.mark.parametrize("name", list(OPERATIONS))
async def test_each_call_parses_its_answer(client: Any, httpx_mock: HTTPXMock, name: str) -> None:
    invoke, method, path, body, _ = OPERATIONS[name]
    httpx_mock.add_response(json=body)
    assert await call(invoke(client)) is not None
    (sent,) = httpx_mock.get_requests()
    assert sent.method == method
    assert urlsplit(str(sent.url)).path == "/api/v1" + path


# -- request building ------------------------------------------------------------------------------
def query_of(httpx_mock: HTTPXMock) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(str(httpx_mock.get_requests()[-1].url)).query)


async def test_list_models_sends_its_filters_as_the_query(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json={"data": [MODEL]}, is_reusable=True)
    await call(
        client.list_models(
            category="programming",
            supported_parameters=["tools", "seed"],
            output_modalities=["text", "image"],
            sort="newest",
            max_price=5,
            offset=0,
            limit=10,
        )
    )
    assert query_of(httpx_mock) == [
        ("category", "programming"),
        ("supported_parameters", "tools,seed"),
        ("output_modalities", "text,image"),
        ("sort", "newest"),
        ("max_price", "5"),
        ("offset", "0"),
        ("limit", "10"),
    ]
    await call(client.list_models())
    assert query_of(httpx_mock) == []  # unfiltered: no query (the API's text default)
    await call(client.list_models(output_modalities="all"))
    assert query_of(httpx_mock) == [("output_modalities", "all")]


async def test_the_listing_calls_build_their_urls(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=f"{BASE}/models/count?output_modalities=text%2Cembeddings",
                            json={"data": {"count": 4}})  # fmt: skip
    httpx_mock.add_response(url=f"{BASE}/models/count", json={"data": {"count": 2}})
    httpx_mock.add_response(url=f"{BASE}/model/openai/gpt-4o:free", json={"data": MODEL})
    httpx_mock.add_response(url=f"{BASE}/generation/content?id=gen-a%2Fb", json={"data": {}})
    assert await call(client.count_models(["text", "embeddings"])) == 4
    assert await call(client.count_models()) == 2
    assert (await call(client.model_info("openai/gpt-4o:free"))).id == "openai/gpt-4o"
    assert (await call(client.generation_content("gen-a/b"))).error is None
    assert all(r.method == "GET" and not r.content for r in httpx_mock.get_requests())


async def test_embed_sends_every_documented_parameter(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        method="POST", url=f"{BASE}/embeddings?trace=1", json=OPERATIONS["embed"][3]
    )
    await call(
        client.embed(
            ["a", "b"],
            model=EMBEDDER,
            dimensions=8,
            encoding_format="float",
            input_type="search_query",
            user="user-1",
            provider={"order": ["openai"], "allow_fallbacks": False},
            extra_body={"future": True},
            extra_query={"trace": "1"},
            extra_headers={"X-Test": "yes"},
        )
    )
    sent = httpx_mock.get_requests()[-1]
    assert json.loads(sent.content) == {
        "model": EMBEDDER,
        "input": ["a", "b"],
        "dimensions": 8,
        "encoding_format": "float",
        "input_type": "search_query",
        "user": "user-1",
        "provider": {"order": ["openai"], "allow_fallbacks": False},
        "future": True,
    }
    assert sent.headers["x-test"] == "yes"
    assert sent.headers["content-type"] == "application/json"


async def test_rerank_sends_query_documents_and_top_n(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(method="POST", url=f"{BASE}/rerank", json=OPERATIONS["rerank"][3])
    documents = ["plain", RerankDocument(text="typed"), {"text": "as a dict"}]
    await call(client.rerank("capital of France", documents, model=RERANKER, top_n=2))
    assert json.loads(httpx_mock.get_requests()[-1].content) == {
        "model": RERANKER,
        "query": "capital of France",
        "documents": ["plain", {"text": "typed"}, {"text": "as a dict"}],
        "top_n": 2,
    }


# -- refused before sending ------------------------------------------------------------------------
REFUSED: list[tuple[str, Callable[[Any], Any], str]] = [
    ("embed an empty text", lambda c: c.embed("", model=EMBEDDER), "input"),
    ("embed an empty batch", lambda c: c.embed([], model=EMBEDDER), "input"),
    ("embed a mixed batch", lambda c: c.embed(["a", 1], model=EMBEDDER), "input"),
    ("embed without a model", lambda c: c.embed("x", model=""), "model"),
    ("embed dimensions 0", lambda c: c.embed("x", model=EMBEDDER, dimensions=0), "dimensions"),
    (
        "embed an unknown encoding",
        lambda c: c.embed("x", model=EMBEDDER, encoding_format="hex"),
        "encoding_format",
    ),
    ("embed a misspelt keyword", lambda c: c.embed("x", model=EMBEDDER, dimension=3), "dimension"),
    ("rerank an empty query", lambda c: c.rerank(" ", ["d"], model=RERANKER), "query"),
    ("rerank a string of documents", lambda c: c.rerank("q", "d", model=RERANKER), "documents"),
    ("rerank an empty document", lambda c: c.rerank("q", [{}], model=RERANKER), "documents"),
    ("rerank top_n 0", lambda c: c.rerank("q", ["d"], model=RERANKER, top_n=0), "top_n"),
    ("list an unknown category", lambda c: c.list_models(category="cooking"), "category"),
    ("list a page of 0", lambda c: c.list_models(limit=0), "limit"),
    ("list a misspelt filter", lambda c: c.list_models(categroy="programming"), "categroy"),
    ("count a modality that is not text", lambda c: c.count_models(3), "output_modalities"),
    ("model info without a slug", lambda c: c.model_info("gpt-4o"), "author/slug"),
    ("content of a blank id", lambda c: c.generation_content(" "), "id"),
]


@pytest.mark.parametrize(
    ("invoke", "named"), [pytest.param(i, n, id=case) for case, i, n in REFUSED]
)
async def test_bad_arguments_are_refused_before_sending(
    client: Any, httpx_mock: HTTPXMock, invoke: Callable[[Any], Any], named: str
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        await call(invoke(client))
    assert named in str(caught.value)
    assert httpx_mock.get_requests() == []
