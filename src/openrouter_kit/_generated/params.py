"""The calls' keyword arguments, typed: a TypedDict per object.

Generated - do not edit. Run ``python codegen/generate.py`` to regenerate.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal, Required, TypedDict

from openrouter_kit._generated.enums import (
    EncodingFormat,
    MessageRole,
    ModelCategory,
    ModelSort,
    ProviderSort,
    Quantization,
    ReasoningEffort,
)
from openrouter_kit._generated.models import (
    AdvisorToolConfig,
    BashEnvironment,
    BashToolConfig,
    CacheControl,
    ContentPart,
    DatetimeToolConfig,
    DebugOptions,
    FileInput,
    FilesToolConfig,
    FunctionCall,
    FunctionDefinition,
    FusionToolConfig,
    ImageGenerationToolConfig,
    ImageUrl,
    InputAudio,
    JsonSchemaFormat,
    MaxPrice,
    Message,
    PdfOptions,
    PercentileCutoffs,
    Plugin,
    Prediction,
    ProviderPreferences,
    ProviderSortConfig,
    ReasoningConfig,
    ResponseFormat,
    ResponseMessage,
    SearchModelsToolConfig,
    ServerToolReasoning,
    StopCondition,
    StreamOptions,
    SubagentToolConfig,
    ToolCall,
    ToolChoice,
    ToolChoiceFunction,
    ToolDefinition,
    UsageOptions,
    UserLocation,
    VideoUrl,
    WebFetchToolConfig,
    WebSearchToolConfig,
)


class ImageUrlParam(TypedDict, total=False):
    """An image given by URL or data URL. The dict form of ``ImageUrl``."""

    #: https:// URL or data:image/...;base64 URL.
    url: Required[str]
    #: Image detail level.
    detail: Literal["auto", "low", "high", "original"] | None


class FileInputParam(TypedDict, total=False):
    """A file (for example a PDF) attached to a message, by URL, data URL or file id. The dict form of ``FileInput``."""

    #: The file's name, shown to the model and the file parser.
    filename: str | None
    #: The file as an https:// URL or a data: URL with base64 content.
    file_data: str | None
    #: The id of a file uploaded earlier, instead of file_data.
    file_id: str | None


class InputAudioParam(TypedDict, total=False):
    """Audio attached to a message as raw base64 data (URLs are not accepted). The dict form of ``InputAudio``."""

    #: The audio bytes, base64-encoded, without a data: prefix.
    data: Required[str]
    #: The audio format, such as wav, mp3, aiff, aac, ogg, flac, m4a, pcm16 or pcm24.
    format: Required[str]


class VideoUrlParam(TypedDict, total=False):
    """A video attached to a message by URL or data URL (URL support depends on the provider). The dict form of ``VideoUrl``."""

    #: https:// URL or data:video/...;base64 URL.
    url: Required[str]


class CacheControlParam(TypedDict, total=False):
    """A prompt-cache breakpoint: on the request, a content part or a tool, it marks what to cache. The dict form of ``CacheControl``."""

    #: Always ephemeral.
    type: Literal["ephemeral"] | None
    #: How long the cache entry lives: 5m (the default) or 1h.
    ttl: Literal["5m", "1h"] | None


class ContentPartParam(TypedDict, total=False):
    """One part of a message's content: text, image_url, file, input_audio or video_url (the type says which field is set). The dict form of ``ContentPart``."""

    #: text, image_url, file, input_audio or video_url.
    type: Required[str]
    #: The text of a text part.
    text: str | None
    image_url: ImageUrl | ImageUrlParam | None
    #: The file of a file part.
    file: FileInput | FileInputParam | None
    #: The audio of an input_audio part.
    input_audio: InputAudio | InputAudioParam | None
    #: The video of a video_url part.
    video_url: VideoUrl | VideoUrlParam | None
    #: Cache everything up to and including this part (text parts).
    cache_control: CacheControl | CacheControlParam | None
    #: Explicit cache breakpoint for providers with explicit caching, e.g. {"mode": "explicit"}.
    prompt_cache_breakpoint: Mapping[str, Any] | None


class FunctionCallParam(TypedDict, total=False):
    """The function a tool call invokes, with its arguments as a JSON string. The dict form of ``FunctionCall``."""

    name: str | None
    #: JSON-encoded arguments (may be malformed; validate before use).
    arguments: str | None


class ToolCallParam(TypedDict, total=False):
    """A tool call requested by the model (streamed deltas also carry index). The dict form of ``ToolCall``."""

    id: str | None
    type: str | None
    #: Position of this call in a streamed turn (deltas only).
    index: int | None
    function: FunctionCall | FunctionCallParam | None


class MessageParam(TypedDict, total=False):
    """One chat message (system, developer, user, assistant or tool). The dict form of ``Message``."""

    #: Who wrote it; an unknown role is refused by the conversation checks, with the roles listed.
    role: Required[MessageRole | Literal["system", "developer", "user", "assistant", "tool"]]
    content: str | Sequence[ContentPart | ContentPartParam] | None
    name: str | None
    #: The call a tool message answers.
    tool_call_id: str | None
    tool_calls: Sequence[ToolCall | ToolCallParam] | None
    #: An assistant message's plain-text reasoning, sent back to continue a reasoning turn.
    reasoning: str | None
    #: An assistant message's reasoning blocks; send them back unmodified and in order.
    reasoning_details: Sequence[Mapping[str, Any]] | None
    #: An assistant message's refusal text.
    refusal: str | None
    #: Images an assistant message produced ({image_url: {url}} objects).
    images: Sequence[Mapping[str, Any]] | None
    #: Audio an assistant message produced ({id, data, transcript, expires_at}).
    audio: Mapping[str, Any] | None
    #: The model that wrote an assistant message.
    model: str | None


class FunctionDefinitionParam(TypedDict, total=False):
    """A function the model may call: its name, what it does and its JSON Schema parameters. The dict form of ``FunctionDefinition``."""

    #: a-z, A-Z, 0-9, underscores and dashes, at most 64 characters.
    name: Required[str]
    #: What the function does; the model reads it to decide when to call.
    description: str | None
    #: A JSON Schema object describing the arguments.
    parameters: Mapping[str, Any] | None
    #: Ask for arguments that follow the schema exactly (where the provider supports it).
    strict: bool | None


class ToolDefinitionParam(TypedDict, total=False):
    """A tool the model may use: a function tool, or an OpenRouter server tool such as openrouter:web_search (its settings go in extra). The dict form of ``ToolDefinition``."""

    #: function, or a server tool type such as openrouter:web_search.
    type: str | None
    #: The function of a function tool.
    function: FunctionDefinition | FunctionDefinitionParam | None
    #: Cache the tool list up to and including this tool.
    cache_control: CacheControl | CacheControlParam | None


class ToolChoiceFunctionParam(TypedDict, total=False):
    """Names the function a forced tool choice must call. The dict form of ``ToolChoiceFunction``."""

    name: Required[str]


class ToolChoiceParam(TypedDict, total=False):
    """Forces a specific tool: a named function, or a server tool by its type. The dict form of ``ToolChoice``."""

    #: function, or a server tool type.
    type: str | None
    function: ToolChoiceFunction | ToolChoiceFunctionParam | None


class JsonSchemaFormatParam(TypedDict, total=False):
    """The JSON Schema a structured (json_schema) response must follow. The dict form of ``JsonSchemaFormat``."""

    #: a-z, A-Z, 0-9, underscores and dashes, at most 64 characters.
    name: Required[str]
    #: What the schema describes, for the model.
    description: str | None
    #: The JSON Schema object.
    schema: Mapping[str, Any] | None
    #: Enforce the schema exactly.
    strict: bool | None


class ResponseFormatParam(TypedDict, total=False):
    """The output format: text, json_object, json_schema (with a schema), grammar or python. The dict form of ``ResponseFormat``."""

    type: Required[Literal["text", "json_object", "json_schema", "grammar", "python"]]
    #: The schema, for type json_schema.
    json_schema: JsonSchemaFormat | JsonSchemaFormatParam | None
    #: The grammar, for type grammar.
    grammar: str | None


class StopConditionParam(TypedDict, total=False):
    """A condition that stops the server-tool loop: StopCondition.step_count_is(5), has_tool_call(name), max_tokens_used(n), max_cost(dollars) or finish_reason_is(reason). The dict form of ``StopCondition``."""

    #: Which condition; it takes the field named after it.
    type: Required[Literal["step_count_is", "has_tool_call", "max_tokens_used", "max_cost", "finish_reason_is"]]
    #: For step_count_is: stop after this many steps of the loop.
    step_count: int | None
    #: For has_tool_call: stop once a tool of this name has been called.
    tool_name: str | None
    #: For max_tokens_used: stop once the loop's tokens exceed this.
    max_tokens: int | None
    #: For max_cost: stop once the loop's cost exceeds this many US dollars.
    max_cost_in_dollars: float | None
    #: For finish_reason_is: stop when the model finishes with this reason (such as length).
    reason: str | None


class StreamOptionsParam(TypedDict, total=False):
    """Streaming options (deprecated: usage is now always sent in the last chunk). The dict form of ``StreamOptions``."""

    #: Deprecated, no effect.
    include_usage: bool | None


class PredictionParam(TypedDict, total=False):
    """Predicted output: text the answer is expected to contain, to speed up generation. The dict form of ``Prediction``."""

    #: The predicted text, or a list of text parts.
    content: Required[str | Sequence[ContentPart | ContentPartParam]]
    type: Literal["content"] | None


class PercentileCutoffsParam(TypedDict, total=False):
    """Per-percentile thresholds for a soft throughput or latency preference. The dict form of ``PercentileCutoffs``."""

    p50: float | None
    p75: float | None
    p90: float | None
    p99: float | None


class ProviderSortConfigParam(TypedDict, total=False):
    """A provider ranking with its scope: within each model, or across all fallback models. The dict form of ``ProviderSortConfig``."""

    #: price, throughput, latency or exacto.
    by: ProviderSort | Literal["price", "throughput", "latency", "exacto"] | None
    #: model (rank within each model) or none (rank across fallback models too).
    partition: Literal["model", "none"] | None


class MaxPriceParam(TypedDict, total=False):
    """Hard price caps in USD: per million tokens for prompt and completion, per request, per image and for audio. The dict form of ``MaxPrice``."""

    #: USD per million prompt tokens.
    prompt: Decimal | float | str | None
    #: USD per million completion tokens.
    completion: Decimal | float | str | None
    #: USD per request.
    request: Decimal | float | str | None
    #: USD per image.
    image: Decimal | float | str | None
    #: USD for audio.
    audio: Decimal | float | str | None


class ProviderPreferencesParam(TypedDict, total=False):
    """Provider routing preferences: which providers may serve the request, in what order, and at what price. The dict form of ``ProviderPreferences``."""

    #: Provider slugs to try first, in this order (disables load balancing).
    order: Sequence[str] | None
    #: Whether other providers may serve when the preferred ones fail (server default true).
    allow_fallbacks: bool | None
    #: Only use providers that support every parameter sent (server default false).
    require_parameters: bool | None
    #: deny: skip providers that store or train on data (server default allow).
    data_collection: Literal["allow", "deny"] | None
    #: Only use zero-data-retention endpoints.
    zdr: bool | None
    #: Only use models whose authors allow distillation.
    enforce_distillable_text: bool | None
    #: Provider slugs allowed for this request.
    only: Sequence[str] | None
    #: Provider slugs never to use for this request.
    ignore: Sequence[str] | None
    #: Only use endpoints serving one of these quantizations.
    quantizations: Sequence[Quantization | Literal["int4", "int8", "fp4", "mxfp4", "nvfp4", "fp6", "fp8", "mxfp8", "fp16", "bf16", "fp32", "unknown"]] | None
    #: Rank providers by price, throughput, latency or exacto (disables load balancing).
    sort: ProviderSort | Literal["price", "throughput", "latency", "exacto"] | ProviderSortConfig | ProviderSortConfigParam | None
    #: Soft minimum throughput in tokens per second (p50, or per percentile).
    preferred_min_throughput: float | PercentileCutoffs | PercentileCutoffsParam | None
    #: Soft maximum latency in seconds (p50, or per percentile).
    preferred_max_latency: float | PercentileCutoffs | PercentileCutoffsParam | None
    #: Hard price caps; the request fails if no provider fits.
    max_price: MaxPrice | MaxPriceParam | None


class ReasoningConfigParam(TypedDict, total=False):
    """Reasoning settings: effort or token budget, and whether the reasoning is returned. The dict form of ``ReasoningConfig``."""

    #: max, xhigh, high, medium, low, minimal or none (send effort or max_tokens, not both).
    effort: ReasoningEffort | Literal["max", "xhigh", "high", "medium", "low", "minimal", "none"] | None
    #: Reasoning token budget (docs only).
    max_tokens: int | None
    #: Reason, but leave the reasoning out of the response (docs only).
    exclude: bool | None
    #: Turn reasoning on with default settings (docs only).
    enabled: bool | None
    #: Reasoning summary verbosity: auto, concise or detailed.
    summary: Literal["auto", "concise", "detailed"] | None
    #: Which turns' reasoning to keep, such as all_turns or current_turn (newest OpenAI models;
    #: docs only).
    context: str | None
    #: Reasoning mode, such as standard or pro (newest OpenAI models; docs only).
    mode: str | None


class PluginParam(TypedDict, total=False):
    """A plugin to run with the request, such as web or file-parser; plugin-specific settings go in extra. The dict form of ``Plugin``."""

    #: The plugin, e.g. web, web-fetch, file-parser, response-healing or context-compression.
    id: Required[Literal["auto-router", "auto-beta-router", "moderation", "web", "web-fetch", "file-parser", "response-healing", "context-compression", "pareto-router", "fusion"]]
    #: false turns off a plugin that would run by default.
    enabled: bool | None


class UsageOptionsParam(TypedDict, total=False):
    """Usage accounting switch (deprecated, no effect: usage and cost are always returned; not in the spec). The dict form of ``UsageOptions``."""

    #: Deprecated, no effect.
    include: bool | None


class DebugOptionsParam(TypedDict, total=False):
    """Debugging switches for streaming requests; not for production. The dict form of ``DebugOptions``."""

    #: Echo the body sent to each provider in a debug chunk at the start of the stream.
    echo_upstream_body: bool | None


class EmbeddingInputParam(TypedDict, total=False):
    """One multimodal input to embed: its content parts (text, image_url, input_audio, video_url or file). The dict form of ``EmbeddingInput``."""

    #: The parts embedded together as one vector.
    content: Required[Sequence[ContentPart | ContentPartParam]]


class RerankDocumentParam(TypedDict, total=False):
    """A document to rerank (or echoed in a result): text, an image URL or data URI, or both. The dict form of ``RerankDocument``."""

    #: The document text.
    text: str | None
    #: An image as an http(s) URL or a data:image/... URI.
    image: str | None


class UserLocationParam(TypedDict, total=False):
    """An approximate user location, for location-biased web search results (passed to providers that support it). The dict form of ``UserLocation``."""

    #: Always approximate.
    type: Literal["approximate"] | None
    city: str | None
    region: str | None
    #: A country, such as US.
    country: str | None
    #: An IANA time zone, such as America/Los_Angeles.
    timezone: str | None


class WebPluginParam(TypedDict, total=False):
    """The web plugin: search the web and ground the answer, with url_citation annotations on the reply (replaces the deprecated :online suffix). The dict form of ``WebPlugin``."""

    #: Always web.
    id: Required[Literal["web"]]
    #: false turns off a plugin that would run by default.
    enabled: bool | None
    #: How many search results to use (server default 5).
    max_results: int | None
    #: The text that introduces the search results to the model.
    search_prompt: str | None
    #: native (the provider's own search), exa, firecrawl (needs your own key), parallel or
    #: perplexity; unset: native where the provider has it, else exa.
    engine: Literal["native", "exa", "firecrawl", "parallel", "perplexity"] | None
    #: The engine's search mode (Exa: instant to deep-reasoning; Parallel: turbo to advanced);
    #: ignored by engines without it.
    mode: Literal["instant", "fast", "auto", "deep-lite", "deep", "deep-reasoning", "turbo", "basic", "advanced"] | None
    #: How many searches the model may run in one turn (native providers that support it).
    max_uses: int | None
    #: Only results from these domains (wildcards such as *.substack.com and paths such as
    #: openai.com/blog allowed).
    include_domains: Sequence[str] | None
    #: No results from these domains (same forms as include_domains).
    exclude_domains: Sequence[str] | None
    #: Where the user roughly is, for local results.
    user_location: UserLocation | UserLocationParam | None


class WebFetchPluginParam(TypedDict, total=False):
    """The web-fetch plugin: let the model fetch whole pages (or PDFs) by URL. The dict form of ``WebFetchPlugin``."""

    #: Always web-fetch.
    id: Required[Literal["web-fetch"]]
    #: false turns off a plugin that would run by default.
    enabled: bool | None
    #: How many fetches one request may make; more return an error to the model.
    max_uses: int | None
    #: Truncate each fetched page to about this many tokens.
    max_content_tokens: int | None
    #: Only fetch from these domains.
    allowed_domains: Sequence[str] | None
    #: Never fetch from these domains.
    blocked_domains: Sequence[str] | None


class PdfOptionsParam(TypedDict, total=False):
    """How the file-parser plugin reads PDFs. The dict form of ``PdfOptions``."""

    #: mistral-ocr (scans and images; the server default), cloudflare-ai (text PDFs), native (the
    #: model reads the file itself); pdf-text is deprecated and runs cloudflare-ai.
    engine: Literal["mistral-ocr", "native", "cloudflare-ai", "pdf-text"] | None


class FileParserPluginParam(TypedDict, total=False):
    """The file-parser plugin: turn attached files (PDFs) into text for models that cannot read them. The dict form of ``FileParserPlugin``."""

    #: Always file-parser.
    id: Required[Literal["file-parser"]]
    #: false turns off a plugin that would run by default.
    enabled: bool | None
    #: How to read PDFs: PdfOptions(engine=...).
    pdf: PdfOptions | PdfOptionsParam | None


class ResponseHealingPluginParam(TypedDict, total=False):
    """The response-healing plugin: repair malformed JSON in structured answers (json_object, json_schema) before they reach you. The dict form of ``ResponseHealingPlugin``."""

    #: Always response-healing.
    id: Required[Literal["response-healing"]]
    #: false turns off a plugin that would run by default.
    enabled: bool | None


class ContextCompressionPluginParam(TypedDict, total=False):
    """The context-compression plugin: shorten a prompt too long for the model's context (from the middle); on by default for endpoints of 8,192 tokens or less (enabled=False turns it off). The dict form of ``ContextCompressionPlugin``."""

    #: Always context-compression.
    id: Required[Literal["context-compression"]]
    #: false turns off a plugin that would run by default.
    enabled: bool | None
    #: middle-out (the server default): drop messages from the middle of the conversation.
    engine: Literal["middle-out"] | None


class ModerationPluginParam(TypedDict, total=False):
    """The moderation plugin (the spec documents its id only, no settings). The dict form of ``ModerationPlugin``."""

    #: Always moderation.
    id: Required[Literal["moderation"]]
    #: false turns off a plugin that would run by default.
    enabled: bool | None


class AutoRouterPluginParam(TypedDict, total=False):
    """The auto-router plugin: route to a model ranked for the prompt's task, within the models and cost band given. The dict form of ``AutoRouterPlugin``."""

    #: Always auto-router.
    id: Required[Literal["auto-router"]]
    #: false turns off a plugin that would run by default.
    enabled: bool | None
    #: Model patterns it may route to, wildcards allowed (anthropic/*); unset: every ranked model.
    allowed_models: Sequence[str] | None
    #: Model patterns it never routes to (wins over allowed_models).
    excluded_models: Sequence[str] | None
    #: The cost band to pick from: low (the cheapest fifth) to max (the dearest).
    cost_tier: Literal["low", "medium", "high", "xhigh", "max"] | None
    #: Deprecated (use cost_tier): 0 to 10, higher favours cheaper models (server default 9).
    cost_quality_tradeoff: int | None
    #: Keep the model of the last assistant message for the next turns.
    pin_model: bool | None


class AutoBetaRouterPluginParam(TypedDict, total=False):
    """The auto-beta-router plugin: the beta auto router, with the auto-router's settings but pin_model. The dict form of ``AutoBetaRouterPlugin``."""

    #: Always auto-beta-router.
    id: Required[Literal["auto-beta-router"]]
    #: false turns off a plugin that would run by default.
    enabled: bool | None
    #: Model patterns it may route to, wildcards allowed (anthropic/*); unset: every ranked model.
    allowed_models: Sequence[str] | None
    #: Model patterns it never routes to (wins over allowed_models).
    excluded_models: Sequence[str] | None
    #: The cost band to pick from: low (the cheapest fifth) to max (the dearest).
    cost_tier: Literal["low", "medium", "high", "xhigh", "max"] | None
    #: Deprecated (use cost_tier): 0 to 10, higher favours cheaper models (server default 9).
    cost_quality_tradeoff: int | None


class ParetoRouterPluginParam(TypedDict, total=False):
    """The pareto-router plugin: route to a top coding model on the price/quality frontier. The dict form of ``ParetoRouterPlugin``."""

    #: Always pareto-router.
    id: Required[Literal["pareto-router"]]
    #: false turns off a plugin that would run by default.
    enabled: bool | None
    #: The quality tier, 0 to 1: 0.66 and up high (the default), 0.33 and up medium, below low; not
    #: used with max_price.
    min_coding_score: float | None
    #: The most USD per million input tokens; the best frontier model within it is chosen (404 when
    #: none is).
    max_price: float | None
    #: The price compared: prompt (list price, the default) or weighted_avg (traffic-weighted
    #: effective price).
    price_source: Literal["prompt", "weighted_avg"] | None


class FusionPluginParam(TypedDict, total=False):
    """The fusion plugin: a panel of models researches the prompt, and an analyst model synthesizes the answer. The dict form of ``FusionPlugin``."""

    #: Always fusion.
    id: Required[Literal["fusion"]]
    #: false turns off a plugin that would run by default.
    enabled: bool | None
    #: A curated panel and analyst; analysis_models and model win over it.
    preset: Literal["general-high", "general-budget", "general-fast"] | None
    #: The panel: 1 to 8 models that answer in parallel (server default: the Quality preset).
    analysis_models: Sequence[str] | None
    #: The analyst and synthesis model (server default: the preset's first model).
    model: str | None
    #: The most tool-calling steps per panelist and analyst (1 to 16; server default 4).
    max_tool_calls: int | None
    #: Server tools of the panel and analyst (server default: web search and web fetch; [] for
    #: none).
    tools: "Sequence[ToolDefinition | ToolDefinitionParam | WebSearchToolParam | WebFetchToolParam | DatetimeToolParam | ImageGenerationToolParam | BashToolParam | FilesToolParam | AdvisorToolParam | SubagentToolParam | FusionToolParam | SearchModelsToolParam] | None"


class WebSearchToolConfigParam(TypedDict, total=False):
    """Settings of the openrouter:web_search server tool. The dict form of ``WebSearchToolConfig``."""

    #: auto (the server default: native where the provider has it, else exa), native, exa,
    #: parallel, firecrawl (needs your own key) or perplexity.
    engine: Literal["native", "exa", "parallel", "firecrawl", "perplexity", "auto"] | None
    #: Results per search call (server default 5; ignored by native search).
    max_results: int | None
    #: Results across all the searches of a request (server default 50).
    max_total_results: int | None
    #: How many searches one request may run; more return an error to the model.
    max_uses: int | None
    #: Characters of content per result (exa, parallel, perplexity); wins over search_context_size.
    max_characters: int | None
    #: How much content per result: low, medium or high (exa, parallel, perplexity).
    search_context_size: Literal["low", "medium", "high"] | None
    #: The engine's search mode (Exa: instant to deep-reasoning; Parallel: turbo to advanced).
    mode: Literal["instant", "fast", "auto", "deep-lite", "deep", "deep-reasoning", "turbo", "basic", "advanced"] | None
    #: Only results from these domains (not with excluded_domains).
    allowed_domains: Sequence[str] | None
    #: No results from these domains (not with allowed_domains).
    excluded_domains: Sequence[str] | None
    #: Where the user roughly is, for local results.
    user_location: UserLocation | UserLocationParam | None


class WebSearchToolParam(TypedDict, total=False):
    """The openrouter:web_search server tool: the model searches the web when it decides to, and OpenRouter runs the search. The dict form of ``WebSearchTool``."""

    #: Always openrouter:web_search.
    type: Literal["openrouter:web_search"] | None
    #: The function of a function tool.
    function: FunctionDefinition | FunctionDefinitionParam | None
    #: Cache the tool list up to and including this tool.
    cache_control: CacheControl | CacheControlParam | None
    #: The search settings.
    parameters: WebSearchToolConfig | WebSearchToolConfigParam | None


class WebFetchToolConfigParam(TypedDict, total=False):
    """Settings of the openrouter:web_fetch server tool. The dict form of ``WebFetchToolConfig``."""

    #: auto (the server default), native, openrouter (a direct HTTP fetch), exa, parallel or
    #: firecrawl (needs your own key).
    engine: Literal["auto", "native", "openrouter", "exa", "parallel", "firecrawl"] | None
    #: How many fetches one request may make; more return an error to the model.
    max_uses: int | None
    #: Truncate each fetched page to about this many tokens.
    max_content_tokens: int | None
    #: Only fetch from these domains.
    allowed_domains: Sequence[str] | None
    #: Never fetch from these domains.
    blocked_domains: Sequence[str] | None


class WebFetchToolParam(TypedDict, total=False):
    """The openrouter:web_fetch server tool: the model fetches a page or PDF by URL, and OpenRouter runs the fetch. The dict form of ``WebFetchTool``."""

    #: Always openrouter:web_fetch.
    type: Literal["openrouter:web_fetch"] | None
    #: The function of a function tool.
    function: FunctionDefinition | FunctionDefinitionParam | None
    #: Cache the tool list up to and including this tool.
    cache_control: CacheControl | CacheControlParam | None
    #: The fetch settings.
    parameters: WebFetchToolConfig | WebFetchToolConfigParam | None


class DatetimeToolConfigParam(TypedDict, total=False):
    """Settings of the openrouter:datetime server tool. The dict form of ``DatetimeToolConfig``."""

    #: An IANA time zone such as America/New_York (server default UTC).
    timezone: str | None


class DatetimeToolParam(TypedDict, total=False):
    """The openrouter:datetime server tool: the model asks for the current date and time. The dict form of ``DatetimeTool``."""

    #: Always openrouter:datetime.
    type: Literal["openrouter:datetime"] | None
    #: The function of a function tool.
    function: FunctionDefinition | FunctionDefinitionParam | None
    #: Cache the tool list up to and including this tool.
    cache_control: CacheControl | CacheControlParam | None
    #: The time zone to answer in.
    parameters: DatetimeToolConfig | DatetimeToolConfigParam | None


class ImageGenerationToolConfigParam(TypedDict, total=False):
    """Settings of the openrouter:image_generation server tool. The dict form of ``ImageGenerationToolConfig``."""

    #: The image model to generate with.
    model: str | None


class ImageGenerationToolParam(TypedDict, total=False):
    """The openrouter:image_generation server tool: the model asks an image model for a picture. The dict form of ``ImageGenerationTool``."""

    #: Always openrouter:image_generation.
    type: Literal["openrouter:image_generation"] | None
    #: The function of a function tool.
    function: FunctionDefinition | FunctionDefinitionParam | None
    #: Cache the tool list up to and including this tool.
    cache_control: CacheControl | CacheControlParam | None
    #: The image model to use.
    parameters: ImageGenerationToolConfig | ImageGenerationToolConfigParam | None


class BashEnvironmentParam(TypedDict, total=False):
    """Where openrouter:bash runs: a new OpenRouter-managed container (container_auto) or one you already have (container_reference with its container_id). The dict form of ``BashEnvironment``."""

    #: container_auto (an ephemeral container) or container_reference (reuse container_id).
    type: Required[Literal["container_auto", "container_reference"]]
    #: The container to reuse, for container_reference (at most 20 characters).
    container_id: str | None


class BashToolConfigParam(TypedDict, total=False):
    """Settings of the openrouter:bash server tool. The dict form of ``BashToolConfig``."""

    #: openrouter (OpenRouter runs the commands in its sandbox), or auto (the server default) and
    #: native (the tool call comes back to you to run).
    engine: Literal["auto", "native", "openrouter"] | None
    #: The container: BashEnvironment(type="container_auto").
    environment: BashEnvironment | BashEnvironmentParam | None
    #: Idle seconds before the container sleeps (server default 900, capped at 30 days).
    sleep_after_seconds: int | None


class BashToolParam(TypedDict, total=False):
    """The openrouter:bash server tool: the model runs shell commands in a sandboxed container. The dict form of ``BashTool``."""

    #: Always openrouter:bash.
    type: Literal["openrouter:bash"] | None
    #: The function of a function tool.
    function: FunctionDefinition | FunctionDefinitionParam | None
    #: Cache the tool list up to and including this tool.
    cache_control: CacheControl | CacheControlParam | None
    #: The engine and the container.
    parameters: BashToolConfig | BashToolConfigParam | None


class FilesToolConfigParam(TypedDict, total=False):
    """Settings of the openrouter:files server tool (none are documented yet). The dict form of ``FilesToolConfig``."""



class FilesToolParam(TypedDict, total=False):
    """The openrouter:files server tool: the model reads, writes, edits and lists the files of the API key's workspace. The dict form of ``FilesTool``."""

    #: Always openrouter:files.
    type: Literal["openrouter:files"] | None
    #: The function of a function tool.
    function: FunctionDefinition | FunctionDefinitionParam | None
    #: Cache the tool list up to and including this tool.
    cache_control: CacheControl | CacheControlParam | None
    #: No settings yet.
    parameters: FilesToolConfig | FilesToolConfigParam | None


class ServerToolReasoningParam(TypedDict, total=False):
    """Reasoning settings forwarded to the model an advisor, subagent or fusion tool calls. The dict form of ``ServerToolReasoning``."""

    #: The reasoning effort.
    effort: Literal["max", "xhigh", "high", "medium", "low", "minimal", "none"] | None
    #: The most reasoning tokens the called model may use.
    max_tokens: int | None


class AdvisorToolConfigParam(TypedDict, total=False):
    """Settings of one openrouter:advisor server tool entry (several named entries offer several advisors). The dict form of ``AdvisorToolConfig``."""

    #: The advisor model; unset: the one the tool call names, else the request's model.
    model: str | None
    #: The advisor's name, unique across advisor entries; at most one entry has none.
    name: str | None
    #: The advisor's system prompt.
    instructions: str | None
    #: Send the advisor the whole conversation, not only the tool call's prompt.
    forward_transcript: bool | None
    #: The most output tokens (reasoning included) the advisor may produce.
    max_completion_tokens: int | None
    #: The advisor's reasoning effort and budget.
    reasoning: ServerToolReasoning | ServerToolReasoningParam | None
    #: Stream the advice (Responses API only; no effect on chat completions).
    stream: bool | None
    #: The advisor's sampling temperature.
    temperature: float | None


class AdvisorToolParam(TypedDict, total=False):
    """The openrouter:advisor server tool: the model consults a stronger advisor model mid-generation. The dict form of ``AdvisorTool``."""

    #: Always openrouter:advisor.
    type: Literal["openrouter:advisor"] | None
    #: The function of a function tool.
    function: FunctionDefinition | FunctionDefinitionParam | None
    #: Cache the tool list up to and including this tool.
    cache_control: CacheControl | CacheControlParam | None
    #: The advisor model and its settings.
    parameters: AdvisorToolConfig | AdvisorToolConfigParam | None


class SubagentToolConfigParam(TypedDict, total=False):
    """Settings of one openrouter:subagent server tool entry (several named entries offer several workers). The dict form of ``SubagentToolConfig``."""

    #: The worker model (not the subagent tool itself); unset: the request's model.
    model: str | None
    #: The worker's name, unique across subagent entries; at most one entry has none.
    name: str | None
    #: The worker's system prompt.
    instructions: str | None
    #: The most output tokens (reasoning included) the worker may produce.
    max_completion_tokens: int | None
    #: The most tool-calling steps of the worker's loop (1 to 25).
    max_tool_calls: int | None
    #: The worker's reasoning effort and budget.
    reasoning: ServerToolReasoning | ServerToolReasoningParam | None
    #: The worker's sampling temperature.
    temperature: float | None
    #: OpenRouter server tools the worker may use (typed, such as a web search tool, or dicts; no
    #: function tools, not the subagent tool).
    tools: "Sequence[ToolDefinition | ToolDefinitionParam | WebSearchToolParam | WebFetchToolParam | DatetimeToolParam | ImageGenerationToolParam | BashToolParam | FilesToolParam | AdvisorToolParam | SubagentToolParam | FusionToolParam | SearchModelsToolParam] | None"
    #: Experimental, Responses API only (chat completions answer 400): the worker inherits every
    #: function tool of the request.
    inherit_functions: bool | None
    #: Experimental, Responses API only (chat completions answer 400): the function tools the
    #: worker inherits.
    inherited_function_names: Sequence[str] | None


class SubagentToolParam(TypedDict, total=False):
    """The openrouter:subagent server tool: the model delegates self-contained tasks to a cheaper worker model. The dict form of ``SubagentTool``."""

    #: Always openrouter:subagent.
    type: Literal["openrouter:subagent"] | None
    #: The function of a function tool.
    function: FunctionDefinition | FunctionDefinitionParam | None
    #: Cache the tool list up to and including this tool.
    cache_control: CacheControl | CacheControlParam | None
    #: The worker model, its settings and tools.
    parameters: SubagentToolConfig | SubagentToolConfigParam | None


class FusionToolConfigParam(TypedDict, total=False):
    """Settings of the openrouter:fusion server tool. The dict form of ``FusionToolConfig``."""

    #: The panel: 1 to 8 models that answer in parallel (server default: the Quality preset).
    analysis_models: Sequence[str] | None
    #: The analyst model that summarizes the panel; unset: the request's model.
    model: str | None
    #: The most output tokens per panelist and analyst call (server default 16000).
    max_completion_tokens: int | None
    #: The most tool-calling steps per panelist and analyst (1 to 16; server default 4).
    max_tool_calls: int | None
    #: The panelists' and analyst's reasoning effort and budget.
    reasoning: ServerToolReasoning | ServerToolReasoningParam | None
    #: The panelists' temperature (the analyst runs at 0).
    temperature: float | None
    #: Server tools of the panel and analyst (server default: web search and web fetch; [] for
    #: none).
    tools: "Sequence[ToolDefinition | ToolDefinitionParam | WebSearchToolParam | WebFetchToolParam | DatetimeToolParam | ImageGenerationToolParam | BashToolParam | FilesToolParam | AdvisorToolParam | SubagentToolParam | FusionToolParam | SearchModelsToolParam] | None"
    #: Prompt caching of the inner calls.
    cache_control: CacheControl | CacheControlParam | None


class FusionToolParam(TypedDict, total=False):
    """The openrouter:fusion server tool: a panel of models researches the prompt and an analyst summarizes their answers. The dict form of ``FusionTool``."""

    #: Always openrouter:fusion.
    type: Literal["openrouter:fusion"] | None
    #: The function of a function tool.
    function: FunctionDefinition | FunctionDefinitionParam | None
    #: Cache the tool list up to and including this tool.
    cache_control: CacheControl | CacheControlParam | None
    #: The panel, the analyst and their settings.
    parameters: FusionToolConfig | FusionToolConfigParam | None


class SearchModelsToolConfigParam(TypedDict, total=False):
    """Settings of the openrouter:experimental__search_models server tool. The dict form of ``SearchModelsToolConfig``."""

    #: How many models to return (server default 5, at most 20).
    max_results: int | None


class SearchModelsToolParam(TypedDict, total=False):
    """The openrouter:experimental__search_models server tool (experimental): the model searches the models available on OpenRouter. The dict form of ``SearchModelsTool``."""

    #: Always openrouter:experimental__search_models.
    type: Literal["openrouter:experimental__search_models"] | None
    #: The function of a function tool.
    function: FunctionDefinition | FunctionDefinitionParam | None
    #: Cache the tool list up to and including this tool.
    cache_control: CacheControl | CacheControlParam | None
    #: How many models to return.
    parameters: SearchModelsToolConfig | SearchModelsToolConfigParam | None


class RunToolsParams(TypedDict, total=False):
    """The keyword arguments of ``run_tools()``: those of ``complete()`` but ``tools``."""

    messages: Sequence[Message | MessageParam | ResponseMessage | Mapping[str, Any]]
    #: author/slug[:variant] or a ~author/family-latest alias; the account default when unset.
    model: str | None
    #: Fallback models, tried in order when the previous one fails.
    models: Sequence[str] | None
    #: Maximum tokens to generate (deprecated in favour of max_completion_tokens).
    max_tokens: int | None
    #: Maximum tokens to generate, reasoning included.
    max_completion_tokens: int | None
    temperature: float | None
    #: Nucleus sampling: only tokens within this cumulative probability.
    top_p: float | None
    #: Only the k most likely tokens (not available on OpenAI models).
    top_k: int | None
    #: Drop tokens less likely than min_p times the most likely one.
    min_p: float | None
    #: Drop tokens far less likely than the most likely one.
    top_a: float | None
    frequency_penalty: float | None
    presence_penalty: float | None
    #: 1.0 means no penalty; higher values repeat less.
    repetition_penalty: float | None
    #: Up to 4 sequences that end generation.
    stop: str | Sequence[str] | None
    #: Seed for repeatable sampling (not every provider honours it).
    seed: int | None
    #: Token id (as a string key) to bias, from -100 to 100.
    logit_bias: Mapping[str, float] | None
    #: Return the log probability of each output token.
    logprobs: bool | None
    #: How many alternatives per token to return (needs logprobs).
    top_logprobs: int | None
    response_format: ResponseFormat | ResponseFormatParam | type[Any] | None
    #: none, auto, required, or a ToolChoice forcing one tool.
    tool_choice: Literal["none", "auto", "required"] | ToolChoice | ToolChoiceParam | None
    #: false: at most one tool call per turn (server default true).
    parallel_tool_calls: bool | None
    #: A stable id of your end user, for abuse isolation.
    user: str | None
    #: Up to 16 string pairs stored with the request.
    metadata: Mapping[str, str] | None
    #: Output modalities: text, image, audio.
    modalities: Sequence[Literal["text", "image", "audio"]] | None
    prediction: Prediction | PredictionParam | None
    #: Processing tier; fast is an alias of priority.
    service_tier: Literal["auto", "default", "fast", "flex", "priority", "scale"] | None
    #: Cache key; also the sticky-routing key when there is no session_id.
    prompt_cache_key: str | None
    stream_options: StreamOptions | StreamOptionsParam | None
    provider: ProviderPreferences | ProviderPreferencesParam | None
    #: Deprecated alias of provider.sort.partition (fallback = model, sort = none).
    route: Literal["fallback", "sort"] | None
    plugins: Sequence[Plugin | PluginParam | WebPluginParam | WebFetchPluginParam | FileParserPluginParam | ResponseHealingPluginParam | ContextCompressionPluginParam | ModerationPluginParam | AutoRouterPluginParam | AutoBetaRouterPluginParam | ParetoRouterPluginParam | FusionPluginParam] | None
    #: Legacy prompt transforms such as middle-out (not in the spec; use the context-compression
    #: plugin).
    transforms: Sequence[str] | None
    reasoning: ReasoningConfig | ReasoningConfigParam | None
    #: Shorthand for reasoning.effort.
    reasoning_effort: ReasoningEffort | Literal["max", "xhigh", "high", "medium", "low", "minimal", "none"] | None
    #: Deprecated: true is reasoning {}, false is reasoning {exclude: true} (docs only).
    include_reasoning: bool | None
    #: Deprecated, no effect (docs only).
    usage: UsageOptions | UsageOptionsParam | None
    #: How long and detailed the answer should be, from low to max (docs only).
    verbosity: str | None
    #: Web search settings (docs only).
    web_search_options: Mapping[str, Any] | None
    #: Audio output settings {voice, format}; needs modalities with audio and stream (docs only).
    audio: Mapping[str, Any] | None
    #: Groups related requests; sticky routing and log grouping.
    session_id: str | None
    #: Observability passthrough: trace_id, trace_name, span_name, generation_name, parent_span_id,
    #: ...
    trace: Mapping[str, Any] | None
    #: Automatic prompt-cache breakpoint for the whole request.
    cache_control: CacheControl | CacheControlParam | None
    #: Explicit prompt caching for newest OpenAI models: {mode: explicit, ttl}.
    prompt_cache_options: Mapping[str, Any] | None
    #: Provider-specific image generation options.
    image_config: Mapping[str, Any] | None
    debug: DebugOptions | DebugOptionsParam | None
    #: When to stop the server-tool loop: any condition that fires stops it (overrides
    #: max_tool_calls); StopCondition.step_count_is(5), ...
    stop_server_tools_when: Sequence[StopCondition | StopConditionParam] | None
    #: Legacy plain prompt instead of messages (docs only).
    prompt: str | None


class CompletionParams(TypedDict, total=False):
    """The keyword arguments of ``complete()`` and ``stream()``: every documented chat parameter."""

    messages: Sequence[Message | MessageParam | ResponseMessage | Mapping[str, Any]]
    #: author/slug[:variant] or a ~author/family-latest alias; the account default when unset.
    model: str | None
    #: Fallback models, tried in order when the previous one fails.
    models: Sequence[str] | None
    #: Maximum tokens to generate (deprecated in favour of max_completion_tokens).
    max_tokens: int | None
    #: Maximum tokens to generate, reasoning included.
    max_completion_tokens: int | None
    temperature: float | None
    #: Nucleus sampling: only tokens within this cumulative probability.
    top_p: float | None
    #: Only the k most likely tokens (not available on OpenAI models).
    top_k: int | None
    #: Drop tokens less likely than min_p times the most likely one.
    min_p: float | None
    #: Drop tokens far less likely than the most likely one.
    top_a: float | None
    frequency_penalty: float | None
    presence_penalty: float | None
    #: 1.0 means no penalty; higher values repeat less.
    repetition_penalty: float | None
    #: Up to 4 sequences that end generation.
    stop: str | Sequence[str] | None
    #: Seed for repeatable sampling (not every provider honours it).
    seed: int | None
    #: Token id (as a string key) to bias, from -100 to 100.
    logit_bias: Mapping[str, float] | None
    #: Return the log probability of each output token.
    logprobs: bool | None
    #: How many alternatives per token to return (needs logprobs).
    top_logprobs: int | None
    response_format: ResponseFormat | ResponseFormatParam | type[Any] | None
    #: Tools the model may call; send them on every turn.
    tools: Sequence[ToolDefinition | ToolDefinitionParam | WebSearchToolParam | WebFetchToolParam | DatetimeToolParam | ImageGenerationToolParam | BashToolParam | FilesToolParam | AdvisorToolParam | SubagentToolParam | FusionToolParam | SearchModelsToolParam] | None
    #: none, auto, required, or a ToolChoice forcing one tool.
    tool_choice: Literal["none", "auto", "required"] | ToolChoice | ToolChoiceParam | None
    #: false: at most one tool call per turn (server default true).
    parallel_tool_calls: bool | None
    #: A stable id of your end user, for abuse isolation.
    user: str | None
    #: Up to 16 string pairs stored with the request.
    metadata: Mapping[str, str] | None
    #: Output modalities: text, image, audio.
    modalities: Sequence[Literal["text", "image", "audio"]] | None
    prediction: Prediction | PredictionParam | None
    #: Processing tier; fast is an alias of priority.
    service_tier: Literal["auto", "default", "fast", "flex", "priority", "scale"] | None
    #: Cache key; also the sticky-routing key when there is no session_id.
    prompt_cache_key: str | None
    stream_options: StreamOptions | StreamOptionsParam | None
    provider: ProviderPreferences | ProviderPreferencesParam | None
    #: Deprecated alias of provider.sort.partition (fallback = model, sort = none).
    route: Literal["fallback", "sort"] | None
    plugins: Sequence[Plugin | PluginParam | WebPluginParam | WebFetchPluginParam | FileParserPluginParam | ResponseHealingPluginParam | ContextCompressionPluginParam | ModerationPluginParam | AutoRouterPluginParam | AutoBetaRouterPluginParam | ParetoRouterPluginParam | FusionPluginParam] | None
    #: Legacy prompt transforms such as middle-out (not in the spec; use the context-compression
    #: plugin).
    transforms: Sequence[str] | None
    reasoning: ReasoningConfig | ReasoningConfigParam | None
    #: Shorthand for reasoning.effort.
    reasoning_effort: ReasoningEffort | Literal["max", "xhigh", "high", "medium", "low", "minimal", "none"] | None
    #: Deprecated: true is reasoning {}, false is reasoning {exclude: true} (docs only).
    include_reasoning: bool | None
    #: Deprecated, no effect (docs only).
    usage: UsageOptions | UsageOptionsParam | None
    #: How long and detailed the answer should be, from low to max (docs only).
    verbosity: str | None
    #: Web search settings (docs only).
    web_search_options: Mapping[str, Any] | None
    #: Audio output settings {voice, format}; needs modalities with audio and stream (docs only).
    audio: Mapping[str, Any] | None
    #: Groups related requests; sticky routing and log grouping.
    session_id: str | None
    #: Observability passthrough: trace_id, trace_name, span_name, generation_name, parent_span_id,
    #: ...
    trace: Mapping[str, Any] | None
    #: Automatic prompt-cache breakpoint for the whole request.
    cache_control: CacheControl | CacheControlParam | None
    #: Explicit prompt caching for newest OpenAI models: {mode: explicit, ttl}.
    prompt_cache_options: Mapping[str, Any] | None
    #: Provider-specific image generation options.
    image_config: Mapping[str, Any] | None
    debug: DebugOptions | DebugOptionsParam | None
    #: When to stop the server-tool loop: any condition that fires stops it (overrides
    #: max_tool_calls); StopCondition.step_count_is(5), ...
    stop_server_tools_when: Sequence[StopCondition | StopConditionParam] | None
    #: Legacy plain prompt instead of messages (docs only).
    prompt: str | None


class EmbedParams(TypedDict, total=False):
    """The keyword arguments of ``embed()``: every documented embeddings parameter but ``input``."""

    #: The embedding model, such as openai/text-embedding-3-small.
    model: Required[str]
    #: How many dimensions each vector has (models that can shorten them).
    dimensions: int | None
    #: float (the default) or base64.
    encoding_format: EncodingFormat | Literal["float", "base64"] | None
    #: What the input is for, such as search_query or search_document (models that distinguish
    #: them).
    input_type: str | None
    #: Provider routing preferences.
    provider: ProviderPreferences | ProviderPreferencesParam | None
    #: A stable id of your end user.
    user: str | None


class RerankParams(TypedDict, total=False):
    """The keyword arguments of ``rerank()``: every documented rerank parameter but ``query`` and ``documents``."""

    #: The rerank model, such as cohere/rerank-v3.5.
    model: Required[str]
    #: How many of the most relevant documents to return (default: all).
    top_n: int | None
    #: Provider routing preferences.
    provider: ProviderPreferences | ProviderPreferencesParam | None


class ListModelsParams(TypedDict, total=False):
    """The keyword arguments of ``list_models()``: the documented filters, order and page of ``GET /models``."""

    #: Models producing any of these: text, image, audio, embeddings, or all for every model (the
    #: API's default is text).
    output_modalities: str | Sequence[str] | None
    #: Models accepting any of these: text, image, audio, file.
    input_modalities: str | Sequence[str] | None
    #: Models supporting every one of these request parameters, such as tools.
    supported_parameters: str | Sequence[str] | None
    #: Models for this use case.
    category: ModelCategory | Literal["programming", "roleplay", "marketing", "marketing/seo", "technology", "science", "translation", "legal", "finance", "health", "trivia", "academia"] | None
    #: The server's order of the list.
    sort: ModelSort | Literal["most-popular", "newest", "top-weekly", "pricing-low-to-high", "pricing-high-to-low", "context-high-to-low", "throughput-high-to-low", "latency-low-to-high", "intelligence-high-to-low", "coding-high-to-low", "agentic-high-to-low", "design-arena-elo-high-to-low"] | None
    #: Free-text search by model name or slug.
    q: str | None
    #: The smallest context length (tokens).
    context: int | None
    #: The lowest prompt price, USD per million tokens.
    min_price: float | None
    #: The highest prompt price, USD per million tokens.
    max_price: float | None
    #: The lowest completion price, USD per million tokens.
    min_output_price: float | None
    #: The highest completion price, USD per million tokens.
    max_output_price: float | None
    #: The model family, such as GPT, Claude, Gemini or Llama.
    arch: str | None
    #: Models by these authors (slugs).
    model_authors: str | Sequence[str] | None
    #: Models hosted by these providers.
    providers: str | Sequence[str] | None
    #: true: only models whose authors allow distillation; false: none of them.
    distillable: Literal["true", "false"] | None
    #: true: only models with zero-data-retention endpoints.
    zdr: Literal["true"] | None
    #: Models with endpoints in this data region.
    region: Literal["eu", "us"] | None
    #: Models at least this many days old.
    min_age_days: int | None
    #: Models at most this many days old.
    max_age_days: int | None
    min_intelligence_index: float | None
    max_intelligence_index: float | None
    min_coding_index: float | None
    max_coding_index: float | None
    min_agentic_index: float | None
    max_agentic_index: float | None
    #: The lowest share of tool-calling requests that end in tool calls (0 to 1).
    min_tool_success_rate: float | None
    max_tool_success_rate: float | None
    #: Models to skip (a page; without offset and limit, the whole list).
    offset: int | None
    #: The most models to return (a page of at most 1000).
    limit: int | None


__all__ = [
    "AdvisorToolConfigParam",
    "AdvisorToolParam",
    "AutoBetaRouterPluginParam",
    "AutoRouterPluginParam",
    "BashEnvironmentParam",
    "BashToolConfigParam",
    "BashToolParam",
    "CacheControlParam",
    "CompletionParams",
    "ContentPartParam",
    "ContextCompressionPluginParam",
    "DatetimeToolConfigParam",
    "DatetimeToolParam",
    "DebugOptionsParam",
    "EmbedParams",
    "EmbeddingInputParam",
    "FileInputParam",
    "FileParserPluginParam",
    "FilesToolConfigParam",
    "FilesToolParam",
    "FunctionCallParam",
    "FunctionDefinitionParam",
    "FusionPluginParam",
    "FusionToolConfigParam",
    "FusionToolParam",
    "ImageGenerationToolConfigParam",
    "ImageGenerationToolParam",
    "ImageUrlParam",
    "InputAudioParam",
    "JsonSchemaFormatParam",
    "ListModelsParams",
    "MaxPriceParam",
    "MessageParam",
    "ModerationPluginParam",
    "ParetoRouterPluginParam",
    "PdfOptionsParam",
    "PercentileCutoffsParam",
    "PluginParam",
    "PredictionParam",
    "ProviderPreferencesParam",
    "ProviderSortConfigParam",
    "ReasoningConfigParam",
    "RerankDocumentParam",
    "RerankParams",
    "ResponseFormatParam",
    "ResponseHealingPluginParam",
    "RunToolsParams",
    "SearchModelsToolConfigParam",
    "SearchModelsToolParam",
    "ServerToolReasoningParam",
    "StopConditionParam",
    "StreamOptionsParam",
    "SubagentToolConfigParam",
    "SubagentToolParam",
    "ToolCallParam",
    "ToolChoiceFunctionParam",
    "ToolChoiceParam",
    "ToolDefinitionParam",
    "UsageOptionsParam",
    "UserLocationParam",
    "VideoUrlParam",
    "WebFetchPluginParam",
    "WebFetchToolConfigParam",
    "WebFetchToolParam",
    "WebPluginParam",
    "WebSearchToolConfigParam",
    "WebSearchToolParam",
]
