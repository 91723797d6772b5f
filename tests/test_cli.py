"""End-to-end runs of the `tagger` command on data the tests generate."""
import json
from pathlib import Path

import pytest

from tagger.cli import main

from conftest import make_corpus, write_jsonl

ARTICLE = "为巩固脱贫成果，民盟省委会组织医生到贫困村开展义诊，为贫困群众免费体检。"


@pytest.fixture(scope="module")
def model_path(tmp_path_factory, corpus_file):
    path = tmp_path_factory.mktemp("model") / "m.model"
    assert main(["train", "--data", str(corpus_file), "--model", str(path), "--cv", "0",
                 "--no-base"]) == 0
    return path


def test_train_writes_model_and_metadata(model_path):
    meta = json.loads(model_path.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["labels"]["type"] == ["industry", "education", "medical", "ecommerce"]
    assert meta["training_data"]["counts"]["articles"] == 60
    assert len(meta["training_data"]["sha256"]) == 64
    assert "scikit-learn" in meta["versions"]


def test_predict_jsonl_for_files_dirs_and_stdin(model_path, tmp_path, capsys, monkeypatch):
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (docs / "sub" / "b.txt").write_text("公司发布年度财报，营收同比增长。", encoding="utf-8")
    assert main(["predict", str(docs), "--model", str(model_path), "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in records] == [str(docs / "a.txt"), str(docs / "sub" / "b.txt")]
    assert records[0]["relief"] is True and "medical" in records[0]["type"]
    assert records[1]["relief"] is False
    assert set(records[0]["scores"]) == {"relief", "type", "actor"}


def test_predict_reports_bad_files_and_tags_the_rest(model_path, tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "out.csv"
    code = main(["predict", str(empty), str(good), str(tmp_path / "missing.txt"),
                 "--model", str(model_path), "--output", str(out)])
    assert code == 1
    assert out.read_text(encoding="utf-8").count("good.txt") == 1
    err = capsys.readouterr().err
    assert "empty.txt" in err and "missing.txt: no such file" in err


def test_predict_csv_has_one_row_per_article_with_scores(model_path, tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["predict", str(doc), "--model", str(model_path), "--format", "csv",
                 "--output", str(out)]) == 0
    header, row = out.read_text(encoding="utf-8").splitlines()
    assert header.startswith("id,relief,type,actor,score_relief,score_type_industry")
    assert row.startswith(f"{doc},True,")


def test_missing_model_is_a_one_line_error(tmp_path, capsys):
    code = main(["predict", "x.txt", "--model", str(tmp_path / "none.model")])
    assert code == 2
    assert "no model file" in capsys.readouterr().err


def test_evaluate_json_has_the_documented_shape(model_path, tmp_path, capsys):
    held_out = write_jsonl(tmp_path / "held.jsonl", make_corpus(20, seed=7))
    assert main(["evaluate", "--data", str(held_out), "--model", str(model_path), "--json"]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert {"f1", "accuracy"} <= set(metrics["relief"])
    for facet in ("type", "actor"):
        assert {"macro_f1", "micro_f1", "per_label"} <= set(metrics[facet])
    assert metrics["relief"]["f1"] > 0.8
    assert "baseline" in metrics


def test_evaluate_cv_prints_tables(corpus_file, capsys):
    assert main(["evaluate", "--cv", "3", "--data", str(corpus_file)]) == 0
    out = capsys.readouterr().out
    assert "macro avg" in out and "keyword baseline" in out


def test_invalid_training_data_is_reported_with_line(tmp_path, capsys):
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"id": "a", "text": "x", "relief": True,
                                                "type": ["nope"], "actor": []}])
    assert main(["train", "--data", str(bad), "--model", str(tmp_path / "m.model"),
                 "--no-base"]) == 2
    assert f"{bad}:1: unknown type label 'nope'" in capsys.readouterr().err


def test_skip_invalid_trains_on_the_valid_rows_and_says_how_many_it_skipped(tmp_path, capsys):
    rows = make_corpus(30) + [{"id": "bad", "text": "x", "relief": True, "type": ["nope"],
                               "actor": []}]
    data = write_jsonl(tmp_path / "d.jsonl", rows)
    model = tmp_path / "m.model"
    assert main(["train", "--data", str(data), "--model", str(model), "--cv", "0",
                 "--skip-invalid", "--no-base"]) == 0
    err = capsys.readouterr().err
    assert "skipped 1 invalid row" in err and f"{data}:31" in err
    meta = json.loads(model.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["training_data"]["counts"]["articles"] == 30


def test_output_file_is_replaced_only_when_the_run_completes(model_path, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("previous good output\n", encoding="utf-8")
    doc = tmp_path / "a.txt"
    doc.write_text(ARTICLE, encoding="utf-8")
    assert main(["predict", str(doc), "--model", str(tmp_path / "missing.model"),
                 "--output", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "previous good output\n"
    assert main(["predict", str(doc), "--model", str(model_path), "--output", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["id"] == str(doc)
    assert not Path(f"{out}.part").exists()


def test_user_labels_are_added_to_the_shipped_data_and_weighted_up(tmp_path):
    from tagger import Tagger
    from tagger.data import default_training_files, read_labelled
    from tagger.taxonomy import load_taxonomy

    shipped = read_labelled(default_training_files(), load_taxonomy())
    mine = make_corpus(12, seed=5)
    mine[0]["id"] = shipped["id"].iloc[0]  # the user relabels a shipped article: theirs wins
    data = write_jsonl(tmp_path / "mine.jsonl", mine)
    tagger = Tagger.train([data], cv=0, user_weight=4)
    meta = tagger.metadata["training_data"]
    assert meta["user"]["articles"] == 12 and meta["user_weight"] == 4
    assert meta["base"]["articles"] == len(shipped) - 1
    assert meta["counts"]["articles"] == len(shipped) + 11


def test_impossible_requests_are_one_line_errors(model_path, corpus_file, tmp_path, capsys):
    doc = tmp_path / "a.txt"
    doc.write_text(ARTICLE, encoding="utf-8")
    assert main(["predict", str(doc), "--model", str(model_path), "--format", "parquet"]) == 2
    assert "parquet output needs --output" in capsys.readouterr().err
    assert main(["evaluate", "--cv", "1", "--data", str(corpus_file)]) == 2
    assert "cannot be split into 1 folds" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["predict", str(doc), "--jobs", "0"])
    assert exit_info.value.code == 2 and "not >= 1" in capsys.readouterr().err
