"""structure stage: Lines → Blocks (headings, paragraphs, 专栏, tables, notes,
captions, furniture) and the outline.

The passes, each in its own module:

1. :mod:`.layout`     line features (short / indented / wide) for both paths;
   :mod:`.toc`        table-of-contents lines (never headings);
2. :mod:`.columns`    专栏 titles;
3. :mod:`.regions`    table regions (+ titles, units, notes), figure captions,
                      leaked page numbers;
4. :mod:`.columns`    box bodies and their entries;
5. :mod:`.paragraphs` + :mod:`.headings`  the remaining body flow → headings
                      and reflowed paragraphs (floats removed first, so a
                      paragraph split by a box or a page break is rejoined);
6. :mod:`.outline`    node ids, parents, levels, page ranges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import cjk
from ..errors import NotAPlan
from ..model import Block, Extracted, Line, Structured
from . import columns as col
from . import regions as reg
from .headings import HeadingMatch, parse_heading
from .layout import Layout, analyse
from .outline import build_outline
from .paragraphs import is_boundary, join_lines, join_texts, keep_breaks
from .toc import find_toc

__all__ = ["structure"]


@dataclass(slots=True)
class _Draft:
    """A block before ordering: ``anchor`` is the line order it sorts at."""

    anchor: float
    kind: str
    lines: list[Line]
    text: str
    extra: dict = field(default_factory=dict)


def _draft(kind: str, lines: list[Line], text: str | None = None, anchor: float | None = None, **extra) -> _Draft:
    if text is None:
        text = join_lines(lines)
    return _Draft(anchor if anchor is not None else float(lines[0].order), kind, lines, text, extra)


def _prev_ends_unit(lines: list[Line], i: int, layout: Layout) -> bool:
    """The line before ``lines[i]`` (ignoring furniture) ends a unit."""
    j = i - 1
    while j >= 0 and lines[j].furniture:
        j -= 1
    if j < 0:
        return True
    a = lines[j]
    info = layout.info[a.order]
    return cjk.ends_sentence(a.text) or info.short or lines[i].segment > 0 or \
        (lines[i].gap_before or 0) >= 1 or bool(layout.info[lines[i].order].indented)


def structure(ex: Extracted) -> Structured:
    """Find the document's structure.  Raises :class:`NotAPlan` when the text
    has no outline at all."""
    lines = ex.lines
    layout = analyse(ex)
    n = len(lines)
    taken = [False] * n
    drafts: list[_Draft] = []

    # -- page furniture marked by extract ----------------------------------
    for ln in lines:
        if ln.furniture:
            taken[ln.order] = True
            drafts.append(_draft("furniture", [ln], ln.text, role=ln.furniture))

    # -- table of contents: its entries are never headings ------------------
    for ln in find_toc(lines):
        taken[ln.order] = True
        drafts.append(_draft("furniture", [ln], ln.text, role="toc"))

    # -- document title (title page in a PDF, or a title line at the top) --
    title_lines = _find_title(lines, layout)
    for ln in title_lines:
        taken[ln.order] = True
    doc_title = join_texts([x.text for x in title_lines]) if title_lines else None
    if title_lines:
        drafts.append(_draft("title", title_lines, doc_title))

    # -- 专栏 titles, tables, notes ----------------------------------------
    titles: list[col.ColumnTitle] = []
    table_no = 0
    i = 0
    while i < n:
        ln = lines[i]
        if taken[i]:
            i += 1
            continue
        t = col.match_title(ln.text)
        if t and _prev_ends_unit(lines, i, layout):
            ct = col.ColumnTitle(t[0], t[1], ln, [ln], key=len(titles) + 1)
            titles.append(ct)
            taken[i] = True
            j = _next_free(lines, taken, i + 1)
            while layout.geometric and j < n and _title_continues(ct.title_lines[-1], lines[j], layout):
                # PDF: a long 专栏 title wrapped over two lines
                ct.title_lines.append(lines[j])
                ct.title = join_texts([ct.title, lines[j].text])
                taken[j] = True
                j = _next_free(lines, taken, j + 1)
            if j < n and reg.header_like(lines[j], layout):
                table_no += 1
                i = _take_table(lines, j, layout, taken, drafts, f"T{table_no}", column=ct)
                continue
            i += 1
            continue
        ann = parse_heading(ln.text, standalone=True)
        is_annex = ann is not None and ann.rank == cjk.RANK_ANNEX and ann.strong and ln.width < 12
        if is_annex or ((reg.is_caption(lines, i, layout) or reg.in_table_region(ln, layout))
                        and _prev_ends_unit(lines, i, layout)):
            start = i
            if is_annex:
                # the annex heading itself stays in the body flow
                start = _next_free(lines, taken, i + 1)
                if start >= n or not (reg.is_caption(lines, start, layout) or reg.header_like(lines[start], layout)):
                    i += 1
                    continue
            k = start
            title: list[Line] = []
            unit: list[Line] = []
            if reg.is_caption(lines, k, layout):
                title.append(lines[k])
                k += 1
            while k < n and cjk.UNIT_LINE.match(lines[k].text.strip()):
                unit.append(lines[k])
                k += 1
            if k < n and (reg.header_like(lines[k], layout) or title):
                for x in title:
                    taken[x.order] = True
                    drafts.append(_draft("table_title", [x], table_id=f"T{table_no + 1}"))
                for x in unit:
                    taken[x.order] = True
                    drafts.append(_draft("table_unit", [x], table_id=f"T{table_no + 1}"))
                table_no += 1
                i = _take_table(lines, k, layout, taken, drafts, f"T{table_no}", column=None)
                continue
        i += 1

    # -- captions and leaked page numbers --------------------------------
    free = [x for x in lines if not taken[x.order]]
    for k, ln in enumerate(free):
        prev = free[k - 1] if k > 0 else None
        nxt = free[k + 1] if k + 1 < len(free) else None
        if reg.is_stray_page_number(ln):
            taken[ln.order] = True
            drafts.append(_draft("furniture", [ln], ln.text, role="page_number"))
        elif reg.is_figure_caption(ln, prev, nxt, layout):
            taken[ln.order] = True
            drafts.append(_draft("caption", [ln]))

    # -- 专栏 bodies --------------------------------------------------------
    # each box is looked for between its title and the next title, so two
    # boxes never claim the same lines
    flow = [x for x in lines if not taken[x.order]]
    box_units: dict[int, list[list[Line]]] = {}
    for t_idx, ct in enumerate(titles):
        if any(d.kind == "table" and d.extra.get("column_key") == ct.key for d in drafts):
            continue
        start = _first_flow_after(flow, ct.line.order)
        if start is None:
            continue
        limit = titles[t_idx + 1].line.order if t_idx + 1 < len(titles) else None
        units = col.take_box(flow, start, layout, after_title=True, limit=limit)
        if not units:
            # floating box: the next run of box lines before the next title
            limit = limit if limit is not None else float("inf")
            for k in range(start, len(flow)):
                if flow[k].order >= limit or _is_chapter_or_part(flow[k]):
                    break
                if layout.info[flow[k].order].wide and _unit_start_in_flow(flow, k, layout):
                    units = col.take_box(flow, k, layout, after_title=False, limit=limit)
                    if units:
                        break
        if units:
            box_units[ct.key] = units
            for u in units:
                for x in u:
                    taken[x.order] = True

    for ct in titles:
        units = box_units.get(ct.key, [])
        has_table = any(d.kind == "table" and d.extra.get("column_key") == ct.key for d in drafts)
        kind = "table" if has_table else ("list" if units else "text")
        items = col.build_items(units) if units else []
        numbered = bool(units) and cjk.arabic_item_number(units[0][0].text) is not None
        labelled = any(lbl is not None for lbl, _ in items)
        if units and not labelled:
            kind = "text"
        m = cjk.COLUMN_TITLE.match(ct.line.text.strip())
        drafts.append(_draft("column_title", ct.title_lines, anchor=ct.line.order,
                             column_no=ct.column_no, column_key=ct.key, title=ct.title, column_kind=kind,
                             label=f"专栏{m.group(1)}" if m else "专栏"))
        for k, (label, us) in enumerate(items):
            ulines = [x for u in us for x in u]
            text = "\n".join(join_texts([x.text for x in u]) for u in us)
            if kind == "text":
                drafts.append(_draft("paragraph", ulines, text, anchor=ct.line.order + 0.001 * (k + 1),
                                     column_no=ct.column_no, column_key=ct.key))
            else:
                drafts.append(_draft("column_item", ulines, text, anchor=ct.line.order + 0.001 * (k + 1),
                                     column_no=ct.column_no, column_key=ct.key, item_label=label,
                                     item_text=col.item_text(label, us, numbered)))

    # -- body flow: headings and paragraphs --------------------------------
    flow = [x for x in lines if not taken[x.order]]
    drafts.extend(_body(flow, layout))

    if not any(d.kind == "heading" for d in drafts):
        raise NotAPlan("no outline found (no 第N章/第N节/一、 headings, no 专栏): "
                       "this does not look like a development plan", ex.source.path)

    blocks = _finish(drafts)
    nodes = build_outline(blocks)
    return Structured(source=ex.source, title=doc_title, blocks=blocks, nodes=nodes)


def _next_free(lines: list[Line], taken: list[bool], i: int) -> int:
    while i < len(lines) and (taken[i] or lines[i].furniture):
        i += 1
    return i


def _first_flow_after(flow: list[Line], order: int) -> int | None:
    for k, x in enumerate(flow):
        if x.order > order:
            return k
    return None


def _unit_start_in_flow(flow: list[Line], k: int, layout: Layout) -> bool:
    if k == 0:
        return True
    return is_boundary(flow[k - 1], flow[k], False, layout) or cjk.ends_sentence(flow[k - 1].text) or \
        (layout.info[flow[k].order].wide and not layout.info[flow[k - 1].order].wide)


def _take_table(lines: list[Line], start: int, layout: Layout, taken: list[bool], drafts: list[_Draft],
                table_id: str, column: col.ColumnTitle | None) -> int:
    column_no = column.column_no if column else None
    column_key = column.key if column else None
    end_table, end_notes = reg.extend_table(lines, start, layout)
    body = [x for x in lines[start:end_table] if not taken[x.order] and not x.furniture]
    for x in lines[start:end_notes]:
        taken[x.order] = True
    # furniture inside the table stays furniture
    if body:
        drafts.append(_draft("table", body, "\n".join(x.text for x in body), table_id=table_id,
                             column_no=column_no, column_key=column_key, region=body[0].region))
    notes = [x for x in lines[end_table:end_notes] if not x.furniture]
    for grp in reg.split_notes(notes, layout):
        drafts.append(_draft("note", grp, table_id=table_id, column_no=column_no, column_key=column_key))
    return end_notes


def _find_title(lines: list[Line], layout: Layout) -> list[Line]:
    """Title lines at the top of the document: on a PDF title page (large
    font, page 1, before any body text) or a short leading text line that
    names the plan (…规划纲要)."""
    if not lines:
        return []
    if layout.geometric:
        first_page = [x for x in lines if x.page == lines[0].page and not x.furniture]
        big = [x for x in first_page if layout.info[x.order].emphasis and (x.font_size or 0) >
               1.3 * (reg.layout_body_size(lines, layout) or 99)]
        if big and big[0] is first_page[0]:
            out = []
            for x in first_page:
                if x in big:
                    out.append(x)
                else:
                    break
            return out
        return []
    body = [x for x in lines if not x.furniture][:2]   # text: front matter notes come first
    first = body[0] if body else lines[0]
    t = first.text.strip()
    if (cjk.PLAN_TITLE.search(t) and cjk.match_numbering(t) is None and len(body) > 1
            and (layout.info[first.order].very_short or not layout.wrapped) and body[1].segment == 0):
        return [first]
    return []


def _body(flow: list[Line], layout: Layout) -> list[_Draft]:
    """Headings and paragraphs of the body flow."""
    out: list[_Draft] = []
    units: list[list[Line]] = []
    heading_units: set[int] = set()      # ids of units that are a wrapped heading
    cur: list[Line] = []
    k = 0
    while k < len(flow):
        ln = flow[k]
        strong = _strong_candidate(ln)
        if cur:
            b = is_boundary(cur[-1], ln, len(cur) == 1, layout)
            if not b and strong and (cjk.ends_sentence(cur[-1].text) or layout.info[cur[-1].order].short):
                b = True
            if b:
                units.append(cur)
                cur = []
        if not cur and layout.geometric and _heading_start(ln, layout):
            # PDF: a heading wrapped over several lines is one unit
            head = [ln]
            while k + 1 < len(flow) and _heading_continues(head[-1], flow[k + 1], layout):
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

    from .headings import Numbering

    numbering = Numbering()
    stack: list[tuple[int, str]] = []   # (rank, key) of open headings
    counter = 0
    for u in units:
        first = u[0]
        standalone = len(u) == 1
        if id(u) in heading_units:
            h = parse_heading(join_texts([x.text for x in u]), standalone=True)
        elif standalone:
            h = parse_heading(first.text, standalone=True)
        else:
            # a run-in heading: its title clause, and the rest of the whole unit
            h = parse_heading(join_texts([x.text for x in u]), standalone=False)
            if h is not None and h.strong:
                h = None
        if h is not None and not h.strong and not standalone and not h.rest:
            h = None
        accepted = False
        if h is not None:
            while stack and stack[-1][0] >= h.rank:
                stack.pop()
            parent = stack[-1][1] if stack else ""
            if numbering.expected_ok(parent, h.rank, h.number, h.strong):
                accepted = True
                numbering.accept(parent, h.rank, h.number)
                counter += 1
                key = f"{parent}/{h.rank}:{h.number}:{counter}"
                stack.append((h.rank, key))
                _emit_heading(out, u, h, layout)
        if not accepted:
            out.append(_draft("paragraph", u))
    return out


def _is_chapter_or_part(ln: Line) -> bool:
    h = parse_heading(ln.text, standalone=True)
    return h is not None and h.strong and h.rank <= cjk.RANK_CHAPTER


def _strong_candidate(ln: Line) -> bool:
    h = parse_heading(ln.text, standalone=True)
    return h is not None and h.strong


def _heading_start(ln: Line, layout: Layout) -> bool:
    """PDF: a line that may open a (possibly wrapped) heading: numbered like
    an outline heading and set apart by emphasis (bold, larger, centred)."""
    return layout.info[ln.order].emphasis and parse_heading(ln.text, standalone=True) is not None


def _title_continues(prev: Line, ln: Line, layout: Layout) -> bool:
    """PDF: ``ln`` continues the 专栏 title whose last line is ``prev``."""
    return not reg.in_table_region(ln, layout) and _heading_continues(prev, ln, layout)


def _heading_continues(prev: Line, ln: Line, layout: Layout) -> bool:
    """PDF: ``ln`` continues the heading whose last line is ``prev`` — same
    page, same typography, no blank space between, ``prev`` does not end a
    sentence and ``ln`` does not start a heading or a 专栏 of its own."""
    if ln.page != prev.page or ln.region != prev.region or ln.segment:
        return False
    if (ln.gap_before or 0) >= 0.5 or cjk.ends_sentence(prev.text):
        return False
    if not layout.info[ln.order].emphasis or ln.bold != prev.bold or ln.font_name != prev.font_name or \
            abs((ln.font_size or 0) - (prev.font_size or 0)) > 0.1:
        return False
    if cjk.match_numbering(ln.text) is not None or col.match_title(ln.text) or cjk.ANNEX.match(ln.text.strip()):
        return False
    return True


def _emit_heading(out: list[_Draft], unit: list[Line], h: HeadingMatch, layout: Layout) -> None:
    kind = "annex" if h.rank == cjk.RANK_ANNEX and h.label.startswith("附") else cjk.RANK_KIND[h.rank]
    if h.rest:
        # run-in heading: the title clause is the heading, the rest a paragraph
        out.append(_draft("heading", [unit[0]], h.consumed, node_kind=kind, rank=h.rank,
                          number=h.number, label=h.label, title=h.title))
        out.append(_draft("paragraph", unit, keep_breaks(cjk.clean_spaces(h.rest), unit), anchor=unit[0].order + 0.5))
        return
    out.append(_draft("heading", unit, join_texts([x.text for x in unit]), node_kind=kind, rank=h.rank,
                      number=h.number, label=h.label, title=h.title))


def _finish(drafts: list[_Draft]) -> list[Block]:
    drafts.sort(key=lambda d: (d.anchor, d.lines[0].order if d.lines else 0))
    blocks = []
    for k, d in enumerate(drafts):
        pages = [x.page for x in d.lines]
        e = d.extra
        blocks.append(Block(
            block_id=k, kind=d.kind, text=d.text, lines=[x.order for x in d.lines],
            page_start=min(pages), page_end=max(pages),
            node_kind=e.get("node_kind"), rank=e.get("rank"), number=e.get("number"),
            label=e.get("label"), title=e.get("title"),
            column_no=e.get("column_no"), column_key=e.get("column_key"),
            item_label=e.get("item_label"), item_text=e.get("item_text"),
            table_id=e.get("table_id"), region=e.get("region"),
            role=e.get("role") or e.get("column_kind")))
    return blocks
