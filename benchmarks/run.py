"""Benchmark suite: openrouter-kit vs raw httpx vs openai-python, on one loopback server.

Starts ``benchmarks/server.py`` (pinned to core 1 with ``taskset`` when there is one; this
process pins itself to core 0), then runs the scenarios, each interleaving its contenders in
rounds (the order rotates each round). Prints a table of medians per scenario with ratios to raw
httpx and to openai-python, checks openrouter-kit's targets (PASS/FAIL), and writes every sample
and the machine to ``benchmarks/results/``.

    python benchmarks/run.py                      # everything, a few minutes
    python benchmarks/run.py --quick              # everything, smaller, about a minute
    python benchmarks/run.py --only streaming     # one scenario (or a comma-separated list)
    python benchmarks/run.py --list               # the scenarios
    python benchmarks/run.py --tls --only sweep   # over HTTPS, with a throwaway CA
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import importlib
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import harness
import targets
from scenarios import ORDER, Outcome

MODULES = {
    "imports": "scenarios.imports",
    "blocking": "scenarios.blocking",
    "async": "scenarios.concurrency",
    "sweep": "scenarios.sweep",
    "streaming": "scenarios.streaming",
    "first-chunk": "scenarios.first_chunk",
    "models": "scenarios.models",
    "memory": "scenarios.memory",
    "rss-growth": "scenarios.growth",
}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer requests and rounds: about a minute for everything",
    )
    parser.add_argument(
        "--only", metavar="SCENARIO[,SCENARIO]", help="run only these scenarios (see --list)"
    )
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--rounds", type=int, help="rounds per scenario (default: each its own)")
    parser.add_argument(
        "--chunks", type=int, help="chunks per stream in 'streaming' (default 20,000; 5,000 quick)"
    )
    parser.add_argument(
        "--contenders",
        metavar="NAME[,NAME]",
        help="run only these contenders, by their names in the tables (for a quick look)",
    )
    parser.add_argument("--no-pin", action="store_true", help="do not pin to cores 0 and 1")
    parser.add_argument(
        "--tls",
        action="store_true",
        help="serve HTTPS with a throwaway CA made now (every contender trusts it through "
        "SSL_CERT_FILE)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="the JSON report (default: benchmarks/"
        "results/latest.json, or only-<scenarios>.json with --only)",
    )
    args = parser.parse_args(argv)
    if args.list:
        for name in ORDER:
            module = importlib.import_module(MODULES[name])
            print(f"{name:12} {module.TITLE}")
        raise SystemExit(0)
    if args.only:
        wanted = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = [name for name in wanted if name not in MODULES]
        if unknown:
            parser.error(
                f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(ORDER)}"
            )
        args.scenarios = [name for name in ORDER if name in wanted]
    else:
        args.scenarios = list(ORDER)
    if args.output is None:
        name = "latest" if not args.only else "only-" + "-".join(args.scenarios)
        name += "-tls" if args.tls else ""
        args.output = harness.HERE / "results" / f"{name}.json"
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    started = time.perf_counter()
    when = datetime.datetime.now(datetime.UTC)
    tls = None
    if args.tls:
        import tlsca

        ca, cert, key = tlsca.make(Path(tempfile.mkdtemp(prefix="bench-ca-")))
        os.environ["SSL_CERT_FILE"] = str(ca)  # before any contender (or the probe) is built
        os.environ.pop("SSL_CERT_DIR", None)
        tls = (cert, key)
    server, port, pinned_server = harness.start_server(
        args.chunks or 20_000, pin=not args.no_pin, tls=tls
    )
    outcomes: dict[str, Outcome] = {}
    errors: dict[str, str] = {}
    pinned_self = False
    try:
        pinned_self = harness.pin_self(not args.no_pin)  # after starting the server
        print(
            f"server on port {port} (pid {server.pid}, "
            f"{'pinned to core 1' if pinned_server else 'not pinned'}); runner "
            f"{'pinned to core 0' if pinned_self else 'not pinned'}; "
            f"{'quick' if args.quick else 'full'} run of: {', '.join(args.scenarios)}"
            f"{' over TLS' if args.tls else ''}"
        )
        with asyncio.Runner() as loop:
            ctx = harness.Context(
                base=f"{'https' if args.tls else 'http'}://127.0.0.1:{port}/api/v1",
                quick=args.quick,
                rounds=args.rounds,
                chunks=args.chunks,
                log=print,
                loop=loop,
                contenders=args.contenders.split(",") if args.contenders else None,
            )
            try:
                for name in args.scenarios:
                    print(f"\n== {name}")
                    t0 = time.perf_counter()
                    try:
                        outcome = importlib.import_module(MODULES[name]).run(ctx)
                    except Exception as exc:  # one broken scenario does not stop the others
                        errors[name] = harness.reason(exc)
                        traceback.print_exc()
                        continue
                    outcomes[name] = outcome
                    print(f"   ({time.perf_counter() - t0:.1f} s)")
            finally:
                ctx.probe.close()
    finally:
        harness.stop_server(server)

    checks = targets.check(outcomes)
    print()
    print(report_text(outcomes, errors, checks))
    info = harness.machine(pinned_server, pinned_self)
    report = {
        "benchmark": "suite",
        "date": when.isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "quick": args.quick,
        "tls": args.tls,
        "scenarios": args.scenarios,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": info,
        "source": harness.source(),
        "targets": checks,
        "errors": errors,
        "results": {name: _jsonable(o) for name, o in outcomes.items()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=1) + "\n")
    print(f"\nwrote {args.output} in {report['seconds']} s")


def report_text(
    outcomes: dict[str, Outcome], errors: dict[str, str], checks: list[dict[str, Any]]
) -> str:
    parts = []
    for outcome in outcomes.values():
        parts.append(f"### {outcome.title}\n")
        parts.append("\n\n".join(outcome.tables))
        parts.extend(f"\n{note}" for note in outcome.notes)
        parts.append("")
    for name, error in errors.items():
        parts.append(f"### {name}: n/a ({error})\n")
    parts.append("Targets (openrouter-kit):")
    parts.append(targets.render(checks) if checks else "  (none in these scenarios)")
    return "\n".join(parts)


def _jsonable(outcome: Outcome) -> dict[str, Any]:
    return {
        "title": outcome.title,
        "summary": outcome.summary,
        "notes": outcome.notes,
        "table": "\n\n".join(outcome.tables),
        **outcome.data,
    }


if __name__ == "__main__":
    main()
