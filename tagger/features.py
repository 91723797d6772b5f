"""Features that carry what the taxonomy already knows into the linear model.

TF-IDF over words learns from the training texts only; with a few hundred team-written articles it
misses what the label definitions say outright (民盟 is a democratic party, 义诊 is medical help). These
features give the classifier, per label, how often and where its cue words and organisation aliases
occur: in a sentence that reports an action (组织, 捐赠, 签约 ...) rather than one that quotes an
authority, at the start of a sentence (the organisation as subject), in the title, and how widely they
are spread. The keyword rule itself is one of the features, so the model can lean on it where it is
right and learn where it is not.
"""
from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from tagger.lexicon import Lexicon, Mention, sentence_spans
from tagger.taxonomy import MULTI_FACETS, Taxonomy

PER_LABEL = ("rule", "rule_count", "count", "distinct", "action", "subject", "title", "early", "share")
GLOBAL = ("log_length", "counter_cues", "relief_density", "quote_sentences", "assistance_sentences",
          "beneficiary_sentences", "help_for_needy_sentences", "study_markers")
SUBJECT_WINDOW = 12  # characters from a sentence's start within which an organisation is its subject


class TaxonomyFeatures(BaseEstimator, TransformerMixin):
    """Per-label cue and alias statistics of clean texts; stateless (fit learns nothing)."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy

    def _slots(self) -> list[tuple[str, str]]:
        slots = [("relief", "relief")]
        for facet in MULTI_FACETS:
            slots += [(facet, name) for name in self.taxonomy.names(facet)]
        return slots

    def fit(self, X: Iterable[str], y: object = None) -> TaxonomyFeatures:
        self.lexicon_ = Lexicon(self.taxonomy)
        self.slots_ = self._slots()
        return self

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        names = [f"{facet}:{label}:{kind}" for facet, label in self.slots_ for kind in PER_LABEL]
        return np.array(names + [f"global:{g}" for g in GLOBAL], dtype=object)

    def transform(self, X: Iterable[str]) -> sparse.csr_matrix:
        rows = [self._row(text) for text in X]
        return sparse.csr_matrix(np.array(rows, dtype=np.float64).reshape(len(rows), -1))

    def _row(self, text: str) -> list[float]:
        spans = sentence_spans(text)
        n_sent = max(len(spans), 1)
        found = self.lexicon_.mentions(text)
        action_sents = {m.sentence for m in found if m.facet == "action"}
        quote_sents = {m.sentence for m in found if m.facet == "quote"}
        relief_found = [m for m in found if m.facet == "relief"]
        gate = float(any(m.rule for m in relief_found))
        by_slot: dict[tuple[str, str], list[Mention]] = {}
        for m in found:
            if m.facet == "relief":
                by_slot.setdefault(("relief", "relief"), []).append(m)
            elif m.facet in MULTI_FACETS:
                for label in m.labels:
                    by_slot.setdefault((m.facet, label), []).append(m)
        row: list[float] = []
        length = max(len(text), 1)
        for slot in self.slots_:
            ms = by_slot.get(slot, [])
            reported = [m for m in ms if m.sentence in action_sents and m.sentence not in quote_sents]
            subject = [
                m for m in reported if m.start - spans[m.sentence][0] <= SUBJECT_WINDOW
            ] if spans else []
            row += [
                (gate if slot[0] != "relief" else 1.0) * float(any(m.rule for m in ms)),
                math.log1p(sum(1 for m in ms if m.rule)),
                math.log1p(len(ms)),
                math.log1p(len({m.text for m in ms})),
                math.log1p(len(reported)),
                math.log1p(len(subject)),
                float(any(m.sentence == 0 for m in ms)),
                float(any(m.start < 0.2 * length for m in ms)),
                len({m.sentence for m in ms}) / n_sent,
            ]
        assist = {m.sentence for m in found if m.facet == "assistance"}
        needy = {m.sentence for m in found if m.facet == "beneficiary"}
        row += [
            math.log(length) / 10,
            math.log1p(sum(1 for m in found if m.facet == "counter")),
            1000 * len(relief_found) / length / 10,
            len(quote_sents) / n_sent,
            math.log1p(len(assist)),
            math.log1p(len(needy)),
            math.log1p(len(assist & needy)),
            math.log1p(sum(1 for m in found if m.facet == "study")),
        ]
        return row
