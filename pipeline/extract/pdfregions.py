"""Graphical regions of a PDF page: ruled tables, bordered and shaded boxes,
tables with fewer rules or none, boxes ruled above and below.

Everything but the tables without any rule is computed from the page's
vector objects by :func:`find_regions` (in the reading frame, see
:mod:`.pdfpage`); those come from the text left outside the other regions
(:func:`aligned_tables`, called by :mod:`.pdfpage` with the page's body
rows, which it builds once for this and for its body lines):

* **ruled tables** — pdfplumber's :class:`~pdfplumber.table.TableFinder`
  with the ``lines`` strategy on the page's stroked edges; every cell it
  finds (a merged cell is one cell with its full bounding box) becomes a
  :class:`~pipeline.model.Cell`.  A "table" of a single column is a box
  with internal rules (a 专栏 whose title is ruled off);
* **bordered boxes** — closed rectangles (a stroked rect, or four lines)
  that the table finder sees as a one-cell grid; pdfplumber drops those
  from its tables, so they are taken from ``TableFinder.cells``;
* **shaded boxes** — filled, unstroked, non-white rectangles holding text
  (adjacent shading strips, as word processors paint paragraph shading line
  by line, are merged);
* **open-sided grids** — a grid drawn without its outer left/right rules
  (inner vertical rules between horizontal rules of one extent) is closed
  with two synthetic vertical edges at the ends of the horizontal rules,
  passed to the table finder as ``explicit_vertical_lines`` (pdfplumber's
  way of adding edges the page does not draw); it is then a ruled table;
* **tables without any rule** — runs of text rows split into cells at
  wide gaps, with x-ranges that stay empty down the run (gutters) and
  values among the cells (numbers, ``—``, 预期性); a ``rule_table`` with no
  rules (a shaded header band is part of it);
* **rule-only structures** — horizontal rules of one extent with no vertical
  rule between them.  The bands between consecutive rules are read: a band
  of columns (text split at wide gaps, short category lines) is part of a
  table — three-line tables (top rule, rule under the header, bottom
  rule), tables with a rule between every row — and a band of prose whose
  text is inset from both ends of the rules is a **box** (a 专栏 ruled above
  and below only).  A table whose last (or only) rule is followed by rows
  of columns runs on below it (a three-line table continued on the next
  page has no bottom rule there) until prose, a note, a heading or a gap
  wider than the table's own row gaps.  Narrower rules inside a table
  (under a header group, or under rows beside a vertically merged label)
  are kept with their extent; shaded header cells inside a rule table are
  its ``cells``.

Only geometry is decided here; lines are assigned to regions by
:mod:`.pdfpage`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pdfplumber.table import TableFinder

from .. import cjk
from .pdflines import cluster_rows, split_at_gaps

TABLE_SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 3,
}

SNAP = float(TABLE_SETTINGS["snap_tolerance"])   # points: rule ends closer than this meet
THIN = 2.0          # a filled rectangle at most this thick is a rule, not a shading
MIN_BOX_HEIGHT = 12.0


@dataclass(slots=True)
class RegionDraft:
    kind: str                       # table | rule_table | box | shaded_box
    x0: float
    top: float
    x1: float
    bottom: float
    cells: list[tuple[float, float, float, float]] = field(default_factory=list)
    rules: list[float] = field(default_factory=list)
    rule_x0: list[float] = field(default_factory=list)   # extent of each rule (parallel to rules)
    rule_x1: list[float] = field(default_factory=list)

    @property
    def area(self) -> float:
        return max(0.0, self.x1 - self.x0) * max(0.0, self.bottom - self.top)

    def contains(self, x: float, y: float, slack: float = 1.0) -> bool:
        return self.x0 - slack <= x <= self.x1 + slack and self.top - slack <= y <= self.bottom + slack


class _EdgePage:
    """The two attributes of a pdfplumber page that TableFinder's ``lines``
    strategy reads: lets it run on edges in the reading frame."""

    def __init__(self, edges: list[dict], bbox: tuple[float, float, float, float]):
        self.edges = edges
        self.bbox = bbox


def edge(x0: float, top: float, x1: float, bottom: float, kind: str = "line") -> dict:
    """An edge dict in pdfplumber's shape (orientation from its extent)."""
    return {"object_type": kind, "x0": x0, "x1": x1, "top": top, "bottom": bottom,
            "doctop": top, "y0": 0.0, "y1": 0.0, "width": x1 - x0, "height": bottom - top,
            "orientation": "h" if (bottom - top) <= (x1 - x0) else "v"}


def is_white(color) -> bool:
    """True for a white (or absent) fill colour in gray, RGB or CMYK."""
    if color is None:
        return True
    if isinstance(color, (int, float)):
        color = (color,)
    try:
        vals = [float(v) for v in color]
    except (TypeError, ValueError):
        return False      # pattern fills etc.: treat as a visible shading
    if len(vals) == 1:
        return vals[0] >= 0.97
    if len(vals) == 3:
        return min(vals) >= 0.97
    if len(vals) == 4:
        return max(vals) <= 0.03
    return False


def find_regions(edges: list[dict], fills: list[dict], chars: list[dict],
                 width: float, height: float) -> list[RegionDraft]:
    """Regions of one page from its stroked ``edges`` (pdfplumber edge dicts),
    its filled rectangles ``fills`` (dicts with x0/top/x1/bottom and
    ``color``) and its characters (used to confirm that a box holds text and
    to follow a three-line table that runs on to the next page)."""
    regions: list[RegionDraft] = []
    if len(edges) >= 4:
        settings = TABLE_SETTINGS
        closing = open_sides(edges, chars)
        if closing:
            settings = {**TABLE_SETTINGS, "explicit_vertical_lines": closing}
        finder = TableFinder(_EdgePage(edges, (0, 0, width, height)), settings)
        in_tables: set[tuple] = set()
        for t in finder.tables:
            cells = [tuple(c) for c in t.cells]
            in_tables.update(cells)
            x0, top, x1, bottom = t.bbox
            n_cols = len({(round(c[0]), round(c[2])) for c in cells})
            if n_cols == 1 or _single_column(cells):
                regions.append(RegionDraft("box", x0, top, x1, bottom))
            else:
                regions.append(RegionDraft("table", x0, top, x1, bottom, cells=sorted(cells, key=lambda c: (c[1], c[0]))))
        for c in finder.cells:
            if tuple(c) in in_tables:
                continue
            x0, top, x1, bottom = c
            if bottom - top >= MIN_BOX_HEIGHT and x1 - x0 >= 0.2 * width and _holds_text(c, chars):
                regions.append(RegionDraft("box", x0, top, x1, bottom))
    regions = _drop_nested_boxes(regions)
    shades = _merge_strips(fills, width, height)
    regions.extend(rule_structures(edges, regions, shades, fills, chars, width))
    for shade in shades:
        x0, top, x1, bottom = shade
        if any(r.contains((x0 + x1) / 2, (top + bottom) / 2) and r.kind in ("table", "rule_table")
               for r in regions):
            continue
        if any(_same_box(r, shade) for r in regions):
            continue          # a bordered box that is also shaded
        if bottom - top >= MIN_BOX_HEIGHT and _holds_text(shade, chars):
            regions.append(RegionDraft("shaded_box", x0, top, x1, bottom))
    regions.sort(key=lambda r: (r.top, r.x0))
    return regions


def _single_column(cells: list[tuple]) -> bool:
    xs = {(round(c[0]), round(c[2])) for c in cells}
    return len(xs) == 1


def _holds_text(bbox, chars: list[dict]) -> bool:
    x0, top, x1, bottom = bbox
    for c in chars:
        cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        if x0 <= cx <= x1 and top <= cy <= bottom and not c["text"].isspace():
            return True
    return False


def _same_box(r: RegionDraft, bbox, tol: float = 3.0) -> bool:
    return (abs(r.x0 - bbox[0]) <= tol and abs(r.top - bbox[1]) <= tol and
            abs(r.x1 - bbox[2]) <= tol and abs(r.bottom - bbox[3]) <= tol)


def _drop_nested_boxes(regions: list[RegionDraft]) -> list[RegionDraft]:
    """A box inside a table, or a box inside another box of the same extent, is
    dropped (the table's cells are not boxes)."""
    out = []
    for r in regions:
        if r.kind == "box" and any(
                o is not r and o.kind == "table" and o.contains(r.x0, r.top) and o.contains(r.x1, r.bottom)
                for o in regions):
            continue
        out.append(r)
    return out


def _merge_strips(fills: list[dict], width: float, height: float) -> list[tuple[float, float, float, float]]:
    """Visible shading rectangles, vertically adjacent strips of the same
    horizontal extent merged."""
    shades = sorted(
        ((f["x0"], f["top"], f["x1"], f["bottom"]) for f in fills
         if not is_white(f.get("color")) and min(f["x1"] - f["x0"], f["bottom"] - f["top"]) > THIN
         and (f["x1"] - f["x0"]) * (f["bottom"] - f["top"]) < 0.9 * width * height),
        key=lambda b: (b[0], b[2], b[1]))
    merged: list[list[float]] = []
    for b in shades:
        if merged:
            m = merged[-1]
            if abs(m[0] - b[0]) <= 2 and abs(m[2] - b[2]) <= 2 and b[1] <= m[3] + 2:
                m[3] = max(m[3], b[3])
                continue
        merged.append(list(b))
    return [tuple(m) for m in merged]


# --------------------------------------------------------------------------
# rules of one extent: open-sided grids, rule-only tables and boxes
# --------------------------------------------------------------------------

#: A gap of at least this many em splits a text row into table cells.
CELL_GAP_EM = 1.2
#: A text row covering at least this share of the rules' extent in one piece
#: is prose (body text, box text), not a table row.
PROSE_SHARE = 0.6
#: Box text is inset from the ends of its rules by at least this many em
#: (the border's padding); body text between two unrelated rules is not.
BOX_INSET_EM = 0.3


def _rule_groups(hs: list[dict]) -> list[list[dict]]:
    """Horizontal rules grouped by extent (x0 and x1 within the snap
    tolerance), each group top to bottom, a doubled rule (two strokes less
    than a point apart) counted once; widest groups first."""
    groups: list[list[dict]] = []
    for e in sorted(hs, key=lambda e: (round(e["x0"]), round(e["x1"]), e["top"])):
        for g in groups:
            if abs(g[0]["x0"] - e["x0"]) <= SNAP and abs(g[0]["x1"] - e["x1"]) <= SNAP:
                if abs(g[-1]["top"] - e["top"]) > 1.0:
                    g.append(e)
                break
        else:
            groups.append([e])
    for g in groups:
        g.sort(key=lambda e: e["top"])
    groups.sort(key=lambda g: (-(g[0]["x1"] - g[0]["x0"]), g[0]["top"]))
    return groups


def _chars_in(chars: list[dict], x0: float, x1: float, top: float, bottom: float) -> list[dict]:
    return [c for c in chars if not c["text"].isspace() and x0 <= (c["x0"] + c["x1"]) / 2 <= x1
            and top < (c["top"] + c["bottom"]) / 2 < bottom]


def _em(row: list[dict]) -> float:
    return max((c["size"] for c in row), default=10.0) or 10.0


def _is_prose(row: list[dict], x0: float, x1: float) -> bool:
    """One piece across most of the extent: a line of running text."""
    return len(split_at_gaps(row, CELL_GAP_EM)) == 1 and \
        row[-1]["x1"] - row[0]["x0"] >= PROSE_SHARE * (x1 - x0)


def _band_kind(rows: list[list[dict]], x0: float, x1: float) -> str:
    """``empty``, ``prose`` (running text) or ``cells`` (a table's rows)."""
    if not rows:
        return "empty"
    if any(len(split_at_gaps(r, CELL_GAP_EM)) >= 3 for r in rows):
        return "cells"
    prose = sum(1 for r in rows if _is_prose(r, x0, x1))
    return "prose" if prose * 2 >= len(rows) and prose else "cells"


def _inner_verticals(vs: list[dict], x0: float, x1: float, top: float, bottom: float) -> bool:
    return any(x0 + SNAP < v["x0"] < x1 - SNAP and v["top"] < bottom - 1 and v["bottom"] > top + 1 for v in vs)


def open_sides(edges: list[dict], chars: list[dict]) -> list[dict]:
    """Synthetic outer vertical edges for grids drawn without outer left or
    right rules: horizontal rules of one extent tied together by inner
    vertical rules (full-width rows between them — category rows — have no
    inner rules but hold no prose) and no vertical rule at an end of their
    extent.  Empty for closed grids, so their cells are what the page draws."""
    hs = [e for e in edges if e["orientation"] == "h"]
    vs = [e for e in edges if e["orientation"] == "v" and e["bottom"] - e["top"] > SNAP]
    if not vs or len(hs) < 2:
        return []
    out: list[dict] = []
    for g in _rule_groups(hs):
        if len(g) < 2:
            continue
        x0, x1 = g[0]["x0"], g[0]["x1"]
        top, bottom = g[0]["top"], g[-1]["top"]
        if all(any(abs(v["x0"] - x) <= SNAP and v["top"] <= top + SNAP and v["bottom"] >= bottom - SNAP for v in vs)
               for x in (x0, x1)):
            continue            # closed on both sides from the first rule to the last
        runs: list[list[dict]] = [[g[0]]]
        tied: list[bool] = [False]
        for a, b in zip(g, g[1:]):
            inner = _inner_verticals(vs, x0, x1, a["top"], b["top"])
            rows = [] if inner else cluster_rows(_chars_in(chars, x0, x1, a["top"], b["top"]))
            if inner or (rows and len(rows) <= 2 and _band_kind(rows, x0, x1) != "prose"):
                runs[-1].append(b)
                tied[-1] = tied[-1] or inner
            else:
                runs.append([b])
                tied.append(False)
        for run, has_inner in zip(runs, tied):
            if len(run) < 2 or not has_inner:
                continue
            top, bottom = run[0]["top"], run[-1]["top"]
            for x in (x0, x1):
                if not any(abs(v["x0"] - x) <= SNAP and v["top"] < bottom - 1 and v["bottom"] > top + 1 for v in vs):
                    out.append({**edge(x, top, x, bottom, "synthetic_edge"), "object_type": "synthetic_edge"})
    return out


def rule_structures(edges: list[dict], regions: list[RegionDraft], shades: list[tuple], fills: list[dict],
                    chars: list[dict], width: float) -> list[RegionDraft]:
    """Rule-only tables and boxes ruled above and below (see the module
    docstring) from the horizontal rules outside the regions found so far."""
    hs = [e for e in edges if e["orientation"] == "h" and e["x1"] - e["x0"] >= 0.3 * width]
    vs = [e for e in edges if e["orientation"] == "v" and e["bottom"] - e["top"] > SNAP]

    def inside_shade(e: dict) -> bool:
        return any(x0 - 1 <= e["x0"] and e["x1"] <= x1 + 1 and top + 2 < e["top"] < bottom - 2
                   for x0, top, x1, bottom in shades)

    free = [e for e in hs if not any(r.contains((e["x0"] + e["x1"]) / 2, e["top"], 2.0) for r in regions)
            and not inside_shade(e)]
    out: list[RegionDraft] = []
    for g in _rule_groups(free):
        if any(r.kind == "rule_table" and r.x0 - SNAP <= g[0]["x0"] and g[0]["x1"] <= r.x1 + SNAP
                        and r.top - 1 <= g[0]["top"] <= r.bottom + 1 for r in out):
            continue
        x0, x1 = g[0]["x0"], g[0]["x1"]
        bands = []
        for a, b in zip(g, g[1:]):
            rows = cluster_rows(_chars_in(chars, x0, x1, a["top"], b["top"]))
            kind = "grid" if _inner_verticals(vs, x0, x1, a["top"], b["top"]) else _band_kind(rows, x0, x1)
            bands.append((kind, rows))
        # runs of table bands: rules i..j
        k = 0
        in_table: set[int] = set()
        while k < len(bands):
            if bands[k][0] != "cells":
                k += 1
                continue
            j = k
            while j + 1 < len(bands) and bands[j + 1][0] == "cells":
                j += 1
            in_table.update(range(k, j + 2))
            region = _rule_table(g[k:j + 2], chars, x0, x1, bands[k:j + 1])
            if region is not None:
                out.append(region)
            k = j + 1
        for k, (kind, rows) in enumerate(bands):
            if kind == "prose" and k not in in_table and k + 1 not in in_table and _inset(rows, x0, x1):
                out.append(RegionDraft("box", x0, g[k]["top"], x1, g[k + 1]["top"]))
        if len(g) == 1 or not in_table:
            # a lone rule (or rules around no table band) with rows of cells
            # right below it: the top rule of a table continued from a page
            # before, or the header rule of a table whose top rule is gone
            for e in g:
                if any(r.contains(e["x0"] + 1, e["top"], 1.0) for r in out):
                    continue
                region = _rule_table([e], chars, x0, x1, [])
                if region is not None:
                    out.append(region)
    # narrower rules inside a rule table (under a header group, beside a
    # merged label) belong to it, with their extent
    for r in out:
        if r.kind != "rule_table":
            continue
        for e in free:
            if r.x0 - SNAP <= e["x0"] and e["x1"] <= r.x1 + SNAP and r.top + 1 < e["top"] < r.bottom - 1 \
                    and not any(abs(e["top"] - y) <= 1.0 and abs(e["x0"] - a) <= SNAP
                                for y, a in zip(r.rules, r.rule_x0)):
                r.rules.append(e["top"])
                r.rule_x0.append(e["x0"])
                r.rule_x1.append(e["x1"])
        order = sorted(range(len(r.rules)), key=lambda i: (r.rules[i], r.rule_x0[i]))
        r.rules = [r.rules[i] for i in order]
        r.rule_x0 = [r.rule_x0[i] for i in order]
        r.rule_x1 = [r.rule_x1[i] for i in order]
        r.cells = _header_shading(r, fills, chars)
    return out


def _inset(rows: list[list[dict]], x0: float, x1: float) -> bool:
    """Text inset from both ends of the rules (a box's padding)."""
    cs = [c for r in rows for c in r]
    em = max(_em(r) for r in rows)
    return min(c["x0"] for c in cs) >= x0 + BOX_INSET_EM * em and max(c["x1"] for c in cs) <= x1 - BOX_INSET_EM * em


def _rule_table(rules: list[dict], chars: list[dict], x0: float, x1: float,
                bands: list[tuple[str, list]]) -> RegionDraft | None:
    """A rule table over ``rules`` (a run of table bands), extended over the
    rows of cells that follow its last rule.  A run of one band (two rules)
    is a table only with rows of cells below it or (two of) its rows split
    into cells; a lone rule only with rows of cells below it."""
    top, bottom = rules[0]["top"], rules[-1]["top"]
    rows_inside = [r for _, rows in bands for r in rows]
    end = _run_on(chars, x0, x1, bottom, rows_inside)
    multi = sum(1 for r in rows_inside if len(split_at_gaps(r, CELL_GAP_EM)) >= 2)
    if len(rules) == 1 and end is None:
        return None
    if len(rules) == 2 and end is None and multi < min(2, len(rows_inside) or 1):
        return None
    return RegionDraft("rule_table", x0, top, x1, max(bottom, end or bottom), rules=[e["top"] for e in rules],
                       rule_x0=[e["x0"] for e in rules], rule_x1=[e["x1"] for e in rules])


def _run_on(chars: list[dict], x0: float, x1: float, y: float, above: list[list[dict]]) -> float | None:
    """Bottom of the rows of cells that continue a table below ``y`` (its
    last rule), or None.  A row continues the table when it starts close
    below the previous one (no wider gap than the table's own rows, 1.5 em
    at least), lies within the table's extent and is not prose, a note or
    a heading; at least two such rows are needed, one of them split into
    cells."""
    below = [c for c in chars if not c["text"].isspace() and (c["top"] + c["bottom"]) / 2 > y
             and x0 - 2 <= c["x0"] and c["x1"] <= x1 + 2]
    outside = [c for c in chars if not c["text"].isspace() and (c["top"] + c["bottom"]) / 2 > y and c not in below]
    rows = cluster_rows(below)
    if not rows:
        return None
    gaps = [b[0]["top"] - max(c["bottom"] for c in a) for a, b in zip(above, above[1:])]
    prev_bottom = y
    end = None
    n = multi = 0
    for r in rows:
        em = _em(r)
        top = min(c["top"] for c in r)
        bottom = max(c["bottom"] for c in r)
        limit = max(1.5 * em, 2.5 * _median(gaps)) if gaps else 1.5 * em
        if top - prev_bottom > limit:
            break
        if any(top - 1 < (c["top"] + c["bottom"]) / 2 < bottom + 1 for c in outside):
            break               # text beside the row runs beyond the table: body text
        text = "".join(c["text"] for c in r)
        if _is_prose(r, x0, x1) or _stops_table(text):
            break
        if n:
            gaps.append(top - prev_bottom)
        n += 1
        multi += len(split_at_gaps(r, CELL_GAP_EM)) >= 2
        prev_bottom = bottom
        end = bottom + 0.5
    return end if n >= 2 and multi else None


def _median(xs: list[float]) -> float:
    s = sorted(xs)
    return s[len(s) // 2] if s else 0.0


def _stops_table(text: str) -> bool:
    """A note, a 专栏 title, a heading or a caption: the table has ended."""
    t = cjk.normalize_text(text).strip()
    if cjk.NOTE.match(t) or cjk.COLUMN_TITLE.match(t) or cjk.TABLE_CAPTION.search(t):
        return True
    m = cjk.match_numbering(t)
    return m is not None and m.strong


def _header_shading(r: RegionDraft, fills: list[dict], chars: list[dict]) -> list[tuple[float, float, float, float]]:
    """Shaded cells of a rule table's header (the band above its second rule):
    their boxes are the header cells' extents."""
    if len(r.rules) < 2:
        return []
    head_bottom = sorted(set(round(y, 1) for y in r.rules))[1] if len(set(round(y, 1) for y in r.rules)) > 1 else None
    if head_bottom is None:
        return []
    out: set[tuple[float, float, float, float]] = set()
    for f in fills:
        if is_white(f.get("color")):
            continue
        b = (round(f["x0"], 2), round(f["top"], 2), round(f["x1"], 2), round(f["bottom"], 2))
        if b[0] >= r.x0 - SNAP and b[2] <= r.x1 + SNAP and b[1] >= r.top - SNAP and b[3] <= head_bottom + SNAP \
                and min(b[2] - b[0], b[3] - b[1]) > THIN:
            out.add(b)
    cells = sorted(out, key=lambda b: (b[1], b[0]))
    # one fill across the header shades the row; only tiles are cell boxes
    return cells if len(cells) >= 2 and any(_holds_text(c, chars) for c in cells) else []


# --------------------------------------------------------------------------
# tables without any rule
# --------------------------------------------------------------------------

#: Rows of at least this many cells a table without rules needs, and the
#: share of them that must hold a value (a number, —, 预期性 …).
MIN_CELL_ROWS = 3
VALUE_SHARE = 0.5
#: Cells of a table set tight are this far apart (see pdfpage.ALIGNED_GAP_EM):
#: a line in two such pieces is a table row, not a title line.
ALIGNED_GAP_EM = 0.5


def _typed(part: list[dict]) -> bool:
    return cjk.cell_type(cjk.normalize_text("".join(c["text"] for c in part))) != "text"


def aligned_tables(rows: list[list[dict]]) -> list[RegionDraft]:
    """Tables drawn with no rule at all, from the rows of a page's text
    outside other regions (``pdflines.cluster_rows``): a run of consecutive
    rows, each split into cells at wide gaps or a short line (a category
    row, a wrapped cell), of which at least MIN_CELL_ROWS have three cells or
    more, most of those holding a value, and two gutters common to all of
    them.  Prose (a line across most of the text width in one piece) ends
    the run."""
    if sum(1 for r in rows if _wide_gaps(r) >= 2) < MIN_CELL_ROWS:
        return []           # most pages: prose
    free = [c for r in rows for c in r if not c["text"].isspace()]
    left, right = min(c["x0"] for c in free), max(c["x1"] for c in free)
    heights = sorted(max(c["bottom"] for c in r) - min(c["top"] for c in r) for r in rows)
    line_h = heights[len(heights) // 2]
    out: list[RegionDraft] = []
    run: list[list[dict]] = []

    def close() -> None:
        cellular = [r for r in run if len(split_at_gaps(r, CELL_GAP_EM)) >= 3]
        gutters = _gutters(cellular)

        def outside(row: list[dict], other: list[dict]) -> bool:
            # a line in one piece across a gutter of the table (a title, a
            # paragraph's line) and apart from the rows (not a cell's next line)
            if len(split_at_gaps(row, ALIGNED_GAP_EM)) >= 2:
                return False
            a, b = row[0]["x0"], row[-1]["x1"]
            tight = abs(min(c["top"] for c in other) - max(c["bottom"] for c in row)) <= 0.6 * line_h or \
                abs(min(c["top"] for c in row) - max(c["bottom"] for c in other)) <= 0.6 * line_h
            return not tight and any(a < g0 and b > g1 for g0, g1 in gutters)

        while len(run) >= 2 and outside(run[-1], run[-2]):
            run.pop()
        while len(run) >= 2 and outside(run[0], run[1]):
            run.pop(0)
        if len(cellular) >= MIN_CELL_ROWS and \
                sum(1 for r in cellular if any(_typed(p) for p in split_at_gaps(r, CELL_GAP_EM))) >= \
                VALUE_SHARE * len(cellular) and len(gutters) >= 2:
            cs = [c for r in run for c in r if not c["text"].isspace()]
            out.append(RegionDraft("rule_table", min(c["x0"] for c in cs) - 1, min(c["top"] for c in cs) - 1,
                                   max(c["x1"] for c in cs) + 1, max(c["bottom"] for c in cs) + 1))
        run.clear()

    prev_bottom = None
    for r in rows:
        top, bottom = min(c["top"] for c in r), max(c["bottom"] for c in r)
        n = len(split_at_gaps(r, CELL_GAP_EM))
        prose = n == 1 and r[-1]["x1"] - r[0]["x0"] >= PROSE_SHARE * (right - left)
        far = prev_bottom is not None and top - prev_bottom > 2.5 * line_h
        if prose or far or _stops_table("".join(c["text"] for c in r)):
            close()
        if not prose:
            run.append(r)
        prev_bottom = bottom
    close()
    return out


def _wide_gaps(row: list[dict]) -> int:
    """Gaps of CELL_GAP_EM or more between the (x-sorted) characters of a row."""
    n = 0
    prev = None
    for c in row:
        if c["text"].isspace():
            continue
        if prev is not None and c["x0"] - prev["x1"] >= CELL_GAP_EM * max(prev["size"], c["size"]):
            n += 1
        prev = c
    return n


def _gutters(rows: list[list[dict]]) -> list[tuple[float, float]]:
    """The x-ranges between cells that are free in every row."""
    free: list[tuple[float, float]] | None = None
    for r in rows:
        parts = split_at_gaps(r, CELL_GAP_EM)
        gaps = [(a[-1]["x1"], b[0]["x0"]) for a, b in zip(parts, parts[1:])]
        if free is None:
            free = gaps
            continue
        free = [(max(a0, b0), min(a1, b1)) for a0, a1 in free for b0, b1 in gaps if max(a0, b0) < min(a1, b1)]
    return free or []
