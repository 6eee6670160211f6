"""Tables from PDF geometry: ruled tables and three-line tables.

**Ruled tables** (``Region.kind == "table"``): the extract stage hands over
pdfplumber's table-finder cells (``Region.cells``, a merged cell is one cell
with its full bounding box).  The grid's columns are the distinct x edges of
all the table's page fragments (so a fragment that merges two columns that
another page splits gets a span), its rows the distinct y edges of each
fragment; a cell's span is the number of edges its box crosses.  Cell text
comes from the extracted :class:`Line` records whose centre lies in the cell
box (so every character is counted once), in reading order.

**Three-line tables** (``Region.kind == "rule_table"``, horizontal rules
only): the header is what lies between the first two rules; columns are the
x intervals covered by the text segments of body lines that have more than
one segment (one-segment lines may be spanning labels); a line whose first
column is empty continues the row above.

**Page breaks**: fragments are stacked; leading rows of a continuation page
that repeat the first page's header rows are dropped from the grid (kept as
negative rows, see :mod:`.base`), and a first body row that starts without
a row label and has empty cells is the rest of the row cut by the page
break: its texts are joined into that row.

Hand-written on top of pdfplumber's cells because the table finder works
page by page and knows nothing of repeated headers or rows cut by a break.
"""

from __future__ import annotations

from collections import Counter
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
class _PCell:
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
class _Frag:
    """One page of a table: its rows of cells (fragment-local rows)."""

    page: int
    n_rows: int
    cells: list[_PCell] = field(default_factory=list)

    def row(self, r: int) -> list[_PCell]:
        return sorted((c for c in self.cells if c.row == r), key=lambda c: c.col)

    def row_text(self, r: int) -> str:
        return cjk.strip_all_space("".join(c.text for c in self.row(r)))


def _ruled_fragment(region: Region, lines: list[Line], xs: list[float], used: set[int]) -> _Frag:
    ys = _snap([c.top for c in region.cells] + [c.bottom for c in region.cells])
    frag = _Frag(region.page, max(len(ys) - 1, 0))
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
        frag.cells.append(_PCell(r0, c0, r1 - r0, c1 - c0, texts, [ln.order for ln in inside], region.page))
    return frag


def _row_label_start(text: str) -> bool:
    t = text.strip()
    return bool(cjk.row_label(t + " x") or cjk.ROW_LABEL_TOTAL.match(t)
                or cjk.ROW_LABEL_SUB.fullmatch(cjk.strip_all_space(t)))


def _header_rows(frag: _Frag) -> int:
    """Leading rows of the first fragment that form the header: rows before
    the first row with a row label or a typed value cell, extended over the
    rows that header cells span."""
    n = 0
    for r in range(frag.n_rows):
        cells = [c for c in frag.row(r) if c.text]
        if not cells:
            break
        if _row_label_start(cells[0].text) or any(cjk.cell_type(c.text) not in ("text",) for c in cells):
            break
        n = r + 1
    span_end = max((c.row + c.row_span for c in frag.cells if c.row < n), default=n)
    return max(n, min(span_end, frag.n_rows))


def _stack(table_id: str, frags: list[_Frag], n_cols: int) -> Grid:
    """Fragments → one grid: repeated headers out, rows cut by a break joined."""
    cells: list[TableCell] = []
    if not frags:
        return Grid(table_id, [], 0, n_cols, 0)
    first = frags[0]
    n_header = _header_rows(first)
    head_keys = [first.row_text(r) for r in range(n_header)]
    out_row = 0
    last_row_cells: dict[int, TableCell] = {}

    def emit(c: _PCell, row: int, header: bool) -> TableCell:
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
            k = 0
            while k < f.n_rows and k < len(head_keys) and f.row_text(k) == head_keys[k]:
                k += 1
            for c in f.cells:
                if c.row < k:
                    tc = emit(c, -1 - c.row, True)
                    tc.row_span = 1
            start = k
            # a row cut by the page break: no row label, some cells empty
            if start < f.n_rows and last_row_cells:
                row = f.row(start)
                texts = [c for c in row if c.text]
                if texts and any(not c.text for c in row) and not _row_label_start(texts[0].text) \
                        and all(c.row_span == 1 for c in row):
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
        for c in f.cells:
            if c.row in row_map and (c.text or c.lines):
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
    return _stack(table_id, frags, max(len(xs) - 1, 0)), used


# --------------------------------------------------------------------------
# three-line tables
# --------------------------------------------------------------------------


def _baselines(lines: list[Line]) -> list[list[Line]]:
    """Group line segments that share a baseline (vertical overlap)."""
    out: list[list[Line]] = []
    for ln in sorted(lines, key=lambda x: ((x.top or 0), x.x0 or 0)):
        if out:
            ref = out[-1][0]
            h = min((ref.bottom or 0) - (ref.top or 0), (ln.bottom or 0) - (ln.top or 0)) or 1
            overlap = min(ref.bottom or 0, ln.bottom or 0) - max(ref.top or 0, ln.top or 0)
            if overlap >= 0.5 * h:
                out[-1].append(ln)
                continue
        out.append([ln])
    for g in out:
        g.sort(key=lambda x: x.x0 or 0)
    return out


def _columns(rows: list[list[Line]]) -> list[float]:
    """Column boundaries of a three-line table.

    The rows with the most segments (full rows: one segment per column) give
    the columns as the union of their x ranges; the boundary between two
    columns is the middle of the gap between them.  Returns the boundaries
    [left, b1, …, right]."""
    counts = Counter(len(g) for g in rows if len(g) > 1)
    if not counts:
        return []
    most = max(counts)
    spans = sorted(((ln.x0 or 0), (ln.x1 or 0)) for g in rows if len(g) == most for ln in g)
    cols: list[list[float]] = []
    for a, b in spans:
        if cols and a <= cols[-1][1] + 1:
            cols[-1][1] = max(cols[-1][1], b)
        else:
            cols.append([a, b])
    bounds = [min(ln.x0 or 0 for g in rows for ln in g) - 1]
    for (_, b), (a, _) in zip(cols, cols[1:], strict=False):
        bounds.append((b + a) / 2)
    bounds.append(max(ln.x1 or 0 for g in rows for ln in g) + 1)
    return bounds


def _band(bounds: list[float], x: float) -> int:
    for k in range(len(bounds) - 1):
        if x < bounds[k + 1]:
            return k
    return len(bounds) - 2


def _units(s: str) -> float:
    return float(sum(cjk.char_width(c) for c in s))


def _pieces(ln: Line, bounds: list[float]) -> list[tuple[int, int, str]]:
    """A text segment → (first col, end col, text) pieces.  A segment the
    extractor did not split (a narrow gap: ``序号 指标``) is split at its
    spaces; the x of each word is estimated from the display width."""
    x0, x1 = ln.x0 or 0, ln.x1 or 0
    text = ln.text.strip()
    scale = (x1 - x0) / (_units(text) or 1)
    # a word spans into the next column only when it runs half an em into it
    tol = max(2.0, 0.5 * ((ln.bottom or 0) - (ln.top or 0)))
    out: list[tuple[int, int, str]] = []
    i = 0
    for w in text.split():
        j = text.index(w, i)
        a = x0 + scale * _units(text[:j])
        b = a + scale * _units(w)
        c0 = _band(bounds, a + tol)
        c1 = max(_band(bounds, b - tol) + 1, c0 + 1)
        if out and out[-1][:2] == (c0, c1):
            out[-1] = (c0, c1, out[-1][2] + " " + w)
        else:
            out.append((c0, c1, w))
        i = j + len(w)
    return out


def _row_pieces(g: list[Line], bounds: list[float]) -> list[tuple[tuple[int, int, str], Line]]:
    """Pieces of one baseline, spans clipped so that cells do not overlap."""
    pcs = sorted(((p, ln) for ln in g for p in _pieces(ln, bounds)), key=lambda x: x[0][0])
    out: list[tuple[tuple[int, int, str], Line]] = []
    for k, ((c0, c1, t), ln) in enumerate(pcs):
        if out and out[-1][0][0] == c0:     # two pieces in one column: one cell
            (p0, p1, pt), pl = out[-1]
            out[-1] = ((p0, max(p1, c1), pt + " " + t), pl)
            continue
        nxt = pcs[k + 1][0][0] if k + 1 < len(pcs) else None
        if nxt is not None and nxt > c0:
            c1 = min(c1, nxt)
        out.append(((c0, c1, t), ln))
    return out


def _new_row(frag: _Frag, pcs: list, r: int, page: int, used: set[int]) -> dict[int, _PCell]:
    """One cell per row piece on grid row ``r``; returns them by first column."""
    row: dict[int, _PCell] = {}
    for (c0, c1, t), ln in pcs:
        cell = _PCell(r, c0, 1, c1 - c0, [t], [ln.order], page)
        frag.cells.append(cell)
        row[c0] = cell
        used.add(ln.order)
    return row


def _rule_fragment(region: Region, lines: list[Line], bounds: list[float], used: set[int]) -> _Frag:
    rules = sorted(region.rules)
    geo = [ln for ln in lines if ln.top is not None]
    head_bottom = rules[1] if len(rules) >= 3 else None
    head = [ln for ln in geo if head_bottom is not None and (ln.top + ln.bottom) / 2 < head_bottom]
    body = [ln for ln in geo if ln not in head]
    n_cols = len(bounds) - 1
    frag = _Frag(region.page, 0)
    r = 0
    # header: one row per baseline; a baseline whose words all sit under
    # words of the baseline above (and fewer of them) wraps that header row
    prev: dict[int, _PCell] = {}
    for g in _baselines(head):
        pcs = _row_pieces(g, bounds)
        if prev and len(pcs) < len(prev) and all(p[0] in prev for p, _ in pcs):
            for (c0, _c1, t), ln in pcs:
                prev[c0].texts.append(t)
                prev[c0].lines.append(ln.order)
                used.add(ln.order)
            continue
        prev = _new_row(frag, pcs, r, region.page, used)
        r += 1
    current: dict[int, _PCell] = {}
    for g in _baselines(body):
        pcs = _row_pieces(g, bounds)
        first_col = pcs[0][0][0]
        label = _row_label_start(pcs[0][0][2])
        if current and first_col > 0 and not label:
            # a continuation line of the row above: each piece to its column's cell
            for (c0, c1, t), ln in pcs:
                cell = current.get(c0)
                if cell is None:
                    cell = _PCell(r - 1, c0, 1, c1 - c0, [], [], region.page)
                    frag.cells.append(cell)
                    current[c0] = cell
                cell.texts.append(t)
                cell.lines.append(ln.order)
                used.add(ln.order)
            continue
        current = {}
        if len(pcs) == 1 and cjk.cell_type(pcs[0][0][2]) == "text" and label:
            # a category row (一、经济发展): one cell across the table
            (_c0, _c1, t), ln = pcs[0]
            frag.cells.append(_PCell(r, 0, 1, n_cols, [t], [ln.order], region.page))
            used.add(ln.order)
            r += 1
            continue
        current = _new_row(frag, pcs, r, region.page, used)
        r += 1
    frag.n_rows = r
    return frag


def build_rule_grid(table_id: str, lines: list[Line], regions: list[Region]) -> tuple[Grid, set[int]]:
    """Grid of a three-line table (horizontal rules only) from text alignment."""
    used: set[int] = set()
    body_rows: list[list[Line]] = []
    for rg in regions:
        rl = [ln for ln in lines if ln.region == rg.region_id and ln.top is not None]
        rules = sorted(rg.rules)
        hb = rules[1] if len(rules) >= 3 else None
        body_rows += _baselines([ln for ln in rl if hb is None or (ln.top + ln.bottom) / 2 > hb])
    bounds = _columns(body_rows)
    if not bounds:
        return Grid(table_id, [], 0, 0, 0), used
    frags = [_rule_fragment(rg, [ln for ln in lines if ln.region == rg.region_id], bounds, used) for rg in regions]
    grid = _stack(table_id, frags, len(bounds) - 1)
    _fill_header_spans(grid)
    return grid, used


def _fill_header_spans(grid: Grid) -> None:
    """A top header cell with nothing below it spans down to the last header row."""
    if grid.n_header < 2:
        return
    occupied = {(c.row, k) for c in grid.cells if 0 <= c.row < grid.n_header for k in range(c.col, c.col + c.col_span)}
    for c in grid.cells:
        if c.is_header and c.row == 0:
            free = all((r, k) not in occupied for r in range(1, grid.n_header) for k in range(c.col, c.col + c.col_span))
            if free:
                c.row_span = grid.n_header
