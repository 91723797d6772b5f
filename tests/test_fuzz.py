"""Random bytes and random text through the readers and predict: only tagger's own errors come out."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tagger.data import read_labelled
from tagger.sources import iter_documents
from tagger.decode import decode_bytes
from tagger.errors import TaggerError

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(st.binary(max_size=400))
def test_decoding_random_bytes_raises_only_tagger_errors(data):
    try:
        text, encoding = decode_bytes(data, "fuzz.txt")
    except TaggerError as exc:
        assert "fuzz.txt" in str(exc)
    else:
        assert isinstance(text, str) and encoding


@FUZZ
@given(st.binary(max_size=400), st.sampled_from([".jsonl", ".csv"]))
def test_reading_random_labelled_files_raises_only_tagger_errors(tmp_path, taxonomy, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        read_labelled([path], taxonomy)
    except TaggerError as exc:
        assert str(path) in str(exc) or "invalid row" in str(exc)


@FUZZ
@given(st.binary(max_size=400), st.sampled_from([".txt", ".html"]))
def test_reading_random_documents_yields_text_or_an_error(tmp_path, data, suffix):
    path = tmp_path / f"doc{suffix}"
    path.write_bytes(data)
    [(doc_id, result)] = list(iter_documents([str(path)]))
    assert doc_id == str(path)
    assert isinstance(result, (str, TaggerError))


@FUZZ
@given(st.lists(st.text(max_size=300), min_size=1, max_size=3))
def test_predict_on_random_text_gives_a_record_per_text(trained, texts):
    records = trained.predict(texts)
    assert len(records) == len(texts)
    for r in records:
        assert 0.0 <= r["scores"]["relief"] <= 1.0
        if not r["relief"]:
            assert r["type"] == [] and r["actor"] == []
