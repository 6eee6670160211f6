"""Numbering sequences of the outline: which number may come next at a level.

A plan numbers each heading level either afresh under every parent (the
usual （一）（二） under each 一、) or straight through the whole document
(chapters counting across 篇; a provincial plan's ``1.``–``33.`` running
across nine parts ``一、``–``九、``).  Which of the two a level uses is a
property of the document, so :class:`Numbering` learns it instead of
assuming it: in a first pass a candidate is accepted when it fits either
reading, and each accepted candidate that fits only one reading votes for
it; the final pass uses, per level, the reading with more votes
(:meth:`Numbering.learned`).

Strong labels may skip numbers (a heading the extraction lost must not take
the rest of the outline with it): two for parts and chapters, one for
sections; weak labels (一、 （一） 1.) must follow exactly.
"""

from __future__ import annotations

from collections import Counter

from .. import cjk

RESTART, CONTINUOUS, EITHER = "restart", "continuous", "either"

#: Levels whose numbers run through the document unless the document says otherwise.
_CONTINUOUS_BY_DEFAULT = (cjk.RANK_PART, cjk.RANK_CHAPTER)


class Numbering:
    """The last number used at each rank, per parent and document-wide, and
    the reading (restart/continuous) of each rank."""

    def __init__(self, models: dict[int, str] | None = None) -> None:
        self.models: dict[int, str] = dict(models or {})
        self.last: dict[tuple[str, int], int] = {}
        self.last_global: dict[int, int] = {}
        self.votes: Counter = Counter()     # (rank, RESTART|CONTINUOUS) → accepted candidates fitting only it

    def model(self, rank: int) -> str:
        if rank == cjk.RANK_ANNEX:
            return CONTINUOUS
        return self.models.get(rank, EITHER)

    @staticmethod
    def _fits(last: int | None, number: int, strong: bool, first_free: bool, slack: int) -> bool:
        slack = slack if strong else 0
        if last is None:
            return first_free or number == 1 or (strong and number <= 2)
        return last < number <= last + 1 + slack

    def readings(self, parent: str, rank: int, number: int, strong: bool) -> tuple[bool, bool]:
        """(fits the restart reading, fits the continuous reading)."""
        # the first part/chapter of a document may have any number (an excerpt)
        top = rank in _CONTINUOUS_BY_DEFAULT
        slack = 2 if top else 1
        r = self._fits(self.last.get((parent, rank)), number, strong, False, slack)
        c = self._fits(self.last_global.get(rank), number, strong, strong and top, slack)
        return r, c

    def expected(self, parent: str, rank: int) -> int:
        """The next number at ``rank`` under ``parent`` (for a label whose
        numeral was lost: the sequence supplies it)."""
        m = self.model(rank)
        if m == RESTART or (m == EITHER and rank not in _CONTINUOUS_BY_DEFAULT):
            return self.last.get((parent, rank), 0) + 1
        return self.last_global.get(rank, 0) + 1

    def next_numbers(self, parent: str, rank: int) -> set[int]:
        """The next number at ``rank`` under each reading the model allows
        (a damaged label must be exactly one of them)."""
        m = self.model(rank)
        out = set()
        if m in (RESTART, EITHER):
            out.add(self.last.get((parent, rank), 0) + 1)
        if m in (CONTINUOUS, EITHER):
            out.add(self.last_global.get(rank, 0) + 1)
        return out

    def expected_ok(self, parent: str, rank: int, number: int, strong: bool) -> bool:
        """Does ``number`` continue the numbering of ``rank`` under ``parent``?"""
        if rank == cjk.RANK_ANNEX:
            return True
        r, c = self.readings(parent, rank, number, strong)
        m = self.model(rank)
        if m == RESTART:
            return r
        if m == CONTINUOUS:
            return c
        return r or c

    def accept(self, parent: str, rank: int, number: int, strong: bool = False) -> None:
        if self.model(rank) == EITHER:
            r, c = self.readings(parent, rank, number, strong)
            if r != c:
                self.votes[(rank, RESTART if r else CONTINUOUS)] += 1
        self.last[(parent, rank)] = number
        self.last_global[rank] = number

    def learned(self) -> dict[int, str]:
        """Per rank, the reading the accepted candidates voted for (ties go to
        the conventional reading: continuous for parts and chapters, restart
        below)."""
        out: dict[int, str] = {}
        ranks = {r for r, _ in self.votes} | set(_CONTINUOUS_BY_DEFAULT) | set(self.last_global)
        for rank in ranks:
            r, c = self.votes[(rank, RESTART)], self.votes[(rank, CONTINUOUS)]
            if c > r or (c == r and rank in _CONTINUOUS_BY_DEFAULT):
                out[rank] = CONTINUOUS
            else:
                out[rank] = RESTART
        return out
