"""The two PDF content parsers (PDFium, the default, and pdfplumber/pdfminer)
feed the same page logic and must give byte-identical outputs."""

from __future__ import annotations

import filecmp

import pdfgen
import pytest
from conftest import CORPUS, parse_to

VARIANTS = {
    "default": pdfgen.Variant(),
    "plain": pdfgen.Variant(name="plain", bookmarks=False, running_header=True, page_number="第{n}页",
                            annex="sideways"),
    "shaded": pdfgen.Variant(name="shaded", page_number="{n}", box_style="shaded", fake_bold=False),
}


def _same_outputs(a, b) -> list[str]:
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    return [n for n in names if not filecmp.cmp(a / n, b / n, shallow=False)]


@pytest.mark.parametrize("name", ["plan-A", "plan-A-plain"])
def test_shared_pdfs_identical_across_engines(name, tmp_path):
    pdf = CORPUS / f"{name}.pdf"
    _, a = parse_to(pdf, tmp_path / "pdfium", name, engine="pdfium", jobs=2)
    _, b = parse_to(pdf, tmp_path / "pdfplumber", name, engine="pdfplumber", jobs=2)
    assert _same_outputs(a, b) == []


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_generated_pdfs_identical_across_engines(name, tmp_path):
    pdf = tmp_path / f"{name}.pdf"
    pdfgen.render(pdf, VARIANTS[name])
    _, a = parse_to(pdf, tmp_path / "pdfium", name, engine="pdfium", jobs=1)
    _, b = parse_to(pdf, tmp_path / "pdfplumber", name, engine="pdfplumber", jobs=1)
    assert _same_outputs(a, b) == []


def test_rotated_pages_identical_across_engines(tmp_path):
    """/Rotate is applied the same way by both parsers (pdfminer's matrices)."""
    import pikepdf

    src = tmp_path / "src.pdf"
    pdfgen.render(src, pdfgen.Variant())
    pdf = tmp_path / "rotated.pdf"
    with pikepdf.open(src) as doc:
        for k, page in enumerate(doc.pages):
            if k % 3 == 1:
                page.Rotate = 90 if k % 2 else 270
        doc.save(pdf)
    _, a = parse_to(pdf, tmp_path / "pdfium", "rotated", engine="pdfium", jobs=1)
    _, b = parse_to(pdf, tmp_path / "pdfplumber", "rotated", engine="pdfplumber", jobs=1)
    assert _same_outputs(a, b) == []
