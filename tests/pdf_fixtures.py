"""Helpers for the PDF tests: generated PDF variants and the checks that
compare a parse with what the generator (``tests/pdfgen.py``) typeset or
with the gold answer key."""

from __future__ import annotations

import collections
import json
from pathlib import Path

from pipeline import cjk
from pipeline.model import Structured

ROOT = Path(__file__).resolve().parent
GOLD = ROOT / "gold"
CORPUS = ROOT / "corpus"


def ns(text: str | None) -> str:
    return cjk.strip_all_space(text or "")


def node_kinds(st: Structured) -> list[tuple[str, int | None, str]]:
    """(kind, number, title) of every outline node, whitespace-insensitive."""
    return [(n.kind, n.number, ns(n.title)) for n in st.nodes]


def paragraphs(st: Structured, body_only: bool = True) -> collections.Counter:
    """Multiset of (node id, text) of the paragraphs (outside 专栏 when body_only)."""
    return collections.Counter((b.node_id, ns(b.text)) for b in st.blocks
                               if b.kind == "paragraph" and (b.column_no is None or not body_only))


def columns(st: Structured) -> list[dict]:
    """专栏 as number, title, node, kind and entries (label, text)."""
    out = []
    for b in st.blocks:
        if b.kind != "column_title":
            continue
        items = [(x.item_label, ns(x.item_text)) for x in st.blocks
                 if x.kind == "column_item" and x.column_no == b.column_no]
        out.append({"number": b.column_no, "title": ns(b.title), "node_id": b.node_id, "kind": b.role,
                    "items": items, "page": b.page_start})
    return out


# -- gold (the seed plan) ------------------------------------------------------


def gold_outline() -> tuple[list, list]:
    g = json.loads((GOLD / "document.json").read_text(encoding="utf-8"))
    chapters = [(c["no"], ns(c["title"])) for c in g["chapters"]]
    sections = [(c["no"], s["no"], ns(s["title"])) for c in g["chapters"] for s in c["sections"]]
    return chapters, sections


def gold_paragraphs() -> collections.Counter:
    """(chapter no, section no, text) of every gold body paragraph."""
    g = json.loads((GOLD / "document.json").read_text(encoding="utf-8"))
    out = collections.Counter()
    for t in g["preamble"]:
        out[(None, None, ns(t))] += 1
    for c in g["chapters"]:
        for t in c["intro"]:
            out[(c["no"], None, ns(t))] += 1
        for s in c["sections"]:
            for b in s["blocks"]:
                if b["type"] == "paragraph":
                    out[(c["no"], s["no"], ns(b["text"]))] += 1
    return out


def located(st: Structured, node_id: str | None) -> tuple[int | None, int | None]:
    """(chapter number, section number) of an outline node."""
    nodes = {n.node_id: n for n in st.nodes}
    ch = sec = None
    n = nodes.get(node_id) if node_id else None
    while n is not None:
        if n.kind == "chapter":
            ch = n.number
        elif n.kind == "section":
            sec = n.number
        n = nodes.get(n.parent_id)
    return ch, sec


def mine_paragraphs(st: Structured) -> collections.Counter:
    """(chapter no, section no, text) of the parsed body paragraphs (annex excluded)."""
    return collections.Counter((*located(st, b.node_id), ns(b.text)) for b in st.blocks
                               if b.kind == "paragraph" and b.column_no is None
                               and not (b.node_id or "").startswith("A"))


def gold_columns() -> list[dict]:
    return json.loads((GOLD / "columns.json").read_text(encoding="utf-8"))
