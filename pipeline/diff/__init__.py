"""diff: two versions of a plan compared chapter by chapter.

Entry points:

* :func:`run_diff` — the CLI (``python -m pipeline diff A B [--out DIR]``):
  A and B are parsed output directories or input files (parsed first);
* :func:`diff_pair` — a DVC stage (``output/<a>`` + ``output/<b>`` →
  ``output/diffs/<a>__<b>/``), and :func:`diff_pairs` for the list of pairs
  in ``params.yaml``;
* :func:`diff_plans` — records in, :class:`Change` rows out (no I/O).

Outputs (written crash-safely through :class:`pipeline.outdir.Staged`: staged
under ``<parent>/.staging/``, swapped in under a lock; byte-identical on
rerun).  The output directory is replaced only if it is a diff output this
tool wrote — never a plan output, a directory holding plans, or anything
else (:class:`~pipeline.errors.OutputConflict`, exit 2):

* ``changes.parquet`` — one row per change, schema :data:`CHANGES_SCHEMA`,
  plan ids in the ``plan_a``/``plan_b`` columns and in the file metadata;
* ``report.html`` — one self-contained page (inline CSS, no scripts, no
  network): summary, chapter navigation, changes with <ins>/<del>.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyarrow.parquet as pq

from .. import outdir
from ..contract import read_parquet, resolve_plan_dir
from .compare import diff_plans
from .load import PlanData, load_plan, resolve
from .report import render_report
from .schema import CHANGES_SCHEMA, Change, file_metadata, to_table

__all__ = ["run_diff", "diff_pair", "diff_pairs", "diff_plans", "write_diff", "load_plan", "Change",
           "CHANGES_SCHEMA", "default_out", "diff_summary"]


def default_out(a_id: str, b_id: str, root: str | Path = "output") -> Path:
    """``<root>/diffs/<a>__<b>/`` (plan ids made safe path components)."""
    return Path(root) / "diffs" / f"{outdir.safe_component(a_id)}__{outdir.safe_component(b_id)}"


def default_root(a: str | Path) -> Path:
    """Where a diff goes when ``--out`` is not given: next to the inputs'
    output root — the directory holding plan output ``a`` (also when ``a``
    is an output root holding one plan), or, for an input file, the file's
    own directory — never the current directory by accident."""
    p = Path(a)
    if p.is_file():
        return p.resolve().parent
    return resolve_plan_dir(p).resolve().parent


def write_diff(out_dir: str | Path, a: PlanData, b: PlanData, changes: list[Change]) -> Path:
    """Write ``changes.parquet`` and ``report.html`` into ``out_dir``
    crash-safely; refuses to replace anything but a diff output."""
    out_dir = Path(out_dir)
    table = to_table(changes, file_metadata(a.plan_id, b.plan_id, a.sha256, b.sha256))
    html = render_report(a, b, changes)
    identity = {"plan_a": a.plan_id, "plan_b": b.plan_id, "sha256_a": a.sha256, "sha256_b": b.sha256}
    with outdir.Staged(out_dir, "diff", identity) as tmp:
        pq.write_table(table, tmp / "changes.parquet", compression="zstd")
        (tmp / "report.html").write_text(html, encoding="utf-8")
    return out_dir


def run_diff(a: str | Path, b: str | Path, out: str | Path | None = None, *, jobs: int | None = None) -> Path:
    """Compare two plans (parsed plan dirs, output roots holding one plan, or
    input files parsed first with ``jobs`` page workers) and write the diff to
    ``out`` (default :func:`default_root` ``/diffs/<a>__<b>/``).  Returns the
    output directory."""
    work = None
    if out is not None:                                    # fail before parsing anything
        outdir.check_root(Path(out).parent)
        outdir.check_replaceable(Path(out), "diff")
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
        target = Path(out) if out else default_out(pa.plan_id, pb.plan_id, default_root(a))
        return write_diff(target, pa, pb, changes)
    finally:
        if work is not None:
            work.cleanup()


def diff_summary(out_dir: str | Path) -> dict:
    """What a written diff holds: plan ids, where it is, change counts by
    kind of change and by level (read back from ``changes.parquet``)."""
    from collections import Counter

    from .schema import CHANGES, LEVELS

    d = Path(out_dir)
    t = read_parquet(d / "changes.parquet", ["level", "change"])
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
