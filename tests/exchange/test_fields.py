"""Reply values are checked before they are believed: impossible numbers name their field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from runner.exchange.errors import ProtocolError
from runner.exchange.fields import Fields


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("current_amount", "-10"),
        ("current_amount", -1),
        ("price", "1e400"),
        ("price", Decimal("1E+400")),
        ("taker_fee_rate", "1e19"),
        ("price_precision", "0"),
        ("contract_size", "-0.001"),
        ("available_balance", "-5"),
        ("size", "1e-400"),
        ("mark_price", "NaN"),
        ("mark_price", "Infinity"),
    ],
)
def test_impossible_values_are_protocol_errors_naming_the_field(name: str, raw: object) -> None:
    with pytest.raises(ProtocolError) as caught:
        Fields({name: raw}, "/contract/private/position-v2").decimal(name)
    assert name in str(caught.value) and "position-v2" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "raw"),
    [("realised_profit", "-12.5"), ("position_amt", "-3"), ("current_amount", "0")],
)
def test_signed_and_zero_values_pass_where_they_can_be_true(name: str, raw: str) -> None:
    assert Fields({name: raw}, "/p").decimal(name) == Decimal(raw)
