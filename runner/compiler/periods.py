"""Periods of ``once_per`` on the exchange's clock (UTC): their start and their tag.

The tag goes into the client order id (``...W2026W49`` style), so the exchange itself records that
a step ran in a period: any machine, with any runner home, finds the order in its history.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from runner.domain import Period


def _utc(now_ms: int) -> datetime:
    return datetime.fromtimestamp(now_ms / 1000, tz=UTC)


def period_tag(period: Period, now_ms: int) -> str:
    """``20261202`` (day), ``2026W49`` (ISO week), ``2026M12`` (month): letters and digits only."""
    now = _utc(now_ms)
    if period is Period.DAY:
        return now.strftime("%Y%m%d")
    if period is Period.WEEK:
        year, week, _ = now.isocalendar()
        return f"{year}W{week:02d}"
    return f"{now.year}M{now.month:02d}"


def period_start_ms(period: Period, now_ms: int) -> int:
    now = _utc(now_ms)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if period is Period.WEEK:
        day -= timedelta(days=now.weekday())  # ISO weeks start on Monday
    elif period is Period.MONTH:
        day = day.replace(day=1)
    return int(day.timestamp() * 1000)


def this_period(period: Period) -> str:
    return {Period.DAY: "today", Period.WEEK: "this week", Period.MONTH: "this month"}[period]
