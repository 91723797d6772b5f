"""Throughput and memory benchmark of batch tagging:  python -m tagger.bench

Generates a corpus of synthetic articles (about 1,500 characters each, built from the sentences of
shipped training articles) and prints, for the same texts:
  - segmentation only (the floor cost: the segmenter alone, one process), docs/s and MB/s;
  - end-to-end `predict` in one process, and with --jobs 2, docs/s and MB/s;
  - the ratios the targets are stated in (end-to-end / segmentation, jobs 2 / jobs 1);
  - peak RSS of a one-process predict run over two corpus sizes, each in a fresh interpreter.
The machine is shared and noisy: compare the ratios within one run, not absolute figures across runs.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tagger.api import DEFAULT_MODEL, Tagger
from tagger.data import default_training_files, read_labelled
from tagger.lexicon import sentence_spans
from tagger.taxonomy import load_taxonomy

ARTICLE_CHARS = 1500


def make_corpus(path: Path, n: int, seed: int = 0) -> int:
    """Write `n` articles of about ARTICLE_CHARS characters as JSONL {id, text}; returns bytes.

    Each article is the sentences, in order, of shipped articles picked at random (two or three
    of them), so traditional, garbled and plain registers mix article by article, as in the corpus.
    """
    shipped = read_labelled(default_training_files(), load_taxonomy(), skip_invalid=True)
    texts = shipped["text"].tolist()
    rng = random.Random(seed)
    size = 0
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            parts, length = [], 0
            while length < ARTICLE_CHARS:
                text = rng.choice(texts)
                for a, b in sentence_spans(text):
                    parts.append(text[a:b] + "。")
                    length += b - a + 1
                    if length >= ARTICLE_CHARS:
                        break
            line = json.dumps({"id": f"bench-{i}", "text": "".join(parts)}, ensure_ascii=False)
            fh.write(line + "\n")
            size += len(line.encode())
    return size


def _texts(path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]


def time_segmentation(model: Path, texts: list[str]) -> tuple[float, float]:
    """Seconds to segment `texts` in batch-sized chunks: (the pipeline's Segmenter, words out as
    ids, as `predict` uses it; jieba-rs alone, tokens out as strings, for reference)."""
    from tagger.batch import CHUNK

    segmenter = Tagger.load(model).pipeline.named_steps["segment"]
    segmenter.transform(["预热"])
    chunks = [texts[i:i + CHUNK] for i in range(0, len(texts), CHUNK)]
    start = time.perf_counter()
    for chunk in chunks:
        segmenter.transform(chunk)
    words = time.perf_counter() - start
    start = time.perf_counter()
    for chunk in chunks:
        for text in chunk:
            segmenter._cutter(text)
    return words, time.perf_counter() - start


def time_predict(model: Path, corpus: Path, jobs: int) -> float:
    from tagger.batch import run_batch

    start = time.perf_counter()
    run_batch(model, [str(corpus)], lambda records: None, jobs=jobs)
    return time.perf_counter() - start


PEAK_RSS_CODE = """
import re, resource, sys
from tagger.batch import run_batch
run_batch(sys.argv[1], [sys.argv[2]], lambda records: None, jobs=1)
try:  # VmHWM starts afresh at exec; ru_maxrss would include the parent's memory at fork
    status = open("/proc/self/status").read()
    print(int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)))
except OSError:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_rss(model: Path, corpus: Path) -> int:
    """Peak RSS in MiB of a fresh interpreter running a one-process predict over `corpus`."""
    out = subprocess.run([sys.executable, "-c", PEAK_RSS_CODE, str(model), str(corpus)],
                         check=True, capture_output=True, text=True).stdout
    return int(out.split()[-1]) // 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tagger.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20_000, help="corpus size for speed")
    parser.add_argument("--rss-sizes", default="20000,100000",
                        help="comma-separated corpus sizes for the peak-RSS comparison")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        mb = make_corpus(corpus, args.articles) / 1e6
        texts = _texts(corpus)
        n = len(texts)
        print(f"corpus: {n} articles, {mb:.1f} MB UTF-8 (JSONL)")
        seg_words, seg_raw = time_segmentation(args.model, texts)
        rows = [("jieba-rs cut alone", seg_raw), ("segmentation only", seg_words)]
        del texts
        rows.append(("predict --jobs 1", time_predict(args.model, corpus, 1)))
        rows.append(("predict --jobs 2", time_predict(args.model, corpus, 2)))
        for name, seconds in rows:
            print(f"{name:20s} {n / seconds:9.1f} docs/s {mb / seconds:7.2f} MB/s  ({seconds:.1f} s)")
        _, seg, one, two = (s for _, s in rows)
        print(f"end-to-end / segmentation throughput: {seg / one:.2f}  (target >= 0.50)")
        print(f"jobs 2 / jobs 1 throughput:           {one / two:.2f}  (target >= 1.70)")
        sizes = [int(s) for s in args.rss_sizes.split(",") if s]
        rss = []
        for size in sizes:
            path = Path(tmp) / f"rss{size}.jsonl"
            make_corpus(path, size, seed=1)
            rss.append(peak_rss(args.model, path))
            path.unlink()
            print(f"peak RSS, predict --jobs 1 on {size} articles: {rss[-1]} MiB")
        if len(rss) == 2:
            print(f"peak RSS ratio {sizes[1]}/{sizes[0]}: {rss[1] / rss[0]:.2f}  (target <= 1.10)")
    print(f"(this process: peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB)")


if __name__ == "__main__":
    main()
