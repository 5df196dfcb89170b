"""The sans-IO request builder and error mapping: no server, no mocks."""

from __future__ import annotations

import json
import traceback
from email.utils import formatdate

import pytest

from openrouter_kit import errors
from openrouter_kit._core import wire
from openrouter_kit._core.config import Config
from openrouter_kit._core.wire import (
    USER_AGENT,
    build_request,
    error_from_response,
    parse_response,
    parse_retry_after,
    raise_for_choice_error,
)
from openrouter_kit._version import __version__
from tests.conftest import CANARY_KEY


def config(**kw: object) -> Config:
    return Config.from_env({}, api_key=CANARY_KEY, **kw)  # type: ignore[arg-type]


def body(code: object, message: str, metadata: object = None, **extra: object) -> bytes:
    error: dict[str, object] = {"code": code, "message": message}
    if metadata is not None:
        error["metadata"] = metadata
    return json.dumps({"error": error, **extra}).encode()


def test_request_carries_auth_attribution_and_user_agent() -> None:
    cfg = config(app_name="My App", app_url="https://example.com")
    req = build_request(cfg, wire.CHAT_COMPLETIONS, body=b"{}")
    headers = dict(req.headers)
    assert headers["Authorization"] == f"Bearer {CANARY_KEY}"
    assert headers["HTTP-Referer"] == "https://example.com"
    assert headers["X-OpenRouter-Title"] == headers["X-Title"] == "My App"
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == USER_AGENT
    assert f"openrouter-kit/{__version__}" in USER_AGENT
    assert req.method == "POST"
    assert req.url == "https://openrouter.ai/api/v1/chat/completions"


def test_get_request_has_no_content_type_and_encodes_path_and_query() -> None:
    req = build_request(
        config(), wire.MODEL_ENDPOINTS, path_params={"author": "openai", "slug": "gpt-4o"}
    )
    assert req.url.endswith("/models/openai/gpt-4o/endpoints")
    assert "Content-Type" not in dict(req.headers)
    req = build_request(config(), wire.GENERATION, query={"id": "gen-1 2&x"})
    assert req.url.endswith("/generation?id=gen-1+2%26x")


def test_request_repr_masks_the_key() -> None:
    req = build_request(config(), wire.CHAT_COMPLETIONS, body=b'{"a":1}')
    assert CANARY_KEY not in repr(req)
    assert "***" in repr(req)


def test_attribution_headers_left_out_when_unset() -> None:
    headers = dict(build_request(config(app_name=None), wire.KEY).headers)
    assert "X-Title" not in headers
    assert "HTTP-Referer" not in headers


@pytest.mark.parametrize(
    ("status", "payload", "expected"),
    [
        (400, body(400, "Invalid parameter: temperature"), errors.BadRequestError),
        (
            400,
            body(
                400,
                "This endpoint's maximum context length is 8192 tokens.",
                {"error_type": "context_length_exceeded"},
            ),
            errors.ContextLengthError,
        ),
        (
            400,
            body(400, "This model's maximum context length is 4096 tokens"),
            errors.ContextLengthError,
        ),
        (400, body(400, "foo/bar is not a valid model ID"), errors.ModelNotFoundError),
        (422, body(422, "Unprocessable"), errors.BadRequestError),
        (413, body(413, "Payload too large"), errors.BadRequestError),
        (401, body(401, "No auth credentials found"), errors.AuthenticationError),
        (402, body(402, "Insufficient credits"), errors.InsufficientCreditsError),
        (403, body(403, "Key lacks permission"), errors.PermissionDeniedError),
        (
            403,
            body(
                403,
                "Input flagged",
                {
                    "reasons": ["harassment"],
                    "flagged_input": "bad...",
                    "provider_name": "OpenAI",
                    "model_slug": "m",
                },
            ),
            errors.ContentPolicyError,
        ),
        (404, body(404, "No endpoints found"), errors.ModelNotFoundError),
        (408, body(408, "Request timed out"), errors.RequestTimeoutError),
        (429, body(429, "Rate limit exceeded"), errors.RateLimitError),
        (500, body(500, "Internal Server Error"), errors.ServerError),
        (
            502,
            body(502, "Provider returned error", {"provider_name": "X", "raw": "{}"}),
            errors.ModelUnavailableError,
        ),
        (503, body(503, "No available providers"), errors.ModelUnavailableError),
        (524, body(524, "Edge timeout"), errors.RequestTimeoutError),
        (529, body(529, "Provider overloaded"), errors.ModelUnavailableError),
        (418, body(418, "teapot"), errors.BadRequestError),
        (599, body(599, "odd"), errors.ServerError),
    ],
)
def test_every_documented_status_maps_to_its_error(
    status: int, payload: bytes, expected: type
) -> None:
    exc = error_from_response(status, {"x-request-id": "req-7"}, payload, api_key=CANARY_KEY)
    assert type(exc) is expected
    assert isinstance(exc, errors.OpenRouterError)
    assert exc.status_code == status
    assert exc.code == status
    assert exc.request_id == "req-7"
    assert json.loads(payload)["error"]["message"] in exc.message


def test_moderation_error_carries_reasons() -> None:
    meta = {
        "reasons": ["violence"],
        "flagged_input": "x...y",
        "provider_name": "OpenAI",
        "model_slug": "m",
    }
    exc = error_from_response(403, {}, body(403, "flagged", meta))
    assert isinstance(exc, errors.ContentPolicyError)
    assert exc.reasons == ["violence"]
    assert exc.flagged_input == "x...y"
    assert exc.provider_name == "OpenAI"


def test_string_code_and_missing_code_fall_back_sensibly() -> None:
    exc = error_from_response(500, {}, body("server_error", "boom"))
    assert exc.code == "server_error"
    assert exc.status_code == 500
    # The docs' availability errors have no code at all, but error_type and availability.
    raw = {
        "error": {
            "message": "Model not found",
            "error_type": "not_found",
            "availability": {"code": "model_not_found", "retryable": False},
        }
    }
    exc = error_from_response(404, {}, json.dumps(raw).encode())
    assert isinstance(exc, errors.ModelNotFoundError)
    assert exc.code == 404
    assert exc.metadata["availability"]["code"] == "model_not_found"


def test_html_from_a_proxy_becomes_a_short_clean_message() -> None:
    html = (
        b"<html><head><title>502 Bad Gateway</title></head>"
        b"<body><center><h1>502 Bad Gateway</h1></center><hr>nginx</body></html>"
    )
    exc = error_from_response(502, {"content-type": "text/html"}, html)
    assert isinstance(exc, errors.ModelUnavailableError)
    assert exc.message == "502 Bad Gateway (non-JSON body)"
    assert "<" not in str(exc)


def test_plain_text_and_empty_bodies() -> None:
    exc = error_from_response(500, {}, b"upstream connect error " * 40)
    assert len(exc.message) < 200
    assert exc.message.endswith("(non-JSON body)")
    exc = error_from_response(503, {}, b"")
    assert exc.message == "HTTP 503 with an empty body"


def test_rate_limit_retry_after_from_headers_and_body() -> None:
    exc = error_from_response(429, {"Retry-After": "7"}, body(429, "slow down"))
    assert isinstance(exc, errors.RateLimitError)
    assert exc.retry_after == 7.0
    exc = error_from_response(429, {"retry-after-ms": "1500"}, body(429, "slow down"))
    assert exc.retry_after == 1.5  # type: ignore[attr-defined]
    meta = {
        "headers": {
            "X-RateLimit-Limit": "20",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": "1000012000",
        }
    }
    exc = error_from_response(429, {}, body(429, "free limit", meta), now=1_000_000.0)
    assert exc.retry_after == pytest.approx(12.0)  # type: ignore[attr-defined]
    exc = error_from_response(503, {"retry-after": "3"}, body(503, "busy"))
    assert exc.retry_after == 3.0  # type: ignore[attr-defined]


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after({}) is None
    assert parse_retry_after({"retry-after": "2.5"}) == 2.5
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({"retry-after-ms": "bad", "retry-after": "4"}) == 4.0
    date = formatdate(1_000_030.0, usegmt=True)
    assert parse_retry_after({"retry-after": date}, now=1_000_000.0) == pytest.approx(30.0)
    assert parse_retry_after({"retry-after": date}) is None  # no clock given: cannot tell


def test_a_negative_retry_after_is_malformed_but_a_past_date_means_now() -> None:
    # RFC 9110: delay-seconds are digits; a negative delay is junk, so the backoff applies.
    assert parse_retry_after({"retry-after": "-30"}) is None
    assert parse_retry_after({"retry-after-ms": "-5"}) is None
    assert parse_retry_after({"retry-after-ms": "-5", "retry-after": "2"}) == 2.0
    assert parse_retry_after({"retry-after": "-0"}) == 0.0
    past = formatdate(999_970.0, usegmt=True)
    assert parse_retry_after({"retry-after": past}, now=1_000_000.0) == 0.0
    exc = error_from_response(
        429, {}, body(429, "x", {"headers": {"X-RateLimit-Reset": "-1"}}), now=1.0
    )
    assert exc.retry_after is None  # type: ignore[attr-defined]
    reset = {"headers": {"X-RateLimit-Reset": "999000000"}}  # epoch ms, already past
    exc = error_from_response(429, {}, body(429, "x", reset), now=1_000_000.0)
    assert exc.retry_after == 0.0  # type: ignore[attr-defined]
    negative = {"code": 503, "message": "busy", "availability": {"retry_after": -4}}
    exc = error_from_response(503, {}, json.dumps({"error": negative}).encode())
    assert exc.retry_after is None  # type: ignore[attr-defined]


def test_the_key_is_scrubbed_from_server_messages() -> None:
    payload = body(401, f"Invalid key {CANARY_KEY}", {"raw": f"key={CANARY_KEY}"})
    exc = error_from_response(401, {}, payload, api_key=CANARY_KEY)
    for text in (
        str(exc),
        repr(exc),
        repr(exc.metadata),
        repr(exc.body),
        "".join(traceback.format_exception(exc)),
    ):
        assert CANARY_KEY not in text


def test_parse_success_and_bad_bodies() -> None:
    from openrouter_kit._core.convert import converters

    structure = converters().fast.structure
    ok = json.dumps({"data": {"total_credits": 10.5, "total_usage": 2.0}}).encode()
    result = parse_response(wire.CREDITS, 200, {}, ok, structure=structure)
    assert result.data.total_credits == 10.5
    with pytest.raises(errors.InvalidResponseError, match="not JSON"):
        parse_response(wire.CREDITS, 200, {}, b"<html>oops</html>", structure=structure)
    with pytest.raises(errors.InvalidResponseError, match="unexpected response shape"):
        parse_response(wire.CREDITS, 200, {}, b'{"data": [1, 2]}', structure=structure)
    with pytest.raises(errors.InsufficientCreditsError):
        parse_response(wire.CREDITS, 402, {}, body(402, "no money"), structure=structure)


def test_error_body_inside_a_200_is_raised_by_its_code() -> None:
    from openrouter_kit._core.convert import converters

    structure = converters().fast.structure
    with pytest.raises(errors.ModelUnavailableError) as info:
        parse_response(
            wire.CHAT_COMPLETIONS, 200, {}, body(502, "upstream died"), structure=structure
        )
    assert info.value.status_code == 200
    with pytest.raises(errors.ServerError):
        parse_response(
            wire.CHAT_COMPLETIONS, 200, {}, body("server_error", "?"), structure=structure
        )


def test_choice_finish_reason_error_raises_and_keeps_the_partial_answer() -> None:
    from openrouter_kit._core.convert import converters

    payload = {
        "id": "gen-1",
        "model": "m",
        "choices": [
            {
                "index": 0,
                "finish_reason": "error",
                "message": {"role": "assistant", "content": "partial"},
                "error": {
                    "code": 502,
                    "message": "provider died",
                    "metadata": {"provider_name": "X"},
                },
            }
        ],
    }
    response = converters().fast.structure(payload, wire.CHAT_COMPLETIONS.response)
    with pytest.raises(errors.ModelUnavailableError, match="provider died") as info:
        raise_for_choice_error(response)
    assert info.value.response.text == "partial"
    assert info.value.metadata == {"provider_name": "X"}


# -- a 404 that says nothing answers at the URL ----------------------------------------------------
HINT = "check base_url, it should end with /api/v1"


@pytest.mark.parametrize(
    "body",
    [
        b"<html><head><title>404: This page could not be found</title></head></html>",
        b"Not Found",
        b"",
        b'{"error": {"code": 404, "message": "Not Found"}}',
    ],
    ids=["html", "text", "empty", "json-without-a-model"],
)
@pytest.mark.parametrize(
    "endpoint", [wire.CHAT_COMPLETIONS, wire.LIST_MODELS, wire.KEY, wire.CREDITS]
)
def test_a_404_on_a_path_that_names_no_model_hints_at_the_base_url(
    endpoint: wire.Endpoint, body: bytes
) -> None:
    with pytest.raises(errors.ModelNotFoundError) as info:
        parse_response(endpoint, 404, {}, body, structure=None)
    assert HINT in str(info.value)
    assert f"{endpoint.method} {endpoint.path} was not found" in str(info.value)


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        (wire.CHAT_COMPLETIONS, body(404, "No endpoints found for acme/nope.")),
        (
            wire.CHAT_COMPLETIONS,
            json.dumps(
                {"error": {"message": "gone", "availability": {"code": "model_deprecated"}}}
            ).encode(),
        ),
        (wire.MODEL_ENDPOINTS, b"Not Found"),  # the model in the path is unknown
        (wire.GENERATION, body(404, "Generation gen-1 not found")),  # the id is unknown
    ],
    ids=["no-endpoints", "availability", "model-endpoints", "generation"],
)
def test_a_404_about_a_model_or_an_id_gets_no_base_url_hint(
    endpoint: wire.Endpoint, body: bytes
) -> None:
    with pytest.raises(errors.ModelNotFoundError) as info:
        parse_response(endpoint, 404, {}, body, structure=None)
    assert "base_url" not in str(info.value)
