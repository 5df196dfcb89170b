"""Typed keyword arguments of the chat calls: type-checked by mypy --strict in CI, never run.

The first half is how people write calls, and must type-check. The second half misspells
keywords and values: each line carries a ``# type: ignore[code]``, and mypy's
``warn_unused_ignores`` (on under ``--strict``) fails if the error it silences ever goes away,
so these lines prove that mypy rejects them.
"""

from __future__ import annotations

from decimal import Decimal

from openrouter_kit import (
    AdvisorTool,
    AdvisorToolConfig,
    AsyncClient,
    AutoBetaRouterPlugin,
    AutoRouterPlugin,
    BashEnvironment,
    BashTool,
    BashToolConfig,
    Client,
    CompletionParams,
    CompletionResponse,
    ContextCompressionPlugin,
    DatetimeTool,
    DatetimeToolConfig,
    FileParserPlugin,
    FilesTool,
    FusionPlugin,
    FusionTool,
    FusionToolConfig,
    ImageGenerationTool,
    ImageGenerationToolConfig,
    Message,
    ModerationPlugin,
    ParetoRouterPlugin,
    PdfOptions,
    Plugin,
    ResponseHealingPlugin,
    SearchModelsTool,
    SearchModelsToolConfig,
    ServerToolReasoning,
    StopCondition,
    SubagentTool,
    SubagentToolConfig,
    ToolDefinition,
    UserLocation,
    WebFetchPlugin,
    WebFetchTool,
    WebPlugin,
    WebSearchTool,
    WebSearchToolConfig,
)

MODEL = "openai/gpt-4o-mini"


def get_weather(city: str) -> str:
    """The weather in ``city``."""
    return f"sunny in {city}"


def correct(client: Client) -> None:
    history: list[dict[str, str]] = [{"role": "user", "content": "Hi"}]  # plain dicts, as kept
    reply: CompletionResponse = client.complete(
        model=MODEL,
        messages=history,
        max_tokens=50,
        temperature=0.2,
        models=["anthropic/claude-sonnet-4"],
        provider={"order": ["openai"], "data_collection": "deny", "sort": "price"},
        reasoning={"effort": "high"},
        response_format={"type": "json_object"},
        modalities=["text"],
        tool_choice="auto",
        tools=[{"type": "function", "function": {"name": "f", "parameters": {}}}],
        timeout=5,
        extra_headers={"X-OpenRouter-Metadata": "enabled"},
        extra_query={"trace": "1"},
        extra_body={"safe_prompt": True},
        max_cost=Decimal("0.01"),
    )
    tokens: int = reply.usage.total_tokens  # never None on a completion
    # A reply's message goes back into the history as it is.
    follow_up = client.complete(
        model=MODEL,
        messages=[*history, reply.choices[0].message, Message.user("And then?")],
        tools=[ToolDefinition.from_function(get_weather)],
    )
    with client.stream(model=MODEL, messages=history, max_cost="0.01", timeout=None) as stream:
        for text in stream.text_stream:
            print(text)
    final = stream.final_response()
    partial: bool = final.partial or stream.partial
    run = client.run_tools(model=MODEL, messages=history, tools=[get_weather], max_rounds=2)
    client.complete(model=MODEL, messages=run.messages)
    client.models.check(model=MODEL, messages=history, max_tokens=10)
    params: CompletionParams = {"model": MODEL, "messages": history, "seed": 7}
    client.complete(**params)
    print(tokens, follow_up, partial)


async def correct_async(client: AsyncClient) -> None:
    reply = await client.complete(model=MODEL, messages=[Message.user("Hi")], top_p=0.9)
    again = await client.complete(model=MODEL, messages=[reply.choices[0].message])
    async with client.stream(model=MODEL, messages=[Message.user("Hi")]) as stream:
        async for text in stream.text_stream:
            print(text)
    final = await stream.final_response()
    await client.run_tools(model=MODEL, messages=[Message.user("Hi")], tools=[get_weather])
    await client.models.check(model=MODEL, messages=[Message.user("Hi")])
    print(again.usage.prompt_tokens, final.partial)


def misspelt(client: Client) -> None:
    user = [Message.user("Hi")]
    client.complete(model=MODEL, messages=user, max_token=5)  # type: ignore[call-arg]
    client.stream(model=MODEL, messages=user, temprature=0.2)  # type: ignore[call-arg]
    client.complete(model=MODEL, messages=user, budget="1")  # type: ignore[call-arg]
    client.complete(model=MODEL, messages=user, stream=True)  # type: ignore[call-arg]
    client.run_tools(model=MODEL, messages=user, tools=[get_weather], max_round=2)  # type: ignore[call-arg]
    client.models.check(model=MODEL, messages=user, max_token=5)  # type: ignore[call-arg]
    client.complete(model=MODEL, messages=user, temperature="hot")  # type: ignore[arg-type]
    client.complete(model=MODEL, messages=user, modalities=["video"])  # type: ignore[list-item]
    client.complete(model=MODEL, messages=user, reasoning={"effort": "ultra"})  # type: ignore[arg-type]
    client.complete(model=MODEL, messages=user, provider={"data_colection": "deny"})  # type: ignore[arg-type]
    client.complete(model=MODEL, messages=user, provider={"data_collection": "maybe"})  # type: ignore[arg-type]


async def misspelt_async(client: AsyncClient) -> None:
    user = [Message.user("Hi")]
    await client.complete(model=MODEL, messages=user, max_token=5)  # type: ignore[call-arg]
    client.stream(model=MODEL, messages=user, temprature=0.2)  # type: ignore[call-arg]
    await client.run_tools(model=MODEL, messages=user, tools=[], toolz=[])  # type: ignore[call-arg]


def plugins_and_server_tools(client: Client) -> None:
    """Typed plugins and server tools, their dict forms, and both mixed in one list."""
    user = [Message.user("What changed in Python 3.13?")]
    client.complete(
        model=MODEL,
        messages=user,
        plugins=[
            WebPlugin(max_results=3, engine="exa", user_location=UserLocation(country="FR")),
            FileParserPlugin(pdf=PdfOptions(engine="cloudflare-ai")),
            ResponseHealingPlugin(),
            ContextCompressionPlugin(enabled=False),
            WebFetchPlugin(max_uses=2),
            ModerationPlugin(),
            AutoRouterPlugin(allowed_models=["anthropic/*"], cost_tier="low", pin_model=True),
            AutoBetaRouterPlugin(excluded_models=["openai/gpt-4o"], cost_tier="max"),
            ParetoRouterPlugin(min_coding_score=0.5, price_source="prompt"),
            FusionPlugin(preset="general-fast", tools=[WebSearchTool()]),
            {"id": "pareto-router", "max_price": 5, "price_source": "weighted_avg"},
            {"id": "fusion", "tools": [{"type": "openrouter:web_fetch"}]},
            {"id": "web", "max_results": 3, "search_prompt": "Sources:"},
            {"id": "file-parser", "pdf": {"engine": "native"}},
            {"id": "response-healing"},
            {"id": "moderation"},
        ],
        tools=[
            WebSearchTool(parameters=WebSearchToolConfig(max_results=2, engine="auto")),
            WebFetchTool(),
            DatetimeTool(parameters=DatetimeToolConfig(timezone="UTC")),
            ImageGenerationTool(parameters=ImageGenerationToolConfig(model="google/imagen")),
            BashTool(
                parameters=BashToolConfig(
                    engine="openrouter", environment=BashEnvironment(type="container_auto")
                )
            ),
            FilesTool(),
            AdvisorTool(
                parameters=AdvisorToolConfig(
                    name="reviewer", reasoning=ServerToolReasoning(effort="high")
                )
            ),
            SubagentTool(
                parameters=SubagentToolConfig(
                    model="~anthropic/claude-haiku-latest",
                    tools=[WebSearchTool(), DatetimeTool()],
                )
            ),
            FusionTool(parameters=FusionToolConfig(analysis_models=["~openai/gpt-latest"])),
            SearchModelsTool(parameters=SearchModelsToolConfig(max_results=5)),
            {"type": "openrouter:bash", "parameters": {"environment": {"type": "container_auto"}}},
            {
                "type": "openrouter:subagent",
                "parameters": {"tools": [{"type": "openrouter:files"}]},
            },
            ToolDefinition.from_function(get_weather),
            {"type": "openrouter:web_search", "parameters": {"max_results": 2}},
            {"type": "openrouter:datetime"},
        ],
        stop_server_tools_when=[
            StopCondition.step_count_is(5),
            StopCondition.has_tool_call("finalize"),
            {"type": "max_cost", "max_cost_in_dollars": 0.5},
        ],
    )
    plugin: Plugin = WebPlugin()
    tool: ToolDefinition = WebSearchTool()
    assert plugin.enabled is None
    assert tool.function is None


def plugins_misspelt(client: Client) -> None:
    user = [Message.user("Hi")]
    client.complete(model=MODEL, messages=user, plugins=[{"id": "webb"}])  # type: ignore[list-item]
    client.complete(
        model=MODEL,
        messages=user,
        plugins=[{"id": "web", "max_results": "3"}],  # type: ignore[list-item]
    )
    client.complete(
        model=MODEL,
        messages=user,
        plugins=[{"id": "file-parser", "pdf": {"engine": "tesseract"}}],  # type: ignore[list-item]
    )
    WebPlugin(max_result=3)  # type: ignore[call-arg]
    client.complete(
        model=MODEL,
        messages=user,
        tools=[{"type": "openrouter:bash", "parameters": {"engine": "docker"}}],  # type: ignore[list-item]
    )
    SubagentToolConfig(max_tool_call=5)  # type: ignore[call-arg]
    client.complete(
        model=MODEL,
        messages=user,
        plugins=[{"id": "auto-router", "cost_tier": "cheap"}],  # type: ignore[list-item]
    )
    ParetoRouterPlugin(max_prise=5.0)  # type: ignore[call-arg]
    client.complete(
        model=MODEL,
        messages=user,
        stop_server_tools_when=[{"type": "step_count"}],  # type: ignore[list-item]
    )
