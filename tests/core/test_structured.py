"""JSON inside message text: tool calls' arguments decoded (typed errors keep the raw text),
results for the next turn, and structured outputs asked for and parsed back."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

import attrs
import pytest

from openrouter_kit import Message, ToolCall, errors
from openrouter_kit._core.convert import converters, dumps
from openrouter_kit._core.structured import (
    decode_arguments,
    format_result,
    parse_output,
    request_format,
    response_format_for,
)
from tests.conftest import CANARY_KEY


def call(arguments: str | None, name: str = "get_weather", call_id: str = "call_1") -> ToolCall:
    data = {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}
    return converters().fast.structure(data, ToolCall)


def test_arguments_are_decoded() -> None:
    assert call('{"city": "Paris", "days": 3}').arguments() == {"city": "Paris", "days": 3}
    assert call("").arguments() == {}
    assert call(None).arguments() == {}
    assert call("  ").arguments() == {}


def test_invalid_arguments_raise_a_typed_error_keeping_the_raw_text() -> None:
    raw = '{"city": "Par'
    with pytest.raises(errors.ToolArgumentsError) as info:
        call(raw).arguments()
    exc = info.value
    assert isinstance(exc, errors.InvalidResponseError)
    assert (exc.raw, exc.tool_name, exc.call_id) == (raw, "get_weather", "call_1")
    assert "get_weather" in str(exc)
    assert '{"city": "Par' in str(exc)


def test_the_raw_text_in_the_message_is_shortened_and_redacted() -> None:
    raw = '{"key": "' + CANARY_KEY + '", "pad": "' + "x" * 500
    with pytest.raises(errors.ToolArgumentsError) as info:
        call(raw).arguments()
    assert CANARY_KEY not in str(info.value)
    assert len(str(info.value)) < 400
    assert info.value.raw == raw  # nothing is lost


def test_tool_results_for_the_next_turn() -> None:
    answer = call('{"city": "Paris"}')
    message = Message.tool_result(answer, {"temp_c": 21, "day": date(2026, 11, 24)})
    assert (message.role, message.tool_call_id) == ("tool", "call_1")
    assert json.loads(message.content) == {"temp_c": 21, "day": "2026-11-24"}
    assert Message.tool_result("call_9", "sunny").content == "sunny"
    assert json.loads(dumps(message)) == {
        "role": "tool",
        "tool_call_id": "call_1",
        "content": '{"temp_c": 21, "day": "2026-11-24"}',
    }


def test_any_object_with_a_function_is_a_tool_call() -> None:
    # The core reads a call by its attributes: no wire model needed.
    call = SimpleNamespace(id="c1", function=SimpleNamespace(name="f", arguments='{"a": 1}'))
    assert decode_arguments(call) == {"a": 1}
    assert decode_arguments(SimpleNamespace(id="c2", function=None)) == {}
    assert format_result("as is") == "as is"
    assert format_result({"n": float("inf"), "d": date(2026, 1, 2)}) == (
        '{"n": Infinity, "d": "2026-01-02"}'
    )


@attrs.define
class Point:
    x: int
    y: int


def test_a_class_or_a_schema_becomes_a_response_format() -> None:
    made = response_format_for(Point)
    assert made["type"] == "json_schema"
    assert made["json_schema"]["name"] == "Point"
    assert made["json_schema"]["schema"]["required"] == ["x", "y"]
    schema = {"title": "My point!", "type": "object"}
    assert response_format_for(schema, strict=False)["json_schema"] == {
        "name": "My_point_",
        "schema": schema,
        "strict": False,
    }
    assert request_format(Point) == made
    assert request_format({"type": "json_object"}) == {"type": "json_object"}
    assert request_format(None) is None


@pytest.mark.parametrize("value", [{"type": "object"}, {"properties": {}}, Point(1, 2), 3])
def test_what_cannot_be_sent_as_a_response_format_is_refused(value: object) -> None:
    with pytest.raises(errors.ResponseFormatError) as info:
        request_format(value)
    assert info.value.path == "$.response_format"


def test_an_answer_parses_into_its_class_fenced_or_not() -> None:
    assert parse_output('{"x": 1, "y": 2}', Point) == Point(1, 2)
    assert parse_output('```json\n{"x": 1, "y": 2}\n```', dict) == {"x": 1, "y": 2}
    with pytest.raises(errors.StructuredOutputError, match="does not fit"):
        parse_output('{"x": "one"}', Point)
    with pytest.raises(errors.StructuredOutputError, match="not JSON"):
        parse_output("Sure! Here it is", Point)
