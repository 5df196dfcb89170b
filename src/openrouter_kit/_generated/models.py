"""Wire models of the OpenRouter API: attrs classes (and the enums, re-exported).

Generated - do not edit. Run ``python codegen/generate.py`` to regenerate.
"""

from decimal import Decimal
from typing import Any

from attrs import define, field

from openrouter_kit._core.modelbase import WireModel
from openrouter_kit._core.money import Price
from openrouter_kit._generated.enums import (
    EncodingFormat,
    FinishReason,
    InputModality,
    MessageRole,
    ModelCategory,
    ModelSort,
    OutputModality,
    ProviderSort,
    Quantization,
    ReasoningEffort,
    RouteVariant,
)
from openrouter_kit._model_methods import (
    CompletionResponseMixin,
    ContentPartMixin,
    EmbeddingResponseMixin,
    GenerationStatsMixin,
    MessageMixin,
    ModelInfoMixin,
    PricingMixin,
    RerankResponseMixin,
    ResponseMessageMixin,
    StopConditionMixin,
    StreamChunkMixin,
    TokenUsageMixin,
    ToolCallMixin,
    ToolDefinitionMixin,
)


@define(kw_only=True, repr=False)
class ProviderResponse(WireModel):
    """One provider attempt of a generation, fallbacks included."""

    provider_name: str | None = None
    #: The HTTP status the provider answered with.
    status: int | None = None
    #: Milliseconds.
    latency: float | None = None
    id: str | None = None
    endpoint_id: str | None = None
    model_permaslug: str | None = None
    is_byok: bool | None = None
    routed_service_tier: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class GenerationStats(GenerationStatsMixin):
    """What one generation cost, which provider served it, its native token counts and timings."""

    #: The generation id (the id of the completion).
    id: str | None = None
    #: The provider's own id for the generation.
    upstream_id: str | None = None
    #: Groups the generations of one API request.
    request_id: str | None = None
    #: USD charged.
    total_cost: Decimal | None = None
    #: Usage in USD.
    usage: Decimal | None = None
    #: Discount from prompt caching.
    cache_discount: Decimal | None = None
    #: What the provider charged (bring-your-own-key only).
    upstream_inference_cost: Decimal | None = None
    #: ISO 8601 timestamp.
    created_at: str | None = None
    model: str | None = None
    provider_name: str | None = None
    #: The router used, such as openrouter/auto.
    router: str | None = None
    api_type: str | None = None
    streamed: bool | None = None
    cancelled: bool | None = None
    #: Total latency in milliseconds.
    latency: float | None = None
    #: Generation time in milliseconds.
    generation_time: float | None = None
    #: Moderation time in milliseconds.
    moderation_latency: float | None = None
    #: Prompt tokens, normalised.
    tokens_prompt: int | None = None
    #: Completion tokens, normalised.
    tokens_completion: int | None = None
    #: Prompt tokens by the provider's count (the billing basis).
    native_tokens_prompt: int | None = None
    #: Completion tokens by the provider's count (the billing basis).
    native_tokens_completion: int | None = None
    native_tokens_reasoning: int | None = None
    native_tokens_cached: int | None = None
    native_tokens_completion_images: int | None = None
    num_media_prompt: int | None = None
    num_media_completion: int | None = None
    num_input_audio_prompt: int | None = None
    num_search_results: int | None = None
    num_fetches: int | None = None
    web_search_engine: str | None = None
    finish_reason: str | None = None
    native_finish_reason: str | None = None
    is_byok: bool | None = None
    #: Origin URL of the request.
    origin: str | None = None
    http_referer: str | None = None
    user_agent: str | None = None
    #: The request's user field.
    external_user: str | None = None
    app_id: int | None = None
    preset_id: str | None = None
    session_id: str | None = None
    service_tier: str | None = None
    data_region: str | None = None
    workspace_id: str | None = None
    #: The original generation, when this one was served from the response cache.
    response_cache_source_id: str | None = None
    #: Every provider attempt, fallbacks included.
    provider_responses: list[ProviderResponse] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class GenerationResponse(WireModel):
    """The response of GET /generation."""

    data: GenerationStats | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class KeyInfo(WireModel):
    """The API key in use: its spending limit, usage in USD and kind."""

    #: The masked key, such as sk-or-v1-abc...123.
    label: str | None = None
    #: Spending limit in USD, or null for none.
    limit: Decimal | None = None
    #: USD left under the limit.
    limit_remaining: Decimal | None = None
    #: How often the limit resets, such as monthly.
    limit_reset: str | None = None
    include_byok_in_limit: bool | None = None
    #: Total usage in USD.
    usage: Decimal | None = None
    usage_daily: Decimal | None = None
    usage_weekly: Decimal | None = None
    usage_monthly: Decimal | None = None
    #: Total bring-your-own-key usage in USD.
    byok_usage: Decimal | None = None
    byok_usage_daily: Decimal | None = None
    byok_usage_weekly: Decimal | None = None
    byok_usage_monthly: Decimal | None = None
    is_free_tier: bool | None = None
    is_management_key: bool | None = None
    #: Deprecated name of is_management_key.
    is_provisioning_key: bool | None = None
    creator_user_id: str | None = None
    #: ISO 8601 expiry, or null.
    expires_at: str | None = None
    #: Deprecated; ignore.
    rate_limit: dict[str, Any] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class KeyResponse(WireModel):
    """The response of GET /key."""

    data: KeyInfo | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class Credits(WireModel):
    """Credits bought and used, in USD; the balance is the difference."""

    total_credits: Decimal | None = None
    total_usage: Decimal | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class CreditsResponse(WireModel):
    """The response of GET /credits (needs a management key)."""

    data: Credits | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ImageUrl(WireModel):
    """An image given by URL or data URL."""

    #: https:// URL or data:image/...;base64 URL.
    url: str
    #: Image detail level.
    detail: str | None = field(default=None, metadata={'enum': ('auto', 'low', 'high', 'original')})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class FileInput(WireModel):
    """A file (for example a PDF) attached to a message, by URL, data URL or file id."""

    #: The file's name, shown to the model and the file parser.
    filename: str | None = None
    #: The file as an https:// URL or a data: URL with base64 content.
    file_data: str | None = None
    #: The id of a file uploaded earlier, instead of file_data.
    file_id: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class InputAudio(WireModel):
    """Audio attached to a message as raw base64 data (URLs are not accepted)."""

    #: The audio bytes, base64-encoded, without a data: prefix.
    data: str
    #: The audio format, such as wav, mp3, aiff, aac, ogg, flac, m4a, pcm16 or pcm24.
    format: str
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class VideoUrl(WireModel):
    """A video attached to a message by URL or data URL (URL support depends on the provider)."""

    #: https:// URL or data:video/...;base64 URL.
    url: str
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class CacheControl(WireModel):
    """A prompt-cache breakpoint: on the request, a content part or a tool, it marks what to cache."""

    #: Always ephemeral.
    type: str = field(default="ephemeral", metadata={'enum': ('ephemeral',)})
    #: How long the cache entry lives: 5m (the default) or 1h.
    ttl: str | None = field(default=None, metadata={'enum': ('5m', '1h')})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ContentPart(ContentPartMixin):
    """One part of a message's content: text, image_url, file, input_audio or video_url (the type says which field is set)."""

    #: text, image_url, file, input_audio or video_url.
    type: str
    #: The text of a text part.
    text: str | None = None
    image_url: ImageUrl | None = None
    #: The file of a file part.
    file: FileInput | None = None
    #: The audio of an input_audio part.
    input_audio: InputAudio | None = None
    #: The video of a video_url part.
    video_url: VideoUrl | None = None
    #: Cache everything up to and including this part (text parts).
    cache_control: CacheControl | None = None
    #: Explicit cache breakpoint for providers with explicit caching, e.g. {"mode": "explicit"}.
    prompt_cache_breakpoint: dict[str, Any] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class FunctionCall(WireModel):
    """The function a tool call invokes, with its arguments as a JSON string."""

    name: str | None = None
    #: JSON-encoded arguments (may be malformed; validate before use).
    arguments: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ToolCall(ToolCallMixin):
    """A tool call requested by the model (streamed deltas also carry index)."""

    id: str | None = None
    type: str = "function"
    #: Position of this call in a streamed turn (deltas only).
    index: int | None = None
    function: FunctionCall | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class Message(MessageMixin):
    """One chat message (system, developer, user, assistant or tool)."""

    #: Who wrote it; an unknown role is refused by the conversation checks, with the roles listed.
    role: str
    content: str | list[ContentPart] | None = None
    name: str | None = None
    #: The call a tool message answers.
    tool_call_id: str | None = None
    tool_calls: list[ToolCall] | None = None
    #: An assistant message's plain-text reasoning, sent back to continue a reasoning turn.
    reasoning: str | None = None
    #: An assistant message's reasoning blocks; send them back unmodified and in order.
    reasoning_details: list[dict[str, Any]] | None = None
    #: An assistant message's refusal text.
    refusal: str | None = None
    #: Images an assistant message produced ({image_url: {url}} objects).
    images: list[dict[str, Any]] | None = None
    #: Audio an assistant message produced ({id, data, transcript, expires_at}).
    audio: dict[str, Any] | None = None
    #: The model that wrote an assistant message.
    model: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class FunctionDefinition(WireModel):
    """A function the model may call: its name, what it does and its JSON Schema parameters."""

    #: a-z, A-Z, 0-9, underscores and dashes, at most 64 characters.
    name: str = field(metadata={'maxLength': 64})
    #: What the function does; the model reads it to decide when to call.
    description: str | None = None
    #: A JSON Schema object describing the arguments.
    parameters: dict[str, Any] | None = None
    #: Ask for arguments that follow the schema exactly (where the provider supports it).
    strict: bool | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ToolDefinition(ToolDefinitionMixin):
    """A tool the model may use: a function tool, or an OpenRouter server tool such as openrouter:web_search (its settings go in extra)."""

    #: function, or a server tool type such as openrouter:web_search.
    type: str = "function"
    #: The function of a function tool.
    function: FunctionDefinition | None = None
    #: Cache the tool list up to and including this tool.
    cache_control: CacheControl | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ToolChoiceFunction(WireModel):
    """Names the function a forced tool choice must call."""

    name: str
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ToolChoice(WireModel):
    """Forces a specific tool: a named function, or a server tool by its type."""

    #: function, or a server tool type.
    type: str = "function"
    function: ToolChoiceFunction | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class JsonSchemaFormat(WireModel):
    """The JSON Schema a structured (json_schema) response must follow."""

    #: a-z, A-Z, 0-9, underscores and dashes, at most 64 characters.
    name: str = field(metadata={'maxLength': 64})
    #: What the schema describes, for the model.
    description: str | None = None
    #: The JSON Schema object.
    schema: dict[str, Any] | None = None
    #: Enforce the schema exactly.
    strict: bool | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ResponseFormat(WireModel):
    """The output format: text, json_object, json_schema (with a schema), grammar or python."""

    type: str = field(metadata={'enum': ('text', 'json_object', 'json_schema', 'grammar', 'python')})
    #: The schema, for type json_schema.
    json_schema: JsonSchemaFormat | None = None
    #: The grammar, for type grammar.
    grammar: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class StopCondition(StopConditionMixin):
    """A condition that stops the server-tool loop: StopCondition.step_count_is(5), has_tool_call(name), max_tokens_used(n), max_cost(dollars) or finish_reason_is(reason)."""

    #: Which condition; it takes the field named after it.
    type: str = field(metadata={'enum': ('step_count_is', 'has_tool_call', 'max_tokens_used', 'max_cost', 'finish_reason_is')})
    #: For step_count_is: stop after this many steps of the loop.
    step_count: int | None = None
    #: For has_tool_call: stop once a tool of this name has been called.
    tool_name: str | None = None
    #: For max_tokens_used: stop once the loop's tokens exceed this.
    max_tokens: int | None = None
    #: For max_cost: stop once the loop's cost exceeds this many US dollars.
    max_cost_in_dollars: float | None = None
    #: For finish_reason_is: stop when the model finishes with this reason (such as length).
    reason: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class StreamOptions(WireModel):
    """Streaming options (deprecated: usage is now always sent in the last chunk)."""

    #: Deprecated, no effect.
    include_usage: bool | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class Prediction(WireModel):
    """Predicted output: text the answer is expected to contain, to speed up generation."""

    #: The predicted text, or a list of text parts.
    content: str | list[ContentPart]
    type: str = field(default="content", metadata={'enum': ('content',)})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class PercentileCutoffs(WireModel):
    """Per-percentile thresholds for a soft throughput or latency preference."""

    p50: float | None = None
    p75: float | None = None
    p90: float | None = None
    p99: float | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ProviderSortConfig(WireModel):
    """A provider ranking with its scope: within each model, or across all fallback models."""

    #: price, throughput, latency or exacto.
    by: str | None = field(default=None, metadata={'enum': ('price', 'throughput', 'latency', 'exacto')})
    #: model (rank within each model) or none (rank across fallback models too).
    partition: str | None = field(default=None, metadata={'enum': ('model', 'none')})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class MaxPrice(WireModel):
    """Hard price caps in USD: per million tokens for prompt and completion, per request, per image and for audio."""

    #: USD per million prompt tokens.
    prompt: Decimal | None = field(default=None, metadata={'minimum': 0})
    #: USD per million completion tokens.
    completion: Decimal | None = field(default=None, metadata={'minimum': 0})
    #: USD per request.
    request: Decimal | None = field(default=None, metadata={'minimum': 0})
    #: USD per image.
    image: Decimal | None = field(default=None, metadata={'minimum': 0})
    #: USD for audio.
    audio: Decimal | None = field(default=None, metadata={'minimum': 0})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ProviderPreferences(WireModel):
    """Provider routing preferences: which providers may serve the request, in what order, and at what price."""

    #: Provider slugs to try first, in this order (disables load balancing).
    order: list[str] | None = None
    #: Whether other providers may serve when the preferred ones fail (server default true).
    allow_fallbacks: bool | None = None
    #: Only use providers that support every parameter sent (server default false).
    require_parameters: bool | None = None
    #: deny: skip providers that store or train on data (server default allow).
    data_collection: str | None = field(default=None, metadata={'enum': ('allow', 'deny')})
    #: Only use zero-data-retention endpoints.
    zdr: bool | None = None
    #: Only use models whose authors allow distillation.
    enforce_distillable_text: bool | None = None
    #: Provider slugs allowed for this request.
    only: list[str] | None = None
    #: Provider slugs never to use for this request.
    ignore: list[str] | None = None
    #: Only use endpoints serving one of these quantizations.
    quantizations: list[str] | None = field(default=None, metadata={'enum': ('int4', 'int8', 'fp4', 'mxfp4', 'nvfp4', 'fp6', 'fp8', 'mxfp8', 'fp16', 'bf16', 'fp32', 'unknown')})
    #: Rank providers by price, throughput, latency or exacto (disables load balancing).
    sort: str | ProviderSortConfig | None = field(default=None, metadata={'enum': ('price', 'throughput', 'latency', 'exacto')})
    #: Soft minimum throughput in tokens per second (p50, or per percentile).
    preferred_min_throughput: float | PercentileCutoffs | None = None
    #: Soft maximum latency in seconds (p50, or per percentile).
    preferred_max_latency: float | PercentileCutoffs | None = None
    #: Hard price caps; the request fails if no provider fits.
    max_price: MaxPrice | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ReasoningConfig(WireModel):
    """Reasoning settings: effort or token budget, and whether the reasoning is returned."""

    #: max, xhigh, high, medium, low, minimal or none (send effort or max_tokens, not both).
    effort: str | None = field(default=None, metadata={'enum': ('max', 'xhigh', 'high', 'medium', 'low', 'minimal', 'none')})
    #: Reasoning token budget (docs only).
    max_tokens: int | None = field(default=None, metadata={'minimum': 0, 'maximum': 2147483647})
    #: Reason, but leave the reasoning out of the response (docs only).
    exclude: bool | None = None
    #: Turn reasoning on with default settings (docs only).
    enabled: bool | None = None
    #: Reasoning summary verbosity: auto, concise or detailed.
    summary: str | None = field(default=None, metadata={'enum': ('auto', 'concise', 'detailed')})
    #: Which turns' reasoning to keep, such as all_turns or current_turn (newest OpenAI models;
    #: docs only).
    context: str | None = None
    #: Reasoning mode, such as standard or pro (newest OpenAI models; docs only).
    mode: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class Plugin(WireModel):
    """A plugin to run with the request, such as web or file-parser; plugin-specific settings go in extra."""

    #: The plugin, e.g. web, web-fetch, file-parser, response-healing or context-compression.
    id: str = field(metadata={'enum': ('auto-router', 'auto-beta-router', 'moderation', 'web', 'web-fetch', 'file-parser', 'response-healing', 'context-compression', 'pareto-router', 'fusion')})
    #: false turns off a plugin that would run by default.
    enabled: bool | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class UsageOptions(WireModel):
    """Usage accounting switch (deprecated, no effect: usage and cost are always returned; not in the spec)."""

    #: Deprecated, no effect.
    include: bool | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class DebugOptions(WireModel):
    """Debugging switches for streaming requests; not for production."""

    #: Echo the body sent to each provider in a debug chunk at the start of the stream.
    echo_upstream_body: bool | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class CompletionRequest(WireModel):
    """A chat completion request: every documented OpenAI and OpenRouter parameter."""

    messages: list[Message] = field(metadata={'minItems': 1})
    #: author/slug[:variant] or a ~author/family-latest alias; the account default when unset.
    model: str | None = field(default=None, metadata={'pattern': '^\\S+$', 'pattern_means': 'a model id such as openai/gpt-4o (not empty, no whitespace)'})
    #: Fallback models, tried in order when the previous one fails.
    models: list[str] | None = field(default=None, metadata={'pattern': '^\\S+$', 'pattern_means': 'a model id such as openai/gpt-4o (not empty, no whitespace)'})
    #: Stream the answer as server-sent events (server default false).
    stream: bool | None = None
    #: Maximum tokens to generate (deprecated in favour of max_completion_tokens).
    max_tokens: int | None = field(default=None, metadata={'minimum': 1, 'maximum': 2147483647})
    #: Maximum tokens to generate, reasoning included.
    max_completion_tokens: int | None = field(default=None, metadata={'minimum': 1, 'maximum': 2147483647})
    temperature: float | None = field(default=None, metadata={'minimum': 0, 'maximum': 2})
    #: Nucleus sampling: only tokens within this cumulative probability.
    top_p: float | None = field(default=None, metadata={'minimum': 0, 'maximum': 1})
    #: Only the k most likely tokens (not available on OpenAI models).
    top_k: int | None = field(default=None, metadata={'minimum': 0, 'maximum': 2147483647})
    #: Drop tokens less likely than min_p times the most likely one.
    min_p: float | None = field(default=None, metadata={'minimum': 0, 'maximum': 1})
    #: Drop tokens far less likely than the most likely one.
    top_a: float | None = field(default=None, metadata={'minimum': 0, 'maximum': 1})
    frequency_penalty: float | None = field(default=None, metadata={'minimum': -2, 'maximum': 2})
    presence_penalty: float | None = field(default=None, metadata={'minimum': -2, 'maximum': 2})
    #: 1.0 means no penalty; higher values repeat less.
    repetition_penalty: float | None = field(default=None, metadata={'maximum': 2, 'exclusiveMinimum': 0})
    #: Up to 4 sequences that end generation.
    stop: str | list[str] | None = field(default=None, metadata={'maxItems': 4})
    #: Seed for repeatable sampling (not every provider honours it).
    seed: int | None = field(default=None, metadata={'minimum': -9223372036854775808, 'maximum': 9223372036854775807})
    #: Token id (as a string key) to bias, from -100 to 100.
    logit_bias: dict[str, float] | None = field(default=None, metadata={'minimum': -100, 'maximum': 100})
    #: Return the log probability of each output token.
    logprobs: bool | None = None
    #: How many alternatives per token to return (needs logprobs).
    top_logprobs: int | None = field(default=None, metadata={'minimum': 0, 'maximum': 20})
    response_format: ResponseFormat | None = None
    #: Tools the model may call; send them on every turn.
    tools: list[ToolDefinition] | None = None
    #: none, auto, required, or a ToolChoice forcing one tool.
    tool_choice: str | ToolChoice | None = field(default=None, metadata={'enum': ('none', 'auto', 'required')})
    #: false: at most one tool call per turn (server default true).
    parallel_tool_calls: bool | None = None
    #: A stable id of your end user, for abuse isolation.
    user: str | None = None
    #: Up to 16 string pairs stored with the request.
    metadata: dict[str, str] | None = None
    #: Output modalities: text, image, audio.
    modalities: list[str] | None = field(default=None, metadata={'enum': ('text', 'image', 'audio')})
    prediction: Prediction | None = None
    #: Processing tier; fast is an alias of priority.
    service_tier: str | None = field(default=None, metadata={'enum': ('auto', 'default', 'fast', 'flex', 'priority', 'scale')})
    #: Cache key; also the sticky-routing key when there is no session_id.
    prompt_cache_key: str | None = None
    stream_options: StreamOptions | None = None
    provider: ProviderPreferences | None = None
    #: Deprecated alias of provider.sort.partition (fallback = model, sort = none).
    route: str | None = field(default=None, metadata={'enum': ('fallback', 'sort')})
    plugins: list[Plugin] | None = None
    #: Legacy prompt transforms such as middle-out (not in the spec; use the context-compression
    #: plugin).
    transforms: list[str] | None = None
    reasoning: ReasoningConfig | None = None
    #: Shorthand for reasoning.effort.
    reasoning_effort: str | None = field(default=None, metadata={'enum': ('max', 'xhigh', 'high', 'medium', 'low', 'minimal', 'none')})
    #: Deprecated: true is reasoning {}, false is reasoning {exclude: true} (docs only).
    include_reasoning: bool | None = None
    #: Deprecated, no effect (docs only).
    usage: UsageOptions | None = None
    #: How long and detailed the answer should be, from low to max (docs only).
    verbosity: str | None = None
    #: Web search settings (docs only).
    web_search_options: dict[str, Any] | None = None
    #: Audio output settings {voice, format}; needs modalities with audio and stream (docs only).
    audio: dict[str, Any] | None = None
    #: Groups related requests; sticky routing and log grouping.
    session_id: str | None = field(default=None, metadata={'maxLength': 256})
    #: Observability passthrough: trace_id, trace_name, span_name, generation_name, parent_span_id,
    #: ...
    trace: dict[str, Any] | None = None
    #: Automatic prompt-cache breakpoint for the whole request.
    cache_control: CacheControl | None = None
    #: Explicit prompt caching for newest OpenAI models: {mode: explicit, ttl}.
    prompt_cache_options: dict[str, Any] | None = None
    #: Provider-specific image generation options.
    image_config: dict[str, Any] | None = None
    debug: DebugOptions | None = None
    #: When to stop the server-tool loop: any condition that fires stops it (overrides
    #: max_tool_calls); StopCondition.step_count_is(5), ...
    stop_server_tools_when: list[StopCondition] | None = field(default=None, metadata={'minItems': 1})
    #: Legacy plain prompt instead of messages (docs only).
    prompt: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class PromptTokensDetails(WireModel):
    """A breakdown of prompt tokens: cache reads and writes, audio and video."""

    #: Prompt tokens read from the cache.
    cached_tokens: int | None = None
    #: Prompt tokens written to the cache (explicit-cache models).
    cache_write_tokens: int | None = None
    audio_tokens: int | None = None
    video_tokens: int | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class CompletionTokensDetails(WireModel):
    """A breakdown of completion tokens: reasoning, audio, images and predicted output."""

    #: Tokens spent reasoning (billed as output).
    reasoning_tokens: int | None = None
    audio_tokens: int | None = None
    #: Image output tokens (docs only).
    image_tokens: int | None = None
    accepted_prediction_tokens: int | None = None
    rejected_prediction_tokens: int | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class CostDetails(WireModel):
    """What the upstream provider charged, meaningful for bring-your-own-key requests."""

    #: Upstream total in USD.
    upstream_inference_cost: Decimal | None = None
    #: Upstream prompt cost in USD.
    upstream_inference_prompt_cost: Decimal | None = None
    #: Upstream completion cost in USD.
    upstream_inference_completions_cost: Decimal | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ServerToolUseDetails(WireModel):
    """How much server-side tool work (web searches, tool calls) the request used."""

    web_search_requests: int | None = None
    tool_calls_requested: int | None = None
    tool_calls_executed: int | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class TokenUsage(TokenUsageMixin):
    """Tokens counted with the model's own tokenizer, and what the request cost in USD."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    #: Charged amount in credits (1 credit = 1 USD).
    cost: Decimal | None = None
    #: Whether the request used your own provider key.
    is_byok: bool | None = None
    prompt_tokens_details: PromptTokensDetails | None = None
    completion_tokens_details: CompletionTokensDetails | None = None
    cost_details: CostDetails | None = None
    server_tool_use_details: ServerToolUseDetails | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ErrorInfo(WireModel):
    """An error object: in an error body, a choice, or a stream event."""

    #: Usually the HTTP status; may be a string or absent.
    code: int | str | None = None
    message: str | None = None
    metadata: dict[str, Any] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class UrlCitation(WireModel):
    """A web page a reply cites (web search): its URL and title, the text used, and the span of the content it supports (docs and wire, not in the spec)."""

    #: The page's URL.
    url: str | None = None
    #: The page's title.
    title: str | None = None
    #: The text of the page the answer used.
    content: str | None = None
    #: Where in the message content the cited span starts (a character offset).
    start_index: int | None = None
    #: Where the cited span ends.
    end_index: int | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class Annotation(WireModel):
    """One annotation of a reply: a URL citation (type url_citation) from web search, or a parsed file (type file, sent back to skip parsing it again) (docs and wire, not in the spec)."""

    #: url_citation or file.
    type: str | None = None
    #: The cited page (type url_citation).
    url_citation: UrlCitation | None = None
    #: The parsed file: {hash, name, content} (type file).
    file: dict[str, Any] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ResponseMessage(ResponseMessageMixin):
    """The assistant's message in a response choice; it goes back into a conversation as it is (see to_message)."""

    role: str = "assistant"
    content: str | list[ContentPart] | None = None
    #: A name for the assistant, sent back with the message.
    name: str | None = None
    tool_calls: list[ToolCall] | None = None
    #: Why the model refused, when it did.
    refusal: str | None = None
    #: The model's plain-text reasoning.
    reasoning: str | None = None
    #: Typed reasoning blocks; send them back unmodified to continue a reasoning turn.
    reasoning_details: list[dict[str, Any]] | None = None
    #: Generated images as {image_url: {url}} objects (data URLs).
    images: list[dict[str, Any]] | None = None
    #: Generated audio: {id, data (base64), transcript, expires_at}.
    audio: dict[str, Any] | None = None
    #: Web citations (url_citation) and parsed files (file) (docs and wire, not in the spec).
    annotations: list[Annotation] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class CompletionChoice(WireModel):
    """One answer of a completion."""

    index: int = 0
    #: The answer; an empty assistant message when the server sent none.
    message: ResponseMessage = field(factory=ResponseMessage)
    finish_reason: str | None = None
    native_finish_reason: str | None = None
    error: ErrorInfo | None = None
    #: Token log probabilities, when requested: {content, refusal}.
    logprobs: dict[str, Any] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class CompletionResponse(CompletionResponseMixin):
    """A chat completion: the model that answered, its choices, token usage and cost."""

    id: str | None = None
    object: str | None = None
    created: int | None = None
    model: str | None = None
    provider: str | None = None
    choices: list[CompletionChoice] = field(factory=list)
    #: Tokens and cost; zeros when the server reported none.
    usage: TokenUsage = field(factory=TokenUsage)
    #: The provider's backend configuration id, when it reports one.
    system_fingerprint: str | None = None
    #: The tier the provider ran the request on.
    service_tier: str | None = None
    #: Routing details, sent only with the X-OpenRouter-Metadata: enabled header.
    openrouter_metadata: dict[str, Any] | None = None
    #: Seconds from sending the request to the parsed response (measured by the client).
    latency: float | None = field(default=None, metadata={'local': True})
    #: How many HTTP attempts the call took, retries included (measured by the client).
    attempts: int | None = field(default=None, metadata={'local': True})
    #: USD computed from the model's prices when the server reported no cost (see
    #: cost_is_estimate).
    estimated_cost: Decimal | None = field(default=None, metadata={'local': True})
    #: Seconds from sending a streamed request to its first content, reasoning or tool-call delta
    #: (streams only; measured by the client).
    time_to_first_token: float | None = field(default=None, metadata={'local': True})
    #: True for the answer so far of a stream that was closed (or failed) before the server
    #: finished it.
    partial: bool = field(default=False, metadata={'local': True})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class StreamDelta(WireModel):
    """What one stream chunk adds to a choice: text, reasoning or tool-call fragments."""

    role: str | None = None
    #: A text fragment.
    content: str | None = None
    #: A reasoning text fragment.
    reasoning: str | None = None
    #: Reasoning blocks or fragments, in order.
    reasoning_details: list[dict[str, Any]] | None = None
    refusal: str | None = None
    #: Tool-call fragments; concatenate function.arguments per index.
    tool_calls: list[ToolCall] | None = None
    #: An audio fragment: {data, transcript}.
    audio: dict[str, Any] | None = None
    #: Generated images (docs and wire, not in the spec).
    images: list[dict[str, Any]] | None = None
    #: Citations (docs and wire, not in the spec).
    annotations: list[dict[str, Any]] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class StreamChoice(WireModel):
    """One choice inside a stream chunk."""

    index: int = 0
    delta: StreamDelta | None = None
    finish_reason: str | None = None
    #: The provider's own finish reason (docs and wire, not in the spec).
    native_finish_reason: str | None = None
    logprobs: dict[str, Any] | None = None
    #: Set with finish_reason error when the provider failed mid-answer (docs, not in the spec).
    error: ErrorInfo | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class StreamChunk(StreamChunkMixin):
    """One server-sent event of a streamed completion; the last one carries usage, an error event carries error."""

    id: str | None = None
    object: str | None = None
    created: int | None = None
    model: str | None = None
    #: The provider serving the stream (docs and wire, not in the spec).
    provider: str | None = None
    system_fingerprint: str | None = None
    service_tier: str | None = None
    choices: list[StreamChoice] = field(factory=list)
    #: Token usage and cost, in the last chunk.
    usage: TokenUsage | None = None
    #: A mid-stream error; the stream ends after it.
    error: ErrorInfo | None = None
    #: Routing details, sent only with the X-OpenRouter-Metadata: enabled header.
    openrouter_metadata: dict[str, Any] | None = None
    #: Debug output such as echo_upstream_body (docs only, not in the spec).
    debug: dict[str, Any] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class EmbeddingInput(WireModel):
    """One multimodal input to embed: its content parts (text, image_url, input_audio, video_url or file)."""

    #: The parts embedded together as one vector.
    content: list[ContentPart] = field(metadata={'minItems': 1})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class EmbeddingRequest(WireModel):
    """An embeddings request: the model, what to embed and every documented option."""

    #: The embedding model, such as openai/text-embedding-3-small.
    model: str = field(metadata={'pattern': '^\\S+$', 'pattern_means': 'a model id such as openai/text-embedding-3-small (not empty, no whitespace)'})
    #: A text, a list of texts, a list of token ids, a list of such lists, or a list of
    #: EmbeddingInput (multimodal).
    input: str | list[Any]
    #: How many dimensions each vector has (models that can shorten them).
    dimensions: int | None = field(default=None, metadata={'minimum': 1, 'maximum': 2147483647})
    #: float (the default) or base64.
    encoding_format: str | None = field(default=None, metadata={'enum': ('float', 'base64')})
    #: What the input is for, such as search_query or search_document (models that distinguish
    #: them).
    input_type: str | None = None
    #: Provider routing preferences.
    provider: ProviderPreferences | None = None
    #: A stable id of your end user.
    user: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class Embedding(WireModel):
    """One vector of an embeddings response, with the position of its input."""

    object: str | None = None
    #: The vector: floats, or a base64 string when encoding_format was base64.
    embedding: list[float] | str = field(factory=list)
    #: The position of its input in the request.
    index: int | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class EmbeddingTokensDetails(WireModel):
    """Prompt tokens by modality, sent for inputs of two or more modalities."""

    text_tokens: int | None = None
    image_tokens: int | None = None
    audio_tokens: int | None = None
    video_tokens: int | None = None
    file_tokens: int | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class EmbeddingUsage(TokenUsageMixin):
    """The tokens an embeddings request counted, and what it cost in USD."""

    prompt_tokens: int = 0
    total_tokens: int = 0
    #: Charged amount in credits (1 credit = 1 USD).
    cost: Decimal | None = None
    #: Whether the request used your own provider key.
    is_byok: bool | None = None
    cost_details: CostDetails | None = None
    prompt_tokens_details: EmbeddingTokensDetails | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class EmbeddingResponse(EmbeddingResponseMixin):
    """The vectors of an embeddings request, in input order, with usage, cost and timing."""

    #: The generation id (for GET /generation).
    id: str | None = None
    object: str | None = None
    #: The model that answered.
    model: str | None = None
    data: list[Embedding] = field(factory=list)
    usage: EmbeddingUsage = field(factory=EmbeddingUsage)
    #: Seconds from sending the request to the whole answer (measured by the client).
    latency: float | None = field(default=None, metadata={'local': True})
    #: HTTP attempts this call took (1 without retries).
    attempts: int = field(default=1, metadata={'local': True})
    #: USD estimated from the model's prompt price when the server reported no cost.
    estimated_cost: Decimal | None = field(default=None, metadata={'local': True})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class RerankDocument(WireModel):
    """A document to rerank (or echoed in a result): text, an image URL or data URI, or both."""

    #: The document text.
    text: str | None = None
    #: An image as an http(s) URL or a data:image/... URI.
    image: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class RerankRequest(WireModel):
    """A rerank request: the model, the query, the documents and every documented option."""

    #: The rerank model, such as cohere/rerank-v3.5.
    model: str = field(metadata={'pattern': '^\\S+$', 'pattern_means': 'a model id such as cohere/rerank-v3.5 (not empty, no whitespace)'})
    #: The search query the documents are ranked against.
    query: str
    #: Plain strings, or RerankDocument objects for multimodal models.
    documents: list[str | RerankDocument] = field(metadata={'minItems': 1})
    #: How many of the most relevant documents to return (default: all).
    top_n: int | None = field(default=None, metadata={'minimum': 1, 'maximum': 2147483647})
    #: Provider routing preferences.
    provider: ProviderPreferences | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class RerankResult(WireModel):
    """One ranked document: its position in the request, its relevance score and the document."""

    #: The position of the document in the request.
    index: int | None = None
    #: How relevant the document is to the query (higher is more).
    relevance_score: float | None = None
    document: RerankDocument = field(factory=RerankDocument)
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class RerankUsage(TokenUsageMixin):
    """What a rerank request counted and cost in USD."""

    total_tokens: int = 0
    #: Search units billed (Cohere's unit).
    search_units: int | None = None
    #: Charged amount in credits (1 credit = 1 USD).
    cost: Decimal | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class RerankResponse(RerankResponseMixin):
    """The documents ordered by relevance to the query, most relevant first, with usage, cost and timing."""

    #: The generation id (for GET /generation).
    id: str | None = None
    #: The model that answered.
    model: str | None = None
    #: The provider that served the request.
    provider: str | None = None
    results: list[RerankResult] = field(factory=list)
    usage: RerankUsage = field(factory=RerankUsage)
    #: Seconds from sending the request to the whole answer (measured by the client).
    latency: float | None = field(default=None, metadata={'local': True})
    #: HTTP attempts this call took (1 without retries).
    attempts: int = field(default=1, metadata={'local': True})
    #: USD estimated from the model's prices when the server reported no cost.
    estimated_cost: Decimal | None = field(default=None, metadata={'local': True})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ErrorBody(WireModel):
    """An error response body: the error, and the user id when the server sends one."""

    error: ErrorInfo | None = None
    user_id: str | None = None
    #: Routing details, sent only with the X-OpenRouter-Metadata: enabled header.
    openrouter_metadata: dict[str, Any] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ApiKey(WireModel):
    """One API key of the account, as key management shows it: its limit, usage in USD and state (never the key itself)."""

    #: The key's identifier in key management (not the key).
    hash: str | None = None
    #: The key's name.
    name: str | None = None
    #: The masked key, such as sk-or-v1-0e6...1c96.
    label: str | None = None
    #: True when the key is disabled.
    disabled: bool | None = None
    #: Spending limit in USD, or null for none.
    limit: Decimal | None = None
    #: USD left under the limit.
    limit_remaining: Decimal | None = None
    #: How often the limit resets: daily, weekly, monthly, or null.
    limit_reset: str | None = None
    #: True when bring-your-own-key usage counts against the limit.
    include_byok_in_limit: bool | None = None
    #: Total usage in USD.
    usage: Decimal | None = None
    usage_daily: Decimal | None = None
    usage_weekly: Decimal | None = None
    usage_monthly: Decimal | None = None
    #: Total bring-your-own-key usage in USD.
    byok_usage: Decimal | None = None
    byok_usage_daily: Decimal | None = None
    byok_usage_weekly: Decimal | None = None
    byok_usage_monthly: Decimal | None = None
    #: ISO 8601 creation time.
    created_at: str | None = None
    #: ISO 8601 time of the last change.
    updated_at: str | None = None
    #: ISO 8601 expiry, or null.
    expires_at: str | None = None
    #: The user who created the key.
    creator_user_id: str | None = None
    #: The workspace the key belongs to.
    workspace_id: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ApiKeyList(WireModel):
    """The response of GET /keys."""

    data: list[ApiKey] = field(factory=list)
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ApiKeyResponse(WireModel):
    """The response of GET /keys/{hash} and PATCH /keys/{hash}."""

    data: ApiKey | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class CreatedApiKey(WireModel):
    """A key just created: its record and the key itself, shown this once (hidden in reprs)."""

    data: ApiKey | None = None
    #: The new API key; store it now, it is never shown again.
    key: str | None = field(default=None, metadata={'secret': True})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class DeletedApiKey(WireModel):
    """The response of DELETE /keys/{hash}."""

    #: True: the key was deleted.
    deleted: bool | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ApiKeyCreate(WireModel):
    """The body of POST /keys: a new key's name and limits."""

    #: The key's name.
    name: str
    #: Spending limit in USD (None: no limit).
    limit: float | None = field(default=None, metadata={'minimum': 0})
    #: How often the limit resets (None: never).
    limit_reset: str | None = field(default=None, metadata={'enum': ('daily', 'weekly', 'monthly')})
    #: Count bring-your-own-key usage against the limit.
    include_byok_in_limit: bool | None = None
    #: ISO 8601 UTC time the key expires at (None: never).
    expires_at: str | None = None
    #: For organization keys: the member the key is created for.
    creator_user_id: str | None = None
    #: The workspace of the key (default: the default workspace).
    workspace_id: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ApiKeyUpdate(WireModel):
    """The body of PATCH /keys/{hash}: the fields to change."""

    #: A new name.
    name: str | None = None
    #: Disable (True) or enable (False) the key.
    disabled: bool | None = None
    #: A new spending limit in USD (None: no limit).
    limit: float | None = field(default=None, metadata={'minimum': 0})
    #: How often the limit resets.
    limit_reset: str | None = field(default=None, metadata={'enum': ('daily', 'weekly', 'monthly')})
    #: Count bring-your-own-key usage against the limit.
    include_byok_in_limit: bool | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class AuthCodeCreate(WireModel):
    """The body of POST /auth/keys/code: an authorization code for the PKCE flow, made by the app."""

    #: Where the user is sent back to: an https URL, or localhost on any port.
    callback_url: str
    #: The PKCE code challenge.
    code_challenge: str | None = None
    #: How the challenge was made from the verifier.
    code_challenge_method: str | None = field(default=None, metadata={'enum': ('S256', 'plain')})
    #: Credit limit in USD of the key to create.
    limit: float | None = field(default=None, metadata={'minimum': 0})
    #: How often that limit resets.
    usage_limit_type: str | None = field(default=None, metadata={'enum': ('daily', 'weekly', 'monthly')})
    #: ISO 8601 expiry of the key to create.
    expires_at: str | None = None
    #: The key's label (default: the app's name).
    key_label: str | None = field(default=None, metadata={'maxLength': 100})
    #: The workspace of the key to create.
    workspace_id: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class AuthCode(WireModel):
    """An authorization code made by POST /auth/keys/code."""

    #: The code to exchange with POST /auth/keys.
    id: str | None = None
    #: The app the code belongs to.
    app_id: int | None = None
    #: ISO 8601 creation time.
    created_at: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class AuthCodeResponse(WireModel):
    """The response of POST /auth/keys/code."""

    data: AuthCode | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class AuthCodeExchange(WireModel):
    """The body of POST /auth/keys: the code from the sign-in redirect and the PKCE verifier."""

    #: The code the callback URL received.
    code: str
    #: The PKCE verifier the challenge was made from.
    code_verifier: str | None = None
    #: How the challenge was made.
    code_challenge_method: str | None = field(default=None, metadata={'enum': ('S256', 'plain')})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class AuthKey(WireModel):
    """The user's API key from a sign-in (hidden in reprs)."""

    #: The user's API key for OpenRouter requests.
    key: str | None = field(default=None, metadata={'secret': True})
    #: The user the key belongs to.
    user_id: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ModelListQuery(WireModel):
    """The filters, order and page of GET /models (lists of names may be given as Python lists)."""

    #: Models producing any of these: text, image, audio, embeddings, or all for every model (the
    #: API's default is text).
    output_modalities: str | list[str] | None = None
    #: Models accepting any of these: text, image, audio, file.
    input_modalities: str | list[str] | None = None
    #: Models supporting every one of these request parameters, such as tools.
    supported_parameters: str | list[str] | None = None
    #: Models for this use case.
    category: str | None = field(default=None, metadata={'enum': ('programming', 'roleplay', 'marketing', 'marketing/seo', 'technology', 'science', 'translation', 'legal', 'finance', 'health', 'trivia', 'academia')})
    #: The server's order of the list.
    sort: str | None = field(default=None, metadata={'enum': ('most-popular', 'newest', 'top-weekly', 'pricing-low-to-high', 'pricing-high-to-low', 'context-high-to-low', 'throughput-high-to-low', 'latency-low-to-high', 'intelligence-high-to-low', 'coding-high-to-low', 'agentic-high-to-low', 'design-arena-elo-high-to-low')})
    #: Free-text search by model name or slug.
    q: str | None = None
    #: The smallest context length (tokens).
    context: int | None = field(default=None, metadata={'minimum': 1})
    #: The lowest prompt price, USD per million tokens.
    min_price: float | None = field(default=None, metadata={'minimum': 0})
    #: The highest prompt price, USD per million tokens.
    max_price: float | None = field(default=None, metadata={'minimum': 0})
    #: The lowest completion price, USD per million tokens.
    min_output_price: float | None = field(default=None, metadata={'minimum': 0})
    #: The highest completion price, USD per million tokens.
    max_output_price: float | None = field(default=None, metadata={'minimum': 0})
    #: The model family, such as GPT, Claude, Gemini or Llama.
    arch: str | None = None
    #: Models by these authors (slugs).
    model_authors: str | list[str] | None = None
    #: Models hosted by these providers.
    providers: str | list[str] | None = None
    #: true: only models whose authors allow distillation; false: none of them.
    distillable: str | None = field(default=None, metadata={'enum': ('true', 'false')})
    #: true: only models with zero-data-retention endpoints.
    zdr: str | None = field(default=None, metadata={'enum': ('true',)})
    #: Models with endpoints in this data region.
    region: str | None = field(default=None, metadata={'enum': ('eu', 'us')})
    #: Models at least this many days old.
    min_age_days: int | None = field(default=None, metadata={'minimum': 0})
    #: Models at most this many days old.
    max_age_days: int | None = field(default=None, metadata={'minimum': 0})
    min_intelligence_index: float | None = field(default=None, metadata={'minimum': 0})
    max_intelligence_index: float | None = field(default=None, metadata={'minimum': 0})
    min_coding_index: float | None = field(default=None, metadata={'minimum': 0})
    max_coding_index: float | None = field(default=None, metadata={'minimum': 0})
    min_agentic_index: float | None = field(default=None, metadata={'minimum': 0})
    max_agentic_index: float | None = field(default=None, metadata={'minimum': 0})
    #: The lowest share of tool-calling requests that end in tool calls (0 to 1).
    min_tool_success_rate: float | None = field(default=None, metadata={'minimum': 0, 'maximum': 1})
    max_tool_success_rate: float | None = field(default=None, metadata={'minimum': 0, 'maximum': 1})
    #: Models to skip (a page; without offset and limit, the whole list).
    offset: int | None = field(default=None, metadata={'minimum': 0})
    #: The most models to return (a page of at most 1000).
    limit: int | None = field(default=None, metadata={'minimum': 1, 'maximum': 1000})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ModelCount(WireModel):
    """How many models the API lists."""

    count: int = 0
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ModelCountResponse(WireModel):
    """The response of GET /models/count."""

    data: ModelCount = field(factory=ModelCount)
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class AliasTarget(WireModel):
    """The concrete model a ~author/family-latest alias currently resolves to."""

    slug: str | None = None
    name: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class DefaultParameters(WireModel):
    """Sampling parameters a model uses when a request does not set them."""

    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    repetition_penalty: float | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ModelArchitecture(WireModel):
    """What a model takes in and gives out, and which tokenizer it counts with."""

    #: Summary such as text+image->text.
    modality: str | None = None
    #: text, image, file, audio, video.
    input_modalities: list[str] = field(factory=list)
    #: text, image, embeddings, audio, video, rerank, speech, transcription.
    output_modalities: list[str] = field(factory=list)
    #: Tokenizer family, such as GPT, Claude, Gemini, Llama3, Qwen3 or Router.
    tokenizer: str | None = None
    #: Prompt template family, such as chatml or llama3.
    instruct_type: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ModelLinks(WireModel):
    """Related API URLs of a model."""

    #: Relative URL of the model's endpoints listing.
    details: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ModelPricing(PricingMixin):
    """Prices in USD: per token, or per request, image or search for those keys; 0 is free, VARIABLE a price only known afterwards (the wire's "-1")."""

    #: USD per prompt token.
    prompt: Price | None = None
    #: USD per completion token.
    completion: Price | None = None
    #: USD per request.
    request: Price | None = None
    #: USD per input image.
    image: Price | None = None
    #: USD per image token.
    image_token: Price | None = None
    #: USD per output image token.
    image_output: Price | None = None
    #: USD per audio input token.
    audio: Price | None = None
    #: USD per audio output token.
    audio_output: Price | None = None
    #: USD per cached audio input token.
    input_audio_cache: Price | None = None
    #: USD per web search.
    web_search: Price | None = None
    #: USD per reasoning token.
    internal_reasoning: Price | None = None
    #: USD per prompt token read from the cache.
    input_cache_read: Price | None = None
    #: USD per prompt token written to the cache.
    input_cache_write: Price | None = None
    #: USD per prompt token written to the one-hour cache.
    input_cache_write_1h: Price | None = None
    #: Discount applied to these prices, as a number.
    discount: float | None = None
    #: Conditional prices (by prompt size or UTC time window).
    overrides: list[dict[str, Any]] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ModelReasoningInfo(WireModel):
    """A model's reasoning capabilities: which efforts it supports and whether reasoning can be turned off."""

    supported_efforts: list[str] | None = None
    default_effort: str | None = None
    #: Whether the model reasons when the request does not say.
    default_enabled: bool | None = None
    #: Whether reasoning.max_tokens is honoured.
    supports_max_tokens: bool | None = None
    #: Reasoning cannot be turned off (effort none is rejected).
    mandatory: bool | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class PerRequestLimits(WireModel):
    """Token limits that apply to each request to a model."""

    prompt_tokens: float | None = None
    completion_tokens: float | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class TopProvider(WireModel):
    """Limits of the provider that serves a model best."""

    context_length: int | None = None
    max_completion_tokens: int | None = None
    #: Whether requests go through moderation first.
    is_moderated: bool | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ModelInfo(ModelInfoMixin):
    """A model available on OpenRouter: its id, limits, capabilities and prices."""

    #: The id to put in a request, possibly with a variant suffix.
    id: str
    #: The permanent, often dated, slug.
    canonical_slug: str | None = None
    hugging_face_id: str | None = None
    name: str | None = None
    description: str | None = None
    #: Unix seconds.
    created: int | None = None
    context_length: int | None = None
    architecture: ModelArchitecture | None = None
    pricing: ModelPricing | None = None
    top_provider: TopProvider | None = None
    per_request_limits: PerRequestLimits | None = None
    #: Request parameters the model accepts, such as tools or reasoning.
    supported_parameters: list[str] = field(factory=list)
    default_parameters: DefaultParameters | None = None
    #: Voices of a text-to-speech model.
    supported_voices: list[str] | None = None
    links: ModelLinks | None = None
    #: Reasoning capabilities; absent for non-reasoning and router models.
    reasoning: ModelReasoningInfo | None = None
    #: YYYY-MM-DD.
    knowledge_cutoff: str | None = None
    #: YYYY-MM-DD after which the model may be removed.
    expiration_date: str | None = None
    #: Benchmark scores.
    benchmarks: dict[str, Any] | None = None
    #: Set on alias rows: the model the alias resolves to.
    alias_target: AliasTarget | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ModelResponse(WireModel):
    """The response of GET /model/{author}/{slug}."""

    data: ModelInfo | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ProviderInfo(WireModel):
    """A provider serving models on OpenRouter: its slug, name, policies and locations."""

    #: The provider's slug, usable in provider order, only and ignore.
    slug: str | None = None
    #: The display name.
    name: str | None = None
    privacy_policy_url: str | None = None
    terms_of_service_url: str | None = None
    status_page_url: str | None = None
    #: ISO 3166-1 alpha-2 country code of the headquarters.
    headquarters: str | None = None
    #: ISO 3166-1 alpha-2 country codes of the datacenters.
    datacenters: list[str] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ProviderList(WireModel):
    """The response of GET /providers."""

    data: list[ProviderInfo] = field(factory=list)
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class GenerationInput(WireModel):
    """What a stored generation was asked: a prompt, or messages as sent."""

    #: The prompt of a text completion.
    prompt: str | None = None
    #: The messages of a chat completion, as sent (plain JSON).
    messages: list[Any] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class GenerationOutput(WireModel):
    """What a stored generation answered: its completion text and its reasoning."""

    completion: str | None = None
    reasoning: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class GenerationErrorAttempt(WireModel):
    """One failed upstream attempt of a stored generation."""

    #: The HTTP status of this attempt.
    code: int | None = None
    message: str | None = None
    provider_name: str | None = None
    #: The provider's raw error body, when stored.
    raw: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class GenerationError(WireModel):
    """The failure stored for a generation that failed."""

    #: The HTTP status returned to the client.
    status: int | None = None
    message: str | None = None
    provider_name: str | None = None
    #: The raw error body behind it, when stored.
    raw: str | None = None
    #: The failed attempts before it, in order.
    previous_errors: list[GenerationErrorAttempt] = field(factory=list)
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class GenerationContent(WireModel):
    """The stored prompt and answer of a generation, and its failure if it failed."""

    input: GenerationInput = field(factory=GenerationInput)
    output: GenerationOutput = field(factory=GenerationOutput)
    error: GenerationError | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class GenerationContentResponse(WireModel):
    """The response of GET /generation/content."""

    data: GenerationContent | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ModelList(WireModel):
    """The response of GET /models: the models, and paging details when paging was asked for."""

    data: list[ModelInfo] = field(factory=list)
    total_count: int | None = None
    #: {next}: relative URL of the next page, or null.
    links: dict[str, Any] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class PercentileStats(WireModel):
    """Measured values at the 50th, 75th, 90th and 99th percentile."""

    p50: float | None = None
    p75: float | None = None
    p90: float | None = None
    p99: float | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ProviderEndpoint(WireModel):
    """One provider's endpoint for a model: its limits, prices, quantization and recent uptime."""

    name: str | None = None
    #: The model's permanent slug.
    model_id: str | None = None
    model_name: str | None = None
    provider_name: str | None = None
    #: The endpoint's provider slug, usable in provider order, only and ignore.
    tag: str | None = None
    context_length: int | None = None
    max_completion_tokens: int | None = None
    max_prompt_tokens: int | None = None
    pricing: ModelPricing | None = None
    quantization: str | None = None
    #: 0 is normal; negative values are undocumented degraded states.
    status: int | None = None
    supported_parameters: list[str] = field(factory=list)
    supports_implicit_caching: bool | None = None
    supports_voice_cloning: bool | None = None
    #: Percent of successful requests, or null without enough data.
    uptime_last_5m: float | None = None
    uptime_last_30m: float | None = None
    uptime_last_1d: float | None = None
    #: Latency percentiles (null when unauthenticated).
    latency_last_30m: PercentileStats | None = None
    #: Throughput percentiles in tokens per second (null when unauthenticated).
    throughput_last_30m: PercentileStats | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ModelEndpoints(WireModel):
    """A model and every provider endpoint that serves it."""

    id: str | None = None
    name: str | None = None
    created: int | None = None
    description: str | None = None
    architecture: ModelArchitecture | None = None
    endpoints: list[ProviderEndpoint] = field(factory=list)
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ModelEndpointsResponse(WireModel):
    """The response of GET /models/{author}/{slug}/endpoints."""

    data: ModelEndpoints | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class UserLocation(WireModel):
    """An approximate user location, for location-biased web search results (passed to providers that support it)."""

    #: Always approximate.
    type: str = field(default="approximate", metadata={'enum': ('approximate',)})
    city: str | None = None
    region: str | None = None
    #: A country, such as US.
    country: str | None = None
    #: An IANA time zone, such as America/Los_Angeles.
    timezone: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class WebPlugin(Plugin):
    """The web plugin: search the web and ground the answer, with url_citation annotations on the reply (replaces the deprecated :online suffix)."""

    #: Always web.
    id: str = field(default="web", metadata={'enum': ('web',)})
    #: How many search results to use (server default 5).
    max_results: int | None = None
    #: The text that introduces the search results to the model.
    search_prompt: str | None = None
    #: native (the provider's own search), exa, firecrawl (needs your own key), parallel or
    #: perplexity; unset: native where the provider has it, else exa.
    engine: str | None = field(default=None, metadata={'enum': ('native', 'exa', 'firecrawl', 'parallel', 'perplexity')})
    #: The engine's search mode (Exa: instant to deep-reasoning; Parallel: turbo to advanced);
    #: ignored by engines without it.
    mode: str | None = field(default=None, metadata={'enum': ('instant', 'fast', 'auto', 'deep-lite', 'deep', 'deep-reasoning', 'turbo', 'basic', 'advanced')})
    #: How many searches the model may run in one turn (native providers that support it).
    max_uses: int | None = None
    #: Only results from these domains (wildcards such as *.substack.com and paths such as
    #: openai.com/blog allowed).
    include_domains: list[str] | None = None
    #: No results from these domains (same forms as include_domains).
    exclude_domains: list[str] | None = None
    #: Where the user roughly is, for local results.
    user_location: UserLocation | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class WebFetchPlugin(Plugin):
    """The web-fetch plugin: let the model fetch whole pages (or PDFs) by URL."""

    #: Always web-fetch.
    id: str = field(default="web-fetch", metadata={'enum': ('web-fetch',)})
    #: How many fetches one request may make; more return an error to the model.
    max_uses: int | None = None
    #: Truncate each fetched page to about this many tokens.
    max_content_tokens: int | None = None
    #: Only fetch from these domains.
    allowed_domains: list[str] | None = None
    #: Never fetch from these domains.
    blocked_domains: list[str] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class PdfOptions(WireModel):
    """How the file-parser plugin reads PDFs."""

    #: mistral-ocr (scans and images; the server default), cloudflare-ai (text PDFs), native (the
    #: model reads the file itself); pdf-text is deprecated and runs cloudflare-ai.
    engine: str | None = field(default=None, metadata={'enum': ('mistral-ocr', 'native', 'cloudflare-ai', 'pdf-text')})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class FileParserPlugin(Plugin):
    """The file-parser plugin: turn attached files (PDFs) into text for models that cannot read them."""

    #: Always file-parser.
    id: str = field(default="file-parser", metadata={'enum': ('file-parser',)})
    #: How to read PDFs: PdfOptions(engine=...).
    pdf: PdfOptions | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ResponseHealingPlugin(Plugin):
    """The response-healing plugin: repair malformed JSON in structured answers (json_object, json_schema) before they reach you."""

    #: Always response-healing.
    id: str = field(default="response-healing", metadata={'enum': ('response-healing',)})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ContextCompressionPlugin(Plugin):
    """The context-compression plugin: shorten a prompt too long for the model's context (from the middle); on by default for endpoints of 8,192 tokens or less (enabled=False turns it off)."""

    #: Always context-compression.
    id: str = field(default="context-compression", metadata={'enum': ('context-compression',)})
    #: middle-out (the server default): drop messages from the middle of the conversation.
    engine: str | None = field(default=None, metadata={'enum': ('middle-out',)})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ModerationPlugin(Plugin):
    """The moderation plugin (the spec documents its id only, no settings)."""

    #: Always moderation.
    id: str = field(default="moderation", metadata={'enum': ('moderation',)})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class AutoRouterPlugin(Plugin):
    """The auto-router plugin: route to a model ranked for the prompt's task, within the models and cost band given."""

    #: Always auto-router.
    id: str = field(default="auto-router", metadata={'enum': ('auto-router',)})
    #: Model patterns it may route to, wildcards allowed (anthropic/*); unset: every ranked model.
    allowed_models: list[str] | None = field(default=None, metadata={'maxItems': 1024})
    #: Model patterns it never routes to (wins over allowed_models).
    excluded_models: list[str] | None = field(default=None, metadata={'maxItems': 1024})
    #: The cost band to pick from: low (the cheapest fifth) to max (the dearest).
    cost_tier: str | None = field(default=None, metadata={'enum': ('low', 'medium', 'high', 'xhigh', 'max')})
    #: Deprecated (use cost_tier): 0 to 10, higher favours cheaper models (server default 9).
    cost_quality_tradeoff: int | None = field(default=None, metadata={'minimum': 0, 'maximum': 10})
    #: Keep the model of the last assistant message for the next turns.
    pin_model: bool | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class AutoBetaRouterPlugin(Plugin):
    """The auto-beta-router plugin: the beta auto router, with the auto-router's settings but pin_model."""

    #: Always auto-beta-router.
    id: str = field(default="auto-beta-router", metadata={'enum': ('auto-beta-router',)})
    #: Model patterns it may route to, wildcards allowed (anthropic/*); unset: every ranked model.
    allowed_models: list[str] | None = field(default=None, metadata={'maxItems': 1024})
    #: Model patterns it never routes to (wins over allowed_models).
    excluded_models: list[str] | None = field(default=None, metadata={'maxItems': 1024})
    #: The cost band to pick from: low (the cheapest fifth) to max (the dearest).
    cost_tier: str | None = field(default=None, metadata={'enum': ('low', 'medium', 'high', 'xhigh', 'max')})
    #: Deprecated (use cost_tier): 0 to 10, higher favours cheaper models (server default 9).
    cost_quality_tradeoff: int | None = field(default=None, metadata={'minimum': 0, 'maximum': 10})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ParetoRouterPlugin(Plugin):
    """The pareto-router plugin: route to a top coding model on the price/quality frontier."""

    #: Always pareto-router.
    id: str = field(default="pareto-router", metadata={'enum': ('pareto-router',)})
    #: The quality tier, 0 to 1: 0.66 and up high (the default), 0.33 and up medium, below low; not
    #: used with max_price.
    min_coding_score: float | None = field(default=None, metadata={'minimum': 0, 'maximum': 1})
    #: The most USD per million input tokens; the best frontier model within it is chosen (404 when
    #: none is).
    max_price: float | None = field(default=None, metadata={'minimum': 0})
    #: The price compared: prompt (list price, the default) or weighted_avg (traffic-weighted
    #: effective price).
    price_source: str | None = field(default=None, metadata={'enum': ('prompt', 'weighted_avg')})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class FusionPlugin(Plugin):
    """The fusion plugin: a panel of models researches the prompt, and an analyst model synthesizes the answer."""

    #: Always fusion.
    id: str = field(default="fusion", metadata={'enum': ('fusion',)})
    #: A curated panel and analyst; analysis_models and model win over it.
    preset: str | None = field(default=None, metadata={'enum': ('general-high', 'general-budget', 'general-fast')})
    #: The panel: 1 to 8 models that answer in parallel (server default: the Quality preset).
    analysis_models: list[str] | None = field(default=None, metadata={'minItems': 1, 'maxItems': 8})
    #: The analyst and synthesis model (server default: the preset's first model).
    model: str | None = None
    #: The most tool-calling steps per panelist and analyst (1 to 16; server default 4).
    max_tool_calls: int | None = field(default=None, metadata={'minimum': 1, 'maximum': 16})
    #: Server tools of the panel and analyst (server default: web search and web fetch; [] for
    #: none).
    tools: list[ToolDefinition] | None = field(default=None, metadata={'maxItems': 8})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class WebSearchToolConfig(WireModel):
    """Settings of the openrouter:web_search server tool."""

    #: auto (the server default: native where the provider has it, else exa), native, exa,
    #: parallel, firecrawl (needs your own key) or perplexity.
    engine: str | None = field(default=None, metadata={'enum': ('native', 'exa', 'parallel', 'firecrawl', 'perplexity', 'auto')})
    #: Results per search call (server default 5; ignored by native search).
    max_results: int | None = None
    #: Results across all the searches of a request (server default 50).
    max_total_results: int | None = None
    #: How many searches one request may run; more return an error to the model.
    max_uses: int | None = None
    #: Characters of content per result (exa, parallel, perplexity); wins over search_context_size.
    max_characters: int | None = None
    #: How much content per result: low, medium or high (exa, parallel, perplexity).
    search_context_size: str | None = field(default=None, metadata={'enum': ('low', 'medium', 'high')})
    #: The engine's search mode (Exa: instant to deep-reasoning; Parallel: turbo to advanced).
    mode: str | None = field(default=None, metadata={'enum': ('instant', 'fast', 'auto', 'deep-lite', 'deep', 'deep-reasoning', 'turbo', 'basic', 'advanced')})
    #: Only results from these domains (not with excluded_domains).
    allowed_domains: list[str] | None = None
    #: No results from these domains (not with allowed_domains).
    excluded_domains: list[str] | None = None
    #: Where the user roughly is, for local results.
    user_location: UserLocation | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class WebSearchTool(ToolDefinition):
    """The openrouter:web_search server tool: the model searches the web when it decides to, and OpenRouter runs the search."""

    #: Always openrouter:web_search.
    type: str = field(default="openrouter:web_search", metadata={'enum': ('openrouter:web_search',)})
    #: The search settings.
    parameters: WebSearchToolConfig | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class WebFetchToolConfig(WireModel):
    """Settings of the openrouter:web_fetch server tool."""

    #: auto (the server default), native, openrouter (a direct HTTP fetch), exa, parallel or
    #: firecrawl (needs your own key).
    engine: str | None = field(default=None, metadata={'enum': ('auto', 'native', 'openrouter', 'exa', 'parallel', 'firecrawl')})
    #: How many fetches one request may make; more return an error to the model.
    max_uses: int | None = None
    #: Truncate each fetched page to about this many tokens.
    max_content_tokens: int | None = None
    #: Only fetch from these domains.
    allowed_domains: list[str] | None = None
    #: Never fetch from these domains.
    blocked_domains: list[str] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class WebFetchTool(ToolDefinition):
    """The openrouter:web_fetch server tool: the model fetches a page or PDF by URL, and OpenRouter runs the fetch."""

    #: Always openrouter:web_fetch.
    type: str = field(default="openrouter:web_fetch", metadata={'enum': ('openrouter:web_fetch',)})
    #: The fetch settings.
    parameters: WebFetchToolConfig | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class DatetimeToolConfig(WireModel):
    """Settings of the openrouter:datetime server tool."""

    #: An IANA time zone such as America/New_York (server default UTC).
    timezone: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class DatetimeTool(ToolDefinition):
    """The openrouter:datetime server tool: the model asks for the current date and time."""

    #: Always openrouter:datetime.
    type: str = field(default="openrouter:datetime", metadata={'enum': ('openrouter:datetime',)})
    #: The time zone to answer in.
    parameters: DatetimeToolConfig | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ImageGenerationToolConfig(WireModel):
    """Settings of the openrouter:image_generation server tool."""

    #: The image model to generate with.
    model: str | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ImageGenerationTool(ToolDefinition):
    """The openrouter:image_generation server tool: the model asks an image model for a picture."""

    #: Always openrouter:image_generation.
    type: str = field(default="openrouter:image_generation", metadata={'enum': ('openrouter:image_generation',)})
    #: The image model to use.
    parameters: ImageGenerationToolConfig | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class BashEnvironment(WireModel):
    """Where openrouter:bash runs: a new OpenRouter-managed container (container_auto) or one you already have (container_reference with its container_id)."""

    #: container_auto (an ephemeral container) or container_reference (reuse container_id).
    type: str = field(metadata={'enum': ('container_auto', 'container_reference')})
    #: The container to reuse, for container_reference (at most 20 characters).
    container_id: str | None = field(default=None, metadata={'maxLength': 20, 'pattern': '^[\\w-]+$', 'pattern_means': 'a container id such as cntr_abc123 (letters, digits, _ and -)'})
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class BashToolConfig(WireModel):
    """Settings of the openrouter:bash server tool."""

    #: openrouter (OpenRouter runs the commands in its sandbox), or auto (the server default) and
    #: native (the tool call comes back to you to run).
    engine: str | None = field(default=None, metadata={'enum': ('auto', 'native', 'openrouter')})
    #: The container: BashEnvironment(type="container_auto").
    environment: BashEnvironment | None = None
    #: Idle seconds before the container sleeps (server default 900, capped at 30 days).
    sleep_after_seconds: int | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class BashTool(ToolDefinition):
    """The openrouter:bash server tool: the model runs shell commands in a sandboxed container."""

    #: Always openrouter:bash.
    type: str = field(default="openrouter:bash", metadata={'enum': ('openrouter:bash',)})
    #: The engine and the container.
    parameters: BashToolConfig | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class FilesToolConfig(WireModel):
    """Settings of the openrouter:files server tool (none are documented yet)."""

    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class FilesTool(ToolDefinition):
    """The openrouter:files server tool: the model reads, writes, edits and lists the files of the API key's workspace."""

    #: Always openrouter:files.
    type: str = field(default="openrouter:files", metadata={'enum': ('openrouter:files',)})
    #: No settings yet.
    parameters: FilesToolConfig | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class ServerToolReasoning(WireModel):
    """Reasoning settings forwarded to the model an advisor, subagent or fusion tool calls."""

    #: The reasoning effort.
    effort: str | None = field(default=None, metadata={'enum': ('max', 'xhigh', 'high', 'medium', 'low', 'minimal', 'none')})
    #: The most reasoning tokens the called model may use.
    max_tokens: int | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class AdvisorToolConfig(WireModel):
    """Settings of one openrouter:advisor server tool entry (several named entries offer several advisors)."""

    #: The advisor model; unset: the one the tool call names, else the request's model.
    model: str | None = None
    #: The advisor's name, unique across advisor entries; at most one entry has none.
    name: str | None = field(default=None, metadata={'maxLength': 64, 'pattern': '^[a-zA-Z0-9 _-]+$', 'pattern_means': 'letters, digits, spaces, _ and - (1 to 64)'})
    #: The advisor's system prompt.
    instructions: str | None = None
    #: Send the advisor the whole conversation, not only the tool call's prompt.
    forward_transcript: bool | None = None
    #: The most output tokens (reasoning included) the advisor may produce.
    max_completion_tokens: int | None = None
    #: The advisor's reasoning effort and budget.
    reasoning: ServerToolReasoning | None = None
    #: Stream the advice (Responses API only; no effect on chat completions).
    stream: bool | None = None
    #: The advisor's sampling temperature.
    temperature: float | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class AdvisorTool(ToolDefinition):
    """The openrouter:advisor server tool: the model consults a stronger advisor model mid-generation."""

    #: Always openrouter:advisor.
    type: str = field(default="openrouter:advisor", metadata={'enum': ('openrouter:advisor',)})
    #: The advisor model and its settings.
    parameters: AdvisorToolConfig | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class SubagentToolConfig(WireModel):
    """Settings of one openrouter:subagent server tool entry (several named entries offer several workers)."""

    #: The worker model (not the subagent tool itself); unset: the request's model.
    model: str | None = None
    #: The worker's name, unique across subagent entries; at most one entry has none.
    name: str | None = field(default=None, metadata={'maxLength': 64, 'pattern': '^[a-zA-Z0-9 _-]+$', 'pattern_means': 'letters, digits, spaces, _ and - (1 to 64)'})
    #: The worker's system prompt.
    instructions: str | None = None
    #: The most output tokens (reasoning included) the worker may produce.
    max_completion_tokens: int | None = None
    #: The most tool-calling steps of the worker's loop (1 to 25).
    max_tool_calls: int | None = field(default=None, metadata={'minimum': 1, 'maximum': 25})
    #: The worker's reasoning effort and budget.
    reasoning: ServerToolReasoning | None = None
    #: The worker's sampling temperature.
    temperature: float | None = None
    #: OpenRouter server tools the worker may use (typed, such as a web search tool, or dicts; no
    #: function tools, not the subagent tool).
    tools: list[ToolDefinition] | None = None
    #: Experimental, Responses API only (chat completions answer 400): the worker inherits every
    #: function tool of the request.
    inherit_functions: bool | None = None
    #: Experimental, Responses API only (chat completions answer 400): the function tools the
    #: worker inherits.
    inherited_function_names: list[str] | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class SubagentTool(ToolDefinition):
    """The openrouter:subagent server tool: the model delegates self-contained tasks to a cheaper worker model."""

    #: Always openrouter:subagent.
    type: str = field(default="openrouter:subagent", metadata={'enum': ('openrouter:subagent',)})
    #: The worker model, its settings and tools.
    parameters: SubagentToolConfig | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class FusionToolConfig(WireModel):
    """Settings of the openrouter:fusion server tool."""

    #: The panel: 1 to 8 models that answer in parallel (server default: the Quality preset).
    analysis_models: list[str] | None = field(default=None, metadata={'minItems': 1, 'maxItems': 8})
    #: The analyst model that summarizes the panel; unset: the request's model.
    model: str | None = None
    #: The most output tokens per panelist and analyst call (server default 16000).
    max_completion_tokens: int | None = None
    #: The most tool-calling steps per panelist and analyst (1 to 16; server default 4).
    max_tool_calls: int | None = field(default=None, metadata={'minimum': 1, 'maximum': 16})
    #: The panelists' and analyst's reasoning effort and budget.
    reasoning: ServerToolReasoning | None = None
    #: The panelists' temperature (the analyst runs at 0).
    temperature: float | None = None
    #: Server tools of the panel and analyst (server default: web search and web fetch; [] for
    #: none).
    tools: list[ToolDefinition] | None = field(default=None, metadata={'maxItems': 8})
    #: Prompt caching of the inner calls.
    cache_control: CacheControl | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class FusionTool(ToolDefinition):
    """The openrouter:fusion server tool: a panel of models researches the prompt and an analyst summarizes their answers."""

    #: Always openrouter:fusion.
    type: str = field(default="openrouter:fusion", metadata={'enum': ('openrouter:fusion',)})
    #: The panel, the analyst and their settings.
    parameters: FusionToolConfig | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class SearchModelsToolConfig(WireModel):
    """Settings of the openrouter:experimental__search_models server tool."""

    #: How many models to return (server default 5, at most 20).
    max_results: int | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


@define(kw_only=True, repr=False)
class SearchModelsTool(ToolDefinition):
    """The openrouter:experimental__search_models server tool (experimental): the model searches the models available on OpenRouter."""

    #: Always openrouter:experimental__search_models.
    type: str = field(default="openrouter:experimental__search_models", metadata={'enum': ('openrouter:experimental__search_models',)})
    #: How many models to return.
    parameters: SearchModelsToolConfig | None = None
    #: Fields the server sent that this version does not know; sent back as they are.
    extra: dict[str, Any] = field(factory=dict)


__all__ = [
    "AdvisorTool",
    "AdvisorToolConfig",
    "AliasTarget",
    "Annotation",
    "ApiKey",
    "ApiKeyCreate",
    "ApiKeyList",
    "ApiKeyResponse",
    "ApiKeyUpdate",
    "AuthCode",
    "AuthCodeCreate",
    "AuthCodeExchange",
    "AuthCodeResponse",
    "AuthKey",
    "AutoBetaRouterPlugin",
    "AutoRouterPlugin",
    "BashEnvironment",
    "BashTool",
    "BashToolConfig",
    "CacheControl",
    "CompletionChoice",
    "CompletionRequest",
    "CompletionResponse",
    "CompletionTokensDetails",
    "ContentPart",
    "ContextCompressionPlugin",
    "CostDetails",
    "CreatedApiKey",
    "Credits",
    "CreditsResponse",
    "DatetimeTool",
    "DatetimeToolConfig",
    "DebugOptions",
    "DefaultParameters",
    "DeletedApiKey",
    "Embedding",
    "EmbeddingInput",
    "EmbeddingRequest",
    "EmbeddingResponse",
    "EmbeddingTokensDetails",
    "EmbeddingUsage",
    "EncodingFormat",
    "ErrorBody",
    "ErrorInfo",
    "FileInput",
    "FileParserPlugin",
    "FilesTool",
    "FilesToolConfig",
    "FinishReason",
    "FunctionCall",
    "FunctionDefinition",
    "FusionPlugin",
    "FusionTool",
    "FusionToolConfig",
    "GenerationContent",
    "GenerationContentResponse",
    "GenerationError",
    "GenerationErrorAttempt",
    "GenerationInput",
    "GenerationOutput",
    "GenerationResponse",
    "GenerationStats",
    "ImageGenerationTool",
    "ImageGenerationToolConfig",
    "ImageUrl",
    "InputAudio",
    "InputModality",
    "JsonSchemaFormat",
    "KeyInfo",
    "KeyResponse",
    "MaxPrice",
    "Message",
    "MessageRole",
    "ModelArchitecture",
    "ModelCategory",
    "ModelCount",
    "ModelCountResponse",
    "ModelEndpoints",
    "ModelEndpointsResponse",
    "ModelInfo",
    "ModelLinks",
    "ModelList",
    "ModelListQuery",
    "ModelPricing",
    "ModelReasoningInfo",
    "ModelResponse",
    "ModelSort",
    "ModerationPlugin",
    "OutputModality",
    "ParetoRouterPlugin",
    "PdfOptions",
    "PerRequestLimits",
    "PercentileCutoffs",
    "PercentileStats",
    "Plugin",
    "Prediction",
    "PromptTokensDetails",
    "ProviderEndpoint",
    "ProviderInfo",
    "ProviderList",
    "ProviderPreferences",
    "ProviderResponse",
    "ProviderSort",
    "ProviderSortConfig",
    "Quantization",
    "ReasoningConfig",
    "ReasoningEffort",
    "RerankDocument",
    "RerankRequest",
    "RerankResponse",
    "RerankResult",
    "RerankUsage",
    "ResponseFormat",
    "ResponseHealingPlugin",
    "ResponseMessage",
    "RouteVariant",
    "SearchModelsTool",
    "SearchModelsToolConfig",
    "ServerToolReasoning",
    "ServerToolUseDetails",
    "StopCondition",
    "StreamChoice",
    "StreamChunk",
    "StreamDelta",
    "StreamOptions",
    "SubagentTool",
    "SubagentToolConfig",
    "TokenUsage",
    "ToolCall",
    "ToolChoice",
    "ToolChoiceFunction",
    "ToolDefinition",
    "TopProvider",
    "UrlCitation",
    "UsageOptions",
    "UserLocation",
    "VideoUrl",
    "WebFetchPlugin",
    "WebFetchTool",
    "WebFetchToolConfig",
    "WebPlugin",
    "WebSearchTool",
    "WebSearchToolConfig",
]
