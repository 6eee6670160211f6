"""专栏 (boxed sidebar) detection: titles, box bodies and list entries.

* A title is a line ``专栏 N …`` that starts a unit (a body sentence that
  mentions “专栏” is not a title).
* The body is found from typography, not position: box text is set in a
  smaller font, so its lines are *wide* (about 38 characters against 28 for
  body text in the seed's extraction; in a PDF the lines sit inside the
  box's rectangle or shading).  A box body usually follows its title, but
  boxes float: when the units after the title are ordinary body text, the
  body is the next run of wide lines before the next title (the seed's
  专栏 7).  Short one-line entries (``1、轨道交通``, ``江门高新港二期。``) are
  part of the box when they sit between box units.
* Entries: numbered (``1.``/``1、`` + text, following unnumbered units
  appended on new lines) or lead-term (``高端机电装备制造。`` + text).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import cjk
from ..model import Line
from .headings import parse_heading
from .layout import Layout
from .paragraphs import is_boundary, join_texts


@dataclass(slots=True)
class ColumnTitle:
    column_no: int
    title: str
    line: Line
    title_lines: list[Line] = field(default_factory=list)
    key: int = 0                  # 1-based index among the document's 专栏


def match_title(text: str) -> tuple[int, str] | None:
    """``专栏 3 高新区…`` → (3, title)."""
    m = cjk.COLUMN_TITLE.match(text.strip())
    if not m:
        return None
    n = cjk.parse_number(m.group(1))
    if n is None:
        return None
    return n, cjk.clean_spaces(m.group(2))


def _stops_box(ln: Line) -> bool:
    """A line that can never be inside a box body (strong heading, another title)."""
    if match_title(ln.text):
        return True
    h = parse_heading(ln.text, standalone=True)
    return h is not None and h.strong


def _units_from(flow: list[Line], start: int, layout: Layout, full: float | None,
                limit: float | None = None) -> list[list[Line]]:
    """Segment ``flow[start:]`` into units (stopping at a strong heading or
    at line order ``limit``)."""
    units: list[list[Line]] = []
    cur: list[Line] = []
    last_no = 0
    for ln in flow[start:]:
        if _stops_box(ln) or (limit is not None and ln.order >= limit):
            break
        # the next entry number after a sentence end opens a new entry
        numbered = cjk.numbered_start(ln.text, last_no + 1) is not None
        if cur and (is_boundary(cur[-1], ln, len(cur) == 1, layout, full) or (
                numbered and (cjk.ends_sentence(cur[-1].text) or layout.info[cur[-1].order].very_short))):
            units.append(cur)
            cur = []
        if numbered and not cur:
            last_no += 1
        cur.append(ln)
    if cur:
        units.append(cur)
    return units


def _boxlike(unit: list[Line], layout: Layout) -> bool:
    body = unit[:-1] if len(unit) > 1 else unit
    n_wide = sum(1 for x in body if layout.info[x.order].wide)
    if n_wide > 0 and n_wide * 2 >= len(body):
        return True
    # a line wider than any body line is box typography, even a unit's last
    # (a box entry that ends on a full box line)
    if not layout.geometric and len(unit) > 1 and layout.info[unit[-1].order].wide and \
            not any(layout.info[x.order].indent_width for x in unit[1:]):
        return True
    return _narrow_unit(unit, layout)


def _narrow_unit(unit: list[Line], layout: Layout) -> bool:
    """Text input whose boxes are set *narrower* than the body (a bordered
    box inside the text block, in the body font): a unit of several lines
    whose full lines are set at the box's measure, all clearly short of a
    full body line, and whose first line is not a paragraph's indented first
    line.  Body paragraphs of justified text reach the body's full width on
    every line but the last."""
    box = layout.box_full
    if layout.geometric or not layout.wrapped or box is None or box >= layout.body_full - 1 or len(unit) < 2:
        return False
    full = unit[:-1]
    if layout.info[unit[0].order].indent_width:
        return False
    measures = [layout.info[x.order].measure or x.width for x in full]
    # below a full body line; near the box's measure (a line may end a few
    # characters early where punctuation may not start the next one)
    return box - 4 <= max(measures) < layout.body_full - 0.5


def _opening_entry(unit: list[Line], layout: Layout) -> bool:
    """Text input: a unit that cannot open a body paragraph here — in a
    document whose paragraphs open with a first-line indent, its first line
    fills the whole line — and that reads like a box entry (lead term or
    number)."""
    if layout.geometric or not layout.wrapped or layout.first_indent < 1 or len(unit) < 2:
        return False
    m = layout.info[unit[0].order].measure or unit[0].width
    return m >= layout.body_full - 0.5 and not layout.info[unit[0].order].indent_width and _item_like(unit)


def _item_like(unit: list[Line]) -> bool:
    t = unit[0].text
    return bool(cjk.arabic_item_number(t) or cjk.LEAD_TERM.match(t))


def take_box(flow: list[Line], start: int, layout: Layout, *, after_title: bool,
             limit: float | None = None) -> list[list[Line]]:
    """The box units that begin at ``flow[start]`` (empty if none).

    Box-typography units are taken (:func:`_boxlike`); a one-line unit is
    taken when the box continues after it (possibly through more one-line
    units), or when it is an entry at the very end of a box followed by a
    heading or the end of the document.  In a numbered box (its first unit
    is entry ``1``) the next entry number continues the box whatever its
    typography: an entry set like a body line is still the next entry.
    Without box typography (``layout.box_full`` is None and no PDF box),
    entries right after the title are taken while they look like list
    entries.
    """
    full = layout.box_full
    units = _units_from(flow, start, layout, full, limit)
    typographic = full is not None or layout.geometric
    first = cjk.arabic_item_number(units[0][0].text) if units else None
    expect = 1 if first is not None and first[0] == 1 and after_title else None

    def entry(u: list[Line]) -> bool:
        """``u`` opens the next entry of a numbered box."""
        num = cjk.arabic_item_number(u[0].text)
        return expect is not None and num is not None and num[0] == expect

    def inside(k: int) -> bool:
        return _boxlike(units[k], layout) or entry(units[k])

    def body_width(u: list[Line]) -> bool:
        """A line of ``u`` (but its last) fills a body line: body typography."""
        return any((layout.info[x.order].measure or x.width) >= layout.body_full - 0.5 and
                   not layout.info[x.order].wide for x in u[:-1])

    taken: list[list[Line]] = []
    i = 0
    while i < len(units):
        u = units[i]
        if entry(u):
            taken.append(u)
            expect += 1
            i += 1
            # a bare label (``7、能源设施``) promises its content: the next unit,
            # unless that is set like the body
            if len(u) == 1 and not cjk.ends_sentence(u[0].text) and i < len(units) and \
                    not entry(units[i]) and not (layout.wrapped and body_width(units[i])):
                taken.append(units[i])
                i += 1
            continue
        if typographic and _boxlike(u, layout):
            taken.append(u)
            i += 1
            continue
        if typographic and not taken and after_title and _opening_entry(u, layout) and i + 1 < len(units) \
                and inside(i + 1):
            # the box's first entry, right under its title, set at a body line's width
            taken.append(u)
            i += 1
            continue
        if typographic and len(u) == 1:
            # chain of one-line units: taken if a box unit follows
            j = i
            while j < len(units) and len(units[j]) == 1 and not inside(j):
                j += 1
            if j < len(units) and inside(j) and (taken or after_title):
                taken.extend(units[i:j])
                i = j
                continue
            if layout.box_exact:
                break        # box typography is known line by line: the box ends here
            end_of_flow = j >= len(units)
            longest = _lead_term_style(taken)
            # one-line entries closing the box: before a heading, or shaped like
            # the lead-term entries of the box itself (``劳动关系。建设…``)
            if taken and (end_of_flow and all(_item_like(x) for x in units[i:j]) or longest is not None and all(
                    _lead_term_entry(x[0], longest) and cjk.ends_sentence(x[0].text) for x in units[i:j])):
                taken.extend(units[i:j])
                i = j
            break
        if not typographic and (after_title or taken) and _item_like(u):
            taken.append(u)
            i += 1
            continue
        break
    return taken


def _lead_term_style(units: list[list[Line]]) -> int | None:
    """The longest lead term the box's style admits, if its entries open
    with lead terms (``公共文化。`` + text: at least two units, and most of
    them, start so; a numbered box does not count), else None.

    A box's lead terms are labels of a kind (街道 names, 产业 names), of
    similar length: twice their (upper) median bounds them, so a short sentence
    that happens to open a line (``引进1所优质品牌重点中学。``) is not one."""
    if not units or cjk.arabic_item_number(units[0][0].text) is not None:
        return None
    sizes = sorted(len(cjk.strip_all_space(m.group(1))) for u in units if (m := cjk.LEAD_TERM.match(u[0].text)))
    if len(sizes) < 2 or 2 * len(sizes) < len(units):
        return None
    return 2 * sizes[len(sizes) // 2]       # the upper median: with few entries, err towards a label


def _lead_term_entry(ln: Line, longest: int) -> bool:
    """``ln`` opens with a lead term no longer than the box's own."""
    m = cjk.LEAD_TERM.match(ln.text)
    return m is not None and len(cjk.strip_all_space(m.group(1))) <= longest


def split_lead_terms(units: list[list[Line]]) -> list[list[Line]]:
    """Split box units where a lead-term entry starts inside one.

    In a box whose entries open with lead terms (``公共文化。`` + text: at
    least two units, and most of them, start so), an entry whose last line
    happens to fill the line shows no paragraph break before the next entry
    in hard-wrapped text.  A line inside a unit then starts a new entry when
    the line before it ends a sentence and it opens with a lead term no
    longer than the box's own lead terms: a complete sentence that short at
    the start of a line, in a box set this way, is the next entry's label.
    Numbered boxes are left alone (their numbers mark the entries)."""
    longest = _lead_term_style(units)
    if longest is None:
        return units
    out: list[list[Line]] = []
    for u in units:
        cur = [u[0]]
        for prev, ln in zip(u, u[1:]):
            if cjk.ends_sentence(prev.text) and _lead_term_entry(ln, longest):
                out.append(cur)
                cur = []
            cur.append(ln)
        out.append(cur)
    return out


def build_items(units: list[list[Line]]) -> list[tuple[str | None, list[list[Line]]]]:
    """Group box units into entries: [(label or None, units)].

    Numbered mode when the first unit is numbered (``1.``/``1、``): each
    numbered unit opens an entry and unnumbered units join it.  Otherwise
    every unit with a lead term is an entry labelled by its lead term; a
    unit without one — or with one far longer than the box's lead terms
    (:func:`_lead_term_style`) — joins the previous entry (or is an
    unlabelled entry).
    """
    items: list[tuple[str | None, list[list[Line]]]] = []
    numbered = bool(units) and cjk.arabic_item_number(units[0][0].text) is not None
    longest = None if numbered else _lead_term_style(units)
    for u in units:
        text = u[0].text
        if numbered:
            num = cjk.arabic_item_number(text)
            if num or not items:
                items.append((str(num[0]) if num else None, [u]))
            else:
                items[-1][1].append(u)
        else:
            m = cjk.LEAD_TERM.match(join_texts([x.text for x in u]))
            if m and items and longest is not None and len(cjk.strip_all_space(m.group(1))) > longest:
                m = None          # a sentence, not a lead term of this box: the entry goes on
            if m:
                items.append((cjk.clean_spaces(m.group(1)), [u]))
            elif items:
                items[-1][1].append(u)
            else:
                items.append((None, [u]))
    return items


def item_text(label: str | None, units: list[list[Line]], numbered: bool) -> str:
    """Text of an entry without its label: units joined with newlines."""
    parts = [join_texts([x.text for x in u]) for u in units]
    first = parts[0]
    if label is not None:
        if numbered:
            num = cjk.arabic_item_number(first)
            if num:
                first = num[1].strip()
        else:
            m = cjk.LEAD_TERM.match(first)
            if m:
                first = first[m.end():].strip()
    parts[0] = first
    return "\n".join(p for p in parts if p)
