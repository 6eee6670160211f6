"""OCR on real plans from the shared corpus whose content is partly pictures.

* ``revolutionary-relics-14th-2021.pdf``: all five 专栏 are raster images;
  their entries were transcribed by hand from the page images
  (``tests/corpus/ocr/revolutionary-relics-columns.json``);
* ``hubei-relics-14th-2021.pdf``: page 1 is a scanned notice.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_ocr import char_accuracy

from pipeline import cjk
from pipeline.run import parse

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
REAL = HERE.parent.parent.parent / "shared" / "corpus" / "real"
if not REAL.exists():
    REAL = Path("/work/shared/corpus/real")
RELICS = REAL / "revolutionary-relics-14th-2021.pdf"
HUBEI = REAL / "hubei-relics-14th-2021.pdf"


def test_revolutionary_relics_boxes_are_read():
    """5 专栏 with their 11 entries numbered 1-11 straight through the boxes,
    each entry ≥ 98 % character-accurate against the hand transcription."""
    want = json.loads((HERE / "corpus" / "ocr" / "revolutionary-relics-columns.json").read_text(encoding="utf-8"))
    res = parse(RELICS, "relics", jobs=2)
    blocks = res.structured.blocks
    titles = [b for b in blocks if b.kind == "column_title"]
    assert [(b.column_no, cjk.strip_all_space(b.title)) for b in titles] == \
        [(c["number"], c["title"]) for c in want["columns"]]
    items = [b for b in blocks if b.kind == "column_item"]
    wanted = [(c["number"], i["label"], i["text"]) for c in want["columns"] for i in c["items"]]
    assert [(b.column_no, b.item_label) for b in items] == [(n, lbl) for n, lbl, _ in wanted]
    for b, (_, _, text) in zip(items, wanted):
        acc = char_accuracy(text, cjk.strip_all_space(b.item_text))
        assert acc >= 0.98, (b.item_label, acc, b.item_text)
    ims = res.extracted.images
    assert [(im.page, im.status) for im in ims] == [(2, "ocr"), (3, "ocr"), (3, "ocr"), (4, "ocr"), (4, "ocr")]
    assert all(im.region is not None for im in ims)
    # the entries say they were read by OCR; the body text (a text layer) does not
    lines = {ln.order: ln for ln in res.extracted.lines}
    assert all(all(lines[o].ocr for o in b.lines) for b in items)
    assert not any(lines[o].ocr for b in blocks if b.kind == "paragraph" and b.column_no is None for o in b.lines)
    assert not [f for f in res.findings if f.check in ("unread_image", "conservation")]


def test_hubei_scanned_notice_is_read_and_the_plan_is_unchanged():
    """Page 1 of the Hubei plan is a scanned notice: it is read (and
    recorded), and the plan's structure — read from the text layer — is the
    same as without OCR (9 parts 一、, 7 专栏)."""
    res = parse(HUBEI, "hubei", jobs=2)
    page1 = [im for im in res.extracted.images if im.page == 1]
    assert page1 and page1[0].kind == "scan" and page1[0].status == "ocr" and page1[0].n_chars > 100
    plain = parse(HUBEI, "hubei", jobs=2, ocr="never")
    assert [f.location for f in plain.findings if f.check == "unread_image"] == ["page 1"]
    assert [(n.kind, n.number, n.title) for n in res.structured.nodes if n.kind != "heading" or n.level <= 1] == \
        [(n.kind, n.number, n.title) for n in plain.structured.nodes if n.kind != "heading" or n.level <= 1]
    assert sum(1 for b in res.structured.blocks if b.kind == "column_title") == \
        sum(1 for b in plain.structured.blocks if b.kind == "column_title")
    assert not [f for f in res.findings if f.check == "unread_image"]
