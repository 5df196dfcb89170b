"""How the fake API answers a chat completion (``testing/_chat.py``): the model that answers,
the content, tool calls, reasoning, structured outputs, tokens and cost, in plain and streamed
answers alike. Driven without a server (``ApiClient``)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest

from openrouter_kit.testing import DEFAULT_MODEL, Emulator
from tests.testing.helpers import (
    ApiClient,
    both_modes,
    chat,
    data_chunks,
    prices,
    stream_events,
    tokens,
)
from tests.testing.test_examples import SCHEMAS, validate

# -- models, limits and validation ----------------------------------------------------------------


def test_same_request_same_content(client: ApiClient) -> None:
    first = chat(client, model="anthropic/claude-3.5-sonnet").json()
    second = chat(client, model="anthropic/claude-3.5-sonnet").json()
    assert first["id"] != second["id"]
    assert first["choices"][0]["message"]["content"] == second["choices"][0]["message"]["content"]
    assert first["usage"] == second["usage"]


def test_default_model_and_text_parts(client: ApiClient) -> None:
    parts = [{"type": "text", "text": "first"}, {"type": "text", "text": "second"}]
    body = chat(client, messages=[{"role": "user", "content": parts}]).json()
    assert body["model"] == DEFAULT_MODEL
    assert body["choices"][0]["message"]["content"].endswith("You said: first second")


def test_max_tokens_cuts_with_finish_reason_length(client: ApiClient) -> None:
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


def test_unknown_model_is_400(client: ApiClient) -> None:
    response = chat(client, model="nope/not-a-model")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "error": {"code": 400, "message": "nope/not-a-model is not a valid model ID"}
    }


def test_models_fallback_list_skips_unknown_ids(client: ApiClient) -> None:
    only_list = chat(client, models=["nope/one", "openai/gpt-4o", "openai/gpt-4o-mini"]).json()
    assert only_list["model"] == "openai/gpt-4o"
    with_primary = chat(client, model="nope/one", models=["mistralai/mistral-small"]).json()
    assert with_primary["model"] == "mistralai/mistral-small"
    assert "mistralai/mistral-small" in with_primary["choices"][0]["message"]["content"]
    assert chat(client, models=["nope/one", "nope/two"]).status_code == 400


def test_a_model_taken_down_fails_and_its_fallback_answers(
    client: ApiClient, emulator: Emulator
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


def test_variant_suffix_is_accepted(client: ApiClient) -> None:
    nitro = chat(client, model="openai/gpt-4o-mini:nitro")
    assert nitro.status_code == 200
    assert nitro.json()["usage"]["cost"] > 0
    free = chat(client, model="openai/gpt-4o-mini:free").json()
    assert free["usage"]["cost"] == 0
    listed_free = chat(client, model="meta-llama/llama-3.3-70b-instruct:free").json()
    assert listed_free["usage"]["cost"] == 0
    assert chat(client, model="openai/gpt-4o-mini:bogus").status_code == 400


def test_router_model_names_the_model_that_served(client: ApiClient) -> None:
    body = chat(client, model="openrouter/auto").json()
    assert body["model"] == DEFAULT_MODEL
    assert body["usage"]["cost"] > 0


def test_context_length_exceeded(client: ApiClient) -> None:
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


def test_request_validation(client: ApiClient) -> None:
    missing = client.post("/chat/completions", json={"model": DEFAULT_MODEL})
    assert missing.status_code == 400
    assert set(missing.json()["error"]) == {"code", "message"}
    assert chat(client, messages=[]).status_code == 400
    assert client.post("/chat/completions", json=[1, 2]).status_code == 400
    not_json = client.post("/chat/completions", content=b"{nope", headers={"content-type": "x"})
    assert not_json.status_code == 400
    assert not_json.json()["error"]["code"] == 400


# -- tool calls and reasoning ---------------------------------------------------------------------


def test_tool_call_when_required(client: ApiClient) -> None:
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


@pytest.mark.parametrize(
    ("model", "request_fields"),
    [
        ("deepseek/deepseek-r1", {"reasoning": {"effort": "high"}}),
        ("anthropic/claude-sonnet-4", {"reasoning": {"max_tokens": 2000}}),
        ("google/gemini-2.5-flash", {"include_reasoning": True}),
    ],
)
def test_reasoning_agrees_between_modes(
    client: ApiClient, model: str, request_fields: dict[str, Any]
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


def test_no_reasoning_when_excluded_or_unsupported(client: ApiClient) -> None:
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


def test_parallel_tool_calls_agree_and_interleave(client: ApiClient) -> None:
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


def test_reasoning_with_tool_calls_agree(client: ApiClient) -> None:
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


# -- structured outputs and tool loops ------------------------------------------------------------


def json_schema(name: str, schema: dict[str, Any], strict: bool = True) -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {"name": name, "schema": schema, "strict": strict},
    }


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_json_schema_answers_validate_in_both_modes(client: ApiClient, name: str) -> None:
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


def test_json_schema_document_details(client: ApiClient) -> None:
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


def test_bad_response_formats_are_400(client: ApiClient) -> None:
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


def test_json_object_answer(client: ApiClient) -> None:
    messages = [{"role": "user", "content": "Give me JSON, ünïcode ok?"}]
    plain, streamed = both_modes(
        client, model="openai/gpt-4o", messages=messages, response_format={"type": "json_object"}
    )
    assert plain == streamed
    expected = {"answer": "Hello from openai/gpt-4o! You said: Give me JSON, ünïcode ok?"}
    assert json.loads(plain["content"]) == expected
    assert plain["usage"]["completion_tokens"] == tokens(plain["content"])
    assert plain["finish_reason"] == "stop"


def test_json_schema_cut_by_max_tokens(client: ApiClient) -> None:
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


def test_tool_result_turn_answers_with_the_results(client: ApiClient) -> None:
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


def test_auto_tool_choice_weather_trigger(client: ApiClient) -> None:
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
