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
from pathlib import Path

import regex as re

from .. import cjk
from ..errors import EmptyInput, InputTooLarge, UndecodableText
from ..model import Extracted, Finding, Line, Source

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


def text_to_lines(text: str) -> list[Line]:
    """Split decoded text into Lines with page numbers, order, widths and
    indentation.  Pure function of the text (no I/O)."""
    raw_lines = _LINE_BREAK.split(text)
    n_nonblank = sum(1 for x in raw_lines if x.strip())
    n_blank = len(raw_lines) - n_nonblank
    # Blank line between every pair of lines (the extraction convention):
    # blank lines then carry no information.  Otherwise a blank line
    # separates paragraphs.
    blank_convention = n_blank >= 0.6 * n_nonblank
    has_ff = "\f" in text
    # Page convention: exactly one ASCII space at the start of a line.
    page_marks = sum(1 for x in raw_lines if len(x) > 1 and x[0] == " " and not x[1].isspace())
    use_page_marks = not has_ff and page_marks >= 1 and page_marks < 0.2 * max(1, n_nonblank)

    # indentation is informative only if some lines have it (beyond page marks)
    indented = 0
    for x in raw_lines:
        ws = _LEAD_WS.match(x.lstrip("\f")).group(0)
        if use_page_marks and ws == " ":
            continue
        if _ws_width(ws) >= 1.0 and x.strip():
            indented += 1
    indent_known = indented >= max(2, 0.02 * n_nonblank)

    lines: list[Line] = []
    page = 1
    blanks = 0
    first_content = True
    for i, raw in enumerate(raw_lines, start=1):
        parts = raw.split("\f")
        for k, part in enumerate(parts):
            if k > 0 and not first_content:
                page += 1
            if not part.strip():
                if k == 0:
                    blanks += 1
                continue
            body = part
            if use_page_marks and len(body) > 1 and body[0] == " " and not body[1].isspace():
                if not first_content:
                    page += 1
                body = body[1:]
            ws = _LEAD_WS.match(body).group(0)
            lead = _ws_width(ws)
            body = body[len(ws):]
            for seg_no, (gap, piece) in enumerate(_split_segments(body)):
                txt = cjk.normalize_text(piece).strip()
                if not txt:
                    continue
                indent = (lead if seg_no == 0 else gap) if indent_known else None
                if seg_no == 0:
                    gap_before = None if blank_convention else float(blanks)
                else:
                    gap_before = 0.0
                lines.append(Line(order=len(lines), page=page, text=txt,
                                  width=cjk.display_width(txt), indent=indent,
                                  source_line=i, segment=seg_no, gap_before=gap_before))
            first_content = False
            blanks = 0
    return lines


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
    lines = text_to_lines(text)
    if not lines:
        raise EmptyInput("the file contains no text", path)
    src = Source(path=path, name=name, sha256=hashlib.sha256(data).hexdigest(),
                 kind="text", encoding=enc, n_pages=max(x.page for x in lines))
    findings = []
    if n_controls:
        findings.append(Finding("extraction", "warning", None, "input",
                                f"{n_controls:,} control character{'s' if n_controls > 1 else ''} removed "
                                "(not text: terminal escapes, NUL, …)"))
    return Extracted(source=src, lines=lines, findings=findings)
