"""PDF input → :class:`~pipeline.model.Extracted`.

The stage in four steps:

1. **open and check** (:func:`open_pdf`): a password-protected PDF raises
   :class:`EncryptedPDF`; a PDF pdfminer cannot read is repaired (pdfplumber's
   own Ghostscript repair when Ghostscript is installed, qpdf through pikepdf
   when installed, PDFium's rewrite through pypdfium2, which pdfplumber
   already depends on) before :class:`CorruptPDF` is raised;
2. **pages in parallel** (:func:`extract_pages`): a process pool of ``jobs``
   workers, each opening the PDF once and extracting one contiguous chunk of
   pages (chunks balanced by content-stream size); every page is parsed once
   (:mod:`.pdfpage`) and cached per page (:mod:`.pdfcache`);
3. **text-layer check**: no characters at all (a scan) or only glyphs without
   a Unicode mapping raises :class:`NoTextLayer` — the file needs OCR;
4. **document level** (:mod:`.pdfdoc`): furniture, margins, indents, gaps,
   reading order; bookmarks (the PDF outline) are read for the structure
   stage to confirm headings with.

The result does not depend on ``jobs``: pages are merged in page order and
every document-level decision is made after the merge.
"""

from __future__ import annotations

import hashlib
import io
import logging
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFNoOutlines, PDFPasswordIncorrect
from pdfminer.pdftypes import PDFObjRef, resolve1
from pdfminer.psparser import PSException, PSLiteral
from pdfplumber.utils.exceptions import PdfminerException

from .. import cjk
from ..errors import CorruptPDF, EncryptedPDF, NoTextLayer
from ..model import Bookmark, Extracted, Source
from .pdfcache import PageCache
from .pdfdoc import assemble
from .pdfpage import PageResult, extract_page

log = logging.getLogger(__name__)
# pdfminer logs every token at DEBUG: with ``-v`` that is gigabytes of noise and
# a tenfold slowdown, so its loggers stay at WARNING whatever the root level.
logging.getLogger("pdfminer").setLevel(logging.WARNING)

#: Bump when the per-page output changes: invalidates the page cache.
EXTRACTOR_VERSION = "2"

# Exceptions by which pdfminer/pdfplumber say "this PDF is broken" (a broken
# file makes pdfminer fail in many ways; see _is_broken).
_BROKEN = (PSException, PdfminerException, KeyError, TypeError, ValueError, AttributeError,
           IndexError, AssertionError, OSError, EOFError)
_PDF_LIBS = ("pdfminer", "pdfplumber", "pypdfium2", "zlib")


def _is_broken(exc: BaseException) -> bool:
    """True if ``exc`` is a PDF library failing on the file (not a bug here):
    a pdfminer/pdfplumber exception, or one raised inside those packages."""
    if isinstance(exc, (PSException, PdfminerException)):
        return True
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb.tb_frame.f_code.co_filename
        tb = tb.tb_next
    return last is not None and any(f"{os.sep}{lib}{os.sep}" in last for lib in _PDF_LIBS)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _encrypted(exc: BaseException) -> bool:
    while exc is not None:
        if isinstance(exc, (PDFPasswordIncorrect, PDFEncryptionError)):
            return True
        if isinstance(exc, PdfminerException) and exc.args and isinstance(exc.args[0], BaseException):
            exc = exc.args[0]
            continue
        exc = exc.__cause__ or exc.__context__
    return False


def _try_open(src: str | Path) -> tuple[int, list[int], list[Bookmark], str | None]:
    """Open with pdfplumber: (page count, content size per page, bookmarks,
    metadata title).  Raises what pdfminer raises."""
    with pdfplumber.open(src) as pdf:
        pages = pdf.pages
        if not pages:
            raise CorruptPDF("the PDF has no pages")
        sizes = [_content_size(p) for p in pages]
        return len(pages), sizes, read_bookmarks(pdf), _meta_title(pdf)


def _content_size(page) -> int:
    total = 0
    for s in page.page_obj.contents or []:
        s = resolve1(s)
        raw = getattr(s, "rawdata", None)
        total += len(raw) if raw is not None else int(resolve1(getattr(s, "attrs", {}).get("Length", 0)) or 0)
    return total


def _meta_title(pdf) -> str | None:
    t = (pdf.metadata or {}).get("Title")
    if isinstance(t, bytes):
        return None
    t = cjk.normalize_text(str(t)).strip() if t else ""
    return t or None


def _repair(path: Path, workdir: Path) -> Path | None:
    """A repaired copy of ``path`` in ``workdir`` (None if no repair worked):
    pdfplumber's Ghostscript repair when Ghostscript is installed, else qpdf
    through pikepdf when it is installed, else a rewrite by PDFium (pypdfium2
    comes with pdfplumber)."""
    out = workdir / "repaired.pdf"
    if shutil.which("gs") or shutil.which("gswin64c"):
        try:
            from pdfplumber.repair import repair

            repair(str(path), outfile=str(out))
            return out
        except Exception as exc:  # noqa: BLE001 - fall through to the next repair
            log.debug("ghostscript repair failed: %s", exc)
    try:
        import pikepdf  # optional: qpdf rebuilds a lost cross-reference table

        with pikepdf.open(str(path)) as doc:
            if len(doc.pages):
                doc.save(str(out))
                return out
    except Exception as exc:  # noqa: BLE001 - not installed, or qpdf failed too
        log.debug("pikepdf repair failed: %s", exc)
    try:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path))
        try:
            if len(doc) == 0:
                return None
            buf = io.BytesIO()
            doc.save(buf)
        finally:
            doc.close()
        out.write_bytes(buf.getvalue())
        return out
    except Exception as exc:  # noqa: BLE001 - PDFium could not read it either
        log.debug("pdfium repair failed: %s", exc)
        return None


@contextmanager
def open_pdf(path: Path):
    """Yield (source to read pages from, page count, content sizes, bookmarks,
    title); repairs a broken PDF into a temporary file that lives as long
    as the context."""
    with tempfile.TemporaryDirectory(prefix="pdf-repair-") as tmp:
        try:
            info = _try_open(path)
            src: Path = path
        except CorruptPDF:
            raise
        except _BROKEN as exc:
            if not _is_broken(exc):
                raise
            if _encrypted(exc):
                raise EncryptedPDF("the PDF is password-protected; decrypt it first "
                                   "(e.g. qpdf --decrypt --password=… in.pdf out.pdf)", str(path)) from None
            log.info("pdfminer cannot read %s (%s); trying to repair it", path, exc)
            fixed = _repair(path, Path(tmp))
            if fixed is None:
                raise CorruptPDF(f"cannot read the PDF ({type(exc).__name__}: {exc}) and repair failed",
                                 str(path)) from None
            try:
                info = _try_open(fixed)
            except _BROKEN as exc2:
                raise CorruptPDF(f"cannot read the PDF even after repair ({type(exc2).__name__}: {exc2})",
                                 str(path)) from None
            lost = [k + 1 for k, size in enumerate(info[1]) if size == 0]
            if lost:
                # a repair that leaves pages without content has lost them
                raise CorruptPDF(f"the file is truncated or damaged: after repair {len(lost)} of {info[0]} "
                                 f"pages have no content (pages {_ranges(lost)})", str(path)) from None
            src = fixed
        yield (src, *info)


def _ranges(pages: list[int]) -> str:
    """[3, 4, 5, 9] → ``3-5, 9``."""
    out: list[str] = []
    for p in pages:
        if out and int(out[-1].split("-")[-1]) == p - 1:
            out[-1] = f"{out[-1].split('-')[0]}-{p}"
        else:
            out.append(str(p))
    return ", ".join(out)


# --------------------------------------------------------------------------
# bookmarks
# --------------------------------------------------------------------------


def read_bookmarks(pdf) -> list[Bookmark]:
    """The PDF outline as (level, title, physical page) — empty if none or
    unreadable (bookmarks only ever confirm headings)."""
    try:
        outlines = list(pdf.doc.get_outlines())
    except PDFNoOutlines:
        return []
    except Exception as exc:  # noqa: BLE001 - a broken outline is ignored
        log.debug("unreadable outline: %s", exc)
        return []
    page_of = {p.page_obj.pageid: p.page_number for p in pdf.pages}
    out = []
    for level, title, dest, action, _ in outlines:
        try:
            page = _dest_page(pdf.doc, dest, action, page_of)
        except Exception:  # noqa: BLE001
            page = None
        t = cjk.normalize_text(title if isinstance(title, str) else str(title or "")).strip()
        if t:
            out.append(Bookmark(level=int(level), title=t, page=page))
    return out


def _dest_page(doc, dest, action, page_of: dict) -> int | None:
    if dest is None and action is not None:
        a = resolve1(action)
        if isinstance(a, dict):
            s = a.get("S")
            if isinstance(s, PSLiteral) and s.name == "GoTo":
                dest = a.get("D")
    dest = resolve1(dest)
    if isinstance(dest, (str, bytes)) or isinstance(dest, PSLiteral):
        name = dest.name if isinstance(dest, PSLiteral) else dest
        dest = resolve1(doc.get_dest(name))
    if isinstance(dest, dict):
        dest = resolve1(dest.get("D"))
    if isinstance(dest, list) and dest:
        ref = dest[0]
        if isinstance(ref, PDFObjRef):
            return page_of.get(ref.objid)
        if isinstance(ref, int):
            return ref + 1
    return None


# --------------------------------------------------------------------------
# pages
# --------------------------------------------------------------------------


def _extract_chunk(src: str, page_numbers: list[int], engine: str = "pdfium",
                   on_page=None, ocr: str = "auto") -> list[PageResult]:
    """Worker: open the PDF once and extract the given (1-based) pages with
    the given engine (see :mod:`.pdfium` for why PDFium is the default);
    ``on_page()`` is called after each page (in-process runs only).  Pages
    with pictures of text (or every page, ``ocr="always"``) are read by OCR
    here, in the same worker (:mod:`.ocr`)."""
    from .ocr import PageReader

    reader = PageReader(src, ocr)
    try:
        return _extract_pages_with(src, page_numbers, engine, on_page, reader)
    finally:
        reader.close()


def _extract_pages_with(src: str, page_numbers: list[int], engine: str, on_page, reader) -> list[PageResult]:
    out = []
    if engine == "pdfium":
        import pypdfium2 as pdfium

        from .pdfium import PdfiumPage

        doc = pdfium.PdfDocument(src)
        try:
            for n in page_numbers:
                page = None
                try:
                    page = PdfiumPage(doc, n)
                    out.append(reader.run(page, extract_page(page, n)))
                    if on_page is not None:
                        on_page()
                except pdfium.PdfiumError as exc:
                    raise CorruptPDF(f"page {n} cannot be read ({exc})", src) from None
                finally:
                    if page is not None:
                        page.close()
        finally:
            doc.close()
        return out
    with pdfplumber.open(src, pages=page_numbers) as pdf:
        for page in pdf.pages:
            try:
                out.append(reader.run(page, extract_page(page, page.page_number)))
                if on_page is not None:
                    on_page()
            except _BROKEN as exc:
                if not _is_broken(exc):
                    raise
                raise CorruptPDF(f"page {page.page_number} cannot be read ({type(exc).__name__}: {exc})",
                                 src) from None
            finally:
                page.close()
    return out


def chunks(pages: list[int], weights: dict[int, int], n: int) -> list[list[int]]:
    """Split ``pages`` (ascending) into at most ``n`` contiguous chunks of
    about equal total weight."""
    if n <= 1 or len(pages) <= 1:
        return [pages] if pages else []
    total = sum(weights.get(p, 1) for p in pages)
    out: list[list[int]] = [[]]
    acc = 0.0
    for p in pages:
        if out[-1] and acc >= total * len(out) / n and len(out) < n:
            out.append([])
        out[-1].append(p)
        acc += weights.get(p, 1)
    return out


#: Chunks per worker: more than one so that progress can be reported as
#: chunks finish (each chunk opens the PDF once; pages are never parsed twice).
CHUNKS_PER_JOB = 3


def extract_pages(src: str, pages: list[int], weights: dict[int, int], jobs: int,
                  engine: str = "pdfium", while_waiting=None, on_pages=None, ocr: str = "auto") -> list[PageResult]:
    """Extract ``pages`` with ``jobs`` worker processes (in this process when 1);
    ``while_waiting()`` runs here once the workers have started;
    ``on_pages(n)`` reports n more pages done; ``ocr``: see :mod:`.ocr`."""
    jobs = max(1, min(jobs, len(pages)))
    if jobs <= 1:
        tick = (lambda: on_pages(1)) if on_pages is not None else None
        return _extract_chunk(src, pages, engine, tick, ocr) if pages else []
    parts = chunks(pages, weights, min(len(pages), jobs * CHUNKS_PER_JOB))
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as ex:
        futures = [ex.submit(_extract_chunk, src, part, engine, None, ocr) for part in parts]
        if while_waiting is not None:
            while_waiting()
        if on_pages is not None:
            for f in as_completed(futures):
                on_pages(len(f.result()))
        return [r for f in futures for r in f.result()]


def _check_text_layer(results: list[PageResult], path: Path, ocr: str = "auto") -> None:
    n_text = sum(ln.n_chars for r in results for ln in r.lines)
    n_ocr = sum(ln.n_chars for r in results for ln in r.lines if ln.ocr)
    n_unmapped = sum(r.n_unmapped for r in results if not any(ln.ocr for ln in r.lines))
    n_images = sum(r.n_images for r in results)
    images = [im for r in results for im in r.images]
    if ocr == "never":
        hint = "run OCR on it (--ocr auto, or e.g. ocrmypdf -l chi_sim first)"
    elif any(im.status == "not_read" for im in images) or not images:
        hint = "run OCR on it: " + (unavailable_ocr() or "e.g. ocrmypdf -l chi_sim first")
    else:
        hint = "OCR found no text in them"
    if n_text == 0 and n_unmapped == 0:
        what = (f"its {len(results)} page(s) hold {n_images} image(s) and no text" if n_images
                else "its pages hold no text")
        raise NoTextLayer(f"{what} — a scanned PDF; {hint}", str(path))
    if n_unmapped > 2 * (n_text - n_ocr) and n_ocr == 0:
        raise NoTextLayer(f"{n_unmapped} of {n_unmapped + n_text} glyphs have no Unicode mapping, so the "
                          f"text cannot be read — it needs OCR ({hint})", str(path))


def unavailable_ocr() -> str | None:
    from .ocr import unavailable

    return unavailable()


ENGINES = ("pdfium", "pdfplumber")


def extract_pdf(path: str | Path, *, jobs: int | None = None, cache_dir: str | Path | None = None,
                engine: str = "pdfium", while_waiting=None, on_pages=None,
                page_range: tuple[int, int] | None = None, ocr: str = "auto") -> Extracted:
    """Extract Lines, Regions, PageInfo, Bookmarks and images from a PDF.

    ``jobs``: worker processes (default: all cores); ``cache_dir``: keep
    per-page results there, keyed by the PDF's sha256 and the extractor
    version; ``engine``: ``pdfium`` (fast, default) or ``pdfplumber``
    (pdfminer) to parse page content — both feed the same page logic;
    ``while_waiting``: work for this process while page workers run;
    ``on_pages(n)``: progress callback (n more pages done);
    ``page_range=(first, last)``: only these pages make the document (one
    plan of a volume: furniture and margins are measured on them alone);
    ``ocr``: ``auto`` (scanned pages and pictures that look like text are
    read by OCR when the ``ocr`` extra is installed), ``always`` or
    ``never`` (see :mod:`.ocr`)."""
    from .ocr import MODES, engine_id

    if engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r} (choose from {', '.join(ENGINES)})")
    if ocr not in MODES:
        raise ValueError(f"unknown OCR mode {ocr!r} (choose from {', '.join(MODES)})")
    p = Path(path)
    sha = _sha256(p)
    jobs = jobs or os.cpu_count() or 1
    ocr_key = "never" if ocr == "never" else f"{ocr}-{engine_id()}"
    cache = PageCache(cache_dir, sha, f"{EXTRACTOR_VERSION}-{engine}-ocr-{ocr_key}") if cache_dir else None
    manifest = cache.load_manifest() if cache else None
    cached: dict[int, PageResult] = {}
    if manifest is not None:
        for n in range(1, manifest["n_pages"] + 1):
            r = cache.load(n)
            if r is not None:
                cached[n] = r
    if manifest is not None and len(cached) == manifest["n_pages"]:
        n_pages, bookmarks, title = manifest["n_pages"], manifest["bookmarks"], manifest["title"]
        results = [cached[n] for n in range(1, n_pages + 1)]
    else:
        with open_pdf(p) as (src, n_pages, sizes, bookmarks, title):
            todo = [n for n in range(1, n_pages + 1) if n not in cached]
            weights = {n: max(sizes[n - 1], 1) for n in todo}
            if on_pages is not None:
                on_pages(0, n_pages)          # announce the total
                if cached:
                    on_pages(len(cached))
            fresh = {r.page: r for r in extract_pages(str(src), todo, weights, jobs, engine, while_waiting,
                                                      on_pages, ocr)}
        if cache is not None:
            for r in fresh.values():
                cache.save(r)
            cache.save_manifest(n_pages, bookmarks, title)
        results = [cached.get(n) or fresh[n] for n in range(1, n_pages + 1)]
    if page_range is not None:
        results = [r for r in results if page_range[0] <= r.page <= page_range[1]]
        bookmarks = [b for b in bookmarks if b.page is not None and page_range[0] <= b.page <= page_range[1]]
    _check_text_layer(results, p, ocr)
    lines, regions, infos = assemble(results)
    src_rec = Source(path=str(p), name=p.name, sha256=sha, kind="pdf", n_pages=n_pages, title=title)
    images = [im for r in results for im in r.images]
    _global_regions(images, results)
    return Extracted(source=src_rec, lines=lines, regions=regions, pages=infos, bookmarks=bookmarks,
                     images=images)


def _global_regions(images, results: list[PageResult]) -> None:
    """Page-local region ids of the images → the global ids
    :func:`.pdfdoc.assemble` gives (regions numbered in page order)."""
    base, offset = 0, {}
    for r in results:
        offset[r.page] = base
        base += len(r.regions)
    for im in images:
        if im.region is not None:
            im.region += offset.get(im.page, 0)
