"""Issue 14 finding 9: ensure_balance converges in one apply (the next plan transfers nothing)."""

from __future__ import annotations

from decimal import Decimal as D

from runner.compiler.actions import Transfer
from runner.compiler.compile import compile_plan
from runner.compiler.intents import KEEP, BalanceIntent, PositionIntent
from runner.compiler.result import PlanResult
from runner.compiler.snapshot import Snapshot
from runner.domain import Margin, PosSide

from .fixtures import snapshot
from .test_compile import IDS, plan, reference_position


def _balance(min_available: str) -> BalanceIntent:
    return BalanceIntent(index=0, key="#1", kind="ensure_balance", min_available=D(min_available))


def _transfers(result: PlanResult) -> list[D]:
    return [a.amount for a in result.actions if isinstance(a, Transfer)]


def _applied(before: Snapshot, result: PlanResult) -> Snapshot:
    """The account as the plan predicts it, read again (what the next run starts from)."""
    return result.predicted


def test_a_wallet_above_the_minimum_still_tops_up_what_later_steps_take() -> None:
    # 600 available, minimum 580; the open takes 67 margin + 0.402 fee: 532.6 would be left
    result = compile_plan(plan(_balance("580"), reference_position()), snapshot(futures="600"), IDS)
    assert _transfers(result) == [D(48)]
    assert result.predicted.balances.futures_available >= D(580)
    assert not [f for f in result.findings if f.rule == "target-undone-later"]


def _two_positions() -> tuple[PositionIntent, PositionIntent]:
    btc = reference_position(size=D(19), take_profit=KEEP, stop_loss=KEEP)
    eth = reference_position(
        index=2,
        key="#3",
        symbol="ETHUSDT",
        side=PosSide.LONG,
        size=D(36),
        leverage=D(10),
        margin=Margin.ISOLATED,
        take_profit=KEEP,
        stop_loss=KEEP,
    )
    return btc, eth


def test_two_positions_reserve_what_both_use_with_fees() -> None:
    btc, eth = _two_positions()
    result = compile_plan(plan(_balance("200"), btc, eth), snapshot(futures="0"), IDS)
    assert not result.has_errors, result.findings
    # 127.3 + 0.7638 and 126 + 0.756 are used: 254.82 on top of the 200
    assert _transfers(result) == [D(455)]
    final = result.predicted.balances.futures_available
    assert final >= D(200)
    again = compile_plan(plan(_balance("200"), btc, eth), _applied(snapshot(), result), IDS)
    assert _transfers(again) == []


def test_no_promise_beside_a_warning_that_breaks_it() -> None:
    # spot funds both positions but not the minimum on top: the plan ends below 200
    result = compile_plan(
        plan(_balance("200"), *_two_positions()), snapshot(futures="0", spot="400"), IDS
    )
    assert not result.has_errors
    assert [f for f in result.findings if f.rule == "target-undone-later"]
    assert not any("stays available" in note for s in result.steps for note in s.notes)
