"""Hooks: the caller's functions that see every request, response, retry and error."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from openrouter_kit.errors import ConfigurationError

if TYPE_CHECKING:
    from openrouter_kit._core.events import HookEvent

__all__ = ["Hook", "Hooks"]

#: A hook takes the event; the async client also awaits what it returns.
Hook = Callable[[Any], "Awaitable[None] | None"]


def _hook_list(value: Iterable[Hook]) -> list[Hook]:
    hooks = list(value)
    for hook in hooks:
        if not callable(hook):
            raise ConfigurationError(f"a hook must be callable, got {type(hook).__name__}")
    return hooks


@attrs.define
class Hooks:
    """Functions a client calls on its HTTP traffic, for metrics and tracing.

    ::

        def record(event: ResponseEvent) -> None:
            latencies.append(event.latency)

        client = Client(hooks={"response": [record]})
        client.hooks.error.append(report_error)      # lists may change at any time

    Each list receives one kind of event: ``request`` a ``RequestEvent`` before every attempt
    (it may add tracing headers), ``response`` a ``ResponseEvent`` for every HTTP response,
    ``retry`` a ``RetryEvent`` before waiting for another attempt, and ``error`` an
    ``ErrorEvent`` when a call fails. Hooks run in order, in the calling thread or task; the async
    client awaits hooks that return an awaitable (``async def`` hooks), the blocking client
    accepts plain functions only. A hook that raises fails the call with its exception.
    Copies from ``with_options`` share their client's hooks.
    """

    request: list[Hook] = attrs.field(factory=list, converter=_hook_list)
    response: list[Hook] = attrs.field(factory=list, converter=_hook_list)
    retry: list[Hook] = attrs.field(factory=list, converter=_hook_list)
    error: list[Hook] = attrs.field(factory=list, converter=_hook_list)

    @classmethod
    def of(cls, hooks: Hooks | Mapping[str, Iterable[Hook]] | None) -> Hooks:
        """Hooks from a ``Hooks`` object (used as is), a dict of lists, or None (no hooks).

        Raises:
            ConfigurationError: an unknown event name or a hook that is not callable.
        """
        if hooks is None:
            return cls()
        if isinstance(hooks, Hooks):
            return hooks
        if not isinstance(hooks, Mapping):
            raise ConfigurationError(
                f"hooks must be a Hooks object or a dict of lists, got {type(hooks).__name__}"
            )
        names = [a.name for a in attrs.fields(cls)]
        unknown = sorted(str(k) for k in hooks if k not in names)
        if unknown:
            raise ConfigurationError(
                f"unknown hook event {', '.join(map(repr, unknown))}; use {', '.join(names)}"
            )
        return cls(**{k: _hook_list(v) for k, v in hooks.items()})

    def _blocking(self) -> Hooks:
        """These hooks, checked for a blocking client: ``async def`` hooks are refused."""
        for name in ("request", "response", "retry", "error"):
            for hook in getattr(self, name):
                if inspect.iscoroutinefunction(hook):
                    raise _async_hook(hook)
        return self

    def fire(self, event: HookEvent) -> None:
        """Call the hooks for ``event`` (blocking client).

        Raises:
            ConfigurationError: a hook returned an awaitable (it belongs on an AsyncClient).
        """
        for hook in getattr(self, event.kind):
            result = hook(event)
            if inspect.isawaitable(result):
                if inspect.iscoroutine(result):
                    result.close()  # never awaited: close it so Python does not warn
                raise _async_hook(hook)

    async def afire(self, event: HookEvent) -> None:
        """Call the hooks for ``event``, awaiting those that return an awaitable."""
        for hook in getattr(self, event.kind):
            result = hook(event)
            if inspect.isawaitable(result):
                await result


def _async_hook(hook: Hook) -> ConfigurationError:
    name = getattr(hook, "__qualname__", type(hook).__name__)
    return ConfigurationError(
        f"hook {name} is async: the blocking Client calls plain functions; "
        "use it with AsyncClient, or make it a plain function"
    )
