"""``report.html``: the diff as one self-contained page.

Inline CSS, no scripts, no external resources (fonts, images, links to the
network): the file can be mailed or opened offline.  The page is rendered
from a Jinja2 template (``templates/report.html.j2``, autoescaped); this
module builds its view model — plain dicts and strings — from the changes.

Layout, built to stay readable on a long diff (hundreds of changes):

* a header naming both plans by title (plan id and source file below);
* a summary: changes per level (篇, 章, 节 … as printed, not the
  ``changes.parquet`` level) and kind of change, only rows that occur;
* one navigation, in B's reading order, with chapters that exist only in A
  placed where they were;
* the structure changes (renames, moves, additions and removals of 篇, 章,
  节 …) as one table;
* one collapsible block per chapter: its summary line says what happened
  to the chapter itself (renamed from …, removed with 3 章 · 12 节 ·
  3,664 字 …) and how many changes it holds; inside, one card per change,
  word-level <ins>/<del> for modified text, and long added or removed text
  (a whole 篇, a long paragraph) collapsed to its title and size with the
  text behind a ``<details>``;
* the indicator and project table changes, amounts with thousands
  separators, their unit and the difference.

Blocks are open when the diff is short (:data:`OPEN_LIMIT` changes at
most) and closed otherwise; sections with nothing to show are left out.
Output is deterministic (no timestamps).
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from markupsafe import Markup, escape

from .load import PlanData
from .schema import CHANGES, Change
from .tables import measure_label

CHANGE_CN = {"added": "新增", "removed": "删除", "modified": "修改", "moved": "移动", "renamed": "更名"}
LEVEL_CN = {"chapter": "章", "section": "节", "paragraph": "段落", "column": "专栏", "indicator": "指标",
            "project": "项目"}
#: outline node kind → how a reader calls it (篇 is not 章)
KIND_CN = {"part": "篇", "chapter": "章", "annex": "附件", "section": "节", "heading": "标题"}
#: rows of the summary table, in this order
SUMMARY_LEVELS = ("篇", "章", "附件", "节", "标题", "段落", "专栏", "指标", "项目", "汇总行")
FIELD_CN = {"name": "名称", "unit": "单位", "attribute": "属性", "category": "类别", "group_label": "分组",
            "subcategory": "子类", "content": "建设内容", "start_year": "开工年", "end_year": "完工年",
            "total_investment": "总投资", "invested_before": "此前累计投资", "invested_in_period": "期内投资",
            "n_items": "项目数", "label": "编号"}
#: fields holding amounts (thousands separators, unit, difference)
AMOUNT_FIELDS = ("total_investment", "invested_before", "invested_in_period")

#: blocks (chapters, the structure table) are open when the diff has at most this many text changes
OPEN_LIMIT = 40
#: unchanged text longer than this is shortened to its ends around a change
CONTEXT = 60
#: added/removed text longer than this (characters) is collapsed behind a <details>
COLLAPSE_AT = 160
#: characters of collapsed text shown as its preview
PREVIEW = 60
FRONT = "（前言）"


# --------------------------------------------------------------------------
# small formatters
# --------------------------------------------------------------------------


def level_cn(c: Change) -> str:
    """What the changed item is, as a reader calls it: 篇/章/节/标题/附件 for
    outline nodes (by their kind), 段落, 专栏, 指标, 项目, 汇总行."""
    if c.level in ("chapter", "section"):
        return KIND_CN.get(c.detail.get("kind"), LEVEL_CN[c.level])
    if c.level == "project" and c.detail.get("summary"):
        return "汇总行"
    return LEVEL_CN[c.level]


def amount(v: object, unit: str | None = None) -> str:
    """``1234567`` → ``1,234,567 万元``."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return "" if v is None else str(v)
    text = f"{v:,}" if isinstance(v, int) else f"{v:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}" if unit else text


def delta(a: object, b: object) -> str:
    """``+10,000`` / ``−2,500`` (empty unless both are numbers)."""
    if isinstance(a, bool) or isinstance(b, bool) or not (isinstance(a, int | float) and isinstance(b, int | float)):
        return ""
    d = b - a
    return f"+{d:,}" if d > 0 else f"−{-d:,}" if d < 0 else "±0"


def _shorten(text: str, keep_start: bool, keep_end: bool) -> str:
    """Keep ``CONTEXT`` characters next to the changes on either side."""
    if len(text) <= 2 * CONTEXT + 10:
        return text
    left = text[:CONTEXT] if keep_start else ""
    right = text[-CONTEXT:] if keep_end else ""
    return f"{left}……{right}"


def ops_html(ops: list[list[str]], context: bool = True) -> Markup:
    """Word-level edit ops as HTML: ``<del>`` removed, ``<ins>`` inserted,
    long unchanged stretches shortened to their ends."""
    out = []
    for k, (op, text) in enumerate(ops):
        if op == "=":
            if context:
                text = _shorten(text, keep_start=k > 0, keep_end=k < len(ops) - 1)
            out.append(escape(text))
        elif op == "-":
            out.append(Markup("<del>{}</del>").format(text))
        else:
            out.append(Markup("<ins>{}</ins>").format(text))
    return Markup("").join(out)


def size_text(size: dict | None, text: str | None = None) -> str:
    """``3 章 · 12 节 · 3,664 字`` from a change's ``detail.size``."""
    parts = []
    nodes = (size or {}).get("nodes", {})
    for kind in ("part", "chapter", "section", "heading", "annex"):
        if nodes.get(kind):
            parts.append(f"{nodes[kind]:,} {KIND_CN[kind]}")
    chars = (size or {}).get("chars")
    if chars is None and text is not None:
        chars = len("".join(text.split()))
    if chars:
        parts.append(f"{chars:,} 字")
    return " · ".join(parts)


def _counts(changes: list[Change]) -> str:
    n = Counter(c.change for c in changes)
    return " · ".join(f"{CHANGE_CN[k]} {n[k]}" for k in CHANGES if n[k])


# --------------------------------------------------------------------------
# view model
# --------------------------------------------------------------------------


def _heading(path: str | None) -> str:
    return (path or "").split(" › ")[-1]


def _card(c: Change) -> dict:
    """One change as a card: badge, where, refs, and its body (edit ops,
    or the text — collapsed behind a <details> when long)."""
    refs = " → ".join(x for x in (c.a_ref, c.b_ref) if x)
    meta = [refs] if refs else []
    if c.similarity is not None:
        meta.append(f"相似度 {c.similarity:.2f}")
    if c.detail.get("split_from"):
        meta.append(f"由 {c.detail['split_from']} 拆分")
    if c.detail.get("merged_into"):
        meta.append(f"并入 {c.detail['merged_into']}")
    if c.change == "moved" or (c.change == "renamed" and c.a_path != c.b_path):
        where = f"{c.a_path} → {c.b_path}"
    else:
        where = c.b_path or c.a_path or ""
    card = {"change": c.change, "badge": level_cn(c) + CHANGE_CN[c.change], "where": where,
            "meta": " · ".join(meta), "body": None, "fold": None}
    ops = c.detail.get("ops")
    text = c.b_text if c.change == "added" else c.a_text if c.change == "removed" else None
    if ops:
        card["body"] = ops_html(ops)
    elif text is not None:
        tag = "ins" if c.change == "added" else "del"
        outline = c.level in ("chapter", "section")
        if outline or len(text) > COLLAPSE_AT:
            first, _, rest = text.partition("\n")
            head = first if outline else (text[:PREVIEW] + "…")
            card["fold"] = {"head": head, "size": size_text(c.detail.get("size"), text), "tag": tag,
                            "text": text if not outline else rest, "empty": outline and not rest.strip()}
        else:
            card["body"] = Markup("<{0}>{1}</{0}>").format(Markup(tag), text)
    else:
        card["body"] = escape(_shorten(c.b_text if c.b_text is not None else c.a_text or "", True, False))
    return card


def _groups(text: list[Change]) -> list[dict]:
    """Changes grouped by chapter, groups in B's reading order (A-only
    chapters where they were), each with what happened to the chapter itself."""
    by: dict[str, list[Change]] = {}
    pos: dict[str, tuple] = {}
    for k, c in enumerate(text):
        label = c.chapter or FRONT
        by.setdefault(label, []).append(c)
        pos.setdefault(label, (c.chapter_pos if c.chapter else -1.0, k))
    groups = []
    for n, label in enumerate(sorted(by, key=lambda g: pos[g]), start=1):
        items = by[label]
        node = items[0].chapter_node
        head = next((c for c in items if c.level == "chapter" and node and node in (f"a:{c.a_ref}", f"b:{c.b_ref}")
                     and c.change in ("added", "removed", "renamed")), None)
        status = head.change if head else "modified"
        note = ""
        if head and head.change == "renamed":
            note = f"原：{_heading(head.a_path)}"
        elif head and head.change in ("added", "removed"):
            note = size_text(head.detail.get("size"), head.b_text or head.a_text)
        kind = level_cn(head) if head else (KIND_CN.get("chapter") if label != FRONT else "")
        groups.append({"anchor": f"g{n}", "label": label, "status": status, "kind": kind,
                       "badge": f"{level_cn(head)}{CHANGE_CN[head.change]}" if head else "",
                       "note": note, "n": len(items), "counts": _counts(items),
                       "cards": [_card(c) for c in items]})
    return groups


def _outline_rows(outline: list[Change]) -> list[dict]:
    rows = []
    for c in outline:
        if c.change == "moved":
            a, b = c.a_path or "", c.b_path or ""
        elif c.change == "renamed":
            a, b = _heading(c.a_path), _heading(c.b_path)
        else:
            a = (c.a_text or "").split("\n")[0]
            b = (c.b_text or "").split("\n")[0]
        size = size_text(c.detail.get("size"), c.b_text or c.a_text) if c.change in ("added", "removed") else ""
        rows.append({"level": level_cn(c), "change": c.change, "badge": CHANGE_CN[c.change], "a": a, "b": b,
                     "size": size})
    return rows


def _field_name(f: str) -> str:
    if " " in f or f in ("base", "target", "target_growth", "actual", "actual_growth"):
        return measure_label(f)
    return FIELD_CN.get(f, f)


def _row_line(row: dict, unit: str | None) -> str:
    """An added/removed project or summary row's numbers, formatted."""
    parts = []
    if row.get("n_items") is not None:
        parts.append(f"{row['n_items']} 项")
    if row.get("start_year") or row.get("end_year"):
        parts.append(f"{row.get('start_year') or ''}—{row.get('end_year') or ''}")
    for f in AMOUNT_FIELDS:
        if row.get(f) is not None:
            parts.append(f"{FIELD_CN[f]} {amount(row[f], unit)}")
    return "｜".join(parts)


def _table_rows(changes: list[Change]) -> list[dict]:
    """Indicator/project changes as table rows: one row per changed field
    (amounts formatted, with the difference), or the added/removed row."""
    out = []
    for c in changes:
        path = (c.b_path or c.a_path or "").split(" › ")
        unit = c.detail.get("unit")
        row = {"name": path[-1], "context": " › ".join(path[:-1]), "change": c.change,
               "badge": CHANGE_CN[c.change], "fields": []}
        for f in c.detail.get("fields") or []:
            va, vb = f.get("a"), f.get("b")
            if f.get("ops"):
                a, b, d = "", ops_html(f["ops"], context=False), ""
            elif f["field"] in AMOUNT_FIELDS:
                a, b, d = amount(va, unit), amount(vb, unit), delta(va, vb)
            else:
                a, b, d = ("" if va is None else str(va)), ("" if vb is None else str(vb)), ""
            row["fields"].append({"name": _field_name(f["field"]), "a": a, "b": b, "delta": d})
        if not row["fields"]:
            if c.detail.get("row"):
                line = _row_line(c.detail["row"], unit)
                content = (c.a_text or c.b_text or "").split("｜")
                lead = content[1] if c.level == "project" and not c.detail.get("summary") and len(content) > 2 else ""
                text = "｜".join(x for x in ((lead[:PREVIEW] + "…") if len(lead) > PREVIEW else lead, line) if x)
            else:
                text = c.a_text or c.b_text or ""
            row["a"] = text if c.change == "removed" else ""
            row["b"] = text if c.change == "added" else ""
        out.append(row)
    return out


def _plan_head(p: PlanData) -> dict:
    return {"title": p.title or p.plan_id, "id": p.plan_id,
            "sub": " · ".join(x for x in (p.plan_id if p.title else None, p.source_name) if x)}


def report_context(a: PlanData, b: PlanData, changes: list[Change]) -> dict:
    """The template's view model."""
    text = [c for c in changes if c.level not in ("indicator", "project")]
    outline = [c for c in text if c.level in ("chapter", "section")]
    inds = [c for c in changes if c.level == "indicator"]
    projs = [c for c in changes if c.level == "project" and not c.detail.get("summary")]
    sums = [c for c in changes if c.level == "project" and c.detail.get("summary")]
    tot = Counter((level_cn(c), c.change) for c in changes)
    summary = []
    for lv in SUMMARY_LEVELS:
        n = [tot[(lv, k)] for k in CHANGES]
        if sum(n):
            summary.append({"level": lv, "counts": n, "total": sum(n)})
    is_open = len(text) <= OPEN_LIMIT
    return {
        "a": _plan_head(a), "b": _plan_head(b), "total": len(changes),
        "change_names": [CHANGE_CN[k] for k in CHANGES],
        "summary": summary, "totals": [sum(r["counts"][k] for r in summary) for k in range(len(CHANGES))],
        "outline": _outline_rows(outline), "outline_counts": _counts(outline),
        "groups": _groups(text), "open": is_open,
        "indicators": _table_rows(inds), "projects": _table_rows(projs), "summaries": _table_rows(sums),
    }


@lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("pipeline.diff", "templates"), autoescape=select_autoescape(["j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return env.get_template("report.html.j2")


def render_report(a: PlanData, b: PlanData, changes: list[Change]) -> str:
    """The diff as one self-contained HTML page."""
    return _template().render(**report_context(a, b, changes))
