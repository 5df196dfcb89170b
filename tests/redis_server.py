"""A real ``redis-server`` on a free loopback port, for the tests of ``RedisStore``.

``RedisServer`` starts one (no persistence, no protected mode), waits until it answers PING and
stops it at the end; ``pause``/``resume`` stop and continue the process (SIGSTOP, SIGCONT) to
make it unreachable while its sockets stay open, the way a stalled server looks to clients.

When ``redis-server`` is not installed the tests that need it skip with the command that installs
it, unless ``OPENROUTER_KIT_REQUIRE_REDIS=1`` (CI sets it): then they fail.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from types import TracebackType

import pytest

INSTALL_HINT = "install redis-server (apt-get install -y redis-server) to run the RedisStore tests"


def redis_server_binary() -> str:
    """The path of ``redis-server``; skips the test (fails it under
    ``OPENROUTER_KIT_REQUIRE_REDIS=1``) when it is not installed."""
    found = shutil.which("redis-server")
    if found is None:
        if os.environ.get("OPENROUTER_KIT_REQUIRE_REDIS") == "1":
            pytest.fail(
                f"redis-server is required here (OPENROUTER_KIT_REQUIRE_REDIS=1): {INSTALL_HINT}"
            )
        pytest.skip(INSTALL_HINT)
    return found


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """One ``redis-server`` process on 127.0.0.1 (use as a context manager)."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._dir = tempfile.TemporaryDirectory(prefix="ork-redis-")

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:<port>/0``."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        """Start on a free port and return once it answers PING (10 s at most)."""
        for _ in range(5):  # a port taken between free_port() and bind: try another
            self.port = free_port()
            self._process = subprocess.Popen(
                [
                    self.binary,
                    "--port", str(self.port),
                    "--bind", "127.0.0.1",
                    "--save", "",
                    "--appendonly", "no",
                    "--protected-mode", "no",
                    "--dir", self._dir.name,
                    "--loglevel", "warning",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            if self._wait_ready(10.0):
                return self
            self.stop()
        raise RuntimeError("redis-server did not start")

    def _wait_ready(self, seconds: float) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self._process is None or self._process.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return True
            except OSError:
                pass
            time.sleep(0.02)
        return False

    def pause(self) -> None:
        """Stop the process (SIGSTOP): connections stay open, nothing answers."""
        assert self._process is not None
        self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """Continue a paused process (SIGCONT)."""
        assert self._process is not None
        self._process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        """Kill the process and wait for it."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGCONT)
            process.kill()
            process.wait(5)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
        self._dir.cleanup()
