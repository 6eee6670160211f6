"""Throughput of `plan corpus` (not a test: prints figures).

    .venv/bin/python benchmarks/bench_corpus.py [--repeat N] [--workers 2]

On the test corpus of tests/corpusgen.py (30 plans + 3 bad files), each run
into a fresh dataset, in one process:

* **1 process**   — ``build_corpus(jobs=1)``: everything in this process;
* **local pool**  — ``build_corpus(jobs=W, scheduler="processes")``: the
  standard library's process pool with W workers;
* **dask cluster** — a Dask ``LocalCluster`` of W worker processes on
  loopback, started here like a real cluster and given to
  ``build_corpus(scheduler=tcp://…)`` (cluster start-up not timed).

Prints wall time, plans/s (plans committed per second of the run), the CPU
time spent in the tasks (a figure other load on the machine does not
inflate: plans/s on an idle machine is about workers × plans / CPU s), the
peak resident memory of each worker (its own ru_maxrss, reported with each
task's summary) and whether the datasets are byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import corpusgen  # noqa: E402

from pipeline.corpus import build_corpus  # noqa: E402


def _files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".lock"}


def _peaks(summary) -> dict[str, float]:
    out: dict[str, float] = {}
    for s in summary.parsed + summary.failed:
        out[s.worker] = max(out.get(s.worker, 0.0), s.peak_rss_mib)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    from dask.distributed import LocalCluster

    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        tmp = Path(tmp)
        info = corpusgen.assemble(tmp / "plans")
        print(f"corpus: {len(info['good'])} good files, {len(info['bad'])} bad")
        results: dict[str, list] = {"1 process": [], "local pool": [], "dask cluster": []}
        datasets = {}
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address="127.0.0.1:0") as cluster:
            for k in range(args.repeat):
                for name, kw in (("1 process", {"jobs": 1}),
                                 ("local pool", {"jobs": args.workers, "scheduler": "processes"}),
                                 ("dask cluster", {"scheduler": cluster.scheduler_address})):
                    out = tmp / f"ds-{name.replace(' ', '-')}-{k}"
                    s = build_corpus(tmp / "plans", out, **kw)
                    n = sum(len(x.plan_ids) for x in s.parsed)
                    cpu = sum(x.cpu_seconds for x in s.parsed + s.failed)
                    results[name].append((s.seconds, n / s.seconds, _peaks(s), s.workers, cpu))
                    datasets[name] = _files(out)
        print(f"\n| runner | workers | wall (median of {args.repeat}) | plans/s | CPU s in tasks | peak RSS per worker (MiB) |")
        print("|---|---|---|---|---|---|")
        for name, rs in results.items():
            wall = statistics.median(r[0] for r in rs)
            rate = statistics.median(r[1] for r in rs)
            peaks = sorted(rs[-1][2].values())
            cpu = statistics.median(r[4] for r in rs)
            print(f"| {name} | {rs[-1][3]} | {wall:.1f} s | {rate:.2f} | {cpu:.1f} | "
                  f"{', '.join(f'{p:.0f}' for p in peaks)} |")
        same = len({tuple(sorted(d.items())) for d in datasets.values()}) == 1
        print(f"\ndatasets byte-identical across runners: {same}")


if __name__ == "__main__":
    main()
