"""Revised versions of the seed plan (raw/jianghai-14th.txt) for the diff
tests, built by editing its text, each with the change list a diff must
report — every expected change, and nothing else.

The seed is pdftotext-like text (tests/gold/NOTES.md): one PDF line per
line with a blank line between lines, a page's first line starts with one
space, body lines are 28 characters wide (a paragraph's first line 26), box
(专栏) lines 35-38.  Inserted text keeps those conventions (see :func:`wrap`)
so the parser still reads paragraphs and headings the same way; renumbering
after an insertion/move rewrites the 第N章/第N节 labels and project numbers
as a real revision would.

Each revision is a function ``Doc → list[Expect]`` that edits the document
in place; :func:`build` applies one, :func:`build_all` applies all of them
to one document (the combined revision).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import regex as re

from pipeline import cjk

SEED = Path(__file__).resolve().parents[1] / "raw" / "jianghai-14th.txt"

BODY_FULL, FIRST_LINE = 28.0, 26.0
_HEADING = re.compile(r"^\s?第([一二三四五六七八九十百]+)([章节])(\s?)(.*)$")
_PROJECT_LINE = re.compile(r"^(\s?)(\d{1,2}) (?=\S)")
_PROJECT_TABLE_TITLE = "重大建设项目（工程包）汇总表"


@dataclass(frozen=True)
class Expect:
    """One change the diff must report: its level and kind, a text that
    occurs in its location (``a_path`` or ``b_path``), and texts that must
    occur in the row (detail JSON, a_text or b_text)."""

    level: str
    change: str
    where: str
    has: tuple[str, ...] = ()
    #: only reported once the tables stage fills indicators/projects
    tables: bool = False


def wrap(text: str, first: float = FIRST_LINE, full: float = BODY_FULL) -> list[str]:
    """Hard-wrap a paragraph like the seed: first line ``first`` wide, the
    others ``full``; a line never ends on a sentence end (the parser would
    read a short line ending in 。 as a paragraph end), it takes one more
    character instead."""
    lines, cur, width, limit = [], "", 0.0, first
    for k, ch in enumerate(text):
        w = cjk.char_width(ch)
        if width + w > limit and cur:
            lines.append(cur)
            cur, width, limit = "", 0.0, full
        cur += ch
        width += w
        nxt = text[k + 1] if k + 1 < len(text) else ""
        if width >= limit and nxt and not cjk.ends_sentence(cur) and nxt not in cjk.SENTENCE_END + cjk.CLOSERS:
            lines.append(cur)
            cur, width, limit = "", 0.0, full
    if cur:
        lines.append(cur)
    return lines


class Doc:
    """The seed text as raw lines (blank lines kept), with editing helpers."""

    def __init__(self, text: str):
        self.lines = text.split("\n")

    def text(self) -> str:
        return "\n".join(self.lines)

    def find(self, pat: str, start: int = 0, unique: bool = True) -> int:
        """Index of the line containing ``pat`` (spaces ignored)."""
        p = cjk.strip_all_space(pat)
        hits = [i for i in range(start, len(self.lines)) if p in cjk.strip_all_space(self.lines[i])]
        if not hits:
            raise ValueError(f"no line contains {pat!r}")
        if unique and len(hits) > 1:
            raise ValueError(f"{len(hits)} lines contain {pat!r}")
        return hits[0]

    def replace(self, pat: str, old: str, new: str, count: int = 1) -> None:
        """Replace ``old`` by ``new`` in the line containing ``pat``."""
        i = self.find(pat)
        if self.lines[i].count(old) != count:
            raise ValueError(f"{old!r} occurs {self.lines[i].count(old)} times in line {i + 1}")
        self.lines[i] = self.lines[i].replace(old, new)

    def replace_all(self, old: str, new: str, expect: int) -> None:
        """Replace a whole line text everywhere it occurs (``expect`` times)."""
        idx = [i for i, ln in enumerate(self.lines) if ln.strip() == old]
        if len(idx) != expect:
            raise ValueError(f"{old!r}: {len(idx)} lines, expected {expect}")
        for i in idx:
            self.lines[i] = self.lines[i][: len(self.lines[i]) - len(self.lines[i].lstrip())] + new

    def span(self, first: str, last: str) -> tuple[int, int]:
        """(first, last) line indices of a stretch given by its first and last line."""
        i = self.find(first)
        return i, self.find(last, i, unique=False)

    def paragraph(self, first: str, last: str) -> str:
        i, j = self.span(first, last)
        return "".join(ln.strip() for ln in self.lines[i:j + 1] if ln.strip())

    def cut(self, i: int, j: int) -> list[str]:
        """Remove lines i..j (and the blank line after j); returns the removed
        lines without trailing blanks."""
        end = j + 1
        while end < len(self.lines) and not self.lines[end].strip():
            end += 1
            break
        removed = self.lines[i:end]
        del self.lines[i:end]
        while removed and not removed[-1].strip():
            removed.pop()
        return removed

    def insert(self, i: int, lines: list[str]) -> None:
        """Insert content lines before line i, one blank line after each."""
        raw: list[str] = []
        for ln in lines:
            raw.extend([ln, ""])
        self.lines[i:i] = raw

    def heading_end(self, i: int) -> int:
        """Last line index of the section/chapter whose heading is line i."""
        kind = _HEADING.match(self.lines[i]).group(2)
        for k in range(i + 1, len(self.lines)):
            m = _HEADING.match(self.lines[k])
            if (m and (m.group(2) == "章" or kind == "节")) or self.lines[k].strip() == "附件":
                j = k - 1
                while not self.lines[j].strip():
                    j -= 1
                return j
        return len(self.lines) - 1

    def renumber(self) -> None:
        """Rewrite 第N章 / 第N节 labels in sequence (节 restart in each 章)."""
        ch = sec = 0
        for i, ln in enumerate(self.lines):
            m = _HEADING.match(ln)
            if not m:
                continue
            if m.group(2) == "章":
                ch, sec = ch + 1, 0
                n = ch
            else:
                sec += 1
                n = sec
            lead = ln[: len(ln) - len(ln.lstrip())]
            self.lines[i] = f"{lead}第{cjk.to_chinese_numeral(n)}{m.group(2)}{m.group(3)}{m.group(4)}"

    def renumber_projects(self) -> None:
        """Rewrite the project numbers of the project table in sequence."""
        start = self.find(_PROJECT_TABLE_TITLE)
        n = 0
        for i in range(start, len(self.lines)):
            m = _PROJECT_LINE.match(self.lines[i])
            if m:
                n += 1
                self.lines[i] = f"{m.group(1)}{n} {self.lines[i][m.end():]}"


# --------------------------------------------------------------------------
# the revisions
# --------------------------------------------------------------------------


def sentences_edited(d: Doc) -> list[Expect]:
    """Words changed inside two paragraphs; a third paragraph re-wrapped at
    another width (layout only: not a change)."""
    d.replace("建设 5G无人值守智慧政务小屋", "智慧政务小屋", "智慧政务驿站")
    d.replace("大幅跃升至第 59位", "第 59位", "第 55位")
    i, j = d.span("加快智慧城市新型基础设施建设。", "智慧物流、智慧教育等一批基础设施项目。")
    text = d.paragraph("加快智慧城市新型基础设施建设。", "智慧物流、智慧教育等一批基础设施项目。")
    d.cut(i, j)
    d.insert(i, wrap(text, first=24, full=26))
    return [Expect("paragraph", "modified", "推动数字政府建设", ("小屋", "驿站")),
            Expect("paragraph", "modified", "“十三五”时期主要成就", ("59", "55"))]


def paragraph_deleted(d: Doc) -> list[Expect]:
    i, j = d.span("提升政府运行新效能。", "实推进基层减负，全面提高政府数字化履职水平。")
    d.cut(i, j)
    return [Expect("paragraph", "removed", "推动数字政府建设", ("提升政府运行新效能",))]


NEW_SECTION_TITLE = "加快培育数据要素市场"
NEW_SECTION = [
    "健全数据资源管理体系。建立全区公共数据资源目录和数据共享责任清单，推动公共数据"
    "分类分级开放，探索建立数据资产登记和评估机制，依法保护个人信息和商业秘密。",
    "拓展数据要素应用场景。围绕智能制造、智慧交通、智慧医疗等重点领域，支持企业开展"
    "数据采集、加工和交易，培育一批数据服务企业，推动数据要素向现实生产力转化。",
]


def section_inserted(d: Doc) -> list[Expect]:
    """A new 节 in 第六章 before 打造新型智慧城市 (which becomes 第四节)."""
    i = d.find("打造新型智慧城市")
    lines = [f"第三节 {NEW_SECTION_TITLE}"]
    for p in NEW_SECTION:
        lines.extend(wrap(p))
    d.insert(i, lines)
    d.renumber()
    return [Expect("section", "added", NEW_SECTION_TITLE, ("数据资产登记",))]


def chapter_renamed(d: Doc) -> list[Expect]:
    d.replace("全面深化改革 充分释放高质量发展活力", "充分释放高质量发展活力", "持续激发高质量发展动力")
    return [Expect("chapter", "renamed", "持续激发高质量发展动力", ("释放", "激发"))]


NEW_CHAPTER_TITLE = "推进文旅融合发展 打造侨乡文化旅游新名片"
NEW_CHAPTER = {
    None: ["深入挖掘侨乡文化资源，推动文化和旅游深度融合，培育文旅消费新业态，"
           "把文化旅游业培育成为全区经济发展的新增长点。"],
    "丰富文旅产品供给": ["打造特色文旅线路。串联侨乡历史建筑、工业遗存和滨江绿道，"
                     "推出一批研学旅游、工业旅游和休闲旅游精品线路，提升文旅产品吸引力。"],
    "提升文旅服务水平": ["完善文旅服务设施。加快建设游客服务中心、智慧导览和停车配套设施，"
                     "规范旅游市场秩序，提升游客满意度和文旅品牌影响力。"],
}


def chapter_inserted(d: Doc) -> list[Expect]:
    """A new 章 after 第五章: every later chapter number shifts by one."""
    i = d.find("激活经济发展新动能 建设数字江海智慧江海")
    lines = [f"第六章 {NEW_CHAPTER_TITLE}"]
    for title, paras in NEW_CHAPTER.items():
        if title:
            lines.append(f"第一节 {title}")
        for p in paras:
            lines.extend(wrap(p))
    d.insert(i, lines)
    d.renumber()
    return [Expect("chapter", "added", NEW_CHAPTER_TITLE, ("打造特色文旅线路", "完善文旅服务设施"))]


def section_moved(d: Doc) -> list[Expect]:
    """第七章's 积极推动消费升级 moved to the end of 第六章."""
    i = d.find("积极推动消费升级")
    moved = d.cut(i, d.heading_end(i))
    j = d.find("畅通国内国际双循环 打造大湾区西翼新发展格局重要节点")
    d.insert(j, [ln for ln in moved if ln.strip()])
    d.renumber()
    return [Expect("section", "moved", "积极推动消费升级", ("畅通国内国际双循环", "激活经济发展新动能"))]


def column_item_changed(d: Doc) -> list[Expect]:
    """An entry of 专栏 3 (新材料) edited."""
    d.replace("氢能燃料电池材料、3D打印材料、纳米材料等。", "纳米材料", "超导材料")
    return [Expect("column", "modified", "专栏3", ("纳米", "超导"))]


def indicator_targets(d: Doc) -> list[Expect]:
    """专栏 2: a target, an attribute and a unit changed."""
    d.replace("1 地区生产总值增长（%）", "7左右", "6.5左右")
    d.replace("6 国家高新技术企业数量（家）", "预期性", "约束性")
    d.replace("12 每千人口拥有 3岁以下婴幼儿托位数（位）", "（位）", "（个）")
    return [Expect("indicator", "modified", "地区生产总值增长", ("7左右", "6.5左右"), tables=True),
            Expect("indicator", "modified", "国家高新技术企业数量", ("attribute", "约束性"), tables=True),
            Expect("indicator", "modified", "婴幼儿托位数", ('"unit"', "个"), tables=True)]


def _summary_line(d: Doc, old: str, new: str, expect: int = 2) -> None:
    d.replace_all(old, new, expect)


_TOTAL = re.compile(r"^(\s?合计\s*\d+\s*个大项)\s+(\d+)\s+(\d+)\s+(\d+)\s*$")


def _bump_total(d: Doc, total: int, before: int, period: int) -> None:
    """Add to the three amounts of both 合计 lines."""
    n = 0
    for i, ln in enumerate(d.lines):
        m = _TOTAL.match(ln)
        if m:
            a, b, c = (int(m.group(k)) for k in (2, 3, 4))
            d.lines[i] = f"{m.group(1)} {a + total} {b + before} {c + period}"
            n += 1
    if n != 2:
        raise ValueError(f"{n} 合计 lines, expected 2")


def project_amounts(d: Doc) -> list[Expect]:
    """Project 1's total and 2021-25 amounts raised by 5000; the subcategory,
    category and 合计 rows of both annex tables follow."""
    d.replace("2019-2025 25000 5000 20000", "25000 5000 20000", "30000 5000 25000")
    _summary_line(d, "（一）信息基础设施 25000 5000 20000", "（一）信息基础设施 30000 5000 25000", 1)
    _summary_line(d, "（一） 信息基础设施 25000 5000 20000", "（一） 信息基础设施 30000 5000 25000", 1)
    _summary_line(d, "一 新型基础设施建设领域（3个大项） 590990 171395 409595",
                  "一 新型基础设施建设领域（3个大项） 595990 171395 414595")
    _bump_total(d, 5000, 0, 5000)
    return [Expect("project", "modified", "5G等基础网络", ("total_investment", "30000"), tables=True),
            Expect("project", "modified", "信息基础设施", ("summary", "30000"), tables=True),
            Expect("project", "modified", "新型基础设施建设领域", ("summary", "595990"), tables=True),
            Expect("project", "modified", "合计", ("summary", "16418932"), tables=True)]


NEW_PROJECT = ["高标准农田建设项目", "推进高标准农田建设和农田水利", "设施改造提升", "2021-2025 20000 0 20000"]


def projects_added_removed(d: Doc) -> list[Expect]:
    """A project added to 农业农村领域, one removed from 民生保障领域;
    later projects renumbered, category and 合计 rows updated."""
    i = d.find("高等教育质量提升建设项目")
    d.cut(i, d.find("2020-2025 54500 0 54500", i))
    j = d.find("九 生态文明建设领域（1个大项） 138702 34862 103840", d.find(_PROJECT_TABLE_TITLE))
    d.insert(j, [f"99 {NEW_PROJECT[0]}"] + NEW_PROJECT[1:])
    d.renumber_projects()
    _summary_line(d, "八 农业农村领域（1个大项） 40000 4000 36000", "八 农业农村领域（2个大项） 60000 4000 56000")
    _summary_line(d, "十 民生保障领域（6个大项） 819000 10558 808442", "十 民生保障领域（5个大项） 764500 10558 753942")
    _bump_total(d, 20000 - 54500, 0, 20000 - 54500)
    return [Expect("project", "added", NEW_PROJECT[0], tables=True),
            Expect("project", "removed", "高等教育质量提升建设项目", tables=True),
            Expect("project", "modified", "农业农村领域", ("summary", "n_items", "60000"), tables=True),
            Expect("project", "modified", "民生保障领域", ("summary", "n_items", "764500"), tables=True),
            Expect("project", "modified", "合计", ("summary", "total_investment"), tables=True)]


SPLIT_TITLE = "建设高素质技能人才队伍"


def section_split(d: Doc) -> list[Expect]:
    """第三章's 打造创新人才高地 split in two: a new 节 heading before its
    third paragraph (构建现代职业教育培育体系…)."""
    i = d.find("打造创新人才高地")
    k = d.find("构建现代职业教育培育", i, unique=False)
    d.insert(k, [f"第四节 {SPLIT_TITLE}"])
    d.renumber()
    return [Expect("section", "added", SPLIT_TITLE, ('"split_from"',)),
            Expect("paragraph", "moved", SPLIT_TITLE, ("打造创新人才高地",))]


def sections_merged(d: Doc) -> list[Expect]:
    """第十六章's 保障人民生命安全 merged into the 节 before it (its heading removed)."""
    i = d.find("保障人民生命安全")
    d.cut(i, i)
    d.renumber()
    return [Expect("section", "removed", "保障人民生命安全", ('"merged_into"',)),
            Expect("paragraph", "moved", "保障经济安全", ("保障人民生命安全",))]


def paragraphs_swapped(d: Doc) -> list[Expect]:
    """The two paragraphs of 第十五章's 加快法治社会建设步伐 change places."""
    i, j = d.span("加大全民普法和依法治理工作力度。", "创建活动，加强社会主义法治文化建设。")
    first = d.cut(i, j)
    k = d.find("提升涉外法律服务水平。")
    d.insert(k + 2, [ln for ln in first if ln.strip()])
    return [Expect("paragraph", "moved", "加快法治社会建设步伐")]


BOX_FIRST, BOX_FULL = 36.0, 38.0
NEW_COLUMN_TITLE = "高新区（江海区）科技创新重点平台"
NEW_COLUMN = [
    "创新平台。建设江门高新区科技创新中心和产业技术研究院，推动省级以上工程技术"
    "研究中心、重点实验室扩容提质，支持龙头企业建设企业技术中心。",
    "孵化载体。提升科技企业孵化器和众创空间运营水平，打造一批专业化、品牌化的"
    "孵化载体，完善“众创空间—孵化器—加速器—产业园”全链条孵化体系。",
]
_COLUMN_LINE = re.compile(r"^(\s?)专栏 (\d+)(?= )")


def column_inserted(d: Doc) -> list[Expect]:
    """A new 专栏 at the end of 第三章: every later 专栏 is renumbered."""
    i = d.find("工业立区制造强区 构建大湾区西翼特色现代产业体系")
    lines = [f"专栏 99 {NEW_COLUMN_TITLE}"]
    for item in NEW_COLUMN:
        lines.extend(wrap(item, BOX_FIRST, BOX_FULL))
    d.insert(i, lines)
    n = 0
    for k, ln in enumerate(d.lines):
        m = _COLUMN_LINE.match(ln)
        if m:
            n += 1
            d.lines[k] = f"{m.group(1)}专栏 {n}{ln[m.end():]}"
    return [Expect("column", "added", NEW_COLUMN_TITLE, ("孵化载体",))]


Revision = Callable[[Doc], list[Expect]]

#: every revision, in the order :func:`build_all` applies them
REVISIONS: dict[str, Revision] = {
    "sentences_edited": sentences_edited,
    "paragraph_deleted": paragraph_deleted,
    "section_inserted": section_inserted,
    "chapter_renamed": chapter_renamed,
    "chapter_inserted": chapter_inserted,
    "section_moved": section_moved,
    "column_item_changed": column_item_changed,
    "indicator_targets": indicator_targets,
    "project_amounts": project_amounts,
    "projects_added_removed": projects_added_removed,
    "section_split": section_split,
    "sections_merged": sections_merged,
    "paragraphs_swapped": paragraphs_swapped,
    "column_inserted": column_inserted,
}


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def build(name: str, text: str | None = None) -> tuple[str, list[Expect]]:
    """The seed revised by one revision, and the changes it must produce."""
    d = Doc(text if text is not None else seed_text())
    expected = REVISIONS[name](d)
    return d.text(), expected


def build_all(text: str | None = None) -> tuple[str, list[Expect]]:
    """The seed revised by every revision at once (a realistic new version)."""
    d = Doc(text if text is not None else seed_text())
    expected: list[Expect] = []
    for fn in REVISIONS.values():
        expected.extend(fn(d))
    # the 合计 rows are changed by two revisions: keep the last expectation
    out: dict[tuple[str, str, str], Expect] = {}
    for e in expected:
        out.pop((e.level, e.change, e.where), None)
        out[(e.level, e.change, e.where)] = e
    return d.text(), list(out.values())
