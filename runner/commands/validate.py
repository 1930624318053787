"""`bitmart-runner validate PLAN...`: schema and static rules, offline, many files at once.

Structurally offline: this module imports only the plan language and the renderers, never the
exchange client or the simulator (a test checks ``sys.modules``).
"""

from __future__ import annotations

from pathlib import Path

import click

from runner.errors import ExitCode
from runner.findings import Finding
from runner.plan import validate_file
from runner.render.findings import (
    FORMATS,
    finding_record,
    github_lines,
    json_text,
    summary_line,
    text_lines,
)


@click.command("validate")
@click.argument(
    "plans", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people, json for scripts, github for workflow annotations.",
)
@click.option(
    "--exchange",
    type=click.Choice(["paper", "demo", "live"], case_sensitive=False),
    default=None,
    envvar="BITMART_EXCHANGE",
    help="Also apply the target's rules (demo has no transfers). Nothing is contacted.",
)
def validate(plans: tuple[Path, ...], fmt: str, exchange: str | None) -> None:
    """Check plan files against the schema and the static rules (offline)."""
    target_kind = exchange.lower() if exchange else None
    results: list[tuple[Path, list[Finding]]] = []
    for path in plans:
        _, findings = validate_file(path, target_kind=target_kind)
        results.append((path, findings))
    _emit(results, fmt)
    if any(f.is_error for _, findings in results for f in findings):
        raise click.exceptions.Exit(ExitCode.INVALID)


def _emit(results: list[tuple[Path, list[Finding]]], fmt: str) -> None:
    if fmt == "json":
        records = [finding_record(f, str(path)) for path, findings in results for f in findings]
        click.echo(json_text(records))
        return
    render = github_lines if fmt == "github" else text_lines
    for _, findings in results:
        for line in render(findings):
            click.echo(line)
    everything = [f for _, findings in results for f in findings]
    errors = sum(1 for f in everything if f.is_error)
    invalid = sum(1 for _, findings in results if any(f.is_error for f in findings))
    click.echo(summary_line(len(results), invalid, errors, len(everything) - errors))
