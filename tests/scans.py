"""Scanned-PDF fixtures for the OCR tests, made from the shared PDFs:

* :func:`image_only` — pages rasterised (PDFium) into an image-only PDF, as a
  scanner gives it: optionally turned by a quarter turn, at a lower
  resolution, with noise;
* :func:`boxes_as_pictures` — a copy of a text PDF in which every 专栏 box
  (a bordered or shaded box region found by the extractor) is replaced by a
  picture of itself: the box's text and frame are removed from the page and
  a rendering of the box is drawn in its place.

Files are cached under ``tests/_generated/`` (keyed by source hash and
parameters), so a test session makes each one once.  Run as a script to make
them by hand::

    python tests/scans.py            # → tests/_generated/*.pdf
"""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
GENERATED = Path(__file__).resolve().parent / "_generated"
SHARED = ROOT.parent.parent / "shared" / "corpus" / "jianghai-14th"
if not SHARED.exists():                     # the worktree layout: /work/wt/<name>
    SHARED = Path("/work/shared/corpus/jianghai-14th")
PLAN_A = SHARED / "plan-A.pdf"
PLAN_D = SHARED / "layouts" / "plan-D.pdf"


def _key(src: Path, *params) -> str:
    h = hashlib.sha256(src.read_bytes())
    h.update(repr(params).encode())
    return h.hexdigest()[:12]


def _render(page, dpi: float) -> Image.Image:
    return page.render(scale=dpi / 72.0, grayscale=True).to_pil().convert("L")


def _noisy(img: Image.Image, seed: int, amount: float = 0.04) -> Image.Image:
    """Scanner noise: grey paper, speckles (salt and pepper) and a faint blur."""
    from PIL import ImageFilter

    rnd = np.random.default_rng(seed)
    a = np.asarray(img, dtype=np.float32)
    a = a * 0.92 + 8 + rnd.normal(0, 12, a.shape)          # grey paper, sensor noise
    speck = rnd.random(a.shape)
    a[speck < amount / 2] = 40
    a[speck > 1 - amount / 2] = 255
    out = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    return out.filter(ImageFilter.GaussianBlur(0.5))


def image_only(src: Path = PLAN_A, pages: list[int] | None = None, *, dpi: int = 200, rotate: int = 0,
               noise: bool = False, quality: int = 80, out: Path | None = None) -> Path:
    """An image-only PDF of ``pages`` (1-based; default all) of ``src``:
    each page rendered at ``dpi`` (grey), turned by ``rotate`` degrees
    clockwise (the page is then landscape), optionally with scanner noise,
    stored as JPEG at the page's size in points."""
    key = _key(src, pages, dpi, rotate, noise, quality)
    out = out or GENERATED / f"{src.stem}-scan-{dpi}dpi{'-rot' + str(rotate) if rotate else ''}" \
                             f"{'-noise' if noise else ''}-{key}.pdf"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = pdfium.PdfDocument(str(src))
    imgs = []
    try:
        for n in pages or range(1, len(doc) + 1):
            page = doc[n - 1]
            img = _render(page, dpi)
            page.close()
            if noise:
                img = _noisy(img, seed=n)
            if rotate:
                img = img.rotate(-rotate, expand=True)
            imgs.append(img)
    finally:
        doc.close()
    tmp = out.with_suffix(".tmp")
    imgs[0].save(tmp, "PDF", save_all=True, append_images=imgs[1:], resolution=float(dpi), quality=quality)
    tmp.replace(out)
    return out


def _box_regions(src: Path) -> dict[int, list[tuple[float, float, float, float]]]:
    """Box regions (bordered/shaded boxes: the 专栏 of the plan) per page,
    as found by the extractor in the text PDF (points, top-down)."""
    from pipeline.extract.pdf import _extract_chunk

    doc = pdfium.PdfDocument(str(src))
    n = len(doc)
    doc.close()
    out: dict[int, list] = {}
    for r in _extract_chunk(str(src), list(range(1, n + 1)), ocr="never"):
        for reg in r.regions:
            if reg.kind in ("box", "shaded_box"):
                out.setdefault(r.page, []).append((reg.x0, reg.top, reg.x1, reg.bottom))
    return out


def boxes_as_pictures(src: Path = PLAN_A, *, dpi: int = 200, out: Path | None = None) -> Path:
    """A copy of ``src`` whose 专栏 boxes are pictures of themselves: on each
    page the box is rendered, every text and path object inside it is
    removed and the rendering is placed where the box was."""
    key = _key(src, "boxes", dpi)
    out = out or GENERATED / f"{src.stem}-boxes-as-pictures-{key}.pdf"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    boxes = _box_regions(src)
    doc = pdfium.PdfDocument(str(src))
    try:
        for n, bxs in sorted(boxes.items()):
            page = doc[n - 1]
            W, H = page.get_size()
            shots = []
            for x0, top, x1, bottom in bxs:
                x0, top, x1, bottom = x0 - 3, top - 3, x1 + 3, bottom + 3      # the frame's stroke
                crop = (x0, H - bottom, W - x1, top)
                shots.append(((x0, top, x1, bottom), page.render(scale=dpi / 72.0, crop=crop).to_pil()))
            for obj in list(page.get_objects()):
                l_, b_, r_, t_ = obj.get_bounds() if hasattr(obj, "get_bounds") else obj.get_pos()
                for (x0, top, x1, bottom), _ in shots:
                    if l_ >= x0 - 1 and r_ <= x1 + 1 and H - t_ >= top - 1 and H - b_ <= bottom + 1:
                        page.remove_obj(obj)
                        break
            for (x0, top, x1, bottom), pil in shots:
                buf = io.BytesIO()
                pil.convert("RGB").save(buf, "JPEG", quality=85)
                img = pdfium.PdfImage.new(doc)
                img.load_jpeg(io.BytesIO(buf.getvalue()), inline=False)
                img.set_matrix(pdfium.PdfMatrix().scale(x1 - x0, bottom - top).translate(x0, H - bottom))
                page.insert_obj(img)
            page.gen_content()
            page.close()
        tmp = out.with_suffix(".tmp")
        doc.save(str(tmp))
    finally:
        doc.close()
    tmp.replace(out)
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    for p in (image_only(PLAN_A), image_only(PLAN_D, [1, 2, 3, 10, 11, 12]),
              image_only(PLAN_A, [9, 10], rotate=90), image_only(PLAN_A, [9, 10], dpi=150, noise=True),
              boxes_as_pictures(PLAN_A)):
        print(p)
