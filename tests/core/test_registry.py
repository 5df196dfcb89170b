"""The model registry: TTL cache by an injected clock, lookup, capability and price filters."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

import anyio
import pytest

from openrouter_kit import AsyncModelRegistry, ModelInfo, ModelRegistry, errors
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


# --- ModelRegistry (blocking) -----------------------------------------------------------------


class Clock:
    """A settable clock that counts reads and signals once it has been read ``expect`` times."""

    def __init__(self, now: float = 0.0, expect: int = 0) -> None:
        self.now = now
        self.reads = 0
        self.expect = expect
        self.lock = threading.Lock()
        self.all_read = threading.Event()

    def __call__(self) -> float:
        with self.lock:
            self.reads += 1
            if self.expect and self.reads >= self.expect:
                self.all_read.set()
            return self.now


class FakeClient:
    """Stands in for Client: ``list_models()`` counts calls and may wait for a release."""

    def __init__(self, release: threading.Event | None = None) -> None:
        self.calls = 0
        self.release = release
        self.entered = threading.Event()
        self._lock = threading.Lock()

    def list_models(self) -> list[ModelInfo]:
        with self._lock:
            self.calls += 1
            n = self.calls
        self.entered.set()
        if self.release is not None:
            assert self.release.wait(timeout=10), "the test never released the fetch"
        return [*table(), model(f"fetch/number-{n}")]


def registry(fake: FakeClient, clock: Callable[[], float], ttl: float = 60.0) -> ModelRegistry:
    return ModelRegistry(cast(Any, fake), ttl=ttl, clock=clock)


def test_concurrent_first_use_fetches_once() -> None:
    threads_n = 16
    release = threading.Event()
    fake = FakeClient(release)
    # Each thread reads the clock to find the cache stale; the fetching one reads it once more.
    clock = Clock(expect=threads_n + 1)
    reg = registry(fake, clock)
    barrier = threading.Barrier(threads_n)
    results: list[str] = []
    failures: list[BaseException] = []

    def use() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(reg.get_model("openai/gpt-4o:nitro").id)
        except BaseException as exc:  # surfaced below, in the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=use) for _ in range(threads_n)]
    for t in threads:
        t.start()
    # Hold the first fetch until every thread has found the cache stale, then let it finish.
    assert fake.entered.wait(timeout=10)
    clock.all_read.wait(timeout=5)  # shorter than the fake's wait: a missing lock shows as calls
    release.set()
    for t in threads:
        t.join(timeout=10)
    assert not any(t.is_alive() for t in threads)
    assert failures == []
    assert results == ["openai/gpt-4o"] * threads_n
    assert fake.calls == 1


def test_ttl_expiry_refetches() -> None:
    fake = FakeClient()
    clock = Clock(now=100.0)
    reg = registry(fake, clock, ttl=60.0)
    assert reg.get_model("fetch/number-1").id == "fetch/number-1"
    clock.now = 159.9
    reg.list_models()
    assert fake.calls == 1
    clock.now = 160.0
    assert "fetch/number-2" in ids(reg.list_models())
    assert fake.calls == 2
    with pytest.raises(errors.ModelNotFoundError):
        reg.get_model("fetch/number-1")  # the new list replaced the old one
    assert fake.calls == 2


def test_refresh_always_fetches() -> None:
    fake = FakeClient()
    reg = registry(fake, Clock())
    reg.list_models()
    first = reg.refresh()
    second = reg.refresh()
    assert fake.calls == 3
    assert "fetch/number-2" in ids(first)
    assert "fetch/number-3" in ids(second)
    assert reg.get_model("fetch/number-3").id == "fetch/number-3"
    assert fake.calls == 3  # a refreshed list is fresh


def test_registry_filters_like_the_cache() -> None:
    reg = registry(FakeClient(), Clock())
    assert ids(reg.list_models("tools")) == EXPECTED["tools"]
    assert ids(reg.list_models(max_price=0)) == {"deepseek/deepseek-r1:free"}
    with pytest.raises(errors.ValidationError):
        reg.list_models("telepathy")


def test_a_failed_fetch_is_not_cached() -> None:
    class Flaky(FakeClient):
        def list_models(self) -> list[ModelInfo]:
            if self.calls == 0:
                self.calls += 1
                raise errors.APIConnectionError("network down")
            return super().list_models()

    fake = Flaky()
    reg = registry(fake, Clock())
    with pytest.raises(errors.APIConnectionError):
        reg.list_models()
    assert reg.get_model("openai/gpt-4o").id == "openai/gpt-4o"
    assert fake.calls == 2


# --- AsyncModelRegistry ------------------------------------------------------------------------


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class AsyncFakeClient:
    """Stands in for AsyncClient: ``list_models()`` counts calls and waits for a release."""

    def __init__(self) -> None:
        self.calls = 0
        self.release = anyio.Event()

    async def list_models(self) -> list[ModelInfo]:
        self.calls += 1
        n = self.calls
        await self.release.wait()
        return [*table(), model(f"fetch/number-{n}")]


class AsyncClock:
    """A clock read from tasks; sets an anyio Event once it has been read ``expect`` times."""

    def __init__(self, expect: int) -> None:
        self.now = 0.0
        self.reads = 0
        self.expect = expect
        self.all_read = anyio.Event()

    def __call__(self) -> float:
        self.reads += 1
        if self.reads >= self.expect:
            self.all_read.set()
        return self.now


@pytest.mark.anyio
async def test_async_concurrent_first_use_fetches_once() -> None:
    tasks_n = 50
    fake = AsyncFakeClient()
    clock = AsyncClock(expect=tasks_n + 1)  # each task's stale check, plus the fetcher's recheck
    reg = AsyncModelRegistry(cast(Any, fake), ttl=60.0, clock=clock)
    results: list[str] = []

    async def use() -> None:
        results.append((await reg.get_model("openai/gpt-4o")).id)

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            for _ in range(tasks_n):
                tg.start_soon(use)
            # Hold the fetch until every task has found the cache stale.
            await clock.all_read.wait()
            fake.release.set()
    assert results == ["openai/gpt-4o"] * tasks_n
    assert fake.calls == 1


@pytest.mark.anyio
async def test_async_ttl_expiry_and_refresh_fetch_again() -> None:
    fake = AsyncFakeClient()
    fake.release.set()
    clock = AsyncClock(expect=1)
    reg = AsyncModelRegistry(cast(Any, fake), ttl=60.0, clock=clock)
    await reg.list_models()
    clock.now = 59.0
    await reg.get_model("openai/gpt-4o")
    assert fake.calls == 1
    clock.now = 60.0
    assert "fetch/number-2" in ids(await reg.list_models())
    assert "fetch/number-3" in ids(await reg.refresh())
    assert fake.calls == 3
