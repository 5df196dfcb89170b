"""The YAML settings file behind ``Client.from_settings``: its ``llm:`` section as client arguments.

Owns: reading the file (PyYAML's safe loader, taught to refuse a key written twice and to keep the
line of each key), ``${ENV}`` interpolation, reading YAML and variable text as strings and numbers,
and errors that name the file, the line and the field. Never knows what the client accepts: each
value is judged by the check that owns it (``Config.from_env``: the key, the URL, the timeout, the
retries; the request schema through ``convert.structure_input``: temperature, max_tokens), and a
refusal comes back here labelled with the file and the line. PyYAML is imported on the first call.

Security rule: the API key is never echoed. Values of ``api_key`` are described by type only;
other bad values are shown shortened, with the key (and anything shaped like a key) masked by
``_core.redact``; and every error is raised outside ``except`` blocks or ``from None``, so no
chained exception (a YAML error quotes the offending line) carries the key into a traceback.
Nor is any ``${ENV}`` variable's value echoed: a value that came from variables is shown as it is
written (``'${DB_PASSWORD}'``), so a setting that reads the wrong variable leaks nothing. A literal
key in a file that other users can read or write is loaded with a ``UserWarning``.

Hostile files stay cheap: aliases are never expanded (PyYAML builds an aliased node once and
shares it, and the only walk over a value, ``_strings``, visits each list or mapping once), merges
are bounded (``_MAX_MERGED_KEYS``), and nesting too deep for Python is a ``ConfigurationError``.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import importlib.util
import math
import os
import re
import stat
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, NoReturn, cast

import attrs

from openrouter_kit._core.config import Config
from openrouter_kit._core.convert import structure_input
from openrouter_kit._core.ratelimit import RateLimit
from openrouter_kit._core.redact import redact
from openrouter_kit._generated.models import CompletionRequest
from openrouter_kit.errors import ConfigurationError

if TYPE_CHECKING:
    import yaml
    from yaml.nodes import MappingNode, Node

__all__ = ["load_settings"]

_SECTION = "llm"
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_SHOWN_CHARS = 40  # bad values are echoed up to this length
# Merges of merges grow a mapping exponentially where PyYAML repeats each merged key (releases
# before the fix of yaml/pyyaml#897): a mapping that << merges grow past this many keys is refused.
_MAX_MERGED_KEYS = 1_000
_INSTALL_HINT = "pip install 'openrouter-kit[yaml]'"
# ``${NAME}`` or ``${NAME:-default}``. A ``${`` that does not start one of these matches with
# ``name`` None, so it is reported instead of being sent on as literal text.
_REFERENCE = re.compile(r"\$\{(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\})?")
# Finds ``api_key:`` values in raw text, to mask them in YAML syntax errors (no nodes exist then).
_RAW_API_KEY = re.compile(r"""^[ \t]*["']?api_key["']?[ \t]*:[ \t]*(.*?)[ \t]*$""", re.MULTILINE)
_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_NULL_TEXT = frozenset({"~", "null", "none"})
# The variable the client falls back to for its key: its value is masked even if the file never
# names it. Words YAML reads as null or booleans are never secrets (masking "null" would confuse).
_KEY_VARIABLE = "OPENROUTER_API_KEY"
_NOT_SECRETS = frozenset({"null", "none", "true", "false", "yes", "no", "on", "off"})
_PROBE_MESSAGES = ({"role": "user", "content": "-"},)  # lets the schema judge one parameter alone
_HIDDEN = "(values of variables are not shown)"
#: Shorter values of variables are not searched for in a message (as in ``_core.redact``): they
#: would garble it, and protect nothing.
_MIN_HIDDEN_CHARS = 4
#: Permission bits that let other users (group or others) read or write a file.
_SHARED_MODE = stat.S_IRGRP | stat.S_IWGRP | stat.S_IROTH | stat.S_IWOTH


class _Invalid(Exception):
    """A reader refused a value: the field's ``expected`` says what it takes."""


class _Empty(Exception):
    """A string setting is empty or blank."""


class _Unreadable:
    """Stands in for a value PyYAML could not build (an unknown tag, a 5000-digit integer)."""

    __slots__ = ("problem",)

    def __init__(self, problem: str) -> None:
        self.problem = problem


# -- readers: a YAML value (or an interpolated string) as the client's type ----------------------


def _float(value: object) -> float:
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        try:
            number = float(value.strip() if isinstance(value, str) else value)
        except (ValueError, OverflowError):  # not a number, or an int too large for a float
            raise _Invalid from None
        if math.isfinite(number):
            return number
    raise _Invalid


def _int(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INT_TEXT.fullmatch(value.strip()):
        return int(value.strip())
    raise _Invalid


def _seconds(value: object) -> float | None:
    null = value is None or (isinstance(value, str) and value.strip().lower() in _NULL_TEXT)
    return None if null else _float(value)


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise _Invalid
    if not value.strip():
        raise _Empty
    return value


def _provider(value: object) -> None:
    if not isinstance(value, str) or value.strip().lower() != "openrouter":
        raise _Invalid


def _bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise _Invalid


def _count_or_null(value: object) -> int | None:
    null = value is None or (isinstance(value, str) and value.strip().lower() in _NULL_TEXT)
    return None if null else _int(value)


#: How each key of ``rate_limit:`` is read (``RateLimit`` then judges the values).
_RATE_LIMIT_KEYS: dict[str, Callable[[object], Any]] = {
    "requests_per_minute": _count_or_null,
    "tokens_per_minute": _count_or_null,
    "per_model": _bool,
    "on_limit": _string,
    "max_wait": _float,
}


def _settings_mapping(value: object, keys: Mapping[str, Callable[[object], Any]]) -> dict[str, Any]:
    """A mapping setting's keys, each read by its reader.

    Raises:
        _Invalid: not a mapping, or a value its reader refuses.
        ConfigurationError: an unknown key (the known ones are named).
    """
    if not isinstance(value, dict):
        raise _Invalid
    unknown = sorted(str(key) for key in value if key not in keys)
    if unknown:
        raise ConfigurationError(
            f"unknown key {unknown[0]!r}; known keys: {', '.join(sorted(keys))}"
        )
    return {key: keys[key](item) for key, item in value.items()}


def _rate_limit(value: object) -> RateLimit:
    return RateLimit(**_settings_mapping(value, _RATE_LIMIT_KEYS))


def _store(value: object) -> Any:
    """A ``RedisStore`` from ``{url: redis://..., namespace: ...}`` (connected on first use)."""
    settings = _settings_mapping(value, {"url": _string, "namespace": _string})
    url = settings.get("url")
    if url is None:
        raise ConfigurationError("url is missing: give the Redis URL (redis://host:6379/0)")
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigurationError("url must start with redis://, rediss:// or unix://")
    # The package's lazy export, so that redis-py is imported only when a store is configured.
    package: Any = importlib.import_module("openrouter_kit")
    return package.RedisStore.from_url(url, namespace=settings.get("namespace", "default"))


def _refusal(into: str | None, name: str, value: object) -> str | None:
    """Why the client would refuse ``value`` for ``name``, in its owner's words, or None: the
    request schema judges request defaults, ``Config.from_env`` the client's keywords."""
    try:
        if into == "default_params":
            structure_input({"messages": _PROBE_MESSAGES, name: value}, CompletionRequest)
        elif into == "client":
            arguments: dict[str, Any] = {"api_key": "-", name: value}
            Config.from_env({}, **arguments)
            if name == "default_model":  # the request schema judges a model id
                structure_input({"messages": _PROBE_MESSAGES, "model": value}, CompletionRequest)
    except ValueError as exc:  # the owner's error, or str() of an int past 4300 digits
        return str(exc)
    return None


def _request_range(name: str, kind: str) -> str:
    """``kind`` with the request schema's limits for ``name``: "a number between 0 and 2"."""
    limits = attrs.fields_dict(CompletionRequest)[name].metadata
    low, high = limits.get("minimum"), limits.get("maximum")
    return f"{kind}, {low} or more" if high is None else f"{kind} between {low} and {high}"


class _Field(NamedTuple):
    """How one key of the ``llm:`` section is read, judged and passed on."""

    #: The value (interpolated, if a string) as the client's type; raises _Invalid or _Empty.
    read: Callable[[object], Any]
    #: What the key takes, for "expected ...": said when ``read`` refuses a value, and when the
    #: owner's check refuses a number (its words are Python's: None, int). A refused string gets
    #: the owner's own words instead (they say what is wrong with the text).
    expected: str
    #: "client": the ``Client`` keyword of the same name, judged by ``Config.from_env``;
    #: "built": that keyword too, built (and judged) by ``read`` (a mapping's object);
    #: "default_params": a default for every request, judged by the request schema; None: read,
    #: then dropped.
    into: Literal["client", "built", "default_params"] | None = "client"
    #: The value is the API key: described by type only, and masked wherever else it shows.
    secret: bool = False


_STRING = "a non-empty string"
_FIELDS: dict[str, _Field] = {
    "provider": _Field(_provider, "'openrouter' (the only supported provider)", None),
    "api_key": _Field(_string, _STRING, secret=True),
    "base_url": _Field(_string, _STRING),
    "default_model": _Field(_string, _STRING),
    "temperature": _Field(_float, _request_range("temperature", "a number"), "default_params"),
    "max_tokens": _Field(_int, _request_range("max_tokens", "a whole number"), "default_params"),
    "timeout": _Field(_seconds, "a number of seconds greater than 0, or null for no timeout"),
    "max_retries": _Field(_int, "a whole number, 0 or more"),
    "app_name": _Field(_string, _STRING),
    "app_url": _Field(_string, _STRING),
    "rate_limit": _Field(
        _rate_limit,
        "a mapping of requests_per_minute, tokens_per_minute, per_model, on_limit, max_wait",
        "built",
    ),
    "store": _Field(_store, "a mapping with url (redis://...) and namespace", "built", True),
}


def _kind(value: object) -> str:
    """A value described by its kind only: "a list", "an integer", "null", ..."""
    for types, kind in _KINDS:
        if isinstance(value, types):
            return kind
    return f"a {type(value).__name__} value"


_KINDS: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (type(None), "null"),
    (bool, "a boolean"),  # before int: a bool is an int
    (int, "an integer"),
    (float, "a number"),
    (str, "a string"),
    ((list, tuple), "a list"),
    (dict, "a mapping"),
)


def _strings(value: object, seen: set[int]) -> Iterator[str]:
    """Every string in ``value``, keys too; each list or mapping once (aliases repeat them)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list | tuple | set) and id(value) not in seen:
        seen.add(id(value))
        for item in [*value.keys(), *value.values()] if isinstance(value, dict) else value:
            yield from _strings(item, seen)


# -- the YAML loader -------------------------------------------------------------------------------


class _BadMapping(Exception):
    """A mapping the settings cannot use: a key twice, a key that is not a name, a merge bomb."""

    def __init__(self, problem: str, line: int, key: str | None = None) -> None:
        super().__init__(problem)
        self.line, self.key = line, key


class _Lines(NamedTuple):
    """Where one key of a mapping and its value start (1-based)."""

    key: int
    value: int


class _Mapping(dict[str, Any]):
    """A YAML mapping as the loader builds it, with the lines of each key and value, and the first
    thing wrong with it (only the ``llm:`` section is checked: a mapping is no setting's value)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, _Lines] = {}
        self.refused: _BadMapping | None = None

    def refuse(self, problem: str, line: int, key: str | None = None) -> None:
        self.refused = self.refused or _BadMapping(problem, line, key)


@functools.cache
def _loader() -> type[yaml.SafeLoader]:
    """PyYAML's safe loader (plain data only, unknown tags refused) whose mappings note a key
    written twice (PyYAML keeps the last one silently) and keep the lines of keys and values. A
    value PyYAML cannot build becomes an ``_Unreadable``, reported when its field is read."""
    import yaml  # noqa: PLC0415 - lazy: PyYAML is optional, and only settings files need it

    class Loader(yaml.SafeLoader):
        def flatten_mapping(self, node: MappingNode) -> None:
            written = len(node.value)
            super().flatten_mapping(node)
            if len(node.value) > max(written, _MAX_MERGED_KEYS):
                problem = f"a mapping has more than {_MAX_MERGED_KEYS} keys once merged"
                raise _BadMapping(problem, node.start_mark.line + 1)

        def construct_mapping(  # type: ignore[override]  # a _Mapping has names as keys
            self, node: MappingNode, deep: bool = False
        ) -> _Mapping:
            mapping, first = _Mapping(), dict[str, int]()
            for key_node, _ in node.value:
                line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    kind = "a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping"
                    mapping.refuse(f"keys must be names, got {kind}", line)
                elif key_node.tag != _MERGE_TAG:
                    key = str(key_node.value)
                    if key in first:
                        mapping.refuse(f"duplicate key (first at line {first[key]})", line, key)
                    first.setdefault(key, line)
            self.flatten_mapping(node)  # the merged keys come first, the ones written here last
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    key = str(key_node.value)
                    mapping.pop(key, None)  # a merged key is overridden by one written here
                    mapping[key] = self.value(value_node)
                    lines = _Lines(key_node.start_mark.line + 1, value_node.start_mark.line + 1)
                    mapping.lines[key] = lines
            return mapping

        def value(self, node: Node) -> Any:
            try:
                return self.construct_object(node, deep=True)
            except yaml.MarkedYAMLError as exc:
                return _Unreadable(exc.problem or "cannot read this value")
            except _BadMapping as exc:  # a merge bomb inside the value
                return _Unreadable(str(exc))
            except (ValueError, OverflowError):  # an integer past Python's 4300-digit limit
                return _Unreadable("cannot read this value")
            except RecursionError:
                return _Unreadable("nested too deeply")

    return Loader


# -- the reader: one per call; knows the file name and the strings it must never show -------------


class _Reader:
    __slots__ = ("environ", "name", "secrets")

    def __init__(self, name: str, environ: Mapping[str, str]) -> None:
        self.name, self.environ = name, environ
        self.secrets: set[str] = set()
        self.keep(environ.get(_KEY_VARIABLE, ""))

    def keep(self, secret: str) -> None:
        """Never show ``secret`` in a message."""
        if secret.lower() not in _NOT_SECRETS:
            self.secrets.add(secret)

    def fail(
        self, line: int | None, text: str, *, field: str | None = None, column: int | None = None
    ) -> NoReturn:
        where = f"{self.name}, line {line}" if line is not None else self.name
        where += f", column {column}" if column is not None else ""
        metadata: dict[str, Any] = {"file": self.name, "line": line}
        if field is not None:
            metadata["field"] = field
        raise ConfigurationError(f"{where}: {text}", metadata=metadata) from None

    def keep_written(self, text: str) -> None:
        """Never show what ``text`` writes out: all of it but its ``${...}`` references (a
        message may show ``${OPENROUTER_API_KEY}``, never a key written next to it)."""
        for piece in _REFERENCE.sub("\0", text).split("\0"):
            self.keep(piece)

    def mask(self, text: str) -> str:
        return redact(text, *sorted(self.secrets, key=len, reverse=True))  # longest first

    def cut(self, text: str) -> str:
        """``text`` masked, and shortened to ``_SHOWN_CHARS``."""
        text = self.mask(text)
        return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "..."

    def show(self, value: object, secret: bool = False) -> str:
        """``value`` as an error message may quote it (a secret: its kind only)."""
        if secret:
            return _kind(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return repr(self.cut(value))
        if isinstance(value, int) and value.bit_length() > 256:
            return "a very large integer"  # repr() refuses ints past 4300 digits
        return self.cut(repr(value)) if isinstance(value, int | float) else _kind(value)

    def read_text(self) -> str:
        try:
            return Path(self.name).read_bytes().decode("utf-8-sig")
        except FileNotFoundError:
            problem = f"settings file not found: {self.name}"
        except IsADirectoryError:
            problem = f"settings file {self.name} is a directory, not a file"
        except OSError as exc:
            problem = f"cannot read settings file {self.name}: {exc.strerror or type(exc).__name__}"
        except UnicodeDecodeError as exc:
            problem = f"{self.name}: not UTF-8 text (bad byte at offset {exc.start})"
        raise ConfigurationError(problem, metadata={"file": self.name}) from None

    def section(self, text: str) -> _Mapping:
        """The ``llm:`` section, built; the other sections are only parsed (they are the
        application's)."""
        import yaml  # noqa: PLC0415 - lazy: PyYAML is optional, and only settings files need it

        for match in _RAW_API_KEY.finditer(text):
            self.keep_written(match.group(1).split(" #", 1)[0].strip().strip("'\""))
        line: int | None = None
        column: int | None = None
        try:
            loader = _loader()(text)
            try:
                return self.llm(loader, loader.get_single_node())
            finally:
                loader.dispose()
        except _BadMapping as exc:
            line = exc.line
            problem = f"{_SECTION}.{self.cut(exc.key)}: {exc}" if exc.key else str(exc)
        except yaml.MarkedYAMLError as exc:
            # str(exc) quotes the offending line, which may hold the key: build the message here.
            mark = exc.problem_mark or exc.context_mark
            problem = f"invalid YAML: {exc.problem or exc.context or 'malformed document'}"
            if mark is not None:
                line, column = mark.line + 1, mark.column + 1
            if exc.problem and exc.context:
                at = f" at line {exc.context_mark.line + 1}" if exc.context_mark else ""
                problem += f" ({exc.context}{at})"
        except yaml.reader.ReaderError as exc:
            line = text.count("\n", 0, exc.position) + 1
            code = ord(exc.character) if isinstance(exc.character, str) else exc.character
            problem = f"invalid YAML: unacceptable character #x{code:04x}: {exc.reason}"
        except yaml.YAMLError as exc:  # any other YAMLError has no position; name the kind only
            problem = f"invalid YAML ({type(exc).__name__})"
        except RecursionError:  # PyYAML's parser and composer recurse once per level
            problem = "invalid YAML: lists or mappings nested too deeply"
        self.fail(line, self.mask(problem), column=column)

    def llm(self, loader: yaml.SafeLoader, root: Node | None) -> _Mapping:
        import yaml  # noqa: PLC0415 - lazy: PyYAML is optional, and only settings files need it

        if root is None:
            self.fail(None, f"the file is empty; expected an '{_SECTION}:' section")
        if not isinstance(root, yaml.MappingNode):
            got = self.kind(loader, root)
            where = f"'{_SECTION}:' section at the top level"
            self.fail(root.start_mark.line + 1, f"expected a mapping with an {where}, got {got}")
        written = [k for k, _ in root.value if k.tag == _STR_TAG and k.value == _SECTION]
        if len(written) > 1:  # the other top-level keys are the application's to check
            first = written[0].start_mark.line + 1
            where = f"{_SECTION}: duplicate key (first at line {first})"
            self.fail(written[1].start_mark.line + 1, where)
        loader.flatten_mapping(root)  # a << merge at the top level may bring the section
        sections = [v for k, v in root.value if k.tag == _STR_TAG and k.value == _SECTION]
        if not sections:
            keys = [str(k.value) for k, _ in root.value if isinstance(k, yaml.ScalarNode)]
            found = ", ".join(self.cut(key) for key in keys) or "none"
            close = difflib.get_close_matches(_SECTION, [k.lower() for k in keys], n=1, cutoff=0.5)
            hint = " (did you mean 'llm'? keys are case-sensitive)" if close else ""
            self.fail(None, f"no '{_SECTION}:' section at the top level{hint}; found keys: {found}")
        node = sections[-1]
        if not isinstance(node, yaml.MappingNode):
            kind = self.kind(loader, node)
            detail = "it is empty" if kind == "null" else f"got {kind}"
            expected = "expected a mapping of settings (api_key, default_model, ...)"
            self.fail(node.start_mark.line + 1, f"{_SECTION}: {expected}, {detail}", field=_SECTION)
        section = cast("_Mapping", loader.construct_mapping(node))
        if section.refused is not None:
            raise section.refused
        return section

    @staticmethod
    def kind(loader: yaml.SafeLoader, node: Node) -> str:
        try:
            return _kind(loader.construct_document(node))
        except Exception:  # an unknown tag, a value past Python's limits: nothing more to say
            return "a value"

    # -- values -----------------------------------------------------------------------------------

    def keep_api_key(self, value: object) -> None:
        """Remember every string under ``api_key`` (and what it interpolates to) before checks."""
        for text in _strings(value, set()):
            self.keep_written(text)
            self.keep(_REFERENCE.sub(self.fill, text))
            for match in _REFERENCE.finditer(text):
                self.keep(self.environ.get(match.group("name") or "", ""))

    def fill(self, match: re.Match[str]) -> str:
        """A reference's value: the variable's when set and not empty, else the default or ""."""
        name = match.group("name")
        return (self.environ.get(name) if name else None) or match.group("default") or ""

    def interpolate(self, text: str, field: str, line: int) -> tuple[str, list[str]]:
        """``text`` with ``${...}`` filled in, and the variable names it referenced (for a message
        to show instead of their values)."""
        references = list(_REFERENCE.finditer(text))
        if any(match.group("name") is None for match in references):
            malformed = "write ${NAME} or ${NAME:-default} (NAME: letters, digits, _)"
            self.fail(line, f"{field}: malformed ${{...}} reference; {malformed}", field=field)
        for match in references:
            name = match.group("name")
            if match.group("default") is None and name not in self.environ:
                unset = f"(set it, or give a default: ${{{name}:-...}})"
                problem = f"{field}: environment variable {name} is not set {unset}"
                self.fail(line, problem, field=field)
        return _REFERENCE.sub(self.fill, text), [m.group("name") for m in references]

    def convert(self, key: str, value: object, line: int) -> Any:
        spec, field = _FIELDS[key], f"{_SECTION}.{key}"
        if isinstance(value, _Unreadable):
            self.fail(line, f"{field}: {self.mask(value.problem)}", field=field)
        names: list[str] = []
        written = value
        if isinstance(value, str):
            value, names = self.interpolate(value, field, line)
        elif isinstance(value, dict):  # a mapping setting: its string values are interpolated
            value, names = self.interpolate_mapping(value, field, line)
        # A value from variables is shown as written: their values are never echoed (F17).
        shown = self.show(value, spec.secret)
        if names and not spec.secret:
            shown = f"{self.show(written)} {_HIDDEN}"
        try:
            result = spec.read(value)
        except _Empty:
            problem = f"{field} is empty" + (f" (is {' or '.join(names)} set?)" if names else "")
        except _Invalid:
            problem = f"{field}: expected {spec.expected}, got {shown}"
            if spec.read is _string and isinstance(value, bool | int | float):
                problem += " (quote it to make it a string)"
        except ConfigurationError as exc:  # a mapping's own check: its words, without secrets
            words = exc.message.removeprefix(f"{key}: ")
            problem = f"{field}: {self.mask(self.hide(words, names))}"
        else:
            if spec.into == "built":
                return result
            refusal = _refusal(spec.into, key, result)
            if refusal is None:
                return result
            if isinstance(result, str):
                problem = f"{field}: {self.mask(self.hide(refusal, names))}"
            else:
                problem = f"{field}: expected {spec.expected}, got {shown}"
        self.fail(line, problem, field=field)

    def interpolate_mapping(
        self, value: dict[str, Any], field: str, line: int
    ) -> tuple[dict[str, Any], list[str]]:
        """A mapping setting with ``${...}`` filled in its string values, and the variables."""
        filled: dict[str, Any] = {}
        names: list[str] = []
        for key, item in value.items():
            if isinstance(item, str):
                item, referenced = self.interpolate(item, f"{field}.{key}", line)
                names += referenced
            filled[key] = item
        return filled, names

    def hide(self, text: str, names: list[str]) -> str:
        """``text`` with the values of the variables ``names`` shown as ``${NAME}``."""
        values = {self.environ.get(name, ""): name for name in names}
        for value in sorted(values, key=len, reverse=True):  # longest first, as redact does
            if len(value) >= _MIN_HIDDEN_CHARS and value in text:
                text = text.replace(value, f"${{{values[value]}}}")
        return text

    def warn_if_shared(self, api_key: object) -> None:
        """Warn when ``api_key`` is written in the file (no ``${...}``) and other users can read
        or write the file (as ssh does for key files)."""
        if not isinstance(api_key, str) or _REFERENCE.search(api_key) or os.name == "nt":
            return
        try:
            mode = os.stat(self.name).st_mode
        except OSError:
            return
        if mode & _SHARED_MODE:
            warnings.warn(
                f"{self.name} holds an API key written out, and other users can read or write "
                f"the file (mode {stat.S_IMODE(mode):o}): write api_key: ${{OPENROUTER_API_KEY}} "
                f"and set the variable, or make the file private (chmod 600 {self.name})",
                UserWarning,
                stacklevel=4,
            )


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
          rate_limit:                               # -> rate_limit (RateLimit)
            requests_per_minute: 60                 #    the RateLimit fields, same names
            tokens_per_minute: 200000
            on_limit: wait                          #    wait | raise
          store:                                    # -> store (RedisStore.from_url(url,
            url: ${REDIS_URL}                       #    namespace=...): pip install
            namespace: team-a                       #    'openrouter-kit[redis]')

    Interpolation: in every string value of the section, ``${NAME}`` is replaced by the
    variable's value (an error if it is unset; set-but-empty gives ""), and ``${NAME:-default}``
    by the value, or by ``default`` when the variable is unset or empty (``${NAME:-}`` gives "").
    A string may hold several references. The default cannot contain ``}``; values are inserted
    as they are (never interpolated again); ``$$`` and ``$NAME`` are not special. Interpolation
    happens before conversion, so ``temperature: ${TEMPERATURE:-0.2}`` gives 0.2, and numeric
    settings also accept numbers written as strings. ``timeout`` accepts ``null``/``none``/``~``
    (from a variable too) for no timeout. Anchors, aliases and ``<<`` merges work; a key written
    twice is an error. Each value is checked as the client checks it (the key's characters, the
    URL's scheme, the request schema's ranges).

    The result holds the API key: do not log it. No error message, ``repr`` or exception chain
    raised from here contains the key.

    Args:
        path: The YAML settings file (UTF-8).
        environ: The variables for ``${...}``; defaults to ``os.environ``.

    Returns:
        A dict with any of ``api_key``, ``base_url``, ``default_model``, ``timeout``,
        ``max_retries``, ``app_name``, ``app_url``, ``rate_limit``, ``store`` and
        ``default_params`` (holding ``temperature`` and/or ``max_tokens``), ready for
        ``Client(**result)``.

    Raises:
        ConfigurationError: PyYAML is not installed; the file is missing, unreadable, not UTF-8 or
            malformed (line and column given); there is no ``llm:`` mapping; ``llm`` holds an
            unknown key (the closest known key is suggested) or a key twice; a variable has no
            value and no default; or a value has the wrong type, is out of range, is empty or is
            refused by the client. Messages name the file, the line and the field, e.g.
            ``settings.yaml, line 4: llm.temperature: expected a number between 0 and 2, got
            'hot'``.
    """
    name = os.fspath(path)
    if importlib.util.find_spec("yaml") is None:
        raise ConfigurationError(f"reading the settings file {name} needs PyYAML: {_INSTALL_HINT}")
    reader = _Reader(name, os.environ if environ is None else environ)
    section = reader.section(reader.read_text())
    reader.keep_api_key(section.get("api_key"))
    result: dict[str, Any] = {}
    for key, value in section.items():
        lines = section.lines[key]
        if key not in _FIELDS:
            field = f"{_SECTION}.{reader.cut(key)}"
            close = difflib.get_close_matches(key, _FIELDS, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            known = ", ".join(sorted(_FIELDS))
            reader.fail(lines.key, f"{field}: unknown key{hint}; known keys: {known}", field=field)
        converted = reader.convert(key, value, lines.value)
        if _FIELDS[key].into == "default_params":
            result.setdefault("default_params", {})[key] = converted
        elif _FIELDS[key].into in ("client", "built"):
            result[key] = converted
    reader.warn_if_shared(section.get("api_key"))
    return result
