"""The one home of key masking: what looks like a key, and how text, JSON and headers are masked."""

from __future__ import annotations

from openrouter_kit._core.redact import mask_headers, redact, redact_all

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
