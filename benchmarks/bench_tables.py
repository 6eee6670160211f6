"""Share of the table work in a whole parse (not a test: prints figures).

    .venv/bin/python benchmarks/bench_tables.py [PDF ...] [--repeat N]

For each PDF (default: tests/corpus/plan-A.pdf and the three layouts in
tests/corpus/layouts), parses it in this process with one job (so that
page-level work is timed too) ``--repeat`` times and prints the medians of:

* each stage's wall time (extract, structure, tables, terms, emit) and the
  **tables stage's share of the whole parse** (the target is under 10 %);
* inside extract, the time spent finding regions (rules, boxes, tables:
  ``pdfregions.find_regions``, ``aligned_tables``) and splitting table text into cells
  (``pdfpage._table_lines``) — the table work done page by page.

Timings are noisy on a shared machine: compare shares from one run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from pipeline.extract import pdfpage
from pipeline.run import parse

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [ROOT / "tests" / "corpus" / "plan-A.pdf"] + \
    [ROOT / "tests" / "corpus" / "layouts" / f"plan-{x}.pdf" for x in "CDE"]
STAGES = ("extract", "structure", "tables", "terms", "emit")


class _Timed:
    """Wraps a function of pdfpage, adding its wall time to ``total``."""

    def __init__(self, name: str):
        self.name, self.fn, self.total = name, getattr(pdfpage, name), 0.0

    def __call__(self, *a, **k):
        t = time.perf_counter()
        try:
            return self.fn(*a, **k)
        finally:
            self.total += time.perf_counter() - t


def one_run(path: Path) -> dict[str, float]:
    marks: list[tuple[str, float]] = []
    timers = {n: _Timed(n) for n in ("find_regions", "aligned_tables", "_table_lines") if hasattr(pdfpage, n)}
    for n, t in timers.items():
        setattr(pdfpage, n, t)
    try:
        t0 = time.perf_counter()
        parse(path, "bench", jobs=1, progress=lambda name: marks.append((name, time.perf_counter())))
        end = time.perf_counter()
    finally:
        for n, t in timers.items():
            setattr(pdfpage, n, t.fn)
    out = {"total": end - t0}
    for (name, a), (_, b) in zip(marks, marks[1:] + [("end", end)]):
        out[name] = b - a
    out.update({n: t.total for n, t in timers.items()})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdfs", nargs="*", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    for path in a.pdfs:
        runs = [one_run(path) for _ in range(a.repeat)]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        stages = "  ".join(f"{s} {med.get(s, 0):.2f}s" for s in STAGES)
        page_work = sum(med.get(n, 0.0) for n in ("find_regions", "aligned_tables", "_table_lines"))
        print(f"{path.name}: whole parse {med['total']:.2f}s | {stages} | tables stage "
              f"{100 * med.get('tables', 0) / med['total']:.1f}% of the parse | regions + table cells in extract "
              f"{page_work:.2f}s ({100 * page_work / med['total']:.1f}% of the parse)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
