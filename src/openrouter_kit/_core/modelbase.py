"""The base classes of every generated wire model, and the one way to make a lazy one.

Owns: ``WireModel`` (a repr showing only the fields that are set), ``LazyModel`` (decoded JSON
kept, typed fields filled in on first read), ``lazy(cls, payload)``, the table of generated
classes by name (``generated(name)``), through which hand-written methods reach a sibling class
without importing the module that imports them, and the error for a payload that does not fit its
model (``shape_error``). Never knows: which classes exist, HTTP, clocks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

from openrouter_kit._core.redact import Secret, redact
from openrouter_kit.errors import InvalidResponseError

__all__ = ["SHAPE_ERRORS", "LazyModel", "WireModel", "generated", "lazy", "shape_error"]

M = TypeVar("M")

#: What reading a payload into a model raises when the payload is not the documented shape
#: (cattrs, our hooks, a field of the wrong type).
SHAPE_ERRORS = (TypeError, ValueError, KeyError, AttributeError, OverflowError)

#: The module whose classes ``generated`` finds.
_GENERATED_MODULE = "openrouter_kit._generated.models"
#: The generated model classes by name, filled in as their module defines them.
_GENERATED: dict[str, type] = {}


def generated(name: str) -> type:
    """The generated model class called ``name``.

    For methods of generated classes (``openrouter_kit._model_methods``), which are the bases of
    those classes and so cannot import them: when such a method runs, the generated module has
    run to its end, and every class is here.
    """
    return _GENERATED[name]


def shape_error(
    subject: str,
    exc: BaseException,
    shown: str,
    api_key: Secret,
    *,
    status_code: int = 200,
    request_id: str | None = None,
) -> InvalidResponseError:
    """The error for ``subject`` (what a response carried) not fitting its documented shape:
    the name of the Python error ``exc``, then ``shown`` (what came, its first 200 characters,
    keys masked). Raise it ``from None``: ``exc`` may hold the server's data."""
    return InvalidResponseError(
        f"{subject} ({type(exc).__name__}): {redact(shown[:200], api_key)}",
        status_code=status_code,
        request_id=request_id,
    )


class WireModel:
    """Base of every generated model: a repr that shows only the fields that are set (and a
    secret field, such as a new API key, as ``'***'``)."""

    __slots__ = ()

    @classmethod
    def __attrs_init_subclass__(cls) -> None:
        # attrs calls this once per class it builds (the slotted class, not the draft before it).
        if cls.__module__ == _GENERATED_MODULE:
            _GENERATED[cls.__name__] = cls

    def __repr__(self) -> str:
        shown = []
        for a in attrs.fields(cast(Any, type(self))):
            value = getattr(self, a.name)
            default: Any = a.default
            if hasattr(default, "factory"):  # an attrs Factory: compare with what it makes
                default = default.factory()
            if a.metadata.get("secret") and value is not None:
                shown.append(f"{a.name}='***'")  # a new API key: never shown
            elif a.default is attrs.NOTHING or value != default:
                shown.append(f"{a.name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


#: How error messages name a lazy model.
_LAZY_NAMES = {"StreamChunk": "stream chunk", "ModelInfo": "model"}


class LazyModel(WireModel):
    """A model built from decoded JSON on first use: the JSON is kept, and the typed fields are
    filled in when any of them is first read (equality, repr and ``attrs`` helpers read them too).

    Used where many objects arrive and few of their fields are read: stream chunks and the model
    list. A payload that does not fit raises ``InvalidResponseError`` at that first read. Made
    with ``lazy(cls, payload)``.
    """

    __slots__ = ("_payload",)
    _payload: dict[str, Any]

    def _fill_in(self, payload: dict[str, Any]) -> None:
        fill = _FILL[0] if _FILL else _fill_function()
        try:
            fill(self, payload)
        except Exception as exc:  # any parse failure becomes our typed error
            name = _LAZY_NAMES.get(type(self).__name__, type(self).__name__)
            raise shape_error(
                f"{name} is not the documented shape", exc, repr(payload), None
            ) from None
        object.__delattr__(self, "_payload")

    if not TYPE_CHECKING:  # keep mypy strict about attribute names

        def __getattr__(self, name: str) -> Any:
            # Only reached for a slot that is not set yet: the fields of a lazy object.
            if name == "_payload" or name.startswith("__"):
                raise AttributeError(name)
            try:
                payload = object.__getattribute__(self, "_payload")
            except AttributeError:
                raise AttributeError(name) from None
            self._fill_in(payload)
            return object.__getattribute__(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        # Assigning a field of a lazy object fills it in first, so the assignment is kept.
        if name != "_payload":
            try:
                payload = object.__getattribute__(self, "_payload")
            except AttributeError:
                pass
            else:
                self._fill_in(payload)
        object.__setattr__(self, name, value)


#: ``convert.fill``, once looked up (an import statement per chunk costs about 0.6 µs).
_FILL: list[Callable[[Any, dict[str, Any]], None]] = []


def _fill_function() -> Callable[[Any, dict[str, Any]], None]:
    # The converter imports this module for its base classes, so it is imported here.
    from openrouter_kit._core.convert import fill  # noqa: PLC0415 - late: convert imports this

    _FILL.append(fill)
    return fill


_new = object.__new__
_set_payload = vars(LazyModel)["_payload"].__set__


def lazy(cls: type[M], payload: dict[str, Any]) -> M:
    """A ``cls`` (a ``LazyModel``) that keeps ``payload`` and is filled in from it on first read.

    Two C calls, no ``__init__``: this runs once per stream chunk and once per listed model.
    """
    obj = _new(cls)
    _set_payload(obj, payload)
    return obj
