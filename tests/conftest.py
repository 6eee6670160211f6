"""Shared fixtures: parses of the bundled plans, made once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.emit import write_outputs
from pipeline.run import parse

ROOT = Path(__file__).resolve().parent.parent
SEED_TXT = ROOT / "raw" / "jianghai-14th.txt"
CORPUS = Path(__file__).resolve().parent / "corpus"


def parse_to(path: Path, out_root: Path, plan_id: str, **kw):
    res = parse(path, plan_id, **kw)
    d = write_outputs(out_root / plan_id, res.outputs, res.extracted.source.sha256)
    return res, d


@pytest.fixture(scope="session")
def seed_text(tmp_path_factory):
    """The seed plan text parsed into a temporary output directory: (ParseResult, out_dir)."""
    return parse_to(SEED_TXT, tmp_path_factory.mktemp("out"), "jianghai-14th")
