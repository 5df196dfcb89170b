"""JSON inside message text: structured outputs asked for and parsed back, tool calls' arguments
decoded and tools' results written.

Owns: ``response_format_for`` (a ``response_format`` from a class or a schema), what
``response_format=`` sends, parsing an answer into its class, decoding a tool call's arguments
and formatting a tool's result for the next turn. Never knows: the wire models (a tool call is
read by its attributes), HTTP. pydantic is never imported here: a pydantic v2 model is
recognised by its methods (``model_json_schema``, ``model_validate``), so the SDK works the same
without it.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from cattrs import transform_error

from openrouter_kit._core.convert import converters
from openrouter_kit._core.modelbase import WireModel, generated
from openrouter_kit._core.redact import redact
from openrouter_kit.errors import ResponseFormatError, StructuredOutputError, ToolArgumentsError

__all__ = [
    "decode_arguments",
    "format_result",
    "parse_output",
    "request_format",
    "response_format_for",
]

T = TypeVar("T")
_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*)\n\s*```\s*$", re.S)
_NAME = re.compile(r"[^a-zA-Z0-9_-]")
# A ``type`` naming a JSON type marks a JSON Schema; a response format's type is text,
# json_object, json_schema, ... (an open list: unknown ones go to the server as given).
_JSON_TYPES = frozenset({"object", "array", "string", "number", "integer", "boolean", "null"})
_FORMAT_TYPES = frozenset({"text", "json_object", "json_schema", "grammar", "python"})


def response_format_for(
    target: Any, *, name: str | None = None, strict: bool = True
) -> dict[str, Any]:
    """The ``response_format`` asking for JSON that fits ``target``.

    ``target`` is an attrs class, a dataclass, a TypedDict, a pydantic v2 model, or a JSON
    Schema given as a dict (sent as it is). A class's schema is built for it; with
    ``strict=True`` it follows OpenAI's strict structured outputs: every object lists all its
    properties as required and allows no others, so a field with a default is filled in by the
    model too, and one that may be empty should be typed ``X | None``.

    Args:
        target: The class of the answer, or a JSON Schema dict.
        name: The format's name (``[a-zA-Z0-9_-]``, at most 64), if not the class's name or the
            schema's ``title``.
        strict: Ask the provider to follow the schema exactly (where it supports it).

    Returns:
        ``{"type": "json_schema", "json_schema": {"name": ..., "schema": ..., "strict": ...}}``,
        to pass as ``response_format=``.

    Raises:
        ResponseFormatError: ``target`` is not one of those, or a part of a class cannot be
            expressed as JSON Schema; the message lists what structured outputs take.
    """
    if isinstance(target, Mapping):
        if target.get("type") in _FORMAT_TYPES:
            raise ResponseFormatError(
                f"response_format_for() takes a JSON Schema, and this dict is already a "
                f"response format (type {target['type']!r}); pass it as response_format= directly"
            )
        schema = dict(target)
        label = name or str(schema.get("title") or "response")
    elif isinstance(target, type):
        from openrouter_kit._core.schema import output_schema  # noqa: PLC0415 - lazy: slow import

        schema = output_schema(target, strict=strict)
        label = name or target.__name__
    else:
        raise _wrong_kind(target, "response_format_for() needs a class or a JSON Schema dict")
    return {
        "type": "json_schema",
        "json_schema": {
            "name": _NAME.sub("_", label)[:64] or "response",
            "schema": schema,
            "strict": strict,
        },
    }


def request_format(value: Any) -> Any:
    """What ``response_format=`` sends: a class becomes ``response_format_for(cls)``; a response
    format (a dict with its ``type``, or a ``ResponseFormat``) and None are kept as they are.

    A bare JSON Schema dict (no ``type``, or a JSON type such as ``"object"``) is refused rather
    than wrapped: the name and strictness of the format are the caller's choice, and a schema
    written for non-strict use would be refused by the provider under the default
    ``strict=True``. The error points at ``response_format_for(schema)``.

    Raises:
        ResponseFormatError: a bare JSON Schema, a value of the wrong kind, or a class that
            cannot be expressed as JSON Schema; ``path`` is ``$.response_format``.
    """
    if value is None:
        return None
    if isinstance(value, Mapping):
        kind = value.get("type")
        bare = "type" not in value and "json_schema" not in value
        if bare or isinstance(kind, list) or (isinstance(kind, str) and kind in _JSON_TYPES):
            from openrouter_kit._core.schema import OUTPUT_TARGETS  # noqa: PLC0415 - lazy: slow import

            raise ResponseFormatError(
                "response_format is a bare JSON Schema, which the API refuses: pass "
                f"response_format=response_format_for(schema) instead; {OUTPUT_TARGETS}",
                path="$.response_format",
            )
        return value
    try:
        if isinstance(value, type):
            return response_format_for(value)
        # A wire model exists only once the generated module has run, so its classes are known.
        if isinstance(value, WireModel) and isinstance(value, generated("ResponseFormat")):
            return value
        raise _wrong_kind(value, "response_format needs a class or a response format dict")
    except ResponseFormatError as err:
        err.path = "$.response_format"
        raise


def _wrong_kind(value: Any, needs: str) -> ResponseFormatError:
    from openrouter_kit._core.schema import OUTPUT_TARGETS  # noqa: PLC0415 - lazy: slow import

    if typing.get_origin(value) is not None:  # list[Person], Person | None, Literal[...]
        got = repr(value).replace("typing.", "")
    else:
        got = f"an instance of {type(value).__name__} (pass the class itself)"
        if not _instance(value):
            got = f"a value of type {type(value).__name__}"
    return ResponseFormatError(f"{needs}, got {got}; {OUTPUT_TARGETS}")


def _instance(value: Any) -> bool:
    """True for an instance of a class that would have been a valid target."""
    from openrouter_kit._core.schema import is_pydantic_model  # noqa: PLC0415 - lazy: slow import

    cls = type(value)
    return (
        is_pydantic_model(cls)
        or hasattr(cls, "__attrs_attrs__")
        or hasattr(cls, "__dataclass_fields__")
    )


def parse_output(text: str, target: Any) -> Any:
    """The answer ``text`` as ``target``: an instance of an attrs class, dataclass, TypedDict or
    pydantic model (validated by pydantic), or the decoded JSON when ``target`` is ``dict``,
    ``list`` or a JSON Schema dict.

    Raises:
        StructuredOutputError: the text is not JSON, or does not fit ``target`` (with pydantic's
            own messages for a pydantic model); the message shows the text (shortened), and
            ``text`` keeps all of it.
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
    from openrouter_kit._core.schema import is_pydantic_model  # noqa: PLC0415 - lazy: slow import

    shown = getattr(target, "__name__", target)
    if is_pydantic_model(target):
        try:
            # JSON mode when the model has it: a strict model then takes "red" for an Enum field
            # and ISO strings for dates, as they arrive in JSON.
            validate_json = getattr(target, "model_validate_json", None)
            return validate_json(body) if callable(validate_json) else target.model_validate(data)
        except Exception as exc:  # pydantic's ValidationError, or an error in a user validator
            problems = _pydantic_problems(exc)
            raise _error(f"the answer does not fit {shown}: {problems}", text) from None
    try:
        return converters().strict.structure(data, target)
    except Exception as exc:  # cattrs raises exception groups and plain errors alike
        try:
            problems = "; ".join(transform_error(exc, path="$"))
        except Exception:  # not a cattrs validation error
            problems = f"{type(exc).__name__}: {exc}"
        raise _error(f"the answer does not fit {shown}: {problems}", text) from None


def _pydantic_problems(exc: Exception) -> str:
    """pydantic's messages, each with its place in the answer: ``@ $.field[0]`` as cattrs says."""
    errors = getattr(exc, "errors", None)
    try:
        found = errors(include_url=False) if callable(errors) else None
    except Exception:
        found = None
    if not isinstance(found, list) or not found:
        return f"{type(exc).__name__}: {exc}"
    problems = []
    for error in found:
        path = "$" + "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.get("loc", ())
        )
        problems.append(f"{error.get('msg', 'invalid')} @ {path}")
    return "; ".join(problems)


def _error(problem: str, text: str) -> StructuredOutputError:
    shown = redact(text[:300], None) + ("..." if len(text) > 300 else "")
    return StructuredOutputError(
        f"{problem}; the answer was: {shown!r}", text=text, status_code=200
    )


def decode_arguments(call: Any) -> Any:
    """The arguments of ``call`` (a ``ToolCall``) decoded from JSON; {} when it has none.

    Raises:
        ToolArgumentsError: the arguments are not valid JSON; ``raw`` keeps the text.
    """
    function = call.function
    raw = (function.arguments if function is not None else None) or ""
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        name = function.name if function is not None else None
        shown = redact(raw[:200], None)
        raise ToolArgumentsError(
            f"the model called {name or 'a tool'} with arguments that are not valid JSON "
            f"({exc}): {shown!r}",
            raw=raw,
            tool_name=name,
            call_id=call.id,
        ) from None


def format_result(result: Any) -> str:
    """A tool's return value as the text of a tool message: strings as they are, anything
    else as JSON (values JSON cannot hold are shown with ``str``)."""
    if isinstance(result, str):
        return result
    return json.dumps(result, ensure_ascii=False, default=str)
