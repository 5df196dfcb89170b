"""Checks on a conversation before it is sent, with errors that name the message and field.

Owns: the rules a request's messages must follow that types alone do not express (known roles,
tool results answering earlier calls, tool calls with ids and names, parts with what their type
needs, inline data within size). Never knows: HTTP, files.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openrouter_kit._generated.enums import MessageRole
from openrouter_kit.errors import ValidationError

__all__ = ["MAX_DATA_URL_CHARS", "MAX_INLINE_BYTES", "check_messages"]

#: The largest file sent inline (before base64). Larger files need a URL.
MAX_INLINE_BYTES = 20 * 1024 * 1024
#: The longest data URL sent inline: ``MAX_INLINE_BYTES`` base64-encoded, with its prefix.
MAX_DATA_URL_CHARS = (MAX_INLINE_BYTES * 4) // 3 + 64
#: Roles a request may use: the values of ``MessageRole``, in its order.
_ROLES = tuple(role.value for role in MessageRole)


def _fail(path: str, problem: str) -> ValidationError:
    return ValidationError(f"{path}: {problem}", path=path)


def _get(obj: Any, name: str) -> Any:
    """A field of a model, or a key of a plain dict (parts may be either inside a Message)."""
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _check_part(part: Any, at: str) -> None:
    kind = _get(part, "type")
    if kind == "text":
        if not isinstance(_get(part, "text"), str):
            raise _fail(f"{at}.text", "a text part needs its text")
    elif kind == "image_url":
        url = _get(_get(part, "image_url") or {}, "url")
        if not isinstance(url, str) or not url:
            raise _fail(f"{at}.image_url.url", "an image part needs a URL")
        if url.startswith("data:") and len(url) > MAX_DATA_URL_CHARS:
            raise _fail(
                f"{at}.image_url.url",
                f"the image data URL is {len(url):,} characters; at most {MAX_DATA_URL_CHARS:,} "
                "can be sent (give an https:// URL instead)",
            )
    elif kind == "file":
        file = _get(part, "file") or {}
        if not (_get(file, "file_data") or _get(file, "file_id")):
            raise _fail(f"{at}.file", "a file part needs file_data (a URL or data URL) or file_id")
    elif kind == "input_audio":
        audio = _get(part, "input_audio") or {}
        if not _get(audio, "data") or not _get(audio, "format"):
            raise _fail(f"{at}.input_audio", "an audio part needs base64 data and a format")


def check_messages(messages: Sequence[Any]) -> None:
    """Raise ValidationError for the first message that breaks a rule, naming its index and field.

    Raises:
        ValidationError: an unknown role; a system, developer, user or tool message without
            content (None or missing: only an assistant message may have none); a tool message
            without ``tool_call_id``, or answering no earlier tool call; an assistant tool call
            without id or name; a content part missing what its type needs; an image too large
            for a data URL.
    """
    requested: set[str] = set()
    for index, message in enumerate(messages):
        at = f"$.messages[{index}]"
        role = message.role
        if role not in _ROLES:
            raise _fail(
                f"{at}.role", f"unknown role {str(role)[:40]!r}; use one of {', '.join(_ROLES)}"
            )
        if message.content is None and role != "assistant":
            raise _fail(
                f"{at}.content", f"a {role} message needs content (a string or a list of parts)"
            )
        if role == "assistant":
            for number, call in enumerate(message.tool_calls or ()):
                where = f"{at}.tool_calls[{number}]"
                call_id = _get(call, "id")
                if not call_id:
                    raise _fail(f"{where}.id", "a tool call needs the id its result will answer")
                if not _get(_get(call, "function") or {}, "name"):
                    raise _fail(f"{where}.function.name", "a tool call needs a function name")
                requested.add(call_id)
        elif role == "tool":
            if not message.tool_call_id:
                raise _fail(f"{at}.tool_call_id", "a tool message must name the call it answers")
            if message.tool_call_id not in requested:
                raise _fail(
                    f"{at}.tool_call_id",
                    f"{message.tool_call_id[:60]!r} answers no tool call of an earlier assistant "
                    "message",
                )
        if isinstance(message.content, list):
            for number, part in enumerate(message.content):
                _check_part(part, f"{at}.content[{number}]")
