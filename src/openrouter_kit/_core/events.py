"""What a client tells hooks and logs about its HTTP traffic: one small value per event.

Owns: the four event types of HTTP traffic (request, response, retry, error), the fields a log
record carries, and ``StoreEvent`` (a shared store fell back to local state, or resumed). Never
knows: who listens (hooks, logging), sockets, clocks. Events never hold the API key or message
contents: method, path, model, attempt, status, timings and ids only.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from attrs import field, frozen

from openrouter_kit.errors import OpenRouterError

__all__ = [
    "ErrorEvent",
    "HookEvent",
    "RequestEvent",
    "ResponseEvent",
    "RetryEvent",
    "StoreEvent",
]


@frozen(kw_only=True)
class HookEvent:
    """What every event says about the HTTP attempt it concerns."""

    #: The hook list that receives this event: ``"request"``, ``"response"``, ...
    kind: ClassVar[str] = ""
    #: HTTP method, e.g. ``"POST"``.
    method: str
    #: URL path, e.g. ``"/api/v1/chat/completions"`` (no host, no query string).
    path: str
    #: The model this attempt asks for (None for calls not tied to a model).
    model: str | None
    #: The attempt's number, from 1 (for ``ErrorEvent``: how many attempts were made).
    attempt: int
    #: True for a streamed completion.
    stream: bool = False

    def log_fields(self) -> dict[str, Any]:
        """The fields set on log records (``record.method``, ``record.status_code``, ...)."""
        return {
            "method": self.method,
            "path": self.path,
            "model": self.model,
            "attempt": self.attempt,
            "status_code": getattr(self, "status_code", None),
            "latency": getattr(self, "latency", None),
            "request_id": getattr(self, "request_id", None),
        }


@frozen(kw_only=True)
class RequestEvent(HookEvent):
    """An HTTP attempt is about to be sent (one per attempt, retries included)."""

    kind: ClassVar[str] = "request"
    #: Headers to add to this attempt, e.g. a tracing ``traceparent``. Starts empty; request
    #: hooks may add to it. ``Authorization`` cannot be set here.
    headers: dict[str, str] = field(factory=dict)


@frozen(kw_only=True)
class ResponseEvent(HookEvent):
    """An HTTP response arrived, whatever its status (one per attempt that got an answer)."""

    kind: ClassVar[str] = "response"
    #: The HTTP status.
    status_code: int
    #: Seconds from sending the attempt to its whole body (for a stream: to its headers).
    latency: float
    #: The server's request or generation id, when it sent one.
    request_id: str | None = None


@frozen(kw_only=True)
class RetryEvent(HookEvent):
    """An attempt failed and another will follow after ``wait`` seconds."""

    kind: ClassVar[str] = "retry"
    #: Why the attempt failed.
    error: OpenRouterError
    #: Seconds before the next attempt (backoff may add up to a second of jitter to it).
    wait: float


@frozen(kw_only=True)
class ErrorEvent(HookEvent):
    """A call failed: this exception is about to reach the caller (after all retries)."""

    kind: ClassVar[str] = "error"
    #: The exception the call raises.
    error: OpenRouterError
    #: Seconds from the start of the call to the failure.
    elapsed: float


@frozen(kw_only=True)
class StoreEvent:
    """A shared store (``RedisStore``) stopped being reachable and the client went on with local
    state, or it came back and the shared state resumed (one event per switch).

    While it is ``"fallback"``, circuit breakers and rate limits are this process's own, and a
    budget refuses calls with ``BudgetUnavailableError`` (or spends its local slice). Logged on
    the ``openrouter_kit.store`` logger too: WARNING for a fallback, INFO when it resumes.
    """

    kind: ClassVar[str] = "store"
    #: ``"fallback"``: the store cannot be reached, local state is used; ``"resumed"``: the
    #: shared state is used again.
    state: Literal["fallback", "resumed"]
    #: What switched: ``"breaker"``, ``"rate_limit"``, ``"budget"`` or ``"all"``.
    resource: Literal["breaker", "rate_limit", "budget", "all"]
    #: The store's namespace.
    namespace: str = "default"
    #: What failed, masked (no password, no key); None when it resumed.
    error: str | None = None

    def log_fields(self) -> dict[str, Any]:
        """The fields set on log records (``record.store_state``, ``record.resource``, ...)."""
        return {
            "store_state": self.state,
            "resource": self.resource,
            "namespace": self.namespace,
            "error": self.error,
        }
