"""Issue 15: a diff report that scales.

The national 11th-vs-12th plan diff (hundreds of changes: parts renamed and
rewritten, chapters added and removed) loaded in headless Chromium: a page
under 5,000 px with long subtrees collapsed, renames reported as renames,
篇 labelled 篇, one navigation in B's order, no console errors.  And on the
seed plan's revisions: amounts formatted, titles in the header, no empty
sections."""

from __future__ import annotations

import re
import struct

import browser
import pyarrow.parquet as pq
import pytest
from conftest import CORPUS, SEED_TXT, parse_to

from pipeline.diff import diff_plans, load_plan, run_diff
from pipeline.diff.align import build_outline
from pipeline.diff.report import render_report

NATIONAL = CORPUS / "national"


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """Parsed 11th and 12th plans and their diff: (a_dir, b_dir, diff_dir)."""
    root = tmp_path_factory.mktemp("national")
    _, a = parse_to(NATIONAL / "11th-2006.txt", root, "11th-2006")
    _, b = parse_to(NATIONAL / "12th-2011.txt", root, "12th-2011")
    return a, b, run_diff(a, b, root / "diffs" / "11th__12th")


@pytest.fixture(scope="module")
def page(national, tmp_path_factory):
    _, _, d = national
    js = {
        "fold_open": "document.querySelectorAll('details.fold[open]').length",
        "folds": "document.querySelectorAll('details.fold').length",
        "blocks": "document.querySelectorAll('details.block').length",
        # every navigation entry on one line: title and count side by side
        "nav_rows": "Array.from(document.querySelectorAll('nav li')).map(li => "
                    "[li.getBoundingClientRect().height, li.querySelector('a').getBoundingClientRect().top, "
                    "(li.querySelector('.n') || li.querySelector('a')).getBoundingClientRect().top])",
        "nav": "Array.from(document.querySelectorAll('nav h3 + ol li a')).map(a => a.textContent)",
        "visible_chars": "document.body.innerText.length",
    }
    p = browser.load(d / "report.html", evaluate=js, screenshot=True)
    shot = tmp_path_factory.mktemp("shot") / "national-11th-12th.png"
    shot.write_bytes(p.screenshot)
    p.values["shot"] = shot
    return p


def test_long_report_is_short_and_loads_without_errors(page):
    assert page.errors == []
    assert page.height < 5000, page.height
    assert page.width <= 1280                       # nothing pushes the page sideways
    assert page.values["folds"] > 20 and page.values["fold_open"] == 0       # subtrees collapsed
    png = page.values["shot"].read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (page.width, page.height)


def test_navigation_entries_keep_their_count_on_the_same_line(page):
    rows = page.values["nav_rows"]
    assert rows
    line = min(h for h, _, _ in rows)
    for h, top_a, top_n in rows:
        assert h < 1.5 * line and abs(top_a - top_n) < line / 2


def test_navigation_in_b_order_with_a_only_chapters_where_they_were(national, page):
    a_dir, b_dir, _ = national
    na, nb = build_outline(load_plan(a_dir)), build_outline(load_plan(b_dir))
    order_a = {n.heading: n.order for n in na.values()}
    order_b = {n.heading: n.order for n in nb.values()}
    nav = [x for x in page.values["nav"] if x != "（前言）"]
    b_seq = [order_b[x] for x in nav if x in order_b]
    assert b_seq == sorted(b_seq) and len(b_seq) > 30
    a_only = [x for x in nav if x not in order_b]
    assert a_only and [order_a[x] for x in a_only] == sorted(order_a[x] for x in a_only)
    # a removed 篇 sits between the B chapters around its place: 第三篇 of A before 第三篇 of B
    assert nav.index("第三篇 推进工业结构优化升级") < nav.index("第三篇 转型升级 提高产业核心竞争力")
    assert nav.index("第二篇 强农惠农 加快社会主义新农村建设") < nav.index("第三篇 推进工业结构优化升级")


def test_renames_are_reported_as_renames(national):
    _, _, d = national
    t = pq.read_table(d / "changes.parquet").to_pylist()
    renamed = {(r["a_text"], r["b_text"]) for r in t if r["change"] == "renamed"}
    assert ("实施科教兴国战略和人才强国战略", "创新驱动 实施科教兴国战略和人才强国战略") in renamed
    assert ("建设社会主义新农村", "强农惠农 加快社会主义新农村建设") in renamed     # similar, not contained
    assert ("加快发展服务业", "营造环境 推动服务业大发展") in renamed               # its chapters went over
    assert ("推进西部大开发", "推进新一轮西部大开发") in renamed                     # a 节
    removed_parts = [r for r in t if r["change"] == "removed" and r["a_ref"] and re.fullmatch(r"P\d+", r["a_ref"])]
    added_parts = [r for r in t if r["change"] == "added" and r["b_ref"] and re.fullmatch(r"P\d+", r["b_ref"])]
    # of 14 and 16 篇, most are paired; a removal plus an addition is left only where the topic changed
    assert len(removed_parts) <= 6 and len(added_parts) <= 8
    html = (d / "report.html").read_text(encoding="utf-8")
    assert re.search(r'<span class="badge renamed">篇更名</span><span class="label">第七篇 创新驱动 实施科教兴国战略和人才强国战略'
                     r'</span><span class="note">原：第七篇 实施科教兴国战略和人才强国战略</span>', html)


def test_level_labels_say_what_the_node_is(national):
    _, _, d = national
    html = (d / "report.html").read_text(encoding="utf-8")
    # 篇 are labelled 篇, chapters 章, sections 节
    assert re.search(r'badge removed">篇删除</span><span class="label">第一篇 ', html)
    assert not re.search(r'badge \w+">章\w+</span><span class="label">第.{1,3}篇', html)
    assert re.search(r'badge added">章新增</span><span class="label">第.{1,4}章', html)
    assert "节更名" in html


def test_removed_subtree_is_collapsed_to_title_and_size(national):
    _, _, d = national
    html = (d / "report.html").read_text(encoding="utf-8")
    t = pq.read_table(d / "changes.parquet").to_pylist()
    p1 = next(r for r in t if r["a_ref"] == "P1" and r["change"] == "removed")
    body = p1["a_text"].split("\n", 1)[1]
    first = body.split("\n")[0]
    i = html.index(first[:40])
    before = html[:i]
    assert before.rfind("<details class=\"fold\">") > before.rfind("</details>")   # the text is inside a fold
    assert re.search(r"第一篇 指导原则和发展目标</span><span class=\"note\">\d 章 · [\d,]+ 字", html)


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory):
    return parse_to(SEED_TXT, tmp_path_factory.mktemp("seed"), "jianghai-14th")[1]


def test_amounts_with_separators_unit_and_difference(seed_out, tmp_path):
    _, b = parse_to(SEED_TXT.parent / "jianghai-14th-demo-revision.txt", tmp_path, "rev")
    html = (run_diff(seed_out, b, tmp_path / "d") / "report.html").read_text(encoding="utf-8")
    assert "25,000 万元" in html and "30,000 万元" in html and "（+5,000）" in html
    assert "16,413,932 万元" in html and "（−29,500）" in html
    assert not re.search(r">\d{5,}<", html)                # no raw amounts in table cells


def test_titles_in_the_header_and_no_empty_sections(seed_out):
    a = load_plan(seed_out)
    b = load_plan(seed_out)
    b.title = "江门高新区（江海区）国民经济和社会发展第十四个五年规划和2035年远景目标纲要"
    html = render_report(a, b, diff_plans(a, b))
    head = html[html.index("<header>"):html.index("</header>")]
    assert b.title in head and "jianghai-14th" in head and "jianghai-14th.txt" in head
    assert "没有变化" in html
    for section in ('id="outline"', 'id="chapters"', 'id="indicators"', 'id="projects"'):
        assert section not in html, section
    # a diff with table changes only: no chapter section
    c = load_plan(seed_out)
    c.indicator_values = [dict(v, raw="1") if k == 0 else v for k, v in enumerate(c.indicator_values)]
    html = render_report(a, c, diff_plans(a, c))
    assert 'id="indicators"' in html and 'id="chapters"' not in html and 'id="outline"' not in html
