"""The public API as users write it: type-checked by mypy --strict in CI, never run."""

from __future__ import annotations

from decimal import Decimal

from openrouter_kit import (
    AsyncClient,
    Client,
    CompletionRequest,
    CompletionResponse,
    FinishReason,
    Hooks,
    Message,
    MessageRole,
    ModelInfo,
    OpenRouterClient,
    RequestEvent,
    ResponseEvent,
    RouteVariant,
    TokenUsage,
    UsageSnapshot,
    VariablePrice,
    apply_variant,
    errors,
)


def blocking() -> None:
    with Client(api_key="sk-or-v1-x", timeout=30.0, max_retries=2) as client:
        reply: CompletionResponse = client.complete(
            model=apply_variant("openai/gpt-4o-mini", RouteVariant.NITRO),
            messages=[Message.system("Be brief."), {"role": "user", "content": "Hi"}],
            temperature=0.2,
            provider={"order": ["openai"], "allow_fallbacks": False},
        )
        text: str = reply.text
        cost: Decimal | None = reply.cost
        usage: TokenUsage | None = reply.usage
        if reply.choices and reply.choices[0].finish_reason == FinishReason.STOP:
            print(text, cost, usage)
        request = CompletionRequest(messages=[Message(role=MessageRole.USER, content="Hi")])
        client.complete(request, max_tokens=10)
        models: list[ModelInfo] = client.list_models()
        vision: list[ModelInfo] = client.models.list_models(capability="vision", max_price=1e-6)
        every: list[ModelInfo] = client.list_models(output_modalities="all", category="programming")
        vectors: list[list[float]] = client.embed(["a", "b"], model="m/e", dimensions=8).vectors
        ranked: float | None = (
            client.rerank("q", ["d"], model="m/r", top_n=1).results[0].relevance_score
        )
        counted: int = client.count_models(["text", "embeddings"])
        print(every, vectors, ranked, counted, client.model_info("a/b").id)
        print(client.list_providers()[0].slug, client.generation_content("gen-1").output.completion)
        totals: UsageSnapshot = client.usage
        spent: Decimal = totals.cost
        print(models, vision, spent, client.generation(reply.id or "").total_cost)
        for m in models:  # the seed's shapes: capabilities, and prices read like a dict
            names: list[str] = m.capabilities
            if m.pricing is not None and m.pricing.get("prompt", 0) <= Decimal("0.000001"):
                price: Decimal | VariablePrice = m.pricing["prompt"]
                if isinstance(price, Decimal):
                    print(names, price * 1_000_000)
                # A price may be VARIABLE, which is not a number: mypy asks to narrow it first
                # (strict mode reports this ignore if it ever becomes unneeded).
                print(price * 1_000_000)  # type: ignore[operator]
        if client.budget is not None:
            left: Decimal = client.budget.remaining
            waiting: Decimal = client.budget.pending
            still: int = client.settle_pending(timeout=10)
            print(left, waiting, still, client.budget)
    try:
        Client.from_settings("settings.yaml")
    except errors.ConfigurationError as exc:
        print(exc.message)


async def concurrent() -> None:
    async with AsyncClient(base_url="http://127.0.0.1:8765/api/v1") as client:
        reply = await client.complete(
            model="openai/gpt-4o", messages=[{"role": "user", "content": "Hi"}]
        )
        info: ModelInfo = await client.models.get_model(reply.model or "openai/gpt-4o")
        unsettled: int = await client.settle_pending()
        print(
            info.context_length,
            (await client.key_info()).usage,
            (await client.credits()).total_credits,
            unsettled,
        )
    client2: AsyncClient = OpenRouterClient(api_key="k")
    try:
        await client2.complete(messages=[Message.user("Hi")])
    except errors.RateLimitError as exc:
        print(exc.retry_after)
    except errors.OpenRouterError as exc:
        print(exc.status_code, exc.code, exc.request_id, exc.metadata)
    finally:
        await client2.aclose()


def with_hooks() -> None:
    latencies: list[float] = []

    def record(event: ResponseEvent) -> None:
        latencies.append(event.latency)

    def trace(event: RequestEvent) -> None:
        event.headers["traceparent"] = "00-abc-def-01"

    async def arecord(event: ResponseEvent) -> None:
        latencies.append(event.latency)

    Client(hooks={"response": [record], "request": [trace]}).hooks.error.append(print)
    AsyncClient(hooks=Hooks(response=[arecord, record]))


def timeouts() -> None:
    import httpx

    Client(timeout={"connect": 5.0, "read": 60.0})
    Client(timeout=httpx.Timeout(10.0, connect=2.0)).with_options(timeout=None)
    AsyncClient(timeout=30)


def bounds() -> None:
    client = Client(deadline=30, stream_idle_timeout=None, max_response_bytes=8 << 20)
    client.with_options(deadline=600, stream_idle_timeout=120, retry_maybe_processed=True)
    AsyncClient(retry_maybe_processed=True, max_response_bytes=None)
    try:
        client.complete(model="a/b", messages=[{"role": "user", "content": "hi"}])
    except errors.MaybeProcessedError as exc:
        retried: bool = isinstance(exc, errors.RequestTimeoutError | errors.APIConnectionError)
        print(retried)
    except errors.ResponseTooLargeError as exc:
        cap: int | None = exc.limit
        print(cap)


def limits() -> None:
    Client(max_event_bytes=1 << 20)
    AsyncClient(max_event_bytes=64 * 1024 * 1024)
