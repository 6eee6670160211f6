"""Indicator tables recognised by what their columns hold, not by the seed's
header, and the values plans print (ranges, bounds, targets in words)."""

from __future__ import annotations

import pytest

from pipeline import cjk
from pipeline.model import TableCell
from pipeline.tables import classify
from pipeline.tables import indicators as ind
from pipeline.tables.base import Grid


def _grid(header: list[str], rows: list[list[str | None]], title: str | None = None,
          merged: dict[tuple[int, int], int] | None = None) -> Grid:
    """A grid: optional title row across the table, one header row, body rows
    (None = covered by a cell above, see ``merged``: (row, col) → row span)."""
    merged = merged or {}
    n = len(header)
    cells, r = [], 0
    if title:
        cells.append(TableCell("T1", 3, 0, 0, title, 1, n, True))
        r = 1
    cells += [TableCell("T1", 3, r, k, t, 1, 1, True) for k, t in enumerate(header)]
    n_header = r + 1
    for i, row in enumerate(rows):
        for k, t in enumerate(row):
            if t is not None:
                cells.append(TableCell("T1", 3, n_header + i, k, t, merged.get((i, k), 1), 1, False))
    return Grid("T1", cells, n_header + len(rows), n, n_header)


def test_title_row_unit_column_and_categories_merged_vertically():
    g = _grid(["类别", "指标", "单位", "“十五五”目标", "属性"], [
        ["保护利用", "省级文物保护单位增加数量", "处", "≥50", "约束性"],
        [None, "国家考古遗址公园", "个", "3-5", "预期性"],
        [None, "文物开放率", "%", ">75", "预期性"],
        ["人才培养", "培训人员", "万人次", "40—45", "预期性"],
        [None, "博物馆", "—", "新增一批", "预期性"],
        [None, "安全巡检率", "%", "完成市下达目标", "约束性"]],
        title="“十五五”时期文物事业发展主要指标", merged={(0, 0): 3, (3, 0): 3})
    assert classify(g) == "indicator"
    inds, vals, findings = ind.extract(g)
    assert [(x.row_no, x.category, x.name, x.unit, x.attribute) for x in inds] == [
        (1, "保护利用", "省级文物保护单位增加数量", "处", "约束性"), (2, "保护利用", "国家考古遗址公园", "个", "预期性"),
        (3, "保护利用", "文物开放率", "%", "预期性"), (4, "人才培养", "培训人员", "万人次", "预期性"),
        (5, "人才培养", "博物馆", None, "预期性"), (6, "人才培养", "安全巡检率", "%", "约束性")]
    assert [(v.measure, v.year, v.value, v.value_max, v.qualifier) for v in vals] == [
        ("target", None, 50.0, None, "≥"), ("target", None, 3.0, 5.0, None), ("target", None, 75.0, None, ">"),
        ("target", None, 40.0, 45.0, None), ("target", None, None, None, "新增一批"),
        ("target", None, None, None, "完成市下达目标")]
    assert not findings


def test_single_year_column_is_the_target_and_seq_numbers_rows():
    g = _grid(["序号", "指标名称", "2025年", "指标属性"], [
        ["1", "森林覆盖率（%）", "约50", "约束性"], ["2", "城镇化率（%）", "60以上", "预期性"]])
    assert classify(g) == "indicator"
    inds, vals, _ = ind.extract(g)
    assert [(x.row_no, x.name, x.unit) for x in inds] == [(1, "森林覆盖率", "%"), (2, "城镇化率", "%")]
    assert [(v.measure, v.year, v.value, v.qualifier) for v in vals] == [
        ("target", 2025, 50.0, "约"), ("target", 2025, 60.0, "以上")]


def test_names_without_a_name_header_are_read_by_their_cells():
    """No 指标/名称 header: the column of text cells before the year columns."""
    g = _grid(["项目", "2020年", "2025年"], [["地区生产总值（亿元）", "249", "370"], ["常住人口（万人）", "36", "40"]])
    assert classify(g) == "indicator"
    inds, vals, _ = ind.extract(g)
    assert [x.name for x in inds] == ["地区生产总值", "常住人口"]
    assert {(v.row_no, v.measure, v.year, v.value) for v in vals} == {
        (1, "base", 2020, 249.0), (1, "target", 2025, 370.0), (2, "base", 2020, 36.0), (2, "target", 2025, 40.0)}


def test_a_table_of_text_is_not_an_indicator_table():
    g = _grid(["序号", "任务", "责任单位"], [["1", "推进城市更新", "区住建局"], ["2", "建设智慧园区", "区科工局"]])
    assert classify(g) == "other"


@pytest.mark.parametrize("text,want", [
    ("≥50", (50.0, None, "≥")), ("3-5", (3.0, 5.0, None)), ("40—45", (40.0, 45.0, None)),
    ("3～5%", (3.0, 5.0, None)), ("10至15", (10.0, 15.0, None)), (">75", (75.0, None, ">")),
    ("＞75", (75.0, None, ">")), ("新增一批", (None, None, "新增一批")), ("与经济增长基本同步", (None, None, "与经济增长基本同步")),
    ("完成省下达指标", (None, None, "完成省下达指标")), ("-0.5", (-0.5, None, None)),
])
def test_value_vocabulary(text, want):
    v = cjk.parse_cell_value(text)
    assert v.parsed and (v.value, v.value_max, v.qualifier) == want


@pytest.mark.parametrize("text", ["5-3", "2019-2025", "显著提升服务水平的若干举措"])
def test_not_values(text):
    """A decreasing pair is not a range, a year range is its own kind, prose is text."""
    assert not cjk.parse_cell_value(text).parsed
