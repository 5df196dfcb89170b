"""AsyncClient: the async shell (asyncio or trio). It sends, awaits and closes; the core decides."""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Unpack

import anyio
import httpx
import stamina

from openrouter_kit._base import UNSET, BaseClient, BaseStream
from openrouter_kit._core.registry import RegistryCache
from openrouter_kit._core.wire import CREDITS, KEY, LIST_MODELS, is_event_stream
from openrouter_kit._transport import (
    RequestBuilder,
    async_http_client,
    build_request,
    map_transport_error,
    stream_broken,
)
from openrouter_kit.errors import OpenRouterError

if TYPE_CHECKING:
    from decimal import Decimal
    from types import TracebackType
    from typing import Self

    from openrouter_kit._base import _Attempt, _Call, _Options, _Unset
    from openrouter_kit._core.config import TimeoutSetting
    from openrouter_kit._core.events import HookEvent
    from openrouter_kit._core.tools import ToolLoop, ToolRun
    from openrouter_kit._generated.models import (
        CompletionRequest,
        CompletionResponse,
        Credits,
        GenerationStats,
        KeyInfo,
        ModelEndpoints,
        ModelInfo,
        StreamChunk,
        ToolCall,
    )
    from openrouter_kit._generated.params import CompletionParams, RunToolsParams

__all__ = ["AsyncClient", "AsyncModelRegistry", "AsyncStream", "OpenRouterClient"]


class AsyncClient(BaseClient):
    """An async OpenRouter client with a connection pool, for asyncio and trio.

    ::

        async with AsyncClient() as client:           # key from OPENROUTER_API_KEY
            reply = await client.complete(model="openai/gpt-4o-mini",
                                          messages=[{"role": "user", "content": "Hi"}])
            print(reply.text, reply.usage.total_tokens, reply.cost)

    One client is safe to share between many concurrent tasks of one event loop; create it once
    and reuse it. Takes the same arguments as ``Client`` (``http_client``: an
    ``httpx.AsyncClient``), and one more choice for ``transport``:

    Args:
        transport: ``"httpx"`` (default) sends with httpx's own pool, under asyncio or trio.
            ``"aiohttp"`` sends through aiohttp's pool instead, measured faster at high
            concurrency; asyncio only (under trio a request raises ``ConfigurationError``).
            It needs ``pip install 'openrouter-kit[aiohttp]'`` and cannot be combined with
            ``http_client``. Errors, timeouts, streams and pool limits behave the same.
    """

    _http_type = httpx.AsyncClient
    _awaits_hooks = True
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
            self._http = async_http_client(self._config, self._transport)
            self._requests = RequestBuilder(self._http)
        return self._http

    async def _send(self, call: _Call) -> tuple[Any, int]:
        """Same as ``Client._send``, but awaitable (the one async retry loop)."""
        if self._closed:
            raise RuntimeError("this AsyncClient is closed")
        http = self._client()
        try:
            # The first attempt runs outside stamina: most calls need no retry, and setting up
            # the retry machinery costs more than the rest of our side of a request.
            try:
                return await self._try(http, call, 1), 1
            except OpenRouterError as exc:
                if not self._will_retry(call, exc):
                    raise
                failed: OpenRouterError | None = exc
            async for attempt in stamina.retry_context(**self._retry.stamina_kwargs()):
                with attempt:
                    if failed is not None:  # stamina judges the first failure and waits
                        first, failed = failed, None
                        raise first
                    return await self._try(http, call, attempt.num), attempt.num
        except OpenRouterError as exc:
            await self._fire(self._failed(call, exc))
            raise
        raise AssertionError("unreachable: stamina re-raises the last error")  # pragma: no cover

    async def _try(self, http: Any, call: _Call, number: int) -> Any:
        """Attempt ``number`` of ``call``, reported to the hooks and the circuit breaker."""
        step = self._begin(call, number)
        await self._fire(self._requesting(call, step))
        try:
            with step.settled():
                return await self._attempt(http, call, step)
        except OpenRouterError as exc:
            await self._fire(self._retrying(call, exc))
            raise

    async def _attempt(self, http: httpx.AsyncClient, call: _Call, step: _Attempt) -> Any:
        """Same as ``Client._attempt``, but awaitable."""
        request, api_key = step.request, self._config.api_key
        started = time.perf_counter()
        try:
            response = await http.send(
                build_request(
                    http,
                    self._requests,
                    request.method,
                    request.url,
                    step.headers(),
                    request.body,
                    step.timeouts,
                ),
                stream=True,
            )
        except httpx.HTTPError as exc:
            raise map_transport_error(exc, api_key) from exc
        status, headers = response.status_code, response.headers
        if request.stream and is_event_stream(status, headers):
            try:
                await self._fire(
                    self._responded(call, step, status, headers, time.perf_counter() - started)
                )
            except BaseException:
                await _shielded_close(response)
                raise
            return response
        try:
            body = await response.aread()  # closes the response once it is read
        except httpx.HTTPError as exc:
            await _shielded_close(response)
            raise map_transport_error(exc, api_key, response_started=True) from exc
        except BaseException:
            await _shielded_close(response)
            raise
        await self._fire(
            self._responded(call, step, status, headers, time.perf_counter() - started)
        )
        parsed = self._parse(call.endpoint, status, headers, body)
        if request.stream:
            raise self._not_a_stream(status)
        return parsed

    async def _fire(self, event: HookEvent | None) -> None:
        if event is not None:
            await self._hooks.afire(event)

    # -- API -------------------------------------------------------------------------------------
    async def complete(
        self,
        request: CompletionRequest | Mapping[str, Any] | None = None,
        /,
        *,
        timeout: TimeoutSetting | _Unset = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        max_cost: float | str | Decimal | None = None,
        **params: Unpack[CompletionParams],
    ) -> CompletionResponse:
        """Same as ``Client.complete``, but awaitable."""
        options = self._options(timeout, extra_headers, extra_query, extra_body, max_cost)
        return await self._complete(request, params, options)

    async def _complete(
        self,
        request: CompletionRequest | Mapping[str, Any] | None,
        params: Mapping[str, Any],
        options: _Options | None,
    ) -> CompletionResponse:
        await self._load_prices(options)
        call = self._prepare_completion(request, params, options)
        started = time.perf_counter()
        with self._spending(call):
            response, attempts = await self._send(call)
        try:
            return self._finish_completion(call, response, time.perf_counter() - started, attempts)
        except OpenRouterError as exc:  # an error inside the answer
            await self._fire(self._failed(call, exc))
            raise

    async def _load_prices(self, options: _Options | None = None) -> None:
        if self._needs_prices(options):
            await self.models._fresh()

    def stream(
        self,
        request: CompletionRequest | Mapping[str, Any] | None = None,
        /,
        *,
        timeout: TimeoutSetting | _Unset = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        max_cost: float | str | Decimal | None = None,
        **params: Unpack[CompletionParams],
    ) -> AsyncStream:
        """Same as ``Client.stream``, but an async iterator and async context manager.

        ``async for chunk in client.stream(...)`` works without ``await``: the request is sent
        when the iteration or the ``async with`` block starts.
        """
        options = self._options(timeout, extra_headers, extra_query, extra_body, max_cost)
        call, assembler = self._prepare_stream(request, params, options)
        return AsyncStream(self, call, assembler)

    async def run_tools(
        self,
        request: CompletionRequest | Mapping[str, Any] | None = None,
        /,
        *,
        tools: Sequence[Callable[..., Any]],
        max_rounds: int = 8,
        raise_errors: bool = False,
        timeout: TimeoutSetting | _Unset = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        max_cost: float | str | Decimal | None = None,
        **params: Unpack[RunToolsParams],
    ) -> ToolRun:
        """Same as ``Client.run_tools``, but awaitable; a turn's calls run concurrently (async
        tools in the event loop, plain functions in worker threads)."""
        options = self._options(timeout, extra_headers, extra_query, extra_body, max_cost)
        loop = self._tool_loop(request, params, tools, max_rounds, raise_errors, options)
        while True:
            calls = loop.record(await self._complete(None, loop.next_request(), loop.options))
            if not calls:
                return loop.result()
            outcomes: list[_Outcome] = [(None, None, None)] * len(calls)
            async with anyio.create_task_group() as group:
                for index, call in enumerate(calls):
                    group.start_soon(_run_tool, loop, call, outcomes, index)
            for call, (result, error, exc) in zip(calls, outcomes, strict=True):
                loop.add_result(call, result, loop.failed(call, exc) if exc is not None else error)

    async def list_models(self) -> list[ModelInfo]:
        """Same as ``Client.list_models``, but awaitable."""
        models, _ = await self._send(self._prepare_get(LIST_MODELS))
        return models.data  # type: ignore[no-any-return]

    async def model_endpoints(self, model: str) -> ModelEndpoints:
        """Same as ``Client.model_endpoints``, but awaitable."""
        result, _ = await self._send(self._prepare_model_endpoints(model))
        return result.data  # type: ignore[no-any-return]

    async def generation(self, generation_id: str) -> GenerationStats:
        """Same as ``Client.generation``, but awaitable."""
        result, _ = await self._send(self._prepare_generation(generation_id))
        return result.data  # type: ignore[no-any-return]

    async def key_info(self) -> KeyInfo:
        """Same as ``Client.key_info``, but awaitable."""
        result, _ = await self._send(self._prepare_get(KEY))
        return result.data  # type: ignore[no-any-return]

    async def credits(self) -> Credits:
        """Same as ``Client.credits``, but awaitable."""
        result, _ = await self._send(self._prepare_get(CREDITS))
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


#: A tool call's (result, error reported to the model, exception raised by the tool).
_Outcome = tuple[Any, str | None, BaseException | None]


async def _run_tool(loop: ToolLoop, call: ToolCall, outcomes: list[_Outcome], index: int) -> None:
    """Run one tool call (async tools in the loop, plain functions in a worker thread)."""
    try:
        fn, arguments, error = loop.prepare(call)
        if fn is None:
            outcomes[index] = (None, error, None)
            return
        if inspect.iscoroutinefunction(fn):
            outcomes[index] = (await fn(**arguments), None, None)
        else:
            result = await anyio.to_thread.run_sync(functools.partial(fn, **arguments))
            outcomes[index] = (result, None, None)
    except Exception as exc:  # judged by the caller, in call order
        outcomes[index] = (None, None, exc)


#: Seconds a cancelled or abandoned stream may take to close its response.
_CLOSE_TIMEOUT = 5.0


async def _shielded_close(response: httpx.Response) -> None:
    # Closing must finish even in a cancelled task (trio cancels every later await otherwise).
    with anyio.move_on_after(_CLOSE_TIMEOUT, shield=True):
        await response.aclose()


async def _body(response: httpx.Response) -> AsyncGenerator[bytes, None]:
    # Our own generator around the body: when an abandoned stream is collected, the event loop
    # finalizes it, and the finally below closes the response.
    try:
        async for raw in response.aiter_bytes():
            yield raw
    finally:
        await _shielded_close(response)


class AsyncStream(BaseStream):
    """Same as ``Stream``, as an async iterator and async context manager.

    ::

        async with client.stream(model="openai/gpt-4o-mini", messages=messages) as stream:
            async for text in stream.text_stream:
                print(text, end="", flush=True)
        reply = await stream.final_response()

    Leaving the block, breaking out of the loop inside it, ``await aclose()``, or cancelling the
    task closes the HTTP response at once; a stream that is simply dropped is closed when the
    event loop finalizes it (trio then warns that ``async with`` was not used). Use it from one
    task at a time.
    """

    __slots__ = ()
    _client: AsyncClient
    _response: httpx.Response | None
    _raw: AsyncGenerator[bytes, None] | None

    @property
    async def text_stream(self) -> AsyncIterator[str]:
        """Same as ``Stream.text_stream``, as an async iterator."""
        async for chunk in self:
            text = chunk.text
            if text:
                yield text

    async def _open(self) -> None:
        self._opening()
        try:
            await self._client._load_prices(self._call.options)
            self._client._reserve(self._call)
            with self._client._spending(self._call):
                response, self.attempts = await self._client._send(self._call)
        except BaseException as exc:
            self._failure = exc
            raise
        self._response = response
        self._raw = _body(response)

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> StreamChunk:
        while True:
            try:
                chunk = self._next_chunk()
            except BaseException as exc:  # an error event, or an event that is not a chunk
                await self._broken(exc)
                raise
            if chunk is not None:
                return chunk
            if not await self._read():
                raise StopAsyncIteration

    async def _broken(self, exc: BaseException) -> None:
        await self.aclose()
        if isinstance(exc, OpenRouterError):
            await self._client._fire(self._client._failed(self._call, exc))

    async def _read(self) -> bool:
        """Same as ``Stream._read``, but awaitable."""
        if self._response is None and not self._closed:
            await self._open()
        assembler = self._assembler
        while not self._closed and not assembler.done and self._raw is not None:
            try:
                raw = await anext(self._raw, None)
                if raw is None:
                    assembler.finish()
                    break
                events = assembler.events(raw)
            except httpx.HTTPError as exc:
                error = stream_broken(exc, assembler, self._client._config.api_key)
                await self._broken(error)
                raise error from exc
            except BaseException as exc:
                await self._broken(exc)
                raise
            if events:
                self._pending, self._position = events, 0
                return True
        await self.aclose()
        return False

    async def final_response(self) -> CompletionResponse:
        """Same as ``Stream.final_response``, but awaitable."""
        async for _ in self:
            pass
        return self._record()

    async def aclose(self) -> None:
        """Same as ``Stream.close``, but awaitable; completes even in a cancelled task."""
        if self._closing() and self._response is not None:
            if self._raw is not None:
                with anyio.move_on_after(_CLOSE_TIMEOUT, shield=True):
                    await self._raw.aclose()
            await _shielded_close(self._response)
            self._record()

    async def close(self) -> None:
        """Same as ``aclose()``."""
        await self.aclose()

    async def __aenter__(self) -> Self:
        if self._response is None:
            await self._open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __del__(self) -> None:
        # The response is closed by the event loop finalizing ``_body``; record usage now.
        if self._closing():
            self._record()


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

    async def check(
        self,
        request: CompletionRequest | Mapping[str, Any] | None = None,
        /,
        **params: Unpack[CompletionParams],
    ) -> None:
        """Same as ``ModelRegistry.check``, but awaitable."""
        await self._fresh()
        self._client._completion_request(request, params)

    async def refresh(self) -> list[ModelInfo]:
        """Same as ``ModelRegistry.refresh``, but awaitable."""
        async with self._get_lock():
            self._cache.store(await self._client.list_models(), self._clock())
        return self._cache.select()

    async def get_model(self, model_id: str) -> ModelInfo:
        """Same as ``ModelRegistry.get_model``, but awaitable."""
        return (await self._fresh()).get(model_id)

    async def list_models(
        self, capability: str | None = None, max_price: Decimal | float | str | None = None
    ) -> list[ModelInfo]:
        """Same as ``ModelRegistry.list_models``, but awaitable."""
        return (await self._fresh()).select(capability, max_price)


#: The seed's name for ``AsyncClient``.
OpenRouterClient = AsyncClient
