"""Layout features of lines, shared by the text and PDF paths.

The structure stage never looks at raw coordinates or raw widths directly;
it asks this module whether a line is *short* (ends before the right margin
of its zone), *indented* (starts a paragraph by its first-line indent) and
*wide* (longer than a body line: a box or note in a smaller font).

* Text input carries only display widths, so its style sheet is measured
  per document from the line-width distribution of the body flow
  (furniture, table regions and Markdown headings left out): the body width
  is the most common width and the text is hard-wrapped when a good share of
  lines have it; the printed width of each character class (punctuation,
  curly quotes, narrow characters, extraction spaces) is fitted to the lines
  that fill the measure; the first-line indent is how much shorter than a
  full line the line after a clear paragraph end is; the box width is the
  second common width (wider lines: a smaller font; or runs of narrower lines:
  a box in the body font inset by its border).  Each line's first
  unbreakable piece (:func:`cjk.lead_token`) lets the paragraph rule ask
  whether a line ended by choice.  Text whose lines are whole paragraphs is
  not wrapped; its box lines are those of a Markdown box region, or a
  different indentation style after a 专栏 title (:func:`_style_boxes`).
* PDF input carries x0/x1 and font size: margins are measured per page and
  per region (box), indentation and shortness in units of the font size.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import regex as re

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
    lead: float = 0.0       # text: printed width of the line's first unbreakable piece (cjk.lead_token)
    measure: float = 0.0    # text: printed width of the line (fitted per document, see _width_model)


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
    first_indent: float = 0.0        # text: first-line indent measured from the widths (characters)
    box_exact: bool = False          # text: ``wide`` marks box lines exactly (a Markdown box region, or
                                     # whole-paragraph lines whose indentation style is not the body's)


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


def _mode_share(values: list[float], centre: float, tol: float) -> float:
    return sum(1 for v in values if abs(v - centre) <= tol) / max(1, len(values))


def _first_indent(flow: list[Line], body_full: float, measure: dict[int, float]) -> float:
    """The first-line indent of hard-wrapped text whose indentation is not
    visible, in characters: how much shorter than a full line the line after
    a clear paragraph end is (the line after a short line that ends a
    sentence, when it runs on itself).  0 when paragraphs are not indented."""
    deficits: Counter = Counter()
    for a, b in zip(flow, flow[1:], strict=False):
        if b.segment or not cjk.ends_sentence(a.text) or a.width >= body_full - 4:
            continue
        w = measure[b.order]
        if cjk.ends_sentence(b.text) or not body_full - 6 <= w <= body_full + 0.5:
            continue
        deficits[max(0, round(body_full - w))] += 1
    if not deficits:
        return 0.0
    best, n = max(deficits.items(), key=lambda kv: (kv[1], -kv[0]))
    return float(best) if n >= 0.3 * sum(deficits.values()) else 0.0


#: Titles and labels (专栏 titles, entry labels such as ``1、轨道交通``) are short:
#: a heading is never longer than this many characters.
LABEL_WIDTH = 40


def _style_boxes(flow: list[Line], full: float) -> set[int]:
    """Text whose lines are whole paragraphs (a web page copied, one
    paragraph per line) can still carry the page's styles as indentation:
    body paragraphs indented with ``　　`` and the cells of a 专栏 table not,
    or the other way round.  The body style is the indentation most
    paragraph lines share; box lines are runs of paragraph lines of the other
    style that begin after a 专栏 title (``专栏3 …``) and go on through entry
    labels (``1、轨道交通``).  (Elsewhere lines of the other style are body
    text: a paragraph's first line after a heading, a line the extraction
    broke off a paragraph.)"""
    def label(x: Line) -> bool:
        # short, no punctuation at its end, and no sentence in it
        return _bare_end(x.text) and x.width <= min(0.5 * full, LABEL_WIDTH) and \
            not any(c in cjk.SENTENCE_END or c in "，," for c in x.text)

    paras = [x for x in flow if x.indent is not None and not x.segment and cjk.ends_sentence(x.text)
             and x.text[:1] not in cjk.NO_LINE_START]
    if len(paras) < 10:
        return set()
    n_ind = sum(1 for x in paras if x.indent >= 1.5)
    body_indented = n_ind >= 0.5 * len(paras)
    share = n_ind / len(paras) if body_indented else 1 - n_ind / len(paras)
    if share < 0.7:
        return set()
    box: set[int] = set()
    run = False
    for x in flow:
        if x.indent is None or x.segment:
            run = False
            continue
        if cjk.COLUMN_TITLE.match(x.text) or (run and label(x)):
            run = True                  # a 专栏 title, or an entry label inside: box lines may follow
            continue
        styled = (x.indent >= 1.5) != body_indented and cjk.ends_sentence(x.text) and \
            x.text[:1] not in cjk.NO_LINE_START
        if run and styled:
            box.add(x.order)
        else:
            run = False
    return box


def _bare_end(text: str) -> bool:
    """The line ends with a character, not a mark (a label or title)."""
    t = text.rstrip()
    return bool(t) and (cjk.is_ideograph(t[-1]) or t[-1].isalnum())


def _body_upper(flow: list[Line], body_full: float, measure: dict[int, float]) -> float:
    """The widest common width of body lines that run on: the body width,
    or a little more where punctuation is squeezed to fit a line."""
    counts = Counter(round(measure[x.order]) for x in flow if not cjk.ends_sentence(x.text))
    base = counts.get(round(body_full), 0)
    upper = body_full
    while counts.get(round(upper + 1), 0) >= 0.05 * base:
        upper += 1
    return upper


def _box_width(flow: list[Line], body_full: float, indent: float,
               measure: dict[int, float]) -> tuple[float | None, set[int]]:
    """The second text width of the document (box entries, notes set in
    another size or measure), and the lines set at it.

    Wider boxes (a smaller font) are recognised line by line: the most common
    printed width of lines that run on (do not end a sentence) clearly above
    the body width.  A narrower measure (a box in the body font, inset by its
    border) is only visible as *runs* of consecutive run-on lines of one
    width below the body's; those runs and the first and last line of their
    units are the box lines."""
    wide = [measure[x.order] for x in flow if measure[x.order] >= body_full + 2 and not cjk.ends_sentence(x.text)]
    if len(wide) >= 8:
        counts = Counter(round(w) for w in wide)
        best = _mode(wide)
        if best is not None and counts[best] >= 8:
            # box entries are short: their first lines (shorter by the
            # indent) can outnumber the full ones
            if indent >= 1 and counts.get(round(best + indent), 0) >= 0.5 * counts[best]:
                best += round(indent)
            return float(best), set()
    # a narrower measure: the most common width of run-on lines a little
    # below the body width, seen in runs of consecutive lines
    narrow = Counter(round(measure[x.order]) for x in flow
                     if not cjk.ends_sentence(x.text) and body_full - 6 <= measure[x.order] <= body_full - 1.5)
    if not narrow:
        return None, set()
    w = float(max(narrow.items(), key=lambda kv: (kv[1], kv[0]))[0])
    lo, hi = w - indent - 1.5, w + 0.75
    box: set[int] = set()
    k = 0
    while k < len(flow):
        j = k
        while j < len(flow) and lo <= measure[flow[j].order] <= hi and not cjk.ends_sentence(flow[j].text) \
                and flow[j].segment == 0:
            j += 1
        if j - k >= 2:
            box.update(x.order for x in flow[k:j])
            if j < len(flow) and measure[flow[j].order] <= hi:
                box.add(flow[j].order)       # the unit's last line
        k = max(j, k + 1)
    if len(box) < 8:
        return None, set()
    return w, box


# Character classes of the printed-width model (see :func:`_width_model`).
_QUOTES = frozenset("“”‘’")


_NOT_HAN = re.compile(r"[^\p{Han}〇]")


def _classes(text: str) -> tuple[int, int, int, int, int]:
    """(ideographs, other wide characters, curly quotes, narrow (ASCII)
    characters, spaces) of a line.  Runs over every line of a document, so
    only the few characters that are not ideographs are looked at one by one."""
    t = text.strip()
    p = q = a = s = 0
    others = _NOT_HAN.findall(t)
    for c in others:
        if c == " ":
            s += 1
        elif c in _QUOTES:
            q += 1
        elif "!" <= c <= "~":
            a += 1
        else:
            p += 1
    return len(t) - len(others), p, q, a, s


_DEFAULT_MODEL = (1.0, 1.0, 1.0, 0.5, 0.5)


def _width_model(flow: list[Line], body_full: float, cls: dict[int, tuple[int, ...]]) -> tuple[float, ...]:
    """How wide each character class prints in this document, in ideograph
    widths, fitted to the lines that run on to the next one (they fill the
    measure): ``(1, punctuation, quotes, narrow, space)``.

    Why: the display width (CJK 1, ASCII ½) is only a convention.  Fonts set
    curly quotes full- or half-width, digits at 0.5–0.7 of an ideograph, and
    an extraction's spaces stand for gaps of any size; the fitted widths make
    a full line come out at the body width whatever the font.  A trimmed
    least-squares fit: lines that are not full (first lines of paragraphs,
    lines shortened by a line-breaking rule) drop out as outliers.  Classes
    too rare to be fitted keep the display width."""
    rows = [cls[x.order] for x in flow
            if not cjk.ends_sentence(x.text) and body_full - 3 <= x.width <= body_full + 2.5 and x.segment == 0]
    if len(rows) < 20:
        return _DEFAULT_MODEL
    use = [k for k in range(1, 5) if sum(1 for r in rows if r[k] > 0) >= 10]
    if not use:
        return _DEFAULT_MODEL
    fixed = [k for k in range(1, 5) if k not in use]

    def rest(r: tuple[int, ...]) -> float:          # the width the fitted classes must make up
        return body_full - r[0] - sum(r[k] * _DEFAULT_MODEL[k] for k in fixed)

    keep = [True] * len(rows)
    coef = [_DEFAULT_MODEL[k] for k in use]
    for _ in range(4):
        if sum(keep) < 10:
            break
        kept = [r for r, k in zip(rows, keep, strict=True) if k]
        coef = _least_squares([[float(r[k]) for k in use] for r in kept], [rest(r) for r in kept])
        keep = [abs(rest(r) - sum(r[k] * c for k, c in zip(use, coef, strict=True))) < 0.75 for r in rows]
    model = list(_DEFAULT_MODEL)
    for k, c in zip(use, coef, strict=True):
        # a class can print from nothing (an extraction space) to one ideograph
        model[k] = float(min(1.05, max(0.0, c)))
    return tuple(round(v, 2) for v in model)


def _least_squares(a: list[list[float]], y: list[float]) -> list[float]:
    """Least-squares solution of ``a x = y`` for a handful of unknowns, by
    the normal equations with a vanishing ridge (a column that is all zeros
    gets 0).  Written out because the parse path must not import numpy
    (0.1 s of start-up for a 4×4 system)."""
    n = len(a[0])
    m = [[sum(r[i] * r[j] for r in a) + (1e-9 if i == j else 0.0) for j in range(n)] +
         [sum(r[i] * v for r, v in zip(a, y, strict=True))] for i in range(n)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[piv] = m[piv], m[col]
        p = m[col][col]
        if abs(p) < 1e-12:
            continue
        for r in range(n):
            if r != col and m[r][col]:
                f = m[r][col] / p
                m[r] = [x - f * z for x, z in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] if abs(m[i][i]) >= 1e-12 else 0.0 for i in range(n)]


def _measure(text: str, model: tuple[float, ...], counts: tuple[int, ...] | None = None) -> float:
    """Printed width of ``text`` under ``model`` (``counts``: its classes, if known)."""
    c = counts if counts is not None else _classes(text)
    return c[0] * model[0] + c[1] * model[1] + c[2] * model[2] + c[3] * model[3] + c[4] * model[4]


def _indent_threshold(flow: list[Line]) -> float:
    """Leading whitespace (in character widths) from which a text line is
    indented.  A first-line indent is printed as two ideographic spaces
    (2.0) by most extractions, but a layout-preserving one (``pdftotext
    -layout``) writes it as a couple of ASCII spaces (1.0): the document's
    own most common indent sets the scale."""
    c: Counter = Counter(round(x.indent * 2) / 2 for x in flow if x.indent and 0.5 <= x.indent <= 4)
    if not c:
        return 1.5
    common = max(c.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    return min(1.5, 0.75 * common)


def _analyse_text(lines: list[Line], regions: dict[int, Region]) -> Layout:
    """Text input: the style sheet is measured from the line-width
    distribution of the body flow (furniture and table regions left out):
    the body width is the most common width, the text is hard-wrapped when a
    good share of lines have that width, the printed width of each character
    class is fitted (:func:`_width_model`), the first-line indent measured
    (:func:`_first_indent`) and the box width too (:func:`_box_width`)."""
    # Markdown heading lines are never wrapped: they are no measure of the body
    flow = [x for x in lines if not x.furniture and x.region is None and x.markup_level is None]
    widths = [x.width for x in flow if x.width >= 10]
    body_full = _mode(widths) or 0.0
    # hard-wrapped text has no line far longer than its wrap width (boxes and
    # notes in a smaller font run ~1.4×); one paragraph per line with many
    # short heading lines has a width mode too, but long lines as well
    far = sum(1 for w in widths if w > 1.6 * body_full + 4)
    wrapped = len(widths) > 0 and _mode_share(widths, body_full, 1.5) >= 0.3 and body_full >= 12 and \
        far <= 0.1 * len(widths)
    if not wrapped:
        # lines are whole paragraphs: a "full" line is as long as the long
        # ones are (nine in ten lines are shorter)
        all_widths = sorted(x.width for x in flow)
        body_full = all_widths[int(0.9 * (len(all_widths) - 1))] if all_widths else 28.0
    box_full = None
    box_lines: set[int] = set()
    wide_from = float("inf")
    indent = 0.0
    model = _DEFAULT_MODEL
    cls = {x.order: _classes(x.text) for x in lines}
    if wrapped:
        model = _width_model(flow, body_full, cls)
    measure = {x.order: _measure(x.text, model, cls[x.order]) for x in lines}
    if wrapped:
        indent = _first_indent(flow, body_full, measure)
        box_full, box_lines = _box_width(flow, body_full, indent, measure)
        if box_full is not None and box_full > body_full:
            # between the widest body lines and a box entry's first line
            wide_from = max(body_full + 0.5, (_body_upper(flow, body_full, measure) + box_full - indent) / 2)
    # lines the extract stage placed in a box (a Markdown 专栏 body) are box
    # typography whatever their width
    in_box = {x.order for x in lines if x.region is not None and x.region in regions
              and regions[x.region].kind in ("box", "shaded_box")}
    if in_box and box_full is None:
        box_full = body_full or max((x.width for x in lines if x.order in in_box), default=0.0)
    box_lines = box_lines | in_box
    box_exact = bool(in_box)
    if not wrapped and not in_box:
        styled = _style_boxes(flow, body_full)
        if styled:
            box_lines, box_exact = styled, True
            box_full = body_full
    nxt: dict[int, Line] = {}
    for a, b in zip(flow, flow[1:], strict=False):
        nxt[a.order] = b
    leads = {x.order: _measure(cjk.lead_token(x.text), model) for x in lines}
    indent_at = _indent_threshold(flow)
    info = []
    for x in lines:
        is_wide = (measure[x.order] >= wide_from and x.markup_level is None) or x.order in box_lines
        full = box_full if is_wide and box_full is not None else body_full
        lead = leads[x.order]
        if wrapped and x.markup_level is None:
            short = x.width < full - 1.5
            very_short = x.width < full - 4
            # set with a first line's measure: a first-line width, and the
            # next line's first piece would have fitted on a full line
            c = nxt.get(x.order)
            m = measure[x.order]
            # a mark that cannot begin a line may hang past a first line's measure
            hang = _measure(x.text.rstrip()[-1], model) if x.text.rstrip()[-1:] in cjk.NO_LINE_START else 0.0
            if hang and m - hang <= full - indent + 0.25 < m:
                m -= hang
            # a first line may end a sentence too, if the next line is a full
            # one (then it cannot be a paragraph's last line)
            runs_on = c is not None and (not cjk.ends_sentence(x.text) or measure[c.order] > full - indent + 1)
            indent_width = (indent >= 1 and runs_on and c.segment == 0
                            and full - indent - 1.1 <= m <= full - indent + 1
                            and m + leads[c.order] <= full + 0.25)
        else:
            short = very_short = True
            indent_width = False
        indented = None if x.indent is None else x.indent >= indent_at
        info.append(LineInfo(short, very_short, indented, indent_width, is_wide, full, lead=lead,
                             measure=measure[x.order]))
    return Layout(wrapped, False, body_full, box_full, info, regions, first_indent=indent, box_exact=box_exact)


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
