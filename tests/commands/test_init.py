"""`bitmart-runner init`: a starter plan that validates, a modeline that resolves, no overwrite."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from runner import cli
from runner.errors import ExitCode
from runner.plan import validate_file
from runner.plan.schema import SCHEMA_ID, schema_text

MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def _modeline(plan: Path) -> str:
    match = MODELINE.match(plan.read_text("utf-8").splitlines()[0])
    assert match, "the first line is the yaml-language-server modeline"
    return match.group(1)


def _schema_of(plan: Path) -> Path:
    ref = _modeline(plan)
    assert not urlparse(ref).scheme, f"not a path: {ref}"
    return (plan.parent / ref).resolve()


def test_default_starter_plan_is_valid_and_its_schema_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.run(["init"]) == ExitCode.OK
    plan = tmp_path / "plans" / "main.plan.yaml"
    parsed, findings = validate_file(plan)
    assert findings == [] and parsed is not None
    assert parsed.name == "main"
    assert "wrote plans/main.plan.yaml" in capsys.readouterr().out
    # no schemas/ folder around: the modeline names the schema's stable $id URL
    assert plan.read_text("utf-8").startswith(f"# yaml-language-server: $schema={SCHEMA_ID}\n")
    assert cli.run(["validate", str(plan)]) == ExitCode.OK


def test_symbol_option_is_normalised_and_used(tmp_path: Path) -> None:
    plan = tmp_path / "eth.plan.yaml"
    assert cli.run(["init", "--symbol", "ethusdt", str(plan)]) == ExitCode.OK
    parsed, findings = validate_file(plan)
    assert findings == [] and parsed is not None
    assert "allowed_symbols: [ETHUSDT]" in plan.read_text("utf-8")


def test_modeline_is_relative_to_a_vendored_schema(tmp_path: Path) -> None:
    vendored = tmp_path / "schemas" / "plan.schema.json"
    vendored.parent.mkdir()
    vendored.write_text("{}", "utf-8")
    plan = tmp_path / "plans" / "desk" / "btc.plan.yaml"
    assert cli.run(["init", str(plan)]) == ExitCode.OK
    assert plan.read_text("utf-8").startswith(
        "# yaml-language-server: $schema=../../schemas/plan.schema.json\n"
    )
    assert _schema_of(plan) == vendored.resolve()


def test_refuses_to_overwrite_and_leaves_the_file_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "mine.yaml"
    plan.write_text("my edits\n", "utf-8")
    assert cli.run(["init", str(plan)]) == ExitCode.USAGE
    assert plan.read_text("utf-8") == "my edits\n"
    assert "already exists; not overwritten" in capsys.readouterr().err


def test_bad_symbol_is_a_usage_error_and_writes_nothing(tmp_path: Path) -> None:
    plan = tmp_path / "x.yaml"
    assert cli.run(["init", "--symbol", "BTC/USDT", str(plan)]) == ExitCode.USAGE
    assert not plan.exists()


def test_every_choice_the_starter_lists_is_one_the_schema_accepts(tmp_path: Path) -> None:
    # the starter once said `# long | short | flat` although flat is rejected
    plan = tmp_path / "choices.plan.yaml"
    assert cli.run(["init", str(plan)]) == ExitCode.OK
    text = plan.read_text("utf-8")
    for key, choices in re.findall(r"^\s+(side|margin):\s+\S+\s+#\s*([a-z_| ]+)$", text, re.M):
        for choice in (c.strip() for c in choices.split("|")):
            variant = tmp_path / f"{key}-{choice}.plan.yaml"
            variant.write_text(re.sub(rf"(\s{key}:) \S+", rf"\1 {choice}", text, count=1), "utf-8")
            _, findings = validate_file(variant)
            # (a short side also wants the TP/SL signs flipped; that is another finding)
            assert [f for f in findings if f.rule == "bad-value"] == [], (key, choice)
    assert "flat" not in re.findall(r"side:.*", text)[0]


REPO = Path(__file__).resolve().parents[2]


def _git_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


def _init_from_a_throwaway_install(
    tmp_path: Path, cwd: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    """Run `init` from a copy of the package (a stand-in venv), then delete that copy."""
    site = tmp_path / "venv" / "lib" / "site-packages"
    shutil.copytree(REPO / "runner", site / "runner", ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [sys.executable, "-m", "runner", "init", *args],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(site), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    shutil.rmtree(tmp_path / "venv")
    return result


def test_in_a_fresh_repository_the_modeline_is_the_schema_id(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path / "desk")
    result = _init_from_a_throwaway_install(tmp_path, repo, "plans/btc.plan.yaml")
    assert result.returncode == 0, result.stderr
    plan = repo / "plans" / "btc.plan.yaml"
    assert _modeline(plan) == SCHEMA_ID == "https://bitmart-runner.dev/schemas/plan-v1.json"
    assert "site-packages" not in plan.read_text("utf-8")


def test_vendor_schema_copies_it_into_the_repository_and_points_there(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path / "desk")
    (repo / "plans" / "eth").mkdir(parents=True)
    result = _init_from_a_throwaway_install(
        tmp_path, repo / "plans" / "eth", "--vendor-schema", "swing.plan.yaml"
    )
    assert result.returncode == 0, result.stderr
    assert f"wrote {repo / 'schemas' / 'plan.schema.json'}" in result.stderr
    plan = repo / "plans" / "eth" / "swing.plan.yaml"
    assert _modeline(plan) == "../../schemas/plan.schema.json"
    # the install is gone; the modeline still resolves, inside the repository
    schema = _schema_of(plan)
    assert schema == (repo / "schemas" / "plan.schema.json").resolve()
    assert schema.read_text("utf-8") == schema_text()
    assert not (tmp_path / "venv").exists()


def test_a_vendored_schema_outside_the_repository_is_not_used(tmp_path: Path) -> None:
    outside = tmp_path / "schemas" / "plan.schema.json"
    outside.parent.mkdir()
    outside.write_text("{}", "utf-8")
    repo = _git_repo(tmp_path / "desk")
    plan = repo / "plans" / "x.plan.yaml"
    assert cli.run(["init", str(plan)]) == ExitCode.OK
    assert _modeline(plan) == SCHEMA_ID  # a file outside the repository is not committed with it


def test_vendor_schema_keeps_an_identical_copy_and_refreshes_a_stale_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _git_repo(tmp_path / "desk")
    vendored = repo / "schemas" / "plan.schema.json"
    assert cli.run(["init", "--vendor-schema", str(repo / "a.plan.yaml")]) == ExitCode.OK
    assert cli.run(["init", "--vendor-schema", str(repo / "b.plan.yaml")]) == ExitCode.OK
    assert f"kept {vendored}" in capsys.readouterr().err
    vendored.write_text("{}", "utf-8")
    assert cli.run(["init", "--vendor-schema", str(repo / "c.plan.yaml")]) == ExitCode.OK
    assert vendored.read_text("utf-8") == schema_text()
    assert _modeline(repo / "c.plan.yaml") == "schemas/plan.schema.json"
