"""One process of a fleet, for ``test_fleet.py``: run as ``python -m tests.redis.fleet_worker
<mode> <json settings>``; prints one JSON line of what happened (or, for ``stream``, a line when
the stream is under way, then nothing: it is killed)."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from openrouter_kit import Client, RedisStore, errors

MODEL = "openai/gpt-4o-mini"
QUESTION = [{"role": "user", "content": "Name one lighthouse."}]


def client(settings: dict[str, Any], **options: Any) -> tuple[Client, RedisStore]:
    store = RedisStore.from_url(settings["redis"], namespace=settings["namespace"])
    if "hold_ttl" in settings:
        store.hold_ttl = settings["hold_ttl"]
    made = Client(api_key=settings["key"], base_url=settings["base_url"], store=store, **options)
    return made, store


def budget(settings: dict[str, Any]) -> dict[str, Any]:
    """``calls`` calls against the shared budget: how many answered, were refused, failed."""
    made, store = client(settings, budget=settings["budget"], max_retries=2)
    counts: dict[str, Any] = {"ok": 0, "refused": 0, "failed": 0, "errors": {}}
    with made:
        for _ in range(settings["calls"]):
            try:
                made.complete(model=MODEL, messages=QUESTION, max_tokens=16)
                counts["ok"] += 1
            except errors.BudgetExceededError:
                counts["refused"] += 1
            except errors.OpenRouterError as exc:
                counts["failed"] += 1
                kind = type(exc).__name__
                counts["errors"][kind] = counts["errors"].get(kind, 0) + 1
    store.close()
    return counts


def stream(settings: dict[str, Any]) -> None:
    """Start a slow stream, say so, and read it until killed."""
    made, _ = client(settings, budget=settings["budget"])
    with made.stream(model=MODEL, messages=QUESTION, max_tokens=200) as chunks:
        for _ in chunks:
            print("STREAMING", flush=True)
            break
        for _ in chunks:
            pass


def breaker(settings: dict[str, Any]) -> list[tuple[float, float, str]]:
    """Call the failing model until ``until`` (wall clock): each call's start, end, outcome."""
    made, store = client(
        settings, breaker_threshold=3, breaker_recovery=settings["recovery"], max_retries=0
    )
    seen: list[tuple[float, float, str]] = []
    time.sleep(max(settings["start"] - time.time(), 0))
    with made:
        while time.time() < settings["until"]:
            start = time.time()
            try:
                made.complete(model=settings["model"], messages=QUESTION, max_tokens=16)
                outcome = "ok"
            except errors.CircuitOpenError:
                outcome = "open"
            except errors.OpenRouterError:
                outcome = "sent"
            seen.append((start, time.time(), outcome))
            time.sleep(0.01)
    store.close()
    return seen


def main() -> None:
    mode, settings = sys.argv[1], json.loads(sys.argv[2])
    if mode == "stream":
        stream(settings)
        return
    result = budget(settings) if mode == "budget" else breaker(settings)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
