"""Shared fixtures: a clean environment for every test, and fast retries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import stamina

#: A key-shaped canary: tests assert it never shows up anywhere a user could see it.
CANARY_KEY = "sk-or-v1-CANARY0123456789abcdefCANARY0123456789abcdef"


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's real key or base URL."""
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    monkeypatch.delenv("OPENROUTER_BASE_URL", raising=False)


@pytest.fixture(autouse=True)
def fast_retries() -> Iterator[None]:
    """Retries happen (attempt counts stay real) but without waiting."""
    with stamina.set_testing(True, attempts=100, cap=True):
        yield
