"""One test body for both shells: the ``client`` fixture is a Client, then an AsyncClient."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from typing import Any

import pytest

from openrouter_kit import AsyncClient, Client
from tests.conftest import CANARY_KEY

BASE = "https://openrouter.ai/api/v1"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def call(value: Any) -> Any:
    """Await ``value`` if the async shell returned an awaitable; pass the sync shell's result."""
    return await value if inspect.isawaitable(value) else value


@pytest.fixture(params=["sync", "async"])
async def make_client(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    """A factory for the shell under test; every client it made is closed afterwards."""
    made: list[Client | AsyncClient] = []
    cls = Client if request.param == "sync" else AsyncClient

    def factory(**kwargs: Any) -> Client | AsyncClient:
        kwargs.setdefault("api_key", CANARY_KEY)
        client = cls(**kwargs)
        made.append(client)
        return client

    yield factory
    for client in made:
        await call(client.close())


@pytest.fixture
def client(make_client: Any) -> Any:
    return make_client()
