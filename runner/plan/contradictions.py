"""Steps of one plan that pull in two directions, found from the plan alone (issue 14).

Each of these would trade on every apply and never converge, or silently undo a guarantee the
plan asks for, so they are errors: two position targets for one symbol and side; a long and a
short target on one symbol after a `position_mode: one_way` step; a position target that a later
`open` or `close` of the same symbol and side changes again; a `cancel` of TP/SL orders on a
symbol whose position the plan holds with a stop, under `policy.require_stop_loss`.  What needs
the account (its position mode, its open positions) is checked again at plan time by the compiler.
"""

from __future__ import annotations

from collections.abc import Iterator

from runner.domain import CancelWhat, Mode
from runner.findings import Finding, Severity
from runner.plan.model import (
    CancelStep,
    CloseStep,
    OpenStep,
    Plan,
    PositionModeStep,
    PositionStep,
    Side,
    Step,
    Trigger,
)

STRIPS_STOPS = (CancelWhat.ALL, CancelWhat.TP_SL)


def _symbol(plan: Plan, step: Step) -> str | None:
    symbol = getattr(step, "symbol", None)
    return symbol if isinstance(symbol, str) else plan.defaults.symbol


def _error(plan: Plan, step: Step, rule: str, message: str, hint: str) -> Finding:
    return Finding(rule, Severity.ERROR, message, plan.field_location(step, ""), hint)


def _is_target(step: Step) -> bool:
    return isinstance(step, PositionStep) and not isinstance(step, OpenStep)


def contradiction_findings(plan: Plan, _: str | None) -> Iterator[Finding]:
    targets: dict[tuple[str, Side], PositionStep] = {}
    one_way = False
    for step in plan.steps:
        if isinstance(step, PositionModeStep):
            one_way = step.mode is Mode.ONE_WAY
            continue
        symbol = _symbol(plan, step)
        if symbol is None:
            continue
        if _is_target(step):
            assert isinstance(step, PositionStep)
            yield from _target(plan, step, symbol, targets, one_way)
            targets.setdefault((symbol, step.side), step)
        elif isinstance(step, OpenStep | CloseStep):
            first = targets.get((symbol, step.side))
            if first is not None:
                message = (
                    f"this {step.kind} changes the {symbol} {step.side.value} that step "
                    f"{first.index + 1} holds as a target: every apply would trade twice"
                )
                hint = "drop one of the two, or change the target's size instead"
                yield _error(plan, step, "target-undone-later", message, hint)
        elif isinstance(step, CancelStep):
            yield from _cancel(plan, step, symbol, targets)


def _target(
    plan: Plan,
    step: PositionStep,
    symbol: str,
    targets: dict[tuple[str, Side], PositionStep],
    one_way: bool,
) -> Iterator[Finding]:
    same = targets.get((symbol, step.side))
    if same is not None:
        message = (
            f"step {same.index + 1} already holds {symbol} {step.side.value} as a target: "
            "two targets for one position trade against each other on every apply"
        )
        yield _error(plan, step, "conflicting-targets", message, "keep one position step")
    other = Side.SHORT if step.side is Side.LONG else Side.LONG
    opposite = targets.get((symbol, other))
    if one_way and opposite is not None and _holds(opposite) and _holds(step):
        message = (
            f"in one-way mode {symbol} is either long or short: step {opposite.index + 1} "
            f"holds a {other.value} and this step a {step.side.value}, so every apply "
            "would close one to open the other"
        )
        hint = "keep one side, or use position_mode: hedge"
        yield _error(plan, step, "conflicting-targets", message, hint)


def _holds(step: PositionStep) -> bool:
    return step.notional is not None or (step.size or 0) > 0


def _cancel(
    plan: Plan, step: CancelStep, symbol: str, targets: dict[tuple[str, Side], PositionStep]
) -> Iterator[Finding]:
    if plan.policy is None or not plan.policy.require_stop_loss:
        return
    if step.what not in STRIPS_STOPS:
        return
    for (held_symbol, side), target in targets.items():
        if held_symbol != symbol or (step.side is not None and step.side is not side):
            continue
        if _holds(target) and isinstance(target.stop_loss, Trigger):
            message = (
                f"cancel {step.what.value} would remove the stop-loss of the {symbol} "
                f"{side.value} that step {target.index + 1} holds, and the policy requires one"
            )
            hint = "use what: orders or what: plan_orders, or remove the cancel step"
            yield _error(plan, step, "cancel-strips-stop", message, hint)
