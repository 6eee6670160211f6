"""Volumes that hold several plans: a 汇编 (collection) or a PDF that
concatenates documents.  Works on the extracted Lines, before the structure
stage, and finds where a new document starts.

A plan's outline numbering never restarts: 第一章 … 第十七章 run through
the document (sections restart per chapter, chapters per part at most).  So
a new document shows as

* a **restart** of the document's top numbering rank (第一章 again after
  第十七章, with no new 篇 above it; 一、 again in a plan numbered 一、…九、),
  after the current document has had body text between two of its headings
  (a table of contents lists headings with no text between them); or
* a heading numbered 1 right after a **document-start cue** that follows the
  current document's text: a title (a PDF title page in a larger font; in
  text, a standalone line that ends like a plan title and names a period or
  国民经济和社会发展), the notice that issues a plan (关于印发…的通知), a
  table of contents (目录).

The new document starts at the earliest cue between the previous
document's last heading and the restarted heading — a title, a notice, a
table of contents or a preamble that opens like one (本规划纲要根据…) —
and, in a PDF, at the top of that cue's page when nothing of the previous
document's text sits above it there.  A restart of a strong rank (第N篇/章)
with no cue at all still starts a new document at the restarted heading (a
plan does not number two chapters 第一章); a restart of 一、 with no cue is
only reported (validation finding ``numbering_restart``): it may be an
annex the document does not label.

Split documents are parsed each on their own (:func:`pipeline.run.parse_documents`):
a PDF is reassembled per page range, so running headers, margins and the
body font are measured per document; text is split into Lines renumbered
from 0 (page numbers stay those of the volume).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace

from . import cjk
from .model import Extracted, Finding, Line

STRONG_RANKS = (cjk.RANK_PART, cjk.RANK_CHAPTER, cjk.RANK_SECTION)
ANNEX = -1      # rank given here to 附件/附表/附录 headings (cjk.RANK_ANNEX is RANK_PART's 0)


@dataclass(slots=True)
class Boundary:
    """Where a new document starts in a volume."""

    start: int            # line order of its first line
    page: int             # page of its first line
    cue: str              # title / notice / toc / preamble / restart
    heading: str          # the heading its outline starts with
    heading_page: int


@dataclass(slots=True)
class _Doc:
    """Numbering state of the document being read."""

    first_heading: int | None = None
    last_heading: int | None = None      # index into the line list
    body: bool = False                   # body text seen between two of its headings
    pending: bool = False                # body text since its last heading
    has_strong: bool = False
    top_strong: int | None = None
    max_number: dict | None = None       # rank → highest number seen

    def __post_init__(self):
        self.max_number = {}


def _heading(ln: Line) -> cjk.Numbering | None:
    t = ln.text.strip()
    if not t or cjk.TOC_ENTRY.search(t):
        return None
    if cjk.ANNEX.match(t) and len(t) < 30:
        return cjk.Numbering(ANNEX, 0, t, "", True)
    return cjk.match_numbering(t)


def _is_body(ln: Line, wide: float) -> bool:
    t = ln.text.strip()
    return bool(t) and (cjk.ends_sentence(t) or ln.width >= wide)


def _title_cue(lines: list[Line], i: int, body_size: float | None) -> bool:
    """``lines[i]`` starts a plan title (with up to two more lines of it)."""
    ln = lines[i]
    if cjk.match_numbering(ln.text) is not None:
        return False
    parts = []
    for k in range(i, min(i + 3, len(lines))):
        x = lines[k]
        if x.page != ln.page or (k > i and x.font_size != ln.font_size):
            break
        parts.append(cjk.compact(x.text))
        text = "".join(parts)
        if not cjk.TITLE_LINE.match(text):
            return False
        if cjk.TITLE_END.search(text):
            big = bool(body_size and ln.font_size and ln.font_size >= 1.2 * body_size)
            named = cjk.DEVELOPMENT_PLAN in text or bool(
                cjk.FYP_LONG.search(text) or cjk.FYP_SHORT.search(text) or cjk.YEAR_SPAN.search(text))
            return big or named
    return False


def _cue(lines: list[Line], i: int, body_size: float | None) -> str | None:
    """The kind of document-start cue ``lines[i]`` is, if any."""
    t = cjk.compact(lines[i].text)
    if not t:
        return None
    if cjk.TOC_TITLE.match(lines[i].text):
        return "toc"
    if cjk.NOTICE.search(t) and not cjk.ends_sentence(t):
        return "notice"
    if _title_cue(lines, i, body_size):
        return "title"
    if cjk.LEADING_TITLE.match(t) or cjk.re.match(r"^本(?:规划纲要|规划|纲要|计划)", t):
        # 本规划纲要根据《…》编制 / 中华人民共和国…规划纲要根据《…》编制: the
        # opening sentence of a plan (not 本规划根据实施情况适时调整)
        sentence = t
        for k in range(i + 1, min(i + 12, len(lines))):
            if cjk.ends_sentence(sentence) or "。" in sentence:
                break
            sentence += cjk.compact(lines[k].text)
        sentence = sentence.split("。")[0]
        if cjk.re.search(r"根据|依据|按照", sentence) and cjk.re.search(r"编制|制定", sentence):
            return "preamble"
    return None


def find_boundaries(ex: Extracted) -> tuple[list[Boundary], list[Finding]]:
    """Document boundaries in a volume (none for a single plan), and
    findings for numbering restarts that are not taken as boundaries."""
    lines = [ln for ln in ex.lines if ln.furniture != "page_number"]
    if not lines:
        return [], []
    body_size = next((p.body_font_size for p in ex.pages if p.body_font_size), None)
    plain = [ln.width for ln in lines if _heading(ln) is None and ln.text.strip()]
    wide = statistics.median(plain) if plain else float("inf")
    out: list[Boundary] = []
    findings: list[Finding] = []
    doc = _Doc()
    for i, ln in enumerate(lines):
        h = _heading(ln)
        if h is not None and not h.strong and i > 0 and not ln.indent and not ln.segment and not (
                cjk.ends_sentence(lines[i - 1].text) or lines[i - 1].width < wide or _heading(lines[i - 1])):
            h = None      # a wrapped body line that happens to begin with 二、
        if h is None:
            if doc.first_heading is not None and _is_body(ln, wide):
                doc.pending = True
            continue
        if h.rank == ANNEX:
            # an annex restarts the numbering of the lists it holds (一、, 1.)
            doc.max_number = {r: n for r, n in doc.max_number.items() if r in STRONG_RANKS}
            doc.body = doc.body or doc.pending
            doc.pending = False
            doc.last_heading = i
            continue
        strong = h.strong and h.rank in STRONG_RANKS
        top = (strong and (doc.top_strong is None or h.rank <= doc.top_strong)) or \
            (not strong and h.rank == cjk.RANK_CN and not doc.has_strong)
        restart = top and h.number == 1 and doc.body and doc.max_number.get(h.rank, 0) >= 2
        cue_start = cue = None
        if h.number == 1 and doc.body and doc.last_heading is not None:
            for k in range(doc.last_heading + 1, i):
                c = _cue(lines, k, body_size)
                if c and (c != "preamble" or restart or top):
                    cue_start, cue = k, c
                    break
        if cue is not None or (restart and strong):
            start = cue_start if cue_start is not None else i
            start = _page_start(lines, start, wide)
            out.append(Boundary(lines[start].order, lines[start].page, cue or "restart", ln.text.strip(), ln.page))
            doc = _Doc()
        elif restart:
            findings.append(Finding(
                check="numbering_restart", severity="warning", table_id=None, location=f"page {ln.page}",
                message=f"the outline numbering restarts at '{ln.text.strip()[:30]}' with no title, notice or "
                        "table of contents before it: a second document or an unlabelled annex?",
                expected=f"{h.label} after {doc.max_number.get(h.rank)}", actual=h.label))
        if doc.first_heading is None:
            doc.first_heading = i
        doc.body = doc.body or doc.pending
        doc.pending = False
        doc.last_heading = i
        if strong:
            doc.has_strong = True
            doc.top_strong = h.rank if doc.top_strong is None else min(doc.top_strong, h.rank)
        # a heading of an outer rank restarts the numbering below it
        for r in [r for r in doc.max_number if r > h.rank]:
            del doc.max_number[r]
        doc.max_number[h.rank] = max(doc.max_number.get(h.rank, 0), h.number)
    for b in out:
        findings.append(Finding(
            check="document_boundary", severity="info", table_id=None, location=f"page {b.page}",
            message=f"a new document starts on page {b.page} ({b.cue}; its outline begins with "
                    f"'{b.heading[:30]}' on page {b.heading_page}): parsed as a plan of its own"))
    return out, findings


def _page_start(lines: list[Line], k: int, wide: float) -> int:
    """Move a document start back to the top of its page when nothing of
    the previous document's text sits above it there."""
    j = k
    while j > 0 and lines[j - 1].page == lines[k].page:
        if _is_body(lines[j - 1], wide) and lines[j - 1].furniture is None:
            return k
        j -= 1
    return j


def starts_at_pages(ex: Extracted, boundaries: list[Boundary]) -> bool:
    """True when every boundary is the first line of its page (a PDF can
    then be reassembled page range by page range)."""
    first = {}
    for ln in ex.lines:
        first.setdefault(ln.page, ln.order)
    return all(first.get(b.page) == b.start for b in boundaries)


def page_ranges(ex: Extracted, boundaries: list[Boundary]) -> list[tuple[int, int]]:
    """(first page, last page) of each document."""
    pages = sorted({ln.page for ln in ex.lines})
    starts = [pages[0]] + [b.page for b in boundaries]
    ends = [s - 1 for s in starts[1:]] + [pages[-1]]
    return list(zip(starts, ends))


def split_lines(ex: Extracted, boundaries: list[Boundary]) -> list[Extracted]:
    """The volume cut into one Extracted per document at the boundaries:
    Lines renumbered from 0, with the regions, pages and bookmarks they use."""
    cuts = [0] + [b.start for b in boundaries] + [len(ex.lines)]
    out = []
    for a, b in zip(cuts, cuts[1:]):
        part = [replace(ln, order=k) for k, ln in enumerate(ex.lines[a:b])]
        pages = {ln.page for ln in part}
        out.append(Extracted(
            source=ex.source, lines=part,
            regions=[r for r in ex.regions if r.page in pages],
            pages=[p for p in ex.pages if p.page in pages],
            bookmarks=[bm for bm in ex.bookmarks if bm.page in pages]))
    return out


#: Line breaks as pipeline/extract/text.py splits a text.
_LINE_BREAK = cjk.re.compile(r"\r\n|\r|\n")


def split_text(ex: Extracted, boundaries: list[Boundary], text: str) -> list[Extracted] | None:
    """A text volume cut at the boundaries and each part read on its own
    (blank-line, page-mark and indent conventions are measured per
    document), page numbers and source lines kept those of the volume.
    None when a boundary falls inside a line (use :func:`split_lines`)."""
    from .extract.text import text_to_lines

    by_order = {ln.order: ln for ln in ex.lines}
    cuts = []
    for b in boundaries:
        ln = by_order[b.start]
        prev = by_order.get(b.start - 1)
        if ln.source_line is None or (prev is not None and prev.source_line == ln.source_line):
            return None       # the boundary is inside a line of the file
        cuts.append((ln.source_line, ln.page))
    raw = _LINE_BREAK.split(text)
    starts = [(1, 1)] + cuts
    out = []
    for k, (first, page) in enumerate(starts):
        last = starts[k + 1][0] - 1 if k + 1 < len(starts) else len(raw)
        lines = text_to_lines("\n".join(raw[first - 1:last]))
        for ln in lines:
            ln.page += page - 1
            ln.source_line += first - 1
        out.append(Extracted(source=ex.source, lines=lines))
    return out


__all__ = ["Boundary", "find_boundaries", "page_ranges", "split_lines", "split_text", "starts_at_pages"]
