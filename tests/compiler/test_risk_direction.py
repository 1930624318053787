"""Issue 14 findings 4, 5, 6 and the risk direction: intent is marked, drift is refused."""

from __future__ import annotations

from decimal import Decimal as D

from runner.compiler.actions import ModifyTpSl, SubmitOrder, Transfer
from runner.compiler.compile import compile_plan
from runner.compiler.intents import KEEP, PositionIntent, TransferIntent
from runner.compiler.lifecycle import Holding, Lifecycle, StepRecord, step_hash
from runner.compiler.result import PlanResult
from runner.compiler.risk import Why, classify
from runner.compiler.snapshot import Market, Snapshot
from runner.domain import Margin, PosSide

from .fixtures import long_btc, sl_order, snapshot
from .test_compile import IDS, plan, reference_position


def _record(intent: PositionIntent, size: str, *, edited: bool = False) -> Lifecycle:
    digest = "0" * 16 if edited else step_hash(intent)
    holding = Holding("BTCUSDT", PosSide.LONG, D(size), D(67000), since_ms=0)
    return Lifecycle({intent.key: StepRecord(intent.key, digest, "BTCUSDT", PosSide.LONG, holding)})


def _at(snap: Snapshot, price: str) -> Snapshot:
    return snap.evolve(markets={**snap.markets, "BTCUSDT": Market(D(price), D(price))})


def _risks(result: PlanResult) -> list[tuple[str, Why]]:
    return [(r.what, r.why) for s in result.steps for r in s.risks]


def test_classify() -> None:
    assert classify(None, is_action=False) is Why.INTENT  # a new step: the author's
    assert classify(True, is_action=False) is Why.INTENT  # edited since the last apply
    assert classify(False, is_action=True) is Why.INTENT  # an action runs by request
    assert classify(False, is_action=False) is Why.DRIFT


def test_a_notional_is_held_in_contracts_once_opened() -> None:
    intent = reference_position(size=None, notional=D(670), take_profit=KEEP, stop_loss=KEEP)
    held = _at(snapshot(futures="1000", positions=(long_btc(),)), "60000")
    # without a record the notional re-sizes on every move: 670 / 60 = 11 contracts
    resized = compile_plan(plan(intent), held, IDS)
    assert [a.size for a in resized.actions if isinstance(a, SubmitOrder)] == [D(1)]
    kept = compile_plan(plan(intent), held, IDS, lifecycle=_record(intent, "10"))
    assert kept.actions == ()
    assert any("held in contracts" in n for n in kept.steps[0].notes)


def test_rebalance_band_resizes_beyond_it_and_that_is_drift() -> None:
    intent = reference_position(
        size=None, notional=D(670), rebalance_band=D(5), take_profit=KEEP, stop_loss=KEEP
    )
    held = _at(snapshot(futures="1000", positions=(long_btc(),)), "60000")  # 600: 10.4% off
    result = compile_plan(plan(intent), held, IDS, lifecycle=_record(intent, "10"))
    assert [a.size for a in result.actions if isinstance(a, SubmitOrder)] == [D(1)]
    assert _risks(result) == [("opens 1 BTCUSDT long", Why.DRIFT)]
    assert result.has_drift
    (refusal,) = result.drift_refusals()
    assert refusal.rule == "risk-drift" and "opens 1 BTCUSDT long" in refusal.message
    within = reference_position(
        size=None, notional=D(670), rebalance_band=D(15), take_profit=KEEP, stop_loss=KEEP
    )
    quiet = compile_plan(plan(within), held, IDS, lifecycle=_record(within, "10"))
    assert quiet.actions == ()


def test_restoring_a_reduced_size_is_drift_and_an_edit_is_intent() -> None:
    intent = reference_position(take_profit=KEEP, stop_loss=KEEP)
    reduced = snapshot(futures="1000", positions=(long_btc(size="5"),))
    drift = compile_plan(plan(intent), reduced, IDS, lifecycle=_record(intent, "10"))
    assert _risks(drift) == [("opens 5 BTCUSDT long", Why.DRIFT)]
    edited = compile_plan(plan(intent), reduced, IDS, lifecycle=_record(intent, "10", edited=True))
    assert _risks(edited) == [("opens 5 BTCUSDT long", Why.INTENT)]
    assert not edited.has_drift
    allowed = compile_plan(
        plan(intent), reduced, IDS, lifecycle=_record(intent, "10"), allow_risk_increase=True
    )
    assert allowed.has_drift and allowed.allow_risk_increase


def test_a_stop_tightened_by_hand_is_kept_unless_allowed() -> None:
    intent = reference_position(take_profit=KEEP)  # stop -3% of 67000 = 64990
    tightened = snapshot(futures="100", positions=(long_btc(),), triggers=(sl_order("66000"),))
    kept = compile_plan(plan(intent), tightened, IDS, lifecycle=_record(intent, "10"))
    assert kept.actions == ()
    assert any(n.startswith("drift kept") for n in kept.steps[0].notes)
    loosened = compile_plan(
        plan(intent), tightened, IDS, lifecycle=_record(intent, "10"), allow_risk_increase=True
    )
    (move,) = loosened.actions
    assert isinstance(move, ModifyTpSl) and move.protection.trigger == D("64990.0")
    assert _risks(loosened) == [("loosens the BTCUSDT stop-loss 66000 -> 64990", Why.DRIFT)]
    # an edited step loosens it as asked: intent, marked
    edited = compile_plan(
        plan(intent), tightened, IDS, lifecycle=_record(intent, "10", edited=True)
    )
    assert _risks(edited) == [("loosens the BTCUSDT stop-loss 66000 -> 64990", Why.INTENT)]


def test_margin_moved_out_of_a_cross_account_is_marked() -> None:
    cross = snapshot(futures="1000", positions=(long_btc(margin=Margin.CROSS),))
    out = TransferIntent(index=0, key="#1", kind="transfer", amount=D(500), to_futures=False)
    result = compile_plan(plan(out), cross, IDS)
    assert isinstance(result.actions[0], Transfer)
    assert _risks(result) == [
        ("moves 500 USDT out of a cross account: liquidation comes closer", Why.INTENT)
    ]
    isolated = compile_plan(plan(out), snapshot(futures="1000", positions=(long_btc(),)), IDS)
    assert _risks(isolated) == []


def test_a_transfer_out_of_cross_says_how_far_liquidation_moves() -> None:
    cross = snapshot(futures="1000", positions=(long_btc(margin=Margin.CROSS),))
    out = TransferIntent(index=0, key="#1", kind="transfer", amount=D(900), to_futures=False)
    (note,) = compile_plan(plan(out), cross, IDS).steps[0].notes
    assert note.startswith("cross BTCUSDT long: est. liquidation price ")
    was, now = note.split("price ")[1].split(" (mark)")[0].split(" -> ")
    assert D(now) > D(was)  # a long's liquidation rises toward the entry
