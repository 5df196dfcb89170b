"""Routing variants: the ``:suffix`` of a model id."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openrouter_kit import RouteVariant, apply_variant, errors, split_variant

BASE = "openai/gpt-4o"
SUFFIXED = [v for v in RouteVariant if v.value]


@pytest.mark.parametrize("variant", SUFFIXED, ids=str)
def test_apply_variant_from_the_enum(variant: RouteVariant) -> None:
    assert apply_variant(BASE, variant) == f"{BASE}:{variant.value}"


@pytest.mark.parametrize("variant", SUFFIXED, ids=str)
@pytest.mark.parametrize(
    "spell", [str.lower, str.upper, str.title], ids=["lower", "upper", "title"]
)
@pytest.mark.parametrize("colon", ["", ":"], ids=["bare", "colon"])
def test_apply_variant_from_a_string_in_any_case(
    variant: RouteVariant, spell: Callable[[str], str], colon: str
) -> None:
    text = colon + spell(variant.value)
    assert apply_variant(BASE, text) == f"{BASE}:{variant.value}"


@pytest.mark.parametrize("variant", list(RouteVariant), ids=lambda v: v.value or "default")
def test_apply_variant_is_idempotent(variant: RouteVariant) -> None:
    once = apply_variant(BASE, variant)
    assert apply_variant(once, variant) == once


def test_a_new_variant_replaces_the_old_one() -> None:
    assert apply_variant("openai/gpt-4o:nitro", "floor") == "openai/gpt-4o:floor"
    assert apply_variant("openai/gpt-4o:NITRO", RouteVariant.THINKING) == "openai/gpt-4o:thinking"


@pytest.mark.parametrize("default", [RouteVariant.DEFAULT, "", ":"])
def test_default_strips_the_suffix(default: RouteVariant | str) -> None:
    assert apply_variant("openai/gpt-4o:nitro", default) == BASE
    assert apply_variant(BASE, default) == BASE


def test_surrounding_whitespace_of_the_id_is_dropped() -> None:
    assert apply_variant("  openai/gpt-4o \n", "nitro") == "openai/gpt-4o:nitro"


def test_an_undocumented_suffix_is_kept_as_part_of_the_id() -> None:
    assert apply_variant("acme/model:beta", "nitro") == "acme/model:beta:nitro"


def test_unknown_variant_is_refused_and_the_known_ones_listed() -> None:
    with pytest.raises(errors.ValidationError, match="unknown routing variant") as info:
        apply_variant(BASE, "turbo")
    message = str(info.value)
    assert "turbo" in message
    for variant in SUFFIXED:
        assert variant.value in message


@pytest.mark.parametrize("model_id", ["", "   ", None])
def test_an_empty_id_is_refused(model_id: str | None) -> None:
    with pytest.raises(errors.ValidationError, match="model_id"):
        apply_variant(model_id, "nitro")  # type: ignore[arg-type]


def test_validation_errors_are_value_errors() -> None:
    with pytest.raises(ValueError, match="unknown routing variant"):
        apply_variant(BASE, "turbo")


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [
        ("openai/gpt-4o", ("openai/gpt-4o", RouteVariant.DEFAULT)),
        ("openai/gpt-4o:nitro", ("openai/gpt-4o", RouteVariant.NITRO)),
        ("openai/gpt-4o:Floor", ("openai/gpt-4o", RouteVariant.FLOOR)),
        ("deepseek/deepseek-r1:free", ("deepseek/deepseek-r1", RouteVariant.FREE)),
        ("acme/model:beta", ("acme/model:beta", RouteVariant.DEFAULT)),
        ("acme/model:beta:exacto", ("acme/model:beta", RouteVariant.EXACTO)),
        (":nitro", (":nitro", RouteVariant.DEFAULT)),
    ],
)
def test_split_variant(model_id: str, expected: tuple[str, RouteVariant]) -> None:
    assert split_variant(model_id) == expected


def test_split_variant_returns_the_enum() -> None:
    _, variant = split_variant("openai/gpt-4o:online")
    assert variant is RouteVariant.ONLINE
    wire: str = "online"
    assert variant == wire


_base_ids = st.from_regex(r"[a-z0-9-]+/[a-z0-9.-]+", fullmatch=True)
_variants = st.sampled_from(list(RouteVariant))


@settings(database=None, max_examples=300)
@given(x=_base_ids, a=_variants, b=_variants)
def test_applying_a_variant_replaces_any_earlier_one(
    x: str, a: RouteVariant, b: RouteVariant
) -> None:
    assert apply_variant(apply_variant(x, a), b) == apply_variant(x, b)
    assert split_variant(apply_variant(x, a)) == (x, a)
