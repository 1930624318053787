"""The `leverage` target: a symbol's leverage and margin mode."""

from __future__ import annotations

from runner.compiler import estimates as est
from runner.compiler.actions import SetLeverage
from runner.compiler.builder import StepBuilder
from runner.compiler.checks import check_leverage
from runner.compiler.ctx import Ctx
from runner.compiler.intents import LeverageIntent
from runner.compiler.snapshot import SymbolSetting
from runner.compiler.steps.common import ZERO
from runner.money import plain


def compile_leverage(b: StepBuilder, ctx: Ctx, intent: LeverageIntent) -> None:
    ws = ctx.ws
    spec = ws.spec(intent.symbol)
    if spec is None:
        b.error("unknown-symbol", f"{intent.symbol} is not a contract on {ctx.target}", "symbol")
        return
    setting = ws.setting(intent.symbol)
    b.before = {
        "leverage": setting.leverage if setting else None,
        "margin": setting.margin.value if setting else None,
    }
    b.after = {"leverage": intent.leverage, "margin": intent.margin.value}
    held = ws.positions_on(intent.symbol)
    if held and (held[0].leverage != intent.leverage or held[0].margin is not intent.margin):
        field = "margin" if held[0].margin is not intent.margin else "leverage"
        b.error(
            "leverage-conflict",
            f"{intent.symbol} has an open {held[0].side.value} at "
            f"{plain(held[0].leverage)}x {held[0].margin.value}; an open position fixes its "
            "symbol's leverage and margin mode",
            field,
            "inherit the open position's leverage and margin mode, or close it first",
        )
        return
    notional = sum((est.notional(p.size, spec.contract_size, p.entry_price) for p in held), ZERO)
    b.problems(check_leverage(spec, intent.leverage, notional), "leverage")
    limit = ctx.policy.max_leverage
    if limit is not None and intent.leverage > limit:
        b.error(
            "policy-leverage",
            f"leverage {plain(intent.leverage)}x exceeds the plan's max_leverage {plain(limit)}x",
            "leverage",
        )
    if setting and setting.leverage == intent.leverage and setting.margin is intent.margin:
        return
    b.add(
        SetLeverage(
            step_index=intent.index,
            summary=f"set {intent.symbol} leverage {plain(intent.leverage)}x {intent.margin.value}",
            symbol=intent.symbol,
            leverage=intent.leverage,
            margin=intent.margin,
        )
    )
    ws.settings[intent.symbol] = SymbolSetting(intent.symbol, intent.leverage, intent.margin)
