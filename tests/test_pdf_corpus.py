"""PDF path on the shared PDFs of the seed plan (tests/corpus/plan-A.pdf with
bookmarks, plan-A-plain.pdf without) against the gold answer key, and
against the text path of the same plan."""

from __future__ import annotations

import collections

import pytest
from pdf_fixtures import (
    CORPUS,
    columns,
    gold_columns,
    gold_outline,
    gold_paragraphs,
    located,
    mine_paragraphs,
    node_kinds,
    ns,
    paragraphs,
)

from pipeline import cjk
from pipeline.extract import extract
from pipeline.run import parse
from pipeline.structure import structure

ROOT = CORPUS.parent.parent


@pytest.fixture(scope="module", params=["plan-A.pdf", "plan-A-plain.pdf"])
def pdf(request):
    return parse(CORPUS / request.param, "plan-A", jobs=2)


@pytest.fixture(scope="module")
def text_structure():
    return structure(extract(ROOT / "raw" / "jianghai-14th.txt"))


def test_outline_matches_gold(pdf):
    st = pdf.structured
    chapters, sections = gold_outline()
    mine_ch = [(n.number, ns(n.title)) for n in st.nodes if n.kind == "chapter"]
    mine_sec = [(*located(st, n.node_id), ns(n.title)) for n in st.nodes if n.kind == "section"]
    assert mine_ch == chapters
    assert mine_sec == sections
    # no spurious heading: only the annex besides chapters and sections
    assert [n.kind for n in st.nodes if n.kind not in ("chapter", "section")] == ["annex"]


def test_title_from_title_page(pdf):
    assert pdf.structured.title == "江门高新区（江海区）国民经济和社会发展第十四个五年规划和2035年远景目标纲要"


def test_paragraphs_match_gold(pdf):
    gold = gold_paragraphs()
    mine = mine_paragraphs(pdf.structured)
    exact = sum((gold & mine).values())
    assert exact >= 0.99 * sum(gold.values())
    assert sum(mine.values()) <= sum(gold.values()) + 2


def test_columns_match_gold(pdf):
    st = pdf.structured
    mine = {c["number"]: c for c in columns(st)}
    for g in gold_columns():
        m = mine[g["number"]]
        assert m["title"] == ns(g["title"])
        assert located(st, m["node_id"]) == (g["chapter_no"], g["section_no"])
        assert m["kind"] == g["kind"]
        assert m["items"] == [(it["label"], ns(it["text"])) for it in g["items"]]
    assert len(mine) == 8


def test_nothing_lost(pdf):
    assert [f for f in pdf.findings if f.check == "conservation"] == []


def test_physical_page_numbers(pdf):
    ex, st = pdf.extracted, pdf.structured
    # page-number furniture "— N —" sits on physical page N + 1 (title page unnumbered)
    numbers = [(ln.page, int(cjk.strip_all_space(ln.text).strip("—"))) for ln in ex.lines
               if ln.furniture == "page_number"]
    assert len(numbers) == ex.source.n_pages - 1
    assert all(page == n + 1 for page, n in numbers)
    # the headings' pages are the printed positions: 第一章 on page 3, the annex on 108
    first = next(n for n in st.nodes if n.kind == "chapter")
    assert first.page_start == 3
    assert next(n for n in st.nodes if n.kind == "annex").page_start == 108
    # no furniture inside paragraphs
    furniture = {ln.order for ln in ex.lines if ln.furniture}
    assert not any(set(b.lines) & furniture for b in st.blocks if b.kind == "paragraph")


def test_bookmarks_confirm_headings():
    ex = extract(CORPUS / "plan-A.pdf", jobs=2)
    st = structure(ex)
    assert len(ex.bookmarks) == 81
    by_title = {ns(b.title): b for b in ex.bookmarks}
    for n in st.nodes:
        if n.kind in ("chapter", "section"):
            b = by_title[ns((n.label or "") + n.title)]
            assert b.page == n.page_start
            assert b.level == (1 if n.kind == "chapter" else 2)


def test_landscape_annex_pages(pdf):
    pages = {p.page: p for p in pdf.extracted.pages}
    annex = next(n for n in pdf.structured.nodes if n.kind == "annex")
    assert all(pages[p].width > pages[p].height for p in range(annex.page_start, len(pages) + 1))
    assert pages[2].width < pages[2].height


def test_pdf_and_text_agree(pdf, text_structure):
    st = pdf.structured
    assert node_kinds(st) == node_kinds(text_structure)
    a, b = paragraphs(text_structure), paragraphs(st)
    assert sum((a & b).values()) >= 0.99 * max(sum(a.values()), sum(b.values()))


def test_regions_found():
    ex = extract(CORPUS / "plan-A-plain.pdf", jobs=2)
    kinds = collections.Counter(r.kind for r in ex.regions)
    assert kinds["box"] == 6            # 专栏 3-8 are bordered boxes
    assert kinds["table"] >= 10         # 专栏 1/2 and the annex tables, page by page
    for r in ex.regions:
        inside = [ln for ln in ex.lines if ln.region == r.region_id]
        assert inside and all(ln.page == r.page for ln in inside)
        if r.kind == "table":
            assert r.cells and all(c.x0 < c.x1 and c.top < c.bottom for c in r.cells)
    # every table line lies in one of its region's cells
    regions = {r.region_id: r for r in ex.regions}
    for ln in ex.lines:
        r = regions.get(ln.region)
        if r is not None and r.kind == "table":
            cx, cy = (ln.x0 + ln.x1) / 2, (ln.top + ln.bottom) / 2
            assert any(c.x0 - 1 <= cx <= c.x1 + 1 and c.top - 1 <= cy <= c.bottom + 1 for c in r.cells)
