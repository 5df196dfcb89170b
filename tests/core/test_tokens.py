"""Prompt token counts: the estimate's accuracy and behaviour, prompt parts, counting with a
tokenizer (``tests/test_tokenizers.py`` tests finding the real ones)."""

from __future__ import annotations

import base64
import itertools
import json
import unicodedata
from typing import Any

import pytest

from openrouter_kit import Message, ToolDefinition, count_prompt
from openrouter_kit._core.convert import structure_input
from openrouter_kit._core.tokens import (
    AUDIO_BYTES_PER_TOKEN_BOUND,
    FILE_TOKENS,
    FILE_TOKENS_BOUND,
    IMAGE_TOKENS_BOUND,
    IMAGE_TOKENS_HIGH,
    IMAGE_TOKENS_LOW,
    VIDEO_TOKENS,
    TokenCount,
    Tokenizer,
    bound_prompt,
    bound_text,
    count,
    estimate_prompt,
    estimate_text,
)

# Counted with o200k_base and cl100k_base (bpe-openai 0.1.4, identical to tiktoken's tables).
CORPUS: dict[str, list[tuple[str, int, int]]] = {
    "english": [
        (
            "The museum opens at nine on weekdays and at ten on weekends. Tickets can be bought "
            "at the door or online, and children under twelve enter for free when accompanied by "
            "an adult.",
            36,
            36,
        ),
        (
            "Good software is built in small steps: write a failing test, make it pass, then "
            "clean up. Repeat until the feature is done, and resist the temptation to skip the "
            "last step.",
            38,
            38,
        ),
        ("Please translate the following sentence into French and explain any idioms you keep.",
         15, 15),
    ],
    "code": [
        (
            'def fibonacci(n: int) -> list[int]:\n    """The first n Fibonacci numbers."""\n'
            "    numbers = [0, 1]\n    while len(numbers) < n:\n"
            "        numbers.append(numbers[-1] + numbers[-2])\n    return numbers[:n]\n",
            53,
            53,
        ),
        (
            "export async function retry(fn, attempts = 3) {\n"
            "  for (let i = 0; i < attempts; i++) {\n"
            "    try {\n      return await fn();\n    } catch (err) {\n"
            "      if (i === attempts - 1) throw err;\n    }\n  }\n}\n",
            61,
            61,
        ),
    ],
    "json": [
        (
            '{"id": "gen-123", "model": "openai/gpt-4o", "choices": [{"index": 0, "message": '
            '{"role": "assistant", "content": "Hello!"}, "finish_reason": "stop"}], '
            '"usage": {"prompt_tokens": 12, "completion_tokens": 2, "total_tokens": 14}}',
            77,
            77,
        ),
        (
            '{\n  "name": "get_weather",\n  "parameters": {\n    "type": "object",\n'
            '    "properties": {\n      "city": {"type": "string"}\n    },\n'
            '    "required": ["city"]\n  }\n}',
            48,
            48,
        ),
    ],
    "cjk": [
        ("我们明天早上八点在火车站见面，然后一起去博物馆参观。", 22, 30),
        ("この本はとても面白いので、ぜひ読んでみてください。", 18, 24),
        ("내일 아침에 같이 도서관에 가서 공부할까요?", 16, 24),
    ],
}  # fmt: skip
TOLERANCE = {"english": 0.10, "code": 0.15, "json": 0.10}

# OpenAI's cookbook example ("How to count tokens with tiktoken"): the API reported 124 prompt
# tokens for gpt-4o and gpt-4o-mini, and 129 for gpt-4 and gpt-3.5-turbo.
COOKBOOK = [
    {
        "role": "system",
        "content": "You are a helpful, pattern-following assistant that translates corporate "
        "jargon into plain English.",
    },
    {
        "role": "system",
        "name": "example_user",
        "content": "New synergies will help drive top-line growth.",
    },
    {
        "role": "system",
        "name": "example_assistant",
        "content": "Things working well together will increase revenue.",
    },
    {
        "role": "system",
        "name": "example_user",
        "content": "Let's circle back when we have more bandwidth to touch base on opportunities "
        "for increased leverage.",
    },
    {
        "role": "system",
        "name": "example_assistant",
        "content": "Let's talk later when we're less busy about how to do better.",
    },
    {
        "role": "user",
        "content": "This late pivot means we don't have time to boil the ocean for the client "
        "deliverable.",
    },
]

WEATHER_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name"},
                "unit": {"type": "string", "enum": ["c", "f"]},
            },
            "required": ["city"],
        },
    },
}

CONVERSATION: list[dict[str, Any]] = [
    {"role": "system", "content": "You are a helpful assistant."},
    {
        "role": "user",
        "content": [
            {"type": "text", "text": "What is in this picture, and what's the weather there?"},
            {
                "type": "image_url",
                "image_url": {"url": "https://example.com/a.png", "detail": "low"},
            },
        ],
    },
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
            }
        ],
    },
    {"role": "tool", "tool_call_id": "call_1", "content": '{"temp_c": 21, "sky": "clear"}'},
    {"role": "user", "name": "alice", "content": "Thanks! And tomorrow?"},
]


def _user(content: Any) -> list[dict[str, Any]]:
    return [{"role": "user", "content": content}]


# -- estimate_text ---------------------------------------------------------------------------------


@pytest.mark.parametrize("category", ["english", "code", "json"])
def test_estimate_is_close_on_prose_code_and_json(category: str) -> None:
    for text, o200k, cl100k in CORPUS[category]:
        estimate = estimate_text(text)
        for real in (o200k, cl100k):
            assert abs(estimate - real) <= TOLERANCE[category] * real, (text[:30], estimate, real)


def test_estimate_of_cjk_lies_between_the_two_tokenizers() -> None:
    # o200k_base packs CJK tighter than cl100k_base; the estimate sits between them.
    for text, o200k, cl100k in CORPUS["cjk"]:
        assert 0.9 * o200k <= estimate_text(text) <= 1.1 * cl100k, text


def test_estimate_of_numbers_and_emoji() -> None:
    assert estimate_text("1234567") == 3  # digits go in threes
    assert estimate_text("3 4 5") == 5  # a space before a number is a token of its own
    assert 1 <= estimate_text("👍") <= 3
    assert estimate_text("🎉" * 10) >= 10


def test_empty_and_tiny_texts() -> None:
    assert estimate_text("") == 0
    assert estimate_text(" ") == 1
    assert estimate_text("Hi") == 1
    assert estimate_text("\x00") == 1


def test_more_text_never_means_fewer_tokens() -> None:
    text = " ".join(sample for samples in CORPUS.values() for sample, _, _ in samples)
    counts = [estimate_text(text[:end]) for end in range(0, len(text), 7)]
    # each step adds 7 characters: the count may wobble by a rounding, never more
    assert all(later >= earlier - 1 for earlier, later in itertools.pairwise(counts))
    assert counts[-1] == max(counts)
    assert estimate_text(text * 2) >= 2 * estimate_text(text) - 2


# -- estimate_prompt -------------------------------------------------------------------------------


def test_message_framing() -> None:
    text = "Hello there, how are you today?"
    one = estimate_prompt(_user(text))
    assert one == 3 + estimate_text("user") + estimate_text(text) + 3
    two = estimate_prompt([*_user(text), *_user(text)])
    assert two == 2 * one - 3  # the reply priming counts once
    named = estimate_prompt([{"role": "user", "name": "bob", "content": text}])
    assert named == one + estimate_text("bob") + 1


def test_images_count_by_detail() -> None:
    base = estimate_prompt(_user([{"type": "text", "text": "Describe this."}]))

    def with_image(image_url: Any) -> int:
        parts = [
            {"type": "text", "text": "Describe this."},
            {"type": "image_url", "image_url": image_url},
        ]
        return estimate_prompt(_user(parts)) - base

    url = "https://example.com/cat.png"
    assert with_image({"url": url, "detail": "low"}) == IMAGE_TOKENS_LOW == 85
    assert with_image({"url": url, "detail": "high"}) == IMAGE_TOKENS_HIGH == 765
    assert with_image({"url": url, "detail": "auto"}) == IMAGE_TOKENS_HIGH
    assert with_image({"url": url}) == IMAGE_TOKENS_HIGH
    assert with_image(url) == IMAGE_TOKENS_HIGH  # the older shorthand: a bare URL


def test_files_audio_and_video() -> None:
    base = estimate_prompt(_user([]))

    def cost(part: dict[str, Any]) -> int:
        return estimate_prompt(_user([part])) - base

    pdf = "data:application/pdf;base64," + base64.b64encode(b"%PDF-1.7 ...").decode()
    assert cost({"type": "file", "file": {"filename": "a.pdf", "file_data": pdf}}) == FILE_TOKENS
    text = "Meeting notes: ship the release on Friday."
    plain = "data:text/plain;base64," + base64.b64encode(text.encode()).decode()
    assert cost({"type": "file", "file": {"filename": "notes.txt", "file_data": plain}}) == (
        estimate_text(text) + estimate_text("notes.txt")
    )
    second_of_wav = base64.b64encode(bytes(32_000)).decode()  # 16 kHz, 16-bit mono
    assert (
        cost({"type": "input_audio", "input_audio": {"data": second_of_wav, "format": "wav"}}) == 10
    )
    second_of_mp3 = base64.b64encode(bytes(16_000)).decode()  # 128 kbit/s
    assert (
        cost({"type": "input_audio", "input_audio": {"data": second_of_mp3, "format": "mp3"}}) == 10
    )
    assert cost({"type": "video_url", "video_url": {"url": "https://example.com/v.mp4"}}) == (
        VIDEO_TOKENS
    )


def test_tools_add_tokens() -> None:
    messages = _user("What's the weather in Paris?")
    without = estimate_prompt(messages)
    one = estimate_prompt(messages, [WEATHER_TOOL])
    other = {"type": "function", "function": {**WEATHER_TOOL["function"], "name": "get_forecast"}}
    two = estimate_prompt(messages, [WEATHER_TOOL, other])
    assert without < one < two
    assert one - without >= estimate_text(WEATHER_TOOL["function"]["description"])
    assert estimate_prompt(messages, []) == without


def test_tool_calls_and_results_count() -> None:
    question = _user("What's the weather in Paris?")
    call = {
        "role": "assistant",
        "tool_calls": [{"id": "c1", "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}],
    }  # fmt: skip
    result = {"role": "tool", "tool_call_id": "c1", "content": '{"temp_c": 21}'}
    assert estimate_prompt([*question, call]) > estimate_prompt(question) + 3
    assert estimate_prompt([*question, call, result]) > estimate_prompt([*question, call]) + 3


def test_messages_and_dicts_count_the_same() -> None:
    objects = [structure_input(m, Message) for m in CONVERSATION]
    assert all(isinstance(m, Message) for m in objects)
    tools_as_objects = [structure_input(WEATHER_TOOL, ToolDefinition)]
    assert estimate_prompt(objects) == estimate_prompt(CONVERSATION)
    assert estimate_prompt(objects, tools_as_objects) == estimate_prompt(
        CONVERSATION, [WEATHER_TOOL]
    )
    assert estimate_prompt([Message.system("Be brief."), Message.user("Hi")]) == estimate_prompt(
        [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    )
    for model in ("openai/gpt-4o", "anthropic/claude-sonnet-4"):
        assert count_prompt(objects, tools_as_objects, model=model) == count_prompt(
            CONVERSATION, [WEATHER_TOOL], model=model
        )


class _Raising:
    role = "user"

    @property
    def content(self) -> str:
        raise RuntimeError("a property that fails")


def test_odd_inputs_do_not_raise() -> None:
    circular: dict[str, Any] = {"type": "mystery"}
    circular["self"] = circular
    deep: dict[str, Any] = {}
    for _ in range(50_000):  # too deep for json and for repr
        deep = {"k": deep}
    odd: list[Any] = [
        [],
        [{"role": "assistant", "content": None}],
        [{"role": "user", "content": []}],
        [{"content": "no role"}],
        [{}],
        [{"role": "user", "content": [{"type": "brand_new_part", "data": [1, 2, 3]}]}],
        [
            {
                "role": "user",
                "content": [{"type": "image_url"}, {"type": "image_url", "image_url": None}],
            }
        ],
        [{"role": "user", "content": [{"type": "input_audio", "input_audio": {"data": None}}]}],
        [{"role": "user", "content": [{"type": "file"}, {"type": "text", "text": None}, None, 42]}],
        [{"role": "user", "content": [circular]}],
        [{"role": "user", "content": {"type": "text", "text": "one part, not a list"}}],
        [{"role": "user", "content": 12345}],
        [{"role": "assistant", "tool_calls": [{"function": None}, {}, "junk"]}],
        [{"role": "assistant", "tool_calls": "not a list"}],
        ["a bare string"],
        [None, 7, object(), _Raising()],
        [{"role": "user", "content": b"bytes"}],
        [
            {
                "role": "user",
                "content": [{"type": "input_audio", "input_audio": {"data": "AA", "format": []}}],
            }
        ],
        {"role": "user", "content": "a single message, not a list"},
        None,
    ]
    odd_tools: list[Any] = [
        None,
        [],
        [{}],
        [{"type": "web_search"}],
        [{"function": {}}],
        ["x"],
        [{"type": "function", "function": {"name": "f", "parameters": circular}}],
        [{"type": "function", "function": {"name": "f", "parameters": deep}}],  # F19
    ]
    for messages in odd:
        for tools_ in odd_tools:
            assert estimate_prompt(messages, tools_) >= 0
            assert count_prompt(messages, tools_, model="openai/gpt-4o").tokens >= 0
    assert estimate_prompt([]) == 0
    assert estimate_prompt(_user([{"type": "brand_new_part", "data": "abc"}])) > estimate_prompt(
        _user([])
    )


# -- count: the walk with a tokenizer -------------------------------------------------------------


def test_a_failing_tokenizer_falls_back_to_the_estimate() -> None:
    def broken(text: str) -> int:
        raise ValueError("Input too long to encode safely")

    counted = count(COOKBOOK, None, Tokenizer(broken, "broken:x"))
    assert counted == TokenCount(tokens=estimate_prompt(COOKBOOK), exact=False, method="estimate")


def test_a_tokenizer_counts_the_text_and_guesses_the_rest() -> None:
    words = Tokenizer(lambda text: len(text.split()), "words:x")
    assert count(_user("one two three"), None, words) == TokenCount(
        tokens=3 + 1 + 3 + 3, exact=True, method="words:x"
    )  # framing, the role, the text, the reply priming
    assert not count(CONVERSATION, None, words).exact  # an image and a tool call
    assert count(None, None, None) == TokenCount(tokens=0, exact=False, method="estimate")


# -- the bound a budget holds (issue 14, F4) -------------------------------------------------------
ADVERSARIAL = {
    "punctuation": "!@#$%^&*()_+{}|:<>?~`-=[]\\;',./\"" * 25,
    "rare CJK": "".join(chr(0x20000 + 97 * i) for i in range(300)),
    "emoji and ZWJ": "👩\u200d👩\u200d👧\u200d👦🏳️\u200d🌈" * 40,
    "digits": "".join(str(i * 7919 % 10) for i in range(1500)),
    "combining marks": "a" + "\u0301\u0316\u0327" * 200,
    "compatibility forms": "\ufdfa\u3392\ufb03" * 50,  # NFKD makes each several characters
}


def test_bound_text_is_the_utf8_bytes_or_more() -> None:
    assert bound_text("") == 0
    assert bound_text("hello") == 5  # ASCII: one character, one byte
    assert bound_text("é") == 3  # NFKD: e and a combining accent (1 + 2 bytes), more than 2
    assert bound_text("\u2126") == 3  # the ohm sign: 3 bytes, its NFKD form (omega) only 2
    assert bound_text("\ufdfa") == len(unicodedata.normalize("NFKD", "\ufdfa").encode())
    assert bound_text("\ud800") == 3  # a lone surrogate counts as its encoding, never raises
    for text in ADVERSARIAL.values():
        assert bound_text(text) >= len(text.encode("utf-8", "surrogatepass"))
        assert bound_text(text) >= estimate_text(text)


def test_bound_prompt_adds_generous_framing() -> None:
    assert bound_prompt([]) == 0
    assert bound_prompt(_user("hi")) == 16 + 4 + 2 + 64  # a message, "user", "hi", the request
    two = bound_prompt([*_user("hi"), *_user("hi")])
    assert two == 2 * (16 + 4 + 2) + 64
    named = bound_prompt([{"role": "user", "name": "bob", "content": "hi"}])
    assert named == bound_prompt(_user("hi")) + 3 + 8
    for text in ADVERSARIAL.values():
        assert bound_prompt(_user(text)) > estimate_prompt(_user(text))


def test_bound_prompt_media_allowances() -> None:
    base = bound_prompt(_user([]))

    def bound(part: dict[str, Any]) -> int:
        return bound_prompt(_user([part])) - base

    url = "https://example.com/cat.png"
    for image in ({"url": url, "detail": "low"}, {"url": url}, url):
        assert bound({"type": "image_url", "image_url": image}) == IMAGE_TOKENS_BOUND == 16_384
    pdf = "data:application/pdf;base64," + base64.b64encode(b"%PDF-1.7 ...").decode()
    assert bound({"type": "file", "file": {"file_data": pdf}}) == FILE_TOKENS_BOUND == 10_000
    text = "Meeting notes: ship the release on Friday."
    plain = "data:text/plain;base64," + base64.b64encode(text.encode()).decode()
    assert bound({"type": "file", "file": {"filename": "n.txt", "file_data": plain}}) == (
        len(text) + len("n.txt")
    )
    second_of_wav = base64.b64encode(bytes(32_000)).decode()
    for fmt in ("wav", "mp3"):
        audio = {"type": "input_audio", "input_audio": {"data": second_of_wav, "format": fmt}}
        assert bound(audio) == 32_000 // AUDIO_BYTES_PER_TOKEN_BOUND == 2_000
    assert bound({"type": "video_url", "video_url": {"url": url}}) == VIDEO_TOKENS


def test_bound_prompt_counts_schemas_twice_with_instructions() -> None:
    messages = _user("What's the weather in Paris?")
    without = bound_prompt(messages)
    schema = {
        key: WEATHER_TOOL["function"][key]
        for key in ("name", "description", "parameters")
        if key in WEATHER_TOOL["function"]
    }
    json_bytes = len(json.dumps(schema, ensure_ascii=False).encode())
    assert bound_prompt(messages, [WEATHER_TOOL]) == without + 32 + 2 * json_bytes + 512
    fmt = {"type": "json_schema", "json_schema": {"name": "w", "schema": {"type": "object"}}}
    fmt_bytes = len(json.dumps(fmt, ensure_ascii=False).encode())
    assert bound_prompt(messages, None, fmt) == without + 64 + 2 * fmt_bytes
    call = {
        "role": "assistant",
        "tool_calls": [{"id": "c1", "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}],
    }  # fmt: skip
    assert bound_prompt([*messages, call]) == without + 16 + 9 + 16 + 11 + 17


def test_the_estimate_keeps_its_own_allowances() -> None:
    # The bound's constants never leak into the estimate shown to users.
    assert estimate_prompt(_user("hi")) == 3 + estimate_text("user") + estimate_text("hi") + 3
    part = {"type": "image_url", "image_url": {"url": "https://example.com/c.png"}}
    assert estimate_prompt(_user([part])) - estimate_prompt(_user([])) == IMAGE_TOKENS_HIGH
