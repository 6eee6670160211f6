"""Tables without vertical rules, from the alignment of their text:
three-line tables, tables with a rule between rows only, tables with no
rules at all (``Region.kind == "rule_table"``).

One model for all of them, fed by whatever evidence the page has:

**Columns** (:func:`column_bounds`, over all pages of the table at once, in
coordinates relative to each page's table edge so that mirrored margins do
not matter): a column boundary is an x-range that stays empty between two
pieces of text on many rows — for every x, the number of text rows
(header and body) with a gap between two pieces there is counted, and the
local maxima of that count that stand out from the dips beside them are
the boundaries; the ends of partial rules (a rule under a header group, or
under the rows beside a vertically merged label) and the edges of shaded
header cells are boundaries outright.  A piece of text that crosses a
boundary is a merged cell (``col_span``).

**Rows**: horizontal rules cut the table into zones (a rule between every
row makes each zone one row; a partial rule separates rows only in the
columns it crosses); inside a zone, rows come from baselines, read top to
bottom (:func:`_sweep`):

* a row starts at a *row label* in the key column (``1.``, ``一、``,
  ``（一）``, ``合计``, a 序号 cell) — or, in a table without labels, at a
  name line that does not continue the name above;
* a line in another column continues the cell above it when that cell is
  still open text (not a complete number, ``—``, 预期性 …) and the line
  follows at the cell's line pitch; otherwise it belongs to the next row
  (vertically centred cells print their first lines above the row label);
* a row of one piece with a category label (``一、经济发展``) is a category
  row across the table;
* in a *label column* (left of the names, mostly empty, a header cell shared
  with the name column: ``森林 / 发展``) consecutive labels are one cell
  that spans the rows beside it.

**Header**: the zone above the first body row (on the first page), its
cells from shaded header cells when the page has them, else from the
header text: pieces in the same columns on consecutive lines are one cell,
a cell above others within its columns is a group cell, and a cell with
nothing below it spans down to the last header row.

Written by hand because pdfplumber's ``text`` strategy finds edges from
word alignment only: it splits every wrapped line into a row, and knows
nothing of merged cells, centred cells or row labels.  Fragments (pages)
are stacked by :func:`pipeline.tables.grid.stack_fragments`, shared with ruled
tables: repeated headers out, rows cut by a page break joined.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import cjk
from ..model import Line, Region
from .base import Grid
from .grid import PageFragment, PlacedCell, row_label_start, stack_fragments
from .textgrid import split_cells

SNAP = 3.0              # points: rule ends and shading edges closer than this coincide
_TEXT_COLUMN = 1.0      # a text's table (extract.fixedwidth): x is in columns
MIN_SUPPORT = 2         # text rows that must show a gap for a column boundary
PITCH_TOL_EM = 0.15     # a wrapped cell's next line follows within this of its line pitch
DEFAULT_PITCH_EM = 1.5  # line pitch when no wrapped cell shows it


@dataclass(slots=True)
class _Piece:
    """A piece of text on one baseline, in table-relative coordinates."""

    text: str
    line: Line
    x0: float
    x1: float
    top: float
    bottom: float
    em: float
    c0: int = 0
    c1: int = 1
    soft: tuple[int, ...] = ()     # a text's table: offsets of spaces that may part two cells

    @property
    def typed(self) -> bool:
        """A complete value (number, —, 预期性, year range, count, phrase)."""
        return cjk.cell_type(self.text) != "text"


@dataclass(slots=True)
class _Block:
    """Lines of one cell being collected."""

    pieces: list[_Piece]
    c0: int
    c1: int
    rows: list[int] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(cjk.strip_all_space(p.text) for p in self.pieces)

    @property
    def last(self) -> _Piece:
        return self.pieces[-1]

    def add(self, p: _Piece) -> None:
        self.pieces.append(p)
        self.c0, self.c1 = min(self.c0, p.c0), max(self.c1, p.c1)


# --------------------------------------------------------------------------
# geometry helpers
# --------------------------------------------------------------------------


def _units(s: str) -> float:
    return float(sum(cjk.char_width(c) for c in s))


def _split_line(ln: Line, origin: float, left: float | None = None) -> list[_Piece]:
    """A line segment → pieces at its spaces (the extractor did not split a
    narrow gap such as ``（一） 信息基础设施``); the x of each word is
    estimated from the display width."""
    x0, x1 = (ln.x0 or 0) - origin, (ln.x1 or 0) - origin
    top, bottom = ln.top or 0.0, ln.bottom or 0.0
    # the font size, unless the PDF scales its text by the text matrix (a
    # size of 1 pt): then the glyphs' height
    em = max(ln.font_size or 0.0, 0.8 * (bottom - top), 1.0)
    text = ln.text.strip()
    words = text.split()
    soft: list[tuple[int, ...]] = [()] * len(words)
    if ln.source_line is not None and len(words) > 1:
        words, soft = _text_words(text)
        if left is not None and abs(x0 - left) <= _TEXT_COLUMN and soft[0]:
            # a run at the table's left edge: its first Chinese space parts
            # a label from the name beside it (保护利用 利用项目数量)
            k = soft[0][0]
            first = words[0]
            words[:1] = [first[:k], first[k + 1:]]
            soft[:1] = [(), tuple(j - k - 1 for j in soft[0][1:])]
    if len(words) <= 1:
        return [_Piece(text, ln, x0, x1, top, bottom, em, soft=soft[0] if soft else ())]
    width = _text_x if ln.source_line is not None else None
    scale = (x1 - x0) / (_units(text) or 1)
    out = []
    i = 0
    for w, sf in zip(words, soft, strict=True):
        j = text.index(w, i)
        if width is not None:
            a, b = x0 + width(text, j, x1 - x0), x0 + width(text, j + len(w), x1 - x0)
        else:
            a = x0 + scale * _units(text[:j])
            b = a + scale * _units(w)
        out.append(_Piece(w, ln, a, b, top, bottom, em, soft=sf))
        i = j + len(w)
    return out


def _text_x(text: str, k: int, width: float) -> float:
    """Columns before character ``k`` of a run of a text's table that is
    ``width`` columns wide: one a character (pdftotext's measure) or the
    display width, CJK two (an editor's), whichever the run's width is."""
    if abs(width - len(text)) < 0.5:
        return float(k)
    return 2.0 * _units(text[:k])


def _text_words(text: str) -> tuple[list[str], list[tuple[int, ...]]]:
    """The cells of a run of a text's table and, in each, the spaces that
    may still part two cells.  Two cells a single space apart are told from
    one cell's own spaces as in run-together text tables (7 左右, 2020 年,
    预计 99.8, 单位 GDP stay whole; 36.1 —, 20 能源… part), and a numbered
    row label after a space starts a cell (森林 22.森林覆盖率).  A space
    between two Chinese texts is either (保护利用 利用项目数量: a label and a
    name; 省文物 保护单位: an extraction's gap inside a name): it parts
    the run only where a column boundary falls (:func:`_split_soft`)."""
    words: list[str] = []
    soft: list[list[int]] = []
    for w in split_cells(text):
        if words and cjk.cell_type(words[-1]) == "text" and cjk.cell_type(w) == "text" and \
                not row_label_start(w):
            soft[-1].append(len(words[-1]))
            words[-1] += " " + w
            continue
        parts = w.split(" ")
        words.append(parts[0])
        soft.append([])
        for part in parts[1:]:
            if row_label_start(part) and not part.isdigit():
                words.append(part)
                soft.append([])
            else:
                words[-1] += " " + part
    return words, [tuple(x) for x in soft]


def _split_soft(pieces: list[_Piece], bounds: list[float]) -> list[_Piece]:
    """Pieces of a text's table parted at their soft spaces (:func:`_text_words`)
    where a column boundary falls within a column of the space."""
    out: list[_Piece] = []
    for p in pieces:
        if not p.soft or p.c1 - p.c0 < 2:
            out.append(p)
            continue
        cuts = [k for k in p.soft
                if any(abs(p.x0 + _text_x(p.text, k, p.x1 - p.x0) - b) <= _TEXT_COLUMN + 0.5 for b in bounds[1:-1])]
        if not cuts:
            out.append(p)
            continue
        start = 0
        for k in cuts + [len(p.text)]:
            t = p.text[start:k].strip()
            if t:
                a = p.x0 + _text_x(p.text, start, p.x1 - p.x0)
                z = p.x0 + _text_x(p.text, k, p.x1 - p.x0)
                q = _Piece(t, p.line, a, z, p.top, p.bottom, p.em)
                _assign(q, bounds)
                out.append(q)
            start = k + 1
    return out


def _baselines(pieces: list[_Piece]) -> list[list[_Piece]]:
    """Pieces grouped by vertical overlap (half the smaller height), top down."""
    out: list[list[_Piece]] = []
    for p in sorted(pieces, key=lambda p: ((p.top + p.bottom) / 2, p.x0)):
        if out:
            ref_top = min(q.top for q in out[-1])
            ref_bottom = max(q.bottom for q in out[-1])
            h = min(ref_bottom - ref_top, p.bottom - p.top) or 1.0
            if min(ref_bottom, p.bottom) - max(ref_top, p.top) >= 0.5 * h:
                out[-1].append(p)
                continue
        out.append([p])
    for g in out:
        g.sort(key=lambda p: p.x0)
    return out


def _band(bounds: list[float], x: float) -> int:
    for k in range(len(bounds) - 1):
        if x < bounds[k + 1]:
            return k
    return len(bounds) - 2


def _assign(p: _Piece, bounds: list[float]) -> None:
    """Column range of a piece: it spans into a column only when it runs a
    quarter em into it (a text's table: a column, its resolution)."""
    reach = 0.25 * p.em if p.line.source_line is None else max(0.25 * p.em, _TEXT_COLUMN)
    tol = min(reach, 0.25 * (p.x1 - p.x0))
    p.c0 = _band(bounds, p.x0 + tol)
    p.c1 = max(_band(bounds, p.x1 - tol) + 1, p.c0 + 1)


# --------------------------------------------------------------------------
# columns
# --------------------------------------------------------------------------


def _gap_support(rows: list[list[_Piece]], width: float, step: float = 0.5) -> list[int]:
    """For every x (``step`` apart) the number of rows with a gap between two
    pieces there."""
    n = int(width / step) + 2
    support = [0] * n
    for row in rows:
        ps = sorted(row, key=lambda p: p.x0)
        for a, b in zip(ps, ps[1:]):
            lo, hi = a.x1, b.x0
            if hi <= lo:
                continue
            for i in range(max(0, int(lo / step) + 1), min(n, int(hi / step) + 1)):
                support[i] += 1
    return support


def _peaks(support: list[int], step: float = 0.5) -> list[tuple[float, int]]:
    """Local maxima of the gap support that rise at least MIN_SUPPORT above
    the dips on both sides (x of the plateau's centre, height)."""
    # plateaus of equal value
    runs: list[tuple[int, int, int]] = []
    i = 0
    while i < len(support):
        j = i
        while j + 1 < len(support) and support[j + 1] == support[i]:
            j += 1
        runs.append((i, j, support[i]))
        i = j + 1
    peaks = [k for k in range(len(runs)) if runs[k][2] >= MIN_SUPPORT
             and (k == 0 or runs[k - 1][2] < runs[k][2]) and (k + 1 == len(runs) or runs[k + 1][2] < runs[k][2])]
    # merge peaks not separated by a real dip (keep the higher)
    kept: list[int] = []
    for k in peaks:
        if kept:
            prev = kept[-1]
            dip = min(r[2] for r in runs[prev:k + 1])
            if min(runs[prev][2], runs[k][2]) - dip < MIN_SUPPORT:
                if runs[k][2] > runs[prev][2]:
                    kept[-1] = k
                continue
        kept.append(k)
    return [((runs[k][0] + runs[k][1]) / 2 * step, runs[k][2], runs[k][0], runs[k][1]) for k in kept]


def _coverage(pieces: list[_Piece], width: float, step: float = 0.5) -> list[int]:
    """For every x the number of pieces of text over it."""
    n = int(width / step) + 2
    cover = [0] * n
    for p in pieces:
        for i in range(max(0, int(p.x0 / step) + 1), min(n, int(p.x1 / step) + 1)):
            cover[i] += 1
    return cover


def _settle_peak(support: list[int], cover: list[int], peak: tuple, step: float = 0.5) -> float:
    """Where a boundary goes near a support peak: among the x around it where
    the support stays above the dips beside it, the ones that cut the
    fewest pieces of text (a wide value wrapped onto lines of its own leaves
    gaps on the other lines across its column), then the best supported,
    then their middle."""
    _, h, i0, i1 = peak
    lo, hi = i0, i1
    while lo > 0 and support[lo - 1] > h - MIN_SUPPORT:
        lo -= 1
    while hi + 1 < len(support) and support[hi + 1] > h - MIN_SUPPORT:
        hi += 1
    idx = range(lo, hi + 1)
    least = min(cover[i] for i in idx)
    best = max(support[i] for i in idx if cover[i] == least)
    xs = [i for i in idx if cover[i] == least and support[i] == best]
    # the middle of the longest run of such x
    runs: list[list[int]] = []
    for i in xs:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    run = max(runs, key=len)
    return (run[0] + run[-1]) / 2 * step


def _gutters(support: list[int], cover: list[int], wide: float, step: float = 0.5) -> list[tuple[float, int]]:
    """x-ranges at least ``wide`` wide that no text of the table covers, with
    text on both sides and a gap there on MIN_SUPPORT rows: (middle, the
    support there).  A gutter no text ever crosses is a column boundary
    even where the gap support shows no peak: a column empty on many rows
    (the years of a project table, blank on its aggregate rows) leaves as
    many gaps across itself as at its sides, and a column of vertically
    centred cells never shares a baseline with its neighbour."""
    out = []
    n = len(cover)
    first = next((k for k, c in enumerate(cover) if c), n)
    last = max((k for k, c in enumerate(cover) if c), default=-1)
    i = first
    while i < last:
        if cover[i]:
            i += 1
            continue
        j = i
        while j + 1 < last and not cover[j + 1]:
            j += 1
        h = max(support[i:j + 1])
        if (j - i + 1) * step >= wide and h >= MIN_SUPPORT:
            out.append(((i + j) / 2 * step, h))
        i = j + 1
    return out


def _label_starts(rows: list[list[_Piece]], width: float) -> list[tuple[float, int]]:
    """Numbered row labels (``22.森林覆盖率``) that start at two places, each
    on MIN_SUPPORT rows or more: the later one is the left edge of the names
    beside a vertically merged group label (``森林发展``), whose column ends
    there — the label is centred on its rows, so it rarely shares a baseline
    with a name and leaves no gap support; the earlier one is where the
    names without a group start, across both columns.  (x, rows)."""
    starts = sorted(p.x0 for row in rows for p in row if cjk.row_label(p.text) and
                    cjk.row_label(p.text)[0] == "item")
    groups: list[list[float]] = []
    for x in starts:
        if groups and x - groups[-1][-1] <= SNAP:
            groups[-1].append(x)
        else:
            groups.append([x])
    groups = [g for g in groups if len(g) >= MIN_SUPPORT]
    if len(groups) != 2:
        return []
    x = min(groups[1]) - 1.0
    return [(x, len(groups[1]))] if 0 < x < width else []


def column_bounds(rows: list[list[_Piece]], strong: list[float], width: float, em: float,
                  body: list[_Piece] | None = None, extra: list[_Piece] | None = None,
                  min_gutter: float | None = None) -> list[float]:
    """Column boundaries [0, b1, …, width] (table-relative) from gap support
    and the strong evidence (rule ends, shading edges).  A gap boundary
    within an em of a strong one is that boundary; a column that no piece of
    text falls in alone is no column (a shoulder of the gap beside a wide
    value), so the weaker of its two boundaries goes."""
    inner: list[tuple[float, float]] = []        # (x, strength)
    for x in sorted(x for x in strong if SNAP < x < width - SNAP):
        if not inner or x - inner[-1][0] > SNAP:
            inner.append((x, float("inf")))
    support = _gap_support(rows, width)
    cover = _coverage([p for row in rows for p in row], width)
    for peak in _peaks(support):
        x = _settle_peak(support, cover, peak)
        if all(abs(x - s) > em for s, _ in inner):
            inner.append((x, float(peak[1])))
    for x, h in _gutters(support, cover, em if min_gutter is None else min_gutter):
        if all(abs(x - s) > em for s, _ in inner):
            inner.append((x, float(h)))
    for x, h in _label_starts(rows, width):
        if all(abs(x - s) > em for s, _ in inner):
            inner.append((x, float(h)))
    inner.sort()
    pieces = [p for row in rows for p in row] + (extra or [])
    own = body if body is not None else pieces
    while True:
        bounds = [0.0] + [x for x, _ in inner] + [width]
        alone = [0] * (len(bounds) - 1)
        for p in pieces:
            _assign(p, bounds)
        for p in own:
            if p.c1 == p.c0 + 1:
                alone[p.c0] += 1
        empty = [k for k, n in enumerate(alone) if n == 0]
        drop = None
        for k in empty:
            cands = [i for i in (k - 1, k) if 0 <= i < len(inner)]     # inner[i] is bounds[i + 1]
            weak = [i for i in cands if inner[i][1] != float("inf")]
            if weak:
                drop = min(weak, key=lambda i: inner[i][1])
                break
        if drop is None:
            return bounds
        inner.pop(drop)


# --------------------------------------------------------------------------
# one page of a table
# --------------------------------------------------------------------------


@dataclass(slots=True)
class _Page:
    region: Region
    pieces: list[_Piece]
    origin: float
    head_bottom: float | None = None      # y of the header's bottom, when it has one
    shaded: list[tuple[float, float, float, float, str]] = field(default_factory=list)
    fixed_pitch: bool = False             # lines of a text (one pitch apart: see _fixed_rows)

    def full_rules(self) -> list[float]:
        w = self.region.x1 - self.region.x0
        out = []
        for y, a, b in zip(self.region.rules, self._x0s(), self._x1s()):
            if a - self.origin <= SNAP and b - self.origin >= w - SNAP:
                out.append(y)
        return sorted(out)

    def partial_rules(self) -> list[tuple[float, float, float]]:
        w = self.region.x1 - self.region.x0
        out = []
        for y, a, b in zip(self.region.rules, self._x0s(), self._x1s()):
            if not (a - self.origin <= SNAP and b - self.origin >= w - SNAP):
                out.append((y, a - self.origin, b - self.origin))
        return out

    def _x0s(self) -> list[float]:
        r = self.region
        return r.rule_x0 if len(r.rule_x0) == len(r.rules) else [r.x0] * len(r.rules)

    def _x1s(self) -> list[float]:
        r = self.region
        return r.rule_x1 if len(r.rule_x1) == len(r.rules) else [r.x1] * len(r.rules)


def _is_body_row(row: list[_Piece]) -> bool:
    return any(row_label_start(p.text) or p.typed for p in row)


def _header_bottom(page: _Page, first: bool) -> float | None:
    """Bottom of the header zone: the shaded header cells, else (first page)
    the zones above the first zone holding a body row."""
    if page.shaded:
        return max(b for _, _, _, b, _ in page.shaded)
    if not first:
        return None
    rules = page.full_rules()
    if len(rules) < 2:
        # no rule under the header: the lines above the first body row
        lines = _baselines(page.pieces)
        for k, line in enumerate(lines):
            if _is_body_row(line):
                if k == 0:
                    return None
                return (max(p.bottom for p in lines[k - 1]) + min(p.top for p in line)) / 2
        return None
    bottom = None
    for a, b in zip(rules, rules[1:]):
        inside = [p for p in page.pieces if a < (p.top + p.bottom) / 2 < b]
        if not inside:
            continue
        if any(_is_body_row(r) for r in _baselines(inside)):
            break
        bottom = b
    return bottom


def _pitch(pages: list[_Page], bounds: list[float]) -> float:
    """Line pitch inside a cell: the smallest distance (to half a point)
    between consecutive lines of one column that occurs at least twice.

    On a page (not a text's table, whose lines are all one pitch apart)
    that distance must be below the row pitch — the smallest distance
    between consecutive values (numbers, ``—``, 预期性) of one column, which
    are always two rows: a table whose cells never wrap shows only its row
    pitch, and a name line at the row pitch is then the next row's, not the
    name above continued."""
    dists: dict[float, int] = {}
    rows: dict[float, int] = {}
    em = 10.0
    for pg in pages:
        by_col: dict[int, list[_Piece]] = {}
        for p in pg.pieces:
            by_col.setdefault(p.c0, []).append(p)
            em = p.em
        for ps in by_col.values():
            ps.sort(key=lambda p: p.top)
            for a, b in zip(ps, ps[1:]):
                d = round((b.top - a.top) * 2) / 2
                if 0.9 * a.em <= d < 1.9 * a.em:
                    dists[d] = dists.get(d, 0) + 1
                    if a.typed and b.typed and a.c1 == b.c1:
                        rows[d] = rows.get(d, 0) + 1
    twice = sorted(d for d, n in dists.items() if n >= 2)
    row = min((d for d, n in rows.items() if n >= 2), default=None)
    if row is None or all(pg.fixed_pitch for pg in pages):
        return twice[0] if twice else DEFAULT_PITCH_EM * em
    tol = PITCH_TOL_EM * em
    below = [d for d in twice if d < row - tol]
    return below[0] if below else min(DEFAULT_PITCH_EM * em, row - 2 * tol)


# --------------------------------------------------------------------------
# header
# --------------------------------------------------------------------------


def _header_cells(page: _Page, pieces: list[_Piece], bounds: list[float], used: set[int]) -> tuple[list[PlacedCell], int]:
    """Header cells of one page (fragment rows 0 .. n-1) and their number of rows."""
    page_no = page.region.page
    if page.shaded:
        boxes = []
        for x0, top, x1, bottom, _ in page.shaded:
            c0 = min(range(len(bounds)), key=lambda i: abs(bounds[i] - x0))
            c1 = min(range(len(bounds)), key=lambda i: abs(bounds[i] - x1))
            if c1 <= c0:
                continue
            inside = [p for p in pieces if x0 - 1 <= (p.x0 + p.x1) / 2 <= x1 + 1 and top - 1 <= (p.top + p.bottom) / 2
                      <= bottom + 1]
            boxes.append((top, bottom, c0, c1, inside))
        blocks = [(_Block(ps or [], c0, c1), top, bottom) for top, bottom, c0, c1, ps in boxes]
        placed = {id(p) for _, _, _, _, ps in boxes for p in ps}
        rest = [p for p in pieces if id(p) not in placed]
        blocks += _header_blocks(rest, bounds, page.fixed_pitch)
    else:
        blocks = _header_blocks(pieces, bounds, page.fixed_pitch)
    # a line above all the other header cells is the table's title: one cell
    # across the table, whatever columns its centred text happens to cover
    n_cols = len(bounds) - 1
    above = [b for b in blocks if all(b[2] < o[1] for o in blocks if o is not b)]
    if len(above) == 1 and len(blocks) >= 3:
        above[0][0].c0, above[0][0].c1 = 0, n_cols
    if page.fixed_pitch:
        # a text prints a header cell merged over two columns at one place
        # (指标 over a label column and the names): a column no header cell
        # covers belongs to the cell on its left
        title = above[0][0] if len(above) == 1 and len(blocks) >= 3 else None
        for k in range(1, n_cols):
            if not any(b.c0 <= k < b.c1 for b, _, _ in blocks if b is not title):
                left = [b for b, _, _ in blocks if b is not title and b.c1 == k]
                if left:
                    max(left, key=lambda b: b.c1 - b.c0).c1 = k + 1
    # levels: a block lies under every block above it whose columns contain its own
    blocks.sort(key=lambda b: (b[1], b[0].c0))
    level: dict[int, int] = {}
    for i, (b, top, _bottom) in enumerate(blocks):
        above = [level[j] for j, (o, otop, obottom) in enumerate(blocks[:i])
                 if o.c0 <= b.c0 and b.c1 <= o.c1 and (o.c0, o.c1) != (b.c0, b.c1) and obottom <= top + 1]
        level[i] = 1 + max(above) if above else 0
    n = 1 + max(level.values(), default=0)
    cells = []
    for i, (b, _top, _bottom) in enumerate(blocks):
        below = any(level[j] > level[i] and b.c0 <= o.c0 and o.c1 <= b.c1 for j, (o, _, _) in enumerate(blocks))
        span = 1 if below else n - level[i]
        texts = [p.text for p in sorted(b.pieces, key=lambda p: (round(p.top, 1), p.x0))]
        orders = []
        for p in b.pieces:
            used.add(p.line.order)
            if p.line.order not in orders:
                orders.append(p.line.order)
        cells.append(PlacedCell(level[i], b.c0, span, b.c1 - b.c0, texts, orders, page_no))
    return cells, n


def _centre_ranges(row: list[_Piece], bounds: list[float], slack: float = 0.0) -> None:
    """Header text is centred over its cell: widen each piece's column range
    (not into its neighbours' columns on the line) to the narrowest range
    whose centre is the piece's (to 0.6 em, plus ``slack``: a text's table
    places text to a column, not to a point)."""
    row = sorted(row, key=lambda p: p.x0)
    n = len(bounds) - 1
    for i, p in enumerate(row):
        lo = row[i - 1].c1 if i > 0 else 0
        hi = row[i + 1].c0 if i + 1 < len(row) else n
        mid = (p.x0 + p.x1) / 2
        cands = [(a, b) for a in range(lo, p.c0 + 1) for b in range(p.c1, hi + 1)]
        cands.sort(key=lambda ab: (ab[1] - ab[0], abs((bounds[ab[0]] + bounds[ab[1]]) / 2 - mid)))
        for a, b in cands:
            if abs((bounds[a] + bounds[b]) / 2 - mid) <= 0.6 * p.em + slack:
                p.c0, p.c1 = a, b
                break


def _header_blocks(pieces: list[_Piece], bounds: list[float] | None = None,
                   fixed_pitch: bool = False) -> list[tuple[_Block, float, float]]:
    """Header pieces → cells: pieces over the same columns on consecutive
    lines are one (wrapped) header cell.

    In a text's table (``fixed_pitch``) every line of the header is a line of
    its own, so the lines of centred cells of different heights interleave
    (``序`` / ``指标`` / ``号``; ``五年年`` / ``2020 年`` / ``均增长``).  There
    a piece continues the nearest cell above it in its columns when it lies
    in the same columns, or when it does not start a header term (``值``
    under ``“十三五”规划目标``, ``均增长``, ``性``: cjk.HEADER_CELL_START);
    otherwise it is a cell of its own (``2020 年`` under its group)."""
    out: list[tuple[_Block, float, float]] = []
    for row in _baselines(pieces):
        if bounds is not None:
            # a text's column is 1/EM em: its positions are off by up to one
            # column at each end
            _centre_ranges(row, bounds, 2.0 if fixed_pitch else 0.0)
        for p in row:
            if fixed_pitch:
                above = [k for k, (o, _, _) in enumerate(out) if o.c0 < p.c1 and p.c0 < o.c1]
                if above:
                    k = max(above, key=lambda k: (out[k][0].last.top, k))
                    b, top, _ = out[k]
                    if (b.c0, b.c1) == (p.c0, p.c1) or \
                            not cjk.HEADER_CELL_START.match(cjk.strip_all_space(p.text)):
                        b.add(p)
                        out[k] = (b, top, p.bottom)
                        continue
                out.append((_Block([p], p.c0, p.c1), p.top, p.bottom))
                continue
            for b, top, bottom in reversed(out):
                if (b.c0, b.c1) == (p.c0, p.c1) and p.top - b.last.bottom < 1.0 * p.em:
                    b.add(p)
                    out[out.index((b, top, bottom))] = (b, top, p.bottom)
                    break
            else:
                out.append((_Block([p], p.c0, p.c1), p.top, p.bottom))
    return out


# --------------------------------------------------------------------------
# body
# --------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    top: float
    bottom: float
    keyed: bool = False
    category: bool = False
    blocks: list[_Block] = field(default_factory=list)
    occupies: set[int] = field(default_factory=set)     # label columns a piece of the row covers
    key: _Piece | None = None                          # the row label's piece

    def block_at(self, p: _Piece) -> _Block | None:
        """The cell of this row over most of the piece's columns."""
        best, ov = None, 0
        for b in self.blocks:
            o = min(b.c1, p.c1) - max(b.c0, p.c0)
            if o > ov:
                best, ov = b, o
        return best

    def take(self, p: _Piece, block: _Block | None = None) -> None:
        if block is None:
            self.blocks.append(_Block([p], p.c0, p.c1))
        else:
            block.add(p)
        self.top, self.bottom = min(self.top, p.top), max(self.bottom, p.bottom)


class _Sweep:
    """Rows of one zone from its baselines, top to bottom (see the module
    docstring)."""

    def __init__(self, n_cols: int, key_cols: set[int], label_cols: set[int], labelled: bool, pitch: float):
        self.n_cols, self.key_cols, self.label_cols = n_cols, key_cols, label_cols
        self.labelled, self.pitch = labelled, pitch
        self.rows: list[_Row] = []
        self.current: _Row | None = None     # the row of the last row label
        self.pending: _Row | None = None     # lines below it that open the next row
        self.labels: list[_Block] = []        # label-column cells (may span rows)
        self.open_label: dict[int, _Block] = {}
        self.labelled_last: set[int] = set()  # label columns with a label on the previous line

    def _follows(self, b: _Block, p: _Piece) -> bool:
        """``p`` is the next line of cell ``b``: in its columns, at its line
        pitch, and ``b`` is still open text (a wrapped cell may end in a
        number: ``…年均增长`` / ``7.4%``)."""
        if p.c0 >= b.c1 or p.c1 <= b.c0:
            return False
        last = b.last
        if abs(p.top - last.top) < 0.5 * p.em and p.x0 >= last.x1 - 1:
            return True         # further along the same line, in the same columns
        if row_label_start(p.text) and self._is_key(p):
            return False
        if cjk.cell_type(b.text) != "text" and \
                (p.typed or cjk.cell_type(b.text + cjk.strip_all_space(p.text)) == "text"):
            return False        # a complete value, unless the line completes it (控制在3.0 / 以内)
        return 0 < p.top - last.top <= self.pitch + PITCH_TOL_EM * p.em

    def _is_key(self, p: _Piece) -> bool:
        return p.c0 in self.key_cols and not (p.c0 in self.label_cols and p.c1 == p.c0 + 1)

    def _is_label(self, p: _Piece) -> bool:
        if p.c0 not in self.label_cols or p.c1 != p.c0 + 1 or p.typed or row_label_start(p.text):
            return False
        # a name wrapped into the label column is the name's, not a label
        for row in (self.pending, self.current):
            b = row.block_at(p) if row is not None else None
            if b is not None and b.c1 > p.c1 and self._follows(b, p):
                return False
        return True

    def _new_row(self, top: float, bottom: float) -> _Row:
        r = _Row(top, bottom)
        self.rows.append(r)
        return r

    def force_break(self) -> None:
        """A partial rule: the next line starts a new row (label columns go on)."""
        self.current = None
        self.pending = None

    def feed(self, line: list[_Piece]) -> None:
        top = min(p.top for p in line)
        bottom = max(p.bottom for p in line)
        labels = [p for p in line if self._is_label(p)]
        ids = {id(p) for p in labels}
        rest = [p for p in line if id(p) not in ids]
        for p in rest:
            for k in self.label_cols:
                if p.c0 <= k < p.c1:
                    self.open_label.pop(k, None)
        if len(rest) == 1 and not labels and self._category(rest[0]):
            r = self._new_row(top, bottom)
            r.category = r.keyed = True
            r.blocks.append(_Block([rest[0]], 0, self.n_cols))
            r.occupies = set(self.label_cols)
            self.current = self.pending = None
            self.open_label = {}
            self.labelled_last = set()
            return
        key = [p for p in rest if self._is_key(p)]
        if self.labelled:
            # the piece with the row label (a key column may hold other text)
            key = [p for p in key if row_label_start(p.text)][:1] or key
        starts = bool(key) and ((self.labelled and row_label_start(key[0].text)) or
                                (not self.labelled and not self._continues(key[0])))
        if starts:
            pend = self.pending
            # lines just above the label, its last one a line pitch above it
            # (a centred row prints its first lines there), are this row's
            last_top = max((b.last.top for b in pend.blocks), default=-1e9) if pend is not None else -1e9
            row = pend if pend is not None and top - last_top <= self.pitch + PITCH_TOL_EM * key[0].em else None
            if row is None:
                row = self._new_row(top, bottom)
            self.pending = None
            row.keyed = True
            row.key = key[0]
            row.take(key[0])
            self.current = row
            rest = [p for p in rest if p is not key[0]]
        for p in sorted(rest, key=lambda p: p.x0):
            self._place(p)
        row = self.current if self.current is not None else self.pending
        for p in rest + key[:1]:
            if row is not None:
                row.occupies.update(k for k in self.label_cols if p.c0 <= k < p.c1)
        for p in labels:
            self._label(p)
        self.labelled_last = {p.c0 for p in labels}

    def _category(self, p: _Piece) -> bool:
        lab = cjk.row_label(p.text)
        if not (lab and lab[0] in ("cat", "sub") and cjk.cell_type(lab[3]) == "text"):
            return False
        return not (self.pending is not None and self.pending.block_at(p) is not None
                    and self._follows(self.pending.block_at(p), p))

    def _continues(self, p: _Piece) -> bool:
        for row in (self.pending, self.current):
            b = row.block_at(p) if row is not None else None
            if b is not None and self._follows(b, p):
                return True
        return False

    def _place(self, p: _Piece) -> None:
        for row in (self.pending, self.current):
            if row is None or row.category:
                continue
            b = row.block_at(p)
            if b is not None and self._follows(b, p):
                row.take(p, b)
                return
        cur = self.current
        if cur is not None and self.pending is None and cur.block_at(p) is None and \
                p.top <= cur.bottom + PITCH_TOL_EM * p.em:
            cur.take(p)
            return
        # the next row's first lines (or a row without a label)
        if self.pending is None or self.pending.block_at(p) is not None:
            self.pending = self._new_row(p.top, p.bottom)
        self.pending.take(p)

    def _label(self, p: _Piece) -> None:
        b = self.open_label.get(p.c0)
        if b is not None and (p.c0 in self.labelled_last or p.top - b.last.top <= self.pitch + PITCH_TOL_EM * p.em):
            b.add(p)
        else:
            b = _Block([p], p.c0, p.c1)
            self.labels.append(b)
            self.open_label[p.c0] = b

    def settle(self) -> list[_Row]:
        """The rows, once the zone is read: a cell that began above its row's
        label stays with the row only if it is centred on the label (as a
        vertically centred row prints it); otherwise it is the end of the row
        before (cut by a page break at the top of a page) and becomes a row of
        its own."""
        out: list[_Row] = []
        for row in self.rows:
            k = row.key
            if k is not None and not row.category:
                mid = (k.top + k.bottom) / 2
                off = [b for b in row.blocks if b.pieces[0].bottom < k.top and
                       abs((b.pieces[0].top + b.last.bottom) / 2 - mid) > 0.5 * self.pitch]
                if off:
                    lone = _Row(min(b.pieces[0].top for b in off), max(b.last.bottom for b in off))
                    lone.blocks = off
                    row.blocks = [b for b in row.blocks if b not in off]
                    out.append(lone)
            out.append(row)
        return [row for row in out if row.blocks]


def _label_rows(rows: list[_Row], b: _Block) -> list[_Row]:
    """Rows beside a label cell: those its lines overlap (else the nearest),
    and the rows between them; never a row whose own text covers the column."""
    hit: list[int] = []
    for p in b.pieces:
        cands = [k for k, r in enumerate(rows) if not r.category and b.c0 not in r.occupies]
        if not cands:
            continue
        over = [k for k in cands if min(rows[k].bottom, p.bottom) - max(rows[k].top, p.top) > 0]
        if over:
            hit += over
        else:
            mid = (p.top + p.bottom) / 2
            hit.append(min(cands, key=lambda k: min(abs(rows[k].top - mid), abs(rows[k].bottom - mid))))
    if not hit:
        return []
    lo, hi = min(hit), max(hit)
    return [rows[k] for k in range(lo, hi + 1)]


def _zones(page: _Page) -> list[tuple[float, float]]:
    """Vertical zones between the full-width rules (from the header's bottom down)."""
    ys = [y for y in page.full_rules() if page.head_bottom is None or y > page.head_bottom + 1]
    start = page.head_bottom if page.head_bottom is not None else -1e9
    out = []
    for y in ys + [1e9]:
        out.append((start, y))
        start = y
    return out


def _body_frag(page: _Page, body: list[_Piece], frag: PageFragment, r0: int, n_cols: int, key_cols: set[int],
               label_cols: set[int], labelled: bool, pitch: float, used: set[int], centred: bool = False) -> None:
    """Body rows of one page appended to ``frag`` from row ``r0`` (``centred``:
    a text's table whose rows are printed centred, :func:`_fixed_centred`)."""
    r = r0
    partial = page.partial_rules()
    for ztop, zbottom in _zones(page):
        zone = [p for p in body if ztop < (p.top + p.bottom) / 2 < zbottom]
        if not zone:
            continue
        fixed = _fixed_rows(zone, n_cols, key_cols, label_cols, centred) if page.fixed_pitch else None
        if fixed is not None:
            rows, labels = fixed
        else:
            sw = _Sweep(n_cols, key_cols, label_cols, labelled, pitch)
            breaks = sorted(y for y, _, _ in partial if ztop < y < zbottom)
            for line in _baselines(zone):
                y = min(p.top for p in line)
                while breaks and breaks[0] < y:
                    breaks.pop(0)
                    sw.force_break()
                sw.feed(line)
            rows, labels = sw.settle(), sw.labels
        if frag.first_keyed is None and rows:
            frag.first_keyed = rows[0].keyed
        for row in rows:
            _widen(row)
        index = {id(row): r + k for k, row in enumerate(rows)}
        for row in rows:
            for b in row.blocks:
                frag.cells.append(_cell(b, index[id(row)], 1, page.region.page, used))
        # a text's table places lines to a pitch, not to a point: labels are
        # centred on their rows to a line
        spans = _label_spans(rows, labels, pitch if fixed is not None else 1.0)
        for b in labels:
            rs = [index[id(x)] for x in spans.get(id(b), [])]
            if rs:
                frag.cells.append(_cell(b, rs[0], rs[-1] - rs[0] + 1, page.region.page, used))
            else:
                frag.cells.append(_cell(b, r + len(rows), 1, page.region.page, used))
                rows.append(_Row(b.pieces[0].top, b.pieces[-1].bottom))
        r += len(rows)
    frag.n_rows = r


#: A line of a text's table holding this many complete values (numbers, —,
#: 预期性 …) is a row's spine: the line its one-line cells are printed on.
SPINE_VALUES = 2


@dataclass(slots=True)
class _FixedZone:
    """A zone of a text's table read into lines (see :func:`_fixed_rows`)."""

    lines: list[list[_Piece]]
    kinds: list[str]                       # per line: "spine" | "category" | "float"
    cols: list[dict[int, list[_Piece]]]    # per line: its non-label pieces by start column
    groups: list[list[int]]                # lines between category lines
    labels: list[tuple[int, _Piece]]       # (line, piece) in a label column

    def centred_evidence(self) -> bool:
        """A spine with no text in a column that has text below it before
        the next spine: the rows can only be printed centred."""
        for g in self.groups:
            sp = [i for i in g if self.kinds[i] == "spine"]
            for a, b in zip(sp, sp[1:] + [None]):
                after = [i for i in g if i > a and (b is None or i < b)]
                if any(c not in self.cols[a] for i in after for c in self.cols[i]):
                    return True
        return False


def _fixed_zone(zone: list[_Piece], n_cols: int, key_cols: set[int], label_cols: set[int]) -> _FixedZone | None:
    """The lines of a zone of a text's table, what each is, its pieces by
    column; None when no line is a spine."""
    lines = _baselines(zone)
    # A short piece in a label column right under a name printed from that
    # column (``5.每万人口发明专利拥有量`` / ``（件）``), on a line that opens
    # no row of its own, is the name's next line, not a label: a label column
    # holds labels only beside rows whose names start in the column after it.
    continued: set[int] = set()
    under_name: dict[int, bool] = {}
    for line in lines:
        if len(line) == 1 and _category_piece(line[0]):
            under_name = {}
            continue
        named = any(not p.typed and row_label_start(p.text) for p in line)
        for p in line:
            if not p.typed and row_label_start(p.text):
                for k in label_cols:
                    if k < p.c0:
                        under_name[k] = False    # names now start right of k
            if p.c0 not in label_cols:
                continue
            if row_label_start(p.text):
                under_name[p.c0] = True
            elif p.c1 == p.c0 + 1 and not p.typed:
                if under_name.get(p.c0) and not named:
                    continued.add(id(p))
                else:
                    under_name[p.c0] = False

    def is_label(p: _Piece) -> bool:
        return p.c0 in label_cols and p.c1 == p.c0 + 1 and not p.typed and not row_label_start(p.text) \
            and id(p) not in continued

    kinds: list[str] = []
    for line in lines:
        rest = [p for p in line if not is_label(p)]
        if len(rest) == 1 and len(line) == 1 and _category_piece(rest[0]):
            kinds.append("category")
        elif sum(1 for p in rest if p.typed) >= SPINE_VALUES:
            kinds.append("spine")
        else:
            kinds.append("float")
    if "spine" not in kinds:
        return None
    cols: list[dict[int, list[_Piece]]] = []
    labels: list[tuple[int, _Piece]] = []
    for i, line in enumerate(lines):
        d: dict[int, list[_Piece]] = {}
        if len(line) > 1 and line[0].c0 in key_cols and row_label_start(line[0].text) and \
                line[1].c0 == line[0].c0 and line[0].c0 + 1 < n_cols:
            # a row label is a cell of its own: the text a space after it
            # (20 能源综合生产能力) starts the next column
            line[1].c0 = line[0].c0 + 1
            line[1].c1 = max(line[1].c1, line[1].c0 + 1)
        for p in line:
            if is_label(p):
                labels.append((i, p))
            else:
                d.setdefault(p.c0, []).append(p)
        cols.append(d)
    groups: list[list[int]] = [[]]
    for i, k in enumerate(kinds):
        if k == "category":
            groups.append([])
        else:
            groups[-1].append(i)
    return _FixedZone(lines, kinds, cols, groups, labels)


def _fixed_rows(zone: list[_Piece], n_cols: int, key_cols: set[int], label_cols: set[int],
                centred: bool) -> tuple[list[_Row], list[_Block]] | None:
    """Rows of a zone of a text's table, where every line is one pitch from
    the next, so spacing cannot tell a cell's next line from the next row's
    first line.  What does tell them apart is how a row is printed: its
    one-line cells share one line (the row's *spine*: a line with
    SPINE_VALUES complete values or more), and a taller cell is either
    printed from the top (its first line on the spine, the rest below it) or
    centred on the spine (as many lines above it as below).  A spine with no
    text in a column that has text below it before the next spine can only be
    centred; then the lines between two spines are shared out, column by
    column, so that each cell is best centred (:func:`_centred_split`).
    Otherwise a line belongs to the spine above it.  Lines above the first
    spine of a page that no centring explains, and lines below its last one,
    are rows of their own (the parts of rows cut by a page break, joined by
    :func:`pipeline.tables.grid.stack_fragments`).  None when the zone has no
    spine (a table of text: the sweep reads it)."""
    fz = _fixed_zone(zone, n_cols, key_cols, label_cols)
    if fz is None:
        return None
    lines, kinds, cols, groups = fz.lines, fz.kinds, fz.cols, fz.groups
    owner: dict[tuple[int, int], int | str] = {}    # (line, column) → spine line, or "top"/"bottom"
    nonempty = [g for g in groups if any(kinds[i] == "spine" for i in g)]
    for gi, g in enumerate(groups):
        sp = [i for i in g if kinds[i] == "spine"]
        if not sp:
            for i in g:                        # no spine: the lines are a row of their own
                for c in cols[i]:
                    owner[(i, c)] = "top" if not nonempty or g is not nonempty[-1] and gi == 0 else "bottom"
            continue
        first, last = g is nonempty[0] and gi == groups.index(nonempty[0]), g is nonempty[-1]
        for c in sorted({c for i in g for c in cols[i]}):
            on = [c in cols[i] for i in sp]
            gaps = [[i for i in g if kinds[i] != "spine" and c in cols[i] and
                     (k == 0 or i > sp[k - 1]) and (k == len(sp) or i < sp[k])] for k in range(len(sp) + 1)]
            cap = _label_caps(gaps, sp, cols, c) if c in key_cols else None
            if centred:
                split = _centred_split([len(x) for x in gaps], on, first, last, cap)
            else:
                split = [0] + [len(x) for x in gaps[1:]]       # top-aligned: every line to the spine above
                split[0] = 0 if first else len(gaps[0])
                if cap is not None:
                    split = [max(split[0], cap[0])] + [min(s, m) for s, m in zip(split[1:], cap[1:])]
            # split[0]: lines of the top gap given to the first spine (the
            # last ones); split[k]: lines of gap k given to spine k-1 (the
            # first ones), the rest to spine k
            top_gap = gaps[0]
            for j, i in enumerate(top_gap):
                owner[(i, c)] = sp[0] if j >= len(top_gap) - split[0] else "top"
            for k in range(1, len(sp) + 1):
                gap = gaps[k]
                for j, i in enumerate(gap):
                    if j < split[k]:
                        owner[(i, c)] = sp[k - 1]
                    else:
                        owner[(i, c)] = sp[k] if k < len(sp) else "bottom"
            for i in sp:
                if c in cols[i]:
                    owner[(i, c)] = i
    rows: list[_Row] = []
    by_owner: dict[int | str, dict[int, list[_Piece]]] = {}
    for (i, c), o in sorted(owner.items(), key=lambda kv: kv[0]):
        by_owner.setdefault(o, {}).setdefault(c, []).extend(cols[i][c])

    def make(blocks: dict[int, list[_Piece]], keyed: bool) -> _Row:
        ps = [p for b in blocks.values() for p in b]
        r = _Row(min(p.top for p in ps), max(p.bottom for p in ps), keyed=keyed)
        for c in sorted(blocks):
            b = sorted(blocks[c], key=lambda p: (p.top, p.x0))
            r.blocks.append(_Block(b, c, max(p.c1 for p in b)))
            r.occupies.update(k for k in label_cols for p in b if p.c0 <= k < p.c1)
            for p in b:
                if r.key is None and p.c0 in key_cols and row_label_start(p.text):
                    r.key = p
        return r

    if "top" in by_owner:
        rows.append(make(by_owner["top"], False))
    for i, k in enumerate(kinds):
        if k == "category":
            p = lines[i][0]
            r = _Row(p.top, p.bottom, keyed=True, category=True)
            r.blocks.append(_Block([p], 0, n_cols))
            r.occupies = set(label_cols)
            rows.append(r)
        elif k == "spine" and i in by_owner:
            rows.append(make(by_owner[i], True))
    if "bottom" in by_owner:
        rows.append(make(by_owner["bottom"], False))
    # label-column cells: a column's labels on lines with nothing else over
    # that column between them, at most a line apart (a label's lines are
    # printed together, centred on its rows), are one cell (森林 / 发展)
    labels: list[_Block] = []
    open_label: dict[int, tuple[_Block, int]] = {}
    label_ids = {id(p) for _, p in fz.labels}
    for i, line in enumerate(lines):
        if kinds[i] == "category":
            open_label = {}
            continue
        for p in line:
            if id(p) in label_ids:
                b, last = open_label.get(p.c0, (None, -9))
                if b is not None and i - last <= 2:
                    b.add(p)
                else:
                    b = _Block([p], p.c0, p.c1)
                    labels.append(b)
                open_label[p.c0] = (b, i)
            else:
                for k in list(open_label):
                    if p.c0 <= k < p.c1:
                        del open_label[k]
    return rows, labels


def _fixed_centred(pages: list[_Page], n_cols: int, key_cols: set[int], label_cols: set[int]) -> bool:
    """Whether a text's table prints its rows centred: decided for the whole
    table, since a page may hold a row or two that show nothing either way
    (see :func:`_fixed_rows`)."""
    for pg in pages:
        body = [p for p in pg.pieces if pg.head_bottom is None or (p.top + p.bottom) / 2 > pg.head_bottom]
        for ztop, zbottom in _zones(pg):
            zone = [p for p in body if ztop < (p.top + p.bottom) / 2 < zbottom]
            fz = _fixed_zone(zone, n_cols, key_cols, label_cols) if zone else None
            if fz is not None and fz.centred_evidence():
                return True
    return False


def _label_caps(gaps: list[list[int]], sp: list[int], cols: list[dict[int, list[_Piece]]], c: int) -> list[int]:
    """Bounds on how a key column's lines between spines are shared out: a
    line that opens with a row label (``14.高中阶段教育毛入学率``) starts the
    name of the row below it, never continues the name above — the row
    label sequence outranks centring.  ``cap[0]``: the fewest lines of the top
    gap the first spine takes; ``cap[k]``: the most lines of gap k the spine
    above takes.  No bound where the receiving spine has a label of its own
    (the labelled line is then a row without values, read as it falls)."""

    def labelled(i: int) -> bool:
        return any(not p.typed and row_label_start(p.text) for p in cols[i].get(c, ()))

    cap = [0] + [len(g) for g in gaps[1:]]
    for k, gap in enumerate(gaps):
        if k < len(sp) and labelled(sp[k]):
            continue
        j = next((j for j, i in enumerate(gap) if labelled(i)), None)
        if j is None:
            continue
        if k == 0:
            cap[0] = len(gap) - j
        else:
            cap[k] = j
    return cap


def _centred_split(gaps: list[int], on: list[bool], first: bool, last: bool,
                   cap: list[int] | None = None) -> list[int]:
    """How the lines of one column between spines are shared out so that
    each cell is best centred on its spine (see :func:`_fixed_rows`).

    ``gaps[0]`` lines lie above the first spine, ``gaps[k]`` between spine
    k-1 and spine k, ``gaps[-1]`` below the last; ``on[k]``: spine k has a
    line of its own in the column.  Returns ``split`` with ``split[0]`` the
    lines of the top gap that belong to the first spine (the rest, above,
    are a row cut by the page break when ``first``) and ``split[k]`` the
    lines of gap k that belong to spine k-1 (the rest to spine k, or below
    the last spine a row cut by the page break when ``last``).  Least total
    imbalance (lines above a spine minus lines below it), then fewest lines
    cut off, then lines kept with the spine above (a dynamic programme along
    the spines).  ``cap`` (:func:`_label_caps`) bounds the choices: at
    least ``cap[0]`` lines of the top gap and at most ``cap[k]`` of gap k go
    to the spine above."""
    n = len(on)
    if cap is None:
        cap = [0] + list(gaps[1:])
    # state: lines above spine k → (cost, choices)
    tops = range(min(cap[0], gaps[0]), gaps[0] + 1) if first else [gaps[0]]
    states: dict[int, tuple[tuple[int, int, int], list[int]]] = {}
    for a in tops:
        cost = (0, gaps[0] - a, 0)
        if a not in states or cost < states[a][0]:
            states[a] = (cost, [a])
    for k in range(1, n):
        nxt: dict[int, tuple[tuple[int, int, int], list[int]]] = {}
        for a, (cost, ch) in sorted(states.items()):
            for s in range(min(gaps[k], cap[k]) + 1):
                c = (cost[0] + abs(a - s), cost[1], cost[2] + (gaps[k] - s))
                a2 = gaps[k] - s
                if a2 not in nxt or c < nxt[a2][0]:
                    nxt[a2] = (c, ch + [s])
        states = nxt
    best = None
    for a, (cost, ch) in sorted(states.items()):
        ends = range(min(gaps[n], cap[n]) + 1) if last else [gaps[n]]
        for s in ends:
            c = (cost[0] + abs(a - s), cost[1] + gaps[n] - s, cost[2])
            if best is None or c < best[0]:
                best = (c, ch + [s])
    assert best is not None
    return best[1]


def _label_spans(rows: list[_Row], labels: list[_Block], unit: float = 1.0) -> dict[int, list[_Row]]:
    """Rows beside each label cell.  A label is printed centred on the rows
    it names.  In each run of rows whose label column is empty (no name runs
    across it), the labels share the rows out in order, each taking the rows
    its lines touch and as many around them as make it best centred (the
    sum of the labels' offsets from the middle of their rows is least).
    Rows of a continuation page above its first label's rows are left to the
    label of the page before (see ``grid.stack_fragments``)."""
    out: dict[int, list[_Row]] = {}
    pos = {id(r): k for k, r in enumerate(rows)}
    for b in labels:
        out[id(b)] = _label_rows(rows, b)
    by_col: dict[int, list[_Block]] = {}
    for b in labels:
        if out[id(b)]:
            by_col.setdefault(b.c0, []).append(b)
    for col, bs in by_col.items():
        free = [not r.category and col not in r.occupies for r in rows]
        for run in _runs(free):
            inside = sorted((b for b in bs if out[id(b)] and all(pos[id(x)] in run for x in out[id(b)])),
                            key=lambda b: b.pieces[0].top)
            if not inside:
                continue
            spans = _centred_spans(rows, run, inside, [[pos[id(x)] for x in out[id(b)]] for b in inside], unit)
            for b, (a, z) in zip(inside, spans):
                out[id(b)] = rows[a:z + 1]
    return out


def _runs(flags: list[bool]) -> list[range]:
    out, k = [], 0
    while k < len(flags):
        if not flags[k]:
            k += 1
            continue
        j = k
        while j + 1 < len(flags) and flags[j + 1]:
            j += 1
        out.append(range(k, j + 1))
        k = j + 1
    return out


def _centred_spans(rows: list[_Row], run: range, labels: list[_Block], hits: list[list[int]],
                   unit: float = 1.0) -> list[tuple[int, int]]:
    """(first, last) row of each label in ``run``: consecutive, each holding
    the rows it touches, least total offset of the labels from the middle of
    their rows (dynamic programming over the label ends)."""
    mids = [(b.pieces[0].top + b.last.bottom) / 2 for b in labels]

    def err(i: int, a: int, z: int) -> float:
        # to the point; on a tie the span that leaves fewer rows unlabelled
        return round(abs((rows[a].top + rows[z].bottom) / 2 - mids[i]) / unit)

    n = len(labels)
    lo = [min(h) for h in hits]
    hi = [max(h) for h in hits]
    best: list[dict[int, tuple[float, int]]] = []     # per label: end → (cost, start)
    for i in range(n):
        cur: dict[int, tuple[float, int]] = {}
        last = (lo[i + 1] - 1) if i + 1 < n else run[-1]
        for e in range(hi[i], max(hi[i], last) + 1):
            if i == 0:
                starts = [(err(0, a, e) + 0.001 * (a - run[0]), a) for a in range(run[0], lo[0] + 1)]
                cur[e] = min(starts)
                continue
            opts = [(c + err(i, pe + 1, e), pe + 1) for pe, (c, _) in best[-1].items() if pe + 1 <= lo[i]]
            if opts:
                cur[e] = min(opts)
        best.append(cur)
    spans: list[tuple[int, int]] = []
    e = min(best[-1], key=lambda k: best[-1][k][0] + 0.001 * (run[-1] - k)) if best[-1] else hi[-1]
    for i in range(n - 1, -1, -1):
        _, a = best[i].get(e, (0.0, lo[i]))
        spans.append((a, e))
        e = a - 1
    return spans[::-1]


def _widen(row: _Row) -> None:
    """A text cell followed by empty columns runs on over them to the next
    cell of its row: without vertical rules nothing shows where it ends, and
    a word processor's merged cell (``信息基础设施`` across 类别, 内容 and 年限)
    is printed just so — the grid then reads as the ruled version does."""
    blocks = sorted(row.blocks, key=lambda b: b.c0)
    for a, b in zip(blocks, blocks[1:]):
        if b.c0 > a.c1 and cjk.cell_type(a.text) in ("text", "count"):
            a.c1 = b.c0


def _cell(b: _Block, row: int, span: int, page: int, used: set[int]) -> PlacedCell:
    texts: list[str] = []
    orders: list[int] = []
    # pieces of one line in one cell are one text (spaces as the line had them)
    by_line: dict[int, list[_Piece]] = {}
    for p in b.pieces:
        by_line.setdefault(p.line.order, []).append(p)
    for o, ps in sorted(by_line.items(), key=lambda kv: (round(kv[1][0].top, 1), kv[1][0].x0)):
        texts.append(" ".join(p.text for p in ps))
        orders.append(o)
        used.add(o)
    return PlacedCell(row, b.c0, span, b.c1 - b.c0, texts, orders, page)


# --------------------------------------------------------------------------
# the table
# --------------------------------------------------------------------------


def build_aligned_grid(table_id: str, lines: list[Line], regions: list[Region]) -> tuple[Grid, set[int]]:
    """Grid of a table without vertical rules from its regions (one per page)."""
    used: set[int] = set()
    pages: list[_Page] = []
    for rg in regions:
        geo = [ln for ln in lines if ln.region == rg.region_id and ln.x0 is not None and ln.top is not None]
        # x relative to the table's left edge where rules give it (pages of a
        # table may sit at different margins); a table without rules has no
        # edge of its own, so its page coordinates are used
        origin = rg.x0 if rg.rules else 0.0
        left = min(((ln.x0 or 0.0) - origin for ln in geo), default=None)
        pieces = [p for ln in geo for p in _split_line(ln, origin, left)]
        shaded = [(c.x0 - origin, c.top, c.x1 - origin, c.bottom, c.text) for c in rg.cells]
        # a space-aligned table of a text (extract.fixedwidth): every line is
        # one pitch from the next, so spacing shows nothing of the rows
        fixed = bool(geo) and all(ln.source_line is not None for ln in geo)
        pages.append(_Page(rg, pieces, origin, shaded=shaded, fixed_pitch=fixed))
    if not pages or not any(pg.pieces for pg in pages):
        return Grid(table_id, [], 0, 0, 0), used
    width = max(pg.region.x1 - pg.origin for pg in pages)
    em = _median([p.em for pg in pages for p in pg.pieces])
    for k, pg in enumerate(pages):
        pg.head_bottom = _header_bottom(pg, k == 0)
    first = pages[0]
    head_keys: list[str] = []
    if first.head_bottom is not None:
        # the header's text, and without its leading lines (a title row the
        # continuation pages do not repeat)
        lines = _baselines([p for p in first.pieces if (p.top + p.bottom) / 2 < first.head_bottom])
        for k in range(len(lines)):
            head_keys.append(cjk.strip_all_space("".join(p.text for ln in lines[k:] for p in ln)))
    for pg in pages[1:]:
        if pg.head_bottom is None and head_keys:
            # an unshaded continuation page: the lines that repeat the header
            taken: list[_Piece] = []
            for key in head_keys:
                taken, _ = _repeated_header(pg.pieces, key)
                if taken:
                    break
            if taken:
                bottom = max(p.bottom for p in taken)
                below = [y for y in pg.full_rules() if y >= bottom - 1]
                pg.head_bottom = min(below) if below and min(below) - bottom < max(p.em for p in taken) \
                    else bottom + 0.5
    body_all = [p for pg in pages for p in pg.pieces
                if pg.head_bottom is None or (p.top + p.bottom) / 2 > pg.head_bottom]
    # columns from every page at once, from the body's alignment (a header
    # cell's text is centred over its column, not aligned with it)
    rows = [row for pg in pages for row in _baselines(
        [p for p in pg.pieces if pg.head_bottom is None or (p.top + p.bottom) / 2 > pg.head_bottom])]
    strong = [x for pg in pages for _, a, b in pg.partial_rules() for x in (a, b)]
    strong += [x for pg in pages for x0, _, x1, _, _ in pg.shaded for x in (x0, x1)]
    body_ids = {id(p) for p in body_all}
    head_all = [p for pg in pages for p in pg.pieces if id(p) not in body_ids]
    extra = head_all
    if all(pg.fixed_pitch for pg in pages):
        # a text's table gives no extent finer than a column, so a phrase cell
        # (完成市下达任务), the cell a table merges across value columns, would
        # fill the gutter it crosses: its extent is no evidence against a
        # boundary there (its columns come from the boundaries all the same)
        phrases = {id(p) for p in body_all if cjk.cell_type(p.text) == "phrase"}
        rows = [[p for p in row if id(p) not in phrases] for row in rows]
        extra = head_all + [p for p in body_all if id(p) in phrases]
    # a gutter no text crosses parts columns from half an em on a page (two
    # cells' padding); in a text, whose words are a space apart, from an em
    fixed = all(pg.fixed_pitch for pg in pages)
    bounds = column_bounds(rows, strong, width, em, body_all, extra, min_gutter=em if fixed else em / 2)
    if not any(pg.region.rules for pg in pages):
        # no rule gives the table's left edge: its text does (a header cell
        # centred over the first column is centred between there and the
        # first boundary, not the page's edge)
        bounds[0] = max(0.0, min(pg.region.x0 - pg.origin for pg in pages))
    page_bounds = [bounds] * len(pages)
    if all(pg.fixed_pitch for pg in pages):
        page_bounds = _text_page_bounds(pages, bounds, width, em)
        for pg, b in zip(pages, page_bounds, strict=True):
            for p in pg.pieces:
                _assign(p, b)
            pg.pieces = _split_soft(pg.pieces, b)
        body_all = [p for pg in pages for p in pg.pieces
                    if pg.head_bottom is None or (p.top + p.bottom) / 2 > pg.head_bottom]
    n_cols = len(bounds) - 1
    pitch = _pitch(pages, bounds)
    key_cols, label_cols, labelled = _key_columns(body_all, n_cols)
    centred = _fixed_centred(pages, n_cols, key_cols, label_cols) if all(pg.fixed_pitch for pg in pages) else False
    frags: list[PageFragment] = []
    for pg in pages:
        frag = PageFragment(pg.region.page, 0)
        head = [p for p in pg.pieces if pg.head_bottom is not None and (p.top + p.bottom) / 2 < pg.head_bottom]
        ids = {id(p) for p in head}
        body = [p for p in pg.pieces if id(p) not in ids]
        r0 = 0
        if head:
            hcells, r0 = _header_cells(pg, head, page_bounds[pages.index(pg)], used)
            frag.cells += hcells
        frag.n_header = r0
        _body_frag(pg, body, frag, r0, n_cols, key_cols, label_cols, labelled, pitch, used, centred)
        frag.label_cols = set(label_cols)
        frags.append(frag)
    grid = stack_fragments(table_id, frags, n_cols)
    return grid, used


#: Body lines a page of a text's table needs for column bounds of its own.
MIN_PAGE_ROWS = 4


def _text_page_bounds(pages: list[_Page], bounds: list[float], width: float, em: float) -> list[list[float]]:
    """Column bounds of each page of a text's table.  pdftotext lays out
    every page on its own (a column sits where the widest text left of it on
    that page ends), so a table's columns may move from page to page: each
    page with MIN_PAGE_ROWS body lines gets the bounds of its own lines, if
    every such page finds as many columns as the whole table; otherwise (and
    on shorter pages) the table's bounds hold."""
    out: list[list[float] | None] = []
    for pg in pages:
        body = [p for p in pg.pieces if pg.head_bottom is None or (p.top + p.bottom) / 2 > pg.head_bottom]
        head = [p for p in pg.pieces if p not in body]
        rows = _baselines(body)
        if len(rows) < MIN_PAGE_ROWS:
            out.append(None)
            continue
        phrases = [p for p in body if cjk.cell_type(p.text) == "phrase"]
        rows = [[p for p in row if p not in phrases] for row in rows]
        out.append(column_bounds(rows, [], width, em, body, head + phrases))
    if all(b is None or len(b) == len(bounds) for b in out):
        return [b if b is not None else bounds for b in out]
    return [bounds] * len(pages)


def _repeated_header(body: list[_Piece], key: str) -> tuple[list[_Piece], list[_Piece]]:
    """Leading lines of a continuation page whose text is the first page's
    header, with the title line or two printed above the copy (a title row
    of the header that the first page set apart as the table's caption)."""
    lines = _baselines(body)
    for skip in range(3):
        if skip and len(lines[skip - 1]) != 1:
            break           # a title row is one piece of text
        acc = ""
        taken: list[_Piece] = [p for line in lines[:skip] for p in line]
        for line in lines[skip:]:
            acc += cjk.strip_all_space("".join(p.text for p in line))
            taken += line
            if len(acc) >= len(key):
                break
        if acc and "".join(sorted(acc)) == "".join(sorted(key)):
            ids = {id(p) for p in taken}
            return taken, [p for p in body if id(p) not in ids]
    return [], body


def _seq_like(text: str) -> bool:
    """A 序号 cell: 1, 一, （一）, 合计."""
    t = cjk.strip_all_space(text)
    return bool(cjk.CN_NUMBER_ONLY.match(t) or cjk.ARABIC_NUMBER_ONLY.match(t)
                or cjk.ROW_LABEL_SUB.fullmatch(t) or t in cjk.TOTAL_LABELS)


def _named_label(text: str) -> bool:
    """A row label followed by the row's name (``1.地区生产总值``, ``一、经济发展``)."""
    lab = cjk.row_label(text)
    return lab is not None and bool(lab[3]) and cjk.cell_type(lab[3]) == "text"


def _key_columns(body: list[_Piece], n_cols: int) -> tuple[set[int], set[int], bool]:
    """Key columns (where row labels start: a 序号 column, or names numbered
    ``1.``), label columns (just left of a key column, holding short
    unlabelled texts beside labelled names, or on fewer than half as many
    lines as the names of an unlabelled table: a vertically merged group or
    category label) and whether the table labels its rows."""
    by_col: dict[int, list[_Piece]] = {}
    for p in body:
        by_col.setdefault(p.c0, []).append(p)
    keys: set[int] = set()
    for c, ps in by_col.items():
        seq = sum(1 for p in ps if _seq_like(p.text))
        named = sum(1 for p in ps if _named_label(p.text))
        if (seq >= 2 and seq >= 0.8 * len(ps)) or named >= 2:
            keys.add(c)
    labelled = bool(keys)
    if not keys:
        # no labels: the names' column, the one with the most text that is not
        # a value (not the most pieces: a unit column wraps 万吨标 / 准煤 too)
        counts = {c: sum(len(cjk.strip_all_space(p.text)) for p in ps if not p.typed) for c, ps in by_col.items()}
        keys = {min(counts, key=lambda c: (-counts[c], c))} if counts else {0}
    labels: set[int] = set()
    for k in range(n_cols - 1):
        if k + 1 not in keys:
            continue
        # (a category row, ``一、经济发展``, starts in the column too: it is a
        # row across the table, not a label beside the names)
        own = [p for p in by_col.get(k, []) if p.c1 == k + 1 and not _category_piece(p)]
        beside = by_col.get(k + 1, [])
        if own and all(not p.typed and not row_label_start(p.text) for p in own) and \
                (any(_named_label(p.text) or _seq_like(p.text) for p in beside)
                 or (not labelled and 2 * len(own) <= len(beside))):
            labels.add(k)
    return keys, labels, labelled


def _category_piece(p: _Piece) -> bool:
    """``一、经济发展`` / ``（一）信息基础设施``: a category or sub-category row's label."""
    lab = cjk.row_label(p.text)
    return bool(lab and lab[0] in ("cat", "sub") and cjk.cell_type(lab[3]) == "text")


def _median(xs: list[float]) -> float:
    s = sorted(xs)
    return s[len(s) // 2] if s else 10.0
