"""The ``terms`` stage: Structured + TableSet → keyword and token rows.

Rows match :data:`pipeline.schemas.KEYWORDS` and :data:`pipeline.schemas.TOKENS`
(``plan_id`` is added by emit).
"""

from __future__ import annotations

from ..forked import split_map
from ..ids import item_ids, paragraph_ids
from ..model import Node, Structured, TableSet
from .harvest import harvest_terms
from .keywords import is_keyword_candidate, stopwords, tfidf_keywords
from .tokenizer import Tokenizer, make_tokenizer

#: outline node kinds that get keywords (each kind is its own TF-IDF collection)
KEYWORD_KINDS = ("part", "chapter", "section")
#: keywords kept per node
TOP_KEYWORDS = 20


def _ancestors(nodes: dict[str, Node], node_id: str | None) -> list[str]:
    out = []
    while node_id:
        out.append(node_id)
        node_id = nodes[node_id].parent_id if node_id in nodes else None
    return out


def build_terms(st: Structured, ts: TableSet, *, tokenizer: Tokenizer | None = None,
                top: int = TOP_KEYWORDS) -> dict[str, list[dict]]:
    """Keyword rows (top ``top`` per part/chapter/section, TF-IDF against the
    plan's nodes of the same kind) and token rows (one per token occurrence
    in every paragraph and 专栏 entry, ``position`` = index within it).

    The tokenizer is built once for the plan from the domain dictionary and
    the plan's harvested terms unless one is passed in.
    """
    tok = tokenizer or make_tokenizer(harvest_terms(st, ts))
    nodes = {n.node_id: n for n in st.nodes}
    pids = paragraph_ids(st.blocks)
    pids.update(item_ids(st.blocks))

    token_rows: list[dict] = []
    stop = stopwords()
    docs: dict[str, list[str]] = {n.node_id: [] for n in st.nodes if n.kind in KEYWORD_KINDS}
    up = {nid: [a for a in _ancestors(nodes, nid) if a in docs] for nid in nodes}

    def add_to_docs(node_id: str | None, kept: list[str]) -> None:
        for a in up.get(node_id, ()):
            docs[a].extend(kept)

    candidate: dict[str, bool] = {}     # tokens repeat: each is judged once

    def cut(text: str) -> tuple[list[str], list[str]]:
        """The tokens of ``text`` and those that may be keywords."""
        toks = tok.cut(text)
        kept = []
        for t in toks:
            c = candidate.get(t)
            if c is None:
                c = candidate[t] = is_keyword_candidate(t, stop)
            if c:
                kept.append(t)
        return toks, kept

    blocks = [b for b in st.blocks if b.kind in ("paragraph", "column_item", "column_title")]
    # word segmentation is most of this stage: on two cores half of it runs
    # in a forked child (same tokens, in order)
    cuts = split_map(cut, [n.title or "" for n in st.nodes] + [b.text for b in blocks])
    for n, (_, kept) in zip(st.nodes, cuts):
        add_to_docs(n.node_id, kept)
    for b, (toks, kept) in zip(blocks, cuts[len(st.nodes):]):
        add_to_docs(b.node_id, kept)
        pid = pids.get(b.block_id)
        if pid is None:       # column titles: keyword text only, no paragraph id
            continue
        token_rows.extend({"node_id": b.node_id, "para_id": pid, "position": i, "token": t}
                          for i, t in enumerate(toks))

    keyword_rows: list[dict] = []
    for kind in KEYWORD_KINDS:
        of_kind = {nid: d for nid, d in docs.items() if nodes[nid].kind == kind}
        if not of_kind:
            continue
        ranked = tfidf_keywords(of_kind, top=top)
        for n in st.nodes:
            for rank, (kw, weight, count) in enumerate(ranked.get(n.node_id, ()), start=1):
                keyword_rows.append({"node_id": n.node_id, "level": n.level, "rank": rank,
                                     "keyword": kw, "weight": weight, "count": count})
    order = {n.node_id: n.order for n in st.nodes}
    keyword_rows.sort(key=lambda r: (order[r["node_id"]], r["rank"]))
    return {"keywords": keyword_rows, "tokens": token_rows}
