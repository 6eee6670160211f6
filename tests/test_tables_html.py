"""The generated table documents typeset by a browser (tests/htmlgen.py:
HTML printed to PDF by headless Chromium) — a second typesetter with its
own habits: borders as thin filled rectangles drawn a cell at a time, a row
cut by the page break left open at the bottom, a three-line table whose
rows run on to the next page with only the bottom rule there, centred cells
that never share a baseline with their neighbours.  The checks are those of
the reportlab variants (tests/test_tables_pdf.py): every indicator, value
and project as written, the inconsistent project flagged, nothing lost."""

from __future__ import annotations

import os

import htmlgen
import pdfgen
import pytest
from gold import ns
from hypothesis import HealthCheck, given, settings
from test_tables_pdf import LOST, table_variants

from pipeline.run import parse

VARIANTS = pdfgen.TABLE_VARIANTS


@pytest.fixture(scope="module")
def html_docs(tmp_path_factory):
    d = tmp_path_factory.mktemp("htmlgen")
    out = {}
    for name, v in VARIANTS.items():
        path = d / f"{name}.pdf"
        truth = htmlgen.render_html_tables(path, v)
        out[name] = (truth, parse(path, name))
    return out


def _check(truth, res, v) -> None:
    got = [(x.row_no, x.category, x.name, x.unit, x.attribute) for x in res.tables.indicators]
    assert got == [(r["row_no"], r["category"], r["name"], r["unit"], r["attribute"]) for r in truth.indicators], v
    vals = {(x.row_no, x.measure): (ns(x.raw), x.value, x.qualifier) for x in res.tables.indicator_values}
    assert vals == {k: (ns(w["raw"]), w["value"], w["qualifier"]) for k, w in truth.values.items()}, v
    assert [(p.project_no, p.category_no, p.subcategory_no, ns(p.name), ns(p.content), p.start_year, p.end_year,
             p.total_investment, p.invested_before, p.invested_in_period) for p in res.tables.projects] == \
        [(int(g["project_no"]), int(g["category_no"]), int(g["subcategory_no"]), ns(g["name"]), ns(g["content"]),
          int(g["start_year"]), int(g["end_year"]), int(g["total_investment"]), int(g["invested_by_2020"]),
          int(g["investment_2021_2025"])) for g in truth.projects], v
    flagged = sorted({int(f.location.split()[1]) for f in res.tables.findings
                      if f.check == "row_identity" and f.location.startswith("project ")})
    assert flagged == truth.inconsistent, v
    assert not [(f.check, f.location) for f in res.findings + res.tables.findings if f.check in LOST], v
    assert sorted(t.kind for t in res.tables.tables) == ["indicator", "project"], v


@pytest.mark.parametrize("name", VARIANTS)
def test_browser_typeset_tables(name, html_docs):
    truth, res = html_docs[name]
    _check(truth, res, VARIANTS[name])


def test_a_row_cut_by_the_page_break_is_one_row(html_docs):
    """The browser cuts a project row at the page end and draws no rule
    under it: its two parts are one project, in one table."""
    truth, res = html_docs["grid"]
    assert res.tables.tables[1].page_start < res.tables.tables[1].page_end
    cut = [p for p in res.tables.projects if p.project_no == 6]
    assert len(cut) == 1 and ns(cut[0].content).endswith("扩大新型显示产品的应用规模")


@settings(max_examples=int(os.environ.get("FUZZ_EXPLORE", 4)), deadline=None,
          derandomize="FUZZ_EXPLORE" not in os.environ,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(v=table_variants())
def test_browser_typeset_variants_in_combination(v, tmp_path):
    """Any ruling, column order, title, header repetition, row cut or not
    and orientation, typeset by the browser."""
    path = tmp_path / "combo.pdf"
    truth = htmlgen.render_html_tables(path, v)
    _check(truth, parse(path, "combo"), v)
