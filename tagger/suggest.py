"""Which articles to label next: the ones the model is least sure of, spread over the corpus.

A few hundred labels from the user's own corpus are worth more than any amount of rules or team-written
text, so the labelling effort should go where it teaches the model most. An article's uncertainty is how
close its least certain labels are to their thresholds (type and actor count only where relief is
plausible, since they are empty otherwise), averaged over its few least certain labels. Among the most uncertain, articles are picked greedily by
uncertainty minus their similarity to what is already picked or labelled (maximal marginal relevance
over the model's own TF-IDF space), and near-duplicates of either are skipped outright.
"""
from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from tagger.api import Tagger
from tagger.batch import Failure, chunked, clean_document
from tagger.clean import clean_text
from tagger.sources import iter_documents

POOL_FACTOR = 20  # candidates kept per requested article before diversity selection
NEAR_DUPLICATE = 0.8  # cosine similarity at which an article counts as a repost of another
DIVERSITY = 0.5  # weight of similarity against uncertainty in the greedy pick
TOP_LABELS = 3  # an article's uncertainty: mean over its this many least certain labels


def margins(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Per label, distance from its threshold scaled to [0, 1] (0 = on the threshold)."""
    above = (proba - thresholds) / np.maximum(1 - thresholds, 1e-9)
    below = (thresholds - proba) / np.maximum(thresholds, 1e-9)
    return np.where(proba >= thresholds, above, below)


def uncertainty(proba: np.ndarray, thresholds: np.ndarray, columns: list[str], top: int = TOP_LABELS
                ) -> tuple[np.ndarray, list[str]]:
    """(uncertainty in [0, 1] per article, the label that makes it most uncertain).

    An article's uncertainty is the mean closeness to threshold of its `top` least certain labels:
    one with several doubtful labels teaches more than one with a single doubtful label.
    """
    m = margins(proba, thresholds)
    relief_plausible = proba[:, 0] >= thresholds[0] / 2
    m[~relief_plausible, 1:] = 1.0  # type/actor do not matter where relief is clearly no
    j = m.argmin(axis=1)
    closest = np.sort(m, axis=1)[:, :top]
    return 1 - closest.mean(axis=1), [columns[k] for k in j]


@dataclass
class Candidate:
    score: float
    id: str
    text: str
    record: dict
    label: str


def suggest(tagger: Tagger, inputs: Iterable[str], n: int = 50,
            exclude: Iterable[str] = (), text_column: str = "text", id_column: str = "id"
            ) -> list[dict]:
    """The `n` articles most worth labelling next, each with the model's labels and the reason."""
    clf = tagger.pipeline.named_steps["classify"]
    excluded_texts = [clean_text(t) for t in exclude]
    pool: list[tuple[float, int, Candidate]] = []  # min-heap of the most uncertain
    seen = 0
    docs = iter_documents(inputs, text_column, id_column)
    for chunk in chunked(docs):
        good = [(doc_id, text) for doc_id, raw in chunk
                if not isinstance(text := clean_document(doc_id, raw), Failure)]
        if not good:
            continue
        ids, texts = [d for d, _ in good], [t for _, t in good]
        proba = tagger.predict_proba(texts, cleaned=True)
        u, labels = uncertainty(proba, clf.thresholds_, tagger.columns)
        for doc_id, text, record, score, label in zip(ids, texts, tagger.records(proba, ids), u,
                                                      labels):
            seen += 1
            cand = Candidate(float(score), doc_id, text, record, label)
            entry = (cand.score, -seen, cand)
            if len(pool) < n * POOL_FACTOR:
                heapq.heappush(pool, entry)
            elif entry > pool[0]:
                heapq.heapreplace(pool, entry)
    candidates = [c for _, _, c in sorted(pool, reverse=True)]
    return [_row(c, tagger, clf.thresholds_) for c in _diverse(tagger, candidates,
                                                                 excluded_texts, n)]


def _diverse(tagger: Tagger, candidates: list[Candidate], excluded: list[str], n: int
             ) -> list[Candidate]:
    if not candidates:
        return []
    segmenter = tagger.pipeline.named_steps["segment"]
    tfidf = tagger.pipeline.named_steps["features"].transformer_list[0][1]
    X = tfidf.transform(segmenter.transform([c.text for c in candidates]))
    E = tfidf.transform(segmenter.transform(excluded)) if excluded else None
    picked: list[int] = []
    max_sim = (X @ E.T).max(axis=1).toarray().ravel() if E is not None else np.zeros(X.shape[0])
    while len(picked) < n:
        best, best_value = None, -np.inf
        for i, c in enumerate(candidates):
            if i in picked or max_sim[i] >= NEAR_DUPLICATE:
                continue
            value = c.score - DIVERSITY * max_sim[i]
            if value > best_value:
                best, best_value = i, value
        if best is None:
            break
        picked.append(best)
        max_sim = np.maximum(max_sim, (X @ X[best].T).toarray().ravel())
    return [candidates[i] for i in picked]


def _row(c: Candidate, tagger: Tagger, thresholds: np.ndarray) -> dict:
    j = tagger.columns.index(c.label)
    facet, _, name = c.label.partition(":")
    score = c.record["scores"]["relief"] if c.label == "relief" else c.record["scores"][facet][name]
    reason = (f"{c.label} is uncertain: score {score:.2f} against threshold {thresholds[j]:.2f}")
    return {"id": c.id, "text": c.text, "relief": c.record["relief"], "type": c.record["type"],
            "actor": c.record["actor"], "scores": c.record["scores"],
            "uncertainty": round(c.score, 4), "reason": reason}
