"""Outline headings: 第N篇 › 第N章 › 第N节 › 一、 › （一） › 1. › （1） › ①, and 附件.

A line is a heading only if

* it starts a unit of the flow (the previous line ended a paragraph) — a
  wrapped body line that happens to begin with ``二、`` continues the
  sentence before it and is never a heading;
* its numbering continues the numbering of its level under the current
  parent (一 after nothing, 二 after 一 …; chapters keep counting across
  parts), and
* it reads like a title: short, no sentence inside it.  A numbered line that
  runs on into body text (``（一）加快发展先进制造业。坚持…``) is a *run-in*
  heading: the title is the first clause, the rest a paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import cjk

MAX_TITLE = 40          # characters
MAX_RUNIN_TITLE = 30


@dataclass(slots=True)
class HeadingMatch:
    rank: int
    number: int
    label: str
    title: str             # cleaned title
    consumed: str          # the text of the heading itself (label + title [+ 。])
    rest: str              # run-in: the body text after the title ('' if none)
    strong: bool
    damaged: bool = False  # the label lost a character (see cjk.match_damaged_numbering)
    runon: bool = False    # the title ran on into body text with no mark between (see parse_runon_strong)
    kind: str | None = None  # node kind when not given by the rank (preface, glossary)


_RUNIN_END = cjk.RUNIN_TITLE_END


def parse_heading(text: str, *, standalone: bool, damaged_ok: bool = False) -> HeadingMatch | None:
    """Recognise a heading at the start of ``text``.

    ``standalone``: the text is a whole unit by itself (not followed by body
    text in the same paragraph).  ``damaged_ok``: also recognise a label that
    lost a character in extraction (the caller must confirm it from the
    numbering sequence).  Returns None if the text is not shaped like a
    heading.
    """
    num = cjk.match_numbering(text)
    if num is None and damaged_ok:
        num = cjk.match_damaged_numbering(text)
    ann = None if num else cjk.ANNEX.match(text.strip())
    if ann and ann.group(3) and len(ann.group(3)) > MAX_TITLE:
        ann = None
    if ann:
        label = ann.group(1) + (ann.group(2) or "")
        n = cjk.parse_number(ann.group(2)) if ann.group(2) else None
        return HeadingMatch(cjk.RANK_ANNEX, n or 0, label, cjk.clean_spaces(ann.group(3) or ""),
                            text, "", True)
    if not num:
        return None
    rest = num.rest.strip()
    if num.strong:
        if not rest or cjk.display_width(rest) > MAX_TITLE or cjk.ends_sentence(rest):
            # 第三章 alone on a line is still a heading (title on the next line)
            if rest:
                return None
        return HeadingMatch(num.rank, num.number, num.label, cjk.clean_spaces(rest), text, "", True, num.damaged)
    # weak numbering (一、 （一） 1. （1） ①)
    if not rest:
        return None
    if standalone and cjk.display_width(rest) <= MAX_TITLE and "。" not in rest.rstrip("。"):
        title = rest.rstrip("。；;：:")
        return HeadingMatch(num.rank, num.number, num.label, cjk.clean_spaces(title), text, "", False, num.damaged)
    m = _RUNIN_END.search(rest)
    if m and 0 < m.start() <= MAX_RUNIN_TITLE and "，" not in rest[:m.start()]:
        t = text.strip()
        cut = len(t) - len(num.rest) + num.rest.find(rest) + m.end()
        return HeadingMatch(num.rank, num.number, num.label, cjk.clean_spaces(rest[:m.start()]),
                            t[:cut], t[cut:], False, num.damaged)
    return None


def parse_runon_strong(text: str) -> HeadingMatch | None:
    """A strong label whose title runs straight on into the body text with
    no mark between them (``第一节改造提升传统服务业运用现代营销方式 、 服务…``,
    an extraction that dropped the line break after the heading).  The title
    is cut at the first clause mark — the best the text allows; the caller
    accepts it only where the numbering expects exactly that number."""
    num = cjk.match_numbering(text)
    if num is None or not num.strong:
        return None
    rest = num.rest.strip()
    m = cjk.CLAUSE_MARK.search(rest)
    if m is None or not (2 <= cjk.display_width(rest[:m.start()]) <= MAX_RUNIN_TITLE):
        return None
    t = text.strip()
    cut = len(t) - len(num.rest) + num.rest.find(rest) + m.end()
    if not t[cut:].strip():
        return None
    return HeadingMatch(num.rank, num.number, num.label, cjk.clean_spaces(rest[:m.start()]), t[:cut], t[cut:],
                        True, runon=True)


#: Node kinds of unnumbered headings that open front or back matter.
MATTER_KINDS = ("preface", "glossary")


def parse_matter_heading(text: str) -> HeadingMatch | None:
    """A heading that opens front or back matter: 序言/前言/引言 (``preface``),
    名词解释 (``glossary``).  They carry no number; the node holds the
    paragraphs up to the next heading."""
    t = text.strip()
    for kind, rx in (("preface", cjk.FRONT_MATTER_TITLE), ("glossary", cjk.GLOSSARY_TITLE)):
        if rx.match(t):
            title = cjk.strip_all_space(t)
            return HeadingMatch(cjk.RANK_ANNEX, 0, title, title, text, "", True, kind=kind)
    return None
