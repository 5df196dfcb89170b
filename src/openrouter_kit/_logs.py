"""The ``openrouter_kit`` logger tree: silent unless the application or ``OPENROUTER_LOG`` asks.

Records carry ``method``, ``path``, ``status_code``, ``attempt``, ``latency``, ``model`` and
``request_id`` as attributes (see ``HookEvent.log_fields``), never the API key. Message contents
(request and response bodies) are logged only on the ``openrouter_kit.content`` logger, and only
when ``OPENROUTER_LOG_CONTENT=1`` is set as well.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

__all__ = ["CONTENT", "LEVELS", "configure", "content_enabled", "logger"]

logger = logging.getLogger("openrouter_kit")
logger.addHandler(logging.NullHandler())  # a library is silent until the application says
# stamina warns on every retry it schedules, and with no handler configured Python prints that
# to stderr. Our retries are logged (at INFO) on our own tree; an application that configures
# logging still receives stamina's records.
logging.getLogger("stamina").addHandler(logging.NullHandler())
#: Request and response bodies, at DEBUG, when ``OPENROUTER_LOG_CONTENT=1`` as well.
CONTENT = logging.getLogger("openrouter_kit.content")

#: The values ``OPENROUTER_LOG`` accepts.
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The stderr handler ``OPENROUTER_LOG`` installs (at most one)."""


def configure(environ: Mapping[str, str] = os.environ) -> None:
    """Log to stderr at the level ``OPENROUTER_LOG`` names (``debug``, ``info``, ``warning``);
    do nothing when it is unset or empty. An unknown level is reported on stderr once."""
    value = environ.get("OPENROUTER_LOG", "").strip().lower()
    if not value:
        return
    level = LEVELS.get(value)
    if level is None:
        print(
            f"openrouter_kit: ignoring OPENROUTER_LOG={value[:20]!r}; use one of "
            f"{', '.join(LEVELS)}",
            file=sys.stderr,
        )
        return
    if not any(isinstance(h, _EnvHandler) for h in logger.handlers):
        handler = _EnvHandler()
        handler.setFormatter(logging.Formatter(_FORMAT))
        logger.addHandler(handler)
    logger.setLevel(level)


def content_enabled() -> bool:
    """True when request and response bodies may be logged: ``OPENROUTER_LOG_CONTENT=1`` and
    the ``openrouter_kit.content`` logger enabled at DEBUG."""
    return CONTENT.isEnabledFor(logging.DEBUG) and os.environ.get(
        "OPENROUTER_LOG_CONTENT", ""
    ).strip().lower() in ("1", "true", "yes")
