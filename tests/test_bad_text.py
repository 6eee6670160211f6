"""Bad and unusual text inputs: clean failures (one line, exit code, nothing
written) and encodings/conventions that must give the same result."""

from __future__ import annotations

import os
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from conftest import SEED_TXT

from pipeline.errors import EmptyInput, NotAPlan, UndecodableText


def run_cli(*args, cwd=None):
    env = dict(os.environ, PYTHONPATH=str(SEED_TXT.parent.parent))
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


NOT_A_PLAN = ("今天天气很好，我们去公园散步。公园里有很多人在跑步，也有人在下棋。\n" * 30).encode("utf-8")


@pytest.mark.parametrize("name,data,code,words", [
    ("empty.txt", b"", EmptyInput.exit_code, "empty"),
    ("blank.txt", b"  \n\n \r\n", EmptyInput.exit_code, "empty"),
    ("garbage.txt", bytes((i * 7919 + 13) % 256 for i in range(20000)), UndecodableText.exit_code, "undecodable"),
    ("latin1.txt", "Déjà vu — ça va, naïve façade. ".encode("cp1252") * 40 + b"\x81\x8d\x8f\x90\x9d" * 50,
     UndecodableText.exit_code, "undecodable"),
    ("story.txt", NOT_A_PLAN, NotAPlan.exit_code, "not a plan"),
])
def test_bad_text_fails_cleanly(tmp_path, name, data, code, words):
    f = tmp_path / name
    f.write_bytes(data)
    out = tmp_path / "out"
    r = run_cli("parse", f, "--out", out)
    assert r.returncode == code, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert words in lines[0] and name in lines[0]
    assert not out.exists() or not any(out.iterdir())


def _sections_and_paragraphs(d):
    s = pq.read_table(d / "sections.parquet").select(["node_id", "kind", "number", "title"]).to_pylist()
    p = pq.read_table(d / "paragraphs.parquet").select(["node_id", "text"]).to_pylist()
    return s, p


@pytest.mark.parametrize("variant", ["gb18030-crlf", "gbk-cr", "utf16", "utf8-bom", "formfeed", "fullwidth-digits",
                                     "no-blank-lines", "no-page-marks"])
def test_encodings_and_conventions_give_the_same_result(tmp_path, seed_text, variant):
    _, ref = seed_text
    text = SEED_TXT.read_text(encoding="utf-8")
    if variant == "gb18030-crlf":
        data = text.replace("\n", "\r\n").encode("gb18030")
    elif variant == "gbk-cr":
        data = text.replace("\n", "\r").encode("gbk")
    elif variant == "utf16":
        data = text.encode("utf-16")
    elif variant == "utf8-bom":
        data = b"\xef\xbb\xbf" + text.encode("utf-8")
    elif variant == "formfeed":
        # page starts marked by a form feed instead of one leading space
        lines = text.split("\n")
        lines = [("\f" + x[1:]) if (len(x) > 1 and x[0] == " " and not x[1].isspace() and i > 0) else
                 (x[1:] if i == 0 and x.startswith(" ") else x) for i, x in enumerate(lines)]
        data = "\n".join(lines).encode("utf-8")
    elif variant == "no-blank-lines":
        data = "\n".join(x for x in text.split("\n") if x.strip()).encode("utf-8")
    elif variant == "no-page-marks":
        data = "\n".join(x.lstrip(" ") for x in text.split("\n")).encode("utf-8")
    else:
        data = text.translate({c: c + 0xFEE0 for c in range(ord("0"), ord("9") + 1)}).encode("utf-8")
    f = tmp_path / "plan.txt"
    f.write_bytes(data)
    r = run_cli("parse", f, "--out", tmp_path / "o", "--plan-id", "jianghai-14th")
    assert r.returncode == 0, r.stderr
    assert _sections_and_paragraphs(tmp_path / "o" / "jianghai-14th") == _sections_and_paragraphs(ref)
