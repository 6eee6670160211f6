"""Time the diff of two versions of the seed plan (not a test: prints figures).

    .venv/bin/python benchmarks/bench_diff.py [--repeat N]

Parses the seed plan and its synthetic all-edits revision (tests/revisions.py)
once, then times, median of N: loading both parsed dirs, aligning and
diffing them (word-level diffs included), writing changes.parquet +
report.html; and the whole CLI `python -m pipeline diff A B` in a fresh
interpreter (start-up and jieba's dictionary included).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import revisions  # noqa: E402

from pipeline.diff import diff_plans, load_plan, write_diff  # noqa: E402
from pipeline.emit import write_outputs  # noqa: E402
from pipeline.run import parse  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-diff-") as tmp:
        tmp = Path(tmp)
        text, _ = revisions.build_all()
        rev = tmp / "revised.txt"
        rev.write_text(text, encoding="utf-8")
        dirs = []
        for src, pid in ((revisions.SEED, "seed"), (rev, "revised")):
            res = parse(src, pid)
            dirs.append(write_outputs(tmp / "out" / pid, res.outputs, res.extracted.source.sha256))
        t_load, t_diff, t_write, t_cli = [], [], [], []
        n = 0
        for r in range(args.repeat):
            t0 = time.perf_counter()
            a, b = load_plan(dirs[0]), load_plan(dirs[1])
            t1 = time.perf_counter()
            changes = diff_plans(a, b)
            t2 = time.perf_counter()
            write_diff(tmp / "diffs" / f"r{r}", a, b, changes)
            t3 = time.perf_counter()
            t_load.append(t1 - t0)
            t_diff.append(t2 - t1)
            t_write.append(t3 - t2)
            n = len(changes)
            t4 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "pipeline", "diff", str(dirs[0]), str(dirs[1]), "--out",
                            str(tmp / "cli" / f"r{r}"), "-q"], check=True, cwd=ROOT)
            t_cli.append(time.perf_counter() - t4)
        med = statistics.median
        print(f"seed vs its synthetic revision ({n} changes reported), median of {args.repeat}:")
        print(f"  load both parsed dirs   {med(t_load):6.3f} s")
        print(f"  align + diff            {med(t_diff):6.3f} s")
        print(f"  write parquet + html    {med(t_write):6.3f} s")
        print(f"  whole CLI (fresh proc)  {med(t_cli):6.3f} s")


if __name__ == "__main__":
    main()
