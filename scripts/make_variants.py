"""Turn a fixed share of the team-written corpus into traditional-character and garbled variants.

Real inputs arrive in traditional characters, and some through a broken converter that glues tone-marked
pinyin after characters (統(tǒng)一戰(zhàn)線). The writers write simplified Chinese; this script rewrites the text
of a share of the articles, chosen by a hash of the id so that reruns pick the same ones, and keeps
their labels. Articles already in traditional characters are left alone, so it is safe to run again
after new articles are added. Needs the dev extra (pypinyin): pip install -e ".[dev]".

    python scripts/make_variants.py labels/corpus/*.jsonl
"""
from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

import opencc
from pypinyin import Style, pinyin

TRADITIONAL_SHARE = 0.12  # of all articles
GARBLED_SHARE = 0.5  # of those, also given glued pinyin
ANNOTATE_PROBABILITY = 0.6  # of the characters whose traditional form differs
MAX_GARBLED_LENGTH = 1500

to_traditional = opencc.OpenCC("s2t")
to_simplified = opencc.OpenCC("t2s")


def _fraction(article_id: str, salt: str) -> float:
    digest = hashlib.sha256(f"{salt}:{article_id}".encode()).hexdigest()
    return int(digest[:8], 16) / 0xFFFFFFFF


def garble(traditional: str, simplified: str, rng: random.Random) -> str:
    """Glue tone-marked pinyin after a share of the characters that changed in conversion."""
    out = []
    for trad, simp in zip(traditional, simplified):
        out.append(trad)
        if trad != simp and rng.random() < ANNOTATE_PROBABILITY:
            out.append(f"({pinyin(simp, style=Style.TONE)[0][0]})")
    return "".join(out)


def variant(row: dict) -> dict:
    text = row["text"]
    if to_simplified.convert(text) != text or _fraction(row["id"], "trad") >= TRADITIONAL_SHARE:
        return row
    traditional = to_traditional.convert(text)
    if len(traditional) != len(text):  # phrase conversion changed the length: keep plain traditional
        return {**row, "text": traditional}
    if _fraction(row["id"], "garble") < GARBLED_SHARE:
        garbled = garble(traditional, text, random.Random(row["id"]))
        if len(garbled) <= MAX_GARBLED_LENGTH:
            return {**row, "text": garbled}
    return {**row, "text": traditional}


def main(paths: list[str]) -> None:
    for name in paths:
        path = Path(name)
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        new = [variant(r) for r in rows]
        changed = sum(a["text"] != b["text"] for a, b in zip(rows, new))
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in new),
                        encoding="utf-8")
        print(f"{path}: {changed} of {len(rows)} articles rewritten")


if __name__ == "__main__":
    main(sys.argv[1:])
