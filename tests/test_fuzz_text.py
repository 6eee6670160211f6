"""Issue 8: hypothesis fuzzing of the text path.

Random mixtures of real plan lines — shuffled, truncated, duplicated, with
random numbering prefixes and re-wrapped at random widths — must never crash:
either the parse succeeds with every input character accounted for, or it
fails with an InputError (never any other exception).
"""

from __future__ import annotations

import os

from conftest import SEED_TXT
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pipeline import cjk
from pipeline.errors import InputError
from pipeline.extract.text import text_to_lines
from pipeline.model import Extracted, Source
from pipeline.run import finish, run_tables
from pipeline.structure import structure

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
