"""A target a later step of the same plan undoes is a plan-time warning (PRODUCT.md section 5:
"every re-apply would change it again").  Pure: plain intents and snapshots."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from runner.compiler.actions import OrderIds
from runner.compiler.compile import compile_plan
from runner.compiler.intents import (
    CloseIntent,
    Intent,
    LeverageIntent,
    ModeIntent,
    OpenIntent,
    PlanIntents,
    Policy,
    TpSlIntent,
    Trigger,
)
from runner.compiler.undone import undone_targets
from runner.domain import Margin, Mode, PosSide, PriceSource
from runner.findings import Severity

from .fixtures import reference_position, snapshot

IDS = OrderIds("btc-swing", nonce="abc123")


def _leverage(index: int, leverage: int, margin: Margin = Margin.ISOLATED) -> LeverageIntent:
    return LeverageIntent(
        index=index,
        key=f"#{index + 1}",
        kind="leverage",
        symbol="BTCUSDT",
        leverage=D(leverage),
        margin=margin,
    )


def _mode(index: int, mode: Mode) -> ModeIntent:
    return ModeIntent(index=index, key=f"#{index + 1}", kind="position_mode", mode=mode)


def _close(index: int) -> CloseIntent:
    return CloseIntent(
        index=index,
        key=f"#{index + 1}",
        kind="close",
        symbol="BTCUSDT",
        side=PosSide.LONG,
        size=D(2),
    )


def _tp_sl(index: int, stop: str) -> TpSlIntent:
    return TpSlIntent(
        index=index,
        key=f"#{index + 1}",
        kind="tp_sl",
        symbol="BTCUSDT",
        side=PosSide.LONG,
        stop_loss=Trigger(PriceSource.MARK, price=D(stop)),
    )


def _open(index: int) -> OpenIntent:
    return OpenIntent(
        index=index,
        key=f"#{index + 1}",
        kind="open",
        symbol="BTCUSDT",
        side=PosSide.LONG,
        size=D(2),
        leverage=D(10),
        margin=Margin.ISOLATED,
    )


def _undone_steps(*intents: Intent) -> list[str]:
    return [f.message.split(" ")[1] for f in undone_targets(intents)]


@pytest.mark.parametrize(
    ("intents", "undone_by"),
    [
        ((_leverage(0, 10), _leverage(1, 20)), ["2"]),
        ((_leverage(0, 10), _leverage(1, 10, Margin.CROSS)), ["2"]),
        ((_mode(0, Mode.ONE_WAY), _mode(1, Mode.HEDGE)), ["2"]),
        ((_leverage(0, 20), reference_position(index=1, key="#2")), ["2"]),  # the position's 10x
        ((reference_position(index=0, key="#1"), _close(1)), ["2"]),
        ((reference_position(index=0, key="#1"), _open(1)), ["2"]),
        ((reference_position(index=0, key="#1"), _tp_sl(1, "60000")), ["2"]),
        ((_tp_sl(0, "60000"), _tp_sl(1, "61000")), ["2"]),
    ],
)
def test_a_target_a_later_step_changes_is_named(
    intents: tuple[Intent, ...], undone_by: list[str]
) -> None:
    assert _undone_steps(*intents) == undone_by


@pytest.mark.parametrize(
    "intents",
    [
        (_leverage(0, 10), _leverage(1, 10)),  # the same wish twice changes nothing
        (_leverage(0, 10), reference_position(index=1, key="#2")),  # 10x isolated both
        (reference_position(index=0, key="#1", leverage=None, margin=None), _leverage(1, 20)),
        (_close(0), reference_position(index=1, key="#2")),  # an action before its target
        (reference_position(index=0, key="#1"), reference_position(index=1, side=PosSide.SHORT)),
        (_mode(0, Mode.HEDGE), _leverage(1, 10)),
    ],
)
def test_steps_that_agree_or_touch_other_facts_are_not_warned(
    intents: tuple[Intent, ...],
) -> None:
    assert undone_targets(intents) == []


def test_the_compiler_reports_it_as_a_warning_on_the_earlier_step() -> None:
    plan = PlanIntents(
        "btc-swing", "hash", "plans/x.yaml", (_leverage(0, 10), _leverage(1, 20)), Policy()
    )
    result = compile_plan(plan, snapshot(), IDS)
    (warning,) = [f for f in result.findings if f.rule == "target-undone-later"]
    assert warning.severity is Severity.WARNING
    assert "changes the leverage of BTCUSDT" in warning.message
    assert not result.has_errors  # a warning: plan and apply still run
