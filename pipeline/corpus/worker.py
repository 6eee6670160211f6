"""The per-file work of a corpus run, as one pure function of its task:
parse a file (every plan it holds), write each plan's partitions into the
dataset, return a small summary.  It runs in this process, in a local
process pool or on a Dask worker anywhere — the driver only ever sees the
summaries."""

from __future__ import annotations

import functools
import os
import resource
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PipelineError


@dataclass(frozen=True, slots=True)
class Task:
    """One file to parse into the dataset (paths absolute, so that a worker
    on another machine finds them on the shared filesystem)."""

    path: str
    rel: str
    sha256: str
    plan_id: str
    dataset: str
    code: str                     # the driver's code fingerprint
    engine: str = "pdfium"
    page_jobs: int = 1            # PDF page workers inside the task


@dataclass(slots=True)
class Summary:
    """What a task reports back."""

    rel: str
    sha256: str
    plan_id: str
    ok: bool
    plan_ids: list[str] = field(default_factory=list)
    exit_code: int = 0
    error: str | None = None      # error class (NotAPlan, CorruptPDF, …)
    message: str | None = None
    seconds: float = 0.0
    cpu_seconds: float = 0.0      # CPU time of the task (user + system, this process)
    pages: int = 0
    worker: str = ""              # host:pid
    peak_rss_mib: float = 0.0     # the worker process's peak resident memory so far


@functools.lru_cache(maxsize=1)
def _own_code() -> str:
    from .discover import code_fingerprint

    return code_fingerprint()


def _peak_rss_mib() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # KiB on Linux
    return round(r / 1024, 1)


def run_task(task: Task) -> Summary:
    """Parse ``task.path`` and commit its plans to ``task.dataset``.  Input
    errors and internal errors become a failed summary (never an exception),
    so one bad file never stops the run."""
    from ..run import parse_documents
    from .dataset import write_plan

    t0, c0 = time.perf_counter(), time.process_time()
    out = Summary(task.rel, task.sha256, task.plan_id, ok=False, worker=f"{socket.gethostname()}:{os.getpid()}")
    try:
        if _own_code() != task.code:
            raise RuntimeError(f"this worker runs other pipeline code ({_own_code()}) than the driver ({task.code})")
        results = parse_documents(task.path, task.plan_id, jobs=task.page_jobs, engine=task.engine)
        for res in results:
            write_plan(Path(task.dataset), res.outputs, res.extracted.source.sha256, task.rel, task.code)
        out.ok = True
        out.plan_ids = [r.plan_id for r in results]
        out.pages = results[0].extracted.source.n_pages if results else 0
    except PipelineError as exc:
        out.exit_code = exc.exit_code
        out.error = type(exc).__name__
        out.message = exc.line() if hasattr(exc, "line") else f"error: {exc}"
    except MemoryError:
        out.exit_code, out.error, out.message = 71, "MemoryError", f"error: out of memory while parsing {task.rel}"
    except Exception as exc:  # noqa: BLE001 - an internal error is this file's failure, not the run's
        out.exit_code, out.error = 70, type(exc).__name__
        out.message = f"error: internal error on {task.rel}: {type(exc).__name__}: {exc}"
    if out.message:
        out.message = out.message.replace(task.path, task.rel).removeprefix("error: ")
    out.seconds = round(time.perf_counter() - t0, 3)
    out.cpu_seconds = round(time.process_time() - c0, 3)
    out.peak_rss_mib = _peak_rss_mib()
    return out
