"""``RedisStore`` keeps the store contract (``tests/contract_store.py``): the same scenarios and
assertions as ``MemoryStore``, each on a fresh namespace of a real redis-server."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Iterator

import anyio
import pytest

from openrouter_kit import RedisStore, Store
from tests.contract_store import ASYNC_SCENARIOS, SCENARIOS, StoreFactory

_names = itertools.count()


class Factory:
    """Fresh stores on new namespaces, all closed at the end."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.made: list[RedisStore] = []

    def __call__(self) -> Store:
        store = RedisStore.from_url(self.url, namespace=f"contract-{next(_names)}")
        self.made.append(store)
        return store

    async def aclose(self) -> None:
        for store in self.made:
            await store.aclose()


@pytest.fixture
def make(redis_url: str) -> Iterator[Factory]:
    factory = Factory(redis_url)
    yield factory
    for store in factory.made:
        store.close()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_redis_store_keeps_the_contract(
    scenario: Callable[[StoreFactory], None], make: Factory
) -> None:
    scenario(make)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@pytest.mark.parametrize("scenario", ASYNC_SCENARIOS, ids=lambda s: s.__name__)
def test_redis_store_keeps_the_async_contract(
    scenario: Callable[[StoreFactory], Awaitable[None]], make: Factory, backend: str
) -> None:
    async def run() -> None:
        try:
            await scenario(make)
        finally:
            await make.aclose()

    anyio.run(run, backend=backend)
