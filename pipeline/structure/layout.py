"""Layout features of lines, shared by the text and PDF paths.

The structure stage never looks at raw coordinates or raw widths directly;
it asks this module whether a line is *short* (ends before the right margin
of its zone), *indented* (starts a paragraph by its first-line indent) and
*wide* (longer than a body line: a box or note in a smaller font).

* Text input carries only display widths: the body line width ``body_full``
  is the most common width, ``box_full`` the most common width well above it
  (boxes use a smaller font, e.g. 38 characters against 28).  The first line
  of a paragraph is two characters shorter (first-line indent).  Text whose
  lines are not hard-wrapped (one sentence or paragraph per line) is detected
  and then only indentation and blank lines separate paragraphs.
* PDF input carries x0/x1 and font size: margins are measured per page and
  per region (box), indentation and shortness in units of the font size.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .. import cjk
from ..model import Extracted, Line, Region


@dataclass(slots=True)
class LineInfo:
    """Layout features of one line (index-aligned with the line list)."""

    short: bool            # ends clearly before the right margin of its zone
    very_short: bool       # so short that no wrapped line can end there unless it ends a unit
    indented: bool | None  # starts with a first-line indent (None: unknown)
    indent_width: bool     # width typical of an indented first line (text heuristic)
    wide: bool             # wider than a body line (box/note typography)
    full: float            # full width of its zone (characters)
    emphasis: bool = False  # PDF: bold / larger than body / centred


@dataclass(slots=True)
class Layout:
    wrapped: bool           # lines are hard-wrapped at a fixed width
    geometric: bool         # PDF geometry available
    body_full: float
    box_full: float | None
    info: list[LineInfo]
    regions: dict[int, Region]
    body_size: float | None = None   # PDF: font size of the body text
    body_font: str | None = None     # PDF: typeface of the body text (most characters)
    indents_mark_paragraphs: bool = False  # PDF: every paragraph opens with a first-line indent

    def set_apart(self, ln: Line) -> bool:
        """PDF: the line's typography differs from the body text's — emphasis
        (bold, larger, centred) or another typeface (a 楷体 section heading
        set at body size, a chapter heading in a sans face)."""
        if not self.geometric:
            return False
        return self.info[ln.order].emphasis or (self.body_font is not None and ln.font_name is not None
                                                and ln.font_name != self.body_font)


def _mode(values: list[float]) -> float | None:
    if not values:
        return None
    c = Counter(round(v) for v in values)
    best = max(c.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return float(best)


def analyse(ex: Extracted) -> Layout:
    """Compute :class:`LineInfo` for every line of ``ex``."""
    lines = ex.lines
    regions = {r.region_id: r for r in ex.regions}
    geometric = bool(lines) and all(x.x0 is not None for x in lines)
    if geometric:
        return _analyse_pdf(ex, regions)
    return _analyse_text(lines, regions)


def _analyse_text(lines: list[Line], regions: dict[int, Region]) -> Layout:
    widths = [x.width for x in lines if x.width >= 10 and not x.furniture]
    body_full = _mode(widths) or 28.0
    near = sum(1 for w in widths if abs(w - body_full) <= 1.5)
    # hard-wrapped text has no line far longer than its wrap width (boxes and
    # notes in a smaller font run ~1.4×); one paragraph per line with many
    # short heading lines has a width mode too, but long lines as well
    far = sum(1 for w in widths if w > 1.6 * body_full + 4)
    wrapped = len(widths) > 0 and near >= 0.3 * len(widths) and body_full >= 12 and far <= 0.1 * len(widths)
    box_full = None
    wide_from = float("inf")
    if wrapped:
        # box lines: clearly wider than any body line; their full width is
        # the most common width of box lines that do not end a paragraph
        cand = [x.width for x in lines if x.width >= body_full + 5 and not x.furniture
                and not cjk.ends_sentence(x.text)]
        if len(cand) >= 8:
            box_full = _mode(cand)
            wide_from = body_full + 0.55 * (box_full - body_full)
    info = []
    for x in lines:
        is_wide = x.width >= wide_from
        full = box_full if is_wide else body_full
        if wrapped:
            short = x.width < full - 1.5
            very_short = x.width < full - 4
            indent_width = full - 3.1 <= x.width <= full - 1
        else:
            short = very_short = True
            indent_width = False
        indented = None if x.indent is None else x.indent >= 1.5
        info.append(LineInfo(short, very_short, indented, indent_width, is_wide, full))
    return Layout(wrapped, False, body_full, box_full, info, regions)


def _analyse_pdf(ex: Extracted, regions: dict[int, Region]) -> Layout:
    lines = ex.lines
    pages = {p.page: p for p in ex.pages}
    # margins per (page, region): the most common x0 is the left margin, the
    # largest common x1 the right margin.
    groups: dict[tuple[int, int | None], list[Line]] = {}
    for x in lines:
        groups.setdefault((x.page, x.region), []).append(x)
    # body font size: measured by extract over body text (weighted by
    # characters: table cells are many short lines in a small font)
    body_size = next((p.body_font_size for p in ex.pages if p.body_font_size), None)
    if body_size is None:
        sizes = [x.font_size for x in lines if x.font_size and not x.furniture and x.region is None]
        body_size = _mode(sizes) or 12.0
    margins: dict[tuple[int, int | None], tuple[float, float]] = {}
    for key, grp in groups.items():
        pi = pages.get(key[0])
        xs0 = [x.x0 for x in grp]
        xs1 = [x.x1 for x in grp]
        if key[1] is None and pi and pi.body_left is not None and pi.body_right is not None:
            margins[key] = (pi.body_left, pi.body_right)
        else:
            margins[key] = (min(xs0), max(xs1))
    info = []
    for x in lines:
        left, right = margins[(x.page, x.region)]
        em = x.font_size or body_size
        indent = (x.x0 - left) / em
        gap_right = (right - x.x1) / em
        in_box = x.region is not None and regions.get(x.region) is not None and \
            regions[x.region].kind in ("box", "shaded_box")
        centred = abs((x.x0 - left) - (right - x.x1)) < 1.5 * em and indent > 2
        emph = bool(x.bold) or (x.font_size or 0) > body_size * 1.1 or centred
        info.append(LineInfo(
            short=gap_right > 1.2, very_short=gap_right > 4, indented=indent >= 1.2,
            indent_width=False, wide=in_box, full=(right - left) / em, emphasis=emph))
    fonts: Counter = Counter()
    for x in lines:
        if x.region is None and not x.furniture and x.font_name:
            fonts[x.font_name] += len(x.text)
    body_font = max(fonts.items(), key=lambda kv: (kv[1], kv[0]))[0] if fonts else None
    return Layout(True, True, 0.0, None, info, regions, body_size, body_font,
                  _indents_mark_paragraphs(lines, info))


def _indents_mark_paragraphs(lines: list[Line], info: list[LineInfo]) -> bool:
    """PDF: does this document open every paragraph with a first-line indent?

    Measured on the surest paragraph ends — a body line that ends a sentence
    well before the right margin, followed by a body line on the same page:
    when nearly all of those next lines are indented, indentation is what
    separates paragraphs, and a short line that does not end a sentence is a
    line the typesetter broke early (ragged right, an unbreakable run of
    digits or quotes), not a paragraph end."""
    ends = indented = 0
    for a, b in zip(lines, lines[1:]):
        if a.region is not None or b.region is not None or a.furniture or b.furniture or b.segment or \
                a.page != b.page:
            continue
        if info[a.order].very_short and cjk.ends_sentence(a.text) and cjk.match_numbering(b.text) is None:
            ends += 1
            indented += bool(info[b.order].indented)
    return ends >= 10 and indented >= 0.9 * ends
