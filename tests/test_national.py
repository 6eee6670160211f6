"""National plans (a messier extraction: headings run into the paragraph
after them, sentences split into lines)."""

from __future__ import annotations

import pytest
from conftest import CORPUS

from pipeline.extract import extract
from pipeline.structure import structure


@pytest.mark.parametrize("name,parts,chapters", [("11th-2006", 14, 48), ("12th-2011", 16, 62)])
def test_parts_and_chapters(name, parts, chapters):
    st = structure(extract(CORPUS / "national" / f"{name}.txt"))
    kinds = [n.kind for n in st.nodes]
    assert kinds.count("part") == parts
    assert kinds.count("chapter") == chapters
    nums = [n.number for n in st.nodes if n.kind == "chapter"]
    assert nums == list(range(1, chapters + 1))
    # chapters sit under parts
    by = {n.node_id: n for n in st.nodes}
    assert all(by[n.parent_id].kind == "part" for n in st.nodes if n.kind == "chapter")


@pytest.mark.parametrize("name,label,title", [
    ("11th-2006", "第一篇", "指导原则和发展目标"),
    ("11th-2006", "第一章", "全面建设小康社会的关键时期"),
    ("11th-2006", "第二篇", "建设社会主义新农村"),
    ("12th-2011", "第一篇", "转变方式 开创科学发展新局面"),
    ("12th-2011", "第一章", "发展环境"),
    ("12th-2011", "第四篇", "营造环境 推动服务业大发展"),
])
def test_titles_stop_where_heading_stops(name, label, title):
    """The heading runs into its paragraph in the source; the title must not."""
    st = structure(extract(CORPUS / "national" / f"{name}.txt"))
    titles = {n.label: n.title for n in st.nodes if n.kind in ("part", "chapter") and n.label == label}
    assert titles[label] == title


def test_paragraph_after_heading_is_kept():
    st = structure(extract(CORPUS / "national" / "11th-2006.txt"))
    first_ch = next(n for n in st.nodes if n.kind == "chapter")
    paras = [b for b in st.blocks if b.kind == "paragraph" and b.node_id == first_ch.node_id]
    assert paras and paras[0].text.startswith("“十五”时期是不平凡的五年")
