"""The cattrs converters: dicts in the OpenAI wire format <-> generated attrs models.

Owns every structure/unstructure hook, registered once per converter by factories:

- generated models keep unknown keys in ``extra`` (and send them back), never send ``None`` fields
  or client-side (``local``) fields, and accept an instance of themselves (or of a subclass, sent
  with all its fields: a ``WebPlugin`` where a ``Plugin`` is declared) as is, so messages may be
  ``Message`` objects or plain dicts; a model with an ``_adopt`` classmethod also takes what it
  adopts from the user (a ``Message`` takes a reply's ``ResponseMessage``), and a plain dict found
  where a model was declared (``ToolDefinition(function={...})``) is sent as it is;
- unions such as ``str | list[ContentPart] | None`` are resolved by the JSON kind of the value;
- money (``Decimal``) and prices (``Decimal`` or ``VARIABLE``) are read from JSON numbers and
  decimal strings (floats through their ``repr``) and sent as decimal strings; NaN, infinities and
  text that is not a number are errors, never a ``Decimal("NaN")``.

Two converters share these hooks: the *strict* one checks user input (exact scalar types, error
paths such as ``$.messages[2].role``); the *fast* one parses server responses on the hot path and
is liberal. Both are built on first use, never at import. Never knows: HTTP, sockets, clocks.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, cast

import attrs
import cattrs
from cattrs.cols import list_structure_factory
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from openrouter_kit._core.modelbase import LazyModel, WireModel, lazy
from openrouter_kit._core.money import VariablePrice, plain, to_money, to_price
from openrouter_kit._core.redact import redact
from openrouter_kit.errors import ValidationError

__all__ = [
    "Converters",
    "check_limits",
    "converters",
    "dumps",
    "fill",
    "structure_input",
]

T = TypeVar("T")
_NONE = type(None)


def _is_model(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, WireModel)


def _wire_name(a: attrs.Attribute[Any]) -> str:
    return str(a.metadata.get("wire", a.name))


def _skipped(a: attrs.Attribute[Any]) -> bool:
    return a.name == "extra" or bool(a.metadata.get("local"))


def _structure_model(cls: type[T], conv: cattrs.Converter) -> Callable[[Any, Any], T]:
    fields = attrs.fields(cast(Any, cls))
    overrides: dict[str, Any] = {
        a.name: override(omit=True) if _skipped(a) else override(rename=_wire_name(a))
        for a in fields
        if _skipped(a) or "wire" in a.metadata
    }
    base = make_dict_structure_fn(
        cls, conv, _cattrs_detailed_validation=conv.detailed_validation, **overrides
    )
    known = frozenset(_wire_name(a) for a in fields if not _skipped(a))
    adopt = getattr(cls, "_adopt", None)

    def structure(data: Any, _: Any) -> T:
        if type(data) is not dict:  # a dict is by far the most common: one cheap test for it
            if isinstance(data, cls):
                return data
            adopted = adopt(data) if adopt is not None else None
            if adopted is not None:
                return adopted  # type: ignore[no-any-return]
            if not isinstance(data, Mapping):
                raise TypeError(f"expected an object for {cls.__name__}, got {type(data).__name__}")
        obj = base(data, cls)
        if not known.issuperset(data):
            obj.extra = {k: v for k, v in data.items() if k not in known}  # type: ignore[attr-defined]
        return obj

    return structure


def _values_reader(
    cls: type, conv: cattrs.Converter
) -> Callable[[Mapping[str, Any]], tuple[dict[str, Any], dict[str, Any] | None]]:
    """A function giving, for a response dict, ``cls``'s field values by argument name and the
    unknown keys. It visits only the keys present and converts only what needs it: a scalar that
    already has its type is used as is, and nested hooks are looked up once."""
    #: wire key -> (argument name, hook, type, is a scalar type, None means "unset")
    table: dict[str, tuple[str, Callable[[Any, Any], Any], Any, bool, bool]] = {}
    for a in attrs.fields(cast(Any, cls)):
        if _skipped(a):
            continue
        member = a.type
        if _is_optional(a.type):
            member = next(m for m in typing.get_args(a.type) if m is not _NONE)
        # None from the server means "not sent": the default (or the factory's value) is kept.
        factory = isinstance(a.default, attrs.Factory)  # type: ignore[arg-type]
        unset_if_none = a.default is None or factory
        target = member if unset_if_none else a.type
        hook = conv.get_structure_hook(target)
        table[_wire_name(a)] = (a.alias, hook, target, target in _SCALARS, unset_if_none)

    def read(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
        values: dict[str, Any] = {}
        extra = None
        for key, value in data.items():
            entry = table.get(key)
            if entry is None:
                if extra is None:
                    extra = {}
                extra[key] = value
                continue
            alias, hook, target, scalar, unset_if_none = entry
            if value is None and unset_if_none:
                continue
            values[alias] = value if scalar and type(value) is target else hook(value, target)
        return values, extra

    return read


def _check_fast(cls: type) -> None:
    """Refuse a class the fast paths cannot build (an init=False field, a factory taking self):
    the generator makes none, and the fast hook and the lazy filler both rely on that."""
    for a in attrs.fields(cast(Any, cls)):
        if not a.init or (isinstance(a.default, attrs.Factory) and a.default.takes_self):  # type: ignore[arg-type]
            raise TypeError(  # pragma: no cover - a guard for the generator
                f"{cls.__name__} cannot be read by the response converter: field {a.name!r} "
                "is init=False or has a factory taking self"
            )


def _fast_model(cls: type[T], conv: cattrs.Converter) -> Callable[[Any, Any], T]:
    """The response converter's hook for a model: same results as ``_structure_model`` on valid
    data, several times faster on model lists."""
    _check_fast(cls)
    read = _values_reader(cls, conv)
    name = cls.__name__

    def structure(data: Any, _: Any) -> T:
        if type(data) is not dict:
            if isinstance(data, cls):
                return data
            if not isinstance(data, Mapping):
                raise TypeError(f"expected an object for {name}, got {type(data).__name__}")
        values, extra = read(data)
        obj = cls(**values)
        if extra is not None:
            obj.extra = extra  # type: ignore[attr-defined]
        return obj

    return structure


def _is_lazy(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, LazyModel)


def _lazy_model(cls: type[T], conv: cattrs.Converter) -> Callable[[Any, Any], T]:
    """Responses' lazy models: a dict is kept as is, and parsed when a field is first read."""
    eager = _fast_model(cls, conv)

    def structure(data: Any, _: Any) -> T:
        if type(data) is dict:
            return lazy(cls, data)
        return eager(data, cls)

    return structure


#: How to fill in each lazy model class, made on first use.
_FILLERS: dict[type, Callable[[Any, dict[str, Any]], None]] = {}
_REQUIRED = object()


def _filler(cls: type) -> Callable[[Any, dict[str, Any]], None]:
    _check_fast(cls)
    read = _values_reader(cls, converters().fast)
    plan: list[tuple[str, str, Any, bool]] = []
    for a in attrs.fields(cast(Any, cls)):
        default: Any = a.default
        if default is attrs.NOTHING:
            plan.append((a.name, a.alias, _REQUIRED, False))
        elif isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            plan.append((a.name, a.alias, default.factory, True))
        else:
            plan.append((a.name, a.alias, default, False))
    setter = object.__setattr__

    def fill(obj: Any, payload: dict[str, Any]) -> None:
        values, extra = read(payload)
        for name, alias, default, factory in plan:
            if alias in values:
                value = values[alias]
            elif name == "extra" and extra is not None:
                value = extra
            elif default is _REQUIRED:
                raise KeyError(f"missing required field {alias!r}")
            else:
                value = default() if factory else default
            setter(obj, name, value)

    return fill


#: Shortcuts for the usual payloads of some lazy classes: ``fast(obj, payload)`` fills ``obj``
#: and returns True, or returns False (having set nothing) for the general filler to do it.
_FAST_FILLERS: dict[type, Callable[[Any, dict[str, Any]], bool]] = {}


def add_fast_filler(cls: type, fast: Callable[[Any, dict[str, Any]], bool]) -> None:
    """Fill ``cls`` with ``fast`` first (see ``_FAST_FILLERS``); it must build exactly what
    the general filler builds for every payload it takes."""
    _FAST_FILLERS[cls] = fast


def fill(obj: Any, payload: dict[str, Any]) -> None:
    """Set every field of the lazy model ``obj`` from its response ``payload`` (what the
    response converter would have built, without building a second object)."""
    cls = type(obj)
    fast = _FAST_FILLERS.get(cls)
    if fast is not None and fast(obj, payload):
        return
    filler = _FILLERS.get(cls)
    if filler is None:
        filler = _FILLERS.setdefault(cls, _filler(cls))
    filler(obj, payload)


def _unstructure_model(cls: type[Any], conv: cattrs.Converter) -> Callable[[Any], dict[str, Any]]:
    overrides: dict[str, Any] = {}
    for a in attrs.fields(cls):
        if _skipped(a):
            overrides[a.name] = override(omit=True)
        else:
            # Unset optional fields are not sent at all, nor an empty model standing in for one
            # (a response's usage); required ones and real defaults always are.
            default: Any = a.default
            empty_model = isinstance(default, attrs.Factory) and _is_model(default.factory)  # type: ignore[arg-type]
            overrides[a.name] = override(
                rename=_wire_name(a) if "wire" in a.metadata else None,
                omit_if_default=default is None or empty_model,
            )
    base = make_dict_unstructure_fn(cls, conv, **overrides)
    adopt = getattr(cls, "_adopt", None)

    def unstructure(obj: Any) -> dict[str, Any]:
        if type(obj) is not cls:
            if isinstance(obj, cls):  # a subclass (a ``WebPlugin`` where a ``Plugin`` is declared)
                return conv.unstructure(obj, type(obj))  # type: ignore[no-any-return]
            adopted = adopt(obj) if adopt is not None else None  # not the declared type: as given
            if adopted is None:  # a plain dict (``ToolDefinition(function={...})``), ...
                return conv.unstructure(obj)  # type: ignore[no-any-return]
            obj = adopted
        data: dict[str, Any] = base(obj)
        for key, value in obj.extra.items():
            data.setdefault(key, value)
        return data

    return unstructure


def _kind_check(member: Any) -> tuple[type, ...]:
    """The Python types of the JSON values that belong to a union member."""
    origin = typing.get_origin(member) or member
    if member is float:
        return (int, float)
    if origin in (list, tuple):
        return (list, tuple)
    if origin in (dict, Mapping) or _is_model(member):
        return (Mapping, member) if _is_model(member) else (Mapping,)
    return (origin,) if isinstance(origin, type) else (object,)


def _is_multi_union(t: Any) -> bool:
    if typing.get_origin(t) not in (typing.Union, types.UnionType):
        return False
    return len([m for m in typing.get_args(t) if m is not _NONE]) > 1


def _structure_union(t: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    args = typing.get_args(t)
    optional = _NONE in args
    table = [(_kind_check(m), m, conv.get_structure_hook(m)) for m in args if m is not _NONE]
    names = " or ".join(getattr(m, "__name__", str(m)) for m in args if m is not _NONE)

    def structure(value: Any, _: Any) -> Any:
        if value is None and optional:
            return None
        is_bool = isinstance(value, bool)
        for kinds, member, hook in table:
            if isinstance(value, kinds) and (not is_bool or member is bool):
                return hook(value, member)
        raise TypeError(f"expected {names}, got {type(value).__name__}")

    return structure


class _InputError(TypeError):
    """A user value of the wrong type; its message is shown as is."""


def _shown(value: Any) -> str:
    return f"{type(value).__name__} {redact(repr(value)[:40], None)}"


def _is_list(t: Any) -> bool:
    return typing.get_origin(t) is list


#: Types whose JSON values need no conversion when they already have the type.
_SCALARS = (str, int, float, bool)


def _is_optional(t: Any) -> bool:
    if typing.get_origin(t) not in (typing.Union, types.UnionType):
        return False
    args = typing.get_args(t)
    return len(args) == 2 and _NONE in args


def _structure_optional(t: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """``X | None`` with X's hook looked up once (cattrs looks it up for every value).

    A response's optional field that defaults to None does not come here: ``_values_reader``
    leaves None unset and passes X's own hook (and a scalar that has its type is not converted).
    """
    (member,) = [m for m in typing.get_args(t) if m is not _NONE]
    hook = conv.get_structure_hook(member)

    def structure(value: Any, _: Any) -> Any:
        return None if value is None else hook(value, member)

    return structure


def _structure_list(t: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    base = list_structure_factory(t, conv)
    strict = conv.detailed_validation
    (item,) = typing.get_args(t) or (Any,)
    if item in _SCALARS and not strict:
        hook = conv.get_structure_hook(item)

        def scalars(value: Any, _: Any) -> Any:
            if type(value) is list:
                return [v if type(v) is item else hook(v, item) for v in value]
            return base(value if isinstance(value, list | tuple) else [value], t)

        return scalars

    def structure(value: Any, _: Any) -> Any:
        if isinstance(value, list | tuple):
            return base(value, t)
        if strict:  # a string would otherwise be split into characters
            raise _InputError(f"expected a list, got {_shown(value)}")
        return base([value], t)  # a server sending one item where it documents a list

    return structure


def _exact(kind: type, name: str) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        if isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool):
            return value
        raise _InputError(f"expected {name}, got {_shown(value)}")

    return structure


def _to_float(value: Any, _: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    raise _InputError(f"expected a finite number, got {_shown(value)}")


def _money(value: Any, _: Any) -> Decimal:
    return to_money(value)  # ValueError / TypeError: a response that is not the documented shape


class _GivenAsInt(Decimal):
    """A USD amount the caller gave as an int: sent as that int (a Decimal or a string is sent
    as an exact decimal string)."""

    __slots__ = ()


class _GivenAsFloat(Decimal):
    """A USD amount the caller gave as a float: sent as that float (read from its repr, the
    amount turns back into the same float)."""

    __slots__ = ()


def _money_input(value: Any, _: Any) -> Decimal:
    """A USD amount a caller gave: a Decimal, an int, a float or a decimal string."""
    try:
        amount = to_money(value)
    except (TypeError, ValueError):
        raise _InputError(
            f"expected a USD amount (a Decimal, int, float or decimal string), got {_shown(value)}"
        ) from None
    if isinstance(value, int):
        return _GivenAsInt(amount)
    return _GivenAsFloat(amount) if isinstance(value, float) else amount


def _send_money(amount: Any) -> Any:
    """Money as JSON: as the caller gave it (FACTS: the docs send numbers, the spec strings)."""
    kind = type(amount)
    if kind is _GivenAsInt:
        return int(amount)
    if kind is _GivenAsFloat:
        return float(amount)
    if isinstance(amount, Decimal):
        return plain(amount)  # exact, and no exponent: "0.0000001"
    return amount  # an int, float or string set on a model by hand: sent as it is


def _is_price(t: Any) -> bool:
    """``Price`` (``Decimal | VariablePrice``), optional or not."""
    if typing.get_origin(t) not in (typing.Union, types.UnionType):
        return False
    return {m for m in typing.get_args(t) if m is not _NONE} == {Decimal, VariablePrice}


def _structure_price(t: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    optional = _NONE in typing.get_args(t)

    def structure(value: Any, _: Any) -> Any:
        if type(value) is str:  # the wire's form, a model list has thousands: the short way
            try:
                amount = Decimal(value)
            except InvalidOperation:
                raise ValueError(f"not a price: {value[:40]!r}") from None
            if amount.is_finite() and not amount.is_signed() and amount.adjusted() <= 30:
                return amount
        elif value is None and optional:
            return None
        return to_price(value)  # negative (variable), NaN and infinities, other types

    return structure


def _send_price(value: VariablePrice) -> str:
    return "-1"  # the wire's variable price


def _format(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, _InputError):
        return str(exc)
    if isinstance(exc, TypeError) and str(exc).startswith("expected "):
        return redact(str(exc), None)
    return cattrs.v.format_exception(exc, type_)


@attrs.frozen
class Converters:
    """The strict converter (user input) and the fast one (server responses)."""

    strict: cattrs.Converter
    fast: cattrs.Converter


@functools.cache
def converters() -> Converters:
    """Return the process-wide converters, built on first use (hooks are generated lazily)."""
    fast = cattrs.Converter(detailed_validation=False)
    fast.register_structure_hook_factory(_is_list, _structure_list)
    fast.register_structure_hook_factory(_is_multi_union, _structure_union)
    fast.register_structure_hook_factory(_is_optional, _structure_optional)
    fast.register_structure_hook_factory(_is_model, _fast_model)
    fast.register_structure_hook_factory(_is_lazy, _lazy_model)
    fast.register_structure_hook(Decimal, _money)
    fast.register_structure_hook_factory(_is_price, _structure_price)
    fast.register_unstructure_hook_factory(_is_model, _unstructure_model)
    fast.register_unstructure_hook(Decimal, _send_money)
    fast.register_unstructure_hook(VariablePrice, _send_price)
    strict = fast.copy(detailed_validation=True)
    strict.register_structure_hook_factory(_is_model, _structure_model)  # names the bad field
    strict.register_structure_hook(str, _exact(str, "a string"))
    strict.register_structure_hook(int, _exact(int, "an integer"))
    strict.register_structure_hook(bool, _exact(bool, "true or false"))
    strict.register_structure_hook(float, _to_float)
    strict.register_structure_hook(Decimal, _money_input)
    return Converters(strict=strict, fast=fast)


def _messages_of(exc: cattrs.BaseValidationError) -> list[tuple[str, str]]:
    """(path, message) pairs from a cattrs exception, in the order the fields were checked."""
    found = []
    for line in cattrs.transform_error(exc, path="$", format_exception=_format):
        text, _, path = redact(line, None).rpartition(" @ ")
        found.append((path or "$", text or line))
    return found


def structure_input(data: Any, cls: type[T]) -> T:
    """Return ``data`` (a dict or an instance) as a ``cls``; raise ValidationError naming the field.

    Raises:
        ValidationError: a field has the wrong type, a required field is missing, or a value is out
            of its documented range (the message names the field as ``$.path``).
    """
    problems: list[tuple[str, str]] = []
    try:
        obj = converters().strict.structure(data, cls)
        check_limits(obj)
    except ValidationError:
        raise
    except cattrs.BaseValidationError as exc:
        problems = _messages_of(exc)
    except (TypeError, ValueError, KeyError) as exc:
        problems = [("$", redact(str(exc), None))]
    if problems:
        # Raised outside the except block: the cattrs error (which holds the bad values) is not
        # chained to ours, so nothing the user passed by mistake (a key, say) travels with it.
        text = "; ".join(f"{path}: {message}" for path, message in problems[:5])
        raise ValidationError(f"invalid {cls.__name__}: {text}", path=problems[0][0])
    return obj


_LIMITS: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "minimum": (lambda v, lim: v >= lim, "at least"),
    "maximum": (lambda v, lim: v <= lim, "at most"),
    "exclusiveMinimum": (lambda v, lim: v > lim, "greater than"),
    "exclusiveMaximum": (lambda v, lim: v < lim, "less than"),
    "minItems": (lambda v, lim: len(v) >= lim, "at least"),
    "maxItems": (lambda v, lim: len(v) <= lim, "at most"),
    "maxLength": (lambda v, lim: len(v) <= lim, "at most"),
    "pattern": (lambda v, lim: lim[0].fullmatch(v) is not None, "like"),
}
#: What each limit applies to: numbers, lists (their length) or strings (their length, their
#: pattern). A limit on a list or dict of such values applies to each item or value.
_LIMITED: dict[str, type | tuple[type, ...]] = {
    "minimum": (int, float, Decimal),
    "maximum": (int, float, Decimal),
    "exclusiveMinimum": (int, float, Decimal),
    "exclusiveMaximum": (int, float, Decimal),
    "minItems": list,
    "maxItems": list,
    "maxLength": str,
    "pattern": str,
}


@functools.cache
def _limit_plan(
    cls: Any,
) -> tuple[tuple[str, str, list[tuple[str, Any]], tuple[Any, ...] | None], ...]:
    """For ``cls``: the fields that have limits, documented values or may hold models, with
    their wire names, limits and values (computed once per class)."""
    plan = []
    for a in attrs.fields(cls):
        limits = [(key, a.metadata[key]) for key in _LIMITS if key in a.metadata]
        limits = [
            (
                key,
                (re.compile(limit), a.metadata.get("pattern_means")) if key == "pattern" else limit,
            )
            for key, limit in limits
        ]
        allowed = tuple(a.metadata["enum"]) if "enum" in a.metadata else None
        nested = any(_is_model(t) or t is Any for t in _types_in(a.type))
        if limits or allowed or nested:
            plan.append((a.name, _wire_name(a), limits, allowed))
    return tuple(plan)


def _check_values(value: Any, allowed: tuple[Any, ...], here: str) -> None:
    """Raise ValidationError when a string (or a list's string) is not one of ``allowed``."""
    if isinstance(value, str):
        if value in allowed:
            return
        bad, at = value, here
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str) and item not in allowed:
                bad, at = item, f"{here}[{i}]"
                break
        else:
            return
    else:
        return  # an object in a union (a ToolChoice for tool_choice): checked on its own
    shown = ", ".join(str(v) for v in allowed)
    raise ValidationError(
        f"{at}: {redact(repr(bad)[:60], None)} is not one of {shown} "
        "(send a value this version does not know with extra_body={...})",
        path=at,
    )


def _types_in(t: Any) -> list[Any]:
    """``t`` and every type nested in it (union members, list items, ...)."""
    found = [t]
    for arg in typing.get_args(t):
        found.extend(_types_in(arg))
    return found


def check_limits(obj: Any, path: str = "$") -> None:
    """Raise ValidationError for the first value outside its documented range or values, naming
    its path (a value this version does not know can still be sent with ``extra_body``)."""
    for name, wire, limits, allowed in _limit_plan(cast(Any, type(obj))):
        value = getattr(obj, name)
        if value is None:
            continue
        here = f"{path}.{wire}"
        for key, limit in limits:
            if not (isinstance(value, _LIMITED[key]) and _LIMITS[key][0](value, limit)):
                _check_limit(key, limit, value, here)  # broken, or a list's or dict's items
        if allowed is not None:
            _check_values(value, allowed, here)
        if _is_model(type(value)):
            check_limits(value, here)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if _is_model(type(item)):
                    check_limits(item, f"{here}[{i}]")


def _check_limit(key: str, limit: Any, value: Any, here: str) -> None:
    """Raise ValidationError when ``value`` (or an item of a list, a value of a dict, of the kind
    the limit applies to) breaks the limit ``key``."""
    kinds = _LIMITED[key]
    if isinstance(value, kinds):
        items: Any = (("", value),)
    elif isinstance(value, list):
        items = ((f"[{i}]", item) for i, item in enumerate(value))
    elif isinstance(value, dict):
        items = ((f"[{redact(repr(k)[:40], None)}]", item) for k, item in value.items())
    else:
        return
    ok, words = _LIMITS[key]
    for where, item in items:
        if not isinstance(item, kinds) or ok(item, limit):
            continue
        at = here + where
        if key == "pattern":
            text = f"{at} must be {limit[1]}, got {redact(repr(item)[:60], None)}"
        elif isinstance(item, list):
            text = f"{at} must have {words} {limit} item(s), got {len(item)}"
        elif isinstance(item, str):
            text = f"{at} must have {words} {limit} characters, got {len(item)}"
        else:
            text = f"{at} must be {words} {limit}, got {_number(item)}"
        raise ValidationError(text, path=at)


def _number(value: Any) -> str:
    """A number for a message: a huge integer is described, not written out (``str`` refuses
    more than 4300 digits)."""
    if isinstance(value, int) and value.bit_length() > 128:
        digits = str(len(str(abs(value)))) if value.bit_length() < 14_000 else "many"
        return f"an integer of {digits} digits"
    return str(value)


def dumps(obj: Any, extra: Mapping[str, Any] | None = None) -> bytes:
    """Return the compact UTF-8 JSON body for a model (unset fields left out), with the keys of
    ``extra`` set over its top level as they are.

    Raises:
        ValidationError: a value cannot be sent as JSON (NaN, infinity, an arbitrary object,
            nesting too deep for Python); ``path`` names where, e.g. ``$.messages[0].content``.
    """
    data: Any = None
    try:
        data = converters().fast.unstructure(obj)
        if extra:
            data.update(extra)
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    except (TypeError, ValueError, RecursionError) as exc:
        problem = _json_problem(exc)
    # outside the except block: the error, which may hold the value, is not chained to ours
    path = _culprit(obj if data is None else data, "$")
    raise ValidationError(f"{path}: {problem}", path=path)


def _json_problem(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply to be sent as JSON"
    return f"cannot be sent as JSON: {redact(str(exc), None)}"


def _fails(value: Any) -> bool:
    try:
        json.dumps(converters().fast.unstructure(value), allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return True
    return False


def _culprit(data: Any, path: str, depth: int = 3) -> str:
    """The path of the value in ``data`` (a model, dict or list) that cannot be sent as JSON, up
    to ``depth`` levels down (a value nested too deeply is named near where it starts)."""
    if depth == 0:
        return path
    if attrs.has(type(data)):
        fields = (
            (f".{_wire_name(a)}", getattr(data, a.name))
            for a in attrs.fields(type(data))
            if a.name != "extra"
        )
        items: Any = itertools.chain(fields, _keys(getattr(data, "extra", None) or {}))
    elif isinstance(data, Mapping):
        items = _keys(data)
    elif isinstance(data, list | tuple):
        items = ((f"[{i}]", v) for i, v in enumerate(data))
    else:
        return path
    for where, value in items:
        if value is not None and _fails(value):
            return _culprit(value, redact(path + where, None)[:200], depth - 1)
    return path


def _keys(data: Mapping[Any, Any]) -> Any:
    """(path step, value) for each item of a dict."""
    return (
        (f".{k}" if isinstance(k, str) and k.isidentifier() else f"[{k!r}]", v)
        for k, v in data.items()
    )
