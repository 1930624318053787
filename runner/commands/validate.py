"""`bitmart-runner validate PLAN...`: schema and static rules, offline, many files at once.

Structurally offline: this module imports only the plan language and the renderers, never the
exchange client or the simulator (a test checks ``sys.modules``).  The work is in
``runner.commands.validate_plain``, which also runs a plain `validate` line without click.
"""

from __future__ import annotations

from pathlib import Path

import click

from runner.commands.common import Output, epilog, output_options
from runner.commands.validate_plain import EXCHANGES, validate_files

EXAMPLES = (
    "bitmart-runner validate plans/btc.plan.yaml",
    "bitmart-runner validate --format github plans/*.yaml   # annotations in CI",
    "bitmart-runner validate --exchange demo --format json plans/*.yaml",
)


@click.command(
    "validate",
    epilog=epilog(EXAMPLES, ("BITMART_EXCHANGE", "NO_COLOR", "BITMART_RUNNER_DEBUG")),
)
@click.argument(
    "plans", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--exchange",
    type=click.Choice(EXCHANGES, case_sensitive=False),
    default=None,
    envvar="BITMART_EXCHANGE",
    help="Also apply the target's rules (demo has no transfers). Nothing is contacted.",
)
@output_options
def validate(plans: tuple[Path, ...], exchange: str | None, output: Output) -> None:
    """Check plan files against the schema and the static rules (offline)."""
    code = validate_files(plans, exchange, output.fmt, False, output.no_color)
    if code:
        raise click.exceptions.Exit(code)
