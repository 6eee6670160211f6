"""Conservation check ("nothing lost"): every non-whitespace character of the
input lands in exactly one output record.

Two levels:

* lines → blocks: every Line is consumed by at least one Block, and the
  non-whitespace characters of the blocks equal those of the lines;
* output records: the characters of every record of the contract files
  (headings, paragraphs, 专栏 titles and entries, table cells, notes,
  captions, page furniture) equal, as a multiset, those of the input.

A shortfall or a surplus becomes a ``validation`` finding with the text and
page concerned.
"""

from __future__ import annotations

from collections import Counter

from . import cjk
from .model import Extracted, Finding, Structured


def _chars(text: str | None) -> Counter:
    return Counter(cjk.strip_all_space(text or ""))


def output_texts(rows: dict[str, list[dict]]) -> list[tuple[str, str]]:
    """(record kind, text) of every output record that carries input text."""
    out: list[tuple[str, str]] = []
    out += [("heading", r["text"]) for r in rows.get("sections.parquet", [])]
    out += [("paragraph", r["text"]) for r in rows.get("paragraphs.parquet", [])]
    out += [("column", (r["label"] or "") + (r["title"] or "")) for r in rows.get("columns.parquet", [])]
    out += [("column_item", r["raw"]) for r in rows.get("column_items.parquet", [])]
    out += [(r["kind"], r["text"]) for r in rows.get("notes.parquet", [])]
    out += [("table_cell", r["text"]) for r in rows.get("tables.parquet", [])]
    return out


def check_blocks(ex: Extracted, st: Structured) -> list[Finding]:
    """Every line consumed by some block; block characters == line characters."""
    findings: list[Finding] = []
    used = set()
    for b in st.blocks:
        used.update(b.lines)
    for ln in ex.lines:
        if ln.order not in used and ln.text.strip():
            findings.append(Finding("conservation", "error", None, f"page {ln.page}",
                                    f"line not assigned to any block: {ln.text[:60]}",
                                    expected=ln.text, actual=None))
    return findings


def check_outputs(ex: Extracted, rows: dict[str, list[dict]]) -> list[Finding]:
    """Multiset comparison of input characters and output-record characters."""
    want = Counter()
    for ln in ex.lines:
        want += _chars(ln.text)
    got = Counter()
    for _, t in output_texts(rows):
        got += _chars(t)
    findings = []
    lost = want - got
    extra = got - want
    if lost:
        s = "".join(sorted(lost.elements()))
        findings.append(Finding("conservation", "error", None, _where(ex, lost),
                                f"{sum(lost.values())} input characters missing from the outputs",
                                expected=s[:500], actual=None))
    if extra:
        s = "".join(sorted(extra.elements()))
        findings.append(Finding("conservation", "error", None, None,
                                f"{sum(extra.values())} output characters not in the input (duplicated?)",
                                expected=None, actual=s[:500]))
    return findings


def _where(ex: Extracted, lost: Counter) -> str:
    pages = sorted({ln.page for ln in ex.lines if any(c in lost for c in ln.text)})
    return "pages " + ",".join(str(p) for p in pages[:20])
