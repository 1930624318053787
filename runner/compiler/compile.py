"""plan intents + account snapshot -> actions + predicted state + findings.  Pure: no I/O.

Steps are compiled in order against a working copy of the account, so each step is checked against
the state the steps before it leave behind.  Target steps produce only the difference between the
account and what they ask for; action steps (open, close, transfer) produce their action every time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
from runner.compiler.periods import this_period
from runner.compiler.result import PlanResult, StepResult
from runner.compiler.snapshot import Snapshot
from runner.compiler.steps.balance import compile_balance, compile_transfer
from runner.compiler.steps.cancel import compile_cancel
from runner.compiler.steps.close import compile_close
from runner.compiler.steps.leverage import compile_leverage
from runner.compiler.steps.mode import compile_mode
from runner.compiler.steps.plan_order import compile_plan_order
from runner.compiler.steps.position import compile_position
from runner.compiler.steps.tp_sl import compile_tp_sl
from runner.compiler.working import WorkingState
from runner.findings import Finding, Severity

ACTION_KINDS = (OpenIntent, CloseIntent, TransferIntent)
CENT = Decimal("0.01")

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
    ladder_fills: Mapping[str, Mapping[int, LevelFill]] | None = None,
    once_done: Mapping[int, str] | None = None,
    transfers_checked: bool = True,
) -> PlanResult:
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
            ladder_fills=ladder_fills or {},
            once_done=once_done or {},
            transfers_checked=transfers_checked,
        )
        steps = tuple(_compile_step(ctx, intent) for intent in plan.intents)
        return _result(plan, snapshot, steps, ws)

    first = run({})
    reserve = _balance_reserve(plan, first)
    if not reserve:
        return first
    # Top up once for what later steps consume, so a re-apply finds the target met.  If the
    # larger transfer is not possible (spot too low, policy), keep the plain top-up and its warning.
    second = run(reserve)
    return first if second.has_errors and not first.has_errors else second


def _balance_reserve(plan: PlanIntents, result: PlanResult) -> dict[int, Decimal]:
    """ensure_balance steps whose target the later steps undo: by how much (whole USDT up, a
    margin for fills a little off the estimate)."""
    final = result.predicted.balances.futures_available
    reserve = {}
    for intent, step in zip(plan.intents, result.steps, strict=True):
        if not isinstance(intent, BalanceIntent) or step.has_errors:
            continue
        if final < intent.min_available:
            gap = intent.min_available - final
            reserve[intent.index] = gap.to_integral_value(ROUND_CEILING)
    return reserve


def _result(
    plan: PlanIntents, snapshot: Snapshot, steps: tuple[StepResult, ...], ws: WorkingState
) -> PlanResult:
    findings = [f for step in steps for f in step.findings]
    findings += _convergence_warnings(plan, steps, ws)
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
