"""Space-aligned tables in text (pipeline/extract/fixedwidth.py), and
run-together ones printed centred (pipeline/tables/textcentred.py): a table
whose columns a text keeps with spaces — ``pdftotext -layout``, a monospaced
editor — is cut out as a rule-free table and rebuilt from its alignment, as
the same table in a PDF is.

* property test: the 14th-plan gold table rendered under layouts drawn in
  combination (padding measure × gap × wrapped names × cells from the top or
  centred × values left or centred × indent × a page break with the header
  repeated) reads back exactly (tests/fixedwidth_gen.py);
* the real ``pdftotext -layout`` text of plan-A.pdf and of layouts/plan-D.pdf
  (poppler 22.12, committed): their 14th-plan table equals the answer key,
  and no table character is lost on any of the four layouts;
* texts without such tables (the seed, the real and national plans) get no
  table region;
* the same tables with the padding collapsed to one space (pdfplumber's
  ``extract_text()``: rows centred on their middle line, a wrapped name
  above and below it) read back exactly too, and so does the 14th-plan
  table of pdfplumber's text of plan-A, plan-C and plan-E (committed)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import CORPUS, SEED_TXT, parse_to
from fixedwidth_gen import Layout, merges_observable, name_lines, render_plan
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from test_tables_text import M14, check_indicators, gold_rows, rows, table_ids

from pipeline import cjk
from pipeline.extract import extract
from pipeline.extract.fixedwidth import choose_measure

LOST = ("conservation", "table_conservation", "table_text_unplaced")


def _parse_text(tmp: Path, text: str, name: str = "p"):
    f = tmp / f"{name}.txt"
    f.write_text(text, encoding="utf-8")
    return parse_to(f, tmp / "out", name)


def _explore(n: int):
    """Hypothesis settings of these tests: ``n`` derandomised examples in CI,
    FUZZ_EXPLORE=N fresh random ones instead; no shrinking."""
    return settings(max_examples=int(os.environ.get("FUZZ_EXPLORE", n)), deadline=None,
                    derandomize="FUZZ_EXPLORE" not in os.environ,
                    phases=[Phase.explicit, Phase.reuse, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


layouts = st.builds(
    Layout,
    measure=st.sampled_from(["chars", "display"]),
    gap=st.integers(2, 6),
    name_chars=st.integers(6, 30),
    valign=st.sampled_from(["top", "centre"]),
    halign=st.sampled_from(["left", "centre"]),
    # (one leading space is the seed text's page mark: a page starts there)
    indent=st.sampled_from([0, 2, 3, 4, 6]),
    break_after=st.one_of(st.none(), st.integers(1, 19)),
)


@_explore(40)
@given(layouts)
def test_space_aligned_table_reads_as_the_answer_key(tmp_path_factory, lay):
    assume(merges_observable(lay))
    res, d = _parse_text(tmp_path_factory.mktemp("fw"), render_plan(lay))
    tids = table_ids(d, "indicator")
    assert len(tids) == 1, (lay, tids)
    check_indicators(d, "indicators_14th.csv", tids[0], M14)
    assert not [f for f in res.findings if f.check in LOST], lay


@pytest.mark.parametrize("lay", [
    # the corners of the layout space, every one a separate way to fail
    Layout(measure="chars", gap=2, name_chars=8, valign="centre", halign="centre", break_after=9),
    Layout(measure="chars", gap=4, name_chars=30, valign="top", halign="left"),
    Layout(measure="display", gap=2, name_chars=14, valign="top", halign="centre", indent=4),
    Layout(measure="display", gap=5, name_chars=8, valign="centre", halign="left", break_after=1),
], ids=["chars-centred-break", "chars-top-left", "display-top-indent", "display-centred-break"])
def test_space_aligned_table_corners(tmp_path, lay):
    res, d = _parse_text(tmp_path, render_plan(lay))
    tids = table_ids(d, "indicator")
    assert len(tids) == 1
    check_indicators(d, "indicators_14th.csv", tids[0], M14)


def test_the_measure_is_the_texts_own():
    """pdftotext counts characters, an editor display columns: each text is
    read in its own (the other one misaligns every row with CJK before a
    column)."""
    from fixedwidth_gen import render_table

    for measure in ("chars", "display"):
        for lay in (Layout(measure=measure), Layout(measure=measure, valign="top", halign="left", name_chars=8)):
            assert choose_measure([b for b in render_table(lay).split("\n") if "  " in b.strip()]) == measure


LAYOUT_TEXTS = CORPUS / "layouts"


@pytest.fixture(scope="module", params=["plan-A", "plan-D"])
def poppler_layout(request, tmp_path_factory):
    path = LAYOUT_TEXTS / f"{request.param}.pdftotext-layout.txt"
    return parse_to(path, tmp_path_factory.mktemp("pl"), request.param)


def _table_of(d: Path, gold_name: str) -> str:
    """The indicator table whose names are the gold table's."""
    names = {g["name"] for g in gold_rows(gold_name)}
    inds = rows(d, "indicators.parquet")
    return max(table_ids(d, "indicator"), key=lambda t: sum(1 for r in inds if r["table_id"] == t
                                                             and r["name"] in names))


def test_pdftotext_layout_14th_table_equals_the_answer_key(poppler_layout):
    _, d = poppler_layout
    check_indicators(d, "indicators_14th.csv", _table_of(d, "indicators_14th.csv"), M14)


@pytest.mark.parametrize("name", ["plan-A", "plan-D", "plan-E"])
def test_pdftotext_layout_indicator_rows_equal_the_answer_key(tmp_path, name):
    """Every row of both indicator tables of ``pdftotext -layout``'s text —
    number, category, name, unit, 属性 — as in the answer key, although
    poppler's columns drift from page to page and from header to body: a
    row label starts its row even when the row's values are printed on the
    line below it (``14.高中阶段教育毛入学率`` / values / ``（%）``), a
    unit line under a name is the name's, not a group label, and 预期性 /
    约束性 is the attribute wherever in its row it stands."""
    _, d = parse_to(LAYOUT_TEXTS / f"{name}.pdftotext-layout.txt", tmp_path, name)
    for gold_name in ("indicators_13th.csv", "indicators_14th.csv"):
        tid = _table_of(d, gold_name)
        got = {r["row_no"]: (r["category"], r["name"], r["unit"], r["attribute"])
               for r in rows(d, "indicators.parquet") if r["table_id"] == tid}
        want = {int(g["row_no"]): (g["category"], g["name"], g["unit"], g["attribute"]) for g in gold_rows(gold_name)}
        assert got == want, gold_name


@pytest.mark.parametrize("name", ["plan-A", "plan-C", "plan-D", "plan-E"])
def test_pdftotext_layout_loses_no_table_text(tmp_path, name):
    """Whatever is not understood is reported, never dropped: every table
    character is in a cell, and every table that looks like an indicator
    table yields indicator rows (or says why not)."""
    res, d = parse_to(LAYOUT_TEXTS / f"{name}.pdftotext-layout.txt", tmp_path, name)
    assert not [f for f in res.findings if f.check in ("table_conservation",) and f.table_id in
                {t for t in table_ids(d, "indicator")}]
    assert len(table_ids(d, "indicator")) == 2


@pytest.mark.parametrize("path", [SEED_TXT, "real/national-9th-fyp-1996.txt", "real/yunnan-10th-fyp-2001.txt",
                                  "national/11th-2006.txt", "layouts/plan-D.pdftotext.txt"], ids=lambda p: Path(p).name)
def test_no_table_region_without_aligned_columns(path):
    """Heading | paragraph gaps, run-together tables and prose never make a
    space-aligned table."""
    ex = extract(str(CORPUS / path))       # (an absolute path stays as it is)
    assert [r for r in ex.regions if r.kind == "rule_table"] == []


def test_real_plan_pdftotext_layout_table(tmp_path):
    """A real plan's table in ``pdftotext -layout`` text (the hubei plan:
    no row labels, a label column of categories, names wrapped and centred,
    poppler's stray spaces inside names, a page number between rows): 25
    rows as in its PDF; on its first two pages each row's name (spaces
    aside), unit, target and attribute equal the PDF's, and so do the
    categories of rows 1–14.  Not yet: the third page, which poppler lays
    out with other columns (names 3 columns left, values 4 right), so its 4
    rows keep their targets but not their names; and the category label at
    the top of that page is taken for the rest of the label before it
    (博物馆 + 科技创新 for rows 15–21)."""
    res_t, d_t = parse_to(CORPUS / "real" / "hubei-relics-14th-2021.pdftotext-layout.txt", tmp_path, "t")
    res_p, d_p = parse_to(CORPUS / "real" / "hubei-relics-14th-2021.pdf", tmp_path, "p")
    got, want = res_t.tables.indicators, res_p.tables.indicators
    assert [x.row_no for x in got] == [x.row_no for x in want] == list(range(1, 26))
    vals_t = {v.row_no: v.raw for v in res_t.tables.indicator_values}
    vals_p = {v.row_no: v.raw for v in res_p.tables.indicator_values}
    for a, b in zip(got[:21], want[:21], strict=True):
        assert (a.name.replace(" ", ""), a.unit, a.attribute) == (b.name.replace(" ", ""), b.unit, b.attribute), \
            a.row_no
        assert vals_t[a.row_no] == vals_p[a.row_no]
        assert a.row_no > 14 or a.category == b.category, a.row_no
    assert not [f for f in res_t.findings if f.check in LOST]


def _collapsed(text: str) -> str:
    """The plan with every run of spaces in a line one space and no indent:
    a table's rows as pdfplumber's ``extract_text()`` prints them."""
    return "\n".join(re.sub(" {2,}", " ", ln).strip() for ln in text.split("\n"))


@_explore(25)
@given(layouts)
def test_run_together_table_printed_centred_or_from_the_top(tmp_path_factory, lay):
    # with one space between cells, a name line ending in a word that leads
    # into a number (…比 / 88) reads as one cell (比 2010年): no reader can
    # tell, so such wraps are left out
    assume(not any(x.endswith(cjk.NUMBER_LEADS) for x in name_lines(lay)))
    res, d = _parse_text(tmp_path_factory.mktemp("rt"), _collapsed(render_plan(lay)))
    tids = table_ids(d, "indicator")
    assert len(tids) == 1, (lay, tids)
    check_indicators(d, "indicators_14th.csv", tids[0], M14)
    assert not [f for f in res.findings if f.check in LOST], lay


@pytest.mark.parametrize("name", ["plan-A", "plan-C", "plan-E"])
def test_pdfplumber_text_14th_table_equals_the_answer_key(tmp_path, name):
    """pdfplumber 0.11's ``extract_text()`` of the PDFs (committed): rows centred,
    header cells interleaved over three lines (序 年均增长 / 指标 … 属性 / 号 [累计])."""
    _, d = parse_to(LAYOUT_TEXTS / f"{name}.pdfplumber.txt", tmp_path, name)
    check_indicators(d, "indicators_14th.csv", _table_of(d, "indicators_14th.csv"), M14)
