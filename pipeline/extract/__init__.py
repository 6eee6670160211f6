"""extract stage: an input file (PDF or plain text) → :class:`~pipeline.model.Extracted`.

Both input kinds meet in the same Line model; everything after this stage is
shared.  The input kind is recognised from the file's content (``%PDF``
magic), not only from its name.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import CorruptPDF, EmptyInput, UnsupportedInput
from ..model import Extracted


def sniff_kind(path: str | Path) -> str:
    """``"pdf"`` or ``"text"``, from the first bytes of the file (and its name)."""
    p = Path(path)
    if not p.exists():
        raise UnsupportedInput("file not found", str(p))
    if p.is_dir():
        raise UnsupportedInput("is a directory, not a file", str(p))
    with p.open("rb") as fh:
        head = fh.read(1024)
    if not head:
        raise EmptyInput("the file is empty (0 bytes)", str(p))
    if b"%PDF-" in head:
        return "pdf"
    if p.suffix.lower() == ".pdf":
        raise CorruptPDF("no %PDF header: the file is not a PDF (or is damaged at the start)", str(p))
    return "text"


def extract(path: str | Path, *, jobs: int | None = None, cache_dir: str | Path | None = None,
            engine: str = "pdfium", while_waiting=None, on_pages=None,
            page_range: tuple[int, int] | None = None, ocr: str = "auto") -> Extracted:
    """Extract Lines (and, for PDFs, regions, page info and bookmarks) from ``path``.

    ``jobs``, ``cache_dir`` and ``engine`` apply to PDFs: pages are extracted
    in parallel and cached per page so that a rerun does not read the PDF
    again; ``engine`` picks the content parser (``pdfium`` or ``pdfplumber``);
    ``while_waiting`` is called in this process while page workers run;
    ``on_pages(n, total=None)`` reports progress (PDF pages done);
    ``page_range=(first, last)``: assemble only those PDF pages into the
    document (one plan of a volume, see :mod:`pipeline.volumes`).
    ``ocr`` (``auto``/``always``/``never``): which pictures of text in a PDF
    are read by OCR (:mod:`.ocr`).
    """
    kind = sniff_kind(path)
    if kind == "pdf":
        from .pdf import extract_pdf

        return extract_pdf(path, jobs=jobs, cache_dir=cache_dir, engine=engine, while_waiting=while_waiting,
                           on_pages=on_pages, page_range=page_range, ocr=ocr)
    from .text import extract_text

    return extract_text(path)
