"""Hand-written behaviour that generated wire models inherit (methods only, never fields).

Stdlib and attrs only: the generated module imports this one, so it must stay light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

if TYPE_CHECKING:
    from typing import Self

M = TypeVar("M")

__all__ = ["CompletionResponseMixin", "MessageMixin", "StreamChunkMixin", "WireModel"]


class WireModel:
    """Base of every generated model: a repr that shows only the fields that are set."""

    __slots__ = ()

    def __repr__(self) -> str:
        shown = []
        for a in attrs.fields(cast(Any, type(self))):
            value = getattr(self, a.name)
            default: Any = a.default
            if hasattr(default, "factory"):  # an attrs Factory: compare with what it makes
                default = default.factory()
            if a.default is attrs.NOTHING or value != default:
                shown.append(f"{a.name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


def _build(cls: type[M], **fields: Any) -> M:
    # The generated subclass defines the fields; this mixin only knows their names.
    return cast(Any, cls)(**fields)  # type: ignore[no-any-return]


class MessageMixin(WireModel):
    """Constructors for each role: ``Message.user("Hi")`` reads better than a dict."""

    __slots__ = ()

    @classmethod
    def system(cls, content: str, **fields: Any) -> Self:
        """A system message: instructions for the model."""
        return _build(cls, role="system", content=content, **fields)

    @classmethod
    def user(cls, content: Any, **fields: Any) -> Self:
        """A user message; ``content`` is a string or a list of content parts."""
        return _build(cls, role="user", content=content, **fields)

    @classmethod
    def assistant(cls, content: Any = None, **fields: Any) -> Self:
        """An assistant message (an earlier answer, or a prefill when it comes last)."""
        return _build(cls, role="assistant", content=content, **fields)

    @classmethod
    def tool(cls, tool_call_id: str, content: Any, **fields: Any) -> Self:
        """A tool result answering the tool call ``tool_call_id``."""
        return _build(cls, role="tool", tool_call_id=tool_call_id, content=content, **fields)


class CompletionResponseMixin(WireModel):
    """Shortcuts on a completion: ``response.text`` and ``response.cost``."""

    __slots__ = ()

    @property
    def text(self) -> str:
        """The first choice's text content ("" when there is none, e.g. only tool calls)."""
        choices = getattr(self, "choices", None)
        if not choices or choices[0].message is None:
            return ""
        content = choices[0].message.content
        if isinstance(content, str):
            return content
        if isinstance(content, list):
            return "".join(part.text or "" for part in content if part.type == "text")
        return ""

    @property
    def cost(self) -> float | None:
        """The USD cost: ``usage.cost`` as the server reported it, else the estimate from the
        model's prices (``cost_is_estimate`` says which), else None."""
        usage = getattr(self, "usage", None)
        reported = None if usage is None else usage.cost
        return cast("float | None", reported if reported is not None else self.estimated_cost)  # type: ignore[attr-defined]

    @property
    def cost_is_estimate(self) -> bool:
        """True when ``cost`` was computed from model prices because the server sent none."""
        usage = getattr(self, "usage", None)
        return (usage is None or usage.cost is None) and self.estimated_cost is not None  # type: ignore[attr-defined]


class StreamChunkMixin(WireModel):
    """Shortcuts on a stream chunk for the first choice: ``delta``, ``text``, ``finish_reason``.

    Chunks from a stream are built lazily: the decoded JSON is kept, and the typed fields are
    filled in on first access of any of them. ``text`` and ``finish_reason`` read the JSON
    directly, so a loop that only wants the text never pays for the typed objects.
    """

    __slots__ = ("_payload",)
    _payload: dict[str, Any]

    if not TYPE_CHECKING:  # keep mypy strict about attribute names

        def __getattr__(self, name: str) -> Any:
            # Only reached for a slot that is not set yet: the fields of a lazy chunk.
            if name == "_payload" or name.startswith("__"):
                raise AttributeError(name)
            try:
                payload = self._payload
            except AttributeError:
                raise AttributeError(name) from None
            from openrouter_kit._core.convert import converters
            from openrouter_kit._core.wire import redact
            from openrouter_kit.errors import InvalidResponseError

            try:
                full = converters().fast.structure(payload, type(self))
            except Exception as exc:  # any parse failure becomes our typed error
                raise InvalidResponseError(
                    f"stream chunk is not the documented shape ({type(exc).__name__}): "
                    f"{redact(repr(payload)[:200], None)}",
                    status_code=200,
                ) from None
            for a in attrs.fields(type(self)):
                try:
                    object.__getattribute__(self, a.name)
                except AttributeError:  # not set by the caller since: take the parsed value
                    object.__setattr__(self, a.name, getattr(full, a.name))
            del self._payload
            return object.__getattribute__(self, name)

    def _first_choice(self) -> Any:
        try:
            payload = self._payload
        except AttributeError:
            choices = getattr(self, "choices", None)
            return choices[0] if choices else None
        choices = payload.get("choices")
        return choices[0] if choices and isinstance(choices[0], dict) else None

    @property
    def delta(self) -> Any:
        """The first choice's delta (a ``StreamDelta``), or None (e.g. the final usage chunk)."""
        choices = getattr(self, "choices", None)
        return choices[0].delta if choices else None

    @property
    def text(self) -> str:
        """The text this chunk adds to the first choice ("" when it adds none)."""
        choice = self._first_choice()
        if isinstance(choice, dict):
            delta = choice.get("delta")
            content = delta.get("content") if isinstance(delta, dict) else None
            return content if isinstance(content, str) else ""
        delta = choice.delta if choice is not None else None
        return (delta.content or "") if delta is not None else ""

    @property
    def finish_reason(self) -> str | None:
        """Why the first choice stopped, on the chunk that says so; otherwise None."""
        choice = self._first_choice()
        if isinstance(choice, dict):
            reason = choice.get("finish_reason")
            return reason if isinstance(reason, str) else None
        return cast("str | None", choice.finish_reason) if choice is not None else None
