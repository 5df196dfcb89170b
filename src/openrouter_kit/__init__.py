"""openrouter-kit: a fast, correct and safe client for the OpenRouter API.

::

    from openrouter_kit import Client

    with Client() as client:                          # key from OPENROUTER_API_KEY
        reply = client.complete(model="openai/gpt-4o-mini",
                                messages=[{"role": "user", "content": "Hello!"}])
        print(reply.text)

``AsyncClient`` is the same API with ``await``; errors live in ``openrouter_kit.errors``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from openrouter_kit import errors
from openrouter_kit._async_client import AsyncClient, OpenRouterClient
from openrouter_kit._client import Client
from openrouter_kit._core.accounting import Budget, UsageSnapshot
from openrouter_kit._core.money import VARIABLE, VariablePrice
from openrouter_kit._core.ratelimit import RateLimit
from openrouter_kit._core.store import MemoryStore, Store
from openrouter_kit._core.structured import response_format_for
from openrouter_kit._generated.enums import FinishReason, MessageRole
from openrouter_kit._observe import Hooks
from openrouter_kit._raw import RawResponse
from openrouter_kit._registry import AsyncModelRegistry, ModelRegistry
from openrouter_kit._streams import AsyncStream, Stream
from openrouter_kit._variants import RouteVariant, apply_variant, split_variant
from openrouter_kit._version import __version__

if TYPE_CHECKING:
    from openrouter_kit._core.events import (
        ErrorEvent,
        HookEvent,
        RequestEvent,
        ResponseEvent,
        RetryEvent,
        StoreEvent,
    )
    from openrouter_kit._core.tokens import TokenCount, estimate_prompt
    from openrouter_kit._core.tools import ToolRun
    from openrouter_kit._generated.models import (
        AdvisorTool,
        AdvisorToolConfig,
        ApiKey,
        AuthCode,
        AuthKey,
        AutoBetaRouterPlugin,
        AutoRouterPlugin,
        BashEnvironment,
        BashTool,
        BashToolConfig,
        CompletionChoice,
        CompletionRequest,
        CompletionResponse,
        ContentPart,
        ContextCompressionPlugin,
        CreatedApiKey,
        Credits,
        DatetimeTool,
        DatetimeToolConfig,
        DeletedApiKey,
        EmbeddingInput,
        EmbeddingResponse,
        FileParserPlugin,
        FilesTool,
        FilesToolConfig,
        FusionPlugin,
        FusionTool,
        FusionToolConfig,
        GenerationContent,
        GenerationStats,
        ImageGenerationTool,
        ImageGenerationToolConfig,
        KeyInfo,
        Message,
        ModelEndpoints,
        ModelInfo,
        ModerationPlugin,
        ParetoRouterPlugin,
        PdfOptions,
        Plugin,
        ProviderInfo,
        RerankDocument,
        RerankResponse,
        ResponseHealingPlugin,
        SearchModelsTool,
        SearchModelsToolConfig,
        ServerToolReasoning,
        StopCondition,
        StreamChunk,
        SubagentTool,
        SubagentToolConfig,
        TokenUsage,
        ToolCall,
        ToolDefinition,
        UserLocation,
        WebFetchPlugin,
        WebFetchTool,
        WebFetchToolConfig,
        WebPlugin,
        WebSearchTool,
        WebSearchToolConfig,
    )
    from openrouter_kit._generated.params import (
        CompletionParams,
        EmbedParams,
        ListModelsParams,
        RerankParams,
    )
    from openrouter_kit._oauth import Pkce
    from openrouter_kit._redis import RedisStore
    from openrouter_kit._tokenizers import count_prompt

__all__ = [  # noqa: RUF022 - in plain sorted() order, as a test checks
    "AdvisorTool",
    "AdvisorToolConfig",
    "ApiKey",
    "AsyncClient",
    "AsyncModelRegistry",
    "AsyncStream",
    "AuthCode",
    "AuthKey",
    "AutoBetaRouterPlugin",
    "AutoRouterPlugin",
    "BashEnvironment",
    "BashTool",
    "BashToolConfig",
    "Budget",
    "Client",
    "CompletionChoice",
    "CompletionParams",
    "CompletionRequest",
    "CompletionResponse",
    "ContentPart",
    "ContextCompressionPlugin",
    "CreatedApiKey",
    "Credits",
    "DatetimeTool",
    "DatetimeToolConfig",
    "DeletedApiKey",
    "EmbedParams",
    "EmbeddingInput",
    "EmbeddingResponse",
    "ErrorEvent",
    "FileParserPlugin",
    "FilesTool",
    "FilesToolConfig",
    "FinishReason",
    "FusionPlugin",
    "FusionTool",
    "FusionToolConfig",
    "GenerationContent",
    "GenerationStats",
    "HookEvent",
    "Hooks",
    "ImageGenerationTool",
    "ImageGenerationToolConfig",
    "KeyInfo",
    "ListModelsParams",
    "MemoryStore",
    "Message",
    "MessageRole",
    "ModelEndpoints",
    "ModelInfo",
    "ModelRegistry",
    "ModerationPlugin",
    "OpenRouterClient",
    "ParetoRouterPlugin",
    "PdfOptions",
    "Pkce",
    "Plugin",
    "ProviderInfo",
    "RateLimit",
    "RawResponse",
    "RedisStore",
    "RequestEvent",
    "RerankDocument",
    "RerankParams",
    "RerankResponse",
    "ResponseEvent",
    "ResponseHealingPlugin",
    "RetryEvent",
    "RouteVariant",
    "SearchModelsTool",
    "SearchModelsToolConfig",
    "ServerToolReasoning",
    "StopCondition",
    "Store",
    "StoreEvent",
    "Stream",
    "StreamChunk",
    "SubagentTool",
    "SubagentToolConfig",
    "TokenCount",
    "TokenUsage",
    "ToolCall",
    "ToolDefinition",
    "ToolRun",
    "UsageSnapshot",
    "UserLocation",
    "VARIABLE",
    "VariablePrice",
    "WebFetchPlugin",
    "WebFetchTool",
    "WebFetchToolConfig",
    "WebPlugin",
    "WebSearchTool",
    "WebSearchToolConfig",
    "__version__",
    "apply_variant",
    "count_prompt",
    "errors",
    "estimate_prompt",
    "response_format_for",
    "split_variant",
]

#: Public names whose module is imported on first use, so ``import openrouter_kit`` stays light:
#: the wire models (about 60 attrs classes), the hook events, the tool runner and the tokenizer.
_LAZY = {
    **dict.fromkeys(
        (
            "ApiKey",
            "AuthCode",
            "AuthKey",
            "CompletionChoice",
            "CompletionRequest",
            "CompletionResponse",
            "ContentPart",
            "CreatedApiKey",
            "Credits",
            "EmbeddingInput",
            "EmbeddingResponse",
            "GenerationContent",
            "DeletedApiKey",
            "GenerationStats",
            "KeyInfo",
            "Message",
            "ModelEndpoints",
            "ModelInfo",
            "ProviderInfo",
            "RerankDocument",
            "RerankResponse",
            "StopCondition",
            "StreamChunk",
            "TokenUsage",
            "ToolCall",
            "ToolDefinition",
            # typed plugins and server tools
            "AdvisorTool",
            "AdvisorToolConfig",
            "AutoBetaRouterPlugin",
            "AutoRouterPlugin",
            "BashEnvironment",
            "BashTool",
            "BashToolConfig",
            "ContextCompressionPlugin",
            "DatetimeTool",
            "DatetimeToolConfig",
            "FileParserPlugin",
            "FilesTool",
            "FilesToolConfig",
            "FusionPlugin",
            "FusionTool",
            "FusionToolConfig",
            "ImageGenerationTool",
            "ImageGenerationToolConfig",
            "ModerationPlugin",
            "ParetoRouterPlugin",
            "PdfOptions",
            "Plugin",
            "ResponseHealingPlugin",
            "SearchModelsTool",
            "SearchModelsToolConfig",
            "ServerToolReasoning",
            "SubagentTool",
            "SubagentToolConfig",
            "UserLocation",
            "WebFetchPlugin",
            "WebFetchTool",
            "WebFetchToolConfig",
            "WebPlugin",
            "WebSearchTool",
            "WebSearchToolConfig",
        ),
        "openrouter_kit._generated.models",
    ),
    **dict.fromkeys(
        (
            "ErrorEvent",
            "HookEvent",
            "RequestEvent",
            "ResponseEvent",
            "RetryEvent",
            "StoreEvent",
        ),
        "openrouter_kit._core.events",
    ),
    **dict.fromkeys(
        ("CompletionParams", "EmbedParams", "ListModelsParams", "RerankParams"),
        "openrouter_kit._generated.params",
    ),
    "Pkce": "openrouter_kit._oauth",
    "ToolRun": "openrouter_kit._core.tools",
    # redis-py is imported when a RedisStore is made (the optional extra ``[redis]``)
    "RedisStore": "openrouter_kit._redis",
    **dict.fromkeys(("TokenCount", "estimate_prompt"), "openrouter_kit._core.tokens"),
    "count_prompt": "openrouter_kit._tokenizers",
}


def _publish(values: dict[str, object]) -> None:
    """Bind public names here and show their classes as ``openrouter_kit.X`` in reprs."""
    for name, value in values.items():
        if isinstance(value, type) and value.__module__.startswith("openrouter_kit."):
            value.__module__ = __name__
        globals()[name] = value


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'openrouter_kit' has no attribute {name!r}")
    loaded = import_module(module)
    _publish({n: getattr(loaded, n) for n, m in _LAZY.items() if m == module})
    return globals()[name]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


_publish({name: globals()[name] for name in __all__ if name not in _LAZY})
