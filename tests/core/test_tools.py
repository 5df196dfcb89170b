"""The tool conversation as a state machine, driven by hand: no client, no server."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from openrouter_kit import errors
from openrouter_kit._core.convert import converters
from openrouter_kit._core.tools import ToolLoop
from openrouter_kit._generated.models import CompletionResponse, Message, ToolCall

USER = [{"role": "user", "content": "Weather in Paris?"}]


def get_weather(city: str) -> dict[str, Any]:
    """Get the current weather for a city."""
    return {"city": city, "temp_c": 21}


def reply(
    *calls: tuple[str, str], text: str | None = None, cost: float = 0.5
) -> CompletionResponse:
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if calls:
        message["tool_calls"] = [
            {"id": f"call_{i}", "type": "function", "function": {"name": n, "arguments": a}}
            for i, (n, a) in enumerate(calls)
        ]
    data = {
        "id": "gen-1",
        "model": "a/x",
        "choices": [{"index": 0, "message": message}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15, "cost": 0.5},
    }
    return converters().fast.structure(data, CompletionResponse)


def loop(**kwargs: Any) -> ToolLoop:
    options = {"max_rounds": 4, "raise_errors": False, **kwargs}
    return ToolLoop({"model": "a/x", "messages": list(USER)}, [get_weather], **options)


def test_a_round_trip_from_question_to_answer() -> None:
    run = loop()
    first = run.next_request()
    assert first["model"] == "a/x"
    assert [t.function.name for t in first["tools"]] == ["get_weather"]
    assert all(isinstance(m, Message) for m in first["messages"])

    calls = run.record(reply(("get_weather", '{"city": "Paris"}')))
    assert [c.function.name for c in calls if c.function] == ["get_weather"]
    fn, arguments, error = run.prepare(calls[0])
    assert (fn, arguments, error) == (get_weather, {"city": "Paris"}, None)
    run.add_result(calls[0], get_weather(**arguments), None)

    second = run.next_request()
    assert [m.role for m in second["messages"]] == ["user", "assistant", "tool"]
    assert json.loads(second["messages"][2].content) == {"city": "Paris", "temp_c": 21}
    assert run.record(reply(text="Sunny, 21 °C.")) == []

    result = run.result()
    assert (result.rounds, result.finished, result.response.text) == (2, True, "Sunny, 21 °C.")
    assert (result.usage.prompt_tokens, result.usage.total_tokens) == (20, 30)
    assert result.cost == Decimal("1.0")
    assert [m.role for m in result.messages] == ["user", "assistant", "tool", "assistant"]


def test_the_model_is_told_what_went_wrong_with_a_call() -> None:
    run = loop()
    unknown, bad, not_an_object = run.record(
        reply(("get_time", "{}"), ("get_weather", '{"city": "Par'), ("get_weather", "[1]"))
    )
    assert run.prepare(unknown)[2] == "unknown tool 'get_time'; available: get_weather"
    assert "not valid JSON" in (run.prepare(bad)[2] or "")
    assert run.prepare(not_an_object)[2] == "the arguments must be a JSON object"
    assert run.failed(unknown, RuntimeError("down")) == "RuntimeError: down"
    run.add_result(unknown, None, "unknown tool")
    assert json.loads(run.next_request()["messages"][-1].content) == {"error": "unknown tool"}


def test_raise_errors_raises_instead_of_reporting() -> None:
    run = loop(raise_errors=True)
    (bad,) = run.record(reply(("get_weather", "{")))
    with pytest.raises(errors.ToolArgumentsError):
        run.prepare(bad)
    with pytest.raises(RuntimeError, match="down"):
        run.failed(bad, RuntimeError("down"))


def test_the_round_limit_stops_the_run_unfinished() -> None:
    run = loop(max_rounds=1)
    assert run.record(reply(("get_weather", '{"city": "Paris"}'))) == []
    result = run.result()
    assert (result.rounds, result.finished) == (1, False)
    assert isinstance(result.response.choices[0].message.tool_calls[0], ToolCall)  # type: ignore[index]


@pytest.mark.parametrize("rounds", [0, -1, True, 1.5])
def test_max_rounds_must_be_a_positive_integer(rounds: Any) -> None:
    with pytest.raises(errors.ValidationError, match="max_rounds"):
        loop(max_rounds=rounds)


def test_tool_names_must_be_unique() -> None:
    with pytest.raises(errors.ValidationError, match="'get_weather' is used twice"):
        ToolLoop({"messages": USER}, [get_weather, get_weather], max_rounds=2, raise_errors=False)
