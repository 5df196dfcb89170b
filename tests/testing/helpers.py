"""Drivers for the emulator's tests: :class:`ApiClient` plays the fake API's replies without a
server (as h11's ``tests/helpers.py`` drives its state machine), and the request and SSE helpers
work over it and over a real ``httpx.Client`` alike."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlencode

import httpx

from openrouter_kit.testing import Emulator
from openrouter_kit.testing._exchange import API_PREFIX, Cut, Drop, Reply, Request, Settle, Stream

TOKEN_RE = re.compile(r"\w+|[^\w\s]")
_dumps = json.dumps  # ApiClient.request's ``json`` argument hides the module
#: The seconds a settlement is told the request took (the driver does not wait).
ELAPSED = 0.001


class ApiClient:
    """The part of ``httpx.Client`` the emulator's tests use, answered by the fake API itself:
    no socket, no thread, no waiting.

    A reply comes back as an ``httpx.Response`` with its status, the headers the API chose (not
    those the server adds: ``Content-Length``, ``x-request-id``, chunked framing) and its whole
    body; its settlements (billing, generation records) run as it is played. Faults and cut
    streams need a server: they fail the test here.
    """

    def __init__(self, emulator: Emulator, *, token: str | None = None) -> None:
        """Drive ``emulator``'s API (the emulator need not be started), sending ``token`` as a
        bearer token (``None``: no ``Authorization`` header)."""
        self._emulator = emulator
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}

    def anonymous(self) -> ApiClient:
        """A client of the same API that sends no key."""
        return ApiClient(self._emulator)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        pass

    def request(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        target = API_PREFIX + url
        if params:
            target += ("&" if "?" in target else "?") + urlencode(params)
        body = content if content is not None else b""
        if json is not None:
            body = _dumps(json).encode()
        sent = {**self._headers, **(headers or {})}
        request = Request.of(method, target, sent.items(), body)
        planned = self._emulator._api.handle(request)
        return _play(planned, httpx.Request(method, "http://emulator" + target))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)

    @contextmanager
    def stream(self, method: str, url: str, **kwargs: Any) -> Iterator[httpx.Response]:
        yield self.request(method, url, **kwargs)


#: What the tests send requests with: a real client of a running emulator, or the driver.
Client = httpx.Client | ApiClient


def _play(planned: Reply | Stream | Drop, request: httpx.Request) -> httpx.Response:
    """The response a client would read, the planned reply's settlements run on the way."""
    assert not isinstance(planned, Drop), "a dropped connection needs a server: test_faults.py"
    assert planned.fault is None, "a fault needs a server: test_faults.py"
    if isinstance(planned, Reply):
        if planned.settle is not None:
            planned.settle(ELAPSED)
        headers = dict(planned.headers)
        if planned.content_type is not None and "content-type" not in map(str.lower, headers):
            headers["Content-Type"] = planned.content_type
        return httpx.Response(
            planned.status, headers=headers, content=planned.body, request=request
        )
    body = b""
    for step in planned.steps:
        assert not isinstance(step, Cut), "a cut stream needs a server: test_server.py"
        if isinstance(step, Settle):
            step.run(ELAPSED)
        else:
            body += step.data
    headers = {"Content-Type": "text/event-stream", **planned.headers}
    return httpx.Response(200, headers=headers, content=body, request=request)


def tokens(text: str) -> int:
    return len(TOKEN_RE.findall(text))


def prompt_tokens(messages: list[dict[str, Any]]) -> int:
    return sum(4 + tokens(m["content"]) for m in messages)


def chat(client: Client, **body: Any) -> httpx.Response:
    body.setdefault("messages", [{"role": "user", "content": "What is 2 + 2?"}])
    return client.post("/chat/completions", json=body)


def prices(client: Client, model_id: str) -> dict[str, str]:
    models = {m["id"]: m for m in client.get("/models").json()["data"]}
    return models[model_id]["pricing"]  # type: ignore[no-any-return]


def stream_events(client: Client, **body: Any) -> tuple[httpx.Headers, list[str]]:
    """Return the response headers and the raw SSE events (blank-line separated blocks)."""
    body.setdefault("messages", [{"role": "user", "content": "Tell me a story, please."}])
    with client.stream("POST", "/chat/completions", json={**body, "stream": True}) as response:
        assert response.status_code == 200
        text = response.read().decode()
        headers = response.headers
    assert text.endswith("\n\n")
    return headers, [block for block in text.split("\n\n") if block]


def data_chunks(events: list[str]) -> list[dict[str, Any]]:
    return [json.loads(e[len("data: ") :]) for e in events if e.startswith("data: {")]


def content_deltas(chunks: list[dict[str, Any]]) -> list[str]:
    """The non-empty ``delta.content`` pieces, in order."""
    return [
        c["choices"][0]["delta"]["content"]
        for c in chunks
        if c["choices"] and c["choices"][0]["delta"].get("content")
    ]


def assemble(chunks: list[dict[str, Any]]) -> dict[str, Any]:
    """Rebuild the non-streamed message, finish reason and usage from stream chunks."""
    content: str | None = None
    reasoning: str | None = None
    details: list[dict[str, Any]] = []
    calls: dict[int, dict[str, Any]] = {}
    finish = usage = None
    for chunk in chunks:
        usage = chunk.get("usage", usage)
        for choice in chunk["choices"]:
            delta = choice["delta"]
            if isinstance(delta.get("content"), str):
                content = (content or "") + delta["content"]
            if delta.get("reasoning") is not None:
                reasoning = (reasoning or "") + delta["reasoning"]
            details.extend(delta.get("reasoning_details") or [])
            for part in delta.get("tool_calls") or []:
                call = calls.setdefault(part["index"], {"function": {"arguments": ""}})
                for key in ("id", "type"):
                    if key in part:
                        call[key] = part[key]
                if "name" in part["function"]:
                    call["function"]["name"] = part["function"]["name"]
                call["function"]["arguments"] += part["function"]["arguments"]
            finish = choice["finish_reason"] or finish
    if calls:
        content = content or None
    text = "".join(d["text"] for d in details)
    merged_details = (
        [{"type": "reasoning.text", "text": text, "format": "unknown", "index": 0}]
        if details
        else None
    )
    return {
        "content": content,
        "reasoning": reasoning,
        "reasoning_details": merged_details,
        "tool_calls": [calls[i] for i in sorted(calls)] or None,
        "finish_reason": finish,
        "usage": usage,
        "model": chunks[0]["model"],
        "provider": chunks[0]["provider"],
    }


def both_modes(client: Client, **body: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The non-streamed answer and the streamed one, rebuilt into the same shape."""
    body.setdefault("messages", [{"role": "user", "content": "Tell me a story, please."}])
    plain = chat(client, **body).json()
    (choice,) = plain["choices"]
    message = choice["message"]
    flat = {
        "content": message["content"],
        "reasoning": message["reasoning"],
        "reasoning_details": message.get("reasoning_details"),
        "tool_calls": message.get("tool_calls"),
        "finish_reason": choice["finish_reason"],
        "usage": plain["usage"],
        "model": plain["model"],
        "provider": plain["provider"],
    }
    _, events = stream_events(client, **body)
    return flat, assemble(data_chunks(events))


# -- over sockets ---------------------------------------------------------------------------

#: What a client sees when the emulator resets the connection.
RESET_ERRORS = (httpx.ReadError, httpx.RemoteProtocolError, httpx.ConnectError)
RESET_NAMES = tuple(error.__name__ for error in RESET_ERRORS)


def open_client(emu: Emulator, *, read: float = 5.0, **kwargs: Any) -> httpx.Client:
    headers = {"Authorization": f"Bearer {emu.api_key}"}
    timeout = httpx.Timeout(5.0, read=read)
    return httpx.Client(base_url=emu.base_url, headers=headers, timeout=timeout, **kwargs)


def wait_until(condition: Callable[[], bool], timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True
