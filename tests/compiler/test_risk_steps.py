"""Issue 14 (second pass): every target step remembers what it said when last applied, so a
risk-raising change from an unchanged tp_sl, cancel or plan_order step is drift, and an edited
one is the author's intent."""

from __future__ import annotations

from decimal import Decimal as D

from runner.compiler.actions import CancelTrigger, ModifyTpSl, SubmitPlanOrder
from runner.compiler.compile import compile_plan
from runner.compiler.intents import (
    CancelIntent,
    Entry,
    Intent,
    PlanOrderIntent,
    TpSlIntent,
    Trigger,
)
from runner.compiler.lifecycle import Lifecycle, intent_hash
from runner.compiler.result import PlanResult
from runner.compiler.risk import Why
from runner.domain import CancelWhat, Margin, PosSide, PriceSource

from .fixtures import long_btc, sl_order, snapshot
from .test_compile import IDS, plan

STOP_63700 = TpSlIntent(
    index=0,
    key="#1",
    kind="tp_sl",
    symbol="BTCUSDT",
    side=PosSide.LONG,
    stop_loss=Trigger(PriceSource.MARK, price=D(63700)),
)


def remembered(*intents: Intent, edited: bool = False) -> Lifecycle:
    return Lifecycle(
        {}, definitions={i.key: "0" * 16 if edited else intent_hash(i) for i in intents}
    )


def _risks(result: PlanResult) -> list[tuple[str, Why]]:
    return [(r.what, r.why) for s in result.steps for r in s.risks]


def test_a_step_hash_covers_every_kind_and_ignores_its_place() -> None:
    moved = TpSlIntent(
        index=4,
        key="#5",
        kind="tp_sl",
        symbol="BTCUSDT",
        side=PosSide.LONG,
        stop_loss=Trigger(PriceSource.MARK, price=D(63700)),
    )
    assert intent_hash(moved) == intent_hash(STOP_63700)
    assert remembered(STOP_63700).changed(moved) is False  # the same step, renumbered
    other = TpSlIntent(
        index=0,
        key="#1",
        kind="tp_sl",
        symbol="BTCUSDT",
        side=PosSide.LONG,
        stop_loss=Trigger(PriceSource.MARK, price=D(63800)),
    )
    assert remembered(STOP_63700).changed(other) is True
    assert Lifecycle({}).changed(STOP_63700) is None  # never applied: the author's new step


def test_an_unchanged_tp_sl_step_keeps_a_stop_tightened_by_hand() -> None:
    tightened = snapshot(futures="100", positions=(long_btc(),), triggers=(sl_order("65500"),))
    kept = compile_plan(plan(STOP_63700), tightened, IDS, lifecycle=remembered(STOP_63700))
    assert kept.actions == ()
    assert any(n.startswith("drift kept") for n in kept.steps[0].notes)
    allowed = compile_plan(
        plan(STOP_63700),
        tightened,
        IDS,
        lifecycle=remembered(STOP_63700),
        allow_risk_increase=True,
    )
    (move,) = allowed.actions
    assert isinstance(move, ModifyTpSl) and move.protection.trigger == D(63700)
    assert _risks(allowed) == [("loosens the BTCUSDT stop-loss 65500 -> 63700", Why.DRIFT)]
    edited = compile_plan(
        plan(STOP_63700), tightened, IDS, lifecycle=remembered(STOP_63700, edited=True)
    )
    assert _risks(edited) == [("loosens the BTCUSDT stop-loss 65500 -> 63700", Why.INTENT)]
    assert not edited.has_drift


def test_an_unchanged_cancel_step_removing_a_hand_placed_stop_is_drift() -> None:
    cancel = CancelIntent(index=0, key="#1", kind="cancel", symbol="BTCUSDT", what=CancelWhat.ALL)
    placed = snapshot(futures="100", positions=(long_btc(),), triggers=(sl_order("65500"),))
    result = compile_plan(plan(cancel), placed, IDS, lifecycle=remembered(cancel))
    assert isinstance(result.actions[0], CancelTrigger)
    assert _risks(result) == [("removes the BTCUSDT stop-loss 65500", Why.DRIFT)]
    (refusal,) = result.drift_refusals()
    assert "removes the BTCUSDT stop-loss 65500" in refusal.message
    first = compile_plan(plan(cancel), placed, IDS)
    assert _risks(first) == [("removes the BTCUSDT stop-loss 65500", Why.INTENT)]


def test_an_unchanged_tp_sl_step_removing_a_hand_placed_stop_is_drift() -> None:
    no_stop = TpSlIntent(
        index=0, key="#1", kind="tp_sl", symbol="BTCUSDT", side=PosSide.LONG, stop_loss=None
    )
    placed = snapshot(futures="100", positions=(long_btc(),), triggers=(sl_order("65500"),))
    result = compile_plan(plan(no_stop), placed, IDS, lifecycle=remembered(no_stop))
    assert _risks(result) == [("removes the BTCUSDT stop-loss 65500", Why.DRIFT)]


def test_an_unchanged_plan_order_step_placing_its_order_again_is_drift() -> None:
    dip = PlanOrderIntent(
        index=0,
        key="dip",
        kind="plan_order",
        symbol="ETHUSDT",
        side=PosSide.LONG,
        reduce_only=False,
        size=D(5),
        trigger=D(3400),
        source=PriceSource.LAST,
        direction=None,
        entry=Entry(),
        leverage=D(5),
        margin=Margin.CROSS,
    )
    result = compile_plan(plan(dip), snapshot(futures="1000"), IDS, lifecycle=remembered(dip))
    assert isinstance(result.actions[0], SubmitPlanOrder)
    assert _risks(result) == [("a plan order may open 5 ETHUSDT", Why.DRIFT)]


def test_a_dry_run_reports_drift_as_warnings_or_as_accepted() -> None:
    cancel = CancelIntent(index=0, key="#1", kind="cancel", symbol="BTCUSDT", what=CancelWhat.ALL)
    placed = snapshot(futures="100", positions=(long_btc(),), triggers=(sl_order("65500"),))
    refused = compile_plan(plan(cancel), placed, IDS, lifecycle=remembered(cancel))
    (notice,) = refused.drift_notices()
    assert notice.rule == "risk-drift" and notice.severity.value == "warning"
    assert "apply --yes would refuse it" in notice.message
    allowed = compile_plan(
        plan(cancel), placed, IDS, lifecycle=remembered(cancel), allow_risk_increase=True
    )
    (accepted,) = allowed.drift_notices()
    assert accepted.rule == "risk-drift-accepted" and "accepted" in accepted.message
    assert compile_plan(plan(cancel), placed, IDS).drift_notices() == []  # a new step: intent
