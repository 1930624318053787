"""docs/plan-reference.md is generated from the schema: it must match, and its links resolve."""

from __future__ import annotations

import json
import re
from pathlib import Path

from runner.plan.reference import render_reference
from runner.plan.schema import schema_text

DOC = Path(__file__).resolve().parents[2] / "docs" / "plan-reference.md"
REGENERATE = "python -m runner.plan.reference > docs/plan-reference.md"


def _anchors(text: str) -> set[str]:
    headings = {
        re.sub(r"[^a-z0-9 _-]", "", h.lower()).replace(" ", "-")
        for h in re.findall(r"^#+ (.+)$", text, re.MULTILINE)
    }
    return headings | set(re.findall(r'<a id="([^"]+)"></a>', text))


def test_committed_reference_is_up_to_date() -> None:
    assert DOC.read_text("utf-8") == render_reference(), f"out of date: run `{REGENERATE}`"


def test_every_property_and_step_kind_is_documented() -> None:
    schema = json.loads(schema_text())
    text = render_reference(schema)
    for key in schema["properties"]:
        assert f"| `{key}` |" in text
    for kind in schema["$defs"]["step"]["properties"]:
        assert f"| `{kind}` |" in text
    for key in schema["$defs"]["position"]["properties"]:
        assert f"| `{key}` |" in text


def test_every_internal_link_lands_on_a_heading_or_anchor() -> None:
    text = render_reference()
    targets = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert targets, "the reference links its types"
    assert targets <= _anchors(text)


def test_a_changed_description_changes_the_reference() -> None:
    schema = json.loads(schema_text())
    schema["$defs"]["position"]["properties"]["size"]["description"] = "Changed for the test."
    assert "Changed for the test." in render_reference(schema)
    assert render_reference(schema) != DOC.read_text("utf-8")
