"""Drivers for the core's tests, kept out of the library (as h11 keeps ``tests/helpers.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from openrouter_kit._core.wire import Endpoint
from openrouter_kit._generated.endpoints import ROWS

if TYPE_CHECKING:
    from openrouter_kit._core.assemble import StreamAssembler
    from openrouter_kit._generated.models import StreamChunk

#: Every operation of the generated table (the clients use the ones ``_core.wire`` names).
ENDPOINTS = [Endpoint(*row) for row in ROWS]


def feed_bytes(assembler: StreamAssembler, data: bytes) -> list[StreamChunk]:
    """The chunks ``data`` completes, as a stream would take them one by one.

    Raises:
        StreamError: the server sent an error event (after the chunks before it).
        InvalidResponseError: an event is not valid JSON, or not a chunk.
    """
    chunks = []
    for event in assembler.events(data):
        chunk = assembler.feed(event)
        if chunk is not None:
            chunks.append(chunk)
    return chunks
