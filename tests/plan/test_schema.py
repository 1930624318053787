"""The JSON Schema file (editors, packaging) and the human messages made from its errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from runner.plan.schema import SCHEMA_ID, schema, schema_text, validator

from .helpers import check, where, with_steps


def walk(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every subschema (dict) in the document, with a readable path."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key not in ("examples", "enum", "const"):
                yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{path}/{i}")


def test_packaged_schema_is_byte_identical_to_the_repository_copy(repo: Path) -> None:
    packaged = repo / "runner" / "data" / "plan.schema.json"
    assert (repo / "schemas" / "plan.schema.json").read_bytes() == packaged.read_bytes()
    assert schema_text().encode() == packaged.read_bytes()


def test_schema_is_a_valid_draft_2020_12_schema_with_a_stable_id() -> None:
    document = schema()
    Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == SCHEMA_ID == "https://bitmart-runner.dev/schemas/plan-v1.json"
    assert document["title"] and document["description"]


def test_every_property_has_title_description_and_examples() -> None:
    missing = [
        f"{path}/properties/{name}"
        for path, node in walk(schema())
        for name, prop in node.get("properties", {}).items()
        if not (prop.get("title") and prop.get("description") and prop.get("examples"))
    ]
    assert missing == []


def test_every_object_forbids_additional_properties() -> None:
    open_objects = [
        path
        for path, node in walk(schema())
        if "properties" in node and node.get("additionalProperties") is not False
    ]
    assert open_objects == []


def test_property_examples_are_valid_for_their_property() -> None:
    invalid = []
    for path, node in walk(schema()):
        for name, prop in node.get("properties", {}).items():
            checker = validator().evolve(schema=prop)
            for example in prop["examples"]:
                if not checker.is_valid(json.loads(json.dumps(example))):
                    invalid.append((f"{path}/properties/{name}", example))
    assert invalid == []


def test_closed_sets_are_enums() -> None:
    defs = schema()["$defs"]
    assert defs["side"]["enum"] == ["long", "short"]
    assert defs["margin"]["enum"] == ["isolated", "cross"]
    assert defs["priceType"]["enum"] == ["last", "mark"]
    assert defs["timeInForce"]["enum"] == ["gtc", "fok", "ioc", "maker_only"]
    assert defs["entry"]["properties"]["type"]["enum"] == ["market", "limit"]
    step = defs["step"]["properties"]
    assert step["position_mode"]["enum"] == ["hedge", "one_way"]
    assert defs["cancel"]["properties"]["what"]["enum"] == ["all", "orders", "plan_orders", "tp_sl"]
    assert defs["planOrder"]["properties"]["direction"]["enum"] == ["rises", "falls"]
    assert defs["symbol"]["pattern"] == "^[A-Z0-9]{2,20}USDT$"


def test_the_top_level_example_is_a_valid_plan() -> None:
    for example in schema()["examples"]:
        assert validator().is_valid(example)


@pytest.mark.parametrize(
    ("steps", "rule", "token", "message", "hint"),
    [
        (
            "  - position: {symbol: BTCUSDT, side: long, sizee: 1}\n",
            "unknown-key",
            "sizee",
            "unknown key 'sizee' in position (expected one of: symbol, side, size, notional, risk, "
            "leverage, margin, entry, take_profit, stop_loss, reentry, rebalance_band, "
            "trailing_stop, stop_rules)",
            "did you mean 'size'?",
        ),
        (
            "  - position: {symbol: BTCUSDT, side: lng, size: 1}\n",
            "bad-value",
            "lng",
            "side must be one of: long, short (got 'lng')",
            "did you mean 'long'?",
        ),
        (
            "  - position: {symbol: BTCUSDT, side: long, size: 2.5}\n",
            "whole-contracts",
            "2.5",
            "size must be a whole number of contracts (got 2.5)",
            None,
        ),
        (
            '  - open: {symbol: BTCUSDT, side: long, size: "1.5"}\n',
            "whole-contracts",
            '"1.5"',
            "size must be a whole number of contracts (got '1.5')",
            None,
        ),
        (
            "  - cancel: {symbol: btcusdt}\n",
            "bad-symbol",
            "btcusdt",
            "symbol must be a USDT-M contract such as BTCUSDT (got 'btcusdt')",
            "did you mean 'BTCUSDT'?",
        ),
        (
            '  - tp_sl: {symbol: BTCUSDT, side: long, stop_loss: {trigger: "3%"}}\n',
            "bad-price",
            '"3%"',
            "stop_loss.trigger must be a price such as 72000 or a percentage of the entry price "
            'such as "+5%" or "-3%" (got \'3%\')',
            'write "+3%" (above the entry price) or "-3%" (below it)',
        ),
        (
            "  - position_mode: hedged\n",
            "bad-value",
            "hedged",
            "position_mode must be one of: hedge, one_way (got 'hedged')",
            "did you mean 'hedge'?",
        ),
        (
            "  - position\n",
            "bad-type",
            "position",
            "step 1 must be a mapping (got 'position')",
            "write the step as `position:` followed by its settings",
        ),
        (
            "  - {id: lonely}\n",
            "step-kind",
            "{id",
            "step 1 has no kind",
            "add one of: position, open, close, tp_sl, leverage, position_mode, ensure_balance, "
            "transfer, plan_order, cancel",
        ),
        (
            "  - ensure_balance: {min_available: -5}\n",
            "out-of-range",
            "-5",
            "min_available must be more than 0 (got -5)",
            None,
        ),
        (
            "  - leverage: {symbol: BTCUSDT, leverage: ten, margin: cross}\n",
            "bad-number",
            "ten",
            "leverage must be a number such as 10 (got 'ten')",
            None,
        ),
        (
            "  - close: {symbol: BTCUSDT, side: long, size: everything}\n",
            "whole-contracts",
            "everything",
            "size must be a whole number of contracts or \"all\" (got 'everything')",
            None,
        ),
        (
            "  - transfer: {to_futures: 100, amount: 5}\n",
            "transfer-form",
            "{to_futures",
            "transfer takes either amount and direction, or one of to_futures / to_spot",
            None,
        ),
        (
            "  - transfer: {amount: 5, direction: sideways}\n",
            "bad-value",
            "sideways",
            "direction must be one of: to_futures, to_spot (got 'sideways')",
            None,
        ),
    ],
)
def test_schema_mistakes_read_as_one_human_sentence(
    steps: str, rule: str, token: str, message: str, hint: str | None
) -> None:
    plan, findings = check(with_steps(steps))
    assert plan is None
    assert where(findings) == [(rule, 4, steps.index(token) + 1)]
    assert findings[0].message == message
    assert findings[0].hint == hint


def test_a_typo_in_a_required_key_is_one_finding_not_two() -> None:
    step = "  - position: {symbol: BTCUSDT, sidee: long, size: 1}\n"
    _, findings = check(with_steps(step))
    assert where(findings) == [("unknown-key", 4, step.index("sidee") + 1)]
    assert findings[0].hint == "did you mean 'side'?"


def test_a_misspelt_kind_is_one_finding_with_a_suggestion() -> None:
    _, findings = check(with_steps("  - postion: {symbol: BTCUSDT, side: long, size: 1}\n"))
    assert where(findings) == [("unknown-key", 4, 5)]
    assert findings[0].hint == "did you mean 'position'?"


def test_several_mistakes_give_one_finding_each_in_file_order() -> None:
    text = with_steps(
        "  - position: {symbol: BTCUSDT, side: lng, size: 1}\n"
        "  - cancel: {symbol: BTCUSDT, what: every}\n",
        head="policy: {max_leverage: 0}\n",
    )
    _, findings = check(text)
    # policy: {max_leverage: 0} / - position: {..., side: lng, ...} / - cancel: {..., what: every}
    assert where(findings) == [("out-of-range", 3, 24), ("bad-value", 5, 39), ("bad-value", 6, 37)]


def test_whole_decimals_count_as_whole_contracts() -> None:
    plan, findings = check(with_steps("  - position: {symbol: BTCUSDT, side: long, size: 10.0}\n"))
    assert findings == []
    assert plan is not None


def test_version_and_required_keys() -> None:
    _, findings = check("name: x\nversion: 1.5\n")
    assert [(f.rule, f.message) for f in findings] == [
        ("missing-key", "missing required key 'steps' at the top level of the plan"),
        ("bad-value", "version must be 1 (got 1.5)"),
    ]


def test_two_kinds_are_reported_even_beside_an_unknown_key() -> None:
    step = (
        "  - position: {symbol: BTCUSDT, side: long, size: 1}\n"
        "    open: {symbol: BTCUSDT, side: long, size: 1}\n"
        "    colour: red\n"
    )
    _, findings = check(with_steps(step))
    assert where(findings) == [("step-kind", 5, 5), ("unknown-key", 6, 5)]
