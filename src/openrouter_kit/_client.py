"""Client: the blocking shell. It sends, waits and closes; every decision is in the core."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar, Unpack, overload

import httpx

from openrouter_kit._base import UNSET, BaseClient, Closing
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
    map_transport_error,
    read_body,
    sync_http_client,
)
from openrouter_kit._keys import Keys
from openrouter_kit._observe import failed, requesting, responded, retrying
from openrouter_kit._raw import RawCalls, noted
from openrouter_kit._registry import ModelRegistry
from openrouter_kit._streams import Stream
from openrouter_kit.errors import BudgetExceededError, OpenRouterError

if TYPE_CHECKING:
    from decimal import Decimal

    from openrouter_kit._base import _Options, _Unset
    from openrouter_kit._call import Attempt, Call
    from openrouter_kit._core.config import TimeoutSetting
    from openrouter_kit._core.events import HookEvent
    from openrouter_kit._core.tools import ToolRun
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

__all__ = ["Client"]

T = TypeVar("T")


class Client(BaseClient, Closing):
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
        timeout: Seconds for each phase of an HTTP attempt: a number for all of them, or
            ``{"connect": ..., "read": ..., "write": ..., "pool": ...}`` (None: no limit).
            ``connect`` bounds opening a connection, ``write`` each write of the request,
            ``pool`` the wait for a free connection, and ``read`` each wait for data and also
            the whole body of a non-streamed answer, counted from its headers.
        max_retries: Retries after a failed attempt that the server did not act on (a refused
            or failed connection, a pool or write timeout, 408, 429, 500, 502, 503, 504);
            0 disables.
        default_model: The model for requests that name none.
        default_params: Parameters (``temperature``, ``max_tokens``, ...) for requests that do not
            set them.
        headers: Extra headers sent with every request.
        http_client: An ``httpx.Client`` to use instead of the client's own (you close it).
        transport: What sends the requests: httpx's pool (None, the default, or ``"httpx"``:
            for ``Client``, the only choice). ``AsyncClient`` also takes ``"aiohttp"``, and by
            default sends through aiohttp's pool under asyncio (see ``AsyncClient``).
        deadline: Seconds one call may take in all (None: no bound): connecting, sending,
            waiting, reading the whole body or stream (your loop's time included), retries and
            the waits between them. Every read and write is cut short at it, so a server that
            drips bytes cannot hold a call past it; a retry whose wait could pass it is not made.
        stream_idle_timeout: Seconds a stream may wait for its next event, keep-alive comments
            not counting (None: no bound); it then raises ``RequestTimeoutError`` with
            ``timeout="idle"``.
        retry_maybe_processed: Also retry a ``MaybeProcessedError``: a read timeout or dropped
            connection after the request was sent in full, before the answer began. Off by
            default, since the server may have processed (and billed) the request already.
        max_response_bytes: The most bytes one response may decode to, streamed or not (None:
            no cap); more raises ``ResponseTooLargeError``. Only gzip and deflate are accepted,
            and they are inflated within the cap.
        backoff_initial, backoff_max: The first wait between attempts and the longest (seconds;
            it doubles per attempt, with jitter).
        max_retry_after: The longest server-requested wait (Retry-After) honoured; longer ones
            raise at once.
        breaker_threshold: Failures in a row that open a model's circuit (None: no breaker).
        breaker_recovery: Seconds an open circuit waits before letting one probe through.
        max_event_bytes: The longest line, and the largest event, a stream may send (bytes;
            default 16 MiB); more ends the stream with ``InvalidResponseError``.
        budget: USD this client may spend in all; calls that could pass it are refused.
        max_cost: USD one call may cost at worst; dearer calls are refused before sending.
        hooks: Functions called on every request, response, retry and error (a ``Hooks`` or a
            dict of lists, see ``Hooks``), for metrics and tracing.
        rate_limit: The client's own requests and tokens per minute (a ``RateLimit``; None: no
            limit): a chat completion attempt over it waits for room or raises
            ``RateLimitError``, before anything is sent.
        store: Where the circuit breakers, rate limits and budget are kept: a ``MemoryStore``
            of this client (the default), or a ``RedisStore`` shared with every process using
            its namespace. A store given is not closed with the client.
        verify: Which servers' certificates to trust: True (the default: certifi's CA bundle,
            or the one ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` name), a CA bundle (a PEM file, or
            a directory of hashed certificates) such as a corporate proxy's, an
            ``ssl.SSLContext``, or False (no check: loopback hosts only, for testing).

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
                    self._models = ModelRegistry._over(self, self._model_cache)
        return self._models

    # -- I/O -------------------------------------------------------------------------------------
    def _client(self) -> httpx.Client:
        http = self._http
        if http is None:
            with self._lock:
                if self._closed:
                    raise RuntimeError("this Client is closed")
                if self._http is None:
                    self._requests = RequestBuilder(
                        http := sync_http_client(self._config, self._ssl)
                    )
                    self._http = http
                http = self._http
        return http

    def _send(self, call: Call) -> tuple[Any, int]:
        """The parsed response (for a stream: the open ``httpx.Response``) and the number of
        attempts it took. The one blocking retry loop; a stream is never retried once open."""
        http = self._client()
        try:
            for attempt in Attempts(self._retry, call):
                with attempt:
                    return self._try(http, call, attempt.num), attempt.num
        except OpenRouterError as exc:
            self._fire(failed(self._hooks, call, exc))
            raise
        raise AssertionError("unreachable: the last failure is raised")  # pragma: no cover

    def _try(self, http: httpx.Client, call: Call, number: int) -> Any:
        """Attempt ``number`` of ``call``, reported to the hooks and the circuit breaker."""
        attempt = self._begin(call, number)
        self._fire(requesting(self._hooks, call, attempt))
        try:
            with attempt:
                return self._exchange(http, call, attempt)
        except OpenRouterError as exc:
            self._fire(retrying(self._hooks, call, exc, self._retry))
            raise

    def _begin(self, call: Call, number: int) -> Attempt:
        """Attempt ``number``, routed by the breaker and admitted by the rate limit (after
        waiting for room, when the limit lets it).

        Raises:
            CircuitOpenError, RequestTimeoutError: as ``Call.begin``.
            RateLimitError: the rate limit is full and the call may not wait (nothing is sent).
        """
        if self._store_events:
            for event in self._take_store_events():
                self._hooks.fire(event)
        if self._shared is not None:
            return self._begin_shared(call, number)
        attempt = call.begin(number, self._breaker)
        limiter = self._limited(call)
        waited = 0.0
        while limiter is not None:
            tokens = self._attempt_tokens(call, limiter)
            admission = limiter.admit(call.model or "", tokens, time.monotonic())
            if not isinstance(admission, Denied):
                self._admitted(call, attempt, limiter, admission)
                break
            self._breaker.release(attempt.key)  # no probe may wait for room
            wait = self._room_wait(call, admission, waited)
            time.sleep(wait)
            waited += wait
            attempt = call.begin(number, self._breaker)
        return attempt

    def _begin_shared(self, call: Call, number: int) -> Attempt:
        """``_begin`` on a shared store: route and admit in one round trip (the first
        attempt's was made with the budget hold), then wait for room as ``_begin`` does."""
        limiter = self._limited(call)
        waited = 0.0
        while True:
            admitted, call.admitted = call.admitted, None
            if admitted is None:
                call.bounds(number, time.monotonic())  # the deadline, before a probe is taken
                admitted = self._shared._admit_call(*self._admission(call))
            admission = admitted.admission
            routed = admitted.routed
            if routed is None:
                routed = self._breaker.route(call.endpoint.name, call.candidates, time.monotonic())
            attempt = self._attempt_of(call, number, routed, admission)
            if limiter is None:
                return attempt
            if admission is None:
                tokens = self._attempt_tokens(call, limiter)
                admission = limiter.admit(call.model or "", tokens, time.monotonic())
            if not isinstance(admission, Denied):
                self._admitted(call, attempt, limiter, admission)
                return attempt
            self._breaker.release(attempt.key)  # no probe may wait for room
            wait = self._room_wait(call, admission, waited)
            time.sleep(wait)
            waited += wait

    def _exchange(self, http: httpx.Client, call: Call, attempt: Attempt) -> Any:
        """One HTTP exchange: the parsed body, or for a stream the open response.

        Its reads end by the call's deadline, and a whole body's by the read timeout too
        (``READ_BY``, which our pools' sockets obey).
        """
        wire, api_key = attempt.wire, self._config.api_key
        started = time.perf_counter()
        limit = ReadLimit.until_deadline(call.deadline, call.started)
        reading = READ_BY.set(limit)
        try:
            try:
                request = self._requests.build(
                    wire.method, wire.url, attempt.headers(), wire.body, attempt.timeouts
                )
                response = http.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise map_transport_error(exc, api_key, limit=limit) from exc
            status, headers = response.status_code, response.headers
            call.response_headers = headers  # its generation id, should the answer be cut
            noted(status, headers, response.http_version)  # for with_raw_response
            if wire.stream and is_event_stream(status, headers):
                self._tag_hold(call)
                latency = time.perf_counter() - started
                try:
                    self._fire(responded(self._hooks, call, status, headers, latency, api_key))
                except BaseException:
                    response.close()
                    raise
                return response
            limit.tighten(attempt.timeouts.read, "read", time.monotonic())
            try:
                body = read_body(response, self._max_bytes)
            except httpx.HTTPError as exc:
                raise map_transport_error(exc, api_key, response_started=True, limit=limit) from exc
            finally:
                response.close()
        finally:
            READ_BY.reset(reading)
        latency = time.perf_counter() - started
        self._fire(responded(self._hooks, call, status, headers, latency, api_key))
        return self._parse(call, wire, status, headers, body)

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
            RequestTimeoutError, APIConnectionError: the network failed after all retries, or a
                bound (``.timeout``: ``deadline``, ``read``, ...) passed. After a full send and
                before the answer, as their ``MaybeProcessedError`` subclasses: not retried.
            ResponseTooLargeError: the answer decodes to more than ``max_response_bytes``.
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
        self._hold(call)
        started = time.perf_counter()
        with self._spending(call):
            response, attempts = self._send(call)
        try:
            return self._finish_completion(call, response, time.perf_counter() - started, attempts)
        except OpenRouterError as exc:  # an error inside the answer
            self._fire(failed(self._hooks, call, exc))
            raise

    def _load_prices(self, options: _Options | None = None) -> None:
        if self._needs_prices(options):
            self.models._fresh_cache()

    def _hold(self, call: Call) -> None:
        """Hold the call's worst case in the budget; when it does not fit, look up the
        generations of pending holds first (their costs may free enough) and try once more.

        Raises:
            BudgetExceededError: it does not fit, or passes ``max_cost`` (nothing is sent).
        """
        worst = self._worst_case(call)
        if worst is None:
            return
        try:
            self._hold_worst(call, worst)
        except BudgetExceededError:
            if not self._sweep(due_only=True, limit=self._SWEEP_BEFORE_REFUSAL):
                raise
            self._hold_worst(call, worst)

    def _sweep(self, *, due_only: bool, limit: int | None, within: float | None = None) -> bool:
        """Look up the generations of pending holds and settle them, within ``within`` seconds
        in all when given; True when any was due."""
        holds = self._claim_pending(due_only=due_only, limit=limit)
        end = None if within is None else time.monotonic() + within
        for index, hold in enumerate(holds):
            asker = self._asker(end)
            if asker is None:  # out of time: the rest stay pending
                self._unclaim(holds[index:])
                break
            try:
                found: Any = asker.generation(hold.generation)
            except OpenRouterError as exc:
                found = exc
            except BaseException:  # interrupted: the holds not looked up stay pending
                self._unclaim(holds[index:])
                raise
            self._looked_up(hold, found)
        return bool(holds)

    def settle_pending(self, timeout: float = 0.0) -> int:
        """Settle the budget's pending holds: look up the cost of each call that ended without
        it (an answer cut, or cancelled after it was sent) with ``GET /generation``.

        A generation's stats can take a few seconds to appear: with ``timeout``, lookups are
        repeated (about once a second) until every hold is settled or ``timeout`` seconds have
        passed. A hold still unsettled after 5 minutes (``accounting.PENDING_WAIT``) is
        committed at its worst case. The client also does this by itself before refusing a call
        for the budget, and when it closes (what is still pending then is committed).

        Returns:
            How many holds are still pending (0 without a budget).
        """
        end = time.monotonic() + timeout
        while True:
            self._sweep(due_only=False, limit=None)
            left = end - time.monotonic()
            if not self._pending_left() or left <= 0:
                return self._pending_left()
            time.sleep(min(1.0, left))

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

    def list_models(self, **params: Unpack[ListModelsParams]) -> list[ModelInfo]:
        """Return the models OpenRouter offers, with pricing, context length and capabilities.

        Without filters the API lists the models that output text; ``output_modalities="all"``
        lists every model (image-only and embedding models too), ``"embeddings"`` or
        ``["image"]`` those kinds. The other keywords are the API's documented filters
        (``category``, ``supported_parameters=["tools"]``, ``input_modalities``, ``q``,
        ``context``, prices in USD per million tokens, ...), its ``sort`` and a page
        (``offset``, ``limit``); lists are sent comma-separated. ``client.models`` caches the
        whole list (``output_modalities="all"``) and filters it locally.

        Raises:
            ValidationError: an unknown keyword or a value out of its range (nothing is sent).
        """
        models, _ = self._send(self._prepare_list_models(params))
        return models.data  # type: ignore[no-any-return]

    def list_user_models(self) -> list[ModelInfo]:
        """Return the models this key may use: the list filtered by the account's provider
        preferences, privacy settings and guardrails."""
        models, _ = self._send(self._prepare_get(USER_MODELS))
        return models.data  # type: ignore[no-any-return]

    def list_embedding_models(self) -> list[ModelInfo]:
        """Return every embedding model, with its prompt price and context length."""
        models, _ = self._send(self._prepare_get(EMBEDDING_MODELS))
        return models.data  # type: ignore[no-any-return]

    def count_models(self, output_modalities: str | Sequence[str] | None = None) -> int:
        """Return how many models the API lists: those that output text (the API's default),
        or ``output_modalities`` (``"all"``, ``"image"``, ``["text", "embeddings"]``, ...)."""
        result, _ = self._send(self._prepare_count_models(output_modalities))
        return result.data.count  # type: ignore[no-any-return]

    def model_info(self, model: str) -> ModelInfo:
        """Return one model's details (``author/slug``, a ``:variant`` suffix and known aliases
        resolved by the server), fetched now; ``client.models.get_model`` reads the cached
        list instead.

        Raises:
            ValidationError: ``model`` is not ``author/slug``.
            ModelNotFoundError: no such model (404).
        """
        result, _ = self._send(self._prepare_model_info(model))
        return result.data  # type: ignore[no-any-return]

    def list_providers(self) -> list[ProviderInfo]:
        """Return every provider serving models on OpenRouter: slug (for ``provider``
        preferences), name, policies, headquarters and datacenters."""
        result, _ = self._send(self._prepare_get(PROVIDERS))
        return result.data  # type: ignore[no-any-return]

    def embed(
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
        """Return the embeddings of a text or a batch: ``response.vectors`` holds one list of
        floats per input, in input order.

        ``input`` is a text, a list of texts, token ids, lists of token ids, or multimodal
        ``EmbeddingInput``s (``{"content": [parts]}``). ``model`` is required; the other
        keywords are the documented parameters (``dimensions``, ``encoding_format``,
        ``input_type``, ``provider``, ``user``; see ``EmbedParams``). Usage and cost count in
        ``client.usage`` and the budget, as a completion's: with a budget or ``max_cost`` the
        call is priced before sending at its input's token bound and the model's prompt price.
        The options are ``complete()``'s.

        Raises:
            ValidationError: the input or a parameter is invalid (nothing was sent).
            ModelNotFoundError: the model list is loaded (``client.models``) and has no such
                model (nothing was sent).
            BudgetExceededError: the call could cost more than ``max_cost`` or the budget left.
            APIError: the server's error, as its subclass; the network errors as ``complete()``.
        """
        options = self._options(timeout, extra_headers, extra_query, extra_body, max_cost)
        self._load_prices(options)
        return self._priced(self._prepare_embedding(input, params, options))  # type: ignore[no-any-return]

    def rerank(
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
        """Return ``documents`` ranked by relevance to ``query``: ``response.results``, most
        relevant first, each with the document's ``index`` and its ``relevance_score``.

        Documents are strings or ``RerankDocument``s (``text`` and/or ``image``). ``model`` is
        required; ``top_n`` keeps the best n. Counted in ``client.usage`` and the budget as
        ``embed()`` is; the options are ``complete()``'s.

        Raises:
            ValidationError: the query, a document or a parameter is invalid (nothing sent).
            ModelNotFoundError: the model list is loaded (``client.models``) and has no such
                model (nothing was sent).
            BudgetExceededError: the call could cost more than ``max_cost`` or the budget left.
            APIError: the server's error, as its subclass; the network errors as ``complete()``.
        """
        options = self._options(timeout, extra_headers, extra_query, extra_body, max_cost)
        self._load_prices(options)
        return self._priced(self._prepare_rerank(query, documents, params, options))  # type: ignore[no-any-return]

    def _priced(self, call: Call) -> Any:
        """Hold the call's worst case, send it, and count its answer (embeddings, rerank)."""
        self._hold(call)
        started = time.perf_counter()
        with self._spending(call):
            response, attempts = self._send(call)
        return self._finish_priced(call, response, time.perf_counter() - started, attempts)

    def model_endpoints(self, model: str) -> ModelEndpoints:
        """Return the provider endpoints serving ``model`` (``author/slug``), with their prices."""
        result, _ = self._send(self._prepare_model_endpoints(model))
        return result.data  # type: ignore[no-any-return]

    def generation(self, generation_id: str) -> GenerationStats:
        """Return the authoritative stats (tokens, cost, latency) of a finished generation."""
        result, _ = self._send(self._prepare_generation(generation_id))
        return result.data  # type: ignore[no-any-return]

    def generation_content(self, generation_id: str) -> GenerationContent:
        """Return the stored prompt and answer of a generation (and its error if it failed),
        when the account stores them."""
        result, _ = self._send(self._prepare_generation_content(generation_id))
        return result.data  # type: ignore[no-any-return]

    def key_info(self) -> KeyInfo:
        """Return the current key's limits and usage."""
        result, _ = self._send(self._prepare_get(KEY))
        return result.data  # type: ignore[no-any-return]

    def credits(self) -> Credits:
        """Return the account's total credits and usage (needs a management key)."""
        result, _ = self._send(self._prepare_get(CREDITS))
        return result.data  # type: ignore[no-any-return]

    @property
    def keys(self) -> Keys:
        """Key management: ``list``, ``create``, ``get``, ``update`` and ``delete`` the account's
        API keys (needs ``management_key``)."""
        return Keys(self)

    @property
    def with_raw_response(self) -> RawCalls:
        """The same calls, each returning a ``RawResponse``: the HTTP status and headers (request
        id, ``X-Generation-Id``, rate limits; secrets masked) with the parsed object
        (``.data`` or ``.parse()``), as in ``client.with_raw_response.complete(...)``."""
        return RawCalls(self)

    @overload
    def request(
        self,
        method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"],
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        cast_to: type[T],
    ) -> T: ...
    @overload
    def request(
        self,
        method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"],
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        cast_to: None = None,
    ) -> Any: ...
    def request(
        self,
        method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"],
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        cast_to: type[T] | None = None,
    ) -> T | Any:
        """Return the answer of any operation of the API: ``cast_to`` (a model class) made from
        it, or its decoded JSON.

        The way to reach an operation this version does not wrap, with the retries, circuit
        breaker, hooks, logging, key masking and typed errors of every call (a POST, PATCH or
        DELETE is retried only as ``complete()`` is: when the server cannot have acted on it).
        ``path`` is relative to the base URL (``"/models/count"``); other hosts are refused.
        It is sent with the API key (the management key when the client has only that).

        Args:
            json: The JSON body: a dict, a list, or a model (None: no body).
            params: Query parameters (None values left out; booleans as ``true``/``false``).
            cast_to: A model class to parse the answer into, such as ``openrouter_kit.ApiKey``.

        Raises:
            ValidationError: an unknown method, a path that is a URL or has a query, a body that
                is not JSON (nothing was sent).
            APIError, APIConnectionError, RequestTimeoutError: as ``complete()``.
        """
        result, _ = self._send(self._prepare_request(method, path, json, params, cast_to))
        return result

    def exchange_auth_code(
        self,
        code: str,
        *,
        code_verifier: str | None = None,
        code_challenge_method: Literal["S256", "plain"] = "S256",
    ) -> AuthKey:
        """Return the user's API key (``.key``, ``.user_id``) for the ``code`` that OpenRouter's
        sign-in page sent to your callback URL (``POST /auth/keys``).

        Pass the ``verifier`` of the ``Pkce`` whose challenge the authorization URL carried. The
        exchange needs no key of yours (the client's API key goes along when it has one).

        Raises:
            ValidationError: an empty code or a malformed verifier (nothing was sent).
            BadRequestError: the code is unknown, used, or does not match the verifier.
        """
        call = self._prepare_exchange(code, code_verifier, code_challenge_method)
        result, _ = self._send(call)
        return result  # type: ignore[no-any-return]

    def create_auth_code(
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
        """Return an authorization code made by your app for the PKCE flow (``POST
        /auth/keys/code``): its ``id`` is exchanged with ``exchange_auth_code``; ``limit`` (USD,
        resetting by ``usage_limit_type``), ``expires_at`` and ``key_label`` shape the key. It is
        sent with your app's API key (never the management key).

        Raises:
            ConfigurationError: the client has no API key, only a management key (nothing was
                sent).
            ValidationError: ``callback_url`` is not https (or http on localhost), or a value
                is out of range (nothing was sent).
        """
        params = {k: v for k, v in locals().items() if k not in ("self", "callback_url")}
        call = self._prepare_auth_code(callback_url, params)
        result, _ = self._send(call)
        return result.data  # type: ignore[no-any-return]

    # -- lifetime --------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection pool (unless it was passed in). Safe to call twice.

        Pending budget holds are looked up once first; those still pending are committed at
        their worst case (see ``settle_pending``).
        """
        try:
            self._settle_before_close()
        finally:  # closed even if the lookups were interrupted
            if self._shared is not None:
                self._shared._flush()  # this client's calls' queued writes, sent now
            with self._lock:
                self._closed = True
                http, self._http = self._http, None
            if http is not None and self._owns_http:
                http.close()
            if self._owns_store:
                self._store.close()

    def _settle_before_close(self) -> None:
        """Look the pending holds' generations up once (5 s at most in all), then commit those
        still pending at their worst case: the books are final once the client is closed."""
        if self._closing_budget():
            try:
                self._sweep(
                    due_only=False, limit=self._SWEEP_AT_CLOSE, within=self._SWEEP_AT_CLOSE_SECONDS
                )
            finally:
                self._budget._commit_pending()  # type: ignore[union-attr]
