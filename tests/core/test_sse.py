"""The SSE decoder, the h11 way: a real transcript fed through every split, no server."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Hashable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openrouter_kit._core.sse import MAX_EVENT_BYTES, ServerSentEvent, SSEDecoder
from openrouter_kit.errors import InvalidResponseError, ResponseTooLargeError

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


# -- linear time and bounded size (issue 14, F8) -----------------------------------------------


def decode_with(max_bytes: int, pieces: list[bytes]) -> tuple[list[ServerSentEvent], int]:
    decoder = SSEDecoder(max_bytes)
    events = []
    for piece in pieces:
        events.extend(decoder.feed(piece))
    events.extend(decoder.flush())
    return events, decoder.comments


def feed_all(decoder: SSEDecoder, pieces: list[bytes]) -> None:
    for piece in pieces:
        decoder.feed(piece)


def splits(body: bytes) -> Iterator[list[bytes]]:
    """``body`` whole, cut at every point, and one byte at a time."""
    yield [body]
    for cut in range(len(body) + 1):
        yield [body[:cut], body[cut:]]
    yield [body[i : i + 1] for i in range(len(body))]


# A transcript whose lines are longer than what the decoder re-splits with the next read, so the
# unfinished line grows in place: CRLF, CR, LF and a multi-byte character at the cuts.
LONG = "é" * 6000  # 12,000 bytes
LONG_TRANSCRIPT = (
    b": " + b"k" * 9000 + b"\r\n\r\n"
    + b"event: big\r\ndata: " + LONG.encode() + b"\r\ndata: " + LONG.encode() + b"\r\n\r\n"
    + b"data: " + LONG.encode() + b"\r\r"
    + b"data: " + LONG.encode() + b"\n\n"
    + b"data: tail-" + LONG.encode()
)  # fmt: skip
LONG_EXPECTED = [
    ServerSentEvent(LONG + "\n" + LONG, event="big"),
    ServerSentEvent(LONG),
    ServerSentEvent(LONG),
    ServerSentEvent("tail-" + LONG),
]


def test_long_lines_decode_the_same_whatever_the_reads() -> None:
    body = LONG_TRANSCRIPT
    assert decode([body]) == (LONG_EXPECTED, 1)
    for size in (1, 7, 1000, 4096, 8191, 8192, 8193, 12_001, 65_536):
        pieces = [body[i : i + size] for i in range(0, len(body), size)]
        assert decode(pieces) == (LONG_EXPECTED, 1), size
    # every cut near the line breaks and the multi-byte characters
    breaks = [i for i in range(len(body)) if body[i] in b"\r\n"]
    for around in breaks:
        for cut in range(around - 3, around + 4):
            assert decode([body[:cut], body[cut:]]) == (LONG_EXPECTED, 1), cut


def test_a_long_line_fed_in_small_reads_is_never_copied_whole_again() -> None:
    # The review's reproducer (F8): one long line in 64 KiB reads was O(n^2) (40 MB: 15 s), as
    # every read copied and re-split all of it. Measured without a clock: with 8 MiB of the
    # line buffered, one more read must not allocate anything near the size of the line.
    decoder = SSEDecoder()
    piece = b"A" * 65536
    tracemalloc.start()
    try:
        decoder.feed(b"data: ")
        for _ in range(128):
            decoder.feed(piece)
        peaks = []
        for _ in range(16):
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            decoder.feed(piece)
            peaks.append(tracemalloc.get_traced_memory()[1] - before)
    finally:
        tracemalloc.stop()
    # a bytearray grows by about 1/8 when it reallocates: 1 MiB here, never 8 MiB
    assert max(peaks) < 3 * 2**20, peaks
    assert decoder.feed(b"\n\n") == [ServerSentEvent("A" * 65536 * 144)]


def test_the_default_limit_is_16_mib() -> None:
    assert MAX_EVENT_BYTES == 16 * 2**20
    decoder = SSEDecoder()
    decoder.feed(b": " + b"x" * (MAX_EVENT_BYTES - 2))  # a line of exactly the limit
    assert decoder.feed(b"\n") == []
    with pytest.raises(InvalidResponseError, match=r"a line longer than 16777216 bytes"):
        decoder.feed(b": " + b"x" * (MAX_EVENT_BYTES - 1))


def test_a_line_up_to_the_limit_passes_and_one_byte_more_is_refused_whatever_the_reads() -> None:
    fits = b"data: " + b"x" * 26 + b"\r\n\r\n"  # a line of 32 bytes
    for pieces in splits(fits):
        assert decode_with(32, pieces) == ([ServerSentEvent("x" * 26)], 0)
    for newline in (b"\n", b"\r", b"\r\n", b""):
        too_long = b"data: " + b"x" * 27 + newline + newline
        for pieces in splits(too_long):
            with pytest.raises(ResponseTooLargeError, match="a line longer than 32 bytes") as info:
                decode_with(32, pieces)
            assert (info.value.status_code, info.value.limit) == (200, 32)


def test_an_event_up_to_the_limit_passes_and_one_byte_more_is_refused_whatever_the_reads() -> None:
    # the data of an event is its data lines joined by "\n": 10 + 1 + 10 + 1 + 10 = 32 bytes
    fits = b"data: " + b"a" * 10 + b"\ndata:" + b"b" * 10 + b"\n: note\ndata: " + b"c" * 10
    expected = [ServerSentEvent("a" * 10 + "\n" + "b" * 10 + "\n" + "c" * 10)]
    for pieces in splits(fits + b"\n\ndata: next\n\n"):
        assert decode_with(32, pieces) == ([*expected, ServerSentEvent("next")], 1)
    too_big = fits + b"c" + b"\n\n"
    for pieces in splits(too_big):
        with pytest.raises(InvalidResponseError, match="an event longer than 32 bytes"):
            decode_with(32, pieces)
    for pieces in splits(too_big[:-2]):  # never terminated: refused as it grows, or by flush
        with pytest.raises(InvalidResponseError, match="longer than 32 bytes"):
            decode_with(32, pieces)


def test_data_lines_without_a_blank_line_are_refused_once_past_the_limit() -> None:
    # The review's second F8 reproducer: 600 MB of data lines and never a blank line were all
    # kept (1.8 GiB). Now the event is refused at the limit, and what it holds stays in one
    # buffer of about the limit.
    decoder = SSEDecoder(2**20)
    read = b"data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n" * 1700
    tracemalloc.start()
    try:
        with pytest.raises(InvalidResponseError, match="an event longer than 1048576 bytes"):
            feed_all(decoder, [read] * 10_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20


def test_many_events_of_up_to_the_limit_each_are_fine() -> None:
    # the limit is per event, not per stream: a long stream of events near it passes
    body = (b"data: " + b"y" * 58 + b"\n\n") * 1000
    events, _ = decode_with(64, [body[i : i + 50] for i in range(0, len(body), 50)])
    assert len(events) == 1000


def test_the_limit_must_be_a_positive_number_of_bytes() -> None:
    for bad in (0, -1, 1.5, True, "16"):
        with pytest.raises(ValueError, match="max_event_bytes must be a positive integer"):
            SSEDecoder(bad)  # type: ignore[arg-type]
    assert SSEDecoder(1).feed(b"x\n") == []


_LINE = st.one_of(
    st.builds(lambda s: b"data: " + s.encode(), st.text("abc", max_size=40)),
    st.builds(lambda s: b"data:" + s.encode(), st.text("xy", max_size=12)),
    st.builds(lambda s: b": " + s.encode(), st.text("k", max_size=30)),
    st.just(b"event: named"),
    st.just(b"id: 9"),
    st.just(b""),
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.tuples(_LINE, st.sampled_from([b"\n", b"\r\n", b"\r"])), max_size=25),
    st.integers(1, 60),
    st.data(),
)
def test_any_limit_refuses_exactly_the_streams_that_pass_it(
    lines: list[tuple[bytes, bytes]], limit: int, data: st.DataObject
) -> None:
    body = b"".join(line + newline for line, newline in lines)
    expected = decode([body])
    longest_line = max((len(line) for line in body.splitlines()), default=0)
    largest_event = max((len(e.data) for e in expected[0]), default=0)
    cuts = sorted(set(data.draw(st.lists(st.integers(0, len(body)), max_size=10))))
    pieces = [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True)]
    if longest_line > limit or largest_event > limit:
        with pytest.raises(InvalidResponseError, match=f"longer than {limit} bytes"):
            decode_with(limit, pieces)
    else:
        assert decode_with(limit, pieces) == expected


# -- the mutation review's gaps (issue 14, item 15) ---------------------------------------------


def test_a_named_event_with_one_data_line_keeps_its_name() -> None:
    # the fast dispatch is for unnamed events only: a named one must not come out as "message"
    for pieces in splits(b"event: error\ndata: x\n\ndata: y\n\n"):
        assert decode(pieces) == ([ServerSentEvent("x", event="error"), ServerSentEvent("y")], 0)


def test_an_event_compares_equal_only_to_an_event() -> None:
    assert (ServerSentEvent("x") == "x") is False
    assert (ServerSentEvent("x") != "x") is True
    assert ServerSentEvent("x").__eq__("x") is NotImplemented
    assert ServerSentEvent("x", "e", "1", 5) == ServerSentEvent("x", "e", "1", 5)
    for other in (
        ServerSentEvent("y", "e", "1", 5),
        ServerSentEvent("x", "f", "1", 5),
        ServerSentEvent("x", "e", "2", 5),
        ServerSentEvent("x", "e", "1", 6),
    ):
        assert ServerSentEvent("x", "e", "1", 5) != other


def test_an_event_is_not_hashable() -> None:
    # it is mutable: equal events must not be told apart by a set or dict
    assert not isinstance(ServerSentEvent("x"), Hashable)
    with pytest.raises(TypeError, match="unhashable"):
        hash(ServerSentEvent("x"))


def test_long_lines_in_many_reads_are_refused_before_their_end() -> None:
    # A line longer than the decoder joins to the next read (8 KiB) grows in a bytearray: it is
    # refused as soon as it passes the limit, not only when its line break comes.
    decoder = SSEDecoder(10_000)
    decoder.feed(b"data: " + b"x" * 8994)  # 9,000 bytes
    for _ in range(10):
        decoder.feed(b"x" * 100)  # 10,000 bytes: still fine
    with pytest.raises(InvalidResponseError, match="a line longer than 10000 bytes"):
        decoder.feed(b"x")
    fits = SSEDecoder(10_000)
    fits.feed(b"data: " + b"x" * 8994)
    assert fits.feed(b"x" * 1000 + b"\n\n") == [ServerSentEvent("x" * 9994)]


@pytest.mark.parametrize(
    "read",
    [
        b"\r" + b"data: " + b"y" * 1500,  # a CR first, no LF
        b"tail\r" + b"y" * 1500,  # a CR inside, no LF
        b"\n" + b"z" * 1500 + b"\r",  # a LF first, a CR later
        b"a\nb" + b"c" * 1500 + b"\r",  # a LF before a CR
        b"a\rb" + b"c" * 1500 + b"\n",  # a CR before a LF
    ],
)
def test_a_long_line_ends_at_its_first_line_break_whatever_comes_after(read: bytes) -> None:
    # 9,000 bytes buffered, then a read whose first line break ends the line well within the
    # limit: what follows the break belongs to other lines, and must not count against this one.
    decoder = SSEDecoder(10_000)
    decoder.feed(b": " + b"k" * 8998)
    decoder.feed(read)
    assert decoder.comments == 1


def test_a_crlf_cut_after_the_cr_in_a_read_past_the_limit_is_one_line_break() -> None:
    # The exact path (a read longer than the limit) keeps the CR's LF for the next read too.
    first = b"data: x\n" * 5 + b"data: y\r"  # 48 bytes: longer than the limit of 30
    events, _ = decode_with(30, [first, b"\ndata: z\n\n"])
    assert events == [ServerSentEvent("x\nx\nx\nx\nx\ny\nz")]


def test_an_unfinished_line_of_exactly_the_limit_in_a_read_past_it_is_accepted() -> None:
    read = b"data: x\n" + b": " + b"k" * 8  # 18 bytes; the unfinished comment is 10
    assert decode_with(10, [read, b"\n\n"]) == ([ServerSentEvent("x")], 1)
    with pytest.raises(InvalidResponseError, match="a line longer than 10 bytes"):
        decode_with(10, [read + b"k"])


def test_an_event_of_two_lines_past_the_limit_is_refused() -> None:
    body = b"data: aaaaaa\ndata: bbbbbb\n\n"  # 6 + 1 + 6 = 13 bytes of data
    for pieces in splits(body):
        with pytest.raises(InvalidResponseError, match="an event longer than 12 bytes"):
            decode_with(12, pieces)
        assert decode_with(13, pieces) == ([ServerSentEvent("aaaaaa\nbbbbbb")], 0)


def test_a_blank_line_ends_an_event_name_even_without_data() -> None:
    # the name of an event with no data does not carry over to the next event
    for pieces in splits(b"event: ping\n\ndata: y\n\n"):
        assert decode(pieces) == ([ServerSentEvent("y")], 0)


def test_a_cr_ending_a_read_past_the_limit_ends_its_line() -> None:
    # CR-only line breaks: the line before the CR is complete, even if the next read starts
    # with more text (only a LF right after the CR would be part of the same break).
    first = b"data: x\r" * 5 + b"data: y\r"  # 48 bytes: longer than the limit of 30
    events, _ = decode_with(30, [first, b"data: z\r\r"])
    assert events == [ServerSentEvent("x\nx\nx\nx\nx\ny\nz")]


def test_an_event_of_many_data_lines_in_small_reads_is_never_copied_whole_again() -> None:
    # Like a long line, an event whose data lines come one read at a time grows in place: with
    # 8 MiB of its data held, one more line must not allocate anything near the event's size.
    decoder = SSEDecoder()
    read = b"data: " + b"B" * 65530 + b"\n"
    tracemalloc.start()
    try:
        for _ in range(128):
            decoder.feed(read)
        peaks = []
        for _ in range(16):
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            decoder.feed(read)
            peaks.append(tracemalloc.get_traced_memory()[1] - before)
    finally:
        tracemalloc.stop()
    assert max(peaks) < 3 * 2**20, peaks
    assert decoder.feed(b"\n") == [ServerSentEvent("\n".join(["B" * 65530] * 144))]
