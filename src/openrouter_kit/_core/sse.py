"""Server-sent events: bytes in, events out, over arbitrary network boundaries.

Owns: line splitting (LF, CRLF, CR, and a CRLF split across two reads), the ``data:`` /
``event:`` / ``id:`` / ``retry:`` fields, comment lines (skipped and counted: OpenRouter sends
``: OPENROUTER PROCESSING`` keep-alives) and UTF-8 decoding. Lines are decoded only once they are
complete, and a line break byte never occurs inside a multi-byte UTF-8 character, so a character
split across two reads decodes correctly. Never knows: JSON, ``[DONE]``, sockets.
"""

from __future__ import annotations

__all__ = ["SSEDecoder", "ServerSentEvent"]


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


class SSEDecoder:
    """An incremental SSE parser: ``feed(bytes) -> list[ServerSentEvent]``, then ``flush()``.

    ``comments`` counts the comment lines seen (keep-alives).
    """

    __slots__ = ("_buffer", "_data", "_event", "_id", "_pending_cr", "_retry", "comments")

    def __init__(self) -> None:
        self._buffer = b""
        self._pending_cr = (
            False  # the last read ended in CR: a LF starting the next one is its pair
        )
        self._data: list[bytes] = []
        self._event: bytes | None = None
        self._id: str | None = None
        self._retry: int | None = None
        self.comments = 0

    def feed(self, data: bytes) -> list[ServerSentEvent]:
        """Return the events completed by ``data`` (possibly none)."""
        if self._pending_cr and data:
            self._pending_cr = False
            if data[:1] == b"\n":
                data = data[1:]
        if self._buffer:
            data = self._buffer + data
            self._buffer = b""
        if not data:
            return []
        lines = data.splitlines()
        last = data[-1]
        if last == 13:  # b"\r": its LF may open the next read
            self._pending_cr = True
        elif last != 10:  # no line break at the end: keep the unfinished line
            self._buffer = lines.pop()
        events: list[ServerSentEvent] = []
        pending = self._data
        for line in lines:
            # Hot path first: OpenRouter sends one "data: " line and a blank line per event.
            if line[:6] == b"data: ":
                pending.append(line[6:])
            elif line:
                self._field(line)
            elif len(pending) == 1 and self._event is None:
                if pending[0]:
                    text = pending[0].decode("utf-8", "replace")
                    events.append(ServerSentEvent(text, "message", self._id, self._retry))
                pending.clear()
            elif pending:
                self._dispatch(events)
            else:
                self._event = None
        return events

    def flush(self) -> list[ServerSentEvent]:
        """Return what the end of the stream completes: a last line without a line break, and an
        event whose closing blank line never came (servers that omit it lose nothing)."""
        events: list[ServerSentEvent] = []
        if self._buffer:
            self._line(self._buffer, events)
            self._buffer = b""
        self._line(b"", events)
        return events

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
