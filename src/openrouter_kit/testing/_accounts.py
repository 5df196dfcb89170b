"""The emulator's accounts side: API keys under key management, and sign-in codes (OAuth PKCE).

Owns: an in-memory key store (a key's secret, its hash, name, limit and state), checking the
management key, the sign-in page's codes and their exchange for a user key, PKCE included.
Never knows: sockets, routes (``_api`` maps requests to these methods).

Thread-safe: one lock around the store.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import secrets
import threading
from datetime import UTC, datetime
from typing import Any

from openrouter_kit.testing._exchange import ApiError

__all__ = ["Accounts"]

_RESETS = ("daily", "weekly", "monthly", None)
#: Fields ``PATCH /keys/{hash}`` may change, with their JSON types.
_UPDATABLE: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "disabled": (bool,),
    "limit": (int, float, type(None)),
    "limit_reset": (str, type(None)),
    "include_byok_in_limit": (bool,),
}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _label(key: str) -> str:
    return f"{key[:12]}...{key[-4:]}"


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _number(body: dict[str, Any], name: str) -> None:
    value = body.get(name)
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int | float) or value < 0
    ):
        raise ApiError(400, f"{name} must be a number >= 0")


class Accounts:
    """Keys made with the management key, and sign-in codes waiting for their exchange."""

    def __init__(self, management_key: str) -> None:
        self.management_key = management_key
        self._lock = threading.Lock()
        #: Key records by hash, each with its secret under ``"_key"``.
        self._keys: dict[str, dict[str, Any]] = {}
        #: Sign-in codes: code -> (challenge, method, key label).
        self._codes: dict[str, tuple[str | None, str | None, str | None]] = {}

    def reset(self) -> None:
        """Forget every key and code."""
        with self._lock:
            self._keys.clear()
            self._codes.clear()

    def is_disabled(self, token: str | None) -> bool:
        """True when ``token`` is a managed key that is disabled (the API refuses it)."""
        with self._lock:
            return any(r["_key"] == token and r["disabled"] for r in self._keys.values())

    def check_management(self, token: str | None) -> None:
        """Refuse a request to a management route made without the management key."""
        if token != self.management_key:
            raise ApiError(403, "Only management keys can perform this operation")

    # -- key management -------------------------------------------------------------------------

    def list(self, query: dict[str, str]) -> dict[str, Any]:
        """``GET /keys``: the keys (disabled ones too with ``include_disabled=true``) from
        ``offset``."""
        offset_text = query.get("offset") or "0"
        if not offset_text.isdigit():
            raise ApiError(400, "offset must be an integer >= 0")
        with_disabled = query.get("include_disabled") == "true"
        with self._lock:
            rows = [
                self._public(r) for r in self._keys.values() if with_disabled or not r["disabled"]
            ]
        return {"data": rows[int(offset_text) :]}

    def create(self, body: Any) -> dict[str, Any]:
        """``POST /keys``: a new key, its secret shown this once."""
        if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not body["name"]:
            raise ApiError(400, "name is required")
        _number(body, "limit")
        if body.get("limit_reset") not in _RESETS:
            raise ApiError(400, "limit_reset must be daily, weekly or monthly")
        key = "sk-or-v1-" + secrets.token_hex(32)
        limit = body.get("limit")
        record = {
            "_key": key,
            "hash": hashlib.sha256(key.encode()).hexdigest(),
            "name": body["name"],
            "label": _label(key),
            "disabled": False,
            "limit": limit,
            "limit_remaining": limit,
            "limit_reset": body.get("limit_reset"),
            "include_byok_in_limit": bool(body.get("include_byok_in_limit", False)),
            "usage": 0,
            "usage_daily": 0,
            "usage_weekly": 0,
            "usage_monthly": 0,
            "byok_usage": 0,
            "byok_usage_daily": 0,
            "byok_usage_weekly": 0,
            "byok_usage_monthly": 0,
            "created_at": _now(),
            "updated_at": None,
            "expires_at": body.get("expires_at"),
            "creator_user_id": body.get("creator_user_id") or "user_emulator",
            "workspace_id": body.get("workspace_id") or "00000000-0000-0000-0000-000000000000",
        }
        with self._lock:
            self._keys[record["hash"]] = record
            return {"data": self._public(record), "key": key}

    def get(self, key_hash: str) -> dict[str, Any]:
        """``GET /keys/{hash}``."""
        with self._lock:
            return {"data": self._public(self._find(key_hash))}

    def update(self, key_hash: str, body: Any) -> dict[str, Any]:
        """``PATCH /keys/{hash}``: the fields given changed."""
        if not isinstance(body, dict):
            raise ApiError(400, "the body must be a JSON object")
        for name, value in body.items():
            if name not in _UPDATABLE or not isinstance(value, _UPDATABLE[name]):
                raise ApiError(400, f"invalid field {name[:40]!r}")
        _number(body, "limit")
        if body.get("limit_reset") not in _RESETS:
            raise ApiError(400, "limit_reset must be daily, weekly or monthly")
        with self._lock:
            record = self._find(key_hash)
            record.update(body)
            if "limit" in body:
                record["limit_remaining"] = body["limit"]
            record["updated_at"] = _now()
            return {"data": self._public(record)}

    def delete(self, key_hash: str) -> dict[str, Any]:
        """``DELETE /keys/{hash}``."""
        with self._lock:
            self._find(key_hash)
            del self._keys[key_hash]
        return {"deleted": True}

    def _find(self, key_hash: str) -> dict[str, Any]:
        record = self._keys.get(key_hash)
        if record is None:
            raise ApiError(404, "API key not found")
        return record

    @staticmethod
    def _public(record: dict[str, Any]) -> dict[str, Any]:
        return {k: copy.copy(v) for k, v in record.items() if not k.startswith("_")}

    # -- sign-in (OAuth PKCE) -------------------------------------------------------------------

    def sign_in(self, query: dict[str, str]) -> str:
        """The sign-in page, approved at once: the callback URL with a new ``code``."""
        callback = query.get("callback_url") or ""
        if not callback.startswith(("https://", "http://localhost", "http://127.0.0.1")):
            raise ApiError(400, "callback_url must be https, or http on localhost")
        method = query.get("code_challenge_method")
        challenge = query.get("code_challenge")
        if challenge is not None and method not in ("S256", "plain"):
            raise ApiError(400, "code_challenge_method must be S256 or plain")
        code = self._new_code(challenge, method if challenge else None, None)
        joiner = "&" if "?" in callback else "?"
        return f"{callback}{joiner}code={code}"

    def create_code(self, body: Any) -> dict[str, Any]:
        """``POST /auth/keys/code``: a code made by the app, as the sign-in page makes them."""
        if not isinstance(body, dict) or not isinstance(body.get("callback_url"), str):
            raise ApiError(400, "callback_url is required")
        challenge = body.get("code_challenge")
        method = body.get("code_challenge_method") if challenge else None
        if challenge and method not in ("S256", "plain"):
            raise ApiError(400, "code_challenge_method must be S256 or plain")
        code = self._new_code(challenge, method, body.get("key_label"))
        return {"data": {"id": code, "app_id": 1, "created_at": _now()}}

    def exchange(self, body: Any) -> dict[str, Any]:
        """``POST /auth/keys``: the user key for a code (once), the verifier checked."""
        if not isinstance(body, dict) or not isinstance(body.get("code"), str):
            raise ApiError(400, "code is required")
        with self._lock:
            found = self._codes.pop(body["code"], None)
        if found is None:
            raise ApiError(400, "Invalid code")  # unknown, or used already
        challenge, method, label = found
        if challenge is not None:
            verifier = body.get("code_verifier")
            if not isinstance(verifier, str):
                raise ApiError(400, "code_verifier is required for this code")
            made = _s256(verifier) if method == "S256" else verifier
            if made != challenge:
                raise ApiError(403, "Invalid code_verifier")
        created = self.create({"name": label or "Signed in with OpenRouter"})
        return {"key": created["key"], "user_id": "user_emulator"}

    def _new_code(self, challenge: str | None, method: str | None, label: str | None) -> str:
        code = "auth_code_" + secrets.token_hex(12)
        with self._lock:
            self._codes[code] = (challenge, method, label)
        return code
