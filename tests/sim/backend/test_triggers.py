"""Plan orders, TP/SL (preset and stand-alone) and trailing orders firing on price moves."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from runner.sim.backend import Exchange
from tests.sim.backend.helpers import (
    BTC,
    get,
    limit,
    market,
    move,
    new,
    order,
    post,
    rejected,
    usdt,
    waiting,
)

D = Decimal


def _plan(ex: Exchange, **changes: Any) -> int:
    params: dict[str, Any] = {
        "symbol": BTC,
        "side": 1,
        "type": "market",
        "size": 2,
        "leverage": "10",
        "open_type": "cross",
        "trigger_price": "60000",
        "price_way": 2,
        "price_type": 1,
    }
    params.update(changes)
    reply = post(ex, "submit-plan-order", **params)
    assert isinstance(reply["order_id"], int)
    return int(reply["order_id"])


def _long_position(ex: Exchange) -> dict[str, Any]:
    rows = get(ex, "position-v2", symbol=BTC)
    return next(r for r in rows if r["position_side"] == "long")


def test_buy_the_dip_plan_fires_on_the_last_price_and_places_a_plan_child() -> None:
    ex = new()
    plan_id = _plan(ex)
    (row,) = waiting(ex)
    assert (row["type"], row["price_way"], row["state"], row["order_id"]) == (
        "plan",
        2,
        2,
        str(plan_id),
    )
    move(ex, "60000.1")
    assert len(waiting(ex)) == 1
    move(ex, "60000")
    assert waiting(ex) == []
    (child,) = get(ex, "order-history", symbol=BTC)
    assert child["client_order_id"] == f"PLAN_{plan_id}"
    assert (child["trigger_price"], child["execution_price"], child["deal_avg_price"]) == (
        "60000",
        "Market",
        "60000",
    )
    assert _long_position(ex)["current_amount"] == "2"


def test_mark_price_plan_ignores_the_last_price() -> None:
    ex = new()
    _plan(ex, price_type=2, price_way=1, trigger_price="66000")
    move(ex, "67000", "65500")
    assert len(waiting(ex)) == 1
    move(ex, "67000", "66000")
    assert waiting(ex) == [] and _long_position(ex)["entry_price"] == "67000"


def test_limit_plan_child_rests_at_its_executive_price() -> None:
    ex = new()
    plan_id = _plan(ex, type="limit", executive_price="59000")
    move(ex, "59900")
    (child,) = get(ex, "get-open-orders", symbol=BTC)
    assert (child["client_order_id"], child["price"], child["type"]) == (
        f"PLAN_{plan_id}",
        "59000",
        "limit",
    )
    move(ex, "59000")
    assert _long_position(ex)["entry_price"] == "59000"


def test_plan_with_presets_protects_the_position_it_opens() -> None:
    ex = new()
    _plan(
        ex,
        preset_take_profit_price="70000",
        preset_stop_loss_price="55000",
        preset_stop_loss_price_type=2,
    )
    move(ex, "60000")
    kinds = {r["type"]: r for r in waiting(ex)}
    assert set(kinds) == {"take_profit", "stop_loss"}
    assert (kinds["stop_loss"]["price_type"], kinds["stop_loss"]["plan_category"]) == (2, 2)


def test_plan_order_parameters() -> None:
    ex = new()
    base = {
        "symbol": BTC,
        "side": 1,
        "type": "market",
        "size": 1,
        "leverage": "10",
        "open_type": "cross",
        "trigger_price": "60000",
        "price_way": 2,
        "price_type": 1,
    }
    rejected(40040, ex, "POST", "submit-plan-order", **{**base, "leverage": None})
    rejected(40045, ex, "POST", "submit-plan-order", **{**base, "open_type": None})
    rejected(40031, ex, "POST", "submit-plan-order", **{**base, "trigger_price": "20000"})
    rejected(40007, ex, "POST", "submit-plan-order", **{**base, "type": "limit"})
    rejected(40007, ex, "POST", "submit-plan-order", **{**base, "price_way": 3})
    rejected(40043, ex, "POST", "submit-plan-order", **{**base, "trigger_price": "60000.01"})
    assert waiting(ex) == []


def test_a_plan_that_cannot_be_placed_ends_failed_without_a_child() -> None:
    ex = new("10")
    _plan(ex, size=100)  # 100 * 0.001 * 60000 / 10 = 600 margin: more than 10 USDT
    move(ex, "59000")
    assert waiting(ex) == [] and get(ex, "order-history", symbol=BTC) == []
    (plan,) = ex.state()["plan_orders"]
    assert plan["state"] == "failed" and "Insufficient balance" in plan["reason"]


def test_cancel_and_modify_plan_orders() -> None:
    ex = new()
    first, second = _plan(ex), _plan(ex, trigger_price="61000")
    answer = post(
        ex,
        "modify-plan-order",
        symbol=BTC,
        order_id=str(first),
        type="limit",
        trigger_price="59000",
        executive_price="58900",
        price_type=2,
    )
    assert answer == {"order_id": str(first)}
    row = next(r for r in waiting(ex) if r["order_id"] == str(first))
    assert (row["trigger_price"], row["executive_price"], row["price_type"]) == (
        "59000",
        "58900",
        2,
    )
    assert post(ex, "cancel-plan-order", symbol=BTC, order_id=str(first)) == {}
    rejected(40036, ex, "POST", "cancel-plan-order", symbol=BTC, order_id=str(first))
    rejected(40035, ex, "POST", "cancel-plan-order", symbol=BTC, order_id="42")
    rejected(
        40036,
        ex,
        "POST",
        "modify-plan-order",
        symbol=BTC,
        order_id=str(first),
        type="market",
        trigger_price="1",
        price_type=1,
    )
    post(ex, "cancel-plan-order", symbol=BTC)
    assert waiting(ex) == [] and second


def test_preset_tp_sl_become_position_tp_sl_once_filled() -> None:
    ex = new()
    reply = limit(
        ex,
        1,
        4,
        "64000",
        preset_take_profit_price="70000",
        preset_stop_loss_price="60000",
        preset_stop_loss_price_type=2,
    )
    assert waiting(ex) == []  # nothing to protect yet
    detail = order(ex, reply["order_id"])
    assert (detail["preset_take_profit_price"], detail["preset_stop_loss_price_type"]) == (
        "70000",
        2,
    )
    move(ex, "64000")
    rows = {r["type"]: r for r in waiting(ex)}
    assert {
        k: (r["side"], r["price_way"], r["size"], r["plan_category"], r["executive_price"])
        for k, r in rows.items()
    } == {
        "take_profit": (3, 1, "4", 2, "0"),
        "stop_loss": (3, 2, "4", 2, "0"),
    }


def test_stop_loss_on_mark_fires_on_the_mark_and_cancels_its_take_profit() -> None:
    ex = new()
    market(
        ex,
        1,
        10,
        preset_take_profit_price="70000",
        preset_stop_loss_price="63000",
        preset_stop_loss_price_type=2,
    )
    move(ex, "62000", "63500")
    assert len(waiting(ex)) == 2
    move(ex, "62500", "63000")
    assert waiting(ex) == [] and get(ex, "position-v2") == []
    states = {p["kind"]: p["state"] for p in ex.state()["plan_orders"]}
    assert states == {"take_profit": "cancelled", "stop_loss": "triggered"}
    # closed at the last price 62500: (62500 - 65000) * 10 * 0.001 = -25
    # fees: 0.39 open + 625 * 0.0006 = 0.375 close
    assert usdt(ex)["equity"] == D("10000") - D("25") - D("0.39") - D("0.375")


def test_take_profit_fires_on_the_last_price() -> None:
    ex = new()
    market(ex, 4, 5, preset_take_profit_price="60000")
    move(ex, "60000", "61000")
    assert get(ex, "position-v2") == []
    (child,) = [o for o in get(ex, "order-history", symbol=BTC) if o["side"] == 2]
    assert child["client_order_id"].startswith("PLAN_") and child["deal_avg_price"] == "60000"


def _tp_sl(ex: Exchange, **changes: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "symbol": BTC,
        "type": "stop_loss",
        "side": 3,
        "trigger_price": "60000",
        "executive_price": "0",
        "price_type": 1,
        "plan_category": 2,
    }
    params.update(changes)
    return post(ex, "submit-tp-sl-order", **{k: v for k, v in params.items() if v is not None})


def test_stand_alone_tp_sl_rules() -> None:
    ex = new()
    rejected(
        40021,
        ex,
        "POST",
        "submit-tp-sl-order",
        symbol=BTC,
        type="stop_loss",
        side=3,
        trigger_price="60000",
        executive_price="0",
        price_type=1,
    )
    market(ex, 1, 5)
    reply = _tp_sl(ex, client_order_id="sl1")
    assert reply == {"order_id": reply["order_id"], "client_order_id": "sl1"}
    assert isinstance(reply["order_id"], str)
    common = {"symbol": BTC, "trigger_price": "60000", "executive_price": "0", "price_type": 1}
    rejected(40042, ex, "POST", "submit-tp-sl-order", **common, type="limit", side=3)
    rejected(40041, ex, "POST", "submit-tp-sl-order", **common, type="stop_loss", side=1)
    rejected(
        40020,
        ex,
        "POST",
        "submit-tp-sl-order",
        **common,
        type="stop_loss",
        side=3,
        plan_category=1,
        size=6,
    )
    rejected(
        40050,
        ex,
        "POST",
        "submit-tp-sl-order",
        **common,
        type="stop_loss",
        side=3,
        client_order_id="sl1",
    )
    rejected(
        40007,
        ex,
        "POST",
        "submit-tp-sl-order",
        symbol=BTC,
        type="stop_loss",
        side=3,
        trigger_price="60000",
        price_type=1,
    )


def test_a_new_position_stop_replaces_the_old_one() -> None:
    ex = new()
    market(ex, 1, 5)
    _tp_sl(ex)
    _tp_sl(ex, trigger_price="61000")
    (row,) = waiting(ex)
    assert row["trigger_price"] == "61000"


def test_fixed_size_limit_take_profit_closes_part_of_the_position() -> None:
    ex = new()
    market(ex, 1, 5)
    _tp_sl(
        ex,
        type="take_profit",
        trigger_price="66000",
        executive_price="66100",
        plan_category=1,
        size=2,
    )
    move(ex, "66000")
    (child,) = get(ex, "get-open-orders", symbol=BTC)
    assert (child["type"], child["price"], child["size"]) == ("limit", "66100", "2")
    move(ex, "66100")
    assert _long_position(ex)["current_amount"] == "3"


def test_modify_tp_sl_by_client_id_and_modify_preset() -> None:
    ex = new()
    placed = market(ex, 1, 5, preset_take_profit_price="70000")
    _tp_sl(ex, client_order_id="slx")
    post(
        ex,
        "modify-tp-sl-order",
        symbol=BTC,
        client_order_id="slx",
        trigger_price="59000",
        price_type=2,
    )
    stop = next(r for r in waiting(ex) if r["type"] == "stop_loss")
    assert (stop["trigger_price"], stop["price_type"]) == ("59000", 2)
    answer = post(
        ex,
        "modify-preset-plan-order",
        symbol=BTC,
        order_id=str(placed["order_id"]),
        preset_take_profit_price="71000",
    )
    assert answer == {"order_id": str(placed["order_id"])}
    take = next(r for r in waiting(ex) if r["type"] == "take_profit")
    assert take["trigger_price"] == "71000"
    assert order(ex, placed["order_id"])["preset_take_profit_price"] == "71000"
    rejected(
        40035,
        ex,
        "POST",
        "modify-preset-plan-order",
        symbol=BTC,
        order_id="9",
        preset_take_profit_price="71000",
    )


def _trail(ex: Exchange, **changes: Any) -> int:
    params: dict[str, Any] = {
        "symbol": BTC,
        "side": 3,
        "size": 10,
        "leverage": "10",
        "open_type": "isolated",
        "activation_price": "66000",
        "callback_rate": "1",
        "activation_price_type": 1,
    }
    params.update(changes)
    return int(post(ex, "submit-trail-order", **params)["order_id"])


def test_trailing_stop_activates_tracks_the_high_and_fires_on_the_callback() -> None:
    ex = new()
    market(ex, 1, 10)
    trail_id = _trail(ex)
    (row,) = get(ex, "get-open-orders", symbol=BTC, type="trailing")
    assert (row["activation_price"], row["callback_rate"], row["activation_price_type"]) == (
        "66000",
        "1",
        1,
    )
    move(ex, "65900")
    move(ex, "66000")  # activates
    move(ex, "67000")  # new high: fires at 67000 * 0.99 = 66330
    move(ex, "66331")
    assert _long_position(ex)["current_amount"] == "10"
    move(ex, "66330")
    assert get(ex, "position-v2") == []
    detail = order(ex, trail_id)
    assert (detail["state"], detail["type"]) == (4, "trailing")
    child = order(ex, detail["executive_order_id"])
    assert (child["deal_avg_price"], child["side"]) == ("66330", 3)


def test_buy_trailing_tracks_the_low() -> None:
    ex = new()
    _trail(ex, side=1, size=1, activation_price="64000", callback_rate="0.5")
    move(ex, "64000")
    move(ex, "63000")  # fires at 63000 * 1.005 = 63315
    move(ex, "63314")
    assert get(ex, "position-v2") == []
    move(ex, "63315")
    assert _long_position(ex)["entry_price"] == "63315"


def test_trailing_parameters_and_cancel() -> None:
    ex = new()
    market(ex, 1, 10)
    rejected(
        40007,
        ex,
        "POST",
        "submit-trail-order",
        symbol=BTC,
        side=3,
        size=1,
        activation_price="66000",
        callback_rate="6",
        activation_price_type=1,
    )
    rejected(
        40020,
        ex,
        "POST",
        "submit-trail-order",
        symbol=BTC,
        side=3,
        size=11,
        activation_price="66000",
        callback_rate="1",
        activation_price_type=1,
    )
    trail_id = _trail(ex)
    assert post(ex, "cancel-trail-order", symbol=BTC, order_id=str(trail_id)) == {}
    rejected(40036, ex, "POST", "cancel-trail-order", symbol=BTC, order_id=str(trail_id))
    rejected(40035, ex, "POST", "cancel-trail-order", symbol=BTC, order_id="1")
    assert get(ex, "get-open-orders", symbol=BTC) == []


def test_a_closed_position_takes_its_resting_closes_with_it() -> None:
    ex = new()
    market(ex, 1, 10, preset_stop_loss_price="60000")
    limit(ex, 3, 4, "70000")
    move(ex, "60000")
    assert get(ex, "get-open-orders") == []
    reasons = {o["reason"] for o in ex.state()["orders"] if o["type"] == "limit"}
    assert reasons == {"cancelled: position closed"}
