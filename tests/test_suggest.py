"""Choosing what to label next, and the Label Studio round trip, on made-up data."""
import json

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from tagger import labelstudio
from tagger import suggest as suggest_module
from tagger.cli import main
from tagger.data import read_labelled
from tagger.suggest import _diverse, density, margins, suggest, uncertainty

from conftest import make_corpus, write_jsonl


def test_margins_are_zero_on_the_threshold_and_one_at_the_ends():
    t = np.array([0.3, 0.6])
    assert margins(np.array([[0.3, 0.6]]), t).tolist() == [[0.0, 0.0]]
    assert margins(np.array([[1.0, 0.0]]), t).tolist() == [[1.0, 1.0]]


def test_type_and_actor_do_not_count_where_relief_is_clearly_no():
    t = np.array([0.5, 0.5])
    u, labels = uncertainty(np.array([[0.05, 0.5], [0.45, 0.5]]), t, ["relief", "type:x"])
    assert labels == ["relief", "type:x"] and u[1] == 1.0 and u[0] < 0.2


def test_the_least_certain_label_decides():
    t = np.array([0.5, 0.5, 0.5])
    u, labels = uncertainty(np.array([[0.9, 0.45, 0.9], [0.9, 0.7, 0.7]]), t,
                            ["relief", "type:x", "actor:y"])
    assert labels[0] == "type:x" and u[0] == pytest.approx(0.9)
    assert u[0] > u[1]  # one label on the edge beats two half-doubtful ones


def test_density_is_the_mean_similarity_to_the_other_articles():
    docs = ["扶贫 产业 合作社 种植", "扶贫 产业 合作社 养殖", "扶贫 产业 种植 养殖", "足球 比赛 冠军"]
    X = TfidfVectorizer(tokenizer=str.split, token_pattern=None).fit_transform(docs).tocsr()
    d = density(X, np.asarray(X.sum(axis=0)).ravel(), len(docs))
    sim = (X @ X.T).toarray()
    np.fill_diagonal(sim, 0)
    assert d == pytest.approx(sim.sum(axis=1) / (len(docs) - 1))
    assert d.argmin() == 3  # the odd one out is the least typical


def test_greedy_pick_skips_near_duplicates_of_picked_and_labelled():
    X = sp.csr_matrix(np.array([[1.0, 0, 0], [1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]]))
    score = np.array([1.0, 0.99, 0.5, 0.4])
    assert _diverse(score, X, None, 3) == [0, 2, 3]  # 1 is a copy of 0
    assert _diverse(score, X, sp.csr_matrix(X[2]), 3) == [0, 3]  # 2 is already labelled


def test_between_equally_uncertain_articles_the_typical_one_comes_first(trained, tmp_path,
                                                                         monkeypatch):
    def flat(proba, thresholds, columns):
        return np.full(len(proba), 0.5), ["relief"] * len(proba)

    monkeypatch.setattr(suggest_module, "uncertainty", flat)
    odd = {"id": "odd", "text": "市体育中心举办春季马拉松比赛，数千名跑者参加，赛事转播吸引观众。" * 2}
    relief = [r for r in make_corpus(16, seed=5) if r["relief"]]  # 12 articles alike in wording
    docs = write_jsonl(tmp_path / "docs.jsonl", [odd] + relief)
    first = suggest(trained, [str(docs)], n=1)
    assert first[0]["id"] != "odd" and first[0]["typicality"] == 1.0
    typicality = {r["id"]: r["typicality"] for r in suggest(trained, [str(docs)], n=13)}
    assert "odd" not in typicality or typicality["odd"] == min(typicality.values())


def test_suggest_prefers_uncertain_articles_and_skips_duplicates_and_labelled(trained, tmp_path):
    clear = make_corpus(20, seed=1)
    vague = [{"id": f"v{i}", "text": f"近日，有关方面在某村开展了活动，群众反映良好。第{i}次。" * 3}
             for i in range(3)]
    vague.append({"id": "v-copy", "text": vague[0]["text"]})
    labelled = [{"id": "x", "text": vague[1]["text"], "relief": True, "type": [], "actor": []}]
    docs = tmp_path / "docs.jsonl"
    write_jsonl(docs, clear + vague)
    rows = suggest(trained, [str(docs)], n=3, exclude=[labelled[0]["text"]])
    ids = [r["id"] for r in rows]
    assert len(ids) == 3 and "v1" not in ids  # the labelled one's near-duplicate is excluded
    assert not {"v0", "v-copy"} <= set(ids)  # never both copies
    assert all("uncertain" in r["reason"] and 0 <= r["uncertainty"] <= 1 for r in rows)
    assert all(0 <= r["typicality"] <= 1 for r in rows)


def test_suggest_csv_reads_back_as_training_data(trained, tmp_path, taxonomy):
    model = trained.save(tmp_path / "m.model").path
    docs = write_jsonl(tmp_path / "docs.jsonl", make_corpus(30, seed=4))
    out = tmp_path / "pick.csv"
    assert main(["suggest", str(docs), "--model", str(model), "-n", "5",
                 "--output", str(out)]) == 0
    frame = read_labelled([out], taxonomy)
    assert len(frame) == 5


def test_label_studio_round_trip(trained, tmp_path, taxonomy):
    xml = labelstudio.config(taxonomy)
    assert '<Choices name="actor"' in xml and "产业扶贫" in xml
    tasks = labelstudio.tasks(trained, [("a1", "民盟组织医生到贫困村开展义诊。"), ("a2", "体育新闻。")])
    assert tasks[0]["data"] == {"id": "a1", "text": "民盟组织医生到贫困村开展义诊。"}
    assert tasks[0]["predictions"][0]["result"][0]["from_name"] == "relief"
    # an annotator corrects the pre-annotations; the second task is skipped; a third is cancelled
    tasks[0]["annotations"] = [{"updated_at": "2026-01-02", "result": [
        {"from_name": "relief", "to_name": "text", "type": "choices", "value": {"choices": ["yes"]}},
        {"from_name": "type", "to_name": "text", "type": "choices", "value": {"choices": ["medical"]}},
        {"from_name": "actor", "to_name": "text", "type": "choices",
         "value": {"choices": ["democratic_party"]}}]},
        {"updated_at": "2026-01-01", "result": []}]
    tasks.append({"data": {"id": "a3", "text": "x"}, "annotations": [{"was_cancelled": True}]})
    export = tmp_path / "export.json"
    export.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "labels.jsonl"
    assert main(["label-studio", "import", str(export), "--output", str(out)]) == 0
    frame = read_labelled([out], taxonomy)
    assert frame.to_dict("records") == [{"id": "a1", "text": "民盟组织医生到贫困村开展义诊。",
                                         "relief": True, "type": ["medical"],
                                         "actor": ["democratic_party"]}]


def test_label_studio_import_names_the_bad_task(tmp_path, capsys):
    export = tmp_path / "export.json"
    export.write_text(json.dumps([{"data": {"id": "q", "text": "t"}, "annotations": [{"result": [
        {"from_name": "relief", "type": "choices", "value": {"choices": ["no"]}},
        {"from_name": "type", "type": "choices", "value": {"choices": ["medical"]}}]}]}]),
        encoding="utf-8")
    assert main(["label-studio", "import", str(export), "--output", str(tmp_path / "o.jsonl")]) == 2
    assert "task 1 (q): type/actor given although relief is false" in capsys.readouterr().err


def test_label_studio_export_cli_writes_tasks(trained, tmp_path):
    model = trained.save(tmp_path / "m.model").path
    docs = write_jsonl(tmp_path / "docs.jsonl", make_corpus(4, seed=2))
    out = tmp_path / "tasks.json"
    assert main(["label-studio", "export", str(docs), "--model", str(model),
                 "--output", str(out)]) == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 4
