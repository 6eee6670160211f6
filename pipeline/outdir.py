"""Where outputs go, and what may be replaced: every write of a plan or diff
output directory goes through this module.

Rules (issue 13):

* a **plan id** is one safe path component (:func:`validate_plan_id`):
  letters (any script), digits, ``_ . - + = @ ~``, not starting with a dot
  or dash, at most :data:`PLAN_ID_MAX` characters and
  :data:`PLAN_ID_MAX_BYTES` bytes; ``diffs`` is reserved (``OUT/diffs/``
  holds the diffs);
* writes are **confined** to the ``--out`` root: the target's resolved
  parent must be the resolved root;
* a directory is **replaced only if this tool wrote it**: it carries a
  marker file (:data:`MARKER`, with the source's sha256) or, for outputs
  written before the marker existed, holds nothing but contract files.
  Anything else — a file, a symbolic link, a directory with other files —
  is an :class:`~pipeline.errors.OutputConflict` (exit 2), never deleted;
  a plan output of a *different source* (other content under another file
  name) is replaced only with ``force``;
* **crash-safe replacement** (:class:`Staged`): files are written into
  ``OUT/.staging/<name>.new-…/`` (two levels below the root, so the
  documented globs ``OUT/*/x.parquet`` never see them), the marker is
  written last, and the directory is swapped in under a lock (``flock`` on
  the output root) — atomically with
  ``renameat2(RENAME_EXCHANGE)`` where the kernel supports it, else with
  two renames.  A run killed at any moment leaves either the old or the
  new output in place; what it leaves in ``.staging`` is recovered (an old
  output put back if the target is missing) or removed by the next run
  (an empty ``.staging`` is removed);
* concurrent runs writing the same target **serialise** on the lock; the
  second then replaces the first's output only if it is of the same source
  (or ``force``).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import secrets
import shutil
import signal
import threading
import time
from pathlib import Path

import regex as re

from .errors import OutputConflict, OutputError, UsageError, printable

#: marker file written (last) into every output directory this tool writes
MARKER = ".plan-pipeline.json"
#: staging area under an output root (hidden; never matched by OUT/*/x.parquet)
STAGING = ".staging"
PLAN_ID_MAX = 100
PLAN_ID_MAX_BYTES = 200            # NAME_MAX is 255 bytes; staging names add ~25
RESERVED_IDS = frozenset({"diffs"})
#: seconds a run waits for another run writing the same target
LOCK_TIMEOUT = 120.0

_PLAN_ID = re.compile(r"[\w][\w.+\-=@~]*")
#: the contract's Parquet file names (the keys of
#: :data:`pipeline.schemas.CONTRACT`, which a test holds equal): named here
#: so that checking an output target does not import pyarrow (~0.05 s)
CONTRACT_FILES = ("sections.parquet", "paragraphs.parquet", "columns.parquet", "column_items.parquet",
                  "notes.parquet", "tables.parquet", "indicators.parquet", "indicator_values.parquet",
                  "projects.parquet", "project_summary.parquet", "validation.parquet", "images.parquet",
                  "keywords.parquet", "tokens.parquet", "plan.parquet")
_PLAN_FILES = frozenset(CONTRACT_FILES) | {"document.json"}
DIFF_FILES = frozenset({"changes.parquet", "report.html"})


def plan_files() -> frozenset[str]:
    """Names of the files of a plan output directory."""
    return _PLAN_FILES


# --------------------------------------------------------------------------
# plan ids
# --------------------------------------------------------------------------


def validate_plan_id(plan_id: str) -> str:
    """Return ``plan_id`` if it is one safe path component, else raise
    :class:`UsageError` (exit 2) saying what is wrong with it."""
    shown = printable(plan_id)
    if not plan_id:
        raise UsageError("the plan id is empty")
    if len(plan_id) > PLAN_ID_MAX or len(plan_id.encode("utf-8", "surrogatepass")) > PLAN_ID_MAX_BYTES:
        raise UsageError(f"plan id '{shown[:40]}…' is too long ({len(plan_id)} characters; at most "
                         f"{PLAN_ID_MAX} characters and {PLAN_ID_MAX_BYTES} bytes)")
    if plan_id in (".", "..") or "/" in plan_id or "\\" in plan_id or "\x00" in plan_id:
        raise UsageError(f"plan id '{shown}' is a path, not a name (no '/', '\\', '.' or '..')")
    if not _PLAN_ID.fullmatch(plan_id):
        raise UsageError(f"plan id '{shown}' may hold only letters, digits and _ . - + = @ ~ and must start "
                         "with a letter, digit or _")
    if plan_id.lower() in RESERVED_IDS:
        raise UsageError(f"plan id '{shown}' is reserved (OUT/{plan_id}/ holds the diffs)")
    return plan_id


def safe_component(text: str, fallback: str = "plan") -> str:
    """``text`` made a valid plan id / directory name: disallowed characters
    become ``-``, leading dots and dashes go, over-long names are cut."""
    base = re.sub(r"[^\w.+\-=@~]+", "-", text).strip("-.")
    base = re.sub(r"^[^\w]+", "", base)
    while len(base) > PLAN_ID_MAX or len(base.encode("utf-8", "surrogatepass")) > PLAN_ID_MAX_BYTES:
        base = base[:-1]
    base = base or fallback
    if base.lower() in RESERVED_IDS:
        base += "-plan"
    return base


def default_plan_id(path: str | os.PathLike) -> str:
    """The plan id of an input when ``--plan-id`` is not given: the file name
    without ``.txt``; any other extension stays, after a dash, so that
    ``x.txt`` → ``x`` and ``x.pdf`` → ``x-pdf`` never collide.  Characters
    that are not allowed become ``-``; stdin (``-``) is ``stdin``."""
    s = os.fspath(path)
    if s == "-":
        return "stdin"
    p = Path(s)
    stem, suffix = p.stem, p.suffix.lower().lstrip(".")
    if suffix and not re.fullmatch(r"\w{1,8}", suffix):
        stem, suffix = p.name, ""
    base = safe_component(stem, "")
    if suffix and suffix != "txt":
        base = f"{base[:PLAN_ID_MAX // 2]}-{suffix}" if base else suffix
    return safe_component(base)


# --------------------------------------------------------------------------
# what is at a path
# --------------------------------------------------------------------------


def read_marker(d: Path) -> dict | None:
    """The marker of an output directory written by this tool, or None."""
    try:
        m = json.loads((d / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return m if isinstance(m, dict) and m.get("tool") == "plan-pipeline" else None


def _legacy_plan(d: Path, names: list[str]) -> dict | None:
    """A plan output written before markers existed: only contract files,
    ``document.json`` among them."""
    if not names or not set(names) <= plan_files() or "document.json" not in names:
        return None
    if not all((d / n).is_file() and not (d / n).is_symlink() for n in names):
        return None
    try:
        doc = json.loads((d / "document.json").read_text(encoding="utf-8"))
        src = doc.get("source") or {}
        return {"tool": "plan-pipeline", "kind": "plan", "plan_id": doc.get("plan_id"),
                "source": {"name": src.get("name"), "sha256": src.get("sha256")}, "legacy": True}
    except (OSError, ValueError, AttributeError):
        return None


def identify(path: Path) -> tuple[str, dict | None]:
    """What is at ``path``: ``("missing"|"empty"|"plan"|"diff"|"foreign"|
    "file"|"symlink", marker)``."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "missing", None
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc), str(path)) from None
    import stat

    if stat.S_ISLNK(st.st_mode):
        return "symlink", None
    if not stat.S_ISDIR(st.st_mode):
        return "file", None
    try:
        names = sorted(os.listdir(path))
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc), str(path)) from None
    if not names:
        return "empty", None
    m = read_marker(path)
    if m is not None and m.get("kind") in ("plan", "diff"):
        return m["kind"], m
    legacy = _legacy_plan(path, names)
    if legacy is not None:
        return "plan", legacy
    if set(names) <= DIFF_FILES and "changes.parquet" in names:
        return "diff", {"tool": "plan-pipeline", "kind": "diff", "legacy": True}
    return "foreign", None


def _describe_foreign(path: Path) -> str:
    try:
        names = sorted(os.listdir(path))
    except OSError:
        names = []
    shown = ", ".join(f"'{printable(n)}'" for n in names[:3]) + (", …" if len(names) > 3 else "")
    return f"{len(names)} entr{'y' if len(names) == 1 else 'ies'} ({shown})"


def enclosing_output(path: Path) -> Path | None:
    """The nearest directory at or above ``path`` that is a plan output
    (writing inside one would put foreign files into it)."""
    p = Path(os.path.abspath(path))
    for d in [p, *p.parents]:
        try:
            if d.is_dir() and identify(d)[0] == "plan":
                return d
        except (OutputError, OSError):      # an unreadable ancestor is not ours
            continue
    return None


def holds_outputs(path: Path) -> list[str]:
    """Names of the plan or diff output directories directly inside ``path``."""
    out = []
    try:
        entries = sorted(os.scandir(path), key=lambda e: e.name)
    except OSError:
        return out
    for e in entries:
        if e.is_dir(follow_symlinks=False) and e.name != STAGING and identify(Path(e.path))[0] in ("plan", "diff"):
            out.append(e.name)
    return out


# --------------------------------------------------------------------------
# the output root
# --------------------------------------------------------------------------


def check_root(root: str | os.PathLike, *, what: str = "--out") -> Path:
    """Check an output root without creating anything: it is a writable
    directory, or does not exist yet under a writable one, and lies in no
    plan output.  Returns it made absolute.  Environment problems are
    :class:`OutputError` (exit 11) naming the path."""
    shown = os.fspath(root)
    p = Path(os.path.abspath(root))
    try:
        existing = p
        while not existing.exists():
            if existing.is_symlink():
                raise OutputError(f"{what} is a dangling symbolic link", shown)
            existing = existing.parent
        if not existing.is_dir():
            raise OutputError(f"{what} is a file, not a directory" if existing == p
                              else f"{printable(existing)} is a file, not a directory", shown)
        inside = enclosing_output(existing)
        if inside is not None:
            raise OutputConflict(f"{what} lies inside the plan output {printable(inside)}; choose a directory "
                                 "outside it", shown)
        if not os.access(existing, os.W_OK | os.X_OK):
            raise OutputError("permission denied (the directory is not writable)", str(existing))
        staging = p / STAGING
        if staging.is_symlink() or (staging.exists() and not staging.is_dir()):
            raise OutputConflict(f"{STAGING} is not a directory this tool made; remove it", str(staging))
    except (OutputError, OutputConflict):
        raise
    except OSError as exc:
        raise OutputError(_os_reason(exc), shown) from None
    return p


def prepare_root(root: str | os.PathLike, *, what: str = "--out") -> Path:
    """:func:`check_root`, then create the root; returns it resolved."""
    p = check_root(root, what=what)
    try:
        p.mkdir(parents=True, exist_ok=True)
        return p.resolve(strict=True)
    except OSError as exc:
        raise OutputError(_os_reason(exc), os.fspath(root)) from None


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOTDIR:
        return "a component of the path is a file, not a directory"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno == errno.ENAMETOOLONG:
        return "file name too long"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or str(exc)


def plan_target(root: str | os.PathLike, plan_id: str) -> Path:
    """``root/plan_id``, the plan id validated and the result confined to
    the root (resolved paths compared)."""
    validate_plan_id(plan_id)
    base = check_root(root)
    real = base.resolve() if base.exists() else base
    target = real / plan_id
    if target.parent != real or target.name != plan_id:
        raise UsageError(f"plan id '{printable(plan_id)}' would write outside {printable(root)}")
    check_replaceable(target, "plan")
    return target


def check_replaceable(target: Path, kind: str, sha256: str | None = None, *, force: bool = False,
                      source_name: str | None = None) -> None:
    """Raise :class:`OutputConflict` unless ``target`` is missing, empty, or
    an output of ``kind`` this tool wrote (for plans: of the same source —
    the same ``sha256``, or the same file name ``source_name`` — unless
    ``force``)."""
    state, marker = identify(target)
    shown = str(target)
    if state in ("missing", "empty"):
        return
    if state == "symlink":
        raise OutputConflict("is a symbolic link, not an output directory; refusing to replace it", shown)
    if state == "file":
        raise OutputConflict("is a file, not an output directory; refusing to replace it", shown)
    if state == "foreign":
        outputs = holds_outputs(target)
        held = (f"the outputs {', '.join(repr(printable(n)) for n in outputs[:3])}{', …' if len(outputs) > 3 else ''}"
                if outputs else _describe_foreign(target))
        raise OutputConflict(f"is not an output directory written by plan-pipeline (it holds {held}); "
                             f"refusing to replace it — choose another "
                             f"{'--plan-id or --out' if kind == 'plan' else '--out'}", shown)
    if state != kind:
        raise OutputConflict(f"holds a {state} output, not a {kind} output; refusing to replace it", shown)
    if kind == "plan" and sha256 and not force:
        old = (marker or {}).get("source") or {}
        # another source: other content under another file name (the same
        # file parsed again after an edit is the same source, updated)
        if old.get("sha256") and old["sha256"] != sha256 and (source_name is None or old.get("name") != source_name):
            name = f" ({printable(old.get('name'))})" if old.get("name") else ""
            raise OutputConflict(f"holds the output of another source{name}, sha256 {old['sha256'][:12]}…; "
                                 "use --force to replace it, or choose another --plan-id", shown)


# --------------------------------------------------------------------------
# staging, locking, swapping
# --------------------------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_libc = None


def _fault(point: str) -> None:
    """Fault injection for the kill tests: ``PLAN_PIPELINE_CRASH_AT=<point>``
    kills this process (SIGKILL) at that point of the swap."""
    if os.environ.get("PLAN_PIPELINE_CRASH_AT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ``renameat2(RENAME_EXCHANGE)``);
    False where unsupported (the caller falls back to two renames; so does
    ``PLAN_PIPELINE_NO_EXCHANGE=1``, to test that path)."""
    global _libc
    if not hasattr(os, "sched_getaffinity") or os.environ.get("PLAN_PIPELINE_NO_EXCHANGE"):
        return False
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        fn = _libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(b))


@contextlib.contextmanager
def _signals_deferred():
    """SIGINT/SIGTERM held back while the swap runs (delivered right after)."""
    sigs = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


@contextlib.contextmanager
def _root_lock(root: Path, name: str, timeout: float):
    """Exclusive ``flock`` on the output root directory while a target in it
    is swapped (short: renames only); a lock dies with its process."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                raise OutputError(f"another run has been writing into this directory for over {timeout:.0f} s "
                                  "(lock held); try again later", str(root / name))
            time.sleep(0.05)
        yield
    finally:
        os.close(fd)            # releases the lock


def _rmtree(p: Path) -> None:
    shutil.rmtree(p, ignore_errors=True)


def recover(staging: Path, name: str) -> None:
    """Clean up after runs killed while writing ``name`` (call under its
    lock): if the target is missing but a complete previous output was
    moved aside, put it back; remove every other leftover whose writer is
    gone (an in-progress staging directory of a live run is locked)."""
    target = staging.parent / name
    olds = sorted(staging.glob(f"{_glob_escape(name)}.old-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    if not os.path.lexists(target):
        for old in olds:
            if read_marker(old) is not None or identify(old)[0] in ("plan", "diff"):
                os.rename(old, target)
                olds.remove(old)
                break
    for old in olds:
        _rmtree(old)
    for new in staging.glob(f"{_glob_escape(name)}.new-*"):
        try:
            fd = os.open(new, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        try:
            if _try_lock(fd):          # nobody is writing it
                _rmtree(new)
        finally:
            os.close(fd)


def _glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


class Staged:
    """Write an output directory crash-safely::

        with Staged(root / name, "plan", identity) as tmp:
            ...write files into tmp...
        # on success: marker written, tmp swapped in for root/name

    ``identity``: the marker's content (``source`` with ``sha256`` for a
    plan); ``force``: replace another source's plan output.  On an
    exception the staging directory is removed and the target untouched.
    """

    def __init__(self, target: str | os.PathLike, kind: str, identity: dict | None = None, *,
                 force: bool = False, lock_timeout: float = LOCK_TIMEOUT, what: str = "--out"):
        self.requested = Path(target)
        self.what = what
        self.kind = kind
        self.identity = dict(identity or {})
        self.force = force
        self.lock_timeout = lock_timeout
        self.tmp: Path | None = None
        self._fd: int | None = None

    @property
    def sha256(self) -> str | None:
        return (self.identity.get("source") or {}).get("sha256")

    @property
    def source_name(self) -> str | None:
        return (self.identity.get("source") or {}).get("name")

    def __enter__(self) -> Path:
        # check everything before creating anything: a refused run writes nothing
        base = check_root(self.requested.parent, what=self.what)
        check_replaceable(base / self.requested.name, self.kind, self.sha256, force=self.force,
                          source_name=self.source_name)
        root = prepare_root(base, what=self.what)
        self.root = root
        self.target = root / self.requested.name
        self.staging = root / STAGING
        for _ in range(20):
            try:
                self.staging.mkdir(exist_ok=True)
                tmp = self.staging / f"{self.target.name}.new-{os.getpid()}-{secrets.token_hex(4)}"
                tmp.mkdir(mode=0o755)
                break
            except FileNotFoundError:       # another run removed the empty staging dir just now
                continue
            except OSError as exc:
                raise OutputError(_os_reason(exc), str(self.staging)) from None
        else:
            raise OutputError("cannot create a staging directory", str(self.staging))
        try:
            self._fd = os.open(tmp, os.O_RDONLY | os.O_DIRECTORY)
            fcntl.flock(self._fd, fcntl.LOCK_EX)      # "in use" for recover() of other runs
        except OSError as exc:
            _rmtree(tmp)
            raise OutputError(_os_reason(exc), str(self.staging)) from None
        self.tmp = tmp
        return tmp

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if exc_type is None:
                try:
                    self._commit()
                except OSError as e:
                    raise OutputError(_os_reason(e), str(self.target)) from None
        finally:
            if self.tmp is not None and self.tmp.exists():
                _rmtree(self.tmp)
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            with contextlib.suppress(OSError):
                self.staging.rmdir()          # only if empty: leftovers of killed runs stay for recover()
        return False

    def _commit(self) -> None:
        marker = {"tool": "plan-pipeline", "kind": self.kind, **self.identity}
        with open(self.tmp / MARKER, "w", encoding="utf-8") as fh:
            json.dump(marker, fh, ensure_ascii=False, indent=1, sort_keys=True)
            fh.write("\n")
        name = self.target.name
        _fault("staged")
        with _root_lock(self.root, name, self.lock_timeout):
            recover(self.staging, name)
            check_replaceable(self.target, self.kind, self.sha256, force=self.force, source_name=self.source_name)
            with _signals_deferred():
                if os.path.lexists(self.target):
                    if _exchange(self.tmp, self.target):
                        old = self.tmp                   # now holds the previous output
                        _fault("swapped")
                    else:
                        old = self.staging / f"{name}.old-{os.getpid()}-{secrets.token_hex(4)}"
                        os.rename(self.target, old)
                        _fault("swapped")                # the window the recovery is for
                        os.rename(self.tmp, self.target)
                    self.tmp = None
                    _rmtree(old)
                else:
                    os.rename(self.tmp, self.target)
                    self.tmp = None
