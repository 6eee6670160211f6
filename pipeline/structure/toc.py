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


def _title_before(lines: list[Line], i: int) -> int:
    k = i - 1
    while k >= 0 and lines[k].furniture:
        k -= 1
    return k if k >= 0 and TOC_TITLE.match(lines[k].text) else i


def _strong(ln: Line) -> bool:
    num = cjk.match_numbering(ln.text)
    return num is not None and num.strong


def _repeated_headings(lines: list[Line]) -> list[Line]:
    body = [x for x in lines if not x.furniture]
    keys = [cjk.strip_all_space(x.text) for x in body]
    out: list[Line] = []
    i = 0
    while i < len(body):
        if not _strong(body[i]):
            i += 1
            continue
        j = i
        while j < len(body) and _strong(body[j]):
            j += 1
        if j - i >= MIN_ENTRIES:
            later = set(keys[j:])
            if sum(1 for k in keys[i:j] if k in later) * 3 >= 2 * (j - i):
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
