"""BaseClient: everything both clients do that is not I/O.

Owns the configuration, the retry policy and the session usage; prepares requests (merge, defaults,
validation, bytes) and finishes responses (errors inside a 200, latency, attempts, usage). The
shells in ``_client`` and ``_async_client`` only send, wait and close.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from urllib.parse import urlsplit

import attrs

from openrouter_kit._core import convert, wire
from openrouter_kit._core.accounting import UsageSnapshot, UsageTotals
from openrouter_kit._core.assemble import StreamAssembler
from openrouter_kit._core.config import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, Config
from openrouter_kit._core.retry import RetryPolicy
from openrouter_kit._generated.endpoints import (
    CHAT_COMPLETIONS,
    GENERATION,
    MODEL_ENDPOINTS,
    Endpoint,
)
from openrouter_kit._generated.models import CompletionRequest, CompletionResponse
from openrouter_kit.errors import ConfigurationError, InvalidResponseError, ValidationError

if TYPE_CHECKING:
    from typing import Self

    import httpx

__all__ = ["BaseClient"]

T = TypeVar("T")
logger = logging.getLogger("openrouter_kit")


class BaseClient:
    """Configuration and request/response handling shared by ``Client`` and ``AsyncClient``.

    The constructor is the one both clients share; ``Client`` documents its arguments.
    """

    #: The httpx client class the shell drives; an injected ``http_client`` must be one.
    _http_type: ClassVar[type]
    _http: Any
    _models: Any

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        app_name: str | None = "openrouter-kit",
        app_url: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | httpx.AsyncClient | None = None,
        *,
        default_model: str | None = None,
        default_params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._config = Config.from_env(
            os.environ,
            api_key=api_key,
            base_url=base_url,
            app_name=app_name,
            app_url=app_url,
            timeout=timeout,
            max_retries=max_retries,
            default_model=default_model,
            default_params=default_params,
            headers=headers,
        )
        if http_client is not None and not isinstance(http_client, self._http_type):
            raise ConfigurationError(
                f"{type(self).__name__} needs an httpx.{self._http_type.__name__} as http_client, "
                f"got {type(http_client).__name__}"
            )
        self._http = http_client
        self._owns_http = http_client is None
        self._closed = False
        self._lock = threading.Lock()
        self._models = None
        self._retry = RetryPolicy(max_retries=self._config.max_retries)
        self._usage = UsageTotals()

    @classmethod
    def from_settings(cls, path: str | os.PathLike[str], **overrides: Any) -> Self:
        """Return a client configured by the ``llm:`` section of a YAML settings file.

        ``default_model``, ``temperature`` and ``max_tokens`` become defaults for every request;
        ``timeout`` and ``max_retries`` configure the client. Keyword ``overrides`` win over the
        file.

        Raises:
            ConfigurationError: the file is missing or invalid (the message names field and line).
        """
        from openrouter_kit._settings import load_settings

        return cls(**{**load_settings(path), **overrides})

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={self._config.base_url!r}>"

    @property
    def base_url(self) -> str:
        """The API root every request goes to."""
        return self._config.base_url

    @property
    def timeout(self) -> float | None:
        """Seconds an HTTP attempt may take (None: no limit)."""
        return self._config.timeout

    @property
    def max_retries(self) -> int:
        """How many times a failed call is retried (0: never)."""
        return self._config.max_retries

    @property
    def default_model(self) -> str | None:
        """The model used when a request names none."""
        return self._config.default_model

    @property
    def usage(self) -> UsageSnapshot:
        """Session totals of this client: requests, prompt/completion/total tokens and USD cost."""
        return self._usage.snapshot()

    # -- preparing -----------------------------------------------------------------------------
    def _prepare_completion(
        self, request: CompletionRequest | Mapping[str, Any] | None, params: Mapping[str, Any]
    ) -> wire.WireRequest:
        req = self._completion_request(request, params)
        if req.stream:
            raise ValidationError("stream=True is not accepted by complete(); use client.stream()")
        return wire.build_request(self._config, CHAT_COMPLETIONS, body=convert.dumps(req))

    def _completion_request(
        self, request: CompletionRequest | Mapping[str, Any] | None, params: Mapping[str, Any]
    ) -> CompletionRequest:
        """The validated request with the client's defaults (the caller's object is untouched)."""
        if isinstance(request, CompletionRequest) and not params:
            req = convert.structure_input(
                convert.converters().fast.unstructure(request), CompletionRequest
            )
        elif request is None or isinstance(request, CompletionRequest | Mapping):
            data = dict(
                convert.converters().fast.unstructure(request)
                if isinstance(request, CompletionRequest)
                else request or {}
            )
            data.update(params)
            req = convert.structure_input(data, CompletionRequest)
        else:
            raise ValidationError(
                f"request must be a CompletionRequest or a dict, got {type(request).__name__}"
            )
        changes: dict[str, Any] = {}
        if req.model is None and not getattr(req, "models", None) and self._config.default_model:
            changes["model"] = self._config.default_model
        for name, value in self._config.default_params.items():
            if getattr(req, name) is None:
                changes[name] = value
        return attrs.evolve(req, **changes) if changes else req

    def _prepare_stream(
        self, request: CompletionRequest | Mapping[str, Any] | None, params: Mapping[str, Any]
    ) -> tuple[wire.WireRequest, StreamAssembler]:
        req = self._completion_request(request, params)
        if req.stream is False:
            raise ValidationError("stream=False is not accepted by stream(); use client.complete()")
        body = convert.dumps(attrs.evolve(req, stream=True))
        wire_request = wire.build_request(self._config, CHAT_COMPLETIONS, body=body, stream=True)
        structure = convert.converters().fast.structure
        return wire_request, StreamAssembler(structure, self._config.api_key)

    @staticmethod
    def _not_a_stream(status: int) -> InvalidResponseError:
        return InvalidResponseError(
            "a streamed request was answered with a whole JSON body, not an event stream",
            status_code=status,
        )

    def _prepare_get(
        self,
        endpoint: Endpoint,
        *,
        query: Mapping[str, str] | None = None,
        path_params: Mapping[str, str] | None = None,
    ) -> wire.WireRequest:
        return wire.build_request(self._config, endpoint, query=query, path_params=path_params)

    def _prepare_model_endpoints(self, model: str) -> wire.WireRequest:
        author, _, slug = model.partition("/") if isinstance(model, str) else ("", "", "")
        if not author or not slug or "/" in slug:
            raise ValidationError(
                f"expected a model id like 'author/slug', got {str(model)[:80]!r}"
            )
        return self._prepare_get(MODEL_ENDPOINTS, path_params={"author": author, "slug": slug})

    def _prepare_generation(self, generation_id: str) -> wire.WireRequest:
        if not isinstance(generation_id, str) or not generation_id.strip():
            raise ValidationError("generation_id must be a non-empty string (a response's id)")
        return self._prepare_get(GENERATION, query={"id": generation_id.strip()})

    # -- finishing -----------------------------------------------------------------------------
    def _parse(
        self,
        endpoint: Endpoint,
        wire_request: wire.WireRequest,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        elapsed: float,
    ) -> Any:
        """The parsed body of one attempt, or the mapped error raised (logged either way)."""
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %d in %.1f ms (request id %s)",
                wire_request.method,
                urlsplit(wire_request.url).path,
                status,
                elapsed * 1000,
                headers.get("x-request-id") or headers.get("x-generation-id") or "-",
            )
        return wire.parse_response(
            endpoint,
            status,
            headers,
            body,
            structure=convert.converters().fast.structure,
            api_key=self._config.api_key,
            now=time.time() if status >= 400 else None,
        )

    def _finish_stream(
        self,
        assembler: StreamAssembler,
        latency: float | None,
        time_to_first_token: float | None,
        attempts: int,
    ) -> CompletionResponse:
        """The stream's answer so far, with its metrics; its usage is recorded once."""
        response = assembler.final_response()
        response.latency = latency
        response.time_to_first_token = time_to_first_token
        response.attempts = attempts
        if not assembler.recorded:
            assembler.recorded = True
            self._usage.record(assembler.usage)
        return response

    def _finish_completion(
        self, response: CompletionResponse, latency: float, attempts: int
    ) -> CompletionResponse:
        response.latency = latency
        response.attempts = attempts
        self._usage.record(response.usage)
        wire.raise_for_choice_error(response, self._config.api_key)
        return response
