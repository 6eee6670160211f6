"""Front and back matter: what surrounds the plan's own text.

Official plans circulate wrapped in the apparatus of a 公文 (GB/T 9704) or
of the medium that reprinted them, and none of it is body text:

* a **source header** above everything: a web page's title as the browser
  printed it (``…_中国政府网(www.gov.cn)``), a newspaper archive's
  classification line (``分类号:…云南日报/2001年/…/第A01版/``);
* the **issuing notice** (印发通知): its title (``…关于印发《…》的通知``), the
  addressees, its text, the issuing body and the date — which the
  extraction may run together with the plan's title on one line;
* the **title block**: the plan's title (on a cover page, or the first
  lines of a text), the issuing bodies and dates on the cover, an adoption
  note under the title (``（2001年2月16日…会议通过）``);
* the **colophon** (版记) at the very end: ``…办公室 2021年10月27日印发``,
  抄送/校对 lines, whether printed as lines or ruled as a small table.

Each becomes a ``front`` block whose role (``header``/``notice``/``title``
for the title itself a ``title`` block/``cover``/``colophon``) is its kind in
``notes.parquet``.  Prefaces (序言/前言) and glossaries (名词解释) are
outline nodes of their own (see :mod:`.flow`).
"""

from __future__ import annotations

import dataclasses

from .. import cjk
from ..model import Line
from .drafts import Draft, draft
from .layout import Layout
from .paragraphs import join_texts

#: How far into the document the front matter may reach (lines that are
#: not page furniture): a title block and a notice are short.
_FRONT_LINES = 60
#: How far from the end the colophon may start.
_BACK_LINES = 12


def _title_like(ln: Line, layout: Layout) -> bool:
    """A line that can be part of a title block: not numbered, no sentence
    end, and short (PDF: set apart, or not a full body line; text: clearly
    shorter than a body line when the text is hard-wrapped)."""
    t = ln.text.strip()
    if not t or cjk.match_numbering(t) is not None or cjk.ends_sentence(t) or "，" in t:
        return False
    if layout.geometric:
        return layout.set_apart(ln) or layout.info[ln.order].short
    return not layout.wrapped or ln.width <= layout.info[ln.order].full - 1.5 or cjk.PLAN_TITLE.search(t)


class FrontMatter:
    """Front/back matter found in a document: drafts and the lines they took."""

    def __init__(self, lines: list[Line], layout: Layout, taken: list[bool]):
        self.lines, self.layout, self.taken = lines, layout, taken
        self.drafts: list[Draft] = []
        self.title: str | None = None

    def _take(self, kind: str, role: str | None, lines: list[Line], text: str | None = None,
              anchor: float | None = None) -> None:
        for x in lines:
            self.taken[x.order] = True
        extra = {"role": role} if role else {}
        self.drafts.append(draft(kind, lines, text if text is not None else join_texts([x.text for x in lines]),
                                 anchor=anchor, **extra))

    def _free(self, limit: int) -> list[Line]:
        out = []
        for x in self.lines:
            if len(out) >= limit:
                break
            if not self.taken[x.order] and not x.furniture:
                out.append(x)
        return out

    # -- the top -----------------------------------------------------------

    def find(self) -> FrontMatter:
        head = self._free(_FRONT_LINES)
        i = 0
        while i < min(len(head) - 1, 3):
            if cjk.SOURCE_HEADER.search(head[i].text):
                self._take("front", "header", [head[i]])
                i += 1
            elif i + 2 < len(head) and cjk.SOURCE_HEADER.search(head[i + 1].text) and \
                    self.layout.info[head[i + 1].order].very_short and cjk.match_numbering(head[i].text) is None:
                self._take("front", "header", head[i:i + 2])     # a header wrapped over two lines
                i += 2
            else:
                break
        i = self._notice(head, i)
        self._title_block(head, i)
        self._colophon()
        return self

    def _notice(self, head: list[Line], i: int) -> int:
        """The issuing notice, from its title to its date line; returns the
        index of the first line after it."""
        k = i
        while k < len(head) and k < i + 3 and not cjk.NOTICE.search(cjk.strip_all_space(head[k].text)):
            k += 1
        if k >= len(head) or k >= i + 3:
            return i
        # the notice runs to its date line (the issuing body is just above it)
        for j in range(k + 1, min(len(head), k + 40)):
            t = cjk.strip_all_space(head[j].text)
            m = cjk.CN_DATE.match(t)
            if not m:
                continue
            notice = head[i:j]
            if any(cjk.match_numbering(x.text) is not None and cjk.match_numbering(x.text).strong for x in notice):
                return i
            for grp in self._paragraphs(notice):
                self._take("front", "notice", grp)
            date_line = head[j]
            end = _char_index(date_line.text, m.end())
            if date_line.text[end:].strip():
                # the plan's title run on after the date: two pieces of one line
                b = dataclasses.replace(date_line, text=date_line.text[end:])
                title, rest = [b], head[j + 1:]
                while rest and len(title) < 4 and _title_like(rest[0], self.layout) and \
                        not cjk.PLAN_TITLE.search(cjk.strip_all_space(join_texts([x.text for x in title]))):
                    title.append(rest.pop(0))
                if cjk.PLAN_TITLE.search(cjk.strip_all_space(join_texts([x.text for x in title]))):
                    a = dataclasses.replace(date_line, text=date_line.text[:end])
                    self._take("front", "notice", [a])
                    self._set_title(title, anchor=date_line.order + 0.5)
                    return j + len(title)
            self._take("front", "notice", [date_line])
            return j + 1
        return i

    def _paragraphs(self, lines: list[Line]) -> list[list[Line]]:
        """Lines of a notice grouped into its paragraphs (a line ending a
        sentence or an address ends one)."""
        out: list[list[Line]] = []
        cur: list[Line] = []
        for x in lines:
            cur.append(x)
            t = x.text.rstrip()
            if cjk.ends_sentence(t) or t.endswith(("：", ":")) or self.layout.info[x.order].very_short \
                    or not self.layout.wrapped:
                out.append(cur)
                cur = []
        if cur:
            out.append(cur)
        return out

    def _set_title(self, lines: list[Line], anchor: float | None = None) -> None:
        text = join_texts([x.text for x in lines])
        self.title = text
        self._take("title", None, lines, text, anchor=anchor)

    def _title_block(self, head: list[Line], i: int) -> None:
        """The plan's title: a PDF cover page (its largest lines) or the
        leading short lines of the text that name a plan; then the other
        lines of the cover (issuers, dates, adoption note)."""
        head = [x for x in head[i:] if not self.taken[x.order]]
        if not head:
            return
        if self.layout.geometric and self._pdf_title(head):
            return
        title: list[Line] = []
        for x in head[:4]:
            if not _title_like(x, self.layout) or (title and (x.gap_before or 0) >= 1):
                break
            title.append(x)
            if cjk.PLAN_TITLE.search(cjk.strip_all_space(join_texts([y.text for y in title]))):
                break
        joined = cjk.strip_all_space(join_texts([y.text for y in title]))
        if not title or not cjk.PLAN_TITLE.search(joined) or len(head) <= len(title):
            return
        if len(title) == 1 and self.layout.wrapped and not self.layout.info[title[0].order].very_short \
                and not self.layout.geometric:
            return
        self._set_title(title)
        self._adoption(head[len(title):])

    def _pdf_title(self, head: list[Line]) -> bool:
        """A PDF title set large on the first page with text (a cover page:
        its other lines are cover notes); False if there is none."""
        size = self.layout.body_size or 99
        page = head[0].page
        first_page = [x for x in head if x.page == page]
        big = [x for x in first_page if self.layout.info[x.order].emphasis and (x.font_size or 0) > 1.3 * size]
        if not big:
            return False
        k = first_page.index(big[0])
        if any(not _cover_line(x, self.layout) for x in first_page[:k]):
            return False
        title = []
        for x in first_page[k:]:
            if x in big and (not title or abs((x.font_size or 0) - (title[0].font_size or 0)) < 0.6):
                title.append(x)
            else:
                break
        self._set_title(title)
        before = first_page[:k]
        after = first_page[k + len(title):]
        cover = all(_cover_line(x, self.layout) for x in after)
        for x in before:
            self._take("front", "cover", [x])
        if cover:
            for x in after:
                self._take("front", "cover", [x])
        else:
            self._adoption(after)
        return True

    def _adoption(self, rest: list[Line]) -> None:
        """An adoption note right under the title (``（…会议通过）``), possibly
        over two lines."""
        if not rest:
            return
        t = cjk.strip_all_space(rest[0].text)
        if not t.startswith(("（", "(")):
            return
        for n in (1, 2, 3):
            grp = rest[:n]
            joined = cjk.strip_all_space(join_texts([x.text for x in grp]))
            if cjk.ADOPTION_NOTE.search(joined) and joined.endswith(("）", ")")):
                self._take("front", "cover", grp)
                return

    # -- the end -----------------------------------------------------------

    def _colophon(self) -> None:
        """The colophon: the last lines of the document, from the first line
        holding a colophon cue (``…印发``, 抄送：, 校对：) on."""
        tail: list[Line] = []
        for x in reversed(self.lines):
            if len(tail) >= _BACK_LINES:
                break
            if self.taken[x.order] or x.furniture:
                continue
            tail.append(x)
        tail.reverse()
        for k, x in enumerate(tail):
            if cjk.COLOPHON_CUE.search(x.text):
                block = tail[k:]
                # the colophon's own first lines (the issuing office) may precede the cue on its line/region
                while k > 0 and tail[k - 1].region is not None and tail[k - 1].region == x.region:
                    k -= 1
                    block = tail[k:]
                for y in block:
                    self._take("front", "colophon", [y])
                return


def _cover_line(ln: Line, layout: Layout) -> bool:
    """PDF: a line of a cover page — short, no sentence, not a heading."""
    t = ln.text.strip()
    return cjk.match_numbering(t) is None and not cjk.ends_sentence(t) and \
        (layout.info[ln.order].short or layout.set_apart(ln)) and "。" not in t


def _char_index(text: str, stripped_end: int) -> int:
    """Index in ``text`` just after its ``stripped_end``-th non-space character."""
    n = 0
    for i, ch in enumerate(text):
        if not ch.isspace():
            n += 1
            if n == stripped_end:
                return i + 1
    return len(text)


def front_matter(lines: list[Line], layout: Layout, taken: list[bool]) -> FrontMatter:
    """Find the front and back matter (see the module doc); marks the lines
    it takes in ``taken``."""
    return FrontMatter(lines, layout, taken).find()
