"""Field helpers accept what recorders and the exchange really send (issue 16): numbers as JSON
numbers or strings, ids as numbers or strings, booleans as strings; missing required fields name
the endpoint and the field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from runner.exchange.errors import ProtocolError
from runner.exchange.fields import Fields


def test_numbers_as_numbers_or_strings() -> None:
    f = Fields({"a": Decimal("1.50"), "b": "1.50", "c": 3, "d": "3"}, "/p")
    assert f.decimal("a") == f.decimal("b") == Decimal("1.50")
    assert f.integer("c") == f.integer("d") == 3


def test_a_float_is_refused_never_rounded() -> None:
    with pytest.raises(ProtocolError, match="'a' should be a decimal"):
        Fields({"a": 0.1}, "/p").decimal("a")


@pytest.mark.parametrize(("raw", "expected"), [(True, True), ("true", True), ("False", False)])
def test_booleans_as_strings(raw: object, expected: bool) -> None:
    assert Fields({"profit": raw}, "/p").flag("profit") is expected


def test_optional_ids_as_numbers_or_strings() -> None:
    f = Fields({"a": 123, "b": "x-1", "c": "", "d": None}, "/p")
    assert f.opt_ident("a") == "123"
    assert f.opt_ident("b") == "x-1"
    assert f.opt_ident("c", "") == ""
    assert f.opt_ident("d") is None and f.opt_ident("missing") is None


def test_missing_required_field_names_endpoint_and_field() -> None:
    with pytest.raises(ProtocolError) as caught:
        Fields({}, "/contract/private/position-v2", "position").decimal("current_amount")
    assert "/contract/private/position-v2" in str(caught.value)
    assert "'current_amount' is missing" in str(caught.value)
