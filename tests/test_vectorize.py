"""WordTfidf: TfidfVectorizer's weighting over segmented words, without bigrams across sentences."""
import random
from itertools import pairwise

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from tagger.segment import SENTENCE_BREAK, Segmented
from tagger.vectorize import WordTfidf


def random_docs(seed: int = 0) -> list[list[str]]:
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(60)]
    return [[rng.choice(vocab[: rng.randint(5, 60)]) for _ in range(rng.randint(0, 40))]
            for _ in range(300)]


def test_weights_equal_sklearns_tfidf_on_words_and_bigrams():
    docs = random_docs()
    ours = WordTfidf(min_df=2, max_df=0.9).fit(docs)
    theirs = TfidfVectorizer(analyzer=lambda d: d + [f"{a} {b}" for a, b in pairwise(d)],
                             min_df=2, max_df=0.9, sublinear_tf=True).fit(docs)
    names = ours.get_feature_names_out()
    assert set(names) == set(theirs.vocabulary_)
    columns = [theirs.vocabulary_[t] for t in names]
    np.testing.assert_allclose(ours.transform(docs).toarray(),
                               theirs.transform(docs)[:, columns].toarray(), atol=1e-12)


def test_max_features_keeps_the_most_frequent_terms():
    docs = [["a", "b"]] * 5 + [["c", "d"]] * 2 + [["e", "f"]] * 2
    vec = WordTfidf(min_df=1, max_features=3).fit(docs)
    assert set(vec.vocabulary_) == {"a", "b", "a b"}


def test_no_bigram_spans_a_sentence_break_and_the_break_is_no_feature():
    docs = [["民盟", SENTENCE_BREAK, "义诊"], ["民盟", SENTENCE_BREAK, "义诊", "扶贫"]]
    vec = WordTfidf(min_df=1).fit(docs)
    assert "民盟 义诊" not in vec.vocabulary_ and SENTENCE_BREAK not in vec.vocabulary_
    assert "义诊 扶贫" in vec.vocabulary_


def test_unknown_words_and_empty_texts_give_zero_rows():
    vec = WordTfidf(min_df=1).fit([["扶贫", "车间"], ["扶贫"]])
    X = vec.transform(Segmented.from_words([[], ["从未", "见过"], ["扶贫", "车间"]]))
    assert X.shape == (3, len(vec.vocabulary_))
    assert X[0].nnz == 0 and X[1].nnz == 0
    assert np.isclose(np.linalg.norm(X[2].toarray()), 1.0)


def test_batches_from_different_word_tables_agree():
    docs = random_docs(1)
    vec = WordTfidf(min_df=2).fit(docs)
    whole = vec.transform(docs).toarray()
    parts = np.vstack([vec.transform(Segmented.from_words(docs[i:i + 7])).toarray()
                       for i in range(0, len(docs), 7)])
    np.testing.assert_allclose(whole, parts)


def test_nothing_left_after_pruning_is_an_error():
    with pytest.raises(ValueError, match="no terms remain"):
        WordTfidf(min_df=5).fit([["a"], ["b"]])


def test_documents_never_share_a_bigram_whatever_their_lengths():
    vec = WordTfidf(min_df=1).fit([["a", "b"], ["b", "a"]])
    batches = [[["a"], ["b"]], [["a", "b"], []], [[], ["a"], [], ["b"], []], [["b"], ["a", "b"]]]
    for docs in batches:
        X = vec.transform(docs).toarray()
        for row, words in zip(X, docs):
            expected = set(words) | {f"{x} {y}" for x, y in pairwise(words)}
            assert {t for t, v in zip(vec.get_feature_names_out(), row) if v} == expected
