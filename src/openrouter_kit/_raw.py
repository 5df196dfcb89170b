"""The raw answer of a call: its HTTP status and headers with the parsed object.

Owns: ``RawResponse`` (status, headers scrubbed of secrets, the parsed object, the ids the
headers carry), noting the answers of the calls made inside ``with_raw_response`` (a context
variable, so threads and tasks never see each other's), and the ``with_raw_response`` views of
both clients. Never knows: sockets (the shells note each answer's status and headers as it
arrives), how a call is made.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from openrouter_kit._core.redact import MASK, SENSITIVE_HEADERS, Secret, redact

if TYPE_CHECKING:
    from openrouter_kit._generated.models import CompletionResponse
    from openrouter_kit._streams import AsyncStream, Stream

__all__ = ["AsyncRawCalls", "RawCalls", "RawResponse", "noted", "scrubbed"]

T = TypeVar("T")

#: The answers noted in the current ``with_raw_response`` call (None: outside one).
_NOTES: contextvars.ContextVar[list[tuple[int, Any, str | None]] | None] = contextvars.ContextVar(
    "openrouter_kit_raw", default=None
)


def noted(status: int, headers: Any, http_version: str | None = None) -> None:
    """Note an answer's status and headers for the ``with_raw_response`` call around it (a
    no-op outside one)."""
    notes = _NOTES.get()
    if notes is not None:
        notes.append((status, headers, http_version))


def scrubbed(headers: Any, secrets: Secret) -> dict[str, str]:
    """``headers`` as a dict of lower-case names, secret headers (``Authorization``, cookies)
    replaced by ``***`` and the client's keys (and anything key-shaped) masked in the rest."""
    items = headers.multi_items() if hasattr(headers, "multi_items") else dict(headers).items()
    out: dict[str, str] = {}
    for name, value in items:
        key = str(name).lower()
        shown = MASK if key in SENSITIVE_HEADERS else redact(str(value), secrets)
        out[key] = f"{out[key]}, {shown}" if key in out else shown
    return out


class RawResponse(Generic[T]):
    """One call's HTTP answer with its parsed object: ``status_code``, ``headers`` (lower-case
    names, secrets masked), ``data`` (also ``parse()``), ``request_id``, ``generation_id`` and
    the ``rate_limit`` headers.

    For a call that took several HTTP exchanges (retries, ``run_tools`` rounds) it is the last
    one's. Never holds the API key or the management key.
    """

    __slots__ = ("data", "headers", "http_version", "status_code")

    def __init__(
        self, status_code: int, headers: Mapping[str, str], data: T, http_version: str | None
    ) -> None:
        #: The HTTP status of the answer.
        self.status_code = status_code
        #: The answer's headers: lower-case names, secrets masked.
        self.headers = headers
        #: The parsed object the call returns without ``with_raw_response``.
        self.data = data
        #: ``HTTP/1.1`` or ``HTTP/2``, when the transport says.
        self.http_version = http_version

    def parse(self) -> T:
        """Return the parsed object (``data``), as the call would without the raw view."""
        return self.data

    @property
    def request_id(self) -> str | None:
        """The server's request id (``x-request-id``), if it sent one."""
        return self.headers.get("x-request-id")

    @property
    def generation_id(self) -> str | None:
        """The generation's id (``x-generation-id``), if the server sent one."""
        return self.headers.get("x-generation-id")

    @property
    def rate_limit(self) -> dict[str, str]:
        """The ``x-ratelimit-*`` headers, by name (``x-ratelimit-remaining``, ...)."""
        return {k: v for k, v in self.headers.items() if k.startswith("x-ratelimit-")}

    def __repr__(self) -> str:
        return f"<RawResponse {self.status_code} {type(self.data).__name__}>"


def _raw(notes: list[tuple[int, Any, str | None]], data: T, secrets: Secret) -> RawResponse[T]:
    if not notes:  # pragma: no cover - every call that returns got an answer
        raise RuntimeError("the call returned without an HTTP answer")
    status, headers, version = notes[-1]
    return RawResponse(status, scrubbed(headers, secrets), data, version)


def _secrets(client: Any) -> Secret:
    return client._config.secrets  # type: ignore[no-any-return]


class _View:
    """What both views share: the client, and the methods and namespaces reached by name."""

    __slots__ = ("_client", "_target")

    def __init__(self, client: Any, target: Any = None) -> None:
        self._client = client
        self._target = client if target is None else target

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(self._target, name)
        if callable(value):
            return self._wrap(value)
        if hasattr(value, "_client"):  # a namespace such as client.keys
            return type(self)(self._client, value)
        raise AttributeError(f"{name} is not a call; read it from the client itself")

    def _wrap(self, method: Callable[..., Any]) -> Callable[..., Any]:
        raise NotImplementedError


class RawCalls(_View):
    """``client.with_raw_response``: every call of the ``Client`` (``complete``, ``stream``,
    ``request``, ``list_models``, ``keys.create``, ...), returning a ``RawResponse`` around what
    it returns. ``stream`` opens the stream first, so its status and headers are there.
    """

    __slots__ = ()

    def _wrap(self, method: Callable[..., Any]) -> Callable[..., RawResponse[Any]]:
        secrets = _secrets(self._client)

        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> RawResponse[Any]:
            token = _NOTES.set([])
            try:
                data = method(*args, **kwargs)
                if getattr(data, "_open_now", None) is not None:
                    data._open_now()
                notes = _NOTES.get() or []
            finally:
                _NOTES.reset(token)
            return _raw(notes, data, secrets)

        return call

    if TYPE_CHECKING:

        def complete(self, *args: Any, **kwargs: Any) -> RawResponse[CompletionResponse]: ...
        def stream(self, *args: Any, **kwargs: Any) -> RawResponse[Stream]: ...
        def request(self, *args: Any, **kwargs: Any) -> RawResponse[Any]: ...


class AsyncRawCalls(_View):
    """``client.with_raw_response`` of the ``AsyncClient``: same as ``RawCalls``, awaited."""

    __slots__ = ()

    def _wrap(self, method: Callable[..., Any]) -> Callable[..., Any]:
        secrets = _secrets(self._client)

        @functools.wraps(method)
        async def call(*args: Any, **kwargs: Any) -> RawResponse[Any]:
            token = _NOTES.set([])
            try:
                data = method(*args, **kwargs)
                if inspect.isawaitable(data):
                    data = await data
                if getattr(data, "_open_now", None) is not None:
                    await data._open_now()
                notes = _NOTES.get() or []
            finally:
                _NOTES.reset(token)
            return _raw(notes, data, secrets)

        return call

    if TYPE_CHECKING:

        async def complete(self, *args: Any, **kwargs: Any) -> RawResponse[CompletionResponse]: ...
        async def stream(self, *args: Any, **kwargs: Any) -> RawResponse[AsyncStream]: ...
        async def request(self, *args: Any, **kwargs: Any) -> RawResponse[Any]: ...
