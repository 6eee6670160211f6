"""emit stage: records → the output contract (Parquet + ``document.json``).

Writes are atomic and confined (:mod:`pipeline.outdir`): all files go to a
staging directory under ``OUT/.staging/`` which then replaces
``OUT/<plan_id>/`` under a lock, so a run that fails (or is killed) leaves
the previous outputs untouched and never a half-written set; only a plan
output this tool wrote (marker file) is ever replaced.
Outputs are deterministic (stable row order, ids from content and position,
no timestamps), so the same input gives byte-identical files.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from . import __version__, cjk, outdir, schemas
from .errors import OutputError
from .extract import images as image_rows
from .ids import paragraph_ids
from .model import Extracted, Finding, Node, Structured, TableSet


@dataclass(slots=True)
class Outputs:
    """Everything emit writes, as rows per contract file + the JSON tree."""

    plan_id: str
    rows: dict[str, list[dict]] = field(default_factory=dict)
    document: dict = field(default_factory=dict)
    plan: dict = field(default_factory=dict)      # the plan.parquet row (also in every file's footer)


def _path_titles(nodes: dict[str, Node], node_id: str | None) -> str:
    parts = []
    while node_id:
        n = nodes[node_id]
        parts.append(f"{n.label or ''}{(' ' + n.title) if n.title else ''}".strip())
        node_id = n.parent_id
    return " › ".join(reversed(parts))


#: Record field → contract column where they differ: the contract avoids SQL
#: keywords (schema 2.0), the records keep their short field names.
CONTRACT_NAMES = {"order": "seq", "group": "group_label", "check": "rule"}


def _contract_row(record) -> dict:
    """A record as a contract row (fields renamed by :data:`CONTRACT_NAMES`)."""
    return {CONTRACT_NAMES.get(k, k): v for k, v in asdict(record).items()}


def build_outputs(plan_id: str, st: Structured, ts: TableSet | None = None,
                  terms: dict[str, list[dict]] | None = None,
                  extra_findings: list[Finding] | None = None, plan: dict | None = None,
                  ex: Extracted | None = None) -> Outputs:
    """Turn the stage records into contract rows and the document tree;
    ``plan`` is the plan's metadata row (see :func:`pipeline.run.plan_row`),
    ``ex``, when given, supplies the images and which lines OCR read."""
    ts = ts or TableSet()
    out = build_rows(plan_id, st, ts, plan=plan, ex=ex)
    set_terms(out, terms)
    set_findings(out, list(ts.findings) + list(extra_findings or []))
    return out


def build_rows(plan_id: str, st: Structured, ts: TableSet, plan: dict | None = None,
               ex: Extracted | None = None) -> Outputs:
    """:func:`build_outputs` without the term rows and ``validation.parquet``:
    complete it with :func:`set_terms`, then :func:`set_findings` (so the
    rows can be checked while the term layer is still being computed)."""
    ocr_lines = {ln.order for ln in ex.lines if ln.ocr} if ex is not None else set()

    def by_ocr(orders) -> bool:
        return not ocr_lines.isdisjoint(orders)

    nodes = {n.node_id: n for n in st.nodes}
    blocks = st.blocks
    out = Outputs(plan_id)

    out.rows["sections.parquet"] = [
        {"node_id": n.node_id, "parent_id": n.parent_id, "kind": n.kind, "number": n.number,
         "label": n.label, "title": n.title, "level": n.level, "seq": n.order,
         "page_start": n.page_start, "page_end": n.page_end,
         "path": _path_titles(nodes, n.node_id), "text": blocks[n.block_id].text}
        for n in st.nodes]

    para_id_of = paragraph_ids(blocks)
    para_rows = []
    for b in blocks:
        if b.kind != "paragraph":
            continue
        para_rows.append({"para_id": para_id_of[b.block_id], "node_id": b.node_id, "column_no": b.column_no,
                          "seq": len(para_rows), "text": b.text, "page_start": b.page_start,
                          "page_end": b.page_end, "n_chars": len(cjk.strip_all_space(b.text)),
                          "ocr": by_ocr(b.lines)})
    out.rows["paragraphs.parquet"] = para_rows

    col_rows, item_rows = [], []
    for b in blocks:
        if b.kind != "column_title":
            continue
        items = [x for x in blocks if x.kind == "column_item" and x.column_key == b.column_key]
        paras = [x for x in blocks if x.kind == "paragraph" and x.column_key == b.column_key]
        tables = sorted({x.table_id for x in blocks if x.kind == "table" and x.column_key == b.column_key})
        members = [x for x in blocks if x.column_key == b.column_key and x.kind != "column_title"]
        pages = [b.page_start] + [x.page_end for x in members]
        body = "\n".join(x.text for x in (items or paras))
        col_rows.append({"column_no": b.column_no, "title": b.title, "node_id": b.node_id,
                         "kind": b.role, "page_start": b.page_start, "page_end": max(pages),
                         "text": body, "label": b.label or "专栏",
                         "n_items": len(items), "table_id": tables[0] if tables else None})
        for k, it in enumerate(items, start=1):
            item_rows.append({"column_no": b.column_no, "item_no": k, "label": it.item_label,
                              "text": it.item_text, "raw": it.text, "page_start": it.page_start,
                              "page_end": it.page_end, "ocr": by_ocr(it.lines)})
    out.rows["columns.parquet"] = col_rows
    out.rows["column_items.parquet"] = item_rows

    out.rows["notes.parquet"] = [
        {"kind": b.role if b.kind in ("furniture", "front") and b.role else b.kind, "node_id": b.node_id,
         "column_no": b.column_no, "table_id": b.table_id, "seq": b.block_id,
         "text": b.text, "page": b.page_start}
        for b in blocks if b.kind in ("note", "caption", "table_title", "table_unit", "furniture", "title", "front")]

    tinfo = {t.table_id: t for t in ts.tables}
    out.rows["tables.parquet"] = [
        {"table_id": c.table_id, "page": c.page, "row": c.row, "col": c.col, "text": c.text,
         "row_span": c.row_span, "col_span": c.col_span, "is_header": c.is_header,
         "kind": tinfo[c.table_id].kind if c.table_id in tinfo else None,
         "title": tinfo[c.table_id].title if c.table_id in tinfo else None, "ocr": by_ocr(c.lines)}
        for c in ts.cells]
    out.rows["indicators.parquet"] = [_contract_row(x) for x in ts.indicators]
    out.rows["indicator_values.parquet"] = [asdict(x) for x in ts.indicator_values]
    out.rows["projects.parquet"] = [asdict(x) for x in ts.projects]
    out.rows["project_summary.parquet"] = [asdict(x) for x in ts.project_summary]
    out.rows["images.parquet"] = image_rows.rows(ex)
    out.document = document_tree(plan_id, st, ts, para_id_of)
    if plan:
        out.plan = dict(plan)
        out.rows["plan.parquet"] = [out.plan]
        # the plan's metadata right after its title
        doc = {}
        for k, v in out.document.items():
            doc[k] = v
            if k == "title":
                doc["plan"] = out.plan
        out.document = doc
    return out


_INT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def _fits(vals: list, lo: int, hi: int) -> bool:
    ints = [v for v in vals if isinstance(v, int)]
    return not ints or (lo <= min(ints) and max(ints) <= hi)


def guard_int_columns(rows: dict[str, list[dict]]) -> list[Finding]:
    """Integers that do not fit their contract column (a 12-digit heading
    number, a 20-digit 专栏 number glued from two cells) become null, each
    with an ``unparsed_cell`` finding, instead of crashing the write."""
    out: list[Finding] = []
    for name, schema in schemas.CONTRACT.items():
        cols = [(f.name, _INT_BOUNDS[str(f.type)]) for f in schema if str(f.type) in _INT_BOUNDS]
        rs = rows.get(name, [])
        if not cols or not rs or all(_fits([r.get(col) for r in rs], lo, hi) for col, (lo, hi) in cols):
            continue          # the common case, checked a column at a time (min/max in C)
        for k, r in enumerate(rs):
            for col, (lo, hi) in cols:
                v = r.get(col)
                if not isinstance(v, int) or lo <= v <= hi:
                    continue
                r[col] = None
                out.append(Finding("unparsed_cell", "warning", r.get("table_id"), f"{name} row {k + 1}",
                                   f"{col}: {str(v)[:40]} does not fit a {schema.field(col).type} column "
                                   "(not a plausible number)", actual=str(v)[:200]))
    return out


def document_tree(plan_id: str, st: Structured, ts: TableSet, para_id_of: dict[int, str]) -> dict:
    """The whole document as one JSON tree in reading order."""
    nodes = {n.node_id: n for n in st.nodes}
    children: dict[str | None, list[dict]] = defaultdict(list)
    node_json: dict[str, dict] = {}
    for n in st.nodes:
        node_json[n.node_id] = {"node_id": n.node_id, "kind": n.kind, "number": n.number, "label": n.label,
                                "title": n.title, "level": n.level, "page_start": n.page_start,
                                "page_end": n.page_end, "content": [], "children": []}
    front: list[dict] = []
    columns: dict[int, dict] = {}
    for b in st.blocks:
        target = node_json[b.node_id]["content"] if b.node_id else front
        if b.kind == "heading":
            continue
        if b.kind == "paragraph" and b.column_no is None:
            target.append({"type": "paragraph", "para_id": para_id_of.get(b.block_id), "text": b.text,
                           "page_start": b.page_start, "page_end": b.page_end})
        elif b.kind == "column_title":
            cj = {"type": "column", "column_no": b.column_no, "title": b.title, "kind": b.role,
                  "page_start": b.page_start, "items": [], "paragraphs": [], "tables": [], "notes": []}
            columns[b.column_key] = cj
            target.append(cj)
        elif b.column_key is not None and b.column_key in columns:
            cj = columns[b.column_key]
            if b.kind == "column_item":
                cj["items"].append({"label": b.item_label, "text": b.item_text})
            elif b.kind == "paragraph":
                cj["paragraphs"].append(b.text)
            elif b.kind == "table":
                cj["tables"].append(b.table_id)
            elif b.kind == "note":
                cj["notes"].append(b.text)
        elif b.kind == "table":
            target.append({"type": "table", "table_id": b.table_id, "page_start": b.page_start,
                           "page_end": b.page_end})
        elif b.kind == "front":
            target.append({"type": b.role, "text": b.text, "page": b.page_start})
        elif b.kind in ("note", "caption", "table_title", "table_unit"):
            target.append({"type": {"caption": "figure"}.get(b.kind, b.kind), "text": b.text,
                           "table_id": b.table_id, "page": b.page_start})
    for n in st.nodes:
        children[n.parent_id].append(node_json[n.node_id])
    for nid, nj in node_json.items():
        nj["children"] = children.get(nid, [])
    del nodes
    src = st.source
    return {
        "plan_id": plan_id, "title": st.title,
        "source": {"name": src.name, "sha256": src.sha256, "kind": src.kind, "encoding": src.encoding,
                   "pages": src.n_pages},
        "pipeline_version": __version__, "schema_version": schemas.SCHEMA_VERSION,
        "front_matter": front,
        "outline": children.get(None, []),
        "tables": [asdict(t) for t in ts.tables],
    }


def set_terms(out: Outputs, terms: dict[str, list[dict]] | None) -> None:
    """Put the term layer's rows (:func:`pipeline.terms.build_terms`) into
    ``out``; call :func:`set_findings` after it (the integer guard reads
    every table)."""
    terms = terms or {}
    out.rows["keywords.parquet"] = terms.get("keywords", [])
    out.rows["tokens.parquet"] = terms.get("tokens", [])


def set_findings(out: Outputs, findings: list[Finding]) -> None:
    """``validation.parquet`` of ``out``: ``findings``, then one per integer
    value too large for its column (:func:`guard_int_columns`, which also
    nulls it)."""
    overflow = guard_int_columns(out.rows)
    out.rows["validation.parquet"] = [_contract_row(x) for x in list(findings) + overflow]


def write_outputs(out_dir: str | Path, outputs: Outputs, sha256: str, *, force: bool = False) -> Path:
    """Write all contract files for one plan into ``out_dir`` (``OUT/<plan_id>``)
    crash-safely (:class:`pipeline.outdir.Staged`): staged under
    ``OUT/.staging/``, marker file last, swapped in under a lock.  Refuses
    (:class:`~pipeline.errors.OutputConflict`) to replace anything but a
    plan output of the same source (another source's only with ``force``)."""
    out_dir = Path(out_dir)
    outdir.validate_plan_id(out_dir.name)
    src = outputs.document.get("source") or {}
    identity = {"plan_id": outputs.plan_id, "source": {"name": src.get("name"), "sha256": sha256},
                "pipeline_version": __version__, "schema_version": schemas.SCHEMA_VERSION}
    meta = schemas.file_metadata(outputs.plan_id, sha256, __version__, outputs.plan)
    tables = {name: schemas.build_table(schema, outputs.rows.get(name, []), outputs.plan_id, meta)
              for name, schema in schemas.CONTRACT.items()}
    with outdir.Staged(out_dir, "plan", identity, force=force) as tmp:
        try:
            for name, table in tables.items():
                pq.write_table(table, tmp / name, compression="zstd")
            with open(tmp / "document.json", "w", encoding="utf-8") as fh:
                json.dump(outputs.document, fh, ensure_ascii=False, indent=1, sort_keys=False)
                fh.write("\n")
        except OSError as exc:
            raise OutputError(outdir._os_reason(exc), str(out_dir)) from None
    return out_dir
