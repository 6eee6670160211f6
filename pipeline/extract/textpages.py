"""Pages and page furniture of plain text.

Text extracted from a PDF keeps the PDF's pages in one of two ways: a form
feed (``\\f``) after every page (poppler's ``pdftotext``), or the convention
of the seed's extraction, where the first line of each page begins with
exactly one ASCII space.  Running headers, footers and page numbers then sit
among the first or last lines of each page.

Furniture is found the way the PDF path finds it
(:func:`pipeline.extract.pdfdoc.find_furniture`): by *repetition across
pages*, never by one line's look.  A line at a page edge is furniture when
the same text, digits aside, stands at an edge of many pages; a line that
carries a number is furniture only when that number advances with the page
(``第 N 页``, ``… · N``, a bare ``N``), so that a table cell ``32`` that
happens to end a page is not taken for a page number.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import regex as re

from .. import cjk

#: Furniture lives among the first TOP_LINES / last BOTTOM_LINES non-blank
#: lines of a page (poppler may put a footer before the page's last table
#: cells, so the bottom band is a little deeper).
TOP_LINES = 2
BOTTOM_LINES = 3
#: A furniture pattern must recur on at least this share of the pages (and
#: on at least MIN_PAGES pages).
MIN_SHARE = 0.3
MIN_PAGES = 3
#: Furniture lines are short.
MAX_WIDTH = 60

_DIGITS = re.compile(r"\d+")


@dataclass(slots=True)
class PhysLine:
    """One non-blank physical line of the text, before normalisation."""

    page: int            # 1-based page
    source_line: int     # 1-based line number in the file
    body: str            # the line without its page mark (leading whitespace kept)
    blanks: int          # blank lines right before it (on the same page)
    page_first: bool     # first non-blank line of its page
    furniture: str | None = None


def _key(text: str) -> str:
    return _DIGITS.sub("#", cjk.strip_all_space(text))


def _numbers(text: str) -> list[int]:
    return [int(x) for x in _DIGITS.findall(text)]


def find_furniture(lines: list[PhysLine]) -> dict[int, str]:
    """Index into ``lines`` → ``page_number``/``header``/``footer``.

    Needs at least :data:`MIN_PAGES` pages; see the module docstring."""
    pages: dict[int, list[int]] = {}
    for i, ln in enumerate(lines):
        pages.setdefault(ln.page, []).append(i)
    n_pages = len(pages)
    if n_pages < MIN_PAGES:
        return {}
    page_index = {p: k for k, p in enumerate(sorted(pages))}
    need = max(MIN_PAGES, MIN_SHARE * n_pages)
    # (band, key) -> [(line index, page)]
    cands: dict[tuple[str, str], list[int]] = {}
    for idx in pages.values():
        edge = [("top", i) for i in idx[:TOP_LINES]] + [("bottom", i) for i in idx[-BOTTOM_LINES:]]
        for band, i in edge:
            t = cjk.normalize_text(lines[i].body).strip()
            if not t or cjk.display_width(t) > MAX_WIDTH:
                continue
            cands.setdefault((band, _key(t)), []).append(i)
    out: dict[int, str] = {}
    for (band, key), occ in sorted(cands.items()):
        if len({lines[i].page for i in occ}) < need:
            continue
        if "#" in key:
            # the number must advance with the page: the most common
            # (number - page index) offset, over the numbers of the line
            offs: Counter = Counter()
            for i in occ:
                for v in set(_numbers(lines[i].body)):
                    offs[v - page_index[lines[i].page]] += 1
            off, _ = offs.most_common(1)[0]
            hits = [i for i in occ if (off + page_index[lines[i].page]) in _numbers(lines[i].body)]
            if len({lines[i].page for i in hits}) < need:
                continue
            # a confirmed numbered pattern may sit deeper in its half of a
            # page (poppler puts a footer before the page's last table cells)
            found = {lines[i].page for i in hits}
            for p, idx in pages.items():
                if p in found:
                    continue
                half = idx[: (len(idx) + 1) // 2] if band == "top" else idx[len(idx) // 2:]
                for i in half:
                    t = cjk.normalize_text(lines[i].body).strip()
                    if _key(t) == key and (off + page_index[p]) in _numbers(t):
                        hits.append(i)
                        break
        else:
            hits = occ
        # one line per page and pattern: the outermost one
        per_page: dict[int, int] = {}
        for i in hits:
            p = lines[i].page
            if p not in per_page or (i < per_page[p]) == (band == "top"):
                per_page[p] = i
        role = "header" if band == "top" else "footer"
        for i in sorted(per_page.values()):
            if i in out:
                continue
            t = cjk.normalize_text(lines[i].body).strip()
            out[i] = "page_number" if cjk.PAGE_NUMBER.fullmatch(t) else role
    return out
