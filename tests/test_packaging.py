"""The wheel and the sdist build offline, pass `twine check --strict`, and the sdist runs its tests.

Built from a copy of the source tree (so the checkout gets no build/ or egg-info), without build
isolation (the test extra installs setuptools>=77), so nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
JUNK = shutil.ignore_patterns(
    ".git",
    "__pycache__",
    "*.pyc",
    ".hypothesis",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "build",
    "dist",
    "*.egg-info",
    ".venv",
    "venv",
    ".env",
)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("src") / "bitmart-runner"
    shutil.copytree(REPO, source, ignore=JUNK)
    out = tmp_path_factory.mktemp("dist")
    # no flags: build makes the sdist, then the wheel *from the unpacked sdist*
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    return out


def _one(dist: Path, pattern: str) -> Path:
    (found,) = dist.glob(pattern)
    return found


def test_twine_check_strict_passes(dist: Path) -> None:
    files = [str(_one(dist, "*.whl")), str(_one(dist, "*.tar.gz"))]
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *files],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2


def test_metadata_has_spdx_license_classifiers_and_urls(dist: Path) -> None:
    with zipfile.ZipFile(_one(dist, "*.whl")) as wheel:
        names = wheel.namelist()
        (meta,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        metadata = wheel.read(meta).decode()
    assert "License-Expression: MIT" in metadata
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "Classifier: Programming Language :: Python :: 3.11" in metadata
    assert "Project-URL: Source, " in metadata
    assert "runner/data/plan.schema.json" in names and "runner/py.typed" in names


def test_sdist_holds_every_test_and_what_the_tests_read(dist: Path) -> None:
    with tarfile.open(_one(dist, "*.tar.gz")) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    tracked = {p.relative_to(REPO).as_posix() for p in (REPO / "tests").rglob("*")}
    tracked = {n for n in tracked if "__pycache__" not in n and ".hypothesis" not in n}
    missing = sorted(n for n in tracked if (REPO / n).is_file() and n not in names)
    assert missing == []
    for needed in (
        "tests/conftest.py",
        "LICENSE",
        "schemas/plan.schema.json",
        "docs/plan-reference.md",
        "plans/examples/btc-long.yaml",
        ".pre-commit-hooks.yaml",
        "action.yml",
    ):
        assert needed in names, needed
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)


def test_tests_run_from_the_unpacked_sdist(dist: Path, tmp_path: Path) -> None:
    unpacked = tmp_path / "unpacked"
    with tarfile.open(_one(dist, "*.tar.gz")) as sdist:
        sdist.extractall(unpacked, filter="data")
    (root,) = unpacked.iterdir()
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/plan/test_corpus.py",
            "tests/plan/test_reference.py",
            "tests/commands/test_init.py",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
