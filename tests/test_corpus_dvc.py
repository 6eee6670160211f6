"""Issue 16 (6): the `corpus` DVC stage over raw/corpus/ is incremental — a
new plan in the folder reruns only that stage, and the stage parses only
the new plan (the dataset persists between runs)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


def _dvc(repo: Path, *args: str) -> str:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    r = subprocess.run([sys.executable, "-m", "dvc", *args], cwd=repo, capture_output=True, text=True,
                       env=env, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout + r.stderr


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    r = tmp_path_factory.mktemp("repo")
    for name in ("pipeline", ".dvc", "dvc.yaml", ".dvcignore"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, r / name, ignore=shutil.ignore_patterns("__pycache__", "tmp", "cache"))
        else:
            shutil.copy(src, r / name)
    (r / "raw" / "corpus").mkdir(parents=True)
    shutil.copy(ROOT / "raw" / "corpus" / "national-9th-fyp-1996.txt", r / "raw" / "corpus")
    (r / "params.yaml").write_text("plans: {}\ndiffs: {}\njobs: 1\nengine: pdfium\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=r, check=True)
    return r


def test_the_bundled_corpus_folder_is_in_dvc_yaml():
    assert (ROOT / "raw" / "corpus").is_dir() and len(list((ROOT / "raw" / "corpus").iterdir())) >= 3
    text = (ROOT / "dvc.yaml").read_text(encoding="utf-8")
    assert "corpus:" in text and "raw/corpus" in text and "persist: true" in text


def test_a_new_plan_parses_only_that_plan(repo):
    log = _dvc(repo, "repro")
    assert "Running stage 'corpus'" in log
    first = repo / "output" / "corpus" / "sections" / "plan_id=national-9th-fyp-1996" / "part-0.parquet"
    inode = first.stat().st_ino
    assert "Running stage" not in _dvc(repo, "repro")
    shutil.copy(ROOT / "raw" / "corpus" / "yunnan-10th-fyp-2001.txt", repo / "raw" / "corpus")
    log = _dvc(repo, "repro")
    assert "Running stage 'corpus'" in log
    assert first.stat().st_ino == inode                  # the old plan was not parsed again
    rows = duckdb.sql(f"select plan_id, government, level, period_start from "
                      f"'{repo}/output/corpus/plan/**/*.parquet' order by 1").fetchall()
    assert rows == [("national-9th-fyp-1996", "中华人民共和国", "national", 1996),
                    ("yunnan-10th-fyp-2001", "云南省", "provincial", 2001)]
    assert "Running stage" not in _dvc(repo, "repro")
