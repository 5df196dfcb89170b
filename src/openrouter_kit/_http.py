"""The httpx glue both shells share: the pools we build (one shared SSL context, no proxy for a
loopback ``http://`` URL, reads bounded in time by ``_bounds``, the optional aiohttp transport,
imported from ``_aiohttp`` on first use), the requests we build for them, timeouts, reading a
whole body within its size cap, and the mapping of transport failures to our errors (which of
them may have been processed by the server).

Owns: everything that knows httpx's types, apart from sending and reading (the shells do that).
Never knows: retries, hooks, the wire format (``_core`` builds and parses the bytes).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import httpx

from openrouter_kit._bounds import ReadLimit, bound_pools
from openrouter_kit._core.body import ACCEPT_ENCODING, BodyDecoder
from openrouter_kit._core.config import Timeouts, _is_loopback
from openrouter_kit._core.redact import redact, redact_model
from openrouter_kit.errors import (
    APIConnectionError,
    ConfigurationError,
    MaybeProcessedConnectionError,
    MaybeProcessedTimeoutError,
    OpenRouterError,
    RequestTimeoutError,
)

if TYPE_CHECKING:
    import ssl
    from collections.abc import Iterator
    from typing import TypeAlias

    from openrouter_kit._core.assemble import StreamAssembler
    from openrouter_kit._core.config import Config

    #: What ``verify=`` takes: True (the shared context below), a CA bundle (a PEM file or a
    #: directory of hashed certificates), an ``ssl.SSLContext``, or False (loopback hosts only).
    Verify: TypeAlias = bool | str | os.PathLike[str] | ssl.SSLContext

__all__ = [
    "LIMITS",
    "TIMEOUT_NAMES",
    "TRANSPORTS",
    "RequestBuilder",
    "Transport",
    "aread_body",
    "async_http_client",
    "body_decoder",
    "checked_http_client",
    "checked_transport",
    "checked_verify",
    "decoded",
    "default_transport",
    "http_timeout",
    "map_transport_error",
    "read_already",
    "read_body",
    "shared_ssl_context",
    "stream_broken",
    "sync_http_client",
]

#: Pool limits of the clients we build. httpx's defaults keep only 20 idle connections, so a
#: service running more concurrent calls than that opens and closes connections all the time
#: (measured: 1,000 calls at concurrency 200 took 2.1x as long as with these limits).
LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=100)

#: Which client-side timeout an httpx exception means.
TIMEOUT_NAMES: dict[type[httpx.TimeoutException], str] = {
    httpx.ConnectTimeout: "connect",
    httpx.ReadTimeout: "read",
    httpx.WriteTimeout: "write",
    httpx.PoolTimeout: "pool",
}


def http_timeout(timeouts: Timeouts) -> httpx.Timeout:
    """The httpx timeout for our ``Timeouts``."""
    return httpx.Timeout(
        connect=timeouts.connect, read=timeouts.read, write=timeouts.write, pool=timeouts.pool
    )


#: The async transports ``AsyncClient(transport=...)`` takes; ``Client`` has only httpx's.
Transport = Literal["httpx", "aiohttp"]
TRANSPORTS: tuple[Transport, ...] = ("httpx", "aiohttp")

_AIOHTTP_MISSING = (
    "transport='aiohttp' needs the httpx-aiohttp package: pip install 'openrouter-kit[aiohttp]'"
)


_H2_MISSING = "http2=True needs the h2 package: pip install 'openrouter-kit[http2]'"


def check_http2(http2: object, transport: Transport | None, http_client: object) -> None:
    """Refuse ``http2=True`` where it cannot take effect: with ``transport="aiohttp"`` (HTTP/1.1
    only), with an ``http_client`` passed in (give it ``http2=True`` yourself), or without h2.

    Raises:
        ConfigurationError: one of those.
    """
    if http2 is not True:
        return
    if transport == "aiohttp":
        raise ConfigurationError(
            "http2=True is for the default httpx transport; transport='aiohttp' speaks HTTP/1.1"
        )
    if http_client is not None:
        raise ConfigurationError(
            "http2=True configures the client's own pool; for an http_client you pass in, build "
            "it with httpx.Client(http2=True)"
        )
    if importlib.util.find_spec("h2") is None:
        raise ConfigurationError(_H2_MISSING)


def checked_transport(
    transport: object, http_type: type, http_client: object, http2: object = False
) -> Transport | None:
    """Return ``transport`` if a client sending with ``http_type`` (``httpx.Client`` or
    ``httpx.AsyncClient``) can use it; raise ``ConfigurationError`` otherwise.

    None (the default) stays None for an ``AsyncClient`` building its own HTTP/1.1 pool: the
    transport is chosen when the pool is built (``default_transport``); otherwise it is httpx.
    Cheap: it looks for the aiohttp package without importing it.
    """
    if transport is None:
        mine = issubclass(http_type, httpx.AsyncClient) and http_client is None
        return None if mine and http2 is not True else "httpx"
    if transport == "httpx":
        return "httpx"
    if transport != "aiohttp":
        raise ConfigurationError(
            f"transport must be one of {', '.join(map(repr, TRANSPORTS))}, got {transport!r}"
            " (for your own httpx transport, pass http_client=httpx.AsyncClient(transport=...))"
        )
    if not issubclass(http_type, httpx.AsyncClient):
        raise ConfigurationError(
            "Client (blocking) sends with httpx only; transport='aiohttp' is for AsyncClient"
        )
    if http_client is not None:
        raise ConfigurationError(
            "give either http_client or transport='aiohttp', not both: transport chooses the pool"
            " the client builds for itself"
        )
    if importlib.util.find_spec("httpx_aiohttp") is None:
        raise ConfigurationError(_AIOHTTP_MISSING)
    return "aiohttp"


def _httpx_patched() -> bool:
    """True when httpx's async transport or httpcore's async pool was replaced (pytest-httpx,
    respx and other mocking libraries patch one of them): the requests must then go through it."""
    send = httpx.AsyncHTTPTransport.handle_async_request
    if getattr(send, "__module__", None) != "httpx._transports.default":
        return True
    httpcore = sys.modules.get("httpcore")
    pool = getattr(httpcore, "AsyncConnectionPool", None)
    handle = getattr(pool, "handle_async_request", None)
    return handle is not None and getattr(handle, "__module__", None) != (
        "httpcore._async.connection_pool"
    )


def default_transport() -> Transport:
    """The pool an ``AsyncClient`` left to its default builds, chosen once, when it is built
    (the first request, in the client's event loop).

    aiohttp's under asyncio: it costs a fraction of httpx's client CPU per request at every
    concurrency (0.05-0.3x from 16 to 1,024 calls in flight, warm pool; benchmarks/README.md),
    because httpcore scans every pooled connection, with a socket poll each, for every request.
    httpx's under trio (aiohttp runs on asyncio only), when aiohttp is missing, and when
    httpx's transport is patched by a mocking library, so the mock sees the requests.
    """
    asyncio = sys.modules.get("asyncio")
    if asyncio is None:
        return "httpx"
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # trio, or no event loop at all
        return "httpx"
    if _httpx_patched() or importlib.util.find_spec("httpx_aiohttp") is None:
        return "httpx"
    return "aiohttp"


# -- one SSL context per process ----------------------------------------------------------------
# httpx builds a new SSL context for every client (``ssl.create_default_context()`` plus loading
# certifi's CA bundle: measured ~17 ms and ~800 KiB of native memory per client). Our clients share
# one instead, made on first use by an https client. Sharing is safe: an ``ssl.SSLContext`` is
# only read once built (we never change it after creation), and OpenSSL's SSL_CTX is thread-safe
# for making connections (``wrap_socket``/``wrap_bio``, which is all httpcore and asyncio do with
# it), whatever the thread or event loop; the session cache inside it is locked by OpenSSL.
_ssl_lock = threading.Lock()
_ssl_contexts: dict[tuple[str, str], ssl.SSLContext] = {}

#: What ``verify=`` gets for a plain-http (loopback) base URL: httpx passes any value other than
#: True, False or a string through as the pool's SSL context, and httpcore builds one only if an
#: https connection is ever opened, so no context is made at all. (``verify=False`` would still
#: build an unverified context.)
_NO_TLS: Any = None


def shared_ssl_context() -> ssl.SSLContext:
    """The SSL context every client of this process shares, made on first call (thread-safe).

    Built exactly as httpx builds its own (``httpx.create_ssl_context()``): certifi's CA bundle,
    or the file or directory named by ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` when set. The
    context is kept per value of those two variables, so changing them takes effect for clients
    built afterwards.
    """
    key = (os.environ.get("SSL_CERT_FILE", ""), os.environ.get("SSL_CERT_DIR", ""))
    context = _ssl_contexts.get(key)
    if context is None:
        with _ssl_lock:
            context = _ssl_contexts.get(key)
            if context is None:
                context = httpx.create_ssl_context(verify=True, trust_env=True)
                _ssl_contexts[key] = context
    return context


def _bundle_context(path: str) -> ssl.SSLContext:
    """The SSL context trusting the CA bundle at ``path`` (a file or a directory), made once
    per path and shared like the default one.

    Raises:
        ConfigurationError: ``path`` does not exist or holds no usable certificate.
    """
    import ssl  # noqa: PLC0415 - lazy: only a client given a CA bundle needs it here

    key = ("verify", path)
    context = _ssl_contexts.get(key)
    if context is not None:
        return context
    with _ssl_lock:
        context = _ssl_contexts.get(key)
        if context is None:
            try:
                if os.path.isdir(path):
                    context = ssl.create_default_context(capath=path)
                else:
                    context = ssl.create_default_context(cafile=path)
            except (OSError, ssl.SSLError, ValueError) as exc:
                raise ConfigurationError(
                    f"verify={path!r} must name a CA bundle (a PEM file, or a directory of "
                    f"hashed certificates): {exc}"
                ) from None
            _ssl_contexts[key] = context
    return context


def _unverified_context() -> ssl.SSLContext:
    """The shared context of ``verify=False``: TLS without checking the server's certificate."""
    import ssl  # noqa: PLC0415 - lazy: only verify=False needs it here

    key = ("verify", "")
    context = _ssl_contexts.get(key)
    if context is None:
        with _ssl_lock:
            context = _ssl_contexts.get(key)
            if context is None:
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                _ssl_contexts[key] = context
    return context


def checked_verify(verify: object, base_url: str, http_client: object) -> ssl.SSLContext | None:
    """The SSL context of the pools a client with ``verify=`` builds, or None for the default
    (the shared context, ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` honoured).

    A CA bundle's context is made here (once per path), so a wrong path fails at construction.

    Raises:
        ConfigurationError: ``verify`` is not one of the forms it takes, ``False`` for a host
            that is not loopback, a path that is not a CA bundle, or given with an
            ``http_client`` (configure that client's TLS on it).
    """
    if verify is True:
        return None
    if http_client is not None:
        raise ConfigurationError(
            "verify= configures the client's own pool; for an http_client you pass in, give "
            "verify= to that client (httpx.Client(verify=...))"
        )
    if verify is False:
        host = urlsplit(base_url).hostname or ""
        if not _is_loopback(host):
            raise ConfigurationError(
                f"verify=False turns off the server's certificate check, which would let anyone "
                f"on the path read the API key: it is allowed only for loopback hosts, not "
                f"{host!r}; pass verify= a CA bundle or an ssl.SSLContext trusting its CA instead"
            )
        return _unverified_context()
    if isinstance(verify, str | os.PathLike):
        return _bundle_context(os.fspath(verify))
    import ssl  # noqa: PLC0415 - lazy: only a client given verify= needs it

    if isinstance(verify, ssl.SSLContext):
        return verify
    raise ConfigurationError(
        "verify must be True, False (loopback only), a CA bundle path or an ssl.SSLContext, "
        f"got {type(verify).__name__}"
    )


def _plain(base_url: str) -> bool:
    """True for a plain-http base URL (loopback only: ``Config`` refuses other http hosts)."""
    return urlsplit(base_url).scheme == "http"


def _pool_options(config: Config, context: ssl.SSLContext | None = None) -> dict[str, Any]:
    """What every pool we build for ``config`` takes (``context``: ``checked_verify``'s).

    ``trust_env=False`` for a loopback ``http://`` URL: httpx would otherwise send the request,
    ``Authorization`` header and all, in clear to a proxy named by ``HTTP_PROXY`` or
    ``ALL_PROXY`` (it does not exempt loopback hosts). Nothing else of the environment matters
    to such a pool: no TLS, and no ``.netrc`` (which would replace our key). An https URL keeps
    the environment's proxies, which see only a ``CONNECT`` tunnel.
    """
    plain = _plain(config.base_url)
    options = {
        "timeout": http_timeout(config.timeout),
        "limits": LIMITS,
        "verify": _NO_TLS if plain else context or shared_ssl_context(),
        "trust_env": not plain,
        "headers": {"Accept-Encoding": ACCEPT_ENCODING},
    }
    if config.http2:  # offered in TLS (ALPN); a plain-http loopback URL stays on HTTP/1.1
        options["http2"] = True
    return options


def sync_http_client(config: Config, context: ssl.SSLContext | None = None) -> httpx.Client:
    """The ``httpx.Client`` a ``Client`` builds for itself (``context``: ``checked_verify``'s)."""
    http = httpx.Client(**_pool_options(config, context))
    bound_pools(http)
    return http


def async_http_client(
    config: Config, transport: Transport | None = "httpx", context: ssl.SSLContext | None = None
) -> httpx.AsyncClient:
    """The ``httpx.AsyncClient`` an ``AsyncClient`` builds for itself, sending with httpx's own
    pool or, for ``transport="aiohttp"``, with aiohttp's (imported here, on first use), with
    ``context`` (``checked_verify``'s) for TLS. ``transport=None``: ``default_transport()``'s.

    Raises:
        ConfigurationError: aiohttp was asked for and is not installed.
    """
    if transport is None:
        transport = default_transport()
        if transport == "aiohttp":
            try:
                from openrouter_kit._aiohttp import AiohttpClient  # noqa: PLC0415 - lazy: optional pool
            except ImportError:  # installed but broken: the default falls back to httpx's pool
                transport = "httpx"
            else:
                return AiohttpClient(**_pool_options(config, context))
    if transport == "aiohttp":
        try:
            from openrouter_kit._aiohttp import AiohttpClient  # noqa: PLC0415 - lazy: optional extra
        except ImportError as exc:
            raise ConfigurationError(f"{_AIOHTTP_MISSING} ({exc})") from None
        return AiohttpClient(**_pool_options(config, context))
    http = httpx.AsyncClient(**_pool_options(config, context))
    bound_pools(http)
    return http


def checked_http_client(http: httpx.Client | httpx.AsyncClient, base_url: str) -> None:
    """Prepare an ``http_client`` the caller passed in: its pools get the time bounds (a
    pass-through outside our calls), and it may not send a loopback ``http://`` URL through a
    proxy.

    Raises:
        ConfigurationError: ``http`` would send plain-http requests, and so the key in clear,
            through a proxy (as ``HTTP_PROXY`` makes httpx do unless ``trust_env=False``).
    """
    bound_pools(http)
    if not _plain(base_url):
        return
    transport_for = getattr(http, "_transport_for_url", None)
    transport = transport_for(httpx.URL(base_url)) if transport_for is not None else None
    pool = getattr(transport, "_pool", None)
    if pool is not None and "Proxy" in type(pool).__name__:  # httpcore's HTTP and SOCKS proxies
        raise ConfigurationError(
            f"the http_client sends {urlsplit(base_url).netloc} through a proxy, which would see "
            "the API key in clear over plain http://: build it with trust_env=False (or without "
            "the proxy), or use https://"
        )


class RequestBuilder:
    """Builds the httpx request of each attempt for one pool.

    For a pool we built, it makes once what does not change between requests: the headers
    merged with the pool's defaults, the parsed URL and the timeout settings.
    ``http.build_request`` redoes all of that on every call, which costs more than the rest of
    our side of a request; the requests are the same. A pool passed in by the caller
    (``own=False``) may carry auth, cookies or event hooks, so its own ``build_request`` makes
    its requests.
    """

    __slots__ = ("_defaults", "_headers", "_theirs", "_timeouts", "_urls")

    #: Entries kept per cache (header sets and URLs are few; ids in query strings are not kept).
    LIMIT = 64

    def __init__(self, http: httpx.Client | httpx.AsyncClient, *, own: bool = True) -> None:
        self._theirs = None if own else http
        self._defaults = http.headers
        self._headers: dict[tuple[tuple[str, str], ...], httpx.Headers] = {}
        self._urls: dict[str, httpx.URL] = {}
        self._timeouts: dict[Timeouts, dict[str, float | None]] = {}

    #: Added to the requests of a pool passed in: we ask only for what ``BodyDecoder`` undoes.
    _ACCEPT = (("Accept-Encoding", ACCEPT_ENCODING),)

    def build(
        self,
        method: str,
        url: str,
        headers: tuple[tuple[str, str], ...],
        body: bytes | None,
        timeouts: Timeouts,
    ) -> httpx.Request:
        """The request, as ``http.build_request`` makes it (without cookies for our pools)."""
        theirs = self._theirs
        if theirs is not None:
            return theirs.build_request(
                method,
                url,
                headers=self._ACCEPT + headers,
                content=body,
                timeout=http_timeout(timeouts),
            )
        merged = self._headers.get(headers)
        if merged is None:
            merged = httpx.Headers(self._defaults)
            merged.update(headers)
            if len(self._headers) < self.LIMIT:
                self._headers[headers] = merged
        parsed = self._urls.get(url)
        if parsed is None:
            parsed = httpx.URL(url)
            if len(self._urls) < self.LIMIT and "?" not in url:
                self._urls[url] = parsed
        timeout = self._timeouts.get(timeouts)
        if timeout is None:
            timeout = self._timeouts.setdefault(timeouts, http_timeout(timeouts).as_dict())
        # Request copies the headers, so the cached ones are never changed.
        return httpx.Request(
            method, parsed, headers=merged, content=body, extensions={"timeout": timeout}
        )


#: httpx failures that prove the request was not sent in full: the server cannot have acted on
#: it. (httpcore reads the response after a failed write, in case the server answered early, so
#: a write failure often surfaces as a read failure instead, and is then taken as "maybe".)
_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
    httpx.LocalProtocolError,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
)

_MAYBE_PROCESSED = (
    "; the request had been sent in full, so the server may have processed it: not retried "
    "(see MaybeProcessedError)"
)


def map_transport_error(
    exc: httpx.HTTPError,
    api_key: str | None,
    *,
    response_started: bool = False,
    limit: ReadLimit | None = None,
) -> OpenRouterError:
    """Return our exception for an httpx failure (the caller raises it ``from exc``).

    ``response_started``: the failure came after the response began (it is then not retried).
    Before that, a failure that does not prove the request unsent is a ``MaybeProcessedError``.
    ``limit``: the reads' limit, which names the bound when it is the one that fired (a
    connect or pool timeout cut to what was left of the deadline is the deadline's).
    """
    detail = redact(str(exc), api_key) or type(exc).__name__
    maybe = not response_started and not isinstance(exc, _NOT_SENT)
    if isinstance(exc, httpx.TimeoutException):
        name = TIMEOUT_NAMES.get(type(exc), "read")
        if limit is not None and (
            limit.fired  # a read or write cut short by the limit
            or (limit.name == "deadline" and time.monotonic() >= limit.at)  # a capped phase
        ):
            name, detail = limit.name, limit.describe()
        timeout_cls = MaybeProcessedTimeoutError if maybe else RequestTimeoutError
        return timeout_cls(
            f"{name} timeout: {detail}{_MAYBE_PROCESSED if maybe else ''}",
            timeout=name,
            response_started=response_started,
        )
    connection_cls = MaybeProcessedConnectionError if maybe else APIConnectionError
    return connection_cls(
        f"connection failed ({type(exc).__name__}): {detail}{_MAYBE_PROCESSED if maybe else ''}",
        response_started=response_started,
    )


def stream_broken(
    exc: httpx.HTTPError,
    assembler: StreamAssembler,
    api_key: str | None,
    limit: ReadLimit | None = None,
) -> OpenRouterError:
    """The error for a stream whose connection failed or timed out midway (partial answer on
    ``.response``)."""
    error = map_transport_error(exc, api_key, response_started=True, limit=limit)
    error.message = f"the stream broke after {assembler.chunk_count} chunk(s): {error.message}"
    error.args = (error.message,)
    error.response = redact_model(assembler.final_response(), api_key)
    return error


def body_decoder(response: httpx.Response, max_bytes: int | None) -> BodyDecoder:
    """The decoder of ``response``'s body, within ``max_bytes`` once decoded."""
    return BodyDecoder(response.headers.get("content-encoding"), max_bytes, response.status_code)


def read_already(response: httpx.Response, max_bytes: int | None) -> bytes | None:
    """The body of a response its transport returned already read (``httpx.MockTransport``
    and other transports that build ``Response(content=...)``; httpx decoded it), within
    ``max_bytes``; None for a body still to be read."""
    if not response.is_stream_consumed:
        return None
    content = response.content
    if max_bytes is not None and len(content) > max_bytes:
        BodyDecoder(None, max_bytes, response.status_code).feed(content)  # raises
    return content


def read_body(response: httpx.Response, max_bytes: int | None) -> bytes:
    """The whole decoded body of ``response`` (``response.read()`` within ``max_bytes``).

    Raises:
        ResponseTooLargeError: it decodes to more than ``max_bytes``.
        InvalidResponseError: an encoding we did not ask for, or one that does not decode.
        httpx.HTTPError: reading failed.
    """
    content = read_already(response, max_bytes)
    if content is not None:
        return content
    decoder = body_decoder(response, max_bytes)
    parts = [decoder.feed(raw) for raw in response.iter_raw()]
    parts.append(decoder.flush())
    return b"".join(parts)


async def aread_body(response: httpx.Response, max_bytes: int | None) -> bytes:
    """Same as ``read_body``, but awaitable."""
    content = read_already(response, max_bytes)
    if content is not None:
        return content
    decoder = body_decoder(response, max_bytes)
    parts = [decoder.feed(raw) async for raw in response.aiter_raw()]
    parts.append(decoder.flush())
    return b"".join(parts)


def decoded(response: httpx.Response, max_bytes: int | None) -> Iterator[bytes]:
    """The decoded pieces of a streamed body as they are read (``iter_bytes()`` within
    ``max_bytes`` in all)."""
    content = read_already(response, max_bytes)
    if content is not None:
        yield content
        return
    decoder = body_decoder(response, max_bytes)
    for raw in response.iter_raw():
        yield decoder.feed(raw)
    tail = decoder.flush()
    if tail:
        yield tail
