"""Key management, sign-in with OpenRouter, the generic request and raw answers, through real
sockets against the emulator, in both shells."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from openrouter_kit import (
    ApiKey,
    AsyncClient,
    Client,
    CompletionResponse,
    CreatedApiKey,
    Pkce,
    RawResponse,
    ResponseHealingPlugin,
    WebPlugin,
    WebSearchTool,
    WebSearchToolConfig,
)
from openrouter_kit.errors import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ModelNotFoundError,
    OpenRouterError,
    PermissionDeniedError,
    ValidationError,
)
from openrouter_kit.testing import Emulator
from tests.shells.conftest import call

pytestmark = pytest.mark.anyio
MESSAGES = [{"role": "user", "content": "Hi"}]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["sync", "async"])
async def make(request: pytest.FixtureRequest, emu: Emulator) -> AsyncIterator[Any]:
    """A factory of clients of the shell under test, against the emulator; all closed after."""
    made: list[Client | AsyncClient] = []
    cls = Client if request.param == "sync" else AsyncClient

    def factory(**kwargs: Any) -> Client | AsyncClient:
        kwargs.setdefault("base_url", emu.base_url)
        kwargs.setdefault("max_retries", 0)
        client = cls(**kwargs)
        made.append(client)
        return client

    yield factory
    for client in made:
        await call(client.close())


async def test_key_management_round_trip(make: Any, emu: Emulator) -> None:
    admin = make(api_key=emu.api_key, management_key=emu.management_key)
    created = await call(admin.keys.create(name="customer-42", limit=10, limit_reset="monthly"))
    assert isinstance(created, CreatedApiKey)
    assert created.key.startswith("sk-or-v1-")
    assert created.key not in repr(created)
    assert "key='***'" in repr(created)
    record = created.data
    assert isinstance(record, ApiKey)
    assert (record.name, record.limit, record.limit_reset, record.disabled) == (
        "customer-42",
        Decimal(10),
        "monthly",
        False,
    )
    assert [k.hash for k in await call(admin.keys.list())] == [record.hash]
    got = await call(admin.keys.get(record.hash))
    assert got.label == record.label
    assert created.key not in got.label

    updated = await call(admin.keys.update(record.hash, disabled=True, limit=None))
    assert updated.disabled is True
    assert updated.limit is None
    assert emu.requests[-1].json == {"disabled": True, "limit": None}  # null sent explicitly
    assert await call(admin.keys.list()) == []
    assert len(await call(admin.keys.list(include_disabled=True, offset=0))) == 1

    # the disabled key is refused by the API
    customer = make(api_key=created.key)
    with pytest.raises(AuthenticationError):
        await call(customer.complete(model="openai/gpt-4o-mini", messages=MESSAGES))

    deleted = await call(admin.keys.delete(record.hash))
    assert deleted.deleted is True
    with pytest.raises(ModelNotFoundError) as info:
        await call(admin.keys.get(record.hash))
    assert "base_url" not in info.value.message  # a missing key, not a wrong URL


async def test_the_management_key_stays_secret(
    make: Any, emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="openrouter_kit")
    # no API key (api_key="" over the environment's): key management only
    admin = make(api_key="", management_key=emu.management_key)
    assert emu.management_key not in repr(admin)
    assert emu.management_key not in repr(admin._config)
    await call(admin.keys.create(name="k"))
    emu.error(500, f"upstream echoed {emu.management_key}", path="/keys")
    with pytest.raises(OpenRouterError) as info:
        await call(admin.keys.list())
    shown = f"{info.value} {info.value!r} {info.value.body} {caplog.text}"
    assert emu.management_key not in shown
    for recorded in emu.requests:
        assert emu.management_key not in repr(recorded)
    raw = await call(admin.with_raw_response.keys.list())
    assert emu.management_key not in repr(raw.headers)
    # calls that need an API key say so before sending
    with pytest.raises(ConfigurationError, match="needs an API key"):
        await call(admin.complete(model="openai/gpt-4o-mini", messages=MESSAGES))


async def test_key_management_needs_the_management_key(make: Any, emu: Emulator) -> None:
    client = make(api_key=emu.api_key)
    with pytest.raises(ConfigurationError, match="needs a management key"):
        await call(client.keys.list())
    assert emu.requests == []
    wrong = make(api_key=emu.api_key, management_key=emu.api_key)
    with pytest.raises(PermissionDeniedError, match="management keys"):
        await call(wrong.keys.list())


async def test_key_arguments_are_checked_before_sending(make: Any, emu: Emulator) -> None:
    admin = make(management_key=emu.management_key)
    for bad in (
        lambda: admin.keys.create(name=""),
        lambda: admin.keys.create(name="k", limit=-1),
        lambda: admin.keys.create(name="k", limit_reset="hourly"),
        lambda: admin.keys.get("../credits"),
        lambda: admin.keys.update("abc"),
        lambda: admin.keys.update("abc", name=None),
        lambda: admin.keys.list(offset=-1),
        lambda: admin.keys.list(include_disabled="yes"),
        lambda: admin.keys.list(workspace_id=""),
    ):
        with pytest.raises(ValidationError):
            await call(bad())
    assert emu.requests == []


def _follow_sign_in(url: str) -> str:
    """What a user's browser does on the emulator's sign-in page: the code it brings back."""
    answer = httpx.get(url, follow_redirects=False, trust_env=False)
    assert answer.status_code == 302
    return parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]


async def test_sign_in_with_pkce(make: Any, emu: Emulator) -> None:
    app = make(api_key=emu.api_key)
    pkce = Pkce.create()
    assert pkce.verifier not in repr(pkce)
    url = app.authorization_url("http://localhost:3000/callback", pkce.challenge)
    assert url.startswith(emu.base_url.removesuffix("/api/v1") + "/auth?callback_url=")
    assert "code_challenge_method=S256" in url
    code = _follow_sign_in(url)
    user = await call(app.exchange_auth_code(code, code_verifier=pkce.verifier))
    assert user.key.startswith("sk-or-v1-")
    assert user.user_id == "user_emulator"
    assert user.key not in repr(user)
    with pytest.raises(BadRequestError):  # a code is used once
        await call(app.exchange_auth_code(code, code_verifier=pkce.verifier))
    # the user's key works
    signed_in = make(api_key=user.key)
    assert (await call(signed_in.complete(model="openai/gpt-4o-mini", messages=MESSAGES))).text


async def test_a_wrong_verifier_is_refused(make: Any, emu: Emulator) -> None:
    app = make(api_key=emu.api_key)
    code = _follow_sign_in(app.authorization_url("https://app.example/cb", Pkce.create().challenge))
    with pytest.raises(PermissionDeniedError):
        await call(app.exchange_auth_code(code, code_verifier=Pkce.create().verifier))


async def test_an_app_made_code(make: Any, emu: Emulator) -> None:
    app = make(api_key=emu.api_key)
    pkce = Pkce.create()
    made = await call(
        app.create_auth_code(
            "https://app.example/cb", code_challenge=pkce.challenge, limit=5, key_label="mine"
        )
    )
    assert made.id.startswith("auth_code_")
    assert made.app_id == 1
    assert emu.requests[-1].json["code_challenge_method"] == "S256"
    key = await call(app.exchange_auth_code(made.id, code_verifier=pkce.verifier))
    admin = make(management_key=emu.management_key)
    assert [k.name for k in await call(admin.keys.list())] == ["mine"]
    assert key.key


async def test_sign_in_arguments_are_checked(make: Any, emu: Emulator) -> None:
    app = make(api_key=emu.api_key)
    for bad in (
        lambda: app.authorization_url("http://app.example/cb"),
        lambda: app.authorization_url("ftp://app.example/cb"),
        lambda: app.authorization_url("https://user:pw@app.example/cb"),
        lambda: app.authorization_url("https://app.example/cb", ""),
    ):
        with pytest.raises(ValidationError):
            bad()
    for coro in (
        lambda: app.exchange_auth_code(""),
        lambda: app.exchange_auth_code("code", code_verifier="short"),
        lambda: app.create_auth_code("http://app.example/cb"),
        lambda: app.create_auth_code("https://app.example/cb", key_label="x" * 101),
    ):
        with pytest.raises(ValidationError):
            await call(coro())
    assert emu.requests == []


async def test_generic_request(make: Any, emu: Emulator) -> None:
    client = make(api_key=emu.api_key)
    models = await call(client.request("GET", "/models", params={"limit": 2, "x": None}))
    assert isinstance(models, dict)
    assert len(models["data"]) == 2
    assert emu.requests[-1].query == {"limit": "2"}
    reply = await call(
        client.request(
            "POST",
            "/chat/completions",
            json={"model": "openai/gpt-4o-mini", "messages": MESSAGES},
            cast_to=CompletionResponse,
        )
    )
    assert isinstance(reply, CompletionResponse)
    assert reply.text.startswith("Hello from")
    with pytest.raises(ModelNotFoundError):
        await call(client.request("GET", "/no/such/operation"))
    with pytest.raises(ValidationError):
        await call(client.request("GET", "https://evil.example/models"))


async def test_generic_request_retries_like_every_call(make: Any, emu: Emulator) -> None:
    client = make(api_key=emu.api_key, max_retries=2, backoff_initial=0.01, backoff_max=0.01)
    seen: list[Any] = []
    client.hooks.retry.append(seen.append)
    emu.error(503, "busy", times=1, path="/key")
    assert (await call(client.request("GET", "/key")))["data"]["label"]
    assert len(seen) == 1


async def test_raw_responses(make: Any, emu: Emulator) -> None:
    client = make(api_key=emu.api_key)
    raw = await call(
        client.with_raw_response.complete(model="openai/gpt-4o-mini", messages=MESSAGES)
    )
    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200
    assert isinstance(raw.parse(), CompletionResponse)
    assert raw.data is raw.parse()
    assert raw.generation_id == raw.data.id
    assert raw.http_version == "HTTP/1.1"
    assert "authorization" not in raw.headers
    assert emu.api_key not in repr(raw.headers)
    assert raw.rate_limit == {}
    listed = await call(client.with_raw_response.request("GET", "/key"))
    assert listed.status_code == 200
    assert listed.data["data"]["label"]
    models = await call(client.with_raw_response.list_models())
    assert models.status_code == 200
    assert models.data
    with pytest.raises(AttributeError):
        client.with_raw_response.usage  # noqa: B018 - not a call
    with pytest.raises(AttributeError):
        client.with_raw_response._send  # noqa: B018 - private


async def test_a_raw_stream_is_open_with_its_headers(make: Any, emu: Emulator) -> None:
    client = make(api_key=emu.api_key)
    raw = await call(client.with_raw_response.stream(model="openai/gpt-4o-mini", messages=MESSAGES))
    stream = raw.parse()
    assert raw.status_code == stream.status_code == 200
    assert raw.generation_id
    assert stream.headers["x-generation-id"] == raw.generation_id
    if isinstance(client, Client):
        with stream:
            text = "".join(stream.text_stream)
    else:
        async with stream:
            text = "".join([t async for t in stream.text_stream])
    assert text.startswith("Hello from")


async def test_web_search_citations(make: Any, emu: Emulator) -> None:
    client = make(api_key=emu.api_key)
    reply = await call(
        client.complete(
            model="openai/gpt-4o-mini",
            messages=MESSAGES,
            plugins=[{"id": "web", "max_results": 3}],
        )
    )
    assert len(reply.choices[0].message.annotations) == 3
    assert [c.url for c in reply.citations] == [
        f"https://example.com/result-{n}" for n in (1, 2, 3)
    ]
    assert reply.citations[0].end_index == len(reply.text)
    stream = client.stream(model="openai/gpt-4o-mini:online", messages=MESSAGES)
    if isinstance(client, Client):
        with stream:
            final = stream.final_response()
    else:
        async with stream:
            final = await stream.final_response()
    assert [a.type for a in final.choices[0].message.annotations] == ["url_citation"] * 2
    assert final.citations[1].title == "Search result 2"


async def test_typed_web_plugin_and_search_tool_give_citations(make: Any, emu: Emulator) -> None:
    client = make(api_key=emu.api_key)
    reply = await call(
        client.complete(
            model="openai/gpt-4o-mini",
            messages=MESSAGES,
            plugins=[WebPlugin(max_results=3, search_prompt="Sources:"), ResponseHealingPlugin()],
        )
    )
    assert len(reply.citations) == 3
    tool = WebSearchTool(parameters=WebSearchToolConfig(max_results=4, engine="exa"))
    reply = await call(client.complete(model="openai/gpt-4o-mini", messages=MESSAGES, tools=[tool]))
    assert [c.url for c in reply.citations] == [
        f"https://example.com/result-{n}" for n in (1, 2, 3, 4)
    ]
    assert reply.choices[0].message.tool_calls is None  # a server tool is never called by us
    body = emu.requests[-1].json
    assert body["tools"] == [
        {"type": "openrouter:web_search", "parameters": {"engine": "exa", "max_results": 4}}
    ]
    off = await call(
        client.complete(
            model="openai/gpt-4o-mini", messages=MESSAGES, plugins=[WebPlugin(enabled=False)]
        )
    )
    assert off.citations == []
