"""Batch analysis: many documents analysed at once, each distinct word once (the writer: ``segments.py``).

Whoosh analyses every field of every document through a chain of generators (tokenizer, lowercase, accent
folding, stop words, stemmer): a dozen Python calls per token. Here a field's analyzer is read apart into its
rules (``AnalyzerRules``), the words of a whole batch are found with its compiled regex, each distinct word is
lowercased, folded, stopped and stemmed once (PyStemmer's ``stemWords`` over the new ones), and a token costs a
dict lookup. The postings are exactly what ``field.index()`` yields (``tests/test_batch.py`` checks it on real
news); the rules come from the analyzers in ``analysis.py`` and ``schema.py``, never copied.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain
from typing import Any

import numpy as np
import Stemmer
from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    CompositeAnalyzer,
    LowercaseFilter,
    PyStemmerFilter,
    RegexTokenizer,
    StopFilter,
)
from whoosh.fields import FieldType, Schema
from whoosh.formats import Characters, Frequency, Positions
from whoosh.system import pack_uint

from indexer.index.languages import LanguageAnalyzer, analysis_key, analyzer_for, in_context, term_spans

_STOPPED = None  # a word the rules drop (stop word, too short): cached like any other
STOPPED_ID = -1  # its term id


class Vocabulary:
    """Term ids for a segment's terms, shared by every set of rules (the direct writer's arrays hold ids)."""

    def __init__(self) -> None:
        self.ids: dict[bytes, int] = {}
        self.terms: list[bytes] = []

    def id(self, term: bytes) -> int:
        """The term's id, given on first sight."""
        found = self.ids.get(term)
        if found is None:
            found = self.ids[term] = len(self.terms)
            self.terms.append(term)
        return found


@dataclass
class Tokens:
    """Several texts' tokens: each word's term id (STOPPED_ID for a dropped word), text after text."""

    ids: np.ndarray  # int32
    counts: np.ndarray  # words in each text
    spans: np.ndarray | None  # (characters) each word's start and end, flattened, uint32
    renumber: bool  # positions renumbered around dropped words, as Whoosh's StopFilter(renumber=True) does

    def kept(self) -> np.ndarray:
        """The number of words kept in each text (its field length)."""
        text = np.repeat(np.arange(len(self.counts)), self.counts)
        return self.counts - np.bincount(text[self.ids == STOPPED_ID], minlength=len(self.counts))


class UnsupportedAnalyzer(Exception):
    """An analyzer with a step the batch rules do not know; such a field is analysed by Whoosh."""


class AnalyzerRules:
    """One analyzer's rules, applied to each distinct word once."""

    def __init__(self, analyzer: Analyzer, vocabulary: Vocabulary | None = None) -> None:
        self.vocabulary = vocabulary or Vocabulary()
        items = analyzer.items if isinstance(analyzer, CompositeAnalyzer) else [analyzer]
        tokenizer, *filters = items
        if not isinstance(tokenizer, RegexTokenizer) or tokenizer.gaps:
            raise UnsupportedAnalyzer(repr(tokenizer))
        self.pattern: re.Pattern[str] = tokenizer.expression
        self.steps: list[tuple[str, Any]] = []  # before the stemmer
        self.after: list[tuple[str, Any]] = []  # after it (accents folded from stems)
        self.stemmer: Any = None
        self.renumber = False
        for item in filters:
            steps = self.steps if self.stemmer is None else self.after
            if isinstance(item, LowercaseFilter):
                steps.append(("lower", None))
            elif isinstance(item, CharsetFilter):
                steps.append(("charset", item.charmap))
            elif isinstance(item, StopFilter):
                steps.append(("stop", item))
                self.renumber = self.renumber or item.renumber
            elif isinstance(item, PyStemmerFilter) and self.stemmer is None and not item.ignore:
                self.stemmer = Stemmer.Stemmer(item.lang)
            else:
                raise UnsupportedAnalyzer(repr(item))
        self.terms: dict[str, bytes | None] = {}
        self.ids: dict[str, int] = {}  # each word's term id in the vocabulary
        # Spans can be worked out from the lengths of the words and of the text between them (``re.split``) when
        # the pattern has no groups and matches no empty text; else they come from match objects.
        self.splits = self.pattern.groups == 0 and self.pattern.match("") is None

    def learn(self, texts: Iterable[str]) -> None:
        """Work out the term of every word in ``texts`` not seen before."""
        new: set[str] = set()
        for text in texts:
            new.update(self.pattern.findall(text))
        self._learn(new)

    def _learn(self, new: set[str]) -> None:
        terms = self.terms
        words = [w for w in new if w not in terms]
        kept, index = _apply(self.steps, words)
        keys = [words[i] for i in index]
        if self.stemmer is not None:
            kept = self.stemmer.stemWords(kept)
            if self.after:
                kept, index = _apply(self.after, kept)
                keys = [keys[i] for i in index]
        ids, term_id = self.ids, self.vocabulary.id
        for word in words:
            terms[word] = _STOPPED
            ids[word] = STOPPED_ID
        for word, term in zip(keys, kept, strict=True):
            terms[word] = encoded = term.encode("utf-8")
            ids[word] = term_id(encoded)

    def tokens(self, texts: Sequence[str], chars: bool) -> Tokens:
        """The texts' tokens, words learnt here if new, with their spans when ``chars``; every text is searched
        once (twice for spans: words, then what lies between them)."""
        spans: np.ndarray | None = None
        if chars and not self.splits:
            matches = [list(self.pattern.finditer(text)) for text in texts]
            found = [list(map(re.Match.group, m)) for m in matches]
            flat = chain.from_iterable(map(re.Match.span, chain.from_iterable(matches)))
            spans = np.fromiter(flat, dtype=np.uint32)
        else:
            found = list(map(self.pattern.findall, texts))
            if chars:
                spans = _spans(found, list(map(self.pattern.split, texts)))
        self._learn(set(chain.from_iterable(found)))
        counts = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
        ids = np.fromiter(map(self.ids.__getitem__, chain.from_iterable(found)), dtype=np.int32, count=counts.sum())
        return Tokens(ids, counts, spans, self.renumber)

    def words(self, text: str) -> set[bytes]:
        """The distinct terms of ``text`` (its vocabulary)."""
        found = set(map(self.terms.__getitem__, self.pattern.findall(text)))
        found.discard(None)
        return found  # type: ignore[return-value]

    def postings(self, text: str, chars: bool) -> dict[bytes, list[Any]]:
        """``{term: [position, ...]}`` (``[(position, start, end), ...]`` with ``chars``), positions numbered as
        Whoosh's StopFilter renumbers them: the first kept word keeps its place, the rest follow it."""
        terms = self.terms
        seen: dict[bytes, list[Any]] = {}
        pos = -1
        first = True
        for index, match in enumerate(self.pattern.finditer(text)):
            term = terms[match.group()]
            if term is None:
                continue
            if first or not self.renumber:
                pos = index
                first = False
            else:
                pos += 1
            entry = (pos, match.start(), match.end()) if chars else pos
            if term in seen:
                seen[term].append(entry)
            else:
                seen[term] = [entry]
        return seen


def _spans(found: list[list[str]], between: list[list[str]]) -> np.ndarray:
    """The texts' word spans, flattened (start, end, ...), from their words and the texts between them."""
    counts = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
    words = np.fromiter(map(len, chain.from_iterable(found)), dtype=np.int64, count=int(counts.sum()))
    gaps = np.fromiter(map(len, chain.from_iterable(between)), dtype=np.int64, count=int(counts.sum()) + len(found))
    # Each text's pieces in order: gap, word, gap, word, ..., gap.
    pieces = 2 * counts + 1
    first = np.cumsum(pieces) - pieces
    text = np.repeat(np.arange(len(found)), counts)
    slot = first[text] + 2 * (np.arange(len(words)) - (np.cumsum(counts) - counts)[text]) + 1
    lengths = np.empty(int(pieces.sum()), dtype=np.int64)
    is_word = np.zeros(len(lengths), dtype=bool)
    is_word[slot] = True
    lengths[slot] = words
    lengths[~is_word] = gaps
    ends = np.cumsum(lengths)
    starts = ends[slot] - words - (ends[first] - lengths[first])[text]
    flat = np.empty(2 * len(words), dtype=np.uint32)
    flat[0::2], flat[1::2] = starts, starts + words
    return flat


def _apply(steps: list[tuple[str, Any]], words: list[str]) -> tuple[list[str], list[int]]:
    """The words through lowercasing, folding and stop steps: the kept texts and their indexes in ``words``."""
    kept: list[str] = []
    index: list[int] = []
    for i, word in enumerate(words):
        text = word
        for kind, arg in steps:
            if kind == "lower":
                text = text.lower()
            elif kind == "charset":
                text = text.translate(arg)
            elif not (len(text) >= arg.min and (arg.max is None or len(text) <= arg.max) and text not in arg.stops):
                break
        else:
            kept.append(text)
            index.append(i)
    return kept, index


class StreamRules:
    """The rules of a language whose words depend on their context (Japanese morphemes, CJK bigrams): each text's
    ``(term, start, end)`` spans come from ``indexer.index.languages.term_spans``."""

    def __init__(
        self, spans: Callable[[str], list[tuple[str, int, int]]], vocabulary: Vocabulary | None = None
    ) -> None:
        self.spans = spans
        self.vocabulary = vocabulary or Vocabulary()
        self.ids: dict[str, int] = {}

    def _id(self, term: str) -> int:
        found = self.ids.get(term)
        if found is None:
            found = self.ids[term] = self.vocabulary.id(term.encode("utf-8"))
        return found

    def tokens(self, texts: Sequence[str], chars: bool) -> Tokens:
        """The texts' tokens: the term id of each term in context, with their spans when ``chars``."""
        found = [self.spans(text) for text in texts]
        ids = [self._id(term) for term, _, _ in chain.from_iterable(found)]
        spans = [n for _, start, end in chain.from_iterable(found) for n in (start, end)] if chars else None
        return Tokens(
            np.asarray(ids, dtype=np.int32),
            np.fromiter(map(len, found), dtype=np.int64, count=len(found)),
            None if spans is None else np.asarray(spans, dtype=np.uint32),
            False,
        )

    def learn(self, texts: Iterable[str]) -> None:
        """Nothing to learn ahead: words are found in context."""

    def words(self, text: str) -> set[bytes]:
        """The distinct terms of ``text``."""
        return {term.encode("utf-8") for term, _, _ in self.spans(text)}

    def postings(self, text: str, chars: bool) -> dict[bytes, list[Any]]:
        """``{term: [position, ...]}`` (``[(position, start, end), ...]`` with ``chars``), as the analyzer yields."""
        seen: dict[bytes, list[Any]] = {}
        for pos, (term, start, end) in enumerate(self.spans(text)):
            seen.setdefault(term.encode("utf-8"), []).append((pos, start, end) if chars else pos)
        return seen


def rules_for(language: str, kind: str, vocabulary: Vocabulary | None = None) -> AnalyzerRules | StreamRules:
    """Word-at-a-time rules for a language where its analyzer allows them, else spans found in context."""
    if in_context(language):
        return StreamRules(partial(term_spans, language, kind), vocabulary)
    return AnalyzerRules(analyzer_for(language, kind), vocabulary)


Rules = AnalyzerRules | StreamRules


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
