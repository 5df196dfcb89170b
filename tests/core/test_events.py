"""The events hooks and logs receive: small values that never hold the key or the messages."""

from __future__ import annotations

import attrs
import pytest

from openrouter_kit._core.events import ErrorEvent, RequestEvent, ResponseEvent, RetryEvent

COMMON = {"method": "POST", "path": "/api/v1/chat/completions", "model": "a/x", "attempt": 1}


def test_each_event_names_its_hook_list() -> None:
    kinds = [cls.kind for cls in (RequestEvent, ResponseEvent, RetryEvent, ErrorEvent)]
    assert kinds == ["request", "response", "retry", "error"]


def test_log_fields_are_the_same_for_every_event() -> None:
    request = RequestEvent(**COMMON)
    assert request.log_fields() == {
        **COMMON,
        "status_code": None,
        "latency": None,
        "request_id": None,
    }
    assert request.headers == {}  # request hooks may add tracing headers


def test_events_are_frozen_values() -> None:
    event = RequestEvent(**COMMON)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.model = "b/y"  # type: ignore[misc]
    assert event == RequestEvent(**COMMON)


def test_no_event_has_a_field_for_the_key_or_the_messages() -> None:
    for cls in (RequestEvent, ResponseEvent, RetryEvent, ErrorEvent):
        names = {a.name for a in attrs.fields(cls)}
        assert not names & {"api_key", "messages", "body", "content"}, cls
