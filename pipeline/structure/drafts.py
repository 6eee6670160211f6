"""Blocks before ordering: what every pass of the structure stage produces."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Line
from .paragraphs import join_lines


@dataclass(slots=True)
class Draft:
    """A block before ordering: ``anchor`` is the line order it sorts at."""

    anchor: float
    kind: str
    lines: list[Line]
    text: str
    extra: dict = field(default_factory=dict)


def draft(kind: str, lines: list[Line], text: str | None = None, anchor: float | None = None, **extra) -> Draft:
    """A :class:`Draft` of ``kind`` over ``lines`` (text: the lines joined as
    a paragraph, :func:`.paragraphs.join_lines`, unless given; anchor: the
    first line's order unless given)."""
    if text is None:
        text = join_lines(lines)
    return Draft(anchor if anchor is not None else float(lines[0].order), kind, lines, text, extra)
