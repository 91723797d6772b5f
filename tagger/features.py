"""Features that carry what the taxonomy already knows into the linear model.

TF-IDF over words learns from the training texts only; with a few hundred team-written articles it
misses what the label definitions say outright (民盟 is a democratic party, 义诊 is medical help). These
features give the classifier, per label, how often and where its cue words and organisation aliases
occur: in a sentence that reports an action (组织, 捐赠, 签约 ...) rather than one that quotes an
authority, at the start of a sentence (the organisation as subject), in the title, and how widely they
are spread. The keyword rule itself is one of the features, so the model can lean on it where it is
right and learn where it is not.

They are computed from the segmenter's words, not by scanning the text again. Every term of the
taxonomy is a dictionary word of the segmenter, so it comes out as a word (or inside a longer word
such as 精准扶贫); which terms a word holds is worked out once per distinct word (by the Lexicon, the
same matcher the keyword baseline and the evidence use), and everything after that is array
arithmetic over the whole batch. This keeps the features a small
fraction of the cost of segmentation.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from tagger.lexicon import Lexicon
from tagger.segment import (
    SENTENCE_BREAK,
    Segmented,
    WordArray,
    as_segmented,
    ragged_indices,
)
from tagger.taxonomy import MULTI_FACETS, Taxonomy

PER_LABEL = ("rule", "rule_count", "count", "distinct", "action", "subject", "title", "early", "share")
GLOBAL = ("log_length", "counter_cues", "relief_density", "quote_sentences", "assistance_sentences",
          "beneficiary_sentences", "help_for_needy_sentences", "study_markers")
WORD_LISTS = ("action", "quote", "counter", "beneficiary", "assistance", "study")
SUBJECT_WORDS = 5  # words from a sentence's start within which an organisation is its subject
EARLY = 0.2  # share of an article counted as its beginning
NOTHING, BREAK = 0, 1  # term-set ids of a word holding no term and of the sentence break


class TermSets:
    """What each distinct word holds: label mentions (slot, term, rule) and word-list counts.

    Words map to small integer ids of distinct term sets, so a batch of articles turns into one
    integer array, and the term sets into flat arrays (CSR-style: `ptr`, `slot`, `term`, `rule`, and
    `lists`, one count per WORD_LISTS entry) that numpy indexes.
    """

    def __init__(self, lexicon: Lexicon, slots: list[tuple[str, str]], boundary: str) -> None:
        self.lexicon = lexicon
        self.slot_of = {slot: i for i, slot in enumerate(slots)}
        self.terms: dict[str, int] = {}
        empty = ((), (0,) * len(WORD_LISTS))
        self.sets: dict[tuple, int] = {empty: NOTHING, ("break",): BREAK}
        self._mentions: list[tuple[tuple[int, int, int], ...]] = [(), ()]
        self._lists: list[tuple[int, ...]] = [empty[1]] * 2
        self._arrays: tuple[np.ndarray, ...] | None = None
        self.boundary = boundary
        self.of_table = WordArray(self.set_of)

    def set_of(self, word: str) -> int:
        """The id of the term set of `word` (NOTHING for most words)."""
        if word == self.boundary:
            return BREAK
        mentions, lists = [], [0] * len(WORD_LISTS)
        for m in self.lexicon.mentions(word):
            if m.facet in WORD_LISTS:
                lists[WORD_LISTS.index(m.facet)] += 1
                continue
            term = self.terms.setdefault(m.text, len(self.terms))
            labels = ("relief",) if m.facet == "relief" else m.labels
            for label in labels:
                mentions.append((self.slot_of[(m.facet, label)], term, int(m.rule)))
        key = (tuple(mentions), tuple(lists))
        if key not in self.sets:
            self.sets[key] = len(self._mentions)
            self._mentions.append(key[0])
            self._lists.append(key[1])
            self._arrays = None
        return self.sets[key]

    def arrays(self) -> tuple[np.ndarray, ...]:
        """(ptr, slot, term, rule, lists) of every term set seen so far."""
        if self._arrays is None or len(self._arrays[0]) != len(self._mentions) + 1:
            flat = [m for ms in self._mentions for m in ms]
            ptr = np.zeros(len(self._mentions) + 1, np.int64)
            ptr[1:] = np.cumsum([len(ms) for ms in self._mentions])
            cols = np.array(flat, np.int64).reshape(-1, 3)
            self._arrays = (ptr, cols[:, 0], cols[:, 1], cols[:, 2],
                            np.array(self._lists, np.float64))
        return self._arrays


class TaxonomyFeatures(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Per-label cue and alias statistics of segmented texts; fit learns nothing from the data."""

    def __init__(self, taxonomy: Taxonomy, boundary: str = SENTENCE_BREAK) -> None:
        self.taxonomy = taxonomy
        self.boundary = boundary

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_term_sets", None)  # rebuilt from the taxonomy on first use
        return state

    def _slots(self) -> list[tuple[str, str]]:
        slots = [("relief", "relief")]
        for facet in MULTI_FACETS:
            slots += [(facet, name) for name in self.taxonomy.names(facet)]
        return slots

    def fit(self, X: Segmented | Iterable[list[str]], y: object = None) -> TaxonomyFeatures:
        self.slots_ = self._slots()
        return self

    @cached_property
    def _term_sets(self) -> TermSets:
        return TermSets(Lexicon(self.taxonomy), self.slots_, self.boundary)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        names = [f"{facet}:{label}:{kind}" for facet, label in self.slots_ for kind in PER_LABEL]
        return np.array(names + [f"global:{g}" for g in GLOBAL], dtype=object)

    def transform(self, X: Segmented | Iterable[list[str]]) -> sparse.csr_matrix:
        batch = as_segmented(X)
        n, S = len(batch), len(self.slots_)
        if n == 0:
            return sparse.csr_matrix((0, S * len(PER_LABEL) + len(GLOBAL)))
        ts = self._term_sets
        lengths = batch.lengths
        sets = ts.of_table.of(batch.table)[batch.ids]
        ptr, m_slot, m_term, m_rule, lists = ts.arrays()
        ends = np.cumsum(lengths)
        starts = ends - lengths

        # Sentences, numbered across the batch: one starts at every break and every article start.
        sent_first = np.union1d(np.flatnonzero(sets == BREAK), starts[lengths > 0])
        sent_doc = np.searchsorted(ends, sent_first, side="right")
        opens_with_break = sets[sent_first] == BREAK
        has_words = np.diff(np.append(sent_first, len(sets))) > opens_with_break
        sent_first_word = sent_first + opens_with_break
        words = np.maximum(lengths - np.bincount(sent_doc, opens_with_break, n), 1)
        n_sent = np.maximum(np.bincount(sent_doc[has_words], minlength=n), 1)
        title_sent = np.searchsorted(sent_first, starts)

        def sentence_of(positions: np.ndarray) -> np.ndarray:
            return np.searchsorted(sent_first, positions, side="right") - 1

        per_sent = np.zeros((len(sent_first), len(WORD_LISTS)))
        per_doc = np.zeros((n, len(WORD_LISTS)))
        listed = np.flatnonzero(lists.any(axis=1)[sets])
        np.add.at(per_sent, sentence_of(listed), lists[sets[listed]])
        np.add.at(per_doc, np.searchsorted(ends, listed, side="right"), lists[sets[listed]])
        action, quote, counter, beneficiary, assistance, study = range(len(WORD_LISTS))
        reported_sent = (per_sent[:, action] > 0) & (per_sent[:, quote] == 0)

        # Mentions: one row per (word, label) a term speaks for.
        tok = np.flatnonzero(sets > BREAK)
        mi, per_word = ragged_indices(ptr, sets[tok])
        tok = np.repeat(tok, per_word)
        doc, s = np.searchsorted(ends, tok, side="right"), sentence_of(tok)
        key = doc * S + m_slot[mi]
        reported = reported_sent[s]
        subject = reported & (tok - sent_first_word[s] < SUBJECT_WORDS)
        title = s == title_sent[doc]
        early = tok - starts[doc] < EARLY * lengths[doc]
        rule = m_rule[mi].astype(np.float64)

        def per_label(weights: np.ndarray | None = None) -> np.ndarray:
            return np.bincount(key, weights, n * S).reshape(n, S)

        def distinct(values: np.ndarray) -> np.ndarray:
            base = int(values.max(initial=0)) + 1
            keys = np.unique(key * base + values) // base
            return np.bincount(keys, minlength=n * S).reshape(n, S)

        count = per_label()
        rule_count = per_label(rule)
        gate = (rule_count[:, 0] > 0).astype(np.float64)
        rule_any = (rule_count > 0).astype(np.float64)
        rule_any[:, 1:] *= gate[:, None]
        blocks = [
            rule_any,
            np.log1p(rule_count),
            np.log1p(count),
            np.log1p(distinct(m_term[mi])),
            np.log1p(per_label(reported.astype(np.float64))),
            np.log1p(per_label(subject.astype(np.float64))),
            (per_label(title.astype(np.float64)) > 0).astype(np.float64),
            (per_label(early.astype(np.float64)) > 0).astype(np.float64),
            distinct(s) / n_sent[:, None],
        ]
        per = np.stack(blocks, axis=2).reshape(n, S * len(PER_LABEL))
        help_sent = (per_sent[:, assistance] > 0) & (per_sent[:, beneficiary] > 0)
        sentences_with = [np.bincount(sent_doc[flag], minlength=n) for flag in (
            per_sent[:, quote] > 0, per_sent[:, assistance] > 0, per_sent[:, beneficiary] > 0,
            help_sent)]
        glob = np.column_stack([
            np.log(words) / 10,
            np.log1p(per_doc[:, counter]),
            50 * count[:, 0] / words,
            sentences_with[0] / n_sent,
            np.log1p(sentences_with[1]),
            np.log1p(sentences_with[2]),
            np.log1p(sentences_with[3]),
            np.log1p(per_doc[:, study]),
        ])
        return sparse.csr_matrix(np.hstack([per, glob]))
