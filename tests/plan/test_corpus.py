"""The plan corpus: every good plan is clean, every bad plan has its stated finding and place.

Each file in tests/plans/bad starts with `# expect: <rule> <line>:<col>`. Cases that must not be
committed as files (invalid UTF-8, oversized, generated) are built here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from runner.compiler.adapt import from_plan
from runner.plan import validate_file

CORPUS = Path(__file__).resolve().parents[1] / "plans"
GOOD = sorted((CORPUS / "good").glob("*.yaml"))
BAD = sorted((CORPUS / "bad").glob("*.yaml"))
EXPECT = re.compile(r"# expect: (?P<rule>[a-z-]+) (?P<line>\d+):(?P<col>\d+)$")


def test_the_corpus_is_big_enough() -> None:
    assert len(GOOD) >= 5
    assert len(BAD) >= 25


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_good_plan_has_no_findings_and_compiles_to_intents(path: Path) -> None:
    plan, findings = validate_file(path)
    assert findings == []
    assert plan is not None
    intents = from_plan(plan)
    assert len(intents.intents) == len(plan.steps)


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_plan_has_the_expected_finding(path: Path) -> None:
    first_line = path.read_bytes().split(b"\n", 1)[0].decode()
    expected = EXPECT.match(first_line)
    assert expected, f"{path.name} must start with '# expect: <rule> <line>:<col>'"
    _, findings = validate_file(path)
    errors = [(f.rule, f.location.line, f.location.col) for f in findings if f.location]
    wanted = (expected["rule"], int(expected["line"]), int(expected["col"]))
    assert all(f.is_error for f in findings if f.rule == wanted[0])
    assert wanted in errors, [str(f.location) + " " + f.rule + ": " + f.message for f in findings]
    assert all(f.location is not None and f.location.path == str(path) for f in findings)
    assert all(f.message for f in findings)


def test_invalid_utf8_is_located_at_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"version: 1\nname: caf\xe9\nsteps: []\n")
    plan, findings = validate_file(path)
    assert plan is None
    assert [(f.rule, f.location.line, f.location.col) for f in findings if f.location] == [
        ("encoding", 2, 10)
    ]
    assert "0xe9" in findings[0].message


def test_more_than_100_steps_is_located_at_step_101(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    steps = "".join("  - position_mode: hedge\n" for _ in range(101))
    path.write_text(f"version: 1\nname: many\nsteps:\n{steps}")
    plan, findings = validate_file(path)
    assert plan is None
    assert [(f.rule, f.location.line, f.location.col) for f in findings if f.location] == [
        ("too-many-steps", 104, 5)
    ]


def test_exactly_100_steps_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "hundred.yaml"
    steps = "".join("  - position_mode: hedge\n" for _ in range(100))
    path.write_text(f"version: 1\nname: hundred\nsteps:\n{steps}")
    plan, findings = validate_file(path)
    assert findings == []
    assert plan is not None and len(plan.steps) == 100


def test_a_file_over_1_mib_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    filler = "# " + "x" * 1000 + "\n"
    path.write_text("version: 1\nname: huge\nsteps:\n  - position_mode: hedge\n" + filler * 1100)
    assert path.stat().st_size > 1024 * 1024
    plan, findings = validate_file(path)
    assert plan is None
    assert [(f.rule, f.location.line, f.location.col) for f in findings if f.location] == [
        ("too-large", 1, 1)
    ]


def test_a_missing_file_is_a_finding_not_an_exception(tmp_path: Path) -> None:
    plan, findings = validate_file(tmp_path / "nope.yaml")
    assert plan is None
    assert [f.rule for f in findings] == ["unreadable"]
