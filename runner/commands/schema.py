"""`bitmart-runner schema`: print the plan JSON Schema (the packaged copy, byte for byte)."""

from __future__ import annotations

import click

from runner.commands.common import epilog
from runner.plan.schema import schema_text

EXAMPLES = (
    "bitmart-runner schema > schemas/plan.schema.json   # vendor it for editors",
    "bitmart-runner schema | jq '.$defs | keys'",
)


@click.command("schema", epilog=epilog(EXAMPLES, ("BITMART_RUNNER_DEBUG",)))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    help="Accepted as on every command: the output is the schema itself, JSON in every format "
    "(versioned by its $id, not by an envelope).",
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
def schema(fmt: str, as_json: bool) -> None:
    """Print the plan JSON Schema (draft 2020-12): `bitmart-runner schema > plan.schema.json`."""
    click.echo(schema_text(), nl=False)
