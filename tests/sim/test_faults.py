"""Fault rules: parsing, matching by path, count and seeded probability."""

from __future__ import annotations

import pytest

from runner.sim.errors import ControlError
from runner.sim.faults import FaultBook, parse_rules

PATH = "/contract/private/submit-order"


def test_count_is_honoured_and_rule_removed() -> None:
    book = FaultBook()
    book.add(parse_rules({"rules": [{"path": PATH, "fault": "http_500", "count": 2}]}))
    assert book.take("/contract/private/order") is None
    assert [book.take(PATH) is not None for _ in range(3)] == [True, True, False]
    assert book.active() == []


def test_wildcard_and_order() -> None:
    book = FaultBook()
    book.add(parse_rules({"rules": [{"path": "*", "fault": "delay", "delay_ms": 5}]}))
    rule = book.take("/system/time")
    assert rule is not None
    assert (rule.fault, rule.delay_ms) == ("delay", 5)


def test_probability_is_seeded_and_deterministic() -> None:
    def pattern(seed: int) -> list[bool]:
        book = FaultBook(seed)
        book.add(
            parse_rules(
                {
                    "rules": [
                        {"path": PATH, "fault": "http_429", "count": 1000, "probability": "0.5"}
                    ]
                }
            )
        )
        return [book.take(PATH) is not None for _ in range(200)]

    first = pattern(7)
    assert first == pattern(7)
    assert 40 < sum(first) < 160  # both outcomes occur
    assert first != pattern(8)


def test_probability_zero_never_fires() -> None:
    book = FaultBook()
    book.add(parse_rules({"rules": [{"path": PATH, "fault": "http_500", "probability": 0}]}))
    assert all(book.take(PATH) is None for _ in range(50))


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"rules": "x"},
        {"rules": [{"path": PATH, "fault": "explode"}]},
        {"rules": [{"path": "no-slash", "fault": "http_500"}]},
        {"rules": [{"path": PATH, "fault": "http_500", "count": 0}]},
        {"rules": [{"path": PATH, "fault": "http_500", "count": True}]},
        {"rules": [{"path": PATH, "fault": "http_500", "probability": "1.5"}]},
        {"rules": [{"path": PATH, "fault": "http_500", "probability": "NaN"}]},
        {"rules": [{"path": PATH, "fault": "delay", "delay_ms": -1}]},
        {"rules": [{"path": PATH, "fault": "http_500", "typo": 1}]},
        {"rules": [5]},
    ],
)
def test_bad_rules_are_control_errors(body: object) -> None:
    with pytest.raises(ControlError):
        parse_rules(body)


def test_after_commit_only_with_http_500() -> None:
    rule = parse_rules({"rules": [{"path": PATH, "fault": "http_500", "after_commit": True}]})[0]
    assert rule.performs_request
    assert not parse_rules({"rules": [{"path": PATH, "fault": "http_500"}]})[0].performs_request
    with pytest.raises(ControlError):
        parse_rules({"rules": [{"path": PATH, "fault": "http_429", "after_commit": True}]})
