"""Issue 5: `dvc repro` over the plans in params.yaml is incremental and deterministic.

Runs in a temporary copy of the repository (code, dvc.yaml, .dvc/) with its
own params.yaml listing two text plans, so the test is fast and leaves the
working tree alone.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEED_TXT

CONTRACT = ["document.json", "sections.parquet", "paragraphs.parquet", "columns.parquet", "column_items.parquet",
            "indicators.parquet", "indicator_values.parquet", "projects.parquet", "project_summary.parquet",
            "tables.parquet", "validation.parquet", "keywords.parquet"]


def _dvc(repo: Path, *args: str) -> str:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    r = subprocess.run([sys.executable, "-m", "dvc", *args], cwd=repo, capture_output=True, text=True,
                       env=env, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout + r.stderr


def _ran(log: str) -> list[str]:
    return sorted(re.findall(r"Running stage '([^']+)'", log))


def _hashes(d: Path) -> dict[str, str]:
    return {str(p.relative_to(d)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(d.rglob("*")) if p.is_file() and ".gitignore" not in p.name}


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    r = tmp_path_factory.mktemp("repo")
    for name in ("pipeline", ".dvc", "dvc.yaml", ".dvcignore"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, r / name, ignore=shutil.ignore_patterns("__pycache__", "tmp", "cache"))
        else:
            shutil.copy(src, r / name)
    (r / "raw").mkdir()
    (r / "raw" / "corpus").mkdir()      # the corpus stage's folder (tests/test_corpus_dvc.py fills one)
    shutil.copy(SEED_TXT, r / "raw" / "plan-a.txt")
    text = SEED_TXT.read_text(encoding="utf-8")
    (r / "raw" / "plan-b.txt").write_text(text.replace("7左右", "6.5左右"), encoding="utf-8")
    (r / "params.yaml").write_text(
        "plans:\n  plan-a: raw/plan-a.txt\n  plan-b: raw/plan-b.txt\ndiffs: {}\njobs: 1\nengine: pdfium\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=r, check=True)
    return r


def test_repro_builds_contract_then_is_a_noop(repo):
    log = _dvc(repo, "repro")
    assert _ran(log) == sorted([f"{s}@{p}" for s in ("extract", "structure", "tables", "emit")
                                for p in ("plan-a", "plan-b")] + ["corpus"])
    for plan in ("plan-a", "plan-b"):
        for f in CONTRACT:
            assert (repo / "output" / plan / f).is_file(), (plan, f)
    again = _dvc(repo, "repro")
    assert _ran(again) == []


def test_touching_one_plan_reruns_only_its_stages(repo):
    before_a = _hashes(repo / "output" / "plan-a")
    f = repo / "raw" / "plan-b.txt"
    f.write_text(f.read_text(encoding="utf-8").replace("6.5左右", "6左右"), encoding="utf-8")
    log = _dvc(repo, "repro")
    assert _ran(log) == sorted(f"{s}@plan-b" for s in ("extract", "structure", "tables", "emit"))
    assert _hashes(repo / "output" / "plan-a") == before_a


def test_forced_rerun_is_byte_identical(repo):
    before = _hashes(repo / "output")
    _dvc(repo, "repro", "--force", "emit@plan-a")
    assert _hashes(repo / "output") == before


def test_duckdb_reads_all_plans_at_once(repo):
    """The README's DuckDB example: one query over output/*/…parquet."""
    import duckdb

    rows = duckdb.sql(f"select plan_id, measure, count(*) as n from '{repo}/output/*/indicator_values.parquet' "
                      "group by all order by all").fetchall()
    plans = {r[0] for r in rows}
    assert plans == {"plan-a", "plan-b"}
    target = duckdb.sql(f"select plan_id, raw from '{repo}/output/*/indicator_values.parquet' v "
                        f"join '{repo}/output/*/indicators.parquet' i using (plan_id, table_id, row_no) "
                        "where i.name = '地区生产总值增长' and v.measure = 'target_growth' order by plan_id").fetchall()
    assert target == [("plan-a", "7左右"), ("plan-b", "6左右")]


def test_duckdb_cli_example_from_the_readme(repo):
    """`duckdb -c "select * from 'output/*/indicator_values.parquet'"` works across plans."""
    import shutil

    exe = shutil.which("duckdb", path=str(Path(sys.executable).parent))
    assert exe, "the duckdb CLI (duckdb-cli, a dev dependency) is not installed"
    r = subprocess.run([exe, "-csv", "-c", "select distinct plan_id from 'output/*/indicator_values.parquet' "
                        "order by plan_id"], cwd=repo, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["plan_id", "plan-a", "plan-b"]


def test_noop_make_main_is_fast_and_quiet(repo):
    """After a run, `make main` neither reinstalls nor reruns anything, prints
    no `dvc push` hint, and costs under 2 s of CPU (CPU time, not wall time:
    the shared machine's load would make wall time noisy)."""
    import resource

    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, repo / name)     # copy2 keeps the mtime the install stamp is compared with
    venv = Path(sys.executable).parent.parent
    make = ["make", "main", f"VENV={venv}"]
    dry = subprocess.run([*make, "-n"], cwd=repo, capture_output=True, text=True, timeout=60)
    assert dry.returncode == 0, dry.stderr
    assert "pip install" not in dry.stdout, "make main would reinstall although pyproject.toml is unchanged"
    f = repo / "raw" / "plan-b.txt"
    f.write_text(f.read_text(encoding="utf-8").replace("6左右", "5.5左右"), encoding="utf-8")
    first = subprocess.run(make, cwd=repo, capture_output=True, text=True, timeout=900)
    assert first.returncode == 0, first.stdout + first.stderr
    assert _ran(first.stdout + first.stderr) == sorted(f"{s}@plan-b" for s in ("extract", "structure", "tables", "emit"))
    assert "to send your updates" not in first.stdout + first.stderr      # dvc's "Use `dvc push` …" dropped
    assert "git add" not in first.stdout + first.stderr                 # core.autostage: no git hint
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(make, cwd=repo, capture_output=True, text=True, timeout=300)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout + r.stderr
    assert _ran(out) == [] and "pip install" not in out and "up to date" in out
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert cpu < 2.0, f"no-op make main took {cpu:.2f} s of CPU"
    # a pyproject.toml change is noticed: the next make main would install
    (repo / "pyproject.toml").touch()
    dry = subprocess.run([*make, "-n"], cwd=repo, capture_output=True, text=True, timeout=60)
    assert "pip install" in dry.stdout
