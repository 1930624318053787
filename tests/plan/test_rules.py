"""Static rules: what is wrong with a plan before any account is read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from runner.findings import Severity
from runner.plan.model import EnsureBalanceStep, Plan, TransferDirection, TransferStep
from runner.plan.rules import check_rules

from .helpers import check, where, with_steps


def rules_of(steps: str, *, head: str = "", target_kind: str | None = None) -> list[str]:
    plan, findings = check(with_steps(steps, head=head), target_kind=target_kind)
    assert plan is not None, findings
    return [f.rule for f in findings]


def col(steps: str, token: str, occurrence: int = 1) -> tuple[int, int]:
    """(line, col) of a token inside the steps text, as a line of the whole plan (steps: is 3)."""
    lines = steps.splitlines()
    seen = 0
    for number, text in enumerate(lines, 4):
        if token in text:
            seen += 1
            if seen == occurrence:
                return number, text.index(token) + 1
    raise AssertionError(f"{token!r} not in steps")


def test_step_ids_must_be_unique() -> None:
    steps = "  - id: a\n    position_mode: hedge\n  - id: b\n    position_mode: hedge\n"
    steps += "  - id: a\n    cancel: {symbol: BTCUSDT}\n"
    _, findings = check(with_steps(steps))
    assert where(findings) == [("duplicate-id", 8, 9)]
    assert findings[0].message == "step id 'a' is already used by step 1"


ENTRY_CASES = [
    (
        "  - close: {symbol: BTCUSDT, side: long, size: 1, entry: {type: market, price: 64000}}\n",
        "price-needs-limit",
        "64000",
    ),
    (
        "  - position: {symbol: BTCUSDT, side: long, size: 1, entry: {type: limit}}\n",
        "limit-needs-price",
        "{type: limit}",
    ),
    (
        "  - id: p\n    plan_order: {symbol: BTCUSDT, side: long, size: 1, trigger: 60000,"
        " order: {type: market, price: 59000}}\n",
        "price-needs-limit",
        "59000",
    ),
    (
        "  - open: {symbol: BTCUSDT, side: long, size: 1,"
        " entry: {type: market, mode: maker_only}}\n",
        "maker-only-needs-limit",
        "maker_only",
    ),
]


@pytest.mark.parametrize(("steps", "rule", "token"), ENTRY_CASES)
def test_entry_fields_must_match_the_order_type(steps: str, rule: str, token: str) -> None:
    _, findings = check(with_steps(steps))
    line = 5 if steps.startswith("  - id") else 4
    position = steps.splitlines()[line - 4].index(token) + 1
    assert where(findings) == [(rule, line, position)]
    assert findings[0].severity is Severity.ERROR


def test_other_modes_on_a_market_order_are_a_warning() -> None:
    steps = "  - open: {symbol: BTCUSDT, side: long, size: 1, entry: {type: market, mode: ioc}}\n"
    plan, findings = check(with_steps(steps))
    assert plan is not None
    assert [(f.rule, f.severity) for f in findings] == [("mode-ignored", Severity.WARNING)]


def position(side: str, entry: str, tp: str | None, sl: str | None, kind: str = "position") -> str:
    parts = [f"symbol: BTCUSDT, side: {side}, size: 1, entry: {entry}"]
    if tp is not None:
        parts.append(f"take_profit: {{trigger: {tp}}}")
    if sl is not None:
        parts.append(f"stop_loss: {{trigger: {sl}}}")
    return f"  - {kind}: {{{', '.join(parts)}}}\n"


LIMIT = "{type: limit, price: 64000}"
MARKET = "{type: market}"


@pytest.mark.parametrize(
    ("steps", "bad"),
    [
        (position("long", LIMIT, "70000", "60000"), []),
        (position("long", LIMIT, "63000", None), ["63000"]),
        (position("long", LIMIT, None, "65000"), ["65000"]),
        (position("long", LIMIT, "64000.0", None), ["64000.0"]),  # at the entry: not above
        (position("short", LIMIT, "60000", "70000"), []),
        (position("short", LIMIT, "66000", "62000"), ["66000", "62000"]),
        (position("long", MARKET, '"+5%"', '"-3%"'), []),
        (position("long", MARKET, '"-5%"', '"+3%"'), ['"-5%"', '"+3%"']),
        (position("short", MARKET, '"-5%"', '"+3%"'), []),
        (position("short", MARKET, '"+5%"', '"-3%"'), ['"+5%"', '"-3%"']),
        (position("long", MARKET, '"+0%"', None), ['"+0%"']),
        (position("long", MARKET, None, '"-100%"'), ['"-100%"']),
        (position("short", MARKET, '"-99.5%"', '"+150%"'), []),
        (position("long", LIMIT, '"-1%"', None, kind="open"), ['"-1%"']),
        # without a stated entry, absolute TP and SL are still checked against each other
        (position("long", MARKET, "60000", "62000"), ["60000"]),
        (position("short", MARKET, "62000", "60000"), ["62000"]),
        (position("long", MARKET, "62000", "60000"), []),
    ],
)
def test_take_profit_and_stop_loss_sides(steps: str, bad: list[str]) -> None:
    _, findings = check(with_steps(steps))
    assert where(findings) == [("tp-sl-direction", *col(steps, token)) for token in bad]


def test_direction_messages_say_which_side_and_what_to_write() -> None:
    _, findings = check(with_steps(position("long", LIMIT, "63000", '"+2%"')))
    assert [f.message for f in findings] == [
        "take_profit 63000 is below the limit entry 64000: for a long the take-profit must be "
        "above the entry",
        'stop_loss "+2%" is on the wrong side: for a long the stop-loss must be below the entry',
    ]
    assert findings[1].hint == 'write "-2%"'


def test_tp_sl_steps_check_signs_and_order() -> None:
    steps = (
        '  - tp_sl: {symbol: BTCUSDT, side: short, take_profit: {trigger: "+4%"}}\n'
        "  - tp_sl: {symbol: BTCUSDT, side: long, take_profit: {trigger: 60000},"
        " stop_loss: {trigger: 61000}}\n"
    )
    _, findings = check(with_steps(steps))
    assert where(findings) == [
        ("tp-sl-direction", *col(steps, '"+4%"')),
        ("tp-sl-direction", *col(steps, "60000")),
    ]


PLAN_ORDER = (
    "  - id: p\n    plan_order: {{symbol: ETHUSDT, side: {side}, size: 1, trigger: 2800{extra}}}\n"
)


@pytest.mark.parametrize(
    ("side", "extra", "bad"),
    [
        ("long", ", take_profit: 3100, stop_loss: 2600", []),
        ("long", ", take_profit: 2700", ["2700"]),
        ("long", ", order: {type: limit, price: 2795}, stop_loss: 2797", ["2797"]),
        ("short", ", take_profit: 2900", ["2900"]),
        ("long", ", reduce_only: true, take_profit: 2700", []),
    ],
)
def test_plan_order_protection_is_checked_against_its_order(
    side: str, extra: str, bad: list[str]
) -> None:
    steps = PLAN_ORDER.format(side=side, extra=extra)
    _, findings = check(with_steps(steps))
    assert where(findings) == [("tp-sl-direction", *col(steps, token)) for token in bad]


@pytest.mark.parametrize(
    ("extra", "token"),
    [(', trigger: "-5%"', '"-5%"'), (', trigger: 2800, take_profit: "+5%"', '"+5%"')],
)
def test_relative_prices_are_refused_in_plan_orders(extra: str, token: str) -> None:
    steps = f"  - id: p\n    plan_order: {{symbol: ETHUSDT, side: long, size: 1{extra}}}\n"
    _, findings = check(with_steps(steps))
    assert where(findings) == [("relative-price", *col(steps, token))]


def test_a_symbol_is_needed_in_the_step_or_in_defaults() -> None:
    steps = "  - close: {side: long, size: all}\n  - cancel: {}\n"
    _, findings = check(with_steps(steps))
    assert where(findings) == [("symbol-missing", 4, 5), ("symbol-missing", 5, 5)]
    assert rules_of(steps, head="defaults: {symbol: BTCUSDT}\n") == []


def test_policy_symbols_are_checked_where_the_symbol_was_written() -> None:
    head = "policy: {allowed_symbols: [BTCUSDT]}\ndefaults: {symbol: ETHUSDT}\n"
    steps = (
        "  - position: {side: long, size: 1}\n"
        "  - close: {symbol: SOLUSDT, side: long, size: all}\n"
        "  - cancel: {symbol: SOLUSDT}\n"  # cancelling never trades: allowed
    )
    _, findings = check(with_steps(steps, head=head))
    assert where(findings) == [("policy-symbol", 4, 20), ("policy-symbol", 7, 21)]
    assert findings[0].hint == "add it to policy.allowed_symbols or use another symbol"


def test_policy_max_leverage_covers_steps_and_defaults_once() -> None:
    head = "policy: {max_leverage: 10}\ndefaults: {leverage: 20}\n"
    steps = (
        "  - position: {symbol: BTCUSDT, side: long, size: 1}\n"
        "  - open: {symbol: BTCUSDT, side: short, size: 1}\n"
        "  - leverage: {symbol: ETHUSDT, leverage: 15, margin: cross}\n"
        "  - id: p\n    plan_order: {symbol: ETHUSDT, side: long, size: 1, trigger: 1,"
        " leverage: 5}\n"
    )
    _, findings = check(with_steps(steps, head=head))
    # both inheriting steps point at the one defaults line: reported once
    assert where(findings) == [("policy-leverage", 4, 22), ("policy-leverage", 8, 43)]
    assert findings[1].message == "leverage 15x is above the policy's max_leverage 10x"


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ("  - position: {symbol: BTCUSDT, side: long, size: 1}\n", [("policy-stop-loss", 4, 5)]),
        ("  - open: {symbol: BTCUSDT, side: long, size: 1}\n", [("policy-stop-loss", 4, 5)]),
        (
            "  - position: {symbol: BTCUSDT, side: long, notional: 100}\n",
            [("policy-stop-loss", 4, 5)],
        ),
        (
            "  - position: {symbol: BTCUSDT, side: long, size: 1, stop_loss: null}\n",
            [("policy-stop-loss", 4, 65)],
        ),
        ("  - position: {symbol: BTCUSDT, side: long, size: 0}\n", []),
        (
            '  - position: {symbol: BTCUSDT, side: long, size: 1, stop_loss: {trigger: "-2%"}}\n',
            [],
        ),
    ],
)
def test_require_stop_loss(step: str, expected: list[tuple[str, int, int]]) -> None:
    head = "policy: {require_stop_loss: true}\n"
    _, findings = check(with_steps(step, head=head))
    assert where(findings) == [(r, line + 1, c) for r, line, c in expected]


def test_policy_max_transfer() -> None:
    head = "policy: {max_transfer: 100}\n"
    steps = "  - transfer: {to_futures: 100}\n  - transfer: {to_spot: 100.01}\n"
    _, findings = check(with_steps(steps, head=head))
    assert where(findings) == [("policy-transfer", 6, 25)]


def test_transfers_are_refused_only_when_the_target_is_demo() -> None:
    steps = "  - ensure_balance: {min_available: 5}\n  - transfer: {to_futures: 5}\n"
    assert rules_of(steps) == []
    assert rules_of(steps, target_kind="paper") == []
    assert rules_of(steps, target_kind="live") == []
    assert rules_of(steps, target_kind="demo") == ["no-transfers-on-demo"] * 2


def test_leverage_steps_need_leverage_and_margin_somewhere() -> None:
    assert rules_of("  - leverage: {symbol: BTCUSDT}\n") == ["leverage-missing", "margin-missing"]
    assert (
        rules_of(
            "  - leverage: {symbol: BTCUSDT}\n", head="defaults: {leverage: 3, margin: cross}\n"
        )
        == []
    )


def test_amounts_must_be_positive_even_for_plans_built_in_code() -> None:
    # the schema refuses these in files; the rule guards plans constructed directly
    plan = Plan(
        path="p.yaml",
        sha256="0",
        version=1,
        name="t",
        steps=(
            TransferStep(index=0, amount=Decimal(0), direction=TransferDirection.TO_FUTURES),
            EnsureBalanceStep(index=1, min_available=Decimal(-1)),
        ),
    )
    assert [f.rule for f in check_rules(plan)] == ["transfer-amount", "balance-amount"]
