"""Position views per mode, leverage/margin settings, position mode, transfers, the ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest

from runner.sim.backend import Exchange
from tests.sim.backend.helpers import (
    BTC,
    ETH,
    T0,
    get,
    limit,
    market,
    move,
    new,
    post,
    rejected,
    usdt,
)

D = Decimal
TRANSFER = "/account/v1/transfer-contract"
TRANSFERS = "/account/v1/transfer-contract-list"


def _one_way(ex: Exchange) -> None:
    assert post(ex, "set-position-mode", position_mode="one_way_mode") == {
        "position_mode": "one_way_mode"
    }


def test_hedge_mode_shows_a_long_and_a_short_row_per_symbol() -> None:
    ex = new()
    market(ex, 1, 3)
    market(ex, 4, 2)
    rows = get(ex, "position-v2", symbol=BTC)
    assert [(r["position_side"], r["current_amount"], r["position_amount"]) for r in rows] == [
        ("long", "3", "3"),
        ("short", "2", "2"),
    ]
    assert [r["position_type"] for r in get(ex, "position", symbol=BTC)] == [1, 2]
    assert [r["position_side"] for r in get(ex, "position-risk")] == ["Long", "Short"]


def test_flat_rows_carry_the_symbols_settings() -> None:
    ex = new()
    post(ex, "submit-leverage", symbol=ETH, open_type="isolated", leverage="7")
    rows = get(ex, "position-v2", symbol=ETH)
    assert [
        (r["position_side"], r["current_amount"], r["leverage"], r["open_type"]) for r in rows
    ] == [
        ("long", "0", "7", "isolated"),
        ("short", "0", "7", "isolated"),
    ]
    assert rows[0]["open_timestamp"] == 0 and rows[0]["liquidation_price"] == "0"
    assert get(ex, "position-v2") == []  # without a symbol: only held positions
    assert get(ex, "position", symbol=ETH) == [] and get(ex, "position-risk") == []


def test_one_way_mode_nets_buys_and_sells_into_one_both_row() -> None:
    ex = new()
    _one_way(ex)
    market(ex, 1, 5)
    (row,) = get(ex, "position-v2", symbol=BTC)
    assert (row["position_side"], row["position_amount"]) == ("both", "5")
    move(ex, "66000")
    market(ex, 4, 8)  # closes the 5 long, opens 3 short
    (row,) = get(ex, "position-v2", symbol=BTC)
    assert (row["position_side"], row["current_amount"], row["position_amount"]) == (
        "both",
        "3",
        "-3",
    )
    assert row["entry_price"] == "66000"
    # the close leg realized (66000 - 65000) * 5 * 0.001 = 5
    ledger = get(ex, "transaction-history", flow_type=2)
    assert [x["amount"] for x in ledger] == ["5"]


def test_one_way_reduce_only_sides() -> None:
    ex = new()
    _one_way(ex)
    market(ex, 4, 3)
    rejected(40021, ex, "POST", "submit-order", symbol=BTC, side=3, type="market", size=1)
    rejected(40020, ex, "POST", "submit-order", symbol=BTC, side=2, type="market", size=4)
    market(ex, 2, 3)
    (row,) = get(ex, "position-v2", symbol=BTC)
    assert row["current_amount"] == "0"


def test_position_risk_reports_base_amount_and_notional_at_mark() -> None:
    ex = new()
    market(ex, 1, 10)
    move(ex, "65000", "66000")
    (risk,) = get(ex, "position-risk", symbol=BTC)
    # 10 contracts * 0.001 = 0.01 BTC; notional 0.01 * 66000 = 660; unrealized 1000 * 0.01 = 10
    assert (risk["position_amt"], risk["notional"], risk["unrealized_profit"]) == (
        "0.01",
        "660",
        "10",
    )
    assert (risk["margin_type"], risk["isolated_margin"]) == ("Isolated", "65")


def test_submit_leverage_echoes_and_checks_range() -> None:
    ex = new()
    answer = post(ex, "submit-leverage", symbol=BTC, open_type="cross", leverage="25")
    assert answer == {"symbol": BTC, "leverage": "25", "open_type": "cross", "max_value": "100"}
    assert post(ex, "submit-leverage", symbol=BTC, open_type="isolated")["leverage"] == "25"
    rejected(40029, ex, "POST", "submit-leverage", symbol=BTC, open_type="cross", leverage="101")
    rejected(40030, ex, "POST", "submit-leverage", symbol=BTC, open_type="cross", leverage="0")
    rejected(40040, ex, "POST", "submit-leverage", symbol=BTC, open_type="cross", leverage="ten")
    rejected(40045, ex, "POST", "submit-leverage", symbol=BTC, leverage="5")
    rejected(40034, ex, "POST", "submit-leverage", symbol="BTC_USDT", open_type="cross")


def test_leverage_cannot_change_under_a_position_or_working_order() -> None:
    ex = new()
    market(ex, 1, 1)  # 10x isolated
    rejected(40040, ex, "POST", "submit-leverage", symbol=BTC, open_type="isolated", leverage="20")
    rejected(40012, ex, "POST", "submit-leverage", symbol=BTC, open_type="cross", leverage="10")
    post(ex, "submit-leverage", symbol=BTC, open_type="isolated", leverage="10")  # same: fine
    limit(ex, 1, 1, "3000", symbol=ETH)
    rejected(40012, ex, "POST", "submit-leverage", symbol=ETH, open_type="cross", leverage="10")


def test_position_mode_switch_needs_a_clean_account() -> None:
    ex = new()
    assert get(ex, "get-position-mode") == {"position_mode": "hedge_mode"}
    market(ex, 1, 1)
    error = rejected(40059, ex, "POST", "set-position-mode", position_mode="one_way_mode")
    assert error.http_status == 400
    market(ex, 3, 1)
    limit(ex, 1, 1, "3000", symbol=ETH)
    rejected(40059, ex, "POST", "set-position-mode", position_mode="one_way_mode")
    post(ex, "cancel-orders", symbol=ETH)
    _one_way(ex)
    rejected(40007, ex, "POST", "set-position-mode", position_mode="hedge")


def test_transfers_move_usdt_both_ways_and_are_listed() -> None:
    ex = new("0")
    assert post(ex, TRANSFER, currency="USDT", amount="250.5", type="spot_to_contract") == {
        "currency": "USDT",
        "amount": "250.5",
    }
    post(ex, TRANSFER, now_ms=T0 + 5, currency="USDT", amount="50", type="contract_to_spot")
    assert usdt(ex)["available_balance"] == D("200.5")
    assert get(ex, "/account/v1/wallet")["wallet"][0]["available"] == "9799.5"
    records = post(ex, TRANSFERS, page=1, limit=10)["records"]
    assert [(r["type"], r["amount"], r["state"]) for r in records] == [
        ("contract_to_spot", "50", "FINISHED"),
        ("spot_to_contract", "250.5", "FINISHED"),
    ]
    assert len(post(ex, TRANSFERS, page=1, limit=10, time_start=T0 + 1)["records"]) == 1
    ledger = get(ex, "transaction-history", now_ms=T0 + 5, flow_type=1)
    assert [(x["type"], x["amount"], x["symbol"]) for x in ledger] == [
        ("Transfer", "-50", ""),
        ("Transfer", "250.5", ""),
    ]
    assert isinstance(ledger[0]["time"], str) and isinstance(ledger[0]["flow_type"], int)


@pytest.mark.parametrize(
    ("code", "body"),
    [
        (40007, {"currency": "BTC", "amount": "1", "type": "spot_to_contract"}),
        (40007, {"currency": "USDT", "amount": "0.001", "type": "spot_to_contract"}),
        (40007, {"currency": "USDT", "amount": "1", "type": "spot_to_futures"}),
        (40005, {"currency": "USDT", "amount": "1.123456789", "type": "spot_to_contract"}),
        (60008, {"currency": "USDT", "amount": "10000.01", "type": "spot_to_contract"}),
        (40027, {"currency": "USDT", "amount": "100.01", "type": "contract_to_spot"}),
    ],
)
def test_transfer_rules(code: int, body: dict[str, str]) -> None:
    ex = new("100")
    rejected(code, ex, "POST", TRANSFER, **body)
    assert ex.state()["transfers"] == []


def test_transfer_out_keeps_margin_in_use() -> None:
    ex = new("100")
    market(ex, 1, 1)  # 6.5 margin + 0.039 fee
    rejected(40027, ex, "POST", TRANSFER, currency="USDT", amount="93.47", type="contract_to_spot")
    post(ex, TRANSFER, currency="USDT", amount="93.461", type="contract_to_spot")


def test_transfer_list_page_and_limit_ranges() -> None:
    ex = new()
    rejected(40007, ex, "POST", TRANSFERS, page=0, limit=10)
    rejected(40007, ex, "POST", TRANSFERS, page=1, limit=9)
    rejected(40007, ex, "POST", TRANSFERS, limit=10)


def test_ledger_records_fees_and_pnl_by_symbol() -> None:
    ex = new()
    market(ex, 1, 10)
    move(ex, "65100")
    market(ex, 3, 10)
    flows = [(x["flow_type"], x["amount"]) for x in get(ex, "transaction-history", symbol=BTC)]
    # close fee 10 * 0.001 * 65100 * 0.0006 = 0.3906; PnL 100 * 0.01 = 1
    assert flows == [(4, "-0.3906"), (2, "1"), (4, "-0.39")]
    assert len(get(ex, "transaction-history", page_size=1)) == 1
