"""Outline alignment between two versions of a plan.

Chapters, sections and deeper headings are matched by *title and content*,
never by number: a chapter inserted in B shifts every later number, so
``第五章`` of A is ``第六章`` of B.  Each outline node gets a content
fingerprint (character trigrams of every paragraph and 专栏 entry under it)
and is scored against every node of the same kind in the other version:

    score = 0.65 · content Jaccard + 0.35 · title similarity

Kinds are matched top-down (篇, then 章, then 节, then headings), so a
section can use its parent's match as a tie-breaker (a small bonus when the
parents are partners), but the match itself is *global* over the document:
a section moved to another chapter still finds its partner there.

The assignment is a greedy best-first match over the similarity matrix
(take the highest-scoring pair whose two nodes are both free, repeat).
scipy's Hungarian solver is not installed, and it would not be better here:
between two versions of a plan each node has one clear counterpart (scores
near 1 against ≈0.1 for everything else), which is exactly the case where
best-first equals the optimal assignment, and greedy is deterministic and
easy to explain ("this was the most similar pair left").

Between versions far apart (a 11th and a 12th five-year plan) a 篇 or 章 is
often renamed *and* rewritten, so its content no longer matches;
:func:`pair_renamed` then pairs the leftovers in the same place by title
(containment, or similar titles sharing an object phrase) or by the
children that went over, so they are reported as renamed, not as a removal
plus an addition.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from . import words
from .load import PlanData

#: weights of content and title in a node's match score
W_CONTENT, W_TITLE = 0.65, 0.35
#: bonus (ranking only) when the two nodes' parents are partners
PARENT_BONUS = 0.1
#: bonus (ranking only) for the very same title: when a section absorbs
#: another (merge) or gives half of its text to a new one (split), the node
#: that keeps its title is the continuation, even if the other half is larger
SAME_TITLE_BONUS = 0.15
#: containment above which an unmatched node counts as split from / merged into a matched one
SPLIT_CONTAINMENT = 0.6
#: renames of 篇/章/节 whose text was rewritten too (content no longer
#: matches): title similarity from which two leftover nodes in the same
#: place are one node renamed, when the titles also share a run of
#: :data:`RENAME_RUN` characters …
RENAME_TITLE = 0.5
#: … (a title is a verb and an object: two-character verbs and endings —
#: 加强, 完善, 深化 … 改革, 建设, 发展 — recur across unrelated titles; a
#: shared object phrase is three characters or more: 深化投资体制改革 and
#: 深化工资制度改革 are two topics, 加强农业服务体系建设 and
#: 健全农业社会化服务体系 one; a run that only ends both titles must be one
#: longer: 深化投资体制改革 / 深化文化体制机制改革 share just the ending 制改革) …
RENAME_RUN = 3
#: … or the share of a node's children whose partners sit under the other
#: node (a 篇 keeps its chapters when its title changes), with at least two …
RENAME_CHILDREN = 0.5
#: … or one title containing the other, when the contained one has at least
#: this many characters (第七篇 实施科教兴国战略… → 第七篇 创新驱动 实施科教兴国战略…)
RENAME_CONTAINED = 4
#: outline kinds the rename pass pairs, bottom-up (a 章 sees its 节 paired, a 篇 its 章)
RENAME_KINDS = ("section", "chapter", "part")


def greedy_match(cands: Iterable[tuple[float, tuple, object, object]]) -> dict:
    """Best-first assignment: ``cands`` are (rank, tie_break, a, b); the
    highest rank (then smallest tie_break) whose a and b are both still free
    is taken, repeatedly.  Returns {a: b}."""
    out: dict = {}
    used_b: set = set()
    for _rank, _tie, a, b in sorted(cands, key=lambda c: (-c[0], c[1])):
        if a in out or b in used_b:
            continue
        out[a] = b
        used_b.add(b)
    return out


def unchanged_order(pairs: Sequence[tuple[object, object]]) -> set:
    """Of (a, b) pairs listed in A's order, the ``a`` keys that keep their
    relative order in B (a longest common subsequence, via difflib); the
    others were moved."""
    a_seq = [a for a, _ in pairs]
    b_of = dict(pairs)
    b_seq = sorted(a_seq, key=lambda a: b_of[a])
    sm = SequenceMatcher(None, a_seq, b_seq, autojunk=False)
    keep: set = set()
    for blk in sm.get_matching_blocks():
        keep.update(a_seq[blk.a:blk.a + blk.size])
    return keep


@dataclass(slots=True)
class ONode:
    """An outline node with what the diff needs to compare it."""

    ref: str
    parent: str | None
    kind: str
    level: int
    order: int
    label: str
    title: str
    path: str
    heading: str                     # the heading as printed (label + title)
    texts: list[str] = field(default_factory=list)   # own paragraphs and 专栏 entries
    content: frozenset = frozenset()  # trigrams of own and descendants' texts
    children: list[str] = field(default_factory=list)

    @property
    def tier(self) -> tuple:
        """Nodes are only matched within the same tier."""
        return (self.kind, self.level) if self.kind == "heading" else (self.kind,)


def build_outline(plan: PlanData) -> dict[str, ONode]:
    """Outline nodes of a plan, with content fingerprints."""
    nodes: dict[str, ONode] = {}
    for s in sorted(plan.sections, key=lambda r: r["seq"]):
        label, title = s.get("label") or "", s.get("title") or ""
        nodes[s["node_id"]] = ONode(
            ref=s["node_id"], parent=s.get("parent_id"), kind=s.get("kind") or "section",
            level=int(s.get("level") or 1), order=int(s["seq"]), label=label, title=title,
            path=s.get("path") or f"{label} {title}".strip(),
            heading=f"{label} {title}".strip() if title != label else label)
    for n in nodes.values():
        if n.parent in nodes:
            nodes[n.parent].children.append(n.ref)
    for p in plan.paragraphs:
        if p.get("node_id") in nodes:
            nodes[p["node_id"]].texts.append(p.get("text") or "")
    col_node = {c["column_no"]: c.get("node_id") for c in plan.columns}
    for c in plan.columns:
        if c.get("node_id") in nodes:
            nodes[c["node_id"]].texts.append(c.get("title") or "")
    for it in plan.column_items:
        nid = col_node.get(it["column_no"])
        if nid in nodes:
            nodes[nid].texts.append(it.get("text") or "")
    own = {r: words.shingles(n.texts) for r, n in nodes.items()}

    def collect(ref: str) -> frozenset:
        acc = set(own[ref])
        for c in nodes[ref].children:
            acc |= collect(c)
        nodes[ref].content = frozenset(acc)
        return nodes[ref].content

    for n in nodes.values():
        if n.parent not in nodes:
            collect(n.ref)
    return nodes


def chapter_node(nodes: dict[str, ONode], ref: str | None) -> ONode | None:
    """The chapter (or top-level node: a 篇 itself, an annex) a node sits in."""
    best = None
    while ref in nodes:
        n = nodes[ref]
        if n.kind == "chapter" or n.parent not in nodes:
            best = n
            if n.kind == "chapter":
                break
        ref = n.parent
    return best


def chapter_of(nodes: dict[str, ONode], ref: str | None) -> str | None:
    """The chapter (or top-level node) a node sits in, as ``label title``."""
    best = chapter_node(nodes, ref)
    return best.heading if best else None


def _score(a: ONode, b: ONode) -> tuple[float, float, float] | None:
    """(score, title similarity, content Jaccard) of a candidate pair, or
    None when the pair is not acceptable.

    Acceptable: content largely the same (a renamed node), or the same
    title with some shared content (a rewritten node), or a good blend of
    both.  Between unrelated nodes of the seed plan trigram Jaccard stays
    below 0.09 and the blended score below 0.25, so these floors leave a
    wide margin.  Title similarity is only computed as far as needed (cheap
    upper bounds first): it is the costly part on plans with hundreds of
    nodes."""
    if not a.content and not b.content:
        t = words.ratio_at_least(a.title, b.title, 0.8)
        return (t, t, 0.0) if t >= 0.8 else None
    c = words.jaccard(a.content, b.content)
    if c >= 0.3:
        t = words.ratio(a.title, b.title)
    else:
        need = (0.4 - W_CONTENT * c) / W_TITLE          # blended score ≥ 0.4
        if c >= 0.1:
            need = min(need, 0.99)                      # same title, some shared content
        if need > 1.0:
            return None
        t = words.ratio_at_least(a.title, b.title, need)
        if t < need:
            return None
    return W_CONTENT * c + W_TITLE * t, t, c


def align_outline(a: dict[str, ONode], b: dict[str, ONode]) -> dict[str, str]:
    """Match outline nodes of A to nodes of B (see module doc): {a_ref: b_ref}."""
    match: dict[str, str] = {}
    tiers: dict[tuple, tuple[list[ONode], list[ONode]]] = defaultdict(lambda: ([], []))
    for n in a.values():
        tiers[n.tier][0].append(n)
    for n in b.values():
        tiers[n.tier][1].append(n)
    rank_of = {"part": 0, "chapter": 1, "section": 2, "heading": 3, "annex": 4}
    na, nb = max(len(a), 1), max(len(b), 1)
    for tier in sorted(tiers, key=lambda t: (rank_of.get(t[0], 5), t[1:] or (0,))):
        xs, ys = tiers[tier]
        cands = []
        for x in xs:
            for y in ys:
                sc = _score(x, y)
                if sc is None:
                    continue
                s, t, _c = sc
                parent_ok = match.get(x.parent) == y.parent if x.parent else y.parent is None
                rank = s + (PARENT_BONUS if parent_ok else 0.0) + (SAME_TITLE_BONUS if t >= 0.999 else 0.0)
                cands.append((rank, (abs(x.order / na - y.order / nb), x.order, y.order), x.ref, y.ref))
        match.update(greedy_match(cands))
    return match


def _crosses(x: ONode, y: ONode, pairs: list[tuple[ONode, ONode]]) -> bool:
    """True if pairing x with y contradicts the reading order of a pair
    already made (one before the other in A, after it in B)."""
    return any((px.order < x.order) != (py.order < y.order) for px, py in pairs)


def _rename_evidence(x: ONode, y: ONode, b: dict[str, ONode], match: dict[str, str]) -> float:
    """How strongly leftover ``x`` (A) and ``y`` (B) are one node renamed
    (0: not at all): children that went over (strongest: 1 + their share),
    title containment (1), or similar titles sharing an object phrase (their
    similarity)."""
    went = sum(1 for c in x.children if c in match and b[match[c]].parent == y.ref)
    if went >= 2 and went / len(x.children) >= RENAME_CHILDREN:
        return 1.0 + went / len(x.children)
    kx, ky = words.key(x.title), words.key(y.title)
    short, long_ = sorted((kx, ky), key=len)
    if len(short) >= RENAME_CONTAINED and short in long_:
        return 1.0
    best = 0.0
    t = words.ratio(x.title, y.title)
    if t >= RENAME_TITLE and kx and ky:
        m = SequenceMatcher(None, kx, ky, autojunk=False).find_longest_match(0, len(kx), 0, len(ky))
        ending = m.a + m.size == len(kx) and m.b + m.size == len(ky)
        if m.size >= RENAME_RUN + (1 if ending else 0):
            best = t
    return best


def pair_renamed(a: dict[str, ONode], b: dict[str, ONode], match: dict[str, str]) -> dict[str, str]:
    """Second pass over the 篇/章/节 the content match left on both sides:
    pairs that are one node renamed, even when its text was rewritten.

    A leftover A node and a leftover B node of the same kind are candidates
    when one title contains the other (:data:`RENAME_CONTAINED` characters
    at least), or their titles are similar and share an object phrase
    (:data:`RENAME_TITLE`, :data:`RENAME_RUN`), or most of the A node's
    children sit under the B node (:data:`RENAME_CHILDREN`); and when their
    parents are partners (or both leftovers themselves).  Candidates are
    taken best first and only in reading order: a pair may not cross a pair
    already made of the same kind (moved pairs aside: the longest
    order-keeping set of pairs fixes the order), so a rename is always "the
    node in this place, retitled".  Kinds go bottom-up (a 章 sees its 节
    paired, a 篇 its 章), then again (a 节 under a 章 paired in the previous
    round now has a matched parent), until nothing changes.  Returns the new
    pairs {a_ref: b_ref}."""
    match = dict(match)
    new: dict[str, str] = {}
    for _round in range(len(RENAME_KINDS)):
        before = len(new)
        for kind in RENAME_KINDS:
            rev = {y: x for x, y in match.items()}
            xs = [n for n in a.values() if n.kind == kind and n.ref not in match]
            ys = [n for n in b.values() if n.kind == kind and n.ref not in rev]
            cands = []
            for x in xs:
                for y in ys:
                    if x.parent:
                        parent_ok = match.get(x.parent) == y.parent or \
                            (x.parent not in match and y.parent is not None and y.parent not in rev)
                    else:
                        parent_ok = y.parent is None
                    if not parent_ok:
                        continue
                    ev = _rename_evidence(x, y, b, match)
                    if ev > 0:
                        cands.append((ev, (abs(x.order - y.order), x.order, y.order), x, y))
            pairs = sorted(((p, q) for p, q in match.items() if a[p].kind == kind and q in b),
                           key=lambda pq: a[pq[0]].order)
            keep = unchanged_order([(p, b[q].order) for p, q in pairs])   # moved pairs do not fix the order
            made = [(a[p], b[q]) for p, q in pairs if p in keep]
            for _ev, _tie, x, y in sorted(cands, key=lambda c: (-c[0], c[1])):
                if x.ref in match or y.ref in rev or _crosses(x, y, made):
                    continue
                match[x.ref] = new[x.ref] = y.ref
                rev[y.ref] = x.ref
                made.append((x, y))
        if len(new) == before:
            break
    return new


@dataclass(slots=True)
class OutlineDiff:
    """Result of comparing two outlines."""

    match: dict[str, str]                     # a_ref → b_ref
    added: list[str]                          # B nodes reported as added (topmost unmatched)
    removed: list[str]                        # A nodes reported as removed
    absorbed_b: set[str]                      # every unmatched B node (reported or under one)
    absorbed_a: set[str]
    renamed: list[tuple[str, str]]
    moved: list[tuple[str, str, str]]         # (a_ref, b_ref, why: "parent" | "order")
    split_from: dict[str, str]                # added b_ref → a_ref it was split from
    merged_into: dict[str, str]               # removed a_ref → b_ref it was merged into


def compare_outline(a: dict[str, ONode], b: dict[str, ONode]) -> OutlineDiff:
    """Align the outlines and classify every node: renamed, moved (to
    another parent, or out of order among its siblings), added, removed."""
    match = align_outline(a, b)
    match.update(pair_renamed(a, b, match))
    rev = {y: x for x, y in match.items()}
    renamed = [(x, y) for x, y in match.items() if words.key(a[x].title) != words.key(b[y].title)]
    moved: list[tuple[str, str, str]] = []
    for x, y in match.items():
        pa_, pb_ = a[x].parent, b[y].parent
        if (match.get(pa_) if pa_ else None) != pb_:
            moved.append((x, y, "parent"))
    # order among siblings that stayed under the same (matched) parent
    moved_set = {x for x, _, _ in moved}
    groups: dict[str | None, list[tuple[str, int]]] = defaultdict(list)
    for x, y in match.items():
        if x not in moved_set:
            groups[a[x].parent].append((x, b[y].order))
    for sibs in groups.values():
        sibs.sort(key=lambda p: a[p[0]].order)
        keep = unchanged_order(sibs)
        moved.extend((x, match[x], "order") for x, _ in sibs if x not in keep)
    absorbed_b = {y for y in b if y not in rev}
    absorbed_a = {x for x in a if x not in match}
    added = [y for y in b if y in absorbed_b and b[y].parent not in absorbed_b]
    removed = [x for x in a if x in absorbed_a and a[x].parent not in absorbed_a]
    split_from: dict[str, str] = {}
    for y in added:
        best = max(((words.containment(b[y].content, a[x].content), a[x].order, x) for x in match
                    if a[x].tier == b[y].tier), default=None)
        if best and best[0] >= SPLIT_CONTAINMENT and b[y].content:
            split_from[y] = best[2]
    merged_into: dict[str, str] = {}
    for x in removed:
        best = max(((words.containment(a[x].content, b[y].content), b[y].order, y) for y in rev
                    if b[y].tier == a[x].tier), default=None)
        if best and best[0] >= SPLIT_CONTAINMENT and a[x].content:
            merged_into[x] = best[2]
    moved.sort(key=lambda m: b[m[1]].order)
    renamed.sort(key=lambda m: b[m[1]].order)
    return OutlineDiff(match, added, removed, absorbed_b, absorbed_a, renamed, moved, split_from, merged_into)
