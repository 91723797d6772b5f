"""Check team-written corpus files: format, lengths, label names and label counts."""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

TYPES = {"industry", "education", "medical", "ecommerce"}
ACTORS = {"united_front", "democratic_party", "business", "cppcc", "government", "social"}


def check(paths: list[Path]) -> int:
    problems = 0
    counts: Counter[str] = Counter()
    ids: set[str] = set()
    lengths = []
    for path in paths:
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path}:{lineno}"
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                print(f"{where}: not JSON: {exc}")
                problems += 1
                continue
            errs = []
            if set(row) != {"id", "text", "relief", "type", "actor"}:
                errs.append(f"keys {sorted(row)}")
            if row.get("id") in ids:
                errs.append(f"duplicate id {row.get('id')}")
            ids.add(row.get("id"))
            text = row.get("text", "")
            if not 150 <= len(text) <= 1500:
                errs.append(f"length {len(text)} outside 150-1500")
            if not isinstance(row.get("relief"), bool):
                errs.append("relief is not true/false")
            if set(row.get("type", [])) - TYPES:
                errs.append(f"unknown type {set(row['type']) - TYPES}")
            if set(row.get("actor", [])) - ACTORS:
                errs.append(f"unknown actor {set(row['actor']) - ACTORS}")
            if row.get("relief") is False and (row.get("type") or row.get("actor")):
                errs.append("type/actor given although relief is false")
            for e in errs:
                print(f"{where}: {e}")
            problems += len(errs)
            lengths.append(len(text))
            counts["relief" if row.get("relief") else "negative"] += 1
            counts.update(row.get("type", []))
            counts.update(row.get("actor", []))
    print(f"{len(ids)} articles, {problems} problems")
    if lengths:
        lengths.sort()
        print(f"length min {lengths[0]} median {lengths[len(lengths)//2]} max {lengths[-1]}")
    for label, n in sorted(counts.items()):
        print(f"  {label:18s}{n}")
    return 1 if problems else 0


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]] or sorted(Path("labels/corpus").glob("*.jsonl"))
    sys.exit(check(args))
