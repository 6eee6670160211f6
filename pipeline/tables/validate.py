"""Cross-checks of the tidy tables → :class:`Finding` records.

* ``row_identity`` (error): on every project and aggregate row,
  total − invested-before = invested-in-period;
* ``sum_mismatch`` (error): every subcategory, category and the total equal
  the sum of their children, for each amount, and their printed item count
  equals the number of projects;
* ``summary_mismatch`` (error): an aggregate row printed in a summary table
  and again in the project table must agree;
* ``missing_attribute`` / ``missing_unit`` (warning): indicators without them.

A check only runs when both sides are printed (null amounts are not zeros).
An aggregate row printed in two tables (the summary table and the project
table) with the same error is one finding, located in the first table and
naming the other (:func:`merge_duplicates`): it is one inconsistency of the
document, not two.  Every finding's ``source`` (``document`` for these
checks) comes from :data:`pipeline.model.FINDING_SOURCE`.
"""

from __future__ import annotations

from collections import defaultdict

from ..model import Finding, Indicator, Project, ProjectSummary

_AMOUNT_FIELDS = ("total_investment", "invested_before", "invested_in_period")
_LABEL = {"total_investment": "total", "invested_before": "before", "invested_in_period": "in-period"}


def _fmt(v: tuple | int | None) -> str:
    if isinstance(v, tuple):
        return " / ".join("" if x is None else str(x) for x in v)
    return "" if v is None else str(v)


def _where(x: Project | ProjectSummary) -> str:
    if isinstance(x, Project):
        return f"project {x.project_no}"
    if x.level == "total":
        return "total"
    if x.level == "category":
        return f"category {x.category_no}"
    return f"subcategory {x.category_no}.{x.subcategory_no}"


def _name(x: Project | ProjectSummary) -> str:
    return x.name


def row_identity(rows: list[Project | ProjectSummary]) -> list[Finding]:
    """total − before = in-period on every row that prints all three."""
    out = []
    for x in rows:
        t, b, p = x.total_investment, x.invested_before, x.invested_in_period
        if t is None or b is None or p is None:
            continue
        if t - b != p:
            out.append(Finding("row_identity", "error", x.table_id, _where(x),
                               f"{_name(x)}: total {t} − invested before {b} = {t - b}, "
                               f"but the in-period amount is printed as {p} (difference {p - (t - b)})",
                               expected=str(t - b), actual=str(p)))
    return out


def _sum(items: list[Project | ProjectSummary], f: str) -> int | None:
    vals = [getattr(x, f) for x in items]
    if not vals or any(v is None for v in vals):
        return None
    return sum(vals)


def _compare(parent: ProjectSummary, children: list, what: str) -> list[Finding]:
    out = []
    for f in _AMOUNT_FIELDS:
        want, got = getattr(parent, f), _sum(children, f)
        if want is None or got is None or want == got:
            continue
        out.append(Finding("sum_mismatch", "error", parent.table_id, f"{_where(parent)} {_LABEL[f]}",
                           f"{parent.name}: printed {_LABEL[f]} {want} ≠ sum of its {len(children)} {what} {got}",
                           expected=str(got), actual=str(want)))
    return out


def vertical_sums(projects: list[Project], summary: list[ProjectSummary]) -> list[Finding]:
    """Aggregates against their children, table by table."""
    out: list[Finding] = []
    tables = sorted({x.table_id for x in summary}, key=str)
    for tid in tables:
        rows = [x for x in summary if x.table_id == tid]
        projs = [p for p in projects if p.table_id == tid]
        cats = [x for x in rows if x.level == "category"]
        subs = defaultdict(list)
        for x in rows:
            if x.level == "subcategory":
                subs[x.category_no].append(x)
        for x in rows:
            if x.level == "subcategory" and projs:
                kids = [p for p in projs if p.category_no == x.category_no and p.subcategory_no == x.subcategory_no]
                out += _compare(x, kids, "projects")
            elif x.level == "category":
                if projs:
                    kids = [p for p in projs if p.category_no == x.category_no]
                    out += _compare(x, kids, "projects")
                    out += _count(x, len(kids))
                if subs.get(x.category_no):
                    out += _compare(x, subs[x.category_no], "subcategories")
            elif x.level == "total":
                if cats:
                    out += _compare(x, cats, "categories")
                if projs:
                    out += _compare(x, projs, "projects")
                    out += _count(x, len(projs))
                elif cats and all(c.n_items is not None for c in cats) and x.n_items is not None and \
                        x.n_items != sum(c.n_items for c in cats):
                    out.append(Finding("sum_mismatch", "error", tid, "total n_items",
                                       f"{x.name}: printed item count {x.n_items} ≠ sum over categories",
                                       expected=str(sum(c.n_items for c in cats)), actual=str(x.n_items)))
    return out


def _count(x: ProjectSummary, n: int) -> list[Finding]:
    if x.n_items is None or x.n_items == n:
        return []
    return [Finding("sum_mismatch", "error", x.table_id, f"{_where(x)} n_items",
                    f"{x.name}: printed item count {x.n_items} ≠ {n} projects listed",
                    expected=str(n), actual=str(x.n_items))]


def summary_vs_projects(summary: list[ProjectSummary], project_tables: set[str]) -> list[Finding]:
    """Aggregate rows of summary tables against the same rows of project tables."""
    out = []
    key = {}
    for x in summary:
        if x.table_id in project_tables:
            key[(x.level, x.category_no, x.subcategory_no)] = x
    for x in summary:
        if x.table_id in project_tables:
            continue
        y = key.get((x.level, x.category_no, x.subcategory_no))
        if y is None:
            continue
        a = (x.n_items,) + tuple(getattr(x, f) for f in _AMOUNT_FIELDS)
        b = (y.n_items,) + tuple(getattr(y, f) for f in _AMOUNT_FIELDS)
        if a != b:
            out.append(Finding("summary_mismatch", "error", x.table_id, _where(x),
                               f"{x.name}: summary table and project table {y.table_id} print different figures",
                               expected=_fmt(b), actual=_fmt(a)))
    return out


def indicators(inds: list[Indicator]) -> list[Finding]:
    """Indicators without an attribute or a unit."""
    out = []
    for x in inds:
        if x.attribute is None:
            out.append(Finding("missing_attribute", "warning", x.table_id, f"row {x.row_no}",
                               f"indicator {x.name} has no 预期性/约束性 attribute"))
        if x.unit is None:
            out.append(Finding("missing_unit", "warning", x.table_id, f"row {x.row_no}",
                               f"indicator {x.name} has no unit"))
    return out


def merge_duplicates(findings: list[Finding]) -> list[Finding]:
    """One finding per inconsistency: findings that differ only in their
    table (the same row with the same figures printed in two tables) become
    the first one, its location naming the other tables and its message
    both places.  Order is kept (first occurrence)."""
    groups: dict[tuple, list[Finding]] = {}
    for f in findings:
        key = (f.check, f.severity, f.location, f.message, f.expected, f.actual, f.source)
        groups.setdefault(key, []).append(f)
    out = []
    for same in groups.values():
        first = same[0]
        others = list(dict.fromkeys(f.table_id for f in same[1:] if f.table_id != first.table_id))
        if others:
            tables = [first.table_id, *others]
            first = Finding(first.check, first.severity, first.table_id,
                            f"{first.location} (also in {', '.join(str(t) for t in others)})",
                            f"{first.message} [the same row in tables {', '.join(str(t) for t in tables)}]",
                            first.expected, first.actual, first.source)
        out.append(first)
    return out


def validate(projects: list[Project], summary: list[ProjectSummary], inds: list[Indicator]) -> list[Finding]:
    """All table checks, duplicates across tables merged."""
    out = row_identity([*projects, *summary])
    out += vertical_sums(projects, summary)
    out += summary_vs_projects(summary, {p.table_id for p in projects})
    out += indicators(inds)
    return merge_duplicates(out)
