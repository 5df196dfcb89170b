"""complete() and the other calls, through pytest-httpx, for both shells."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

from openrouter_kit import (
    AdvisorTool,
    AdvisorToolConfig,
    AutoBetaRouterPlugin,
    AutoRouterPlugin,
    BashEnvironment,
    BashTool,
    BashToolConfig,
    Client,
    CompletionRequest,
    DatetimeTool,
    FileParserPlugin,
    FilesTool,
    FilesToolConfig,
    FusionPlugin,
    FusionTool,
    FusionToolConfig,
    Message,
    ModerationPlugin,
    ParetoRouterPlugin,
    PdfOptions,
    Plugin,
    SearchModelsTool,
    SearchModelsToolConfig,
    ServerToolReasoning,
    StopCondition,
    SubagentTool,
    SubagentToolConfig,
    WebFetchTool,
    WebPlugin,
    WebSearchTool,
    WebSearchToolConfig,
    errors,
)
from openrouter_kit._core.convert import structure_input
from tests.conftest import CANARY_KEY
from tests.shells.conftest import BASE, call

pytestmark = pytest.mark.anyio

COMPLETION = {
    "id": "gen-123-abc",
    "object": "chat.completion",
    "created": 1_700_000_000,
    "model": "openai/gpt-4o-mini",
    "provider": "OpenAI",
    "system_fingerprint": None,
    "choices": [
        {
            "index": 0,
            "finish_reason": "stop",
            "native_finish_reason": "stop",
            "logprobs": None,
            "message": {
                "role": "assistant",
                "content": "Hello there!",
                "refusal": None,
                "reasoning": None,
            },
        }
    ],
    "usage": {
        "prompt_tokens": 10,
        "completion_tokens": 3,
        "total_tokens": 13,
        "cost": 0.0000045,
        "is_byok": False,
    },
}
USER = [{"role": "user", "content": "Hi"}]


def sent_json(httpx_mock: HTTPXMock, index: int = -1) -> Any:
    return json.loads(httpx_mock.get_requests()[index].content)


async def test_complete_with_keywords(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=f"{BASE}/chat/completions", method="POST", json=COMPLETION)
    reply = await call(client.complete(model="openai/gpt-4o-mini", messages=USER, temperature=0.2))
    assert reply.text == "Hello there!"
    assert reply.model == "openai/gpt-4o-mini"
    assert reply.provider == "OpenAI"
    assert reply.choices[0].finish_reason == "stop"
    assert reply.usage.total_tokens == 13
    assert reply.cost == Decimal("0.0000045")  # a Decimal equal to the server's number
    assert reply.attempts == 1
    assert reply.latency > 0
    # Only what was set is sent.
    assert sent_json(httpx_mock) == {
        "model": "openai/gpt-4o-mini",
        "messages": USER,
        "temperature": 0.2,
    }
    request = httpx_mock.get_requests()[0]
    assert request.headers["authorization"] == f"Bearer {CANARY_KEY}"
    assert request.headers["x-openrouter-title"] == "openrouter-kit"
    assert request.headers["user-agent"].startswith("openrouter-kit/")


async def test_provider_max_price_takes_decimal_and_is_sent_as_given(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=COMPLETION)
    max_price = {"prompt": Decimal("0.5"), "completion": 1, "request": 0.25, "image": "2"}
    await call(client.complete(model="a/b", messages=USER, provider={"max_price": max_price}))
    sent = sent_json(httpx_mock)["provider"]["max_price"]
    assert sent == {"prompt": "0.5", "completion": 1, "request": 0.25, "image": "2"}
    assert type(sent["completion"]) is int  # an int is not turned into a float


async def test_complete_with_request_object_messages_and_overrides(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=COMPLETION, is_reusable=True)
    request = CompletionRequest(
        model="openai/gpt-4o-mini",
        messages=[Message.system("Be brief."), Message.user("Hi")],
        max_tokens=50,
    )
    await call(client.complete(request))
    assert sent_json(httpx_mock) == {
        "model": "openai/gpt-4o-mini",
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
        "max_tokens": 50,
    }
    # Keywords override the object's fields; extra_body sends what this version does not know;
    # the object is untouched.
    await call(client.complete(request, max_tokens=10, extra_body={"safe_prompt": True}))
    assert sent_json(httpx_mock)["max_tokens"] == 10
    assert sent_json(httpx_mock)["safe_prompt"] is True
    assert request.max_tokens == 50


async def test_openrouter_parameters_are_sent_as_given(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=COMPLETION)
    params = {
        "models": ["openai/gpt-4o", "anthropic/claude-3.5-sonnet"],
        "provider": {
            "order": ["openai", "azure"],
            "allow_fallbacks": False,
            "sort": "price",
            "max_price": {"prompt": 1},
        },
        "transforms": ["middle-out"],
        "reasoning": {"effort": "high", "exclude": False},
        "plugins": [{"id": "web", "max_results": 3}],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "x", "schema": {"type": "object"}, "strict": True},
        },
        "top_k": 40,
        "logit_bias": {"50256": -100},
        "stop": ["\n\n"],
        "seed": 7,
    }
    await call(client.complete(model="openai/gpt-4o-mini", messages=USER, **params))
    sent = sent_json(httpx_mock)
    for key, value in params.items():
        assert sent[key] == value, key


async def test_client_defaults_fill_only_unset_fields(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=COMPLETION, is_reusable=True)
    client = make_client(
        default_model="anthropic/claude-3.5-sonnet",
        default_params={"temperature": 0.7, "max_tokens": 99},
    )
    await call(client.complete(messages=USER))
    assert sent_json(httpx_mock) == {
        "model": "anthropic/claude-3.5-sonnet",
        "messages": USER,
        "temperature": 0.7,
        "max_tokens": 99,
    }
    await call(client.complete(model="openai/gpt-4o", messages=USER, temperature=0.0))
    sent = sent_json(httpx_mock)
    assert (sent["model"], sent["temperature"], sent["max_tokens"]) == ("openai/gpt-4o", 0.0, 99)
    # A fallback list without a model is not overridden by the default model.
    await call(client.complete(models=["a/b", "c/d"], messages=USER))
    assert "model" not in sent_json(httpx_mock)


@pytest.mark.parametrize(
    ("kwargs", "path", "words"),
    [
        ({"messages": []}, "$.messages", "at least 1 item"),
        ({"messages": [{"content": "no role"}]}, "$.messages[0].role", "required"),
        ({"messages": USER, "temperature": "hot"}, "$.temperature", "number"),
        ({"messages": USER, "temperature": 3}, "$.temperature", "at most 2"),
        ({"messages": USER, "max_tokens": 0}, "$.max_tokens", "at least 1"),
        ({"messages": USER, "max_tokens": True}, "$.max_tokens", "integer"),
        ({"messages": "hello"}, "$.messages", "expected"),
        ({"messages": USER, "temperature": float("nan")}, "$.temperature", "finite"),
    ],
)
async def test_invalid_requests_fail_before_sending(
    client: Any, kwargs: dict[str, Any], path: str, words: str
) -> None:
    with pytest.raises(errors.ValidationError, match=words) as info:
        await call(client.complete(model="openai/gpt-4o-mini", **kwargs))
    assert info.value.path is None or info.value.path.startswith(path)
    assert CANARY_KEY not in str(info.value)
    # pytest-httpx fails the test if any request was sent without a registered response.


async def test_stream_flag_is_refused_by_complete(client: Any) -> None:
    with pytest.raises(errors.ValidationError, match="stream"):
        await call(client.complete(model="m/x", messages=USER, stream=True))


async def test_request_must_be_a_request_or_dict(client: Any) -> None:
    with pytest.raises(errors.ValidationError, match="CompletionRequest or a dict"):
        await call(client.complete(["not", "a", "request"]))


async def test_unknown_response_fields_and_enums_are_kept(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    payload = json.loads(json.dumps(COMPLETION))
    payload["brand_new"] = {"x": 1}
    payload["choices"][0]["finish_reason"] = "stopped_by_moon"
    payload["choices"][0]["message"]["role"] = "oracle"
    payload["choices"][0]["message"]["mood"] = "happy"
    payload["usage"]["carbon_grams"] = 0.1
    httpx_mock.add_response(json=payload)
    reply = await call(client.complete(model="m/x", messages=USER))
    assert reply.extra == {"brand_new": {"x": 1}}
    assert reply.choices[0].finish_reason == "stopped_by_moon"
    assert reply.choices[0].message.role == "oracle"
    assert reply.choices[0].message.extra == {"mood": "happy"}
    assert reply.usage.extra == {"carbon_grams": 0.1}


async def test_usage_totals_accumulate(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=COMPLETION, is_reusable=True)
    for _ in range(3):
        await call(client.complete(model="m/x", messages=USER))
    usage = client.usage
    assert (usage.requests, usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (
        3,
        30,
        9,
        39,
    )
    assert usage.cost == Decimal("0.0000135")  # exact: three times the server's number


async def test_error_inside_a_choice_raises_with_the_partial_response(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    payload = json.loads(json.dumps(COMPLETION))
    payload["choices"][0]["finish_reason"] = "error"
    payload["choices"][0]["error"] = {"code": 502, "message": "Provider disconnected"}
    httpx_mock.add_response(json=payload)
    with pytest.raises(errors.ModelUnavailableError, match="Provider disconnected") as info:
        await call(client.complete(model="m/x", messages=USER))
    assert info.value.response.text == "Hello there!"
    assert client.usage.requests == 1  # billed tokens are still counted


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, errors.BadRequestError),
        (401, errors.AuthenticationError),
        (402, errors.InsufficientCreditsError),
        (403, errors.PermissionDeniedError),
        (404, errors.ModelNotFoundError),
        (422, errors.BadRequestError),
    ],
)
async def test_client_errors_map_and_are_not_retried(
    client: Any, httpx_mock: HTTPXMock, status: int, expected: type
) -> None:
    httpx_mock.add_response(
        status_code=status,
        json={"error": {"code": status, "message": "nope"}},
        headers={"x-request-id": "r1"},
    )
    with pytest.raises(expected) as info:
        await call(client.complete(model="m/x", messages=USER))
    assert info.value.status_code == status
    assert info.value.request_id == "r1"
    assert len(httpx_mock.get_requests()) == 1


async def test_transient_errors_are_retried_then_succeed(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    client = make_client(max_retries=3)
    httpx_mock.add_response(status_code=503, json={"error": {"code": 503, "message": "busy"}})
    httpx_mock.add_response(
        status_code=429,
        json={"error": {"code": 429, "message": "slow"}},
        headers={"Retry-After": "1"},
    )
    httpx_mock.add_response(json=COMPLETION)
    reply = await call(client.complete(model="m/x", messages=USER))
    assert reply.attempts == 3
    assert client.usage.requests == 1


async def test_retries_are_bounded_and_can_be_disabled(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(
        status_code=500, json={"error": {"code": 500, "message": "boom"}}, is_reusable=True
    )
    client = make_client(max_retries=2)
    with pytest.raises(errors.ServerError):
        await call(client.complete(model="m/x", messages=USER))
    assert len(httpx_mock.get_requests()) == 3
    client = make_client(max_retries=0)
    with pytest.raises(errors.ServerError):
        await call(client.complete(model="m/x", messages=USER))
    assert len(httpx_mock.get_requests()) == 4


async def test_retry_after_beyond_the_cap_is_not_waited_for(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(
        status_code=429,
        json={"error": {"code": 429, "message": "later"}},
        headers={"Retry-After": "3600"},
    )
    with pytest.raises(errors.RateLimitError) as info:
        await call(client.complete(model="m/x", messages=USER))
    assert info.value.retry_after == 3600
    assert len(httpx_mock.get_requests()) == 1


async def test_connection_failures_and_timeouts(make_client: Any, httpx_mock: HTTPXMock) -> None:
    client = make_client(max_retries=1)
    httpx_mock.add_exception(httpx.ConnectError("connection refused"), is_reusable=True)
    with pytest.raises(errors.APIConnectionError, match="connection refused") as info:
        await call(client.complete(model="m/x", messages=USER))
    assert isinstance(info.value, ConnectionError)
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert len(httpx_mock.get_requests()) == 2


async def test_timeouts_name_the_timeout_that_fired(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    client = make_client(max_retries=0, timeout=5)
    httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    with pytest.raises(errors.RequestTimeoutError) as info:
        await call(client.complete(model="m/x", messages=USER))
    assert info.value.timeout == "read"
    assert isinstance(info.value, TimeoutError)
    assert httpx_mock.get_requests()[0].extensions["timeout"]["read"] == 5


async def test_html_502_from_a_proxy(make_client: Any, httpx_mock: HTTPXMock) -> None:
    client = make_client(max_retries=0)
    httpx_mock.add_response(
        status_code=502, text="<html><title>502 Bad Gateway</title><body>cloudflare</body></html>"
    )
    with pytest.raises(errors.ModelUnavailableError, match="502 Bad Gateway"):
        await call(client.complete(model="m/x", messages=USER))


async def test_list_models_and_account_calls(client: Any, httpx_mock: HTTPXMock) -> None:
    model = {
        "id": "openai/gpt-4o-mini",
        "name": "GPT-4o mini",
        "context_length": 128000,
        "pricing": {"prompt": "0.00000015", "completion": "0.0000006"},
        "architecture": {
            "input_modalities": ["text", "image"],
            "output_modalities": ["text"],
            "tokenizer": "GPT",
        },
        "supported_parameters": ["tools", "temperature"],
        "future_field": 1,
    }
    httpx_mock.add_response(url=f"{BASE}/models", json={"data": [model]})
    httpx_mock.add_response(
        url=f"{BASE}/generation?id=gen-1",
        json={"data": {"id": "gen-1", "total_cost": 0.5, "model": "m"}},
    )
    httpx_mock.add_response(
        url=f"{BASE}/key",
        json={"data": {"label": "sk-or-v1-abc...123", "usage": 1.5, "limit": None}},
    )
    httpx_mock.add_response(
        url=f"{BASE}/credits", json={"data": {"total_credits": 10, "total_usage": 2.5}}
    )
    httpx_mock.add_response(
        url=f"{BASE}/models/openai/gpt-4o-mini/endpoints",
        json={
            "data": {
                "id": "openai/gpt-4o-mini",
                "endpoints": [
                    {"provider_name": "OpenAI", "tag": "openai", "context_length": 128000}
                ],
            }
        },
    )
    models = await call(client.list_models())
    assert [m.id for m in models] == ["openai/gpt-4o-mini"]
    assert models[0].pricing.prompt == Decimal("0.00000015")
    assert models[0].pricing.get("prompt", 0) <= Decimal("0.000001")  # the seed's filter
    assert models[0].extra == {"future_field": 1}
    stats = await call(client.generation("gen-1"))
    assert (stats.id, stats.total_cost) == ("gen-1", Decimal("0.5"))
    key = await call(client.key_info())
    assert key.usage == Decimal("1.5")
    credits = await call(client.credits())
    assert (credits.total_credits, credits.total_usage) == (10, Decimal("2.5"))
    assert all(type(v) is Decimal for v in (key.usage, credits.total_credits, stats.total_cost))
    endpoints = await call(client.model_endpoints("openai/gpt-4o-mini"))
    assert endpoints.endpoints[0].tag == "openai"


async def test_bad_ids_fail_before_sending(client: Any) -> None:
    with pytest.raises(errors.ValidationError):
        await call(client.generation("  "))
    with pytest.raises(errors.ValidationError, match="author/slug"):
        await call(client.model_endpoints("gpt-4o"))


async def test_closed_client_refuses_calls(client: Any) -> None:
    await call(client.close())
    await call(client.close())  # twice is fine
    with pytest.raises(RuntimeError, match="closed"):
        await call(client.complete(model="m/x", messages=USER))


async def test_an_injected_http_client_is_used_and_left_open(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    probe = make_client()
    http = httpx.Client() if isinstance(probe, Client) else httpx.AsyncClient()
    client = make_client(http_client=http)
    httpx_mock.add_response(json=COMPLETION)
    assert (await call(client.complete(model="m/x", messages=USER))).text == "Hello there!"
    await call(client.close())
    assert not http.is_closed  # the caller owns it
    await call(http.aclose() if isinstance(http, httpx.AsyncClient) else http.close())


async def test_a_wrong_http_client_type_is_refused(make_client: Any) -> None:
    probe = make_client()
    wrong = httpx.AsyncClient() if isinstance(probe, Client) else httpx.Client()
    with pytest.raises(errors.ConfigurationError, match="http_client"):
        make_client(http_client=wrong)
    await call(wrong.aclose() if isinstance(wrong, httpx.AsyncClient) else wrong.close())


async def test_typed_plugins_and_server_tools_send_what_the_dicts_send(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    from openrouter_kit import (
        ContextCompressionPlugin,
        DatetimeTool,
        DatetimeToolConfig,
        ImageGenerationTool,
        ResponseHealingPlugin,
        UserLocation,
        WebFetchPlugin,
        WebFetchTool,
        WebFetchToolConfig,
    )

    httpx_mock.add_response(json=COMPLETION, is_reusable=True)
    dicts: dict[str, Any] = {
        "plugins": [
            {
                "id": "web",
                "max_results": 3,
                "engine": "exa",
                "include_domains": ["python.org"],
                "user_location": {"type": "approximate", "country": "FR"},
            },
            {"id": "web-fetch", "max_uses": 2},
            {"id": "file-parser", "pdf": {"engine": "mistral-ocr"}},
            {"id": "response-healing"},
            {"id": "context-compression", "enabled": False},
        ],
        "tools": [
            {"type": "openrouter:web_search", "parameters": {"max_results": 2, "mode": "deep"}},
            {"type": "openrouter:web_fetch", "parameters": {"max_content_tokens": 1000}},
            {"type": "openrouter:datetime", "parameters": {"timezone": "Europe/Paris"}},
            {"type": "openrouter:image_generation"},
        ],
    }
    typed: dict[str, Any] = {
        "plugins": [
            WebPlugin(
                max_results=3,
                engine="exa",
                include_domains=["python.org"],
                user_location=UserLocation(country="FR"),
            ),
            WebFetchPlugin(max_uses=2),
            FileParserPlugin(pdf=PdfOptions(engine="mistral-ocr")),
            ResponseHealingPlugin(),
            ContextCompressionPlugin(enabled=False),
        ],
        "tools": [
            WebSearchTool(parameters=WebSearchToolConfig(max_results=2, mode="deep")),
            WebFetchTool(parameters=WebFetchToolConfig(max_content_tokens=1000)),
            DatetimeTool(parameters=DatetimeToolConfig(timezone="Europe/Paris")),
            ImageGenerationTool(),
        ],
    }
    await call(client.complete(model="openai/gpt-4o-mini", messages=USER, **dicts))
    await call(client.complete(model="openai/gpt-4o-mini", messages=USER, **typed))
    by_dicts, by_types = sent_json(httpx_mock, 0), sent_json(httpx_mock, 1)
    assert by_types == by_dicts
    assert by_dicts["plugins"] == dicts["plugins"]  # the dicts go out exactly as given
    assert by_dicts["tools"] == dicts["tools"]
    # a typed object may sit in a request object, next to dicts
    request = CompletionRequest(
        model="openai/gpt-4o-mini",
        messages=[Message.user("Hi")],
        plugins=[WebPlugin(max_results=1), {"id": "moderation"}],  # type: ignore[list-item]
    )
    await call(client.complete(request))
    assert sent_json(httpx_mock)["plugins"] == [
        {"id": "web", "max_results": 1},
        {"id": "moderation"},
    ]


@pytest.mark.parametrize(
    ("make", "key", "path"),
    [
        (lambda: WebPlugin(engine="bing"), "plugins", "$.plugins[0].engine"),
        (lambda: WebPlugin(id="file-parser"), "plugins", "$.plugins[0].id"),
        (
            lambda: FileParserPlugin(pdf=PdfOptions(engine="tesseract")),
            "plugins",
            "$.plugins[0].pdf.engine",
        ),
        (
            lambda: WebSearchTool(parameters=WebSearchToolConfig(search_context_size="huge")),
            "tools",
            "$.tools[0].parameters.search_context_size",
        ),
    ],
)
async def test_typed_plugins_are_checked_before_sending(
    client: Any, httpx_mock: HTTPXMock, make: Any, key: str, path: str
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        await call(client.complete(model="openai/gpt-4o-mini", messages=USER, **{key: [make()]}))
    assert caught.value.path == path
    assert httpx_mock.get_requests() == []


async def test_the_other_typed_server_tools_send_what_the_dicts_send(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=COMPLETION, is_reusable=True)
    dicts: list[dict[str, Any]] = [
        {
            "type": "openrouter:bash",
            "parameters": {
                "engine": "openrouter",
                "environment": {"type": "container_reference", "container_id": "cntr_abc123"},
                "sleep_after_seconds": 600,
            },
        },
        {"type": "openrouter:files", "parameters": {}},
        {
            "type": "openrouter:advisor",
            "parameters": {
                "model": "~anthropic/claude-opus-latest",
                "name": "reviewer",
                "forward_transcript": True,
                "reasoning": {"effort": "high"},
            },
        },
        {
            "type": "openrouter:subagent",
            "parameters": {
                "model": "~anthropic/claude-haiku-latest",
                "max_tool_calls": 5,
                "tools": [
                    {"type": "openrouter:web_search", "parameters": {"max_results": 2}},
                    {"type": "openrouter:datetime"},
                ],
            },
        },
        {
            "type": "openrouter:fusion",
            "parameters": {
                "analysis_models": ["~openai/gpt-latest", "~google/gemini-pro-latest"],
                "max_tool_calls": 12,
                "tools": [],
            },
        },
        {"type": "openrouter:experimental__search_models", "parameters": {"max_results": 5}},
    ]
    typed = [
        BashTool(
            parameters=BashToolConfig(
                engine="openrouter",
                environment=BashEnvironment(type="container_reference", container_id="cntr_abc123"),
                sleep_after_seconds=600,
            )
        ),
        FilesTool(parameters=FilesToolConfig()),
        AdvisorTool(
            parameters=AdvisorToolConfig(
                model="~anthropic/claude-opus-latest",
                name="reviewer",
                forward_transcript=True,
                reasoning=ServerToolReasoning(effort="high"),
            )
        ),
        SubagentTool(
            parameters=SubagentToolConfig(
                model="~anthropic/claude-haiku-latest",
                max_tool_calls=5,
                tools=[
                    WebSearchTool(parameters=WebSearchToolConfig(max_results=2)),
                    DatetimeTool(),
                ],
            )
        ),
        FusionTool(
            parameters=FusionToolConfig(
                analysis_models=["~openai/gpt-latest", "~google/gemini-pro-latest"],
                max_tool_calls=12,
                tools=[],
            )
        ),
        SearchModelsTool(parameters=SearchModelsToolConfig(max_results=5)),
    ]
    await call(client.complete(model="openai/gpt-4o-mini", messages=USER, tools=dicts))
    await call(client.complete(model="openai/gpt-4o-mini", messages=USER, tools=typed))
    by_dicts, by_types = sent_json(httpx_mock, 0), sent_json(httpx_mock, 1)
    assert by_dicts["tools"] == dicts  # the dicts go out exactly as given
    assert by_types == by_dicts


@pytest.mark.parametrize(
    ("make", "path"),
    [
        (
            lambda: BashTool(parameters=BashToolConfig(engine="docker")),
            "$.tools[0].parameters.engine",
        ),
        (
            lambda: BashTool(
                parameters=BashToolConfig(environment=BashEnvironment(type="container_new"))
            ),
            "$.tools[0].parameters.environment.type",
        ),
        (
            lambda: BashTool(
                parameters=BashToolConfig(
                    environment=BashEnvironment(type="container_reference", container_id="cntr abc")
                )
            ),
            "$.tools[0].parameters.environment.container_id",
        ),
        (
            lambda: AdvisorTool(parameters=AdvisorToolConfig(name="a/b")),
            "$.tools[0].parameters.name",
        ),
        (
            lambda: AdvisorTool(
                parameters=AdvisorToolConfig(reasoning=ServerToolReasoning(effort="extreme"))
            ),
            "$.tools[0].parameters.reasoning.effort",
        ),
        (
            lambda: SubagentTool(parameters=SubagentToolConfig(max_tool_calls=26)),
            "$.tools[0].parameters.max_tool_calls",
        ),
        (
            lambda: SubagentTool(
                parameters=SubagentToolConfig(
                    tools=[WebSearchTool(parameters=WebSearchToolConfig(engine="bing"))]
                )
            ),
            "$.tools[0].parameters.tools[0].parameters.engine",
        ),
        (
            lambda: FusionTool(parameters=FusionToolConfig(analysis_models=[])),
            "$.tools[0].parameters.analysis_models",
        ),
        (
            lambda: FusionTool(parameters=FusionToolConfig(analysis_models=["m"] * 9)),
            "$.tools[0].parameters.analysis_models",
        ),
        (
            lambda: FusionTool(parameters=FusionToolConfig(max_tool_calls=0)),
            "$.tools[0].parameters.max_tool_calls",
        ),
        (
            lambda: SearchModelsTool(type="openrouter:search_models"),
            "$.tools[0].type",
        ),
    ],
)
async def test_the_other_typed_server_tools_are_checked_before_sending(
    client: Any, httpx_mock: HTTPXMock, make: Any, path: str
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        await call(client.complete(model="openai/gpt-4o-mini", messages=USER, tools=[make()]))
    assert caught.value.path == path
    assert httpx_mock.get_requests() == []


async def test_the_other_typed_plugins_send_what_the_dicts_send(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=COMPLETION, is_reusable=True)
    dicts: list[dict[str, Any]] = [
        {"id": "moderation"},
        {
            "id": "auto-router",
            "allowed_models": ["anthropic/*", "openai/*"],
            "excluded_models": ["openai/gpt-4o"],
            "cost_tier": "low",
            "pin_model": True,
        },
        {"id": "auto-beta-router", "cost_quality_tradeoff": 9, "enabled": False},
        {"id": "pareto-router", "max_price": 5.0, "price_source": "weighted_avg"},
        {
            "id": "fusion",
            "preset": "general-high",
            "max_tool_calls": 4,
            "tools": [{"type": "openrouter:web_fetch"}],
        },
    ]
    typed = [
        ModerationPlugin(),
        AutoRouterPlugin(
            allowed_models=["anthropic/*", "openai/*"],
            excluded_models=["openai/gpt-4o"],
            cost_tier="low",
            pin_model=True,
        ),
        AutoBetaRouterPlugin(cost_quality_tradeoff=9, enabled=False),
        ParetoRouterPlugin(max_price=5.0, price_source="weighted_avg"),
        FusionPlugin(preset="general-high", max_tool_calls=4, tools=[WebFetchTool()]),
    ]
    await call(client.complete(model="openai/gpt-4o-mini", messages=USER, plugins=dicts))
    await call(client.complete(model="openai/gpt-4o-mini", messages=USER, plugins=typed))
    by_dicts, by_types = sent_json(httpx_mock, 0), sent_json(httpx_mock, 1)
    assert by_dicts["plugins"] == dicts  # the dicts go out exactly as given
    assert by_types == by_dicts


@pytest.mark.parametrize(
    ("make", "path"),
    [
        (lambda: AutoRouterPlugin(cost_tier="cheap"), "$.plugins[0].cost_tier"),
        (lambda: AutoRouterPlugin(cost_quality_tradeoff=11), "$.plugins[0].cost_quality_tradeoff"),
        (lambda: AutoBetaRouterPlugin(cost_tier="free"), "$.plugins[0].cost_tier"),
        (lambda: ParetoRouterPlugin(min_coding_score=1.5), "$.plugins[0].min_coding_score"),
        (lambda: ParetoRouterPlugin(max_price=-1.0), "$.plugins[0].max_price"),
        (lambda: ParetoRouterPlugin(price_source="list"), "$.plugins[0].price_source"),
        (lambda: FusionPlugin(preset="general-max"), "$.plugins[0].preset"),
        (lambda: FusionPlugin(analysis_models=["m"] * 9), "$.plugins[0].analysis_models"),
        (lambda: FusionPlugin(max_tool_calls=17), "$.plugins[0].max_tool_calls"),
        (lambda: ModerationPlugin(id="moderate"), "$.plugins[0].id"),
    ],
)
async def test_the_other_typed_plugins_are_checked_before_sending(
    client: Any, httpx_mock: HTTPXMock, make: Any, path: str
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        await call(client.complete(model="openai/gpt-4o-mini", messages=USER, plugins=[make()]))
    assert caught.value.path == path
    assert httpx_mock.get_requests() == []


async def test_stop_conditions_send_what_the_dicts_send(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=COMPLETION, is_reusable=True)
    dicts: list[dict[str, Any]] = [
        {"type": "step_count_is", "step_count": 5},
        {"type": "has_tool_call", "tool_name": "finalize"},
        {"type": "max_tokens_used", "max_tokens": 10000},
        {"type": "max_cost", "max_cost_in_dollars": 0.5},
        {"type": "finish_reason_is", "reason": "length"},
    ]
    typed = [
        StopCondition.step_count_is(5),
        StopCondition.has_tool_call("finalize"),
        StopCondition.max_tokens_used(10000),
        StopCondition.max_cost(0.5),
        StopCondition(type="finish_reason_is", reason="length"),
    ]
    tools = [WebSearchTool()]
    for conditions in (dicts, typed):
        await call(
            client.complete(
                model="openai/gpt-4o-mini",
                messages=USER,
                tools=tools,
                stop_server_tools_when=conditions,
            )
        )
    by_dicts, by_types = sent_json(httpx_mock, 0), sent_json(httpx_mock, 1)
    assert by_dicts["stop_server_tools_when"] == dicts
    assert by_types == by_dicts


@pytest.mark.parametrize(
    ("conditions", "path"),
    [
        ([StopCondition(type="step_count")], "$.stop_server_tools_when[0].type"),
        ([], "$.stop_server_tools_when"),
    ],
)
async def test_stop_conditions_are_checked_before_sending(
    client: Any, httpx_mock: HTTPXMock, conditions: list[Any], path: str
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        await call(
            client.complete(
                model="openai/gpt-4o-mini", messages=USER, stop_server_tools_when=conditions
            )
        )
    assert caught.value.path == path
    assert httpx_mock.get_requests() == []


async def test_plugin_dicts_stay_plain_plugins(client: Any, httpx_mock: HTTPXMock) -> None:
    """A dict is read as before: a ``Plugin`` with its settings in ``extra``, not type-checked
    (the way to send a setting this version does not know), and sent as it is."""
    httpx_mock.add_response(json=COMPLETION)
    plugin = {"id": "web", "max_results": "3", "engine": "bing-next"}
    await call(client.complete(model="openai/gpt-4o-mini", messages=USER, plugins=[plugin]))
    assert sent_json(httpx_mock)["plugins"] == [plugin]
    read = structure_input({"messages": USER, "plugins": [plugin]}, CompletionRequest)
    assert read.plugins is not None
    assert type(read.plugins[0]) is Plugin
    assert read.plugins[0].extra == {"max_results": "3", "engine": "bing-next"}
