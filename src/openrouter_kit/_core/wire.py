"""Requests to bytes, and bytes back to models or typed errors.

Owns: the operations of the API (``Endpoint``, over the generated table's rows), the headers every
request carries, URL building, JSON decoding of responses, and the mapping of every documented
error body (and undocumented ones: HTML from a proxy, an empty body) to the exception hierarchy in
:mod:`openrouter_kit.errors`. Never knows: sockets, httpx, clocks (a caller passes ``now`` where an
HTTP date must be turned into seconds).
"""

from __future__ import annotations

import json
import math
import platform
import re
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any, NamedTuple, TypeVar
from urllib.parse import quote, urlencode

import attrs
from attrs import field, frozen

from openrouter_kit._core.config import DEFAULT_BASE_URL, Config
from openrouter_kit._core.modelbase import SHAPE_ERRORS, shape_error
from openrouter_kit._core.redact import Secret, mask_headers, redact, redact_all, redact_model
from openrouter_kit._generated.endpoints import ROWS
from openrouter_kit._version import __version__
from openrouter_kit.errors import (
    STATUS_TO_ERROR,
    BadRequestError,
    ConfigurationError,
    ContentPolicyError,
    ContextLengthError,
    InvalidResponseError,
    ModelNotFoundError,
    OpenRouterError,
    RateLimitError,
    ServerError,
)

__all__ = [
    "CHAT_COMPLETIONS",
    "COUNT_MODELS",
    "CREATE_AUTH_CODE",
    "CREATE_KEY",
    "CREDITS",
    "DELETE_KEY",
    "EMBEDDINGS",
    "EMBEDDING_MODELS",
    "EXCHANGE_AUTH_CODE",
    "GENERATION",
    "GENERATION_CONTENT",
    "GET_KEY",
    "KEY",
    "LIST_KEYS",
    "LIST_MODELS",
    "MODEL",
    "MODEL_ENDPOINTS",
    "PROVIDERS",
    "RERANK",
    "UPDATE_KEY",
    "USER_AGENT",
    "USER_MODELS",
    "Endpoint",
    "WireRequest",
    "bearer",
    "build_request",
    "error_from_response",
    "is_event_stream",
    "parse_response",
    "parse_retry_after",
    "redact",
    "redact_all",
    "request_id",
]

T = TypeVar("T")
USER_AGENT = f"openrouter-kit/{__version__} python/{platform.python_version()}"
_CONTEXT_TYPES = frozenset(
    {"context_length_exceeded", "max_tokens_exceeded", "token_limit_exceeded"}
)
_CONTEXT_WORDS = re.compile(r"context (length|window)|maximum context|too many tokens", re.I)
_MODEL_WORDS = re.compile(
    r"not a valid model|model .*(not found|does not exist)|no endpoints found", re.I
)
_MODEL_CODES = frozenset(
    {"model_not_found", "no_endpoints", "model_deprecated", "free_variant_ended"}
)
_MODERATION_TYPES = frozenset({"content_policy_violation", "refusal"})
#: Operations whose 404 means that what they look up (a model, a generation) does not exist. A 404
#: from any other operation that names no model means nothing answers at the URL: a wrong base URL.
_LOOKUPS = frozenset(
    {
        "model_endpoints",
        "generation",
        "model",
        "generation_content",
        "get_key",
        "update_key",
        "delete_key",
        "request",
    }
)
_HTML_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")


#: The response models by name, once looked up.
_MODELS: dict[str, type] = {}


def _model(name: str) -> type:
    # The wire models (about 60 attrs classes) load with the first response, not with this
    # module, so that ``import openrouter_kit`` stays light; the table names them.
    from openrouter_kit._generated import models  # noqa: PLC0415 - late: models by name, lazily

    model: type = getattr(models, name)
    _MODELS[name] = model
    return model


class Endpoint(NamedTuple):
    """One operation of the API (a row of the generated table): how to call it, and what a
    successful answer parses into."""

    name: str
    method: str
    #: Relative to the base URL; ``{name}`` segments are filled from path parameters.
    path: str
    #: Names of the request body's model (None: no body), of a successful response's model,
    #: and of one stream event's model (None: it does not stream).
    request_name: str | None
    response_name: str
    chunk_name: str | None

    @property
    def response(self) -> type:
        """The model of a successful response body."""
        model = _MODELS.get(self.response_name)
        return model if model is not None else _model(self.response_name)


_ENDPOINTS = {row[0]: Endpoint(*row) for row in ROWS}
CHAT_COMPLETIONS = _ENDPOINTS["chat_completions"]
LIST_MODELS = _ENDPOINTS["list_models"]
MODEL_ENDPOINTS = _ENDPOINTS["model_endpoints"]
GENERATION = _ENDPOINTS["generation"]
KEY = _ENDPOINTS["key"]
CREDITS = _ENDPOINTS["credits"]
EMBEDDINGS = _ENDPOINTS["embeddings"]
EMBEDDING_MODELS = _ENDPOINTS["embedding_models"]
RERANK = _ENDPOINTS["rerank"]
USER_MODELS = _ENDPOINTS["user_models"]
COUNT_MODELS = _ENDPOINTS["count_models"]
MODEL = _ENDPOINTS["model"]
PROVIDERS = _ENDPOINTS["providers"]
GENERATION_CONTENT = _ENDPOINTS["generation_content"]

LIST_KEYS = _ENDPOINTS["list_keys"]
CREATE_KEY = _ENDPOINTS["create_key"]
GET_KEY = _ENDPOINTS["get_key"]
UPDATE_KEY = _ENDPOINTS["update_key"]
DELETE_KEY = _ENDPOINTS["delete_key"]
CREATE_AUTH_CODE = _ENDPOINTS["create_auth_code"]
EXCHANGE_AUTH_CODE = _ENDPOINTS["exchange_auth_code"]

#: Operations that need the management key.
_MANAGEMENT = frozenset({"list_keys", "create_key", "get_key", "update_key", "delete_key"})
#: Operations sent with the management key when the client has one, else with the API key.
_MANAGEMENT_FIRST = frozenset({"credits"})
#: Operations that need no key (the sign-in exchange): the API key goes along when there is one.
_KEY_OPTIONAL = frozenset({"exchange_auth_code"})


def bearer(config: Config, endpoint: Endpoint) -> str | None:
    """The key ``endpoint`` is sent with (None: none).

    Raises:
        ConfigurationError: the operation needs a key the client does not have.
    """
    name = endpoint.name
    if name in _MANAGEMENT or (name in _MANAGEMENT_FIRST and config.management_key):
        if config.management_key:
            return config.management_key
        raise ConfigurationError(
            f"{endpoint.method} {endpoint.path} needs a management key: pass "
            "Client(management_key=...) or set OPENROUTER_MANAGEMENT_KEY "
            "(keys: https://openrouter.ai/settings/management-keys)"
        )
    if config.api_key:
        return config.api_key
    if name in _KEY_OPTIONAL:
        return None
    # ``POST /auth/keys/code`` is made by an app with its API key: the spec gives it the
    # default ``apiKey`` security and, unlike the /keys calls, does not ask for a management key.
    if name == "request" and config.management_key:
        return config.management_key
    raise ConfigurationError(
        f"{endpoint.method} {endpoint.path} needs an API key, and this client has only a "
        "management key: pass api_key=... too"
    )


def _mask(headers: tuple[tuple[str, str], ...]) -> str:
    return repr(mask_headers(headers))


@frozen
class WireRequest:
    """One HTTP request, ready to send: method, absolute URL, headers and body bytes.

    The repr masks the Authorization header, so a logged request never shows the key.
    """

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = field(repr=_mask)
    body: bytes | None = field(
        default=None, repr=lambda b: "None" if b is None else f"<{len(b)} bytes>"
    )
    #: True when the response is a server-sent event stream.
    stream: bool = False


def _headers(
    config: Config,
    *,
    body: bool,
    stream: bool,
    extra: tuple[tuple[str, str], ...],
    key: str | None,
) -> tuple[tuple[str, str], ...]:
    headers = [("Authorization", f"Bearer {key}")] if key else []
    headers += [
        ("User-Agent", USER_AGENT),
        ("Accept", "text/event-stream" if stream else "application/json"),
    ]
    if body:
        headers.append(("Content-Type", "application/json"))
    if config.app_url:
        headers.append(("HTTP-Referer", config.app_url))
    if config.app_name:
        # The current attribution header and the older one, which OpenRouter still accepts.
        headers.append(("X-OpenRouter-Title", config.app_name))
        headers.append(("X-Title", config.app_name))
    if config.headers:  # the client's headers replace the SDK's of the same name (any case)
        names = {name.lower() for name, _ in config.headers}
        headers = [(k, v) for k, v in headers if k.lower() not in names]
        headers.extend(config.headers)
    if extra:  # one call's headers replace the client's of the same name (any case)
        names = {name.lower() for name, _ in extra}
        headers = [(k, v) for k, v in headers if k.lower() not in names]
        headers.extend(extra)
    return tuple(headers)


def build_request(
    config: Config,
    endpoint: Endpoint,
    *,
    body: bytes | None = None,
    query: Mapping[str, str] | None = None,
    path_params: Mapping[str, str] | None = None,
    stream: bool = False,
    headers: tuple[tuple[str, str], ...] = (),
) -> WireRequest:
    """Return the request for ``endpoint``: URL with path and query parameters, headers and body.

    ``headers`` (one call's) replace the client's headers of the same name, in any case. The
    key sent is the one the operation needs (see ``bearer``).

    Raises:
        ConfigurationError: the operation needs a key the client does not have.
    """
    path = endpoint.path
    for name, value in (path_params or {}).items():
        # Model ids contain "/" between author and slug; keep it, quote everything else.
        path = path.replace("{" + name + "}", quote(value, safe="/:"))
    url = config.base_url + path
    if query:
        url += "?" + urlencode(query)
    return WireRequest(
        method=endpoint.method,
        url=url,
        headers=_headers(
            config,
            body=body is not None,
            stream=stream,
            extra=headers,
            key=bearer(config, endpoint),
        ),
        body=body,
        stream=stream,
    )


def _header(headers: Mapping[str, Any], name: str) -> Any:
    value = headers.get(name)
    if value is None:
        for key, item in headers.items():
            if isinstance(key, str) and key.lower() == name:
                return item
    return value


def request_id(headers: Mapping[str, Any], api_key: Secret) -> str | None:
    """The server's request id (or generation id) from response headers, if it sent one."""
    value = _header(headers, "x-request-id") or _header(headers, "x-generation-id")
    return redact(value[:200], api_key) if isinstance(value, str) else None


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Return the seconds the server asked to wait (``retry-after-ms``, ``Retry-After`` seconds or
    HTTP date), or None when it did not ask or the value is unreadable."""
    millis = _header(headers, "retry-after-ms")
    if millis:
        seconds = _seconds(millis, scale=1000.0)
        if seconds is not None:
            return seconds
    value = _header(headers, "retry-after")
    if not isinstance(value, str) or not value.strip():
        return None
    if _NUMBER.match(value.strip()):  # seconds (a non-finite number is no answer)
        return _seconds(value)
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return None if now is None else _seconds(when - now, until=True)


_NUMBER = re.compile(r"[-+]?(\d|\.\d|inf|nan)", re.I)


def _seconds(value: Any, scale: float = 1.0, *, until: bool = False) -> float | None:
    """A finite wait >= 0 from a header or body value, or None (junk, NaN, infinity, no number).

    A negative delay is malformed (RFC 9110: delay-seconds are digits), so it is no answer and
    the caller's backoff applies; ``until=True`` marks the time left until a moment the server
    named (an HTTP date, a reset time), where a moment already past means "now" (0).
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        seconds = float(value) / scale
    except (ValueError, OverflowError):
        return None
    if not math.isfinite(seconds) or (seconds < 0 and not until):
        return None
    return max(seconds, 0.0)


def _retry_after_from_body(error: Mapping[str, Any], now: float | None) -> float | None:
    availability = error.get("availability")
    if isinstance(availability, Mapping) and availability.get("retry_after") is not None:
        return _seconds(availability["retry_after"])
    metadata = error.get("metadata")
    headers = metadata.get("headers") if isinstance(metadata, Mapping) else None
    if isinstance(headers, Mapping) and now is not None:
        reset = _seconds(_header(headers, "x-ratelimit-reset"), scale=1000.0)  # epoch ms
        return None if reset is None else _seconds(reset - now, until=True)
    return None


def _clean_text(status: int, body: bytes) -> str:
    """A short, readable message for a body that is not a JSON error (an HTML proxy page, text)."""
    title = _HTML_TITLE.search(body[:4096])
    raw = title.group(1) if title else body[:400]
    text = " ".join(_TAGS.sub(" ", raw.decode("utf-8", "replace")).split())
    if not text:
        return f"HTTP {status} with an empty body"
    if len(text) > 160:
        text = text[:157] + "..."
    return f"{text} (non-JSON body)"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _classify(status: int, message: str, error: Mapping[str, Any]) -> type[OpenRouterError]:
    metadata = error.get("metadata")
    if not isinstance(metadata, Mapping):
        metadata = {}
    error_type = _text(metadata.get("error_type")) or _text(error.get("error_type"))
    availability = error.get("availability")
    code = availability.get("code") if isinstance(availability, Mapping) else None
    availability_code = _text(code)
    if status in (400, 413, 422) and (
        error_type in _CONTEXT_TYPES or _CONTEXT_WORDS.search(message)
    ):
        return ContextLengthError
    if availability_code in _MODEL_CODES or (status == 400 and _MODEL_WORDS.search(message)):
        return ModelNotFoundError
    if status == 403 and (
        error_type in _MODERATION_TYPES or "reasons" in metadata or "flagged_input" in metadata
    ):
        return ContentPolicyError
    if status in STATUS_TO_ERROR:  # 403 included: a refusal that is not moderation
        return STATUS_TO_ERROR[status]
    return ServerError if status >= 500 else BadRequestError


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    api_key: Secret = None,
    now: float | None = None,
    endpoint: Endpoint | None = None,
) -> OpenRouterError:
    """Return the typed exception for an error response (JSON error body or anything else).

    The message and metadata are scrubbed of the API key; ``request_id`` comes from the headers.
    With the ``endpoint`` called, a 404 that names no model says to check the base URL.
    """
    try:
        payload = json.loads(body) if body else None
    except (ValueError, RecursionError):
        payload = None
    return error_from_payload(
        status, headers, payload, body, api_key=api_key, now=now, endpoint=endpoint
    )


def _wrong_base_url(status: int, endpoint: Endpoint | None, error: Mapping[str, Any]) -> str:
    """The hint for a 404 that says nothing answers at the URL (a base URL without ``/api/v1``),
    or "" when the 404 is about a model or another thing looked up."""
    if status != 404 or endpoint is None or endpoint.name in _LOOKUPS:
        return ""
    message = error.get("message")
    if error.get("availability") or (isinstance(message, str) and _MODEL_WORDS.search(message)):
        return ""
    return (
        f"; {endpoint.method} {endpoint.path} was not found under the base URL: check base_url, "
        f"it should end with /api/v1 (OpenRouter's is {DEFAULT_BASE_URL})"
    )


def error_from_payload(
    status: int,
    headers: Mapping[str, str],
    payload: Any,
    body: bytes = b"",
    *,
    api_key: Secret = None,
    now: float | None = None,
    endpoint: Endpoint | None = None,
) -> OpenRouterError:
    """Return the typed exception for an already decoded error body (as ``error_from_response``)."""
    error: Mapping[str, Any] = {}
    if isinstance(payload, Mapping) and isinstance(payload.get("error"), Mapping):
        error = payload["error"]
    elif isinstance(payload, Mapping) and "message" in payload:
        error = payload
    code = error.get("code")
    if isinstance(code, bool) or not isinstance(code, int | str):
        code = None
    # A 200 (or other 2xx) that carries an error is classified by the error's own code.
    effective = status
    if status < 400:
        effective = code if isinstance(code, int) and 400 <= code <= 599 else 500
    message = error.get("message")
    if not isinstance(message, str) or not message.strip():
        message = _clean_text(status, body) if not error else f"HTTP {effective} error"
    message = redact(message.strip(), api_key) + _wrong_base_url(status, endpoint, error)
    raw_metadata = error.get("metadata")
    metadata = raw_metadata if isinstance(raw_metadata, dict) else {}
    if raw_metadata is not None and not isinstance(raw_metadata, dict):
        metadata = {"raw": raw_metadata}
    for key in ("availability", "error_type"):
        if key in error and key not in metadata:
            metadata = {**metadata, key: error[key]}
    cls = _classify(effective, message, error)
    if isinstance(code, str):
        code = redact(code, api_key)
    kwargs: dict[str, Any] = {
        "status_code": status,
        "code": code if code is not None else effective,
        "metadata": redact_all(metadata, api_key),
        "request_id": request_id(headers, api_key),
        "body": redact_all(payload, api_key) if payload is not None else None,
    }
    if issubclass(cls, RateLimitError | ServerError):
        retry_after = parse_retry_after(headers, now)
        kwargs["retry_after"] = (
            retry_after if retry_after is not None else _retry_after_from_body(error, now)
        )
    return cls(message, **kwargs)


def is_event_stream(status: int, headers: Mapping[str, str]) -> bool:
    """True when a response to a streamed request is the event stream itself; False when its
    body must be read whole (an error status, or a JSON error body sent with 200)."""
    content_type = _header(headers, "content-type") or ""
    return status == 200 and "json" not in content_type


def parse_response(
    endpoint: Endpoint,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    structure: Any,
    api_key: Secret = None,
    now: float | None = None,
    into: Any = None,
) -> Any:
    """Return the response model for a 2xx body, or raise the mapped error.

    ``structure`` is the fast converter's ``structure`` function; it makes ``into`` (default:
    the endpoint's response model) from the decoded JSON.

    Raises:
        OpenRouterError: the mapped subclass for an error status or an error inside a 200 body.
        InvalidResponseError: a 2xx body that is not the documented JSON.
    """
    if not 200 <= status < 300:
        raise error_from_response(
            status, headers, body, api_key=api_key, now=now, endpoint=endpoint
        )
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        preview = redact(body[:120].decode("utf-8", "replace"), api_key)
        raise InvalidResponseError(
            f"{endpoint.name}: the server answered {status} with a body that is not JSON: "
            f"{preview!r}",
            status_code=status,
            request_id=request_id(headers, api_key),
        ) from None
    # A 200 whose body is an error object (no choices) is that error.
    if isinstance(payload, Mapping) and payload.get("error") and "choices" not in payload:
        raise error_from_payload(status, headers, payload, body, api_key=api_key, now=now)
    try:
        return structure(payload, endpoint.response if into is None else into)
    except (*SHAPE_ERRORS, RecursionError) as exc:
        raise shape_error(
            f"{endpoint.name}: unexpected response shape",
            exc,
            str(exc),
            api_key,
            status_code=status,
            request_id=request_id(headers, api_key),
        ) from None


def raise_for_choice_error(response: Any, api_key: Secret = None) -> None:
    """Raise the mapped error when a 200 completion ended a choice with ``finish_reason: "error"``.

    The partial response is kept on the exception as ``response``, so no output is lost, with the
    key (and anything shaped like a key) masked in it, as in the rest of the exception.
    """
    for choice in getattr(response, "choices", None) or ():
        if choice.finish_reason == "error" or choice.error is not None:
            error = attrs.asdict(choice.error) if choice.error is not None else {}
            error.update(error.pop("extra", {}) or {})
            if choice.error is not None:  # the partial response travels with the exception
                choice.error = attrs.evolve(
                    choice.error,
                    message=redact_all(choice.error.message, api_key),
                    metadata=redact_all(choice.error.metadata, api_key),
                    extra=redact_all(choice.error.extra, api_key),
                )
            error.setdefault("message", "the provider failed while generating this choice")
            exc = error_from_payload(200, {}, {"error": error}, api_key=api_key)
            exc.response = redact_model(response, api_key)  # the server may echo the key
            raise exc
