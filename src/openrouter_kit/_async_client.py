"""AsyncClient: the async shell (asyncio or trio). It sends, awaits and closes; the core decides."""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar, Unpack, overload

import anyio
import httpx

from openrouter_kit._base import UNSET, AsyncClosing, BaseClient
from openrouter_kit._bounds import READ_BY, ReadLimit
from openrouter_kit._call import Attempts
from openrouter_kit._core.ratelimit import Denied
from openrouter_kit._core.wire import (
    CREDITS,
    EMBEDDING_MODELS,
    KEY,
    PROVIDERS,
    USER_MODELS,
    is_event_stream,
)
from openrouter_kit._http import (
    RequestBuilder,
    aread_body,
    async_http_client,
    map_transport_error,
)
from openrouter_kit._keys import AsyncKeys
from openrouter_kit._observe import failed, requesting, responded, retrying
from openrouter_kit._raw import AsyncRawCalls, noted
from openrouter_kit._registry import AsyncModelRegistry
from openrouter_kit._streams import AsyncStream, shielded_close
from openrouter_kit.errors import BudgetExceededError, OpenRouterError

if TYPE_CHECKING:
    from decimal import Decimal

    from openrouter_kit._base import _Options, _Unset
    from openrouter_kit._call import Attempt, Call
    from openrouter_kit._core.accounting import PendingHold, WorstCase
    from openrouter_kit._core.config import TimeoutSetting
    from openrouter_kit._core.events import HookEvent
    from openrouter_kit._core.tools import ToolLoop, ToolRun
    from openrouter_kit._generated.models import (
        AuthCode,
        AuthKey,
        CompletionRequest,
        CompletionResponse,
        Credits,
        EmbeddingInput,
        EmbeddingResponse,
        GenerationContent,
        GenerationStats,
        KeyInfo,
        ModelEndpoints,
        ModelInfo,
        ProviderInfo,
        RerankDocument,
        RerankResponse,
        TokenUsage,
        ToolCall,
    )
    from openrouter_kit._generated.params import (
        CompletionParams,
        EmbeddingInputParam,
        EmbedParams,
        ListModelsParams,
        RerankDocumentParam,
        RerankParams,
        RunToolsParams,
    )

__all__ = ["AsyncClient", "OpenRouterClient"]

T = TypeVar("T")


class AsyncClient(BaseClient, AsyncClosing):
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
        transport: Which connection pool sends the requests (httpx stays the client either
            way: requests, responses and errors are httpx's). None (the default) picks when
            the pool is built, on the first request: aiohttp's pool under asyncio (a fraction
            of httpx's CPU per request at every concurrency), httpx's under trio, with
            ``http2=True``, and while a mocking library (pytest-httpx, respx) patches httpx.
            ``"httpx"`` always sends with httpx's own pool, under asyncio or trio.
            ``"aiohttp"`` always sends with aiohttp's; asyncio only (under trio a request
            raises ``ConfigurationError``), and not with ``http_client``. Errors, timeouts,
            streams and pool limits behave the same.
    """

    _http_type = httpx.AsyncClient
    _awaits_hooks = True
    _http: httpx.AsyncClient | None
    _models: AsyncModelRegistry | None

    @property
    def models(self) -> AsyncModelRegistry:
        """Same as ``Client.models``, with awaitable queries."""
        if self._models is None:
            self._models = AsyncModelRegistry._over(self, self._model_cache)
        return self._models

    # -- I/O -------------------------------------------------------------------------------------
    def _client(self) -> httpx.AsyncClient:
        # No await between the checks and the assignment, so concurrent tasks build one pool.
        http = self._http
        if http is None:
            if self._closed:
                raise RuntimeError("this AsyncClient is closed")
            http = self._http = async_http_client(self._config, self._transport, self._ssl)
            self._requests = RequestBuilder(http)
        return http

    async def _send(self, call: Call) -> tuple[Any, int]:
        """Same as ``Client._send``, but awaitable (the one async retry loop)."""
        http = self._client()
        try:
            async for attempt in Attempts(self._retry, call):
                with attempt:
                    return await self._try(http, call, attempt.num), attempt.num
        except OpenRouterError as exc:
            await self._fire(failed(self._hooks, call, exc))
            raise
        raise AssertionError("unreachable: the last failure is raised")  # pragma: no cover

    async def _try(self, http: httpx.AsyncClient, call: Call, number: int) -> Any:
        """Attempt ``number`` of ``call``, reported to the hooks and the circuit breaker (on a
        shared store, awaiting its twins)."""
        attempt = await self._begin(call, number)
        await self._fire(requesting(self._hooks, call, attempt))
        try:
            if self._awaits_store:
                async with attempt:
                    return await self._exchange(http, call, attempt)
            with attempt:
                return await self._exchange(http, call, attempt)
        except OpenRouterError as exc:
            await self._fire(retrying(self._hooks, call, exc, self._retry))
            raise

    async def _begin(self, call: Call, number: int) -> Attempt:
        """Same as ``Client._begin``, but awaitable (a shared store's twins awaited)."""
        if self._store_events:
            for event in self._take_store_events():
                await self._hooks.afire(event)
        if self._shared is not None:
            return await self._begin_shared(call, number)
        attempt = await self._route(call, number)
        limiter = self._limited(call)
        waited = 0.0
        while limiter is not None:
            tokens = self._attempt_tokens(call, limiter)
            now = time.monotonic()
            admission = (
                await limiter.aadmit(call.model or "", tokens, now)
                if self._awaits_store
                else limiter.admit(call.model or "", tokens, now)
            )
            if not isinstance(admission, Denied):
                self._admitted(call, attempt, limiter, admission)
                break
            if self._awaits_store:  # no probe may wait for room
                await self._breaker.arelease(attempt.key)
            else:
                self._breaker.release(attempt.key)
            wait = self._room_wait(call, admission, waited)
            await anyio.sleep(wait)
            waited += wait
            attempt = await self._route(call, number)
        return attempt

    async def _begin_shared(self, call: Call, number: int) -> Attempt:
        """Same as ``Client._begin_shared``, but awaitable."""
        limiter = self._limited(call)
        waited = 0.0
        while True:
            admitted, call.admitted = call.admitted, None
            if admitted is None:
                call.bounds(number, time.monotonic())  # the deadline, before a probe is taken
                admitted = await self._shared._aadmit_call(*self._admission(call))
            admission = admitted.admission
            routed = admitted.routed
            if routed is None:
                now = time.monotonic()
                routed = await self._breaker.aroute(call.endpoint.name, call.candidates, now)
            attempt = self._attempt_of(call, number, routed, admission)
            if limiter is None:
                return attempt
            if admission is None:
                tokens = self._attempt_tokens(call, limiter)
                admission = await limiter.aadmit(call.model or "", tokens, time.monotonic())
            if not isinstance(admission, Denied):
                self._admitted(call, attempt, limiter, admission)
                return attempt
            await self._breaker.arelease(attempt.key)  # no probe may wait for room
            wait = self._room_wait(call, admission, waited)
            await anyio.sleep(wait)
            waited += wait

    async def _route(self, call: Call, number: int) -> Attempt:
        """``call.begin``, awaiting a shared store's route first."""
        if not self._awaits_store:
            return call.begin(number, self._breaker)
        call.bounds(number, time.monotonic())  # the deadline, before a probe may be taken
        routed = await self._breaker.aroute(call.endpoint.name, call.candidates, time.monotonic())
        try:
            return call.begin(number, self._breaker, routed)
        except BaseException:
            await self._breaker.arelease((call.endpoint.name, routed[0]))
            raise

    async def _exchange(self, http: httpx.AsyncClient, call: Call, attempt: Attempt) -> Any:
        """Same as ``Client._exchange``, but awaitable."""
        wire, api_key = attempt.wire, self._config.api_key
        started = time.perf_counter()
        limit = ReadLimit.until_deadline(call.deadline, call.started)
        reading = READ_BY.set(limit)
        try:
            try:
                request = self._requests.build(
                    wire.method, wire.url, attempt.headers(), wire.body, attempt.timeouts
                )
                response = await http.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise map_transport_error(exc, api_key, limit=limit) from exc
            status, headers = response.status_code, response.headers
            call.response_headers = headers  # its generation id, should the answer be cut
            noted(status, headers, response.http_version)  # for with_raw_response
            if wire.stream and is_event_stream(status, headers):
                await self._atag_hold(call)
                latency = time.perf_counter() - started
                try:
                    await self._fire(
                        responded(self._hooks, call, status, headers, latency, api_key)
                    )
                except BaseException:
                    await shielded_close(response)
                    raise
                return response
            limit.tighten(attempt.timeouts.read, "read", time.monotonic())
            try:
                body = await aread_body(response, self._max_bytes)  # closes it once read
            except httpx.HTTPError as exc:
                await shielded_close(response)
                raise map_transport_error(exc, api_key, response_started=True, limit=limit) from exc
            except BaseException:
                await shielded_close(response)
                raise
        finally:
            READ_BY.reset(reading)
        latency = time.perf_counter() - started
        await self._fire(responded(self._hooks, call, status, headers, latency, api_key))
        return self._parse(call, wire, status, headers, body)

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
        await self._hold(call)
        started = time.perf_counter()
        with self._spending(call):
            response, attempts = await self._send(call)
        try:
            return self._finish_completion(call, response, time.perf_counter() - started, attempts)
        except OpenRouterError as exc:  # an error inside the answer
            await self._fire(failed(self._hooks, call, exc))
            raise
        finally:
            if call.ticket is not None:  # a shared store: the usage corrects it here
                await self._areconcile(call, response.usage)

    async def _areconcile(self, call: Call, usage: TokenUsage | None) -> None:
        """Same as ``BaseClient._reconcile``, awaiting a shared store's limiter."""
        used = self._used_tokens(call, usage)
        if used is not None:
            await self._limiter.areconcile(*used)  # type: ignore[union-attr]

    async def _load_prices(self, options: _Options | None = None) -> None:
        if self._needs_prices(options):
            await self.models._fresh_cache()

    async def _hold(self, call: Call) -> None:
        """Same as ``Client._hold``, but awaitable."""
        worst = self._worst_case(call)
        if worst is None:
            return
        try:
            await self._ahold_worst(call, worst)
        except BudgetExceededError:
            if not await self._sweep(due_only=True, limit=self._SWEEP_BEFORE_REFUSAL):
                raise
            await self._ahold_worst(call, worst)

    async def _ahold_worst(self, call: Call, worst: WorstCase) -> None:
        """Same as ``BaseClient._hold_worst``, awaiting a shared store's budget."""
        if not self._awaits_store:
            self._hold_worst(call, worst)
            return
        budget = self._budget
        if budget is not None and self._shared is not None:  # with the first admission
            call.admitted = await self._shared._aadmit_call(
                *self._admission(call), (worst.cost, "this call", worst.lower_hold)
            )
            call.held = call.admitted.held
        elif budget is not None:
            call.held = await budget._areserve(
                worst.cost, "this call", worst.lower_hold, time.monotonic()
            )

    async def _aclaim_pending(self, *, due_only: bool, limit: int | None) -> list[PendingHold]:
        """Same as ``BaseClient._claim_pending``, awaiting a shared store's budget."""
        budget = self._budget
        if not self._awaits_store or budget is None:
            return self._claim_pending(due_only=due_only, limit=limit)
        return await budget._aclaim(time.monotonic(), due_only=due_only, limit=limit)

    async def _aunclaim(self, holds: Sequence[PendingHold]) -> None:
        """Same as ``BaseClient._unclaim``, awaiting a shared store's budget."""
        budget = self._budget
        if not self._awaits_store or budget is None:
            self._unclaim(holds)
            return
        for hold in holds:
            await budget._aunclaim(hold)

    async def _alooked_up(self, hold: PendingHold, found: GenerationStats | BaseException) -> None:
        """Same as ``BaseClient._looked_up``, awaiting a shared store's budget."""
        budget = self._budget
        if not self._awaits_store or budget is None:
            self._looked_up(hold, found)
            return
        await budget._aresolve(hold, self._lookup(found), time.monotonic())

    async def _sweep(
        self, *, due_only: bool, limit: int | None, within: float | None = None
    ) -> bool:
        """Same as ``Client._sweep``, but awaitable."""
        holds = await self._aclaim_pending(due_only=due_only, limit=limit)
        end = None if within is None else time.monotonic() + within
        for index, hold in enumerate(holds):
            asker = self._asker(end)
            if asker is None:  # out of time: the rest stay pending
                await self._aunclaim(holds[index:])
                break
            try:
                found: Any = await asker.generation(hold.generation)
            except OpenRouterError as exc:
                found = exc
            except BaseException:  # cancelled: the holds not looked up stay pending
                with anyio.CancelScope(shield=True):
                    await self._aunclaim(holds[index:])
                raise
            await self._alooked_up(hold, found)
        return bool(holds)

    async def settle_pending(self, timeout: float = 0.0) -> int:
        """Same as ``Client.settle_pending``, but awaitable."""
        end = time.monotonic() + timeout
        while True:
            await self._sweep(due_only=False, limit=None)
            left = end - time.monotonic()
            if not self._pending_left() or left <= 0:
                return self._pending_left()
            await anyio.sleep(min(1.0, left))

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
            outcomes = [_Outcome()] * len(calls)
            async with anyio.create_task_group() as group:
                for index, call in enumerate(calls):
                    group.start_soon(_run_tool, loop, call, outcomes, index)
            for call, (result, error, raised) in zip(calls, outcomes, strict=True):
                loop.add_result(
                    call, result, loop.failed(call, raised) if raised is not None else error
                )

    async def list_models(self, **params: Unpack[ListModelsParams]) -> list[ModelInfo]:
        """Same as ``Client.list_models``, but awaitable."""
        models, _ = await self._send(self._prepare_list_models(params))
        return models.data  # type: ignore[no-any-return]

    async def list_user_models(self) -> list[ModelInfo]:
        """Same as ``Client.list_user_models``, but awaitable."""
        models, _ = await self._send(self._prepare_get(USER_MODELS))
        return models.data  # type: ignore[no-any-return]

    async def list_embedding_models(self) -> list[ModelInfo]:
        """Same as ``Client.list_embedding_models``, but awaitable."""
        models, _ = await self._send(self._prepare_get(EMBEDDING_MODELS))
        return models.data  # type: ignore[no-any-return]

    async def count_models(self, output_modalities: str | Sequence[str] | None = None) -> int:
        """Same as ``Client.count_models``, but awaitable."""
        result, _ = await self._send(self._prepare_count_models(output_modalities))
        return result.data.count  # type: ignore[no-any-return]

    async def model_info(self, model: str) -> ModelInfo:
        """Same as ``Client.model_info``, but awaitable."""
        result, _ = await self._send(self._prepare_model_info(model))
        return result.data  # type: ignore[no-any-return]

    async def list_providers(self) -> list[ProviderInfo]:
        """Same as ``Client.list_providers``, but awaitable."""
        result, _ = await self._send(self._prepare_get(PROVIDERS))
        return result.data  # type: ignore[no-any-return]

    async def embed(
        self,
        input: str
        | Sequence[str]
        | Sequence[int]
        | Sequence[Sequence[int]]
        | Sequence[EmbeddingInput | EmbeddingInputParam],
        /,
        *,
        timeout: TimeoutSetting | _Unset = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        max_cost: float | str | Decimal | None = None,
        **params: Unpack[EmbedParams],
    ) -> EmbeddingResponse:
        """Same as ``Client.embed``, but awaitable."""
        options = self._options(timeout, extra_headers, extra_query, extra_body, max_cost)
        await self._load_prices(options)
        return await self._priced(self._prepare_embedding(input, params, options))  # type: ignore[no-any-return]

    async def rerank(
        self,
        query: str,
        documents: Sequence[str | RerankDocument | RerankDocumentParam],
        /,
        *,
        timeout: TimeoutSetting | _Unset = UNSET,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        max_cost: float | str | Decimal | None = None,
        **params: Unpack[RerankParams],
    ) -> RerankResponse:
        """Same as ``Client.rerank``, but awaitable."""
        options = self._options(timeout, extra_headers, extra_query, extra_body, max_cost)
        await self._load_prices(options)
        return await self._priced(self._prepare_rerank(query, documents, params, options))  # type: ignore[no-any-return]

    async def _priced(self, call: Call) -> Any:
        """Same as ``Client._priced``, but awaitable."""
        await self._hold(call)
        started = time.perf_counter()
        with self._spending(call):
            response, attempts = await self._send(call)
        return self._finish_priced(call, response, time.perf_counter() - started, attempts)

    async def model_endpoints(self, model: str) -> ModelEndpoints:
        """Same as ``Client.model_endpoints``, but awaitable."""
        result, _ = await self._send(self._prepare_model_endpoints(model))
        return result.data  # type: ignore[no-any-return]

    async def generation(self, generation_id: str) -> GenerationStats:
        """Same as ``Client.generation``, but awaitable."""
        result, _ = await self._send(self._prepare_generation(generation_id))
        return result.data  # type: ignore[no-any-return]

    async def generation_content(self, generation_id: str) -> GenerationContent:
        """Same as ``Client.generation_content``, but awaitable."""
        result, _ = await self._send(self._prepare_generation_content(generation_id))
        return result.data  # type: ignore[no-any-return]

    async def key_info(self) -> KeyInfo:
        """Same as ``Client.key_info``, but awaitable."""
        result, _ = await self._send(self._prepare_get(KEY))
        return result.data  # type: ignore[no-any-return]

    async def credits(self) -> Credits:
        """Same as ``Client.credits``, but awaitable."""
        result, _ = await self._send(self._prepare_get(CREDITS))
        return result.data  # type: ignore[no-any-return]

    @property
    def keys(self) -> AsyncKeys:
        """Key management: ``list``, ``create``, ``get``, ``update`` and ``delete`` the account's
        API keys (needs ``management_key``)."""
        return AsyncKeys(self)

    @property
    def with_raw_response(self) -> AsyncRawCalls:
        """Same as ``Client.with_raw_response``, awaited: ``await
        client.with_raw_response.complete(...)``."""
        return AsyncRawCalls(self)

    @overload
    async def request(
        self,
        method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"],
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        cast_to: type[T],
    ) -> T: ...
    @overload
    async def request(
        self,
        method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"],
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        cast_to: None = None,
    ) -> Any: ...
    async def request(
        self,
        method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"],
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        cast_to: type[T] | None = None,
    ) -> T | Any:
        """Same as ``Client.request``, but awaitable."""
        result, _ = await self._send(self._prepare_request(method, path, json, params, cast_to))
        return result

    async def exchange_auth_code(
        self,
        code: str,
        *,
        code_verifier: str | None = None,
        code_challenge_method: Literal["S256", "plain"] = "S256",
    ) -> AuthKey:
        """Same as ``Client.exchange_auth_code``, but awaitable."""
        call = self._prepare_exchange(code, code_verifier, code_challenge_method)
        result, _ = await self._send(call)
        return result  # type: ignore[no-any-return]

    async def create_auth_code(
        self,
        callback_url: str,
        *,
        code_challenge: str | None = None,
        code_challenge_method: Literal["S256", "plain"] | None = None,
        limit: float | None = None,
        usage_limit_type: Literal["daily", "weekly", "monthly"] | None = None,
        expires_at: str | None = None,
        key_label: str | None = None,
        workspace_id: str | None = None,
    ) -> AuthCode:
        """Same as ``Client.create_auth_code``, but awaitable."""
        params = {k: v for k, v in locals().items() if k not in ("self", "callback_url")}
        call = self._prepare_auth_code(callback_url, params)
        result, _ = await self._send(call)
        return result.data  # type: ignore[no-any-return]

    # -- lifetime --------------------------------------------------------------------------------
    async def aclose(self) -> None:
        """Close the connection pool (unless it was passed in). Safe to call twice.

        Same as ``Client.close`` for pending budget holds.
        """
        try:
            await self._settle_before_close()
        finally:  # closed even if the lookups were cancelled
            if self._shared is not None:
                with anyio.CancelScope(shield=True):
                    await self._shared._aflush()  # the calls' queued writes, sent now
            self._closed = True
            http, self._http = self._http, None
            if http is not None and self._owns_http:
                await http.aclose()
            if self._owns_store:
                await self._store.aclose()

    async def _settle_before_close(self) -> None:
        """Same as ``Client._settle_before_close``, but awaitable."""
        if self._closing_budget():
            try:
                await self._sweep(
                    due_only=False, limit=self._SWEEP_AT_CLOSE, within=self._SWEEP_AT_CLOSE_SECONDS
                )
            finally:
                budget = self._budget
                if self._awaits_store and budget is not None:
                    with anyio.CancelScope(shield=True):
                        await budget._acommit_pending()
                else:
                    budget._commit_pending()  # type: ignore[union-attr]


class _Outcome(NamedTuple):
    """What running one tool call gave."""

    result: Any = None
    #: The error reported to the model instead of a result (the call could not be made).
    error: str | None = None
    #: What the tool raised (judged by the caller, in call order).
    raised: BaseException | None = None


async def _run_tool(loop: ToolLoop, call: ToolCall, outcomes: list[_Outcome], index: int) -> None:
    """Run one tool call (async tools in the loop, plain functions in a worker thread)."""
    try:
        fn, arguments, error = loop.prepare(call)
        if fn is None:
            outcomes[index] = _Outcome(error=error)
            return
        if inspect.iscoroutinefunction(fn):
            outcomes[index] = _Outcome(await fn(**arguments))
        else:
            result = await anyio.to_thread.run_sync(functools.partial(fn, **arguments))
            outcomes[index] = _Outcome(result)
    except Exception as exc:  # judged by the caller, in call order
        outcomes[index] = _Outcome(raised=exc)


#: The seed's name for ``AsyncClient``.
OpenRouterClient = AsyncClient
