"""The label taxonomy, read from labels/taxonomy.toml.

Labels, Chinese names, cue words and organisation aliases are data, so a user adds a label or an alias
by editing the TOML file, never the code. Everything else in tagger (features, the keyword baseline,
evidence, the jieba dictionary) is derived from the one `Taxonomy` object loaded here; a trained model
carries its own copy, so predictions do not depend on the labels/ folder still being there.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tagger.errors import DataError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LABELS_DIR = PROJECT_ROOT / "labels"
DEFAULT_TAXONOMY = DEFAULT_LABELS_DIR / "taxonomy.toml"

MULTI_FACETS = ("type", "actor")


@dataclass(frozen=True)
class Organisation:
    """One organisation (or kind of organisation) and the strings it is written as."""

    canonical: str
    actor: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Label:
    """One label of a facet: its name, Chinese name, definition and cue words."""

    facet: str
    name: str
    name_zh: str
    description: str
    cues: tuple[str, ...]  # the taxonomy's cue words: the keyword baseline tags on these
    related: tuple[str, ...] = ()  # more words that speak for the label: model features only
    organisations: tuple[Organisation, ...] = ()
    name_suffix: str = ""  # regex for what follows an alias in a body's name (民盟 -> 民盟曲靖市委)

    @property
    def terms(self) -> tuple[str, ...]:
        """Every string that speaks for this label: cues, related words, organisation aliases."""
        return self.cues + self.related + self.aliases

    @property
    def aliases(self) -> tuple[str, ...]:
        return tuple(a for org in self.organisations for a in org.aliases)

    def is_rule_term(self, term: str) -> bool:
        """Whether the keyword baseline tags on `term`: an alias, or a word containing a cue."""
        return term in self.aliases or any(cue in term for cue in self.cues)


@dataclass(frozen=True)
class Taxonomy:
    """All facets: the relief yes/no facet and the multi-label `type` and `actor` facets."""

    relief: Label
    labels: dict[str, tuple[Label, ...]]
    action_words: tuple[str, ...]
    quote_words: tuple[str, ...]
    false_friends: tuple[str, ...]
    relief_counter_cues: tuple[str, ...]
    beneficiaries: tuple[str, ...]  # people whose help is relief even without the word 扶贫
    assistance: tuple[str, ...]  # acts of help
    study_markers: tuple[str, ...]  # marks of a paper or study
    source: str = field(default="", compare=False)

    def names(self, facet: str) -> list[str]:
        """Label names of a multi-label facet, in taxonomy order (the order of every output column)."""
        return [label.name for label in self.labels[facet]]

    def label(self, facet: str, name: str) -> Label:
        for label in self.labels[facet]:
            if label.name == name:
                return label
        raise KeyError(f"{facet}:{name}")

    @property
    def organisations(self) -> tuple[Organisation, ...]:
        return tuple(org for label in self.labels["actor"] for org in label.organisations)

    def vocabulary(self) -> set[str]:
        """Every domain term, for the segmenter's dictionary: cues, aliases, action words."""
        words = (set(self.relief.terms) | set(self.action_words) | set(self.relief_counter_cues)
                 | set(self.beneficiaries) | set(self.assistance) | set(self.study_markers))
        for facet in MULTI_FACETS:
            for label in self.labels[facet]:
                words.update(label.terms)
        return {w for w in words
                if len(w) > 1 and not w.isascii() and not any(c.isspace() for c in w)}


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise DataError(where, None, "expected a list of non-empty strings")
    return tuple(value)


def _label(facet: str, name: str, spec: dict, source: str) -> Label:
    where = f"{source} [{facet}.{name}]"
    orgs = tuple(
        Organisation(
            canonical=str(org.get("canonical", "")),
            actor=name,
            aliases=_strings(org.get("aliases"), where + " organisations"),
        )
        for org in spec.get("organisations", [])
    )
    return Label(
        facet=facet,
        name=name,
        name_zh=str(spec.get("name_zh", name)),
        description=str(spec.get("description", "")),
        cues=_strings(spec.get("cues", []), where + " cues"),
        related=_strings(spec.get("related", []), where + " related"),
        organisations=orgs,
        name_suffix=str(spec.get("name_suffix", "")),
    )


def load_taxonomy(path: Path | str = DEFAULT_TAXONOMY) -> Taxonomy:
    """Read and check a taxonomy TOML file; errors name the file and the offending table."""
    path = Path(path)
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(str(path), None, "taxonomy file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError(str(path), None, f"not a valid TOML file: {exc}") from None
    source = str(path)
    for key in ("relief", *MULTI_FACETS):
        if not isinstance(spec.get(key), dict) or (key != "relief" and not spec[key]):
            raise DataError(source, None, f"missing table [{key}]")
    relief_spec = spec["relief"]
    return Taxonomy(
        relief=_label("relief", "relief", relief_spec, source),
        labels={
            facet: tuple(_label(facet, name, sub, source) for name, sub in spec[facet].items())
            for facet in MULTI_FACETS
        },
        action_words=_strings(spec.get("action_words", []), source + " action_words"),
        quote_words=_strings(spec.get("quote_words", []), source + " quote_words"),
        false_friends=_strings(spec.get("false_friends", []), source + " false_friends"),
        relief_counter_cues=_strings(relief_spec.get("counter_cues", []), source + " relief.counter_cues"),
        beneficiaries=_strings(relief_spec.get("beneficiaries", []), source + " relief.beneficiaries"),
        assistance=_strings(relief_spec.get("assistance", []), source + " relief.assistance"),
        study_markers=_strings(relief_spec.get("study_markers", []), source + " relief.study_markers"),
        source=source,
    )
