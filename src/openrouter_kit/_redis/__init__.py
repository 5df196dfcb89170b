"""The Redis store: circuit breakers, rate limits and a budget shared by every process.

Imported only when ``openrouter_kit.RedisStore`` is first used (``import openrouter_kit`` never
imports redis-py). The package, each module importing only those above it:

- ``_store``: :class:`RedisStore`, its settings and the states it hands out;
- ``_breaker``, ``_limiter``, ``_budget``: the shared states, each with its local fallback;
- ``_conn``: redis-py clients, timeouts, the store breaker, the flows' two drivers;
- ``_ops``: the operations without I/O: keys, arguments, replies; ``scripts/*.lua``.
"""

from __future__ import annotations

from openrouter_kit._redis._store import RedisStore

__all__ = ["RedisStore"]
