"""The endpoint table: one row per OpenRouter operation.

Generated - do not edit. Run ``python codegen/generate.py`` to regenerate.
"""

from attrs import frozen


#: Wire models by name, once looked up.
_MODELS: dict[str, type] = {}


def _model(name: str | None) -> type | None:
    """The wire model called ``name`` (its module is imported on first use)."""
    if name is None:
        return None
    model = _MODELS.get(name)
    if model is None:
        from openrouter_kit._generated import models

        model = _MODELS[name] = getattr(models, name)
    return model


@frozen
class Endpoint:
    """One operation: how to call it and what its body parses into."""

    name: str
    method: str
    #: Relative to the base URL; ``{name}`` segments are filled from path parameters.
    path: str
    #: Names of the request body's model (None: no body), of a successful
    #: response's model, and of one event's model (None: it does not stream).
    request_name: str | None
    response_name: str
    chunk_name: str | None

    @property
    def request(self) -> type | None:
        """The request body's model, or None for operations without a body."""
        return _model(self.request_name)

    @property
    def response(self) -> type:
        """The model of a successful response body."""
        model = _model(self.response_name)
        assert model is not None
        return model

    @property
    def chunk(self) -> type | None:
        """The model of one server-sent event, or None when it does not stream."""
        return _model(self.chunk_name)


CHAT_COMPLETIONS = Endpoint(name="chat_completions", method="POST", path="/chat/completions", request_name="CompletionRequest", response_name="CompletionResponse", chunk_name="StreamChunk")
LIST_MODELS = Endpoint(name="list_models", method="GET", path="/models", request_name=None, response_name="ModelList", chunk_name=None)
MODEL_ENDPOINTS = Endpoint(name="model_endpoints", method="GET", path="/models/{author}/{slug}/endpoints", request_name=None, response_name="ModelEndpointsResponse", chunk_name=None)
GENERATION = Endpoint(name="generation", method="GET", path="/generation", request_name=None, response_name="GenerationResponse", chunk_name=None)
KEY = Endpoint(name="key", method="GET", path="/key", request_name=None, response_name="KeyResponse", chunk_name=None)
CREDITS = Endpoint(name="credits", method="GET", path="/credits", request_name=None, response_name="CreditsResponse", chunk_name=None)

ENDPOINTS: dict[str, Endpoint] = {
    CHAT_COMPLETIONS.name: CHAT_COMPLETIONS,
    LIST_MODELS.name: LIST_MODELS,
    MODEL_ENDPOINTS.name: MODEL_ENDPOINTS,
    GENERATION.name: GENERATION,
    KEY.name: KEY,
    CREDITS.name: CREDITS,
}
