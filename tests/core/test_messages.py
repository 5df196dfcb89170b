"""Content parts from files and bytes, and checks on a conversation before it is sent."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from openrouter_kit import CompletionRequest, ContentPart, Message, errors
from openrouter_kit._core.convert import dumps, structure_input
from openrouter_kit._core.messages import MAX_INLINE_BYTES, check_messages

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 16
WAV = b"RIFF\x00\x00\x00\x00WAVEfmt " + b"\x00" * 16
PDF = b"%PDF-1.7\n" + b"\x00" * 16


def wire(part: ContentPart) -> Any:
    return json.loads(dumps(part))


def test_text_and_image_parts() -> None:
    assert wire(ContentPart.of_text("hi")) == {"type": "text", "text": "hi"}
    assert wire(ContentPart.image("https://x.test/a.png", detail="low")) == {
        "type": "image_url",
        "image_url": {"url": "https://x.test/a.png", "detail": "low"},
    }
    for data, mime in ((PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp")):
        url = ContentPart.image_bytes(data).image_url.url  # type: ignore[union-attr]
        assert url == f"data:{mime};base64," + base64.b64encode(data).decode()
    with pytest.raises(errors.ValidationError, match="not PNG, JPEG"):
        ContentPart.image_bytes(b"plain text")
    with pytest.raises(errors.ValidationError, match="https:// or data:"):
        ContentPart.image("ftp://x")


def test_files_pdfs_and_audio(tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(JPEG)
    assert ContentPart.image_file(photo).image_url.url.startswith("data:image/jpeg;base64,")  # type: ignore[union-attr]
    report = tmp_path / "report.pdf"
    report.write_bytes(PDF)
    assert wire(ContentPart.pdf(report)) == {
        "type": "file",
        "file": {
            "filename": "report.pdf",
            "file_data": "data:application/pdf;base64," + base64.b64encode(PDF).decode(),
        },
    }
    assert wire(ContentPart.pdf("https://x.test/paper.pdf"))["file"]["filename"] == "paper.pdf"
    with pytest.raises(errors.ValidationError, match="not a PDF"):
        ContentPart.pdf(b"hello")
    assert wire(ContentPart.audio(WAV)) == {
        "type": "input_audio",
        "input_audio": {"data": base64.b64encode(WAV).decode(), "format": "wav"},
    }
    song = tmp_path / "song.mp3"
    song.write_bytes(b"ID3" + b"\x00" * 10)
    assert ContentPart.audio(song).input_audio.format == "mp3"  # type: ignore[union-attr]
    with pytest.raises(errors.ValidationError, match="unknown audio format"):
        ContentPart.audio(b"????")
    with pytest.raises(errors.ValidationError, match="cannot read"):
        ContentPart.image_file(tmp_path / "missing.png")


def test_files_too_large_to_send_inline(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    with big.open("wb") as handle:
        handle.truncate(MAX_INLINE_BYTES + 1)
    with pytest.raises(errors.ValidationError, match="at most"):
        ContentPart.image_file(big)
    with pytest.raises(errors.ValidationError, match="at most"):
        ContentPart.image_bytes(PNG + b"\x00" * MAX_INLINE_BYTES)


def request(*messages: Any) -> CompletionRequest:
    return structure_input({"messages": list(messages)}, CompletionRequest)


CALL = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}


@pytest.mark.parametrize(
    ("messages", "path", "words"),
    [
        ([{"role": "robot", "content": "hi"}], "$.messages[0].role", "unknown role"),
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
