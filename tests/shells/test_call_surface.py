"""The call surface of both shells: per-call options, unknown keywords, documented values, the
seed's object forms and a usage that is always there (through pytest-httpx)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_httpx import HTTPXMock, IteratorStream

from openrouter_kit import CompletionRequest, Message, TokenUsage, ToolDefinition, errors
from tests.shells.conftest import BASE, call
from tests.shells.test_complete import COMPLETION
from tests.shells.test_stream import BODY, SSE_HEADERS, collect

pytestmark = pytest.mark.anyio
USER = [{"role": "user", "content": "Hi"}]
MODEL = "openai/gpt-4o-mini"


def sent(httpx_mock: HTTPXMock, index: int = -1) -> Any:
    return json.loads(httpx_mock.get_requests()[index].content)


# -- per-call options -----------------------------------------------------------------------------
async def test_per_call_options_work_and_never_reach_the_body(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    client = make_client(headers={"X-Team": "a", "x-openrouter-metadata": "disabled"}, timeout=30)
    httpx_mock.add_response(json=COMPLETION, is_reusable=True)
    await call(
        client.complete(
            model=MODEL,
            messages=USER,
            timeout=5,
            extra_headers={"X-OpenRouter-Metadata": "enabled", "x-session-id": "s-1"},
            extra_query={"trace": "yes"},
            extra_body={"safe_prompt": True, "temperature": 0.3},
        )
    )
    request = httpx_mock.get_requests()[-1]
    assert sent(httpx_mock) == {
        "model": MODEL,
        "messages": USER,
        "safe_prompt": True,
        "temperature": 0.3,
    }
    assert request.url.params["trace"] == "yes"
    assert request.headers.get_list("x-openrouter-metadata") == ["enabled"]  # replaced, any case
    assert (request.headers["x-session-id"], request.headers["x-team"]) == ("s-1", "a")
    assert request.extensions["timeout"] == dict.fromkeys(("connect", "read", "write", "pool"), 5)
    # The next call has the client's settings again.
    await call(client.complete(model=MODEL, messages=USER, timeout=None))
    assert httpx_mock.get_requests()[-1].extensions["timeout"]["read"] is None
    await call(client.complete(model=MODEL, messages=USER))
    request = httpx_mock.get_requests()[-1]
    assert request.extensions["timeout"]["read"] == 30
    assert request.headers["x-openrouter-metadata"] == "disabled"
    assert "trace" not in request.url.params
    assert sent(httpx_mock) == {"model": MODEL, "messages": USER}


async def test_streams_and_tool_runs_take_the_options_too(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(stream=IteratorStream(BODY), headers=SSE_HEADERS)
    stream = client.stream(
        model=MODEL, messages=USER, extra_headers={"X-A": "1"}, extra_body={"x_flag": 1}, timeout=7
    )
    assert (await call(stream.final_response())).text == "Hello"
    request = httpx_mock.get_requests()[-1]
    assert request.headers["x-a"] == "1"
    assert request.extensions["timeout"]["read"] == 7
    assert sent(httpx_mock) == {"model": MODEL, "messages": USER, "x_flag": 1, "stream": True}

    def shout(text: str) -> str:
        """Shout it."""
        return text.upper()

    httpx_mock.add_response(json=COMPLETION)
    run = await call(
        client.run_tools(model=MODEL, messages=USER, tools=[shout], extra_query={"q": "1"})
    )
    assert run.finished
    assert httpx_mock.get_requests()[-1].url.params["q"] == "1"
    assert "extra_query" not in sent(httpx_mock)


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"extra_headers": {"Authorization": "Bearer other"}}, "cannot set Authorization"),
        ({"extra_headers": {"X-A": 1}}, "extra_headers: the value of X-A must be a string"),
        ({"extra_headers": {"authorization": "x"}}, "cannot set Authorization"),
        ({"extra_headers": {"X-A": "1\r\nX-Evil: 1"}}, "value of X-A contains a line break"),
        ({"extra_headers": {"X-A": "Café"}}, "value of X-A contains non-ASCII characters"),
        ({"extra_headers": {"X A": "1"}}, "'X A' is not a header name"),
        ({"extra_headers": ["X-A"]}, "extra_headers must be a dict"),
        ({"extra_query": ["a"]}, "extra_query must be a dict of strings"),
        ({"extra_body": {"stream": True}}, "cannot set stream"),
        ({"extra_body": {1: 2}}, "extra_body must be a dict with string keys"),
        ({"timeout": -1}, "timeout"),
        ({"max_cost": "a lot"}, "max_cost"),
    ],
)
async def test_invalid_options_are_refused_before_sending(
    client: Any, options: dict[str, Any], words: str
) -> None:
    with pytest.raises(errors.ValidationError, match=words):
        await call(client.complete(model=MODEL, messages=USER, **options))


# -- keywords ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("keywords", "words"),
    [
        ({"max_token": 5}, r"unknown parameter 'max_token' \(did you mean 'max_tokens'\?\)"),
        ({"temprature": 0.2}, r"did you mean 'temperature'\?"),
        ({"extra_bdy": {}}, r"did you mean 'extra_body'\?"),
        ({"frobnicate": 1}, r"parameter 'frobnicate'; .*extra_body=\{'frobnicate': \.\.\.\}"),
        ({"budget": "1"}, r"client option: Client\(budget=\.\.\.\)"),
        ({"headers": {"a": "b"}}, r"extra_headers=\{\.\.\.\}"),
        ({"max_retries": 0}, r"with_options\(max_retries=\.\.\.\)"),
    ],
)
async def test_unknown_keywords_are_refused_with_a_suggestion(
    client: Any, httpx_mock: HTTPXMock, keywords: dict[str, Any], words: str
) -> None:
    with pytest.raises(errors.ValidationError, match=words):
        await call(client.complete(model=MODEL, messages=USER, **keywords))
    with pytest.raises(errors.ValidationError, match=words):
        client.stream(model=MODEL, messages=USER, **keywords)
    with pytest.raises(errors.ValidationError, match=words):
        await call(client.run_tools(model=MODEL, messages=USER, tools=[], **keywords))
    with pytest.raises(errors.ValidationError, match=words):  # a request dict is checked too
        await call(client.complete({"model": MODEL, "messages": USER, **keywords}))
    assert httpx_mock.get_requests() == []


async def test_an_option_inside_a_request_dict_is_pointed_to_its_keyword(client: Any) -> None:
    with pytest.raises(errors.ValidationError, match=r"option of the call.*timeout=\.\.\."):
        await call(client.complete({"model": MODEL, "messages": USER, "timeout": 5}))


async def test_a_request_object_keeps_the_extra_it_was_given(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=COMPLETION)
    request = CompletionRequest(model=MODEL, messages=[Message.user("Hi")], extra={"x_new": 1})
    await call(client.complete(request))
    assert sent(httpx_mock)["x_new"] == 1


# -- documented values ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("keywords", "path", "allowed"),
    [
        ({"provider": {"data_collection": "maybe"}}, "$.provider.data_collection", "allow, deny"),
        ({"reasoning": {"effort": "ultra"}}, "$.reasoning.effort", "max, xhigh, high, medium"),
        ({"response_format": {"type": "xml"}}, "$.response_format.type", "text, json_object"),
        ({"modalities": ["text", "video"]}, "$.modalities[1]", "text, image, audio"),
        ({"tool_choice": "always"}, "$.tool_choice", "none, auto, required"),
        ({"provider": {"quantizations": ["fp3"]}}, "$.provider.quantizations[0]", "int4, int8"),
        ({"plugins": [{"id": "webb"}]}, "$.plugins[0].id", "web, web-fetch"),
    ],
)
async def test_documented_values_are_checked_and_extra_body_is_the_escape(
    client: Any, httpx_mock: HTTPXMock, keywords: dict[str, Any], path: str, allowed: str
) -> None:
    with pytest.raises(errors.ValidationError, match="extra_body") as info:
        await call(client.complete(model=MODEL, messages=USER, **keywords))
    assert info.value.path == path
    assert path in info.value.message
    assert allowed in info.value.message
    assert httpx_mock.get_requests() == []
    httpx_mock.add_response(json=COMPLETION)
    await call(client.complete(model=MODEL, messages=USER, extra_body=keywords))
    assert sent(httpx_mock) == {"model": MODEL, "messages": USER, **keywords}


async def test_documented_values_and_lengths_pass(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=COMPLETION)
    await call(
        client.complete(
            model=MODEL,
            messages=USER,
            provider={"data_collection": "deny", "sort": {"by": "price", "partition": "none"}},
            reasoning={"effort": "minimal"},
            tool_choice={"type": "function", "function": {"name": "f"}},
            modalities=["text", "image"],
            session_id="s" * 256,
        )
    )
    with pytest.raises(errors.ValidationError, match="at most 256 characters"):
        await call(client.complete(model=MODEL, messages=USER, session_id="s" * 257))


# -- the seed's forms -----------------------------------------------------------------------------
async def test_objects_holding_dicts_are_sent_as_given(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=COMPLETION, is_reusable=True)
    function = {"name": "lookup", "parameters": {"type": "object", "properties": {}}}
    tool = ToolDefinition(type="function", function=function)
    await call(client.complete(model=MODEL, messages=USER, tools=[tool]))
    assert sent(httpx_mock)["tools"] == [{"type": "function", "function": function}]
    request = CompletionRequest(model=MODEL, messages=[{"role": "user", "content": "Hi"}])
    await call(client.complete(request))
    assert sent(httpx_mock) == {"model": MODEL, "messages": USER}
    bad = CompletionRequest(model=MODEL, messages=[{"role": "user", "content": 5}])
    with pytest.raises(errors.ValidationError, match=r"\$\.messages\[0\]\.content"):
        await call(client.complete(bad))


async def test_usage_is_never_none(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json={**COMPLETION, "usage": None})
    reply = await call(client.complete(model=MODEL, messages=USER))
    assert reply.usage == TokenUsage(prompt_tokens=0, completion_tokens=0, total_tokens=0)
    assert reply.cost is None
    no_usage = {k: v for k, v in COMPLETION.items() if k != "usage"}
    httpx_mock.add_response(json=no_usage, url=f"{BASE}/chat/completions")
    assert (await call(client.complete(model=MODEL, messages=USER))).usage.total_tokens == 0


# -- streams closed early -------------------------------------------------------------------------
async def test_a_stream_closed_early_says_so(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(stream=IteratorStream(BODY), headers=SSE_HEADERS, is_reusable=True)
    whole = client.stream(model=MODEL, messages=USER)
    assert not whole.partial
    reply = await call(whole.final_response())
    assert (whole.partial, reply.partial, reply.text) == (False, False, "Hello")

    empty = client.stream(model=MODEL, messages=USER)
    await call(empty.__aenter__() if hasattr(empty, "__aenter__") else empty.__enter__())
    await call(empty.close())  # left before reading anything
    reply = await call(empty.final_response())
    assert empty.partial
    assert reply.partial
    assert reply.choices[0].message.content == ""  # a choice is always there
    assert (reply.choices[0].finish_reason, reply.text, reply.usage.total_tokens) == (None, "", 0)

    broken_off = client.stream(model=MODEL, messages=USER)
    if hasattr(broken_off, "__anext__"):
        await broken_off.__anext__()
    else:
        next(broken_off)
    await call(broken_off.close())
    reply = await call(broken_off.final_response())
    assert (broken_off.partial, reply.partial, reply.text) == (True, True, "Hel")
    assert reply.choices[0].finish_reason is None

    never_opened = client.stream(model=MODEL, messages=USER)
    await call(never_opened.close())
    assert (await call(never_opened.final_response())).partial


async def test_an_error_event_carries_a_partial_answer(client: Any, httpx_mock: HTTPXMock) -> None:
    body = [*BODY[:2], b'data: {"error": {"code": 502, "message": "provider died"}}\n\n']
    httpx_mock.add_response(stream=IteratorStream(body), headers=SSE_HEADERS)
    stream = client.stream(model=MODEL, messages=USER)
    with pytest.raises(errors.StreamError) as info:
        await collect(stream)
    assert info.value.response.partial
    assert info.value.response.text == "Hel"
    assert stream.partial


async def test_routing_metadata_of_the_last_chunk_reaches_the_final_response(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    metadata = {"strategy": "price", "attempts": [{"provider": "OpenAI", "status": 200}]}
    last = json.loads(BODY[4].removeprefix(b"data: "))
    body = [
        *BODY[:4],
        b"data: " + json.dumps({**last, "openrouter_metadata": metadata}).encode() + b"\n\n",
        BODY[5],
    ]
    httpx_mock.add_response(stream=IteratorStream(body), headers=SSE_HEADERS)
    reply = await call(client.stream(model=MODEL, messages=USER).final_response())
    assert reply.openrouter_metadata == metadata
    assert "openrouter_metadata" not in reply.extra


async def test_a_call_rerouted_around_an_open_circuit_keeps_its_extra_body(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    client = make_client(max_retries=0, breaker_threshold=1)
    httpx_mock.add_response(status_code=502, json={"error": {"code": 502, "message": "a is down"}})
    with pytest.raises(errors.ModelUnavailableError):
        await call(client.complete(model="a/x", messages=USER))
    httpx_mock.add_response(json=COMPLETION)
    await call(client.complete(models=["a/x", "b/y"], messages=USER, extra_body={"x_flag": 1}))
    assert sent(httpx_mock) == {"model": "b/y", "models": ["b/y"], "messages": USER, "x_flag": 1}


# -- refused before sending (issue 14, F19) -----------------------------------------------------


def _deep(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


F19_CASES = {
    "model ''": ({"model": ""}, "$.model"),
    "model '   '": ({"model": "   "}, "$.model"),
    "model with a space and a newline": ({"model": "openai/gpt 4o\nX"}, "$.model"),
    "a fallback model ''": ({"models": [MODEL, ""]}, "$.models[1]"),
    "user content None": (
        {"messages": [{"role": "user", "content": None}]},
        "$.messages[0].content",
    ),
    "user content missing": ({"messages": [{"role": "user"}]}, "$.messages[0].content"),
    "max_tokens=10**30": ({"max_tokens": 10**30}, "$.max_tokens"),
    "seed=2**80": ({"seed": 2**80}, "$.seed"),
    "logit_bias 1e9": ({"logit_bias": {"1": 1e9}}, "$.logit_bias['1']"),
    "extra_body NaN": ({"extra_body": {"my_param": float("nan")}}, "$.my_param"),
    "extra_body nested 50k": ({"extra_body": {"my_param": _deep(50_000)}}, "$.my_param[0][0]"),
    "message nested 50k": (
        {"messages": [{"role": "user", "content": "hi", "x": _deep(50_000)}]},
        "$.messages[0].x",
    ),
}


@pytest.mark.parametrize(("kwargs", "path"), F19_CASES.values(), ids=list(F19_CASES))
async def test_invalid_requests_are_refused_before_sending_naming_the_path(
    client: Any, httpx_mock: HTTPXMock, kwargs: dict[str, Any], path: str
) -> None:
    # The review's reproducer: each of these was sent (or failed with a raw RecursionError).
    call_kwargs = {"model": MODEL, "messages": USER, **kwargs}
    with pytest.raises(errors.ValidationError) as info:
        await call(client.complete(**call_kwargs))
    assert info.value.path == path
    with pytest.raises(errors.ValidationError) as info:
        client.stream(**call_kwargs)
    assert info.value.path == path
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"default_params": {"temperature": 5}}, "default_params: $.temperature must be at most 2"),
        (
            {"default_params": {"max_tokens": 10**30}},
            "default_params: $.max_tokens must be at most",
        ),
        (
            {"default_params": {"max_tokens": "many"}},
            "default_params: $.max_tokens: expected an int",
        ),
        ({"default_params": {"provider": {"order": 5}}}, "default_params: $.provider.order"),
        ({"default_model": "openai/gpt 4o"}, "default_model: $.model must be a model id"),
        ({"default_model": ""}, "default_model: $.model must be a model id"),
    ],
)
async def test_request_defaults_are_checked_when_the_client_is_made(
    make_client: Any, settings: dict[str, Any], words: str
) -> None:
    # Client(default_params={"temperature": 5}) was sent: defaults were applied after validation.
    with pytest.raises(errors.ConfigurationError) as info:
        make_client(**settings)
    assert words in str(info.value)


async def test_valid_request_defaults_are_applied(make_client: Any, httpx_mock: HTTPXMock) -> None:
    client = make_client(default_model=MODEL, default_params={"temperature": 2, "max_tokens": 5})
    httpx_mock.add_response(json=COMPLETION)
    await call(client.complete(messages=USER))
    assert sent(httpx_mock) == {"model": MODEL, "messages": USER, "temperature": 2, "max_tokens": 5}
