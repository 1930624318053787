"""Defensive parsing: missing or malformed fields are ProtocolErrors naming endpoint and field;
money is Decimal, exactly as sent, and never float."""

from __future__ import annotations

import dataclasses
import json
import typing
from decimal import Decimal
from typing import Any

import pytest
import requests
import responses
from hypothesis import given
from hypothesis import strategies as st

from runner.exchange import (
    ReadClient,
    TradeClient,
    account,
    affiliate,
    market,
    orders,
    results,
    transfers,
)
from runner.exchange.errors import ProtocolError
from runner.exchange.fields import Fields, to_decimal
from runner.exchange.wire import interpret
from tests.exchange.conftest import LIVE, envelope
from tests.exchange.examples import DATA

POSITION_V2 = json.loads(DATA["/contract/private/position-v2"])[0]


def test_missing_field_names_endpoint_and_field(
    mocked: responses.RequestsMock, reader: ReadClient
) -> None:
    row = {k: v for k, v in POSITION_V2.items() if k != "current_amount"}
    mocked.get(f"{LIVE}/contract/private/position-v2", json=envelope([row]))
    with pytest.raises(ProtocolError) as caught:
        reader.positions_v2("BTCUSDT")
    message = str(caught.value)
    assert "/contract/private/position-v2" in message and "'current_amount'" in message


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"rows": []}, "expected a list"),
        ([{**POSITION_V2, "entry_price": "abc"}], "'entry_price' should be a decimal"),
        ([{**POSITION_V2, "entry_price": "NaN"}], "'entry_price' should be a decimal"),
        ([{**POSITION_V2, "leverage": ""}], "'leverage' should be a decimal"),
        ([{**POSITION_V2, "open_timestamp": "soon"}], "'open_timestamp' should be an integer"),
        (["not an object"], "expected an object"),
    ],
)
def test_malformed_rows(
    mocked: responses.RequestsMock, reader: ReadClient, data: object, fragment: str
) -> None:
    mocked.get(f"{LIVE}/contract/private/position-v2", json=envelope(data))
    with pytest.raises(ProtocolError, match=fragment):
        reader.positions_v2()


def test_position_amount_is_optional_where_older_payloads_lack_it() -> None:
    row = {k: v for k, v in POSITION_V2.items() if k != "position_amount"}
    (position,) = account.parse_positions_v2([row], "/p")
    assert position.signed_size is None and position.size == Decimal(100)


@pytest.mark.parametrize("order_id", [220609666322019, "220609666322019"])
def test_order_id_number_or_string(
    mocked: responses.RequestsMock, trader: TradeClient, order_id: object
) -> None:
    mocked.post(
        f"{LIVE}/contract/private/submit-order",
        json=envelope({"order_id": order_id, "price": "market price"}),
    )
    submitted = trader.submit_order("BTCUSDT", side=1, size=1, type="market")
    assert submitted.order_id == "220609666322019"


@pytest.mark.parametrize(
    "body",
    [
        b'{"code":1000,"message":"Ok","trace":"t","data":{}}',
        b'{"code":1000,"message":"OK","trace":"t"}',
    ],
)
def test_cancel_accepts_empty_or_absent_data(
    mocked: responses.RequestsMock, trader: TradeClient, body: bytes
) -> None:
    mocked.post(f"{LIVE}/contract/private/cancel-order", body=body)
    assert trader.cancel_order("BTCUSDT", order_id="1").trace == "t"


def test_cancel_needs_an_id(mocked: responses.RequestsMock, trader: TradeClient) -> None:
    """Without an id the exchange cancels every order of the symbol: never by accident."""
    with pytest.raises(ValueError, match="order_id or client_order_id"):
        trader.cancel_order("BTCUSDT")
    assert len(mocked.calls) == 0


def test_unset_preset_prices_are_none_and_set_ones_decimal() -> None:
    raw = json.loads(DATA["/contract/private/order"])
    raw.update(preset_stop_loss_price="25000.5", preset_stop_loss_price_type=2)
    order = orders.parse_order(raw, "/o")
    assert order.preset_tp_price is None and order.preset_tp_price_type == 0
    assert order.preset_sl_price == Decimal("25000.5") and order.preset_sl_price_type == 2


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_any_decimal_string_parses_to_the_same_decimal(value: Decimal) -> None:
    parsed = to_decimal(str(value))
    assert parsed == value and str(parsed) == str(value)


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=8, min_value=-(10**12), max_value=10**12
    )
)
def test_json_numbers_and_strings_reach_models_exactly(value: Decimal) -> None:
    """A JSON number is decoded as Decimal, not float: no binary rounding on the way."""
    for literal in (str(value), json.dumps(str(value))):
        body = ('{"code":1000,"message":"Ok","data":{"x":' + literal + "}}").encode()
        response = requests.Response()
        response.status_code, response._content = 200, body
        response.headers["Content-Type"] = "application/json"
        data = interpret(response, "/p").data
        assert Fields(data, "/p").decimal("x") == value


def test_floats_are_not_accepted_as_money() -> None:
    assert to_decimal(0.1) is None
    with pytest.raises(ProtocolError):
        Fields({"x": 0.1}, "/p").decimal("x")


MODEL_MODULES = (account, affiliate, market, orders, results, transfers)


def _models() -> list[type]:
    found = []
    for module in MODEL_MODULES:
        for value in vars(module).values():
            if dataclasses.is_dataclass(value) and value.__module__ == module.__name__:
                found.append(value)
    return found


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.__name__)
def test_models_are_frozen_and_have_no_float_fields(model: type) -> None:
    assert model.__dataclass_params__.frozen  # type: ignore[attr-defined]
    hints = typing.get_type_hints(model)
    assert all("float" not in str(hint) for hint in hints.values()), hints


def _walk(value: Any) -> list[Any]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [x for f in dataclasses.fields(value) for x in _walk(getattr(value, f.name))]
    if isinstance(value, list | tuple):
        return [x for item in value for x in _walk(item)]
    if isinstance(value, dict):
        return [x for item in value.values() for x in _walk(item)]
    return [value]


def test_parsed_examples_hold_no_float(mocked: responses.RequestsMock, reader: ReadClient) -> None:
    from tests.exchange.examples import body_for

    for path in ("/contract/private/affiliate/trade-list", "/contract/private/position-v2"):
        mocked.get(f"{LIVE}{path}", body=body_for(path), content_type="application/json")
    values = _walk(reader.affiliate_trades(user_id=1, type=1, page=1, size=10))
    values += _walk(reader.positions_v2())
    assert values and not any(isinstance(v, float) for v in values)
    assert any(isinstance(v, Decimal) for v in values)
