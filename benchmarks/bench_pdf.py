"""Speed and memory of the PDF path (not a test: prints figures).

    .venv/bin/python benchmarks/bench_pdf.py [PDF] [--jobs 1 2] [--engines pdfium pdfplumber] [--repeat N]

For one PDF (default ``tests/corpus/plan-A.pdf``), in one run:

* **baseline** — pdfplumber's own ``page.extract_text()`` over all pages, in
  a fresh interpreter (start-up and ``import pdfplumber`` included, as they
  are for the parse);
* **parse** — ``python -m pipeline parse PDF --jobs N --engine E`` with a
  cold page cache (no ``--interim``) into a temporary directory, for each
  N and engine given (PDFium, the default, and pdfplumber/pdfminer);

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
    ap.add_argument("--engines", nargs="+", default=["pdfium", "pdfplumber"],
                    help="PDF content parsers to time (pdfium is the default engine)")
    ap.add_argument("--repeat", type=int, default=3, help="rounds (the median is shown); each round runs "
                    "the baseline and every configuration once, interleaved, so machine noise hits all alike")
    args = ap.parse_args()
    py = sys.executable
    pdf = str(Path(args.pdf).resolve())
    configs = [(e, n) for e in args.engines for n in args.jobs]
    base: list[tuple[float, float, int]] = []
    runs: dict[tuple[str, int], list[tuple[float, float, int]]] = {c: [] for c in configs}
    outs: dict[tuple[str, int], Path] = {}
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        for r in range(args.repeat):
            base.append(run_tree([py, "-c", BASELINE, pdf]))
            for e, n in configs:
                out = Path(tmp) / f"{e}-jobs{n}-{r}"
                runs[(e, n)].append(run_tree([py, "-m", "pipeline", "parse", pdf, "--out", str(out),
                                              "--jobs", str(n), "--engine", e, "-q"]))
                outs[(e, n)] = out
        t_base = statistics.median(w for w, _, _ in base)
        print(f"{Path(pdf).name}: pdfplumber extract_text over all pages: {t_base:.2f} s "
              f"(median of {args.repeat}; peak {max(m for _, m, _ in base):.0f} MiB)")
        for (e, n), rs in runs.items():
            wall = statistics.median(w for w, _, _ in rs)
            peak = max(m for _, m, _ in rs)
            print(f"  parse --engine {e:<10} --jobs {n}: {wall:5.2f} s  ratio {wall / t_base:.2f}  "
                  f"peak RSS (tree) {peak:.0f} MiB")
        if len(outs) > 1:
            first, *rest = outs.values()
            same = all(same_tree(first, o) for o in rest)
            print(f"  outputs byte-identical across all engines and --jobs: {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
