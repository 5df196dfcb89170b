"""One budget for many processes: four worker processes share a $0.0005 cap through Redis.

Each worker is its own Python process with its own ``Client``; what they share is a
``RedisStore`` namespace. Every call holds its worst case in Redis before it is sent, and only if
it fits what the whole fleet has left, so together they never pass the cap; what they spent
matches what the server billed to the last digit.

Run it with ``python examples/fleet_budget.py``. It needs Redis: ``OPENROUTER_KIT_REDIS_URL``
(e.g. ``redis://localhost:6379/0``), else it starts ``redis-server`` from your PATH on a free
port (``apt-get install -y redis-server``). With OPENROUTER_API_KEY set it uses the real
OpenRouter API (a fraction of a cent); without it, the bundled local emulator.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import ExitStack
from decimal import Decimal

from openrouter_kit import Client, Message, RedisStore, errors

CAP = "0.0005"
WORKERS, CALLS = 4, 40
QUESTION = [Message.user("Name one lighthouse, in three words.")]


def work(
    redis_url: str, namespace: str, api_key: str | None, base_url: str | None
) -> tuple[int, int]:
    """One worker process: CALLS calls against the shared budget; (answered, refused)."""
    store = RedisStore.from_url(redis_url, namespace=namespace)
    answered = refused = 0
    with Client(api_key=api_key, base_url=base_url, store=store, budget=CAP) as client:
        for _ in range(CALLS):
            try:
                client.complete(model="openai/gpt-4o-mini", messages=QUESTION, max_tokens=20)
                answered += 1
            except errors.BudgetExceededError:
                refused += 1
    store.close()
    return answered, refused


def local_redis(stack: ExitStack) -> str:
    """A redis-server of our own on a free loopback port (stopped on exit)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("this example needs Redis: set OPENROUTER_KIT_REDIS_URL or install "
                         "redis-server (apt-get install -y redis-server)")  # fmt: skip
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder = stack.enter_context(tempfile.TemporaryDirectory())
    server = subprocess.Popen(  # noqa: S603 - redis-server from PATH, our own arguments
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", folder],
        stdout=subprocess.DEVNULL,
    )
    stack.callback(server.wait)
    stack.callback(server.kill)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.02)
    return f"redis://127.0.0.1:{port}/0"


def main() -> None:
    with ExitStack() as stack:
        redis_url = os.environ.get("OPENROUTER_KIT_REDIS_URL") or local_redis(stack)
        api_key = base_url = None
        emulator = None
        if os.environ.get("OPENROUTER_API_KEY"):
            print("Using the real OpenRouter API (key from OPENROUTER_API_KEY).")
        else:
            from openrouter_kit.testing import Emulator

            emulator = stack.enter_context(Emulator())
            api_key, base_url = emulator.api_key, emulator.base_url
            print(f"OPENROUTER_API_KEY is not set: using the local emulator at {base_url}.")

        namespace = f"fleet-example-{os.getpid()}"  # what the workers share
        context = multiprocessing.get_context("spawn")
        with context.Pool(WORKERS) as pool:
            results = pool.starmap(work, [(redis_url, namespace, api_key, base_url)] * WORKERS)
        for number, (answered, refused) in enumerate(results, 1):
            print(f"worker {number}: {answered} answered, {refused} refused by the shared budget")

        store = RedisStore.from_url(redis_url, namespace=namespace)
        budget = store.budget(Decimal(CAP))
        print(f"fleet spent ${budget.spent} of ${CAP}; ${budget.reserved} still held")
        if emulator is not None:
            print(f"the emulator billed ${emulator.ledger.cost_decimal}")
        store.close()


if __name__ == "__main__":
    main()
