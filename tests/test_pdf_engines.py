"""The two PDF content parsers (PDFium, the default, and pdfplumber/pdfminer)
feed the same page logic and must give byte-identical outputs."""

from __future__ import annotations

import filecmp

import pdfgen
import pypdfium2
import pytest
import reference_pages
from conftest import CORPUS, parse_to
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import pdflines

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


@pytest.mark.parametrize("name", ["plan-A", "plan-A-plain", "bad/scanned-yunnan-10th"])
def test_shared_pdfs_identical_across_engines(name, tmp_path):
    pdf = CORPUS / f"{name}.pdf"
    pid = name.split("/")[-1]
    _, a = parse_to(pdf, tmp_path / "pdfium", pid, engine="pdfium", jobs=2)
    _, b = parse_to(pdf, tmp_path / "pdfplumber", pid, engine="pdfplumber", jobs=2)
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


# --------------------------------------------------------------------------
# the fast page code against the plain reference code (tests/reference_pages.py)
# --------------------------------------------------------------------------

#: every PDF in the repository (and each engine): the fast per-character code
#: (pdfium adapter, line builder) must give exactly the PageResults — lines,
#: regions, floats, float for float — that the plain reference code gives
REPO_PDFS = ["plan-A", "plan-A-plain", "bad/scanned-yunnan-10th", "real/revolutionary-relics-14th-2021"]


def _pages(pdf, engine: str, pages: list[int] | None = None):
    from pipeline.extract.pdf import _extract_chunk, open_pdf

    with open_pdf(pdf) as (src, n, *_):
        return _extract_chunk(str(src), pages or list(range(1, n + 1)), engine)


def _page_cases():
    cases = [(name, "pdfium", None) for name in REPO_PDFS]
    # pdfminer is slow: every fifth page of the long ones (the line builder
    # is shared, the adapter is PDFium's), all of the short ones
    cases += [(name, "pdfplumber", None if "relics" in name else list(range(1, 200, 5))) for name in REPO_PDFS]
    return cases


@pytest.mark.parametrize("name,engine,pages", _page_cases(), ids=lambda v: v if isinstance(v, str) else "")
def test_page_results_equal_reference_code(name, engine, pages, monkeypatch):
    pdf = CORPUS / f"{name}.pdf"
    if pages is not None:
        doc = pypdfium2.PdfDocument(str(pdf))
        pages = [p for p in pages if p <= len(doc)]
        doc.close()
    fast = _pages(pdf, engine, pages)
    with monkeypatch.context() as m:
        reference_pages.use_reference(m)
        slow = _pages(pdf, engine, pages)
    assert len(fast) == len(slow) > 0
    for a, b in zip(fast, slow):
        assert a == b, f"page {a.page}"
    assert sum(len(r.lines) for r in fast) > 0


def test_typed_bindings_fallback_gives_the_same_pages(monkeypatch):
    """Without the direct PDFium calls (a pypdfium2 that does not expose its
    library handle) the adapter reads the same pages through the typed
    bindings."""
    from pipeline.extract import pdfium

    pdf = CORPUS / "real" / "revolutionary-relics-14th-2021.pdf"
    fast = _pages(pdf, "pdfium")
    monkeypatch.setattr(pdfium, "_FAST", False)
    assert _pages(pdf, "pdfium") == fast
    assert pdfium._direct("FPDFText_CountChars", None) is not None   # the fast path was the one under test


@pytest.mark.parametrize("name", sorted(VARIANTS) + ["rotated"])
def test_generated_page_results_equal_reference_code(name, tmp_path, monkeypatch):
    """The same on the generated layouts (sideways annex, shaded boxes,
    fake bold, /Rotate), which the repository PDFs lack."""
    import reference_pages

    pdf = tmp_path / f"{name}.pdf"
    if name == "rotated":
        import pikepdf

        pdfgen.render(tmp_path / "src.pdf", pdfgen.Variant())
        with pikepdf.open(tmp_path / "src.pdf") as doc:
            for k, page in enumerate(doc.pages):
                if k % 3 == 1:
                    page.Rotate = 90 if k % 2 else 270
            doc.save(pdf)
    else:
        pdfgen.render(pdf, VARIANTS[name])
    for engine in ("pdfium", "pdfplumber"):
        fast = _pages(pdf, engine)
        with monkeypatch.context() as m:
            reference_pages.use_reference(m)
            slow = _pages(pdf, engine)
        assert fast == slow, engine


_IDEOGRAPHS = list("发展新质生产力规划纲要")
_MIXED = _IDEOGRAPHS + list("，。、（）“”") + list("AZaz09%.-") + [" ", "\u3000", "(cid:7)", "fi", ""]


@st.composite
def _rows(draw):
    """Characters of a made-up line or two: ideographs only or a mix (Latin,
    digits, punctuation, spaces, empty and multi-character glyphs), one size
    or several, gaps around a line's own spacing and around the thresholds
    (in em), vertical jitter and doubled (fake-bold) glyphs."""
    n = draw(st.integers(1, 30))
    alphabet = draw(st.sampled_from([_IDEOGRAPHS, _MIXED]))
    sizes = draw(st.sampled_from([[12.0], [10.5, 16.0], [9.0, 10.5, 12.0, 16.0, 16.000001]]))
    spacing = draw(st.sampled_from([0.0, 0.05, 0.3]))
    x = draw(st.floats(0, 50))
    base = draw(st.floats(50, 60))
    out = []
    for _ in range(n):
        size = draw(st.sampled_from(sizes))
        w = size * draw(st.sampled_from([0.5, 1.0, 1.0, 0.3]))
        top = base + draw(st.floats(-0.6 * size, 0.6 * size)) if draw(st.integers(0, 4)) == 0 else base
        c = {"text": draw(st.sampled_from(alphabet)), "x0": x, "x1": x + w, "top": top, "bottom": top + size,
             "doctop": top, "size": size, "fontname": draw(st.sampled_from(["ABCDEF+SimSun", "SimHei", "Noto-Bold"])),
             "upright": True}
        out.append(c)
        if draw(st.integers(0, 9)) == 0:            # fake bold: the same glyph again, a fraction off
            out.append(dict(c, x0=c["x0"] + 0.3, x1=c["x1"] + 0.3))
        em_gap = draw(st.sampled_from([spacing] * 4 + [0.1, 0.2, 0.3, 0.8, 0.85, 0.95, 1.3, 3.0]))
        x += w + em_gap * size + draw(st.sampled_from([0.0, 0.0, 0.01, -0.01]))
    return out


@settings(max_examples=250, deadline=None, derandomize=True)
@given(_rows(), st.sampled_from([None, 1.2, 2.0]))
def test_line_builder_equals_reference_on_any_row(chars, split):

    assert pdflines.cluster_rows(chars) == reference_pages.cluster_rows(chars)
    assert pdflines.chars_to_lines(chars, split_gap_em=split) == \
        reference_pages.chars_to_lines(chars, split_gap_em=split)
