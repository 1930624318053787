"""Generators and invariant checks for the fault soak (tests/e2e/test_soak.py).

Plans are random but valid: target steps (position with TP/SL, take-profit ladders, trailing
stops and stop rules, tp_sl, leverage, ensure_balance, plan_order, cancel, position_mode) and, in a
share of runs, action steps (open, close, transfer, some of them once_per a period) that by design
change something on every apply.  Faults are drawn from the simulator's full set
and put on random request paths; prices move between runs.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

PRICES = {"BTCUSDT": Decimal("65000"), "ETHUSDT": Decimal("3200"), "SOLUSDT": Decimal("150")}
TICKS = {"BTCUSDT": Decimal("0.1"), "ETHUSDT": Decimal("0.01"), "SOLUSDT": Decimal("0.001")}
FAULTS = (
    "drop_after_commit",
    "drop_before_commit",
    "http_500",
    "http_429",
    "cloudflare_403",
    "delay",
)
WRITE_PATHS = (
    "/contract/private/submit-order",
    "/contract/private/submit-tp-sl-order",
    "/contract/private/modify-tp-sl-order",
    "/contract/private/submit-trail-order",
    "/contract/private/cancel-trail-order",
    "/contract/private/submit-plan-order",
    "/contract/private/cancel-plan-order",
    "/contract/private/cancel-order",
    "/contract/private/cancel-orders",
    "/contract/private/submit-leverage",
    "/contract/private/set-position-mode",
    "/account/v1/transfer-contract",
)
READ_PATHS = (
    "/contract/private/position-v2",
    "/contract/private/get-open-orders",
    "/contract/private/current-plan-order",
    "/contract/private/assets-detail",
    "/contract/public/details",
    "/contract/private/order-history",
)


@dataclass
class Generated:
    text: str
    targets_only: bool
    stops: list[tuple[str, str]] = field(default_factory=list)  # (symbol, side) asked to stop
    trailing: set[str] = field(default_factory=set)  # symbols with a trailing stop target


def _position(rng: random.Random, symbol: str, side: str, gen: Generated) -> list[str]:
    size = rng.choice([0, 1, 2, 3, 5])
    lines = [
        "  - position:",
        f"      symbol: {symbol}",
        f"      side: {side}",
        f"      size: {size}",
        "      leverage: 5",
        "      margin: isolated",
    ]
    if size and rng.random() < 0.8:
        up, down = ("+", "-") if side == "long" else ("-", "+")
        ladder = size >= 2 and rng.random() < 0.4
        if ladder:
            first = rng.choice([3, 4])
            lines += [
                "      take_profit:",
                f"        - {{trigger: '{up}{first}%', size: {rng.choice(['1', '50%'])}}}",
                f"        - {{trigger: '{up}{first + rng.choice([2, 3])}%'}}",
            ]
        else:
            lines.append(f"      take_profit: {{trigger: '{up}{rng.choice([4, 6, 8])}%'}}")
        lines.append(f"      stop_loss: {{trigger: '{down}{rng.choice([2, 3, 5])}%'}}")
        if rng.random() < 0.3:
            callback = rng.choice(["0.5%", "1%", "2%"])
            lines.append(f"      trailing_stop: {{activation: '{up}5%', callback: '{callback}'}}")
            gen.trailing.add(symbol)
        if ladder and rng.random() < 0.5:
            lines += ["      stop_rules:", "        - {after: tp1, move_stop_to: breakeven}"]
        gen.stops.append((symbol, side))
    return lines


def _other(rng: random.Random, symbol: str, index: int, gen: Generated) -> list[str]:
    kind = rng.choice(["ensure_balance", "plan_order", "cancel", "leverage_note"])
    if kind == "cancel" and symbol in gen.trailing:
        kind = "leverage_note"  # cancelling orders would take the trailing stop the plan wants
    if kind == "ensure_balance":
        return [f"  - ensure_balance: {{min_available: {rng.choice([200, 500, 800])}}}"]
    if kind == "plan_order":
        price = PRICES[symbol] * Decimal(rng.choice(["0.8", "0.85", "0.9"]))
        trigger = price.quantize(TICKS[symbol])
        return [
            f"  - id: dip-{index}",
            "    plan_order:",
            f"      symbol: {symbol}",
            "      side: long",
            "      size: 1",
            f"      trigger: {trigger}",
            "      direction: falls",
            "      leverage: 5",
            "      margin: isolated",
            "      order: {type: market}",
        ]
    if kind == "cancel":
        return [f"  - cancel: {{symbol: {symbol}, what: orders}}"]
    return [f"  - leverage: {{symbol: {symbol}, leverage: 5, margin: isolated}}"]


def _action(rng: random.Random, symbol: str, side: str) -> list[str]:
    """Actions on the side the plan holds no target for: an open or close of the target's own
    side would be undone by the target on the next run (a contradiction, issue 14)."""
    kind = rng.choice(["open", "close", "transfer"])
    once = rng.choice(["", "", ", once_per: day", ", once_per: week"])
    if kind == "transfer":
        return [f"  - transfer: {{to_futures: {rng.choice([10, 25, 50])}{once}}}"]
    other = "short" if side == "long" else "long"
    down = "-" if other == "long" else "+"
    lines = [
        "  - open:",
        f"      symbol: {symbol}",
        f"      side: {other}",
        "      size: 1",
        "      leverage: 5",
        "      margin: isolated",
        f"      stop_loss: {{trigger: '{down}5%'}}",
    ]
    if once and kind == "open":
        lines.append(f"      {once[2:]}")
    if kind == "close":
        lines.append(f"  - close: {{symbol: {symbol}, side: {other}, size: all{once}}}")
    return lines


def plan(rng: random.Random, run: int, symbols: list[str]) -> Generated:
    gen = Generated("", targets_only=rng.random() < 0.8)
    lines = ["version: 1", f"name: soak-{run % 7}", "steps:"]
    lines += ["  - ensure_balance: {min_available: 300}"]
    for index, symbol in enumerate(rng.sample(symbols, rng.randint(1, len(symbols)))):
        side = rng.choice(["long", "short"])
        lines += _position(rng, symbol, side, gen)
        if rng.random() < 0.5:
            lines += _other(rng, symbol, index, gen)
        if not gen.targets_only and rng.random() < 0.7:
            lines += _action(rng, symbol, side)
    gen.text = "\n".join(lines) + "\n"
    return gen


def faults(rng: random.Random) -> list[dict[str, Any]]:
    rules = []
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        fault = rng.choice(FAULTS)
        paths = WRITE_PATHS if rng.random() < 0.7 else READ_PATHS
        rule: dict[str, Any] = {"path": rng.choice(paths), "fault": fault, "count": 1}
        if fault == "delay":
            rule["delay_ms"] = rng.choice([10, 50])
        if fault == "http_500" and rng.random() < 0.5:
            rule["after_commit"] = True
        rules.append(rule)
    return rules


def duplicate_client_ids(state: dict[str, Any]) -> list[str]:
    ids = Counter(o["client_order_id"] for o in state["orders"] if o.get("client_order_id"))
    ids.update(
        p["client_order_id"] for p in state.get("plan_orders", []) if p.get("client_order_id")
    )
    return [cid for cid, n in ids.items() if n > 1]


# --- the market soak: stop-outs, liquidations, partial fills, time -------------------------------

MARKET_PLAN = """\
version: 1
name: market-soak
policy: {allow_risk_increase: true}  # re-entry under --yes is drift the plan opts into
steps:
  - ensure_balance: {min_available: 3000}
  - id: btc-never
    position:
      symbol: BTCUSDT
      side: long
      size: 5
      leverage: 10
      margin: isolated
      take_profit: {trigger: "+4%"}
      stop_loss: {trigger: "-3%"}
  - id: eth-always
    position:
      symbol: ETHUSDT
      side: short
      size: 2
      leverage: 20
      margin: isolated
      reentry: always
  - id: sol-after
    position:
      symbol: SOLUSDT
      side: long
      size: 10
      leverage: 5
      margin: isolated
      entry: {type: limit, price: LIMIT}
      stop_loss: {trigger: "-4%"}
      reentry: {after: 1h}
"""
# step id -> (symbol, position side, opening side code, reentry policy, wait after a close in ms)
MARKET_STEPS = {
    "btc-never": ("BTCUSDT", "long", 1, "never", 0),
    "eth-always": ("ETHUSDT", "short", 4, "always", 0),
    "sol-after": ("SOLUSDT", "long", 1, "after", 3_600_000),
}


def market_event(rng: random.Random, last: dict[str, Decimal]) -> dict[str, Any]:
    """One thing the market does between two cron runs, as the control request to send."""
    symbol = rng.choice(sorted(last))
    kind = rng.choice(["move", "move", "move", "jump", "book", "clock", "clock"])
    if kind in ("move", "jump"):
        span = (
            150 if kind == "move" else 1200
        )  # basis points: a drift, or through stops/liquidation
        factor = Decimal(1) + Decimal(rng.randint(-span, span)) / Decimal(10000)
        price = (last[symbol] * factor).quantize(TICKS[symbol])
        return {"path": "/sim/price", "body": {"symbol": symbol, "price": str(price)}}
    if kind == "book":
        tick = TICKS[symbol]
        bid = (last[symbol] * Decimal("0.97")).quantize(tick)
        ask = (last[symbol] * Decimal("0.985")).quantize(tick)  # under a resting buy: part-fills it
        return {
            "path": "/sim/book",
            "body": {
                "symbol": symbol,
                "bids": [[str(bid), str(rng.randint(50, 500))]],
                "asks": [[str(ask), str(rng.randint(1, 6))], [str(last[symbol]), "500"]],
            },
        }
    return {"path": "/sim/clock", "body": {"advance_ms": rng.choice([10, 30, 45, 90]) * 60_000}}
