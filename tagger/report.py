"""Evaluation reports: report.md and report.html with tables and plots, for people who quote numbers.

Both files are rendered from one list of sections (a heading, a table, an image), so they always say the
same thing. Plots: a precision-recall curve per label, a calibration curve per facet (do the scores mean
what they say?), and the learning curve when one was computed.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

from tagger.evaluate import Evaluation, summary
from tagger.taxonomy import MULTI_FACETS


@dataclass
class Section:
    heading: str
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[object, ...], ...] = ()
    image: str = ""


def _fmt(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _sections(ev: Evaluation, metrics: dict, images: dict[str, str]) -> list[Section]:
    model, base = summary(metrics), summary(metrics["baseline"])
    out = [Section(ev.title, f"{metrics['articles']} labelled articles.",
                   ("", "relief F1", "type macro-F1", "actor macro-F1"),
                   (("model", *model.values()), ("keyword baseline", *base.values())))]
    r = metrics["relief"]
    out.append(Section("relief", "", ("precision", "recall", "F1", "accuracy", "support"),
                       ((r["precision"], r["recall"], r["f1"], r["accuracy"], r["support"]),)))
    for facet in MULTI_FACETS:
        m, b = metrics[facet], metrics["baseline"][facet]
        rows = [(name, s["precision"], s["recall"], s["f1"], b["per_label"][name]["f1"], s["support"])
                for name, s in m["per_label"].items()]
        rows.append(("micro avg", m["micro_precision"], m["micro_recall"], m["micro_f1"],
                     b["micro_f1"], ""))
        rows.append(("macro avg", m["macro_precision"], m["macro_recall"], m["macro_f1"],
                     b["macro_f1"], ""))
        out.append(Section(facet, "", ("label", "precision", "recall", "F1", "baseline F1",
                                       "support"), tuple(rows), images.get(f"pr_{facet}", "")))
        table = metrics["cooccurrence"][facet]
        cols = tuple(next(iter(table.values())))
        out.append(Section(f"{facet}: true (rows) x predicted (columns)", "", ("", *cols),
                           tuple((name, *cells.values()) for name, cells in table.items())))
    out.append(Section("calibration", "Observed share of positives against the predicted score.",
                       image=images.get("calibration", "")))
    if ev.curve:
        out.append(Section("learning curve", "Scores of models trained on a share of each "
                           "training fold, tested on the same held-out folds.",
                           ("training articles", "relief F1", "type macro-F1", "actor macro-F1"),
                           tuple(tuple(p.values()) for p in ev.curve), images.get("learning", "")))
    return out


def _plots(ev: Evaluation, folder: Path) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import precision_recall_curve

    images, columns = {}, ev.columns
    # Scores as decisions use them: a type or actor counts only where relief was predicted.
    scores = ev.proba.copy()
    scores[:, 1:] *= ev.pred[:, :1]
    for facet in MULTI_FACETS:
        fig, ax = plt.subplots(figsize=(5, 4))
        for j, column in enumerate(columns):
            if column.startswith(facet + ":") and ev.Y[:, j].any():
                p, r, _ = precision_recall_curve(ev.Y[:, j], scores[:, j])
                ax.plot(r, p, label=column.split(":", 1)[1])
        ax.set(xlabel="recall", ylabel="precision", title=f"{facet}: precision-recall",
               xlim=(0, 1), ylim=(0, 1.02))
        ax.legend(fontsize=7)
        images[f"pr_{facet}"] = _save(fig, folder / f"pr_{facet}.png")
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot([0, 1], [0, 1], ":", color="grey")
    starts = {"relief": [0], **{f: [j for j, c in enumerate(columns) if c.startswith(f + ":")]
                                for f in MULTI_FACETS}}
    for facet, cols in starts.items():
        y, p = ev.Y[:, cols].ravel(), scores[:, cols].ravel()
        if 0 < y.sum() < len(y):
            frac, mean = calibration_curve(y, p, n_bins=10, strategy="quantile")
            ax.plot(mean, frac, marker="o", label=facet)
    ax.set(xlabel="predicted score", ylabel="observed share", title="calibration")
    ax.legend(fontsize=7)
    images["calibration"] = _save(fig, folder / "calibration.png")
    if ev.curve:
        fig, ax = plt.subplots(figsize=(5, 4))
        n = [p["train_articles"] for p in ev.curve]
        for key in ("relief_f1", "type_macro_f1", "actor_macro_f1"):
            ax.plot(n, [p[key] for p in ev.curve], marker="o", label=key)
        ax.set(xlabel="training articles", ylabel="score", title="learning curve", ylim=(0, 1))
        ax.legend(fontsize=7)
        images["learning"] = _save(fig, folder / "learning_curve.png")
    return images


def _save(fig: object, path: Path) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path.name


def _markdown(sections: list[Section]) -> str:
    lines = ["# tagger evaluation report", ""]
    for s in sections:
        lines += [f"## {s.heading}", ""]
        if s.text:
            lines += [s.text, ""]
        if s.header:
            lines.append("| " + " | ".join(s.header) + " |")
            lines.append("|" + "---|" * len(s.header))
            lines += ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in s.rows]
            lines.append("")
        if s.image:
            lines += [f"![{s.heading}]({s.image})", ""]
    return "\n".join(lines)


def _html(sections: list[Section]) -> str:
    e = html.escape
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>tagger evaluation</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;"
             "text-align:right}</style></head><body><h1>tagger evaluation report</h1>"]
    for s in sections:
        parts.append(f"<h2>{e(s.heading)}</h2>")
        if s.text:
            parts.append(f"<p>{e(s.text)}</p>")
        if s.header:
            parts.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in s.header) + "</tr>")
            for row in s.rows:
                parts.append("<tr>" + "".join(f"<td>{e(_fmt(v))}</td>" for v in row) + "</tr>")
            parts.append("</table>")
        if s.image:
            parts.append(f"<p><img src='{e(s.image)}' alt='{e(s.heading)}'></p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(ev: Evaluation, folder: Path) -> list[Path]:
    """Write report.md, report.html, metrics.json and the plots into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    metrics = ev.metrics()
    sections = _sections(ev, metrics, _plots(ev, folder))
    files = {"report.md": _markdown(sections), "report.html": _html(sections),
             "metrics.json": json.dumps(metrics, ensure_ascii=False, indent=2)}
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in files]

