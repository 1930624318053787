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
