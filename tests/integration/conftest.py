"""One emulator per test module, reset before each test that asks for ``emu``; the async
transports the AsyncClient tests run over."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from openrouter_kit.testing import Emulator
from tests.integration.raw import SHELLS


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


@pytest.fixture
def emu(emulator: Emulator) -> Emulator:
    emulator.reset()
    return emulator


@pytest.fixture(params=["httpx", "aiohttp"])
def async_transport(request: pytest.FixtureRequest) -> str:
    """``AsyncClient(transport=...)``: a test asking for this runs once per transport
    (aiohttp under asyncio only: the trio runs are deselected below)."""
    if request.param == "aiohttp":
        pytest.importorskip("httpx_aiohttp", reason="the aiohttp extra is not installed")
    return str(request.param)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """aiohttp cannot run under trio (tests/integration/test_transports.py checks the error it
    raises there), so those combinations are not run."""
    keep, drop = [], []
    for item in items:
        params = getattr(item, "callspec", None)
        params = params.params if params is not None else {}
        if params.get("async_transport") == "aiohttp" and params.get("anyio_backend") == "trio":
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(params=SHELLS)
def shell(request: pytest.FixtureRequest) -> str:
    """Which client ``tests.integration.raw.run`` makes: ``sync``, or ``<transport>-<loop>``."""
    if str(request.param).startswith("aiohttp"):
        pytest.importorskip("httpx_aiohttp", reason="the aiohttp extra is not installed")
    return str(request.param)
