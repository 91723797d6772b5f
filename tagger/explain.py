"""Evidence for predictions: the terms that pushed each label up, the sentences that support it, and
the organisations the article names.

The classifier is linear, so a label's score is a sum of (coefficient x feature value) over the article's
features; the largest positive products are the terms that decided it, read straight off the model.
The supporting sentences are the article's sentences scored alone by the same classifier: the one or two
that, on their own, speak most for the label. Organisations come from the taxonomy's alias lists, with
their canonical names and actor kinds, so a user can check an actor tag against who is actually named.
"""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from tagger.clean import clean_text
from tagger.lexicon import Lexicon, sentence_spans
from tagger.taxonomy import MULTI_FACETS

if TYPE_CHECKING:
    from tagger.api import Tagger

TOP_TERMS = 8
TOP_SENTENCES = 2
MIN_SENTENCE_CHARS = 6


def organisations(text: str, lexicon: Lexicon) -> list[dict]:
    """Organisations named in clean `text`: name as written, canonical name, actor kind, count."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for m in lexicon.mentions(text, ("actor",)):
        if m.canonical:
            counts[(m.text, m.canonical, m.labels[0])] += 1
    return [{"name": n, "canonical": c, "actor": a, "count": k}
            for (n, c, a), k in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _readable(name: str) -> str:
    """'words__扶贫 车间' -> '扶贫 车间'; 'taxonomy__actor:cppcc:action' -> '[cppcc action]'."""
    branch, _, feature = name.partition("__")
    if branch != "taxonomy":
        return feature
    facet, label, kind = (feature.split(":") + ["", ""])[:3]
    if facet == "global":
        return f"[{label.replace('_', ' ')}]"
    return f"[{label} {kind}]"


class Explainer:
    """Computes evidence for a tagger's predictions."""

    def __init__(self, tagger: Tagger) -> None:
        self.tagger = tagger
        self.segmenter = tagger.pipeline.named_steps["segment"]
        self.features = tagger.pipeline.named_steps["features"]
        self.classifier = tagger.pipeline.named_steps["classify"]
        self.raw_names = self.features.get_feature_names_out()
        self.names = np.array([_readable(n) for n in self.raw_names])
        self.lexicon = Lexicon(tagger.taxonomy)

    def explain(self, text: str, record: dict | None = None, cleaned: bool = False) -> dict:
        """The record of `text` (predicted if not given) with "evidence" and "organisations" added.

        `cleaned=True` says `text` already went through `clean_text` (as in a batch run)."""
        clean = text if cleaned else clean_text(text)
        if record is None:
            record = self.tagger.predict([clean], cleaned=True)[0]
        found = self._found_terms(clean)
        X = self.features.transform(self.segmenter.transform([clean]))
        sentences = [clean[a:b].strip() for a, b in sentence_spans(clean)]
        sentences = [s for s in sentences if len(s) >= MIN_SENTENCE_CHARS]
        S = self.features.transform(self.segmenter.transform(sentences)) if sentences else None
        evidence = {}
        for facet in MULTI_FACETS:
            for label in record[facet]:
                evidence[label] = self._evidence(f"{facet}:{label}", X, S, sentences, found)
        if record["relief"]:
            evidence["relief"] = self._evidence("relief", X, S, sentences, found)
        return {**record, "evidence": evidence, "organisations": organisations(clean, self.lexicon)}

    def _found_terms(self, text: str) -> dict[str, str]:
        """'type:industry' -> '产业×4 基地': the label's terms as found in this article."""
        counts: dict[str, Counter[str]] = {}
        for m in self.lexicon.mentions(text, ("relief", *MULTI_FACETS)):
            for label in m.labels:
                key = "relief:relief" if m.facet == "relief" else f"{m.facet}:{label}"
                counts.setdefault(key, Counter())[m.text] += 1
        return {k: " ".join(t if n == 1 else f"{t}×{n}" for t, n in c.most_common(4))
                for k, c in counts.items()}

    def _term(self, index: int, found: dict[str, str]) -> str:
        """A readable name for feature `index`; taxonomy features name the words `found`."""
        name = self.raw_names[index]
        branch, _, feature = name.partition("__")
        if branch == "taxonomy" and not feature.startswith("global:"):
            facet, label, kind = feature.split(":")
            words = found.get(f"{facet}:{label}", "")
            return f"{label} terms ({kind}): {words}" if words else f"[{label} {kind}]"
        return str(self.names[index])

    def _evidence(self, column: str, X: object, S: object, sentences: list[str],
                  found: dict[str, str]) -> dict:
        j = self.tagger.columns.index(column)
        est = self.classifier.estimators_[j]
        row = X.tocsr()
        contrib = row.multiply(est.coef_[0]).tocsr()
        order = np.argsort(-contrib.data)[:TOP_TERMS]
        terms = [[self._term(contrib.indices[i], found), round(float(contrib.data[i]), 4)]
                 for i in order if contrib.data[i] > 0]
        best: list[str] = []
        if S is not None:
            scores = est.predict_proba(S)[:, 1]
            best = [sentences[i] for i in np.argsort(-scores)[:TOP_SENTENCES]]
        return {"terms": terms, "sentences": best}


def render(explained: dict, source: str, tagger: Tagger) -> None:
    """A readable terminal view: labels with scores, supporting sentences with label terms highlighted."""
    from rich.console import Console
    from rich.markup import escape
    from rich.text import Text

    console = Console()
    console.rule(f"[bold]{source}")
    relief = "yes" if explained["relief"] else "no"
    console.print(f"relief: [bold]{relief}[/bold] ({explained['scores']['relief']:.2f})")
    lexicon = Lexicon(tagger.taxonomy)
    for facet in MULTI_FACETS:
        for label in explained[facet]:
            spec = tagger.taxonomy.label(facet, label)
            score = explained["scores"][facet][label]
            console.print(f"\n[bold cyan]{facet}: {label} {spec.name_zh}[/bold cyan] ({score:.2f})")
            ev = explained["evidence"].get(label, {})
            terms = ", ".join(f"{t} ({w:+.2f})" for t, w in ev.get("terms", []))
            console.print("  terms: " + escape(terms))
            for sentence in ev.get("sentences", []):
                line = Text("  »" + sentence)  # no space after »: wrap inside the sentence
                for m in lexicon.mentions(sentence, (facet,)):
                    if label in m.labels:
                        line.stylize("bold yellow", m.start + 3, m.end + 3)
                console.print(line, overflow="fold")
    if explained["organisations"]:
        console.print("\n[bold]organisations named[/bold]")
        for org in explained["organisations"]:
            console.print(escape(f"  {org['name']} → {org['canonical']} ({org['actor']}) "
                                 f"×{org['count']}"))
