"""Server-sent events: bytes in, events out, over arbitrary network boundaries.

Owns: line splitting (LF, CRLF, CR, and a CRLF split across two reads), the ``data:`` /
``event:`` / ``id:`` / ``retry:`` fields, comment lines (skipped and counted: OpenRouter sends
``: OPENROUTER PROCESSING`` keep-alives), UTF-8 decoding, and the size limit of a line and of an
event. Lines are decoded only once they are complete, and a line break byte never occurs inside a
multi-byte UTF-8 character, so a character split across two reads decodes correctly. Never knows:
JSON, ``[DONE]``, sockets.

Linear in its input: a short unfinished line is joined to the next read, as before; a long one
grows in place in a ``bytearray``, and only the new bytes are searched for its line break. An
event whose data spans reads is kept as one ``bytearray`` too. Every byte is copied a bounded
number of times, however the stream is cut into reads.
"""

from __future__ import annotations

from itertools import islice

from openrouter_kit.errors import ResponseTooLargeError

__all__ = ["MAX_EVENT_BYTES", "SSEDecoder", "ServerSentEvent"]

#: The default limit on one line of the stream and on one event's data (its ``data:`` lines
#: joined by ``\n``), in bytes: 16 MiB, far above any chunk OpenRouter sends.
MAX_EVENT_BYTES = 16 * 1024 * 1024
#: An unfinished line up to this long is joined to the next read and split again with it (the
#: cheapest way for the usual short remainder); a longer one goes to ``SSEDecoder._join``.
_SHORT = 8192


class ServerSentEvent:
    """One dispatched event: ``data`` (lines joined by ``\\n``), ``event``, ``id``, ``retry``."""

    __slots__ = ("data", "event", "id", "retry")

    def __init__(
        self, data: str, event: str = "message", id: str | None = None, retry: int | None = None
    ) -> None:
        self.data = data
        self.event = event
        self.id = id
        self.retry = retry

    def __repr__(self) -> str:
        return f"ServerSentEvent(event={self.event!r}, data={self.data[:60]!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServerSentEvent):
            return NotImplemented
        return (self.data, self.event, self.id, self.retry) == (
            other.data,
            other.event,
            other.id,
            other.retry,
        )

    __hash__ = None  # type: ignore[assignment]


def _too_big(what: str, limit: int) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"the event stream sent {what} longer than {limit} bytes (the client's max_event_bytes)",
        status_code=200,
        limit=limit,
    )


class SSEDecoder:
    """An incremental SSE parser: ``feed(bytes) -> list[ServerSentEvent]``, then ``flush()``.

    ``comments`` counts the comment lines seen (keep-alives). ``max_bytes`` bounds one line and
    one event's data; more raises ``ResponseTooLargeError`` (an ``InvalidResponseError``), so
    memory stays bounded whatever the server sends.
    """

    __slots__ = (
        "_buffer",
        "_data",
        "_event",
        "_id",
        "_max",
        "_pending_cr",
        "_retry",
        "_size",
        "comments",
    )

    def __init__(self, max_bytes: int = MAX_EVENT_BYTES) -> None:
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
            raise ValueError(f"max_event_bytes must be a positive integer, got {max_bytes!r}")
        self._max = max_bytes
        self._buffer: bytes | bytearray = b""  # the unfinished line
        self._pending_cr = (
            False  # the last read ended in CR: a LF starting the next one is its pair
        )
        self._data: list[bytes | bytearray] = []
        self._size = 0  # the length of the event's data while it spans reads
        self._event: bytes | None = None
        self._id: str | None = None
        self._retry: int | None = None
        self.comments = 0

    def feed(self, data: bytes) -> list[ServerSentEvent]:
        """Return the events completed by ``data`` (possibly none).

        Raises:
            ResponseTooLargeError: a line or an event's data is longer than the limit.
        """
        if self._pending_cr and data:
            self._pending_cr = False
            if data[:1] == b"\n":
                data = data[1:]
        buffer = self._buffer
        if buffer:
            if len(buffer) < _SHORT:  # a short one is bytes (``_join`` makes the bytearrays)
                data = buffer + data  # type: ignore[assignment]
                self._buffer = b""
            else:
                data = self._join(data)
        pending = self._data
        if len(data) > self._max or (pending and self._size + len(data) > self._max):
            return self._feed_checked(data)  # rare: a line or an event may pass the limit
        if not data:
            return []
        lines = data.splitlines()
        last = data[-1]
        if last == 13:  # b"\r": its LF may open the next read
            self._pending_cr = True
        elif last != 10:  # no line break at the end: keep the unfinished line
            self._buffer = lines.pop()
        events: list[ServerSentEvent] = []
        # The fields an event takes, in locals: only a line other than "data: " changes them.
        ident, retry, named = self._id, self._retry, self._event
        for line in lines:
            # Hot path first: OpenRouter sends one "data: " line and a blank line per event.
            if line[:6] == b"data: ":
                pending.append(line[6:])
            elif line:
                self._field(line)
                ident, retry, named = self._id, self._retry, self._event
            elif len(pending) == 1 and named is None:
                raw = pending[0]
                if raw:
                    text = raw.decode("utf-8", "replace")
                    events.append(ServerSentEvent(text, "message", ident, retry))
                pending.clear()
            elif pending:
                self._dispatch(events)
                named = None
            else:
                self._event = named = None
        if pending:  # an event continues in the next read
            self._hold()
        return events

    def flush(self) -> list[ServerSentEvent]:
        """Return what the end of the stream completes: a last line without a line break, and an
        event whose closing blank line never came (servers that omit it lose nothing).

        Raises:
            ResponseTooLargeError: that event's data is longer than the limit.
        """
        events: list[ServerSentEvent] = []
        if self._buffer:
            line = bytes(self._buffer)
            self._buffer = b""
            self._line(line, events)
            if self._data:
                self._hold()
        self._line(b"", events)
        return events

    def _feed_checked(self, data: bytes) -> list[ServerSentEvent]:
        """``feed`` for a read that could complete a line or an event longer than the limit:
        the same parse, one line at a time, with every line and the event checked (the
        unfinished line before ``data`` is already in it)."""
        lines = data.splitlines()
        last = data[-1]
        if last == 13:
            self._pending_cr = True
        elif last != 10:
            self._buffer = lines.pop()
        limit = self._max
        if len(self._buffer) > limit:
            raise _too_big("a line", limit)
        events: list[ServerSentEvent] = []
        for line in lines:
            if len(line) > limit:
                raise _too_big("a line", limit)
            self._line(line, events)
            if self._data:
                self._hold()
        return events

    def _join(self, data: bytes) -> bytes:
        """``data`` after the unfinished line once its line break is in ``data``, or nothing while
        the line goes on (``data`` is then added to it)."""
        buffer = self._buffer
        lf = data.find(b"\n")
        cr = data.find(b"\r")
        end = lf if cr < 0 else cr if lf < 0 else min(lf, cr)
        if len(buffer) + (len(data) if end < 0 else end) > self._max:
            raise _too_big("a line", self._max)
        if end < 0:
            if not isinstance(buffer, bytearray):
                self._buffer = buffer = bytearray(buffer)
            buffer += data
            return b""
        self._buffer = b""
        return b"".join((buffer, data))

    def _hold(self) -> None:
        """Keep the pending event's data lines as one ``bytearray`` (grown in place while the
        event spans reads: linear, and no per-line objects), within the limit."""
        pending = self._data
        if len(pending) > 1:
            first = pending[0]
            data = first if isinstance(first, bytearray) else bytearray(first)
            for line in islice(pending, 1, None):
                data += b"\n"
                data += line
            pending[:] = (data,)
        self._size = len(pending[0])
        if self._size > self._max:
            raise _too_big("an event", self._max)

    def _line(self, line: bytes, events: list[ServerSentEvent]) -> None:
        if line:
            self._field(line)
        elif self._data:
            self._dispatch(events)
        else:
            self._event = None

    def _dispatch(self, events: list[ServerSentEvent]) -> None:
        raw = b"\n".join(self._data) if len(self._data) > 1 else self._data[0]
        if raw:  # an event with no data (or one empty data line) is not dispatched
            event = "message" if self._event is None else self._event.decode("utf-8", "replace")
            events.append(
                ServerSentEvent(raw.decode("utf-8", "replace"), event, self._id, self._retry)
            )
        self._data.clear()
        self._event = None

    def _field(self, line: bytes) -> None:
        if line[0] == 58:  # b":" starts a comment
            self.comments += 1
            return
        name, _, value = line.partition(b":")
        if value[:1] == b" ":
            value = value[1:]
        if name == b"data":
            self._data.append(value)
        elif name == b"event":
            self._event = value
        elif name == b"id":
            if b"\0" not in value:
                self._id = value.decode("utf-8", "replace")
        elif name == b"retry" and value.isdigit():
            self._retry = int(value)
        # Other field names are ignored, as the SSE specification requires.
