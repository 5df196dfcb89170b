"""Streamed completions: SSE bytes -> ``StreamChunk``s -> one accumulated ``CompletionResponse``.

Owns: ``[DONE]``, JSON decoding of events (a malformed event is a typed error showing the line),
errors inside a 200 stream (``StreamError`` after the chunks before it), the merge of deltas
(content, reasoning, reasoning details, tool calls by index, several choices, finish reasons,
usage and routing metadata from the last chunk), the rule that a stream which ends before
``[DONE]`` and before any finish reason is an error, not a silently shortened answer, and the
marking of an answer the server had not finished as ``partial``. Never knows: sockets, clocks.

Speed: this runs once per chunk. Deltas are merged from the decoded JSON, and the chunks handed
to the caller are lazy (typed fields are built on first access), so a stream costs little more
than ``json.loads`` per chunk.
"""

from __future__ import annotations

import json
import json.scanner
from collections.abc import Callable
from typing import Any

import attrs

from openrouter_kit._core import convert
from openrouter_kit._core.modelbase import SHAPE_ERRORS, lazy, shape_error
from openrouter_kit._core.redact import redact, redact_all, redact_model
from openrouter_kit._core.sse import MAX_EVENT_BYTES, ServerSentEvent, SSEDecoder
from openrouter_kit._generated.models import (
    Annotation,
    CompletionChoice,
    CompletionResponse,
    ErrorInfo,
    FunctionCall,
    ResponseMessage,
    StreamChoice,
    StreamChunk,
    StreamDelta,
    TokenUsage,
    ToolCall,
)
from openrouter_kit.errors import APIConnectionError, InvalidResponseError, StreamError

__all__ = ["StreamAssembler"]

_DONE = "[DONE]"
# The C scanner behind json.loads, called directly: json.loads adds two Python layers and a regex
# per call, which is a measurable share of a chunk's cost. A body with trailing data after the
# object falls back to json.loads, which raises the usual error.
_scan: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(
    json.JSONDecoder()  # type: ignore[arg-type]  # typeshed types the C scanner's argument oddly
)
_TOP_LEVEL = ("id", "created", "model", "provider", "system_fingerprint", "service_tier")
_JOINED_DETAIL_KEYS = ("text", "summary", "data")


def _known(cls: type) -> frozenset[str]:
    return frozenset(a.name for a in attrs.fields(cls) if a.name != "extra")


_CHUNK_KEYS = _known(StreamChunk)
# Chunks with keys outside these take the slower path in _merge: unknown keys, and the routing
# metadata of the last chunk (so the usual chunk pays nothing for it).
_PLAIN_CHUNK_KEYS = _CHUNK_KEYS - {"openrouter_metadata"}
_DELTA_KEYS = _known(StreamDelta)
_TOOL_CALL_KEYS = _known(ToolCall)


# -- the usual text chunk, filled in without the general converter ---------------------------------
#: A text chunk's top-level fields other than ``choices``, with their one type.
_TEXT_CHUNK_SCALARS: dict[str, type] = {
    "id": str,
    "object": str,
    "created": int,
    "model": str,
    "provider": str,
    "system_fingerprint": str,
    "service_tier": str,
}
_TEXT_CHOICE_KEYS = frozenset(
    {"index", "delta", "finish_reason", "native_finish_reason", "logprobs"}
)
_TEXT_DELTA_KEYS = frozenset({"role", "content"})
_UNSET_CHUNK_FIELDS = tuple(
    a.name for a in attrs.fields(StreamChunk) if a.name not in (*_TEXT_CHUNK_SCALARS, "choices")
)


def _setter(name: str) -> Callable[[Any, Any], None]:
    """The slot's own setter (a little cheaper than ``object.__setattr__`` by name)."""
    return vars(StreamChunk)[name].__set__  # type: ignore[no-any-return]


_SET_SCALARS = tuple((name, kind, _setter(name)) for name, kind in _TEXT_CHUNK_SCALARS.items())
_TEXT_CHUNK_KEYS = frozenset({*_TEXT_CHUNK_SCALARS, "choices"})
_SET_CHOICES = _setter("choices")
_SET_NONE = tuple(_setter(name) for name in _UNSET_CHUNK_FIELDS if name != "extra")
_SET_EXTRA = _setter("extra")


def _fill_text_chunk(chunk: Any, payload: dict[str, Any]) -> bool:
    """Fill in a lazy ``StreamChunk`` from the usual text chunk (known top-level fields of their
    type, choices with role and content deltas) in a few dict reads, building what the general
    filler builds; False for any other payload (usage, tool calls, reasoning, unknown keys, a
    value of another type), which the general filler, setting every field, then takes."""
    if not _TEXT_CHUNK_KEYS.issuperset(payload):
        return False
    listed = payload.get("choices", ())
    if type(listed) is not list and listed != ():
        return False
    choices: list[StreamChoice] = []
    for choice in listed:
        if type(choice) is not dict or not _TEXT_CHOICE_KEYS.issuperset(choice):
            return False
        get = choice.get
        index, delta = get("index", 0), get("delta")
        reason, native = get("finish_reason"), get("native_finish_reason")
        if type(index) is not int or get("logprobs") is not None:
            return False
        if (reason is not None and type(reason) is not str) or (
            native is not None and type(native) is not str
        ):
            return False
        if delta is not None:
            if type(delta) is not dict or not _TEXT_DELTA_KEYS.issuperset(delta):
                return False
            role, content = delta.get("role"), delta.get("content")
            if (role is not None and type(role) is not str) or (
                content is not None and type(content) is not str
            ):
                return False
            delta = StreamDelta(role=role, content=content)
        choices.append(
            StreamChoice(
                index=index, delta=delta, finish_reason=reason, native_finish_reason=native
            )
        )
    top = payload.get
    for name, kind, set_field in _SET_SCALARS:
        value = top(name)
        if value is not None and type(value) is not kind:
            return False
        set_field(chunk, value)
    _SET_CHOICES(chunk, choices)
    for set_field in _SET_NONE:
        set_field(chunk, None)
    _SET_EXTRA(chunk, {})
    return True


convert.add_fast_filler(StreamChunk, _fill_text_chunk)


class _ToolCallParts:
    __slots__ = ("arguments", "extra", "id", "name", "type")

    def __init__(self) -> None:
        self.id: str | None = None
        self.type: str | None = None
        self.name: str | None = None
        self.arguments: list[str] = []
        self.extra: dict[str, Any] = {}

    def add(self, call: dict[str, Any]) -> None:
        # id, type and name come from the first delta that carries them; arguments are joined.
        self.id = self.id or call.get("id")
        self.type = self.type or call.get("type")
        function = call.get("function")
        if isinstance(function, dict):
            self.name = self.name or function.get("name")
            arguments = function.get("arguments")
            if arguments:
                self.arguments.append(arguments)
        if not _TOOL_CALL_KEYS.issuperset(call):
            self.extra.update((k, v) for k, v in call.items() if k not in _TOOL_CALL_KEYS)

    def build(self) -> ToolCall:
        return ToolCall(
            id=self.id,
            type=self.type or "function",
            function=FunctionCall(name=self.name, arguments="".join(self.arguments)),
            extra=self.extra,
        )


class _ChoiceParts:
    __slots__ = (
        "annotations",
        "audio",
        "content",
        "error",
        "extra",
        "finish_reason",
        "images",
        "index",
        "logprobs",
        "native_finish_reason",
        "reasoning",
        "reasoning_details",
        "refusal",
        "role",
        "tool_calls",
    )

    def __init__(self, index: int) -> None:
        self.index = index
        self.role: str | None = None
        self.content: list[str] = []
        self.reasoning: list[str] = []
        self.reasoning_details: list[dict[str, Any]] = []
        self.refusal: list[str] = []
        self.tool_calls: dict[int, _ToolCallParts] = {}
        self.images: list[dict[str, Any]] = []
        self.annotations: list[dict[str, Any]] = []
        self.audio: dict[str, Any] | None = None
        self.logprobs: list[Any] = []
        self.finish_reason: str | None = None
        self.native_finish_reason: str | None = None
        self.error: ErrorInfo | None = None
        self.extra: dict[str, Any] = {}

    def add(self, delta: dict[str, Any]) -> bool:
        """Merge one delta; True when it carried output (text, reasoning, tool call, ...)."""
        get = delta.get
        content = get("content")
        if content:
            self.content.append(content)
        role = get("role")
        if role:
            self.role = role
        output = bool(content)
        if get("reasoning"):
            self.reasoning.append(delta["reasoning"])
            output = True
        if get("reasoning_details"):
            self._add_details(delta["reasoning_details"])
            output = True
        if get("refusal"):
            self.refusal.append(delta["refusal"])
            output = True
        calls = get("tool_calls")
        if calls:
            for position, call in enumerate(calls):
                index = call.get("index")
                index = position if index is None else index
                parts = self.tool_calls.get(index)
                if parts is None:
                    parts = self.tool_calls[index] = _ToolCallParts()
                parts.add(call)
            output = True
        if get("images"):
            self.images.extend(delta["images"])
            output = True
        if get("annotations"):
            self.annotations.extend(delta["annotations"])
        if get("audio"):
            self._add_audio(delta["audio"])
            output = True
        if not _DELTA_KEYS.issuperset(delta):
            self.extra.update((k, v) for k, v in delta.items() if k not in _DELTA_KEYS)
        return output

    def _add_details(self, details: list[dict[str, Any]]) -> None:
        # Fragments of one block share its type and index: join their text, keep the rest.
        for detail in details:
            last = self.reasoning_details[-1] if self.reasoning_details else None
            if (
                last is not None
                and detail.get("type") == last.get("type")
                and detail.get("index") == last.get("index")
            ):
                for key, value in detail.items():
                    if key in _JOINED_DETAIL_KEYS and isinstance(value, str):
                        last[key] = (last.get(key) or "") + value
                    elif value is not None:
                        last[key] = value
            else:
                self.reasoning_details.append(dict(detail))

    def _add_audio(self, audio: dict[str, Any]) -> None:
        merged = self.audio if self.audio is not None else {}
        for key, value in audio.items():
            if key in ("data", "transcript") and isinstance(value, str):
                merged[key] = (merged.get(key) or "") + value
            else:
                merged[key] = value
        self.audio = merged

    def build(self) -> CompletionChoice:
        calls = [self.tool_calls[i].build() for i in sorted(self.tool_calls)] or None
        text = "".join(self.content)
        message = ResponseMessage(
            role=self.role or "assistant",
            content=text if text or not calls else None,
            tool_calls=calls,
            refusal="".join(self.refusal) or None,
            reasoning="".join(self.reasoning) or None,
            reasoning_details=self.reasoning_details or None,
            images=self.images or None,
            audio=self.audio,
            annotations=_annotations(self.annotations),
            extra=dict(self.extra),
        )
        return CompletionChoice(
            index=self.index,
            message=message,
            finish_reason=self.finish_reason,
            native_finish_reason=self.native_finish_reason,
            logprobs={"content": self.logprobs} if self.logprobs else None,
            error=self.error,
        )


def _annotations(found: list[dict[str, Any]]) -> list[Annotation] | None:
    """The streamed annotations (citations) as the models a whole answer carries."""
    if not found:
        return None
    structure = convert.converters().fast.structure
    return [structure(item, Annotation) for item in found]


class StreamAssembler:
    """Turns a streamed completion's bytes into chunks and merges them into one response.

    ``events(data)`` returns the events ``data`` completes, and ``feed(event)`` the chunk each
    one carries (a stream asks for one chunk at a time); ``finish()`` is called at the end of the
    body. ``started`` turns True with the first output (text, reasoning, tool call);
    ``done`` with ``[DONE]``; ``final_response()`` is the answer so far (all of it once finished).
    ``structure`` is the fast converter's ``structure`` (for usage and error objects).
    """

    def __init__(
        self,
        structure: Callable[[Any, Any], Any],
        api_key: str | None,
        max_event_bytes: int = MAX_EVENT_BYTES,
    ) -> None:
        self._structure = structure
        self._api_key = api_key
        self._decoder = SSEDecoder(max_event_bytes)
        self._choices: dict[int, _ChoiceParts] = {}
        self._top: dict[str, Any] = {}
        self._extra: dict[str, Any] = {}
        self._usage: Any = None
        self._metadata: dict[str, Any] | None = None
        self._missing: tuple[str, ...] = _TOP_LEVEL  # top-level fields not seen yet
        self.started = False
        self.done = False
        self.finished = False
        #: True once the server finished the answer: ``[DONE]``, or the body ended after a
        #: finish reason. Until then ``final_response()`` is marked ``partial``.
        self.complete = False
        self.chunk_count = 0
        #: True once this stream's usage was added to the session totals (it is added once).
        self.recorded = False

    @property
    def comment_count(self) -> int:
        """How many comment lines (keep-alives) the stream carried."""
        return self._decoder.comments

    @property
    def generation_id(self) -> Any:
        """The ``id`` the chunks carried so far (the generation's), or None."""
        return self._top.get("id")

    @property
    def usage(self) -> TokenUsage | None:
        """The usage the stream reported (it comes in the last chunk), or None so far.

        Raises:
            InvalidResponseError: the usage object is not the documented shape.
        """
        if isinstance(self._usage, dict):
            self._usage = self._typed(self._usage, TokenUsage, "usage")
        return self._usage  # type: ignore[no-any-return]

    def _typed(self, value: Any, cls: type, what: str) -> Any:
        try:
            return self._structure(value, cls)
        except SHAPE_ERRORS as exc:
            subject = f"the stream's {what} is not the documented shape"
            raise shape_error(subject, exc, repr(value), self._api_key) from None

    def events(self, data: bytes) -> list[ServerSentEvent]:
        """The events completed by ``data``, to be passed to ``feed`` one by one (a stream turns
        each into a chunk only when it is asked for the next one).

        Raises:
            InvalidResponseError: a line or an event is longer than ``max_event_bytes``.
        """
        return self._decoder.feed(data)

    def feed(self, event: ServerSentEvent) -> StreamChunk | None:
        """Return the chunk ``event`` carries, or None (``[DONE]``, an event after it).

        Raises:
            StreamError: the server sent an error event (after the chunks before it).
            InvalidResponseError: the event is not valid JSON, or not a chunk.
        """
        if self.done:
            return None
        data = event.data
        if data == _DONE:
            self.done = self.complete = True
            return None
        try:
            payload, end = _scan(data, 0)
            if end != len(data):
                payload = json.loads(data)
        except (ValueError, StopIteration, RecursionError):
            line = redact(data[:200], self._api_key)
            raise InvalidResponseError(
                f"malformed JSON in stream event {self.chunk_count + 1}: {line!r}",
                status_code=200,
            ) from None
        if not isinstance(payload, dict):
            raise InvalidResponseError(
                f"stream event {self.chunk_count + 1} is not a JSON object: "
                f"{redact(data[:200], self._api_key)!r}",
                status_code=200,
            )
        if payload.get("error"):
            self._raise_stream_error(payload["error"])
        try:
            self._merge(payload)
        except SHAPE_ERRORS as exc:
            subject = f"stream event {self.chunk_count + 1} is not a chunk"
            raise shape_error(subject, exc, repr(data), self._api_key) from None
        self.chunk_count += 1
        return lazy(StreamChunk, payload)  # typed fields are built only if the caller reads one

    def _merge(self, payload: dict[str, Any]) -> None:
        if self._missing:
            top = self._top
            for name in self._missing:
                if payload.get(name) is not None:
                    top[name] = payload[name]
            if "id" in top:  # later chunks repeat the first one's fields: stop looking
                self._missing = ()
        if not _PLAIN_CHUNK_KEYS.issuperset(payload):
            self._extra.update((k, v) for k, v in payload.items() if k not in _CHUNK_KEYS)
            metadata = payload.get("openrouter_metadata")
            if metadata is not None:
                self._metadata = metadata
        usage = payload.get("usage")
        if usage is not None:
            self._usage = usage
        for choice in payload.get("choices") or ():
            get = choice.get
            index = get("index") or 0
            parts = self._choices.get(index)
            if parts is None:
                parts = self._choices[index] = _ChoiceParts(index)
            delta = get("delta")
            if delta:
                if len(delta) == 1 and "content" in delta:  # the usual text delta
                    content = delta["content"]
                    if content:
                        parts.content.append(content)
                        self.started = True
                elif parts.add(delta):
                    self.started = True
            reason = get("finish_reason")
            if reason is not None:
                parts.finish_reason = reason
            native = get("native_finish_reason")
            if native is not None:
                parts.native_finish_reason = native
            logprobs = get("logprobs")
            if logprobs and isinstance(logprobs.get("content"), list):
                parts.logprobs.extend(logprobs["content"])
            error = get("error")
            if error or reason == "error":
                parts.error = (
                    self._typed(error, ErrorInfo, "error") if isinstance(error, dict) else None
                )
                self._raise_stream_error(error or {})

    def _raise_stream_error(self, error: Any) -> None:
        if not isinstance(error, dict):
            error = {"message": str(error)}
        message = error.get("message")
        if not isinstance(message, str) or not message.strip():
            message = "the stream reported an error"
        metadata = error.get("metadata")
        code = error.get("code")
        if isinstance(code, str):
            code = redact(code, self._api_key)
        elif not isinstance(code, int) or isinstance(code, bool):
            code = None
        request_id = self._top.get("id")
        exc = StreamError(
            redact(message, self._api_key),
            status_code=200,
            code=code,
            metadata=redact_all(metadata if isinstance(metadata, dict) else {}, self._api_key),
            request_id=redact(request_id, self._api_key) if isinstance(request_id, str) else None,
        )
        exc.response = self._partial()
        raise exc

    def _partial(self) -> CompletionResponse | None:
        """The answer so far for an exception to carry (the key masked in it, as in the rest of
        the exception), or None when the chunks cannot form one."""
        try:
            return redact_model(self.final_response(), self._api_key)
        except InvalidResponseError:
            return None

    def finish(self) -> None:
        """Close the stream's books at the end of the body.

        Raises:
            APIConnectionError: the body ended before ``[DONE]`` and before any finish reason,
                so the answer would be silently shortened (the partial answer is on ``.response``).
        """
        if self.finished:
            return
        self.finished = True
        for event in self._decoder.flush():
            self.feed(event)
        if self.done or any(c.finish_reason is not None for c in self._choices.values()):
            self.complete = True
            return
        exc = APIConnectionError(
            f"the stream ended after {self.chunk_count} chunk(s) without a finish reason or "
            "[DONE]: the answer is incomplete"
        )
        exc.response = self._partial()
        raise exc

    def final_response(self) -> CompletionResponse:
        """The accumulated answer: text, reasoning, tool calls, finish reasons, usage and cost.

        Before the server finished (see ``complete``) it is the answer so far, with
        ``partial=True`` and at least one choice (an empty one when nothing arrived), so
        ``choices[0]`` is always there; usage is zeros until the last chunk brought it.

        Raises:
            InvalidResponseError: the chunks do not add up to a response (wrong-typed fields).
        """
        try:
            return self._build()
        except (TypeError, ValueError, OverflowError) as exc:
            subject = "the stream's chunks do not form a response"
            raise shape_error(subject, exc, str(exc), self._api_key) from None

    def _build(self) -> CompletionResponse:
        top = self._top
        choices = [self._choices[i].build() for i in sorted(self._choices)]
        partial = not self.complete
        if partial and not choices:
            choices = [_ChoiceParts(0).build()]
        return CompletionResponse(
            id=top.get("id"),
            object="chat.completion",
            created=top.get("created"),
            model=top.get("model"),
            provider=top.get("provider"),
            system_fingerprint=top.get("system_fingerprint"),
            service_tier=top.get("service_tier"),
            choices=choices,
            usage=self.usage or TokenUsage(),
            openrouter_metadata=self._metadata,
            partial=partial,
            extra=dict(self._extra),
        )
