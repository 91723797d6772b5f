"""Reading labelled data (training and evaluation articles with their labels).

Labelled data is JSONL (one {"id", "text", "relief", "type", "actor"} object a line) or CSV with the same
columns, multi-labels joined with ";". Every row is checked against the taxonomy before anything is
trained or scored, and every problem is reported with its file and line, all at once, so a user fixes a
file in one pass instead of one error per run.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tagger.errors import DataError
from tagger.taxonomy import DEFAULT_LABELS_DIR, MULTI_FACETS, Taxonomy

COLUMNS = ("id", "text", "relief", "type", "actor")
_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f", ""}


def default_training_files(labels_dir: Path = DEFAULT_LABELS_DIR) -> list[Path]:
    """The shipped training data: the labelled seeds and the team-written corpus."""
    files = sorted(labels_dir.glob("seeds.jsonl")) + sorted((labels_dir / "corpus").glob("*.jsonl"))
    if not files:
        raise DataError(str(labels_dir), None, "no labelled data found (seeds.jsonl, corpus/*.jsonl)")
    return files


@dataclass
class Problem:
    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}"


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    return None


def _as_labels(value: object) -> list[str] | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(";") if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _raw_rows(path: Path) -> Iterator[tuple[int, dict | None, str]]:
    """(line number, row or None, reason when None) for a JSONL or CSV file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(str(path), None, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(str(path), line, "not UTF-8 text (re-save the file as UTF-8)") from None
    if path.suffix.lower() == ".csv":
        import io

        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise DataError(str(path), None, f"not a valid CSV file: {exc}") from None
        for i, record in enumerate(frame.to_dict("records")):
            yield i + 2, record, ""  # line 1 is the header
        return
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield lineno, None, f"malformed JSON: {exc.msg} at column {exc.colno}"
            continue
        if not isinstance(row, dict):
            yield lineno, None, "a line must hold a JSON object"
            continue
        yield lineno, row, ""


def check_row(row: dict, taxonomy: Taxonomy) -> tuple[dict | None, list[str]]:
    problems = []
    missing = [c for c in COLUMNS if c not in row]
    if missing:
        return None, [f"missing field(s): {', '.join(missing)}"]
    text = row["text"]
    if not isinstance(text, str) or not text.strip():
        problems.append("empty or missing text")
    relief = _as_bool(row["relief"])
    if relief is None:
        problems.append(f"relief must be true or false, got {row['relief']!r}")
    labels = {}
    for facet in MULTI_FACETS:
        values = _as_labels(row[facet])
        if values is None:
            problems.append(f"{facet} must be a list of label names or a ';'-joined string")
            continue
        known = taxonomy.names(facet)
        other = next(f for f in MULTI_FACETS if f != facet)
        for v in values:
            if v in known:
                continue
            if v in taxonomy.names(other):
                problems.append(f"label {v!r} belongs to {other}, not {facet}")
            else:
                problems.append(f"unknown {facet} label {v!r} (known: {', '.join(known)})")
        labels[facet] = sorted(set(values) & set(known), key=known.index)
    if relief is False and any(labels.get(f) for f in MULTI_FACETS):
        problems.append("type/actor given although relief is false")
    if problems:
        return None, problems
    return {"id": str(row["id"]), "text": text, "relief": relief, **labels}, []


def read_labelled(
    paths: Iterable[Path | str], taxonomy: Taxonomy, skip_invalid: bool = False
) -> pd.DataFrame:
    """Read and validate labelled files into a DataFrame with columns id, text, relief, type, actor.

    Raises DataError listing every problem (file:line: reason) unless `skip_invalid`, in which case bad
    rows are dropped and the DataFrame's attrs["skipped"] holds the problems.
    """
    rows, problems, seen = [], [], {}
    for path in map(Path, paths):
        for lineno, raw, reason in _raw_rows(path):
            if raw is None:
                problems.append(Problem(str(path), lineno, reason))
                continue
            row, reasons = check_row(raw, taxonomy)
            if row is not None and row["id"] in seen:
                reasons = [f"duplicate id {row['id']!r} (first at {seen[row['id']]})"]
                row = None
            problems += [Problem(str(path), lineno, r) for r in reasons]
            if row is not None:
                seen[row["id"]] = f"{path}:{lineno}"
                rows.append(row)
    if problems and not skip_invalid:
        shown = "\n".join(str(p) for p in problems[:50])
        more = f"\n... and {len(problems) - 50} more" if len(problems) > 50 else ""
        raise DataError(f"{len(problems)} invalid row(s)", None, "\n" + shown + more)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame.attrs["skipped"] = [str(p) for p in problems]
    if frame.empty:
        raise DataError(", ".join(map(str, paths)), None, "no valid labelled articles")
    return frame


def label_matrix(frame: pd.DataFrame, taxonomy: Taxonomy) -> np.ndarray:
    """0/1 matrix with the columns of `tagger.model.label_columns`."""
    cols = [frame["relief"].astype(bool).to_numpy()]
    for facet in MULTI_FACETS:
        for name in taxonomy.names(facet):
            cols.append(frame[facet].map(lambda labels, n=name: n in labels).to_numpy())
    return np.column_stack(cols).astype(int)
