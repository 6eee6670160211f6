"""The word tokenizer: jieba with the planning-domain dictionary.

One :class:`Tokenizer` is built per plan (:func:`make_tokenizer`) from

* jieba's own dictionary (the prefix dictionary is built once per process
  and copied into each tokenizer; a marshal copy may be kept in a temp-dir
  cache, see :func:`base_prefix_dict`),
* the curated planning vocabulary shipped in ``pipeline/data/planning_terms.txt``
  (jieba user-dictionary format), and
* terms harvested from the plan itself (see :mod:`pipeline.terms.harvest`).

Each tokenizer owns a private ``jieba.Tokenizer`` instance, so plans never
share mutable segmentation state; jieba's module-level default tokenizer and
its logger are not touched: we never call ``Tokenizer.initialize``, which is
what prints the start-up chatter and writes ``jieba.cache`` to the temp dir.

The domain dictionary is in jieba's user-dictionary format (``word [freq]
[tag]`` per line, no comments) so it also loads with ``jieba.load_userdict``.
A term without a frequency gets ``max(jieba's suggested frequency,
TERM_FREQ_FLOOR)``.

Terms that jieba cannot hold as one word because they contain characters
outside its word alphabet (brackets, ·, spaces …: typical of project names
such as ``江门高新区（江海区）污水管网工程``) are matched first, longest first,
by a regular expression, and only the text between them goes to jieba.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
import threading
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jieba
import regex as re

from .. import cjk

#: Characters jieba's default cutter keeps together in one block (a copy of
#: ``jieba.re_han_default``): a term made only of these can be a jieba word.
_JIEBA_WORD = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")
_USERDICT_LINE = re.compile(r"^(.+?)(?: ([0-9]+))?(?: ([a-z]+))?$")

#: Frequency floor for added terms: high enough that a planning term is not
#: split by a more frequent overlapping general word in running text, low
#: enough (≈ a mid-frequency jieba word) not to swallow its neighbours.
TERM_FREQ_FLOOR = 2000

DATA = "data"
DOMAIN_DICT = "planning_terms.txt"


# --------------------------------------------------------------------------
# dictionaries
# --------------------------------------------------------------------------


def _jieba_dict_bytes() -> bytes:
    tok = jieba.Tokenizer()
    with tok.get_dict_file() as fh:
        return fh.read()


def _build_prefix_dict(raw: bytes) -> tuple[dict[str, int], int]:
    # Same mapping as jieba.Tokenizer.gen_pfdict (asserted by a test), built
    # set-wise, which is faster; jieba only ever looks words up in it, so its
    # iteration order is irrelevant.
    words: list[str] = []
    counts: list[int] = []
    for line in raw.decode("utf-8").splitlines():
        parts = line.strip().split(" ", 2)
        if len(parts) >= 2:
            words.append(parts[0])
            counts.append(int(parts[1]))
    freq = dict.fromkeys({w[:k] for w in words for k in range(1, len(w))}, 0)
    freq.update(zip(words, counts))
    return freq, sum(counts)


#: Bump when the prefix dictionary's layout changes (invalidates disk caches).
_PFDICT_VERSION = "1"


def cache_dir() -> Path | None:
    """Where the prefix dictionary may be cached: ``$PLAN_PIPELINE_CACHE``
    (the CLI points it into ``interim/`` when it has an interim folder);
    None — no cache, nothing written anywhere — when it is not set."""
    env = os.environ.get("PLAN_PIPELINE_CACHE")
    return Path(env) if env else None


_PFDICT_LOCK = threading.Lock()


def preload() -> None:
    """Load jieba's prefix dictionary now (the parse calls this while PDF
    pages are parsed in worker processes and this process would only wait)."""
    base_prefix_dict()


def base_prefix_dict() -> tuple[dict[str, int], int]:
    """Memoised, thread-safe :func:`_load_prefix_dict`."""
    with _PFDICT_LOCK:
        return _load_prefix_dict()


@lru_cache(maxsize=1)
def _load_prefix_dict() -> tuple[dict[str, int], int]:
    """jieba's prefix dictionary (word → frequency, prefixes → 0) and total.

    Built once per process (memoised: it is read-only, every tokenizer gets
    a copy).  Building it takes ≈0.85 s; a marshal copy in :func:`cache_dir`
    loads in ≈0.3 s, so it is kept there when a cache folder is configured
    and writable (keyed by jieba's version and a hash of its dictionary).
    Nothing depends on the cache: no folder, or an unwritable one, just
    means building it every time, and the dictionary is the same either way.
    """
    raw = _jieba_dict_bytes()
    d = cache_dir()
    path = None
    if d is not None:
        key = hashlib.sha256(raw).hexdigest()[:16]
        path = d / f"jieba-pfdict-{jieba.__version__}-{_PFDICT_VERSION}-{key}.marshal"
        try:
            with open(path, "rb") as fh:
                freq, total = marshal.load(fh)
            if isinstance(freq, dict) and isinstance(total, int):
                return freq, total
        except (OSError, EOFError, ValueError, TypeError):
            pass
    freq, total = _build_prefix_dict(raw)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".pfdict-", dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                marshal.dump((freq, total), fh)
            os.replace(tmp, path)
        except OSError:
            pass
    return freq, total


def parse_user_dict(text: str) -> list[tuple[str, int | None, str | None]]:
    """Entries of a jieba user dictionary (``word [freq] [tag]`` per line;
    blank lines and ``#`` comments skipped)."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _USERDICT_LINE.match(line)
        if m:
            out.append((m.group(1).strip(), int(m.group(2)) if m.group(2) else None, m.group(3)))
    return out


@lru_cache(maxsize=1)
def domain_terms() -> tuple[tuple[str, int | None, str | None], ...]:
    """The curated planning vocabulary shipped with the package."""
    text = resources.files("pipeline").joinpath(DATA, DOMAIN_DICT).read_text(encoding="utf-8")
    return tuple(parse_user_dict(text))


def normalize_term(term: str) -> str:
    """A term as it is matched in text: normalised like the document text,
    artefact spaces removed (``工业 4.0`` → ``工业4.0``)."""
    return cjk.clean_spaces(cjk.normalize_text(term))


# --------------------------------------------------------------------------
# tokenizer
# --------------------------------------------------------------------------


class Tokenizer:
    """A per-plan word tokenizer (a private ``jieba.Tokenizer`` plus a
    matcher for terms jieba cannot hold as one word).  Immutable once built;
    use :func:`make_tokenizer` to build one."""

    __slots__ = ("jieba", "phrases", "_phrase_re", "terms")

    def __init__(self, jieba_tokenizer: jieba.Tokenizer, phrases: Iterable[str] = (),
                 terms: Iterable[str] = ()):
        self.jieba = jieba_tokenizer
        self.phrases = tuple(sorted(set(phrases), key=lambda s: (-len(s), s)))
        self._phrase_re = (re.compile("|".join(re.escape(p) for p in self.phrases))
                           if self.phrases else None)
        #: every term added on top of jieba's dictionary (domain + harvested)
        self.terms = frozenset(terms)

    def __repr__(self) -> str:
        return f"<Tokenizer {len(self.terms)} added terms, {len(self.phrases)} phrases>"

    def _cut(self, text: str) -> list[str]:
        return [w for w in self.jieba.cut(text, HMM=True) if not w.isspace()]

    def cut(self, text: str) -> list[str]:
        """Tokens of ``text`` in order; whitespace never yields a token."""
        text = cjk.clean_spaces(text)
        if not text:
            return []
        if self._phrase_re is None:
            return self._cut(text)
        out: list[str] = []
        pos = 0
        for m in self._phrase_re.finditer(text):
            if m.start() > pos:
                out.extend(self._cut(text[pos:m.start()]))
            out.append(m.group(0))
            pos = m.end()
        if pos < len(text):
            out.extend(self._cut(text[pos:]))
        return out


def make_tokenizer(extra_terms: Iterable[str] = (), *, domain: bool = True) -> Tokenizer:
    """Build a tokenizer: jieba's dictionary + the domain dictionary (unless
    ``domain=False``) + ``extra_terms`` (e.g. terms harvested from a plan),
    each of which comes out as one token.  Nothing is logged or written.
    """
    freq, total = base_prefix_dict()
    jt = jieba.Tokenizer()
    jt.FREQ = dict(freq)
    jt.total = total
    jt.initialized = True          # the dictionary is loaded: never call initialize()
    entries: list[tuple[str, int | None, str | None]] = list(domain_terms()) if domain else []
    # Sorted: a suggested frequency depends on the words already added, so
    # the same set of terms always gives the same tokenizer whatever its order.
    entries += [(t, None, None) for t in sorted(set(extra_terms), key=lambda t: (len(t), t))]
    phrases: list[str] = []
    added: set[str] = set()
    for word, n, tag in entries:
        word = normalize_term(word)
        if len(word) < 2 or word in added:
            continue
        added.add(word)
        if not _JIEBA_WORD.fullmatch(word):
            phrases.append(word)
            continue
        if n is None:
            n = max(jt.suggest_freq(word, False), TERM_FREQ_FLOOR)
        jt.add_word(word, max(n, 1), tag)
    return Tokenizer(jt, phrases, added)


@lru_cache(maxsize=1)
def default_tokenizer() -> Tokenizer:
    """The domain-dictionary tokenizer without plan-specific terms (built on
    first use; never mutated)."""
    return make_tokenizer()


def tokenize(text: str, tokenizer: Tokenizer | None = None) -> list[str]:
    """Word tokens of ``text`` (jieba + domain dictionary; pass the plan's
    tokenizer from :func:`make_tokenizer` to also keep its harvested terms
    whole).  Punctuation marks are tokens; whitespace is not."""
    return (tokenizer or default_tokenizer()).cut(text)
