"""Key management: ``client.keys`` (``Keys``) and ``async_client.keys`` (``AsyncKeys``).

Owns: the five calls on ``/keys`` (list, create, get, update, delete) as thin methods over the
clients' one send path, and checking their arguments before anything is sent. Every call goes
with the management key (``Client(management_key=...)``), which ``_core.wire`` picks. Never
knows: sockets, retries (the clients'), how the key is masked (``_core.redact``).
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from openrouter_kit._base import UNSET
from openrouter_kit._core import convert, wire
from openrouter_kit.errors import ValidationError

if TYPE_CHECKING:
    from openrouter_kit._async_client import AsyncClient
    from openrouter_kit._base import BaseClient, _Unset
    from openrouter_kit._call import Call
    from openrouter_kit._client import Client
    from openrouter_kit._generated.models import ApiKey, CreatedApiKey, DeletedApiKey

__all__ = ["AsyncKeys", "Keys"]

#: A key's hash as key management shows it (hex, or any id without separators).
_HASH = re.compile(r"[A-Za-z0-9_\-]{1,200}")
#: Fields an update sends as an explicit null when given None (a field left UNSET is not sent).
_NULLABLE = ("limit", "limit_reset")
Reset = Literal["daily", "weekly", "monthly"]


def _hash(value: Any) -> dict[str, str]:
    if not isinstance(value, str) or not _HASH.fullmatch(value):
        raise ValidationError(
            "hash must be a key's hash as keys.list() shows it (letters, digits, - and _)",
            path="hash",
        )
    return {"hash": value}


def _list(client: BaseClient, include_disabled: Any, offset: Any, workspace_id: Any) -> Call:
    query: dict[str, str] = {}
    if include_disabled is not None:
        if not isinstance(include_disabled, bool):
            raise ValidationError("include_disabled must be True or False", path="include_disabled")
        query["include_disabled"] = "true" if include_disabled else "false"
    if offset is not None:
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise ValidationError("offset must be an integer >= 0", path="offset")
        query["offset"] = str(offset)
    if workspace_id is not None:
        if not isinstance(workspace_id, str) or not workspace_id:
            raise ValidationError("workspace_id must be a non-empty string", path="workspace_id")
        query["workspace_id"] = workspace_id
    return client._prepare_json(wire.LIST_KEYS, query=query or None)


def _create(client: BaseClient, params: Mapping[str, Any]) -> Call:
    from openrouter_kit._generated.models import ApiKeyCreate  # noqa: PLC0415 - lazy: models load on first use

    data = {k: v for k, v in params.items() if v is not None and k != "self"}
    name = data.get("name")
    if isinstance(name, str) and not name.strip():
        raise ValidationError("name must not be empty", path="$.name")
    return client._prepare_json(wire.CREATE_KEY, convert.structure_input(data, ApiKeyCreate))


def _update(client: BaseClient, hash: Any, params: Mapping[str, Any]) -> Call:
    from openrouter_kit._generated.models import ApiKeyUpdate  # noqa: PLC0415 - lazy: models load on first use

    given = {k: v for k, v in params.items() if v is not UNSET}
    if not given:
        raise ValidationError("update() needs a field to change (name, disabled, limit, ...)")
    nulls = {k: None for k in _NULLABLE if k in given and given[k] is None}
    data = {k: v for k, v in given.items() if v is not None}
    if len(data) < len(given) - len(nulls):
        raise ValidationError("only limit and limit_reset may be set to None (removed)")
    body = convert.structure_input(data, ApiKeyUpdate)
    return client._prepare_json(wire.UPDATE_KEY, body, nulls=nulls, path_params=_hash(hash))


class Keys:
    """``client.keys``: the account's API keys (needs the client's ``management_key``).

    ::

        with Client(management_key=...) as admin:
            created = admin.keys.create(name="customer-42", limit=10, limit_reset="monthly")
            customer_key = created.key            # shown this once; hidden in reprs
            admin.keys.update(created.data.hash, disabled=True)

    A management key cannot make completions; a client may hold both keys.
    """

    __slots__ = ("_client",)

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(
        self,
        *,
        include_disabled: bool | None = None,
        offset: int | None = None,
        workspace_id: str | None = None,
    ) -> builtins.list[ApiKey]:
        """Return the account's keys (``ApiKey``: hash, name, masked label, limits, usage), from
        ``offset``; disabled ones too with ``include_disabled=True``.

        Raises:
            ConfigurationError: the client has no management key (nothing was sent).
            PermissionDeniedError: the management key is refused.
        """
        result, _ = self._client._send(_list(self._client, include_disabled, offset, workspace_id))
        return result.data  # type: ignore[no-any-return]

    def create(
        self,
        *,
        name: str,
        limit: float | None = None,
        limit_reset: Reset | None = None,
        include_byok_in_limit: bool | None = None,
        expires_at: str | None = None,
        creator_user_id: str | None = None,
        workspace_id: str | None = None,
    ) -> CreatedApiKey:
        """Create a key and return it: ``.key``, the new key itself (shown this once, hidden in
        reprs), and ``.data``, its ``ApiKey`` record. ``limit`` is USD (resetting every
        ``limit_reset``); ``expires_at`` an ISO 8601 UTC time.

        Raises:
            ValidationError: an empty name, a negative limit, an unknown reset (nothing sent).
            ConfigurationError: the client has no management key (nothing was sent).
        """
        call = _create(self._client, locals())
        result, _ = self._client._send(call)
        return result  # type: ignore[no-any-return]

    def get(self, hash: str) -> ApiKey:
        """Return the key whose hash is ``hash``.

        Raises:
            ModelNotFoundError: no key has that hash (the class of every 404).
        """
        call = self._client._prepare_json(wire.GET_KEY, path_params=_hash(hash))
        result, _ = self._client._send(call)
        return result.data  # type: ignore[no-any-return]

    def update(
        self,
        hash: str,
        *,
        name: str | _Unset = UNSET,
        disabled: bool | _Unset = UNSET,
        limit: float | _Unset | None = UNSET,
        limit_reset: Reset | _Unset | None = UNSET,
        include_byok_in_limit: bool | _Unset = UNSET,
    ) -> ApiKey:
        """Change the fields given of the key ``hash`` and return it; ``limit=None`` removes the
        limit, ``limit_reset=None`` its reset, ``disabled=True`` disables the key.

        Raises:
            ValidationError: no field given, or a value out of range (nothing was sent).
            ModelNotFoundError: no key has that hash (the class of every 404).
        """
        params = {k: v for k, v in locals().items() if k not in ("self", "hash")}
        result, _ = self._client._send(_update(self._client, hash, params))
        return result.data  # type: ignore[no-any-return]

    def delete(self, hash: str) -> DeletedApiKey:
        """Delete the key ``hash`` for good; ``.deleted`` is True.

        Raises:
            ModelNotFoundError: no key has that hash (the class of every 404).
        """
        call = self._client._prepare_json(wire.DELETE_KEY, path_params=_hash(hash))
        result, _ = self._client._send(call)
        return result  # type: ignore[no-any-return]


class AsyncKeys:
    """``async_client.keys``: same as ``Keys``, awaited."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def list(
        self,
        *,
        include_disabled: bool | None = None,
        offset: int | None = None,
        workspace_id: str | None = None,
    ) -> builtins.list[ApiKey]:
        """Same as ``Keys.list``, but awaitable."""
        call = _list(self._client, include_disabled, offset, workspace_id)
        result, _ = await self._client._send(call)
        return result.data  # type: ignore[no-any-return]

    async def create(
        self,
        *,
        name: str,
        limit: float | None = None,
        limit_reset: Reset | None = None,
        include_byok_in_limit: bool | None = None,
        expires_at: str | None = None,
        creator_user_id: str | None = None,
        workspace_id: str | None = None,
    ) -> CreatedApiKey:
        """Same as ``Keys.create``, but awaitable."""
        call = _create(self._client, locals())
        result, _ = await self._client._send(call)
        return result  # type: ignore[no-any-return]

    async def get(self, hash: str) -> ApiKey:
        """Same as ``Keys.get``, but awaitable."""
        call = self._client._prepare_json(wire.GET_KEY, path_params=_hash(hash))
        result, _ = await self._client._send(call)
        return result.data  # type: ignore[no-any-return]

    async def update(
        self,
        hash: str,
        *,
        name: str | _Unset = UNSET,
        disabled: bool | _Unset = UNSET,
        limit: float | _Unset | None = UNSET,
        limit_reset: Reset | _Unset | None = UNSET,
        include_byok_in_limit: bool | _Unset = UNSET,
    ) -> ApiKey:
        """Same as ``Keys.update``, but awaitable."""
        params = {k: v for k, v in locals().items() if k not in ("self", "hash")}
        result, _ = await self._client._send(_update(self._client, hash, params))
        return result.data  # type: ignore[no-any-return]

    async def delete(self, hash: str) -> DeletedApiKey:
        """Same as ``Keys.delete``, but awaitable."""
        call = self._client._prepare_json(wire.DELETE_KEY, path_params=_hash(hash))
        result, _ = await self._client._send(call)
        return result  # type: ignore[no-any-return]
