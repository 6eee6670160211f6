"""Command line: a thin shell over :mod:`pipeline.run` and the stage functions.

::

    python -m pipeline parse INPUT [--out DIR] [--plan-id ID] [--jobs N] [--ocr auto|always|never] [--strict]
    python -m pipeline diff DIR_A DIR_B [--out DIR]
    python -m pipeline terms OUTPUT_DIR [--top N]
    python -m pipeline grep OUTPUT_DIR TERM

    # DVC stages (one per stage, interim files in between)
    python -m pipeline extract INPUT --interim DIR [--jobs N]
    python -m pipeline structure --interim DIR
    python -m pipeline tables --interim DIR
    python -m pipeline emit --interim DIR --out DIR --plan-id ID [--strict]

Exit codes: 0 success; input errors 2-9 (see :mod:`pipeline.errors` and the
README); 10 ``--strict`` conservation failure (text lost, or an image that may
hold text left unread); 70 internal error.  Errors
are one line on stderr, never a traceback (``--debug`` shows it).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path

from .errors import InputError, PipelineError, StageError, StrictModeFailure

log = logging.getLogger("pipeline")

#: Findings that ``--strict`` turns into exit 10: text lost, or an image that
#: may hold text left unread.
STRICT_CHECKS = ("conservation", "unread_image")


def _add_common(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("-v", "--verbose", action="store_true", help="more log output")
    g.add_argument("-q", "--quiet", action="store_true", help="only errors")
    p.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m pipeline",
                                 description="Chinese development plans (规划纲要) → structured data")
    sub = ap.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("parse", help="parse a plan (PDF or text) into output/<plan_id>/")
    p.add_argument("input")
    p.add_argument("--out", default="output", help="output root (files go to OUT/<plan_id>/)")
    p.add_argument("--plan-id", default=None)
    p.add_argument("--jobs", type=int, default=None, help="parallel PDF page workers (default: all cores)")
    p.add_argument("--interim", default=None, help="keep interim files (and the PDF page cache) here")
    p.add_argument("--engine", choices=("pdfium", "pdfplumber"), default="pdfium",
                   help="PDF content parser (default pdfium: same page logic, several times faster)")
    p.add_argument("--ocr", choices=("auto", "always", "never"), default="auto",
                   help="read pictures of text by OCR: auto (default: scanned pages and images that look like "
                        "text), always (every page and image), never")
    p.add_argument("--strict", action="store_true",
                   help="fail (exit 10) if any input text is lost or an image holding text was not read")
    _add_common(p)

    p = sub.add_parser("extract", help="DVC stage: input → interim lines")
    p.add_argument("input")
    p.add_argument("--interim", required=True)
    p.add_argument("--jobs", type=int, default=None)
    p.add_argument("--engine", choices=("pdfium", "pdfplumber"), default="pdfium")
    p.add_argument("--ocr", choices=("auto", "always", "never"), default="auto")
    _add_common(p)
    for name in ("structure", "tables"):
        p = sub.add_parser(name, help=f"DVC stage: {name}")
        p.add_argument("--interim", required=True)
        _add_common(p)
    p = sub.add_parser("emit", help="DVC stage: interim → output contract")
    p.add_argument("--interim", required=True)
    p.add_argument("--out", default="output")
    p.add_argument("--plan-id", required=True)
    p.add_argument("--strict", action="store_true")
    _add_common(p)

    p = sub.add_parser("diff", help="compare two parsed plans (output dirs or input files)")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--out", default=None, help="default: output/diffs/<a>__<b>")
    p.add_argument("--jobs", type=int, default=None)
    _add_common(p)

    p = sub.add_parser("terms", help="chapter × keyword table of a parsed plan")
    p.add_argument("output_dir")
    p.add_argument("--top", type=int, default=8)
    _add_common(p)

    p = sub.add_parser("grep", help="paragraphs mentioning a term, with their outline path")
    p.add_argument("output_dir")
    p.add_argument("term")
    _add_common(p)
    return ap


class Progress:
    """Progress bars on a terminal (tqdm on stderr): one for the stages, one
    for PDF pages.  Silent when stderr is not a TTY (CI, DVC logs, pipes)
    or with --quiet."""

    STAGES = ("extract", "structure", "tables", "terms", "emit")

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._stages = self._pages = None

    def stage(self, name: str) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        if self._stages is None:
            self._stages = tqdm(total=len(self.STAGES), desc="stages", unit="stage", leave=False, file=sys.stderr)
        if self._pages is not None and name != "extract":
            self._pages.close()
            self._pages = None
        self._stages.set_postfix_str(name)
        self._stages.update(1 if name != "extract" else 0)

    def pages(self, n: int, total: int | None = None) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        if self._pages is None:
            self._pages = tqdm(total=total, desc="pages", unit="page", leave=False, file=sys.stderr)
        if total is not None:
            self._pages.total = total
            self._pages.refresh()
        self._pages.update(n)

    def close(self) -> None:
        for bar in (self._pages, self._stages):
            if bar is not None:
                bar.close()
        self._stages = self._pages = None


def _progress(args) -> Progress:
    return Progress(enabled=not args.quiet and sys.stderr.isatty())


def _summarise(findings, args) -> None:
    if args.quiet or not findings:
        return
    by = {}
    for f in findings:
        by.setdefault((f.severity, f.check), 0)
        by[(f.severity, f.check)] += 1
    parts = ", ".join(f"{n} {sev} {chk}" for (sev, chk), n in sorted(by.items()))
    print(f"findings: {parts} (see validation.parquet)", file=sys.stderr)


def _use_cache(interim: str | None) -> None:
    """Let the term layer cache jieba's prefix dictionary under the interim
    root (``interim/.cache``), unless $PLAN_PIPELINE_CACHE says otherwise."""
    if interim and "PLAN_PIPELINE_CACHE" not in os.environ:
        os.environ["PLAN_PIPELINE_CACHE"] = str(Path(interim).resolve().parent / ".cache")


def cmd_parse(args) -> int:
    from .emit import write_outputs
    from .run import parse, plan_id_from_path

    _use_cache(args.interim)
    plan_id = args.plan_id or plan_id_from_path(args.input)
    tick = _progress(args)
    cache = Path(args.interim) / "pages" if args.interim else None
    try:
        res = parse(args.input, plan_id, jobs=args.jobs or None, cache_dir=cache, progress=tick.stage,
                    engine=args.engine, on_pages=tick.pages, ocr=args.ocr)
    finally:
        tick.close()
    lost = [f for f in res.findings if f.check in STRICT_CHECKS]
    if args.strict and lost:
        raise StrictModeFailure(f"{args.input}: {lost[0].check} check failed: {lost[0].message}")
    out = write_outputs(Path(args.out) / plan_id, res.outputs, res.extracted.source.sha256)
    if args.interim:
        from . import interim
        d = Path(args.interim)
        interim.save_extracted(res.extracted, d)
        interim.save_structured(res.structured, d)
        interim.save_tableset(res.tables, d)
    _summarise(res.tables.findings + res.findings, args)
    if args.verbose:
        print(f"wrote {out}", file=sys.stderr)
    return 0


def cmd_extract(args) -> int:
    from . import interim
    from .extract import extract
    from .run import stage

    d = Path(args.interim)
    tick = _progress(args)
    try:
        ex = stage("extract", args.input, extract, args.input, jobs=args.jobs or None, cache_dir=d / "pages",
                   engine=args.engine, on_pages=tick.pages, ocr=args.ocr)
    finally:
        tick.close()
    interim.save_extracted(ex, d)
    return 0


def cmd_structure(args) -> int:
    from . import interim
    from .run import stage
    from .structure import structure

    d = Path(args.interim)
    ex = interim.load_extracted(d)
    st = stage("structure", ex.source.path, structure, ex)
    interim.save_structured(st, d)
    return 0


def cmd_tables(args) -> int:
    from . import interim
    from .run import run_tables, stage

    d = Path(args.interim)
    ex = interim.load_extracted(d)
    st = interim.load_structured(d)
    ts = stage("tables", ex.source.path, run_tables, st, ex)
    interim.save_tableset(ts, d)
    return 0


def cmd_emit(args) -> int:
    from . import interim
    from .emit import write_outputs
    from .run import finish, run_terms, stage

    d = Path(args.interim)
    _use_cache(args.interim)
    ex = interim.load_extracted(d)
    st = interim.load_structured(d)
    ts = interim.load_tableset(d)
    terms = stage("terms", ex.source.path, run_terms, st, ts)
    res = finish(args.plan_id, ex, st, ts, terms)
    lost = [f for f in res.findings if f.check in STRICT_CHECKS]
    if args.strict and lost:
        raise StrictModeFailure(f"{ex.source.path}: {lost[0].check} check failed: {lost[0].message}")
    write_outputs(Path(args.out) / args.plan_id, res.outputs, ex.source.sha256)
    _summarise(ts.findings + res.findings, args)
    return 0


def cmd_diff(args) -> int:
    from .diff import run_diff

    run_diff(args.a, args.b, args.out, jobs=args.jobs)
    return 0


def cmd_terms(args) -> int:
    from .terms import print_terms

    print_terms(args.output_dir, top=args.top)
    return 0


def cmd_grep(args) -> int:
    from .terms import grep

    n = grep(args.output_dir, args.term)
    return 0 if n else 1


COMMANDS = {"parse": cmd_parse, "extract": cmd_extract, "structure": cmd_structure, "tables": cmd_tables,
            "emit": cmd_emit, "diff": cmd_diff, "terms": cmd_terms, "grep": cmd_grep}


def _on_sigterm(signum, frame):  # pragma: no cover - exercised by a subprocess test
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.ERROR if args.quiet else logging.WARNING,
                        format="%(levelname)s: %(message)s")
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return COMMANDS[args.cmd](args)
    except PipelineError as exc:
        if args.debug:
            raise
        if isinstance(exc, InputError) and not exc.path:
            exc.path = getattr(args, "input", None) or getattr(args, "a", None)
        msg = exc.line() if hasattr(exc, "line") else f"error: {exc}"
        print(msg, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except MemoryError:
        print(f"error: out of memory while running '{args.cmd}'", file=sys.stderr)
        return 71
    except Exception as exc:  # noqa: BLE001 - last resort: one line, no traceback
        if args.debug:
            raise
        err = StageError(args.cmd, getattr(args, "input", "?"), exc)
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
