"""Printing findings of a plan rejected before the account was read (plan and apply)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click

from runner import DISCLAIMER
from runner.findings import Finding
from runner.render.findings import github_lines
from runner.render.plan_json import finding_json
from runner.render.plan_text import render_finding
from runner.render.style import Style


def emit_rejection(path: Path, findings: Sequence[Finding], fmt: str, style: Style) -> None:
    if fmt == "json":
        document = {
            "format_version": 1,
            "path": str(path),
            "valid": False,
            "findings": [finding_json(f) for f in findings],
        }
        click.echo(json.dumps(document, indent=2))
        return
    if fmt == "github":
        for line in github_lines(findings):
            click.echo(line)
    for finding in findings:
        for line in render_finding(finding, style):
            click.echo(line)
    errors = sum(1 for f in findings if f.is_error)
    click.echo(style(f"Plan is invalid: {errors} error{'s' if errors != 1 else ''}.", "red"))
    click.echo(DISCLAIMER)
