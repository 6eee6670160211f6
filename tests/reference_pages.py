"""Reference implementations of the per-character page code, for
differential tests (tests/test_pdf_engines.py).

:mod:`pipeline.extract.pdflines` and :mod:`pipeline.extract.pdfium` are
written for speed (columns pulled out with C-level ``map``, PDFium called
directly, font properties read once per text object).  These are the plain
versions they replaced — one loop over the character dicts, every PDFium
attribute asked per character through pypdfium2's typed bindings — kept
here verbatim in behaviour, so that the tests can require the fast code to
give exactly (float for float) the same lines and pages on every PDF.
"""

from __future__ import annotations

import ctypes
import math
from collections import Counter

import pypdfium2.raw as raw

from pipeline import cjk
from pipeline.extract import pdflines
from pipeline.extract.pdflines import RawLine, font_family, is_bold_font


def cluster_rows(chars: list[dict]) -> list[list[dict]]:
    if not chars:
        return []
    rows: list[list[dict]] = []
    cur: list[dict] = []
    top = bottom = 0.0
    for c in sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"])):
        h = max(c["bottom"] - c["top"], 0.1)
        if cur:
            overlap = min(bottom, c["bottom"]) - max(top, c["top"])
            if overlap >= 0.5 * min(h, bottom - top):
                cur.append(c)
                top, bottom = min(top, c["top"]), max(bottom, c["bottom"])
                continue
            rows.append(cur)
        cur = [c]
        top, bottom = c["top"], c["bottom"]
    rows.append(cur)
    for r in rows:
        r.sort(key=lambda c: c["x0"])
    return rows


def _dedupe(row: list[dict]) -> tuple[list[dict], int]:
    from pdfplumber.utils import dedupe_chars

    size = max(c["size"] for c in row)
    tol = max(1.0, 0.08 * size)
    if not any(a["text"] == b["text"] and b["x0"] - a["x0"] <= tol and abs(b["top"] - a["top"]) <= tol
               for a, b in zip(row, row[1:])):
        return row, 0
    kept = dedupe_chars(row, tolerance=tol, extra_attrs=("fontname",))
    return kept, len(row) - len(kept)


def build_line(row: list[dict]) -> RawLine | None:
    kind = pdflines._kind
    chars, dupes = _dedupe(row)
    glyphs = [c for c in chars if not c["text"].isspace() and c["text"] != ""]
    if not glyphs:
        return None
    sizes = Counter(round(c["size"], 1) for c in glyphs)
    size = max(sizes.items(), key=lambda kv: (kv[1], kv[0]))[0]
    fonts = Counter(c["fontname"] for c in glyphs)
    font = fonts.most_common(1)[0][0]
    gaps = [b["x0"] - a["x1"] for a, b in zip(glyphs, glyphs[1:])]
    normal = sorted(gaps)[len(gaps) // 2] if gaps else 0.0
    normal = max(0.0, min(normal, 0.5 * size))
    out: list[str] = []
    prev = None
    space_glyph = False
    for c in chars:
        t = c["text"]
        if t.isspace() or t == "":
            space_glyph = space_glyph or t.isspace()
            continue
        if prev is not None:
            gap = c["x0"] - prev["x1"]
            em = max(prev["size"], c["size"])
            a, b = kind(prev["text"][-1]), kind(t[0])
            if a == "wide" and b == "wide":
                want = gap - normal >= (0.15 if space_glyph else 0.8) * em
            elif a == "latin" and b == "latin":
                want = space_glyph or gap >= 0.2 * em
            else:
                want = (space_glyph and gap >= 0.1 * em) or gap >= 0.3 * em
            if want:
                out.append(" ")
        out.append(t)
        prev = c
        space_glyph = False
    text = cjk.normalize_text("".join(out)).strip()
    if not text:
        return None
    bold_name = sum(n for f, n in fonts.items() if is_bold_font(f)) * 2 > len(glyphs)
    fake_bold = dupes * 2 >= len(glyphs)
    return RawLine(
        text=text,
        x0=min(c["x0"] for c in glyphs), x1=max(c["x1"] for c in glyphs),
        top=min(c["top"] for c in glyphs), bottom=max(c["bottom"] for c in glyphs),
        font_size=float(size), font_name=font_family(font), bold=bold_name or fake_bold,
        n_chars=len(glyphs), n_dupes=dupes)


def pdfium_chars(page) -> tuple[list[dict], list[int]]:
    """``PdfiumPage._chars``, every attribute asked per character."""
    tp = raw.FPDFText_LoadPage(page._page.raw)
    out: list[dict] = []
    owners: list[int] = []
    vp = ctypes.c_void_p
    try:
        n = raw.FPDFText_CountChars(tp)
        rect = raw.FS_RECTF()
        mat = raw.FS_MATRIX()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        buf = ctypes.create_string_buffer(256)
        e, f = page._ctm[4], page._ctm[5]
        for i in range(n):
            code = raw.FPDFText_GetUnicode(tp, i)
            if code in (13, 10, 2, 0xFFFE) or ((code == 32 or code == 0) and raw.FPDFText_IsGenerated(tp, i)):
                continue
            if code == 0 or raw.FPDFText_HasUnicodeMapError(tp, i) == 1:
                text = f"(cid:{code})"
            else:
                try:
                    text = chr(code)
                except ValueError:
                    text = f"(cid:{code})"
            size = float(raw.FPDFText_GetFontSize(tp, i))
            raw.FPDFText_GetLooseCharBox(tp, i, rect)
            raw.FPDFText_GetCharOrigin(tp, i, ox, oy)
            raw.FPDFText_GetMatrix(tp, i, mat)
            size *= math.hypot(mat.c, mat.d) or 1.0      # Tf × the text matrix's vertical scale
            tobj = raw.FPDFText_GetTextObject(tp, i)
            obj = vp.from_buffer(tobj).value or 0 if tobj else 0
            font = raw.FPDFTextObj_GetFont(tobj) if tobj else None
            name = ""
            if font:
                k = raw.FPDFFont_GetBaseFontName(font, buf, len(buf))
                name = buf.value.decode("utf-8", "replace") if k else ""
            if page.rotation == 0 and mat.b == 0 and mat.c == 0 and mat.a > 0 and mat.d > 0:
                x0, x1 = rect.left + e, rect.right + e
                bottom = page.height - (oy.value + f)
                ch = {"text": text, "x0": x0, "x1": x1, "top": bottom - size, "bottom": bottom,
                      "doctop": bottom - size, "size": size, "fontname": name, "upright": True,
                      "matrix": (mat.a, 0.0, 0, 0, 0, 0)}
            else:
                ch = page._char(text, size, rect, ox.value, oy.value, (mat.a, mat.b, mat.c, mat.d, mat.e, mat.f),
                                name)
            out.append(ch)
            owners.append(obj)
    finally:
        raw.FPDFText_ClosePage(tp)
    return out, owners


def use_reference(monkeypatch) -> None:
    """Swap the fast implementations for these (pytest ``monkeypatch``)."""
    from pipeline.extract import pdfium, pdfpage, pdfregions

    monkeypatch.setattr(pdflines, "cluster_rows", cluster_rows)
    monkeypatch.setattr(pdflines, "build_line", build_line)
    monkeypatch.setattr(pdfpage, "cluster_rows", cluster_rows)
    monkeypatch.setattr(pdfregions, "cluster_rows", cluster_rows)
    monkeypatch.setattr(pdfium.PdfiumPage, "_chars", pdfium_chars)


def chars_to_lines(chars: list[dict], *, split_gap_em: float | None = None) -> list[RawLine]:
    """``pdflines.chars_to_lines`` over the reference row and line code."""
    out: list[RawLine] = []
    for row in cluster_rows(chars):
        parts = pdflines.split_at_gaps(row, split_gap_em) if split_gap_em else [row]
        seg = 0
        for part in parts:
            ln = build_line(part)
            if ln is None:
                continue
            ln.segment = seg
            seg += 1
            out.append(ln)
    return out
