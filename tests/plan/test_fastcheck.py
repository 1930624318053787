"""The compiled schema check agrees with jsonschema: same yes/no on every document.

The fast check decides alone when a plan is valid, so a document it accepts and jsonschema
refuses would be a plan that skips its schema findings.  Both run over the corpus, the examples
and generated variants of them (keys dropped, values replaced, unknown keys added).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runner.plan.fastcheck import Unsupported, compile_schema, equal
from runner.plan.load import PlanLoadError, load_document
from runner.plan.schema import fast_check, schema, validator

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    [
        *(ROOT / "tests" / "plans" / "good").glob("*.yaml"),
        *(ROOT / "tests" / "plans" / "bad").glob("*.yaml"),
        *(ROOT / "plans").rglob("*.yaml"),
    ]
)


def _documents() -> list[tuple[str, dict[str, Any]]]:
    docs = []
    for path in FILES:
        try:
            docs.append((path.name, load_document(path.read_bytes(), str(path)).data))
        except PlanLoadError:
            continue  # not even YAML: the schema never sees it
    return docs


DOCUMENTS = _documents()


def _jsonschema_accepts(data: Any) -> bool:
    return next(iter(validator().iter_errors(data)), None) is None


def _fast() -> Any:
    check = fast_check()
    assert check is not None, "the plan schema must stay within what fastcheck compiles"
    return check


def test_the_plan_schema_compiles() -> None:
    assert fast_check() is not None
    assert len(DOCUMENTS) >= 40


@pytest.mark.parametrize(("name", "data"), DOCUMENTS, ids=[n for n, _ in DOCUMENTS])
def test_fast_check_agrees_with_jsonschema_on_the_corpus(name: str, data: dict[str, Any]) -> None:
    assert _fast()(data) == _jsonschema_accepts(data)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 200).map(Decimal),
    st.decimals(min_value=-10, max_value=100_000, places=3),
    st.sampled_from(
        [
            "",
            "BTCUSDT",
            "btcusdt",
            "long",
            "short",
            "-3%",
            "+5%",
            "market",
            "limit",
            "all",
            "hedge",
            "one_way",
            "isolated",
            "cross",
            "gtc",
            "0",
            "1",
            "10",
            "x" * 50,
            "a-b",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["symbol", "size", "trigger", "x", "type"]), inner, max_size=3
        )
    ),
    max_leaves=6,
)


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(value, dict):
        for key, sub in value.items():
            found += _paths(sub, (*at, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            found += _paths(sub, (*at, index))
    return found


def _mutate(data: Any, at: tuple[Any, ...], how: str, new: Any) -> Any:
    if not at:
        return new if how == "replace" else data
    head, rest = at[0], at[1:]
    if isinstance(data, dict):
        copy = dict(data)
        if not rest and how == "drop":
            copy.pop(head, None)
        elif not rest and how == "add":
            copy["unexpected"] = new
        else:
            copy[head] = _mutate(data[head], rest, how, new)
        return copy
    copy_list = list(data)
    if not rest and how == "drop":
        del copy_list[head]
    else:
        copy_list[head] = _mutate(data[head], rest, how, new)
    return copy_list


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(DOCUMENTS),
    st.integers(0, 10_000),
    st.sampled_from(["replace", "drop", "add"]),
    VALUES,
)
def test_fast_check_agrees_with_jsonschema_on_variants(
    named: tuple[str, dict[str, Any]], pick: int, how: str, new: Any
) -> None:
    _, data = named
    paths = _paths(data)
    variant = _mutate(data, paths[pick % len(paths)], how, new)
    assert _fast()(variant) == _jsonschema_accepts(variant)


def test_equal_tells_booleans_from_numbers_like_jsonschema() -> None:
    assert equal(Decimal(1), 1)
    assert not equal(True, 1)
    assert not equal(Decimal(0), False)
    assert equal([Decimal("1.0"), "a"], [1, "a"])
    assert not equal({"a": 1}, {"a": True})
    assert not equal(None, "")


def test_an_unknown_keyword_or_a_remote_ref_is_refused_not_ignored() -> None:
    with pytest.raises(Unsupported):
        compile_schema({"type": "string", "format": "date"})
    with pytest.raises(Unsupported):
        compile_schema({"$ref": "https://example.com/other.json"})
    assert schema()["$defs"]  # the real schema has definitions the compiler resolves
