"""`bitmart-runner init`: a starter plan that validates, a modeline that resolves, no overwrite."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest

from runner import cli
from runner.errors import ExitCode
from runner.plan import validate_file

MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def _schema_of(plan: Path) -> Path:
    match = MODELINE.match(plan.read_text("utf-8").splitlines()[0])
    assert match, "the first line is the yaml-language-server modeline"
    ref = match.group(1)
    if ref.startswith("file:"):
        return Path(url2pathname(urlparse(ref).path))
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
    # no schemas/ folder around: the modeline names the installed copy, which is the schema
    schema = _schema_of(plan)
    assert schema.is_file() and schema.name == "plan.schema.json"
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
