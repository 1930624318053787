"""`status`: what happened since the last apply, as text and as JSON (same data)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from runner.durations import local_time_text
from runner.money import plain
from runner.records.activity import Activity

CENT = Decimal("0.01")
_CAUSES = {
    "order": "",
    "tp_sl": " (take-profit/stop-loss)",
    "plan_order": " (plan order)",
    "liquidation": " (liquidation)",
    "adl": " (auto-deleveraging)",
}


def _usdt(value: Decimal) -> str:
    return f"{plain(value.quantize(CENT))} USDT"


def render_activity(activity: Activity) -> list[str]:
    when = local_time_text(activity.since_ms)
    head = (
        f"Since the last apply ({when})"
        if activity.since_apply
        else f"In the last 24 hours (since {when}; no apply recorded on this machine)"
    )
    lines = [head]
    if not activity.fills:
        lines.append("  fills: none")
    else:
        lines.append(f"  fills: {len(activity.fills)}")
        for fill in activity.fills:
            pnl = f", realized {_usdt(fill.realized_pnl)}" if fill.realized_pnl else ""
            side = fill.side.value.replace("_", " ")
            lines.append(
                f"    {local_time_text(fill.time_ms)} {fill.symbol} {side} "
                f"{plain(fill.size)} @ {plain(fill.price)}{_CAUSES[fill.cause]}"
                f"{pnl}, fee {_usdt(fill.fee)}"
            )
    closes = activity.closes
    if closes:
        lines.append(f"  closed by the exchange: {len(closes)} (TP/SL, liquidation or ADL)")
    lines.append(
        f"  realized PnL {_usdt(activity.realized_pnl)}, fees {_usdt(activity.fees)}, "
        f"funding {_usdt(activity.funding)}"
        + (
            f", liquidation clearance {_usdt(activity.liquidation_clearance)}"
            if activity.liquidation_clearance
            else ""
        )
    )
    return lines


def activity_json(activity: Activity) -> dict[str, Any]:
    return {
        "since_ms": activity.since_ms,
        "since_last_apply": activity.since_apply,
        "fills": [
            {
                "symbol": f.symbol,
                "side": f.side.value,
                "size": str(f.size),
                "price": str(f.price),
                "fee": str(f.fee),
                "realized_pnl": str(f.realized_pnl),
                "time_ms": f.time_ms,
                "cause": f.cause,
            }
            for f in activity.fills
        ],
        "closes": len(activity.closes),
        "realized_pnl": str(activity.realized_pnl),
        "fees": str(activity.fees),
        "funding": str(activity.funding),
        "liquidation_clearance": str(activity.liquidation_clearance),
    }
