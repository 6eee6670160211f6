"""extract stage: an input file (PDF or plain text) → :class:`~pipeline.model.Extracted`.

Both input kinds meet in the same Line model; everything after this stage is
shared.  The input kind is recognised from the file's content (``%PDF``
magic), not only from its name.

The input is **read once** (:func:`read_input`) and the kind is sniffed from
those bytes, so pipes, process substitution (``<(cat plan.txt)``),
``/dev/stdin`` and ``-`` (stdin) work like files: nothing is read twice and
nothing is lost.  Limits: at most ``max_bytes`` (default
:data:`MAX_PDF_BYTES` for a PDF, :data:`MAX_TEXT_BYTES` for text); a pipe or
FIFO that sends nothing for ``read_timeout`` seconds is an error, not a
hang; devices (``/dev/zero``, a terminal) are refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import select
import stat
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import CorruptPDF, EmptyInput, InputError, InputTooLarge, UnsupportedInput, printable
from ..model import Extracted

#: default size limit of a PDF input (bytes)
MAX_PDF_BYTES = 512 * 1024 * 1024
#: default size limit of a text input: 16 MiB is ~5 million Chinese
#: characters, 25 times the longest national plan; past that a parse takes
#: minutes and gigabytes (issue 13)
MAX_TEXT_BYTES = 16 * 1024 * 1024
#: seconds a pipe or FIFO may stay silent before the read gives up
READ_TIMEOUT = 60.0
_SNIFF = 1024
_CHUNK = 1 << 20


@dataclass(slots=True)
class InputData:
    """An input read once: its bytes and how to name it."""

    shown: str                 # the path as given (``-`` for stdin), printable
    name: str                  # the file name for records (``stdin`` for a pipe)
    data: bytes
    sha256: str
    kind: str                  # "pdf" | "text"
    file: Path | None = None   # the regular file itself (None for pipes, FIFOs, stdin)


def _display_name(p: Path) -> str:
    return printable(p.name)


def sniff_bytes(head: bytes, name: str = "", shown: str | None = None) -> str:
    """``"pdf"`` or ``"text"`` from the first bytes of an input (and its name)."""
    if not head:
        raise EmptyInput("the file is empty (0 bytes)", shown)
    if b"%PDF-" in head[:_SNIFF]:
        return "pdf"
    if name.lower().endswith(".pdf"):
        raise CorruptPDF("no %PDF header: the file is not a PDF (or is damaged at the start)", shown)
    return "text"


def _limit(kind: str, max_bytes: int | None) -> int:
    if max_bytes:
        return max_bytes
    return MAX_PDF_BYTES if kind == "pdf" else MAX_TEXT_BYTES


def _too_large(n: int, limit: int, shown: str, exact: bool) -> InputTooLarge:
    size = f"{n / 2**20:,.1f} MiB" if exact else f"more than {limit / 2**20:,.1f} MiB"
    return InputTooLarge(f"{size}, over the limit of {limit / 2**20:,.1f} MiB (raise it with --max-bytes)", shown)


def _read_stream(fd: int, shown: str, name: str, max_bytes: int | None, timeout: float) -> bytes:
    """Read a pipe/FIFO/socket to its end: a poll with ``timeout`` before
    every read (a writer that never comes is an error, not a hang), and the
    size limit of the kind sniffed from the first bytes."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    parts: list[bytes] = []
    total = 0
    limit = None
    while True:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                what = "no data" if not total else f"no more data after {total:,} bytes"
                raise UnsupportedInput(f"{what} for {timeout:g} s (a pipe or FIFO without a writer?)", shown)
            try:
                if poller.poll(int(left * 1000) + 1):
                    break
            except InterruptedError:
                continue
        try:
            block = os.read(fd, _CHUNK)
        except BlockingIOError:
            continue
        if not block:
            break
        parts.append(block)
        total += len(block)
        if limit is None and total >= min(_SNIFF, 8):
            head = b"".join(parts)[:_SNIFF]
            limit = _limit("pdf" if b"%PDF-" in head else "text", max_bytes)
        if limit is not None and total > limit:
            raise _too_large(total, limit, shown, exact=False)
    data = b"".join(parts)
    if limit is None:
        limit = _limit("pdf" if b"%PDF-" in data[:_SNIFF] else "text", max_bytes)
    if len(data) > limit:
        raise _too_large(len(data), limit, shown, exact=True)
    return data


def read_input(path: str | os.PathLike, *, max_bytes: int | None = None,
               read_timeout: float = READ_TIMEOUT) -> InputData:
    """Read an input once: a regular file, ``-`` (stdin), ``/dev/stdin``, a
    pipe, process substitution or a FIFO.  Raises :class:`UnsupportedInput`
    (exit 9) for a missing file, a directory, a device or terminal, an input
    over the size limit, a FIFO that stays silent; :class:`EmptyInput` for
    0 bytes; :class:`CorruptPDF` for a ``.pdf`` without the PDF magic."""
    raw = os.fspath(path)
    shown = "-" if raw == "-" else raw
    if raw == "-":
        fd, own, name = sys.stdin.fileno() if sys.stdin is not None else 0, False, "stdin"
    else:
        p = Path(raw)
        name = _display_name(p)
        try:
            st = os.stat(raw)
        except FileNotFoundError:
            raise UnsupportedInput("file not found", shown) from None
        except OSError as exc:
            raise UnsupportedInput(exc.strerror or str(exc), shown) from None
        if stat.S_ISDIR(st.st_mode):
            raise UnsupportedInput("is a directory, not a file", shown)
        if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
            if _is_tty_path(raw):
                raise UnsupportedInput("is a terminal: pipe the plan in or give a file", shown)
            raise UnsupportedInput("is a device, not a file", shown)
        try:
            # O_NONBLOCK: opening a FIFO without a writer must not block
            fd = os.open(raw, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        except PermissionError:
            raise UnsupportedInput("permission denied", shown) from None
        except OSError as exc:
            raise UnsupportedInput(exc.strerror or str(exc), shown) from None
        own = True
        if name in ("stdin", "0") and raw.startswith(("/dev/", "/proc/")):
            name = "stdin"
    try:
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode):
            kind_head = os.pread(fd, _SNIFF, 0) if hasattr(os, "pread") else b""
            limit = _limit("pdf" if b"%PDF-" in kind_head else "text", max_bytes)
            if st.st_size > limit:
                raise _too_large(st.st_size, limit, shown, exact=True)
            with open(fd, "rb", closefd=False) as fh:
                if not own:
                    fh.seek(0, os.SEEK_CUR)
                data = fh.read(limit + 1)
            if len(data) > limit:             # the file grew while we read it
                raise _too_large(len(data), limit, shown, exact=False)
            regular = Path(raw) if own else None
        elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
            what = "a terminal: pipe the plan in or give a file" if os.isatty(fd) else "a device, not a file"
            raise UnsupportedInput(f"is {what}", shown)
        else:
            data = _read_stream(fd, shown, name, max_bytes, read_timeout)
            regular = None
    finally:
        if own:
            os.close(fd)
    kind = sniff_bytes(data[:_SNIFF], name, shown)
    return InputData(shown=shown, name=name, data=data, sha256=hashlib.sha256(data).hexdigest(), kind=kind,
                     file=regular)


def _is_tty_path(path: str) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError:
        return False
    try:
        return os.isatty(fd)
    finally:
        os.close(fd)


def sniff_kind(path: str | Path) -> str:
    """``"pdf"`` or ``"text"``, from the first bytes of the file (and its name)."""
    return read_input(path).kind


@contextlib.contextmanager
def _pdf_file(inp: InputData):
    """A path to the PDF's bytes for the page workers: the file itself, or a
    private spooled copy of a pipe's bytes (removed afterwards)."""
    if inp.file is not None:
        yield inp.file
        return
    with tempfile.TemporaryDirectory(prefix="plan-input-") as tmp:
        p = Path(tmp) / "input.pdf"
        p.write_bytes(inp.data)
        yield p


def extract(path: str | Path | InputData, *, jobs: int | None = None, cache_dir: str | Path | None = None,
            engine: str = "pdfium", while_waiting=None, on_pages=None,
            page_range: tuple[int, int] | None = None, ocr: str = "auto", max_bytes: int | None = None,
            read_timeout: float = READ_TIMEOUT, page_timeout: float | None = None) -> Extracted:
    """Extract Lines (and, for PDFs, regions, page info and bookmarks) from ``path``.

    ``jobs``, ``cache_dir`` and ``engine`` apply to PDFs: pages are extracted
    in parallel and cached per page so that a rerun does not read the PDF
    again; ``engine`` picks the content parser (``pdfium`` or ``pdfplumber``);
    ``while_waiting`` is called in this process while page workers run;
    ``on_pages(n, total=None)`` reports progress (PDF pages done);
    ``page_range=(first, last)``: assemble only those PDF pages into the
    document (one plan of a volume, see :mod:`pipeline.volumes`);
    ``max_bytes``, ``read_timeout``: input limits (see :func:`read_input`);
    ``page_timeout``: seconds one PDF page may take before it is skipped
    (None: :data:`pipeline.extract.pdf.PAGE_TIMEOUT`; 0: no limit).
    ``path`` may be an input already read (:class:`InputData`, e.g. stdin
    extracted more than once for a volume);
    ``ocr`` (``auto``/``always``/``never``): which pictures of text in a PDF
    are read by OCR (:mod:`.ocr`).
    """
    inp = path if isinstance(path, InputData) else read_input(path, max_bytes=max_bytes, read_timeout=read_timeout)
    if inp.kind == "pdf":
        from .pdf import PAGE_TIMEOUT, extract_pdf

        with _pdf_file(inp) as f:
            try:
                return extract_pdf(f, jobs=jobs, cache_dir=cache_dir, engine=engine, while_waiting=while_waiting,
                                   on_pages=on_pages, page_range=page_range, ocr=ocr, sha256=inp.sha256,
                                   source_path=inp.shown,
                                   source_name=inp.name,
                                   page_timeout=PAGE_TIMEOUT if page_timeout is None else page_timeout)
            except InputError as exc:
                if exc.path is None or exc.path == str(f):
                    exc.path = inp.shown
                raise
    from .text import extract_text

    return extract_text(inp.data, name=inp.name, path=inp.shown)
