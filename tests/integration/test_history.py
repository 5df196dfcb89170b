"""Replies go back into the conversation as they came, over sockets, for both clients.

Each test reads the body the emulator received for the follow-up request: the assistant turn must
be the OpenAI-format message the API takes back (role, content, tool calls with ids, names and
argument strings unchanged, reasoning and ``reasoning_details`` unmodified and in order), with
nothing that only belongs to a response.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anyio
import pytest

from openrouter_kit import AsyncClient, Client, CompletionResponse, Message
from openrouter_kit.testing import Emulator

MODEL = "anthropic/claude-sonnet-4"
QUESTION = {"role": "user", "content": "What is the weather in Paris?"}

#: What a reasoning model sends with a tool call: blocks to be sent back untouched, in order.
DETAILS = [
    {
        "type": "reasoning.text",
        "text": "The user wants the weather.",
        "signature": "c2lnLTE=",
        "format": "anthropic-claude-v1",
        "index": 0,
    },
    {
        "type": "reasoning.encrypted",
        "data": "ZW5jcnlwdGVkLWJsb2I=",
        "format": "anthropic-claude-v1",
        "index": 1,
        "id": "rs_1",
    },
]
ARGUMENTS = '{"city": "Paris",  "unit":"c"}'  # odd spacing: must come back byte for byte
CALL = {
    "id": "toolu_01",
    "type": "function",
    "function": {"name": "get_weather", "arguments": ARGUMENTS},
}

#: The assistant turn the API must receive back for that reply.
SENT_BACK = {
    "role": "assistant",
    "content": "Let me check.",
    "tool_calls": [CALL],
    "reasoning": "The user wants the weather.",
    "reasoning_details": DETAILS,
}


def reply_with_tool_call() -> dict[str, Any]:
    """A whole chat completion with reasoning details, a tool call and response-only fields."""
    message = {
        "role": "assistant",
        "content": "Let me check.",
        "refusal": None,
        "reasoning": "The user wants the weather.",
        "reasoning_details": DETAILS,
        "tool_calls": [CALL],
        "annotations": [{"type": "url_citation", "url_citation": {"url": "https://x.test"}}],
        "x_provider_note": "response-only",
    }
    return {
        "id": "gen-tool-1",
        "object": "chat.completion",
        "created": 1,
        "model": MODEL,
        "provider": "Anthropic",
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "native_finish_reason": "tool_use",
                "message": message,
            }
        ],
        "usage": {"prompt_tokens": 20, "completion_tokens": 10, "total_tokens": 30, "cost": 0.001},
    }


def sse(*payloads: dict[str, Any]) -> bytes:
    head = {"id": "gen-s", "object": "chat.completion.chunk", "created": 1, "model": MODEL}
    body = b"".join(b"data: " + json.dumps({**head, **p}).encode() + b"\n\n" for p in payloads)
    return body + b"data: [DONE]\n\n"


def delta(finish: str | None = None, **fields: Any) -> dict[str, Any]:
    return {"choices": [{"index": 0, "delta": fields, "finish_reason": finish}]}


def streamed_tool_call() -> bytes:
    """The same turn, streamed: reasoning in fragments, the call's arguments in pieces."""
    first, second = DETAILS
    return sse(
        delta(role="assistant", content=""),
        delta(
            reasoning="The user wants ",
            reasoning_details=[{**first, "text": "The user wants ", "signature": None}],
        ),
        delta(
            reasoning="the weather.",
            reasoning_details=[
                {
                    "type": "reasoning.text",
                    "text": "the weather.",
                    "signature": "c2lnLTE=",
                    "index": 0,
                }
            ],
        ),
        delta(reasoning_details=[second]),
        delta(content="Let me check."),
        delta(
            tool_calls=[
                {
                    "index": 0,
                    "id": "toolu_01",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": ARGUMENTS[:9]},
                }
            ]
        ),
        delta(tool_calls=[{"index": 0, "function": {"arguments": ARGUMENTS[9:]}}]),
        delta("tool_calls"),
        {
            "choices": [],
            "usage": {"prompt_tokens": 20, "completion_tokens": 10, "total_tokens": 30},
        },
    )


def both(emu: Emulator, body: Callable[[Any], Any]) -> list[Any]:
    """Run ``body(client)`` with a Client, then an AsyncClient (awaiting what it returns)."""
    with Client(api_key=emu.api_key, base_url=emu.base_url) as client:
        results = [body(client)]

    async def main() -> Any:
        async with AsyncClient(api_key=emu.api_key, base_url=emu.base_url) as client:
            return await body(client)

    return [*results, anyio.run(main)]


def chat_bodies(emu: Emulator) -> list[dict[str, Any]]:
    return [r.json for r in emu.requests if r.path == "/chat/completions"]


def test_a_plain_reply_goes_back_as_an_assistant_message(emu: Emulator) -> None:
    def converse(client: Any) -> Any:
        history: list[Any] = [QUESTION]
        first = client.complete(model="openai/gpt-4o-mini", messages=history)
        if not isinstance(first, CompletionResponse):  # the async client: await, then go on

            async def go_on() -> Any:
                reply = await first
                history.append(reply.choices[0].message)
                history.append(Message.user("Thanks. And tomorrow?"))
                await client.complete(model="openai/gpt-4o-mini", messages=history)
                return reply

            return go_on()
        history.append(first.choices[0].message)
        history.append(Message.user("Thanks. And tomorrow?"))
        client.complete(model="openai/gpt-4o-mini", messages=history)
        return first

    for reply in both(emu, converse):
        assert reply.text.startswith("Hello from openai/gpt-4o-mini")
    bodies = chat_bodies(emu)
    assert len(bodies) == 4
    for first, second in (bodies[0:2], bodies[2:4]):
        answer = {
            "role": "assistant",
            "content": "Hello from openai/gpt-4o-mini! You said: What is the weather in Paris?",
        }
        assert first["messages"] == [QUESTION]
        assert second["messages"] == [
            QUESTION,
            answer,
            {"role": "user", "content": "Thanks. And tomorrow?"},
        ]


def test_a_tool_turn_with_reasoning_details_goes_back_unmodified(emu: Emulator) -> None:
    def run(client: Any) -> Any:
        emu.script(body=reply_with_tool_call(), path="/chat/completions")
        return client.run_tools(model=MODEL, messages=[QUESTION], tools=[get_weather])

    for run_ in both(emu, run):
        assert run_.finished
        assert run_.rounds == 2
        # The transcript holds the turn as it was sent, and can be sent again as it is.
        turn = run_.messages[1]
        assert isinstance(turn, Message)
        assert (turn.reasoning, turn.reasoning_details) == (SENT_BACK["reasoning"], DETAILS)
        assert turn.tool_calls[0].function.arguments == ARGUMENTS
    bodies = chat_bodies(emu)
    assert len(bodies) == 4
    for second in (bodies[1], bodies[3]):
        assistant, tool_result = second["messages"][1:]
        assert assistant == SENT_BACK
        assert tool_result == {
            "role": "tool",
            "tool_call_id": "toolu_01",
            "content": "sunny in Paris",
        }


def test_a_hand_written_tool_loop_appends_the_reply_message(emu: Emulator) -> None:
    """The manual loop of openai-python's docs: append the reply's message, then the results."""
    tools = [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            },
        }
    ]

    def sync_loop(client: Client) -> None:
        emu.script(body=reply_with_tool_call(), path="/chat/completions")
        messages: list[Any] = [QUESTION]
        reply = client.complete(model=MODEL, messages=messages, tools=tools)
        message = reply.choices[0].message
        messages.append(message)
        for call in message.tool_calls or []:
            messages.append(Message.tool_result(call, get_weather(**call.arguments())))
        client.complete(model=MODEL, messages=messages, tools=tools)

    async def async_loop(client: AsyncClient) -> None:
        emu.script(body=reply_with_tool_call(), path="/chat/completions")
        messages: list[Any] = [QUESTION]
        reply = await client.complete(model=MODEL, messages=messages, tools=tools)
        message = reply.choices[0].message
        messages.append(message)
        for call in message.tool_calls or []:
            messages.append(Message.tool_result(call, get_weather(**call.arguments())))
        await client.complete(model=MODEL, messages=messages, tools=tools)

    both(emu, lambda c: sync_loop(c) if isinstance(c, Client) else async_loop(c))
    bodies = chat_bodies(emu)
    assert bodies[1]["messages"][1] == SENT_BACK
    assert bodies[3]["messages"][1] == SENT_BACK


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
@pytest.mark.anyio
async def test_an_async_reply_and_a_to_message_copy(emu: Emulator) -> None:
    emu.script(body=reply_with_tool_call(), path="/chat/completions")
    async with AsyncClient(api_key=emu.api_key, base_url=emu.base_url) as client:
        reply = await client.complete(model=MODEL, messages=[QUESTION])
        message = reply.choices[0].message.to_message()
        assert isinstance(message, Message)
        await client.complete(
            model=MODEL,
            messages=[QUESTION, message, Message.tool_result("toolu_01", "sunny")],
        )
    assert emu.requests[-1].json["messages"][1] == SENT_BACK


def test_a_streamed_final_response_goes_back_like_a_whole_one(emu: Emulator) -> None:
    def run(client: Any) -> Any:
        emu.script(
            body=streamed_tool_call(),
            headers={"Content-Type": "text/event-stream"},
            path="/chat/completions",
        )
        if isinstance(client, Client):
            with client.stream(model=MODEL, messages=[QUESTION]) as stream:
                for _ in stream:
                    pass
            reply = stream.final_response()
            history = [QUESTION, reply.choices[0].message, Message.tool_result("toolu_01", "sunny")]
            client.complete(model=MODEL, messages=history)
            return reply

        async def go() -> Any:
            async with client.stream(model=MODEL, messages=[QUESTION]) as stream:
                async for _ in stream:
                    pass
            reply = await stream.final_response()
            history = [QUESTION, reply.choices[0].message, Message.tool_result("toolu_01", "sunny")]
            await client.complete(model=MODEL, messages=history)
            return reply

        return go()

    for reply in both(emu, run):
        assert not reply.partial
        assert reply.choices[0].message.reasoning_details == DETAILS  # fragments joined
    bodies = chat_bodies(emu)
    assert bodies[0]["stream"] is True
    for second in (bodies[1], bodies[3]):
        assert second["messages"][1] == SENT_BACK


def get_weather(city: str, unit: str = "c") -> str:
    """The weather in a city.

    Args:
        city: The city.
        unit: c or f.
    """
    return f"sunny in {city}"
