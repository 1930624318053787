"""`bitmart-runner init [--symbol BTCUSDT] [PATH]`: a commented starter plan, never overwriting."""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

import click

from runner.commands.common import Output, epilog, output_options
from runner.errors import ExitCode
from runner.plan.schema import SCHEMA_ID, schema_text
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


def repository_root(folder: Path) -> Path | None:
    """The nearest folder at or above ``folder`` holding `.git` (a repository or a worktree)."""
    for parent in (folder, *folder.parents):
        if (parent / ".git").exists():
            return parent
    return None


def schema_reference(plan_path: Path) -> str:
    """Where the plan's modeline points: a `schemas/plan.schema.json` in the plan's folder or a
    parent up to the repository root (relative, so it resolves wherever the repository is cloned),
    else the schema's stable `$id` URL.  Never the installed copy: a path into site-packages stops
    resolving once the plan is committed or the virtual environment moves."""
    folder = plan_path.resolve().parent
    root = repository_root(folder)
    parents = (folder, *folder.parents)
    for parent in parents[: parents.index(root) + 1] if root is not None else parents:
        candidate = parent / "schemas" / "plan.schema.json"
        if candidate.is_file():
            return Path(os.path.relpath(candidate, folder)).as_posix()
    return SCHEMA_ID


def vendor_schema(plan_path: Path) -> tuple[Path, bool]:
    """Copy this runner's schema to `schemas/plan.schema.json` at the root of the plan's
    repository (else of the current folder); returns the path and whether it was written."""
    root = repository_root(plan_path.resolve().parent) or Path.cwd()
    target = root / "schemas" / "plan.schema.json"
    text = schema_text()
    if target.is_file() and target.read_text("utf-8") == text:
        return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, "utf-8")
    return target, True


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
    help="What the modeline points to (default: a schemas/plan.schema.json in the plan's "
    "repository, else the schema's $id URL).",
)
@click.option(
    "--vendor-schema",
    "vendor_schema_",
    is_flag=True,
    help="Copy the plan schema to schemas/plan.schema.json at the repository root first, so the "
    "modeline points to a committed file.",
)
@output_options
def init(
    path: Path,
    symbol: str,
    schema: str | None,
    vendor_schema_: bool,
    output: Output,
) -> None:
    """Write a commented starter plan (default plans/main.plan.yaml); never overwrites a file."""
    if path.exists():
        raise click.ClickException(
            f"{path} already exists; not overwritten (choose another PATH or remove it)"
        )
    if vendor_schema_:
        target, fresh = vendor_schema(path)
        verb = "wrote" if fresh else "kept"
        click.echo(f"{verb} {target}: the plan schema for editors", err=True)
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
    output.reporter().report(InitView(), written, exit_code=ExitCode.OK)
