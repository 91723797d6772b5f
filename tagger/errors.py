"""Errors tagger raises on purpose.

Every failure a user can cause (a bad file, a bad label, a foreign model) is one of these, so the CLI
can print a one-line message naming the file and line instead of a traceback, and library users can
catch one base class.
"""
from __future__ import annotations


class TaggerError(Exception):
    """Base class of every error tagger raises deliberately."""


class InputError(TaggerError):
    """An input document cannot be read, decoded or is empty; names the source."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self) -> tuple:  # picklable, so failures can cross to worker processes
        return (type(self), (self.source, self.reason))


class DataError(TaggerError):
    """Labelled training or evaluation data is malformed; names the file and line."""

    def __init__(self, source: str, line: int | None, reason: str) -> None:
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {reason}")
        self.source = source
        self.line = line
        self.reason = reason

    def __reduce__(self) -> tuple:
        return (type(self), (self.source, self.line, self.reason))


class ModelError(TaggerError):
    """A model file is missing, damaged, foreign or incompatible."""
