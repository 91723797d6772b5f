"""TaxonomyFeatures: where and how often each label's terms occur, from the segmenter's words."""
import numpy as np
import pytest

from tagger.features import PER_LABEL, TaxonomyFeatures
from tagger.segment import Segmenter


@pytest.fixture(scope="module")
def features(taxonomy):
    seg = Segmenter(tuple(sorted(taxonomy.vocabulary())))
    feats = TaxonomyFeatures(taxonomy).fit([])
    names = list(feats.get_feature_names_out())

    def run(*texts: str) -> list[dict[str, float]]:
        X = feats.transform(seg.transform(list(texts))).toarray()
        return [dict(zip(names, row)) for row in X]

    return run


def test_an_organisation_acting_at_a_sentence_start(features):
    row, = features("民盟省委会组织医生开展义诊。扶贫工作成效明显。")
    assert row["actor:democratic_party:count"] > 0
    assert row["actor:democratic_party:action"] > 0 and row["actor:democratic_party:subject"] > 0
    assert row["actor:democratic_party:title"] == 1.0 and row["actor:democratic_party:rule"] == 1.0
    assert row["type:medical:count"] > 0 and row["relief:relief:rule"] == 1.0
    assert row["actor:cppcc:count"] == 0


def test_quoted_sentences_report_no_action(features):
    quoted, reported = features("总书记强调，民盟要组织开展扶贫。", "民盟组织开展扶贫。")
    assert quoted["actor:democratic_party:count"] == reported["actor:democratic_party:count"]
    assert quoted["actor:democratic_party:action"] == 0
    assert reported["actor:democratic_party:action"] > 0


def test_type_and_actor_rules_need_a_relief_cue(features):
    without, with_cue = features("民盟开展义诊。", "民盟开展义诊扶贫。")
    assert without["actor:democratic_party:rule"] == 0 and with_cue["actor:democratic_party:rule"] == 1


def test_terms_inside_longer_words_count(features):
    row, = features("坚持精准扶贫。")
    assert row["relief:relief:count"] > 0


def test_share_and_position(features):
    late, = features("今天天气很好。大家都很开心。我们一起出去玩。民盟开展扶贫。")
    assert late["actor:democratic_party:title"] == 0 and late["actor:democratic_party:early"] == 0
    assert late["actor:democratic_party:share"] == pytest.approx(1 / 4)


def test_empty_batch_and_empty_text(features, taxonomy):
    feats = TaxonomyFeatures(taxonomy).fit([])
    assert feats.transform([]).shape == (0, len(feats.get_feature_names_out()))
    row, = features("")
    assert not any(np.isnan(v) for v in row.values())
    assert len(row) == len(feats.slots_) * len(PER_LABEL) + 8
