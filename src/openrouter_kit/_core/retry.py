"""When to retry a failed attempt and how long to wait: one policy for both clients.

Owns: whether a failure proves the server did not act on the request
(``may_have_been_processed``: the one classification, which the budget uses too), the retryable
statuses and exceptions, the cap on server-requested waits, and the rule that no wait may run
past the call's deadline. The shells feed ``backoff_hook`` (or ``decide``, with the time left)
to ``stamina.retry_context``; stamina supplies exponential backoff with jitter when the hook
returns True, and waits exactly the returned seconds when it returns a number.
Never knows: stamina itself, sockets, clocks (the time left is passed in).
"""

from __future__ import annotations

import math
from typing import Any

import attrs
from attrs import frozen

from openrouter_kit.errors import (
    APIConnectionError,
    BudgetExceededError,
    CircuitOpenError,
    ConfigurationError,
    MaybeProcessedError,
    OpenRouterError,
    RateLimitError,
    RequestTimeoutError,
    ValidationError,
)

__all__ = ["RETRYABLE_STATUS", "RetryPolicy", "may_have_been_processed"]

#: HTTP statuses worth another attempt: the request was not processed, or failed transiently.
RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})


def may_have_been_processed(exc: BaseException) -> bool:
    """False when ``exc`` proves the server did not act on the request (so it billed nothing and
    sending it again is safe); True when it may have, or did.

    Proves "not processed": a connection refused or failed, a pool timeout, a failure while
    writing the request (before the body was fully written), a call refused before sending
    (circuit open, budget, the client's own rate limit, validation, configuration), and an HTTP
    error status (>= 400: the server answered, and OpenRouter does not bill errors). "May have
    been processed": a read timeout or a reset after a full send, before the headers
    (``MaybeProcessedError``), anything after the response began (``response_started``), an
    error inside a 200 answer, and any exception that is not ours (a cancellation, a hook's
    error): the caller, who knows whether sending had begun, decides for those.

    The shells raise ``MaybeProcessedError`` exactly when the failure came after the request
    was written in full and before the answer began; this function reads that classification
    from the exception and never looks at the network.
    """
    if isinstance(exc, MaybeProcessedError) or not isinstance(exc, OpenRouterError):
        return True
    if exc.status_code is not None:
        return exc.status_code < 400
    if isinstance(exc, APIConnectionError | RequestTimeoutError):
        return exc.response_started
    # Refused before sending; any other error of ours without a status is taken as processed.
    return not isinstance(
        exc,
        CircuitOpenError
        | BudgetExceededError
        | RateLimitError
        | ValidationError
        | ConfigurationError,
    )


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
    #: Retry ``MaybeProcessedError`` failures too (the server may then act on a request twice).
    retry_maybe_processed: bool = False

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
        if not isinstance(settings.get("retry_maybe_processed", False), bool):
            raise ConfigurationError(
                "retry_maybe_processed must be True or False, "
                f"got {settings['retry_maybe_processed']!r}"
            )
        deadline = settings.get("deadline")
        if deadline is not None and (
            isinstance(deadline, bool) or not isinstance(deadline, int | float) or not deadline > 0
        ):
            raise ConfigurationError(
                f"deadline must be a positive number of seconds or None, got {deadline!r}"
            )
        return cls(**settings)

    def replaced(self, **changes: Any) -> RetryPolicy:
        """This policy with other settings (``max_retries``, ``deadline``, ...), validated."""
        return RetryPolicy.checked(**{**attrs.asdict(self), **changes})

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

    def longest_wait(self, number: int) -> float:
        """The most stamina may wait after attempt ``number`` fails: backoff plus all of the
        jitter, within ``wait_max`` (stamina's formula)."""
        return float(min(self.wait_max, self.wait_initial * 2 ** (number - 1) + self.wait_jitter))

    def wait_after(
        self, exc: Exception, number: int, left: float | None = None, *, idempotent: bool = False
    ) -> float | None:
        """Seconds before the attempt after failed attempt ``number`` (backoff without jitter,
        or the server's Retry-After), or None when ``exc`` ends the call (see ``decide``)."""
        if number > self.max_retries:
            return None
        decision = self.decide(exc, number, left, idempotent=idempotent)
        if decision is False:
            return None
        return self.base_wait(number) if decision is True else float(decision)

    def decide(
        self, exc: Exception, number: int, left: float | None, *, idempotent: bool = False
    ) -> bool | float:
        """``backoff_hook``'s answer for failed attempt ``number`` of a call with ``left``
        seconds of its deadline to go (None: no deadline): False as well when the wait could
        end after the deadline (the failure is then raised at once, rather than a deadline
        error after a wait that cannot help).

        ``idempotent``: the request has no effect beyond its answer (a GET: the model list,
        a generation's stats, the key), so a ``MaybeProcessedError`` is retried like any
        connection failure.
        """
        decision = self.backoff_hook(exc, idempotent=idempotent)
        if decision is False or left is None:
            return decision
        longest = self.longest_wait(number) if decision is True else float(decision)
        return False if longest >= left else decision

    def backoff_hook(self, exc: Exception, *, idempotent: bool = False) -> bool | float:
        """False: raise ``exc`` now. True: retry after the usual backoff. A number: wait so long.

        Never retried: a failure after the response began (the request was processed, and a
        second one could be billed twice), a ``MaybeProcessedError`` (sent in full, no answer:
        it may have been processed) unless ``retry_maybe_processed`` or the request is
        ``idempotent``, the call's own deadline, and 4xx other than 408/429.
        """
        if isinstance(exc, APIConnectionError | RequestTimeoutError) and exc.status_code is None:
            if exc.response_started or getattr(exc, "timeout", None) == "deadline":
                return False
            if isinstance(exc, MaybeProcessedError):
                return self.retry_maybe_processed or idempotent
            return True
        if not isinstance(exc, OpenRouterError) or exc.status_code not in RETRYABLE_STATUS:
            return False
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is None:
            return True
        if not math.isfinite(retry_after) or retry_after > self.max_retry_after:
            return False
        return float(retry_after)
