"""The generic request: any operation of the API, checked before it is built.

Owns: what ``client.request(method, path, json=..., params=..., cast_to=...)`` accepts (a method
of HTTP, a path relative to the base URL and nothing else, a JSON body, query parameters, a
model class to parse into) and the ``Endpoint`` row it becomes. Never knows: sockets, retries,
hooks (the call then goes the way every wrapped call goes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

import attrs

from openrouter_kit._core import convert
from openrouter_kit._core.wire import Endpoint
from openrouter_kit.errors import ValidationError

__all__ = ["METHODS", "NAME", "body", "endpoint", "query"]

#: The HTTP methods the API uses.
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
#: The endpoint name of every generic request (its breaker key, its hooks' ``endpoint``).
NAME = "request"
#: What a path may hold: RFC 3986 path characters (percent escapes included).
_PATH = re.compile(r"(/[A-Za-z0-9\-._~!$&'()*+,;=:@%]*)+")
_MAX_PATH = 2048


def endpoint(method: Any, path: Any) -> Endpoint:
    """The row of a generic request to ``path`` (relative to the base URL).

    Raises:
        ValidationError: an unknown method, or a path that is not a plain path under the base
            URL (an absolute URL, ``//host``, a query or fragment, ``..``, spaces).
    """
    if not isinstance(method, str) or method.upper() not in METHODS:
        raise ValidationError(
            f"method must be one of {', '.join(METHODS)}, got {str(method)[:20]!r}", path="method"
        )
    if not isinstance(path, str) or not path:
        raise ValidationError("path must be a non-empty string such as '/models'", path="path")
    shown = repr(path[:80])
    if "://" in path or path.startswith("//"):
        raise ValidationError(
            f"path must be relative to the base URL (such as '/models'), not a URL: {shown}; "
            "requests go only to the client's base_url",
            path="path",
        )
    if "?" in path or "#" in path:
        raise ValidationError(
            f"path {shown} has a query or fragment: pass query parameters as params={{...}}",
            path="path",
        )
    if not path.startswith("/") or len(path) > _MAX_PATH or not _PATH.fullmatch(path):
        raise ValidationError(
            f"path must start with '/' and hold only URL path characters (quote the others "
            f"with urllib.parse.quote), got {shown}",
            path="path",
        )
    if any(part in (".", "..") for part in unquote(path).split("/")):
        raise ValidationError(f"path may not contain '.' or '..' segments: {shown}", path="path")
    return Endpoint(NAME, method.upper(), path, None, "", None)


def body(value: Any) -> bytes | None:
    """The JSON body of ``json=``: a dict, a list, any JSON value, or a generated model (sent as
    it would be in a wrapped call); None sends no body.

    Raises:
        ValidationError: the value cannot be sent as JSON.
    """
    if value is None:
        return None
    if attrs.has(type(value)):
        return convert.dumps(value)
    try:
        return json.dumps(
            value, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        ).encode()
    except (TypeError, ValueError, RecursionError) as exc:
        raise ValidationError(f"json= cannot be sent as JSON: {exc}", path="json") from None


def query(params: Any) -> dict[str, str] | None:
    """The query parameters of ``params=``: strings, numbers and booleans (``true``/``false``),
    None values left out.

    Raises:
        ValidationError: not a dict of names to such values.
    """
    if params is None:
        return None
    if not isinstance(params, Mapping):
        raise ValidationError("params must be a dict", path="params")
    out: dict[str, str] = {}
    for name, value in params.items():
        if not isinstance(name, str):
            raise ValidationError("params names must be strings", path="params")
        if value is None:
            continue
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            out[name] = str(value)
        else:
            raise ValidationError(
                f"params[{name[:40]!r}] must be a string, number or boolean, "
                f"got {type(value).__name__}",
                path=f"params.{name[:40]}",
            )
    return out


def check_cast(cast_to: Any) -> None:
    """Refuse a ``cast_to`` that is not a model class (an attrs class, such as the generated
    ``ModelList``).

    Raises:
        ValidationError: it is not.
    """
    if cast_to is not None and not (isinstance(cast_to, type) and attrs.has(cast_to)):
        raise ValidationError(
            "cast_to must be a model class such as openrouter_kit.ApiKey "
            f"(or None for the decoded JSON), got {cast_to!r:.60}",
            path="cast_to",
        )
