"""Stream an answer to the terminal as it is generated, then show its usage, cost and speed.

Also shows the two ways a stream ends early: an error event from the server in the middle of the
answer (``errors.StreamError``; the text so far is kept), and Ctrl-C (leaving the ``with`` block
closes the HTTP response, so the model stops generating).

Run it with ``python examples/stream_to_terminal.py`` and press Ctrl-C while it prints to stop
it. With OPENROUTER_API_KEY set it uses the real OpenRouter API; without it, it starts the bundled
local emulator, which streams slowly the first time and breaks the second stream on purpose.
"""

from __future__ import annotations

import os
from contextlib import ExitStack

from openrouter_kit import Client, Message, errors

MODEL = "openai/gpt-4o-mini"
QUESTIONS = ["Tell me a very short story about a lighthouse.", "And one about a harbour?"]


def stream_answer(client: Client, question: str) -> bool:
    """Print the answer as it arrives; return False when the user pressed Ctrl-C."""
    print(f"\n> {question}")
    stream = client.stream(model=MODEL, messages=[Message.user(question)], max_tokens=300)
    interrupted = False
    try:
        with stream:  # sends the request; leaving the block closes the response
            for text in stream.text_stream:
                print(text, end="", flush=True)
        print()
    except errors.StreamError as exc:  # the status was 200: the error came after some text
        print(f"\n[the stream failed midway: {exc.message}]")
    except KeyboardInterrupt:
        interrupted = True
        stream.close()  # closed already if it had started; if still connecting, give up
        print("\n[Ctrl-C: the stream is closed, the model stops generating]")
    reply = stream.final_response()  # the whole answer, or what arrived before it ended
    first = f"{reply.time_to_first_token * 1000:.0f} ms" if reply.time_to_first_token else "-"
    if reply.partial:  # it ended early; the server sends usage in the last chunk
        chars = len(reply.text)
        print(f"[first token after {first}; {chars} characters; partial: ended before usage]")
    else:
        cost = f"${reply.cost or 0:.8f}"
        print(f"[first token after {first}; {reply.usage.total_tokens} tokens, {cost}]")
    return not interrupted


def main() -> None:
    with ExitStack() as stack:
        if os.environ.get("OPENROUTER_API_KEY"):
            print("Using the real OpenRouter API (key from OPENROUTER_API_KEY).")
            client = stack.enter_context(Client())
        else:
            from openrouter_kit.testing import Emulator

            emulator = stack.enter_context(Emulator())
            print(
                f"OPENROUTER_API_KEY is not set: using the local emulator at {emulator.base_url}."
            )
            print("(emulator: the answers are echoes and placeholder values)")
            emulator.script_stream(delay=0.05)  # one token every 50 ms: try Ctrl-C
            emulator.script_stream(error_after=6)  # an error event after 6 tokens
            client = stack.enter_context(
                Client(api_key=emulator.api_key, base_url=emulator.base_url)
            )

        for question in QUESTIONS:
            if not stream_answer(client, question):
                break
        usage = client.usage
        print(
            f"\nSession: {usage.requests} stream(s), {usage.total_tokens} tokens, ${usage.cost:.8f}"
        )


if __name__ == "__main__":
    main()
