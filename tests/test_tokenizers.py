"""Exact token counts: which model gets which tokenizer, the real tables, ``count_prompt``."""

from __future__ import annotations

import base64
import random
import string
import sys
from typing import Any

import pytest

from openrouter_kit import TokenCount, count_prompt, estimate_prompt
from openrouter_kit import _tokenizers as tokenizers
from openrouter_kit._core.tokens import bound_prompt, bound_text, count
from tests.core.test_tokens import (
    ADVERSARIAL,
    CONVERSATION,
    COOKBOOK,
    CORPUS,
    WEATHER_TOOL,
    _user,
)


def _tokenizer_or_skip(encoding: str) -> tuple[Any, str]:
    loaded = tokenizers.tokenizer(encoding)
    if loaded is None:
        pytest.skip(
            f"no offline tokenizer for {encoding}: install the tokens extra "
            "(pip install bpe-openai)"
        )
    return loaded


@pytest.mark.parametrize("encoding", ["o200k_base", "cl100k_base"])
def test_corpus_counts_match_the_real_tokenizer(encoding: str) -> None:
    count, _ = _tokenizer_or_skip(encoding)
    column = 1 if encoding == "o200k_base" else 2
    for samples in CORPUS.values():
        for sample in samples:
            assert count(sample[0]) == sample[column], sample[0][:30]


# -- count_prompt ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", [None, "anthropic/claude-sonnet-4", "google/gemini-2.5-pro", "openai/gpt-oss-120b"]
)
def test_other_models_get_the_estimate(model: str | None) -> None:
    counted = count_prompt(COOKBOOK, model=model)
    assert counted == TokenCount(tokens=estimate_prompt(COOKBOOK), exact=False, method="estimate")


@pytest.mark.parametrize(
    ("model", "encoding", "api_count"),
    [
        ("openai/gpt-4o", "o200k_base", 124),
        ("openai/gpt-4o-mini", "o200k_base", 124),
        ("openai/gpt-4", "cl100k_base", 129),
        ("openai/gpt-3.5-turbo", "cl100k_base", 129),
    ],
)
def test_exact_count_matches_what_the_api_reported(
    model: str, encoding: str, api_count: int
) -> None:
    _, method = _tokenizer_or_skip(encoding)
    counted = count_prompt(COOKBOOK, model=model)
    assert counted == TokenCount(tokens=api_count, exact=True, method=method)
    assert method.endswith(f":{encoding}")
    # the estimate, for comparison, is close and not below
    assert api_count <= estimate_prompt(COOKBOOK) <= 1.15 * api_count


def test_guessed_parts_are_never_exact() -> None:
    _tokenizer_or_skip("o200k_base")
    assert count_prompt(_user("Hi"), model="openai/gpt-4.1").exact
    counted = count_prompt(CONVERSATION, model="openai/gpt-4.1")  # an image and a tool call
    assert not counted.exact
    assert counted.method.endswith(":o200k_base")
    assert not count_prompt(_user("Hi"), [WEATHER_TOOL], model="openai/gpt-4.1").exact


@pytest.mark.parametrize(
    ("model", "encoding"),
    [
        ("openai/gpt-4o-2024-08-06", "o200k_base"),
        ("openai/chatgpt-4o-latest", "o200k_base"),
        ("openai/gpt-4.1-nano", "o200k_base"),
        ("openai/gpt-5-mini", "o200k_base"),
        ("openai/o1-pro", "o200k_base"),
        ("openai/o3-mini", "o200k_base"),
        ("openai/o4-mini-high", "o200k_base"),
        ("openai/gpt-4-turbo", "cl100k_base"),
        ("openai/gpt-3.5-turbo-0613", "cl100k_base"),
        ("openai/gpt-oss-20b", None),
        ("meta-llama/llama-3.1-8b-instruct", None),
        ("gpt-4o", None),  # OpenRouter ids always name the vendor
    ],
)
def test_which_tokenizer_a_model_gets(model: str, encoding: str | None) -> None:
    assert tokenizers.encoding_for(model) == encoding


def test_long_texts_are_counted_in_exact_pieces() -> None:
    count, _ = _tokenizer_or_skip("o200k_base")
    text = " ".join(sample for samples in CORPUS.values() for sample, _, _ in samples[:2])
    long = (text + "\n") * (2 * tokenizers._BPE_OPENAI_MAX_CHARS // len(text))
    pieces = list(tokenizers._pieces(long))
    assert len(pieces) >= 2
    assert "".join(pieces) == long
    assert all(len(piece) <= tokenizers._BPE_OPENAI_MAX_CHARS for piece in pieces)
    assert sum(count(piece) for piece in pieces) == count(long)


def test_without_bpe_openai_the_count_is_the_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "bpe_openai", None)  # makes the import raise ImportError
    monkeypatch.setattr(tokenizers, "tokenizer", tokenizers.tokenizer.__wrapped__)  # no cache
    assert tokenizers.tokenizer("o200k_base") is None
    counted = count_prompt(COOKBOOK, model="openai/gpt-4o")
    assert counted == TokenCount(tokens=estimate_prompt(COOKBOOK), exact=False, method="estimate")


# -- the bound a budget holds (issue 14, F4) -------------------------------------------------------
def _adversarial() -> dict[str, str]:
    rng = random.Random(0)

    def pick(low: int, high: int, n: int) -> str:
        return "".join(chr(rng.randrange(low, high)) for _ in range(n))

    zalgo = "".join("a" + pick(0x300, 0x36F, 8) for _ in range(100))
    return {
        **ADVERSARIAL,
        "random punctuation": "".join(rng.choice(string.punctuation) for _ in range(800)),
        "random CJK Extension B": pick(0x20000, 0x2A6DF, 400),
        "random emoji": pick(0x1F300, 0x1FAFF, 400),
        "random BMP": pick(0x100, 0xD7FF, 400),
        "random bytes as latin-1": bytes(rng.randrange(256) for _ in range(800)).decode("latin-1"),
        "zalgo": zalgo,
        "spaced digits": " ".join(rng.choice(string.digits) for _ in range(500)),
        "base64": base64.b64encode(rng.randbytes(600)).decode(),
    }


@pytest.mark.parametrize("encoding", ["o200k_base", "cl100k_base"])
def test_no_text_beats_the_bound(encoding: str) -> None:
    """The estimate can be a quarter of the real count on such text; the bound never is less."""
    tokenizer = _tokenizer_or_skip(encoding)
    for name, text in _adversarial().items():
        messages = _user(text)
        real = count(messages, None, tokenizer).tokens
        assert bound_prompt(messages) >= real, name
        assert bound_text(text) >= tokenizer.count(text), name
