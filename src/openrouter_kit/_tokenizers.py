"""Exact prompt token counts: which tokenizer an OpenRouter model uses, and loading it.

Owns: the model id -> encoding table, loading ``bpe-openai`` (the ``tokens`` extra) once per
encoding and process, and ``count_prompt``. Never knows: how a prompt is walked or estimated
(``_core.tokens``). ``bpe-openai`` ships OpenAI's tables inside its wheel, so a count never starts
a download and never hangs without a network. ``tiktoken`` is not used: it downloads its tables
on first use, and the counts are the same (the tables are the same files, with the same SHA-256).
"""

from __future__ import annotations

import functools
import importlib
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from openrouter_kit._core.tokens import Counter, TokenCount, Tokenizer, count

if TYPE_CHECKING:
    from openrouter_kit._generated.models import Message, ResponseMessage, ToolDefinition

__all__ = ["count_prompt", "encoding_for", "tokenizer"]

# Model ids after "openai/", by prefix; the first match wins.
_ENCODINGS: tuple[tuple[str, str], ...] = (
    ("gpt-4o", "o200k_base"),
    ("chatgpt-4o", "o200k_base"),
    ("gpt-4.1", "o200k_base"),
    ("gpt-4.5", "o200k_base"),
    ("gpt-5", "o200k_base"),
    ("o1", "o200k_base"),
    ("o3", "o200k_base"),
    ("o4", "o200k_base"),
    ("codex", "o200k_base"),
    ("gpt-4", "cl100k_base"),
    ("gpt-3.5", "cl100k_base"),
)

_BPE_OPENAI_MAX_CHARS = 50_000  # it refuses 1M characters and 200k tokens in one call
_SAFE_CUT = re.compile(r"(?<=\S) (?=[A-Za-z])")  # always a piece boundary in both encodings


def encoding_for(model: str) -> str | None:
    """The tokenizer encoding of an OpenRouter model id, or None when none is known."""
    if not model.startswith("openai/"):
        return None
    name = model.removeprefix("openai/").lower()
    for prefix, encoding in _ENCODINGS:
        if name.startswith(prefix):
            return encoding
    return None


def _pieces(text: str) -> Iterator[str]:
    """``text`` in pieces of at most ``_BPE_OPENAI_MAX_CHARS``, cut where the count is unchanged."""
    start, size = 0, _BPE_OPENAI_MAX_CHARS
    while len(text) - start > size:
        end = start + size
        cut = end  # no safe place: the count may be off by a token here
        for match in _SAFE_CUT.finditer(text, end - size // 10, end):
            cut = match.start()
        yield text[start:cut]
        start = cut
    yield text[start:]


def _load_bpe_openai(encoding: str) -> Counter:
    # importlib rather than an import statement: bpe-openai is optional and has no type hints.
    enc = importlib.import_module("bpe_openai").get_encoding(encoding)

    def count_text(text: str) -> int:
        return sum(len(enc.encode_ordinary(piece)) for piece in _pieces(text))

    return count_text


@functools.cache
def tokenizer(encoding: str) -> Tokenizer | None:
    """The tokenizer of ``encoding``, or None when it is not installed or does not load here.

    Loaded once per encoding and process (the tables take a fraction of a second to read).
    """
    try:
        with warnings.catch_warnings():  # bpe-openai 0.1.4 loads with a DeprecationWarning
            warnings.simplefilter("ignore")
            count_text = _load_bpe_openai(encoding)
        if count_text("hello world") == 2:  # the tables are the real ones
            return Tokenizer(count_text, f"bpe-openai:{encoding}")
    except Exception:  # noqa: S110 - not installed, or broken in one of many ways: estimate
        pass
    return None


def count_prompt(
    messages: Sequence[Message | ResponseMessage | Mapping[str, Any]],
    tools: Sequence[ToolDefinition | Mapping[str, Any]] | None = None,
    model: str | None = None,
) -> TokenCount:
    """The prompt tokens of a chat request: exact where the model's tokenizer is installed.

    For OpenAI models (``openai/gpt-4o``, ``openai/gpt-4.1``, ``openai/gpt-5``, ``openai/o3``, ...:
    ``o200k_base``; ``openai/gpt-4``, ``openai/gpt-3.5-turbo``: ``cl100k_base``) the text is counted
    with ``bpe-openai`` when it is installed (the ``tokens`` extra:
    ``pip install 'openrouter-kit[tokens]'``; it ships both tables and never downloads anything).
    Message framing follows OpenAI's cookbook. Every other model, and any failure of the
    tokenizer, gets ``estimate_prompt``. The parts are counted as ``estimate_prompt`` describes.

    Returns:
        A ``TokenCount``: ``exact`` is True only when everything was counted with the model's
        tokenizer (no images, files, audio, video, tool calls or tools); ``method`` says what
        counted the text.
    """
    encoding = encoding_for(model) if isinstance(model, str) else None
    return count(messages, tools, tokenizer(encoding) if encoding else None)
