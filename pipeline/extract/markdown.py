"""Markdown plans (stub)."""
from __future__ import annotations


def looks_like_markdown(text, name=None):
    return False


def parse_markdown(text):
    raise NotImplementedError
