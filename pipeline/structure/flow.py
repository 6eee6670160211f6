"""The body flow → outline headings and reflowed paragraphs.

The flow is what is left once page furniture, the table of contents, 专栏,
tables, notes and captions are taken out.  Three steps:

1. **units** (:func:`form_units`): runs of lines that belong together — a
   paragraph (lines joined by :func:`.paragraphs.is_boundary`), or a heading
   with the lines that continue its title (a long title wrapped, a label
   alone on its line with the title on the next);
2. **decoding** (:class:`_Decoder`): each unit that is shaped like a heading
   (:func:`.headings.parse_heading`) is accepted when its number continues
   the numbering of its level (:class:`.numbering.Numbering`, which learns
   per document whether a level restarts under each parent or runs through
   the document).  A numbered unit that runs on into body text is a run-in
   heading: its title clause is the heading, the rest a paragraph;
3. **headings the extraction hid**: a strong label (第N篇/章/节) that the
   numbering expects next but that sits *inside* a line — appended to the
   end of a paragraph (``…人才保障 。第四节增进民族团结``) or run together
   with another heading (``第三篇推进改革开放第十三章深化各项改革``) — splits
   the line there.  The two pieces share the line (both blocks list it), and
   the conservation check counts their characters together.

Which heading a line is never depends on one document's widths or titles:
it depends on numbering (cjk), on whether the line starts a unit, and on the
typography the layout measured (:mod:`.layout`).
"""

from __future__ import annotations

import dataclasses

from .. import cjk
from ..model import Line
from . import columns as col
from .drafts import Draft, draft
from .headings import (
    MATTER_KINDS,
    MAX_RUNIN_TITLE,
    MAX_TITLE,
    HeadingMatch,
    parse_heading,
    parse_matter_heading,
    parse_runon_strong,
)
from .layout import Layout
from .numbering import Numbering
from .paragraphs import is_boundary, join_texts, keep_breaks

__all__ = ["body", "heading_continues", "form_units"]

#: Stack rank of a node that any later heading closes (a preface, a glossary).
_CLOSED_BY_ANY = 99
#: Characters that never occur inside a heading title (a line holding one is body text).
_NOT_IN_TITLE = "，。；：！？,;:!?"


# --------------------------------------------------------------------------
# units
# --------------------------------------------------------------------------


def _strong(ln: Line) -> HeadingMatch | None:
    h = parse_heading(ln.text, standalone=True)
    return h if h is not None and h.strong else None


def _heading_start(ln: Line, layout: Layout) -> bool:
    """PDF: a line that may open a (possibly wrapped) heading: numbered like
    an outline heading and set apart from the body by its typography."""
    return layout.set_apart(ln) and parse_heading(ln.text, standalone=True) is not None


def heading_continues(prev: Line, ln: Line, layout: Layout) -> bool:
    """PDF: ``ln`` continues the heading (or 专栏 title) whose last line is
    ``prev`` — same page, same typography, no blank space between, ``prev``
    does not end a sentence and ``ln`` does not start a heading or a 专栏 of
    its own."""
    if ln.page != prev.page or ln.region != prev.region or ln.segment:
        return False
    if (ln.gap_before or 0) >= 0.5 or cjk.ends_sentence(prev.text):
        return False
    if not layout.set_apart(ln) or ln.bold != prev.bold or ln.font_name != prev.font_name or \
            abs((ln.font_size or 0) - (prev.font_size or 0)) > 0.1:
        return False
    return not _opens_own(ln)


def _opens_own(ln: Line) -> bool:
    """The line starts a heading, a 专栏 or an annex of its own."""
    t = ln.text.strip()
    return cjk.match_numbering(t) is not None or bool(col.match_title(t)) or bool(cjk.ANNEX.match(t))


def _title_width(lines: list[Line]) -> float:
    num = cjk.match_numbering(lines[0].text)
    rest = num.rest if num is not None else lines[0].text
    return cjk.display_width(join_texts([rest] + [x.text for x in lines[1:]]))


def _may_continue_title(head: list[Line], ln: Line, layout: Layout) -> bool:
    """Text input: what every title continuation needs, whatever the break:
    ``ln`` follows without a blank line, opens nothing of its own and holds
    no sentence punctuation, the title so far ends no sentence, and the
    whole stays within the length of a heading."""
    if layout.geometric or ln.segment or (ln.gap_before or 0) >= 1 or _opens_own(ln):
        return False
    if cjk.ends_sentence(head[-1].text) or any(c in ln.text for c in _NOT_IN_TITLE):
        return False
    return _title_width(head + [ln]) <= MAX_TITLE


def _text_title_continues(head: list[Line], ln: Line, layout: Layout) -> bool:
    """Text input: ``ln`` continues the title of the strong heading ``head``.

    Text carries no typography, so this is decided from the shape of the
    lines: a label printed alone (``第一章``) takes the next line as its
    title; a title that does not end at a sentence mark continues on a next
    line that is clearly shorter than a body line (not the full or indented
    width a paragraph's lines have), holds no sentence punctuation and does
    not open a heading of its own — and the whole title stays within the
    length of a heading."""
    if not _may_continue_title(head, ln, layout):
        return False
    last = head[-1]
    num = cjk.match_numbering(head[0].text)
    label_alone = len(head) == 1 and num is not None and not num.rest.strip()
    if label_alone:
        return True
    if not layout.wrapped:
        return False
    info = layout.info[ln.order]
    return ln.width < info.full - 3.1 and layout.info[last.order].short is False or ln.width < 0.6 * info.full


def text_title_wraps(head: list[Line], ln: Line, layout: Layout, full: float | None = None) -> bool:
    """Text input: ``ln`` is the rest of a title (a 专栏 title) that the
    hard wrap broke, not the next block.

    Decided from the break itself: the title's last line fills the line —
    ``ln``'s first unbreakable piece would not have fitted on it
    (:attr:`LineInfo.lead`, as the paragraph reflow judges a forced break)
    — and ends no sentence; ``ln`` holds no sentence punctuation, opens no
    heading, 专栏 or table header of its own, and the whole title stays
    within the length of a heading.  A title that ends before the margin
    ended by choice: what follows it (a table header ``指标``, an entry) is
    never taken.  ``full``: the measure of the document's title lines of
    this kind (titles are set alike; the longest one shows where they
    wrap), when it is wider than the line's zone."""
    if not layout.wrapped or not _may_continue_title(head, ln, layout):
        return False
    last = head[-1]
    ia, ib = layout.info[last.order], layout.info[ln.order]
    measure = ia.measure or last.width
    room = max(ia.full, full or 0.0)
    return measure + ib.lead >= room - 0.5 and ln.width < room - 1.5


def _weak_title_line(ln: Line, layout: Layout) -> bool:
    """A line shaped like a whole weak-numbered heading (``（一）加快发展…``):
    short, a title without sentence punctuation.  After a line that ends a
    sentence it starts a unit even where the layout shows no paragraph
    break (headings set flush left among indented paragraphs)."""
    num = cjk.match_numbering(ln.text) or cjk.match_damaged_numbering(ln.text)
    if num is None or num.strong or not num.rest.strip():
        return False
    rest = num.rest.strip()
    if cjk.display_width(rest) > MAX_TITLE or any(c in rest for c in "。！？；!?;"):
        return False
    if layout.geometric and (ln.font_size or 0) < 0.95 * (layout.body_size or 0):
        return False            # headings are never set smaller than the body (table rows, notes are)
    return not layout.wrapped or layout.info[ln.order].short


def form_units(flow: list[Line], layout: Layout) -> tuple[list[list[Line]], set[int]]:
    """Split the flow into units; returns them and the ids of units that are
    a (possibly wrapped) heading taken as a whole."""
    units: list[list[Line]] = []
    heading_units: set[int] = set()
    cur: list[Line] = []
    k = 0
    while k < len(flow):
        ln = flow[k]
        strong = _strong(ln) is not None
        if cur:
            b = is_boundary(cur[-1], ln, len(cur) == 1, layout)
            if not b and (strong or _weak_title_line(ln, layout)) and \
                    (cjk.ends_sentence(cur[-1].text) or layout.info[cur[-1].order].short):
                b = True
            if b:
                units.append(cur)
                cur = []
        if not cur and (layout.geometric and _heading_start(ln, layout) or not layout.geometric and strong):
            head = [ln]
            while k + 1 < len(flow) and (heading_continues(head[-1], flow[k + 1], layout) if layout.geometric
                                         else _text_title_continues(head, flow[k + 1], layout)):
                k += 1
                head.append(flow[k])
            if len(head) > 1:
                units.append(head)
                heading_units.add(id(head))
                k += 1
                continue
        cur.append(ln)
        if strong and len(cur) == 1:
            units.append(cur)
            cur = []
        k += 1
    if cur:
        units.append(cur)
    return units, heading_units


# --------------------------------------------------------------------------
# decoding
# --------------------------------------------------------------------------


def _first_line_heading(unit: list[Line]) -> HeadingMatch | None:
    """Text that is not hard-wrapped (a sentence or paragraph per line): a
    numbered unit's first line is where its heading ends, even without the
    full stop the extraction dropped (``1．国民经济持续快速增长，提前五年…``).
    A first line longer than a heading gives its first clause."""
    first = unit[0].text.strip()
    num = cjk.match_numbering(first) or cjk.match_damaged_numbering(first)
    if num is None or num.strong or not num.rest.strip():
        return None
    rest = num.rest.strip()
    if any(c in rest for c in "。！？；!?;"):
        return None
    head = first[:len(first) - len(rest)]
    if cjk.display_width(rest) <= MAX_TITLE:
        title, consumed, tail = rest, first, ""
    else:
        cut = min((i for i in (rest.find("，"), rest.find(",")) if i > 0), default=-1)
        if cut < 0 or cjk.display_width(rest[:cut]) > MAX_RUNIN_TITLE:
            return None
        title, consumed, tail = rest[:cut], head + rest[:cut + 1], rest[cut + 1:]
    body_text = join_texts([tail] + [x.text for x in unit[1:]])
    return HeadingMatch(num.rank, num.number, num.label, cjk.clean_spaces(title), consumed, body_text, False,
                        num.damaged)


def _split_line(ln: Line, pos: int) -> tuple[Line, Line]:
    """Two pieces of one line, cut at character ``pos`` (both keep its order)."""
    a, b = ln.text[:pos], ln.text[pos:]
    return (dataclasses.replace(ln, text=a, width=cjk.display_width(a)),
            dataclasses.replace(ln, text=b, width=cjk.display_width(b), gap_before=None))


def _embedded_label(text: str, allow_start: bool, want: dict[tuple[int, int], bool]) -> int | None:
    """Position of a strong label inside ``text`` whose (rank, number) the
    numbering expects (``want``) and that sits where a heading can begin: at
    the start of the line (``allow_start``: the line is inside a unit),
    after a sentence end, or right after a title that itself began with a
    strong label.  A label ``want`` marks False (the first of its level: no
    sequence vouches for it yet) is taken only in the last position — two
    headings on one line — never from inside a sentence run (a preamble's
    ``…共十七章。第一章总结…``)."""
    if "第" not in text:
        return None
    starts_strong = (n0 := cjk.match_numbering(text)) is not None and n0.strong
    for m in cjk.STRONG_LABEL_ANYWHERE.finditer(text):
        if m.start() == 0 and not allow_start:
            continue
        num = cjk.match_numbering(text[m.start():])
        if num is None or not num.strong or (num.rank, num.number) not in want:
            continue
        before = text[:m.start()].rstrip()
        after_title = starts_strong and not any(c in before for c in _NOT_IN_TITLE)
        if after_title or (want[(num.rank, num.number)] and (not before or cjk.ends_sentence(before))):
            return m.start()
    return None


class _Decoder:
    """One pass of heading acceptance over the units (see the module doc)."""

    def __init__(self, layout: Layout, numbering: Numbering, heading_units: set[int], cn_parts: bool = False,
                 markup_ranks: dict[int, int] | None = None):
        self.cn_parts = cn_parts                    # 一、 is the part level (see cn_above_chapters)
        self.markup_ranks = markup_ranks or {}      # Markdown marker level → outline rank (see markup_ranks)
        self.layout = layout
        self.numbering = numbering
        self.heading_units = heading_units
        self.stack: list[tuple[int, str]] = []      # (rank, key) of open headings
        self.counter = 0
        self.out: list[Draft] = []
        self.offset: dict[int, float] = {}          # id(piece) → anchor offset of a split piece

    # -- the numbering context --------------------------------------------

    def _parent(self, rank: int) -> str:
        stack = list(self.stack)
        while stack and stack[-1][0] >= rank:
            stack.pop()
        return stack[-1][1] if stack else ""

    def _wanted(self) -> dict[tuple[int, int], bool]:
        """(rank, number) of the strong headings the numbering expects next
        → whether a sequence vouches for it (False for the first of a level)."""
        out = {}
        # an open part or chapter vouches for the first label below it; before
        # any strong heading (a preamble) nothing does
        strong_seen = any(r in self.numbering.last_global for r in (cjk.RANK_PART, cjk.RANK_CHAPTER))
        for rank in (cjk.RANK_PART, cjk.RANK_CHAPTER, cjk.RANK_SECTION):
            parent = self._parent(rank)
            if rank == cjk.RANK_SECTION and not any(r == cjk.RANK_CHAPTER for r, _ in self.stack):
                continue
            out[(rank, self.numbering.expected(parent, rank))] = strong_seen
        return out

    def _accept(self, h: HeadingMatch) -> bool:
        if h.kind == "heading" and not h.label:
            # unnumbered (Markdown) heading: its marker, not a sequence, makes it one
            while self.stack and self.stack[-1][0] >= h.rank:
                self.stack.pop()
            self.counter += 1
            self.stack.append((h.rank, f"{self._parent(h.rank)}/{h.rank}:h:{self.counter}"))
            return True
        if h.kind in MATTER_KINDS:
            # unnumbered front/back matter: any heading after it closes it
            self.stack = [(_CLOSED_BY_ANY, f"/{h.kind}:{self.counter}")]
            self.counter += 1
            return True
        parent = self._parent(h.rank)
        number = h.number
        if h.damaged and not number:
            number = self.numbering.expected(parent, h.rank)
        if not self.numbering.expected_ok(parent, h.rank, number, h.strong):
            return False
        if h.damaged and number not in self.numbering.next_numbers(parent, h.rank):
            return False
        while self.stack and self.stack[-1][0] >= h.rank:
            self.stack.pop()
        self.numbering.accept(parent, h.rank, number, h.strong)
        self.counter += 1
        self.stack.append((h.rank, f"{parent}/{h.rank}:{number}:{self.counter}"))
        if number != h.number:
            h.number = number
        return True

    # -- units ------------------------------------------------------------

    def _anchor(self, ln: Line) -> float:
        return ln.order + self.offset.get(id(ln), 0.0)

    def _piece(self, ln: Line, pos: int) -> tuple[Line, Line]:
        """Split ``ln`` at ``pos``; the second piece sorts halfway between the
        first and the next line."""
        a, b = _split_line(ln, pos)
        base = self.offset.get(id(ln), 0.0)
        self.offset[id(a)] = base
        self.offset[id(b)] = base + (1 - base) / 2
        return a, b

    def candidate(self, u: list[Line]) -> HeadingMatch | None:
        h = self._candidate(u)
        if h is not None and self.cn_parts and h.rank == cjk.RANK_CN:
            h.rank, h.kind = cjk.RANK_PART, "part"
        return h

    def _markup_heading(self, ln: Line) -> HeadingMatch | None:
        """A Markdown heading without numbering (``## 保障措施``): a heading at
        the rank the document's numbered headings give its marker level."""
        if ln.markup_level is None or cjk.match_numbering(ln.text) is not None:
            return None
        title = cjk.clean_spaces(ln.text)
        if not title or cjk.display_width(title) > MAX_TITLE:
            return None
        return HeadingMatch(self.markup_ranks.get(ln.markup_level, cjk.RANK_CN), 0, "", title, ln.text, "", True,
                            kind="heading")

    def _candidate(self, u: list[Line]) -> HeadingMatch | None:
        first = u[0]
        standalone = len(u) == 1
        if standalone and first.markup_level is not None:
            h = parse_heading(first.text, standalone=True, damaged_ok=True) or parse_matter_heading(first.text)
            return h or self._markup_heading(first)
        if id(u) in self.heading_units:
            return parse_heading(join_texts([x.text for x in u]), standalone=True, damaged_ok=True)
        if standalone:
            return parse_heading(first.text, standalone=True, damaged_ok=True) or parse_matter_heading(first.text)
        h = parse_heading(join_texts([x.text for x in u]), standalone=False)
        if h is not None and h.strong:
            h = None
        if h is None and not self.layout.wrapped:
            h = _first_line_heading(u)
        if h is not None and not h.strong and not h.rest:
            h = None
        return h

    def _runon(self, u: list[Line]) -> HeadingMatch | None:
        """A strong heading whose title runs on into its text, accepted only
        where the numbering expects exactly its number."""
        h = parse_runon_strong(join_texts([x.text for x in u]) if len(u) > 1 else u[0].text)
        if h is None or h.number != self.numbering.expected(self._parent(h.rank), h.rank):
            return None
        return h

    def run(self, units: list[list[Line]]) -> list[Draft]:
        queue = list(units)
        while queue:
            u = queue.pop(0)
            split = self._hidden_heading(u)
            if split is not None:
                queue[:0] = split
                continue
            h = self.candidate(u)
            if h is not None and h.strong and not h.title and queue and queue[0]:
                # a label alone (``第一章``), its title the first line of the next unit
                nxt = queue[0][0]
                ok = heading_continues(u[-1], nxt, self.layout) if self.layout.geometric \
                    else _text_title_continues(u, nxt, self.layout)
                if ok:
                    u = u + [nxt]
                    queue[0] = queue[0][1:]
                    if not queue[0]:
                        queue.pop(0)
                    self.heading_units.add(id(u))
                    h = self.candidate(u)
            if h is None and (num := cjk.match_numbering(u[0].text)) is not None and num.strong:
                h = self._runon(u)
            if h is not None and self._accept(h):
                self._emit_heading(u, h)
            else:
                self.out.append(draft("paragraph", u, anchor=self._anchor(u[0])))
        return self.out

    def _hidden_heading(self, u: list[Line]) -> list[list[Line]] | None:
        """Split ``u`` at a strong label the numbering expects next that the
        extraction put inside a line (see the module doc); None if there is
        none."""
        want = self._wanted()
        if not want:
            return None
        for j, ln in enumerate(u):
            pos = _embedded_label(ln.text, j > 0, want)
            if pos is None:
                continue
            out: list[list[Line]] = []
            if pos == 0:
                out, b = [u[:j]], ln
            else:
                a, b = self._piece(ln, pos)
                head = u[:j] + ([a] if a.text.strip() else [])
                if head:
                    out.append(head)
            # the heading and the lines after it were read as one unit with the
            # line the heading hid in: read them again
            rest, heads = form_units([b] + u[j + 1:], self.layout)
            self.heading_units |= heads
            return out + rest
        return None

    def _emit_heading(self, unit: list[Line], h: HeadingMatch) -> None:
        kind = h.kind or ("annex" if h.rank == cjk.RANK_ANNEX and h.label.startswith("附") else cjk.RANK_KIND[h.rank])
        extra = {"node_kind": kind, "rank": h.rank, "number": h.number or None, "label": h.label or None,
                 "title": h.title}
        anchor = self._anchor(unit[0])
        if h.rest:
            # run-in heading: the title clause is the heading, the rest a paragraph
            self.out.append(draft("heading", [unit[0]], h.consumed, anchor=anchor, **extra))
            self.out.append(draft("paragraph", unit, keep_breaks(cjk.clean_spaces(h.rest), unit),
                                  anchor=anchor + (1 - anchor % 1) / 2))
            return
        self.out.append(draft("heading", unit, join_texts([x.text for x in unit]), anchor=anchor, **extra))


def cn_above_chapters(units: list[list[Line]]) -> bool:
    """Does the document set its ``一、`` level *above* its chapters (parts
    numbered 一、二、 holding 第N章)?  Decided from the whole sequence of
    stand-alone candidates: the first ``一、`` comes before the first chapter,
    the ``一、`` numbers never restart, and chapters sit between most pairs
    of consecutive ``一、`` headings."""
    seq: list[tuple[str, int]] = []
    for u in units:
        if len(u) != 1:
            continue
        h = parse_heading(u[0].text, standalone=True)
        if h is None:
            continue
        if h.rank == cjk.RANK_CHAPTER:
            seq.append(("ch", h.number))
        elif h.rank == cjk.RANK_CN:
            seq.append(("cn", h.number))
    cn = [i for i, (k, _) in enumerate(seq) if k == "cn"]
    ch = [i for i, (k, _) in enumerate(seq) if k == "ch"]
    if len(cn) < 2 or len(ch) < 2 or cn[0] > ch[0]:
        return False
    if [seq[i][1] for i in cn] != list(range(1, len(cn) + 1)):
        return False
    between = sum(1 for a, b in zip(cn, cn[1:]) if any(a < i < b for i in ch))
    return between * 2 >= len(cn) - 1


def markup_ranks(units: list[list[Line]]) -> dict[int, int]:
    """Markdown marker level → outline rank, from the numbered headings that
    carry a marker (``## 第一章`` → chapters at ``##``).  A level no numbered
    heading uses sits one rank below the nearest shallower level, or at
    ``一、`` rank when nothing is known."""
    seen: dict[int, list[int]] = {}
    for u in units:
        ln = u[0]
        if ln.markup_level is None:
            continue
        h = parse_heading(ln.text, standalone=True)
        if h is not None and h.rank != cjk.RANK_ANNEX:
            seen.setdefault(ln.markup_level, []).append(h.rank)
    known = {lv: max(set(rs), key=rs.count) for lv, rs in seen.items()}
    out = dict(known)
    for lv in range(1, 7):
        if lv in out:
            continue
        shallower = [r for k, r in out.items() if k < lv]
        out[lv] = (max(shallower) + 1) if shallower else cjk.RANK_CN
    return out


def body(flow: list[Line], layout: Layout) -> list[Draft]:
    """Headings and paragraphs of the body flow (see the module doc)."""
    units, heading_units = form_units(flow, layout)
    promote = cn_above_chapters(units)
    ranks = markup_ranks(units)
    learn = _Decoder(layout, Numbering(), heading_units, promote, ranks)
    learn.run(units)
    final = _Decoder(layout, Numbering(learn.numbering.learned()), heading_units, promote, ranks)
    return final.run(units)
