"""Conservation check ("nothing lost"): every non-whitespace character of the
input lands in exactly one output record.

Three levels:

* extraction: what the extract stage could not read — pages skipped (over
  their budget, timed out, crashed the PDF library), content streams that
  do not decode, glyphs without a Unicode mapping, characters the PDF
  library reported that no line holds, garbled pages, control characters
  removed — comes with the :class:`~pipeline.model.Extracted` record as
  ``extraction`` findings (:func:`check_extraction`);
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


def _count(texts) -> Counter:
    """Non-whitespace characters of all ``texts`` (None counts as empty) as
    one multiset, counted in one pass (``Counter +=`` per text would rescan
    the whole counter each time)."""
    return Counter(cjk.strip_all_space("".join(t or "" for t in texts)))


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


#: finding checks that ``--strict`` fails on (with severity ``error``)
STRICT_CHECKS = ("conservation", "extraction")


def check_extraction(ex: Extracted) -> list[Finding]:
    """The extraction findings (see the module docstring), in page order."""
    return list(ex.findings)


def strict_failures(findings: list[Finding]) -> list[Finding]:
    """The findings ``--strict`` fails on: lost text (conservation) and
    text extraction could not read (extraction errors)."""
    return [f for f in findings if f.check == "conservation"
            or (f.check in STRICT_CHECKS and f.severity == "error")]


def check_blocks(ex: Extracted, st: Structured) -> list[Finding]:
    """Every line consumed by some block, and each group of blocks that
    share lines (a run-in heading and its paragraph) holds exactly the
    characters of those lines.  Findings name the page and the text lost."""
    findings: list[Finding] = []
    by_order = {ln.order: ln for ln in ex.lines}
    used = set()
    for b in st.blocks:
        used.update(b.lines)
    for ln in ex.lines:
        if ln.order not in used and ln.text.strip():
            findings.append(Finding("conservation", "error", None, f"page {ln.page}",
                                    f"line not assigned to any block: {ln.text[:60]}",
                                    expected=ln.text, actual=None))
    # union blocks that share a line
    parent = list(range(len(st.blocks)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[int, int] = {}
    for k, b in enumerate(st.blocks):
        for o in b.lines:
            if o in owner:
                parent[find(k)] = find(owner[o])
            else:
                owner[o] = k
    groups: dict[int, list[int]] = {}
    for k in range(len(st.blocks)):
        groups.setdefault(find(k), []).append(k)
    for members in groups.values():
        blocks = [st.blocks[k] for k in members]
        orders = sorted({o for b in blocks for o in b.lines})
        want = _count(by_order[o].text for o in orders)
        got = _count(b.text for b in blocks)
        if want == got:
            continue
        pages = sorted({by_order[o].page for o in orders})
        where = f"page {pages[0]}" if len(pages) == 1 else f"pages {pages[0]}-{pages[-1]}"
        lost, extra = want - got, got - want
        kinds = "/".join(sorted({b.kind for b in blocks}))
        if lost:
            findings.append(Finding("conservation", "error", blocks[0].table_id, where,
                                    f"{sum(lost.values())} characters of the input missing from {kinds} "
                                    f"block {blocks[0].block_id}", expected=_in_order(orders, by_order, lost),
                                    actual=None))
        if extra:
            findings.append(Finding("conservation", "error", blocks[0].table_id, where,
                                    f"{sum(extra.values())} characters in {kinds} block {blocks[0].block_id} "
                                    "that are not in its input lines (duplicated?)", expected=None,
                                    actual="".join(sorted(extra.elements()))[:500]))
    return findings


def _in_order(orders: list[int], by_order: dict, lost: Counter) -> str:
    """The lost characters in the order they appear in the input lines."""
    left = Counter(lost)
    out = []
    for o in reversed(orders):        # lost text is usually at the end: take the last occurrences
        for ch in reversed(cjk.strip_all_space(by_order[o].text)):
            if left[ch] > 0:
                out.append(ch)
                left[ch] -= 1
    return "".join(reversed(out))[:500]


def check_outputs(ex: Extracted, rows: dict[str, list[dict]]) -> list[Finding]:
    """Multiset comparison of input characters and output-record characters."""
    want = _count(ln.text for ln in ex.lines)
    got = _count(t for _, t in output_texts(rows))
    findings = []
    lost = want - got
    extra = got - want
    if lost:
        s = "".join(sorted(lost.elements()))
        findings.append(Finding("conservation", "error", None, "output records",
                                f"{sum(lost.values())} input characters missing from the outputs",
                                expected=s[:500], actual=None))
    if extra:
        s = "".join(sorted(extra.elements()))
        findings.append(Finding("conservation", "error", None, None,
                                f"{sum(extra.values())} output characters not in the input (duplicated?)",
                                expected=None, actual=s[:500]))
    return findings
