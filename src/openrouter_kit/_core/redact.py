"""Secrets out of text: the one place that decides what looks like a key and how it is masked.

Owns: the key pattern (OpenRouter's ``sk-or-...`` keys and other ``sk-`` keys), masking the
secrets a caller names and anything key-shaped, in text, in nested JSON values and in header
lists. Every module that shows text which may hold a key (errors, logs, reprs, the settings
loader, the command line, the emulator) masks it here. Never knows: where the text goes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar

import attrs

__all__ = [
    "KEY_PATTERN",
    "MASK",
    "SENSITIVE_HEADERS",
    "Secret",
    "mask_headers",
    "redact",
    "redact_all",
    "redact_model",
]

T = TypeVar("T")
#: A secret to mask: one (an API key), several (an API key and a management key), or none.
Secret = str | tuple[str, ...] | None

#: Anything shaped like an API key: OpenRouter's ``sk-or-v1-...`` and OpenAI-style ``sk-...``,
#: starting a word (``risk-assessment`` and ``task-manager`` are not keys).
KEY_PATTERN = re.compile(r"(?<![A-Za-z0-9_])sk-[A-Za-z0-9_\-]{6,}")
#: What a secret is replaced with.
MASK = "***"
#: Headers whose values are secrets (compared in lower case).
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})
#: Shorter secrets are not searched for inside other text: masking every "ab" would garble it,
#: and a secret that short protects nothing.
_MIN_SECRET_CHARS = 4


def _flat(secrets: tuple[Secret, ...]) -> list[str]:
    flat: list[str] = []
    for secret in secrets:
        if isinstance(secret, tuple):
            flat.extend(s for s in secret if s)
        elif secret:
            flat.append(secret)
    return flat


def redact(text: str, *secrets: Secret) -> str:
    """``text`` with each of ``secrets`` (an API key, a management key, ...; a tuple counts as
    its members) and anything shaped like a key replaced by ``***``."""
    # Longest first: a secret that contains another is masked whole, never left half shown.
    for secret in sorted(_flat(secrets), key=len, reverse=True):
        if len(secret) >= _MIN_SECRET_CHARS and secret in text:
            text = text.replace(secret, MASK)
    return KEY_PATTERN.sub("sk-" + MASK, text)


def redact_all(value: Any, *secrets: Secret) -> Any:
    """``redact`` applied to every string inside ``value``, dict keys included (dicts, lists and
    tuples are copied; other values are kept as they are)."""
    if isinstance(value, str):
        return redact(value, *secrets)
    if isinstance(value, dict):
        return {redact_all(k, *secrets): redact_all(v, *secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_all(v, *secrets) for v in value)
    return value


def redact_model(value: T, *secrets: Secret) -> T:
    """``value`` with ``redact`` applied to every string inside it, through attrs instances
    (changed in place: a response an exception carries), dicts, lists and tuples (copied)."""
    redacted: T = _redacted(value, secrets)
    return redacted


def _redacted(value: Any, secrets: tuple[Secret, ...]) -> Any:
    if isinstance(value, str):
        return redact(value, *secrets)
    cls: Any = type(value)
    if attrs.has(cls):
        for field in attrs.fields(cls):
            old = getattr(value, field.name)
            new = _redacted(old, secrets)
            if new is not old:
                object.__setattr__(value, field.name, new)
        return value
    if isinstance(value, dict):
        return {_redacted(k, secrets): _redacted(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_redacted(v, secrets) for v in value)
    return value


def mask_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """``headers`` with the values of secret headers (Authorization, cookies, ...) replaced by
    ``***``, for reprs and logs."""
    return [(k, MASK if k.lower() in SENSITIVE_HEADERS else v) for k, v in headers]
