"""Content parts from files and bytes (``_media``, through ``ContentPart``'s constructors)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import tempfile
import threading
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from openrouter_kit import ContentPart, _media, errors
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


# -- special files, symlinks and files that grow (issue 14, F9) ---------------------------------


def read_in_thread(path: Any) -> BaseException | None:
    """What ``image_file(path)`` raised, failing the test if it blocks (a FIFO did forever)."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            ContentPart.image_file(path)
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), f"reading {path} blocked"
    return outcome[0]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_devices_are_refused_without_reading_them() -> None:
    # The review's reproducer: image_file("/dev/zero") read until MemoryError (size 0 on stat).
    for device in ("/dev/zero", "/dev/urandom", "/dev/null"):
        exc = read_in_thread(device)
        assert isinstance(exc, errors.ValidationError), exc
        assert "is not a regular file (a character device)" in str(exc)
    with pytest.raises(errors.ValidationError, match="not a regular file"):
        ContentPart.pdf("/dev/zero")
    with pytest.raises(errors.ValidationError, match="not a regular file"):
        ContentPart.audio("/dev/zero", format="wav")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    exc = read_in_thread(fifo)
    assert isinstance(exc, errors.ValidationError)
    assert "(a FIFO)" in str(exc)


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="needs Unix sockets")
def test_a_socket_and_a_directory_are_refused(tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(prefix="s", dir="/tmp"))  # a socket path must be short
    try:
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(str(folder / "s"))
            exc = read_in_thread(folder / "s")
        assert "(a socket)" in str(exc)
    finally:
        shutil.rmtree(folder)
    assert "(a directory)" in str(read_in_thread(tmp_path))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_symlinks_are_resolved_before_the_checks(tmp_path: Path) -> None:
    (tmp_path / "zero.png").symlink_to("/dev/zero")
    (tmp_path / "hop.png").symlink_to(tmp_path / "zero.png")
    for link in ("zero.png", "hop.png"):
        exc = read_in_thread(tmp_path / link)
        assert "not a regular file (a character device)" in str(exc)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(JPEG)
    (tmp_path / "link.jpg").symlink_to(photo)
    assert ContentPart.image_file(tmp_path / "link.jpg") == ContentPart.image_file(photo)
    big = tmp_path / "big.png"
    with big.open("wb") as handle:
        handle.truncate(MAX_INLINE_BYTES + 1)
    (tmp_path / "small-looking.png").symlink_to(big)
    with pytest.raises(errors.ValidationError, match=r"is 20,971,521 bytes; at most"):
        ContentPart.image_file(tmp_path / "small-looking.png")
    (tmp_path / "dangling.png").symlink_to(tmp_path / "nowhere.png")
    with pytest.raises(errors.ValidationError, match="cannot read"):
        ContentPart.image_file(tmp_path / "dangling.png")


def test_at_most_the_limit_plus_one_byte_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file whose size on stat is small but that holds more (it grew after the check, or a
    # /proc file that says 0): reading stops at the limit plus one byte.
    limit = 1000
    monkeypatch.setattr(_media, "MAX_INLINE_BYTES", limit)
    grown = tmp_path / "grown.png"
    grown.write_bytes(PNG + b"\x00" * (8 * 2**20))
    real_stat = os.stat

    def stat_before_it_grew(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        info = real_stat(path, *args, **kwargs)
        return os.stat_result((info.st_mode, *info[1:6], 10, *info[7:]))  # st_size: 10

    monkeypatch.setattr(_media.os, "stat", stat_before_it_grew)
    monkeypatch.setattr(_media.os, "fstat", lambda fd: stat_before_it_grew(fd))
    tracemalloc.start()
    try:
        with pytest.raises(errors.ValidationError, match="is more than 1,000 bytes; at most 1,000"):
            ContentPart.image_file(grown)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20  # the 8 MiB file was never read whole
    exact = tmp_path / "exact.png"
    exact.write_bytes(PNG + b"\x00" * (limit - len(PNG)))
    assert ContentPart.image_file(exact).image_url.url.startswith("data:image/png")  # type: ignore[union-attr]
