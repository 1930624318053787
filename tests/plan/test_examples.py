"""The example plans users copy from: valid, schema-linked, and covering every step kind."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from runner.plan import load_plan, validate_file
from runner.plan.model import (
    EnsureBalanceStep,
    MarginMode,
    PositionStep,
    PriceLevel,
    PriceType,
    Side,
    Trigger,
)
from runner.plan.phrases import KINDS

EXAMPLES = Path(__file__).resolve().parents[2] / "plans" / "examples"
REQUIRED = {
    "btc-long.yaml",
    "hedge-both-sides.yaml",
    "eth-dip-buy.yaml",
    "close-and-cancel.yaml",
    "fund-and-leverage.yaml",
    "tp-sl-only.yaml",
    "open-action.yaml",
}
MODELINE = "# yaml-language-server: $schema=../../schemas/plan.schema.json"


def examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml"))


def test_the_documented_examples_exist() -> None:
    assert {p.name for p in examples()} >= REQUIRED


@pytest.mark.parametrize("path", examples(), ids=lambda p: p.name)
def test_example_is_valid_and_links_the_schema(path: Path) -> None:
    assert path.read_text().splitlines()[0] == MODELINE
    assert (path.parent / "../../schemas/plan.schema.json").resolve().is_file()
    plan, findings = validate_file(path)
    assert findings == []
    assert plan is not None
    assert plan.name == path.stem


def test_examples_cover_every_step_kind() -> None:
    kinds = {step.kind for path in examples() for step in load_plan(path).steps}
    assert kinds == set(KINDS)


def test_btc_long_is_the_reference_plan() -> None:
    balance, position = load_plan(EXAMPLES / "btc-long.yaml").steps
    assert isinstance(balance, EnsureBalanceStep)
    assert isinstance(position, PositionStep)
    assert (position.symbol, position.side, position.size) == ("BTCUSDT", Side.LONG, Decimal(10))
    assert (position.leverage, position.margin) == (Decimal(10), MarginMode.ISOLATED)
    assert position.take_profit == Trigger(PriceLevel(price=Decimal(72000)), PriceType.LAST)
    assert position.stop_loss == Trigger(PriceLevel(percent=Decimal(-3)), PriceType.MARK)


def test_funding_examples_are_flagged_for_the_demo_exchange() -> None:
    _, findings = validate_file(EXAMPLES / "fund-and-leverage.yaml", target_kind="demo")
    assert {f.rule for f in findings} == {"no-transfers-on-demo"}
