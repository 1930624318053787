"""libyaml and pure-Python composition give the same document, findings and locations.

The loader composes with libyaml's parser when PyYAML has it and falls back to PyYAML's own
parser (for anything libyaml refuses, and when libyaml is missing); both must read every plan
the same way, down to the line and column of each value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runner.plan import compose
from runner.plan.load import PlanLoadError, load_document

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    [
        *(ROOT / "tests" / "plans" / "good").glob("*.yaml"),
        *(ROOT / "tests" / "plans" / "bad").glob("*.yaml"),
        *(ROOT / "plans").rglob("*.yaml"),
    ]
)


def _read(source: bytes) -> Any:
    try:
        doc = load_document(source, "p.yaml")
    except PlanLoadError as exc:
        return ("findings", exc.findings)
    return ("document", doc.data, dict(doc.locations), dict(doc.key_locations))


def _both(source: bytes) -> tuple[Any, Any]:
    fast = _read(source)
    composer = compose._CComposer
    compose._CComposer = None  # as without libyaml
    try:
        slow = _read(source)
    finally:
        compose._CComposer = composer
    return fast, slow


def test_libyaml_is_used_here() -> None:
    # otherwise the comparisons below compare the Python path with itself
    assert compose._CComposer is not None


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_both_paths_read_every_corpus_file_alike(path: Path) -> None:
    fast, slow = _both(path.read_bytes())
    assert fast == slow


# a value left out inside a flow collection: libyaml marks the empty scalar at the next token,
# PyYAML right after the colon; both paths locate it at the end of its key (found by the
# randomized test below)
EMPTY_FLOW_VALUES = [
    b"a: {c: }\n",
    b"a: {c: , d: 1}\n",
    b"a: [b, c: ]\n",
    b"version: 1\na: [a: ]\n",
]


@pytest.mark.parametrize("source", EMPTY_FLOW_VALUES)
def test_both_paths_locate_a_value_left_out_in_a_flow_collection_alike(source: bytes) -> None:
    fast, slow = _both(source)
    assert fast == slow
    _, _, locations, key_locations = fast
    value = max(key_locations, key=lambda pointer: pointer.count("/"))
    key_line, key_col = key_locations[value].line, key_locations[value].col
    assert (locations[value].line, locations[value].col) == (key_line, key_col + 1)


SOURCES = [path.read_bytes() for path in FILES]
SNIPPETS = st.sampled_from(
    [
        b"&a ",
        b"*a",
        b"[",
        b"]",
        b"{",
        b"}",
        b": ",
        b"- ",
        b"\n  ",
        b"\n",
        b"'",
        b'"',
        b"#",
        b"!!str ",
        b"<<: ",
        b"yes",
        b"2024-01-01",
        b"0x1F",
        b"\xc2\x85",
        b"---\n",
        b"\\t",
        b"%",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SOURCES), st.integers(0, 100_000), SNIPPETS, st.booleans())
def test_both_paths_agree_on_damaged_plans(
    source: bytes, where: int, snippet: bytes, replace: bool
) -> None:
    at = where % (len(source) + 1)
    damaged = source[:at] + snippet + source[at + (len(snippet) if replace else 0) :]
    fast, slow = _both(damaged)
    assert fast == slow


def _guarded_libyaml(source: bytes, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as patch:
        patch.setattr(compose, "_native_safe", lambda text: False)  # libyaml's events only
        return _read(source)


DEEP = "[" * 40 + "]" * 40
DEEP_CASES = [
    f"a: {DEEP}\n",
    f"? {DEEP}\n: 1\n",  # inside a key that is refused anyway
    f"a: !!set {{b: {DEEP}}}\n",  # inside a collection with a refused tag
    f"a: 1\na: {DEEP}\n",  # under a duplicate key
    f"- {DEEP}\n",  # a root that is not a mapping
    "version: 1\nsteps:\n" + "  - {}\n" * 101 + f"z: {DEEP}\n",  # too many steps, too deep
    "a: " + "[" * 31 + "]" * 31 + "\n",  # as deep as allowed
    "a: " + "[" * 31 + "{}" + "]" * 31 + "\n",  # an empty mapping one deeper
    "a: " + "[" * 31 + "[1]" + "]" * 31 + "\n",  # an item one deeper
    "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 34)) + "  " * 34 + "x: 1\n",
]


@pytest.mark.parametrize("text", DEEP_CASES, ids=range(len(DEEP_CASES)))
def test_libyaml_composer_and_the_walk_refuse_nesting_where_the_guarded_one_does(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = text.encode()
    assert compose._native_safe(text)  # this text takes libyaml's own composer
    native = _read(source)
    assert native == _guarded_libyaml(source, monkeypatch)
    assert native == _both(source)[1]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_libyaml_composer_reads_every_corpus_file_as_its_events_do(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = path.read_bytes()
    assert _read(source) == _guarded_libyaml(source, monkeypatch)


def test_anchors_aliases_and_many_indicators_take_the_guarded_path() -> None:
    assert not compose._native_safe("a: &x 1\n")
    assert not compose._native_safe("a: *x\n")
    assert not compose._native_safe("a: " + "[" * 2001 + "]" * 2001)
    assert compose._native_safe("a: [1, {b: 2}]\n- x\n? y\n")
