"""Issue 13: safety under hostile and careless use — one test (or a few) per
numbered finding of the issue, each reproducing it and checking the fix.
Killing parses (findings 4–6) is in ``test_safety_kill.py``.  Hostile
fixtures are built on the fly (``hostile.py``)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import hostile
import pdfgen
import pyarrow.parquet as pq
import pytest
from conftest import CORPUS, ROOT, SEED_TXT

from pipeline import cjk, outdir
from pipeline.cli import main
from pipeline.conservation import strict_failures
from pipeline.diff import run_diff
from pipeline.emit import guard_int_columns
from pipeline.errors import (
    DamagedOutput,
    InputTooLarge,
    MissingFont,
    OutputConflict,
    OutputError,
    StrictModeFailure,
    UnsupportedInput,
    UsageError,
)
from pipeline.extract import read_input
from pipeline.run import parse, plan_id_from_path

ENV = dict(os.environ, PYTHONPATH=str(ROOT))
SEED_LINES = SEED_TXT.read_text(encoding="utf-8").split("\n")


def _cli(*args: str, timeout: float = 180, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], env=kw.pop("env", ENV), capture_output=True,
                          text=True, timeout=timeout, **kw)


def _hashes(d: Path) -> dict[str, str]:
    return {str(p.relative_to(d)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.rglob("*"))
            if p.is_file()}


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture(scope="module", autouse=True)
def _dictionary_cache(tmp_path_factory):
    """Subprocess parses share one cached jieba dictionary (saves ~1 s each)."""
    ENV["PLAN_PIPELINE_CACHE"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def plan_txt(tmp_path_factory) -> Path:
    """A short real plan (the seed's first chapter with its indicator table,
    and the annex with the project tables): parses in a fraction of a second."""
    p = tmp_path_factory.mktemp("plan") / "plan.txt"
    p.write_text("\n".join(SEED_LINES[:520] + SEED_LINES[4476:]), encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def plan_pdf(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("plan") / "plan.pdf"
    pdfgen.render(p, pdfgen.Variant(name="small"))
    return p


def _lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


# --------------------------------------------------------------------------
# 1. a parse can delete any directory (plan ids)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("pid", ["{victim}", "../../x", ".", "..", "x/y", "", "a" * 300, "diffs", "..hidden",
                                 "a\\b", "\x1b]0;PWNED\x07"],
                         ids=["absolute", "dotdot", "dot", "dotdot-alone", "nested", "empty", "long", "reserved",
                              "hidden", "backslash", "escape"])
def test_f1_unsafe_plan_ids_are_refused(pid, plan_txt, tmp_path, capsys):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "important.txt").write_text("keep")
    out = tmp_path / "out"
    code = main(["parse", str(plan_txt), "--out", str(out), "--plan-id", pid.format(victim=victim), "-q"])
    err = _one_line(capsys.readouterr().err)
    assert code == UsageError.exit_code == 2, err
    assert "plan id" in err and "\x1b" not in err
    assert sorted(p.name for p in victim.iterdir()) == ["important.txt"]
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["victim"]     # nothing written anywhere


def test_f1_plan_id_validation_rules():
    for ok in ("jianghai-14th", "江海区-十四五", "plan_v2.1", "a+b=c@d~e"):
        assert outdir.validate_plan_id(ok) == ok
    for bad in ("江" * 80, "-x", ".x", "a b", "a\x00b", "Diffs"):
        with pytest.raises(UsageError):
            outdir.validate_plan_id(bad)


def test_f1_existing_file_or_foreign_directory_is_never_replaced(plan_txt, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "afile").write_text("a file")
    (out / "mine").mkdir()
    (out / "mine" / "notes.docx").write_text("not ours")
    before = _hashes(out)
    for pid in ("afile", "mine"):
        assert main(["parse", str(plan_txt), "--out", str(out), "--plan-id", pid, "-q"]) == 2
        err = _one_line(capsys.readouterr().err)
        assert "refusing to replace" in err and str(out / pid) in err
    assert _hashes(out) == before and sorted(os.listdir(out)) == ["afile", "mine"]   # no .afile.old-* left


def test_f1_issue15_outputs_of_another_source_need_force(plan_txt, tmp_path, capsys):
    other = tmp_path / "other.txt"
    other.write_text(plan_txt.read_text(encoding="utf-8").replace("地区生产总值", "地区总产值", 1), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["parse", str(plan_txt), "--out", str(out), "--plan-id", "p", "-q"]) == 0
    first = _hashes(out / "p")
    assert main(["parse", str(plan_txt), "--out", str(out), "--plan-id", "p", "-q"]) == 0   # same source: fine
    assert _hashes(out / "p") == first
    capsys.readouterr()
    assert main(["parse", str(other), "--out", str(out), "--plan-id", "p", "-q"]) == 2
    err = _one_line(capsys.readouterr().err)
    assert "another source (plan.txt" in err and "--force" in err
    assert _hashes(out / "p") == first
    assert main(["parse", str(other), "--out", str(out), "--plan-id", "p", "-q", "--force"]) == 0
    marker = json.loads((out / "p" / outdir.MARKER).read_text(encoding="utf-8"))
    assert marker["source"]["name"] == "other.txt"
    assert marker["source"]["sha256"] == hashlib.sha256(other.read_bytes()).hexdigest()
    # the same file edited and parsed again is the same source, updated: no --force needed
    other.write_text(other.read_text(encoding="utf-8").replace("地区总产值", "地区生产总值", 1), encoding="utf-8")
    assert main(["parse", str(other), "--out", str(out), "--plan-id", "p", "-q"]) == 0


def test_f1_issue15_default_plan_ids_of_text_and_pdf_differ(plan_txt, plan_pdf, tmp_path):
    assert plan_id_from_path("raw/x.txt") == "x" and plan_id_from_path("raw/x.pdf") == "x-pdf"
    assert plan_id_from_path("-") == "stdin" and plan_id_from_path("规划 纲要.md") == "规划-纲要-md"
    txt = tmp_path / "plan.txt"
    shutil.copy(plan_txt, txt)
    shutil.copy(plan_pdf, tmp_path / "plan.pdf")
    out = tmp_path / "out"
    assert main(["parse", str(txt), "--out", str(out), "--jobs", "1", "-q"]) == 0
    assert main(["parse", str(tmp_path / "plan.pdf"), "--out", str(out), "--jobs", "1", "-q"]) == 0
    assert sorted(os.listdir(out)) == ["plan", "plan-pdf"]
    kinds = {d: json.loads((out / d / "document.json").read_text(encoding="utf-8"))["source"]["kind"]
             for d in ("plan", "plan-pdf")}
    assert kinds == {"plan": "text", "plan-pdf": "pdf"}


# --------------------------------------------------------------------------
# 2. diff --out deletes everything in DIR
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_plans(plan_txt, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("plans") / "out"
    b = plan_txt.parent / "b.txt"
    b.write_text(plan_txt.read_text(encoding="utf-8").replace("年均增长 9.5%", "年均增长 9.8%"), encoding="utf-8")
    assert main(["parse", str(plan_txt), "--out", str(root), "--plan-id", "a", "-q"]) == 0
    assert main(["parse", str(b), "--out", str(root), "--plan-id", "b", "-q"]) == 0
    return root


def test_f2_diff_out_refuses_plan_roots_plans_and_foreign_dirs(two_plans, tmp_path, capsys):
    root = two_plans
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("mine")
    before, fbefore = _hashes(root), _hashes(foreign)
    for out, words in ((root, "the outputs 'a', 'b'"), (root / "a", "holds a plan output"),
                       (root / "a" / "sub", "inside the plan output"), (foreign, "thesis.tex")):
        code = main(["diff", str(root / "a"), str(root / "b"), "--out", str(out), "-q"])
        err = _one_line(capsys.readouterr().err)
        assert code == OutputConflict.exit_code and words in err, err
    assert _hashes(root) == before and _hashes(foreign) == fbefore
    # its own output it replaces
    d = tmp_path / "d"
    for _ in range(2):
        assert main(["diff", str(root / "a"), str(root / "b"), "--out", str(d), "-q"]) == 0
    assert sorted(os.listdir(d)) == [outdir.MARKER, "changes.parquet", "report.html"]


def test_f2_issue15_diff_default_out_goes_next_to_the_inputs(two_plans, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    d = run_diff(two_plans / "a", two_plans / "b")
    assert d == two_plans / "diffs" / "a__b" and (d / "report.html").is_file()
    assert not (tmp_path / "output").exists()
    shutil.rmtree(two_plans / "diffs")


# --------------------------------------------------------------------------
# 3. input from a pipe loses its first 8 KiB; FIFOs block; /dev/zero
# --------------------------------------------------------------------------


def _tables(d: Path) -> dict:
    return {n: pq.read_table(d / n).drop_columns(["plan_id"]) for n in ("sections.parquet", "paragraphs.parquet",
                                                                         "tables.parquet", "projects.parquet")}


def test_f3_pipes_stdin_and_process_substitution_read_everything(plan_txt, plan_pdf, tmp_path):
    data = plan_txt.read_bytes()
    assert len(data) > 3 * 8192            # the sniff used to eat the first 8 KiB of a pipe
    out = tmp_path / "out"
    assert main(["parse", str(plan_txt), "--out", str(out), "--plan-id", "file", "-q"]) == 0
    py = f"{sys.executable} -m pipeline parse"
    for pid, cmd in (("devstdin", f"cat {plan_txt} | {py} /dev/stdin --out {out} --plan-id devstdin -q"),
                     ("dash", f"cat {plan_txt} | {py} - --out {out} --plan-id dash -q"),
                     ("procsub", f"{py} <(cat {plan_txt}) --out {out} --plan-id procsub -q"),
                     ("pdfpipe", f"cat {plan_pdf} | {py} - --out {out} --plan-id pdfpipe -q --jobs 1")):
        r = subprocess.run(["bash", "-c", cmd], env=ENV, capture_output=True, text=True, timeout=180)
        assert r.returncode == 0, (pid, r.stderr)
    want = _tables(out / "file")
    assert len(want["sections.parquet"]) >= 4 and len(want["projects.parquet"]) == 32
    for pid in ("devstdin", "dash", "procsub"):
        got = _tables(out / pid)
        assert all(got[n].equals(want[n]) for n in want), pid
    doc = json.loads((out / "dash" / "document.json").read_text(encoding="utf-8"))
    assert doc["source"]["name"] == "stdin"
    assert main(["parse", str(plan_pdf), "--out", str(out), "--plan-id", "pdffile", "--jobs", "1", "-q"]) == 0
    got, want = _tables(out / "pdfpipe"), _tables(out / "pdffile")
    assert all(got[n].equals(want[n]) for n in want)


def test_f3_fifo_without_writer_and_devices_do_not_hang(plan_txt, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    t = time.monotonic()
    r = _cli("parse", str(fifo), "--out", str(tmp_path / "o"), "--read-timeout", "1", "-q", timeout=60)
    assert r.returncode == UnsupportedInput.exit_code and "no data for 1 s" in _one_line(r.stderr)
    assert time.monotonic() - t < 30
    for dev in ("/dev/zero", "/dev/urandom"):
        with pytest.raises(UnsupportedInput, match="device"):
            read_input(dev)
    with pytest.raises(InputTooLarge, match="limit of"):
        read_input(plan_txt, max_bytes=1000)
    # a FIFO with a writer is read to its end
    w = subprocess.Popen(["bash", "-c", f"sleep 0.3; cat {plan_txt} > {fifo}"])
    inp = read_input(fifo, read_timeout=20)
    w.wait(10)
    assert inp.data == plan_txt.read_bytes() and inp.file is None


def test_f3_text_over_the_default_limit_is_refused_before_parsing(tmp_path, capsys):
    big = tmp_path / "big.txt"
    block = SEED_TXT.read_bytes()
    with open(big, "wb") as fh:
        for _ in range(17 * 2**20 // len(block) + 1):
            fh.write(block)
    t = time.monotonic()
    assert main(["parse", str(big), "--out", str(tmp_path / "o"), "-q"]) == InputTooLarge.exit_code
    assert "--max-bytes" in _one_line(capsys.readouterr().err) and time.monotonic() - t < 10
    # a million short lines (23 MB ran past 300 s): refused at once, whatever --max-bytes says
    short = tmp_path / "short.txt"
    short.write_text("\n".join(SEED_LINES[k % 400][:6] for k in range(1_000_000)), encoding="utf-8")
    t = time.monotonic()
    assert main(["parse", str(short), "--out", str(tmp_path / "o"), "--max-bytes", "100M", "-q"]) == 9
    assert "1,000,000 lines" in _one_line(capsys.readouterr().err) and time.monotonic() - t < 20


# --------------------------------------------------------------------------
# 6. non-atomic swap, leftovers read by the README's globs, concurrent runs
# --------------------------------------------------------------------------


def _glob_reads(out: Path) -> list[str]:
    """What DuckDB's ``'out/*/indicator_values.parquet'`` (which, unlike
    Python's glob, matches hidden directories) would read."""
    import duckdb

    try:
        rows = duckdb.sql(f"select filename from read_parquet('{out}/*/indicator_values.parquet', filename=true) "
                          "group by filename order by filename").fetchall()
    except duckdb.IOException:        # no file matches
        return []
    return [Path(r[0]).parent.name for r in rows]


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_f6_a_kill_inside_the_swap_leaves_an_output_and_no_globbed_leftover(exchange, plan_txt, tmp_path):
    out = tmp_path / "out"
    assert main(["parse", str(plan_txt), "--out", str(out), "--plan-id", "p", "-q"]) == 0
    before = _hashes(out / "p")
    env = dict(ENV, PLAN_PIPELINE_CRASH_AT="swapped", **({} if exchange else {"PLAN_PIPELINE_NO_EXCHANGE": "1"}))
    r = _cli("parse", str(plan_txt), "--out", str(out), "--plan-id", "p", "-q", env=env)
    assert r.returncode == -9
    assert _glob_reads(out) == (["p"] if exchange else [])        # leftovers live two levels down
    if exchange:
        assert _hashes(out / "p") == before
    # the next run recovers (puts the old output back, removes leftovers) and writes
    assert main(["parse", str(plan_txt), "--out", str(out), "--plan-id", "p", "-q"]) == 0
    assert _hashes(out / "p") == before and _glob_reads(out) == ["p"]
    assert sorted(os.listdir(out)) == ["p"]


def test_f6_stale_staging_directories_are_removed_and_never_read(plan_txt, tmp_path):
    out = tmp_path / "out"
    assert main(["parse", str(plan_txt), "--out", str(out), "--plan-id", "p", "-q"]) == 0
    n_rows = len(pq.read_table(out / "p" / "indicator_values.parquet"))
    # what the old code left beside the output: a complete copy (the globs read it twice)
    stale = out / ".staging" / "p.new-999999-dead"
    shutil.copytree(out / "p", stale)
    import duckdb

    assert duckdb.sql(f"select count(*) from '{out}/*/indicator_values.parquet'").fetchall()[0][0] == n_rows
    assert main(["parse", str(plan_txt), "--out", str(out), "--plan-id", "p", "-q"]) == 0
    assert not (out / ".staging").exists()


def test_f6_concurrent_parses_serialise(plan_txt, tmp_path):
    out = tmp_path / "out"
    other = tmp_path / "other.txt"
    other.write_text(plan_txt.read_text(encoding="utf-8").replace("地区生产总值", "地区总产值", 1), encoding="utf-8")
    for inputs in ((plan_txt, plan_txt), (plan_txt, other)):
        shutil.rmtree(out, ignore_errors=True)
        procs = [subprocess.Popen([sys.executable, "-m", "pipeline", "parse", str(i), "--out", str(out), "--plan-id",
                                   "p", "-q"], env=ENV, stderr=subprocess.PIPE, text=True) for i in inputs]
        codes = sorted(p.wait(180) for p in procs)
        errs = [p.stderr.read() for p in procs]
        if inputs[0] == inputs[1]:
            assert codes == [0, 0], errs
        else:
            assert codes == [0, 2], errs          # the second sees the first's output of another source
            assert any("another source" in e for e in errs)
        assert sorted(os.listdir(out)) == ["p"] and _glob_reads(out) == ["p"]
        assert len(pq.read_table(out / "p" / "sections.parquet")) > 0


# --------------------------------------------------------------------------
# 7. damaged PDFs accepted silently (extraction-level conservation)
# --------------------------------------------------------------------------


def test_f7_filter_names_reversed_is_reported_and_fails_strict(plan_pdf, tmp_path, capsys):
    data = plan_pdf.read_bytes()
    n = hostile.n_filter_streams(data)
    assert n >= 5
    for k in range(n):
        mutant, changed = hostile.reverse_filters(data, k)
        assert 10 <= changed <= 30                      # "26 changed bytes" (20 with reportlab's names)
        path = tmp_path / f"m{k}.pdf"
        path.write_bytes(mutant)
        res = parse(path, "m", jobs=1)
        bad = strict_failures(res.findings)
        assert bad and "cannot be decoded" in bad[0].message and bad[0].location.startswith("page "), k
    code = main(["parse", str(tmp_path / "m0.pdf"), "--out", str(tmp_path / "o"), "--strict", "--jobs", "1", "-q"])
    err = _one_line(capsys.readouterr().err)
    assert code == StrictModeFailure.exit_code and "could not be read" in err
    assert not (tmp_path / "o").exists()


def test_f7_pages_lost_in_a_damaged_page_tree_or_stream_object_are_reported(plan_pdf, tmp_path):
    data = plan_pdf.read_bytes()
    # the dictionary of a content stream broken (">>" → "(>"): PDFium reads the page as empty
    i = data.index(b">>\nstream", data.index(b"/Length"))
    m = tmp_path / "stream.pdf"
    m.write_bytes(data[:i] + b"(" + data[i + 1:])
    res = parse(m, "m", jobs=1)
    assert any("content stream cannot be read" in f.message for f in strict_failures(res.findings))


_NO_FONTS = """
import contextlib, ctypes, io, json, sys
import pypdfium2.raw as raw
S = raw.FPDF_SYSFONTINFO
fields = dict(S._fields_)
info = S(version=1)
for name, ret in (("Release", None), ("EnumFonts", None), ("MapFont", None), ("GetFont", None),
                  ("GetFontData", 0), ("GetFaceName", 0), ("GetFontCharset", 0), ("DeleteFont", None)):
    setattr(info, name, fields[name](lambda *a, r=ret: r))
raw.FPDF_SetSystemFontInfo(ctypes.byref(info))      # PDFium sees no system font at all
from pipeline.cli import main
out = []
for argv in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        out.append([main(argv), err.getvalue()])
print(json.dumps(out))
"""


def test_f7_known_fact_missing_cjk_font_is_a_clear_error_not_silent_loss(plan_pdf, tmp_path):
    """PDFium maps a non-embedded CJK font (SimSun, Identity-H, no ToUnicode)
    only with a system CJK font; without one the text silently vanished and
    the Yunnan plan failed as "not a plan" (exit 5)."""
    runs = [["parse", str(CORPUS / "bad" / "scanned-yunnan-10th.pdf"), "--out", str(tmp_path / "o"), "--jobs", "1"],
            # partly affected: the parse succeeds with per-page findings; --strict fails
            ["parse", str(plan_pdf), "--out", str(tmp_path / "o"), "--jobs", "1", "-q"],
            ["parse", str(plan_pdf), "--out", str(tmp_path / "o2"), "--jobs", "1", "--strict"]]
    r = subprocess.run([sys.executable, "-c", _NO_FONTS, json.dumps(runs)], env=ENV, capture_output=True, text=True,
                       timeout=300)
    (c1, e1), (c2, e2), (c3, e3) = json.loads(r.stdout)
    line = _one_line(e1)
    assert c1 == MissingFont.exit_code and "install a CJK font" in line, line
    assert c2 == 0, e2
    rows = pq.read_table(tmp_path / "o" / "plan-pdf" / "validation.parquet").to_pylist()
    msgs = [x["message"] for x in rows if x["rule"] == "extraction"]
    assert msgs and all("STSong-Light" in m and "install a CJK font" in m for m in msgs)
    assert c3 == StrictModeFailure.exit_code, e3


# --------------------------------------------------------------------------
# 8. no resource limits
# --------------------------------------------------------------------------


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and its descendants (bytes, from /proc)."""
    total = 0
    kids = {pid}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            st_ = (d / "stat").read_text().rsplit(")", 1)[1].split()
            if int(st_[1]) in kids or int(d.name) == pid:
                kids.add(int(d.name))
                total += int(st_[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total


def test_f8_known_fact_twenty_million_character_page_is_skipped_fast_and_small(plan_pdf, tmp_path):
    bomb = hostile.with_bomb_page(plan_pdf, tmp_path / "bomb.pdf", hostile.char_bomb(20_000_000))
    assert bomb.stat().st_size < 100_000
    out = tmp_path / "out"
    t = time.monotonic()
    p = subprocess.Popen([sys.executable, "-m", "pipeline", "parse", str(bomb), "--out", str(out), "--jobs", "2",
                          "-q"], env=ENV, stderr=subprocess.PIPE, text=True)
    peak = 0
    while p.poll() is None:
        peak = max(peak, _tree_rss(p.pid))
        time.sleep(0.05)
    took = time.monotonic() - t
    assert p.returncode == 0, p.stderr.read()
    assert took < 30 and peak < 2**30, (took, peak)
    rows = pq.read_table(out / "bomb-pdf" / "validation.parquet").to_pylist()
    assert [x["message"] for x in rows if x["rule"] == "extraction"] == [
        "page 8 skipped: about 20,000,000 characters (limit 100,000)"]
    print(f"20M-character page: {took:.1f} s, peak {peak / 2**20:.0f} MiB (process tree)")
    r = _cli("parse", str(bomb), "--out", str(tmp_path / "o2"), "--jobs", "1", "--strict")
    assert r.returncode == StrictModeFailure.exit_code and "page 8 skipped" in _one_line(r.stderr)


def test_f8_object_and_drawing_bombs_and_exact_char_cap(plan_pdf, tmp_path):
    cases = {"objects": hostile.object_bomb(20_000_000), "drawing": hostile.drawing_bomb(30_000_000),
             # below the pre-check's scan threshold but over the cap: PDFium's own count stops it
             "chars": hostile.char_bomb(150_000) .replace(b"(" + b"A" * 20_000 + b")", b"<" + b"41" * 20_000 + b">")}
    for name, content in cases.items():
        pdf = hostile.with_bomb_page(plan_pdf, tmp_path / f"{name}.pdf", content)
        t = time.monotonic()
        res = parse(pdf, name, jobs=1)
        assert time.monotonic() - t < 30, name
        msgs = [f.message for f in res.findings if f.check == "extraction"]
        assert len(msgs) == 1 and msgs[0].startswith("page 8 skipped: "), (name, msgs)
        assert res.structured.nodes                       # the rest of the plan is there


def test_f8_page_timeout_skips_a_slow_page(plan_pdf, tmp_path):
    rects = b"".join(b"%d %d 1 1 re f\n" % (i % 500, i // 500 % 800) for i in range(150_000))
    pdf = hostile.with_bomb_page(plan_pdf, tmp_path / "slow.pdf", rects)
    t = time.monotonic()
    res = parse(pdf, "slow", jobs=1, page_timeout=0.5)
    assert time.monotonic() - t < 60
    msgs = [f.message for f in res.findings if f.check == "extraction"]
    assert msgs == ["page 8 skipped: not done within 0.5 s (--page-timeout)"], msgs
    assert res.structured.nodes


# --------------------------------------------------------------------------
# 9. a 20-digit amount crashes the write
# --------------------------------------------------------------------------


def test_f9_twenty_digit_amount_is_a_finding_not_a_crash(plan_txt, tmp_path, capsys):
    lines = _lines_of(plan_txt)
    k = next(i for i, x in enumerate(lines) if x.strip() == "2019-2025 25000 5000 20000")
    lines[k] = "2019-2025 25000500020000123456789 5000 20000"        # two cells glued by a line swap
    p = tmp_path / "glued.txt"
    p.write_text("\n".join(lines), encoding="utf-8")
    assert main(["parse", str(p), "--out", str(tmp_path / "o"), "-q"]) == 0, capsys.readouterr().err
    rows = pq.read_table(tmp_path / "o" / "glued" / "validation.parquet").to_pylist()
    hit = [x for x in rows if x["rule"] == "unparsed_cell" and x["actual"] == "25000500020000123456789"]
    assert hit and "plausible range" in hit[0]["message"]
    projects = pq.read_table(tmp_path / "o" / "glued" / "projects.parquet").to_pylist()
    assert projects[0]["total_investment"] is None and projects[0]["invested_before"] == 5000


def test_f9_every_int_column_is_guarded():
    rows = {"sections.parquet": [{"number": 10**12, "level": 1}, {"number": 3}],
            "projects.parquet": [{"table_id": "T1", "total_investment": 10**20, "project_no": 2**31}]}
    found = guard_int_columns(rows)
    assert rows["sections.parquet"][0]["number"] is None and rows["sections.parquet"][1]["number"] == 3
    assert rows["projects.parquet"][0]["total_investment"] is None and rows["projects.parquet"][0]["project_no"] is None
    assert len(found) == 3 and {f.check for f in found} == {"unparsed_cell"}


# --------------------------------------------------------------------------
# 10. terminal escapes pass through; control characters stored
# --------------------------------------------------------------------------


def test_f10_control_characters_removed_and_counted(plan_txt, tmp_path):
    lines = _lines_of(plan_txt)
    k = next(i for i, x in enumerate(lines) if "地区生产总值" in x and len(x) > 20)
    lines[k] = lines[k][:6] + hostile.ESCAPES + lines[k][6:]
    p = tmp_path / "esc.txt"
    p.write_text("\n".join(lines), encoding="utf-8")
    assert main(["parse", str(p), "--out", str(tmp_path / "o"), "-q"]) == 0
    d = tmp_path / "o" / "esc"
    for name in ("paragraphs.parquet", "sections.parquet", "tables.parquet", "notes.parquet"):
        for col in ("text",):
            assert not any(cjk.CONTROL_CHARS.search(t or "") for t in pq.read_table(d / name)[col].to_pylist())
    n = len(cjk.CONTROL_CHARS.findall(hostile.ESCAPES))
    rows = pq.read_table(d / "validation.parquet").to_pylist()
    assert [x["message"] for x in rows if x["rule"] == "extraction"] == [
        f"{n} control characters removed (not text: terminal escapes, NUL, …)"]
    assert any("[31m红色" in t for t in pq.read_table(d / "paragraphs.parquet")["text"].to_pylist())


def test_f10_grep_and_terms_print_no_escape_sequences(two_plans, tmp_path, capsys):
    d = tmp_path / "p"
    shutil.copytree(two_plans / "a", d)
    # an output written by an older version (or by hand) that holds escapes
    t = pq.read_table(d / "paragraphs.parquet")
    texts = t["text"].to_pylist()
    texts[0] = "侨梦苑" + hostile.ESCAPES + texts[0]
    pq.write_table(t.set_column(t.schema.get_field_index("text"), "text", [texts]), d / "paragraphs.parquet")
    k = pq.read_table(d / "keywords.parquet")
    kw = k["keyword"].to_pylist()
    kw[0] = "\x1b]0;PWNED\x07"
    pq.write_table(k.set_column(k.schema.get_field_index("keyword"), "keyword", [kw]), d / "keywords.parquet")
    capsys.readouterr()
    assert main(["grep", str(d), "侨梦苑"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\\x1b]0;PWNED\\x07" in out
    assert main(["terms", str(d), "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b]0;PWNED" in out


# --------------------------------------------------------------------------
# 11. environment problems reported as internal error 70
# --------------------------------------------------------------------------


def test_f11_out_is_a_file_or_read_only(plan_txt, tmp_path, capsys):
    f = tmp_path / "afile"
    f.write_text("x")
    assert main(["parse", str(plan_txt), "--out", str(f), "-q"]) == OutputError.exit_code
    assert "--out is a file" in _one_line(capsys.readouterr().err)
    ro = tmp_path / "ro"
    ro.mkdir()
    if os.geteuid() != 0:
        ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
        r = _cli("parse", str(plan_txt), "--out", str(ro / "out"), "-q")
    else:        # root ignores permissions: a read-only mount instead
        if not shutil.which("unshare") or subprocess.run(["unshare", "-m", "true"]).returncode:
            pytest.skip("needs a non-root user or unshare(1) for a read-only directory")
        r = subprocess.run(["unshare", "-m", "bash", "-c", f"mount -t tmpfs -o ro tmpfs {ro} && {sys.executable} "
                            f"-m pipeline parse {plan_txt} --out {ro}/out -q"], env=ENV, capture_output=True,
                           text=True, timeout=120)
    line = _one_line(r.stderr)
    assert r.returncode == OutputError.exit_code and "cannot write output" in line, line


def test_f11_non_utf8_and_escape_file_names(plan_txt, tmp_path):
    name = os.fsdecode(b"\xff\xfe\x1b[31m.txt")
    p = tmp_path / name
    shutil.copy(plan_txt, p)
    r = _cli("parse", str(p), "--out", str(tmp_path / "o"), "-q")
    assert r.returncode == 0, r.stderr
    (d,) = [x for x in (tmp_path / "o").iterdir()]
    doc = json.loads((d / "document.json").read_text(encoding="utf-8"))
    assert doc["source"]["name"] == "\\xff\\xfe\\x1b[31m.txt"
    r = _cli("parse", str(tmp_path / os.fsdecode(b"gone\xff\x1b]0;X\x07.txt")), "--out", str(tmp_path / "o"))
    line = _one_line(r.stderr)
    assert r.returncode == UnsupportedInput.exit_code and "\\xff\\x1b]0;X\\x07" in line and "\x1b" not in line


def test_f11_truncated_parquet_given_to_terms_grep_diff(two_plans, tmp_path, capsys):
    d = tmp_path / "p"
    shutil.copytree(two_plans / "a", d)
    data = (d / "sections.parquet").read_bytes()
    (d / "sections.parquet").write_bytes(data[: len(data) // 2])
    for argv in (["terms", str(d)], ["grep", str(d), "创新"], ["diff", str(d), str(two_plans / "b"),
                                                               "--out", str(tmp_path / "d")]):
        code = main(argv + ["-q"])
        line = _one_line(capsys.readouterr().err)
        assert code == DamagedOutput.exit_code and "sections.parquet cannot be read" in line and str(d) in line, line


# --------------------------------------------------------------------------
# 12. a corrupt PDF prints pdfminer's warnings
# --------------------------------------------------------------------------


def test_f12_library_warnings_go_to_the_debug_log(plan_pdf, tmp_path):
    data = plan_pdf.read_bytes()
    # break one cross-reference entry and one MediaBox: pdfminer warns about both
    xref = data.rindex(b"\nxref\n")
    entry = re.compile(rb"\n(\d{10}) 00000 n").search(data, xref)
    data = data[:entry.start(1) + 3] + b"N" + data[entry.start(1) + 4:]
    i = data.index(b"/MediaBox [ ") + len(b"/MediaBox [ ")
    data = data[:i] + b"/x" + data[i + 2:]
    bad = tmp_path / "warns.pdf"
    bad.write_bytes(data)
    r = _cli("parse", str(bad), "--out", str(tmp_path / "o"), "--jobs", "1")
    assert r.returncode in (0, 8)
    assert "WARNING" not in r.stderr and "b'" not in r.stderr and len(r.stderr.strip().splitlines()) <= 1, r.stderr
    r = _cli("parse", str(bad), "--out", str(tmp_path / "o2"), "--jobs", "1", "-v")
    assert "pdfminer" in r.stderr            # with -v the library's complaints are in the debug log
