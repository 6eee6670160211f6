"""Project tables (重大建设项目表) → tidy :class:`Project` and
:class:`ProjectSummary` records.

Recognised by the amount columns of the header (总投资 / 累计完成 / 期间投资).
Rows are read by their 序号 label: ``合计`` → total, ``一`` → category,
``（一）`` → subcategory, ``1`` → project.  A category name carries its item
count in parentheses (``新型基础设施建设领域（3个大项）``), the total row in
its own cell (``32个大项``).  A table with project rows is a ``project``
table; one with aggregate rows only is a ``project_summary`` table.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

import regex as re

from .. import cjk
from ..model import Finding, Project, ProjectSummary
from .base import Grid, column_roles

AMOUNTS = ("amount_total", "amount_before", "amount_period")
_CN_ONLY = cjk.CN_NUMBER_ONLY
_ARABIC_ONLY = cjk.ARABIC_NUMBER_ONLY


def is_project_table(roles: list[str | None]) -> bool:
    """A project (or project summary) table: it has amount columns."""
    return sum(1 for r in roles if r in AMOUNTS) >= 2


def seq_kind(text: str) -> tuple[str, int | None] | None:
    """序号 cell → (kind, number): total / cat / sub / item."""
    t = cjk.strip_all_space(text)
    if t in cjk.TOTAL_LABELS:
        return "total", None
    m = cjk.ROW_LABEL_SUB.fullmatch(t)
    if m:
        return "sub", cjk.parse_number(m.group(1))
    m = _CN_ONLY.match(t)
    if m:
        return "cat", cjk.parse_number(m.group(1))
    m = _ARABIC_ONLY.match(t)
    if m:
        return "item", int(m.group(1))
    return None


#: the largest amount a project table can plausibly hold, in its own unit
#: (10^15 万元 is a thousand times the world's GDP; beyond 2^53 a float
#: cannot even hold the integer): a larger "number" is two cells glued
#: together or a typo, and becomes an ``unparsed_cell`` finding
MAX_AMOUNT = 10**15


def parse_amount(text: str | None) -> tuple[int | None, bool]:
    """Amount cell → (integer, ok).  Empty and ``—`` are null (ok).  Parsed
    exactly (decimal, not float); a non-integer is rounded (not ok); a
    value beyond :data:`MAX_AMOUNT`, infinity or NaN is null (not ok)."""
    if text is None or cjk.is_null_mark(text):
        return None, True
    t = cjk.strip_all_space(text).replace(",", "").replace("，", "")
    try:
        v = Decimal(t)
    except (InvalidOperation, ValueError):
        return None, False
    if not v.is_finite() or abs(v) > MAX_AMOUNT:
        return None, False
    n = int(v.to_integral_value(rounding=ROUND_HALF_EVEN))
    return n, v == n


def _amount_problem(text: str | None) -> str:
    t = cjk.strip_all_space(text or "").replace(",", "").replace("，", "")
    try:
        v = Decimal(t)
        if not v.is_finite() or abs(v) > MAX_AMOUNT:
            return f"beyond the plausible range of an amount (|x| ≤ 10^{len(str(MAX_AMOUNT)) - 1})"
    except (InvalidOperation, ValueError):
        pass
    return "not an integer amount"


def extract(grid: Grid, unit: str | None) -> tuple[list[Project], list[ProjectSummary], list[Finding]]:
    """Projects and aggregate rows from a project table's grid."""
    roles = column_roles(grid)
    cov = grid.covering()
    col = {r: k for k, r in reversed(list(enumerate(roles))) if r}
    seq_col, name_col = col.get("seq"), col.get("name")
    content_col, years_col = col.get("content"), col.get("years")
    projects: list[Project] = []
    summary: list[ProjectSummary] = []
    findings: list[Finding] = []
    cat_no = sub_no = None
    cat = sub = None

    def text_at(r: int, k: int | None, *, own: bool = True) -> str | None:
        if k is None:
            return None
        c = cov.get((r, k))
        if c is None or (own and c.col != k):
            return None
        return cjk.clean_spaces(c.text) or None

    amount_cols = {col.get(a) for a in AMOUNTS}
    for r in range(grid.n_header, grid.n_rows):
        seq = text_at(r, seq_col) if seq_col is not None else None
        name = text_at(r, name_col)
        kind = seq_kind(seq) if seq else None
        if name is None and kind is not None and kind[0] in ("cat", "sub", "total"):
            # an aggregate row's name printed further right (centred across
            # the content and years columns it leaves empty)
            name = next((cjk.clean_spaces(c.text) for c in sorted(grid.cells, key=lambda c: c.col)
                         if c.row == r and c.col not in amount_cols and c.col != seq_col and c.text.strip()), None)
        if kind is None and name:
            lab = cjk.row_label(name)
            if lab:
                kind = (lab[0], lab[1])
                name = lab[3]
            elif cjk.ROW_LABEL_TOTAL.match(name):
                kind = ("total", None)
        if kind is None or (not name and kind[0] != "total"):
            continue
        page = next((c.page for c in grid.cells if c.row == r), 0)
        amounts = []
        for a in AMOUNTS:
            v, ok = parse_amount(text_at(r, col.get(a)))
            if not ok:
                findings.append(Finding("unparsed_cell", "warning", grid.table_id, f"row {seq or name}",
                                        f"{a}: {_amount_problem(text_at(r, col.get(a)))}",
                                        actual=text_at(r, col.get(a))))
            amounts.append(v)
        level, no = kind
        if level == "item":
            years = text_at(r, years_col)
            y0 = y1 = None
            if years:
                m = cjk.YEAR_RANGE.match(cjk.strip_all_space(years))
                if m:
                    y0, y1 = int(m.group(1)), int(m.group(2))
                elif re.fullmatch(r"\d{4}年?", cjk.strip_all_space(years)):
                    y0 = y1 = int(cjk.strip_all_space(years)[:4])
                else:
                    findings.append(Finding("unparsed_cell", "warning", grid.table_id, f"project {no}",
                                            "years: not a year range", actual=years))
            projects.append(Project(grid.table_id, no, cat_no, cat, sub_no if sub is not None else None, sub,
                                    name or "", text_at(r, content_col), y0, y1, *amounts, unit, page))
            continue
        n_items = None
        label = name or ""
        if level == "total":
            label = cjk.strip_all_space(seq or "") or "合计"
            m = cjk.COUNT_CELL.match(cjk.strip_all_space(name or ""))
            m2 = re.search(r"(\d+)\s*个\s*(?:大项|项目|项)", name or "")
            if m or m2:
                n_items = int((m or m2).group(1))
            if seq is None and name:
                label = cjk.ROW_LABEL_TOTAL.match(name).group(1) if cjk.ROW_LABEL_TOTAL.match(name) else name
            summary.append(ProjectSummary(grid.table_id, "total", None, None, label, n_items, *amounts, page))
            continue
        m = cjk.COUNT_IN_NAME.search(label)
        if m:
            n_items = int(m.group(1))
            label = label[:m.start()]
        if level == "cat":
            cat_no, cat, sub_no, sub = no, label, None, None
            summary.append(ProjectSummary(grid.table_id, "category", no, None, label, n_items, *amounts, page))
        else:
            sub_no, sub = no, label
            summary.append(ProjectSummary(grid.table_id, "subcategory", cat_no, no, label, n_items, *amounts,
                                          page))
    return projects, summary, findings
