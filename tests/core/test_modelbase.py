"""The base classes of the wire models: lazy models, and the generated classes found by name."""

from __future__ import annotations

import attrs
import pytest

from openrouter_kit import errors
from openrouter_kit._core.modelbase import LazyModel, WireModel, generated, lazy
from openrouter_kit._generated import models
from tests.conftest import CANARY_KEY

CHUNK = {"id": "gen-1", "model": "a/x", "choices": [{"index": 0, "delta": {"content": "Hi"}}]}


def test_a_lazy_model_keeps_its_payload_until_a_field_is_read() -> None:
    chunk = lazy(models.StreamChunk, CHUNK)
    assert chunk._payload is CHUNK
    assert chunk.text == "Hi"  # read from the payload: nothing filled in yet
    assert chunk._payload is CHUNK
    assert chunk.id == "gen-1"  # the first field read fills every field in
    assert not hasattr(chunk, "_payload")
    assert chunk.choices[0].delta.content == "Hi"
    assert chunk == models.StreamChunk(id="gen-1", model="a/x", choices=chunk.choices)


def test_assigning_a_field_fills_the_others_in_first() -> None:
    chunk = lazy(models.StreamChunk, CHUNK)
    chunk.model = "b/y"
    assert (chunk.id, chunk.model) == ("gen-1", "b/y")


def test_a_payload_that_does_not_fit_raises_at_the_first_read() -> None:
    chunk = lazy(models.StreamChunk, {"choices": "not a list", "key": CANARY_KEY})
    with pytest.raises(errors.InvalidResponseError) as info:
        _ = chunk.choices
    assert info.value.message.startswith("stream chunk is not the documented shape")
    assert CANARY_KEY not in str(info.value)
    with pytest.raises(errors.InvalidResponseError) as info:
        _ = lazy(models.ModelInfo, {"id": 3, "pricing": []}).pricing
    assert info.value.message.startswith("model is not the documented shape")


def test_every_generated_class_is_found_by_name() -> None:
    classes = [getattr(models, name) for name in models.__all__]
    for cls in classes:
        if attrs.has(cls):
            assert generated(cls.__name__) is cls
            assert issubclass(cls, WireModel)
    assert issubclass(generated("StreamChunk"), LazyModel)


def test_other_wire_models_are_not_taken_for_generated_ones() -> None:
    @attrs.define
    class Message(WireModel):  # same name as a generated class, defined elsewhere
        text: str = ""

    assert generated("Message") is models.Message
    with pytest.raises(KeyError):
        generated("NoSuchModel")
