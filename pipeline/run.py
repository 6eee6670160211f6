"""The whole parse, stage by stage, as plain functions (the CLI and the DVC
stages are thin shells over these)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import conservation, metadata, volumes
from .errors import InputError, PipelineError, StageError
from .extract import extract, images
from .forked import Forked
from .model import Extracted, Finding, Structured, TableSet

if TYPE_CHECKING:
    from .emit import Outputs


def plan_id_from_path(path: str | Path) -> str:
    """Default plan id (:func:`pipeline.outdir.default_plan_id`): the file
    name without ``.txt``, other extensions kept after a dash (``x.pdf`` →
    ``x-pdf``), made a safe path component."""
    from .outdir import default_plan_id

    return default_plan_id(path)


def stage(name: str, path: str | Path, fn, *args, **kwargs):
    """Run one stage; input problems pass through, internal bugs are wrapped
    with the stage name and input path."""
    try:
        return fn(*args, **kwargs)
    except PipelineError:
        raise
    except (MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - reported as StageError with context
        raise StageError(name, str(path), exc) from exc


def prepare_later_stages() -> None:
    """Import what structure, tables, terms and emit use and load jieba's
    dictionary (called while page workers run, when this process would only
    wait)."""
    from . import emit, structure, tables  # noqa: F401 - imported for their import cost
    from .terms.tokenizer import preload

    preload()


def structure(ex: Extracted) -> Structured:
    """structure stage (:func:`pipeline.structure.structure`, imported on first use)."""
    from .structure import structure as run_structure

    return run_structure(ex)


def run_tables(st: Structured, ex: Extracted) -> TableSet:
    """tables stage (indicator/project tables, grid reconstruction, validation)."""
    from .tables import reconstruct

    return reconstruct(st, ex)


def run_terms(st: Structured, ts: TableSet) -> dict[str, list[dict]]:
    """term layer: keywords and tokens per outline node."""
    from .terms import build_terms

    return build_terms(st, ts)


@dataclass(slots=True)
class ParseResult:
    plan_id: str
    extracted: Extracted
    structured: Structured
    tables: TableSet
    outputs: Outputs
    findings: list[Finding]


def parse(path: str | Path, plan_id: str | None = None, *, jobs: int | None = None,
          cache_dir: str | Path | None = None, progress=None, engine: str = "pdfium",
          on_pages=None, ocr: str = "auto", **limits) -> ParseResult:
    """extract → structure → tables → terms → emit rows, all in memory.

    ``progress(stage_name)`` is called as each stage starts, ``on_pages(n,
    total=None)`` as PDF pages are done (both optional, for progress bars);
    ``ocr``: ``auto``/``always``/``never``, which pictures of text are read
    (see :mod:`pipeline.extract.ocr`); ``limits``: ``max_bytes``,
    ``read_timeout``, ``page_timeout`` for :func:`pipeline.extract.extract`."""
    plan_id = plan_id or plan_id_from_path(path)
    tick = progress or (lambda name: None)
    tick("extract")
    # the term layer's dictionary loads while PDF pages are parsed in workers
    ex = stage("extract", path, extract, path, jobs=jobs, cache_dir=cache_dir, engine=engine,
               while_waiting=prepare_later_stages, on_pages=on_pages, ocr=ocr,
               **{k: v for k, v in limits.items() if v is not None})
    return _parse_one(path, plan_id, ex, tick, None, 1, 1)


def plan_row(st: Structured, *, document_no: int = 1, n_documents: int = 1) -> dict:
    """The plan.parquet row: the metadata the document states about itself
    (:func:`pipeline.metadata.plan_metadata`), its source and, for a plan
    that is one of several documents in a volume, its place in it."""
    meta = metadata.plan_metadata(st)
    pages = [b.page_start for b in st.blocks] + [b.page_end for b in st.blocks]
    src = st.source
    return {**meta.as_dict(), "source_name": src.name, "source_sha256": src.sha256, "source_kind": src.kind,
            "document_no": document_no, "n_documents": n_documents,
            "page_start": min(pages) if pages else None, "page_end": max(pages) if pages else None}


def finish(plan_id: str, ex: Extracted, st: Structured, ts: TableSet,
           terms: dict[str, list[dict]] | Callable[[], dict[str, list[dict]]], *,
           extra_findings: list[Finding] | None = None,
           document_no: int = 1, n_documents: int = 1) -> ParseResult:
    """Build the output rows (with the plan's metadata) and run the
    conservation check.  ``terms`` is the term layer's rows or a function
    that returns them, called once the other rows are built and checked (the
    term layer can then be computed meanwhile, see :func:`_parse_one`).
    ``extra_findings`` go to validation.parquet; by default they are the
    document boundaries of a file holding several plans parsed as one
    (:func:`pipeline.volumes.find_boundaries`)."""
    from .emit import build_rows, set_findings, set_terms

    if extra_findings is None:
        _, extra_findings = volumes.find_boundaries(ex)
    plan = plan_row(st, document_no=document_no, n_documents=n_documents)
    findings = (conservation.check_extraction(ex) + conservation.check_blocks(ex, st) + images.findings(ex)
                + list(extra_findings or []))
    outputs = build_rows(plan_id, st, ts, plan=plan, ex=ex)
    # the output-level check is a safety net: report it only when the
    # block-level check (which names the page and text) found nothing
    lost = [f for f in findings if f.check == "conservation"]
    out_findings = [] if lost else conservation.check_outputs(ex, outputs.rows)
    set_terms(outputs, terms() if callable(terms) else terms)
    set_findings(outputs, list(ts.findings) + findings + out_findings)
    return ParseResult(plan_id, ex, st, ts, outputs, findings + out_findings)


def _parse_one(path, plan_id: str, ex: Extracted, tick, extra: list[Finding] | None, k: int,
               n: int) -> ParseResult:
    tick("structure")
    st = stage("structure", path, structure, ex)
    tick("tables")
    ts = stage("tables", path, run_tables, st, ex)
    tick("terms")
    # the term layer (word segmentation, a fifth of a text parse) runs in a
    # forked child while this process builds and checks the other rows
    job = Forked(run_terms, st, ts)
    try:
        tick("emit")
        return finish(plan_id, ex, st, ts, lambda: stage("terms", path, job.result),
                      extra_findings=extra, document_no=k, n_documents=n)
    finally:
        job.cancel()


def parse_documents(path: str | Path, plan_id: str | None = None, *, jobs: int | None = None,
                    cache_dir: str | Path | None = None, progress=None, engine: str = "pdfium",
                    on_pages=None, ocr: str = "auto", **limits) -> list[ParseResult]:
    """Like :func:`parse`, for a file that may hold several plans (a 汇编, or
    PDFs concatenated): each document found by :mod:`pipeline.volumes` is
    parsed as a plan of its own, ``<plan_id>-1``, ``<plan_id>-2``, … (one
    document: one result with ``plan_id`` itself).  A PDF volume is
    reassembled per page range from the page cache (held in memory when
    ``cache_dir`` is None), so its pages are parsed once.  The input is read
    once (:func:`pipeline.extract.read_input`: stdin and pipes work);
    ``limits`` as for :func:`parse`."""
    plan_id = plan_id or plan_id_from_path(path)
    tick = progress or (lambda name: None)
    tick("extract")
    from .extract import read_input

    limits = {k: v for k, v in limits.items() if v is not None}
    page_limits = {k: v for k, v in limits.items() if k == "page_timeout"}
    inp = stage("extract", path, read_input, path,
                **{k: v for k, v in limits.items() if k in ("max_bytes", "read_timeout")})
    kind = inp.kind
    if cache_dir is None and kind == "pdf":
        from .extract.pdfcache import MemoryPageCache

        cache = MemoryPageCache()
    else:
        cache = cache_dir
    ex = stage("extract", path, extract, inp, jobs=jobs, cache_dir=cache, engine=engine,
               while_waiting=prepare_later_stages, on_pages=on_pages, ocr=ocr, **page_limits)
    bounds, found = stage("volumes", path, volumes.find_boundaries, ex)
    if not bounds:
        return [_parse_one(path, plan_id, ex, tick, found, 1, 1)]
    parts = None
    if kind == "pdf" and volumes.starts_at_pages(ex, bounds):
        parts = [stage("extract", path, extract, inp, jobs=jobs, cache_dir=cache, engine=engine,
                       page_range=r, ocr=ocr, **page_limits) for r in volumes.page_ranges(ex, bounds)]
    elif kind == "text":
        from .cjk import remove_controls
        from .extract.text import decode_bytes

        text, _ = decode_bytes(inp.data, inp.shown)
        text = remove_controls(text)[0]          # as extract_text does
        parts = stage("volumes", path, volumes.split_text, ex, bounds, text)
    if parts is None:
        parts = volumes.split_lines(ex, bounds)
    n = len(parts)
    return [_parse_one(path, f"{plan_id}-{k}", part, tick, found, k, n) for k, part in enumerate(parts, start=1)]


__all__ = ["parse", "parse_documents", "finish", "plan_row", "plan_id_from_path", "InputError"]
