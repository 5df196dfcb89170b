"""The sans-IO core: everything that is not waiting on a socket.

Nothing here imports httpx, anyio, stamina or yaml, sleeps, or reads a clock (a test checks it).
What a core module may import (``tests/test_layers.py`` checks the whole table): ``errors``,
``_version``, the generated enums and endpoint rows, and the core modules of its own tier or a
lower one (0: redact, money, sse; 1: modelbase, config, retry, breaker, events, schema, messages,
accounting, registry, tokens, wire; 2: convert, structured); only assemble and tools (tier 5)
read the generated models. Two imports go up, late and commented: ``LazyModel`` calls
``convert.fill``, and ``wire`` looks its response models up by name on first use.
"""
