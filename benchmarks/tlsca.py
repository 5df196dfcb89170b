"""A throwaway CA and a server certificate for 127.0.0.1, made at the start of a ``--tls`` run.

Made with ``trustme`` (which uses the ``cryptography`` package) when it is installed, else with
the ``openssl`` command. Every contender trusts the CA through ``SSL_CERT_FILE``, which httpx,
httpx2 (openai-python), aiohttp and openrouter-kit all read (and which works for a version of
openrouter-kit without ``verify=``), so each builds its TLS context the way it does by default.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def make(directory: Path) -> tuple[Path, Path, Path]:
    """Write ``ca.pem``, ``server.pem`` and ``server.key`` into ``directory``; return them."""
    ca, cert, key = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    try:
        import trustme
    except ImportError:
        _openssl(directory, ca, cert, key)
    else:
        authority = trustme.CA()
        issued = authority.issue_cert("127.0.0.1", "localhost")
        authority.cert_pem.write_to_path(str(ca))
        issued.private_key_pem.write_to_path(str(key))
        cert.write_bytes(b"".join(blob.bytes() for blob in issued.cert_chain_pems))
    return ca, cert, key


def _openssl(directory: Path, ca: Path, cert: Path, key: Path) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("--tls needs trustme (pip install trustme) or the openssl command")
    ca_key, csr, ext = directory / "ca.key", directory / "server.csr", directory / "ext.cnf"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], check=True, capture_output=True)  # noqa: S603

    run(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        str(ca_key),
        "-out",
        str(ca),
        "-days",
        "2",
        "-subj",
        "/CN=bench throwaway CA",
    )
    run(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        str(key),
        "-out",
        str(csr),
        "-subj",
        "/CN=127.0.0.1",
    )
    run(
        "x509",
        "-req",
        "-in",
        str(csr),
        "-CA",
        str(ca),
        "-CAkey",
        str(ca_key),
        "-CAcreateserial",
        "-out",
        str(cert),
        "-days",
        "2",
        "-extfile",
        str(ext),
    )
