"""`bitmart-runner sim ...`: serve the simulator, or drive the paper exchange (or a running server).

``price``, ``fund``, ``reset``, ``state``, ``book``, ``clock`` and ``funding`` speak to the
control endpoints: of the paper exchange
in-process (its SQLite file under the runner home) or, with ``--base-url``, of a running
``sim serve``.  One code path for both, so the paper file and a server behave the same.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from runner.commands.sim_market import book, clock, funding
from runner.commands.simcontrol import NON_NEGATIVE, POSITIVE, base_url_option, control
from runner.config import ENV_KEY, ENV_MEMO, ENV_SECRET, mask_key
from runner.errors import ConfigError, ExitCode, UsageError


@click.group("sim")
def sim() -> None:
    """The BitMart futures simulator: serve it over HTTP, or drive the paper exchange."""


for _market_command in (book, clock, funding):
    sim.add_command(_market_command)


@sim.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=0, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite file keeping the simulated account across restarts (default: in memory).",
)
@click.option("--latency-ms", default=0, show_default=True, type=click.IntRange(0, 60_000))
@click.option("--api-key", envvar=ENV_KEY, default=None, help=f"Accepted key [env: {ENV_KEY}].")
@click.option("--api-secret", envvar=ENV_SECRET, default=None, help=f"[env: {ENV_SECRET}]")
@click.option("--api-memo", envvar=ENV_MEMO, default=None, help=f"[env: {ENV_MEMO}]")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed for ids and faults.")
@click.option("--no-rate-limit", is_flag=True, help="Count requests but never answer 429.")
def serve(
    host: str,
    port: int,
    db: Path | None,
    latency_ms: int,
    api_key: str | None,
    api_secret: str | None,
    api_memo: str | None,
    seed: int,
    no_rate_limit: bool,
) -> int:
    """Serve the BitMart futures REST API; first stdout line: `listening on http://HOST:PORT`.

    Without credentials it accepts BitMart's published documentation example key
    (runner.sim.auth.TEST_CREDENTIALS); stop it with Ctrl-C or SIGTERM.
    """
    from runner.sim.auth import TEST_CREDENTIALS, ApiCredentials
    from runner.sim.server import SimServer, serve_until_signalled

    given = {ENV_KEY: api_key, ENV_SECRET: api_secret, ENV_MEMO: api_memo}
    if not any(given.values()):
        credentials = TEST_CREDENTIALS
        click.echo(
            f"no credentials given: accepting the test key {mask_key(credentials.key)} "
            "(secret and memo: runner.sim.auth.TEST_CREDENTIALS)",
            err=True,
        )
    else:
        missing = [name for name, value in given.items() if not value]
        if missing:
            raise UsageError(f"sim serve: missing {', '.join(missing)} (give all three or none)")
        credentials = ApiCredentials(str(api_key), str(api_secret), str(api_memo))
        click.echo(f"accepting key {mask_key(credentials.key)}", err=True)
    try:
        server = SimServer(
            host=host,
            port=port,
            credentials=credentials,
            db=db,
            latency_ms=latency_ms,
            seed=seed,
            rate_limit=not no_rate_limit,
        )
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    if not _is_loopback_host(host):
        click.echo(f"warning: {host} is reachable from other machines", err=True)

    def announce(line: str) -> None:
        click.echo(line)
        sys.stdout.flush()

    serve_until_signalled(server, announce)
    click.echo("simulator stopped", err=True)
    return ExitCode.OK


def _is_loopback_host(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


@sim.command("price")
@click.argument("symbol")
@click.argument("price", type=POSITIVE)
@click.option("--mark", type=POSITIVE, default=None, help="Mark price (default: the backend's).")
@base_url_option
def price(symbol: str, price: Decimal, mark: Decimal | None, base_url: str | None) -> int:
    """Move SYMBOL's last price (fills limits, fires TP/SL and plan orders, liquidates)."""
    payload: dict[str, str] = {"symbol": symbol.upper(), "price": str(price)}
    if mark is not None:
        payload["mark"] = str(mark)
    control(base_url, "POST", "/sim/price", payload)
    suffix = f", mark {mark}" if mark is not None else ""
    click.echo(f"{symbol.upper()}: last price {price}{suffix}")
    return ExitCode.OK


@sim.command("fund")
@click.argument("amount", type=POSITIVE)
@click.option("--wallet", type=click.Choice(["spot", "futures"]), default="spot", show_default=True)
@base_url_option
def fund(amount: Decimal, wallet: str, base_url: str | None) -> int:
    """Credit AMOUNT USDT to the spot (default) or futures wallet."""
    control(base_url, "POST", "/sim/fund", {"wallet": wallet, "amount": str(amount)})
    click.echo(f"credited {amount} USDT to the {wallet} wallet")
    return ExitCode.OK


@sim.command("reset")
@click.option("--spot", type=NON_NEGATIVE, default=None, help="Starting spot USDT (default 10000).")
@click.option(
    "--futures", type=NON_NEGATIVE, default=None, help="Starting futures USDT (default 0)."
)
@base_url_option
def reset(spot: Decimal | None, futures: Decimal | None, base_url: str | None) -> int:
    """Start a fresh simulated account (positions, orders and history are discarded)."""
    payload = {
        name: str(value)
        for name, value in (("spot", spot), ("futures", futures))
        if value is not None
    }
    control(base_url, "POST", "/sim/reset", payload)
    click.echo("fresh simulated account")
    return ExitCode.OK


def _pretty_json(value: Any, depth: int = 0) -> str:
    """Indented JSON that writes Decimals back as JSON numbers (json.dumps would quote them)."""
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict) and value:
        items = [
            f"{inner}{json.dumps(str(k))}: {_pretty_json(v, depth + 1)}" for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and value:
        items = [f"{inner}{_pretty_json(v, depth + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value)


@sim.command("state")
@base_url_option
def state(base_url: str | None) -> int:
    """Print the simulator state as JSON: balances, positions, orders, request counts."""
    body = control(base_url, "GET", "/sim/state")
    click.echo(_pretty_json(body))
    return ExitCode.OK
