"""Tables from plain text: rows and cells rebuilt from run-together lines.

In a pdftotext-like extraction a table row comes out as one or more lines:
one-line cells that sit next to each other are joined into one line with
spaces, a cell that wraps breaks the line and its fragments follow on lines
of their own.  Nothing gives column positions, so the cells are rebuilt from
what the text does give:

* **tokens** — a line splits into cells at spaces, except where the space is
  an extraction artefact inside one cell (between a number and its unit or
  measure word ``32 个大项``, after a word that leads into a number
  ``预计 99.8`` / ``比 2010年``, between Chinese and Latin ``单位 GDP``);
* **rows** — a row starts at a row label in sequence (``1.``/``1``, ``一、``/
  ``一``, ``（一）``, ``合计``) and is complete when the table's last column
  type has been seen (``预期性``/``约束性``, or the amounts); short lines
  between a complete row and the next label are a vertical group label;
* **cells of a row** — after the label and the name, value tokens are typed
  (number, ``—``, qualifier, phrase, year range, attribute) and wrapped text
  fragments are joined while their lines keep the cell's width (the last
  line of a wrapped cell is the short one);
* **columns** — the typed cells are placed in the value columns by a small
  dynamic programme: a cell keeps the type its column has in the rows that
  fit exactly, a prose/phrase cell may span a header group (a merged cell),
  and an empty cell costs more than either.

The header is rebuilt from its fragments with the header vocabulary
(cjk.HEADER_CELL_START): a fragment alone on its line that does not start a
header term continues the cell above; when there are more header cells than
columns, the header has two levels and the surplus cells are group headers.

Hand-written because no library reads run-together text tables; the rules
are driven by the cjk vocabularies, not by the seed's titles or values.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .. import cjk
from ..model import Finding, Line, TableCell
from .base import UNPLACED_ROW, Grid, join_cell

# --------------------------------------------------------------------------
# tokens
# --------------------------------------------------------------------------

_LEADS = tuple(sorted(set(cjk.NUMBER_LEADS), key=len, reverse=True))
_YEAR_START = cjk.YEAR_START


def _cjk_char(ch: str) -> bool:
    return cjk.is_ideograph(ch) or (not ch.isascii() and not ch.isalnum())


def _numberish_start(s: str) -> bool:
    return bool(s) and (s[0].isdigit() or s[0] in "[［【-+−－≥≤><")


def _boundary(a: str, b: str, *, header: bool, lead: bool) -> bool:
    """Is the space between tokens ``a`` and ``b`` a cell boundary?"""
    a_s, b_s = cjk.strip_all_space(a), cjk.strip_all_space(b)
    # a word that leads into a number: 预计 99.8, 比 2010年, 到 2020 年底
    if any(a_s.endswith(x) for x in _LEADS) and _numberish_start(b_s):
        if header or cjk.cell_type(a_s) == "text" or a_s in cjk.QUALIFIER_PREFIXES:
            return False
    # a suffix qualifier: 3.0 以内
    if b_s in cjk.QUALIFIER_SUFFIXES and (a_s[-1].isdigit() or a_s[-1] in "%]］"):
        return False
    # a number and its measure word: 32 个大项, 2020 年底
    if a_s[-1].isdigit() and any(b_s.startswith(w) for w in cjk.MEASURE_WORDS) and not _YEAR_START.match(b_s):
        return False
    if header:
        if _YEAR_START.match(b_s):
            return True
        return _cjk_char(a_s[-1]) and _cjk_char(b_s[0])
    ta, tb = cjk.cell_type(a_s), cjk.cell_type(b_s)
    if ta != "text" or tb != "text":
        # inside a wrapped text cell (not the row's first line) a number after
        # Chinese text belongs to the sentence: 番，年均增长 9.5%
        if not lead and ta == "text" and tb == "num" and cjk.is_ideograph(a_s[-1]):
            return False
        return True
    return _cjk_char(a_s[-1]) and _cjk_char(b_s[0])


def split_cells(text: str, *, header: bool = False, lead: bool = True) -> list[str]:
    """Split one text line into cell tokens (see module doc)."""
    parts = text.split()
    out: list[str] = []
    for p in parts:
        if out and not _boundary(out[-1], p, header=header, lead=lead):
            out[-1] = out[-1] + " " + p
        else:
            out.append(p)
    return out


# --------------------------------------------------------------------------
# intermediate records
# --------------------------------------------------------------------------


@dataclass(slots=True)
class HeaderFrag:
    """A piece of a cell: token text and the line it came from."""

    text: str
    line: Line


@dataclass(slots=True)
class CellAtom:
    """A cell under construction (one or more fragments)."""

    frags: list[HeaderFrag]
    kind: str
    open: bool = False        # a wrapped text cell that may take more lines
    width: float = 0.0        # widest line so far (open text cells)

    @property
    def text(self) -> str:
        return join_cell([f.text for f in self.frags])

    def add(self, f: HeaderFrag) -> None:
        self.frags.append(f)
        self.kind = cjk.cell_type(self.text)


@dataclass(slots=True)
class TextRow:
    """One body row of a text table: its lines, row label and cells."""
    lines: list[Line]
    label_kind: str | None = None
    label_no: int | None = None
    seq: CellAtom | None = None
    name: CellAtom | None = None
    content: CellAtom | None = None
    atoms: list[CellAtom] = field(default_factory=list)
    category: bool = False                 # one cell spanning the row
    group_lines: list[Line] = field(default_factory=list)   # a vertical label printed before it
    group_atom: CellAtom | None = None        # the same, as fragments of lines (cell-stream text)
    group_span: int | None = None          # rows the group label spans, when known
    placed: list[tuple[int, int, CellAtom]] = field(default_factory=list)  # (typed col, span, atom)


@dataclass(slots=True)
class HeaderLayout:
    """The header cells placed on a grid of header rows and leaf columns."""
    cells: list[tuple[CellAtom, int, int, int, int]]   # (atom, row, col, row_span, col_span)
    n_rows: int
    n_cols: int


# --------------------------------------------------------------------------
# header
# --------------------------------------------------------------------------


def _header_frags(lines: list[Line]) -> list[list[HeaderFrag]]:
    """Header lines → cells (lists of fragments), continuation fragments merged."""
    cells: list[list[HeaderFrag]] = []
    for ln in lines:
        toks = split_cells(ln.text, header=True)
        for i, t in enumerate(toks):
            f = HeaderFrag(t, ln)
            starts = bool(cjk.HEADER_CELL_START.match(cjk.strip_all_space(t)))
            if cells and i == 0 and not starts:
                cells[-1].append(f)
            else:
                cells.append([f])
    return cells


def _is_leaf(text: str) -> bool:
    t = cjk.strip_all_space(text)
    return bool(cjk.HEADER_LEAF.search(t)) or cjk.header_role(t) is not None


def layout_header(cells: list[list[HeaderFrag]], n_cols: int) -> HeaderLayout:
    """Place header cells in one or two header rows over ``n_cols`` columns."""
    atoms = [CellAtom(c, "header") for c in cells]
    h = len(atoms)
    if h > n_cols:
        g = h - n_cols
        for n0 in range(1, h):
            top, sub = atoms[:n0], atoms[n0:]
            groups = [a for a in top if not _is_leaf(a.text)]
            if len(groups) != g or len(sub) % g or len(sub) < 2 * g:
                continue
            if any(cjk.header_role(a.text) not in (None, "amount_before", "amount_period") for a in sub):
                continue
            per = len(sub) // g
            out: list[tuple[CellAtom, int, int, int, int]] = []
            col, si = 0, 0
            for a in top:
                if a in groups:
                    out.append((a, 0, col, 1, per))
                    for k in range(per):
                        out.append((sub[si], 1, col + k, 1, 1))
                        si += 1
                    col += per
                else:
                    out.append((a, 0, col, 2, 1))
                    col += 1
            return HeaderLayout(out, 2, col)
        # no two-level reading: surplus cells join the last column
        atoms = atoms[:n_cols - 1] + [CellAtom([f for a in atoms[n_cols - 1:] for f in a.frags], "header")]
    out = [(a, 0, k, 1, 1) for k, a in enumerate(atoms)]
    return HeaderLayout(out, 1, max(n_cols, len(atoms)))


def header_roles(header: HeaderLayout) -> list[str | None]:
    """Role of each leaf column from the header texts covering it."""
    texts: list[list[str]] = [[] for _ in range(header.n_cols)]
    for a, _r, c, _rs, cs in sorted(header.cells, key=lambda x: x[1]):
        for k in range(c, c + cs):
            texts[k].append(a.text)
    roles: list[str | None] = []
    for ts in texts:
        role = cjk.header_role(ts[-1]) if ts else None
        if role is None and ts:
            role = cjk.header_role("".join(ts))
        roles.append(role or ("value" if ts else None))
    return roles


# --------------------------------------------------------------------------
# rows
# --------------------------------------------------------------------------


class _Numbering:
    """Expected next row labels (labels must come in sequence)."""

    def __init__(self) -> None:
        self.item: int | None = None
        self.cat: int | None = None
        self.sub: int | None = None

    def accepts(self, kind: str, n: int | None) -> bool:
        if kind == "total":
            return True
        last = {"item": self.item, "cat": self.cat, "sub": self.sub}[kind]
        return n is not None and (n == (last or 0) + 1 or (n == 1 and kind != "cat"))

    def take(self, kind: str, n: int | None) -> None:
        if kind == "item":
            self.item = n
        elif kind == "cat":
            self.cat, self.sub = n, None
        elif kind == "sub":
            self.sub = n


def _row_start(ln: Line, num: _Numbering) -> tuple[str, int | None, str, str] | None:
    lab = cjk.row_label(ln.text)
    if lab and lab[0] == "item" and lab[3] and cjk.cell_type(split_cells(lab[3])[0]) != "text":
        return None     # a number before values (1 — 预期性: a row cut by a page break) is no label
    if lab and num.accepts(lab[0], lab[1]):
        return lab
    return None


def _complete(row: TextRow, end_kind: str) -> bool:
    toks = [t for ln in row.lines for t in split_cells(ln.text, lead=ln is row.lines[0])]
    kinds = [cjk.cell_type(t) for t in toks]
    if end_kind == "attr":
        if "attr" in kinds:
            return True
        return row.label_kind == "cat" and len(toks) == 1 and len(row.lines) == 1
    last = split_cells(row.lines[-1].text, lead=len(row.lines) == 1)
    return bool(last) and cjk.cell_type(last[-1]) in ("num", "null")


def _closes_bracket(row: TextRow, ln: Line) -> bool:
    """``ln`` closes a bracket the row left open: it goes on with the row's
    cell, whatever else the row holds (a group label never starts with ``）``)."""
    return cjk.bracket_depth("".join(x.text for x in row.lines)) > 0 and cjk.closes_bracket(ln.text)


def _is_group_line(ln: Line) -> bool:
    t = cjk.strip_all_space(ln.text)
    return 0 < len(t) <= 6 and cjk.cell_type(t) == "text" and " " not in ln.text.strip()


def _segment_rows(lines: list[Line], end_kind: str) -> tuple[list[TextRow], list[Line]]:
    """Body lines → rows; returns the rows and lines that fit no row."""
    rows: list[TextRow] = []
    num = _Numbering()
    pending: list[Line] = []
    stray: list[Line] = []
    for ln in lines:
        if not ln.text.strip():
            continue
        lab = _row_start(ln, num)
        if lab:
            num.take(lab[0], lab[1])
            r = TextRow([ln], lab[0], lab[1], group_lines=pending)
            pending = []
            rows.append(r)
            continue
        if rows and not _complete(rows[-1], end_kind) and not pending:
            rows[-1].lines.append(ln)
        elif rows and not pending and _closes_bracket(rows[-1], ln):
            rows[-1].lines.append(ln)     # the rest of a name cut inside its unit: 拥有量（ / 件）
        elif _is_group_line(ln):
            pending.append(ln)
        elif rows:
            rows[-1].lines.append(ln)
        else:
            stray.append(ln)
    stray.extend(pending)
    return rows, stray


def _width(text: str) -> float:
    return cjk.display_width(cjk.clean_spaces(text))


def _parse_row(row: TextRow, has_seq: bool, has_content: bool) -> None:
    """Split a row's lines into label, name, content and value atoms."""
    first = row.lines[0]
    text = first.text.strip()
    lab = cjk.row_label(text)
    rest = text
    if lab and has_seq:
        rest = lab[3]
    toks = split_cells(rest, lead=True)
    if row.label_kind == "cat" and len(toks) == 1 and cjk.cell_type(toks[0]) == "text" and len(row.lines) == 1:
        row.category = True
        row.name = CellAtom([HeaderFrag(text, first)], "text")
        return
    if lab and has_seq:
        row.seq = CellAtom([HeaderFrag(lab[2], first)], "label")
    frags = [HeaderFrag(t, first) for t in toks]
    if frags:
        row.name = CellAtom([frags.pop(0)], "text")
    elif lab and has_seq:
        row.name = None
    more = row.lines[1:]
    # the rest of the first line: content text, then typed values
    if has_content:
        while frags and cjk.cell_type(frags[0].text) == "text":
            if row.content is None:
                row.content = CellAtom([frags.pop(0)], "text")
            else:
                row.content.add(frags.pop(0))
    atoms: list[CellAtom] = [CellAtom([f], cjk.cell_type(f.text)) for f in frags]
    k = 0
    # continuation of the name (no typed value yet on the first line)
    if not atoms and row.name is not None and not has_content:
        while k < len(more) and not row.name.text.endswith(("）", ")")):
            t = split_cells(more[k].text, lead=False)
            if len(t) != 1 or cjk.cell_type(t[0]) != "text":
                break
            row.name.add(HeaderFrag(t[0], more[k]))
            k += 1
    # content: text lines up to the first typed value
    if has_content:
        while k < len(more):
            t = split_cells(more[k].text, lead=False)
            kinds = [cjk.cell_type(x) for x in t]
            if not t or kinds[0] != "text":
                break
            for x, kd in zip(t, kinds, strict=True):
                if kd != "text":
                    break
                if row.content is None:
                    row.content = CellAtom([HeaderFrag(x, more[k])], "text")
                else:
                    row.content.add(HeaderFrag(x, more[k]))
            if any(kd != "text" for kd in kinds):
                atoms.extend(CellAtom([HeaderFrag(x, more[k])], kd) for x, kd in zip(t, kinds, strict=True) if kd != "text")
                k += 1
                break
            k += 1
    opened: CellAtom | None = None
    for ln in more[k:]:
        toks = split_cells(ln.text, lead=False)
        if not toks:
            continue
        w = _width(ln.text)
        if len(toks) == 1:
            t = toks[0]
            kd = cjk.cell_type(t)
            if cjk.strip_all_space(t) in cjk.QUALIFIER_SUFFIXES and atoms:
                atoms[-1].add(HeaderFrag(t, ln))
                continue
            if opened is not None and opened.open and kd in ("text", "num", "phrase"):
                opened.add(HeaderFrag(t, ln))
                if w < opened.width - 1.5:
                    opened.open = False
                opened.width = max(opened.width, w)
                continue
            a = CellAtom([HeaderFrag(t, ln)], kd, open=kd == "text", width=w)
            atoms.append(a)
            opened = a if kd == "text" else None
            continue
        start = 0
        if opened is not None and opened.open and cjk.cell_type(toks[0]) == "text":
            opened.add(HeaderFrag(toks[0], ln))
            start = 1
        opened = None
        atoms.extend(CellAtom([HeaderFrag(t, ln)], cjk.cell_type(t)) for t in toks[start:])
    for a in atoms:
        a.kind = cjk.cell_type(a.text)
    row.atoms = atoms


# --------------------------------------------------------------------------
# placing typed cells in the value columns
# --------------------------------------------------------------------------

_EMPTY = 2.0


def kind_class(kind: str) -> str:
    """The class a column profile counts a value kind under (counts are numbers)."""
    return "num" if kind in ("num", "count") else kind


def _type_cost(role: str | None, kind: str, profile: Counter) -> float:
    if (role == "attribute") != (kind == "attr"):
        return 50.0
    if role == "years" and kind not in ("yrange", "null"):
        return 50.0
    if kind == "yrange" and role != "years":
        return 50.0
    if not profile or kind_class(kind) in profile:
        return 0.0
    return 1.0


def place_atoms(atoms: list[CellAtom], roles: list[str | None], groups: list[tuple[int, int]],
                profiles: list[Counter]) -> list[tuple[int, int, CellAtom]]:
    """Best placement of the atoms (in order) in the typed columns."""
    n, m = len(atoms), len(roles)
    inf = float("inf")
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    back: dict[tuple[int, int], tuple[int, int, int]] = {}
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            cur = best[i][j]
            if cur == inf:
                continue
            if j < m and cur + _EMPTY < best[i][j + 1]:
                best[i][j + 1] = cur + _EMPTY
                back[(i, j + 1)] = (i, j, 0)
            if i < n:
                a = atoms[i]
                for s in range(1, m - j + 1):
                    cost = max(_type_cost(roles[k], a.kind, profiles[k]) for k in range(j, j + s))
                    if s > 1:
                        if a.kind in ("text", "phrase"):
                            if (j, j + s) in groups:
                                cost += 0.1
                            elif not groups and s == 2:
                                cost += 0.5
                            else:
                                cost += 3.0
                        else:
                            cost += 4.0 + s
                    if cur + cost < best[i + 1][j + s]:
                        best[i + 1][j + s] = cur + cost
                        back[(i + 1, j + s)] = (i, j, s)
    if best[n][m] == inf:
        return []
    out: list[tuple[int, int, CellAtom]] = []
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj, s = back[(i, j)]
        if s:
            out.append((pj, s, atoms[pi]))
        i, j = pi, pj
    return out[::-1]


# --------------------------------------------------------------------------
# the grid
# --------------------------------------------------------------------------


def _repeated_headers(body: list[Line], header: list[Line]) -> tuple[list[Line], list[list[Line]]]:
    """Remove repeated copies of the header (continuation pages) from the body."""
    key = [cjk.strip_all_space(x.text) for x in header]
    out: list[Line] = []
    repeats: list[list[Line]] = []
    i = 0
    while i < len(body):
        if key and cjk.strip_all_space(body[i].text) == key[0]:
            k = 0
            while k < len(key) and i + k < len(body) and cjk.strip_all_space(body[i + k].text) == key[k]:
                k += 1
            if k >= min(2, len(key)):
                repeats.append(body[i:i + k])
                i += k
                continue
        out.append(body[i])
        i += 1
    return out, repeats


def _group_spans(rows: list[TextRow]) -> dict[int, int]:
    """Row index → number of rows its vertical group label spans.

    The text gives no geometry, so a label printed as k short lines spans the
    fewest following rows (at least two) that print at least k lines — a
    merged cell is at least as tall as its text — and never crosses another
    label or a category row."""
    spans: dict[int, int] = {}
    for i, r in enumerate(rows):
        if not r.group_lines and r.group_atom is None:
            continue
        if r.group_span is not None:
            spans[i] = r.group_span
            continue
        need = len(r.group_lines) or len(r.group_atom.frags)
        total, n = 0, 0
        for j in range(i, len(rows)):
            if j > i and (rows[j].group_lines or rows[j].group_atom is not None or rows[j].category):
                break
            total += len(rows[j].lines)
            n += 1
            if n >= 2 and total >= need:
                break
        spans[i] = n
    return spans


def build_text_grid(table_id: str, lines: list[Line]) -> Grid:
    """Rebuild a table's grid from its raw text lines."""
    lines = [ln for ln in lines if ln.text.strip()]
    num = _Numbering()
    start = next((i for i, ln in enumerate(lines) if _row_start(ln, num)), len(lines))
    header_lines, body = lines[:start], lines[start:]
    body, repeats = _repeated_headers(body, header_lines)
    hcells = _header_frags(header_lines)
    has_seq = any(cjk.header_role(join_cell([f.text for f in c])) == "seq" for c in hcells)
    end_kind = "attr" if any("属性" in cjk.strip_all_space(f.text) for c in hcells for f in c) else "num"
    rows, stray = _segment_rows(body, end_kind)

    # columns: the widest one-line row gives the leaf count
    n_data = 0
    for r in rows:
        t = cjk.row_label(r.lines[0].text)
        toks = split_cells(t[3] if (t and has_seq) else r.lines[0].text, lead=True)
        n_data = max(n_data, len(toks) + (1 if t and has_seq else 0))
    header = layout_header(hcells, max(n_data, 1) if hcells else n_data)
    roles = header_roles(header) if hcells else [None] * n_data
    n_cols = max(header.n_cols, n_data)
    roles += [None] * (n_cols - len(roles))
    has_content = "content" in roles
    for r in rows:
        _parse_row(r, has_seq, has_content)
    return assemble_grid(table_id, header, hcells, roles, n_cols, rows, repeats, stray)


def assemble_grid(table_id: str, header: HeaderLayout, hcells: list, roles: list[str | None], n_cols: int,
                  rows: list[TextRow], repeats: list[list[Line]], stray: list[Line],
                  loose: list[CellAtom] | None = None) -> Grid:
    """Parsed rows (label, name, content and value atoms) → the grid: value
    atoms placed in the typed columns, group labels, header and repeated
    headers emitted, what fits nowhere kept and reported."""
    has_content = "content" in roles

    seq_col = roles.index("seq") if "seq" in roles else None
    name_col = roles.index("name") if "name" in roles else (1 if seq_col == 0 else 0)
    content_col = roles.index("content") if has_content else None
    first_typed = max(c for c in (seq_col, name_col, content_col) if c is not None) + 1
    typed_roles = roles[first_typed:]
    groups_all = [(c - first_typed, c - first_typed + cs) for (_a, r, c, _rs, cs) in header.cells
                  if r == 0 and header.n_rows > 1 and cs > 1]

    # profiles of the typed columns from the rows that fit exactly
    m = len(typed_roles)
    profiles = [Counter() for _ in range(m)]
    for r in rows:
        if not r.category and len(r.atoms) == m:
            for k, a in enumerate(r.atoms):
                profiles[k][kind_class(a.kind)] += 1
    findings: list[Finding] = []
    for r in rows:
        if r.category:
            continue
        atoms = r.atoms
        while len(atoms) > m and m > 0:
            # more cells than columns: a wrapped cell was split; join the
            # shortest text neighbours and report it
            idx = next((i for i in range(len(atoms) - 1) if atoms[i].kind == "text"), len(atoms) - 2)
            atoms[idx].frags.extend(atoms[idx + 1].frags)
            atoms[idx].kind = "text"
            del atoms[idx + 1]
            findings.append(Finding("table_cell_split", "warning", table_id,
                                    f"page {r.lines[0].page}",
                                    f"row {cjk.clean_spaces(r.lines[0].text)[:30]!r}: more cells than columns;"
                                    f" joined {atoms[idx].text[:30]!r}"))
        r.placed = place_atoms(atoms, typed_roles, groups_all, profiles)
        if atoms and not r.placed:
            findings.append(Finding("table_cell_unplaced", "warning", table_id, f"page {r.lines[0].page}",
                                    f"row {cjk.clean_spaces(r.lines[0].text)[:30]!r}: cells do not fit the columns"))

    # a group column when vertical group labels were printed
    spans = _group_spans(rows)
    shift = 1 if spans else 0
    group_col = name_col if spans else None

    def col(c: int) -> int:
        return c + shift if (shift and c >= name_col) else c

    cells: list[TableCell] = []
    total_cols = n_cols + shift

    def emit(atom: CellAtom, row: int, c: int, rs: int = 1, cs: int = 1, header_flag: bool = False) -> None:
        ls = []
        for f in atom.frags:
            if f.line.order not in ls:
                ls.append(f.line.order)
        cells.append(TableCell(table_id, atom.frags[0].line.page, row, c, atom.text, rs, cs, header_flag, ls))

    def emit_header(h: HeaderLayout, base_row: int, sign: int) -> None:
        for a, r, c, rs, cs in h.cells:
            cc, ccs = col(c), cs
            if shift and c <= name_col < c + cs:
                cc, ccs = c, cs + 1
            rr = base_row + r if sign > 0 else -1 - r
            emit(a, rr, cc, rs, ccs, True)

    emit_header(header, 0, 1)
    for rep in repeats:
        rh = layout_header(_header_frags(rep), header.n_cols)
        emit_header(rh, 0, -1)
    n_header = header.n_rows if hcells else 0

    covered_group: set[int] = set()
    for i, r in enumerate(rows):
        rr = n_header + i
        if r.group_lines or r.group_atom is not None:
            g = r.group_atom or CellAtom([HeaderFrag(x.text, x) for x in r.group_lines], "text")
            emit(g, rr, group_col, spans.get(i, 1), 1)
            covered_group.update(range(i, i + spans.get(i, 1)))
        if r.category:
            emit(r.name, rr, 0, 1, total_cols)
            continue
        if r.seq is not None and seq_col is not None:
            emit(r.seq, rr, col(seq_col))
        filled = {first_typed + j + k for j, s, _a in r.placed for k in range(s)}
        if r.name is not None:
            c0 = col(name_col)
            cs = 1
            if shift and i not in covered_group:
                c0, cs = name_col, 2
            # a label followed by empty text/years columns spans them (aggregate rows)
            k = name_col + 1
            while k < n_cols and roles[k] in ("content", "years") and k not in filled and \
                    not (roles[k] == "content" and r.content is not None):
                cs += 1
                k += 1
            emit(r.name, rr, c0, 1, cs)
        if r.content is not None and content_col is not None:
            emit(r.content, rr, col(content_col))
        for j, s, a in r.placed:
            emit(a, rr, col(first_typed + j), 1, s)
        if not r.placed:
            for a in r.atoms:   # nothing lost: unplaceable cells stay in the row, after the grid
                cells.append(TableCell(table_id, a.frags[0].line.page, rr, total_cols, a.text,
                                       lines=sorted({f.line.order for f in a.frags})))
    if stray:
        cells.append(TableCell(table_id, stray[0].page, UNPLACED_ROW, 0, "\n".join(x.text.strip() for x in stray),
                               lines=[x.order for x in stray]))
        findings.append(Finding("table_text_unplaced", "warning", table_id, f"page {stray[0].page}",
                                f"{len(stray)} table lines fit no row", actual=stray[0].text.strip()[:60]))
    if loose:
        cells.append(TableCell(table_id, loose[0].frags[0].line.page, UNPLACED_ROW, 0,
                               "\n".join(a.text for a in loose),
                               lines=sorted({f.line.order for a in loose for f in a.frags})))
        # left out of the grid, as stray lines are: ``--strict`` fails on it
        findings.append(Finding("table_text_unplaced", "warning", table_id, f"page {loose[0].frags[0].line.page}",
                                f"{len(loose)} cells fit no row", actual=loose[0].text[:60]))
    grid = Grid(table_id, cells, n_header + len(rows), total_cols, n_header, findings)
    return grid
