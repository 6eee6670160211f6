"""Hostile inputs built on the fly (issue 13): page bombs, damaged streams,
terminal escapes.  Small on disk (a bomb is a few kilobytes compressed);
nothing here is committed as a binary."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf


def _font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    return pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))


def add_page(pdf: pikepdf.Pdf, content: bytes) -> None:
    """Append a page with ``content`` (Helvetica as /F1), Flate-compressed."""
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=_font(pdf)))
    page.obj.Contents = pdf.make_stream(content)


def char_bomb(n_chars: int) -> bytes:
    """One page showing ``n_chars`` characters in TJ arrays of 20,000 (PDFium
    caps a string at 32,767 bytes, not an array)."""
    run = b"(" + b"A" * 20_000 + b") -1 "
    k, rest = divmod(n_chars, 20_000)
    return (b"BT /F1 1 Tf 10 10 Td [" + run * k + (b"(" + b"A" * rest + b")" if rest else b"") + b"] TJ ET")


def object_bomb(n_objects: int) -> bytes:
    """One page of ``n_objects`` one-character text objects."""
    return b"BT /F1 1 Tf 10 10 Td " + b"(A) Tj " * n_objects + b"ET"


def drawing_bomb(n_ops: int) -> bytes:
    """One page of ``n_ops`` path operators in one stroked path."""
    return b"1 1 m 2 2 l " * (n_ops // 2) + b"S"


def with_bomb_page(plan: Path, out: Path, content: bytes) -> Path:
    """A copy of the PDF ``plan`` with one more page holding ``content``."""
    with pikepdf.open(plan) as pdf:
        add_page(pdf, content)
        pdf.save(out, compress_streams=True)
    return out


FILTERS = re.compile(rb"/Filter\s*\[\s*(/\w+)\s+(/\w+)\s*\]")


def reverse_filters(data: bytes, which: int) -> tuple[bytes, int]:
    """The PDF with the filter names of the ``which``-th stream that has two
    (``[/ASCII85Decode /FlateDecode]``, as reportlab writes) in reverse
    order — the 26-byte mutation of issue 13; returns (bytes, bytes changed)."""
    ms = list(FILTERS.finditer(data))
    m = ms[which % len(ms)]
    swapped = b"/Filter [ " + m.group(2) + b" " + m.group(1) + b" ]"
    orig = data[m.start():m.end()]
    swapped = swapped.ljust(len(orig))[:len(orig)] if len(swapped) != len(orig) else swapped
    out = data[:m.start()] + swapped + data[m.end():]
    return out, sum(1 for a, b in zip(orig, swapped) if a != b)


def n_filter_streams(data: bytes) -> int:
    return len(FILTERS.findall(data))


ESCAPES = "\x1b[31m红色\x1b[0m\x1b]0;PWNED\x07\x9b2J\x00"
