"""Structured outputs and function tools for both shells, through pytest-httpx."""

from __future__ import annotations

import json
from typing import Any, Literal, TypedDict

import attrs
import pytest
from pytest_httpx import HTTPXMock

from openrouter_kit import ToolDefinition, errors, response_format_for
from openrouter_kit._core.schema import output_schema
from tests.shells.conftest import call
from tests.structured_models import FILM_JSON, Film, Genre, Studio

pytestmark = pytest.mark.anyio
USER = [{"role": "user", "content": "Extract the person"}]


@attrs.define
class Person:
    name: str
    age: int
    role: Literal["admin", "user"] = "user"


class Point(TypedDict):
    x: float
    y: float


def answer(content: str) -> dict[str, Any]:
    return {
        "id": "gen-1",
        "model": "a/x",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
    }


async def test_a_class_becomes_a_json_schema_and_the_answer_parses_back(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=answer('{"name": "Ada", "age": 36, "role": "admin"}'))
    reply = await call(client.complete(model="a/x", messages=USER, response_format=Person))
    sent = json.loads(httpx_mock.get_requests()[0].content)["response_format"]
    assert sent["type"] == "json_schema"
    assert sent["json_schema"]["name"] == "Person"
    assert sent["json_schema"]["strict"] is True
    assert sent["json_schema"]["schema"]["properties"]["role"]["enum"] == ["admin", "user"]
    assert reply.parse(Person) == Person(name="Ada", age=36, role="admin")
    assert reply.parse(dict) == {"name": "Ada", "age": 36, "role": "admin"}


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("Sure! Ada is 36.", "not JSON"),
        ('{"name": "Ada"}', "does not fit Person"),
        ('{"name": "Ada", "age": "thirty-six"}', "does not fit Person"),
        ("[1, 2]", "does not fit Person"),
    ],
)
async def test_an_answer_that_does_not_fit_shows_the_text(
    client: Any, httpx_mock: HTTPXMock, content: str, words: str
) -> None:
    httpx_mock.add_response(json=answer(content))
    reply = await call(client.complete(model="a/x", messages=USER, response_format=Person))
    with pytest.raises(errors.StructuredOutputError, match=words) as info:
        reply.parse(Person)
    assert info.value.text == content
    assert content[:10] in str(info.value)


async def test_typed_dicts_schemas_and_fenced_json(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=answer('```json\n{"x": 1, "y": 2.5}\n```'))
    schema = {"type": "object", "properties": {"x": {"type": "number"}}, "title": "Point"}
    reply = await call(
        client.complete(model="a/x", messages=USER, response_format=response_format_for(schema))
    )
    assert reply.parse(Point) == {"x": 1.0, "y": 2.5}
    assert reply.parse(schema) == {"x": 1, "y": 2.5}
    sent = json.loads(httpx_mock.get_requests()[0].content)["response_format"]
    assert sent["json_schema"] == {"name": "Point", "schema": schema, "strict": True}


async def test_a_pydantic_model_is_sent_as_a_strict_schema_and_parsed_back(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=answer(FILM_JSON))
    reply = await call(client.complete(model="a/x", messages=USER, response_format=Film))
    sent = json.loads(httpx_mock.get_requests()[0].content)["response_format"]
    assert sent == {
        "type": "json_schema",
        "json_schema": {"name": "Film", "schema": output_schema(Film), "strict": True},
    }
    assert sent == response_format_for(Film)
    film = reply.parse(Film)
    assert isinstance(film, Film)
    assert film.genres == [Genre.DRAMA]
    assert film.studio == Studio(name="Warner")
    assert film.distributor is None
    assert film.cast[0].born == 1940
    assert reply.parse(Film) == Film.model_validate_json(FILM_JSON)


async def test_a_streamed_answer_parses_into_a_pydantic_model(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    half = len(FILM_JSON) // 2
    events = [
        {"id": "gen-1", "model": "a/x", "choices": [{"index": 0, "delta": {"content": part}}]}
        for part in (FILM_JSON[:half], FILM_JSON[half:])
    ]
    body = "".join(f"data: {json.dumps(event)}\n\n" for event in events) + "data: [DONE]\n\n"
    httpx_mock.add_response(content=body.encode(), headers={"content-type": "text/event-stream"})
    stream = client.stream(model="a/x", messages=USER, response_format=Film)
    if hasattr(stream, "__aenter__"):
        async with stream:
            reply = await stream.final_response()
    else:
        with stream:
            reply = stream.final_response()
    assert reply.parse(Film).title == "Heat"
    sent = json.loads(httpx_mock.get_requests()[0].content)
    assert sent["stream"] is True
    assert sent["response_format"] == response_format_for(Film)


@pytest.mark.parametrize(
    ("content", "problems"),
    [
        (
            FILM_JSON.replace("1995", '"soon"').replace('"Warner"', "7"),
            [
                "Input should be a valid integer, unable to parse string as an integer @ $.year",
                "Input should be a valid string @ $.studio.name",
            ],
        ),
        (FILM_JSON.replace('"drama"', '"horror"'), ["Input should be 'drama' or 'comedy' @ "]),
        (FILM_JSON.replace('"name": "Al Pacino", ', ""), ["Field required @ $.cast[0].name"]),
        ("[1, 2]", ["Input should be an object @ $"]),
        ("Heat (1995)", ["the answer is not JSON"]),
    ],
)
async def test_an_answer_that_does_not_fit_a_pydantic_model(
    client: Any, httpx_mock: HTTPXMock, content: str, problems: list[str]
) -> None:
    httpx_mock.add_response(json=answer(content))
    reply = await call(client.complete(model="a/x", messages=USER, response_format=Film))
    with pytest.raises(errors.StructuredOutputError) as info:
        reply.parse(Film)
    for problem in problems:
        assert problem in str(info.value)
    assert info.value.text == content
    assert info.value.__cause__ is None
    assert type(info.value).__module__ == "openrouter_kit.errors"  # no pydantic error escapes


class Plain:
    pass


@pytest.mark.parametrize(
    ("response_format", "words"),
    [
        ({"type": "object", "properties": {"x": {"type": "integer"}}}, "bare JSON Schema"),
        ({"properties": {"x": {"type": "integer"}}}, "bare JSON Schema"),
        ({"type": ["object", "null"]}, "bare JSON Schema"),
        (Plain, "cannot be expressed as JSON Schema"),
        (Film.model_validate_json(FILM_JSON), "an instance of Film (pass the class itself)"),
        ("json", "a value of type str"),
        (list[Film], "got list[tests.structured_models.Film]"),
    ],
)
async def test_an_unsupported_response_format_is_refused_before_sending(
    client: Any, httpx_mock: HTTPXMock, response_format: Any, words: str
) -> None:
    for start in (
        lambda: client.complete(model="a/x", messages=USER, response_format=response_format),
        lambda: client.stream(model="a/x", messages=USER, response_format=response_format),
    ):
        with pytest.raises(errors.ResponseFormatError) as info:
            await call(start())
        message = str(info.value)
        assert words in message
        assert "response_format_for(schema" in message
        assert "an attrs class, a dataclass, a TypedDict or a pydantic model" in message
        assert info.value.path == "$.response_format"
        assert isinstance(info.value, errors.ValidationError)
    assert httpx_mock.get_requests() == []


async def test_a_response_format_dict_is_sent_as_given(client: Any, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=answer('{"answer": "ok"}'))
    await call(client.complete(model="a/x", messages=USER, response_format={"type": "json_object"}))
    sent = json.loads(httpx_mock.get_requests()[0].content)
    assert sent["response_format"] == {"type": "json_object"}


def test_response_format_for_refuses_a_response_format() -> None:
    with pytest.raises(errors.ResponseFormatError, match="already a response format"):
        response_format_for(response_format_for(Film))
    with pytest.raises(errors.ResponseFormatError, match="a value of type int"):
        response_format_for(3)


def get_weather(city: str, unit: Literal["c", "f"] = "c") -> str:
    """Get the current weather.

    Args:
        city: The city, e.g. Paris.
        unit: Celsius or Fahrenheit.
    """
    return f"{city}: 21{unit}"


async def test_function_tools_from_python_functions(client: Any, httpx_mock: HTTPXMock) -> None:
    tool = ToolDefinition.from_function(get_weather)
    assert tool.function is not None
    assert tool.function.name == "get_weather"
    assert tool.function.description == "Get the current weather."
    params = tool.function.parameters or {}
    assert params["required"] == ["city"]
    assert params["properties"]["city"]["description"] == "The city, e.g. Paris."
    assert params["properties"]["unit"]["enum"] == ["c", "f"]
    httpx_mock.add_response(json=answer("ok"))
    await call(client.complete(model="a/x", messages=USER, tools=[tool], tool_choice="auto"))
    sent = json.loads(httpx_mock.get_requests()[0].content)
    assert sent["tools"][0]["function"]["name"] == "get_weather"
    assert sent["tools"][0]["type"] == "function"


def test_unsupported_hints_fail_at_definition_time() -> None:
    def bad(data: bytes) -> None:
        """Nope."""

    with pytest.raises(errors.ValidationError, match="data"):
        ToolDefinition.from_function(bad)


@pytest.mark.parametrize(
    ("messages", "path"),
    [
        ([{"role": "robot", "content": "hi"}], "$.messages[0].role"),
        (
            [{"role": "tool", "tool_call_id": "call_x", "content": "42"}],
            "$.messages[0].tool_call_id",
        ),
        (
            [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": ""}}]}],
            "$.messages[0].content[0].image_url.url",
        ),
    ],
)
async def test_bad_conversations_are_refused_before_sending(
    client: Any, messages: Any, path: str
) -> None:
    with pytest.raises(errors.ValidationError) as info:
        await call(client.complete(model="a/x", messages=messages))
    assert info.value.path == path
    with pytest.raises(errors.ValidationError):
        client.stream(model="a/x", messages=messages)


async def test_a_response_format_object_is_sent_as_given(
    client: Any, httpx_mock: HTTPXMock
) -> None:
    from openrouter_kit._generated.models import ResponseFormat

    httpx_mock.add_response(json=answer('{"answer": "ok"}'))
    fmt = ResponseFormat(type="json_object")
    await call(client.complete(model="a/x", messages=USER, response_format=fmt))
    sent = json.loads(httpx_mock.get_requests()[0].content)
    assert sent["response_format"] == {"type": "json_object"}


class Grumpy:
    """Has pydantic's two methods; its validation fails with a plain error, not pydantic's."""

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        return {"type": "object", "properties": {}}

    @classmethod
    def model_validate(cls, data: Any) -> Grumpy:
        raise TypeError("no grumpy answers")


def test_any_error_of_a_model_s_validation_becomes_a_structured_output_error() -> None:
    from openrouter_kit._core.structured import parse_output, request_format

    with pytest.raises(errors.StructuredOutputError, match="TypeError: no grumpy answers"):
        parse_output("{}", Grumpy)
    assert request_format(None) is None
    assert request_format(Grumpy)["json_schema"]["name"] == "Grumpy"
