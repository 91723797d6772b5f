"""Scores per facet, in the shape researchers quote them.

relief is scored as a binary task (F1 of the `yes` class, accuracy); type and actor as multi-label tasks
over all articles (a relief=no article whose types are rightly empty counts as correct negatives), with
per-label precision, recall, F1 and support and their micro and macro averages.
"""
from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, precision_recall_fscore_support

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
