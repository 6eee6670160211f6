"""PDF characters → text lines (one page, one container at a time).

Works on pdfplumber char dicts that are already in the page's *reading
frame* (see :mod:`.pdfgeom`): text runs left to right, lines stack
downwards.  This module knows how Chinese plan PDFs put their characters
on the page:

* a line is a run of characters whose vertical extents overlap;
* fake bold — the same glyph painted two or more times a fraction of a
  point apart — is removed with pdfplumber's :func:`dedupe_chars` (per
  line, where it is cheap) and recorded as ``bold``;
* spaces: word processors justify Chinese lines by spreading characters
  and some PDFs carry a space glyph between every two ideographs; a space
  is kept between two ideographs only when the visual gap is a real word
  space (a space glyph that widens the line's normal character spacing by at
  least 0.15 em, or a bare gap of 0.8 em),
  and between Latin/digit text when there is a space glyph or a visible gap;
* text is normalised with :func:`pipeline.cjk.normalize_text` (Kangxi and
  compatibility ideographs, full-width digits and letters).

pdfplumber's own ``extract_text_lines`` is not used because it inserts a
space for every gap wider than a fixed tolerance (wrong for justified CJK
text) and cannot split a line at table-cell boundaries.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from operator import add, eq, itemgetter, sub, truediv

import regex as re

from .. import cjk

# Font-name markers of a heavy face.  黑体 ("Hei": SimHei, STHeiti, …) is the
# conventional heavy face of Chinese official documents and is used like bold.
_BOLD_NAME = cjk.BOLD_FONT_NAME
_SUBSET = re.compile(r"^[A-Z]{6}\+")
_UNMAPPED = re.compile(r"^\(cid:\d+\)$")


@dataclass(slots=True)
class RawLine:
    """A text line before document-level analysis (page-local)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    font_size: float
    font_name: str
    bold: bool
    segment: int = 0
    container: int | None = None   # region id (page-local), None for body text
    cell: int | None = None        # index into the region's cells (ruled tables)
    n_chars: int = 0
    n_dupes: int = 0
    ocr: bool = False              # read by OCR (see :mod:`.ocr`)
    ocr_confidence: float | None = None


def font_family(name: str) -> str:
    """Font name without the subset prefix (``ABCDEF+SimSun`` → ``SimSun``)."""
    return _SUBSET.sub("", name or "")


@lru_cache(maxsize=256)
def is_bold_font(name: str) -> bool:
    """True when the font name says the face is heavy (Bold, Black, 黑体 …)."""
    return bool(_BOLD_NAME.search(font_family(name)))


_X0, _X1, _TOP, _BOTTOM = itemgetter("x0"), itemgetter("x1"), itemgetter("top"), itemgetter("bottom")
_TEXT, _SIZE, _FONT = itemgetter("text"), itemgetter("size"), itemgetter("fontname")


def cluster_rows(chars: list[dict]) -> list[list[dict]]:
    """Group characters into rows (lines) by vertical overlap.

    Characters are taken in order of their vertical centre; a character joins
    the current row when it overlaps the row's vertical extent by at least
    half of the smaller height.  Rows come out top to bottom, each sorted
    left to right."""
    if not chars:
        return []
    # The per-character work is done on columns pulled out once (C-level
    # itemgetter/map), and min/max of two floats as comparisons: the same
    # order and the same arithmetic as a loop over the dicts, at a third of
    # the cost.
    tops = list(map(_TOP, chars))
    bottoms = list(map(_BOTTOM, chars))
    keys = list(zip(map(truediv, map(add, tops, bottoms), repeat(2)), map(_X0, chars)))
    order = sorted(range(len(chars)), key=keys.__getitem__)     # stable, as sorting the chars is
    rows: list[list[dict]] = []
    cur: list[dict] = []
    top = bottom = 0.0
    for i in order:
        ct, cb = tops[i], bottoms[i]
        h = cb - ct
        if h < 0.1:
            h = 0.1
        if cur:
            # min(bottom, cb) - max(top, ct) >= 0.5 * min(h, bottom - top)
            overlap = (cb if cb < bottom else bottom) - (ct if ct > top else top)
            ext = bottom - top
            if overlap >= 0.5 * (ext if ext < h else h):
                cur.append(chars[i])
                if ct < top:           # min(top, ct), max(bottom, cb)
                    top = ct
                if cb > bottom:
                    bottom = cb
                continue
            rows.append(cur)
        cur = [chars[i]]
        top, bottom = ct, cb
    rows.append(cur)
    for r in rows:
        r.sort(key=_X0)
    return rows


def split_at_gaps(row: list[dict], min_gap_em: float) -> list[list[dict]]:
    """Split a row of characters where the horizontal gap between two
    consecutive non-space characters is at least ``min_gap_em`` em."""
    parts: list[list[dict]] = [[]]
    prev = None
    for c in row:
        if c["text"].isspace():
            parts[-1].append(c)
            continue
        if prev is not None and c["x0"] - prev["x1"] >= min_gap_em * max(prev["size"], c["size"]):
            parts.append([])
        parts[-1].append(c)
        prev = c
    return [p for p in parts if any(not c["text"].isspace() for c in p)]


@lru_cache(maxsize=8192)
def _kind(ch: str) -> str:
    if cjk.is_ideograph(ch) or cjk.char_width(ch) == 1.0:
        return "wide"
    if ch.isalnum():
        return "latin"
    return "punct"


def _dedupe(row: list[dict]) -> tuple[list[dict], int]:
    """Remove doubled (fake-bold) glyphs; returns (chars, number removed).
    pdfplumber's dedupe is only called when two neighbouring glyphs (the row
    is sorted by x0) are the same character within the tolerance."""
    texts = list(map(_TEXT, row))
    if not any(map(eq, texts, texts[1:])):      # no neighbours with the same text: nothing to do
        return row, 0
    size = max(map(_SIZE, row))
    tol = max(1.0, 0.08 * size)
    if not any(a["text"] == b["text"] and b["x0"] - a["x0"] <= tol and abs(b["top"] - a["top"]) <= tol
               for a, b in zip(row, row[1:])):
        return row, 0
    # imported here: text input uses this module but never overlapping glyphs,
    # and pdfplumber (with pdfminer) costs ~45 ms to import
    from pdfplumber.utils import dedupe_chars

    # fonts must agree, sizes only nearly (rotated text matrices give 17.99999…
    # for one copy and 18.00000… for the other), so size is not compared
    kept = dedupe_chars(row, tolerance=tol, extra_attrs=("fontname",))
    return kept, len(row) - len(kept)


def _glyphs(chars: list[dict]) -> tuple[list[dict], list[bool]]:
    """The non-space characters of a line and, for each, whether a space
    glyph stands between it and the previous one."""
    texts = list(map(_TEXT, chars))
    if all(texts) and not any(map(str.isspace, texts)):
        return chars, [False] * len(chars)
    glyphs: list[dict] = []
    spaced: list[bool] = []
    space_glyph = False
    for c, t in zip(chars, texts):
        if t.isspace():
            space_glyph = True
        elif t:
            glyphs.append(c)
            spaced.append(space_glyph)
            space_glyph = False
    return glyphs, spaced


def build_line(row: list[dict]) -> RawLine | None:
    """Characters of one line (left to right) → :class:`RawLine`."""
    chars, dupes = _dedupe(row)
    glyphs, spaced = _glyphs(chars)
    if not glyphs:
        return None
    texts = list(map(_TEXT, glyphs))
    x0s, x1s = list(map(_X0, glyphs)), list(map(_X1, glyphs))
    ems = list(map(_SIZE, glyphs))
    names = list(map(_FONT, glyphs))
    n = len(glyphs)
    # the most common size (rounded; ties to the larger) and font; most lines
    # have one of each, which needs no counting
    if ems.count(ems[0]) == n:
        size = round(ems[0], 1)
    else:
        sizes = Counter(map(round, ems, repeat(1)))
        size = max(sizes.items(), key=lambda kv: (kv[1], kv[0]))[0]
    if names.count(names[0]) == n:
        font = names[0]
        bold_name = is_bold_font(font)
    else:
        fonts = Counter(names)
        font = fonts.most_common(1)[0][0]
        bold_name = sum(k for f, k in fonts.items() if is_bold_font(f)) * 2 > n
    # normal spacing between neighbouring glyphs (justified text spreads them)
    gaps = list(map(sub, x0s[1:], x1s))
    normal = sorted(gaps)[len(gaps) // 2] if gaps else 0.0
    normal = max(0.0, min(normal, 0.5 * size))
    kinds = [(_kind(t[-1]), _kind(t[0])) for t in texts] if max(map(len, texts)) > 1 else \
        [(k, k) for k in map(_kind, texts)]
    text = _join(texts, gaps, ems, kinds, spaced, normal)
    text = cjk.normalize_text(text).strip()
    if not text:
        return None
    fake_bold = dupes * 2 >= n
    return RawLine(
        text=text,
        x0=min(x0s), x1=max(x1s),
        top=min(map(_TOP, glyphs)), bottom=max(map(_BOTTOM, glyphs)),
        font_size=float(size), font_name=font_family(font), bold=bold_name or fake_bold,
        n_chars=n, n_dupes=dupes)


def _join(texts: list[str], gaps: list[float], ems: list[float], kinds: list[tuple[str, str]],
          spaced: list[bool], normal: float) -> str:
    """The glyphs' texts with a space wherever the gap before a glyph is a
    real word space (see the module docstring)."""
    # common case first: ideographs only, no space glyph, one size — a space
    # needs a gap of 0.8 em above the normal spacing; if the widest gap has
    # not, no gap has (x ↦ x - normal is monotonic in floating point too)
    if gaps and not any(spaced) and all(k == ("wide", "wide") for k in kinds) and ems.count(ems[0]) == len(ems):
        if max(gaps) - normal < 0.8 * ems[0]:
            return "".join(texts)
    out = [texts[0]]
    for k in range(1, len(texts)):
        gap = gaps[k - 1]
        em = max(ems[k - 1], ems[k])
        a, b = kinds[k - 1][1], kinds[k][0]
        if a == "wide" and b == "wide":
            # between ideographs only a real word space survives
            want = gap - normal >= (0.15 if spaced[k] else 0.8) * em
        elif a == "latin" and b == "latin":
            want = spaced[k] or gap >= 0.2 * em
        else:
            want = (spaced[k] and gap >= 0.1 * em) or gap >= 0.3 * em
        if want:
            out.append(" ")
        out.append(texts[k])
    return "".join(out)


def chars_to_lines(chars: list[dict], *, split_gap_em: float | None = None) -> list[RawLine]:
    """Characters of one container → lines, top to bottom.

    ``split_gap_em``: split a physical line at horizontal gaps of at least
    this many em (tables without vertical rules); the pieces get increasing
    ``segment`` numbers."""
    out: list[RawLine] = []
    for row in cluster_rows(chars):
        parts = split_at_gaps(row, split_gap_em) if split_gap_em else [row]
        seg = 0
        for part in parts:
            ln = build_line(part)
            if ln is None:
                continue
            ln.segment = seg
            seg += 1
            out.append(ln)
    return out


def is_unmapped(text: str) -> bool:
    """A glyph that pdfminer could not map to Unicode (``(cid:123)``)."""
    return text.startswith("(cid:") and bool(_UNMAPPED.match(text))
