"""What both shells share about httpx: timeouts and the mapping of transport failures."""

from __future__ import annotations

import httpx

from openrouter_kit._core.assemble import StreamAssembler
from openrouter_kit._core.wire import redact
from openrouter_kit.errors import APIConnectionError, OpenRouterError, RequestTimeoutError

__all__ = ["TIMEOUT_NAMES", "http_timeout", "map_transport_error", "stream_broken"]

#: Which client-side timeout an httpx exception means.
TIMEOUT_NAMES: dict[type[httpx.TimeoutException], str] = {
    httpx.ConnectTimeout: "connect",
    httpx.ReadTimeout: "read",
    httpx.WriteTimeout: "write",
    httpx.PoolTimeout: "pool",
}


def http_timeout(seconds: float | None) -> httpx.Timeout:
    """The httpx timeout for a client configured with ``seconds`` (None: wait forever)."""
    return httpx.Timeout(seconds)


def map_transport_error(exc: httpx.HTTPError, api_key: str | None) -> OpenRouterError:
    """Return our exception for an httpx failure (the caller raises it ``from exc``)."""
    detail = redact(str(exc), api_key) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        name = TIMEOUT_NAMES.get(type(exc), "read")
        return RequestTimeoutError(f"{name} timeout: {detail}", timeout=name)
    return APIConnectionError(f"connection failed ({type(exc).__name__}): {detail}")


def stream_broken(
    exc: httpx.HTTPError, assembler: StreamAssembler, api_key: str | None
) -> OpenRouterError:
    """The error for a stream whose connection failed midway (partial answer on ``.response``)."""
    error = map_transport_error(exc, api_key)
    error.message = f"the stream broke after {assembler.chunk_count} chunk(s): {error.message}"
    error.args = (error.message,)
    error.response = assembler.final_response()
    return error
