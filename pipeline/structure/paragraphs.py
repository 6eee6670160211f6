"""Paragraph reflow: where a paragraph ends, and how wrapped lines join.

Chinese text is hard-wrapped with no hyphenation, so wrapped lines join with
no space.  A paragraph boundary between two consecutive lines of the same
flow (body text, or the inside of a box) is decided from layout:

* a blank line (when blank lines are meaningful) or a vertical gap;
* the next line is indented (PDF geometry, or leading whitespace in text);
* the line is far too short to be a wrapped line;
* in hard-wrapped text without visible indentation: the line ends a sentence
  and the next line's first piece (:func:`cjk.lead_token_width`) would have
  fitted on it — the line ended by choice, not because it was full (this
  holds for justified and ragged-right text alike) — or the next line is set
  with a first line's measure (:attr:`LineInfo.indent_width`, from the
  first-line indent measured for the document).

Floats (boxes, tables, figures, page furniture) are taken out of the flow
before this runs, so a paragraph interrupted by a box or a page break is
rejoined.
"""

from __future__ import annotations

from .. import cjk
from ..model import Line
from .layout import Layout, _bare_end


def is_boundary(a: Line, b: Line, a_first: bool, layout: Layout, full: float | None = None) -> bool:
    """True if a paragraph ends after line ``a`` (with ``b`` the next line of
    the same flow).  ``a_first`` tells whether ``a`` is a paragraph's first
    line; ``full`` overrides the full line width of the flow (text input:
    the width of a box line inside a 专栏)."""
    ia, ib = layout.info[a.order], layout.info[b.order]
    if b.segment > 0 or (b.gap_before is not None and b.gap_before >= 1):
        return True
    if a.markup_level is not None or b.markup_level is not None:
        return True          # a Markdown heading is a block of its own
    ends = cjk.ends_sentence(a.text)
    if layout.geometric or ib.indented is not None:
        # indentation is visible (PDF geometry or leading whitespace)
        if ib.indented:
            return True
        if not layout.wrapped and (ia.wide or ib.wide) and b.text[:1] not in cjk.NO_LINE_START:
            return True      # whole-paragraph lines in a box style: each its own unit
        if layout.geometric:
            if layout.indents_mark_paragraphs:
                return ends and ia.short
            return ia.very_short or (ends and ia.short)
        if layout.wrapped:
            f = full if full is not None else ia.full
            return a.width < f - 4 or (ends and a.width < f - 1.5)
        return False
    if not layout.wrapped:
        return True
    f = full if full is not None else ia.full
    # the room line ``a`` had: a paragraph's first line is shorter by the
    # first-line indent measured for the document
    room = f - (layout.first_indent if a_first else 0.0)
    fits = ia.measure + ib.lead < room - 0.5   # ``b``'s first piece would have fitted on ``a``
    if a.width < f - 4 and fits:          # far too short to be a wrapped line
        return True
    if not ends:
        return False
    if fits or ia.wide != ib.wide:   # (or the typography changes after the sentence: box / body)
        return True
    if ib.very_short and _bare_end(b.text):
        # a short line with no punctuation at all after a sentence end is a
        # label or title of its own, not the end of the paragraph
        return True
    return ib.indent_width  # ``b`` is set with a first line's measure


def segment(lines: list[Line], layout: Layout, full: float | None = None) -> list[list[Line]]:
    """Split a flow of lines into paragraph units."""
    units: list[list[Line]] = []
    cur: list[Line] = []
    for ln in lines:
        if cur and is_boundary(cur[-1], ln, len(cur) == 1, layout, full):
            units.append(cur)
            cur = []
        cur.append(ln)
    if cur:
        units.append(cur)
    return units


def join_lines(lines: list[Line]) -> str:
    """Join the Lines of one unit (:func:`join_texts`), keeping a newline
    before each line that starts a sentence whose punctuation the source
    lost (:attr:`Line.break_before`), so that no two sentences are glued
    together without a boundary."""
    parts: list[list[str]] = [[]]
    for k, ln in enumerate(lines):
        if k and ln.break_before and ln.segment == 0 and parts[-1]:
            parts.append([])
        parts[-1].append(ln.text)
    return "\n".join(t for t in (join_texts(p) for p in parts) if t)


def keep_breaks(tail: str, lines: list[Line]) -> str:
    """``tail`` — the end of the unit ``lines`` joined without breaks (the
    rest of a run-in heading's unit) — with the newlines of
    :func:`join_lines` put back."""
    full = join_lines(lines)
    if "\n" not in full:
        return tail
    want = len(cjk.strip_all_space(tail))
    n, pos = 0, len(full)
    while pos > 0 and n < want:
        pos -= 1
        if not full[pos].isspace():
            n += 1
    out = full[pos:].strip()
    return out if cjk.strip_all_space(out) == cjk.strip_all_space(tail) else tail


def join_texts(texts: list[str]) -> str:
    """Join hard-wrapped line texts into one paragraph text (no space between
    Chinese characters; a space only between two Latin letters), with
    extraction spaces removed (:func:`cjk.clean_spaces`)."""
    out = ""
    for t in texts:
        t = t.strip()
        if not t:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and t[0].isascii() and t[0].isalpha():
            out += " "
        out += t
    return cjk.clean_spaces(out)
