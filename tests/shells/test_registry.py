"""The model registries (``_registry``): over the client's own model list, for both shells, then
their fetching and caching, driven by fake clients and clocks. The cache itself
(``RegistryCache``) is tested in ``tests/core/test_registry.py``, whose model table these use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

import anyio
import pytest
from pytest_httpx import HTTPXMock

from openrouter_kit import AsyncClient, AsyncModelRegistry, ModelInfo, ModelRegistry, errors
from tests.core.test_registry import EXPECTED, ids, model, table
from tests.shells.conftest import BASE, call

pytestmark = pytest.mark.anyio

MODELS = {
    "data": [
        {
            "id": "a/priced",
            "context_length": 1000,
            "pricing": {"prompt": "0.000001", "completion": "0.000002"},
        }
    ]
}
USER = [{"role": "user", "content": "Hi"}]
OK = {
    "id": "gen-1",
    "model": "a/priced",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}}],
    "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
}


async def test_the_client_checks_and_prices_with_the_list_its_registry_fetched(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url=f"{BASE}/models?output_modalities=all", json=MODELS)
    await call(client.models.list_models())
    with pytest.raises(errors.ModelNotFoundError):  # checked before sending
        await call(client.complete(model="a/unknown", messages=USER))
    httpx_mock.add_response(url=f"{BASE}/chat/completions", json=OK)
    reply = await call(client.complete(model="a/priced", messages=USER))
    assert reply.estimated_cost == Decimal("0.00002")  # 10 * 0.000001 + 5 * 0.000002
    assert len(httpx_mock.get_requests()) == 2  # the list once, one completion


async def test_copies_share_the_model_list(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=f"{BASE}/models?output_modalities=all", json=MODELS)
    copy = client.with_options(max_retries=0)  # made before anyone asked for the list
    assert (await call(copy.models.get_model("a/priced"))).context_length == 1000
    assert (await call(client.models.get_model("a/priced"))).context_length == 1000
    assert len(httpx_mock.get_requests()) == 1


async def test_a_registry_made_by_hand_keeps_its_own_list(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(
        url=f"{BASE}/models?output_modalities=all", json=MODELS, is_reusable=True
    )
    kind = AsyncModelRegistry if isinstance(client, AsyncClient) else ModelRegistry
    mine = kind(client, ttl=600)
    await call(mine.list_models())
    assert mine is not client.models
    await call(client.models.list_models())  # the client's own list is fetched on its own
    assert len(httpx_mock.get_requests()) == 2


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

    def list_models(self, **filters: Any) -> list[ModelInfo]:
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
        def list_models(self, **filters: Any) -> list[ModelInfo]:
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


class AsyncFakeClient:
    """Stands in for AsyncClient: ``list_models()`` counts calls and waits for a release."""

    def __init__(self) -> None:
        self.calls = 0
        self.release = anyio.Event()

    async def list_models(self, **filters: Any) -> list[ModelInfo]:
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


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
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


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
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
