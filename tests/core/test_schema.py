"""Tool schemas from Python functions: every supported hint, docstrings, strict mode, refusals.

The module uses ``from __future__ import annotations`` on purpose: every hint below is a string
that `function_schema` must resolve.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Literal, NewType, NotRequired, Optional, TypedDict, Union

import attrs
import pytest
from pydantic import BaseModel, RootModel

from openrouter_kit._core.schema import (
    function_schema,
    is_pydantic_model,
    json_schema,
    output_schema,
)
from openrouter_kit.errors import (
    OpenRouterError,
    ResponseFormatError,
    ToolDefinitionError,
    ValidationError,
)
from tests.structured_models import FILM_JSON as FILM
from tests.structured_models import Film, Pet, TreeNode, strict_problems

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NULL = {"type": "null"}


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Mixed(enum.Enum):
    A = "a"
    B = 2


class Opaque(enum.Enum):
    A = object()


UserId = NewType("UserId", int)


@attrs.define
class Point:
    """A point on a map.

    Attributes:
        x: Distance east,
            in metres.
        y: Distance north.
    """

    x: int
    y: int = 0
    tags: list[str] = attrs.field(factory=list, metadata={"ignored": True})
    hidden: int = attrs.field(default=0, init=False)


@attrs.frozen
class Route:
    start: Point
    stops: list[Point]
    name: str | None = None


@attrs.define
class Node:
    value: int
    children: list[Node]


@attrs.define
class Holder:
    payload: bytes


@dataclasses.dataclass
class Box:
    width: float
    label: str = "box"
    items: list[int] = dataclasses.field(default_factory=list)


class Movie(TypedDict):
    title: str
    year: int
    rating: NotRequired[float]


class PartialMovie(TypedDict, total=False):
    title: str


class Plain:
    pass


def obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema


# -- json_schema: every supported hint --------------------------------------------------------

POINT = obj(
    {
        "x": {"type": "integer", "description": "Distance east, in metres."},
        "y": {"type": "integer", "description": "Distance north.", "default": 0},
        "tags": {"type": "array", "items": STRING},
    },
    ["x"],
)

CASES: list[tuple[Any, dict[str, Any]]] = [
    (str, STRING),
    (int, INTEGER),
    (float, {"type": "number"}),
    (bool, {"type": "boolean"}),
    (None, NULL),
    (type(None), NULL),
    (Any, {}),
    (UserId, INTEGER),
    (list[int], {"type": "array", "items": INTEGER}),
    (list, {"type": "array"}),
    (list[Any], {"type": "array"}),
    (Sequence[str], {"type": "array", "items": STRING}),
    (tuple[int, ...], {"type": "array", "items": INTEGER}),
    (
        tuple[int, str],
        {"type": "array", "prefixItems": [INTEGER, STRING], "minItems": 2, "maxItems": 2},
    ),
    (tuple[()], {"type": "array", "maxItems": 0}),
    (tuple, {"type": "array"}),
    (set[str], {"type": "array", "items": STRING, "uniqueItems": True}),
    (frozenset[int], {"type": "array", "items": INTEGER, "uniqueItems": True}),
    (dict[str, int], {"type": "object", "additionalProperties": INTEGER}),
    (dict[str, Any], {"type": "object", "additionalProperties": True}),
    (
        Mapping[str, list[str]],
        {"type": "object", "additionalProperties": {"type": "array", "items": STRING}},
    ),
    (dict, {"type": "object"}),
    (Optional[int], {"type": ["integer", "null"]}),  # noqa: UP045 - the spelling under test
    (int | None, {"type": ["integer", "null"]}),
    (None | str, {"type": ["string", "null"]}),
    (Union[int, str, None], {"type": ["integer", "string", "null"]}),  # noqa: UP007 - the spelling under test
    (Optional[list[int]], {"anyOf": [{"type": "array", "items": INTEGER}, NULL]}),  # noqa: UP045 - the spelling under test
    (Union[int, str], {"anyOf": [INTEGER, STRING]}),  # noqa: UP007 - the spelling under test
    (int | list[str], {"anyOf": [INTEGER, {"type": "array", "items": STRING}]}),
    (int | Any, {}),
    (Literal["a", "b"], {"type": "string", "enum": ["a", "b"]}),
    (Literal[1, 2], {"type": "integer", "enum": [1, 2]}),
    (Literal[True], {"type": "boolean", "enum": [True]}),
    (Literal["a", 1], {"enum": ["a", 1]}),
    (Literal[Color.RED], {"type": "string", "enum": ["red"]}),
    (Optional[Literal["a"]], {"anyOf": [{"type": "string", "enum": ["a"]}, NULL]}),  # noqa: UP045 - the spelling under test
    (Color, {"type": "string", "enum": ["red", "blue"]}),
    (Level, {"type": "integer", "enum": [1, 2]}),
    (Mixed, {"enum": ["a", 2]}),
    (Annotated[int, "How many."], {"type": "integer", "description": "How many."}),
    (Annotated[str, 42, "Text."], {"type": "string", "description": "Text."}),
    (Annotated[str, 42], STRING),
    (Point, POINT),
    (
        Route,
        obj(
            {
                "start": POINT,
                "stops": {"type": "array", "items": POINT},
                "name": {"type": ["string", "null"], "default": None},
            },
            ["start", "stops"],
        ),
    ),
    (
        Box,
        obj(
            {
                "width": {"type": "number"},
                "label": {"type": "string", "default": "box"},
                "items": {"type": "array", "items": INTEGER},
            },
            ["width"],
        ),
    ),
    (
        Movie,
        obj(
            {"title": STRING, "year": INTEGER, "rating": {"type": "number"}},
            ["title", "year"],
        ),
    ),
    (PartialMovie, obj({"title": STRING})),
    (
        list[Movie],
        {
            "type": "array",
            "items": obj(
                {"title": STRING, "year": INTEGER, "rating": {"type": "number"}}, ["title", "year"]
            ),
        },
    ),
]


@pytest.mark.parametrize(("hint", "expected"), CASES, ids=[repr(case[0]) for case in CASES])
def test_json_schema(hint: Any, expected: dict[str, Any]) -> None:
    schema = json_schema(hint)
    assert schema == expected
    assert json.loads(json.dumps(schema)) == expected  # plain JSON, nothing Python-only inside


def test_json_schema_returns_fresh_dicts() -> None:
    json_schema(Point)["properties"]["x"]["type"] = "changed"
    assert json_schema(Point) == POINT


def test_the_same_class_twice_is_not_recursion() -> None:
    schema = json_schema(tuple[Point, Point])
    assert schema["prefixItems"] == [POINT, POINT]


UNSUPPORTED: list[tuple[Any, str]] = [
    (bytes, "type bytes cannot be expressed as JSON schema; use str, int, float, bool"),
    (datetime.datetime, "type datetime.datetime cannot be expressed"),
    (Plain, "Plain cannot be expressed"),
    (Callable[[int], int], "Callable[[int], int] cannot be expressed"),
    (list[bytes], "type bytes cannot be expressed"),
    (dict[int, str], "JSON object keys are strings"),
    (Node, "Node (in field 'children' of Node) refers to itself"),
    (Holder, "type bytes (in field 'payload' of Holder) cannot be expressed"),
    (Opaque, "is not a JSON string, number or bool"),
    ("Point", "unresolved forward reference"),
]


@pytest.mark.parametrize(("hint", "message"), UNSUPPORTED, ids=[repr(c[0]) for c in UNSUPPORTED])
def test_json_schema_refuses(hint: Any, message: str) -> None:
    with pytest.raises(ToolDefinitionError, match=r"cannot be expressed|refers to itself") as info:
        json_schema(hint)
    assert message in str(info.value)


def test_tool_definition_error_is_a_validation_error() -> None:
    assert issubclass(ToolDefinitionError, ValidationError)
    assert issubclass(ToolDefinitionError, ValueError)
    assert issubclass(ToolDefinitionError, OpenRouterError)


# -- function_schema --------------------------------------------------------------------------


def get_weather(city: str, unit: Literal["c", "f"] = "c", days: int | None = None) -> str:
    """Get the current weather
    for a city.

    Args:
        city (str): The city,
            for example Paris.
        unit: Temperature unit.
        days: How many days
            to forecast.

    Returns:
        A short report.
    """
    return city


def test_google_docstring_and_defaults() -> None:
    tool = function_schema(get_weather)
    assert list(tool) == ["name", "description", "parameters"]  # a plain dict; strict left out
    assert tool["name"] == "get_weather"
    assert tool["description"] == "Get the current weather for a city."
    assert tool["parameters"] == {
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "The city, for example Paris."},
            "unit": {
                "type": "string",
                "enum": ["c", "f"],
                "description": "Temperature unit.",
                "default": "c",
            },
            "days": {
                "type": ["integer", "null"],
                "description": "How many days to forecast.",
                "default": None,
            },
        },
        "required": ["city"],
        "additionalProperties": False,
    }


def google_variants(a: int, *, b: str = "x") -> None:
    """Do things.

    Arguments:
        a: First.
        b (str, optional): Second
            line two.
    """


def google_parameters_header(a: int) -> None:
    """Do things.

    Parameters:
        a: First.

    Raises:
        ValueError: never.
    """


def sphinx_style(a: int, b: str) -> None:
    """Add things
    together.

    :param a: The first
        number.
    :type a: int
    :param str b: The second.
    :returns: nothing.
    """


def numpy_style(a: int, b: str, c: float = 1.5) -> None:
    """Add things together.

    Parameters
    ----------
    a : int
        The first
        number.
    b, c : str
        Shared text.

    Returns
    -------
    None
        Nothing.
    """


def no_args_section(a: int) -> None:
    """Only a summary.

    Returns:
        Nothing.
    """


def undocumented(a: int) -> None:
    pass


@pytest.mark.parametrize(
    ("fn", "summary", "descriptions"),
    [
        (google_variants, "Do things.", {"a": "First.", "b": "Second line two."}),
        (google_parameters_header, "Do things.", {"a": "First."}),
        (sphinx_style, "Add things together.", {"a": "The first number.", "b": "The second."}),
        (
            numpy_style,
            "Add things together.",
            {"a": "The first number.", "b": "Shared text.", "c": "Shared text."},
        ),
        (no_args_section, "Only a summary.", {}),
        (undocumented, None, {}),
    ],
)
def test_docstring_styles(
    fn: Callable[..., Any], summary: str | None, descriptions: dict[str, str]
) -> None:
    tool = function_schema(fn)
    assert tool.get("description") == summary
    found = {
        name: prop["description"]
        for name, prop in tool["parameters"]["properties"].items()
        if "description" in prop
    }
    assert found == descriptions


def annotated_wins(city: Annotated[str, "From the hint."]) -> None:
    """Summary.

    Args:
        city: From the docstring.
    """


def test_annotated_description_wins_over_docstring() -> None:
    tool = function_schema(annotated_wins)
    assert tool["parameters"]["properties"]["city"] == {
        "type": "string",
        "description": "From the hint.",
    }


def no_params() -> None:
    """Takes nothing."""


def test_no_parameters_omits_required() -> None:
    assert function_schema(no_params)["parameters"] == {
        "type": "object",
        "properties": {},
        "additionalProperties": False,
    }


def defaults(
    a: tuple[int, int] = (1, 2),
    b: Color = Color.BLUE,
    c: Point | None = None,
    d: float = float("nan"),
    e: Any = object(),  # noqa: B008 - a default that JSON cannot carry
) -> None:
    pass


def test_defaults_are_json_or_left_out() -> None:
    tool = function_schema(defaults)
    props = tool["parameters"]["properties"]
    assert props["a"]["default"] == [1, 2]
    assert props["b"] == {"type": "string", "enum": ["red", "blue"], "default": "blue"}
    assert props["c"] == {"anyOf": [POINT, NULL], "default": None}
    assert "default" not in props["d"]
    assert props["e"] == {}
    assert "required" not in tool["parameters"]


def strict_tool(
    city: str,
    unit: Literal["c", "f"] = "c",
    days: int | None = None,
    route: Route | None = None,
    note: Annotated[str, "A note."] = "",
) -> None:
    pass


def test_strict_mode_requires_everything_and_makes_optionals_nullable() -> None:
    tool = function_schema(strict_tool, strict=True)
    assert tool["strict"] is True
    strict_point = obj(
        {
            "x": {"type": "integer", "description": "Distance east, in metres."},
            "y": {"type": ["integer", "null"], "description": "Distance north."},
            "tags": {"anyOf": [{"type": "array", "items": STRING}, NULL]},
        },
        ["x", "y", "tags"],
    )
    assert tool["parameters"] == obj(
        {
            "city": STRING,
            "unit": {"anyOf": [{"type": "string", "enum": ["c", "f"]}, NULL]},
            "days": {"type": ["integer", "null"]},
            "route": {
                "anyOf": [
                    obj(
                        {
                            "start": strict_point,
                            "stops": {"type": "array", "items": strict_point},
                            "name": {"type": ["string", "null"]},
                        },
                        ["start", "stops", "name"],
                    ),
                    NULL,
                ]
            },
            "note": {"type": ["string", "null"], "description": "A note."},
        },
        ["city", "unit", "days", "route", "note"],
    )
    assert function_schema(strict_tool, strict=False)["strict"] is False
    assert json_schema(Point, strict=True) == strict_point


@pytest.mark.parametrize("name", ["a", "get-weather_2", "x" * 64])
def test_valid_names(name: str) -> None:
    assert function_schema(no_params, name=name)["name"] == name


@pytest.mark.parametrize("name", ["", "x" * 65, "get weather", "get.weather", "météo"])
def test_invalid_names(name: str) -> None:
    with pytest.raises(ToolDefinitionError, match="tool name"):
        function_schema(no_params, name=name)


def test_lambda_needs_a_name() -> None:
    def fn(a: int) -> int:
        return a

    fn.__name__ = "<lambda>"
    with pytest.raises(ToolDefinitionError, match="pass name="):
        function_schema(fn)
    assert function_schema(fn, name="double")["name"] == "double"


def var_args(a: int, *rest: int) -> None:
    pass


def var_kwargs(a: int, **options: str) -> None:
    pass


def positional_only(a: int, /) -> None:
    pass


def missing_annotation(city: str, unit="c") -> None:  # type: ignore[no-untyped-def]
    pass


def bad_bytes(data: bytes) -> None:
    pass


def bad_datetime(when: datetime.datetime) -> None:
    pass


def bad_class(thing: Plain) -> None:
    pass


def bad_keys(scores: dict[int, str]) -> None:
    pass


def bad_recursive(tree: Node) -> None:
    pass


def bad_callback(callback: Callable[[], None]) -> None:
    pass


def bad_nested(items: list[Holder] | None = None) -> None:
    pass


def unresolvable(a: DoesNotExist) -> None:  # type: ignore[name-defined]  # noqa: F821
    pass


@pytest.mark.parametrize(
    ("fn", "message"),
    [
        (var_args, "parameter 'rest' of var_args: *rest cannot be described"),
        (var_kwargs, "parameter 'options' of var_kwargs: **options cannot be described"),
        (positional_only, "parameter 'a' of positional_only is positional-only"),
        (missing_annotation, "parameter 'unit' of missing_annotation has no type hint"),
        (
            bad_bytes,
            "parameter 'data' of bad_bytes: type bytes cannot be expressed as JSON schema; use str,"
            " int, float, bool, list, dict, Literal, Enum, an attrs class, a dataclass or a"
            " TypedDict",
        ),
        (bad_datetime, "parameter 'when' of bad_datetime: type datetime.datetime cannot"),
        (bad_class, "parameter 'thing' of bad_class: type tests.core.test_schema.Plain"),
        (bad_keys, "parameter 'scores' of bad_keys: type dict[int, str] cannot be expressed"),
        (bad_recursive, "parameter 'tree' of bad_recursive: type tests.core.test_schema.Node"),
        (bad_callback, "parameter 'callback' of bad_callback: type Callable"),
        (bad_nested, "parameter 'items' of bad_nested: type bytes (in field 'payload' of Holder)"),
        (unresolvable, "DoesNotExist"),
    ],
)
def test_refusals_name_the_parameter(fn: Callable[..., Any], message: str) -> None:
    with pytest.raises(ToolDefinitionError) as info:
        function_schema(fn)
    assert message in str(info.value)


def test_recursion_message() -> None:
    with pytest.raises(ToolDefinitionError, match="refers to itself"):
        function_schema(bad_recursive)


class Weather:
    def __init__(self, default_city: str) -> None:
        self.default_city = default_city

    def lookup(self, city: str, days: int = 1) -> str:
        """Look up the weather.

        Args:
            city: The city.
        """
        return city

    @classmethod
    def create(cls, city: str) -> Weather:
        """Make one."""
        return cls(city)

    @staticmethod
    def convert(celsius: float) -> float:
        return celsius

    def __call__(self, city: str) -> str:
        """Call it.

        Args:
            city: Where.
        """
        return city


def test_bound_methods_skip_self_and_cls() -> None:
    tool = function_schema(Weather("Paris").lookup)
    assert tool["name"] == "lookup"
    assert tool["description"] == "Look up the weather."
    assert tool["parameters"] == obj(
        {
            "city": {"type": "string", "description": "The city."},
            "days": {"type": "integer", "default": 1},
        },
        ["city"],
    )
    assert function_schema(Weather.create)["parameters"] == obj({"city": STRING}, ["city"])
    assert function_schema(Weather.convert)["parameters"] == obj(
        {"celsius": {"type": "number"}}, ["celsius"]
    )


def test_callable_object_and_partial() -> None:
    tool = function_schema(Weather("Paris"), name="weather")
    assert tool["description"] == "Call it."
    assert tool["parameters"] == obj(
        {"city": {"type": "string", "description": "Where."}}, ["city"]
    )
    partial = functools.partial(get_weather, unit="f")
    tool = function_schema(partial, name="weather_f")
    assert tool["description"] == "Get the current weather for a city."
    assert tool["parameters"]["properties"]["unit"]["default"] == "f"


def test_string_annotations_are_resolved() -> None:
    assert get_weather.__annotations__["city"] == "str"  # this module uses postponed annotations
    assert function_schema(get_weather)["parameters"] is not None


def typed_everything(
    a: str,
    b: int,
    c: float,
    d: bool,
    e: None,
    f: list[int],
    g: tuple[int, str],
    h: set[str],
    i: dict[str, float],
    j: int | None,
    k: Literal["x", "y"],
    l: Color,  # noqa: E741
    m: Annotated[int, "Counted."],
    n: Point,
    o: Movie,
    p: Box,
    q: Any,
    r: Sequence[Route] = (),
) -> None:
    pass


@pytest.mark.parametrize("strict", [None, False, True])
def test_every_schema_is_plain_json(strict: bool | None) -> None:
    tool = function_schema(typed_everything, strict=strict)
    text = json.dumps(tool["parameters"], allow_nan=False)
    assert json.loads(text) == tool["parameters"]
    assert len(tool["parameters"]["properties"]) == 18
    for hint, _ in CASES:
        json.dumps(json_schema(hint, strict=True), allow_nan=False)


# -- output_schema: structured outputs (response_format) ----------------------------------------


def test_a_pydantic_model_gets_a_strict_schema() -> None:
    assert len(strict_problems(Film.model_json_schema())) > 5  # pydantic's own breaks them
    schema = output_schema(Film)
    assert strict_problems(schema) == []
    assert schema["required"] == [
        "title", "year", "genres", "studio", "distributor", "cast", "ratings", "rating"
    ]  # fmt: skip
    props = schema["properties"]
    assert props["title"] == {"type": "string", "description": "The film's title"}
    assert props["year"] == INTEGER
    assert props["genres"] == {"type": "array", "items": {"$ref": "#/$defs/Genre"}}
    assert props["studio"] == {"description": "Who made it", "anyOf": [{"$ref": "#/$defs/Studio"}]}
    assert props["distributor"] == {"anyOf": [{"$ref": "#/$defs/Studio"}, NULL]}
    assert props["cast"] == {"type": "array", "items": {"$ref": "#/$defs/Actor"}}
    assert props["ratings"] == {"type": "array", "items": {"type": "number"}}  # no default
    assert props["rating"] == {"type": "string", "enum": ["G", "PG", "R"]}
    assert schema["description"] == "A film, as extracted from a review."
    assert schema["$defs"]["Genre"] == {"type": "string", "enum": ["drama", "comedy"]}
    assert schema["$defs"]["Studio"] == obj(
        {"name": STRING, "city": {"anyOf": [STRING, NULL]}}, ["name", "city"]
    ) | {"description": "A film studio."}
    assert schema["$defs"]["Actor"]["required"] == ["name", "born"]
    assert json.loads(json.dumps(schema, allow_nan=False)) == schema


def test_a_pydantic_model_without_strict_keeps_its_own_rules() -> None:
    schema = output_schema(Film, strict=False)
    raw = Film.model_json_schema()
    assert schema["required"] == raw["required"] == ["title", "year", "genres", "studio", "cast"]
    assert schema["properties"]["rating"]["default"] == "PG"
    assert "additionalProperties" not in schema
    assert "title" not in schema
    assert "title" not in schema["properties"]["year"]
    assert "title" in schema["properties"]  # the property, not the keyword


def test_a_recursive_pydantic_model_has_an_object_at_the_top() -> None:
    assert TreeNode.model_json_schema()["$ref"] == "#/$defs/TreeNode"
    schema = output_schema(TreeNode)
    assert strict_problems(schema) == []
    assert schema["properties"]["children"]["items"] == {"$ref": "#/$defs/TreeNode"}
    assert schema["$defs"]["TreeNode"]["required"] == ["value", "children"]


def test_a_discriminated_union_becomes_any_of() -> None:
    schema = output_schema(Pet)
    assert strict_problems(schema) == []
    assert schema["properties"]["pet"] == {
        "anyOf": [{"$ref": "#/$defs/Cat"}, {"$ref": "#/$defs/Dog"}]
    }


def test_output_schemas_of_attrs_classes_dataclasses_and_typed_dicts() -> None:
    for cls in (Point, Route, Box, Movie, PartialMovie):
        assert strict_problems(output_schema(cls)) == [], cls
        assert output_schema(cls, strict=False) == json_schema(cls)
    # A field with a default is required and keeps its type: the model fills it in, and the
    # answer parses into the class as it comes (null would not fit ``label: str``).
    assert output_schema(Box) == obj(
        {
            "width": {"type": "number"},
            "label": STRING,
            "items": {"type": "array", "items": INTEGER},
        },
        ["width", "label", "items"],
    )
    assert output_schema(Movie)["properties"]["rating"] == {"type": "number"}
    assert output_schema(Route)["properties"]["name"] == {"type": ["string", "null"]}


class Duck:
    """Looks like a pydantic model (the two methods) without being one."""

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        return {"title": "Duck", "type": "object", "properties": {"q": {"title": "Q"}}}

    @classmethod
    def model_validate(cls, data: Any) -> Duck:
        return cls()


def test_pydantic_models_are_recognised_by_their_methods() -> None:
    assert is_pydantic_model(Film)
    assert is_pydantic_model(Duck)
    assert not is_pydantic_model(Film(**json.loads(FILM)))  # an instance
    assert not is_pydantic_model(Point)
    assert output_schema(Duck) == obj({"q": {}}, ["q"])


class NoSchema(BaseModel):
    callback: Callable[[int], int]


REFUSED: list[tuple[Any, str]] = [
    (Plain, "response_format=tests.core.test_schema.Plain cannot be expressed"),
    (int, "response_format=int cannot be expressed"),
    (Holder, "type bytes (in field 'payload' of Holder) cannot be expressed"),
    (Node, "Node (in field 'children' of Node) refers to itself"),
    (NoSchema, "pydantic cannot build its JSON Schema"),
    (RootModel[list[int]], "strict structured outputs need a JSON object at the top"),
]


@pytest.mark.parametrize(("target", "message"), REFUSED, ids=[repr(c[0]) for c in REFUSED])
def test_output_schema_refusals_list_what_structured_outputs_take(
    target: Any, message: str
) -> None:
    with pytest.raises(ResponseFormatError) as info:
        output_schema(target)
    text = str(info.value)
    assert message in text
    if "object at the top" not in message:
        for target_kind in ("attrs class", "dataclass", "TypedDict", "pydantic model"):
            assert target_kind in text
        assert "response_format_for(schema_dict)" in text
    assert not isinstance(info.value, ToolDefinitionError)
    assert isinstance(info.value, ValidationError)


def test_a_root_model_without_strict_is_sent_as_it_is() -> None:
    assert output_schema(RootModel[list[int]], strict=False) == {
        "type": "array",
        "items": INTEGER,
    }


def test_tools_keep_their_own_error_for_pydantic_parameters() -> None:
    def save(film: Film) -> None:
        """Save a film."""

    with pytest.raises(ToolDefinitionError, match="parameter 'film' of save"):
        function_schema(save)


def test_the_package_never_imports_pydantic() -> None:
    import ast
    from pathlib import Path

    import openrouter_kit

    for path in Path(openrouter_kit.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(name.split(".")[0] == "pydantic" for name in names), path
