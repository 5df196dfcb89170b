"""The fake OpenRouter API (``testing/_api.py``) without a server: routes, authentication,
recorded requests, account endpoints, the model list, scripted answers and the shape of streams.
``ApiClient`` plays each planned reply as a client would read it."""

from __future__ import annotations

import json
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from openrouter_kit.testing import DEFAULT_MODEL, Emulator, _api, default_models
from openrouter_kit.testing._exchange import Cut, Request, Settle, Stream, Write
from tests.testing.helpers import (
    ApiClient,
    assemble,
    both_modes,
    chat,
    content_deltas,
    data_chunks,
    prices,
    stream_events,
    tokens,
)

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


# -- streaming ------------------------------------------------------------------------------------


def test_stream_with_max_tokens_and_tool_call(client: ApiClient) -> None:
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


def test_stream_errors_before_first_token_are_plain_json(client: ApiClient) -> None:
    with client.stream(
        "POST", "/chat/completions", json={"model": "nope/x", "stream": True, "messages": []}
    ) as response:
        response.read()
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"


# -- account endpoints ----------------------------------------------------------------------------


def test_generation_lookup(client: ApiClient) -> None:
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


def test_an_abandoned_stream_is_on_record_at_no_cost() -> None:
    """A client that goes away before the stream was billed: the generation is kept (cancelled,
    its tokens as planned) and shows what the ledger billed, nothing."""
    emu = Emulator()
    body = {"stream": True, "messages": [{"role": "user", "content": "Go away."}]}
    headers = [("Authorization", f"Bearer {emu.api_key}")]
    request = Request.of("POST", "/api/v1/chat/completions", headers, json.dumps(body).encode())
    stream = emu._api.handle(request)
    assert isinstance(stream, Stream)
    assert stream.abandoned is not None
    stream.abandoned(0.1)
    client = ApiClient(emu, token=emu.api_key)
    gen_id = json.loads(next(s for s in stream.steps if isinstance(s, Write) and b"id" in s.data)
                        .data.removeprefix(b"data: "))["id"]  # fmt: skip
    data = client.get("/generation", params={"id": gen_id}).json()["data"]
    assert (data["cancelled"], data["total_cost"], data["usage"]) == (True, 0.0, 0.0)
    assert data["tokens_completion"] > 0
    assert emu.ledger.requests == 0


def test_generation_records_can_appear_late(monkeypatch: pytest.MonkeyPatch) -> None:
    emu = Emulator(generation_delay=2.5)
    client = ApiClient(emu, token=emu.api_key)
    now = [1000.0]
    monkeypatch.setattr(_api, "time", SimpleNamespace(monotonic=lambda: now[0]))
    served = chat(client).json()
    assert emu.ledger.requests == 1  # billed at once
    assert client.get("/generation", params={"id": served["id"]}).status_code == 404
    now[0] += 2.5
    found = client.get("/generation", params={"id": served["id"]})
    assert found.status_code == 200
    assert found.json()["data"]["total_cost"] == served["usage"]["cost"]


def test_key_and_credits_reflect_the_ledger(client: ApiClient, emulator: Emulator) -> None:
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


def test_models_listing_shape(client: ApiClient) -> None:
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


def test_model_endpoints(client: ApiClient) -> None:
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


def test_unknown_path_and_wrong_method(client: ApiClient) -> None:
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
    with ApiClient(Emulator(models=custom), token="anything") as c:
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
    assert len(default_models()) == 15


# -- scripting ------------------------------------------------------------------------------------


def test_scripted_json_answers_are_fifo_with_times(client: ApiClient, emu: Emulator) -> None:
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


def test_scripted_raw_html_and_string_code(client: ApiClient, emu: Emulator) -> None:
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


def test_scripted_raw_sse_body(client: ApiClient, emu: Emulator) -> None:
    sse = (
        b": OPENROUTER PROCESSING\n\n"
        b'data: {"error": {"code": "server_error", "message": "boom"},'
        b' "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}]}\n\n'
    )
    emu.script(body=sse, headers={"Content-Type": "text/event-stream"})
    with client.stream("POST", "/chat/completions", json={"stream": True}) as response:
        assert response.headers["content-type"] == "text/event-stream"
        assert response.read() == sse


# -- auth and recording ---------------------------------------------------------------------------


def test_missing_or_malformed_auth_is_401(emulator: Emulator) -> None:
    with ApiClient(emulator) as anonymous:
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


def test_requests_are_recorded_with_the_key_redacted(client: ApiClient, emulator: Emulator) -> None:
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


def test_recorded_requests_mask_every_secret(client: ApiClient, emulator: Emulator) -> None:
    other_key = "sk-or-v1-" + "0123456789abcdef" * 4
    messages = [{"role": "user", "content": f"my key is {other_key}, theirs {emulator.api_key}"}]
    headers = {"Cookie": "session=abc", "X-Api-Key": "k-123", "X-Trace": "t-1"}
    client.post("/chat/completions", json={"messages": messages}, headers=headers)
    (recorded,) = emulator.requests
    assert recorded.json["messages"][0]["content"] == "my key is sk-***, theirs ***"
    assert recorded.headers["cookie"] == recorded.headers["x-api-key"] == "***"
    assert recorded.headers["x-trace"] == "t-1"
    assert other_key not in repr(recorded)


# -- scripted streams -----------------------------------------------------------------------------


def test_script_stream_chunks_sets_the_content_deltas(client: ApiClient, emu: Emulator) -> None:
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


def test_script_stream_keepalive_comments(client: ApiClient, emu: Emulator) -> None:
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


def test_script_stream_error_after(client: ApiClient, emu: Emulator) -> None:
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


def test_script_stream_malformed_after(client: ApiClient, emu: Emulator) -> None:
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


def test_script_stream_usage_style_and_done(client: ApiClient, emu: Emulator) -> None:
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


def test_script_stream_times_fifo_only_for_streams(client: ApiClient, emu: Emulator) -> None:
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


# -- scripted tool calls --------------------------------------------------------------------------


def test_script_tool_calls_both_modes(client: ApiClient, emu: Emulator) -> None:
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


def test_script_tool_calls_fifo_and_only_chat(client: ApiClient, emu: Emulator) -> None:
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


# -- public routes, pagination and variants -------------------------------------------------------


def test_the_model_list_and_endpoints_need_no_key(emulator: Emulator) -> None:
    """OpenRouter serves ``/models`` and a model's endpoints without a key; so does the emulator."""
    with ApiClient(emulator) as anonymous:
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


def test_the_model_list_has_a_count_and_pages_on_request(client: ApiClient) -> None:
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
def test_every_documented_variant_is_accepted(client: ApiClient, variant: str) -> None:
    response = chat(client, model=f"anthropic/claude-sonnet-4:{variant}")
    assert response.status_code == 200, response.text
    assert response.json()["model"] == f"anthropic/claude-sonnet-4:{variant}"
    endpoints = client.get(f"/models/anthropic/claude-sonnet-4:{variant}/endpoints")
    assert endpoints.status_code == 200


def test_a_router_has_no_endpoints_of_its_own(client: ApiClient) -> None:
    response = client.get("/models/openrouter/auto/endpoints")
    assert response.status_code == 200
    assert response.json()["data"]["endpoints"] == []


# -- planned replies ------------------------------------------------------------------------------


def label(step: Write | Settle | Cut) -> str:
    """What a step of a planned stream is, in a word."""
    if isinstance(step, Settle):
        return "settle"
    if isinstance(step, Cut):
        return "cut"
    if step.data.startswith(b":"):
        return "comment"
    if step.data == b"data: [DONE]\n\n":
        return "done"
    chunk = json.loads(step.data[len(b"data: ") :])
    return "usage" if "usage" in chunk else chunk["choices"][0]["finish_reason"] or "delta"


def test_a_stream_is_planned_with_its_pauses_and_settlements() -> None:
    emu = Emulator(latency=0.2, chunk_delay=0.05)
    body = {"stream": True, "messages": [{"role": "user", "content": "Plan this."}]}
    headers = [("Authorization", f"Bearer {emu.api_key}")]
    request = Request.of("POST", "/api/v1/chat/completions", headers, json.dumps(body).encode())
    stream = emu._api.handle(request)
    assert isinstance(stream, Stream)
    labels = [label(step) for step in stream.steps]
    assert labels[0] == "comment"
    assert set(labels[1:-4]) == {"delta"}
    assert labels[-4:] == ["stop", "settle", "usage", "done"]  # billed before the usage chunk
    writes = [step for step in stream.steps if isinstance(step, Write)]
    assert [w.pause for w in writes] == [0.0, 0.2] + [0.05] * (len(writes) - 2)
    assert stream.abandoned is not None  # what a client that goes away still leaves on record
    assert emu.ledger.requests == 0
    for step in stream.steps:
        if isinstance(step, Settle):
            step.run(0.25)
    assert emu.ledger.requests == 1

    emu.script_stream(delay=0.01, keepalive_every=2, cut_after=3)
    cut = emu._api.handle(request)
    assert isinstance(cut, Stream)
    labels = [label(step) for step in cut.steps]
    # the opener, then 3 answer deltas; a comment before every second event, after its pause
    assert labels == ["comment", "delta", "comment", "delta", "delta", "comment", "delta",
                      "settle", "cut"]  # fmt: skip
    writes = [step for step in cut.steps if isinstance(step, Write)]
    assert [w.pause for w in writes] == [0.0, 0.2, 0.01, 0.0, 0.01, 0.01, 0.0]
