"""The JSON Schema example generator (``testing/_examples.py``), called directly: each example
validates against its schema, the same schema always gives the same document, and schemas
without a finite example are refused. ``test_chat.py`` checks the documents as answers."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from openrouter_kit.testing._examples import SchemaError, example


def resolve(schema: Any, root: Any) -> Any:
    while isinstance(schema, dict) and "$ref" in schema:
        node = root
        for part in schema["$ref"][2:].split("/"):
            node = node[part]
        schema = node
    return schema


def validate(value: Any, schema: Any, root: Any, where: str = "$") -> None:
    """A tiny JSON Schema validator covering what the emulator's generator handles."""
    schema = resolve(schema, root)
    if schema is True or schema == {}:
        return
    if "const" in schema:
        assert value == schema["const"], where
    if "enum" in schema:
        assert value in schema["enum"], where
    if "anyOf" in schema:
        errors = 0
        for branch in schema["anyOf"]:
            try:
                validate(value, branch, root, where)
            except AssertionError:
                errors += 1
        assert errors < len(schema["anyOf"]), where
    if "oneOf" in schema:
        matches = 0
        for branch in schema["oneOf"]:
            try:
                validate(value, branch, root, where)
                matches += 1
            except AssertionError:
                pass
        assert matches == 1, where
    for branch in schema.get("allOf", []):
        validate(value, branch, root, where)
    kind = schema.get("type")
    if kind is None:
        return
    kinds = kind if isinstance(kind, list) else [kind]
    checks = {
        "null": value is None,
        "boolean": isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "string": isinstance(value, str),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
    }
    assert any(checks[k] for k in kinds), f"{where}: {value!r} is not {kinds}"
    if checks["number"]:
        if "minimum" in schema:
            assert value >= schema["minimum"], where
        if "maximum" in schema:
            assert value <= schema["maximum"], where
        if "exclusiveMinimum" in schema:
            assert value > schema["exclusiveMinimum"], where
        if "exclusiveMaximum" in schema:
            assert value < schema["exclusiveMaximum"], where
        if "multipleOf" in schema:
            assert value % schema["multipleOf"] == 0, where
    if isinstance(value, str):
        assert len(value) >= schema.get("minLength", 0), where
        assert len(value) <= schema.get("maxLength", len(value)), where
        if schema.get("format") == "date":
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), where
        if schema.get("format") == "date-time":
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})", value)
    if isinstance(value, list):
        assert len(value) >= schema.get("minItems", 0), where
        assert len(value) <= schema.get("maxItems", len(value)), where
        if schema.get("uniqueItems"):
            dumped = [json.dumps(v, sort_keys=True) for v in value]
            assert len(set(dumped)) == len(dumped), f"{where}: {value!r} not unique"
        prefix = schema.get("prefixItems", [])
        for index, item in enumerate(value):
            if index < len(prefix):
                validate(item, prefix[index], root, f"{where}[{index}]")
            else:
                assert schema.get("items", True) is not False, where
                validate(item, schema.get("items", True), root, f"{where}[{index}]")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{where}: missing {key}"
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                validate(value[key], sub, root, f"{where}.{key}")


SCHEMAS: dict[str, dict[str, Any]] = {
    "person": {
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 8},
            "nickname": {"type": "string", "maxLength": 3},
            "age": {"type": "integer", "minimum": 18, "maximum": 99},
            "height": {"type": "number", "exclusiveMinimum": 2, "exclusiveMaximum": 3},
            "score": {"type": "number", "maximum": -4},
            "even": {"type": "integer", "minimum": 3, "multipleOf": 2},
            "active": {"type": "boolean"},
            "nothing": {"type": "null"},
            "role": {"type": "string", "enum": ["admin", "user"]},
            "kind": {"const": "person"},
            "born": {"type": "string", "format": "date"},
            "seen": {"type": "string", "format": "date-time"},
            "anything": {},
        },
        "required": ["name", "age"],
        "additionalProperties": False,
    },
    "arrays": {
        "type": "object",
        "properties": {
            "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
            "many": {"type": "array", "items": {"type": "integer"}, "minItems": 4},
            "one": {"type": "array", "items": {"type": "boolean"}, "maxItems": 1},
            "point": {
                "type": "array",
                "prefixItems": [{"type": "number"}, {"type": "string", "format": "date"}],
                "items": False,
            },
            "ids": {
                "type": "array",
                "items": {"type": "integer", "maximum": 0},
                "uniqueItems": True,
                "minItems": 3,
            },
            "rows": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
        },
        "required": ["tags", "many", "one", "point", "ids", "rows"],
    },
    "unions": {
        "type": "object",
        "properties": {
            "maybe": {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 5}]},
            "either": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "nullable": {"type": ["null", "string"]},
            "both": {
                "allOf": [
                    {"type": "object", "properties": {"a": {"type": "integer"}}},
                    {"properties": {"b": {"type": "string"}}, "required": ["b"]},
                ]
            },
        },
        "required": ["maybe", "either", "nullable", "both"],
    },
    "refs": {
        "$defs": {
            "address": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
                "required": ["city", "zip"],
            },
            "node": {
                "type": "object",
                "properties": {
                    "value": {"type": "integer"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                },
                "required": ["value"],
            },
        },
        "definitions": {"color": {"type": "string", "enum": ["red", "green"]}},
        "type": "object",
        "properties": {
            "home": {"$ref": "#/$defs/address"},
            "tree": {"$ref": "#/$defs/node"},
            "color": {"$ref": "#/definitions/color"},
            "colors": {"type": "array", "items": {"$ref": "#/definitions/color"}},
        },
        "required": ["home", "tree", "color"],
    },
    "string_root": {"type": "string", "format": "date"},
    "array_root": {"type": "array", "items": {"type": "object", "properties": {"x": {}}}},
}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_examples_validate_and_do_not_change(name: str) -> None:
    schema = SCHEMAS[name]
    document = example(schema)
    validate(document, schema, schema)
    assert json.dumps(example(schema)) == json.dumps(document)


def test_every_string_format_has_its_fixed_value() -> None:
    formats = ["date", "date-time", "time", "email", "uri", "uuid", "ipv4"]
    schema = {
        "type": "object",
        "properties": {f: {"type": "string", "format": f} for f in formats},
    }
    assert example(schema) == {
        "date": "2026-01-01",
        "date-time": "2026-01-01T00:00:00Z",
        "time": "12:00:00Z",
        "email": "user@example.com",
        "uri": "https://example.com/uri",
        "uuid": "00000000-0000-4000-8000-000000000000",
        "ipv4": "192.0.2.1",
    }


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"$ref": "#/$defs/missing"}, "unresolvable \\$ref"),
        ({"$ref": "https://example.com/schema.json"}, "unsupported \\$ref"),
        ({"type": "object", "properties": {"x": 3}}, "an object or a boolean"),
        (
            {"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"},
            "no finite document",
        ),
    ],
)
def test_schemas_without_an_example_are_refused(schema: dict[str, Any], message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        example(schema)
