"""Error model: problems with the input or the environment, each with its own
exit code.

The CLI turns a :class:`PipelineError` into one line on stderr and its exit
code; anything else is an internal error (exit 70) reported with the input
name and the stage.  Exit codes (documented in the README):

==== =====================================================================
code meaning
==== =====================================================================
2    invalid argument (plan id, option value) or a refused output
     (the target is not a plan output, holds another source's output, …)
3    empty input
4    undecodable text
5    not a plan
6    PDF without a text layer
7    encrypted PDF
8    corrupt PDF
9    unsupported input (missing, a directory or device, too large, a pipe
     that sends nothing)
10   ``--strict``: text lost or unreadable
11   ``validate``: the parsed plan does not match the output contract
12   a damaged parsed-plan directory (unreadable Parquet) given to
     ``terms``/``grep``/``diff``
13   the PDF needs a CJK font that is not installed
70   internal error
71   out of memory
73   the output cannot be written (``--out`` is a file, read-only, full,
     locked by another run) — sysexits' EX_CANTCREAT
130  interrupted
==== =====================================================================
"""

from __future__ import annotations

from .cjk import terminal_safe


def printable(text: object) -> str:
    """``text`` safe for a terminal line: control characters (ESC, BEL, CR,
    newlines …) and undecodable file-name bytes shown as ``\\xNN`` escapes."""
    s = str(text)
    # a non-UTF-8 file name arrives as surrogate escapes (PEP 383)
    try:
        s = s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:         # a lone surrogate that is not an escaped byte
        s = s.encode("utf-8", "backslashreplace").decode("utf-8")
    return terminal_safe(s)


class PipelineError(Exception):
    """Base class of every error the pipeline raises on purpose."""

    exit_code = 1
    what: str | None = None

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path

    def __reduce__(self):              # picklable with its path (page workers raise these)
        return (type(self), (str(self), self.path))

    def line(self) -> str:
        """The one line printed on stderr."""
        where = f"{printable(self.path)}: " if self.path else ""
        what = f"{self.what}: " if self.what else ""
        return f"error: {where}{what}{printable(self)}"


class InputError(PipelineError):
    """The input cannot be turned into a plan dataset."""

    exit_code = 2
    what = "invalid input"


class UsageError(PipelineError):
    """An argument that cannot be used (an unsafe plan id, a bad option value)."""

    exit_code = 2
    what = "invalid argument"


class OutputConflict(PipelineError):
    """Writing would replace something this run must not replace: a
    directory or file this tool did not write, another source's output
    (without ``--force``), a directory holding parsed plans."""

    exit_code = 2
    what = "refused"


class EmptyInput(InputError):
    exit_code = 3
    what = "empty input"


class UndecodableText(InputError):
    exit_code = 4
    what = "undecodable text"


class NotAPlan(InputError):
    exit_code = 5
    what = "not a plan"


class NoTextLayer(InputError):
    exit_code = 6
    what = "no text layer (scanned PDF, needs OCR)"


class EncryptedPDF(InputError):
    exit_code = 7
    what = "encrypted PDF"


class CorruptPDF(InputError):
    exit_code = 8
    what = "corrupt PDF"


class UnsupportedInput(InputError):
    exit_code = 9
    what = "unsupported input"


class InputTooLarge(UnsupportedInput):
    what = "input too large"


class StrictModeFailure(PipelineError):
    """--strict: the conservation check found lost text, or pages could not
    be read completely."""

    exit_code = 10
    what = "strict mode"

    def line(self) -> str:
        return f"error: {printable(self)}"


class OutputError(PipelineError):
    """The output location cannot be written (not a directory, permission,
    read-only file system, disk full, name too long, locked)."""

    exit_code = 73
    what = "cannot write output"


class DamagedOutput(InputError):
    """A parsed-plan directory whose files cannot be read (truncated Parquet)."""

    exit_code = 12
    what = "damaged plan output"


class MissingFont(InputError):
    """The PDF's text is in fonts that are not embedded and no installed
    font can map them to Unicode (CJK fonts: install fonts-wqy-microhei,
    fonts-noto-cjk or fonts-arphic-uming)."""

    exit_code = 13
    what = "missing CJK font"


class ContractViolation(PipelineError):
    """``plan validate``: a parsed plan does not match the output contract."""

    exit_code = 11


class StageError(PipelineError):
    """An internal bug, reported with the input and stage it happened in."""

    exit_code = 70
    what = "internal error"

    def __init__(self, stage: str, path: str, cause: BaseException):
        super().__init__(f"internal error in stage '{stage}' on {printable(path)}: {type(cause).__name__}: {cause}")
        self.stage = stage
        self.cause = cause

    def __reduce__(self):
        return (RuntimeError, (str(self),))   # the cause may not pickle

    def line(self) -> str:
        return f"error: {printable(self)}"


#: every class with a documented exit code (the README table)
ERROR_CLASSES = {cls.exit_code: cls for cls in (UsageError, EmptyInput, UndecodableText, NotAPlan, NoTextLayer,
                                                EncryptedPDF, CorruptPDF, UnsupportedInput, StrictModeFailure,
                                                ContractViolation, DamagedOutput, MissingFont, StageError,
                                                OutputError)}
