"""Test your own code with the bundled emulator: no API key, no network, no cost.

A tiny app function (``summarize``) and its pytest tests, in one file. The tests start
``openrouter_kit.testing.Emulator`` (a local OpenRouter server), point a ``Client`` at it, script
answers and errors, and check what the app sent and what it cost.

Run it with ``python examples/testing_with_emulator.py`` (it runs pytest on itself), or
``pytest examples/testing_with_emulator.py``. It always uses the emulator, key or not.
"""

from __future__ import annotations

from collections.abc import Iterator

try:
    import pytest
except ModuleNotFoundError:  # run as a script without pytest: say so in one line
    if __name__ != "__main__":
        raise
    raise SystemExit("needs pytest: pip install pytest") from None

from openrouter_kit import Client, Message, errors
from openrouter_kit.testing import Emulator

MODEL = "openai/gpt-4o-mini"
INSTRUCTIONS = "Summarize the text in one sentence."


# -- the app code under test ---------------------------------------------------------------------
def summarize(client: Client, text: str) -> str:
    """One-sentence summary of ``text``; a placeholder when moderation refuses the text."""
    try:
        reply = client.complete(
            model=MODEL,
            messages=[Message.system(INSTRUCTIONS), Message.user(text)],
            max_tokens=60,
        )
    except errors.ContentPolicyError:
        return "[summary withheld]"
    return reply.text.strip()


# -- the tests -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:  # one local server for the tests of this file
        yield emu


@pytest.fixture
def client(emulator: Emulator) -> Iterator[Client]:
    emulator.reset()  # forget the scripts, requests and ledger of earlier tests
    # max_retries=0: a scripted error reaches the app at once, with no backoff waits.
    with Client(api_key=emulator.api_key, base_url=emulator.base_url, max_retries=0) as client:
        yield client


def completion(text: str) -> dict[str, object]:
    """A chat completion body as OpenRouter sends it, answering ``text``."""
    return {
        "id": "gen-test-1",
        "object": "chat.completion",
        "model": MODEL,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 30, "completion_tokens": 8, "total_tokens": 38, "cost": 1e-05},
    }


def test_returns_the_scripted_answer(client: Client, emulator: Emulator) -> None:
    emulator.script(body=completion("  Ada Lovelace wrote the first program.\n"))
    assert summarize(client, "Ada Lovelace ...") == "Ada Lovelace wrote the first program."


def test_sends_the_instructions_and_a_token_limit(client: Client, emulator: Emulator) -> None:
    summarize(client, "A long text.")
    sent = emulator.requests[-1].json  # the request body, as the server received it
    assert sent["model"] == MODEL
    assert sent["messages"] == [
        {"role": "system", "content": INSTRUCTIONS},
        {"role": "user", "content": "A long text."},
    ]
    assert sent["max_tokens"] == 60


def test_flagged_text_is_withheld(client: Client, emulator: Emulator) -> None:
    emulator.error(403, "Input was flagged", metadata={"reasons": ["harassment"]})
    assert summarize(client, "Something rude.") == "[summary withheld]"


def test_an_outage_reaches_the_caller(client: Client, emulator: Emulator) -> None:
    emulator.error(503, "No instances available")
    with pytest.raises(errors.ModelUnavailableError):
        summarize(client, "Any text.")


def test_cost_matches_the_emulator_ledger(client: Client, emulator: Emulator) -> None:
    summarize(client, "First text.")  # unscripted: the emulator answers and bills itself
    summarize(client, "Second text.")
    assert emulator.ledger.requests == 2
    assert client.usage.total_tokens == emulator.ledger.total_tokens
    assert client.usage.cost == emulator.ledger.cost_decimal  # both exact Decimals


if __name__ == "__main__":
    print("Running this file's tests with pytest, against the local emulator (no key needed).")
    # openrouter_kit, imported above, imported anyio, whose pytest plugin pytest then cannot
    # rewrite: it warns about that (harmless), and a strict filterwarnings would fail on it.
    quiet = "ignore::pytest.PytestAssertRewriteWarning"
    raise SystemExit(pytest.main([__file__, "-q", "-p", "no:cacheprovider", "-W", quiet]))
