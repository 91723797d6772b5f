"""The classifier: an ordinary scikit-learn Pipeline from raw text to the three facets.

    clean -> segment -> FeatureUnion(TF-IDF of words, taxonomy features) -> FacetClassifier

`FacetClassifier` holds one logistic regression per label (relief, each type, each actor), each with its
own decision threshold chosen on held-out folds of the training data: with unbalanced labels a fixed 0.5
throws away most of a linear model's recall. Types and actors are emptied whenever relief is predicted
false, as the taxonomy requires.
"""
from __future__ import annotations

import warnings

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from tagger.clean import clean_text
from tagger.features import TaxonomyFeatures
from tagger.segment import DEFAULT_DOMAIN_WORDS, Segmenter, read_word_list
from tagger.taxonomy import MULTI_FACETS, Taxonomy
from tagger.vectorize import WordTfidf

THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)


def clean_texts(texts: object) -> list[str]:
    """Vectorised `clean_text`, the first step of every pipeline (training and prediction alike)."""
    return [clean_text(t) for t in texts]


def label_columns(taxonomy: Taxonomy) -> list[str]:
    """Output columns: 'relief', then 'type:<name>' and 'actor:<name>' in taxonomy order."""
    return ["relief"] + [f"{f}:{n}" for f in MULTI_FACETS for n in taxonomy.names(f)]


def best_threshold(y_true: np.ndarray, scores: np.ndarray, weight: np.ndarray | None = None
                   ) -> float:
    """Threshold on `scores` that maximises (weighted) F1; ties go to the threshold nearest 0.5."""
    w = np.ones(len(y_true)) if weight is None else weight
    best, best_f1 = 0.5, -1.0
    for t in sorted(THRESHOLD_GRID, key=lambda v: abs(v - 0.5)):
        pred = scores >= t
        tp = np.sum(w[pred & (y_true == 1)])
        denom = w[pred].sum() + w[y_true == 1].sum()
        f1 = 2 * tp / denom if denom else 0.0
        if f1 > best_f1 + 1e-9:
            best, best_f1 = float(t), f1
    return best


def constant_classifier(p: float, n_features: int) -> LogisticRegression:
    """A logistic regression that ignores its input and always gives probability `p`.

    Used for a label the training data never (or always) shows, so every column is the same kind of
    model and can be saved as plain arrays.
    """
    est = LogisticRegression()
    est.classes_ = np.array([0, 1])
    est.coef_ = np.zeros((1, n_features))
    p = min(max(p, 1e-6), 1 - 1e-6)
    est.intercept_ = np.array([np.log(p / (1 - p))])
    est.n_features_in_ = n_features
    return est


class FacetClassifier(BaseEstimator, ClassifierMixin):
    """One binary classifier per label column, per-label thresholds, relief gating.

    Parameters
    ----------
    columns : names of the label columns of Y ("relief" first, then "type:x", "actor:y").
    estimator : the binary classifier cloned for every column.
    cv : folds used to choose each label's threshold from out-of-fold probabilities.
    gate_on_relief : train type/actor classifiers on relief articles only and empty them at prediction
        time when relief is predicted false.
    """

    def __init__(
        self,
        columns: tuple[str, ...],
        estimator: BaseEstimator | None = None,
        cv: int = 5,
        gate_on_relief: bool = True,
        random_state: int = 0,
    ) -> None:
        self.columns = columns
        self.estimator = estimator
        self.cv = cv
        self.gate_on_relief = gate_on_relief
        self.random_state = random_state

    def _base(self) -> BaseEstimator:
        if self.estimator is not None:
            return clone(self.estimator)
        return LogisticRegression(C=4.0, class_weight="balanced", solver="liblinear")

    def fit(self, X: object, Y: np.ndarray, sample_weight: np.ndarray | None = None
            ) -> FacetClassifier:
        """Fit every label's classifier; `sample_weight` weighs articles (a user's own labels
        count more than the shipped corpus) in fitting and in choosing thresholds."""
        Y = np.asarray(Y, dtype=int)
        weight = np.ones(len(Y)) if sample_weight is None else np.asarray(sample_weight, float)
        if Y.ndim != 2 or Y.shape[1] != len(self.columns):
            raise ValueError(f"Y must have {len(self.columns)} columns: {self.columns}")
        relief = Y[:, 0] == 1
        self.estimators_, thresholds = [], []
        for j, column in enumerate(self.columns):
            rows = relief if (self.gate_on_relief and j > 0) else np.ones(len(Y), dtype=bool)
            est, threshold = self._fit_one(X[rows], Y[rows, j], weight[rows], column)
            self.estimators_.append(est)
            thresholds.append(threshold)
        self.thresholds_ = np.array(thresholds)
        return self

    def _fit_one(self, X: object, y: np.ndarray, w: np.ndarray, column: str
                 ) -> tuple[BaseEstimator, float]:
        n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
        if n_pos == 0 or n_neg == 0:
            warnings.warn(f"label {column!r} has {n_pos} positive and {n_neg} negative training "
                          "articles: it is predicted by its prior only", stacklevel=3)
            return constant_classifier(n_pos / max(len(y), 1), X.shape[1]), 0.5
        est = self._base().fit(X, y, sample_weight=w)
        folds = min(self.cv, n_pos, n_neg)
        if folds < 2:
            warnings.warn(f"label {column!r} has too few examples ({n_pos} positive, {n_neg} "
                          "negative) to choose a threshold: 0.5 is used", stacklevel=3)
            return est, 0.5
        oof = np.zeros(len(y))
        split = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
        for train, test in split.split(np.zeros(len(y)), y):
            inner = self._base().fit(X[train], y[train], sample_weight=w[train])
            oof[test] = inner.predict_proba(X[test])[:, 1]
        return est, best_threshold(y, oof, w)

    def predict_proba(self, X: object) -> np.ndarray:
        """(n_articles, n_columns) probabilities, one column per label.

        Logistic regressions are applied together, as one sparse-dense product: asking each
        estimator in turn costs more in input validation than in arithmetic on a batch of articles.
        """
        stacked = self._stacked()
        if stacked is None:
            return np.column_stack([est.predict_proba(X)[:, 1] for est in self.estimators_])
        coef, intercept = stacked
        return expit(X @ coef + intercept)

    def _stacked(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(features x labels coefficients, intercepts) when every estimator is a binary logistic
        regression, built once per fitted set of estimators; None otherwise."""
        cached = self.__dict__.get("_stacked_cache")
        if cached is not None and cached[0] is self.estimators_:
            return cached[1]
        stacked = None
        if all(isinstance(e, LogisticRegression) and e.coef_.shape[0] == 1
               for e in self.estimators_):
            stacked = (np.ascontiguousarray(np.vstack([e.coef_ for e in self.estimators_]).T),
                       np.concatenate([e.intercept_ for e in self.estimators_]))
        self._stacked_cache = (self.estimators_, stacked)
        return stacked

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """Apply the per-label thresholds and the relief gate to probabilities."""
        pred = (proba >= self.thresholds_).astype(int)
        if self.gate_on_relief:
            pred[:, 1:] *= pred[:, :1]
        return pred

    def predict(self, X: object) -> np.ndarray:
        return self.decide(self.predict_proba(X))


def build_pipeline(
    taxonomy: Taxonomy,
    segmenter_backend: str = "rjieba",
    ngram_range: tuple[int, int] = (1, 2),
    taxonomy_weight: float = 0.5,
    C: float = 4.0,
    random_state: int = 0,
) -> Pipeline:
    """The default model, untrained. Every step is a plain sklearn estimator a user can swap.

    `random_state` seeds the folds that choose each label's threshold (the only randomness in
    training), so repeated runs such as the active-learning simulation can vary it."""
    words = tuple(sorted(taxonomy.vocabulary() | set(read_word_list(DEFAULT_DOMAIN_WORDS))))
    return Pipeline([
        ("clean", FunctionTransformer(clean_texts)),
        ("segment", Segmenter(words=words, backend=segmenter_backend)),
        ("features", FeatureUnion(
            [("words", WordTfidf(ngram_range=ngram_range, min_df=2, max_df=0.9,
                                 max_features=200_000, sublinear_tf=True)),
             ("taxonomy", TaxonomyFeatures(taxonomy))],
            transformer_weights={"words": 1.0, "taxonomy": taxonomy_weight},
        )),
        ("classify", FacetClassifier(
            columns=tuple(label_columns(taxonomy)),
            estimator=LogisticRegression(C=C, class_weight="balanced", solver="liblinear"),
            random_state=random_state,
        )),
    ])
