"""OCR building blocks without the engine: confusions (cjk.normalize_ocr),
the look that decides whether a picture may hold text, type sizes, rules
drawn in pictures, image records and the warnings when OCR is not there."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pdfgen import FONT

from pipeline import cjk
from pipeline.cli import main
from pipeline.extract import ocr
from pipeline.run import parse

# -- confusions ----------------------------------------------------------------


@pytest.mark.parametrize("raw,want", [
    ("专栏1高新区(江海区)“十三五”", "专栏1高新区（江海区）“十三五”"),
    ("研究和试验发展(R&D)经费", "研究和试验发展（R&D）经费"),
    ("(一)指导思想", "（一）指导思想"),
    ("完成,推进;落实:", "完成，推进；落实："),
    ("二O二五年", "二〇二五年"),
    ("二○三五年远景目标", "二〇三五年远景目标"),
    ("--坚持政治引领", "——坚持政治引领"),
    ("讲一—争做", "讲——争做"),
    ("增长8.5%", "增长8.5%"),
    ("增长８．５％", "增长8.5%"),
    ("5-10个", "5-10个"),
    ("2019-2025", "2019-2025"),
    ("10:30", "10:30"),
    ("1,000万元", "1,000万元"),
    ("一一对应", "一一对应"),
    ("PM2.5 (微克/立方米)", "PM2.5 （微克/立方米）"),
])
def test_normalize_ocr(raw, want):
    assert cjk.normalize_ocr(raw) == want


@given(st.text(alphabet="一二三〇Oo0○,.;:()（）-—一国家发展2025 年%", max_size=40))
def test_normalize_ocr_keeps_length_and_is_idempotent(text):
    """One character for one character (OCR boxes stay aligned), and a
    second pass changes nothing."""
    once = cjk.normalize_ocr(text)
    assert len(once) == len(cjk.normalize_text(text))
    assert cjk.normalize_ocr(once) == once


@pytest.mark.parametrize("text,column,want", [
    ("一", ["14.08", "2.83", "—"], "—"),
    ("-", ["8.5%", ""], "—"),
    ("一一", ["35", "407"], "——"),
    ("一", ["二", "三", "四"], "一"),          # a 序号 column of Chinese numerals
    ("一", ["一", "一", "二"], "一"),          # … whose 一 rows are no evidence
    ("一", ["一", "一", "一"], "—"),          # a column of dashes all read as 一
    ("一", ["一", "14.08", "—"], "—"),
    ("一、经济发展", ["1"], "一、经济发展"),
])
def test_lone_bar_in_a_cell(text, column, want):
    assert cjk.ocr_lone_bar(text, column) == want


# -- looking at pictures -------------------------------------------------------


def _text_picture(lines: int = 3) -> np.ndarray:
    a = np.full((120, 400), 250, np.uint8)
    for k in range(lines):
        y = 15 + 35 * k
        for x in range(10, 380, 22):
            a[y:y + 18, x + 2:x + 4] = 20          # vertical strokes
            a[y + 8:y + 10, x:x + 16] = 20         # horizontal strokes
    return a


def test_looks_like_text():
    rnd = np.random.default_rng(1)
    assert ocr.looks_like_text(_text_picture())
    assert not ocr.looks_like_text(np.full((100, 300), 200, np.uint8))                 # grey placeholder
    assert not ocr.looks_like_text(np.full((100, 300), 255, np.uint8))                 # blank
    assert not ocr.looks_like_text(rnd.integers(0, 256, (100, 300), dtype=np.uint8))   # photo-like
    assert not ocr.looks_like_text(np.full((100, 300), 30, np.uint8))                  # dark picture


def test_type_sizes_from_estimates():
    # one size per group of similar estimates, snapped to the 字号 ladder;
    # a short line's noisy estimate joins the nearest solid group
    est = [15.7, 16.2, 15.9, 16.4, 10.6, 10.9, 10.4, 21.7, 14.8]
    w = [28, 28, 27, 26, 10, 12, 9, 8, 3]
    assert ocr._sizes(est, w) == [16.0, 16.0, 16.0, 16.0, 10.5, 10.5, 10.5, 22.0, 16.0]
    assert ocr.snap_size(10.4) == 10.5 and ocr.snap_size(15.4) == 15.0


def test_rules_drawn_in_a_picture():
    """A grid drawn in a picture becomes line objects: long rules, and short
    vertical ones only between two horizontal rules; strokes of glyphs do not."""
    scale = 200 / 72
    a = np.full((300, 600), 255, np.uint8)
    a[20:22, 20:580] = 0            # top rule
    a[80:82, 20:580] = 0            # row rule
    a[20:82, 20:22] = 0             # short verticals between them (one row)
    a[20:82, 300:302] = 0
    a[20:82, 578:580] = 0
    a[150:190, 100:102] = 0         # a lone vertical stroke (a glyph): not a rule
    ink = a < 128
    lines, rects = ocr.raster_objects(ink, a, ocr._Mapper(scale, 0.0, 0.0, 0, a.shape))
    hs = [ln for ln in lines if ln["bottom"] - ln["top"] < 1]
    vs = [ln for ln in lines if ln["x1"] - ln["x0"] < 1]
    assert len(hs) == 2 and len(vs) == 3
    assert all(abs(v["x0"] - 100 / scale) > 5 for v in vs)


def test_strokes_of_large_type_are_not_rules():
    """A 48 pt title (a 红头 notice) has straight strokes longer than any rule
    minimum: inside a text line the engine found, and no longer than the line
    is high, they are glyph strokes; a rule running past the text stays."""
    scale = 200 / 72
    em = int(48 * scale)                          # 133 px
    a = np.full((400, 900), 255, np.uint8)
    top = 40
    for k in range(5):                            # five condensed glyphs, 0.6 em apart
        x = 40 + k * int(0.6 * em)
        a[top + 20:top + 26, x:x + int(0.5 * em)] = 0              # a long horizontal stroke
        a[top:top + em - 10, x + 30:x + 37] = 0                    # a long vertical stroke
    a[top + em + 30:top + em + 33, 20:880] = 0                     # the rule under the title
    ink = a < 128
    box = [(30.0, float(top - 5), 40.0 + 5 * 0.6 * em, float(top + em + 5))]
    m = ocr._Mapper(scale, 0.0, 0.0, 0, a.shape)
    lines, rects = ocr.raster_objects(ink, a, m, box)
    assert len(lines) == 1 and not rects
    assert lines[0]["x1"] - lines[0]["x0"] > 300
    # without the text line, the strokes would be taken for rules and bars
    lines, rects = ocr.raster_objects(ink, a, m)
    assert len(lines) + len(rects) > 1


# -- images recorded; no OCR: warnings ---------------------------------------


def _pdf_with_text_picture(path, n_pictures: int = 1):
    """A small plan (one chapter, lines of body text) with pictures of text
    on page 1: a strip of the seed plan's page 12 (three lines of body text,
    plan-A.pdf embeds its fonts, so it renders the same anywhere), drawn
    400×71 pt."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    from scans import PLAN_A

    doc = pdfium.PdfDocument(str(PLAN_A))
    page = doc[11]
    w, h = page.get_size()
    strip = page.render(scale=200 / 72, grayscale=True, crop=(70, h - 160, w - 530, 75)).to_pil()
    page.close()
    doc.close()
    c = canvas.Canvas(str(path))
    c.setFont(FONT, 12)
    c.drawString(96, 780, "为推动高质量发展，制定本规划。")
    c.setFont(FONT, 16)
    c.drawString(72, 750, "第一章 总体要求")
    c.setFont(FONT, 12)
    for k in range(6):
        c.drawString(72, 720 - 18 * k, "坚持新发展理念，推动高质量发展，建设现代化经济体系。")
    for k in range(n_pictures):
        c.drawImage(ImageReader(strip), 72, 520 - 100 * k, 400, 71)
    c.showPage()
    c.save()
    return path


def test_without_ocr_every_picture_of_text_is_a_warning(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(ocr, "unavailable", lambda: "the OCR engine is not installed (pip install 'plan-pipeline[ocr]')")
    pdf = _pdf_with_text_picture(tmp_path / "pictures.pdf", 2)
    res = parse(pdf, "pictures", jobs=1)
    warn = [f for f in res.findings if f.check == "unread_image"]
    assert len(warn) == 2
    assert all(f.severity == "warning" and f.location == "page 1" for f in warn)
    assert warn[0].message.startswith("page 1: image 400×71 pt not read (no OCR)")
    assert [im.status for im in res.extracted.images] == ["not_read", "not_read"]
    out = tmp_path / "out"
    assert main(["parse", str(pdf), "--out", str(out), "--jobs", "1", "--strict"]) == 10
    assert "unread_image" in capsys.readouterr().err
    assert main(["parse", str(pdf), "--out", str(out), "--jobs", "1"]) == 0
    rows = pq.read_table(out / "pictures-pdf" / "images.parquet").to_pylist()
    assert [(r["page"], r["status"], r["kind"]) for r in rows] == [(1, "not_read", "picture")] * 2
    val = pq.read_table(out / "pictures-pdf" / "validation.parquet").to_pylist()
    assert sum(1 for v in val if v["rule"] == "unread_image") == 2


def test_ocr_never_warns_and_a_scan_still_needs_ocr(tmp_path, capsys):
    pdf = _pdf_with_text_picture(tmp_path / "pictures.pdf", 1)
    res = parse(pdf, "pictures", jobs=1, ocr="never")
    assert [f.message for f in res.findings if f.check == "unread_image"] == \
        ["page 1: image 400×71 pt not read (--ocr never)"]
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    scan = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(scan))
    img = Image.new("L", (600, 800), 255)
    img.paste(Image.fromarray(_text_picture(5)), (50, 50))
    c.drawImage(ImageReader(img), 0, 0, 595, 842)
    c.showPage()
    c.save()
    assert main(["parse", str(scan), "--out", str(tmp_path / "o"), "--jobs", "1", "--ocr", "never"]) == 6
    err = capsys.readouterr().err
    assert "scanned PDF" in err and "--ocr auto" in err


def test_placeholder_pictures_of_the_seed_are_recorded_without_warning(tmp_path):
    """plan-A.pdf has two grey placeholder figures: recorded, no text, no warning."""
    from scans import PLAN_A

    res = parse(PLAN_A, "plan-a", jobs=2, ocr="never")
    ims = res.extracted.images
    assert [(im.page, im.kind, im.status) for im in ims] == [(51, "picture", "no_text"), (56, "picture", "no_text")]
    assert not [f for f in res.findings if f.check == "unread_image"]
