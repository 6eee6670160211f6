"""A PDFium page that looks like a pdfplumber page to :mod:`.pdfpage`.

Why a second parser: pdfplumber reads pages through pdfminer, whose
content-stream tokenizer is pure Python; on a typical plan PDF it spends
90 % of its time there (5 s for 114 pages), and no amount of downstream care
gets a whole parse under pdfplumber's own ``extract_text`` time.  PDFium
(pypdfium2, which pdfplumber already depends on) parses the same pages in a
fraction of that.  This module reads each page's characters and vector
objects through PDFium's C API and presents them as pdfplumber's object
dicts (``char``, ``rect``, ``line``, ``curve``, ``image`` with pdfplumber's
coordinates: points, origin top-left, ``/Rotate`` applied), so that all the
page logic — fake-bold removal with pdfplumber's ``dedupe_chars``, line
building, pdfplumber's ``TableFinder`` on the edges — is shared by both
engines.  ``--engine pdfplumber`` keeps the pdfminer route (the tests run
both on the same PDFs and require identical outputs).

Character boxes follow pdfminer's convention: ``x0``/``x1`` are the origin
and the advance (PDFium's loose box), the vertical extent is the em box
``[baseline - size, baseline]``.
"""

from __future__ import annotations

import ctypes
import math

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from .pdfcheck import MAX_PAGE_CHARS, MAX_PAGE_SEGMENTS, PageSkipped

_TEXT, _PATH, _IMAGE, _FORM = (raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE,
                               raw.FPDF_PAGEOBJ_FORM)
_MOVETO, _LINETO, _BEZIERTO = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO, raw.FPDF_SEGMENT_BEZIERTO


_VP = ctypes.c_void_p


def key_of(handle) -> int:
    """A hashable identity for a PDFium object handle (its address)."""
    return _VP.from_buffer(handle).value or 0 if handle else 0


def _display_ctm(rotate: int, mb: tuple[float, float, float, float]) -> tuple[float, ...]:
    """User space → display space for a page's /Rotate (pdfminer's matrices)."""
    x0, y0, x1, y1 = mb
    if rotate == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


def _mul(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """Matrix product m·n (PDF convention: apply m, then n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


class PdfiumPage:
    """One page: ``objects`` (pdfplumber-shaped dicts), ``width``, ``height``,
    ``rotation``, ``page_number``."""

    def __init__(self, doc: pdfium.PdfDocument, page_number: int):
        self.page_number = page_number
        self._page = doc[page_number - 1]
        self.rotation = int(self._page.get_rotation() or 0) % 360
        mb = tuple(float(v) for v in self._page.get_mediabox())
        w, h = mb[2] - mb[0], mb[3] - mb[1]
        self.width, self.height = (h, w) if self.rotation in (90, 270) else (w, h)
        self._ctm = _display_ctm(self.rotation, mb)
        self._objects: dict[str, list[dict]] | None = None
        # budgets and unreadable text (issue 13), set when objects are read
        self.n_textobjs = 0
        self.n_dropped = 0                 # text objects in a non-embedded font the text page dropped
        self.dropped_fonts: set[str] = set()
        self.segments_dropped = 0
        self._segments = 0
        self._embedded: dict[int, tuple[bool, str]] = {}
        self._nonembedded: dict[int, str] = {}

    # -- coordinates ---------------------------------------------------------
    def _pt(self, x: float, y: float, m: tuple[float, ...] | None = None) -> tuple[float, float]:
        """User-space point (optionally through an object matrix ``m``) →
        pdfplumber (x, top)."""
        if m is not None:
            a, b, c, d, e, f = m
            x, y = a * x + c * y + e, b * x + d * y + f
        a, b, c, d, e, f = self._ctm
        return a * x + c * y + e, self.height - (b * x + d * y + f)

    def _box(self, pts: list[tuple[float, float]]) -> tuple[float, float, float, float]:
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        return min(xs), min(ys), max(xs), max(ys)

    # -- objects ---------------------------------------------------------------
    @property
    def objects(self) -> dict[str, list[dict]]:
        if self._objects is None:
            objs: dict[str, list[dict]] = {"char": [], "rect": [], "line": [], "curve": [], "image": [],
                                           "_text": []}
            chars = self._chars()
            n = raw.FPDFPage_CountObjects(self._page.raw)
            for i in range(n):
                self._walk(raw.FPDFPage_GetObject(self._page.raw, i), (1, 0, 0, 1, 0, 0), objs, 0)
            texts = objs.pop("_text")
            self.n_textobjs = len(texts)
            objs["char"] = self._restore_fake_bold(chars, texts)
            for c in objs["char"]:
                c.pop("_obj", None)
            self._objects = objs
        return self._objects

    def _restore_fake_bold(self, chars: list[dict], texts: list[tuple[int, tuple]]) -> list[dict]:
        """PDFium's text page drops a text object painted again a fraction of
        a point away (fake bold); pdfplumber keeps both copies and
        :mod:`.pdflines` counts them to set ``bold``.  Put the second copy
        back: an object no character refers to, lying within a point of one
        that characters do refer to, doubles that object's characters."""
        used = {c["_obj"] for c in chars}
        kept = [(a, b) for a, b in texts if a in used]
        extra: list[dict] = []
        for addr, (x0, y0, x1, y1) in texts:
            if addr in used:
                continue
            for k_addr, (kl, kb, kr, kt) in kept:
                if max(abs(x0 - kl), abs(y0 - kb), abs(x1 - kr), abs(y1 - kt)) <= 1.0 and \
                        abs((x1 - x0) - (kr - kl)) <= 0.5 and abs((y1 - y0) - (kt - kb)) <= 0.5:
                    dx, dy = self._pt(x0, y0)
                    ox, oy = self._pt(kl, kb)
                    for c in chars:
                        if c["_obj"] == k_addr:
                            d = dict(c)
                            d.update(x0=c["x0"] + dx - ox, x1=c["x1"] + dx - ox, top=c["top"] + dy - oy,
                                     bottom=c["bottom"] + dy - oy, doctop=c["top"] + dy - oy)
                            extra.append(d)
                    break
            else:
                if addr in self._nonembedded:
                    # a glyph run in a font that is not embedded and that PDFium
                    # could not map (no installed CJK font): its text is missing
                    self.n_dropped += 1
                    self.dropped_fonts.add(self._nonembedded[addr])
        return chars + extra

    def _chars(self) -> list[dict]:
        tp = raw.FPDFText_LoadPage(self._page.raw)
        out: list[dict] = []
        try:
            n = raw.FPDFText_CountChars(tp)
            if n > MAX_PAGE_CHARS:
                raise PageSkipped(f"{n:,} characters (limit {MAX_PAGE_CHARS:,})")
            rect = raw.FS_RECTF()
            mat = raw.FS_MATRIX()
            ox, oy = ctypes.c_double(), ctypes.c_double()
            fonts: dict[int, str] = {}
            buf = ctypes.create_string_buffer(256)
            prev_obj, name = -1, ""
            upright_page = self.rotation == 0
            e, f = self._ctm[4], self._ctm[5]
            H = self.height
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
                # PDFium reports the size set by Tf; a text matrix that scales
                # (``1 Tf`` + ``16 0 0 16 Tm``, common in WPS/Office exports)
                # makes the printed size Tf × the matrix's vertical scale, which
                # is what pdfminer calls the size
                size *= math.hypot(mat.c, mat.d) or 1.0
                tobj = raw.FPDFText_GetTextObject(tp, i)
                obj = _VP.from_buffer(tobj).value or 0 if tobj else 0
                if obj != prev_obj:
                    prev_obj = obj
                    font = raw.FPDFTextObj_GetFont(tobj) if tobj else None
                    key = _VP.from_buffer(font).value or 0 if font else 0
                    name = fonts.get(key)
                    if name is None:
                        name = ""
                        if font:
                            k = raw.FPDFFont_GetBaseFontName(font, buf, len(buf))
                            name = buf.value.decode("utf-8", "replace") if k else ""
                        fonts[key] = name
                if upright_page and mat.b == 0 and mat.c == 0 and mat.a > 0 and mat.d > 0:
                    # fast path: upright text on an unrotated page
                    x0, x1 = rect.left + e, rect.right + e
                    bottom = H - (oy.value + f)
                    ch = {"object_type": "char", "text": text, "x0": x0, "x1": x1, "top": bottom - size,
                          "bottom": bottom, "doctop": bottom - size, "size": size, "fontname": name,
                          "upright": True, "matrix": (mat.a, 0.0, 0, 0, 0, 0), "width": x1 - x0, "height": size}
                else:
                    ch = self._char(text, size, rect, ox.value, oy.value,
                                    (mat.a, mat.b, mat.c, mat.d, mat.e, mat.f), name)
                ch["_obj"] = obj
                out.append(ch)
        finally:
            raw.FPDFText_ClosePage(tp)
        return out

    def _char(self, text: str, size: float, rect, ox: float, oy: float, m: tuple[float, ...],
              fontname: str) -> dict:
        """General case (rotated or sheared text, rotated page): the em box
        ``[0, advance] × [0, size]`` in text space mapped to the page."""
        norm_u = math.hypot(m[0], m[1]) or 1.0
        norm_v = math.hypot(m[2], m[3]) or 1.0
        u = (m[0] / norm_u, m[1] / norm_u)
        v = (m[2] / norm_v, m[3] / norm_v)
        # advance: the loose box's extent along the text direction
        corners = [(rect.left, rect.bottom), (rect.right, rect.bottom), (rect.left, rect.top), (rect.right, rect.top)]
        proj = [(x - ox) * u[0] + (y - oy) * u[1] for x, y in corners]
        adv = max(0.0, max(proj))
        pts = [(ox + u[0] * s + v[0] * t, oy + u[1] * s + v[1] * t) for s in (0.0, adv) for t in (0.0, size)]
        x0, top, x1, bottom = self._box([self._pt(x, y) for x, y in pts])
        # the char's direction in display space (tells sideways text)
        a, b, c, d, _, _ = self._ctm
        dm = (m[0] * a + m[1] * c, m[0] * b + m[1] * d)
        return {"object_type": "char", "text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom,
                "doctop": top, "size": size, "fontname": fontname, "upright": abs(dm[1]) < 1e-6,
                "matrix": (dm[0], dm[1], 0, 0, 0, 0), "width": x1 - x0, "height": bottom - top}

    def _walk(self, obj, outer: tuple[float, ...], objs: dict[str, list[dict]], depth: int) -> None:
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == _TEXT:
            l_, b_, r_, t_ = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
            if raw.FPDFPageObj_GetBounds(obj, l_, b_, r_, t_):
                objs["_text"].append((key_of(obj), (l_.value, b_.value, r_.value, t_.value)))
                font = raw.FPDFTextObj_GetFont(obj)
                fk = key_of(font) if font else 0
                if fk not in self._embedded:
                    emb = bool(font) and raw.FPDFFont_GetIsEmbedded(font) == 1
                    buf = ctypes.create_string_buffer(128)
                    k = raw.FPDFFont_GetBaseFontName(font, buf, len(buf)) if font else 0
                    self._embedded[fk] = (emb, buf.value.decode("utf-8", "replace") if k else "?")
                emb, fname = self._embedded[fk]
                if not emb:
                    self._nonembedded[key_of(obj)] = fname
        elif kind == _PATH:
            self._path(obj, outer, objs)
        elif kind == _IMAGE:
            l_, b_, r_, t_ = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
            if raw.FPDFPageObj_GetBounds(obj, l_, b_, r_, t_):
                pts = [(l_.value, b_.value), (r_.value, t_.value), (l_.value, t_.value), (r_.value, b_.value)]
                x0, top, x1, bottom = self._box([self._pt(x, y, outer) for x, y in pts])
                objs["image"].append({"object_type": "image", "x0": x0, "top": top, "x1": x1, "bottom": bottom})
        elif kind == _FORM and depth < 8:
            fm = raw.FS_MATRIX()
            raw.FPDFPageObj_GetMatrix(obj, fm)
            m = _mul((fm.a, fm.b, fm.c, fm.d, fm.e, fm.f), outer)
            for i in range(raw.FPDFFormObj_CountObjects(obj)):
                self._walk(raw.FPDFFormObj_GetObject(obj, i), m, objs, depth + 1)

    def _path(self, obj, outer: tuple[float, ...], objs: dict[str, list[dict]]) -> None:
        nseg = raw.FPDFPath_CountSegments(obj)
        if self._segments + nseg > MAX_PAGE_SEGMENTS:
            self.segments_dropped += nseg          # a drawing bomb: its paths are not read
            return
        fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
        raw.FPDFPath_GetDrawMode(obj, fill_mode, stroke)
        fill, stroke = fill_mode.value != 0, bool(stroke.value)
        if not (fill or stroke):
            return
        self._segments += nseg
        fm = raw.FS_MATRIX()
        raw.FPDFPageObj_GetMatrix(obj, fm)
        m = _mul((fm.a, fm.b, fm.c, fm.d, fm.e, fm.f), outer)
        color = None
        if fill:
            r_, g_, b_, a_ = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
            if raw.FPDFPageObj_GetFillColor(obj, r_, g_, b_, a_):
                color = (r_.value / 255, g_.value / 255, b_.value / 255)
        # split into sub-paths of straight segments; a Bézier segment breaks
        # the run (only straight pieces can be table rules or box borders)
        subpaths: list[tuple[list[tuple[float, float]], bool]] = []
        cur: list[tuple[float, float]] = []
        closed = False
        x, y = ctypes.c_float(), ctypes.c_float()
        for i in range(nseg):
            seg = raw.FPDFPath_GetPathSegment(obj, i)
            raw.FPDFPathSegment_GetPoint(seg, x, y)
            p = self._pt(x.value, y.value, m)
            t = raw.FPDFPathSegment_GetType(seg)
            if t == _MOVETO or t == _BEZIERTO:
                if len(cur) > 1:
                    subpaths.append((cur, closed))
                cur, closed = [p], False
                continue
            cur.append(p)
            if raw.FPDFPathSegment_GetClose(seg):
                closed = True
        if len(cur) > 1:
            subpaths.append((cur, closed))
        for pts, closed in subpaths:
            self._shape(pts, closed, fill, stroke, color, objs)

    @staticmethod
    def _shape(pts, closed, fill, stroke, color, objs) -> None:
        xs = sorted({round(p[0], 2) for p in pts})
        ys = sorted({round(p[1], 2) for p in pts})
        x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
        axis_aligned = all(abs(a[0] - b[0]) < 0.01 or abs(a[1] - b[1]) < 0.01 for a, b in zip(pts, pts[1:]))
        if axis_aligned and len(xs) <= 2 and len(ys) <= 2 and len(pts) >= 4:
            objs["rect"].append({"object_type": "rect", "x0": x0, "top": top, "x1": x1, "bottom": bottom,
                                 "stroke": stroke, "fill": fill, "non_stroking_color": color})
        elif len(pts) == 2:
            if stroke:
                objs["line"].append({"object_type": "line", "x0": x0, "top": top, "x1": x1, "bottom": bottom,
                                     "stroke": stroke})
            elif fill:
                return
        else:
            objs["curve"].append({"object_type": "curve", "x0": x0, "top": top, "x1": x1, "bottom": bottom,
                                  "stroke": stroke, "fill": fill, "pts": list(pts) + ([pts[0]] if closed else []),
                                  "non_stroking_color": color})

    def close(self) -> None:
        self._objects = None
        self._page.close()
