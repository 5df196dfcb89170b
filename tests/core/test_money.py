"""Money is Decimal everywhere, prices may be VARIABLE, and bad amounts are typed errors."""

from __future__ import annotations

import copy
import json
import operator
import pickle
from decimal import Decimal
from typing import Any

import pytest

import openrouter_kit
from openrouter_kit._core.convert import converters, dumps, structure_input
from openrouter_kit._core.money import VARIABLE, VariablePrice, format_usd, to_money, to_price
from openrouter_kit._core.wire import CHAT_COMPLETIONS, CREDITS, KEY, LIST_MODELS, parse_response
from openrouter_kit._generated.models import CompletionRequest, ModelInfo, ModelPricing
from openrouter_kit.errors import InvalidResponseError, ValidationError

# -- VARIABLE --------------------------------------------------------------------------------------


def test_variable_is_exported_and_a_singleton() -> None:
    assert openrouter_kit.VARIABLE is VARIABLE
    assert openrouter_kit.VariablePrice is VariablePrice
    assert VariablePrice() is VARIABLE
    assert copy.copy(VARIABLE) is VARIABLE
    assert copy.deepcopy(VARIABLE) is VARIABLE
    assert pickle.loads(pickle.dumps(VARIABLE)) is VARIABLE  # noqa: S301 - our own bytes
    assert (repr(VARIABLE), str(VARIABLE), f"{VARIABLE:>9}") == (
        "VARIABLE",
        "variable",
        " variable",
    )


@pytest.mark.parametrize("other", [Decimal(1), Decimal(0), Decimal(-1), 0, 1, 0.5, 10**9])
def test_a_variable_price_passes_no_price_filter(other: Any) -> None:
    for compare in (operator.lt, operator.le, operator.gt, operator.ge):
        assert compare(VARIABLE, other) is False
        assert compare(other, VARIABLE) is False  # the reflected side too
    assert other != VARIABLE


@pytest.mark.parametrize(
    "use",
    [
        lambda p: p * 1000,
        lambda p: 1000 * p,
        lambda p: p + Decimal(1),
        lambda p: Decimal(1) + p,
        lambda p: p / 2,
        lambda p: -p,
        lambda p: sum([Decimal(1), p]),
        lambda p: float(p),
        lambda p: int(p),
        lambda p: Decimal(p),
        lambda p: round(p, 2),
        lambda p: f"{p:.6f}",
    ],
)
def test_a_variable_price_is_not_a_number(use: Any) -> None:
    with pytest.raises(TypeError):
        use(VARIABLE)


# -- reading amounts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.00000015", Decimal("0.00000015")),
        (0.1, Decimal("0.1")),  # through repr: no binary noise
        (1e-05, Decimal("0.00001")),
        (3, Decimal(3)),
        (10**20, Decimal(10**20)),
        (Decimal("2.50"), Decimal("2.50")),
        (" 7 ", Decimal(7)),
    ],
)
def test_to_money_is_exact(value: Any, expected: Decimal) -> None:
    assert to_money(value) == expected
    assert type(to_money(value)) is Decimal


@pytest.mark.parametrize(
    "value",
    ["NaN", "nan", "sNaN", "Infinity", "-inf", "abc", "", "1e999999", float("nan"), float("inf"),
     Decimal("NaN"), 10**400],
)  # fmt: skip
def test_to_money_refuses_what_is_not_an_amount(value: Any) -> None:
    with pytest.raises(ValueError, match="not a"):
        to_money(value)


@pytest.mark.parametrize("value", [True, None, [1], {"usd": 1}, VARIABLE])
def test_to_money_refuses_other_types(value: Any) -> None:
    with pytest.raises(TypeError):
        to_money(value)


def test_to_price_reads_negative_prices_as_variable() -> None:
    assert to_price("-1") is VARIABLE
    assert to_price(-1) is VARIABLE
    assert to_price(VARIABLE) is VARIABLE
    assert to_price("0") == 0


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("1E-7"), "$0.0000001"),
        (Decimal("1.00"), "$1.00"),
        (Decimal("1"), "$1.00"),
        (Decimal("0.0001218"), "$0.0001218"),
        (Decimal("1E+2"), "$100.00"),
        (Decimal("-0.5"), "-$0.50"),
        (Decimal("0E-9"), "$0.00"),
    ],
)
def test_amounts_are_shown_plainly(amount: Decimal, shown: str) -> None:
    assert format_usd(amount) == shown


# -- responses -------------------------------------------------------------------------------------


def completion(cost: Any) -> bytes:
    usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2, "cost": cost}
    choice = {"index": 0, "message": {"role": "assistant", "content": "hi"}}
    return json.dumps({"id": "gen-1", "choices": [choice], "usage": usage}).encode()


def parse(endpoint: Any, body: bytes) -> Any:
    return parse_response(endpoint, 200, {}, body, structure=converters().fast.structure)


def test_a_cost_is_a_decimal_equal_to_the_servers_number() -> None:
    reply = parse(CHAT_COMPLETIONS, completion(0.0000045))
    assert reply.cost == Decimal("0.0000045")
    assert reply.usage.cost == Decimal("0.0000045")
    assert type(reply.cost) is Decimal


@pytest.mark.parametrize("cost", ["NaN", "Infinity", "-Infinity", '"abc"', '"1e999999"', "true"])
def test_a_cost_that_is_no_amount_is_an_invalid_response(cost: str) -> None:
    body = completion(0).replace(b'"cost": 0', f'"cost": {cost}'.encode())
    with pytest.raises(InvalidResponseError, match="unexpected response shape"):
        parse(CHAT_COMPLETIONS, body)


def test_account_money_is_decimal() -> None:
    key = parse(KEY, b'{"data": {"limit": null, "limit_remaining": 7.5, "usage": 2.5}}').data
    assert (key.limit, key.limit_remaining, key.usage) == (None, Decimal("7.5"), Decimal("2.5"))
    credits = parse(CREDITS, b'{"data": {"total_credits": 10, "total_usage": 0.1}}').data
    assert (credits.total_credits, credits.total_usage) == (Decimal(10), Decimal("0.1"))


def models(pricing: dict[str, Any]) -> list[ModelInfo]:
    row = {"id": "a/b", "pricing": pricing}
    return parse(LIST_MODELS, json.dumps({"data": [row]}).encode()).data  # type: ignore[no-any-return]


def test_prices_are_decimal_or_variable() -> None:
    (m,) = models({"prompt": "0.00000015", "completion": "-1", "request": "0", "discount": 0.25})
    assert m.pricing is not None
    assert m.pricing.prompt == Decimal("0.00000015")
    assert m.pricing.prompt * 1000 == Decimal("0.00015")  # arithmetic, not a repeated string
    assert m.pricing.completion is VARIABLE
    assert m.pricing.request == 0
    assert m.pricing.discount == 0.25  # a ratio, not a price


@pytest.mark.parametrize("price", ["NaN", "Infinity", "abc", "", "1e999999", True, [1]])
def test_a_bad_price_fails_when_the_lazy_model_is_read(price: Any) -> None:
    (m,) = models({"prompt": price})  # the list itself parses: models are read on first use
    with pytest.raises(InvalidResponseError, match="model is not the documented shape"):
        _ = m.pricing


def test_pricing_reads_like_the_seeds_dict() -> None:
    (m,) = models({"prompt": "0.000001", "completion": "-1", "discount": 0.1, "x_new": "0.5"})
    pricing = m.pricing
    assert isinstance(pricing, ModelPricing)
    assert pricing.get("prompt", 0) == Decimal("0.000001")
    assert pricing["prompt"] == Decimal("0.000001")
    assert pricing.get("image") is None
    assert pricing.get("image", 0) == 0
    with pytest.raises(KeyError):
        _ = pricing["image"]
    assert pricing["completion"] is VARIABLE
    assert pricing.get("x_new") == Decimal("0.5")  # a price kind this version does not know
    assert "prompt" in pricing
    assert "discount" not in pricing  # a ratio: an attribute, not a price
    assert pricing.keys() == ["prompt", "completion", "x_new"]
    assert dict(pricing.items()) == {
        "prompt": Decimal("0.000001"),
        "completion": VARIABLE,
        "x_new": Decimal("0.5"),
    }
    assert list(pricing) == pricing.keys()


def test_prices_go_back_to_the_wire_as_decimal_strings() -> None:
    (m,) = models({"prompt": "0.00000015", "completion": "-1"})
    assert converters().fast.unstructure(m.pricing) == {"prompt": "0.00000015", "completion": "-1"}


# -- requests: provider.max_price (F6) -------------------------------------------------------------


def max_price_body(**max_price: Any) -> Any:
    request = structure_input(
        {"messages": [{"role": "user", "content": "Hi"}], "provider": {"max_price": max_price}},
        CompletionRequest,
    )
    return json.loads(dumps(request))["provider"]["max_price"]


def test_max_price_takes_decimal_int_float_and_text_and_sends_them_as_given() -> None:
    sent = max_price_body(prompt=Decimal("0.5"), completion=1, request=0.25, image="2")
    assert sent == {"prompt": "0.5", "completion": 1, "request": 0.25, "image": "2"}
    assert type(sent["completion"]) is int  # an int is never turned into a float


def test_max_price_is_a_decimal_on_the_request() -> None:
    request = structure_input(
        {"messages": [{"role": "user", "content": "Hi"}], "provider": {"max_price": {"prompt": 1}}},
        CompletionRequest,
    )
    assert request.provider is not None
    assert request.provider.max_price is not None
    assert request.provider.max_price.prompt == Decimal(1)
    assert isinstance(request.provider.max_price.prompt, Decimal)


def test_max_price_survives_a_second_validation() -> None:
    """Keywords on top of a request object unstructure it and validate it again."""
    first = structure_input(
        {"messages": [{"role": "user", "content": "Hi"}],
         "provider": {"max_price": {"prompt": Decimal("1E-7"), "completion": 2, "audio": 0.5}}},
        CompletionRequest,
    )  # fmt: skip
    again = structure_input(converters().fast.unstructure(first), CompletionRequest)
    assert dumps(again) == dumps(first)
    assert json.loads(dumps(again))["provider"]["max_price"] == {
        "prompt": "0.0000001",  # plain, exact: never "1E-7"
        "completion": 2,
        "audio": 0.5,
    }


def test_a_max_price_built_by_hand_is_sent_as_set() -> None:
    from openrouter_kit._generated.models import MaxPrice, Message, ProviderPreferences

    caps = MaxPrice(prompt=1, completion=0.5, request=Decimal("1E-7"))
    request = CompletionRequest(
        messages=[Message.user("Hi")], provider=ProviderPreferences(max_price=caps)
    )
    sent = json.loads(dumps(request))["provider"]["max_price"]
    assert sent == {"prompt": 1, "completion": 0.5, "request": "0.0000001"}


@pytest.mark.parametrize("bad", ["cheap", True, float("nan"), float("inf"), {"usd": 1}, [1]])
def test_max_price_refuses_what_is_not_an_amount(bad: Any) -> None:
    with pytest.raises(ValidationError, match=r"\$\.provider\.max_price\.prompt"):
        max_price_body(prompt=bad)


def test_a_negative_max_price_is_refused() -> None:
    with pytest.raises(ValidationError, match="must be at least 0"):
        max_price_body(prompt=-1)
