"""Tables stage on the seed text (raw/jianghai-14th.txt) against the gold
answer key (tests/gold/*.csv, project_tables_check.md).

The ``check_*`` helpers take an output directory and are shared with
tests/test_tables_pdf.py, so both input paths are held to the same key.
Gold column names differ from the contract and are mapped here:
13th table base_2015 → (base, 2015), plan_2020 → (target, 2020),
plan_growth → target_growth, actual_2020 → (actual, 2020), actual_growth →
actual_growth; 14th table value_2020 → (base, 2020), value_2025 → (target,
2025), growth → target_growth; projects invested_by_2020 → invested_before,
investment_2021_2025 → invested_in_period.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
from gold import GOLD, ns

from pipeline import cjk
from pipeline.model import Line
from pipeline.tables import build_grid, classify
from pipeline.tables import indicators as ind
from pipeline.tables.textgrid import build_text_grid, split_cells

M13 = {"base_2015": ("base", 2015), "plan_2020": ("target", 2020), "plan_growth": ("target_growth", None),
       "actual_2020": ("actual", 2020), "actual_growth": ("actual_growth", None)}
M14 = {"value_2020": ("base", 2020), "value_2025": ("target", 2025), "growth": ("target_growth", None)}
M_FIELD = {"plan_2020": "target", "plan_growth": "target_growth", "actual_2020": "actual",
           "actual_growth": "actual_growth", "base_2015": "base", "value_2020": "base", "value_2025": "target",
           "growth": "target_growth"}

#: project_tables_check.md, section 3: rows whose total − by2020 ≠ 2021-25.
BAD_PROJECTS = {3, 10, 11, 14}
BAD_AGGREGATES = {"total", "category 1", "subcategory 1.3", "category 3", "category 4", "subcategory 4.2"}


def gold_rows(name: str) -> list[dict]:
    with open(GOLD / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def rows(d: Path, name: str) -> list[dict]:
    return pq.read_table(d / name).to_pylist()


def table_ids(d: Path, kind: str) -> list[str]:
    seen: list[str] = []
    for c in rows(d, "tables.parquet"):
        if c["kind"] == kind and c["table_id"] not in seen:
            seen.append(c["table_id"])
    return seen


def indicator_tables(d: Path) -> tuple[str, str]:
    """(13th-plan table, 14th-plan table): the one reporting actuals is the review table."""
    tids = table_ids(d, "indicator")
    assert len(tids) == 2, tids
    vals = rows(d, "indicator_values.parquet")
    with_actual = {v["table_id"] for v in vals if v["measure"] == "actual"}
    t13 = next(t for t in tids if t in with_actual)
    return t13, next(t for t in tids if t != t13)


def _num(s: str) -> float | None:
    return float(s) if s not in ("", None) else None


def check_indicators(d: Path, gold_name: str, table_id: str, mapping: dict) -> None:
    gold = gold_rows(gold_name)
    inds = {r["row_no"]: r for r in rows(d, "indicators.parquet") if r["table_id"] == table_id}
    vals = {(v["row_no"], v["measure"]): v for v in rows(d, "indicator_values.parquet") if v["table_id"] == table_id}
    assert len(inds) == len(gold)
    for g in gold:
        no = int(g["row_no"])
        x = inds[no]
        assert (x["category"], x["group_label"] or "", x["name"], x["unit"], x["attribute"]) == \
            (g["category"], g.get("group", ""), g["name"], g["unit"], g["attribute"]), no
        assert x["category_no"] is not None
        uncertain = set(filter(None, g["uncertain"].split(";")))
        merged = [m.split("+") for m in filter(None, g["merged"].split(";"))]
        covered = {b for a, b in merged}
        for col, (measure, year) in mapping.items():
            v = vals[(no, measure)]
            assert v["year"] == year, (no, col)
            if col in uncertain:
                continue
            if col in covered:
                assert v["raw"] is None and v["merged_with"] is not None, (no, col, v)
                continue
            assert ns(v["raw"]) == ns(g[col]), (no, col, v["raw"], g[col])
            for a, b in merged:
                if a == col:
                    assert v["merged_with"] == M_FIELD[b], (no, col, v)
            if col + "_num" in g:
                assert v["value"] == _num(g[col + "_num"]), (no, col, v["value"])
            if v["raw"] in (None, "—"):
                assert v["value"] is None
        if "qualifier" in g:
            quals = {vals[(no, m)]["qualifier"] for m, _ in mapping.values()} - {None}
            assert quals == ({g["qualifier"]} if g["qualifier"] else set()), (no, quals)
            assert vals[(no, "target_growth")]["is_cumulative"] == (g["growth_cumulative"] == "true"), no


def check_projects(d: Path) -> None:
    gold = gold_rows("projects.csv")
    tids = table_ids(d, "project")
    assert len(tids) == 1
    got = {p["project_no"]: p for p in rows(d, "projects.parquet")}
    assert sorted(got) == list(range(1, 33))
    for g in gold:
        p = got[int(g["project_no"])]
        want = (int(g["category_no"]), g["category"], _int(g["subcategory_no"]), g["subcategory"] or None,
                g["name"], ns(g["content"]), int(g["start_year"]), int(g["end_year"]),
                int(g["total_investment"]), int(g["invested_by_2020"]), int(g["investment_2021_2025"]), "万元")
        have = (p["category_no"], p["category"], p["subcategory_no"], p["subcategory"], p["name"],
                ns(p["content"]), p["start_year"], p["end_year"], p["total_investment"], p["invested_before"],
                p["invested_in_period"], p["unit"])
        assert have == want, g["project_no"]


def _int(s: str) -> int | None:
    return int(s) if s else None


def check_summary(d: Path) -> None:
    """The 19 aggregate rows, as printed in both annex tables."""
    gold = [(g["level"], _int(g["category_no"]), _int(g["subcategory_no"]), g["name"], _int(g["n_items"]),
             int(g["total_investment"]), int(g["invested_by_2020"]), int(g["investment_2021_2025"]))
            for g in gold_rows("project_summary.csv")]
    got = rows(d, "project_summary.parquet")
    tids = table_ids(d, "project_summary") + table_ids(d, "project")
    assert len(tids) == 2
    for tid in tids:
        have = [(r["level"], r["category_no"], r["subcategory_no"], r["name"], r["n_items"], r["total_investment"],
                 r["invested_before"], r["invested_in_period"]) for r in got if r["table_id"] == tid]
        # subcategory item counts are not printed: gold leaves them empty
        assert have == gold, tid


def check_validation(d: Path) -> None:
    """Exactly the mismatches of project_tables_check.md: 4 project rows and 6
    aggregate rows printed in both annex tables — each aggregate reported once,
    in the summary table, naming the project table; nothing else is an error,
    and every one is the document's own inconsistency."""
    found = [f for f in rows(d, "validation.parquet") if f["severity"] == "error"]
    summary_tid = table_ids(d, "project_summary")[0]
    project_tid = table_ids(d, "project")[0]
    want = Counter([(project_tid, f"project {n}") for n in BAD_PROJECTS]
                   + [(summary_tid, f"{a} (also in {project_tid})") for a in BAD_AGGREGATES])
    have = Counter((f["table_id"], f["location"]) for f in found)
    assert have == want
    assert {f["rule"] for f in found} == {"row_identity"}
    assert {f["source"] for f in found} == {"document"}
    by_loc = {(f["table_id"], f["location"]): f for f in found}
    assert by_loc[(project_tid, "project 3")]["expected"] == "24348"
    assert by_loc[(project_tid, "project 3")]["actual"] == "14348"
    total = by_loc[(summary_tid, f"total (also in {project_tid})")]
    assert total["expected"] == "12372118"
    assert f"tables {summary_tid}, {project_tid}" in total["message"]


def check_grid(d: Path) -> None:
    """Merged cells are spans; category rows span the table; group labels span rows."""
    cells = rows(d, "tables.parquet")
    t13, t14 = indicator_tables(d)
    c13 = [c for c in cells if c["table_id"] == t13 and c["row"] >= 0]
    n_cols = max(c["col"] + c["col_span"] for c in c13)
    by_text = {ns(c["text"]): c for c in c13}
    assert by_text["一、经济发展"]["col_span"] == n_cols
    assert by_text[ns("与省市同步，比2010年翻一番，年均增长9.5%")]["col_span"] == 2
    assert by_text["森林发展"]["row_span"] == 2
    assert by_text["空气质量"]["row_span"] == 2
    assert by_text["主要污染物排放总量控制（吨）"]["row_span"] == 4
    assert by_text["“十三五”规划目标值"]["col_span"] == 2 and by_text["“十三五”规划目标值"]["is_header"]
    # repeated header of the continuation page: kept (nothing lost), out of the grid
    rep = [c for c in cells if c["table_id"] == t13 and c["row"] < 0]
    assert rep and all(c["is_header"] for c in rep)
    assert {ns(c["text"]) for c in rep} >= {"指标", "2015年基期", "指标属性"}
    assert min(c["page"] for c in rep) > min(c["page"] for c in c13)
    # 14th table: 完成市下达任务 spans 2025 + growth
    c14 = [c for c in cells if c["table_id"] == t14 and ns(c["text"]) == "完成市下达任务"]
    assert len(c14) == 5 and all(c["col_span"] == 2 for c in c14)
    # project table: aggregate names span 项目类别 + 建设内容 + 年限
    tp = table_ids(d, "project")[0]
    total = next(c for c in cells if c["table_id"] == tp and c["row"] >= 0 and ns(c["text"]) == "32个大项")
    assert total["col_span"] == 3
    # no two grid cells overlap
    for tid in {c["table_id"] for c in cells}:
        seen = set()
        for c in cells:
            if c["table_id"] != tid or c["row"] < 0:
                continue
            for r in range(c["row"], c["row"] + c["row_span"]):
                for k in range(c["col"], c["col"] + c["col_span"]):
                    assert (r, k) not in seen, (tid, r, k)
                    seen.add((r, k))


def check_all(d: Path) -> None:
    t13, t14 = indicator_tables(d)
    check_indicators(d, "indicators_13th.csv", t13, M13)
    check_indicators(d, "indicators_14th.csv", t14, M14)
    check_projects(d)
    check_summary(d)
    check_validation(d)
    check_grid(d)


# --------------------------------------------------------------------------
# the seed text
# --------------------------------------------------------------------------


def test_indicators_13th_equal_gold(seed_text):
    _, d = seed_text
    t13, _ = indicator_tables(d)
    check_indicators(d, "indicators_13th.csv", t13, M13)


def test_indicators_14th_equal_gold(seed_text):
    _, d = seed_text
    _, t14 = indicator_tables(d)
    check_indicators(d, "indicators_14th.csv", t14, M14)


def test_projects_equal_gold(seed_text):
    check_projects(seed_text[1])


def test_project_summary_equal_gold_in_both_tables(seed_text):
    check_summary(seed_text[1])


def test_validation_reports_exactly_the_gold_mismatches(seed_text):
    check_validation(seed_text[1])


def test_grid_spans_and_repeated_header(seed_text):
    check_grid(seed_text[1])


def test_every_table_character_in_exactly_one_cell(seed_text):
    res, d = seed_text
    assert not [f for f in res.findings if f.check == "conservation"]
    assert not [f for f in res.tables.findings if f.check.startswith("table_")]
    lines = {x.order: x for x in res.extracted.lines}
    for b in res.structured.blocks:
        if b.kind != "table":
            continue
        want = Counter(cjk.strip_all_space("".join(lines[o].text for o in b.lines)))
        got = Counter(cjk.strip_all_space("".join(c.text for c in res.tables.cells if c.table_id == b.table_id)))
        assert want == got, b.table_id


def test_tables_info(seed_text):
    res, _ = seed_text
    info = {t.table_id: t for t in res.tables.tables}
    assert sorted(t.kind for t in info.values()) == ["indicator", "indicator", "project", "project_summary"]
    proj = next(t for t in info.values() if t.kind == "project")
    assert proj.unit == "万元" and proj.title.endswith("汇总表") and proj.page_end > proj.page_start
    ind_tables = [t for t in info.values() if t.kind == "indicator"]
    assert {t.column_no for t in ind_tables} == {1, 2}


def test_readme_example_binding_targets(seed_text):
    """The README's three lines of pandas: 2025 targets of all 约束性 indicators."""
    import pandas as pd
    _, d = seed_text
    ind_df = pd.read_parquet(d / "indicators.parquet")
    val = pd.read_parquet(d / "indicator_values.parquet")
    t = val[(val.measure == "target") & (val.year == 2025)].merge(ind_df[ind_df.attribute == "约束性"],
                                                                 on=["plan_id", "table_id", "row_no"])
    assert len(t) == 8   # gold 14th rows 9, 14-20
    assert dict(zip(t.name, t.raw, strict=True))["森林覆盖率"] == "4"


# --------------------------------------------------------------------------
# units: tokens and values
# --------------------------------------------------------------------------


def test_split_cells_keeps_artefact_spaces_inside_cells():
    assert split_cells("3 常住人口城镇化率（%） 预计 99.8 99.8 — 预期性")[1:] == \
        ["常住人口城镇化率（%）", "预计 99.8", "99.8", "—", "预期性"]
    assert split_cells("合计 32 个大项 16413932 4041814 12231784") == \
        ["合计", "32 个大项", "16413932", "4041814", "12231784"]
    assert split_cells("23 特色小镇 推进麻园等 4个特色小镇建设 2020-2025 100000 170 99830")[:4] == \
        ["23", "特色小镇", "推进麻园等 4个特色小镇建设", "2020-2025"]
    # inside a wrapped text cell a number after Chinese belongs to the sentence
    assert split_cells("番，年均增长 9.5%", lead=False) == ["番，年均增长 9.5%"]
    assert split_cells("28.二氧化硫 4000 2430 — 2428 — 约束性")[:2] == ["28.二氧化硫", "4000"]
    # a name without a unit that ends in 增长 is still its own cell
    assert split_cells("1 地区生产总值增长 7左右 预期性")[1:3] == ["地区生产总值增长", "7左右"]
    assert split_cells("指标 2015年基期", header=True) == ["指标", "2015年基期"]
    assert split_cells("到 2020 年底", header=True) == ["到 2020 年底"]


def test_cell_values():
    p = cjk.parse_cell_value
    assert p("7左右") == cjk.CellValue(7.0, "左右", False, True)
    assert p("控制在3.0以内").qualifier == "以内" and p("控制在 3.0 以内").value == 3.0
    assert p("[-0.58]") == cjk.CellValue(-0.58, None, True, True)
    assert p("［－０．５］").value == -0.5 and p("［－０．５］").is_cumulative   # full width
    assert p("≥90").qualifier == "≥" and p("预计99.8").qualifier == "预计"
    assert p("—").value is None and p("").value is None and p(None).parsed
    assert p("完成市下达任务") == cjk.CellValue(None, "完成市下达任务", False, True)
    assert not p("“十二五”期间累计下降23.58%").parsed
    assert cjk.split_unit("研究和试验发展（R&D）经费投入强度（%）") == ("研究和试验发展（R&D）经费投入强度", "%")
    assert cjk.split_unit("城市细粒颗物（PM2.5）浓度下降") == ("城市细粒颗物（PM2.5）浓度下降", None)


# --------------------------------------------------------------------------
# generated variants of the text tables
# --------------------------------------------------------------------------


def _lines(texts: list[tuple[int, str]]) -> list[Line]:
    return [Line(i, page, t, cjk.display_width(t)) for i, (page, t) in enumerate(texts)]


def _block_lines(res, tid: str) -> list[tuple[int, str]]:
    lines = {x.order: x for x in res.extracted.lines}
    b = next(b for b in res.structured.blocks if b.kind == "table" and b.table_id == tid)
    return [(lines[o].page, lines[o].text) for o in b.lines if lines[o].text.strip()]


def test_text_table_broken_over_pages_with_repeated_header(seed_text):
    """The 14th-plan table broken after row 13, its 4-line header repeated on
    the next page: same indicators, header kept out of the grid."""
    res, d = seed_text
    _, t14 = indicator_tables(d)
    src = _block_lines(res, t14)
    cut = next(i for i, (_, t) in enumerate(src) if t.startswith("四、"))
    header = src[:4]
    page = src[cut][0] + 1
    variant = src[:cut] + [(page, t) for _, t in header] + [(page, t) for _, t in src[cut:]]
    g = build_text_grid("V", _lines(variant))
    assert classify(g) == "indicator"
    inds, vals, _ = ind.extract(g)
    orig = [(x.row_no, x.name, x.unit, x.attribute, x.category) for x in res.tables.indicators if x.table_id == t14]
    assert [(x.row_no, x.name, x.unit, x.attribute, x.category) for x in inds] == orig
    rep = [c for c in g.cells if c.row < 0]
    assert rep and all(c.is_header and c.page == page for c in rep)
    assert Counter("".join(cjk.strip_all_space(t) for _, t in variant)) == \
        Counter("".join(cjk.strip_all_space(c.text) for c in g.cells))


def test_text_grid_without_geometry_goes_through_build_grid(seed_text):
    res, d = seed_text
    _, t14 = indicator_tables(d)
    g = build_grid("V", _lines(_block_lines(res, t14)), {})
    assert (g.n_rows, g.n_cols, g.n_header) == (26, 6, 1)


def test_text_grid_loses_nothing_on_perturbed_tables(seed_text):
    """Lines dropped or repeated at random (fixed seed): the grid still holds
    every character exactly once and the tidy extractors do not fail."""
    import random

    from pipeline.tables import projects as prj

    res, _ = seed_text
    tids = [b.table_id for b in res.structured.blocks if b.kind == "table"]
    rnd = random.Random(4)
    for _ in range(120):
        src = _block_lines(res, rnd.choice(tids))
        src = [x for x in src if rnd.random() > 0.1]
        if src and rnd.random() < 0.5:
            src.insert(rnd.randrange(len(src)), src[rnd.randrange(len(src))])
        g = build_text_grid("X", _lines(src))
        kind = classify(g)
        if kind == "indicator":
            ind.extract(g)
        elif kind.startswith("project"):
            prj.extract(g, None)
        assert Counter("".join(cjk.strip_all_space(t) for _, t in src)) == \
            Counter("".join(cjk.strip_all_space(c.text) for c in g.cells))


def test_findings_say_where_they_come_from():
    """``source`` comes from the one mapping in pipeline.model: the plan's own
    inconsistencies are ``document``, everything else (and any new check) is
    ``extraction`` unless registered."""
    from pipeline.model import FINDING_SOURCE, Finding, finding_source

    assert Finding("row_identity", "error", "T1", "project 3", "m").source == "document"
    assert Finding("sum_mismatch", "error", "T1", "total", "m").source == "document"
    assert Finding("conservation", "error", None, "page 2", "m").source == "extraction"
    assert Finding("unparsed_cell", "info", "T1", "row 1", "m").source == "extraction"
    assert Finding("some_new_check", "warning", None, None, "m").source == "extraction"
    assert Finding("row_identity", "error", None, None, "m", source="extraction").source == "extraction"
    assert set(FINDING_SOURCE.values()) == {"document", "extraction"}
    assert finding_source("row_identity") == "document"


def test_duplicate_findings_across_tables_are_merged():
    from pipeline.model import Finding
    from pipeline.tables.validate import merge_duplicates

    a = Finding("row_identity", "error", "T3", "total", "合计: …", "10", "9")
    b = Finding("row_identity", "error", "T4", "total", "合计: …", "10", "9")
    c = Finding("row_identity", "error", "T4", "project 3", "x: …", "5", "4")
    d = Finding("row_identity", "error", "T4", "total", "合计: …", "11", "9")   # other figures: not the same
    out = merge_duplicates([a, c, b, d])
    assert [(f.table_id, f.location) for f in out] == [("T3", "total (also in T4)"), ("T4", "project 3"),
                                                       ("T4", "total")]
    assert out[0].message.endswith("[the same row in tables T3, T4]") and out[0].source == "document"
    assert merge_duplicates([a, a]) == [a]          # the same table twice is one finding, nothing to name
