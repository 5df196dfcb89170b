"""Multimodal parts: images, PDFs and audio turned into what OpenRouter accepts.

Images and PDFs from files or bytes become base64 data URLs with the right MIME type; audio
becomes raw base64 with its format (OpenRouter takes no audio URLs). Sizes are checked here, so a
file too large to send inline fails before any request.
"""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path
from typing import Any

from openrouter_kit._core.messages import MAX_INLINE_BYTES
from openrouter_kit.errors import ValidationError

__all__ = ["audio_part", "check_url", "image_data_url", "pdf_part", "read_file"]

_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
AUDIO_FORMATS = frozenset({"wav", "mp3", "aiff", "aac", "ogg", "flac", "m4a", "pcm16", "pcm24"})


def check_url(url: Any) -> str:
    """``url`` if it is an http(s) or data URL; otherwise a ValidationError."""
    if not isinstance(url, str) or not url.startswith(("https://", "http://", "data:")):
        raise ValidationError(f"expected an https:// or data: URL, got {str(url)[:60]!r}")
    return url


def read_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a local regular file, or a ValidationError naming it.

    Symlinks are resolved first and the checks apply to the file they lead to: a device, FIFO,
    socket or directory is refused without reading (a FIFO is opened without blocking), and at
    most ``MAX_INLINE_BYTES + 1`` bytes are read, so a file that grows after its size was
    checked (or a ``/proc`` file, whose size says 0) cannot fill the memory.
    """
    name = os.fspath(path)
    try:
        real = os.path.realpath(path, strict=True)
        _check_regular(os.stat(real), name)
        fd = os.open(real, os.O_RDONLY | _OPEN_FLAGS)
        with os.fdopen(fd, "rb") as file:
            _check_regular(os.fstat(fd), name)  # the file opened is the one checked
            data = file.read(MAX_INLINE_BYTES + 1)
    except OSError as exc:
        raise ValidationError(f"cannot read {name!r}: {exc.strerror or exc}") from None
    if len(data) > MAX_INLINE_BYTES:
        raise ValidationError(_too_large(None, repr(name)))  # it grew after the check
    return data


#: Opening never blocks (a FIFO swapped in after the check), follows no symlink (the path is
#: resolved already), and keeps the descriptor out of child processes.
_OPEN_FLAGS = (
    getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
)


def _check_regular(info: os.stat_result, name: str) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = next((k for test, k in _KINDS if test(info.st_mode)), "not a file")
        raise ValidationError(f"{name!r} is not a regular file ({kind}): only files are read")
    if info.st_size > MAX_INLINE_BYTES:
        raise ValidationError(_too_large(info.st_size, repr(name)))


def _too_large(size: int | None, what: str) -> str:
    amount = f"more than {MAX_INLINE_BYTES:,}" if size is None else f"{size:,}"
    return (
        f"{what} is {amount} bytes; at most {MAX_INLINE_BYTES:,} can be sent inline as base64 "
        "(give a URL instead)"
    )


def _check_size(data: bytes, what: str) -> None:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ValidationError(f"expected bytes for {what}, got {type(data).__name__}")
    if len(data) > MAX_INLINE_BYTES:
        raise ValidationError(_too_large(len(data), what))


def _sniff_image(data: bytes) -> str | None:
    for magic, mime in _IMAGE_MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_data_url(data: bytes, mime: str | None = None) -> str:
    """A ``data:image/...;base64,`` URL for image bytes (PNG, JPEG, GIF or WebP)."""
    _check_size(data, "the image")
    mime = mime or _sniff_image(bytes(data[:16]))
    if mime not in _IMAGE_TYPES:
        raise ValidationError(
            "the image is not PNG, JPEG, GIF or WebP (the formats OpenRouter takes); "
            "pass mime= if you know better"
        )
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def pdf_part(source: str | os.PathLike[str] | bytes, filename: str | None) -> tuple[str, str]:
    """(file_data, filename) for a PDF given as a URL, a local path or bytes."""
    if isinstance(source, str) and source.startswith(("https://", "http://", "data:")):
        return source, filename or source.rsplit("/", 1)[-1] or "document.pdf"
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        name = filename or "document.pdf"
    else:
        data = read_file(source)
        name = filename or Path(source).name
    _check_size(data, name)
    if not data.startswith(b"%PDF-"):
        raise ValidationError(f"{name} is not a PDF (it does not start with %PDF-)")
    return f"data:application/pdf;base64,{base64.b64encode(data).decode('ascii')}", name


def _sniff_audio(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:4] == b"FORM" and data[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if data.startswith(b"OggS"):
        return "ogg"
    if data.startswith(b"fLaC"):
        return "flac"
    if data.startswith(b"ID3") or data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "mp3"
    if data[4:8] == b"ftyp":
        return "m4a"
    if data[:2] in (b"\xff\xf1", b"\xff\xf9"):
        return "aac"
    return None


def audio_part(source: str | os.PathLike[str] | bytes, fmt: str | None) -> tuple[str, str]:
    """(base64 data, format) for audio given as a local path or bytes."""
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        guess = _sniff_audio(data)
    else:
        data = read_file(source)
        guess = Path(source).suffix.lstrip(".").lower() or _sniff_audio(data)
    _check_size(data, "the audio")
    chosen = (fmt or guess or "").lower()
    if chosen not in AUDIO_FORMATS:
        raise ValidationError(
            f"unknown audio format {chosen or '(none found)'!r}; pass format= one of "
            f"{', '.join(sorted(AUDIO_FORMATS))}"
        )
    return base64.b64encode(data).decode("ascii"), chosen
