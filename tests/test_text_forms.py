"""Issue 12 (text forms): every form a text plan comes in reaches the shared
line model so that outline and paragraphs come out as the gold says.

* renderings of the seed made from the gold (tests/render.py): Markdown
  (soft- and hard-wrapped) and text copied from a web page;
* poppler's pdftotext output of three other layouts of the seed (form
  feeds, footers, no indentation, 27/41/33 characters a line, ragged right);
* a property test drawing a *combination* of transformations of the seed
  text (encoding, line ends, page marks, blank lines, re-wrapping, full-width
  digits, Markdown heading marks) and checking outline and paragraphs
  against the gold each time.
"""

from __future__ import annotations

import itertools
import json
import os
from collections import Counter
from pathlib import Path

import pytest
import render
from gold import GOLD, Parsed, gold_columns, gold_outline, gold_paragraphs, ns, paragraph_score
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pipeline import cjk
from pipeline.extract.text import decode_bytes, parse_text
from pipeline.model import Extracted, Source
from pipeline.structure import structure

CORPUS = Path(__file__).parent / "corpus"
LAYOUTS = CORPUS / "layouts"


def _parse(text: str, name: str = "t.txt"):
    doc = parse_text(text, name)
    ex = Extracted(Source(name, name, "0" * 64, "text"), doc.lines, regions=doc.regions)
    return ex, structure(ex)


def _items(st_) -> dict[int, list[tuple[str | None, str]]]:
    out: dict[int, list] = {}
    for b in st_.blocks:
        if b.kind == "column_item":
            out.setdefault(b.column_no, []).append((b.item_label, ns(b.item_text)))
    return out


def _check_equal_gold(st_, extra_ok: frozenset = frozenset()) -> None:
    p = Parsed.from_structured(st_)
    assert p.outline() == gold_outline()
    ok, total, missing, extra = paragraph_score(p)
    assert missing == []
    assert [t for _, _, t in extra if t not in extra_ok] == []
    assert ok == total == 228
    items = _items(st_)
    for g in gold_columns():
        assert items.get(g["number"], []) == [(i["label"], ns(i["text"])) for i in g["items"]], g["number"]


# --------------------------------------------------------------------------
# renderings made from the gold
# --------------------------------------------------------------------------


@pytest.mark.parametrize("wrap_width", [None, 30])
def test_markdown_rendering_equals_gold(wrap_width):
    md = render.markdown(wrap_width=wrap_width)
    ex, st_ = _parse(md, "plan.md")
    assert parse_text(md).form == "markdown"       # sniffed from the content, not the name
    # hard-wrapped: the 注： notes of 专栏 2, set at the body width, run on as
    # paragraphs (note continuation is judged by box typography, see
    # structure/regions.py); nothing else differs
    notes = json.loads((GOLD / "table_notes.json").read_text(encoding="utf-8"))["indicators_14th"]
    _check_equal_gold(st_, frozenset(ns(x) for x in notes[1:]) if wrap_width else frozenset())
    # heading marks are passed on; front matter, quotes and rules are notes
    levels = Counter((ln.markup_level, cjk.match_numbering(ln.text).label[-1] if cjk.match_numbering(ln.text)
                      else None) for ln in ex.lines if ln.markup_level)
    assert levels[(2, "章")] == 17 and levels[(3, "节")] == 63 and levels[(1, None)] == 1
    notes = Counter(b.role for b in st_.blocks if b.kind == "furniture")
    assert notes["front_matter"] == 5 and notes["rule"] == 1 and notes["quote"] == 3
    assert not any(b.kind == "heading" and b.role in ("quote", "rule") for b in st_.blocks)


def test_markdown_pipe_tables_reach_the_tables_stage():
    from pipeline.run import run_tables

    ex, st_ = _parse(render.markdown(), "plan.md")
    tables = [b for b in st_.blocks if b.kind == "table"]
    assert len(tables) == 4
    # every cell line is a table line, none is in a paragraph
    cell_lines = {ln.order for ln in ex.lines if ln.region is not None and ex.regions[ln.region - 1].kind == "table"}
    assert cell_lines == {o for b in tables for o in b.lines}
    ts = run_tables(st_, ex)
    assert len(ts.projects) == 32
    assert [c for c in ts.findings if c.check == "table_conservation"] == []


def test_scraped_web_text_equals_gold():
    text = render.scraped()
    assert parse_text(text).form == "plain"
    _, st_ = _parse(text)
    _check_equal_gold(st_)


def test_markdown_with_cn_numbering_keeps_paragraphs():
    """``## 一、…`` / ``### （一）…``: the paragraphs and every heading line
    are found (which outline level ``一、`` is, is the structure stage's
    call; the marker level is on the Line)."""
    ex, st_ = _parse(render.markdown(numbering="cn"), "plan.md")
    ok, total, missing, extra = paragraph_score(Parsed.from_structured(st_))
    assert sorted(ns(t) for _, _, t in missing) == sorted(ns(t) for _, _, t in extra) or ok == total
    texts = Counter(ns(b.text) for b in st_.blocks if b.kind == "paragraph" and b.column_no is None)
    assert all(texts[t] for _, _, t in gold_paragraphs())
    assert sum(1 for ln in ex.lines if ln.markup_level in (2, 3)) == 80 + 1     # + 附件


def test_markdown_blocks():
    md = "\n".join([
        "---", "title: 某规划", "---", "",
        "# 某市国民经济和社会发展规划纲要", "",
        "## 第一章 总则", "",
        "> 引用的一段话，", "> 接着一行。", "",
        "这是**第一段**，含[链接](http://example.com)和`代码`。", "第一段的第二行。", "",
        "***", "",
        "第二节", "------", "",
        "- 条目一。", "- 条目二。", "",
        "| 指标 | 2025年 |", "|---|:---:|", "| 地区生产总值 | 7 \\| 8 |", "", "结尾。"])
    doc = parse_text(md)
    got = [(ln.text, ln.markup_level, ln.furniture, ln.region is not None) for ln in doc.lines]
    assert got == [
        ("---", None, "front_matter", False), ("title: 某规划", None, "front_matter", False),
        ("---", None, "front_matter", False),
        ("某市国民经济和社会发展规划纲要", 1, None, False), ("第一章 总则", 2, None, False),
        ("引用的一段话，接着一行。", None, "quote", False),
        ("这是第一段，含链接和代码。", None, None, False), ("第一段的第二行。", None, None, False),
        ("***", None, "rule", False), ("第二节", 2, None, False),
        ("条目一。", None, None, False), ("条目二。", None, None, False),
        ("指标", None, None, True), ("2025年", None, None, True), ("地区生产总值", None, None, True),
        ("7 | 8", None, None, True), ("结尾。", None, None, False)]
    assert [r.kind for r in doc.regions] == ["table"] and len(doc.regions[0].cells) == 4


@pytest.mark.parametrize("text,md", [
    ("## 第一章 总则\n\n正文。\n", False),            # one heading mark is not enough without a .md name
    ("# 一\n\n## 二\n\n### 三\n", True),
    ("第一章 总则\n#话题 不是标题\n", False),
])
def test_markdown_sniffing(text, md):
    assert (parse_text(text).form == "markdown") is md
    assert parse_text(text, "x.md").form == ("markdown" if "#" in text and "# " in text else "plain")


# --------------------------------------------------------------------------
# pdftotext output of other layouts
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["plan-C", "plan-D", "plan-E"])
def test_pdftotext_layout_paragraphs(name):
    text = (LAYOUTS / f"{name}.pdftotext.txt").read_text(encoding="utf-8")
    ex, st_ = _parse(text)
    # a footer on every page but the title page, found by repetition
    pages = {ln.page for ln in ex.lines}
    footers = [ln for ln in ex.lines if ln.furniture]
    assert {ln.page for ln in footers} == pages - {1}
    assert len(footers) == len(pages) - 1
    ok, total, missing, extra = paragraph_score(Parsed.from_structured(st_))
    assert ok / total >= 0.99, missing
    # no footer text and no table line inside a paragraph
    fur = {ln.order for ln in footers}
    tables = {o for b in st_.blocks if b.kind == "table" for o in b.lines}
    for b in st_.blocks:
        if b.kind == "paragraph":
            assert not fur & set(b.lines)
            assert not tables & set(b.lines)


def test_text_furniture_needs_repetition_and_advancing_numbers():
    cells = [12, 7, 31, 5, 18, 9]          # numbers at a page end that do not advance with the page
    words = "甲乙丙丁戊己"
    pages = ["\n".join([f"{words[p - 1]}页正文的一行，内容各页不同。", f"{words[p - 1] * 2}页正文的又一行。",
                        f"{cells[p - 1]}", f"— {p} —"]) for p in range(1, 7)]
    lines = parse_text("\f".join(pages)).lines
    fur = [ln for ln in lines if ln.furniture]
    assert [ln.text for ln in fur] == [f"— {p} —" for p in range(1, 7)]
    assert all(ln.furniture == "page_number" for ln in fur)
    # a running header: the same text at the top of every page
    lines = parse_text("\f".join("某某规划纲要\n" + x for x in pages)).lines
    assert [ln.page for ln in lines if ln.furniture == "header"] == list(range(1, 7))
    # two pages are too few to tell furniture from text
    assert not [ln for ln in parse_text("\f".join(pages[:2])).lines if ln.furniture]


def test_seed_with_form_feeds_and_no_blank_lines():
    text = render.variant(render.seed_units(), page_marks="ff", blanks="none")
    _, st_ = _parse(text)
    p = Parsed.from_structured(st_)
    assert p.outline() == gold_outline()
    ok, total, missing, _ = paragraph_score(p)
    assert ok >= 226, missing


# --------------------------------------------------------------------------
# transformations in combination
# --------------------------------------------------------------------------

_UNITS: list = []


def _units():
    if not _UNITS:
        _UNITS.extend(render.seed_units())
    return _UNITS


@st.composite
def seed_variants(draw):
    return dict(
        encoding=draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"])),
        newline=draw(st.sampled_from(["\n", "\r\n", "\r"])),
        page_marks=draw(st.sampled_from(["space", "ff", "none"])),
        blanks=draw(st.sampled_from(["lines", "paragraphs", "none"])),
        width=draw(st.one_of(st.none(), st.integers(22, 48))),
        fullwidth_digits=draw(st.booleans()),
        markdown_marks=draw(st.booleans()),
    )


# Derandomised and bounded (no shrinking: a failure is reported as drawn)
# so that CI is reproducible and takes well under a minute;
# TEXT_FORMS_EXPLORE=N explores N fresh random combinations instead.
@settings(max_examples=int(os.environ.get("TEXT_FORMS_EXPLORE", 30)), deadline=None,
          derandomize="TEXT_FORMS_EXPLORE" not in os.environ, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(seed_variants())
def test_seed_transformations_in_combination(v):
    text = render.variant(_units(), width=v["width"], page_marks=v["page_marks"], blanks=v["blanks"],
                          fullwidth_digits=v["fullwidth_digits"], markdown_marks=v["markdown_marks"])
    data = text.replace("\n", v["newline"]).encode(v["encoding"])
    decoded, _ = decode_bytes(data)
    _, st_ = _parse(decoded)
    p = Parsed.from_structured(st_)
    assert p.outline() == gold_outline(), v
    ok, total, missing, extra = paragraph_score(p)
    assert ok / total >= 0.99, (v, missing[:3], extra[:3])


# --------------------------------------------------------------------------
# sentence-per-line text, spaced-out text
# --------------------------------------------------------------------------

REAL = CORPUS / "real"


def test_sentence_per_line_text_keeps_its_sentence_boundaries():
    """national-9th: no 。 at all, one sentence per line, a 　　 indent opens a
    paragraph: lines join into paragraphs by indent, and a newline stays
    where each sentence ended (never two sentences glued)."""
    raw = (REAL / "national-9th-fyp-1996.txt").read_text(encoding="utf-8-sig")
    ex, st_ = _parse(raw)
    assert all(ln.break_before for ln in ex.lines)
    by = {ln.order: ln for ln in ex.lines}
    paras = [b for b in st_.blocks if b.kind == "paragraph"]
    multi = [b for b in paras if len({by[o].source_line for o in b.lines}) > 1]
    assert len(multi) >= 100
    # a run-in heading (``1．国民经济持续快速增长…``) shares its line with its paragraph
    heading_lines = {o for b in st_.blocks if b.kind == "heading" for o in b.lines}
    for b in multi:
        sources = sorted({by[o].source_line for o in b.lines})
        shared = 1 if b.lines[0] in heading_lines else 0
        assert b.text.count("\n") >= len(sources) - 1 - shared - sum(1 for o in b.lines if by[o].segment), \
            b.text[:80]
    first = paras[0].text.split("\n")
    assert first[:2] == ["一九九六～二○一○年，是我国改革开放和社会主义现代化建设事业承前启后、继往开来的重要时期",
                         "我国将以崭新的姿态跨入二十一世纪，建立起比较完善的社会主义市场经济体制，全面实现第二步战略目标，"
                         "并向第三步战略目标迈出重大步伐，为下个世纪中叶基本实现现代化奠定坚实基础"]


def test_text_with_full_stops_is_not_sentence_per_line():
    for text in (render.SEED.read_text(encoding="utf-8"), render.scraped(),
                 (LAYOUTS / "plan-E.pdftotext.txt").read_text(encoding="utf-8")):
        assert not any(ln.break_before for ln in parse_text(text).lines)


@pytest.mark.parametrize("raw,fixed", [
    ("到2 0 0 5年 , 全省国内生产总值年均增长8 %左右", "到2005年，全省国内生产总值年均增长8%左右"),
    ("人均国内生产总值年均增长6 .5 %左右 。", "人均国内生产总值年均增长6.5%左右。"),
    ('第八篇 " 十五 " 计划实施', "第八篇“十五”计划实施"),
    ("　　- -坚持以发展为主题 。发展是硬道理", "　　——坚持以发展为主题。发展是硬道理"),
    ("省委 、 省政府坚持 ; 按照 : 规划", "省委、省政府坚持；按照：规划"),
    ("中共江门高新区工委 中共江门市江海区委", "中共江门高新区工委 中共江门市江海区委"),   # two names stay apart
])
def test_repair_spacing(raw, fixed):
    assert cjk.repair_spacing(raw) == fixed


def test_spaced_out_document_is_repaired_and_others_are_not():
    yunnan = (REAL / "yunnan-10th-fyp-2001.txt").read_text(encoding="utf-8")
    assert cjk.spaced_style(yunnan)
    lines = parse_text(yunnan).lines
    text = "".join(ln.text for ln in lines)
    assert "2 0 0 5" not in text and "2005年" in text and " ," not in text and '"' not in text
    assert "“十五”" in text
    # conservation: the repair only removes spaces and swaps punctuation forms
    assert len(cjk.strip_all_space(text)) == len(cjk.strip_all_space(cjk.normalize_text(yunnan)))
    # the seed (a table row holds single-digit cells) is not spaced out
    seed = render.SEED.read_text(encoding="utf-8")
    assert not cjk.spaced_style(seed)
    assert [ln.text for ln in parse_text(seed).lines] == [ln.text for ln in parse_text(seed).lines
                                                           if ln.text == cjk.normalize_text(ln.text)]


# --------------------------------------------------------------------------
# 专栏 in hard-wrapped text without indentation (pdftotext of a PDF)
# --------------------------------------------------------------------------


def _lead_term_boxes() -> list[dict]:
    return [c for c in gold_columns() if c["kind"] == "list" and not c["items"][0]["label"].isdigit()]


def _unindented_plan(width: int, blanks: bool, title_width: int, box_width: int) -> str:
    """The seed's lead-term 专栏 (3, 4, 5, 8) among body paragraphs, every
    block hard-wrapped with no indentation (as pdftotext gives a PDF): body
    paragraphs at ``width``, 专栏 titles at ``title_width`` and entries at
    ``box_width`` (boxes are set in another size or inside a frame, so
    their lines are longer or shorter than the body's), blank lines between
    blocks or none."""
    # body paragraphs that do not open with a lead term themselves: without
    # typography nothing could tell one after the box from another entry
    paras = [t for _, _, t in gold_paragraphs() if len(t) > 60 and not cjk.LEAD_TERM.match(t)]
    out: list[str] = []

    def block(lines: list[str]) -> None:
        out.extend(lines)
        if blanks:
            out.append("")

    p = itertools.cycle(paras)
    for k, c in enumerate(_lead_term_boxes(), start=1):
        # a plan is mostly body text: its lines set the body's measure
        block([f"第{cjk.to_chinese_numeral(k)}章 第{k}章的标题"])
        for _ in range(6):
            block(render.wrap(next(p), width))
        block(render.wrap(f"专栏 {c['number']} {c['title']}", title_width))
        for it in c["items"]:
            block(render.wrap(f"{it['label']}。{it['text']}", box_width))
        for _ in range(6):
            block(render.wrap(next(p), width))
    return "\n".join(out) + "\n"


# every combination: body widths, title lines longer than the body's, box
# lines shorter (a framed box) or longer (a smaller size), blank lines or none
_BOX_GRID = [(w, extra, box, blanks) for w in range(22, 45, 3) for extra in (0, 3) for box in (-4, -2, 3, 6)
             for blanks in (False, True)]


def test_unindented_boxes_keep_wrapped_titles_and_entries():
    """A 专栏 title the wrap broke is one title (its first line fills the
    line: 100 % over the grid, 92.7 % before this rule), and an entry whose
    last line fills the line still ends before the next lead-term entry
    (97 % of the entries over the grid, 88 % before; what is left are
    one-line entries of 专栏 8 where the box's end cannot be told from its
    width)."""
    ok = total = 0
    for w, extra, box, blanks in _BOX_GRID:
        _, st_ = _parse(_unindented_plan(w, blanks, w + extra, w + box))
        titles = {b.column_no: ns(b.title) for b in st_.blocks if b.kind == "column_title"}
        items = _items(st_)
        for c in _lead_term_boxes():
            assert titles.get(c["number"]) == ns(c["title"]), (c["number"], w, extra, box, blanks)
            got = set(items.get(c["number"], []))
            ok += sum((i["label"], ns(i["text"])) in got for i in c["items"])
            total += len(c["items"])
    assert ok / total >= 0.96, (ok, total)
