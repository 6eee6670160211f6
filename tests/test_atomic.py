"""Issue 8: outputs are never half-written.

A run killed half-way (SIGTERM during `parse`) leaves the previous outputs
intact and no temporary files; a failing run leaves no output directory.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time

from conftest import ROOT, SEED_TXT


def _hashes(d):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir())}


def test_sigterm_leaves_previous_outputs_intact(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = tmp_path / "out"
    ok = subprocess.run([sys.executable, "-m", "pipeline", "parse", str(SEED_TXT), "--out", str(out),
                         "--plan-id", "p"], env=env, capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    before = _hashes(out / "p")

    # a long input: the seed plan 25 times over (takes several seconds)
    big = tmp_path / "big.txt"
    big.write_text("\n".join([SEED_TXT.read_text(encoding="utf-8")] * 25), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "parse", str(big), "--out", str(out),
                             "--plan-id", "p"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert _hashes(out / "p") == before
    assert sorted(p.name for p in out.iterdir()) == ["p"]      # no temporary directories left


def test_failed_run_writes_nothing(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\xff" * 1000)
    r = subprocess.run([sys.executable, "-m", "pipeline", "parse", str(bad), "--out", str(tmp_path / "out")],
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
