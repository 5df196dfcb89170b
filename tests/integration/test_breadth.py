"""Embeddings, rerank, every way to list models, providers and stored generation content: both
clients over real loopback sockets against the emulator."""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal

import pytest

from openrouter_kit import AsyncClient, Client, errors
from openrouter_kit.testing import Emulator

EMBEDDER = "openai/text-embedding-3-small"
RERANKER = "cohere/rerank-v3.5"


@pytest.fixture
def client(emu: Emulator) -> Iterator[Client]:
    with Client(api_key=emu.api_key, base_url=emu.base_url) as c:
        yield c


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_embed_a_text_and_a_batch(client: Client, emu: Emulator) -> None:
    one = client.embed("The cat sleeps.", model=EMBEDDER)
    batch = client.embed(["The cat sleeps.", "Markets fell."], model=EMBEDDER, dimensions=8)
    assert len(one.vectors) == 1
    assert len(one.vectors[0]) == 1536
    assert [len(v) for v in batch.vectors] == [8, 8]
    assert all(math.isclose(sum(x * x for x in v), 1.0, rel_tol=1e-4) for v in batch.vectors)
    again = client.embed(["The cat sleeps."], model=EMBEDDER, dimensions=8)
    assert again.vectors[0] == batch.vectors[0]  # deterministic
    assert batch.usage.prompt_tokens > 0
    assert batch.cost is not None
    assert batch.cost > 0
    assert batch.attempts == 1
    assert batch.latency is not None
    assert not batch.cost_is_estimate
    sent = emu.requests[-1]
    assert (sent.path, sent.json["dimensions"]) == ("/embeddings", 8)
    totals, ledger = client.usage, emu.ledger.snapshot()
    assert (totals.requests, totals.prompt_tokens) == (ledger.requests, ledger.prompt_tokens)
    assert totals.cost == emu.ledger.cost_decimal
    assert totals.by_model[EMBEDDER].requests == 3


def test_base64_vectors_decode_to_the_floats(client: Client) -> None:
    floats = client.embed("hello world", model=EMBEDDER, dimensions=6)
    packed = client.embed("hello world", model=EMBEDDER, dimensions=6, encoding_format="base64")
    assert isinstance(packed.data[0].embedding, str)
    assert packed.vectors[0] == pytest.approx(floats.vectors[0], abs=1e-6)


def test_embed_is_held_and_settled_in_the_budget(emu: Emulator) -> None:
    with Client(api_key=emu.api_key, base_url=emu.base_url, budget="0.01") as client:
        reply = client.embed(["a b c"] * 3, model=EMBEDDER)
        assert client.budget is not None
        assert client.budget.spent == reply.cost
        assert client.budget.reserved == 0
        with pytest.raises(errors.BudgetExceededError, match="send less input"):
            client.embed("x" * 1000, model=EMBEDDER, max_cost="0.0000001")
    assert sum(1 for r in emu.requests if r.path == "/embeddings") == 1  # the refusal sent nothing


def test_invalid_input_is_refused_before_sending(client: Client, emu: Emulator) -> None:
    for bad in ("", [], ["ok", ""], ["text", 1], 3):
        with pytest.raises(errors.ValidationError):
            client.embed(bad, model=EMBEDDER)  # type: ignore[arg-type]
    with pytest.raises(errors.ValidationError, match="dimensions"):
        client.embed("x", model=EMBEDDER, dimensions=0)
    with pytest.raises(errors.ValidationError, match="did you mean 'dimensions'"):
        client.embed("x", model=EMBEDDER, dimension=3)  # type: ignore[call-arg]
    with pytest.raises(errors.ValidationError, match="positionally"):
        client.embed("x", model=EMBEDDER, input="y")  # type: ignore[call-arg]
    assert not emu.requests


def test_token_ids_and_multimodal_inputs(client: Client, emu: Emulator) -> None:
    assert len(client.embed([1, 2, 3], model=EMBEDDER, dimensions=4).vectors) == 1
    assert len(client.embed([[1, 2], [3]], model=EMBEDDER, dimensions=4).vectors) == 2
    parts = [{"content": [{"type": "text", "text": "a red square"}]}]
    assert len(client.embed(parts, model=EMBEDDER, dimensions=4).vectors) == 1
    assert emu.requests[-1].json["input"] == parts


def test_server_errors_are_typed(client: Client) -> None:
    with pytest.raises(errors.BadRequestError, match="does not support embeddings"):
        client.embed("x", model="openai/gpt-4o-mini")


def test_rerank_orders_by_relevance(client: Client, emu: Emulator) -> None:
    documents = ["Berlin is the capital of Germany.", "Paris is the capital of France."]
    reply = client.rerank("capital of France", documents, model=RERANKER)
    assert [r.index for r in reply.results] == [1, 0]
    assert reply.results[0].document.text == documents[1]
    assert reply.results[0].relevance_score > reply.results[1].relevance_score
    top = client.rerank("capital", [*documents, {"text": "x"}], model=RERANKER, top_n=1)
    assert len(top.results) == 1
    assert reply.usage.total_tokens > 0
    assert reply.cost == reply.usage.cost
    assert client.usage.cost == emu.ledger.cost_decimal
    assert client.usage.total_tokens == reply.usage.total_tokens + top.usage.total_tokens
    with pytest.raises(errors.ValidationError):
        client.rerank("", documents, model=RERANKER)
    with pytest.raises(errors.ValidationError, match="text or an image"):
        client.rerank("q", [{}], model=RERANKER)
    with pytest.raises(errors.ValidationError):
        client.rerank("q", "not a list", model=RERANKER)  # type: ignore[arg-type]


def test_list_models_filters_and_the_registry_keeps_lists_apart(
    client: Client, emu: Emulator
) -> None:
    text = {m.id for m in client.list_models()}
    every = {m.id for m in client.list_models(output_modalities="all")}
    assert EMBEDDER not in text
    assert EMBEDDER in every
    assert "black-forest-labs/flux.2-pro" in every
    images = client.list_models(output_modalities=["image"], supported_parameters=["seed"])
    assert "black-forest-labs/flux.2-pro" in {m.id for m in images}
    assert emu.requests[-1].query == {"output_modalities": "image", "supported_parameters": "seed"}
    with pytest.raises(errors.ValidationError):
        client.list_models(category="cooking")  # type: ignore[arg-type]
    with pytest.raises(errors.ValidationError):
        client.list_models(limit=0)
    assert client.count_models() == len(text)
    assert client.count_models("all") == len(every)
    # the registry: the whole list, and each filtered list apart
    assert {m.id for m in client.models.list_models()} == every
    embedders = client.models.list_models(filters={"output_modalities": "embeddings"})
    assert [m.id for m in embedders] == [EMBEDDER]
    assert {m.id for m in client.models.list_models()} == every  # not replaced by the filtered
    client.models.list_models(filters={"output_modalities": "embeddings"})  # cached
    fetched = [r.query for r in emu.requests if r.path == "/models"][-2:]
    assert fetched == [{"output_modalities": "all"}, {"output_modalities": "embeddings"}]


def test_single_model_user_models_embedding_models_and_providers(client: Client) -> None:
    assert client.model_info("openai/gpt-4o-mini:free").id == "openai/gpt-4o-mini:free"
    with pytest.raises(errors.ModelNotFoundError):
        client.model_info("nobody/nothing")
    with pytest.raises(errors.ValidationError):
        client.model_info("no-slash")
    assert EMBEDDER in {m.id for m in client.list_user_models()}
    assert [m.id for m in client.list_embedding_models()] == [EMBEDDER]
    providers = client.list_providers()
    assert "openai" in {p.slug for p in providers}
    assert all(p.name for p in providers)


def test_generation_content(client: Client) -> None:
    reply = client.complete(
        model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}]
    )
    content = client.generation_content(reply.id or "")
    assert content.input.messages == [{"role": "user", "content": "Hi"}]
    assert content.output.completion == reply.text
    assert content.error is None
    with pytest.raises(errors.ModelNotFoundError):
        client.generation_content("gen-missing")
    with pytest.raises(errors.ValidationError):
        client.generation_content(" ")


@pytest.mark.anyio
async def test_the_async_client_has_the_same_calls(emu: Emulator) -> None:
    async with AsyncClient(api_key=emu.api_key, base_url=emu.base_url, budget="1") as client:
        embedded = await client.embed(["a", "b"], model=EMBEDDER, dimensions=3)
        ranked = await client.rerank("a", ["a", "b"], model=RERANKER)
        assert len(embedded.vectors) == 2
        assert ranked.results[0].index == 0
        assert client.budget is not None
        assert client.budget.spent == client.usage.cost
        assert client.usage.cost == emu.ledger.cost_decimal > Decimal(0)
        assert EMBEDDER in {m.id for m in await client.list_models(output_modalities="all")}
        assert await client.count_models("embeddings") == 1
        assert (await client.model_info(EMBEDDER)).id == EMBEDDER
        assert [m.id for m in await client.list_embedding_models()] == [EMBEDDER]
        assert await client.list_user_models()
        assert await client.list_providers()
        assert [
            m.id for m in await client.models.list_models(filters={"output_modalities": "rerank"})
        ] == [RERANKER]
        reply = await client.complete(
            model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}]
        )
        assert (await client.generation_content(reply.id or "")).output.completion == reply.text


def test_generation_content_of_embeddings_and_rerank(client: Client) -> None:
    """The spec has one shape for stored content: ``input.prompt`` is what was embedded (a
    batch's texts one per line) or the rerank query, and there is no completion."""
    one = client.embed("The cat sleeps.", model=EMBEDDER)
    batch = client.embed(["a", "b"], model=EMBEDDER)
    ranked = client.rerank("Which is a cat?", ["The cat sleeps.", "Markets fell."], model=RERANKER)
    for reply, prompt in ((one, "The cat sleeps."), (batch, "a\nb"), (ranked, "Which is a cat?")):
        content = client.generation_content(reply.id or "")
        assert content.input.prompt == prompt
        assert content.input.messages is None
        assert content.output.completion is None
        assert content.error is None


def test_embed_and_rerank_refuse_an_unknown_model_once_the_list_is_loaded(
    client: Client, emu: Emulator
) -> None:
    with pytest.raises(errors.ModelNotFoundError):  # the list is not loaded: the server says
        client.embed("x", model="openai/not-an-embedder")
    client.models.refresh()
    sent = len(emu.requests)
    with pytest.raises(errors.ModelNotFoundError, match="openai/not-an-embedder"):
        client.embed("x", model="openai/not-an-embedder")
    with pytest.raises(errors.ModelNotFoundError, match="cohere/rerank-v9"):
        client.rerank("q", ["d"], model="cohere/rerank-v9")
    assert len(emu.requests) == sent  # refused before sending
    assert client.embed("x", model=EMBEDDER).vectors
    assert client.rerank("q", ["d"], model=RERANKER).results
