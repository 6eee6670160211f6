"""The word tokenizer: jieba with the planning-domain dictionary.

One :class:`Tokenizer` is built per plan (:func:`make_tokenizer`) from

* jieba's own dictionary, held as a static trie (:class:`BaseDict`, see
  below),
* the curated planning vocabulary shipped in ``pipeline/data/planning_terms.txt``
  (jieba user-dictionary format), and
* terms harvested from the plan itself (see :mod:`pipeline.terms.harvest`).

Each tokenizer owns a private ``jieba.Tokenizer`` instance, so plans never
share mutable segmentation state; jieba's module-level default tokenizer and
its logger are not touched: we never call ``Tokenizer.initialize``, which is
what prints the start-up chatter and writes ``jieba.cache`` to the temp dir.

**Why a trie.**  jieba keeps its dictionary as a Python ``dict`` of about
500,000 words and word prefixes; building it (or unpickling or unmarshalling
it) costs 0.3–0.5 s in every process, more than the rest of a small parse.
Here jieba's words live in a ``marisa_trie.Trie`` (a compact C++ trie) plus
an array of frequencies indexed by key id, both shipped prebuilt in
``pipeline/data/`` and memory-mapped in under a millisecond.  A
``jieba.Tokenizer`` subclass (:class:`_JiebaTrie`) answers jieba's lookups
from the trie: ``get_DAG`` asks the trie for all words that start at each
position (one C call instead of a Python loop over prefixes) and ``calc``
takes their log-frequencies from the DAG, so segmentation is unchanged —
the same DAG, the same route arithmetic, byte-identical tokens (asserted by
tests against jieba's own prefix dictionary) — only faster.  Words added for
a plan live in a small overlay dict, exactly as jieba's ``add_word`` would
put them in its own ``FREQ``.  When the installed jieba's dictionary is not
the one the shipped trie was built from, the trie is built from it in
memory (≈0.4 s) and, when ``$PLAN_PIPELINE_CACHE`` is set, kept there.

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

import array
import hashlib
import json
import os
import sys
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from math import log
from pathlib import Path

import marisa_trie
import regex as re

from .. import cjk


def _import_jieba():
    """``import jieba`` without ``pkg_resources``: jieba's ``_compat`` imports
    it (0.1 s, a deprecated setuptools API) only to locate its own data
    files and falls back to a plain path next to the module without it."""
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    block = "pkg_resources" not in sys.modules
    if block:
        sys.modules["pkg_resources"] = None          # makes the import fail fast
    try:
        import jieba
    finally:
        if block and sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    return jieba


jieba = _import_jieba()

#: Characters jieba's default cutter keeps together in one block (a copy of
#: ``jieba.re_han_default``): a term made only of these can be a jieba word.
_JIEBA_WORD = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")
_USERDICT_LINE = re.compile(r"^(.+?)(?: ([0-9]+))?(?: ([a-z]+))?$")

#: Frequency floor for added terms: high enough that a planning term is not
#: split by a more frequent overlapping general word in running text, low
#: enough (≈ a mid-frequency jieba word) not to swallow its neighbours.
TERM_FREQ_FLOOR = 2000

DATA = "data"
DATA_DIR = Path(__file__).resolve().parents[1] / DATA
DOMAIN_DICT = "planning_terms.txt"
#: jieba's dictionary as a trie + frequencies (built by :func:`write_base_dict`)
BASE_DICT = "jieba-dict"

#: Bump when the base dictionary's file layout changes (invalidates caches).
_DICT_VERSION = "2"


# --------------------------------------------------------------------------
# jieba's dictionary as a trie
# --------------------------------------------------------------------------


def _jieba_dict_bytes() -> bytes:
    with jieba.Tokenizer().get_dict_file() as fh:
        return fh.read()


def _jieba_dict_path() -> Path:
    return Path(jieba.__file__).resolve().parent / jieba.DEFAULT_DICT_NAME


@dataclass(frozen=True, slots=True)
class BaseDict:
    """jieba's dictionary: ``trie`` holds its words, ``freq[trie[word]]`` a
    word's frequency; ``total`` is the sum of all entries' frequencies (as
    jieba counts it), ``maxlen`` the longest word."""

    trie: marisa_trie.Trie
    freq: array.array
    total: int
    maxlen: int
    #: memo: word → (length, log(frequency)), filled as words are met
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def get(self, word: str, default=None):
        """The frequency jieba's prefix dictionary holds for ``word``: the
        word's, 0 for a proper prefix of a word, ``default`` otherwise."""
        i = self.trie.get(word)
        if i is not None:
            return self.freq[i]
        if word and next(self.trie.iterkeys(word), None) is not None:
            return 0
        return default


def build_base_dict(raw: bytes) -> tuple[BaseDict, dict]:
    """jieba's dictionary file (``word freq [tag]`` lines) → :class:`BaseDict`
    and the metadata that identifies it.  Same entries as jieba's
    ``gen_pfdict``: a repeated word keeps its last frequency, ``total``
    counts every line."""
    words: dict[str, int] = {}
    total = 0
    for line in raw.decode("utf-8").splitlines():
        parts = line.strip().split(" ")
        if len(parts) < 2:
            continue
        f = int(parts[1])
        words[parts[0]] = f
        total += f
    trie = marisa_trie.Trie(words)
    freq = array.array("i", bytes(4 * len(trie)))   # int32: jieba's largest is < 10⁶
    for w, f in words.items():
        freq[trie[w]] = f
    meta = {"layout": _DICT_VERSION, "jieba": jieba.__version__, "dict_size": len(raw),
            "dict_sha256": hashlib.sha256(raw).hexdigest(), "n_words": len(trie), "total": total,
            "maxlen": max(map(len, words), default=1)}
    return BaseDict(trie, freq, total, meta["maxlen"]), meta


def write_base_dict(folder: Path, raw: bytes | None = None) -> Path:
    """Build the trie from jieba's installed dictionary and write it to
    ``folder`` (``jieba-dict.marisa``, ``.freq``, ``.json``; atomic renames,
    the metadata last).  ``make jieba-dict`` rebuilds the copy shipped in
    ``pipeline/data/`` this way (after a jieba upgrade)."""
    base, meta = build_base_dict(_jieba_dict_bytes() if raw is None else raw)
    folder.mkdir(parents=True, exist_ok=True)
    freq = array.array("i", base.freq)
    if sys.byteorder != "little":
        freq.byteswap()
    for suffix, write in ((".marisa", base.trie.save), (".freq", lambda p: Path(p).write_bytes(freq.tobytes())),
                          (".json", lambda p: Path(p).write_text(json.dumps(meta, indent=1) + "\n"))):
        fd, tmp = tempfile.mkstemp(prefix=f".{BASE_DICT}-", dir=folder)
        os.close(fd)
        try:
            write(tmp)
            os.chmod(tmp, 0o644)
            os.replace(tmp, folder / f"{BASE_DICT}{suffix}")
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    return folder / f"{BASE_DICT}.json"


def _read_base_dict(folder: Path) -> BaseDict | None:
    """The trie in ``folder`` if it was built from the installed jieba's
    dictionary (same jieba version and dictionary size), else None."""
    try:
        meta = json.loads((folder / f"{BASE_DICT}.json").read_text())
        if (meta.get("layout") != _DICT_VERSION or meta.get("jieba") != jieba.__version__
                or meta.get("dict_size") != _jieba_dict_path().stat().st_size):
            return None
        trie = marisa_trie.Trie()
        trie.mmap(str(folder / f"{BASE_DICT}.marisa"))
        freq = array.array("i")
        freq.frombytes((folder / f"{BASE_DICT}.freq").read_bytes())
        if sys.byteorder != "little":
            freq.byteswap()
        if len(trie) != meta["n_words"] or len(freq) != len(trie):
            return None
        return BaseDict(trie, freq, int(meta["total"]), int(meta["maxlen"]))
    except (OSError, ValueError, KeyError, TypeError, RuntimeError):
        return None


def cache_dir() -> Path | None:
    """Where a trie built at run time may be cached: ``$PLAN_PIPELINE_CACHE``
    (the CLI points it into ``interim/`` when it has an interim folder);
    None — no cache, nothing written anywhere — when it is not set."""
    env = os.environ.get("PLAN_PIPELINE_CACHE")
    return Path(env) if env else None


_DICT_LOCK = threading.Lock()


def preload() -> None:
    """Load jieba's dictionary now (the parse calls this while PDF pages are
    parsed in worker processes and this process would only wait), with the
    domain dictionary's part of every tokenizer (:func:`domain_state`)."""
    domain_state()


def base_dict(shipped: bool = True) -> BaseDict:
    """jieba's dictionary as a trie (memoised, thread-safe): the copy shipped
    in ``pipeline/data/`` when it matches the installed jieba (``shipped``),
    else one cached under :func:`cache_dir`, else built now."""
    with _DICT_LOCK:
        return _load_base_dict(shipped)


@lru_cache(maxsize=2)
def _load_base_dict(shipped: bool) -> BaseDict:
    if shipped:
        found = _read_base_dict(DATA_DIR)
        if found is not None:
            return found
    raw = _jieba_dict_bytes()
    d = cache_dir()
    folder = d / f"jieba-dict-{jieba.__version__}-{_DICT_VERSION}-{hashlib.sha256(raw).hexdigest()[:16]}" \
        if d is not None else None
    if folder is not None:
        found = _read_base_dict(folder)
        if found is not None:
            return found
        try:
            write_base_dict(folder, raw)
            found = _read_base_dict(folder)
            if found is not None:
                return found
        except OSError:
            pass
    return build_base_dict(raw)[0]


def base_prefix_dict() -> tuple[dict[str, int], int]:
    """jieba's whole prefix dictionary (word → frequency, prefixes → 0) and
    total, as ``jieba.Tokenizer.gen_pfdict`` makes it — a reference for
    tests; the tokenizer itself never builds it."""
    b = base_dict()
    freq: dict[str, int] = {}
    for w in b.trie.keys():
        for k in range(1, len(w)):
            freq.setdefault(w[:k], 0)
    for w, i in b.trie.items():
        freq[w] = b.freq[i]
    return freq, b.total


class _Freq:
    """jieba's ``FREQ`` mapping over the trie plus the words added to one
    tokenizer (``added``: word → frequency, and 0 for their prefixes that
    are not already keys — what ``jieba.Tokenizer.add_word`` stores)."""

    __slots__ = ("base", "added")

    def __init__(self, base: BaseDict):
        self.base = base
        self.added: dict[str, int] = {}

    def get(self, word: str, default=None):
        v = self.added.get(word)
        return v if v is not None else self.base.get(word, default)

    def __contains__(self, word: str) -> bool:
        return word in self.added or self.base.get(word) is not None

    def __getitem__(self, word: str) -> int:
        v = self.get(word)
        if v is None:
            raise KeyError(word)
        return v

    def __setitem__(self, word: str, freq: int) -> None:
        self.added[word] = freq


class _JiebaTrie(jieba.Tokenizer):
    """A ``jieba.Tokenizer`` whose dictionary is a :class:`BaseDict` plus an
    overlay of added words.  jieba's own methods (``add_word``,
    ``suggest_freq``, ``get_DAG``, ``calc``, ``cut``) work unchanged on the
    :class:`_Freq` mapping; :meth:`cut_hmm` is ``cut(text, HMM=True)`` with
    the route computed from the trie in bulk (:meth:`route`)."""

    def __init__(self, base: BaseDict):
        super().__init__()
        self.FREQ = _Freq(base)
        self.total = base.total
        self.initialized = True        # the dictionary is loaded: never call initialize()
        self._base = base
        # the added words as a trie, and a regex for the characters they start
        # with (see _added_at); rebuilt after add_word
        self._over: marisa_trie.Trie | None = None
        self._over_len = 1
        self._starts = None

    def add_word(self, word, freq=None, tag=None):
        super().add_word(word, freq, tag)
        self._over = None

    def _added_at(self, s: str, words: list[list[str]]) -> dict[int, list[tuple[int, float]]]:
        """Starts where an added word begins: start → (end, log-frequency)
        of every word there, base words included (an added word's frequency
        overrides the base one; frequency 0 deletes a word, as in jieba)."""
        added, base = self.FREQ.added, self._base
        if self._over is None:
            # the added words that change a DAG: words, and deleted base words
            # (an added prefix entry, frequency 0, is no word in jieba either)
            keys = [w for w, f in added.items() if f or base.trie.get(w) is not None]
            self._over = marisa_trie.Trie(keys)
            self._over_len = max(map(len, keys), default=1)
            self._starts = re.compile("[" + "".join(sorted({re.escape(w[0]) for w in keys})) + "]") if keys else None
        out: dict[int, list[tuple[int, float]]] = {}
        if self._starts is None:
            return out
        pre, L = self._over.prefixes, self._over_len
        for m in self._starts.finditer(s):
            k = m.start()
            found = pre(s[k:k + L])
            if not found:
                continue
            ends = {k + len(w) - 1: log(base.freq[base.trie[w]]) for w in words[k]}
            for w in found:
                f = added[w]
                if f:
                    ends[k + len(w) - 1] = log(f)
                else:
                    ends.pop(k + len(w) - 1, None)
            out[k] = list(ends.items()) or [(k, log(self.FREQ.get(s[k]) or 1))]
        return out

    def route(self, s: str) -> dict[int, tuple[float, int]]:
        """What ``get_DAG`` + ``calc`` compute for ``s``: position → (best
        log-probability of the rest, end of the word starting there)."""
        prob, end = self._best(s)
        route: dict[int, tuple[float, int]] = {k: (prob[k], end[k]) for k in range(len(s))}
        route[len(s)] = (0, 0)
        return route

    def _best(self, s: str) -> tuple[list[float], list[int]]:
        """jieba's ``calc`` over jieba's ``get_DAG``, as two lists: for each
        position the best log-probability of the rest and the end of the
        word starting there.  The same arithmetic (``log(freq) - log(total)
        + best[end + 1]``, ties to the longer word); the words at each
        position come from one trie call."""
        N = len(s)
        base = self._base
        pre, L = base.trie.prefixes, base.maxlen
        words = [pre(s[k:k + L]) for k in range(N)]
        special = self._added_at(s, words) if self.FREQ.added else None
        memo = base.memo
        tget, bfreq = base.trie.get, base.freq
        logtotal = log(self.total)
        prob = [0.0] * (N + 1)
        end = [0] * (N + 1)
        for idx in range(N - 1, -1, -1):
            if special and idx in special:
                prob[idx], end[idx] = max((f - logtotal + prob[x + 1], x) for x, f in special[idx])
                continue
            ws = words[idx]
            if not ws:        # no word starts here: the character alone, frequency 1
                prob[idx] = 0.0 - logtotal + prob[idx + 1]
                end[idx] = idx
                continue
            best = bx = None
            for w in ws:
                m = memo.get(w)
                if m is None:
                    m = memo[w] = (len(w), log(bfreq[tget(w)]))
                n, f = m
                c = f - logtotal + prob[idx + n]
                if best is None or c > best or (c == best and idx + n - 1 > bx):
                    best, bx = c, idx + n - 1
            prob[idx] = best
            end[idx] = bx
        return prob, end

    def _cut_block(self, sentence: str):
        # jieba.Tokenizer.__cut_DAG, with _best() for get_DAG + calc
        end = self._best(sentence)[1]
        x, buf, N = 0, "", len(sentence)
        freq = self.FREQ
        while x < N:
            y = end[x] + 1
            word = sentence[x:y]
            if y - x == 1:
                buf += word
            else:
                if buf:
                    yield from _flush(buf, freq)
                    buf = ""
                yield word
            x = y
        if buf:
            yield from _flush(buf, freq)

    def cut_hmm(self, sentence: str):
        """``jieba.Tokenizer.cut(sentence, HMM=True)`` (same tokens)."""
        re_han, re_skip = jieba.re_han_default, jieba.re_skip_default
        for blk in re_han.split(sentence):
            if not blk:
                continue
            if re_han.match(blk):
                yield from self._cut_block(blk)
            else:
                for x in re_skip.split(blk):
                    if re_skip.match(x):
                        yield x
                    else:
                        yield from x


def _flush(buf: str, freq: _Freq):
    """jieba's handling of a run of single characters: one character as it
    is; a run that is no dictionary word through the HMM; else per character."""
    if len(buf) == 1:
        yield buf
    elif not freq.get(buf):
        yield from jieba.finalseg.cut(buf)
    else:
        yield from buf


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
        cut = getattr(self.jieba, "cut_hmm", None)
        words = cut(text) if cut is not None else self.jieba.cut(text, HMM=True)
        return [w for w in words if not w.isspace()]

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


def _add_terms(jt: _JiebaTrie, entries, phrases: list[str], added: set[str]) -> None:
    """Add ``entries`` (word, frequency or None, tag) to ``jt`` in order:
    a word jieba cannot hold as one token goes to ``phrases``; a word
    without a frequency gets jieba's suggested one (at least
    :data:`TERM_FREQ_FLOOR`)."""
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


_DOMAIN_LOCK = threading.Lock()


#: the domain dictionary's tokenizer state, shipped next to it (written by
#: :func:`write_domain_state`, ``make jieba-dict``); used only when its key
#: matches the installed jieba dictionary and the shipped vocabulary
DOMAIN_STATE = "planning_terms.state.json"


def _domain_key(base: BaseDict) -> dict:
    terms = resources.files("pipeline").joinpath(DATA, DOMAIN_DICT).read_bytes()
    return {"layout": _DICT_VERSION, "jieba": jieba.__version__, "base_total": base.total,
            "base_words": len(base.trie), "terms_sha256": hashlib.sha256(terms).hexdigest()}


def _compute_domain_state(base: BaseDict):
    jt = _JiebaTrie(base)
    phrases: list[str] = []
    added: set[str] = set()
    _add_terms(jt, domain_terms(), phrases, added)
    return dict(jt.FREQ.added), jt.total, dict(jt.user_word_tag_tab), tuple(phrases), frozenset(added)


def write_domain_state(folder: Path) -> Path:
    """Compute the domain dictionary's tokenizer state (:func:`domain_state`)
    and write it to ``folder/planning_terms.state.json`` with the key that
    says which jieba dictionary and vocabulary it was computed from."""
    base = base_dict()
    freq, total, tags, phrases, words = _compute_domain_state(base)
    doc = {"key": _domain_key(base), "total": total, "freq": sorted(freq.items()), "tags": sorted(tags.items()),
           "phrases": list(phrases), "words": sorted(words)}
    path = folder / DOMAIN_STATE
    fd, tmp = tempfile.mkstemp(prefix=".domain-state-", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, separators=(",", ":"))
        fh.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return path


def _read_domain_state(base: BaseDict):
    try:
        doc = json.loads((DATA_DIR / DOMAIN_STATE).read_text(encoding="utf-8"))
        if doc.get("key") != _domain_key(base):
            return None
        return ({w: int(f) for w, f in doc["freq"]}, int(doc["total"]), {w: t for w, t in doc["tags"]},
                tuple(doc["phrases"]), frozenset(doc["words"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


@lru_cache(maxsize=1)
def _domain_state_unlocked() -> tuple[dict[str, int], int, dict[str, str], tuple[str, ...], frozenset[str]]:
    base = base_dict()
    return _read_domain_state(base) or _compute_domain_state(base)


def domain_state() -> tuple[dict[str, int], int, dict[str, str], tuple[str, ...], frozenset[str]]:
    """The tokenizer state after the domain dictionary is added to jieba's
    (added frequencies, total, tags, phrases, words), computed once per
    process (memoised, thread-safe: :func:`preload` computes it while PDF
    pages are parsed).  jieba's suggested frequency for a word depends only
    on the words added before it, and the domain words always come first in
    the same order, so every tokenizer starts from this same state — half a
    thousand ``suggest_freq`` calls saved per plan.  Read from the copy
    shipped in ``pipeline/data/`` when its key matches, else computed."""
    with _DOMAIN_LOCK:
        return _domain_state_unlocked()


def make_tokenizer(extra_terms: Iterable[str] = (), *, domain: bool = True) -> Tokenizer:
    """Build a tokenizer: jieba's dictionary + the domain dictionary (unless
    ``domain=False``) + ``extra_terms`` (e.g. terms harvested from a plan),
    each of which comes out as one token.  Nothing is logged or written.
    """
    jt = _JiebaTrie(base_dict())
    phrases: list[str] = []
    added: set[str] = set()
    if domain:
        freq, total, tags, domain_phrases, words = domain_state()
        jt.FREQ.added.update(freq)
        jt.total = total
        jt.user_word_tag_tab.update(tags)
        phrases.extend(domain_phrases)
        added.update(words)
    # Sorted: a suggested frequency depends on the words already added, so
    # the same set of terms always gives the same tokenizer whatever its order.
    _add_terms(jt, [(t, None, None) for t in sorted(set(extra_terms), key=lambda t: (len(t), t))],
               phrases, added)
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
