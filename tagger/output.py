"""Writing prediction records: JSONL (the canonical form), CSV and Parquet (one row per article), or a
table for the terminal.

Files are written through `<output>.part`: every chunk of rows is flushed as it is tagged, so a run
killed at any moment leaves a file that is valid up to its last complete row, and `--resume` continues
it. Only a completed run renames it into place, so an interrupted run never replaces a good output.
Parquet cannot be appended to, so its rows are spooled as JSONL and converted when the run completes.
"""
from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from tagger.errors import TaggerError
from tagger.taxonomy import MULTI_FACETS, Taxonomy

FORMATS = ("table", "jsonl", "csv", "parquet")
SUFFIX_FORMATS = {".jsonl": "jsonl", ".json": "jsonl", ".csv": "csv", ".parquet": "parquet"}


def format_for(output: str | None, fmt: str | None, interactive: bool) -> str:
    """The output format: --format if given, else the output file's suffix, else table on a terminal
    and JSONL otherwise."""
    if fmt:
        return fmt
    if output not in (None, "-"):
        return SUFFIX_FORMATS.get(Path(output).suffix.lower(), "jsonl")
    return "table" if interactive else "jsonl"


def flat_header(taxonomy: Taxonomy) -> list[str]:
    """id, relief, type, actor, then one score column per label (score_relief, score_type_x ...)."""
    cols = ["id", "relief", "type", "actor", "score_relief"]
    for facet in MULTI_FACETS:
        cols += [f"score_{facet}_{n}" for n in taxonomy.names(facet)]
    return cols


def flat_row(record: dict, taxonomy: Taxonomy) -> list[object]:
    row = [record["id"], record["relief"], ";".join(record["type"]), ";".join(record["actor"]),
           record["scores"]["relief"]]
    for facet in MULTI_FACETS:
        row += [record["scores"][facet][n] for n in taxonomy.names(facet)]
    return row


def _complete_lines(path: Path) -> None:
    """Cut a file back to its last complete line (a killed run may leave half a row)."""
    with open(path, "rb+") as fh:
        data = fh.read()
        end = data.rfind(b"\n") + 1
        if end < len(data):
            fh.truncate(end)


def done_ids(path: Path, fmt: str) -> set[str]:
    """Ids already written to a (partial) JSONL or CSV output, after cutting any incomplete row."""
    if not path.exists():
        return set()
    _complete_lines(path)
    with open(path, encoding="utf-8", newline="") as fh:
        if fmt == "csv":
            return {row["id"] for row in csv.DictReader(fh)}
        return {json.loads(line)["id"] for line in fh if line.strip()}


class RecordSink:
    """Streams records to an output file (through `.part`) or to a stream; resumable."""

    def __init__(self, output: str | None, fmt: str, taxonomy: Taxonomy, resume: bool = False,
                 stream: IO[str] | None = None) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
        self.fmt, self.taxonomy = fmt, taxonomy
        self.output = None if output in (None, "-") else Path(output)
        self._rows: list[dict] = []
        self.done: set[str] = set()
        if self.output is None:
            if fmt == "parquet":
                raise TaggerError("parquet output needs --output FILE")
            self.part, self.out = None, stream
        else:
            spool_fmt = "jsonl" if fmt == "parquet" else fmt
            self.part = Path(f"{self.output}.part")
            self.part.parent.mkdir(parents=True, exist_ok=True)
            if resume:
                self._adopt_finished_output()
                self.done = done_ids(self.part, spool_fmt)
            elif self.part.exists():
                self.part.unlink()
            self.out = open(self.part, "a", encoding="utf-8", newline="")
        self._csv = csv.writer(self.out) if fmt == "csv" else None
        if self._csv and not self.done:
            self._csv.writerow(flat_header(taxonomy))

    def _adopt_finished_output(self) -> None:
        """--resume after a completed run: continue from the finished file."""
        if self.part.exists() or not self.output.exists():
            return
        if self.fmt == "parquet":
            import pandas as pd

            frame = pd.read_parquet(self.output)
            with open(self.part, "w", encoding="utf-8") as fh:
                for rec in frame.to_dict("records"):
                    fh.write(json.dumps(_unflatten(rec, self.taxonomy), ensure_ascii=False) + "\n")
        else:
            os.replace(self.output, self.part)

    def write_many(self, records: list[dict]) -> None:
        """Write a chunk of records and flush, so the file is valid up to here."""
        for record in records:
            if self.fmt in ("jsonl", "parquet"):
                self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
            elif self._csv:
                self._csv.writerow(flat_row(record, self.taxonomy))
            else:
                self._rows.append(record)
        self.out.flush()

    def close(self, complete: bool) -> None:
        """Finish: render the table, or (for a complete run) move the file into place."""
        if self.fmt == "table":
            render_table(self._rows, self.taxonomy, self.out)
        if self.part is None:
            return
        self.out.close()
        if not complete:
            return
        if self.fmt == "parquet":
            _jsonl_to_parquet(self.part, self.output, self.taxonomy)
            self.part.unlink()
        else:
            os.replace(self.part, self.output)


def _unflatten(row: dict, taxonomy: Taxonomy) -> dict:
    record = {"id": str(row["id"]), "relief": bool(row["relief"]),
              "scores": {"relief": float(row["score_relief"])}}
    for facet in MULTI_FACETS:
        record[facet] = [v for v in str(row[facet] or "").split(";") if v]
        record["scores"][facet] = {n: float(row[f"score_{facet}_{n}"]) for n in taxonomy.names(facet)}
    return record


def _jsonl_to_parquet(spool: Path, output: Path, taxonomy: Taxonomy, chunk: int = 5_000) -> None:
    """Convert the JSONL spool to Parquet row group by row group (memory bounded by `chunk`)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    header = flat_header(taxonomy)
    tmp = Path(f"{output}.tmp")
    writer = None
    try:
        for rows in _read_chunks(spool, chunk):
            frame = pd.DataFrame([flat_row(r, taxonomy) for r in rows], columns=header)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            writer = writer or pq.ParquetWriter(tmp, table.schema)
            writer.write_table(table)
        if writer is None:
            frame = pd.DataFrame({c: pd.Series(dtype="float64" if c.startswith("score") else
                                               "bool" if c == "relief" else "object")
                                  for c in header})
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp)
    finally:
        if writer is not None:
            writer.close()
    os.replace(tmp, output)


def _read_chunks(path: Path, size: int) -> Iterator[list[dict]]:
    rows: list[dict] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
            if len(rows) >= size:
                yield rows
                rows = []
    if rows:
        yield rows


def render_table(records: list[dict], taxonomy: Taxonomy, out: IO[str]) -> None:
    """A readable table: labels with their Chinese names and scores."""
    from rich.console import Console
    from rich.table import Table

    def fmt(facet: str, record: dict) -> str:
        return "\n".join(f"{n} {taxonomy.label(facet, n).name_zh} {record['scores'][facet][n]:.2f}"
                         for n in record[facet]) or "-"

    table = Table(show_lines=True)
    for col in ("document", "relief", "type", "actor"):
        table.add_column(col, overflow="fold")
    for r in records:
        table.add_row(r["id"], f"{'yes' if r['relief'] else 'no'} {r['scores']['relief']:.2f}",
                      fmt("type", r), fmt("actor", r))
    Console(file=out, width=max(100, Console().width)).print(table)

