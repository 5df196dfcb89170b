r"""The chat completion planner: a request body in, the answer planned (content, reasoning, tool
calls, finish reason, usage and cost) before a byte of it is sent.

Owns: request validation, the choice of the model that answers (fallbacks, routers, models taken
down, context windows), the answer itself and its tokens and cost, and the deltas of its stream.
Never knows: sockets, timing, billing (the API bills a plan once it is delivered), SSE framing.

How an answer is chosen: it is deterministic, and the plain and streamed answers to one request
agree exactly (content, tool calls, usage, cost). The candidates are ``model`` then the ``models``
fallback list (or the default model); an unknown id, a model taken down or a prompt over the
context window (``prompt + max_tokens``) passes to the next, and the last failure is the error.
A router (``openrouter/auto``) answers with the default model, or the first other model up. In
order of precedence:

* ``script_tool_calls`` queues tool calls the next completions answer with, whatever the request.
* A request whose *last* message is a ``tool`` message (tool results sent back) is answered
  with text, never tool calls, even with ``tool_choice: "required"`` or a named function:
  the model uses the results. The text is ``"Based on the tool results: "`` followed by the
  contents of the trailing ``tool`` messages, joined by ``"; "``.
* With ``tools``, ``tool_choice: "required"`` calls every function tool (only the first
  with ``parallel_tool_calls: false``), a named ``tool_choice`` calls that function, and
  ``tool_choice: "auto"`` (the default when ``tool_choice`` is left out) calls the first
  tool whose name contains "weather" when the last message is a ``user`` message containing
  the word "weather" (any case); otherwise ``"auto"`` answers with text. A call's arguments
  put the last user text under the function's first parameter (``query`` when it has none);
  call ids are ``call_<n>``, derived from the request (not from ``stream``).
* Otherwise the text is ``"Hello from <model>! You said: <last user text>"``.

``response_format`` then shapes a text answer: ``json_object`` makes it ``{"answer": <text>}``,
``json_schema`` the schema's example document (``_examples``), both compact JSON. A model that
supports ``reasoning`` and a request that asks for it (``reasoning`` not excluded, disabled or
``effort: "none"``, or ``include_reasoning: true``) gets ``"Let me think about: <last user
text>."`` as reasoning, sent before the answer. Tokens are words and punctuation marks
(``\w+|[^\w\s]``); a prompt costs 4 tokens per message plus those of its text and tool calls.
``max_tokens`` (or ``max_completion_tokens``) cuts the reasoning first, then the answer, with
finish reason ``"length"``. The cost is exact: the model's prompt and completion prices times the
tokens, plus its per-request price; nothing for a ``:free`` id.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from openrouter_kit import MessageRole
from openrouter_kit.testing._examples import SchemaError, example
from openrouter_kit.testing._exchange import ApiError, random_id
from openrouter_kit.testing._models import ModelTable, is_router, price_of, providers_of

__all__ = ["Outage", "Plan", "Step", "count_tokens", "plan_completion"]

_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
_PIECE_RE = re.compile(r"\s*(?:\w+|[^\w\s])")
_WEATHER_RE = re.compile(r"\bweather\b", re.IGNORECASE)
_ROLES = frozenset(role.value for role in MessageRole)
_NO_PROVIDERS = "No allowed providers are available for the selected model."


class Outage(NamedTuple):
    """How the completions of a model taken down fail."""

    status: int
    message: str


def count_tokens(text: str) -> int:
    """The emulator's token count of a text: its words and punctuation marks."""
    return len(_TOKEN_RE.findall(text))


def _pieces(text: str) -> list[str]:
    """Split text into one piece per token, keeping whitespace, so ``"".join`` gives it back."""
    pieces = _PIECE_RE.findall(text)
    rest = text[sum(len(p) for p in pieces) :]
    if rest:
        if pieces:
            pieces[-1] += rest
        else:
            pieces = [rest]
    return pieces


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [
            part["text"]
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        ]
        return " ".join(texts)
    return ""


def _message_text(message: Mapping[str, Any]) -> str:
    text = _content_text(message.get("content"))
    calls = message.get("tool_calls")
    if isinstance(calls, list):
        for call in calls:
            function = call.get("function") if isinstance(call, dict) else None
            if isinstance(function, dict):
                text += f" {function.get('name') or ''} {function.get('arguments') or ''}"
    return text


def _last_user_text(messages: list[dict[str, Any]]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user":
            return _content_text(message.get("content")).strip()
    return ""


def _tool_results(messages: list[dict[str, Any]]) -> list[str] | None:
    """The contents of the trailing ``tool`` messages, or None when the last message is not one."""
    results: list[str] = []
    for message in reversed(messages):
        if message.get("role") != "tool":
            break
        content = message.get("content")
        if isinstance(content, str | list) or content is None:
            results.append(_content_text(content))
        else:
            results.append(json.dumps(content, separators=(",", ":"), ensure_ascii=False))
    if not results:
        return None
    results.reverse()
    return results


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class _Structured(NamedTuple):
    """What ``response_format`` asks of a text answer."""

    kind: Literal["json_object", "json_schema"]
    #: The schema's example document as compact JSON (``json_schema``); ``None`` for
    #: ``json_object``, whose document wraps the text answer.
    document: str | None


def _response_format(body: Mapping[str, Any]) -> _Structured | None:
    """Check ``response_format``; ``None`` asks for plain text."""
    spec = body.get("response_format")
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise ApiError(400, "response_format must be an object")
    kind = spec.get("type")
    if kind == "text":
        return None
    if kind == "json_object":
        return _Structured("json_object", None)
    if kind != "json_schema":
        raise ApiError(
            400, "response_format.type must be one of 'text', 'json_object', 'json_schema'"
        )
    described = spec.get("json_schema")
    if not isinstance(described, dict) or not isinstance(described.get("schema"), dict | bool):
        raise ApiError(400, "response_format.json_schema must be an object with a 'schema'")
    try:
        document = example(described["schema"])
    except SchemaError as exc:
        raise ApiError(400, str(exc)) from None
    return _Structured("json_schema", _compact(document))


def _wants_reasoning(body: Mapping[str, Any]) -> bool:
    """Whether the request asks for returned reasoning (``reasoning`` or ``include_reasoning``)."""
    config = body.get("reasoning")
    if isinstance(config, dict):
        return not (
            config.get("exclude") is True
            or config.get("enabled") is False
            or config.get("effort") == "none"
        )
    return body.get("include_reasoning") is True


def _reasoning_details(text: str) -> list[dict[str, Any]]:
    return [{"type": "reasoning.text", "text": text, "format": "unknown", "index": 0}]


def _groups(pieces: list[str], count: int) -> list[list[str]]:
    """Split ``pieces`` into ``count`` (or fewer, if too few pieces) contiguous non-empty groups."""
    count = max(1, min(count, len(pieces)))
    size, extra = divmod(len(pieces), count)
    groups: list[list[str]] = []
    start = 0
    for number in range(count):
        end = start + size + (1 if number < extra else 0)
        groups.append(pieces[start:end])
        start = end
    return groups


@dataclass
class Step:
    """One delta of a streamed answer and the completion tokens it delivers."""

    delta: dict[str, Any]
    kind: Literal["open", "reasoning", "answer", "cite"]
    tokens: int = 0


@dataclass
class Plan:
    """A planned answer: what the plain response and the stream both carry, its usage and cost.

    ``dataclasses.replace`` makes the plan of a stream broken off early (fewer tokens, another
    finish reason).
    """

    gen_id: str
    created: int
    model: str
    entry: dict[str, Any]
    provider: str
    router: str | None
    content: str | None
    pieces: list[str]
    reasoning: str | None
    reasoning_pieces: list[str]
    tool_calls: list[dict[str, Any]]
    finish_reason: str | None
    prompt_tokens: int
    completion_tokens: int
    reasoning_tokens: int
    free: bool
    prompt_price: Decimal
    completion_price: Decimal
    request_fee: Decimal
    #: URL citations of a web search (the ``web`` plugin or a ``:online`` model), else empty.
    annotations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def cost(self) -> Decimal:
        """The exact price of the prompt plus the completion tokens (reasoning included)."""
        if self.free:
            return Decimal(0)
        cost = (
            self.prompt_price * self.prompt_tokens + self.completion_price * self.completion_tokens
        )
        if self.request_fee > 0:
            cost += self.request_fee
        return cost

    def message(self) -> dict[str, Any]:
        """The non-streamed ``choices[0].message``."""
        message: dict[str, Any] = {
            "role": "assistant",
            "content": self.content,
            "refusal": None,
            "reasoning": self.reasoning,
        }
        if self.reasoning is not None:
            message["reasoning_details"] = _reasoning_details(self.reasoning)
        if self.tool_calls:
            message["tool_calls"] = copy.deepcopy(self.tool_calls)
        if self.annotations:
            message["annotations"] = copy.deepcopy(self.annotations)
        return message

    def steps(self) -> list[Step]:
        """The streamed deltas; concatenated, they give exactly :meth:`message`."""
        opener: dict[str, Any] = {"role": "assistant", "content": None if self.tool_calls else ""}
        steps = [Step(opener, "open")]
        for piece in self.reasoning_pieces:
            delta = {"reasoning": piece, "reasoning_details": _reasoning_details(piece)}
            steps.append(Step(delta, "reasoning", 1))
        if not self.tool_calls:
            steps.extend(Step({"content": piece}, "answer", 1) for piece in self.pieces)
            if self.annotations:  # the citations come with the end of the text
                steps.append(Step({"annotations": copy.deepcopy(self.annotations)}, "cite"))
            return steps
        # every call's header first, then the argument fragments of the calls interleaved
        fragments: list[list[list[str]]] = []
        for index, call in enumerate(self.tool_calls):
            function = call["function"]
            header = {
                "index": index,
                "id": call["id"],
                "type": "function",
                "function": {"name": function["name"], "arguments": ""},
            }
            tokens = count_tokens(function["name"])
            steps.append(Step({"tool_calls": [header]}, "answer", tokens))
            fragments.append(_groups(_pieces(function["arguments"]), 3))
        for round_ in range(max(len(groups) for groups in fragments)):
            for index, groups in enumerate(fragments):
                if round_ < len(groups):
                    arguments = {"arguments": "".join(groups[round_])}
                    delta = {"tool_calls": [{"index": index, "function": arguments}]}
                    steps.append(Step(delta, "answer", len(groups[round_])))
        return steps

    def usage(self) -> dict[str, Any]:
        """The ``usage`` object of the response (and of the stream's last chunk)."""
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
            "cost": float(self.cost),
            "is_byok": False,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "cost_details": {
                "upstream_inference_cost": None,
                "upstream_inference_prompt_cost": 0,
                "upstream_inference_completions_cost": 0,
            },
            "completion_tokens_details": {
                "reasoning_tokens": self.reasoning_tokens,
                "image_tokens": 0,
            },
        }

    def head(self, obj: str) -> dict[str, Any]:
        """The fields that open a response (``obj="chat.completion"``) or every chunk
        (``"chat.completion.chunk"``)."""
        head = {
            "id": self.gen_id,
            "provider": self.provider,
            "model": self.model,
            "object": obj,
            "created": self.created,
        }
        if obj == "chat.completion":  # a chunk's system_fingerprint is a string when present
            head["system_fingerprint"] = None
        return head


def plan_completion(
    body: dict[str, Any],
    table: ModelTable,
    down: Mapping[str, Outage],
    *,
    chunks: int | None = None,
    scripted: list[dict[str, str]] | None = None,
) -> Plan:
    """Check a chat completion request and plan its answer (the rules: the module docstring).

    Args:
        body: The decoded request body.
        table: The models that can answer.
        down: The models taken down, by id.
        chunks: Make a text answer exactly this many content pieces (``script_stream``).
        scripted: Answer with these tool calls (``script_tool_calls``).

    Raises:
        ApiError: If the request is invalid or no candidate model can answer it.
    """
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ApiError(400, 'Input required: specify "prompt" or "messages"')
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in _ROLES:
            raise ApiError(400, f"Invalid message at index {index}: unknown or missing role")
    model = body.get("model")
    fallbacks = body.get("models")
    if model is not None and not isinstance(model, str):
        raise ApiError(400, "model must be a string")
    if fallbacks is not None and (
        not isinstance(fallbacks, list) or not all(isinstance(m, str) for m in fallbacks)
    ):
        raise ApiError(400, "models must be an array of model IDs")
    if "stream" in body and not isinstance(body["stream"], bool | None):
        raise ApiError(400, "stream must be a boolean")
    limit = body.get("max_completion_tokens")
    if limit is None:
        limit = body.get("max_tokens")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
        raise ApiError(400, "max_tokens must be an integer")
    if limit is not None and limit < 1:
        raise ApiError(400, "max_tokens must be at least 1")
    structured = _response_format(body)

    candidates: list[str] = []
    if model:
        candidates.append(model)
    candidates.extend(fallbacks or [])
    if not candidates:
        candidates.append(table.default_id())

    prompt_tokens = sum(4 + count_tokens(_message_text(m)) for m in messages)
    unknown: str | None = None
    last_error: ApiError | None = None
    for candidate in candidates:
        resolved = table.resolve(candidate)
        if resolved is None:
            unknown = unknown or candidate
            continue
        served_id, entry, free = resolved
        if entry["id"] in down:
            outage = down[entry["id"]]
            last_error = ApiError(outage.status, outage.message)
            continue
        router: str | None = None
        if is_router(entry):
            router = served_id
            routed = table.routed_target(down)
            if routed is None:
                last_error = ApiError(503, _NO_PROVIDERS)
                continue
            served_id, entry = routed
            free = False
        context = entry.get("context_length")
        wanted = prompt_tokens + (limit or 0)
        if isinstance(context, int) and wanted > context:
            last_error = ApiError(
                400,
                f"This endpoint's maximum context length is {context} tokens. However, you "
                f"requested about {wanted} tokens ({prompt_tokens} of text input, "
                f"{limit or 0} in the output). Please reduce the length of either one, or use "
                'the "middle-out" transform to compress your prompt automatically.',
                metadata={"error_type": "context_length_exceeded"},
            )
            continue
        target = _Target(served_id, entry, free, router)
        return _answer(body, messages, target, prompt_tokens, limit, chunks, structured, scripted)
    if last_error is not None:
        raise last_error
    raise ApiError(400, f"{unknown} is not a valid model ID")


class _Target(NamedTuple):
    """The model that answers."""

    #: The id the response names (a router's target, or the id as requested, ``:variant`` kept).
    model_id: str
    entry: dict[str, Any]
    free: bool
    #: The router asked for, when a router chose the model.
    router: str | None


def _answer(
    body: dict[str, Any],
    messages: list[dict[str, Any]],
    target: _Target,
    prompt_tokens: int,
    limit: int | None,
    chunks: int | None,
    structured: _Structured | None,
    scripted: list[dict[str, str]] | None,
) -> Plan:
    model_id, entry = target.model_id, target.entry
    user_text = _last_user_text(messages)
    results = _tool_results(messages)
    finish = "stop"

    reasoning_pieces: list[str] = []
    if _wants_reasoning(body) and "reasoning" in (entry.get("supported_parameters") or []):
        thought = f"Let me think about: {user_text}." if user_text else "Let me think about this."
        reasoning_pieces = _pieces(thought)
        if limit is not None and len(reasoning_pieces) > limit:
            reasoning_pieces = reasoning_pieces[:limit]
            finish = "length"
    reasoning = "".join(reasoning_pieces) if reasoning_pieces else None
    reasoning_tokens = len(reasoning_pieces)

    if scripted is not None:
        tool_calls = _scripted_calls(body, scripted)
    elif results is not None:
        tool_calls = []  # a tool-result turn: the model uses the results and answers
    else:
        tool_calls = _tool_calls(body, messages, user_text)
    content: str | None
    pieces: list[str] = []
    if tool_calls:
        content = None
        finish = "tool_calls"
        answer_tokens = sum(
            count_tokens(call["function"]["name"]) + count_tokens(call["function"]["arguments"])
            for call in tool_calls
        )
    else:
        if results is not None:
            text = "Based on the tool results: " + "; ".join(results)
        else:
            text = f"Hello from {model_id}!" + (f" You said: {user_text}" if user_text else "")
        if structured is not None:
            document = structured.document
            if document is None:  # json_object
                document = _compact({"answer": text})
            pieces = _pieces(document)
        else:
            pieces = _pieces(text)
        if chunks is not None and structured is None:
            extra = [f" w{n}" for n in range(max(0, chunks - len(pieces)))]
            pieces = (pieces + extra)[:chunks]
        if limit is not None and len(pieces) > limit - reasoning_tokens:
            pieces = pieces[: max(0, limit - reasoning_tokens)]
            finish = "length"
        content = "".join(pieces)
        answer_tokens = len(pieces)

    pricing = entry.get("pricing") or {}
    return Plan(
        gen_id=random_id("gen"),
        created=int(time.time()),
        model=model_id,
        entry=entry,
        provider=providers_of(entry)[0].name,
        router=target.router,
        content=content,
        pieces=pieces,
        reasoning=reasoning,
        reasoning_pieces=reasoning_pieces,
        tool_calls=tool_calls,
        finish_reason=finish,
        prompt_tokens=prompt_tokens,
        completion_tokens=reasoning_tokens + answer_tokens,
        reasoning_tokens=reasoning_tokens,
        free=target.free,
        prompt_price=price_of(pricing, "prompt"),
        completion_price=price_of(pricing, "completion"),
        request_fee=price_of(pricing, "request"),
        annotations=_citations(body, content) if not tool_calls else [],
    )


def _citations(body: Mapping[str, Any], content: str | None) -> list[dict[str, Any]]:
    """The ``url_citation`` annotations of a web search: one per result (``max_results`` of the
    ``web`` plugin or of the ``openrouter:web_search`` server tool's ``parameters``, default 2),
    when the plugin is on, the server tool is given or the model ends in ``:online``."""
    plugins = body.get("plugins")
    web = [p for p in plugins or () if isinstance(p, dict) and p.get("id") == "web"]
    if not isinstance(plugins, list):
        web = []
    tools = body.get("tools")
    searches: list[dict[str, Any]] = [
        t["parameters"] if isinstance(t.get("parameters"), dict) else {}
        for t in (tools if isinstance(tools, list) else ())
        if isinstance(t, dict) and t.get("type") == "openrouter:web_search"
    ]
    online = str(body.get("model") or "").endswith(":online")
    plugin_on = bool(web) and web[0].get("enabled", True) is not False
    if not (online or plugin_on or searches):
        return []
    settings: dict[str, Any] = web[0] if plugin_on else searches[0] if searches else {}
    wanted = settings.get("max_results", 2)
    count = wanted if isinstance(wanted, int) and not isinstance(wanted, bool) else 2
    end = len(content or "")
    return [
        {
            "type": "url_citation",
            "url_citation": {
                "url": f"https://example.com/result-{n}",
                "title": f"Search result {n}",
                "content": f"What result {n} says.",
                "start_index": 0,
                "end_index": end,
            },
        }
        for n in range(1, max(0, min(count, 10)) + 1)
    ]


def _call_seed(body: Mapping[str, Any]) -> int:
    """The base of a request's tool call ids.

    ids depend only on the request (not on ``stream``): the same request gets the same ids
    in both modes, and each turn of a conversation gets new ones.
    """
    canonical = {k: v for k, v in body.items() if k not in ("stream", "stream_options")}
    digest = hashlib.sha256(json.dumps(canonical, sort_keys=True, default=str).encode())
    return int(digest.hexdigest()[:8], 16) * 100


def _scripted_calls(
    body: Mapping[str, Any], scripted: list[dict[str, str]]
) -> list[dict[str, Any]]:
    seed = _call_seed(body)
    return [
        {
            "id": call.get("id") or f"call_{seed + number}",
            "type": "function",
            "function": {"name": call["name"], "arguments": call["arguments"]},
        }
        for number, call in enumerate(scripted, start=1)
    ]


def _tool_calls(
    body: dict[str, Any], messages: list[dict[str, Any]], user_text: str
) -> list[dict[str, Any]]:
    """The calls a request makes: one per function tool with ``tool_choice: "required"``,
    the named one, or (``"auto"``) the first "weather" tool when the user asks about weather.
    """
    tools = body.get("tools")
    choice = body.get("tool_choice")
    if not isinstance(tools, list) or not tools:
        return []
    functions: list[dict[str, Any]] = []
    for tool in tools:
        function = tool.get("function") if isinstance(tool, dict) else None
        if (
            isinstance(function, dict)
            and isinstance(function.get("name"), str)
            and function["name"]
            and tool.get("type", "function") == "function"
        ):
            functions.append(function)
    chosen: list[dict[str, Any]]
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        picked = choice["function"].get("name")
        if not isinstance(picked, str) or not picked:
            return []
        named = [f for f in functions if f["name"] == picked]
        chosen = named[:1] or [{"name": picked}]
    elif choice == "required":
        chosen = functions[:1] if body.get("parallel_tool_calls") is False else functions
    elif (
        choice in ("auto", None)  # the API's default when there are tools
        and messages[-1].get("role") == "user"
        and _WEATHER_RE.search(_content_text(messages[-1].get("content")))
    ):
        chosen = [f for f in functions if "weather" in f["name"].lower()][:1]
        if not chosen:
            return []
    else:
        return []
    seed = _call_seed(body)
    calls = []
    for number, function in enumerate(chosen, start=1):
        key = "query"
        parameters = function.get("parameters")
        properties = parameters.get("properties") if isinstance(parameters, dict) else None
        if isinstance(properties, dict) and properties:
            first = next(iter(properties))
            key = first if isinstance(first, str) and first else key
        calls.append(
            {
                "id": f"call_{seed + number}",
                "type": "function",
                "function": {
                    "name": function["name"],
                    "arguments": json.dumps({key: user_text}),
                },
            }
        )
    return calls
