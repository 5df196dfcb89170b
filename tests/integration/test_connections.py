"""Connections kept and TLS trusted: a stream read to its end gives its connection back to the
pool (40 streams, one connection, in every shell and transport), a body that goes on past
``[DONE]`` is closed within bounds, and ``verify=`` (a CA bundle, an ``ssl.SSLContext``, or
``False`` on loopback) reaches both transports' pools."""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from openrouter_kit import AsyncClient, Client, errors
from openrouter_kit import _http as transport_module
from openrouter_kit.testing import Emulator
from tests.integration.raw import OK_BODY, RawServer, Request, event, ok_head, raw_server

trustme = pytest.importorskip("trustme")

USER = [{"role": "user", "content": "hi"}]
MODEL = "openai/gpt-4o-mini"
STREAMS = 40


def streams_in_a_row(shell: str, emu: Emulator, count: int) -> list[bool]:
    """Read ``count`` streams to their end one after the other with one client of ``shell``;
    return each stream's ``partial``."""
    options: dict[str, Any] = {"api_key": emu.api_key, "base_url": emu.base_url}
    if shell == "sync":
        with Client(**options) as client:
            partial = []
            for _ in range(count):
                with client.stream(model=MODEL, messages=USER) as stream:
                    for chunk in stream:
                        _ = chunk.choices[0].delta.content if chunk.choices else None
                partial.append(stream.partial)
            return partial
    transport, backend = shell.split("-")

    async def main() -> list[bool]:
        async with AsyncClient(**options, transport=transport) as client:
            partial = []
            for _ in range(count):
                async with client.stream(model=MODEL, messages=USER) as stream:
                    async for chunk in stream:
                        _ = chunk.choices[0].delta.content if chunk.choices else None
                partial.append(stream.partial)
            return partial

    return anyio.run(main, backend=backend)


def test_streams_read_to_their_end_reuse_one_connection(emu: Emulator, shell: str) -> None:
    emu.script_stream(chunks=30, times=STREAMS)
    assert streams_in_a_row(shell, emu, STREAMS) == [False] * STREAMS
    assert emu.connections_total == 1
    assert emu.disconnects == 0


def test_final_response_and_text_stream_reuse_the_connection(emu: Emulator) -> None:
    emu.script_stream(chunks=10, times=6)
    with Client(api_key=emu.api_key, base_url=emu.base_url) as client:
        for _ in range(3):
            with client.stream(model=MODEL, messages=USER) as stream:
                assert stream.final_response().text
            with client.stream(model=MODEL, messages=USER) as stream:
                assert "".join(stream.text_stream)
    assert emu.connections_total == 1


def test_a_stream_left_early_still_closes_its_connection(emu: Emulator) -> None:
    emu.script_stream(chunks=200, delay=0.001, times=3)
    with Client(api_key=emu.api_key, base_url=emu.base_url) as client:
        for _ in range(3):
            with client.stream(model=MODEL, messages=USER) as stream:
                next(iter(stream))
            assert stream.partial
    assert emu.connections_total == 3  # the server must stop generating: never drained


def _chunked(data: bytes) -> bytes:
    return b"%x\r\n%b\r\n" % (len(data), data)


_STREAM_HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
)


def _after_done(tail: bytes, hold: float) -> Any:
    """A handler streaming one answer and ``[DONE]``, then ``tail`` (chunk-encoded), then
    waiting ``hold`` seconds before ending the body."""

    def handle(conn: socket.socket, request: Request, number: int) -> None:
        conn.sendall(
            _STREAM_HEAD
            + _chunked(event("Hello", "stop") + b"data: [DONE]\n\n")
            + (_chunked(tail) if tail else b"")
        )
        time.sleep(hold)
        conn.sendall(b"0\r\n\r\n")

    return handle


def _read_one_stream(shell: str, server: RawServer) -> tuple[Any, float]:
    options: dict[str, Any] = {"base_url": server.base_url, "max_retries": 0}
    started = time.monotonic()
    if shell == "sync":
        with Client(**options) as client, client.stream(model="a/b", messages=USER) as stream:
            reply = stream.final_response()
        return (reply, stream.partial), time.monotonic() - started
    transport, backend = shell.split("-")

    async def main() -> Any:
        async with (
            AsyncClient(**options, transport=transport) as client,
            client.stream(model="a/b", messages=USER) as stream,
        ):
            reply = await stream.final_response()
        return reply, stream.partial

    return anyio.run(main, backend=backend), time.monotonic() - started


@pytest.mark.parametrize(
    ("tail", "hold"),
    [(b"", 4.0), (b": " + b"x" * 10_000 + b"\n\n", 4.0)],
    ids=["end-held-back", "more-than-a-few-KiB"],
)
def test_reading_past_done_is_bounded(shell: str, tail: bytes, hold: float) -> None:
    with raw_server(_after_done(tail, hold)) as server:
        (reply, partial), took = _read_one_stream(shell, server)
    assert reply.text == "Hello"
    assert not partial
    assert took < 3.0  # the rest of the body is given one second at most, then closed


# -- verify= --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ca() -> Any:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


class TlsServer(RawServer):
    """``RawServer`` speaking TLS with a certificate for 127.0.0.1 signed by ``ca``."""

    def __init__(self, handler: Any, ca: Any) -> None:
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(self.context)
        super().__init__(handler)
        self.base_url = f"https://127.0.0.1:{self.port}/api/v1"

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            wrapped = self.context.wrap_socket(conn, server_side=True)
            wrapped.settimeout(None)
        except OSError:  # the client refused our certificate
            conn.close()
            return
        super()._serve(wrapped)


def _answer(conn: socket.socket, request: Request, number: int) -> None:
    conn.sendall(ok_head(len(OK_BODY)) + OK_BODY)


@pytest.fixture
def tls(ca: Any) -> Iterator[TlsServer]:
    server = TlsServer(_answer, ca)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def fresh_contexts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transport_module, "_ssl_contexts", {})
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


def complete_twice(shell: str, **options: Any) -> Any:
    """Two completions with one client of ``shell``: the replies, or the error raised."""
    options = {"max_retries": 0, **options}
    try:
        if shell == "sync":
            with Client(**options) as client:
                return [client.complete(model="a/b", messages=USER) for _ in range(2)]
        transport, backend = shell.split("-")

        async def main() -> Any:
            async with AsyncClient(**options, transport=transport) as client:
                return [await client.complete(model="a/b", messages=USER) for _ in range(2)]

        return anyio.run(main, backend=backend)
    except errors.OpenRouterError as exc:
        return exc


@pytest.mark.usefixtures("fresh_contexts")
@pytest.mark.parametrize("form", ["path", "str", "context", "directory"])
def test_verify_trusts_a_ca_in_every_shell(
    tls: TlsServer, shell: str, ca_file: Path, tmp_path: Path, form: str
) -> None:
    if form == "path":
        verify: Any = ca_file
    elif form == "str":
        verify = str(ca_file)
    elif form == "context":
        verify = ssl.create_default_context(cafile=str(ca_file))
    else:  # a directory of hashed certificates, as c_rehash makes it
        verify = _hashed_directory(tmp_path / "hashed", ca_file)
    replies = complete_twice(shell, api_key="sk-test", base_url=tls.base_url, verify=verify)
    assert not isinstance(replies, Exception), replies
    assert [reply.text for reply in replies] == ["hi", "hi"]
    assert tls.connections == 1


def _hashed_directory(directory: Path, ca_file: Path) -> Path:
    """A CA directory as OpenSSL's ``capath`` reads it: ``<subject hash>.0`` files."""
    import subprocess

    directory.mkdir()
    done = subprocess.run(
        ["openssl", "x509", "-hash", "-noout", "-in", str(ca_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("no openssl command to hash the CA certificate")
    (directory / f"{done.stdout.strip()}.0").write_bytes(ca_file.read_bytes())
    return directory


@pytest.mark.usefixtures("fresh_contexts")
def test_without_verify_an_unknown_ca_is_refused(tls: TlsServer, shell: str) -> None:
    outcome = complete_twice(shell, api_key="sk-test", base_url=tls.base_url)
    assert isinstance(outcome, errors.APIConnectionError)  # trio's names no reason
    assert shell == "httpx-trio" or "certificate" in str(outcome).lower()


@pytest.mark.usefixtures("fresh_contexts")
def test_ssl_cert_file_is_honoured(
    tls: TlsServer, shell: str, ca_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    replies = complete_twice(shell, api_key="sk-test", base_url=tls.base_url)
    assert not isinstance(replies, Exception), replies


@pytest.mark.usefixtures("fresh_contexts")
def test_verify_false_skips_the_check_on_loopback(tls: TlsServer, shell: str) -> None:
    replies = complete_twice(shell, api_key="sk-test", base_url=tls.base_url, verify=False)
    assert not isinstance(replies, Exception), replies


@pytest.mark.usefixtures("fresh_contexts")
def test_clients_given_one_bundle_share_one_context(ca_file: Path) -> None:
    base = "https://127.0.0.1:9/api/v1"
    with (
        Client(api_key="sk-test", base_url=base, verify=ca_file) as one,
        Client(api_key="sk-test", base_url=base, verify=str(ca_file)) as two,
    ):
        first = one._client()._transport._pool._ssl_context  # type: ignore[attr-defined]
        assert first is two._client()._transport._pool._ssl_context  # type: ignore[attr-defined]
        assert first is not transport_module.shared_ssl_context()
        assert first.verify_mode == ssl.CERT_REQUIRED


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_verify_false_is_refused_off_loopback(cls: type) -> None:
    with pytest.raises(errors.ConfigurationError, match="loopback"):
        cls(api_key="sk-test", verify=False)
    with pytest.raises(errors.ConfigurationError, match="loopback"):
        cls(api_key="sk-test", base_url="https://proxy.example/api/v1", verify=False)


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_bad_verify_values_are_configuration_errors(cls: type, tmp_path: Path) -> None:
    with pytest.raises(errors.ConfigurationError, match="CA bundle"):
        cls(api_key="sk-test", verify=tmp_path / "missing.pem")
    (tmp_path / "junk.pem").write_text("not a certificate")
    with pytest.raises(errors.ConfigurationError, match="CA bundle"):
        cls(api_key="sk-test", verify=str(tmp_path / "junk.pem"))
    with pytest.raises(errors.ConfigurationError, match="verify must be"):
        cls(api_key="sk-test", verify=1)
    http = httpx.Client() if cls is Client else httpx.AsyncClient()
    with pytest.raises(errors.ConfigurationError, match="http_client"):
        cls(api_key="sk-test", verify=False, http_client=http)


def test_the_aiohttp_pool_gets_the_context(ca_file: Path) -> None:
    pytest.importorskip("httpx_aiohttp")
    client = AsyncClient(
        api_key="sk-test",
        base_url="https://127.0.0.1:9/api/v1",
        transport="aiohttp",
        verify=ca_file,
    )
    pool = client._client()._transport  # type: ignore[attr-defined]
    assert pool.ssl_context is client._ssl
    assert pool.ssl_context is not None
