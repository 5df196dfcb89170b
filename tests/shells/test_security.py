"""The API key never shows: not in reprs, logs, exceptions or their chains; HTTPS only."""

from __future__ import annotations

import json
import logging
import pickle
import traceback
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

from openrouter_kit import AsyncClient, Client, errors
from tests.conftest import CANARY_KEY
from tests.shells.conftest import call

pytestmark = pytest.mark.anyio
USER = [{"role": "user", "content": "Hi"}]


def assert_no_key(*texts: str) -> None:
    for text in texts:
        assert CANARY_KEY not in text
        assert CANARY_KEY[10:40] not in text  # not even a long piece of it


def every_view(exc: BaseException) -> list[str]:
    views = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    seen = exc
    while seen.__cause__ or seen.__context__:
        seen = seen.__cause__ or seen.__context__  # type: ignore[assignment]
        views += [str(seen), repr(seen)]
    views += [repr(getattr(exc, attr, None)) for attr in ("metadata", "body", "message")]
    return views


ERROR_PATHS: list[tuple[str, dict[str, Any]]] = [
    (
        "401 echoing the key",
        {
            "status_code": 401,
            "json": {
                "error": {
                    "code": 401,
                    "message": f"Invalid key {CANARY_KEY}",
                    "metadata": {"key": CANARY_KEY},
                }
            },
        },
    ),
    (
        "402",
        {"status_code": 402, "json": {"error": {"code": 402, "message": "Insufficient credits"}}},
    ),
    (
        "403 moderation",
        {
            "status_code": 403,
            "json": {
                "error": {
                    "code": 403,
                    "message": "flagged",
                    "metadata": {"reasons": ["x"], "flagged_input": CANARY_KEY},
                }
            },
        },
    ),
    (
        "429",
        {
            "status_code": 429,
            "json": {"error": {"code": 429, "message": "slow"}},
            "headers": {"Retry-After": "9999"},
        },
    ),
    ("500 html", {"status_code": 500, "text": f"<html><title>Error</title>{CANARY_KEY}</html>"}),
    ("502 text echo", {"status_code": 502, "text": f"bad gateway for Bearer {CANARY_KEY}"}),
    ("200 not json", {"status_code": 200, "text": f"oops {CANARY_KEY}"}),
    (
        "200 choice error",
        {
            "status_code": 200,
            "json": {
                "choices": [
                    {"finish_reason": "error", "error": {"code": 500, "message": CANARY_KEY}}
                ]
            },
        },
    ),
]


@pytest.mark.parametrize(("name", "response"), ERROR_PATHS, ids=[n for n, _ in ERROR_PATHS])
async def test_key_absent_from_every_error_path(
    make_client: Any,
    httpx_mock: HTTPXMock,
    caplog: pytest.LogCaptureFixture,
    name: str,
    response: dict[str, Any],
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(max_retries=0)
    httpx_mock.add_response(**response)
    with pytest.raises(errors.OpenRouterError) as info:
        await call(client.complete(model="m/x", messages=USER))
    assert_no_key(*every_view(info.value), caplog.text, repr(client))
    assert_no_key(repr(pickle.loads(pickle.dumps(info.value)).__dict__))  # noqa: S301 (our own bytes)


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("peer closed"),
    ],
)
async def test_key_absent_from_transport_errors(
    make_client: Any, httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture, exc: Exception
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(max_retries=1)
    httpx_mock.add_exception(exc, is_reusable=True)
    with pytest.raises(errors.OpenRouterError) as info:
        await call(client.complete(model="m/x", messages=USER))
    assert_no_key(*every_view(info.value), caplog.text)


async def test_key_absent_from_validation_and_success_logs(
    client: Any, httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(errors.ValidationError) as info:
        await call(client.complete(model="m/x", messages=[{"role": 5}], temperature=CANARY_KEY))
    assert_no_key(*every_view(info.value))
    httpx_mock.add_response(json={"id": "gen-1", "choices": []}, headers={"x-request-id": "req-1"})
    await call(client.complete(model="m/x", messages=USER))
    assert "req-1" in caplog.text  # request lines are logged at DEBUG ...
    assert_no_key(caplog.text, repr(client), str(client))  # ... without the key


def test_key_absent_from_config_errors_and_reprs() -> None:
    with pytest.raises(errors.ConfigurationError) as info:
        Client(api_key=CANARY_KEY + " \x00")
    assert_no_key(*every_view(info.value))
    with pytest.raises(errors.ConfigurationError) as info:
        Client(api_key=CANARY_KEY, base_url="http://example.com/api/v1")
    assert_no_key(*every_view(info.value))
    client = Client(api_key=CANARY_KEY)
    assert_no_key(repr(client), repr(client._config), str(vars(client)))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/api/v1",
        "http://localhost:1234",
        "http://[::1]:8080/v1",
        "http://127.9.9.9/x",
        "https://example.com/v1",
    ],
)
def test_https_or_loopback_is_accepted(url: str) -> None:
    assert Client(api_key=CANARY_KEY, base_url=url).base_url == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/api/v1",
        "http://10.0.0.1/v1",
        "ftp://openrouter.ai",
        "openrouter.ai/api/v1",
        "http://localhost.evil.com",
    ],
)
def test_plain_http_and_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(errors.ConfigurationError):
        AsyncClient(api_key=CANARY_KEY, base_url=url)


def test_key_and_base_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENROUTER_API_KEY")
    with pytest.raises(errors.ConfigurationError, match="OPENROUTER_API_KEY") as missing:
        Client()
    assert "openrouter_kit.testing.Emulator" in str(missing.value)  # how to try without a key
    monkeypatch.setenv("OPENROUTER_API_KEY", CANARY_KEY)
    monkeypatch.setenv("OPENROUTER_BASE_URL", "http://127.0.0.1:9/api/v1/")
    client = Client()
    assert client.base_url == "http://127.0.0.1:9/api/v1"
    assert Client(base_url="https://eu.example/api/v1").base_url == "https://eu.example/api/v1"
    monkeypatch.delenv("OPENROUTER_BASE_URL")
    assert AsyncClient().base_url == "https://openrouter.ai/api/v1"


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": True}, "max_retries"),
        ({"timeout": 0}, "timeout"),
        ({"default_params": {"messages": []}}, "default_params"),
    ],
)
def test_bad_client_settings_are_refused(kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(errors.ConfigurationError, match=words):
        Client(api_key=CANARY_KEY, **kwargs)


def test_every_exception_class_keeps_the_key_out() -> None:
    from openrouter_kit._core.wire import error_from_response

    echo = {
        "error": {
            "code": 0,
            "message": f"key {CANARY_KEY} rejected",
            "metadata": {"raw": CANARY_KEY, "reasons": [CANARY_KEY], "headers": {"x": CANARY_KEY}},
        },
        "user_id": CANARY_KEY,
    }
    seen: set[type] = set()
    for status in (200, 400, 401, 402, 403, 404, 408, 413, 422, 429, 500, 502, 503, 524, 529, 599):
        echo["error"]["code"] = status  # type: ignore[index]
        exc = error_from_response(
            status, {"x-request-id": "r"}, json.dumps(echo).encode(), api_key=CANARY_KEY
        )
        seen.add(type(exc))
        try:
            raise exc from ValueError(f"upstream said {CANARY_KEY[:8]}")
        except errors.OpenRouterError as raised:
            assert_no_key(*every_view(raised))
    assert {errors.ContentPolicyError, errors.RateLimitError, errors.ModelUnavailableError} <= seen
    for cls in (errors.CircuitOpenError, errors.BudgetExceededError, errors.ValidationError):
        assert_no_key(*every_view(cls("refused")))


# -- credentials in the URL, headers and the key's characters (issue 14, F13 and F14) ------------


def test_a_base_url_with_a_user_and_password_is_refused_without_showing_them() -> None:
    # The review's reproducer (F13): it was accepted, shown by repr(client), and httpx sent
    # "Authorization: Basic ..." from it instead of the key.
    password = "s3cret" + "pw"  # the traceback quotes this file's lines: never written whole
    url = f"http://bob:{password}@127.0.0.1:4000/api/v1"
    for cls in (Client, AsyncClient):
        with pytest.raises(errors.ConfigurationError, match="user name or password") as info:
            cls(api_key=CANARY_KEY, base_url=url)
        assert not any(password in view for view in every_view(info.value))


async def test_a_header_with_a_line_break_is_refused_when_the_client_is_made(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    # The review's reproducer (F14): it became a retried APIConnectionError that opened the
    # circuit, and the server never saw a request.
    with pytest.raises(errors.ConfigurationError, match="app_name contains a line break"):
        make_client(app_name="my app\r\nX-Injected: 1")
    with pytest.raises(errors.ConfigurationError, match="app_url contains a line break"):
        make_client(app_url="https://x.test/\nX-Injected: 1")
    with pytest.raises(errors.ConfigurationError, match="headers: 'X A' is not a header name"):
        make_client(headers={"X A": "1"})
    with pytest.raises(errors.ConfigurationError, match="value of X must be a string, got int"):
        make_client(headers={"X": 5})
    with pytest.raises(errors.ConfigurationError, match="app_name contains non-ASCII"):
        make_client(app_name="Café")
    assert httpx_mock.get_requests() == []


async def test_a_non_ascii_key_is_refused_when_the_client_is_made(make_client: Any) -> None:
    # It failed at the first call with a raw UnicodeEncodeError whose repr held the key.
    key = "sk-or-v1-ü" + "0" * 63
    with pytest.raises(errors.ConfigurationError, match="non-ASCII") as info:
        make_client(api_key=key)
    assert not any(key[:11] in view or key[-40:] in view for view in every_view(info.value))


async def test_authorization_in_the_client_headers_is_refused(make_client: Any) -> None:
    # It sent two Authorization headers, the key's and this one.
    for name in ("Authorization", "authorization", "AUTHORIZATION"):
        with pytest.raises(errors.ConfigurationError, match="cannot set Authorization"):
            make_client(headers={name: "Bearer other"})


async def test_each_header_is_sent_once_whatever_its_case(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    client = make_client(
        app_name="app", headers={"user-agent": "mine/1", "x-title": "Mine", "X-Extra": "a"}
    )
    httpx_mock.add_response(json={"id": "g", "choices": []})
    await call(
        client.complete(model="a/b", messages=USER, extra_headers={"X-EXTRA": "b", "x-c": "c"})
    )
    sent = httpx_mock.get_requests()[-1].headers
    assert sent.get_list("authorization") == [f"Bearer {CANARY_KEY}"]
    assert sent.get_list("user-agent") == ["mine/1"]  # the client's headers replace the SDK's
    assert sent.get_list("x-title") == ["Mine"]
    assert sent.get_list("x-openrouter-title") == ["app"]
    assert sent.get_list("x-extra") == ["b"]  # and a call's replace the client's
    assert sent.get_list("x-c") == ["c"]


# -- the partial answer an exception carries (issue 14, F15) ------------------------------------


def _echoing_chunk(**fields: Any) -> bytes:
    chunk = {"id": f"gen-{CANARY_KEY}", "model": "a/b", "echo": CANARY_KEY, **fields}
    return b"data: " + json.dumps(chunk).encode() + b"\n\n"


async def test_a_choice_error_s_partial_answer_is_masked(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    # The review's reproducer: the key was in exc.response's id and content.
    httpx_mock.add_response(
        json={
            "id": f"gen-{CANARY_KEY}",
            "echo": {"nested": [CANARY_KEY]},
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "error",
                    "message": {"role": "assistant", "content": f"echo {CANARY_KEY}"},
                    "error": {"code": 502, "message": f"bad {CANARY_KEY}"},
                }
            ],
        }
    )
    with pytest.raises(errors.OpenRouterError) as info:
        await call(client.complete(model="a/b", messages=USER))
    response = info.value.response
    assert (response.id, response.text) == ("gen-***", "echo ***")
    assert response.extra["echo"] == {"nested": ["***"]}
    assert_no_key(repr(response), str(response.choices[0].error), *every_view(info.value))


STREAM_FAILURES = {
    "error event": [
        _echoing_chunk(choices=[{"index": 0, "delta": {"content": f"a {CANARY_KEY}"}}]),
        b'data: {"error": {"code": 502, "message": "gone"}}\n\n',
    ],
    "ends unfinished": [
        _echoing_chunk(choices=[{"index": 0, "delta": {"content": f"a {CANARY_KEY}"}}]),
    ],
}


@pytest.mark.parametrize("pieces", STREAM_FAILURES.values(), ids=list(STREAM_FAILURES))
async def test_a_failed_stream_s_partial_answer_is_masked(
    client: Any, httpx_mock: HTTPXMock, pieces: list[bytes]
) -> None:
    from pytest_httpx import IteratorStream  # noqa: PLC0415 - only these tests stream

    httpx_mock.add_response(
        stream=IteratorStream(pieces), headers={"content-type": "text/event-stream"}
    )
    from tests.shells.test_stream import collect  # noqa: PLC0415 - shared helpers

    with pytest.raises(errors.OpenRouterError) as info:
        await collect(client.stream(model="a/b", messages=USER))
    response = info.value.response
    assert (response.id, response.text) == ("gen-***", "a ***")
    assert response.extra["echo"] == "***"
    assert_no_key(repr(response))


async def test_a_broken_stream_s_partial_answer_is_masked(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    from tests.shells.test_stream import _Broken, collect  # noqa: PLC0415 - shared helpers

    piece = _echoing_chunk(choices=[{"index": 0, "delta": {"content": f"a {CANARY_KEY}"}}])
    httpx_mock.add_response(stream=_Broken([piece]), headers={"content-type": "text/event-stream"})
    with pytest.raises(errors.APIConnectionError, match="broke after 1 chunk") as info:
        await collect(client.stream(model="a/b", messages=USER))
    assert (info.value.response.id, info.value.response.text) == ("gen-***", "a ***")
    assert_no_key(repr(info.value.response))
