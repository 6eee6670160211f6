"""Synthetic plans with a known outline, rendered the ways plans circulate.

An outline spec is a tree of headings (kind, number, title) over a
numbering *scheme* — the level sequence a plan uses (篇/章/节, 章/节/一、,
一、/（一）/1. …) and, per level, whether numbers restart under each parent
or run straight through the document.  :func:`render` writes it as plain
text with paragraphs taken from the seed plan, in one of several forms:
hard-wrapped at a width or one paragraph per line, blank lines or not,
first-line indents or not, and with the extraction accidents real plans show
(a strong heading appended to the end of the previous paragraph, a 篇 and
its first 章 on one line, every ``（`` of the text lost).  The tests parse the
rendering and compare the outline with the spec.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from pipeline import cjk

#: Level kinds: label builder and contract kind.
LEVELS = {
    "part": (lambda n: f"第{cjk.to_chinese_numeral(n)}篇", "part"),
    "chapter": (lambda n: f"第{cjk.to_chinese_numeral(n)}章", "chapter"),
    "section": (lambda n: f"第{cjk.to_chinese_numeral(n)}节", "section"),
    "cn": (lambda n: f"{cjk.to_chinese_numeral(n)}、", "heading"),
    "pcn": (lambda n: f"（{cjk.to_chinese_numeral(n)}）", "heading"),
    "ar": (lambda n: f"{n}.", "heading"),
}
#: Schemes real plans use (outermost level first).
SCHEMES = [
    ("part", "chapter", "section"),
    ("chapter", "section"),
    ("chapter", "section", "cn"),
    ("cn", "pcn"),
    ("cn", "ar"),
    ("cn", "pcn", "ar"),
    ("cn", "chapter", "section"),       # 一、 used as the part level above chapters
]
TITLE_WORDS = ["推进", "创新驱动发展", "建设", "现代产业体系", "深化", "改革开放", "加强", "生态文明",
               "提升", "公共服务水平", "完善", "社会治理", "构建", "开放型经济", "强化", "要素保障"]


@dataclass
class Node:
    level: str
    number: int
    title: str
    paragraphs: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    @property
    def label(self) -> str:
        return LEVELS[self.level][0](self.number)


def _title(rng: random.Random, strong: bool) -> str:
    """A heading title; weak headings (一、 （一） 1.) are short, as in real
    plans — a weak heading that exactly fills a hard-wrapped line cannot be
    told from a run-in one."""
    k = rng.randint(1, 2) if strong else 1
    words = rng.sample(TITLE_WORDS, 2 * k)
    return " ".join("".join(words[2 * i:2 * i + 2]) for i in range(k))


def make_outline(rng: random.Random, paragraphs: list[str], scheme: tuple[str, ...],
                 continuous: set[str]) -> list[Node]:
    """A random outline over ``scheme``; levels in ``continuous`` number
    straight through the document (chapters always do)."""
    counters: dict[str, int] = {}
    pool = list(paragraphs)
    rng.shuffle(pool)          # a plan does not repeat its paragraphs

    def take(k: int) -> list[str]:
        return [pool.pop() for _ in range(min(k, len(pool)))]

    def build(depth: int) -> list[Node]:
        level = scheme[depth]
        n = rng.randint(1, 3) if depth else rng.randint(2, 4)
        out = []
        if level not in continuous and level != "chapter":
            counters[level] = 0
        for _ in range(n):
            counters[level] = counters.get(level, 0) + 1
            node = Node(level, counters[level], _title(rng, level in ("part", "chapter", "section")),
                        take(rng.randint(0 if depth + 1 < len(scheme) else 1, 2)))
            if depth + 1 < len(scheme):
                node.children = build(depth + 1)
            out.append(node)
        return out

    return build(0)


def walk(nodes: list[Node], parent: Node | None = None):
    for n in nodes:
        yield n, parent
        yield from walk(n.children, n)


def expected(nodes: list[Node]) -> list[tuple[str, int, str, str | None]]:
    """(kind, number, title without spaces, parent label) in reading order."""
    def kind(n: Node) -> str:
        if n.level == "cn" and any(c.level == "chapter" for c in n.children):
            return "part"            # 一、 set above the chapters is the part level
        return LEVELS[n.level][1]

    return [(kind(n), n.number, n.title.replace(" ", ""), p.label if p else None) for n, p in walk(nodes)]


def _wrap(text: str, width: int, indent: bool) -> list[str]:
    """Hard-wrap a paragraph at ``width`` display columns (first line indented)."""
    out, cur, w = [], "　　" if indent else "", 2.0 if indent else 0.0
    for ch in text:
        cw = cjk.char_width(ch)
        if w + cw > width and cur.strip():
            out.append(cur)
            cur, w = "", 0.0
        cur += ch
        w += cw
    if cur.strip():
        out.append(cur)
    return out


def render(nodes: list[Node], rng: random.Random, *, width: int | None, blank: bool, indent: bool,
           append_strong: float = 0.0, join_part: bool = False, lose_bracket: bool = False) -> str:
    """The outline as plan text (see the module doc)."""
    lines: list[str] = []

    def para(text: str) -> None:
        lines.extend(_wrap(text, width, indent) if width else [("　　" if indent else "") + text])
        if blank:
            lines.append("")

    pending_part: str | None = None
    for n, _parent in walk(nodes):
        head = f"{n.label}{'' if n.level in ('cn', 'ar') else ' '}{n.title}"
        if lose_bracket:
            head = head.replace("（", "")
        strong = n.level in ("part", "chapter", "section")
        if join_part and n.level == "part":
            pending_part = head
            continue
        joined = pending_part is not None
        if joined:
            # the extraction lost the line break between the two headings: one
            # line, however long (``第三篇推进改革开放第十三章深化各项改革``)
            head, pending_part = pending_part + head, None
        if joined:
            lines.append(head)
        elif strong and lines and append_strong and rng.random() < append_strong and \
                lines[-1].strip() and cjk.ends_sentence(lines[-1]) and not lines[-1].startswith("第"):
            lines[-1] = lines[-1] + head       # the heading appended to the previous paragraph
        elif width and cjk.display_width(head) > width - 2:
            # a strong heading wider than the text wraps like the text
            lines.extend(_wrap(head, width - 2, False))
        else:
            lines.append(head)
        if blank:
            lines.append("")
        for p in n.paragraphs:
            para(p)
    return "\n".join(lines) + "\n"
