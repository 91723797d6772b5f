"""Scores per facet, in the shape researchers quote them.

relief is scored as a binary task (F1 of the `yes` class, accuracy); type and actor as multi-label tasks
over all articles (a relief=no article whose types are rightly empty counts as correct negatives), with
per-label precision, recall, F1 and support and their micro and macro averages.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.metrics import accuracy_score, precision_recall_fscore_support

from tagger.errors import TaggerError
from tagger.taxonomy import MULTI_FACETS, Taxonomy


def _prf(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, average="binary", zero_division=0)
    return {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(y_true.sum())}


def score(Y_true: np.ndarray, Y_pred: np.ndarray, taxonomy: Taxonomy) -> dict:
    """Metrics for label matrices laid out as `tagger.model.label_columns(taxonomy)`."""
    Y_true, Y_pred = np.asarray(Y_true, dtype=int), np.asarray(Y_pred, dtype=int)
    result: dict = {"n_articles": int(len(Y_true))}
    result["relief"] = {**_prf(Y_true[:, 0], Y_pred[:, 0]),
                        "accuracy": float(accuracy_score(Y_true[:, 0], Y_pred[:, 0]))}
    col = 1
    for facet in MULTI_FACETS:
        names = taxonomy.names(facet)
        t, p = Y_true[:, col:col + len(names)], Y_pred[:, col:col + len(names)]
        col += len(names)
        per_label = {name: _prf(t[:, j], p[:, j]) for j, name in enumerate(names)}
        micro = precision_recall_fscore_support(t, p, average="micro", zero_division=0)
        result[facet] = {
            "macro_f1": float(np.mean([m["f1"] for m in per_label.values()])),
            "macro_precision": float(np.mean([m["precision"] for m in per_label.values()])),
            "macro_recall": float(np.mean([m["recall"] for m in per_label.values()])),
            "micro_f1": float(micro[2]),
            "micro_precision": float(micro[0]),
            "micro_recall": float(micro[1]),
            "per_label": per_label,
        }
    return result


def format_report(metrics: dict, title: str = "") -> str:
    """Plain-text tables, one per facet."""
    lines = [title] if title else []
    r = metrics["relief"]
    lines.append(f"relief   precision {r['precision']:.3f}  recall {r['recall']:.3f}  "
                 f"F1 {r['f1']:.3f}  accuracy {r['accuracy']:.3f}  support {r['support']}"
                 f"  (of {metrics['n_articles']} articles)")
    for facet in MULTI_FACETS:
        m = metrics[facet]
        lines.append("")
        lines.append(f"{facet:<18}{'precision':>10}{'recall':>10}{'F1':>10}{'support':>10}")
        for name, s in m["per_label"].items():
            lines.append(f"  {name:<16}{s['precision']:>10.3f}{s['recall']:>10.3f}{s['f1']:>10.3f}"
                         f"{s['support']:>10d}")
        lines.append(f"  {'micro avg':<16}{m['micro_precision']:>10.3f}{m['micro_recall']:>10.3f}"
                     f"{m['micro_f1']:>10.3f}")
        lines.append(f"  {'macro avg':<16}{m['macro_precision']:>10.3f}{m['macro_recall']:>10.3f}"
                     f"{m['macro_f1']:>10.3f}")
    return "\n".join(lines)


def summary(metrics: dict) -> dict[str, float]:
    """The three headline figures: relief F1, type macro-F1, actor macro-F1."""
    return {"relief_f1": metrics["relief"]["f1"], "type_macro_f1": metrics["type"]["macro_f1"],
            "actor_macro_f1": metrics["actor"]["macro_f1"]}


# ---- cross-validation that researchers can cite ---------------------------------------------------
NEAR_DUPLICATE_SIMILARITY = 0.8  # cosine of character 2-3-gram TF-IDF: the same story reposted


def near_duplicate_groups(texts: list[str], similarity: float = NEAR_DUPLICATE_SIMILARITY
                          ) -> np.ndarray:
    """A group id per text; texts whose character n-gram cosine similarity reaches `similarity`
    (directly or through a chain) share a group, so reposts of one story never straddle folds."""
    from scipy.sparse.csgraph import connected_components
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.neighbors import NearestNeighbors

    if len(texts) < 2:
        return np.zeros(len(texts), dtype=int)
    X = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), min_df=1).fit_transform(texts)
    graph = NearestNeighbors(radius=1 - similarity, metric="cosine", algorithm="brute").fit(X)
    _, groups = connected_components(graph.radius_neighbors_graph(X), directed=False)
    return groups


def grouped_folds(Y: np.ndarray, groups: np.ndarray, k: int, seed: int = 0
                  ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Multi-label iterative stratification over groups (a group carries the union of its labels)."""
    from iterstrat.ml_stratifiers import MultilabelStratifiedKFold

    ids = np.unique(groups)
    if k < 2 or len(ids) < k:
        raise TaggerError(f"{len(ids)} distinct articles (after grouping near-duplicates) cannot be "
                          f"split into {k} folds: use 2 <= K <= {len(ids)}")
    G = np.zeros((len(ids), Y.shape[1]), dtype=int)
    np.maximum.at(G, np.searchsorted(ids, groups), Y)
    folds = MultilabelStratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    out = []
    for _, test_groups in folds.split(np.zeros(len(ids)), G):
        test = np.isin(groups, ids[test_groups])
        out.append((np.flatnonzero(~test), np.flatnonzero(test)))
    return out


def out_of_fold(texts: np.ndarray, Y: np.ndarray, folds: list, build: object,
                fraction: float = 1.0, seed: int = 0, weight: np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold (probabilities, decisions): each fold scored by a pipeline fitted on the others
    (or on a random `fraction` of them, for learning curves). Thresholds are chosen inside the
    training folds only, by the classifier's own inner cross-validation."""
    import warnings

    proba = np.zeros(Y.shape, dtype=float)
    pred = np.zeros_like(Y)
    rng = np.random.default_rng(seed)
    for train, test in folds:
        with warnings.catch_warnings():
            if fraction < 1.0:  # tiny subsamples lack some labels by design: no need to warn
                warnings.simplefilter("ignore", UserWarning)
                train = rng.choice(train, size=max(int(len(train) * fraction), 10), replace=False)
            fit_params = {} if weight is None else {"classify__sample_weight": weight[train]}
            pipeline = build().fit(list(texts[train]), Y[train], **fit_params)
        proba[test] = pipeline.predict_proba(list(texts[test]))
        pred[test] = pipeline.named_steps["classify"].decide(proba[test])
    return proba, pred


def cooccurrence(Y_true: np.ndarray, Y_pred: np.ndarray, taxonomy: Taxonomy) -> dict:
    """Per multi-label facet: for each true label, how often each label was predicted on those
    articles (the diagonal are hits; off-diagonal cells show which labels get confused)."""
    out, col = {}, 1
    for facet in MULTI_FACETS:
        names = taxonomy.names(facet)
        t, p = Y_true[:, col:col + len(names)], Y_pred[:, col:col + len(names)]
        col += len(names)
        out[facet] = {a: {b: int(((t[:, i] == 1) & (p[:, j] == 1)).sum())
                          for j, b in enumerate(names)} | {"(none)": int(((t[:, i] == 1)
                                                                      & (p.sum(1) == 0)).sum())}
                      for i, a in enumerate(names)}
    return out


def misclassified(ids: list[str], texts: list[str], Y: np.ndarray, proba: np.ndarray,
                  pred: np.ndarray, columns: list[str]) -> list[dict]:
    """One entry per wrong label decision: id, label, truth, prediction, score, text excerpt."""
    rows = []
    for i, j in zip(*np.nonzero(Y != pred)):
        rows.append({"id": ids[i], "label": columns[j], "true": bool(Y[i, j]),
                     "predicted": bool(pred[i, j]), "score": round(float(proba[i, j]), 4),
                     "excerpt": texts[i][:80].replace("\n", " ")})
    return rows


def format_cooccurrence(table: dict) -> str:
    lines = []
    for facet, rows in table.items():
        cols = list(next(iter(rows.values())))
        width = max(len(c) for c in cols) + 2
        lines.append(f"{facet}: true label (row) x predicted label (column)")
        lines.append(" " * 18 + "".join(f"{c[:width - 2]:>{width}}" for c in cols))
        for name, cells in rows.items():
            lines.append(f"  {name:<16}" + "".join(f"{cells[c]:>{width}}" for c in cols))
        lines.append("")
    return "\n".join(lines)


LEARNING_FRACTIONS = (0.1, 0.2, 0.35, 0.5, 0.75, 1.0)


@dataclass
class Evaluation:
    """Everything one evaluation produced: truth, scores and decisions of the model and the keyword
    baseline, per article. `metrics()` is the JSON that `tagger evaluate --json` prints."""

    title: str
    taxonomy: Taxonomy
    ids: list[str]
    texts: list[str]
    Y: np.ndarray
    proba: np.ndarray
    pred: np.ndarray
    baseline: np.ndarray
    info: dict = field(default_factory=dict)
    curve: list[dict] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        from tagger.model import label_columns

        return label_columns(self.taxonomy)

    def metrics(self) -> dict:
        out = score(self.Y, self.pred, self.taxonomy)
        out["baseline"] = score(self.Y, self.baseline, self.taxonomy)
        out["cooccurrence"] = cooccurrence(self.Y, self.pred, self.taxonomy)
        out.update(self.info)
        if self.curve:
            out["learning_curve"] = self.curve
        return out

    def errors(self) -> list[dict]:
        return misclassified(self.ids, self.texts, self.Y, self.proba, self.pred, self.columns)


def cross_validation(frame: object, taxonomy: Taxonomy, k: int = 5, seed: int = 0,
                     learning_curve: bool = False, **params: object) -> Evaluation:
    """K-fold cross-validation of the default pipeline on labelled data: near-duplicates grouped,
    folds stratified over all labels, the keyword baseline scored on the same articles."""
    from tagger.clean import clean_text
    from tagger.data import label_matrix
    from tagger.model import build_pipeline
    from tagger.rules import KeywordTagger

    texts = np.array(frame["text"].tolist(), dtype=object)
    Y = label_matrix(frame, taxonomy)
    groups = near_duplicate_groups([clean_text(t) for t in texts])
    folds = grouped_folds(Y, groups, k, seed)

    def build() -> object:
        return build_pipeline(taxonomy, **params)

    weight = frame["weight"].to_numpy() if "weight" in frame else None
    proba, pred = out_of_fold(texts, Y, folds, build, seed=seed, weight=weight)
    curve = []
    if learning_curve:
        for fraction in LEARNING_FRACTIONS:
            _, p = (proba, pred) if fraction == 1.0 else out_of_fold(texts, Y, folds, build,
                                                                     fraction, seed, weight)
            n_train = int(np.mean([max(int(len(tr) * fraction), 10) for tr, _ in folds]))
            curve.append({"train_articles": n_train, **summary(score(Y, p, taxonomy))})
    return Evaluation(
        title=f"{k}-fold cross-validation", taxonomy=taxonomy, ids=frame["id"].tolist(),
        texts=texts.tolist(), Y=Y, proba=proba, pred=pred,
        baseline=KeywordTagger(taxonomy).predict(texts),
        info={"k": k, "seed": seed, "articles": len(texts),
              "near_duplicate_groups": int(len(np.unique(groups)))},
        curve=curve,
    )
