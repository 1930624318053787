"""submit-order, fills, fees, margin and the order rules (facts 8, 10.3, 11, 6.2)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.sim.backend.helpers import (
    BTC,
    T0,
    get,
    limit,
    market,
    move,
    new,
    order,
    position,
    post,
    rejected,
    usdt,
)

D = Decimal


def test_market_open_charges_taker_fee_and_holds_margin() -> None:
    ex = new()
    reply = market(ex, 1, 10)
    assert reply == {"order_id": reply["order_id"], "price": "market price"}
    assert isinstance(reply["order_id"], int)
    # 10 contracts * 0.001 BTC * 65000 = 650 USDT; margin 650 / 10 = 65; fee 650 * 0.0006 = 0.39
    balances = usdt(ex)
    assert balances["position_deposit"] == D("65")
    assert balances["available_balance"] == D("10000") - D("65") - D("0.39")
    assert balances["equity"] == D("10000") - D("0.39")
    row = position(ex)
    assert (row["current_amount"], row["entry_price"], row["current_fee"]) == (
        "10",
        "65000",
        "0.39",
    )
    detail = order(ex, reply["order_id"])
    assert (detail["state"], detail["deal_size"], detail["deal_avg_price"]) == (4, "10", "65000")


def test_average_entry_and_realized_pnl_on_a_partial_close() -> None:
    ex = new()
    market(ex, 1, 10)
    move(ex, "66000")
    market(ex, 1, 10)
    # entry (65000 * 10 + 66000 * 10) / 20 = 65500; margin 65 + 66 = 131
    row = position(ex)
    assert (row["entry_price"], row["initial_margin"]) == ("65500", "131")
    move(ex, "67000")
    market(ex, 3, 5)
    # realized (67000 - 65500) * 5 * 0.001 = 7.5; fee 5 * 0.001 * 67000 * 0.0006 = 0.201
    # margin released 131 * 5 / 20 = 32.75
    row = position(ex)
    assert (row["current_amount"], row["initial_margin"], row["realized_value"]) == (
        "15",
        "98.25",
        "7.5",
    )
    assert row["close_vol"] == "5" and row["close_avg_price"] == "67000"
    cash = D("10000") - D("0.39") - D("0.396") + D("7.5") - D("0.201")
    balances = usdt(ex)
    assert balances["available_balance"] == cash - D("98.25")
    # unrealized at mark 67000: (67000 - 65500) * 15 * 0.001 = 22.5
    assert (balances["unrealized"], balances["equity"]) == (D("22.5"), cash + D("22.5"))
    (fill,) = get(
        ex, "trades", symbol=BTC, order_id=get(ex, "order-history", symbol=BTC)[0]["order_id"]
    )
    assert (fill["realised_profit"], fill["paid_fees"], fill["profit"]) == ("7.5", "0.201", True)


def test_short_pnl_is_entry_minus_exit() -> None:
    ex = new()
    market(ex, 4, 10)
    move(ex, "60000")
    market(ex, 2, 10)
    # (65000 - 60000) * 10 * 0.001 = 50; fees 0.39 + 600 * 0.0006 = 0.36
    assert usdt(ex)["equity"] == D("10000") + D("50") - D("0.39") - D("0.36")
    assert get(ex, "position-v2") == []


def test_resting_limit_freezes_margin_then_fills_as_maker() -> None:
    ex = new()
    reply = limit(ex, 1, 1, "64000")
    assert reply["price"] == "64000"
    # reserved: margin 64 / 10 = 6.4 plus the taker fee 64 * 0.0006 = 0.0384
    assert usdt(ex)["frozen_balance"] == D("6.4384")
    assert [o["state"] for o in get(ex, "get-open-orders", symbol=BTC)] == [2]
    move(ex, "64100")
    assert usdt(ex)["frozen_balance"] == D("6.4384")
    move(ex, "63900")
    detail = order(ex, reply["order_id"])
    assert (detail["state"], detail["deal_avg_price"]) == (4, "64000")
    # maker fee 64 * 0.0002 = 0.0128, frozen released
    balances = usdt(ex)
    assert balances["frozen_balance"] == 0
    assert balances["equity"] == D("10000") - D("0.0128") + (D("63900") - D("64000")) * D("0.001")
    assert get(ex, "trades", symbol=BTC)[0]["exec_type"] == "Maker"


def test_crossing_limit_fills_at_last_as_taker() -> None:
    ex = new()
    reply = limit(ex, 1, 1, "66000")
    detail = order(ex, reply["order_id"])
    assert (detail["deal_avg_price"], detail["price"]) == ("65000", "66000")
    assert get(ex, "trades", symbol=BTC)[0]["exec_type"] == "Taker"


@pytest.mark.parametrize("mode", [2, 3])
def test_fok_and_ioc_that_cannot_fill_end_unfilled(mode: int) -> None:
    ex = new()
    reply = limit(ex, 1, 1, "60000", mode=mode)
    assert (order(ex, reply["order_id"])["state"], order(ex, reply["order_id"])["deal_size"]) == (
        4,
        "0",
    )
    assert get(ex, "get-open-orders") == []
    crossing = limit(ex, 1, 1, "65000", mode=mode)
    assert order(ex, crossing["order_id"])["deal_size"] == "1"


def test_maker_only_never_takes_liquidity() -> None:
    ex = new()
    crossing = limit(ex, 1, 1, "65000", mode=4)
    assert order(ex, crossing["order_id"])["deal_size"] == "0"
    assert ex.state()["orders"][0]["state"] == "rejected"
    resting = limit(ex, 1, 1, "64000", mode=4)
    assert order(ex, resting["order_id"])["state"] == 2
    rejected(40042, ex, "POST", "submit-order", symbol=BTC, side=1, type="market", size=1, mode=4)


@pytest.mark.parametrize(
    ("code", "changes"),
    [
        (40034, {"symbol": "NOPEUSDT"}),
        (40041, {"side": 5}),
        (40042, {"type": "stop"}),
        (40044, {"size": 0}),
        (40044, {"size": 1_000_001}),
        (40007, {"size": "10"}),
        (40007, {"size": True}),
        (40043, {"price": "65000.05"}),
        (40007, {"price": "abc"}),
        (40007, {"price": None}),
        (40045, {"open_type": "portfolio"}),
        (40040, {"leverage": "2.5"}),
        (40029, {"leverage": "101"}),
        (40030, {"leverage": "0"}),
        (40048, {"client_order_id": "ab-c"}),
        (40049, {"client_order_id": "a" * 33}),
        (40007, {"stp_mode": 4}),
        (40007, {"mode": "1"}),
    ],
)
def test_order_parameters_are_checked(code: int, changes: dict[str, object]) -> None:
    ex = new()
    params: dict[str, object] = {
        "symbol": BTC,
        "side": 1,
        "type": "limit",
        "price": "60000",
        "size": 1,
        "leverage": "10",
        "open_type": "cross",
    }
    params.update(changes)
    error = rejected(code, ex, "POST", "submit-order", **params)
    assert error.http_status == (403 if code in (40048, 40049) else 400)
    assert ex.state()["orders"] == []


def test_market_orders_have_their_own_size_cap() -> None:
    ex = new("100000000")
    rejected(
        40044,
        ex,
        "POST",
        "submit-order",
        symbol=BTC,
        side=1,
        type="market",
        size=50_001,
        leverage="1",
        open_type="cross",
    )


def test_client_order_id_is_never_reused_even_after_the_order_finished() -> None:
    ex = new()
    market(ex, 1, 1, client_order_id="Abc123")
    assert order(ex, get(ex, "order-history", symbol=BTC)[0]["order_id"])["state"] == 4
    error = rejected(
        40050,
        ex,
        "POST",
        "submit-order",
        symbol=BTC,
        side=1,
        type="market",
        size=1,
        client_order_id="Abc123",
    )
    assert error.http_status == 403
    market(ex, 1, 1, client_order_id="abc123")  # case-sensitive: another id


def test_closing_needs_a_position_and_enough_of_it() -> None:
    ex = new()
    rejected(40021, ex, "POST", "submit-order", symbol=BTC, side=3, type="market", size=1)
    market(ex, 1, 10)
    rejected(40020, ex, "POST", "submit-order", symbol=BTC, side=3, type="market", size=11)
    limit(ex, 3, 6, "70000")
    # 6 of the 10 are already promised to a resting close
    rejected(40020, ex, "POST", "submit-order", symbol=BTC, side=3, type="market", size=5)
    market(ex, 3, 4)


def test_margin_check_is_42000_with_http_200() -> None:
    ex = new("100")
    # 20 * 0.001 * 65000 = 1300 notional: 130 margin at 10x > 100 available
    error = rejected(
        42000,
        ex,
        "POST",
        "submit-order",
        symbol=BTC,
        side=1,
        type="market",
        size=20,
        leverage="10",
        open_type="cross",
    )
    assert (error.http_status, error.message) == (200, "Insufficient balance")
    market(ex, 1, 15)  # 97.5 margin + 0.585 fee fits


def test_leverage_must_fit_the_bracket_of_the_resulting_notional() -> None:
    ex = new("100000")
    # 1000 contracts = 65000 USDT: bracket 2 (50000-250000) allows at most 50x
    rejected(
        40029,
        ex,
        "POST",
        "submit-order",
        symbol=BTC,
        side=1,
        type="market",
        size=1000,
        leverage="100",
        open_type="cross",
    )
    market(ex, 1, 1000, leverage="50", open_type="cross")


def test_an_open_position_fixes_leverage_and_margin_mode() -> None:
    ex = new()
    market(ex, 1, 1)  # 10x isolated
    rejected(
        40040,
        ex,
        "POST",
        "submit-order",
        symbol=BTC,
        side=1,
        type="market",
        size=1,
        leverage="20",
        open_type="isolated",
    )
    error = rejected(
        40012,
        ex,
        "POST",
        "submit-order",
        symbol=BTC,
        side=4,
        type="market",
        size=1,
        leverage="10",
        open_type="cross",
    )
    assert "isolated" in error.message
    post(ex, "submit-order", symbol=BTC, side=4, type="market", size=1)  # inherits 10x isolated
    assert position(ex, "short")["leverage"] == "10"


def test_cancel_by_id_client_id_and_all() -> None:
    ex = new()
    first = limit(ex, 1, 1, "60000", client_order_id="c1")
    limit(ex, 1, 1, "60000", client_order_id="c2")
    limit(ex, 1, 1, "60000", client_order_id="c3")
    assert post(ex, "cancel-order", symbol=BTC, order_id=str(first["order_id"])) == {}
    rejected(40036, ex, "POST", "cancel-order", symbol=BTC, order_id=str(first["order_id"]))
    rejected(40035, ex, "POST", "cancel-order", symbol=BTC, order_id="123")
    post(ex, "cancel-order", symbol=BTC, client_order_id="c2")
    assert [o["client_order_id"] for o in get(ex, "get-open-orders")] == ["c3"]
    assert post(ex, "cancel-orders", symbol=BTC) is None
    assert get(ex, "get-open-orders") == [] and usdt(ex)["frozen_balance"] == 0


def test_cancel_order_without_ids_cancels_the_symbol() -> None:
    ex = new()
    limit(ex, 1, 1, "60000")
    limit(ex, 1, 1, "3000", symbol="ETHUSDT")
    post(ex, "cancel-order", symbol=BTC)
    assert [o["symbol"] for o in get(ex, "get-open-orders")] == ["ETHUSDT"]


def test_modify_limit_order_reprices_resizes_and_may_fill() -> None:
    ex = new()
    reply = limit(ex, 1, 1, "60000", client_order_id="m1")
    answer = post(ex, "modify-limit-order", symbol=BTC, order_id=reply["order_id"], size=2)
    assert answer == {"order_id": reply["order_id"], "client_order_id": "m1"}
    # 2 * 0.001 * 60000 = 120: margin 12 + fee 0.072
    assert usdt(ex)["frozen_balance"] == D("12.072")
    rejected(40007, ex, "POST", "modify-limit-order", symbol=BTC, client_order_id="m1")
    post(ex, "modify-limit-order", symbol=BTC, client_order_id="m1", price="65500")
    detail = order(ex, reply["order_id"])
    assert (detail["state"], detail["deal_avg_price"], detail["size"]) == (4, "65000", "2")
    rejected(40036, ex, "POST", "modify-limit-order", symbol=BTC, client_order_id="m1", price="1")
    rejected(40035, ex, "POST", "modify-limit-order", symbol=BTC, order_id=1, price="1")


def test_cancel_all_after_fires_once_its_time_has_come() -> None:
    ex = new()
    limit(ex, 1, 1, "60000")
    timer = post(ex, "cancel-all-after", symbol=BTC, timeout=10)
    assert timer == {"result": True, "set_time": T0 // 1000, "cancel_time": T0 // 1000 + 10}
    assert len(get(ex, "get-open-orders", now_ms=T0 + 9_999)) == 1
    assert not ex.mutates("GET", "/contract/private/get-open-orders")
    assert get(ex, "get-open-orders", now_ms=T0 + 10_000) == []
    assert ex.mutates("GET", "/contract/private/get-open-orders")  # the timer changed state
    rejected(40007, ex, "POST", "cancel-all-after", symbol=BTC, timeout=3)


def test_cancel_all_after_zero_disarms() -> None:
    ex = new()
    limit(ex, 1, 1, "60000")
    post(ex, "cancel-all-after", symbol=BTC, timeout=10)
    assert post(ex, "cancel-all-after", symbol=BTC, timeout=0)["cancel_time"] == 0
    assert len(get(ex, "get-open-orders", now_ms=T0 + 60_000)) == 1


def test_order_history_filters_and_window() -> None:
    ex = new()
    market(ex, 1, 1, client_order_id="h1")
    market(ex, 1, 1, client_order_id="h2")
    assert [o["client_order_id"] for o in get(ex, "order-history", symbol=BTC)] == ["h2", "h1"]
    assert [
        o["client_order_id"] for o in get(ex, "order-history", symbol=BTC, client_order_id="h1")
    ] == ["h1"]
    later = T0 + 8 * 24 * 3600 * 1000  # default window: the last 7 days
    assert get(ex, "order-history", symbol=BTC, now_ms=later) == []
    start = T0 // 1000 - 10
    assert len(get(ex, "order-history", symbol=BTC, start_time=start, end_time=start + 20)) == 2
    rejected(40039, ex, "GET", "order-history", symbol=BTC, start_time=start, end_time=start - 1)


def test_order_ids_are_increasing_numeric_strings() -> None:
    ex = new()
    ids = [market(ex, 1, 1)["order_id"] for _ in range(3)]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert all(isinstance(o["order_id"], str) for o in get(ex, "order-history", symbol=BTC))


def test_a_cross_loss_reduces_what_is_available() -> None:
    ex = new("1000")
    market(ex, 1, 10, open_type="cross")
    move(ex, "64000")
    # margin 65, fee 0.39, unrealized (64000 - 65000) * 0.01 = -10
    assert usdt(ex)["available_balance"] == D("1000") - D("65") - D("0.39") - D("10")
    isolated = new("1000")
    market(isolated, 1, 10)
    move(isolated, "64000")
    assert usdt(isolated)["available_balance"] == D("1000") - D("65") - D("0.39")


def test_a_new_account_and_the_control_calls() -> None:
    from runner.sim.backend import Exchange, SimError

    ex = Exchange.new(now_ms=T0)
    assert ex.state()["balances"]["spot"] == "10000"
    assert ex.state()["balances"]["futures"]["equity"] == "0"
    ex.fund("futures", D("5"), T0)
    ex.fund("spot", D("1"), T0)
    assert ex.state()["balances"]["spot"] == "10001"
    assert usdt(ex)["available_balance"] == D("5")
    with pytest.raises(SimError) as info:
        ex.set_price("DOGEUSDT", D("1"), None, T0)
    assert info.value.code == 40034
    with pytest.raises(ValueError, match="greater than zero"):
        ex.set_price(BTC, D("0"), None, T0)
    with pytest.raises(ValueError, match="wallet"):
        ex.fund("margin", D("1"), T0)
