"""Drivers for the core's tests, kept out of the library (as h11 keeps ``tests/helpers.py``)."""

from __future__ import annotations

from openrouter_kit._core.wire import Endpoint
from openrouter_kit._generated.endpoints import ROWS

#: Every operation of the generated table (the clients use the ones ``_core.wire`` names).
ENDPOINTS = [Endpoint(*row) for row in ROWS]
