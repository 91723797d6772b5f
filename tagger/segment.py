"""Word segmentation with jieba's dictionary and algorithm, plus the taxonomy's domain terms.

The default backend is jieba-rs (the `rjieba` package) loaded with the Python jieba package's own
dictionary file: the same dictionary and the same cuts as jieba at many times the speed, and segmenting
is the largest single cost of tagging. The Python `jieba` backend stays available as the reference
implementation (tests/test_segment.py proves the two cut alike). Domain terms (organisation names such as
万企帮万村 or 光彩事业促进会, cue words, labels/domain_words.txt) are added to the dictionary with the same
frequency in either backend, so that they are kept whole. The two differ only in how they split runs of
Latin letters, digits and punctuation ("3.0T", "2023-05-22"), so tokens are normalised to runs of
letters and numbers, with every number folded to one token.

Sentence ends (。！？; and line breaks) become one marker word, SENTENCE_BREAK, so that later steps
know where sentences start (the taxonomy features) and no word bigram spans two sentences.

Normalising is done once per distinct token and remembered, and a batch comes out as integer word ids
into a table of the words met so far (`Segmented`): news vocabulary is Zipfian, so after the first
few articles nearly every token is a dictionary hit, segmenting costs little more than jieba-rs
itself, and the later steps work on arrays instead of strings.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from tagger.lexicon import SENTENCE_END
from tagger.taxonomy import DEFAULT_LABELS_DIR

DEFAULT_DOMAIN_WORDS = DEFAULT_LABELS_DIR / "domain_words.txt"
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_PIECES = re.compile(r"[\u4e00-\u9fff]+|[^\W\d_]+|\d+(?:[.,]\d+)*")
SENTENCE_BREAK = "\u3002"  # 。: the one word every sentence end becomes
CACHE_LIMIT = 200_000  # distinct words in a WordTable before the segmenter starts a new one


def read_word_list(path: Path) -> list[str]:
    """One word per line; blank lines and lines starting with # are skipped."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [w.split()[0] for w in lines if w.strip() and not w.lstrip().startswith("#")]


def token_words(token: str) -> tuple[str, ...]:
    """The words one jieba token stands for: itself if Chinese, SENTENCE_BREAK for a sentence end,
    its letter and number runs (each number as "0") otherwise, nothing for punctuation."""
    if SENTENCE_END.fullmatch(token):
        return (SENTENCE_BREAK,)
    if _HAN.fullmatch(token):
        return (token,)
    return tuple("0" if piece[0].isdigit() else piece for piece in _PIECES.findall(token))


class WordTable:
    """The distinct words met so far, each with a stable integer id.

    A segmented batch holds word ids into one table, so the steps after segmentation look each
    distinct word up once (and remember the answer in an array indexed by id) instead of once per
    occurrence. A table only grows; the segmenter starts a new one after CACHE_LIMIT words, which
    keeps memory flat on an endless stream of new names and numbers, and the later steps notice the
    new table and start their arrays afresh.
    """

    def __init__(self) -> None:
        self.words: list[str] = []
        self.index: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.words)

    def add(self, word: str) -> int:
        wid = self.index.get(word)
        if wid is None:
            wid = self.index[word] = len(self.words)
            self.words.append(word)
        return wid


class WordArray:
    """A per-word array kept in step with a WordTable: `value(word)` for every word of the table,
    computed once per word, indexable by word id."""

    def __init__(self, value: Callable[[str], int]) -> None:
        self.value = value
        self.table: WordTable | None = None
        self.array = np.zeros(0, np.int64)

    def of(self, table: WordTable) -> np.ndarray:
        if table is not self.table:
            self.table, self.array = table, np.zeros(0, np.int64)
        if len(self.array) < len(table):
            new = np.fromiter(map(self.value, table.words[len(self.array):]), np.int64)
            self.array = np.concatenate([self.array, new])
        return self.array


@dataclass(frozen=True)
class Segmented:
    """A batch of segmented articles: their words, as ids into `table`, one article after another."""

    ids: np.ndarray  # word ids, all articles concatenated
    lengths: np.ndarray  # words per article
    table: WordTable

    @classmethod
    def from_words(cls, docs: Iterable[list[str]]) -> Segmented:
        """A batch from lists of words (for callers that segmented some other way)."""
        table = WordTable()
        docs = list(docs)
        ids = np.fromiter((table.add(w) for w in chain.from_iterable(docs)), np.int64)
        return cls(ids, np.fromiter(map(len, docs), np.int64, len(docs)), table)

    def __len__(self) -> int:
        return len(self.lengths)

    def words(self) -> list[list[str]]:
        """The articles as lists of words."""
        out, start = [], 0
        for n in self.lengths.tolist():
            out.append([self.table.words[i] for i in self.ids[start:start + n].tolist()])
            start += n
        return out


def ragged_indices(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For flat arrays laid out row by row as `ptr` says (row r holds items ptr[r]:ptr[r + 1]): the
    indices of the items of `rows`, row after row, and how many items each of those rows has."""
    counts = ptr[rows + 1] - ptr[rows]
    first = np.repeat(ptr[rows] - (np.cumsum(counts) - counts), counts)
    return first + np.arange(int(counts.sum())), counts


def as_segmented(X: Segmented | Iterable[list[str]]) -> Segmented:
    return X if isinstance(X, Segmented) else Segmented.from_words(X)


class Segmenter(BaseEstimator, TransformerMixin):
    """Turn clean texts into a `Segmented` batch of words (SENTENCE_BREAK between sentences);
    `cut` gives one text's words as strings.

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
        for derived in ("_cutter", "_memo"):  # rebuilt on first use: not saved in models
            state.pop(derived, None)
        return state

    @cached_property
    def _cutter(self):
        entries = merged_dictionary(self.words)
        if self.backend == "rjieba":
            import rjieba

            engine = rjieba.Jieba.empty()
            for word, (freq, tag) in entries.items():
                engine.add_word(word, freq, tag)
            return engine.cut
        if self.backend == "jieba":
            import tempfile

            import jieba

            with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8",
                                             delete=False) as fh:
                fh.writelines(f"{w} {f}{' ' + t if t else ''}\n" for w, (f, t) in entries.items())
            engine = jieba.Tokenizer(dictionary=fh.name)
            engine.initialize()
            return engine.lcut
        raise ValueError(f"unknown segmenter backend {self.backend!r}: use 'rjieba' or 'jieba'")

    @cached_property
    def _memo(self) -> _TokenTypes:
        return _TokenTypes()

    def cut(self, text: str) -> list[str]:
        """Words of `text`: punctuation and spaces dropped, sentence ends as SENTENCE_BREAK,
        non-Chinese runs split into letters and numbers, every number folded to "0"."""
        return self.transform([text]).words()[0]

    def fit(self, X: Iterable[str], y: object = None) -> Segmenter:
        return self

    def transform(self, X: Iterable[str]) -> Segmented:
        memo = self._memo
        if len(memo.table) >= CACHE_LIMIT:
            memo = self._memo = _TokenTypes()
        tokens = [self._cutter(text) for text in X]
        per_doc = np.fromiter(map(len, tokens), np.int64, len(tokens))
        types = np.fromiter(map(memo.__getitem__, chain.from_iterable(tokens)), np.int64,
                            int(per_doc.sum()))
        ptr, words = memo.arrays()
        at, counts = ragged_indices(ptr, types)
        ids = words[at]
        doc_of = np.repeat(np.arange(len(tokens)), per_doc)
        lengths = np.bincount(doc_of, counts, len(tokens)).astype(np.int64)
        return Segmented(ids, lengths, memo.table)


class _TokenTypes(dict):
    """jieba token -> type id; a type's words (ids in `table`) are computed once per distinct
    token and kept as flat arrays (`ptr`, `words`), so a batch expands to words with numpy."""

    def __init__(self) -> None:
        super().__init__()
        self.table = WordTable()
        self._ptr, self._words = [0], []
        self._arrays = (np.zeros(1, np.int64), np.zeros(0, np.int64))

    def __missing__(self, token: str) -> int:
        self._words.extend(map(self.table.add, token_words(token)))
        self._ptr.append(len(self._words))
        tid = self[token] = len(self._ptr) - 2
        return tid

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        ptr, words = self._arrays
        if len(ptr) < len(self._ptr):
            ptr = np.concatenate([ptr, np.array(self._ptr[len(ptr):], np.int64)])
            words = np.concatenate([words, np.array(self._words[len(words):], np.int64)])
            self._arrays = (ptr, words)
        return ptr, words


def merged_dictionary(words: tuple[str, ...]) -> dict[str, tuple[int, str | None]]:
    """jieba's dictionary with the domain words added (or given their domain frequency).

    Both backends are built from this one table, each word once, so their word totals, and with them
    every cut, are the same; adding words one by one to a loaded dictionary updates the totals
    differently in the two implementations.
    """
    entries = _jieba_dictionary()
    for word in words:
        freq, tag = entries.get(word, (0, None))
        entries[word] = (max(_word_freq(word), freq), tag)
    return entries


def _jieba_dictionary() -> dict[str, tuple[int, str | None]]:
    """word -> (frequency, tag) of the Python jieba package's dictionary file (dict.txt)."""
    from importlib.util import find_spec

    spec = find_spec("jieba")  # located, not imported: importing jieba costs a fifth of a second
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the jieba package (its dictionary file) is not installed")
    path = Path(spec.submodule_search_locations[0]) / "dict.txt"
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    fields, lines = text.split(), text.count("\n") + (not text.endswith("\n"))
    if len(fields) == 3 * lines:  # the shipped file: word, frequency, tag on every line (fast path)
        return dict(zip(fields[0::3], zip(map(int, fields[1::3]), fields[2::3])))
    entries = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            entries[parts[0]] = (int(parts[1]), parts[2] if len(parts) > 2 else None)
    return entries


def _word_freq(word: str) -> int:
    """Frequency given to a domain word: high enough that jieba keeps it whole, equal in both backends."""
    return 1000 * len(word)
