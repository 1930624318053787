"""Order books (POST /sim/book): market orders walk them with slippage, limits take and rest,
resting limits fill partly as the book and the price move; the reads show partial fills the way
the facts describe them (deal_size, deal_avg_price, state 2 while working, 4 when done)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from runner.sim.backend import Exchange
from tests.sim.backend.helpers import (
    BTC,
    book,
    get,
    limit,
    market,
    move,
    new,
    order,
    post,
    rejected,
    trades,
    usdt,
)

D = Decimal
BIDS = [("64990", 5), ("64980", 10)]
ASKS = [("65010", 3), ("65020", 4), ("65050", 10)]


def _booked(**kwargs: Any) -> Exchange:
    ex = new(**kwargs)
    book(ex, BIDS, ASKS)
    return ex


def _long(ex: Exchange) -> dict[str, Any]:
    return next(r for r in get(ex, "position-v2", symbol=BTC) if r["position_side"] == "long")


def test_a_market_buy_walks_the_asks_and_pays_the_slippage() -> None:
    ex = _booked()
    placed = market(ex, 1, 5)
    assert placed["price"] == "market price"
    detail = order(ex, placed["order_id"])
    # 3 @ 65010 + 2 @ 65020 = 325070 / 5 = 65014
    assert (detail["state"], detail["deal_size"], detail["deal_avg_price"]) == (4, "5", "65014")
    fills = trades(ex, placed["order_id"])
    assert [(f["price"], f["vol"], f["exec_type"]) for f in fills] == [
        ("65010", "3", "Taker"),
        ("65020", "2", "Taker"),
    ]
    # taker fees 195.03 * 0.0006 = 0.117018 and 130.04 * 0.0006 = 0.078024
    assert [f["paid_fees"] for f in fills] == ["0.117018", "0.078024"]
    position = _long(ex)
    # margin at 10x: 19.503 + 13.004; the entry is the average fill price
    assert (position["entry_price"], position["initial_margin"]) == ("65014", "32.507")
    assert position["current_fee"] == "0.195042"
    assert usdt(ex)["available_balance"] == D("10000") - D("32.507") - D("0.195042")
    commissions = get(ex, "transaction-history", symbol=BTC, flow_type=4)
    assert sorted(r["amount"] for r in commissions) == ["-0.078024", "-0.117018"]  # one per fill
    depth = get(ex, "/contract/public/depth", symbol=BTC)
    assert depth["asks"] == [["65020", "2", "2"], ["65050", "10", "12"]]  # the book was consumed
    assert depth["bids"] == [["64990", "5", "5"], ["64980", "10", "15"]]


def test_a_market_sell_closes_into_the_bids_and_realizes_per_fill() -> None:
    ex = new()
    market(ex, 1, 8)  # no book yet: 8 @ 65000
    book(ex, BIDS, ASKS)
    closing = market(ex, 3, 8)
    fills = trades(ex, closing["order_id"])
    # 5 @ 64990: (64990 - 65000) * 0.005 = -0.05; 3 @ 64980: -20 * 0.003 = -0.06
    assert [(f["price"], f["vol"], f["realised_profit"]) for f in fills] == [
        ("64990", "5", "-0.05"),
        ("64980", "3", "-0.06"),
    ]
    assert order(ex, closing["order_id"])["deal_avg_price"] == "64986.25"
    assert get(ex, "position-v2") == []


def test_a_market_order_that_exhausts_the_book_cancels_its_rest() -> None:
    ex = new()
    book(ex, BIDS, [("65010", 3)])
    placed = market(ex, 1, 5)
    detail = order(ex, placed["order_id"])
    assert (detail["state"], detail["size"], detail["deal_size"]) == (4, "5", "3")
    (row,) = [o for o in ex.state()["orders"] if o["order_id"] == str(placed["order_id"])]
    assert (row["state"], row["reason"]) == ("cancelled", "cancelled: the book ran out")
    assert _long(ex)["current_amount"] == "3"
    assert usdt(ex)["frozen_balance"] == 0  # nothing of the rest stays reserved
    assert get(ex, "/contract/public/depth", symbol=BTC)["asks"] == []
    empty = market(ex, 1, 2)  # an empty side: nothing fills at all
    assert order(ex, empty["order_id"])["deal_size"] == "0"


def test_a_resting_limit_fills_partly_as_later_books_and_moves_offer_size() -> None:
    ex = new()
    book(ex, [("64990", 5)], [("65010", 3)])
    placed = limit(ex, 1, 10, "65000")  # below the best ask: rests whole
    # reserve: margin 650 / 10 = 65 plus the taker fee 650 * 0.0006 = 0.39
    assert usdt(ex)["frozen_balance"] == D("65.39")
    book(ex, [("64980", 1)], [("64995", 4), ("65000", 2), ("65005", 7)])
    detail = order(ex, placed["order_id"])
    assert (detail["state"], detail["deal_size"], detail["deal_avg_price"]) == (2, "6", "65000")
    (listed,) = get(ex, "get-open-orders", symbol=BTC, order_state="partially_filled")
    assert (listed["size"], listed["deal_size"]) == ("10", "6")
    fills = trades(ex, placed["order_id"])
    # a resting order is the maker: its own price, maker fee (260 * 0.0002, 130 * 0.0002)
    assert [(f["price"], f["vol"], f["exec_type"], f["paid_fees"]) for f in fills] == [
        ("65000", "4", "Maker", "0.052"),
        ("65000", "2", "Maker", "0.026"),
    ]
    balances = usdt(ex)
    # 4 of 10 left: 65.39 * 4 / 10 reserved; the position holds 6 * 65 / 10
    assert (balances["frozen_balance"], balances["position_deposit"]) == (D("26.156"), D("39"))
    assert balances["available_balance"] == D("10000") - D("39") - D("26.156") - D("0.078")
    assert _long(ex)["current_amount"] == "6"
    assert get(ex, "/contract/public/depth", symbol=BTC)["asks"] == [["65005", "7", "7"]]
    move(ex, "64990")  # the book moves with the price: 65005 -> 64995, at or below 65000
    detail = order(ex, placed["order_id"])
    assert (detail["state"], detail["deal_size"], detail["deal_avg_price"]) == (4, "10", "65000")
    assert usdt(ex)["frozen_balance"] == 0
    assert get(ex, "/contract/public/depth", symbol=BTC)["asks"] == [["64995", "3", "3"]]


def test_a_price_move_without_enough_book_leaves_the_rest_resting() -> None:
    ex = new()
    book(ex, [("64990", 5)], [("65010", 3)])
    placed = limit(ex, 1, 10, "65000")
    move(ex, "64900")  # asks shift to 64910: 3 fill, 7 keep resting
    detail = order(ex, placed["order_id"])
    assert (detail["state"], detail["deal_size"]) == (2, "3")
    assert get(ex, "get-open-orders", symbol=BTC)[0]["deal_size"] == "3"


def test_a_crossing_limit_takes_what_is_there_and_rests_the_rest() -> None:
    ex = _booked()
    placed = limit(ex, 1, 5, "65015")
    detail = order(ex, placed["order_id"])
    assert (detail["state"], detail["deal_size"], detail["deal_avg_price"]) == (2, "3", "65010")
    assert trades(ex, placed["order_id"])[0]["exec_type"] == "Taker"
    # the rest rests at 65015: reserve 2 * 65.015 / 10 + fee 130.03 * 0.0006
    assert usdt(ex)["frozen_balance"] == D("13.003") + D("0.078018")


@pytest.mark.parametrize(
    ("mode", "state", "filled", "reason"),
    [
        (2, 4, "0", "cancelled: not enough liquidity to fill at once"),  # FOK
        (3, 4, "3", "cancelled: nothing more to match at once"),  # IOC
        (4, 4, "0", "rejected: a maker-only order would take liquidity"),  # Maker Only
    ],
)
def test_time_in_force_against_a_book(mode: int, state: int, filled: str, reason: str) -> None:
    ex = _booked()
    placed = limit(ex, 1, 5, "65015", mode=mode)
    detail = order(ex, placed["order_id"])
    assert (detail["state"], detail["deal_size"]) == (state, filled)
    (row,) = [o for o in ex.state()["orders"] if o["order_id"] == str(placed["order_id"])]
    assert row["reason"] == reason


def test_fok_fills_when_the_whole_size_is_there() -> None:
    ex = _booked()
    placed = limit(ex, 1, 7, "65020", mode=2)
    detail = order(ex, placed["order_id"])
    # 3 @ 65010 + 4 @ 65020 = (195030 + 260080) / 7 = 65015.714285714..., kept to 8 places
    assert (detail["deal_size"], detail["deal_avg_price"]) == ("7", "65015.71428571")


def test_modify_a_partly_filled_order() -> None:
    ex = new()
    book(ex, [("64990", 5)], [("65010", 3)])
    placed = limit(ex, 1, 10, "65010")  # takes 3, rests 7
    rejected(
        40007, ex, "POST", "modify-limit-order", symbol=BTC, order_id=placed["order_id"], size=3
    )
    post(ex, "modify-limit-order", symbol=BTC, order_id=placed["order_id"], size=5)
    detail = order(ex, placed["order_id"])
    assert (detail["size"], detail["deal_size"], detail["state"]) == ("5", "3", 2)
    # 2 left at 65010: 2 * 65.01 / 10 + 130.02 * 0.0006
    assert usdt(ex)["frozen_balance"] == D("13.002") + D("0.078012")


def test_cancelling_a_partly_filled_order_keeps_its_fills() -> None:
    ex = new()
    book(ex, [("64990", 5)], [("65010", 3)])
    placed = limit(ex, 1, 10, "65010")
    post(ex, "cancel-order", symbol=BTC, order_id=str(placed["order_id"]))
    detail = order(ex, placed["order_id"])
    assert (detail["state"], detail["deal_size"], detail["size"]) == (4, "3", "10")
    history = get(ex, "order-history", symbol=BTC, order_id=placed["order_id"])
    assert history[0]["deal_size"] == "3"
    assert usdt(ex)["frozen_balance"] == 0


def test_preset_tp_sl_attach_once_on_the_first_opening_fill() -> None:
    ex = new()
    book(ex, [("64990", 5)], [("65010", 3)])
    limit(ex, 1, 10, "65010", preset_stop_loss_price="60000")
    book(ex, [("64990", 5)], [("65005", 3)])
    (stop,) = get(ex, "current-plan-order", symbol=BTC)
    assert (stop["type"], stop["plan_category"], stop["size"]) == ("stop_loss", 2, "6")


def test_clearing_the_book_returns_to_unlimited_depth_at_the_last_price() -> None:
    ex = _booked()
    resting = limit(ex, 1, 2, "65005")
    assert order(ex, resting["order_id"])["deal_size"] == "0"
    assert book(ex, None, None) is None
    # unlimited depth at the last price: the resting buy above the last price fills as maker
    assert order(ex, resting["order_id"])["state"] == 4
    assert market(ex, 1, 100)["price"] == "market price"
    assert _long(ex)["current_amount"] == "102"
    assert len(get(ex, "/contract/public/depth", symbol=BTC)["asks"]) == 20  # filler again


@pytest.mark.parametrize(
    ("bids", "asks", "problem"),
    [
        ([("65010", 1)], [("65010", 1)], "crossed book"),
        ([("65020", 1)], [("65010", 1)], "crossed book"),
        ([("64990.05", 1)], [], "tick"),
        ([("64990", 0)], [], "positive whole size"),
        ([("64990", -3)], [], "positive whole size"),
        ([("64990", 1), ("64990", 2)], [], "twice"),
        ([("0", 1)], [], "greater than zero"),
    ],
)
def test_bad_books_are_refused(
    bids: list[tuple[str, int]], asks: list[tuple[str, int]], problem: str
) -> None:
    ex = new()
    with pytest.raises(ValueError, match=problem):
        book(ex, bids, asks)
    assert ex.state()["books"] == {}


def test_levels_are_sorted_best_first_and_shown_in_the_state() -> None:
    ex = new()
    book(ex, [("64980", 1), ("64990", 2)], [("65020", 4), ("65010", 3)])
    assert ex.state()["books"] == {
        BTC: {"bids": [["64990", "2"], ["64980", "1"]], "asks": [["65010", "3"], ["65020", "4"]]}
    }


def test_a_one_way_flip_that_rests_reserves_the_opening_cost_of_its_rest() -> None:
    ex = new()
    post(ex, "set-position-mode", position_mode="one_way_mode")
    market(ex, 1, 4)  # long 4 at 65000 (no book yet)
    book(ex, [("64990", 4)], [("65010", 3)])
    placed = limit(ex, 4, 10, "64990")  # sells 4 into the bid (closes the long), rests 6
    detail = order(ex, placed["order_id"])
    assert (detail["state"], detail["deal_size"]) == (2, "4")
    assert get(ex, "position-v2") == []
    # all 6 left open a short: 6 * 64.99 / 10 = 38.994 margin + 389.94 * 0.0006 fee
    assert usdt(ex)["frozen_balance"] == D("38.994") + D("0.233964")
