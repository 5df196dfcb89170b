"""Prompt token counts: a fast estimate, a bound no text can beat, and the prompt walk any
tokenizer can drive.

Owns: ``estimate_text`` (a character-class heuristic, no dependencies, tuned against OpenAI's BPE
tokenizers; see ``benchmarks/tokens.py``), ``bound_text`` and ``bound_prompt`` (what a budget
holds: UTF-8 bytes, generous framing, and stated allowances for media), the prompt walk shared by
the estimate, the bound and the exact count (per-message overheads as in OpenAI's cookbook,
images, files, audio, video, tool calls and tool definitions), and ``count``: the walk driven by a
tokenizer it is given, falling back to the estimate. Never knows: which tokenizer a model uses or
how one is found (``_tokenizers``), HTTP, clocks, files, the environment. Never raises on odd
input: anything it cannot read counts as its JSON text.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

if TYPE_CHECKING:
    from openrouter_kit._generated.models import Message, ResponseMessage, ToolDefinition

__all__ = [
    "AUDIO_BYTES_PER_TOKEN",
    "AUDIO_BYTES_PER_TOKEN_BOUND",
    "FILE_TOKENS",
    "FILE_TOKENS_BOUND",
    "IMAGE_TOKENS_BOUND",
    "IMAGE_TOKENS_HIGH",
    "IMAGE_TOKENS_LOW",
    "VIDEO_TOKENS",
    "TokenCount",
    "Tokenizer",
    "bound_embedding_input",
    "bound_prompt",
    "bound_rerank",
    "bound_text",
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
#: A video part: a guess of one minute at Gemini's rate of 263 tokens per second.
VIDEO_TOKENS = 15_780

_TOKENS_PER_MESSAGE = 3  # <|start|>{role}<|message|>...<|end|>, less the role (counted as text)
_TOKENS_PER_NAME = 1
_REPLY_PRIMING = 3  # every reply is primed with <|start|>assistant<|message|>
_TOKENS_PER_TOOL_CALL = 4  # framing of one call in an assistant message (a guess)
_TOKENS_PER_TOOL = 7  # per function definition (OpenAI's cookbook, gpt-4o)
_TOKENS_FOR_TOOLS = 12  # once when there are tools (the same)

# -- the bound: what a budget holds ---------------------------------------------------------------
# Every tokenizer in use splits the (possibly normalised) UTF-8 text into pieces of at least one
# byte: byte-level BPE (OpenAI, Llama 3, Qwen, DeepSeek, Mistral's Tekken) and SentencePiece with
# byte fallback (Gemini, Gemma, Llama 2) alike. So a text is at most as many tokens as its UTF-8
# bytes, or as the bytes of its NFKD form (the longest normalisation: U+FDFA alone becomes 18
# characters), plus framing: chat templates add a few special tokens a message, a default system
# prompt, and instructions when there are tools.

#: Image parts: the largest per-image count of the providers' formulas we know (Qwen-VL's cap of
#: 16,384 tokens; OpenAI's tiles stay under 1,500 and patches under 3,800, Anthropic's around
#: 1,600, Gemini's tiles around 4,400). An allowance by formula, not a proof: an image's tokens
#: depend on its pixels and the model, which the request does not say.
IMAGE_TOKENS_BOUND = 16_384
#: A file part that is not a base64 text file (a PDF): a fixed allowance of about twenty pages,
#: not a bound (a PDF's text is compressed; its size says little about its tokens).
FILE_TOKENS_BOUND = 10_000
#: Audio bytes per token at most: 32 tokens a second (Gemini's rate, the highest we know) of
#: audio compressed to 4 kbit/s (512 bytes a second).
AUDIO_BYTES_PER_TOKEN_BOUND = 16


class _Allowances(NamedTuple):
    """What the walk counts for what is not text, or not only text."""

    per_message: int
    per_name: int
    priming: int
    per_tool_call: int
    per_tool: int
    for_tools: int
    #: Tool definitions and the response format's schema count this many times their text
    #: (providers render them in their own syntax, with instructions).
    schema_factor: int
    #: Once for a ``response_format`` (structured-output instructions).
    for_format: int
    image_low: int
    image_high: int
    file: int
    video: int
    #: Audio bytes per token for ``wav``/``pcm``, and for the other (compressed) formats.
    audio_raw: int
    audio_compressed: int


#: The estimate's allowances: OpenAI's framing, and typical media (see the constants above).
_ESTIMATE = _Allowances(
    per_message=_TOKENS_PER_MESSAGE,
    per_name=_TOKENS_PER_NAME,
    priming=_REPLY_PRIMING,
    per_tool_call=_TOKENS_PER_TOOL_CALL,
    per_tool=_TOKENS_PER_TOOL,
    for_tools=_TOKENS_FOR_TOOLS,
    schema_factor=1,
    for_format=0,
    image_low=IMAGE_TOKENS_LOW,
    image_high=IMAGE_TOKENS_HIGH,
    file=FILE_TOKENS,
    video=VIDEO_TOKENS,
    audio_raw=AUDIO_BYTES_PER_TOKEN["wav"],
    audio_compressed=1_600,
)
#: The bound's allowances: generous framing (special tokens of any template, a default system
#: prompt of up to 64 tokens, up to 512 tokens of tool-use instructions), schemas twice their
#: JSON, and the media allowances above.
_BOUND = _Allowances(
    per_message=16,
    per_name=8,
    priming=64,
    per_tool_call=16,
    per_tool=32,
    for_tools=512,
    schema_factor=2,
    for_format=64,
    image_low=IMAGE_TOKENS_BOUND,
    image_high=IMAGE_TOKENS_BOUND,
    file=FILE_TOKENS_BOUND,
    video=VIDEO_TOKENS,
    audio_raw=AUDIO_BYTES_PER_TOKEN_BOUND,
    audio_compressed=AUDIO_BYTES_PER_TOKEN_BOUND,
)

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

    __slots__ = ("allow", "count", "guessed", "total")

    def __init__(self, count: Counter, allow: _Allowances = _ESTIMATE) -> None:
        self.count = count
        self.allow = allow
        self.total = 0
        self.guessed = False

    def guess(self, tokens: int) -> None:
        self.total += tokens
        self.guessed = True

    def message(self, message: Any) -> None:
        if isinstance(message, str):  # lenient: a bare string is a user message
            message = {"role": "user", "content": message}
        allow = self.allow
        if not isinstance(message, Mapping) and _field(message, "role") is None:
            self.guess(allow.per_message + self.count(_json(message)))
            return
        self.total += allow.per_message + _text(_field(message, "role"), self.count)
        name = _field(message, "name")
        if name:
            self.total += _text(name, self.count) + allow.per_name
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
                    self.guess(allow.per_tool_call + self.count(_json(call)))
                    continue
                name_tokens = _text(_field(function, "name"), self.count)
                args_tokens = _text(_field(function, "arguments"), self.count)
                self.guess(allow.per_tool_call + name_tokens + args_tokens)

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
            self.guess(self.allow.image_low if detail == "low" else self.allow.image_high)
        elif kind == "file":
            self.guess(self.file(_field(part, "file")))
        elif kind == "input_audio":
            self.guess(self.audio(_field(part, "input_audio")))
        elif kind in ("video_url", "input_video"):
            self.guess(self.allow.video)
        else:
            self.guess(self.count(_json(part)))

    def file(self, file: Any) -> int:
        data = _field(file, "file_data")
        if isinstance(data, str) and data.startswith(_TEXT_FILE_PREFIXES) and ";base64," in data:
            try:
                text = base64.b64decode(data.split(",", 1)[1]).decode("utf-8")
            except (binascii.Error, ValueError):
                return self.allow.file
            return self.count(text) + _text(_field(file, "filename"), self.count)
        return self.allow.file

    def audio(self, audio: Any) -> int:
        data = _field(audio, "data")
        if not isinstance(data, str):
            return 0
        fmt = _field(audio, "format")
        rate = self.allow.audio_compressed
        if isinstance(fmt, str) and fmt.lower() in AUDIO_BYTES_PER_TOKEN:
            rate = self.allow.audio_raw
        size = len(data.rpartition(",")[2].rstrip("=")) * 3 // 4  # bytes; a data: URL works too
        return math.ceil(size / rate)

    def tool(self, tool: Any) -> None:
        function = _field(tool, "function")
        allow = self.allow
        if function is None:  # not a function tool: whatever it is, as JSON
            self.guess(allow.per_tool + allow.schema_factor * self.count(_json(tool)))
            return
        schema = {
            key: value
            for key in ("name", "description", "parameters")
            if (value := _field(function, key)) is not None
        }
        self.guess(allow.per_tool + allow.schema_factor * self.count(_json(schema)))


def _walk(messages: Any, tools: Any, count: Counter, allow: _Allowances = _ESTIMATE) -> _Walk:
    walk = _Walk(count, allow)
    if isinstance(messages, Mapping) or attrs.has(type(messages)):
        messages = [messages]  # lenient: one message instead of a list
    if isinstance(messages, Sequence) and not isinstance(messages, str) and messages:
        for message in messages:
            walk.message(message)
        walk.total += allow.priming
    if isinstance(tools, Sequence) and not isinstance(tools, str) and tools:
        for tool in tools:
            walk.tool(tool)
        walk.guess(allow.for_tools)
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


def bound_text(text: str) -> int:
    """The most tokens ``text`` can be for any tokenizer in use: its UTF-8 bytes, or those of
    its NFKD form when that is longer (a tokenizer may normalise first). ASCII text, unchanged by
    every normalisation, is as many tokens at most as it has characters."""
    if text.isascii():
        return len(text)
    raw = len(text.encode("utf-8", "surrogatepass"))
    decomposed = unicodedata.normalize("NFKD", text)
    return max(raw, len(decomposed.encode("utf-8", "surrogatepass")))


def bound_prompt(
    messages: Sequence[Message | ResponseMessage | Mapping[str, Any]],
    tools: Sequence[ToolDefinition | Mapping[str, Any]] | None = None,
    response_format: Any = None,
) -> int:
    """The most prompt tokens a chat request can be: what a budget holds for it.

    The same walk as ``estimate_prompt``, but no text can beat it: every text (message content
    and text parts, roles, names, tool calls, base64 text files) counts ``bound_text`` (its
    UTF-8 bytes), each message 16 tokens of framing and each request 64 (special tokens, a
    default system prompt), tool definitions and the ``response_format`` schema twice their JSON
    text plus 32 tokens a tool, 512 once for tools and 64 for a format. Media count stated
    allowances: an image ``IMAGE_TOKENS_BOUND`` (the largest per-image formula we know), audio
    one token per ``AUDIO_BYTES_PER_TOKEN_BOUND`` bytes (a bound for 32 tokens a second at 4
    kbit/s); a file that is not base64 text (a PDF) ``FILE_TOKENS_BOUND`` and a video
    ``VIDEO_TOKENS``, which are not bounds: their tokens cannot be told from the request. What
    the server adds itself (web search results, parsed files, server tools) is not counted.
    About four times the real count for English text; for display use ``estimate_prompt``.
    Never raises.
    """
    walk = _walk(messages, tools, bound_text, _BOUND)
    if response_format is not None:
        walk.guess(_BOUND.for_format + _BOUND.schema_factor * bound_text(_json(response_format)))
    return walk.total


#: Framing a bound allows for each input of an embeddings request and each document of a rerank
#: request (special tokens around it).
_TOKENS_PER_INPUT_BOUND = 16


def bound_embedding_input(value: Any) -> int:
    """The most prompt tokens an embeddings request's ``input`` can count: what a budget holds
    for it (the model's prompt price applies to them, nothing is generated).

    A text counts ``bound_text``, a list of token ids its length, a multimodal input
    (``{"content": [parts]}``) what ``bound_prompt`` counts for a message of those parts; each
    input 16 tokens more. Never raises (anything else counts its JSON text).
    """
    items = [value] if isinstance(value, str) else _plain(value)
    if not isinstance(items, list):
        return bound_text(_json(items))
    if items and all(type(item) is int for item in items):  # one list of token ids
        return len(items) + _TOKENS_PER_INPUT_BOUND
    total = 0
    for item in items:
        if isinstance(item, str):
            total += bound_text(item)
        elif isinstance(item, list):
            total += len(item)
        elif isinstance(item, Mapping) and isinstance(item.get("content"), list):
            total += bound_prompt([{"role": "user", "content": item["content"]}])
        else:
            total += bound_text(_json(item))
        total += _TOKENS_PER_INPUT_BOUND
    return total


def bound_rerank(query: str, documents: Sequence[Any]) -> int:
    """The most tokens a rerank request can count: the query once with each document (text at
    ``bound_text``, an image at ``IMAGE_TOKENS_BOUND``), 16 tokens of framing each. Never
    raises."""
    asked = bound_text(query) if isinstance(query, str) else 0
    total = 0
    for document in _plain(documents) if documents is not None else ():
        total += asked + _TOKENS_PER_INPUT_BOUND
        if isinstance(document, str):
            total += bound_text(document)
        elif isinstance(document, Mapping):
            text, image = document.get("text"), document.get("image")
            total += bound_text(text) if isinstance(text, str) else 0
            total += IMAGE_TOKENS_BOUND if image else 0
    return total


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
