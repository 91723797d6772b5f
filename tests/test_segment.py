"""jieba-rs (the fast default) cuts exactly like the Python jieba package on the same dictionary."""
import json
import random
from pathlib import Path

import pytest
from conftest import ACTOR_SENTENCES, NEGATIVE_SENTENCES, SEEDS, TYPE_SENTENCES
from hypothesis import given, settings
from hypothesis import strategies as st

from tagger.segment import SENTENCE_BREAK, Segmented, Segmenter

MIXED = [
    "2023-05-22 上午,3.0T核磁共振仪捐赠给县医院,价值1,200万元(约合15%)。",
    "电话:0745-6231888  邮箱 help@example.org  5G网络覆盖98.5%的行政村",
    "民盟曲靖市委与ABC公司签约,投资2.5亿元建设扶贫车间;iPhone直播带货3小时售出1.2万单!",
    "“万企帮万村”行动中,光彩事业促进会、九三学社社员和第一书记共同参与……",
]


@pytest.fixture(scope="module")
def backends(taxonomy):
    words = tuple(sorted(taxonomy.vocabulary()))
    return Segmenter(words, "rjieba"), Segmenter(words, "jieba")


def varied_texts():
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts += MIXED
    pieces = list(TYPE_SENTENCES.values()) + list(ACTOR_SENTENCES.values()) + NEGATIVE_SENTENCES
    rng = random.Random(3)
    texts += ["".join(rng.sample(pieces + MIXED, 5)) for _ in range(40)]
    return texts


def test_fast_backend_cuts_exactly_like_jieba(backends):
    fast, reference = backends
    for text in varied_texts():
        assert fast.cut(text) == reference.cut(text), text[:40]


def test_cuts_match_on_a_sample_of_the_shipped_corpus(backends):
    fast, reference = backends
    corpus = Path(__file__).resolve().parent.parent / "labels" / "corpus"
    lines = [line for f in sorted(corpus.glob("*.jsonl"))
             for line in f.read_text(encoding="utf-8").splitlines()]
    for line in random.Random(0).sample(lines, min(150, len(lines))):
        text = json.loads(line)["text"]
        assert fast.cut(text) == reference.cut(text), text[:40]


def test_domain_words_stay_whole_and_numbers_fold(backends):
    fast, _ = backends
    tokens = fast.cut("万企帮万村行动投入2.5亿元,光彩事业促进会参与,2023-05-22")
    assert "万企帮万村" in tokens and "光彩事业促进会" in tokens
    assert tokens.count("0") == 4 and "-" not in tokens


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend"):
        Segmenter((), "nope").cut("扶贫")


def test_sentence_ends_become_one_break_word(backends):
    fast, _ = backends
    words = fast.cut("民盟开展义诊！捐赠药品；好\n第二段？是。")
    assert words.count(SENTENCE_BREAK) == 5
    assert words[:3] == ["民盟", "开展", "义诊"] and words[3] == SENTENCE_BREAK


def test_a_batch_is_the_words_of_each_text(backends):
    fast, _ = backends
    texts = ["", "扶贫车间。", "。。", MIXED[0], "", MIXED[2]]
    batch = fast.transform(texts)
    assert len(batch) == len(texts)
    assert batch.words() == [fast.cut(t) for t in texts]
    assert Segmented.from_words(batch.words()).words() == batch.words()


def test_a_new_word_table_gives_the_same_words(taxonomy, monkeypatch):
    """After CACHE_LIMIT distinct words the segmenter starts a new table; words stay the same."""
    from tagger import segment

    seg = Segmenter(tuple(sorted(taxonomy.vocabulary())))
    before = seg.transform(MIXED).words()
    monkeypatch.setattr(segment, "CACHE_LIMIT", 1)
    table = seg.transform(MIXED[:1]).table
    assert seg.transform(MIXED).table is not table
    assert seg.transform(MIXED).words() == before


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="扶贫民盟义诊。！;\n 3.5abc,、", max_size=30), max_size=6))
def test_batches_and_single_texts_agree(texts):
    seg = _SHARED
    assert seg.transform(texts).words() == [seg.cut(t) for t in texts]


_SHARED = Segmenter(("扶贫", "民盟", "义诊"))
