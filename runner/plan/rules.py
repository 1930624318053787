"""Static rules: what can be known wrong from the plan alone, before any account is read.

Each rule is a function ``(plan, target_kind) -> findings``; ``check_rules`` runs them all.  The
live checks (ticks, sizes, brackets, margin, liquidation) need the account and live in
``runner.compiler``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

from runner.domain import OrderType, TimeInForce
from runner.findings import Finding, Severity
from runner.money import plain
from runner.plan.contradictions import contradiction_findings
from runner.plan.ladder import ladder_findings, stop_rule_findings, trailing_findings
from runner.plan.model import (
    CloseStep,
    EnsureBalanceStep,
    Entry,
    LeverageStep,
    OpenStep,
    Plan,
    PlanOrderStep,
    PositionStep,
    Side,
    Step,
    TpSlStep,
    TransferStep,
    Trigger,
)
from runner.plan.protection import protection_findings

Rule = Callable[[Plan, str | None], Iterator[Finding]]


def error(
    plan: Plan, step: Step, field: str, rule: str, message: str, hint: str | None = None
) -> Finding:
    return Finding(rule, Severity.ERROR, message, plan.field_location(step, field), hint)


def _unique_ids(plan: Plan, _: str | None) -> Iterator[Finding]:
    first: dict[str, Step] = {}
    for step in plan.steps:
        if step.id is None:
            continue
        if step.id in first:
            location = plan.locate(step.pointer + "/id")
            message = f"step id '{step.id}' is already used by step {first[step.id].index + 1}"
            hint = "step ids must be unique in a plan"
            yield Finding("duplicate-id", Severity.ERROR, message, location, hint)
        else:
            first[step.id] = step


def _entry_of(step: Step) -> tuple[str, Entry | None]:
    if isinstance(step, PositionStep | CloseStep):
        return "entry", step.entry
    if isinstance(step, PlanOrderStep):
        return "order", step.order
    return "", None


def _entries(plan: Plan, _: str | None) -> Iterator[Finding]:
    for step in plan.steps:
        name, entry = _entry_of(step)
        if entry is None:
            continue
        if entry.type is OrderType.LIMIT and entry.price is None:
            hint = f"add a price: {name}: {{type: limit, price: ...}}"
            yield error(
                plan, step, name, "limit-needs-price", f"a limit {name} needs a price", hint
            )
        yield from _expiry(plan, step, name, entry)
        if entry.type is OrderType.LIMIT:
            continue
        if entry.price is not None:
            message = f"price is only for limit orders (this {name} is market)"
            hint = "remove price, or set type: limit"
            yield error(plan, step, f"{name}.price", "price-needs-limit", message, hint)
        if entry.mode is TimeInForce.MAKER_ONLY:
            message = "maker_only is only for limit orders (a market order always takes)"
            hint = "set type: limit with a price, or remove mode"
            yield error(plan, step, f"{name}.mode", "maker-only-needs-limit", message, hint)
        elif entry.mode is not None:
            message = f"mode {entry.mode.value} has no effect on a market order"
            location = plan.field_location(step, f"{name}.mode")
            yield Finding("mode-ignored", Severity.WARNING, message, location, "remove mode")


def _expiry(plan: Plan, step: Step, name: str, entry: Entry) -> Iterator[Finding]:
    """expire_after is a position target's: it ends a resting entry, not an action's order."""
    if entry.expire_after_s is None:
        return
    field = f"{name}.expire_after"
    if not isinstance(step, PositionStep) or isinstance(step, OpenStep):
        message = f"expire_after is only for the entry of a position step (not {step.kind})"
        yield error(plan, step, field, "expire-needs-position", message, "remove expire_after")
    elif entry.type is not OrderType.LIMIT:
        message = "expire_after is only for limit entries (a market entry fills at once)"
        hint = "set type: limit with a price, or remove expire_after"
        yield error(plan, step, field, "expire-needs-limit", message, hint)
    elif entry.expire_after_s <= 0:
        yield error(plan, step, field, "expire-zero", "expire_after must be longer than 0s")


def _relative_in_plan_order(plan: Plan, _: str | None) -> Iterator[Finding]:
    for step in plan.steps:
        if not isinstance(step, PlanOrderStep):
            continue
        for name in ("trigger", "take_profit", "stop_loss"):
            level = getattr(step, name)
            if level is not None and level.relative:
                message = f"{name} of a plan_order must be an absolute price"
                hint = 'relative prices ("+5%") are for TP/SL of position, open and tp_sl steps'
                yield error(plan, step, name, "relative-price", message, hint)


_SYMBOL_STEPS = (PositionStep, CloseStep, TpSlStep, LeverageStep, PlanOrderStep)


def _symbol_of(plan: Plan, step: Step) -> str | None:
    symbol = getattr(step, "symbol", None)
    return symbol if isinstance(symbol, str) else plan.defaults.symbol


def _symbols(plan: Plan, _: str | None) -> Iterator[Finding]:
    for step in plan.steps:
        if not hasattr(step, "symbol"):
            continue
        symbol = _symbol_of(plan, step)
        if symbol is None:
            hint = "add symbol: BTCUSDT to the step, or defaults: {symbol: BTCUSDT} to the plan"
            yield error(plan, step, "", "symbol-missing", f"{step.kind} needs a symbol", hint)
            continue
        allowed = plan.policy.allowed_symbols if plan.policy else None
        if allowed is not None and isinstance(step, _SYMBOL_STEPS) and symbol not in allowed:
            message = f"{symbol} is not in the policy's allowed_symbols ({', '.join(allowed)})"
            hint = "add it to policy.allowed_symbols or use another symbol"
            yield error(plan, step, "symbol", "policy-symbol", message, hint)


def _leverage_of(plan: Plan, step: Step) -> Decimal | None:
    leverage = getattr(step, "leverage", None)
    return leverage if isinstance(leverage, Decimal) else plan.defaults.leverage


def _leverage(plan: Plan, _: str | None) -> Iterator[Finding]:
    limit = plan.policy.max_leverage if plan.policy else None
    for step in plan.steps:
        if isinstance(step, LeverageStep):
            if _leverage_of(plan, step) is None:
                hint = "add leverage: 10 to the step, or to defaults"
                yield error(
                    plan, step, "", "leverage-missing", "leverage step needs a leverage", hint
                )
            if step.margin is None and plan.defaults.margin is None:
                hint = "add margin: isolated (or cross) to the step, or to defaults"
                yield error(plan, step, "", "margin-missing", "leverage step needs a margin", hint)
        leverage = _leverage_of(plan, step) if hasattr(step, "leverage") else None
        if limit is not None and leverage is not None and leverage > limit:
            message = (
                f"leverage {plain(leverage)}x is above the policy's max_leverage {plain(limit)}x"
            )
            hint = f"use {plain(limit)}x or less, or raise policy.max_leverage"
            yield error(plan, step, "leverage", "policy-leverage", message, hint)


def _stop_loss_required(plan: Plan, _: str | None) -> Iterator[Finding]:
    if plan.policy is None or not plan.policy.require_stop_loss:
        return
    for step in plan.steps:
        if not isinstance(step, PositionStep):
            continue
        holds = (
            isinstance(step, OpenStep)
            or step.notional is not None
            or step.risk is not None
            or (step.size or 0) > 0
        )
        if holds and not isinstance(step.stop_loss, Trigger):
            field = "stop_loss" if step.stop_loss is None else ""
            message = f"the policy requires a stop-loss, and this {step.kind} step has none"
            sign = "-" if step.side is Side.LONG else "+"
            hint = f'add stop_loss: {{trigger: "{sign}3%"}} (a {step.side.value} stops out ' + (
                "below its entry)" if step.side is Side.LONG else "above its entry)"
            )
            yield error(plan, step, field, "policy-stop-loss", message, hint)


def _risk(plan: Plan, _: str | None) -> Iterator[Finding]:
    for step in plan.steps:
        if not isinstance(step, PositionStep) or step.risk is None:
            continue
        if not isinstance(step.stop_loss, Trigger):
            message = "risk sizing needs a stop-loss: the size is the loss taken when it fires"
            hint = 'add stop_loss: {trigger: "-3%"} (for a long)'
            yield error(plan, step, "risk", "risk-needs-stop-loss", message, hint)
        pct = step.risk.equity_pct
        if pct is not None and pct > 100:
            message = f"equity_pct {plain(pct)} is more than 100% of the equity"
            yield error(plan, step, "risk.equity_pct", "risk-equity-pct", message)


def _amounts(plan: Plan, _: str | None) -> Iterator[Finding]:
    max_transfer = plan.policy.max_transfer if plan.policy else None
    for step in plan.steps:
        if isinstance(step, TransferStep):
            if step.amount <= 0:
                message = f"transfer amount must be more than 0 (got {plain(step.amount)})"
                yield error(plan, step, "amount", "transfer-amount", message)
            elif max_transfer is not None and step.amount > max_transfer:
                message = (
                    f"transfer of {plain(step.amount)} USDT is above the policy's max_transfer "
                    f"{plain(max_transfer)}"
                )
                yield error(plan, step, "amount", "policy-transfer", message)
        if isinstance(step, EnsureBalanceStep) and step.min_available <= 0:
            message = f"min_available must be more than 0 (got {plain(step.min_available)})"
            yield error(plan, step, "min_available", "balance-amount", message)


def _demo(plan: Plan, target_kind: str | None) -> Iterator[Finding]:
    if target_kind != "demo":
        return
    for step in plan.steps:
        if isinstance(step, TransferStep | EnsureBalanceStep):
            message = f"{step.kind} cannot run on the demo exchange (it has no transfers)"
            hint = "fund the demo account on BitMart, or leave this step out for demo"
            yield error(plan, step, "", "no-transfers-on-demo", message, hint)


def _protections(plan: Plan, _: str | None) -> Iterator[Finding]:
    for step in plan.steps:
        for field, rule, message, hint in protection_findings(step):
            yield error(plan, step, field, rule, message, hint)
        if isinstance(step, PositionStep):
            found = (*ladder_findings(step), *trailing_findings(step), *stop_rule_findings(step))
            for field, rule, message, hint in found:
                yield error(plan, step, field, rule, message, hint)


RULES: tuple[Rule, ...] = (
    _unique_ids,
    _entries,
    _protections,
    _relative_in_plan_order,
    _symbols,
    _leverage,
    _stop_loss_required,
    _risk,
    _amounts,
    _demo,
    contradiction_findings,
)


def check_rules(plan: Plan, *, target_kind: str | None = None) -> list[Finding]:
    """Every static rule's findings, in file order, each (location, message) once."""
    seen: dict[tuple[object, str], Finding] = {}
    for rule in RULES:
        for finding in rule(plan, target_kind):
            seen.setdefault((finding.location, finding.message), finding)
    return sorted(seen.values(), key=lambda f: f.location or plan.locate(""))
