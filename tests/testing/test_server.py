"""Wire-level tests of the OpenRouter emulator (``openrouter_kit.testing``) over real sockets.

These use raw ``httpx`` (not the SDK) so they pin down the shapes the SDK relies on.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import httpx
import pytest

from openrouter_kit.testing import DEFAULT_MODEL, Emulator, Fault, default_models

TOKEN_RE = re.compile(r"\w+|[^\w\s]")

EXPECTED_IDS = {
    "openai/gpt-4o-mini",
    "openai/gpt-4o",
    "anthropic/claude-3.5-sonnet",
    "anthropic/claude-sonnet-4",
    "google/gemini-2.5-flash",
    "meta-llama/llama-3.1-8b-instruct",
    "meta-llama/llama-3.3-70b-instruct:free",
    "mistralai/mistral-small",
    "deepseek/deepseek-r1",
    "qwen/qwen-2.5-coder-32b-instruct",
    "openai/gpt-5-image-mini",
    "openrouter/auto",
}


# -- fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


@pytest.fixture(autouse=True)
def _clean(emulator: Emulator) -> None:
    emulator.reset()


@pytest.fixture
def emu(emulator: Emulator) -> Emulator:
    """The module's emulator, short name for the scripting tests."""
    return emulator


@pytest.fixture(scope="module")
def client(emulator: Emulator) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {emulator.api_key}"}
    with httpx.Client(base_url=emulator.base_url, headers=headers, timeout=5.0) as c:
        yield c


def tokens(text: str) -> int:
    return len(TOKEN_RE.findall(text))


def prompt_tokens(messages: list[dict[str, Any]]) -> int:
    return sum(4 + tokens(m["content"]) for m in messages)


def chat(client: httpx.Client, **body: Any) -> httpx.Response:
    body.setdefault("messages", [{"role": "user", "content": "What is 2 + 2?"}])
    return client.post("/chat/completions", json=body)


def prices(client: httpx.Client, model_id: str) -> dict[str, str]:
    models = {m["id"]: m for m in client.get("/models").json()["data"]}
    return models[model_id]["pricing"]  # type: ignore[no-any-return]


def stream_events(client: httpx.Client, **body: Any) -> tuple[httpx.Headers, list[str]]:
    """Return the response headers and the raw SSE events (blank-line separated blocks)."""
    body.setdefault("messages", [{"role": "user", "content": "Tell me a story, please."}])
    with client.stream("POST", "/chat/completions", json={**body, "stream": True}) as response:
        assert response.status_code == 200
        text = response.read().decode()
        headers = response.headers
    assert text.endswith("\n\n")
    return headers, [block for block in text.split("\n\n") if block]


def data_chunks(events: list[str]) -> list[dict[str, Any]]:
    return [json.loads(e[len("data: ") :]) for e in events if e.startswith("data: {")]


# -- completions --------------------------------------------------------------------------------


def test_completion_shape_usage_and_cost(client: httpx.Client) -> None:
    messages = [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Hello, emulator! How are you?"},
    ]
    response = chat(client, model="openai/gpt-4o", messages=messages)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.headers["x-request-id"].startswith("req-")
    body = response.json()
    assert re.fullmatch(r"gen-\d+-[A-Za-z0-9]+", body["id"])
    assert response.headers["x-generation-id"] == body["id"]
    assert body["object"] == "chat.completion"
    assert body["model"] == "openai/gpt-4o"
    assert body["provider"] == "OpenAI"
    assert body["system_fingerprint"] is None
    assert isinstance(body["created"], int)
    (choice,) = body["choices"]
    assert choice["index"] == 0
    assert choice["finish_reason"] == "stop"
    assert choice["native_finish_reason"] == "stop"
    assert choice["logprobs"] is None
    content = "Hello from openai/gpt-4o! You said: Hello, emulator! How are you?"
    assert choice["message"] == {
        "role": "assistant",
        "content": content,
        "refusal": None,
        "reasoning": None,
    }

    usage = body["usage"]
    assert usage["prompt_tokens"] == prompt_tokens(messages)
    assert usage["completion_tokens"] == tokens(content)
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert usage["is_byok"] is False
    assert usage["prompt_tokens_details"]["cached_tokens"] == 0
    assert usage["completion_tokens_details"]["reasoning_tokens"] == 0
    assert usage["cost_details"]["upstream_inference_cost"] is None
    pricing = prices(client, "openai/gpt-4o")
    expected = (
        Decimal(pricing["prompt"]) * usage["prompt_tokens"]
        + Decimal(pricing["completion"]) * usage["completion_tokens"]
    )
    assert Decimal(str(usage["cost"])) == expected


def test_same_request_same_content(client: httpx.Client) -> None:
    first = chat(client, model="anthropic/claude-3.5-sonnet").json()
    second = chat(client, model="anthropic/claude-3.5-sonnet").json()
    assert first["id"] != second["id"]
    assert first["choices"][0]["message"]["content"] == second["choices"][0]["message"]["content"]
    assert first["usage"] == second["usage"]


def test_default_model_and_text_parts(client: httpx.Client) -> None:
    parts = [{"type": "text", "text": "first"}, {"type": "text", "text": "second"}]
    body = chat(client, messages=[{"role": "user", "content": parts}]).json()
    assert body["model"] == DEFAULT_MODEL
    assert body["choices"][0]["message"]["content"].endswith("You said: first second")


def test_max_tokens_cuts_with_finish_reason_length(client: httpx.Client) -> None:
    full = chat(client).json()["choices"][0]["message"]["content"]
    for field in ("max_tokens", "max_completion_tokens"):
        body = chat(client, **{field: 3}).json()
        (choice,) = body["choices"]
        assert choice["finish_reason"] == "length"
        assert body["usage"]["completion_tokens"] == 3
        assert full.startswith(choice["message"]["content"])
        assert tokens(choice["message"]["content"]) == 3
    roomy = chat(client, max_tokens=1000).json()["choices"][0]
    assert roomy["finish_reason"] == "stop"
    assert roomy["message"]["content"] == full


def test_unknown_model_is_400(client: httpx.Client) -> None:
    response = chat(client, model="nope/not-a-model")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "error": {"code": 400, "message": "nope/not-a-model is not a valid model ID"}
    }


def test_models_fallback_list_skips_unknown_ids(client: httpx.Client) -> None:
    only_list = chat(client, models=["nope/one", "openai/gpt-4o", "openai/gpt-4o-mini"]).json()
    assert only_list["model"] == "openai/gpt-4o"
    with_primary = chat(client, model="nope/one", models=["mistralai/mistral-small"]).json()
    assert with_primary["model"] == "mistralai/mistral-small"
    assert "mistralai/mistral-small" in with_primary["choices"][0]["message"]["content"]
    assert chat(client, models=["nope/one", "nope/two"]).status_code == 400


def test_a_model_taken_down_fails_and_its_fallback_answers(
    client: httpx.Client, emulator: Emulator
) -> None:
    emulator.take_down("openai/gpt-4o")
    alone = chat(client, model="openai/gpt-4o")
    assert alone.status_code == 503
    assert alone.json() == {
        "error": {
            "code": 503,
            "message": "No allowed providers are available for the selected model.",
        }
    }
    assert chat(client, model="openai/gpt-4o:nitro").status_code == 503  # variants too
    rescued = chat(client, model="openai/gpt-4o", models=["anthropic/claude-sonnet-4"]).json()
    assert rescued["model"] == "anthropic/claude-sonnet-4"
    assert emulator.ledger.per_model["anthropic/claude-sonnet-4"].requests == 1
    assert "openai/gpt-4o" not in emulator.ledger.per_model  # failures are not billed
    emulator.take_down("anthropic/claude-sonnet-4", status=429, message="Rate limit exceeded")
    both = chat(client, models=["openai/gpt-4o", "anthropic/claude-sonnet-4"])
    assert both.status_code == 429  # the last candidate's error
    assert both.json()["error"]["message"] == "Rate limit exceeded"
    # the router picks another model while its usual target is down
    emulator.take_down(DEFAULT_MODEL)
    routed = chat(client, model="openrouter/auto").json()
    assert routed["model"] not in (DEFAULT_MODEL, "openrouter/auto")
    emulator.bring_up("openai/gpt-4o")
    assert chat(client, model="openai/gpt-4o").status_code == 200
    emulator.reset()
    assert chat(client, model=DEFAULT_MODEL).status_code == 200
    with pytest.raises(ValueError, match="not in the emulator's model table"):
        emulator.take_down("nope/not-a-model")
    with pytest.raises(ValueError, match="400-599"):
        emulator.take_down("openai/gpt-4o", status=200)


def test_variant_suffix_is_accepted(client: httpx.Client) -> None:
    nitro = chat(client, model="openai/gpt-4o-mini:nitro")
    assert nitro.status_code == 200
    assert nitro.json()["usage"]["cost"] > 0
    free = chat(client, model="openai/gpt-4o-mini:free").json()
    assert free["usage"]["cost"] == 0
    listed_free = chat(client, model="meta-llama/llama-3.3-70b-instruct:free").json()
    assert listed_free["usage"]["cost"] == 0
    assert chat(client, model="openai/gpt-4o-mini:bogus").status_code == 400


def test_router_model_names_the_model_that_served(client: httpx.Client) -> None:
    body = chat(client, model="openrouter/auto").json()
    assert body["model"] == DEFAULT_MODEL
    assert body["usage"]["cost"] > 0


def test_context_length_exceeded(client: httpx.Client) -> None:
    response = chat(client, model="mistralai/mistral-small", max_tokens=40000)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 400
    assert error["message"].startswith(
        "This endpoint's maximum context length is 32768 tokens. However, you requested about "
    )
    assert error["metadata"] == {"error_type": "context_length_exceeded"}
    # a fallback with a larger context answers instead
    rescued = chat(
        client, model="mistralai/mistral-small", models=["openai/gpt-4o"], max_tokens=40000
    )
    assert rescued.json()["model"] == "openai/gpt-4o"


def test_request_validation(client: httpx.Client) -> None:
    missing = client.post("/chat/completions", json={"model": DEFAULT_MODEL})
    assert missing.status_code == 400
    assert set(missing.json()["error"]) == {"code", "message"}
    assert chat(client, messages=[]).status_code == 400
    assert client.post("/chat/completions", json=[1, 2]).status_code == 400
    not_json = client.post("/chat/completions", content=b"{nope", headers={"content-type": "x"})
    assert not_json.status_code == 400
    assert not_json.json()["error"]["code"] == 400


def test_tool_call_when_required(client: httpx.Client) -> None:
    tools = [
        {"type": "function", "function": {"name": "get_weather", "parameters": {}}},
        {"type": "function", "function": {"name": "get_time", "parameters": {}}},
    ]
    body = chat(client, tools=tools, tool_choice="required").json()
    (choice,) = body["choices"]
    assert choice["finish_reason"] == "tool_calls"
    weather, clock = choice["message"]["tool_calls"]  # one call per tool
    for call in (weather, clock):
        assert re.fullmatch(r"call_\d+", call["id"])
        assert call["type"] == "function"
        assert json.loads(call["function"]["arguments"]) == {"query": "What is 2 + 2?"}
    assert weather["id"] != clock["id"]
    assert [weather["function"]["name"], clock["function"]["name"]] == ["get_weather", "get_time"]
    assert choice["message"]["content"] is None
    again = chat(client, tools=tools, tool_choice="required").json()
    assert again["choices"][0]["message"]["tool_calls"] == choice["message"]["tool_calls"]

    named = {"type": "function", "function": {"name": "get_time"}}
    body = chat(client, tools=tools, tool_choice=named).json()
    (call,) = body["choices"][0]["message"]["tool_calls"]
    assert call["function"]["name"] == "get_time"
    single = chat(client, tools=tools, tool_choice="required", parallel_tool_calls=False).json()
    (call,) = single["choices"][0]["message"]["tool_calls"]
    assert call["function"]["name"] == "get_weather"

    auto = chat(client, tools=tools, tool_choice="auto").json()
    assert auto["choices"][0]["finish_reason"] == "stop"


# -- streaming ----------------------------------------------------------------------------------


def test_stream_matches_the_plain_answer(client: httpx.Client) -> None:
    messages = [{"role": "user", "content": "  Stream this,   please!\n"}]
    plain = chat(client, model="google/gemini-2.5-flash", messages=messages).json()
    headers, events = stream_events(client, model="google/gemini-2.5-flash", messages=messages)

    assert headers["content-type"] == "text/event-stream"
    assert headers["transfer-encoding"] == "chunked"
    assert events[0] == ": OPENROUTER PROCESSING"
    assert events[-1] == "data: [DONE]"
    chunks = data_chunks(events)
    assert len(chunks) == len(events) - 2
    assert headers["x-generation-id"] == chunks[0]["id"]
    assert {c["id"] for c in chunks} == {chunks[0]["id"]}
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert {c["model"] for c in chunks} == {"google/gemini-2.5-flash"}
    assert {c["provider"] for c in chunks} == {plain["provider"]}

    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    *body_chunks, usage_chunk = chunks
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in body_chunks)
    assert text == plain["choices"][0]["message"]["content"]
    finishes = [c["choices"][0]["finish_reason"] for c in body_chunks]
    assert finishes[-1] == "stop"
    assert set(finishes[:-1]) == {None}
    assert all("usage" not in c for c in body_chunks)
    assert usage_chunk["choices"] == []
    assert usage_chunk["usage"] == plain["usage"]
    # one content chunk per completion token
    content_chunks = [c for c in body_chunks[1:-1] if c["choices"][0]["delta"].get("content")]
    assert len(content_chunks) == plain["usage"]["completion_tokens"]


def test_stream_with_max_tokens_and_tool_call(client: httpx.Client) -> None:
    _, events = stream_events(client, max_tokens=2)
    *body_chunks, usage_chunk = data_chunks(events)
    assert body_chunks[-1]["choices"][0]["finish_reason"] == "length"
    assert usage_chunk["usage"]["completion_tokens"] == 2

    tools = [{"type": "function", "function": {"name": "lookup", "parameters": {}}}]
    _, events = stream_events(client, tools=tools, tool_choice="required")
    *body_chunks, usage_chunk = data_chunks(events)
    calls = [d for c in body_chunks for d in c["choices"][0]["delta"].get("tool_calls", [])]
    assert calls[0]["id"].startswith("call_")
    assert calls[0]["function"] == {"name": "lookup", "arguments": ""}
    arguments = "".join(d["function"]["arguments"] for d in calls)
    assert arguments == json.dumps({"query": "Tell me a story, please."})
    assert all("id" not in d for d in calls[1:])
    assert body_chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"
    assert usage_chunk["choices"] == []


def test_stream_errors_before_first_token_are_plain_json(client: httpx.Client) -> None:
    with client.stream(
        "POST", "/chat/completions", json={"model": "nope/x", "stream": True, "messages": []}
    ) as response:
        response.read()
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"


# -- account endpoints --------------------------------------------------------------------------


def test_generation_lookup(client: httpx.Client) -> None:
    served = chat(client, model="deepseek/deepseek-r1").json()
    response = client.get("/generation", params={"id": served["id"]})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["id"] == served["id"]
    assert data["model"] == "deepseek/deepseek-r1"
    assert data["provider_name"] == served["provider"]
    assert data["total_cost"] == data["usage"] == served["usage"]["cost"]
    assert data["tokens_prompt"] == served["usage"]["prompt_tokens"]
    assert data["tokens_completion"] == served["usage"]["completion_tokens"]
    assert data["native_tokens_prompt"] == served["usage"]["prompt_tokens"]
    assert data["native_tokens_reasoning"] == 0
    assert data["finish_reason"] == data["native_finish_reason"] == "stop"
    assert data["streamed"] is False
    assert data["cancelled"] is False
    assert data["is_byok"] is False
    assert data["app_id"] is None
    assert data["created_at"].endswith("+00:00")
    assert isinstance(data["latency"], int)

    _, events = stream_events(client)
    streamed_id = data_chunks(events)[0]["id"]
    streamed = client.get("/generation", params={"id": streamed_id}).json()["data"]
    assert streamed["streamed"] is True

    missing = client.get("/generation")
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == 400
    unknown = client.get("/generation", params={"id": "gen-0-unknown"})
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == 404


def test_key_and_credits_reflect_the_ledger(client: httpx.Client, emulator: Emulator) -> None:
    costs = [
        chat(client, model=m).json()["usage"]["cost"] for m in ("openai/gpt-4o", DEFAULT_MODEL)
    ]
    total = sum(Decimal(str(c)) for c in costs)
    assert emulator.ledger.requests == 2
    assert Decimal(str(emulator.ledger.cost)) == total

    key = client.get("/key").json()["data"]
    assert Decimal(str(key["usage"])) == total
    assert key["usage_daily"] == key["usage_weekly"] == key["usage_monthly"] == key["usage"]
    assert key["limit"] is None
    assert key["limit_remaining"] is None
    assert key["is_free_tier"] is False
    assert key["label"].startswith("sk-or-emu-")
    assert "..." in key["label"]
    assert emulator.api_key not in key["label"]

    credits = client.get("/credits").json()["data"]
    assert credits["total_credits"] == 100.0
    assert Decimal(str(credits["total_usage"])) == total


def test_models_listing_shape(client: httpx.Client) -> None:
    response = client.get("/models")
    assert response.status_code == 200
    models = response.json()["data"]
    assert {m["id"] for m in models} == EXPECTED_IDS
    required = {
        "id", "canonical_slug", "hugging_face_id", "name", "created", "description",
        "context_length", "architecture", "pricing", "top_provider", "per_request_limits",
        "supported_parameters", "default_parameters", "supported_voices", "links",
        "knowledge_cutoff", "expiration_date",
    }  # fmt: skip
    for model in models:
        assert required <= set(model), model["id"]
        assert {"modality", "input_modalities", "output_modalities", "tokenizer",
                "instruct_type"} <= set(model["architecture"])  # fmt: skip
        assert {"context_length", "max_completion_tokens", "is_moderated"} <= set(
            model["top_provider"]
        )
        for name, price in model["pricing"].items():
            assert isinstance(price, str), (model["id"], name)
            Decimal(price)
        assert model["links"]["details"].endswith("/endpoints")
    by_id = {m["id"]: m for m in models}
    assert by_id["openai/gpt-4o-mini"]["pricing"]["prompt"] == "0.00000015"
    assert by_id["openrouter/auto"]["pricing"]["prompt"] == "-1"
    assert by_id["openrouter/auto"]["context_length"] == 2000000
    assert by_id["openrouter/auto"]["architecture"]["tokenizer"] == "Router"
    assert "reasoning" not in by_id["openrouter/auto"]
    assert by_id["deepseek/deepseek-r1"]["reasoning"]["mandatory"] is True
    assert by_id["meta-llama/llama-3.3-70b-instruct:free"]["pricing"]["completion"] == "0"
    assert "image" in by_id["openai/gpt-5-image-mini"]["architecture"]["output_modalities"]
    gemini_in = set(by_id["google/gemini-2.5-flash"]["architecture"]["input_modalities"])
    assert {"image", "audio", "file"} <= gemini_in


def test_model_endpoints(client: httpx.Client) -> None:
    response = client.get("/models/anthropic/claude-sonnet-4/endpoints")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["id"] == "anthropic/claude-sonnet-4"
    assert {"name", "created", "description", "architecture", "endpoints"} <= set(data)
    assert 1 <= len(data["endpoints"]) <= 2
    for endpoint in data["endpoints"]:
        assert {"name", "model_id", "model_name", "provider_name", "tag", "context_length",
                "max_completion_tokens", "max_prompt_tokens", "pricing", "quantization",
                "status", "supported_parameters", "uptime_last_30m"} <= set(endpoint)  # fmt: skip
        assert endpoint["status"] == 0
    free = client.get("/models/meta-llama/llama-3.3-70b-instruct:free/endpoints")
    assert free.status_code == 200
    unknown = client.get("/models/nope/nothing/endpoints")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == 404


def test_unknown_path_and_wrong_method(client: httpx.Client) -> None:
    missing = client.get("/no/such/route")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": 404, "message": "Not Found"}}
    wrong = client.get("/chat/completions")
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "POST"
    assert wrong.json()["error"]["code"] == 405
    assert client.delete("/models").status_code == 405


def test_custom_model_table_fills_defaults() -> None:
    custom = [
        {"id": "acme/tiny", "context_length": 64, "pricing": {"prompt": 0.001, "request": "0.5"}}
    ]
    with (
        Emulator(models=custom) as emu,
        httpx.Client(base_url=emu.base_url, headers={"Authorization": "Bearer anything"}) as c,
    ):
        (model,) = c.get("/models").json()["data"]
        assert model["pricing"] == {"prompt": "0.001", "completion": "0", "request": "0.5"}
        assert model["canonical_slug"] == "acme/tiny"
        assert model["architecture"]["modality"] == "text->text"
        assert model["top_provider"]["context_length"] == 64
        assert model["per_request_limits"] is None
        body = c.post("/chat/completions", json={"messages": [{"role": "user", "content": "hi"}]})
        usage = body.json()["usage"]
        assert body.json()["model"] == "acme/tiny"
        assert Decimal(str(usage["cost"])) == Decimal("0.001") * usage["prompt_tokens"] + Decimal(
            "0.5"
        )
        too_long = c.post(
            "/chat/completions",
            json={"messages": [{"role": "user", "content": "word " * 80}]},
        )
        assert too_long.status_code == 400
        assert too_long.json()["error"]["metadata"]["error_type"] == "context_length_exceeded"
        assert (
            c.post(
                "/chat/completions", json={"model": DEFAULT_MODEL, "messages": [{"role": "user"}]}
            ).status_code
            == 400
        )
    assert len(default_models()) == 12


# -- scripting ----------------------------------------------------------------------------------


def test_scripted_json_answers_are_fifo_with_times(client: httpx.Client, emu: Emulator) -> None:
    emulator_error = {"error": {"code": 429, "message": "Rate limit exceeded"}}
    emu.script(status=429, body=emulator_error, headers={"Retry-After": "2"}, times=2,
               path="/chat/completions")  # fmt: skip
    emu.error(503, "No instances available", metadata={"error_type": "provider_unavailable"},
              path="/api/v1/chat/completions")  # fmt: skip
    emu.script(status=418, body={"teapot": True}, path="/models")

    first, second = chat(client), chat(client)
    for response in (first, second):
        assert response.status_code == 429
        assert response.headers["retry-after"] == "2"
        assert response.headers["content-type"] == "application/json"
        assert response.json() == emulator_error
    third = chat(client)
    assert third.status_code == 503
    assert third.json() == {
        "error": {
            "code": 503,
            "message": "No instances available",
            "metadata": {"error_type": "provider_unavailable"},
        }
    }
    assert chat(client).status_code == 200  # scripts used up: normal behaviour again
    assert client.get("/models").status_code == 418  # path-specific script waited its turn
    assert client.get("/models").status_code == 200


def test_scripted_raw_html_and_string_code(client: httpx.Client, emu: Emulator) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    emu.script(status=502, body=page)
    emu.error(500, "Internal Server Error", code="server_error")
    response = client.get("/key")
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert response.text == page
    second = chat(client)
    assert second.status_code == 500
    assert second.json() == {"error": {"code": "server_error", "message": "Internal Server Error"}}


def test_scripted_raw_sse_body(client: httpx.Client, emu: Emulator) -> None:
    sse = (
        b": OPENROUTER PROCESSING\n\n"
        b'data: {"error": {"code": "server_error", "message": "boom"},'
        b' "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}]}\n\n'
    )
    emu.script(body=sse, headers={"Content-Type": "text/event-stream"})
    with client.stream("POST", "/chat/completions", json={"stream": True}) as response:
        assert response.headers["content-type"] == "text/event-stream"
        assert response.read() == sse


# -- auth and recording -------------------------------------------------------------------------


def test_missing_or_malformed_auth_is_401(emulator: Emulator) -> None:
    with httpx.Client(base_url=emulator.base_url) as anonymous:
        for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer"}):
            response = anonymous.post(
                "/chat/completions",
                json={"messages": [{"role": "user", "content": "hi"}]},
                headers=headers,
            )
            assert response.status_code == 401
            assert response.json() == {
                "error": {"code": 401, "message": "No auth credentials found"}
            }
    assert emulator.ledger.requests == 0


def test_requests_are_recorded_with_the_key_redacted(
    client: httpx.Client, emulator: Emulator
) -> None:
    secret = emulator.api_key
    chat(client, model="openai/gpt-4o")
    client.get("/generation", params={"id": "gen-1"}, headers={"X-Debug": f"key={secret}"})
    recorded = emulator.requests
    assert [(r.method, r.path) for r in recorded] == [
        ("POST", "/chat/completions"),
        ("GET", "/generation"),
    ]
    assert recorded[0].json["model"] == "openai/gpt-4o"
    assert recorded[0].headers["authorization"] == "Bearer ***"
    assert recorded[1].query == {"id": "gen-1"}
    assert recorded[1].json is None
    assert secret not in repr(recorded)
    assert secret not in repr(emulator)
    with pytest.raises(AttributeError):
        recorded[0].method = "GET"  # type: ignore[misc]


# -- concurrency and disconnects ----------------------------------------------------------------


def test_concurrent_requests_add_up_exactly(emulator: Emulator) -> None:
    models = [
        "openai/gpt-4o-mini",
        "openai/gpt-4o",
        "anthropic/claude-sonnet-4",
        "deepseek/deepseek-r1",
    ]
    usages: list[dict[str, Any]] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        headers = {"Authorization": f"Bearer {emulator.api_key}"}
        try:
            with httpx.Client(base_url=emulator.base_url, headers=headers, timeout=5.0) as c:
                for i in range(25):
                    body = {
                        "model": models[(n + i) % len(models)],
                        "messages": [
                            {"role": "user", "content": f"thread {n} request {i} " * (i % 3 + 1)}
                        ],
                        "stream": i % 5 == 0,
                    }
                    if body["stream"]:
                        _, events = stream_events(c, **body)
                        usage = data_chunks(events)[-1]["usage"]
                    else:
                        response = c.post("/chat/completions", json=body)
                        assert response.status_code == 200
                        usage = response.json()["usage"]
                    with lock:
                        usages.append(usage)
        except BaseException as exc:  # reported by the main thread
            with lock:
                failures.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(usages) == 200

    ledger = emulator.ledger.snapshot()
    assert ledger.requests == 200
    assert ledger.prompt_tokens == sum(u["prompt_tokens"] for u in usages)
    assert ledger.completion_tokens == sum(u["completion_tokens"] for u in usages)
    assert ledger.total_tokens == sum(u["total_tokens"] for u in usages)
    assert emulator.ledger.cost_decimal == sum(Decimal(str(u["cost"])) for u in usages)
    per_model = emulator.ledger.per_model
    assert set(per_model) == set(models)
    assert sum(t.requests for t in per_model.values()) == 200
    assert len(emulator.requests) == 200


def test_abandoned_stream_counts_a_disconnect_and_serving_continues() -> None:
    with Emulator(chunk_delay=0.02) as emu:
        headers = {"Authorization": f"Bearer {emu.api_key}"}
        with httpx.Client(base_url=emu.base_url, headers=headers, timeout=5.0) as c:
            body = {"stream": True, "messages": [{"role": "user", "content": "go " * 40}]}
            with c.stream("POST", "/chat/completions", json=body) as response:
                for line in response.iter_lines():
                    if line.startswith("data: {"):
                        break  # leave after the first chunk; closing drops the connection
            deadline = time.monotonic() + 3
            while emu.disconnects == 0 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert emu.disconnects == 1
            assert emu.ledger.requests == 0  # the abandoned stream was never billed
            after = c.post(
                "/chat/completions",
                json={"messages": [{"role": "user", "content": "still there?"}]},
            )
            assert after.status_code == 200
            assert emu.ledger.requests == 1


# -- lifecycle ----------------------------------------------------------------------------------


def test_lifecycle() -> None:
    emu = Emulator()
    with pytest.raises(RuntimeError):
        _ = emu.base_url
    assert emu.start() is emu
    try:
        url = emu.base_url
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api/v1", url)
        with pytest.raises(RuntimeError):
            emu.start()
        # an idle keep-alive connection must not keep stop() from finishing
        idle = httpx.Client(headers={"Authorization": "Bearer x"})
        assert idle.get(f"{url}/credits").status_code == 200
    finally:
        started = time.monotonic()
        emu.stop()
        assert time.monotonic() - started < 1
        idle.close()
    emu.stop()  # idempotent
    with pytest.raises(httpx.ConnectError), httpx.Client() as c:
        c.get(f"{url}/models")


# -- scripted streams -----------------------------------------------------------------------------


def content_deltas(chunks: list[dict[str, Any]]) -> list[str]:
    """The non-empty ``delta.content`` pieces, in order."""
    return [
        c["choices"][0]["delta"]["content"]
        for c in chunks
        if c["choices"] and c["choices"][0]["delta"].get("content")
    ]


def assemble(chunks: list[dict[str, Any]]) -> dict[str, Any]:
    """Rebuild the non-streamed message, finish reason and usage from stream chunks."""
    content: str | None = None
    reasoning: str | None = None
    details: list[dict[str, Any]] = []
    calls: dict[int, dict[str, Any]] = {}
    finish = usage = None
    for chunk in chunks:
        usage = chunk.get("usage", usage)
        for choice in chunk["choices"]:
            delta = choice["delta"]
            if isinstance(delta.get("content"), str):
                content = (content or "") + delta["content"]
            if delta.get("reasoning") is not None:
                reasoning = (reasoning or "") + delta["reasoning"]
            details.extend(delta.get("reasoning_details") or [])
            for part in delta.get("tool_calls") or []:
                call = calls.setdefault(part["index"], {"function": {"arguments": ""}})
                for key in ("id", "type"):
                    if key in part:
                        call[key] = part[key]
                if "name" in part["function"]:
                    call["function"]["name"] = part["function"]["name"]
                call["function"]["arguments"] += part["function"]["arguments"]
            finish = choice["finish_reason"] or finish
    if calls:
        content = content or None
    text = "".join(d["text"] for d in details)
    merged_details = (
        [{"type": "reasoning.text", "text": text, "format": "unknown", "index": 0}]
        if details
        else None
    )
    return {
        "content": content,
        "reasoning": reasoning,
        "reasoning_details": merged_details,
        "tool_calls": [calls[i] for i in sorted(calls)] or None,
        "finish_reason": finish,
        "usage": usage,
        "model": chunks[0]["model"],
        "provider": chunks[0]["provider"],
    }


def both_modes(client: httpx.Client, **body: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The non-streamed answer and the streamed one, rebuilt into the same shape."""
    body.setdefault("messages", [{"role": "user", "content": "Tell me a story, please."}])
    plain = chat(client, **body).json()
    (choice,) = plain["choices"]
    message = choice["message"]
    flat = {
        "content": message["content"],
        "reasoning": message["reasoning"],
        "reasoning_details": message.get("reasoning_details"),
        "tool_calls": message.get("tool_calls"),
        "finish_reason": choice["finish_reason"],
        "usage": plain["usage"],
        "model": plain["model"],
        "provider": plain["provider"],
    }
    _, events = stream_events(client, **body)
    return flat, assemble(data_chunks(events))


def test_script_stream_chunks_sets_the_content_deltas(client: httpx.Client, emu: Emulator) -> None:
    story = [{"role": "user", "content": "Tell me a story, please."}]
    plain = chat(client, model="openai/gpt-4o", messages=story).json()
    full = plain["choices"][0]["message"]["content"]
    natural = plain["usage"]["completion_tokens"]
    pricing = prices(client, "openai/gpt-4o")
    for n, expected in ((3, None), (natural + 2, full + " w0 w1")):
        emu.script_stream(chunks=n)
        _, events = stream_events(client, model="openai/gpt-4o")
        chunks = data_chunks(events)
        pieces = content_deltas(chunks)
        assert len(pieces) == n
        text = "".join(pieces)
        if expected is None:
            assert full.startswith(text)
            assert tokens(text) == n
        else:
            assert text == expected
        usage = chunks[-1]["usage"]
        assert usage["completion_tokens"] == n
        assert usage["prompt_tokens"] == plain["usage"]["prompt_tokens"]
        cost = (
            Decimal(pricing["prompt"]) * usage["prompt_tokens"] + Decimal(pricing["completion"]) * n
        )
        assert Decimal(str(usage["cost"])) == cost
        assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
        assert events[-1] == "data: [DONE]"


def test_script_stream_delay_between_events(client: httpx.Client, emu: Emulator) -> None:
    emu.script_stream(chunks=2, delay=0.05)
    started = time.monotonic()
    _, events = stream_events(client)
    elapsed = time.monotonic() - started
    assert len(content_deltas(data_chunks(events))) == 2
    assert elapsed >= 2 * 0.05
    started = time.monotonic()
    stream_events(client)  # options used up: no pauses
    assert time.monotonic() - started < 0.1


def test_script_stream_keepalive_comments(client: httpx.Client, emu: Emulator) -> None:
    emu.script_stream(chunks=4, keepalive_every=2)
    _, events = stream_events(client)
    assert events[0] == ": OPENROUTER PROCESSING"
    data_seen = 0
    for position, event in enumerate(events[1:], start=1):
        if event.startswith("data: "):
            data_seen += 1
            before = events[position - 1] == ": OPENROUTER PROCESSING"
            assert before == (data_seen == 1 or data_seen % 2 == 0), (data_seen, events)
    # opener + 4 content + finish + usage + [DONE] = 8 data events -> 4 extra comments
    assert data_seen == 8
    assert events.count(": OPENROUTER PROCESSING") == 1 + 4


def test_script_stream_error_after(client: httpx.Client, emu: Emulator) -> None:
    model = "anthropic/claude-3.5-sonnet"
    emu.script_stream(chunks=5, error_after=2)
    headers, events = stream_events(client, model=model)
    assert "data: [DONE]" not in events
    *chunks, last = data_chunks(events)
    assert len(chunks) == 3  # the opener and 2 content deltas
    assert len(content_deltas(chunks)) == 2
    assert set(last) >= {"id", "object", "created", "model", "provider", "error", "choices"}
    assert last["id"] == headers["x-generation-id"] == chunks[0]["id"]
    assert last["object"] == "chat.completion.chunk"
    assert last["model"] == model
    assert last["provider"] == "Anthropic"
    assert last["error"] == {
        "code": 502,
        "message": "Provider disconnected",
        "metadata": {"error_type": "provider_unavailable"},
    }
    assert last["choices"] == [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}]
    assert "usage" not in last
    assert events[-1] == "data: " + json.dumps(last, separators=(",", ":"))

    # billed: the prompt and the 2 delivered tokens
    ledger = emu.ledger.snapshot()
    assert ledger.requests == 1
    assert ledger.completion_tokens == 2
    pricing = prices(client, model)
    cost = Decimal(pricing["prompt"]) * ledger.prompt_tokens + Decimal(pricing["completion"]) * 2
    assert emu.ledger.cost_decimal == cost
    record = client.get("/generation", params={"id": last["id"]}).json()["data"]
    assert record["finish_reason"] == "error"
    assert record["tokens_completion"] == 2
    assert record["cancelled"] is False

    custom = {"code": "server_error", "message": "Upstream failed", "metadata": {
        "error_type": "rate_limit_exceeded", "provider_code": "429"}}  # fmt: skip
    emu.script_stream(error_after=0, error=custom)
    _, events = stream_events(client)
    chunks = data_chunks(events)
    assert content_deltas(chunks) == []
    assert chunks[-1]["error"] == custom


def test_script_stream_cut_after(client: httpx.Client, emu: Emulator) -> None:
    emu.script_stream(chunks=6, cut_after=2)
    lines: list[str] = []
    body = {"stream": True, "messages": [{"role": "user", "content": "cut me"}]}
    with client.stream("POST", "/chat/completions", json=body) as response:
        assert response.status_code == 200
        with pytest.raises(httpx.TransportError) as info:
            lines.extend(response.iter_lines())
    assert isinstance(info.value, httpx.RemoteProtocolError | httpx.ReadError)
    chunks = [json.loads(line[len("data: ") :]) for line in lines if line.startswith("data: {")]
    assert len(content_deltas(chunks)) == 2
    assert "data: [DONE]" not in lines
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks)
    # billed with what was delivered; not a client disconnect
    assert emu.ledger.completion_tokens == 2
    assert emu.disconnects == 0
    record = client.get("/generation", params={"id": chunks[0]["id"]}).json()["data"]
    assert record["cancelled"] is True
    assert record["tokens_completion"] == 2
    assert chat(client).status_code == 200  # serving continues on a new connection


def test_script_stream_malformed_after(client: httpx.Client, emu: Emulator) -> None:
    emu.script_stream(chunks=3, malformed_after=1)
    with client.stream("POST", "/chat/completions", json={"stream": True, "messages": [
            {"role": "user", "content": "hi"}]}) as response:  # fmt: skip
        raw = response.read().decode()
    bad = 'data: {"id": "gen-x", "choices": [\n\n'
    assert raw.count(bad) == 1
    events = [block for block in raw.split("\n\n") if block]
    bad_at = events.index(bad.strip())
    good = [json.loads(e[6:]) for e in events if e.startswith("data: {") and e != bad.strip()]
    assert len(content_deltas(good)) == 3
    before = [e for e in events[:bad_at] if e.startswith("data: {")]
    assert len(content_deltas([json.loads(e[6:]) for e in before])) == 1
    assert events[-1] == "data: [DONE]"
    assert good[-1]["usage"]["completion_tokens"] == 3


def test_script_stream_usage_style_and_done(client: httpx.Client, emu: Emulator) -> None:
    plain = chat(client, messages=[{"role": "user", "content": "Tell me a story, please."}])
    emu.script_stream(usage_style="empty_delta")
    _, events = stream_events(client)
    *body_chunks, usage_chunk = data_chunks(events)
    assert usage_chunk["choices"] == [{"index": 0, "delta": {}, "finish_reason": None}]
    assert usage_chunk["usage"] == plain.json()["usage"]
    assert body_chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert events[-1] == "data: [DONE]"

    emu.script_stream(done=False)
    with client.stream("POST", "/chat/completions", json={"stream": True, "messages": [
            {"role": "user", "content": "Tell me a story, please."}]}) as response:  # fmt: skip
        raw = response.read().decode()  # a complete body: no transport error
    events = [block for block in raw.split("\n\n") if block]
    assert "[DONE]" not in raw
    *body_chunks, usage_chunk = data_chunks(events)
    assert events[-1].startswith("data: {")
    assert usage_chunk["choices"] == []
    assert usage_chunk["usage"] == plain.json()["usage"]
    assert body_chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert emu.ledger.requests == 3


def test_script_stream_times_fifo_only_for_streams(client: httpx.Client, emu: Emulator) -> None:
    emu.script_stream(chunks=1, times=2)
    emu.script_stream(chunks=2)

    def streamed() -> int:
        _, events = stream_events(client)
        return len(content_deltas(data_chunks(events)))

    natural = chat(client).json()["usage"]["completion_tokens"]
    assert natural > 2
    rejected = {"stream": True, "model": "nope/x", "messages": [{"role": "user", "content": "x"}]}
    bad = client.post("/chat/completions", json=rejected)
    assert bad.status_code == 400  # a rejected request uses nothing up
    assert streamed() == 1
    assert chat(client).json()["usage"]["completion_tokens"] == natural
    assert streamed() == 1
    assert streamed() == 2
    assert streamed() == len(content_deltas(data_chunks(stream_events(client)[1])))
    assert streamed() > 2
    with pytest.raises(ValueError, match="times"):
        emu.script_stream(times=0)
    with pytest.raises(ValueError, match="not both"):
        emu.script_stream(error_after=1, cut_after=1)


@pytest.mark.parametrize(
    ("model", "request_fields"),
    [
        ("deepseek/deepseek-r1", {"reasoning": {"effort": "high"}}),
        ("anthropic/claude-sonnet-4", {"reasoning": {"max_tokens": 2000}}),
        ("google/gemini-2.5-flash", {"include_reasoning": True}),
    ],
)
def test_reasoning_agrees_between_modes(
    client: httpx.Client, model: str, request_fields: dict[str, Any]
) -> None:
    plain, streamed = both_modes(client, model=model, **request_fields)
    assert plain == streamed
    thought = "Let me think about: Tell me a story, please.."
    assert plain["reasoning"] == thought
    assert plain["reasoning_details"] == [
        {"type": "reasoning.text", "text": thought, "format": "unknown", "index": 0}
    ]
    usage = plain["usage"]
    assert usage["completion_tokens_details"]["reasoning_tokens"] == tokens(thought)
    assert usage["completion_tokens"] == tokens(thought) + tokens(plain["content"])
    pricing = prices(client, model)
    cost = (
        Decimal(pricing["prompt"]) * usage["prompt_tokens"]
        + Decimal(pricing["completion"]) * usage["completion_tokens"]
    )
    assert Decimal(str(usage["cost"])) == cost

    # the reasoning deltas come first, one piece each, without content
    _, events = stream_events(client, model=model, **request_fields)
    deltas = [c["choices"][0]["delta"] for c in data_chunks(events) if c["choices"]]
    kinds = ["r" if "reasoning" in d else "c" if d.get("content") else "-" for d in deltas]
    assert "".join(kinds).strip("-") == "r" * tokens(thought) + "c" * tokens(plain["content"])
    for delta in deltas:
        if "reasoning" in delta:
            assert delta.get("content") is None
            assert delta["reasoning_details"] == [
                {"type": "reasoning.text", "text": delta["reasoning"], "format": "unknown",
                 "index": 0}
            ]  # fmt: skip


def test_no_reasoning_when_excluded_or_unsupported(client: httpx.Client) -> None:
    for model, fields in (
        ("deepseek/deepseek-r1", {"reasoning": {"effort": "high", "exclude": True}}),
        ("openai/gpt-4o", {"reasoning": {"effort": "high"}}),
        ("deepseek/deepseek-r1", {}),
    ):
        plain, streamed = both_modes(client, model=model, **fields)
        assert plain == streamed
        assert plain["reasoning"] is None
        assert plain["reasoning_details"] is None
        assert plain["usage"]["completion_tokens_details"]["reasoning_tokens"] == 0


def test_parallel_tool_calls_agree_and_interleave(client: httpx.Client) -> None:
    tools = [
        {"type": "function", "function": {"name": "search", "parameters": {}}},
        {"type": "function", "function": {"name": "weather", "parameters": {
            "type": "object", "properties": {"city": {"type": "string"}}}}},
        {"type": "function", "function": {"name": "clock"}},
    ]  # fmt: skip
    messages = [{"role": "user", "content": 'Find "Paris" weather\nnow, please'}]
    body: dict[str, Any] = {"tools": tools, "tool_choice": "required", "messages": messages}
    plain, streamed = both_modes(client, **body)
    assert plain == streamed
    calls = plain["tool_calls"]
    assert [c["function"]["name"] for c in calls] == ["search", "weather", "clock"]
    assert len({c["id"] for c in calls}) == 3
    assert all(re.fullmatch(r"call_\d+", c["id"]) and c["type"] == "function" for c in calls)
    text = 'Find "Paris" weather\nnow, please'
    assert [json.loads(c["function"]["arguments"]) for c in calls] == [
        {"query": text}, {"city": text}, {"query": text}]  # fmt: skip
    assert plain["content"] is None
    assert plain["finish_reason"] == "tool_calls"
    expected_tokens = sum(
        tokens(c["function"]["name"]) + tokens(c["function"]["arguments"]) for c in calls
    )
    assert plain["usage"]["completion_tokens"] == expected_tokens

    _, events = stream_events(client, **body)
    chunks = data_chunks(events)
    assert not any(c["choices"] and c["choices"][0]["delta"].get("content") for c in chunks)
    parts = [
        p for c in chunks if c["choices"] for p in c["choices"][0]["delta"].get("tool_calls", [])
    ]
    headers, fragments = parts[:3], parts[3:]
    for index, header in enumerate(headers):
        name = calls[index]["function"]["name"]
        assert header == {"index": index, "id": calls[index]["id"], "type": "function",
                          "function": {"name": name, "arguments": ""}}  # fmt: skip
    assert all(set(p) == {"index", "function"} and set(p["function"]) == {"arguments"}
               for p in fragments)  # fmt: skip
    order = [p["index"] for p in fragments]
    assert order[:3] == [0, 1, 2]  # interleaved, not call after call
    for index in range(3):
        assert 2 <= order.count(index) <= 4
    assert len(
        [c for c in chunks if c["choices"] and "tool_calls" in c["choices"][0]["delta"]]
    ) == len(parts)

    single, single_streamed = both_modes(client, **body, parallel_tool_calls=False)
    assert single == single_streamed
    assert [c["function"]["name"] for c in single["tool_calls"]] == ["search"]
    named = {"type": "function", "function": {"name": "clock"}}
    one, one_streamed = both_modes(client, tools=tools, tool_choice=named, messages=messages)
    assert one == one_streamed
    assert [c["function"]["name"] for c in one["tool_calls"]] == ["clock"]


def test_reasoning_with_tool_calls_agree(client: httpx.Client) -> None:
    tools = [{"type": "function", "function": {"name": "lookup"}},
             {"type": "function", "function": {"name": "fetch"}}]  # fmt: skip
    plain, streamed = both_modes(
        client,
        model="anthropic/claude-sonnet-4",
        reasoning={"effort": "low"},
        tools=tools,
        tool_choice="required",
    )
    assert plain == streamed
    assert plain["reasoning"] == "Let me think about: Tell me a story, please.."
    assert len(plain["tool_calls"]) == 2
    assert plain["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0


# -- transport faults -----------------------------------------------------------------------------

QUESTION = {"messages": [{"role": "user", "content": "What is 2 + 2?"}]}
TARGETS: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "completion": ("POST", "/chat/completions", QUESTION),
    "stream": ("POST", "/chat/completions", {**QUESTION, "stream": True}),
    "models": ("GET", "/models", None),
}
RESET_ERRORS = (httpx.ReadError, httpx.RemoteProtocolError, httpx.ConnectError)
RESET_NAMES = tuple(error.__name__ for error in RESET_ERRORS)


@pytest.fixture
def fresh() -> Iterator[Emulator]:
    """An emulator of the test's own: faults leave no server thread behind in the shared one."""
    with Emulator() as emu:
        yield emu


def open_client(emu: Emulator, *, read: float = 5.0, **kwargs: Any) -> httpx.Client:
    headers = {"Authorization": f"Bearer {emu.api_key}"}
    timeout = httpx.Timeout(5.0, read=read)
    return httpx.Client(base_url=emu.base_url, headers=headers, timeout=timeout, **kwargs)


def send(client: httpx.Client, target: str) -> httpx.Response:
    method, path, body = TARGETS[target]
    return client.request(method, path, json=body)


def wait_until(condition: Callable[[], bool], timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def assert_still_serving(emu: Emulator, billed: int) -> None:
    """A normal completion works after the fault, and only it is billed."""
    with open_client(emu) as c:
        assert send(c, "completion").status_code == 200
    assert emu.ledger.requests == billed + 1


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("fault", ["reset_before_headers", "reset_mid_body", "truncate"])
def test_connection_faults_raise(fresh: Emulator, fault: Fault, target: str) -> None:
    fresh.script(fault=fault, path=TARGETS[target][1])
    expected = httpx.RemoteProtocolError if fault == "truncate" else RESET_ERRORS
    with open_client(fresh) as c, pytest.raises(expected):
        send(c, target)
    assert len(fresh.requests) == 1  # received and recorded, fully read
    assert fresh.ledger.requests == 0  # never delivered, never billed
    assert fresh.disconnects == 0  # the emulator cut it, not the client
    assert_still_serving(fresh, billed=0)


@pytest.mark.parametrize("target", ["completion", "models"])
def test_truncate_announces_the_full_length(fresh: Emulator, target: str) -> None:
    method, path, body = TARGETS[target]
    with open_client(fresh) as c:
        normal = len(send(c, target).content)
        fresh.script(fault="truncate", path=path)
        with c.stream(method, path, json=body) as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/json"
            length = int(response.headers["content-length"])
            assert abs(length - normal) < 40  # a fresh id and timestamp: same size, give or take
            with pytest.raises(httpx.RemoteProtocolError, match="complete message body"):
                response.read()
    assert fresh.ledger.requests == (1 if target == "completion" else 0)


@pytest.mark.parametrize("target", list(TARGETS))
def test_malformed_json_is_a_200_that_does_not_parse(fresh: Emulator, target: str) -> None:
    fresh.script(fault="malformed_json", path=TARGETS[target][1])
    with open_client(fresh) as c:
        response = send(c, target)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        with pytest.raises(json.JSONDecodeError):
            json.loads(response.content)
        fresh.script(status=502, fault="malformed_json")  # any status, same broken body
        assert send(c, target).status_code == 502
    assert fresh.ledger.requests == 0
    assert_still_serving(fresh, billed=0)


@pytest.mark.parametrize("target", list(TARGETS))
def test_trickle_slower_than_the_read_timeout_times_out(fresh: Emulator, target: str) -> None:
    fresh.script(fault="trickle", trickle_delay=0.25, path=TARGETS[target][1])
    started = time.monotonic()
    with open_client(fresh, read=0.05) as c, pytest.raises(httpx.ReadTimeout):
        send(c, target)
    assert time.monotonic() - started < 0.24  # the first pause was enough
    assert fresh.ledger.requests == 0
    started = time.monotonic()
    fresh.stop()  # does not wait for the trickle's next pause
    assert time.monotonic() - started < 0.2


def test_trickle_faster_than_the_read_timeout_delivers_slowly(fresh: Emulator) -> None:
    with open_client(fresh, read=0.5) as c:
        fresh.script(fault="trickle", trickle_delay=0.001, path="/chat/completions")
        fresh.script(fault="trickle", trickle_delay=0.0002, path="/chat/completions")
        started = time.monotonic()
        response = send(c, "completion")
        elapsed = time.monotonic() - started
        assert response.status_code == 200
        answer = response.json()
        assert answer["choices"][0]["message"]["content"].startswith("Hello from")
        assert elapsed >= 0.001 * (len(response.content) // 16)  # at least one pause per piece
        _, events = stream_events(c, **QUESTION)  # the stream trickles too, and completes
        assert data_chunks(events)[-1]["usage"]["completion_tokens"] > 0
        scripted_body = {"hello": "slowly"}
        fresh.script(fault="trickle", trickle_delay=0.001, body=scripted_body, status=201)
        scripted = send(c, "models")
        assert (scripted.status_code, scripted.json()) == (201, scripted_body)
    # the trickled completions were delivered whole: billed; the scripted body never is
    assert fresh.ledger.requests == 2
    generation = answer["id"]
    with open_client(fresh) as c:
        assert c.get("/generation", params={"id": generation}).status_code == 200


def test_faulted_answers_are_not_billed_or_kept(fresh: Emulator) -> None:
    with open_client(fresh) as c:
        fresh.script(fault="truncate", path="/chat/completions")
        with c.stream("POST", "/chat/completions", json=QUESTION) as response:
            generation = response.headers["x-generation-id"]
            with pytest.raises(httpx.RemoteProtocolError):
                response.read()
        assert c.get("/generation", params={"id": generation}).status_code == 404
        assert c.get("/credits").json()["data"]["total_usage"] == 0
    assert fresh.ledger.snapshot().requests == 0
    assert [r.path for r in fresh.requests] == ["/chat/completions", "/generation", "/credits"]


def test_scripted_faults_are_fifo_with_times_and_paths(fresh: Emulator) -> None:
    fresh.script(fault="reset_before_headers", path="/chat/completions", times=2)
    fresh.script(status=503, body={"error": {"code": 503, "message": "x"}}, fault="truncate")
    with open_client(fresh) as c:
        with pytest.raises(httpx.RemoteProtocolError):  # only the second entry matches /models
            c.get("/models")
        assert c.get("/models").status_code == 200
        for _ in range(2):
            with pytest.raises(RESET_ERRORS):
                send(c, "completion")
        assert send(c, "completion").status_code == 200
    assert fresh.ledger.requests == 1


def test_fault_arguments_are_checked(emu: Emulator) -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        emu.script(fault=cast(Fault, "explode"))
    with pytest.raises(ValueError, match="malformed_json"):
        emu.script(fault="malformed_json", body="{")
    with pytest.raises(ValueError, match="normal answer"):
        emu.script(fault="truncate", status=500)
    with pytest.raises(ValueError, match="normal answer"):
        emu.script(fault="trickle", headers={"X-A": "b"})
    with pytest.raises(ValueError, match="negative"):
        emu.script(fault="trickle", trickle_delay=-1)
    with pytest.raises(ValueError, match="rate"):
        emu.inject_failures(1.5)
    with pytest.raises(ValueError, match="400-599"):
        emu.inject_failures(0.5, statuses=(200,))
    with pytest.raises(ValueError, match="unknown fault"):
        emu.inject_failures(0.5, faults=[cast(Fault, "explode")])
    with pytest.raises(ValueError, match="at least one"):
        emu.inject_failures(0.5, statuses=())
    emu.inject_failures(0, statuses=())  # off: nothing to pick from is fine


# -- load testing ----------------------------------------------------------------------------------


def outcomes(emu: Emulator, count: int) -> list[str]:
    """What ``count`` sequential completions on one keep-alive client got, in order."""
    seen: list[str] = []
    with open_client(emu) as c:
        for _ in range(count):
            try:
                response = send(c, "completion")
            except httpx.TransportError as exc:
                seen.append(type(exc).__name__)
                continue
            try:
                response.json()
            except json.JSONDecodeError:
                seen.append("malformed")
            else:
                seen.append(str(response.status_code))
    return seen


def test_inject_failures_is_reproducible(fresh: Emulator) -> None:
    faults: list[Fault] = ["reset_before_headers", "truncate", "malformed_json"]
    fresh.inject_failures(0.5, statuses=(500, 503), faults=faults, seed=1)
    first = outcomes(fresh, 40)
    failed = sum(o != "200" for o in first)
    assert fresh.injected_failures == failed
    assert 10 <= failed <= 30
    assert fresh.ledger.requests == 40 - failed  # failed requests are not billed
    kinds = {o for o in first if o != "200"}
    assert kinds <= {"500", "503", "malformed", "RemoteProtocolError", *RESET_NAMES}
    assert {"500", "503", "malformed", "RemoteProtocolError"} <= kinds
    assert kinds & set(RESET_NAMES)

    with open_client(fresh) as c:  # other paths are left alone
        assert all(c.get("/models").status_code == 200 for _ in range(5))
    assert fresh.injected_failures == failed

    fresh.reset()
    assert fresh.injected_failures == 0
    assert outcomes(fresh, 5) == ["200"] * 5  # reset() turned it off
    fresh.inject_failures(0.5, statuses=(500, 503), faults=faults, seed=1)
    assert outcomes(fresh, 40) == first  # same seed, same sequence
    fresh.inject_failures(0.5, statuses=(500, 503), faults=faults, seed=2)
    assert outcomes(fresh, 40) != first
    fresh.inject_failures(0)
    assert outcomes(fresh, 5) == ["200"] * 5


def test_injected_statuses_carry_the_error_body(fresh: Emulator) -> None:
    fresh.inject_failures(1, statuses=(429,), path=None)
    with open_client(fresh) as c:
        response = c.get("/credits")
    assert response.status_code == 429
    assert response.json() == {"error": {"code": 429, "message": "Rate limit exceeded"}}
    assert fresh.injected_failures == 1


def test_open_connections_follow_the_clients(fresh: Emulator) -> None:
    assert (fresh.open_connections, fresh.connections_total) == (0, 0)
    clients = [open_client(fresh) for _ in range(3)]
    try:
        for c in clients:
            assert c.get("/credits").status_code == 200
        # idle keep-alive connections still count
        assert wait_until(lambda: fresh.open_connections == 3)
        assert fresh.connections_total == 3
        clients[0].close()
        assert wait_until(lambda: fresh.open_connections == 2)
    finally:
        for c in clients:
            c.close()
    assert wait_until(lambda: fresh.open_connections == 0)
    assert fresh.connections_total == 3
    fresh.script(fault="reset_before_headers")  # a connection the emulator drops ends too
    with open_client(fresh) as c, pytest.raises(RESET_ERRORS):
        c.get("/models")
    assert wait_until(lambda: fresh.open_connections == 0)
    assert fresh.connections_total == 4
    fresh.reset()
    assert fresh.connections_total == 0


def test_250_idle_connections_are_accepted_and_counted(fresh: Emulator) -> None:
    url = httpx.URL(fresh.base_url)
    address = (url.host, url.port or 80)
    sockets: list[socket.socket] = []
    try:
        for _ in range(250):
            sockets.append(socket.create_connection(address, timeout=5))
        assert wait_until(lambda: fresh.open_connections == 250)
    finally:
        for sock in sockets:
            sock.close()
    assert wait_until(lambda: fresh.open_connections == 0)
    assert fresh.connections_total == 250


def test_200_concurrent_keepalive_requests() -> None:
    # ten clients of 20 connections each: httpx's pool bookkeeping grows with the square of its
    # size, so one client of 200 connections would mostly measure that
    with Emulator(latency=0.1) as emu, ExitStack() as stack:
        clients = [stack.enter_context(open_client(emu)) for _ in range(10)]
        barrier = threading.Barrier(200)

        def one(n: int) -> int:
            barrier.wait(timeout=5)
            body = {"messages": [{"role": "user", "content": f"request {n}"}]}
            response = clients[n % 10].post("/chat/completions", json=body)
            return int(response.json()["usage"]["prompt_tokens"])

        with ThreadPoolExecutor(max_workers=200) as pool:
            prompts = list(pool.map(one, range(200)))
            assert emu.ledger.requests == 200
            assert emu.ledger.prompt_tokens == sum(prompts)
            opened = emu.connections_total
            assert 100 <= opened <= 200  # concurrent (the barrier and latency see to it)
            assert emu.open_connections == opened  # kept alive, idle, still counted
            again = list(pool.map(one, range(200)))
        assert again == prompts
        assert emu.connections_total == opened  # all reused, none opened
        stack.close()
        assert wait_until(lambda: emu.open_connections == 0)


# -- structured outputs and tool loops --------------------------------------------------------


def resolve(schema: Any, root: Any) -> Any:
    while isinstance(schema, dict) and "$ref" in schema:
        node = root
        for part in schema["$ref"][2:].split("/"):
            node = node[part]
        schema = node
    return schema


def validate(value: Any, schema: Any, root: Any, where: str = "$") -> None:
    """A tiny JSON Schema validator covering what the emulator's generator handles."""
    schema = resolve(schema, root)
    if schema is True or schema == {}:
        return
    if "const" in schema:
        assert value == schema["const"], where
    if "enum" in schema:
        assert value in schema["enum"], where
    if "anyOf" in schema:
        errors = 0
        for branch in schema["anyOf"]:
            try:
                validate(value, branch, root, where)
            except AssertionError:
                errors += 1
        assert errors < len(schema["anyOf"]), where
    if "oneOf" in schema:
        matches = 0
        for branch in schema["oneOf"]:
            try:
                validate(value, branch, root, where)
                matches += 1
            except AssertionError:
                pass
        assert matches == 1, where
    for branch in schema.get("allOf", []):
        validate(value, branch, root, where)
    kind = schema.get("type")
    if kind is None:
        return
    kinds = kind if isinstance(kind, list) else [kind]
    checks = {
        "null": value is None,
        "boolean": isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "string": isinstance(value, str),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
    }
    assert any(checks[k] for k in kinds), f"{where}: {value!r} is not {kinds}"
    if checks["number"]:
        if "minimum" in schema:
            assert value >= schema["minimum"], where
        if "maximum" in schema:
            assert value <= schema["maximum"], where
        if "exclusiveMinimum" in schema:
            assert value > schema["exclusiveMinimum"], where
        if "exclusiveMaximum" in schema:
            assert value < schema["exclusiveMaximum"], where
        if "multipleOf" in schema:
            assert value % schema["multipleOf"] == 0, where
    if isinstance(value, str):
        assert len(value) >= schema.get("minLength", 0), where
        assert len(value) <= schema.get("maxLength", len(value)), where
        if schema.get("format") == "date":
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), where
        if schema.get("format") == "date-time":
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})", value)
    if isinstance(value, list):
        assert len(value) >= schema.get("minItems", 0), where
        assert len(value) <= schema.get("maxItems", len(value)), where
        if schema.get("uniqueItems"):
            dumped = [json.dumps(v, sort_keys=True) for v in value]
            assert len(set(dumped)) == len(dumped), f"{where}: {value!r} not unique"
        prefix = schema.get("prefixItems", [])
        for index, item in enumerate(value):
            if index < len(prefix):
                validate(item, prefix[index], root, f"{where}[{index}]")
            else:
                assert schema.get("items", True) is not False, where
                validate(item, schema.get("items", True), root, f"{where}[{index}]")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{where}: missing {key}"
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                validate(value[key], sub, root, f"{where}.{key}")


SCHEMAS: dict[str, dict[str, Any]] = {
    "person": {
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 8},
            "nickname": {"type": "string", "maxLength": 3},
            "age": {"type": "integer", "minimum": 18, "maximum": 99},
            "height": {"type": "number", "exclusiveMinimum": 2, "exclusiveMaximum": 3},
            "score": {"type": "number", "maximum": -4},
            "even": {"type": "integer", "minimum": 3, "multipleOf": 2},
            "active": {"type": "boolean"},
            "nothing": {"type": "null"},
            "role": {"type": "string", "enum": ["admin", "user"]},
            "kind": {"const": "person"},
            "born": {"type": "string", "format": "date"},
            "seen": {"type": "string", "format": "date-time"},
            "anything": {},
        },
        "required": ["name", "age"],
        "additionalProperties": False,
    },
    "arrays": {
        "type": "object",
        "properties": {
            "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
            "many": {"type": "array", "items": {"type": "integer"}, "minItems": 4},
            "one": {"type": "array", "items": {"type": "boolean"}, "maxItems": 1},
            "point": {
                "type": "array",
                "prefixItems": [{"type": "number"}, {"type": "string", "format": "date"}],
                "items": False,
            },
            "ids": {
                "type": "array",
                "items": {"type": "integer", "maximum": 0},
                "uniqueItems": True,
                "minItems": 3,
            },
            "rows": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
        },
        "required": ["tags", "many", "one", "point", "ids", "rows"],
    },
    "unions": {
        "type": "object",
        "properties": {
            "maybe": {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 5}]},
            "either": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "nullable": {"type": ["null", "string"]},
            "both": {
                "allOf": [
                    {"type": "object", "properties": {"a": {"type": "integer"}}},
                    {"properties": {"b": {"type": "string"}}, "required": ["b"]},
                ]
            },
        },
        "required": ["maybe", "either", "nullable", "both"],
    },
    "refs": {
        "$defs": {
            "address": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
                "required": ["city", "zip"],
            },
            "node": {
                "type": "object",
                "properties": {
                    "value": {"type": "integer"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                },
                "required": ["value"],
            },
        },
        "definitions": {"color": {"type": "string", "enum": ["red", "green"]}},
        "type": "object",
        "properties": {
            "home": {"$ref": "#/$defs/address"},
            "tree": {"$ref": "#/$defs/node"},
            "color": {"$ref": "#/definitions/color"},
            "colors": {"type": "array", "items": {"$ref": "#/definitions/color"}},
        },
        "required": ["home", "tree", "color"],
    },
    "string_root": {"type": "string", "format": "date"},
    "array_root": {"type": "array", "items": {"type": "object", "properties": {"x": {}}}},
}


def json_schema(name: str, schema: dict[str, Any], strict: bool = True) -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {"name": name, "schema": schema, "strict": strict},
    }


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_json_schema_answers_validate_in_both_modes(client: httpx.Client, name: str) -> None:
    schema = SCHEMAS[name]
    plain, streamed = both_modes(client, response_format=json_schema(name, schema))
    assert plain == streamed
    content = plain["content"]
    document = json.loads(content)
    validate(document, schema, schema)
    assert content == json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    assert plain["finish_reason"] == "stop"
    assert plain["tool_calls"] is None
    assert plain["usage"]["completion_tokens"] == tokens(content)
    again, _ = both_modes(client, response_format=json_schema(name, schema, strict=False))
    assert again["content"] == content


def test_json_schema_document_details(client: httpx.Client) -> None:
    def answer(schema: dict[str, Any]) -> Any:
        reply = chat(client, response_format=json_schema("x", schema)).json()
        return json.loads(reply["choices"][0]["message"]["content"])

    person = answer(SCHEMAS["person"])
    assert person["born"] == "2026-01-01"
    assert person["age"] == 18
    assert person["active"] is True
    assert person["nothing"] is None
    assert person["role"] == "admin"
    assert person["anything"] == "example"
    assert set(person) == set(SCHEMAS["person"]["properties"])
    arrays = answer(SCHEMAS["arrays"])
    assert [len(arrays[key]) for key in ("tags", "many", "one")] == [2, 4, 1]
    assert answer({"type": "integer"}) == 1
    assert answer({"type": "number"}) == 1.5
    assert answer({"type": "boolean"}) is True
    assert answer({"description": "no type"}) == "example"
    assert answer({"anyOf": [{"type": "null"}, {"type": "string"}]}) == "example"
    tree = answer(SCHEMAS["refs"])["tree"]
    assert tree["children"] == [{"value": 1}, {"value": 2}]  # the recursion stops


def test_bad_response_formats_are_400(client: httpx.Client) -> None:
    bad = [
        {"type": "json_schema"},
        {"type": "json_schema", "json_schema": {"name": "x", "schema": {"$ref": "#/$defs/no"}}},
        {"type": "yaml"},
        "json",
    ]
    for response_format in bad:
        assert chat(client, response_format=response_format).status_code == 400
    text = chat(client, response_format={"type": "text"}).json()
    assert text["choices"][0]["message"]["content"].startswith("Hello from")


def test_json_object_answer(client: httpx.Client) -> None:
    messages = [{"role": "user", "content": "Give me JSON, ünïcode ok?"}]
    plain, streamed = both_modes(
        client, model="openai/gpt-4o", messages=messages, response_format={"type": "json_object"}
    )
    assert plain == streamed
    expected = {"answer": "Hello from openai/gpt-4o! You said: Give me JSON, ünïcode ok?"}
    assert json.loads(plain["content"]) == expected
    assert plain["usage"]["completion_tokens"] == tokens(plain["content"])
    assert plain["finish_reason"] == "stop"


def test_json_schema_cut_by_max_tokens(client: httpx.Client) -> None:
    fmt = json_schema("p", SCHEMAS["person"])
    plain, streamed = both_modes(client, response_format=fmt, max_tokens=5)
    assert plain == streamed
    assert plain["finish_reason"] == "length"
    assert plain["usage"]["completion_tokens"] == 5


WEATHER_TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "get_time",
            "parameters": {"type": "object", "properties": {"zone": {"type": "string"}}},
        },
    },
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    },
    {"type": "function", "function": {"name": "weather_alerts"}},
]


def test_tool_result_turn_answers_with_the_results(client: httpx.Client) -> None:
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": "Weather and time in Paris?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                },
                {
                    "id": "call_2",
                    "type": "function",
                    "function": {"name": "get_time", "arguments": '{"zone":"CET"}'},
                },
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": '{"temp_c": 21}'},
        {"role": "tool", "tool_call_id": "call_2", "content": [{"type": "text", "text": "12:00"}]},
    ]
    for tool_choice in ("required", "auto", {"type": "function", "function": {"name": "x"}}):
        plain, streamed = both_modes(
            client, messages=messages, tools=WEATHER_TOOLS, tool_choice=tool_choice
        )
        assert plain == streamed
        assert plain["tool_calls"] is None
        assert plain["finish_reason"] == "stop"
        assert plain["content"] == 'Based on the tool results: {"temp_c": 21}; 12:00'
        assert plain["usage"]["completion_tokens"] == tokens(plain["content"])
    structured = chat(client, messages=messages, response_format={"type": "json_object"}).json()
    content = json.loads(structured["choices"][0]["message"]["content"])
    assert content == {"answer": 'Based on the tool results: {"temp_c": 21}; 12:00'}


def test_auto_tool_choice_weather_trigger(client: httpx.Client) -> None:
    asks = [{"role": "user", "content": "What's the WEATHER like in Oslo?"}]
    plain, streamed = both_modes(client, messages=asks, tools=WEATHER_TOOLS, tool_choice="auto")
    assert plain == streamed
    assert plain["finish_reason"] == "tool_calls"
    assert plain["content"] is None
    (call,) = plain["tool_calls"]
    assert call["function"]["name"] == "get_weather"
    assert json.loads(call["function"]["arguments"]) == {"city": "What's the WEATHER like in Oslo?"}
    # tool_choice left out means "auto"
    default = chat(client, messages=asks, tools=WEATHER_TOOLS).json()["choices"][0]
    assert default["message"]["tool_calls"][0]["function"]["name"] == "get_weather"
    # no trigger: other words, no weather tool, tool_choice "none", no tools
    other = [{"role": "user", "content": "Tell me about weatherproof boots"}]
    no_tool = [t for t in WEATHER_TOOLS if "weather" not in t["function"]["name"]]
    bodies: list[dict[str, Any]] = [
        {"messages": other, "tools": WEATHER_TOOLS, "tool_choice": "auto"},
        {"messages": asks, "tools": no_tool, "tool_choice": "auto"},
        {"messages": asks, "tools": WEATHER_TOOLS, "tool_choice": "none"},
        {"messages": asks, "tool_choice": "auto"},
    ]
    for body in bodies:
        message = chat(client, **body).json()["choices"][0]["message"]
        assert "tool_calls" not in message
        assert message["content"].startswith("Hello from")


def test_script_tool_calls_both_modes(client: httpx.Client, emu: Emulator) -> None:
    calls = [
        {"name": "lookup", "arguments": '{"q": "x"', "id": "call_custom"},
        {"name": "other", "arguments": "not json at all"},
        {"name": "empty", "arguments": ""},
    ]
    emu.script_tool_calls(calls, times=2)
    plain, streamed = both_modes(client)
    assert plain == streamed
    assert plain["finish_reason"] == "tool_calls"
    assert plain["content"] is None
    got = plain["tool_calls"]
    assert [c["function"]["name"] for c in got] == ["lookup", "other", "empty"]
    assert [c["function"]["arguments"] for c in got] == [c["arguments"] for c in calls]
    assert got[0]["id"] == "call_custom"
    assert got[1]["id"].startswith("call_")
    assert got[1]["id"] != got[2]["id"]
    expected = sum(tokens(c["name"]) + tokens(c["arguments"]) for c in calls)
    assert plain["usage"]["completion_tokens"] == expected
    # both uses are spent: the next answer is the usual text
    after = chat(client).json()["choices"][0]["message"]
    assert after["content"].startswith("Hello from")
    assert "tool_calls" not in after


def test_script_tool_calls_fifo_and_only_chat(client: httpx.Client, emu: Emulator) -> None:
    emu.script_tool_calls([{"name": "first", "arguments": "{}"}])
    emu.script_tool_calls([{"name": "second", "arguments": "[1,"}])
    assert client.get("/models").status_code == 200
    assert chat(client, model="no/such-model").status_code == 400  # not consumed
    emu.script(body={"scripted": True})
    assert chat(client).json() == {"scripted": True}  # not consumed
    messages = [{"role": "user", "content": "hi"}, {"role": "tool", "content": "{}"}]
    first = chat(client, messages=messages, response_format={"type": "json_object"}).json()
    assert first["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "first"
    assert first["choices"][0]["finish_reason"] == "tool_calls"
    _, events = stream_events(client)
    second = assemble(data_chunks(events))
    assert second["tool_calls"][0]["function"] == {"name": "second", "arguments": "[1,"}
    assert second["finish_reason"] == "tool_calls"
    assert chat(client).json()["choices"][0]["finish_reason"] == "stop"
    emu.script_tool_calls([{"name": "gone", "arguments": "{}"}])
    emu.reset()
    assert chat(client).json()["choices"][0]["finish_reason"] == "stop"


def test_script_tool_calls_arguments_are_checked(emu: Emulator) -> None:
    bad: list[tuple[Any, str]] = [
        ([], "non-empty list"),
        ([{"arguments": "{}"}], "'name'"),
        ([{"name": "", "arguments": "{}"}], "'name'"),
        ([{"name": "x", "arguments": {"a": 1}}], "'arguments'"),
        ([{"name": "x", "arguments": "{}", "id": ""}], "'id'"),
        ([{"name": "x", "arguments": "{}", "extra": 1}], "unknown call keys"),
        (["x"], "must be a dict"),
    ]
    for calls, message in bad:
        with pytest.raises(ValueError, match=message):
            emu.script_tool_calls(calls)
    with pytest.raises(ValueError, match="times"):
        emu.script_tool_calls([{"name": "x", "arguments": "{}"}], times=0)


# -- public routes, pagination and variants -----------------------------------------------------


def test_the_model_list_and_endpoints_need_no_key(emulator: Emulator) -> None:
    """OpenRouter serves ``/models`` and a model's endpoints without a key; so does the emulator."""
    with httpx.Client(base_url=emulator.base_url) as anonymous:
        listed = anonymous.get("/models")
        assert listed.status_code == 200
        assert {m["id"] for m in listed.json()["data"]} == EXPECTED_IDS
        endpoints = anonymous.get("/models/openai/gpt-4o-mini/endpoints")
        assert endpoints.status_code == 200
        for endpoint in endpoints.json()["data"]["endpoints"]:  # stats need a key
            assert endpoint["latency_last_30m"] is None
            assert endpoint["throughput_last_30m"] is None
        for method, path in [("GET", "/key"), ("GET", "/credits"), ("GET", "/generation?id=x")]:
            assert anonymous.request(method, path).status_code == 401, path
    assert emulator.requests[0].headers.get("authorization") is None


def test_the_model_list_has_a_count_and_pages_on_request(client: httpx.Client) -> None:
    whole = client.get("/models").json()
    assert whole["total_count"] == len(whole["data"]) == len(EXPECTED_IDS)
    assert whole["links"] == {"next": None}
    ids = [m["id"] for m in whole["data"]]
    first = client.get("/models", params={"limit": 5}).json()
    assert [m["id"] for m in first["data"]] == ids[:5]
    assert first["total_count"] == len(ids)
    assert first["links"]["next"] == "/api/v1/models?offset=5&limit=5"
    last = client.get(first["links"]["next"].removeprefix("/api/v1")).json()
    assert [m["id"] for m in last["data"]] == ids[5:10]
    final = client.get("/models", params={"offset": 10, "limit": 5}).json()
    assert [m["id"] for m in final["data"]] == ids[10:]
    assert final["links"]["next"] is None
    tools = client.get("/models", params={"supported_parameters": "tools,reasoning"}).json()
    assert tools["total_count"] == len(tools["data"]) < len(ids)
    for bad in ({"limit": "0"}, {"limit": "1001"}, {"offset": "-1"}, {"limit": "many"}):
        response = client.get("/models", params=bad)
        assert response.status_code == 400, bad
        assert response.json()["error"]["code"] == 400


@pytest.mark.parametrize(
    "variant", ["free", "nitro", "floor", "online", "thinking", "extended", "exacto", "batch"]
)
def test_every_documented_variant_is_accepted(client: httpx.Client, variant: str) -> None:
    response = chat(client, model=f"anthropic/claude-sonnet-4:{variant}")
    assert response.status_code == 200, response.text
    assert response.json()["model"] == f"anthropic/claude-sonnet-4:{variant}"
    endpoints = client.get(f"/models/anthropic/claude-sonnet-4:{variant}/endpoints")
    assert endpoints.status_code == 200


def test_a_router_has_no_endpoints_of_its_own(client: httpx.Client) -> None:
    response = client.get("/models/openrouter/auto/endpoints")
    assert response.status_code == 200
    assert response.json()["data"]["endpoints"] == []


# -- conformance with the OpenAPI document --------------------------------------------------------
# Every answer the emulator gives is validated against ../shared/openrouter-api/openapi-subset.json
# (OpenAPI 3.1, whose schemas are JSON Schema 2020-12), found as tests/test_codegen.py finds it.

SPEC_ENV = "OPENROUTER_KIT_SPEC"
DEFAULT_SPEC = (
    Path(__file__).resolve().parents[3] / "shared" / "openrouter-api" / "openapi-subset.json"
)
SPEC_URI = "urn:openrouter:openapi-subset"
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "unit": {"type": "string"}},
            "required": ["city"],
        },
    },
}
SCHEMA_FORMAT = {
    "type": "json_schema",
    "json_schema": {
        "name": "person",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
            "required": ["name", "age"],
        },
    },
}
ASK = [{"role": "user", "content": "What is the weather in Paris?"}]
#: Chat requests covering each kind of answer: text, tool calls, reasoning, tool results,
#: structured outputs, a cut answer, fallbacks, routers and free variants.
CHAT_BODIES: dict[str, dict[str, Any]] = {
    "text": {"model": "openai/gpt-4o-mini"},
    "no model": {},
    "tool call": {"model": "openai/gpt-4o", "tools": [WEATHER_TOOL]},
    "parallel tool calls": {
        "model": "openai/gpt-4o",
        "tools": [WEATHER_TOOL, {"type": "function", "function": {"name": "get_time"}}],
        "tool_choice": "required",
    },
    "reasoning": {"model": "deepseek/deepseek-r1", "reasoning": {"effort": "high"}},
    "reasoning and tools": {
        "model": "anthropic/claude-sonnet-4",
        "reasoning": {"max_tokens": 100},
        "tools": [WEATHER_TOOL],
    },
    "tool results": {
        "model": "openai/gpt-4o-mini",
        "messages": [
            *ASK,
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": '{"temperature": 21}'},
        ],
    },
    "json object": {"model": "openai/gpt-4o-mini", "response_format": {"type": "json_object"}},
    "json schema": {"model": "mistralai/mistral-small", "response_format": SCHEMA_FORMAT},
    "cut by max_tokens": {"model": "google/gemini-2.5-flash", "max_tokens": 3},
    "fallbacks": {"models": ["nope/missing", "qwen/qwen-2.5-coder-32b-instruct"]},
    "router": {"model": "openrouter/auto"},
    "free variant": {"model": "meta-llama/llama-3.1-8b-instruct:free"},
    "image output model": {"model": "openai/gpt-5-image-mini"},
}


class SpecChecker:
    """Validates documents against schemas of the OpenAPI document, addressed by JSON pointer."""

    def __init__(self, document: dict[str, Any]) -> None:
        from jsonschema import Draft202012Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self._registry: Any = Registry().with_resource(SPEC_URI, resource)
        self._validator = Draft202012Validator

    def response(self, path: str, method: str, status: int, media: str) -> str:
        """The pointer to a documented response's schema (KeyError if it is not documented)."""
        content = self.document["paths"][path][method]["responses"][str(status)]["content"]
        if "schema" not in content[media]:
            raise KeyError(f"{method} {path} {status} {media} has no schema")
        parts = ["paths", path, method, "responses", str(status), "content", media, "schema"]
        return "#/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)

    def check(self, value: Any, pointer: str, what: str) -> None:
        schema = {"$ref": SPEC_URI + pointer}
        validator = self._validator(schema, registry=self._registry)
        problems = [
            f"  {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}"
            for e in validator.iter_errors(value)
        ]
        assert not problems, f"{what} does not match {pointer}:\n" + "\n".join(problems)

    def error(self, path: str, method: str, response: httpx.Response, what: str) -> None:
        """An error answer: the schema documented for its status, or (for a status the document
        does not list on that path) the shape every documented error body shares."""
        assert response.headers["content-type"] == "application/json", what
        try:
            pointer = self.response(path, method, response.status_code, "application/json")
        except KeyError:
            pointer = "#/components/schemas/InternalServerResponse"
        self.check(response.json(), pointer, f"{what} (HTTP {response.status_code})")


@pytest.fixture(scope="module")
def spec() -> SpecChecker:
    path = Path(os.environ.get(SPEC_ENV) or DEFAULT_SPEC)
    if not path.is_file():
        pytest.skip(
            f"the emulator is checked against OpenRouter's OpenAPI document, "
            f"../shared/openrouter-api/openapi-subset.json, which is not here: {path} "
            f"(set {SPEC_ENV} to its location)"
        )
    pytest.importorskip("jsonschema", reason="needs jsonschema (in the [test] extra)")
    return SpecChecker(json.loads(path.read_text(encoding="utf-8")))


def sse_events(response: httpx.Response) -> list[dict[str, Any]]:
    """The JSON ``data:`` events of an SSE body (comments, ``[DONE]`` and blank lines skipped)."""
    events = []
    for line in response.iter_lines():
        if line.startswith("data: ") and line != "data: [DONE]":
            events.append(json.loads(line[len("data: ") :]))
    return events


@pytest.mark.parametrize("kind", list(CHAT_BODIES))
def test_chat_completions_match_the_spec(
    spec: SpecChecker, client: httpx.Client, emu: Emulator, kind: str
) -> None:
    body = {"messages": ASK, **CHAT_BODIES[kind]}
    plain = client.post("/chat/completions", json=body)
    assert plain.status_code == 200, plain.text
    spec.check(
        plain.json(),
        spec.response("/chat/completions", "post", 200, "application/json"),
        f"the {kind} completion",
    )
    chunk = spec.response("/chat/completions", "post", 200, "text/event-stream")
    with client.stream("POST", "/chat/completions", json={**body, "stream": True}) as streamed:
        assert streamed.status_code == 200
        events = sse_events(streamed)
    assert len(events) >= 3
    for number, event in enumerate(events):
        spec.check({"data": event}, chunk, f"chunk {number} of the {kind} stream")
    for generation_id in (plain.json()["id"], events[0]["id"]):
        stats = client.get("/generation", params={"id": generation_id})
        spec.check(
            stats.json(),
            spec.response("/generation", "get", 200, "application/json"),
            f"the generation of the {kind} completion",
        )


def test_scripted_streams_match_the_spec(
    spec: SpecChecker, client: httpx.Client, emu: Emulator
) -> None:
    chunk = spec.response("/chat/completions", "post", 200, "text/event-stream")
    generation = spec.response("/generation", "get", 200, "application/json")
    emu.script_stream(usage_style="empty_delta", keepalive_every=2)
    emu.script_stream(error_after=2)
    emu.script_stream(
        error_after=1,
        error={
            "code": 429,
            "message": "Slow down",
            "metadata": {"error_type": "rate_limit_exceeded"},
        },
    )
    emu.script_tool_calls([{"name": "lookup", "arguments": '{"q": 1}'}])
    for round_ in range(4):
        body = {"model": "openai/gpt-4o-mini", "messages": ASK, "stream": True}
        with client.stream("POST", "/chat/completions", json=body) as streamed:
            events = sse_events(streamed)
        for number, event in enumerate(events):
            spec.check({"data": event}, chunk, f"chunk {number} of scripted stream {round_}")
        stats = client.get("/generation", params={"id": events[0]["id"]}).json()
        spec.check(stats, generation, f"the generation of scripted stream {round_}")


def test_model_routes_match_the_spec(spec: SpecChecker, client: httpx.Client) -> None:
    listing = spec.response("/models", "get", 200, "application/json")
    spec.check(client.get("/models").json(), listing, "/models")
    spec.check(client.get("/models", params={"limit": 4}).json(), listing, "a page of /models")
    with httpx.Client(base_url=client.base_url) as anonymous:
        spec.check(anonymous.get("/models").json(), listing, "/models without a key")
        unauthenticated = anonymous.get("/models/openai/gpt-4o/endpoints").json()
    endpoints = spec.response("/models/{author}/{slug}/endpoints", "get", 200, "application/json")
    spec.check(unauthenticated, endpoints, "endpoints without a key")
    for model_id in sorted(EXPECTED_IDS):
        answer = client.get(f"/models/{model_id}/endpoints")
        spec.check(answer.json(), endpoints, f"the endpoints of {model_id}")


def test_account_routes_match_the_spec(spec: SpecChecker, client: httpx.Client) -> None:
    chat(client, model="anthropic/claude-sonnet-4")  # some usage to report
    key = spec.response("/key", "get", 200, "application/json")
    spec.check(client.get("/key").json(), key, "/key")
    spec.check(client.get("/auth/key").json(), key, "/auth/key")
    credits = spec.response("/credits", "get", 200, "application/json")
    spec.check(client.get("/credits").json(), credits, "/credits")


def test_error_answers_match_the_spec(
    spec: SpecChecker, client: httpx.Client, emu: Emulator
) -> None:
    chat_path = "/chat/completions"
    cases: list[tuple[str, str, str, httpx.Response]] = [
        ("an unknown model", chat_path, "post", chat(client, model="nope/nothing")),
        ("no messages", chat_path, "post", client.post(chat_path, json={"model": "a/b"})),
        ("a body that is not JSON", chat_path, "post", client.post(chat_path, content=b"{")),
        (
            "a bad response_format",
            chat_path,
            "post",
            chat(client, response_format={"type": "yaml"}),
        ),
        (
            "a prompt over the context window",
            chat_path,
            "post",
            chat(client, model="mistralai/mistral-small", max_tokens=40000),
        ),
        ("a wrong method", chat_path, "post", client.get(chat_path)),
        ("an unknown route", "/models", "get", client.get("/no/such/route")),
        (
            "an unknown model's endpoints",
            "/models/{author}/{slug}/endpoints",
            "get",
            client.get("/models/nope/nothing/endpoints"),
        ),
        (
            "an unknown generation",
            "/generation",
            "get",
            client.get("/generation", params={"id": "gen-missing"}),
        ),
        ("a bad page of /models", "/models", "get", client.get("/models", params={"limit": 0})),
    ]
    with httpx.Client(base_url=client.base_url) as anonymous:
        for path, method in [
            (chat_path, "post"),
            ("/key", "get"),
            ("/credits", "get"),
            ("/generation", "get"),
        ]:
            answer = anonymous.request(method.upper(), path, json={} if method == "post" else None)
            cases.append((f"{path} without a key", path, method, answer))
    emu.take_down("openai/gpt-4o")
    cases.append(("a model that is down", chat_path, "post", chat(client, model="openai/gpt-4o")))
    statuses = [408, 429, 500, 502, 503, 504, 524, 529]
    for status in statuses:
        emu.inject_failures(1.0, statuses=[status])
        cases.append((f"an injected {status}", chat_path, "post", chat(client)))
    emu.inject_failures(0)
    seen = set()
    for what, path, method, response in cases:
        assert response.status_code >= 400, what
        seen.add(response.status_code)
        spec.error(path, method, response, what)
    assert {400, 401, 404, 405, 503} | set(statuses) <= seen


def test_the_spec_check_catches_what_the_emulator_used_to_send(spec: SpecChecker) -> None:
    """Not vacuous: the shapes fixed for the spec fail the check."""
    listing = spec.response("/models", "get", 200, "application/json")
    with pytest.raises(AssertionError, match="'total_count' is a required property"):
        spec.check({"data": []}, listing, "/models before")
    chunk = {
        "id": "gen-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "a/b",
        "choices": [],
        "system_fingerprint": None,
    }
    with pytest.raises(AssertionError, match="system_fingerprint: None is not of type 'string'"):
        spec.check(
            {"data": chunk},
            spec.response("/chat/completions", "post", 200, "text/event-stream"),
            "chunk",
        )
