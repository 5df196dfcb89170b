"""Retries, timeouts and the circuit breaker: configure them, then watch them work.

- Transient failures (connection errors, 408, 429, 5xx) are retried with exponential backoff and
  jitter; ``reply.attempts`` says how many attempts a call took.
- A ``Retry-After`` is honoured up to ``max_retry_after``; a longer one is raised at once.
- After ``breaker_threshold`` consecutive failures (5xx, network, timeouts) of one endpoint and
  model, the breaker opens: calls fail fast with ``errors.CircuitOpenError``, sending nothing,
  until ``breaker_recovery`` seconds have passed and a probe call succeeds.

Run it with ``python examples/retry_and_breaker.py``. With OPENROUTER_API_KEY set it uses the real
OpenRouter API (where every call simply succeeds); without it, it starts the bundled local
emulator and makes it fail on purpose.
"""

from __future__ import annotations

import os
from contextlib import ExitStack

from openrouter_kit import Client, Message, errors
from openrouter_kit.testing import Emulator

MODEL = "openai/gpt-4o-mini"
QUESTION = [Message.user("Say hello.")]


def make_client(api_key: str | None = None, base_url: str | None = None) -> Client:
    return Client(
        api_key=api_key,  # None: OPENROUTER_API_KEY
        base_url=base_url,
        max_retries=3,  # up to 4 attempts per call
        backoff_initial=0.1,  # first wait; doubles each retry (defaults: 0.5 s up to 8 s)
        backoff_max=0.25,  # longest wait between attempts (short, for this demo)
        max_retry_after=5.0,  # wait for a Retry-After up to 5 s; longer ones raise at once
        deadline=30.0,  # one call, all attempts and waits included
        # Seconds per phase of each attempt (or one number for all four phases).
        timeout={"connect": 5.0, "read": 60.0, "write": 10.0, "pool": 5.0},
        breaker_threshold=3,  # consecutive failures that open the breaker (None: no breaker)
        breaker_recovery=30.0,  # seconds before one probe call may test the service again
    )


def ask(client: Client, label: str) -> None:
    try:
        reply = client.complete(model=MODEL, messages=QUESTION, max_tokens=20)
    except errors.RateLimitError as exc:
        print(f"{label}: RateLimitError (the server asked to wait {exc.retry_after} s)")
    except errors.OpenRouterError as exc:
        print(f"{label}: {type(exc).__name__}: {exc.message}")
    else:
        print(f"{label}: answered after {reply.attempts} attempt(s) in {reply.latency:.2f} s")


def main() -> None:
    with ExitStack() as stack:
        emulator: Emulator | None = None
        if os.environ.get("OPENROUTER_API_KEY"):
            print("Using the real OpenRouter API (key from OPENROUTER_API_KEY).")
            print("Nothing fails on purpose there: expect every call to succeed at once.")
            client = stack.enter_context(make_client())
        else:
            emulator = stack.enter_context(Emulator())
            print(
                f"OPENROUTER_API_KEY is not set: using the local emulator at {emulator.base_url}."
            )
            client = stack.enter_context(make_client(emulator.api_key, emulator.base_url))

        if emulator:  # two 503s, then the normal answer
            emulator.error(503, "No instances available", times=2)
        ask(client, "two 503s, then OK")
        if emulator:
            emulator.error(429, "Rate limit exceeded", headers={"Retry-After": "1"})
        ask(client, "429 with Retry-After: 1, then OK")
        if emulator:
            emulator.error(429, "Rate limit exceeded", headers={"Retry-After": "120"})
        ask(client, "429 with Retry-After: 120")

        # A copy without retries shares the breaker: three 500s in a row open it.
        once = client.with_options(max_retries=0)
        if emulator:
            emulator.error(500, "Internal Server Error", times=3)
        for number in range(1, 5):  # the 4th fails fast: CircuitOpenError, nothing is sent
            ask(once, f"call {number}")
        status = client.breaker.status("chat_completions", MODEL)
        print(f"breaker for {MODEL}: {status.state}, {status.failures} consecutive failure(s)")
        for (endpoint, model), state in client.breaker.states().items():
            print(f"  {endpoint} {model}: {state.state}")

        client.breaker.reset()  # close it by hand (e.g. after fixing the cause)
        ask(client, "after reset")


if __name__ == "__main__":
    main()
