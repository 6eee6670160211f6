"""Images of a PDF: the ``images.parquet`` rows and the findings for the
ones that may hold text that was not read ("nothing lost, never silent").

Every image drawn on a page is a :class:`~pipeline.model.PageImage` (found by
:func:`.pdfpage.page_images`, decided and possibly read by :mod:`.ocr`).  One
that may hold text and was not read — the ``ocr`` extra is missing, ``--ocr
never`` was given, or OCR failed — is a ``warning`` in ``validation.parquet``
naming its page and size; ``--strict`` fails on it as on lost text.
"""

from __future__ import annotations

from dataclasses import asdict

from ..model import Extracted, Finding

#: The validation check of an image that may hold text that was not read.
CHECK = "unread_image"


def findings(ex: Extracted) -> list[Finding]:
    """One warning per image that may hold text and was not read."""
    out = []
    for im in ex.images:
        if im.status != "not_read":
            continue
        w, h = im.x1 - im.x0, im.bottom - im.top
        what = "scanned page" if im.kind == "scan" else "image"
        why = "no OCR" if im.reason is None or "not installed" in im.reason else (
            "--ocr never" if "--ocr never" in im.reason else im.reason)
        out.append(Finding(CHECK, "warning", None, f"page {im.page}",
                           f"page {im.page}: {what} {w:.0f}×{h:.0f} pt not read ({why})",
                           expected="text in the image", actual=im.reason))
    return out


def rows(ex: Extracted | None) -> list[dict]:
    """``images.parquet`` rows: every image with its box and what became of it."""
    if ex is None:
        return []
    out = []
    for im in ex.images:
        r = asdict(im)
        r["width"] = round(im.x1 - im.x0, 2)
        r["height"] = round(im.bottom - im.top, 2)
        out.append(r)
    return out
