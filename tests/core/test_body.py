"""Decoding a body within its size cap: gzip, deflate (both forms), identity, every split, bombs."""

from __future__ import annotations

import zlib

import pytest

from openrouter_kit import errors
from openrouter_kit._core.body import ACCEPT_ENCODING, DEFAULT_MAX_RESPONSE_BYTES, BodyDecoder

TEXT = b'{"id": "gen-1", "choices": []}' * 50


def gzip(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return packer.compress(data) + packer.flush()


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def decode(encoding: str | None, body: bytes, limit: int | None, step: int) -> bytes:
    decoder = BodyDecoder(encoding, limit, 200)
    out = [decoder.feed(body[i : i + step]) for i in range(0, len(body), step)]
    return b"".join(out) + decoder.flush()


ENCODED = [
    (None, TEXT),
    ("identity", TEXT),
    ("gzip", gzip(TEXT)),
    ("x-gzip", gzip(TEXT)),
    ("GZip", gzip(TEXT)),
    ("deflate", zlib.compress(TEXT)),  # the zlib format, as the RFC says
    ("deflate", raw_deflate(TEXT)),  # raw deflate, as some servers send
    ("deflate, gzip", gzip(zlib.compress(TEXT))),  # applied in order, undone in reverse
]


@pytest.mark.parametrize(("encoding", "body"), ENCODED)
@pytest.mark.parametrize("step", [1, 7, 1 << 20])
def test_every_encoding_we_ask_for_decodes_at_every_split(
    encoding: str | None, body: bytes, step: int
) -> None:
    assert decode(encoding, body, None, step) == TEXT
    assert decode(encoding, body, len(TEXT), step) == TEXT  # exactly at the cap is fine


@pytest.mark.parametrize(("encoding", "body"), ENCODED)
@pytest.mark.parametrize("step", [1, 7, 1 << 20])
def test_one_byte_over_the_cap_is_refused(encoding: str | None, body: bytes, step: int) -> None:
    with pytest.raises(errors.ResponseTooLargeError) as info:
        decode(encoding, body, len(TEXT) - 1, step)
    assert info.value.limit == len(TEXT) - 1
    assert info.value.status_code == 200
    assert isinstance(info.value, errors.InvalidResponseError)
    assert "max_response_bytes" in str(info.value)


def test_a_bomb_is_stopped_at_the_cap_without_inflating_the_rest() -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    bomb = packer.compress(b"\0" * (64 << 20)) + packer.flush()  # 64 MiB in about 64 KiB
    assert len(bomb) < 100_000
    decoder = BodyDecoder("gzip", 1 << 20, 200)
    with pytest.raises(errors.ResponseTooLargeError):
        decoder.feed(bomb)
    # zlib was asked for the cap plus one byte: the rest of the input was never inflated.
    assert len(decoder._layers[0]._z.unconsumed_tail) > len(bomb) // 2


def test_an_inner_layer_past_the_cap_is_refused_too() -> None:
    body = gzip(zlib.compress(b"x" * 10_000))
    with pytest.raises(errors.ResponseTooLargeError):
        decode("deflate, gzip", body, 100, 1 << 20)


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress", "gzip, br"])
def test_an_encoding_we_did_not_ask_for_is_refused(encoding: str) -> None:
    with pytest.raises(errors.InvalidResponseError, match="not asked for") as info:
        BodyDecoder(encoding, None, 200)
    assert not isinstance(info.value, errors.ResponseTooLargeError)
    assert "br" not in ACCEPT_ENCODING
    assert "zstd" not in ACCEPT_ENCODING


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_body_that_does_not_decode_is_an_invalid_response(encoding: str) -> None:
    with pytest.raises(errors.InvalidResponseError, match="does not decode") as info:
        decode(encoding, b"\xff" * 40, None, 40)
    assert info.value.status_code == 200


def test_the_default_cap() -> None:
    assert DEFAULT_MAX_RESPONSE_BYTES == 64 * 1024 * 1024
    decoder = BodyDecoder(None, DEFAULT_MAX_RESPONSE_BYTES, 200)
    assert decoder.identity
    assert decoder.limit == DEFAULT_MAX_RESPONSE_BYTES
    assert not BodyDecoder("gzip", None, 200).identity
