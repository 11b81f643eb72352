"""Batch analysis: many documents analysed at once, each distinct word once (the writer: ``segments.py``).

A field's analyzer is read apart into word rules (``rules.py``); a batch's texts are analysed a field and a set of
rules at a time. ``tokens`` gives the direct writer arrays of term ids; ``items`` gives the postings exactly as
``field.index()`` yields them (``tests/test_batch.py`` checks it on real news), for the pool writer. The rules come
from the analyzers in ``analysis.py`` and ``schema.py``, never copied.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from whoosh.analysis import Analyzer
from whoosh.fields import FieldType, Schema
from whoosh.formats import Characters, Frequency, Positions
from whoosh.system import pack_uint

from indexer.index.languages import LanguageAnalyzer, analysis_key
from indexer.index.rules import AnalyzerRules, Rules, Tokens, UnsupportedAnalyzer, Vocabulary, rules_for

__all__ = ["BatchAnalyzer", "UnsupportedAnalyzer"]


class BatchAnalyzer:
    """Posting items for every analysed field of a schema, as ``field.index()`` would yield them; a field with a
    ``LanguageAnalyzer`` is analysed in each document's ``language``."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.vocabulary = Vocabulary()
        # Per field: its analyzer's rules, or the kind of its LanguageAnalyzer (rules chosen per document).
        self.rules: dict[str, Rules | str] = {}
        self.vocabularies = {name for name, field in schema.items() if getattr(field, "vocabulary", False)}
        # Fields with equal analyzers share one set of rules, and so one cache of words.
        known: list[tuple[Analyzer, AnalyzerRules]] = []
        self.by_language: dict[tuple[str, str], Rules] = {}
        for name, field in schema.items():
            if not _batchable(field):
                continue
            if isinstance(field.analyzer, LanguageAnalyzer):
                self.rules[name] = field.analyzer.kind
                continue
            rules = next((r for a, r in known if a == field.analyzer), None)
            if rules is None:
                try:
                    rules = AnalyzerRules(field.analyzer, self.vocabulary)
                except UnsupportedAnalyzer:
                    continue
                known.append((field.analyzer, rules))
            self.rules[name] = rules

    def _rules(self, name: str, language: str | None) -> Rules:
        rules = self.rules[name]
        if not isinstance(rules, str):
            return rules
        key = (rules, analysis_key(language))
        if key not in self.by_language:
            self.by_language[key] = rules_for(key[1], rules, self.vocabulary)
        return self.by_language[key]

    def _learn(self, docs: Sequence[dict[str, Any]]) -> list[dict[str, Rules]]:
        """Each document's rules per field, having learnt the words of the batch."""
        chosen = [{name: self._rules(name, doc.get("language")) for name in self.rules} for doc in docs]
        texts: dict[int, tuple[Rules, list[str]]] = {}
        for doc, rules in zip(docs, chosen, strict=True):
            for name, rule in rules.items():
                if isinstance(value := doc.get(name), str):
                    texts.setdefault(id(rule), (rule, []))[1].append(value)
        for rule, values in texts.values():
            rule.learn(values)
        return chosen

    def tokens(self, docs: Sequence[dict[str, Any]]) -> list[tuple[str, list[int], Tokens]]:
        """The batch-analysed fields' tokens, a field and a set of rules at a time: ``(fieldname, the documents'
        indexes in ``docs``, their tokens)``; ids are ``self.vocabulary``'s."""
        groups: dict[tuple[int, str], tuple[Rules, list[int], list[str]]] = {}
        for n, doc in enumerate(docs):
            for name in self.rules:
                if isinstance(value := doc.get(name), str):
                    rule = self._rules(name, doc.get("language"))
                    group = groups.setdefault((id(rule), name), (rule, [], []))
                    group[1].append(n)
                    group[2].append(value)
        return [
            (name, members, rule.tokens(texts, type(self.schema[name].format) is Characters))
            for (_, name), (rule, members, texts) in groups.items()
        ]

    def items(self, docs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each document's ``{fieldname: [(tbytes, freq, weight, vbytes), ...]}`` for the batch-analysed fields
        (``{fieldname: {tbytes, ...}}``, its distinct terms, for a vocabulary field)."""
        chosen = self._learn(docs)
        out = []
        for doc, rules in zip(docs, chosen, strict=True):
            fields: dict[str, Any] = {}
            for name, rule in rules.items():
                value = doc.get(name)
                if not isinstance(value, str):
                    continue
                if name in self.vocabularies:
                    fields[name] = rule.words(value)
                else:
                    fields[name] = _encode(self.schema[name].format, rule, value)
            out.append(fields)
        return out


def _batchable(field: FieldType) -> bool:
    fmt = field.format
    return (
        field.indexed
        and field.analyzer is not None
        and not field.vector
        and not field.separate_spelling()
        and type(fmt) in (Frequency, Positions, Characters)
    )


def _encode(fmt: Any, rules: Rules, value: str) -> list[tuple[bytes, int, float, bytes]]:
    kind = type(fmt)
    seen = rules.postings(value, chars=kind is Characters)
    boost = fmt.field_boost
    if kind is Frequency:
        return [(term, len(p), len(p) * boost, pack_uint(len(p))) for term, p in seen.items()]
    encode = fmt.encode
    return [(term, len(p), len(p) * boost, encode(p)) for term, p in seen.items()]
