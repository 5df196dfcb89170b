"""Both clients over real loopback sockets against the project's emulator (asyncio and trio)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from openrouter_kit import AsyncClient, Client, ModelInfo, errors
from openrouter_kit.testing import Emulator

USER = [{"role": "user", "content": "Tell me about sockets"}]


@pytest.fixture
def client(emu: Emulator) -> Iterator[Client]:
    with Client(api_key=emu.api_key, base_url=emu.base_url, app_url="https://example.test") as c:
        yield c


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def ledger_matches(client: Client | AsyncClient, emu: Emulator) -> None:
    ours, theirs = client.usage, emu.ledger.snapshot()
    assert (ours.requests, ours.prompt_tokens, ours.completion_tokens, ours.total_tokens) == (
        theirs.requests,
        theirs.prompt_tokens,
        theirs.completion_tokens,
        theirs.total_tokens,
    )
    assert ours.cost == emu.ledger.cost_decimal


def test_complete_over_a_real_socket(client: Client, emu: Emulator) -> None:
    reply = client.complete(model="openai/gpt-4o-mini", messages=USER, max_tokens=200)
    assert reply.text == "Hello from openai/gpt-4o-mini! You said: Tell me about sockets"
    assert reply.id.startswith("gen-")
    assert reply.model == "openai/gpt-4o-mini"
    assert reply.choices[0].finish_reason == "stop"
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens
    assert reply.cost is not None
    assert reply.cost > 0
    assert reply.attempts == 1
    ledger_matches(client, emu)
    sent = emu.requests[-1]
    assert sent.json == {"model": "openai/gpt-4o-mini", "messages": USER, "max_tokens": 200}
    assert sent.headers["http-referer"] == "https://example.test"
    assert sent.headers["x-openrouter-title"] == sent.headers["x-title"] == "openrouter-kit"
    assert sent.headers["authorization"] == "Bearer ***"


def test_generation_stats_agree_with_the_response(client: Client) -> None:
    reply = client.complete(model="anthropic/claude-3.5-sonnet", messages=USER)
    stats = client.generation(reply.id)
    assert stats.id == reply.id
    assert stats.total_cost == reply.cost
    assert stats.tokens_prompt == reply.usage.prompt_tokens
    assert stats.tokens_completion == reply.usage.completion_tokens
    with pytest.raises(errors.ModelNotFoundError):
        client.generation("gen-does-not-exist")


def test_models_key_credits_and_endpoints(client: Client) -> None:
    models = client.list_models()
    assert len(models) >= 10
    assert all(isinstance(m, ModelInfo) for m in models)
    mini = next(m for m in models if m.id == "openai/gpt-4o-mini")
    assert mini.context_length == 128000
    assert mini.pricing.prompt > 0
    assert "text" in mini.architecture.input_modalities
    client.complete(model="openai/gpt-4o-mini", messages=USER)
    key = client.key_info()
    assert key.usage == client.usage.cost
    assert "..." in key.label
    credits = client.credits()
    assert credits.total_usage == client.usage.cost
    endpoints = client.model_endpoints("openai/gpt-4o-mini")
    assert endpoints.endpoints
    assert endpoints.endpoints[0].provider_name


def test_registry_fetches_once_and_filters(client: Client, emu: Emulator) -> None:
    registry = client.models
    assert registry.get_model("openai/gpt-4o-mini:nitro").id == "openai/gpt-4o-mini"
    vision = {m.id for m in registry.list_models(capability="vision")}
    assert "google/gemini-2.5-flash" in vision
    assert "meta-llama/llama-3.1-8b-instruct" not in vision
    cheap = registry.list_models(max_price="0.000001")
    assert "openrouter/auto" not in {m.id for m in cheap}  # variable price never passes
    with pytest.raises(errors.ModelNotFoundError, match="gpt-4o-mini"):
        registry.get_model("openai/gpt-4o-mnii")
    assert sum(1 for r in emu.requests if r.path.endswith("/models")) == 1


@pytest.mark.parametrize(
    ("status", "body", "headers", "expected"),
    [
        (
            401,
            {"error": {"code": 401, "message": "User not found."}},
            {},
            errors.AuthenticationError,
        ),
        (
            402,
            {"error": {"code": 402, "message": "Insufficient credits"}},
            {},
            errors.InsufficientCreditsError,
        ),
        (
            429,
            {"error": {"code": 429, "message": "Rate limit exceeded"}},
            {"Retry-After": "120"},
            errors.RateLimitError,
        ),
        (
            502,
            "<html><title>502 Bad Gateway</title></html>",
            {"Content-Type": "text/html"},
            errors.ModelUnavailableError,
        ),
    ],
)
def test_scripted_errors_arrive_typed(
    client: Client, emu: Emulator, status: int, body: Any, headers: dict[str, str], expected: type
) -> None:
    emu.script(status=status, body=body, headers=headers, path="/chat/completions", times=10)
    quick = (
        client
        if status != 502
        else Client(api_key=emu.api_key, base_url=emu.base_url, max_retries=0)
    )
    with pytest.raises(expected) as info:
        quick.complete(model="openai/gpt-4o-mini", messages=USER)
    assert info.value.status_code == status
    if status == 429:
        assert info.value.retry_after == 120
    quick.close()


def test_a_transient_failure_is_retried(client: Client, emu: Emulator) -> None:
    emu.error(503, "No available providers", path="/chat/completions")
    reply = client.complete(model="openai/gpt-4o-mini", messages=USER)
    assert reply.attempts == 2
    ledger_matches(client, emu)


def test_server_side_validation_errors(client: Client) -> None:
    with pytest.raises(errors.ModelNotFoundError, match="not a valid model"):
        client.complete(model="nobody/nothing", messages=USER)
    with pytest.raises(errors.ContextLengthError) as info:
        client.complete(model="openai/gpt-4o-mini", messages=USER, max_tokens=1_000_000)
    assert info.value.metadata["error_type"] == "context_length_exceeded"


def test_connection_refused_is_an_api_connection_error(emu: Emulator) -> None:
    with Emulator() as gone:
        url = gone.base_url
    with (
        Client(api_key=emu.api_key, base_url=url, max_retries=1) as client,
        pytest.raises(errors.APIConnectionError),
    ):
        client.complete(model="openai/gpt-4o-mini", messages=USER)


def test_a_base_url_without_api_v1_is_named_in_the_error(emu: Emulator) -> None:
    root = emu.base_url.removesuffix("/api/v1")
    with (
        Client(api_key=emu.api_key, base_url=root) as client,
        pytest.raises(
            errors.ModelNotFoundError, match=r"check base_url, it should end with /api/v1"
        ),
    ):
        client.complete(model="openai/gpt-4o-mini", messages=USER)


def test_threads_share_one_client(client: Client, emu: Emulator) -> None:
    failures: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                client.complete(model="openai/gpt-4o-mini", messages=USER)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert client.usage.requests == 160
    ledger_matches(client, emu)


def test_settings_file_end_to_end(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMU_KEY", emu.api_key)
    settings = tmp_path / "settings.yaml"
    settings.write_text(
        "llm:\n"
        "  provider: openrouter\n"
        "  api_key: ${EMU_KEY}\n"
        f"  base_url: ${{EMU_URL:-{emu.base_url}}}\n"
        "  default_model: mistralai/mistral-small\n"
        "  temperature: 0.3\n"
        "  max_tokens: 64\n"
        "  timeout: 30\n"
        "  max_retries: 1\n"
    )
    with Client.from_settings(settings) as client:
        assert (client.timeout.read, client.max_retries, client.default_model) == (
            30.0,
            1,
            "mistralai/mistral-small",
        )
        reply = client.complete(messages=USER)
    assert reply.model == "mistralai/mistral-small"
    assert emu.requests[-1].json == {
        "messages": USER,
        "model": "mistralai/mistral-small",
        "temperature": 0.3,
        "max_tokens": 64,
    }


@pytest.mark.anyio
async def test_async_client_under_asyncio_and_trio(emu: Emulator, async_transport: str) -> None:
    async with AsyncClient(
        api_key=emu.api_key, base_url=emu.base_url, transport=async_transport
    ) as client:
        reply = await client.complete(model="openai/gpt-4o", messages=USER)
        assert reply.text.startswith("Hello from openai/gpt-4o!")
        assert (await client.models.get_model("openai/gpt-4o")).name
        assert (await client.generation(reply.id)).id == reply.id
        assert (await client.key_info()).usage == reply.cost
        assert (await client.credits()).total_credits > 0
        assert (await client.model_endpoints("openai/gpt-4o")).endpoints
        emu.error(500, "Internal Server Error", path="/chat/completions")
        assert (await client.complete(model="openai/gpt-4o", messages=USER)).attempts == 2


@pytest.mark.anyio
async def test_many_concurrent_tasks_share_one_async_client(
    emu: Emulator, async_transport: str
) -> None:
    async with AsyncClient(
        api_key=emu.api_key, base_url=emu.base_url, transport=async_transport
    ) as client:
        texts: list[str] = []

        async def one(i: int) -> None:
            reply = await client.complete(
                model="openai/gpt-4o-mini", messages=[{"role": "user", "content": f"n{i}"}]
            )
            texts.append(reply.text)

        async with anyio.create_task_group() as tg:
            for i in range(100):
                tg.start_soon(one, i)
        assert sorted(texts) == sorted(
            f"Hello from openai/gpt-4o-mini! You said: n{i}" for i in range(100)
        )
        ledger_matches(client, emu)
