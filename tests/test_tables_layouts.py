"""Tables of the seed plan typeset three more ways (tests/corpus/layouts:
plan-C open-sided grids with shaded headers, plan-D three-line tables in a
portrait annex, plan-E a rule between rows and no vertical rules), and the
ruled indicator table of a real plan (tests/corpus/real/hubei-…): the same
checks as the ruled plan-A (tests/test_tables_pdf.py), and the same grids."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from gold import ns
from test_tables_text import (
    M13,
    M14,
    check_grid,
    check_indicators,
    check_projects,
    check_summary,
    check_validation,
    indicator_tables,
    rows,
    table_ids,
)

from pipeline.emit import write_outputs
from pipeline.run import parse

CORPUS = Path(__file__).resolve().parent / "corpus"
LAYOUTS = ["plan-C.pdf", "plan-D.pdf", "plan-E.pdf"]


def _parse(path: Path, tmp: Path, plan_id: str):
    res = parse(path, plan_id)
    return res, write_outputs(tmp / plan_id, res.outputs, res.extracted.source.sha256)


@pytest.fixture(scope="module", params=LAYOUTS)
def layout_out(request, tmp_path_factory):
    return _parse(CORPUS / "layouts" / request.param, tmp_path_factory.mktemp("layout"), "jianghai-14th")


@pytest.fixture(scope="module")
def ruled_out(tmp_path_factory):
    return _parse(CORPUS / "plan-A.pdf", tmp_path_factory.mktemp("ruled"), "jianghai-14th")


def _grids(d: Path) -> dict[int, set]:
    ids = {k: table_ids(d, k) for k in ("indicator", "project", "project_summary")}
    order = ids["indicator"] + ids["project_summary"] + ids["project"]
    out: dict[int, set] = {}
    for c in rows(d, "tables.parquet"):
        if c["table_id"] in order and c["row"] >= 0 and ns(c["text"]):
            out.setdefault(order.index(c["table_id"]), set()).add(
                (c["row"], c["col"], c["row_span"], c["col_span"], ns(c["text"]), c["is_header"]))
    return out


def test_layout_tables_equal_gold(layout_out):
    """Indicators (30 + 20 rows, every value), both summaries, validation
    flagging exactly the gold's inconsistent rows, the spans."""
    d = layout_out[1]
    t13, t14 = indicator_tables(d)
    check_indicators(d, "indicators_13th.csv", t13, M13)
    check_indicators(d, "indicators_14th.csv", t14, M14)
    check_summary(d)
    check_validation(d)
    check_grid(d)


def test_layout_projects_equal_gold(layout_out):
    """The 32 projects, with the table's unit (投资单位：万元) — also in
    plan-E, where the project table's caption and unit line follow the
    summary table's last row directly (a table ends a unit)."""
    _, d = layout_out
    check_projects(d)


def test_layout_project_rows_equal_gold(layout_out):
    """Every project field but the unit (see above), for every layout."""
    import csv

    from gold import GOLD

    _, d = layout_out
    with open(GOLD / "projects.csv", encoding="utf-8") as fh:
        gold = list(csv.DictReader(fh))
    got = sorted((p["project_no"], ns(p["name"]), ns(p["content"]), p["start_year"], p["end_year"],
                  p["total_investment"], p["invested_before"], p["invested_in_period"])
                 for p in rows(d, "projects.parquet"))
    assert got == sorted((int(g["project_no"]), ns(g["name"]), ns(g["content"]), int(g["start_year"]),
                          int(g["end_year"]), int(g["total_investment"]), int(g["invested_by_2020"]),
                          int(g["investment_2021_2025"])) for g in gold)


def test_layout_grids_equal_the_ruled_grids(layout_out, ruled_out):
    """Without outer rules, without vertical rules or with three rules only,
    the rebuilt grids are cell for cell those of the fully ruled plan-A."""
    a, b = _grids(ruled_out[1]), _grids(layout_out[1])
    assert sorted(a) == sorted(b) == [0, 1, 2, 3]
    for k in a:
        assert a[k] == b[k], (k, sorted(a[k] ^ b[k])[:6])


def test_layout_tables_lose_nothing(layout_out):
    res, _ = layout_out
    assert not [f for f in res.findings if f.check == "conservation"]
    assert not [(f.check, f.location) for f in res.tables.findings if f.check.startswith("table_")]
    lines = {x.order: x for x in res.extracted.lines}
    for b in res.structured.blocks:
        if b.kind == "table":
            want = Counter(ns("".join(lines[o].text for o in b.lines)))
            got = Counter(ns("".join(c.text for c in res.tables.cells if c.table_id == b.table_id)))
            assert want == got, b.table_id


def test_layout_tables_break_over_pages(layout_out):
    """Headers repeated on the continuation pages are kept out of the grid
    (negative rows), one per page after the first."""
    res, _ = layout_out
    for t in res.tables.tables:
        rep = {c.page for c in res.tables.cells if c.table_id == t.table_id and c.row < 0}
        assert rep == set(range(t.page_start + 1, t.page_end + 1)), t.table_id


def test_boxes_are_box_regions(layout_out):
    """专栏 3–8 — bordered by a double rule (plan-D), shaded with a bar on the
    left (plan-E), ruled above and below only (plan-C) — are box regions
    around their 31 entries, never tables."""
    res, d = layout_out
    regions = {r.region_id: r.kind for r in res.extracted.regions}
    lines = {x.order: x for x in res.extracted.lines}
    items = [b for b in res.structured.blocks if b.kind == "column_item"]
    assert len(items) == 31 == len(rows(d, "column_items.parquet"))
    for b in items:
        kinds = {regions.get(lines[o].region) for o in b.lines}
        assert kinds <= {"box", "shaded_box"}, (b.column_no, b.text[:20], kinds)


# --------------------------------------------------------------------------
# a real plan: 湖北省文物事业发展“十四五”规划
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hubei(tmp_path_factory):
    return _parse(CORPUS / "real" / "hubei-relics-14th-2021.pdf", tmp_path_factory.mktemp("hubei"), "hubei")


def test_hubei_indicator_table_by_meaning(hubei):
    """Header 指标 | 2025 年 | 属性 under a title row, categories merged
    vertically, one target column: 25 rows in 7 categories, 6 约束性 and 19
    预期性 (hand counts, tests/corpus/real README), every target with its
    number and qualifier."""
    res, _ = hubei
    inds = res.tables.indicators
    assert len(inds) == 25 and [x.row_no for x in inds] == list(range(1, 26))
    assert Counter(x.attribute for x in inds) == {"约束性": 6, "预期性": 19}
    cats = list(dict.fromkeys(x.category for x in inds))
    assert cats == ["保护利用", "文物安全", "革命文物", "博物馆", "科技创新", "标准建设", "人才培养"]
    info = {t.table_id: t for t in res.tables.tables}
    assert info[inds[0].table_id].title == "“十四五”时期湖北省文物事业发展主要指标"
    vals = [v for v in res.tables.indicator_values if v.table_id == inds[0].table_id]
    assert len(vals) == 25 and {(v.measure, v.year) for v in vals} == {("target", 2025)}
    for v in vals:
        assert v.value is not None, v.raw
        t = ns(v.raw)
        if t.startswith("≥"):
            assert (v.qualifier, v.value) == ("≥", float(t[1:]))
        elif "-" in t:
            assert (v.value, v.value_max, v.qualifier) == (3.0, 5.0, None)
        else:
            assert (v.value, v.qualifier) == (float(t), None)
    assert sum(1 for v in vals if v.qualifier == "≥") == 13


def test_unread_table_is_a_finding():
    """A table with the vocabulary of an indicator table (指标, 属性,
    预期性/约束性 cells) that yields no indicator rows — it has no value
    column — is a validation finding naming its page, not silence."""
    from pipeline import cjk
    from pipeline.model import Block, Extracted, Line, Source, Structured
    from pipeline.tables import reconstruct

    texts = ["指标 属性", "城镇调查失业率 预期性", "人均预期寿命 约束性"]
    lines = [Line(k, 7, t, cjk.display_width(t)) for k, t in enumerate(texts)]
    src = Source("x.txt", "x.txt", "0", "text")
    block = Block(0, "table", "\n".join(texts), [0, 1, 2], 7, 7, table_id="T1")
    ts = reconstruct(Structured(src, None, [block], []), Extracted(src, lines))
    assert [t.kind for t in ts.tables] == ["other"] and not ts.indicators
    found = [f for f in ts.findings if f.check == "table_not_read"]
    assert len(found) == 1 and found[0].location == "page 7" and found[0].severity == "warning"


def test_strict_fails_on_table_text_left_out_of_the_grid(tmp_path, monkeypatch, capsys):
    """Table text no cell takes is kept (row -1000) so the outputs lose
    nothing, but it is out of the grid: a table_text_unplaced finding naming
    the page, and --strict exits 10 with one line on stderr."""
    import pdfgen
    import pyarrow.parquet as pq

    import pipeline.tables as tables_mod
    from pipeline.cli import main
    from pipeline.errors import StrictModeFailure

    path = tmp_path / "t.pdf"
    pdfgen.render_tables(path, pdfgen.TABLE_VARIANTS["three_line"])
    real = tables_mod.build_aligned_grid

    def lossy(table_id, lines, regions):
        grid, used = real(table_id, lines, regions)
        cell = next((c for c in grid.cells if c.text == "预期性"), None)
        if cell is None:
            return grid, used
        grid.cells.remove(cell)
        return grid, used - set(cell.lines)

    monkeypatch.setattr(tables_mod, "build_aligned_grid", lossy)
    assert main(["parse", str(path), "--out", str(tmp_path / "a"), "--plan-id", "p", "-q"]) == 0
    rows = pq.read_table(tmp_path / "a" / "p" / "validation.parquet").to_pylist()
    assert not [r for r in rows if r["rule"] == "conservation"]
    lost = [r for r in rows if r["rule"] == "table_text_unplaced"]
    assert lost and all(r["location"].startswith("page ") for r in lost)
    capsys.readouterr()
    code = main(["parse", str(path), "--out", str(tmp_path / "b"), "--plan-id", "p", "--strict"])
    assert code == StrictModeFailure.exit_code == 10
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "table lines lie in no cell" in err
    assert not (tmp_path / "b").exists()
