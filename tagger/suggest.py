"""Which articles to label next: uncertain ones that are typical of the corpus, spread over it.

A few hundred labels from the user's own corpus are worth more than any amount of rules or team-written
text, so the labelling effort should go where it teaches the model most. Three ideas, each standard:

- Uncertainty: how close an article's least certain label is to its threshold (type and actor count
  only where relief is plausible, since they are empty otherwise).
- Information density (Settles & Craven 2008): uncertainty times the article's mean similarity to the
  whole corpus. Uncertainty alone favours odd articles (uncertain because they are unlike anything),
  whose labels teach little about the rest; a user's corpus also differs from the shipped one, and
  typical articles are what teach the model that difference. The mean cosine similarity to every
  article is the dot product with the sum of all (unit-length) TF-IDF rows, so it is exact and costs
  one pass, however large the corpus.
- Diversity: among the most uncertain, articles are picked greedily by that score minus their
  similarity to what is already picked or labelled (maximal marginal relevance over the model's own
  TF-IDF space), and near-duplicates of either are skipped outright.

In simulations on 306 real articles (scripts/simulate_active_learning.py, README), density weighting with
the single least certain label scored higher in every round than the previous choice, uncertainty
averaged over the three least certain labels without density.
"""
from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from tagger.api import Tagger
from tagger.batch import Failure, chunked, clean_document
from tagger.clean import clean_text
from tagger.sources import iter_documents

POOL_FACTOR = 20  # candidates kept (by uncertainty) per requested article before the final ranking
NEAR_DUPLICATE = 0.8  # cosine similarity at which an article counts as a repost of another
DIVERSITY = 0.5  # weight of similarity to picked/labelled articles against the density-weighted score


def margins(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Per label, distance from its threshold scaled to [0, 1] (0 = on the threshold)."""
    above = (proba - thresholds) / np.maximum(1 - thresholds, 1e-9)
    below = (thresholds - proba) / np.maximum(thresholds, 1e-9)
    return np.where(proba >= thresholds, above, below)


def uncertainty(proba: np.ndarray, thresholds: np.ndarray, columns: list[str]
                ) -> tuple[np.ndarray, list[str]]:
    """(uncertainty in [0, 1] per article, the label that makes it most uncertain).

    An article's uncertainty is how close its least certain label is to that label's threshold (the
    minimum margin over labels): one wrong label costs as much as several, and averaging over more
    labels let articles with several half-doubtful labels crowd out ones with one label on the edge.
    """
    m = margins(proba, thresholds)
    relief_plausible = proba[:, 0] >= thresholds[0] / 2
    m[~relief_plausible, 1:] = 1.0  # type/actor do not matter where relief is clearly no
    j = m.argmin(axis=1)
    return 1 - m[np.arange(len(m)), j], [columns[k] for k in j]


def density(X: sp.csr_matrix, total: np.ndarray, n: int) -> np.ndarray:
    """Mean cosine similarity of each (unit-length) row of `X` to the other articles of a corpus of
    `n` articles whose rows sum to `total`."""
    self_sim = np.asarray(X.multiply(X).sum(axis=1)).ravel()
    return (X @ total - self_sim) / max(n - 1, 1)


@dataclass
class Candidate:
    uncertainty: float
    id: str
    text: str
    record: dict
    label: str
    vector: sp.csr_matrix  # the article's TF-IDF row, for density and similarity


def suggest(tagger: Tagger, inputs: Iterable[str], n: int = 50,
            exclude: Iterable[str] = (), text_column: str = "text", id_column: str = "id"
            ) -> list[dict]:
    """The `n` articles most worth labelling next, each with the model's labels and the reason."""
    steps = tagger.pipeline.named_steps
    segmenter, features, clf = steps["segment"], steps["features"], steps["classify"]
    tfidf = features.transformer_list[0][1]
    excluded_texts = [clean_text(t) for t in exclude]
    pool: list[tuple[float, int, Candidate]] = []  # min-heap of the most uncertain
    total = np.zeros(len(tfidf.vocabulary_))
    seen = 0
    docs = iter_documents(inputs, text_column, id_column)
    for chunk in chunked(docs):
        good = [(doc_id, text) for doc_id, raw in chunk
                if not isinstance(text := clean_document(doc_id, raw), Failure)]
        if not good:
            continue
        ids, texts = [d for d, _ in good], [t for _, t in good]
        words = segmenter.transform(texts)  # segmented once, for the model and for similarity
        proba = clf.predict_proba(features.transform(words))
        X = tfidf.transform(words)
        total += np.asarray(X.sum(axis=0)).ravel()
        u, labels = uncertainty(proba, clf.thresholds_, tagger.columns)
        for k, (doc_id, text, record) in enumerate(zip(ids, texts, tagger.records(proba, ids))):
            seen += 1
            cand = Candidate(float(u[k]), doc_id, text, record, labels[k], X[k])
            entry = (cand.uncertainty, -seen, cand)
            if len(pool) < n * POOL_FACTOR:
                heapq.heappush(pool, entry)
            elif entry > pool[0]:
                heapq.heapreplace(pool, entry)
    candidates = [c for _, _, c in sorted(pool, reverse=True)]
    if not candidates:
        return []
    X = sp.vstack([c.vector for c in candidates]).tocsr()
    dens = density(X, total, seen)
    dens = dens / dens.max() if dens.max() > 0 else np.ones(len(candidates))
    E = tfidf.transform(segmenter.transform(excluded_texts)) if excluded_texts else None
    picked = _diverse(np.array([c.uncertainty for c in candidates]) * dens, X, E, n)
    return [_row(candidates[i], dens[i], tagger, clf.thresholds_) for i in picked]


def _diverse(score: np.ndarray, X: sp.csr_matrix, E: sp.csr_matrix | None, n: int) -> list[int]:
    """Greedy maximal marginal relevance: up to `n` row indices of `X` by `score` minus the similarity
    to rows already picked or to `E` (labelled articles); near-duplicates of either are never picked."""
    max_sim = (X @ E.T).max(axis=1).toarray().ravel() if E is not None else np.zeros(X.shape[0])
    available = max_sim < NEAR_DUPLICATE
    picked: list[int] = []
    while len(picked) < n and available.any():
        value = np.where(available, score - DIVERSITY * max_sim, -np.inf)
        best = int(np.argmax(value))
        picked.append(best)
        max_sim = np.maximum(max_sim, (X @ X[best].T).toarray().ravel())
        available &= max_sim < NEAR_DUPLICATE
        available[best] = False
    return picked


def _row(c: Candidate, typicality: float, tagger: Tagger, thresholds: np.ndarray) -> dict:
    j = tagger.columns.index(c.label)
    facet, _, name = c.label.partition(":")
    score = c.record["scores"]["relief"] if c.label == "relief" else c.record["scores"][facet][name]
    reason = (f"{c.label} is uncertain: score {score:.2f} against threshold {thresholds[j]:.2f}; "
              f"typicality {typicality:.2f}")
    return {"id": c.id, "text": c.text, "relief": c.record["relief"], "type": c.record["type"],
            "actor": c.record["actor"], "scores": c.record["scores"],
            "uncertainty": round(c.uncertainty, 4), "typicality": round(float(typicality), 4),
            "reason": reason}
