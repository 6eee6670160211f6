"""tables stage: table regions → cell grids, indicator and project tables, validation.

For every table the structure stage cut out of the flow (blocks of kind
``table`` with a ``table_id``; their title, unit and notes are blocks of
their own):

1. **grid** — ruled PDF table (:func:`.grid.build_ruled_grid`), PDF table
   without vertical rules — three-line, rules between rows, no rules —
   (:func:`.aligned.build_aligned_grid`) or text
   (:func:`.textgrid.build_text_grid`); all produce the same grid
   conventions (:mod:`.base`);
2. **conservation** — every non-whitespace character of the table's lines
   must be in exactly one cell; anything left over is kept in an
   ``UNPLACED_ROW`` cell and reported;
3. **kind** — ``indicator`` (header vocabulary 指标/属性/基期/目标值/年均增长/
   20XX年), ``project`` / ``project_summary`` (amount columns), else
   ``other``;
4. **tidy rows** — :mod:`.indicators`, :mod:`.projects`;
5. **validation** — :mod:`.validate`.
"""

from __future__ import annotations

from collections import Counter

from .. import cjk
from ..model import Block, Extracted, Finding, Line, Region, Structured, TableCell, TableInfo, TableSet
from . import indicators as ind
from . import projects as prj
from .aligned import build_aligned_grid
from .base import UNPLACED_ROW, Grid, column_roles
from .grid import build_ruled_grid
from .textgrid import build_text_grid
from .validate import validate

__all__ = ["reconstruct", "build_grid", "classify"]


def build_grid(table_id: str, lines: list[Line], regions: dict[int, Region]) -> Grid:
    """The grid of one table from its lines (PDF geometry when present)."""
    rids: list[int] = []
    for ln in lines:
        if ln.region is not None and ln.region in regions and ln.region not in rids:
            rids.append(ln.region)
    rgs = [regions[r] for r in rids]
    used: set[int] = set()
    if rgs and all(r.kind == "table" and r.cells for r in rgs):
        grid, used = build_ruled_grid(table_id, lines, rgs)
    elif rgs and all(r.kind in ("table", "rule_table") for r in rgs) and \
            any(r.kind == "rule_table" for r in rgs):
        grid, used = build_aligned_grid(table_id, lines, rgs)
    else:
        return build_text_grid(table_id, lines)
    rest = [ln for ln in lines if ln.order not in used and ln.text.strip()]
    if rest:
        grid.cells.append(TableCell(table_id, rest[0].page, UNPLACED_ROW, 0,
                                    "\n".join(ln.text.strip() for ln in rest), lines=[ln.order for ln in rest]))
        grid.findings.append(Finding("table_text_unplaced", "warning", table_id, f"page {rest[0].page}",
                                     f"{len(rest)} table lines lie in no cell", actual=rest[0].text.strip()[:60]))
    return grid


def classify(grid: Grid) -> str:
    """Table kind from its header vocabulary and rows."""
    roles = column_roles(grid)
    if prj.is_project_table(roles):
        has_items = any(c.col == roles.index("seq") and prj.seq_kind(c.text) and prj.seq_kind(c.text)[0] == "item"
                        for c in grid.body()) if "seq" in roles else ("content" in roles)
        return "project" if has_items or "content" in roles or "years" in roles else "project_summary"
    if ind.is_indicator_table(grid, roles):
        return "indicator"
    return "other"


def _conservation(grid: Grid, lines: list[Line]) -> list[Finding]:
    want = Counter()
    for ln in lines:
        want += Counter(cjk.strip_all_space(ln.text))
    got = Counter()
    for c in grid.cells:
        got += Counter(cjk.strip_all_space(c.text))
    out = []
    if want - got:
        lost = "".join(sorted((want - got).elements()))
        out.append(Finding("table_conservation", "error", grid.table_id, None,
                           f"{len(lost)} characters of the table lines are in no cell", expected=lost[:200]))
    if got - want:
        extra = "".join(sorted((got - want).elements()))
        out.append(Finding("table_conservation", "error", grid.table_id, None,
                           f"{len(extra)} cell characters are not in the table lines", actual=extra[:200]))
    return out


def _unit(blocks: list[Block]) -> str | None:
    for b in blocks:
        if b.kind == "table_unit":
            m = cjk.UNIT_LINE.match(cjk.strip_all_space(b.text))
            if m:
                return m.group(1)
    return None


def reconstruct(st: Structured, ex: Extracted) -> TableSet:
    """Rebuild every table of the document and normalise the indicator and
    project tables (see the module docstring)."""
    ts = TableSet()
    lines = {x.order: x for x in ex.lines}
    regions = {r.region_id: r for r in ex.regions}
    by_table: dict[str, list[Block]] = {}
    for b in st.blocks:
        if b.table_id and b.kind in ("table", "table_title", "table_unit", "note"):
            by_table.setdefault(b.table_id, []).append(b)
    column_titles = {b.column_no: b.title for b in st.blocks if b.kind == "column_title"}
    for tid, blocks in by_table.items():
        body = [b for b in blocks if b.kind == "table"]
        if not body:
            continue
        tlines = [lines[o] for b in body for o in b.lines if o in lines]
        grid = build_grid(tid, tlines, regions)
        ts.findings += grid.findings + _conservation(grid, tlines)
        ts.cells += grid.cells
        titles = [cjk.clean_spaces(b.text) for b in blocks if b.kind == "table_title"]
        column_no = body[0].column_no
        title = titles[0] if titles else column_titles.get(column_no)
        unit = _unit(blocks)
        kind = classify(grid)
        pages = [c.page for c in grid.cells] or [body[0].page_start]
        ts.tables.append(TableInfo(tid, kind, title, column_no, body[0].node_id, unit, min(pages), max(pages),
                                   grid.n_rows, grid.n_cols))
        if kind == "indicator":
            i, v, f = ind.extract(grid)
            ts.indicators += i
            ts.indicator_values += v
            ts.findings += f
        elif kind in ("project", "project_summary"):
            p, s, f = prj.extract(grid, unit)
            ts.projects += p
            ts.project_summary += s
            ts.findings += f
    ts.findings += validate(ts.projects, ts.project_summary, ts.indicators)
    return ts
