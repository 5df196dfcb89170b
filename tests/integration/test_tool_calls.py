"""Tool calls over real sockets: parallel calls, decoded arguments, a result turn, both clients."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from openrouter_kit import AsyncClient, Client, Message
from openrouter_kit.testing import Emulator

MODEL = "openai/gpt-4o-mini"
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    },
    {
        "type": "function",
        "function": {
            "name": "get_time",
            "parameters": {"type": "object", "properties": {"zone": {"type": "string"}}},
        },
    },
]
USER = [{"role": "user", "content": "Paris"}]


def check_calls(reply: Any) -> list[Any]:
    message = reply.choices[0].message
    assert reply.choices[0].finish_reason == "tool_calls"
    calls = message.tool_calls
    assert [c.function.name for c in calls] == ["get_weather", "get_time"]
    assert [c.arguments() for c in calls] == [{"city": "Paris"}, {"zone": "Paris"}]
    assert len({c.id for c in calls}) == 2
    return calls


@pytest.mark.parametrize(
    "tool_choice", ["required", {"type": "function", "function": {"name": "get_time"}}]
)
def test_parallel_tool_calls_and_a_result_turn(emu: Emulator, tool_choice: Any) -> None:
    with Client(api_key=emu.api_key, base_url=emu.base_url) as client:
        reply = client.complete(model=MODEL, messages=USER, tools=TOOLS, tool_choice=tool_choice)
        if tool_choice == "required":
            calls = check_calls(reply)
            with client.stream(
                model=MODEL, messages=USER, tools=TOOLS, tool_choice=tool_choice
            ) as s:
                streamed = s.final_response()
            assert [c.arguments() for c in streamed.choices[0].message.tool_calls] == [
                c.arguments() for c in calls
            ]
        else:
            calls = reply.choices[0].message.tool_calls
            assert [c.function.name for c in calls] == ["get_time"]
        history = [
            *USER,
            Message.assistant(tool_calls=calls),
            *(Message.tool_result(c, {"ok": True, "for": c.arguments()}) for c in calls),
        ]
        final = client.complete(model=MODEL, messages=history, tools=TOOLS)
        assert final.text
        sent = emu.requests[-1].json["messages"]
        assert sent[1]["tool_calls"][0]["type"] == "function"
        assert [m["tool_call_id"] for m in sent[2:]] == [c.id for c in calls]


def test_async_parallel_tool_calls(emu: Emulator) -> None:
    async def main() -> Any:
        async with AsyncClient(api_key=emu.api_key, base_url=emu.base_url) as client:
            reply = await client.complete(
                model=MODEL, messages=USER, tools=TOOLS, tool_choice="required"
            )
            async with client.stream(
                model=MODEL, messages=USER, tools=TOOLS, tool_choice="required"
            ) as s:
                streamed = await s.final_response()
            return reply, streamed

    reply, streamed = anyio.run(main)
    check_calls(reply)
    check_calls(streamed)
