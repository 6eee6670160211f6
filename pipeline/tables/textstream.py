"""Tables from a cell stream: pdftotext's reading order of a table's cells.

poppler's ``pdftotext`` does not print a table row by row.  Its text flow
gives, for each table page, the cells as blocks separated by blank lines, in
an order that follows the page's text columns: a row's cells usually come
one after another, but a cell taller than its neighbours (a merged value
spanning two columns, a wrapped sentence) may come before the row's label,
and the cells of rows beside a vertically merged label may come as a run
before or after the labels they belong to.  Header rows are printed again on
every page the table covers (in any order), and a wrapped cell is broken over
lines with no blank line between them.

The decoder here is linear in the number of lines (no search over
assignments):

1. **header** — the lines before the first row label; its fragments are
   joined into cells by the header vocabulary, a fragment that does not start
   a header term continuing the nearest cell that is not yet a column name
   (``五年年`` … ``均增长`` with ``2020年`` printed between them); the
   attribute column is the last column (a row ends with its attribute), and
   a column group repeats the order of its sub-columns from the first group
   with the same sub-columns.  Header lines repeated after a page break are
   set apart.
2. **units** — each line is split into cell tokens (:func:`.textgrid.split_cells`);
   a line without a blank line before it continues the open cell before it
   (a wrapped name or value); a row label in sequence (``1.``, ``一、``,
   ``（一）``, ``合计``, a bare ``1`` under a 序号 column) starts a row; short
   fragments beside the labels (a vertical group label such as ``森林`` /
   ``发展`` printed one line at a time) are kept as the row's group label.
3. **rows** — values follow their row until the row's last column type (the
   attribute) is seen; values seen when no row is open form an *orphan run*
   that ends at an attribute.
4. **orphans** — orphan runs are given, in reading order, to the rows still
   missing values, in row order: first where the run completes the row
   exactly, then where it fits with empty columns.  What fits nowhere stays in
   the row as unplaced cells and is reported.

Hand-written because no library decodes pdftotext's table order; every rule
is a property of how such tables are printed (labels in sequence, the row
ending with its attribute, header vocabulary from :mod:`pipeline.cjk`).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter

from .. import cjk
from ..model import Line
from .base import Grid, join_cell
from .textgrid import (
    CellAtom,
    HeaderFrag,
    HeaderLayout,
    TextRow,
    assemble_grid,
    header_roles,
    kind_class,
    layout_header,
    place_atoms,
    split_cells,
)

__all__ = ["build_stream_grid"]


# --------------------------------------------------------------------------
# header
# --------------------------------------------------------------------------


def _complete_header(text: str) -> bool:
    """A header cell that already names a column (a year, 增长, 属性 …)."""
    t = cjk.strip_all_space(text)
    return bool(cjk.HEADER_LEAF.search(t) or cjk.MEASURE_GROWTH.search(t) or cjk.header_role(t) == "attribute")


def _bare_year(text: str) -> bool:
    """A header cell that is a year and nothing else (``2020 年``): a cell
    of its own, never the start of a wrapped one."""
    return bool(cjk.YEAR_IN_HEADER.fullmatch(cjk.strip_all_space(text)))


def _stream_header_cells(lines: list[Line]) -> list[list[HeaderFrag]]:
    """Header lines → cells; a continuation fragment joins the nearest cell
    that does not yet name a column (pdftotext may print a one-line cell
    between the two lines of a wrapped one)."""
    cells: list[list[HeaderFrag]] = []
    for ln in lines:
        for i, t in enumerate(split_cells(ln.text, header=True)):
            f = HeaderFrag(t, ln)
            if cells and i == 0 and not cjk.HEADER_CELL_START.match(cjk.strip_all_space(t)):
                k = next((j for j in range(len(cells) - 1, -1, -1)
                          if not _bare_year(join_cell([x.text for x in cells[j]]))), len(cells) - 1)
                cells[k].append(f)
            else:
                cells.append([f])
    # a base-year header wrapped after its year (2015 年 / 基期) is one cell:
    # a base period names no column without its year
    merged: list[list[HeaderFrag]] = []
    for c in cells:
        t = cjk.strip_all_space(join_cell([x.text for x in c]))
        if merged and cjk.MEASURE_BASE.fullmatch(t) and _bare_year(join_cell([x.text for x in merged[-1]])):
            merged[-1] = merged[-1] + c
        else:
            merged.append(c)
    cells = merged
    # the attribute column is the last column of an indicator table
    attrs = [c for c in cells if cjk.header_role(join_cell([x.text for x in c])) == "attribute"]
    if len(attrs) == 1:
        cells = [c for c in cells if c is not attrs[0]] + attrs
    return _order_groups(cells)


def _leaf_key(text: str) -> str:
    """What a sub-column measures: ``growth``, ``year`` or its own text."""
    t = cjk.strip_all_space(text)
    return "growth" if cjk.MEASURE_GROWTH.search(t) else ("year" if cjk.YEAR_IN_HEADER.search(t) else t)


def _order_groups(cells: list[list[HeaderFrag]]) -> list[list[HeaderFrag]]:
    """Sub-columns of a column group in the order the first group with the
    same sub-column kinds prints them (a table repeats its column pattern)."""
    def key(c: list[HeaderFrag]) -> str:
        return _leaf_key(join_cell([x.text for x in c]))

    texts = [join_cell([x.text for x in c]) for c in cells]
    runs: list[tuple[int, int]] = []      # [start, end) of the leaves after each group cell
    i = 0
    while i < len(cells):
        if not _complete_header(texts[i]) and i + 1 < len(cells):
            j = i + 1
            while j < len(cells) and _complete_header(texts[j]) and cjk.header_role(texts[j]) != "attribute" \
                    and key(cells[j]) in ("growth", "year"):
                j += 1
            if j - i > 1:
                runs.append((i + 1, j))
            i = j
        else:
            i += 1
    if len(runs) < 2:
        return cells
    a, b = runs[0]
    pattern = [key(c) for c in cells[a:b]]
    out = list(cells)
    for s, e in runs[1:]:
        seg = cells[s:e]
        if sorted(key(c) for c in seg) == sorted(pattern) and len(set(pattern)) == len(pattern):
            out[s:e] = sorted(seg, key=lambda c: pattern.index(key(c)))
    return out


def _fit_header(hcells: list[list[HeaderFrag]]) -> HeaderLayout:
    """The header in two levels when a group cell is followed by its
    sub-columns (years, growth: pdftotext prints a group before the cells
    under it), else in one level."""
    atoms = [CellAtom(c, "header") for c in hcells]
    out: list[tuple[CellAtom, int, int, int, int]] = []
    col, i, two = 0, 0, False
    while i < len(atoms):
        a = atoms[i]
        j, seen = i + 1, set()
        if not _complete_header(a.text):
            while j < len(atoms) and _complete_header(atoms[j].text) and \
                    cjk.header_role(atoms[j].text) not in ("attribute", "seq", "name") and \
                    _leaf_key(atoms[j].text) not in seen:
                seen.add(_leaf_key(atoms[j].text))
                j += 1
        if j - i > 2:
            out.append((a, 0, col, 1, j - i - 1))
            for k in range(i + 1, j):
                out.append((atoms[k], 1, col + k - i - 1, 1, 1))
            col += j - i - 1
            two = True
            i = j
        else:
            out.append((a, 0, col, 2, 1))
            col += 1
            i += 1
    if not two:
        return layout_header(hcells, len(hcells))
    return HeaderLayout(out, 2, col)


# --------------------------------------------------------------------------
# units and rows
# --------------------------------------------------------------------------


class _Seq:
    """Row labels seen so far: a label is taken once, a bare number only as
    the next one in sequence."""

    def __init__(self) -> None:
        self.used: set[tuple[str, int | None]] = set()
        self.last: dict[str, int] = {}

    def label(self, text: str, has_seq: bool) -> tuple[str, int | None, str, str] | None:
        lab = cjk.row_label(text) or cjk.row_label_bare(text)
        if lab is None:
            return None
        kind, n, _l, rest = lab
        if rest and cjk.cell_type(text) != "text":
            return None         # a value that starts with a number: 7 左右
        if kind == "total":
            return lab if (kind, n) not in self.used else None
        if (kind, n) in self.used or n is None:
            return None
        if kind == "item" and not rest and not has_seq:
            return None         # a bare number is a label only under a 序号 column
        if n != self.last.get(kind, 0) + 1:
            # out of sequence (pdftotext may print a row's label after later
            # rows): only a label with its punctuation before a name (8.服务业…)
            m = cjk.ROW_LABEL_ITEM.match(text.strip()) if kind == "item" else None
            if m is None or m.group(0).strip()[-1:] not in ".．、" or cjk.cell_type(rest) != "text":
                return None
        return lab

    def take(self, kind: str, n: int | None) -> None:
        self.used.add((kind, n))
        if n is not None:
            self.last[kind] = n


_UNIT_ONLY = re.compile(r"[（(][^（）()]{1,10}[）)]")


def _is_fragment(tok: str) -> bool:
    """A short piece of a vertically printed label (森林 / 发展 / （吨 / ）)."""
    t = cjk.strip_all_space(tok)
    return 0 < len(t) <= 2 and cjk.cell_type(t) == "text"


def _continues_name(name: CellAtom, tok: str, beside_label: bool) -> bool:
    """Does ``tok`` continue a wrapped name (else it is a piece of a vertical
    label printed beside it)?  A short piece is the label's when the name has
    no open bracket for it to close, and a vertical label is already printed
    beside this row (``beside_label``) or the piece opens no bracket."""
    t = cjk.strip_all_space(tok)
    n = cjk.strip_all_space(name.text)
    if not _is_fragment(t):
        return True
    if n.count("（") + n.count("(") > n.count("）") + n.count(")"):
        return "）" in t or ")" in t
    return t.startswith(("（", "(")) and not beside_label


def _rows(body: list[Line], has_seq: bool, end_attr: bool, unit_in_name: bool,
          n_typed: int) -> tuple[list[TextRow], list[list[CellAtom]], dict[int, list[HeaderFrag]], list[HeaderFrag]]:
    """Body lines → rows (label, name, values in reading order), orphan runs
    (values read when no row was open), the vertical-label pieces printed
    beside each row (by row index) and pieces left after the last row."""
    seq = _Seq()
    rows: list[TextRow] = []
    orphans: list[list[CellAtom]] = []
    pending: list[HeaderFrag] = []          # vertical-label pieces before the next row label
    beside: dict[int, list[HeaderFrag]] = {}
    cur: TextRow | None = None
    last: CellAtom | None = None           # the unit a gap-less line may continue
    orphan_open = False
    open_quote: CellAtom | None = None     # a value cell whose closing quote is still to come

    def r_is_category(kind: str, rest: str) -> bool:
        return end_attr and len(split_cells(rest, lead=True) if rest else []) <= 1

    def complete(r: TextRow) -> bool:
        if end_attr:
            return any(a.kind == "attr" for a in r.atoms)
        return sum(1 for a in r.atoms if a.kind in ("num", "null")) >= n_typed

    queue: list[TextRow] = []             # rows labelled one after another with no value between
    # rows whose values were printed as a run just before their label (cells
    # taller than the label cell come first): in a run of labels they take
    # no values printed after it, unless they are its last
    reserved: set[int] = set()
    fresh_orphan = False                # an orphan run ended since the last label

    def add_value(a: CellAtom) -> None:
        nonlocal orphan_open, fresh_orphan
        # labels printed as a run (28. 29. 30.) and then their values: the
        # values go to the first of them still open
        tgt = next((r for r in queue if not complete(r) and not (id(r) in reserved and r is not queue[-1])),
                   None)
        if tgt is not None:
            tgt.atoms.append(a)
        else:
            if not orphan_open:
                orphans.append([])
                orphan_open = True
            orphans[-1].append(a)
            fresh_orphan = True
            if a.kind == "attr" or not end_attr and len(orphans[-1]) >= n_typed:
                orphan_open = False

    for li, ln in enumerate(body):
        toks = split_cells(ln.text, lead=True)
        if not toks:
            continue
        joined = ln.gap_before is not None and ln.gap_before == 0
        lab = seq.label(ln.text, has_seq)
        if lab is not None and not lab[3] and lab[0] == "item" and \
                (li + 1 >= len(body) or cjk.cell_type(body[li + 1].text) != "text"):
            lab = None          # a bare number is a 序号 cell only before its row's name
        lead_piece = None
        parts = ln.text.strip().split(None, 1)
        if lab is None and len(parts) > 1 and _is_fragment(parts[0]):
            lab2 = seq.label(parts[1], has_seq)
            if lab2 is not None:
                lab, lead_piece = lab2, parts[0]
        if lab is not None:
            kind, n, label, rest = lab
            seq.take(kind, n)
            r = TextRow([ln], kind, n)
            if kind == "item":
                if lead_piece is not None:
                    pending.append(HeaderFrag(lead_piece, ln))
                if pending:
                    beside[len(rows)] = pending
                    pending = []
            if kind == "cat" or cur is None or cur.category or any(x.atoms for x in queue) or not joined:
                # a run of labels is one text block (consecutive baselines of
                # one column); a category row spans the table: no value crosses it
                queue = []
            if not (kind == "cat" and r_is_category(kind, rest)):
                queue.append(r)
            if fresh_orphan and not orphan_open and len(orphans[-1]) >= 2:
                reserved.add(id(r))
            fresh_orphan = False
            rows.append(r)
            cur = r
            orphan_open = False
            rtoks = split_cells(rest, lead=True) if rest else []
            # a category row spans an indicator table (its rows end with an
            # attribute); in an amounts table it carries the category's sums
            r.category = kind == "cat" and end_attr and len(rtoks) <= 1
            if r.category:
                r.name = CellAtom([HeaderFrag(ln.text.strip(), ln)], "text")
                rtoks = []
            elif has_seq or kind in ("sub", "total") or kind == "cat":
                r.seq = CellAtom([HeaderFrag(label, ln)], "label")
                if rtoks:
                    r.name = CellAtom([HeaderFrag(rtoks.pop(0), ln)], "text")
            else:
                r.name = CellAtom([HeaderFrag((label + rest) if kind == "item" else ln.text.strip(), ln)], "text")
                rtoks = [] if kind == "cat" else rtoks[1:]
            for t in rtoks:
                add_value(CellAtom([HeaderFrag(t, ln)], cjk.cell_type(t)))
            last = r.name if r.name is not None else None
            continue
        # a line that continues the row's name
        if cur is not None and not cur.category and not cur.atoms:
            if cur.name is None and cjk.cell_type(toks[0]) == "text":
                toks = split_cells(ln.text, lead=False)     # a name may hold a number: 拥有 3 岁以下
                cur.name = CellAtom([HeaderFrag(toks[0], ln)], "text")
                cur.lines.append(ln)
                for t in toks[1:]:
                    add_value(CellAtom([HeaderFrag(t, ln)], cjk.cell_type(t)))
                last = cur.name
                continue
            if joined and cur.name is not None and last is cur.name and cjk.cell_type(toks[0]) == "text":
                # the rest of a wrapped name, or pieces of a vertical label
                # printed on the same baselines (森林 / 发展 beside 22. / 23.)
                t0 = toks[0]
                mine = beside.setdefault(len(rows) - 1, [])
                if len(toks) > 1 and _is_fragment(t0):
                    mine.append(HeaderFrag(t0, ln))
                    toks = toks[1:]
                    t0 = toks[0]
                if cjk.cell_type(t0) == "text" and _continues_name(cur.name, t0, bool(mine)):
                    cur.name.add(HeaderFrag(t0, ln))
                    cur.lines.append(ln)
                    for t in toks[1:]:
                        add_value(CellAtom([HeaderFrag(t, ln)], cjk.cell_type(t)))
                    continue
                if len(toks) == 1 and _is_fragment(t0):
                    mine.append(HeaderFrag(t0, ln))
                    continue
        # the rest of a quoted cell whose start pdftotext printed elsewhere
        # (before a page break, before the row label): “十二 … 五”期间
        t0 = cjk.strip_all_space(toks[0])
        if open_quote is not None and "”" in t0 and "“" not in t0.split("”")[0]:
            open_quote.add(HeaderFrag(toks[0], ln))
            last, open_quote = open_quote, None
            for t in toks[1:]:
                a = CellAtom([HeaderFrag(t, ln)], cjk.cell_type(t))
                add_value(a)
                last = a
            continue
        # a unit in brackets alone: the unit of the row label's name, when
        # the name still lacks it (a name wrapped around a taller cell)
        if unit_in_name and cur is not None and cur.name is not None and len(toks) == 1 \
                and _UNIT_ONLY.fullmatch(t0) and not cjk.strip_all_space(cur.name.text).endswith(("）", ")")):
            cur.name.add(HeaderFrag(toks[0], ln))
            continue
        # a qualifier wrapped onto its own line: 控制在 3.0 以 / 内
        if joined and last is not None and len(toks) == 1 and last is not (cur.name if cur else None) \
                and cjk.strip_all_space(last.text + toks[0]).endswith(cjk.QUALIFIER_SUFFIXES) \
                and cjk.strip_all_space(toks[0]) in "".join(cjk.QUALIFIER_SUFFIXES):
            last.add(HeaderFrag(toks[0], ln))
            continue
        # a wrapped value: a gap-less line after an open text/phrase value
        if joined and last is not None and last.kind in ("text", "phrase"):
            toks = split_cells(ln.text, lead=False)
        if joined and last is not None and last.kind in ("text", "phrase") and len(toks) == 1 \
                and cjk.cell_type(toks[0]) not in ("attr",) and last is not (cur.name if cur else None):
            last.add(HeaderFrag(toks[0], ln))
            if cur is not None and ln not in cur.lines:
                cur.lines.append(ln)
            continue
        if cur is not None and (cur.category or complete(cur)) and len(toks) == 1 and _is_fragment(toks[0]) \
                and not orphan_open:
            pending.append(HeaderFrag(toks[0], ln))
            continue
        for t in toks:
            a = CellAtom([HeaderFrag(t, ln)], cjk.cell_type(t))
            add_value(a)
            last = a
            ts = cjk.strip_all_space(t)
            if ts.count("“") > ts.count("”"):
                open_quote = a
        if cur is not None and ln not in cur.lines:
            cur.lines.append(ln)
    return rows, orphans, {k: v for k, v in beside.items() if v}, pending


def _in_number_order(rows: list[TextRow]) -> list[TextRow]:
    """Rows in the order of their numbers (pdftotext may print a row's label
    after later rows); a category row stays before the row that follows it
    in the text."""
    keyed = []
    for i, r in enumerate(rows):
        if r.label_kind == "item":
            keyed.append(((r.label_no or 0, 1, i), r))
        else:
            nxt = next((x for x in rows[i + 1:] if x.label_kind == "item"), None)
            keyed.append((((nxt.label_no or 0) if nxt else 10 ** 6, 0, i), r))
    return [r for _k, r in sorted(keyed, key=lambda x: x[0])]


def _group_labels(rows: list[TextRow], beside: dict[int, list[HeaderFrag]], left: list[HeaderFrag]) -> list[TextRow]:
    """A vertical label's pieces → one group cell over the run of rows they
    were printed beside (rows with pieces and consecutive numbers); returns
    the rows whose label was printed whole before them."""
    runs: list[list[int]] = []
    for i in sorted(beside, key=lambda i: (rows[i].label_no or 0, i)):
        p = rows[runs[-1][-1]] if runs else None
        if p is not None and p.label_no is not None and rows[i].label_no == p.label_no + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    ahead: list[TextRow] = []
    for run in runs:
        frags = [f for i in run for f in beside[i]]
        r = rows[run[0]]
        r.group_atom = CellAtom(frags, "text")
        r.group_span = len(run)
        if len(run) == 1 and all(f.line.order < r.lines[0].order for f in frags):
            ahead.append(r)
    if left:
        host = next((r for r in reversed(rows) if r.group_atom is not None), None)
        if host is None:
            host = rows[-1]
            host.group_atom, host.group_span = CellAtom(list(left), "text"), 1
        else:
            host.group_atom.frags.extend(left)
    return ahead


def _span_ahead(rows: list[TextRow], ahead: list[TextRow]) -> None:
    """A vertical label printed whole before its first row says nothing of
    how many rows it covers: it covers the rows that follow up to the next
    category row, the next row with a label of its own, or the table end."""
    for r in ahead:
        i = rows.index(r)
        j = i + 1
        while j < len(rows) and not rows[j].category and rows[j].group_atom is None:
            j += 1
        r.group_span = j - i


def _merge_suffixes(atoms: list[CellAtom]) -> list[CellAtom]:
    """A qualifier split from its number (``3.0`` / ``以内``) joins it again."""
    out: list[CellAtom] = []
    for a in atoms:
        t = cjk.strip_all_space(a.text)
        if out and out[-1].kind == "num" and any(t == q or t == q[-1] for q in cjk.QUALIFIER_SUFFIXES) or \
                out and out[-1].kind == "num" and t.endswith(cjk.QUALIFIER_SUFFIXES) and len(t) <= 2:
            out[-1].frags.extend(a.frags)
            continue
        out.append(a)
    return out


def _fits(atoms: list[CellAtom], roles: list[str | None], groups: list[tuple[int, int]],
          profiles: list[Counter]) -> float | None:
    """Cost of the best placement (None when the atoms fit no placement)."""
    placed = place_atoms(atoms, roles, groups, profiles)
    if not placed and atoms:
        return None
    used = sum(s for _j, s, _a in placed)
    return float(len(roles) - used)     # empty columns


def _split_overfull(rows: list[TextRow], orphans: list[list[CellAtom]], roles: list[str | None],
                    groups: list[tuple[int, int]], profiles: list[Counter], end_attr: bool) -> list[list[CellAtom]]:
    """A row that read more values than its columns hold ran on into the
    values of a row whose label pdftotext prints later: its longest tail
    that is a whole row on its own (ending with the attribute, no column
    empty) becomes an orphan run."""
    out = list(orphans)
    for r in rows:
        if end_attr and len(r.atoms) == 1 and r.atoms[0].kind == "attr":
            # an attribute read straight after a label, with none of the
            # row's values: pdftotext's flow put it there, it may be any row's
            out.append(r.atoms)
            r.atoms = []
            continue
        if r.category or len(r.atoms) < 2 or _fits(r.atoms, roles, groups, profiles) is not None:
            continue
        for k in range(len(r.atoms) - 1, 0, -1):     # the shortest such tail
            head, tail = r.atoms[:k], r.atoms[k:]
            if end_attr and tail[-1].kind != "attr":
                continue
            if _fits(tail, roles, groups, profiles) == 0 and _fits(head, roles, groups, profiles) is not None:
                r.atoms = head
                out.append(tail)
                break
    out.sort(key=lambda run: run[0].frags[0].line.order)
    return out


def _give_orphans(rows: list[TextRow], orphans: list[list[CellAtom]], roles: list[str | None],
                  groups: list[tuple[int, int]], profiles: list[Counter], end_attr: bool) -> list[CellAtom]:
    """Orphan runs → the rows still missing values; returns the atoms that
    fit no row.  Each run, in reading order, goes to the row it completes
    with the fewest empty columns (at most one), the nearer in the text the
    better: pdftotext's flow is spatial, so a run is printed near its row.
    Distance counts the row labels printed between the run and the row's
    label; an empty column weighs as much as three labels."""
    def needy(r: TextRow) -> bool:
        if r.category:
            return False
        if end_attr:
            return not any(a.kind == "attr" for a in r.atoms)
        return len(r.atoms) < len(roles)

    label_orders = sorted(r.lines[0].order for r in rows if not r.category)

    def near(r: TextRow, page: int) -> bool:
        # pdftotext flows page by page: a row's cells are on its label's
        # page, or the next one when a page break cuts the row
        p = r.lines[0].page
        return page in (p, p + 1) or any(f.line.page == page for a in r.atoms for f in a.frags)

    def rank(order: int) -> int:
        return bisect.bisect_left(label_orders, order)

    cells: list[CellAtom] = []
    for run in orphans:
        if len(run) == 1 and run[0].kind == "attr":
            cells.extend(run)           # a lone attribute may be any row's: placed last
            continue
        here = rank(run[0].frags[0].line.order)
        best: tuple[float, int] | None = None
        page = run[0].frags[0].line.page
        for i, r in enumerate(rows):
            if not needy(r) or not near(r, page):
                continue
            cost = _fits(r.atoms + run, roles, groups, profiles)
            if cost is None or cost > 1:
                continue
            score = cost * 3 + abs(rank(r.lines[0].order) - here)
            if best is None or score < best[0]:
                best = (score, i)
        if best is None:
            cells.extend(run)
        else:
            rows[best[1]].atoms = rows[best[1]].atoms + run
    # what is left, cell by cell: a run that is one column read down several
    # rows (6.1% / 16.4% / 预期性) gives its cells to the rows in row order;
    # values first, then the attributes
    rest: list[CellAtom] = []
    n_values = len([x for x in roles if x != "attribute"])
    for a in [x for x in cells if x.kind != "attr"] + [x for x in cells if x.kind == "attr"]:
        for r in rows:
            if r.category or not near(r, a.frags[0].line.page):
                continue
            if a.kind == "attr" and not needy(r):
                continue
            vals = [x for x in r.atoms if x.kind != "attr"]
            if a.kind != "attr" and len(vals) >= n_values:
                continue
            # a value fills an empty column (before the attribute, if read)
            k = len(r.atoms) - 1 if a.kind != "attr" and r.atoms and r.atoms[-1].kind == "attr" else len(r.atoms)
            new = r.atoms[:k] + [a] + r.atoms[k:]
            before, after = _fits(r.atoms, roles, groups, profiles), _fits(new, roles, groups, profiles)
            if after is not None and (before is None or after < before):
                r.atoms = new
                break
        else:
            rest.append(a)
    return rest


# --------------------------------------------------------------------------
# the grid
# --------------------------------------------------------------------------


def _split_repeats(body: list[Line], header_keys: set[str]) -> tuple[list[Line], list[list[Line]]]:
    """Header lines printed again on the table's later pages → set apart
    (one list per page)."""
    out: list[Line] = []
    repeats: dict[int, list[Line]] = {}
    first_page = body[0].page if body else None
    for ln in body:
        # pdftotext prints a repeated header's cells wherever its flow puts
        # them on the page, not only at the top
        if ln.page != first_page and cjk.strip_all_space(ln.text) in header_keys:
            repeats.setdefault(ln.page, []).append(ln)
            continue
        out.append(ln)
    return out, [repeats[p] for p in sorted(repeats)]


def build_stream_grid(table_id: str, lines: list[Line]) -> Grid | None:
    """Rebuild a table from pdftotext's cell stream (see module doc); None
    when the lines do not look like one (no header, no rows)."""
    lines = [ln for ln in lines if ln.text.strip() and not ln.furniture]
    seq0 = _Seq()
    start = next((i for i, ln in enumerate(lines)
                  if seq0.label(ln.text, True) and cjk.row_label(ln.text) or cjk.ROW_LABEL_TOTAL.match(ln.text.strip())
                  or (cjk.row_label_bare(ln.text) and i + 1 < len(lines)
                      and cjk.cell_type(lines[i + 1].text) == "text")), None)
    if not start:
        return None
    header_lines, body = lines[:start], lines[start:]
    hcells = _stream_header_cells(header_lines)
    if len(hcells) < 2:
        return None
    header = _fit_header(hcells)
    roles = header_roles(header)
    has_seq = "seq" in roles
    end_attr = "attribute" in roles
    unit_in_name = "unit" not in roles
    body, repeats = _split_repeats(body, {cjk.strip_all_space(x.text) for x in header_lines})
    seq_col = roles.index("seq") if has_seq else None
    name_col = roles.index("name") if "name" in roles else (1 if seq_col == 0 else 0)
    first_typed = max(c for c in (seq_col, name_col) if c is not None) + 1
    typed_roles = roles[first_typed:]
    n_typed = len(typed_roles)
    if n_typed == 0 or "content" in roles:
        return None
    rows, orphans, beside, left = _rows(body, has_seq, end_attr, unit_in_name, n_typed)
    if not rows:
        return None
    for r in rows:
        r.atoms = _merge_suffixes(r.atoms)
    orphans = [_merge_suffixes(run) for run in orphans]
    groups = [(c - first_typed, c - first_typed + cs) for (_a, r, c, _rs, cs) in header.cells
              if r == 0 and header.n_rows > 1 and cs > 1]
    profiles = [Counter() for _ in range(n_typed)]
    for r in rows:
        if not r.category and len(r.atoms) == n_typed:
            for k, a in enumerate(r.atoms):
                profiles[k][kind_class(a.kind)] += 1
    orphans = _split_overfull(rows, orphans, typed_roles, groups, profiles, end_attr)
    rest = _give_orphans(rows, orphans, typed_roles, groups, profiles, end_attr)
    ahead = _group_labels(rows, beside, left)
    if end_attr:
        rows = _in_number_order(rows)
    _span_ahead(rows, ahead)
    for r in rows:
        r.atoms = _merge_suffixes(r.atoms)
        for a in r.atoms:
            a.kind = cjk.cell_type(a.text)
    n_cols = max(header.n_cols, len(roles))
    return assemble_grid(table_id, header, hcells, roles, n_cols, rows, repeats, [], rest)
