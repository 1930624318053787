"""plan intents + account snapshot -> actions + predicted state + findings.  Pure: no I/O.

Steps are compiled in order against a working copy of the account, so each step is checked against
the state the steps before it leave behind.  Target steps produce only the difference between the
account and what they ask for; action steps (open, close, transfer) produce their action every time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import ROUND_CEILING, Decimal
from typing import Any

from runner.compiler.actions import OrderIds
from runner.compiler.builder import StepBuilder
from runner.compiler.ctx import Ctx, LevelFill
from runner.compiler.intents import (
    BalanceIntent,
    CancelIntent,
    CloseIntent,
    Intent,
    LeverageIntent,
    ModeIntent,
    OpenIntent,
    PlanIntents,
    PlanOrderIntent,
    PositionIntent,
    TpSlIntent,
    TransferIntent,
    once_per_of,
)
from runner.compiler.lifecycle import EMPTY, Lifecycle
from runner.compiler.periods import this_period
from runner.compiler.result import PlanResult, StepResult
from runner.compiler.risk import risk_changes, step_changed
from runner.compiler.snapshot import Position, Snapshot
from runner.compiler.steps.balance import compile_balance, compile_transfer
from runner.compiler.steps.cancel import compile_cancel
from runner.compiler.steps.close import compile_close
from runner.compiler.steps.leverage import compile_leverage
from runner.compiler.steps.mode import compile_mode
from runner.compiler.steps.plan_order import compile_plan_order
from runner.compiler.steps.position import compile_position
from runner.compiler.steps.tp_sl import compile_tp_sl
from runner.compiler.undone import undone_targets
from runner.compiler.working import WorkingState
from runner.domain import Margin
from runner.findings import Finding, Severity

ACTION_KINDS = (OpenIntent, CloseIntent, TransferIntent)
CENT = Decimal("0.01")
ZERO = Decimal(0)

Compiler = Callable[[StepBuilder, Ctx, Any], None]
_COMPILERS: tuple[tuple[type[Intent], Compiler], ...] = (
    # OpenIntent subclasses PositionIntent: the position compiler handles both
    (PositionIntent, compile_position),
    (CloseIntent, compile_close),
    (TpSlIntent, compile_tp_sl),
    (BalanceIntent, compile_balance),
    (TransferIntent, compile_transfer),
    (ModeIntent, compile_mode),
    (LeverageIntent, compile_leverage),
    (PlanOrderIntent, compile_plan_order),
    (CancelIntent, compile_cancel),
)


def compile_plan(
    plan: PlanIntents,
    snapshot: Snapshot,
    ids: OrderIds,
    *,
    transfers_supported: bool = True,
    plan_order_registry: Mapping[str, str] | None = None,
    lifecycle: Lifecycle = EMPTY,
    allow_risk_increase: bool = False,
    ladder_fills: Mapping[str, Mapping[int, LevelFill]] | None = None,
    once_done: Mapping[int, str] | None = None,
    transfers_checked: bool = True,
) -> PlanResult:
    """``allow_risk_increase`` (``--allow-risk-increase``; the plan's policy says it too) lets
    drift loosen a stop tightened by hand instead of keeping it."""

    def run(reserve: Mapping[int, Decimal]) -> PlanResult:
        ws = WorkingState.start(snapshot)
        ctx = Ctx(
            ws=ws,
            ids=ids,
            policy=plan.policy,
            target=snapshot.target,
            transfers_supported=transfers_supported,
            plan_order_registry=plan_order_registry or {},
            balance_reserve=reserve,
            balance_steps=tuple(i.index for i in plan.intents if isinstance(i, BalanceIntent)),
            lifecycle=lifecycle,
            allow_risk_increase=allow_risk_increase or plan.policy.allow_risk_increase,
            ladder_fills=ladder_fills or {},
            once_done=once_done or {},
            transfers_checked=transfers_checked,
        )
        steps = tuple(_compile_step(ctx, intent) for intent in plan.intents)
        result = _result(plan, snapshot, steps, ws, lifecycle)
        return replace(result, allow_risk_increase=ctx.allow_risk_increase)

    # An ensure_balance target holds at the end of the plan only if it also tops up what later
    # steps take (margin and fees): measure that from a compile, top it up, and compile again
    # until the measure stops growing (a later step that failed for want of margin takes its
    # share only once it is funded).  A larger transfer that is not possible (spot too low,
    # policy) keeps the plain top-up and its warning.
    result = run({})
    reserve: dict[int, Decimal] = {}
    for _ in range(4):
        more = _balance_reserve(plan, result, reserve)
        if more == reserve:
            break
        trial = run(more)
        if trial.has_errors and not result.has_errors:
            break
        result, reserve = trial, more
    return result


def _balance_reserve(
    plan: PlanIntents, result: PlanResult, reserve: Mapping[int, Decimal]
) -> dict[int, Decimal]:
    """ensure_balance step index -> what the steps after it take from the futures wallet (the
    balance right after the step minus the balance the plan ends with), whole USDT up."""
    final = result.predicted.balances.futures_available
    grown = dict(reserve)
    for intent, step in zip(plan.intents, result.steps, strict=True):
        if not isinstance(intent, BalanceIntent) or step.has_errors:
            continue
        after = step.after.get("futures_available")
        if not isinstance(after, Decimal) or final >= intent.min_available:
            continue
        taken = (after - final).to_integral_value(ROUND_CEILING)
        if taken > grown.get(intent.index, ZERO):
            grown[intent.index] = taken
    return grown


def _result(
    plan: PlanIntents,
    snapshot: Snapshot,
    steps: tuple[StepResult, ...],
    ws: WorkingState,
    lifecycle: Lifecycle,
) -> PlanResult:
    ws.settle_cross()
    steps = tuple(_cross_at_end(step, ws) for step in steps)
    predicted = ws.freeze()
    steps = tuple(
        replace(
            step,
            risks=risk_changes(
                step.actions,
                snapshot,
                predicted,
                changed=step_changed(lifecycle, intent),
                is_action=step.is_action,
                location=intent.loc(""),
            ),
        )
        for intent, step in zip(plan.intents, steps, strict=True)
    )
    findings = [f for step in steps for f in step.findings]
    warnings = _convergence_warnings(plan, steps, ws)
    failed = frozenset(n for n, step in enumerate(steps) if step.has_errors)
    findings += warnings + undone_targets(plan.intents, skip=failed)
    if warnings:  # no "at least N USDT stays available" beside a warning that it does not
        steps = tuple(
            replace(s, notes=tuple(n for n in s.notes if "stays available" not in n)) for s in steps
        )
    return PlanResult(
        name=plan.name,
        plan_hash=plan.plan_hash,
        path=plan.path,
        target=snapshot.target,
        steps=steps,
        before=snapshot,
        predicted=ws.freeze(),
        findings=tuple(findings),
    )


def _cross_at_end(step: StepResult, ws: WorkingState) -> StepResult:
    """A cross position's liquidation depends on the balance the whole plan leaves: a step's
    estimate made before later steps took margin would show it too far away."""
    estimate = step.estimate
    if estimate is None or estimate.margin is not Margin.CROSS:
        return step
    if (estimate.symbol, estimate.side) not in ws.estimated_cross:
        return step
    position = Position(
        estimate.symbol,
        estimate.side,
        estimate.size,
        estimate.entry_price,
        estimate.leverage,
        estimate.margin,
        ZERO,
        estimate.initial_margin,
        ZERO,
    )
    liq = ws.liquidation_for(position, ws.futures_available)
    others = ws.other_cross(position)
    if others:  # one cross margin backs them all: say whose margin the estimate counts
        names = ", ".join(f"{p.symbol} {p.side.value}" for p in others)
        step = replace(
            step,
            notes=(
                *step.notes,
                f"cross: est. liquidation on the margin shared with {names} (their margin "
                "above maintenance and unrealized PnL at the mark count); this position's "
                "margin and losses draw on it too, so their liquidation comes closer",
            ),
        )
    if liq == estimate.liquidation_price:
        return step
    after = dict(step.after)
    if "liquidation_price" in after and not estimate.if_filled:
        after["liquidation_price"] = liq
    return replace(step, estimate=replace(estimate, liquidation_price=liq), after=after)


def _compile_step(ctx: Ctx, intent: Intent) -> StepResult:
    builder = StepBuilder(intent, is_action=isinstance(intent, ACTION_KINDS))
    period = once_per_of(intent)
    if period is not None and intent.index in ctx.once_done:
        builder.note(ctx.once_done[intent.index])  # the exchange's history says it ran
        return builder.result()
    if period is not None and isinstance(intent, TransferIntent) and not ctx.transfers_checked:
        builder.note(
            f"once per {period.value}: whether it already ran {this_period(period)} is read "
            "from the transfer history when it is applied"
        )
    for kind, compiler in _COMPILERS:
        if isinstance(intent, kind):
            compiler(builder, ctx, intent)
            break
    else:  # a new intent type without a compiler is a bug, not a plan problem
        raise TypeError(f"no compiler for {type(intent).__name__}")
    return builder.result()


def _convergence_warnings(
    plan: PlanIntents, steps: tuple[StepResult, ...], ws: WorkingState
) -> list[Finding]:
    """A target a later step undoes changes again on every apply: say so at plan time."""
    warnings = []
    for intent, step in zip(plan.intents, steps, strict=True):
        if step.has_errors:
            continue
        if isinstance(intent, BalanceIntent) and ws.futures_available < intent.min_available:
            warnings.append(
                Finding(
                    rule="target-undone-later",
                    severity=Severity.WARNING,
                    message=(
                        f"ensure_balance wants {intent.min_available} USDT available, but "
                        f"later steps leave about {ws.futures_available.quantize(CENT)} USDT: "
                        "the next apply will transfer again"
                    ),
                    location=intent.loc(""),
                    hint="raise min_available to cover the margin later steps use, or accept "
                    "the top-up on each run",
                )
            )
    return warnings
