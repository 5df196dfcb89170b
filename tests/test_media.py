"""Content parts from files and bytes (``_media``, through ``ContentPart``'s constructors)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from openrouter_kit import ContentPart, errors
from openrouter_kit._core.convert import dumps
from openrouter_kit._core.messages import MAX_INLINE_BYTES

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
