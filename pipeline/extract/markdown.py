"""Markdown plans → Lines.

Plans circulate as Markdown (converted from Word, or written for a web
site).  The reader is hand-written — CommonMark's block structure as far as
plans use it — because the pipeline needs each block's *source line* and
must keep every character of the text, which a Markdown-to-HTML library
does not give back.  Blocks become Lines as follows:

* ATX headings (``## 第一章 …``) and setext headings (a line under ``===``
  or ``---``): the heading text, with the marker level in
  :attr:`Line.markup_level` (``#`` = 1).  Whether the level agrees with the
  heading's numbering is for the structure stage to judge;
* a paragraph's lines are Lines, as in plain text, with the blank lines
  before them (the layout analysis reflows them: Markdown soft-wraps a
  paragraph, text that only borrows Markdown's heading marks may be
  hard-wrapped without blank lines between paragraphs);
* list items: one Line each, the bullet dropped (``1.`` numbers are the
  plan's own numbering and stay in the text); a list right after a ``专栏``
  title line is that box's body and is placed in a ``box`` region (so is a
  ``>`` quote in that place), as a PDF box is;
* front matter (``---`` … ``---`` at the top), ``>`` quotes and horizontal
  rules: notes (:attr:`Line.furniture` = ``front_matter`` / ``quote`` /
  ``rule``), never outline nodes or body text;
* pipe tables: one Line per cell inside a ``table`` region whose cells carry
  a synthetic grid geometry, so the tables stage rebuilds them as it rebuilds
  a ruled PDF table; the delimiter row (``|---|---|``) is markup only;
* fenced code blocks: their lines are kept verbatim as notes (``code``).

Inline markup is removed from the text: emphasis (``**…**``, ``*…*``,
``__…__``), code spans, links and images (the link text or image alt text is
kept, the target dropped), HTML tags, backslash escapes.  Everything else is
kept: nothing of the printed text is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex as re

from .. import cjk
from ..model import Cell, Line, Region

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?(.*)$")
_BULLET = re.compile(r"^( {0,12})[-*+][ \t]+(.*)$")
_ORDERED = re.compile(r"^( {0,12})(\d{1,9})[.)][ \t]+(.*)$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$|^[^|]+\|[^|]*")
_DELIM_ROW = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# inline markup
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_CODE = re.compile(r"`+([^`]*)`+")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPH = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\*)|(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")

#: how many Markdown markers make a text Markdown (without a .md name)
MIN_MARKERS = 3


def inline_text(text: str) -> str:
    """Markdown inline markup removed, the text kept."""
    t = _IMAGE.sub(r"\1", text)
    t = _LINK.sub(r"\1", t)
    t = _REF_LINK.sub(r"\1", t)
    t = _CODE.sub(r"\1", t)
    for _ in range(2):                      # nested emphasis
        t = _STRONG.sub(r"\2", t)
        t = _EMPH.sub(lambda m: m.group(1) or m.group(2) or "", t)
    t = _HTML_TAG.sub("", t)
    return _ESCAPE.sub(r"\1", t)


def looks_like_markdown(text: str, name: str | None = None) -> bool:
    """True when the text is Markdown: several ATX headings, or front matter
    with a heading, or a pipe table with a heading; with a ``.md`` /
    ``.markdown`` name, one heading or pipe table is enough.  Plain plan text
    never starts lines with ``#`` nor has ``|---|`` rows."""
    lines = _LINE_BREAK.split(text[:400_000])
    atx = sum(1 for x in lines if _ATX.match(x) and x.lstrip().startswith("#") and len(x.strip()) > 1
              and x.strip().lstrip("#")[:1] in (" ", "\t"))
    delim = sum(1 for x in lines if _DELIM_ROW.match(x) and "-" in x and ("|" in x))
    first = next((x for x in lines if x.strip()), "")
    front = first.strip() == "---" and _front_matter_end(lines) is not None
    suffix = bool(name) and name.lower().endswith((".md", ".markdown", ".mdown"))
    if suffix:
        return atx >= 1 or delim >= 1 or front
    return atx >= MIN_MARKERS or (atx >= 1 and (front or delim >= 1))


def _front_matter_end(lines: list[str]) -> int | None:
    """Index of the line closing the front matter that opens the text."""
    start = next((i for i, x in enumerate(lines) if x.strip()), None)
    if start is None or lines[start].strip() != "---":
        return None
    for j in range(start + 1, min(len(lines), start + 200)):
        if lines[j].strip() in ("---", "..."):
            return j
    return None


@dataclass(slots=True)
class _Block:
    kind: str             # paragraph/heading/item/quote/rule/front_matter/code/cell
    text: str
    source_line: int
    blanks: int = 0       # blank lines before the block
    level: int | None = None
    indent: float = 0.0
    cell: tuple[int, int, int, int] | None = None  # (table no, row, col, columns spanned)


def _split_cells(row: str) -> list[str]:
    t = row.strip()
    if t.startswith("|"):
        t = t[1:]
    if t.endswith("|") and not t.endswith("\\|"):
        t = t[:-1]
    cells, cur, k = [], "", 0
    while k < len(t):
        if t[k] == "\\" and k + 1 < len(t) and t[k + 1] == "|":
            cur += "|"
            k += 2
            continue
        if t[k] == "|":
            cells.append(cur)
            cur = ""
        else:
            cur += t[k]
        k += 1
    cells.append(cur)
    return [c.strip() for c in cells]


def _blocks(text: str) -> list[_Block]:
    lines = _LINE_BREAK.split(text)
    out: list[_Block] = []
    i = 0
    n = len(lines)
    blanks = 0
    table_no = 0
    fm_end = _front_matter_end(lines)
    if fm_end is not None:
        for j in range(fm_end + 1):
            if lines[j].strip():
                out.append(_Block("front_matter", lines[j].strip(), j + 1))
        i = fm_end + 1
    para: list[tuple[int, str]] = []

    def flush() -> None:
        # a paragraph's lines stay lines: Markdown soft-wraps them, but text
        # that only borrows Markdown's heading marks may be hard-wrapped
        # without blank lines between paragraphs, and the layout analysis
        # reflows lines either way
        nonlocal blanks
        for k, (src, t) in enumerate(para):
            out.append(_Block("paragraph", t, src, blanks if k == 0 else 0))
        para.clear()
        blanks = 0

    while i < n:
        raw = lines[i].replace("\f", "")
        s = raw.strip()
        if not s:
            flush()
            blanks += 1
            i += 1
            continue
        m = _FENCE.match(raw)
        if m:
            flush()
            fence = m.group(1)
            out.append(_Block("code", s, i + 1, blanks))
            blanks = 0
            i += 1
            while i < n and not lines[i].strip().startswith(fence):
                if lines[i].strip():
                    out.append(_Block("code", lines[i].rstrip(), i + 1))
                i += 1
            if i < n:
                out.append(_Block("code", lines[i].strip(), i + 1))
                i += 1
            continue
        # setext heading: an underline right below a paragraph line
        if para and _SETEXT.match(raw) and len(para) == 1:
            level = 1 if s.startswith("=") else 2
            src, t = para.pop()
            out.append(_Block("heading", t, src, blanks, level=level))
            blanks = 0
            i += 1
            continue
        if _RULE.match(raw):
            flush()
            out.append(_Block("rule", s, i + 1, blanks))
            blanks = 0
            i += 1
            continue
        m = _ATX.match(raw)
        if m and raw.lstrip().startswith("#") and (m.group(2) or "").strip():
            flush()
            out.append(_Block("heading", inline_text(m.group(2).strip()), i + 1, blanks, level=len(m.group(1))))
            blanks = 0
            i += 1
            continue
        m = _QUOTE.match(raw)
        if m:
            flush()
            k = i
            body: list[str] = []
            while k < n and _QUOTE.match(lines[k]):
                inner = _QUOTE.match(lines[k]).group(1)
                while _QUOTE.match(inner):          # nested quotes
                    inner = _QUOTE.match(inner).group(1)
                body.append(inner)
                k += 1
            # a quote is a run of paragraphs (blank quote lines between)
            cur: list[str] = []
            start = i
            for j, t in enumerate(body + [""]):
                if t.strip():
                    if not cur:
                        start = i + j
                    cur.append(inline_text(t.strip()))
                elif cur:
                    out.append(_Block("quote", _join(cur), start + 1, blanks))
                    blanks = 0
                    cur = []
            i = k
            continue
        if "|" in raw and i + 1 < n and _DELIM_ROW.match(lines[i + 1]) and "-" in lines[i + 1]:
            flush()
            table_no += 1
            header = _split_cells(raw)
            rows = [(i + 1, header)]
            k = i + 2
            while k < n and lines[k].strip() and "|" in lines[k]:
                rows.append((k + 1, _split_cells(lines[k])))
                k += 1
            first = True
            width = max(len(c) for _, c in rows)
            for r, (src, cells) in enumerate(rows):
                # a body row with only its first cell filled is a label
                # spanning the row (a category row: Markdown has no spans)
                span = width if r > 0 and cells[0].strip() and not any(x.strip() for x in cells[1:]) else 1
                for c, cell in enumerate(cells[:1] if span > 1 else cells):
                    out.append(_Block("cell", inline_text(cell), src, blanks if first else 0,
                                      cell=(table_no, r, c, span)))
                    first = False
            blanks = 0
            i = k
            continue
        m = _BULLET.match(raw) or _ORDERED.match(raw)
        if m and not para:
            flush()
            ordered = m.re is _ORDERED
            lead = len(m.group(1))
            first_text = (m.group(2) + raw[m.end(2):m.start(3)] + m.group(3)) if ordered else m.group(2)
            item = [first_text.strip()]
            src = i + 1
            k = i + 1
            # continuation lines of the item (lazy or indented), until a blank
            # line or the next block
            while k < n and lines[k].strip() and not (_BULLET.match(lines[k]) or _ORDERED.match(lines[k])
                                                      or _ATX.match(lines[k]) or _QUOTE.match(lines[k])
                                                      or _RULE.match(lines[k])):
                item.append(lines[k].strip())
                k += 1
            out.append(_Block("item", _join([inline_text(t) for t in item]), src, blanks, indent=2.0 + lead / 2))
            blanks = 0
            i = k
            continue
        para.append((i + 1, inline_text(s)))
        i += 1
    flush()
    return out


def _join(texts: list[str]) -> str:
    """Soft-wrapped lines of one block joined as wrapped Chinese text is:
    no space between Chinese characters, one between two Latin words."""
    out = ""
    for t in texts:
        t = t.strip()
        if not t:
            continue
        if out and (out[-1].isascii() and out[-1].isalnum()) and (t[0].isascii() and t[0].isalnum()):
            out += " "
        out += t
    return out


_NOTE_KIND = {"front_matter": "front_matter", "quote": "quote", "rule": "rule", "code": "code"}


def parse_markdown(text: str):
    """Markdown text → :class:`~pipeline.extract.text.TextDoc` (see the
    module docstring)."""
    from .text import TextDoc

    blocks = _blocks(text)
    lines: list[Line] = []
    regions: list[Region] = []
    table_region: dict[int, Region] = {}
    box_region: Region | None = None
    after_column_title = False
    # cells: a synthetic grid of CELL_W x CELL_H units per cell
    cell_w, cell_h = 100.0, 20.0
    from .text import PhysLine, blank_baseline

    base = blank_baseline([PhysLine(1, b.source_line, b.text, b.blanks, k == 0) for k, b in enumerate(blocks)])
    for b in blocks:
        t = cjk.normalize_text(b.text).strip()
        furniture = _NOTE_KIND.get(b.kind)
        region = None
        x0 = x1 = top = bottom = None
        if b.kind == "cell":
            tno, r, c, span = b.cell
            rg = table_region.get(tno)
            if rg is None:
                rg = Region(len(regions) + 1, 1, "table", 0.0, 0.0, 0.0, 0.0)
                regions.append(rg)
                table_region[tno] = rg
            cx0, ctop = c * cell_w, r * cell_h
            cx1 = cx0 + span * cell_w
            # empty cells keep their place in the grid
            rg.cells.append(Cell(cx0, ctop, cx1, ctop + cell_h, t))
            rg.x1, rg.bottom = max(rg.x1, cx1), max(rg.bottom, ctop + cell_h)
            region = rg.region_id
            x0, x1, top, bottom = cx0 + 2, cx1 - 2, ctop + 2, ctop + cell_h - 2
        if not t:
            continue
        if b.kind in ("item", "quote") and (after_column_title or box_region is not None):
            # the body of a 专栏: a list (or quote) right after its title
            if box_region is None:
                box_region = Region(len(regions) + 1, 1, "box", 0.0, 0.0, 0.0, 0.0)
                regions.append(box_region)
            region = box_region.region_id
            furniture = None
        if b.kind not in ("item", "quote") or region is None:
            box_region = None
        after_column_title = b.kind in ("paragraph", "heading") and cjk.COLUMN_TITLE.match(t) is not None
        lines.append(Line(order=len(lines), page=1, text=t, width=cjk.display_width(t),
                          indent=b.indent if b.kind == "item" else None, source_line=b.source_line,
                          gap_before=None if base is None or not lines else float(max(0, b.blanks - base)),
                          x0=x0, x1=x1, top=top, bottom=bottom, region=region, furniture=furniture,
                          markup_level=b.level))
    return TextDoc(lines, regions, "markdown")
