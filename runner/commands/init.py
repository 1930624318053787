"""`bitmart-runner init [--symbol BTCUSDT] [PATH]`: a commented starter plan, never overwriting."""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

import click

from runner.commands.common import epilog, output_options, reporter_for
from runner.errors import ExitCode
from runner.render.views.misc import Initialised, InitView

DEFAULT_PATH = Path("plans/main.plan.yaml")
EXAMPLES = (
    "bitmart-runner init                                   # plans/main.plan.yaml, BTCUSDT",
    "bitmart-runner init --symbol ETHUSDT plans/eth.plan.yaml",
    "bitmart-runner init --schema https://bitmart-runner.dev/schemas/plan-v1.json plans/x.yaml",
)
_SYMBOL = re.compile(r"^[A-Z0-9]{2,20}USDT$")  # the schema's symbol pattern


def _symbol(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    symbol = value.strip().upper()
    if not _SYMBOL.match(symbol):
        raise click.BadParameter(f"{value!r} is not a USDT-M futures symbol such as BTCUSDT")
    return symbol


def schema_reference(plan_path: Path) -> str:
    """Where the plan's modeline points: a `schemas/plan.schema.json` in the plan's folder or
    any parent (a project that vendors it; relative, so the repository can move), else the copy
    installed with the runner (absolute: works from any folder on this machine)."""
    folder = plan_path.resolve().parent
    for parent in (folder, *folder.parents):
        candidate = parent / "schemas" / "plan.schema.json"
        if candidate.is_file():
            return Path(os.path.relpath(candidate, folder)).as_posix()
    packaged = resources.files("runner") / "data" / "plan.schema.json"
    return Path(str(packaged)).resolve().as_uri()


def starter_text(plan_path: Path, symbol: str, schema: str) -> str:
    template = (resources.files("runner") / "data" / "starter.plan.yaml").read_text("utf-8")
    name = re.sub(r"[^a-z0-9-]+", "-", plan_path.name.split(".")[0].lower()).strip("-")
    return template.format(
        schema=schema, file=plan_path.as_posix(), name=(name or "main")[:40], symbol=symbol
    )


@click.command("init", epilog=epilog(EXAMPLES, ("BITMART_RUNNER_DEBUG",)))
@click.argument(
    "path", required=False, type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_PATH
)
@click.option(
    "--symbol",
    default="BTCUSDT",
    show_default=True,
    callback=_symbol,
    help="The contract the starter plan trades.",
)
@click.option(
    "--schema",
    "schema",
    metavar="PATH|URL",
    help="What the modeline points to (default: a schemas/plan.schema.json found in a parent "
    "folder, else the installed copy).",
)
@output_options
def init(
    path: Path, symbol: str, schema: str | None, fmt: str, as_json: bool, no_color: bool
) -> None:
    """Write a commented starter plan (default plans/main.plan.yaml); never overwrites a file."""
    reference = schema or schema_reference(path)
    text = starter_text(path, symbol, reference)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # "x": created here or not at all, even if another process races us to the name
        with path.open("x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        raise click.ClickException(
            f"{path} already exists; not overwritten (choose another PATH or remove it)"
        ) from None
    written = Initialised(str(path), symbol, reference)
    reporter_for(fmt, as_json, no_color).report(InitView(), written, exit_code=ExitCode.OK)
