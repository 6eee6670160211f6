"""Text comparison for the diff: normalisation, similarity measures and the
word-level edit script over jieba tokens.

Whitespace is never a change: every comparison key has all whitespace
removed (hard wraps, extraction spaces and full-width spaces all vanish),
after the pipeline's own normalisation (:func:`cjk.normalize_text`).

The edit script is :class:`difflib.SequenceMatcher` over *tokens* (jieba,
through the term layer's :func:`pipeline.terms.tokenize` with the project's
domain dictionary, so 粤港澳大湾区 or 侨梦苑 stay whole), not characters:
a character-level diff of Chinese text interleaves single characters of the
old and new wording into an unreadable jumble.  difflib is used rather than
a hand-written LCS because it is the standard library's well-tested
implementation and its ``get_opcodes`` is exactly the edit script needed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from functools import lru_cache

from .. import cjk

Splitter = Callable[[str], list[str]]

def norm(text: str | None) -> str:
    """Display form: pipeline normalisation + extraction spaces removed."""
    if not text:
        return ""
    return cjk.clean_spaces(cjk.normalize_text(text))


@lru_cache(maxsize=65536)
def key(text: str | None) -> str:
    """Comparison key: normalised, every whitespace character removed."""
    if not text:
        return ""
    return cjk.strip_all_space(cjk.normalize_text(text))


def ratio(a: str | None, b: str | None) -> float:
    """Similarity 0..1 of two texts (difflib ratio on their keys)."""
    ka, kb = key(a), key(b)
    if ka == kb:
        return 1.0
    if not ka or not kb:
        return 0.0
    return SequenceMatcher(None, ka, kb, autojunk=False).ratio()


def ratio_at_least(a: str | None, b: str | None, floor: float) -> float:
    """:func:`ratio`, or 0.0 early when cheap upper bounds show it is below ``floor``."""
    ka, kb = key(a), key(b)
    if ka == kb:
        return 1.0
    if not ka or not kb:
        return 0.0
    sm = SequenceMatcher(None, ka, kb, autojunk=False)
    if sm.real_quick_ratio() < floor or sm.quick_ratio() < floor:
        return 0.0
    return sm.ratio()


@lru_cache(maxsize=65536)
def text_shingles(text: str | None) -> frozenset[str]:
    """Trigrams of one text's key (memoised: paragraphs are compared often)."""
    return shingles([text])


def dice(a: frozenset, b: frozenset) -> float:
    """2|A∩B| / (|A|+|B|): a cheap stand-in for :func:`ratio` when texts
    share their matching stretches in runs of three characters or more."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def shingles(texts: Iterable[str | None], n: int = 3) -> frozenset[str]:
    """Character n-grams of the texts' keys (content fingerprint of a node).
    Trigrams rather than bigrams: common two-character words (发展, 推进)
    make unrelated sections of a plan look alike; trigrams rarely do."""
    out: set[str] = set()
    for t in texts:
        k = key(t)
        if len(k) < n:
            if k:
                out.add(k)
            continue
        out.update(k[i:i + n] for i in range(len(k) - n + 1))
    return frozenset(out)


def jaccard(a: frozenset, b: frozenset) -> float:
    """|A∩B| / |A∪B| (0 when both are empty)."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def containment(a: frozenset, b: frozenset) -> float:
    """Share of ``a`` found in ``b``."""
    if not a:
        return 0.0
    return len(a & b) / len(a)


def plan_terms(texts: Iterable[str | None], labels: Iterable[str | None] = ()) -> list[str]:
    """Extra dictionary terms for the word diff of two plans: their quoted
    names (“侨梦苑”, via the term layer's harvester) and 专栏 lead terms, so
    a plan's own coinages are never split."""
    from ..terms.harvest import is_term_like, quoted_terms

    keys = [key(t) for t in texts if t]
    found = set(quoted_terms(keys))
    found.update(k for k in map(key, labels) if k and is_term_like(k))
    return sorted(found)


def make_splitter(extra_terms: Iterable[str] = ()) -> Splitter:
    """A tokenizer function for word diffs: the term layer's jieba tokenizer
    with the domain dictionary plus ``extra_terms``."""
    from ..terms import make_tokenizer, tokenize

    tok = make_tokenizer(sorted(set(extra_terms)))

    def split(text: str) -> list[str]:
        return cover(text, tokenize(text, tok))
    return split


def cover(text: str, tokens: Iterable[str]) -> list[str]:
    """The tokens, with every stretch of ``text`` they leave out (a
    tokenizer may drop punctuation, spaces or stop words) put back as
    one-character tokens, so the tokens always join to ``text``."""
    out: list[str] = []
    p = 0
    for t in tokens:
        if not t:
            continue
        i = text.find(t, p)
        if i < 0:
            continue
        out.extend(text[p:i])
        out.append(t)
        p = i + len(t)
    out.extend(text[p:])
    return out


def _tokens(text: str, split: Splitter) -> list[tuple[str, str]]:
    """(comparison key, display text) per token; whitespace tokens are
    folded into the display of the token before them."""
    out: list[tuple[str, str]] = []
    for t in split(text):
        k = cjk.strip_all_space(t)
        if not k:
            if out:
                out[-1] = (out[-1][0], out[-1][1] + t)
            continue
        out.append((k, t))
    return out


#: an unchanged stretch this short between two changes is folded into them
#: (semantic clean-up: "A的B" → "C的D" reads better as one replacement)
_SHORT_EQUAL = 1


def word_ops(a: str | None, b: str | None, split: Splitter) -> list[list[str]]:
    """Word-level edit script from ``a`` to ``b``: a list of ``["=", text]``,
    ``["-", deleted]``, ``["+", inserted]``; deletions come before
    insertions at the same place.  Joining the ``=`` and ``-`` texts gives
    ``a`` (normalised), the ``=`` and ``+`` texts give ``b``."""
    ta, tb = _tokens(norm(a), split), _tokens(norm(b), split)
    sm = SequenceMatcher(None, [k for k, _ in ta], [k for k, _ in tb], autojunk=False)
    raw: list[tuple[str, str, str]] = []   # (tag, a display, b display)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        da = "".join(d for _, d in ta[i1:i2])
        db = "".join(d for _, d in tb[j1:j2])
        raw.append(("=" if tag == "equal" else "~", da, db))
    # fold short equal runs that sit between two changes
    ops: list[list[str]] = []
    dels, inss = "", ""

    def flush() -> None:
        nonlocal dels, inss
        if dels:
            ops.append(["-", dels])
        if inss:
            ops.append(["+", inss])
        dels, inss = "", ""

    for i, (tag, da, db) in enumerate(raw):
        between = 0 < i < len(raw) - 1 and raw[i - 1][0] == "~" and raw[i + 1][0] == "~"
        if tag == "=" and not (between and len(cjk.strip_all_space(da)) <= _SHORT_EQUAL):
            flush()
            ops.append(["=", da])
        else:
            dels += da
            inss += db
    flush()
    return ops


def ops_summary(ops: list[list[str]]) -> tuple[int, int]:
    """(characters deleted, characters inserted) of an edit script."""
    d = sum(len(cjk.strip_all_space(t)) for op, t in ops if op == "-")
    i = sum(len(cjk.strip_all_space(t)) for op, t in ops if op == "+")
    return d, i
