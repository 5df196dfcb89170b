"""The tool runner for both shells, through pytest-httpx playing the model."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import anyio
import pytest
from pytest_httpx import HTTPXMock

from openrouter_kit import AsyncClient, errors
from tests.shells.conftest import call

pytestmark = pytest.mark.anyio
USER = [{"role": "user", "content": "Weather in Paris and Rome?"}]
USAGE = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15, "cost": 0.5}


def get_weather(city: str) -> dict[str, Any]:
    """Get the weather.

    Args:
        city: The city.
    """
    if city == "Atlantis":
        raise LookupError("no such city")
    return {"city": city, "temp_c": 21}


def tool_turn(*calls: tuple[str, str, str]) -> dict[str, Any]:
    tool_calls = [
        {"id": cid, "type": "function", "function": {"name": name, "arguments": args}}
        for cid, name, args in calls
    ]
    message = {"role": "assistant", "content": None, "tool_calls": tool_calls}
    return {
        "id": "gen-t",
        "model": "a/x",
        "usage": USAGE,
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": message}],
    }


def text_turn(text: str) -> dict[str, Any]:
    message = {"role": "assistant", "content": text}
    return {
        "id": "gen-a",
        "model": "a/x",
        "usage": USAGE,
        "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
    }


def sent(httpx_mock: HTTPXMock, index: int) -> Any:
    return json.loads(httpx_mock.get_requests()[index].content)


async def test_the_runner_calls_tools_and_sends_results_back(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(
        json=tool_turn(
            ("c1", "get_weather", '{"city": "Paris"}'), ("c2", "get_weather", '{"city": "Rome"}')
        )
    )
    httpx_mock.add_response(json=text_turn("Paris 21C, Rome 21C"))
    run = await call(client.run_tools(model="a/x", messages=USER, tools=[get_weather]))
    assert run.finished
    assert run.rounds == 2
    assert run.response.text == "Paris 21C, Rome 21C"
    assert (run.usage.total_tokens, run.cost) == (30, Decimal("1.0"))
    assert isinstance(run.cost, Decimal)  # summed exactly
    first, second = sent(httpx_mock, 0), sent(httpx_mock, 1)
    assert first["tools"][0]["function"]["name"] == "get_weather"
    assert second["tools"] == first["tools"]  # tools are sent on every turn
    roles = [m["role"] for m in second["messages"]]
    assert roles == ["user", "assistant", "tool", "tool"]
    assert json.loads(second["messages"][2]["content"]) == {"city": "Paris", "temp_c": 21}
    assert [m["tool_call_id"] for m in second["messages"][2:]] == ["c1", "c2"]
    assert [m.role for m in run.messages] == ["user", "assistant", "tool", "tool", "assistant"]


async def test_tool_errors_are_reported_to_the_model(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        json=tool_turn(
            ("c1", "get_weather", '{"city": "Atlantis"}'),
            ("c2", "nope", "{}"),
            ("c3", "get_weather", '{"city": '),
        )
    )
    httpx_mock.add_response(json=text_turn("sorry"))
    run = await call(client.run_tools(model="a/x", messages=USER, tools=[get_weather]))
    results = [json.loads(m["content"]) for m in sent(httpx_mock, 1)["messages"][2:]]
    assert results[0] == {"error": "LookupError: no such city"}
    assert "unknown tool 'nope'" in results[1]["error"]
    assert "not valid JSON" in results[2]["error"]
    assert run.finished


async def test_errors_can_be_re_raised(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=tool_turn(("c1", "get_weather", '{"city": "Atlantis"}')))
    with pytest.raises(LookupError, match="no such city"):
        await call(
            client.run_tools(model="a/x", messages=USER, tools=[get_weather], raise_errors=True)
        )
    httpx_mock.add_response(json=tool_turn(("c1", "get_weather", "{bad")))
    with pytest.raises(errors.ToolArgumentsError):
        await call(
            client.run_tools(model="a/x", messages=USER, tools=[get_weather], raise_errors=True)
        )


async def test_the_round_limit_stops_the_run(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        json=tool_turn(("c1", "get_weather", '{"city": "Paris"}')), is_reusable=True
    )
    run = await call(
        client.run_tools(model="a/x", messages=USER, tools=[get_weather], max_rounds=3)
    )
    assert (run.rounds, run.finished) == (3, False)
    assert len(httpx_mock.get_requests()) == 3
    with pytest.raises(errors.ValidationError, match="max_rounds"):
        await call(client.run_tools(model="a/x", messages=USER, tools=[get_weather], max_rounds=0))


async def test_async_tools_of_one_turn_run_concurrently(httpx_mock: HTTPXMock) -> None:
    async def slow_lookup(city: str) -> str:
        """Look a city up slowly."""
        await anyio.sleep(0.2)
        return city.upper()

    def slow_sync(city: str) -> str:
        """A blocking lookup."""
        time.sleep(0.2)
        return city.lower()

    httpx_mock.add_response(
        json=tool_turn(
            ("c1", "slow_lookup", '{"city": "Paris"}'),
            ("c2", "slow_lookup", '{"city": "Rome"}'),
            ("c3", "slow_sync", '{"city": "Oslo"}'),
        )
    )
    httpx_mock.add_response(json=text_turn("done"))
    async with AsyncClient(api_key="sk-test") as client:
        started = time.monotonic()
        run = await client.run_tools(model="a/x", messages=USER, tools=[slow_lookup, slow_sync])
        assert time.monotonic() - started < 0.5  # three 0.2 s tools side by side
    assert [m.content for m in run.messages[2:5]] == ["PARIS", "ROME", "oslo"]
