"""Helpers to compare pipeline outputs with the hand-checked answer key in
``tests/gold/`` (whitespace-insensitive, as the gold notes prescribe)."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

GOLD = Path(__file__).parent / "gold"


def ns(s: str | None) -> str:
    """Text with all whitespace removed."""
    return re.sub(r"\s+", "", s or "")


def gold_document() -> dict:
    return json.loads((GOLD / "document.json").read_text(encoding="utf-8"))


def gold_columns() -> list[dict]:
    return json.loads((GOLD / "columns.json").read_text(encoding="utf-8"))


def gold_paragraphs() -> list[tuple[int | None, int | None, str]]:
    """(chapter_no, section_no, text) of every gold body paragraph."""
    g = gold_document()
    out = [(None, None, ns(t)) for t in g["preamble"]]
    for c in g["chapters"]:
        out += [(c["no"], None, ns(t)) for t in c["intro"]]
        for s in c["sections"]:
            out += [(c["no"], s["no"], ns(b["text"])) for b in s["blocks"] if b["type"] == "paragraph"]
    return out


@dataclass
class Parsed:
    """An output directory read back as plain Python rows."""

    sections: list[dict]
    paragraphs: list[dict]
    columns: list[dict]
    items: list[dict]
    notes: list[dict]

    @classmethod
    def read(cls, d: Path) -> Parsed:
        def rows(name):
            return pq.read_table(d / name).to_pylist()
        return cls(rows("sections.parquet"), rows("paragraphs.parquet"), rows("columns.parquet"),
                   rows("column_items.parquet"), rows("notes.parquet"))

    @classmethod
    def from_structured(cls, st) -> Parsed:
        """The outline and paragraphs of a :class:`~pipeline.model.Structured`
        (no tables stage, no files): for tests that parse many variants."""
        sections = [{"node_id": n.node_id, "parent_id": n.parent_id, "kind": n.kind, "number": n.number,
                     "title": n.title, "label": n.label} for n in st.nodes]
        paragraphs = [{"node_id": b.node_id, "column_no": b.column_no, "text": b.text}
                      for b in st.blocks if b.kind == "paragraph"]
        return cls(sections, paragraphs, [], [], [])

    def outline(self) -> tuple[list, list]:
        """(chapters, sections) as (number, title) / (chapter number, number, title), whitespace removed."""
        by = {s["node_id"]: s for s in self.sections}
        chapters = [(s["number"], ns(s["title"])) for s in self.sections if s["kind"] == "chapter"]
        sections = [(by[s["parent_id"]]["number"] if s["parent_id"] in by else None, s["number"], ns(s["title"]))
                    for s in self.sections if s["kind"] == "section"]
        return chapters, sections

    def location(self, node_id: str | None) -> tuple[int | None, int | None]:
        """(chapter number, section number) of a node."""
        by = {s["node_id"]: s for s in self.sections}
        ch = sec = None
        while node_id:
            n = by[node_id]
            if n["kind"] == "chapter":
                ch = n["number"]
            elif n["kind"] == "section":
                sec = n["number"]
            node_id = n["parent_id"]
        return ch, sec

    def body_paragraphs(self) -> list[tuple[int | None, int | None, str]]:
        by = {s["node_id"]: s for s in self.sections}
        out = []
        for p in self.paragraphs:
            if p["column_no"] is not None:
                continue
            if p["node_id"] and by[p["node_id"]]["node_id"].startswith("A"):
                continue
            out.append((*self.location(p["node_id"]), ns(p["text"])))
        return out


def gold_outline() -> tuple[list, list]:
    """The gold (chapters, sections) in the form of :meth:`Parsed.outline`."""
    g = gold_document()
    chapters = [(int(c["no"]), ns(c["title"])) for c in g["chapters"]]
    sections = [(int(c["no"]), int(s["no"]), ns(s["title"])) for c in g["chapters"] for s in c["sections"]]
    return chapters, sections


def paragraph_score(parsed: Parsed) -> tuple[int, int, list, list]:
    """(exact matches, gold count, missing, extra) — multiset match of
    (chapter, section, text) triples."""
    gold = Counter(gold_paragraphs())
    mine = Counter(parsed.body_paragraphs())
    return sum((gold & mine).values()), sum(gold.values()), list((gold - mine).elements()), \
        list((mine - gold).elements())
