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


class _Handle(ctypes.c_void_p):
    """A PDFium handle returned by a direct call: a ``c_void_p`` subclass, so
    ctypes hands it back as is (passable as an argument without conversion);
    ``.value`` is its address."""


def _direct(name: str, restype):
    """PDFium's ``name`` as a private ctypes function object without
    ``argtypes``: half the per-call cost of pypdfium2's typed bindings,
    which matters in the per-character loop.  Callers pass only ctypes
    instances (handles, ``byref`` out-parameters) and ``int`` indices that
    fit a C ``int``.  None when the bindings do not expose the library
    (the typed functions are used then)."""
    try:
        from pypdfium2_raw import bindings

        fn = bindings._libs["pdfium"][name]        # a fresh object: its types are ours alone
    except (ImportError, AttributeError, KeyError, TypeError):
        return None
    fn.argtypes = None
    fn.restype = restype
    return fn


_GET_UNICODE = _direct("FPDFText_GetUnicode", ctypes.c_uint)
_IS_GENERATED = _direct("FPDFText_IsGenerated", ctypes.c_int)
_MAP_ERROR = _direct("FPDFText_HasUnicodeMapError", ctypes.c_int)
_TEXT_OBJECT = _direct("FPDFText_GetTextObject", ctypes.c_void_p)      # → address (int) or None
_LOOSE_BOX = _direct("FPDFText_GetLooseCharBox", ctypes.c_int)
_ORIGIN = _direct("FPDFText_GetCharOrigin", ctypes.c_int)
_COUNT_CHARS = _direct("FPDFText_CountChars", ctypes.c_int)
_FONT_SIZE = _direct("FPDFText_GetFontSize", ctypes.c_double)
_CHAR_MATRIX = _direct("FPDFText_GetMatrix", ctypes.c_int)
_TEXT_FONT = _direct("FPDFTextObj_GetFont", ctypes.c_void_p)            # → address (int) or None
_PAGE_OBJECT = _direct("FPDFPage_GetObject", _Handle)
_OBJECT_TYPE = _direct("FPDFPageObj_GetType", ctypes.c_int)
_OBJECT_BOUNDS = _direct("FPDFPageObj_GetBounds", ctypes.c_int)
_FAST = None not in (_GET_UNICODE, _IS_GENERATED, _MAP_ERROR, _TEXT_OBJECT, _LOOSE_BOX, _ORIGIN, _COUNT_CHARS,
                     _FONT_SIZE, _CHAR_MATRIX, _TEXT_FONT, _PAGE_OBJECT, _OBJECT_TYPE, _OBJECT_BOUNDS)


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


_FONT_NAME_BUF = 256


def _props(size: float, mat, font: int, fonts: dict[int, str]) -> tuple:
    """(font size, font name, text matrix, fast-path matrix or None) of one
    text object, from its first character's size and matrix and its font
    (address; names are cached per font)."""
    m = (mat.a, mat.b, mat.c, mat.d, mat.e, mat.f)
    # PDFium reports the size set by Tf; a text matrix that scales (``1 Tf`` +
    # ``16 0 0 16 Tm``, common in WPS/Office exports) prints it Tf × the
    # matrix's vertical scale, which is what pdfminer calls the size
    size *= math.hypot(mat.c, mat.d) or 1.0
    name = ""
    if font:
        name = fonts.get(font)
        if name is None:
            buf = ctypes.create_string_buffer(_FONT_NAME_BUF)
            k = raw.FPDFFont_GetBaseFontName(ctypes.cast(font, raw.FPDF_FONT), buf, len(buf))
            name = fonts[font] = buf.value.decode("utf-8", "replace") if k else ""
    # the matrix pdfplumber gives an upright char (only its scale matters)
    fast = (mat.a, 0.0, 0, 0, 0, 0) if mat.b == 0 and mat.c == 0 and mat.a > 0 and mat.d > 0 else None
    return size, name, m, fast


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
            objs: dict[str, list[dict]] = {"char": [], "rect": [], "line": [], "curve": [], "image": []}
            texts: list[tuple[int, tuple]] = []
            chars, owners = self._chars()
            page = self._page.raw
            n = raw.FPDFPage_CountObjects(page)
            if _FAST:
                # text objects (nearly all objects of a text page) only need
                # their bounds, read directly; the others go through _walk
                l_, b_, r_, t_ = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
                bounds = (ctypes.byref(l_), ctypes.byref(b_), ctypes.byref(r_), ctypes.byref(t_))
                for i in range(n):
                    h = _PAGE_OBJECT(page, i)
                    if _OBJECT_TYPE(h) == _TEXT:
                        if _OBJECT_BOUNDS(h, *bounds):
                            texts.append((h.value or 0, (l_.value, b_.value, r_.value, t_.value)))
                    else:
                        self._walk(ctypes.cast(h, raw.FPDF_PAGEOBJECT), (1, 0, 0, 1, 0, 0), objs, texts, 0)
            else:
                for i in range(n):
                    self._walk(raw.FPDFPage_GetObject(page, i), (1, 0, 0, 1, 0, 0), objs, texts, 0)
            self.n_textobjs = len(texts)
            objs["char"] = self._restore_fake_bold(chars, owners, texts)
            self._objects = objs
        return self._objects

    def _restore_fake_bold(self, chars: list[dict], owners: list[int], texts: list[tuple[int, tuple]]) -> list[dict]:
        """PDFium's text page drops a text object painted again a fraction of
        a point away (fake bold); pdfplumber keeps both copies and
        :mod:`.pdflines` counts them to set ``bold``.  Put the second copy
        back: an object no character refers to, lying within a point of one
        that characters do refer to, doubles that object's characters
        (``owners[i]``: the text object of ``chars[i]``)."""
        used = set(owners)
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
                    for c, o in zip(chars, owners):
                        if o == k_addr:
                            d = dict(c)
                            d.update(x0=c["x0"] + dx - ox, x1=c["x1"] + dx - ox, top=c["top"] + dy - oy,
                                     bottom=c["bottom"] + dy - oy, doctop=c["top"] + dy - oy)
                            extra.append(d)
                    break
            else:
                self._check_dropped(addr)
        return chars + extra

    def _check_dropped(self, addr: int) -> None:
        """A text object no character refers to and that is no fake-bold copy:
        if its font is not embedded, PDFium could not map it to Unicode (no
        CJK system font installed) and its text is missing — counted, with
        the font's name, for a finding (issue 13)."""
        obj = ctypes.cast(ctypes.c_void_p(addr), raw.FPDF_PAGEOBJECT)
        font = raw.FPDFTextObj_GetFont(obj)
        if not font or raw.FPDFFont_GetIsEmbedded(font) == 1:
            return
        buf = ctypes.create_string_buffer(_FONT_NAME_BUF)
        k = raw.FPDFFont_GetBaseFontName(font, buf, len(buf))
        self.n_dropped += 1
        self.dropped_fonts.add(buf.value.decode("utf-8", "replace") if k else "?")

    def _chars(self) -> tuple[list[dict], list[int]]:
        """The page's characters as char dicts (``text``, ``x0``, ``x1``,
        ``top``, ``bottom``, ``doctop``, ``size``, ``fontname``, ``upright``,
        ``matrix`` — the keys the page logic reads), in PDFium's text-page
        order, and the address of each one's text object.

        Per character PDFium is asked only what differs between the
        characters of one text object: the code point (and whether it is
        mapped), the text object, the loose box and the origin.  Font name,
        font size and matrix are a property of the text object (one font,
        one text matrix per show operation) and are read once per object,
        from its first character."""
        tp = raw.FPDFText_LoadPage(self._page.raw)
        try:
            if not _FAST:
                return self._chars_typed(tp)
            h = _VP(ctypes.cast(tp, _VP).value)
            n = _COUNT_CHARS(h)
            if n > MAX_PAGE_CHARS:
                raise PageSkipped(f"{n:,} characters (limit {MAX_PAGE_CHARS:,})")
            rect = raw.FS_RECTF()
            ox, oy = ctypes.c_double(), ctypes.c_double()
            r_rect, r_ox, r_oy = ctypes.byref(rect), ctypes.byref(ox), ctypes.byref(oy)
            get_unicode, is_generated, map_error = _GET_UNICODE, _IS_GENERATED, _MAP_ERROR
            text_object, loose_box, origin = _TEXT_OBJECT, _LOOSE_BOX, _ORIGIN
            mat = raw.FS_MATRIX()
            r_mat = ctypes.byref(mat)
            objects: dict[int, tuple] = {}
            fonts: dict[int, str] = {}
            upright_page = self.rotation == 0
            e, f = self._ctm[4], self._ctm[5]
            H = self.height
            out: list[dict] = []
            owners: list[int] = []
            append, own = out.append, owners.append
            for i in range(n):
                code = get_unicode(h, i)
                if code in (13, 10, 2, 0xFFFE) or ((code == 32 or code == 0) and is_generated(h, i)):
                    continue
                if code == 0 or map_error(h, i) == 1:
                    text = f"(cid:{code})"
                else:
                    try:
                        text = chr(code)
                    except ValueError:
                        text = f"(cid:{code})"
                obj = text_object(h, i) or 0
                props = objects.get(obj) if obj else None
                if props is None:
                    _CHAR_MATRIX(h, i, r_mat)
                    font = _TEXT_FONT(_VP(obj)) if obj else None
                    props = _props(float(_FONT_SIZE(h, i)), mat, font or 0, fonts)
                    if obj:
                        objects[obj] = props
                size, name, m, fast = props
                loose_box(h, i, r_rect)
                origin(h, i, r_ox, r_oy)
                if fast and upright_page:
                    # upright text on an unrotated page
                    x0, x1 = rect.left + e, rect.right + e
                    bottom = H - (oy.value + f)
                    top = bottom - size
                    append({"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                            "size": size, "fontname": name, "upright": True, "matrix": fast})
                else:
                    append(self._char(text, size, rect, ox.value, oy.value, m, name))
                own(obj)
            return out, owners
        finally:
            raw.FPDFText_ClosePage(tp)

    def _chars_typed(self, tp) -> tuple[list[dict], list[int]]:
        """:meth:`_chars` through pypdfium2's typed bindings (used when the
        library handle is not reachable)."""
        out: list[dict] = []
        owners: list[int] = []
        n = raw.FPDFText_CountChars(tp)
        if n > MAX_PAGE_CHARS:
            raise PageSkipped(f"{n:,} characters (limit {MAX_PAGE_CHARS:,})")
        rect = raw.FS_RECTF()
        mat = raw.FS_MATRIX()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        objects: dict[int, tuple] = {}
        fonts: dict[int, str] = {}
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
            tobj = raw.FPDFText_GetTextObject(tp, i)
            obj = key_of(tobj)
            props = objects.get(obj) if obj else None
            if props is None:
                raw.FPDFText_GetMatrix(tp, i, mat)
                font = raw.FPDFTextObj_GetFont(tobj) if tobj else None
                props = _props(float(raw.FPDFText_GetFontSize(tp, i)), mat, key_of(font), fonts)
                if obj:
                    objects[obj] = props
            size, name, m, fast = props
            raw.FPDFText_GetLooseCharBox(tp, i, rect)
            raw.FPDFText_GetCharOrigin(tp, i, ox, oy)
            if fast and self.rotation == 0:
                x0, x1 = rect.left + self._ctm[4], rect.right + self._ctm[4]
                bottom = self.height - (oy.value + self._ctm[5])
                out.append({"text": text, "x0": x0, "x1": x1, "top": bottom - size, "bottom": bottom,
                            "doctop": bottom - size, "size": size, "fontname": name, "upright": True,
                            "matrix": fast})
            else:
                out.append(self._char(text, size, rect, ox.value, oy.value, m, name))
            owners.append(obj)
        return out, owners

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

    def _walk(self, obj, outer: tuple[float, ...], objs: dict[str, list[dict]], texts: list, depth: int) -> None:
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == _TEXT:
            l_, b_, r_, t_ = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
            if raw.FPDFPageObj_GetBounds(obj, l_, b_, r_, t_):
                texts.append((key_of(obj), (l_.value, b_.value, r_.value, t_.value)))
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
                self._walk(raw.FPDFFormObj_GetObject(obj, i), m, objs, texts, depth + 1)

    def _path(self, obj, outer: tuple[float, ...], objs: dict[str, list[dict]]) -> None:
        nseg = raw.FPDFPath_CountSegments(obj)
        if self._segments + nseg > MAX_PAGE_SEGMENTS:
            self.segments_dropped += nseg          # a drawing bomb: its paths are not read
            return
        self._segments += nseg
        fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
        raw.FPDFPath_GetDrawMode(obj, fill_mode, stroke)
        fill, stroke = fill_mode.value != 0, bool(stroke.value)
        if not (fill or stroke):
            return
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
