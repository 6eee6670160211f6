"""Chinese term layer (placeholder until the jieba layer lands)."""

from __future__ import annotations

from .model import Structured, TableSet


def build_terms(st: Structured, ts: TableSet) -> dict[str, list[dict]]:
    return {"keywords": [], "tokens": []}
