"""JSON Schema -> one example document: deterministic, valid against the schema, and small.

Owns: the document a ``response_format: {"type": "json_schema", ...}`` answer carries. Never
knows: requests, models, tokens. (A library such as hypothesis-jsonschema would draw random
documents; the emulator needs the same document for the same schema, every time.)

The document has every property of an object. Values:

- strings are the property name (``"example"`` at the top or in arrays without a name; ``-2``,
  ``-3``... appended for later array items), padded with ``x`` or cut to
  ``minLength``/``maxLength``, or a fixed value for the formats ``date`` (``2026-01-01``),
  ``date-time`` (``2026-01-01T00:00:00Z``), ``time``, ``email``, ``uri``, ``uuid``, ``ipv4``;
- integers are 1, numbers 1.5, booleans true, all moved into ``minimum``/``maximum``/exclusive
  bounds and ``multipleOf``;
- arrays have 2 items (or the ``prefixItems``, within ``minItems``/``maxItems``), each item
  different so ``uniqueItems`` holds;
- ``enum`` gives its first non-null value, ``const`` its value, ``anyOf``/``oneOf`` the first
  non-null branch, ``allOf`` the merged branches;
- local ``$ref`` (``#/$defs/...``, ``#/definitions/...``, ``#``) are followed, and a recursive
  ``$ref`` stops at required properties and ``minItems`` (a null branch or type when there is
  one), so the document ends;
- ``additionalProperties`` and ``pattern`` are ignored; a schema without a type gives
  ``"example"``.

An unresolvable or unsupported ``$ref``, a schema that is neither an object nor a boolean, or a
recursion with no finite document raises :class:`SchemaError` (the API answers it with a 400).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NamedTuple
from urllib.parse import unquote

__all__ = ["SchemaError", "example"]

#: How many ``$ref`` one path through a schema may follow before it is judged endless.
_MAX_REFS = 64


class SchemaError(ValueError):
    """The schema has no example the generator can make; the message says why."""


class _Bounds(NamedTuple):
    """The range a number must fall in; a bound is ``None`` when the schema sets none."""

    low: Any
    low_exclusive: bool
    high: Any
    high_exclusive: bool


def example(schema: Any) -> Any:
    """The example document of ``schema`` (a JSON Schema object or boolean).

    Raises:
        SchemaError: If the schema is malformed or no finite document matches it.
    """
    return _example(schema, schema, "", 0, ())


def _resolve_ref(ref: Any, root: Any) -> Any:
    """Follow a local JSON pointer ``$ref`` (``#/$defs/X``, ``#/definitions/X``, ``#``)."""
    if not isinstance(ref, str) or not (ref == "#" or ref.startswith("#/")):
        raise SchemaError(f"Invalid JSON schema: unsupported $ref {ref!r}")
    node = root
    for part in ref[2:].split("/") if ref != "#" else []:
        key = unquote(part).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            raise SchemaError(f"Invalid JSON schema: unresolvable $ref {ref!r}")
    return node


def _merge_schemas(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``extra`` over ``base``, with ``properties`` merged and ``required`` lists joined."""
    merged = {**base, **extra}
    props_a, props_b = base.get("properties"), extra.get("properties")
    if isinstance(props_a, dict) and isinstance(props_b, dict):
        merged["properties"] = {**props_a, **props_b}
    req_a, req_b = base.get("required"), extra.get("required")
    if isinstance(req_a, list) and isinstance(req_b, list):
        merged["required"] = [*req_a, *(r for r in req_b if r not in req_a)]
    return merged


def _is_null_schema(schema: Any, root: Any) -> bool:
    if isinstance(schema, dict) and "$ref" in schema:
        schema = _resolve_ref(schema["$ref"], root)
    if not isinstance(schema, dict):
        return False
    return bool(
        schema.get("type") == "null"
        or ("const" in schema and schema["const"] is None)
        or schema.get("enum") == [None]
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number_bounds(schema: Mapping[str, Any]) -> _Bounds:
    """The bounds a number must keep; the spellings of drafts 4 and 6+ are both read."""
    low: Any = schema.get("minimum") if _is_number(schema.get("minimum")) else None
    high: Any = schema.get("maximum") if _is_number(schema.get("maximum")) else None
    low_x = high_x = False
    ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if ex_low is True:
        low_x = low is not None
    elif _is_number(ex_low) and (low is None or ex_low >= low):
        low, low_x = ex_low, True
    if ex_high is True:
        high_x = high is not None
    elif _is_number(ex_high) and (high is None or ex_high <= high):
        high, high_x = ex_high, True
    return _Bounds(low, low_x, high, high_x)


def _integer_example(schema: Mapping[str, Any], variant: int) -> int:
    low, low_x, high, high_x = _number_bounds(schema)
    lo = None if low is None else (math.floor(low) + 1 if low_x else math.ceil(low))
    hi = None if high is None else (math.ceil(high) - 1 if high_x else math.floor(high))
    value = 1 + variant
    if lo is not None and value < lo:
        value = lo + variant
    if hi is not None and value > hi:
        value = hi - variant
        if lo is not None and value < lo:
            value = lo
    step = schema.get("multipleOf")
    if isinstance(step, int) and not isinstance(step, bool) and step > 0:
        value = -(-value // step) * step
        if hi is not None and value > hi:
            value = (hi // step) * step
    return value


def _number_example(schema: Mapping[str, Any], variant: int) -> float:
    low, low_x, high, high_x = _number_bounds(schema)
    value = 1.5 + variant
    too_low = low is not None and (value <= low if low_x else value < low)
    too_high = high is not None and (value >= high if high_x else value > high)
    if too_low or too_high:
        if low is not None and high is not None:
            value = low + (high - low) / (variant + 2)
        elif low is not None:
            value = low + (1 if low_x else 0) + variant
        elif high is not None:
            value = high - (1 if high_x else 0) - variant
    step = schema.get("multipleOf")
    if isinstance(step, int | float) and not isinstance(step, bool) and step > 0:
        exact = Decimal(str(step))
        value = float((Decimal(str(value)) / exact).to_integral_value("ROUND_CEILING") * exact)
    return float(value)


def _string_example(schema: Mapping[str, Any], name: str, variant: int) -> str:
    fmt = schema.get("format")
    day = variant % 28 + 1
    suffix = "" if variant == 0 else str(variant + 1)
    base = name or "example"
    if fmt == "date":
        text = f"2026-01-{day:02d}"
    elif fmt == "date-time":
        text = f"2026-01-{day:02d}T00:00:00Z"
    elif fmt == "time":
        text = f"12:00:{variant % 60:02d}Z"
    elif fmt == "email":
        text = f"user{suffix}@example.com"
    elif fmt in ("uri", "url"):
        text = f"https://example.com/{base}{suffix}"
    elif fmt == "uuid":
        text = f"00000000-0000-4000-8000-{variant:012d}"
    elif fmt == "ipv4":
        text = f"192.0.2.{variant % 254 + 1}"
    else:
        text = base if variant == 0 else f"{base}-{suffix}"
    min_length, max_length = schema.get("minLength"), schema.get("maxLength")
    if isinstance(min_length, int) and len(text) < min_length:
        text += "x" * (min_length - len(text))
    if isinstance(max_length, int) and len(text) > max_length:
        keep = max(0, max_length - len(suffix))
        text = (text[:keep] + suffix)[:max_length]
    return text


def _example(schema: Any, root: Any, name: str, variant: int, refs: tuple[str, ...]) -> Any:
    """A value valid against ``schema``, deterministic; ``variant`` > 0 gives other values.

    ``refs`` are the ``$ref`` followed on the way here. Once one repeats (a recursive schema),
    values are made as small as allowed (required properties only, ``minItems`` items, a null
    branch or type when there is one) so the document ends.
    """
    if len(refs) > _MAX_REFS:
        raise SchemaError("Invalid JSON schema: no finite document matches it (recursion)")
    if isinstance(schema, bool):
        return "example" if schema else None
    if not isinstance(schema, dict):
        raise SchemaError("Invalid JSON schema: a schema must be an object or a boolean")
    lean = len(set(refs)) < len(refs)
    if "$ref" in schema:
        target = _resolve_ref(schema["$ref"], root)
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        if isinstance(target, dict) and rest:
            target = _merge_schemas(target, rest)
        return _example(target, root, name, variant, (*refs, str(schema["$ref"])))
    if "const" in schema:
        return copy.deepcopy(schema["const"])
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        options = [e for e in enum if e is not None] or enum
        return copy.deepcopy(options[variant % len(options)])
    all_of = schema.get("allOf")
    if isinstance(all_of, list) and all_of:
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        for part in all_of:
            if isinstance(part, dict) and "$ref" in part:
                part = _resolve_ref(part["$ref"], root)
            if isinstance(part, dict):
                merged = _merge_schemas(merged, part)
        return _example(merged, root, name, variant, refs)
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and branches:
            nulls = [b for b in branches if _is_null_schema(b, root)]
            others = [b for b in branches if not _is_null_schema(b, root)]
            pick = nulls[0] if (lean and nulls) or not others else others[0]
            rest = {k: v for k, v in schema.items() if k != key}
            if isinstance(pick, dict) and rest:
                pick = _merge_schemas(rest, pick)
            return _example(pick, root, name, variant, refs)
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = "null" if (lean and "null" in kind) or not kinds else kinds[0]
    if kind is None:
        if "properties" in schema or "required" in schema:
            kind = "object"
        elif "items" in schema or "prefixItems" in schema:
            kind = "array"
        else:
            return "example"
    if kind == "null":
        return None
    if kind == "boolean":
        return variant % 2 == 0
    if kind == "integer":
        return _integer_example(schema, variant)
    if kind == "number":
        return _number_example(schema, variant)
    if kind == "string":
        return _string_example(schema, name, variant)
    if kind == "array":
        prefix = schema.get("prefixItems")
        items = schema.get("items", True)
        if isinstance(items, list):  # draft 4-7 tuples
            prefix, items = items, schema.get("additionalItems", True)
        prefix = prefix if isinstance(prefix, list) else []
        count = 0 if lean else (len(prefix) or 2)
        min_items, max_items = schema.get("minItems"), schema.get("maxItems")
        if isinstance(min_items, int):
            count = max(count, min_items)
        if isinstance(max_items, int):
            count = min(count, max_items)
        if items is False:
            count = min(count, len(prefix))
        return [
            _example(prefix[i], root, name, 0, refs)
            if i < len(prefix)
            else _example(items, root, name, i - len(prefix), refs)
            for i in range(count)
        ]
    if kind == "object":
        properties = schema.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        required = schema.get("required")
        required = [r for r in required if isinstance(r, str)] if isinstance(required, list) else []
        keys = [k for k in properties if not lean or k in required]
        document = {k: _example(properties[k], root, k, variant, refs) for k in keys}
        extra = schema.get("additionalProperties", True)
        for key in required:
            if key not in document:
                document[key] = _example(extra if extra is not False else True, root, key, 0, refs)
        return document
    return "example"
