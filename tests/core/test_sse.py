"""The SSE decoder, the h11 way: a real transcript fed through every split, no server."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from openrouter_kit._core.sse import ServerSentEvent, SSEDecoder

# A transcript shaped like OpenRouter's: keep-alive comments, a multi-byte character, CRLF, an
# event with id/retry/event fields, a multi-line data field, the usage chunk and [DONE].
CHUNK = {"id": "gen-1", "choices": [{"index": 0, "delta": {"content": "héllo wörld €"}}]}
TRANSCRIPT = (
    b": OPENROUTER PROCESSING\n\n"
    + b"data: " + json.dumps(CHUNK, ensure_ascii=False).encode() + b"\n\n"
    + b": OPENROUTER PROCESSING\r\n\r\n"
    + b"event: ping\r\nid: 7\r\nretry: 1500\r\ndata: first\r\ndata: second\r\n\r\n"
    + b"data:no-space\rdata: cr-only\r\r"
    + b"data: " + json.dumps({"choices": [], "usage": {"total_tokens": 3}}).encode() + b"\n\n"
    + b"data: [DONE]\n\n"
)  # fmt: skip
EXPECTED = [
    ServerSentEvent(json.dumps(CHUNK, ensure_ascii=False)),
    ServerSentEvent("first\nsecond", event="ping", id="7", retry=1500),
    ServerSentEvent("no-space\ncr-only", id="7", retry=1500),
    ServerSentEvent(json.dumps({"choices": [], "usage": {"total_tokens": 3}}), id="7", retry=1500),
    ServerSentEvent("[DONE]", id="7", retry=1500),
]


def decode(pieces: list[bytes]) -> tuple[list[ServerSentEvent], int]:
    decoder = SSEDecoder()
    events = []
    for piece in pieces:
        events.extend(decoder.feed(piece))
    events.extend(decoder.flush())
    return events, decoder.comments


def test_whole_transcript() -> None:
    assert decode([TRANSCRIPT]) == (EXPECTED, 2)


def test_every_single_split_point_gives_identical_events() -> None:
    for cut in range(len(TRANSCRIPT) + 1):
        assert decode([TRANSCRIPT[:cut], TRANSCRIPT[cut:]]) == (EXPECTED, 2), cut


def test_every_two_split_points_around_the_multibyte_and_crlf_parts() -> None:
    for a in range(0, 140):
        for b in range(a, min(a + 40, len(TRANSCRIPT))):
            pieces = [TRANSCRIPT[:a], TRANSCRIPT[a:b], TRANSCRIPT[b:]]
            assert decode(pieces) == (EXPECTED, 2), (a, b)


def test_one_byte_at_a_time() -> None:
    assert decode([TRANSCRIPT[i : i + 1] for i in range(len(TRANSCRIPT))]) == (EXPECTED, 2)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(TRANSCRIPT)), max_size=12))
def test_any_set_of_split_points(cuts: list[int]) -> None:
    points = sorted(set(cuts))
    pieces = [
        TRANSCRIPT[a:b] for a, b in zip([0, *points], [*points, len(TRANSCRIPT)], strict=True)
    ]
    assert decode(pieces) == (EXPECTED, 2)


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(_TEXT, min_size=1, max_size=3), min_size=1, max_size=6),
    st.sampled_from([b"\n", b"\r\n", b"\r"]),
    st.data(),
)
def test_generated_transcripts_survive_any_splitting(
    events: list[list[str]], newline: bytes, data: st.DataObject
) -> None:
    body = b""
    expected = []
    for lines in events:
        body += b": keep-alive" + newline
        for line in lines:
            body += b"data: " + line.encode() + newline
        body += newline
        joined = "\n".join(lines)
        if joined:
            expected.append(ServerSentEvent(joined))
    cuts = data.draw(st.lists(st.integers(0, len(body)), max_size=8))
    points = sorted(set(cuts))
    pieces = [body[a:b] for a, b in zip([0, *points], [*points, len(body)], strict=True)]
    assert decode(pieces) == (expected, len(events))


def test_unknown_fields_are_ignored_and_a_missing_final_blank_line_is_tolerated() -> None:
    events, comments = decode([b"foo: bar\ndata: x\n\ndata: tail"])
    assert events == [ServerSentEvent("x"), ServerSentEvent("tail")]
    assert comments == 0


def test_an_event_with_no_data_is_not_dispatched() -> None:
    assert decode([b"event: nothing\n\ndata:\n\nid: 1\n\n"]) == ([], 0)


def test_invalid_utf8_is_replaced_not_fatal() -> None:
    events, _ = decode([b"data: \xff\xfe ok\n\n"])
    assert events[0].data.endswith(" ok")
