"""Persistence (to_dict/from_dict), determinism, the /sim/state view, and invariants that hold
after any sequence of requests (hypothesis)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runner.sim.backend import Exchange, SimError
from tests.sim.backend.helpers import (
    BTC,
    ETH,
    T0,
    advance,
    book,
    get,
    limit,
    market,
    move,
    new,
    post,
)
from tests.sim.fake_backend import FakeExchange

D = Decimal
# Saved by the backend before books, the simulated clock and funding existed (a position with
# preset TP/SL, a resting limit, a plan order, a trailing order, a timer, a transfer).
OLD_STATE = Path(__file__).parent / "data" / "state_before_market.json"


def _scenario(ex: Exchange) -> None:
    post(
        ex, "/account/v1/transfer-contract", currency="USDT", amount="500", type="spot_to_contract"
    )
    market(
        ex,
        1,
        10,
        preset_take_profit_price="70000",
        preset_stop_loss_price="60000",
        client_order_id="s1",
    )
    limit(ex, 1, 2, "3000", symbol=ETH, client_order_id="s2")
    post(
        ex,
        "submit-plan-order",
        symbol=BTC,
        side=4,
        type="limit",
        size=1,
        leverage="10",
        open_type="isolated",
        trigger_price="66000",
        executive_price="66100",
        price_way=1,
        price_type=2,
    )
    post(
        ex,
        "submit-trail-order",
        symbol=BTC,
        side=3,
        size=5,
        activation_price="66000",
        callback_rate="0.5",
        activation_price_type=1,
    )
    post(ex, "cancel-all-after", symbol=ETH, timeout=30)
    move(ex, "66500")
    move(ex, "66000")


def _no_floats(value: Any) -> None:
    assert not isinstance(value, float)
    if isinstance(value, dict):
        for item in value.values():
            _no_floats(item)
    elif isinstance(value, list):
        for item in value:
            _no_floats(item)


def test_round_trip_through_json_is_lossless() -> None:
    ex = new()
    _scenario(ex)
    saved = json.loads(json.dumps(ex.to_dict()))
    _no_floats(saved)
    again = Exchange.from_dict(saved)
    assert again.to_dict() == ex.to_dict()
    assert again.state() == ex.state()
    # and it goes on behaving the same
    for copy in (ex, again):
        move_result = copy.set_price(BTC, D("61000"), None, T0 + 5000)
        assert move_result is None
    assert again.to_dict() == ex.to_dict()


def test_round_trip_keeps_books_partial_orders_the_clock_and_funding() -> None:
    ex = new()
    book(ex, [("64990", 5)], [("65010", 3), ("65030", 9)])
    limit(ex, 1, 10, "65010")  # 3 filled, 7 resting
    ex.set_funding_rate(BTC, D("-0.0002"), T0)
    advance(ex, 9 * 3600 * 1000)
    saved = json.loads(json.dumps(ex.to_dict()))
    _no_floats(saved)
    again = Exchange.from_dict(saved)
    assert again.to_dict() == ex.to_dict()
    assert again.state(T0) == ex.state(T0)
    assert again.state(T0)["books"][BTC]["asks"] == [["65030", "9"]]
    for copy in (ex, again):
        move(copy, "64000")
    assert again.to_dict() == ex.to_dict()


def test_a_state_saved_before_books_and_the_clock_loads_and_trades_on() -> None:
    saved = json.loads(OLD_STATE.read_text())
    assert "depth" not in saved["book"] and "time_offset_ms" not in saved["book"]
    ex = Exchange.from_dict(saved)
    state = ex.state(T0)
    assert (state["books"], state["time_offset_ms"], state["time"]) == ({}, 0, T0)
    assert sorted((p["side"], p["size"]) for p in state["positions"]) == [("long", 5), ("short", 1)]
    assert {o["client_order_id"] for o in get(ex, "get-open-orders", symbol=BTC)} == {"rest1"}
    book(ex, [("63990", 1)], [("64000", 2)])  # the old resting buy at 64000 fills partly
    (resting,) = get(ex, "get-open-orders", symbol=BTC)
    assert (resting["deal_size"], resting["size"], resting["state"]) == ("2", "3", 2)
    moved = advance(ex, 8 * 3600 * 1000)
    assert {p["symbol"] for p in moved["funding"]} == {BTC}
    assert Exchange.from_dict(json.loads(json.dumps(ex.to_dict()))).to_dict() == ex.to_dict()


@pytest.mark.parametrize(
    "corrupt",
    [
        {},
        {"format": "something-else", "version": 1, "book": {}},
        {"format": "bitmart-runner-sim-backend", "version": 99, "book": {}},
        FakeExchange.new(now_ms=T0).to_dict(),
    ],
)
def test_foreign_dicts_are_refused(corrupt: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="backend state"):
        Exchange.from_dict(corrupt)


@pytest.mark.parametrize(
    ("where", "value", "problem"),
    [
        ("cash", "abc", "not a decimal"),
        ("cash", 12, "expected a decimal string"),
        ("cash", "NaN", "not finite"),
        ("seed", "0", "expected int"),
        ("position_mode", None, "expected str"),
        ("unexpected", 1, "unknown fields"),
        ("prices", {"DOGEUSDT": {"last": "1", "mark": "1"}}, "unknown symbols"),
        ("orders", {"1": {"order_id": "1"}}, "Order: "),
    ],
)
def test_corrupt_books_are_refused(where: str, value: Any, problem: str) -> None:
    saved = new().to_dict()
    saved["book"][where] = value
    with pytest.raises(ValueError, match=problem):
        Exchange.from_dict(json.loads(json.dumps(saved)))


def test_same_requests_and_seed_give_the_same_state() -> None:
    first, second = new(seed=7), new(seed=7)
    _scenario(first)
    _scenario(second)
    assert first.to_dict() == second.to_dict()
    assert get(first, "/contract/public/depth", symbol=BTC) == get(
        second, "/contract/public/depth", symbol=BTC
    )


def test_filler_market_data_follows_the_seed() -> None:
    depth = [get(new(seed=s), "/contract/public/depth", symbol=BTC) for s in (1, 2)]
    assert depth[0]["asks"][0][0] == depth[1]["asks"][0][0]  # prices come from the state
    assert depth[0] != depth[1]  # the filler quantities from the seed


def test_state_view_lists_everything_as_plain_json() -> None:
    ex = new()
    _scenario(ex)
    state = ex.state()
    _no_floats(json.loads(json.dumps(state)))
    assert state["position_mode"] == "hedge_mode"
    # the plan fired at 66500 (a short of 1); the trailing stop closed 5 of the long at 66000
    assert sorted((p["side"], p["size"]) for p in state["positions"]) == [
        ("long", 5),
        ("short", 1),
    ]
    assert {o["client_order_id"] for o in state["orders"]} >= {"s1", "s2"}
    assert {p["kind"] for p in state["plan_orders"]} == {
        "take_profit",
        "stop_loss",
        "plan",
        "trailing",
    }
    assert state["transfers"][0]["amount"] == "500"
    assert state["prices"][BTC] == {"last": "66000", "mark": "66000"}
    assert state["settings"][BTC] == {"leverage": "10", "open_type": "isolated"}
    assert state["settings"]["SOLUSDT"] == {"leverage": "20", "open_type": "cross"}  # default
    futures = state["balances"]["futures"]
    assert set(futures) >= {"available", "frozen", "position_margin", "unrealized", "equity"}


def test_mutates_is_true_for_writes_only() -> None:
    ex = new()
    assert ex.mutates("POST", "/contract/private/submit-order")
    assert ex.mutates("POST", "/account/v1/transfer-contract")
    assert not ex.mutates("POST", "/account/v1/transfer-contract-list")
    assert not ex.mutates("GET", "/contract/private/assets-detail")
    assert not ex.mutates("GET", "/nowhere")


def test_unknown_paths_are_30000() -> None:
    with pytest.raises(SimError) as info:
        new().dispatch("GET", "/spot/v1/transfer-contract", {}, T0)
    assert (info.value.code, info.value.http_status) == (30000, 404)
    with pytest.raises(SimError):
        new().dispatch("GET", "/contract/private/submit-order", {}, T0)


_OPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["market", "limit", "close", "price", "cancel", "mode", "book", "clock", "rate"]
        ),
        st.integers(1, 4),
        st.integers(1, 40),
        st.integers(-60, 60),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(ops=_OPS)
def test_balances_always_add_up(ops: list[tuple[str, int, int, int]]) -> None:
    """The wallet equals the ledger's sum, and available + frozen + margin for isolated
    positions; sizes never go negative; an order's fills add up to what it reports filled;
    a round trip always reproduces the state."""
    ex = new("3000")
    last = D("65000")
    for kind, side, size, offset in ops:
        try:
            if kind == "market":
                market(ex, side, size)
            elif kind == "limit":
                limit(ex, side, size, str(last + offset * 100))
            elif kind == "close":
                market(ex, 3 if side < 3 else 2, size)
            elif kind == "price":
                last = last + offset * 50
                move(ex, str(last))
            elif kind == "cancel":
                post(ex, "cancel-orders", symbol=BTC)
            elif kind == "book":
                spread = 10 * side
                book(ex, [(str(last - spread), size)], [(str(last + spread + offset % 5), size)])
            elif kind == "clock":
                advance(ex, size * 3600 * 1000)
            elif kind == "rate":
                ex.set_funding_rate(BTC, D(offset) / 2000, T0)
            else:
                mode = "one_way_mode" if side % 2 else "hedge_mode"
                post(ex, "set-position-mode", position_mode=mode)
        except SimError:
            pass
        state = ex.book
        assert state.cash == sum((e.amount for e in state.ledger), D(0))
        futures = ex.state()["balances"]["futures"]
        parts = D(futures["available"]) + D(futures["frozen"]) + D(futures["position_margin"])
        assert D(futures["wallet"]) == parts
        assert all(p.size > 0 for p in state.positions.values())
        for order in state.orders.values():
            fills = [f for f in state.fills if f.order_id == order.order_id]
            assert 0 <= order.filled <= order.size
            assert sum(f.size for f in fills) == order.filled
            assert sum((f.price * f.size for f in fills), D(0)) == order.filled_value
    assert Exchange.from_dict(json.loads(json.dumps(ex.to_dict()))).to_dict() == ex.to_dict()
