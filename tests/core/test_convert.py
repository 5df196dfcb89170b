"""The cattrs converters: wire dicts <-> models, forward compatibility, strict input checks."""

from __future__ import annotations

import copy
import json
import math
from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openrouter_kit import errors
from openrouter_kit._core.convert import converters, dumps, structure_input
from openrouter_kit._generated.models import (
    CompletionRequest,
    CompletionResponse,
    ContentPart,
    ErrorInfo,
    FinishReason,
    ImageUrl,
    InputModality,
    Message,
    MessageRole,
    ModelEndpoints,
    ModelInfo,
    OutputModality,
    Quantization,
    TokenUsage,
    ToolChoice,
)

USER = {"role": "user", "content": "hi"}


def completion_payload() -> dict[str, Any]:
    """A realistic tool-calling completion with an unknown key at every level, and no nulls."""
    return {
        "id": "gen-1735689600-abc",
        "object": "chat.completion",
        "created": 1735689600,
        "model": "openai/gpt-4o",
        "provider": "OpenAI",
        "system_fingerprint": "fp_9f1",
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "native_finish_reason": "tool_calls",
                "message": {
                    "role": "assistant",
                    "content": "Let me look that up.",
                    "tool_calls": [
                        {
                            "id": "call_1",
                            "type": "function",
                            "index": 0,
                            "function": {
                                "name": "get_weather",
                                "arguments": '{"city": "Paris"}',
                                "x_function_future": {"schema_version": 2},
                            },
                            "x_call_future": "signed",
                        }
                    ],
                    "x_message_future": [1, "two", {"three": 3.0}],
                },
                "x_choice_future": True,
            }
        ],
        "usage": {
            "prompt_tokens": 52,
            "completion_tokens": 18,
            "total_tokens": 70,
            "cost": 0.00031,
            "is_byok": False,
            "prompt_tokens_details": {"cached_tokens": 32, "x_details_future": 7},
            "completion_tokens_details": {"reasoning_tokens": 0},
            "x_usage_future": {"credits_left": "12.5"},
        },
        "x_response_future": {"region": "eu", "nested": {"deep": [None, False]}},
    }


def model_payload() -> dict[str, Any]:
    """A /models row with unknown keys in the model, architecture, pricing and top_provider."""
    return {
        "id": "openai/gpt-4o",
        "canonical_slug": "openai/gpt-4o-2024-11-20",
        "name": "OpenAI: GPT-4o",
        "created": 1715558400,
        "context_length": 128000,
        "architecture": {
            "modality": "text+image->text",
            "input_modalities": ["text", "image"],
            "output_modalities": ["text"],
            "tokenizer": "GPT",
            "x_architecture_future": "moe",
        },
        "pricing": {
            "prompt": "0.0000025",
            "completion": "0.00001",
            "request": "0",
            "x_pricing_future": "0.5",
        },
        "top_provider": {
            "context_length": 128000,
            "max_completion_tokens": 16384,
            "is_moderated": True,
            "x_top_provider_future": 99,
        },
        "supported_parameters": ["tools", "response_format", "temperature"],
        "x_model_future": {"tier": "gold"},
    }


# --- forward compatibility ------------------------------------------------------------------


def test_unknown_keys_at_every_level_of_a_completion_land_in_extra() -> None:
    payload = completion_payload()
    resp = converters().fast.structure(payload, CompletionResponse)
    choice = resp.choices[0]
    message = choice.message
    assert message is not None
    assert message.tool_calls is not None
    call = message.tool_calls[0]
    assert call.function is not None
    usage = resp.usage
    assert usage is not None
    assert usage.prompt_tokens_details is not None

    assert resp.extra == {"x_response_future": payload["x_response_future"]}
    assert choice.extra == {"x_choice_future": True}
    assert message.extra == {"x_message_future": [1, "two", {"three": 3.0}]}
    assert call.extra == {"x_call_future": "signed"}
    assert call.function.extra == {"x_function_future": {"schema_version": 2}}
    assert usage.extra == {"x_usage_future": {"credits_left": "12.5"}}
    assert usage.prompt_tokens_details.extra == {"x_details_future": 7}
    # Known fields are still parsed as such, next to the unknown ones.
    assert call.function.arguments == '{"city": "Paris"}'
    assert usage.prompt_tokens_details.cached_tokens == 32
    assert resp.cost == Decimal("0.00031")
    assert resp.text == "Let me look that up."


def test_known_only_objects_have_an_empty_extra() -> None:
    resp = converters().fast.structure(completion_payload(), CompletionResponse)
    assert resp.usage is not None
    assert resp.usage.completion_tokens_details is not None
    assert resp.usage.completion_tokens_details.extra == {}


def test_completion_round_trips_through_fast_structure_and_unstructure() -> None:
    payload = completion_payload()
    original = copy.deepcopy(payload)
    fast = converters().fast
    resp = fast.structure(payload, CompletionResponse)
    assert payload == original  # parsing does not touch the caller's dict
    # Money comes back as exact decimal strings: the JSON module has no exact decimal number.
    original["usage"]["cost"] = "0.00031"
    assert fast.unstructure(resp) == original


def test_unknown_keys_of_a_model_land_in_extra_and_round_trip() -> None:
    payload = model_payload()
    fast = converters().fast
    model = fast.structure(payload, ModelInfo)
    assert model.architecture is not None
    assert model.pricing is not None
    assert model.top_provider is not None
    assert model.extra == {"x_model_future": {"tier": "gold"}}
    assert model.architecture.extra == {"x_architecture_future": "moe"}
    assert model.pricing.extra == {"x_pricing_future": "0.5"}
    assert model.top_provider.extra == {"x_top_provider_future": 99}
    assert model.pricing.prompt == Decimal("0.0000025")
    assert model.top_provider.max_completion_tokens == 16384
    assert fast.unstructure(model) == model_payload()


def test_explicit_nulls_parse_to_none_and_are_not_sent_back() -> None:
    payload = {
        "id": "gen-1",
        "system_fingerprint": None,
        "usage": None,
        "choices": [
            {
                "index": 0,
                "finish_reason": None,
                "logprobs": None,
                "error": None,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "refusal": None,
                    "tool_calls": None,
                },
            }
        ],
    }
    fast = converters().fast
    resp = fast.structure(payload, CompletionResponse)
    choice = resp.choices[0]
    assert resp.system_fingerprint is None
    assert resp.usage == TokenUsage()  # zeros: a completion always has a usage
    assert resp.cost is None
    assert choice.finish_reason is None
    assert choice.logprobs is None
    assert choice.error is None
    assert choice.message is not None
    assert choice.message.content is None
    assert choice.message.refusal is None
    assert choice.message.tool_calls is None
    assert resp.text == ""
    # Nulls of known optional fields are dropped on the way out, and so are the empty usage and
    # message that stand in for missing ones; nothing unknown is invented.
    assert fast.unstructure(resp) == {"id": "gen-1", "choices": [{"index": 0}]}
    assert resp.extra == {}
    assert choice.extra == {}
    assert choice.message.extra == {}


def test_an_unknown_key_with_a_null_value_is_kept_and_sent_back() -> None:
    fast = converters().fast
    resp = fast.structure({"id": "gen-1", "x_future": None}, CompletionResponse)
    assert resp.extra == {"x_future": None}
    assert fast.unstructure(resp) == {"id": "gen-1", "choices": [], "x_future": None}


# --- open enums -------------------------------------------------------------------------------


def test_unknown_finish_reason_and_role_parse_as_plain_strings() -> None:
    payload = {
        "choices": [
            {
                "index": 0,
                "finish_reason": "model_context_window_exceeded",
                "message": {"role": "narrator", "content": "..."},
            },
            {
                "index": 1,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": "ok"},
            },
        ]
    }
    resp = converters().fast.structure(payload, CompletionResponse)
    new, known = resp.choices
    assert new.finish_reason == "model_context_window_exceeded"
    assert type(new.finish_reason) is str
    assert new.message is not None
    assert new.message.role == "narrator"
    assert known.finish_reason == FinishReason.STOP
    assert known.message is not None
    assert known.message.role == MessageRole.ASSISTANT


def test_unknown_modality_and_quantization_parse_as_plain_strings() -> None:
    fast = converters().fast
    model = fast.structure(
        {
            "id": "acme/omni",
            "architecture": {
                "input_modalities": ["text", "image", "hologram"],
                "output_modalities": ["text", "smell"],
            },
        },
        ModelInfo,
    )
    assert model.architecture is not None
    assert model.architecture.input_modalities == ["text", "image", "hologram"]
    assert InputModality.IMAGE in model.architecture.input_modalities
    assert OutputModality.TEXT in model.architecture.output_modalities
    assert "smell" in model.architecture.output_modalities

    endpoints = fast.structure(
        {
            "id": "acme/omni",
            "endpoints": [
                {"provider_name": "A", "quantization": "fp8"},
                {"provider_name": "B", "quantization": "fp2"},
            ],
        },
        ModelEndpoints,
    )
    assert endpoints.endpoints[0].quantization == Quantization.FP8
    assert endpoints.endpoints[1].quantization == "fp2"


@pytest.mark.parametrize(
    ("member", "text"),
    [
        (FinishReason.STOP, "stop"),
        (FinishReason.TOOL_CALLS, "tool_calls"),
        (MessageRole.USER, "user"),
        (MessageRole.TOOL, "tool"),
        (Quantization.BF16, "bf16"),
        (InputModality.AUDIO, "audio"),
    ],
)
def test_enum_members_are_the_wire_strings(member: StrEnum, text: str) -> None:
    assert member == text
    assert text == member
    assert hash(member) == hash(text)  # usable as dict keys interchangeably


def test_an_enum_member_is_sent_as_its_plain_string() -> None:
    assert dumps(Message(role=MessageRole.USER, content="hi")) == b'{"role":"user","content":"hi"}'


def test_a_new_role_in_user_input_is_accepted_and_sent() -> None:
    req = structure_input({"messages": [{"role": "critic", "content": "x"}]}, CompletionRequest)
    assert req.messages[0].role == "critic"
    assert b'"role":"critic"' in dumps(req)


# --- request bodies ----------------------------------------------------------------------------


def test_unset_request_fields_are_not_sent() -> None:
    body = dumps(CompletionRequest(messages=[Message.user("hi")]))
    assert body == b'{"messages":[{"role":"user","content":"hi"}]}'


def test_falsy_values_that_were_set_are_sent() -> None:
    req = CompletionRequest(messages=[Message.user("hi")], temperature=0.0, stream=False, stop=[])
    sent = json.loads(dumps(req))
    assert sent["temperature"] == 0.0
    assert sent["stream"] is False
    assert sent["stop"] == []
    assert "max_tokens" not in sent


def test_extra_keys_of_a_request_are_sent() -> None:
    req = CompletionRequest(
        messages=[Message.user("hi")], extra={"x_new_param": {"a": [1, 2]}, "beta": True}
    )
    sent = json.loads(dumps(req))
    assert sent["x_new_param"] == {"a": [1, 2]}
    assert sent["beta"] is True


def test_extra_keys_given_as_dict_input_are_kept_and_sent() -> None:
    req = structure_input({"messages": [USER], "x_new_param": 3}, CompletionRequest)
    assert req.extra == {"x_new_param": 3}
    assert json.loads(dumps(req))["x_new_param"] == 3


def test_a_known_field_wins_over_an_extra_key_of_the_same_name() -> None:
    req = CompletionRequest(
        messages=[Message.user("hi")], model="openai/gpt-4o", extra={"model": "evil/model"}
    )
    assert json.loads(dumps(req))["model"] == "openai/gpt-4o"


def test_dumps_is_compact_utf8_and_refuses_nan() -> None:
    body = dumps(CompletionRequest(messages=[Message.user("héllo ✓")]))
    assert body == '{"messages":[{"role":"user","content":"héllo ✓"}]}'.encode()
    with pytest.raises(errors.ValidationError, match="JSON"):
        dumps(CompletionRequest(messages=[Message.user("hi")], temperature=math.nan))


# --- unions ------------------------------------------------------------------------------------


def test_message_content_as_a_string() -> None:
    req = structure_input({"messages": [USER]}, CompletionRequest)
    assert req.messages[0].content == "hi"


def test_message_content_as_parts_given_as_dicts_and_objects() -> None:
    image = ContentPart(type="image_url", image_url=ImageUrl(url="https://example.com/a.png"))
    req = structure_input(
        {
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": "What is this?"}, image]}
            ]
        },
        CompletionRequest,
    )
    content = req.messages[0].content
    assert isinstance(content, list)
    assert content[0] == ContentPart(type="text", text="What is this?")
    assert content[1] is image
    assert json.loads(dumps(req))["messages"][0]["content"] == [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
    ]


def test_message_content_none() -> None:
    req = structure_input(
        {"messages": [USER, {"role": "assistant", "content": None}]}, CompletionRequest
    )
    assert req.messages[1].content is None
    assert json.loads(dumps(req))["messages"][1] == {"role": "assistant"}


def test_message_content_of_another_kind_is_refused() -> None:
    with pytest.raises(errors.ValidationError) as info:
        structure_input({"messages": [{"role": "user", "content": 42}]}, CompletionRequest)
    assert info.value.path == "$.messages[0].content"


@pytest.mark.parametrize("stop", ["\n\n", ["END", "STOP"]])
def test_stop_as_a_string_or_a_list(stop: str | list[str]) -> None:
    req = structure_input({"messages": [USER], "stop": stop}, CompletionRequest)
    assert req.stop == stop
    assert json.loads(dumps(req))["stop"] == stop


def test_tool_choice_as_a_string_or_an_object() -> None:
    auto = structure_input({"messages": [USER], "tool_choice": "auto"}, CompletionRequest)
    assert auto.tool_choice == "auto"
    forced = structure_input(
        {"messages": [USER], "tool_choice": {"type": "function", "function": {"name": "f"}}},
        CompletionRequest,
    )
    assert isinstance(forced.tool_choice, ToolChoice)
    assert forced.tool_choice.function is not None
    assert forced.tool_choice.function.name == "f"
    assert json.loads(dumps(forced))["tool_choice"] == {
        "type": "function",
        "function": {"name": "f"},
    }


@pytest.mark.parametrize("code", [429, "rate_limited"])
def test_error_code_as_an_int_or_a_string(code: int | str) -> None:
    for conv in (converters().fast, converters().strict):
        info = conv.structure({"code": code, "message": "slow down"}, ErrorInfo)
        assert info.code == code
        assert type(info.code) is type(code)


def test_a_bool_is_not_an_int_for_the_strict_converter() -> None:
    with pytest.raises(errors.ValidationError) as info:
        structure_input({"messages": [USER], "max_tokens": True}, CompletionRequest)
    assert info.value.path == "$.max_tokens"
    assert "integer" in str(info.value)


def test_a_bool_is_not_an_int_in_a_union_either() -> None:
    with pytest.raises(errors.ValidationError) as info:
        structure_input({"code": True}, ErrorInfo)
    assert info.value.path == "$.code"


def test_a_bool_is_accepted_where_the_field_is_bool() -> None:
    req = structure_input(
        {"messages": [USER], "stream": True, "logprobs": False, "parallel_tool_calls": False},
        CompletionRequest,
    )
    assert req.stream is True
    assert req.logprobs is False
    assert req.parallel_tool_calls is False


def test_an_int_is_not_a_bool_for_the_strict_converter() -> None:
    with pytest.raises(errors.ValidationError) as info:
        structure_input({"messages": [USER], "stream": 1}, CompletionRequest)
    assert info.value.path == "$.stream"


def test_an_int_is_accepted_where_a_float_is_expected() -> None:
    req = structure_input({"messages": [USER], "temperature": 1}, CompletionRequest)
    assert req.temperature == 1.0
    assert isinstance(req.temperature, float)


# --- strict validation: paths and limits -------------------------------------------------------


def test_validation_error_names_the_path_of_the_bad_message() -> None:
    with pytest.raises(errors.ValidationError) as info:
        structure_input({"messages": [{"role": "user"}, {"content": 1}]}, CompletionRequest)
    assert info.value.path is not None
    assert info.value.path.startswith("$.messages[1]")
    assert "$.messages[1]" in str(info.value)


def test_validation_error_names_a_nested_path() -> None:
    with pytest.raises(errors.ValidationError) as info:
        structure_input({"messages": [{"role": 7, "content": "x"}]}, CompletionRequest)
    assert info.value.path == "$.messages[0].role"
    assert "string" in str(info.value)


def test_a_missing_required_field_is_named() -> None:
    with pytest.raises(errors.ValidationError) as info:
        structure_input({"model": "openai/gpt-4o"}, CompletionRequest)
    assert info.value.path == "$.messages"


def test_wrong_nested_type_in_provider_preferences_names_the_path() -> None:
    with pytest.raises(errors.ValidationError) as info:
        structure_input(
            {"messages": [USER], "provider": {"allow_fallbacks": "no"}}, CompletionRequest
        )
    assert info.value.path == "$.provider.allow_fallbacks"


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        ({"provider": {"order": "openai"}}, "$.provider.order"),
        ({"models": "openai/gpt-4o"}, "$.models"),
    ],
)
def test_a_string_where_a_list_is_expected_is_refused(extra: dict[str, Any], path: str) -> None:
    with pytest.raises(errors.ValidationError) as info:
        structure_input({"messages": [USER], **extra}, CompletionRequest)
    assert info.value.path == path


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("temperature", 2.5, "at most 2"),
        ("temperature", -0.1, "at least 0"),
        ("top_p", 1.5, "at most 1"),
        ("top_logprobs", 21, "at most 20"),
        ("max_tokens", 0, "at least 1"),
        ("repetition_penalty", 0, "greater than 0"),
        ("frequency_penalty", -2.5, "at least -2"),
        ("stop", ["a", "b", "c", "d", "e"], "at most 4 item"),
    ],
)
def test_range_checks_name_the_field_and_the_limit(field: str, value: Any, words: str) -> None:
    with pytest.raises(errors.ValidationError) as info:
        structure_input({"messages": [USER], field: value}, CompletionRequest)
    assert info.value.path == f"$.{field}"
    assert f"$.{field}" in str(info.value)
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("temperature", 2),
        ("temperature", 0),
        ("top_logprobs", 20),
        ("repetition_penalty", 0.01),
        ("stop", ["a", "b", "c", "d"]),
    ],
)
def test_values_at_the_limit_are_accepted(field: str, value: Any) -> None:
    req = structure_input({"messages": [USER], field: value}, CompletionRequest)
    assert getattr(req, field) == value


def test_empty_messages_are_refused() -> None:
    with pytest.raises(errors.ValidationError, match="at least 1") as info:
        structure_input({"messages": []}, CompletionRequest)
    assert info.value.path == "$.messages"


def test_limits_are_checked_in_nested_objects() -> None:
    with pytest.raises(errors.ValidationError) as info:
        structure_input({"messages": [USER], "reasoning": {"max_tokens": -1}}, CompletionRequest)
    assert info.value.path == "$.reasoning.max_tokens"


def test_limits_are_checked_on_an_instance_too() -> None:
    req = CompletionRequest(messages=[Message.user("hi")], temperature=5.0)
    with pytest.raises(errors.ValidationError) as info:
        structure_input(req, CompletionRequest)
    assert info.value.path == "$.temperature"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_refused(value: float) -> None:
    with pytest.raises(errors.ValidationError) as info:
        structure_input({"messages": [USER], "top_p": value}, CompletionRequest)
    assert info.value.path == "$.top_p"
    assert "finite" in str(info.value)


# --- instances inside dicts ----------------------------------------------------------------------


def test_message_objects_inside_a_dict_request_are_taken_as_is() -> None:
    first, second = Message.system("Be brief."), Message.user("hi")
    req = structure_input({"messages": [first, second, USER]}, CompletionRequest)
    assert req.messages[0] is first
    assert req.messages[1] is second
    assert req.messages[2] == Message.user("hi")


def test_a_request_instance_is_returned_as_is() -> None:
    req = CompletionRequest(messages=[Message.user("hi")], model="openai/gpt-4o")
    assert structure_input(req, CompletionRequest) is req


# --- fast vs strict ------------------------------------------------------------------------------


def test_fast_converter_is_liberal_with_a_float_where_an_int_is_expected() -> None:
    resp = converters().fast.structure({"id": "gen-1", "created": 1.7e9}, CompletionResponse)
    assert resp.created == 1_700_000_000


def test_strict_converter_refuses_a_float_where_an_int_is_expected() -> None:
    with pytest.raises(errors.ValidationError) as info:
        structure_input({"id": "gen-1", "created": 1.7e9}, CompletionResponse)
    assert info.value.path == "$.created"


# --- property: unknown keys always survive a round trip ----------------------------------------

_KNOWN_WIRE_NAMES = frozenset(
    str(a.metadata.get("wire", a.name)) for a in attrs.fields(CompletionResponse)
)

_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
_unknown_keys = st.dictionaries(
    st.text(min_size=1, max_size=12).filter(lambda k: k not in _KNOWN_WIRE_NAMES),
    _json_values,
    max_size=6,
)


@settings(database=None, max_examples=150, deadline=None)
@given(unknown=_unknown_keys)
def test_unknown_keys_always_round_trip(unknown: dict[str, Any]) -> None:
    payload: dict[str, Any] = {
        "id": "gen-1",
        "model": "openai/gpt-4o",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}}],
        **unknown,
    }
    expected = copy.deepcopy(payload)
    fast = converters().fast
    resp = fast.structure(payload, CompletionResponse)
    assert resp.extra == unknown
    assert resp.text == "hi"
    assert fast.unstructure(resp) == expected


def test_the_fast_converter_takes_one_item_where_the_wire_documents_a_list() -> None:
    payload = {"id": "a/b", "architecture": {"input_modalities": "text"}}
    model = converters().fast.structure(payload, ModelInfo)
    assert model.architecture is not None
    assert model.architecture.input_modalities == ["text"]


# --- replies back into the conversation ----------------------------------------------------------


def _reply_message() -> Any:
    from openrouter_kit._generated.models import ResponseMessage

    payload = {
        "role": "assistant",
        "content": "Checking.",
        "tool_calls": [
            {"index": 0, "id": "c1", "type": "function", "x": 1,
             "function": {"name": "f", "arguments": '{"a":  1}'}}
        ],
        "reasoning": "think",
        "reasoning_details": [{"type": "reasoning.encrypted", "data": "e1"}, {"type": "x"}],
        "refusal": None,
        "images": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}}],
        "annotations": [{"type": "url_citation"}],
        "provider_secret_sauce": 1,
    }  # fmt: skip
    return converters().fast.structure(payload, ResponseMessage)


def test_a_reply_message_becomes_the_assistant_message_the_api_takes_back() -> None:
    message = _reply_message().to_message()
    assert isinstance(message, Message)
    assert json.loads(dumps(message)) == {
        "role": "assistant",
        "content": "Checking.",
        "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"a":  1}'}}
        ],
        "reasoning": "think",
        "reasoning_details": [{"type": "reasoning.encrypted", "data": "e1"}, {"type": "x"}],
        "images": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}}],
    }


def test_a_reply_message_is_taken_wherever_a_message_is() -> None:
    reply = _reply_message()
    request = structure_input({"messages": [USER, reply]}, CompletionRequest)
    assert request.messages[1] == reply.to_message()
    built = CompletionRequest(messages=[Message.user("hi"), reply])
    sent = json.loads(dumps(built))["messages"][1]
    assert sent == json.loads(dumps(reply.to_message()))
    assert "annotations" not in sent
    assert "provider_secret_sauce" not in sent


def test_a_dict_where_a_model_is_declared_is_sent_as_it_is() -> None:
    from openrouter_kit._generated.models import ToolDefinition

    function = {"name": "f", "parameters": {"type": "object"}, "x_new": [ContentPart.of_text("a")]}
    tool = ToolDefinition(function=function)  # type: ignore[arg-type]
    assert json.loads(dumps(tool)) == {
        "type": "function",
        "function": {**function, "x_new": [{"type": "text", "text": "a"}]},
    }


# --- documented values ---------------------------------------------------------------------------


def test_documented_values_are_checked_on_input_only() -> None:
    with pytest.raises(errors.ValidationError) as info:
        structure_input(
            {"messages": [USER], "provider": {"quantizations": ["fp8", "fp3"]}}, CompletionRequest
        )
    assert info.value.path == "$.provider.quantizations[1]"
    assert "'fp3' is not one of int4, int8" in info.value.message
    # Responses stay open: values this version does not know parse as plain strings.
    fast = converters().fast
    reply = fast.structure(
        {"choices": [{"finish_reason": "paused", "message": {"role": "narrator"}}]},
        CompletionResponse,
    )
    assert (reply.choices[0].finish_reason, reply.choices[0].message.role) == ("paused", "narrator")


def test_string_lengths_are_checked() -> None:
    tool = {"type": "function", "function": {"name": "f" * 65}}
    with pytest.raises(errors.ValidationError, match="at most 64 characters, got 65") as info:
        structure_input({"messages": [USER], "tools": [tool]}, CompletionRequest)
    assert info.value.path == "$.tools[0].function.name"


# -- issue 14, F19: what was sent, or failed untyped -------------------------------------------


def refused(**fields: Any) -> errors.ValidationError:
    with pytest.raises(errors.ValidationError) as info:
        structure_input({"messages": [USER], **fields}, CompletionRequest)
    return info.value


@pytest.mark.parametrize("value", ["", "   ", "openai/gpt 4o\nX", " openai/gpt-4o", "a\tb"])
def test_a_model_id_must_be_a_word(value: str) -> None:
    exc = refused(model=value)
    assert exc.path == "$.model"
    assert "must be a model id such as openai/gpt-4o (not empty, no whitespace)" in str(exc)
    exc = refused(models=["openai/gpt-4o", value])
    assert exc.path == "$.models[1]"
    for fine in ("openai/gpt-4o", "openai/gpt-4o:nitro", "~anthropic/claude-latest"):
        assert structure_input(
            {"messages": [USER], "model": fine, "models": [fine]}, CompletionRequest
        )


@pytest.mark.parametrize(
    ("field", "value", "path", "words"),
    [
        ("max_tokens", 10**30, "$.max_tokens", "at most 2147483647, got 1" + "0" * 30),
        pytest.param(
            "max_tokens",
            10**5000,
            "$.max_tokens",
            "2147483647, got an integer of many",
            id="10**5000",
        ),
        ("seed", -(10**50), "$.seed", "at least -9223372036854775808, got an integer of 51 digits"),
        ("max_completion_tokens", 2**31, "$.max_completion_tokens", "at most 2147483647"),
        ("top_k", 2**31, "$.top_k", "at most 2147483647"),
        ("seed", 2**80, "$.seed", "at most 9223372036854775807"),
        ("seed", -(2**63) - 1, "$.seed", "at least -9223372036854775808"),
        ("logit_bias", {"50256": 1e9}, "$.logit_bias['50256']", "at most 100, got 1000000000.0"),
        ("logit_bias", {"1": 0, "2": -101}, "$.logit_bias['2']", "at least -100, got -101"),
        ("reasoning", {"max_tokens": 2**31}, "$.reasoning.max_tokens", "at most 2147483647"),
    ],
)
def test_absurd_integers_and_logit_biases_are_refused(
    field: str, value: Any, path: str, words: str
) -> None:
    exc = refused(**{field: value})
    assert exc.path == path
    assert words in str(exc)


def test_the_integer_and_bias_limits_themselves_are_accepted() -> None:
    fields = {
        "max_tokens": 2**31 - 1,
        "seed": 2**63 - 1,
        "top_k": 2**31 - 1,
        "logit_bias": {"1": -100, "2": 100, "3": 0.5},
    }
    assert structure_input({"messages": [USER], **fields}, CompletionRequest).seed == 2**63 - 1
    assert structure_input({"messages": [USER], "seed": -(2**63)}, CompletionRequest)


def nested(depth: int, leaf: Any = 0) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("extra", "path", "words"),
    [
        ({"my_param": float("nan")}, "$.my_param", "cannot be sent as JSON"),
        ({"my_param": object()}, "$.my_param", "not JSON serializable"),
        ({"ok": 1, "my_param": {"a": [1, {float("inf"): 2}]}}, "$.my_param.a[1]", "JSON"),
        ({"my_param": nested(50_000)}, "$.my_param[0][0]", "nested too deeply"),
    ],
)
def test_a_body_that_cannot_be_json_names_where(
    extra: dict[str, Any], path: str, words: str
) -> None:
    request = structure_input({"messages": [USER]}, CompletionRequest)
    with pytest.raises(errors.ValidationError) as info:
        dumps(request, extra)
    assert info.value.path == path
    assert words in str(info.value)
    assert info.value.__cause__ is None
    assert info.value.__context__ is None  # nothing the value held travels with the error


def test_a_request_nested_too_deeply_is_a_validation_error_naming_where() -> None:
    # The review's reproducer: a 50k-deep value raised a raw RecursionError.
    deep = {"messages": [{"role": "user", "content": "hi", "x": nested(50_000)}]}
    with pytest.raises(errors.ValidationError) as info:
        dumps(structure_input(deep, CompletionRequest))
    assert info.value.path == "$.messages[0].x"
    tool = {"type": "function", "function": {"name": "f", "parameters": {"a": nested(50_000)}}}
    with pytest.raises(errors.ValidationError, match="nested too deeply") as info:
        dumps(structure_input({"messages": [USER], "tools": [tool]}, CompletionRequest))
    assert info.value.path == "$.tools[0].function"
    with pytest.raises(errors.ValidationError, match="recursion") as info:
        structure_input({"messages": [USER], "stop": nested(50_000, "x")}, CompletionRequest)
    assert info.value.path == "$.stop[0]"
