"""Space-aligned tables in plain text: the columns a text keeps by padding.

Some text forms of a plan keep a table's columns by padding its rows with
spaces: poppler's ``pdftotext -layout``, a plan typed in a monospaced
editor, a table pasted from a terminal.  Each cell then starts at a fixed
column on every row — the geometry of the printed table, to the resolution
of one column.  This module turns that into the same evidence a PDF gives:

* **geometry** — a character's column is its x, in one of two measures.
  ``pdftotext -layout`` gives every character one column and places a run
  of text one column or more right of the last character of every run that
  lies left of it on the page (poppler's TextBlock column assignment): so
  counting characters, what lies apart on the page lies apart in the text
  and what overlaps on the page (a merged cell over two columns) overlaps
  in the text.  An editor or a terminal pads to the display column (a CJK
  character two columns).  The measure under which the starts of runs
  coincide on more lines is the text's own (:func:`choose_measure`).  A run
  of two spaces or more separates cells, a single space separates words:
  the em is set so that two columns are a cell gap for the PDF rules below
  (``CELL_GAP_EM``) and one is not;
* **tables** — the rows of each page go through the PDF path's detector of
  tables drawn without rules (:func:`pipeline.extract.pdfregions.aligned_tables`:
  runs of rows split at wide gaps, two gutters common to the rows with
  three cells or more, values among the cells), so text and PDF share one
  rule for what a rule-free table is;
* **lines** — each row of a table becomes Lines cut at its runs of two or
  more spaces, with the run's box (x in the measure, a line pitch of
  1.5 em, blank lines kept as space), inside one ``rule_table`` Region per
  page.  The structure stage then cuts the table out of the flow and the
  tables stage rebuilds it from the alignment
  (:func:`pipeline.tables.aligned.build_aligned_grid`), exactly as a
  rule-free table of a PDF.

Only lines inside a table get geometry; the rest of the text is read as
plain text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import regex as re

from .. import cjk
from ..model import Region

#: Columns per em: two columns (two spaces) are a cell gap of the PDF
#: rules (pdfregions.CELL_GAP_EM = 1.2 em), one column is not.
EM = 1.6
#: Line pitch, in em (a blank line adds one more pitch).
PITCH_EM = 1.5
#: A gap of this many spaces or more separates two runs of a row.
RUN_GAP = 2
#: Columns shared by at least this many rows count towards a measure.
MIN_SHARED = 3

_RUN = re.compile(r"\S+(?: \S+)*")
_ANY_WIDE_GAP = re.compile(rf"\S {{{RUN_GAP},}}\S")


@dataclass(slots=True)
class Placed:
    """A table row of the text: its Region and its runs' boxes."""

    region: int
    top: float
    bottom: float
    runs: list[tuple[float, float, str]] = field(default_factory=list)   # (x0, x1, text)


def _cols(text: str, measure: str) -> float:
    """Columns ``text`` takes in ``measure``: one per character (``chars``),
    or its display width with a CJK character two columns (``display``)."""
    if measure == "display":
        return 2.0 * sum(map(cjk.char_width, text))
    return float(len(text))


def _starts(body: str, measure: str) -> list[tuple[float, str]]:
    """(column of the start, text) of each run in ``measure`` ("chars"/"display")."""
    body = body.expandtabs(8).replace("\u3000", "  ")
    return [(_cols(body[:m.start()], measure), m.group(0)) for m in _RUN.finditer(body)]


def choose_measure(bodies: list[str]) -> str:
    """``"chars"`` or ``"display"``: the measure under which the starts of
    the runs of multi-run lines coincide on more lines (ties: ``chars``,
    pdftotext's)."""
    scores = {}
    for measure in ("chars", "display"):
        seen: Counter[float] = Counter()
        for b in bodies:
            for x, _ in _starts(b, measure)[1:]:
                seen[x] += 1
        scores[measure] = sum(n for n in seen.values() if n >= MIN_SHARED)
    return "display" if scores["display"] > scores["chars"] else "chars"


def _chars(x: float, top: float, text: str, measure: str) -> list[dict]:
    """Character boxes of a run starting at ``x`` (PDF-like dicts)."""
    out = []
    for ch in text:
        w = _cols(ch, measure) or 1.0
        out.append({"text": ch, "x0": x, "x1": x + w, "top": top, "bottom": top + EM, "size": EM})
        x += w
    return out


def find_tables(pages: list[tuple[int, list[tuple[int, str, int]]]], first_region: int = 1
                ) -> tuple[list[Region], dict[int, Placed]]:
    """The space-aligned tables of a text.

    ``pages``: (page number, its non-furniture lines as (index, raw body,
    blank lines before)).  Returns the tables' Regions (one per page a table
    is on) and, for each line index inside a table, its :class:`Placed` runs.

    A table found on a page (:func:`~pipeline.extract.pdfregions.aligned_tables`)
    that reaches the page's end goes on at the top of the next page, and one
    that starts at the top of a page began at the end of the page before, in
    as many lines as are in its columns (:func:`_continued`): a fragment of
    a row or two is too short to be a table of its own."""
    from .pdfregions import _stops_table, aligned_tables

    candidates = [b for _, pg in pages for _, b, _ in pg if _ANY_WIDE_GAP.search(b)]
    if len(candidates) < MIN_SHARED:
        return [], {}
    measure = choose_measure(candidates)
    pitch = PITCH_EM * EM
    per_page: list[tuple[int, list, list[list]]] = []     # (page, its lines, the tables found on it)
    for page_no, pg in pages:
        where: list[tuple[int, float, list[tuple[float, str]]]] = []
        rows: list[list[dict]] = []
        y = 0.0
        for k, (idx, body, blanks) in enumerate(pg):
            if k:
                y += pitch * (1 + blanks)
            starts = _starts(body, measure)
            if starts:
                rows.append([c for x, t in starts for c in _chars(x, y, t, measure)])
                where.append((idx, y, starts))
        found: list[list] = []
        if sum(1 for _, b, _ in pg if _ANY_WIDE_GAP.search(b)) >= MIN_SHARED:
            for rd in aligned_tables(rows):
                inside = [w for w in where if rd.top <= w[1] + EM / 2 <= rd.bottom]
                # a caption or 专栏 title above the rows is not part of the
                # table (on a page it stands apart from the rows; here every
                # line is one pitch from the next)
                while inside and _stops_table(" ".join(t for _, t in inside[0][2])):
                    inside.pop(0)
                if inside:
                    found.append(inside)
        per_page.append((page_no, where, found))
    for k in range(1, len(per_page)):
        _, prev_lines, prev_found = per_page[k - 1]
        _, lines, found = per_page[k]
        if prev_found and prev_lines and prev_found[-1][-1] is prev_lines[-1] and lines and \
                not (found and found[0][0] is lines[0]):
            head = _continued(lines, prev_found[-1], measure, _stops_table)
            if head:
                found.insert(0, head)
        if found and lines and found[0][0] is lines[0] and prev_lines and \
                not (prev_found and prev_found[-1][-1] is prev_lines[-1]):
            tail = _continued(prev_lines[::-1], found[0], measure, _stops_table)
            if tail:
                prev_found.append(tail[::-1])
    regions: list[Region] = []
    placed: dict[int, Placed] = {}
    for page_no, _, found in per_page:
        for inside in found:
            rid = first_region + len(regions)
            xs = [x for _, _, starts in inside for x, _ in starts]
            ends = [x + _cols(t, measure) for _, _, starts in inside for x, t in starts]
            regions.append(Region(rid, page_no, "rule_table", min(xs) - 1, inside[0][1] - 1, max(ends) + 1,
                                  inside[-1][1] + EM + 1))
            for idx, y, starts in inside:
                placed[idx] = Placed(rid, y, y + EM, [(x, x + _cols(t, measure), t) for x, t in starts])
    return regions, placed


def _continued(lines: list, table: list, measure: str, stops) -> list:
    """The lines (in the order given: from a page's top down, or from its
    bottom up) that go on with ``table`` from the page next to theirs: up to
    the first that is prose (one run across PROSE_SHARE of the table's width,
    as :func:`~pipeline.extract.pdfregions.aligned_tables` has it), a
    heading, a caption or a note; kept when one of them has two runs or more
    that start in the table's columns (to a column)."""
    from .pdfregions import PROSE_SHARE

    cols = {x for _, _, starts in table for x, _ in starts[1:]}
    width = max(x + _cols(t, measure) for _, _, starts in table for x, t in starts) - \
        min(x for _, _, starts in table for x, _ in starts)
    out = []
    for w in lines:
        starts = w[2]
        if stops(" ".join(t for _, t in starts)) or \
                (len(starts) == 1 and _cols(starts[0][1], measure) >= PROSE_SHARE * width):
            break
        out.append(w)
    hits = [w for w in out if len(w[2]) >= 2 and sum(1 for x, _ in w[2] if any(abs(x - o) <= 1 for o in cols)) >= 2]
    return out if hits else []
