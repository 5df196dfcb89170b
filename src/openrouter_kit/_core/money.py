"""Money: USD amounts as ``Decimal``, prices that may be variable, and how both are read and shown.

Owns: the one money type (``decimal.Decimal``), the ``VARIABLE`` price (the wire's ``"-1"``, used
by router models such as ``openrouter/auto`` whose price is only known afterwards), reading amounts
from the wire or from the user (floats through their ``repr``, never their binary value; NaN,
infinities and text that is not a number refused), and printing amounts plainly (``$0.0000001``,
never ``$1E-7``). Stdlib only, and nothing of ours but ``errors``: every layer may import it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final, NoReturn, TypeAlias, final

__all__ = [
    "VARIABLE",
    "Price",
    "VariablePrice",
    "format_usd",
    "plain",
    "to_money",
    "to_price",
]


@final
class VariablePrice:
    """A price that is not fixed in advance (the API's ``"-1"``): a router model such as
    ``openrouter/auto`` charges whatever the model it picks costs.

    There is one instance, ``VARIABLE``; test with ``price is VARIABLE``. It is not a number, so
    it can never be mistaken for one: arithmetic and ``Decimal(VARIABLE)`` raise ``TypeError``,
    and every ordering comparison (``<``, ``<=``, ``>``, ``>=``, either side) is False, so a
    variable price never passes a price filter such as ``price <= max_price``. It equals only
    itself, and is shown as ``VARIABLE`` (``str()`` gives ``variable``).
    """

    __slots__ = ()

    def __new__(cls) -> VariablePrice:
        return VARIABLE

    def __repr__(self) -> str:
        return "VARIABLE"

    def __str__(self) -> str:
        return "variable"

    def __format__(self, spec: str) -> str:
        try:
            return format(str(self), spec)
        except ValueError:  # a number format (".6f"): the price has no amount to show
            _not_a_number("formatted as a number")

    def __reduce__(self) -> str:
        return "VARIABLE"  # pickling and copying keep the one instance

    def __eq__(self, other: object) -> bool:
        return other is self

    def __hash__(self) -> int:
        return hash("openrouter_kit.VARIABLE")

    # Ordering: never true, whichever side the variable price is on.
    def __lt__(self, other: object) -> bool:
        return False

    def __le__(self, other: object) -> bool:
        return False

    def __gt__(self, other: object) -> bool:
        return False

    def __ge__(self, other: object) -> bool:
        return False

    if not TYPE_CHECKING:  # arithmetic raises; mypy sees no operators, so it flags it too

        def _arithmetic(self, *_: Any) -> NoReturn:
            _not_a_number("used in arithmetic")

        __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _arithmetic
        __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _arithmetic
        __mod__ = __rmod__ = __divmod__ = __rdivmod__ = __pow__ = __rpow__ = _arithmetic
        __neg__ = __pos__ = __abs__ = __round__ = __trunc__ = __floor__ = __ceil__ = _arithmetic

        def __float__(self) -> NoReturn:
            _not_a_number("converted to a number")

        __int__ = __complex__ = __float__


def _not_a_number(what: str) -> NoReturn:
    raise TypeError(
        f"a variable price (VARIABLE, the API's '-1') has no amount and cannot be {what}; "
        "check `price is VARIABLE` first"
    )


#: The variable price (the only ``VariablePrice``).
VARIABLE: Final[VariablePrice] = object.__new__(VariablePrice)

#: A price as the SDK reports it: USD as a ``Decimal``, or ``VARIABLE``.
Price: TypeAlias = Decimal | VariablePrice

#: Amounts must be below 10**31 USD: larger ones are junk, and would overflow Decimal arithmetic
#: (``Decimal("1e999999") * 10`` raises) in cost estimates and budgets.
_LARGEST = 30

_FLOAT_TEXT = repr  # a float becomes the shortest text that reads back as it: 1e-05 -> "1e-05"


def to_money(value: Any) -> Decimal:
    """``value`` (a number, a decimal string or a ``Decimal``) as a finite ``Decimal``.

    A float is read through its ``repr`` (``0.1`` gives ``Decimal("0.1")``, not the binary
    ``0.1000000000000000055...``). Checks the common JSON types first: it runs for every amount
    of every response.

    Raises:
        ValueError: NaN, an infinity, an amount of 10**31 or more, or text that is not a
            number.
        TypeError: anything else (``True``, ``None``, a list, ``VARIABLE``).
    """
    kind = type(value)
    if kind is str:
        try:
            amount = Decimal(value)
        except InvalidOperation:
            raise ValueError(f"not a number: {value[:40]!r}") from None
    elif kind is float:
        amount = Decimal(_FLOAT_TEXT(value))
    elif kind is int:
        amount = Decimal(value)
    elif kind is Decimal:
        amount = value
    elif isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"expected a number or a decimal string, got {kind.__name__}")
    elif isinstance(value, float):  # subclasses of the number types
        amount = Decimal(_FLOAT_TEXT(float(value)))
    else:
        amount = Decimal(int(value)) if isinstance(value, int) else Decimal(value)
    if not amount.is_finite() or amount.adjusted() > _LARGEST:
        raise ValueError(f"not a finite amount: {str(value)[:40]!r}")
    return amount


def to_price(value: Any) -> Price:
    """A price from the wire: ``VARIABLE`` for a negative one (the API's ``"-1"``), else as
    ``to_money`` reads it. ``VARIABLE`` itself is kept.

    Raises:
        ValueError, TypeError: as ``to_money``.
    """
    if isinstance(value, VariablePrice):
        return VARIABLE
    amount = to_money(value)
    return VARIABLE if amount < 0 else amount


def plain(amount: Decimal) -> str:
    """``amount`` in plain notation, exactly, with no exponent: ``1E-7`` gives ``0.0000001``."""
    text = format(amount, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_usd(amount: Decimal) -> str:
    """``amount`` as dollars, exactly and plainly, with at least two decimals: ``$1.00``,
    ``$0.0000001``, ``$0.0001218``, ``-$0.50``."""
    text = plain(amount)
    sign = "-" if text.startswith("-") else ""
    whole, _, decimals = text.lstrip("-").partition(".")
    return f"{sign}${whole}.{decimals.ljust(2, '0')}"
