"""Indicator tables (主要指标表) → tidy :class:`Indicator` and
:class:`IndicatorValue` records.

A table is an indicator table by its header vocabulary (指标 / 属性 / 基期 /
目标值 / 年均增长 / 20XX年), not by its title.  Each value column gets a
measure from the header path above it:

* 基期 → ``base``; a year column under 规划/目标 → ``target``, under 实际/完成
  → ``actual``; 增长/年均/[累计] → ``target_growth`` or ``actual_growth``;
* plain year columns (2020年, 2025年) with no such words: the earliest year is
  the ``base`` (the current value), later years are ``target``.

Works on the :class:`~pipeline.tables.base.Grid` conventions, so the text,
ruled-PDF and three-line paths share it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import cjk
from ..model import Finding, Indicator, IndicatorValue, TableCell
from .base import Grid, column_roles, join_cell


@dataclass(slots=True)
class Measure:
    col: int
    measure: str
    year: int | None


def value_measures(grid: Grid, roles: list[str | None]) -> list[Measure]:
    """Measure and year of every value column, from the header texts."""
    texts = grid.header_texts()
    out: list[Measure] = []
    for k, role in enumerate(roles):
        if role != "value":
            continue
        ts = texts[k]
        joined = cjk.strip_all_space("".join(ts))
        leaf = cjk.strip_all_space(ts[-1]) if ts else ""
        group = cjk.strip_all_space("".join(ts[:-1]))
        years = cjk.YEAR_IN_HEADER.findall(leaf) or cjk.YEAR_IN_HEADER.findall(joined)
        year = int(years[-1]) if years else None
        if cjk.MEASURE_BASE.search(joined):
            m = "base"
        elif cjk.MEASURE_GROWTH.search(leaf):
            m = "actual_growth" if cjk.MEASURE_ACTUAL.search(group) else "target_growth"
            year = None
        elif cjk.MEASURE_ACTUAL.search(joined):
            m = "actual"
        elif cjk.MEASURE_TARGET.search(joined):
            m = "target"
        elif year is not None:
            m = "year"
        else:
            continue
        out.append(Measure(k, m, year))
    plain = [x for x in out if x.measure == "year"]
    if plain:
        has_base = any(x.measure == "base" for x in out)
        first = min(x.year for x in plain)
        for x in plain:
            x.measure = "base" if (x.year == first and not has_base and len(plain) > 1) else "target"
    return out


def _body_types(grid: Grid, col: int) -> list[str]:
    """Cell types (cjk.cell_type) of the body cells that start in column ``col``."""
    return [cjk.cell_type(c.text) for c in grid.body() if c.col == col and c.text.strip()]


def _typed_share(types: list[str]) -> float:
    return sum(1 for t in types if t != "text") / len(types) if types else 0.0


def name_column(grid: Grid, roles: list[str | None]) -> int | None:
    """The indicator-name column: headed 指标/名称, else (by meaning) the
    first unlabelled column whose body cells are mostly text while value
    columns follow it."""
    if "name" in roles:
        return roles.index("name")
    for k, r in enumerate(roles):
        if r is not None:
            continue
        types = _body_types(grid, k)
        if types and _typed_share(types) < 0.5 and any(x == "value" for x in roles[k + 1:]):
            return k
    return None


def attribute_column(grid: Grid, roles: list[str | None]) -> int | None:
    """The 属性 column: of the columns headed 属性 (a header cell may be
    placed over two columns when a text's header drifts from its body), the
    one whose body cells say 预期性/约束性 most often; with no such header,
    a column whose body cells are mostly those words (a closed vocabulary,
    so the cells say what the column is)."""
    def hits(k: int) -> int:
        return sum(1 for c in grid.body() if c.col == k and cjk.attribute_word(c.text))

    headed = [k for k, r in enumerate(roles) if r == "attribute"]
    if headed:
        return max(headed, key=lambda k: (hits(k), -k))
    counts = {k: hits(k) for k in range(grid.n_cols) if roles[k] is None}
    k = max(counts, key=lambda k: (counts[k], -k), default=None)
    if k is not None and counts[k] and counts[k] >= 0.5 * len(_body_types(grid, k)):
        return k
    return None


def is_indicator_table(grid: Grid, roles: list[str | None] | None = None) -> bool:
    """An indicator table by meaning: value columns headed by a year, 基期,
    目标 or 增长 (``2025年``, ``目标值``, ``“十五五”目标``) next to a column of
    indicator names (headed 指标/名称, or text cells) or a 属性 column; not a
    table with investment amounts."""
    roles = roles if roles is not None else column_roles(grid)
    if any(r and r.startswith("amount") for r in roles):
        return False
    has_values = bool(value_measures(grid, roles))
    return has_values and (name_column(grid, roles) is not None or "attribute" in roles)


def _numbered(text: str) -> bool:
    """``27.化学需氧量``: a cell that opens with an item number."""
    lab = cjk.row_label(cjk.clean_spaces(text))
    return bool(lab and lab[0] == "item" and cjk.cell_type(lab[3]) == "text")


def _no_and_name(text: str) -> tuple[int | None, str]:
    lab = cjk.row_label(text)
    if lab and lab[0] == "item":
        return lab[1], lab[3]
    return None, text


def _category_row(grid: Grid, r: int, name_col: int) -> TableCell | None:
    """The one cell of a category row (一、经济发展) spanning the table, else None."""
    starts = [c for c in grid.cells if c.row == r]
    if len(starts) == 1 and starts[0].col_span >= grid.n_cols - (1 if starts[0].col else 0) \
            and starts[0].col <= name_col and not cjk.NOTE.match(starts[0].text.strip()):
        return starts[0]
    return None


def extract(grid: Grid, page_of: dict[int, int] | None = None) -> tuple[list[Indicator], list[IndicatorValue],
                                                                        list[Finding]]:
    """Indicator rows and their values from an indicator table's grid.

    Categories come from category rows (one cell across the table); a table
    without them whose first column holds vertically merged labels (a
    ``group`` column, or one headed 类别/领域) has its categories there."""
    roles = column_roles(grid)
    measures = value_measures(grid, roles)
    by_col = {m.col: m for m in measures}
    cov = grid.covering()
    name_col = name_column(grid, roles)
    if name_col is None:
        name_col = next(k for k, r in enumerate(roles) if r not in ("seq", "group", "category"))
    group_col = roles.index("group") if "group" in roles else None
    if group_col is None and name_col > 0 and roles[name_col - 1] is None:
        # an unheaded column left of the names whose cells are vertically
        # merged text beside the rows (森林 / 发展 over two rows): group labels
        left = [c for c in grid.body() if c.col == name_col - 1 and c.col_span == 1 and c.text.strip()]
        if left and any(c.row_span > 1 for c in left) and all(cjk.cell_type(c.text) == "text" for c in left):
            group_col = name_col - 1
    seq_col = roles.index("seq") if "seq" in roles else None
    attr_col = attribute_column(grid, roles)
    unit_col = roles.index("unit") if "unit" in roles else None
    cat_col = roles.index("category") if "category" in roles else None
    has_cat_rows = any(_category_row(grid, r, name_col) is not None for r in range(grid.n_header, grid.n_rows))
    if cat_col is None and group_col is not None and not has_cat_rows:
        cat_col, group_col = group_col, None
    inds: list[Indicator] = []
    vals: list[IndicatorValue] = []
    findings: list[Finding] = []
    category = None
    category_no = None
    counter = 0
    for r in range(grid.n_header, grid.n_rows):
        cat_cell = _category_row(grid, r, name_col)
        if cat_cell is not None:
            text = cjk.clean_spaces(cat_cell.text)
            lab = cjk.row_label(text)
            if lab and lab[0] in ("cat", "sub"):
                category_no, category = lab[1], lab[3]
            else:
                category_no, category = None, text
            continue
        name_cell = cov.get((r, name_col))
        label_cell = None
        if name_cell is not None and name_cell.col_span == 1 and not _numbered(name_cell.text) \
                and cjk.cell_type(name_cell.text) == "text":
            # a vertically merged label in the names' column (森林 / 发展 over
            # the rows it names) with the numbered names right of it: the
            # label is the row's group, the numbered cell its name
            right = cov.get((r, name_cell.col + 1))
            if right is not None and right.row == r and right.col == name_cell.col + 1 \
                    and _numbered(right.text):
                label_cell, name_cell = name_cell, right
        if name_cell is None or name_cell.row != r or not name_cell.text.strip():
            rest = [c for c in grid.cells if c.row == r and c.text.strip() and c is not name_cell
                    and c.col not in (group_col, cat_col)]
            if rest:
                findings.append(Finding("indicator_row_unread", "warning", grid.table_id,
                                        f"page {rest[0].page} row {r}",
                                        "a table row with values but no indicator name",
                                        actual=" | ".join(cjk.clean_spaces(c.text) for c in rest)[:120]))
            continue
        if cat_col is not None and (cc := cov.get((r, cat_col))) is not None and cc is not name_cell \
                and cc.col == cat_col:
            category_no, category = None, join_cell([cc.text])
        group = join_cell([label_cell.text]) if label_cell is not None else None
        if group is None and group_col is not None:
            g = cov.get((r, group_col))
            if g is not None and g.col == group_col and g.col_span == 1 and g is not name_cell:
                group = join_cell([g.text])
        no, name = _no_and_name(cjk.clean_spaces(name_cell.text))
        if seq_col is not None and (s := cov.get((r, seq_col))) is not None and s is not name_cell:
            no = cjk.parse_number(cjk.strip_all_space(s.text).rstrip(".．、")) or no
        counter += 1
        row_no = no if no is not None else counter
        name, unit = cjk.split_unit(name)
        if unit_col is not None and (u := cov.get((r, unit_col))) is not None and u is not name_cell \
                and cjk.strip_all_space(u.text) and not cjk.is_null_mark(u.text):
            unit = cjk.strip_all_space(u.text).strip("（）()")
        if unit is None and group:
            unit = cjk.split_unit(group)[1]
        attr = None
        if attr_col is not None and (a := cov.get((r, attr_col))) is not None:
            attr = cjk.attribute_word(a.text)
        if attr is None and attr_col is not None:
            # the row's columns drift from the table's (a text's page set
            # wider or narrower): 预期性/约束性 is the attribute wherever in
            # the row it stands, when it stands in one cell only
            words = {w for c in grid.cells if c.row == r and c is not name_cell
                     and (w := cjk.attribute_word(c.text))}
            attr = words.pop() if len(words) == 1 else None
        inds.append(Indicator(grid.table_id, row_no, category, group, name, unit, attr, name_cell.page,
                              category_no))
        for m in measures:
            cell = cov.get((r, m.col))
            raw, merged = _raw_of(cell, m, by_col, r)
            cv = cjk.parse_cell_value(raw)
            if raw is not None and not cv.parsed:
                findings.append(Finding("unparsed_cell", "info", grid.table_id,
                                        f"row {row_no} {m.measure}{'' if m.year is None else ' ' + str(m.year)}",
                                        f"indicator {name}: value cell is text, not a number", actual=raw))
            vals.append(IndicatorValue(grid.table_id, row_no, m.measure, m.year, raw, cv.value, cv.qualifier,
                                       cv.is_cumulative, merged, cv.value_max))
    return inds, vals, findings


def _raw_of(cell: TableCell | None, m: Measure, by_col: dict[int, Measure], r: int) -> tuple[str | None, str | None]:
    """Raw text of a value cell for measure ``m`` and the measure(s) a merged
    cell shares: the first column of a merged cell carries the text and names
    the other measures in ``merged_with``; the covered measures have no text
    and name the measure that holds it."""
    if cell is None:
        return None, None
    text = cjk.clean_spaces(cell.text) or None
    others = [by_col[k].measure for k in range(cell.col, cell.col + cell.col_span) if k in by_col and k != m.col]
    if cell.col == m.col:
        return text, ("+".join(others) or None)
    if cell.col in by_col:
        return None, by_col[cell.col].measure
    return text, None
