"""Chinese development-plan documents (规划纲要) → structured, validated data.

Stages (one package/module each): :mod:`pipeline.extract` → :mod:`pipeline.structure`
→ :mod:`pipeline.tables` → :mod:`pipeline.emit`; :mod:`pipeline.diff` compares two
versions; :mod:`pipeline.terms` is the jieba term layer; Chinese-text rules live
in :mod:`pipeline.cjk`.

``__version__`` comes from the installed package's metadata, so the version
is written once, in ``pyproject.toml``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("plan-pipeline")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that was never installed
    __version__ = "0+unknown"
