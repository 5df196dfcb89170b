"""The generic request's checks: methods, paths under the base URL only, bodies, query values."""

from __future__ import annotations

import json
from typing import Any

import pytest

from openrouter_kit._core import generic
from openrouter_kit._generated.models import ApiKeyCreate, ApiKeyList
from openrouter_kit.errors import ValidationError


@pytest.mark.parametrize("method", ["GET", "post", "Patch", "PUT", "DELETE"])
def test_methods_are_taken_in_any_case(method: str) -> None:
    row = generic.endpoint(method, "/models/count")
    assert (row.name, row.method, row.path) == ("request", method.upper(), "/models/count")


@pytest.mark.parametrize("method", ["HEAD", "TRACE", "", None, 1])
def test_other_methods_are_refused(method: Any) -> None:
    with pytest.raises(ValidationError, match="method must be one of"):
        generic.endpoint(method, "/models")


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("https://evil.example/models", "not a URL"),
        ("//evil.example/models", "not a URL"),
        ("http://127.0.0.1/x", "not a URL"),
        ("/models?x=1", "params="),
        ("/models#top", "params="),
        ("models", "must start with '/'"),
        ("/models list", "must start with '/'"),
        ("/a\r\nHost: evil", "must start with '/'"),
        ("/../admin", "'..'"),
        ("/keys/%2e%2e/x", "'..'"),
        ("/./keys", "'..'"),
        ("", "non-empty"),
        (None, "non-empty"),
    ],
)
def test_paths_stay_under_the_base_url(path: Any, why: str) -> None:
    with pytest.raises(ValidationError, match=why) as info:
        generic.endpoint("GET", path)
    assert info.value.path == "path"


def test_bodies() -> None:
    assert generic.body(None) is None
    assert json.loads(generic.body({"a": [1, "é"]}) or b"") == {"a": [1, "é"]}
    assert json.loads(generic.body(ApiKeyCreate(name="k", limit=5)) or b"") == {
        "name": "k",
        "limit": 5,
    }
    with pytest.raises(ValidationError, match="cannot be sent as JSON"):
        generic.body({"x": float("nan")})
    with pytest.raises(ValidationError, match="cannot be sent as JSON"):
        generic.body({"x": object()})


def test_query_values() -> None:
    assert generic.query(None) is None
    assert generic.query({"a": True, "b": False, "c": 3, "d": "x", "e": None, "f": 0.5}) == {
        "a": "true",
        "b": "false",
        "c": "3",
        "d": "x",
        "f": "0.5",
    }
    with pytest.raises(ValidationError, match="must be a dict"):
        generic.query([("a", "b")])
    with pytest.raises(ValidationError, match="names must be strings"):
        generic.query({1: "x"})
    with pytest.raises(ValidationError, match="string, number or boolean") as info:
        generic.query({"a": [1]})
    assert info.value.path == "params.a"


def test_cast_to_must_be_a_model_class() -> None:
    generic.check_cast(None)
    generic.check_cast(ApiKeyList)
    for bad in (dict, "ApiKeyList", ApiKeyList()):
        with pytest.raises(ValidationError, match="cast_to must be a model class"):
            generic.check_cast(bad)
