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

**Safety** (issue 13).  Before any page is parsed, :mod:`.pdfcheck` decodes
and measures every page's streams: damaged streams become findings, pages
over their budget are skipped with a finding.  The page workers
(:func:`extract_pages`) die with their parent (``PR_SET_PDEATHSIG`` on
Linux, a watchdog thread elsewhere), ignore SIGINT/SIGTERM (the parent
handles them and kills the pool within a second), and each page has a time
budget (``page_timeout``): a page that takes longer, or crashes its worker,
is skipped with a finding and the worker replaced.  Warnings of the PDF
libraries (pdfminer's log, Python warnings) go to the debug log
(``-v``), never to stderr.
"""

from __future__ import annotations

import hashlib
import io
import logging
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import tempfile
import threading
import time
import traceback
import warnings
from collections import deque
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFNoOutlines, PDFPasswordIncorrect
from pdfminer.pdftypes import PDFObjRef, resolve1
from pdfminer.psparser import PSException, PSLiteral
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from .. import cjk
from ..errors import CorruptPDF, EncryptedPDF, InputError, MissingFont, NoTextLayer
from ..forked import SIGNALS, die_with_parent
from ..model import Bookmark, Extracted, Finding, Source
from .pdfcache import MemoryPageCache, PageCache
from .pdfcheck import MAX_PAGE_SEGMENTS, PageCheck, PageSkipped, check_page
from .pdfdoc import assemble
from .pdfpage import PageResult, extract_page

log = logging.getLogger(__name__)
# pdfminer logs every token at DEBUG: with ``-v`` that is gigabytes of noise and
# a tenfold slowdown, so its loggers stay at WARNING whatever the root level.
logging.getLogger("pdfminer").setLevel(logging.WARNING)

#: Bump when the per-page output changes: invalidates the page cache.
EXTRACTOR_VERSION = "3"
#: seconds one page may take in a worker before it is skipped (``--page-timeout``)
PAGE_TIMEOUT = 120.0
#: a page whose text is more than this share of implausible characters is
#: reported as garbled (damaged font or content stream)
GARBAGE_SHARE = 0.3
_GARBAGE_MIN = 40


class _ToDebugLog(logging.Handler):
    """Re-log a PDF library's warnings at DEBUG under this module's logger:
    the user sees one error line, ``-v`` shows the library's complaints."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            log.debug("%s: %s", record.name, record.getMessage())
        except Exception:  # noqa: BLE001 - a logging problem must not stop a parse
            pass


for _lib in ("pdfminer", "pdfplumber", "pypdfium2", "pikepdf"):
    _lg = logging.getLogger(_lib)
    _lg.propagate = False
    if not any(isinstance(h, _ToDebugLog) for h in _lg.handlers):
        _lg.addHandler(_ToDebugLog())


@contextmanager
def quiet_libraries():
    """Python warnings raised by the PDF libraries go to the debug log."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            for w in caught:
                log.debug("warning: %s: %s", w.category.__name__, w.message)

# Exceptions by which pdfminer/pdfplumber say "this PDF is broken" (a broken
# file makes pdfminer fail in many ways; see _is_broken).
_BROKEN = (PSException, PdfminerException, MalformedPDFException, KeyError, TypeError, ValueError, AttributeError,
           IndexError, AssertionError, OSError, EOFError)
_PDF_LIBS = ("pdfminer", "pdfplumber", "pypdfium2", "zlib")


def _is_broken(exc: BaseException) -> bool:
    """True if ``exc`` is a PDF library failing on the file (not a bug here):
    a pdfminer/pdfplumber exception, or one raised inside those packages."""
    if isinstance(exc, (PSException, PdfminerException, MalformedPDFException)):
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


def _try_open(src: str | Path) -> tuple[int, list[int], list[Bookmark], str | None, list[PageCheck],
                                       list[tuple[float, float]]]:
    """Open with pdfplumber: (page count, content size per page, bookmarks,
    metadata title, the checks of every page (:func:`.pdfcheck.check_page`),
    page sizes).  Raises what pdfminer raises."""
    with pdfplumber.open(src) as pdf:
        pages = pdf.pages
        if not pages:
            raise CorruptPDF("the PDF has no pages")
        sizes = [_content_size(p) for p in pages]
        checks = [check_page(p.page_obj) for p in pages]
        dims = [_dims(p) for p in pages]
        declared = _declared_pages(pdf)
        if declared is not None and declared != len(pages):
            # a page object too damaged to read drops out of the page tree
            checks[0].problems.insert(0, f"the document says it has {declared} pages, {len(pages)} could be read "
                                         "(a damaged page tree: pages may be missing)")
        return len(pages), sizes, read_bookmarks(pdf), _meta_title(pdf), checks, dims


def _declared_pages(pdf) -> int | None:
    """The page count the page tree's root declares (/Count), if readable."""
    try:
        root = resolve1(resolve1(pdf.doc.catalog).get("Pages"))
        n = resolve1(root.get("Count"))
        return n if isinstance(n, int) and n >= 0 else None
    except Exception:  # noqa: BLE001 - a damaged catalog: nothing to compare
        return None


def _dims(page) -> tuple[float, float]:
    """A page's (width, height), (0, 0) if its boxes are unreadable (PDFium
    will say more when the page is parsed)."""
    try:
        return float(page.width), float(page.height)
    except Exception:  # noqa: BLE001 - pdfplumber rejects damaged boxes in several ways
        return 0.0, 0.0


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


def _pdfium_pages(path: Path) -> int | None:
    """PDFium's page count of a (damaged) PDF, None if it cannot open it."""
    try:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path))
        try:
            return len(doc)
        finally:
            doc.close()
    except Exception:  # noqa: BLE001 - PDFium cannot read it either
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
            before = _pdfium_pages(path)
            if before and info[0] < before:
                raise CorruptPDF(f"the file is damaged: after repair {info[0]} of its {before} pages remain",
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


def _skipped(page_no: int, reason: str, size: tuple[float, float] = (0.0, 0.0)) -> PageResult:
    """The result of a page that was not parsed (over budget, timed out, crashed)."""
    return PageResult(page=page_no, width=size[0], height=size[1], rotation=0, skipped=reason)


def _extract_chunk(src: str, page_numbers, engine: str = "pdfium", on_page=None,
                   ocr: str = "auto") -> list[PageResult]:
    """Worker: open the PDF once and extract the given (1-based) pages with
    the given engine (see :mod:`.pdfium` for why PDFium is the default);
    ``on_page(result)`` is called after each page.  ``page_numbers`` may be
    any iterable (a worker feeds it from its pipe).  A page over its budget
    (:class:`.pdfcheck.PageSkipped`) gives a skipped result, not an error.
    Pages with pictures of text (or every page, ``ocr="always"``) are read
    by OCR here, in the same worker (:mod:`.ocr`); that work counts against
    the page's time budget."""
    from .ocr import PageReader

    reader = PageReader(src, ocr)
    try:
        return _extract_pages_with(src, page_numbers, engine, on_page, reader)
    finally:
        reader.close()


def _extract_pages_with(src: str, page_numbers, engine: str, on_page, reader) -> list[PageResult]:
    out = []

    def done(r: PageResult) -> None:
        out.append(r)
        if on_page is not None:
            on_page(r)

    if engine == "pdfium":
        import pypdfium2 as pdfium

        from .pdfium import PdfiumPage

        try:
            doc = pdfium.PdfDocument(src)
        except pdfium.PdfiumError as exc:
            raise CorruptPDF(f"PDFium cannot open the PDF ({exc})", src) from None
        try:
            for n in page_numbers:
                page = None
                try:
                    page = PdfiumPage(doc, n)
                    r = reader.run(page, extract_page(page, n))
                    r.n_dropped, r.n_textobjs = page.n_dropped, page.n_textobjs
                    if page.n_dropped:
                        fonts = ", ".join(sorted(page.dropped_fonts)[:3]) or "?"
                        many = page.n_dropped > 1
                        r.issues.append(["error", f"{page.n_dropped:,} text object{'s' if many else ''} in a font "
                                         f"that is not embedded ({fonts}) {'have' if many else 'has'} no Unicode "
                                         "mapping, the text is missing — install a CJK font (fonts-wqy-microhei, "
                                         "fonts-noto-cjk) and parse again"])
                    if page.segments_dropped:
                        r.issues.append(["warning", f"{page.segments_dropped:,} drawing segments beyond the limit "
                                         f"of {MAX_PAGE_SEGMENTS:,} ignored (boxes and table rules there may "
                                         "be missed)"])
                    done(r)
                except PageSkipped as exc:
                    done(_skipped(n, str(exc), (page.width, page.height) if page is not None else (0.0, 0.0)))
                except MemoryError:
                    done(_skipped(n, "out of memory", (page.width, page.height) if page is not None else (0.0, 0.0)))
                except pdfium.PdfiumError as exc:
                    raise CorruptPDF(f"page {n} cannot be read ({exc})", src) from None
                finally:
                    if page is not None:
                        page.close()
        finally:
            doc.close()
        return out
    with pdfplumber.open(src) as pdf:
        for n in page_numbers:
            page = pdf.pages[n - 1]
            try:
                done(reader.run(page, extract_page(page, page.page_number)))
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
#: chunks finish and work is balanced (each chunk is a list of pages sent
#: to a free worker; a worker opens the PDF once; pages are never parsed twice).
CHUNKS_PER_JOB = 3
_SIGNALS = SIGNALS


# --------------------------------------------------------------------------
# the page workers
# --------------------------------------------------------------------------


def _worker_main(conn, src: str, engine: str, parent: int, ocr: str = "auto") -> None:
    """A page worker: pages in (lists of page numbers on ``conn``), results out
    (``("start", n)``, ``("page", PageResult)``, ``("done", None)`` per
    chunk, ``("error", …)``).  SIGINT/SIGTERM are ignored: the parent
    handles them and kills its workers."""
    for sig in _SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    die_with_parent(parent)

    def feed():
        while True:
            chunk = conn.recv()
            if chunk is None:
                return
            for n in chunk:
                conn.send(("start", n))
                yield n
            conn.send(("done", None))

    try:
        with quiet_libraries():
            _extract_chunk(src, feed(), engine, on_page=lambda r: conn.send(("page", r)), ocr=ocr)
    except InputError as exc:
        conn.send(("error", exc))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(("bug", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
    finally:
        conn.close()


class _Worker:
    def __init__(self, ctx, src: str, engine: str, registry: list, ocr: str = "auto"):
        parent_end, child_end = ctx.Pipe()
        self.conn = parent_end
        self.queue: deque[int] = deque()      # pages sent and not finished
        self.page: int | None = None          # the page being parsed
        self.since = 0.0
        self.stopping = False
        self.proc = ctx.Process(target=_worker_main, args=(child_end, src, engine, os.getpid(), ocr),
                                name="plan-pdf-page")
        # registered before it starts: a signal from here on still finds it
        # in the pool, which kills it (an unkilled worker would make
        # multiprocessing's exit handler wait for it forever)
        registry.append(self)
        # signals held back across the fork: the child ignores them before
        # unblocking, so a SIGTERM now cannot run the CLI's handler in it
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS) if hasattr(signal, "pthread_sigmask") else None
        try:
            self.proc.start()
        finally:
            child_end.close()
            if old is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def kill(self) -> None:
        try:
            self.proc.kill()
        except (OSError, ValueError, AttributeError):
            pass

    def reap(self, timeout: float = 1.0) -> None:
        try:
            self.proc.join(timeout)
        except (AssertionError, ValueError):       # never started
            pass
        try:
            self.conn.close()
        except OSError:
            pass


class _WorkerBug(RuntimeError):
    """An internal error in a page worker (its traceback is in the message)."""


def _run_pool(src: str, parts: list[list[int]], jobs: int, engine: str, while_waiting, on_pages,
              page_timeout: float | None, dims: dict[int, tuple[float, float]],
              ocr: str = "auto") -> dict[int, PageResult]:
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    todo: deque[list[int]] = deque(parts)
    results: dict[int, PageResult] = {}
    workers: list[_Worker] = []
    waiter: threading.Thread | None = None
    waiter_error: list[BaseException] = []

    def run_waiter() -> None:
        try:
            while_waiting()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
            waiter_error.append(exc)

    def spawn() -> _Worker:
        if waiter is not None and waiter.is_alive():
            waiter.join()              # never fork while another thread runs
        return _Worker(ctx, src, engine, workers, ocr)

    def assign(w: _Worker) -> None:
        if todo:
            chunk = todo.popleft()
            w.queue.extend(chunk)
            w.conn.send(chunk)
        elif not w.stopping:
            w.stopping = True
            w.conn.send(None)

    def lost(w: _Worker, reason: str) -> None:
        """``w`` is gone: its current page is skipped, the rest requeued."""
        w.kill()
        w.reap()
        workers.remove(w)
        if w.page is not None:
            results[w.page] = _skipped(w.page, reason, dims.get(w.page, (0.0, 0.0)))
            if on_pages is not None:
                on_pages(1)
            if w.page in w.queue:
                w.queue.remove(w.page)
        if w.queue:
            todo.appendleft(list(w.queue))
        if todo:
            assign(spawn())

    try:
        for _ in range(min(jobs, len(todo))):
            assign(spawn())
        if while_waiting is not None:
            waiter = threading.Thread(target=run_waiter, name="plan-preload", daemon=True)
            waiter.start()
        while workers:
            conns = {w.conn: w for w in workers}
            ready = multiprocessing.connection.wait(list(conns), timeout=0.25)
            for c in ready:
                w = conns[c]
                try:
                    msg = c.recv()
                except (EOFError, OSError):
                    if w.stopping and not w.queue:
                        w.reap()
                        workers.remove(w)
                    else:
                        w.proc.join(0.5)
                        code = w.proc.exitcode
                        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                        lost(w, f"the PDF library crashed on it ({how})")
                    continue
                kind = msg[0]
                if kind == "start":
                    w.page, w.since = msg[1], time.monotonic()
                elif kind == "page":
                    r = msg[1]
                    results[r.page] = r
                    if r.page in w.queue:
                        w.queue.remove(r.page)
                    w.page = None
                    if on_pages is not None:
                        on_pages(1)
                elif kind == "done":
                    assign(w)
                elif kind == "error":
                    raise msg[1]
                else:
                    log.debug("page worker traceback:\n%s", msg[2])
                    raise _WorkerBug(f"{msg[1]} (in a page worker)")
            if page_timeout:
                now = time.monotonic()
                for w in list(workers):
                    if w.page is not None and now - w.since > page_timeout:
                        log.warning("page %d: not done after %.0f s; skipped", w.page, page_timeout)
                        lost(w, f"not done within {page_timeout:g} s (--page-timeout)")
        if waiter is not None:
            waiter.join()
            if waiter_error:
                raise waiter_error[0]
    finally:
        for w in workers:        # an error or a signal: the pool goes at once
            w.kill()
        for w in workers:
            w.reap(1.0)
    return results


def extract_pages(src: str, pages: list[int], weights: dict[int, int], jobs: int,
                  engine: str = "pdfium", while_waiting=None, on_pages=None, *,
                  page_timeout: float | None = PAGE_TIMEOUT,
                  dims: dict[int, tuple[float, float]] | None = None, ocr: str = "auto") -> list[PageResult]:
    """Extract ``pages`` with ``jobs`` worker processes (see
    :func:`_worker_main`; in this process when ``jobs`` is 1 and there is no
    ``page_timeout``, or when this process is daemonic); ``while_waiting()`` runs here (in a thread) while the
    workers work; ``on_pages(n)`` reports n more pages done.  A page that
    takes more than ``page_timeout`` seconds, or crashes its worker, is
    skipped (a result with ``skipped`` set) and its worker replaced.
    ``ocr``: see :mod:`.ocr`."""
    if not pages:
        return []
    jobs = max(1, min(jobs, len(pages)))
    if multiprocessing.current_process().daemon:
        # a daemonic process (a Dask worker, a pool's child) may not have
        # children: its pages are parsed here, without a time budget (the
        # caller's own pool or scheduler is the watchdog then)
        jobs, page_timeout = 1, None
    if jobs <= 1 and not page_timeout:
        tick = (lambda r: on_pages(1)) if on_pages is not None else None
        with quiet_libraries():
            return _extract_chunk(src, pages, engine, tick, ocr)
    parts = chunks(pages, weights, min(len(pages), jobs * CHUNKS_PER_JOB))
    got = _run_pool(src, parts, jobs, engine, while_waiting, on_pages, page_timeout, dims or {}, ocr)
    return [got[n] for n in pages]


# --------------------------------------------------------------------------
# checks of the whole document, findings
# --------------------------------------------------------------------------


def _check_text_layer(results: list[PageResult], path: str, ocr: str = "auto") -> None:
    n_text = sum(ln.n_chars for r in results for ln in r.lines)
    n_ocr = sum(ln.n_chars for r in results for ln in r.lines if ln.ocr)
    n_unmapped = sum(r.n_unmapped for r in results if not any(ln.ocr for ln in r.lines))
    n_images = sum(r.n_images for r in results)
    n_dropped = sum(r.n_dropped for r in results)
    n_objs = sum(r.n_textobjs for r in results)
    if n_dropped and n_dropped * 2 >= n_objs:
        pages = [r.page for r in results if r.n_dropped]
        raise MissingFont(f"{n_dropped:,} of {n_objs:,} text objects (pages {_ranges(pages)[:60]}) are in fonts "
                          "that are not embedded, and no installed font maps them to Unicode: install a CJK font "
                          "(e.g. apt-get install fonts-wqy-microhei, or fonts-noto-cjk) and parse again", path)
    images = [im for r in results for im in r.images]
    if ocr == "never":
        hint = "run OCR on it (--ocr auto, or e.g. ocrmypdf -l chi_sim first)"
    elif any(im.status == "not_read" for im in images) or not images:
        hint = "run OCR on it: " + (unavailable_ocr() or "e.g. ocrmypdf -l chi_sim first")
    else:
        hint = "OCR found no text in them"
    if n_text == 0 and n_unmapped == 0:
        if any(r.skipped for r in results):
            skipped = [r for r in results if r.skipped]
            raise NoTextLayer(f"no page could be read: {len(skipped)} page(s) skipped "
                              f"(page {skipped[0].page}: {skipped[0].skipped})", path)
        what = (f"its {len(results)} page(s) hold {n_images} image(s) and no text" if n_images
                else "its pages hold no text")
        raise NoTextLayer(f"{what} — a scanned PDF; {hint}", path)
    if n_unmapped > 2 * (n_text - n_ocr) and n_ocr == 0:
        raise NoTextLayer(f"{n_unmapped} of {n_unmapped + n_text} glyphs have no Unicode mapping, so the "
                          f"text cannot be read — it needs OCR ({hint})", path)


def unavailable_ocr() -> str | None:
    """Why OCR cannot run here (None: it can)."""
    from .ocr import unavailable

    return unavailable()


def page_findings(results: list[PageResult], checks: dict[int, list[str]]) -> list[Finding]:
    """Extraction findings, page by page: pages skipped (budget, timeout,
    crash), streams that cannot be decoded (``checks``: page → problems),
    glyphs without Unicode mapping, control characters removed, garbled
    text, characters the line model does not hold."""
    out: list[Finding] = []
    for r in results:
        where = f"page {r.page}"
        if r.skipped:
            out.append(Finding("extraction", "error", None, where, f"page {r.page} skipped: {r.skipped}"))
        for problem in checks.get(r.page, []):
            out.append(Finding("extraction", "error", None, where, f"page {r.page}: {problem}"))
        for severity, message in r.issues:
            out.append(Finding("extraction", severity, None, where, f"page {r.page}: {message}"))
        if r.n_unmapped and not any(ln.ocr for ln in r.lines):
            out.append(Finding("extraction", "error", None, where,
                               f"page {r.page}: {r.n_unmapped:,} glyph{'s' if r.n_unmapped > 1 else ''} without "
                               "Unicode mapping (their text is missing; OCR would read them)"))
        if r.n_controls:
            out.append(Finding("extraction", "warning", None, where,
                               f"page {r.page}: {r.n_controls:,} control character"
                               f"{'s' if r.n_controls > 1 else ''} removed"))
        held = sum(ln.n_chars for ln in r.lines)
        dupes = sum(ln.n_dupes for ln in r.lines)
        if r.n_glyphs and r.n_glyphs - held > dupes:
            out.append(Finding("extraction", "error", None, where,
                               f"page {r.page}: {r.n_glyphs - held - dupes:,} of {r.n_glyphs:,} characters "
                               "the PDF library reported are not in any line", expected=str(r.n_glyphs),
                               actual=str(held + dupes)))
        text = "".join(ln.text for ln in r.lines)
        flat = cjk.strip_all_space(text)
        if len(flat) >= _GARBAGE_MIN:
            bad = cjk.implausible_count(flat)
            if bad > GARBAGE_SHARE * len(flat):
                out.append(Finding("extraction", "error", None, where,
                                   f"page {r.page}: {bad:,} of {len(flat):,} characters are not plausible text "
                                   "(a damaged font or content stream?)", actual=flat[:200]))
    return out


ENGINES = ("pdfium", "pdfplumber")


def extract_pdf(path: str | Path, *, jobs: int | None = None, cache_dir: str | Path | None = None,
                engine: str = "pdfium", while_waiting=None, on_pages=None,
                page_range: tuple[int, int] | None = None, sha256: str | None = None,
                source_path: str | None = None, source_name: str | None = None,
                page_timeout: float | None = PAGE_TIMEOUT, ocr: str = "auto") -> Extracted:
    """Extract Lines, Regions, PageInfo, Bookmarks and images from a PDF.

    ``jobs``: worker processes (default: all cores); ``cache_dir``: keep
    per-page results there, keyed by the PDF's sha256 and the extractor
    version (a directory, or a :class:`.pdfcache.MemoryPageCache` to keep
    them in memory for this process); ``engine``: ``pdfium`` (fast, default) or ``pdfplumber``
    (pdfminer) to parse page content — both feed the same page logic;
    ``while_waiting``: work for this process while page workers run;
    ``on_pages(n)``: progress callback (n more pages done);
    ``page_range=(first, last)``: only these pages make the document (one
    plan of a volume: furniture and margins are measured on them alone);
    ``sha256``/``source_path``/``source_name``: the input as read by
    :func:`pipeline.extract.read_input` (``path`` may be a spooled copy);
    ``page_timeout``: seconds a page may take (0/None: no limit);
    ``ocr``: ``auto`` (scanned pages and pictures that look like text are
    read by OCR when the ``ocr`` extra is installed), ``always`` or
    ``never`` (see :mod:`.ocr`)."""
    from .ocr import MODES, engine_id

    if engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r} (choose from {', '.join(ENGINES)})")
    if ocr not in MODES:
        raise ValueError(f"unknown OCR mode {ocr!r} (choose from {', '.join(MODES)})")
    p = Path(path)
    shown = source_path or str(p)
    sha = sha256 or _sha256(p)
    jobs = jobs or os.cpu_count() or 1
    ocr_key = "never" if ocr == "never" else f"{ocr}-{engine_id()}"
    key = f"{EXTRACTOR_VERSION}-{engine}-ocr-{ocr_key}"
    if isinstance(cache_dir, MemoryPageCache):
        cache = cache_dir.keyed(sha, key)
    else:
        cache = PageCache(cache_dir, sha, key) if cache_dir else None
    manifest = cache.load_manifest() if cache else None
    cached: dict[int, PageResult] = {}
    if manifest is not None:
        for n in range(1, manifest["n_pages"] + 1):
            r = cache.load(n)
            if r is not None:
                cached[n] = r
    with quiet_libraries():
        if manifest is not None and len(cached) == manifest["n_pages"]:
            n_pages, bookmarks, title = manifest["n_pages"], manifest["bookmarks"], manifest["title"]
            problems = {int(k): v for k, v in (manifest.get("problems") or {}).items()}
            results = [cached[n] for n in range(1, n_pages + 1)]
        else:
            with open_pdf(p) as (src, n_pages, sizes, bookmarks, title, checks, dims):
                problems = {k + 1: c.problems for k, c in enumerate(checks) if c.problems}
                skip = {k + 1: c.skip for k, c in enumerate(checks) if c.skip}
                size_of = {k + 1: d for k, d in enumerate(dims)}
                fresh = {n: _skipped(n, reason, size_of[n]) for n, reason in skip.items() if n not in cached}
                todo = [n for n in range(1, n_pages + 1) if n not in cached and n not in fresh]
                weights = {n: max(sizes[n - 1], 1) for n in todo}
                if on_pages is not None:
                    on_pages(0, n_pages)          # announce the total
                    if cached or fresh:
                        on_pages(len(cached) + len(fresh))
                for r in extract_pages(str(src), todo, weights, jobs, engine, while_waiting, on_pages,
                                       page_timeout=page_timeout, dims=size_of, ocr=ocr):
                    fresh[r.page] = r
            if cache is not None:
                # pages skipped by time or by a crash are not cached (a rerun tries again)
                transient = {n for n, r in fresh.items() if r.skipped and n not in skip}
                for r in fresh.values():
                    if r.page not in transient:
                        cache.save(r)
                cache.save_manifest(n_pages, bookmarks, title, problems={str(k): v for k, v in problems.items()})
            results = [cached.get(n) or fresh[n] for n in range(1, n_pages + 1)]
    if page_range is not None:
        results = [r for r in results if page_range[0] <= r.page <= page_range[1]]
        bookmarks = [b for b in bookmarks if b.page is not None and page_range[0] <= b.page <= page_range[1]]
        problems = {k: v for k, v in problems.items() if page_range[0] <= k <= page_range[1]}
    _check_text_layer(results, shown, ocr)
    lines, regions, infos = assemble(results)
    name = source_name or p.name
    src_rec = Source(path=shown, name=name, sha256=sha, kind="pdf", n_pages=n_pages, title=title)
    images = _global_regions(results)
    return Extracted(source=src_rec, lines=lines, regions=regions, pages=infos, bookmarks=bookmarks,
                     images=images, findings=page_findings(results, problems))


def _global_regions(results: list[PageResult]) -> list:
    """The pages' images with their page-local region ids turned into the
    global ids :func:`.pdfdoc.assemble` gives (regions numbered in page
    order).  New records: the page results stay as they were, so a page
    cache held in memory (:class:`.pdfcache.MemoryPageCache`) can assemble
    them again for one volume of the file."""
    base, images = 0, []
    for r in results:
        for im in r.images:
            images.append(im if im.region is None else replace(im, region=im.region + base))
        base += len(r.regions)
    return images
