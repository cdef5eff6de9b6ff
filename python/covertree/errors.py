"""The exceptions the package raises, carrying the command-line tool's one-line message."""


class CovertreeError(RuntimeError):
    """The tool failed for a reason other than the arguments or the data (exit code 1)."""


class CovertreeUsageError(CovertreeError, ValueError):
    """An argument is invalid: a bad value, a missing or contradicting option (the tool's exit code 2)."""


class InputDataError(CovertreeError, ValueError):
    """The data cannot be used: NaN or Inf, wrong shapes or dtypes, kernel settings that do not belong to
    V and p (the tool's exit code 3)."""
