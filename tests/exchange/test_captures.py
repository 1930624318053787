"""Every recorded BitMart reply in ``captures/`` through the runner's envelope reader and the
endpoint's parser (issue 16).  Each file's outcome is stated here, file by file: it parses (with
its row count), or it fails with the error naming the endpoint and the missing required field, or
it is an error envelope that becomes its named error.  A new capture without an entry fails the
suite, so every file is looked at deliberately.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal

import pytest

from runner.exchange import account, orders, results, wire
from runner.exchange import errors as e
from runner.exchange.market import ContractList, parse_contracts
from runner.exchange.results import Reply
from tests.exchange.capture_parsers import CAPTURES, PARSERS, as_response, load


@dataclass(frozen=True)
class Expect:
    rows: int | None = None  # parses; for a list reply, this many rows
    error: type[Exception] | None = None  # or fails with this error ...
    text: str = ""  # ... whose message holds this (endpoint and field, or the code)


def ok(rows: int | None = None) -> Expect:
    return Expect(rows=rows)


def fails(error: type[Exception], text: str) -> Expect:
    return Expect(error=error, text=text)


PARTIAL = Expect()  # not an envelope: tested by its own test below

EXPECT: dict[str, Expect] = {
    "bitmartdocs-contract-private-cancel-order.json": ok(),
    "bitmartdocs-contract-private-current-plan-order.json": ok(rows=1),
    "bitmartdocs-contract-private-order-history.json": ok(rows=1),
    "bitmartdocs-contract-private-order.json": ok(),
    "bitmartdocs-contract-private-position-risk.json": ok(rows=1),
    "bitmartdocs-contract-private-position-v2-2.json": ok(rows=2),
    "bitmartdocs-contract-private-position-v2.json": ok(rows=1),
    "bitmartdocs-contract-private-submit-order.json": ok(),
    "bitmartdocs-contract-private-submit-tp-sl-order.json": ok(),
    "bitmartdocs-contract-private-trade-fee-rate.json": ok(),
    "bitmartdocs-contract-private-trades.json": ok(rows=1),
    "bitmartdocs-contract-private-transaction-history.json": ok(rows=2),
    "bitmartdocs-contract-public-details.json": ok(rows=1),
    "bitmartdocs-contract-public-leverage-bracket.json": ok(rows=1),
    "bitmartskill-contract-private-position-v2.json": ok(rows=1),
    "bitmartskill-contract-public-details.json": ok(rows=1),
    "ccxt-account-v1-transfer-contract-list.json": ok(rows=1),
    "ccxt-account-v1-transfer-contract.json": ok(),
    "ccxt-contract-private-assets-detail-2.json": ok(rows=1),
    "ccxt-contract-private-assets-detail.json": ok(rows=3),
    "ccxt-contract-private-cancel-order.json": ok(),
    "ccxt-contract-private-cancel-orders.json": ok(),
    "ccxt-contract-private-get-open-orders.json": ok(rows=1),
    "ccxt-contract-private-get-position-mode.json": ok(),
    "ccxt-contract-private-modify-plan-order.json": ok(),
    "ccxt-contract-private-modify-preset-plan-order.json": ok(),
    "ccxt-contract-private-modify-tp-sl-order.json": ok(),
    "ccxt-contract-private-order-2.json": ok(),
    "ccxt-contract-private-order-history-2.json": ok(rows=1),
    "ccxt-contract-private-order-history.json": ok(rows=1),
    "ccxt-contract-private-order.json": ok(),
    "ccxt-contract-private-position-2.json": ok(rows=1),
    # hand-made: a v1 reply filed under position-v2; a v2 row needs position_side (which side
    # the size is on), so it fails naming the endpoint and that field
    "ccxt-contract-private-position-v2.json": fails(
        e.ProtocolError, "/contract/private/position-v2: field 'position_side' is missing"
    ),
    "ccxt-contract-private-position.json": ok(rows=2),
    "ccxt-contract-private-set-position-mode.json": ok(),
    "ccxt-contract-private-submit-order.json": ok(),
    "ccxt-contract-private-trades.json": ok(rows=1),
    "ccxt-contract-private-transaction-history-2.json": ok(rows=1),
    "ccxt-contract-private-transaction-history-3.json": ok(rows=1),
    "ccxt-contract-private-transaction-history.json": ok(rows=1),
    "ccxt-contract-public-depth.json": ok(),
    "ccxt-contract-public-details-2.json": ok(rows=1),
    "ccxt-contract-public-details.json": ok(rows=1),
    "ccxt-contract-public-funding-rate-history-2.json": ok(rows=1),
    "ccxt-contract-public-funding-rate-history.json": ok(rows=1),
    "ccxt-contract-public-funding-rate.json": ok(),
    "ccxt-contract-public-kline.json": ok(rows=1),
    "ccxt-contract-public-open-interest.json": ok(),
    "ccxt-error-40012.json": fails(e.LeverageConflict, "error 40012"),
    "ccxt-error-49998.json": fails(e.RequestRejected, "error 49998"),
    "ccxt-issue17436-error-30005.json": fails(e.SignatureRejected, "error 30005"),
    "ccxt-issue23354-contract-private-submit-order-error-40012.json": fails(
        e.LeverageConflict, "error 40012"
    ),
    "ccxt-pr19336-contract-private-submit-order-error-30019.json": fails(
        e.PermissionDenied, "error 30019"
    ),
    "ccxt-pr19445-contract-private-position-row.json": PARTIAL,
    "ccxt-pr23395-contract-private-submit-plan-order-data.json": PARTIAL,
    "ccxt-system-service.json": ok(rows=2),
    "ccxt-system-time.json": ok(),
    "hummingbot-pr7315-error-30005.json": fails(e.SignatureRejected, "error 30005"),
    "jkorf-account-v1-transfer-contract.json": ok(),
    "jkorf-contract-private-assets-detail.json": ok(rows=3),
    "jkorf-contract-private-cancel-all-after.json": ok(),
    "jkorf-contract-private-cancel-order.json": ok(),
    "jkorf-contract-private-current-plan-order.json": ok(rows=1),
    "jkorf-contract-private-order.json": ok(),
    "jkorf-contract-private-position-risk.json": ok(rows=1),
    "jkorf-contract-private-position.json": ok(rows=1),
    "jkorf-contract-private-submit-leverage.json": ok(),
    "jkorf-contract-private-submit-order.json": ok(),
    "jkorf-contract-private-submit-plan-order.json": ok(),
    "jkorf-contract-public-details.json": ok(rows=1),
}

FILES = sorted(name for name in os.listdir(CAPTURES) if name.endswith(".json"))


def test_every_capture_has_a_stated_outcome() -> None:
    assert sorted(EXPECT) == FILES


def _parse(name: str) -> object:
    capture = load(name)
    path = capture["request"]["path"]
    answer = wire.interpret(as_response(capture), path)
    return PARSERS[path](answer.data, path)


@pytest.mark.parametrize("name", [n for n in FILES if EXPECT.get(n) is not PARTIAL])
def test_capture(name: str) -> None:
    expect = EXPECT[name]
    if expect.error is not None:
        with pytest.raises(expect.error) as caught:
            _parse(name)
        assert expect.text in str(caught.value)
        return
    parsed = _parse(name)
    if expect.rows is not None:
        assert isinstance(parsed, list | dict)
        assert len(parsed) == expect.rows
    if isinstance(parsed, ContractList):
        assert parsed.unusable == {}


def test_partial_v1_position_row_parses_as_a_row() -> None:
    capture = load("ccxt-pr19445-contract-private-position-row.json")
    (row,) = account.parse_positions_v1([capture["body"]], "/contract/private/position")
    assert row.margin_mode is None  # not in 2023 replies: unknown, never guessed
    assert row.side in ("long", "short")


def test_partial_submit_plan_order_data_parses() -> None:
    capture = load("ccxt-pr23395-contract-private-submit-plan-order-data.json")
    ref = results.order_ref(Reply(capture["body"], ""), "/contract/private/submit-plan-order")
    assert ref.order_id


# -- what the tolerant reading means, on the captures that show it ------------------------------


def test_2023_contract_details_lack_market_max_volume_and_status() -> None:
    (contract,) = _parse("ccxt-contract-public-details.json")  # type: ignore[misc]
    assert contract.market_max_volume is None
    assert contract.status is None
    assert contract.max_volume > 0


def test_v1_positions_without_margin_type_parse_with_none() -> None:
    positions = _parse("ccxt-contract-private-position.json")
    assert isinstance(positions, list)
    assert {p.margin_mode for p in positions} == {None}


def test_string_scalars_from_stringifying_recorders_parse() -> None:
    (order,) = [_parse("ccxt-contract-private-order.json")]
    assert isinstance(order, orders.Order)
    assert isinstance(order.side, int) and isinstance(order.create_time_ms, int)


def test_long_decimals_are_kept_exactly() -> None:
    capture = load("jkorf-contract-private-position.json")
    raw_row = capture["raw_body"].decode()
    (position,) = _parse("jkorf-contract-private-position.json")  # type: ignore[misc]
    assert str(position.entry_price) in raw_row  # every digit as sent: never through float


def test_cancel_without_data_is_accepted() -> None:
    capture = load("ccxt-contract-private-cancel-order.json")
    answer = wire.interpret(as_response(capture), "/contract/private/cancel-order")
    assert answer.has_data is False
    assert answer.trace


def test_error_without_trace_or_data_names_the_code() -> None:
    with pytest.raises(e.LeverageConflict) as caught:
        _parse("ccxt-issue23354-contract-private-submit-order-error-40012.json")
    assert caught.value.code == 40012
    assert "Invalid order" in str(caught.value)


def test_one_odd_contract_does_not_hide_the_others() -> None:
    capture = load("bitmartdocs-contract-public-details.json")
    good = dict(capture["body"]["data"]["symbols"][0], symbol="GOODUSDT")
    odd = {k: v for k, v in good.items() if k != "price_precision"}
    odd["symbol"] = "ODDUSDT"
    parsed = parse_contracts({"symbols": [odd, good]}, "/contract/public/details")
    assert [c.symbol for c in parsed] == ["GOODUSDT"]
    problem = str(parsed.unusable["ODDUSDT"])
    assert "/contract/public/details" in problem
    assert "ODDUSDT" in problem and "'price_precision' is missing" in problem
    assert parsed[0].tick == Decimal(str(good["price_precision"]))
