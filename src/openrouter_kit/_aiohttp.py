"""The aiohttp transport behind ``AsyncClient(transport="aiohttp")``.

Imported on first use only (never by ``import openrouter_kit``); needs the ``aiohttp`` extra
(``pip install 'openrouter-kit[aiohttp]'``, which brings httpx-aiohttp and aiohttp).

httpx stays the client: requests are built, cookies kept and responses decoded by httpx, and only
the sending goes through aiohttp's connection pool (measured faster than httpx's own at high
concurrency). httpx-aiohttp provides the plumbing (an ``httpx.AsyncClient`` whose pools, proxy
ones included, are aiohttp transports); the request itself is sent here, so that everything the
default transport does holds here too:

- failures surface as the httpx exceptions the default transport raises, so the shells map them to
  the same typed errors (httpx-aiohttp 0.2 maps a reset connection to ``ConnectTimeout``);
- the timeouts per phase: ``connect`` (aiohttp's ``sock_connect``), ``read`` (``sock_read``) and
  ``pool`` (timed here around aiohttp's wait for a free connection); aiohttp has no write
  timeout (a request body is a few KiB, written at once);
- the pool limits (``max_connections``, ``max_keepalive_connections``, ``keepalive_expiry``)
  and the shared SSL context;
- the whole-call bounds (``_bounds.READ_BY``: the deadline, a body's read timeout, a stream's
  idle bound): the wait for the headers and each read of the body end by the limit, timed
  here with ``asyncio.timeout`` (httpcore's network backend does it for the default transport);
- a response closed before its end closes its connection (aiohttp does not reuse it).

aiohttp runs on asyncio only: a request under trio raises ``ConfigurationError`` at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
import typing as t
from collections.abc import AsyncIterator
from contextvars import ContextVar

import aiohttp
import httpx
from aiohttp.client_proto import ResponseHandler
from aiohttp.client_reqrep import ConnectionKey
from httpx_aiohttp import AiohttpTransport as _BaseTransport
from httpx_aiohttp import HttpxAiohttpClient

from openrouter_kit._bounds import READ_BY, ReadLimit
from openrouter_kit.errors import ConfigurationError

if t.TYPE_CHECKING:
    import ssl

__all__ = ["AiohttpClient", "AiohttpTransport"]

_T = t.TypeVar("_T")

#: What aiohttp (or asyncio below it) raises for a failed request.
_FAILURES = (aiohttp.ClientError, TimeoutError, OSError)


#: The pool timeout of the request being sent in this task (aiohttp's connector is not told it).
_POOL_TIMEOUT: ContextVar[float | None] = ContextVar("openrouter_kit_pool_timeout", default=None)


class _Sending:
    """How far the request of this task got: ``connected`` once aiohttp has a connection for it
    (before that, no byte was sent, so a timeout is the connect phase's)."""

    __slots__ = ("connected",)

    def __init__(self) -> None:
        self.connected = False


_SENDING: ContextVar[_Sending | None] = ContextVar("openrouter_kit_sending", default=None)


class _ConnectTimeout(TimeoutError):
    """Opening the connection timed out (aiohttp's ``sock_connect``), as opposed to the pool."""


class _PoolTimeout(TimeoutError):
    """No connection of the pool came free in time."""


class _Connector(aiohttp.TCPConnector):
    """aiohttp's TCP pool with httpx's two limits (aiohttp has no cap on idle connections of its
    own) and httpx's pool timeout, marking which timeout fired: aiohttp raises the same
    ``ConnectionTimeoutError`` for a pool and a connect timeout, from our marker as cause."""

    def __init__(self, *, max_keepalive: int | None, **options: t.Any) -> None:
        super().__init__(**options)
        self._max_keepalive = max_keepalive

    def _release(
        self, key: ConnectionKey, protocol: ResponseHandler, *, should_close: bool = False
    ) -> None:
        # Like httpx: a connection coming back to a pool that already keeps the most idle
        # connections allowed is closed instead of kept.
        if not should_close and self._max_keepalive is not None:
            should_close = sum(map(len, self._conns.values())) >= self._max_keepalive
        super()._release(key, protocol, should_close=should_close)

    async def _wait_for_available_connection(self, *args: t.Any, **kwargs: t.Any) -> None:
        # Only the wait for a free connection, bounded by the request's pool timeout as in httpx
        # (aiohttp's own ``connect`` timer covers the wait and the connecting together).
        try:
            async with asyncio.timeout(_POOL_TIMEOUT.get()):
                await super()._wait_for_available_connection(*args, **kwargs)
        except TimeoutError as exc:
            raise _PoolTimeout("timed out waiting for a free connection") from exc

    async def connect(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        connection = await super().connect(*args, **kwargs)
        sending = _SENDING.get()
        if sending is not None:
            sending.connected = True
        return connection

    async def _create_connection(self, *args: t.Any, **kwargs: t.Any) -> ResponseHandler:
        try:
            return await super()._create_connection(*args, **kwargs)
        except TimeoutError as exc:
            if isinstance(exc, aiohttp.ClientError):
                raise
            raise _ConnectTimeout("timed out opening the connection") from exc


def _require_asyncio() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        library = "another event loop"
        with contextlib.suppress(Exception):  # sniffio only names it; it may be missing
            import sniffio  # noqa: PLC0415 - lazy: optional, only names the loop in an error

            library = sniffio.current_async_library()
        raise ConfigurationError(
            f"transport='aiohttp' runs on asyncio only, and this call runs under {library}; use"
            " the default transport='httpx' there (it works under asyncio and trio)"
        ) from None


def _httpx_error(exc: BaseException, request: httpx.Request) -> httpx.TransportError:
    """The httpx exception the default transport raises for the same failure."""
    kind: type[httpx.TransportError]
    if isinstance(exc, aiohttp.ConnectionTimeoutError):  # raised from one of ours above
        kind = (
            httpx.ConnectTimeout
            if isinstance(exc.__cause__, _ConnectTimeout)
            else httpx.PoolTimeout
        )
    elif isinstance(exc, TimeoutError):  # aiohttp's SocketTimeoutError: sock_read
        kind = httpx.ReadTimeout
    elif isinstance(exc, aiohttp.ClientConnectorError):  # refused, DNS, TLS
        kind = httpx.ConnectError
    elif isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientResponseError):
        kind = httpx.RemoteProtocolError  # closed before the headers, or not HTTP
    elif isinstance(exc, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError):
        kind = httpx.UnsupportedProtocol
    else:  # a reset or a body cut short (ClientPayloadError), and other socket errors
        kind = httpx.ReadError
    return kind(str(exc) or type(exc).__name__, request=request)


def _sum(pool: float | None, connect: float | None) -> float | None:
    return None if pool is None or connect is None else pool + connect


async def _within(limit: ReadLimit | None, awaitable: t.Awaitable[_T]) -> _T:
    """``await awaitable``, ended by ``limit`` (``READ_BY``'s) when that comes first: its
    ``fired`` is then set and ``TimeoutError`` raised, as aiohttp's own read timeout does."""
    if limit is None or limit.at == math.inf:
        return await awaitable
    left = limit.at - time.monotonic()
    if left <= 0:
        close = getattr(awaitable, "close", None)  # a coroutine, or aiohttp's wrapper of one
        if close is not None:
            close()  # never awaited: no "was never awaited" warning
        limit.fired = True
        raise TimeoutError(limit.describe())
    timer = asyncio.timeout(left)
    try:
        async with timer:
            return await awaitable
    except TimeoutError:
        if timer.expired():
            limit.fired = True
        raise


class _Body(httpx.AsyncByteStream):
    """A response body read from aiohttp, failing with httpx's exceptions."""

    __slots__ = ("_request", "_response")

    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        content = self._response.content
        try:
            while chunk := await _within(READ_BY.get(), content.readany()):
                yield chunk
        except _FAILURES as exc:
            raise _httpx_error(exc, self._request) from exc

    async def aclose(self) -> None:
        # Back to the pool when the body was read to its end; otherwise the connection is closed.
        self._response.release()
        await self._response.wait_for_close()


class AiohttpTransport(_BaseTransport):
    """An httpx transport sending through an aiohttp ``ClientSession`` made on first request.

    Takes httpx-aiohttp's arguments; ``verify`` is an ``ssl.SSLContext`` (or None for a
    plain-http pool: no context is made).
    """

    def get_client(self) -> aiohttp.ClientSession:
        """The aiohttp session (one per transport, made in the event loop of the first request)."""
        limits = self.limits
        connector = _Connector(
            max_keepalive=limits.max_keepalive_connections,
            limit=limits.max_connections or 0,  # 0: no limit, as None is for httpx
            keepalive_timeout=limits.keepalive_expiry,
            ssl=self.ssl_context if self.ssl_context is not None else True,
        )
        # httpx keeps the cookies; aiohttp must not add its own.
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` and return the response with its body still to be read.

        Raises:
            httpx.TransportError: the subclass httpx's own transport raises for the failure.
            ConfigurationError: not running under asyncio (trio cannot run aiohttp).
        """
        _require_asyncio()
        session = self.client
        if not isinstance(session, aiohttp.ClientSession):
            session = self.client = self.get_client()
        timeout = request.extensions.get("timeout") or {}
        connect, pool = timeout.get("connect"), timeout.get("pool")
        proxy = self.proxy
        pool_timeout = _POOL_TIMEOUT.set(pool)
        sending_state = _Sending()
        sending_token = _SENDING.set(sending_state)
        limit = READ_BY.get()
        try:
            sending = session.request(
                request.method,
                str(request.url),
                headers=request.headers.multi_items(),
                data=request.content or None,
                allow_redirects=False,
                auto_decompress=False,  # httpx decodes
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=_sum(pool, connect),  # bounds both; each is timed alone
                    sock_connect=connect,
                    sock_read=timeout.get("read"),
                ),
                server_hostname=request.extensions.get("sni_hostname"),
                proxy=str(proxy.url) if proxy else None,
                proxy_auth=aiohttp.BasicAuth(*proxy.auth) if proxy and proxy.auth else None,
                proxy_headers=proxy.headers if proxy else None,
            )
            response = await _within(limit, sending)
        except _FAILURES as exc:
            if limit is not None and limit.fired and not sending_state.connected:
                # The whole-call limit ran out before a connection: nothing was sent.
                raise httpx.ConnectTimeout(limit.describe(), request=request) from exc
            raise _httpx_error(exc, request) from exc
        finally:
            _SENDING.reset(sending_token)
            _POOL_TIMEOUT.reset(pool_timeout)
        extensions: dict[str, t.Any] = {"http_version": b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode()
        return httpx.Response(
            status_code=response.status,
            headers=response.raw_headers,
            stream=_Body(response, request),
            request=request,
            extensions=extensions,
        )


class AiohttpClient(HttpxAiohttpClient):
    """An ``httpx.AsyncClient`` whose pools (proxy ones too) are ``AiohttpTransport``\\ s.

    httpx makes its pools through the two methods below (``transport=`` given to the client
    wins); both take httpx's pool options, which ``_pool`` reads.
    """

    def _init_transport(self, *args: t.Any, **options: t.Any) -> httpx.AsyncBaseTransport:
        transport = options.pop("transport", None)
        if transport is not None:
            return t.cast(httpx.AsyncBaseTransport, transport)
        return _pool(*args, **options)

    def _init_proxy_transport(
        self, proxy: httpx.Proxy, *args: t.Any, **options: t.Any
    ) -> httpx.AsyncBaseTransport:
        return _pool(*args, proxy=proxy, **options)


def _pool(
    verify: ssl.SSLContext | str | bool = True,
    cert: str | tuple[str, str] | tuple[str, str, str] | None = None,
    trust_env: bool = True,
    http1: bool = True,
    http2: bool = False,
    limits: httpx.Limits = httpx.Limits(max_connections=100, max_keepalive_connections=20),  # noqa: B008
    *,
    proxy: httpx.Proxy | None = None,
    **later: t.Any,
) -> AiohttpTransport:
    """An aiohttp pool with httpx's pool options, in httpx's order (HTTP/1.1 only: aiohttp
    speaks no HTTP/2, so ``http1`` and ``http2`` change nothing; options a later httpx adds are
    passed over, as httpx-aiohttp does)."""
    return AiohttpTransport(
        verify=verify, cert=cert, trust_env=trust_env, limits=limits, proxy=proxy
    )
