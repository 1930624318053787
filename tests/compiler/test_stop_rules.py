"""Stop rules: a filled ladder level moves the stop to break-even or to an earlier level."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from runner.compiler.actions import ModifyTpSl
from runner.compiler.ctx import LevelFill
from runner.compiler.estimates import breakeven_price
from runner.compiler.intents import PositionIntent, Trigger
from runner.compiler.snapshot import Market, Snapshot
from runner.domain import PosSide, PriceSource
from runner.plan.model import StopRule

from .fixtures import long_btc, sl_order, snapshot
from .test_ladder import THREE, compile_one, ladder_step, level_order

RULES = (StopRule(1, None), StopRule(2, 1))
FILL1 = LevelFill(D("68340"), D(3), "2026-12-01 10:00:00")
FILL2 = LevelFill(D("69680"), D(3), "2026-12-01 11:00:00")


def step() -> PositionIntent:
    return replace(
        ladder_step(*THREE),
        stop_loss=Trigger(PriceSource.MARK, percent=D(-3)),
        stop_rules=RULES,
    )


def account(size: str, *levels: int, stop: str = "64990", mark: str = "67000") -> Snapshot:
    orders = {2: level_order(2, "69680", "3", "2"), 3: level_order(3, "71020", "4", "3")}
    snap = snapshot(
        positions=(long_btc(size=size),),
        triggers=(sl_order(stop), *(orders[n] for n in levels)),
    )
    return replace(snap, markets={**snap.markets, "BTCUSDT": Market(D(mark), D(mark))})


def test_nothing_filled_keeps_the_plans_stop() -> None:
    result = compile_one(
        step(),
        snapshot(
            positions=(long_btc(),),
            triggers=(
                sl_order("64990"),
                level_order(1, "68340", "3", "1"),
                level_order(2, "69680", "3", "2"),
                level_order(3, "71020", "4", "3"),
            ),
        ),
    )
    assert result.actions == ()


def test_tp1_filled_moves_the_stop_to_breakeven_and_says_why() -> None:
    result = compile_one(step(), account("7", 2, 3, mark="68400"), {"swing": {1: FILL1}})
    (move,) = result.actions
    breakeven = breakeven_price(D(67000), PosSide.LONG, D("0.0006"), D("0.1"))
    assert breakeven == D("67080.4")
    assert isinstance(move, ModifyTpSl) and move.protection.trigger == breakeven
    assert move.summary == (
        "move stop-loss 64990 -> 67080.4 (mark) on BTCUSDT long "
        "(breakeven: tp1 filled at 68340 on 2026-12-01 10:00:00)"
    )


def test_the_move_happens_once() -> None:
    result = compile_one(
        step(), account("7", 2, 3, stop="67080.4", mark="68400"), {"swing": {1: FILL1}}
    )
    assert result.actions == ()


def test_two_levels_filled_since_the_last_run_the_tightest_stop_wins() -> None:
    fills = {"swing": {1: FILL1, 2: FILL2}}
    result = compile_one(step(), account("4", 3, mark="69700"), fills)
    (move,) = result.actions
    assert isinstance(move, ModifyTpSl) and move.protection.trigger == D("68340")
    assert "(tp1: tp2 filled at 69680 on 2026-12-01 11:00:00)" in move.summary


def test_a_moved_stop_that_would_fire_at_once_stays_with_a_warning() -> None:
    result = compile_one(step(), account("7", 2, 3, mark="67000"), {"swing": {1: FILL1}})
    assert result.actions == ()
    assert [f.rule for f in result.findings] == ["stop-rule-would-fire"]
