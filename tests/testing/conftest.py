"""The emulator's tests without sockets: one emulator per module, never started, driven through
``ApiClient`` and reset before each test. Modules that need a server override ``emulator`` and
``client`` with their own fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from openrouter_kit.testing import Emulator
from tests.testing.helpers import ApiClient


@pytest.fixture(scope="module")
def emulator() -> Emulator:
    return Emulator()


@pytest.fixture(autouse=True)
def _clean(emulator: Emulator) -> None:
    emulator.reset()


@pytest.fixture
def emu(emulator: Emulator) -> Emulator:
    """The module's emulator, short name for the scripting tests."""
    return emulator


@pytest.fixture
def client(emulator: Emulator) -> ApiClient:
    return ApiClient(emulator, token=emulator.api_key)


@pytest.fixture
def fresh() -> Iterator[Emulator]:
    """An emulator of the test's own: faults leave no server thread behind in the shared one."""
    with Emulator() as emu:
        yield emu
