"""The pools the clients build: one shared SSL context per process, none for loopback http, and
the choice of async transport (checked at construction, aiohttp imported only on first use)."""

from __future__ import annotations

import importlib.util
import ssl
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import certifi
import httpx
import pytest

from openrouter_kit import AsyncClient, Client, errors
from openrouter_kit import _http as transport_module

HTTPS = "https://openrouter.ai/api/v1"
LOOPBACK = "http://127.0.0.1:8765/api/v1"
CERT_DIR = str(Path(certifi.where()).parent)
SHELLS = [Client, AsyncClient]
HAS_AIOHTTP = importlib.util.find_spec("httpx_aiohttp") is not None
needs_aiohttp = pytest.mark.skipif(not HAS_AIOHTTP, reason="the aiohttp extra is not installed")


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """A fresh process-wide cache, and a record of every SSL context made from now on (by
    anyone: ``ssl.create_default_context``, ``ssl.SSLContext(...)``, httpx or aiohttp)."""
    if HAS_AIOHTTP:
        import aiohttp  # noqa: F401 - aiohttp makes its own two contexts once, when imported

    monkeypatch.setattr(transport_module, "_ssl_contexts", {})
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)  # as httpx: certifi unless these are set
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    record: list[tuple[Any, ...]] = []
    original_new = ssl.SSLContext.__new__
    original_default = ssl.create_default_context

    def new(cls: type[ssl.SSLContext], *args: Any, **kwargs: Any) -> ssl.SSLContext:
        record.append(("SSLContext", args))
        return original_new(cls, *args, **kwargs)

    def create_default_context(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        record.append(("create_default_context", kwargs))
        return original_default(*args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "__new__", new)
    monkeypatch.setattr(ssl, "create_default_context", create_default_context)
    return record


def close(client: Client | AsyncClient) -> None:
    """Close without an event loop: the pools never opened a connection."""
    http = client._http
    if isinstance(http, httpx.Client):
        http.close()
    client._http = None


@pytest.mark.parametrize("cls", SHELLS)
def test_many_https_clients_share_one_ssl_context(
    cls: type[Client | AsyncClient], made: list[tuple[Any, ...]]
) -> None:
    clients = [cls(base_url=HTTPS) for _ in range(20)]
    assert made == []  # nothing is built before first use
    pools = [c._client() for c in clients]
    assert [kind for kind, _ in made] == ["create_default_context", "SSLContext"]
    shared = transport_module.shared_ssl_context()
    for pool in pools:
        assert pool._transport._pool._ssl_context is shared
    # Built as httpx builds its own: certifi's bundle, verified, hostnames checked.
    assert made[0][1] == {"cafile": certifi.where()}
    assert shared.verify_mode == ssl.CERT_REQUIRED
    assert shared.check_hostname
    for client in clients:
        close(client)


def test_blocking_and_async_clients_share_it_too(made: list[tuple[Any, ...]]) -> None:
    sync, other = Client(base_url=HTTPS), AsyncClient(base_url=HTTPS)
    assert sync._client()._transport._pool._ssl_context is (
        other._client()._transport._pool._ssl_context
    )
    assert len(made) == 2  # create_default_context, and the context it made
    close(sync)
    close(other)


@pytest.mark.parametrize("cls", SHELLS)
def test_a_loopback_http_client_makes_no_ssl_context(
    cls: type[Client | AsyncClient], made: list[tuple[Any, ...]]
) -> None:
    client = cls(base_url=LOOPBACK)
    assert client._client()._transport._pool._ssl_context is None
    assert made == []
    assert transport_module._ssl_contexts == {}
    close(client)


@needs_aiohttp
@pytest.mark.parametrize("base_url", [HTTPS, LOOPBACK])
def test_the_aiohttp_transport_uses_the_shared_context_or_none(
    base_url: str, made: list[tuple[Any, ...]]
) -> None:
    from openrouter_kit._aiohttp import AiohttpTransport

    client = AsyncClient(base_url=base_url, transport="aiohttp")
    pool = client._client()._transport
    assert isinstance(pool, AiohttpTransport)
    if base_url == HTTPS:
        assert pool.ssl_context is transport_module.shared_ssl_context()
        assert len(made) == 2
    else:
        assert pool.ssl_context is None
        assert made == []


def test_threads_racing_to_the_first_client_make_one_context(
    monkeypatch: pytest.MonkeyPatch, made: list[tuple[Any, ...]]
) -> None:
    calls: list[int] = []
    create = httpx.create_ssl_context
    threads_in = threading.Barrier(16)

    def slow_create(**kwargs: Any) -> ssl.SSLContext:
        calls.append(1)
        threading.Event().wait(0.05)  # widen the window in which a second creator could enter
        return create(**kwargs)

    monkeypatch.setattr(httpx, "create_ssl_context", slow_create)
    contexts: list[ssl.SSLContext] = []

    def first_use() -> None:
        client = Client(base_url=HTTPS)
        threads_in.wait()
        contexts.append(client._client()._transport._pool._ssl_context)
        close(client)

    threads = [threading.Thread(target=first_use) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len(contexts) == 16
    assert len({id(c) for c in contexts}) == 1


def test_ssl_cert_file_and_dir_are_honoured_like_httpx(
    monkeypatch: pytest.MonkeyPatch, made: list[tuple[Any, ...]]
) -> None:
    default = transport_module.shared_ssl_context()
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    from_file = transport_module.shared_ssl_context()
    assert from_file is not default
    assert transport_module.shared_ssl_context() is from_file  # still one per setting
    monkeypatch.delenv("SSL_CERT_FILE")
    monkeypatch.setenv("SSL_CERT_DIR", CERT_DIR)
    from_dir = transport_module.shared_ssl_context()
    monkeypatch.delenv("SSL_CERT_DIR")
    assert transport_module.shared_ssl_context() is default
    settings = [kwargs for kind, kwargs in made if kind == "create_default_context"]
    assert settings == [
        {"cafile": certifi.where()},
        {"cafile": certifi.where()},
        {"capath": CERT_DIR},
    ]
    assert from_dir not in (default, from_file)


@pytest.mark.parametrize("cls", SHELLS)
def test_a_given_http_client_is_used_as_is(
    cls: type[Client | AsyncClient], made: list[tuple[Any, ...]]
) -> None:
    http = httpx.Client() if cls is Client else httpx.AsyncClient()
    made.clear()  # the user's own client made its own context: that is theirs
    client = cls(base_url=HTTPS, http_client=http)
    assert client._client() is http
    assert made == []


# -- choosing the transport -------------------------------------------------------------------
def test_the_blocking_client_takes_httpx_only() -> None:
    assert Client(transport="httpx")._transport == "httpx"
    with pytest.raises(errors.ConfigurationError, match=r"Client \(blocking\).*AsyncClient"):
        Client(transport="aiohttp")


@pytest.mark.parametrize("cls", SHELLS)
@pytest.mark.parametrize("value", ["requests", "", "auto", httpx.HTTPTransport])
def test_an_unknown_transport_names_the_valid_ones(
    cls: type[Client | AsyncClient], value: Any
) -> None:
    with pytest.raises(errors.ConfigurationError, match="one of 'httpx', 'aiohttp', got"):
        cls(transport=value)


def test_transport_and_http_client_do_not_mix() -> None:
    with pytest.raises(errors.ConfigurationError, match="either http_client or transport"):
        AsyncClient(transport="aiohttp", http_client=httpx.AsyncClient())
    assert AsyncClient(transport="httpx", http_client=httpx.AsyncClient())._transport == "httpx"


def test_a_missing_aiohttp_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    find_spec = importlib.util.find_spec

    def without_it(name: str, *args: Any) -> Any:
        return None if name == "httpx_aiohttp" else find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", without_it)
    with pytest.raises(errors.ConfigurationError, match=r"pip install 'openrouter-kit\[aiohttp\]'"):
        AsyncClient(transport="aiohttp")


@needs_aiohttp
def test_a_broken_aiohttp_install_fails_at_first_use_with_the_same_advice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = AsyncClient(transport="aiohttp")
    monkeypatch.setitem(sys.modules, "openrouter_kit._aiohttp", None)  # import fails
    with pytest.raises(errors.ConfigurationError, match=r"pip install 'openrouter-kit\[aiohttp\]'"):
        client._client()


@needs_aiohttp
def test_aiohttp_is_imported_on_first_use_only() -> None:
    code = (
        "import sys\n"
        "from openrouter_kit import AsyncClient\n"
        "client = AsyncClient(api_key='k', transport='aiohttp')\n"
        "assert not {'aiohttp', 'httpx_aiohttp'} & set(sys.modules), 'imported early'\n"
        "client._client()\n"
        "assert 'aiohttp' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@needs_aiohttp
def test_copies_share_the_aiohttp_pool() -> None:
    client = AsyncClient(transport="aiohttp")
    copy = client.with_options(max_retries=0)
    assert copy._transport == "aiohttp"
    assert copy._client() is client._client()
    assert type(client._client()).__name__ == "AiohttpClient"


# -- what every pool gets: no proxy for loopback http, the encodings we decode, time bounds ----
@pytest.mark.parametrize("base_url", [HTTPS, LOOPBACK])
def test_only_a_loopback_http_pool_ignores_the_environment(base_url: str) -> None:
    # The environment's proxies see only a CONNECT tunnel for https; for plain http they would
    # see the key (F12).
    options = transport_module._pool_options(Client(base_url=base_url)._config)
    assert options["trust_env"] is (base_url == HTTPS)
    assert options["headers"] == {"Accept-Encoding": "gzip, deflate"}


@pytest.mark.parametrize("cls", SHELLS)
def test_our_pools_read_through_the_bounded_backend(cls: type[Client | AsyncClient]) -> None:
    client = cls(base_url=LOOPBACK)
    http = client._client()
    assert type(http._transport._pool._network_backend).__name__ in {"_Backend", "_AsyncBackend"}
    close(client)


def _whole(request: httpx.Request) -> httpx.Response:
    body = (
        b'{"id": "g", "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}}]}'
    )
    return httpx.Response(200, content=body, headers={"content-type": "application/json"})


def test_a_transport_that_returns_whole_responses_works_within_the_cap() -> None:
    # httpx.MockTransport (and any transport building Response(content=...)) returns bodies
    # already read; they are used as they are, still within max_response_bytes.
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _whole(request)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = Client(http_client=http, max_retries=0)
    assert client.complete(model="a/b", messages=[{"role": "user", "content": "hi"}]).text == "hi"
    assert seen[0].headers["accept-encoding"] == "gzip, deflate"  # asked of their pool too
    with pytest.raises(errors.ResponseTooLargeError):
        client.with_options(max_response_bytes=10).complete(
            model="a/b", messages=[{"role": "user", "content": "hi"}]
        )


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_an_async_transport_that_returns_whole_responses_works_too() -> None:
    def sse(request: httpx.Request) -> httpx.Response:
        choice = b'{"index": 0, "delta": {"content": "hi"}, "finish_reason": "stop"}'
        chunk = b'data: {"id": "g", "choices": [' + choice + b"]}\n\n"
        return httpx.Response(
            200, content=chunk + b"data: [DONE]\n\n", headers={"content-type": "text/event-stream"}
        )

    http = httpx.AsyncClient(transport=httpx.MockTransport(sse))
    async with AsyncClient(http_client=http, max_retries=0) as client:
        stream = client.stream(model="a/b", messages=[{"role": "user", "content": "hi"}])
        assert (await stream.final_response()).text == "hi"
    await http.aclose()
