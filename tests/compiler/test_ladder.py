"""Take-profit ladders: one fixed-quantity TP order per level, converged like any target."""

from __future__ import annotations

from decimal import Decimal as D

from runner.compiler.actions import CancelTrigger, ModifyTpSl, OrderIds, SubmitOrder, SubmitTpSl
from runner.compiler.compile import compile_plan
from runner.compiler.ctx import LevelFill
from runner.compiler.intents import LadderLevel, PlanIntents, Policy, PositionIntent, Trigger
from runner.compiler.snapshot import TriggerOrder
from runner.domain import Margin, OrderSide, PosSide, PriceSource, TpSlScope, TriggerKind
from runner.exchange.requests import request_for

from .fixtures import long_btc, snapshot

IDS = OrderIds("btc-swing", nonce="abc123")
LAST = PriceSource.LAST


def ladder_step(*levels: LadderLevel, size: str = "10") -> PositionIntent:
    return PositionIntent(
        index=0,
        key="swing",
        kind="position",
        symbol="BTCUSDT",
        side=PosSide.LONG,
        size=D(size),
        leverage=D(10),
        margin=Margin.ISOLATED,
        take_profit=None,
        ladder=levels,
    )


THREE = (
    LadderLevel(Trigger(LAST, percent=D(2)), percent=D(33)),
    LadderLevel(Trigger(LAST, percent=D(4)), size=D(3)),
    LadderLevel(Trigger(LAST, percent=D(6))),
)


def level_order(level: int, trigger: str, size: str, order_id: str) -> TriggerOrder:
    return TriggerOrder(
        order_id,
        IDS.make("swing", str(level)),
        "BTCUSDT",
        TriggerKind.TAKE_PROFIT,
        OrderSide.CLOSE_LONG,
        D(size),
        D(trigger),
        D(0),
        LAST,
        None,
        TpSlScope.PARTIAL,
        "market",
        D(0),
        None,
    )


def compile_one(intent: PositionIntent, snap: object, fills: object = None):  # type: ignore[no-untyped-def]
    plan = PlanIntents("btc-swing", "hash", "plans/x.yaml", (intent,), Policy())
    return compile_plan(plan, snap, IDS, ladder_fills=fills)  # type: ignore[arg-type]


def test_opening_from_flat_places_every_level_after_the_open() -> None:
    result = compile_one(ladder_step(*THREE), snapshot(futures="1000"))
    assert not result.has_errors, result.findings
    opening, *levels = result.actions
    assert isinstance(opening, SubmitOrder) and opening.take_profit is None
    assert [(a.level, a.size, a.protection.trigger) for a in levels] == [  # type: ignore[attr-defined]
        (1, D(3), D("68340")),  # 67000 * 1.02, 33% of 10 rounded down
        (2, D(3), D("69680")),
        (3, D(4), D("71020")),  # the rest
    ]
    body = request_for(levels[0]).body
    assert body["plan_category"] == 1 and body["size"] == 3 and body["type"] == "take_profit"
    assert body["client_order_id"] == IDS.make("swing", "1")


def test_a_ladder_in_place_is_unchanged() -> None:
    snap = snapshot(
        positions=(long_btc(),),
        triggers=(
            level_order(1, "68340", "3", "1"),
            level_order(2, "69680", "3", "2"),
            level_order(3, "71020", "4", "3"),
        ),
    )
    result = compile_one(ladder_step(*THREE), snap)
    assert result.actions == ()
    levels = result.steps[0].estimate.levels  # type: ignore[union-attr]
    # 3 contracts of 0.001 BTC from 67000 to 68340: 4.02 gross, less open and close taker fees
    assert levels[0].pnl == (D("4.02") - D("0.0006") * (D("201") + D("205.02"))).quantize(D("0.01"))
    assert [lv.level for lv in levels] == [1, 2, 3]


def test_levels_converge_moved_resized_surplus() -> None:
    snap = snapshot(
        positions=(long_btc(),),
        triggers=(
            level_order(1, "68000", "3", "1"),  # trigger moved: modify
            level_order(2, "69680", "2", "2"),  # size changed: cancel, then place
            level_order(3, "71020", "4", "3"),
            level_order(4, "72000", "1", "4"),  # no such level any more: cancel
        ),
    )
    result = compile_one(ladder_step(*THREE), snap)
    kinds = [
        (type(a).__name__, getattr(a, "order_id", getattr(a, "level", None)))
        for a in result.actions
    ]
    assert kinds == [
        ("ModifyTpSl", "1"),
        ("CancelTrigger", "2"),
        ("SubmitTpSl", 2),
        ("CancelTrigger", "4"),
    ]
    modify = result.actions[0]
    assert isinstance(modify, ModifyTpSl) and request_for(modify).body["plan_category"] == 1


def test_filled_levels_are_not_replaced_and_the_step_shrinks() -> None:
    snap = snapshot(
        positions=(long_btc(size="7"),),
        triggers=(level_order(2, "69680", "3", "2"), level_order(3, "71020", "4", "3")),
    )
    fills = {"swing": {1: LevelFill(D("68340"), D(3), "2026-12-01 10:00:00")}}
    result = compile_one(ladder_step(*THREE), snap, fills)
    assert result.actions == ()  # no re-buy of the 3 closed contracts, no level 1 again
    assert "take-profit level 1 filled at 68340 on 2026-12-01 10:00:00" in result.steps[0].notes


def test_a_filled_level_left_resting_elsewhere_is_cancelled() -> None:
    snap = snapshot(
        positions=(long_btc(size="7"),),
        triggers=(
            level_order(1, "68340", "3", "9"),
            level_order(2, "69680", "3", "2"),
            level_order(3, "71020", "4", "3"),
        ),
    )
    fills = {"swing": {1: LevelFill(D("68340"), D(3), "2026-12-01 10:00:00")}}
    result = compile_one(ladder_step(*THREE), snap, fills)
    assert [type(a) for a in result.actions] == [CancelTrigger]


def test_levels_from_a_notional_are_checked_live() -> None:
    step = PositionIntent(
        index=0,
        key="swing",
        kind="position",
        symbol="BTCUSDT",
        side=PosSide.LONG,
        notional=D(200),  # 2 contracts at 67000
        leverage=D(10),
        margin=Margin.ISOLATED,
        take_profit=None,
        ladder=(LadderLevel(Trigger(LAST, percent=D(2)), percent=D(25)), THREE[2]),
    )
    result = compile_one(step, snapshot(futures="1000"))
    assert [f.rule for f in result.findings] == ["ladder-level-zero"]


def test_a_position_closed_by_hand_is_topped_up_to_the_size_less_the_fired_levels() -> None:
    snap = snapshot(futures="1000", positions=(long_btc(size="4"),))
    fills = {"swing": {1: LevelFill(D("68340"), D(3), "2026-12-01 10:00:00")}}
    step = ladder_step(*THREE)
    result = compile_one(step, snap, fills)
    # the step now holds 7 (10 less level 1): the position is topped up, then levels 2-3 fit
    assert not result.has_errors
    assert isinstance(result.actions[0], SubmitOrder) and result.actions[0].size == D(3)
    assert all(isinstance(a, SubmitTpSl) for a in result.actions[1:])
