"""Issue 8: every must-fail input gives its documented one-line message and
exit code and leaves no output behind; mutated PDFs give a result or a clean
error, never a traceback or a hang."""

from __future__ import annotations

import os
import random
import signal
from collections import Counter

import hostile
import pdfgen
import pikepdf
import pytest
from conftest import CORPUS
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from reportlab.pdfgen import canvas

from pipeline import cjk, errors
from pipeline.cli import main
from pipeline.conservation import strict_failures
from pipeline.errors import InputError
from pipeline.run import parse


@pytest.fixture(scope="module")
def small_plan(tmp_path_factory):
    path = tmp_path_factory.mktemp("plan") / "plan.pdf"
    pdfgen.render(path, pdfgen.Variant(name="small"))
    return path


def _make(kind: str, d, small_plan):
    """Build one must-fail fixture; returns its path."""
    if kind == "empty.pdf":
        p = d / kind
        p.write_bytes(b"")
    elif kind == "empty.txt":
        p = d / kind
        p.write_bytes(b"")
    elif kind == "zero-pages.pdf":
        p = d / kind
        pdf = pikepdf.new()
        pdf.save(p)
    elif kind == "truncated.pdf":
        p = d / kind
        data = small_plan.read_bytes()
        p.write_bytes(data[: len(data) // 3])
    elif kind == "encrypted.pdf":
        p = d / kind
        with pikepdf.open(small_plan) as pdf:   # qpdf via pikepdf, with a user password
            pdf.save(p, encryption=pikepdf.Encryption(user="user-pw", owner="owner-pw", R=6))
    elif kind == "scanned.pdf":
        from PIL import Image
        from reportlab.lib.utils import ImageReader
        p = d / kind
        c = canvas.Canvas(str(p))
        c.drawImage(ImageReader(Image.new("L", (200, 280), 180)), 0, 0, 595, 842)
        c.showPage()
        c.save()
    elif kind in ("random.pdf", "random.txt"):
        p = d / kind
        rnd = random.Random(7)
        p.write_bytes(bytes(rnd.randrange(256) for _ in range(50_000)))
    elif kind == "not-a-plan.pdf":
        p = d / kind
        c = canvas.Canvas(str(p))
        c.setFont(pdfgen.FONT, 12)
        for k in range(20):
            c.drawString(72, 760 - 20 * k, "会议通知：请各单位于下周一上午九点到三楼会议室参加培训。")
        c.showPage()
        c.save()
    elif kind == "not-a-plan.txt":
        p = d / kind
        p.write_text("会议通知：请各单位于下周一上午九点到三楼会议室参加培训，并准时签到。\n" * 40, encoding="utf-8")
    elif kind == "drawing.pdf":
        p = d / kind
        c = canvas.Canvas(str(p))
        for k in range(30):
            c.circle(300, 420, 10 + 8 * k)
            c.line(50, 50 + 20 * k, 545, 790 - 20 * k)
        c.rect(100, 100, 395, 642, fill=0)
        c.showPage()
        c.save()
    else:
        raise AssertionError(kind)
    return p


MUST_FAIL = [
    ("empty.pdf", errors.EmptyInput, "empty"),
    ("empty.txt", errors.EmptyInput, "empty"),
    ("zero-pages.pdf", errors.CorruptPDF, "no pages"),
    ("truncated.pdf", errors.CorruptPDF, "corrupt PDF"),
    ("encrypted.pdf", errors.EncryptedPDF, "password"),
    ("scanned.pdf", errors.NoTextLayer, "OCR"),
    ("random.pdf", errors.CorruptPDF, "not a PDF"),
    ("random.txt", errors.UndecodableText, "undecodable"),
    ("not-a-plan.pdf", errors.NotAPlan, "not a plan"),
    ("not-a-plan.txt", errors.NotAPlan, "not a plan"),
    ("drawing.pdf", errors.NoTextLayer, "no text"),
]


@pytest.mark.parametrize("kind,exc,words", MUST_FAIL, ids=[m[0] for m in MUST_FAIL])
def test_must_fail_cleanly(kind, exc, words, tmp_path, capsys, small_plan):
    path = _make(kind, tmp_path, small_plan)
    out = tmp_path / "out"
    code = main(["parse", str(path), "--out", str(out), "--jobs", "1"])
    err = capsys.readouterr().err.strip()
    assert code == exc.exit_code, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("error: ") and path.name in err and words in err, err
    assert not out.exists() or not any(out.iterdir())


def test_scanned_pdf_from_the_shared_corpus_is_a_text_pdf():
    """``bad/scanned-yunnan-10th.pdf`` is not a scan (see README, corpus notes):
    it has a text layer and parses; what a scan gives is tested above."""
    res = parse(CORPUS / "bad" / "scanned-yunnan-10th.pdf", "yunnan", jobs=1)
    assert sum(len(ln.text) for ln in res.extracted.lines) > 20_000


def test_exit_codes_are_distinct():
    codes = [c.exit_code for c in (errors.InputError, errors.EmptyInput, errors.UndecodableText, errors.NotAPlan,
                                   errors.NoTextLayer, errors.EncryptedPDF, errors.CorruptPDF,
                                   errors.UnsupportedInput, errors.StrictModeFailure, errors.StageError)]
    assert len(set(codes)) == len(codes)


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


@pytest.fixture(scope="module")
def plan_bytes(small_plan):
    return small_plan.read_bytes()


@pytest.fixture(scope="module")
def plan_text(small_plan) -> Counter:
    """The characters the unmutated plan gives."""
    res = parse(small_plan, "plan", jobs=1)
    return Counter(cjk.strip_all_space("".join(ln.text for ln in res.extracted.lines)))


# No shrinking (each example is a whole PDF parse); bounded to ~60 examples.
@settings(max_examples=int(os.environ.get("FUZZ_EXPLORE", 60)), deadline=None,
          derandomize="FUZZ_EXPLORE" not in os.environ, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(cut=st.one_of(st.none(), st.floats(0, 1)),
       edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=24),
       swap=st.one_of(st.none(), st.integers(0, 50)))
@example(cut=None, edits=[], swap=0).via("issue 13: the 26-byte /Filter names reversed")
@example(cut=None, edits=[], swap=3).via("issue 13: the 26-byte /Filter names reversed")
def test_mutated_pdfs_parse_or_fail_cleanly(cut, edits, swap, plan_bytes, plan_text, tmp_path):
    raw = bytearray(plan_bytes)
    if swap is not None:        # a stream's filters listed in reverse order (issue 13)
        raw = bytearray(hostile.reverse_filters(bytes(raw), swap)[0])
    if cut is not None:
        raw = raw[: int(cut * len(raw))]
    for pos, byte in edits:
        if raw:
            raw[int(pos * len(raw))] = byte
    path = tmp_path / "mutant.pdf"
    path.write_bytes(bytes(raw))
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(60)            # a hang guard, not a speed goal
    try:
        res = parse(path, "mutant", jobs=1)
        assert res.structured.nodes
        OUTCOMES["parsed"] += 1
        # extraction-level conservation: a mutant that lost text says so (--strict fails)
        lost = plan_text - Counter(cjk.strip_all_space("".join(ln.text for ln in res.extracted.lines)))
        if lost:
            OUTCOMES["parsed, text lost"] += 1
            assert strict_failures(res.findings), f"{sum(lost.values())} characters lost silently"
    except InputError as exc:
        OUTCOMES[type(exc).__name__] += 1
    except _Timeout:
        pytest.fail("parse of a mutated PDF did not finish within 60 s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


OUTCOMES: Counter = Counter()


def test_mutation_outcomes_were_varied():
    """The fuzz above ran (this test is collected after it) and saw both
    successful parses and clean failures."""
    print("mutation outcomes:", dict(OUTCOMES))
    n = sum(v for k, v in OUTCOMES.items() if k != "parsed, text lost")
    assert n >= 20, OUTCOMES
    assert OUTCOMES["parsed"] > 0 and n - OUTCOMES["parsed"] > 0, OUTCOMES
    assert OUTCOMES["parsed, text lost"] > 0, OUTCOMES      # the conservation property was exercised
