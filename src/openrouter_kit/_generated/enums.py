"""The API's enumerations: open StrEnums of the known values (no attrs class).

Generated - do not edit. Run ``python codegen/generate.py`` to regenerate.
"""

from enum import StrEnum


class MessageRole(StrEnum):
    """Who wrote a message. Open: a role the server adds later still parses, as a plain string."""

    SYSTEM = "system"
    DEVELOPER = "developer"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


class FinishReason(StrEnum):
    """Why a choice stopped (normalised by OpenRouter). Open: new reasons parse as plain strings."""

    STOP = "stop"
    LENGTH = "length"
    TOOL_CALLS = "tool_calls"
    CONTENT_FILTER = "content_filter"
    ERROR = "error"


class ReasoningEffort(StrEnum):
    """How hard a reasoning model thinks, from max down to none. Open: new levels parse as plain strings."""

    MAX = "max"
    XHIGH = "xhigh"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    MINIMAL = "minimal"
    NONE = "none"


class Quantization(StrEnum):
    """The number format a provider serves a model's weights in. Open: new formats parse as plain strings."""

    INT4 = "int4"
    INT8 = "int8"
    FP4 = "fp4"
    MXFP4 = "mxfp4"
    NVFP4 = "nvfp4"
    FP6 = "fp6"
    FP8 = "fp8"
    MXFP8 = "mxfp8"
    FP16 = "fp16"
    BF16 = "bf16"
    FP32 = "fp32"
    UNKNOWN = "unknown"


class ProviderSort(StrEnum):
    """What to rank providers by when no explicit order is given. Open: new strategies parse as plain strings."""

    PRICE = "price"
    THROUGHPUT = "throughput"
    LATENCY = "latency"
    EXACTO = "exacto"


class EncodingFormat(StrEnum):
    """How the vectors of an embeddings response are encoded: floats, or base64 of little-endian float32."""

    FLOAT = "float"
    BASE64 = "base64"


class ModelCategory(StrEnum):
    """A use-case category the model list can be filtered by."""

    PROGRAMMING = "programming"
    ROLEPLAY = "roleplay"
    MARKETING = "marketing"
    MARKETING_SEO = "marketing/seo"
    TECHNOLOGY = "technology"
    SCIENCE = "science"
    TRANSLATION = "translation"
    LEGAL = "legal"
    FINANCE = "finance"
    HEALTH = "health"
    TRIVIA = "trivia"
    ACADEMIA = "academia"


class ModelSort(StrEnum):
    """How the server orders the model list."""

    MOST_POPULAR = "most-popular"
    NEWEST = "newest"
    TOP_WEEKLY = "top-weekly"
    PRICING_LOW_TO_HIGH = "pricing-low-to-high"
    PRICING_HIGH_TO_LOW = "pricing-high-to-low"
    CONTEXT_HIGH_TO_LOW = "context-high-to-low"
    THROUGHPUT_HIGH_TO_LOW = "throughput-high-to-low"
    LATENCY_LOW_TO_HIGH = "latency-low-to-high"
    INTELLIGENCE_HIGH_TO_LOW = "intelligence-high-to-low"
    CODING_HIGH_TO_LOW = "coding-high-to-low"
    AGENTIC_HIGH_TO_LOW = "agentic-high-to-low"
    DESIGN_ARENA_ELO_HIGH_TO_LOW = "design-arena-elo-high-to-low"


class InputModality(StrEnum):
    """A kind of input a model accepts. Open: new kinds parse as plain strings."""

    TEXT = "text"
    IMAGE = "image"
    FILE = "file"
    AUDIO = "audio"
    VIDEO = "video"


class OutputModality(StrEnum):
    """A kind of output a model produces. Open: new kinds parse as plain strings."""

    TEXT = "text"
    IMAGE = "image"
    EMBEDDINGS = "embeddings"
    AUDIO = "audio"
    VIDEO = "video"
    RERANK = "rerank"
    SPEECH = "speech"
    TRANSCRIPTION = "transcription"


class RouteVariant(StrEnum):
    """A documented model-id suffix. ``DEFAULT`` means no suffix.

    ``NITRO`` sorts providers by throughput, ``FLOOR`` by price, ``EXACTO`` by tool-calling quality;
    ``FREE`` uses free endpoints (rate limited); ``EXTENDED`` a longer context; ``THINKING``
    enables reasoning; ``ONLINE`` adds web search (deprecated upstream); ``BATCH`` uses batch
    endpoints.
    """

    DEFAULT = ""
    NITRO = "nitro"
    FLOOR = "floor"
    ONLINE = "online"
    THINKING = "thinking"
    FREE = "free"
    EXTENDED = "extended"
    EXACTO = "exacto"
    BATCH = "batch"


__all__ = [
    "EncodingFormat",
    "FinishReason",
    "InputModality",
    "MessageRole",
    "ModelCategory",
    "ModelSort",
    "OutputModality",
    "ProviderSort",
    "Quantization",
    "ReasoningEffort",
    "RouteVariant",
]
