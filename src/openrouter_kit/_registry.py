"""The model registries: the model list fetched once and cached, for each shell, side by side.

Owns: fetching ``/models`` into a ``RegistryCache`` (concurrent first uses send one request) and
the registry's queries: the whole list (``output_modalities=all``) and filtered lists, each in a
cache of its own (``_core.registry.ListCaches``). ``client.models`` fills the cache its client
owns, which the client also checks requests against and prices calls with; a registry made by
hand keeps its own cache.
Never knows: what the cache decides (``_core.registry``: freshness, lookup, filters), how a
request is sent (the client sends).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Unpack

import anyio

from openrouter_kit._core.registry import EVERY_MODEL, ListCaches, RegistryCache, list_key

if TYPE_CHECKING:
    from decimal import Decimal
    from typing import Self

    from openrouter_kit._async_client import AsyncClient
    from openrouter_kit._client import Client
    from openrouter_kit._generated.models import CompletionRequest, ModelInfo
    from openrouter_kit._generated.params import CompletionParams, ListModelsParams

__all__ = ["AsyncModelRegistry", "ModelRegistry"]


class ModelRegistry:
    """The model list, fetched once and cached for ``ttl`` seconds (default one hour).

    ::

        registry = client.models                      # or ModelRegistry(client, ttl=600)
        model = registry.get_model("openai/gpt-4o-mini")
        cheap_vision = registry.list_models(capability="vision", max_price="0.000001")

    Safe to share between threads: concurrent first use sends exactly one request.
    A model's capabilities are ``model.capabilities``; ``list_models`` filters by them.
    """

    def __init__(
        self, client: Client, *, ttl: float = 3600.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._client = client
        self._cache = RegistryCache(ttl)
        self._lists = ListCaches(self._cache)
        self._clock = clock
        self._lock = threading.Lock()

    @classmethod
    def _over(cls, client: Client, cache: RegistryCache) -> Self:
        """The client's own registry (``client.models``), filling the cache the client checks
        and prices its calls with (a registry made by hand keeps its own)."""
        registry = cls(client, ttl=cache.ttl)
        registry._cache = cache
        registry._lists = ListCaches(cache)
        return registry

    def _fresh_cache(self, filters: Mapping[str, Any] | None = None) -> RegistryCache:
        """The cache of the list ``filters`` select (None: the whole list), after fetching it
        if it is missing or older than the TTL."""
        key = list_key(filters or {})
        with self._lock:
            cache = self._lists.get(key)
        if not cache.fresh(self._clock()):
            with self._lock:
                if not cache.fresh(self._clock()):
                    cache.store(self._client.list_models(**_fetched(filters)), self._clock())
        return cache

    def check(
        self,
        request: CompletionRequest | Mapping[str, Any] | None = None,
        /,
        **params: Unpack[CompletionParams],
    ) -> None:
        """Check a request against the model list (fetched if needed) without sending it.

        Once the list is loaded, ``complete()`` and ``stream()`` run the same check themselves.

        Raises:
            ModelNotFoundError: a model id is unknown (the message names the closest ids).
            ContextLengthError: the estimated prompt plus ``max_tokens`` exceed the context.
            ValidationError: the request is invalid, or its ``max_tokens`` is above what the
                model may generate (its ``top_provider.max_completion_tokens``).
        """
        self._fresh_cache()
        self._client._completion_request(request, params)

    def refresh(self) -> list[ModelInfo]:
        """Fetch the list now (whatever its age) and return it."""
        with self._lock:
            self._cache.store(self._client.list_models(output_modalities="all"), self._clock())
        return self._cache.select()

    def get_model(self, model_id: str) -> ModelInfo:
        """Return the model with this id (a ``:variant`` suffix is resolved to its base model).

        Raises:
            ModelNotFoundError: no such model; the message names the closest ids.
        """
        return self._fresh_cache().get(model_id)

    def list_models(
        self,
        capability: str | None = None,
        max_price: Decimal | float | str | None = None,
        *,
        filters: ListModelsParams | None = None,
    ) -> list[ModelInfo]:
        """Return the models with ``capability`` whose prompt price per token (USD: a
        ``Decimal``, int, float or decimal string) is <= ``max_price``.

        The registry's list holds every model (embedding and image-only ones too: it is
        fetched with ``output_modalities="all"``). ``filters`` are the API's own, as a dict of
        ``client.list_models()``'s keywords (``{"output_modalities": "embeddings"}``,
        ``{"category": "programming"}``): the list they select is fetched and cached apart,
        never mixed with the whole list the client checks and prices calls with.

        Capabilities, from the documented ``/models`` fields: ``chat`` (text in and out),
        ``completion`` (text out), ``code`` (a coding model by name: the API has no flag),
        ``tools`` (``tools`` in supported parameters), ``vision`` (image input), ``reasoning``
        (``reasoning`` or ``include_reasoning`` supported), ``structured_outputs``
        (``structured_outputs`` or ``response_format`` supported), ``audio`` (audio in or out),
        ``image_output`` (image out), ``free`` (prompt and completion prices both 0).
        A model with a variable price (``VARIABLE``: ``-1`` on the wire, like ``openrouter/auto``)
        never passes a price filter.

        Raises:
            ValidationError: an unknown capability, a ``max_price`` that is not a number, or
                an invalid filter.
        """
        return self._fresh_cache(filters).select(capability, max_price)


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
        self._lists = ListCaches(self._cache)
        self._clock = clock
        self._lock: anyio.Lock | None = None  # made on first use, inside the event loop

    @classmethod
    def _over(cls, client: AsyncClient, cache: RegistryCache) -> Self:
        """Same as ``ModelRegistry._over``."""
        registry = cls(client, ttl=cache.ttl)
        registry._cache = cache
        registry._lists = ListCaches(cache)
        return registry

    def _get_lock(self) -> anyio.Lock:
        if self._lock is None:
            self._lock = anyio.Lock()
        return self._lock

    async def _fresh_cache(self, filters: Mapping[str, Any] | None = None) -> RegistryCache:
        """Same as ``ModelRegistry._fresh_cache``, but awaitable."""
        cache = self._lists.get(list_key(filters or {}))
        if not cache.fresh(self._clock()):
            async with self._get_lock():
                if not cache.fresh(self._clock()):
                    models = await self._client.list_models(**_fetched(filters))
                    cache.store(models, self._clock())
        return cache

    async def check(
        self,
        request: CompletionRequest | Mapping[str, Any] | None = None,
        /,
        **params: Unpack[CompletionParams],
    ) -> None:
        """Same as ``ModelRegistry.check``, but awaitable."""
        await self._fresh_cache()
        self._client._completion_request(request, params)

    async def refresh(self) -> list[ModelInfo]:
        """Same as ``ModelRegistry.refresh``, but awaitable."""
        async with self._get_lock():
            self._cache.store(
                await self._client.list_models(output_modalities="all"), self._clock()
            )
        return self._cache.select()

    async def get_model(self, model_id: str) -> ModelInfo:
        """Same as ``ModelRegistry.get_model``, but awaitable."""
        return (await self._fresh_cache()).get(model_id)

    async def list_models(
        self,
        capability: str | None = None,
        max_price: Decimal | float | str | None = None,
        *,
        filters: ListModelsParams | None = None,
    ) -> list[ModelInfo]:
        """Same as ``ModelRegistry.list_models``, but awaitable."""
        return (await self._fresh_cache(filters)).select(capability, max_price)


def _fetched(filters: Mapping[str, Any] | None) -> Any:
    """The ``list_models()`` keywords that fetch the list ``filters`` select: those set, or
    ``EVERY_MODEL`` for the whole list."""
    given = {name: value for name, value in (filters or {}).items() if value is not None}
    return given or dict(EVERY_MODEL)
