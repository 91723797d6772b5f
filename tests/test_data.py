import pytest

from tagger.data import label_matrix, read_labelled
from tagger.errors import DataError
from tagger.model import label_columns

from conftest import write_jsonl

GOOD = {"id": "a", "text": "民盟开展义诊扶贫。", "relief": True, "type": ["medical"],
        "actor": ["democratic_party"]}


def test_reads_jsonl_and_builds_the_label_matrix(tmp_path, taxonomy):
    frame = read_labelled([write_jsonl(tmp_path / "d.jsonl", [GOOD])], taxonomy)
    Y = label_matrix(frame, taxonomy)
    cols = label_columns(taxonomy)
    assert Y.shape == (1, len(cols))
    assert {c for c, v in zip(cols, Y[0]) if v} == {"relief", "type:medical",
                                                    "actor:democratic_party"}


def test_reads_csv_with_semicolon_joined_labels(tmp_path, taxonomy):
    path = tmp_path / "d.csv"
    path.write_text("id,text,relief,type,actor\nx,民盟开展义诊。,true,medical;education,"
                    "democratic_party\ny,体育新闻。,false,,\n", encoding="utf-8")
    frame = read_labelled([path], taxonomy)
    assert frame["type"].tolist() == [["education", "medical"], []]
    assert frame["relief"].tolist() == [True, False]


def test_every_bad_row_is_reported_with_file_and_line(tmp_path, taxonomy):
    rows = [GOOD,
            {**GOOD, "id": "b", "type": ["business"]},
            {**GOOD, "id": "c", "actor": ["martians"]},
            {**GOOD, "id": "d", "relief": False},
            {**GOOD, "id": "e", "text": "  "},
            GOOD]
    path = write_jsonl(tmp_path / "bad.jsonl", rows)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    with pytest.raises(DataError) as err:
        read_labelled([path], taxonomy)
    message = str(err.value)
    assert f"{path}:2: label 'business' belongs to actor, not type" in message
    assert f"{path}:3: unknown actor label 'martians'" in message
    assert f"{path}:4: type/actor given although relief is false" in message
    assert f"{path}:5: empty or missing text" in message
    assert f"{path}:6: duplicate id 'a'" in message
    assert f"{path}:7: malformed JSON" in message


def test_skip_invalid_keeps_the_good_rows(tmp_path, taxonomy):
    path = write_jsonl(tmp_path / "d.jsonl", [GOOD, {**GOOD, "id": "b", "relief": "maybe"}])
    frame = read_labelled([path], taxonomy, skip_invalid=True)
    assert frame["id"].tolist() == ["a"]
    assert len(frame.attrs["skipped"]) == 1


def test_non_utf8_training_file_names_the_line(tmp_path, taxonomy):
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(b'{"id": "a"}\n' + '{"text": "扶贫"}'.encode("gbk"))
    with pytest.raises(DataError, match=r"gbk.jsonl:2: not UTF-8"):
        read_labelled([path], taxonomy)
