"""OCR end to end (the ``ocr`` extra, installed with the dev extras): scanned
renderings of the seed plan read back against the answer key, a scan set
sideways, a noisy low-resolution scan, a dense layout, 专栏 set as pictures,
and the same outputs for any ``--jobs`` and either PDF engine.

The scanned fixtures are made by ``tests/scans.py`` (cached under
``tests/_generated/``).  The whole image-only plan-A is parsed once per
session (``--jobs 2``, about two minutes on the project's 2-core machine).
"""

from __future__ import annotations

import collections
import difflib
import filecmp

import pytest
import scans
from conftest import parse_to
from pdf_fixtures import columns, gold_outline, gold_paragraphs, node_kinds, ns

from pipeline.cli import main
from pipeline.extract import ocr
from pipeline.run import parse

pytestmark = pytest.mark.slow


def char_accuracy(want: str, got: str) -> float:
    """1 − (edit operations in difflib's alignment) / characters wanted."""
    sm = difflib.SequenceMatcher(None, want, got, autojunk=False)
    errors = sum(max(a1 - a0, b1 - b0) for op, a0, a1, b0, b1 in sm.get_opcodes() if op != "equal")
    return 1 - errors / max(len(want), 1)


def test_the_engine_is_installed_and_downloads_nothing(monkeypatch):
    """The extra is installed (CI runs these tests), its models come with
    the package, and the engine is built without any download."""
    assert ocr.unavailable() is None
    import rapidocr.utils.download_file as dl

    calls = []
    monkeypatch.setattr(ocr, "_ENGINE", None)
    monkeypatch.setattr(dl.DownloadFile, "run", staticmethod(lambda *a, **k: calls.append(a)))
    ocr.engine()
    assert dl.DownloadFile.run is ocr._no_download or not calls
    assert not calls


# -- the whole seed plan as a scan ---------------------------------------------


@pytest.fixture(scope="session")
def scanned_plan(tmp_path_factory):
    pdf = scans.image_only(scans.PLAN_A)
    return parse_to(pdf, tmp_path_factory.mktemp("scan"), "plan-a-scan", jobs=2)


def test_scanned_seed_plan_against_the_gold(scanned_plan):
    """Every page of plan-A.pdf a 200 dpi picture: the outline, 专栏 and
    paragraphs come back (issue 14 acceptance)."""
    res, _ = scanned_plan
    st = res.structured
    chapters, sections = gold_outline()
    kinds = node_kinds(st)
    got_ch = [(n, t) for k, n, t in kinds if k == "chapter"]
    assert got_ch == chapters
    by_id = {n.node_id: n for n in st.nodes}
    got_sec = [(by_id[n.parent_id].number, n.number, ns(n.title)) for n in st.nodes if n.kind == "section"]
    assert got_sec == sections
    cols = columns(st)
    assert [c["number"] for c in cols] == list(range(1, 9))
    assert sum(len(c["items"]) for c in cols) == 31
    gold = gold_paragraphs()
    got = collections.Counter(ns(b.text) for b in st.blocks if b.kind == "paragraph" and b.column_no is None)
    want = collections.Counter(t for _, _, t in gold.elements())
    exact = sum((want & got).values()) / sum(want.values())
    assert exact >= 0.95, exact
    acc = char_accuracy("".join(t for _, _, t in gold.elements()),
                        "".join(ns(b.text) for b in st.blocks if b.kind == "paragraph" and b.column_no is None))
    assert acc >= 0.995, acc
    assert all(ln.ocr and ln.ocr_confidence is not None for ln in res.extracted.lines)
    assert {im.status for im in res.extracted.images} == {"ocr"}


def test_scanned_seed_plan_tables(scanned_plan):
    """The indicator tables read from the pictures: ≥ 95 % of the cells."""
    import csv

    res, _ = scanned_plan
    ts = res.tables
    vals = {(v.table_id, v.row_no, v.measure): ns(v.raw) for v in ts.indicator_values}
    names = collections.defaultdict(set)
    for i in ts.indicators:
        names[i.table_id].add(ns(i.name))
    ok = total = 0
    for gold_file, measures in (("indicators_13th.csv", [("base", "base_2015"), ("target", "plan_2020"),
                                                        ("target_growth", "plan_growth"), ("actual", "actual_2020"),
                                                        ("actual_growth", "actual_growth")]),
                                ("indicators_14th.csv", [("base", "value_2020"), ("target", "value_2025"),
                                                        ("target_growth", "growth")])):
        rows = list(csv.DictReader((scans.ROOT / "tests" / "gold" / gold_file).open(encoding="utf-8")))
        gnames = {ns(r["name"]) for r in rows}
        tid = max(names, key=lambda t: len(names[t] & gnames))
        for r in rows:
            unsure = set(filter(None, r["uncertain"].replace("+", ";").split(";")))
            second = {s.split("+")[1] for s in filter(None, r["merged"].split(";")) if "+" in s}
            for m, col in measures:
                if col in unsure or (col in second and not ns(r[col])):
                    continue
                total += 1
                ok += vals.get((tid, int(r["row_no"]), m), "") == ns(r[col])
    assert ok / total >= 0.95, (ok, total)


def test_scanned_outputs_say_ocr(scanned_plan):
    import pyarrow.parquet as pq

    _, out = scanned_plan
    par = pq.read_table(out / "paragraphs.parquet").to_pylist()
    assert par and all(r["ocr"] for r in par)
    cells = pq.read_table(out / "tables.parquet").to_pylist()
    assert cells and all(r["ocr"] for r in cells)
    ims = pq.read_table(out / "images.parquet").to_pylist()
    assert len(ims) == 114 and all(r["kind"] == "scan" and r["status"] == "ocr" for r in ims)


# -- variants (a few pages each) ---------------------------------------------------


def _page_text(path, pages=None, **kw) -> list[str]:
    from pipeline.extract import extract

    ex = extract(path, jobs=1, **kw)
    return [ln.text for ln in ex.lines if pages is None or ln.page in pages]


def test_sideways_scan_reads_like_the_upright_one():
    """A scan turned by a quarter turn is read in the orientation in which
    the engine is confident: the same lines as the upright scan."""
    upright = scans.image_only(scans.PLAN_A, [9, 12])
    sideways = scans.image_only(scans.PLAN_A, [9, 12], rotate=90)
    from pipeline.extract import extract

    turned, straight = extract(sideways, jobs=1), extract(upright, jobs=1)
    a, b = [ln.text for ln in straight.lines], [ln.text for ln in turned.lines]
    assert char_accuracy("".join(a), "".join(b)) >= 0.995
    # the table's rules are found turned upright too: the same grid of cells
    assert [len(r.cells) for r in turned.regions] == [len(r.cells) for r in straight.regions] != []
    # turned clockwise, the text runs down the page: the reading frame turns by 270°
    assert [p.rotation for p in turned.pages] == [270, 270]


def test_noisy_low_resolution_scan():
    """150 dpi with speckles and grey paper: still ≥ 99 % of the characters."""
    noisy = scans.image_only(scans.PLAN_A, [12, 30], dpi=150, noise=True)
    text = "".join(_page_text(noisy))
    want = "".join(_page_text(scans.PLAN_A, pages={12, 30}, ocr="never"))
    assert char_accuracy(ns(want), ns(text)) >= 0.99


def test_dense_layout_scan_reads_like_its_text_layer():
    """plan-D (12 pt body, double-ruled boxes, three-line tables) as a scan:
    the same text as its text layer, line for line (≥ 99.5 %)."""
    pages = [8, 9, 20]
    scan = scans.image_only(scans.PLAN_D, pages)
    want = ns("".join(_page_text(scans.PLAN_D, pages=set(pages), ocr="never")))
    assert char_accuracy(want, ns("".join(_page_text(scan)))) >= 0.995


def test_boxes_as_pictures(tmp_path):
    """plan-A with its 专栏 boxes replaced by pictures of themselves: the
    same 8 专栏 and 31 entries as the text PDF."""
    pdf = scans.boxes_as_pictures(scans.PLAN_A)
    res = parse(pdf, "boxes", jobs=2)
    text = parse(scans.PLAN_A, "text", jobs=2, ocr="never")
    got, want = columns(res.structured), columns(text.structured)
    assert [(c["number"], c["title"]) for c in got] == [(c["number"], c["title"]) for c in want]
    assert sum(len(c["items"]) for c in got) == 31
    assert [[lbl for lbl, _ in c["items"]] for c in got] == [[lbl for lbl, _ in c["items"]] for c in want]
    ims = [im for im in res.extracted.images if im.status == "ocr"]
    assert len(ims) >= 6 and all(im.region is not None for im in ims)
    items = [(c["number"], lbl, t) for c in got for lbl, t in c["items"]]
    wants = [(c["number"], lbl, t) for c in want for lbl, t in c["items"]]
    assert char_accuracy("".join(t for *_, t in wants), "".join(t for *_, t in items)) >= 0.995


def test_ocr_outputs_do_not_depend_on_jobs_or_engine(tmp_path):
    pdf = scans.image_only(scans.PLAN_A, [3, 9])
    outs = []
    for jobs, engine in ((1, "pdfium"), (2, "pdfium"), (2, "pdfplumber")):
        d = tmp_path / f"{jobs}-{engine}"
        assert main(["parse", str(pdf), "--out", str(d), "--jobs", str(jobs), "--engine", engine, "-q",
                     "--plan-id", "p"]) == 0
        outs.append(d / "p")
    names = sorted(p.name for p in outs[0].iterdir())
    for other in outs[1:]:
        match, mismatch, errors = filecmp.cmpfiles(outs[0], other, names, shallow=False)
        assert not mismatch and not errors, mismatch


def test_ocr_always_reads_every_page_as_a_picture(tmp_path):
    """``--ocr always`` ignores the text layer and reads the pages: the same
    text (≥ 99.5 %), every line marked as OCR."""
    import pikepdf

    part = tmp_path / "part.pdf"
    with pikepdf.open(scans.PLAN_A) as src:
        dst = pikepdf.new()
        for n in (3, 9):
            dst.pages.append(src.pages[n - 1])
        dst.save(part)
    res = parse(part, "part", jobs=1, ocr="always")
    text = parse(part, "part", jobs=1, ocr="never")
    assert all(ln.ocr for ln in res.extracted.lines)
    assert not any(ln.ocr for ln in text.extracted.lines)
    want = ns("".join(ln.text for ln in text.extracted.lines))
    assert char_accuracy(want, ns("".join(ln.text for ln in res.extracted.lines))) >= 0.995
    assert [n.title for n in res.structured.nodes] == [n.title for n in text.structured.nodes]
