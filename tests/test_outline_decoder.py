"""The outline decoder on synthetic plans with a known outline (property
test), and on the numbering cases real plans show."""

from __future__ import annotations

import random

from gold import gold_paragraphs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from outline_gen import SCHEMES, expected, make_outline, render

from pipeline import cjk
from pipeline.extract.text import text_to_lines
from pipeline.model import Extracted, Source
from pipeline.structure import structure


def _paragraphs() -> list[str]:
    """Seed paragraphs that cannot be mistaken for a heading of their own."""
    out = []
    for _c, _s, text in gold_paragraphs():
        if cjk.match_numbering(text) is None and not cjk.STRONG_LABEL_ANYWHERE.search(text) and \
                "专栏" not in text and 30 <= len(text) <= 400:
            out.append(text)
    return out


PARAGRAPHS = _paragraphs()


def parse_text(text: str):
    lines = text_to_lines(text)
    ex = Extracted(Source("gen.txt", "gen.txt", "0" * 64, "text", "utf-8", max(x.page for x in lines)), lines)
    return structure(ex)


def outline_of(st) -> list[tuple[str, int, str, str | None]]:
    by = {n.node_id: n for n in st.nodes}
    return [(n.kind, n.number, n.title.replace(" ", ""), by[n.parent_id].label if n.parent_id else None)
            for n in st.nodes if n.kind not in ("preface", "glossary", "annex")]


@st.composite
def plans(draw):
    scheme = draw(st.sampled_from(SCHEMES))
    weak = [lv for lv in scheme if lv in ("cn", "pcn", "ar")]
    continuous = set(draw(st.lists(st.sampled_from(weak), unique=True, max_size=1))) if weak else set()
    if scheme[0] in continuous:
        continuous.discard(scheme[0])        # the top level has no parent to restart under
    seed = draw(st.integers(0, 10_000))
    form = {
        "width": draw(st.sampled_from([None, 24, 28, 36, 44])),
        "blank": draw(st.booleans()),
        "indent": draw(st.booleans()),
        "append_strong": draw(st.sampled_from([0.0, 0.5])) if scheme[0] in ("part", "chapter") else 0.0,
        "join_part": draw(st.booleans()) if scheme[0] == "part" else False,
        "lose_bracket": draw(st.booleans()) if "pcn" in scheme else False,
    }
    return scheme, continuous, seed, form


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_outline_recovered_in_every_form(plan):
    """Whatever the numbering scheme (restarting or running through), the
    text form and the extraction accidents, the outline comes back exact."""
    scheme, continuous, seed, form = plan
    rng = random.Random(seed)
    nodes = make_outline(rng, PARAGRAPHS, scheme, continuous)
    text = render(nodes, rng, **form)
    st_ = parse_text(text)
    assert outline_of(st_) == expected(nodes), (scheme, continuous, form)


def test_numbering_straight_through_the_document():
    """1.–6. running across three parts 一、–三、 (as in a provincial plan)."""
    rng = random.Random(3)
    nodes = make_outline(rng, PARAGRAPHS, ("cn", "ar"), {"ar"})
    numbers = [n for k, n, _t, _p in expected(nodes) if k == "heading"]
    assert len(numbers) > 4
    st_ = parse_text(render(nodes, rng, width=30, blank=False, indent=True))
    assert outline_of(st_) == expected(nodes)


def test_lost_opening_brackets_recovered_from_the_sequence():
    rng = random.Random(5)
    nodes = make_outline(rng, PARAGRAPHS, ("cn", "pcn"), set())
    st_ = parse_text(render(nodes, rng, width=None, blank=True, indent=True, lose_bracket=True))
    got = outline_of(st_)
    assert got == expected(nodes)
    assert all(n.label.startswith("（") for n in st_.nodes if n.kind == "heading" and n.rank == 4) if \
        hasattr(st_.nodes[0], "rank") else True


def test_heading_appended_to_a_paragraph_and_two_on_one_line():
    rng = random.Random(11)
    nodes = make_outline(rng, PARAGRAPHS, ("part", "chapter", "section"), set())
    text = render(nodes, rng, width=None, blank=False, indent=True, append_strong=1.0, join_part=True)
    assert any(not ln.startswith("第") and "。第" in ln for ln in text.splitlines())
    st_ = parse_text(text)
    assert outline_of(st_) == expected(nodes)
    # the text of the paragraph the heading was appended to stays whole, without the heading
    paras = [b.text for b in st_.blocks if b.kind == "paragraph"]
    assert not any(cjk.STRONG_LABEL_ANYWHERE.search(p) for p in paras)


def test_markdown_headings_without_numbers_are_nodes(tmp_path):
    """``## 保障措施`` has no label: its marker level says where it sits (the
    level the document's numbered ``##`` headings use)."""
    from pipeline.run import parse

    md = tmp_path / "plan.md"
    md.write_text("\n".join([
        "---", "title: 某市规划", "---", "", "# 某市国民经济和社会发展第十四个五年规划纲要", "",
        "## 第一章 发展基础", "", "### 第一节 主要成就", "", PARAGRAPHS[0], "",
        "### 发展环境", "", PARAGRAPHS[1], "",
        "## 第二章 总体要求", "", "### 第一节 指导思想", "", PARAGRAPHS[2], "",
        "## 保障措施", "", PARAGRAPHS[3], ""]), encoding="utf-8")
    st_ = parse(md).structured
    got = [(n.kind, n.label, n.title.replace(" ", ""), n.level) for n in st_.nodes]
    assert got == [("chapter", "第一章", "发展基础", 1), ("section", "第一节", "主要成就", 2),
                   ("heading", None, "发展环境", 2), ("chapter", "第二章", "总体要求", 1),
                   ("section", "第一节", "指导思想", 2), ("heading", None, "保障措施", 1)]
    paras = [b.text for b in st_.blocks if b.kind == "paragraph"]
    assert not any(p in ("发展环境", "保障措施") for p in paras)
