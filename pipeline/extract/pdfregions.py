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
    # (a box the page break slices may leave three rules on a page, or two)
    ends = open_ends(join_segments(edges), chars) if len(edges) >= 2 else []
    if len(edges) + len(ends) >= 4:
        # imported here: pdfplumber (with pdfminer) costs ~45 ms to import,
        # and text input, which also uses this module, never needs it
        from pdfplumber.table import TableFinder

        settings = TABLE_SETTINGS
        rules = join_segments(edges)
        closing = open_sides(rules + ends, chars)
        if closing or ends:
            settings = {**TABLE_SETTINGS, "explicit_vertical_lines": closing, "explicit_horizontal_lines": ends}
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
    regions.extend(rule_structures(join_segments(edges), regions, shades, fills, chars, width))
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


def join_segments(edges: list[dict]) -> list[dict]:
    """``edges`` with collinear pieces that meet joined into one rule: a
    browser or word processor draws a row's rule as one piece per cell
    (often as thin filled rectangles), a line of the table as a piece per
    row.  The table finder joins them itself; the rule analyses here
    (groups of rules of one extent, sides left open) need whole rules.
    Pieces join when they lie on one line (within half a point) and their
    ends are within the snap tolerance; nothing else moves."""
    out: list[dict] = []
    for o in ("h", "v"):
        pos, lo, hi = ("top", "x0", "x1") if o == "h" else ("x0", "top", "bottom")
        cur: dict | None = None
        for e in sorted((e for e in edges if e["orientation"] == o), key=lambda e: (round(e[pos] * 2), e[lo])):
            if cur is not None and abs(e[pos] - cur[pos]) <= 0.5 and e[lo] <= cur[hi] + SNAP:
                if e[hi] > cur[hi]:
                    cur = edge(cur["x0"], cur["top"], e["x1"], cur["bottom"], cur["object_type"]) if o == "h" \
                        else edge(cur["x0"], cur["top"], cur["x1"], e["bottom"], cur["object_type"])
                    cur["orientation"] = o
                continue
            if cur is not None:
                out.append(cur)
            cur = e
        if cur is not None:
            out.append(cur)
    return out


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
    """``empty``, ``prose`` (running text), ``title`` (a caption, unit line,
    note or heading: what stands above or below a table, not in it) or
    ``cells`` (a table's rows)."""
    if not rows:
        return "empty"
    if any(len(split_at_gaps(r, CELL_GAP_EM)) >= 3 for r in rows):
        return "cells"
    prose = sum(1 for r in rows if _is_prose(r, x0, x1))
    if prose * 2 >= len(rows) and prose:
        return "prose"
    texts = [cjk.normalize_text("".join(c["text"] for c in r)).strip() for r in rows]
    if any(_stops_table(t) or cjk.UNIT_LINE.match(t) for t in texts):
        return "title"
    return "cells"


def _inner_verticals(vs: list[dict], x0: float, x1: float, top: float, bottom: float) -> bool:
    return any(x0 + SNAP < v["x0"] < x1 - SNAP and v["top"] < bottom - 1 and v["bottom"] > top + 1 for v in vs)


def open_ends(edges: list[dict], chars: list[dict]) -> list[dict]:
    """Synthetic horizontal edges for grids whose vertical rules run on past
    their last (or first) horizontal rule to a common end, with text in
    between: a row cut by the page break, drawn with its cell sides but no
    rule under it (browsers and some word processors close a row only where
    it ends).  Without the edge the table finder stops at the last rule and
    the cut row falls out of the table.  A box the page break slices (CSS
    draws no border at the cut) is closed the same way: its one rule and the
    side rules at both its ends leaving it, or, on a page it crosses whole,
    two side rules alone.  Empty for closed grids and boxes."""
    hs = [e for e in edges if e["orientation"] == "h"]
    vs = [e for e in edges if e["orientation"] == "v" and e["bottom"] - e["top"] > SNAP]
    out: list[dict] = []

    def at(x: float, v: dict) -> bool:
        return abs(v["x0"] - x) <= SNAP

    for g in _rule_groups(hs):
        x0, x1 = g[0]["x0"], g[0]["x1"]
        if x1 - x0 < 10 * SNAP:
            continue
        inside = [v for v in vs if x0 - SNAP <= v["x0"] <= x1 + SNAP]
        for end, below in ((g[-1]["top"], True), (g[0]["top"], False)):
            if len(g) == 1:
                # a lone rule: the top (or bottom) of a sliced box, its sides
                # at both ends leaving it the same way
                sides = [v for v in inside if (at(x0, v) or at(x1, v)) and (
                    (below and abs(v["top"] - end) <= SNAP and v["bottom"] > end + 2 * SNAP) or
                    (not below and abs(v["bottom"] - end) <= SNAP and v["top"] < end - 2 * SNAP))]
                if not (any(at(x0, v) for v in sides) and any(at(x1, v) for v in sides)):
                    continue
            # the rules leaving the end rule outwards, by where they stop
            if below:
                leaving = [v for v in inside if v["top"] <= end + SNAP and v["bottom"] > end + 2 * SNAP]
            else:
                leaving = [v for v in inside if v["bottom"] >= end - SNAP and v["top"] < end - 2 * SNAP]
            if not leaving:
                continue
            far = max(v["bottom"] for v in leaving) if below else min(v["top"] for v in leaving)
            at_far = sorted(v["x0"] for v in leaving if abs((v["bottom"] if below else v["top"]) - far) <= SNAP)
            # two rules at least (the two strokes of one filled rule are one)
            if sum(1 for a, b in zip(at_far, at_far[1:]) if b - a > SNAP) < 1:
                continue
            top, bottom = (end, far) if below else (far, end)
            if any(top + SNAP < h["top"] < bottom - SNAP and h["x0"] <= x0 + SNAP and h["x1"] >= x1 - SNAP
                   for h in hs):
                continue           # closed by a rule of another extent
            if _chars_in(chars, x0, x1, top, bottom):
                out.append({**edge(x0, far, x1, far, "synthetic_edge"), "object_type": "synthetic_edge"})
    # a page a sliced box crosses whole: two long side rules of one extent,
    # no rule at either end, text between
    for a in vs:
        for b in vs:
            if b["x0"] - a["x0"] < 20 * SNAP or abs(a["top"] - b["top"]) > SNAP or abs(a["bottom"] - b["bottom"]) > SNAP:
                continue
            top, bottom = min(a["top"], b["top"]), max(a["bottom"], b["bottom"])
            if bottom - top < 20 * SNAP or any(
                    h["x0"] <= a["x0"] + SNAP and h["x1"] >= b["x0"] - SNAP and (abs(h["top"] - top) <= SNAP or
                                                                             abs(h["top"] - bottom) <= SNAP)
                    for h in hs + out):
                continue
            if any(a["x0"] + SNAP < v["x0"] < b["x0"] - SNAP and v["bottom"] - v["top"] > 0.5 * (bottom - top)
                   for v in vs):
                continue        # rules between them: not a box's two sides
            if _chars_in(chars, a["x0"], b["x0"], top, bottom):
                for y in (top, bottom):
                    out.append({**edge(a["x0"], y, b["x0"], y, "synthetic_edge"), "object_type": "synthetic_edge"})
    return out


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
            if inner or (rows and len(rows) <= 2 and _band_kind(rows, x0, x1) == "cells"):
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
            region = _rule_table(g[k:j + 2], chars, x0, x1, bands[k:j + 1], ruled_above=k > 0)
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
                if _underlines(chars, e):
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
                bands: list[tuple[str, list]], ruled_above: bool = False) -> RegionDraft | None:
    """A rule table over ``rules`` (a run of table bands), extended over the
    rows of cells that follow its last rule.  A run of one band (two rules)
    is a table only with rows of cells below it or (two of) its rows split
    into cells; a lone rule only with rows of cells below it."""
    top, bottom = rules[0]["top"], rules[-1]["top"]
    rows_inside = [r for _, rows in bands for r in rows]
    end = _run_on(chars, x0, x1, bottom, rows_inside)
    multi = sum(1 for r in rows_inside if len(split_at_gaps(r, CELL_GAP_EM)) >= 2)
    if len(rules) == 1 and end is None:
        start = _run_up(chars, x0, x1, top)
        if start is None:
            return None
        return RegionDraft("rule_table", x0, start, x1, top, rules=[top], rule_x0=[rules[0]["x0"]],
                           rule_x1=[rules[0]["x1"]])
    if len(rules) == 2 and end is None and multi < min(2, len(rows_inside) or 1):
        return None
    if rows_inside and not ruled_above:
        # the end of a row cut by the page break, above the first rule of the
        # page: text of the table's size, the first on the page, with no rule
        # of the table's extent above it (a running header has its own)
        size = _median([_em(r) for r in rows_inside])
        top = _run_up(chars, x0, x1, top, size=size) or top
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


def _underlines(chars: list[dict], e: dict) -> bool:
    """The rule ``e`` underlines the page's first text, a line of one or two
    pieces right on it: a running header's rule (or a title's), not a
    table's top rule — whose text above, if any, is a header of cells."""
    above = [c for c in chars if not c["text"].isspace() and (c["top"] + c["bottom"]) / 2 < e["top"]]
    if not above:
        return False
    rows = cluster_rows(above)
    last = rows[-1]
    if e["top"] - max(c["bottom"] for c in last) > 0.8 * _em(last):
        return False
    return len(rows) == 1 and len(split_at_gaps(last, CELL_GAP_EM)) <= 2


def _run_up(chars: list[dict], x0: float, x1: float, y: float, size: float | None = None) -> float | None:
    """Top of the rows of cells above a rule at ``y`` that are the first
    text of the page, or None: the end of a table continued from the page
    before.  The rows lie within the rule's extent, follow each other
    closely (1.5 em), are not prose, a note, a unit line or a heading.

    Above a lone rule (the bottom rule of a three-line table, no header or
    top rule on this page) they must be table rows: one of them in three
    cells or more, or two of them with one in two cells at least (a running
    header with a rule under it has one or two pieces).  Above the first
    rule of a table found by its bands (``size``: its text's size) they may
    be the last lines of one cell — a row cut by the page break, whose rule
    the browser draws only under its end — in the table's own size (a title
    above the table is set larger)."""
    above = [c for c in chars if not c["text"].isspace() and (c["top"] + c["bottom"]) / 2 < y]
    if not above or any(c["x0"] < x0 - 2 or c["x1"] > x1 + 2 for c in above):
        return None
    rows = cluster_rows(above)
    prev_top = y
    n = multi = wide = 0
    for r in reversed(rows):
        em = _em(r)
        top = min(c["top"] for c in r)
        bottom = max(c["bottom"] for c in r)
        if prev_top - bottom > 1.5 * em:
            return None         # a gap: other text above the rows, not the page's first
        text = "".join(c["text"] for c in r)
        if _is_prose(r, x0, x1) or _stops_table(text) or cjk.UNIT_LINE.match(cjk.normalize_text(text).strip()):
            return None
        if size is not None and abs(em - size) > 0.5:
            return None
        n += 1
        k = len(split_at_gaps(r, CELL_GAP_EM))
        multi += k >= 2
        wide += k >= 3
        prev_top = top
    if size is not None:
        return prev_top - 0.5 if n else None
    return prev_top - 0.5 if wide or (n >= 2 and multi) else None


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


def aligned_tables(rows: list[list[dict]], rules: list[float] = ()) -> list[RegionDraft]:
    """Tables drawn with no rule at all, from the rows of a page's text
    outside other regions (``pdflines.cluster_rows``): a run of consecutive
    rows, each split into cells at wide gaps or a short line (a category
    row, a wrapped cell), of which at least MIN_CELL_ROWS have three cells or
    more, most of those holding a value, and two gutters common to all of
    them — or, as the first text of the page, fewer such rows, each with a
    value (the end of a table continued from the page before, without its
    header).  Prose (a line across most of the text width in one piece) ends
    the run; ``rules`` (the tops of the page's horizontal rules) part a line
    of one piece from the rows (a running header and its rule)."""
    if not any(_wide_gaps(r) >= 2 for r in rows):
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

        size = _median([_em(r) for r in cellular]) if cellular else None
        gaps = [min(c["top"] for c in b) - max(c["bottom"] for c in a) for a, b in zip(cellular, cellular[1:])]
        row_gap = _median([g for g in gaps if g > 0])

        def outside(row: list[dict], other: list[dict]) -> bool:
            # a line in one piece across a gutter of the table (a title, a
            # paragraph's line) and apart from the rows (not a cell's next
            # line, not a category row as far from them as they are from each
            # other) or set in another size
            if len(split_at_gaps(row, ALIGNED_GAP_EM)) >= 2:
                return False
            a, b = row[0]["x0"], row[-1]["x1"]
            gap = min(abs(min(c["top"] for c in other) - max(c["bottom"] for c in row)),
                      abs(min(c["top"] for c in row) - max(c["bottom"] for c in other)))
            other_size = size is not None and abs(_em(row) - size) > 0.5
            label = cjk.row_label(cjk.normalize_text("".join(c["text"] for c in row)).strip())
            tight = gap <= 0.6 * line_h or (label is not None and label[0] in ("cat", "sub")
                                            and gap <= 1.25 * row_gap)
            if other_size and abs(_em(row) - size) > 0.2 * size:
                return True         # a body line in its own size beside the table (a paragraph's last)
            return (other_size or not tight) and any(a < g0 and b > g1 for g0, g1 in gutters)

        def ruled_off(row: list[dict], other: list[dict]) -> bool:
            # a line in one piece with a rule between it and the rows (a
            # running header and its rule above a table that has none)
            if len(split_at_gaps(row, CELL_GAP_EM)) >= 2:
                return False
            lo, hi = sorted((max(c["bottom"] for c in row), min(c["top"] for c in other)))
            lo2, hi2 = sorted((max(c["bottom"] for c in other), min(c["top"] for c in row)))
            return any(lo < y < hi or lo2 < y < hi2 for y in rules)

        while len(run) >= 2 and (outside(run[-1], run[-2]) or ruled_off(run[-1], run[-2])):
            run.pop()
        # the run is at the top of the page if it starts there, a running
        # header ruled off above it aside
        at_top = bool(run) and run[0] is rows[0]
        while len(run) >= 2 and (outside(run[0], run[1]) or ruled_off(run[0], run[1])):
            at_top = at_top and ruled_off(run[0], run[1])
            run.pop(0)
        valued = [any(_typed(p) for p in split_at_gaps(r, CELL_GAP_EM)) for r in cellular]
        # the header rows above the first row with a value do not count
        body = valued[valued.index(True):] if any(valued) else valued
        # fewer rows make a table only as the first text of the page: the
        # last rows of a table continued from the page before, without its
        # header (a row or two of cells with values is no table elsewhere)
        enough = len(cellular) >= MIN_CELL_ROWS or (at_top and bool(cellular) and any(valued) and all(body))
        if enough and sum(body) >= VALUE_SHARE * len(body) and len(gutters) >= 2:
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
    """The x-ranges between cells that are free in every row: inside the
    rows' extent, covered by no cell of any row.  A row that ends before a
    gutter leaves it free (a project row whose amounts are on another line,
    a category row) — only text across it closes it."""
    spans = sorted((p[0]["x0"], p[-1]["x1"]) for r in rows for p in split_at_gaps(r, CELL_GAP_EM) if p)
    free: list[tuple[float, float]] = []
    if not spans:
        return free
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 > reach:
            free.append((reach, x0))
        reach = max(reach, x1)
    # a gutter both sides of which hold a cell of one row at least: a cell boundary
    return [(a, b) for a, b in free if any(
        any(p[-1]["x1"] <= a + 0.01 for p in ps) and any(p[0]["x0"] >= b - 0.01 for p in ps)
        for ps in (split_at_gaps(r, CELL_GAP_EM) for r in rows))]
