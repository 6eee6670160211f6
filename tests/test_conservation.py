"""Issue 8: the conservation check is part of every parse: lost text becomes
a validation error with the text and its page, and --strict makes it fatal."""

from __future__ import annotations

import pyarrow.parquet as pq
from conftest import SEED_TXT

import pipeline.run as run_mod
from pipeline.cli import main
from pipeline.errors import StrictModeFailure
from pipeline.structure import structure as real_structure


def _lossy_structure(ex):
    """The real structure stage, then one paragraph loses its last sentence."""
    st = real_structure(ex)
    for b in st.blocks:
        if b.kind == "paragraph" and b.text.endswith("实现争先进位。"):
            b.text = b.text[: -len("实现争先进位。")]
            break
    else:
        raise AssertionError("paragraph not found")
    return st


def test_lost_text_is_a_validation_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(run_mod, "structure", _lossy_structure)
    assert main(["parse", str(SEED_TXT), "--out", str(tmp_path), "--plan-id", "p"]) == 0
    rows = pq.read_table(tmp_path / "p" / "validation.parquet").to_pylist()
    lost = [r for r in rows if r["rule"] == "conservation"]
    assert len(lost) == 1 and lost[0]["severity"] == "error"
    assert lost[0]["expected"] == "实现争先进位。"
    assert lost[0]["location"] == "pages 1-2"       # the paragraph runs over the first page break
    assert lost[0]["source"] == "extraction"        # the parser's fault, not the document's
    err = capsys.readouterr().err
    assert "1 extraction problem (conservation)" in err


def test_strict_mode_fails_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(run_mod, "structure", _lossy_structure)
    code = main(["parse", str(SEED_TXT), "--out", str(tmp_path / "out"), "--plan-id", "p", "--strict"])
    assert code == StrictModeFailure.exit_code == 10
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "conservation check failed" in err
    assert not (tmp_path / "out").exists()


def test_strict_mode_passes_on_the_real_pipeline(tmp_path):
    assert main(["parse", str(SEED_TXT), "--out", str(tmp_path), "--plan-id", "p", "--strict", "-q"]) == 0
