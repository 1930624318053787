"""Liquidation price (the help centre's formula, facts 12.2), liquidation on the mark price, and
a price move met in path order (a stop on the safe side fires before the liquidation)."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from tests.sim.backend.helpers import BTC, ETH, get, market, move, new, post, usdt

D = Decimal
R = D("0.0006")  # taker fee rate
S = D("0.001")  # BTCUSDT contract size


def _liq(rows: list[dict[str, str]], side: str) -> str:
    return next(r for r in rows if r["position_side"] == side)["liquidation_price"]


def test_isolated_long_liquidation_price_by_hand() -> None:
    ex = new()
    market(ex, 1, 10)  # 10x isolated at 65000
    vs = 10 * S
    im = D("65")  # 650 / 10
    mm = 650 * D("0.004") - 0  # bracket 1: mmr 0.4 %, cum 0
    price = (65000 * vs - (im - mm)) / ((1 - R) * vs)  # 58795.277...
    expected = price.quantize(D("0.1"), rounding=ROUND_CEILING)  # a long's rounds up
    assert expected == D("58795.3")
    row = get(ex, "position-v2", symbol=BTC)
    assert _liq(row, "long") == "58795.3"
    assert next(r for r in row if r["position_side"] == "long")["maintenance_margin"] == "2.6"


def test_isolated_short_liquidation_price_by_hand() -> None:
    ex = new()
    market(ex, 4, 10)
    vs = 10 * S
    price = (65000 * vs + (D("65") - D("2.6"))) / ((1 + R) * vs)  # 71197.28...
    assert _liq(get(ex, "position-v2", symbol=BTC), "short") == str(
        price.quantize(D("0.1"), rounding=ROUND_FLOOR)
    )


def test_cross_liquidation_price_counts_the_free_balance() -> None:
    ex = new("100")
    market(ex, 1, 10, open_type="cross")
    free = D("100") - D("65") - D("0.39")
    price = (650 * S * 0 + 65000 * 10 * S - (free + D("65") - D("2.6"))) / ((1 - R) * 10 * S)
    assert price.quantize(D("0.1"), rounding=ROUND_CEILING) == D("55332.2")
    assert _liq(get(ex, "position-v2", symbol=BTC), "long") == "55332.2"


def test_liquidation_is_triggered_by_the_mark_not_the_last_price() -> None:
    ex = new()
    market(ex, 1, 10)
    move(ex, "50000", "58800")
    assert len(get(ex, "position-v2")) == 1
    move(ex, "50000", "58795.3")
    assert get(ex, "position-v2") == []
    (liquidation,) = [o for o in get(ex, "order-history", symbol=BTC) if o["type"] == "liquidate"]
    assert (liquidation["deal_avg_price"], liquidation["side"]) == ("58795.3", 3)
    # an isolated position loses exactly its initial margin, 65 USDT (plus the opening fee)
    assert usdt(ex)["equity"] == D("10000") - D("0.39") - D("65")
    kinds = {x["type"] for x in get(ex, "transaction-history", symbol=BTC)}
    assert kinds == {"Commission Fee", "Realized PNL", "Liquidation Clearance"}


def test_cross_liquidation_takes_the_free_balance_too() -> None:
    ex = new("100")
    market(ex, 1, 10, open_type="cross")
    move(ex, "55332.2")
    assert get(ex, "position-v2") == []
    # (55332.2 - 65000) * 0.01 = -96.678; fee 553.322 * 0.0006 = 0.3319932; clearance MM 2.6
    assert usdt(ex)["equity"] == D("99.61") - D("96.678") - D("0.3319932") - D("2.6")


def test_a_stop_on_the_safe_side_fires_before_the_liquidation() -> None:
    ex = new()
    market(ex, 1, 10, preset_stop_loss_price="60000")
    move(ex, "50000")  # one jump through the stop (60000) and the liquidation price (58795.3)
    assert get(ex, "position-v2") == []
    assert {o["type"] for o in get(ex, "order-history", symbol=BTC)} == {"market"}
    # closed by the stop at 60000: (60000 - 65000) * 0.01 = -50; fee 600 * 0.0006 = 0.36
    assert usdt(ex)["equity"] == D("10000") - D("0.39") - D("50") - D("0.36")


def test_a_stop_beyond_the_liquidation_price_is_too_late() -> None:
    ex = new()
    market(ex, 1, 10, preset_stop_loss_price="55000")
    move(ex, "50000")
    history = get(ex, "order-history", symbol=BTC)
    assert "liquidate" in {o["type"] for o in history}
    assert {p["state"] for p in ex.state()["plan_orders"]} == {"cancelled"}


def test_liquidation_cancels_the_symbols_working_orders() -> None:
    ex = new()
    market(ex, 1, 10)
    post(ex, "submit-order", symbol=BTC, side=3, type="limit", price="70000", size=5)
    move(ex, "58000")
    assert get(ex, "get-open-orders") == []


def test_one_cross_margin_backs_every_cross_position() -> None:
    # a long and a short of 10 BTCUSDT, both cross at 10x: each has 65 margin and 2.6 maintenance
    ex = new("200")
    market(ex, 1, 10, open_type="cross")
    market(ex, 4, 10, open_type="cross")
    free = D("200") - 2 * D("65") - 2 * D("0.39")
    other = D("65") - D("2.6")  # the short's margin above its maintenance (no PnL at 65000)
    vs = 10 * S
    price = (65000 * vs - (free + D("65") - D("2.6") + other)) / ((1 - R) * vs)
    expected = price.quantize(D("0.1"), rounding=ROUND_CEILING)
    assert _liq(get(ex, "position-v2", symbol=BTC), "long") == str(expected)


def test_a_loss_on_one_symbol_brings_another_symbols_cross_liquidation_closer() -> None:
    ex = new("100")
    market(ex, 1, 10, open_type="cross")  # BTCUSDT long, 65 margin
    market(ex, 4, 10, symbol=ETH, open_type="cross")  # ETHUSDT short 10 x 0.01 at 3200: 3.2
    before = D(_liq(get(ex, "position-v2", symbol=BTC), "long"))
    move(ex, "3400", symbol=ETH)  # the short loses 20: the long's liquidation comes closer
    after = D(_liq(get(ex, "position-v2", symbol=BTC), "long"))
    assert after > before
