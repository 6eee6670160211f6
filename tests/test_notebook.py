"""The notebook is committed executed (outputs and an inline figure in it),
runs top to bottom against a fresh parse of the bundled plan, and gives the
same key outputs (the cells tagged ``compare``) as the committed copy."""

from __future__ import annotations

import os

import nbformat
from conftest import ROOT
from nbclient import NotebookClient

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


def _texts(cell) -> list[str]:
    """What a reader sees of a cell: printed text, tables (HTML and text), not images."""
    out = []
    for o in cell.get("outputs", []):
        if o.output_type == "stream":
            out.append(o.text)
        elif o.output_type in ("execute_result", "display_data"):
            out += [str(o.data[k]) for k in ("text/plain", "text/html") if k in o.data]
    return out


def _images(nb) -> int:
    return sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
               for o in c.get("outputs", []))


def test_committed_notebook_has_its_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), "committed without running it"
    assert all(c.get("outputs") for c in code)
    assert _images(nb) == 1                                  # the bar chart, inline
    assert not [f for f in NOTEBOOK.parent.iterdir() if f.suffix == ".png"]   # no figure written beside it


def test_notebook_reexecutes_with_the_same_key_outputs(seed_text, tmp_path):
    _, d = seed_text
    committed = nbformat.read(NOTEBOOK, as_version=4)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    old = dict(os.environ)
    os.environ.update(PLAN_OUTPUT=str(d.parent), PLAN_ID=d.name)
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    # Chinese labels drawn with a CJK font, not tofu boxes
    stderr = "".join(o.text for o in outputs if o.output_type == "stream" and o.name == "stderr")
    assert "missing from font" not in stderr and "Glyph" not in stderr
    assert "CJK font: None" not in "".join(_texts(nb.cells[1]))
    assert _images(nb) == 1
    tagged = [k for k, c in enumerate(committed.cells) if "compare" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) >= 5
    for k in tagged:
        assert _texts(nb.cells[k]) == _texts(committed.cells[k]), f"cell {k} differs from the committed output"
    text = "".join(t for k in tagged for t in _texts(nb.cells[k]))
    assert "第三章 实施创新驱动战略" in text                 # the outline tree
    assert "★" in text and "约束性" in text                 # binding targets table
    assert "document" in text and "row_identity" in text   # findings by source
