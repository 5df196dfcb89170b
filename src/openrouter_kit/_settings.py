"""The YAML settings file behind ``Client.from_settings``: its ``llm:`` section as client arguments.

Owns: reading the file, ``${ENV}`` interpolation, and checking every value, with the file name, the
field and the line in each message. Never knows: HTTP or the client's own rules (the URL scheme is
checked by the client). PyYAML is imported on the first call, never at import time.

Security rule: the API key is never echoed. Values of ``api_key`` are described by type only;
other bad values are shown shortened, with the key (and anything shaped like an OpenRouter key)
masked; and every ``ConfigurationError`` here is raised outside ``except`` blocks or ``from None``,
so no chained exception (a YAML error quotes the offending line) carries the key into a traceback.
"""

from __future__ import annotations

import difflib
import math
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from openrouter_kit.errors import ConfigurationError

if TYPE_CHECKING:
    from yaml.nodes import MappingNode, Node

__all__ = ["load_settings"]

_SECTION = "llm"
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_SHOWN_CHARS = 40  # bad values are echoed up to this length
_MIN_SECRET_CHARS = 4  # shorter "keys" are not masked inside other text (it would garble it)
_MASK = "***"
_INSTALL_HINT = "pip install 'openrouter-kit[yaml]'"

# ``${NAME}`` or ``${NAME:-default}``. A ``${`` that does not start one of these matches with
# ``name`` None, so it is reported instead of being sent on as literal text.
_REFERENCE = re.compile(r"\$\{(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\})?")
# Anything shaped like an OpenRouter (or OpenAI-style) key is masked, wherever it appears.
_KEY_SHAPE = re.compile(r"sk-[A-Za-z0-9_-]{6,}")
# Finds ``api_key:`` values in raw text, to mask them in YAML syntax errors (no nodes exist then).
_RAW_API_KEY = re.compile(r"""^[ \t]*["']?api_key["']?[ \t]*:[ \t]*(.*?)[ \t]*$""", re.MULTILINE)
_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_NULL_TEXT = frozenset({"~", "null", "none"})
# The variable the client falls back to for its key: its value is masked even if the file never
# names it. Words YAML reads as null or booleans are never treated as secrets (masking "null" in
# every message would only confuse).
_KEY_VARIABLE = "OPENROUTER_API_KEY"
_NOT_SECRETS = frozenset({"null", "none", "true", "false", "yes", "no", "on", "off"})


class _Invalid(Exception):
    """A converter refused a value; ``expected`` completes "expected ..."."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


class _Empty(Exception):
    """A string setting is empty or blank."""


class _Collection:
    """Stands in for a list or mapping value: no converter accepts one, and it is never echoed."""

    __slots__ = ("kind",)

    def __init__(self, kind: str) -> None:
        self.kind = kind


# -- converters: a YAML value (or an interpolated string) -> the client's value, or _Invalid -------


def _parse_float(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if not isinstance(value, int | float | str):
        return None
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (ValueError, OverflowError):  # not a number, or an int too large for a float
        return None
    return number if math.isfinite(number) else None


def _parse_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT_TEXT.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise _Invalid("a non-empty string")
    if not value.strip():
        raise _Empty
    return value


def _provider(value: object) -> None:
    if not isinstance(value, str) or value.strip().lower() != "openrouter":
        raise _Invalid("'openrouter' (the only supported provider)")


def _temperature(value: object) -> float:
    number = _parse_float(value)
    if number is None or not 0 <= number <= 2:
        raise _Invalid("a number between 0 and 2")
    return number


def _max_tokens(value: object) -> int:
    number = _parse_int(value)
    if number is None or number < 1:
        raise _Invalid("a whole number, 1 or more")
    return number


def _max_retries(value: object) -> int:
    number = _parse_int(value)
    if number is None or number < 0:
        raise _Invalid("a whole number, 0 or more")
    return number


def _timeout(value: object) -> float | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in _NULL_TEXT):
        return None
    number = _parse_float(value)
    if number is None or number <= 0:
        raise _Invalid("a number of seconds greater than 0, or null for no timeout")
    return number


#: Every key the ``llm:`` section may hold: converter, and where the result goes ("" = dropped,
#: "default_params" = into that dict, else the client keyword of that name).
_FIELDS: dict[str, tuple[Callable[[object], Any], str]] = {
    "provider": (_provider, ""),
    "api_key": (_string, "api_key"),
    "base_url": (_string, "base_url"),
    "default_model": (_string, "default_model"),
    "temperature": (_temperature, "default_params"),
    "max_tokens": (_max_tokens, "default_params"),
    "timeout": (_timeout, "timeout"),
    "max_retries": (_max_retries, "max_retries"),
    "app_name": (_string, "app_name"),
    "app_url": (_string, "app_url"),
}
_SECRET_FIELDS = frozenset({"api_key"})


# -- the reader: one per call; knows the file name and the strings it must never show -------------


class _Reader:
    __slots__ = ("environ", "name", "secrets")

    def __init__(self, name: str, environ: Mapping[str, str]) -> None:
        self.name = name
        self.environ = environ
        self.secrets: set[str] = {environ.get(_KEY_VARIABLE, "")}

    def fail(self, node: Node | None, text: str, *, field: str | None = None) -> NoReturn:
        line = (
            node.start_mark.line + 1 if node is not None and node.start_mark is not None else None
        )
        where = f"{self.name}, line {line}" if line is not None else self.name
        metadata: dict[str, Any] = {"file": self.name, "line": line}
        if field is not None:
            metadata["field"] = field
        raise ConfigurationError(f"{where}: {text}", metadata=metadata) from None

    def mask(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            if len(secret) >= _MIN_SECRET_CHARS and secret.lower() not in _NOT_SECRETS:
                text = text.replace(secret, _MASK)
        return _KEY_SHAPE.sub(_MASK, text)

    def show(self, value: object) -> str:
        """``value`` as an error message may quote it: masked, then cut to ``_SHOWN_CHARS``."""
        if isinstance(value, _Collection):
            return value.kind
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return repr(self._cut(self.mask(value)))
        if isinstance(value, int) and value.bit_length() > 256:
            return "a very large integer"  # repr() refuses ints past 4300 digits
        if isinstance(value, int | float):
            return self._cut(self.mask(repr(value)))
        return f"a {type(value).__name__} value"

    @staticmethod
    def _cut(text: str) -> str:
        return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "..."

    # -- reading and parsing ----------------------------------------------------------------------

    def read_text(self) -> str:
        problem = None
        try:
            data = Path(self.name).read_bytes()
        except FileNotFoundError:
            problem = f"settings file not found: {self.name}"
        except IsADirectoryError:
            problem = f"settings file {self.name} is a directory, not a file"
        except OSError as exc:
            problem = f"cannot read settings file {self.name}: {exc.strerror or type(exc).__name__}"
        if problem is not None:
            raise ConfigurationError(problem, metadata={"file": self.name}) from None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            problem = f"{self.name}: not UTF-8 text (bad byte at offset {exc.start})"
        raise ConfigurationError(problem, metadata={"file": self.name}) from None

    def compose(self, text: str) -> Node | None:
        import yaml  # noqa: PLC0415 - lazy: PyYAML is optional, for from_settings only

        for match in _RAW_API_KEY.finditer(text):
            raw = match.group(1).split(" #", 1)[0].strip().strip("'\"")
            self.secrets.add(raw)
        problem: str | None = None
        line: int | None = None
        column: int | None = None
        try:
            return yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            # str(exc) quotes the offending line, which may hold the key: build the message here.
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or exc.context or "malformed document"
            if mark is not None:
                line, column = mark.line + 1, mark.column + 1
            problem = f"invalid YAML: {problem}"
            if exc.problem and exc.context:
                context_mark = exc.context_mark
                at = f" at line {context_mark.line + 1}" if context_mark is not None else ""
                problem += f" ({exc.context}{at})"
        except yaml.reader.ReaderError as exc:
            line = text.count("\n", 0, exc.position) + 1
            code = ord(exc.character) if isinstance(exc.character, str) else exc.character
            problem = f"invalid YAML: unacceptable character #x{code:04x}: {exc.reason}"
        except yaml.YAMLError as exc:  # any other YAMLError has no position; name the kind only
            problem = f"invalid YAML ({type(exc).__name__})"
        where = f"{self.name}, line {line}" if line is not None else self.name
        if column is not None:
            where += f", column {column}"
        raise ConfigurationError(
            f"{where}: {self.mask(problem)}", metadata={"file": self.name, "line": line}
        ) from None

    def entries(self, node: MappingNode, section: str) -> dict[str, tuple[Node, Node]]:
        """The mapping's ``key -> (key node, value node)``, merges (``<<``) applied, in file order.

        A key written twice is an error (PyYAML would silently keep the last one). At the top
        level only ``llm`` is checked: the other sections belong to the application.
        """
        import yaml  # noqa: PLC0415 - lazy: PyYAML is optional, for from_settings only

        seen: dict[str, Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG or (not section and not _is_section_key(key_node)):
                continue  # other top-level sections are not ours to check
            key = self._key(key_node, section)
            if key in seen:
                first = seen[key].start_mark.line + 1
                self.fail(
                    key_node,
                    f"{self.field_name(section, key)}: duplicate key (first at line {first})",
                )
            seen[key] = key_node
        problem: str | None = None
        try:
            yaml.constructor.SafeConstructor().flatten_mapping(node)
        except yaml.MarkedYAMLError as exc:
            problem = f"invalid merge (<<) in {section or 'the top level'}: {exc.problem}"
        if problem is not None:
            self.fail(node, problem)
        result: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            if not section and not isinstance(key_node, yaml.ScalarNode):
                continue
            key = self._key(key_node, section)
            result.pop(key, None)  # a merged key is overridden by the explicit one that follows
            result[key] = (key_node, value_node)
        return result

    def _key(self, key_node: Node, section: str) -> str:
        import yaml  # noqa: PLC0415 - lazy: PyYAML is optional, for from_settings only

        if not isinstance(key_node, yaml.ScalarNode):
            where = f"in '{section}'" if section else "at the top level"
            self.fail(key_node, f"keys {where} must be names, got {_node_kind(key_node)}")
        return str(key_node.value)

    def field_name(self, section: str, key: str) -> str:
        return f"{section}.{self._cut(self.mask(key))}" if section else self._cut(self.mask(key))

    # -- values -----------------------------------------------------------------------------------

    def value(self, node: Node, field: str, *, secret: bool) -> tuple[object, list[str]]:
        """The node's value with ``${...}`` filled in, and the variable names it referenced."""
        import yaml  # noqa: PLC0415 - lazy: PyYAML is optional, for from_settings only

        if isinstance(node, yaml.SequenceNode | yaml.MappingNode):
            return _Collection(_node_kind(node)), []
        if node.tag == _STR_TAG:
            return self.interpolate(node, field, secret=secret)
        problem: str | None = None
        try:
            return yaml.constructor.SafeConstructor().construct_object(node), []
        except yaml.MarkedYAMLError as exc:
            problem = exc.problem or "cannot read this value"
        except (ValueError, OverflowError):  # e.g. an integer past Python's 4300-digit limit
            problem = "cannot read this value"
        self.fail(node, f"{field}: {self.mask(problem)}", field=field)

    def interpolate(self, node: Node, field: str, *, secret: bool) -> tuple[str, list[str]]:
        names: list[str] = []
        problem: str | None = None

        def replace(match: re.Match[str]) -> str:
            nonlocal problem
            name = match.group("name")
            if name is None:
                problem = (
                    f"{field}: malformed ${{...}} reference; "
                    "write ${NAME} or ${NAME:-default} (NAME: letters, digits, _)"
                )
                return ""
            names.append(name)
            value = self.environ.get(name)
            if secret and value:
                self.secrets.add(value)
            default = match.group("default")
            if default is None:
                if value is None and problem is None:
                    problem = (
                        f"{field}: environment variable {name} is not set "
                        f"(set it, or give a default: ${{{name}:-...}})"
                    )
                return value or ""
            return value or default

        result = _REFERENCE.sub(replace, str(node.value))
        if problem is not None:
            self.fail(node, problem, field=field)
        return result, names

    def convert(self, key: str, node: Node) -> Any:
        field = f"{_SECTION}.{key}"
        secret = key in _SECRET_FIELDS
        value, names = self.value(node, field, secret=secret)
        convert, _ = _FIELDS[key]
        problem: str | None = None
        try:
            return convert(value)
        except _Empty:
            problem = f"{field} is empty"
            if names:
                problem += f" (is {' or '.join(names)} set?)"
        except _Invalid as exc:
            shown = _value_kind(value) if secret else self.show(value)
            problem = f"{field}: expected {exc.expected}, got {shown}"
            if convert is _string and isinstance(value, bool | int | float):
                problem += " (quote it to make it a string)"
        self.fail(node, problem, field=field)

    def collect_secrets(self, node: Node) -> None:
        """Remember every string under ``api_key`` (and what it interpolates to) before checks."""
        import yaml  # noqa: PLC0415 - lazy: PyYAML is optional, for from_settings only

        if isinstance(node, yaml.ScalarNode):
            text = str(node.value)
            self.secrets.add(text)
            for match in _REFERENCE.finditer(text):
                name = match.group("name")
                if name is not None and self.environ.get(name):
                    self.secrets.add(self.environ[name])
            self.secrets.add(_REFERENCE.sub(self._lenient, text))
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                self.collect_secrets(item)
        elif isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                self.collect_secrets(key_node)
                self.collect_secrets(value_node)

    def _lenient(self, match: re.Match[str]) -> str:
        name = match.group("name")
        return (self.environ.get(name) if name else None) or match.group("default") or ""


def _is_section_key(node: Node) -> bool:
    return node.tag == _STR_TAG and node.value == _SECTION


def _node_kind(node: Node) -> str:
    """What the node holds, for messages: "a list", "an integer", "null", ..."""
    import yaml  # noqa: PLC0415 - lazy: PyYAML is optional, for from_settings only

    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return _SCALAR_KINDS.get(node.tag, "a value")


_SCALAR_KINDS = {
    f"tag:yaml.org,2002:{tag}": kind
    for tag, kind in [
        ("null", "null"),
        ("bool", "a boolean"),
        ("int", "an integer"),
        ("float", "a number"),
        ("str", "a string"),
        ("timestamp", "a date"),
    ]
}


def _value_kind(value: object) -> str:
    """A value described by type only (for ``api_key``, whose value is never shown)."""
    if isinstance(value, _Collection):
        return value.kind
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return f"a {type(value).__name__} value"


def load_settings(
    path: str | os.PathLike[str], environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Return the Client keyword arguments the settings file describes.

    Only the ``llm:`` section is read; other top-level sections are left alone (and are not
    interpolated). Every key is optional, and only keys present in the file appear in the result::

        llm:
          provider: openrouter                      # optional; must be "openrouter" (any case)
          api_key: ${OPENROUTER_API_KEY}            # -> api_key (str)
          base_url: ${OPENROUTER_BASE_URL:-https://openrouter.ai/api/v1}   # -> base_url (str)
          default_model: anthropic/claude-3.5-sonnet                        # -> default_model (str)
          temperature: 0.7                          # -> default_params["temperature"] (float, 0–2)
          max_tokens: 4096                          # -> default_params["max_tokens"] (int, >= 1)
          timeout: 120                              # -> timeout (float > 0; null -> None)
          max_retries: 3                            # -> max_retries (int, >= 0)
          app_name: my-app                          # -> app_name (str)
          app_url: https://example.com              # -> app_url (str)

    Interpolation: in every string value of the section, ``${NAME}`` is replaced by the
    variable's value (an error if it is unset; set-but-empty gives ""), and ``${NAME:-default}``
    by the value, or by ``default`` when the variable is unset or empty (``${NAME:-}`` gives "").
    A string may hold several references. The default cannot contain ``}``; values are inserted
    as they are (never interpolated again); ``$$`` and ``$NAME`` are not special. Interpolation
    happens before conversion, so ``temperature: ${TEMPERATURE:-0.2}`` gives 0.2, and numeric
    settings also accept numbers written as strings. ``timeout`` accepts ``null``/``none``/``~``
    (from a variable too) for no timeout. Anchors, aliases and ``<<`` merges work; a key written
    twice is an error. The URL scheme is not checked here (the client checks it).

    The result holds the API key: do not log it. No error message, ``repr`` or exception chain
    raised from here contains the key.

    Args:
        path: The YAML settings file (UTF-8).
        environ: The variables for ``${...}``; defaults to ``os.environ``.

    Returns:
        A dict with any of ``api_key``, ``base_url``, ``default_model``, ``timeout``,
        ``max_retries``, ``app_name``, ``app_url`` and ``default_params`` (holding ``temperature``
        and/or ``max_tokens``), ready for ``Client(**result)``.

    Raises:
        ConfigurationError: PyYAML is not installed; the file is missing, unreadable or not
            UTF-8; the YAML is malformed (line and column given); there is no ``llm:`` mapping;
            ``llm`` holds an unknown key (the closest known key is suggested) or a key twice;
            ``provider`` is not ``openrouter``; a variable has no value and no default; or a
            value has the wrong type, is out of range or is empty. Messages name the file, the
            line and the field, e.g. ``settings.yaml, line 4: llm.temperature: expected a number
            between 0 and 2, got 'hot'``.
    """
    name = os.fspath(path)
    try:
        import yaml  # noqa: PLC0415 - lazy: PyYAML is optional, for from_settings only
    except ImportError:
        raise ConfigurationError(
            f"reading the settings file {name} needs PyYAML: {_INSTALL_HINT}"
        ) from None

    reader = _Reader(name, os.environ if environ is None else environ)
    root = reader.compose(reader.read_text())
    if root is None:
        reader.fail(None, f"the file is empty; expected an '{_SECTION}:' section")
    if not isinstance(root, yaml.MappingNode):
        reader.fail(
            root,
            f"expected a mapping with an '{_SECTION}:' section at the top level, "
            f"got {_node_kind(root)}",
        )
    top = reader.entries(root, "")
    if _SECTION not in top:
        found = ", ".join(reader.field_name("", key) for key in top) or "none"
        close = difflib.get_close_matches(_SECTION, [k.lower() for k in top], n=1, cutoff=0.5)
        hint = " (did you mean 'llm'? keys are case-sensitive)" if close else ""
        reader.fail(None, f"no '{_SECTION}:' section at the top level{hint}; found keys: {found}")
    section_node = top[_SECTION][1]
    if not isinstance(section_node, yaml.MappingNode):
        kind = _node_kind(section_node)
        detail = "it is empty" if kind == "null" else f"got {kind}"
        reader.fail(
            section_node,
            f"{_SECTION}: expected a mapping of settings (api_key, default_model, ...), {detail}",
            field=_SECTION,
        )
    entries = reader.entries(section_node, _SECTION)
    if "api_key" in entries:
        reader.collect_secrets(entries["api_key"][1])

    result: dict[str, Any] = {}
    for key, (key_node, value_node) in entries.items():
        if key not in _FIELDS:
            field = reader.field_name(_SECTION, key)
            close = difflib.get_close_matches(key, _FIELDS, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            known = ", ".join(sorted(_FIELDS))
            reader.fail(key_node, f"{field}: unknown key{hint}; known keys: {known}", field=field)
        value = reader.convert(key, value_node)
        target = _FIELDS[key][1]
        if target == "default_params":
            result.setdefault("default_params", {})[key] = value
        elif target:
            result[target] = value
    return result
