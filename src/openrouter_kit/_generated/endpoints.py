"""The endpoint table: one row per OpenRouter operation (data only).

Generated - do not edit. Run ``python codegen/generate.py`` to regenerate.
"""

#: (name, HTTP method, path, request body's model, response's model, stream event's
#: model): the path is relative to the base URL, its ``{name}`` segments filled from
#: path parameters; models are named (None: no request body, or no stream).
#: ``openrouter_kit._core.wire.Endpoint`` reads these rows.
ROWS: tuple[tuple[str, str, str, str | None, str, str | None], ...] = (
    ("chat_completions", "POST", "/chat/completions", "CompletionRequest", "CompletionResponse", "StreamChunk"),
    ("list_models", "GET", "/models", None, "ModelList", None),
    ("model_endpoints", "GET", "/models/{author}/{slug}/endpoints", None, "ModelEndpointsResponse", None),
    ("generation", "GET", "/generation", None, "GenerationResponse", None),
    ("key", "GET", "/key", None, "KeyResponse", None),
    ("credits", "GET", "/credits", None, "CreditsResponse", None),
    ("list_keys", "GET", "/keys", None, "ApiKeyList", None),
    ("create_key", "POST", "/keys", "ApiKeyCreate", "CreatedApiKey", None),
    ("get_key", "GET", "/keys/{hash}", None, "ApiKeyResponse", None),
    ("update_key", "PATCH", "/keys/{hash}", "ApiKeyUpdate", "ApiKeyResponse", None),
    ("delete_key", "DELETE", "/keys/{hash}", None, "DeletedApiKey", None),
    ("create_auth_code", "POST", "/auth/keys/code", "AuthCodeCreate", "AuthCodeResponse", None),
    ("exchange_auth_code", "POST", "/auth/keys", "AuthCodeExchange", "AuthKey", None),
    ("embeddings", "POST", "/embeddings", "EmbeddingRequest", "EmbeddingResponse", None),
    ("embedding_models", "GET", "/embeddings/models", None, "ModelList", None),
    ("rerank", "POST", "/rerank", "RerankRequest", "RerankResponse", None),
    ("user_models", "GET", "/models/user", None, "ModelList", None),
    ("count_models", "GET", "/models/count", None, "ModelCountResponse", None),
    ("model", "GET", "/model/{author}/{slug}", None, "ModelResponse", None),
    ("providers", "GET", "/providers", None, "ProviderList", None),
    ("generation_content", "GET", "/generation/content", None, "GenerationContentResponse", None),
)
