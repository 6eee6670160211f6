"""Plain-text input → Lines.

Handles the conventions of text extracted from plan PDFs:

* encodings: UTF-8 with/without BOM, UTF-16 (BOM or NUL pattern), GB18030/GBK;
  a decoding is accepted only if the result looks like text (no control
  characters, mostly CJK/ASCII), otherwise :class:`UndecodableText`;
* CRLF/CR line ends, form feeds as page breaks;
* the extraction's page convention (a line that begins with exactly one
  space starts a page) and its blank-line-between-lines convention, but also
  plain text with blank lines between paragraphs and no page marks;
* wide whitespace gaps inside a line (a heading that runs into the paragraph
  after it, as in the national plans' extraction) split the line into
  segments, each its own Line.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import regex as re

from .. import cjk
from ..errors import EmptyInput, InputTooLarge, UndecodableText
from ..model import Extracted, Finding, Line, Region, Source
from .textpages import PhysLine, find_furniture

__all__ = ["PhysLine", "TextDoc", "blank_baseline", "build_lines", "decode_bytes", "extract_text",
           "parse_text", "split_pages", "text_to_lines"]

# A decoded text is plausible if nearly all of its characters are of these kinds.
_PLAUSIBLE = re.compile(r"[\p{Han}\p{P}\p{S}\p{N}\p{Latin}\p{Greek}\p{Cyrillic}\s\u3000-\u303F\uFF00-\uFFEF\u2460-\u24FF\u2E80-\u2FDF]")
_CONTROL = re.compile(r"[\x00-\x08\x0B\x0E-\x1F\x7F\uFFFD\p{Co}\p{Cs}]")


def _plausible(text: str) -> bool:
    if not text.strip():
        return True
    if len(_CONTROL.findall(text)) > max(2, len(text) // 2000):
        return False
    sample = text[:200_000]
    good = len(_PLAUSIBLE.findall(sample))
    if good < 0.97 * len(sample):
        return False
    # Text decoded with the wrong multi-byte codec is full of rare ideographs
    # outside the basic CJK block.
    han = _HAN.findall(sample)
    if han:
        rare = sum(1 for c in han if not ("\u4e00" <= c <= "\u9fff"))
        if rare > 0.02 * len(han):
            return False
    return True


_HAN = re.compile(r"\p{Han}")


def decode_bytes(data: bytes, path: str | None = None) -> tuple[str, str]:
    """Decode a text file; returns (text, encoding).

    Tries, in order: a BOM (UTF-8, UTF-16, UTF-32), strict UTF-8, UTF-16
    without BOM (recognised by NUL bytes in every other position), GB18030.
    Each candidate must decode strictly and look like text.
    """
    if not data.strip(b" \t\r\n\f\x00"):
        raise EmptyInput("the file contains no text", path)
    candidates: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        candidates = ["utf-32"]
    elif data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8"]
        head = data[:4000]
        if len(head) >= 4:
            even_nul = head[0::2].count(0) / max(1, len(head[0::2]))
            odd_nul = head[1::2].count(0) / max(1, len(head[1::2]))
            if odd_nul > 0.3 and even_nul < 0.05:
                candidates.append("utf-16-le")
            elif even_nul > 0.3 and odd_nul < 0.05:
                candidates.append("utf-16-be")
        candidates.append("gb18030")
    for enc in candidates:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, UnicodeError):
            continue
        if _plausible(text):
            return text, {"utf-8-sig": "utf-8-sig", "utf-32": "utf-32"}.get(enc, enc)
    raise UndecodableText(
        "not valid UTF-8, UTF-16 or GB18030 text (binary file or unknown encoding)", path)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LEAD_WS = re.compile(r"^[ \t\u3000\u00a0]*")
# A gap of at least two character widths inside a line separates segments
# (heading | paragraph in the national plans' extraction).
_WIDE_GAP = re.compile(r"(?:\u3000|\t| ){2,}")


@dataclass(slots=True)
class TextDoc:
    """A decoded text read into Lines (and, for Markdown pipe tables, the
    table regions their cells sit in)."""

    lines: list[Line]
    regions: list[Region] = field(default_factory=list)
    form: str = "plain"          # "plain" | "markdown"


def _ws_width(ws: str) -> float:
    return sum(1.0 if c == "\u3000" else 2.0 if c == "\t" else 0.5 for c in ws)


def _split_segments(body: str) -> list[tuple[float, str]]:
    """Split a line at wide gaps: [(gap_width_before, text), ...]."""
    out: list[tuple[float, str]] = []
    pos, gap = 0, 0.0
    for m in _WIDE_GAP.finditer(body):
        if _ws_width(m.group(0)) < 2.0:
            continue
        piece = body[pos:m.start()]
        if piece.strip():
            out.append((gap, piece))
        gap, pos = _ws_width(m.group(0)), m.end()
    piece = body[pos:]
    if piece.strip():
        out.append((gap, piece))
    return out


def split_pages(text: str) -> list[PhysLine]:
    """The non-blank physical lines of ``text`` with their pages and the
    blank lines before each (see :mod:`.textpages`).  Form feeds break
    pages; without them, the leading-space page convention does when it is
    used (a minority of lines begin with exactly one space)."""
    raw_lines = _LINE_BREAK.split(text)
    n_nonblank = sum(1 for x in raw_lines if x.strip())
    has_ff = "\f" in text
    page_marks = sum(1 for x in raw_lines if len(x) > 1 and x[0] == " " and not x[1].isspace())
    use_page_marks = not has_ff and page_marks >= 1 and page_marks < 0.2 * max(1, n_nonblank)
    out: list[PhysLine] = []
    page = 1
    blanks = 0
    page_first = True
    for i, raw in enumerate(raw_lines, start=1):
        parts = raw.split("\f")
        if len(parts) == 1 and not raw.strip():
            blanks += 1                  # a blank line (not the empty side of a form feed)
            continue
        for k, part in enumerate(parts):
            if k > 0 and out:            # a form feed after some content: a new page
                page += 1
                page_first, blanks = True, 0
            if not part.strip():
                continue
            body = part
            if use_page_marks and len(body) > 1 and body[0] == " " and not body[1].isspace():
                if out:
                    page += 1
                    page_first, blanks = True, 0
                body = body[1:]
            out.append(PhysLine(page, i, body, blanks, page_first))
            page_first, blanks = False, 0
    return out


def text_to_lines(text: str) -> list[Line]:
    """Split decoded text into Lines with page numbers, order, widths,
    indentation and page furniture.  Pure function of the text (no I/O)."""
    return parse_text(text).lines


def parse_text(text: str, name: str | None = None) -> TextDoc:
    """Decoded text → :class:`TextDoc` (Lines, table regions, the text form).

    The form is sniffed from the content (:func:`.markdown.looks_like_markdown`;
    ``name``'s suffix ``.md`` is one more hint): Markdown is read by
    :mod:`.markdown`, everything else as plain text (hard-wrapped or not,
    with or without page marks, blank lines, indentation)."""
    from . import markdown

    if markdown.looks_like_markdown(text, name):
        return markdown.parse_markdown(text)
    from . import fixedwidth

    phys = split_pages(text)
    for i, role in find_furniture(phys).items():
        phys[i].furniture = role
    pages: dict[int, list[tuple[int, str, int]]] = {}
    for i, x in enumerate(phys):
        if not x.furniture:
            pages.setdefault(x.page, []).append((i, x.body, x.blanks))
    regions, placed = fixedwidth.find_tables(sorted(pages.items()))
    return TextDoc(build_lines(phys, placed=placed), regions, "plain")


def blank_baseline(phys: list[PhysLine]) -> int | None:
    """How many blank lines separate consecutive lines *as a rule*: 1 when
    (nearly) every pair of lines on a page has a blank line between
    (the extraction convention, or one paragraph per line with blank lines
    between), else 0.  None when blank lines then carry no information at
    all (hardly any pair has more than the baseline)."""
    pairs = [x.blanks for x in phys if not x.page_first and not x.furniture]
    if not pairs:
        return None
    base = 1 if sum(1 for b in pairs if b >= 1) >= 0.8 * len(pairs) else 0
    # a second blank line must be a convention, not an accident
    if base == 1 and sum(1 for b in pairs if b >= 2) < max(3, 0.01 * len(pairs)):
        return None
    return base


def build_lines(phys: list[PhysLine], extra: list[dict] | None = None,
                placed: dict | None = None) -> list[Line]:
    """Physical lines → Lines: normalised text, display width, indentation
    (when the text uses it), blank lines before (when they mean something),
    wide gaps split into segments.  ``extra[i]`` holds more Line fields for
    ``phys[i]`` (the Markdown reader's); ``placed[i]`` the runs and Region of
    a row of a space-aligned table (:mod:`.fixedwidth`), one Line per run
    with its box."""
    base = blank_baseline(phys)
    spaced = cjk.spaced_style("\n".join(x.body for x in phys[:5000]))
    if spaced:
        for x, body in zip(phys, cjk.pair_quotes([x.body for x in phys]), strict=True):
            x.body = body
    # indentation is informative only if some lines have it
    indented = sum(1 for x in phys if not x.furniture and _ws_width(_LEAD_WS.match(x.body).group(0)) >= 1.0)
    indent_known = indented >= max(2, 0.02 * len(phys))
    lines: list[Line] = []
    prev_page = None
    for k, x in enumerate(phys):
        ws = _LEAD_WS.match(x.body).group(0)
        lead = _ws_width(ws)
        body = x.body[len(ws):]
        fields = extra[k] if extra else {}
        new_page = x.page != prev_page
        prev_page = x.page
        if placed and k in placed:
            _placed_lines(lines, x, placed[k], None if base is None or new_page or x.page_first
                          else float(max(0, x.blanks - base)))
            continue
        for seg_no, (gap, piece) in enumerate(_split_segments(body) if not x.furniture else [(0.0, body)]):
            txt = cjk.normalize_text(piece).strip()
            if spaced:
                txt = cjk.repair_spacing(txt).strip()
            if not txt:
                continue
            indent = (lead if seg_no == 0 else gap) if indent_known else None
            if seg_no > 0:
                gap_before = 0.0
            elif base is None:
                gap_before = None
            elif new_page or x.page_first:
                gap_before = None      # the top of a page: unknown
            else:
                gap_before = float(max(0, x.blanks - base))
            lines.append(Line(order=len(lines), page=x.page, text=txt,
                              width=cjk.display_width(txt), indent=indent,
                              source_line=x.source_line, segment=seg_no, gap_before=gap_before,
                              furniture=x.furniture, **fields))
    if lost_stops(lines):
        for ln in lines:
            ln.break_before = True
    return lines


def _placed_lines(lines: list[Line], x: PhysLine, row, gap_before: float | None) -> None:
    """The Lines of one row of a space-aligned table: a Line per run, with
    its box and Region (see :mod:`.fixedwidth`)."""
    from .fixedwidth import EM

    seg_no = 0
    for x0, x1, piece in row.runs:
        txt = cjk.normalize_text(piece).strip()
        if not txt:
            continue
        lines.append(Line(order=len(lines), page=x.page, text=txt, width=cjk.display_width(txt), indent=None,
                          source_line=x.source_line, segment=seg_no, gap_before=gap_before if seg_no == 0 else 0.0,
                          x0=x0, x1=x1, top=row.top, bottom=row.bottom, font_size=EM, region=row.region))
        seg_no += 1


#: Sentence-per-line text: hardly any line ends with sentence punctuation.
LOST_STOPS_SHARE = 0.02


def lost_stops(lines: list[Line]) -> bool:
    """True for text in which every sentence is a line of its own with its
    full stop removed (some extractions of old plans): of the lines long
    enough to hold a sentence, hardly any ends with sentence punctuation —
    in hard-wrapped text or one-paragraph-per-line text, every paragraph's
    last line does."""
    long = [x for x in lines if not x.furniture and x.width >= 8]
    if len(long) < 20:
        return False
    return sum(1 for x in long if cjk.ends_sentence(x.text)) < LOST_STOPS_SHARE * len(long)


#: lines a text input may have: the longest plan in the corpus has ~5,000; a
#: text of a million short lines would take many minutes (issue 13)
MAX_TEXT_LINES = 250_000


def extract_text(source: str | Path | bytes, *, name: str | None = None, path: str | None = None) -> Extracted:
    """Read a plain-text plan and return its Lines.

    ``source``: a file path, or the input's bytes (read once by
    :func:`pipeline.extract.read_input`) with ``name``/``path`` naming it.
    Control characters (other than tab, line and page breaks) are removed
    and counted in a finding (:func:`pipeline.cjk.remove_controls`)."""
    if isinstance(source, bytes):
        data = source
        path = path or name or "-"
        name = name or Path(path).name
    else:
        p = Path(source)
        data = p.read_bytes()
        path, name = path or str(p), name or p.name
    text, enc = decode_bytes(data, path)
    n_lines = max(text.count("\n"), text.count("\r")) + (not text.endswith(("\n", "\r")))
    if n_lines > MAX_TEXT_LINES:
        raise InputTooLarge(f"{n_lines:,} lines, over the limit of {MAX_TEXT_LINES:,} for a text input "
                            "(a plan has a few thousand)", path)
    text, n_controls = cjk.remove_controls(text)
    doc = parse_text(text, name)
    lines = doc.lines
    if not lines:
        raise EmptyInput("the file contains no text", path)
    src = Source(path=path, name=name, sha256=hashlib.sha256(data).hexdigest(),
                 kind="text", encoding=enc, n_pages=max(x.page for x in lines))
    findings = []
    if n_controls:
        findings.append(Finding("extraction", "warning", None, "input",
                                f"{n_controls:,} control character{'s' if n_controls > 1 else ''} removed "
                                "(not text: terminal escapes, NUL, …)"))
    return Extracted(source=src, lines=lines, regions=doc.regions, findings=findings)
