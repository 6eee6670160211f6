"""Child processes that never outlive the parse: the PDF page workers,
:class:`Forked` and :func:`split_map`.

Every child this package starts

* dies with its parent, even when the parent is killed by SIGKILL
  (:func:`die_with_parent`: ``PR_SET_PDEATHSIG`` on Linux, a watchdog
  thread elsewhere);
* ignores SIGINT/SIGTERM (:data:`SIGNALS`, held back across the fork so
  that the CLI's handler never runs in it): the parent handles them and
  kills its children at once.

:class:`Forked` and :func:`split_map` are for CPU-bound pure-Python work
after the pages are parsed.  ``Forked(fn, *args)`` computes ``fn(*args)``
in a child while this process goes on (the term layer while the other
output rows are built and checked); :func:`split_map` computes the second
part of a list in a child while this process computes the first (word
segmentation of every paragraph), so a 2-core machine does it in about half
the time.  Results are the same as computing them here, in order, whatever
the machine: a child that fails, or a machine without ``fork`` or with one
core, computes it here.
Hand-written because ``multiprocessing``'s pools pickle the function and
its closure (here: a tokenizer with its dictionary overlay) and start
their workers per call, which costs more than the work saved.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Signals a child ignores (its parent handles them and kills it).
SIGNALS = {signal.SIGINT, signal.SIGTERM}

#: Below this much work (sum of ``weight``) :func:`split_map` does not fork:
#: a fork and the pickled results cost about as much as 20,000 characters of
#: word segmentation.
MIN_SPLIT_WEIGHT = 20_000


def die_with_parent(parent: int) -> None:
    """Make this (child) process die when ``parent`` does, even by SIGKILL:
    the kernel's parent-death signal on Linux, a watchdog thread elsewhere."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) != 0:      # PR_SET_PDEATHSIG
            raise OSError("prctl failed")
    except (OSError, AttributeError):
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)
        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:          # the parent died before prctl took effect
        os._exit(1)


def cores() -> int:
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _split_point(weights: list[int]) -> int:
    """Index that cuts ``weights`` into two parts of about equal sum."""
    half, acc = sum(weights) / 2, 0
    for k, w in enumerate(weights):
        acc += w
        if acc >= half:
            return k + 1
    return len(weights)


class Forked:
    """``fn(*args)`` computed in a forked child while this process goes on;
    :meth:`result` waits for it and returns its value.

    Where there is no ``fork``, one core, or the fork fails, ``fn`` runs in
    :meth:`result` instead; a child that fails or returns a damaged result
    is computed here too, so the value is always ``fn(*args)``.  ``fn`` must
    be pure (its effects in the child are lost) and its result picklable.
    The child is waited for in :meth:`result` (or killed by :meth:`cancel`,
    which :meth:`result` calls when this process is interrupted), so none is
    left behind."""

    def __init__(self, fn: Callable[..., R], *args, fork: bool = True):
        self.fn, self.args = fn, args
        self.pid = -1
        self._fh = None
        if not fork or not hasattr(os, "fork") or cores() < 2:
            return
        parent = os.getpid()
        r, w = os.pipe()
        masked = hasattr(signal, "pthread_sigmask")
        old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS) if masked else None
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            pid = -1
        if pid == 0:                                   # the child
            code = 1
            try:
                for sig in SIGNALS:
                    signal.signal(sig, signal.SIG_IGN)
                if masked:
                    signal.pthread_sigmask(signal.SIG_SETMASK, old)
                die_with_parent(parent)
                os.close(r)
                data = pickle.dumps(fn(*args), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(w, "wb") as fh:
                    fh.write(data)
                code = 0
            finally:
                os._exit(code)
        if masked:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        if pid > 0:
            os.close(w)
            self.pid, self._fh = pid, os.fdopen(r, "rb")

    def result(self):
        """The value of ``fn(*args)`` (from the child, or computed here)."""
        if self.pid <= 0:
            return self.fn(*self.args)
        value, ok = None, False
        try:
            data = self._fh.read()
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
            if os.waitstatus_to_exitcode(status) == 0:
                try:
                    value, ok = pickle.loads(data), True
                except Exception:  # noqa: BLE001 - a damaged result: computed here instead
                    ok = False
        finally:
            self.cancel()
        return value if ok else self.fn(*self.args)

    def cancel(self) -> None:
        """Kill and reap the child if it is still running; close the pipe."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if self.pid > 0:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
        self.pid = 0


def split_map(fn: Callable[[T], R], items: Sequence[T], *, weight: Callable[[T], int] = len,
              min_weight: int = MIN_SPLIT_WEIGHT) -> list[R]:
    """``[fn(x) for x in items]``, the second half (by ``weight``) computed
    in a forked child (:class:`Forked`) while this process computes the first.

    Serial when the work is small (``min_weight``), with one core or without
    ``fork``.  ``fn`` must be pure (its effects in the child are lost) and
    its results picklable.  The child is waited for before this returns (or
    killed, when this process is interrupted), so none is left behind."""
    weights = [weight(x) for x in items]
    if len(items) < 2 or sum(weights) < min_weight or not hasattr(os, "fork") or cores() < 2:
        return [fn(x) for x in items]
    k = _split_point(weights)
    head_items, tail_items = items[:k], items[k:]
    child = Forked(_map, fn, tail_items)
    try:
        head = [fn(x) for x in head_items]
    except BaseException:
        child.cancel()
        raise
    tail = child.result()
    if len(tail) != len(tail_items):
        tail = _map(fn, tail_items)
    return head + tail


def _map(fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    return [fn(x) for x in items]
