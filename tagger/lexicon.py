"""Find the taxonomy's terms in clean text: cue words, organisation aliases, action and quote words.

One Aho-Corasick automaton per facet finds every term in a single pass (leftmost-longest, so 光彩事业基金会
is one business mention and not also a 基金会), which keeps the cost linear in the text whatever the size
of the dictionaries. Facets are matched separately so that a long term of one facet (健康扶贫) never hides
a term of another (扶贫). The keyword baseline and the evidence read mentions of the text from here, and
the taxonomy features ask it which terms each of the segmenter's words holds, so all three agree on what
a term is.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

import ahocorasick

from tagger.taxonomy import MULTI_FACETS, Taxonomy

SENTENCE_END = re.compile("[\u3002\uff01\uff1f!?\uff1b;\n]+")  # 。！？!?；; and line breaks


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of a term in a text."""

    start: int
    end: int
    text: str
    facet: str  # "relief", "type", "actor", or a word list: "action", "quote", "counter",
    #            "beneficiary", "assistance", "study"
    labels: tuple[str, ...]  # labels the term speaks for (a term may serve several)
    canonical: str | None  # the organisation, for actor aliases; None for cue words
    sentence: int  # index into `sentence_spans(text)`
    rule: bool  # the keyword baseline tags on this term (see Label.is_rule_term)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text` (split on 。!?; and line breaks)."""
    spans, start = [], 0
    for m in SENTENCE_END.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _sentence_index(ends: list[int], pos: int) -> int:
    """Index of the sentence containing `pos`, given the sentences' end offsets."""
    return min(bisect_right(ends, pos), max(len(ends) - 1, 0))


class Lexicon:
    """The taxonomy's terms, compiled for matching.

    The automata are rebuilt on first use after unpickling rather than stored, so a saved model holds
    only the taxonomy data it was trained with.
    """

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy

    def __getstate__(self) -> dict:
        return {"taxonomy": self.taxonomy}

    def __setstate__(self, state: dict) -> None:
        self.taxonomy = state["taxonomy"]

    @cached_property
    def _automata(self) -> dict[str, ahocorasick.Automaton]:
        tax = self.taxonomy
        entries: dict[str, dict[str, list[tuple[str, str | None]]]] = {
            "relief": {w: [("relief", None)] for w in tax.relief.terms},
            "action": {w: [("action", None)] for w in tax.action_words},
            "quote": {w: [("quote", None)] for w in tax.quote_words},
            "counter": {w: [("counter", None)] for w in tax.relief_counter_cues},
            "beneficiary": {w: [("beneficiary", None)] for w in tax.beneficiaries},
            "assistance": {w: [("assistance", None)] for w in tax.assistance},
            "study": {w: [("study", None)] for w in tax.study_markers},
        }
        for facet in MULTI_FACETS:
            table = entries.setdefault(facet, {})
            for label in tax.labels[facet]:
                for cue in label.cues + label.related:
                    table.setdefault(cue, []).append((label.name, None))
                for org in label.organisations:
                    for alias in org.aliases:
                        table.setdefault(alias, []).append((label.name, org.canonical))
        # A false friend (民进党) is matched as a term of no label, so the alias inside it (民进) is not.
        for word in tax.false_friends:
            entries["actor"][word] = []
        automata = {}
        for facet, table in entries.items():
            auto = ahocorasick.Automaton()
            for term, targets in table.items():
                auto.add_word(term, (term, tuple(targets), self._is_rule(facet, term, targets)))
            auto.make_automaton()
            automata[facet] = auto
        return automata

    def _is_rule(self, facet: str, term: str, targets: list[tuple[str, str | None]]) -> bool:
        if facet == "relief":
            return self.taxonomy.relief.is_rule_term(term)
        if facet not in MULTI_FACETS:
            return False
        return any(self.taxonomy.label(facet, name).is_rule_term(term) for name, _ in targets)

    @cached_property
    def _suffixes(self) -> dict[str, re.Pattern[str]]:
        return {
            label.name: re.compile(label.name_suffix)
            for label in self.taxonomy.labels["actor"]
            if label.name_suffix
        }

    def mentions(self, text: str, facets: tuple[str, ...] | None = None) -> list[Mention]:
        """All term occurrences in `text`, facet by facet, each in left-to-right order."""
        ends = [end for _, end in sentence_spans(text)]
        found: list[Mention] = []
        for facet, auto in self._automata.items():
            if facets is not None and facet not in facets:
                continue
            covered = 0
            for last, (term, targets, rule) in auto.iter_long(text):
                start = last - len(term) + 1
                if start < covered or not targets:
                    continue
                end = last + 1
                labels = tuple(dict.fromkeys(t[0] for t in targets))
                for name in labels:
                    suffix = self._suffixes.get(name)
                    m = suffix.match(text, end) if suffix else None
                    if m:
                        end = m.end()
                covered = end
                canonical = next((t[1] for t in targets if t[1]), None)
                found.append(
                    Mention(start, end, text[start:end], facet, labels, canonical,
                            _sentence_index(ends, start), rule)
                )
        return found
