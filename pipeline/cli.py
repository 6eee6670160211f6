"""Command line: a thin shell over :mod:`pipeline.run` and the stage functions.

::

    python -m pipeline parse INPUT [--out DIR] [--plan-id ID] [--jobs N] [--strict]
    python -m pipeline diff DIR_A DIR_B [--out DIR]
    python -m pipeline terms OUTPUT_DIR [--top N]
    python -m pipeline grep OUTPUT_DIR TERM

    # DVC stages (one per stage, interim files in between)
    python -m pipeline extract INPUT --interim DIR [--jobs N]
    python -m pipeline structure --interim DIR
    python -m pipeline tables --interim DIR
    python -m pipeline emit --interim DIR --out DIR --plan-id ID [--strict]

Exit codes: 0 success; input errors 2-9, 12, 13, output problems 2 and 11
(see :mod:`pipeline.errors` and the README); 10 ``--strict`` failure; 70
internal error; 130 interrupted.  Errors
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


def _add_common(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("-v", "--verbose", action="store_true", help="more log output")
    g.add_argument("-q", "--quiet", action="store_true", help="only errors")
    p.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def _size(text: str) -> int:
    """``--max-bytes`` value: bytes, or with a K/M/G suffix (binary)."""
    t = text.strip().upper().removesuffix("B").removesuffix("I")
    mult = {"K": 2**10, "M": 2**20, "G": 2**30}.get(t[-1:], 1)
    try:
        n = int(float(t[:-1] if mult > 1 else t) * mult)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 300M)") from None
    if n <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return n


def _seconds(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if v < 0 or v != v:
        raise argparse.ArgumentTypeError("must be 0 (no limit) or more")
    return v


def _add_safety(p: argparse.ArgumentParser) -> None:
    """Input limits (issue 13): size, pipe silence, time per PDF page."""
    p.add_argument("--max-bytes", type=_size, default=None, metavar="SIZE",
                   help="largest input accepted, e.g. 300M (default 512M for PDF, 16M for text)")
    p.add_argument("--read-timeout", type=_seconds, default=60.0, metavar="SECONDS",
                   help="give up on a pipe or FIFO that sends nothing for this long (default 60)")
    p.add_argument("--page-timeout", type=_seconds, default=None, metavar="SECONDS",
                   help="skip (with a finding) a PDF page that takes longer (default 120; 0: no limit)")


def _limits(args) -> dict:
    return {"max_bytes": args.max_bytes, "read_timeout": args.read_timeout, "page_timeout": args.page_timeout}


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
    p.add_argument("--strict", action="store_true", help="fail (exit 10) if any input text is lost")
    _add_safety(p)
    p.add_argument("--force", action="store_true",
                   help="replace OUT/<plan_id>/ even if it holds the output of another source")
    _add_common(p)

    p = sub.add_parser("extract", help="DVC stage: input → interim lines")
    p.add_argument("input")
    p.add_argument("--interim", required=True)
    p.add_argument("--jobs", type=int, default=None)
    p.add_argument("--engine", choices=("pdfium", "pdfplumber"), default="pdfium")
    _add_safety(p)
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
    p.add_argument("--force", action="store_true", help="replace an output of another source")
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


def _strict(path: str, findings) -> None:
    from .conservation import strict_failures
    from .errors import printable

    bad = strict_failures(findings)
    if bad:
        what = "conservation check failed" if bad[0].check == "conservation" else "text could not be read"
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        raise StrictModeFailure(f"{printable(path)}: {what}: {bad[0].message}{more}")


def cmd_parse(args) -> int:
    from . import outdir
    from .emit import write_outputs
    from .run import parse, plan_id_from_path

    _use_cache(args.interim)
    plan_id = args.plan_id if args.plan_id is not None else plan_id_from_path(args.input)
    target = outdir.plan_target(args.out, plan_id)     # a bad id or --out fails before the parse
    tick = _progress(args)
    cache = Path(args.interim) / "pages" if args.interim else None
    try:
        res = parse(args.input, plan_id, jobs=args.jobs or None, cache_dir=cache, progress=tick.stage,
                    engine=args.engine, on_pages=tick.pages, **_limits(args))
    finally:
        tick.close()
    if args.strict:
        _strict(args.input, res.findings)
    if _INTERRUPTED:              # never write after a signal, even if a library swallowed it
        raise KeyboardInterrupt
    out = write_outputs(target, res.outputs, res.extracted.source.sha256, force=args.force)
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
                   engine=args.engine, on_pages=tick.pages, **{k: v for k, v in _limits(args).items() if v is not None})
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
    from . import outdir

    target = outdir.plan_target(args.out, args.plan_id)
    res = finish(args.plan_id, ex, st, ts, terms)
    if args.strict:
        _strict(ex.source.path, res.findings)
    write_outputs(target, res.outputs, ex.source.sha256, force=args.force)
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


_INTERRUPTED: list[int] = []


def _on_signal(signum, frame):  # pragma: no cover - exercised by a subprocess test
    """SIGTERM/SIGINT: unwind (the page pool and staging are cleaned up on the
    way), exit 130 with one line; a second signal exits at once."""
    if _INTERRUPTED:
        os._exit(130)
    _INTERRUPTED.append(signum)
    raise KeyboardInterrupt


# OS errors that are the environment's, not a bug (exit 11 with the path)
_ENV_ERRNOS = {"EACCES", "EPERM", "EROFS", "ENOSPC", "EDQUOT", "ENAMETOOLONG", "ENOTDIR", "EISDIR", "EEXIST",
               "ELOOP", "EMFILE", "ENFILE"}


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.ERROR if args.quiet else logging.WARNING,
                        format="%(levelname)s: %(message)s")
    old_handlers = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    _INTERRUPTED.clear()
    try:
        return _run(args)
    finally:
        for sig, h in old_handlers.items():
            signal.signal(sig, h)


def _run(args) -> int:
    try:
        code = COMMANDS[args.cmd](args)
        if _INTERRUPTED:          # the signal's KeyboardInterrupt was swallowed by a library
            raise KeyboardInterrupt
        return code
    except PipelineError as exc:
        if args.debug:
            raise
        if isinstance(exc, InputError) and not exc.path:
            exc.path = getattr(args, "input", None) or getattr(args, "a", None)
        msg = exc.line() if hasattr(exc, "line") else f"error: {exc}"
        print(msg, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        name = {signal.SIGTERM: "SIGTERM", signal.SIGINT: "SIGINT"}.get(_INTERRUPTED[0] if _INTERRUPTED else 0,
                                                                         "SIGINT")
        print(f"error: interrupted ({name})", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        import errno

        if args.debug or errno.errorcode.get(exc.errno or 0) not in _ENV_ERRNOS:
            if args.debug:
                raise
            err = StageError(args.cmd, getattr(args, "input", "?"), exc)
            print(err.line(), file=sys.stderr)
            return err.exit_code
        from .errors import OutputError

        print(OutputError(exc.strerror or str(exc), exc.filename or getattr(args, "out", None)).line(),
              file=sys.stderr)
        return OutputError.exit_code
    except MemoryError:
        print(f"error: out of memory while running '{args.cmd}'", file=sys.stderr)
        return 71
    except Exception as exc:  # noqa: BLE001 - last resort: one line, no traceback
        if args.debug:
            raise
        err = StageError(args.cmd, getattr(args, "input", None) or getattr(args, "output_dir", None)
                         or getattr(args, "a", None) or "?", exc)
        print(err.line(), file=sys.stderr)
        return err.exit_code
