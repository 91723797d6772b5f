from tagger.lexicon import Lexicon, sentence_spans


def by_facet(mentions, facet):
    return [(m.text, m.labels, m.canonical) for m in mentions if m.facet == facet]


def test_longest_alias_wins_and_carries_its_canonical_name(taxonomy):
    found = Lexicon(taxonomy).mentions("光彩事业基金会捐资助学。")
    assert by_facet(found, "actor") == [("光彩事业基金会", ("business",), "光彩事业")]


def test_facets_are_matched_independently(taxonomy):
    found = Lexicon(taxonomy).mentions("开展健康扶贫行动。")
    assert ("健康扶贫", ("medical",), None) in by_facet(found, "type")
    assert [m.text for m in found if m.facet == "relief"] == ["扶贫"]


def test_party_body_names_absorb_their_committee_suffix(taxonomy):
    found = Lexicon(taxonomy).mentions("民盟曲靖市委开展助学。九三学社区委开展义诊。")
    actors = by_facet(found, "actor")
    assert ("民盟曲靖市委", ("democratic_party",), "中国民主同盟") in actors
    assert ("九三学社区委", ("democratic_party",), "九三学社") in actors
    assert not any("government" in labels for _, labels, _ in actors)


def test_false_friend_is_not_an_alias(taxonomy):
    assert by_facet(Lexicon(taxonomy).mentions("台湾民进党发表声明。"), "actor") == []
    assert by_facet(Lexicon(taxonomy).mentions("民进市委会捐赠图书。"), "actor")[0][1] == (
        "democratic_party",)


def test_sentence_index_follows_sentence_spans():
    text = "第一句。第二句有民盟!\n第三句"
    assert [text[a:b] for a, b in sentence_spans(text)] == ["第一句", "第二句有民盟", "第三句"]


def test_mentions_report_their_sentence(taxonomy):
    found = Lexicon(taxonomy).mentions("第一句。民盟开展义诊。")
    assert {m.sentence for m in found if m.facet == "actor"} == {1}
