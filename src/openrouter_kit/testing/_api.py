"""The fake OpenRouter API, sans-IO: a :class:`~._exchange.Request` in, a planned reply out.

Owns: the routes (a table), authentication, what each route answers, the order in which
scripted answers, injected failures and the normal answer win, the SSE events of a streamed
completion and where in them the stream is billed, broken or cut, the generation records, the
recorded requests and the ledger. Never knows: sockets, waiting (the server waits the pauses a
reply asks for, measures how long it took and runs its settlements), how a completion's content
is chosen (``_chat``).

Thread-safe: the server calls :meth:`FakeOpenRouter.handle` from one thread per connection.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple, Protocol, TypeVar

from openrouter_kit._core.redact import SENSITIVE_HEADERS, redact_all
from openrouter_kit.testing._accounts import Accounts
from openrouter_kit.testing._chat import Outage, Plan, plan_completion
from openrouter_kit.testing._exchange import (
    API_PREFIX,
    ApiError,
    Cut,
    Drop,
    Reply,
    Request,
    Settle,
    Stream,
    Write,
    api_path,
    error_body,
    json_reply,
    phrase,
    random_id,
)
from openrouter_kit.testing._faults import BROKEN_JSON, FAILURE_MESSAGES, Fault, Injection
from openrouter_kit.testing._ledger import Ledger, RecordedRequest
from openrouter_kit.testing._models import CACHING_PROVIDERS, ModelTable, is_router, providers_of
from openrouter_kit.testing._vectors import Answer, plan_embeddings, plan_rerank

__all__ = ["FakeOpenRouter", "Script", "StreamScript", "ToolScript"]

#: The SSE comment OpenRouter sends first, and to keep a slow stream alive.
KEEPALIVE = b": OPENROUTER PROCESSING\n\n"
#: The invalid-JSON event of ``script_stream(malformed_after=...)``.
_MALFORMED = b'data: {"id": "gen-x", "choices": [\n\n'
_MODELS_PAGE_MAX = 1000

#: Any reply the API plans.
Planned = Reply | Stream | Drop


class _Queued(Protocol):
    """A script queued for some uses."""

    remaining: int


Q = TypeVar("Q", bound=_Queued)


@dataclass
class Script:
    """A canned answer (or a fault) queued by ``Emulator.script``, for the next ``remaining``
    requests to ``path``."""

    status: int
    body: bytes
    content_type: str | None
    headers: dict[str, str]
    #: Relative to the base URL; ``None`` matches every path.
    path: str | None
    remaining: int
    delay: float
    fault: Fault | None = None
    trickle_delay: float = 0.01
    #: Whether the fault applies to ``body`` (else to the emulator's normal answer).
    scripted_body: bool = True


@dataclass
class StreamScript:
    """How ``Emulator.script_stream`` shapes the next ``remaining`` streamed completions."""

    chunks: int | None
    delay: float
    keepalive_every: int | None
    error_after: int | None
    error: dict[str, Any]
    cut_after: int | None
    malformed_after: int | None
    usage_style: Literal["empty_choices", "empty_delta"]
    done: bool
    remaining: int


@dataclass
class ToolScript:
    """The tool calls ``Emulator.script_tool_calls`` queued for the next ``remaining``
    completions (each call ``{"name", "arguments", "id"?}``)."""

    calls: list[dict[str, str]]
    remaining: int


class _Incoming(NamedTuple):
    """A request as the route handlers read it."""

    #: The route pattern's match on ``path``.
    match: re.Match[str]
    query: dict[str, str]
    headers: dict[str, str]
    raw: bytes
    #: The body decoded as JSON, ``None`` when empty or not JSON.
    body: Any
    #: The bearer token, ``None`` without a usable ``Authorization`` header.
    token: str | None


class _Route(NamedTuple):
    """One row of the route table."""

    method: str
    #: Matched whole against the path relative to the base URL.
    pattern: re.Pattern[str]
    #: Served without a key, as on OpenRouter.
    public: bool
    answer: Callable[[FakeOpenRouter, _Incoming], Reply | Stream]


class FakeOpenRouter:
    """The state and the behaviour of the fake API.

    The emulator's control surface feeds it checked scripts (:meth:`add_script`, ...); its
    server hands each request to :meth:`handle` and plays the reply that comes back.
    """

    def __init__(
        self,
        table: ModelTable,
        *,
        latency: float = 0.0,
        chunk_delay: float = 0.0,
        generation_delay: float = 0.0,
        management_key: str = "",
    ) -> None:
        """An API serving ``table``; ``latency`` is waited before each chat completion,
        ``chunk_delay`` between the events of a stream; a generation's record is served
        ``generation_delay`` seconds after it was made; ``/keys`` needs ``management_key``."""
        self.table = table
        self.accounts = Accounts(management_key)
        self.latency = float(latency)
        self.chunk_delay = float(chunk_delay)
        self.generation_delay = float(generation_delay)
        self.ledger = Ledger()
        self._lock = threading.Lock()
        self._scripts: list[Script] = []
        self._stream_scripts: list[StreamScript] = []
        self._tool_scripts: list[ToolScript] = []
        self._requests: list[RecordedRequest] = []
        #: Generation records by id, with the ``time.monotonic()`` they are served from.
        self._generations: dict[str, tuple[dict[str, Any], float]] = {}
        #: The stored prompt and answer of each generation (``GET /generation/content``).
        self._contents: dict[str, dict[str, Any]] = {}
        self._injection: Injection | None = None
        self._injected = 0
        self._down: dict[str, Outage] = {}

    # -- the control surface's side -------------------------------------------------------------

    def add_script(self, script: Script) -> None:
        """Queue a canned answer (first in, first out among those matching a path)."""
        with self._lock:
            self._scripts.append(script)

    def add_stream_script(self, script: StreamScript) -> None:
        """Queue the shape of the next streamed completions."""
        with self._lock:
            self._stream_scripts.append(script)

    def add_tool_script(self, script: ToolScript) -> None:
        """Queue the tool calls of the next completions."""
        with self._lock:
            self._tool_scripts.append(script)

    def inject(self, injection: Injection | None) -> None:
        """Fail a share of the requests from now on (``None``: stop)."""
        with self._lock:
            self._injection = injection

    def take_down(self, model_id: str, status: int, message: str) -> None:
        """Make a model's completions fail with ``status`` and ``message``."""
        with self._lock:
            self._down[model_id] = Outage(status, message)

    def bring_up(self, model_id: str) -> None:
        """Let a model taken down answer again."""
        with self._lock:
            self._down.pop(model_id, None)

    def reset(self) -> None:
        """Forget scripts, recorded requests, generations, failure injection and its count,
        the models taken down and the ledger."""
        with self._lock:
            self._scripts.clear()
            self._stream_scripts.clear()
            self._tool_scripts.clear()
            self._requests.clear()
            self._generations.clear()
            self._contents.clear()
            self._injection = None
            self._injected = 0
            self._down.clear()
        self.ledger.reset()
        self.accounts.reset()

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of the requests received, in arrival order, credentials masked."""
        with self._lock:
            return list(self._requests)

    @property
    def injected_failures(self) -> int:
        """How many failures the injection made."""
        with self._lock:
            return self._injected

    # -- the server's side ----------------------------------------------------------------------

    def handle(self, request: Request) -> Planned:
        """Record a request and plan its reply.

        In order: a :class:`Script` matching the path (with its fault), an injected failure,
        the route's own answer.
        """
        path = api_path(request.path)
        token = _bearer_token(request.headers.get("authorization"))
        try:
            body: Any = json.loads(request.body) if request.body else None
        except ValueError:
            body = None
        self._record(request.method, path, request.query, request.headers, body, token)
        script = self._take(self._scripts, path)
        if script is not None:
            if script.fault is None:
                return Reply(
                    script.status,
                    script.body,
                    script.content_type,
                    script.headers,
                    delay=script.delay,
                )
            if script.fault == "reset_before_headers":
                return Drop(delay=script.delay)
            if script.fault == "malformed_json":
                content_type = script.content_type or "application/json"
                return Reply(
                    script.status, BROKEN_JSON, content_type, script.headers, delay=script.delay
                )
            if script.scripted_body:
                inner: Reply | Stream = Reply(
                    script.status, script.body, script.content_type, script.headers
                )
            else:
                inner = self._route(request, path, body, token)
            return dataclasses.replace(
                inner,
                delay=inner.delay + script.delay,
                fault=script.fault,
                trickle_delay=script.trickle_delay,
            )
        injected, trickle_delay = self._roll_failure(path)
        if injected is None:
            return self._route(request, path, body, token)
        if isinstance(injected, int):
            message = FAILURE_MESSAGES.get(injected) or phrase(injected)
            return json_reply(injected, error_body(injected, message))
        if injected == "reset_before_headers":
            return Drop()
        if injected == "malformed_json":
            return Reply(200, BROKEN_JSON, "application/json")
        planned = self._route(request, path, body, token)
        return dataclasses.replace(planned, fault=injected, trickle_delay=trickle_delay)

    # -- routing --------------------------------------------------------------------------------

    def _route(self, request: Request, path: str, body: Any, token: str | None) -> Reply | Stream:
        in_api = request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")
        found = [(r, m) for r in _ROUTES if in_api and (m := r.pattern.fullmatch(path))]
        try:
            if not in_api and path == "/auth" and request.method == "GET":  # the sign-in page
                location = self.accounts.sign_in(request.query)
                return Reply(302, b"", None, {"Location": location})
            if token is not None and self.accounts.is_disabled(token):
                raise ApiError(401, "This API key is disabled")
            if not found:
                raise ApiError(404, "Not Found")
            allowed = [(r, m) for r, m in found if r.method == request.method]
            if not allowed:
                methods = ", ".join(r.method for r, _ in found)
                raise ApiError(405, "Method Not Allowed", headers={"Allow": methods})
            route, match = allowed[0]
            if not route.public and token is None:
                raise ApiError(401, "No auth credentials found")
            incoming = _Incoming(match, request.query, request.headers, request.body, body, token)
            return route.answer(self, incoming)
        except ApiError as err:
            return err.reply()

    def _models(self, incoming: _Incoming) -> Reply:
        return json_reply(200, self._list_models(incoming.query))

    def _model_endpoints(self, incoming: _Incoming) -> Reply:
        # public too; latency and throughput need a key
        model_id = f"{incoming.match.group(1)}/{incoming.match.group(2)}"
        stats = incoming.token is not None
        return json_reply(200, {"data": self._endpoints(model_id, stats=stats)})

    def _generation_route(self, incoming: _Incoming) -> Reply:
        return json_reply(200, {"data": self._generation(incoming.query.get("id"))})

    def _key(self, incoming: _Incoming) -> Reply:
        return json_reply(200, {"data": self._key_info(incoming.token or "")})

    def _credits(self, incoming: _Incoming) -> Reply:
        total = self.ledger.cost_decimal
        return json_reply(200, {"data": {"total_credits": 100.0, "total_usage": float(total)}})

    def _generation_content_route(self, incoming: _Incoming) -> Reply:
        gen_id = incoming.query.get("id")
        if not gen_id:
            raise ApiError(400, "Missing required query parameter: id")
        with self._lock:
            content = self._contents.get(gen_id)
            _, visible = self._generations.get(gen_id, (None, 0.0))
        if content is None or time.monotonic() < visible:
            raise ApiError(404, f"Generation {gen_id} not found")
        return json_reply(200, {"data": copy.deepcopy(content)})

    def _embedding_models(self, incoming: _Incoming) -> Reply:
        return json_reply(
            200, self._list_models({**incoming.query, "output_modalities": "embeddings"})
        )

    def _user_models(self, incoming: _Incoming) -> Reply:
        return json_reply(200, self._list_models({**incoming.query, "output_modalities": "all"}))

    def _count_models(self, incoming: _Incoming) -> Reply:
        query = {"output_modalities": incoming.query.get("output_modalities") or "text"}
        return json_reply(200, {"data": {"count": len(self._filtered_models(query))}})

    def _model(self, incoming: _Incoming) -> Reply:
        model_id = f"{incoming.match.group(1)}/{incoming.match.group(2)}"
        resolved = self.table.resolve(model_id)
        if resolved is None:
            raise ApiError(404, f"Model {model_id} not found")
        entry = copy.deepcopy(resolved.entry)
        entry["id"] = resolved.served_id
        return json_reply(200, {"data": entry})

    def _providers(self, incoming: _Incoming) -> Reply:
        found: dict[str, dict[str, Any]] = {}
        for entry in self.table.entries:
            for provider in () if is_router(entry) else providers_of(entry):
                found.setdefault(
                    provider.tag,
                    {
                        "name": provider.name,
                        "slug": provider.tag,
                        "privacy_policy_url": f"https://{provider.tag}.example/privacy",
                        "terms_of_service_url": f"https://{provider.tag}.example/terms",
                        "status_page_url": None,
                        "headquarters": "US",
                        "datacenters": ["US"],
                    },
                )
        return json_reply(200, {"data": sorted(found.values(), key=lambda p: p["slug"])})

    def _embeddings(self, incoming: _Incoming) -> Reply:
        return self._bill(plan_embeddings(self.table, incoming.body), "embeddings", incoming)

    def _rerank(self, incoming: _Incoming) -> Reply:
        return self._bill(plan_rerank(self.table, incoming.body), "rerank", incoming)

    def _bill(self, answer: Answer, api_type: str, incoming: _Incoming) -> Reply:
        """Bill an embeddings or rerank answer in the ledger, store its generation, send it."""
        self.ledger.record(answer.model, answer.prompt_tokens, 0, answer.cost)
        cost = float(answer.cost)
        user = incoming.body.get("user")
        record = {
            "id": answer.gen_id,
            "upstream_id": None,
            "request_id": random_id("req"),
            "total_cost": cost,
            "usage": cost,
            "created_at": datetime.now(UTC).isoformat(),
            "model": answer.model,
            "provider_name": answer.provider,
            "router": None,
            "api_type": api_type,
            "streamed": False,
            "cancelled": False,
            "tokens_prompt": answer.prompt_tokens,
            "tokens_completion": 0,
            "native_tokens_prompt": answer.prompt_tokens,
            "native_tokens_completion": 0,
            "finish_reason": None,
            "is_byok": False,
            "origin": incoming.headers.get("http-referer") or "",
            "external_user": user if isinstance(user, str) else None,
            "data_region": "global",
        }
        visible = time.monotonic() + self.generation_delay
        with self._lock:
            self._generations[answer.gen_id] = (record, visible)
            self._contents[answer.gen_id] = _stored_input(api_type, incoming.body)
        return json_reply(200, answer.body, {"X-Generation-Id": answer.gen_id})

    # -- key management and sign-in --------------------------------------------------------------

    def _list_keys(self, incoming: _Incoming) -> Reply:
        self.accounts.check_management(incoming.token)
        return json_reply(200, self.accounts.list(incoming.query))

    def _create_key(self, incoming: _Incoming) -> Reply:
        self.accounts.check_management(incoming.token)
        return json_reply(201, self.accounts.create(incoming.body))

    def _get_key(self, incoming: _Incoming) -> Reply:
        self.accounts.check_management(incoming.token)
        return json_reply(200, self.accounts.get(incoming.match.group(1)))

    def _update_key(self, incoming: _Incoming) -> Reply:
        self.accounts.check_management(incoming.token)
        return json_reply(200, self.accounts.update(incoming.match.group(1), incoming.body))

    def _delete_key(self, incoming: _Incoming) -> Reply:
        self.accounts.check_management(incoming.token)
        return json_reply(200, self.accounts.delete(incoming.match.group(1)))

    def _create_auth_code(self, incoming: _Incoming) -> Reply:
        return json_reply(200, self.accounts.create_code(incoming.body))

    def _exchange_auth_code(self, incoming: _Incoming) -> Reply:
        return json_reply(200, self.accounts.exchange(incoming.body))

    # -- chat completions -----------------------------------------------------------------------

    def _chat(self, incoming: _Incoming) -> Reply | Stream:
        body, headers = incoming.body, incoming.headers
        if not incoming.raw.strip() or not isinstance(body, dict):
            raise ApiError(400, "Invalid request: the body must be a JSON object")
        with self._lock:
            down = dict(self._down)
        plan = plan_completion(body, self.table, down)
        tools = self._take(self._tool_scripts)  # only once the request is known to be answered
        scripted = copy.deepcopy(tools.calls) if tools is not None else None
        if scripted is not None:
            plan = plan_completion(body, self.table, down, scripted=scripted)
        if body.get("stream", False):
            options = self._take(self._stream_scripts)
            if options is not None and options.chunks is not None:
                plan = plan_completion(
                    body, self.table, down, chunks=options.chunks, scripted=scripted
                )
            return self._stream(plan, body, headers, options)
        response = {
            **plan.head("chat.completion"),
            "choices": [
                {
                    "logprobs": None,
                    "finish_reason": plan.finish_reason,
                    "native_finish_reason": plan.finish_reason,
                    "index": 0,
                    "message": plan.message(),
                }
            ],
            "usage": plan.usage(),
        }
        settle = functools.partial(
            self._served, plan, body, headers, streamed=False, cancelled=False
        )
        reply = json_reply(200, response, {"X-Generation-Id": plan.gen_id})
        return dataclasses.replace(reply, delay=self.latency, settle=settle)

    def _stream(
        self,
        plan: Plan,
        body: dict[str, Any],
        headers: dict[str, str],
        options: StreamScript | None,
    ) -> Stream:
        """The SSE events of a streamed completion, with the pauses between them, where it is
        billed, and the breaks ``options`` asks for."""
        deltas = plan.steps()
        answers = sum(1 for delta in deltas if delta.kind == "answer")

        def position(after: int | None) -> int | None:
            return None if after is None else min(after, answers)

        opts = options
        delay = self.chunk_delay if opts is None else opts.delay
        keepalive = None if opts is None else opts.keepalive_every
        error_at = None if opts is None else position(opts.error_after)
        cut_at = None if opts is None else position(opts.cut_after)
        malformed_at = None if opts is None else position(opts.malformed_after)
        steps: list[Write | Settle | Cut] = [Write(KEEPALIVE)]
        waiting = self.latency  # waited once, after the opening comment
        sent = 0
        delivered = 0
        delivered_reasoning = 0

        def event(choices: list[dict[str, Any]], **extra: Any) -> bytes:
            obj = {**plan.head("chat.completion.chunk"), **extra, "choices": choices}
            return b"data: " + json.dumps(obj, separators=(",", ":")).encode() + b"\n\n"

        def choice(delta: dict[str, Any], finish: str | None = None) -> list[dict[str, Any]]:
            return [
                {
                    "index": 0,
                    "delta": delta,
                    "finish_reason": finish,
                    "native_finish_reason": finish,
                    "logprobs": None,
                }
            ]

        def data(payload: bytes) -> None:
            nonlocal sent, waiting
            pause = waiting + (delay if sent else 0.0)
            waiting = 0.0
            sent += 1
            if keepalive is not None and sent % keepalive == 0:
                steps.append(Write(KEEPALIVE, pause))
                pause = 0.0
            steps.append(Write(payload, pause))

        def bill(finish: str | None, *, cancelled: bool) -> None:
            partial = dataclasses.replace(
                plan,
                completion_tokens=delivered,
                reasoning_tokens=delivered_reasoning,
                finish_reason=finish,
            )
            served = functools.partial(
                self._served, partial, body, headers, streamed=True, cancelled=cancelled
            )
            steps.append(Settle(functools.partial(served, charge=True)))

        def interrupt(answered: int) -> bool:
            """Add what the script puts after ``answered`` answer deltas; True ends the stream."""
            if malformed_at == answered:
                data(_MALFORMED)
            if error_at == answered and opts is not None:
                bill("error", cancelled=False)
                error_choices = [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}]
                data(event(error_choices, error=copy.deepcopy(opts.error)))
                return True
            if cut_at == answered:
                bill(None, cancelled=True)
                steps.append(Cut())
                return True
            return False

        stream = Stream(
            {"Cache-Control": "no-cache", "X-Generation-Id": plan.gen_id},
            (),
            abandoned=functools.partial(
                self._served, plan, body, headers, streamed=True, cancelled=True
            ),
        )
        answered = 0
        for delta in deltas:
            if delta.kind == "answer":
                if interrupt(answered):
                    return dataclasses.replace(stream, steps=tuple(steps))
                answered += 1
            data(event(choice(delta.delta)))
            delivered += delta.tokens
            if delta.kind == "reasoning":
                delivered_reasoning += delta.tokens
        if interrupt(answered):
            return dataclasses.replace(stream, steps=tuple(steps))
        final_delta: dict[str, Any] = {} if plan.tool_calls else {"content": ""}
        data(event(choice(final_delta, plan.finish_reason)))
        served = functools.partial(
            self._served, plan, body, headers, streamed=True, cancelled=False
        )
        steps.append(Settle(served))
        usage_choices: list[dict[str, Any]] = []
        if opts is not None and opts.usage_style == "empty_delta":
            usage_choices = [{"index": 0, "delta": {}, "finish_reason": None}]
        data(event(usage_choices, usage=plan.usage()))
        if opts is None or opts.done:
            data(b"data: [DONE]\n\n")
        return dataclasses.replace(stream, steps=tuple(steps))

    # -- state ----------------------------------------------------------------------------------

    def _record(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: Any,
        token: str | None,
    ) -> None:
        safe_headers = dict(headers)
        for name, value in headers.items():
            if name == "authorization":
                is_bearer = value.strip().lower().startswith("bearer")
                safe_headers[name] = "Bearer ***" if is_bearer else "***"
            elif name in SENSITIVE_HEADERS:
                safe_headers[name] = "***"
        recorded = RecordedRequest(
            method=method,
            path=path,
            query=redact_all(query, token),
            headers=redact_all(safe_headers, token),
            json=redact_all(body, token),
        )
        with self._lock:
            self._requests.append(recorded)

    def _take(self, queue: list[Q], path: str | None = None) -> Q | None:
        """One use of the first entry of ``queue`` (for ``path``, if the entries name paths),
        dropped once it is used up; None when no entry applies."""
        with self._lock:
            for index, entry in enumerate(queue):
                wanted = getattr(entry, "path", None)
                if wanted is None or wanted == path:
                    entry.remaining -= 1
                    if entry.remaining <= 0:
                        del queue[index]
                    return entry
        return None

    def _roll_failure(self, path: str) -> tuple[int | Fault | None, float]:
        """Draw whether this request fails (and how), with the injected trickle delay."""
        with self._lock:
            injection = self._injection
            if injection is None:
                return None, 0.0
            failure = injection.draw(path)
            if failure is None:
                return None, 0.0
            self._injected += 1
            return failure, injection.trickle_delay

    def _served(
        self,
        plan: Plan,
        body: dict[str, Any],
        headers: dict[str, str],
        elapsed: float,
        *,
        streamed: bool,
        cancelled: bool,
        charge: bool | None = None,
    ) -> None:
        """Store the generation record; bill the ledger when ``charge`` (default: not cancelled).

        The record's ``total_cost`` is what the ledger billed: 0 for a stream the client
        abandoned before it was billed (the provider stopped and charged nothing).
        """
        charged = (not cancelled) if charge is None else charge
        if charged:
            self.ledger.record(plan.model, plan.prompt_tokens, plan.completion_tokens, plan.cost)
        cost = float(plan.cost) if charged else 0.0
        latency_ms = max(1, round(elapsed * 1000))
        referer = headers.get("http-referer")
        user = body.get("user")
        session = body.get("session_id") or headers.get("x-session-id")
        upstream_id = "chatcmpl-" + secrets.token_hex(12)
        record: dict[str, Any] = {
            "id": plan.gen_id,
            "upstream_id": upstream_id,
            "request_id": random_id("req"),
            "total_cost": cost,
            "usage": cost,
            "cache_discount": None,
            "upstream_inference_cost": None,
            "created_at": datetime.fromtimestamp(plan.created, UTC).isoformat(),
            "model": plan.model,
            "provider_name": plan.provider,
            "router": plan.router,
            "api_type": "completions",
            "streamed": streamed,
            "cancelled": cancelled,
            "latency": latency_ms,
            "generation_time": latency_ms,
            "moderation_latency": None,
            "tokens_prompt": plan.prompt_tokens,
            "tokens_completion": plan.completion_tokens,
            "native_tokens_prompt": plan.prompt_tokens,
            "native_tokens_completion": plan.completion_tokens,
            "native_tokens_reasoning": plan.reasoning_tokens,
            "native_tokens_cached": 0,
            "native_tokens_completion_images": 0,
            "num_media_prompt": None,
            "num_media_completion": None,
            "num_input_audio_prompt": None,
            "num_search_results": None,
            "num_fetches": None,
            "web_search_engine": None,
            "finish_reason": plan.finish_reason,
            "native_finish_reason": plan.finish_reason,
            "is_byok": False,
            "origin": referer or "",
            "http_referer": referer,
            "user_agent": headers.get("user-agent"),
            "external_user": user if isinstance(user, str) else None,
            "app_id": None,
            "preset_id": None,
            "session_id": session if isinstance(session, str) else None,
            "service_tier": None,
            "data_region": "global",
            "workspace_id": None,
            "response_cache_source_id": None,
            "provider_responses": [
                {
                    "provider_name": plan.provider,
                    "status": 200,
                    "latency": latency_ms,
                    "id": upstream_id,
                    "model_permaslug": plan.entry.get("canonical_slug"),
                    "is_byok": False,
                }
            ],
        }
        content = {
            "input": {"messages": copy.deepcopy(body.get("messages") or [])},
            "output": {"completion": plan.content, "reasoning": plan.reasoning},
            "error": None,
        }
        visible = time.monotonic() + self.generation_delay
        with self._lock:
            self._generations[plan.gen_id] = (record, visible)
            self._contents[plan.gen_id] = content

    def _list_models(self, query: Mapping[str, str]) -> dict[str, Any]:
        """The ``GET /models`` body: ``data``, ``total_count`` (after the filters) and ``links``.

        ``offset`` and ``limit`` page the list (opt-in, as on OpenRouter: without both, the whole
        list); ``links.next`` is then the relative URL of the next page, else null.
        """
        offset = _query_int(query, "offset", 0, None)
        limit = _query_int(query, "limit", 1, _MODELS_PAGE_MAX)
        models = self._filtered_models(query)
        total = len(models)
        next_url = None
        if offset is not None or limit is not None:
            start = offset or 0
            size = limit if limit is not None else 500
            models = models[start : start + size]
            if start + size < total:
                next_url = f"{API_PREFIX}/models?offset={start + size}&limit={size}"
        return {"data": models, "total_count": total, "links": {"next": next_url}}

    def _filtered_models(self, query: Mapping[str, str]) -> list[dict[str, Any]]:
        """The models the filters of ``GET /models`` select: ``output_modalities`` (default
        ``text``, as on OpenRouter; ``all`` for every model), ``input_modalities``,
        ``supported_parameters`` and ``q``."""
        models = copy.deepcopy(self.table.entries)
        wanted_out = query.get("output_modalities") or "text"
        if wanted_out != "all":
            outs = {m.strip() for m in wanted_out.split(",") if m.strip()}
            models = [
                m for m in models if outs & set(m["architecture"].get("output_modalities", []))
            ]
        wanted_params = query.get("supported_parameters")
        if wanted_params:
            params = {p.strip() for p in wanted_params.split(",") if p.strip()}
            models = [m for m in models if params <= set(m.get("supported_parameters", []))]
        wanted_in = query.get("input_modalities")
        if wanted_in:
            ins = {m.strip() for m in wanted_in.split(",") if m.strip()}
            models = [m for m in models if ins & set(m["architecture"].get("input_modalities", []))]
        words = (query.get("q") or "").lower().split()
        if words:
            models = [
                m for m in models if all(w in f"{m['id']} {m['name']}".lower() for w in words)
            ]
        return models

    def _endpoints(self, model_id: str, *, stats: bool = True) -> dict[str, Any]:
        """A model's endpoints; ``stats`` False (no key) leaves latency and throughput null.

        A router (``openrouter/auto``) has no endpoints of its own: it routes to other models'.
        """
        resolved = self.table.resolve(model_id)
        if resolved is None:
            raise ApiError(404, f"No endpoints found for {model_id}.")
        entry = resolved.entry
        providers = () if is_router(entry) else providers_of(entry)
        top = entry.get("top_provider") or {}
        endpoints = []
        for position, provider in enumerate(providers):
            endpoints.append(
                {
                    "name": f"{provider.name} | {entry['canonical_slug']}",
                    "model_id": entry["canonical_slug"],
                    "model_name": entry["name"],
                    "context_length": entry.get("context_length") or 0,
                    "pricing": copy.deepcopy(entry["pricing"]),
                    "provider_name": provider.name,
                    "tag": provider.tag,
                    "quantization": provider.quantization,
                    "max_completion_tokens": top.get("max_completion_tokens"),
                    "max_prompt_tokens": None,
                    "supported_parameters": list(entry.get("supported_parameters") or []),
                    "status": 0,
                    "uptime_last_5m": 100.0,
                    "uptime_last_30m": 99.9 - position * 0.4,
                    "uptime_last_1d": 99.8 - position * 0.5,
                    "supports_implicit_caching": provider.tag in CACHING_PROVIDERS,
                    "supports_voice_cloning": False,
                    "latency_last_30m": {
                        "p50": 0.42 + position * 0.1,
                        "p75": 0.61 + position * 0.1,
                        "p90": 0.88 + position * 0.1,
                        "p99": 1.9 + position * 0.2,
                    }
                    if stats
                    else None,
                    "throughput_last_30m": {
                        "p50": 85.0 - position * 10,
                        "p75": 70.0 - position * 10,
                        "p90": 55.0 - position * 10,
                        "p99": 30.0 - position * 5,
                    }
                    if stats
                    else None,
                }
            )
        return {
            "id": entry["id"],
            "name": entry["name"],
            "created": entry["created"],
            "description": entry["description"],
            "architecture": copy.deepcopy(entry["architecture"]),
            "endpoints": endpoints,
        }

    def _generation(self, gen_id: str | None) -> dict[str, Any]:
        if not gen_id:
            raise ApiError(400, "Missing required query parameter: id")
        with self._lock:
            record, visible = self._generations.get(gen_id, (None, 0.0))
        if record is None or time.monotonic() < visible:
            raise ApiError(404, f"Generation {gen_id} not found")
        return copy.deepcopy(record)

    def _key_info(self, token: str) -> dict[str, Any]:
        usage = float(self.ledger.cost_decimal)
        return {
            "label": _key_label(token),
            "limit": None,
            "limit_remaining": None,
            "limit_reset": None,
            "include_byok_in_limit": False,
            "usage": usage,
            "usage_daily": usage,
            "usage_weekly": usage,
            "usage_monthly": usage,
            "byok_usage": 0,
            "byok_usage_daily": 0,
            "byok_usage_weekly": 0,
            "byok_usage_monthly": 0,
            "is_free_tier": False,
            "is_management_key": False,
            "is_provisioning_key": False,
            "creator_user_id": None,
            "expires_at": None,
            "rate_limit": {
                "requests": -1,
                "interval": "10s",
                "note": "This field is deprecated and safe to ignore.",
            },
        }


_ROUTES: tuple[_Route, ...] = (
    _Route("POST", re.compile("/chat/completions"), False, FakeOpenRouter._chat),
    _Route("GET", re.compile("/models"), True, FakeOpenRouter._models),
    _Route(
        "GET",
        re.compile("/models/([^/]+)/([^/]+)/endpoints"),
        True,
        FakeOpenRouter._model_endpoints,
    ),
    _Route("GET", re.compile("/generation"), False, FakeOpenRouter._generation_route),
    _Route("GET", re.compile("/key"), False, FakeOpenRouter._key),
    _Route("GET", re.compile("/auth/key"), False, FakeOpenRouter._key),
    _Route("GET", re.compile("/credits"), False, FakeOpenRouter._credits),
    _Route("POST", re.compile("/embeddings"), False, FakeOpenRouter._embeddings),
    _Route("GET", re.compile("/embeddings/models"), True, FakeOpenRouter._embedding_models),
    _Route("POST", re.compile("/rerank"), False, FakeOpenRouter._rerank),
    _Route("GET", re.compile("/models/user"), False, FakeOpenRouter._user_models),
    _Route("GET", re.compile("/models/count"), True, FakeOpenRouter._count_models),
    _Route("GET", re.compile("/model/([^/]+)/([^/]+)"), True, FakeOpenRouter._model),
    _Route("GET", re.compile("/providers"), True, FakeOpenRouter._providers),
    _Route(
        "GET", re.compile("/generation/content"), False, FakeOpenRouter._generation_content_route
    ),
    _Route("GET", re.compile("/keys"), False, FakeOpenRouter._list_keys),
    _Route("POST", re.compile("/keys"), False, FakeOpenRouter._create_key),
    _Route("GET", re.compile("/keys/([^/]+)"), False, FakeOpenRouter._get_key),
    _Route("PATCH", re.compile("/keys/([^/]+)"), False, FakeOpenRouter._update_key),
    _Route("DELETE", re.compile("/keys/([^/]+)"), False, FakeOpenRouter._delete_key),
    _Route("POST", re.compile("/auth/keys/code"), False, FakeOpenRouter._create_auth_code),
    _Route("POST", re.compile("/auth/keys"), True, FakeOpenRouter._exchange_auth_code),
)


def _stored_input(api_type: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """The ``GET /generation/content`` body of an embeddings or rerank generation.

    The spec documents one shape for every generation: ``input`` is ``{prompt}`` or
    ``{messages}``, ``output`` is ``{completion, reasoning}``. What OpenRouter stores for these
    two is not documented, so the emulator answers in that shape: the prompt is the text that
    was embedded (a batch's texts one per line; other inputs as JSON) or the rerank query, and
    there is no completion.
    """
    given = body.get("query") if api_type == "rerank" else body.get("input")
    if isinstance(given, list) and all(isinstance(item, str) for item in given):
        prompt = "\n".join(given)
    else:
        prompt = given if isinstance(given, str) else json.dumps(given)
    return {
        "input": {"prompt": prompt},
        "output": {"completion": None, "reasoning": None},
        "error": None,
    }


def _query_int(query: Mapping[str, str], name: str, low: int, high: int | None) -> int | None:
    """An integer query parameter within ``[low, high]``, None when absent; else a 400."""
    text = query.get(name)
    if text is None or text == "":
        return None
    try:
        value = int(text)
    except ValueError:
        raise ApiError(400, f"{name} must be an integer, got {text[:40]!r}") from None
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ApiError(400, f"{name} must be {bounds}, got {value}")
    return value


def _bearer_token(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


# ---------------------------------------------------------------------------------------------
# The emulator
# ---------------------------------------------------------------------------------------------


def _key_label(token: str) -> str:
    """The ``label`` OpenRouter shows for a key: its start and end around ``...`` (the middle,
    which is the secret, never shows)."""
    if len(token) < 20:
        return "***"
    return f"{token[:12]}...{token[-3:]}"
