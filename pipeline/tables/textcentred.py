"""Run-together text tables whose rows were printed centred.

Some extractions (pdfplumber's ``extract_text()``, PyMuPDF's plain text) give
a table row by row with single spaces between cells, like the seed's text,
but keep the page's vertical order: in a row whose name or value wraps, the
one-line cells (the row label, the numbers, 预期性) are printed on the row's
middle line and the wrapped cell's lines above and below it
(``每万人口高价值发明专利拥有量`` / ``5 5.8 6.5 [0.7] 预期性`` / ``（件）``),
and a header of centred cells comes as interleaved lines (``序 年均增长`` /
``指标 2020年 2025年 属性`` / ``号 [累计]``).  The row decoder
(:mod:`.textgrid`) reads tables printed from the top of each cell, so
:func:`decentre` rewrites such a table into that form first:

* **rows** — a *spine* is a line that starts with a row label and holds a
  value; the lines between two spines are shared out between them so that
  each row's tall cells are centred on its spine, as many lines above as
  below (:func:`pipeline.tables.aligned._centred_split`, the same rule as for
  space-aligned tables); a row's name is its name lines in order, its wrapped
  value is put before its attribute (the last column);
* **header** — interleaved header lines are rewritten a cell a line: the
  lines around the widest one are the upper and lower halves of two-line
  cells, paired in order (序+号, 年均增长+[累计]), and the cells are put in
  the order a plan's
  indicator table has (序号, the name, the years, the growth, 属性: the roles
  of :data:`pipeline.cjk.HEADER_ROLES`), the widest line's cells keeping
  their order.

Rows are taken as centred when the text shows it — a spine whose name is
missing with a line of text both above and below it — and as printed from
the top otherwise (a line between two spines then goes with the one above).
Either way each row becomes one line.  Nothing is added or dropped: the
rewritten lines hold exactly the characters of the table.
"""

from __future__ import annotations

from dataclasses import replace

from .. import cjk
from ..model import Line
from .grid import row_label_start
from .textgrid import split_cells

_ROLE_RANK = {"seq": 0, "category": 1, "name": 1, "unit": 2, None: 3, "attribute": 5, "remark": 6}


def _tokens(ln: Line) -> list[str]:
    """Cells of a line; a row label at its start is a cell of its own (13
    人均预期寿命: not a number with its measure word)."""
    toks = split_cells(ln.text.strip())
    if toks and " " in toks[0]:
        head, rest = toks[0].split(" ", 1)
        if row_label_start(head):
            toks[:1] = [head, rest]
    return toks


def _is_category(ln: Line) -> bool:
    t = ln.text.strip()
    lab = cjk.row_label(t)
    return " " not in t and bool(lab) and lab[0] in ("cat", "sub") and cjk.cell_type(lab[3]) == "text"


def _is_spine(toks: list[str]) -> bool:
    return len(toks) >= 2 and row_label_start(toks[0]) and any(cjk.cell_type(t) != "text" for t in toks[1:])


def _value_like(text: str) -> bool:
    """A wrapped value's line (控制在3.0, 以内, 完成市下达任务), not a name's."""
    t = cjk.strip_all_space(text)
    return t in cjk.QUALIFIER_SUFFIXES or t.startswith(cjk.QUALIFIER_PREFIXES) or cjk.cell_type(t) != "text"


def _header_tokens(ln: Line) -> list[str]:
    """Header cells of one line: split as run-together headers are, and at
    a space after anything but a number (号 [累计]; not 2020 年)."""
    out: list[str] = []
    for t in split_cells(ln.text.strip(), header=True):
        parts = t.split(" ")
        out.append(parts[0])
        for p in parts[1:]:
            if out[-1][-1:].isdigit():
                out[-1] += " " + p
            else:
                out.append(p)
    return out


def decentre(lines: list[Line]) -> list[Line] | None:
    """The table's lines rewritten from centred rows into rows printed from
    the top (see the module docstring), or None when its rows are not
    centred."""
    from .aligned import _centred_split

    toks = [_tokens(ln) for ln in lines]
    first = next((i for i, ln in enumerate(lines) if _is_category(ln) or _is_spine(toks[i])), None)
    if first is None:
        return None
    head = lines[:first]
    head_keys = {cjk.strip_all_space(ln.text) for ln in head}
    kinds = []
    for i, ln in enumerate(lines[first:], start=first):
        if cjk.strip_all_space(ln.text) in head_keys:
            kinds.append("head")              # the header repeated after a page break
        elif _is_category(ln):
            kinds.append("category")
        elif _is_spine(toks[i]):
            kinds.append("spine")
        else:
            kinds.append("float")
    body = list(range(first, len(lines)))
    # evidence of centring: a spine without its name, text both above and below
    centred = False
    for k, i in enumerate(body):
        if kinds[k] == "spine" and cjk.cell_type(toks[i][1]) != "text" and 0 < k < len(body) - 1 and \
                kinds[k - 1] == "float" and kinds[k + 1] == "float" and \
                not _value_like(lines[body[k - 1]].text):
            centred = True
            break
    if not centred and "float" not in kinds:
        return None             # one line a row: nothing to rewrite
    # groups of body lines between headers and categories
    merged_head = _header(head)
    out_lines: list[Line] = list(merged_head)
    group: list[int] = []

    def flush() -> None:
        if not group:
            return
        sp = [k for k in group if kinds[k] == "spine"]
        if not sp:
            out_lines.extend(lines[body[k]] for k in group)
            return
        gaps = [[k for k in group if kinds[k] == "float" and (j == 0 or k > sp[j - 1]) and (j == len(sp) or k < sp[j])]
                for j in range(len(sp) + 1)]
        if centred:
            split = _centred_split([len(g) for g in gaps], [True] * len(sp), False, False)
        else:                   # printed from the top: a line goes with the row above it
            split = [len(gaps[0])] + [len(g) for g in gaps[1:]]
        above: dict[int, list[int]] = {s: [] for s in sp}
        below: dict[int, list[int]] = {s: [] for s in sp}
        above[sp[0]] = gaps[0]
        for j in range(1, len(sp) + 1):
            g = gaps[j]
            below[sp[j - 1]] += g[:split[j]]
            if j < len(sp):
                above[sp[j]] = g[split[j]:]
        for s in sp:
            out_lines.append(_row(lines[body[s]], toks[body[s]], [lines[body[k]] for k in above[s]],
                                  [lines[body[k]] for k in below[s]]))
        group.clear()

    k = 0
    while k < len(body):
        if kinds[k] == "head":
            flush()
            j = k
            while j < len(body) and kinds[j] == "head":
                j += 1
            run = [lines[body[x]] for x in range(k, j)]
            if merged_head is not head and len(run) == len(head):
                # the header repeated after a page break, merged as the first
                out_lines.extend(replace(run[1], text=h.text, width=h.width) for h in merged_head)
            else:
                out_lines.extend(run)
            k = j
            continue
        if kinds[k] == "category":
            flush()
            out_lines.append(lines[body[k]])
        else:
            group.append(k)
        k += 1
    flush()
    return out_lines


def _row(spine: Line, toks: list[str], above: list[Line], below: list[Line]) -> Line:
    """One row printed from the top: label, name, values, wrapped value, attribute."""
    label, rest = toks[0], toks[1:]
    name = []
    while rest and cjk.cell_type(rest[0]) == "text" and not _value_like(rest[0]):
        name.append(rest.pop(0))
    attr = [rest.pop()] if rest and cjk.attribute_word(rest[-1]) else []
    names, vals = [], []
    for ln in above:
        (vals if _value_like(ln.text) else names).append(cjk.strip_all_space(ln.text))
    mid = len(names)
    for ln in below:
        (vals if _value_like(ln.text) else names).append(cjk.strip_all_space(ln.text))
    full_name = "".join(names[:mid] + [cjk.strip_all_space(t) for t in name] + names[mid:])
    parts = [label] + ([full_name] if full_name else []) + rest + (["".join(vals)] if vals else []) + attr
    text = " ".join(parts)
    return replace(spine, text=text, width=cjk.display_width(text))


def _header(head: list[Line]) -> list[Line]:
    """Interleaved header lines as one cell a line, in column order (see the
    module docstring); the lines as they are when they are not two halves
    around a widest line."""
    if len(head) != 3:
        return head
    toks = [_header_tokens(ln) for ln in head]
    top, main, bottom = toks
    if len(main) <= max(len(top), len(bottom)) or len(top) != len(bottom):
        return head
    stacked = [a + b for a, b in zip(top, bottom, strict=True)]
    cells = [(k, t) for k, t in enumerate(main)] + [(len(main) + k, t) for k, t in enumerate(stacked)]

    def rank(kt: tuple[int, str]) -> tuple[int, int]:
        k, t = kt
        s = cjk.strip_all_space(t)
        role = cjk.header_role(s)
        if role is None and cjk.YEAR_START.match(s):
            return (3, k)
        if role is None and cjk.MEASURE_GROWTH.search(s):
            return (4, k)
        return (_ROLE_RANK.get(role, 3), k)

    # a cell a line, as a header printed from the top has its stacked cells
    # (the row decoder joins a line that does not start a header term to the
    # cell above, and reads a one-line header cell by cell)
    return [replace(head[1], text=t, width=cjk.display_width(t)) for _, t in sorted(cells, key=rank)]
