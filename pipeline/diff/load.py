"""Read one parsed plan (``output/<plan_id>/``) into plain records for the
diff, or parse an input file first.

Rows are keyed by the contract's column names (schema 2.0); outputs written
by schema 1.x (``order``, ``group``) are read with the new names, so a diff
against an old parse still works."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from .. import contract
from ..errors import DamagedOutput, InputError

#: Contract files the diff reads (a missing optional file reads as empty).
REQUIRED = ("sections.parquet", "paragraphs.parquet")
OPTIONAL = ("columns.parquet", "column_items.parquet", "indicators.parquet", "indicator_values.parquet",
            "projects.parquet", "project_summary.parquet", "tables.parquet")


@dataclass(slots=True)
class PlanData:
    """A parsed plan as rows (dicts keyed by contract column)."""

    plan_id: str
    sha256: str | None
    sections: list[dict]
    paragraphs: list[dict]
    columns: list[dict] = field(default_factory=list)
    column_items: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    indicator_values: list[dict] = field(default_factory=list)
    projects: list[dict] = field(default_factory=list)
    project_summary: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    title: str | None = None
    source_name: str | None = None    # the input file's name (document.json)


#: schema 1.x column names → schema 2.0
_OLD_NAMES = {"order": "seq", "group": "group_label", "check": "rule"}


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    try:
        t = contract.read_parquet(path)
    except (OSError, ValueError) as exc:        # truncated or not Parquet
        raise DamagedOutput(f"{path.name} cannot be read ({type(exc).__name__}: {str(exc)[:120]})",
                            str(path.parent)) from None
    t = t.drop_columns([c for c in ("plan_id",) if c in t.column_names])
    if any(c in _OLD_NAMES for c in t.column_names):
        t = t.rename_columns([_OLD_NAMES.get(c, c) for c in t.column_names])
    return t.to_pylist()


def is_output_dir(path: str | Path) -> bool:
    """True if ``path`` is a parsed plan directory (has the contract files)."""
    return contract.is_plan_dir(path)


def load_plan(out_dir: str | Path) -> PlanData:
    """Read the contract files of one parsed plan (a plan directory, or an
    output root holding one plan)."""
    d = contract.resolve_plan_dir(out_dir)
    try:
        meta = pq.read_metadata(d / "sections.parquet").metadata or {}
    except (OSError, ValueError) as exc:
        raise DamagedOutput(f"sections.parquet cannot be read ({type(exc).__name__}: {str(exc)[:120]})",
                            str(d)) from None
    plan_id = meta.get(b"plan_id", d.name.encode()).decode()
    sha = meta.get(b"source_sha256", b"").decode() or None
    title = source_name = None
    units: dict[str, str] = {}
    doc = d / "document.json"
    if doc.exists():
        try:
            with open(doc, encoding="utf-8") as fh:
                tree = json.load(fh)
        except (OSError, ValueError) as exc:
            raise DamagedOutput(f"document.json cannot be read ({type(exc).__name__})", str(d)) from None
        title = contract.document_title(d, tree)
        source_name = (tree.get("source") or {}).get("name")
        units = {t["table_id"]: t["unit"] for t in tree.get("tables") or [] if t.get("unit")}
    rows = {n: _rows(d / n) for n in REQUIRED + OPTIONAL}
    tables = rows["tables.parquet"]
    # one row per table is enough (table kind and title); drop the cells
    seen: dict[str, dict] = {}
    for c in tables:
        seen.setdefault(c["table_id"], {"table_id": c["table_id"], "kind": c.get("kind"), "title": c.get("title"),
                                        "unit": units.get(c["table_id"])})
    return PlanData(plan_id=plan_id, sha256=sha, sections=rows["sections.parquet"],
                    paragraphs=rows["paragraphs.parquet"], columns=rows["columns.parquet"],
                    column_items=rows["column_items.parquet"], indicators=rows["indicators.parquet"],
                    indicator_values=rows["indicator_values.parquet"], projects=rows["projects.parquet"],
                    project_summary=rows["project_summary.parquet"], tables=list(seen.values()), title=title,
                    source_name=source_name)


def parse_to_dir(path: str | Path, root: str | Path, *, jobs: int | None = None) -> Path:
    """Parse an input file (PDF or text) and write its contract files under
    ``root/<plan_id>/``; returns that directory."""
    from ..emit import write_outputs
    from ..run import parse, plan_id_from_path

    pid = plan_id_from_path(path)
    res = parse(path, pid, jobs=jobs)
    return write_outputs(Path(root) / pid, res.outputs, res.extracted.source.sha256)


def resolve(path: str | Path, workdir: tempfile.TemporaryDirectory | None, *, jobs: int | None = None,
            side: str = "a") -> Path:
    """One side of a diff: an input file (PDF or text) is parsed into
    ``workdir``; a directory is a parsed plan or an output root holding one
    (:func:`pipeline.contract.resolve_plan_dir`: anything else, or a
    missing path, is :class:`~pipeline.errors.UnsupportedInput`, exit 9)."""
    p = Path(path)
    if p.is_file():
        if workdir is None:
            raise InputError("an input file needs a work directory to be parsed into", str(p))
        return parse_to_dir(p, Path(workdir.name) / side, jobs=jobs)
    return contract.resolve_plan_dir(p)
