"""One API call across its attempts: what it sends, where it may go, and when it tries again.

Owns: ``Call`` (the request, the candidate models, the deadline, the call's own options, its
budget hold and its rate-limit ticket), ``Attempt`` (one HTTP attempt: what is sent, its
circuit-breaker key and timeouts; ``with attempt:`` records the breaker's verdict and gives back
the tokens of an attempt the server cannot have processed, ``async with attempt:`` the same on a
shared store's awaitable twins) and ``Attempts``, the one retry loop of both
shells (``for attempt in Attempts(policy)`` / ``async for``): a bare first attempt, then
stamina's. Never knows: sockets (the shells send), hooks and logs (``_observe``), prices.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs
import stamina

from openrouter_kit._core import convert
from openrouter_kit._core.breaker import counts_against
from openrouter_kit._core.config import check_headers
from openrouter_kit._core.retry import may_have_been_processed
from openrouter_kit.errors import OpenRouterError, RequestTimeoutError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from decimal import Decimal
    from typing import Self

    from openrouter_kit._base import _Options
    from openrouter_kit._core.breaker import BreakerKey
    from openrouter_kit._core.config import Timeouts
    from openrouter_kit._core.ratelimit import Ticket
    from openrouter_kit._core.retry import RetryPolicy
    from openrouter_kit._core.store import Admitted, BreakerState, LimiterState
    from openrouter_kit._core.wire import Endpoint, WireRequest
    from openrouter_kit._generated.models import CompletionRequest

__all__ = ["Attempt", "Attempts", "Call", "candidates"]


def candidates(completion: CompletionRequest) -> tuple[str, ...]:
    """The models a request may be served by, in fallback order ("" for the account default)."""
    first = (completion.model,) if completion.model else ()
    return tuple(dict.fromkeys((*first, *(completion.models or ())))) or ("",)


class Call:
    """One API call across its attempts: what to send and where it may be routed.

    A plain slotted class, not attrs: it is made once per call, and building an attrs class
    costs about half a millisecond of import time.
    """

    __slots__ = (
        "admitted",
        "attempts",
        "candidates",
        "cast_to",
        "completion",
        "deadline",
        "endpoint",
        "exposed",
        "held",
        "input_tokens",
        "model",
        "options",
        "prompt_tokens",
        "response_headers",
        "started",
        "ticket",
        "timeouts",
        "wire",
    )

    def __init__(
        self,
        endpoint: Endpoint,
        wire: WireRequest,
        completion: CompletionRequest | None,
        candidates: tuple[str, ...],
        timeouts: Timeouts,
        deadline: float | None,
        started: float,
        options: _Options | None = None,
    ) -> None:
        self.endpoint = endpoint
        #: The request as built, before any re-routing.
        self.wire = wire
        #: The completion request, when the call may be re-routed to fallback models.
        self.completion = completion
        #: Models in fallback order ("" for calls not tied to a model).
        self.candidates = candidates
        #: What each attempt may take: the call's own timeouts, or the client's.
        self.timeouts = timeouts
        #: Seconds the whole call may take, retries and waits included (None: no bound).
        self.deadline = deadline
        #: ``time.monotonic()`` when the call began, for the deadline.
        self.started = started
        #: The call's own options (None: the client's settings).
        self.options = options
        #: USD held in the budget for this call until it ends.
        self.held: Decimal | None = None
        #: True once an attempt may have been processed by the server (its request went out,
        #: and its end did not prove otherwise): the call may have been billed.
        self.exposed = False
        #: The headers of the latest response whose headers arrived (its ``X-Generation-Id``
        #: names the generation to look up when the answer is cut).
        self.response_headers: Any = None
        #: Attempts begun so far.
        self.attempts = 0
        #: For a call that generates nothing (embeddings, rerank): the most prompt tokens it can
        #: count, which its budget hold prices (None: a completion, or nothing to price).
        self.input_tokens: int | None = None
        #: The model the latest attempt asked for (None when the call names none).
        self.model: str | None = None
        #: What the rate limit charged the latest attempt, until its real tokens are known.
        self.ticket: Ticket | None = None
        #: A shared store's admission of the first attempt, made with the budget hold.
        self.admitted: Admitted | None = None
        #: The prompt's estimated tokens, counted once for the rate limit (None: not yet).
        self.prompt_tokens: int | None = None
        #: What a generic request's answer is parsed into (None: its decoded JSON).
        self.cast_to: type | None = None

    @property
    def path(self) -> str:
        """The URL path, for logs and hooks."""
        return urlsplit(self.wire.url).path

    @property
    def idempotent(self) -> bool:
        """True for a request with no effect beyond its answer (a GET), safe to send again."""
        return self.wire.method == "GET"

    def left(self) -> float | None:
        """Seconds left before the call's deadline (None: no deadline)."""
        if self.deadline is None:
            return None
        return self.deadline - (time.monotonic() - self.started)

    def bounds(self, number: int, now: float) -> Timeouts:
        """Attempt ``number``'s timeouts, capped by what is left of the deadline.

        Raises:
            RequestTimeoutError: the call's deadline has passed.
        """
        if self.deadline is None:
            return self.timeouts
        left = self.deadline - (now - self.started)
        if left <= 0:
            raise RequestTimeoutError(
                f"deadline of {self.deadline:g} s passed after {number - 1} attempt(s)",
                timeout="deadline",
            )
        return self.timeouts.capped(left)

    def begin(
        self,
        number: int,
        breaker: BreakerState,
        routed: tuple[str, list[str]] | None = None,
    ) -> Attempt:
        """Attempt ``number``: what to send, its breaker key, and its timeouts (capped by what
        is left of the deadline). Models whose circuit is open are skipped when the request has
        a fallback list (its body then names only the others). ``routed``: the breaker's
        ``route`` for this attempt, when the shell has awaited it already (a shared store).

        Raises:
            CircuitOpenError: every candidate model's circuit is open (nothing is sent).
            RequestTimeoutError: the call's deadline has passed.
        """
        now = time.monotonic()
        timeouts = self.bounds(number, now)
        self.attempts = number
        self.response_headers = None  # this attempt's, once they arrive
        name = self.endpoint.name
        model, healthy = routed if routed is not None else breaker.route(name, self.candidates, now)
        self.model = model or None
        wire, completion = self.wire, self.completion
        if completion is not None and len(healthy) < len(self.candidates):
            rerouted = attrs.evolve(
                completion, model=model, models=healthy if completion.models else None
            )
            body = convert.dumps(rerouted, self.options.body if self.options else None)
            wire = attrs.evolve(wire, body=body)
        return Attempt(wire, (name, model), timeouts, breaker, self)


class Attempt:
    """One HTTP attempt of a call: its request, breaker key and timeouts.

    Use as ``with attempt:`` around the exchange: the circuit breaker records its outcome, the
    call learns whether the server may have processed it, and an attempt the server cannot have
    processed gives its rate-limit tokens back, whatever happens inside (a class, not a
    generator: it runs on every request). ``async with attempt:`` does the same with a shared
    store's awaitable twins.
    """

    __slots__ = ("breaker", "call", "extra_headers", "key", "limiter", "timeouts", "wire")

    def __init__(
        self,
        wire: WireRequest,
        key: BreakerKey,
        timeouts: Timeouts,
        breaker: BreakerState,
        call: Call | None = None,
    ) -> None:
        self.wire = wire
        self.key = key
        self.timeouts = timeouts
        self.breaker = breaker
        #: The call this attempt belongs to (told whether the server may have processed it).
        self.call = call
        #: Headers request hooks added to this attempt.
        self.extra_headers: dict[str, str] | None = None
        #: The rate limiter that charged the call's ticket for this attempt (None: none did).
        self.limiter: LimiterState | None = None

    def headers(self) -> tuple[tuple[str, str], ...]:
        """The headers to send: the request's, plus those request hooks added.

        Raises:
            ConfigurationError: a hook tried to set Authorization, or a header that is not a
                token name with a printable ASCII value (``check_headers``).
        """
        extra = self.extra_headers
        if not extra:
            return self.wire.headers
        check_headers(extra.items(), "a request hook's headers")
        names = {name.lower() for name in extra}
        kept = tuple((k, v) for k, v in self.wire.headers if k.lower() not in names)
        return kept + tuple(extra.items())

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> None:
        if exc is None:  # the usual case, first: it runs on every request
            if self.call is not None:
                self.call.exposed = True  # a stream now open, or an answer: it may be billed
            self.breaker.record_success(self.key)
            return
        unused = self._ended(exc)
        if unused is not None:
            self.limiter.reconcile(unused, 0)  # type: ignore[union-attr]
        if isinstance(exc, OpenRouterError):
            if counts_against(exc):
                self.breaker.record_failure(self.key, time.monotonic())
            else:
                self.breaker.record_success(self.key)
        else:
            self.breaker.release(self.key)  # cancelled: no verdict on the service

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> None:
        if exc is None:
            if self.call is not None:
                self.call.exposed = True
            await self.breaker.arecord_success(self.key)
            return
        unused = self._ended(exc)
        if unused is not None:
            await self.limiter.areconcile(unused, 0)  # type: ignore[union-attr]
        if isinstance(exc, OpenRouterError):
            if counts_against(exc):
                await self.breaker.arecord_failure(self.key, time.monotonic())
            else:
                await self.breaker.arecord_success(self.key)
        else:
            await self.breaker.arelease(self.key)

    def _ended(self, exc: BaseException) -> Ticket | None:
        """The attempt failed with ``exc``: tell the call whether the server may have processed
        it; the rate-limit ticket to give all its tokens back when it cannot have (taken off
        the call), else None (an attempt that may have been processed keeps its estimate)."""
        call = self.call
        if call is None:
            return None
        if may_have_been_processed(exc):
            call.exposed = True
            return None
        ticket, call.ticket = call.ticket, None
        return ticket if self.limiter is not None else None


class Attempts:
    """The attempts of one call, for ``for`` and ``async for`` alike::

        for attempt in Attempts(policy, call):
            with attempt:
                return send(attempt.num)

    The first attempt is this object itself, with no retry machinery: most calls need no retry,
    and setting stamina up costs more than the rest of our side of a request. Its ``with`` block
    keeps a failure the policy would retry; the iterator then opens
    ``stamina.retry_context(**policy.stamina_kwargs())`` and raises the kept failure inside
    stamina's first attempt, so stamina judges it and waits as for any other. Later attempts are
    stamina's own; the loop ends by returning from the block, or with the last failure raised.
    One object serves both colours (stamina's ``_RetryContextIterator`` pattern); a state machine
    rather than a generator, so a call that returns at once leaves nothing to finalize.

    Each failure is judged by ``policy.decide`` with what is left of the call's deadline, so no
    wait between attempts runs past it.
    """

    __slots__ = ("_begun", "_call", "_failures", "_kept", "_policy", "_retrying")

    #: The first attempt's number (stamina's attempts number themselves).
    num = 1

    def __init__(self, policy: RetryPolicy, call: Call | None = None) -> None:
        self._policy = policy
        self._call = call
        self._begun = False
        self._failures = 0
        self._kept: OpenRouterError | None = None
        self._retrying: Any = None

    def _left(self) -> float | None:
        return None if self._call is None else self._call.left()

    def _judge(self, exc: Exception) -> bool | float:
        """stamina's ``on`` hook for this call: the policy's verdict on failure number n."""
        self._failures += 1
        call = self._call
        idempotent = call is not None and call.idempotent
        return self._policy.decide(exc, self._failures, self._left(), idempotent=idempotent)

    # -- the first attempt -------------------------------------------------------------------------
    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> bool:
        if exc is None:  # the usual case, first: it runs on every request
            return False
        if (
            isinstance(exc, OpenRouterError)
            and self._policy.wait_after(
                exc, 1, self._left(), idempotent=self._call is not None and self._call.idempotent
            )
            is not None
        ):
            self._kept = exc  # raised again inside stamina, which judges it and waits
            return True
        return False

    # -- iteration -------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Attempts | stamina.Attempt]:
        return self

    def __next__(self) -> Attempts | stamina.Attempt:
        if not self._begun:
            self._begun = True
            return self
        retrying: Iterator[stamina.Attempt] | None = self._retrying
        if retrying is None:
            kept = self._take_kept()
            if kept is None:  # the first attempt's block ended without a retryable failure
                raise StopIteration
            retrying = self._retrying = iter(stamina.retry_context(**self._stamina_kwargs()))
            _replay(next(retrying), kept)
        return next(retrying)  # waits first, or raises the last failure

    def __aiter__(self) -> AsyncIterator[Attempts | stamina.Attempt]:
        return self

    async def __anext__(self) -> Attempts | stamina.Attempt:
        if not self._begun:
            self._begun = True
            return self
        retrying: AsyncIterator[stamina.Attempt] | None = self._retrying
        if retrying is None:
            kept = self._take_kept()
            if kept is None:
                raise StopAsyncIteration
            retrying = stamina.retry_context(**self._stamina_kwargs()).__aiter__()
            self._retrying = retrying
            _replay(await anext(retrying), kept)
        return await anext(retrying)

    def _stamina_kwargs(self) -> dict[str, Any]:
        return {**self._policy.stamina_kwargs(), "on": self._judge}

    def _take_kept(self) -> OpenRouterError | None:
        kept, self._kept = self._kept, None
        return kept


def _replay(attempt: stamina.Attempt, failure: OpenRouterError) -> None:
    """Raise ``failure`` inside stamina's ``attempt``, which records it for stamina to judge."""
    with attempt:
        raise failure
