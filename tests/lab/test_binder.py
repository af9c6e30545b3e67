"""Binder: the binder/ folder is what repo2docker uses (checked with `repo2docker --no-build --debug .`)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = bool(os.environ.get("CI")) or os.environ.get("LABK8S_REQUIRE_REPO2DOCKER") == "1"


def repo2docker() -> str | None:
    """$LABK8S_REPO2DOCKER, `repo2docker` on PATH, or the one `make` installs in .venv-r2d."""
    for candidate in (os.environ.get("LABK8S_REPO2DOCKER"), shutil.which("repo2docker"),
                      str(ROOT / ".venv-r2d" / "bin" / "repo2docker")):
        if candidate and os.path.exists(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def test_binder_files() -> None:
    assert (ROOT / "binder" / "requirements.txt").read_text().split() == ["-e", ".[lab]"]
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    # With binder/, root configuration files are ignored, and having .binder/ as well is an error.
    assert not (ROOT / ".binder").exists()
    assert not (ROOT / "binder" / "environment.yml").exists()  # it would replace requirements.txt
    assert not (ROOT / "binder" / "Dockerfile").exists()  # it would replace everything


def test_repo2docker_uses_the_binder_folder() -> None:
    exe = repo2docker()
    if exe is None:
        if REQUIRED:
            pytest.fail("repo2docker is not installed (make installs it in .venv-r2d)", pytrace=False)
        pytest.skip("repo2docker is not installed")
    out = subprocess.run([exe, "--no-build", "--debug", str(ROOT)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    dockerfile = out.stdout + out.stderr
    lines = dockerfile.splitlines()
    install = next(i for i, line in enumerate(lines) if 'pip install --no-cache-dir -r "binder/requirements.txt"' in line)
    copy_repo = next(i for i, line in enumerate(lines) if line.startswith("COPY") and " src/ ${REPO_DIR}/" in line)
    assert copy_repo < install  # "-e ." needs the repository in place before pip runs
    assert "Building conda environment for python=3.11" in dockerfile  # runtime.txt picked Python 3.11
    assert "environment.yml" not in dockerfile
