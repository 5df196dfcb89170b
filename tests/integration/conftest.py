"""One emulator per test module, reset before each test that asks for ``emu``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from openrouter_kit.testing import Emulator


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


@pytest.fixture
def emu(emulator: Emulator) -> Emulator:
    emulator.reset()
    return emulator
