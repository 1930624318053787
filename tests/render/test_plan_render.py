"""Renderers on fixed snapshots: the text diff and --json come from the same result."""

from __future__ import annotations

import json
from decimal import Decimal as D

from runner import DISCLAIMER
from runner.compiler.actions import OrderIds
from runner.compiler.compile import compile_plan
from runner.compiler.intents import BalanceIntent, Entry, PlanIntents, PositionIntent, Trigger
from runner.domain import Margin, PosSide, PriceSource
from runner.render.plan_text import render_plan
from runner.render.reporter import envelope
from runner.render.style import Style
from runner.render.views.plan import PlanView
from tests.compiler.fixtures import long_btc, sl_order, snapshot, tp_order

POSITION = PositionIntent(
    index=1,
    key="#2",
    kind="position",
    symbol="BTCUSDT",
    side=PosSide.LONG,
    size=D(10),
    leverage=D(10),
    margin=Margin.ISOLATED,
    entry=Entry(),
    take_profit=Trigger(PriceSource.LAST, price=D(72000)),
    stop_loss=Trigger(PriceSource.MARK, percent=D(-3)),
)
PLAN = PlanIntents(
    "btc-swing",
    "h",
    "plans/btc.yaml",
    (BalanceIntent(index=0, key="#1", kind="ensure_balance", min_available=D(500)), POSITION),
)
IDS = OrderIds("btc-swing")


def test_text_diff_of_the_reference_plan() -> None:
    text = render_plan(compile_plan(PLAN, snapshot(), IDS), Style(False))
    assert "step 1 [#1] ensure_balance" in text
    assert "futures available: 0 -> 568" in text
    assert "~ transfer 568 USDT spot -> futures" in text
    assert "includes 68 USDT the later steps of this plan use" in text
    assert "+ open long 10 BTCUSDT market 10x isolated" in text
    assert "size: 0 -> 10" in text
    assert "take-profit: - -> 72000" in text
    assert "stop-loss: - -> 64990" in text
    assert "initial margin 67.00 USDT" in text
    assert "est. liquidation price" in text
    assert "Plan: 2 changes (1 order, 0 TP/SL, 1 transfer, 0 settings)" in text
    assert "warning" not in text  # the top-up covers the open: nothing undoes the target
    assert text.endswith(DISCLAIMER)
    assert "\x1b[" not in text


def test_no_changes_message() -> None:
    snap = snapshot(
        futures="900",
        positions=(long_btc(entry="66800"),),
        triggers=(tp_order("72000"), sl_order("64796.0")),
    )
    text = render_plan(
        compile_plan(PlanIntents("p", "h", "x.yaml", (POSITION,)), snap, IDS), Style(False)
    )
    assert "No changes. The account matches the plan." in text
    assert "= step 2 [#2] position" in text


def test_colour_only_when_enabled() -> None:
    text = render_plan(compile_plan(PLAN, snapshot(), IDS), Style(True))
    assert "\x1b[" in text


def test_json_document_is_versioned_and_carries_requests_and_findings() -> None:
    doc = envelope(PlanView(), compile_plan(PLAN, snapshot(), IDS), exit_code=2)
    json.dumps(doc)  # serialisable as is
    assert (doc["format_version"], doc["kind"], doc["exit_code"]) == (1, "plan", 2)
    assert doc["valid"] is True
    assert doc["changes"] is True
    assert doc["summary"] == {"orders": 1, "tp_sl": 0, "transfers": 1, "settings": 0}
    order = doc["steps"][1]["requests"][0]
    assert order["path"] == "/contract/private/submit-order"
    assert order["body"]["preset_stop_loss_price"] == "64990"
    assert doc["steps"][1]["estimate"]["initial_margin"] == "67"
    assert doc["findings"] == []
    assert doc["predicted"]["positions"][0]["size"] == "10"
