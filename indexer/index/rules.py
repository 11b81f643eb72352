"""Word rules for batch analysis: an analyzer read apart into its steps, applied to each distinct word once.

Whoosh analyses every field of every document through a chain of generators (tokenizer, lowercase, accent
folding, stop words, stemmer): a dozen Python calls per token. Here a field's analyzer is read apart into its
rules (``AnalyzerRules``), the words of many texts are found with its compiled regex, each distinct word is
lowercased, folded, stopped and stemmed once (PyStemmer's ``stemWords`` over the new ones), and a token costs a
dict lookup. A language whose words depend on their context (Japanese, CJK bigrams) gives its spans through
``StreamRules``. Terms get ids in a ``Vocabulary`` shared by every set of rules of a segment.
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

from indexer.index.languages import analyzer_for, in_context, term_spans

STOPPED_ID = -1  # the term id of a word the rules drop (stop word, too short): cached like any other


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
        self.ids: dict[str, int] = {}  # each word's term id in the vocabulary (STOPPED_ID: dropped)
        # Spans can be worked out from the lengths of the words and of the text between them (``re.split``) when
        # the pattern has no groups and matches no empty text; else they come from match objects.
        self.splits = self.pattern.groups == 0 and self.pattern.match("") is None
        # findall gives whole words only for a pattern without groups (Whoosh's default pattern has one).
        self.findall = self.pattern.findall if self.pattern.groups == 0 else self._matched

    def _matched(self, text: str) -> list[str]:
        return list(map(re.Match.group, self.pattern.finditer(text)))

    def learn(self, texts: Iterable[str]) -> None:
        """Work out the term of every word in ``texts`` not seen before."""
        new: set[str] = set()
        for text in texts:
            new.update(self.findall(text))
        self._learn(new)

    def _learn(self, new: set[str]) -> None:
        ids = self.ids
        words = [w for w in new if w not in ids]
        kept, index = _apply(self.steps, words)
        keys = [words[i] for i in index]
        if self.stemmer is not None:
            kept = self.stemmer.stemWords(kept)
            if self.after:
                kept, index = _apply(self.after, kept)
                keys = [keys[i] for i in index]
        term_id = self.vocabulary.id
        for word in words:
            ids[word] = STOPPED_ID
        for word, term in zip(keys, kept, strict=True):
            ids[word] = term_id(term.encode("utf-8"))

    def term(self, word: str) -> bytes | None:
        """A learnt word's term (None: dropped)."""
        found = self.ids[word]
        return None if found == STOPPED_ID else self.vocabulary.terms[found]

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
            found = list(map(self.findall, texts))
            if chars:
                spans = _spans(found, list(map(self.pattern.split, texts)))
        self._learn(set(chain.from_iterable(found)))
        counts = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
        ids = np.fromiter(map(self.ids.__getitem__, chain.from_iterable(found)), dtype=np.int32, count=counts.sum())
        return Tokens(ids, counts, spans, self.renumber)

    def words(self, text: str) -> set[bytes]:
        """The distinct terms of ``text`` (its vocabulary)."""
        found = set(map(self.term, self.findall(text)))
        found.discard(None)
        return found  # type: ignore[return-value]

    def postings(self, text: str, chars: bool) -> dict[bytes, list[Any]]:
        """``{term: [position, ...]}`` (``[(position, start, end), ...]`` with ``chars``), positions numbered as
        Whoosh's StopFilter renumbers them: the first kept word keeps its place, the rest follow it."""
        seen: dict[bytes, list[Any]] = {}
        pos = -1
        first = True
        for index, match in enumerate(self.pattern.finditer(text)):
            term = self.term(match.group())
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
