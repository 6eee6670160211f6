"""The outline: heading blocks → nodes with stable ids, parents, levels and
page ranges; every block gets the id of the innermost node it sits in.

Node ids are paths built from the numbering, so they are stable across runs
and readable: ``C3`` (第三章), ``C3.S2`` (its 第二节), ``C3.S2.a1`` (一、),
``…b1`` (（一）), ``…c1`` (1.), ``…d1`` (（1）), ``…e1`` (①), ``P1`` (第一篇,
chapters then sit under it: ``P1.C1``), ``A1`` (附件), ``F1`` (序言/前言, kind
``preface``), ``G1`` (名词解释, kind ``glossary``).  Blocks before the first
heading (title block, notice, an unheaded preamble) have no node
(``node_id`` null).
"""

from __future__ import annotations

from .. import cjk
from ..model import Block, Node
from .headings import MATTER_KINDS

_TOKEN = {cjk.RANK_PART: "P", cjk.RANK_CHAPTER: "C", cjk.RANK_SECTION: "S", cjk.RANK_CN: "a",
          cjk.RANK_PCN: "b", cjk.RANK_AR: "c", cjk.RANK_PAR: "d", cjk.RANK_CIRCLED: "e"}


#: Node id tokens of front/back matter nodes (序言 → F1, 名词解释 → G1).
_MATTER_TOKEN = {"preface": "F", "glossary": "G"}
#: Stack rank of a node that any later heading closes.
_CLOSED_BY_ANY = 99


def build_outline(blocks: list[Block]) -> list[Node]:
    """Create the outline nodes and set ``node_id`` on every block (in place)."""
    nodes: list[Node] = []
    by_id: dict[str, Node] = {}
    stack: list[tuple[int, Node]] = []
    annex_count = 0
    matter_count: dict[str, int] = {}
    unnumbered = 0
    for b in blocks:
        if b.kind == "heading":
            rank = b.rank if b.rank is not None else cjk.RANK_CN
            while stack and stack[-1][0] >= rank:
                stack.pop()
            if b.node_kind == "annex":
                stack.clear()
                annex_count += 1
                token = f"A{annex_count}"
            elif b.number is None and b.node_kind == "heading":
                # an unnumbered heading (a Markdown ``##`` line without a label)
                unnumbered += 1
                token = f"h{unnumbered}"
            elif b.node_kind in MATTER_KINDS:
                stack.clear()
                matter_count[b.node_kind] = matter_count.get(b.node_kind, 0) + 1
                token = f"{_MATTER_TOKEN[b.node_kind]}{matter_count[b.node_kind]}"
            else:
                token = f"{_TOKEN.get(rank, 'h')}{b.number}"
            parent = stack[-1][1] if stack else None
            node_id = f"{parent.node_id}.{token}" if parent else token
            base, k = node_id, 1
            while node_id in by_id:
                k += 1
                node_id = f"{base}_{k}"
            title = b.title if b.title else (b.label or "")
            node = Node(node_id=node_id, parent_id=parent.node_id if parent else None,
                        kind=b.node_kind or "heading", number=b.number or None, label=b.label,
                        title=title, level=len(stack) + 1, order=len(nodes),
                        page_start=b.page_start, page_end=b.page_end, block_id=b.block_id)
            nodes.append(node)
            by_id[node_id] = node
            if b.node_kind in MATTER_KINDS:
                rank = _CLOSED_BY_ANY
            elif b.node_kind == "annex":
                rank = cjk.RANK_ANNEX
            stack.append((rank, node))
            b.node_id = node_id
        else:
            b.node_id = stack[-1][1].node_id if stack else None
        # page range of every open node grows with its content
        for _, nd in stack:
            if b.kind != "furniture":
                nd.page_end = max(nd.page_end, b.page_end)
    return nodes
