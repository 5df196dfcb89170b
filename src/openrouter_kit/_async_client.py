"""AsyncClient: the async shell (asyncio or trio). It sends, awaits and closes; the core decides."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import anyio
import httpx
import stamina

from openrouter_kit._base import BaseClient
from openrouter_kit._core.registry import RegistryCache
from openrouter_kit._generated import endpoints as ep
from openrouter_kit._transport import http_timeout, map_transport_error

if TYPE_CHECKING:
    from types import TracebackType
    from typing import Self

    from openrouter_kit._core.wire import WireRequest
    from openrouter_kit._generated.models import (
        CompletionRequest,
        CompletionResponse,
        Credits,
        GenerationStats,
        KeyInfo,
        ModelEndpoints,
        ModelInfo,
    )

__all__ = ["AsyncClient", "AsyncModelRegistry", "OpenRouterClient"]


class AsyncClient(BaseClient):
    """An async OpenRouter client with a connection pool, for asyncio and trio.

    ::

        async with AsyncClient() as client:           # key from OPENROUTER_API_KEY
            reply = await client.complete(model="openai/gpt-4o-mini",
                                          messages=[{"role": "user", "content": "Hi"}])
            print(reply.text, reply.usage.total_tokens, reply.cost)

    One client is safe to share between many concurrent tasks of one event loop; create it once
    and reuse it. Takes the same arguments as ``Client`` (``http_client``: an
    ``httpx.AsyncClient``).
    """

    _http_type = httpx.AsyncClient
    _http: httpx.AsyncClient | None
    _models: AsyncModelRegistry | None

    @property
    def models(self) -> AsyncModelRegistry:
        """Same as ``Client.models``, with awaitable queries."""
        if self._models is None:
            self._models = AsyncModelRegistry(self)
        return self._models

    # -- I/O -------------------------------------------------------------------------------------
    def _client(self) -> httpx.AsyncClient:
        # No await between the check and the assignment, so concurrent tasks build one pool.
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=http_timeout(self._config.timeout))
        return self._http

    async def _send(self, endpoint: ep.Endpoint, request: WireRequest) -> tuple[Any, int]:
        """Same as ``Client._send``, but awaitable (the one async retry loop)."""
        if self._closed:
            raise RuntimeError("this AsyncClient is closed")
        http = self._client()
        async for attempt in stamina.retry_context(**self._retry.stamina_kwargs()):
            with attempt:
                started = time.perf_counter()
                try:
                    response = await http.request(
                        request.method,
                        request.url,
                        headers=request.headers,
                        content=request.body,
                        timeout=http_timeout(self._config.timeout),
                    )
                except httpx.HTTPError as exc:
                    raise map_transport_error(exc, self._config.api_key) from exc
                elapsed = time.perf_counter() - started
                parsed = self._parse(
                    endpoint,
                    request,
                    response.status_code,
                    response.headers,
                    response.content,
                    elapsed,
                )
                return parsed, attempt.num
        raise AssertionError("unreachable: stamina re-raises the last error")  # pragma: no cover

    # -- API -------------------------------------------------------------------------------------
    async def complete(
        self, request: CompletionRequest | Mapping[str, Any] | None = None, /, **params: Any
    ) -> CompletionResponse:
        """Same as ``Client.complete``, but awaitable."""
        wire_request = self._prepare_completion(request, params)
        started = time.perf_counter()
        response, attempts = await self._send(ep.CHAT_COMPLETIONS, wire_request)
        return self._finish_completion(response, time.perf_counter() - started, attempts)

    async def list_models(self) -> list[ModelInfo]:
        """Same as ``Client.list_models``, but awaitable."""
        models, _ = await self._send(ep.LIST_MODELS, self._prepare_get(ep.LIST_MODELS))
        return models.data  # type: ignore[no-any-return]

    async def model_endpoints(self, model: str) -> ModelEndpoints:
        """Same as ``Client.model_endpoints``, but awaitable."""
        request = self._prepare_model_endpoints(model)
        result, _ = await self._send(ep.MODEL_ENDPOINTS, request)
        return result.data  # type: ignore[no-any-return]

    async def generation(self, generation_id: str) -> GenerationStats:
        """Same as ``Client.generation``, but awaitable."""
        request = self._prepare_generation(generation_id)
        result, _ = await self._send(ep.GENERATION, request)
        return result.data  # type: ignore[no-any-return]

    async def key_info(self) -> KeyInfo:
        """Same as ``Client.key_info``, but awaitable."""
        result, _ = await self._send(ep.KEY, self._prepare_get(ep.KEY))
        return result.data  # type: ignore[no-any-return]

    async def credits(self) -> Credits:
        """Same as ``Client.credits``, but awaitable."""
        result, _ = await self._send(ep.CREDITS, self._prepare_get(ep.CREDITS))
        return result.data  # type: ignore[no-any-return]

    # -- lifetime --------------------------------------------------------------------------------
    async def aclose(self) -> None:
        """Close the connection pool (unless it was passed in). Safe to call twice."""
        self._closed = True
        http, self._http = self._http, None
        if http is not None and self._owns_http:
            await http.aclose()

    async def close(self) -> None:
        """Same as ``aclose()``."""
        await self.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class AsyncModelRegistry:
    """Same as ``ModelRegistry``, with awaitable queries; concurrent tasks share one fetch."""

    def __init__(
        self,
        client: AsyncClient,
        *,
        ttl: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._cache = RegistryCache(ttl)
        self._clock = clock
        self._lock: anyio.Lock | None = None  # made on first use, inside the event loop

    def _get_lock(self) -> anyio.Lock:
        if self._lock is None:
            self._lock = anyio.Lock()
        return self._lock

    async def _fresh(self) -> RegistryCache:
        if not self._cache.fresh(self._clock()):
            async with self._get_lock():
                if not self._cache.fresh(self._clock()):
                    self._cache.store(await self._client.list_models(), self._clock())
        return self._cache

    async def refresh(self) -> list[ModelInfo]:
        """Same as ``ModelRegistry.refresh``, but awaitable."""
        async with self._get_lock():
            self._cache.store(await self._client.list_models(), self._clock())
        return self._cache.select()

    async def get_model(self, model_id: str) -> ModelInfo:
        """Same as ``ModelRegistry.get_model``, but awaitable."""
        return (await self._fresh()).get(model_id)

    async def list_models(
        self, capability: str | None = None, max_price: float | str | None = None
    ) -> list[ModelInfo]:
        """Same as ``ModelRegistry.list_models``, but awaitable."""
        return (await self._fresh()).select(capability, max_price)


#: The seed's name for ``AsyncClient``.
OpenRouterClient = AsyncClient
