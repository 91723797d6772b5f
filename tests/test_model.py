import numpy as np
from sklearn.pipeline import Pipeline

from tagger import Tagger
from tagger.model import FacetClassifier, best_threshold, label_columns

POSITIVE = "为巩固脱贫成果，民盟省委会组织盟员专家深入贫困村，组织医生开展义诊，为贫困群众免费体检并赠送药品。"
NEGATIVE = "新款手机在各大电商平台上市，首日销量创新高。公司发布年度财报，营收同比增长。"


def test_model_is_an_inspectable_sklearn_pipeline(trained):
    assert isinstance(trained.pipeline, Pipeline)
    assert list(trained.pipeline.named_steps) == ["clean", "segment", "features", "classify"]
    clf = trained.pipeline.named_steps["classify"]
    assert len(clf.thresholds_) == len(label_columns(trained.taxonomy))
    assert all(0 < t < 1 for t in clf.thresholds_)


def test_stacked_probabilities_equal_each_estimators(trained):
    """predict_proba applies all logistic regressions at once; it must agree with each one's own."""
    X = trained.pipeline[:-1].transform([POSITIVE, NEGATIVE, "民盟省委会开展义诊。"])
    clf = trained.pipeline.named_steps["classify"]
    each = np.column_stack([est.predict_proba(X)[:, 1] for est in clf.estimators_])
    np.testing.assert_allclose(clf.predict_proba(X), each, rtol=1e-12, atol=1e-12)


def test_predicts_labels_with_scores(trained):
    pos, neg = trained.predict([POSITIVE, NEGATIVE], ids=["p", "n"])
    assert pos["id"] == "p" and pos["relief"] is True
    assert "medical" in pos["type"] and "democratic_party" in pos["actor"]
    assert pos["scores"]["type"]["medical"] > pos["scores"]["type"]["ecommerce"]
    assert neg["relief"] is False and neg["type"] == [] and neg["actor"] == []
    assert set(neg["scores"]["actor"]) == set(trained.taxonomy.names("actor"))


def test_type_and_actor_are_empty_when_relief_is_false():
    clf = FacetClassifier(columns=("relief", "type:a", "actor:b"))
    clf.thresholds_ = np.array([0.5, 0.5, 0.5])
    decided = clf.decide(np.array([[0.4, 0.9, 0.9], [0.6, 0.9, 0.1]]))
    assert decided.tolist() == [[0, 0, 0], [1, 1, 0]]


def test_best_threshold_separates_separable_scores():
    y = np.array([0, 0, 0, 1, 1])
    scores = np.array([0.1, 0.2, 0.3, 0.35, 0.9])
    t = best_threshold(y, scores)
    assert 0.3 < t <= 0.35


def test_save_and_load_round_trip(trained, tmp_path):
    path = trained.save(tmp_path / "m.model").path
    meta = (tmp_path / "m.json").read_text(encoding="utf-8")
    assert "model_sha256" in meta and "scikit-learn" in meta
    loaded = Tagger.load(path)
    assert loaded.predict([POSITIVE]) == trained.predict([POSITIVE])
    assert loaded.metadata["training_data"]["counts"]["articles"] == 60


def test_cleaned_flag_skips_only_the_cleaning_step(trained):
    from tagger.clean import clean_text

    raw = trained.predict_proba([POSITIVE])
    pre = trained.predict_proba([clean_text(POSITIVE)], cleaned=True)
    assert np.allclose(raw, pre)


def test_a_label_never_seen_in_training_gets_a_constant_low_score(corpus_file, taxonomy, tmp_path):
    import json
    import warnings

    rows = [json.loads(line) for line in corpus_file.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        row["type"] = [t for t in row["type"] if t != "ecommerce"]
    path = tmp_path / "no_ecommerce.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tagger = Tagger.train([path], taxonomy=taxonomy, cv=0, base=False)
    assert any("ecommerce" in str(w.message) for w in caught)
    record = tagger.predict([POSITIVE])[0]
    assert record["scores"]["type"]["ecommerce"] < 0.01 and "ecommerce" not in record["type"]
    assert Tagger.load(tagger.save(tmp_path / "m.model").path).predict([POSITIVE]) == [record]
