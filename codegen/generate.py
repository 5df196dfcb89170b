"""Write openrouter-kit's wire models from our JSON Schemas.

    python codegen/generate.py            # (re)write src/openrouter_kit/_generated/
    python codegen/generate.py --check    # exit 1 if regenerating would change a file
    python codegen/generate.py --out DIR  # write somewhere else (used by the golden test)

Input: every ``codegen/schemas/*.json`` document. Each keeps its objects under ``$defs``; a
``$ref`` names a definition by its last path segment (``chat.json#/$defs/ToolCall`` ->
``ToolCall``), so names are unique across files. ``endpoints.json`` holds the endpoint table
instead of ``$defs``.

Output: data and declarations, never hand-written behaviour. ``enums.py`` holds the enums (cheap
to import: no attrs class); ``models.py`` the attrs classes, whose methods come from hand-written
base classes; ``endpoints.py`` the endpoint table as plain rows, which
``openrouter_kit._core.wire.Endpoint`` reads; ``params.py`` the keyword arguments, typed.

What each schema construct becomes:

- an object definition -> an attrs ``@define(kw_only=True)`` class with an ``extra`` dict for the
  keys we do not know (the converter fills and empties it); required properties have no default, the
  others default to ``None`` (or to their ``default``, ``[]`` and ``{}`` becoming factories);
- a string definition with ``enum`` -> an ``enum.StrEnum`` of known values in ``enums.py`` (also
  exported by ``models.py``). Fields that use it stay typed ``str``, so a value the server adds
  tomorrow still parses (enums are open). A member is named after its value in capitals
  (``tool_calls`` -> ``TOOL_CALLS``), or by ``x-enum-names``, a list of names in the order of the
  values (``""`` has no name of its own). A description may span lines: its lines are the
  docstring's, as written;
- ``string``/``integer``/``number``/``boolean``/``null`` ->
  ``str``/``int``/``float``/``bool``/``None``; arrays -> ``list[...]``; ``anyOf``/``oneOf``/type
  lists -> unions; an object without ``properties`` -> ``dict[str, ...]``; a schema with no type ->
  ``Any``.

Extensions (all optional): ``x-python-name`` renames a property that is not a Python identifier;
``x-local`` marks a property measured by the client and never sent or read on the wire;
``x-secret`` marks a property that holds a secret (a new API key): its repr shows ``'***'``;
``x-mixin`` names a hand-written base class in ``openrouter_kit._model_methods`` (methods, no
fields; the others derive from ``openrouter_kit._core.modelbase.WireModel``);
``x-extends`` names another object definition the class derives from (``WebPlugin`` is a
``Plugin``): it inherits the base's fields and declares only its own, which may give a base field
a default (``id`` is ``"web"``); an instance goes wherever the base is declared, and the base's
``<Name>Param`` accepts the subclass's dict form too;
``x-python-type`` gives a scalar property a Python type of ours instead of its JSON one (see
``PYTHON_TYPES``): ``money`` (a USD amount: ``Decimal``) or ``price`` (``Decimal``, or ``VARIABLE``
for the wire's ``"-1"``), converted by the hooks in ``openrouter_kit._core.convert``;
``x-spec`` names the schemas of the official OpenAPI document that an object corresponds to (used
only by ``tests/test_codegen.py``): a component schema (``ChatUsage``), an object nested in one,
reached through its properties (``ChatUsage.prompt_tokens_details``), or an operation's 200 JSON
body when the spec has no component for it (``GET /key``, ``GET /key.data``; a 201 body when the
operation has no 200), its request body (``POST /embeddings body``, ``POST /rerank
body.documents``) or its query parameters as one object (``GET /models query``); ``[]`` means the
spec has no counterpart. ``minimum``/``maximum``/``exclusiveMinimum``/``exclusiveMaximum``/
``maxItems``/``minItems``/``maxLength`` and the values of an ``enum`` (inline, through a ``$ref``
to an enum
definition, in ``anyOf`` members or array items) become field metadata that the client checks
before sending, and so do a ``pattern`` (of a string, or of an array's string items; worded by
``x-pattern-means``) and the ``minimum``/``maximum`` of an object's ``additionalProperties``
(checked on each of its values); responses are never checked against them (enums stay open
there), nor a property marked ``x-open-enum`` (checked elsewhere).
``x-python-type`` (``money`` or ``price``) types an amount of USD, see ``python_type``.
A ``$ref`` property with ``"default": {}`` defaults to an empty instance of its class.

``params.py`` holds the typed keyword arguments of the chat calls: ``CompletionParams`` (every
``CompletionRequest`` property but ``stream``), ``RunToolsParams`` (the same without ``tools``)
and one ``<Name>Param`` ``TypedDict`` per object definition they reach. There a nested object
is ``<Name> | <Name>Param``, an array a ``Sequence``, an enum a ``Literal`` (and its ``StrEnum``
class for a named enum), and ``x-param-also`` on a definition lists other types accepted wherever
it is (``ResponseMessage`` where a ``Message`` is); a key whose type names a ``<Name>Param``
written further down (a cycle: a subagent tool's tools may be subagent tools) is a string
annotation. A definition with ``x-params`` (``{"name",
"skip", "doc"}``) is another call's request: its properties but ``skip`` become the ``TypedDict``
``name`` (required ones stay required), and ``x-input`` marks an object a call takes outside its
request definition (``EmbeddingInput``): both get a ``<Name>Param`` for every object they reach,
and their enums are checked like a request body's. An endpoint row may be declared in any schema
file's ``x-endpoints``.
"""

from __future__ import annotations

import argparse
import json
import keyword
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
SCHEMAS = ROOT / "schemas"
DEFAULT_OUT = ROOT.parent / "src" / "openrouter_kit" / "_generated"
HEADER = (
    '"""{doc}\n\nGenerated - do not edit. Run ``python codegen/generate.py`` to regenerate.\n"""\n'
)
LINE_LENGTH = 100  # the project's ruff line length: generated imports must pass ruff's isort check
CHECKS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "maxLength",
    "pattern",
)
#: Checks taken from where a property's values are: its array items, its object values.
VALUE_CHECKS = {"items": ("pattern",), "additionalProperties": ("minimum", "maximum")}
SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}
#: ``x-python-type`` values: the annotation of a model's field, and of a parameter (what a caller
#: may pass), and the import each needs.
PYTHON_TYPES = {
    "money": ("Decimal", "Decimal | float | str"),
    "price": ("Price", "Decimal | float | str"),
}
TYPE_IMPORTS = {"Decimal": ("decimal", "Decimal"), "Price": ("openrouter_kit._core.money", "Price")}


def load_schemas(folder: Path) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Return every definition by name (in file and declaration order) and the endpoint table."""
    defs: dict[str, dict[str, Any]] = {}
    endpoints: dict[str, Any] = {}
    # The table of endpoints.json comes first; other files add their own rows after it.
    for path in sorted(folder.glob("*.json"), key=lambda p: (p.name != "endpoints.json", p.name)):
        document = json.loads(path.read_text(encoding="utf-8"))
        endpoints.update(document.get("x-endpoints", {}))
        for name, schema in document.get("$defs", {}).items():
            if name in defs:
                raise SystemExit(f"{path.name}: definition {name!r} is defined twice")
            defs[name] = schema
    return defs, endpoints


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def import_line(module: str, names: list[str]) -> str:
    """``from module import names``, wrapped one name a line (as isort does) when it is too long."""
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= LINE_LENGTH:
        return line
    return "\n".join([f"from {module} import (", *(f"    {name}," for name in names), ")"])


def split_union(annotation: str) -> list[str]:
    """The members of ``A | B``, leaving unions inside brackets (``list[A | B]``) whole."""
    parts: list[str] = []
    depth = start = 0
    for i, char in enumerate(annotation):
        depth += (char == "[") - (char == "]")
        if depth == 0 and annotation.startswith(" | ", i):
            parts.append(annotation[start:i])
            start = i + 3
    return [*parts, annotation[start:]]


def is_enum(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "string" and "enum" in schema


def python_type(schema: dict[str, Any], *, param: bool = False) -> str | None:
    """The annotation a property's ``x-python-type`` asks for (``param``: what a caller may pass
    for it), with ``| None`` when its JSON type allows null; None when it has no such key."""
    name = schema.get("x-python-type")
    if name is None:
        return None
    if name not in PYTHON_TYPES:
        raise SystemExit(f"unknown x-python-type {name!r}; known: {', '.join(PYTHON_TYPES)}")
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if not set(kinds) <= {"string", "number", "integer", "null"}:
        raise SystemExit(f"x-python-type {name!r} is for numbers and strings, not {kinds}")
    annotation = PYTHON_TYPES[name][1 if param else 0]
    return f"{annotation} | None" if "null" in kinds else annotation


class Generator:
    def __init__(self, defs: dict[str, dict[str, Any]], endpoints: dict[str, Any]) -> None:
        self.defs = defs
        self.endpoints = endpoints
        #: Types of ours (``x-python-type``) the models module uses, to import them.
        self.used: set[str] = set()
        #: Object definitions a request can contain: only their enums are checked.
        self.inputs = self.reachable(
            [row["request"] for row in endpoints.values() if row.get("request")]
            + [name for name, schema in defs.items() if "x-params" in schema or "x-input" in schema]
        )

    def reachable(self, roots: list[str]) -> list[str]:
        """``roots`` and every object definition their properties reach, in dependency order."""
        wanted: set[str] = set()
        todo = list(roots)
        while todo:
            name = todo.pop()
            if name not in wanted:
                wanted.add(name)
                todo.extend(self.dependencies(self.defs[name].get("properties", {})))
                todo.extend(self.subclasses(name))
        return [name for name in self.ordered_classes() if name in wanted]

    def subclasses(self, name: str) -> list[str]:
        """The definitions that extend ``name`` (``x-extends``), directly or not, in order."""
        direct = [n for n, s in self.defs.items() if s.get("x-extends") == name]
        return [n for sub in direct for n in (sub, *self.subclasses(sub))]

    def merged(self, name: str) -> tuple[dict[str, Any], set[str]]:
        """A definition's properties and required names, those of its ``x-extends`` bases
        included (its own win)."""
        schema = self.defs[name]
        props: dict[str, Any] = {}
        required: set[str] = set()
        base = schema.get("x-extends")
        if base is not None:
            if base not in self.defs or is_enum(self.defs[base]):
                raise SystemExit(f"{name}: x-extends {base!r} is not an object definition")
            props, required = self.merged(base)
        return {**props, **schema.get("properties", {})}, required | set(schema.get("required", []))

    # -- types ---------------------------------------------------------------------------------
    def type_of(self, schema: dict[str, Any]) -> str:
        """The Python annotation for a property schema."""
        special = python_type(schema)
        if special is not None:
            self.used.add(PYTHON_TYPES[schema["x-python-type"]][0])
            return special
        if "$ref" in schema:
            target = ref_name(schema["$ref"])
            if target not in self.defs:
                raise SystemExit(f"unresolved $ref {schema['$ref']!r}")
            return "str" if is_enum(self.defs[target]) else target
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return self.union([self.type_of(member) for member in schema[key]])
        kind = schema.get("type")
        if isinstance(kind, list):
            return self.union([self.type_of({**schema, "type": one}) for one in kind])
        if kind in SCALARS:
            return SCALARS[kind]
        if kind == "array":
            return f"list[{self.type_of(schema.get('items', {}))}]"
        if kind == "object":
            if "properties" in schema:
                message = "inline objects with properties must be $defs: "
                raise SystemExit(message + json.dumps(schema))
            values = schema.get("additionalProperties", {})
            inner = self.type_of(values) if isinstance(values, dict) else "Any"
            return f"dict[str, {inner}]"
        return "Any"

    def enum_values(self, schema: dict[str, Any]) -> list[Any]:
        """The values an enum allows for a property (through ``$ref``, ``anyOf``/``oneOf`` and
        array items), in declaration order; [] when it has none."""
        if "$ref" in schema:
            return list(self.defs[ref_name(schema["$ref"])].get("enum", []))
        values: list[Any] = list(schema.get("enum", []))
        for key in ("anyOf", "oneOf"):
            for member in schema.get(key, []):
                values.extend(self.enum_values(member))
        if "items" in schema:
            values.extend(self.enum_values(schema["items"]))
        return list(dict.fromkeys(v for v in values if v is not None))

    @staticmethod
    def union(members: list[str]) -> str:
        seen: list[str] = []
        for member in members:
            for part in split_union(member):
                if part not in seen:
                    seen.append(part)
        if "Any" in seen:
            return "Any"
        if "None" in seen:  # keep None last, as people write it
            seen.remove("None")
            seen.append("None")
        return " | ".join(seen)

    def dependencies(self, schema: dict[str, Any]) -> set[str]:
        found: set[str] = set()
        if isinstance(schema, dict):
            if "$ref" in schema:
                target = ref_name(schema["$ref"])
                if target not in self.defs:
                    raise SystemExit(f"unresolved $ref {schema['$ref']!r}")
                if not is_enum(self.defs[target]):
                    found.add(target)
            for value in schema.values():
                found |= self.dependencies(value)
        elif isinstance(schema, list):
            for value in schema:
                found |= self.dependencies(value)
        return found

    def ordered_classes(self) -> list[str]:
        """Object definitions ordered so that every class is defined before it is used."""
        objects = [name for name, schema in self.defs.items() if not is_enum(schema)]
        done: list[str] = []
        visiting: set[str] = set()

        def visit(name: str) -> None:
            if name in done:
                return
            if name in visiting:
                raise SystemExit(f"reference cycle through {name}")
            visiting.add(name)
            base = self.defs[name].get("x-extends")
            for dep in sorted(self.dependencies(self.defs[name].get("properties", {}))):
                visit(dep)
            if base is not None:
                visit(base)
            visiting.discard(name)
            done.append(name)

        for name in objects:
            visit(name)
        return done

    # -- emitting --------------------------------------------------------------------------------
    def enum_source(self, name: str, schema: dict[str, Any]) -> list[str]:
        doc = self.doc(schema, name).split("\n")
        lines = [f"class {name}(StrEnum):", f'    """{doc[0]}']
        lines.extend(f"    {line}".rstrip() for line in doc[1:])
        if len(doc) > 1:
            lines.append("    " + '"""')
        else:
            lines[-1] += '"""'
        lines.append("")
        values = schema["enum"]
        names = schema.get("x-enum-names") or [None] * len(values)
        if len(names) != len(values):
            raise SystemExit(f"{name}: x-enum-names needs one name per value")
        for value, member in zip(values, names, strict=True):
            if member is None:
                member = "".join(c if c.isalnum() else "_" for c in str(value)).upper()
                if not member:
                    raise SystemExit(f"{name}: the value {value!r} needs a name in x-enum-names")
                if member[0].isdigit():
                    member = "_" + member
            lines.append(f"    {member} = {json.dumps(value)}")
        return [*lines, "", ""]

    def enum_names(self) -> list[str]:
        return [name for name, schema in self.defs.items() if is_enum(schema)]

    def enums_module(self) -> str:
        body: list[str] = []
        for name in self.enum_names():
            body.extend(self.enum_source(name, self.defs[name]))
        out = [
            HEADER.format(
                doc="The API's enumerations: open StrEnums of the known values (no attrs class)."
            ),
            "from enum import StrEnum",
            "",
            "",
            *body,
            "__all__ = [",
            *(f'    "{name}",' for name in sorted(self.enum_names())),
            "]",
        ]
        return "\n".join(out) + "\n"

    @staticmethod
    def doc(schema: dict[str, Any], name: str) -> str:
        text = schema.get("description", name).strip().replace('"""', "'''")
        return text if text.endswith(".") else text + "."

    def field_source(
        self, wire: str, prop: dict[str, Any], required: bool, checked: bool = False
    ) -> list[str]:
        attr = prop.get("x-python-name", wire)
        if not attr.isidentifier() or keyword.iskeyword(attr) or attr == "extra":
            raise SystemExit(f"property {wire!r} needs an x-python-name")
        annotation = self.type_of(prop)
        args: list[str] = []
        if not required:
            default = prop.get("default")
            if default == []:
                args.append("factory=list")
            elif default == {} and annotation in self.defs:  # an empty instance of a model
                args.append(f"factory={annotation}")
            elif default == {}:
                args.append("factory=dict")
            elif default is not None:
                shown = json.dumps(default) if isinstance(default, str) else repr(default)
                args.append("default=" + shown)
            else:
                args.append("default=None")
                if "None" not in split_union(annotation) and annotation != "Any":
                    annotation += " | None"
        metadata: dict[str, Any] = {}
        if attr != wire:
            metadata["wire"] = wire
        if prop.get("x-local"):
            metadata["local"] = True
        if prop.get("x-secret"):
            metadata["secret"] = True
        for check in CHECKS:
            if check in prop:
                metadata[check] = prop[check]
        for where, checks in VALUE_CHECKS.items():
            values = prop.get(where)
            for check in checks if isinstance(values, dict) else ():
                if check in values:
                    metadata[check] = values[check]
        if "pattern" in metadata:
            means = prop.get("x-pattern-means") or prop.get("items", {}).get("x-pattern-means")
            metadata["pattern_means"] = means or f"a string matching {metadata['pattern']}"
        allowed = self.enum_values(prop) if checked and not prop.get("x-open-enum") else []
        if allowed:
            metadata["enum"] = tuple(allowed)
        if metadata:
            args.append(f"metadata={metadata!r}")
        lines = [f"    #: {line}" for line in self.wrap(prop.get("description", ""))]
        if metadata or (args and not args[0].startswith("default=")):
            value = f" = field({', '.join(args)})"
        else:  # a plain default reads best without field()
            value = f" = {args[0].removeprefix('default=')}" if args else ""
        return [*lines, f"    {attr}: {annotation}{value}"]

    @staticmethod
    def wrap(text: str, width: int = 92) -> list[str]:
        words, lines, line = text.split(), [], ""
        for word in words:
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        return [*lines, line] if line else lines

    def class_source(self, name: str, schema: dict[str, Any]) -> list[str]:
        base = schema.get("x-extends") or schema.get("x-mixin", "WireModel")
        required = set(schema.get("required", []))
        lines = ["@define(kw_only=True, repr=False)", f"class {name}({base}):"]
        lines.append(f'    """{self.doc(schema, name)}"""')
        lines.append("")
        props: dict[str, Any] = schema.get("properties", {})
        # Required fields first: reading order only, every field is keyword-only.
        checked = name in self.inputs
        for wire in sorted(props, key=lambda w: w not in required):
            lines.extend(self.field_source(wire, props[wire], wire in required, checked))
        lines.append(
            "    #: Fields the server sent that this version does not know; sent back as they are."
        )
        lines.append("    extra: dict[str, Any] = field(factory=dict)")
        return [*lines, "", ""]

    def models_module(self) -> str:
        objects = [s for s in self.defs.values() if not is_enum(s)]
        mixins = sorted({s["x-mixin"] for s in objects if "x-mixin" in s})
        body: list[str] = []
        self.used.clear()
        for name in self.ordered_classes():
            body.extend(self.class_source(name, self.defs[name]))
        ours = [TYPE_IMPORTS[t] for t in sorted(self.used)]
        stdlib = sorted([("typing", "Any"), *(i for i in ours if "." not in i[0])])
        first_party = sorted(
            [
                *(i for i in ours if "." in i[0]),
                ("openrouter_kit._core.modelbase", "WireModel"),
                ("openrouter_kit._generated.enums", ""),
                ("openrouter_kit._model_methods", ""),
            ]
        )
        lists = {
            "openrouter_kit._generated.enums": sorted(self.enum_names()),
            "openrouter_kit._model_methods": mixins,
        }
        out = [
            HEADER.format(
                doc="Wire models of the OpenRouter API: attrs classes (and the enums, re-exported)."
            ),
            *(f"from {module} import {name}" for module, name in stdlib),
            "",
            "from attrs import define, field",
            "",
            *(
                import_line(module, lists[module])
                if module in lists
                else f"from {module} import {name}"
                for module, name in first_party
            ),
            "",
            "",
            *body,
        ]
        names = sorted(self.defs)
        out.append("__all__ = [")
        out.extend(f'    "{name}",' for name in names)
        out.append("]")
        return "\n".join(out) + "\n"

    # -- keyword arguments (params.py) -------------------------------------------------------
    def param_type(self, schema: dict[str, Any]) -> str:
        """What a keyword argument (or a key of a ``<Name>Param``) accepts for a property."""
        special = python_type(schema, param=True)
        if special is not None:
            return special
        if "$ref" in schema:
            target = ref_name(schema["$ref"])
            definition = self.defs[target]
            if is_enum(definition):
                return f"{target} | {_literal_of(definition['enum'])}"
            subs = [f"{sub}Param" for sub in self.subclasses(target)]
            also = definition.get("x-param-also", [])
            return self.union([target, f"{target}Param", *subs, *also])
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return self.union([self.param_type(member) for member in schema[key]])
        kind = schema.get("type")
        if isinstance(kind, list):
            return self.union([self.param_type({**schema, "type": one}) for one in kind])
        if kind == "string" and "enum" in schema:
            return _literal_of(schema["enum"])
        if kind in SCALARS:
            return SCALARS[kind]
        if kind == "array":
            return f"Sequence[{self.param_type(schema.get('items', {}))}]"
        if kind == "object":
            values = schema.get("additionalProperties", {})
            inner = self.param_type(values) if isinstance(values, dict) else "Any"
            return f"Mapping[str, {inner}]"
        return "Any"

    def typed_dict_source(
        self,
        name: str,
        schema: dict[str, Any],
        doc: str,
        skip: tuple[str, ...] = (),
        *,
        keep_required: bool = False,
        defined: frozenset[str] | None = None,
    ) -> list[str]:
        """A ``TypedDict`` of ``schema``'s properties but ``skip``. The chat calls' keyword
        arguments (with ``skip``) require nothing: a request object may bring the rest; with
        ``keep_required`` (``x-params``), the required properties stay required. Given the
        ``<Name>Param``s ``defined`` before this one, an annotation naming a later one (a cycle:
        a subagent's tools may be subagents) is written as a string."""
        required = set(schema.get("required", []))
        props: dict[str, Any] = schema.get("properties", {})
        marked = required if keep_required or not skip else set()
        lines = [f"class {name}(TypedDict, total=False):", f'    """{doc}"""', ""]
        for wire in sorted(props, key=lambda w: w not in required):
            prop = props[wire]
            if wire in skip or prop.get("x-local"):
                continue
            if not wire.isidentifier() or keyword.iskeyword(wire):
                raise SystemExit(f"property {wire!r} cannot be a TypedDict key")
            annotation = self.param_type(prop)
            later = defined is not None and any(
                n not in defined for n in re.findall(r"\b\w+Param\b", annotation)
            )
            if wire in marked:
                annotation = f'Required["{annotation}"]' if later else f"Required[{annotation}]"
            else:
                if (
                    wire not in required
                    and "None" not in split_union(annotation)
                    and annotation != "Any"
                ):
                    annotation += " | None"  # None: not sent, as on the models
                if later:
                    annotation = f'"{annotation}"'
            lines.extend(f"    #: {line}" for line in self.wrap(prop.get("description", "")))
            lines.append(f"    {wire}: {annotation}")
        return [*lines, "", ""]

    def call_params(self) -> dict[str, dict[str, Any]]:
        """The definitions marked ``x-params`` (the keyword arguments of other calls than the
        chat ones), by name: ``{"name": TypedDict name, "skip": [...], "doc": "..."}``."""
        return {name: s["x-params"] for name, s in self.defs.items() if "x-params" in s}

    def params_module(self) -> str:
        request = self.defs["CompletionRequest"]
        calls = self.call_params()
        roots = ["CompletionRequest", *calls]
        extra_inputs = [name for name, s in self.defs.items() if "x-input" in s]
        nested = [n for n in self.reachable([*roots, *extra_inputs]) if n not in roots]
        body: list[str] = []
        defined: set[str] = set()
        for name in nested:
            text = self.doc(self.defs[name], name)
            doc = f"{text} The dict form of ``{name}``."
            props, required = self.merged(name)  # a subclass's dict has its base's keys too
            schema = {"properties": props, "required": sorted(required)}
            body.extend(
                self.typed_dict_source(f"{name}Param", schema, doc, defined=frozenset(defined))
            )
            defined.add(f"{name}Param")
        body.extend(
            self.typed_dict_source(
                "RunToolsParams",
                request,
                "The keyword arguments of ``run_tools()``: those of ``complete()`` but ``tools``.",
                skip=("stream", "tools"),
            )
        )
        body.extend(
            self.typed_dict_source(
                "CompletionParams",
                request,
                "The keyword arguments of ``complete()`` and ``stream()``: every documented "
                "chat parameter.",
                skip=("stream",),
            )
        )
        for name, spec in calls.items():
            body.extend(
                self.typed_dict_source(
                    spec["name"],
                    self.defs[name],
                    spec["doc"],
                    tuple(spec.get("skip", ())),
                    keep_required=True,
                )
            )
        text = "\n".join(body)
        used = [n for n in sorted(self.defs) if re.search(rf"(?<!``)\b{n}\b(?!Param)", text)]
        enums = [n for n in used if is_enum(self.defs[n])]
        classes = [n for n in used if n not in enums]
        typing_names = [n for n in ("Any", "Literal", "Required") if re.search(rf"\b{n}\b", text)]
        out = [
            HEADER.format(doc="The calls' keyword arguments, typed: a TypedDict per object."),
            "from collections.abc import Mapping, Sequence",
        ]
        if re.search(r"\bDecimal\b", text):
            out.append("from decimal import Decimal")
        out.extend(
            [
                import_line("typing", [*typing_names, "TypedDict"]),
                "",
                import_line("openrouter_kit._generated.enums", enums),
                import_line("openrouter_kit._generated.models", classes),
                "",
                "",
                *body,
            ]
        )
        names = sorted(
            [
                "CompletionParams",
                "RunToolsParams",
                *(spec["name"] for spec in calls.values()),
                *(f"{n}Param" for n in nested),
            ]
        )
        out.append("__all__ = [")
        out.extend(f'    "{name}",' for name in names)
        out.append("]")
        return "\n".join(out) + "\n"

    def endpoints_module(self) -> str:
        out = [
            HEADER.format(doc="The endpoint table: one row per OpenRouter operation (data only)."),
            "#: (name, HTTP method, path, request body's model, response's model, stream event's",
            "#: model): the path is relative to the base URL, its ``{name}`` segments filled from",
            "#: path parameters; models are named (None: no request body, or no stream).",
            "#: ``openrouter_kit._core.wire.Endpoint`` reads these rows.",
            "ROWS: tuple[tuple[str, str, str, str | None, str, str | None], ...] = (",
        ]
        for name, row in self.endpoints.items():
            request, response, chunk = self.endpoint_types(row)
            values = (name, row["method"], row["path"], request, response, chunk)
            out.append(f"    ({', '.join(_literal(v) for v in values)}),")
        out.append(")")
        return "\n".join(out) + "\n"

    def endpoint_types(self, row: dict[str, Any]) -> tuple[str | None, str, str | None]:
        for key in ("request", "response", "chunk"):
            if row.get(key) and row[key] not in self.defs:
                raise SystemExit(f"endpoint type {row[key]!r} is not defined")
        return row.get("request"), row["response"], row.get("chunk")

    def files(self) -> dict[str, str]:
        init = HEADER.format(
            doc="Generated enums, wire models, endpoint table and call parameters."
        )
        return {
            "__init__.py": init,
            "enums.py": self.enums_module(),
            "models.py": self.models_module(),
            "endpoints.py": self.endpoints_module(),
            "params.py": self.params_module(),
        }


def _literal_of(values: list[Any]) -> str:
    """``Literal[...]`` of an enum's values."""
    return f"Literal[{', '.join(json.dumps(v) for v in values if v is not None)}]"


def _literal(name: str | None) -> str:
    """``name`` as a Python literal: a quoted string, or None."""
    return "None" if name is None else json.dumps(name)


def render(schemas: Path = SCHEMAS) -> dict[str, str]:
    """Every generated file's name and text."""
    return Generator(*load_schemas(schemas)).files()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write into")
    parser.add_argument("--check", action="store_true", help="fail if the files would change")
    args = parser.parse_args(argv)
    stale = []
    for name, text in render().items():
        target = args.out / name
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if stale:
        print("out of date (run python codegen/generate.py):", *stale, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
