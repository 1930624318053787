"""The doctor's pure parts: clock thresholds, balance, symbol rules, the text renderer."""

from __future__ import annotations

from decimal import Decimal as D
from types import SimpleNamespace as Row

from runner.doctor import (
    Check,
    Report,
    Status,
    _symbol_check,
    balance_check,
    clock_check,
    render_text,
)


def test_clock_thresholds() -> None:
    assert clock_check(900).status is Status.PASS
    assert clock_check(-1_001).status is Status.WARN
    assert clock_check(30_000).status is Status.WARN
    assert clock_check(30_001).status is Status.FAIL
    assert "behind" in clock_check(-5).message


def test_balance_without_usdt_warns() -> None:
    assert balance_check([]).status is Status.WARN
    usdt = Row(currency="USDT", available=D("12.5"), equity=D("13"))
    assert balance_check([usdt]).status is Status.PASS


def _contract(**extra: object) -> Row:
    values: dict[str, object] = dict(
        symbol="BTCUSDT",
        tick=D("0.1"),
        step=D("1"),
        min_volume=D("1"),
        max_volume=D("500000"),
        market_max_volume=None,
        min_leverage=D("1"),
        max_leverage=D("125"),
        contract_size=D("0.001"),
        status="Trading",
    )
    values.update(extra)
    return Row(**values)


def test_symbol_rules() -> None:
    ok = _symbol_check("BTCUSDT", _contract(), None)
    assert ok.status is Status.PASS and "leverage 1..125" in ok.message
    assert _symbol_check("BTCUSDT", _contract(status=None), None).status is Status.WARN
    assert _symbol_check("BTCUSDT", _contract(status="Delisted"), None).status is Status.FAIL
    assert _symbol_check("BTCUSDT", None, None).status is Status.FAIL


def test_render_text_and_verdict() -> None:
    report = Report(
        "live",
        "https://api-cloud-v2.bitmart.com",
        "80618...3e56",
        (Check("clock", Status.FAIL, "off", "fix NTP"), Check("key", Status.PASS, "fine")),
    )
    lines = render_text(report)
    assert lines[1] == "FAIL  clock: off"
    assert lines[2] == "      -> fix NTP"
    assert "FAIL" in lines[-1] and not report.ok
    assert report.to_json()["counts"] == {"PASS": 1, "WARN": 0, "FAIL": 1}
