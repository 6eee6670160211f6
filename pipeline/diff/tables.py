"""Table changes: indicator tables, project tables and their summary rows.

* Indicator tables are matched by identity — the set of (measure, year)
  columns they carry (a 13th-plan table has base 2015 / target 2020 /
  actual 2020, a 14th-plan one 2020 / 2025), their indicator names and
  their title — not by table id, which shifts when a table is inserted.
  Inside a matched table indicators are keyed by normalised name (exact,
  then fuzzy for small renames) and compared field by field: unit,
  attribute (预期性/约束性), category, group and every value cell as printed.
* Projects are keyed by normalised name, tolerant to small renames (a
  similar name, or the same construction content under a new name), and
  compared on category, content, years and the three amounts.
* Summary rows (合计, categories, subcategories) are keyed by level and name.

All matching is the same best-first assignment as the outline (see
:mod:`pipeline.diff.align`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .. import cjk
from . import words
from .align import greedy_match
from .load import PlanData

MEASURE_LABEL = {"base": "基期", "target": "目标", "target_growth": "目标增长", "actual": "实际",
                 "actual_growth": "实际增长"}

#: "（3个大项）" after a category name: a count, not part of the name.
#: (A Chinese-text rule; belongs in pipeline.cjk — see the report.)
_ITEM_COUNT = cjk.COUNT_IN_NAME
_TRAILING_PAREN = cjk.TRAILING_PAREN


def _k(v) -> str | None:
    """Comparison form of a cell: whitespace-free text, null for empty."""
    if v is None:
        return None
    k = words.key(str(v))
    return k or None


def _field_changes(a: dict, b: dict, names: list[str]) -> list[dict]:
    out = []
    for f in names:
        va, vb = a.get(f), b.get(f)
        if _k(va) != _k(vb):
            out.append({"field": f, "a": va, "b": vb})
    return out


# --------------------------------------------------------------------------
# indicators
# --------------------------------------------------------------------------


@dataclass(slots=True)
class IndRow:
    table_id: str
    row_no: int
    name: str
    fields: dict                     # unit, attribute, category, group, and "measure year" → raw

    @property
    def ref(self) -> str:
        return f"{self.table_id}#{self.row_no}"

    @property
    def key(self) -> str:
        return indicator_key(self.name, self.fields.get("unit"))

    def text(self) -> str:
        """One-line summary of the row as printed."""
        unit = self.fields.get("unit")
        parts = [f"{self.name}（{unit}）" if unit else self.name]
        for f, v in self.fields.items():
            if " " in f or f in MEASURE_LABEL:
                parts.append(f"{measure_label(f)} {v if v not in (None, '') else '（空）'}")
        if self.fields.get("attribute"):
            parts.append(self.fields["attribute"])
        return "｜".join(parts)


def measure_label(f: str) -> str:
    """``target 2025`` → ``目标2025``."""
    m, _, y = f.partition(" ")
    return f"{MEASURE_LABEL.get(m, m)}{y}"


def indicator_key(name: str, unit: str | None = None) -> str:
    """Normalised indicator name: whitespace-free, without a trailing
    parenthesised unit (``城镇登记失业率（%）`` → ``城镇登记失业率``)."""
    n = words.key(name)
    m = _TRAILING_PAREN.search(n)
    if m and (unit is None or words.key(unit) == words.key(m.group(1)) or m.group(1) in ("%", "‰")):
        n = n[:m.start()]
    return n


@dataclass(slots=True)
class IndTable:
    table_id: str
    title: str
    order: int
    rows: list[IndRow] = field(default_factory=list)

    @property
    def measures(self) -> frozenset:
        return frozenset(f for r in self.rows for f in r.fields if " " in f or f in MEASURE_LABEL)

    @property
    def names(self) -> frozenset:
        return frozenset(r.key for r in self.rows)


def _table_titles(plan: PlanData) -> dict[str, str]:
    titles = {t["table_id"]: t.get("title") or "" for t in plan.tables}
    for c in plan.columns:
        if c.get("table_id") and not titles.get(c["table_id"]):
            titles[c["table_id"]] = c.get("title") or ""
    return titles


def build_indicator_tables(plan: PlanData) -> dict[str, IndTable]:
    """Indicator rows grouped by table, with their values keyed ``measure year``."""
    titles = _table_titles(plan)
    vals: dict[tuple[str, int], dict] = defaultdict(dict)
    for v in sorted(plan.indicator_values, key=lambda r: (r["table_id"], r["row_no"], r["measure"], r.get("year") or 0)):
        f = f"{v['measure']} {v['year']}" if v.get("year") is not None else v["measure"]
        vals[(v["table_id"], v["row_no"])][f] = v.get("raw")
    tables: dict[str, IndTable] = {}
    order = {tid: k for k, tid in enumerate(dict.fromkeys(r["table_id"] for r in plan.indicators))}
    for r in sorted(plan.indicators, key=lambda r: (order[r["table_id"]], r["row_no"])):
        t = tables.setdefault(r["table_id"], IndTable(r["table_id"], titles.get(r["table_id"], ""),
                                                      order[r["table_id"]]))
        fields = {"unit": r.get("unit"), "attribute": r.get("attribute"), "category": r.get("category"),
                  "group_label": r.get("group_label")}
        fields.update(vals.get((r["table_id"], r["row_no"]), {}))
        t.rows.append(IndRow(r["table_id"], r["row_no"], r.get("name") or "", fields))
    return tables


def match_tables(a: dict[str, IndTable], b: dict[str, IndTable]) -> dict[str, str]:
    """Indicator tables of A ↔ B by identity (measures, names, title)."""
    cands = []
    for x in a.values():
        for y in b.values():
            m = words.jaccard(x.measures, y.measures) if x.measures or y.measures else 1.0
            n = words.jaccard(x.names, y.names)
            t = words.ratio(x.title, y.title) if x.title and y.title else 0.0
            s = 0.4 * m + 0.4 * n + 0.2 * t
            if s >= 0.3:
                cands.append((s, (abs(x.order - y.order), x.order, y.order), x.table_id, y.table_id))
    return greedy_match(cands)


@dataclass(slots=True)
class RowDiff:
    """Row-level changes of one kind of table rows."""

    modified: list[tuple[object, object, list[dict], float]] = field(default_factory=list)
    added: list[object] = field(default_factory=list)
    removed: list[object] = field(default_factory=list)


def diff_indicators(a: dict[str, IndTable], b: dict[str, IndTable]) -> RowDiff:
    """Indicator changes: field changes of matched rows, added/removed rows."""
    res = RowDiff()
    tm = match_tables(a, b)
    for tid in a:
        if tid not in tm:
            res.removed.extend(a[tid].rows)
    matched_b = set(tm.values())
    for tid in b:
        if tid not in matched_b:
            res.added.extend(b[tid].rows)
    for ta, tb in tm.items():
        xs, ys = a[ta].rows, b[tb].rows
        pairs: dict[int, int] = {}
        by_key: dict[str, list[int]] = defaultdict(list)
        for j, y in enumerate(ys):
            by_key[y.key].append(j)
        for i, x in enumerate(xs):
            js = by_key.get(x.key)
            if js:
                pairs[i] = js.pop(0)
        used = set(pairs.values())
        cands = []
        for i, x in enumerate(xs):
            if i in pairs:
                continue
            for j, y in enumerate(ys):
                if j in used:
                    continue
                s = words.ratio(x.key, y.key)
                if s >= 0.7:
                    same_cat = _k(x.fields.get("category")) == _k(y.fields.get("category"))
                    cands.append((s + (0.05 if same_cat else 0), (abs(i - j), i, j), i, j))
        pairs.update(greedy_match(cands))
        for i, j in sorted(pairs.items(), key=lambda p: p[1]):
            x, y = xs[i], ys[j]
            names = list(dict.fromkeys(list(x.fields) + list(y.fields)))
            ch = _field_changes(x.fields, y.fields, names)
            if _k(x.name) != _k(y.name):
                ch.insert(0, {"field": "name", "a": x.name, "b": y.name})
            if ch:
                res.modified.append((x, y, ch, words.ratio(x.text(), y.text())))
        res.removed.extend(x for i, x in enumerate(xs) if i not in pairs)
        used = set(pairs.values())
        res.added.extend(y for j, y in enumerate(ys) if j not in used)
    return res


# --------------------------------------------------------------------------
# projects
# --------------------------------------------------------------------------

PROJECT_FIELDS = ["category", "subcategory", "content", "start_year", "end_year", "total_investment",
                  "invested_before", "invested_in_period", "unit"]
#: a project renamed slightly (name similarity) …
PROJECT_NAME_SIMILAR = 0.75
#: … or renamed with the same content
PROJECT_CONTENT_SIMILAR = 0.8


def project_ref(p: dict) -> str:
    return f"{p.get('table_id') or 'P'}#{p['project_no']}"


def project_text(p: dict) -> str:
    """One-line summary of a project row."""
    yrs = f"{p.get('start_year') or ''}-{p.get('end_year') or ''}".strip("-")
    amounts = "/".join("" if p.get(f) is None else str(p[f])
                       for f in ("total_investment", "invested_before", "invested_in_period"))
    return "｜".join(x for x in (p.get("name"), p.get("content"), yrs, amounts) if x)


def diff_projects(a: list[dict], b: list[dict]) -> RowDiff:
    """Project changes: matched by name (tolerant to small renames)."""
    res = RowDiff()
    xs = sorted(a, key=lambda p: (p.get("table_id") or "", p["project_no"]))
    ys = sorted(b, key=lambda p: (p.get("table_id") or "", p["project_no"]))
    cands = []
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            n = words.ratio(x.get("name"), y.get("name"))
            c = words.ratio_at_least(x.get("content"), y.get("content"), 0.5) if x.get("content") else 0.0
            if n >= 0.999:
                s = 2.0 + c            # same name: always the partner, content breaks ties
            elif n >= PROJECT_NAME_SIMILAR or c >= PROJECT_CONTENT_SIMILAR:
                s = 0.6 * n + 0.4 * c
            else:
                continue
            same_cat = _k(x.get("category")) == _k(y.get("category"))
            cands.append((s + (0.05 if same_cat else 0.0), (abs(i - j), i, j), i, j))
    pairs = greedy_match(cands)
    for i, j in sorted(pairs.items(), key=lambda p: p[1]):
        x, y = xs[i], ys[j]
        ch = _field_changes(x, y, PROJECT_FIELDS)
        if _k(x.get("name")) != _k(y.get("name")):
            ch.insert(0, {"field": "name", "a": x.get("name"), "b": y.get("name")})
        if ch:
            res.modified.append((x, y, ch, words.ratio(project_text(x), project_text(y))))
    res.removed = [x for i, x in enumerate(xs) if i not in pairs]
    used = set(pairs.values())
    res.added = [y for j, y in enumerate(ys) if j not in used]
    return res


SUMMARY_FIELDS = ["n_items", "total_investment", "invested_before", "invested_in_period"]


def summary_key(r: dict) -> tuple[str, str]:
    """(level, normalised name without its item count)."""
    return (r.get("level") or "", _ITEM_COUNT.sub("", words.key(r.get("name"))))


def summary_ref(r: dict) -> str:
    return f"{r.get('table_id') or 'S'}#{r.get('level')}:{summary_key(r)[1]}"


def diff_summary(a: list[dict], b: list[dict]) -> RowDiff:
    """Changes of summary rows (合计 / category / subcategory totals)."""
    res = RowDiff()
    ga: dict[str, list[dict]] = defaultdict(list)
    gb: dict[str, list[dict]] = defaultdict(list)
    for r in a:
        ga[r.get("table_id") or ""].append(r)
    for r in b:
        gb[r.get("table_id") or ""].append(r)
    oa, ob = list(ga), list(gb)
    cands = []
    for x in oa:
        for y in ob:
            s = words.jaccard(frozenset(map(summary_key, ga[x])), frozenset(map(summary_key, gb[y])))
            if s >= 0.3:
                cands.append((s, (abs(oa.index(x) - ob.index(y)), x, y), x, y))
    tm = greedy_match(cands)
    for x in oa:
        if x not in tm:
            res.removed.extend(ga[x])
    for y in ob:
        if y not in set(tm.values()):
            res.added.extend(gb[y])
    for x, y in tm.items():
        by_key = {summary_key(r): r for r in gb[y]}
        seen = set()
        for r in ga[x]:
            k = summary_key(r)
            other = by_key.get(k)
            if other is None:
                res.removed.append(r)
                continue
            seen.add(k)
            ch = _field_changes(r, other, SUMMARY_FIELDS)
            if ch:
                res.modified.append((r, other, ch, 1.0))
        res.added.extend(r for r in gb[y] if summary_key(r) not in seen)
    return res


def summary_text(r: dict) -> str:
    amounts = "/".join("" if r.get(f) is None else str(r[f])
                       for f in ("total_investment", "invested_before", "invested_in_period"))
    n = f"（{r['n_items']}项）" if r.get("n_items") is not None else ""
    return f"{r.get('name')}{n}｜{amounts}"
