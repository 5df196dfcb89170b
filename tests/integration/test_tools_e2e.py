"""Tool loops, multimodal input and structured outputs end to end over sockets, both clients."""

from __future__ import annotations

import json
from typing import Any, Literal

import anyio
import attrs
import pytest

from openrouter_kit import AsyncClient, Client, ContentPart, Message, errors, response_format_for
from openrouter_kit._core.schema import output_schema
from openrouter_kit.testing import Emulator
from tests.structured_models import Actor, Film, Genre, Studio, TreeNode, strict_problems

MODEL = "openai/gpt-4o-mini"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def get_weather(city: str) -> dict[str, Any]:
    """Get the weather.

    Args:
        city: The city.
    """
    return {"city": city, "temp_c": 21}


@attrs.define
class Person:
    name: str
    age: int
    role: Literal["engineer", "other"]


def both(emu: Emulator, body: Any) -> list[Any]:
    """Run ``body(client)`` with a Client and an AsyncClient; return both results."""
    with Client(api_key=emu.api_key, base_url=emu.base_url) as client:
        sync_result = body(client)

    async def main() -> Any:
        async with AsyncClient(api_key=emu.api_key, base_url=emu.base_url) as client:
            result = body(client)
            return await result

    return [sync_result, anyio.run(main)]


def test_a_weather_tool_loop(emu: Emulator) -> None:
    ask = [Message.user("What is the weather in Paris?")]
    for run in both(emu, lambda c: c.run_tools(model=MODEL, messages=ask, tools=[get_weather])):
        assert run.finished
        assert run.rounds == 2
        assert "Based on the tool results" in run.response.text
        assert "21" in run.response.text
        assert [m.role for m in run.messages] == ["user", "assistant", "tool", "assistant"]
        assert run.cost is not None
        assert run.usage.total_tokens > 0
    assert emu.ledger.requests == 4


def test_scripted_tool_calls_with_bad_arguments_are_reported_to_the_model(emu: Emulator) -> None:
    bad = [{"name": "get_weather", "arguments": '{"city": '}]

    def body(client: Any) -> Any:
        emu.script_tool_calls(bad)  # the next answer calls the tool with broken arguments
        return client.run_tools(model=MODEL, messages=[Message.user("hi")], tools=[get_weather])

    for run in both(emu, body):
        tool_message = run.messages[2]
        assert "not valid JSON" in json.loads(tool_message.content)["error"]
        assert run.finished
        assert run.rounds == 2


def test_an_image_question(emu: Emulator) -> None:
    question = Message.user([ContentPart.of_text("What is this?"), ContentPart.image_bytes(PNG)])
    for reply in both(
        emu, lambda c: c.complete(model="google/gemini-2.5-flash", messages=[question])
    ):
        assert reply.text.startswith("Hello from google/gemini-2.5-flash")
    sent = emu.requests[-1].json["messages"][0]["content"][1]
    assert sent["image_url"]["url"].startswith("data:image/png;base64,")


def test_structured_output_extraction(emu: Emulator) -> None:
    ask = [Message.user("Ada, 36, engineer")]
    for reply in both(emu, lambda c: c.complete(model=MODEL, messages=ask, response_format=Person)):
        person = reply.parse(Person)
        assert isinstance(person, Person)
        assert person.role in ("engineer", "other")
    with Client(api_key=emu.api_key, base_url=emu.base_url) as client:
        with client.stream(model=MODEL, messages=ask, response_format=Person) as stream:
            assert isinstance(stream.final_response().parse(Person), Person)
        reply = client.complete(model=MODEL, messages=ask)  # no schema: plain text comes back
        with pytest.raises(errors.StructuredOutputError, match="not JSON"):
            reply.parse(Person)


def test_pydantic_models_end_to_end(emu: Emulator) -> None:
    ask = [Message.user("Heat (1995), a Warner drama with Al Pacino")]
    for reply in both(emu, lambda c: c.complete(model=MODEL, messages=ask, response_format=Film)):
        film = reply.parse(Film)
        assert isinstance(film, Film)
        assert isinstance(film.studio, Studio)
        assert film.distributor is None or isinstance(film.distributor, Studio)
        assert film.genres
        assert all(isinstance(genre, Genre) for genre in film.genres)
        assert all(isinstance(actor, Actor) for actor in film.cast)
        assert film.rating in ("G", "PG", "R")
    sent = emu.requests[-1].json["response_format"]
    assert sent["json_schema"]["schema"] == output_schema(Film)
    assert strict_problems(sent["json_schema"]["schema"]) == []

    async def streamed() -> Any:
        async with AsyncClient(api_key=emu.api_key, base_url=emu.base_url) as client:
            stream = client.stream(model=MODEL, messages=ask, response_format=Film)
            async with stream:
                return (await stream.final_response()).parse(Film)

    assert isinstance(anyio.run(streamed), Film)
    with Client(api_key=emu.api_key, base_url=emu.base_url) as client:
        with client.stream(model=MODEL, messages=ask, response_format=TreeNode) as stream:
            tree = stream.final_response().parse(TreeNode)  # recursive: the emulator follows $ref
        assert isinstance(tree, TreeNode)
        reply = client.complete(model=MODEL, messages=ask, response_format=Film)
        with pytest.raises(errors.StructuredOutputError, match=r"Field required @ \$\.value"):
            reply.parse(TreeNode)  # a document for one model does not fit another


def test_run_tools_with_a_pydantic_response_format(emu: Emulator) -> None:
    ask = [Message.user("Extract the film: Heat (1995)")]
    runs = both(
        emu,
        lambda c: c.run_tools(model=MODEL, messages=ask, tools=[get_weather], response_format=Film),
    )
    for run in runs:
        assert run.finished
        assert isinstance(run.response.parse(Film), Film)
    assert emu.requests[-1].json["response_format"]["json_schema"]["name"] == "Film"


def test_a_bare_schema_is_refused_before_sending(emu: Emulator) -> None:
    schema = {"type": "object", "properties": {"name": {"type": "string"}}}
    hi = [Message.user("hi")]
    with Client(api_key=emu.api_key, base_url=emu.base_url) as client:
        with pytest.raises(errors.ResponseFormatError, match=r"response_format_for\(schema\)"):
            client.complete(model=MODEL, messages=hi, response_format=schema)
        reply = client.complete(
            model=MODEL, messages=hi, response_format=response_format_for(schema)
        )
        assert isinstance(reply.parse(schema)["name"], str)

    async def main() -> None:
        async with AsyncClient(api_key=emu.api_key, base_url=emu.base_url) as client:
            with pytest.raises(errors.ResponseFormatError, match="bare JSON Schema"):
                await client.complete(model=MODEL, messages=hi, response_format=schema)
            with pytest.raises(errors.ResponseFormatError, match="bare JSON Schema"):
                client.stream(model=MODEL, messages=hi, response_format=schema)

    anyio.run(main)
    assert len(emu.requests) == 1  # only the wrapped one was sent
