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

from .. import cjk
from ..errors import NotAPlan
from ..model import Block, Extracted, Line, Structured
from . import columns as col
from . import regions as reg
from .drafts import Draft as _Draft
from .drafts import draft as _draft
from .flow import body, heading_continues, text_title_wraps
from .front import front_matter
from .headings import parse_heading
from .layout import Layout, analyse
from .outline import build_outline
from .paragraphs import is_boundary, join_texts
from .toc import find_toc, glued_front_heading

__all__ = ["structure"]




def _prev_ends_unit(lines: list[Line], i: int, layout: Layout) -> bool:
    """The line before ``lines[i]`` (ignoring furniture) ends a unit."""
    j = i - 1
    while j >= 0 and lines[j].furniture:
        j -= 1
    if j < 0:
        return True
    a = lines[j]
    info = layout.info[a.order]
    # a table ends whatever its last cell says (the next table's caption may follow it directly)
    leaves_table = reg.in_table_region(a, layout) and not reg.in_table_region(lines[i], layout)
    # and a table region begins a unit: no text runs on into a table
    enters_table = reg.in_table_region(lines[i], layout) and a.region != lines[i].region
    return cjk.ends_sentence(a.text) or info.short or lines[i].segment > 0 or leaves_table or enters_table or \
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
    toc = find_toc(lines)
    for k, ln in enumerate(toc):
        taken[ln.order] = True
        glued = glued_front_heading(ln.text) if k == len(toc) - 1 else None
        if glued is None:
            drafts.append(_draft("furniture", [ln], ln.text, role="toc"))
            continue
        # the body's first heading (序言) run onto the TOC's last line
        cut, h = glued
        drafts.append(_draft("furniture", [ln], ln.text[:cut], role="toc"))
        drafts.append(_draft("heading", [ln], ln.text[cut:], anchor=ln.order + 0.5, node_kind=h.kind,
                             rank=h.rank, number=h.number, label=h.label, title=h.title))

    # -- front and back matter: title block, issuing notice, colophon -------
    fm = front_matter(lines, layout, taken)
    drafts.extend(fm.drafts)
    doc_title = fm.title

    # -- 专栏 titles, tables, notes ----------------------------------------
    titles: list[col.ColumnTitle] = []
    table_no = 0
    # text: 专栏 titles are set alike, so the longest shows where they wrap
    title_full = max((layout.info[x.order].measure or x.width for x in lines if col.match_title(x.text)),
                     default=None)
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
            while j < n and (_title_continues(ct.title_lines[-1], lines[j], layout) if layout.geometric else
                             not reg.header_like(lines[j], layout)
                             and text_title_wraps(ct.title_lines, lines[j], layout, title_full)):
                # a long 专栏 title wrapped over two lines
                ct.title_lines.append(lines[j])
                ct.title = join_texts([ct.title, lines[j].text])
                taken[j] = True
                j = _next_free(lines, taken, j + 1)
            if j < n and reg.header_like_at(lines, j, layout):
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
            units = box_units[ct.key] = col.split_lead_terms(units)
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
    drafts.extend(body(flow, layout))

    _check_plan(lines, drafts, ex.source.path)

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


#: A plan is Chinese text: at least this share of its characters are Han.
MIN_HAN_SHARE = 0.2


def _check_plan(lines: list[Line], drafts: list[_Draft], path: str) -> None:
    """Raise :class:`NotAPlan` unless the text reads like a plan: mostly
    Chinese, with an outline — a strong heading (第N章/节/篇), two numbered
    headings or a 专栏.  One numbered line is a list, not an outline."""
    chars = "".join(cjk.strip_all_space(x.text) for x in lines)
    han = cjk.han_count(chars)
    if chars and han < MIN_HAN_SHARE * len(chars):
        raise NotAPlan(f"only {100 * han / len(chars):.0f}% of the text is Chinese: "
                       "this does not look like a Chinese development plan", path)
    heads = [d for d in drafts if d.kind == "heading"]
    strong = any(d.extra.get("node_kind") in ("part", "chapter", "section") for d in heads)
    if not (strong or len(heads) >= 2 or any(d.kind == "column_title" for d in drafts)):
        raise NotAPlan("no outline found (no 第N章/第N节/一、 headings, no 专栏): "
                       "this does not look like a development plan", path)


def _is_chapter_or_part(ln: Line) -> bool:
    h = parse_heading(ln.text, standalone=True)
    return h is not None and h.strong and h.rank <= cjk.RANK_CHAPTER


def _title_continues(prev: Line, ln: Line, layout: Layout) -> bool:
    """PDF: ``ln`` continues the 专栏 title whose last line is ``prev``."""
    return not reg.in_table_region(ln, layout) and heading_continues(prev, ln, layout)


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
