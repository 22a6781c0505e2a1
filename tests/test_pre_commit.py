"""The hook as a newsroom installs it: the real pre-commit framework, from this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS

pytestmark = pytest.mark.slow


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=check)


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    if head.returncode != 0:
        pytest.skip("the project checkout has no commit to install the hook from")
    base = tmp_path_factory.mktemp("pre-commit")
    env = {**os.environ, "PRE_COMMIT_HOME": str(base / "pre-commit-home"), "CLEANUP_CACHE_DIR": str(base / "cache")}
    repo = base / "newsroom"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "desk@example.org")
    git(repo, "config", "user.name", "Desk")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {ROOT}\n  rev: {head.stdout.strip()}\n  hooks:\n  - id: cleanup-fix\n  - id: cleanup-accept\n"
    )
    pc = [sys.executable, "-m", "pre_commit"]
    subprocess.run(pc + ["install"], cwd=repo, env=env, check=True, capture_output=True)
    git(repo, "add", ".pre-commit-config.yaml")
    first = subprocess.run(["git", "commit", "-qm", "config"], cwd=repo, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    return repo, env


def commit(repo: Path, env: dict, message: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "commit", "-m", message], cwd=repo, env=env, capture_output=True, text=True)


def add_seed(repo: Path, seed: str, name: str) -> Path:
    """Copy a seed article into the newsroom's repository and stage it."""
    art = repo / "articles" / name
    art.parent.mkdir(exist_ok=True)
    shutil.copy(SEEDS / seed, art)
    git(repo, "add", f"articles/{name}")
    return art


def test_commit_refused_fixed_then_accepted(newsroom):
    repo, env = newsroom
    art = add_seed(repo, "002_d12d6a00d81152c4.txt", "002.txt")
    refused = commit(repo, env, "add article")
    out = refused.stdout + refused.stderr
    assert refused.returncode != 0, out
    assert "articles/002.txt: fixed fused-word `Russiawhere`" in out  # what it fixed is listed
    assert "files were modified by this hook" in out
    assert "approaching Russia where he" in art.read_text(encoding="utf-8")  # safe fix written
    git(repo, "add", "articles/002.txt")
    second = commit(repo, env, "add article")
    out = second.stdout + second.stderr
    assert second.returncode != 0, out  # unsafe findings remain: the editor must look
    assert "dangling-fragment" in out and "[*]" not in out
    # the editor accepts the reviewed findings through the hook's own manual stage
    accept = subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "run",
            "cleanup-accept",
            "--hook-stage",
            "manual",
            "--files",
            "articles/002.txt",
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert accept.returncode == 0, accept.stdout + accept.stderr
    git(repo, "add", ".cleanup-baseline.json")
    third = commit(repo, env, "add article")
    assert third.returncode == 0, third.stdout + third.stderr


def test_article_with_only_safe_fixes_passes_on_second_attempt(newsroom):
    repo, env = newsroom
    art = add_seed(repo, "003_7a79c24c24d2992a.txt", "003.txt")
    first = commit(repo, env, "add 003")
    assert first.returncode != 0
    assert "to to" not in art.read_text(encoding="utf-8")
    git(repo, "add", "articles/003.txt")
    second = commit(repo, env, "add 003")
    assert second.returncode == 0, second.stdout + second.stderr
