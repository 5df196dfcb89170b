"""The model registries (``_registry``) over the client's own model list, for both shells.

The registries' fetching and caching, driven by fake clients and clocks, are tested in
``tests/core/test_registry.py``; here the list is the one the client checks and prices with.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pytest_httpx import HTTPXMock

from openrouter_kit import AsyncClient, AsyncModelRegistry, ModelRegistry, errors
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
    httpx_mock.add_response(url=f"{BASE}/models", json=MODELS)
    await call(client.models.list_models())
    with pytest.raises(errors.ModelNotFoundError):  # checked before sending
        await call(client.complete(model="a/unknown", messages=USER))
    httpx_mock.add_response(url=f"{BASE}/chat/completions", json=OK)
    reply = await call(client.complete(model="a/priced", messages=USER))
    assert reply.estimated_cost == Decimal("0.00002")  # 10 * 0.000001 + 5 * 0.000002
    assert len(httpx_mock.get_requests()) == 2  # the list once, one completion


async def test_copies_share_the_model_list(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=f"{BASE}/models", json=MODELS)
    copy = client.with_options(max_retries=0)  # made before anyone asked for the list
    assert (await call(copy.models.get_model("a/priced"))).context_length == 1000
    assert (await call(client.models.get_model("a/priced"))).context_length == 1000
    assert len(httpx_mock.get_requests()) == 1


async def test_a_registry_made_by_hand_keeps_its_own_list(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url=f"{BASE}/models", json=MODELS, is_reusable=True)
    kind = AsyncModelRegistry if isinstance(client, AsyncClient) else ModelRegistry
    mine = kind(client, ttl=600)
    await call(mine.list_models())
    assert mine is not client.models
    await call(client.models.list_models())  # the client's own list is fetched on its own
    assert len(httpx_mock.get_requests()) == 2
