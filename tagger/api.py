"""The Python API: `Tagger.train`, `Tagger.load`, `.predict`, `.evaluate`, `Tagger.cross_validate`.

Every CLI command is a thin layer over these, so whatever the command line does a script can do too.
A `Tagger` is a fitted scikit-learn pipeline (`.pipeline`, see tagger.model) plus the taxonomy it was
trained with and the metadata written beside the model file.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import tempfile
from collections.abc import Iterable, Sequence
from functools import cached_property
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from tagger.data import default_training_files, label_matrix, read_labelled
from tagger.errors import ModelError
from tagger.evaluate import Evaluation, cross_validation
from tagger.model import build_pipeline, label_columns
from tagger.persist import model_bytes, read_model
from tagger.rules import KeywordTagger
from tagger.taxonomy import (
    DEFAULT_TAXONOMY,
    MULTI_FACETS,
    PROJECT_ROOT,
    Taxonomy,
    load_taxonomy,
)

DEFAULT_MODEL = PROJECT_ROOT / "models" / "tagger.model"
LIBRARIES = ("tagger", "scikit-learn", "numpy", "scipy", "jieba", "rjieba", "opencc", "pandas", "joblib")

if TYPE_CHECKING:
    from tagger.explain import Explainer

DataArg = Sequence[Path | str] | pd.DataFrame | None
USER_WEIGHT = 3.0  # a user's own label counts this many shipped articles


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _load_data(data: DataArg, taxonomy: Taxonomy, skip_invalid: bool = False) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    return read_labelled(data or default_training_files(), taxonomy, skip_invalid=skip_invalid)


def _data_fingerprint(frame: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    for row in frame.itertuples(index=False):
        digest.update(json.dumps([row.id, row.text, bool(row.relief), list(row.type),
                                  list(row.actor)], ensure_ascii=False).encode())
    return digest.hexdigest()


def _describe(frame: pd.DataFrame, source: object) -> dict:
    files = ["<DataFrame>"] if isinstance(source, pd.DataFrame) else [str(p) for p in source]
    return {"files": files, "articles": len(frame), "sha256": _data_fingerprint(frame)}


def _label_counts(frame: pd.DataFrame) -> dict[str, int]:
    counts = {"articles": len(frame), "relief": int(frame["relief"].sum())}
    for facet in MULTI_FACETS:
        for labels in frame[facet]:
            for label in labels:
                counts[f"{facet}:{label}"] = counts.get(f"{facet}:{label}", 0) + 1
    return counts


def atomic_write_bytes(path: Path, write: object) -> None:
    """Write through a temp file in the same folder and rename, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Tagger:
    """A trained tagger: pipeline, taxonomy and metadata."""

    def __init__(self, pipeline: Pipeline, taxonomy: Taxonomy, metadata: dict | None = None) -> None:
        self.pipeline = pipeline
        self.taxonomy = taxonomy
        self.metadata = metadata or {}
        self.columns = label_columns(taxonomy)
        self.path: Path | None = None  # the file it was loaded from or saved to

    # ---- training -------------------------------------------------------------------------------
    @classmethod
    def train(
        cls,
        data: DataArg = None,
        taxonomy: Taxonomy | Path | str = DEFAULT_TAXONOMY,
        cv: int = 5,
        skip_invalid: bool = False,
        base: bool = True,
        user_weight: float = USER_WEIGHT,
        **params: object,
    ) -> Tagger:
        """Fit the default pipeline on the shipped labelled data plus the user's own labels.

        `data`: the user's labelled files (JSONL/CSV) or a DataFrame. They are combined with the shipped
        data in labels/ (an article whose id is in both is taken from the user's), and weigh
        `user_weight` times as much, because they come from the corpus the model will tag. With
        `base=False` only the user's data is used. Invalid rows stop training with a DataError listing
        every one (file:line: reason), unless `skip_invalid`: then they are left out and listed in the
        metadata. With cv >= 2 the metadata also records cross-validated scores of the model and of
        the keyword baseline on the same data.
        """
        taxonomy = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
        parts, described = [], {}
        if data is not None:
            user = _load_data(data, taxonomy, skip_invalid).assign(weight=float(user_weight))
            parts.append(user)
            described["user"] = _describe(user, data)
        if base or data is None:
            files = default_training_files()
            shipped = read_labelled(files, taxonomy, skip_invalid).assign(weight=1.0)
            if parts:
                shipped = shipped[~shipped["id"].isin(set(parts[0]["id"]))]
            parts.append(shipped)
            described["base"] = _describe(shipped, files)
        frame = pd.concat(parts, ignore_index=True)
        pipeline = build_pipeline(taxonomy, **params)
        pipeline.fit(frame["text"].tolist(), label_matrix(frame, taxonomy),
                     classify__sample_weight=frame["weight"].to_numpy())
        meta = {
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "labels": {"relief": ["relief"], **{f: taxonomy.names(f) for f in MULTI_FACETS}},
            "thresholds": dict(zip(label_columns(taxonomy),
                                   map(float, pipeline.named_steps["classify"].thresholds_))),
            "training_data": {
                **described,
                "user_weight": float(user_weight) if "user" in described else None,
                "sha256": _data_fingerprint(frame),
                "counts": _label_counts(frame),
                "skipped": [p for part in parts for p in part.attrs.get("skipped", [])],
            },
            "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items()},
            "versions": _versions(),
        }
        if cv >= 2:
            meta["cross_validation"] = cross_validation(frame, taxonomy, k=cv, **params).metrics()
        return cls(pipeline, taxonomy, meta)

    @staticmethod
    def cross_validate(
        data: DataArg = None,
        k: int = 5,
        taxonomy: Taxonomy | Path | str = DEFAULT_TAXONOMY,
        seed: int = 0,
        learning_curve: bool = False,
        **params: object,
    ) -> dict:
        """K-fold cross-validation of the default pipeline: near-duplicate articles kept in one fold,
        folds stratified over all labels (iterative stratification), thresholds chosen inside the
        training folds, the keyword baseline scored alongside. Same shape as `evaluate`."""
        return Tagger.cross_validation(data, k, taxonomy, seed, learning_curve, **params).metrics()

    @staticmethod
    def cross_validation(
        data: DataArg = None,
        k: int = 5,
        taxonomy: Taxonomy | Path | str = DEFAULT_TAXONOMY,
        seed: int = 0,
        learning_curve: bool = False,
        **params: object,
    ) -> Evaluation:
        """Like `cross_validate`, but the full Evaluation (per-article scores, for reports)."""
        taxonomy = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
        frame = _load_data(data, taxonomy)
        return cross_validation(frame, taxonomy, k, seed, learning_curve, **params)

    # ---- persistence ----------------------------------------------------------------------------
    def save(self, path: Path | str = DEFAULT_MODEL) -> Tagger:
        """Write the model (no pickle: see tagger.persist) and `<name>.json` with its metadata.

        Both are written atomically, so an interrupted save never replaces a good model with half a
        file. Returns self, so `Tagger.train(...).save(path)` chains.
        """
        path = Path(path)
        data = model_bytes(self.pipeline, self.taxonomy, self.metadata)
        atomic_write_bytes(path, lambda fh: fh.write(data))
        meta = {**self.metadata, "model_file": path.name,
                "model_sha256": hashlib.sha256(data).hexdigest()}
        atomic_write_bytes(path.with_suffix(".json"),
                           lambda fh: fh.write(json.dumps(meta, ensure_ascii=False, indent=2).encode()))
        self.metadata = meta
        self.path = path
        return self

    @classmethod
    def load(cls, path: Path | str = DEFAULT_MODEL) -> Tagger:
        """Load a model file; a missing, damaged, tampered or foreign file raises ModelError."""
        path = Path(path)
        if not path.exists():
            hint = " (run `tagger train` first)" if path == DEFAULT_MODEL else ""
            raise ModelError(f"{path}: no model file{hint}")
        pipeline, taxonomy, meta = read_model(path)
        tagger = cls(pipeline, taxonomy, meta)
        tagger.path = path
        return tagger

    # ---- prediction -----------------------------------------------------------------------------
    @cached_property
    def explainer(self) -> Explainer:
        """Evidence for this model's predictions (built once: it indexes every feature name)."""
        from tagger.explain import Explainer

        return Explainer(self)

    def predict_proba(self, texts: Iterable[str], cleaned: bool = False) -> np.ndarray:
        """(n, n_labels) probabilities in `self.columns` order.

        `cleaned=True` says the texts already went through `tagger.clean.clean_text` (as the batch
        reader does, to report empty articles), so the pipeline's first step is skipped, not repeated.
        """
        steps = self.pipeline[1:] if cleaned else self.pipeline
        return steps.predict_proba(list(texts))

    def predict(
        self, texts: Iterable[str], ids: Iterable[str] | None = None, cleaned: bool = False
    ) -> list[dict]:
        """One record per text: id, relief, type, actor and every label's score."""
        texts = list(texts)
        ids = list(ids) if ids is not None else [str(i) for i in range(len(texts))]
        if not texts:
            return []
        return self.records(self.predict_proba(texts, cleaned=cleaned), ids)

    def records(self, proba: np.ndarray, ids: Iterable[str]) -> list[dict]:
        """Prediction records from `predict_proba`'s probabilities: thresholds and gate applied."""
        pred = self.pipeline.named_steps["classify"].decide(proba).astype(bool).tolist()
        rounded = np.round(proba, 4).tolist()
        blocks, col = [], 1
        for facet in MULTI_FACETS:
            names = self.taxonomy.names(facet)
            blocks.append((facet, names, col))
            col += len(names)
        records = []
        for doc_id, p, y in zip(ids, rounded, pred):
            record: dict = {"id": doc_id, "relief": y[0]}
            scores: dict = {"relief": p[0]}
            for facet, names, start in blocks:
                record[facet] = [n for n, on in zip(names, y[start:]) if on]
                scores[facet] = dict(zip(names, p[start:start + len(names)]))
            record["scores"] = scores
            records.append(record)
        return records

    def evaluate(self, data: DataArg) -> dict:
        """Scores of this model and of the keyword baseline on held-out labelled data."""
        return self.evaluation(data).metrics()

    def evaluation(self, data: DataArg) -> Evaluation:
        """Like `evaluate`, but the full Evaluation (per-article scores, for reports)."""
        frame = _load_data(data, self.taxonomy)
        texts = frame["text"].tolist()
        proba = self.predict_proba(texts)
        return Evaluation(
            title="held-out evaluation", taxonomy=self.taxonomy, ids=frame["id"].tolist(),
            texts=texts, Y=label_matrix(frame, self.taxonomy), proba=proba,
            pred=self.pipeline.named_steps["classify"].decide(proba),
            baseline=KeywordTagger(self.taxonomy).predict(texts),
            info={"articles": len(texts)},
        )
