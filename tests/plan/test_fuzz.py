"""Hostile and broken input: the plan language answers with findings, never with a crash.

Random bytes, random text and random mutations of the example plans all go through the whole
pipeline (load -> schema -> model -> rules); a plan that comes out clean must also adapt to intents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runner.compiler.adapt import from_plan
from runner.findings import Finding
from runner.plan import validate_source

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "plans" / "examples").glob("*.yaml"))
TEXTS = [p.read_text() for p in EXAMPLES]
PATH = "fuzz.yaml"
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_well_formed(source: bytes) -> None:
    plan, findings = validate_source(source, PATH)
    for finding in findings:
        assert isinstance(finding, Finding)
        assert finding.message
        assert finding.location is not None and finding.location.path == PATH
        assert finding.location.line >= 1 and finding.location.col >= 1
    if plan is not None and not any(f.is_error for f in findings):
        intents = from_plan(plan)
        assert len(intents.intents) == len(plan.steps)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(source: bytes) -> None:
    assert_well_formed(source)


YAML_ALPHABET = st.sampled_from(list("abcdefgkmnoprstuvxy0123456789 \n\t-:,.{}[]&*!|>'\"#%@`~?+"))


@FUZZ
@given(st.text(YAML_ALPHABET, max_size=300))
def test_random_yaml_like_text(text: str) -> None:
    assert_well_formed(text.encode())


@FUZZ
@given(st.text(max_size=200))
def test_random_unicode_text(text: str) -> None:
    assert_well_formed(text.encode("utf-8", "surrogatepass"))


@st.composite
def text_mutation(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(TEXTS))
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, min(len(text), start + 40)))
    insert = draw(st.text(YAML_ALPHABET, max_size=20))
    return text[:start] + insert + text[end:]


@FUZZ
@given(text_mutation())
def test_text_mutations_of_valid_plans(text: str) -> None:
    assert_well_formed(text.encode())


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.sampled_from(["long", "short", "market", "limit", "+5%", "-3%", "all", "BTCUSDT", "", "x"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


@st.composite
def tree_mutation(draw: st.DrawFn) -> str:
    data = yaml.safe_load(draw(st.sampled_from(TEXTS)))
    target = draw(st.sampled_from(paths(data)[1:]))
    parent = data
    for token in target[:-1]:
        parent = parent[token]
    action = draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "delete" and isinstance(parent, dict):
        del parent[target[-1]]
    elif action == "add" and isinstance(parent, dict):
        parent[draw(st.sampled_from(["size", "price", "id", "extra", "symbol"]))] = draw(VALUES)
    else:
        parent[target[-1]] = draw(VALUES)
    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


@FUZZ
@given(tree_mutation())
def test_structural_mutations_of_valid_plans(text: str) -> None:
    assert_well_formed(text.encode())
