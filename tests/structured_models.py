"""pydantic models for the structured-output tests, and a check of OpenAI's strict schema rules.

Shared by the schema unit tests, the shell tests and the emulator tests. pydantic is a test-only
dependency (the ``test`` extra); the package itself never imports it.
"""

from __future__ import annotations

import enum
from typing import Any, Literal

from pydantic import BaseModel, Field


class Genre(enum.Enum):
    DRAMA = "drama"
    COMEDY = "comedy"


class Studio(BaseModel):
    """A film studio."""

    name: str
    city: str | None = None


class Actor(BaseModel):
    name: str
    born: int | None = None


class Film(BaseModel):
    """A film, as extracted from a review."""

    title: str = Field(description="The film's title")  # a property named like the keyword
    year: int
    genres: list[Genre]
    studio: Studio = Field(description="Who made it")
    distributor: Studio | None = None
    cast: list[Actor]
    ratings: list[float] = []
    rating: Literal["G", "PG", "R"] = "PG"


class TreeNode(BaseModel):
    value: int
    children: list[TreeNode] = []


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: int


class Dog(BaseModel):
    kind: Literal["dog"]
    good: bool


class Pet(BaseModel):
    pet: Cat | Dog = Field(discriminator="kind")


FILM_JSON = (
    '{"title": "Heat", "year": 1995, "genres": ["drama"], "studio": {"name": "Warner", '
    '"city": null}, "distributor": null, "cast": [{"name": "Al Pacino", "born": 1940}], '
    '"ratings": [8.3], "rating": "R"}'
)


def strict_problems(schema: dict[str, Any]) -> list[str]:
    """Where ``schema`` breaks OpenAI's strict structured-output rules ([] when it keeps them):
    an object at the top; every object with properties closed (``additionalProperties: false``)
    and requiring all of them; no ``default``, ``title``, ``oneOf`` or ``discriminator``; no
    ``$ref`` with siblings; every ``$ref`` resolvable."""
    problems: list[str] = []
    if schema.get("type") != "object":
        problems.append("$: the top is not an object")

    def resolve(ref: str) -> Any:
        node: Any = schema
        for part in ref.removeprefix("#").strip("/").split("/") if ref != "#" else []:
            node = node.get(part) if isinstance(node, dict) else None
        return node

    def walk(node: Any, where: str) -> None:
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{where}[{i}]")
            return
        if not isinstance(node, dict):
            return
        for keyword in ("default", "title", "oneOf", "discriminator", "$schema"):
            if keyword in node:
                problems.append(f"{where}: has {keyword}")
        if "$ref" in node:
            if set(node) - {"$ref", "$defs", "definitions"}:
                problems.append(f"{where}: $ref with siblings {sorted(node)}")
            if not isinstance(resolve(node["$ref"]), dict):
                problems.append(f"{where}: $ref {node['$ref']} does not resolve")
        if "properties" in node:
            if node.get("additionalProperties") is not False:
                problems.append(f"{where}: additionalProperties is not false")
            if sorted(node.get("required", [])) != sorted(node["properties"]):
                problems.append(f"{where}: not every property is required")
            for name, sub in node["properties"].items():
                walk(sub, f"{where}.{name}")
        for key in ("$defs", "definitions"):
            for name, sub in node.get(key, {}).items():
                walk(sub, f"{where}.{key}.{name}")
        for key in ("items", "anyOf", "allOf", "prefixItems"):
            if key in node:
                walk(node[key], f"{where}.{key}")
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], f"{where}.additionalProperties")

    walk(schema, "$")
    return problems
