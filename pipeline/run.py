"""The whole parse, stage by stage, as plain functions (the CLI and the DVC
stages are thin shells over these)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import conservation
from .emit import Outputs, build_outputs
from .errors import InputError, PipelineError, StageError
from .extract import extract
from .model import Extracted, Finding, Structured, TableSet
from .structure import structure


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
          on_pages=None, **limits) -> ParseResult:
    """extract → structure → tables → terms → emit rows, all in memory.

    ``progress(stage_name)`` is called as each stage starts, ``on_pages(n,
    total=None)`` as PDF pages are done (both optional, for progress bars);
    ``limits``: ``max_bytes``, ``read_timeout``, ``page_timeout`` for
    :func:`pipeline.extract.extract`."""
    plan_id = plan_id or plan_id_from_path(path)
    tick = progress or (lambda name: None)
    tick("extract")
    # the term layer's dictionary loads while PDF pages are parsed in workers
    from .terms.tokenizer import preload

    ex = stage("extract", path, extract, path, jobs=jobs, cache_dir=cache_dir, engine=engine, while_waiting=preload,
               on_pages=on_pages, **{k: v for k, v in limits.items() if v is not None})
    tick("structure")
    st = stage("structure", path, structure, ex)
    tick("tables")
    ts = stage("tables", path, run_tables, st, ex)
    tick("terms")
    terms = stage("terms", path, run_terms, st, ts)
    tick("emit")
    return finish(plan_id, ex, st, ts, terms)


def finish(plan_id: str, ex: Extracted, st: Structured, ts: TableSet,
           terms: dict[str, list[dict]]) -> ParseResult:
    """Build the output rows and run the conservation check."""
    findings = conservation.check_extraction(ex) + conservation.check_blocks(ex, st)
    outputs = build_outputs(plan_id, st, ts, terms, findings)
    # the output-level check is a safety net: report it only when the
    # block-level check (which names the page and text) found nothing
    lost = any(f.check == "conservation" for f in findings)
    out_findings = [] if lost else conservation.check_outputs(ex, outputs.rows)
    if out_findings:
        outputs = build_outputs(plan_id, st, ts, terms, findings + out_findings)
    return ParseResult(plan_id, ex, st, ts, outputs, findings + out_findings)


__all__ = ["parse", "finish", "plan_id_from_path", "InputError"]
