"""A loopback emulator of the OpenRouter API, for tests and demos.

``Emulator`` runs a small HTTP/1.1 server on a local port (standard library only) that answers the
routes the SDK uses the way the real API does, in the shapes of OpenRouter's OpenAPI document: chat
completions (plain and SSE streamed), the model list, model endpoints, generation lookup, key info
and credits. Answers are deterministic, token counts come from a simple tokenizer, and costs come
from the emulator's own model table, so tests can check the SDK's arithmetic exactly. Any answer
can be overridden with :meth:`Emulator.script` or :meth:`Emulator.error` (status, headers, JSON or
raw bodies such as an HTML 502 page), or broken on the wire with a transport fault
(``script(fault=...)``: connection resets, truncated bodies, invalid JSON, slow trickles). For load
tests, :meth:`Emulator.inject_failures` fails a seeded random share of the requests, and
:attr:`Emulator.open_connections` counts the open connections.

Example::

    with Emulator() as emu:
        client = Client(api_key=emu.api_key, base_url=emu.base_url)
        emu.error(429, "Rate limit exceeded", headers={"Retry-After": "1"})
        ...

The emulator never logs or echoes the ``Authorization`` header value.

It is a second implementation of the wire, independent of the SDK's: it imports the standard
library, ``openrouter_kit._version``, the public enums and ``openrouter_kit._core.redact`` only.

The package, each module importing only those below it:

- ``_emulator``: :class:`Emulator`, its lifecycle and control surface; wires the API to a server;
- ``_server``: ``http.server`` plumbing: reads requests, plays replies, counts connections;
- ``_api``: the fake API without sockets: a request in, a planned reply out; routes as a table;
- ``_accounts``: key management's key store and sign-in codes (OAuth PKCE);
- ``_chat``: the chat completion planner (which model answers, what it says, tokens and cost);
- ``_examples``: a JSON Schema's example document (structured outputs);
- ``_models`` and ``models.json``: the model table;
- ``_ledger``: :class:`RecordedRequest`, :class:`Ledger`;
- ``_exchange``: the request and reply values passed between ``_server`` and ``_api``;
- ``_faults``: the transport faults and seeded failure injection.
"""

from __future__ import annotations

from openrouter_kit.testing._emulator import Emulator, serve
from openrouter_kit.testing._faults import Fault
from openrouter_kit.testing._ledger import Ledger, LedgerTotals, RecordedRequest, UsageTotals
from openrouter_kit.testing._models import DEFAULT_MODEL, default_models

__all__ = [
    "DEFAULT_MODEL",
    "Emulator",
    "Fault",
    "Ledger",
    "LedgerTotals",
    "RecordedRequest",
    "UsageTotals",
    "default_models",
    "serve",
]

for _public in (Emulator, Ledger, LedgerTotals, RecordedRequest):
    _public.__module__ = __name__  # shown as openrouter_kit.testing.X, where users import it from
del _public
