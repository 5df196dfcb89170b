"""The stream assembler: chunks, accumulation, errors inside a 200 stream, incomplete streams."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import attrs
import pytest

from openrouter_kit import StreamChunk, errors
from openrouter_kit._core.assemble import StreamAssembler
from openrouter_kit._core.convert import converters
from tests.conftest import CANARY_KEY
from tests.core.helpers import feed_bytes

HEAD = {
    "id": "gen-9",
    "object": "chat.completion.chunk",
    "created": 1700,
    "model": "a/b",
    "provider": "P",
}
USAGE = {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12, "cost": 0.001}


def sse(*payloads: Any, done: bool = True) -> bytes:
    body = b": OPENROUTER PROCESSING\n\n"
    for payload in payloads:
        data = payload if isinstance(payload, str) else json.dumps({**HEAD, **payload})
        body += b"data: " + data.encode() + b"\n\n"
    return body + (b"data: [DONE]\n\n" if done else b"")


def delta(index: int = 0, finish: str | None = None, **fields: Any) -> dict[str, Any]:
    return {"choices": [{"index": index, "delta": fields, "finish_reason": finish}]}


def assembler() -> StreamAssembler:
    return StreamAssembler(converters().fast.structure, CANARY_KEY)


def run(body: bytes) -> tuple[StreamAssembler, list[StreamChunk]]:
    asm = assembler()
    chunks = feed_bytes(asm, body)
    asm.finish()
    return asm, chunks


def test_text_stream_accumulates_with_usage_from_an_empty_choices_chunk() -> None:
    asm, chunks = run(
        sse(
            delta(role="assistant", content=""),
            delta(content="Hel"),
            delta(content="lo"),
            delta(finish="stop"),
            {"choices": [], "usage": USAGE},
        )
    )
    assert [c.text for c in chunks] == ["", "Hel", "lo", "", ""]
    assert chunks[3].finish_reason == "stop"
    assert chunks[4].delta is None
    assert chunks[4].usage is not None
    reply = asm.final_response()
    assert reply.text == "Hello"
    assert (reply.id, reply.model, reply.provider, reply.created) == ("gen-9", "a/b", "P", 1700)
    assert reply.choices[0].finish_reason == "stop"
    assert reply.choices[0].message.role == "assistant"
    assert reply.usage.total_tokens == 12
    assert reply.cost == Decimal("0.001")  # the server's number, exactly
    assert (asm.chunk_count, asm.comment_count, asm.done, asm.started) == (5, 1, True, True)


def test_usage_on_a_final_choice_with_an_empty_delta() -> None:
    asm, _ = run(
        sse(
            delta(content="Hi"),
            delta(finish="stop", native_finish_reason="end_turn"),
            {"choices": [{"index": 0, "delta": {}, "finish_reason": None}], "usage": USAGE},
        )
    )
    reply = asm.final_response()
    assert reply.text == "Hi"
    assert reply.choices[0].finish_reason == "stop"  # the later empty delta does not erase it
    assert reply.usage.cost == Decimal("0.001")


def test_parallel_tool_calls_merge_by_index_even_interleaved() -> None:
    def call(index: int, **fields: Any) -> dict[str, Any]:
        return delta(tool_calls=[{"index": index, **fields}])

    asm, _ = run(
        sse(
            call(0, id="call_a", type="function", function={"name": "weather", "arguments": ""}),
            call(1, id="call_b", type="function", function={"name": "time", "arguments": ""}),
            call(0, function={"arguments": '{"city": '}),
            call(1, function={"arguments": '{"tz": "UTC"}'}),
            call(0, function={"arguments": '"Paris"}'}),
            delta(finish="tool_calls"),
        )
    )
    message = asm.final_response().choices[0].message
    assert message.content is None
    calls = message.tool_calls
    assert [(c.id, c.type, c.function.name, c.function.arguments) for c in calls] == [
        ("call_a", "function", "weather", '{"city": "Paris"}'),
        ("call_b", "function", "time", '{"tz": "UTC"}'),
    ]
    assert all(c.index is None for c in calls)


def test_reasoning_text_and_details_are_joined() -> None:
    def detail(text: str) -> dict[str, Any]:
        return {"type": "reasoning.text", "text": text, "format": "unknown", "index": 0}

    asm, _ = run(
        sse(
            delta(reasoning="Let me ", reasoning_details=[detail("Let me ")]),
            delta(reasoning="think.", reasoning_details=[detail("think.")]),
            delta(reasoning_details=[{"type": "reasoning.encrypted", "data": "xyz", "index": 1}]),
            delta(content="42"),
            delta(finish="stop"),
        )
    )
    message = asm.final_response().choices[0].message
    assert message.reasoning == "Let me think."
    assert message.reasoning_details == [
        detail("Let me think."),
        {"type": "reasoning.encrypted", "data": "xyz", "index": 1},
    ]
    assert message.content == "42"


def test_several_choices_and_unknown_fields_are_kept() -> None:
    asm, _ = run(
        sse(
            {**delta(0, content="A"), "brand_new": 1},
            delta(1, content="B", mood="calm"),
            delta(0, finish="stop"),
            delta(1, finish="length"),
        )
    )
    reply = asm.final_response()
    assert [(c.index, c.message.content, c.finish_reason) for c in reply.choices] == [
        (0, "A", "stop"),
        (1, "B", "length"),
    ]
    assert reply.extra == {"brand_new": 1}
    assert reply.choices[1].message.extra == {"mood": "calm"}


def test_an_error_event_raises_stream_error_after_earlier_chunks() -> None:
    asm = assembler()
    body = sse(
        delta(content="partial "),
        {
            "error": {
                "code": 502,
                "message": "Provider disconnected",
                "metadata": {"error_type": "provider_unavailable"},
            },
            "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}],
        },
        done=False,
    )
    first, rest = body[: body.index(b"data:", 40)], body[body.index(b"data:", 40) :]
    assert [c.text for c in feed_bytes(asm, first)] == ["partial "]
    with pytest.raises(errors.StreamError) as info:
        feed_bytes(asm, rest)
    exc = info.value
    assert (exc.code, exc.message, exc.status_code) == (502, "Provider disconnected", 200)
    assert exc.metadata == {"error_type": "provider_unavailable"}
    assert exc.request_id == "gen-9"
    assert exc.response.text == "partial "


def test_a_string_error_code_and_a_choice_level_error() -> None:
    with pytest.raises(errors.StreamError) as info:
        run(sse({"error": {"code": "server_error", "message": f"boom {CANARY_KEY}"}}, done=False))
    assert info.value.code == "server_error"
    assert CANARY_KEY not in str(info.value)
    with pytest.raises(errors.StreamError, match="rate limited"):
        run(
            sse(
                {
                    "choices": [
                        {
                            "index": 0,
                            "delta": {},
                            "finish_reason": "error",
                            "error": {"code": 429, "message": "rate limited"},
                        }
                    ]
                }
            )
        )


def test_malformed_json_shows_the_line() -> None:
    with pytest.raises(
        errors.InvalidResponseError, match=r"malformed JSON.*\{\"id\": \"gen-x\", \"cho"
    ) as info:
        run(sse(delta(content="a"), '{"id": "gen-x", "choices": ['))
    assert not isinstance(info.value.__cause__, json.JSONDecodeError)
    assert info.value.__context__ is None or info.value.__suppress_context__
    with pytest.raises(errors.InvalidResponseError, match="not a JSON object"):
        run(sse("[1, 2]"))


def test_long_malformed_lines_are_truncated() -> None:
    with pytest.raises(errors.InvalidResponseError) as info:
        run(sse("{" + "x" * 5000))
    assert len(str(info.value)) < 400


def test_a_stream_that_ends_early_is_an_error_not_a_short_answer() -> None:
    asm = assembler()
    feed_bytes(asm, sse(delta(content="The answer is"), done=False))
    with pytest.raises(errors.APIConnectionError, match="incomplete") as info:
        asm.finish()
    assert info.value.response.text == "The answer is"


def test_a_finish_reason_without_done_is_complete() -> None:
    asm, _ = run(sse(delta(content="ok"), delta(finish="stop"), done=False))
    assert asm.final_response().text == "ok"
    asm.finish()  # finishing twice is harmless


def test_events_after_done_are_ignored() -> None:
    asm = assembler()
    chunks = feed_bytes(
        asm, sse(delta(content="a"), delta(finish="stop")) + sse(delta(content="zzz"))
    )
    assert [c.text for c in chunks] == ["a", ""]
    asm.finish()
    assert asm.final_response().text == "a"


def test_started_turns_true_only_with_output() -> None:
    asm = assembler()
    feed_bytes(asm, sse(delta(role="assistant", content=""), done=False))
    assert not asm.started
    feed_bytes(asm, sse(delta(tool_calls=[{"index": 0, "id": "c"}]), done=False))
    assert asm.started


def test_lazy_chunks_behave_like_parsed_ones() -> None:
    import pickle

    payload = {
        **HEAD,
        "choices": [{"index": 0, "delta": {"content": "Hi", "new": 1}, "finish_reason": None}],
    }
    _, chunks = run(sse(payload, delta(finish="stop")))
    lazy = chunks[0]
    eager = converters().fast.structure(json.loads(json.dumps(payload)), StreamChunk)
    assert lazy.text == "Hi"  # read from the JSON, nothing parsed yet
    assert lazy.finish_reason is None
    assert lazy == eager
    assert repr(lazy) == repr(eager)
    assert lazy.choices[0].delta.extra == {"new": 1}
    assert pickle.loads(pickle.dumps(lazy)) == eager  # noqa: S301 (our own bytes)
    assert chunks[1].finish_reason == "stop"
    other = run(sse(payload))[1][0]
    other.model = "changed/before-parsing"
    assert other.model == "changed/before-parsing"
    assert other.id == "gen-9"  # parsing the rest keeps what the caller set
    assert other.model == "changed/before-parsing"
    assert not hasattr(other, "no_such_field")


def test_an_answer_the_server_had_not_finished_is_partial() -> None:
    asm = assembler()
    feed_bytes(asm, sse(delta(content="The answer"), done=False))
    reply = asm.final_response()
    assert (asm.complete, reply.partial, reply.text) == (False, True, "The answer")
    feed_bytes(asm, sse(delta(finish="stop")))
    asm.finish()
    assert asm.complete
    assert not asm.final_response().partial


def test_a_partial_answer_before_any_choice_still_has_one() -> None:
    asm = assembler()
    feed_bytes(asm, sse(delta(role="assistant"), done=False)[:10])  # not even one whole event
    reply = asm.final_response()
    assert reply.partial
    assert len(reply.choices) == 1
    choice = reply.choices[0]
    assert (choice.index, choice.finish_reason, choice.message.role) == (0, None, "assistant")
    assert (reply.text, reply.usage.total_tokens) == ("", 0)


def test_a_complete_answer_without_usage_has_zeros_and_is_not_partial() -> None:
    asm, _ = run(sse(delta(content="ok", finish="stop")))
    reply = asm.final_response()
    assert (reply.partial, reply.usage.total_tokens, reply.usage.cost) == (False, 0, None)


def test_routing_metadata_from_the_last_chunk_is_kept() -> None:
    metadata = {"strategy": "latency", "region": "eu"}
    asm, _ = run(
        sse(
            delta(content="ok", finish="stop"),
            {"choices": [], "usage": USAGE, "openrouter_metadata": metadata, "x_new": 1},
        )
    )
    reply = asm.final_response()
    assert reply.openrouter_metadata == metadata
    assert reply.extra == {"x_new": 1}


# -- the text chunk's shortcut ---------------------------------------------------------------------
_TEXT_CHUNKS: list[dict[str, Any]] = [
    {
        "id": "gen-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "a/b",
        "provider": "P",
        "choices": [
            {
                "index": 0,
                "delta": {"role": "assistant", "content": "Hi"},
                "finish_reason": None,
                "native_finish_reason": None,
                "logprobs": None,
            }
        ],
    },
    {"id": "gen-1", "choices": [{"delta": {"content": ""}, "finish_reason": "stop"}]},
    {"id": "gen-1", "choices": [{"index": None, "delta": None}]},
    {"id": "gen-1", "choices": [{"delta": {}}], "system_fingerprint": None},
    {"choices": []},
    {},
]
_OTHER_CHUNKS: list[dict[str, Any]] = [
    {"id": "gen-1", "choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 2}},
    {"id": "gen-1", "choices": [{"delta": {"content": "a", "reasoning": "b"}}]},
    {"id": "gen-1", "choices": [{"delta": {"tool_calls": [{"index": 0, "id": "c"}]}}]},
    {"id": "gen-1", "choices": [{"delta": {"content": "a"}, "logprobs": {"content": []}}]},
    {"id": "gen-1", "choices": [{"delta": {"content": "a"}, "surprise": 1}]},
    {"id": "gen-1", "created": 1.5, "choices": []},
    {"id": "gen-1", "created": True, "choices": []},
    {"id": "gen-1", "choices": None},
    {"id": "gen-1", "choices": [{"index": "0", "delta": {"content": "a"}}]},
    {"id": "gen-1", "new_field": {"x": 1}},
]


@pytest.mark.parametrize("payload", _TEXT_CHUNKS + _OTHER_CHUNKS)
def test_the_text_chunk_shortcut_builds_what_the_general_filler_builds(
    payload: dict[str, Any],
) -> None:
    from openrouter_kit._core import assemble, convert
    from openrouter_kit._core.modelbase import lazy
    from openrouter_kit._generated.models import StreamChunk

    general = lazy(StreamChunk, payload)
    try:
        convert._filler(StreamChunk)(general, payload)
    except Exception:  # the shortcut must leave such payloads to the general filler
        refused = True
    else:
        refused = False
    if refused:
        assert not assemble._fill_text_chunk(lazy(StreamChunk, payload), payload)
        return
    fast = lazy(StreamChunk, payload)
    took = assemble._fill_text_chunk(fast, payload)
    assert took == (payload in _TEXT_CHUNKS)
    if took:
        for name in attrs.fields_dict(StreamChunk):
            assert getattr(fast, name) == getattr(general, name), name
    through_the_model = lazy(StreamChunk, payload)
    assert through_the_model == general  # what a reader gets, whichever filler ran
