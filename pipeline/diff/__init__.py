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
  plan ids in the ``plan_a``/``plan_b`` columns and in the file metadata;
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

from ..contract import resolve_plan_dir
from ..emit import replace_dir
from .compare import diff_plans
from .load import PlanData, load_plan, resolve
from .report import render_report
from .schema import CHANGES_SCHEMA, Change, file_metadata, to_table

__all__ = ["run_diff", "diff_pair", "diff_pairs", "diff_plans", "write_diff", "load_plan", "Change",
           "CHANGES_SCHEMA", "default_out", "diff_summary"]


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
    """Compare two plans (parsed plan dirs, output roots holding one plan, or
    input files parsed first with ``jobs`` page workers) and write the diff to ``out`` (default
    ``output/diffs/<a>__<b>/``).  Returns the output directory."""
    work = None
    try:
        for side in (a, b):               # fail fast, before parsing either input file
            if not Path(side).is_file():
                resolve_plan_dir(side)
        if Path(a).is_file() or Path(b).is_file():
            work = tempfile.TemporaryDirectory(prefix="plan-diff-")
        da = resolve(a, work, jobs=jobs, side="a")
        db = resolve(b, work, jobs=jobs, side="b")
        pa, pb = load_plan(da), load_plan(db)
        changes = diff_plans(pa, pb)
        return write_diff(Path(out) if out else default_out(pa.plan_id, pb.plan_id), pa, pb, changes)
    finally:
        if work is not None:
            work.cleanup()


def diff_summary(out_dir: str | Path) -> dict:
    """What a written diff holds: plan ids, where it is, change counts by
    kind of change and by level (read back from ``changes.parquet``)."""
    from collections import Counter

    from .schema import CHANGES, LEVELS

    d = Path(out_dir)
    t = pq.read_table(d / "changes.parquet", columns=["level", "change"])
    meta = t.schema.metadata or {}
    by_change = Counter(t.column("change").to_pylist())
    by_level = Counter(t.column("level").to_pylist())
    return {"plan_a": meta.get(b"plan_a", b"").decode(), "plan_b": meta.get(b"plan_b", b"").decode(),
            "out": str(d), "report": str(d / "report.html"),
            "changes": {"total": t.num_rows, "by_change": {k: by_change[k] for k in CHANGES if by_change[k]},
                        "by_level": {k: by_level[k] for k in LEVELS if by_level[k]}}}


def diff_pair(a_dir: str | Path, b_dir: str | Path, out_root: str | Path = "output") -> Path:
    """DVC stage body: diff two parsed plans into ``<out_root>/diffs/<a>__<b>/``."""
    pa, pb = load_plan(a_dir), load_plan(b_dir)
    return write_diff(default_out(pa.plan_id, pb.plan_id, out_root), pa, pb, diff_plans(pa, pb))


def diff_pairs(pairs: Iterable[tuple[str, str]], out_root: str | Path = "output") -> list[Path]:
    """Diff every (a_plan_id, b_plan_id) pair of parsed plans under ``out_root``
    (the ``diff.pairs`` list of ``params.yaml``)."""
    return [diff_pair(Path(out_root) / a, Path(out_root) / b, out_root) for a, b in pairs]
