"""Human dry-run diff, Terraform-like: + create, - remove, ~ change, = unchanged.

Renders a ``PlanResult``; computes nothing about money (every figure comes from the compiler).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from runner import DISCLAIMER
from runner.compiler.actions import Op
from runner.compiler.result import Estimate, PlanResult, StepResult
from runner.compiler.risk import Why
from runner.findings import Severity
from runner.money import plain
from runner.render.findings import finding_lines, plural
from runner.render.style import Style

_OP_COLOR = {Op.CREATE: "green", Op.REMOVE: "red", Op.CHANGE: "yellow"}
_LABELS = {
    "side": "side",
    "size": "size",
    "entry_price": "entry",
    "leverage": "leverage",
    "margin": "margin",
    "liquidation_price": "liquidation",
    "take_profit": "take-profit",
    "stop_loss": "stop-loss",
    "trailing_stop": "trailing stop",
    "futures_available": "futures available",
    "spot_available": "spot available",
    "position_mode": "position mode",
    "open_orders": "open orders",
    "trigger_orders": "plan/TP-SL orders",
    "trigger": "trigger",
    "order": "order",
}


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


def money(value: Decimal | None) -> str:
    return "-" if value is None else f"{value.quantize(Decimal('0.01')):,} USDT"


def _step_title(step: StepResult) -> str:
    runs = f"once per {step.once_per}" if step.once_per else "runs on every apply"
    kind = step.kind + (f" (action: {runs})" if step.is_action else "")
    return f"step {step.index + 1} [{step.key}] {kind}"


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    rows = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        rows.append((_LABELS.get(key, key), fmt(old), fmt(new)))
    return rows


def _estimate_lines(estimate: Estimate) -> list[str]:
    """Figures as the compiler rounded them (prices on the tick, USDT to the cent)."""
    fee = f", open fee ~{money(estimate.open_fee)}" if estimate.open_fee else ""
    lines = [
        f"notional {money(estimate.notional)} at {fmt(estimate.entry_price)}, "
        f"{fmt(estimate.leverage)}x {estimate.margin.value}",
        f"initial margin {money(estimate.initial_margin)}{fee}",
        f"est. liquidation price {fmt(estimate.liquidation_price)} (mark)",
    ]
    if estimate.pnl_at_take_profit is not None:
        lines.append(
            f"PnL at take-profit {fmt(estimate.take_profit)}: "
            f"{money(estimate.pnl_at_take_profit)} after open and close fees"
        )
    for level in estimate.levels:
        lines.append(
            f"PnL at take-profit level {level.level} {fmt(level.trigger)} "
            f"({fmt(level.size)} contracts, net of fees): {money(level.pnl)}"
        )
    if estimate.pnl_at_stop_loss is not None:
        lines.append(
            f"PnL at stop-loss {fmt(estimate.stop_loss)}: "
            f"{money(estimate.pnl_at_stop_loss)} after open and close fees"
        )
    if estimate.risk_reward is not None:
        lines.append(f"risk/reward 1:{fmt(estimate.risk_reward)}")
    if estimate.if_filled:
        return ["if the order fills:", *(f"  {line}" for line in lines)]
    return lines


def render_step(step: StepResult, style: Style) -> list[str]:
    if step.has_errors:
        head = style("!", "red", "bold")
    elif step.actions:
        head = style("~" if any(a.op is Op.CHANGE for a in step.actions) else "+", "yellow")
    else:
        head = style("=", "dim")
    lines = [f"{head} {style(_step_title(step), 'bold')}"]
    if not step.has_errors:  # a step with errors changes nothing: no "size: 69 -> -"
        for label, old, new in _changes(step.before, step.after):
            lines.append(f"    {label}: {old} -> {new}")
    for action in step.actions:
        symbol = style(action.op.value, _OP_COLOR[action.op])
        lines.append(f"    {symbol} {action.summary}")
    if not step.actions and not step.has_errors:
        lines.append(style("    unchanged", "dim"))
    for risk in step.risks:
        color = ("red", "bold") if risk.why is Why.DRIFT else ("yellow",)
        lines.append(
            style(f"    ! raises risk ({risk.why.value}): {risk.what} ({risk.reason})", *color)
        )
    for note in step.notes:
        lines.append(style(f"    note: {note}", "dim"))
    if step.estimate is not None:
        lines.extend(f"    {line}" for line in _estimate_lines(step.estimate))
    return lines


def summary_line(result: PlanResult) -> str:
    counts = result.counts()
    total = sum(counts.values())
    return (
        f"Plan: {plural(total, 'change')} ({plural(counts['orders'], 'order')}, "
        f"{counts['tp_sl']} TP/SL, {plural(counts['transfers'], 'transfer')}, "
        f"{plural(counts['settings'], 'setting')})"
    )


def fee_tier_lines(result: PlanResult) -> list[str]:
    """Where the fee rates behind the estimates came from, when not from this run's reads."""
    return [
        *(
            f"Fee rates for {symbol}: from the runner home, read {_age(age)} ago "
            "(kept for up to 1 h; fee tiers change rarely)"
            for symbol, age in sorted(result.fee_ages.items())
        ),
        *(
            f"Fee rates for {symbol}: the standard tier, not read this run (trade-fee-rate "
            "allows 2 calls per 2 s and they were spent); only the estimates use them, and they "
            "err on the high side; a later run reads the account's own"
            for symbol in sorted(result.fee_standard)
        ),
    ]


def _age(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min"


def render_plan(result: PlanResult, style: Style) -> str:
    lines = [
        style(f"bitmart-runner plan: {result.name} ({result.path}) on {result.target}", "bold"),
        "",
    ]
    for step in result.steps:
        lines.extend(render_step(step, style))
        lines.append("")
    plan_level = [f for f in result.findings if not any(f in s.findings for s in result.steps)]
    for finding in [*(f for s in result.steps for f in s.findings), *plan_level]:
        lines.extend(finding_lines(finding, style))
    if result.findings:
        lines.append("")
    lines.extend(style(line, "dim") for line in fee_tier_lines(result))
    if result.has_errors:
        errors = sum(1 for f in result.findings if f.severity is Severity.ERROR)
        lines.append(
            style(
                f"Plan is invalid: {plural(errors, 'error')}. Nothing would be applied.",
                "red",
                "bold",
            )
        )
    elif not result.has_changes:
        lines.append(style("No changes. The account matches the plan.", "green"))
    else:
        lines.append(style(summary_line(result), "bold"))
    lines.append(DISCLAIMER)
    return "\n".join(lines)
