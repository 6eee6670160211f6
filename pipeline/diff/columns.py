"""专栏 (boxed column) alignment and entry-level changes.

Columns are matched like outline nodes — by title and content, not by
their number (a 专栏 inserted early renumbers every later one) — with the
same best-first assignment.  Entries of matched columns are paired by lead
term (``label``) when it is a word, then by text similarity; numbered
entries (``1``, ``2`` …) are paired by text only, because an inserted entry
renumbers the rest.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .. import cjk
from . import words
from .align import greedy_match, unchanged_order
from .load import PlanData

#: entries at least this similar are one modified entry
ITEM_SIMILAR = 0.5
_NUMERIC_LABEL = cjk.NUMERIC_LABEL


@dataclass(slots=True)
class Column:
    no: int
    title: str
    node_id: str | None
    kind: str | None
    order: int                       # position among the plan's columns
    items: list[dict] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    content: frozenset = frozenset()

    @property
    def ref(self) -> str:
        return f"专栏{self.no}"

    def body(self) -> str:
        """The column as text: title, then entries (label + text) one a line."""
        lines = [self.title]
        for it in self.items:
            lab = it.get("label") or ""
            lines.append(f"{lab}{'。' if lab and not _NUMERIC_LABEL.match(lab) else '. ' if lab else ''}"
                         f"{it.get('text') or ''}")
        lines.extend(self.paragraphs)
        return "\n".join(x for x in lines if x)


def build_columns(plan: PlanData) -> dict[int, Column]:
    """The plan's 专栏 with their entries and a content fingerprint."""
    cols: dict[int, Column] = {}
    for k, c in enumerate(sorted(plan.columns, key=lambda r: r["column_no"])):
        cols[c["column_no"]] = Column(c["column_no"], c.get("title") or "", c.get("node_id"), c.get("kind"), k)
    for it in sorted(plan.column_items, key=lambda r: (r["column_no"], r["item_no"])):
        if it["column_no"] in cols:
            cols[it["column_no"]].items.append(it)
    for p in sorted(plan.paragraphs, key=lambda r: r["seq"]):
        if p.get("column_no") in cols:
            cols[p["column_no"]].paragraphs.append(p.get("text") or "")
    for c in cols.values():
        c.content = words.shingles([it.get("text") for it in c.items] + c.paragraphs)
    return cols


def align_columns(a: dict[int, Column], b: dict[int, Column], node_match: dict[str, str]) -> dict[int, int]:
    """Match columns of A to columns of B: {a_no: b_no}."""
    cands = []
    for x in a.values():
        for y in b.values():
            t = words.ratio(x.title, y.title)
            if x.content or y.content:
                c = words.jaccard(x.content, y.content)
                s = 0.5 * t + 0.5 * c
                ok = c >= 0.5 or t >= 0.9 or s >= 0.5
            else:                    # table columns: the title is all there is
                s = t
                ok = t >= 0.7
            if not ok:
                continue
            same_place = x.node_id is not None and node_match.get(x.node_id) == y.node_id
            cands.append((s + (0.1 if same_place else 0.0), (abs(x.order - y.order), x.no, y.no), x.no, y.no))
    return greedy_match(cands)


def _is_word_label(label: str | None) -> bool:
    return bool(label) and not _NUMERIC_LABEL.match(label)


@dataclass(slots=True)
class ItemDiff:
    modified: list[tuple[dict, dict, float]] = field(default_factory=list)
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    moved: list[tuple[dict, dict, float]] = field(default_factory=list)


def diff_items(x: Column, y: Column) -> ItemDiff:
    """Entry-level changes between two matched columns."""
    res = ItemDiff()
    pairs: dict[int, int] = {}
    # 1. same lead term
    by_label: dict[str, list[int]] = defaultdict(list)
    for j, it in enumerate(y.items):
        if _is_word_label(it.get("label")):
            by_label[words.key(it["label"])].append(j)
    for i, it in enumerate(x.items):
        if _is_word_label(it.get("label")):
            js = by_label.get(words.key(it["label"]))
            if js:
                pairs[i] = js.pop(0)
    # 2. identical text, then similar text (best-first)
    free_a = [i for i in range(len(x.items)) if i not in pairs]
    used_b = set(pairs.values())
    free_b = [j for j in range(len(y.items)) if j not in used_b]
    cands = []
    for i in free_a:
        for j in free_b:
            s = words.ratio_at_least(x.items[i].get("text"), y.items[j].get("text"), ITEM_SIMILAR)
            if s >= ITEM_SIMILAR:
                cands.append((s, (abs(i - j), i, j), i, j))
    pairs.update(greedy_match(cands))
    keep = unchanged_order(sorted(pairs.items()))
    for i, j in sorted(pairs.items()):
        xa, yb = x.items[i], y.items[j]
        same = words.key(xa.get("text")) == words.key(yb.get("text")) and (
            words.key(xa.get("label")) == words.key(yb.get("label")) or not _is_word_label(xa.get("label")))
        sim = words.ratio(_item_text(xa), _item_text(yb))
        if not same:
            res.modified.append((xa, yb, sim))
        elif i not in keep:
            res.moved.append((xa, yb, sim))
    res.removed = [x.items[i] for i in range(len(x.items)) if i not in pairs]
    used_b = set(pairs.values())
    res.added = [y.items[j] for j in range(len(y.items)) if j not in used_b]
    return res


def _item_text(it: dict) -> str:
    lab = it.get("label") or ""
    return (f"{lab}。" if _is_word_label(lab) else "") + (it.get("text") or "")


item_text = _item_text
