"""Page results → document Lines: the document-level measurements that no
single page can make.

* the body font size, the normal line pitch of every font size, and the
  body text margins of every page shape (portrait/landscape, odd/even);
* ``indent`` (em from the left margin of the line's flow: the body margin,
  or the inner margin of its box) and ``gap_before`` (extra vertical space
  before a line beyond the normal line pitch, in line heights, measured
  against the previous line of the same flow on the same page; unknown when
  a float sits in between or at the top of a page);
* page furniture, found by position *and* repetition: page numbers in any
  of the usual forms (:data:`pipeline.cjk.PAGE_NUMBER`) at the top or bottom
  of several pages, running headers/footers whose text (digits ignored)
  recurs at the same height on several pages;
* global reading order and region ids.
"""

from __future__ import annotations

from collections import Counter

import regex as re

from .. import cjk
from ..model import Line, PageInfo, Region
from .pdfpage import PageResult

BAND = 0.2             # top/bottom fraction of the page where furniture lives
EDGE_LINES = 2         # furniture is among the first/last lines of a page


def _mode(values, default=None):
    if not values:
        return default
    c = Counter(values)
    return max(c.items(), key=lambda kv: (kv[1], -kv[0] if isinstance(kv[0], (int, float)) else 0))[0]


def _shape(p: PageResult) -> tuple[int, int]:
    return round(p.width), round(p.height)


def body_font_size(pages: list[PageResult]) -> float:
    """Most common font size of body (non-region) text, weighted by characters."""
    c: Counter = Counter()
    for p in pages:
        for ln in p.lines:
            if ln.container is None:
                c[round(ln.font_size, 1)] += ln.n_chars
    return float(max(c.items(), key=lambda kv: (kv[1], kv[0]))[0]) if c else 12.0


def line_pitches(pages: list[PageResult]) -> dict[float, float]:
    """Normal baseline-to-baseline distance per font size (the most common
    distance between consecutive lines of that size in one flow)."""
    dists: dict[float, list[float]] = {}
    for p in pages:
        prev = {}
        for ln in p.lines:
            if ln.segment:
                continue
            key = ln.container
            a = prev.get(key)
            size = round(ln.font_size, 1)
            if a is not None and round(a.font_size, 1) == size:
                d = ln.top - a.top
                if 1.0 * size <= d <= 3.0 * size:
                    dists.setdefault(size, []).append(round(d * 2) / 2)
            prev[key] = ln
    return {s: float(_mode(v)) for s, v in dists.items()}


def _pitch(pitches: dict[float, float], size: float) -> float:
    return pitches.get(round(size, 1)) or 1.5 * size


def _beyond_rules(p: PageResult, ln) -> bool:
    """A line of a rule table above its first rule or below its last: text
    the page took for the end of a row cut by the page break, which may as
    well be a running header or footer (the rule under a running header can
    be the table's first); the pages together tell (:func:`find_furniture`)."""
    r = p.regions[ln.container] if ln.container is not None and ln.container < len(p.regions) else None
    if r is None or r.kind != "rule_table" or len(set(r.rules)) < 2:
        return False            # a lone rule: the rows above it are the table's (its bottom rule)
    return ln.bottom <= min(r.rules) + 0.5 or ln.top >= max(r.rules) - 0.5


def find_furniture(pages: list[PageResult]) -> dict[tuple[int, int], str]:
    """(page index, line index) → ``page_number``/``header``/``footer``."""
    cands: list[tuple[int, int, str, object]] = []   # (pi, li, band, line)
    for pi, p in enumerate(pages):
        body = [(li, ln) for li, ln in enumerate(p.lines) if ln.container is None or _beyond_rules(p, ln)]
        body.sort(key=lambda t: t[1].top)
        for k, (li, ln) in enumerate(body):
            if k < EDGE_LINES and ln.bottom <= BAND * p.height:
                cands.append((pi, li, "top", ln))
            elif k >= len(body) - EDGE_LINES and ln.top >= (1 - BAND) * p.height:
                cands.append((pi, li, "bottom", ln))
    out: dict[tuple[int, int], str] = {}
    n_pages = len(pages)
    # page numbers: the pattern, on more than one page in the same band
    # (a number in a table is a cell: only a repeated text of a table's edge is furniture)
    pn = [(pi, li, band) for pi, li, band, ln in cands
          if ln.container is None and cjk.PAGE_NUMBER.fullmatch(ln.text.strip())]
    per_band = Counter(band for _, _, band in pn)
    for pi, li, band in pn:
        if per_band[band] >= 2 or n_pages <= 2:
            out[(pi, li)] = "page_number"
    # running headers/footers: same text (digits aside) at the same height
    def key(ln) -> str:
        return re.sub(r"\d+", "#", cjk.strip_all_space(ln.text))

    groups: dict[tuple[str, str], list[tuple[int, int, object]]] = {}
    for pi, li, band, ln in cands:
        if (pi, li) in out:
            continue
        groups.setdefault((band, key(ln)), []).append((pi, li, ln))
    need = 3 if n_pages >= 6 else 2
    slots: set[tuple[str, int, float]] = set()     # (band, y, size) of confirmed furniture
    for (band, _), occ in groups.items():
        ys = Counter(round(ln.top) for _, _, ln in occ)
        y, n = ys.most_common(1)[0]
        if len({pi for pi, _, _ in occ}) >= need and n >= need:
            for pi, li, ln in occ:
                if abs(round(ln.top) - y) <= 2:
                    out[(pi, li)] = "header" if band == "top" else "footer"
                    slots.add((band, y, round(ln.font_size, 1)))
    # a one-off running header (a chapter that fills one page) at a confirmed slot
    for pi, li, band, ln in cands:
        if (pi, li) not in out and any(b == band and abs(round(ln.top) - y) <= 2 and s == round(ln.font_size, 1)
                                       for b, y, s in slots):
            out[(pi, li)] = "header" if band == "top" else "footer"
    return out


def _margins(pages: list[PageResult], furniture: dict, size: float) -> dict[int, tuple[float, float]]:
    """Body text margins (left, right) per page index, from the page's shape
    group (same size; odd/even pages apart when they differ)."""
    groups: dict[tuple, list[tuple[float, float]]] = {}
    for pi, p in enumerate(pages):
        for li, ln in enumerate(p.lines):
            if ln.container is None and (pi, li) not in furniture and abs(ln.font_size - size) < 0.6:
                groups.setdefault(_shape(p) + (p.page % 2,), []).append((ln.x0, ln.x1))
                groups.setdefault(_shape(p), []).append((ln.x0, ln.x1))
    def measure(xs: list[tuple[float, float]]) -> tuple[float, float]:
        # the most common left and right edges (a few lines: the extremes),
        # as the median of the exact values that round to them
        lefts = [round(a) for a, _ in xs]
        rights = [round(b) for _, b in xs]
        left, right = _mode(lefts), _mode(rights)
        la = sorted(a for a, _ in xs if round(a) == left)
        rb = sorted(b for _, b in xs if round(b) == right)
        lv = la[len(la) // 2] if len(la) >= 3 else min(a for a, _ in xs)
        rv = rb[len(rb) // 2] if len(rb) >= 3 else max(b for _, b in xs)
        return round(lv, 2), round(rv, 2)

    measured = {key: measure(xs) for key, xs in groups.items()}
    out = {}
    for pi, p in enumerate(pages):
        key = _shape(p) + (p.page % 2,)
        if len(groups.get(key, [])) < 10:
            key = _shape(p)
        if key in measured:
            out[pi] = measured[key]
        else:
            xs = [(ln.x0, ln.x1) for li, ln in enumerate(p.lines) if (pi, li) not in furniture] or [(0.0, p.width)]
            out[pi] = measure(xs)
    return out


def _floats_between(p: PageResult, regions: list[Region], a, b) -> bool:
    """A float (another region or an image) sits between lines ``a`` and ``b``."""
    lo, hi = a.bottom, b.top
    boxes = [(r.x0, r.top, r.x1, r.bottom) for r in regions if r.region_id != b.container] + list(p.floats)
    return any(top < hi and bottom > lo and x1 > min(a.x0, b.x0) and x0 < max(a.x1, b.x1)
               for x0, top, x1, bottom in boxes)


def assemble(pages: list[PageResult]) -> tuple[list[Line], list[Region], list[PageInfo]]:
    """Page results (in page order) → Lines with global order, furniture,
    indents and gaps; Regions with global ids; PageInfo."""
    size = body_font_size(pages)
    pitches = line_pitches(pages)
    furniture = find_furniture(pages)
    margins = _margins(pages, furniture, size)
    lines: list[Line] = []
    regions: list[Region] = []
    infos: list[PageInfo] = []
    for pi, p in enumerate(pages):
        base = len(regions)
        page_regions = []
        for r in p.regions:
            page_regions.append(Region(region_id=base + r.region_id, page=p.page, kind=r.kind, x0=r.x0,
                                       top=r.top, x1=r.x1, bottom=r.bottom, cells=r.cells, rules=r.rules,
                                       rule_x0=r.rule_x0, rule_x1=r.rule_x1))
        regions.extend(page_regions)
        left, right = margins[pi]
        infos.append(PageInfo(page=p.page, width=p.width, height=p.height, rotation=p.rotation,
                              body_left=left, body_right=right, body_font_size=size))
        region_left = {}
        for ln in p.lines:
            if ln.container is not None:
                region_left[ln.container] = min(region_left.get(ln.container, ln.x0), ln.x0)
        prev: dict = {}
        for li, ln in enumerate(p.lines):
            fur = furniture.get((pi, li))
            # furniture the page had put above (or below) a table's rules stays out of it
            rid = None if ln.container is None or (fur is not None and _beyond_rules(p, ln)) else base + ln.container
            pitch = _pitch(pitches, ln.font_size)
            gap = None
            a = prev.get(ln.container)
            if fur is None and ln.segment == 0:
                if a is not None and not _floats_between(p, p.regions, a, ln):
                    expected = a.top + _pitch(pitches, a.font_size)
                    gap = round(max(0.0, (ln.top - expected) / pitch), 2)
                prev[ln.container] = ln
            lm = left if ln.container is None else region_left[ln.container]
            lines.append(Line(
                order=len(lines), page=p.page, text=ln.text, width=cjk.display_width(ln.text),
                indent=round((ln.x0 - lm) / ln.font_size, 2), segment=ln.segment, gap_before=gap,
                x0=round(ln.x0, 2), x1=round(ln.x1, 2), top=round(ln.top, 2), bottom=round(ln.bottom, 2),
                font_size=ln.font_size, font_name=ln.font_name, bold=ln.bold, line_height=pitch,
                region=rid, furniture=fur, ocr=ln.ocr, ocr_confidence=ln.ocr_confidence))
    return lines, regions, infos
