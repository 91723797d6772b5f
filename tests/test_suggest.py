"""Choosing what to label next, and the Label Studio round trip, on made-up data."""
import json

import numpy as np

from tagger import labelstudio
from tagger.cli import main
from tagger.data import read_labelled
from tagger.suggest import margins, suggest, uncertainty

from conftest import make_corpus, write_jsonl


def test_margins_are_zero_on_the_threshold_and_one_at_the_ends():
    t = np.array([0.3, 0.6])
    assert margins(np.array([[0.3, 0.6]]), t).tolist() == [[0.0, 0.0]]
    assert margins(np.array([[1.0, 0.0]]), t).tolist() == [[1.0, 1.0]]


def test_type_and_actor_do_not_count_where_relief_is_clearly_no():
    t = np.array([0.5, 0.5])
    u, labels = uncertainty(np.array([[0.05, 0.5], [0.45, 0.5]]), t, ["relief", "type:x"], top=1)
    assert labels == ["relief", "type:x"] and u[1] == 1.0 and u[0] < 0.2
    both, _ = uncertainty(np.array([[0.45, 0.5], [0.45, 0.9]]), t, ["relief", "type:x"], top=2)
    assert both[0] > both[1]  # two doubtful labels count for more than one


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
