"""Re-execute notebooks/explore.ipynb against a fresh parse of the bundled plan and save it with its
outputs (run after a change that alters the outputs: `make notebook`)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

root = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(root))
from pipeline.emit import write_outputs  # noqa: E402
from pipeline.run import parse  # noqa: E402

out = Path(tempfile.mkdtemp())
res = parse(root / "raw" / "jianghai-14th.txt", "jianghai-14th")
write_outputs(out / "jianghai-14th", res.outputs, res.extracted.source.sha256)
nbp = root / "notebooks" / "explore.ipynb"
nb = nbformat.read(nbp, as_version=4)
os.environ.update(PLAN_OUTPUT=str(out), PLAN_ID="jianghai-14th")
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(nbp.parent)}}).execute()
nbformat.write(nb, nbp)
print("ok")
