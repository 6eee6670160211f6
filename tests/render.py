"""Renderings of the seed plan made from the answer key (tests/gold/), in the
text forms plans circulate in: Markdown and text scraped from a web page.

The document is walked once (:func:`events`: title, paragraphs, headings,
专栏 with their entries, tables from the gold CSVs with their notes, figure
captions, the annex) and each form writes the events its own way:

* :func:`markdown` — front matter, ``#`` title, ``##`` chapters and ``###``
  sections (or ``一、``/``（一）`` numbering with ``numbering="cn"``), one
  paragraph per line (or hard-wrapped with ``wrap=N``), 专栏 as a bold title
  line and a bullet list, pipe tables, table notes as a ``>`` quote or a
  ``注：`` paragraph, images for figures, a horizontal rule before the annex;
* :func:`scraped` — what copying a government web page gives: one paragraph
  per line with a blank line between, body paragraphs indented with ``　　``
  (the page's ``<p>`` style), headings, 专栏 cells and table rows not
  indented, table cells separated by tabs.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import cjk

GOLD = Path(__file__).parent / "gold"


@dataclass
class Event:
    kind: str            # title/paragraph/chapter/section/column/item/table/notes/figure/annex/caption/unit
    text: str = ""
    number: int | None = None
    rows: list[list[str]] = field(default_factory=list)
    items: list[tuple[str | None, str]] = field(default_factory=list)
    numbered: bool = False


def _rows_13th() -> list[list[str]]:
    # a two-row header (Markdown has no spans: the group label is repeated)
    rows = [["指标", "2015年基期", "“十三五”规划目标值", "“十三五”规划目标值", "“十三五”实际完成情况",
             "“十三五”实际完成情况", "指标属性"],
            ["", "", "2020年", "五年年均增长", "2020年", "五年年均增长", ""]]
    cats: list[str] = []
    for r in csv.DictReader(open(GOLD / "indicators_13th.csv", encoding="utf-8")):
        if r["category"] not in cats:
            cats.append(r["category"])
            rows.append([f"{cjk.to_chinese_numeral(len(cats))}、{r['category']}", "", "", "", "", "", ""])
        name = f"{r['row_no']}.{r['name']}（{r['unit']}）"
        if r["group"]:
            name = f"{r['group']} {r['row_no']}.{r['name']}"
        rows.append([name, r["base_2015"], r["plan_2020"], r["plan_growth"], r["actual_2020"], r["actual_growth"],
                     r["attribute"]])
    return rows


def _rows_14th() -> list[list[str]]:
    rows = [["类别", "序号", "指标", "2020年", "2025年", "年均增长[累计]", "属性"]]
    for r in csv.DictReader(open(GOLD / "indicators_14th.csv", encoding="utf-8")):
        rows.append([r["category"], r["row_no"], f"{r['name']}（{r['unit']}）", r["value_2020"], r["value_2025"],
                     r["growth"], r["attribute"]])
    return rows


def _rows_summary() -> list[list[str]]:
    rows = [["序号", "项目类别", "项目数（个）", "总投资", "截至2020年底累计完成投资", "“十四五”期间计划投资"]]
    for r in csv.DictReader(open(GOLD / "project_summary.csv", encoding="utf-8")):
        no = {"total": "", "category": cjk.to_chinese_numeral(int(r["category_no"] or 0)),
              "subcategory": f"（{cjk.to_chinese_numeral(int(r['subcategory_no'] or 0))}）"}[r["level"]]
        rows.append([no, r["name"], r["n_items"], r["total_investment"], r["invested_by_2020"],
                     r["investment_2021_2025"]])
    return rows


def _rows_projects() -> list[list[str]]:
    rows = [["序号", "项目名称", "建设内容与规模", "建设起止年限", "总投资", "截至2020年底累计完成投资",
             "“十四五”期间计划投资"]]
    for r in csv.DictReader(open(GOLD / "projects.csv", encoding="utf-8")):
        rows.append([r["project_no"], r["name"], r["content"], f"{r['start_year']}-{r['end_year']}",
                     r["total_investment"], r["invested_by_2020"], r["investment_2021_2025"]])
    return rows


def events() -> Iterator[Event]:
    """The seed plan, from the gold, as a stream of rendering events."""
    doc = json.loads((GOLD / "document.json").read_text(encoding="utf-8"))
    cols = {c["number"]: c for c in json.loads((GOLD / "columns.json").read_text(encoding="utf-8"))}
    figs = json.loads((GOLD / "figures.json").read_text(encoding="utf-8"))
    notes = json.loads((GOLD / "table_notes.json").read_text(encoding="utf-8"))
    tables = {1: (_rows_13th(), notes["indicators_13th"]), 2: (_rows_14th(), notes["indicators_14th"])}
    yield Event("title", doc["title"])
    for p in doc["preamble"]:
        yield Event("paragraph", p)
    for c in doc["chapters"]:
        yield Event("chapter", c["title"], int(c["no"]))
        for p in c["intro"]:
            yield Event("paragraph", p)
        for f in figs:
            if f["chapter_no"] == int(c["no"]) and f["section_no"] is None:
                yield Event("figure", f["caption"])
        for s in c["sections"]:
            yield Event("section", s["title"], int(s["no"]))
            for b in s["blocks"]:
                if b["type"] == "paragraph":
                    yield Event("paragraph", b["text"])
                elif b["type"] == "figure":
                    yield Event("figure", b["caption"])
                elif b["type"] == "column":
                    col = cols[b["number"]]
                    yield Event("column", col["title"], col["number"])
                    if col["kind"] == "table":
                        rows, tnotes = tables[col["number"]]
                        yield Event("table", rows=rows)
                        yield Event("notes", items=[(None, x) for x in tnotes], number=col["number"])
                    else:
                        numbered = all((i["label"] or "").isdigit() for i in col["items"])
                        yield Event("items", items=[(i["label"], i["text"]) for i in col["items"]],
                                    numbered=numbered)
    yield Event("annex", doc["annex"]["title"])
    titles = doc["annex"]["tables"]
    yield Event("caption", titles[0])
    yield Event("unit", doc["annex"]["unit"])
    yield Event("table", rows=_rows_summary())
    yield Event("caption", titles[1])
    yield Event("unit", doc["annex"]["unit"])
    yield Event("table", rows=_rows_projects())


def _item_lines(label: str | None, text: str, numbered: bool) -> list[str]:
    parts = [x for x in text.split("\n") if x.strip()]
    if label is None:
        return parts
    if numbered:
        sep = "、" if len(parts) > 1 or cjk.display_width(parts[0]) < 12 else "."
        return [f"{label}{sep}{parts[0]}"] + parts[1:]
    return [f"{label}。{parts[0]}"] + parts[1:]


def wrap(text: str, width: int, first_indent: int = 0) -> list[str]:
    """Hard-wrap a paragraph at ``width`` display columns (the first line
    ``first_indent`` shorter) as a typesetter does: a mark that cannot
    begin a line (:data:`cjk.NO_LINE_START`) hangs at the end of the line
    before, and one that cannot end a line (:data:`cjk.NO_LINE_END`) goes
    down with the character after it."""
    lines: list[str] = []
    cur, w = "", 0.0
    room = width - first_indent
    for ch in text:
        cw = cjk.char_width(ch)
        if cur and w + cw > room and ch not in cjk.NO_LINE_START:
            carry = ""
            while cur and cur[-1] in cjk.NO_LINE_END and len(cur) > 1:
                carry = cur[-1] + carry
                cur = cur[:-1]
            lines.append(cur)
            cur, w, room = carry, cjk.display_width(carry), width
        cur += ch
        w += cw
    if cur:
        lines.append(cur)
    return lines


_CN_LEVEL = {"chapter": "{n}、", "section": "（{n}）"}


def _heading(kind: str, number: int, title: str, numbering: str) -> str:
    n = cjk.to_chinese_numeral(number)
    if numbering == "cn":
        return _CN_LEVEL[kind].format(n=n) + title
    return f"第{n}{'章' if kind == 'chapter' else '节'} {title}"


def markdown(numbering: str = "chapter", wrap_width: int | None = None, front_matter: bool = True) -> str:
    """The seed as a Markdown document (see the module docstring)."""
    out: list[str] = []

    def block(*lines: str) -> None:
        out.extend(lines)
        out.append("")

    def para(text: str) -> None:
        block(*(wrap(text, wrap_width) if wrap_width else [text]))

    for ev in events():
        if ev.kind == "title":
            if front_matter:
                block("---", f"title: {ev.text}", "source: tests/gold (answer key)", "lang: zh-CN", "---")
            block(f"# {ev.text}")
        elif ev.kind == "paragraph":
            para(ev.text)
        elif ev.kind in ("chapter", "section"):
            marks = "##" if ev.kind == "chapter" else "###"
            block(f"{marks} {_heading(ev.kind, ev.number, ev.text, numbering)}")
        elif ev.kind == "figure":
            block(f"![{ev.text}](figure.png)")
        elif ev.kind == "column":
            block(f"**专栏 {ev.number} {ev.text}**")
        elif ev.kind == "items":
            lines = []
            for label, text in ev.items:
                lines += [f"- {x}" for x in _item_lines(label, text, ev.numbered)]
            block(*lines)
        elif ev.kind == "table":
            width = max(len(r) for r in ev.rows)
            rows = [r + [""] * (width - len(r)) for r in ev.rows]
            lines = ["| " + " | ".join(c.replace("|", "\\|") for c in rows[0]) + " |",
                     "|" + "---|" * width]
            lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows[1:]]
            block(*lines)
        elif ev.kind == "notes":
            texts = [t for _, t in ev.items]
            if ev.number == 1:
                quoted: list[str] = []
                for x in ["注：" + texts[0]] + texts[1:]:
                    quoted += ([">"] if quoted else []) + [f"> {x}"]
                block(*quoted)
            else:
                for k, t in enumerate(texts):
                    para(("注：" if k == 0 else "") + t)
        elif ev.kind == "annex":
            block("---")
            block(f"## {ev.text}")
        elif ev.kind in ("caption", "unit"):
            block(ev.text)
    return "\n".join(out)


def scraped() -> str:
    """The seed as text copied from a web page (see the module docstring)."""
    out: list[str] = []
    indent = "\u3000\u3000"
    for ev in events():
        if ev.kind == "title":
            out.append(ev.text)
        elif ev.kind == "paragraph":
            out.append(indent + ev.text)
        elif ev.kind in ("chapter", "section"):
            out.append(_heading(ev.kind, ev.number, ev.text, "chapter"))
        elif ev.kind == "column":
            out.append(f"专栏{ev.number} {ev.text}")
        elif ev.kind == "items":
            for label, text in ev.items:
                out += _item_lines(label, text, ev.numbered)
        elif ev.kind == "table":
            out += ["\t".join(r) for r in ev.rows]
        elif ev.kind == "notes":
            texts = [t for _, t in ev.items]
            out += ["注：" + texts[0]] + texts[1:]
        else:
            out.append(ev.text)
    return "\n\n".join(out) + "\n"


# --------------------------------------------------------------------------
# the seed text itself, in units, for transformations (tests/test_text_forms.py)
# --------------------------------------------------------------------------

SEED = Path(__file__).resolve().parents[1] / "raw" / "jianghai-14th.txt"


@dataclass
class Unit:
    """Consecutive seed lines of one block: ``kind`` paragraph/item (can be
    re-wrapped: ``zone`` body or box) or fixed (headings, tables, notes …)."""

    kind: str
    lines: list[str]
    page_starts: list[bool]   # which lines start a page in the seed
    heading: str | None = None  # "chapter"/"section" for 第N章/第N节 heading lines


def seed_units() -> list[Unit]:
    """The seed's lines grouped into units by the seed's own parse (which
    tests/test_text_gold.py checks against the gold)."""
    from pipeline.extract import extract
    from pipeline.structure import structure

    ex = extract(SEED)
    st = structure(ex)
    raw = SEED.read_text(encoding="utf-8").split("\n")
    owner: dict[int, tuple[int, str, str | None]] = {}
    for b in st.blocks:
        for o in b.lines:
            owner.setdefault(o, (b.block_id, b.kind, b.node_kind))
    units: list[Unit] = []
    of_block: dict[int, Unit] = {}
    for ln in ex.lines:
        bid, kind, node_kind = owner[ln.order]
        text = raw[ln.source_line - 1]
        page_start = text.startswith(" ") and not text[1:2].isspace()
        body = text[1:] if page_start else text
        if bid in of_block and kind in ("paragraph", "column_item"):
            # (a paragraph the seed splits around a box is one unit: the box
            # follows the whole paragraph, as in the typeset layouts)
            of_block[bid].lines.append(body)
            of_block[bid].page_starts.append(page_start)
        else:
            heading = node_kind if kind == "heading" and node_kind in ("chapter", "section") else None
            units.append(Unit(kind, [body], [page_start], heading))
            of_block[bid] = units[-1]
    return units


_FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def variant(units: list[Unit], *, width: int | None = None, page_marks: str = "space", blanks: str = "lines",
            fullwidth_digits: bool = False, markdown_marks: bool = False, page_lines: int = 45) -> str:
    """The seed text transformed: re-wrapped at body ``width`` (box lines in
    proportion, first lines two characters shorter), page marks ``space``
    (a page's first line starts with one space) / ``ff`` (a form feed) /
    ``none``, blank lines between all ``lines`` / between units
    (``paragraphs``) / ``none``, digits full-width, ``##``/``###`` on chapter
    and section headings.  Re-wrapped text gets a page every ``page_lines``
    lines (the seed's own page breaks otherwise)."""
    out: list[tuple[str, bool, bool]] = []       # (line, page start, unit start)
    for u in units:
        lines = u.lines
        if width is not None and u.kind in ("paragraph", "column_item"):
            text = "".join(x.strip() for x in lines)
            w = width if u.kind == "paragraph" else round(width * 36 / 28)
            lines = wrap(text, w, first_indent=2)
        for k, x in enumerate(lines):
            if markdown_marks and k == 0 and u.heading:
                x = ("## " if u.heading == "chapter" else "### ") + x.strip()
            out.append((x, width is None and k < len(u.page_starts) and u.page_starts[k], k == 0))
    if width is not None:
        out = [(x, i > 0 and i % page_lines == 0, us) for i, (x, _, us) in enumerate(out)]
    text_lines: list[str] = []
    for i, (x, page, unit_start) in enumerate(out):
        if fullwidth_digits:
            x = x.translate(_FULLWIDTH_DIGITS)
        if i > 0 and ((blanks == "paragraphs" and unit_start) or (blanks == "lines" and not
                                                                  (page and page_marks == "space"))):
            text_lines.append("")      # (the seed has no blank line before a page mark)
        if page and page_marks == "space":
            x = " " + x.lstrip()
        elif page and page_marks == "ff":
            x = "\f" + x
        text_lines.append(x)
    return "\n".join(text_lines) + "\n"
