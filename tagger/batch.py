"""Tag many documents: read -> clean -> predict in chunks -> records, with per-document failures.

A document that cannot be read, decoded, or is empty after cleaning becomes a failure record; the
others are still tagged, and the caller decides the exit code from the failures.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from tagger.api import Tagger
from tagger.clean import clean_text
from tagger.data import read_inputs
from tagger.errors import InputError

CHUNK = 256  # documents per model call: large enough to amortise per-call cost, small in memory


@dataclass(frozen=True)
class Failure:
    id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.id}: {self.reason}"


def clean_documents(inputs: Iterable[str]) -> Iterator[tuple[str, str] | Failure]:
    """(id, clean text) per document named by INPUT arguments, or a Failure."""
    for doc_id, raw in read_inputs(inputs):
        if isinstance(raw, InputError):
            yield Failure(doc_id, raw.reason)
            continue
        text = clean_text(raw)
        if not text.strip():
            yield Failure(doc_id, "empty after cleaning (no article text found)")
            continue
        yield doc_id, text


def tag_documents(tagger: Tagger, inputs: Iterable[str], chunk: int = CHUNK,
                  explain: bool = False) -> Iterator[dict | Failure]:
    """Records (see `Tagger.predict`) and failures, in input order; with `explain`, each record also
    carries "evidence" and "organisations" (see tagger.explain)."""
    explainer = None
    if explain:
        from tagger.explain import Explainer

        explainer = Explainer(tagger)
    pending: list[tuple[str, str]] = []
    held: list[Failure] = []  # failures met while a chunk fills, emitted in order after it

    def flush() -> Iterator[dict | Failure]:
        ids, texts = zip(*pending) if pending else ((), ())
        records = tagger.predict(texts, ids=ids, cleaned=True)
        if explainer:
            records = [explainer.explain(t, r) for t, r in zip(texts, records)]
        yield from records
        yield from held
        pending.clear()
        held.clear()

    for item in clean_documents(inputs):
        if isinstance(item, Failure):
            if pending:
                held.append(item)
            else:
                yield item
            continue
        if held:  # keep input order: a failure after a pending chunk closes that chunk first
            yield from flush()
        pending.append(item)
        if len(pending) >= chunk:
            yield from flush()
    yield from flush()
