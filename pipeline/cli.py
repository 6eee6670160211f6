"""Command line: a thin shell over :mod:`pipeline.run`, the stage functions
and :mod:`pipeline.contract`.

::

    plan parse INPUT [--out DIR] [--plan-id ID] [--jobs N] [--strict] …
    plan diff A B [--out DIR]          # A, B: parsed plans, output roots holding one, or input files
    plan terms PLAN [--top N]
    plan grep PLAN PATTERN [--regex]
    plan info PLAN_OR_ROOT
    plan validate PLAN_OR_ROOT
    plan corpus DIR --out DATASET [--jobs N] [--scheduler ADDR]

    # DVC stages (one per stage, interim files in between)
    plan extract INPUT --interim DIR [--jobs N]
    plan structure --interim DIR
    plan tables --interim DIR
    plan emit --interim DIR --out DIR --plan-id ID [--strict]

Every command takes ``--json`` (its summary as one JSON object on stdout),
``-q``/``-v`` and ``--debug``.  On success a command says what it did in one
line on stderr (``-q`` silences it); a failure is one line on stderr (never
a traceback; ``--debug`` shows it) and the exit code of :data:`EXIT_CODES`,
the same for the same problem in every command.

Structure: one ``_add_<command>`` function per sub-parser (options, help,
examples), one ``cmd_<command>`` function per command returning an
:class:`Outcome`; :func:`main` maps errors to exit codes and prints.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import (
    ContractViolation,
    InputError,
    PipelineError,
    StageError,
    StrictModeFailure,
    UnsupportedInput,
)

log = logging.getLogger("pipeline")

#: exit code → meaning (the README's table; identical in every command)
EXIT_CODES: dict[int, str] = {
    0: "success",
    1: "grep: no record matches",
    2: "usage error (unknown option, bad value such as --jobs -3 or --top 0, an unsafe --plan-id) or invalid "
       "input; a refused output (a file, link or directory this tool did not write, another source's output "
       "without --force, a diff --out holding plans)",
    3: "empty input",
    4: "undecodable text (not UTF-8/UTF-16/GB18030)",
    5: "not a plan (no outline found)",
    6: "PDF without a text layer that OCR could not read (a scan with --ocr never or without the ocr extra)",
    7: "encrypted PDF",
    8: "corrupt or truncated PDF, or not a PDF at all",
    9: "missing file or directory, or a directory that is not a parsed plan; a device, a terminal, an input "
       "over --max-bytes, a pipe or FIFO silent for --read-timeout",
    10: "--strict: some input text is not in any output record, or could not be read (an image holding text "
        "not read, a page skipped, a damaged stream, glyphs without Unicode mapping)",
    11: "validate: the parsed plan does not match the output contract",
    12: "a damaged parsed plan (truncated or unreadable Parquet) given to terms, grep, diff, info",
    13: "the PDF's text is in fonts that are not embedded and no installed CJK font maps them to Unicode",
    70: "internal error (the message names the input and the stage)",
    71: "out of memory",
    73: "the output cannot be written (--out is a file, read-only, not writable, disk full, name too long, "
        "locked by another run)",
    75: "corpus: another run holds the dataset (its lock file)",
    100: "corpus: 100 + the number of files that failed in this run (capped at 125; see failures.parquet)",
    130: "interrupted (SIGINT/SIGTERM)",
}


# --------------------------------------------------------------------------
# argument parsing
# --------------------------------------------------------------------------


class UsageError(Exception):
    """A command-line usage error (exit 2), raised instead of argparse's exit."""

    def __init__(self, prog: str, message: str):
        super().__init__(message)
        self.prog = prog


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one line and exceptions (see :func:`main`)."""

    def error(self, message: str):  # noqa: D102 - argparse API
        raise UsageError(self.prog, message)


class _Help(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults shown after each option's help (not for unset/False defaults),
    descriptions and example epilogs printed as written."""

    def _get_help_string(self, action):
        if action.default in (None, False) or action.default is argparse.SUPPRESS:
            return action.help
        return super()._get_help_string(action)


def _count(lo: int, what: str):
    """argparse type: a whole number ≥ ``lo``."""

    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if n < lo:
            raise argparse.ArgumentTypeError(f"must be ≥ {lo}{what}, got {n}")
        return n

    return parse


JOBS = _count(0, " (0 = all cores)")
POSITIVE = _count(1, "")

COMMON_EXAMPLES = """
Common options (every command):
  --json      print the command's summary as one JSON object on stdout
              (also on failure: {"ok": false, "exit_code": …, "error": …})
  -q          no summary line, no progress bars, only errors
  -v          more log output        --debug   show the traceback of an internal error
e.g.  plan {cmd} … --json | jq .      plan {cmd} … -q      plan {cmd} … -v --debug
"""


def _common() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_mutually_exclusive_group()
    g.add_argument("-v", "--verbose", action="store_true", help="more log output")
    g.add_argument("-q", "--quiet", action="store_true", help="no summary line or progress bars, only errors")
    p.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    p.add_argument("--json", action="store_true",
                   help="print the summary as one JSON object on stdout (also on failure)")
    return p


def _sub(sub, name: str, help: str, description: str, examples: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=help, description=description, parents=[_common()], formatter_class=_Help,
                          epilog="examples:\n" + examples.strip("\n") + "\n" + COMMON_EXAMPLES.replace("{cmd}", name))


def _add_parse(sub) -> None:
    p = _sub(sub, "parse", "parse a plan (PDF or text) into OUT/<plan_id>/",
             "Parse one plan (PDF or plain text) into the output contract: OUT/<plan_id>/ holds\n"
             "document.json and the Parquet files (docs/schema.md).  Prints one summary line.",
             """
  plan parse raw/jianghai-14th.txt                    # → output/jianghai-14th/
  plan parse plan.pdf --out /tmp/o --plan-id my-plan  # → /tmp/o/my-plan/
  plan parse plan.pdf --jobs 2 --engine pdfplumber    # 2 page workers, the pdfminer parser
  plan parse plan.pdf --interim interim/my-plan       # keep interim files and the page cache
  plan parse plan.txt --strict                        # exit 10 if any input text is lost
  plan parse scan.pdf --ocr always                    # OCR every page and picture (needs the ocr extra)
  cat plan.txt | plan parse - --plan-id my-plan       # from stdin (also /dev/stdin, <(…))
  plan parse fifo --read-timeout 5                    # a pipe that sends nothing for 5 s: exit 9
  plan parse huge.pdf --max-bytes 1G --page-timeout 30  # accept a bigger file; skip pages over 30 s
  plan parse new.txt --plan-id my-plan --force        # replace the output of another source
""")
    p.add_argument("input", help="the plan: a PDF or a text file")
    p.add_argument("--out", default="output", help="output root: files go to OUT/<plan_id>/")
    p.add_argument("--plan-id", default=None,
                   help="plan id, one safe file name (default: the input file name without .txt; other "
                        "extensions kept after a dash: x.pdf → x-pdf)")
    p.add_argument("--jobs", type=JOBS, default=0, help="parallel PDF page workers (0 = all cores)")
    p.add_argument("--interim", default=None, help="keep interim files (and the PDF page cache) in this directory")
    p.add_argument("--engine", choices=("pdfium", "pdfplumber"), default="pdfium",
                   help="PDF content parser (same outputs; pdfium is several times faster)")
    p.add_argument("--ocr", choices=("auto", "always", "never"), default="auto",
                   help="read pictures of text by OCR: auto (scanned pages and images that look like text), "
                        "always (every page and image), never")
    p.add_argument("--strict", action="store_true",
                   help="fail (exit 10) if any input text is not in the outputs or could not be read (an image "
                        "holding text not read, a damaged page)")
    p.add_argument("--force", action="store_true",
                   help="replace OUT/<plan_id>/ even if it holds the output of another source")
    _add_safety(p)


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
                   help="largest input accepted, e.g. 300M (default: 512M for a PDF, 16M for text)")
    p.add_argument("--read-timeout", type=_seconds, default=60.0, metavar="SECONDS",
                   help="give up on a pipe or FIFO that sends nothing for this long")
    p.add_argument("--page-timeout", type=_seconds, default=None, metavar="SECONDS",
                   help="skip (with a finding) a PDF page that takes longer (default: 120; 0: no limit)")


def _limits(args) -> dict:
    return {k: v for k, v in (("max_bytes", args.max_bytes), ("read_timeout", args.read_timeout),
                              ("page_timeout", args.page_timeout)) if v is not None}


def _add_diff(sub) -> None:
    p = _sub(sub, "diff", "compare two versions of a plan",
             "Compare two versions of a plan chapter by chapter: changes.parquet and a self-contained\n"
             "report.html.  A and B are each a parsed plan directory, an output root holding one\n"
             "parsed plan (what `parse --out DIR` wrote), or an input file (parsed first).",
             """
  plan diff output/plan-v1 output/plan-v2             # → output/diffs/plan-v1__plan-v2/ (next to A)
  plan diff /tmp/o1 /tmp/o2                           # two `parse --out` roots with one plan each
  plan diff draft.pdf adopted.pdf --jobs 2            # input files, parsed first (2 page workers)
  plan diff output/a output/b --out /tmp/a-vs-b       # choose where the diff goes
""")
    p.add_argument("a", help="version A: parsed plan directory, output root holding one plan, or input file")
    p.add_argument("b", help="version B: the same kinds as A")
    p.add_argument("--out", default=None,
                   help="output directory (default: <directory holding A>/diffs/<a>__<b>)")
    p.add_argument("--jobs", type=JOBS, default=0, help="parallel PDF page workers when inputs are parsed (0 = all cores)")


def _add_terms(sub) -> None:
    p = _sub(sub, "terms", "chapter × keyword table of a parsed plan",
             "One line per chapter with its strongest keywords (TF-IDF over the plan's chapters).",
             """
  plan terms output/jianghai-14th                     # 8 keywords per chapter
  plan terms output/jianghai-14th --top 3
""")
    p.add_argument("plan", help="parsed plan directory (or an output root holding one plan)")
    p.add_argument("--top", type=POSITIVE, default=8, help="keywords per chapter (≥ 1)")


def _add_grep(sub) -> None:
    p = _sub(sub, "grep", "find a term in paragraphs, 专栏 entries, indicator and project rows",
             "List the records mentioning PATTERN — paragraphs, 专栏 entries, indicator rows and project\n"
             "rows — with where they are (outline path, or table › category › row) and a snippet.\n"
             "Whitespace in texts is ignored.  Exit 1 when nothing matches (like grep).",
             """
  plan grep output/jianghai-14th 侨梦苑                # paragraphs and 专栏 entries
  plan grep output/jianghai-14th 森林覆盖率             # the indicator rows
  plan grep output/jianghai-14th '侨梦苑|华侨' --regex  # a regular expression
""")
    p.add_argument("plan", help="parsed plan directory (or an output root holding one plan)")
    p.add_argument("pattern", help="a term, or a regular expression with --regex")
    p.add_argument("--regex", action="store_true",
                   help="PATTERN is a regular expression (Python `regex` syntax), matched against texts "
                        "with whitespace removed")


def _add_info(sub) -> None:
    p = _sub(sub, "info", "describe a parsed plan, or list the plans under an output root",
             "What a parsed plan holds: plan id, title, source file, versions, counts of chapters,\n"
             "sections, 专栏, tables, indicators and projects, findings.  Given an output root, one\n"
             "line per parsed plan under it.",
             """
  plan info output/jianghai-14th                      # one plan, described
  plan info output                                    # every plan under output/, one line each
""")
    p.add_argument("plan", help="parsed plan directory, or an output root")


def _add_validate(sub) -> None:
    p = _sub(sub, "validate", "check a parsed plan against the output contract",
             "Check a parsed plan (or every plan under an output root) against the output contract:\n"
             "all files present, Parquet schemas as in docs/schema.md, file metadata (plan id, source\n"
             "hash, schema version) present and consistent, references between files whole.\n"
             "Exit 0 if it conforms, 11 if not (each problem printed on stdout).",
             """
  plan validate output/jianghai-14th
  plan validate output                                # every plan under output/
""")
    p.add_argument("plan", help="parsed plan directory, or an output root")


def _add_corpus(sub) -> None:
    p = _sub(sub, "corpus", "parse a folder of plans into one partitioned dataset",
             "Parse every PDF/text/Markdown plan under DIR (recursively) that is not in DATASET yet into one\n"
             "hive-partitioned Parquet dataset (DATASET/<table>/plan_id=…/part-0.parquet), with plan.parquet,\n"
             "panel.parquet (the cross-plan indicator panel) and failures.parquet.  A failed file never stops\n"
             "the run.  Exit code: 0 when every file parsed, 100 + the number of files that failed in this run\n"
             "(capped at 125), 75 when another run holds the dataset.",
             """
  plan corpus raw/corpus --out dataset                          # local: all cores
  plan corpus plans/ --out dataset --jobs 1                     # in this process
  plan corpus plans/ --out dataset --scheduler tcp://host:8786  # a Dask cluster
  plan corpus plans/ --out dataset --engine pdfplumber          # the other PDF content parser
  plan corpus plans/ --out dataset --retry-failed               # parse failed files again
""")
    p.add_argument("dir", help="folder of plans (searched recursively)")
    p.add_argument("--out", required=True, help="the dataset folder")
    p.add_argument("--jobs", type=_count(0, "--jobs"), default=0,
                   help="worker processes (0: all cores; 1: this process)")
    p.add_argument("--scheduler", default=None,
                   help="'processes' (local process pool), 'local' (Dask LocalCluster) or a Dask scheduler "
                        "address such as tcp://host:8786 (default: Dask's LocalCluster when the dask extra "
                        "is installed, else the process pool)")
    p.add_argument("--engine", choices=("pdfium", "pdfplumber"), default="pdfium", help="PDF content parser")
    p.add_argument("--retry-failed", action="store_true", help="parse again files that failed with an input error")


def _add_stages(sub) -> None:
    p = _sub(sub, "extract", "DVC stage: input → interim lines",
             "DVC stage 1/4: read the input into INTERIM/ (lines, regions, source).",
             """
  plan extract raw/plan.pdf --interim interim/plan --jobs 2 --engine pdfium --ocr auto
  plan extract raw/plan.pdf --interim interim/plan --max-bytes 1G --page-timeout 30 --read-timeout 5
""")
    p.add_argument("input", help="the plan: a PDF or a text file")
    p.add_argument("--interim", required=True, help="interim directory of this plan")
    p.add_argument("--jobs", type=JOBS, default=0, help="parallel PDF page workers (0 = all cores)")
    p.add_argument("--engine", choices=("pdfium", "pdfplumber"), default="pdfium", help="PDF content parser")
    p.add_argument("--ocr", choices=("auto", "always", "never"), default="auto",
                   help="read pictures of text by OCR (auto, always, never)")
    _add_safety(p)
    for k, name in ((2, "structure"), (3, "tables")):
        p = _sub(sub, name, f"DVC stage: interim → {name}", f"DVC stage {k}/4: {name} from the interim files.",
                 f"""
  plan {name} --interim interim/plan
""")
        p.add_argument("--interim", required=True, help="interim directory of this plan")
    p = _sub(sub, "emit", "DVC stage: interim → output contract",
             "DVC stage 4/4: the output contract OUT/<plan_id>/ from the interim files.",
             """
  plan emit --interim interim/plan --out output --plan-id plan --strict
  plan emit --interim interim/plan --out output --plan-id plan --force   # replace another source's output
""")
    p.add_argument("--interim", required=True, help="interim directory of this plan")
    p.add_argument("--out", default="output", help="output root: files go to OUT/<plan_id>/")
    p.add_argument("--plan-id", required=True, help="plan id")
    p.add_argument("--strict", action="store_true",
                   help="fail (exit 10) if any input text is not in the outputs or could not be read")
    p.add_argument("--force", action="store_true", help="replace an output of another source")


def _prog() -> str:
    return "plan" if Path(sys.argv[0]).name == "plan" else "python -m pipeline"


class _Version(argparse.Action):
    """``--version``: the package version, looked up only when asked for."""

    def __init__(self, option_strings, dest, **kw):
        super().__init__(option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, nargs=0, **kw)

    def __call__(self, parser, namespace, values, option_string=None):
        import pipeline

        print(f"{parser.prog} {pipeline.__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser (one sub-parser per command)."""
    codes = "\n".join(f"  {k:>3}  {v}" for k, v in EXIT_CODES.items())
    ap = _Parser(prog=_prog(), formatter_class=_Help,
                 description="Chinese development plans (规划纲要) → outline, 专栏, indicator and project tables "
                             "as Parquet/JSON.",
                 epilog=f"""examples:
  plan parse raw/jianghai-14th.txt            # → output/jianghai-14th/ and a one-line summary
  plan info output/jianghai-14th              # what was found
  plan grep output/jianghai-14th 森林覆盖率     # where a term occurs (paragraphs, tables)
  plan diff output/plan-v1 output/plan-v2     # → output/diffs/plan-v1__plan-v2/report.html
  plan COMMAND --help                         # options, defaults and examples of a command

every command takes --json (summary as one JSON object on stdout), -q, -v, --debug

exit codes (the same in every command):
{codes}
""")
    ap.add_argument("--version", action=_Version, help="print the version and exit")
    sub = ap.add_subparsers(dest="cmd", metavar="COMMAND", parser_class=_Parser)
    for add in (_add_parse, _add_diff, _add_terms, _add_grep, _add_info, _add_validate, _add_corpus, _add_stages):
        add(sub)
    return ap


# --------------------------------------------------------------------------
# progress bars
# --------------------------------------------------------------------------


class Progress:
    """Progress bars on a terminal (tqdm on stderr): one for the stages, one
    for PDF pages.  Silent when stderr is not a TTY (CI, DVC logs, pipes)
    or with --quiet / --json."""

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
    return Progress(enabled=not args.quiet and not args.json and sys.stderr.isatty())


# --------------------------------------------------------------------------
# commands
# --------------------------------------------------------------------------


@dataclass(slots=True)
class Outcome:
    """What a command did: its JSON summary, its one-line human summary
    (stderr; ``timed`` appends the wall time) and its exit code."""

    summary: dict = field(default_factory=dict)
    line: str | None = None
    code: int = 0
    timed: bool = True


def _require_file(path: str) -> None:
    """The same error for a missing input in every command (exit 9);
    ``-`` is stdin."""
    if path == "-":
        return
    p = Path(path)
    if not p.exists():
        raise UnsupportedInput("no such file or directory", path)
    if p.is_dir():
        raise UnsupportedInput("a directory, not an input file", path)


def _require_interim(d: Path, names: tuple[str, ...], before: str) -> None:
    if not d.is_dir():
        raise UnsupportedInput("no such file or directory", str(d))
    missing = [n for n in names if not (d / n).is_file()]
    if missing:
        raise UnsupportedInput(f"no interim {', '.join(missing)}: run `plan {before} … --interim {d}` first",
                               str(d))


def _use_cache(interim: str | None) -> None:
    """Let the term layer cache jieba's prefix dictionary under the interim
    root (``interim/.cache``), unless $PLAN_PIPELINE_CACHE says otherwise."""
    if interim and "PLAN_PIPELINE_CACHE" not in os.environ:
        os.environ["PLAN_PIPELINE_CACHE"] = str(Path(interim).resolve().parent / ".cache")


#: Findings that ``--strict`` turns into exit 10: text lost, or an image that
#: may hold text left unread (and table text left out of a grid, LOST_TEXT_CHECKS).
STRICT_CHECKS = ("conservation", "unread_image")


def _lost_text(res) -> list:
    """Conservation findings, unread pictures of text, and table text left out of the grids."""
    from .tables import LOST_TEXT_CHECKS

    return [f for f in res.findings + res.tables.findings
            if f.check in STRICT_CHECKS or f.check in LOST_TEXT_CHECKS]


def _parsed(out: Path, **extra) -> Outcome:
    """Summary of a plan just written (parse, emit): read back from its files,
    so it is what ``plan info`` says too."""
    from . import contract

    info = contract.describe(out)
    line = (f"{info['plan_id']}: {contract.counts_line(info)}; {contract.findings_line(info)} "
            f"→ {out}{os.sep}")
    return Outcome({**extra, **info}, line)


def _strict(path: str, results) -> None:
    """--strict: fail on lost text (conservation, table text left out of the
    grids) and on text extraction could not read (extraction errors)."""
    from .conservation import strict_failures
    from .errors import printable

    bad = []
    for r in results:
        bad += _lost_text(r)
        bad += [f for f in strict_failures(r.findings) if f not in bad]
    if bad:
        what = "text could not be read" if bad[0].check == "extraction" else f"{bad[0].check} check failed"
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        raise StrictModeFailure(f"{printable(path)}: {what}: {bad[0].message}{more}")


def cmd_parse(args) -> Outcome:
    from . import outdir
    from .run import parse_documents, plan_id_from_path

    _require_file(args.input)
    _use_cache(args.interim)
    plan_id = args.plan_id if args.plan_id is not None else plan_id_from_path(args.input)
    outdir.plan_target(args.out, plan_id)      # a bad id or --out fails before the parse
    tick = _progress(args)
    cache = Path(args.interim) / "pages" if args.interim else None
    try:
        # a volume holding several plans gives <plan_id>-1, <plan_id>-2, …
        results = parse_documents(args.input, plan_id, jobs=args.jobs or None, cache_dir=cache,
                                  progress=tick.stage, engine=args.engine, on_pages=tick.pages, ocr=args.ocr,
                                  **_limits(args))
    finally:
        tick.close()
    if args.strict:
        _strict(args.input, results)
    if _INTERRUPTED:              # never write after a signal, even if a library swallowed it
        raise KeyboardInterrupt
    for r in results:             # every target checked before the first is written
        outdir.plan_target(args.out, r.plan_id)
    # imported here, not before the parse: pyarrow takes ~0.1 s to import, which
    # on a PDF happens in the preload thread while the page workers run
    from .emit import write_outputs

    outs = [write_outputs(Path(args.out) / r.plan_id, r.outputs, r.extracted.source.sha256, force=args.force)
            for r in results]
    res, out = results[-1], outs[-1]
    if len(outs) > 1:
        plans = [_parsed(o) for o in outs]
        return Outcome({"input": args.input, "documents": [p.summary for p in plans]},
                       f"{args.input}: a volume of {len(outs)} plans\n" + "\n".join(p.line for p in plans))
    if args.interim:
        from . import interim
        d = Path(args.interim)
        interim.save_extracted(res.extracted, d)
        interim.save_structured(res.structured, d)
        interim.save_tableset(res.tables, d)
    return _parsed(out, input=args.input)


def cmd_extract(args) -> Outcome:
    from . import interim
    from .extract import extract
    from .run import stage

    _require_file(args.input)
    d = Path(args.interim)
    tick = _progress(args)
    try:
        ex = stage("extract", args.input, extract, args.input, jobs=args.jobs or None, cache_dir=d / "pages",
                   engine=args.engine, on_pages=tick.pages, ocr=args.ocr, **_limits(args))
    finally:
        tick.close()
    interim.save_extracted(ex, d)
    return Outcome({"input": args.input, "interim": str(d), "kind": ex.source.kind, "pages": ex.source.n_pages,
                    "lines": len(ex.lines)},
                   f"extract: {len(ex.lines):,} lines, {ex.source.n_pages} pages ({ex.source.kind}) → {d}{os.sep}")


def cmd_structure(args) -> Outcome:
    from . import interim
    from .run import stage
    from .structure import structure

    d = Path(args.interim)
    _require_interim(d, ("lines.parquet", "source.json"), "extract")
    ex = interim.load_extracted(d)
    st = stage("structure", ex.source.path, structure, ex)
    interim.save_structured(st, d)
    return Outcome({"interim": str(d), "blocks": len(st.blocks), "nodes": len(st.nodes)},
                   f"structure: {len(st.nodes):,} outline nodes, {len(st.blocks):,} blocks → {d}{os.sep}")


def cmd_tables(args) -> Outcome:
    from . import interim
    from .run import run_tables, stage

    d = Path(args.interim)
    _require_interim(d, ("lines.parquet", "source.json", "blocks.parquet", "nodes.parquet"), "structure")
    ex = interim.load_extracted(d)
    st = interim.load_structured(d)
    ts = stage("tables", ex.source.path, run_tables, st, ex)
    interim.save_tableset(ts, d)
    return Outcome({"interim": str(d), "tables": len(ts.tables), "indicators": len(ts.indicators),
                    "projects": len(ts.projects), "findings": len(ts.findings)},
                   f"tables: {len(ts.tables)} tables, {len(ts.indicators)} indicators, {len(ts.projects)} projects "
                   f"→ {d}{os.sep}")


def cmd_emit(args) -> Outcome:
    from . import interim
    from .emit import write_outputs
    from .run import finish, run_terms, stage

    d = Path(args.interim)
    _require_interim(d, ("lines.parquet", "source.json", "blocks.parquet", "nodes.parquet", "tables.parquet",
                         "tables_tidy.json"), "tables")
    _use_cache(args.interim)
    ex = interim.load_extracted(d)
    st = interim.load_structured(d)
    ts = interim.load_tableset(d)
    from . import outdir

    outdir.plan_target(args.out, args.plan_id)
    terms = stage("terms", ex.source.path, run_terms, st, ts)
    res = finish(args.plan_id, ex, st, ts, terms)
    if args.strict:
        _strict(ex.source.path, [res])
    out = write_outputs(Path(args.out) / args.plan_id, res.outputs, ex.source.sha256, force=args.force)
    return _parsed(out, input=ex.source.path)


def cmd_diff(args) -> Outcome:
    from .diff import diff_summary, run_diff

    out = run_diff(args.a, args.b, args.out, jobs=args.jobs or None)
    s = diff_summary(out)
    by = ", ".join(f"{n} {k}" for k, n in s["changes"]["by_change"].items())
    n = s["changes"]["total"]
    line = (f"diff {s['plan_a']} → {s['plan_b']}: {n} change{'' if n == 1 else 's'}{f' ({by})' if by else ''} "
            f"→ {s['report']}")
    return Outcome(s, line)


def cmd_terms(args) -> Outcome:
    from .contract import resolve_plan_dir
    from .terms import print_terms
    from .terms.query import chapter_keywords

    d = resolve_plan_dir(args.plan)
    if args.json:
        table = chapter_keywords(d, args.top)
        chapters = [{"node_id": r.node_id, "label": r.label, "title": r.title, "keywords": list(r.keywords)}
                    for r in table.itertuples(index=False)]
        return Outcome({"plan": str(d), "top": args.top, "chapters": chapters}, None, timed=False)
    print_terms(d, top=args.top)
    return Outcome({}, None, timed=False)


def cmd_grep(args) -> Outcome:
    from .contract import resolve_plan_dir
    from .terms.query import find, grep_summary, print_hits

    d = resolve_plan_dir(args.plan)
    hits = find(d, args.pattern, use_regex=args.regex)
    if not args.json:
        print_hits(hits)
    return Outcome({"plan": str(d), "pattern": args.pattern, "regex": args.regex, "records": len(hits),
                    "occurrences": sum(h.count for h in hits), "hits": [h.as_dict() for h in hits]},
                   grep_summary(hits, args.pattern), 0 if hits else 1, timed=False)


def cmd_corpus(args) -> Outcome:
    from .corpus import build_corpus

    summary = build_corpus(args.dir, args.out, jobs=args.jobs or None, scheduler=args.scheduler,
                           engine=args.engine, retry_failed=args.retry_failed,
                           progress=not args.quiet and not args.json and sys.stderr.isatty())
    failed = [{"path": s.rel, "exit_code": s.exit_code, "message": s.message} for s in summary.failed]
    return Outcome({"dir": args.dir, "dataset": args.out, "files": summary.n_files,
                    "parsed": len(summary.parsed), "unchanged": summary.skipped, "failed": failed,
                    "plans": summary.n_plans}, summary.line(), code=summary.exit_code, timed=False)


def _plans_of(path: str) -> tuple[list[Path], bool]:
    """(plan dirs, is_root) for info/validate: one plan, or every plan under a root."""
    from . import contract

    p = Path(path)
    if contract.is_plan_dir(p):
        return [p], False
    found = contract.plans_under(p)
    if not found:
        contract.resolve_plan_dir(p)          # raises the common error
    return found, True


def cmd_info(args) -> Outcome:
    from . import contract

    plans, is_root = _plans_of(args.plan)
    infos = [contract.describe(d) for d in plans]
    if args.json:
        return Outcome({"root": args.plan, "plans": infos} if is_root else infos[0], None, timed=False)
    if is_root:
        w = max(len(i["plan_id"]) for i in infos)
        for i in infos:
            src = i["source"]
            print(f"{i['plan_id']:<{w}}  {src['kind'] or '?':<4}  {src['name'] or '?'}  · {contract.counts_line(i)}"
                  f" · {contract.findings_line(i)}")
        return Outcome({}, f"{len(infos)} parsed plan{'s' if len(infos) != 1 else ''} under {args.plan}",
                       timed=False)
    i = infos[0]
    src = i["source"]
    f = i["findings"]
    rules = ", ".join(f"{n} {r}" for r, n in f["by_rule"].items()) or "none"
    pages = f", {src['pages']} pages" if src.get("pages") else ""
    for k, v in (("plan", i["plan_id"]), ("title", i["title"] or "(none found)"), ("directory", i["dir"]),
                 ("source", f"{src['name']} ({src['kind']}{pages}), sha256 {src['sha256']}"),
                 ("versions", f"pipeline {i['pipeline_version']}, schema {i['schema_version']}"),
                 ("found", contract.counts_line(i) + f", {i['counts']['paragraphs']:,} paragraphs"),
                 ("findings", f"{contract.findings_line(i)} ({rules})"),
                 ("files", f"{len(i['files'])} files, {sum(i['files'].values()) / 1024:,.0f} KiB")):
        print(f"{k + ':':<11}{v}")
    return Outcome({}, None, timed=False)


def cmd_validate(args) -> Outcome:
    from . import contract

    plans, _ = _plans_of(args.plan)
    results = {str(d): contract.check(d) for d in plans}
    bad = {d: p for d, p in results.items() if p}
    if not args.json:
        for d, problems in results.items():
            for p in problems:
                print(f"{d}: {p}")
    summary = {"ok": not bad, "plans": [{"dir": d, "ok": not p, "problems": p} for d, p in results.items()]}
    if bad:
        n = sum(len(p) for p in bad.values())
        err = ContractViolation(f"{', '.join(bad)}: does not match the output contract "
                                f"({n} problem{'s' if n != 1 else ''})")
        err.summary = summary
        raise err
    return Outcome(summary, f"{', '.join(results)}: conforms to the output contract", timed=False)


COMMANDS = {"parse": cmd_parse, "extract": cmd_extract, "structure": cmd_structure, "tables": cmd_tables,
            "emit": cmd_emit, "diff": cmd_diff, "terms": cmd_terms, "grep": cmd_grep, "info": cmd_info,
            "validate": cmd_validate, "corpus": cmd_corpus}


# --------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------


#: Commands that never touch numpy.  pyarrow imports numpy when it is
#: installed (≈0.1 s, a fifth of a small parse) although it needs it only to
#: convert numpy and pandas objects; these commands pass it Python lists.
_NO_NUMPY = frozenset({"parse", "extract", "structure", "tables", "emit", "diff"})


class _Refuse:
    """A meta-path finder that makes pyarrow's own attempt to import the
    given top-level packages fail (pyarrow then runs as it does where numpy
    is not installed).  Other importers (OCR reads page images with numpy)
    are not refused."""

    def __init__(self, *names: str):
        self.names = names

    def find_spec(self, name, path=None, target=None):
        if name.split(".", 1)[0] in self.names and _imported_by("pyarrow"):
            raise ModuleNotFoundError(f"{name} is not used by this command", name=name)
        return None


def _imported_by(package: str) -> bool:
    """Is a module of ``package`` on the stack (the import comes from it)?"""
    f = sys._getframe(2)
    while f is not None:
        mod = f.f_globals.get("__name__", "")
        if mod == package or mod.startswith(package + "."):
            return True
        f = f.f_back
    return False


_INTERRUPTED: list[int] = []
_REPORTING: list[bool] = []     # non-empty once the interrupt is being reported (see _on_redelivery)


def _on_signal(signum, frame):  # pragma: no cover - exercised by a subprocess test
    """SIGTERM/SIGINT: unwind (the page pool and the staging area are cleaned
    up on the way), exit 130 with one line; a second signal exits at once."""
    if _INTERRUPTED:
        os._exit(130)
    _INTERRUPTED.append(signum)
    raise KeyboardInterrupt


def _on_unraisable(unraisable):  # pragma: no cover - exercised by a subprocess test
    """A signal that lands inside a finaliser (``__del__``, a weakref callback)
    raises there, and Python only prints "Exception ignored in …" and goes on.
    Say nothing and deliver the signal again: its handler then runs at the next
    ordinary bytecode, where the KeyboardInterrupt unwinds the command.
    (``signal.raise_signal`` would run the handler at once, still inside the
    finaliser; a one-shot timer lets the finaliser return first.)"""
    if _INTERRUPTED and issubclass(unraisable.exc_type, KeyboardInterrupt):
        signal.signal(signal.SIGALRM, _on_redelivery)
        signal.setitimer(signal.ITIMER_REAL, 0.005)
        return
    sys.__unraisablehook__(unraisable)


def _on_redelivery(signum, frame):  # pragma: no cover - exercised by a subprocess test
    """The timer of :func:`_on_unraisable`: the first signal, delivered again.

    Once the command is already unwinding from (or reporting) the interrupt it
    does nothing: a SIGALRM that was pending when the timer was cancelled still
    runs its handler, and a second KeyboardInterrupt raised while the first is
    being reported would escape :func:`main` (the process then dies of SIGINT,
    exit -2, after printing its line)."""
    if _REPORTING or isinstance(sys.exc_info()[1], KeyboardInterrupt):
        return
    raise KeyboardInterrupt


def _forget_unhandled_interrupt() -> None:
    """Clear CPython's "a KeyboardInterrupt went unhandled" flag.

    ``exec``/``eval`` of a string (dataclasses, namedtuple and many libraries
    build functions that way while modules are imported) sets a process-wide
    flag when a KeyboardInterrupt leaves the string's code, even though the
    interrupt is caught further up — here.  Under ``python -m`` the
    interpreter reads that flag at exit and then kills itself with SIGINT
    (exit -2) instead of exiting with the code :func:`main` returned.  The
    flag is reset at the start of every string evaluation, so evaluating an
    empty one clears it (no private API needed)."""
    exec("", {})  # noqa: S102 - a constant: resets the interpreter's flag, runs nothing


# OS errors that are the environment's, not a bug (exit 73 with the path)
_ENV_ERRNOS = {"EACCES", "EPERM", "EROFS", "ENOSPC", "EDQUOT", "ENAMETOOLONG", "ENOTDIR", "EISDIR", "EEXIST",
               "ELOOP", "EMFILE", "ENFILE"}


def _fail(args, cmd: str | None, code: int, message: str, summary: dict | None = None) -> int:
    """One line on stderr (and the JSON object with --json); returns ``code``."""
    print(message, file=sys.stderr)
    if args is not None and getattr(args, "json", False):
        print(json.dumps({"command": cmd, "ok": False, "exit_code": code, "error": message, **(summary or {})},
                         ensure_ascii=False))
    return code


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    if not argv:
        print(parser.format_help(), end="")
        return 2
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        ns = argparse.Namespace(json="--json" in argv)
        return _fail(ns, next((a for a in argv if a in COMMANDS), None), 2,
                     f"{exc.prog}: error: {exc} (see: {exc.prog} --help)")
    if args.cmd is None:
        print(parser.format_help(), end="")
        return 2
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.ERROR if args.quiet else logging.WARNING,
                        format="%(levelname)s: %(message)s")
    old_handlers = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    old_handlers[signal.SIGALRM] = signal.getsignal(signal.SIGALRM)   # _on_unraisable may take it
    old_hook, sys.unraisablehook = sys.unraisablehook, _on_unraisable
    _INTERRUPTED.clear()
    _REPORTING.clear()
    try:
        return _run(args)
    finally:
        sys.unraisablehook = old_hook
        if signal.getsignal(signal.SIGALRM) is _on_redelivery:
            signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, h in old_handlers.items():
            if h is not None:             # None: a handler not set from Python, left as it is
                signal.signal(sig, h)


def _run(args) -> int:
    t0 = time.perf_counter()
    refuse = None
    if args.cmd in _NO_NUMPY and "numpy" not in sys.modules and "pyarrow" not in sys.modules:
        refuse = _Refuse("numpy", "pandas")
        sys.meta_path.insert(0, refuse)
    try:
        res = COMMANDS[args.cmd](args)
        if _INTERRUPTED:          # the signal's KeyboardInterrupt was swallowed by a library
            raise KeyboardInterrupt
    except PipelineError as exc:
        if args.debug:
            raise
        if isinstance(exc, InputError) and not exc.path:
            exc.path = getattr(args, "input", None) or getattr(args, "a", None) or getattr(args, "plan", None)
        msg = exc.line() if hasattr(exc, "line") else f"error: {exc}"
        return _fail(args, args.cmd, exc.exit_code, msg, getattr(exc, "summary", None))
    except KeyboardInterrupt:
        _REPORTING.append(True)
        signal.setitimer(signal.ITIMER_REAL, 0)      # a redelivery still pending (see _on_unraisable)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        name = "SIGTERM" if _INTERRUPTED and _INTERRUPTED[0] == signal.SIGTERM else "SIGINT"
        _forget_unhandled_interrupt()
        return _fail(args, args.cmd, 130, f"error: interrupted ({name})")
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        import errno

        from .errors import OutputError

        if args.debug:
            raise
        if errno.errorcode.get(exc.errno or 0) not in _ENV_ERRNOS:
            err = StageError(args.cmd, getattr(args, "input", None) or getattr(args, "plan", None) or "?", exc)
            return _fail(args, args.cmd, err.exit_code, err.line())
        err = OutputError(exc.strerror or str(exc), exc.filename or getattr(args, "out", None))
        return _fail(args, args.cmd, err.exit_code, err.line())
    except MemoryError:
        return _fail(args, args.cmd, 71, f"error: out of memory while running '{args.cmd}'")
    except Exception as exc:  # noqa: BLE001 - last resort: one line, no traceback
        if args.debug:
            raise
        err = StageError(args.cmd, getattr(args, "input", None) or getattr(args, "plan", None)
                         or getattr(args, "a", None) or "?", exc)
        return _fail(args, args.cmd, err.exit_code, err.line())
    finally:
        if refuse is not None:
            sys.meta_path.remove(refuse)
    seconds = time.perf_counter() - t0
    try:
        if args.json:
            summary = {"command": args.cmd, "ok": res.code == 0, "exit_code": res.code, **res.summary}
            if res.timed:
                summary["seconds"] = round(seconds, 3)
            print(json.dumps(summary, ensure_ascii=False))
        elif res.line and not args.quiet:
            print(res.line + (f" ({seconds:.1f} s)" if res.timed else ""), file=sys.stderr)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return res.code
