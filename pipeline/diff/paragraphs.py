"""Paragraph alignment inside matched outline nodes (and matched 专栏).

Within a pair of matched groups the paragraph sequences are aligned with
difflib's SequenceMatcher over their whitespace-free keys: unchanged
paragraphs anchor the alignment, and each stretch between anchors is either

* the same text with different paragraph breaks (joined keys equal): not a
  change — re-wrapping and re-paragraphing are layout, not content;
* pairs of similar paragraphs (best-first by similarity ≥ ``MODIFIED``):
  *modified*;
* the rest: candidates for a move.

Candidates left over in the whole document are then paired across groups
(exact text first, then similarity ≥ ``MOVED``): *moved* (to another node,
or out of order inside its node).  What is still left is *added* /
*removed* — unless its node itself is added/removed, in which case the
node's change row carries the text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from . import words
from .align import greedy_match

#: paragraphs at least this similar, in the same place, are one modified paragraph
MODIFIED = 0.5
#: paragraphs at least this similar, in different places, are one moved paragraph
MOVED = 0.6


@dataclass(slots=True)
class ParaDiff:
    """Paragraph-level result (paragraph rows as read from the contract)."""

    modified: list[tuple[dict, dict, float]] = field(default_factory=list)
    moved: list[tuple[dict, dict, float]] = field(default_factory=list)
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)


#: trigram prefilter: pairs whose trigram Dice is below PREFILTER × floor
#: are not compared character by character (a pair similar enough to be
#: one paragraph shares most of its text in runs of three characters or
#: more, so its Dice is close to its ratio; unrelated paragraphs of a plan
#: share < 0.15).  This keeps large diffs fast (O(n²) set intersections
#: instead of O(n²) SequenceMatchers).
PREFILTER = 0.5


def _pair(xs: list[dict], ys: list[dict], floor: float) -> list[tuple[dict, dict, float]]:
    """Best-first pairs of similar paragraphs (similarity ≥ floor)."""
    cands = []
    sx = [words.text_shingles(x["text"]) for x in xs]
    for j, y in enumerate(ys):
        sy = words.text_shingles(y["text"])
        sm = SequenceMatcher(None, autojunk=False)
        sm.set_seq2(words.key(y["text"]))      # difflib caches the analysis of seq2
        for i, x in enumerate(xs):
            if words.dice(sx[i], sy) < PREFILTER * floor:
                continue
            sm.set_seq1(words.key(x["text"]))
            if sm.real_quick_ratio() < floor or sm.quick_ratio() < floor:
                continue
            s = sm.ratio()
            if s >= floor:
                cands.append((s, (abs(i - j), i, j), i, j))
    m = greedy_match(cands)
    return [(xs[i], ys[j], words.ratio(xs[i]["text"], ys[j]["text"])) for i, j in sorted(m.items())]


def align_groups(a_groups: dict[Hashable, list[dict]], b_groups: dict[Hashable, list[dict]],
                 group_match: dict[Hashable, Hashable]) -> ParaDiff:
    """Align paragraphs of matched groups, then find moves across the document."""
    res = ParaDiff()
    left_a: list[dict] = []
    left_b: list[dict] = []
    matched_b = set(group_match.values())
    for ga in sorted(a_groups, key=lambda g: a_groups[g][0]["seq"]):
        pa = a_groups[ga]
        if ga not in group_match:
            left_a.extend(pa)
            continue
        pb = b_groups.get(group_match[ga], [])
        sm = SequenceMatcher(None, [words.key(p["text"]) for p in pa], [words.key(p["text"]) for p in pb],
                             autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal":
                continue
            xs, ys = pa[i1:i2], pb[j1:j2]
            if xs and ys and "".join(words.key(p["text"]) for p in xs) == "".join(
                    words.key(p["text"]) for p in ys):
                continue        # same text, different paragraph breaks
            pairs = _pair(xs, ys, MODIFIED) if xs and ys else []
            res.modified.extend(pairs)
            done_a = {id(x) for x, _, _ in pairs}
            done_b = {id(y) for _, y, _ in pairs}
            left_a.extend(x for x in xs if id(x) not in done_a)
            left_b.extend(y for y in ys if id(y) not in done_b)
    for gb in b_groups:
        if gb not in matched_b:
            left_b.extend(b_groups[gb])
    # moves: exact text first, then similar text
    by_key: dict[str, list[dict]] = defaultdict(list)
    for y in sorted(left_b, key=lambda p: p["seq"]):
        by_key[words.key(y["text"])].append(y)
    rest_a = []
    for x in sorted(left_a, key=lambda p: p["seq"]):
        ys = by_key.get(words.key(x["text"]))
        if ys:
            res.moved.append((x, ys.pop(0), 1.0))
        else:
            rest_a.append(x)
    rest_b = sorted((y for ys in by_key.values() for y in ys), key=lambda p: p["seq"])
    pairs = _pair(rest_a, rest_b, MOVED)
    res.moved.extend(pairs)
    done_a = {id(x) for x, _, _ in pairs}
    done_b = {id(y) for _, y, _ in pairs}
    res.removed = [x for x in rest_a if id(x) not in done_a]
    res.added = [y for y in rest_b if id(y) not in done_b]
    res.modified.sort(key=lambda t: t[1]["seq"])
    res.moved.sort(key=lambda t: t[1]["seq"])
    return res
