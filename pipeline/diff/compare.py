"""Compare two parsed plans: records in, :class:`Change` rows out.

Order of work: outline alignment (:mod:`.align`) → 专栏 alignment
(:mod:`.columns`) → paragraphs of matched nodes and columns
(:mod:`.paragraphs`) → word-level edit scripts (:mod:`.words`) → table rows
(:mod:`.tables`).  Text under an added/removed node is reported once, on
the node's row, not again paragraph by paragraph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable

from . import words
from .align import ONode, OutlineDiff, build_outline, chapter_node, compare_outline
from .columns import Column, align_columns, build_columns, diff_items, item_text
from .load import PlanData
from .paragraphs import align_groups
from .schema import Change
from .tables import (
    build_indicator_tables,
    diff_indicators,
    diff_projects,
    diff_summary,
    project_ref,
    project_text,
    summary_ref,
    summary_text,
)

_OUTLINE_LEVEL = {"part": "chapter", "chapter": "chapter", "annex": "chapter", "section": "section",
                  "heading": "section"}
_GROUP_TEXT, _GROUP_IND, _GROUP_PROJ, _GROUP_SUM = 0, 1, 2, 3


class _Side:
    """One version's records with lookups the change rows need."""

    def __init__(self, plan: PlanData):
        self.plan = plan
        self.nodes: dict[str, ONode] = build_outline(plan)
        self.cols: dict[int, Column] = build_columns(plan)

    def path(self, node_id: str | None) -> str:
        n = self.nodes.get(node_id) if node_id else None
        return n.path if n else "（前言）"

    def para_path(self, p: dict) -> str:
        base = self.path(p.get("node_id"))
        c = self.cols.get(p.get("column_no")) if p.get("column_no") is not None else None
        return f"{base} › {c.ref} {c.title}" if c else base

    def col_path(self, c: Column) -> str:
        return f"{self.path(c.node_id)} › {c.ref} {c.title}".strip()

    def order(self, node_id: str | None) -> int:
        return self.nodes[node_id].order if node_id in self.nodes else -1


class _Ctx:
    def __init__(self, a: PlanData, b: PlanData, splitter: words.Splitter):
        self.a, self.b = _Side(a), _Side(b)
        self.split = splitter
        self.od: OutlineDiff = compare_outline(self.a.nodes, self.b.nodes)
        self.rev = {y: x for x, y in self.od.match.items()}
        self.moved_a = {x for x, _, _ in self.od.moved}
        #: chapter heading → (position in B's reading order, "b:<ref>" or "a:<ref>")
        self.chapters: dict[str, tuple[float, str]] = {}

    # position of A nodes in B's reading order: a removed node sits where
    # it was — after everything B holds of the matched nodes before it
    # (their whole subtree, unless the node is under them), moved nodes not
    # counting (they left the place)
    def anchor(self, a_node: str | None) -> float:
        if a_node is None:
            return -1.0
        if a_node in self.od.match:
            return float(self.b.order(self.od.match[a_node]))
        x = self.a.nodes[a_node]
        ancestors = set()
        ref = x.parent
        while ref in self.a.nodes:
            ancestors.add(ref)
            ref = self.a.nodes[ref].parent
        best = -1.0
        for n in self.a.nodes.values():
            if n.order >= x.order or n.ref not in self.od.match or n.ref in self.moved_a:
                continue
            partner = self.od.match[n.ref]
            best = max(best, float(self.b.order(partner) if n.ref in ancestors else self._end_b(partner)))
        return best + 0.5

    def _end_b(self, ref: str) -> int:
        """Reading order of the last node of ``ref``'s subtree in B."""
        if not hasattr(self, "_ends"):
            self._ends: dict[str, int] = {}
            for n in sorted(self.b.nodes.values(), key=lambda n: -n.order):
                self._ends[n.ref] = max([n.order] + [self._ends[c] for c in n.children if c in self._ends])
        return self._ends.get(ref, self.b.order(ref))

    def _chapter(self, nodes: dict[str, ONode], ref: str | None, side: str) -> str | None:
        n = chapter_node(nodes, ref)
        if n is None:
            return None
        pos = float(n.order) if side == "b" else self.anchor(n.ref)
        self.chapters.setdefault(n.heading, (pos, f"{side}:{n.ref}"))
        return n.heading

    def chapter_b(self, b_node: str | None) -> str | None:
        return self._chapter(self.b.nodes, b_node, "b") if b_node else None

    def chapter_a(self, a_node: str | None) -> str | None:
        """Chapter label of an A node, as printed in B when its chapter survived."""
        if a_node is None:
            return None
        ref = a_node
        while ref in self.a.nodes:
            n = self.a.nodes[ref]
            if (n.kind == "chapter" or n.parent not in self.a.nodes) and ref in self.od.match:
                return self._chapter(self.b.nodes, self.od.match[ref], "b")
            ref = n.parent
        return self._chapter(self.a.nodes, a_node, "a")

    def ops(self, a: str | None, b: str | None) -> list[list[str]]:
        return words.word_ops(a, b, self.split)


def _level(kind: str) -> str:
    return _OUTLINE_LEVEL.get(kind, "section")


def _outline_changes(cx: _Ctx, absorbed_text: dict[tuple[str, str], list[str]]) -> list[Change]:
    a, b, od = cx.a, cx.b, cx.od
    out: list[Change] = []
    for x, y in od.renamed:
        na, nb = a.nodes[x], b.nodes[y]
        out.append(Change(_level(nb.kind), "renamed", x, y, na.path, nb.path, na.title, nb.title,
                          words.ratio(na.title, nb.title),
                          {"kind": nb.kind, "ops": cx.ops(na.title, nb.title),
                           "fields": [{"field": "label", "a": na.label, "b": nb.label}] if na.label != nb.label
                           else []},
                          cx.chapter_b(y), (_GROUP_TEXT, nb.order, -1, 0)))
    for x, y, why in od.moved:
        na, nb = a.nodes[x], b.nodes[y]
        out.append(Change(_level(nb.kind), "moved", x, y, na.path, nb.path, na.heading, nb.heading,
                          words.jaccard(na.content, nb.content),
                          {"kind": nb.kind, "why": why, "from": a.path(na.parent) if na.parent else None,
                           "to": b.path(nb.parent) if nb.parent else None},
                          cx.chapter_b(y), (_GROUP_TEXT, nb.order, -1, 1)))
    for y in od.added:
        nb = b.nodes[y]
        detail = {"kind": nb.kind}
        if y in od.split_from:
            detail["split_from"] = od.split_from[y]
        text = "\n".join(_subtree_text(b.nodes, od.absorbed_b, y, absorbed_text, "b"))
        detail["size"] = _subtree_size(b.nodes, od.absorbed_b, y, text)
        out.append(Change(_level(nb.kind), "added", None, y, None, nb.path, None, text, None, detail,
                          cx.chapter_b(y), (_GROUP_TEXT, nb.order, -1, 0)))
    for x in od.removed:
        na = a.nodes[x]
        detail = {"kind": na.kind}
        if x in od.merged_into:
            detail["merged_into"] = od.merged_into[x]
        text = "\n".join(_subtree_text(a.nodes, od.absorbed_a, x, absorbed_text, "a"))
        detail["size"] = _subtree_size(a.nodes, od.absorbed_a, x, text)
        out.append(Change(_level(na.kind), "removed", x, None, na.path, None, text, None, None, detail,
                          cx.chapter_a(x), (_GROUP_TEXT, cx.anchor(x), -1, 0)))
    return out


def _subtree_text(nodes: dict[str, ONode], absorbed: set[str], ref: str,
                  texts: dict[tuple[str, str], list[str]], side: str) -> list[str]:
    """Headings and texts of an added/removed node and of the unmatched
    nodes under it, in reading order."""
    out = [nodes[ref].heading] + texts.get((side, ref), [])
    for c in nodes[ref].children:
        if c in absorbed:
            out.extend(_subtree_text(nodes, absorbed, c, texts, side))
    return out


def _subtree_size(nodes: dict[str, ONode], absorbed: set[str], ref: str, text: str) -> dict:
    """Size of an added/removed subtree: outline nodes under it by kind, and
    characters (whitespace excluded) of its whole text."""
    kinds: dict[str, int] = defaultdict(int)
    todo = [c for c in nodes[ref].children if c in absorbed]
    while todo:
        n = nodes[todo.pop()]
        kinds[n.kind] += 1
        todo.extend(c for c in n.children if c in absorbed)
    return {"nodes": dict(sorted(kinds.items())), "chars": len(words.key(text))}


def _text_changes(cx: _Ctx) -> list[Change]:
    a, b, od = cx.a, cx.b, cx.od
    out: list[Change] = []
    absorbed_text: dict[tuple[str, str], list[str]] = defaultdict(list)

    # --- 专栏 ------------------------------------------------------------
    cm = align_columns(a.cols, b.cols, od.match)
    cm_b = set(cm.values())
    absorbed_cols_a = {n for n, c in a.cols.items() if n not in cm and c.node_id in od.absorbed_a}
    absorbed_cols_b = {n for n, c in b.cols.items() if n not in cm_b and c.node_id in od.absorbed_b}
    for no, c in b.cols.items():
        if no in absorbed_cols_b:
            absorbed_text[("b", c.node_id)].append(c.body())
        elif no not in cm_b:
            out.append(Change("column", "added", None, c.ref, None, b.col_path(c), None, c.body(), None,
                              {"column_no": c.no}, cx.chapter_b(c.node_id),
                              (_GROUP_TEXT, b.order(c.node_id), 2, c.order, 0)))
    for no, c in a.cols.items():
        if no in absorbed_cols_a:
            absorbed_text[("a", c.node_id)].append(c.body())
        elif no not in cm:
            out.append(Change("column", "removed", c.ref, None, a.col_path(c), None, c.body(), None, None,
                              {"column_no": c.no}, cx.chapter_a(c.node_id),
                              (_GROUP_TEXT, cx.anchor(c.node_id), 2, c.order, 0)))
    for xa, yb in sorted(cm.items(), key=lambda p: b.cols[p[1]].order):
        x, y = a.cols[xa], b.cols[yb]
        pos = (_GROUP_TEXT, b.order(y.node_id), 2, y.order)
        chap = cx.chapter_b(y.node_id)
        if words.key(x.title) != words.key(y.title):
            out.append(Change("column", "renamed", x.ref, y.ref, a.col_path(x), b.col_path(y), x.title, y.title,
                              words.ratio(x.title, y.title), {"ops": cx.ops(x.title, y.title)}, chap, pos + (0,)))
        if (od.match.get(x.node_id) if x.node_id else None) != y.node_id:
            out.append(Change("column", "moved", x.ref, y.ref, a.col_path(x), b.col_path(y), x.title, y.title,
                              words.jaccard(x.content, y.content),
                              {"from": a.path(x.node_id), "to": b.path(y.node_id)}, chap, pos + (0,)))
        idiff = diff_items(x, y)
        for it_a, it_b, sim in idiff.modified:
            ta, tb = item_text(it_a), item_text(it_b)
            out.append(Change("column", "modified", f"{x.ref}#{it_a['item_no']}", f"{y.ref}#{it_b['item_no']}",
                              a.col_path(x), b.col_path(y), ta, tb, sim, {"ops": cx.ops(ta, tb)}, chap,
                              pos + (it_b["item_no"],)))
        for it_a, it_b, sim in idiff.moved:
            out.append(Change("column", "moved", f"{x.ref}#{it_a['item_no']}", f"{y.ref}#{it_b['item_no']}",
                              a.col_path(x), b.col_path(y), item_text(it_a), item_text(it_b), sim,
                              {"from": it_a["item_no"], "to": it_b["item_no"]}, chap, pos + (it_b["item_no"],)))
        for it in idiff.added:
            out.append(Change("column", "added", None, f"{y.ref}#{it['item_no']}", None, b.col_path(y), None,
                              item_text(it), None, {}, chap, pos + (it["item_no"],)))
        for it in idiff.removed:
            out.append(Change("column", "removed", f"{x.ref}#{it['item_no']}", None, a.col_path(x), None,
                              item_text(it), None, None, {}, chap, pos + (it["item_no"] + 0.5,)))

    # --- paragraphs ----------------------------------------------------------
    def gkey(p: dict) -> Hashable:
        return ("c", p["column_no"]) if p.get("column_no") is not None else ("n", p.get("node_id"))

    ga: dict[Hashable, list[dict]] = defaultdict(list)
    gb: dict[Hashable, list[dict]] = defaultdict(list)
    for p in sorted(a.plan.paragraphs, key=lambda r: r["seq"]):
        ga[gkey(p)].append(p)
    for p in sorted(b.plan.paragraphs, key=lambda r: r["seq"]):
        gb[gkey(p)].append(p)
    gmatch: dict[Hashable, Hashable] = {}
    for g in ga:
        if g[0] == "n" and (g[1] is None or g[1] in od.match):
            gmatch[g] = ("n", od.match.get(g[1]) if g[1] else None)
        elif g[0] == "c" and g[1] in cm:
            gmatch[g] = ("c", cm[g[1]])
    pd = align_groups(ga, gb, gmatch)

    def para_level(p: dict) -> str:
        return "column" if p.get("column_no") is not None else "paragraph"

    def bpos(p: dict) -> tuple:
        return (_GROUP_TEXT, b.order(p.get("node_id")), 1, p["seq"])

    for pa_, pb_, sim in pd.modified:
        out.append(Change(para_level(pb_), "modified", pa_["para_id"], pb_["para_id"], a.para_path(pa_),
                          b.para_path(pb_), words.norm(pa_["text"]), words.norm(pb_["text"]), sim,
                          {"ops": cx.ops(pa_["text"], pb_["text"])}, cx.chapter_b(pb_.get("node_id")), bpos(pb_)))
    for pa_, pb_, sim in pd.moved:
        detail = {"from": a.para_path(pa_), "to": b.para_path(pb_)}
        if sim < 1.0:
            detail["ops"] = cx.ops(pa_["text"], pb_["text"])
        out.append(Change(para_level(pb_), "moved", pa_["para_id"], pb_["para_id"], a.para_path(pa_),
                          b.para_path(pb_), words.norm(pa_["text"]), words.norm(pb_["text"]), sim, detail,
                          cx.chapter_b(pb_.get("node_id")), bpos(pb_)))
    for p in pd.added:
        nid, col = p.get("node_id"), p.get("column_no")
        if col is not None and col not in cm_b:
            continue                      # text is on the column's (or its node's) row
        if nid in od.absorbed_b and col is None:
            absorbed_text[("b", nid)].append(words.norm(p["text"]))
            continue
        out.append(Change(para_level(p), "added", None, p["para_id"], None, b.para_path(p), None,
                          words.norm(p["text"]), None, {}, cx.chapter_b(nid), bpos(p)))
    for p in pd.removed:
        nid, col = p.get("node_id"), p.get("column_no")
        if col is not None and col not in cm:
            continue
        if nid in od.absorbed_a and col is None:
            absorbed_text[("a", nid)].append(words.norm(p["text"]))
            continue
        out.append(Change(para_level(p), "removed", p["para_id"], None, a.para_path(p), None,
                          words.norm(p["text"]), None, None, {}, cx.chapter_a(nid),
                          (_GROUP_TEXT, cx.anchor(nid), 1, p["seq"])))
    return _outline_changes(cx, absorbed_text) + out


def _table_changes(cx: _Ctx) -> list[Change]:
    a, b = cx.a.plan, cx.b.plan
    out: list[Change] = []
    ta, tb = build_indicator_tables(a), build_indicator_tables(b)
    idf = diff_indicators(ta, tb)

    def ipath(t: dict, r) -> str:
        tab = t.get(r.table_id)
        head = tab.title if tab and tab.title else r.table_id
        cat = r.fields.get("category")
        return " › ".join(x for x in (head, cat, r.name) if x)

    def ipos(t: dict, r) -> tuple:
        return (_GROUP_IND, t[r.table_id].order, r.row_no)

    for x, y, ch, sim in idf.modified:
        change = "renamed" if [c["field"] for c in ch] == ["name"] else "modified"
        out.append(Change("indicator", change, x.ref, y.ref, ipath(ta, x), ipath(tb, y), x.text(), y.text(),
                          sim, {"fields": ch}, None, ipos(tb, y)))
    for y in idf.added:
        out.append(Change("indicator", "added", None, y.ref, None, ipath(tb, y), None, y.text(), None, {},
                          None, ipos(tb, y)))
    for x in idf.removed:
        out.append(Change("indicator", "removed", x.ref, None, ipath(ta, x), None, x.text(), None, None, {},
                          None, ipos(ta, x) + (0.5,)))

    def ppath(p: dict) -> str:
        return " › ".join(x for x in (p.get("category"), p.get("subcategory"), p.get("name")) if x)

    plan_unit = _plan_unit(a, b)

    def unit_of(*rows: dict) -> str | None:
        """The amounts' unit: the row's, else its table's, else the plan's usual one."""
        for r in rows:
            if r.get("unit"):
                return r["unit"]
        units = {t["table_id"]: t.get("unit") for t in [*a.tables, *b.tables] if t.get("unit")}
        return next((units[r.get("table_id")] for r in rows if r.get("table_id") in units), plan_unit)

    pdf = diff_projects(a.projects, b.projects)
    for x, y, ch, sim in pdf.modified:
        for c in ch:
            if c["field"] in ("content", "name") and c["a"] and c["b"]:
                c["ops"] = cx.ops(c["a"], c["b"])
        change = "renamed" if [c["field"] for c in ch] == ["name"] else "modified"
        out.append(Change("project", change, project_ref(x), project_ref(y), ppath(x), ppath(y), project_text(x),
                          project_text(y), sim, {"fields": ch, "unit": unit_of(y, x)}, None,
                          (_GROUP_PROJ, y.get("table_id") or "", y["project_no"])))
    for y in pdf.added:
        out.append(Change("project", "added", None, project_ref(y), None, ppath(y), None, project_text(y), None,
                          {"row": _row_values(y), "unit": unit_of(y)}, None,
                          (_GROUP_PROJ, y.get("table_id") or "", y["project_no"])))
    for x in pdf.removed:
        out.append(Change("project", "removed", project_ref(x), None, ppath(x), None, project_text(x), None, None,
                          {"row": _row_values(x), "unit": unit_of(x)}, None,
                          (_GROUP_PROJ, x.get("table_id") or "", x["project_no"] + 0.5)))

    sdf = diff_summary(a.project_summary, b.project_summary)
    titles_a = {t["table_id"]: t.get("title") for t in a.tables}
    titles_b = {t["table_id"]: t.get("title") for t in b.tables}

    def spath(r: dict, titles: dict) -> str:
        return " › ".join(x for x in (titles.get(r.get("table_id")) or r.get("table_id"), r.get("name")) if x)

    order_b = {id(r): k for k, r in enumerate(b.project_summary)}
    order_a = {id(r): k for k, r in enumerate(a.project_summary)}
    for x, y, ch, _sim in sdf.modified:
        out.append(Change("project", "modified", summary_ref(x), summary_ref(y), spath(x, titles_a),
                          spath(y, titles_b), summary_text(x), summary_text(y),
                          words.ratio(summary_text(x), summary_text(y)),
                          {"fields": ch, "summary": y.get("level"), "unit": unit_of(y, x)},
                          None, (_GROUP_SUM, y.get("table_id") or "", order_b[id(y)])))
    for y in sdf.added:
        out.append(Change("project", "added", None, summary_ref(y), None, spath(y, titles_b), None,
                          summary_text(y), None, {"summary": y.get("level"), "row": _row_values(y),
                                                  "unit": unit_of(y)}, None,
                          (_GROUP_SUM, y.get("table_id") or "", order_b[id(y)])))
    for x in sdf.removed:
        out.append(Change("project", "removed", summary_ref(x), None, spath(x, titles_a), None, summary_text(x),
                          None, None, {"summary": x.get("level"), "row": _row_values(x), "unit": unit_of(x)}, None,
                          (_GROUP_SUM, x.get("table_id") or "", order_a[id(x)] + 0.5)))
    return out


#: project and summary row fields an added/removed row shows in the report
_ROW_FIELDS = ("n_items", "start_year", "end_year", "total_investment", "invested_before", "invested_in_period")


def _row_values(r: dict) -> dict:
    """The printed numbers of a project or summary row (for ``detail.row``)."""
    return {f: r[f] for f in _ROW_FIELDS if r.get(f) is not None}


def _plan_unit(a: PlanData, b: PlanData) -> str | None:
    """The unit most project rows of the two plans print their amounts in."""
    from collections import Counter

    units = Counter(p.get("unit") for p in [*a.projects, *b.projects] if p.get("unit"))
    return units.most_common(1)[0][0] if units else None


def _sort_key(c: Change) -> tuple:
    # positions mix numbers and table ids: compare (type tag, value) pairs
    return (tuple((1, k) if isinstance(k, str) else (0, float(k)) for k in c.sort_key),
            c.level, c.change, c.a_ref or "", c.b_ref or "")


class _LazySplitter:
    """The word tokenizer of a diff, built on first use (building jieba's
    dictionary takes about a second; a diff without modified text never
    needs it)."""

    def __init__(self, a: PlanData, b: PlanData):
        self._plans = (a, b)
        self._split: words.Splitter | None = None

    def __call__(self, text: str) -> list[str]:
        if self._split is None:
            a, b = self._plans
            texts = [p.get("text") for p in a.paragraphs + b.paragraphs]
            texts += [it.get("text") for it in a.column_items + b.column_items]
            labels = [it.get("label") for it in a.column_items + b.column_items]
            self._split = words.make_splitter(words.plan_terms(texts, labels))
        return self._split(text)


def diff_plans(a: PlanData, b: PlanData, splitter: words.Splitter | None = None) -> list[Change]:
    """All changes from plan ``a`` to plan ``b``, in report order."""
    if splitter is None:
        splitter = _LazySplitter(a, b)
    cx = _Ctx(a, b, splitter)
    changes = _text_changes(cx) + _table_changes(cx)
    changes.sort(key=_sort_key)
    for c in changes:
        if c.chapter in cx.chapters:
            c.chapter_pos, c.chapter_node = cx.chapters[c.chapter]
    return changes
