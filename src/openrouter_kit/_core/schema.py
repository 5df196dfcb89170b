"""JSON Schemas from Python functions and type hints: tool definitions and structured outputs.

Owns: the mapping from a type hint to JSON Schema, the reading of docstrings for descriptions,
and the fitting of a pydantic model's own schema to the same rules. Everything it returns is a
plain JSON dict. What it cannot express raises `ToolDefinitionError` when a tool is *defined*
(never when the model calls it), and `ResponseFormatError` when a structured output is asked for.
Never knows: the wire models, clients, I/O. It never imports pydantic: a pydantic v2 model is
recognised by its ``model_json_schema`` and ``model_validate`` methods.
"""

from __future__ import annotations

import collections.abc
import copy
import dataclasses
import enum
import functools
import inspect
import json
import re
import types
import typing
from collections.abc import Callable
from typing import Any

import attrs

from openrouter_kit.errors import ResponseFormatError, ToolDefinitionError

__all__ = [
    "OUTPUT_TARGETS",
    "function_schema",
    "is_pydantic_model",
    "json_schema",
    "output_schema",
]

_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_SUPPORTED = (
    "use str, int, float, bool, list, dict, Literal, Enum, an attrs class, a dataclass "
    "or a TypedDict"
)
#: What ``response_format=`` and ``reply.parse()`` take; ends every `ResponseFormatError`.
OUTPUT_TARGETS = (
    "structured outputs take an attrs class, a dataclass, a TypedDict or a pydantic model, "
    "or a JSON Schema dict through response_format_for(schema_dict)"
)
_SCALARS: dict[Any, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
    None: "null",
}
_ARRAYS = frozenset(
    {list, collections.abc.Sequence, collections.abc.MutableSequence, collections.abc.Iterable}
)
_SETS = frozenset({set, frozenset, collections.abc.Set, collections.abc.MutableSet})
_MAPPINGS = frozenset({dict, collections.abc.Mapping, collections.abc.MutableMapping})
_UNIONS = (typing.Union, types.UnionType)
_NULL: dict[str, Any] = {"type": "null"}


class _Unsupported(Exception):
    """Raised deep inside the conversion; `json_schema` and `function_schema` add the context."""

    def __init__(self, hint: Any, reason: str | None = None) -> None:
        super().__init__(hint, reason)
        self.hint = hint
        self.reason = reason
        self.where: list[str] = []

    def describe(self) -> str:
        where = f" (in {', '.join(self.where)})" if self.where else ""
        reason = self.reason or f"cannot be expressed as JSON schema; {_SUPPORTED}"
        return f"type {_type_name(self.hint)}{where} {reason}"


# -- public API ------------------------------------------------------------------------------


def function_schema(
    fn: Callable[..., Any], *, name: str | None = None, strict: bool | None = None
) -> dict[str, Any]:
    """Describe a Python function as a tool the model may call: a function definition as the
    API takes it.

    The tool's name is ``name`` or the function's ``__name__``. Its description is the summary of
    the docstring (the text before the argument section), and each parameter's description comes
    from the argument section, in Google (``Args:``), Sphinx (``:param x:``) or NumPy
    (``Parameters`` / ``----------``) style. An ``Annotated[T, "text"]`` hint gives a parameter a
    description too, and wins over the docstring.

    A parameter without a default is required; one with a default is optional and carries
    ``"default"`` when the value is JSON-serialisable.

    With ``strict=True`` the schema follows OpenAI's strict mode: every property (also inside
    nested objects) is listed in ``required``, optional ones become nullable (``null`` stands for
    "use the default") and ``default`` is left out. ``strict`` is passed on unchanged as the
    definition's ``strict`` (left out when None).

    Args:
        fn: A function, bound method, `functools.partial` or callable object with a type hint on
            every parameter (string hints from ``from __future__ import annotations`` are resolved).
        name: The tool's name, if not the function's own; ``^[a-zA-Z0-9_-]{1,64}$``.
        strict: Ask for arguments that follow the schema exactly (where the provider supports it).

    Returns:
        ``{"name": ..., "description": ..., "parameters": ..., "strict": ...}`` (``description``
        left out when the docstring has no summary, ``strict`` when it is None), whose
        ``parameters`` is a JSON Schema object
        (``{"type": "object", "properties": ..., "required": ..., "additionalProperties": false}``).

    Raises:
        ToolDefinitionError: The name is invalid, the function takes ``*args`` or ``**kwargs`` or
            positional-only parameters, a parameter has no type hint, or a hint cannot be expressed
            as JSON Schema (the message names the parameter and the function).
    """
    tool_name = name if name is not None else getattr(fn, "__name__", None)
    if tool_name is None:
        raise ToolDefinitionError(f"{fn!r} has no __name__; pass name= to describe it as a tool")
    if not isinstance(tool_name, str) or not _NAME.match(tool_name):
        raise ToolDefinitionError(
            f"tool name {tool_name!r} is invalid: use 1 to 64 letters, digits, '_' or '-'"
            + ("; pass name= to choose another" if name is None else "")
        )
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError) as err:
        raise ToolDefinitionError(f"cannot read the signature of {tool_name}: {err}") from None
    hints = _function_hints(fn, tool_name)
    summary, documented = _parse_docstring(inspect.getdoc(_docstring_source(fn)))

    converter = _Converter(strict=bool(strict))
    properties: dict[str, Any] = {}
    required: list[str] = []
    for param in signature.parameters.values():
        where = f"parameter {param.name!r} of {tool_name}"
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            star = "*" if param.kind is param.VAR_POSITIONAL else "**"
            raise ToolDefinitionError(
                f"{where}: {star}{param.name} cannot be described as a tool argument; "
                "name every parameter the model may pass"
            )
        if param.kind is param.POSITIONAL_ONLY:
            raise ToolDefinitionError(f"{where} is positional-only; tool arguments arrive by name")
        if param.name not in hints:
            raise ToolDefinitionError(
                f"{where} has no type hint; annotate it so its JSON schema can be built"
            )
        try:
            schema = converter.convert(hints[param.name])
        except _Unsupported as err:
            raise ToolDefinitionError(f"{where}: {err.describe()}") from None
        if "description" not in schema and param.name in documented:
            schema = {**schema, "description": documented[param.name]}
        has_default = param.default is not param.empty
        properties[param.name] = _finish_property(schema, has_default, param.default, converter)
        if not has_default or converter.strict:
            required.append(param.name)

    definition: dict[str, Any] = {"name": tool_name}
    if summary:
        definition["description"] = summary
    definition["parameters"] = _object(properties, required)
    if strict is not None:
        definition["strict"] = strict
    return definition


def json_schema(hint: Any, *, strict: bool = False) -> dict[str, Any]:
    """Get the JSON Schema for one type hint.

    ``str``, ``int``, ``float``, ``bool`` and ``None`` map to the JSON types; ``list[T]``,
    ``Sequence[T]``, ``tuple[T, ...]``, fixed ``tuple[A, B]`` (``prefixItems``), ``set[T]`` and
    ``frozenset[T]`` (``uniqueItems``) to arrays; ``dict[str, T]`` and ``Mapping[str, T]`` to
    objects with ``additionalProperties``; ``Optional[T]`` and other unions to ``anyOf`` (or a
    type list when every member is a plain scalar); ``Literal`` and `enum.Enum` subclasses to
    ``enum``; ``Annotated[T, "text"]`` to T's schema with a description; attrs classes,
    dataclasses and ``TypedDict`` to closed objects (``additionalProperties: false``);
    ``Any`` to ``{}``.

    Args:
        hint: The type hint, e.g. ``list[int]`` or an attrs class.
        strict: Follow OpenAI's strict mode inside objects: every property required, optional ones
            nullable, no ``default``.

    Returns:
        A new JSON Schema dict, safe to mutate and to pass to `json.dumps`.

    Raises:
        ToolDefinitionError: The hint (or a part of it) cannot be expressed as JSON Schema:
            ``bytes``, ``datetime``, arbitrary classes, callables, dicts with non-str keys, or a
            class that refers to itself.
    """
    try:
        return _Converter(strict=strict).convert(hint)
    except _Unsupported as err:
        raise ToolDefinitionError(err.describe()) from None


def is_pydantic_model(target: Any) -> bool:
    """True for a pydantic v2 model class (recognised by its methods; pydantic is not imported)."""
    return (
        isinstance(target, type)
        and callable(getattr(target, "model_json_schema", None))
        and callable(getattr(target, "model_validate", None))
    )


def output_schema(target: Any, *, strict: bool = True) -> dict[str, Any]:
    """Get the JSON Schema that asks a model for an instance of ``target``.

    ``target`` is an attrs class, a dataclass or a TypedDict (converted as `json_schema` does),
    or a pydantic v2 model (its ``model_json_schema()``, tidied: no ``title`` or ``$schema``;
    a recursive model's top-level ``$ref`` resolved so the top is an object; ``$defs`` kept).

    With ``strict=True`` the schema follows OpenAI's strict structured outputs, everywhere
    (inside ``$defs`` too): every object lists all its properties in ``required`` and has
    ``additionalProperties: false``; a field with a default is required too (the model fills
    it in; a field that may be left empty is typed ``X | None``, which admits null); ``default``
    and pydantic's ``discriminator`` are left out, ``oneOf`` becomes ``anyOf``, and a ``$ref``
    with siblings (a description) is moved into an ``anyOf`` of one.

    Args:
        target: The class of the answer.
        strict: Follow the strict rules above.

    Returns:
        A new JSON Schema dict (type object), safe to mutate and to pass to `json.dumps`.

    Raises:
        ResponseFormatError: ``target`` is not one of those classes, or a part of it cannot be
            expressed as JSON Schema; the message lists what structured outputs take.
    """
    shown = _type_name(target)
    if is_pydantic_model(target):
        return _pydantic_schema(target, shown, strict=strict)
    if not isinstance(target, type) or not (
        attrs.has(target) or dataclasses.is_dataclass(target) or typing.is_typeddict(target)
    ):
        raise ResponseFormatError(
            f"response_format={shown} cannot be expressed as JSON Schema; {OUTPUT_TARGETS}"
        )
    try:
        return _Converter(strict=strict, null_means_default=False).convert(target)
    except _Unsupported as err:
        raise ResponseFormatError(
            f"response_format={shown}: {err.describe()}; {OUTPUT_TARGETS}"
        ) from None


# -- type hints to schema ---------------------------------------------------------------------


class _Converter:
    """One conversion: remembers the classes being expanded, to refuse recursive types.

    In strict mode every property is required. A property with a default is then nullable
    (null stands for "use the default", as tool arguments need), unless ``null_means_default``
    is False: structured outputs are parsed into the class as they come, so there it keeps its
    type and the model fills it in.
    """

    def __init__(self, *, strict: bool, null_means_default: bool = True) -> None:
        self.strict = strict
        self.null_means_default = null_means_default
        self._expanding: list[type] = []

    def convert(self, hint: Any) -> dict[str, Any]:
        if hint is Any:
            return {}
        if isinstance(hint, typing.NewType):
            return self.convert(hint.__supertype__)
        if isinstance(hint, str | typing.ForwardRef):
            raise _Unsupported(
                hint,
                "cannot be expressed as JSON schema: it is an unresolved forward reference; "
                "define the type at module level",
            )
        if isinstance(hint, type | None) and hint in _SCALARS:
            return {"type": _SCALARS[hint]}
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin is typing.Annotated:
            schema = self.convert(args[0])
            texts = [meta for meta in hint.__metadata__ if isinstance(meta, str)]
            if texts:
                schema = {**schema, "description": texts[-1]}
            return schema
        if origin in (typing.Required, typing.NotRequired):
            return self.convert(args[0])
        if origin in _UNIONS:
            return self._union(args)
        if origin is typing.Literal:
            return _enum(hint, [_literal_value(hint, value) for value in args])
        if hint in _ARRAYS or origin in _ARRAYS:
            return self._array(args[0] if args else Any)
        if hint in _SETS or origin in _SETS:
            return {**self._array(args[0] if args else Any), "uniqueItems": True}
        if hint is tuple or origin is tuple:
            return self._tuple(hint, args, bare=hint is tuple)
        if hint in _MAPPINGS or origin in _MAPPINGS:
            return self._mapping(hint, args)
        if isinstance(hint, type):
            if issubclass(hint, enum.Enum):
                return _enum(hint, [_json_value(hint, member.value) for member in hint])
            if attrs.has(hint) or dataclasses.is_dataclass(hint) or typing.is_typeddict(hint):
                return self._class(hint)
        raise _Unsupported(hint)

    def _array(self, item: Any) -> dict[str, Any]:
        items = self.convert(item)
        return {"type": "array", "items": items} if items else {"type": "array"}

    def _tuple(self, hint: Any, args: tuple[Any, ...], *, bare: bool) -> dict[str, Any]:
        if bare:
            return {"type": "array"}
        if len(args) == 2 and args[1] is Ellipsis:
            return self._array(args[0])
        if not args:  # tuple[()]: the empty tuple
            return {"type": "array", "maxItems": 0}
        return {
            "type": "array",
            "prefixItems": [self.convert(arg) for arg in args],
            "minItems": len(args),
            "maxItems": len(args),
        }

    def _mapping(self, hint: Any, args: tuple[Any, ...]) -> dict[str, Any]:
        if not args:
            return {"type": "object"}
        if args[0] is not str:
            raise _Unsupported(
                hint,
                "cannot be expressed as JSON schema: JSON object keys are strings; "
                "use dict[str, ...]",
            )
        values = self.convert(args[1])
        return {"type": "object", "additionalProperties": values if values else True}

    def _union(self, args: tuple[Any, ...]) -> dict[str, Any]:
        members = [arg for arg in args if arg not in (None, type(None))]
        nullable = len(members) < len(args)
        schemas = [self.convert(member) for member in members]
        if {} in schemas:  # Any absorbs everything else
            return {}
        if len(schemas) == 1:
            return _nullable(schemas[0]) if nullable else schemas[0]
        if nullable and all(_plain_type(schema) for schema in schemas):
            return {"type": [*_unique(schema["type"] for schema in schemas), "null"]}
        return {"anyOf": [*schemas, _NULL] if nullable else schemas}

    def _class(self, cls: type) -> dict[str, Any]:
        if cls in self._expanding:
            raise _Unsupported(
                cls,
                "refers to itself; recursive attrs classes, dataclasses and TypedDicts cannot "
                "be expressed as JSON schema",
            )
        self._expanding.append(cls)
        try:
            return self._fields(cls)
        finally:
            self._expanding.pop()

    def _fields(self, cls: type) -> dict[str, Any]:
        try:
            hints = typing.get_type_hints(cls, include_extras=True)
        except Exception as err:  # NameError and friends: any failure means "cannot resolve"
            raise _Unsupported(
                cls, f"cannot be expressed as JSON schema: its hints cannot be resolved ({err})"
            ) from None
        _, documented = _parse_docstring(inspect.getdoc(cls))
        fields: list[tuple[str, bool, Any]] = []  # name, has a default, the default (or MISSING)
        if attrs.has(cls):
            for field in attrs.fields(cls):
                if not field.init:
                    continue
                default = field.default
                if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                    fields.append((field.name, True, dataclasses.MISSING))
                else:
                    fields.append((field.name, default is not attrs.NOTHING, default))
        elif dataclasses.is_dataclass(cls):
            for dc_field in dataclasses.fields(cls):
                if not dc_field.init:
                    continue
                has_default = (
                    dc_field.default is not dataclasses.MISSING
                    or dc_field.default_factory is not dataclasses.MISSING
                )
                fields.append((dc_field.name, has_default, dc_field.default))
        else:  # TypedDict
            required_keys: frozenset[str] = getattr(cls, "__required_keys__", frozenset())
            for key, hint in hints.items():
                origin = typing.get_origin(hint)
                optional = key not in required_keys or origin is typing.NotRequired
                if origin is typing.Required:
                    optional = False
                fields.append((key, optional, dataclasses.MISSING))

        properties: dict[str, Any] = {}
        required: list[str] = []
        for name, has_default, default in fields:
            if name not in hints:
                raise _Unsupported(
                    cls, f"cannot be expressed as JSON schema: field {name!r} has no type hint"
                )
            try:
                schema = self.convert(hints[name])
            except _Unsupported as err:
                err.where.append(f"field {name!r} of {cls.__qualname__}")
                raise
            if "description" not in schema and name in documented:
                schema = {**schema, "description": documented[name]}
            properties[name] = _finish_property(schema, has_default, default, self)
            if not has_default or self.strict:
                required.append(name)
        return _object(properties, required)


def _finish_property(
    schema: dict[str, Any], has_default: bool, default: Any, converter: _Converter
) -> dict[str, Any]:
    if not has_default:
        return schema
    if converter.strict:
        return _nullable(schema) if converter.null_means_default else schema
    value = _default_value(default)
    return schema if value is _NO_DEFAULT else {**schema, "default": value}


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """Return ``schema`` that also admits null: a type list for a plain scalar, else ``anyOf``."""
    kind = schema.get("type")
    if not schema or kind == "null" or (isinstance(kind, list) and "null" in kind):
        return schema
    if _NULL in schema.get("anyOf", ()):
        return schema
    outer: dict[str, Any] = {k: schema[k] for k in ("description", "default") if k in schema}
    inner = {key: value for key, value in schema.items() if key not in outer}
    if _plain_type(inner):
        return {**outer, "type": [*_as_list(inner["type"]), "null"]}
    if list(inner) == ["anyOf"]:
        return {**outer, "anyOf": [*inner["anyOf"], _NULL]}
    return {**outer, "anyOf": [inner, _NULL]}


def _plain_type(schema: dict[str, Any]) -> bool:
    """True for ``{"type": "integer"}``-like schemas: scalar types and nothing else."""
    return list(schema) == ["type"] and all(
        kind in ("string", "integer", "number", "boolean") for kind in _as_list(schema["type"])
    )


def _as_list(kind: str | list[str]) -> list[str]:
    return [kind] if isinstance(kind, str) else list(kind)


def _unique(kinds: collections.abc.Iterable[str | list[str]]) -> list[str]:
    result: list[str] = []
    for kind in kinds:
        result.extend(item for item in _as_list(kind) if item not in result)
    return result


def _enum(hint: Any, values: list[Any]) -> dict[str, Any]:
    kinds = {_json_type(value) for value in values}
    schema: dict[str, Any] = {}
    if len(kinds) == 1:
        schema["type"] = kinds.pop()
    schema["enum"] = values
    return schema


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def _literal_value(hint: Any, value: Any) -> Any:
    if isinstance(value, enum.Enum):
        value = value.value
    return _json_value(hint, value)


def _json_value(hint: Any, value: Any) -> Any:
    if value is None or isinstance(value, str | int | float):  # bool is an int
        return value
    raise _Unsupported(
        hint, f"cannot be expressed as JSON schema: {value!r} is not a JSON string, number or bool"
    )


_NO_DEFAULT = object()


def _default_value(value: Any) -> Any:
    """The JSON form of a default (tuples become lists, enum members values), or _NO_DEFAULT."""
    if isinstance(value, enum.Enum):
        value = value.value
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError):
        return _NO_DEFAULT


def _type_name(hint: Any) -> str:
    if isinstance(hint, type) and not typing.get_args(hint):
        return hint.__qualname__ if hint.__module__ == "builtins" else _qualified(hint)
    if isinstance(hint, str):
        return repr(hint)
    return repr(hint).replace("typing.", "").replace("collections.abc.", "")


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


# -- pydantic models ---------------------------------------------------------------------------

# Keywords whose value is a map of schemas, a list of schemas, or one schema (or a bool); every
# other keyword's value is data (enum, const, required, examples...) and is copied as it is.
_SCHEMA_MAPS = frozenset({"properties", "$defs", "definitions", "patternProperties"})
_SCHEMA_LISTS = frozenset({"anyOf", "oneOf", "allOf", "prefixItems"})
_SCHEMA_ONE = frozenset(
    {"items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"}
)
_DEFS = ("$defs", "definitions")


def _pydantic_schema(model: Any, shown: str, *, strict: bool) -> dict[str, Any]:
    try:
        raw = model.model_json_schema()
    except Exception as err:  # pydantic's own errors: a type without a schema, an undefined name
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ResponseFormatError(
            f"response_format={shown}: pydantic cannot build its JSON Schema ({reason}); "
            f"{OUTPUT_TARGETS}"
        ) from None
    if not isinstance(raw, dict):
        raise ResponseFormatError(
            f"response_format={shown}: model_json_schema() returned "
            f"{type(raw).__name__}, not a dict; {OUTPUT_TARGETS}"
        )
    schema = _tidy(raw, strict=strict)
    schema = _resolve_top_ref(schema)
    if strict and schema.get("type") != "object":
        raise ResponseFormatError(
            f"response_format={shown}: strict structured outputs need a JSON object at the top, "
            f"and this schema is {schema.get('type') or 'not an object'}; wrap the value in a "
            f"model with one field, or pass strict=False to response_format_for"
        )
    return schema


def _tidy(node: Any, *, strict: bool) -> Any:
    """A copy of a pydantic schema node without titles, fitted to the strict rules if asked."""
    if isinstance(node, list):  # "items" as a list (older drafts)
        return [_tidy(item, strict=strict) for item in node]
    if not isinstance(node, dict):
        return node  # true / false schemas
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("title", "$schema") or (strict and key in ("default", "discriminator")):
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _tidy(sub, strict=strict) for name, sub in value.items()}
        elif (key in _SCHEMA_LISTS and isinstance(value, list)) or key in _SCHEMA_ONE:
            out[key] = _tidy(value, strict=strict)
        else:
            out[key] = copy.deepcopy(value)
    if not strict:
        return out
    if "oneOf" in out and "anyOf" not in out:  # discriminated unions; strict mode has no oneOf
        out["anyOf"] = out.pop("oneOf")
    if len(out.get("allOf", ())) == 1 and "anyOf" not in out:  # older pydantic: described $ref
        out["anyOf"] = out.pop("allOf")
    if "$ref" in out and "anyOf" not in out and set(out) - {"$ref", *_DEFS}:
        out["anyOf"] = [{"$ref": out.pop("$ref")}]  # strict mode allows no siblings to $ref
    if isinstance(out.get("properties"), dict):  # a model; a dict[str, T] field has none
        out["required"] = list(out["properties"])
        out["additionalProperties"] = False
    return out


def _resolve_top_ref(schema: dict[str, Any]) -> dict[str, Any]:
    """A recursive model's schema is ``{"$defs": {...}, "$ref": "#/$defs/Node"}``; the top must
    be the object itself, so copy the definition up (it stays in ``$defs`` for the inner refs)."""
    ref = schema.get("$ref")
    for defs_key in _DEFS:
        prefix = f"#/{defs_key}/"
        if isinstance(ref, str) and ref.startswith(prefix):
            target = schema.get(defs_key, {}).get(ref[len(prefix) :])
            if isinstance(target, dict):
                rest = {key: value for key, value in schema.items() if key != "$ref"}
                return {**copy.deepcopy(target), **rest}
    return schema


# -- functions ---------------------------------------------------------------------------------


def _hint_sources(fn: Callable[..., Any]) -> list[Any]:
    """Objects whose ``__annotations__`` may describe ``fn``'s parameters, most specific first."""
    sources: list[Any] = [fn]
    if isinstance(fn, functools.partial):
        sources.append(fn.func)
    if inspect.ismethod(fn):
        sources.append(fn.__func__)
    if not inspect.isroutine(fn) and not isinstance(fn, functools.partial):
        sources.append(type(fn).__call__)
    return sources


def _function_hints(fn: Callable[..., Any], tool_name: str) -> dict[str, Any]:
    error: Exception | None = None
    for source in _hint_sources(fn):
        try:
            return typing.get_type_hints(source, include_extras=True)
        except NameError as err:
            raise ToolDefinitionError(
                f"the type hints of {tool_name} cannot be resolved: {err}; "
                "define the types at module level"
            ) from None
        except Exception as err:  # get_type_hints raises TypeError and others for odd objects
            error = error or err
    raise ToolDefinitionError(f"cannot read the type hints of {tool_name}: {error}")


def _docstring_source(fn: Callable[..., Any]) -> Any:
    if isinstance(fn, functools.partial):
        return fn.func
    if not inspect.isroutine(fn) and not isinstance(fn, type):
        own = inspect.getdoc(type(fn).__call__)
        return type(fn).__call__ if own else fn
    return fn


# -- docstrings --------------------------------------------------------------------------------

_GOOGLE_ARGS = frozenset(
    {
        "args",
        "arguments",
        "parameters",
        "params",
        "keyword args",
        "keyword arguments",
        "other parameters",
        "attributes",
    }
)
_GOOGLE_SECTIONS = _GOOGLE_ARGS | {
    "returns",
    "return",
    "yields",
    "yield",
    "raises",
    "examples",
    "example",
    "note",
    "notes",
    "warning",
    "warnings",
    "see also",
    "todo",
    "references",
    "methods",
}
_GOOGLE_HEADER = re.compile(r"^([A-Za-z][A-Za-z ]*):\s*$")
_GOOGLE_ENTRY = re.compile(r"^\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:(.*)$")
_SPHINX_FIELD = re.compile(r"^:(\w+)(?:\s+([^:]*?))?:(.*)$")
_NUMPY_RULE = re.compile(r"^\s*-{3,}\s*$")
_NUMPY_ENTRY = re.compile(r"^([\w*]+(?:\s*,\s*[\w*]+)*)\s*(?::.*)?$")


def _parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """Split a cleaned docstring into its summary and the description of each parameter."""
    if not doc:
        return "", {}
    lines = doc.splitlines()
    summary_end = len(lines)
    params: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        header = _GOOGLE_HEADER.match(stripped)
        if header and header.group(1).lower() in _GOOGLE_SECTIONS:
            summary_end = min(summary_end, i)
            i = _google_section(lines, i, indent, header.group(1).lower() in _GOOGLE_ARGS, params)
            continue
        if stripped and i + 1 < len(lines) and _NUMPY_RULE.match(lines[i + 1]):
            summary_end = min(summary_end, i)
            is_args = stripped.lower() in _GOOGLE_ARGS
            i = _numpy_section(lines, i + 2, indent, is_args, params)
            continue
        field = _SPHINX_FIELD.match(stripped)
        if field:
            summary_end = min(summary_end, i)
            i = _sphinx_field(lines, i, field, params)
            continue
        i += 1
    summary = " ".join(" ".join(lines[:summary_end]).split())
    return summary, {name: " ".join(text.split()) for name, text in params.items() if text}


def _google_section(
    lines: list[str], start: int, indent: int, is_args: bool, params: dict[str, str]
) -> int:
    i = start + 1
    entry_indent: int | None = None
    current: str | None = None
    while i < len(lines):
        line = lines[i]
        if line.strip():
            line_indent = len(line) - len(line.lstrip())
            if line_indent <= indent:
                break
            if entry_indent is None:
                entry_indent = line_indent
            entry = _GOOGLE_ENTRY.match(line.strip()) if line_indent <= entry_indent else None
            if entry and is_args:
                current = entry.group(1)
                params[current] = entry.group(2).strip()
            elif current is not None and is_args:
                params[current] = f"{params[current]} {line.strip()}".strip()
        i += 1
    return i


def _numpy_section(
    lines: list[str], start: int, indent: int, is_args: bool, params: dict[str, str]
) -> int:
    i = start
    current: list[str] = []  # "a, b : int" documents both names at once
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        line_indent = len(line) - len(line.lstrip())
        if stripped and line_indent <= indent:
            if i + 1 < len(lines) and _NUMPY_RULE.match(lines[i + 1]):
                break  # the next section
            entry = _NUMPY_ENTRY.match(stripped)
            current = []
            if entry and is_args:
                current = [name.strip().lstrip("*") for name in entry.group(1).split(",")]
                params.update(dict.fromkeys(current, ""))
        elif stripped:
            for name in current:
                params[name] = f"{params[name]} {stripped}".strip()
        i += 1
    return i


def _sphinx_field(
    lines: list[str], start: int, field: re.Match[str], params: dict[str, str]
) -> int:
    kind, target, text = field.group(1), field.group(2), field.group(3)
    parts = [text.strip()]
    i = start + 1
    while i < len(lines) and lines[i].strip() and not lines[i].strip().startswith(":"):
        parts.append(lines[i].strip())
        i += 1
    if kind in ("param", "parameter", "arg", "argument", "key", "keyword") and target:
        name = target.split()[-1].lstrip("*")
        params[name] = " ".join(" ".join(parts).split())
    return i
