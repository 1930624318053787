"""The reporter interface: one table of formats, a view and a schema per document kind, the
envelope, GitHub escaping, the Markdown summary, and the error document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import runner.render.views as views_package
from runner import DISCLAIMER
from runner.compiler.compile import compile_plan
from runner.findings import Finding, Location, Severity
from runner.render.findings import annotation, escape_data, escape_property, github_lines
from runner.render.plan_markdown import render_markdown
from runner.render.reporter import FORMATS, REPORTER_BY_NAME, View, envelope
from runner.render.style import Style
from runner.render.views.error import ErrorView, Failure, command_name, requested_format
from runner.render.views.plan import PlanView
from runner.render.views.validate import Checked, ValidateView, Validation
from tests.compiler.fixtures import snapshot
from tests.render.output_schemas import SCHEMAS, problems, schema_of
from tests.render.test_plan_render import IDS, PLAN

BAD = Finding(
    "whole-contracts",
    Severity.ERROR,
    "size must be whole | not 2.5",
    Location("plans/a,b:c.yaml", 4, 51),
    "write 2 or 3",
)


def _view_kinds() -> set[str]:
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(views_package.__path__):
        importlib.import_module(f"{views_package.__name__}.{module.name}")

    def subclasses(cls: type[View[Any]]) -> list[type[View[Any]]]:
        found: list[type[View[Any]]] = []
        for child in cls.__subclasses__():
            found += [child, *subclasses(child)]
        return found

    return {cls.kind for cls in subclasses(View) if cls.__module__.startswith("runner.")}


def test_one_reporter_per_format() -> None:
    assert tuple(REPORTER_BY_NAME) == FORMATS == ("text", "json", "github")


def test_every_view_has_a_schema_and_every_schema_a_view() -> None:
    kinds = _view_kinds()
    files = {p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json")}
    assert kinds == files - {"common"}
    assert {"validate", "plan", "apply", "status", "error", "init", "sim"} <= kinds


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.schema.json")), ids=lambda p: p.name)
def test_schemas_are_valid_draft_2020_12(path: Path) -> None:
    schema = json.loads(path.read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$id"].endswith(f"/output/{path.name}")


def _validation() -> Validation:
    return Validation((Checked(Path("a.yaml"), (BAD,)), Checked(Path("b.yaml"), ())))


def test_envelope_leads_every_document() -> None:
    document = envelope(ValidateView(), _validation(), exit_code=1)
    assert list(document)[:3] == ["format_version", "kind", "exit_code"]
    assert problems(document, "validate") == []


def test_schemas_reject_a_document_that_breaks_the_contract() -> None:
    document = envelope(ValidateView(), _validation(), exit_code=1)
    del document["summary"]
    document["findings"][0]["severity"] = "fatal"
    found = problems(document, "validate")
    assert any("summary" in p for p in found) and any("fatal" in p for p in found)
    assert problems({**envelope(ValidateView(), _validation(), exit_code=1), "x": 1}, "validate")


def test_plan_document_validates_and_keeps_its_fields() -> None:
    document = envelope(PlanView(), compile_plan(PLAN, snapshot(), IDS), exit_code=0)
    assert problems(document, "plan") == []
    required = set(schema_of("plan")["required"])
    assert {"plan", "target", "valid", "changes", "summary", "steps", "findings"} <= required
    assert {"before", "predicted"} <= required


def test_github_escaping_follows_the_runner_rules() -> None:
    assert escape_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    (line,) = github_lines([BAD])
    assert line == (
        "::error file=plans/a%2Cb%3Ac.yaml,line=4,col=51::size must be whole | not 2.5 "
        "(hint: write 2 or 3)"
    )
    assert annotation("warning", "two\nlines") == "::warning::two%0Alines"


def test_markdown_summary_for_the_job_summary() -> None:
    result = compile_plan(PLAN, snapshot(), IDS)
    text = render_markdown(result)
    assert text.startswith(f"### bitmart-runner plan: {result.name}")
    assert "**Plan: 2 changes" in text
    assert "```diff" in text and text.count("```") == 2
    assert "\x1b[" not in text
    assert text.endswith(f"_{DISCLAIMER}_")


def test_markdown_findings_table_escapes_cells() -> None:
    from dataclasses import replace

    result = replace(compile_plan(PLAN, snapshot(), IDS), findings=(BAD,))
    text = render_markdown(result)
    assert (
        "| error | `plans/a,b:c.yaml:4:51` | size must be whole \\| not 2.5 (hint: write 2 or 3)"
        in text
    )
    assert ":x: **Plan is invalid: 1 error.**" in text


@pytest.mark.parametrize(
    ("args", "fmt"),
    [
        (["plan", "x.yaml"], "text"),
        (["plan", "x.yaml", "--json"], "json"),
        (["plan", "--format", "github", "x.yaml"], "github"),
        (["plan", "--format=json", "x.yaml"], "json"),
        (["plan", "--format", "xml"], "text"),
        (["--json", "status", "--format", "text"], "text"),
        (["plan", "--", "--json"], "text"),
    ],
)
def test_the_format_asked_for_is_read_even_when_parsing_failed(args: list[str], fmt: str) -> None:
    assert requested_format(args) == fmt


def test_command_name_from_the_command_line() -> None:
    commands = ["apply", "plan", "sim", "status"]
    assert command_name(["--debug", "plan", "x.yaml"], commands) == "plan"
    assert command_name(["sim", "state", "--json"], commands) == "sim state"
    assert command_name(["--frob"], commands) is None


def test_error_document_and_its_text_and_github_forms() -> None:
    failure = Failure("plan", "ExchangeUnavailable", "cannot reach 127.0.0.1:9", "is it up?")
    document = envelope(ErrorView(), failure, exit_code=6)
    assert problems(document, "error") == []
    assert document["findings"] == [] and document["hint"] == "is it up?"
    assert (
        ErrorView().text(failure, Style(False))
        == "error: cannot reach 127.0.0.1:9\nhint: is it up?"
    )
    assert ErrorView().github(failure, Style(False)) == (
        "::error::cannot reach 127.0.0.1:9 (hint: is it up?)"
    )
    assert problems(envelope(ErrorView(), failure, exit_code=0), "error")  # errors never exit 0


def test_rejected_plan_text_names_rule_and_counts_errors() -> None:
    failure = Failure("plan", "PlanRejected", "a.yaml: 1 error in the plan", None, (BAD,))
    lines = ErrorView().text(failure, Style(False)).splitlines()
    assert (
        lines[0] == "plans/a,b:c.yaml:4:51: error: size must be whole | not 2.5 [whole-contracts]"
    )
    assert lines[1:3] == ["  hint: write 2 or 3", "Plan is invalid: 1 error."]
