"""One PDF page → :class:`PageResult` (lines, regions, floats), in one pass.

The page's objects (chars, lines, rects, curves, images) are parsed once by
pdfplumber and everything this stage needs is derived from that one parse:
the reading frame, the regions (table finder included) and the lines.

**Reading frame.**  pdfplumber already applies the page's ``/Rotate``.  A
landscape annex is sometimes instead drawn sideways on a portrait page; the
dominant text direction (from the characters' text matrices) then decides a
rotation that makes the text run left to right, and every object is mapped
into that frame, so that the rest of the pipeline only sees horizontal text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .. import cjk
from ..model import Cell, PageImage, Region
from .pdflines import RawLine, build_line, chars_to_lines, cluster_rows, is_unmapped, split_at_gaps
from .pdfregions import THIN, RegionDraft, aligned_tables, edge, find_regions

# A ruled table's rows are split per cell; a three-line table's at wide gaps.
RULE_TABLE_GAP_EM = 1.2
# In a table without vertical rules a gap of half an em between two characters
# is a cell boundary (text inside a cell is set solid or with a space glyph of
# a quarter em; two cells' texts are apart by both cells' padding), and a
# quarter em is where a shaded header cell's edge runs down between them:
# cells set tight (``（一）信息基础设施``) come apart.  Pieces of one cell are
# joined again by the tables stage.
ALIGNED_GAP_EM = 0.5
EDGE_GAP_EM = 0.25


@dataclass(slots=True)
class PageResult:
    """Everything extract needs from one page (page-local, picklable, JSON-able)."""

    page: int
    width: float
    height: float
    rotation: int                     # /Rotate + reading-frame rotation, degrees
    lines: list[RawLine] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)   # region_id: page-local index
    floats: list[tuple[float, float, float, float]] = field(default_factory=list)  # images
    n_chars: int = 0
    n_unmapped: int = 0
    n_images: int = 0
    images: list[PageImage] = field(default_factory=list)   # every image, and what became of it
    # issue 13: what extraction could not read (filled by .pdf)
    skipped: str | None = None        # why the page was not parsed (budget, timeout, crash)
    issues: list[list[str]] = field(default_factory=list)   # [severity, message]
    n_glyphs: int = 0                 # non-space mapped characters the PDF library reported
    n_controls: int = 0               # control characters removed
    n_dropped: int = 0                # text objects the text layer dropped (no Unicode mapping)
    n_textobjs: int = 0               # text objects on the page


# -- reading frame -----------------------------------------------------------


def _direction(c: dict) -> int:
    """Advance direction of a char in degrees (0 = left to right, 90 = upwards
    on the page, 180, 270 = downwards)."""
    a, b = c["matrix"][0], c["matrix"][1]
    if abs(a) >= abs(b):
        return 0 if a >= 0 else 180
    return 90 if b > 0 else 270


class Frame:
    """Maps page coordinates (top-down) into the reading frame."""

    def __init__(self, rot: int, width: float, height: float):
        self.rot, self.pw, self.ph = rot, width, height
        self.width, self.height = (height, width) if rot in (90, 270) else (width, height)

    def box(self, x0: float, top: float, x1: float, bottom: float) -> tuple[float, float, float, float]:
        if self.rot == 0:
            return x0, top, x1, bottom
        if self.rot == 90:      # text runs up the page: x' = H - y, y' = x
            return self.ph - bottom, x0, self.ph - top, x1
        if self.rot == 270:     # text runs down the page: x' = y, y' = W - x
            return top, self.pw - x1, bottom, self.pw - x0
        return self.pw - x1, self.ph - bottom, self.pw - x0, self.ph - top

    def char(self, c: dict) -> dict:
        x0, top, x1, bottom = self.box(c["x0"], c["top"], c["x1"], c["bottom"])
        return {"text": c["text"], "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                "size": c["size"], "fontname": c["fontname"], "upright": True}


def reading_frame(chars: list[dict], width: float, height: float) -> Frame:
    """The frame in which most characters run left to right."""
    if not chars:
        return Frame(0, width, height)
    dirs = Counter(_direction(c) for c in chars if not c["text"].isspace())
    rot = dirs.most_common(1)[0][0] if dirs else 0
    return Frame(rot, width, height)


# -- the page ------------------------------------------------------------------


def _edges_and_fills(objs: dict, frame: Frame) -> tuple[list[dict], list[dict]]:
    """Stroked edges (lines, stroked rects, thin filled rects, straight curve
    segments) and filled rectangles, in the reading frame."""
    edges: list[dict] = []
    fills: list[dict] = []

    def add_edge(x0, top, x1, bottom, kind):
        x0, top, x1, bottom = frame.box(x0, top, x1, bottom)
        if x1 - x0 < 1 and bottom - top < 1:
            return
        if bottom - top <= THIN and x1 - x0 > THIN:
            y = (top + bottom) / 2
            edges.append(edge(x0, y, x1, y, kind))
        elif x1 - x0 <= THIN and bottom - top > THIN:
            x = (x0 + x1) / 2
            edges.append(edge(x, top, x, bottom, kind))

    for ln in objs.get("line", []):
        add_edge(ln["x0"], ln["top"], ln["x1"], ln["bottom"], "line")
    for r in objs.get("rect", []):
        w, h = r["x1"] - r["x0"], r["bottom"] - r["top"]
        if min(w, h) <= THIN:
            if r.get("stroke") or r.get("fill"):
                add_edge(r["x0"], r["top"], r["x1"], r["bottom"], "rect_edge")
            continue
        if r.get("stroke"):
            for e in ((r["x0"], r["top"], r["x1"], r["top"]), (r["x0"], r["bottom"], r["x1"], r["bottom"]),
                      (r["x0"], r["top"], r["x0"], r["bottom"]), (r["x1"], r["top"], r["x1"], r["bottom"])):
                add_edge(*e, "rect_edge")
        if r.get("fill"):
            x0, top, x1, bottom = frame.box(r["x0"], r["top"], r["x1"], r["bottom"])
            fills.append({"x0": x0, "top": top, "x1": x1, "bottom": bottom, "color": r.get("non_stroking_color")})
    for cv in objs.get("curve", []):
        if not cv.get("stroke"):
            continue
        pts = cv.get("pts") or []
        for (ax, ay), (bx, by) in zip(pts, pts[1:]):
            if abs(ax - bx) < 0.5 or abs(ay - by) < 0.5:
                add_edge(min(ax, bx), min(ay, by), max(ax, bx), max(ay, by), "curve_edge")
    return edges, fills


def _owner(c: dict, regions: list[RegionDraft]) -> int | None:
    """Index of the innermost region containing the char's centre."""
    cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    best, area = None, float("inf")
    for k, r in enumerate(regions):
        if r.contains(cx, cy) and r.area < area:
            best, area = k, r.area
    return best


def _cell_of(c: dict, cells: list[tuple]) -> int | None:
    cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    for k, (x0, top, x1, bottom) in enumerate(cells):
        if x0 - 0.5 <= cx <= x1 + 0.5 and top - 0.5 <= cy <= bottom + 0.5:
            return k
    return None


def _table_lines(chars: list[dict], reg: RegionDraft, rid: int) -> list[RawLine]:
    """Lines of a table region: per cell (ruled) or split at wide gaps
    (three-line), ordered by visual row then left to right; ``segment``
    numbers the pieces of one visual row."""
    lines: list[RawLine] = []
    if reg.kind == "table":
        by_cell: dict[int | None, list[dict]] = {}
        for c in chars:
            by_cell.setdefault(_cell_of(c, reg.cells), []).append(c)
        for k, cs in by_cell.items():
            for ln in chars_to_lines(cs, split_gap_em=None if k is not None else RULE_TABLE_GAP_EM):
                ln.cell = k
                lines.append(ln)
    else:
        # rule table: text in a shaded header cell is that cell's; the rest
        # is split at cell gaps (see ALIGNED_GAP_EM)
        by_cell = {}
        for c in chars:
            by_cell.setdefault(_cell_of(c, reg.cells) if reg.cells else None, []).append(c)
        edges = sorted({round(x, 1) for c in reg.cells for x in (c[0], c[2])})
        for k, cs in by_cell.items():
            found = chars_to_lines(cs) if k is not None else _aligned_lines(cs, edges)
            for ln in found:
                ln.cell = k
                lines.append(ln)
    # visual rows across cells
    ordered: list[RawLine] = []
    for row in _line_rows(lines):
        for seg, ln in enumerate(sorted(row, key=lambda x: x.x0)):
            ln.segment = seg
            ln.container = rid
            ordered.append(ln)
    return ordered


def _aligned_lines(chars: list[dict], edges: list[float]) -> list[RawLine]:
    """Lines of a table without vertical rules: each row of characters split
    at cell gaps (ALIGNED_GAP_EM, or EDGE_GAP_EM across a header cell edge)."""
    out: list[RawLine] = []
    for row in cluster_rows(chars):
        seg = 0
        for part in split_at_gaps(row, ALIGNED_GAP_EM):
            for piece in _split_at_edges(part, edges):
                ln = build_line(piece)
                if ln is None:
                    continue
                ln.segment = seg
                seg += 1
                out.append(ln)
    return out


def _split_at_edges(part: list[dict], edges: list[float]) -> list[list[dict]]:
    if not edges:
        return [part]
    out: list[list[dict]] = [[]]
    prev = None
    for c in part:
        if not c["text"].isspace():
            if prev is not None and c["x0"] - prev["x1"] >= EDGE_GAP_EM * max(prev["size"], c["size"]) and \
                    any(prev["x1"] - 1 <= x <= c["x0"] + 1 for x in edges):
                out.append([])
            prev = c
        out[-1].append(c)
    return [p for p in out if any(not c["text"].isspace() for c in p)]


def _line_rows(lines: list[RawLine]) -> list[list[RawLine]]:
    """Group lines into visual rows (vertical overlap), top to bottom."""
    proxies = [{"top": x.top, "bottom": x.bottom, "x0": x.x0, "text": "x", "i": i} for i, x in enumerate(lines)]
    return [[lines[p["i"]] for p in row] for row in cluster_rows(proxies)]


def extract_page(page, page_no: int) -> PageResult:
    """Extract one pdfplumber page (its objects are parsed once, here)."""
    objs = page.objects
    raw_chars = [c for c in objs.get("char", []) if c.get("text") is not None]
    # control characters are not text (a terminal escape in a document must
    # not reach the outputs): removed here, counted in a finding
    n_controls = 0
    if any(cjk.CONTROL_CHARS.search(c["text"]) for c in raw_chars):
        kept = []
        for c in raw_chars:
            t, k = cjk.remove_controls(c["text"])
            n_controls += k
            if t:
                kept.append(c if not k else {**c, "text": t})
        raw_chars = kept
    frame = reading_frame(raw_chars, float(page.width), float(page.height))
    if max((len(c["text"]) for c in raw_chars), default=0) > 1:    # "(cid:N)" texts are longer than one character
        unmapped = [is_unmapped(c["text"]) for c in raw_chars]
        n_unmapped = sum(unmapped)
        chars = [frame.char(c) for c, u in zip(raw_chars, unmapped) if not u]
    else:
        n_unmapped = 0
        chars = list(map(frame.char, raw_chars))
    edges, fills = _edges_and_fills(objs, frame)
    images = [frame.box(i["x0"], i["top"], i["x1"], i["bottom"]) for i in objs.get("image", [])]
    drafts = find_regions(edges, fills, chars, frame.width, frame.height)

    groups: dict[int | None, list[dict]] = {}
    if drafts:
        for c in chars:
            groups.setdefault(_owner(c, drafts), []).append(c)
    elif chars:
        groups[None] = list(chars)
    # the body's rows, built once: for tables drawn with no rule at all, and
    # for the body lines (as chars_to_lines builds them)
    rows = cluster_rows(groups.get(None, []))
    # a shaded band of text may be the header row of such a table
    shaded = [k for k, d in enumerate(drafts) if d.kind == "shaded_box"]
    look = rows if not shaded else cluster_rows(groups.get(None, []) + [c for k in shaded for c in groups.get(k, [])])
    plain = aligned_tables(look, [e["top"] for e in edges if e["orientation"] == "h" and e["x1"] - e["x0"] > 0.3 * frame.width])
    if plain:
        for p in plain:
            # a shaded band right on top of the table and across it is its
            # title (or header) row, set apart from the rows by its shading
            for d in drafts:
                if d.kind == "shaded_box" and d.x0 <= p.x0 + 1 and d.x1 >= p.x1 - 1 and \
                        0 <= p.top - d.bottom <= 0.5 * _body_em(groups.get(None, [])) and d.top < p.top:
                    p.top = d.top
        drafts = [d for d in drafts if not (d.kind == "shaded_box" and any(
            p.x0 - 1 <= (d.x0 + d.x1) / 2 <= p.x1 + 1 and p.top - 1 <= (d.top + d.bottom) / 2 <= p.bottom + 1
            for p in plain))]
        drafts = sorted(drafts + plain, key=lambda r: (r.top, r.x0))
        groups = {}
        for c in chars:
            groups.setdefault(_owner(c, drafts), []).append(c)
        body = chars_to_lines(groups.get(None, []))
    else:
        body = [ln for ln in map(build_line, rows) if ln is not None]

    # reading order: body lines and regions (each a block) by their top
    blocks: list[tuple[float, float, list[RawLine]]] = []
    for ln in body:
        blocks.append((ln.top, ln.x0, [ln]))
    regions: list[Region] = []
    for k, d in enumerate(drafts):
        cs = groups.get(k, [])
        if not cs:
            continue          # decorative frame or grid without text
        rid = len(regions)
        if d.kind in ("table", "rule_table"):
            lines = _table_lines(cs, d, rid)
        else:
            lines = chars_to_lines(cs)
            for ln in lines:
                ln.container = rid
        cells = []
        for ci, (x0, top, x1, bottom) in enumerate(d.cells):
            text = "\n".join(x.text for x in sorted((x for x in lines if x.cell == ci), key=lambda x: (x.top, x.x0)))
            cells.append(Cell(x0=x0, top=top, x1=x1, bottom=bottom, text=text))
        regions.append(Region(region_id=rid, page=page_no, kind=d.kind, x0=d.x0, top=d.top, x1=d.x1,
                              bottom=d.bottom, cells=cells, rules=list(d.rules), rule_x0=list(d.rule_x0),
                              rule_x1=list(d.rule_x1)))
        blocks.append((d.top, d.x0, lines))
    blocks.sort(key=lambda b: (b[0], b[1]))
    ordered = [ln for _, _, ls in blocks for ln in ls]
    rotation = (int(getattr(page, "rotation", 0) or 0) + frame.rot) % 360
    return PageResult(page=page_no, width=frame.width, height=frame.height, rotation=rotation,
                      lines=ordered, regions=regions, floats=images,
                      n_chars=len(raw_chars), n_unmapped=n_unmapped, n_images=len(images),
                      images=page_images(objs.get("image", []), frame, page_no, chars),
                      n_glyphs=sum(1 for c in chars if not c["text"].isspace() and c["text"] != ""),
                      n_controls=n_controls)


def _body_em(chars: list[dict]) -> float:
    """The most common character size among ``chars`` (10 when none)."""
    sizes: dict[float, int] = {}
    for c in chars:
        k = round(c["size"], 1)
        sizes[k] = sizes.get(k, 0) + 1
    return max(sizes, key=lambda k: (sizes[k], k)) if sizes else 10.0


def page_images(objs: list[dict], frame: Frame, page_no: int, chars: list[dict]) -> list[PageImage]:
    """Every image object of the page as a :class:`PageImage` (box in the
    reading frame; ``kind`` ``scan`` when it covers most of the page).  What
    becomes of it is decided by :mod:`.ocr` (status ``not_read`` until then;
    ``text_layer`` when the page's own characters already cover it, as in a
    scan that was OCR'd before, with its text laid invisibly over the picture)."""
    out = []
    area = max(frame.width * frame.height, 1.0)
    for k, im in enumerate(objs, start=1):
        x0, top, x1, bottom = frame.box(im["x0"], im["top"], im["x1"], im["bottom"])
        x0, top = max(x0, 0.0), max(top, 0.0)
        x1, bottom = min(x1, frame.width), min(bottom, frame.height)
        if x1 <= x0 or bottom <= top:
            continue            # drawn off the page
        kind = "scan" if (x1 - x0) * (bottom - top) >= 0.5 * area else "picture"
        inside = sum(1 for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1
                     and top <= (c["top"] + c["bottom"]) / 2 <= bottom and not c["text"].isspace())
        status = "text_layer" if inside >= TEXT_LAYER_CHARS else "not_read"
        out.append(PageImage(page=page_no, image_no=k, x0=round(x0, 2), top=round(top, 2), x1=round(x1, 2),
                             bottom=round(bottom, 2), kind=kind, status=status,
                             reason=f"{inside} characters of the text layer lie on it" if inside >= TEXT_LAYER_CHARS
                             else None))
    return out


#: An image with at least this many text-layer characters on it is already
#: read (a scan OCR'd before, with invisible text over the picture; a
#: background picture under body text).
TEXT_LAYER_CHARS = 20
