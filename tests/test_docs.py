"""README = truth: its commands match CI, and the examples run against the emulator.

The command line is tested in tests/test_cli.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from openrouter_kit.testing import Emulator
from tests.redis_server import redis_server_binary

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


def test_package_metadata_has_a_license_and_project_urls() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    urls = project["urls"]
    assert {"Homepage", "Source", "Issues", "Changelog"} <= set(urls)
    assert all(url.startswith("https://") for url in urls.values())


def test_readme_says_how_to_install_while_the_package_is_not_on_pypi() -> None:
    install = (ROOT / "README.md").read_text().split("## Install\n", 1)[1].split("\n## ", 1)[0]
    assert "not on PyPI yet" in install
    commands = re.findall(r"```bash\n(.*?)```", install, re.S)[0].splitlines()
    assert commands[0].startswith("pip install .  ")  # from a clone
    assert not any(line.startswith("pip install openrouter-kit") for line in commands)


#: What an example whose output shows the emulator's echoes or placeholders prints, once.
PLACEHOLDERS = "(emulator: the answers are echoes and placeholder values)"

#: What each example prints against the emulator (every example must be listed here).
EXAMPLES = {
    "quickstart_sync.py": ["Hello from openai/gpt-4o-mini"],
    "quickstart_async.py": ["Hello from openai/gpt-4o-mini"],
    "cheapest_model.py": ["Cheapest with tools and vision: openai/gpt-4o-mini", "Budget: $"],
    "tool_loop.py": ["tool result: {", "Based on the tool results", "2 round(s)"],
    "image_question.py": ["Hello from openai/gpt-4o-mini", "What colour is this image"],
    "extract_structured.py": ["Person(name="],
    "embeddings_search.py": [
        "5 sentences, 1536 dimensions each.",
        "Where does the cat like to sleep?",
        "Budget: $",
    ],
    "async_fanout.py": [
        "(emulator: the first request is refused by moderation, staged for this demo)",
        "9 answered, 1 failed",
        "FAILED In five words, what is",
        "ContentPolicyError",
        "(at most 4 at a time)",
    ],
    "stream_to_terminal.py": [
        "You said: Tell me a very short story about a lighthouse.\n[first token after",
        "[the stream failed midway: Provider disconnected]",
        "ended before usage]",
        "Session: 2 stream(s)",
    ],
    "fallbacks_and_variants.py": [
        "answered by anthropic/claude-sonnet-4 (a fallback)",
        "openai/gpt-4o-mini:nitro: answered by",
        "openai/gpt-4o-mini:floor: answered by",
        "provider preferences: openai/gpt-4o-mini via OpenAI",
    ],
    "fleet_budget.py": [
        "refused by the shared budget",
        "fleet spent $0.000483 of $0.0005; $0 still held",
        "the emulator billed $0.00048300",
    ],
    "budget_report.py": [
        "ok      openai/gpt-4o-mini (max_tokens=300)",
        "REFUSED anthropic/claude-sonnet-4 (max_tokens=1000)",
        "more than max_cost $0.0005",
        "of the $0.01 budget is left",
        "anthropic/claude-sonnet-4           1",
        "Budget: limit $0.01, spent $",
    ],
    "retry_and_breaker.py": [
        "two 503s, then OK: answered after 3 attempt(s)",
        "Retry-After: 1, then OK: answered after 2 attempt(s)",
        "RateLimitError (the server asked to wait 120",
        "call 3: ServerError",
        "call 4: CircuitOpenError",
        "breaker for openai/gpt-4o-mini: open, 3 consecutive failure(s)",
        "after reset: answered after 1 attempt(s)",
    ],
    "testing_with_emulator.py": ["5 passed"],
    "oauth_callback.py": [
        "callback answered: Signed in.",
        "signed in; the user's key is sk-or-v1-",
    ],
    "latency_percentiles.py": [
        "40 answers; HTTP statuses: {200: 40",
        "latency p50 ",
        "retries: {'ModelUnavailableError': 4}",
        "failed calls: none",
    ],
}


#: The examples whose output shows what the emulator answered (echoes, placeholder values).
ECHOING = {
    "quickstart_sync.py",
    "quickstart_async.py",
    "async_fanout.py",
    "stream_to_terminal.py",
    "tool_loop.py",
    "image_question.py",
    "extract_structured.py",
    "cheapest_model.py",
    "fallbacks_and_variants.py",
}


def test_every_example_is_checked() -> None:
    assert sorted(p.name for p in (ROOT / "examples").glob("*.py")) == sorted(EXAMPLES)
    assert sorted(ECHOING - set(EXAMPLES)) == []


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_examples_run_against_the_emulator(example: str) -> None:
    if example == "fleet_budget.py":
        redis_server_binary()  # it starts one: skip (or fail in CI) without it
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
    # said once where the output shows echoes or placeholders (P3), and nowhere else
    assert result.stdout.count(PLACEHOLDERS) == (1 if example in ECHOING else 0)


def test_the_pytest_example_without_pytest_says_so_in_one_line() -> None:
    """A plain install has no pytest: one line and a non-zero status, no traceback (P1)."""
    run_without_pytest = (
        "import runpy, sys; sys.modules['pytest'] = None; "
        f"runpy.run_path({str(ROOT / 'examples' / 'testing_with_emulator.py')!r}, "
        "run_name='__main__')"
    )
    result = subprocess.run(
        [sys.executable, "-c", run_without_pytest],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr == "needs pytest: pip install pytest\n"
    assert result.stdout == ""


def readme_snippets() -> list[str]:
    """The README's Python snippets that are whole programs (they import what they use)."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    return [b for b in blocks if b.startswith("from ") or b.startswith("import ")]


#: Files a snippet stands for that the reader brings (an image, a PDF, a recording, a settings
#: file): the repository ships none of them, so such a snippet is not run here.
NEEDS_FILES = ("photo.jpg", "report.pdf", "memo.wav", "settings.yaml")


@pytest.mark.parametrize("snippet", readme_snippets(), ids=lambda s: s.splitlines()[-1][:40])
def test_readme_snippets_run_against_the_emulator(snippet: str, tmp_path: Path) -> None:
    needed = [name for name in NEEDS_FILES if name in snippet]
    if needed:
        pytest.skip(
            f"reads {', '.join(needed)}: the reader's own files, which the snippet stands for "
            "and the repository does not ship"
        )
    with Emulator() as emulator:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("OPENROUTER_")},
            "OPENROUTER_API_KEY": emulator.api_key,
            "OPENROUTER_BASE_URL": emulator.base_url,
        }
        result = subprocess.run(
            [sys.executable, "-c", snippet],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() or "print(" not in snippet


def test_readme_snippets_and_examples_pass_mypy_strict(tmp_path: Path) -> None:
    """What users copy type-checks as they copy it: every whole-program README snippet and every
    example passes ``mypy --strict`` against the installed package."""
    for number, snippet in enumerate(readme_snippets()):
        (tmp_path / f"readme_snippet_{number:02d}.py").write_text(snippet)
    for example in (ROOT / "examples").glob("*.py"):
        (tmp_path / example.name).write_text(example.read_text())
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / ".mypy"), "."],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"in {len(readme_snippets()) + len(EXAMPLES)} source files" in result.stdout
