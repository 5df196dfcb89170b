"""The emulator stays a second implementation of the wire: its modules import the standard
library, ``openrouter_kit._version``, ``openrouter_kit._core.redact`` and the SDK's public enums,
and each imports only the modules below it in the package's list (``testing/__init__.py``)."""

from __future__ import annotations

import ast
import enum
import sys
from pathlib import Path

import pytest

import openrouter_kit
from openrouter_kit import testing

PACKAGE = Path(testing.__file__).parent
#: From the top: a module may import the ones after it.
ORDER = ["_emulator", "_server", "_api", "_accounts", "_vectors", "_chat", "_examples", "_models",
         "_ledger", "_exchange", "_faults"]  # fmt: skip
SDK_MODULES = {"openrouter_kit._version", "openrouter_kit._core.redact"}


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """``(module, names)`` for each import of a file (``names`` empty for ``import x``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def test_every_module_is_in_the_list() -> None:
    assert sorted(p.stem for p in PACKAGE.glob("_*.py") if p.stem != "__init__") == sorted(ORDER)


@pytest.mark.parametrize("name", ORDER)
def test_imports_point_down_and_out_of_the_sdk_only_to_what_is_shared(name: str) -> None:
    for module, names in imports(PACKAGE / f"{name}.py"):
        top = module.split(".")[0]
        if module.startswith("openrouter_kit.testing."):
            below = ORDER[ORDER.index(name) + 1 :]
            assert module.rsplit(".", 1)[1] in below, f"{name} imports {module}"
        elif module == "openrouter_kit":
            for imported in names:
                value = getattr(openrouter_kit, imported)
                assert isinstance(value, type), f"{name} imports {imported}"
                assert issubclass(value, enum.Enum), f"{name} imports {imported}"
        elif top == "openrouter_kit":
            assert module in SDK_MODULES, f"{name} imports {module}"
        else:
            assert top in sys.stdlib_module_names or top == "__future__", f"{name}: {module}"


def test_the_model_table_is_package_data() -> None:
    assert (PACKAGE / "models.json").is_file()
