"""Tool calls: decoded arguments, typed errors that keep the raw text, results for the next turn."""

from __future__ import annotations

import json
from datetime import date

import pytest

from openrouter_kit import Message, ToolCall, errors
from openrouter_kit._core.convert import converters, dumps
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
