"""The public surface: exported names, shell parity, the core's import rule, a light import."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

import openrouter_kit
from openrouter_kit import (
    AsyncClient,
    AsyncModelRegistry,
    AsyncStream,
    Client,
    ModelRegistry,
    Stream,
    errors,
)

SRC = Path(openrouter_kit.__file__).parent


def test_all_is_sorted_and_every_name_exists() -> None:
    names = openrouter_kit.__all__
    assert names == sorted(names)
    for name in names:
        assert hasattr(openrouter_kit, name), name


def test_the_design_contract_names_exist() -> None:
    from openrouter_kit import (  # noqa: F401
        AsyncClient,
        Client,
        CompletionChoice,
        CompletionRequest,
        CompletionResponse,
        Message,
        MessageRole,
        ModelInfo,
        ModelRegistry,
        OpenRouterClient,
        RouteVariant,
        StreamChunk,
        TokenUsage,
        ToolDefinition,
        apply_variant,
        errors,
    )

    assert OpenRouterClient is AsyncClient
    assert {"id", "model", "choices", "usage", "created", "provider"} <= set(
        attrs.fields_dict(CompletionResponse)
    )
    for name in ("id", "model", "delta", "finish_reason", "usage"):  # the seed's chunk fields
        assert hasattr(StreamChunk, name), name
    assert {"DEFAULT", "NITRO", "FLOOR", "ONLINE", "THINKING"} <= set(RouteVariant.__members__)
    assert MessageRole.USER == "user"
    assert openrouter_kit.Client.__module__ == "openrouter_kit"


def test_the_public_enums_are_the_generated_ones() -> None:
    from openrouter_kit import _variants
    from openrouter_kit._generated import enums, models

    assert openrouter_kit.RouteVariant is _variants.RouteVariant is enums.RouteVariant
    assert openrouter_kit.MessageRole is models.MessageRole is enums.MessageRole
    assert openrouter_kit.FinishReason is models.FinishReason is enums.FinishReason
    assert openrouter_kit.RouteVariant.DEFAULT == ""
    assert openrouter_kit.RouteVariant.__module__ == "openrouter_kit"


def _public(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and callable(member)
    } | {name: None for name, member in inspect.getmembers(cls) if isinstance(member, property)}  # type: ignore[dict-item]


def test_client_and_async_client_have_the_same_api() -> None:
    sync, async_ = _public(Client), _public(AsyncClient)
    assert set(sync) - {"close"} == set(async_) - {"aclose", "close"}
    for name, signature in sync.items():
        if signature is None or name in {"close"}:
            continue
        other = async_[name]
        assert list(signature.parameters) == list(other.parameters), name
        # stream() returns an async iterator; with_options() only copies the client;
        # authorization_url() only builds a URL.
        sync_only = name in {"authorization_url", "from_settings", "stream", "with_options"}
        assert inspect.iscoroutinefunction(getattr(AsyncClient, name)) != sync_only, name


def test_registries_have_the_same_api() -> None:
    assert set(_public(ModelRegistry)) == set(_public(AsyncModelRegistry))


def test_key_namespaces_have_the_same_api() -> None:
    from openrouter_kit._keys import AsyncKeys, Keys

    sync, async_ = _public(Keys), _public(AsyncKeys)
    assert set(sync) == set(async_) == {"create", "delete", "get", "list", "update"}
    for name, signature in sync.items():
        assert list(signature.parameters) == list(async_[name].parameters), name
        assert inspect.iscoroutinefunction(getattr(AsyncKeys, name)), name


def test_streams_have_the_same_api() -> None:
    sync, async_ = _public(Stream), _public(AsyncStream)
    assert set(sync) | {"aclose"} == set(async_)
    for name in ("final_response", "close"):
        assert inspect.iscoroutinefunction(getattr(AsyncStream, name)), name
    assert hasattr(Stream, "__iter__")
    assert hasattr(Stream, "__enter__")
    assert hasattr(AsyncStream, "__aiter__")
    assert hasattr(AsyncStream, "__aenter__")


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_the_core_does_no_io() -> None:
    forbidden = {"httpx", "anyio", "stamina", "yaml", "asyncio", "socket", "trio", "httpcore"}
    for path in [
        *(SRC / "_core").glob("*.py"),
        *(SRC / "_generated").glob("*.py"),
        SRC / "errors.py",
        SRC / "_model_methods.py",
    ]:
        assert not (_imports(path) & forbidden), path.name
        text = path.read_text()
        for clock in ("time.time(", "time.sleep(", "monotonic("):
            assert clock not in text, path.name


def test_no_asyncio_anywhere_in_the_package() -> None:
    # Except the opt-in aiohttp transport, which runs on asyncio only (it refuses other loops),
    # and the Redis store's connection, which uses redis.asyncio under asyncio (and the blocking
    # client in a worker thread under trio).
    for path in SRC.rglob("*.py"):
        if path.name not in ("_aiohttp.py", "_conn.py"):
            assert "asyncio" not in _imports(path), path.name


def test_import_is_light() -> None:
    """``import openrouter_kit`` builds no wire model and loads no optional module: the models
    (about 60 attrs classes), events, tools and tokenizer load on first use."""
    code = (
        "import sys, openrouter_kit\n"
        "from openrouter_kit._core.convert import converters\n"
        "names = ('yaml', 'httpcore', 'aiohttp', 'httpx_aiohttp', 'openrouter_kit.testing',\n"
        "         'openrouter_kit._cli', 'openrouter_kit._settings',\n"
        "         'openrouter_kit._core.schema', 'openrouter_kit._generated.models',\n"
        "         'openrouter_kit._core.events',\n"
        "         'openrouter_kit._core.assemble', 'openrouter_kit._core.tokens',\n"
        "         'openrouter_kit._core.tools', 'openrouter_kit._tokenizers', 'bpe_openai')\n"
        "heavy = [m for m in names if m in sys.modules]\n"
        "print(heavy, converters.cache_info().currsize)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[] 0"


def test_building_a_client_opens_no_connection_pool() -> None:
    client = Client(api_key="sk-test")
    assert client._http is None
    client.close()


def _public_members(obj: type) -> dict[str, Any]:
    """Public methods and properties defined by our classes (inherited ones included)."""
    found: dict[str, Any] = {}
    for klass in reversed(obj.__mro__):
        if not klass.__module__.startswith("openrouter_kit"):
            continue
        for name, value in vars(klass).items():
            if isinstance(value, staticmethod | classmethod):
                value = value.__func__
            if not name.startswith("_") and (
                inspect.isfunction(value) or isinstance(value, property)
            ):
                found[name] = value
    return found


def test_every_public_name_has_a_docstring() -> None:
    missing = []
    for name in openrouter_kit.__all__:
        obj = getattr(openrouter_kit, name)
        if name == "__version__" or isinstance(obj, str):
            continue
        if not (getattr(obj, "__doc__", None) or "").strip():
            missing.append(name)
        if isinstance(obj, type) and obj.__module__ == "openrouter_kit":
            for member, value in _public_members(obj).items():
                if not (value.__doc__ or "").strip():
                    missing.append(f"{name}.{member}")
    for name in dir(errors):
        obj = getattr(errors, name)
        if (
            isinstance(obj, type)
            and issubclass(obj, Exception)
            and obj.__module__ == errors.__name__
        ) and not (obj.__doc__ or "").strip():
            missing.append(f"errors.{name}")
    assert missing == []


def test_every_error_is_exported_and_drawn_in_the_tree() -> None:
    classes = {
        name
        for name, obj in vars(errors).items()
        if isinstance(obj, type)
        and issubclass(obj, Exception)
        and obj.__module__ == errors.__name__
    }
    assert classes <= set(errors.__all__)
    tree = errors.__doc__ or ""
    for name in classes:
        assert f"── {name} " in tree or f"    {name} " in tree, name  # the root has no branch
    # Structured-output problems found before sending are validation errors, named for them.
    assert "ResponseFormatError" in errors.__all__
    assert issubclass(errors.ResponseFormatError, errors.ValidationError)
    assert issubclass(errors.ResponseFormatError, ValueError)
    assert tree.index("── ValidationError") < tree.index("── ResponseFormatError")


def test_lazy_names_load_on_first_use_and_show_as_public() -> None:
    code = (
        "import sys, openrouter_kit\n"
        "before = 'openrouter_kit._generated.models' in sys.modules\n"
        "from openrouter_kit import Message, CompletionResponse\n"
        "print(before, Message.__module__, CompletionResponse.__module__,\n"
        "      'Message' in dir(openrouter_kit))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "openrouter_kit", "openrouter_kit", "True"]
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = openrouter_kit.Nope  # type: ignore[attr-defined]
