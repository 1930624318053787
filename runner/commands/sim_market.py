"""`bitmart-runner sim book / clock / funding`: the simulated market's depth, time and funding.

Twins of ``POST /sim/book``, ``POST /sim/clock {"advance_ms"}`` and ``POST /sim/funding``; like
``sim price`` they act on the paper exchange, or with ``--base-url`` on a running ``sim serve``.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import click

from runner.commands.common import Output, epilog, output_options
from runner.commands.simcontrol import CONTROL_ENV, base_url_option, control, report_control
from runner.errors import UsageError
from runner.render.views.misc import SimControl

UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
_PART = re.compile(r"(\d+)(ms|s|m|h|d)")
_LEVEL = re.compile(r"([^:,\s]+):([^:,\s]+)")

_BOOK_EXAMPLES = (
    "bitmart-runner sim book BTCUSDT --bids 64990:5,64980:10 --asks 65010:3,65020:8",
    "bitmart-runner sim book BTCUSDT --clear",
)
_CLOCK_EXAMPLES = (
    "bitmart-runner sim clock --advance 8h",
    "bitmart-runner sim clock --advance 1h30m --base-url http://127.0.0.1:8080",
)
_FUNDING_EXAMPLES = (
    "bitmart-runner sim funding BTCUSDT --rate 0.0001",
    "bitmart-runner sim funding ETHUSDT --rate -0.0003 --format json",
)


def parse_duration_ms(text: str) -> int:
    """``8h``, ``90m``, ``1h30m``, ``2d``, ``1500ms`` or a bare number of milliseconds."""
    value = text.strip().lower()
    if value.isdigit():
        return int(value)
    parts = _PART.findall(value)
    if not parts or "".join(number + unit for number, unit in parts) != value:
        raise UsageError(f"--advance {text!r}: give a duration like 8h, 90m, 1h30m, 2d or 1500ms")
    return sum(int(number) * UNIT_MS[unit] for number, unit in parts)


def parse_levels(option: str, text: str) -> list[list[str]]:
    """``64990:5,64980:10`` -> ``[["64990", "5"], ["64980", "10"]]`` (the server checks values)."""
    if not text.strip():
        return []
    levels = []
    for item in text.split(","):
        match = _LEVEL.fullmatch(item.strip())
        if match is None:
            raise UsageError(f"{option} {text!r}: give PRICE:SIZE pairs, e.g. 64990:5,64980:10")
        levels.append([match.group(1), match.group(2)])
    return levels


def _describe(levels: list[list[str]]) -> str:
    return ", ".join(f"{price} x {size}" for price, size in levels) or "(none)"


def _local(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000).astimezone().strftime("%Y-%m-%d %H:%M:%S")


@click.command("book", epilog=epilog(_BOOK_EXAMPLES, CONTROL_ENV))
@click.argument("symbol")
@click.option("--bids", default=None, help="PRICE:SIZE,... best first or in any order.")
@click.option("--asks", default=None, help="PRICE:SIZE,... (sizes in contracts).")
@click.option("--clear", is_flag=True, help="Remove the book: unlimited depth at the last price.")
@base_url_option
@output_options
def book(
    symbol: str,
    bids: str | None,
    asks: str | None,
    clear: bool,
    base_url: str | None,
    output: Output,
) -> int:
    """Replace SYMBOL's order book (market orders walk it, resting limits fill from it)."""
    symbol = symbol.upper()
    if clear and (bids is not None or asks is not None):
        raise UsageError("sim book: give --clear or --bids/--asks, not both")
    if not clear and bids is None and asks is None:
        raise UsageError("sim book: give --bids and/or --asks (PRICE:SIZE,...), or --clear")
    payload: dict[str, Any] = {"symbol": symbol}
    if clear:
        payload["clear"] = True
    if bids is not None:
        payload["bids"] = parse_levels("--bids", bids)
    if asks is not None:
        payload["asks"] = parse_levels("--asks", asks)
    answer = control(base_url, "POST", "/sim/book", payload)
    left = answer["book"]
    if left is None:
        message = f"{symbol}: no book (unlimited depth at the last price)"
    else:
        message = f"{symbol} book: bids {_describe(left['bids'])} | asks {_describe(left['asks'])}"
    return report_control(SimControl("sim book", message, answer), output)


@click.command("clock", epilog=epilog(_CLOCK_EXAMPLES, CONTROL_ENV))
@click.option("--advance", required=True, help="How far to move simulated time: 8h, 90m, 2d...")
@base_url_option
@output_options
def clock(advance: str, base_url: str | None, output: Output) -> int:
    """Move simulated time forward (timers fire, funding settles at each boundary crossed)."""
    advance_ms = parse_duration_ms(advance)
    if advance_ms <= 0:
        raise UsageError("--advance must be more than zero: time only moves forward")
    reply = control(base_url, "POST", "/sim/clock", {"advance_ms": advance_ms})
    lines = [
        f"simulated time advanced by {advance} ({advance_ms} ms): "
        f"exchange time now {_local(int(reply['server_time']))}"
    ]
    lines += [
        f"  funding {_local(int(paid['time']))} {paid['symbol']} {paid['side']}: "
        f"{paid['amount']} USDT (rate {paid['rate']})"
        for paid in reply.get("funding", [])
    ]
    control_result = SimControl("sim clock", "\n".join(lines), reply)
    return report_control(control_result, output)


@click.command("funding", epilog=epilog(_FUNDING_EXAMPLES, CONTROL_ENV))
@click.argument("symbol")
@click.option("--rate", required=True, help="Rate per interval, e.g. 0.0001 or -0.0003.")
@base_url_option
@output_options
def funding(symbol: str, rate: str, base_url: str | None, output: Output) -> int:
    """Set SYMBOL's funding rate for the next settlements (positive: longs pay shorts)."""
    try:
        value = Decimal(rate.strip())
    except InvalidOperation:
        raise UsageError(f"--rate {rate!r} is not a decimal number") from None
    if not value.is_finite():
        raise UsageError(f"--rate {rate!r} must be a finite number")
    payload = {"symbol": symbol.upper(), "rate": str(value)}
    answer = control(base_url, "POST", "/sim/funding", payload)
    message = f"{symbol.upper()}: funding rate {value} from the next settlement"
    return report_control(SimControl("sim funding", message, answer), output)
