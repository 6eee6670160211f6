"""Chinese development-plan documents (规划纲要) → structured, validated data.

Stages (one package/module each): :mod:`pipeline.extract` → :mod:`pipeline.structure`
→ :mod:`pipeline.tables` → :mod:`pipeline.emit`; :mod:`pipeline.diff` compares two
versions; :mod:`pipeline.terms` is the jieba term layer; Chinese-text rules live
in :mod:`pipeline.cjk`.

``__version__`` is written here only; ``pyproject.toml`` reads it from this
file (setuptools' ``attr:``, statically).  A literal rather than a lookup
in the installed package's metadata: ``importlib.metadata`` scans the
installed distributions, ≈15–40 ms in every parse and DVC stage.
"""

__version__ = "0.1.0"
