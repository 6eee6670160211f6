"""Outlines of real plans (hand counts in tests/corpus/real/truth.json) and of
the seed plan in other layouts and extractions (the gold answer key)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from conftest import CORPUS
from gold import gold_document, ns

from pipeline.run import parse

REAL = CORPUS / "real"
LAYOUTS = CORPUS / "layouts"
TRUTH = json.loads((REAL / "truth.json").read_text(encoding="utf-8"))
#: Counts of the outline (the 专栏 and table counts are checked where those stages are tested).
OUTLINE_KEYS = ("part", "chapter", "section", "heading:1", "heading:2", "heading:3", "heading:4")


@cache
def parsed(path: Path):
    return parse(path, jobs=2)


def _rank(label: str | None) -> int | None:
    if not label:
        return None
    for rank, rx in ((1, r"^[一二三四五六七八九十百]+、"), (2, r"^（[一二三四五六七八九十]+）"), (3, r"^\d+\."),
                     (4, r"^（\d+）")):
        if re.match(rx, label):
            return rank
    return None


def outline_counts(res) -> dict[str, int]:
    out: dict[str, int] = {}
    for n in res.structured.nodes:
        key = f"heading:{_rank(n.label)}" if n.kind == "heading" else n.kind
        out[key] = out.get(key, 0) + 1
    return out


@pytest.mark.parametrize("name", [k for k in TRUTH if not k.startswith("_")])
def test_real_plan_outline_counts(name):
    counts = outline_counts(parsed(REAL / name))
    for key, want in TRUTH[name].items():
        base = key.removesuffix("_min")
        if base not in OUTLINE_KEYS:
            continue
        got = counts.get(base, 0)
        if key.endswith("_min"):
            assert got >= want, (name, key, got)
        else:
            assert got == want, (name, key, got)


@pytest.mark.parametrize("name", [k for k in TRUTH if not k.startswith("_")])
def test_real_plan_titles_stop_where_the_heading_stops(name):
    res = parsed(REAL / name)
    long = [(n.label, n.title) for n in res.structured.nodes if len(ns(n.title)) > 40]
    assert not long


def test_front_matter_is_not_body_text():
    """A web print's page title, the issuing notice and the plan's title are
    front matter, not the preamble's paragraphs."""
    res = parsed(REAL / "revolutionary-relics-14th-2021.pdf")
    assert res.structured.title == "革命文物保护利用“十四五”专项规划"
    roles = [b.role for b in res.structured.blocks if b.kind == "front"]
    assert roles[0] == "header" and roles.count("notice") >= 4
    paras = [b.text for b in res.structured.blocks if b.kind == "paragraph"]
    assert paras[0].startswith("为深入贯彻落实")
    assert not any("印发给你们" in p for p in paras)


def test_colophon_and_cover():
    res = parsed(REAL / "hubei-relics-14th-2021.pdf")
    assert res.structured.title == "湖北省文物事业发展“十四五”规划"
    front = [(b.role, b.text) for b in res.structured.blocks if b.kind == "front"]
    assert ("cover", "湖北省文物局") in front
    assert any(r == "colophon" and "印发" in t for r, t in front)


def test_preface_is_a_node_and_toc_is_not_the_outline():
    res = parsed(REAL / "yunnan-10th-fyp-2001.txt")
    first = res.structured.nodes[0]
    assert (first.kind, first.title) == ("preface", "序言")
    assert [n.number for n in res.structured.nodes if n.kind == "chapter"] == list(range(1, 27))
    assert res.structured.title == "云南省国民经济和社会发展第十个五年计划纲要"


LAYOUT_INPUTS = ["plan-C.pdf", "plan-D.pdf", "plan-E.pdf",
                 "plan-C.pdftotext.txt", "plan-D.pdftotext.txt", "plan-E.pdftotext.txt"]


@pytest.mark.parametrize("name", LAYOUT_INPUTS)
def test_layout_chapters_and_sections_equal_gold(name):
    res = parsed(LAYOUTS / name)
    nodes = res.structured.nodes
    by = {n.node_id: n for n in nodes}
    g = gold_document()
    chapters = [(n.number, ns(n.title)) for n in nodes if n.kind == "chapter"]
    assert chapters == [(c["no"], ns(c["title"])) for c in g["chapters"]]
    sections = [(by[n.parent_id].number, n.number, ns(n.title)) for n in nodes if n.kind == "section"]
    assert sections == [(c["no"], s["no"], ns(s["title"])) for c in g["chapters"] for s in c["sections"]]
    assert res.structured.title and ns(res.structured.title) == ns(g["title"])


@pytest.mark.parametrize("name,least", [("plan-C.pdftotext.txt", 29), ("plan-D.pdftotext.txt", 31),
                                        ("plan-E.pdftotext.txt", 31)])
def test_pdftotext_column_entries(name, least):
    """专栏 entries in poppler's text, where boxes are told from the body only
    by their measure (D: narrower than the body, C: wider) and by their
    numbering.  (C: in 专栏 8 the first entry ends one character short of the
    box's room, which the text cannot tell from a wrapped line.)"""
    from gold import gold_columns

    res = parsed(LAYOUTS / name)
    got = set()
    for b in res.structured.blocks:
        if b.kind == "column_item":
            got.add((b.column_no, ns(b.item_label), ns(b.item_text)))
    want = [(g["number"], ns(i["label"]), ns(i["text"])) for g in gold_columns() for i in g["items"]]
    assert sum(1 for x in want if x in got) >= least
