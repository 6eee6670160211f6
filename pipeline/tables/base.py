"""The cell grid shared by every table builder (ruled PDF, three-line PDF,
text) and read by the tidy extractors (indicators, projects).

Grid conventions, identical on every input path so that the tidy stage does
not care where a table came from:

* rows ``0 .. n_header-1`` are header rows (``is_header``); body rows follow;
* a merged cell is one :class:`TableCell` at its top-left position with
  ``row_span``/``col_span``; positions it covers hold no cell;
* a category row (``一、经济发展``) is one cell spanning all columns;
* a vertical group label (``森林发展``) is a cell in its own column with a
  ``row_span``; rows outside any group span the group and name columns;
* repeated header rows of a continuation page are not part of the grid but
  their text is kept (nothing lost): they are cells with ``is_header`` on the
  continuation page at **negative rows** — row ``-1-r`` repeats header row
  ``r`` — so readers filter ``row >= 0`` to get the grid;
* text the builder could not place is kept in a cell at row ``-1000``
  (col 0) and reported as a finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import cjk
from ..model import Finding, TableCell
from ..structure.paragraphs import join_texts

#: Row of the cell that holds table text no builder could place.
UNPLACED_ROW = -1000


@dataclass(slots=True)
class Grid:
    """A reconstructed table: cells (with spans) and its shape."""

    table_id: str
    cells: list[TableCell]
    n_rows: int
    n_cols: int
    n_header: int
    findings: list[Finding] = field(default_factory=list)

    def body(self) -> list[TableCell]:
        return [c for c in self.cells if c.row >= self.n_header]

    def covering(self) -> dict[tuple[int, int], TableCell]:
        """(row, col) → the cell that covers it (grid rows only)."""
        out: dict[tuple[int, int], TableCell] = {}
        for c in self.cells:
            if c.row < 0:
                continue
            for r in range(c.row, c.row + c.row_span):
                for k in range(c.col, c.col + c.col_span):
                    out[(r, k)] = c
        return out

    def header_texts(self) -> list[list[str]]:
        """For each column, the texts of the header cells covering it, top down.
        A header cell across every column (the table's title printed as its
        first row) says nothing about any one column and is left out."""
        cov = self.covering()
        out: list[list[str]] = []
        for k in range(self.n_cols):
            seen: list[str] = []
            for r in range(self.n_header):
                c = cov.get((r, k))
                if c is None or not c.text or (self.n_cols > 1 and c.col_span >= self.n_cols):
                    continue
                if not seen or seen[-1] != c.text:
                    seen.append(c.text)
            out.append(seen)
        return out

    def title_row(self) -> str | None:
        """The text of a first header row that is one cell across the whole
        table (a title printed inside the table), else None."""
        if self.n_header < 2 or self.n_cols < 2:
            return None
        first = [c for c in self.cells if c.row == 0]
        if len(first) == 1 and first[0].col_span >= self.n_cols and first[0].text.strip():
            return first[0].text
        return None

    def header_groups(self) -> list[tuple[int, int]]:
        """Column ranges [c0, c1) of header cells that span several columns
        and sit above other header cells (a column group such as
        “十三五”规划目标值 over 2020年 / 五年年均增长)."""
        out = []
        for c in self.cells:
            if c.is_header and 0 <= c.row < self.n_header - 1 and c.col_span > 1 \
                    and c.row + c.row_span < self.n_header:
                out.append((c.col, c.col + c.col_span))
        return out


def join_cell(texts: list[str]) -> str:
    """Wrapped lines of one cell → its text (Chinese joins with no space;
    extraction spaces removed)."""
    return join_texts([t for t in texts if t and t.strip()])


def column_roles(grid: Grid) -> list[str | None]:
    """Role of each column from the header vocabulary (cjk.HEADER_ROLES);
    value columns get ``value``; the first of two columns under one 指标
    header is the ``group`` column (vertical group labels)."""
    texts = grid.header_texts()
    roles: list[str | None] = []
    for ts in texts:
        joined = "".join(ts)
        role = cjk.header_role(ts[-1]) if ts else None
        if role is None and ts:
            role = cjk.header_role(joined)
        if role is None and ts and (cjk.YEAR_IN_HEADER.search(joined) or cjk.MEASURE_GROWTH.search(joined)
                                    or cjk.MEASURE_BASE.search(joined) or cjk.MEASURE_TARGET.search(joined)):
            role = "value"
        roles.append(role)
    for k in range(len(roles) - 1):
        if roles[k] == "name" and roles[k + 1] == "name" and texts[k] == texts[k + 1]:
            roles[k] = "group"
    return roles
