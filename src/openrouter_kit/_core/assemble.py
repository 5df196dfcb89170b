"""Streamed completions: SSE bytes -> ``StreamChunk``s -> one accumulated ``CompletionResponse``.

Owns: ``[DONE]``, JSON decoding of events (a malformed event is a typed error showing the line),
errors inside a 200 stream (``StreamError`` after the chunks before it), the merge of deltas
(content, reasoning, reasoning details, tool calls by index, several choices, finish reasons,
usage from the last chunk) and the rule that a stream which ends before ``[DONE]`` and before any
finish reason is an error, not a silently shortened answer. Never knows: sockets, clocks.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from openrouter_kit._core.sse import ServerSentEvent, SSEDecoder
from openrouter_kit._core.wire import redact, redact_all
from openrouter_kit._generated.models import (
    CompletionChoice,
    CompletionResponse,
    ErrorInfo,
    FunctionCall,
    ResponseMessage,
    StreamChunk,
    StreamDelta,
    TokenUsage,
    ToolCall,
)
from openrouter_kit.errors import APIConnectionError, InvalidResponseError, StreamError

__all__ = ["StreamAssembler"]

_DONE = "[DONE]"
_TOP_LEVEL = ("id", "created", "model", "provider", "system_fingerprint", "service_tier")
_JOINED_DETAIL_KEYS = ("text", "summary", "data")


class _ToolCallParts:
    __slots__ = ("arguments", "extra", "id", "name", "type")

    def __init__(self) -> None:
        self.id: str | None = None
        self.type: str | None = None
        self.name: str | None = None
        self.arguments: list[str] = []
        self.extra: dict[str, Any] = {}

    def add(self, delta: ToolCall) -> None:
        self.id = self.id or delta.id
        self.type = self.type or (delta.type if delta.id or delta.function else None)
        function = delta.function
        if function is not None:
            self.name = self.name or function.name
            if function.arguments:
                self.arguments.append(function.arguments)
        if delta.extra:
            self.extra.update(delta.extra)

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

    def add(self, delta: StreamDelta) -> bool:
        """Merge one delta; True when it carried output (text, reasoning or a tool call)."""
        output = False
        if delta.role:
            self.role = delta.role
        if delta.content:
            self.content.append(delta.content)
            output = True
        if delta.reasoning:
            self.reasoning.append(delta.reasoning)
            output = True
        if delta.reasoning_details:
            self._add_details(delta.reasoning_details)
            output = True
        if delta.refusal:
            self.refusal.append(delta.refusal)
            output = True
        if delta.tool_calls:
            for position, call in enumerate(delta.tool_calls):
                index = call.index if call.index is not None else position
                parts = self.tool_calls.get(index)
                if parts is None:
                    parts = self.tool_calls[index] = _ToolCallParts()
                parts.add(call)
            output = True
        if delta.images:
            self.images.extend(delta.images)
            output = True
        if delta.annotations:
            self.annotations.extend(delta.annotations)
        if delta.audio:
            self._add_audio(delta.audio)
            output = True
        if delta.extra:
            self.extra.update(delta.extra)
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
            annotations=self.annotations or None,
            extra=self.extra,
        )
        return CompletionChoice(
            index=self.index,
            message=message,
            finish_reason=self.finish_reason,
            native_finish_reason=self.native_finish_reason,
            logprobs={"content": self.logprobs} if self.logprobs else None,
            error=self.error,
        )


class StreamAssembler:
    """Turns a streamed completion's bytes into chunks and merges them into one response.

    ``feed_bytes(data)`` returns the chunks ``data`` completes; ``finish()`` is called at the end
    of the body. ``started`` turns True with the first output (text, reasoning, tool call);
    ``done`` with ``[DONE]``; ``final_response()`` is the answer so far (all of it once finished).
    """

    def __init__(
        self, structure_chunk: Callable[[Any, Any], StreamChunk], api_key: str | None
    ) -> None:
        self._structure = structure_chunk
        self._api_key = api_key
        self._decoder = SSEDecoder()
        self._choices: dict[int, _ChoiceParts] = {}
        self._top: dict[str, Any] = {}
        self._extra: dict[str, Any] = {}
        self.usage: TokenUsage | None = None
        self.started = False
        self.done = False
        self.finished = False
        self.chunk_count = 0
        #: True once this stream's usage was added to the session totals (it is added once).
        self.recorded = False

    @property
    def comment_count(self) -> int:
        """How many comment lines (keep-alives) the stream carried."""
        return self._decoder.comments

    @property
    def finish_reason(self) -> str | None:
        """The first choice's finish reason, once one arrived."""
        first = self._choices.get(0)
        return first.finish_reason if first is not None else None

    def feed_bytes(self, data: bytes) -> list[StreamChunk]:
        """Return the chunks completed by ``data``.

        Raises:
            StreamError: the server sent an error event (after the chunks before it).
            InvalidResponseError: an event is not valid JSON.
        """
        chunks = []
        for event in self._decoder.feed(data):
            chunk = self.feed(event)
            if chunk is not None:
                chunks.append(chunk)
        return chunks

    def feed(self, event: ServerSentEvent) -> StreamChunk | None:
        """Return the chunk ``event`` carries, or None (``[DONE]``, an event after it)."""
        if self.done:
            return None
        data = event.data
        if data == _DONE:
            self.done = True
            return None
        try:
            payload = json.loads(data)
        except ValueError:
            line = redact(data[:200], self._api_key)
            raise InvalidResponseError(
                f"malformed JSON in stream event {self.chunk_count + 1}: {line!r}",
                status_code=200,
            ) from None
        if not isinstance(payload, dict):
            raise InvalidResponseError(
                f"stream event {self.chunk_count + 1} is not a JSON object: "
                f"{redact(data[:200], None)!r}",
                status_code=200,
            )
        if payload.get("error"):
            self._raise_stream_error(payload["error"])
        try:
            chunk = self._structure(payload, StreamChunk)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise InvalidResponseError(
                f"unexpected stream chunk shape: {redact(str(exc)[:200], self._api_key)}",
                status_code=200,
            ) from None
        self.chunk_count += 1
        self._merge(chunk)
        return chunk

    def _merge(self, chunk: StreamChunk) -> None:
        top = self._top
        for name in _TOP_LEVEL:
            if name not in top:
                value = getattr(chunk, name)
                if value is not None:
                    top[name] = value
        if chunk.extra:
            self._extra.update(chunk.extra)
        if chunk.usage is not None:
            self.usage = chunk.usage
        for choice in chunk.choices:
            parts = self._choices.get(choice.index)
            if parts is None:
                parts = self._choices[choice.index] = _ChoiceParts(choice.index)
            if choice.delta is not None and parts.add(choice.delta):
                self.started = True
            if choice.finish_reason is not None:
                parts.finish_reason = choice.finish_reason
            if choice.native_finish_reason is not None:
                parts.native_finish_reason = choice.native_finish_reason
            if choice.logprobs and isinstance(choice.logprobs.get("content"), list):
                parts.logprobs.extend(choice.logprobs["content"])
            if choice.error is not None or choice.finish_reason == "error":
                parts.error = choice.error
                error = choice.error
                self._raise_stream_error(
                    {"code": error.code, "message": error.message, "metadata": error.metadata}
                    if error is not None
                    else {}
                )

    def _raise_stream_error(self, error: Any) -> None:
        if not isinstance(error, dict):
            error = {"message": str(error)}
        message = error.get("message")
        if not isinstance(message, str) or not message.strip():
            message = "the stream reported an error"
        metadata = error.get("metadata")
        exc = StreamError(
            redact(message, self._api_key),
            status_code=200,
            code=error.get("code") if isinstance(error.get("code"), int | str) else None,
            metadata=redact_all(metadata if isinstance(metadata, dict) else {}, self._api_key),
            request_id=self._top.get("id"),
        )
        exc.response = self.final_response()
        raise exc

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
            return
        exc = APIConnectionError(
            f"the stream ended after {self.chunk_count} chunk(s) without a finish reason or "
            "[DONE]: the answer is incomplete"
        )
        exc.response = self.final_response()
        raise exc

    def final_response(self) -> CompletionResponse:
        """The accumulated answer: text, reasoning, tool calls, finish reasons, usage and cost."""
        top = self._top
        return CompletionResponse(
            id=top.get("id"),
            object="chat.completion",
            created=top.get("created"),
            model=top.get("model"),
            provider=top.get("provider"),
            system_fingerprint=top.get("system_fingerprint"),
            service_tier=top.get("service_tier"),
            choices=[self._choices[i].build() for i in sorted(self._choices)],
            usage=self.usage,
            extra=dict(self._extra),
        )
