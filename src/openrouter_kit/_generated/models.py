"""Wire models of the OpenRouter API: attrs classes and open enums.

Generated - do not edit. Run ``python codegen/generate.py`` to regenerate.
"""

from enum import StrEnum
from typing import Any

from attrs import define, field

from openrouter_kit._mixins import CompletionResponseMixin, MessageMixin, WireModel


class MessageRole(StrEnum):
    """Who wrote a message. Open: a role the server adds later still parses, as a plain string."""

    SYSTEM = "system"
    DEVELOPER = "developer"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


class FinishReason(StrEnum):
    """Why a choice stopped (normalised by OpenRouter). Open: new reasons parse as plain strings."""

    STOP = "stop"
    LENGTH = "length"
    TOOL_CALLS = "tool_calls"
    CONTENT_FILTER = "content_filter"
    ERROR = "error"


@define(kw_only=True, repr=False)
class ImageUrl(WireModel):
    """An image given by URL or data URL."""

    #: https:// URL or data:image/...;base64 URL.
    url: str
    #: Image detail level.
    detail: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ContentPart(WireModel):
    """One part of a message's content: text, image_url, file, input_audio or video_url (the type says which field is set)."""

    #: text, image_url, file, input_audio or video_url.
    type: str
    #: The text of a text part.
    text: str | None = None
    image_url: ImageUrl | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class FunctionCall(WireModel):
    """The function a tool call invokes, with its arguments as a JSON string."""

    name: str | None = None
    #: JSON-encoded arguments (may be malformed; validate before use).
    arguments: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ToolCall(WireModel):
    """A tool call requested by the model (streamed deltas also carry index)."""

    id: str | None = None
    type: str = "function"
    #: Position of this call in a streamed turn (deltas only).
    index: int | None = None
    function: FunctionCall | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class Message(MessageMixin):
    """One chat message (system, developer, user, assistant or tool)."""

    role: str
    content: str | list[ContentPart] | None = None
    name: str | None = None
    #: The call a tool message answers.
    tool_call_id: str | None = None
    tool_calls: list[ToolCall] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class CompletionRequest(WireModel):
    """A chat completion request: every documented OpenAI and OpenRouter parameter."""

    messages: list[Message]
    model: str | None = None
    stream: bool | None = None
    max_tokens: int | None = field(default=None, metadata={'minimum': 1})
    temperature: float | None = field(default=None, metadata={'minimum': 0, 'maximum': 2})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class TokenUsage(WireModel):
    """Tokens counted with the model's own tokenizer, and what the request cost in USD."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    #: Charged amount in credits (1 credit = 1 USD).
    cost: float | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ErrorInfo(WireModel):
    """An error object: in an error body, a choice, or a stream event."""

    #: Usually the HTTP status; may be a string or absent.
    code: int | str | None = None
    message: str | None = None
    metadata: dict[str, Any] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ResponseMessage(WireModel):
    """The assistant's message in a response choice."""

    role: str = "assistant"
    content: str | list[ContentPart] | None = None
    tool_calls: list[ToolCall] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class CompletionChoice(WireModel):
    """One answer of a completion."""

    index: int = 0
    message: ResponseMessage | None = None
    finish_reason: str | None = None
    native_finish_reason: str | None = None
    error: ErrorInfo | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class CompletionResponse(CompletionResponseMixin):
    """A chat completion: the model that answered, its choices, token usage and cost."""

    id: str | None = None
    object: str | None = None
    created: int | None = None
    model: str | None = None
    provider: str | None = None
    choices: list[CompletionChoice] = field(factory=list)
    usage: TokenUsage | None = None
    #: Seconds from sending the request to the parsed response (measured by the client).
    latency: float | None = field(default=None, metadata={'local': True})
    #: How many HTTP attempts the call took, retries included (measured by the client).
    attempts: int | None = field(default=None, metadata={'local': True})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ErrorBody(WireModel):
    """An error response body: the error, and the user id when the server sends one."""

    error: ErrorInfo | None = None
    user_id: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


__all__ = [
    "CompletionChoice",
    "CompletionRequest",
    "CompletionResponse",
    "ContentPart",
    "ErrorBody",
    "ErrorInfo",
    "FinishReason",
    "FunctionCall",
    "ImageUrl",
    "Message",
    "MessageRole",
    "ResponseMessage",
    "TokenUsage",
    "ToolCall",
]
