"""The endpoint table: one row per OpenRouter operation.

Generated - do not edit. Run ``python codegen/generate.py`` to regenerate.
"""

from attrs import frozen

from openrouter_kit._generated.models import CompletionRequest, CompletionResponse


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


CHAT_COMPLETIONS = Endpoint(name="chat_completions", method="POST", path="/chat/completions", request=CompletionRequest, response=CompletionResponse, chunk=None)

ENDPOINTS: dict[str, Endpoint] = {
    CHAT_COMPLETIONS.name: CHAT_COMPLETIONS,
}
