"""A module imported on first use (keeps heavy imports off command paths that do not need them)."""

from __future__ import annotations

import importlib
from types import ModuleType


class _Lazy:
    """Stands for module ``name``; imports it when an attribute is first read."""

    def __init__(self, name: str):
        self._name = name
        self._mod: ModuleType | None = None

    def __getattr__(self, attr: str):
        if self._mod is None:
            self._mod = importlib.import_module(self._name)
        return getattr(self._mod, attr)


def module(name: str) -> _Lazy:
    """``np = module("numpy")``: ``np.array(...)`` imports numpy the first time."""
    return _Lazy(name)
