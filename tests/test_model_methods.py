"""Hand-written behaviour of the generated models: constructors, shortcuts, repr."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from openrouter_kit import (
    CompletionResponse,
    ContentPart,
    Message,
    MessageRole,
    TokenUsage,
    ToolCall,
)
from openrouter_kit._core.convert import converters, dumps
from openrouter_kit._generated.models import FunctionCall


def sent(obj: Any) -> Any:
    """What goes on the wire for ``obj``."""
    return json.loads(dumps(obj))


def response(**fields: Any) -> CompletionResponse:
    """A completion parsed from its wire form, the way the client gets it."""
    return converters().fast.structure({"id": "gen-1", **fields}, CompletionResponse)


def answer(message: dict[str, Any], **fields: Any) -> CompletionResponse:
    return response(
        choices=[{"index": 0, "finish_reason": "stop", "message": message}],
        **fields,
    )


# --- Message constructors ----------------------------------------------------------------------


def test_system_message() -> None:
    msg = Message.system("Be brief.")
    assert msg.role == MessageRole.SYSTEM
    assert msg.content == "Be brief."
    assert sent(msg) == {"role": "system", "content": "Be brief."}


def test_user_message_with_text() -> None:
    msg = Message.user("Hello!")
    assert msg.role == "user"
    assert sent(msg) == {"role": "user", "content": "Hello!"}


def test_user_message_with_parts() -> None:
    msg = Message.user(
        [
            ContentPart(type="text", text="What is in this image?"),
            {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
        ]
    )
    assert sent(msg) == {
        "role": "user",
        "content": [
            {"type": "text", "text": "What is in this image?"},
            {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
        ],
    }


def test_user_message_with_a_name() -> None:
    msg = Message.user("hi", name="alice")
    assert msg.name == "alice"
    assert sent(msg) == {"role": "user", "content": "hi", "name": "alice"}


def test_assistant_message() -> None:
    msg = Message.assistant("Paris.")
    assert msg.role == MessageRole.ASSISTANT
    assert sent(msg) == {"role": "assistant", "content": "Paris."}


def test_assistant_message_with_only_tool_calls() -> None:
    call = ToolCall(id="call_1", function=FunctionCall(name="get_weather", arguments="{}"))
    msg = Message.assistant(tool_calls=[call])
    assert msg.content is None
    assert sent(msg) == {
        "role": "assistant",
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": "{}"},
            }
        ],
    }


def test_tool_message() -> None:
    msg = Message.tool("call_1", '{"temp": 21}')
    assert msg.role == MessageRole.TOOL
    assert msg.tool_call_id == "call_1"
    assert msg.content == '{"temp": 21}'
    assert sent(msg) == {"role": "tool", "tool_call_id": "call_1", "content": '{"temp": 21}'}


def test_constructors_return_messages_with_no_extra() -> None:
    for msg in (
        Message.system("s"),
        Message.user("u"),
        Message.assistant(),
        Message.tool("c", "t"),
    ):
        assert isinstance(msg, Message)
        assert msg.extra == {}


# --- CompletionResponse.text and .cost -----------------------------------------------------------


def test_text_of_a_string_answer() -> None:
    assert answer({"role": "assistant", "content": "Paris."}).text == "Paris."


def test_text_of_a_parts_answer_joins_only_text_parts() -> None:
    resp = answer(
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Here is "},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
                {"type": "text", "text": "a cat."},
                {"type": "text"},
            ],
        }
    )
    assert resp.text == "Here is a cat."


def test_text_of_the_first_choice() -> None:
    resp = response(
        choices=[
            {"index": 0, "message": {"role": "assistant", "content": "first"}},
            {"index": 1, "message": {"role": "assistant", "content": "second"}},
        ]
    )
    assert resp.text == "first"


def test_text_without_choices_is_empty() -> None:
    assert response().text == ""
    assert response(choices=[]).text == ""
    assert response(choices=[{"index": 0, "finish_reason": "error"}]).text == ""


def test_text_of_a_tool_call_only_answer_is_empty() -> None:
    resp = answer(
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "f", "arguments": "{}"},
                }
            ],
        }
    )
    assert resp.text == ""


def test_cost_from_usage() -> None:
    resp = answer(
        {"role": "assistant", "content": "hi"},
        usage={"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12, "cost": 0.00042},
    )
    assert resp.cost == Decimal("0.00042")  # the server's number, exactly: no binary noise
    assert isinstance(resp.cost, Decimal)


def test_cost_of_a_free_request_is_zero_not_none() -> None:
    resp = answer({"role": "assistant", "content": "hi"}, usage={"cost": 0})
    assert resp.cost == 0


def test_cost_is_none_without_usage_or_without_a_reported_cost() -> None:
    assert answer({"role": "assistant", "content": "hi"}).cost is None
    assert answer({"role": "assistant", "content": "hi"}, usage={"prompt_tokens": 3}).cost is None


# --- repr ----------------------------------------------------------------------------------------


def test_repr_shows_only_set_fields() -> None:
    assert repr(Message.user("hi")) == "Message(role='user', content='hi')"
    assert repr(Message.tool("c1", "ok")) == "Message(role='tool', content='ok', tool_call_id='c1')"


def test_repr_of_defaults_is_empty() -> None:
    assert repr(ToolCall()) == "ToolCall()"
    assert repr(TokenUsage()) == "TokenUsage()"
    assert repr(CompletionResponse()) == "CompletionResponse()"


def test_repr_shows_a_non_default_value_equal_to_a_falsy_one() -> None:
    assert repr(TokenUsage(prompt_tokens=5)) == "TokenUsage(prompt_tokens=5)"


@pytest.mark.parametrize(
    "obj",
    [
        Message.user("hi"),
        ToolCall(id="c1"),
        CompletionResponse(id="gen-1"),
        TokenUsage(prompt_tokens=1),
    ],
    ids=lambda o: type(o).__name__,
)
def test_repr_never_shows_an_empty_extra(obj: Any) -> None:
    assert "extra" not in repr(obj)


def test_repr_shows_a_non_empty_extra() -> None:
    msg = Message(role="user", content="hi", extra={"x_new": 1})
    assert repr(msg) == "Message(role='user', content='hi', extra={'x_new': 1})"


def test_repr_of_a_parsed_response_shows_nested_models() -> None:
    resp = answer({"role": "assistant", "content": "Paris."})
    assert repr(resp) == (
        "CompletionResponse(id='gen-1', choices=[CompletionChoice("
        "message=ResponseMessage(content='Paris.'), finish_reason='stop')])"
    )


# --- ToolCall ------------------------------------------------------------------------------------


def test_tool_call_type_defaults_to_function_and_is_sent() -> None:
    call = ToolCall(id="call_1", function=FunctionCall(name="f", arguments='{"x": 1}'))
    assert call.type == "function"
    assert sent(call) == {
        "id": "call_1",
        "type": "function",
        "function": {"name": "f", "arguments": '{"x": 1}'},
    }


def test_a_parsed_tool_call_without_type_gets_function() -> None:
    call = converters().fast.structure({"id": "c", "function": {"name": "f"}}, ToolCall)
    assert call.type == "function"
