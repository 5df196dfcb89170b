"""Checks on a conversation before it is sent (``check_messages``). Content parts made from
files and bytes are tested in ``tests/test_media.py``."""

from __future__ import annotations

from typing import Any

import pytest

from openrouter_kit import CompletionRequest, Message, errors
from openrouter_kit._core.convert import structure_input
from openrouter_kit._core.messages import check_messages


def request(*messages: Any) -> CompletionRequest:
    return structure_input({"messages": list(messages)}, CompletionRequest)


CALL = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}


@pytest.mark.parametrize(
    ("messages", "path", "words"),
    [
        ([{"role": "robot", "content": "hi"}], "$.messages[0].role", "unknown role"),
        # issue 14, F19: a message the model would read nothing from was sent
        ([{"role": "user", "content": None}], "$.messages[0].content", "a user message needs"),
        ([{"role": "user"}], "$.messages[0].content", "a user message needs content"),
        (
            [{"role": "system", "content": None}, {"role": "user", "content": "hi"}],
            "$.messages[0].content",
            "a system message needs content",
        ),
        (
            [{"role": "user", "content": "hi"}, {"role": "developer"}],
            "$.messages[1].content",
            "a developer message needs content",
        ),
        (
            [
                {"role": "assistant", "content": None, "tool_calls": [CALL]},
                {"role": "tool", "tool_call_id": "call_1"},
            ],
            "$.messages[1].content",
            "a tool message needs content",
        ),
        (
            [{"role": "user", "content": "hi"}, {"role": "tool", "content": "x"}],
            "$.messages[1].tool_call_id",
            "must name",
        ),
        (
            [{"role": "tool", "tool_call_id": "call_9", "content": "x"}],
            "$.messages[0].tool_call_id",
            "answers no tool call",
        ),
        (
            [
                {
                    "role": "assistant",
                    "tool_calls": [{"type": "function", "function": {"name": "f"}}],
                }
            ],
            "$.messages[0].tool_calls[0].id",
            "needs the id",
        ),
        (
            [{"role": "assistant", "tool_calls": [{"id": "c", "function": {}}]}],
            "$.messages[0].tool_calls[0].function.name",
            "function name",
        ),
        (
            [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": ""}}]}],
            "$.messages[0].content[0].image_url.url",
            "needs a URL",
        ),
        (
            [{"role": "user", "content": [{"type": "text"}]}],
            "$.messages[0].content[0].text",
            "needs its text",
        ),
        (
            [{"role": "user", "content": [{"type": "file", "file": {"filename": "a.pdf"}}]}],
            "$.messages[0].content[0].file",
            "file_data",
        ),
        (
            [
                {
                    "role": "user",
                    "content": [{"type": "input_audio", "input_audio": {"data": "AA=="}}],
                }
            ],
            "$.messages[0].content[0].input_audio.format",
            "required",
        ),
        (
            [
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "image_url",
                            "image_url": {"url": "data:image/png;base64," + "A" * 30_000_000},
                        }
                    ],
                }
            ],
            "$.messages[0].content[0].image_url.url",
            "at most",
        ),
    ],
)
def test_each_rule_names_the_message_and_field(messages: list[Any], path: str, words: str) -> None:
    with pytest.raises(errors.ValidationError, match=words) as info:
        check_messages(request(*messages).messages)
    assert info.value.path == path


def test_a_valid_tool_conversation_passes() -> None:
    check_messages(
        request(
            {"role": "user", "content": "weather?"},
            {"role": "assistant", "content": None, "tool_calls": [CALL]},
            {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
            {
                "role": "user",
                "content": [{"type": "image_url", "image_url": {"url": "https://x.test/a.png"}}],
            },
        ).messages
    )
    # Message objects holding plain dict parts are checked too.
    with pytest.raises(errors.ValidationError, match="needs a URL"):
        check_messages([Message.user([{"type": "image_url", "image_url": {}}])])
