"""PDF path on generated PDFs (tests/pdfgen.py): layouts the shared PDFs do
not have, checked against the generator's own source data."""

from __future__ import annotations

import collections
import dataclasses

import pdfgen
import pytest
from pdf_fixtures import columns, ns, paragraphs

from pipeline.cli import main
from pipeline.extract import extract
from pipeline.run import parse

VARIANTS = {
    "default": pdfgen.Variant(),
    "plain": pdfgen.Variant(name="plain", bookmarks=False, running_header=True, page_number="第{n}页",
                            box_style="shaded", annex="sideways", spaced_headings=True, toc=True),
    "dash": pdfgen.Variant(name="dash", page_number="- {n} -", running_header=True, fake_bold=False),
    "digits": pdfgen.Variant(name="digits", page_number="{n}", box_style="shaded"),
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    d = tmp_path_factory.mktemp("pdfgen")
    out = {}
    for name, v in VARIANTS.items():
        path = d / f"{name}.pdf"
        out[name] = (path, pdfgen.render(path, v))
    return out


@pytest.fixture(scope="module")
def parsed(generated):
    return {name: parse(path, name, jobs=1) for name, (path, _) in generated.items()}


@pytest.mark.parametrize("name", VARIANTS)
def test_outline(name, generated, parsed):
    exp = generated[name][1]
    st = parsed[name].structured
    assert [(n.node_id, n.kind, n.number, ns(n.title), n.page_start) for n in st.nodes] == \
        [(a, b, c, ns(d), e) for a, b, c, d, e in exp.nodes]
    assert ns(st.title) == ns(exp.title)


@pytest.mark.parametrize("name", VARIANTS)
def test_paragraphs(name, generated, parsed):
    exp = generated[name][1]
    assert paragraphs(parsed[name].structured) == collections.Counter((a, ns(b)) for a, b in exp.paragraphs)


@pytest.mark.parametrize("name", VARIANTS)
def test_columns(name, generated, parsed):
    exp = generated[name][1]
    mine = {c["number"]: c for c in columns(parsed[name].structured)}
    assert sorted(mine) == [c["number"] for c in exp.columns]
    for c in exp.columns:
        m = mine[c["number"]]
        assert (m["title"], m["node_id"], m["kind"]) == (ns(c["title"]), c["node_id"], c["kind"])
        assert m["items"] == [(a, ns(b)) for a, b in c["items"]]


@pytest.mark.parametrize("name", VARIANTS)
def test_nothing_lost(name, parsed):
    assert [f for f in parsed[name].findings if f.check == "conservation"] == []


@pytest.mark.parametrize("name", VARIANTS)
def test_furniture_and_regions(name, generated, parsed):
    v = VARIANTS[name]
    ex = parsed[name].extracted
    kinds = collections.Counter(ln.furniture for ln in ex.lines if ln.furniture)
    numbered = ex.source.n_pages - 1 - (1 if v.toc else 0)
    assert kinds["page_number"] == numbered
    # running headers on every page but the title page and the landscape annex
    assert kinds["header"] == (ex.source.n_pages - 2 if v.running_header else 0)
    assert not any(ln.furniture for ln in ex.lines if ln.page == 1)
    regions = collections.Counter(r.kind for r in ex.regions)
    assert regions["shaded_box" if v.box_style == "shaded" else "box"] == 1
    assert regions["rule_table"] == 1
    rule = next(r for r in ex.regions if r.kind == "rule_table")
    assert len(rule.rules) == 3 and rule.cells == []
    # the ruled 专栏 table breaks across two pages; the annex table is one more
    table_pages = [r.page for r in ex.regions if r.kind == "table"]
    assert len(table_pages) == 3 and table_pages[1] == table_pages[0] + 1
    merged = [c for c in next(r for r in ex.regions if r.kind == "table").cells if c.text == "2025年"]
    assert len(merged) == 1 and merged[0].x1 - merged[0].x0 > 100     # one cell over two columns
    assert bool(ex.bookmarks) == v.bookmarks


def test_sideways_annex_is_read_upright(parsed):
    ex = parsed["plain"].extracted
    last = ex.pages[-1]
    assert last.rotation == 90 and last.width > last.height
    texts = [ln.text for ln in ex.lines if ln.page == last.page]
    assert texts[0] == "附件" and "示范区“十四五”重大建设项目汇总表" in texts


def test_fake_bold_and_spacing(parsed):
    ex = parsed["default"].extracted
    chapter = next(ln for ln in ex.lines if ln.text.startswith("第一章"))
    assert chapter.bold and chapter.text == "第一章 发展基础与形势"
    # section titles set with a space glyph between every two characters: the
    # letter spacing goes (the word space after 第二节 is no wider, so it goes too)
    spaced = parsed["plain"].extracted
    sec = next(ln for ln in spaced.lines if ln.text.startswith("第二节") and ln.page > 2)
    assert sec.text == "第二节“十四五”时期发展形势"
    # without fake bold the same heading is not bold
    plain = next(ln for ln in parsed["dash"].extracted.lines if ln.text.startswith("第一章"))
    assert not plain.bold


def test_jobs_and_cache_give_identical_output(generated, tmp_path, monkeypatch):
    path = generated["plain"][0]
    one = extract(path, jobs=1)
    two = extract(path, jobs=2)
    cache = tmp_path / "cache"
    cold = extract(path, jobs=2, cache_dir=cache)
    assert one == two == cold
    assert len(list(cache.rglob("page-*.json"))) == one.source.n_pages

    # a rerun reads the cache only: opening the PDF would fail
    import pdfplumber

    def refuse(*a, **k):
        raise AssertionError("the PDF was opened again")

    monkeypatch.setattr(pdfplumber, "open", refuse)
    assert extract(path, jobs=2, cache_dir=cache) == one


def test_cli_outputs_byte_identical_across_jobs(generated, tmp_path):
    path = generated["default"][0]
    for n in (1, 2):
        assert main(["parse", str(path), "--out", str(tmp_path / f"j{n}"), "--jobs", str(n), "-q"]) == 0
    a, b = tmp_path / "j1" / "default-pdf", tmp_path / "j2" / "default-pdf"   # x.pdf → x-pdf
    files = sorted(p.name for p in a.iterdir())
    assert files and files == sorted(p.name for p in b.iterdir())
    for f in files:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f


def test_variant_is_a_real_variant():
    # guard: the variants differ in what they claim to cover
    fields = {f.name for f in dataclasses.fields(pdfgen.Variant)} - {"name"}
    covered = {f for f in fields if len({getattr(v, f) for v in VARIANTS.values()}) > 1}
    assert covered == fields
