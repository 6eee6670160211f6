"""Ways to map :func:`~pipeline.corpus.worker.run_task` over the tasks.

* ``serial``    in this process (``--jobs 1``);
* ``processes`` a local pool of worker processes (the standard library's
  :class:`concurrent.futures.ProcessPoolExecutor`) — works without extras;
* ``dask``      Dask's distributed scheduler: a :class:`LocalCluster` of
  worker processes on this machine, or the cluster whose scheduler address
  is given (``tcp://host:8786``).  Needs the ``dask`` extra.

Every runner calls ``on_result(summary)`` as tasks finish (in completion
order; the dataset does not depend on it) and stops cleanly on Ctrl-C.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed

from .worker import Summary, Task, run_task

log = logging.getLogger("pipeline.corpus")


def dask_available() -> bool:
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        return False
    return True


def _crashed(task: Task, exc: BaseException) -> Summary:
    """A task whose worker died (killed, out of memory) or could not run it."""
    return Summary(task.rel, task.sha256, task.plan_id, ok=False, exit_code=70, error=type(exc).__name__,
                   message=f"error: the worker parsing {task.rel} failed: {type(exc).__name__}: {exc}")


def run_serial(tasks: Iterable[Task], on_result: Callable[[Summary], None]) -> None:
    for t in tasks:
        on_result(run_task(t))


def run_processes(tasks: list[Task], jobs: int, on_result: Callable[[Summary], None]) -> None:
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else None)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as ex:
        futures = {ex.submit(run_task, t): t for t in tasks}
        try:
            for f in as_completed(futures):
                try:
                    on_result(f.result())
                except Exception as exc:  # noqa: BLE001 - a dead worker fails its task only
                    on_result(_crashed(futures[f], exc))
        except BaseException:
            for f in futures:
                f.cancel()
            raise


def run_dask(tasks: list[Task], jobs: int, scheduler: str | None, on_result: Callable[[Summary], None]) -> dict:
    """Map the tasks over a Dask cluster; returns what it ran on."""
    from dask.distributed import Client, LocalCluster
    from dask.distributed import as_completed as dask_completed

    if not log.isEnabledFor(logging.DEBUG):
        logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = None
    if scheduler in (None, "local"):
        # on loopback only, the dashboard on a free port (never a fixed one
        # another run may hold)
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                               dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR, host="127.0.0.1")
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        info = {"scheduler": client.scheduler.address, "workers": len(client.scheduler_info()["workers"])}
        # keys name the file; pure=False: a task is never merged with another
        futures = client.map(run_task, tasks, key=[f"plan-{t.sha256[:16]}-{t.plan_id}" for t in tasks],
                             pure=False)
        by_key = {f.key: t for f, t in zip(futures, tasks)}
        try:
            for f in dask_completed(futures):
                try:
                    on_result(f.result())
                except Exception as exc:  # noqa: BLE001 - KilledWorker etc.: that file fails
                    on_result(_crashed(by_key[f.key], exc))
                f.release()
        except BaseException:
            client.cancel(futures)
            raise
        return info
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
