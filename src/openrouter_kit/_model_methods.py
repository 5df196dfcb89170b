"""Hand-written methods of the generated wire models, in the base classes they inherit.

Owns: what a model does beyond holding fields: ``Message.user(...)`` and the other
constructors, ``reply.text``, ``.cost`` and ``.parse()``, a reply's ``to_message()``, the checks
that a usage object and a generation's stats hold counts and amounts (never negative),
``ToolDefinition.from_function``, ``call.arguments()``, ``ContentPart.image_file(...)`` and
the other parts, prices read like a dict, a chunk's ``text``. Never knows: fields (the generated
subclasses define them), HTTP. The generated module imports this one, so it never imports that
module: a sibling class (the ``Message`` a reply becomes) comes from ``_core.modelbase.generated``.
"""

from __future__ import annotations

import base64
import binascii
import os
import struct
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

import attrs

from openrouter_kit._core.accounting import generation_problem, usage_problem
from openrouter_kit._core.modelbase import LazyModel, WireModel, generated
from openrouter_kit._core.money import VariablePrice, to_price
from openrouter_kit._core.registry import capability_names
from openrouter_kit._core.structured import decode_arguments, format_result, parse_output
from openrouter_kit._media import audio_part, check_url, image_data_url, pdf_part, read_file

if TYPE_CHECKING:
    from typing import Self

    from openrouter_kit._core.money import Price
    from openrouter_kit._generated.models import Message

M = TypeVar("M")
D = TypeVar("D")

__all__ = [
    "CompletionResponseMixin",
    "ContentPartMixin",
    "EmbeddingResponseMixin",
    "GenerationStatsMixin",
    "MessageMixin",
    "ModelInfoMixin",
    "PricingMixin",
    "RerankResponseMixin",
    "ResponseMessageMixin",
    "StopConditionMixin",
    "StreamChunkMixin",
    "TokenUsageMixin",
    "ToolCallMixin",
    "ToolDefinitionMixin",
]


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

    @classmethod
    def tool_result(cls, call: Any, result: Any) -> Self:
        """The tool message answering ``call`` (a ``ToolCall`` or its id) with ``result``:
        a string as it is, anything else as JSON."""
        call_id = call if isinstance(call, str) else call.id
        return _build(cls, role="tool", tool_call_id=call_id, content=format_result(result))

    @classmethod
    def _adopt(cls, value: Any) -> Self | None:
        """``value`` as a message when it is another kind of message (a reply's), else None:
        the converter calls this for objects that are neither a ``Message`` nor a dict."""
        if isinstance(value, ResponseMessageMixin):
            return cast("Self", value.to_message())
        return None


class ResponseMessageMixin(WireModel):
    """A reply's message goes back into the conversation: ``messages.append(reply.choices[0]
    .message)`` works as it is, and ``to_message()`` gives the ``Message`` that is sent."""

    __slots__ = ()

    def to_message(self) -> Message:
        """The assistant ``Message`` this reply becomes in a conversation, as the API takes it
        back: role, content, name, tool calls (ids, names and argument strings unchanged),
        refusal, reasoning and ``reasoning_details`` (unmodified, in order), images and audio.
        Response-only fields (``annotations``, unknown keys the server added) are left out."""
        tool_call, function_call = generated("ToolCall"), generated("FunctionCall")
        me: Any = self
        calls = None
        if me.tool_calls:
            calls = [
                tool_call(
                    id=call.id,
                    type=call.type,
                    function=None
                    if call.function is None
                    else function_call(name=call.function.name, arguments=call.function.arguments),
                )
                for call in me.tool_calls
            ]
        message: type[Message] = generated("Message")
        return message(
            role=me.role or "assistant",
            content=me.content,
            name=me.name,
            tool_calls=calls,
            refusal=me.refusal,
            reasoning=me.reasoning,
            reasoning_details=list(me.reasoning_details)
            if me.reasoning_details is not None
            else None,
            images=list(me.images) if me.images is not None else None,
            audio=me.audio,
        )


class TokenUsageMixin(WireModel):
    """A usage object holds counts and amounts: checked when it is made (parsed or built), so
    no NaN, infinite or negative cost and no negative token count reaches the session totals or
    the budget (a response carrying one is an ``InvalidResponseError``)."""

    __slots__ = ()

    def __attrs_post_init__(self) -> None:
        problem = usage_problem(self)
        if problem is not None:
            raise ValueError(problem)


class GenerationStatsMixin(WireModel):
    """A generation's stats hold counts and amounts: ``total_cost`` and ``usage`` (USD) and the
    token counts are checked when they are made, as a usage object's are."""

    __slots__ = ()

    def __attrs_post_init__(self) -> None:
        problem = generation_problem(self)
        if problem is not None:
            raise ValueError(problem)


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
    def citations(self) -> list[Any]:
        """The first choice's URL citations from web search (``UrlCitation``: ``url``,
        ``title``, ``content``, ``start_index``, ``end_index``); empty without any."""
        choices = getattr(self, "choices", None)
        if not choices or choices[0].message is None:
            return []
        found = choices[0].message.annotations or ()
        return [a.url_citation for a in found if a.url_citation is not None]

    @property
    def cost(self) -> Decimal | None:
        """The USD cost as a ``Decimal``: ``usage.cost`` as the server reported it, else the
        estimate from the model's prices (``cost_is_estimate`` says which), else None."""
        usage = getattr(self, "usage", None)
        reported = None if usage is None else usage.cost
        return cast("Decimal | None", reported if reported is not None else self.estimated_cost)  # type: ignore[attr-defined]

    def parse(self, target: Any) -> Any:
        """The answer's text parsed as ``target``: an instance of an attrs class, dataclass,
        TypedDict or pydantic model (validated by pydantic), or the decoded JSON for ``dict``,
        ``list`` or a JSON Schema dict.

        Raises:
            StructuredOutputError: the text is not JSON or does not fit (the message shows it,
                and pydantic's messages for a pydantic model).
        """
        return parse_output(self.text, target)

    @property
    def cost_is_estimate(self) -> bool:
        """True when ``cost`` was computed from model prices because the server sent none."""
        usage = getattr(self, "usage", None)
        return (usage is None or usage.cost is None) and self.estimated_cost is not None  # type: ignore[attr-defined]


class _CostedMixin(WireModel):
    """``response.cost`` and ``cost_is_estimate`` for the answers of embeddings and rerank."""

    __slots__ = ()

    @property
    def cost(self) -> Decimal | None:
        """The USD cost as a ``Decimal``: ``usage.cost`` as the server reported it, else the
        estimate from the model's prices (``cost_is_estimate`` says which), else None."""
        usage = getattr(self, "usage", None)
        reported = None if usage is None else usage.cost
        return cast("Decimal | None", reported if reported is not None else self.estimated_cost)  # type: ignore[attr-defined]

    @property
    def cost_is_estimate(self) -> bool:
        """True when ``cost`` was computed from model prices because the server sent none."""
        usage = getattr(self, "usage", None)
        return (usage is None or usage.cost is None) and self.estimated_cost is not None  # type: ignore[attr-defined]


class EmbeddingResponseMixin(_CostedMixin):
    """``response.vectors``: the vectors as lists of floats in input order, and the cost."""

    __slots__ = ()

    @property
    def vectors(self) -> list[list[float]]:
        """One list of floats per input, in the order of the inputs (by each item's ``index``),
        base64 answers (``encoding_format="base64"``: little-endian float32) decoded.

        Raises:
            ValueError: a base64 vector is not base64 of float32 values.
        """
        items = sorted(
            enumerate(getattr(self, "data", None) or ()),
            key=lambda pair: pair[0] if pair[1].index is None else pair[1].index,
        )
        return [decode_vector(item.embedding) for _, item in items]


def decode_vector(embedding: list[float] | str) -> list[float]:
    """A vector as floats: a list as it is, a base64 string of little-endian float32 decoded.

    Raises:
        ValueError: the string is not base64 of float32 values.
    """
    if not isinstance(embedding, str):
        return list(embedding)
    try:
        raw = base64.b64decode(embedding, validate=True)
    except binascii.Error:
        raise ValueError("an embedding is neither a list of floats nor base64") from None
    if len(raw) % 4:
        raise ValueError(f"a base64 embedding of {len(raw)} bytes is not float32 values")
    return list(struct.unpack(f"<{len(raw) // 4}f", raw))


class RerankResponseMixin(_CostedMixin):
    """``response.cost`` of a rerank answer (reported, else estimated)."""

    __slots__ = ()


class ModelInfoMixin(LazyModel):
    """``model.capabilities``: what a model can do, as the model registry derives it."""

    __slots__ = ()

    @property
    def capabilities(self) -> list[str]:
        """The model's capability names, in this order: ``chat``, ``completion``, ``code``,
        ``tools``, ``vision``, ``reasoning``, ``structured_outputs``, ``audio``,
        ``image_output``, ``free`` (the ones it has; ``client.models.list_models(capability=...)``
        filters by the same names)."""
        return capability_names(cast(Any, self))


#: For each pricing class: the names of its price fields (the others, such as ``discount``, are
#: not prices).
_PRICE_FIELDS: dict[type, tuple[str, ...]] = {}


def _price_fields(cls: type) -> tuple[str, ...]:
    names = _PRICE_FIELDS.get(cls)
    if names is None:
        names = tuple(
            a.name
            for a in attrs.fields(cast(Any, cls))
            if VariablePrice in getattr(a.type, "__args__", ())
        )
        _PRICE_FIELDS[cls] = names
    return names


class PricingMixin(WireModel):
    """Prices also read like a dict of prices, as in the seed: ``pricing.get("prompt", 0)``,
    ``pricing["completion"]``, ``"image" in pricing``, ``pricing.keys()``, ``pricing.items()``.

    The keys are the prices the server sent (unset ones are missing, as in its JSON), including
    kinds this version does not know yet; ``discount`` and ``overrides`` are attributes only.
    """

    __slots__ = ()

    def _prices(self) -> dict[str, Price]:
        found: dict[str, Price] = {}
        for name in _price_fields(type(self)):
            value = getattr(self, name)
            if value is not None:
                found[name] = value
        for key, value in cast(dict[str, Any], getattr(self, "extra", {})).items():
            try:  # a price kind added after this version: shown if it reads as a price
                found.setdefault(key, to_price(value))
            except (TypeError, ValueError):
                continue
        return found

    @overload
    def get(self, key: str) -> Price | None: ...

    @overload
    def get(self, key: str, default: D) -> Price | D: ...

    def get(self, key: str, default: Any = None) -> Any:
        """The price called ``key`` (a ``Decimal``, or ``VARIABLE``), or ``default`` when the
        server sent none."""
        return self._prices().get(key, default)

    def __getitem__(self, key: str) -> Price:
        """``pricing["prompt"]``: the price called ``key``; KeyError when the server sent none."""
        return self._prices()[key]

    def __contains__(self, key: object) -> bool:
        return key in self._prices()

    def __iter__(self) -> Iterator[str]:
        return iter(self._prices())

    def keys(self) -> list[str]:
        """The names of the prices the server sent (``prompt``, ``completion``, ...)."""
        return list(self._prices())

    def items(self) -> list[tuple[str, Price]]:
        """``(name, price)`` for every price the server sent."""
        return list(self._prices().items())


class StreamChunkMixin(LazyModel):
    """Shortcuts on a stream chunk for the first choice: ``delta``, ``text``, ``finish_reason``.

    Chunks from a stream are built lazily: the decoded JSON is kept, and the typed fields are
    filled in on first access of any of them. ``text`` and ``finish_reason`` read the JSON
    directly, so a loop that only wants the text never pays for the typed objects.
    """

    __slots__ = ()

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


class ToolCallMixin(WireModel):
    """Decoded arguments of a tool call: ``call.arguments()``."""

    __slots__ = ()

    def arguments(self) -> Any:
        """The call's arguments decoded from their JSON text ({} when there are none).

        Raises:
            ToolArgumentsError: the model sent arguments that are not valid JSON (the raw text
                is kept on the error as ``raw``).
        """
        return decode_arguments(self)


class ToolDefinitionMixin(WireModel):
    """``ToolDefinition.from_function(fn)``: a function tool from a Python function's signature."""

    __slots__ = ()

    @classmethod
    def from_function(cls, fn: Any, *, name: str | None = None, strict: bool | None = None) -> Self:
        """A function tool whose JSON schema comes from ``fn``'s type hints and docstring.

        Raises:
            ToolDefinitionError: a parameter's type hint cannot be expressed as JSON schema.
        """
        from openrouter_kit._core.schema import function_schema  # noqa: PLC0415 - lazy: slow import

        function = generated("FunctionDefinition")(**function_schema(fn, name=name, strict=strict))
        return _build(cls, type="function", function=function)


class StopConditionMixin(WireModel):
    """Constructors for the conditions of ``stop_server_tools_when``, each with the field it
    needs::

        stop_server_tools_when=[StopCondition.step_count_is(5), StopCondition.max_cost(0.5)]
    """

    __slots__ = ()

    @classmethod
    def step_count_is(cls, steps: int) -> Self:
        """Stop after ``steps`` steps of the server-tool loop."""
        return _build(cls, type="step_count_is", step_count=steps)

    @classmethod
    def has_tool_call(cls, tool_name: str) -> Self:
        """Stop once a tool named ``tool_name`` has been called."""
        return _build(cls, type="has_tool_call", tool_name=tool_name)

    @classmethod
    def max_tokens_used(cls, tokens: int) -> Self:
        """Stop once the loop has used more than ``tokens`` tokens."""
        return _build(cls, type="max_tokens_used", max_tokens=tokens)

    @classmethod
    def max_cost(cls, dollars: float) -> Self:
        """Stop once the loop has cost more than ``dollars`` US dollars."""
        return _build(cls, type="max_cost", max_cost_in_dollars=dollars)

    @classmethod
    def finish_reason_is(cls, reason: str) -> Self:
        """Stop when the model finishes with ``reason`` (such as ``"length"``)."""
        return _build(cls, type="finish_reason_is", reason=reason)


class ContentPartMixin(WireModel):
    """Constructors for message parts: text, images, PDF files and audio, as OpenRouter takes them.

    ::

        Message.user([ContentPart.of_text("What is in this picture?"),
                      ContentPart.image_file("photo.jpg")])
    """

    __slots__ = ()

    @classmethod
    def of_text(cls, text: str) -> Self:
        """A text part."""
        return _build(cls, type="text", text=text)

    @classmethod
    def image(cls, url: str, *, detail: str | None = None) -> Self:
        """An image given by an ``https://`` URL or a ``data:image/...;base64,`` URL."""
        image_url = generated("ImageUrl")(url=check_url(url), detail=detail)
        return _build(cls, type="image_url", image_url=image_url)

    @classmethod
    def image_bytes(
        cls, data: bytes, *, mime: str | None = None, detail: str | None = None
    ) -> Self:
        """An image from bytes, sent as a base64 data URL (the MIME type is sniffed if not given).

        Raises:
            ValidationError: not a PNG, JPEG, GIF or WebP image, or too large for a data URL.
        """
        return cls.image(image_data_url(data, mime), detail=detail)

    @classmethod
    def image_file(cls, path: str | os.PathLike[str], *, detail: str | None = None) -> Self:
        """An image from a local file, sent as a base64 data URL.

        Raises:
            ValidationError: the path cannot be read or is not a regular file once symlinks are
                resolved (a device, FIFO, socket or directory), or the image is not PNG, JPEG,
                GIF or WebP, or too large for a data URL.
        """
        return cls.image_bytes(read_file(path), detail=detail)

    @classmethod
    def pdf(cls, source: str | os.PathLike[str] | bytes, *, filename: str | None = None) -> Self:
        """A PDF: a local path or bytes (sent as a base64 data URL), or an ``https://`` URL.

        Raises:
            ValidationError: the bytes are not a PDF, or too large for a data URL; a path that
                cannot be read or is no regular file (as for ``image_file``).
        """
        file_data, name = pdf_part(source, filename)
        file = generated("FileInput")(filename=name, file_data=file_data)
        return _build(cls, type="file", file=file)

    @classmethod
    def audio(cls, source: str | os.PathLike[str] | bytes, *, format: str | None = None) -> Self:
        """Audio from a local path or bytes, sent as raw base64 (OpenRouter takes no audio URLs).

        ``format`` (wav, mp3, aiff, aac, ogg, flac, m4a, pcm16, pcm24) is taken from the file
        name or the bytes when not given.

        Raises:
            ValidationError: an unknown format, or audio too large to send inline; a path that
                cannot be read or is no regular file (as for ``image_file``).
        """
        data, fmt = audio_part(source, format)
        input_audio = generated("InputAudio")(data=data, format=fmt)
        return _build(cls, type="input_audio", input_audio=input_audio)
