"""The endpoint table: one row per OpenRouter operation.

Generated - do not edit. Run ``python codegen/generate.py`` to regenerate.
"""

from attrs import frozen

from openrouter_kit._generated.models import (
    CompletionRequest,
    CompletionResponse,
    CreditsResponse,
    GenerationResponse,
    KeyResponse,
    ModelEndpointsResponse,
    ModelList,
    StreamChunk,
)


@frozen
class Endpoint:
    """One operation: how to call it and what its body parses into."""

    name: str
    method: str
    #: Relative to the base URL; ``{name}`` segments are filled from path parameters.
    path: str
    #: The request body's model, or None for operations without a body.
    request: type | None
    #: The model of a successful response body.
    response: type
    #: The model of one server-sent event when the operation streams, else None.
    chunk: type | None


CHAT_COMPLETIONS = Endpoint(name="chat_completions", method="POST", path="/chat/completions", request=CompletionRequest, response=CompletionResponse, chunk=StreamChunk)
LIST_MODELS = Endpoint(name="list_models", method="GET", path="/models", request=None, response=ModelList, chunk=None)
MODEL_ENDPOINTS = Endpoint(name="model_endpoints", method="GET", path="/models/{author}/{slug}/endpoints", request=None, response=ModelEndpointsResponse, chunk=None)
GENERATION = Endpoint(name="generation", method="GET", path="/generation", request=None, response=GenerationResponse, chunk=None)
KEY = Endpoint(name="key", method="GET", path="/key", request=None, response=KeyResponse, chunk=None)
CREDITS = Endpoint(name="credits", method="GET", path="/credits", request=None, response=CreditsResponse, chunk=None)

ENDPOINTS: dict[str, Endpoint] = {
    CHAT_COMPLETIONS.name: CHAT_COMPLETIONS,
    LIST_MODELS.name: LIST_MODELS,
    MODEL_ENDPOINTS.name: MODEL_ENDPOINTS,
    GENERATION.name: GENERATION,
    KEY.name: KEY,
    CREDITS.name: CREDITS,
}
