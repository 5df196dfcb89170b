"""Fuzzing (hypothesis): malformed bytes and wrong-typed JSON only ever produce our typed errors.

The contract, for every sans-IO entry point that reads what a server (or a user) sent: it returns
the documented type or raises an ``OpenRouterError`` subclass, never another exception (TypeError,
ValueError, OverflowError, RecursionError, AttributeError from cattrs), and neither ``str()`` nor
``repr()`` of an error shows the API key.

The ``@example``s are regressions: the minimal inputs of the bugs this fuzzing found (each one
failed before commit f937acf). They always run first, whatever hypothesis generates.
``FUZZ_SCALE=50`` in the environment runs fifty times as many examples (a longer local hunt).

Bugs it found are fixed; their minimal inputs stay as ``@example``s and regression tests.
"""

from __future__ import annotations

import functools
import json
import math
import operator
import os
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from email.utils import formatdate
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from openrouter_kit._core import convert
from openrouter_kit._core.assemble import StreamAssembler
from openrouter_kit._core.convert import converters, dumps, structure_input
from openrouter_kit._core.modelbase import WireModel
from openrouter_kit._core.money import VariablePrice, to_money, to_price
from openrouter_kit._core.sse import ServerSentEvent, SSEDecoder
from openrouter_kit._core.wire import (
    CHAT_COMPLETIONS,
    CREDITS,
    Endpoint,
    error_from_response,
    parse_response,
    parse_retry_after,
)
from openrouter_kit._generated import models as generated
from openrouter_kit._generated.models import (
    CompletionRequest,
    CompletionResponse,
    ErrorInfo,
    Message,
    StreamChunk,
    TokenUsage,
)
from openrouter_kit.errors import (
    APIConnectionError,
    InvalidResponseError,
    OpenRouterError,
    RateLimitError,
    ServerError,
    StreamError,
    ValidationError,
)
from tests.core.helpers import ENDPOINTS, feed_bytes

KEY = "sk-or-v1-" + "FUZZKEY0123456789abcdefFUZZKEY0123456789abcdef"  # fake, split on purpose
STRUCTURE = converters().fast.structure
BIG = 10**400  # a JSON integer that float() refuses (OverflowError)


def fuzz(examples: int) -> settings:
    """Settings sized so the whole file runs in a few seconds (times FUZZ_SCALE)."""
    return settings(
        max_examples=examples * int(os.environ.get("FUZZ_SCALE", "1")),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


# --- strategies -----------------------------------------------------------------------------------

#: Numbers that break naive conversions: int(inf), int(nan), float(10**400), max(nan, 0.0).
HOSTILE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan, "big": BIG, "-big": -BIG}
HOSTILE_NUMBERS = st.sampled_from(sorted(HOSTILE)).map(HOSTILE.__getitem__)
#: Strings, some of them holding the key (a server or proxy that echoes it).
TEXT = st.text(max_size=12) | st.just(KEY) | st.text(max_size=6).map(lambda s: f"{s} {KEY} {s}")
REAL_KEYS = st.sampled_from(
    [
        "id", "model", "choices", "delta", "content", "message", "tool_calls", "function",
        "arguments", "index", "usage", "error", "code", "metadata", "finish_reason", "reasoning",
        "reasoning_details", "images", "audio", "annotations", "logprobs", "role",
        "prompt_tokens", "cost", "data", "messages", "temperature", "tools", "provider",
        "error_type", "availability", "headers",
    ]
)  # fmt: skip
KEYS = st.text(max_size=8) | REAL_KEYS | st.just(KEY)


def scalars(hostile: bool) -> st.SearchStrategy[Any]:
    base = (
        st.none()
        | st.booleans()
        | st.integers(-(2**64), 2**64)
        | st.floats(allow_nan=False, allow_infinity=False)
        | TEXT
    )
    return base | HOSTILE_NUMBERS if hostile else base


@functools.cache
def json_values(hostile: bool = True) -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars(hostile),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
        max_leaves=10,
    )


def maybe_wrong(right: st.SearchStrategy[Any], hostile: bool = True) -> st.SearchStrategy[Any]:
    """Three times in four ``right``, else any JSON value (string, number, list, null, ...)."""
    return st.one_of(right, right, right, json_values(hostile))


@functools.cache
def shaped(tp: Any, depth: int, hostile: bool = True, wrong: bool = True) -> st.SearchStrategy[Any]:
    """JSON for the type ``tp`` in which (when ``wrong``) any value may have the wrong type.

    ``depth`` counts nested objects: below it an object is a scalar. ``hostile`` adds the numbers
    that break conversions (inf, nan, 10**400).
    """
    right = _right(tp, depth, hostile, wrong)
    if not wrong:
        return right
    return maybe_wrong(right, hostile) if depth > 0 else st.one_of(right, scalars(hostile))


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _right(tp: Any, depth: int, hostile: bool, wrong: bool) -> st.SearchStrategy[Any]:
    origin = typing.get_origin(tp)
    if _is_union(tp):
        members = [m for m in typing.get_args(tp) if m is not type(None)]
        return st.one_of(*(_right(m, depth, hostile, wrong) for m in members), st.none())
    if tp is str:
        return TEXT
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(-(2**64), 2**64) | HOSTILE_NUMBERS if hostile else st.integers(0, 99)
    if tp is float:
        numbers = st.floats(allow_nan=False, allow_infinity=False) | st.integers(-99, 99)
        return numbers | HOSTILE_NUMBERS if hostile else numbers
    if tp in (Decimal, VariablePrice):  # money and prices: JSON numbers and decimal strings
        numbers = st.floats(allow_nan=False, allow_infinity=False) | st.integers(-99, 99)
        text = st.decimals(allow_nan=False, allow_infinity=False).map(str) | st.just("-1")
        if hostile:
            text |= st.sampled_from(["NaN", "Infinity", "-inf", "1e999999", "0.1.2", ""])
            return numbers | text | HOSTILE_NUMBERS
        return numbers | text
    if origin is list:
        return st.lists(shaped(typing.get_args(tp)[0], depth, hostile, wrong), max_size=3)
    if origin is dict:
        values = shaped(typing.get_args(tp)[1], depth, hostile, wrong)
        return st.dictionaries(KEYS, values, max_size=3)
    if isinstance(tp, type) and issubclass(tp, WireModel):
        if depth <= 0:
            return st.just({}) if not wrong else scalars(hostile)
        attributes = [
            a
            for a in attrs.fields(tp)  # type: ignore[arg-type]  # generated attrs classes
            if a.name != "extra" and not a.metadata.get("local")
        ]
        fields = tuple(
            (str(a.metadata.get("wire", a.name)), shaped(a.type, depth - 1, hostile, wrong))
            for a in attributes
        )
        # Fields holding objects or lists are drawn three times as often: parsers fail there.
        structural = tuple(
            str(a.metadata.get("wire", a.name)) for a in attributes if _nests(a.type)
        )
        return _objects(fields, structural, hostile)
    return json_values(hostile)


def _nests(tp: Any) -> bool:
    if _is_union(tp):
        return any(_nests(m) for m in typing.get_args(tp))
    return typing.get_origin(tp) is list or (isinstance(tp, type) and issubclass(tp, WireModel))


@st.composite
def _objects(
    draw: st.DrawFn,
    fields: tuple[tuple[str, st.SearchStrategy[Any]], ...],
    structural: tuple[str, ...],
    hostile: bool,
) -> dict[str, Any]:
    """A few of a model's fields (few, so the budget reaches deep ones), maybe an unknown key."""
    strategies = dict(fields)
    pool = list(strategies) + list(structural) * 2
    # A model without fields (an empty config object) draws none.
    names = draw(st.lists(st.sampled_from(pool), max_size=4, unique=True)) if pool else []
    value = {name: draw(strategies[name]) for name in names}
    unknown = st.text(max_size=4).filter(lambda k: k not in strategies)
    value.update(draw(st.dictionaries(unknown, scalars(hostile), max_size=1)))
    return value


def opt(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """An object with any subset of ``fields``."""
    return st.fixed_dictionaries({}, optional=fields)


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    """``data`` cut at ``cuts`` (positions, any order, repeats give empty pieces)."""
    points = sorted(c % (len(data) + 1) for c in cuts)
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


def no_key(exc: BaseException) -> None:
    assert KEY not in str(exc)
    assert KEY not in repr(exc)


def typed_only(call: Callable[[], Any]) -> Any:
    """Run ``call``: its result, or the OpenRouterError it raised (checked for the key).

    Any other exception propagates and fails the test.
    """
    try:
        return call()
    except OpenRouterError as exc:
        no_key(exc)
        return exc


def assert_retry_after(value: Any) -> None:
    assert value is None or (isinstance(value, float) and math.isfinite(value) and value >= 0)


def encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


# --- 1. SSEDecoder --------------------------------------------------------------------------------

SSE_TOKENS = st.sampled_from(
    [
        b"data:", b"data: ", b"event:", b"event: x", b"id:", b"id: 7", b"retry:", b"retry: 12",
        b": keep-alive", b":", b" ", b"x", b"{}", b"[DONE]", b"\r", b"\n", b"\r\n", b"\n\n",
        b"\0", b"\xe2\x82\xac", b"\xe2", b"\xff", b"7",
    ]
)  # fmt: skip
SSE_BYTES = st.binary(max_size=200) | st.lists(SSE_TOKENS, max_size=40).map(b"".join)
CUTS = st.lists(st.integers(0, 10**6), max_size=8)


def decode(pieces: list[bytes]) -> tuple[list[ServerSentEvent], int]:
    decoder = SSEDecoder()
    events = [event for piece in pieces for event in decoder.feed(piece)]
    events += decoder.flush()
    assert all(type(event) is ServerSentEvent for event in events)
    return events, decoder.comments


@fuzz(400)
@given(SSE_BYTES, CUTS)
@example(b"data: a\r\ndata: b\n\n", [8, 8])  # CR | empty read | LF was two line breaks
def test_sse_decoder_never_raises_and_ignores_how_bytes_are_split(
    data: bytes, cuts: list[int]
) -> None:
    whole = decode([data])
    # The same events (data, event, id, retry) and comment count, however the reads fall.
    assert decode(split(data, cuts)) == whole
    assert decode([data[i : i + 1] for i in range(len(data))]) == whole


# --- 2. StreamAssembler ---------------------------------------------------------------------------


def sse_event(payload: Any) -> bytes:
    return b"data: " + encode(payload) + b"\n\n"


CHUNK_FIELDS = frozenset(a.name for a in attrs.fields(StreamChunk))


def _now_and_then(key: str, value: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """``{key: value}`` one time in sixteen, else ``{}``."""
    return st.integers(0, 15).flatmap(
        lambda n: value.map(lambda v: {key: v}) if n == 7 else st.just({})
    )


def _merged(base: st.SearchStrategy[Any], extra: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.builds(lambda b, e: {**b, **e} if isinstance(b, dict) else b, base, extra)


@functools.cache
def chunk_payloads(wrong: bool) -> st.SearchStrategy[Any]:
    """Chunks shaped like the API's: choices, delta, tool calls, reasoning details, audio,
    logprobs, usage, an error now and then, unknown keys; with ``wrong``, wrong types at every
    level (strings, numbers, lists, null where objects go, and so on)."""

    def w(right: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return maybe_wrong(right) if wrong else right

    text = w(TEXT | st.none())
    index = w(st.integers(0, 2) | st.none())
    function = w(opt(name=text, arguments=text))
    tool_call = w(opt(index=index, id=text, type=text, function=function))
    detail = w(opt(type=text, index=index, text=text, summary=text, data=text))
    delta = w(
        opt(
            role=text,
            content=text,
            reasoning=text,
            refusal=text,
            tool_calls=w(st.lists(tool_call, max_size=3)),
            reasoning_details=w(st.lists(detail, max_size=2)),
            images=w(st.lists(json_values(), max_size=2)),
            annotations=w(st.lists(json_values(), max_size=2)),
            audio=w(opt(data=text, transcript=text, id=text)),
        )
    )
    error = shaped(ErrorInfo, 2, wrong=wrong)
    reason = w(st.sampled_from(["stop", "length", "tool_calls"]) | TEXT | st.none())
    logprobs = w(opt(content=w(st.lists(json_values(), max_size=2))))
    choice = w(
        _merged(
            opt(index=index, delta=delta, finish_reason=reason, native_finish_reason=text),
            opt(logprobs=logprobs)
            | _now_and_then("error", error)
            | _now_and_then("finish_reason", st.just("error")),
        )
    )
    known = opt(
        id=text,
        created=w(st.integers()),
        model=text,
        object=text,
        choices=w(st.lists(choice, min_size=1, max_size=3)),
        usage=shaped(TokenUsage, 3, wrong=wrong),
    )
    unknown = st.text(max_size=8).filter(lambda k: k not in CHUNK_FIELDS)
    return st.builds(
        lambda known, unknown, error: {**unknown, **known, **error},
        known,
        st.dictionaries(unknown, json_values(), max_size=2),
        _now_and_then("error", error),
    )


@st.composite
def transcripts(draw: st.DrawFn) -> list[bytes]:
    """A stream as a list of events (each one's bytes): chunks (well-typed or not), other JSON
    values, ``[DONE]``, comments, named events, JSON lines cut short, junk bytes."""

    def chunk() -> Any:
        return draw(chunk_payloads(wrong=draw(st.integers(0, 2)) == 0))

    events = []
    for kind in draw(st.lists(st.integers(0, 7), max_size=6)):
        if kind <= 2:
            events.append(sse_event(chunk()))
        elif kind == 3:
            events.append(sse_event(draw(json_values())))
        elif kind == 4:
            events.append(draw(st.sampled_from([b"data: [DONE]\n\n", b": PROCESSING\n\n"])))
        elif kind == 5:
            events.append(b"event: error\n" + sse_event(chunk()))
        elif kind == 6:  # a JSON line cut short
            line = sse_event(chunk())
            events.append(line[: draw(st.integers(0, len(line)))] + b"\n\n")
        else:
            events.append(draw(SSE_BYTES))
    return events


def feed(asm: StreamAssembler, pieces: list[bytes]) -> list[StreamChunk]:
    """Feed ``pieces`` until the first (typed) error: the chunks handed out before it."""
    chunks: list[StreamChunk] = []
    for piece in pieces:
        got = typed_only(functools.partial(feed_bytes, asm, piece))
        if isinstance(got, OpenRouterError):
            if isinstance(got, StreamError):  # the partial answer travels with it, if any
                assert got.response is None or isinstance(got.response, CompletionResponse)
            break
        assert all(type(chunk) is StreamChunk for chunk in got)
        chunks += got
    return chunks


def assemble(pieces: list[bytes]) -> list[StreamChunk]:
    """Feed ``pieces``, then ``finish()`` and ``final_response()``: each may raise only an
    OpenRouterError. Returns the chunks handed out."""
    asm = StreamAssembler(STRUCTURE, KEY)
    chunks = feed(asm, pieces)
    finished = typed_only(asm.finish)
    if isinstance(finished, APIConnectionError):  # cut short: the partial answer, if any
        assert finished.response is None or isinstance(finished.response, CompletionResponse)
    response = typed_only(asm.final_response)
    assert isinstance(response, CompletionResponse | InvalidResponseError)
    return chunks


@fuzz(300)
@given(SSE_BYTES | st.binary(max_size=100).map(lambda b: b"data: " + b), CUTS)
def test_assembler_given_junk_bytes_raises_only_typed_errors(data: bytes, cuts: list[int]) -> None:
    assemble(split(data, cuts))


@fuzz(300)
@given(transcripts())
# Each of these raised a TypeError, ValueError or OverflowError, or showed the key:
@example([sse_event({"choices": [{"delta": {"content": 5}, "finish_reason": "stop"}]})])
@example([sse_event({"usage": {"prompt_tokens": "x"}, "choices": []}), b"data: [DONE]\n\n"])
@example([sse_event({"usage": {"prompt_tokens": math.inf}}), b"data: [DONE]\n\n"])
@example([sse_event({"choices": [{"index": "a", "finish_reason": "stop"}, {"index": 0}]})])
@example([sse_event({"choices": [{"delta": {"tool_calls": [{"index": "a"}, {"index": 0}]}}]})])
@example([sse_event({"choices": [{"delta": {"content": 5}}]}), sse_event({"error": {"x": 1}})])
@example([sse_event({"id": KEY}), sse_event({"error": {"message": "m"}})])
@example([b"data: " + b"[" * 100_000 + b"\n\n"])
def test_assembler_given_wrong_typed_chunks_raises_only_typed_errors(events: list[bytes]) -> None:
    assemble(events)


#: Every attribute a caller may read on a chunk: the fields (typed on first access) and shortcuts.
CHUNK_ATTRIBUTES = [a.name for a in attrs.fields(StreamChunk)] + ["delta", "text", "finish_reason"]
CHUNK_READERS: list[Callable[[StreamChunk], Any]] = [
    repr,
    *map(operator.attrgetter, CHUNK_ATTRIBUTES),
]


@fuzz(150)
@given(transcripts())
@example([sse_event({"created": "abc"})])  # was a ValueError
@example([sse_event({"debug": []})])  # was an AttributeError: hasattr(chunk, "choices") False
@example([sse_event({"created": math.inf})])  # was an OverflowError
def test_lazy_chunk_attributes_raise_only_invalid_response_error(events: list[bytes]) -> None:
    """The contract for lazy chunks: a chunk whose JSON merged fine but whose typed parse fails
    behaves as if it had been parsed eagerly by ``parse_response``: reading a typed field (or
    ``repr``) raises ``InvalidResponseError`` (status 200), never a cattrs TypeError, and never an
    AttributeError (``__getattr__`` would turn that into "no such attribute", so hasattr() and
    getattr(chunk, name, default) would silently hide the bad chunk). ``text`` and
    ``finish_reason`` read the JSON and never raise."""
    for chunk in feed(StreamAssembler(STRUCTURE, KEY), events):
        assert isinstance(chunk.text, str)
        assert chunk.finish_reason is None or isinstance(chunk.finish_reason, str)
        for read in CHUNK_READERS:
            got = typed_only(functools.partial(read, chunk))
            if isinstance(got, OpenRouterError):
                assert isinstance(got, InvalidResponseError)
                assert got.status_code == 200


# --- 3. parse_response ----------------------------------------------------------------------------

HEADER_NAMES = st.sampled_from(
    [
        "retry-after", "Retry-After", "retry-after-ms", "Retry-After-Ms", "content-type",
        "Content-Type", "x-request-id", "x-generation-id",
    ]
) | st.text(max_size=8)  # fmt: skip
HUGE_YEAR = "Mon, 01 Jan 99999999999999999999 00:00:00 GMT"
HEADER_JUNK = [
    "", " ", "-1", "0", "1e308", "1e999", "1_000", "nan", "-nan", "inf", "+Infinity", "  NaN ",
    "application/json", "text/event-stream; charset=utf-8", "application/json\x00", "text/html",
    "Mon, 01 Jan 0001 00:00:00 -0000", "Fri, 31 Dec 9999 23:59:59 GMT",
    "Mon, 01 Jan 10000 00:00:00 GMT", "Mon, 01 Jan 2024 99:99:99 +9999", HUGE_YEAR,
]  # fmt: skip
HEADER_VALUES = (
    st.text(max_size=20)
    | st.integers(-(10**20), 10**20).map(str)
    | st.floats().map(repr)
    | st.integers(-62135596800, 253402300799).map(lambda t: formatdate(t, usegmt=True))
    | st.sampled_from(HEADER_JUNK)
)
HEADERS = st.dictionaries(HEADER_NAMES, HEADER_VALUES, max_size=4)


@functools.cache
def error_bodies() -> st.SearchStrategy[Any]:
    """Error bodies as OpenRouter sends them, with wrong types in every field, including those
    that refine the class (error_type, availability.code, reasons) and the retry hints
    (availability.retry_after, metadata.headers.X-RateLimit-Reset)."""
    error_type = maybe_wrong(
        st.sampled_from(
            ["context_length_exceeded", "content_policy_violation", "refusal", "model_not_found"]
        )
    )
    message = st.sampled_from(
        ["context length exceeded", "model x/y not found", "no endpoints found", " "]
    )
    number = st.integers(-(10**13), 10**13) | st.floats() | st.just(BIG)
    reset = maybe_wrong(number | number.map(str) | TEXT)
    metadata = maybe_wrong(
        opt(
            error_type=error_type,
            reasons=maybe_wrong(st.lists(TEXT, max_size=2) | TEXT | st.none()),
            flagged_input=TEXT | st.none(),
            provider_name=TEXT | st.none(),
            raw=json_values(),
            headers=maybe_wrong(opt(**{"X-RateLimit-Reset": reset, "x-ratelimit-reset": reset})),
        )
    )
    error = opt(
        code=maybe_wrong(st.integers(100, 599) | TEXT),
        message=maybe_wrong(message | TEXT),
        metadata=metadata,
        availability=maybe_wrong(opt(code=error_type, retry_after=maybe_wrong(number))),
        error_type=error_type,
    )
    return st.one_of(
        st.builds(lambda e, extra: {**extra, "error": e}, error, opt(user_id=TEXT)),
        error,  # the error object itself, at the top level
        st.fixed_dictionaries({"error": json_values()}),
    )


NOW = st.none() | st.floats(0, 4e9)
STATUSES = st.one_of(
    st.sampled_from([200, 201, 204]),
    st.integers(100, 599),
    st.sampled_from([400, 401, 402, 403, 404, 408, 413, 422, 429, 500, 502, 503, 524, 529]),
)


@st.composite
def responses(draw: st.DrawFn) -> tuple[Endpoint, int, dict[str, str], bytes]:
    endpoint = draw(st.sampled_from(ENDPOINTS))
    kind = draw(st.integers(0, 3))
    if kind == 0:
        body = draw(st.binary(max_size=64))
    elif kind == 1:
        body = encode(draw(json_values()))
    elif kind == 2:
        body = encode(draw(shaped(endpoint.response, 4)))
    else:
        body = encode(draw(error_bodies()))
    return endpoint, draw(STATUSES), draw(HEADERS), body


@fuzz(250)
@given(responses(), NOW)
# Each of these raised an OverflowError, a TypeError (unhashable) or a RecursionError:
@example((CHAT_COMPLETIONS, 200, {}, b'{"created": 1e999}'), None)
@example((CREDITS, 200, {}, b'{"data": {"total_credits": 1' + b"0" * 400 + b"}}"), None)
@example((CREDITS, 403, {}, b'{"error": {"error_type": []}}'), None)
@example((CREDITS, 200, {}, b"[" * 100_000), None)
@example((CREDITS, 429, {"Retry-After": HUGE_YEAR}, b""), None)
def test_parse_response_returns_the_model_or_raises_a_typed_error(
    response: tuple[Endpoint, int, dict[str, str], bytes], now: float | None
) -> None:
    endpoint, status, headers, body = response
    result = typed_only(
        lambda: parse_response(
            endpoint, status, headers, body, structure=STRUCTURE, api_key=KEY, now=now
        )
    )
    if not 200 <= status < 300:
        assert isinstance(result, OpenRouterError)  # an error status always raises
    assert isinstance(result, OpenRouterError | endpoint.response)
    if isinstance(result, RateLimitError | ServerError):
        assert_retry_after(result.retry_after)


# --- 4. error_from_response -----------------------------------------------------------------------


@st.composite
def error_responses(draw: st.DrawFn) -> tuple[int, dict[str, str], bytes]:
    kind = draw(st.integers(0, 2))
    if kind == 0:
        body = draw(st.binary(max_size=64) | st.just(KEY.encode()))
        if draw(st.booleans()):  # an HTML page from a proxy that echoes the key
            body = b"<html><title>" + body + KEY.encode() + b"</title></html>"
    elif kind == 1:
        body = encode(draw(json_values()))
    else:
        body = encode(draw(error_bodies()))
    return draw(STATUSES), draw(HEADERS), body


RESET_LIST = {"error": {"message": "m", "metadata": {"headers": {"X-RateLimit-Reset": [1]}}}}
RESET_NAN = {"error": {"message": "m", "metadata": {"headers": {"X-RateLimit-Reset": "nan"}}}}
RESET_BIG = b'{"error": {"metadata": {"headers": {"x-ratelimit-reset": 1' + b"0" * 400 + b"}}}}"


@fuzz(250)
@given(error_responses(), NOW)
# Each of these raised (TypeError, OverflowError, RecursionError) or gave a NaN/negative wait:
@example((429, {}, encode(RESET_LIST)), 1.0)
@example((429, {}, encode(RESET_NAN)), 1.0)
@example((429, {}, RESET_BIG), 1.0)
@example((429, {}, encode({"error": {"message": "m", "availability": {"retry_after": -5}}})), None)
@example((429, {}, b'{"error": {"availability": {"retry_after": NaN}}}'), None)
@example((429, {}, b'{"error": {"availability": {"retry_after": 1' + b"0" * 400 + b"}}}"), None)
@example((503, {"Retry-After": "nan"}, b""), None)
@example((503, {"Retry-After": HUGE_YEAR}, b""), 1.0)
@example((500, {}, b'{"error": {"availability": {"code": []}}}'), None)
@example((400, {}, b'{"error": {"error_type": {}}}'), None)
@example((500, {}, b"[" * 100_000), None)
def test_error_from_response_always_returns_a_typed_error_without_the_key(
    response: tuple[int, dict[str, str], bytes], now: float | None
) -> None:
    status, headers, body = response
    exc = error_from_response(status, headers, body, api_key=KEY, now=now)  # never raises
    assert isinstance(exc, OpenRouterError)
    no_key(exc)
    assert KEY not in exc.message
    assert isinstance(exc.metadata, dict)
    if isinstance(exc, RateLimitError | ServerError):
        assert_retry_after(exc.retry_after)


def _stream_error(error: dict[str, Any]) -> OpenRouterError:
    with pytest.raises(StreamError) as info:
        feed_bytes(StreamAssembler(STRUCTURE, KEY), sse_event({"error": error}))
    return info.value


def _response_error(error: dict[str, Any]) -> OpenRouterError:
    return error_from_response(400, {}, encode({"error": error}), api_key=KEY)


@pytest.mark.parametrize("raise_", [_response_error, _stream_error], ids=["response", "stream"])
@pytest.mark.parametrize(
    "error",
    [
        {"message": "m", "code": KEY},
        {"message": "m", "metadata": {KEY: "the key as a dict key"}},
        {"message": "m", "metadata": {"raw": {KEY: 1}}},
    ],
    ids=["code", "metadata-key", "nested-key"],
)
def test_error_attributes_never_hold_the_key(
    raise_: Callable[[dict[str, Any]], OpenRouterError], error: dict[str, Any]
) -> None:
    """errors.py: none of code, message, metadata, request_id ever contains the key (each of
    these cases held it before f937acf)."""
    exc = raise_(error)
    for value in (exc.message, exc.code, exc.metadata, exc.body, exc.request_id):
        assert KEY not in repr(value)


# --- 5. parse_retry_after -------------------------------------------------------------------------


@fuzz(500)
@given(HEADERS, NOW)
@example({"retry-after": "nan"}, None)  # was nan
@example({"retry-after-ms": "inf"}, None)  # was inf
@example({"Retry-After": "1e999"}, None)  # was inf
@example({"Retry-After": HUGE_YEAR}, None)  # was an OverflowError
def test_parse_retry_after_is_none_or_finite_and_not_negative(
    headers: dict[str, str], now: float | None
) -> None:
    assert_retry_after(parse_retry_after(headers, now))


# --- 6. the strict input converter ----------------------------------------------------------------

FIELD_NAMES = st.sampled_from([a.name for a in attrs.fields(CompletionRequest)]) | KEYS


@st.composite
def request_dicts(draw: st.DrawFn) -> Any:
    """Anything (kind 0, 1); or a request of the documented kinds (kind 2, 3: strict, so the
    happy path and ``dumps`` are reached), with one field of any JSON value half of the time."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(shaped(CompletionRequest, 4))
    if kind == 1:  # real field names with any values
        return draw(st.dictionaries(FIELD_NAMES, json_values(), max_size=6))
    hostile = draw(st.booleans())  # inf, nan, 10**400: refused, or left in Any fields for dumps
    message = st.builds(
        lambda m, role: {**m, "role": role}, shaped(Message, 3, hostile, wrong=False), TEXT
    )
    request = {
        **draw(shaped(CompletionRequest, 3, hostile, wrong=False)),
        "messages": draw(st.lists(message, min_size=1, max_size=3)),
    }
    if kind == 3:  # an instance where a dict is expected
        request["messages"] = [Message.user("hi"), *request["messages"]]
    if draw(st.booleans()):
        request[draw(FIELD_NAMES)] = draw(json_values())
    return request


@fuzz(300)
@given(request_dicts())
def test_structure_input_returns_a_request_or_raises_validation_error(data: Any) -> None:
    try:
        request = structure_input(data, CompletionRequest)
    except ValidationError as exc:
        no_key(exc)  # error messages show values shortened and redacted, dict keys too
        return
    assert isinstance(request, CompletionRequest)
    try:
        body = dumps(request)
    except ValidationError as exc:
        no_key(exc)
        return
    assert isinstance(json.loads(body), dict)


# --- regressions ----------------------------------------------------------------------------


@pytest.mark.parametrize("reasons", [True, 5], ids=["true", "number"])
def test_a_moderation_error_with_odd_reasons_is_still_a_typed_error(reasons: Any) -> None:
    body = encode({"error": {"message": "flagged", "metadata": {"reasons": reasons}}})
    result = typed_only(
        lambda: parse_response(CREDITS, 403, {}, body, structure=STRUCTURE, api_key=KEY)
    )
    assert isinstance(result, OpenRouterError)


def test_a_validation_error_never_shows_a_key_used_as_a_dict_key() -> None:
    with pytest.raises(ValidationError) as info:
        structure_input(
            {"messages": [{"role": "user"}], "metadata": {KEY: None}}, CompletionRequest
        )
    no_key(info.value)
    assert KEY not in repr(info.value.path)


# --- the fast response hooks agree with cattrs' own ---------------------------------------------
def _reference_model(cls: type, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """cattrs' generated hook for ``cls``, where a null sent for a field with a factory default
    (``[]``, ``{}``, an empty model) means "not sent", as the response converter documents."""
    inner = convert._structure_model(cls, conv)
    defaulted = {
        str(a.metadata.get("wire", a.name))
        for a in attrs.fields(cls)
        if isinstance(a.default, attrs.Factory)  # type: ignore[arg-type]
    }

    def structure(data: Any, t: Any) -> Any:
        if isinstance(data, dict) and defaulted:
            data = {k: v for k, v in data.items() if not (v is None and k in defaulted)}
        return inner(data, t)

    return structure


def _reference_price(t: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    optional = type(None) in typing.get_args(t)
    return lambda value, _: None if value is None and optional else to_price(value)


def _reference() -> cattrs.Converter:
    """A response converter built the plain cattrs way: generated hooks for every model, no lazy
    models, no shortcuts for scalars."""
    ref = cattrs.Converter(detailed_validation=False)
    ref.register_structure_hook_factory(convert._is_list, convert._structure_list)
    ref.register_structure_hook_factory(convert._is_multi_union, convert._structure_union)
    ref.register_structure_hook_factory(convert._is_model, _reference_model)
    ref.register_structure_hook(Decimal, lambda value, _: to_money(value))
    ref.register_structure_hook_factory(convert._is_price, _reference_price)
    return ref


REFERENCE = _reference()
MODELS = sorted(
    (c for c in vars(generated).values() if isinstance(c, type) and attrs.has(c)),
    key=lambda c: c.__name__,
)


def _outcome(parse: Callable[[], Any]) -> Any:
    """The unstructured result (lazy models filled in), or the kind of failure."""
    try:
        return converters().fast.unstructure(parse())
    except InvalidResponseError:
        return "failed"
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError, RecursionError):
        return "failed"


@fuzz(300)
@given(st.sampled_from(MODELS).flatmap(lambda c: st.tuples(st.just(c), shaped(c, 3, False))))
def test_fast_hooks_give_what_cattrs_gives(case: tuple[type, Any]) -> None:
    cls, payload = case
    ours = _outcome(lambda: STRUCTURE(payload, cls))
    theirs = _outcome(lambda: REFERENCE.structure(payload, cls))
    assert ours == theirs


def test_a_model_list_is_parsed_lazily_and_a_bad_entry_fails_when_read() -> None:
    good = {"id": "a/b", "context_length": 1000, "pricing": {"prompt": "0.1", "completion": "1"}}
    bad = {"id": "c/d", "architecture": "not an object"}
    listed = STRUCTURE({"data": [good, bad]}, generated.ModelList).data
    assert listed[0]._payload is good
    assert listed[0].pricing.prompt == Decimal("0.1")
    assert listed[0] == REFERENCE.structure(good, generated.ModelInfo)
    with pytest.raises(InvalidResponseError, match="model is not the documented shape"):
        _ = listed[1].id


def test_assigning_to_a_lazy_model_fills_it_in_first_and_keeps_the_assignment() -> None:
    payload = {"id": "a/b", "name": "B", "unknown": 1}
    (model,) = STRUCTURE(
        {"data": [payload]}, generated.ModelInfo.__mro__[0] and generated.ModelList
    ).data
    model.name = "renamed"
    assert (model.id, model.name, model.extra) == ("a/b", "renamed", {"unknown": 1})
    assert not hasattr(model, "_payload")
