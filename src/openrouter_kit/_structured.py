"""Structured outputs: a ``response_format`` from a class or a schema, and answers parsed back."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from openrouter_kit._core.wire import redact
from openrouter_kit.errors import StructuredOutputError, ValidationError

__all__ = ["parse_output", "response_format_for"]

T = TypeVar("T")
_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*)\n\s*```\s*$", re.S)
_NAME = re.compile(r"[^a-zA-Z0-9_-]")


def response_format_for(
    target: Any, *, name: str | None = None, strict: bool = True
) -> dict[str, Any]:
    """The ``response_format`` asking for JSON that fits ``target``: an attrs class, a
    TypedDict, a dataclass, or a JSON Schema given as a dict.

    Raises:
        ValidationError: ``target`` cannot be expressed as JSON Schema.
    """
    if isinstance(target, Mapping):
        schema = dict(target)
        label = name or str(schema.get("title") or "response")
    elif isinstance(target, type):
        from openrouter_kit._schema import json_schema

        schema = json_schema(target)
        label = name or target.__name__
    else:
        raise ValidationError(
            f"response_format needs a class or a JSON Schema dict, got {type(target).__name__}"
        )
    return {
        "type": "json_schema",
        "json_schema": {
            "name": _NAME.sub("_", label)[:64] or "response",
            "schema": schema,
            "strict": strict,
        },
    }


def parse_output(text: str, target: Any) -> Any:
    """The answer ``text`` as ``target``: an instance of an attrs class, TypedDict or dataclass,
    or the decoded JSON when ``target`` is ``dict``, ``list`` or a JSON Schema dict.

    Raises:
        StructuredOutputError: the text is not JSON, or does not fit ``target``; the message
            shows the text (shortened), and ``text`` keeps all of it.
    """
    fenced = _FENCE.match(text)  # some models wrap JSON in a Markdown fence
    body = fenced.group(1) if fenced else text
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise _error(f"the answer is not JSON ({exc})", text) from None
    if target in (dict, list) or isinstance(target, Mapping):
        if target in (dict, list) and not isinstance(data, target):
            raise _error(f"the answer is JSON but not a {target.__name__}", text)
        return data
    from openrouter_kit._core.convert import converters

    try:
        return converters().strict.structure(data, target)
    except Exception as exc:  # cattrs raises exception groups and plain errors alike
        from cattrs import transform_error

        try:
            problems = "; ".join(transform_error(exc, path="$"))
        except Exception:  # not a cattrs validation error
            problems = f"{type(exc).__name__}: {exc}"
        raise _error(
            f"the answer does not fit {getattr(target, '__name__', target)}: {problems}", text
        ) from None


def _error(problem: str, text: str) -> StructuredOutputError:
    shown = redact(text[:300], None) + ("..." if len(text) > 300 else "")
    return StructuredOutputError(
        f"{problem}; the answer was: {shown!r}", text=text, status_code=200
    )
