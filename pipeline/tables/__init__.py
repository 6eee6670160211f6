"""tables stage: table regions → cell grids, indicator and project tables, validation.

(placeholder until the reconstructor lands: one cell per raw line)
"""

from __future__ import annotations

from ..model import Extracted, Structured, TableCell, TableInfo, TableSet


def reconstruct(st: Structured, ex: Extracted) -> TableSet:
    ts = TableSet()
    for b in st.blocks:
        if b.kind != "table":
            continue
        lines = {x.order: x for x in ex.lines}
        for r, o in enumerate(b.lines):
            ts.cells.append(TableCell(b.table_id, lines[o].page, r, 0, lines[o].text, lines=[o]))
        ts.tables.append(TableInfo(b.table_id, "other", None, b.column_no, b.node_id, None,
                                   b.page_start, b.page_end, len(b.lines), 1))
    return ts
