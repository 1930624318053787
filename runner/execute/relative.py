"""Relative take-profit levels placed right after the open that made their position.

The compiler resolves "+2%" against the estimated entry; when the open of the same run filled
elsewhere, the level is moved to the actual entry before it is sent, so the account matches the
plan when apply ends (and the next plan has nothing to modify).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from runner.compiler import actions as act
from runner.compiler.estimates import to_tick
from runner.compiler.snapshot import Snapshot
from runner.money import plain


def at_actual_entry(action: act.SubmitTpSl, snapshot: Snapshot) -> act.SubmitTpSl:
    percent = action.protection.percent
    position = snapshot.position(action.symbol, action.side)
    spec = snapshot.specs.get(action.symbol)
    if percent is None or position is None or spec is None:
        return action
    raw = position.entry_price * (1 + percent / Decimal(100))
    wanted = to_tick(raw, spec.tick, up=raw < position.entry_price)
    if wanted == action.protection.trigger:
        return action
    summary = action.summary.replace(plain(action.protection.trigger), plain(wanted), 1)
    return replace(
        action,
        protection=replace(action.protection, trigger=wanted),
        summary=f"{summary} ({plain(percent)}% of the actual entry {plain(position.entry_price)})",
    )
