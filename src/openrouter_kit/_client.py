"""Client: the blocking shell. It sends, waits and closes; every decision is in the core."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

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

__all__ = ["Client", "ModelRegistry"]


class Client(BaseClient):
    """A blocking OpenRouter client with a connection pool.

    ::

        with Client() as client:                      # key from OPENROUTER_API_KEY
            reply = client.complete(model="openai/gpt-4o-mini",
                                    messages=[{"role": "user", "content": "Hi"}])
            print(reply.text, reply.usage.total_tokens, reply.cost)

    One client is safe to share between threads; create it once and reuse it.

    Args:
        api_key: Your OpenRouter key; defaults to ``OPENROUTER_API_KEY``. Never shown in reprs,
            logs or errors.
        base_url: The API root; defaults to ``OPENROUTER_BASE_URL``, then
            ``https://openrouter.ai/api/v1``. Plain ``http://`` is refused except on loopback.
        app_name: Sent as ``X-OpenRouter-Title`` (and ``X-Title``) for app attribution.
        app_url: Sent as ``HTTP-Referer`` for app attribution.
        timeout: Seconds each HTTP attempt may take (None: no limit).
        max_retries: Retries after a failed attempt (connection errors, 408, 429, 5xx); 0 disables.
        default_model: The model for requests that name none.
        default_params: Parameters (``temperature``, ``max_tokens``, ...) for requests that do not
            set them.
        headers: Extra headers sent with every request.
        http_client: An ``httpx.Client`` to use instead of the client's own (you close it).

    Raises:
        ConfigurationError: no API key, a refused base URL, or an invalid setting.
    """

    _http_type = httpx.Client
    _http: httpx.Client | None
    _models: ModelRegistry | None

    @property
    def models(self) -> ModelRegistry:
        """This client's model registry: ``/models`` cached for an hour, fetched on first use."""
        if self._models is None:
            with self._lock:
                if self._models is None:
                    self._models = ModelRegistry(self)
        return self._models

    # -- I/O -------------------------------------------------------------------------------------
    def _client(self) -> httpx.Client:
        http = self._http
        if http is None:
            with self._lock:
                if self._closed:
                    raise RuntimeError("this Client is closed")
                if self._http is None:
                    self._http = httpx.Client(timeout=http_timeout(self._config.timeout))
                http = self._http
        return http

    def _send(self, endpoint: ep.Endpoint, request: WireRequest) -> tuple[Any, int]:
        """The parsed response and the number of attempts it took (the one blocking retry loop)."""
        if self._closed:
            raise RuntimeError("this Client is closed")
        http = self._client()
        for attempt in stamina.retry_context(**self._retry.stamina_kwargs()):
            with attempt:
                started = time.perf_counter()
                try:
                    response = http.request(
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
    def complete(
        self, request: CompletionRequest | Mapping[str, Any] | None = None, /, **params: Any
    ) -> CompletionResponse:
        """Return the model's answer to a chat completion request.

        Pass a ``CompletionRequest``, a dict, or keywords (``model=..., messages=[...]``; messages
        as ``Message`` objects or OpenAI-style dicts). Keywords override the request's fields;
        unknown keywords are sent as they are.

        Raises:
            ValidationError: the request is invalid (nothing was sent).
            APIError: the server's error, as its subclass (see ``openrouter_kit.errors``).
            RequestTimeoutError, APIConnectionError: the network failed after all retries.
        """
        wire_request = self._prepare_completion(request, params)
        started = time.perf_counter()
        response, attempts = self._send(ep.CHAT_COMPLETIONS, wire_request)
        return self._finish_completion(response, time.perf_counter() - started, attempts)

    def list_models(self) -> list[ModelInfo]:
        """Return every model OpenRouter offers, with pricing, context length and capabilities."""
        models, _ = self._send(ep.LIST_MODELS, self._prepare_get(ep.LIST_MODELS))
        return models.data  # type: ignore[no-any-return]

    def model_endpoints(self, model: str) -> ModelEndpoints:
        """Return the provider endpoints serving ``model`` (``author/slug``), with their prices."""
        request = self._prepare_model_endpoints(model)
        result, _ = self._send(ep.MODEL_ENDPOINTS, request)
        return result.data  # type: ignore[no-any-return]

    def generation(self, generation_id: str) -> GenerationStats:
        """Return the authoritative stats (tokens, cost, latency) of a finished generation."""
        request = self._prepare_generation(generation_id)
        result, _ = self._send(ep.GENERATION, request)
        return result.data  # type: ignore[no-any-return]

    def key_info(self) -> KeyInfo:
        """Return the current key's limits and usage."""
        result, _ = self._send(ep.KEY, self._prepare_get(ep.KEY))
        return result.data  # type: ignore[no-any-return]

    def credits(self) -> Credits:
        """Return the account's total credits and usage (needs a management key)."""
        result, _ = self._send(ep.CREDITS, self._prepare_get(ep.CREDITS))
        return result.data  # type: ignore[no-any-return]

    # -- lifetime --------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection pool (unless it was passed in). Safe to call twice."""
        with self._lock:
            self._closed = True
            http, self._http = self._http, None
        if http is not None and self._owns_http:
            http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class ModelRegistry:
    """The model list, fetched once and cached for ``ttl`` seconds (default one hour).

    ::

        registry = client.models                      # or ModelRegistry(client, ttl=600)
        model = registry.get_model("openai/gpt-4o-mini")
        cheap_vision = registry.list_models(capability="vision", max_price=0.000001)

    Safe to share between threads: concurrent first use sends exactly one request.
    Capabilities are derived as ``openrouter_kit._core.registry.CAPABILITIES`` documents.
    """

    def __init__(
        self, client: Client, *, ttl: float = 3600.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._client = client
        self._cache = RegistryCache(ttl)
        self._clock = clock
        self._lock = threading.Lock()

    def _fresh(self) -> RegistryCache:
        if not self._cache.fresh(self._clock()):
            with self._lock:
                if not self._cache.fresh(self._clock()):
                    self._cache.store(self._client.list_models(), self._clock())
        return self._cache

    def refresh(self) -> list[ModelInfo]:
        """Fetch the list now (whatever its age) and return it."""
        with self._lock:
            self._cache.store(self._client.list_models(), self._clock())
        return self._cache.select()

    def get_model(self, model_id: str) -> ModelInfo:
        """Return the model with this id (a ``:variant`` suffix is resolved to its base model).

        Raises:
            ModelNotFoundError: no such model; the message names the closest ids.
        """
        return self._fresh().get(model_id)

    def list_models(
        self, capability: str | None = None, max_price: float | str | None = None
    ) -> list[ModelInfo]:
        """Return the models with ``capability`` whose prompt price per token is <= ``max_price``.

        A model with a variable price (``-1`` on the wire, like ``openrouter/auto``) never passes a
        price filter.
        """
        return self._fresh().select(capability, max_price)
