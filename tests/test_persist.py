"""Model files: no pickle, integrity checked, clear one-line errors."""
import io
import zipfile

import numpy as np
import pytest

from tagger import ModelError, Tagger
from tagger.cli import main
from tagger.persist import FORMAT_VERSION

TEXT = "民盟省委会组织医生到贫困村开展义诊，县工商联动员民营企业建设种植基地。"


@pytest.fixture()
def saved(trained, tmp_path):
    return trained.save(tmp_path / "m.model").path


def test_model_file_holds_only_json_and_plain_arrays(saved):
    with zipfile.ZipFile(saved) as zf:
        names = zf.namelist()
        assert "manifest.json" in names
        assert all(n == "manifest.json" or n.endswith(".npy") for n in names)
        for name in names:
            if name.endswith(".npy"):
                np.load(io.BytesIO(zf.read(name)), allow_pickle=False)  # raises if pickled


def test_loaded_model_predicts_exactly_like_the_saved_one(trained, saved):
    assert np.array_equal(Tagger.load(saved).predict_proba([TEXT]), trained.predict_proba([TEXT]))


def rewrite(path, member, change):
    with zipfile.ZipFile(path) as zf:
        items = {n: zf.read(n) for n in zf.namelist()}
    items[member] = change(items[member])
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in items.items():
            zf.writestr(n, data)


def test_tampered_array_is_refused(saved):
    with zipfile.ZipFile(saved) as zf:
        member = next(n for n in zf.namelist() if n.endswith("coef.npy"))
    rewrite(saved, member, lambda b: b[:-8] + np.float64(9.0).tobytes())
    with pytest.raises(ModelError, match="checksum"):
        Tagger.load(saved)


def test_truncated_file_is_refused(saved):
    saved.write_bytes(saved.read_bytes()[: saved.stat().st_size // 2])
    with pytest.raises(ModelError, match="not a readable tagger model"):
        Tagger.load(saved)


def test_foreign_file_is_refused_with_exit_code_2(tmp_path, capsys):
    pickle_file = tmp_path / "evil.model"
    pickle_file.write_bytes(b"\x80\x04\x95\x00\x00\x00\x00cos\nsystem\n")
    assert main(["predict", "x.txt", "--model", str(pickle_file)]) == 2
    err = capsys.readouterr().err
    assert "not a readable tagger model" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_other_format_version_says_so(saved):
    rewrite(saved, "manifest.json",
            lambda b: b.replace(f'"format_version": {FORMAT_VERSION}'.encode(),
                                  b'"format_version": 99'))
    with pytest.raises(ModelError, match="format version 99"):
        Tagger.load(saved)


def test_data_with_labels_the_model_does_not_have_is_refused_naming_them(trained, tmp_path):
    import json

    from tagger.errors import DataError

    path = tmp_path / "held.jsonl"
    path.write_text(json.dumps({"id": "a", "text": TEXT, "relief": True, "type": ["tourism"],
                                "actor": []}, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"held.jsonl:1: unknown type label 'tourism' \(known: "):
        trained.evaluate([path])
