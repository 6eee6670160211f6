"""Tables stage on the PDF path: tests/corpus/plan-A.pdf (with bookmarks)
and plan-A-plain.pdf (without) against the same gold checks as the text
path (tests/test_tables_text.py), the text and PDF grids against each other,
and a generated three-line table (horizontal rules only) broken over two
pages with its header repeated."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from gold import GOLD, ns
from test_tables_text import check_all, indicator_tables, rows, table_ids

from pipeline import cjk
from pipeline.emit import write_outputs
from pipeline.extract import extract
from pipeline.run import parse
from pipeline.tables import build_grid, classify
from pipeline.tables import indicators as ind

CORPUS = Path(__file__).resolve().parent / "corpus"


@pytest.fixture(scope="module", params=["plan-A.pdf", "plan-A-plain.pdf"])
def pdf_out(request, tmp_path_factory):
    res = parse(CORPUS / request.param, "plan-A")
    d = write_outputs(tmp_path_factory.mktemp("pdf") / "plan-A", res.outputs, res.extracted.source.sha256)
    return res, d


def test_pdf_tables_equal_gold(pdf_out):
    """Indicators (30 + 20), projects (32), both summaries, the validation
    findings and the spans: the same checks as the text path."""
    check_all(pdf_out[1])


def test_pdf_table_characters_in_exactly_one_cell(pdf_out):
    res, _ = pdf_out
    assert not [f for f in res.findings if f.check == "conservation"]
    assert not [f for f in res.tables.findings if f.check.startswith("table_")]


def test_pdf_tables_broken_over_pages_are_one_table(pdf_out):
    res, d = pdf_out
    info = {t.table_id: t for t in res.tables.tables}
    t13, _ = indicator_tables(d)
    assert info[t13].page_end - info[t13].page_start == 2      # 专栏 1 runs over three pages
    tp = table_ids(d, "project")[0]
    assert info[tp].page_end - info[tp].page_start >= 4
    # project 10's content is cut by a page break in plan-A: joined
    p10 = next(p for p in res.tables.projects if p.project_no == 10)
    assert p10.content.endswith("跨境电商产业园等现代服务业") and "优化港铁联运" in p10.content
    # dropped repeated headers stay as negative rows on the continuation pages
    rep = [c for c in res.tables.cells if c.table_id == tp and c.row < 0]
    assert {c.page for c in rep} == set(range(info[tp].page_start + 1, info[tp].page_end + 1))


def test_text_and_pdf_grids_agree(pdf_out, seed_text):
    """Same document, two input paths: the same non-empty grid cells (text,
    position, spans), except the gold's uncertain row 21 of 专栏 1."""
    _, d_pdf = pdf_out
    _, d_txt = seed_text

    def cells(d):
        out = {}
        ids = {k: table_ids(d, k) for k in ("indicator", "project", "project_summary")}
        order = ids["indicator"] + ids["project_summary"] + ids["project"]
        for c in rows(d, "tables.parquet"):
            if c["row"] >= 0 and ns(c["text"]):
                out.setdefault(order.index(c["table_id"]), set()).add(
                    (c["row"], c["col"], c["row_span"], c["col_span"], ns(c["text"]), c["is_header"]))
        return out

    a, b = cells(d_txt), cells(d_pdf)
    assert sorted(a) == sorted(b) == [0, 1, 2, 3]
    for k in a:
        diff = a[k] ^ b[k]
        if k == 0:   # 专栏 1 row 21: `— 完成市下达任务 — 约束性`, which actual column is empty is uncertain
            diff = {x for x in diff if not (x[4] == "—" and x[1] in (5, 6))}
        assert not diff, (k, sorted(diff)[:6])


# --------------------------------------------------------------------------
# a generated three-line table
# --------------------------------------------------------------------------

_COLS = [("序号", 30), ("指标", 170), ("2020年", 60), ("2025年", 60), ("年均增长[累计]", 78), ("属性", 53)]
_FS = 10.5


def _wrap(text: str, width: float) -> list[str]:
    out, cur, w = [], "", 0.0
    for ch in text:
        cw = _FS if cjk.char_width(ch) == 1 else _FS / 2
        if w + cw > width - 6:
            out.append(cur)
            cur, w = "", 0.0
        cur += ch
        w += cw
    return out + [cur] if cur else out


def _three_line_pdf(path: Path) -> list[dict]:
    """The 14th-plan indicator table (gold) as a three-line table starting low
    on page 1 and running on to page 2 with its header repeated."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    with open(GOLD / "indicators_14th.csv", encoding="utf-8") as fh:
        gold = list(csv.DictReader(fh))
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    x0 = 72.0
    xs = [x0]
    for _, w in _COLS:
        xs.append(xs[-1] + w)
    lh = 16.0

    def rule(y):
        c.setLineWidth(1)
        c.line(xs[0], y, xs[-1], y)

    def header(y):
        rule(y)
        c.setFont("STSong-Light", _FS)
        for k, (t, _w) in enumerate(_COLS):
            c.drawString(xs[k] + 3, y - 12, t)
        rule(y - lh - 2)
        return y - lh - 2

    c.setFont("STSong-Light", _FS)
    c.drawString(x0, 520, "表1 主要指标表")
    y = header(505)
    cat = None
    cats = ["经济发展", "创新驱动", "民生福祉", "绿色生态", "安全保障"]
    for g in gold:
        cells = [g["row_no"], f"{g['name']}（{g['unit']}）", g["value_2020"], g["value_2025"], g["growth"],
                 g["attribute"]]
        if "value_2025+growth" in g["merged"]:
            cells[3], cells[4] = g["value_2025"], None
        wrapped = [_wrap(t, _COLS[k][1] + (_COLS[k + 1][1] if t and k == 3 and cells[4] is None else 0))
                   if t else [] for k, t in enumerate(cells)]
        height = lh * max(len(w) for w in wrapped) + 4
        need = height + (lh + 4 if g["category"] != cat else 0)
        if y - need < 80:
            rule(y - 4)
            c.showPage()
            y = header(780)
        if g["category"] != cat:
            cat = g["category"]
            c.setFont("STSong-Light", _FS)
            c.drawString(xs[0] + 3, y - 12, f"{'一二三四五'[cats.index(cat)]}、{cat}")
            y -= lh + 4
        c.setFont("STSong-Light", _FS)
        for k, w in enumerate(wrapped):
            for i, t in enumerate(w):
                c.drawString(xs[k] + 3, y - 12 - i * lh, t)
        y -= height
    rule(y - 4)
    c.showPage()
    c.save()
    return gold


def test_three_line_table_over_two_pages(tmp_path):
    gold = _three_line_pdf(tmp_path / "three-line.pdf")
    ex = extract(tmp_path / "three-line.pdf")
    regions = {r.region_id: r for r in ex.regions if r.kind == "rule_table"}
    assert len({r.page for r in regions.values()}) == 2
    lines = [ln for ln in ex.lines if ln.region in regions]
    g = build_grid("T1", lines, regions)
    assert classify(g) == "indicator"
    assert not g.findings
    # nothing lost, repeated header out of the grid
    assert Counter(cjk.strip_all_space("".join(ln.text for ln in lines))) == \
        Counter(cjk.strip_all_space("".join(c.text for c in g.cells)))
    rep = [c for c in g.cells if c.row < 0]
    assert rep and all(c.is_header and c.page == 2 for c in rep)
    seen: set[tuple[int, int]] = set()
    for c in g.cells:
        cover = {(r, k) for r in range(c.row, c.row + c.row_span) for k in range(c.col, c.col + c.col_span)}
        assert c.row < 0 or not cover & seen, c
        seen |= cover if c.row >= 0 else set()
    assert (g.n_cols, g.n_header) == (6, 1)
    merged = [c for c in g.cells if cjk.strip_all_space(c.text) == "完成市下达任务"]
    assert len(merged) == 5 and all(c.col_span == 2 for c in merged)
    inds, vals, _ = ind.extract(g)
    assert [(x.row_no, x.category, x.name, x.unit, x.attribute) for x in inds] == \
        [(int(r["row_no"]), r["category"], r["name"], r["unit"], r["attribute"]) for r in gold]
    by = {(v.row_no, v.measure): v for v in vals}
    for r in gold:
        no = int(r["row_no"])
        assert (by[(no, "base")].year, by[(no, "target")].year) == (2020, 2025)
        assert ns(by[(no, "base")].raw) == ns(r["value_2020"])
        assert ns(by[(no, "target")].raw) == ns(r["value_2025"])
        if "value_2025+growth" not in r["merged"]:
            assert ns(by[(no, "target_growth")].raw) == ns(r["growth"]), no
        if r["growth_num"]:
            assert by[(no, "target_growth")].value == float(r["growth_num"])


# --------------------------------------------------------------------------
# generated table variants (tests/pdfgen.py): every ruling style, other
# column orders, titles, repeated headers or not, rows cut by a page break
# --------------------------------------------------------------------------

import pdfgen  # noqa: E402

TABLE_VARIANTS = pdfgen.TABLE_VARIANTS
LOST = ("conservation", "table_conservation", "table_text_unplaced", "table_cells_overlap", "table_not_read")


@pytest.fixture(scope="module")
def table_docs(tmp_path_factory):
    d = tmp_path_factory.mktemp("tablegen")
    out = {}
    for name, v in TABLE_VARIANTS.items():
        path = d / f"{name}.pdf"
        truth = pdfgen.render_tables(path, v)
        out[name] = (truth, parse(path, name))
    return out


@pytest.mark.parametrize("name", TABLE_VARIANTS)
def test_generated_indicator_table(name, table_docs):
    """Rows (number, category, name, unit, attribute) and every value cell
    as the generator wrote them."""
    truth, res = table_docs[name]
    got = [(x.row_no, x.category, x.name, x.unit, x.attribute) for x in res.tables.indicators]
    assert got == [(r["row_no"], r["category"], r["name"], r["unit"], r["attribute"]) for r in truth.indicators]
    vals = {(v.row_no, v.measure): v for v in res.tables.indicator_values}
    assert set(vals) == set(truth.values)
    for key, want in truth.values.items():
        v = vals[key]
        assert (ns(v.raw), v.value, v.qualifier) == (ns(want["raw"]), want["value"], want["qualifier"]), key


@pytest.mark.parametrize("name", TABLE_VARIANTS)
def test_generated_project_table(name, table_docs):
    truth, res = table_docs[name]
    got = [(p.project_no, p.category_no, p.subcategory_no, ns(p.name), ns(p.content), p.start_year, p.end_year,
            p.total_investment, p.invested_before, p.invested_in_period) for p in res.tables.projects]
    assert got == [(int(g["project_no"]), int(g["category_no"]), int(g["subcategory_no"]), ns(g["name"]),
                    ns(g["content"]), int(g["start_year"]), int(g["end_year"]), int(g["total_investment"]),
                    int(g["invested_by_2020"]), int(g["investment_2021_2025"])) for g in truth.projects]
    flagged = sorted({int(f.location.split()[1]) for f in res.tables.findings
                      if f.check == "row_identity" and f.location.startswith("project ")})
    assert flagged == truth.inconsistent


@pytest.mark.parametrize("name", TABLE_VARIANTS)
def test_generated_tables_lose_nothing(name, table_docs):
    _, res = table_docs[name]
    bad = [(f.check, f.location, f.message) for f in res.findings + res.tables.findings if f.check in LOST]
    assert not bad
    kinds = sorted(t.kind for t in res.tables.tables)
    assert kinds == ["indicator", "project"]


# --------------------------------------------------------------------------
# the typesetting choices in combination (hypothesis)
# --------------------------------------------------------------------------

import os  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as hst  # noqa: E402

_ORDERS = [("seq", "name", "base", "target", "growth", "attr"), ("name", "attr", "base", "target", "growth"),
           ("seq", "name", "unit", "target", "attr"), ("cat", "name", "unit", "base", "target", "attr"),
           ("seq", "name", "unit", "base", "target", "attr", "growth"),
           ("attr", "seq", "name", "target", "growth", "base")]
_PRJ_ORDERS = [("seq", "name", "content", "years", "total", "before", "period"),
               ("seq", "name", "total", "before", "period", "years", "content"),
               ("seq", "years", "name", "content", "total", "before", "period")]


@hst.composite
def table_variants(draw):
    cols = draw(hst.sampled_from(_ORDERS))
    numbering = "seq" if "seq" in cols else draw(hst.sampled_from(["inline", "none"]))
    return pdfgen.TableVariant(
        "combo", ruling=draw(hst.sampled_from(["grid", "open", "three_line", "row_rules", "none"])),
        shading=draw(hst.booleans()), columns=cols, numbering=numbering,
        title=draw(hst.sampled_from(["caption", "row", "column", "none"])), repeat_header=draw(hst.booleans()),
        cut_row=draw(hst.booleans()), landscape=draw(hst.booleans()), prj_columns=draw(hst.sampled_from(_PRJ_ORDERS)),
        running_header=draw(hst.booleans()))


@settings(max_examples=int(os.environ.get("FUZZ_EXPLORE", 8)), deadline=None, derandomize="FUZZ_EXPLORE" not in os.environ,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(v=table_variants())
def test_table_variants_in_combination(v, tmp_path):
    """Any ruling style with any column order, title, header repetition, row
    cut at the break, orientation and page furniture: every indicator,
    value and project as written, nothing lost."""
    path = tmp_path / "combo.pdf"
    truth = pdfgen.render_tables(path, v)
    res = parse(path, "combo")
    assert [(x.row_no, x.category, x.name, x.unit, x.attribute) for x in res.tables.indicators] == \
        [(r["row_no"], r["category"], r["name"], r["unit"], r["attribute"]) for r in truth.indicators], v
    vals = {(x.row_no, x.measure): (ns(x.raw), x.value, x.qualifier) for x in res.tables.indicator_values}
    assert vals == {k: (ns(w["raw"]), w["value"], w["qualifier"]) for k, w in truth.values.items()}, v
    assert [(p.project_no, ns(p.name), ns(p.content), p.start_year, p.total_investment, p.invested_in_period)
            for p in res.tables.projects] == \
        [(int(g["project_no"]), ns(g["name"]), ns(g["content"]), int(g["start_year"]), int(g["total_investment"]),
          int(g["investment_2021_2025"])) for g in truth.projects], v
    assert not [f.check for f in res.findings + res.tables.findings if f.check in LOST], v
