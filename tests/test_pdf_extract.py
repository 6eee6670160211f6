"""Units of the PDF extractor: characters → lines (CJK quirks), page chunks,
failure modes (each fails cleanly: one line on stderr, its exit code,
nothing written)."""

from __future__ import annotations

import pdfgen
import pikepdf
import pytest
from pdf_fixtures import CORPUS
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from pipeline.cli import main
from pipeline.extract import extract
from pipeline.extract.pdf import chunks
from pipeline.extract.pdflines import build_line, chars_to_lines
from pipeline.run import parse


def chars(text: str, x0: float = 100.0, top: float = 100.0, size: float = 16.0, advance: float | None = None,
          font: str = "ABCDEF+SimSun", widths: dict | None = None) -> list[dict]:
    """Synthetic pdfplumber chars, left to right."""
    out, x = [], x0
    for ch in text:
        w = (widths or {}).get(ch, size if ord(ch) > 0x2000 else size / 2)
        out.append({"text": ch, "x0": x, "x1": x + w, "top": top, "bottom": top + size, "doctop": top,
                    "size": size, "fontname": font, "upright": True})
        x += advance if advance is not None else w
    return out


def test_kangxi_and_compatibility_ideographs_normalised():
    ln = build_line(chars("加快⼯业⽤地建设"))      # U+2F2F ⼯, U+2F64 ⽤
    assert ln.text == "加快工业用地建设"


def test_fullwidth_digits_normalised():
    assert build_line(chars("增长７．４％")).text == "增长7.4%"


def test_fake_bold_deduplicated_and_marked():
    base = chars("第一章 总体要求")
    doubled = sorted(base + [dict(c, x0=c["x0"] + 0.4, x1=c["x1"] + 0.4) for c in base], key=lambda c: c["x0"])
    ln = build_line(doubled)
    assert ln.text == "第一章 总体要求" and ln.bold
    assert not build_line(base).bold


def test_bold_from_font_name():
    assert build_line(chars("发展目标", font="XYZABC+SimHei")).bold
    assert build_line(chars("发展目标", font="NotoSansCJK-Bold")).bold
    assert not build_line(chars("发展目标", font="FangSong_GB2312")).bold


def test_spaces_between_chinese_characters():
    # a space glyph between every two ideographs (letter spacing): removed
    assert build_line(chars("发 展 目 标")).text == "发展目标"
    # a single real word space in a title: kept
    assert build_line(chars("实施创新驱动战略 打造示范区")).text == "实施创新驱动战略 打造示范区"
    # justified text: every glyph spread by the same amount, no space glyph: nothing inserted
    assert build_line(chars("经济社会发展", advance=17.5)).text == "经济社会发展"
    # Latin words keep their space
    assert build_line(chars("Made in China")).text == "Made in China"


def test_lines_grouped_and_split_at_wide_gaps():
    row = chars("序号", x0=80) + chars("指标名称", x0=140) + chars("2025年", x0=400)
    below = chars("合计", x0=80, top=130)
    lines = chars_to_lines(row + below, split_gap_em=1.2)
    assert [(x.text, x.segment) for x in lines] == [("序号", 0), ("指标名称", 1), ("2025年", 2), ("合计", 0)]
    assert [x.text for x in chars_to_lines(row)] == ["序号 指标名称 2025年"]


def test_chunks_contiguous_and_balanced():
    pages = list(range(1, 11))
    weights = {p: (10 if p <= 2 else 1) for p in pages}
    parts = chunks(pages, weights, 2)
    assert [p for part in parts for p in part] == pages
    assert len(parts) == 2 and parts[0] == [1, 2]
    assert chunks(pages, weights, 1) == [pages]


# -- failure modes ----------------------------------------------------------------


@pytest.fixture(scope="module")
def good_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "plan.pdf"
    pdfgen.render(path, pdfgen.Variant(name="errors"))
    return path


def _fails(tmp_path, capsys, path, code: int, *words: str) -> str:
    out = tmp_path / "out"
    assert main(["parse", str(path), "--out", str(out), "--jobs", "2"]) == code
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    for w in words:
        assert w in err
    assert not out.exists() or not any(out.rglob("*"))
    return err


def test_scanned_pdf_needs_ocr(tmp_path, capsys):
    img = ImageReader(Image.new("L", (300, 400), 200))
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    for _ in range(3):
        c.drawImage(img, 0, 0, 595, 842)
        c.showPage()
    c.save()
    _fails(tmp_path, capsys, path, 6, "no text layer", "OCR", "3 image(s)")


def test_encrypted_pdf(tmp_path, capsys, good_pdf):
    path = tmp_path / "locked.pdf"
    with pikepdf.open(good_pdf) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    _fails(tmp_path, capsys, path, 7, "encrypted PDF", "password")


def test_owner_password_only_is_read(tmp_path, good_pdf):
    path = tmp_path / "owner.pdf"
    with pikepdf.open(good_pdf) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="", owner="owner"))
    assert [n.kind for n in parse(path, "owner").structured.nodes].count("chapter") == 3


def test_truncated_pdf(tmp_path, capsys, good_pdf):
    data = good_pdf.read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 2])
    _fails(tmp_path, capsys, path, 8, "corrupt PDF", "truncated")


def test_garbage_after_header(tmp_path, capsys):
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 64)
    _fails(tmp_path, capsys, path, 8, "corrupt PDF")


def test_lost_trailer_is_repaired(tmp_path, good_pdf):
    # only the cross-reference table and trailer are gone: repair recovers everything
    path = tmp_path / "notrailer.pdf"
    path.write_bytes(good_pdf.read_bytes()[:-200])
    res = parse(path, "notrailer")
    assert [n.kind for n in res.structured.nodes].count("chapter") == 3
    assert [f for f in res.findings if f.check == "conservation"] == []


def test_pdf_that_is_not_a_plan(tmp_path, capsys):
    path = tmp_path / "letter.pdf"
    c = canvas.Canvas(str(path))
    c.setFont(pdfgen.FONT, 14)
    for k in range(12):
        c.drawString(80, 760 - 24 * k, "这是一封普通的信件，没有任何章节标题，也没有专栏。")
    c.showPage()
    c.save()
    _fails(tmp_path, capsys, path, 5, "not a plan")


def test_yunnan_pdf_has_a_text_layer():
    """tests/corpus/bad/scanned-yunnan-10th.pdf is filed as a scan, but it is a
    CNKI newspaper PDF with a real text layer (SimSun, ToUnicode maps) whose
    cross-reference stream pdfminer cannot read.  After repair it reads as
    the 10th five-year plan of Yunnan: 8 篇 and 26 章, its run-in table of
    contents not taken for headings."""
    st = parse(CORPUS / "bad" / "scanned-yunnan-10th.pdf", "yunnan").structured
    kinds = [n.kind for n in st.nodes]
    assert kinds.count("part") == 8 and kinds.count("chapter") == 26
    assert [n.number for n in st.nodes if n.kind == "chapter"] == list(range(1, 27))


def test_missing_pdf_header_on_pdf_name(tmp_path, capsys):
    path = tmp_path / "notes.pdf"
    path.write_text("这不是PDF", encoding="utf-8")
    _fails(tmp_path, capsys, path, 8, "corrupt PDF")


def test_extract_returns_geometry(good_pdf):
    ex = extract(good_pdf, jobs=1)
    body = [ln for ln in ex.lines if ln.region is None and not ln.furniture and ln.page > 1]
    assert all(ln.x0 is not None and ln.font_size and ln.line_height for ln in body)
    firsts = [ln for ln in body if ln.indent is not None and 1.8 <= ln.indent <= 2.2]
    assert firsts and all(ln.text for ln in firsts)
    assert ex.pages[0].body_font_size == 16.0
