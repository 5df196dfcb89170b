"""A response body decoded (``Content-Encoding``) and counted against a size cap, in bounded memory.

Owns: the cap on what one response may decode to (``DEFAULT_MAX_RESPONSE_BYTES``), the encodings
we ask for (``ACCEPT_ENCODING``) and how each is undone. zlib inflates at most what is left
under the cap plus one byte per piece, so a gzip bomb costs at most the cap in memory before
``ResponseTooLargeError``. Never knows: sockets, httpx (the shells feed the raw bytes they read).
"""

from __future__ import annotations

import zlib

from openrouter_kit.errors import InvalidResponseError, ResponseTooLargeError

__all__ = ["ACCEPT_ENCODING", "DEFAULT_MAX_RESPONSE_BYTES", "BodyDecoder"]

#: The most bytes one response may decode to by default: far above any JSON answer or model
#: list, and above the longest streamed answers (about 300 bytes of event per token).
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024

#: What our requests accept: the encodings ``BodyDecoder`` can undo within the cap. (httpx would
#: also ask for ``br`` and ``zstd`` when their packages are installed, whose decoders have no
#: output bound.)
ACCEPT_ENCODING = "gzip, deflate"

_GZIP = zlib.MAX_WBITS | 16
_IDENTITY = frozenset({"", "identity"})


class _Inflater:
    """One gzip or deflate layer (deflate: the zlib format, or raw deflate as some servers send,
    told apart on the first bytes, whatever pieces they come in)."""

    __slots__ = ("_seen", "_z")

    def __init__(self, gzip: bool) -> None:
        #: deflate's input until the format is settled (None once it is, and for gzip).
        self._seen: bytes | None = None if gzip else b""
        self._z = zlib.decompressobj(_GZIP if gzip else zlib.MAX_WBITS)

    def feed(self, data: bytes, most: int) -> bytes | None:
        """Up to ``most`` decoded bytes (0: all), or None when there would be more."""
        seen = self._seen
        if seen is None:
            out = self._z.decompress(data, most)
        else:
            seen += data
            try:
                out = self._z.decompress(data, most)
                self._seen = None if out or len(seen) >= 2 else seen  # its header: 2 bytes
            except zlib.error:  # no zlib header: raw deflate, from the first byte
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                self._seen = None
                out = self._z.decompress(seen, most)
        return None if self._z.unconsumed_tail else out

    def flush(self) -> bytes:
        return self._z.flush()


class BodyDecoder:
    """Undo a response's ``Content-Encoding`` piece by piece, counting the decoded bytes.

    ``feed(raw) -> bytes`` for each piece read, then ``flush()`` at the end. One decoder per
    response; not thread-safe (a response is read by one reader).
    """

    __slots__ = ("_layers", "_left", "_status", "limit")

    def __init__(self, content_encoding: str | None, limit: int | None, status: int) -> None:
        """
        Args:
            content_encoding: The response's ``Content-Encoding`` header (None: none).
            limit: The most bytes the body may decode to (None: no cap).
            status: The response's status, for the errors raised.

        Raises:
            InvalidResponseError: an encoding we did not ask for (only gzip and deflate are).
        """
        self.limit = limit
        self._status = status
        self._left = limit
        self._layers: list[_Inflater] = []
        if content_encoding is None:
            return
        for name in reversed(content_encoding.lower().split(",")):  # the last one applied first
            name = name.strip()
            if name in ("gzip", "x-gzip", "deflate"):
                self._layers.append(_Inflater(gzip=name != "deflate"))
            elif name not in _IDENTITY:
                raise InvalidResponseError(
                    f"the response is encoded as {name[:40]!r}, which was not asked for "
                    f"(Accept-Encoding: {ACCEPT_ENCODING})",
                    status_code=status,
                )

    @property
    def identity(self) -> bool:
        """True when the body is not encoded (the decoded bytes are the bytes read)."""
        return not self._layers

    def feed(self, data: bytes) -> bytes:
        """The decoded bytes of the next piece read.

        Raises:
            ResponseTooLargeError: the body decodes to more than ``limit`` bytes.
            InvalidResponseError: the body is not valid gzip or deflate.
        """
        left = self._left
        if not self._layers:
            if left is not None:
                left = self._left = left - len(data)
                if left < 0:
                    raise self._too_large()
            return data
        return self._inflate(data, final=False)

    def flush(self) -> bytes:
        """What the decoders still hold at the end of the body (usually nothing).

        Raises:
            ResponseTooLargeError, InvalidResponseError: as ``feed``.
        """
        return self._inflate(b"", final=True) if self._layers else b""

    def _inflate(self, data: bytes, *, final: bool) -> bytes:
        left = self._left
        most = 0 if left is None else left + 1  # 0: no bound (zlib's meaning)
        out = data
        try:
            for layer in self._layers:
                inflated = layer.feed(out, most) if out else b""
                if inflated is None:  # more than the cap, even in an inner layer
                    raise self._too_large()
                out = inflated + layer.flush() if final else inflated
        except zlib.error as exc:
            raise InvalidResponseError(
                f"the response body does not decode: {exc}", status_code=self._status
            ) from None
        if left is not None:
            left = self._left = left - len(out)
            if left < 0:
                raise self._too_large()
        return out

    def _too_large(self) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"the response decodes to more than max_response_bytes ({self.limit:,} bytes); "
            "reading stopped there (raise the cap with Client(max_response_bytes=...) if the "
            "answer is genuine)",
            limit=self.limit,
            status_code=self._status,
        )
