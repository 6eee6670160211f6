"""Error model: problems with the input, each with its own exit code.

The CLI turns an :class:`InputError` into one line on stderr and its exit
code; anything else is an internal error (exit 70) reported with the input
name and the stage.  Exit codes are documented in the README.
"""

from __future__ import annotations


class PipelineError(Exception):
    """Base class of every error the pipeline raises on purpose."""

    exit_code = 1


class InputError(PipelineError):
    """The input cannot be turned into a plan dataset."""

    exit_code = 2
    what = "invalid input"

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path

    def line(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"error: {where}{self.what}: {self}"


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


class StrictModeFailure(PipelineError):
    """--strict: the conservation check found lost text."""

    exit_code = 10


class ContractViolation(PipelineError):
    """``plan validate``: a parsed plan does not match the output contract."""

    exit_code = 11


class StageError(PipelineError):
    """An internal bug, reported with the input and stage it happened in."""

    exit_code = 70

    def __init__(self, stage: str, path: str, cause: BaseException):
        super().__init__(f"internal error in stage '{stage}' on {path}: {type(cause).__name__}: {cause}")
        self.stage = stage
        self.cause = cause
