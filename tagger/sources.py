"""Input documents for tagging, streamed one at a time whatever the size of the corpus.

An INPUT is a document file (.txt, .html), a directory (every document below it), a glob, a table
(.csv, .jsonl, .parquet: one article per row, read in chunks with pandas/pyarrow), or '-' for standard
input. Each document comes out as (id, raw text) or as (id, InputError); a bad document never stops the
stream.
"""
from __future__ import annotations

import glob
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from tagger.decode import decode_bytes, read_document
from tagger.errors import InputError

DOCUMENT_SUFFIXES = (".txt", ".html", ".htm")
TABLE_SUFFIXES = (".csv", ".jsonl", ".parquet")
TABLE_CHUNK = 2_000  # rows read at a time from a table


def expand_inputs(inputs: Iterable[str]) -> Iterator[str | Path]:
    """Files named by INPUT arguments: files, directories (every document below), globs, and '-'."""
    for item in inputs:
        if item == "-":
            yield "-"
            continue
        path = Path(item)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*")
                              if p.suffix.lower() in DOCUMENT_SUFFIXES and p.is_file())
        elif path.exists():
            yield path
        else:
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                yield path  # reported as missing when read
            yield from (Path(m) for m in matches if Path(m).is_file())


def read_document_any(item: str | Path) -> tuple[str, str]:
    """(raw text, encoding) of one input document: a file, or '-' for standard input."""
    if item == "-":
        return decode_bytes(sys.stdin.buffer.read(), "<stdin>")
    path = Path(item)
    if not path.exists():
        raise InputError(str(path), "no such file")
    return read_document(path)


def is_table(item: str | Path) -> bool:
    return item != "-" and Path(item).suffix.lower() in TABLE_SUFFIXES


def _table_chunks(path: Path, columns: list[str]) -> Iterator[object]:
    import pandas as pd

    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        parquet = pq.ParquetFile(path)
        present = [c for c in columns if c in parquet.schema_arrow.names]
        for batch in parquet.iter_batches(batch_size=TABLE_CHUNK, columns=present):
            yield batch.to_pandas()
    elif suffix == ".csv":
        yield from pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=TABLE_CHUNK)
    else:  # JSONL, line by line: pandas' JSON reader holds the whole file in memory
        import json

        rows = []
        with open(path, encoding="utf-8-sig") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{lineno}", f"malformed JSON: {exc.msg}") from None
                if len(rows) >= TABLE_CHUNK:
                    yield pd.DataFrame(rows, dtype=object)
                    rows = []
        if rows:
            yield pd.DataFrame(rows, dtype=object)


def read_table(path: Path, text_column: str = "text", id_column: str = "id"
               ) -> Iterator[tuple[str, str | InputError]]:
    """(id, text) per row of a table, in row order; rows without text become InputErrors.

    Without an id column a row's id is "<file>:<row number>" (1-based, header not counted).
    """
    import pandas as pd

    row = 0
    try:
        for frame in _table_chunks(path, [text_column, id_column]):
            if text_column not in frame.columns:
                raise InputError(str(path), f"no column {text_column!r} (use --text-column; "
                                 f"columns: {', '.join(map(str, frame.columns))})")
            ids = frame[id_column].tolist() if id_column in frame.columns else None
            for i, text in enumerate(frame[text_column].tolist()):
                row += 1
                doc_id = str(ids[i]) if ids is not None else f"{path}:{row}"
                if not isinstance(text, str) or not text.strip():
                    yield doc_id, InputError(doc_id, "empty or missing text")
                else:
                    yield doc_id, text
    except InputError:
        raise
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(str(path), f"unreadable table after row {row}: {exc}") from None


def iter_documents(inputs: Iterable[str], text_column: str = "text", id_column: str = "id"
                   ) -> Iterator[tuple[str, str | InputError]]:
    """(id, raw text) per document named by INPUT arguments, or (id, InputError), in input order."""
    for item in expand_inputs(inputs):
        if is_table(item) and Path(item).exists():
            try:
                yield from read_table(Path(item), text_column, id_column)
            except InputError as exc:
                yield str(item), exc
            continue
        try:
            yield str(item), read_document_any(item)[0]
        except InputError as exc:
            yield str(item), exc


def count_documents(inputs: Iterable[str]) -> int | None:
    """How many documents the inputs hold, when that is cheap to know (for a progress bar's ETA):
    files are counted, parquet row counts read from metadata; other tables make it unknown."""
    total = 0
    for item in expand_inputs(inputs):
        if item == "-":
            total += 1
        elif is_table(item):
            if Path(item).suffix.lower() != ".parquet" or not Path(item).exists():
                return None
            import pyarrow.parquet as pq

            total += pq.ParquetFile(item).metadata.num_rows
        else:
            total += 1
    return total
