"""Issue 8: hypothesis fuzzing of the text path.

Random mixtures of real plan lines — shuffled, truncated, duplicated, with
random numbering prefixes and re-wrapped at random widths — must never crash:
either the parse succeeds with every input character accounted for, or it
fails with an InputError (never any other exception).
"""

from __future__ import annotations

import os
import re

from conftest import SEED_TXT
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from pipeline import cjk, schemas
from pipeline.errors import InputError
from pipeline.extract.text import text_to_lines
from pipeline.model import Extracted, Source
from pipeline.run import finish, run_tables
from pipeline.structure import structure
from pipeline.tables.projects import MAX_AMOUNT

SEED_LINES = [x for x in SEED_TXT.read_text(encoding="utf-8").split("\n") if x.strip()]
NUMBERING = ["第一章 ", "第二节 ", "第三篇 ", "一、", "（二）", "3.", "（4）", "①", "专栏 2 ", "附件", "注：", "二、", ""]


def _rewrap(text: str, width: int) -> list[str]:
    flat = "".join(x.strip() for x in text.split("\n"))
    return [flat[i:i + width] for i in range(0, len(flat), width)]


line_choice = st.sampled_from(SEED_LINES)
mutated = st.tuples(line_choice, st.sampled_from(NUMBERING), st.integers(0, 40), st.booleans()).map(
    lambda t: t[1] + (t[0][: t[2]] if t[3] and t[2] else t[0]))


@st.composite
def documents(draw):
    start = draw(st.integers(0, len(SEED_LINES) - 1))
    chunk = SEED_LINES[start:start + draw(st.integers(1, 120))]
    extra = draw(st.lists(mutated, max_size=40))
    lines = chunk + extra
    if draw(st.booleans()):
        lines = draw(st.permutations(lines))
    if draw(st.booleans()):
        lines = lines + lines[: draw(st.integers(0, len(lines)))]
    text = "\n\n".join(lines) if draw(st.booleans()) else "\n".join(lines)
    if draw(st.booleans()):
        text = "\n".join(_rewrap(text, draw(st.integers(8, 45))))
    return text


def _check(text: str) -> None:
    lines = text_to_lines(text)
    ex = Extracted(Source("fuzz.txt", "fuzz.txt", "0" * 64, "text"), lines)
    try:
        st_ = structure(ex)
    except InputError:
        return
    ts = run_tables(st_, ex)
    res = finish("fuzz", ex, st_, ts, {})
    assert [f for f in res.findings if f.check == "conservation"] == []
    assert sum(len(cjk.strip_all_space(r["text"])) for r in res.outputs.rows["paragraphs.parquet"]) >= 0


# No shrinking phase: a failure is reported as generated (shrinking these
# documents can take minutes); CI time stays bounded (~150 examples).
# Derandomised so that CI is reproducible; FUZZ_EXPLORE=N explores N fresh
# random examples instead (run it after changing structure or tables).
@settings(max_examples=int(os.environ.get("FUZZ_EXPLORE", 150)), deadline=None,
          derandomize="FUZZ_EXPLORE" not in os.environ,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents())
def test_text_path_never_crashes_and_conserves(text):
    _check(text)


def test_huge_line_without_breaks():
    """A 2 MB line (a paragraph with no line breaks) is just a long paragraph."""
    text = SEED_TXT.read_text(encoding="utf-8")
    body = "".join(x.strip() for x in SEED_LINES[1:200]) * 40
    _check(text + "\n" + body + "\n")


def test_runin_heading_whose_title_spans_two_lines():
    """Regression (found by the fuzz): a run-in heading whose title clause
    ends on the unit's second line must not duplicate that line's text."""
    lines = ["①进事权和支出责任相", "注：制，推动粤港澳三地征信互认。鼓励企业积极开展信用评级工作。",
             "注：一步增强政务"]
    seed = SEED_LINES[:60]
    text = "\n".join(seed + lines + seed)
    _check(text)
    from pipeline.structure import structure as run_structure

    st_ = run_structure(Extracted(Source("t.txt", "t.txt", "0" * 64, "text"), text_to_lines(text)))
    got = "".join(cjk.strip_all_space(b.text) for b in st_.blocks)
    assert sorted(got) == sorted(cjk.strip_all_space(cjk.normalize_text(text)))


# -- issue 13: numbers in tables ------------------------------------------------
# The seed's first chapter (with the indicator table) and its annex (the project
# tables): line swaps and edits glue neighbouring cells into one "number"; a
# 20-digit amount used to crash the write (OverflowError in an int64 column).
ALL_LINES = SEED_TXT.read_text(encoding="utf-8").split("\n")
TABLE_DOC = ALL_LINES[:520] + ALL_LINES[4476:]
NUMERIC_LINES = [i for i, x in enumerate(TABLE_DOC) if re.search(r"\d{2,}", x)]
_NUM = re.compile(r"\d+(?:\.\d+)?")


@st.composite
def table_mutants(draw):
    lines = list(TABLE_DOC)
    for _ in range(draw(st.integers(1, 12))):
        i = draw(st.sampled_from(NUMERIC_LINES))
        nums = list(_NUM.finditer(lines[i]))
        op = draw(st.sampled_from(["digits", "glue", "swap", "sign", "exponent"]))
        if op == "digits" and nums:
            m = draw(st.sampled_from(nums))
            new = draw(st.text("0123456789", min_size=1, max_size=40))
            lines[i] = lines[i][:m.start()] + new + lines[i][m.end():]
        elif op == "glue":                        # two cells become one number
            lines[i] = re.sub(r"(\d)\s+(\d)", r"\1\2", lines[i], count=draw(st.integers(1, 3)))
        elif op == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif op == "sign" and nums:
            m = draw(st.sampled_from(nums))
            lines[i] = lines[i][:m.start()] + draw(st.sampled_from(["-", "−", "+", "--"])) + lines[i][m.start():]
        elif nums:
            m = draw(st.sampled_from(nums))
            lines[i] = lines[i][:m.end()] + draw(st.sampled_from(["e999", "E-5", "e20", ".5", ".000000001"])) \
                + lines[i][m.end():]
    return "\n".join(lines)


@settings(max_examples=int(os.environ.get("FUZZ_EXPLORE", 60)), deadline=None,
          derandomize="FUZZ_EXPLORE" not in os.environ,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(table_mutants())
@example("\n".join(TABLE_DOC).replace("2019-2025 25000 5000 20000", "2019-2025 25000500020000123456789 5000 20000"))
def test_table_number_mutations_never_crash_the_write(text):
    lines = text_to_lines(text)
    ex = Extracted(Source("fuzz.txt", "fuzz.txt", "0" * 64, "text"), lines)
    try:
        st_ = structure(ex)
    except InputError:
        return
    ts = run_tables(st_, ex)
    res = finish("fuzz", ex, st_, ts, {})
    meta = schemas.file_metadata("fuzz", "0" * 64, "test")
    for name, schema in schemas.CONTRACT.items():       # what write_outputs does, minus the disk
        schemas.build_table(schema, res.outputs.rows.get(name, []), "fuzz", meta)
    for p in res.outputs.rows["projects.parquet"] + res.outputs.rows["project_summary.parquet"]:
        for col in ("total_investment", "invested_before", "invested_in_period"):
            assert p[col] is None or abs(p[col]) <= MAX_AMOUNT
    # an amount cell beyond the bound is never silent
    for f in res.outputs.rows["validation.parquet"]:
        if f["rule"] == "unparsed_cell" and "plausible range" in f["message"]:
            assert f["actual"] and len(re.sub(r"\D", "", f["actual"])) >= 16 or "e" in f["actual"].lower()
