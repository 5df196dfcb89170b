"""The fake API's answers against OpenRouter's OpenAPI document
(``../shared/openrouter-api/openapi-subset.json``, OpenAPI 3.1, whose schemas are JSON Schema
2020-12), found as ``tests/test_codegen.py`` finds it. Every route's answers are validated, driven
without a server (``ApiClient``)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from openrouter_kit.testing import Emulator
from tests.testing.helpers import (
    ApiClient,
    chat,
)
from tests.testing.test_api import EXPECTED_IDS

# a real validator, for tests only (the [test] extra); every test here needs it
jsonschema = pytest.importorskip("jsonschema", reason="needs jsonschema (in the [test] extra)")
referencing = pytest.importorskip("referencing")
referencing_jsonschema = pytest.importorskip("referencing.jsonschema")

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
        self.document = document
        draft = referencing_jsonschema.DRAFT202012
        resource = referencing.Resource.from_contents(document, default_specification=draft)
        self._registry: Any = referencing.Registry().with_resource(SPEC_URI, resource)
        self._validator = jsonschema.Draft202012Validator

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
    spec: SpecChecker, client: ApiClient, emu: Emulator, kind: str
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
    spec: SpecChecker, client: ApiClient, emu: Emulator
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


def test_model_routes_match_the_spec(spec: SpecChecker, client: ApiClient) -> None:
    listing = spec.response("/models", "get", 200, "application/json")
    spec.check(client.get("/models").json(), listing, "/models")
    spec.check(client.get("/models", params={"limit": 4}).json(), listing, "a page of /models")
    with client.anonymous() as anonymous:
        spec.check(anonymous.get("/models").json(), listing, "/models without a key")
        unauthenticated = anonymous.get("/models/openai/gpt-4o/endpoints").json()
    endpoints = spec.response("/models/{author}/{slug}/endpoints", "get", 200, "application/json")
    spec.check(unauthenticated, endpoints, "endpoints without a key")
    for model_id in sorted(EXPECTED_IDS):
        answer = client.get(f"/models/{model_id}/endpoints")
        spec.check(answer.json(), endpoints, f"the endpoints of {model_id}")


def test_account_routes_match_the_spec(spec: SpecChecker, client: ApiClient) -> None:
    chat(client, model="anthropic/claude-sonnet-4")  # some usage to report
    key = spec.response("/key", "get", 200, "application/json")
    spec.check(client.get("/key").json(), key, "/key")
    spec.check(client.get("/auth/key").json(), key, "/auth/key")
    credits = spec.response("/credits", "get", 200, "application/json")
    spec.check(client.get("/credits").json(), credits, "/credits")


def test_error_answers_match_the_spec(spec: SpecChecker, client: ApiClient, emu: Emulator) -> None:
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
    with client.anonymous() as anonymous:
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
