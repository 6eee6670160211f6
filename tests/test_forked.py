"""pipeline.forked.split_map and Forked: the same results as computing
here (a plain map, a plain call), in order, whatever happens to the child,
and no process left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import forked
from pipeline.forked import Forked, split_map

ROOT = Path(__file__).resolve().parents[1]
needs_fork = pytest.mark.skipif(not hasattr(os, "fork") or forked.cores() < 2,
                                reason="split_map is serial here (no fork or one core)")


def _children() -> set[int]:
    """This process's child processes (any state, zombies included)."""
    out: set[int] = set()
    for f in Path("/proc/self/task").glob("*/children"):
        out.update(int(x) for x in f.read_text().split())
    return out


def _no_children(before: set[int] = frozenset()) -> bool:
    """No child process other than those in ``before`` (other tests may
    have their own running)."""
    return _children() <= set(before)


def _split_each(fn, n: int) -> list:
    """split_map over ``range(n)``, every item its own unit of work (so the
    second half always goes to the child)."""
    return split_map(fn, list(range(n)), weight=lambda x: 1, min_weight=1)


def _alive(pid: int) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


@settings(max_examples=30, deadline=None, derandomize=True)
@given(st.lists(st.text(min_size=0, max_size=40), max_size=60), st.integers(0, 200))
def test_same_as_map_in_order(items, min_weight):
    before = _children()
    assert split_map(str.upper, items, min_weight=min_weight) == [x.upper() for x in items]
    assert _no_children(before)


@needs_fork
def test_really_splits_and_reaps():
    parent, before = os.getpid(), _children()
    out = _split_each(lambda x: (x, os.getpid() == parent), 100)
    assert [x for x, _ in out] == list(range(100))
    here = [mine for _, mine in out]
    assert here[:50] == [True] * 50 and here[50:] == [False] * 50     # the second half ran in the child
    assert _no_children(before)


@needs_fork
def test_a_failing_child_is_replaced_by_this_process():
    parent, before = os.getpid(), _children()

    def fn(x):
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return x * 2

    assert _split_each(fn, 40) == [x * 2 for x in range(40)]
    assert _no_children(before)


@needs_fork
def test_an_error_here_kills_the_child():
    parent, before = os.getpid(), _children()

    def fn(x):
        if os.getpid() != parent:
            time.sleep(30)
        elif x == 3:
            raise KeyError(x)
        return x

    t0 = time.monotonic()
    with pytest.raises(KeyError):
        _split_each(fn, 10)
    assert time.monotonic() - t0 < 10
    assert _no_children(before)


@needs_fork
def test_child_dies_with_a_killed_parent(tmp_path):
    """SIGKILL of the parsing process takes its split_map child with it."""
    pidfile = tmp_path / "child.pid"
    script = textwrap.dedent(f"""
        import os, time
        from pipeline.forked import split_map
        parent = os.getpid()
        def fn(x):
            if os.getpid() != parent:
                open({str(pidfile)!r}, "w").write(str(os.getpid()))
                time.sleep(60)
            return x
        print("ready", flush=True)
        split_map(fn, list(range(10)), weight=lambda x: 1, min_weight=1)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while not pidfile.exists() or not pidfile.read_text():
            assert time.monotonic() < deadline, "the child never started"
            time.sleep(0.05)
        child = int(pidfile.read_text())
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 10
        while _alive(child):
            assert time.monotonic() < deadline, "the child outlived its parent"
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@settings(max_examples=20, deadline=None, derandomize=True)
@given(st.lists(st.integers(), max_size=30), st.booleans())
def test_forked_is_the_call(xs, fork):
    before = _children()
    job = Forked(sorted, xs, fork=fork)
    assert job.result() == sorted(xs)
    assert _no_children(before)


@needs_fork
def test_forked_runs_in_a_child_while_this_process_goes_on():
    parent, before = os.getpid(), _children()
    job = Forked(lambda: os.getpid())
    assert _children() - before                   # started at once, not in result()
    assert job.result() != parent
    assert _no_children(before)


@needs_fork
def test_forked_failure_in_the_child_is_computed_here():
    parent = os.getpid()

    def fn(x):
        if os.getpid() != parent:
            os._exit(3)                           # a child that dies without a result
        return x + 1

    assert Forked(fn, 41).result() == 42


@needs_fork
def test_forked_error_here_is_raised_and_cancel_reaps():
    before = _children()

    def fn():
        time.sleep(30)

    job = Forked(fn)
    t0 = time.monotonic()
    job.cancel()
    assert time.monotonic() - t0 < 10
    assert _no_children(before)
    job.cancel()                                  # twice is harmless


def test_forked_exception_in_fn_raises_from_result():
    job = Forked(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        job.result()
