"""Evidence on made-up articles whose deciding words are known."""
from tagger.explain import Explainer, organisations
from tagger.lexicon import Lexicon

ARTICLE = ("为巩固脱贫成果，民盟省委会组织医生到贫困村开展义诊，为贫困群众免费体检并赠送药品。"
           "当天天气晴朗，村里很热闹。中国民主同盟的专家还举办了健康讲座。")


def test_organisations_are_canonicalised(taxonomy):
    orgs = organisations("民盟广西区委会和中国民主同盟中央、民盟专家；自治区党委统战部；九三学社大连市委会。",
                         Lexicon(taxonomy))
    canon = {o["name"]: (o["canonical"], o["actor"]) for o in orgs}
    assert canon["民盟广西区委会"] == ("中国民主同盟", "democratic_party")
    assert canon["中国民主同盟"] == ("中国民主同盟", "democratic_party")
    assert canon["自治区党委统战部"[3:]] == ("统战部", "united_front")
    assert canon["九三学社大连市委会"] == ("九三学社", "democratic_party")


def test_evidence_names_the_deciding_terms_and_sentence(trained):
    explained = Explainer(trained).explain(ARTICLE)
    assert "medical" in explained["type"]
    medical = explained["evidence"]["medical"]
    assert medical["terms"] and all(w > 0 for _, w in medical["terms"])
    assert any("义诊" in t or "医生" in t or "medical" in t for t, _ in medical["terms"])
    assert "义诊" in medical["sentences"][0]  # the sentence with the clinic, not the weather
    assert not any("天气" in s for s in medical["sentences"][:1])
    names = {o["canonical"] for o in explained["organisations"]}
    assert names == {"中国民主同盟"}
    assert sum(o["count"] for o in explained["organisations"]) == 2


def test_predict_explain_adds_evidence_to_jsonl(trained, tmp_path, capsys):
    import json

    from tagger.cli import main

    path = trained.save(tmp_path / "m.model").path
    doc = tmp_path / "a.txt"
    doc.write_text(ARTICLE, encoding="utf-8")
    assert main(["predict", str(doc), "--model", str(path), "--format", "jsonl", "--explain"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert set(record["evidence"]) >= set(record["type"]) | set(record["actor"])
    assert record["organisations"][0]["actor"] == "democratic_party"
