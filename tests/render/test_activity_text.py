"""`status`'s "since the last apply" block shows times as every output does: local time,
``YYYY-MM-DD HH:MM:SS`` (PRODUCT.md section 4), not UTC to the minute."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal as D

import pytest

from runner.domain import OrderSide
from runner.records.activity import Activity, Fill
from runner.render.activity_text import render_activity

AT = 1_796_133_723_000  # 2026-12-01 14:02:03 UTC


@pytest.fixture
def tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Tokyo")  # UTC+9, no daylight saving
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_times_are_local_with_seconds(tokyo: None) -> None:
    fill = Fill(
        "BTCUSDT", "1", OrderSide.CLOSE_LONG, D(10), D(63050), D("0.38"), D(-20), AT, "tp_sl"
    )
    activity = Activity(AT, True, (fill,), D(-20), D("0.38"), D(0), D(0))
    lines = render_activity(activity)
    assert lines[0] == "Since the last apply (2026-12-01 23:02:03)"
    assert lines[2].startswith("    2026-12-01 23:02:03 BTCUSDT close long 10 @ 63050")
    assert "UTC" not in "\n".join(lines)
