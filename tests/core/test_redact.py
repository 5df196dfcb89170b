"""The one home of key masking: what looks like a key, and how text, JSON and headers are masked."""

from __future__ import annotations

from typing import Any

import attrs

from openrouter_kit._core.redact import mask_headers, redact, redact_all, redact_model

KEY = "sk-or-v1-" + "ab12" * 16


def test_a_named_secret_and_anything_key_shaped_are_masked() -> None:
    text = f"bad key {KEY}; management key mgmt-secret-123; openai sk-proj-abcdefgh"
    shown = redact(text, None, "mgmt-secret-123")
    assert shown == "bad key sk-***; management key ***; openai sk-***"


def test_short_secrets_do_not_garble_text() -> None:
    assert redact("a cat sat", "at") == "a cat sat"


def test_nested_json_values_and_keys_are_masked_and_copied() -> None:
    value = {KEY: [KEY, ("x", KEY)], "n": 1}
    masked = redact_all(value, KEY)
    assert masked == {"***": ["***", ("x", "***")], "n": 1}
    assert value[KEY] == [KEY, ("x", KEY)]  # the original is untouched


def test_secret_headers_are_masked_whatever_their_case() -> None:
    headers = [("Authorization", f"Bearer {KEY}"), ("COOKIE", "c"), ("Accept", "*/*")]
    assert mask_headers(headers) == [("Authorization", "***"), ("COOKIE", "***"), ("Accept", "*/*")]


def test_words_ending_in_sk_are_not_keys() -> None:
    text = "risk-assessment and task-manager-v2 use gpt-4o"
    assert redact(text) == text


def test_a_secret_inside_a_longer_one_never_leaves_part_of_it_shown() -> None:
    assert redact("token abcdefgh", "abcd", "abcdefgh") == "token ***"


@attrs.define
class _Inner:
    text: str
    extra: dict[str, Any] = attrs.Factory(dict)


@attrs.frozen
class _Outer:
    id: str
    items: list[_Inner]
    pair: tuple[str, int]
    count: int = 3
    nothing: None = None


def test_a_model_is_masked_in_place_through_its_fields_lists_and_dicts() -> None:
    inner = _Inner(f"echo {KEY}", {"k": [f"x {KEY}"], KEY: 1})
    shared = [inner]
    outer = _Outer(f"gen-{KEY}", shared, (f"sk-{'z' * 12}", 7))
    assert redact_model(outer, KEY) is outer  # frozen classes too
    assert outer.id == "gen-***"
    assert inner.text == "echo ***"
    assert inner.extra == {"k": ["x ***"], "***": 1}
    assert outer.pair == ("sk-***", 7)
    assert type(outer.pair) is tuple
    assert (outer.count, outer.nothing) == (3, None)
    assert outer.items is not shared  # containers are copied, never changed in place
    assert KEY not in repr(outer)
    assert redact_model(f"a {KEY}", KEY) == "a ***"
    assert redact_model(5, KEY) == 5
