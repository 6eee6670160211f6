"""OCR speed and accuracy on the image-only seed plan (not a test: prints figures).

    .venv/bin/python benchmarks/bench_ocr.py [PDF] [--jobs 2] [--repeat 1]

PDF defaults to the image-only rendering of ``plan-A.pdf`` made by
``tests/scans.py`` (every page a 200 dpi greyscale picture, no text layer).
For each run it parses the PDF with ``python -m pipeline parse --jobs N``
(OCR in the page workers, cold page cache) and prints:

* wall time and **OCR throughput** in pages per second;
* **character accuracy** of the body paragraphs against the answer key
  (``tests/gold``): the gold paragraphs and the parsed ones, each in reading
  order and joined, aligned with ``difflib``; accuracy = 1 − (inserted +
  deleted + replaced characters) / gold characters;
* the share of gold body paragraphs found exactly (whitespace aside).

``../shared/tools/score.py`` gives the outline, 专栏 and table figures.
"""

from __future__ import annotations

import argparse
import difflib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def gold_paragraphs() -> list[str]:
    g = json.loads((ROOT / "tests" / "gold" / "document.json").read_text(encoding="utf-8"))
    paras = list(g["preamble"])
    for c in g["chapters"]:
        paras += c["intro"]
        for s in c["sections"]:
            paras += [b["text"] for b in s["blocks"] if b["type"] == "paragraph"]
    return ["".join(p.split()) for p in paras]


def char_accuracy(gold: str, got: str) -> float:
    """1 − edit operations / gold characters, from difflib's alignment."""
    sm = difflib.SequenceMatcher(None, gold, got, autojunk=False)
    errors = sum(max(a1 - a0, b1 - b0) for op, a0, a1, b0, b1 in sm.get_opcodes() if op != "equal")
    return 1 - errors / max(len(gold), 1)


def main() -> int:
    import scans

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdf", nargs="?", type=Path)
    ap.add_argument("--jobs", type=int, nargs="+", default=[2])
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    pdf = a.pdf or scans.image_only(scans.PLAN_A)
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    n_pages = len(doc)
    doc.close()
    gold = gold_paragraphs()
    for jobs in a.jobs:
        times = []
        for _ in range(a.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                t0 = time.perf_counter()
                r = subprocess.run([sys.executable, "-m", "pipeline", "parse", str(pdf), "--out", tmp, "--jobs",
                                    str(jobs), "--plan-id", "scan", "-q"], cwd=ROOT, capture_output=True, text=True)
                times.append(time.perf_counter() - t0)
                if r.returncode != 0:
                    print(f"parse failed ({r.returncode}): {r.stderr.strip()[-300:]}")
                    return 1
                par = pd.read_parquet(Path(tmp) / "scan" / "paragraphs.parquet")
        body = ["".join(str(t).split()) for t in par[par["column_no"].isna()]["text"]]
        found = set(body)
        exact = sum(1 for p in gold if p in found) / len(gold)
        acc = char_accuracy("".join(gold), "".join(body))
        wall = statistics.median(times)
        print(f"{pdf.name}: {n_pages} pages, --jobs {jobs}: {wall:.1f} s (median of {len(times)}), "
              f"{n_pages / wall:.2f} pages/s; body paragraphs exact {exact:.1%}, characters right {acc:.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
