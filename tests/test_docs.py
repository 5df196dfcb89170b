"""README = truth: its commands match CI, and the examples and CLI run against the emulator."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from openrouter_kit._cli import main
from openrouter_kit.testing import Emulator

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    return re.findall(r"```bash\n(python3 -m venv[^\n]+)\n```", (ROOT / "README.md").read_text())


def test_readme_has_the_two_commands_and_ci_runs_the_test_one() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    demo, tests = commands
    assert demo.endswith("openrouter-kit demo")
    assert "pytest" in tests
    assert "--cov-fail-under=90" in tests
    assert tests in (ROOT / ".ci" / "run").read_text().splitlines()


#: What each example prints against the emulator (every example must be listed here).
EXAMPLES = {
    "quickstart_sync.py": ["Hello from openai/gpt-4o-mini"],
    "quickstart_async.py": ["Hello from openai/gpt-4o-mini"],
    "cheapest_model.py": ["Cheapest with tools and vision: openai/gpt-4o-mini", "Budget: $"],
    "tool_loop.py": ["tool result: {", "Based on the tool results", "2 round(s)"],
    "image_question.py": ["Hello from openai/gpt-4o-mini", "What colour is this image"],
    "extract_structured.py": ["Person(name="],
}


def test_every_example_is_checked() -> None:
    assert sorted(p.name for p in (ROOT / "examples").glob("*.py")) == sorted(EXAMPLES)


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_examples_run_against_the_emulator(example: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENROUTER_")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / example)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "emulator" in result.stdout
    for expected in EXAMPLES[example]:
        assert expected in result.stdout, (expected, result.stdout)


def test_cli_demo_prints_answer_tokens_cost_and_latency() -> None:
    out = io.StringIO()
    assert main(["demo"], out=out) == 0
    text = out.getvalue()
    assert "Hello from openai/gpt-4o-mini" in text
    assert re.search(r"tokens\s+\d+ prompt \+ \d+ completion = \d+", text)
    assert re.search(r"cost\s+\$0\.\d{8}", text)
    assert re.search(r"latency\s+[\d.]+ ms \(1 attempt", text)


def test_cli_demo_runs_as_a_console_script() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "openrouter_kit._cli", "demo", "--prompt", "ping"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "You said: ping" in result.stdout


def test_cli_chat_and_models_use_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with Emulator() as emulator:
        monkeypatch.setenv("OPENROUTER_API_KEY", emulator.api_key)
        out = io.StringIO()
        assert (
            main(
                [
                    "chat",
                    "Hi there",
                    "--base-url",
                    emulator.base_url,
                    "--system",
                    "Be brief",
                    "--max-tokens",
                    "50",
                ],
                out=out,
            )
            == 0
        )
        assert "You said: Hi there" in out.getvalue()
        assert emulator.requests[-1].json["messages"][0] == {
            "role": "system",
            "content": "Be brief",
        }
        out = io.StringIO()
        assert main(["models", "--base-url", emulator.base_url], out=out) == 0
        table = out.getvalue()
        assert re.search(r"openai/gpt-4o-mini\s+128000\s+\$0\.15\s+\$0\.60", table)
        assert re.search(r"openrouter/auto\s+\d+\s+variable", table)
        out = io.StringIO()
        assert (
            main(
                ["models", "--base-url", emulator.base_url, "--capability", "vision", "--json"],
                out=out,
            )
            == 0
        )
        assert '"google/gemini-2.5-flash"' in out.getvalue()
        assert '"meta-llama/llama-3.1-8b-instruct"' not in out.getvalue()
        # An API error is one clean line on stderr and exit status 1.
        emulator.error(401, "User not found.")
        assert main(["chat", "Hi", "--base-url", emulator.base_url], out=io.StringIO()) == 1
        assert "AuthenticationError" in capsys.readouterr().err


def test_cli_without_a_key_exits_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENROUTER_API_KEY")
    assert main(["chat", "Hi"], out=io.StringIO()) == 2
    assert "OPENROUTER_API_KEY" in capsys.readouterr().err
