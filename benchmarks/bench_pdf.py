"""Speed and memory of the PDF path (not a test: prints figures).

    .venv/bin/python benchmarks/bench_pdf.py [PDF] [--jobs 1 2] [--repeat N]

For one PDF (default ``tests/corpus/plan-A.pdf``), in one run:

* **baseline** — pdfplumber's own ``page.extract_text()`` over all pages, in
  a fresh interpreter (start-up and ``import pdfplumber`` included, as they
  are for the parse);
* **parse** — ``python -m pipeline parse PDF --jobs N`` with a cold cache
  (no ``--interim``: nothing is cached) into a temporary directory, for
  each N given;

and prints the wall times, the ratio parse / baseline per N (the target is
≤ 0.6 with 2 jobs), the peak resident memory of the whole process tree
(parent + page workers, sampled every 10 ms; the target is < 600 MiB) and
whether the outputs of the different job counts are byte-identical.
"""

from __future__ import annotations

import argparse
import filecmp
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BASELINE = """
import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    n = sum(len(p.extract_text() or "") for p in pdf.pages)
"""


def run_tree(cmd: list[str]) -> tuple[float, float, int]:
    """Run ``cmd``; (wall seconds, peak RSS of the process tree in MiB, exit code)."""
    t0 = time.perf_counter()
    proc = psutil.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        rss = 0
        try:
            for p in [proc, *proc.children(recursive=True)]:
                try:
                    rss += p.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak = max(peak, rss)
        time.sleep(0.01)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode("utf-8", "replace").strip() if proc.stderr else ""
    if proc.returncode:
        print(f"  failed ({proc.returncode}): {err}", file=sys.stderr)
    return wall, peak / 2**20, proc.returncode


def same_tree(a: Path, b: Path) -> bool:
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    if files != sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file()):
        return False
    return all(filecmp.cmp(a / f, b / f, shallow=False) for f in files)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pdf", nargs="?", default=str(ROOT / "tests/corpus/plan-A.pdf"))
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement (the median is shown)")
    args = ap.parse_args()
    py = sys.executable
    pdf = str(Path(args.pdf).resolve())

    base = [run_tree([py, "-c", BASELINE, pdf]) for _ in range(args.repeat)]
    t_base = statistics.median(w for w, _, _ in base)
    print(f"{Path(pdf).name}: pdfplumber extract_text over all pages: {t_base:.2f} s "
          f"(peak {max(m for _, m, _ in base):.0f} MiB)")
    outs: dict[int, Path] = {}
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        for n in args.jobs:
            runs = []
            for r in range(args.repeat):
                out = Path(tmp) / f"jobs{n}-{r}"
                runs.append(run_tree([py, "-m", "pipeline", "parse", pdf, "--out", str(out),
                                      "--jobs", str(n), "-q"]))
                outs[n] = out
            wall = statistics.median(w for w, _, _ in runs)
            peak = max(m for _, m, _ in runs)
            print(f"  parse --jobs {n}: {wall:.2f} s  ratio {wall / t_base:.2f}  peak RSS (tree) {peak:.0f} MiB")
        if len(outs) > 1:
            first, *rest = outs.values()
            same = all(same_tree(first, o) for o in rest)
            print(f"  outputs identical across --jobs {' '.join(map(str, outs))}: {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
