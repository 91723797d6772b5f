"""Writing prediction records: JSONL (the canonical form), CSV (one row per article), or a table."""
from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO

from tagger.taxonomy import MULTI_FACETS, Taxonomy

FORMATS = ("table", "jsonl", "csv")


def csv_header(taxonomy: Taxonomy) -> list[str]:
    """id, relief, type, actor, then one score column per label (score_relief, score_type_x ...)."""
    cols = ["id", "relief", "type", "actor", "score_relief"]
    for facet in MULTI_FACETS:
        cols += [f"score_{facet}_{n}" for n in taxonomy.names(facet)]
    return cols


def csv_row(record: dict, taxonomy: Taxonomy) -> list[object]:
    row = [record["id"], record["relief"], ";".join(record["type"]), ";".join(record["actor"]),
           record["scores"]["relief"]]
    for facet in MULTI_FACETS:
        row += [record["scores"][facet][n] for n in taxonomy.names(facet)]
    return row


class RecordWriter:
    """Streams records to `out` in one format; the table format renders when closed."""

    def __init__(self, out: IO[str], fmt: str, taxonomy: Taxonomy) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
        self.out, self.fmt, self.taxonomy = out, fmt, taxonomy
        self._rows: list[dict] = []
        self._csv = csv.writer(out) if fmt == "csv" else None
        if self._csv:
            self._csv.writerow(csv_header(taxonomy))

    def write(self, record: dict) -> None:
        if self.fmt == "jsonl":
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif self._csv:
            self._csv.writerow(csv_row(record, self.taxonomy))
        else:
            self._rows.append(record)
        self.out.flush()

    def write_all(self, records: Iterable[dict]) -> None:
        for record in records:
            self.write(record)

    def close(self) -> None:
        if self.fmt == "table":
            render_table(self._rows, self.taxonomy, self.out)


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
