"""Every exception openrouter-kit raises, and the table that maps an HTTP status to one.

::

    OpenRouterError                      root: catch this to catch everything below
    ├── ConfigurationError (ValueError)  bad client settings: missing key, bad URL, bad YAML file
    ├── ValidationError (ValueError)     invalid message or request, caught before sending
    │   ├── ResponseFormatError          a response_format that cannot be sent as given
    │   └── ToolDefinitionError          a function that cannot be described as a tool
    ├── APIError                         the server answered with an error
    │   ├── BadRequestError              400, 413, 422 and other 4xx
    │   │   └── ContextLengthError       400: prompt plus max_tokens exceed the context window
    │   ├── AuthenticationError          401: invalid or disabled key
    │   ├── InsufficientCreditsError     402: not enough credits
    │   ├── PermissionDeniedError        403: key lacks permission, guardrail block
    │   │   └── ContentPolicyError       403: moderation flagged the input (see ``reasons``)
    │   ├── ModelNotFoundError           404, or a model id the server does not know
    │   ├── RateLimitError               429, or the client's own rate_limit (see ``retry_after``)
    │   ├── ServerError                  500 and other 5xx
    │   │   └── ModelUnavailableError    502, 503, 529: the model or its providers are down
    │   ├── StreamError                  an error event inside a 200 stream
    │   └── InvalidResponseError         a 2xx body that is not what the API documents
    │       ├── StructuredOutputError    an answer that does not fit the requested structure
    │       ├── ToolArgumentsError       tool-call arguments that are not valid JSON (``raw`` kept)
    │       └── ResponseTooLargeError    a response bigger than ``max_response_bytes`` once decoded
    ├── RequestTimeoutError (TimeoutError)       408, 524, or a client-side timeout
    │   └── MaybeProcessedTimeoutError           also a MaybeProcessedError
    ├── APIConnectionError (ConnectionError)     the network failed before an answer arrived
    │   └── MaybeProcessedConnectionError        also a MaybeProcessedError
    ├── MaybeProcessedError              sent in full, then no answer: the server may have processed
    │                                    the request, so it is not retried (see the class)
    ├── CircuitOpenError                 the circuit breaker is open: no request was sent
    └── BudgetExceededError              the call could exceed the spending cap: no request was sent
        └── BudgetUnavailableError       the shared budget cannot be reached: no request was sent

Every exception has ``status_code``, ``code``, ``message``, ``metadata`` and ``request_id`` (None
where they do not apply). None of them ever contains the API key.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "STATUS_TO_ERROR",
    "APIConnectionError",
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "BudgetExceededError",
    "BudgetUnavailableError",
    "CircuitOpenError",
    "ConfigurationError",
    "ContentPolicyError",
    "ContextLengthError",
    "InsufficientCreditsError",
    "InvalidResponseError",
    "MaybeProcessedConnectionError",
    "MaybeProcessedError",
    "MaybeProcessedTimeoutError",
    "ModelNotFoundError",
    "ModelUnavailableError",
    "OpenRouterError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeoutError",
    "ResponseFormatError",
    "ResponseTooLargeError",
    "ServerError",
    "StreamError",
    "StructuredOutputError",
    "ToolArgumentsError",
    "ToolDefinitionError",
    "ValidationError",
]


class OpenRouterError(Exception):
    """The root of every openrouter-kit exception.

    Attributes:
        message: What went wrong, in one line (never contains the API key).
        status_code: The HTTP status, when the server answered.
        code: ``error.code`` from the body (an int or a string), else the HTTP status.
        metadata: ``error.metadata`` from the body (provider name, moderation reasons, ...).
        request_id: The id of the request or generation, when the server sent one.
        body: The parsed error body (or None), kept for inspection.
        response: The partial response when a 200 answer carried the error, so no output is lost.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        code: int | str | None = None,
        metadata: dict[str, Any] | None = None,
        request_id: str | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.code = code if code is not None else status_code
        self.metadata: dict[str, Any] = metadata if metadata is not None else {}
        self.request_id = request_id
        self.body = body
        self.response: Any = None

    def __str__(self) -> str:
        prefix = f"HTTP {self.status_code}: " if self.status_code is not None else ""
        suffix = f" (request id {self.request_id})" if self.request_id else ""
        return f"{prefix}{self.message}{suffix}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status_code={self.status_code!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only attributes survive pickling (multiprocessing, task queues).
        return (_rebuild, (type(self), self.message, self.__dict__))


def _rebuild(cls: type[OpenRouterError], message: str, state: dict[str, Any]) -> OpenRouterError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class ConfigurationError(OpenRouterError, ValueError):
    """The client cannot be built as configured (missing key, refused URL, bad settings file)."""


class ValidationError(OpenRouterError, ValueError):
    """A request or message is invalid; nothing was sent.

    ``path`` names the field, e.g. ``$.messages[0].role``.
    """

    def __init__(self, message: str, *, path: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.path = path


class ResponseFormatError(ValidationError):
    """``response_format`` cannot be sent as given; nothing was sent.

    Raised for a class that cannot be expressed as JSON Schema, a raw JSON Schema dict given
    without ``response_format_for(schema)``, or a value of the wrong kind. The message lists what
    structured outputs take: an attrs class, a dataclass, a TypedDict, a pydantic model, or a
    JSON Schema dict through ``response_format_for(schema_dict)``.
    """


class ToolDefinitionError(ValidationError):
    """A function cannot be described as a tool (an unsupported type hint, a bad name, ...).

    Raised by ``ToolDefinition.from_function`` and ``run_tools`` when the tool is defined, never
    when the model calls it; the message names the parameter and the function.
    """


class APIError(OpenRouterError):
    """The server answered with an error (an error status, or an error inside a 200 body)."""


class BadRequestError(APIError):
    """400 or 422: the server refused the request's parameters."""


class ContextLengthError(BadRequestError):
    """The prompt plus ``max_tokens`` do not fit the model's context window."""


class AuthenticationError(APIError):
    """401: the API key is missing, invalid or disabled."""


class InsufficientCreditsError(APIError):
    """402: the account or key has too few credits for this request."""


class PermissionDeniedError(APIError):
    """403: the key may not do this (e.g. a management key is needed), or a guardrail blocked it."""


class ContentPolicyError(PermissionDeniedError):
    """403: moderation flagged the input.

    Attributes:
        reasons: Why the input was flagged, as the moderator said.
        flagged_input: The flagged text (shortened by the server).
        provider_name: The provider whose moderation flagged it.
    """

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        reasons = self.metadata.get("reasons")
        if isinstance(reasons, str):
            reasons = [reasons]
        self.reasons: list[str] = [str(r) for r in reasons] if isinstance(reasons, list) else []
        flagged, provider = self.metadata.get("flagged_input"), self.metadata.get("provider_name")
        self.flagged_input: str | None = flagged if isinstance(flagged, str) else None
        self.provider_name: str | None = provider if isinstance(provider, str) else None


class ModelNotFoundError(APIError):
    """404, or a model id that the server (or the model registry) does not know."""


class RateLimitError(APIError):
    """429: too many requests. ``retry_after``: the seconds the server asked to wait, or None.

    Also raised before sending, with ``status_code`` None, when the client's own ``rate_limit``
    is full and the call may not wait (``metadata``: ``{"limit": "rpm" | "tpm", "scope": ...}``;
    ``retry_after``: seconds until there may be room, None when the call can never fit).
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(APIError):
    """500 or another 5xx: OpenRouter failed."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ModelUnavailableError(ServerError):
    """502, 503 or 529: the model is down or no provider can serve the request now."""


class StreamError(APIError):
    """An error event arrived inside a 200 stream, after the chunks before it were delivered."""


class InvalidResponseError(APIError):
    """A successful status with a body that is not what the API documents (e.g. not JSON)."""


class StructuredOutputError(InvalidResponseError):
    """The model's answer does not fit the requested structure. ``text`` keeps the answer."""

    def __init__(self, message: str, *, text: str = "", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.text = text


class ToolArgumentsError(InvalidResponseError):
    """The model called a tool with arguments that are not valid JSON.

    Attributes:
        raw: The arguments text exactly as the model sent it.
        tool_name: The tool the model called.
        call_id: The id of the tool call.
    """

    def __init__(
        self,
        message: str,
        *,
        raw: str = "",
        tool_name: str | None = None,
        call_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.raw = raw
        self.tool_name = tool_name
        self.call_id = call_id


class ResponseTooLargeError(InvalidResponseError):
    """The response, once decoded (gzip, deflate), passed the client's ``max_response_bytes``, or
    a stream sent a line or an event longer than ``max_event_bytes``; reading stopped there.
    ``limit``: that cap in bytes."""

    def __init__(self, message: str, *, limit: int | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.limit = limit


class RequestTimeoutError(OpenRouterError, TimeoutError):
    """The request timed out: 408 or 524 from the server, or a client-side timeout.

    ``timeout`` names the client-side bound that fired: ``connect``, ``read`` (one wait for data,
    or reading a whole non-streamed body), ``write``, ``pool``, ``deadline`` (the call's total
    deadline) or ``idle`` (a stream's gap between events); None when the server reported the
    timeout. ``response_started`` is True when part of the response had already arrived.
    """

    def __init__(
        self,
        message: str,
        *,
        timeout: str | None = None,
        response_started: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.timeout = timeout
        self.response_started = response_started


class APIConnectionError(OpenRouterError, ConnectionError):
    """The network failed (refused, reset, DNS, TLS) before a complete answer arrived.

    ``response_started`` is True when part of the response had already arrived (the server
    processed the request, so it is not retried).
    """

    def __init__(self, message: str, *, response_started: bool = False, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.response_started = response_started


class MaybeProcessedError(OpenRouterError):
    """The request was sent in full, and the connection failed or timed out before any answer:
    the server may have processed it, and billed it.

    Such a failure is not retried, since a second request could be processed (and billed) twice,
    unless the client was made with ``retry_maybe_processed=True``. It is raised as
    ``MaybeProcessedTimeoutError`` (a ``RequestTimeoutError``) or
    ``MaybeProcessedConnectionError`` (an ``APIConnectionError``), so existing handlers of those
    still catch it; catch this class to check (``client.generation(...)``, your own records)
    before sending again.
    """


class MaybeProcessedTimeoutError(RequestTimeoutError, MaybeProcessedError):
    """A timeout after the request was sent in full, before the answer began (see
    ``MaybeProcessedError``)."""


class MaybeProcessedConnectionError(APIConnectionError, MaybeProcessedError):
    """The connection failed (reset, closed) after the request was sent in full, before the
    answer began (see ``MaybeProcessedError``)."""


class CircuitOpenError(OpenRouterError):
    """The circuit breaker for this endpoint and model is open; no request was sent."""


class BudgetExceededError(OpenRouterError):
    """The call could push spending past the budget; no request was sent."""


class BudgetUnavailableError(BudgetExceededError):
    """The shared budget (``RedisStore``) cannot be reached, and the budget fails closed: the
    call cannot be held, so no request was sent.

    A subclass of ``BudgetExceededError``, so ``except BudgetExceededError`` still catches every
    call refused for the budget; catch this class to tell an outage from a spent budget (and,
    say, retry later). ``RedisStore(budget_mode="local_slice")`` spends a per-process slice
    instead.
    """


#: The exception class for each HTTP status. Statuses not listed map to ``BadRequestError`` (4xx)
#: or ``ServerError`` (5xx); the body refines some (context length, moderation, unknown model).
STATUS_TO_ERROR: dict[int, type[OpenRouterError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: InsufficientCreditsError,
    403: PermissionDeniedError,
    404: ModelNotFoundError,
    408: RequestTimeoutError,
    413: BadRequestError,
    422: BadRequestError,
    429: RateLimitError,
    500: ServerError,
    502: ModelUnavailableError,
    503: ModelUnavailableError,
    524: RequestTimeoutError,
    529: ModelUnavailableError,
}
