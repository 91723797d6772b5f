from tagger.model import label_columns
from tagger.rules import KeywordTagger


def test_keyword_baseline_tags_on_cues_and_gates_on_relief(taxonomy):
    cols = label_columns(taxonomy)
    pred = KeywordTagger(taxonomy).predict(["民盟组织医生开展义诊扶贫。", "民盟组织医生开展义诊。"])
    tagged = {c for c, v in zip(cols, pred[0]) if v}
    assert {"relief", "type:medical", "actor:democratic_party"} <= tagged
    assert pred[1].sum() == 0  # no relief cue: nothing at all
