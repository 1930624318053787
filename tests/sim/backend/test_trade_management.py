"""Trade management: fixed-quantity TP/SL (plan_category 1) ladders, partial closes, ladders
fired by one price jump in path order, and trailing stops on positions (facts 10.4, 10.6)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from runner.sim.backend import Exchange
from tests.sim.backend.helpers import (
    BTC,
    book,
    get,
    market,
    move,
    new,
    order,
    post,
    rejected,
    trades,
    usdt,
    waiting,
)

D = Decimal


def _tp(ex: Exchange, trigger: str, size: int | None, **changes: Any) -> str:
    """A fixed-quantity take-profit closing part of the long, at market (executive "0")."""
    params: dict[str, Any] = {
        "symbol": BTC,
        "type": "take_profit",
        "side": 3,
        "trigger_price": trigger,
        "executive_price": "0",
        "price_type": 1,
        "plan_category": 1,
        "size": size,
    }
    params.update(changes)
    sent = {k: v for k, v in params.items() if v is not None}
    return str(post(ex, "submit-tp-sl-order", **sent)["order_id"])


def _long(ex: Exchange) -> str:
    rows = get(ex, "position-v2", symbol=BTC)
    return next(r for r in rows if r["position_side"] == "long")["current_amount"]


def _child(ex: Exchange, trigger_id: str) -> dict[str, Any]:
    (trigger,) = [p for p in ex.state()["plan_orders"] if p["order_id"] == trigger_id]
    assert trigger["state"] == "triggered", trigger["reason"]
    return order(ex, trigger["executive_order_id"])


def test_a_ladder_rests_on_one_position_beside_its_whole_position_stop() -> None:
    ex = new()
    market(ex, 1, 10, preset_stop_loss_price="60000")
    ids = [_tp(ex, "66000", 3), _tp(ex, "67000", 3), _tp(ex, "68000", 4)]
    rows = {r["order_id"]: r for r in waiting(ex)}
    assert [(rows[i]["plan_category"], rows[i]["size"], rows[i]["type"]) for i in ids] == [
        (1, "3", "take_profit"),
        (1, "3", "take_profit"),
        (1, "4", "take_profit"),
    ]
    (stop,) = [r for r in rows.values() if r["type"] == "stop_loss"]
    assert (stop["plan_category"], stop["size"]) == (2, "10")  # the whole position
    # a new whole-position TP/SL replaces only its own kind; the ladder stays
    post(
        ex,
        "submit-tp-sl-order",
        symbol=BTC,
        type="stop_loss",
        side=3,
        trigger_price="61000",
        executive_price="0",
        price_type=1,
    )
    assert len(waiting(ex)) == 4


def test_one_jump_through_the_ladder_fires_each_level_in_path_order_never_beyond_the_position() -> (
    None
):
    ex = new()
    market(ex, 1, 10, preset_stop_loss_price="60000")
    ids = [_tp(ex, "68000", 4), _tp(ex, "66000", 4), _tp(ex, "67000", 4)]  # 12 on a 10 position
    move(ex, "70000")  # one move through all three
    children = [_child(ex, i) for i in (ids[1], ids[2], ids[0])]
    # path order: 66000, then 67000, then 68000, each at its own trigger price (the move stops
    # there); the last level closes only the 2 contracts left
    assert [(c["deal_avg_price"], c["size"], c["deal_size"]) for c in children] == [
        ("66000", "4", "4"),
        ("67000", "4", "4"),
        ("68000", "2", "2"),
    ]
    assert [c["client_order_id"] for c in children] == [
        f"PLAN_{i}" for i in (ids[1], ids[2], ids[0])
    ]
    assert get(ex, "position-v2") == []
    # realized: 4 * 1 + 4 * 2 + 2 * 3 (USDT per contract move of 1000 at 0.001 BTC)
    realized = [r for r in get(ex, "transaction-history", symbol=BTC, flow_type=2)]
    assert sum(D(r["amount"]) for r in realized) == D("18")
    states = {p["kind"]: p["reason"] for p in ex.state()["plan_orders"]}
    assert states["stop_loss"] == "cancelled: position closed"


def test_levels_at_the_same_price_fire_oldest_first() -> None:
    ex = new()
    market(ex, 1, 5)
    first, second = _tp(ex, "66000", 4), _tp(ex, "66000", 4)
    move(ex, "66500")
    assert (_child(ex, first)["deal_size"], _child(ex, second)["deal_size"]) == ("4", "1")


def test_a_level_bigger_than_what_is_left_closes_what_is_left() -> None:
    ex = new()
    market(ex, 1, 10)
    level = _tp(ex, "66000", 6)
    market(ex, 3, 7)  # the position shrinks to 3 below the level's 6
    (row,) = waiting(ex)
    assert row["size"] == "6"  # the order keeps its size until it fires
    move(ex, "66000")
    child = _child(ex, level)
    assert (child["size"], child["deal_size"]) == ("3", "3")
    assert get(ex, "position-v2") == []


def test_fixed_quantity_orders_are_checked_against_the_position() -> None:
    ex = new()
    market(ex, 1, 5)
    common = {"symbol": BTC, "type": "take_profit", "side": 3, "trigger_price": "66000"}
    common |= {"executive_price": "0", "price_type": 1, "plan_category": 1}
    rejected(40020, ex, "POST", "submit-tp-sl-order", **common, size=6)
    rejected(40044, ex, "POST", "submit-tp-sl-order", **common, size=0)
    rejected(40007, ex, "POST", "submit-tp-sl-order", **common, size="2")
    whole = _tp(ex, "66000", None)  # no size: the whole position at the time (facts 13.5)
    assert next(r for r in waiting(ex) if r["order_id"] == whole)["size"] == "5"


def test_a_stop_and_a_take_profit_crossed_in_one_jump_follow_the_path() -> None:
    ex = new()
    market(ex, 1, 10)
    take = _tp(ex, "65500", 4)  # on the last price
    stop = post(
        ex,
        "submit-tp-sl-order",
        symbol=BTC,
        type="stop_loss",
        side=3,
        trigger_price="64500",
        executive_price="0",
        price_type=2,  # on the mark
    )["order_id"]
    # last 65000 -> 67000 and mark 65000 -> 64000 together: the TP is met a quarter of the way
    # (last 65500, mark 64750), the stop halfway (mark 64500, last 66000)
    move(ex, "67000", "64000")
    assert (_child(ex, take)["deal_avg_price"], _child(ex, take)["deal_size"]) == ("65500", "4")
    assert (_child(ex, stop)["deal_avg_price"], _child(ex, stop)["deal_size"]) == ("66000", "6")


def test_a_ladder_level_sells_into_the_book_that_moved_with_the_price() -> None:
    ex = new()
    market(ex, 1, 10)
    book(ex, [("64990", 2), ("64980", 10)], [("65010", 5)])
    level = _tp(ex, "66000", 4)
    move(ex, "66000")  # the book moves up by 1000 with the last price
    child = _child(ex, level)
    # 2 @ 65990 + 2 @ 65980 = 65985 on average
    assert (child["deal_avg_price"], child["deal_size"]) == ("65985", "4")
    assert [(f["price"], f["vol"]) for f in trades(ex, child["order_id"])] == [
        ("65990", "2"),
        ("65980", "2"),
    ]
    assert _long(ex) == "6"


def test_a_limit_level_rests_and_fills_partly_from_the_book() -> None:
    ex = new()
    market(ex, 1, 10)
    level = _tp(ex, "66000", 5, executive_price="66100", category="limit")
    move(ex, "66000")
    child = _child(ex, level)
    assert (child["type"], child["price"], child["state"]) == ("limit", "66100", 2)
    book(ex, [("66100", 3)], [("66200", 1)])  # a buyer at 66100 takes 3 of the 5
    child = order(ex, child["order_id"])
    assert (child["deal_size"], child["state"]) == ("3", 2)
    assert _long(ex) == "7"


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


def test_a_jump_through_the_callback_fires_at_the_callback_price() -> None:
    ex = new()
    market(ex, 1, 10)
    trail = _trail(ex)
    move(ex, "67000")  # activates at 66000, the high is 67000: fires at 67000 * 0.99 = 66330
    move(ex, "60000")  # one jump far past the callback
    child = order(ex, order(ex, trail)["executive_order_id"])
    assert (child["deal_avg_price"], child["deal_size"]) == ("66330", "10")
    # (66330 - 65000) * 10 * 0.001 = 13.3 realized, not the 50 loss at 60000
    realized = get(ex, "transaction-history", symbol=BTC, flow_type=2)
    assert [r["amount"] for r in realized] == ["13.3"]


def test_a_mark_price_trailing_stop_watches_the_mark_only() -> None:
    ex = new()
    market(ex, 1, 10)
    trail = _trail(ex, activation_price_type=2, callback_rate="0.5")
    move(ex, "67000", "65900")  # the last passes 66000, the mark does not: still inactive
    assert order(ex, trail)["state"] == 2
    (row,) = [p for p in ex.state()["plan_orders"] if p["kind"] == "trailing"]
    assert row["active"] is False
    move(ex, "67000", "66600")  # the mark activates it and makes 66600 the high
    move(ex, "67500", "66267")  # the mark retraces 0.5 % to 66267: fires, fills at the last
    child = order(ex, order(ex, trail)["executive_order_id"])
    assert (child["deal_avg_price"], child["deal_size"]) == ("67500", "10")


def test_a_trailing_stop_bigger_than_the_position_closes_what_is_left() -> None:
    ex = new()
    market(ex, 1, 10)
    trail = _trail(ex, size=8)  # its 8 are reserved: a close order may not take them
    rejected(40020, ex, "POST", "submit-order", symbol=BTC, side=3, type="market", size=5)
    _tp(ex, "65500", 5)  # a TP/SL order reserves nothing: it closes 5 first
    move(ex, "65500")
    move(ex, "67000")
    move(ex, "66330")
    child = order(ex, order(ex, trail)["executive_order_id"])
    assert (child["size"], child["deal_size"]) == ("5", "5")
    assert usdt(ex)["position_deposit"] == 0
