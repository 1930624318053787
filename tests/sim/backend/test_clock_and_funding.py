"""Simulated time (POST /sim/clock advance_ms) and funding settled at every boundary it crosses.

Funding fee = rate * position value at the mark (help centre "Funding Cost"); positive rate: longs
pay, shorts receive.  T0 = 1_700_000_000_000 ms; the next 8-hour boundary is 1_700_006_400_000.
The host's clock stays at T0 throughout: the backend adds the advanced offset itself.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from runner.sim.backend import Exchange
from tests.sim.backend.helpers import (
    BTC,
    ETH,
    T0,
    advance,
    get,
    limit,
    market,
    move,
    new,
    post,
    usdt,
)

D = Decimal
HOUR = 3600 * 1000
BOUNDARY = 1_700_006_400_000


def _row(ex: Exchange, symbol: str, side: str) -> dict[str, Any]:
    rows = get(ex, "position-v2", symbol=symbol)
    return next(r for r in rows if r["position_side"] == side)


def _funding_rows(ex: Exchange) -> list[dict[str, Any]]:
    return get(ex, "transaction-history", flow_type=3)


def _long_btc_short_eth() -> Exchange:
    ex = new()
    market(ex, 1, 10)  # BTC long, isolated 10x at 65000: margin 65
    market(ex, 4, 10, symbol=ETH, open_type="cross")  # ETH short, cross 10x at 3200: margin 32
    move(ex, "66000")  # BTC mark 66000
    return ex


def test_advancing_moves_the_exchange_clock_and_keeps_the_offset() -> None:
    ex = new()
    moved = advance(ex, 8 * HOUR)
    assert moved["time"] == T0 + 8 * HOUR and moved["time_offset_ms"] == 8 * HOUR
    assert get(ex, "/system/time")["server_time"] == T0 + 8 * HOUR
    placed = market(ex, 1, 1)
    assert get(ex, "order", symbol=BTC, order_id=placed["order_id"])["create_time"] == (
        T0 + 8 * HOUR
    )
    again = Exchange.from_dict(ex.to_dict())
    assert again.now(T0) == T0 + 8 * HOUR
    assert again.state(T0)["time"] == T0 + 8 * HOUR


def test_funding_fee_is_rate_times_mark_value_longs_pay_shorts_receive() -> None:
    ex = _long_btc_short_eth()
    wallet_before = D(ex.state()["balances"]["futures"]["wallet"])
    available_before = usdt(ex)["available_balance"]
    moved = advance(ex, 8 * HOUR)
    # BTC: 10 * 0.001 * 66000 = 660 at the mark, * 0.0001 = 0.066 paid by the long
    # ETH: 10 * 0.01 * 3200 = 320, * 0.0001 = 0.032 received by the short
    assert [(p["symbol"], p["side"], p["amount"], p["time"]) for p in moved["funding"]] == [
        (BTC, "long", "-0.066", BOUNDARY),
        (ETH, "short", "0.032", BOUNDARY),
    ]
    rows = _funding_rows(ex)
    assert {(r["symbol"], r["amount"], r["type"], r["time"]) for r in rows} == {
        (BTC, "-0.066", "Funding Fee", str(BOUNDARY)),
        (ETH, "0.032", "Funding Fee", str(BOUNDARY)),
    }
    assert D(ex.state()["balances"]["futures"]["wallet"]) == wallet_before - D("0.066") + D("0.032")
    # isolated: paid out of the position's margin; cross: through the wallet (available)
    btc = _row(ex, BTC, "long")
    assert (btc["position_cross"], btc["initial_margin"]) == ("64.934", "64.934")
    assert _row(ex, ETH, "short")["position_cross"] == "32"
    assert usdt(ex)["available_balance"] == available_before + D("0.032")


def test_isolated_funding_moves_the_liquidation_price() -> None:
    ex = _long_btc_short_eth()
    before = D(_row(ex, BTC, "long")["liquidation_price"])
    advance(ex, 8 * HOUR)
    # Lp = [65000 * 0.01 - (64.934 - 2.6)] / (0.9994 * 0.01) = 58801.88..., up to the tick
    after = D(_row(ex, BTC, "long")["liquidation_price"])
    assert (before, after) == (D("58795.3"), D("58801.9"))


def test_a_negative_rate_makes_shorts_pay_longs() -> None:
    ex = _long_btc_short_eth()
    ex.set_funding_rate(BTC, D("-0.0003"), T0)
    ex.set_funding_rate(ETH, D("-0.0003"), T0)
    moved = advance(ex, 8 * HOUR)
    # BTC long receives 660 * 0.0003 = 0.198; ETH short pays 320 * 0.0003 = 0.096
    assert [(p["symbol"], p["amount"], p["rate"]) for p in moved["funding"]] == [
        (BTC, "0.198", "-0.0003"),
        (ETH, "-0.096", "-0.0003"),
    ]
    assert _row(ex, BTC, "long")["initial_margin"] == "65.198"


def test_every_boundary_crossed_settles_once_and_time_moves_on_between() -> None:
    ex = new()
    market(ex, 4, 10)  # BTC short at 65000: receives 650 * 0.0001 = 0.065 each time
    assert advance(ex, HOUR)["funding"] == []  # T0 + 1h: before the boundary
    moved = advance(ex, 24 * HOUR)  # to T0 + 25h: boundaries at +1h46m, +9h46m, +17h46m
    assert [p["time"] for p in moved["funding"]] == [
        BOUNDARY,
        BOUNDARY + 8 * HOUR,
        BOUNDARY + 16 * HOUR,
    ]
    assert {p["amount"] for p in moved["funding"]} == {"0.065"}
    assert len(_funding_rows(ex)) == 3


def test_no_position_no_funding_but_the_rate_history_records_the_settlement() -> None:
    ex = new()
    ex.set_funding_rate(BTC, D("0.0002"), T0)
    assert advance(ex, 8 * HOUR)["funding"] == []
    rate = get(ex, "/contract/public/funding-rate", symbol=BTC)
    # rate_value: the period just settled (facts 16 #4); expected_rate: the current rate
    assert (rate["rate_value"], rate["expected_rate"]) == ("0.0002", "0.0002")
    assert rate["funding_time"] == BOUNDARY + 8 * HOUR
    history = get(ex, "/contract/public/funding-rate-history", symbol=BTC)["list"]
    assert history[0] == {"symbol": BTC, "funding_rate": "0.0002", "funding_time": str(BOUNDARY)}
    details = get(ex, "/contract/public/details", symbol=BTC)["symbols"][0]
    assert details["funding_rate"] == "0.0002"


def test_funding_that_eats_an_isolated_margin_liquidates() -> None:
    ex = new()
    market(ex, 1, 10, leverage="100")  # margin 6.5, maintenance 2.6
    ex.set_funding_rate(BTC, D("0.0375"), T0)  # 650 * 0.0375 = 24.375 > 6.5
    advance(ex, 8 * HOUR)
    assert get(ex, "position-v2") == []
    history = get(ex, "order-history", symbol=BTC)
    (liquidated,) = [o for o in history if o["type"] == "liquidate"]
    assert liquidated["deal_avg_price"] == "65000"  # at the mark: the margin was gone


def test_timers_fall_due_on_the_way_in_time_order() -> None:
    ex = new()
    resting = limit(ex, 1, 1, "60000")
    post(ex, "cancel-all-after", symbol=BTC, timeout=60)
    advance(ex, HOUR)
    detail = get(ex, "order", symbol=BTC, order_id=resting["order_id"])
    assert (detail["state"], detail["update_time"]) == (4, T0 + 60_000)


@pytest.mark.parametrize("bad", [0, -1, 366 * 24 * HOUR + 1])
def test_time_only_moves_forward_and_within_a_year(bad: int) -> None:
    with pytest.raises(ValueError, match="advance_ms"):
        advance(new(), bad)


@pytest.mark.parametrize("rate", ["0.0376", "-0.04"])
def test_funding_rate_stays_within_the_published_caps(rate: str) -> None:
    with pytest.raises(ValueError, match="within"):
        new().set_funding_rate(BTC, D(rate), T0)
