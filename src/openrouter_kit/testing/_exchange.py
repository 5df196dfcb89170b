"""What passes between the emulator's HTTP server and its fake API: a request in, a planned reply
out (h11's events play this part between its parser and its state machine).

Owns: :class:`Request`; the replies :class:`Reply` (a whole body), :class:`Stream` (SSE: writes,
pauses, settlements, a cut) and :class:`Drop` (close without a byte); :class:`ApiError` and the
documented error body; the route prefix, status phrases and random ids. Never knows: sockets,
how an answer is chosen.
"""

from __future__ import annotations

import json
import secrets
import string
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from openrouter_kit.testing._faults import Fault

#: The path every API route lives under; a base URL ends with it.
API_PREFIX = "/api/v1"
#: Phrases of the non-standard statuses OpenRouter (through Cloudflare) sends.
_PHRASES = {520: "Unknown Error", 524: "A Timeout Occurred", 529: "Site Overloaded"}
_ALNUM = string.ascii_letters + string.digits

#: Run when a reply reaches a point (a completion is delivered, a stream is cut, ...), with the
#: seconds since the request began: it records the generation and bills it.
Settlement = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request, read whole by the server."""

    #: The method, e.g. ``"POST"``.
    method: str
    #: The percent-decoded path, e.g. ``"/api/v1/chat/completions"``.
    path: str
    #: The query parameters (the last value wins for repeated names).
    query: dict[str, str]
    #: The headers with lower-cased names (repeated headers joined with ``", "``).
    headers: dict[str, str]
    #: The body, de-framed (``Content-Length`` or chunked), not decoded.
    body: bytes = b""

    @classmethod
    def of(
        cls, method: str, target: str, headers: Iterable[tuple[str, str]] = (), body: bytes = b""
    ) -> Request:
        """A request from its request-line target (``"/api/v1/models?limit=5"``) and header
        pairs as they came."""
        split = urlsplit(target)
        joined: dict[str, str] = {}
        for name, value in headers:
            key = name.lower()
            joined[key] = f"{joined[key]}, {value}" if key in joined else value
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        return cls(method, unquote(split.path), query, joined, body)


@dataclass(frozen=True, slots=True)
class Reply:
    """A whole answer: the server waits ``delay`` seconds, runs ``settle``, writes it."""

    status: int
    body: bytes = b""
    #: ``None`` sends no ``Content-Type``.
    content_type: str | None = None
    #: Extra headers; they override the server's defaults (hop-by-hop ones are dropped).
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    settle: Settlement | None = None
    #: A fault that breaks the reply on the wire (``reset_mid_body``, ``truncate``, ``trickle``).
    fault: Fault | None = None
    #: Seconds between two writes of a ``trickle``.
    trickle_delay: float = 0.0


@dataclass(frozen=True, slots=True)
class Write:
    """Write one SSE event (or comment) of a stream, after ``pause`` seconds."""

    data: bytes
    pause: float = 0.0


@dataclass(frozen=True, slots=True)
class Settle:
    """Run a settlement here in the stream (the answer got this far)."""

    run: Settlement


@dataclass(frozen=True, slots=True)
class Cut:
    """Shut the connection down here, in the middle of the body."""


@dataclass(frozen=True, slots=True)
class Stream:
    """An SSE answer (status 200, chunked): the head, then ``steps`` in order; the body ends
    cleanly after the last step unless a :class:`Cut` ended the connection first."""

    #: Extra headers (``X-Generation-Id``, ...).
    headers: Mapping[str, str]
    steps: tuple[Write | Settle | Cut, ...]
    #: Run instead when the client goes away before any :class:`Settle` step ran.
    abandoned: Settlement | None = None
    delay: float = 0.0
    fault: Fault | None = None
    trickle_delay: float = 0.0


@dataclass(frozen=True, slots=True)
class Drop:
    """Close the connection abruptly without sending a byte, after ``delay`` seconds."""

    delay: float = 0.0


class ApiError(Exception):
    """An error the fake API answers with its documented JSON body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        metadata: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Keep the status, ``error.message``, optional ``error.metadata`` and extra headers."""
        super().__init__(message)
        self.status = status
        self.message = message
        self.metadata = metadata
        self.headers = headers or {}

    def reply(self) -> Reply:
        """The error as a JSON reply."""
        return json_reply(
            self.status, error_body(self.status, self.message, self.metadata), self.headers
        )


def error_body(
    status: int, message: str, metadata: dict[str, Any] | None = None, code: int | str | None = None
) -> dict[str, Any]:
    """OpenRouter's error body: ``{"error": {"code": ..., "message": ..., "metadata"?: ...}}``."""
    error: dict[str, Any] = {"code": status if code is None else code, "message": message}
    if metadata is not None:
        error["metadata"] = metadata
    return {"error": error}


def json_reply(status: int, obj: Any, headers: Mapping[str, str] | None = None) -> Reply:
    """``obj`` as compact JSON."""
    body = json.dumps(obj, separators=(",", ":")).encode()
    return Reply(status, body, "application/json", headers or {})


def api_path(path: str) -> str:
    """A path relative to the base URL: the query and a leading ``/api/v1`` taken off."""
    path = path.split("?", 1)[0]
    if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
        path = path[len(API_PREFIX) :]
    if not path.startswith("/"):
        path = "/" + path
    return path


def phrase(status: int) -> str:
    """The reason phrase of a status (``"Error"`` for one without a known phrase)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return _PHRASES.get(status, "Error")


def random_id(prefix: str, length: int = 20) -> str:
    """An id like OpenRouter's: ``<prefix>-<unix time>-<random letters and digits>``."""
    return f"{prefix}-{int(time.time())}-{''.join(secrets.choice(_ALNUM) for _ in range(length))}"
