"""Shared fixtures: a canary key that must never show up, a clean environment, fast retries."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator

import pytest
import stamina

#: A key-shaped canary: every test runs with it as OPENROUTER_API_KEY, and a test fails if it
#: shows up in captured logs, warnings or output.
CANARY_KEY = "sk-or-v1-" + "CANARY0123456789abcdefCANARY0123456789abcdef"  # fake, split on purpose
_LEAKED_WARNINGS: list[str] = []


def pytest_warning_recorded(warning_message: warnings.WarningMessage, nodeid: str) -> None:
    if CANARY_KEY in str(warning_message.message):
        _LEAKED_WARNINGS.append(nodeid)


@pytest.fixture(autouse=True)
def canary_key(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[None]:
    """Every test runs with the canary key in the environment and every log record captured;
    afterwards, the key must appear in no log line, warning, stdout or stderr."""
    monkeypatch.setenv("OPENROUTER_API_KEY", CANARY_KEY)
    monkeypatch.delenv("OPENROUTER_BASE_URL", raising=False)
    monkeypatch.delenv("OPENROUTER_MANAGEMENT_KEY", raising=False)
    caplog.set_level(logging.DEBUG)
    _LEAKED_WARNINGS.clear()
    yield
    out, err = capsys.readouterr()
    leaks = [
        name
        for name, text in (("logs", caplog.text), ("stdout", out), ("stderr", err))
        if CANARY_KEY in text
    ]
    if _LEAKED_WARNINGS:
        leaks.append("warnings")
    if leaks:
        pytest.fail(f"the API key leaked into {', '.join(leaks)}")


@pytest.fixture(autouse=True)
def fast_retries() -> Iterator[None]:
    """Retries happen (attempt counts stay real) but without waiting."""
    with stamina.set_testing(True, attempts=100, cap=True):
        yield
