"""Per-page budgets and stream checks of a PDF, made before any page is parsed.

Why: PDFium and pdfminer recover silently from damaged streams (a content
stream whose filters are listed in the wrong order, a truncated zlib
stream) and parse whatever they get, and a 20 KB PDF can hold a page of 20
million characters that takes gigabytes to parse (issue 13).  So, from the
PDF's objects (pdfminer, which the open step already uses), for each page:

* every content stream (the page's and its form XObjects') and every
  ToUnicode map of its fonts is **decoded here**, with our own strict
  decoders for the common filters: an unknown filter, a decoding error or a
  truncated stream is a *problem* of the page (a finding; ``--strict``
  fails on it);
* the decoded content size is **capped** (:data:`MAX_PAGE_CONTENT_BYTES`,
  decoding stops there: a zip bomb costs nothing); a page with more content
  than that, or — for pages over :data:`SCAN_FROM_BYTES` — with more
  characters (:data:`MAX_PAGE_CHARS`) or painted paths
  (:data:`MAX_PAGE_PATHS`) than a page can sensibly hold, is **skipped**
  before PDFium sees it (a finding ``page 57 skipped: about 20,000,000
  characters``);
* an uncompressed content stream is scanned for operators that do not
  exist (a damaged stream).

The page workers enforce the same character cap exactly (PDFium's count)
and cap the path segments they read (:data:`MAX_PAGE_SEGMENTS`: beyond it
a page's drawings are ignored, its text kept); ``--page-timeout`` and the
worker-crash handling in :mod:`.pdf` catch whatever gets past this.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import regex as re

#: characters one page may hold (the densest page of the corpus has 1,500)
MAX_PAGE_CHARS = 100_000
#: decoded content (page + form XObjects) one page may hold
MAX_PAGE_CONTENT_BYTES = 32 * 1024 * 1024
#: painted paths one page may hold (the corpus has at most 200 per page)
MAX_PAGE_PATHS = 200_000
#: path segments read from one page; beyond this its drawings are ignored
MAX_PAGE_SEGMENTS = 200_000
#: pages with more decoded content than this are scanned for their counts
SCAN_FROM_BYTES = 256 * 1024
_FORM_DEPTH = 3


class PageSkipped(Exception):
    """A page over its budget (raised in a page worker; the page becomes a finding)."""


@dataclass(slots=True)
class PageCheck:
    """What the checks found on one page."""

    content_bytes: int = 0
    est_chars: int = 0
    est_paths: int = 0
    problems: list[str] = field(default_factory=list)
    skip: str | None = None


# -- decoding ----------------------------------------------------------------

_FLATE = {"FlateDecode", "Fl"}
_A85 = {"ASCII85Decode", "A85"}
_AHX = {"ASCIIHexDecode", "AHx"}
_LZW = {"LZWDecode", "LZW"}
_RL = {"RunLengthDecode", "RL"}
_IMAGE = {"DCTDecode", "DCT", "JPXDecode", "CCITTFaxDecode", "CCF", "JBIG2Decode"}


class _Undecodable(Exception):
    pass


def _name(x) -> str:
    from pdfminer.psparser import PSLiteral

    n = x.name if isinstance(x, PSLiteral) else x
    return n.decode("latin-1") if isinstance(n, bytes) else str(n)


def _filters(stream) -> list[str]:
    from pdfminer.pdftypes import resolve1

    f = resolve1(stream.attrs.get("Filter") or stream.attrs.get("F"))
    if f is None:
        return []
    f = f if isinstance(f, list) else [f]
    return [_name(resolve1(x)).lstrip("/") for x in f]


def _raw(stream) -> bytes:
    data = stream.rawdata if stream.rawdata is not None else (stream.data or b"")
    if stream.rawdata is not None and stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    return data


def decode(stream, cap: int) -> tuple[bytes, bool]:
    """Decode a pdfminer stream strictly, at most ``cap`` bytes: (data,
    complete).  Raises :class:`_Undecodable` naming the filter and the error."""
    if stream.rawdata is None and stream.data is not None:
        return stream.data[:cap], len(stream.data) <= cap
    data = _raw(stream)
    complete = True
    for f in _filters(stream):
        if f in _FLATE:
            d = zlib.decompressobj()
            try:
                out = d.decompress(data, cap + 1)
            except zlib.error as exc:
                raise _Undecodable(f"/{f}: {exc}") from None
            if len(out) > cap:
                data, complete = out[:cap], False
                continue
            if not d.eof:
                raise _Undecodable(f"/{f}: the compressed data ends early (truncated stream)")
            data = out
        elif f in _A85:
            from pdfminer.ascii85 import ascii85decode

            body = data.strip()
            if body.startswith(b"<~"):
                body = body[2:]
            if not body.endswith(b"~>"):
                raise _Undecodable(f"/{f}: no end marker ~> (not ASCII85 data)")
            if re.search(rb"[^!-uz\s~>]", body):
                raise _Undecodable(f"/{f}: bytes that are not ASCII85")
            try:
                data = ascii85decode(data)
            except Exception as exc:  # noqa: BLE001 - pdfminer's decoder fails in several ways
                raise _Undecodable(f"/{f}: {exc}") from None
        elif f in _AHX:
            from pdfminer.ascii85 import asciihexdecode

            if re.search(rb"[^0-9A-Fa-f\s>]", data):
                raise _Undecodable(f"/{f}: bytes that are not hexadecimal")
            data = asciihexdecode(data)
        elif f in _LZW:
            from pdfminer.lzw import lzwdecode

            try:
                data = lzwdecode(data)
            except Exception as exc:  # noqa: BLE001
                raise _Undecodable(f"/{f}: {exc}") from None
        elif f in _RL:
            from pdfminer.runlength import rldecode

            data = rldecode(data)
        elif f in _IMAGE:
            raise _Undecodable(f"/{f} is an image filter, not one for page content")
        elif f in ("Crypt", "Identity"):
            continue
        else:
            raise _Undecodable(f"unknown filter /{f}")
        if len(data) > cap:
            data, complete = data[:cap], False
    return data, complete


# -- scanning ------------------------------------------------------------------

_DELIM = rb"\s\[\]()<>/{}%"
_STRING = re.compile(rb"\((?:[^()\\]++|\\.|\((?:[^()\\]++|\\.)*+\))*+\)", re.S)
_HEX = re.compile(rb"<[0-9A-Fa-f\s]*>")
_DICT = re.compile(rb"<<.*?>>", re.S)
_INLINE_IMAGE = re.compile(rb"(?<![^" + _DELIM + rb"])ID\s.*?(?<=\s)EI(?![^" + _DELIM + rb"])", re.S)
_PAINT = re.compile(rb"(?<![^" + _DELIM + rb"])(?:[SsfFBbn]\*?)(?![^" + _DELIM + rb"])")
_NAME = re.compile(rb"/[^" + _DELIM + rb"]*")
_TOKEN = re.compile(rb"(?<![^" + _DELIM + rb"])[A-Za-z'\"][^" + _DELIM + rb"]*")
#: every operator of PDF 2.0 (ISO 32000-2, annex A) and the three keywords
OPERATORS = frozenset(
    b"b B b* B* BDC BI BMC BT BX c cm CS cs d d0 d1 Do DP EI EMC ET EX f F f* G g gs h i ID j J K k l m M MP "
    b"n q Q re RG rg ri s S SC sc SCN scn sh T* Tc Td TD Tf TJ Tj TL Tm Tr Ts Tw Tz v w W W* y ' \" "
    b"true false null".split())


def count_content(data: bytes) -> tuple[int, int]:
    """(string bytes shown, painted paths) of a content stream: an upper
    estimate of its characters (one byte per character) and path objects."""
    n = 0
    for m in _STRING.finditer(data):
        n += m.end() - m.start() - 2
    n += sum((m.end() - m.start()) // 2 for m in _HEX.finditer(data))
    rest = _HEX.sub(b" ", _STRING.sub(b" ", data))
    return n, len(_PAINT.findall(rest))


def unknown_operators(data: bytes) -> list[str]:
    """Operators in a content stream that PDF does not have (a damaged
    stream; a BX/EX compatibility section is not checked)."""
    rest = _INLINE_IMAGE.sub(b" ", data)
    rest = _DICT.sub(b" ", _HEX.sub(b" ", _STRING.sub(b" ", rest)))
    rest = _NAME.sub(b" ", rest)
    toks = _TOKEN.findall(rest)
    if b"BX" in toks:
        return []
    return sorted({t.decode("latin-1") for t in toks if t not in OPERATORS})


# -- a page ----------------------------------------------------------------------


def _streams(page_obj) -> tuple[list, list]:
    """(content streams incl. form XObjects', ToUnicode streams) of a page."""
    from pdfminer.pdftypes import PDFStream, resolve1

    contents: list = []
    tounicode: list = []
    seen: set[int] = set()

    def resources(res, depth: int) -> None:
        res = resolve1(res)
        if not isinstance(res, dict) or depth > _FORM_DEPTH:
            return
        fonts = resolve1(res.get("Font"))
        if isinstance(fonts, dict):
            for f in fonts.values():
                f = resolve1(f)
                tu = resolve1(f.get("ToUnicode")) if isinstance(f, dict) else None
                if isinstance(tu, PDFStream) and id(tu) not in seen:
                    seen.add(id(tu))
                    tounicode.append(tu)
        xobjs = resolve1(res.get("XObject"))
        if isinstance(xobjs, dict):
            for x in xobjs.values():
                x = resolve1(x)
                if isinstance(x, PDFStream) and _name(resolve1(x.attrs.get("Subtype"))).lstrip("/") == "Form" \
                        and id(x) not in seen:
                    seen.add(id(x))
                    contents.append(x)
                    resources(x.attrs.get("Resources"), depth + 1)

    for s in page_obj.contents or []:
        s = resolve1(s)
        if isinstance(s, PDFStream):
            contents.append(s)
        else:
            contents.append(None)           # a /Contents entry that is not a stream: damaged
    resources(page_obj.resources, 0)
    return contents, tounicode


def check_page(page_obj) -> PageCheck:
    """Decode and measure one pdfminer page (see the module docstring).
    Never raises: a page whose objects are too broken to check gets a
    problem, and PDFium has the last word when it parses the page."""
    try:
        return _check_page(page_obj)
    except Exception as exc:  # noqa: BLE001 - damaged objects fail in many ways
        return PageCheck(problems=[f"its objects are damaged ({type(exc).__name__}: {str(exc)[:80]})"])


def _check_page(page_obj) -> PageCheck:
    chk = PageCheck()
    try:
        contents, tounicode = _streams(page_obj)
    except Exception as exc:  # noqa: BLE001 - a broken resource tree: PDFium will say more
        chk.problems.append(f"its resources cannot be read ({type(exc).__name__})")
        return chk
    datas: list[bytes] = []
    left = MAX_PAGE_CONTENT_BYTES
    for s in contents:
        if s is None:
            chk.problems.append("its content stream cannot be read (the stream object is damaged)")
            continue
        try:
            data, complete = decode(s, left)
        except _Undecodable as exc:
            chk.problems.append(f"a content stream cannot be decoded ({exc})")
            continue
        chk.content_bytes += len(data)
        left -= len(data)
        if not complete or left <= 0:
            chk.skip = (f"more than {MAX_PAGE_CONTENT_BYTES // 2**20} MiB of page content "
                        f"(limit {MAX_PAGE_CONTENT_BYTES // 2**20} MiB)")
            return chk
        datas.append(data)
        if not _filters(s) and data:
            bad = unknown_operators(data)
            if bad:
                shown = ", ".join(bad[:5]) + (", …" if len(bad) > 5 else "")
                chk.problems.append(f"{len(bad)} unknown operator{'s' if len(bad) > 1 else ''} in its content "
                                    f"stream ({shown}): the stream is damaged")
    for s in tounicode:
        try:
            decode(s, 1 << 22)
        except _Undecodable as exc:
            chk.problems.append(f"a font's ToUnicode map cannot be decoded ({exc}): characters may be wrong")
    if chk.content_bytes >= SCAN_FROM_BYTES:
        for d in datas:
            c, p = count_content(d)
            chk.est_chars += c
            chk.est_paths += p
        if chk.est_chars > MAX_PAGE_CHARS:
            chk.skip = f"about {chk.est_chars:,} characters (limit {MAX_PAGE_CHARS:,})"
        elif chk.est_paths > MAX_PAGE_PATHS:
            chk.skip = f"about {chk.est_paths:,} drawn paths (limit {MAX_PAGE_PATHS:,})"
    return chk
