"""HTTP/2 on request, the generic request's wire, raw answers and the management key, through
pytest-httpx, one body for both shells."""

from __future__ import annotations

import importlib.util
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

from openrouter_kit import AsyncClient, Client, Pkce
from openrouter_kit._http import check_http2
from openrouter_kit.errors import ConfigurationError, ValidationError
from tests.conftest import CANARY_KEY
from tests.shells.conftest import BASE, call

pytestmark = pytest.mark.anyio
MANAGEMENT = "sk-or-v1-management-0123456789"


async def test_http2_builds_an_http2_pool(make_client: Any) -> None:
    client = make_client(http2=True)
    pool = client._client()._transport._pool
    assert pool._http2 is True


def test_http2_is_refused_where_it_cannot_work(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match="aiohttp"):
        check_http2(True, "aiohttp", None)
    with pytest.raises(ConfigurationError, match="http_client"):
        Client(api_key=CANARY_KEY, http2=True, http_client=httpx.Client())
    with pytest.raises(ConfigurationError, match="True or False"):
        Client(api_key=CANARY_KEY, http2="yes")  # type: ignore[arg-type]
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ConfigurationError, match=r"openrouter-kit\[http2\]"):
        AsyncClient(api_key=CANARY_KEY, http2=True)


async def test_request_sends_what_it_was_given(make_client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=f"{BASE}/presets?limit=5&on=true", json={"data": []})
    client = make_client()
    assert await call(client.request("GET", "/presets", params={"limit": 5, "on": True})) == {
        "data": []
    }
    httpx_mock.add_response(method="PATCH", url=f"{BASE}/presets/a%20b", json={"ok": 1})
    assert await call(client.request("PATCH", "/presets/a%20b", json={"x": [1]})) == {"ok": 1}
    sent = httpx_mock.get_requests()[-1]
    assert sent.content == b'{"x":[1]}'
    assert sent.headers["authorization"] == f"Bearer {CANARY_KEY}"


async def test_request_never_leaves_the_base_url(make_client: Any, httpx_mock: HTTPXMock) -> None:
    client = make_client()
    for path in ("https://other.example/x", "//other.example/x", "/x?y=1", "/../x"):
        with pytest.raises(ValidationError):
            await call(client.request("GET", path))
    with pytest.raises(ValidationError, match="cast_to"):
        await call(client.request("GET", "/key", cast_to=dict))
    assert httpx_mock.get_requests() == []


async def test_raw_headers_are_scrubbed(make_client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        url=f"{BASE}/key",
        json={"data": {"label": "x"}},
        headers={
            "x-request-id": "req-1",
            "x-ratelimit-remaining": "9",
            "set-cookie": "session=abc",
            "x-echo": f"key {CANARY_KEY}",
        },
    )
    client = make_client()
    raw = await call(client.with_raw_response.key_info())
    assert raw.request_id == "req-1"
    assert raw.rate_limit == {"x-ratelimit-remaining": "9"}
    assert CANARY_KEY not in repr(raw.headers)
    assert raw.data.label == "x"
    assert "RawResponse 200" in repr(raw)


async def test_the_management_key_goes_only_to_management_calls(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url=f"{BASE}/keys", json={"data": []})
    httpx_mock.add_response(url=f"{BASE}/credits", json={"data": {"total_credits": 1}})
    httpx_mock.add_response(url=f"{BASE}/key", json={"data": {}})
    client = make_client(management_key=MANAGEMENT)
    assert MANAGEMENT not in repr(client)
    await call(client.keys.list())
    await call(client.credits())
    await call(client.key_info())
    keys, credits, key = httpx_mock.get_requests()
    assert (
        keys.headers["authorization"] == credits.headers["authorization"] == f"Bearer {MANAGEMENT}"
    )
    assert key.headers["authorization"] == f"Bearer {CANARY_KEY}"


async def test_the_management_key_comes_from_the_environment(
    make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENROUTER_MANAGEMENT_KEY", MANAGEMENT)
    assert make_client()._config.management_key == MANAGEMENT
    for bad in (" ", "a b", "é" * 8):
        with pytest.raises(ConfigurationError, match="management key"):
            make_client(management_key=bad)


async def test_the_exchange_sends_no_key_when_the_client_has_none(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url=f"{BASE}/auth/keys", json={"key": "sk-or-v1-x", "user_id": "u"})
    client = make_client(api_key="", management_key=MANAGEMENT)
    pkce = Pkce.create()
    user = await call(client.exchange_auth_code("c", code_verifier=pkce.verifier))
    assert user.user_id == "u"
    sent = httpx_mock.get_requests()[-1]
    assert "authorization" not in sent.headers
    assert sent.content.startswith(b'{"code":"c","code_verifier":')


def test_pkce_values() -> None:
    from openrouter_kit._oauth import code_challenge

    # RFC 7636 appendix B
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert code_challenge(verifier, "plain") == verifier
    with pytest.raises(ValidationError):
        code_challenge(verifier, "S512")  # type: ignore[arg-type]
    pair = Pkce.create()
    assert len(pair.verifier) == 64
    assert code_challenge(pair.verifier) == pair.challenge
    url = Client(api_key=CANARY_KEY).authorization_url("https://app.example/cb")
    assert url == "https://openrouter.ai/auth?callback_url=https%3A%2F%2Fapp.example%2Fcb"
    from openrouter_kit._oauth import site_url

    assert site_url("https://proxy.example/openrouter") == "https://proxy.example"


async def test_the_auth_code_is_made_with_the_api_key(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    """``POST /auth/keys/code`` has the spec's default ``apiKey`` security (no management key,
    unlike ``/keys``): the API key goes, even when the client also holds a management key."""
    httpx_mock.add_response(
        url=f"{BASE}/auth/keys/code",
        method="POST",
        json={"data": {"id": "auth_code_1", "app_id": 1, "created_at": "2026-01-01T00:00:00Z"}},
    )
    client = make_client(management_key=MANAGEMENT)
    made = await call(client.create_auth_code("https://app.example/cb", code_challenge="c"))
    assert made.id == "auth_code_1"
    sent = httpx_mock.get_requests()[-1]
    assert sent.headers["authorization"] == f"Bearer {CANARY_KEY}"
    only_management = make_client(api_key="", management_key=MANAGEMENT)
    with pytest.raises(ConfigurationError, match="needs an API key"):
        await call(only_management.create_auth_code("https://app.example/cb"))
    assert len(httpx_mock.get_requests()) == 1
