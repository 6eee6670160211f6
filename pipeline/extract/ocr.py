"""OCR: text that is only a picture → characters on the page, read by the
same page logic as a text layer.

Plans put text in images: a scanned page, a 专栏 or an indicator table set as
a picture.  For every image of a page (:func:`.pdfpage.page_images`) this
module decides what becomes of it (:class:`~pipeline.model.PageImage`
``status``) and, when it is read, turns it into **characters** — the same
pdfplumber-shaped dicts a text layer gives — plus the **rules** (table grid
lines, box frames) and **shadings** drawn in the picture, so that
:func:`.pdfpage.extract_page` builds lines, boxes and tables from them
exactly as from vector objects.  Structure, 专栏 and tables then work on
OCR text unchanged.

* **Engine**: RapidOCR (PP-OCR detection + recognition models on ONNX
  Runtime), the models shipped inside the ``rapidocr`` wheel and loaded from
  there by path — nothing is downloaded at run time (a download attempt is
  an error).  The ``ocr`` extra installs it (``pip install .[ocr]``); without
  it, images that may hold text are recorded as ``not_read`` and become
  validation warnings.  Why RapidOCR and not Tesseract: README, "OCR".
* **Which images** (``--ocr auto``, the default): a page without a text layer
  whose image covers most of it (a scan), and pictures that look like text
  (:func:`looks_like_text`: mostly paper-coloured with dark strokes, not a
  photo, not blank).  ``always`` reads every page as a picture (for a PDF
  whose text layer is broken) and every image whatever it looks like;
  ``never`` reads nothing (images are still recorded).
* **Rendering**: the page is rendered once by PDFium at :data:`DPI` (chosen
  by measurement, README "OCR") and the pictures are cropped from it.
* **Orientation**: a scan set sideways or upside down is read in the
  orientation in which the engine is most confident; its characters carry
  the text direction, so the page's reading frame is turned as for a
  sideways annex (:func:`.pdfpage.reading_frame`).
* **Geometry**: each engine line gives per-character positions; a line's
  font size is estimated from the height of its ink band (snapped to the
  size shared by the page's lines of about that height, then to the
  Chinese type-size ladder 字号), boldness from its stroke density, so
  indents, gaps, emphasis and margins are measured as for a text layer.
* **Confusions** of OCR in this vocabulary are normalised by
  :func:`pipeline.cjk.normalize_ocr`.

Every line made from OCR text carries ``ocr=True`` and its confidence.
"""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass

from .. import cjk, lazy
from ..model import PageImage
from .pdfpage import PageResult, extract_page, reading_frame

np = lazy.module("numpy")      # only OCR work needs numpy: a PDF without pictures never imports it

log = logging.getLogger(__name__)

MODES = ("auto", "always", "never")

#: Rendering resolution for OCR.  PP-OCR reads a text line scaled to 48 px
#: high; 200 dpi puts 9 pt annex-table text at 25 px and body text (12-16 pt)
#: at 33-44 px, where recognition is as good as at any higher resolution
#: (README, "OCR": accuracy and speed per resolution measured on the seed).
DPI = 200
#: Resolution at which the engine *finds* text lines (each line is then read
#: from the :data:`DPI` rendering).  Detection cost grows with the pixels and
#: needs less resolution than recognition: the smallest type of the family
#: (9 pt annex tables) is 19 px high at 150 dpi.  Over the whole scanned seed
#: plan, detection at 150 dpi reads what 200 dpi reads (all 50 indicator rows
#: where 200 dpi read 49) in 35 % less time; at 100 dpi a dash between two
#: ideographs is read as 一 once more often (README, "OCR", "Resolution").
DET_DPI = 150
#: Resolution of the quick look that decides whether a picture holds text.
LOOK_DPI = 72
#: Font name given to OCR characters (``OCR-Bold`` when the strokes are heavy).
OCR_FONT = "OCR"
#: An image smaller than this (points) cannot hold a line of text.
MIN_TEXT_PT = 6.0
#: Lines the engine reads with less confidence are dropped (noise, stray marks).
MIN_SCORE = 0.5

#: Chinese type sizes (字号, in points) and the usual Western ones: a size
#: estimated from a picture is snapped to the nearest of these.
TYPE_SIZES = (5.0, 5.5, 6.5, 7.5, 8.0, 9.0, 10.0, 10.5, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 18.0, 20.0,
              22.0, 24.0, 26.0, 28.0, 32.0, 36.0, 42.0, 48.0)
#: Ink band of a CJK text line (rows holding at least a quarter of the peak
#: ink) relative to its em size — a property of Chinese type (the ideographs
#: fill about 0.9 em), measured on the seed's 12-22 pt text (README, "OCR").
INK_BAND_EM = 0.86


def unavailable() -> str | None:
    """None when the OCR engine can run, else why not (in words)."""
    for mod in ("rapidocr", "onnxruntime", "cv2"):
        if importlib.util.find_spec(mod) is None:
            return "the OCR engine is not installed (pip install 'plan-pipeline[ocr]')"
    return None


def engine_id() -> str:
    """Engine and version (part of the page-cache key)."""
    if unavailable():
        return "none"
    from importlib.metadata import version

    return f"rapidocr-{version('rapidocr')}-ort-{version('onnxruntime')}"


# --------------------------------------------------------------------------
# the engine
# --------------------------------------------------------------------------

_ENGINE = None


def _no_download(*_a, **_k):
    raise RuntimeError("RapidOCR tried to download a model; the models must come with the package")


def engine():
    """The RapidOCR engine of this process (created on first use: each page
    worker has its own; one inference thread each, so that results do not
    depend on ``--jobs``)."""
    global _ENGINE
    if _ENGINE is None:
        from pathlib import Path

        import rapidocr
        from rapidocr import RapidOCR
        from rapidocr.utils import download_file

        download_file.DownloadFile.run = staticmethod(_no_download)     # never fetch anything
        models = Path(rapidocr.__file__).parent / "models"
        det = sorted(models.glob("*det*.onnx"))
        rec = sorted(models.glob("*rec*.onnx"))
        cls = sorted(models.glob("*cls*.onnx"))
        if not det or not rec or not cls:
            raise RuntimeError(f"the RapidOCR package has no models in {models}")
        params = {
            "Global.log_level": "error", "Global.use_cls": False, "Global.return_word_box": True,
            "Global.text_score": MIN_SCORE,
            "Det.model_path": str(det[-1]), "Rec.model_path": str(rec[-1]), "Cls.model_path": str(cls[-1]),
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            # the longest side is capped per call (:func:`_detect_at`): detection at DET_DPI
            "Det.limit_type": "max",
        }
        _ENGINE = RapidOCR(params=params)
    return _ENGINE


@dataclass(slots=True)
class OcrLine:
    """One line read by the engine, in pixels of the image it was read from."""

    text: str
    score: float
    x0: float
    top: float
    x1: float
    bottom: float
    chars: list[tuple[str, float, float]]   # (char, x0, x1) in pixels


def read(gray: np.ndarray) -> list[OcrLine]:
    """OCR a grayscale image (H×W uint8): its lines with per-character x
    extents, normalised (:func:`cjk.normalize_ocr`)."""
    if gray.size == 0 or min(gray.shape[:2]) < 8:
        return []
    rgb = np.ascontiguousarray(np.stack([gray] * 3, axis=-1))
    eng = engine()
    _detect_at(eng, max(gray.shape[:2]) * DET_DPI / DPI)
    # the engine keeps the flags of its last call: give them every time
    res = eng(rgb, use_det=True, use_cls=False, use_rec=True, return_word_box=True)
    if res is None or res.boxes is None or not res.txts:
        return []
    out = []
    words = res.word_results or [None] * len(res.txts)
    for box, txt, score, wr in zip(res.boxes, res.txts, res.scores, words):
        if score < MIN_SCORE or not txt.strip():
            continue
        xs, ys = box[:, 0], box[:, 1]
        x0, x1, top, bottom = float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max())
        chars = _expand(_char_extents(txt, wr, x0, x1))
        text = cjk.normalize_ocr("".join(c for c, _, _ in chars))
        if len(text) != len(chars):      # normalize_ocr maps one character to one character
            raise AssertionError("normalize_ocr changed the length of an OCR line")
        chars = [(t, a, b) for t, (_, a, b) in zip(text, chars)]
        out.append(OcrLine(text, float(score), x0, top, x1, bottom, chars))
    return out


def _detect_at(eng, side: float) -> None:
    """Let the engine's detector see the image shrunk to ``side`` pixels on
    its longest side (never enlarged).  RapidOCR reads the detector's limit
    on every call but takes it only from its configuration; the detector is
    created on first use, so it is created here to set it."""
    det = eng.text_det if getattr(eng, "text_det", None) is not None else eng._load_det_model()
    det.limit_side_len = max(int(round(side)), 32)


def _expand(chars: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    """Characters the engine reads for several printed ones
    (:data:`pipeline.cjk.OCR_EXPAND`: ``Ⅲ`` → ``III``), their box shared."""
    out = []
    for t, a, b in chars:
        e = cjk.OCR_EXPAND.get(t)
        if e is None:
            out.append((t, a, b))
            continue
        step = (b - a) / len(e)
        out += [(c, a + k * step, a + (k + 1) * step) for k, c in enumerate(e)]
    return out


def _char_extents(txt: str, words, x0: float, x1: float) -> list[tuple[str, float, float]]:
    """Per-character x extents of a line (pixels; spaces of the text kept as
    ``" "`` pieces): from the engine's word positions, each word's box shared
    among its characters by display width; without them spread over the
    line's box."""
    pieces: list[tuple[str, float, float]] = []
    if words:
        for w in words:
            t, b = w[0].strip(), np.asarray(w[2], dtype=float)
            if not t:
                continue
            bx0, bx1 = float(b[:, 0].min()), float(b[:, 0].max())
            widths = [cjk.char_width(c) for c in t]
            tot = sum(widths) or 1.0
            pos = bx0
            for c, wd in zip(t, widths):
                step = (bx1 - bx0) * wd / tot
                pieces.append((c, pos, pos + step))
                pos += step
    if not pieces or "".join(p[0] for p in pieces) != "".join(txt.split()):
        text = "".join(txt.split())
        widths = [cjk.char_width(c) for c in text]
        tot = sum(widths) or 1.0
        pieces, pos = [], x0
        for c, wd in zip(text, widths):
            step = (x1 - x0) * wd / tot
            pieces.append((c, pos, pos + step))
            pos += step
    # the text's own spaces (between Latin words) come back as space pieces
    out: list[tuple[str, float, float]] = []
    k = 0
    for ch in txt.strip():
        if ch.isspace():
            if out and out[-1][0] != " ":
                out.append((" ", out[-1][2], out[-1][2]))
            continue
        if k < len(pieces):
            out.append(pieces[k])
            k += 1
    return out


# --------------------------------------------------------------------------
# looking at pictures
# --------------------------------------------------------------------------


def paper_and_ink(gray: np.ndarray) -> tuple[float, np.ndarray]:
    """(paper grey level, ink mask) of a picture: the paper is the bright end
    of the histogram, ink what is clearly darker."""
    paper = float(np.percentile(gray, 90))
    thresh = max(min(paper - 70.0, 0.72 * paper), 40.0)
    return paper, gray < thresh


def looks_like_text(gray: np.ndarray) -> bool:
    """A picture that may hold text: mostly paper-coloured (not a photo or a
    dark picture), with dark strokes covering a small share of it (not
    blank, not a solid area), and crossed by many strokes along its rows —
    a row through a line of text meets a stroke every few points (at least
    :data:`TEXT_RUNS` dark runs in the busiest tenth of the inked rows),
    a row through a line drawing, a frame or a chart's curves only a few."""
    if gray.size == 0 or min(gray.shape[:2]) < 6:
        return False
    paper, ink = paper_and_ink(gray)
    if paper < 140:
        return False
    if np.mean(gray >= paper - 40) < 0.5:
        return False
    share = float(ink.mean())
    if not 0.002 <= share <= 0.45:
        return False
    starts = (np.diff(ink.astype(np.int8), axis=1) == 1).sum(axis=1) + ink[:, 0]
    inked = starts[ink.any(axis=1)]
    if inked.size == 0:
        return False
    return float(np.percentile(inked, 90)) >= TEXT_RUNS


#: Dark runs along a row that only text gives (see :func:`looks_like_text`):
#: measured at :data:`LOOK_DPI`, a row through a line of 2-3 ideographs
#: already meets ~10, a line drawing's rows at most 6.
TEXT_RUNS = 9


def _ink_band(ink: np.ndarray) -> tuple[int, int] | None:
    """First and last row (inclusive) holding at least a quarter of the peak
    ink of a line crop."""
    rows = ink.sum(axis=1)
    if rows.max() <= 0:
        return None
    hit = np.nonzero(rows >= 0.25 * rows.max())[0]
    return int(hit[0]), int(hit[-1])


def snap_size(pt: float) -> float:
    """The type size (:data:`TYPE_SIZES`) nearest to an estimated size."""
    return min(TYPE_SIZES, key=lambda s: (abs(s - pt), s))


def _sizes(estimates: list[float], weights: list[int] | None = None) -> list[float]:
    """One size per group of lines of about the same estimated size: the
    estimates sorted and cut where two neighbours differ by more than 6 %,
    each group given its (character-weighted) median snapped to the type-size
    ladder — lines of one size get one size although each estimate is off by
    a pixel or two.  A line of a few characters (its estimate is noisy) takes
    the size of the nearest group of longer lines within 12 %."""
    if not estimates:
        return []
    weights = weights or [1] * len(estimates)
    order = sorted(range(len(estimates)), key=lambda i: estimates[i])
    groups: list[list[int]] = [[order[0]]]
    for i in order[1:]:
        if estimates[i] <= estimates[groups[-1][-1]] * 1.06:
            groups[-1].append(i)
        else:
            groups.append([i])
    out = [0.0] * len(estimates)
    solid: list[float] = []
    for g in groups:
        vals = sorted((estimates[i], weights[i]) for i in g)
        half, acc, med = sum(w for _, w in vals) / 2, 0, vals[-1][0]
        for v, w in vals:
            acc += w
            if acc >= half:
                med = v
                break
        size = snap_size(med)
        for i in g:
            out[i] = size
        if sum(weights[i] for i in g) >= 20:
            solid.append(size)
    for i, (e, w) in enumerate(zip(estimates, weights)):
        if w < 6 and solid:
            near = min(solid, key=lambda s: abs(s - e))
            if abs(near - e) <= 0.12 * near:
                out[i] = near
    return out


# --------------------------------------------------------------------------
# rules and shadings drawn in a picture
# --------------------------------------------------------------------------

#: A drawn horizontal rule is at least this long (points; longer than any
#: stroke of an ideograph up to 22 pt type) and at most this thick.  A
#: vertical rule may be as short as one table row (:data:`VRULE_MIN_PT`)
#: but then must run between two horizontal rules (a grid), as the vertical
#: strokes of ideographs never do; one longer than any glyph is kept alone.
RULE_MIN_PT = 24.0
RULE_MAX_PT = 2.5
VRULE_MIN_PT = 8.0


def _components(u8: np.ndarray, klen: int, horizontal: bool):
    import cv2

    k = cv2.getStructuringElement(cv2.MORPH_RECT, (klen, 1) if horizontal else (1, klen))
    m = cv2.morphologyEx(u8, cv2.MORPH_OPEN, k)
    n, _, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    return [tuple(int(v) for v in st[:4]) for st in stats[1:n]]


def raster_objects(ink: np.ndarray, gray: np.ndarray, to_page,
                   text_boxes: list[tuple[float, float, float, float]] = ()) -> tuple[list[dict], list[dict]]:
    """Rules (as pdfplumber ``line`` dicts) and filled areas (``rect`` dicts:
    shadings, thick bars) drawn in a picture; ``to_page(x, y)`` maps pixels
    to page points (``to_page.scale``: pixels per point).  ``text_boxes``
    (x0, top, x1, bottom in pixels) are the text lines the engine found: a
    straight stroke that lies inside one and is no longer than the box is
    high belongs to a glyph (the strokes of a 48 pt 红头 title are longer
    than any rule minimum), while a rule runs past the text it borders."""
    import cv2

    scale = to_page.scale
    tol_in = 2.0

    def in_glyph(x, y, w, h) -> bool:
        return any(bx0 - tol_in <= x and x + w <= bx1 + tol_in and bt - tol_in <= y and y + h <= bb + tol_in
                   and max(w, h) <= bb - bt for bx0, bt, bx1, bb in text_boxes)
    lines: list[dict] = []
    rects: list[dict] = []
    u8 = ink.astype(np.uint8)
    thick = RULE_MAX_PT * scale
    tol = 3.0 * scale

    def add_line(x0, y0, x1, y1):
        a, b = to_page(x0, y0), to_page(x1, y1)
        lines.append({"object_type": "line", "x0": min(a[0], b[0]), "x1": max(a[0], b[0]),
                      "top": min(a[1], b[1]), "bottom": max(a[1], b[1]), "stroke": True})

    def add_bar(x, y, w, h):
        a, b = to_page(x, y), to_page(x + w, y + h)
        rects.append({"object_type": "rect", "x0": min(a[0], b[0]), "x1": max(a[0], b[0]),
                      "top": min(a[1], b[1]), "bottom": max(a[1], b[1]), "stroke": False,
                      "fill": True, "non_stroking_color": (0.0,)})

    hs = []
    for x, y, w, h in _components(u8, max(int(RULE_MIN_PT * scale), 8), True):
        if in_glyph(x, y, w, h):
            continue
        if h <= thick:
            hs.append((x, x + w, y + h / 2))
            add_line(x, y + h / 2, x + w, y + h / 2)
        elif h <= 4 * thick:
            add_bar(x, y, w, h)

    def meets(xc: float, yend: float) -> bool:
        return any(a - tol <= xc <= b + tol and abs(yy - yend) <= tol for a, b, yy in hs)

    for x, y, w, h in _components(u8, max(int(VRULE_MIN_PT * scale), 4), False):
        if in_glyph(x, y, w, h):
            continue
        xc = x + w / 2
        if w <= thick:
            top_ok, bottom_ok = meets(xc, y), meets(xc, y + h)
            if (top_ok and bottom_ok) or ((top_ok or bottom_ok) and h >= RULE_MIN_PT * scale) or \
                    h >= 2 * RULE_MIN_PT * scale:
                add_line(xc, y, xc, y + h)
        elif w <= 4 * thick and h >= RULE_MIN_PT * scale:
            add_bar(x, y, w, h)
    # light shading: paper-darker but not ink; text holes closed, anti-aliased
    # glyph edges (thin) opened away first
    paper = float(np.percentile(gray, 90))
    shade = ((gray < paper - 12) & (gray > paper - 90)).astype(np.uint8)
    em = max(int(6 * scale), 3)
    shade = cv2.morphologyEx(shade, cv2.MORPH_OPEN, np.ones((max(em // 3, 2), max(em // 3, 2)), np.uint8))
    shade = cv2.morphologyEx(shade, cv2.MORPH_CLOSE, np.ones((em, em), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(shade, connectivity=8)
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        if w < 4 * em or h < 2 * em or area < 0.7 * w * h:
            continue
        level = float(np.median(gray[labels == i])) / 255.0
        a, b = to_page(x, y), to_page(x + w, y + h)
        rects.append({"object_type": "rect", "x0": min(a[0], b[0]), "x1": max(a[0], b[0]),
                      "top": min(a[1], b[1]), "bottom": max(a[1], b[1]), "stroke": False, "fill": True,
                      "non_stroking_color": (level,)})
    return lines, rects


# --------------------------------------------------------------------------
# OCR lines → characters on the page
# --------------------------------------------------------------------------


class _Mapper:
    """Pixels of an (upright-turned) crop → page points, and the text
    direction on the page (pdfplumber char matrix)."""

    def __init__(self, scale: float, ox: float, oy: float, k: int, shape: tuple[int, int]):
        # k: quarter turns (numpy rot90) applied to the crop to make it upright
        self.scale, self.ox, self.oy, self.k = scale, ox, oy, k % 4
        self.h, self.w = shape           # of the crop as rendered (before turning)

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        h, w = self.h, self.w
        if self.k == 1:        # rot90 counter-clockwise: upright (x, y) ← crop (w - y, x)
            x, y = w - y, x
        elif self.k == 2:
            x, y = w - x, h - y
        elif self.k == 3:      # clockwise: upright (x, y) ← crop (y, h - x)
            x, y = y, h - x
        return self.ox + x / self.scale, self.oy + y / self.scale

    @property
    def matrix(self) -> tuple[float, ...]:
        # direction of upright text on the page: k=1 → text runs down (270), k=3 → up (90)
        return {0: (1, 0, 0, 1, 0, 0), 1: (0, -1, 1, 0, 0, 0), 2: (-1, 0, 0, -1, 0, 0),
                3: (0, 1, -1, 0, 0, 0)}[self.k]


#: Ink band of a line of digits and Latin letters relative to its em size
#: (figures are about as tall as Latin capitals, ~0.7 em in CJK fonts).
DIGIT_BAND_EM = 0.72


def _line_ink(ink: np.ndarray, ln: OcrLine) -> np.ndarray:
    """The ink of a line's box, without the rules that cross it (rows or
    columns inked over most of their length: table rules, box frames)."""
    y0, y1 = max(int(ln.top), 0), min(int(np.ceil(ln.bottom)) + 1, ink.shape[0])
    x0, x1 = max(int(ln.x0), 0), min(int(np.ceil(ln.x1)) + 1, ink.shape[1])
    crop = ink[y0:y1, x0:x1].copy()
    if crop.size:
        crop[crop.mean(axis=1) > 0.6, :] = False
        crop[:, crop.mean(axis=0) > 0.6] = False
    return crop


def _geometry(ln: OcrLine, ink: np.ndarray, scale: float) -> tuple[float, int, int, int, int, float] | None:
    """(size estimate in points; ink top, bottom, left and right in pixels;
    ink density) of a line, or None when its box holds no ink."""
    crop = _line_ink(ink, ln)
    band = _ink_band(crop) if crop.size else None
    if band is None:
        return None
    b0, b1 = band
    cols = np.nonzero(crop.any(axis=0))[0]
    wide = sum(1 for c in ln.text if cjk.char_width(c) == 1.0)
    em_share = INK_BAND_EM if wide * 2 >= len(ln.text) else DIGIT_BAND_EM
    size = (b1 - b0 + 1) / scale / em_share
    dens = float(crop[b0:b1 + 1, cols[0]:cols[-1] + 1].mean())
    oy, ox = max(int(ln.top), 0), max(int(ln.x0), 0)
    return size, oy + b0, oy + b1 + 1, ox + cols[0], ox + cols[-1] + 1, dens


def _align_starts(placed: list[list[tuple[str, float, float]]], sizes: list[float], scale: float) -> None:
    """Lines that start within a fifth of an em of each other start at the
    same place (their median), when at least three do: type is set on a
    grid (the margin, the first-line indent), and what differs between such
    lines is the ink of their first glyph, not their position.  A line is
    moved by at most that fifth of an em."""
    starts = sorted((chars[0][1], i) for i, chars in enumerate(placed) if chars)
    groups: list[list[tuple[float, int]]] = []
    for x, i in starts:
        if groups and x - groups[-1][-1][0] <= 0.2 * sizes[i] * scale:
            groups[-1].append((x, i))
        else:
            groups.append([(x, i)])
    for g in groups:
        if len(g) < 3:
            continue
        med = g[len(g) // 2][0]
        for x, i in g:
            # the whole line moves (its characters keep their spacing: moving
            # only the first one could lay it over the second)
            placed[i] = [(t, a + med - x, b + med - x) for t, a, b in placed[i]]


#: Full-width marks whose ink sits at one side of their em box: a line that
#: ends with a closing mark (，。）) or starts with an opening one (“（) spans
#: the mark's whole em, as its box in a text layer does, although its ink stops short.
CLOSING_MARKS = "，。、；：！？”’）》」』】〕"
OPENING_MARKS = "“‘（《「『【〔"


def _em_ends(chars: list[tuple[str, float, float]], em: float) -> list[tuple[str, float, float]]:
    """Widen a line's first and last full-width mark to a whole em (see
    :data:`CLOSING_MARKS`)."""
    if not chars:
        return chars
    out = list(chars)
    t, a, b = out[-1]
    if t in CLOSING_MARKS and b - a < em:
        out[-1] = (t, a, a + em)
    t, a, b = out[0]
    if t in OPENING_MARKS and b - a < em:
        out[0] = (t, b - em, b)
    return out


def _touching(chars: list[tuple[str, float, float]], em: float) -> list[tuple[str, float, float]]:
    """Close the small gaps the engine leaves between the characters of a
    word or a run of ideographs (each character reaches halfway to its
    neighbour), so that only real gaps — between table cells, wide word
    spaces — stay gaps."""
    out = list(chars)
    for i in range(len(out) - 1):
        t, a0, a1 = out[i]
        u, b0, b1 = out[i + 1]
        if t == " " or u == " ":
            continue
        if b0 - a1 < 0.6 * em:
            mid = (a1 + b0) / 2
            out[i], out[i + 1] = (t, a0, mid), (u, mid, b1)
    return out


def ocr_chars(lines: list[OcrLine], ink_up: np.ndarray, mapper: _Mapper) -> list[dict]:
    """OCR lines (pixels of the upright crop) → char dicts on the page, each
    with the line's estimated font size, weight and confidence.

    A line's vertical extent and its left and right ends come from its ink
    (the engine's boxes are padded); the characters' positions in between
    from the engine."""
    scale = mapper.scale
    geo = [_geometry(ln, ink_up, scale) for ln in lines]
    keep = [(ln, g) for ln, g in zip(lines, geo) if g is not None]
    if not keep:
        return []
    weights = [len(ln.text) for ln, _ in keep]
    sizes = _sizes([g[0] for _, g in keep], weights)
    placed = []
    for (ln, g), size in zip(keep, sizes):
        _, itop, ibot, ileft, iright, _ = g
        chars = ln.chars
        # stretch the engine's positions so the line spans its ink
        c0 = next((a for t, a, _ in chars if t != " "), ln.x0)
        c1 = max((b for t, _, b in chars if t != " "), default=ln.x1)
        k = (iright - ileft) / (c1 - c0) if c1 > c0 else 1.0
        chars = [(t, ileft + (a - c0) * k, ileft + (b - c0) * k) for t, a, b in chars]
        placed.append(_em_ends(_touching(chars, size * scale), size * scale))
    _align_starts(placed, sizes, scale)
    # weight: as in a text layer, a line is bold when most of its ideographs
    # are; an ideograph is bold when its strokes are clearly wider than the
    # typical stroke of the page (or picture), relative to the type size
    dens = [[None if d is None else d / size for d in _char_densities(ink_up, g[1], g[2], chars)]
            for (_, g), chars, size in zip(keep, placed, sizes)]
    pool = sorted(d for ds in dens for d in ds if d is not None)
    ref = pool[len(pool) // 2] if pool else 0.0
    bolds = []
    for ds in dens:
        vals = [d for d in ds if d is not None]
        heavy = sum(1 for d in vals if d >= BOLD_DENSITY * ref > 0)
        bolds.append(bool(vals) and heavy * 2 > len(vals))
    # a line of a few characters takes the weight of the line it continues
    # (the line just above it, set in the same size): its own is too noisy
    for i in range(1, len(keep)):
        (ln, g), (pln, pg) = keep[i], keep[i - 1]
        if len(ln.text) < 6 <= len(pln.text) and sizes[i] == sizes[i - 1] and \
                0 <= g[1] - pg[2] <= 0.8 * sizes[i] * scale:
            bolds[i] = bolds[i - 1]
    out: list[dict] = []
    for (ln, g), size, bold, chars in zip(keep, sizes, bolds, placed):
        _, itop, ibot, _, _, _ = g
        font = OCR_FONT + ("-Bold" if bold else "")
        centre = (itop + ibot) / 2
        top_px, bottom_px = centre - size * scale / 2, centre + size * scale / 2
        for t, a, b in chars:
            pts = [mapper(a, top_px), mapper(b, top_px), mapper(a, bottom_px), mapper(b, bottom_px)]
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            out.append({"object_type": "char", "text": t, "x0": min(xs), "x1": max(xs), "top": min(ys),
                        "bottom": max(ys), "doctop": min(ys), "size": size, "fontname": font,
                        "upright": mapper.k % 2 == 0, "matrix": mapper.matrix, "width": max(xs) - min(xs),
                        "height": max(ys) - min(ys), "ocr_conf": ln.score})
    return out


def _char_densities(ink: np.ndarray, top: int, bottom: int, chars) -> list[float | None]:
    """Mean stroke width (pixels) of each ideograph of a line (None for
    other characters: punctuation and digits are no measure of weight).  A
    stroke of width w and length L holds w·L inked pixels and is crossed by
    L dark runs along the rows (or columns, when it runs across), so inked
    pixels / (runs along rows + runs along columns) ≈ w whatever the glyph's
    complexity.  Columns inked over most of the line (rules) are not counted."""
    band = ink[max(top, 0):bottom]
    if band.size == 0:
        return [None] * len(chars)
    band = band.copy()
    band[:, band.mean(axis=0) > 0.9] = False
    out: list[float | None] = []
    for t, a, b in chars:
        if not cjk.is_ideograph(t):
            out.append(None)
            continue
        x0, x1 = max(int(a), 0), min(int(np.ceil(b)), band.shape[1])
        box = band[:, x0:x1]
        n = int(box.sum())
        if x1 <= x0 or n == 0:
            out.append(None)
            continue
        b8 = box.astype(np.int8)
        runs = int((np.diff(b8, axis=1) == 1).sum() + b8[:, 0].sum() + (np.diff(b8, axis=0) == 1).sum()
                   + b8[0, :].sum())
        out.append(n / runs if runs else None)
    return out


#: Strokes this much wider than the page's typical stroke: bold.
BOLD_DENSITY = 1.3


# --------------------------------------------------------------------------
# a page
# --------------------------------------------------------------------------


class _Page:
    """A page seen through OCR: the original page's objects with the read
    pictures replaced by their characters, rules and shadings (what
    :func:`.pdfpage.extract_page` reads)."""

    def __init__(self, page, objects: dict[str, list[dict]]):
        self.objects = objects
        self.width, self.height = page.width, page.height
        self.rotation = getattr(page, "rotation", 0)
        self.page_number = getattr(page, "page_number", None)


class PageReader:
    """OCR for the pages of one PDF, in one worker (the PDF is opened by
    PDFium for rendering on first use)."""

    def __init__(self, src: str, mode: str = "auto"):
        if mode not in MODES:
            raise ValueError(f"unknown OCR mode {mode!r} (choose from {', '.join(MODES)})")
        self.src, self.mode = src, mode
        self.why_not = unavailable() if mode != "never" else "--ocr never"
        self._doc = None

    def close(self) -> None:
        if self._doc is not None:
            self._doc.close()
            self._doc = None

    # -- rendering -----------------------------------------------------------
    def _pdf_page(self, n: int):
        if self._doc is None:
            import pypdfium2 as pdfium

            self._doc = pdfium.PdfDocument(self.src)
        return self._doc[n - 1]

    def render(self, n: int, dpi: float, box: tuple[float, float, float, float] | None = None,
               page_w: float | None = None, page_h: float | None = None) -> np.ndarray:
        """Grayscale rendering of page ``n`` (display orientation) at ``dpi``,
        optionally only the box (x0, top, x1, bottom in points)."""
        page = self._pdf_page(n)
        try:
            crop = (0, 0, 0, 0)
            if box is not None:
                w, h = page_w, page_h
                x0, top, x1, bottom = box
                crop = (max(x0, 0), max(h - bottom, 0), max(w - x1, 0), max(top, 0))
            bm = page.render(scale=dpi / 72.0, grayscale=True, crop=crop)
            arr = bm.to_numpy()
            if arr.ndim == 3:
                arr = arr[..., 0]
            return np.ascontiguousarray(arr)
        finally:
            page.close()

    # -- the decision ------------------------------------------------------
    def run(self, page, res: PageResult) -> PageResult:
        """The page result with its pictures accounted for (and read, when
        OCR is on and they may hold text)."""
        n_text = res.n_chars - res.n_unmapped
        unreadable = res.n_unmapped > 2 * n_text        # glyphs without Unicode: a picture of text, too
        if not res.images and self.mode != "always" and not (unreadable and self.mode == "auto"):
            return res
        frame = _frame_of(page, res)
        scan_page = n_text == 0 or unreadable
        todo: list[PageImage] = []
        for im in res.images:
            if im.status == "text_layer":
                continue
            w, h = im.x1 - im.x0, im.bottom - im.top
            if min(w, h) < MIN_TEXT_PT:
                im.status, im.reason = "small", "too small to hold a line of text"
                continue
            if self.mode != "always" and not looks_like_text(
                    self.render(res.page, LOOK_DPI, _unframe(frame, (im.x0, im.top, im.x1, im.bottom)),
                                *_page_size(page))):
                im.status, im.reason = "no_text", "does not look like text (blank, photo or drawing)"
                continue
            todo.append(im)
        whole = self.mode == "always" or (scan_page and any(im.kind == "scan" for im in todo)) or \
            (unreadable and self.mode == "auto")
        if not todo and not whole:
            return res
        if self.why_not is not None:
            whole = False
            for im in todo:
                im.status, im.reason = "not_read", f"may hold text; not read: {self.why_not}"
            return res
        try:
            return self._read(page, res, frame, todo, whole)
        except Exception as exc:  # noqa: BLE001 - an OCR failure is a finding, not a crash
            log.warning("page %d: OCR failed (%s: %s)", res.page, type(exc).__name__, exc)
            for im in todo:
                im.status, im.reason = "not_read", f"OCR failed: {type(exc).__name__}: {exc}"[:200]
            return res

    def _read(self, page, res: PageResult, frame, todo: list[PageImage], whole: bool) -> PageResult:
        objs = page.objects
        W, H = _page_size(page)
        scale = DPI / 72.0
        full = self.render(res.page, DPI)          # the page, rendered once (display orientation)
        new_chars: list[dict] = []
        new_lines: list[dict] = []
        new_rects: list[dict] = []
        areas = [(0.0, 0.0, W, H)] if whole else \
            [_unframe(frame, (im.x0, im.top, im.x1, im.bottom)) for im in todo]
        for x0, top, x1, bottom in areas:
            px0, py0, px1, py1 = _pixels((x0, top, x1, bottom), scale, full.shape)
            crop = full[py0:py1, px0:px1]
            if crop.size == 0:
                continue
            k, lines = _read_upright(crop)
            # the picture turned upright: its text and its rules are found in
            # the orientation they were typeset in (a table's short vertical
            # rules are told from text strokes by their length in a row)
            up = np.ascontiguousarray(np.rot90(crop, k))
            _, ink_up = paper_and_ink(up)
            mapper = _Mapper(scale, px0 / scale, py0 / scale, k, crop.shape[:2])
            new_chars += ocr_chars(lines, ink_up, mapper)
            rl, rr = raster_objects(ink_up, up, mapper, [(ln.x0, ln.top, ln.x1, ln.bottom) for ln in lines])
            new_lines += rl
            new_rects += rr
        # the page seen through OCR: text-layer characters stay (all of them
        # go when the whole page is read in "always" mode); read pictures are
        # no longer floats
        keep_chars = [] if self.mode == "always" else [c for c in objs.get("char", []) if not _inside(c, areas)]
        merged = dict(objs)
        merged["char"] = keep_chars + new_chars
        merged["line"] = list(objs.get("line", [])) + new_lines
        merged["rect"] = list(objs.get("rect", [])) + new_rects
        merged["image"] = [i for i in objs.get("image", []) if not any(_covers(b, i) for b in areas)]
        new_frame = reading_frame([c for c in merged["char"] if c.get("text") is not None], W, H)
        out = extract_page(_Page(page, merged), res.page)
        # marks the detector does not see (a lone dash in a table cell) are
        # read cell by cell, and a cell read as a lone bar is the dash or the
        # numeral its column says: the page again, with them
        extra = _read_empty_cells(full, out, areas, scale, new_frame)
        fixed = _lone_bars(out, new_chars, new_frame)
        if extra or fixed:
            new_chars += extra
            merged["char"] = merged["char"] + extra
            out = extract_page(_Page(page, merged), res.page)
        _mark_ocr_lines(out, new_chars, new_frame)
        out.n_unmapped = res.n_unmapped
        out.n_images = res.n_images
        # what became of each picture (boxes re-expressed in the new frame:
        # a sideways scan turns the page)
        out.images = res.images
        todo_ids = {id(x) for x in todo}
        for im in out.images:
            d = _unframe(frame, (im.x0, im.top, im.x1, im.bottom))
            im.x0, im.top, im.x1, im.bottom = (round(v, 2) for v in new_frame.box(*d))
            if not (id(im) in todo_ids or (whole and im.kind == "scan")):
                continue
            inside = [ln for ln in out.lines if ln.ocr and _in_box(ln, im)]
            if not inside:
                im.status, im.reason = "no_text", "OCR found no text in it"
                continue
            im.status = "ocr"
            im.reason = "read by OCR" + (" (the whole page)" if whole else "")
            im.n_lines = len(inside)
            im.n_chars = sum(len(cjk.strip_all_space(ln.text)) for ln in inside)
            confs = [ln.ocr_confidence for ln in inside if ln.ocr_confidence is not None]
            im.confidence = round(sum(confs) / len(confs), 3) if confs else None
            regs = {ln.container for ln in inside if ln.container is not None}
            im.region = min(regs) if len(regs) == 1 else None
        return out


#: Quarter turns (numpy ``rot90``) that make a page read in a frame turned by
#: ``rot`` degrees upright (see :class:`_Mapper`).
_TURNS = {0: 0, 270: 1, 180: 2, 90: 3}


def _column_texts(reg, cell) -> list[str]:
    """Texts of the other cells of a ruled table's column (those under the
    cell's centre)."""
    xc = (cell.x0 + cell.x1) / 2
    return [c.text for c in reg.cells if c is not cell and c.x0 < xc < c.x1]


def _lone_bars(res: PageResult, chars: list[dict], frame) -> bool:
    """Ruled-table cells whose OCR text is a lone bar (``一``, ``-``, ``—``):
    the engine reads the same stroke either way, depending on the box the
    detector gives it, so the cell's column decides (:func:`cjk.ocr_lone_bar`).
    The OCR characters (``chars``, on the display page; the cells are in the
    reading ``frame``) are corrected in place; True when any was."""
    changed = False
    for reg in res.regions:
        if reg.kind != "table":
            continue
        for cell in reg.cells:
            if not cjk.is_lone_bar(cell.text):
                continue
            t = cjk.strip_all_space(cell.text)
            want = cjk.ocr_lone_bar(t, _column_texts(reg, cell))
            if want == t:
                continue
            x0, top, x1, bottom = _unframe(frame, (cell.x0, cell.top, cell.x1, cell.bottom))
            mine = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1
                    and top <= (c["top"] + c["bottom"]) / 2 <= bottom and not c["text"].isspace()]
            if len(mine) != len(want):
                continue
            for c, w in zip(sorted(mine, key=lambda c: frame.box(c["x0"], c["top"], c["x1"], c["bottom"])[0]), want):
                c["text"] = w
            changed = True
    return changed


def _read_empty_cells(full: np.ndarray, res: PageResult, areas, scale: float, frame) -> list[dict]:
    """Characters of the ruled-table cells (inside the areas read) that hold
    ink but no text: the text detector misses a mark standing alone, such as
    the dash of an empty value (``—``); recognition alone reads the cell.
    The cells are in the reading ``frame``; ``full`` and the characters
    returned are on the display page (a sideways scan: the cell is turned
    upright to be read)."""
    out: list[dict] = []
    k = _TURNS.get(frame.rot, 0)
    for reg in res.regions:
        if reg.kind != "table":
            continue
        for cell in reg.cells:
            if cell.text.strip():
                continue
            inset = 2.0
            box = _unframe(frame, (cell.x0 + inset, cell.top + inset, cell.x1 - inset, cell.bottom - inset))
            if not any(_covers(a, {"x0": box[0], "top": box[1], "x1": box[2], "bottom": box[3]}) for a in areas):
                continue
            px0, py0, px1, py1 = _pixels(box, scale, full.shape)
            shape = (py1 - py0, px1 - px0)
            crop = np.ascontiguousarray(np.rot90(full[py0:py1, px0:px1], k))
            if crop.size == 0 or min(crop.shape) < 6:
                continue
            _, ink = paper_and_ink(crop)
            if ink.mean() < 0.002:
                continue
            rows, cols = np.nonzero(ink.any(axis=1))[0], np.nonzero(ink.any(axis=0))[0]
            y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
            pad = max(int(4 * scale), 4)
            piece = crop[max(y0 - pad, 0):y1 + pad, max(x0 - pad, 0):x1 + pad]
            res_rec = engine()(np.ascontiguousarray(np.stack([piece] * 3, axis=-1)), use_det=False, use_cls=False,
                               use_rec=True, return_word_box=False)
            txts = getattr(res_rec, "txts", None) or ()
            scores = getattr(res_rec, "scores", None) or ()
            if not txts or not txts[0].strip() or (scores and scores[0] < MIN_SCORE):
                continue
            text = cjk.ocr_lone_bar(cjk.normalize_ocr(cjk.strip_all_space(txts[0])), _column_texts(reg, cell))
            size = snap_size(max((y1 - y0) / scale / INK_BAND_EM, (x1 - x0) / scale / max(len(text), 1)))
            line = OcrLine(text, float(scores[0]) if scores else 1.0, float(x0), float(y0), float(x1),
                           float(y1), _char_extents(text, None, float(x0), float(x1)))
            mapper = _Mapper(scale, px0 / scale, py0 / scale, k, shape)
            cy = (y0 + y1) / 2
            for t, a, b in line.chars:
                (ax, at), (bx, bb) = mapper(a, cy - size * scale / 2), mapper(b, cy + size * scale / 2)
                ax, bx, at, bb = min(ax, bx), max(ax, bx), min(at, bb), max(at, bb)
                out.append({"object_type": "char", "text": t, "x0": ax, "x1": bx, "top": at, "bottom": bb,
                            "doctop": at, "size": size, "fontname": OCR_FONT, "upright": k % 2 == 0,
                            "matrix": mapper.matrix, "width": bx - ax, "height": bb - at,
                            "ocr_conf": line.score})
    return out


def _page_size(page) -> tuple[float, float]:
    """The page's size in points, rounded: the two PDF engines report it in
    different float precisions, and the pixels cropped must not differ."""
    return round(float(page.width), 2), round(float(page.height), 2)


def _pixels(box, scale: float, shape) -> tuple[int, int, int, int]:
    """Pixel bounds of a box in points (rounded first, so that a box from
    either PDF engine gives the same pixels)."""
    x0, top, x1, bottom = (round(v * scale, 2) for v in box)
    return (max(int(np.floor(x0)), 0), max(int(np.floor(top)), 0),
            min(int(np.ceil(x1)), shape[1]), min(int(np.ceil(bottom)), shape[0]))


def _frame_of(page, res: PageResult):
    """The reading frame the page result was extracted in."""
    from .pdfpage import Frame

    rot = (res.rotation - int(getattr(page, "rotation", 0) or 0)) % 360
    return Frame(rot, float(page.width), float(page.height))


def _read_upright(crop: np.ndarray) -> tuple[int, list[OcrLine]]:
    """Read a crop in the orientation (quarter turns ``k``) in which the
    engine reads most text most confidently: upright, unless the lines found
    are mostly vertical (a sideways scan: both quarter turns are tried) or
    read with low confidence (upside down: the half turn is tried)."""
    def quality(lines: list[OcrLine]) -> float:
        return sum(ln.score * len(ln.text) for ln in lines)

    lines = read(crop)
    n_chars = sum(len(ln.text) for ln in lines)
    vertical = sum(1 for ln in lines if (ln.bottom - ln.top) > 1.5 * (ln.x1 - ln.x0))
    mean = quality(lines) / n_chars if n_chars else 0.0
    sideways = lines and vertical * 2 >= len(lines)
    if lines and not sideways and mean >= UPRIGHT_SCORE:
        return 0, lines
    # sideways lines are read by turning the page (the engine reads a tall
    # line box too, but its characters' positions are then meaningless)
    best = (-1.0, 0, lines) if sideways else (quality(lines), 0, lines)
    for k in ((1, 3) if sideways or not lines else (2,)):
        alt = read(np.ascontiguousarray(np.rot90(crop, k)))
        q = quality(alt)
        if q > best[0] * 1.1:
            best = (q, k, alt)
    return best[1], best[2]


#: Mean confidence below which a page is also tried upside down.
UPRIGHT_SCORE = 0.75


def _unframe(frame, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A box in the reading frame → the same box on the display page."""
    x0, top, x1, bottom = box
    if frame.rot == 0:
        return box
    # the frame's inverse: try the four corners through the forward map
    pw, ph = frame.pw, frame.ph
    if frame.rot == 90:       # x' = H - y, y' = x  →  x = y', y = H - x'
        return top, ph - x1, bottom, ph - x0
    if frame.rot == 270:      # x' = y, y' = W - x  →  x = W - y', y = x'
        return pw - bottom, x0, pw - top, x1
    return pw - x1, ph - bottom, pw - x0, ph - top


def _inside(c: dict, boxes) -> bool:
    cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _covers(box, im: dict, slack: float = 2.0) -> bool:
    x0, top, x1, bottom = box
    return im["x0"] >= x0 - slack and im["top"] >= top - slack and im["x1"] <= x1 + slack and \
        im["bottom"] <= bottom + slack


def _in_box(ln, im: PageImage, slack: float = 2.0) -> bool:
    cx, cy = (ln.x0 + ln.x1) / 2, (ln.top + ln.bottom) / 2
    return im.x0 - slack <= cx <= im.x1 + slack and im.top - slack <= cy <= im.bottom + slack


def _mark_ocr_lines(res: PageResult, chars: list[dict], frame) -> None:
    """Set ``ocr`` and ``ocr_confidence`` on the lines built from OCR
    characters (their font is :data:`OCR_FONT`); the confidence is the mean
    over the OCR characters the line holds (``frame``: the page's reading
    frame, in which the lines are)."""
    if not chars:
        return
    pts = []
    for c in chars:
        x0, top, x1, bottom = frame.box(c["x0"], c["top"], c["x1"], c["bottom"])
        pts.append(((x0 + x1) / 2, (top + bottom) / 2, c["ocr_conf"]))
    for ln in res.lines:
        if not ln.font_name.startswith(OCR_FONT):
            continue
        ln.ocr = True
        confs = [s for x, y, s in pts if ln.x0 - 0.5 <= x <= ln.x1 + 0.5 and ln.top - 0.5 <= y <= ln.bottom + 0.5]
        ln.ocr_confidence = round(sum(confs) / len(confs), 3) if confs else None
