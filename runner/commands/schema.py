"""`bitmart-runner schema`: print the plan JSON Schema (the packaged copy, byte for byte)."""

from __future__ import annotations

import click

from runner.plan.schema import schema_text


@click.command("schema")
def schema() -> None:
    """Print the plan JSON Schema (draft 2020-12): `bitmart-runner schema > plan.schema.json`."""
    click.echo(schema_text(), nl=False)
