"""The `position_mode` target: hedge or one-way, only on a clean account."""

from __future__ import annotations

from runner.compiler.actions import SetPositionMode
from runner.compiler.builder import StepBuilder
from runner.compiler.ctx import Ctx
from runner.compiler.intents import ModeIntent
from runner.money import plain


def compile_mode(b: StepBuilder, ctx: Ctx, intent: ModeIntent) -> None:
    ws = ctx.ws
    b.before = {"position_mode": ws.mode.value if ws.mode else None}
    b.after = {"position_mode": intent.mode.value}
    if ws.mode is intent.mode:
        return
    blockers = [f"{p.symbol} {p.side.value} {plain(p.size)}" for p in ws.positions.values()]
    blockers += [f"order {o.order_id} on {o.symbol}" for o in ws.open_orders]
    if blockers:
        shown = ", ".join(blockers[:5]) + (" ..." if len(blockers) > 5 else "")
        b.error(
            "mode-switch-not-clean",
            f"switching to {intent.mode.value} needs an account "
            f"with no positions and no open orders; found: {shown}",
            "",
            "close positions and cancel orders before switching mode",
        )
        return
    waiting = [t for t in ws.triggers]
    if waiting:
        b.warn(
            "mode-switch-trigger-orders",
            f"{len(waiting)} plan/TP-SL order(s) are waiting; "
            "BitMart may refuse the switch because of them",
            "",
            "cancel them first if the switch is refused",
        )
    b.add(
        SetPositionMode(
            step_index=intent.index,
            summary=f"switch position mode to {intent.mode.value}",
            mode=intent.mode,
        )
    )
    ws.mode = intent.mode
