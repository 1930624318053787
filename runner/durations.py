"""Durations in plans (``2h``, ``90m``, ``1d12h``): parsed to whole seconds, shown back compactly.

The schema's ``duration`` pattern admits only what ``duration_seconds`` reads; spans are measured
on the exchange's clock by whoever uses them (the compiler compares exchange timestamps only).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_UNITS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}
_DURATION = re.compile(r"(?=[0-9])(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?\Z")


def duration_seconds(text: str) -> int:
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"not a duration: {text!r} (use e.g. 2h, 90m, 1d12h)")
    return sum(int(n) * unit for n, unit in zip(match.groups(), _UNITS.values(), strict=True) if n)


def format_duration(seconds: int) -> str:
    """``5400`` -> ``1h30m``; ``0`` -> ``0s``."""
    if seconds <= 0:
        return "0s"
    parts = []
    for name, unit in _UNITS.items():
        count, seconds = divmod(seconds, unit)
        if count:
            parts.append(f"{count}{name}")
    return "".join(parts)


def local_time_text(ms: int) -> str:
    """A timestamp (ms) as every output shows one: local time, ``YYYY-MM-DD HH:MM:SS``."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")
