"""Tables from PDF geometry: ruled tables, and the stacking of table pages
shared with the tables without vertical rules (:mod:`.aligned`).

**Ruled tables** (``Region.kind == "table"``): the extract stage hands over
pdfplumber's table-finder cells (``Region.cells``, a merged cell is one cell
with its full bounding box).  The grid's columns are the distinct x edges of
all the table's page fragments (so a fragment that merges two columns that
another page splits gets a span), its rows the distinct y edges of each
fragment; a cell's span is the number of edges its box crosses.  Cell text
comes from the extracted :class:`Line` records whose centre lies in the cell
box (so every character is counted once), in reading order.

Tables without vertical rules (three-line, rules between rows, no rules)
are built by :mod:`.aligned` into the same fragments.

**Page breaks**: fragments are stacked; leading rows of a continuation page
that repeat the first page's header rows are dropped from the grid (kept as
negative rows, see :mod:`.base`), and a first body row that starts without
a row label and has empty cells is the rest of the row cut by the page
break: its texts are joined into that row.

Hand-written on top of pdfplumber's cells because the table finder works
page by page and knows nothing of repeated headers or rows cut by a break.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import cjk
from ..model import Line, Region, TableCell
from .base import Grid, join_cell

SNAP = 3.0   # points: edges closer than this are one edge


def _snap(values: list[float], tol: float = SNAP) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def _centre_in(ln: Line, x0: float, top: float, x1: float, bottom: float) -> bool:
    if ln.x0 is None or ln.top is None:
        return False
    cx = (ln.x0 + (ln.x1 if ln.x1 is not None else ln.x0)) / 2
    cy = (ln.top + (ln.bottom if ln.bottom is not None else ln.top)) / 2
    return x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1


@dataclass(slots=True)
class PlacedCell:
    """A cell of a ruled page fragment with its place and spans."""
    row: int
    col: int
    row_span: int
    col_span: int
    texts: list[str]
    lines: list[int]
    page: int

    @property
    def text(self) -> str:
        return join_cell(self.texts)


@dataclass(slots=True)
class PageFragment:
    """One page of a table: its rows of cells (fragment-local rows)."""

    page: int
    n_rows: int
    cells: list[PlacedCell] = field(default_factory=list)
    n_header: int | None = None          # header rows when the builder knows them (repeated ones on later pages)
    label_cols: set[int] = field(default_factory=set)   # columns of labels that may span pages
    first_keyed: bool | None = None      # the first body row starts with its own row label / name

    def row(self, r: int) -> list[PlacedCell]:
        return sorted((c for c in self.cells if c.row == r), key=lambda c: c.col)

    def row_text(self, r: int) -> str:
        return cjk.strip_all_space("".join(c.text for c in self.row(r)))


def _ruled_fragment(region: Region, lines: list[Line], xs: list[float], used: set[int]) -> PageFragment:
    ys = _snap([c.top for c in region.cells] + [c.bottom for c in region.cells])
    frag = PageFragment(region.page, max(len(ys) - 1, 0))
    geo = [ln for ln in lines if ln.x0 is not None]
    for c in region.cells:
        r0, r1 = _index(ys, c.top), _index(ys, c.bottom)
        c0, c1 = _index(xs, c.x0), _index(xs, c.x1)
        if r1 <= r0 or c1 <= c0:
            continue
        inside = sorted((ln for ln in geo if ln.order not in used and _centre_in(ln, c.x0, c.top, c.x1, c.bottom)),
                        key=lambda ln: (round(ln.top or 0, 1), ln.x0 or 0))
        for ln in inside:
            used.add(ln.order)
        texts = [ln.text for ln in inside]
        if not geo:       # lines without geometry: fall back on the finder's text
            texts = [c.text]
        frag.cells.append(PlacedCell(r0, c0, r1 - r0, c1 - c0, texts, [ln.order for ln in inside], region.page))
    return frag


def row_label_start(text: str) -> bool:
    """``text`` opens a body row: a numbered row label, a total or a sub-total."""
    t = text.strip()
    return bool(cjk.row_label(t + " x") or cjk.ROW_LABEL_TOTAL.match(t)
                or cjk.ROW_LABEL_SUB.fullmatch(cjk.strip_all_space(t)))


def _header_rows(frag: PageFragment) -> int:
    """Leading rows of the first fragment that form the header: rows before
    the first row with a row label or a typed value cell, extended over the
    rows that header cells span."""
    n = 0
    for r in range(frag.n_rows):
        cells = [c for c in frag.row(r) if c.text]
        if not cells:
            break
        if row_label_start(cells[0].text) or any(cjk.cell_type(c.text) not in ("text",) for c in cells):
            break
        n = r + 1
    span_end = max((c.row + c.row_span for c in frag.cells if c.row < n), default=n)
    return max(n, min(span_end, frag.n_rows))


def _continues(cells: dict[int, TableCell], c: PlacedCell) -> bool:
    """``c`` (at the top of a page) can be the rest of the cell above it in
    the last row of the page before: that cell is text that runs on, or the
    two make one value (``7`` / ``左右``); a complete number, ``—`` or
    预期性 above it means ``c`` starts a row of its own."""
    target = next((t for t in cells.values() if t.col <= c.col < t.col + t.col_span), None)
    if target is None or not target.text:
        return True
    return cjk.cell_type(target.text) == "text" or \
        cjk.cell_type(cjk.strip_all_space(target.text + c.text)) != "text"


def stack_fragments(table_id: str, frags: list[PageFragment], n_cols: int) -> Grid:
    """Fragments → one grid: repeated headers out, rows cut by a break joined."""
    cells: list[TableCell] = []
    if not frags:
        return Grid(table_id, [], 0, n_cols, 0)
    first = frags[0]
    n_header = first.n_header if first.n_header is not None else _header_rows(first)
    head_keys = [first.row_text(r) for r in range(n_header)]
    out_row = 0
    last_row_cells: dict[int, TableCell] = {}

    def emit(c: PlacedCell, row: int, header: bool) -> TableCell:
        tc = TableCell(table_id, c.page, row, c.col, c.text, c.row_span, c.col_span, header, list(c.lines))
        cells.append(tc)
        return tc

    for fi, f in enumerate(frags):
        start = 0
        if fi == 0:
            for c in f.cells:
                if c.row < n_header:
                    emit(c, c.row, True)
            start = n_header
            out_row = n_header
        else:
            if f.n_header is not None:
                # the builder found the repeated header (possibly without the
                # title row the first page has): each of its rows is filed
                # under the first page's header row with the same text
                k = f.n_header
                offset = n_header - k
                repeat = {r: next((j for j, t in enumerate(head_keys) if t == f.row_text(r)), r + offset)
                          for r in range(k)}
                for r in range(k):
                    if repeat[r] < 0:
                        # more rows than the first page's header (its title
                        # row printed there as a caption): rows of their own
                        repeat[r] = n_header + r
            else:
                # the leading rows that repeat the header, from its first row
                # or from a later one (a title row is not repeated)
                j = next((j for j, t in enumerate(head_keys) if f.n_rows and f.row_text(0) == t), 0)
                k = 0
                while k < f.n_rows and j + k < len(head_keys) and f.row_text(k) == head_keys[j + k]:
                    k += 1
                repeat = {r: j + r for r in range(k)}
            for c in f.cells:
                if c.row < k:
                    tc = emit(c, -1 - repeat[c.row], True)
                    tc.row_span = 1
            start = k
            # a row cut by the page break: no row label, some cells empty
            if start < f.n_rows and last_row_cells and not f.first_keyed:
                row = f.row(start)
                texts = [c for c in row if c.text]
                covered = sum(c.col_span for c in row)
                if texts and (any(not c.text for c in row) or covered < n_cols) \
                        and not row_label_start(texts[0].text) and all(c.row_span == 1 for c in texts) \
                        and all(_continues(last_row_cells, c) for c in texts):
                    for c in row:
                        if not c.text and not c.lines:
                            continue
                        target = next((t for t in last_row_cells.values()
                                       if t.col <= c.col < t.col + t.col_span), None)
                        if target is None:
                            emit(c, out_row - 1, False)
                            continue
                        target.text = join_cell([target.text, c.text])
                        target.lines.extend(c.lines)
                    start += 1
        row_map: dict[int, int] = {}
        for r in range(start, f.n_rows):
            row_map[r] = out_row
            out_row += 1
        # a vertically merged label cut by the page break goes on at the top of
        # the next page: one cell over the rows of both pages
        continued: set[int] = set()
        if fi > 0 and f.label_cols and start < f.n_rows:
            for col in f.label_cols:
                target = next((t for t in last_row_cells.values() if t.col == col and t.col_span == 1), None)
                if target is None:
                    continue
                own = next((i for i, c in enumerate(f.cells) if c.row == start and c.col == col
                            and c.col_span == 1 and c.text), None)
                if own is not None:
                    c = f.cells[own]
                    target.text = join_cell([target.text, c.text])
                    target.lines.extend(c.lines)
                    target.row_span = row_map[c.row] + min(c.row_span, f.n_rows - c.row) - target.row
                    continued.add(own)
                    continue
                # rows at the top of the page with nothing in the column: the
                # label's merged cell goes on beside them
                r = start
                while r < f.n_rows and not any(c.row <= r < c.row + c.row_span and c.col <= col < c.col + c.col_span
                                               for c in f.cells):
                    r += 1
                if r > start:
                    target.row_span = row_map[r - 1] + 1 - target.row
        for i, c in enumerate(f.cells):
            if c.row in row_map and (c.text or c.lines) and i not in continued:
                span = min(c.row_span, f.n_rows - c.row)
                tc = emit(c, row_map[c.row], False)
                tc.row_span = span
        last = out_row - 1
        last_row_cells = {i: t for i, t in enumerate(cells) if t.row <= last < t.row + t.row_span and t.row >= 0
                          and not t.is_header}
    # empty body cells are not emitted (as on the text path): a position no
    # cell covers is an empty cell
    return Grid(table_id, cells, out_row, n_cols, n_header)


def build_ruled_grid(table_id: str, lines: list[Line], regions: list[Region]) -> tuple[Grid, set[int]]:
    """Grid of a ruled table from its regions (one per page, in order)."""
    xs = _snap([v for rg in regions for c in rg.cells for v in (c.x0, c.x1)])
    used: set[int] = set()
    frags = []
    for rg in regions:
        rl = [ln for ln in lines if ln.region == rg.region_id]
        frags.append(_ruled_fragment(rg, rl, xs, used))
    return stack_fragments(table_id, frags, max(len(xs) - 1, 0)), used
