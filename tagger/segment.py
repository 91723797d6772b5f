"""Word segmentation with jieba's dictionary and algorithm, plus the taxonomy's domain terms.

The default backend is jieba-rs (the `rjieba` package) loaded with the Python jieba package's own
dictionary file: the same dictionary and the same cuts as jieba at many times the speed, and segmenting
is the largest single cost of tagging. The Python `jieba` backend stays available as the reference
implementation (tests/test_segment.py proves the two cut alike). Domain terms (organisation names such as
万企帮万村 or 光彩事业促进会, cue words, labels/domain_words.txt) are added to the dictionary with the same
frequency in either backend, so that they are kept whole. The two differ only in how they split runs of
Latin letters, digits and punctuation ("3.0T", "2023-05-22"), so tokens are normalised to runs of
letters and numbers, with every number folded to one token.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from tagger.taxonomy import DEFAULT_LABELS_DIR

DEFAULT_DOMAIN_WORDS = DEFAULT_LABELS_DIR / "domain_words.txt"
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_PIECES = re.compile(r"[\u4e00-\u9fff]+|[^\W\d_]+|\d+(?:[.,]\d+)*")


def read_word_list(path: Path) -> list[str]:
    """One word per line; blank lines and lines starting with # are skipped."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [w.split()[0] for w in lines if w.strip() and not w.lstrip().startswith("#")]


class Segmenter(BaseEstimator, TransformerMixin):
    """Turn clean texts into space-separated words, ready for a whitespace-tokenising vectoriser.

    Parameters
    ----------
    words : extra dictionary words (the taxonomy's vocabulary and the domain word list).
    backend : "rjieba" (fast, default) or "jieba" (the reference implementation).
    """

    def __init__(self, words: tuple[str, ...] = (), backend: str = "rjieba") -> None:
        self.words = words
        self.backend = backend

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_cutter", None)  # rebuilt on first use: native objects are not saved in models
        return state

    @cached_property
    def _cutter(self):
        entries = merged_dictionary(self.words)
        if self.backend == "rjieba":
            import rjieba

            engine = rjieba.Jieba.empty()
            for word, freq, tag in entries:
                engine.add_word(word, freq, tag)
            return engine.cut
        if self.backend == "jieba":
            import tempfile

            import jieba

            with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8",
                                             delete=False) as fh:
                fh.writelines(f"{w} {f}{' ' + t if t else ''}\n" for w, f, t in entries)
            engine = jieba.Tokenizer(dictionary=fh.name)
            engine.initialize()
            return engine.lcut
        raise ValueError(f"unknown segmenter backend {self.backend!r}: use 'rjieba' or 'jieba'")

    def cut(self, text: str) -> list[str]:
        """Words of `text`: punctuation and spaces dropped, non-Chinese runs split into letters and
        numbers, every number folded to "0"."""
        out = []
        for token in self._cutter(text):
            if _HAN.fullmatch(token):
                out.append(token)
                continue
            for piece in _PIECES.findall(token):
                out.append("0" if piece[0].isdigit() else piece)
        return out

    def fit(self, X: Iterable[str], y: object = None) -> Segmenter:
        return self

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.array(["segmented_text"], dtype=object)

    def transform(self, X: Iterable[str]) -> np.ndarray:
        return np.array([" ".join(self.cut(text)) for text in X], dtype=object)


def merged_dictionary(words: tuple[str, ...]) -> list[tuple[str, int, str | None]]:
    """jieba's dictionary with the domain words added (or given their domain frequency).

    Both backends are built from this one list, each word once, so their word totals, and with them
    every cut, are the same; adding words one by one to a loaded dictionary updates the totals
    differently in the two implementations.
    """
    entries = {w: (f, t) for w, f, t in _jieba_dictionary()}
    for word in words:
        entries[word] = (max(_word_freq(word), entries.get(word, (0, None))[0]),
                         entries.get(word, (0, None))[1])
    return [(w, f, t) for w, (f, t) in entries.items()]


def _jieba_dictionary() -> list[tuple[str, int, str | None]]:
    """(word, frequency, tag) of the Python jieba package's dictionary file (dict.txt)."""
    import os

    import jieba

    path = os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME)
    entries = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2:
                entries.append((parts[0], int(parts[1]), parts[2] if len(parts) > 2 else None))
    return entries


def _word_freq(word: str) -> int:
    """Frequency given to a domain word: high enough that jieba keeps it whole, equal in both backends."""
    return 1000 * len(word)
