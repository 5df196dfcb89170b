"""Prompt token counts: a fast estimate, and the prompt walk any tokenizer can drive.

Owns: ``estimate_text`` (a character-class heuristic, no dependencies, tuned against OpenAI's BPE
tokenizers; see ``benchmarks/tokens.py``), the prompt walk shared by the estimate and the exact
count (per-message overheads as in OpenAI's cookbook, images, files, audio, video, tool calls and
tool definitions), and ``count``: the walk driven by a tokenizer it is given, falling back to the
estimate. Never knows: which tokenizer a model uses or how one is found (``_tokenizers``), HTTP,
clocks, files, the environment. Never raises on odd input: anything it cannot read counts as its
JSON text.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

if TYPE_CHECKING:
    from openrouter_kit._generated.models import Message, ResponseMessage, ToolDefinition

__all__ = [
    "AUDIO_BYTES_PER_TOKEN",
    "FILE_TOKENS",
    "IMAGE_TOKENS_HIGH",
    "IMAGE_TOKENS_LOW",
    "VIDEO_TOKENS",
    "TokenCount",
    "Tokenizer",
    "count",
    "estimate_prompt",
    "estimate_text",
]

# -- the heuristic ---------------------------------------------------------------------------------
# OpenAI's tokenizers first split text into pieces (words with their leading space, runs of up to
# three digits, runs of punctuation, runs of whitespace), then merge bytes inside each piece. The
# estimate counts those pieces with a few C-speed regex passes and weighs them. Weights were fitted
# against o200k_base and cl100k_base (benchmarks/tokens.py reports the error per kind of text).

_PUNCT = r"!-/:-@\[-`{-~"  # ASCII punctuation and symbols
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")  # camelCase splits, as the tokenizers do
_LONG_WORD = re.compile(r"[A-Za-z]{8,}")  # common words are one token up to ~7 letters
_DIGITS = re.compile(r"[0-9]{1,3}")  # numbers are split into groups of up to three digits
_SPACE_DIGIT = re.compile(r"[ \t][0-9]")  # the space before a number is a token of its own
_PUNCT_RUN = re.compile(f"[{_PUNCT}]+")
_PUNCT_WORD = re.compile(f"[{_PUNCT}](?=[A-Za-z])")  # "(self", ".append": often one token
_SPACES = re.compile(r"[ \t]{2,}")  # indentation and alignment: one token per run
_NEWLINES = re.compile(f"(?<![{_PUNCT}\\r\\n])[\\r\\n]+")  # after punctuation they merge into it
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")

_LONG_WORD_LETTER = 0.15  # tokens per letter past the 7th
_PUNCT_EXTRA_CHAR = 0.25  # tokens per punctuation character past the first of a run
_PUNCT_BEFORE_WORD = -0.45  # a punctuation character that merges into the following word

#: Tokens per character by script, between o200k_base (fewer) and cl100k_base (more). Characters
#: matched by none of these (symbols, ZWJ, variation selectors, other scripts) count 1 each.
_SCRIPTS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]"), 0.95),  # Han
    (re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]"), 0.8),  # kana
    (re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]"), 0.85),  # Hangul
    (re.compile(r"[\u3000-\u303f\uff00-\uff65]"), 1.0),  # CJK punctuation, full-width forms
    (re.compile(r"[\u00c0-\u024f\u1e00-\u1eff]"), 0.35),  # accented Latin, inside Latin words
    (re.compile(r"[\u0400-\u052f]"), 0.36),  # Cyrillic
    (re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]"), 0.65),  # Greek
    (re.compile(r"[\u0590-\u06ff\u0750-\u077f]"), 0.6),  # Hebrew, Arabic
    (re.compile(r"[\u0900-\u0e7f]"), 0.7),  # Indic scripts, Thai
    (re.compile(r"[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff]"), 2.2),  # emoji, pictographs
)


def estimate_text(text: str) -> int:
    """An estimate of how many tokens ``text`` is, without any tokenizer.

    Fast (about 10 MB/s of UTF-8 here, whatever the script) and dependency-free. On the benchmark
    corpus the median error against OpenAI's tokenizers is a few percent for English prose,
    source code, JSON and numbers (slightly high rather than low), and about 20% for Chinese,
    Japanese and Korean, which o200k_base packs tighter and cl100k_base looser than this
    estimate. Other model families (Claude, Gemini, Llama, ...) use other tokenizers and can
    differ by some 10-20% more.

    Returns:
        The estimated token count: 0 for an empty string, at least 1 otherwise.
    """
    if not text:
        return 0
    long_letters = _LONG_WORD.findall(text)
    punct = _PUNCT_RUN.findall(text)
    total = (
        len(_WORD.findall(text))
        + _LONG_WORD_LETTER * (sum(map(len, long_letters)) - 7 * len(long_letters))
        + len(_DIGITS.findall(text))
        + len(_SPACE_DIGIT.findall(text))
        + len(punct)
        + _PUNCT_EXTRA_CHAR * (sum(map(len, punct)) - len(punct))
        + _PUNCT_BEFORE_WORD * len(_PUNCT_WORD.findall(text))
        + len(_SPACES.findall(text))
        + len(_NEWLINES.findall(text))
    )
    if not text.isascii():
        rest = "".join(_NON_ASCII.findall(text))
        unmatched = len(rest)
        for pattern, weight in _SCRIPTS:
            found = len(pattern.findall(rest))
            total += weight * found
            unmatched -= found
        total += unmatched
    return max(1, int(total + 0.5))


# -- what a prompt costs beyond its text -----------------------------------------------------------

#: An image part with ``detail: "low"``: OpenAI's flat price for a low-detail image.
IMAGE_TOKENS_LOW = 85
#: An image part with ``detail`` "high", "auto" or missing. The real count depends on the image's
#: size, which the request does not say; this is OpenAI's tile formula for a 1024×1024 image
#: (scaled to 768×768: four 512-pixel tiles × 170 + 85 = 765).
IMAGE_TOKENS_HIGH = 765
#: A file part (usually a PDF) whose text is not known: a guess of about two pages of text.
FILE_TOKENS = 1_000
#: Audio bytes per token: about 10 tokens per second of audio, that is 16 kHz 16-bit mono WAV
#: (32,000 bytes a second) for ``wav``/``pcm``, and 128 kbit/s (16,000 bytes a second) for
#: compressed formats (mp3 and the rest). Bytes are read from the base64 length.
AUDIO_BYTES_PER_TOKEN: Mapping[str, int] = {"wav": 3_200, "pcm16": 3_200, "pcm": 3_200}
_COMPRESSED_AUDIO_BYTES_PER_TOKEN = 1_600
#: A video part: a guess of one minute at Gemini's rate of 263 tokens per second.
VIDEO_TOKENS = 15_780

_TOKENS_PER_MESSAGE = 3  # <|start|>{role}<|message|>...<|end|>, less the role (counted as text)
_TOKENS_PER_NAME = 1
_REPLY_PRIMING = 3  # every reply is primed with <|start|>assistant<|message|>
_TOKENS_PER_TOOL_CALL = 4  # framing of one call in an assistant message (a guess)
_TOKENS_PER_TOOL = 7  # per function definition (OpenAI's cookbook, gpt-4o)
_TOKENS_FOR_TOOLS = 12  # once when there are tools (the same)

_TEXT_FILE_PREFIXES = ("data:text/", "data:application/json", "data:application/xml")

Counter = Callable[[str], int]


def _field(obj: Any, name: str) -> Any:
    """``obj[name]`` for mappings, ``obj.name`` (or its ``extra[name]``) for objects; else None."""
    try:
        if isinstance(obj, Mapping):
            return obj.get(name)
        value = getattr(obj, name, None)
        if value is None:
            extra = getattr(obj, "extra", None)
            if isinstance(extra, Mapping):
                return extra.get(name)
    except Exception:  # a property or __getattr__ that raises: there is nothing to read
        return None
    return value


def _plain(value: Any) -> Any:
    """attrs models as plain dicts (set fields only, ``extra`` merged in), for JSON."""
    if attrs.has(type(value)):
        out: dict[str, Any] = {}
        for a in attrs.fields(type(value)):
            item = getattr(value, a.name)
            if a.name == "extra" and isinstance(item, Mapping):
                out.update({str(k): _plain(v) for k, v in item.items()})
            elif item is not None:
                out[a.name] = _plain(item)
        return out
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _json(value: Any) -> str:
    """``value`` as JSON text; its ``str`` when it cannot be (cycles, very deep nesting)."""
    try:
        return json.dumps(_plain(value), ensure_ascii=False, default=str)
    except (ValueError, TypeError, RecursionError):
        try:
            return str(value)
        except RecursionError:  # too deep even for repr: such a body is refused before sending
            return ""


def _text(value: Any, count: Counter) -> int:
    if value is None:
        return 0
    return count(value if isinstance(value, str) else _json(value))


class _Walk:
    """One walk over a prompt: the token total, and whether any part of it was a guess."""

    __slots__ = ("count", "guessed", "total")

    def __init__(self, count: Counter) -> None:
        self.count = count
        self.total = 0
        self.guessed = False

    def guess(self, tokens: int) -> None:
        self.total += tokens
        self.guessed = True

    def message(self, message: Any) -> None:
        if isinstance(message, str):  # lenient: a bare string is a user message
            message = {"role": "user", "content": message}
        if not isinstance(message, Mapping) and _field(message, "role") is None:
            self.guess(_TOKENS_PER_MESSAGE + self.count(_json(message)))
            return
        self.total += _TOKENS_PER_MESSAGE + _text(_field(message, "role"), self.count)
        name = _field(message, "name")
        if name:
            self.total += _text(name, self.count) + _TOKENS_PER_NAME
        self.content(_field(message, "content"))
        self.total += _text(_field(message, "refusal"), self.count)
        reasoning = _field(message, "reasoning")
        if reasoning:  # whether a provider reads earlier reasoning back is up to the provider
            self.guess(_text(reasoning, self.count))
        calls = _field(message, "tool_calls")
        if isinstance(calls, Sequence) and not isinstance(calls, str):
            for call in calls:
                function = _field(call, "function")
                if function is None:
                    self.guess(_TOKENS_PER_TOOL_CALL + self.count(_json(call)))
                    continue
                name_tokens = _text(_field(function, "name"), self.count)
                args_tokens = _text(_field(function, "arguments"), self.count)
                self.guess(_TOKENS_PER_TOOL_CALL + name_tokens + args_tokens)

    def content(self, content: Any) -> None:
        if content is None:
            return
        if isinstance(content, str):
            self.total += self.count(content)
        elif isinstance(content, Sequence) and not isinstance(content, bytes | bytearray):
            for part in content:
                self.part(part)
        elif isinstance(content, Mapping) or attrs.has(type(content)):
            self.part(content)  # lenient: one part instead of a list of parts
        else:
            self.guess(self.count(_json(content)))

    def part(self, part: Any) -> None:
        if isinstance(part, str):
            self.total += self.count(part)
            return
        kind = _field(part, "type")
        if kind == "text" or (kind is None and isinstance(_field(part, "text"), str)):
            self.total += _text(_field(part, "text"), self.count)
        elif kind == "image_url":
            image = _field(part, "image_url")
            detail = None if isinstance(image, str) else _field(image, "detail")
            self.guess(IMAGE_TOKENS_LOW if detail == "low" else IMAGE_TOKENS_HIGH)
        elif kind == "file":
            self.guess(self.file(_field(part, "file")))
        elif kind == "input_audio":
            self.guess(self.audio(_field(part, "input_audio")))
        elif kind in ("video_url", "input_video"):
            self.guess(VIDEO_TOKENS)
        else:
            self.guess(self.count(_json(part)))

    def file(self, file: Any) -> int:
        data = _field(file, "file_data")
        if isinstance(data, str) and data.startswith(_TEXT_FILE_PREFIXES) and ";base64," in data:
            try:
                text = base64.b64decode(data.split(",", 1)[1]).decode("utf-8")
            except (binascii.Error, ValueError):
                return FILE_TOKENS
            return self.count(text) + _text(_field(file, "filename"), self.count)
        return FILE_TOKENS

    def audio(self, audio: Any) -> int:
        data = _field(audio, "data")
        if not isinstance(data, str):
            return 0
        fmt = _field(audio, "format")
        rate = _COMPRESSED_AUDIO_BYTES_PER_TOKEN
        if isinstance(fmt, str):
            rate = AUDIO_BYTES_PER_TOKEN.get(fmt.lower(), rate)
        size = len(data.rpartition(",")[2].rstrip("=")) * 3 // 4  # bytes; a data: URL works too
        return math.ceil(size / rate)

    def tool(self, tool: Any) -> None:
        function = _field(tool, "function")
        if function is None:  # not a function tool: whatever it is, as JSON
            self.guess(_TOKENS_PER_TOOL + self.count(_json(tool)))
            return
        schema = {
            key: value
            for key in ("name", "description", "parameters")
            if (value := _field(function, key)) is not None
        }
        self.guess(_TOKENS_PER_TOOL + self.count(_json(schema)))


def _walk(messages: Any, tools: Any, count: Counter) -> _Walk:
    walk = _Walk(count)
    if isinstance(messages, Mapping) or attrs.has(type(messages)):
        messages = [messages]  # lenient: one message instead of a list
    if isinstance(messages, Sequence) and not isinstance(messages, str) and messages:
        for message in messages:
            walk.message(message)
        walk.total += _REPLY_PRIMING
    if isinstance(tools, Sequence) and not isinstance(tools, str) and tools:
        for tool in tools:
            walk.tool(tool)
        walk.guess(_TOKENS_FOR_TOOLS)
    return walk


def estimate_prompt(
    messages: Sequence[Message | ResponseMessage | Mapping[str, Any]],
    tools: Sequence[ToolDefinition | Mapping[str, Any]] | None = None,
) -> int:
    """An estimate of the prompt tokens of a chat request, without any tokenizer.

    ``messages`` are ``Message`` objects, OpenAI-style dicts or a reply's messages
    (``ResponseMessage``); ``tools`` are ``ToolDefinition`` objects or dicts. Counted: the
    OpenAI chat framing (3 tokens a message plus its role, 1 more
    for a ``name``, 3 to prime the reply), text content and text parts, the ``name`` and
    ``arguments`` of assistant tool calls, and each function definition (its name, description
    and parameter schema) as JSON text plus a small overhead. Parts with no text count fixed
    guesses: an image ``IMAGE_TOKENS_LOW`` or ``IMAGE_TOKENS_HIGH`` by its ``detail``, a file
    ``FILE_TOKENS`` (or its text, for a base64 ``data:text/...`` URL), audio by its size
    (``AUDIO_BYTES_PER_TOKEN``), a video ``VIDEO_TOKENS``. Unknown parts, messages and tools
    count their JSON text. Never raises.

    Returns:
        The estimated number of prompt tokens (0 for no messages and no tools).
    """
    return _walk(messages, tools, estimate_text).total


# -- counting with a tokenizer ---------------------------------------------------------------------


@attrs.frozen
class TokenCount:
    """The prompt tokens of a request, and how they were counted."""

    #: The number of prompt tokens.
    tokens: int
    #: True only when every part was counted with the model's real tokenizer. Images, files,
    #: audio, video, tool calls and tool definitions are always guesses, so a prompt with any of
    #: them is not exact even when ``method`` names a tokenizer.
    exact: bool
    #: ``"estimate"`` (``estimate_text``), or the tokenizer that counted the text, such as
    #: ``"bpe-openai:o200k_base"``.
    method: str


class Tokenizer(NamedTuple):
    """An exact tokenizer: its count function, and the name ``TokenCount.method`` gives it."""

    count: Counter
    method: str


def count(
    messages: Sequence[Message | ResponseMessage | Mapping[str, Any]],
    tools: Sequence[ToolDefinition | Mapping[str, Any]] | None,
    tokenizer: Tokenizer | None,
) -> TokenCount:
    """The prompt tokens counted with ``tokenizer``, or ``estimate_prompt``'s when there is none
    or it fails on this text (``count_prompt`` describes the result)."""
    if tokenizer is not None:
        try:
            walk = _walk(messages, tools, tokenizer.count)
        except Exception:  # noqa: S110 - a tokenizer that fails on this text: estimate instead
            pass
        else:
            return TokenCount(tokens=walk.total, exact=not walk.guessed, method=tokenizer.method)
    return TokenCount(tokens=estimate_prompt(messages, tools), exact=False, method="estimate")
