"""Chinese term layer: jieba with a planning-domain dictionary plus terms
harvested from the plan, keywords per chapter/section (TF-IDF against the
plan's own nodes) and one row per token occurrence for search.

* :mod:`.tokenizer` — :func:`make_tokenizer`, :func:`tokenize` (also used by
  the word-level diff)
* :mod:`.harvest`   — plan terms: quoted terms, 专栏 lead terms, indicator
  and project names
* :mod:`.keywords`  — stop words / planning filler, TF-IDF ranking
* :mod:`.layer`     — :func:`build_terms` (the ``terms`` stage) and paragraph ids
* :mod:`.query`     — :func:`print_terms`, :func:`find`, :func:`grep` (CLI over outputs),
  :func:`output_tokenizer` (a tokenizer with the terms of parsed plans, for
  the diff)
"""

from __future__ import annotations

from .harvest import harvest_terms
from .layer import build_terms, item_ids, paragraph_ids
from .tokenizer import Tokenizer, make_tokenizer, tokenize

#: names served lazily from :mod:`.query` (it imports pandas, which the
#: ``terms`` stage and the tokenizer do not need)
_QUERY = ("find", "grep", "output_terms", "output_tokenizer", "print_terms")


def __getattr__(name: str):
    if name in _QUERY:
        from . import query
        return getattr(query, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Tokenizer", "build_terms", "find", "grep", "harvest_terms", "item_ids", "make_tokenizer", "output_terms",
           "output_tokenizer", "paragraph_ids", "print_terms", "tokenize"]
