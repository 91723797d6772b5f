"""Model files that load without running code: plain arrays and JSON in a zip archive.

Pickle and joblib execute code while loading, and users share model files. A tagger model file is a zip
archive holding `manifest.json` (format version, tagger and library versions, label set, the taxonomy,
every step's hyperparameters and the sha256 of every array) and one `.npy` array per learned quantity
(vocabularies, idf weights, coefficients, thresholds), read back with `allow_pickle=False`. Loading
rebuilds the same scikit-learn pipeline from those parts, so what is loaded is exactly what was saved
and nothing else; a damaged, truncated, tampered or foreign file is refused with a ModelError.
"""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import asdict
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from tagger.errors import ModelError
from tagger.features import TaxonomyFeatures
from tagger.model import FacetClassifier, clean_texts
from tagger.segment import Segmenter
from tagger.taxonomy import Label, Organisation, Taxonomy
from tagger.vectorize import WordTfidf

FORMAT = "tagger-model"
FORMAT_VERSION = 2
STEPS = ["clean", "segment", "features", "classify"]


# ---- taxonomy <-> JSON ------------------------------------------------------------------------
def taxonomy_to_dict(taxonomy: Taxonomy) -> dict:
    return asdict(taxonomy)


def taxonomy_from_dict(data: dict) -> Taxonomy:
    def label(d: dict) -> Label:
        orgs = tuple(Organisation(o["canonical"], o["actor"], tuple(o["aliases"]))
                     for o in d.get("organisations", []))
        return Label(d["facet"], d["name"], d["name_zh"], d["description"], tuple(d["cues"]),
                     tuple(d.get("related", [])), orgs, d.get("name_suffix", ""))

    return Taxonomy(
        relief=label(data["relief"]),
        labels={facet: tuple(label(d) for d in labels) for facet, labels in data["labels"].items()},
        **{key: tuple(data[key]) for key in ("action_words", "quote_words", "false_friends",
                                             "relief_counter_cues", "beneficiaries", "assistance",
                                             "study_markers")},
        source=data.get("source", ""),
    )


# ---- pipeline -> parts ------------------------------------------------------------------------
class _Writer:
    def __init__(self) -> None:
        self.arrays: dict[str, bytes] = {}

    def array(self, name: str, value: np.ndarray) -> str:
        buf = io.BytesIO()
        np.save(buf, np.asarray(value), allow_pickle=False)
        self.arrays[f"{name}.npy"] = buf.getvalue()
        return f"{name}.npy"


def _check_supported(pipeline: Pipeline) -> None:
    steps = list(pipeline.named_steps)
    if steps != STEPS:
        raise ModelError(f"cannot save a pipeline with steps {steps}: tagger saves its own "
                         f"{' -> '.join(STEPS)} pipeline only")


def pipeline_to_parts(pipeline: Pipeline) -> tuple[dict, dict[str, bytes]]:
    """The manifest entries and arrays that describe a fitted tagger pipeline."""
    _check_supported(pipeline)
    out = _Writer()
    seg: Segmenter = pipeline.named_steps["segment"]
    union: FeatureUnion = pipeline.named_steps["features"]
    branches = []
    for name, step in union.transformer_list:
        if isinstance(step, WordTfidf):
            terms = sorted(step.vocabulary_, key=step.vocabulary_.get)
            params = step.get_params()
            params["ngram_range"] = list(params["ngram_range"])
            branches.append({"name": name, "kind": "tfidf", "params": params,
                             "vocabulary": out.array(f"{name}.vocabulary",
                                                     np.array(terms, dtype=str)),
                             "idf": out.array(f"{name}.idf", step.idf_)})
        elif isinstance(step, TaxonomyFeatures):
            branches.append({"name": name, "kind": "taxonomy", "boundary": step.boundary})
        else:
            raise ModelError(f"cannot save feature step {name!r} of type {type(step).__name__}")
    clf: FacetClassifier = pipeline.named_steps["classify"]
    estimators = []
    for column, est in zip(clf.columns, clf.estimators_):
        if not isinstance(est, LogisticRegression):
            raise ModelError(f"cannot save a {type(est).__name__} for {column}")
        estimators.append({"column": column, "classes": [int(c) for c in est.classes_],
                           "coef": out.array(f"classify.{column}.coef", est.coef_),
                           "intercept": out.array(f"classify.{column}.intercept", est.intercept_),
                           "params": {"C": est.C, "class_weight": est.class_weight,
                                      "solver": est.solver}})
    spec = {
        "segment": {"backend": seg.backend,
                    "words": out.array("segment.dictionary", np.array(seg.words, dtype=str))},
        "features": {"branches": branches, "weights": union.transformer_weights},
        "classify": {"columns": list(clf.columns), "cv": clf.cv,
                     "gate_on_relief": clf.gate_on_relief, "random_state": clf.random_state,
                     "thresholds": out.array("classify.thresholds", clf.thresholds_),
                     "estimators": estimators},
    }
    return spec, out.arrays


# ---- parts -> pipeline ------------------------------------------------------------------------
def _tfidf_from(spec: dict, arrays: dict[str, np.ndarray]) -> WordTfidf:
    params = dict(spec["params"])
    params["ngram_range"] = tuple(params["ngram_range"])
    vec = WordTfidf(**params)
    terms = arrays[spec["vocabulary"]].tolist()
    vec.vocabulary_ = {term: i for i, term in enumerate(terms)}
    vec.idf_ = arrays[spec["idf"]]
    if len(vec.idf_) != len(terms):
        raise ValueError("vocabulary and idf sizes differ")
    return vec


def pipeline_from_parts(spec: dict, arrays: dict[str, np.ndarray], taxonomy: Taxonomy) -> Pipeline:
    """Rebuild the fitted pipeline described by `pipeline_to_parts`."""
    seg = Segmenter(words=tuple(arrays[spec["segment"]["words"]].tolist()),
                    backend=spec["segment"]["backend"])
    branches = []
    for b in spec["features"]["branches"]:
        if b["kind"] == "tfidf":
            branches.append((b["name"], _tfidf_from(b, arrays)))
        elif b["kind"] == "taxonomy":
            branches.append((b["name"], TaxonomyFeatures(taxonomy, b["boundary"]).fit([])))
        else:
            raise ModelError(f"unknown feature step kind {b['kind']!r}")
    c = spec["classify"]
    estimators = []
    for e in c["estimators"]:
        est = LogisticRegression(**e["params"])
        est.classes_ = np.array(e["classes"])
        est.coef_ = arrays[e["coef"]]
        est.intercept_ = arrays[e["intercept"]]
        est.n_features_in_ = est.coef_.shape[1]
        estimators.append(est)
    clf = FacetClassifier(columns=tuple(c["columns"]), estimator=estimators[0] if estimators else None,
                          cv=c["cv"], gate_on_relief=c["gate_on_relief"],
                          random_state=c["random_state"])
    clf.estimators_ = estimators
    clf.thresholds_ = arrays[c["thresholds"]]
    return Pipeline([
        ("clean", FunctionTransformer(clean_texts)),
        ("segment", seg),
        ("features", FeatureUnion(branches, transformer_weights=spec["features"]["weights"])),
        ("classify", clf),
    ])


# ---- files ------------------------------------------------------------------------------------
def model_bytes(pipeline: Pipeline, taxonomy: Taxonomy, metadata: dict) -> bytes:
    """The zip archive of a model: manifest.json plus one .npy per array, sha256 of each listed."""
    spec, arrays = pipeline_to_parts(pipeline)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "metadata": metadata,
        "taxonomy": taxonomy_to_dict(taxonomy),
        "pipeline": spec,
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in arrays.items()},
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        for name, data in arrays.items():
            zf.writestr(name, data)
    return buf.getvalue()


def read_model(path: Path) -> tuple[Pipeline, Taxonomy, dict]:
    """(pipeline, taxonomy, metadata) of a model file; ModelError for anything not a sound model."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "manifest.json" not in names:
                raise ModelError(f"{path}: not a tagger model file (no manifest)")
            manifest = json.loads(zf.read("manifest.json").decode("utf-8"))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise ModelError(f"{path}: not a tagger model file")
            version = manifest.get("format_version")
            if version != FORMAT_VERSION:
                raise ModelError(f"{path}: model format version {version}, this tagger reads "
                                 f"version {FORMAT_VERSION}: retrain the model with this tagger")
            expected = manifest.get("sha256", {})
            if set(expected) != names - {"manifest.json"}:
                raise ModelError(f"{path}: model archive contents do not match its manifest")
            arrays = {}
            for name, digest in expected.items():
                data = zf.read(name)
                if hashlib.sha256(data).hexdigest() != digest:
                    raise ModelError(f"{path}: {name} does not match its checksum "
                                     "(the file was modified or damaged)")
                arrays[name] = np.load(io.BytesIO(data), allow_pickle=False)
    except ModelError:
        raise
    except FileNotFoundError:
        raise ModelError(f"{path}: no model file") from None
    except (zipfile.BadZipFile, EOFError, OSError, UnicodeDecodeError, json.JSONDecodeError,
            ValueError) as exc:
        raise ModelError(f"{path}: not a readable tagger model file ({exc})") from None
    try:
        taxonomy = taxonomy_from_dict(manifest["taxonomy"])
        pipeline = pipeline_from_parts(manifest["pipeline"], arrays, taxonomy)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ModelError(f"{path}: model manifest is incomplete or inconsistent ({exc!r})") from None
    return pipeline, taxonomy, manifest.get("metadata", {})
