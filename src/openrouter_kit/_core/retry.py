"""When to retry a failed attempt and how long to wait: one policy for both clients.

Owns: the retryable statuses and exceptions, and the cap on server-requested waits. The shells feed
``backoff_hook`` to ``stamina.retry_context``; stamina supplies exponential backoff with jitter when
the hook returns True, and waits exactly the returned seconds when it returns a number.
Never knows: stamina itself, sockets, clocks.
"""

from __future__ import annotations

import math
from typing import Any

import attrs
from attrs import frozen

from openrouter_kit.errors import (
    APIConnectionError,
    ConfigurationError,
    OpenRouterError,
    RequestTimeoutError,
)

__all__ = ["RETRYABLE_STATUS", "RetryPolicy"]

#: HTTP statuses worth another attempt: the request was not processed, or failed transiently.
RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})


@frozen
class RetryPolicy:
    """How many attempts a call may take and how long to wait between them."""

    max_retries: int = 3
    #: First backoff in seconds; it doubles per attempt (with jitter) up to ``wait_max``.
    wait_initial: float = 0.5
    wait_max: float = 8.0
    wait_jitter: float = 1.0
    #: A Retry-After longer than this is not waited for: the error is raised at once.
    max_retry_after: float = 60.0
    #: Seconds one call may take in all, retries and waits included (None: no bound).
    deadline: float | None = None

    @classmethod
    def checked(cls, **settings: Any) -> RetryPolicy:
        """A policy from user settings.

        Raises:
            ConfigurationError: a wait or the deadline is not a positive number (deadline: or None).
        """
        for name in ("wait_initial", "wait_max", "max_retry_after"):
            value = settings.get(name, 0.0)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
                raise ConfigurationError(f"{name} must be a number of seconds >= 0, got {value!r}")
        deadline = settings.get("deadline")
        if deadline is not None and (
            isinstance(deadline, bool) or not isinstance(deadline, int | float) or not deadline > 0
        ):
            raise ConfigurationError(
                f"deadline must be a positive number of seconds or None, got {deadline!r}"
            )
        return cls(**settings)

    def replaced(self, *, max_retries: int, deadline: float | None) -> RetryPolicy:
        """This policy with another retry count and deadline (validated)."""
        return RetryPolicy.checked(
            **{**attrs.asdict(self), "max_retries": max_retries, "deadline": deadline}
        )

    def stamina_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``stamina.retry_context``."""
        return {
            "on": self.backoff_hook,
            "attempts": self.max_retries + 1,
            "timeout": self.deadline,
            "wait_initial": self.wait_initial,
            "wait_max": self.wait_max,
            "wait_jitter": self.wait_jitter,
        }

    def base_wait(self, number: int) -> float:
        """Seconds of backoff after attempt ``number`` fails, without jitter (a lower bound)."""
        return float(min(self.wait_max, self.wait_initial * 2 ** (number - 1)))

    def wait_after(self, exc: Exception, number: int) -> float | None:
        """Seconds before the attempt after failed attempt ``number`` (backoff without jitter,
        or the server's Retry-After), or None when ``exc`` ends the call."""
        if number > self.max_retries:
            return None
        decision = self.backoff_hook(exc)
        if decision is False:
            return None
        return self.base_wait(number) if decision is True else float(decision)

    def backoff_hook(self, exc: Exception) -> bool | float:
        """False: raise ``exc`` now. True: retry after the usual backoff. A number: wait so long.

        Never retried: a failure after the response began (the request was processed, and a
        second one could be billed twice), the call's own deadline, and 4xx other than 408/429.
        """
        if isinstance(exc, APIConnectionError | RequestTimeoutError) and exc.status_code is None:
            return not exc.response_started and getattr(exc, "timeout", None) != "deadline"
        if not isinstance(exc, OpenRouterError) or exc.status_code not in RETRYABLE_STATUS:
            return False
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is None:
            return True
        if not math.isfinite(retry_after) or retry_after > self.max_retry_after:
            return False
        return float(retry_after)
