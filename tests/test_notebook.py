"""Issue 5: the notebook runs top to bottom against the bundled plan, and its figure renders."""

from __future__ import annotations

import os

import nbformat
from conftest import ROOT
from nbclient import NotebookClient


def test_notebook_executes(seed_text, tmp_path):
    _, d = seed_text
    nb = nbformat.read(ROOT / "notebooks" / "explore.ipynb", as_version=4)
    old = dict(os.environ)
    os.environ.update(PLAN_OUTPUT=str(d.parent), PLAN_ID=d.name, FIGURE_DIR=str(tmp_path))
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "第三章 实施创新驱动战略" in text          # the outline tree
    png = tmp_path / f"{d.name}-investment.png"
    assert png.exists() and png.stat().st_size > 5000   # the bar chart rendered
    html = "".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "约束性" in html or "★" in html               # binding targets table
