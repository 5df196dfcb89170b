"""The model list's cache (``RegistryCache``): TTL by an injected clock, lookup, capability and
price filters. The registries that fetch it (``ModelRegistry``, ``AsyncModelRegistry``) are
tested with the shells, in ``tests/shells/test_registry.py``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from openrouter_kit import ModelInfo, errors
from openrouter_kit._core.convert import converters
from openrouter_kit._core.registry import (
    CAPABILITIES,
    RegistryCache,
    capabilities_of,
    prompt_price,
)


def model(
    model_id: str,
    *,
    inputs: list[str] | None = None,
    outputs: list[str] | None = None,
    params: list[str] | None = None,
    prompt: str | None = "0.000001",
    completion: str = "0.000002",
    name: str | None = None,
) -> ModelInfo:
    """A /models row parsed the way the client parses it (prices are decimal strings)."""
    row: dict[str, Any] = {"id": model_id, "name": name or model_id}
    if inputs is not None or outputs is not None:
        row["architecture"] = {
            "input_modalities": inputs or ["text"],
            "output_modalities": outputs or ["text"],
        }
    if params is not None:
        row["supported_parameters"] = params
    if prompt is not None:
        row["pricing"] = {"prompt": prompt, "completion": completion}
    return converters().fast.structure(row, ModelInfo)


def table() -> list[ModelInfo]:
    return [
        model(
            "openai/gpt-4o",
            name="OpenAI: GPT-4o",
            inputs=["text", "image", "file"],
            outputs=["text"],
            params=["tools", "tool_choice", "response_format", "temperature"],
            prompt="0.0000025",
            completion="0.00001",
        ),
        model(
            "mistralai/codestral-2508",
            name="Mistral: Codestral 2508",
            inputs=["text"],
            outputs=["text"],
            params=["temperature"],
            prompt="0.0000003",
            completion="0.0000009",
        ),
        model(
            "deepseek/deepseek-r1:free",
            name="DeepSeek: R1 (free)",
            params=["reasoning", "include_reasoning"],
            prompt="0",
            completion="0",
        ),
        model(
            "openai/text-embedding-3-small",
            inputs=["text"],
            outputs=["embeddings"],
            prompt="0.00000002",
            completion="0",
        ),
        model(
            "google/gemini-2.5-flash-image",
            inputs=["text", "image"],
            outputs=["text", "image"],
            params=["structured_outputs"],
            prompt="0.0000003",
            completion="0.0000025",
        ),
        model(
            "openai/gpt-4o-audio-preview",
            inputs=["text", "audio"],
            outputs=["text", "audio"],
            prompt="0.0000025",
            completion="0.00001",
        ),
        model("openrouter/auto", prompt="-1", completion="-1"),
        model("acme/unpriced", prompt=None),
    ]


#: For each capability: the ids in ``table()`` that have it; every other id is a negative example.
EXPECTED: dict[str, set[str]] = {
    "chat": {
        "openai/gpt-4o",
        "mistralai/codestral-2508",
        "deepseek/deepseek-r1:free",
        "google/gemini-2.5-flash-image",
        "openai/gpt-4o-audio-preview",
        "openrouter/auto",
        "acme/unpriced",
    },
    "completion": {
        "openai/gpt-4o",
        "mistralai/codestral-2508",
        "deepseek/deepseek-r1:free",
        "google/gemini-2.5-flash-image",
        "openai/gpt-4o-audio-preview",
        "openrouter/auto",
        "acme/unpriced",
    },
    "code": {"mistralai/codestral-2508"},
    "tools": {"openai/gpt-4o"},
    "vision": {"openai/gpt-4o", "google/gemini-2.5-flash-image"},
    "reasoning": {"deepseek/deepseek-r1:free"},
    "structured_outputs": {"openai/gpt-4o", "google/gemini-2.5-flash-image"},
    "audio": {"openai/gpt-4o-audio-preview"},
    "image_output": {"google/gemini-2.5-flash-image"},
    "free": {"deepseek/deepseek-r1:free"},
}


def cache(models: list[ModelInfo] | None = None, ttl: float = 60.0) -> RegistryCache:
    c = RegistryCache(ttl)
    c.store(table() if models is None else models, now=1000.0)
    return c


def ids(models: list[ModelInfo]) -> set[str]:
    return {m.id for m in models}


# --- RegistryCache: freshness -------------------------------------------------------------------


def test_an_empty_cache_is_never_fresh() -> None:
    assert not RegistryCache(60.0).fresh(0.0)


def test_fresh_until_the_ttl_runs_out() -> None:
    c = cache(ttl=60.0)
    assert c.fresh(1000.0)
    assert c.fresh(1059.999)
    assert not c.fresh(1060.0)
    assert not c.fresh(5000.0)


def test_a_zero_ttl_is_never_fresh() -> None:
    c = cache(ttl=0.0)
    assert not c.fresh(1000.0)


def test_store_replaces_the_list_and_restarts_the_ttl() -> None:
    c = cache(ttl=60.0)
    c.store([model("new/one")], now=2000.0)
    assert ids(c.select()) == {"new/one"}
    assert c.fresh(2059.0)
    assert not c.fresh(2060.0)
    with pytest.raises(errors.ModelNotFoundError):
        c.get("openai/gpt-4o")


def test_negative_ttl_is_refused() -> None:
    with pytest.raises(errors.ValidationError, match="ttl"):
        RegistryCache(-1.0)


def test_nan_ttl_is_refused() -> None:
    with pytest.raises(errors.ValidationError, match="ttl"):
        RegistryCache(float("nan"))


# --- RegistryCache: lookup ----------------------------------------------------------------------


def test_get_by_exact_id() -> None:
    assert cache().get("openai/gpt-4o").id == "openai/gpt-4o"


def test_an_exact_id_with_a_colon_wins_over_its_base() -> None:
    c = cache([model("deepseek/deepseek-r1"), model("deepseek/deepseek-r1:free", prompt="0")])
    assert c.get("deepseek/deepseek-r1:free").id == "deepseek/deepseek-r1:free"


@pytest.mark.parametrize("suffix", ["nitro", "floor", "online", "thinking"])
def test_a_variant_suffix_resolves_to_the_base_model(suffix: str) -> None:
    assert cache().get(f"openai/gpt-4o:{suffix}").id == "openai/gpt-4o"


def test_unknown_id_suggests_close_ids() -> None:
    with pytest.raises(errors.ModelNotFoundError) as info:
        cache().get("openai/gpt4o")
    assert "openai/gpt4o" in str(info.value)
    assert "did you mean" in str(info.value)
    assert "openai/gpt-4o" in str(info.value)
    assert info.value.code == "model_not_found"


def test_unknown_id_with_nothing_close_has_no_suggestion() -> None:
    with pytest.raises(errors.ModelNotFoundError) as info:
        cache().get("zzzzzz")
    assert "did you mean" not in str(info.value)


# --- RegistryCache: capabilities ----------------------------------------------------------------


def test_every_capability_has_a_positive_and_a_negative_example() -> None:
    every = ids(table())
    assert set(EXPECTED) == set(CAPABILITIES)
    for name, having in EXPECTED.items():
        assert having, name
        assert every - having, name


@pytest.mark.parametrize("capability", sorted(CAPABILITIES))
def test_select_by_capability(capability: str) -> None:
    assert ids(cache().select(capability)) == EXPECTED[capability]


def test_capabilities_of_agrees_with_select() -> None:
    for m in table():
        assert capabilities_of(m) == {name for name, has in EXPECTED.items() if m.id in has}


def test_a_model_lists_its_capabilities_in_table_order() -> None:
    for m in table():
        assert m.capabilities == [name for name in CAPABILITIES if name in capabilities_of(m)]
    gpt4o = table()[0]
    assert gpt4o.capabilities == ["chat", "completion", "tools", "vision", "structured_outputs"]
    assert cache().select("vision") == [m for m in table() if "vision" in m.capabilities]


def test_the_seeds_price_filter_works_on_the_models() -> None:
    """The seed's ``ModelRegistry`` filters with ``m.pricing.get("prompt", 0) <= max_price``."""
    max_price = Decimal("0.000001")
    chosen = {m.id for m in table() if m.pricing and m.pricing.get("prompt", 0) <= max_price}
    assert chosen == ids(cache().select(max_price=max_price))
    assert "openrouter/auto" not in chosen  # VARIABLE <= anything is False


def test_select_keeps_the_stored_order() -> None:
    assert [m.id for m in cache().select()] == [m.id for m in table()]


# --- RegistryCache: price filter ----------------------------------------------------------------


def test_prompt_price_is_exact_from_decimal_strings() -> None:
    assert prompt_price(model("a/b", prompt="0.0000003")) == Decimal("0.0000003")
    assert prompt_price(model("a/b", prompt="-1")) is None
    assert prompt_price(model("a/b", prompt=None)) is None


@pytest.mark.parametrize("limit", [0.000001, "0.000001", "1e-6", Decimal("0.000001")])
def test_max_price_compares_the_prompt_price_per_token(limit: float | str | Decimal) -> None:
    assert ids(cache().select(max_price=limit)) == {
        "mistralai/codestral-2508",
        "deepseek/deepseek-r1:free",
        "openai/text-embedding-3-small",
        "google/gemini-2.5-flash-image",
    }


def test_a_price_equal_to_the_limit_passes() -> None:
    assert "openai/gpt-4o" in ids(cache().select(max_price="0.0000025"))
    assert "openai/gpt-4o" not in ids(cache().select(max_price="0.0000024"))


def test_zero_max_price_keeps_only_free_prompts() -> None:
    assert ids(cache().select(max_price=0)) == {"deepseek/deepseek-r1:free"}


def test_variable_price_and_missing_pricing_never_pass_a_price_filter() -> None:
    chosen = ids(cache().select(max_price=10**9))
    assert "openrouter/auto" not in chosen
    assert "acme/unpriced" not in chosen
    assert chosen == ids(table()) - {"openrouter/auto", "acme/unpriced"}


def test_capability_and_max_price_combine() -> None:
    assert ids(cache().select("vision", max_price="0.000001")) == {"google/gemini-2.5-flash-image"}


def test_unknown_capability_is_refused_and_the_known_ones_listed() -> None:
    with pytest.raises(errors.ValidationError, match="unknown capability") as info:
        cache().select("telepathy")
    for name in CAPABILITIES:
        assert name in str(info.value)


@pytest.mark.parametrize("limit", ["cheap", "", "1,5", True])
def test_non_numeric_max_price_is_refused(limit: Any) -> None:
    with pytest.raises(errors.ValidationError, match="max_price"):
        cache().select(max_price=limit)


@pytest.mark.parametrize("limit", [float("nan"), "NaN", float("inf"), -1, "-0.5"])
def test_nan_infinite_or_negative_max_price_is_refused(limit: float | str) -> None:
    with pytest.raises(errors.ValidationError, match="max_price"):
        cache().select(max_price=limit)


def limited(max_completion: int | None, context: int = 1000) -> ModelInfo:
    row = {"id": "a/b", "context_length": context, "top_provider": {}}
    if max_completion is not None:
        row["top_provider"] = {"max_completion_tokens": max_completion}
    return converters().fast.structure(row, ModelInfo)


def test_max_tokens_above_what_the_model_generates_is_refused_naming_the_field() -> None:
    # issue 14, F19: it was sent, and the server refused it
    cache = RegistryCache()
    cache.store([limited(100)], now=0)
    cache.check(["a/b"], 10, 100)  # exactly the limit
    cache.check(["a/b"], 10, None)
    for field in ("max_tokens", "max_completion_tokens"):
        with pytest.raises(
            errors.ValidationError, match="a/b generates at most 100 tokens"
        ) as info:
            cache.check(["a/b"], 10, 101, field)
        assert info.value.path == f"$.{field}"
    with pytest.raises(errors.ValidationError) as info:
        cache.check(["a/b"], 10, 101)
    assert info.value.path == "$.max_tokens"  # the default field name
    # no limit listed: only the context window counts
    cache.store([limited(None)], now=0)
    cache.check(["a/b"], 10, 990)
    with pytest.raises(errors.ContextLengthError, match="context window of 1000"):
        cache.check(["a/b"], 10, 991)
