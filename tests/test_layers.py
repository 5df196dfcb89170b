"""The layering of ``src/openrouter_kit``, read from the source on every run.

Each module has a tier; an import may point to its own tier or a lower one. Imports under
``if TYPE_CHECKING:`` are not counted (they never run). An import inside a function says why it is
there, on its line: ``# noqa: PLC0415 - lazy: <why>`` (deferred so that ``import openrouter_kit``
stays light) or ``# noqa: PLC0415 - late: <why>`` (a deliberate upward edge; at most two exist).
Nothing may import in a circle, deferred imports included.

The emulator (``openrouter_kit.testing``) is an independent second implementation of the wire: it
may import only the standard library, ``_version``, the public enums and ``_core.redact``.
"""

from __future__ import annotations

import ast
import enum
import re
from collections.abc import Iterator
from pathlib import Path

import attrs

import openrouter_kit

SRC = Path(__file__).resolve().parent.parent / "src" / "openrouter_kit"
PACKAGE = "openrouter_kit"

#: What each module may import: its own tier and lower ones. The README's Development map shows
#: the same table, by group of modules.
TIERS: dict[int, tuple[str, ...]] = {
    0: (
        "errors",
        "_version",
        "_core",  # the package itself: its docstring states the rule
        "_core.redact",
        "_core.money",
        "_core.sse",
        "_core.body",
        "_generated",
        "_generated.enums",
        "_generated.endpoints",
    ),
    1: (
        "_core.modelbase",
        "_core.config",
        "_core.retry",
        "_core.breaker",
        "_core.events",
        "_core.schema",
        "_core.messages",
        "_core.accounting",
        "_core.ratelimit",
        "_core.registry",
        "_core.tokens",
        "_core.wire",
        "_variants",
        "_oauth",
    ),
    2: ("_core.convert", "_core.structured", "_core.store", "_core.generic"),
    3: ("_model_methods", "_media"),
    4: ("_generated.models", "_generated.params"),
    5: ("_core.assemble", "_core.tools"),
    6: (
        "_call",
        "_observe",
        "_bounds",
        "_http",
        "_aiohttp",
        "_tokenizers",
        "_settings",
        "_base",
        # the Redis store: made only when a RedisStore is (the package imports it lazily)
        "_redis._ops",
        "_redis._conn",
        "_redis._breaker",
        "_redis._limiter",
        "_redis._budget",
        "_redis._store",
        "_redis",
        "_raw",
    ),
    7: ("_client", "_async_client", "_streams", "_registry", "_keys"),
    8: ("", "__main__", "_cli"),  # "" is the package's __init__
}
TIER = {name: tier for tier, names in TIERS.items() for name in names}

#: The emulator (a package, or a module on its way to one) and what it may import besides itself:
#: these modules, and the package's public enums (``from openrouter_kit import RouteVariant``).
EMULATOR = "testing"
EMULATOR_MAY_IMPORT = frozenset({"_version", "_core.redact", "_generated.enums", "_variants"})
PUBLIC_ENUMS = frozenset(
    name
    for name in openrouter_kit.__all__
    if isinstance(getattr(openrouter_kit, name), enum.EnumMeta)
)
#: Who may import the emulator: the command line (``openrouter-kit demo`` / ``emulator``).
EMULATOR_USERS = frozenset({"_cli"})

#: Imports that break the table today, each to be removed by the move that clears it. A move
#: that clears one deletes its line here (the test fails while a cleared one is still listed).
KNOWN_VIOLATIONS: frozenset[tuple[str, str]] = frozenset(set())

MAX_LATE_EDGES = 2
_REASON = re.compile(r"#\s*noqa:\s*PLC0415\s+-\s+(lazy|late):\s*\S")


@attrs.frozen
class Import:
    """One import statement of one of our modules, as it runs."""

    importer: str
    imported: str  # our module's short name ("_core.wire", "" for the package), else its name
    ours: bool
    names: tuple[str, ...]  # what ``from ... import`` takes from it
    line: int
    deferred: bool  # inside a function
    reason: str | None  # "lazy" or "late" from the line's noqa comment


def _short(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_short(path): path for path in sorted(SRC.rglob("*.py"))}


def _ours(dotted: str, modules: dict[str, Path]) -> str | None:
    """The short name of our module ``dotted`` (absolute), or None when it is not ours."""
    if dotted == PACKAGE:
        return ""
    if not dotted.startswith(PACKAGE + "."):
        return None
    short = dotted[len(PACKAGE) + 1 :]
    return short if short in modules else None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import that runs, with True when it is inside a function."""

    def walk(node: ast.AST, deferred: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    yield from walk(other, deferred)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, deferred
            inside = deferred or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            yield from walk(child, inside)

    yield from walk(tree, False)


def _targets(
    node: ast.Import | ast.ImportFrom, importer: str, modules: dict[str, Path]
) -> list[tuple[str | None, tuple[str, ...]]]:
    """The modules ``node`` imports (our short names; None for another package's), each with
    the names taken from it."""
    if isinstance(node, ast.Import):
        return [(_ours(alias.name, modules), ()) for alias in node.names]
    base = node.module or ""
    if node.level:  # relative: from the importer's package, then up one per extra dot
        parts = [p for p in importer.split(".") if p]
        if modules[importer].name != "__init__.py":
            parts = parts[:-1]
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join([PACKAGE, *parts, *([base] if base else [])])
    found: list[tuple[str | None, tuple[str, ...]]] = []
    for alias in node.names:
        submodule = _ours(f"{base}.{alias.name}", modules)
        if submodule is not None:
            found.append((submodule, ()))
        else:
            found.append((_ours(base, modules), (alias.name,)))
    return found


def _reason(lines: list[str], node: ast.stmt) -> str | None:
    for number in (node.lineno, node.end_lineno or node.lineno):
        match = _REASON.search(lines[number - 1])
        if match:
            return match.group(1)
    return None


def imports() -> list[Import]:
    """Every import that runs in the package, of our modules (``ours``) and others'."""
    modules = _modules()
    found = []
    for name, path in modules.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node, deferred in _statements(ast.parse(text)):
            reason = _reason(lines, node)
            for target, taken in _targets(node, name, modules):
                ours = target is not None
                imported = target if target is not None else "(another package)"
                found.append(Import(name, imported, ours, taken, node.lineno, deferred, reason))
    return found


def _in_emulator(name: str) -> bool:
    return name == EMULATOR or name.startswith(EMULATOR + ".")


def _allowed(importer: str, imported: str, names: tuple[str, ...] = ()) -> bool:
    if _in_emulator(importer):
        if imported == "" and names and PUBLIC_ENUMS.issuperset(names):
            return True
        return _in_emulator(imported) or imported in EMULATOR_MAY_IMPORT
    if _in_emulator(imported):
        return importer in EMULATOR_USERS
    return TIER[importer] >= TIER[imported]


def _ours_only() -> list[Import]:
    return [i for i in imports() if i.ours and i.imported != i.importer]


def test_every_module_has_a_tier() -> None:
    missing = [n for n in _modules() if n not in TIER and not _in_emulator(n)]
    assert missing == [], "add these modules to TIERS (and to the README's Development map)"


def test_imports_point_down_the_tiers() -> None:
    broken = {
        (i.importer, i.imported)
        for i in _ours_only()
        if i.reason != "late" and not _allowed(i.importer, i.imported, i.names)
    }
    new = sorted(broken - KNOWN_VIOLATIONS)
    cleared = sorted(KNOWN_VIOLATIONS - broken)
    assert new == [], "these imports point up the tiers (or into the emulator)"
    assert cleared == [], "these known violations are gone: delete them from KNOWN_VIOLATIONS"


def test_late_imports_are_few_and_really_upward() -> None:
    late = [i for i in _ours_only() if i.reason == "late"]
    assert len(late) <= MAX_LATE_EDGES, [(i.importer, i.imported) for i in late]
    for i in late:
        assert i.deferred, f"{i.importer}:{i.line} a late import is one inside a function"
        assert not _allowed(i.importer, i.imported), (
            f"{i.importer}:{i.line} imports {i.imported or PACKAGE} down the tiers: "
            "it needs no 'late:' (say 'lazy:' if it is deferred for import time)"
        )


def test_every_import_inside_a_function_says_why() -> None:
    silent = [
        f"{i.importer or '__init__'}:{i.line}" for i in imports() if i.deferred and not i.reason
    ]
    assert silent == [], "add '# noqa: PLC0415 - lazy: <why>' (or '- late: <why>') to these"


def _circles(edges: set[tuple[str, str]]) -> set[frozenset[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.add(frozenset(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_in_a_circle() -> None:
    edges = {(i.importer, i.imported) for i in _ours_only() if i.reason != "late"}
    assert _circles(edges) == set()


def test_the_core_s_tests_mirror_the_core() -> None:
    tests = Path(__file__).resolve().parent / "core"
    modules = sorted(p.stem for p in (SRC / "_core").glob("*.py") if p.stem != "__init__")
    expected = {f"test_{m}.py" for m in modules} | {"__init__.py", "helpers.py"}
    found = {p.name for p in tests.glob("*.py")}
    assert sorted(expected - found) == [], "each _core module has its tests/core/test_<module>.py"
    assert sorted(found - expected) == [], "tests/core holds only the core modules' tests"


def test_the_checks_see_what_they_check() -> None:
    # The walk finds deferred imports, skips TYPE_CHECKING blocks, and knows the package.
    found = imports()
    assert any(i.deferred for i in found)
    assert {"_core.convert", "_core.wire", "errors", ""} <= {i.imported for i in found}
    assert not any(
        i.importer == "" and i.imported == "_generated.models" for i in found
    )  # under TYPE_CHECKING in __init__
    assert _circles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == {
        frozenset({"a", "b", "c"})
    }
