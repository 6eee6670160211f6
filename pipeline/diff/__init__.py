"""diff: two versions of a plan compared chapter by chapter.

Entry points:

* :func:`run_diff` — the CLI (``python -m pipeline diff A B [--out DIR]``):
  A and B are parsed output directories or input files (parsed first);
* :func:`diff_pair` — a DVC stage (``output/<a>`` + ``output/<b>`` →
  ``output/diffs/<a>__<b>/``), and :func:`diff_pairs` for the list of pairs
  in ``params.yaml``;
* :func:`diff_plans` — records in, :class:`Change` rows out (no I/O).

Outputs (written atomically: a temporary sibling directory replaces the
target in one rename; byte-identical on rerun):

* ``changes.parquet`` — one row per change, schema :data:`CHANGES_SCHEMA`,
  plan ids in the file metadata (``plan_a``, ``plan_b``);
* ``report.html`` — one self-contained page (inline CSS, no scripts, no
  network): summary, chapter navigation, changes with <ins>/<del>.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyarrow.parquet as pq

from ..emit import replace_dir
from .compare import diff_plans
from .load import PlanData, load_plan, resolve
from .report import render_report
from .schema import CHANGES_SCHEMA, Change, file_metadata, to_table

__all__ = ["run_diff", "diff_pair", "diff_pairs", "diff_plans", "write_diff", "load_plan", "Change",
           "CHANGES_SCHEMA", "default_out"]


def default_out(a_id: str, b_id: str, root: str | Path = "output") -> Path:
    """``output/diffs/<a>__<b>/``."""
    return Path(root) / "diffs" / f"{a_id}__{b_id}"


def write_diff(out_dir: str | Path, a: PlanData, b: PlanData, changes: list[Change]) -> Path:
    """Write ``changes.parquet`` and ``report.html`` into ``out_dir`` atomically."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    os.chmod(tmp, 0o755)
    try:
        table = to_table(changes, file_metadata(a.plan_id, b.plan_id, a.sha256, b.sha256))
        pq.write_table(table, tmp / "changes.parquet", compression="zstd")
        (tmp / "report.html").write_text(render_report(a, b, changes), encoding="utf-8")
        replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


def run_diff(a: str | Path, b: str | Path, out: str | Path | None = None, *, jobs: int | None = None) -> Path:
    """Compare two plans (parsed output dirs, or input files parsed first
    with ``jobs`` page workers) and write the diff to ``out`` (default
    ``output/diffs/<a>__<b>/``).  Returns the output directory."""
    work = None
    try:
        if not (Path(a).is_dir() and Path(b).is_dir()):
            work = tempfile.TemporaryDirectory(prefix="plan-diff-")
        da = resolve(a, work, jobs=jobs, side="a")
        db = resolve(b, work, jobs=jobs, side="b")
        pa, pb = load_plan(da), load_plan(db)
        changes = diff_plans(pa, pb)
        return write_diff(Path(out) if out else default_out(pa.plan_id, pb.plan_id), pa, pb, changes)
    finally:
        if work is not None:
            work.cleanup()


def diff_pair(a_dir: str | Path, b_dir: str | Path, out_root: str | Path = "output") -> Path:
    """DVC stage body: diff two parsed plans into ``<out_root>/diffs/<a>__<b>/``."""
    pa, pb = load_plan(a_dir), load_plan(b_dir)
    return write_diff(default_out(pa.plan_id, pb.plan_id, out_root), pa, pb, diff_plans(pa, pb))


def diff_pairs(pairs: Iterable[tuple[str, str]], out_root: str | Path = "output") -> list[Path]:
    """Diff every (a_plan_id, b_plan_id) pair of parsed plans under ``out_root``
    (the ``diff.pairs`` list of ``params.yaml``)."""
    return [diff_pair(Path(out_root) / a, Path(out_root) / b, out_root) for a, b in pairs]
