"""Batch-labelling: read -> clean -> predict in chunks -> write, streaming, in parallel, resumable.

Documents flow in input order through fixed-size chunks. With one job the chunks are tagged in this
process; with more, by a pool of worker processes that each load the model once, with a bounded number of
chunks in flight so memory stays flat however large the corpus; with Dask, by the workers of a cluster to
which the model file is shipped once. Results are always written in input order, so every execution mode
produces the same rows. A document that cannot be read, decoded, or is empty after cleaning becomes a
Failure; the others are still tagged.
"""
from __future__ import annotations

import gc
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tagger.api import Tagger
from tagger.clean import clean_text
from tagger.errors import InputError, TaggerError
from tagger.sources import count_documents, iter_documents

CHUNK = 256  # documents per task: small enough to spread over workers, large enough to amortise


@dataclass(frozen=True)
class Failure:
    id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.id}: {self.reason}"


Item = dict | Failure
Chunk = list[tuple[str, "str | InputError"]]


def clean_document(doc_id: str, raw: str | InputError) -> str | Failure:
    """The clean text of one read document, or the Failure that keeps it from being tagged."""
    if isinstance(raw, InputError):
        return Failure(doc_id, raw.reason)
    text = clean_text(raw)
    return text if text.strip() else Failure(doc_id, "empty after cleaning (no article text found)")


def tag_chunk(tagger: Tagger, chunk: Chunk, explain: bool = False) -> list[Item]:
    """Records and failures for one chunk of (id, raw text or InputError), in chunk order."""
    out: list[Item | None] = []
    ids, texts, slots = [], [], []
    for doc_id, raw in chunk:
        text = clean_document(doc_id, raw)
        if isinstance(text, Failure):
            out.append(text)
            continue
        slots.append(len(out))
        out.append(None)
        ids.append(doc_id)
        texts.append(text)
    records = tagger.predict(texts, ids=ids, cleaned=True) if texts else []
    if explain and records:
        records = [tagger.explainer.explain(t, r, cleaned=True) for t, r in zip(texts, records)]
    for slot, record in zip(slots, records):
        out[slot] = record
    return out  # type: ignore[return-value]


def chunked(docs: Iterable[tuple[str, object]], size: int = CHUNK) -> Iterator[Chunk]:
    chunk: Chunk = []
    for doc in docs:
        chunk.append(doc)  # type: ignore[arg-type]
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# ---- execution modes: each maps chunks to results, in order -------------------------------------
def _run_local(tagger: Tagger, chunks: Iterator[Chunk], explain: bool) -> Iterator[list[Item]]:
    for chunk in chunks:
        yield tag_chunk(tagger, chunk, explain)


_WORKER_TAGGER: Tagger | None = None


def _init_worker(model: str) -> None:
    """Load the model in a worker, unless the worker was forked from a parent that had it loaded
    and warmed (see `_run_pool`)."""
    global _WORKER_TAGGER
    if _WORKER_TAGGER is None:
        _WORKER_TAGGER = Tagger.load(model)


def _work(chunk: Chunk, explain: bool) -> list[Item]:
    assert _WORKER_TAGGER is not None
    return tag_chunk(_WORKER_TAGGER, chunk, explain)


def _in_order(submit: Callable[[Chunk], object], result: Callable[[object], list[Item]],
              chunks: Iterator[Chunk], in_flight: int) -> Iterator[list[Item]]:
    """Keep at most `in_flight` chunks submitted; yield their results in submission order."""
    pending: deque = deque()
    for chunk in chunks:
        pending.append(submit(chunk))
        if len(pending) >= in_flight:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


def _run_pool(model: Path, tagger: Tagger, chunks: Iterator[Chunk], explain: bool, jobs: int
              ) -> Iterator[list[Item]]:
    """Tag chunks in `jobs` worker processes. Where workers are forked (Linux), they inherit this
    process's tagger, warmed by `run_batch`, instead of each spending most of a second on loading
    it; elsewhere each worker loads the model file once."""
    from concurrent.futures import ProcessPoolExecutor

    global _WORKER_TAGGER
    _WORKER_TAGGER = tagger
    try:
        with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(str(model),)) as pool:
            yield from _in_order(lambda c: pool.submit(_work, c, explain), lambda f: f.result(),
                                 chunks, in_flight=jobs * 3)
    finally:
        _WORKER_TAGGER = None


_DASK_TAGGERS: dict[str, Tagger] = {}


def _dask_work(model_bytes: bytes, digest: str, chunk: Chunk, explain: bool) -> list[Item]:
    """Runs on a Dask worker: load the shipped model once per worker process, tag a chunk."""
    if digest not in _DASK_TAGGERS:
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".model", delete=False) as fh:
            fh.write(model_bytes)
        try:
            _DASK_TAGGERS[digest] = Tagger.load(fh.name)
        finally:
            os.unlink(fh.name)
    return tag_chunk(_DASK_TAGGERS[digest], chunk, explain)


def _run_dask(model: Path, chunks: Iterator[Chunk], explain: bool, address: str, jobs: int
              ) -> Iterator[list[Item]]:
    import hashlib

    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise TaggerError("--dask needs Dask: pip install -e '.[dask]'") from None

    data = model.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                           dashboard_address=None) if address == "local" else None
    client = Client(cluster if cluster else address)
    try:
        shipped = client.scatter(data, broadcast=True)  # the model travels to each worker once
        n_workers = max(len(client.scheduler_info().get("workers", {})), 1)
        yield from _in_order(
            lambda c: client.submit(_dask_work, shipped, digest, c, explain, pure=False),
            lambda f: f.result(), chunks, in_flight=n_workers * 3)
    finally:
        client.close()
        if cluster:
            cluster.close()


# ---- the batch run --------------------------------------------------------------------------------
@dataclass
class BatchResult:
    tagged: int = 0
    skipped: int = 0  # already in the output (--resume)
    failures: list[Failure] = field(default_factory=list)


def run_batch(
    model: Path,
    inputs: list[str],
    write: Callable[[list[dict]], None],
    *,
    jobs: int = 1,
    dask: str | None = None,
    explain: bool = False,
    skip_ids: set[str] = frozenset(),  # type: ignore[assignment]
    text_column: str = "text",
    id_column: str = "id",
    on_failure: Callable[[Failure], None] = lambda f: None,
    progress: bool = False,
    tagger: Tagger | None = None,
) -> BatchResult:
    """Tag every document named by `inputs`, passing records to `write` chunk by chunk in input order.

    `model` is the model file (workers load it themselves); `tagger`, if given, is that model already
    loaded, so it is not loaded again here. `skip_ids` are left out (already tagged, for --resume).
    Failures go to `on_failure` as they occur and are collected in the result.
    """
    model = Path(model)
    tagger = tagger or Tagger.load(model)  # a bad model fails here, once, before any worker starts
    result = BatchResult()

    def docs() -> Iterator[tuple[str, object]]:
        for doc_id, raw in iter_documents(inputs, text_column, id_column):
            if doc_id in skip_ids:
                result.skipped += 1
                continue
            yield doc_id, raw

    chunks = chunked(docs())
    if dask:
        outputs = _run_dask(model, chunks, explain, dask, jobs)
    else:
        # Build the segmenter's dictionary and the lookups once, up front (forked workers inherit
        # them), then exempt all those long-lived objects from garbage collection for the run: the
        # collector stops rescanning them, and forked workers do not copy their memory pages.
        tag_chunk(tagger, [("warm-up", "扶贫")], explain)
        gc.freeze()
        if jobs > 1:
            outputs = _run_pool(model, tagger, chunks, explain, jobs)
        else:
            outputs = _run_local(tagger, chunks, explain)
    try:
        with _progress(progress, inputs, len(skip_ids)) as advance:
            for items in outputs:
                records = [i for i in items if isinstance(i, dict)]
                for item in items:
                    if isinstance(item, Failure):
                        result.failures.append(item)
                        on_failure(item)
                write(records)
                result.tagged += len(records)
                advance(len(items))
    finally:
        gc.unfreeze()
    return result


class _progress:
    """A rich progress bar with docs/s and ETA on a terminal; nothing otherwise."""

    def __init__(self, enabled: bool, inputs: list[str], already: int) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.inputs, self.already = inputs, already

    def __enter__(self) -> Callable[[int], None]:
        if not self.enabled:
            return lambda n: None
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        total = count_documents(self.inputs)
        self.bar = Progress(TextColumn("tagging"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("[progress.data.speed]{task.fields[rate]}"),
                            TimeElapsedColumn(), TimeRemainingColumn(), transient=False)
        self.task = self.bar.add_task("tag", total=max(total - self.already, 0) if total else None,
                                      rate="")
        self.bar.start()

        def advance(n: int) -> None:
            self.bar.advance(self.task, n)
            speed = self.bar.tasks[0].speed
            self.bar.update(self.task, rate=f"{speed:,.0f} docs/s" if speed else "")

        return advance

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.bar.stop()
