"""`bitmart-runner validate` and `schema`: formats, summary, exit codes, and staying offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner import cli
from runner.errors import ExitCode

GOOD = "version: 1\nname: good\nsteps:\n  - position_mode: hedge\n"
BAD = (
    "version: 1\n"
    "name: bad\n"
    "steps:\n"
    "  - position: {symbol: BTCUSDT, side: long, size: 2.5}\n"
    "  - cancel: {symbol: btcusdt}\n"
)
WARN = (
    "version: 1\nname: warn\nsteps:\n"
    "  - open: {symbol: BTCUSDT, side: long, size: 1, entry: {type: market, mode: ioc}}\n"
)


@pytest.fixture
def plans(tmp_path: Path) -> dict[str, Path]:
    files = {}
    for name, text in {"good": GOOD, "bad": BAD, "warn": WARN}.items():
        files[name] = tmp_path / f"{name}.yaml"
        files[name].write_text(text)
    return files


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.cli, ["validate", *args])
    return result.exit_code, result.stdout


def test_valid_files_exit_0_with_a_summary(plans: dict[str, Path]) -> None:
    code, out = invoke(str(plans["good"]))
    assert code == ExitCode.OK
    assert out == "1 file checked, 0 invalid, 0 errors\n"


def test_text_format_is_path_line_col_with_hints(plans: dict[str, Path]) -> None:
    code, out = invoke(str(plans["good"]), str(plans["bad"]))
    bad = plans["bad"]
    assert code == ExitCode.INVALID
    assert out.splitlines() == [
        f"{bad}:4:51: error: size must be a whole number of contracts (got 2.5) [whole-contracts]",
        f"{bad}:5:22: error: symbol must be a USDT-M contract such as BTCUSDT (got 'btcusdt') "
        "[bad-symbol]",
        "  hint: did you mean 'BTCUSDT'?",
        "2 files checked, 1 invalid, 2 errors",
    ]


def test_warnings_alone_do_not_fail(plans: dict[str, Path]) -> None:
    code, out = invoke(str(plans["warn"]))
    assert code == ExitCode.OK
    assert out.splitlines()[0].startswith(f"{plans['warn']}:4:78: warning: mode ioc has no effect")
    assert out.splitlines()[-1] == "1 file checked, 0 invalid, 0 errors, 1 warning"


def test_json_format_is_one_versioned_document(plans: dict[str, Path]) -> None:
    code, out = invoke("--format", "json", str(plans["good"]), str(plans["bad"]))
    assert code == ExitCode.INVALID
    document = json.loads(out)
    assert document["format_version"] == 1
    assert (document["kind"], document["exit_code"], document["valid"]) == ("validate", 1, False)
    assert document["summary"] == {"files": 2, "invalid": 1, "errors": 2, "warnings": 0}
    assert [f["valid"] for f in document["files"]] == [True, False]
    records = document["findings"]
    assert records[0] == {
        "path": str(plans["bad"]),
        "line": 4,
        "column": 51,
        "rule": "whole-contracts",
        "message": "size must be a whole number of contracts (got 2.5)",
        "severity": "error",
        "hint": None,
    }
    assert [r["rule"] for r in records] == ["whole-contracts", "bad-symbol"]


def test_json_format_of_a_clean_run_has_no_findings(plans: dict[str, Path]) -> None:
    code, out = invoke("--json", str(plans["good"]))
    document = json.loads(out)
    assert (code, document["valid"], document["findings"]) == (ExitCode.OK, True, [])


def test_github_format_emits_annotations(plans: dict[str, Path]) -> None:
    code, out = invoke("--format", "github", str(plans["bad"]), str(plans["warn"]))
    assert code == ExitCode.INVALID
    lines = out.splitlines()
    assert lines[0] == (
        f"::error file={plans['bad']},line=4,col=51::size must be a whole number of contracts "
        "(got 2.5)"
    )
    assert lines[1].endswith("(got 'btcusdt') (hint: did you mean 'BTCUSDT'?)")
    assert lines[2].startswith(f"::warning file={plans['warn']},line=4,col=78::mode ioc")
    assert lines[3] == "2 files checked, 1 invalid, 2 errors, 1 warning"


def test_github_annotation_properties_are_escaped(tmp_path: Path) -> None:
    odd = tmp_path / "a,b:c.yaml"
    odd.write_text("version: 1\nname: x\nsteps: []\n")
    code, out = invoke("--format", "github", str(odd))
    assert code == ExitCode.INVALID
    escaped = str(odd).replace(":", "%3A").replace(",", "%2C")
    assert out.splitlines()[0].startswith(f"::error file={escaped},line=3,col=8::")


def test_exchange_demo_adds_the_no_transfer_rule(tmp_path: Path) -> None:
    plan = tmp_path / "fund.yaml"
    plan.write_text("version: 1\nname: fund\nsteps:\n  - transfer: {to_futures: 10}\n")
    assert invoke(str(plan))[0] == ExitCode.OK
    code, out = invoke("--exchange", "demo", str(plan))
    assert code == ExitCode.INVALID
    assert "demo" in out


def test_exit_codes_through_the_real_entry_point(
    plans: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.run(["validate", str(plans["good"])]) == ExitCode.OK
    assert cli.run(["validate", str(plans["bad"])]) == ExitCode.INVALID
    assert cli.run(["validate"]) == ExitCode.USAGE
    assert cli.run(["validate", "--format", "xml", str(plans["good"])]) == ExitCode.USAGE
    assert cli.run(["validate", str(plans["good"].parent / "missing.yaml")]) == ExitCode.USAGE
    capsys.readouterr()


@pytest.mark.parametrize(
    "options", [[], ["--json"], ["--format", "json"], ["--format", "text"], ["--format", "github"]]
)
def test_schema_prints_the_packaged_schema_exactly(repo: Path, options: list[str]) -> None:
    # PRODUCT.md section 8: --format text|json|github on every command
    result = CliRunner().invoke(cli.cli, ["schema", *options])
    assert result.exit_code == 0, result.output
    assert result.stdout.encode() == (repo / "schemas" / "plan.schema.json").read_bytes()


def test_validate_never_loads_network_or_exchange_code(repo: Path) -> None:
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['runner', 'validate', sys.argv[1]]\n"
        "try:\n"
        "    runpy.run_module('runner', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('requests', 'urllib3')\n"
        "    or m.startswith(('runner.exchange', 'runner.sim', 'runner.execute')))\n"
        "print(code, loaded)\n"
    )
    example = repo / "plans" / "examples" / "btc-long.yaml"
    done = subprocess.run(
        [sys.executable, "-c", probe, str(example)],
        capture_output=True,
        text=True,
        check=False,
        cwd=repo,
    )
    assert done.stdout.splitlines()[-1] == "0 []", done.stderr
    assert "1 file checked, 0 invalid, 0 errors" in done.stdout


def _modules_after_validating(repo: Path, plan: Path) -> str:
    probe = (
        "import sys\n"
        "from runner.plan import validate_file\n"
        "plan, findings = validate_file(sys.argv[1])\n"
        "print(plan is not None, len(findings), 'jsonschema' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(plan)], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or done.stderr


def test_validating_a_valid_plan_imports_no_jsonschema(repo: Path) -> None:
    # jsonschema only explains a plan the compiled check rejects; a valid plan never pays for it
    valid = repo / "plans" / "examples" / "btc-long.yaml"
    assert _modules_after_validating(repo, valid) == "True 0 False"
    invalid = repo / "tests" / "plans" / "bad" / "unknown-key.yaml"
    assert _modules_after_validating(repo, invalid) == "False 1 True"
