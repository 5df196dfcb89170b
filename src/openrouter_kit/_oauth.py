"""Sign in with OpenRouter: the OAuth PKCE values and the authorization URL.

Owns: making a code verifier and its S256 challenge (RFC 7636), checking a callback URL, and
building the URL of OpenRouter's sign-in page. Never knows: HTTP (the clients exchange the code
with ``POST /auth/keys``), the user's browser, the web framework.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from typing import Literal
from urllib.parse import urlencode, urlsplit

from attrs import field, frozen

from openrouter_kit._core.config import DEFAULT_BASE_URL, _is_loopback
from openrouter_kit.errors import ValidationError

__all__ = ["Pkce", "authorization_url", "check_callback_url", "code_challenge"]

#: RFC 7636: a verifier is 43 to 128 unreserved characters.
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def code_challenge(verifier: str, method: Literal["S256", "plain"] = "S256") -> str:
    """The PKCE challenge for ``verifier``: BASE64URL(SHA-256(verifier)) without padding, or the
    verifier itself for ``plain``.

    Raises:
        ValidationError: ``verifier`` is not 43 to 128 unreserved characters, or ``method`` is
            neither ``S256`` nor ``plain``.
    """
    if not isinstance(verifier, str) or not _VERIFIER.fullmatch(verifier):
        raise ValidationError(
            "a PKCE code verifier is 43 to 128 characters of A-Z a-z 0-9 - . _ ~",
            path="code_verifier",
        )
    if method == "plain":
        return verifier
    if method != "S256":
        raise ValidationError(
            f"code_challenge_method must be 'S256' or 'plain', got {str(method)[:20]!r}",
            path="code_challenge_method",
        )
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@frozen
class Pkce:
    """A PKCE pair for one sign-in: keep ``verifier`` on your side (in the user's session), send
    ``challenge`` in the authorization URL, and the verifier with the code it brings back.

    ::

        pkce = Pkce.create()
        url = client.authorization_url("https://myapp.example/callback", pkce.challenge)
        ...  # the user signs in; your callback gets ?code=...
        key = client.exchange_auth_code(code, code_verifier=pkce.verifier).key

    The repr never shows the verifier.
    """

    verifier: str = field(repr=False)
    challenge: str
    method: Literal["S256", "plain"] = "S256"

    @classmethod
    def create(cls) -> Pkce:
        """Return a new random verifier (64 characters, 384 bits) and its S256 challenge."""
        verifier = secrets.token_urlsafe(48)
        return cls(verifier=verifier, challenge=code_challenge(verifier), method="S256")


def check_callback_url(url: str) -> str:
    """``url`` when OpenRouter can send users back to it: https, or http on localhost.

    Raises:
        ValidationError: another scheme, plain http to another host, or no host.
    """
    parts = urlsplit(url) if isinstance(url, str) else None
    host = parts.hostname if parts is not None else None
    if parts is None or not host or "@" in parts.netloc or "#" in url:
        raise ValidationError(
            f"callback_url must be an absolute https:// URL without credentials or fragment, "
            f"got {str(url)[:80]!r}",
            path="callback_url",
        )
    if parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(host)):
        return url
    raise ValidationError(
        "callback_url must be https:// (http:// only for localhost and 127.0.0.1), "
        f"got {url[:80]!r}",
        path="callback_url",
    )


def site_url(base_url: str) -> str:
    """OpenRouter's site for an API base URL: ``https://openrouter.ai`` for
    ``https://openrouter.ai/api/v1`` (the base URL without its ``/api/v1``)."""
    for suffix in ("/api/v1", "/api"):
        if base_url.endswith(suffix):
            return base_url[: -len(suffix)]
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"


def authorization_url(
    callback_url: str,
    code_challenge: str | None = None,
    *,
    code_challenge_method: Literal["S256", "plain"] = "S256",
    base_url: str = DEFAULT_BASE_URL,
) -> str:
    """The URL of OpenRouter's sign-in page that sends the user back to ``callback_url`` with a
    ``code``: ``https://openrouter.ai/auth?callback_url=...&code_challenge=...&code_challenge_method=S256``.

    Raises:
        ValidationError: a refused ``callback_url``, or a challenge that is not a string.
    """
    query = {"callback_url": check_callback_url(callback_url)}
    if code_challenge is not None:
        if not isinstance(code_challenge, str) or not code_challenge:
            raise ValidationError(
                "code_challenge must be a non-empty string", path="code_challenge"
            )
        if code_challenge_method not in ("S256", "plain"):
            raise ValidationError(
                "code_challenge_method must be 'S256' or 'plain'", path="code_challenge_method"
            )
        query["code_challenge"] = code_challenge
        query["code_challenge_method"] = code_challenge_method
    return f"{site_url(base_url)}/auth?{urlencode(query)}"
