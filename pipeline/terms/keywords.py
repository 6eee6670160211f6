"""Keywords: TF-IDF over the plan's own outline nodes.

A node's document is the token list of its heading titles and every
paragraph and 专栏 entry under it and its descendants.  Chapters are
weighed against the plan's chapters, sections against its sections (the
collection is the plan itself, so a word every chapter uses — 江海, 全区 —
scores low without a corpus-specific list).  Stop words and generic planning
filler (推进, 加强, 完善, 发展 …: ``pipeline/data/stopwords.txt``), numbers
and punctuation never become keywords.

TF-IDF is a dozen lines here; scikit-learn's ``TfidfVectorizer`` would bring
a heavy dependency for the same smoothed formula
(``idf = ln((1 + N) / (1 + df)) + 1``, ``tf = count / len(doc)``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources

import regex as re

from .. import cjk
from .tokenizer import DATA, parse_user_dict

STOPWORDS_FILE = "stopwords.txt"

# Chinese-text rule local to the term layer (candidate for pipeline/cjk.py):
# a number or count, written in digits or Chinese numerals, optionally with a
# measure word or unit (2025, 8.5%, 一是, 两个, 三大, 32个, 万元 is a stop word).
_NUMERIC = cjk.NUMERIC_TOKEN
_HAS_WORD_CHAR = re.compile(r"[\p{Han}A-Za-z]")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Stop words and generic planning filler shipped with the package, plus
    the units of measurement (:data:`pipeline.cjk.UNITS`)."""
    text = resources.files("pipeline").joinpath(DATA, STOPWORDS_FILE).read_text(encoding="utf-8")
    return frozenset(w for w, _, _ in parse_user_dict(text)) | frozenset(cjk.UNITS)


def is_keyword_candidate(token: str, stop: frozenset[str] | None = None) -> bool:
    """True for a token that may be a keyword: at least two characters, has a
    Han or Latin letter, not a number/count, not a stop word or filler."""
    stop = stopwords() if stop is None else stop
    return (len(token) >= 2 and bool(_HAS_WORD_CHAR.search(token))
            and not _NUMERIC.match(token) and token not in stop)


def tfidf_keywords(docs: Mapping[str, Sequence[str]], top: int = 20) -> dict[str, list[tuple[str, float, int]]]:
    """Top ``top`` keywords per document: ``{doc_id: [(keyword, weight, count)]}``.

    ``docs`` maps a document id to its tokens (already filtered to keyword
    candidates); the collection is ``docs`` itself.  Ranking: weight desc,
    then count desc, then the keyword (deterministic).  Weights are rounded to
    9 decimals so outputs are byte-stable.
    """
    n_docs = len(docs)
    counts = {d: Counter(toks) for d, toks in docs.items()}
    df: Counter[str] = Counter()
    for c in counts.values():
        df.update(c.keys())
    idf = {w: math.log((1 + n_docs) / (1 + k)) + 1.0 for w, k in df.items()}
    out: dict[str, list[tuple[str, float, int]]] = {}
    for d, c in counts.items():
        total = sum(c.values())
        if not total:
            out[d] = []
            continue
        scored = [(w, round(n / total * idf[w], 9), n) for w, n in c.items()]
        scored.sort(key=lambda x: (-x[1], -x[2], x[0]))
        out[d] = scored[:top]
    return out
