"""Issue 16: `plan corpus DIR --out DATASET` — a folder of plans as one
hive-partitioned dataset, incremental, resumable, the same on one process,
a local process pool and a two-worker Dask cluster.

The corpus (tests/corpusgen.py): 30 good files (the seed, its revisions, GDP
variants, layouts, national and real plans, a generated PDF) and 3 bad ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import corpusgen
import duckdb
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from conftest import ROOT

from pipeline.corpus import build_corpus, dataset, discover

pytestmark = pytest.mark.slow


def _files(root: Path) -> dict[str, str]:
    """sha256 of every file of a dataset (the lock file aside)."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".lock"}


def _cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("corpus") / "plans"
    return d, corpusgen.assemble(d)


@pytest.fixture(scope="module")
def serial(corpus, tmp_path_factory):
    d, _ = corpus
    out = tmp_path_factory.mktemp("serial") / "dataset"
    summary = build_corpus(d, out, jobs=1)
    return out, summary


def _expected_ids(info) -> set[str]:
    ids = discover.plan_ids(info["good"] + list(info["bad"]))
    return {ids[r] for r in info["good"]}


def test_one_dataset_one_plan_per_good_file(corpus, serial):
    _, info = corpus
    out, summary = serial
    assert len(info["good"]) >= 27 and len(info["good"]) + len(info["bad"]) >= 30
    n = duckdb.sql(f"select count(distinct plan_id) from '{out}/sections/**/*.parquet'").fetchall()[0][0]
    assert n == len(info["good"])
    got = {r[0] for r in duckdb.sql(f"select distinct plan_id from '{out}/sections/**/*.parquet'").fetchall()}
    assert got == _expected_ids(info)
    assert len(summary.parsed) == len(info["good"]) and len(summary.failed) == len(info["bad"])
    assert summary.exit_code == 100 + len(info["bad"])
    # a file name shared by a text and a PDF keeps its extension in the plan id
    assert {"real-yunnan-10th-fyp-2001-txt", "real-yunnan-10th-fyp-2001-pdf"} <= got


def test_failures_list_exactly_the_bad_files(corpus, serial):
    _, info = corpus
    out, _ = serial
    rows = duckdb.sql(f"select path, exit_code, message from '{out}/failures.parquet' order by path").fetchall()
    assert {p: code for p, code, _ in rows} == info["bad"]
    for path, _, message in rows:
        assert message.startswith(path), message      # one line naming the file, as `plan parse` prints it


def test_every_table_reads_as_one_table(corpus, serial, seed_text):
    import pandas as pd
    import polars as pl

    out, _ = serial
    ids = _expected_ids(corpus[1])
    for name in dataset.TABLES:
        glob = f"{out}/{name}/**/*.parquet"
        if not list((out / name).glob("plan_id=*/*.parquet")):
            continue
        n_duck, n_ids = duckdb.sql(f"select count(*), count(distinct plan_id) from '{glob}'").fetchall()[0]
        t = ds.dataset(out / name, format="parquet", partitioning="hive").to_table()
        assert t.num_rows == n_duck, name
        assert len(pd.read_parquet(out / name)) == n_duck, name
        assert pl.scan_parquet(glob, hive_partitioning=True).select(pl.len()).collect().item() == n_duck, name
        assert set(t.column("plan_id").to_pylist()) <= ids and n_ids >= 1, name
    # a plan's rows are the rows `plan parse` writes for it
    _, d = seed_text
    mine = duckdb.sql(f"select * exclude (plan_id) from '{out}/sections/**/*.parquet' "
                      "where plan_id = 'jianghai-seed' order by seq").fetchall()
    theirs = duckdb.sql(f"select * exclude (plan_id) from '{d}/sections.parquet' order by seq").fetchall()
    assert mine == theirs
    doc = json.loads((out / "documents" / "plan_id=jianghai-seed" / "document.json").read_text(encoding="utf-8"))
    assert doc["plan"]["government"] == "江门高新区（江海区）"


def test_plan_metadata_of_the_corpus(serial):
    out, _ = serial
    rows = {r["plan_id"]: r for r in dataset.read_table(out, "plan").to_pylist()}
    seed = rows["jianghai-seed"]
    assert (seed["government"], seed["level"], seed["period_start"], seed["period_end"], seed["horizon_year"]) == \
        ("江门高新区（江海区）", "county-district", 2021, 2025, 2035)
    assert seed["source_path"] == "jianghai/seed.txt" and seed["title"] is None   # the text prints no title
    nine = rows["real-national-9th-fyp-1996"]
    assert (nine["level"], nine["period_start"], nine["period_end"], nine["horizon_year"]) == \
        ("national", 1996, 2000, 2010)
    expect = {"real-hubei-relics-14th-2021": ("provincial", 2021, 2025, "专项规划"),
              "real-revolutionary-relics-14th-2021": ("ministry", 2021, 2025, "专项规划"),
              "real-yunnan-10th-fyp-2001-txt": ("provincial", 2001, 2005, "五年规划纲要"),
              "real-yunnan-10th-fyp-2001-pdf": ("provincial", 2001, 2005, "五年规划纲要"),
              "national-10th-2001": ("national", 2001, 2005, "五年规划纲要"),
              "national-11th-2006": ("national", 2006, 2010, "五年规划纲要"),
              "national-12th-2011": ("national", 2011, 2015, "五年规划纲要")}
    for pid, (level, a, b, kind) in expect.items():
        r = rows[pid]
        assert (r["level"], r["period_start"], r["period_end"], r["kind"]) == (level, a, b, kind), pid
    # the same row in every file's footer
    for f in (out / "sections" / "plan_id=real-national-9th-fyp-1996").glob("*.parquet"):
        meta = json.loads(pq.read_schema(f).metadata[b"plan"])
        assert meta["government"] == "中华人民共和国" and meta["horizon_year"] == 2010


README_QUERY = """
select plan_id, government, level, period_start, period_end, indicator, value, qualifier
from '{out}/panel.parquet'
where indicator_key = 'gdp_growth' and measure = 'target' and year = 2025
order by plan_id
"""


def test_panel_answers_the_2025_gdp_growth_target_of_every_plan(corpus, serial):
    out, _ = serial
    rows = duckdb.sql(README_QUERY.format(out=out)).fetchall()
    got = {r[0]: (r[6], r[7]) for r in rows}
    assert len(got) == len(rows)                        # one answer per plan
    # every plan whose indicator table has a GDP row
    have = {r[0] for r in duckdb.sql(
        f"select distinct plan_id from '{out}/indicators/**/*.parquet' "
        "where regexp_matches(name, '^(地区生产总值|国内生产总值|GDP)')").fetchall()}
    assert have and set(got) == have
    ids = discover.plan_ids(corpus[1]["good"] + list(corpus[1]["bad"]))
    assert got[ids["jianghai/seed.txt"]] == (7.0, "左右")
    assert got[ids["jianghai/revisions/indicator_targets.txt"]] == (6.5, "左右")
    assert got[ids["jianghai/variants/gdp-annual.md"]] == (6.5, "左右")    # GDP年均增长
    assert got[ids["jianghai/variants/gdp-rate.txt"]] == (6.0, "以上")     # 地区生产总值年均增长率
    assert got[ids["generated/jianghai-demo.pdf"]][0] == 7.0               # 地区生产总值 (亿元), 年均增长 7%
    for r in rows:
        assert r[2] == "county-district" and (r[3], r[4]) == (2021, 2025)


def test_rerun_with_nothing_new_parses_nothing(corpus, serial):
    d, _ = corpus
    out, _ = serial
    before = _files(out)
    t0 = time.perf_counter()
    again = build_corpus(d, out, jobs=1)
    assert time.perf_counter() - t0 < 5
    assert again.parsed == [] and again.failed == [] and again.exit_code == 0
    assert again.skipped == 30 and again.known_bad == 3
    assert _files(out) == before


def test_two_worker_dask_cluster_writes_the_same_dataset(corpus, serial, tmp_path):
    from dask.distributed import LocalCluster

    d, _ = corpus
    out, _ = serial
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster:
        summary = build_corpus(d, tmp_path / "dataset", scheduler=cluster.scheduler_address)
    assert summary.runner == "dask" and summary.workers == 2
    assert len({s.worker for s in summary.parsed}) == 2            # both worker processes parsed plans
    assert max(s.peak_rss_mib for s in summary.parsed) > 0
    assert _files(tmp_path / "dataset") == _files(out)


def test_killed_run_resumes_and_finishes_the_rest(corpus, serial, tmp_path):
    d, _ = corpus
    out, _ = serial
    target = tmp_path / "dataset"
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "corpus", str(d), "--out", str(target),
                             "--jobs", "1", "-q"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            if len(list((target / "plan").glob("plan_id=*"))) >= 5:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    committed = len(dataset.committed_plans(target))
    assert 5 <= committed < 30
    failed_before = len(dataset.read_failures(target))
    # the rest, on a local process pool
    r = _cli("corpus", str(d), "--out", str(target), "--jobs", "2", "--scheduler", "processes")
    assert r.returncode == (100 + 3 - failed_before if failed_before < 3 else 0), r.stderr
    assert f"{30 - committed} parsed" in r.stderr
    assert _files(target) == _files(out)


def test_a_new_file_parses_only_it_and_a_removed_file_leaves(corpus, serial, tmp_path):
    d, _ = corpus
    out, _ = serial
    plans, target = tmp_path / "plans", tmp_path / "dataset"
    shutil.copytree(d, plans)
    shutil.copytree(out, target)
    seed = plans / "jianghai" / "seed.txt"
    kept = target / "sections" / "plan_id=jianghai-seed" / "part-0.parquet"
    inode = kept.stat().st_ino
    new = plans / "jianghai" / "new" / "seed-5pct.txt"
    new.parent.mkdir()
    new.write_text(seed.read_text(encoding="utf-8").replace("7左右", "5左右"), encoding="utf-8")
    s = build_corpus(plans, target, jobs=1)
    assert [x.rel for x in s.parsed] == ["jianghai/new/seed-5pct.txt"] and s.failed == []
    assert kept.stat().st_ino == inode                       # other plans untouched
    row = duckdb.sql(README_QUERY.format(out=target)).fetchall()
    assert ("jianghai-new-seed-5pct", 5.0) in {(r[0], r[6]) for r in row}
    new.unlink()
    s = build_corpus(plans, target, jobs=1)
    assert s.removed == ["jianghai-new-seed-5pct"] and s.parsed == []
    assert _files(target) == _files(out)


def test_cli_exit_code_counts_the_failed_files(tmp_path):
    """100 + the number of files that failed in this run (never read as another error's code)."""
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(ROOT / "tests" / "corpus" / "real" / "national-9th-fyp-1996.txt", plans / "nine.txt")
    (plans / "empty.txt").write_bytes(b"")
    (plans / "binary.pdf").write_bytes(b"not a pdf at all")
    out = tmp_path / "dataset"
    r = _cli("corpus", str(plans), "--out", str(out), "--jobs", "1")
    assert r.returncode == 102, r.stderr
    assert "1 parsed (1 plans)" in r.stderr and "2 failed" in r.stderr
    r = _cli("corpus", str(plans), "--out", str(out), "--jobs", "1")
    assert r.returncode == 0 and "2 known bad" in r.stderr            # not retried until they change
    r = _cli("corpus", str(plans), "--out", str(out), "--jobs", "1", "--retry-failed", "-q")
    assert r.returncode == 102 and r.stderr == ""
    r = _cli("corpus", str(plans / "nine.txt"), "--out", str(out))
    assert r.returncode == 9 and r.stderr.count("\n") == 1 and "not a directory" in r.stderr
    import fcntl

    with open(out / ".lock", "w") as fh:                 # another run holds the dataset
        fcntl.flock(fh, fcntl.LOCK_EX)
        r = _cli("corpus", str(plans), "--out", str(out))
    assert r.returncode == 75 and "another corpus run" in r.stderr


def test_progress_bar_shows_plans_per_second(tmp_path, capsys):
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(ROOT / "tests" / "corpus" / "real" / "national-9th-fyp-1996.txt", plans / "nine.txt")
    shutil.copy(ROOT / "tests" / "corpus" / "national" / "10th-2001.txt", plans / "ten.txt")
    build_corpus(plans, tmp_path / "dataset", jobs=1, progress=True)
    err = capsys.readouterr().err
    assert "2/2" in err and "plans/s" in err
