"""A plain `validate` line runs without click, exactly as the click command would run it.

Every line here is run twice as a separate process: as given (``plain_validate`` reads it when it
can) and with a trailing ``--`` (which only click reads, meaning the same); stdout, stderr and the
exit code must be the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from runner.commands.validate_plain import plain_validate

GOOD = "plans/examples/btc-long.yaml"
BAD = "tests/plans/bad"


def _bad_plan(repo: Path) -> str:
    return str(sorted((repo / BAD).glob("*.yaml"))[0].relative_to(repo))


def _run(repo: Path, args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "runner", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=repo,
        env=env,
    )
    return done.returncode, done.stdout, done.stderr


LINES = [
    ["validate", GOOD],
    ["validate", "BAD"],
    ["validate", GOOD, "BAD", "--format", "json"],
    ["validate", "--format=github", "BAD"],
    ["validate", "--json", "--no-color", GOOD],
    ["validate", "--exchange", "demo", GOOD, "BAD"],
    ["validate", "--exchange=LIVE", "--format", "json", GOOD],
]


@pytest.mark.parametrize("line", LINES, ids=lambda line: " ".join(line[1:]))
@pytest.mark.parametrize("exchange_env", [None, "demo"])
def test_plain_line_reads_as_click_reads_it(
    repo: Path, line: list[str], exchange_env: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = [_bad_plan(repo) if arg == "BAD" else arg for arg in line]
    monkeypatch.chdir(repo)
    monkeypatch.delenv("BITMART_EXCHANGE", raising=False)
    assert plain_validate(args) is not None
    env = {k: v for k, v in os.environ.items() if k != "BITMART_EXCHANGE"}
    env["NO_COLOR"] = "1"
    if exchange_env is not None:
        env["BITMART_EXCHANGE"] = exchange_env
    plain = _run(repo, args, env)
    assert _run(repo, [*args, "--"], env) == plain
    assert plain[0] in (0, 1), plain  # checked, valid or not: no usage error


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["validate", "--help"],
        ["validate", "-h", GOOD],
        ["validate", GOOD, "--"],
        ["validate", "no-such-file.yaml"],
        ["validate", "plans"],  # a directory
        ["validate", "--format", "xml", GOOD],
        ["validate", "--format", GOOD],
        ["validate", "--format", "json", "--format", "text", GOOD],
        ["validate", "--exchange", "moon", GOOD],
        ["validate", "--json=1", GOOD],
        ["validate", "--unknown", GOOD],
        ["validate", "-", GOOD],
        ["plan", GOOD],
        ["--debug", "validate", GOOD],
    ],
)
def test_anything_else_is_left_to_click(
    repo: Path, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    monkeypatch.delenv("BITMART_EXCHANGE", raising=False)
    assert plain_validate(args) is None


def test_a_bad_exchange_in_the_environment_is_left_to_click(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    monkeypatch.setenv("BITMART_EXCHANGE", "moon")
    assert plain_validate(["validate", GOOD]) is None
    monkeypatch.setenv("BITMART_EXCHANGE", "")
    assert plain_validate(["validate", GOOD]) is None
    monkeypatch.setenv("BITMART_EXCHANGE", "Paper")
    assert plain_validate(["validate", GOOD]) is not None
    monkeypatch.setenv("_BITMART_RUNNER_COMPLETE", "bash_complete")
    assert plain_validate(["validate", GOOD]) is None


def test_cold_validate_imports_what_validating_needs_only(repo: Path) -> None:
    # a plain line never imports click (nor the HTTP client, the simulator or jsonschema)
    probe = (
        "import sys\n"
        "from runner.cli import run\n"
        "code = run(['validate', sys.argv[1]])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in\n"
        "    ('click', 'jsonschema', 'requests', 'urllib3', 'http', 'socket', 'sqlite3')\n"
        "    or m.startswith(('runner.exchange', 'runner.sim', 'runner.execute',\n"
        "                     'runner.compiler', 'runner.plan.messages')))\n"
        "print(code, loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, GOOD], capture_output=True, text=True, check=False, cwd=repo
    )
    assert done.stdout.splitlines()[-1] == "0 []", done.stderr
