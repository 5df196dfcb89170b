"""Hooks (request, response, retry, error) and log records, for both shells (`_observe`)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock, IteratorStream

from openrouter_kit import (
    AsyncClient,
    Client,
    ErrorEvent,
    Hooks,
    RequestEvent,
    ResponseEvent,
    RetryEvent,
    errors,
)
from openrouter_kit._observe import configure
from tests.conftest import CANARY_KEY
from tests.shells.conftest import call
from tests.shells.test_stream import BODY, SSE_HEADERS, collect, text

pytestmark = pytest.mark.anyio
USER = [{"role": "user", "content": "a secret question"}]
OK = {
    "id": "gen-1",
    "model": "a/x",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "a secret answer"}}],
}
BUSY = {"error": {"code": 503, "message": "busy"}}


class Recorder:
    """Hooks that remember every event, as plain functions or coroutines."""

    def __init__(self, is_async: bool) -> None:
        self.events: list[Any] = []
        self.is_async = is_async

    def hook(self, event: Any) -> Any:
        self.events.append(event)
        if self.is_async:

            async def done() -> None:
                return None

            return done()
        return None

    def hooks(self) -> dict[str, list[Any]]:
        return {k: [self.hook] for k in ("request", "response", "retry", "error")}

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]


@pytest.fixture
def recorder(make_client: Any) -> Recorder:
    return Recorder(is_async=make_client(api_key=CANARY_KEY).__class__ is AsyncClient)


async def test_a_retried_call_reports_each_attempt_in_order(
    make_client: Any, httpx_mock: HTTPXMock, recorder: Recorder
) -> None:
    client = make_client(hooks=recorder.hooks(), max_retries=2)
    httpx_mock.add_response(status_code=503, json=BUSY, headers={"x-request-id": "req-1"})
    httpx_mock.add_response(json=OK, headers={"x-generation-id": "gen-1"})
    await call(client.complete(model="a/x", messages=USER))
    assert recorder.kinds() == ["request", "response", "retry", "request", "response"]
    first, failed, retry, second, ok = recorder.events
    assert isinstance(first, RequestEvent)
    assert isinstance(second, RequestEvent)
    assert (first.method, first.path, first.model) == ("POST", "/api/v1/chat/completions", "a/x")
    assert (first.attempt, second.attempt) == (1, 2)
    assert isinstance(failed, ResponseEvent)
    assert (failed.status_code, failed.request_id, failed.attempt) == (503, "req-1", 1)
    assert isinstance(retry, RetryEvent)
    assert isinstance(retry.error, errors.ModelUnavailableError)
    assert retry.attempt == 1
    assert retry.wait >= 0
    assert isinstance(ok, ResponseEvent)
    assert (ok.status_code, ok.request_id, ok.attempt) == (200, "gen-1", 2)
    assert ok.latency > 0


async def test_a_failed_call_reports_the_error_once_after_the_last_attempt(
    make_client: Any, httpx_mock: HTTPXMock, recorder: Recorder
) -> None:
    client = make_client(hooks=recorder.hooks(), max_retries=1)
    httpx_mock.add_response(status_code=503, json=BUSY)
    httpx_mock.add_response(status_code=503, json=BUSY)
    with pytest.raises(errors.ModelUnavailableError) as info:
        await call(client.complete(model="a/x", messages=USER))
    kinds = recorder.kinds()
    assert kinds == ["request", "response", "retry", "request", "response", "error"]
    error = recorder.events[-1]
    assert isinstance(error, ErrorEvent)
    assert error.error is info.value
    assert (error.attempt, error.model, error.elapsed >= 0) == (2, "a/x", True)


async def test_network_errors_and_errors_inside_a_200_reach_the_error_hook(
    make_client: Any, httpx_mock: HTTPXMock, recorder: Recorder
) -> None:
    client = make_client(hooks={"error": [recorder.hook]}, max_retries=0)
    httpx_mock.add_exception(httpx.ConnectError("refused"))
    with pytest.raises(errors.APIConnectionError):
        await call(client.list_models())
    assert recorder.events[-1].model is None  # a call not tied to a model
    choice_error = {
        **OK,
        "choices": [
            {
                "index": 0,
                "finish_reason": "error",
                "message": {"role": "assistant", "content": ""},
                "error": {"code": 502, "message": "upstream failed"},
            }
        ],
    }
    httpx_mock.add_response(json=choice_error)
    with pytest.raises(errors.OpenRouterError) as info:
        await call(client.complete(model="a/x", messages=USER))
    assert [type(e.error) for e in recorder.events] == [errors.APIConnectionError, type(info.value)]


async def test_request_hooks_add_tracing_headers_but_not_authorization(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    def trace(event: RequestEvent) -> None:
        event.headers["traceparent"] = f"00-trace-{event.attempt}-01"
        event.headers["X-Title"] = "traced"  # replaces the client's header of that name

    client = make_client(hooks={"request": [trace]})
    httpx_mock.add_response(json=OK)
    await call(client.complete(model="a/x", messages=USER))
    sent = httpx_mock.get_requests()[-1]
    assert sent.headers["traceparent"] == "00-trace-1-01"
    assert sent.headers.get_list("x-title") == ["traced"]
    assert sent.headers["authorization"] == f"Bearer {CANARY_KEY}"

    def steal(event: RequestEvent) -> None:
        event.headers["Authorization"] = "Bearer other"

    client.hooks.request[:] = [steal]
    with pytest.raises(errors.ConfigurationError, match="Authorization"):
        await call(client.complete(model="a/x", messages=USER))
    assert len(httpx_mock.get_requests()) == 1  # nothing else was sent

    def inject(event: RequestEvent) -> None:
        event.headers["X-Trace"] = "1\r\nX-Injected: 1"

    client.hooks.request[:] = [inject]
    with pytest.raises(errors.ConfigurationError, match="X-Trace contains a line break"):
        await call(client.complete(model="a/x", messages=USER))
    assert len(httpx_mock.get_requests()) == 1
    assert client.breaker.states() == {}  # a hook's mistake is not the model's failure


async def test_a_stream_reports_its_response_at_the_headers_and_a_mid_stream_error(
    make_client: Any, httpx_mock: HTTPXMock, recorder: Recorder
) -> None:
    client = make_client(hooks=recorder.hooks())
    httpx_mock.add_response(stream=IteratorStream(BODY), headers=SSE_HEADERS)
    await collect(client.stream(model="a/b", messages=USER))
    assert recorder.kinds() == ["request", "response"]
    assert recorder.events[1].stream
    assert recorder.events[1].status_code == 200
    broken = [text("Hel"), b'data: {"error": {"code": 502, "message": "provider died"}}\n\n']
    httpx_mock.add_response(stream=IteratorStream(broken), headers=SSE_HEADERS)
    with pytest.raises(errors.StreamError):
        await collect(client.stream(model="a/b", messages=USER))
    assert recorder.kinds()[2:] == ["request", "response", "error"]
    assert isinstance(recorder.events[-1].error, errors.StreamError)


async def test_a_hook_that_raises_fails_the_call_and_copies_share_hooks(
    make_client: Any, httpx_mock: HTTPXMock
) -> None:
    class Boom(Exception):
        pass

    def boom(event: ResponseEvent) -> None:
        raise Boom(event.status_code)

    client = make_client()
    quick = client.with_options(max_retries=0)
    client.hooks.response.append(boom)  # added later, seen by the copy too
    httpx_mock.add_response(json=OK)
    with pytest.raises(Boom):
        await call(quick.complete(model="a/x", messages=USER))
    assert len(httpx_mock.get_requests()) == 1  # a hook's exception is not retried
    httpx_mock.add_response(stream=IteratorStream(BODY), headers=SSE_HEADERS)
    stream = client.stream(model="a/b", messages=USER)
    with pytest.raises(Boom):
        await collect(stream)
    assert stream._response is None or stream._response.is_closed  # no connection left open


async def test_async_hooks_are_awaited_by_the_async_client(httpx_mock: HTTPXMock) -> None:
    seen: list[int] = []

    async def record(event: ResponseEvent) -> None:
        seen.append(event.status_code)

    httpx_mock.add_response(json=OK)
    async with AsyncClient(api_key=CANARY_KEY, hooks=Hooks(response=[record])) as client:
        await client.complete(model="a/x", messages=USER)
    assert seen == [200]


def test_the_blocking_client_refuses_async_hooks(httpx_mock: HTTPXMock) -> None:
    async def record(event: Any) -> None:
        return None

    with pytest.raises(errors.ConfigurationError, match="AsyncClient"):
        Client(api_key=CANARY_KEY, hooks={"response": [record]})
    with Client(api_key=CANARY_KEY) as client:
        client.hooks.response.append(record)  # added later: refused when it is called
        httpx_mock.add_response(json=OK)
        with pytest.raises(errors.ConfigurationError, match="AsyncClient"):
            client.complete(model="a/x", messages=USER)


@pytest.mark.parametrize(
    ("hooks", "message"),
    [
        (
            {"respons": []},
            "unknown hook event 'respons'; use request, response, retry, error, store",
        ),
        ({"error": [42]}, "a hook must be callable, got int"),
        ([print], "hooks must be a Hooks object or a dict of lists, got list"),
    ],
)
def test_bad_hooks_are_refused_at_construction(hooks: Any, message: str) -> None:
    with pytest.raises(errors.ConfigurationError) as info:
        Client(api_key=CANARY_KEY, hooks=hooks)
    assert str(info.value) == message


async def test_log_records_carry_the_fields_and_never_the_key_or_contents(
    make_client: Any, httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="openrouter_kit")
    client = make_client(max_retries=1)
    httpx_mock.add_response(status_code=503, json=BUSY)
    httpx_mock.add_response(json=OK, headers={"x-generation-id": "gen-1"})
    await call(client.complete(model="a/x", messages=USER))
    ours = [r for r in caplog.records if r.name.startswith("openrouter_kit")]
    done = [r for r in ours if getattr(r, "status_code", None) == 200]
    assert len(done) == 1
    record: Any = done[0]
    assert (record.levelno, record.method, record.path) == (
        logging.INFO,
        "POST",
        "/api/v1/chat/completions",
    )
    assert (record.attempt, record.model, record.request_id) == (2, "a/x", "gen-1")
    assert record.latency > 0
    assert [r.levelname for r in ours].count("INFO") == 3  # two responses and the retry
    assert "secret" not in caplog.text  # contents are not logged unless asked for
    assert CANARY_KEY not in caplog.text


async def test_contents_are_logged_only_when_asked_for(
    client: Any,
    httpx_mock: HTTPXMock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG, logger="openrouter_kit")
    monkeypatch.setenv("OPENROUTER_LOG_CONTENT", "1")
    httpx_mock.add_response(json=OK)
    await call(client.complete(model="a/x", messages=USER))
    content = [r.getMessage() for r in caplog.records if r.name == "openrouter_kit.content"]
    assert "a secret question" in content[0]
    assert content[0].startswith("request body: ")
    assert "a secret answer" in content[1]
    assert content[1].startswith("response body: ")
    assert CANARY_KEY not in caplog.text


async def test_logged_contents_mask_the_key_a_server_echoes(
    client: Any,
    httpx_mock: HTTPXMock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The review's reproducer (F11): a 401 body quoting the key was logged verbatim.
    caplog.set_level(logging.DEBUG, logger="openrouter_kit")
    monkeypatch.setenv("OPENROUTER_LOG_CONTENT", "1")
    echo = {"error": {"code": 401, "message": f"invalid key {CANARY_KEY}"}}
    httpx_mock.add_response(status_code=401, json=echo)
    with pytest.raises(errors.AuthenticationError):
        await call(client.key_info())
    answer = {**OK, "id": f"gen-{CANARY_KEY}"}
    httpx_mock.add_response(json=answer)
    pasted = [{"role": "user", "content": f"my key is {CANARY_KEY}, and sk-or-v1-{'ab' * 32}"}]
    await call(client.complete(model="a/x", messages=pasted))
    content = [r.getMessage() for r in caplog.records if r.name == "openrouter_kit.content"]
    assert content[0].startswith("response body: ")
    assert json.loads(content[0].removeprefix("response body: ")) == {
        "error": {"code": 401, "message": "invalid key ***"}
    }
    assert content[1].startswith("request body: ")
    assert "my key is ***, and sk-***" in content[1]
    assert json.loads(content[2].removeprefix("response body: "))["id"] == "gen-***"
    assert CANARY_KEY not in caplog.text
    assert "ab" * 32 not in caplog.text


def _script(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "OPENROUTER_API_KEY": CANARY_KEY}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={**base, **env},
        timeout=60,
    )


FAILING_CALL = """
    from openrouter_kit import Client, errors
    from openrouter_kit.testing import Emulator
    with Emulator() as emu, Client(api_key=emu.api_key, base_url=emu.base_url) as client:
        emu.error(503, "busy", times=2)
        client.with_options(max_retries=1).complete(
            model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "secret"}]
        )
"""


def test_scripts_are_silent_by_default_and_openrouter_log_turns_logging_on() -> None:
    silent = _script(FAILING_CALL)
    assert silent.stderr.startswith("Traceback")  # the traceback, and no log line before it
    assert "ModelUnavailableError" in silent.stderr.splitlines()[-1]
    assert "retry_scheduled" not in silent.stderr  # not even stamina's retry warning
    loud = _script(FAILING_CALL, OPENROUTER_LOG="debug")
    lines = [line for line in loud.stderr.splitlines() if " openrouter_kit: " in line]
    assert any("DEBUG openrouter_kit: sending POST /api/v1/chat/completions" in x for x in lines)
    assert any("INFO openrouter_kit: retrying POST" in x for x in lines)
    assert any("failed after 2 attempt(s): ModelUnavailableError" in x for x in lines)
    assert "secret" not in loud.stderr.replace(CANARY_KEY, "")
    assert CANARY_KEY not in loud.stderr


def test_logging_is_set_up_by_the_first_client_not_by_the_import() -> None:
    code = """
        import logging, sys
        import openrouter_kit
        ours, stamina_logger = logging.getLogger("openrouter_kit"), logging.getLogger("stamina")
        print(ours.level, len(ours.handlers), len(stamina_logger.handlers))
        openrouter_kit.Client(api_key="sk-test").close()
        openrouter_kit.AsyncClient(api_key="sk-test")
        print(ours.level, len(ours.handlers), len(stamina_logger.handlers))
    """
    result = _script(code, OPENROUTER_LOG="info")
    assert result.stdout.split() == ["0", "1", "0", "20", "2", "1"], result.stderr


def test_openrouter_log_names_valid_levels(capsys: pytest.CaptureFixture[str]) -> None:
    configure({"OPENROUTER_LOG": "loud"})
    assert "ignoring OPENROUTER_LOG='loud'; use one of debug, info, warning" in (
        capsys.readouterr().err
    )
    logger = logging.getLogger("openrouter_kit")
    before = list(logger.handlers), logger.level
    try:
        configure({"OPENROUTER_LOG": "INFO"})
        configure({"OPENROUTER_LOG": "info"})  # a second call adds no second handler
        added = [h for h in logger.handlers if h not in before[0]]
        assert len(added) == 1
        assert logger.level == logging.INFO
    finally:
        logger.handlers[:] = before[0]
        logger.setLevel(before[1])


def test_events_are_plain_values() -> None:
    event = ResponseEvent(
        method="GET", path="/api/v1/models", model=None, attempt=1, status_code=200, latency=0.5
    )
    assert event.kind == "response"
    assert json.dumps(event.log_fields())  # ready for structured logs
