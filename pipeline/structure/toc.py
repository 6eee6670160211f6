"""Table of contents (目录): its lines must never become outline headings.

Two kinds of TOC are recognised, on both input kinds (text or PDF lines):

* entries with page numbers: a line that ends with a page number after
  leader dots (``第一章 总体要求……3``, ``第二节 …… 12``) or after a wide gap;
  a TOC is a run of at least three entries (a long entry may wrap, its page
  number on the next line);
* entries without page numbers (newspaper and web editions): a run of at
  least three consecutive 篇/章/节 heading lines, with no text between them,
  most of which occur again later in the document.

The 目录 title line before a TOC belongs to it.
"""

from __future__ import annotations

from .. import cjk
from ..model import Line
from .headings import parse_matter_heading

# leader dots (… · . ．) or a wide gap, then the page number at the end
TOC_ENTRY = cjk.TOC_ENTRY
TOC_TITLE = cjk.TOC_TITLE
MIN_ENTRIES = 3


def find_toc(lines: list[Line]) -> list[Line]:
    """The lines of the document's table(s) of contents (title included)."""
    out = _with_page_numbers(lines)
    seen = {x.order for x in out}
    out += [x for x in _repeated_headings(lines) if x.order not in seen]
    return sorted(out, key=lambda x: x.order)


def _prev(lines: list[Line], i: int) -> int:
    k = i - 1
    while k >= 0 and lines[k].furniture:
        k -= 1
    return k


def _title_before(lines: list[Line], i: int) -> int:
    """Index where the TOC whose first entry is ``lines[i]`` starts: its
    title line (目录), and a front-matter entry (序言) between the two."""
    k = _prev(lines, i)
    if k >= 0 and cjk.FRONT_MATTER_TITLE.match(lines[k].text):
        j = _prev(lines, k)
        if j >= 0 and TOC_TITLE.match(lines[j].text):
            return j
    return k if k >= 0 and TOC_TITLE.match(lines[k].text) else i


def _entries(text: str) -> list[str] | None:
    """The TOC entries of a line made only of strong-heading entries (one or
    several run together: ``第一章…第二章…第二篇…``), else None."""
    t = cjk.strip_all_space(text)
    m = cjk.TOC_TITLE_RUN_IN.match(t)
    if m:
        t = t[t.index("录") + 1:]
    starts = [m.start() for m in cjk.STRONG_LABEL_ANYWHERE.finditer(t)]
    if not starts or starts[0] != 0:
        return [t] if m and t else None
    return [t[a:b] for a, b in zip(starts, starts[1:] + [len(t)])]


def _repeated_headings(lines: list[Line]) -> list[Line]:
    """Runs of lines made of strong-heading entries, most of which occur
    again later as the start of a line (the headings they list)."""
    body = [x for x in lines if not x.furniture]
    keys = [cjk.strip_all_space(x.text) for x in body]
    entries = [_entries(x.text) for x in body]
    out: list[Line] = []
    i = 0
    while i < len(body):
        if not entries[i]:
            i += 1
            continue
        j = i
        while j < len(body) and entries[j]:
            j += 1
        run = [e for k in range(i, j) for e in entries[k]]
        if len(run) >= MIN_ENTRIES:
            later = {k[:n] for k in keys[j:] for n in (6, 12)}
            found = sum(1 for e in run if e[:12] in later or (len(e) < 12 and e[:6] in later))
            if found * 3 >= 2 * len(run):
                out.extend(body[_title_before(body, i):j])
        i = j
    return out


def _with_page_numbers(lines: list[Line]) -> list[Line]:
    out: list[Line] = []
    n = len(lines)
    i = 0
    while i < n:
        if not TOC_ENTRY.search(lines[i].text):
            i += 1
            continue
        # extend the run: entries, and wrapped lines followed by an entry
        j = i
        entries = 0
        while j < n:
            if lines[j].furniture:
                j += 1
                continue
            if TOC_ENTRY.search(lines[j].text):
                entries += 1
                j += 1
            elif j + 1 < n and TOC_ENTRY.search(lines[j + 1].text) and not lines[j + 1].furniture:
                j += 1
            else:
                break
        if entries >= MIN_ENTRIES:
            start = _title_before(lines, i)
            out.extend(x for x in lines[start:j] if not x.furniture)
        i = max(j, i + 1)
    return out


def glued_front_heading(text: str):
    """A front-matter heading (序言/前言) run onto the end of the TOC's last
    line by the extraction (``…第二十六章保障计划全面落实序言``): (index where
    it starts, its heading), or None.  No entry title ends in such a word."""
    t = text.rstrip()
    for n in (2, 3):
        word = t[-n:]
        h = parse_matter_heading(word)
        if h is not None and h.kind == "preface" and len(t) > n:
            return len(t) - n, h
    return None
