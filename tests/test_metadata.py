"""Issue 16 (1): plan metadata read from the document itself — government,
level, kind, period, horizon, dates, 文号 — each with its source, null
rather than guessed."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
from conftest import CORPUS, ROOT, SEED_TXT
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import cjk
from pipeline.extract import extract
from pipeline.metadata import government_level, place_prefix, plan_metadata, read_title
from pipeline.structure import structure

REAL = CORPUS / "real"


def _meta(path):
    return plan_metadata(structure(extract(path, jobs=2)))


# -- the rules --------------------------------------------------------------


@pytest.mark.parametrize("n, years", [(1, (1953, 1957)), (2, (1958, 1962)), (3, (1966, 1970)),
                                      (6, (1981, 1985)), (9, (1996, 2000)), (10, (2001, 2005)),
                                      (14, (2021, 2025)), (15, (2026, 2030))])
def test_five_year_periods(n, years):
    assert cjk.five_year_period(n) == years


@pytest.mark.parametrize("text, years", [
    ("“十四五”规划", (2021, 2025)), ("第六个五年计划", (1981, 1985)), ("“九五”计划", (1996, 2000)),
    ("第十一个五年（2006—2010年）规划纲要", (2006, 2010)), ("三年行动计划（2024—2027年）", (2024, 2027)),
    ("1981—1985年国民经济和社会发展计划", (1981, 1985)), ("“十五”计划纲要", (2001, 2005)),
])
def test_periods_in_titles(text, years):
    r = read_title(text)
    assert (r["period_start"], r["period_end"]) == years


def test_numbers_that_are_not_periods():
    assert "period_start" not in read_title("十五年来的发展规划")       # 十五年 is fifteen years
    assert "period_start" not in read_title("二〇三五年远景目标规划")   # 三五 inside a year


@pytest.mark.parametrize("token, year", [("2025", 2025), ("二〇二五", 2025), ("二○一○", 2010), ("一九九六", 1996),
                                         ("二零三五", 2035)])
def test_years_in_chinese_numerals(token, year):
    assert cjk.year_value(token) == year


@pytest.mark.parametrize("text, iso", [("2021年12月24日", "2021-12-24"), ("二〇二一年三月十二日", "2021-03-12"),
                                       ("2 0 0 1年2月1 6日", "2001-02-16"), ("二〇二一年二月三十日", None)])
def test_dates(text, iso):
    assert cjk.date_value(cjk.CN_DATE.search(cjk.compact(text))) == iso


@pytest.mark.parametrize("text, number", [("国发〔2021〕4号", "国发〔2021〕4号"), ("江府[2021]5号", "江府[2021]5号"),
                                          ("文物革发〔2021〕41号 各省文物局：", "文物革发〔2021〕41号")])
def test_document_numbers(text, number):
    assert cjk.DOC_NUMBER.search(text).group(1) == number


@pytest.mark.parametrize("name, level", [
    ("中华人民共和国", "national"), ("国务院", "national"), ("北京市", "provincial"), ("湖北省", "provincial"),
    ("广西壮族自治区", "provincial"), ("新疆生产建设兵团", "provincial"), ("江门市", "city"),
    ("延边朝鲜族自治州", "city"), ("江门市江海区", "county-district"), ("江门高新区（江海区）", "county-district"),
    ("易县", "county-district"), ("国家文物局", "ministry"), ("交通运输部", "ministry"),
    ("湖北省文物局", "provincial"), ("江门市人民政府", "city"), ("我省", None), ("经济社会", None),
])
def test_government_levels(name, level):
    assert government_level(name) == level


def test_place_prefix_stops_at_the_topic():
    assert place_prefix("湖北省文物事业发展“十四五”规划")[0] == "湖北省"
    assert place_prefix("江门高新区（江海区）国民经济和社会发展")[0] == "江门高新区（江海区）"
    assert place_prefix("全市经济社会发展")[0] == ""


GOVS = [("中华人民共和国", "national"), ("广东省", "provincial"), ("江门市", "city"), ("江门市蓬江区", "county-district"),
        ("内蒙古自治区", "provincial"), ("恩施土家族苗族自治州", "city")]


@settings(max_examples=60, deadline=None)
@given(gov=st.sampled_from(GOVS), n=st.integers(6, 15), long_form=st.booleans(),
       horizon=st.sampled_from([None, 2010, 2020, 2035]), cn_year=st.booleans(), draft=st.booleans())
def test_titles_in_combination(gov, n, long_form, horizon, cn_year, draft):
    """Any government × period × the two ways of naming the period × a
    horizon in Arabic or Chinese digits × a (草案) suffix."""
    name, level = gov
    period = f"第{cjk.to_chinese_numeral(n)}个五年" if long_form else f"“{cjk.to_chinese_numeral(n)}五”"
    hz = ""
    if horizon:
        digits = "".join("〇一二三四五六七八九"[int(c)] for c in str(horizon)) if cn_year else str(horizon)
        hz = f"和{digits}年远景目标"
    title = f"{name}国民经济和社会发展{period}规划{hz}纲要" + ("（草案）" if draft else "")
    r = read_title(title)
    assert r["government"] == name and government_level(r["government"]) == level
    assert (r["period_start"], r["period_end"]) == cjk.five_year_period(n)
    assert r.get("horizon_year") == horizon
    assert r["kind"] == "五年规划纲要"


def test_nothing_stated_is_null():
    """A preamble that only cites other plans states no government or period."""
    from pipeline.model import Block, Source, Structured

    text = "本规划根据《广东省国民经济和社会发展第十四个五年规划和2035年远景目标纲要》编写，是今后工作的指南。"
    blocks = [Block(0, "paragraph", text, [0], 1, 1), Block(1, "heading", "一、总体要求", [1], 1, 1, node_id="a1")]
    meta = plan_metadata(Structured(Source("x.txt", "x.txt", "0", "text"), None, blocks, []))
    assert all(v is None for v in meta.as_dict().values()), meta


# -- the documents ------------------------------------------------------------


def test_seed_text():
    m = _meta(SEED_TXT)
    assert (m.government, m.level, m.period_start, m.period_end, m.horizon_year, m.kind) == \
        ("江门高新区（江海区）", "county-district", 2021, 2025, 2035, "五年规划纲要")
    # the text prints no title: null, and every field says it came from the preamble
    assert m.title is None and {m.government_source, m.period_source, m.horizon_source} == {"preamble"}


def test_seed_pdf_title_page():
    m = _meta(ROOT / "raw" / "jianghai-14th.pdf")
    assert m.title == "江门高新区（江海区）国民经济和社会发展第十四个五年规划和2035年远景目标纲要"
    assert (m.government, m.level, m.period_start, m.period_end, m.horizon_year) == \
        ("江门高新区（江海区）", "county-district", 2021, 2025, 2035)
    assert m.title_source == m.government_source == "title"


def test_national_9th():
    m = _meta(REAL / "national-9th-fyp-1996.txt")
    assert (m.government, m.level, m.period_start, m.period_end, m.horizon_year) == \
        ("中华人民共和国", "national", 1996, 2000, 2010)
    assert m.title == "中华人民共和国国民经济和社会发展“九五”计划和二○一○年远景目标纲要"


@pytest.mark.parametrize("path, expect", [
    (REAL / "yunnan-10th-fyp-2001.txt", ("云南省", "provincial", 2001, 2005, "五年规划纲要", "2001-02-16")),
    (CORPUS / "bad" / "scanned-yunnan-10th.pdf", ("云南省", "provincial", 2001, 2005, "五年规划纲要", "2001-02-16")),
    (REAL / "hubei-relics-14th-2021.pdf", ("湖北省", "provincial", 2021, 2025, "专项规划", None)),
    (REAL / "revolutionary-relics-14th-2021.pdf", ("国家文物局", "ministry", 2021, 2025, "专项规划", None)),
    (CORPUS / "national" / "10th-2001.txt", ("中华人民共和国", "national", 2001, 2005, "五年规划纲要", None)),
    (CORPUS / "national" / "11th-2006.txt", ("中华人民共和国", "national", 2006, 2010, "五年规划纲要", None)),
    (CORPUS / "national" / "12th-2011.txt", ("中华人民共和国", "national", 2011, 2015, "五年规划纲要", None)),
], ids=lambda x: getattr(x, "name", ""))
def test_real_plans(path, expect):
    m = _meta(path)
    assert (m.government, m.level, m.period_start, m.period_end, m.kind, m.adopted_on) == expect


def test_sources_of_the_real_plans():
    y = _meta(REAL / "yunnan-10th-fyp-2001.txt")
    assert y.adopted_by == "云南省第九届人民代表大会第四次会议" and y.adopted_source == "cover"
    h = _meta(REAL / "hubei-relics-14th-2021.pdf")
    assert h.issuer == "湖北省文化和旅游厅、湖北省文物局" and h.title == "湖北省文物事业发展“十四五”规划"
    r = _meta(REAL / "revolutionary-relics-14th-2021.pdf")
    assert (r.issuer, r.issued_on, r.issued_source) == ("国家文物局", "2021-12-24", "notice")
    assert r.government_source == "notice" and r.horizon_year is None


def test_metadata_in_every_output_file(seed_text):
    res, d = seed_text
    row = pq.read_table(d / "plan.parquet").to_pylist()[0]
    assert row["government"] == "江门高新区（江海区）" and row["document_no"] == 1
    doc = json.loads((d / "document.json").read_text(encoding="utf-8"))
    assert doc["plan"]["government"] == row["government"] and list(doc)[:3] == ["plan_id", "title", "plan"]
    for f in d.glob("*.parquet"):
        meta = json.loads(pq.read_schema(f).metadata[b"plan"])
        assert meta["level"] == "county-district" and meta["period_end"] == 2025, f.name


# -- front matter as other plans print it (fixtures built here) ---------------

BODY = "\n第一章 发展基础\n“十三五”时期，经济社会发展取得显著成效。\n第二章 发展目标\n到2025年，经济总量迈上新台阶。\n"
FRONTS = {
    "city plan with its adoption line": (
        "江门市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要\n"
        "（2021年2月26日江门市第十五届人民代表大会第六次会议批准）\n",
        {"government": "江门市", "level": "city", "period_start": 2021, "horizon_year": 2035,
         "adopted_on": "2021-02-26", "adopted_by": "江门市第十五届人民代表大会第六次会议", "adopted_source": "cover"}),
    "provincial plan behind its notice": (
        "广东省人民政府关于印发广东省国民经济和社会发展第十四个五年规划和2035年远景目标纲要的通知\n"
        "粤府〔2021〕28号\n各地级以上市人民政府，省政府各部门、各直属机构：\n"
        "现将《广东省国民经济和社会发展第十四个五年规划和2035年远景目标纲要》印发给你们，请认真组织实施。\n"
        "广东省人民政府\n2021年4月6日\n广东省国民经济和社会发展第十四个五年规划和2035年远景目标纲要\n",
        {"government": "广东省", "level": "provincial", "period_end": 2025, "doc_number": "粤府〔2021〕28号",
         "doc_number_source": "notice", "issued_on": "2021-04-06", "issuer": "广东省人民政府"}),
    "three-year action plan": (
        "深圳市推进数字经济高质量发展三年行动计划（2024—2027年）\n\n为加快数字经济发展，制定本行动计划。\n",
        {"government": "深圳市", "kind": "计划", "period_start": 2024, "period_end": 2027, "horizon_year": None}),
    "the 6th five-year plan": (
        "中华人民共和国国民经济和社会发展第六个五年计划\n（1982年12月10日第五届全国人民代表大会第五次会议批准）\n",
        {"level": "national", "period_start": 1981, "period_end": 1985, "adopted_on": "1982-12-10",
         "kind": "五年规划纲要"}),
    "a township's plan": (
        "恩平市大田镇国民经济和社会发展第十四个五年规划\n\n本规划根据有关要求编制。\n",
        {"government": "恩平市大田镇", "level": "township", "period_start": 2021}),
}


@pytest.mark.parametrize("name", FRONTS)
def test_front_matter_of_other_plans(name, tmp_path):
    front, expect = FRONTS[name]
    f = tmp_path / "plan.txt"
    f.write_text(front + BODY, encoding="utf-8")
    got = _meta(f).as_dict()
    assert {k: got[k] for k in expect} == expect
