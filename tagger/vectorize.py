"""TF-IDF over the segmenter's words: word unigrams and bigrams, no bigram across a sentence break.

scikit-learn's TfidfVectorizer builds every n-gram as a Python string and looks it up in a dict; with
word bigrams that costs as much as segmenting the text again. Here each word is looked up once, as an
integer id, and bigrams are pairs of ids matched against the vocabulary with numpy, so vectorising
costs a small fraction of segmentation. The weighting is TfidfVectorizer's (smooth idf, optional
sublinear tf, l2-normalised rows) and the vocabulary is readable: words and "word word" bigrams.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import normalize

from tagger.segment import SENTENCE_BREAK, Segmented, WordArray, as_segmented


def ngram_keys(ids: np.ndarray, doc_of: np.ndarray, n_words: int, ngram_range: tuple[int, int]
               ) -> tuple[np.ndarray, np.ndarray]:
    """(key, document) of every n-gram in a flat sequence of word ids.

    A unigram's key is its word id, a bigram's `n_words + a * n_words + b`; a negative id (an unknown
    word, a sentence break) is part of no n-gram, and no bigram spans two documents.
    """
    lo, hi = ngram_range
    keys, docs = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    if lo <= 1:
        ok = ids >= 0
        keys.append(ids[ok])
        docs.append(doc_of[ok])
    if hi >= 2 and len(ids) > 1:
        a, b = ids[:-1], ids[1:]
        ok = (a >= 0) & (b >= 0) & (doc_of[:-1] == doc_of[1:])
        keys.append(n_words + a[ok] * n_words + b[ok])
        docs.append(doc_of[:-1][ok])
    return np.concatenate(keys), np.concatenate(docs)


@dataclass(frozen=True)
class _Lookup:
    """The vocabulary compiled for matching: the vocabulary's words with ids, that id for every
    word of a batch's word table (-1 if in no term), each word's unigram column (-1 if none, and for
    id -1), and the bigrams as integer keys `a * n_words + b` in a hash index, with their columns."""

    word_ids: dict[str, int]
    of_table: WordArray
    unigrams: np.ndarray
    bigrams: pd.Index
    bigram_columns: np.ndarray


class WordTfidf(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """TF-IDF features of segmented texts (a `Segmented` batch, or lists of words).

    Parameters are TfidfVectorizer's: `ngram_range` (word n-grams, 1 to 2), `min_df` and `max_df`
    (document counts, or proportions when float), `max_features` (the most frequent terms kept),
    `sublinear_tf` (1 + log tf). `boundary` is the sentence-break word: never a feature, and no
    bigram spans it.
    """

    def __init__(self, ngram_range: tuple[int, int] = (1, 2), min_df: float = 2,
                 max_df: float = 1.0, max_features: int | None = None, sublinear_tf: bool = True,
                 boundary: str = SENTENCE_BREAK) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.boundary = boundary

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_lookup", None)  # derived from vocabulary_
        return state

    def fit(self, X: Segmented | Iterable[list[str]], y: object = None) -> WordTfidf:
        lo, hi = self.ngram_range
        if not 1 <= lo <= hi <= 2:
            raise ValueError(f"ngram_range must be (1, 1), (1, 2) or (2, 2), not {self.ngram_range}")
        batch = as_segmented(X)
        present, ids = np.unique(batch.ids, return_inverse=True)
        words = [batch.table.words[i] for i in present.tolist()]
        if self.boundary in words:
            ids[ids == words.index(self.boundary)] = -1
        n_docs = len(batch)
        doc_of = np.repeat(np.arange(n_docs), batch.lengths)
        keys, key_docs = ngram_keys(ids, doc_of, len(words), self.ngram_range)
        pairs = np.unique(key_docs * (len(words) * (len(words) + 1)) + keys)
        terms, df = np.unique(pairs % (len(words) * (len(words) + 1)), return_counts=True)
        keep = (df >= self._doc_limit(self.min_df, n_docs)) & (df <= self._doc_limit(self.max_df,
                                                                                   n_docs))
        terms, df = terms[keep], df[keep]
        if self.max_features is not None and len(terms) > self.max_features:
            total = np.unique(keys, return_counts=True)
            counts = total[1][np.searchsorted(total[0], terms)]
            top = np.sort(np.argsort(-counts, kind="stable")[: self.max_features])
            terms, df = terms[top], df[top]
        if len(terms) == 0:
            raise ValueError("after pruning, no terms remain: lower min_df or raise max_df")
        names = [self._term_name(int(k), words) for k in terms]
        order = sorted(range(len(names)), key=names.__getitem__)
        self.vocabulary_ = {names[i]: col for col, i in enumerate(order)}
        self.idf_ = np.log((1 + n_docs) / (1 + df[order])) + 1.0
        self.__dict__.pop("_lookup", None)
        return self

    @staticmethod
    def _doc_limit(value: float, n_docs: int) -> float:
        return value * n_docs if isinstance(value, float) and value <= 1.0 else value

    @staticmethod
    def _term_name(key: int, words: list[str]) -> str:
        if key < len(words):
            return words[key]
        a, b = divmod(key - len(words), len(words))
        return f"{words[a]} {words[b]}"

    @cached_property
    def _lookup(self) -> _Lookup:
        word_ids: dict[str, int] = {}
        split = [term.split(" ") for term in self.vocabulary_]
        for parts in split:
            for word in parts:
                word_ids.setdefault(word, len(word_ids))
        n = len(word_ids)
        unigrams = np.full(n + 1, -1, np.int64)  # the extra last entry answers unknown words (-1)
        bigrams, bigram_columns = [], []
        for parts, column in zip(split, self.vocabulary_.values()):
            if len(parts) == 1:
                unigrams[word_ids[parts[0]]] = column
            else:
                bigrams.append(word_ids[parts[0]] * n + word_ids[parts[1]])
                bigram_columns.append(column)
        return _Lookup(word_ids, WordArray(lambda w: word_ids.get(w, -1)), unigrams,
                       pd.Index(np.array(bigrams, np.int64)), np.array(bigram_columns, np.int64))

    def transform(self, X: Segmented | Iterable[list[str]]) -> sparse.csr_matrix:
        look = self._lookup
        batch = as_segmented(X)
        ids = look.of_table.of(batch.table)[batch.ids]
        n_docs, n_cols = len(batch), len(self.vocabulary_)
        ends = np.cumsum(batch.lengths)  # a word at position p is in document searchsorted(ends, p)
        at = np.flatnonzero(look.unigrams[ids] >= 0)  # unigrams[-1] is -1: unknown words drop out
        columns, positions = [look.unigrams[ids[at]]], [at]
        if len(look.bigrams) and len(ids) > 1:
            pair = (ids[:-1] >= 0) & (ids[1:] >= 0)
            inner = ends[(ends > 0) & (ends < len(ids))]
            pair[inner - 1] = False  # no bigram from one document to the next
            at = np.flatnonzero(pair)
            found = look.bigrams.get_indexer(ids[at] * len(look.word_ids) + ids[at + 1])
            hit = found >= 0
            columns.append(look.bigram_columns[found[hit]])
            positions.append(at[hit])
        docs = np.searchsorted(ends, np.concatenate(positions), side="right")
        cells, counts = np.unique(docs * n_cols + np.concatenate(columns), return_counts=True)
        rows, columns = np.divmod(cells, n_cols)
        tf = counts.astype(np.float64)
        if self.sublinear_tf:
            tf = 1.0 + np.log(tf)
        indptr = np.searchsorted(rows, np.arange(n_docs + 1))
        matrix = sparse.csr_matrix((tf * self.idf_[columns], columns, indptr),
                                   shape=(n_docs, n_cols))
        return normalize(matrix, copy=False)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.array(sorted(self.vocabulary_, key=self.vocabulary_.get), dtype=object)
