"""The speed benchmark of issue 17, in one run (not a test: prints figures).

    .venv/bin/python benchmarks/bench_speed.py [--repeat N] [--dvc] [--json FILE]

Every figure is a whole process (start-up and imports included, as a user
sees it), cold (fresh ``--out``, no page cache), timed in the same rounds:
each round runs every configuration once, interleaved, so that the noise of a
shared machine hits all of them alike; the table shows medians over the
rounds and the ratios between medians of the same run.

* **references** on ``plan-A.pdf`` (114 pages): pdfplumber ``extract_text``
  of every page, pypdfium2's raw text of every page (the floor for any
  PDFium-based parser) and poppler's ``pdftotext`` when it is installed;
* **parse** ``plan-A.pdf`` with ``--jobs 1`` and ``--jobs 2``;
* **fixed cost**: the first four pages of plan-A (title page to the first
  chapter, cut with pikepdf), ``--jobs 1``;
* **cost per page**: a 4× concatenation of plan-A (456 pages), ``--jobs 1``
  and ``2``: (time(4×) − time(1×)) / 342 pages;
* **text path**: ``parse raw/jianghai-14th.txt`` (the seed plan as text);
* **diff** of two parsed plans (the seed text and the PDF, parsed once
  before the rounds);
* **dvc repro** with nothing to do (``--dvc``: runs ``dvc repro`` once to
  bring the pipeline up to date first, which may take a minute).

CPU seconds (user + system of the process and its children) are shown next
to wall seconds: on a loaded machine they vary less.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLAN_PDF = ROOT / "tests" / "corpus" / "plan-A.pdf"
PLAN_TXT = ROOT / "raw" / "jianghai-14th.txt"
PY = sys.executable

PDFPLUMBER_TEXT = """
import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    n = sum(len(p.extract_text() or "") for p in pdf.pages)
"""
PDFIUM_TEXT = """
import sys, pypdfium2
doc = pypdfium2.PdfDocument(sys.argv[1])
n = 0
for page in doc:
    text = page.get_textpage()
    n += len(text.get_text_range())
    text.close()
    page.close()
"""

#: (name, ratio to, target, what the target says)
TARGETS = [
    ("parse plan-A --jobs 2", "pdfplumber extract_text", 0.25, "≤ 0.25 × pdfplumber"),
    ("parse plan-A --jobs 1", "pypdfium2 raw text", 6.0, "≤ 6 × PDFium raw text"),
    ("parse 4 pages --jobs 1", None, 0.4, "≤ 0.4 s"),
    ("parse text (seed plan)", None, 0.5, "≤ 0.5 s"),
    ("diff two parsed plans", None, 0.6, "≤ 0.6 s"),
    ("dvc repro (nothing to do)", None, 1.0, "≤ 1 s"),
]


def run(cmd: list[str], cwd: Path = ROOT) -> tuple[float, float]:
    """Run ``cmd`` to completion: (wall seconds, CPU seconds of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode(errors='replace')}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def make_inputs(tmp: Path) -> tuple[Path, Path]:
    """The 4-page cut and the 4× concatenation of plan-A."""
    import pikepdf

    first4, times4 = tmp / "plan-A-4pages.pdf", tmp / "plan-A-4x.pdf"
    with pikepdf.open(PLAN_PDF) as src:
        del src.pages[4:]
        src.save(first4)
    out = pikepdf.new()
    sources = [pikepdf.open(PLAN_PDF) for _ in range(4)]
    for s in sources:
        out.pages.extend(s.pages)
    out.save(times4)
    for s in sources:
        s.close()
    return first4, times4


def parse_cmd(src: Path, out: Path, jobs: int | None = None) -> list[str]:
    cmd = [PY, "-m", "pipeline", "parse", str(src), "--out", str(out), "-q"]
    return cmd + (["--jobs", str(jobs)] if jobs else [])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="rounds (medians are shown)")
    ap.add_argument("--dvc", action="store_true", help="also time a no-op `dvc repro` (brings it up to date first)")
    ap.add_argument("--json", type=Path, default=None, help="write the medians here too")
    args = ap.parse_args()

    # the project is installed editable: its byte code exists only where
    # Python could write it (not under PYTHONDONTWRITEBYTECODE=1), and every
    # timed process would compile ~50 modules again (≈0.15 s) — an installed
    # wheel has its byte code; so has `make main`/`make test` (compileall)
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "pipeline")], check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix="bench-speed-") as tmp_:
        tmp = Path(tmp_)
        first4, times4 = make_inputs(tmp)
        # two parsed plans for the diff
        run(parse_cmd(PLAN_TXT, tmp / "plans"))
        run(parse_cmd(PLAN_PDF, tmp / "plans"))
        plans = [tmp / "plans" / "jianghai-14th", tmp / "plans" / "plan-A-pdf"]
        dvc = shutil.which("dvc", path=str(Path(PY).parent) + os.pathsep + os.environ.get("PATH", ""))
        if args.dvc:
            if dvc is None:
                raise SystemExit("--dvc: dvc is not installed")
            env_path = str(Path(PY).parent) + os.pathsep + os.environ.get("PATH", "")
            subprocess.run([dvc, "repro", "-q"], cwd=ROOT, check=True, env=dict(os.environ, PATH=env_path))

        configs: dict[str, object] = {
            "pdfplumber extract_text": lambda: [PY, "-c", PDFPLUMBER_TEXT, str(PLAN_PDF)],
            "pypdfium2 raw text": lambda: [PY, "-c", PDFIUM_TEXT, str(PLAN_PDF)],
        }
        if shutil.which("pdftotext"):
            configs["poppler pdftotext"] = lambda: ["pdftotext", str(PLAN_PDF), str(tmp / "pdftotext.txt")]
        k = iter(range(10**6))
        configs.update({
            "parse plan-A --jobs 1": lambda: parse_cmd(PLAN_PDF, tmp / f"o{next(k)}", 1),
            "parse plan-A --jobs 2": lambda: parse_cmd(PLAN_PDF, tmp / f"o{next(k)}", 2),
            "parse 4 pages --jobs 1": lambda: parse_cmd(first4, tmp / f"o{next(k)}", 1),
            "parse 4× plan-A --jobs 1": lambda: parse_cmd(times4, tmp / f"o{next(k)}", 1),
            "parse 4× plan-A --jobs 2": lambda: parse_cmd(times4, tmp / f"o{next(k)}", 2),
            "parse text (seed plan)": lambda: parse_cmd(PLAN_TXT, tmp / f"o{next(k)}"),
            "diff two parsed plans": lambda: [PY, "-m", "pipeline", "diff", str(plans[0]), str(plans[1]),
                                              "--out", str(tmp / f"d{next(k)}"), "-q"],
        })
        if args.dvc:
            env_path = str(Path(PY).parent) + os.pathsep + os.environ.get("PATH", "")
            configs["dvc repro (nothing to do)"] = lambda: ["env", f"PATH={env_path}", dvc, "repro", "-q"]

        times: dict[str, list[tuple[float, float]]] = {name: [] for name in configs}
        for r in range(args.repeat):
            for name, make in configs.items():
                times[name].append(run(make()))
            print(f"round {r + 1}/{args.repeat} done", file=sys.stderr)

    wall = {n: statistics.median(w for w, _ in ts) for n, ts in times.items()}
    cpu = {n: statistics.median(c for _, c in ts) for n, ts in times.items()}
    pages = 114
    per_page = {j: (wall[f"parse 4× plan-A --jobs {j}"] - wall[f"parse plan-A --jobs {j}"]) / (3 * pages) * 1000
                for j in (1, 2)}
    per_page_cpu = (cpu["parse 4× plan-A --jobs 1"] - cpu["parse plan-A --jobs 1"]) / (3 * pages) * 1000

    print(f"\nmedians of {args.repeat} interleaved rounds, whole processes, cold; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end\n")
    print("| configuration | wall s | CPU s | × pdfplumber | × PDFium raw text |")
    print("|---|---|---|---|---|")
    base, floor = wall["pdfplumber extract_text"], wall["pypdfium2 raw text"]
    for name in configs:
        print(f"| {name} | {wall[name]:.3f} | {cpu[name]:.3f} | {wall[name] / base:.2f} | {wall[name] / floor:.1f} |")
    print(f"\ncost per page (4× plan-A minus plan-A, 342 pages): --jobs 1 {per_page[1]:.1f} ms/page "
          f"(CPU {per_page_cpu:.1f} ms/page), --jobs 2 {per_page[2]:.1f} ms/page")
    print("\n| target | measured | met |")
    print("|---|---|---|")
    for name, ref, target, says in TARGETS:
        if name not in wall:
            continue
        value = wall[name] / wall[ref] if ref else wall[name]
        shown = f"{value:.2f} × {ref}" if ref else f"{value:.3f} s"
        print(f"| {name} {says} | {shown} | {'yes' if value <= target else 'no'} |")
    if args.json:
        args.json.write_text(json.dumps({"wall": wall, "cpu": cpu, "ms_per_page": per_page,
                                         "repeat": args.repeat}, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
