"""The GitHub Actions workflow for the project's users stays valid and runs the README's command.

actionlint cannot be installed here (its PyPI package downloads the binary from GitHub at build
time), so this checks the structure GitHub requires and what the workflow promises."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = REPO / ".github" / "workflows" / "tests.yml"
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def _workflow() -> dict[Any, Any]:
    loaded = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _readme_test_command() -> str:
    readme = (REPO / "README.md").read_text("utf-8")
    return next(line for line in readme.splitlines() if line.startswith('pip install -e ".[test]"'))


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


def test_the_workflow_has_the_shape_github_requires() -> None:
    workflow = _workflow()
    # YAML 1.1 reads the key `on` as True; GitHub reads it as "on"
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict) and {"push", "pull_request"} <= set(triggers)
    jobs = workflow["jobs"]
    assert isinstance(jobs, dict) and jobs
    for name, job in jobs.items():
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name)
        assert job["runs-on"]
        assert isinstance(job["timeout-minutes"], int)
        assert job["steps"]
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), step  # exactly one of them
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), step["uses"]


def test_expressions_name_only_what_the_job_defines() -> None:
    for job in _workflow()["jobs"].values():
        matrix = job.get("strategy", {}).get("matrix", {})
        for text in _strings(job):
            for expression in EXPRESSION.findall(text):
                context, _, key = expression.partition(".")
                assert context == "matrix", expression
                assert key in matrix, expression


def test_the_tests_run_on_three_systems_and_three_pythons_with_the_readme_command() -> None:
    job = _workflow()["jobs"]["tests"]
    matrix = job["strategy"]["matrix"]
    assert matrix["os"] == ["ubuntu-latest", "macos-latest", "windows-latest"]
    assert matrix["python-version"] == ["3.11", "3.12", "3.13"]  # strings: 3.10 would be 3.1
    assert job["runs-on"] == "${{ matrix.os }}"
    assert job["strategy"]["fail-fast"] is False  # one platform failing must not hide another
    setup = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["python-version"] == "${{ matrix.python-version }}"
    assert [s["run"] for s in job["steps"] if "run" in s] == [_readme_test_command()]
    assert job["defaults"]["run"]["shell"] == "bash"  # `&&` means the same on Windows


def test_the_oldest_python_tested_is_the_one_the_package_requires() -> None:
    pyproject = (REPO / "pyproject.toml").read_text("utf-8")
    required = re.search(r'requires-python = ">=(\d+\.\d+)"', pyproject)
    assert required is not None
    versions = _workflow()["jobs"]["tests"]["strategy"]["matrix"]["python-version"]
    assert versions[0] == required.group(1)
