"""Issue 15: a CLI that says what it did.

One-line summaries on success, ``--json`` for every command, ``--version``
from the package metadata, help with defaults and examples for every
command and option, argument validation, and the same documented exit code
for the same problem in every command (a missing file is 9 everywhere)."""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ROOT, SEED_TXT

from pipeline import cli, contract
from pipeline.cli import COMMANDS, EXIT_CODES, build_parser, main

PLAN_CMDS = ("terms", "grep", "info", "validate")      # commands reading a parsed plan


def _args(cmd: str, plan: str) -> list[str]:
    return [cmd, plan, "森林覆盖率"] if cmd == "grep" else [cmd, plan]


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    """``plan parse SEED --out ROOT --json``: (root, plan dir, the JSON summary)."""
    import contextlib
    import io

    root = tmp_path_factory.mktemp("cli") / "out"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["parse", str(SEED_TXT), "--out", str(root), "--json"]) == 0
    return root, root / "jianghai-14th", json.loads(buf.getvalue())


# --------------------------------------------------------------------------
# version, usage, help
# --------------------------------------------------------------------------


def test_version_is_the_package_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.split()[-1] == version("plan-pipeline")
    import pipeline
    assert pipeline.__version__ == version("plan-pipeline")
    # written once: in pipeline/__init__.py, which pyproject.toml reads (attr:)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^dynamic = \["version"\]', pyproject, re.M)
    assert re.search(r'^version = \{attr = "pipeline.__version__"\}', pyproject, re.M)
    assert not re.search(r'^version = "', pyproject, re.M)


def test_console_script_without_arguments_prints_help():
    exe = Path(sys.executable).parent / "plan"
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert r.stdout.startswith("usage: plan ")
    for cmd in ("parse", "diff", "terms", "grep", "info", "validate"):
        assert cmd in r.stdout
    assert "exit codes" in r.stdout and "examples:" in r.stdout
    assert "Traceback" not in r.stderr


def _subparsers() -> dict:
    ap = build_parser()
    action = next(a for a in ap._actions if a.__class__.__name__ == "_SubParsersAction")
    return action.choices


def test_every_command_and_option_has_help_defaults_and_an_example():
    subs = _subparsers()
    assert set(subs) == set(COMMANDS)
    common = {"-h", "--help", "-v", "--verbose", "-q", "--quiet", "--debug", "--json"}
    for name, p in subs.items():
        text = p.format_help()
        assert p.epilog and "examples:" in p.epilog, name
        assert f"plan {name}" in p.epilog, name
        for a in p._actions:
            if a.help is None:
                pytest.fail(f"{name}: {a.dest} has no help")
            longs = [o for o in a.option_strings if o.startswith("--")]
            if longs and not set(a.option_strings) & common:
                assert longs[0] in p.epilog, f"{name}: no example of {longs[0]}"
            if a.option_strings and a.default not in (None, False, argparse.SUPPRESS) and "%(default)" not in a.help:
                assert f"(default: {a.default})" in " ".join(text.split()), (name, a.dest)
        for opt in ("--json", "-q", "-v", "--debug"):         # the common options, shown with every command
            assert opt in p.epilog, (name, opt)


def test_readme_documents_the_exit_codes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (\d+) \| (.+?) \|$", readme, re.M))
    assert set(map(int, table)) == set(EXIT_CODES), sorted(table)


# --------------------------------------------------------------------------
# argument validation: one line, exit 2, in every command
# --------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["parse", "x.txt", "--jobs", "-3"],
    ["parse", "x.txt", "--jobs", "two"],
    ["diff", "a", "b", "--jobs", "-1"],
    ["extract", "x.txt", "--interim", "i", "--jobs", "-3"],
    ["terms", "out", "--top", "0"],
    ["terms", "out", "--top", "-2"],
    ["parse"],
    ["diff", "a"],
    ["grep", "out"],
    ["parse", "x.txt", "--no-such-option"],
    ["no-such-command"],
    ["emit", "--interim", "i"],
])
def test_bad_arguments_are_refused_with_one_line(argv, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2
    assert err.count("\n") == 1 and "error:" in err and "--help" in err and "Traceback" not in err
    assert out == ""


def test_bad_arguments_with_json_give_a_json_error(capsys):
    code, out, err = run(["terms", "out", "--top", "0", "--json"], capsys)
    assert code == 2
    obj = json.loads(out)
    assert obj == {"command": "terms", "ok": False, "exit_code": 2, "error": err.strip()}


# --------------------------------------------------------------------------
# bad paths: the same exit code in every command
# --------------------------------------------------------------------------


def test_missing_file_is_exit_9_in_every_command(tmp_path, capsys):
    missing = str(tmp_path / "nope")
    cases = [["parse", missing + ".txt"], ["extract", missing + ".txt", "--interim", str(tmp_path / "i")],
             ["diff", missing, missing + "2"], ["diff", str(SEED_TXT), missing],
             *[_args(c, missing) for c in PLAN_CMDS],
             ["structure", "--interim", missing], ["tables", "--interim", missing],
             ["emit", "--interim", missing, "--plan-id", "p"]]
    messages = set()
    for argv in cases:
        code, out, err = run(argv, capsys)
        assert code == 9, (argv, err)
        assert err.count("\n") == 1 and "Traceback" not in err, argv
        messages.add(err.split(": ", 1)[1].strip().replace(missing + ".txt", "X").replace(missing, "X"))
    assert messages == {"X: unsupported input: no such file or directory"}
    assert not (tmp_path / "i").exists()


def test_a_directory_that_is_not_a_plan_is_exit_9(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    d = str(tmp_path / "empty")
    for argv in [["parse", d], ["diff", d, d], *[_args(c, d) for c in PLAN_CMDS]]:
        code, _, err = run(argv, capsys)
        assert code == 9, (argv, err)
        assert err.count("\n") == 1
    code, _, err = run(["terms", str(SEED_TXT)], capsys)
    assert code == 9 and "parse it first" in err


def test_interim_stages_without_their_inputs(tmp_path, capsys):
    (tmp_path / "i").mkdir()
    for stage, before in (("structure", "extract"), ("tables", "structure"), ("emit", "tables")):
        argv = [stage, "--interim", str(tmp_path / "i")] + (["--plan-id", "p"] if stage == "emit" else [])
        code, _, err = run(argv, capsys)
        assert code == 9 and f"plan {before}" in err, (stage, err)


def test_output_root_with_several_plans_asks_for_one(parsed, tmp_path, capsys):
    root, d, _ = parsed
    two = tmp_path / "two"
    shutil.copytree(d, two / "a")
    shutil.copytree(d, two / "b")
    code, _, err = run(["terms", str(two)], capsys)
    assert code == 9 and "2 parsed plans (a, b)" in err and "name one" in err


# --------------------------------------------------------------------------
# summaries and --json, per command
# --------------------------------------------------------------------------


def test_parse_summary(parsed):
    root, d, s = parsed
    assert s["command"] == "parse" and s["ok"] is True and s["exit_code"] == 0
    assert s["plan_id"] == "jianghai-14th" and Path(s["dir"]) == d and s["seconds"] > 0
    c = s["counts"]
    assert (c["chapters"], c["columns"], c["indicators"], c["projects"]) == (17, 8, 50, 32)
    # the plan's own arithmetic errors, each reported once, are not extraction problems
    assert s["findings"]["document"] == 10 and s["findings"]["extraction"] == 0
    assert s["findings"]["rules"]["document"] == {"row_identity": 10}
    assert s["schema_version"] == contract.SCHEMA_VERSION


def test_parse_prints_one_line_that_says_what_it_did(tmp_path, capsys):
    code, out, err = run(["parse", str(SEED_TXT), "--out", str(tmp_path), "--plan-id", "p"], capsys)
    assert code == 0 and out == ""
    line = err.strip()
    assert "\n" not in line
    assert re.fullmatch(r"p: 17 chapters, 63 sections, 8 专栏, 4 tables, 50 indicators, 32 projects; "
                        r"10 source inconsistencies \(row_identity\), 0 extraction problems, 4 notes "
                        rf"→ {re.escape(str(tmp_path / 'p'))}/ \(\d+\.\d s\)", line), line
    code, out, err = run(["parse", str(SEED_TXT), "--out", str(tmp_path), "--plan-id", "p", "-q"], capsys)
    assert code == 0 and out == "" and err == ""


def test_json_for_every_command(parsed, tmp_path, capsys):
    root, d, _ = parsed
    interim = tmp_path / "interim"
    runs = {
        "extract": ["extract", str(SEED_TXT), "--interim", str(interim)],
        "structure": ["structure", "--interim", str(interim)],
        "tables": ["tables", "--interim", str(interim)],
        "emit": ["emit", "--interim", str(interim), "--out", str(tmp_path / "o"), "--plan-id", "p"],
        "diff": ["diff", str(root), str(tmp_path / "o"), "--out", str(tmp_path / "d")],
        "terms": ["terms", str(d), "--top", "3"],
        "grep": ["grep", str(d), "森林覆盖率"],
        "info": ["info", str(root)],
        "validate": ["validate", str(d)],
        "corpus": ["corpus", str(SEED_TXT.parent / "corpus"), "--out", str(tmp_path / "dataset"), "--jobs", "1"],
    }
    assert set(runs) | {"parse"} == set(COMMANDS)
    for cmd, argv in runs.items():
        code, out, err = run(argv + ["--json"], capsys)
        assert code == 0, (cmd, err)
        obj = json.loads(out)                     # exactly one JSON object on stdout
        assert obj["command"] == cmd and obj["ok"] is True and obj["exit_code"] == 0, cmd
        assert err == "", (cmd, err)
    # a failure is JSON too
    code, out, err = run(["grep", str(d), "没有这个词", "--json"], capsys)
    assert code == 1 and json.loads(out)["records"] == 0 and json.loads(out)["ok"] is False


def test_stage_summaries_in_json(parsed, tmp_path, capsys):
    interim = tmp_path / "interim"
    _, out, _ = run(["extract", str(SEED_TXT), "--interim", str(interim), "--json"], capsys)
    ex = json.loads(out)
    assert ex["kind"] == "text" and ex["lines"] > 2000 and ex["pages"] == 105


def test_diff_of_parse_roots_prints_counts_and_the_report(parsed, tmp_path, capsys):
    root, d, _ = parsed
    code, out, err = run(["parse", str(ROOT / "raw" / "jianghai-14th-demo-revision.txt"), "--out",
                          str(tmp_path / "o2"), "-q"], capsys)
    assert code == 0
    code, out, err = run(["diff", str(root), str(tmp_path / "o2"), "--out", str(tmp_path / "d")], capsys)
    assert code == 0 and out == ""
    m = re.fullmatch(r"diff jianghai-14th → jianghai-14th-demo-revision: (\d+) changes \((.+)\) → (\S+) "
                     r"\(\d+\.\d s\)", err.strip())
    assert m, err
    t = pq.read_table(tmp_path / "d" / "changes.parquet")
    assert int(m.group(1)) == t.num_rows
    assert Path(m.group(3)) == tmp_path / "d" / "report.html" and Path(m.group(3)).is_file()
    for part in m.group(2).split(", "):
        n, kind = part.split(" ")
        assert t.column("change").to_pylist().count(kind) == int(n)
    # plan_a / plan_b columns: several diffs read together keep what they compare
    assert set(t.column("plan_a").to_pylist()) == {"jianghai-14th"}
    assert set(t.column("plan_b").to_pylist()) == {"jianghai-14th-demo-revision"}


def test_info_describes_a_plan_and_lists_a_root(parsed, capsys):
    root, d, _ = parsed
    code, out, err = run(["info", str(d)], capsys)
    assert code == 0
    assert "plan:      jianghai-14th" in out and "17 chapters" in out
    assert "10 source inconsistencies (row_identity), 0 extraction problems, 4 notes" in out
    code, out, err = run(["info", str(root)], capsys)
    assert code == 0 and out.startswith("jianghai-14th ") and out.count("\n") == 1
    assert "1 parsed plan under" in err


def test_validate_checks_the_contract(parsed, tmp_path, capsys):
    root, d, _ = parsed
    code, out, err = run(["validate", str(root)], capsys)
    assert code == 0 and "conforms to the output contract" in err
    bad = tmp_path / "bad"
    shutil.copytree(d, bad)
    (bad / "keywords.parquet").unlink()
    t = pq.read_table(bad / "sections.parquet")
    pq.write_table(t.drop_columns(["seq"]).replace_schema_metadata(
        {**t.schema.metadata, b"schema_version": b"1.0"}), bad / "sections.parquet")
    code, out, err = run(["validate", str(bad)], capsys)
    assert code == 11 and 11 in EXIT_CODES
    assert "keywords.parquet: missing" in out
    assert "sections.parquet: missing columns seq" in out
    assert "files disagree on schema_version" in out
    assert err.count("\n") == 1 and "does not match the output contract" in err
    code, out, err = run(["validate", str(bad), "--json"], capsys)
    obj = json.loads(out)
    assert code == 11 and obj["ok"] is False and obj["exit_code"] == 11
    assert "keywords.parquet: missing" in obj["plans"][0]["problems"]


def test_validate_finds_dangling_references(parsed, tmp_path):
    _, d, _ = parsed
    bad = tmp_path / "refs"
    shutil.copytree(d, bad)
    t = pq.read_table(bad / "paragraphs.parquet")
    col = t.column("node_id").to_pylist()
    col[0] = "C99"
    t = t.set_column(t.schema.get_field_index("node_id"), "node_id", [col])
    pq.write_table(t, bad / "paragraphs.parquet")
    assert contract.check(bad) == ["paragraphs.parquet: node_id C99 not in sections.parquet"]
    assert contract.check(d) == []


def test_grep_finds_table_rows_from_the_command_line(parsed, capsys):
    _, d, _ = parsed
    code, out, err = run(["grep", str(d), "森林覆盖率"], capsys)
    assert code == 0
    assert "T2#18\t" in out and "森林覆盖率" in out and "row 18" in out
    assert "2 indicator rows" in err
    code, out, err = run(["grep", str(d), "文化体育场馆"], capsys)
    assert code == 0 and "project 32" in out
    code, out, err = run(["grep", str(d), "侨梦苑|华侨华人", "--regex"], capsys)
    assert code == 0 and "C5.S3#p1" in out
    code, out, err = run(["grep", str(d), "([", "--regex"], capsys)
    assert code == 2 and "invalid regular expression" in err


def test_internal_error_is_one_line_with_exit_70(parsed, capsys, monkeypatch):
    _, d, _ = parsed

    def boom(*a, **k):
        raise ValueError("bug")
    monkeypatch.setattr(cli, "cmd_info", boom)
    monkeypatch.setitem(cli.COMMANDS, "info", boom)
    code, out, err = run(["info", str(d), "--json"], capsys)
    assert code == 70 and "internal error" in err and err.count("\n") == 1
    assert json.loads(out)["exit_code"] == 70
