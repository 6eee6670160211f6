"""Graphical regions of a PDF page: ruled tables, bordered and shaded boxes,
three-line tables.

Everything is computed from the page's vector objects (in the reading
frame, see :mod:`.pdfpage`):

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
* **three-line tables** — groups of at least three horizontal rules of the
  same extent with no vertical rules (or two rules followed by rows that
  are split into columns, when the table runs on to the next page).

Only geometry is decided here; lines are assigned to regions by
:mod:`.pdfpage`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pdfplumber.table import TableFinder

from .pdflines import cluster_rows, split_at_gaps

TABLE_SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 3,
}

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
        finder = TableFinder(_EdgePage(edges, (0, 0, width, height)), TABLE_SETTINGS)
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
    for shade in _merge_strips(fills, width, height):
        x0, top, x1, bottom = shade
        if any(r.contains((x0 + x1) / 2, (top + bottom) / 2) and r.kind == "table" for r in regions):
            continue
        if any(_same_box(r, shade) for r in regions):
            continue          # a bordered box that is also shaded
        if bottom - top >= MIN_BOX_HEIGHT and _holds_text(shade, chars):
            regions.append(RegionDraft("shaded_box", x0, top, x1, bottom))
    regions.extend(_rule_tables(edges, regions, chars, width, height))
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


def _rule_tables(edges: list[dict], regions: list[RegionDraft], chars: list[dict],
                 width: float, height: float) -> list[RegionDraft]:
    """Three-line tables: horizontal rules of a common extent with no
    vertical rule between them, outside any other region."""
    hs = [e for e in edges if e["orientation"] == "h" and e["x1"] - e["x0"] >= 0.3 * width]
    vs = [e for e in edges if e["orientation"] == "v" and e["bottom"] - e["top"] > 3]
    free = [e for e in hs if not any(r.contains((e["x0"] + e["x1"]) / 2, e["top"], 2.0) for r in regions)]
    groups: list[list[dict]] = []
    for e in sorted(free, key=lambda e: (round(e["x0"]), round(e["x1"]), e["top"])):
        for g in groups:
            if abs(g[0]["x0"] - e["x0"]) <= 3 and abs(g[0]["x1"] - e["x1"]) <= 3:
                if abs(g[-1]["top"] - e["top"]) > 1.0:    # a doubled rule is one rule
                    g.append(e)
                break
        else:
            groups.append([e])
    out = []
    for g in [part for group in groups for part in _split_at_body_text(group, chars)]:
        x0, x1 = g[0]["x0"], g[0]["x1"]
        top, bottom = g[0]["top"], g[-1]["top"]
        if any(x0 - 2 <= v["x0"] <= x1 + 2 and v["top"] < bottom - 1 and v["bottom"] > top + 1 for v in vs):
            continue
        inside = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
        rows = cluster_rows(inside)
        if len(g) >= 3 and rows:
            out.append(RegionDraft("rule_table", x0, top, x1, bottom, rules=[e["top"] for e in g]))
        elif len(g) == 2 and rows and all(len(split_at_gaps(r, 1.2)) >= 2 for r in rows):
            # header between two rules; the table body runs on below it
            below = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and (c["top"] + c["bottom"]) / 2 > bottom]
            end = bottom
            for r in cluster_rows(below):
                if len(split_at_gaps(r, 1.2)) < 2:
                    break
                end = max(c["bottom"] for c in r) + 0.5
            if end > bottom:
                out.append(RegionDraft("rule_table", x0, top, x1, end, rules=[e["top"] for e in g]))
    return out


def _split_at_body_text(rules: list[dict], chars: list[dict]) -> list[list[dict]]:
    """Split a group of same-extent rules where body text (a wide line that
    is not split into columns) lies between two of them: a running-header
    rule and a table's rules share the text width but not the table."""
    rules = sorted(rules, key=lambda e: e["top"])
    x0, x1 = rules[0]["x0"], rules[0]["x1"]
    parts: list[list[dict]] = [[rules[0]]]
    for a, b in zip(rules, rules[1:]):
        between = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1
                   and a["top"] < (c["top"] + c["bottom"]) / 2 < b["top"]]
        body = any(len(split_at_gaps(r, 1.2)) == 1 and r[-1]["x1"] - r[0]["x0"] >= 0.6 * (x1 - x0)
                   for r in cluster_rows(between))
        if body:
            parts.append([])
        parts[-1].append(b)
    return parts
