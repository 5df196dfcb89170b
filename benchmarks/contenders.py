"""The contenders: one small wrapper per library and mode, each owning one client.

Every wrapper offers the same operations, so a scenario can time them alike:

- ``complete()``: one non-streamed chat completion; returns the answer's text.
- ``stream()``: one streamed completion read to the end, reading each chunk's text the way a
  user does (the SDKs: ``chunk.choices[0].delta.content``, typed; raw httpx: ``json.loads`` and
  the same keys); returns the number of JSON events.
- ``first_chunk()``: one streamed completion; returns (seconds from issuing the request to the
  first chunk with text, number of events), reading the rest outside the timed part.
- ``list_models()``: ``GET /models``; returns the number of models.
- ``list_models_read()``: the same, then reads each model's id, context length, prompt price and
  input modalities (a library that parses lazily pays for it here).

**raw httpx** is the floor on the transport openrouter-kit uses: ``json.loads`` on the body,
``iter_lines`` + ``json.loads`` for streams (read to the end of the body, past ``[DONE]``, so
httpx keeps the connection), no types and no checks. Its pool has the same limits
as both SDKs' pools (1,000 connections, 100 kept alive): httpx's default keeps 20, which would
make it reconnect at concurrency 64 and flatter everyone else.

Libraries are imported when a wrapper is built, so a missing one only makes its rows ``n/a``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from harness import Unavailable

MODEL = "openai/gpt-4o-mini"
MESSAGES = [{"role": "user", "content": "hi"}]
API_KEY = "sk-bench"
TIMEOUT = 120.0
COMPLETE_BODY = {"model": MODEL, "messages": MESSAGES}
STREAM_BODY = {"model": MODEL, "messages": MESSAGES, "stream": True}


def _import(name: str) -> Any:
    try:
        return __import__(name)
    except ImportError as exc:
        raise Unavailable(
            f"{name} not installed (pip install -r benchmarks/requirements.txt)"
        ) from exc


def _limits(httpx: Any) -> Any:
    return httpx.Limits(max_connections=1000, max_keepalive_connections=100)


# -- raw httpx ------------------------------------------------------------------------------------
class RawHttpx:
    name = "raw httpx"
    module = "httpx"

    def __init__(self, base: str, headers: dict[str, str], module: str = "httpx") -> None:
        httpx = _import(module)
        self.url = f"{base}/chat/completions"
        self.models_url = f"{base}/models"
        headers = {**headers, "authorization": f"Bearer {API_KEY}"}
        self.client = httpx.Client(headers=headers, timeout=TIMEOUT, limits=_limits(httpx))

    def complete(self) -> str:
        response = self.client.post(self.url, json=COMPLETE_BODY)
        response.raise_for_status()
        return json.loads(response.content)["choices"][0]["message"]["content"]  # type: ignore[no-any-return]

    def stream(self) -> int:
        count = 0
        with self.client.stream("POST", self.url, json=STREAM_BODY) as response:
            response.raise_for_status()
            for line in response.iter_lines():
                if not line.startswith("data: "):  # blank lines and ": comments"
                    continue
                data = line[6:]
                if data == "[DONE]":
                    continue  # read on to the end of the body: the pool keeps the connection
                choices = json.loads(data)["choices"]
                if choices:
                    _ = choices[0]["delta"].get("content")
                count += 1
        return count

    def first_chunk(self) -> tuple[float, int]:
        started = time.perf_counter()
        first, count = None, 0
        with self.client.stream("POST", self.url, json=STREAM_BODY) as response:
            response.raise_for_status()
            for line in response.iter_lines():
                if not line.startswith("data: "):
                    continue
                data = line[6:]
                if data == "[DONE]":
                    continue  # read on to the end of the body: the pool keeps the connection
                event = json.loads(data)
                count += 1
                if first is None:
                    choices = event["choices"]
                    if choices and choices[0]["delta"].get("content"):
                        first = time.perf_counter() - started
        if first is None:
            raise RuntimeError("no chunk with text")
        return first, count

    def list_models(self) -> int:
        response = self.client.get(self.models_url)
        response.raise_for_status()
        return len(json.loads(response.content)["data"])

    def list_models_read(self) -> int:
        response = self.client.get(self.models_url)
        response.raise_for_status()
        models = json.loads(response.content)["data"]
        for m in models:
            _ = (m["id"], m["context_length"], m["pricing"]["prompt"])
            _ = m["architecture"]["input_modalities"]
        return len(models)

    def close(self) -> None:
        self.client.close()


class RawHttpx2(RawHttpx):
    """The same floor on httpx2, the fork of httpx that openai-python runs on (a reference)."""

    name = "raw httpx2"
    module = "httpx2"

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        super().__init__(base, headers, module="httpx2")


class RawHttpxAsync:
    name = "raw httpx"
    module = "httpx"

    def __init__(self, base: str, headers: dict[str, str], *, default_pool: bool = False) -> None:
        httpx = _import("httpx")
        self.url = f"{base}/chat/completions"
        headers = {**headers, "authorization": f"Bearer {API_KEY}"}
        limits = httpx.Limits() if default_pool else _limits(httpx)  # default: 100, 20 idle
        self.client = httpx.AsyncClient(headers=headers, timeout=TIMEOUT, limits=limits)

    async def complete(self) -> str:
        response = await self.client.post(self.url, json=COMPLETE_BODY)
        response.raise_for_status()
        return json.loads(response.content)["choices"][0]["message"]["content"]  # type: ignore[no-any-return]

    async def stream(self) -> int:
        count = 0
        async with self.client.stream("POST", self.url, json=STREAM_BODY) as response:
            response.raise_for_status()
            async for line in response.aiter_lines():
                if not line.startswith("data: "):
                    continue
                data = line[6:]
                if data == "[DONE]":
                    continue  # read on to the end of the body: the pool keeps the connection
                choices = json.loads(data)["choices"]
                if choices:
                    _ = choices[0]["delta"].get("content")
                count += 1
        return count

    async def close(self) -> None:
        await self.client.aclose()


# -- openai-python --------------------------------------------------------------------------------
class OpenAI:
    name = "openai-python"
    module = "openai"

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        openai = _import("openai")
        self.client = openai.OpenAI(
            base_url=base, api_key=API_KEY, default_headers=headers, timeout=TIMEOUT
        )

    def complete(self) -> str:
        reply = self.client.chat.completions.create(model=MODEL, messages=MESSAGES)
        return reply.choices[0].message.content  # type: ignore[no-any-return]

    def stream(self) -> int:
        stream = self.client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        count = 0
        for chunk in stream:
            if chunk.choices:
                _ = chunk.choices[0].delta.content
            count += 1
        return count

    def first_chunk(self) -> tuple[float, int]:
        started = time.perf_counter()
        first, count = None, 0
        stream = self.client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        for chunk in stream:
            count += 1
            if first is None and chunk.choices and chunk.choices[0].delta.content:
                first = time.perf_counter() - started
        if first is None:
            raise RuntimeError("no chunk with text")
        return first, count

    def list_models(self) -> int:
        return len(self.client.models.list().data)

    def list_models_read(self) -> int:
        models = self.client.models.list().data
        for m in models:  # OpenRouter's fields beyond OpenAI's are kept as plain dicts
            _ = (m.id, m.context_length, m.pricing["prompt"], m.architecture["input_modalities"])
        return len(models)

    def close(self) -> None:
        self.client.close()


class OpenAIAsync:
    name = "openai-python"
    module = "openai"

    def __init__(self, base: str, headers: dict[str, str], *, aiohttp: bool = False) -> None:
        openai = _import("openai")
        http_client = None
        if aiohttp:
            try:
                from openai import DefaultAioHttpClient
            except ImportError as exc:
                raise Unavailable(f"openai has no DefaultAioHttpClient ({exc})") from exc
            _import("httpx_aiohttp")
            try:
                http_client = DefaultAioHttpClient()
            except RuntimeError as exc:  # openai installed without its aiohttp extra
                raise Unavailable(str(exc)) from exc
        self.client = openai.AsyncOpenAI(
            base_url=base,
            api_key=API_KEY,
            default_headers=headers,
            timeout=TIMEOUT,
            http_client=http_client,
        )

    async def complete(self) -> str:
        reply = await self.client.chat.completions.create(model=MODEL, messages=MESSAGES)
        return reply.choices[0].message.content  # type: ignore[no-any-return]

    async def stream(self) -> int:
        stream = await self.client.chat.completions.create(
            model=MODEL, messages=MESSAGES, stream=True
        )
        count = 0
        async for chunk in stream:
            if chunk.choices:
                _ = chunk.choices[0].delta.content
            count += 1
        return count

    async def close(self) -> None:
        await self.client.close()


# -- openrouter-kit -------------------------------------------------------------------------------
class Ours:
    name = "openrouter-kit"
    module = "openrouter_kit"

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        import openrouter_kit

        self.client = openrouter_kit.Client(
            api_key=API_KEY, base_url=base, headers=headers, timeout=TIMEOUT
        )

    def complete(self) -> str:
        return self.client.complete(model=MODEL, messages=MESSAGES).text  # type: ignore[no-any-return]

    def stream(self) -> int:
        count = 0
        with self.client.stream(model=MODEL, messages=MESSAGES) as stream:
            for chunk in stream:
                if chunk.choices:
                    _ = chunk.choices[0].delta.content
                count += 1
        return count

    def first_chunk(self) -> tuple[float, int]:
        started = time.perf_counter()
        first, count = None, 0
        with self.client.stream(model=MODEL, messages=MESSAGES) as stream:
            for chunk in stream:
                count += 1
                if first is None and chunk.text:
                    first = time.perf_counter() - started
        if first is None:
            raise RuntimeError("no chunk with text")
        return first, count

    def list_models(self) -> int:
        return len(self.client.list_models())  # fetched every time: list_models() has no cache

    def list_models_read(self) -> int:
        models = self.client.list_models()
        for m in models:
            _ = (m.id, m.context_length, m.pricing.prompt, m.architecture.input_modalities)
        return len(models)

    def close(self) -> None:
        self.client.close()


class OursAsync:
    name = "openrouter-kit"
    module = "openrouter_kit"

    def __init__(self, base: str, headers: dict[str, str], *, transport: str | None = None) -> None:
        import openrouter_kit

        options: dict[str, Any] = {} if transport is None else {"transport": transport}
        self.client = openrouter_kit.AsyncClient(
            api_key=API_KEY, base_url=base, headers=headers, timeout=TIMEOUT, **options
        )

    async def complete(self) -> str:
        return (await self.client.complete(model=MODEL, messages=MESSAGES)).text  # type: ignore[no-any-return]

    async def stream(self) -> int:
        count = 0
        async with self.client.stream(model=MODEL, messages=MESSAGES) as stream:
            async for chunk in stream:
                if chunk.choices:
                    _ = chunk.choices[0].delta.content
                count += 1
        return count

    async def close(self) -> None:
        await self.client.aclose()


#: The blocking contenders, by name.
SYNC = {RawHttpx.name: RawHttpx, OpenAI.name: OpenAI, Ours.name: Ours}
