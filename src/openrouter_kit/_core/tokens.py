"""Prompt token counts: a fast estimate, and an exact count where the model's tokenizer is here.

Owns: ``estimate_text`` (a character-class heuristic, no dependencies, tuned against OpenAI's BPE
tokenizers; see ``benchmarks/tokens.py``), the prompt walk shared by the estimate and the exact
count (per-message overheads as in OpenAI's cookbook, images, files, audio, video, tool calls and
tool definitions), and the choice of tokenizer for a model id. Never knows: HTTP, clocks, the
network. The optional tokenizers (``tiktoken``, ``bpe-openai``) are imported lazily, inside
``count_prompt``, and only ever used with tables already on disk: ``bpe-openai`` ships its
tables, and ``tiktoken`` is used only when its cache already holds the encoding file with the
right hash, so it can never start a download (and so never hang without a network).
Never raises on odd input: anything it cannot read counts as its JSON text.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import importlib
import importlib.util
import json
import math
import os
import re
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from openrouter_kit._generated.models import Message, ResponseMessage, ToolDefinition

__all__ = [
    "AUDIO_BYTES_PER_TOKEN",
    "FILE_TOKENS",
    "IMAGE_TOKENS_HIGH",
    "IMAGE_TOKENS_LOW",
    "VIDEO_TOKENS",
    "TokenCount",
    "count_prompt",
    "estimate_prompt",
    "estimate_text",
]

# -- the heuristic -------------------------------------------------------------------------------
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
        return str(value)


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


# -- exact counts ---------------------------------------------------------------------------------


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
    #: ``"tiktoken:o200k_base"`` or ``"bpe-openai:cl100k_base"``.
    method: str


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

# tiktoken's download address (its cache key) and the SHA-256 its loader expects.
_TIKTOKEN_FILES = {
    "o200k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
    "cl100k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
}

_BPE_OPENAI_MAX_CHARS = 50_000  # it refuses 1M characters and 200k tokens in one call
_SAFE_CUT = re.compile(r"(?<=\S) (?=[A-Za-z])")  # always a piece boundary in both encodings


def _encoding_for(model: str) -> str | None:
    """The tokenizer encoding of an OpenRouter model id, or None when none is known."""
    if not model.startswith("openai/"):
        return None
    name = model.removeprefix("openai/").lower()
    for prefix, encoding in _ENCODINGS:
        if name.startswith(prefix):
            return encoding
    return None


def _tiktoken_file_cached(encoding: str) -> bool:
    """Whether tiktoken's cache already holds ``encoding``'s file, so loading it stays offline.

    Mirrors ``tiktoken.load.read_file_cached``: the directory comes from ``TIKTOKEN_CACHE_DIR``,
    then ``DATA_GYM_CACHE_DIR``, then ``<tmp>/data-gym-cache``; the file is named by the SHA-1 of
    its address and must match the expected SHA-256 (tiktoken downloads it again otherwise).
    """
    url, sha256 = _TIKTOKEN_FILES[encoding]
    directory = os.environ.get("TIKTOKEN_CACHE_DIR")
    if directory is None:
        directory = os.environ.get("DATA_GYM_CACHE_DIR")
    if directory is None:
        directory = os.path.join(tempfile.gettempdir(), "data-gym-cache")
    if not directory:
        return False  # caching disabled: tiktoken would always download
    path = os.path.join(directory, hashlib.sha1(url.encode(), usedforsecurity=False).hexdigest())
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest() == sha256
    except OSError:
        return False


def _load_tiktoken(encoding: str) -> Counter | None:
    if importlib.util.find_spec("tiktoken") is None or not _tiktoken_file_cached(encoding):
        return None
    enc = importlib.import_module("tiktoken").get_encoding(encoding)

    def count(text: str) -> int:
        return len(enc.encode_ordinary(text))

    return count


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


def _load_bpe_openai(encoding: str) -> Counter | None:
    if importlib.util.find_spec("bpe_openai") is None:
        return None
    enc = importlib.import_module("bpe_openai").get_encoding(encoding)

    def count(text: str) -> int:
        return sum(len(enc.encode_ordinary(piece)) for piece in _pieces(text))

    return count


_LOADERS: tuple[tuple[str, Callable[[str], Counter | None]], ...] = (
    ("tiktoken", _load_tiktoken),
    ("bpe-openai", _load_bpe_openai),
)


@functools.cache
def _tokenizer(encoding: str) -> tuple[Counter, str] | None:
    """The count function for ``encoding`` and its method name, or None when none loads here.

    Loaded once per encoding and process (tables take a fraction of a second to read).
    """
    for package, load in _LOADERS:
        try:
            with warnings.catch_warnings():  # bpe-openai 0.1.4 loads with a DeprecationWarning
                warnings.simplefilter("ignore")
                count = load(encoding)
            if count is not None and count("hello world") == 2:  # the tables are the real ones
                return count, f"{package}:{encoding}"
        except Exception:  # noqa: S112 - an optional tokenizer fails in many ways: try the next
            continue
    return None


def count_prompt(
    messages: Sequence[Message | ResponseMessage | Mapping[str, Any]],
    tools: Sequence[ToolDefinition | Mapping[str, Any]] | None = None,
    model: str | None = None,
) -> TokenCount:
    """The prompt tokens of a chat request: exact where the model's tokenizer is installed.

    For OpenAI models (``openai/gpt-4o``, ``openai/gpt-4.1``, ``openai/gpt-5``, ``openai/o3``, ...:
    ``o200k_base``; ``openai/gpt-4``, ``openai/gpt-3.5-turbo``: ``cl100k_base``) the text is counted
    with ``tiktoken`` when its encoding file is already in its cache, or else with ``bpe-openai``
    when it is installed (it ships both tables; ``pip install bpe-openai``). Neither is a
    dependency of openrouter-kit and neither is ever made to download anything. Message framing
    follows OpenAI's cookbook. Every other model, and any failure of a tokenizer, gets
    ``estimate_prompt``. The parts are counted as ``estimate_prompt`` describes.

    Returns:
        A ``TokenCount``: ``exact`` is True only when everything was counted with the model's
        tokenizer (no images, files, audio, video, tool calls or tools); ``method`` says what
        counted the text.
    """
    encoding = _encoding_for(model) if isinstance(model, str) else None
    tokenizer = _tokenizer(encoding) if encoding else None
    if tokenizer is not None:
        count, method = tokenizer
        try:
            walk = _walk(messages, tools, count)
        except Exception:  # noqa: S110 - a tokenizer that fails on this text: estimate instead
            pass
        else:
            return TokenCount(tokens=walk.total, exact=not walk.guessed, method=method)
    return TokenCount(tokens=estimate_prompt(messages, tools), exact=False, method="estimate")
