"""Terms harvested from the plan itself, so that they become single tokens.

* quoted terms — “双区”, “侨梦苑”, “三区并进”: a phrase in Chinese double
  quotes that occurs (quoted or not) at least ``min_count`` times in the plan
  and looks like a term (no clause punctuation, not too long);
* 专栏 lead terms — the ``item_label`` of list-column entries (``新材料。…``),
  numeric labels excluded;
* indicator names and project names from the :class:`TableSet`.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import cjk
from ..model import Structured, TableSet
from .tokenizer import normalize_term

# Chinese-text rules local to the term layer (candidates for pipeline/cjk.py):
#: a phrase in Chinese double quotes (no line break, no nested quote)
QUOTED = cjk.QUOTED_TERM
#: characters that make a quoted phrase a clause or a list rather than a term
NOT_IN_TERM = cjk.NOT_IN_TERM
#: term length bounds (characters) for harvested terms; names from tables
#: (project names) may be longer
MIN_TERM_LEN, MAX_TERM_LEN, MAX_NAME_LEN = 2, 24, 40

#: a bare number (“12345” is a hotline, not a term; “3+3”, “5G+” are terms)
NUMBER_ONLY = cjk.NUMBER_ONLY

#: block kinds whose text is searched for quoted terms and counted
TEXT_KINDS = ("title", "heading", "paragraph", "column_title", "column_item", "note", "caption",
              "table_title", "table")


def is_term_like(term: str, max_len: int = MAX_TERM_LEN) -> bool:
    """True for a phrase that can stand as one token: bounded length, no
    clause/list punctuation or whitespace, not a bare number."""
    return (MIN_TERM_LEN <= len(term) <= max_len and not NOT_IN_TERM.search(term)
            and not NUMBER_ONLY.match(term))


def plan_texts(st: Structured) -> list[str]:
    """Texts of the plan's text blocks (tables included), in reading order,
    normalised and with all whitespace removed: a table cell or a line
    break may split a term (“工业 4.0”, “示范基\n地”)."""
    return [cjk.strip_all_space(cjk.normalize_text(b.text)) for b in st.blocks
            if b.kind in TEXT_KINDS and b.text]


def quoted_terms(texts: Iterable[str], min_count: int = 2) -> list[str]:
    """Quoted phrases that look like terms and occur at least ``min_count``
    times in ``texts`` (quoted or not), sorted by first appearance."""
    texts = list(texts)
    seen: dict[str, None] = {}
    for t in texts:
        for m in QUOTED.finditer(t):
            term = normalize_term(m.group(1))
            if is_term_like(term):
                seen.setdefault(term, None)
    # Occurrences are counted per text block so that a term never matches
    # across a block boundary: blocks joined by a character no term holds
    # (one C-level count per term instead of one per term and block)
    joined = "\x00".join(texts)
    return [term for term in seen if "\x00" not in term and joined.count(term) >= min_count]


def lead_terms(labels: Iterable[str | None]) -> list[str]:
    """Term-like 专栏 entry labels (lead terms such as 新材料; numbers excluded)."""
    out: dict[str, None] = {}
    for label in labels:
        term = normalize_term(label or "")
        if is_term_like(term):
            out.setdefault(term, None)
    return list(out)


def name_terms(names: Iterable[str | None]) -> list[str]:
    """Term-like indicator/project names (may be longer than other terms)."""
    out: dict[str, None] = {}
    for name in names:
        term = normalize_term(name or "")
        if is_term_like(term, MAX_NAME_LEN):
            out.setdefault(term, None)
    return list(out)


def combine_terms(texts: Iterable[str], labels: Iterable[str | None], names: Iterable[str | None],
                  min_count: int = 2) -> list[str]:
    """Quoted terms of ``texts`` (whitespace-free), then lead terms from
    ``labels``, then ``names``: deduplicated, order of first appearance."""
    terms: dict[str, None] = {}
    for t in quoted_terms(texts, min_count) + lead_terms(labels) + name_terms(names):
        terms.setdefault(t, None)
    return list(terms)


def harvest_terms(st: Structured, ts: TableSet | None = None, min_count: int = 2) -> list[str]:
    """All plan-specific terms of a parsed plan: quoted terms, then 专栏 lead
    terms (column_item labels), then indicator and project names."""
    ts = ts or TableSet()
    labels = [b.item_label for b in st.blocks if b.kind == "column_item"]
    names = [x.name for x in ts.indicators] + [p.name for p in ts.projects]
    return combine_terms(plan_texts(st), labels, names, min_count)
