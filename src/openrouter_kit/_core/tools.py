"""The tool conversation of ``run_tools``, as a state machine both clients drive.

Owns: the tools' definitions from their functions, the next request of each round, which calls
to run (and the error text the model gets for an unknown tool or bad arguments), each turn and
result added to the transcript, and the outcome (``ToolRun``: usage and cost summed). Never
knows: HTTP, clocks, how the calls run (one after another, or concurrently: the shells decide).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from openrouter_kit._core.convert import converters
from openrouter_kit._core.structured import decode_arguments
from openrouter_kit._generated.models import (
    CompletionResponse,
    Message,
    TokenUsage,
    ToolCall,
    ToolDefinition,
)
from openrouter_kit.errors import ToolArgumentsError, ValidationError

if TYPE_CHECKING:
    from openrouter_kit._base import _Options

__all__ = ["ToolLoop", "ToolRun"]


@attrs.define
class ToolRun:
    """The outcome of ``client.run_tools(...)``: the final answer and everything before it.

    Attributes:
        response: The model's last response (its answer, or its last tool calls when the round
            limit stopped the run).
        messages: The whole conversation: the request's messages, each assistant turn (with
            its reasoning, as the API takes it back) and each tool result, ready to continue.
        rounds: How many times the model was called.
        finished: True when the model answered without asking for more tools.
        usage: Tokens summed over every round.
        cost: USD (a ``Decimal``) summed over every round (None when no round reported a cost).
    """

    response: CompletionResponse
    messages: list[Message]
    rounds: int
    finished: bool
    usage: TokenUsage
    cost: Decimal | None


class ToolLoop:
    """The state of one tool-running conversation, shared by both clients' ``run_tools``."""

    def __init__(
        self,
        request: dict[str, Any],
        tools: Sequence[Callable[..., Any]],
        *,
        max_rounds: int,
        raise_errors: bool,
        options: _Options | None = None,
    ) -> None:
        #: The per-call options every round is sent with.
        self.options = options
        if isinstance(max_rounds, bool) or not isinstance(max_rounds, int) or max_rounds < 1:
            raise ValidationError(f"max_rounds must be an integer >= 1, got {max_rounds!r}")
        self.functions: dict[str, Callable[..., Any]] = {}
        definitions = []
        for fn in tools:
            definition = ToolDefinition.from_function(fn)
            name = definition.function.name if definition.function else None
            if not name or name in self.functions:
                raise ValidationError(f"tool names must be unique, {name!r} is used twice")
            self.functions[name] = fn
            definitions.append(definition)
        messages = request.pop("messages", None) or []
        self.messages: list[Message] = [
            m if isinstance(m, Message) else converters().strict.structure(m, Message)
            for m in messages
        ]
        self.request = {**request, "tools": [*(request.get("tools") or []), *definitions]}
        self.max_rounds = max_rounds
        self.raise_errors = raise_errors
        self.rounds = 0
        self.replies: list[CompletionResponse] = []

    def next_request(self) -> dict[str, Any]:
        """The keyword arguments of the next ``complete()`` call."""
        return {**self.request, "messages": list(self.messages)}

    def record(self, reply: CompletionResponse) -> list[ToolCall]:
        """Add the model's turn; return the tool calls to run now ([] when the run is over)."""
        self.rounds += 1
        self.replies.append(reply)
        message = reply.choices[0].message if reply.choices else None
        calls = (message.tool_calls or []) if message is not None else []
        # The turn as the API takes it back: reasoning and reasoning_details included, which
        # reasoning models need (unmodified, in order) to continue after a tool call.
        self.messages.append(message.to_message() if message is not None else Message.assistant())
        if not calls or self.rounds >= self.max_rounds:
            return []
        return calls

    def prepare(self, call: ToolCall) -> tuple[Callable[..., Any] | None, Any, str | None]:
        """(function, arguments, error text) for a call; the error is reported to the model."""
        name = call.function.name if call.function else None
        fn = self.functions.get(name or "")
        if fn is None:
            return None, None, f"unknown tool {name!r}; available: {', '.join(self.functions)}"
        try:
            arguments = decode_arguments(call)
        except ToolArgumentsError as exc:
            if self.raise_errors:
                raise
            return None, None, exc.message
        if not isinstance(arguments, dict):
            return None, None, "the arguments must be a JSON object"
        return fn, arguments, None

    def failed(self, call: ToolCall, exc: BaseException) -> str:
        """The error result for a tool that raised (or re-raise it when configured to)."""
        if self.raise_errors:
            raise exc
        return f"{type(exc).__name__}: {exc}"

    def add_result(self, call: ToolCall, result: Any, error: str | None) -> None:
        """Answer ``call`` in the conversation with its result or its error."""
        content = {"error": error} if error is not None else result
        self.messages.append(Message.tool_result(call, content))

    def result(self) -> ToolRun:
        """The run's outcome."""
        prompt = sum(r.usage.prompt_tokens or 0 for r in self.replies)
        completion = sum(r.usage.completion_tokens or 0 for r in self.replies)
        costs = [r.cost for r in self.replies if r.cost is not None]
        last = self.replies[-1]
        finished = not (
            last.choices and last.choices[0].message and last.choices[0].message.tool_calls
        )
        return ToolRun(
            response=last,
            messages=self.messages,
            rounds=self.rounds,
            finished=finished,
            usage=TokenUsage(
                prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
            ),
            cost=sum(costs, Decimal(0)) if costs else None,
        )
