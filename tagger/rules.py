"""The keyword baseline: tag a label whenever one of its cue words or aliases occurs.

This is what a researcher would do with grep and the taxonomy's tables, and the bar the model has to
clear: `tagger evaluate --baseline` scores it side by side with the model on the same data.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from tagger.clean import clean_text
from tagger.lexicon import Lexicon
from tagger.model import label_columns
from tagger.taxonomy import Taxonomy


class KeywordTagger:
    """relief if a relief cue occurs; a type if one of its cue words occurs, an actor if one of its
    organisations is named, in both cases only when relief holds."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.lexicon = Lexicon(taxonomy)
        self.columns = label_columns(taxonomy)

    def predict(self, texts: Iterable[str]) -> np.ndarray:
        index = {c: j for j, c in enumerate(self.columns)}
        rows = []
        for text in texts:
            row = np.zeros(len(self.columns), dtype=int)
            for m in self.lexicon.mentions(clean_text(text), ("relief", "type", "actor")):
                if not m.rule:
                    continue
                for label in m.labels:
                    row[index["relief" if m.facet == "relief" else f"{m.facet}:{label}"]] = 1
            row[1:] *= row[0]
            rows.append(row)
        return np.array(rows).reshape(-1, len(self.columns))
