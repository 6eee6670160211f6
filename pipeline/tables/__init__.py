"""tables stage: table regions → cell grids, indicator and project tables, validation.

For every table the structure stage cut out of the flow (blocks of kind
``table`` with a ``table_id``; their title, unit and notes are blocks of
their own):

1. **grid** — ruled PDF table (:func:`.grid.build_ruled_grid`), PDF table
   without vertical rules — three-line, rules between rows, no rules —
   (:func:`.aligned.build_aligned_grid`) or text
   (:func:`.textgrid.build_text_grid`; rows printed centred rewritten from
   the top first, :mod:`.textcentred`); all produce the same grid
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
from .textcentred import decentre
from .textgrid import build_text_grid
from .textstream import build_stream_grid
from .validate import validate

__all__ = ["reconstruct", "build_grid", "classify", "LOST_TEXT_CHECKS"]


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
        return _text_grid(table_id, lines)
    rest = [ln for ln in lines if ln.order not in used and ln.text.strip()]
    if rest:
        grid.cells.append(TableCell(table_id, rest[0].page, UNPLACED_ROW, 0,
                                    "\n".join(ln.text.strip() for ln in rest), lines=[ln.order for ln in rest]))
        grid.findings.append(Finding("table_text_unplaced", "warning", table_id, f"page {rest[0].page}",
                                     f"{len(rest)} table lines lie in no cell", actual=rest[0].text.strip()[:60]))
    grid.findings += overlaps(grid)
    return grid


#: Findings of the text decoders that mean a row or line was not read.
_TEXT_MISSES = ("table_cell_unplaced", "table_text_unplaced", "table_cell_split")


def _misses(grid: Grid) -> int:
    return sum(1 for f in grid.findings if f.check in _TEXT_MISSES)


def _text_grid(table_id: str, lines: list[Line]) -> Grid:
    """A text table: the row-per-line decoder first (exact on clean text and
    fast); when it leaves rows or lines unread, the cell-stream decoder for
    pdftotext's reading order (:mod:`.textstream`), kept if it reads every
    cell, or if it keeps every character where the first decoder loses some
    and leaves fewer cells unread.  A stream decoded in part otherwise stays
    out: its values may sit in the wrong rows and columns (plan-C's text,
    printed a column at a time), and wrong targets in the indicator panel are
    worse than a table reported as not read."""
    grid = build_text_grid(table_id, lines)
    if not _misses(grid):
        return grid
    top = decentre(lines)
    if top is not None:
        # rows printed centred (pdfplumber's text): rewritten from the top
        # and read by the row decoder, kept if it then reads every cell
        centred = build_text_grid(table_id, top)
        if not _misses(centred) and not _conservation(centred, lines):
            return centred
    alt = build_stream_grid(table_id, lines)
    if alt is None:
        return grid
    if not _misses(alt):
        return alt
    if _conservation(grid, lines) and not _conservation(alt, lines) and _misses(alt) < _misses(grid):
        return alt
    return grid


def overlaps(grid: Grid) -> list[Finding]:
    """Grid positions claimed by two cells (text that fits no column of its
    own): one finding per table, naming the page."""
    seen: dict[tuple[int, int], TableCell] = {}
    for c in grid.cells:
        if c.row < 0:
            continue
        for r in range(c.row, c.row + c.row_span):
            for k in range(c.col, c.col + c.col_span):
                o = seen.get((r, k))
                if o is not None and o is not c:
                    return [Finding("table_cells_overlap", "warning", grid.table_id, f"page {c.page} row {r}",
                                    f"two cells claim row {r}, column {k}: the text fits no column of its own",
                                    expected=o.text[:60], actual=c.text[:60])]
                seen[(r, k)] = c
    return []


#: Findings that mean table text is not in the grid (``--strict`` fails on them).
LOST_TEXT_CHECKS = ("table_conservation", "table_text_unplaced")


def _looks_tidy(grid: Grid) -> str | None:
    """Why a table not read as an indicator or project table looks like one
    (header words such as 指标/属性/总投资, or 预期性/约束性 cells), else None."""
    heads = [c.text for c in grid.cells if c.is_header and c.row >= 0]
    words = sorted({m.group(0) for t in heads for m in cjk.TABLE_HEADER_WORDS.finditer(cjk.strip_all_space(t))})
    attrs = sum(1 for c in grid.body() if cjk.attribute_word(c.text))
    if attrs >= 2:
        return f"{attrs} cells read 预期性/约束性"
    if len(words) >= 2:
        return "its header has " + "、".join(words)
    return None


def _furniture_inside(tid: str, grid: Grid, tlines: list[Line], ex: Extracted) -> list[Finding]:
    """Page furniture (a page number, a running header) found inside the
    regions of a table: a bare number there is more likely a cell."""
    rids = {ln.region for ln in tlines if ln.region is not None}
    regs = [r for r in ex.regions if r.region_id in rids]
    out = []
    for ln in ex.lines:
        if not ln.furniture or ln.x0 is None or ln.top is None:
            continue
        cx, cy = (ln.x0 + (ln.x1 or ln.x0)) / 2, (ln.top + (ln.bottom or ln.top)) / 2
        if any(r.page == ln.page and r.x0 <= cx <= r.x1 and r.top <= cy <= r.bottom for r in regs):
            out.append(Finding("table_furniture", "warning", tid, f"page {ln.page}",
                               f"text inside the table was taken for page furniture ({ln.furniture})",
                               actual=ln.text[:60]))
    return out


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


def _conservation(grid: Grid, lines: list[Line], page: int | None = None) -> list[Finding]:
    # one Counter over the joined texts (``+=`` per text rescans the counter)
    want = Counter(cjk.strip_all_space("".join(ln.text for ln in lines)))
    got = Counter(cjk.strip_all_space("".join(c.text for c in grid.cells)))
    out = []
    if want - got:
        lost = "".join(sorted((want - got).elements()))
        out.append(Finding("table_conservation", "error", grid.table_id, None if page is None else f"page {page}",
                           f"{len(lost)} characters of the table lines are in no cell", expected=lost[:200]))
    if got - want:
        extra = "".join(sorted((got - want).elements()))
        out.append(Finding("table_conservation", "error", grid.table_id, None if page is None else f"page {page}",
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
        pages = [c.page for c in grid.cells] or [body[0].page_start]
        ts.findings += grid.findings + _conservation(grid, tlines, min(pages)) + \
            _furniture_inside(tid, grid, tlines, ex)
        ts.cells += grid.cells
        titles = [cjk.clean_spaces(b.text) for b in blocks if b.kind == "table_title"]
        column_no = body[0].column_no
        title = titles[0] if titles else column_titles.get(column_no)
        if title is None and grid.title_row():
            title = cjk.clean_spaces(grid.title_row())
        unit = _unit(blocks)
        kind = classify(grid)
        ts.tables.append(TableInfo(tid, kind, title, column_no, body[0].node_id, unit, min(pages), max(pages),
                                   grid.n_rows, grid.n_cols))
        n_rows = 0
        if kind == "indicator":
            i, v, f = ind.extract(grid)
            ts.indicators += i
            ts.indicator_values += v
            ts.findings += f
            n_rows = len(i)
        elif kind in ("project", "project_summary"):
            p, s, f = prj.extract(grid, unit)
            ts.projects += p
            ts.project_summary += s
            ts.findings += f
            n_rows = len(p) + len(s)
        why = _looks_tidy(grid) if kind == "other" else ("it was read as a " + kind + " table")
        if n_rows == 0 and why:
            ts.findings.append(Finding("table_not_read", "warning", tid, f"page {min(pages)}",
                                       f"table {title or tid} yields no indicator or project rows, "
                                       f"though {why}", actual=" | ".join(
                                           cjk.clean_spaces(c.text) for c in grid.cells if c.is_header)[:120]))
    ts.findings += validate(ts.projects, ts.project_summary, ts.indicators)
    return ts
