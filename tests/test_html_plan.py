"""The whole seed plan typeset by a browser (tests/htmlplan.py: the answer
key written as HTML and printed to PDF by headless Chromium, in two house
styles) against the answer key: outline, paragraphs, 专栏 with their entries
(boxes the page break slices, drawn without a border at the cut), the
indicator tables (a vertically merged group label beside numbered names,
a narrow attribute column printed a character a line), both annex tables,
validation — the checks of the shared layouts."""

from __future__ import annotations

import htmlplan
import pytest
from pdf_fixtures import columns, gold_columns, gold_outline, gold_paragraphs, located, mine_paragraphs, ns
from test_tables_text import (
    M13,
    M14,
    check_indicators,
    check_projects,
    check_summary,
    check_validation,
    indicator_tables,
)

from pipeline.emit import write_outputs
from pipeline.run import parse


@pytest.fixture(scope="module", params=sorted(htmlplan.STYLES))
def html_plan(request, tmp_path_factory):
    d = tmp_path_factory.mktemp("htmlplan")
    path = d / f"plan-{request.param}.pdf"
    htmlplan.render_plan(path, request.param)
    res = parse(path, "jianghai-14th")
    return res, write_outputs(d / "out" / "jianghai-14th", res.outputs, res.extracted.source.sha256)


def test_outline(html_plan):
    st = html_plan[0].structured
    chapters, sections = gold_outline()
    assert [(n.number, ns(n.title)) for n in st.nodes if n.kind == "chapter"] == chapters
    assert [(*located(st, n.node_id), ns(n.title)) for n in st.nodes if n.kind == "section"] == sections
    assert [n.kind for n in st.nodes if n.kind not in ("chapter", "section")] == ["annex"]


def test_paragraphs(html_plan):
    gold = gold_paragraphs()
    mine = mine_paragraphs(html_plan[0].structured)
    assert sum((gold & mine).values()) == sum(gold.values())
    assert sum(mine.values()) == sum(gold.values())


def test_columns_and_entries(html_plan):
    st = html_plan[0].structured
    mine = {c["number"]: c for c in columns(st)}
    assert sorted(mine) == list(range(1, 9))
    for g in gold_columns():
        m = mine[g["number"]]
        assert m["title"] == ns(g["title"])
        assert located(st, m["node_id"]) == (g["chapter_no"], g["section_no"])
        assert m["items"] == [(it["label"], ns(it["text"])) for it in g["items"]]


def test_tables(html_plan):
    d = html_plan[1]
    t13, t14 = indicator_tables(d)
    check_indicators(d, "indicators_13th.csv", t13, M13)
    check_indicators(d, "indicators_14th.csv", t14, M14)
    check_summary(d)
    check_projects(d)
    check_validation(d)


def test_nothing_lost(html_plan):
    res = html_plan[0]
    assert [f.check for f in res.findings + res.tables.findings
            if f.check in ("conservation", "table_conservation", "table_text_unplaced", "table_not_read")] == []
