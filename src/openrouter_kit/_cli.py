"""The ``openrouter-kit`` command: ``chat``, ``models``, ``key``, ``cost``, ``demo``, ``emulator``.

Uses only the public API, plus the bundled emulator for ``demo`` and ``emulator`` (imported only
when those commands run, so ``--help`` stays fast), key masking (``_core.redact``), money
formatting (``_core.money``) and the capability names (``_core.registry.CAPABILITIES``: the
package has no public list of them). Every failure ends as one line on stderr and the exit status
of its family: ``EXIT_CODES`` says what each status means, and ``_EXPLAIN`` which error gets
which status and line.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from enum import IntEnum
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import httpx

from openrouter_kit import Client, RouteVariant, VariablePrice, __version__, apply_variant, errors
from openrouter_kit._core.money import plain, to_money
from openrouter_kit._core.redact import redact
from openrouter_kit._core.registry import CAPABILITIES

if TYPE_CHECKING:
    from openrouter_kit import CompletionResponse

__all__ = ["EXIT_CODES", "Exit", "main"]

PROG = "openrouter-kit"
DEMO_MODEL = "openai/gpt-4o-mini"
DEMO_PROMPT = "Say hello to openrouter-kit in one sentence."
KEYS_URL = "https://openrouter.ai/keys"
CREDITS_URL = "https://openrouter.ai/settings/credits"
_RULE = "-" * 60
_MAX_DETAIL = 300
#: What ``models`` without OPENROUTER_API_KEY puts in the client's key slot. It is never sent: the
#: client's HTTP pool drops the Authorization header (OpenRouter's model list is public).
_NO_KEY = "no-key-sent"
#: The table shows prices per million tokens (and ``models --max-price`` takes them so); the API's
#: unit is per token.
_PER_MILLION = Decimal(1_000_000)

T = TypeVar("T")


class Exit(IntEnum):
    """The exit statuses of ``openrouter-kit``, one per failure family."""

    OK = 0
    API_ERROR = 1
    USAGE = 2
    AUTH = 3
    CREDITS = 4
    RATE_LIMITED = 5
    NETWORK = 6
    NOT_FOUND = 7
    CONTENT_POLICY = 8
    INTERRUPTED = 130
    BROKEN_PIPE = 141


#: What each exit status means: the one list, shown by ``openrouter-kit --help`` and written into
#: ``main``'s docstring.
EXIT_CODES: tuple[tuple[Exit, str], ...] = (
    (Exit.OK, "success"),
    (Exit.API_ERROR, "other API error (bad request, server or stream error)"),
    (Exit.USAGE, "usage or configuration error (bad option, no prompt, no API key)"),
    (Exit.AUTH, "authentication: the key was refused or lacks permission"),
    (Exit.CREDITS, "credits or budget exhausted"),
    (Exit.RATE_LIMITED, "rate limited"),
    (Exit.NETWORK, "network failure or timeout"),
    (Exit.NOT_FOUND, "not found: unknown model or generation id"),
    (Exit.CONTENT_POLICY, "the input was flagged by moderation"),
    (Exit.INTERRUPTED, "interrupted (Ctrl-C); the emulator command stops with 0"),
    (Exit.BROKEN_PIPE, "the output pipe was closed (e.g. | head)"),
)


class CLIError(Exception):
    """A failure the command line reports as one line with an exit status."""

    def __init__(self, message: str, code: Exit) -> None:
        super().__init__(message)
        self.code = code


class _Context:
    """The streams a command writes to, and what the error report needs to know."""

    __slots__ = ("base_url", "err", "mid_line", "out")

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self.out = out
        self.err = err
        self.base_url: str | None = None
        self.mid_line = False  # True while a streamed answer has not ended its line

    def piece(self, text: str) -> None:
        """Write a piece of streamed text now (flushed, so it shows as it arrives)."""
        self.out.write(text)
        self.out.flush()
        self.mid_line = not text.endswith("\n")

    def end_line(self) -> None:
        """End a streamed answer's last line, if it has not ended yet."""
        if self.mid_line:
            self.mid_line = False
            self.out.write("\n")
            self.out.flush()


# -- formatting ----------------------------------------------------------------------------------


def _decimal(value: object) -> Decimal | None:
    """An amount of money or a price as an exact Decimal (floats through their repr), or None
    for None, a variable price and anything that is not a finite number. Every amount the
    command line shows or prints as JSON goes through here."""
    try:
        return to_money(value)
    except (TypeError, ValueError):
        return None


def _money_json(value: object) -> str | None:
    """Money for ``--json``: a plain decimal string in USD (``"0.0000147"``), or null."""
    amount = _decimal(value)
    return None if amount is None else plain(amount)


def _price_json(value: object) -> str | None:
    """A per-token price for ``--json``: a decimal string, or null when unknown or variable."""
    amount = _decimal(value)
    return None if amount is None or amount < 0 else plain(amount)


def _money(value: object, *, exact: bool = False) -> str:
    """USD with 8 decimals (``exact``), or with 2 to 8 decimals as needed."""
    amount = _decimal(value)
    if amount is None:
        return "unknown"
    text = f"{amount:.8f}"
    if not exact:
        whole, _, decimals = text.partition(".")
        text = f"{whole}.{decimals.rstrip('0').ljust(2, '0')}"
    return f"-${text[1:]}" if text.startswith("-") else f"${text}"


def _per_million(price: object) -> str:
    """A per-token price as dollars per million tokens ("variable" for a variable price)."""
    if price is None:
        return "?"
    amount = _decimal(price)
    if amount is None:  # a VariablePrice, or a string that is not a number
        return "?" if isinstance(price, str) else "variable"
    if amount < 0:  # the wire's "-1"
        return "variable"
    text = f"{amount * _PER_MILLION:.4f}".rstrip("0")
    whole, _, decimals = text.partition(".")
    return f"${whole}.{decimals.ljust(2, '0')}"


def _json_money(value: object) -> str | None:
    """Money left in JSON output: a Decimal as its plain decimal string, a variable price as
    null (as ``_price_json``)."""
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, VariablePrice):
        return None
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _ms(seconds: float | None) -> str:
    return "?" if seconds is None else f"{seconds * 1000:.1f} ms"


def _dump_json(data: Any, out: TextIO) -> None:
    import json  # noqa: PLC0415 - lazy: only --json output uses it

    json.dump(data, out, indent=2, ensure_ascii=False, default=_json_money)
    out.write("\n")


def _one_line(text: str) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= _MAX_DETAIL else line[: _MAX_DETAIL - 3] + "..."


# -- the client ----------------------------------------------------------------------------------


def _has_key() -> bool:
    return bool(os.environ.get("OPENROUTER_API_KEY", "").strip())


@contextlib.contextmanager
def _connect(args: argparse.Namespace, ctx: _Context, *, public: bool = False) -> Iterator[Client]:
    """A client from the environment and ``--base-url``; a missing key is a usage error.

    ``public`` (the model list, which OpenRouter serves to anyone): without a key, the client
    sends no Authorization header at all. Its HTTP pool drops the header, so the client's own
    key rules stay as they are for everything else.
    """
    if _has_key():
        with Client(base_url=args.base_url, app_name=PROG) as client:
            ctx.base_url = client.base_url
            yield client
        return
    if not public:
        raise CLIError(f"no API key: set OPENROUTER_API_KEY ({KEYS_URL})", Exit.USAGE)

    def drop_key(request: httpx.Request) -> None:
        request.headers.pop("Authorization", None)

    with (
        httpx.Client(event_hooks={"request": [drop_key]}) as http,
        Client(api_key=_NO_KEY, base_url=args.base_url, app_name=PROG, http_client=http) as client,
    ):
        ctx.base_url = client.base_url
        try:
            yield client
        except errors.AuthenticationError as exc:
            raise CLIError(
                f"{client.base_url} wants an API key for this: set OPENROUTER_API_KEY "
                f"({KEYS_URL}) ({_one_line(str(exc))})",
                Exit.AUTH,
            ) from exc


# -- chat and demo -------------------------------------------------------------------------------


def _summary(reply: CompletionResponse, out: TextIO) -> None:
    """The footer under an answer: model, provider, id, tokens, cost and timings."""
    print(_RULE, file=out)
    print(f"model     {reply.model} (via {reply.provider or 'unknown provider'})", file=out)
    if reply.id:
        print(f"id        {reply.id}", file=out)
    usage = reply.usage
    if usage is not None:
        print(
            f"tokens    {usage.prompt_tokens} prompt + {usage.completion_tokens} completion"
            f" = {usage.total_tokens}",
            file=out,
        )
    estimate = " (estimate)" if reply.cost_is_estimate else ""
    print(f"cost      {_money(reply.cost, exact=True)}{estimate}", file=out)
    attempts = reply.attempts or 1
    latency = f"latency   {_ms(reply.latency)} ({attempts} attempt{'s' if attempts != 1 else ''})"
    if reply.time_to_first_token is not None:
        latency += f", first token after {_ms(reply.time_to_first_token)}"
    print(latency, file=out)
    finish = reply.choices[0].finish_reason if reply.choices else None
    if finish == "length":
        print("finish    length: the answer was cut short (raise --max-tokens)", file=out)
    elif finish not in (None, "stop", "tool_calls"):
        print(f"finish    {finish}", file=out)


def _reply_json(reply: CompletionResponse) -> dict[str, Any]:
    usage = reply.usage
    return {
        "text": reply.text,
        "model": reply.model,
        "provider": reply.provider,
        "id": reply.id,
        "finish_reason": reply.choices[0].finish_reason if reply.choices else None,
        "usage": {
            "prompt_tokens": usage.prompt_tokens if usage else None,
            "completion_tokens": usage.completion_tokens if usage else None,
            "total_tokens": usage.total_tokens if usage else None,
        },
        "cost": _money_json(reply.cost),
        "cost_is_estimate": reply.cost_is_estimate,
        "latency": reply.latency,
        "time_to_first_token": reply.time_to_first_token,
        "attempts": reply.attempts,
    }


def _converse(
    client: Client,
    ctx: _Context,
    params: dict[str, Any],
    *,
    as_json: bool = False,
    footer: TextIO | None = None,
) -> None:
    """Stream one answer to ``ctx.out`` piece by piece, then the footer (or JSON only)."""
    with client.stream(**params) as stream:
        for text in stream.text_stream:
            if not as_json:
                ctx.piece(text)
        reply = stream.final_response()
    if as_json:
        _dump_json(_reply_json(reply), ctx.out)
        return
    ctx.end_line()
    _summary(reply, footer or ctx.out)


def _prompt(args: argparse.Namespace) -> str:
    """The prompt argument, or stdin when it is omitted or ``-``."""
    prompt: str | None = args.prompt
    if prompt is None or prompt == "-":
        stdin = sys.stdin
        if stdin is None or (prompt is None and stdin.isatty()):
            raise CLIError(
                "no prompt: give it as an argument or pipe it on stdin "
                f"(e.g. echo 'Hi' | {PROG} chat)",
                Exit.USAGE,
            )
        prompt = stdin.read().strip()
    if not prompt.strip():
        raise CLIError("the prompt is empty: say something to the model", Exit.USAGE)
    return prompt


def _chat(args: argparse.Namespace, ctx: _Context) -> int:
    prompt = _prompt(args)
    model = apply_variant(args.model, args.variant) if args.variant else args.model
    messages = []
    if args.system:
        messages.append({"role": "system", "content": args.system})
    messages.append({"role": "user", "content": prompt})
    params: dict[str, Any] = {"model": model, "messages": messages}
    if args.max_tokens is not None:
        params["max_tokens"] = args.max_tokens
    if args.temperature is not None:
        params["temperature"] = args.temperature
    with _connect(args, ctx) as client:
        try:
            _converse(client, ctx, params, as_json=args.json, footer=ctx.err)
        except errors.ModelNotFoundError as exc:
            look = f"list the models with `{PROG} models --search TEXT`"
            raise _unknown_model(client, model, exc, look) from exc
    return Exit.OK


def _unknown_model(
    client: Client, model_id: str, exc: errors.ModelNotFoundError, look: str
) -> CLIError:
    """The "model not found" line, with the closest ids when the model list can be had."""
    detail = _one_line(str(exc))
    try:
        client.models.get_model(model_id)
    except errors.ModelNotFoundError as unknown:
        if unknown.status_code is None:  # the registry's verdict, with its "did you mean"
            detail = f"{_one_line(str(unknown))} ({detail})"
    except errors.OpenRouterError:
        pass  # no model list to compare with: the server's words alone
    return CLIError(f"model not found: {detail}; {look}", Exit.NOT_FOUND)


def _demo(args: argparse.Namespace, ctx: _Context) -> int:
    from openrouter_kit.testing import Emulator  # noqa: PLC0415 - lazy: the emulator loads only for demo

    with Emulator() as emulator:
        print(f"emulator  {emulator.base_url} (local, no API key needed)", file=ctx.out)
        ctx.base_url = emulator.base_url
        with Client(
            api_key=emulator.api_key, base_url=emulator.base_url, app_name=f"{PROG} demo"
        ) as client:
            params = {"model": args.model, "messages": [{"role": "user", "content": args.prompt}]}
            try:
                _converse(client, ctx, params)
            except errors.ModelNotFoundError as exc:
                # `models` would ask the real API: name what this emulator serves instead
                served = ", ".join(sorted(m["id"] for m in emulator.models))
                look = f"the demo's emulator serves {served}"
                raise _unknown_model(client, args.model, exc, look) from exc
    return Exit.OK


# -- models, key, cost ---------------------------------------------------------------------------


def _models(args: argparse.Namespace, ctx: _Context) -> int:
    per_token = None
    if args.max_price is not None:  # the table's unit, USD per million tokens, to the API's
        per_token = format(args.max_price.scaleb(-6), "f")
    with _connect(args, ctx, public=True) as client:
        models = client.models.list_models(args.capability, per_token)
    if args.search:
        needle = args.search.casefold()
        models = [m for m in models if needle in f"{m.id}\n{m.name or ''}".casefold()]
    models = sorted(models, key=lambda m: m.id)
    out = ctx.out
    if args.json:
        _dump_json(
            [
                {
                    "id": m.id,
                    "name": m.name,
                    "context_length": m.context_length,
                    "prompt": _price_json(m.pricing.prompt if m.pricing else None),
                    "completion": _price_json(m.pricing.completion if m.pricing else None),
                    "capabilities": m.capabilities,
                }
                for m in models
            ],
            out,
        )
        return Exit.OK
    width = max([len(m.id) for m in models] + [5])
    header = f"{'model':<{width}}  {'context':>9}  {'prompt/M':>10}  {'completion/M':>12}"
    print(f"{header}  capabilities", file=out)
    for m in models:
        pricing = m.pricing
        context = str(m.context_length) if m.context_length else "?"
        print(
            f"{m.id:<{width}}  {context:>9}  "
            f"{_per_million(pricing.prompt if pricing else None):>10}  "
            f"{_per_million(pricing.completion if pricing else None):>12}  "
            f"{','.join(m.capabilities) or '-'}",
            file=out,
        )
    print(f"{len(models)} model{'s' if len(models) != 1 else ''}", file=out)
    return Exit.OK


def _key(args: argparse.Namespace, ctx: _Context) -> int:
    with _connect(args, ctx) as client:
        info = client.key_info()
    unlimited = info.limit is None
    if args.json:
        _dump_json(
            {
                "label": info.label,
                "unlimited": unlimited,
                "limit": _money_json(info.limit),
                "limit_remaining": _money_json(info.limit_remaining),
                "limit_reset": info.limit_reset,
                "usage": _money_json(info.usage),
                "usage_daily": _money_json(info.usage_daily),
                "usage_weekly": _money_json(info.usage_weekly),
                "usage_monthly": _money_json(info.usage_monthly),
                "byok_usage": _money_json(info.byok_usage),
                "is_free_tier": info.is_free_tier,
                "is_management_key": info.is_management_key,
                "expires_at": info.expires_at,
            },
            ctx.out,
        )
        return Exit.OK
    out = ctx.out
    limit = "unlimited" if unlimited else _money(info.limit)
    if not unlimited and info.limit_reset:
        limit += f" (resets {info.limit_reset})"
    print(f"key        {info.label or 'unknown'}", file=out)
    print(f"limit      {limit}", file=out)
    periods = [
        f"{name} {_money(value)}"
        for name, value in (
            ("today", info.usage_daily),
            ("this week", info.usage_weekly),
            ("this month", info.usage_monthly),
        )
        if value is not None
    ]
    detail = f" ({', '.join(periods)})" if periods else ""
    print(f"usage      {_money(info.usage)}{detail}", file=out)
    print(f"remaining  {'unlimited' if unlimited else _money(info.limit_remaining)}", file=out)
    if info.is_free_tier:
        print("tier       free (never bought credits: lower rate limits)", file=out)
    if info.expires_at:
        print(f"expires    {info.expires_at}", file=out)
    return Exit.OK


def _cost(args: argparse.Namespace, ctx: _Context) -> int:
    generation_id = args.generation_id.strip()
    if not generation_id:
        raise CLIError("the generation id is empty: pass the id of a completion", Exit.USAGE)
    with _connect(args, ctx) as client:
        try:
            stats = client.generation(generation_id)
        except errors.ModelNotFoundError as exc:
            raise CLIError(
                f"no generation {generation_id[:80]!r}: check the id (stats can take a few "
                f"seconds to appear after a request) ({_one_line(str(exc))})",
                Exit.NOT_FOUND,
            ) from exc
    prompt = stats.native_tokens_prompt
    completion = stats.native_tokens_completion
    if prompt is None and completion is None:
        prompt, completion = stats.tokens_prompt, stats.tokens_completion
    if args.json:
        _dump_json(
            {
                "id": stats.id,
                "model": stats.model,
                "provider": stats.provider_name,
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "reasoning_tokens": stats.native_tokens_reasoning,
                "cached_tokens": stats.native_tokens_cached,
                "total_cost": _money_json(stats.total_cost),
                "cache_discount": _money_json(stats.cache_discount),
                "latency_ms": stats.latency,
                "generation_time_ms": stats.generation_time,
                "finish_reason": stats.finish_reason,
                "streamed": stats.streamed,
                "cancelled": stats.cancelled,
                "created_at": stats.created_at,
            },
            ctx.out,
        )
        return Exit.OK
    out = ctx.out
    print(f"generation  {stats.id or generation_id}", file=out)
    print(f"model       {stats.model} (via {stats.provider_name or 'unknown provider'})", file=out)
    if prompt is not None or completion is not None:
        tokens = (
            f"tokens      {prompt or 0} prompt + {completion or 0} completion"
            f" = {(prompt or 0) + (completion or 0)}"
        )
        extras = [
            f"{count} {name}"
            for name, count in (
                ("reasoning", stats.native_tokens_reasoning),
                ("cached", stats.native_tokens_cached),
            )
            if count
        ]
        print(tokens + (f" ({', '.join(extras)})" if extras else ""), file=out)
    discount = f" (cache discount {_money(stats.cache_discount)})" if stats.cache_discount else ""
    print(f"cost        {_money(stats.total_cost, exact=True)}{discount}", file=out)
    if stats.latency is not None:
        generation = stats.generation_time
        timing = f", generating {generation:.1f} ms" if generation is not None else ""
        print(f"latency     {stats.latency:.1f} ms{timing}", file=out)
    finish = stats.finish_reason or ("cancelled" if stats.cancelled else None)
    if finish:
        print(f"finish      {finish}{' (streamed)' if stats.streamed else ''}", file=out)
    if stats.created_at:
        print(f"created     {stats.created_at}", file=out)
    return Exit.OK


def _emulator(args: argparse.Namespace, ctx: _Context) -> int:
    from openrouter_kit.testing import serve  # noqa: PLC0415 - lazy: the emulator loads only for its command

    try:
        serve(host="127.0.0.1", port=args.port)
    except OSError as exc:
        raise CLIError(
            f"cannot start the emulator on port {args.port}: {exc.strerror or exc}; "
            "pick another --port",
            Exit.USAGE,
        ) from exc
    return Exit.OK


# -- errors --------------------------------------------------------------------------------------


#: How each error family is reported: its exit status, and the line that says what failed and
#: what to do. The fields are ``detail`` (the error's text on one line), ``where`` (the API root),
#: ``name`` (the error's class), ``reasons`` (why moderation flagged the input) and ``when`` (how
#: long a rate limit asks to wait). ``_explain`` takes the entry of the first class in the error's
#: MRO that has one, so the most specific entry wins and the order of the rows does not matter.
_EXPLAIN: dict[type[errors.OpenRouterError], tuple[Exit, str]] = {
    errors.ConfigurationError: (Exit.USAGE, "configuration error: {detail}"),
    errors.ValidationError: (Exit.USAGE, "invalid request: {detail}"),
    errors.AuthenticationError: (
        Exit.AUTH,
        "the API key was refused: check OPENROUTER_API_KEY ({detail})",
    ),
    errors.PermissionDeniedError: (
        Exit.AUTH,
        "the API key may not do this: check the key's permissions and guardrails ({detail})",
    ),
    errors.ContentPolicyError: (
        Exit.CONTENT_POLICY,
        "the input was flagged by moderation{reasons}: rephrase it or pick another --model "
        "({detail})",
    ),
    errors.InsufficientCreditsError: (
        Exit.CREDITS,
        f"not enough credits: add credits at {CREDITS_URL} ({{detail}})",
    ),
    errors.BudgetExceededError: (
        Exit.CREDITS,
        "the budget would be exceeded: raise the budget ({detail})",
    ),
    errors.RateLimitError: (Exit.RATE_LIMITED, "rate limited: {when} ({detail})"),
    errors.RequestTimeoutError: (
        Exit.NETWORK,
        "the request to {where} timed out: retry later ({detail})",
    ),
    errors.APIConnectionError: (
        Exit.NETWORK,
        "cannot reach {where}: {detail}; check the network connection and --base-url",
    ),
    errors.ModelNotFoundError: (
        Exit.NOT_FOUND,
        f"model not found: {{detail}}; list the models with `{PROG} models --search TEXT`",
    ),
    errors.ServerError: (
        Exit.API_ERROR,
        "OpenRouter could not answer: retry later or pick another --model ({detail})",
    ),
    errors.StreamError: (Exit.API_ERROR, "the answer broke off: retry ({detail})"),
    errors.BadRequestError: (Exit.API_ERROR, "the request was refused: {detail}"),
    errors.OpenRouterError: (Exit.API_ERROR, "{name}: {detail}"),
}


def _explain(exc: errors.OpenRouterError, ctx: _Context) -> tuple[str, Exit]:
    """One line saying what failed and what to do, and the exit status of its family."""
    code, line = next(_EXPLAIN[cls] for cls in type(exc).__mro__ if cls in _EXPLAIN)
    wait = getattr(exc, "retry_after", None)
    reasons = getattr(exc, "reasons", None)
    message = line.format(
        detail=_one_line(str(exc)),
        where=ctx.base_url or "the API",
        name=type(exc).__name__,
        reasons=f" for {', '.join(reasons)}" if reasons else "",
        when=f"retry in {wait:g} s" if wait is not None else "wait a moment and retry",
    )
    return message, code


def _report(ctx: _Context, message: str) -> None:
    """Print ``message`` as one line on stderr, with the API key (and anything shaped like a key)
    masked."""
    message = redact(message, os.environ.get("OPENROUTER_API_KEY", "").strip())
    with contextlib.suppress(OSError, ValueError):
        print(f"{PROG}: {message}", file=ctx.err, flush=True)


def _silence_stdout(out: TextIO) -> None:
    """After a broken pipe on stdout, point it at /dev/null so the exit flush stays quiet."""
    if out is not sys.__stdout__ and out is not sys.stdout:
        return
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
        os.close(devnull)


# -- the parser ----------------------------------------------------------------------------------

_HelpFormatter = argparse.RawDescriptionHelpFormatter


def _exit_table() -> str:
    return "\n".join(f"  {code.value:>3}  {meaning}" for code, meaning in EXIT_CODES)


_MAIN_EPILOG = f"""\
examples:
  {PROG} demo                                 try it: no key needed
  {PROG} chat "What is OpenRouter?"
  {PROG} chat --model anthropic/claude-sonnet-4 --variant nitro "Hi"
  git diff | {PROG} chat --system "Review this diff"
  {PROG} models --capability vision --max-price 1
  {PROG} --base-url http://127.0.0.1:8765/api/v1 models
  {PROG} key
  {PROG} cost gen-1234567890-abcdef

environment:
  OPENROUTER_API_KEY   the API key ({KEYS_URL})
  OPENROUTER_BASE_URL  the API root (default https://openrouter.ai/api/v1)
  OPENROUTER_LOG       debug or info: log requests, retries and errors to stderr

exit status:
{_exit_table()}
"""


def _argument(
    convert: Callable[[str], T], not_a: str, fits: Callable[[T], bool], must: str
) -> Callable[[str], T]:
    """An argparse ``type``: the text as ``convert`` reads it, refused with ``not_a`` when it
    cannot be read and with ``must`` (formatted with ``text`` and ``value``) when it does not
    ``fits``."""

    def parse(text: str) -> T:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{not_a}: {text!r}") from None
        if not fits(value):
            raise argparse.ArgumentTypeError(must.format(text=text, value=value))
        return value

    return parse


#: ``--max-price``: a non-negative USD amount per million prompt tokens, exact.
_price = _argument(
    to_money, "not a number", lambda v: v >= 0, "must be a USD amount >= 0, got {text!r}"
)
#: ``--max-tokens``: an integer >= 1.
_positive_int = _argument(
    int, "not an integer", lambda v: v >= 1, "must be at least 1, got {value}"
)
#: ``--port``: a TCP port, 0 to 65535 (0 picks a free one).
_port = _argument(
    int, "not a port number", lambda v: 0 <= v <= 65535, "must be 0-65535, got {value}"
)


_BASE_URL_HELP = "API root (default: OPENROUTER_BASE_URL, else https://openrouter.ai/api/v1)"


def _parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The argument parser of the ``openrouter-kit`` command, and its subcommands' by name."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Call OpenRouter from the command line: chat, models, key usage, costs.",
        epilog=_MAIN_EPILOG,
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    # A global option, accepted before the command too (`openrouter-kit --base-url URL chat`).
    parser.add_argument("--base-url", metavar="URL", help=_BASE_URL_HELP)
    commands = parser.add_subparsers(
        title="commands", dest="command", required=True, metavar="COMMAND"
    )
    by_name: dict[str, argparse.ArgumentParser] = {}

    api = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: when given only before the command, the command's parser must not reset it.
    api.add_argument("--base-url", metavar="URL", default=argparse.SUPPRESS, help=_BASE_URL_HELP)

    def command(
        name: str,
        run: Callable[[argparse.Namespace, _Context], int],
        summary: str,
        examples: str,
        parents: Sequence[argparse.ArgumentParser] = (),
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=summary,
            description=summary[0].upper() + summary[1:] + ".",
            epilog=f"examples:\n{examples.rstrip()}",
            formatter_class=_HelpFormatter,
            parents=list(parents),
        )
        sub.set_defaults(run=run, takes_base_url=bool(parents))
        by_name[name] = sub
        return sub

    variants = [v.value for v in RouteVariant if v.value]
    chat = command(
        "chat",
        _chat,
        "ask a model and stream its answer (key from OPENROUTER_API_KEY)",
        f"""\
  {PROG} chat "Explain SSE in one paragraph"
  {PROG} chat --model meta-llama/llama-3.1-8b-instruct --variant free "Hi"
  cat notes.txt | {PROG} chat --system "Summarise this" --max-tokens 200
  {PROG} chat --json "Hi" | jq .cost

The answer goes to stdout as it arrives; the summary (model, provider, generation id, tokens,
cost, latency, time to first token) goes to stderr. --json prints one object instead, with
text, model, provider, id, finish_reason, usage, cost, cost_is_estimate, latency and
time_to_first_token (seconds) and attempts; cost is a decimal string in USD ("0.0000147").""",
        [api],
    )
    chat.add_argument(
        "prompt",
        nargs="?",
        metavar="PROMPT",
        help="what to ask; read from stdin when omitted or '-'",
    )
    chat.add_argument("--model", default=DEMO_MODEL, help=f"the model id (default: {DEMO_MODEL})")
    chat.add_argument(
        "--variant",
        choices=variants,
        metavar="VARIANT",
        help=f"a routing variant added to the model id: {', '.join(variants)}",
    )
    chat.add_argument("--system", metavar="TEXT", help="a system message sent before the prompt")
    chat.add_argument("--temperature", type=float, metavar="T", help="sampling temperature")
    chat.add_argument(
        "--max-tokens", type=_positive_int, metavar="N", help="the most tokens to answer with"
    )
    chat.add_argument(
        "--json", action="store_true", help="print one JSON object instead of streaming text"
    )

    models = command(
        "models",
        _models,
        "list models with context length, prices per million tokens and capabilities",
        f"""\
  {PROG} models --search claude
  {PROG} models --capability tools --max-price 0.5
  {PROG} models --capability free --json | jq '.[].id'

No API key is needed: OpenRouter's model list is public (without OPENROUTER_API_KEY, no key is
sent). Prices in the table and --max-price are USD per million tokens; --json gives the API's
prices, USD per token, as decimal strings (null for a variable price, like openrouter/auto's).
Capabilities are derived from the model list as openrouter_kit.ModelRegistry does:
{", ".join(CAPABILITIES)}.""",
        [api],
    )
    models.add_argument(
        "--capability",
        choices=list(CAPABILITIES),
        metavar="NAME",
        help=f"only models with this capability: {', '.join(CAPABILITIES)}",
    )
    models.add_argument(
        "--max-price",
        type=_price,
        metavar="USD",
        help="only models whose prompt price is at most USD per million tokens, the unit of the "
        "table's prompt/M column (0.5 keeps models at $0.50/M or less; a variable price never "
        "passes)",
    )
    models.add_argument(
        "--search", metavar="TEXT", help="only models whose id or name contains TEXT (any case)"
    )
    models.add_argument("--json", action="store_true", help="print JSON instead of a table")

    key = command(
        "key",
        _key,
        "show the API key's label, spending limit, usage and what is left",
        f"""\
  {PROG} key
  {PROG} key --json | jq .limit_remaining

--json gives every amount as a decimal string in USD ("2.5"), or null.""",
        [api],
    )
    key.add_argument("--json", action="store_true", help="print JSON instead of text")

    cost = command(
        "cost",
        _cost,
        "show what a finished generation cost: model, provider, tokens, USD, latency",
        f"""\
  {PROG} cost gen-1234567890-abcdef
  {PROG} cost "$({PROG} chat --json Hi | jq -r .id)" --json

The generation id is the "id" of a completion (printed by `{PROG} chat`). Stats can take a
few seconds to appear after the request. --json gives total_cost and cache_discount as decimal
strings in USD ("0.0000147"), or null.""",
        [api],
    )
    cost.add_argument("generation_id", metavar="GENERATION_ID", help="the id of a completion")
    cost.add_argument("--json", action="store_true", help="print JSON instead of text")

    demo = command(
        "demo",
        _demo,
        "stream a completion from the bundled emulator (no key needed)",
        f"""\
  {PROG} demo
  {PROG} demo --prompt "Tell me a joke" """,
    )
    demo.add_argument("--model", default=DEMO_MODEL, help=f"the model id (default: {DEMO_MODEL})")
    demo.add_argument("--prompt", default=DEMO_PROMPT, help="what to ask")

    emulator = command(
        "emulator",
        _emulator,
        "serve the local OpenRouter emulator until Ctrl-C (any key is accepted)",
        f"""\
  {PROG} emulator --port 8765
  OPENROUTER_API_KEY=test {PROG} chat --base-url http://127.0.0.1:8765/api/v1 "Hi" """,
    )
    emulator.add_argument(
        "--port", type=_port, default=8765, help="TCP port on 127.0.0.1 (default: 8765)"
    )
    return parser, by_name


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The parsed command line; a usage error is reported under the command's own usage."""
    parser, commands = _parser()
    args, unknown = parser.parse_known_args(argv)
    command = commands[args.command]
    if unknown:  # argparse would report these under the top-level usage
        command.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.base_url is not None and not args.takes_base_url:
        command.error(f"--base-url does not apply to {args.command}: it serves its own emulator")
    return args


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the ``openrouter-kit`` command line and return its exit status.

    ``argv`` defaults to ``sys.argv[1:]``; output goes to ``out`` (default stdout), help and
    argparse usage errors too, and error lines and the chat summary to ``err`` (default stderr).
    Every failure is one line on ``err``, never a traceback, never the API key.

    Exit statuses (written in from ``EXIT_CODES`` below this line):
    """
    ctx = _Context(out or sys.stdout, err or sys.stderr)
    try:
        with contextlib.redirect_stdout(ctx.out), contextlib.redirect_stderr(ctx.err):
            args = _parse(argv)
    except SystemExit as exc:  # --help, --version, or a usage error argparse has printed
        return exc.code if isinstance(exc.code, int) else Exit.USAGE
    try:
        status = int(args.run(args, ctx))
        ctx.out.flush()
        return status
    except KeyboardInterrupt:
        with contextlib.suppress(OSError, ValueError):
            ctx.end_line()
        _report(ctx, "interrupted")
        return Exit.INTERRUPTED
    except BrokenPipeError:
        _silence_stdout(ctx.out)
        return Exit.BROKEN_PIPE
    except CLIError as exc:
        message, code = str(exc), exc.code
    except errors.OpenRouterError as exc:
        message, code = _explain(exc, ctx)
    except Exception as exc:  # a bug: still one line, no traceback (it could show the key)
        message = f"unexpected error: {type(exc).__name__}: {_one_line(str(exc))}"
        code = Exit.API_ERROR
    with contextlib.suppress(OSError, ValueError):
        ctx.end_line()
    _report(ctx, message)
    return code


if main.__doc__:  # None under python -OO
    main.__doc__ += "".join(
        f"\n    - {code.value}: {meaning.replace('| head', '``| head``')}"
        for code, meaning in EXIT_CODES
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
