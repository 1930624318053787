"""What compile produces: per-step results, the ordered actions, estimates, predicted state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from decimal import Decimal
from typing import Any

from runner.compiler.actions import Action, Category
from runner.compiler.risk import RiskChange, Why, drift_findings, drift_notices
from runner.compiler.snapshot import Snapshot
from runner.domain import Margin, PosSide
from runner.findings import Finding, Severity
from runner.values import value


@value
class LevelEstimate:
    """One take-profit level of a ladder: what it closes and the PnL net of fees when it fires."""

    level: int
    trigger: Decimal
    size: Decimal
    pnl: Decimal  # net of the open and close fees of the contracts it closes


@value
class Estimate:
    """Money figures for a position as the plan leaves it (computed in engine, shown by render).

    Every figure is already rounded by the one rule (``estimates.round_*``): prices to the tick,
    USDT to the cent, the liquidation price toward the entry.  ``open_fee`` is the fee on what
    this step trades (0 when it trades nothing); the PnL figures are net of the fee to open the
    whole position and the fee to close it at that trigger.  ``if_filled``: the step leaves a
    resting or conditional order, and these are the figures for when it fills.
    """

    symbol: str
    side: PosSide
    size: Decimal
    entry_price: Decimal
    leverage: Decimal
    margin: Margin
    notional: Decimal
    initial_margin: Decimal
    open_fee: Decimal
    liquidation_price: Decimal
    take_profit: Decimal | None
    stop_loss: Decimal | None
    pnl_at_take_profit: Decimal | None
    pnl_at_stop_loss: Decimal | None
    risk_reward: Decimal | None
    levels: tuple[LevelEstimate, ...] = ()
    if_filled: bool = False


@value
class StepResult:
    index: int
    key: str
    kind: str
    is_action: bool
    actions: tuple[Action, ...]
    findings: tuple[Finding, ...]
    before: Mapping[str, Any] = field(default_factory=dict)
    after: Mapping[str, Any] = field(default_factory=dict)
    estimate: Estimate | None = None
    notes: tuple[str, ...] = ()
    risks: tuple[RiskChange, ...] = ()  # changes that raise risk, and why (intent or drift)
    once_per: str | None = None  # an action step that runs at most once per day/week/month

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def status(self) -> str:
        if self.has_errors:
            return "error"
        return "change" if self.actions else "unchanged"


@value
class PlanResult:
    name: str
    plan_hash: str
    path: str
    target: str
    steps: tuple[StepResult, ...]
    before: Snapshot
    predicted: Snapshot
    findings: tuple[Finding, ...]  # every step's findings plus plan-level ones, in order
    # symbol -> age in seconds of a fee tier reused from the runner home (read this run: absent)
    fee_ages: Mapping[str, int] = field(default_factory=dict)
    # symbols whose estimates use the standard fee tier: their rates were not read this run
    fee_standard: tuple[str, ...] = ()
    allow_risk_increase: bool = False  # drift allowed (policy or --allow-risk-increase)

    @property
    def actions(self) -> tuple[Action, ...]:
        return tuple(a for s in self.steps for a in s.actions)

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def has_changes(self) -> bool:
        return bool(self.actions)

    def drift_refusals(self) -> list[Finding]:
        """Risk-raising drift, one error each (the apply flow refuses it under --yes)."""
        return drift_findings(risk for step in self.steps for risk in step.risks)

    def drift_notices(self) -> list[Finding]:
        """Risk-raising drift, one warning each, for a dry run (``plan``)."""
        risks = (risk for step in self.steps for risk in step.risks)
        return drift_notices(risks, allowed=self.allow_risk_increase)

    @property
    def has_drift(self) -> bool:
        return any(r.why is Why.DRIFT for s in self.steps for r in s.risks)

    def counts(self) -> dict[str, int]:
        counts = {c.value: 0 for c in Category}
        for action in self.actions:
            counts[action.category.value] += 1
        return counts
