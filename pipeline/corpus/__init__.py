"""A folder of plans → one queryable dataset (``plan corpus DIR --out DATASET``).

* :mod:`.discover` the plan files under the folder, their sha256 and plan ids;
* :mod:`.worker`   the per-file work, a pure function of its task: parse the
                   file (each plan of a volume on its own) and write the plan's
                   partitions straight into the dataset;
* :mod:`.runners`  map it in this process, over a local process pool, or over
                   a Dask cluster (local or remote);
* :mod:`.dataset`  the hive-partitioned layout, atomic per-plan commits,
                   failures.parquet;
* :mod:`.panel`    the cross-plan indicator panel.

A file whose sha256 is already in the dataset (parsed by the same code) is
skipped, and so is a file that failed with an input error (until it changes);
plans whose file is gone from the folder are removed, so the dataset mirrors
the folder.  A killed run leaves only whole plans; the next run parses the
rest.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PipelineError, UnsupportedInput
from . import dataset, discover, panel, runners
from .worker import Summary, Task

log = logging.getLogger("pipeline.corpus")

#: Exit codes of a file that is not retried until it changes: input errors
#: (2-9) and --strict failures (10).  Internal errors (70, 71, a worker that
#: died) are retried by the next run.
PERMANENT = range(2, 11)
#: ``plan corpus`` exits with FAILED_BASE + the number of files that failed in
#: the run (so the count never reads as another error's code), up to MAX_EXIT.
FAILED_BASE = 100
MAX_EXIT = 125


class CorpusLocked(PipelineError):
    exit_code = 75

    def line(self) -> str:
        return f"error: {self}"


@dataclass(slots=True)
class RunSummary:
    """What a corpus run did."""

    n_files: int = 0
    parsed: list[Summary] = field(default_factory=list)     # this run, ok
    failed: list[Summary] = field(default_factory=list)     # this run, failed
    skipped: int = 0              # already in the dataset
    known_bad: int = 0            # failed before with an input error, unchanged
    duplicates: list[str] = field(default_factory=list)     # same content as another file
    removed: list[str] = field(default_factory=list)        # plans whose file is gone
    n_plans: int = 0              # committed plans in the dataset after the run
    n_failures: int = 0           # rows of failures.parquet
    panel_rows: int = 0
    seconds: float = 0.0
    runner: str = "serial"
    workers: int = 1

    @property
    def exit_code(self) -> int:
        return min(FAILED_BASE + len(self.failed), MAX_EXIT) if self.failed else 0

    def line(self) -> str:
        n_plans = sum(len(s.plan_ids) for s in self.parsed)
        rate = n_plans / self.seconds if self.seconds else 0.0
        parts = [f"{self.n_files} files: {len(self.parsed)} parsed ({n_plans} plans), {self.skipped} unchanged"]
        if self.known_bad:
            parts.append(f"{self.known_bad} known bad")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} duplicates")
        if self.removed:
            parts.append(f"{len(self.removed)} plans removed")
        return (f"corpus: {', '.join(parts)}; dataset: {self.n_plans} plans, {self.n_failures} failures, "
                f"{self.panel_rows} panel rows; {self.seconds:.1f} s ({rate:.2f} plans/s, {self.runner}, "
                f"{self.workers} worker{'s' if self.workers != 1 else ''})")


class _Lock:
    """One corpus run per dataset at a time (an flock on DATASET/.lock)."""

    def __init__(self, root: Path):
        self.path = root / ".lock"

    def __enter__(self):
        self.fh = open(self.path, "w")
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.fh.close()
            raise CorpusLocked(f"{self.path.parent}: another corpus run is writing this dataset") from None
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


def _progress(enabled: bool, total: int):
    if not enabled or not total:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="corpus", unit=" plans", file=sys.stderr, dynamic_ncols=True)


def plan_tasks(src: Path, out: Path, *, engine: str = "pdfium", retry_failed: bool = False):
    """Compare the folder with the dataset: (inputs, tasks to run, summary so
    far, failures to keep, plan ids to remove)."""
    code = discover.code_fingerprint()
    inputs = discover.list_inputs(src)
    summary = RunSummary(n_files=len(inputs))
    plans = dataset.committed_plans(out)
    docs: dict[str, set[int]] = {}
    n_docs: dict[str, int] = {}
    for r in plans:
        if r["code"] == code:
            docs.setdefault(r["source_sha256"], set()).add(r["document_no"])
            n_docs[r["source_sha256"]] = r["n_documents"]
    done = {sha for sha, nos in docs.items() if len(nos) == n_docs[sha]}
    old_failures = {(f["path"], f["sha256"]): f for f in dataset.read_failures(out)}
    present = {i.sha256 for i in inputs}
    remove = sorted({r["plan_id"] for r in plans if r["source_sha256"] not in present or
                     (r["code"] != code and r["source_sha256"] not in done)})
    tasks, keep_failures, seen = [], [], {}
    for i in inputs:
        if i.sha256 in seen:
            summary.duplicates.append(i.rel)
            continue
        seen[i.sha256] = i.rel
        if i.sha256 in done:
            summary.skipped += 1
            continue
        old = old_failures.get((i.rel, i.sha256))
        if old is not None and old["code"] == code and old["exit_code"] in PERMANENT and not retry_failed:
            summary.known_bad += 1
            keep_failures.append(old)
            continue
        tasks.append(Task(i.path, i.rel, i.sha256, i.plan_id, str(out), code, engine))
    # the biggest files first: the run ends sooner on several workers
    tasks.sort(key=lambda t: (-os.path.getsize(t.path), t.rel))
    return inputs, tasks, summary, keep_failures, remove


def build_corpus(src: str | Path, out: str | Path, *, jobs: int | None = None, scheduler: str | None = None,
                 engine: str = "pdfium", retry_failed: bool = False, progress: bool = False) -> RunSummary:
    """Parse every plan under ``src`` that is not in the dataset ``out`` yet
    and commit it there; rebuild panel.parquet and failures.parquet.

    ``jobs``: worker processes (default all cores; 1 = in this process);
    ``scheduler``: ``None`` (Dask's LocalCluster when the ``dask`` extra is
    installed and ``jobs`` > 1, else a local process pool), ``"processes"``
    (the local process pool), ``"local"`` (Dask LocalCluster) or a Dask
    scheduler address (``tcp://host:8786``)."""
    t0 = time.perf_counter()
    src, out = Path(src), Path(out)
    if not src.is_dir():
        raise UnsupportedInput("not a directory (plan corpus reads a folder of plans)", str(src))
    out.mkdir(parents=True, exist_ok=True)
    with _Lock(out):
        dataset.clean_staging(out)
        inputs, tasks, summary, failures, remove = plan_tasks(src, out, engine=engine, retry_failed=retry_failed)
        for pid in remove:
            dataset.remove_plan(out, pid)
        summary.removed = remove
        jobs = jobs or runners.default_jobs()
        jobs = max(1, min(jobs, len(tasks))) if tasks else 1
        remote = scheduler not in (None, "local", "processes")
        if remote:
            kind = "dask"
        elif jobs == 1:
            kind = "serial"
        elif scheduler == "processes" or (scheduler is None and not runners.dask_available()):
            kind = "processes"
        else:
            kind = "dask"
        summary.runner, summary.workers = kind, jobs
        bar = _progress(progress, len(tasks))

        def on_result(s: Summary) -> None:
            (summary.parsed if s.ok else summary.failed).append(s)
            if bar is not None:
                bar.update(1)
                if summary.failed:
                    bar.set_postfix_str(f"{len(summary.failed)} failed")
            if not s.ok:
                log.warning("%s", s.message)

        try:
            if tasks:
                if kind == "serial":
                    runners.run_serial(tasks, on_result)
                elif kind == "processes":
                    runners.run_processes(tasks, jobs, on_result)
                else:
                    if not runners.dask_available():
                        raise UnsupportedInput("--scheduler needs Dask: pip install 'plan-pipeline[dask]'", scheduler)
                    info = runners.run_dask(tasks, jobs, scheduler if remote else None, on_result)
                    summary.workers = info["workers"]
        finally:
            if bar is not None:
                bar.close()
            # what finished is committed: record it even when the run is interrupted
            new = [{"path": s.rel, "sha256": s.sha256, "plan_id": s.plan_id, "exit_code": s.exit_code,
                    "error": s.error, "message": s.message, "code": tasks[0].code if tasks else None}
                   for s in summary.failed]
            done_paths = {s.rel for s in summary.parsed} | {s.rel for s in summary.failed}
            present = {(i.rel, i.sha256) for i in inputs}
            kept = [f for f in failures if f["path"] not in done_paths and (f["path"], f["sha256"]) in present]
            dataset.write_failures(out, kept + new)
            summary.n_failures = len(kept) + len(new)
        summary.panel_rows = panel.write_panel(out)
        summary.n_plans = len(dataset.committed_plans(out))
        dataset.clean_staging(out)
    summary.seconds = round(time.perf_counter() - t0, 3)
    return summary


__all__ = ["build_corpus", "RunSummary", "plan_tasks", "MAX_EXIT"]
