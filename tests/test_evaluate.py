"""Cross-validation, near-duplicate grouping, tables and reports on generated data."""
import json

import numpy as np

from tagger import Tagger
from tagger.cli import main
from tagger.evaluate import cooccurrence, grouped_folds, near_duplicate_groups, score

from conftest import make_corpus, write_jsonl


def test_near_duplicates_share_a_group_and_never_straddle_folds():
    story = "县政协组织专家到贫困村开展义诊，为群众免费体检，赠送药品，受到村民欢迎。" * 3
    texts = [story, "【转载】" + story + "（来源：某网）", "公司发布年度财报，营收同比增长。" * 3,
             "民盟捐赠图书给山区小学，帮助留守儿童读书。" * 3]
    groups = near_duplicate_groups(texts)
    assert groups[0] == groups[1] and len(set(groups)) == 3
    Y = np.array([[1, 0], [1, 0], [0, 1], [1, 1]])
    for train, test in grouped_folds(Y, groups, k=2, seed=0):
        assert not (set(groups[train]) & set(groups[test]))
        assert sorted(np.concatenate([train, test]).tolist()) == [0, 1, 2, 3]


def test_cooccurrence_counts_confusions(taxonomy):
    n = 1 + len(taxonomy.names("type")) + len(taxonomy.names("actor"))
    Y, P = np.zeros((2, n), int), np.zeros((2, n), int)
    Y[0, [0, 1]] = 1  # relief, industry
    P[0, [0, 4]] = 1  # predicted ecommerce instead
    table = cooccurrence(Y, P, taxonomy)["type"]
    assert table["industry"]["ecommerce"] == 1 and table["industry"]["industry"] == 0
    assert table["industry"]["(none)"] == 0 and table["education"]["(none)"] == 0
    assert score(Y, P, taxonomy)["type"]["per_label"]["industry"]["recall"] == 0.0


def test_cross_validation_with_learning_curve_and_report(tmp_path, taxonomy, capsys):
    data = write_jsonl(tmp_path / "d.jsonl", make_corpus(60))
    report = tmp_path / "report"
    assert main(["evaluate", "--cv", "3", "--data", str(data), "--learning-curve",
                 "--report", str(report), "--json"]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["k"] == 3 and metrics["articles"] == 60
    assert [p["train_articles"] for p in metrics["learning_curve"]] == sorted(
        p["train_articles"] for p in metrics["learning_curve"])
    assert metrics["relief"]["f1"] > metrics["learning_curve"][0]["relief_f1"] - 0.2
    assert {"baseline", "cooccurrence"} <= set(metrics)
    for name in ("report.md", "report.html", "metrics.json", "pr_type.png", "pr_actor.png",
                 "calibration.png", "learning_curve.png"):
        assert (report / name).stat().st_size > 0
    md = (report / "report.md").read_text(encoding="utf-8")
    assert "keyword baseline" in md and "![learning curve](learning_curve.png)" in md


def test_errors_lists_the_misclassified_articles(trained, tmp_path):
    rows = make_corpus(8, seed=3)
    rows[0] = {**rows[0], "relief": False, "type": [], "actor": []}  # a label the model will miss
    ev = trained.evaluation([write_jsonl(tmp_path / "h.jsonl", rows)])
    errors = ev.errors()
    assert any(e["id"] == rows[0]["id"] and e["label"] == "relief" and e["true"] is False
               for e in errors)
    assert all(0.0 <= e["score"] <= 1.0 for e in errors)


def test_cross_validate_api_has_the_evaluate_shape(corpus_file, taxonomy):
    metrics = Tagger.cross_validate([corpus_file], k=3, taxonomy=taxonomy)
    assert {"relief", "type", "actor", "baseline", "near_duplicate_groups"} <= set(metrics)
