"""The ``openrouter-kit`` command: ``demo``, ``chat``, ``models`` and ``emulator``.

Uses only the public API (and the bundled emulator for ``demo``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TextIO

import openrouter_kit
from openrouter_kit import Client, CompletionResponse, ModelInfo, errors

__all__ = ["main"]

DEMO_MODEL = "openai/gpt-4o-mini"
DEMO_PROMPT = "Say hello to openrouter-kit in one sentence."


def _per_million(price: str | None) -> str:
    """A per-token price string as dollars per million tokens ("variable" for the -1 sentinel)."""
    try:
        value = Decimal(price) if price is not None else None
    except InvalidOperation:
        value = None
    if value is None:
        return "?"
    if value < 0:
        return "variable"
    return f"${value * 1_000_000:.2f}"


def _print_reply(reply: CompletionResponse, out: TextIO, latency: float) -> None:
    usage = reply.usage
    print(reply.text, file=out)
    print("-" * 60, file=out)
    print(f"model     {reply.model} (via {reply.provider or 'unknown provider'})", file=out)
    if usage is not None:
        print(
            f"tokens    {usage.prompt_tokens} prompt + {usage.completion_tokens} completion"
            f" = {usage.total_tokens}",
            file=out,
        )
    cost = reply.cost
    print(f"cost      {'unknown' if cost is None else f'${cost:.8f}'}", file=out)
    print(f"latency   {latency * 1000:.1f} ms ({reply.attempts} attempt(s))", file=out)


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    from openrouter_kit.testing import Emulator

    with Emulator() as emulator:
        print(f"emulator  {emulator.base_url} (local, no API key needed)", file=out)
        with Client(
            api_key=emulator.api_key, base_url=emulator.base_url, app_name="openrouter-kit demo"
        ) as client:
            started = time.perf_counter()
            reply = client.complete(
                model=args.model, messages=[{"role": "user", "content": args.prompt}]
            )
            _print_reply(reply, out, time.perf_counter() - started)
    return 0


def _chat(args: argparse.Namespace, out: TextIO) -> int:
    messages = []
    if args.system:
        messages.append({"role": "system", "content": args.system})
    messages.append({"role": "user", "content": args.prompt})
    params = {
        k: v
        for k, v in (("max_tokens", args.max_tokens), ("temperature", args.temperature))
        if v is not None
    }
    with Client(base_url=args.base_url) as client:
        started = time.perf_counter()
        reply = client.complete(model=args.model, messages=messages, **params)
        _print_reply(reply, out, time.perf_counter() - started)
    return 0


def _models(args: argparse.Namespace, out: TextIO) -> int:
    with Client(base_url=args.base_url) as client:
        if args.capability or args.max_price is not None:
            models: list[ModelInfo] = client.models.list_models(args.capability, args.max_price)
        else:
            models = client.list_models()
    if args.json:
        json.dump(
            [
                {
                    "id": m.id,
                    "context_length": m.context_length,
                    "prompt": m.pricing.prompt if m.pricing else None,
                    "completion": m.pricing.completion if m.pricing else None,
                }
                for m in models
            ],
            out,
            indent=2,
        )
        print(file=out)
        return 0
    width = max([len(m.id) for m in models] + [5])
    print(f"{'model':<{width}}  {'context':>9}  {'prompt/M':>10}  {'completion/M':>12}", file=out)
    for m in sorted(models, key=lambda m: m.id):
        pricing = m.pricing
        print(
            f"{m.id:<{width}}  {m.context_length or 0:>9}  "
            f"{_per_million(pricing.prompt if pricing else None):>10}  "
            f"{_per_million(pricing.completion if pricing else None):>12}",
            file=out,
        )
    print(f"{len(models)} models", file=out)
    return 0


def _emulator(args: argparse.Namespace, out: TextIO) -> int:
    from openrouter_kit.testing import serve

    serve(host="127.0.0.1", port=args.port)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="openrouter-kit", description="Call OpenRouter from the command line."
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {openrouter_kit.__version__}"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo", help="run a completion against the bundled emulator (no key needed)"
    )
    demo.add_argument("--model", default=DEMO_MODEL)
    demo.add_argument("--prompt", default=DEMO_PROMPT)
    demo.set_defaults(run=_demo)

    chat = commands.add_parser("chat", help="ask a model (key from OPENROUTER_API_KEY)")
    chat.add_argument("prompt")
    chat.add_argument("--model", default=DEMO_MODEL)
    chat.add_argument("--system", help="a system message")
    chat.add_argument("--max-tokens", type=int)
    chat.add_argument("--temperature", type=float)
    chat.add_argument("--base-url", help="API root (default: OPENROUTER_BASE_URL or openrouter.ai)")
    chat.set_defaults(run=_chat)

    models = commands.add_parser("models", help="list models with context length and prices")
    models.add_argument(
        "--capability", help="only models with this capability (e.g. vision, tools)"
    )
    models.add_argument(
        "--max-price", type=float, help="only models at most this USD per prompt token"
    )
    models.add_argument("--json", action="store_true", help="print JSON instead of a table")
    models.add_argument(
        "--base-url", help="API root (default: OPENROUTER_BASE_URL or openrouter.ai)"
    )
    models.set_defaults(run=_models)

    emulator = commands.add_parser("emulator", help="serve the local emulator until Ctrl-C")
    emulator.add_argument("--port", type=int, default=8765)
    emulator.set_defaults(run=_emulator)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 API or network error, 2 bad usage)."""
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args, out or sys.stdout))
    except (errors.ConfigurationError, errors.ValidationError) as exc:
        print(f"openrouter-kit: {exc}", file=sys.stderr)
        return 2
    except errors.OpenRouterError as exc:
        print(f"openrouter-kit: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
