"""Client configuration: one frozen value built from arguments and the environment.

Owns: the fallback order (argument, then environment, then default), the HTTPS-or-loopback rule
(and no credentials in the URL), the rules for header names and values, and the request
defaults. Never knows: sockets, httpx, files (settings files are read by ``_settings``).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit

import attrs
from attrs import field, frozen

from openrouter_kit._core.sse import MAX_EVENT_BYTES
from openrouter_kit.errors import ConfigurationError

__all__ = [
    "DEFAULT_BASE_URL",
    "Config",
    "PhaseTimeouts",
    "TimeoutSetting",
    "Timeouts",
    "check_base_url",
    "check_headers",
]

DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"
DEFAULT_TIMEOUT = 120.0
#: Seconds a stream may go without an event (comments do not count) before it is given up.
DEFAULT_STREAM_IDLE_TIMEOUT = 300.0
DEFAULT_MAX_RETRIES = 3
DEFAULT_APP_NAME = "openrouter-kit"
#: Request fields a client may default (set by ``default_model``/``default_params`` or settings).
DEFAULTABLE = frozenset({"temperature", "max_tokens", "max_completion_tokens", "top_p", "provider"})


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> str:
    """Return ``url`` without a trailing slash, or raise if it is not HTTPS (loopback excepted)
    or carries a user name or password (never shown: it would be a credential)."""
    parts = urlsplit(url)
    if "@" in parts.netloc:
        raise ConfigurationError(
            "the base URL carries a user name or password (user:password@host): they would be "
            "shown wherever the URL is, and sent instead of the key; remove them (the client "
            "authenticates with api_key)"
        )
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return url.rstrip("/")
    if parts.scheme == "http" and _is_loopback(host):
        return url.rstrip("/")
    if parts.scheme == "http":
        raise ConfigurationError(
            f"refusing plain http:// base URL for {host!r}: the API key would travel unencrypted; "
            "use https:// (http:// is allowed only for loopback hosts)"
        )
    raise ConfigurationError(f"base URL must be an https:// URL, got {url[:80]!r}")


#: A header name: an RFC 9110 token.
_TOKEN = re.compile(r"[-!#$%&'*+.^_`|~0-9A-Za-z]+")
#: A header value as this client sends it: printable ASCII, spaces and tabs only between visible
#: characters (RFC 9110 field-value without obs-text).
_FIELD_VALUE = re.compile(r"(?:[\x21-\x7e](?:[ \t]*[\x21-\x7e])*)?")


def _value_problem(value: str) -> str:
    """Why ``value`` is no header value (it is never quoted: a header may hold a secret)."""
    if "\r" in value or "\n" in value:
        return "contains a line break"
    if not value.isascii():
        return (
            "contains non-ASCII characters (header values are printable ASCII: encode other "
            "text, e.g. with urllib.parse.quote)"
        )
    if not value.replace("\t", " ").isprintable():
        return "contains a control character"
    return "starts or ends with whitespace"


def check_headers(
    headers: Iterable[tuple[Any, Any]],
    where: str,
    error: Callable[[str], Exception] = ConfigurationError,
) -> tuple[tuple[str, str], ...]:
    """``headers`` as pairs of strings, or ``error`` naming ``where`` and the first bad one: a name
    that is not an RFC 9110 token, a value that is not a string of printable ASCII, or
    Authorization (the client sends its own key). Values are never shown.
    """
    checked = []
    for name, value in headers:
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            shown = repr(name)[:60] if isinstance(name, str) else type(name).__name__
            raise error(
                f"{where}: {shown} is not a header name (letters, digits and !#$%&'*+-.^_`|~)"
            )
        if name.lower() == "authorization":
            raise error(
                f"{where} cannot set Authorization: the client sends its own key "
                "(use another client for another key)"
            )
        if not isinstance(value, str):
            kind = type(value).__name__
            raise error(f"{where}: the value of {name} must be a string, got {kind}")
        if not _FIELD_VALUE.fullmatch(value):
            raise error(f"{where}: the value of {name} {_value_problem(value)}")
        checked.append((name, value))
    return tuple(checked)


def _header_setting(name: str, value: Any) -> None:
    """Refuse an ``app_name`` or ``app_url`` that cannot be sent as a header."""
    if value is not None and not isinstance(value, str):
        raise ConfigurationError(f"{name} must be a string or None, got {type(value).__name__}")
    if value and not _FIELD_VALUE.fullmatch(value):
        raise ConfigurationError(f"{name} {_value_problem(value)}; it is sent as a header")


def _positive_or_none(name: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ConfigurationError(
            f"{name} must be a positive number of seconds or None, got {value!r}"
        )
    return float(value)


_PHASES = ("connect", "read", "write", "pool")


def _check_retries(max_retries: Any) -> None:
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ConfigurationError(f"max_retries must be an integer >= 0, got {max_retries!r}")


@frozen
class Timeouts:
    """Seconds each phase of one HTTP attempt may take (None: no limit).

    ``connect``: opening the connection; ``read``: waiting for each piece of the response, and
    reading the whole body of a non-streamed answer (from its headers); ``write``: sending each
    piece of the request; ``pool``: waiting for a free connection.
    """

    connect: float | None = DEFAULT_TIMEOUT
    read: float | None = DEFAULT_TIMEOUT
    write: float | None = DEFAULT_TIMEOUT
    pool: float | None = DEFAULT_TIMEOUT

    @classmethod
    def of(cls, value: Any) -> Timeouts:
        """Timeouts from a number (all four), None (no limits), a ``Timeouts``, an
        ``httpx.Timeout``, or a dict with some of ``connect``/``read``/``write``/``pool``.

        Raises:
            ConfigurationError: a value is not a positive number or None.
        """
        if isinstance(value, Timeouts):
            return value
        if value is None or isinstance(value, int | float):
            seconds = _positive_or_none("timeout", value)
            return cls(seconds, seconds, seconds, seconds)
        if isinstance(value, Mapping):
            unknown = set(value) - set(_PHASES)
            if unknown:
                raise ConfigurationError(f"unknown timeout names: {', '.join(sorted(unknown))}")
            parts = {k: _positive_or_none(f"timeout {k}", v) for k, v in value.items()}
            return cls(**{**dict.fromkeys(_PHASES), **parts})
        if all(hasattr(value, name) for name in _PHASES):
            return cls(*(_positive_or_none(f"timeout {n}", getattr(value, n)) for n in _PHASES))
        raise ConfigurationError(f"timeout must be seconds, None or Timeouts, got {value!r}")

    def capped(self, seconds: float) -> Timeouts:
        """These timeouts, none longer than ``seconds`` (what is left of a call's deadline)."""
        return Timeouts(*(seconds if t is None else min(t, seconds) for t in self.as_tuple()))

    def as_tuple(self) -> tuple[float | None, float | None, float | None, float | None]:
        """(connect, read, write, pool)."""
        return (self.connect, self.read, self.write, self.pool)


class PhaseTimeouts(Protocol):
    """Anything with ``connect``, ``read``, ``write``, ``pool`` seconds, as ``httpx.Timeout``."""

    @property
    def connect(self) -> float | None: ...
    @property
    def read(self) -> float | None: ...
    @property
    def write(self) -> float | None: ...
    @property
    def pool(self) -> float | None: ...


#: What ``timeout=`` accepts: seconds for every phase, None (no limit), a dict with some of
#: ``connect``/``read``/``write``/``pool``, ``Timeouts``, or an ``httpx.Timeout``.
TimeoutSetting = float | Timeouts | Mapping[str, float | None] | PhaseTimeouts | None


def _checked_key(key: Any, name: str) -> str:
    """``key`` stripped, or the error saying what is wrong with it (never showing it)."""
    if not isinstance(key, str) or not key.strip():
        raise ConfigurationError(f"the {name} must be a non-empty string")
    if any(c.isspace() for c in key.strip()) or not key.isprintable():
        raise ConfigurationError(f"the {name} contains whitespace or control characters")
    if not key.isascii():  # it would fail in the Authorization header, showing itself
        raise ConfigurationError(f"the {name} contains non-ASCII characters")
    return key.strip()


@frozen
class Config:
    """Everything a client needs to build requests. Immutable, so copies share it safely.

    Build it with :meth:`from_env`; ``api_key`` never appears in the repr.
    """

    #: The API key ("" for a client that has only a management key).
    api_key: str = field(repr=False)
    base_url: str = DEFAULT_BASE_URL
    app_name: str | None = DEFAULT_APP_NAME
    app_url: str | None = None
    timeout: Timeouts = Timeouts()
    max_retries: int = DEFAULT_MAX_RETRIES
    default_model: str | None = None
    #: Request parameters applied to every request that does not set them.
    default_params: Mapping[str, Any] = field(factory=dict)
    #: Extra headers sent with every request (never logged).
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    #: The longest line, and the largest event, a stream may send (bytes).
    max_event_bytes: int = MAX_EVENT_BYTES
    #: The key for key management (``/keys``) and ``/credits``, kept as secret as ``api_key``.
    management_key: str | None = field(default=None, repr=False)
    #: Offer HTTP/2 on the client's own httpx pool.
    http2: bool = False

    @property
    def secrets(self) -> tuple[str, ...]:
        """The keys this configuration holds, for masking."""
        return tuple(k for k in (self.api_key, self.management_key) if k)

    def replaced(self, *, max_retries: int, timeout: Any) -> Config:
        """This configuration with other retry and timeout settings (validated)."""
        _check_retries(max_retries)
        return attrs.evolve(self, max_retries=max_retries, timeout=Timeouts.of(timeout))

    @classmethod
    def from_env(cls, environ: Mapping[str, str], **given: Any) -> Config:
        """Return the configuration from a client's keywords (named as this class's fields, given
        as ``Client`` takes them), taking the key and base URL from ``environ`` when not given; a
        field not given keeps its default.

        Raises:
            ConfigurationError: no API key anywhere, a refused base URL, or a bad value.
            TypeError: a keyword that names no field.
        """
        values = dict(given)
        management = values.get("management_key")
        if management is None:
            management = environ.get("OPENROUTER_MANAGEMENT_KEY") or None
        if management is not None:
            values["management_key"] = _checked_key(management, "management key")
        key = values.get("api_key")
        if key is None:
            key = environ.get("OPENROUTER_API_KEY", "")
        if management is not None and (key is None or key == ""):
            values["api_key"] = ""  # a client for key management only
        elif not isinstance(key, str) or not key.strip():
            raise ConfigurationError(
                "no API key: pass api_key=... or set the OPENROUTER_API_KEY environment variable "
                "(keys: https://openrouter.ai/keys); to try the SDK without a key, point it at the "
                "local emulator, openrouter_kit.testing.Emulator (see the README)"
            )
        else:
            values["api_key"] = _checked_key(key, "API key")
        if not isinstance(values.get("http2", False), bool):
            raise ConfigurationError(f"http2 must be True or False, got {values['http2']!r}")
        _check_retries(values.get("max_retries", DEFAULT_MAX_RETRIES))
        params = values["default_params"] = dict(values.get("default_params") or {})
        unknown = sorted(set(params) - DEFAULTABLE)
        if unknown:
            raise ConfigurationError(
                f"default_params cannot set {', '.join(unknown)}; "
                f"allowed: {', '.join(sorted(DEFAULTABLE))}"
            )
        url = values.get("base_url") or environ.get("OPENROUTER_BASE_URL") or DEFAULT_BASE_URL
        values["base_url"] = check_base_url(url)
        if "timeout" in values:
            values["timeout"] = Timeouts.of(values["timeout"])
        headers = values.get("headers") or {}
        if not isinstance(headers, Mapping):
            raise ConfigurationError(f"headers must be a dict, got {type(headers).__name__}")
        values["headers"] = check_headers(headers.items(), "headers")
        for name in ("app_name", "app_url"):
            _header_setting(name, values.get(name))
        size = values.get("max_event_bytes", MAX_EVENT_BYTES)
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ConfigurationError(
                f"max_event_bytes must be a positive number of bytes, got {size!r}"
            )
        return cls(**values)
