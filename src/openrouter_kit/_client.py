"""Client: the blocking shell. It sends, waits and closes; every decision is in the core."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Unpack

import httpx
import stamina

from openrouter_kit._base import UNSET, BaseClient, BaseStream
from openrouter_kit._core.registry import RegistryCache
from openrouter_kit._core.wire import CREDITS, KEY, LIST_MODELS, is_event_stream
from openrouter_kit._transport import (
    RequestBuilder,
    build_request,
    map_transport_error,
    stream_broken,
    sync_http_client,
)
from openrouter_kit.errors import OpenRouterError

if TYPE_CHECKING:
    from decimal import Decimal
    from types import TracebackType
    from typing import Self

    from openrouter_kit._base import _Attempt, _Call, _Options, _Unset
    from openrouter_kit._core.assemble import StreamAssembler
    from openrouter_kit._core.config import TimeoutSetting
    from openrouter_kit._core.events import HookEvent
    from openrouter_kit._core.tools import ToolRun
    from openrouter_kit._generated.models import (
        CompletionRequest,
        CompletionResponse,
        Credits,
        GenerationStats,
        KeyInfo,
        ModelEndpoints,
        ModelInfo,
        StreamChunk,
    )
    from openrouter_kit._generated.params import CompletionParams, RunToolsParams

__all__ = ["Client", "ModelRegistry", "Stream"]


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
        transport: What sends the requests: ``"httpx"`` (the default and, for ``Client``, the
            only choice). ``AsyncClient`` also takes ``"aiohttp"``, a faster pool for asyncio
            (``pip install 'openrouter-kit[aiohttp]'``).
        deadline: Seconds one call may take in all, retries and waits included (None: no bound).
        backoff_initial, backoff_max: The first wait between attempts and the longest (seconds;
            it doubles per attempt, with jitter).
        max_retry_after: The longest server-requested wait (Retry-After) honoured; longer ones
            raise at once.
        breaker_threshold: Failures in a row that open a model's circuit (None: no breaker).
        breaker_recovery: Seconds an open circuit waits before letting one probe through.
        budget: USD this client may spend in all; calls that could pass it are refused.
        max_cost: USD one call may cost at worst; dearer calls are refused before sending.
        hooks: Functions called on every request, response, retry and error (a ``Hooks`` or a
            dict of lists, see ``Hooks``), for metrics and tracing.

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
                    self._requests = RequestBuilder(http := sync_http_client(self._config))
                    self._http = http
                http = self._http
        return http

    def _send(self, call: _Call) -> tuple[Any, int]:
        """The parsed response (for a stream: the open ``httpx.Response``) and the number of
        attempts it took. The one blocking retry loop; a stream is never retried once open."""
        if self._closed:
            raise RuntimeError("this Client is closed")
        http = self._client()
        try:
            # The first attempt runs outside stamina: most calls need no retry, and setting up
            # the retry machinery costs more than the rest of our side of a request.
            try:
                return self._try(http, call, 1), 1
            except OpenRouterError as exc:
                if not self._will_retry(call, exc):
                    raise
                failed: OpenRouterError | None = exc
            for attempt in stamina.retry_context(**self._retry.stamina_kwargs()):
                with attempt:
                    if failed is not None:  # stamina judges the first failure and waits
                        first, failed = failed, None
                        raise first
                    return self._try(http, call, attempt.num), attempt.num
        except OpenRouterError as exc:
            self._fire(self._failed(call, exc))
            raise
        raise AssertionError("unreachable: stamina re-raises the last error")  # pragma: no cover

    def _try(self, http: Any, call: _Call, number: int) -> Any:
        """Attempt ``number`` of ``call``, reported to the hooks and the circuit breaker."""
        step = self._begin(call, number)
        self._fire(self._requesting(call, step))
        try:
            with step.settled():
                return self._attempt(http, call, step)
        except OpenRouterError as exc:
            self._fire(self._retrying(call, exc))
            raise

    def _attempt(self, http: httpx.Client, call: _Call, step: _Attempt) -> Any:
        """One HTTP attempt: the parsed body, or for a stream the open response."""
        request, api_key = step.request, self._config.api_key
        started = time.perf_counter()
        try:
            response = http.send(
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
                self._fire(
                    self._responded(call, step, status, headers, time.perf_counter() - started)
                )
            except BaseException:
                response.close()
                raise
            return response
        try:
            body = response.read()
        except httpx.HTTPError as exc:
            raise map_transport_error(exc, api_key, response_started=True) from exc
        finally:
            response.close()
        self._fire(self._responded(call, step, status, headers, time.perf_counter() - started))
        parsed = self._parse(call.endpoint, status, headers, body)
        if request.stream:
            raise self._not_a_stream(status)
        return parsed

    def _fire(self, event: HookEvent | None) -> None:
        if event is not None:
            self._hooks.fire(event)

    # -- API -------------------------------------------------------------------------------------
    def complete(
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
        """Return the model's answer to a chat completion request.

        Pass a ``CompletionRequest``, a dict, or keywords (``model=..., messages=[...]``), each a
        documented chat parameter (see ``CompletionParams``); keywords override the request's
        fields. Messages are ``Message`` objects, OpenAI-style dicts, or messages the SDK
        returned (``reply.choices[0].message``), which go back as the API takes them,
        ``reasoning_details`` included. The options below are never sent in the body.

        Args:
            timeout: Seconds this call's HTTP attempts may take, as the client's ``timeout``
                (default: the client's; None: no limit).
            extra_headers: Headers for this call, over the client's (any case); not
                ``Authorization``.
            extra_query: Query parameters added to the URL.
            extra_body: Keys set over the top level of the JSON body, after validation and
                unchecked: for parameters (or values) this version does not know.
            max_cost: USD this call may cost at worst, checked before sending as
                ``with_options(max_cost=...)`` does (default: the client's).

        Raises:
            ValidationError: the request or an option is invalid, or a keyword is no chat
                parameter (nothing was sent; the message suggests the closest name).
            BudgetExceededError: the call could cost more than ``max_cost`` or the budget left.
            APIError: the server's error, as its subclass (see ``openrouter_kit.errors``).
            RequestTimeoutError, APIConnectionError: the network failed after all retries.
        """
        options = self._options(timeout, extra_headers, extra_query, extra_body, max_cost)
        return self._complete(request, params, options)

    def _complete(
        self,
        request: CompletionRequest | Mapping[str, Any] | None,
        params: Mapping[str, Any],
        options: _Options | None,
    ) -> CompletionResponse:
        self._load_prices(options)
        call = self._prepare_completion(request, params, options)
        started = time.perf_counter()
        with self._spending(call):
            response, attempts = self._send(call)
        try:
            return self._finish_completion(call, response, time.perf_counter() - started, attempts)
        except OpenRouterError as exc:  # an error inside the answer
            self._fire(self._failed(call, exc))
            raise

    def _load_prices(self, options: _Options | None = None) -> None:
        if self._needs_prices(options):
            self.models._fresh()

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
    ) -> Stream:
        """Return a streamed completion: iterate it for ``StreamChunk``s as they arrive.

        Takes the same arguments and options as ``complete()``. The request is validated now and
        sent when the ``with`` block or the iteration starts; ``final_response()`` gives the
        whole answer (marked ``partial`` when the stream was closed before the end).

        Raises:
            ValidationError: the request or an option is invalid (nothing was sent).
        """
        options = self._options(timeout, extra_headers, extra_query, extra_body, max_cost)
        call, assembler = self._prepare_stream(request, params, options)
        return Stream(self, call, assembler)

    def run_tools(
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
        """Let the model call Python functions until it answers: the final answer and transcript.

        Each round calls the model with ``tools`` (described from their signatures and
        docstrings, see ``ToolDefinition.from_function``), runs the calls it asks for and sends
        the results back; it stops when the model answers or after ``max_rounds`` calls. A tool
        that raises is reported to the model as an error result (``raise_errors=True`` re-raises
        instead). Usage and cost are summed over the rounds. Each assistant turn goes back with
        its reasoning. The options (``timeout``, ``extra_headers``, ``extra_query``,
        ``extra_body``, ``max_cost``) apply to every round, as ``complete()`` describes.

        Raises:
            ValidationError: a tool cannot be described, or the request is invalid.
            APIError: as ``complete()``.
        """
        options = self._options(timeout, extra_headers, extra_query, extra_body, max_cost)
        loop = self._tool_loop(request, params, tools, max_rounds, raise_errors, options)
        while True:
            calls = loop.record(self._complete(None, loop.next_request(), loop.options))
            if not calls:
                return loop.result()
            for call in calls:
                fn, arguments, error = loop.prepare(call)
                result = None
                if fn is not None:
                    try:
                        result = fn(**arguments)
                    except Exception as exc:  # reported to the model (or re-raised)
                        error = loop.failed(call, exc)
                loop.add_result(call, result, error)

    def list_models(self) -> list[ModelInfo]:
        """Return every model OpenRouter offers, with pricing, context length and capabilities."""
        models, _ = self._send(self._prepare_get(LIST_MODELS))
        return models.data  # type: ignore[no-any-return]

    def model_endpoints(self, model: str) -> ModelEndpoints:
        """Return the provider endpoints serving ``model`` (``author/slug``), with their prices."""
        result, _ = self._send(self._prepare_model_endpoints(model))
        return result.data  # type: ignore[no-any-return]

    def generation(self, generation_id: str) -> GenerationStats:
        """Return the authoritative stats (tokens, cost, latency) of a finished generation."""
        result, _ = self._send(self._prepare_generation(generation_id))
        return result.data  # type: ignore[no-any-return]

    def key_info(self) -> KeyInfo:
        """Return the current key's limits and usage."""
        result, _ = self._send(self._prepare_get(KEY))
        return result.data  # type: ignore[no-any-return]

    def credits(self) -> Credits:
        """Return the account's total credits and usage (needs a management key)."""
        result, _ = self._send(self._prepare_get(CREDITS))
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
        cheap_vision = registry.list_models(capability="vision", max_price="0.000001")

    Safe to share between threads: concurrent first use sends exactly one request.
    A model's capabilities are ``model.capabilities``; ``list_models`` filters by them.
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
            ValidationError: the request is invalid.
        """
        self._fresh()
        self._client._completion_request(request, params)

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
        self, capability: str | None = None, max_price: Decimal | float | str | None = None
    ) -> list[ModelInfo]:
        """Return the models with ``capability`` whose prompt price per token (USD: a
        ``Decimal``, int, float or decimal string) is <= ``max_price``.

        Capabilities, from the documented ``/models`` fields: ``chat`` (text in and out),
        ``completion`` (text out), ``code`` (a coding model by name: the API has no flag),
        ``tools`` (``tools`` in supported parameters), ``vision`` (image input), ``reasoning``
        (``reasoning`` or ``include_reasoning`` supported), ``structured_outputs``
        (``structured_outputs`` or ``response_format`` supported), ``audio`` (audio in or out),
        ``image_output`` (image out), ``free`` (prompt and completion prices both 0).
        A model with a variable price (``VARIABLE``: ``-1`` on the wire, like ``openrouter/auto``)
        never passes a price filter.

        Raises:
            ValidationError: an unknown capability or a ``max_price`` that is not a number.
        """
        return self._fresh().select(capability, max_price)


class Stream(BaseStream):
    """A streamed completion: an iterator of ``StreamChunk``s and a context manager.

    ::

        with client.stream(model="openai/gpt-4o-mini", messages=messages) as stream:
            for text in stream.text_stream:
                print(text, end="", flush=True)
        reply = stream.final_response()          # text, tool calls, usage, cost

    The request is sent when the ``with`` block or the first iteration starts. Leaving the block,
    breaking out of the loop, ``close()``, or dropping the object closes the HTTP response at once;
    if the server had not finished, ``partial`` is then True and ``final_response()`` is the answer
    so far, marked ``partial`` too (never a silently shortened answer).
    Session usage is recorded once per stream: the final chunk's tokens and cost when it arrived;
    a stream closed before that counts as a request with no tokens (the server sends usage last).
    Iterate a stream from one thread at a time.

    Attributes:
        time_to_first_token: Seconds from sending to the first text, reasoning or tool-call delta.
        latency: Seconds from sending to the end of the stream (set once it ended or closed).
        attempts: HTTP attempts it took to open the stream (retries happen only before it opens).
    """

    __slots__ = ()
    _client: Client
    _response: httpx.Response | None
    _raw: Iterator[bytes]

    def __init__(self, client: Client, call: _Call, assembler: StreamAssembler) -> None:
        super().__init__(client, call, assembler)
        self._raw = iter(())

    @property
    def text_stream(self) -> Iterator[str]:
        """The first choice's text as it arrives, skipping chunks that carry none."""
        for chunk in self:
            text = chunk.text
            if text:
                yield text

    def _open(self) -> None:
        self._opening()
        try:
            self._client._load_prices(self._call.options)
            self._client._reserve(self._call)
            with self._client._spending(self._call):
                response, self.attempts = self._client._send(self._call)
        except BaseException as exc:
            self._failure = exc
            raise
        self._response = response
        self._raw = response.iter_bytes()

    def __iter__(self) -> Iterator[StreamChunk]:
        # A generator over the same state as __next__: resuming it costs less than a call to
        # __next__ per chunk, and next(stream) still works between loops.
        take = self._take
        while True:
            chunk = take()
            if chunk is not None:
                yield chunk
            elif not self._read():
                return

    def __next__(self) -> StreamChunk:
        while True:
            chunk = self._take()
            if chunk is not None:
                return chunk
            if not self._read():
                raise StopIteration

    def _take(self) -> StreamChunk | None:
        try:
            return self._next_chunk()
        except BaseException as exc:  # an error event, or an event that is not a chunk
            self._broken(exc)
            raise

    def _broken(self, exc: BaseException) -> None:
        self.close()
        if isinstance(exc, OpenRouterError):
            self._client._fire(self._client._failed(self._call, exc))

    def _read(self) -> bool:
        """Read more of the body; False once it has ended (the stream is then closed)."""
        if self._response is None and not self._closed:
            self._open()
        assembler = self._assembler
        while not self._closed and not assembler.done:
            try:
                raw = next(self._raw, None)
                if raw is None:
                    assembler.finish()
                    break
                events = assembler.events(raw)
            except httpx.HTTPError as exc:
                error = stream_broken(exc, assembler, self._client._config.api_key)
                self._broken(error)
                raise error from exc
            except BaseException as exc:
                self._broken(exc)
                raise
            if events:
                self._pending, self._position = events, 0
                return True
        self.close()
        return False

    def final_response(self) -> CompletionResponse:
        """Return the whole answer, reading the rest of the stream first if needed.

        After an early ``close()`` it is the answer so far, with ``partial=True`` and at least
        one choice (an empty assistant message when nothing arrived).
        """
        for _ in self:
            pass
        return self._record()

    def close(self) -> None:
        """Close the HTTP response (the server stops generating) and record usage. Idempotent."""
        if self._closing() and self._response is not None:
            self._response.close()
            self._record()

    def __enter__(self) -> Self:
        if self._response is None:
            self._open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:
        if not self._closed and self._response is not None:
            self.close()
