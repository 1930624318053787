"""once_per periods on the exchange's clock (UTC): tags and starts, across year boundaries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from runner.compiler.actions import OrderIds, nonce_of
from runner.compiler.periods import period_start_ms, period_tag
from runner.domain import Period


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


@pytest.mark.parametrize(
    ("period", "now", "tag", "start"),
    [
        (Period.DAY, "2026-12-02T23:59:59", "20261202", "2026-12-02T00:00:00"),
        (Period.WEEK, "2026-12-02T10:00:00", "2026W49", "2026-11-30T00:00:00"),
        (Period.WEEK, "2026-12-06T23:59:59", "2026W49", "2026-11-30T00:00:00"),
        (Period.WEEK, "2026-12-07T00:00:00", "2026W50", "2026-12-07T00:00:00"),
        # ISO weeks: 2027-01-01 (a Friday) still belongs to 2026's week 53
        (Period.WEEK, "2027-01-01T12:00:00", "2026W53", "2026-12-28T00:00:00"),
        (Period.MONTH, "2026-12-31T23:00:00", "2026M12", "2026-12-01T00:00:00"),
    ],
)
def test_tag_and_start(period: Period, now: str, tag: str, start: str) -> None:
    assert period_tag(period, ms(now)) == tag
    assert period_start_ms(period, ms(now)) == ms(start)


def test_the_period_replaces_the_run_nonce_for_the_steps_open_and_close_only() -> None:
    ids = OrderIds("dca", nonce="abc123", periods={"weekly": "2026W49"})
    assert ids.make("weekly", "O").endswith("O2026W49")
    assert ids.make("weekly", "O") == OrderIds("dca", "zzz999", {"weekly": "2026W49"}).make(
        "weekly", "O"
    )
    assert ids.make("weekly", "F").endswith("FABC123")  # a one-way flip is not the step's open
    assert ids.make("other", "O").endswith("OABC123")
    assert len(ids.make("weekly", "O")) <= 32 and ids.make("weekly", "O").isalnum()


def test_a_period_id_is_never_mistaken_for_a_run_nonce() -> None:
    ids = OrderIds("dca", nonce="abc123", periods={"weekly": "2026W49", "daily": "20261202"})
    assert nonce_of(ids.make("other", "O")) == "ABC123"
    assert nonce_of(ids.make("weekly", "O")) is None
    assert nonce_of(ids.make("daily", "C")) is None
