"""Floating regions cut out of the text flow: tables, table notes, figure
captions and leaked page furniture.

Tables are *not* parsed here: their lines are handed on, raw, to the
``tables`` stage.  This module only decides where a table starts and ends:

* PDF: lines inside a ruled/three-line table region found by extract;
* text: a table starts after a 专栏 title, an annex heading or a table
  caption (``表1 …``, ``…汇总表``) when the next lines read like a table
  header (指标, 序号, 属性, 20XX年 …), and runs until a note (``注：``), a
  strong heading (章/节/篇/附件), another 专栏 title or table caption, or
  two lines that read like body text (full width, no cell gaps).

Notes (``注：1. …``) follow a table in a smaller font (wide lines) and run
until body text or a heading.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import cjk
from ..model import Line
from .columns import match_title
from .headings import parse_heading
from .layout import Layout


@dataclass(slots=True)
class TableZone:
    table_id: str
    title: list[Line] = field(default_factory=list)     # caption/title lines
    unit: list[Line] = field(default_factory=list)      # 单位：… lines
    lines: list[Line] = field(default_factory=list)     # the table body (raw)
    notes: list[list[Line]] = field(default_factory=list)
    column_no: int | None = None
    region: int | None = None


_ROWISH = cjk.TABLE_ROW_CUE


def is_strong_stop(ln: Line) -> bool:
    """Strong heading, annex heading or 专栏 title: ends any table or box."""
    if match_title(ln.text):
        return True
    h = parse_heading(ln.text, standalone=True)
    return h is not None and h.strong


def header_like(ln: Line, layout: Layout) -> bool:
    """A line that reads like (part of) a table header."""
    if ln.region is not None and layout.regions.get(ln.region) is not None and \
            layout.regions[ln.region].kind in ("table", "rule_table"):
        return True
    return bool(cjk.TABLE_HEADER_WORDS.search(ln.text)) and (
        " " in ln.text or ln.width < 0.6 * max(layout.info[ln.order].full, 1))


def header_like_at(lines: list[Line], j: int, layout: Layout) -> bool:
    """``lines[j]`` starts a table header: it reads like one, or it is a
    header cell broken one or two characters a line (``序`` / ``号`` in a
    narrow column: pdftotext prints each on its own line, no blank between)."""
    if header_like(lines[j], layout):
        return True
    text = lines[j].text.strip()
    k = j + 1
    while k < len(lines) and k < j + 4 and len(cjk.strip_all_space(text)) < 6 and \
            lines[k].gap_before == 0 and len(cjk.strip_all_space(lines[k].text)) <= 2:
        text += lines[k].text.strip()
        k += 1
    return k > j + 1 and bool(cjk.TABLE_HEADER_WORDS.search(text))


def is_caption(lines: list[Line], i: int, layout: Layout) -> bool:
    """``lines[i]`` is a table caption followed by a unit line or a header."""
    ln = lines[i]
    if not cjk.TABLE_CAPTION.search(ln.text.strip()) or cjk.ends_sentence(ln.text):
        return False
    if ln.width > 1.3 * max(layout.body_full, 10) and not layout.geometric:
        return False
    for j in range(i + 1, min(i + 3, len(lines))):
        if cjk.UNIT_LINE.match(lines[j].text.strip()) or header_like(lines[j], layout):
            return True
    return False


def _body_like(ln: Line, layout: Layout) -> bool:
    info = layout.info[ln.order]
    if not layout.wrapped or layout.geometric or info.wide:
        return False
    return ln.width >= info.full - 3 and " " not in ln.text.strip() and not _ROWISH.search(ln.text)


def in_table_region(ln: Line, layout: Layout) -> bool:
    r = layout.regions.get(ln.region) if ln.region is not None else None
    return r is not None and r.kind in ("table", "rule_table")


def extend_table(lines: list[Line], start: int, layout: Layout) -> tuple[int, int]:
    """From ``lines[start]`` (first line of a table body), return
    (end_of_table, end_of_notes) as exclusive indexes into ``lines``."""
    i = start
    n = len(lines)
    geometric_table = in_table_region(lines[start], layout)
    while i < n:
        ln = lines[i]
        if ln.furniture:
            i += 1
            continue
        if geometric_table:
            if not in_table_region(ln, layout):
                break
            i += 1
            continue
        if i > start and (is_strong_stop(ln) or is_caption(lines, i, layout)):
            break
        if cjk.NOTE.match(ln.text.strip()):
            break
        if i > start and _body_like(ln, layout) and i + 1 < n and (
                _body_like(lines[i + 1], layout) or cjk.ends_sentence(lines[i + 1].text)):
            break
        i += 1
    end_table = i
    return end_table, extend_notes(lines, end_table, layout)


def extend_notes(lines: list[Line], start: int, layout: Layout) -> int:
    """Notes block starting at ``lines[start]`` if it is a ``注：`` line;
    returns the exclusive end index (== start when there are no notes)."""
    n = len(lines)
    if start >= n or not cjk.NOTE.match(lines[start].text.strip()):
        return start
    i = start + 1
    prev = lines[start]
    note_no = 1 if cjk.numbered_start(cjk.NOTE.sub("", prev.text.strip(), count=1), 1) is not None else 0
    while i < n:
        ln = lines[i]
        if ln.furniture:
            i += 1
            continue
        if is_strong_stop(ln):
            break
        info = layout.info[ln.order]
        prev_info = layout.info[prev.order]
        if layout.geometric:
            # notes are set smaller than the body, often with a hanging indent:
            # they run on while the typography stays and no blank space intervenes
            ok = ln.region == prev.region and abs((ln.font_size or 0) - (prev.font_size or 0)) < 0.5 and \
                (ln.gap_before or 0) < 1
            ok = ok and (ln.font_size or 0) < (layout_body_size(lines, layout) or 99)
        else:
            continuing = prev_info.wide and not cjk.ends_sentence(prev.text)
            ok = info.wide or continuing or (
                cjk.numbered_start(ln.text, note_no + 1) is not None and (info.short or info.wide))
        if not ok:
            break
        if cjk.numbered_start(ln.text, note_no + 1) is not None:
            note_no += 1
        prev = ln
        i += 1
    return i


def layout_body_size(lines: list[Line], layout: Layout) -> float | None:
    """Font size of the body text (PDF input; None for text input)."""
    if layout.body_size is not None:
        return layout.body_size
    sizes = sorted(x.font_size for x in lines if x.font_size)
    return sizes[len(sizes) // 2] if sizes else None


def split_notes(note_lines: list[Line], layout: Layout) -> list[list[Line]]:
    """Split a notes block into one group per numbered note (1. 2. 3.)."""
    groups: list[list[Line]] = []
    for ln in note_lines:
        if ln.furniture:
            continue
        text = cjk.NOTE.sub("", ln.text.strip(), count=1) if not groups else ln.text
        if not groups or cjk.numbered_start(text, len(groups) + 1) is not None:
            groups.append([ln])
        else:
            groups[-1].append(ln)
    return groups


def is_figure_caption(ln: Line, prev: Line | None, nxt: Line | None, layout: Layout) -> bool:
    """A short stand-alone line such as ``江海版“三区并进”示意图`` or ``图2 …``."""
    t = ln.text.strip()
    if not cjk.FIGURE_CAPTION.search(t) or cjk.ends_sentence(t):
        return False
    info = layout.info[ln.order]
    if layout.wrapped and not layout.geometric and ln.width > info.full - 3:
        return False
    if prev is not None and not (cjk.ends_sentence(prev.text) or layout.info[prev.order].short):
        return False
    return True


def is_stray_page_number(ln: Line) -> bool:
    """A page number that leaked into the text flow (``73``, ``— 12 —``)."""
    return bool(cjk.PAGE_NUMBER.fullmatch(ln.text.strip()))
