"""Chinese development-plan documents (规划纲要) → structured, validated data.

Stages (one package/module each): :mod:`pipeline.extract` → :mod:`pipeline.structure`
→ :mod:`pipeline.tables` → :mod:`pipeline.emit`; :mod:`pipeline.diff` compares two
versions; :mod:`pipeline.terms` is the jieba term layer; Chinese-text rules live
in :mod:`pipeline.cjk`.

``__version__`` comes from the installed package's metadata, so the version
is written once, in ``pyproject.toml``.  It is looked up on first use
(``importlib.metadata`` scans the installed distributions: ≈40 ms that a
parse or a DVC stage does not need).
"""


def __getattr__(name: str):
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        v = version("plan-pipeline")
    except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
        v = "0+unknown"
    globals()["__version__"] = v
    return v
