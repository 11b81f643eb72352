"""The word being typed as a prefix: its completions from the index's vocabulary, and a query rewritten to match
them, so that search as you type finds Mourinho at ``mour`` instead of flashing "no results"."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from whoosh.query import AndNot, Not, Or, Phrase, Query, Term
from whoosh.searching import Searcher

from indexer.index.languages import DEFAULT_LANGUAGE, terms_in
from indexer.index.schema import QUERY_FIELDS, column_text, vocabulary_analyzer

MIN_PREFIX = 2
# Prefixes of common letters match thousands of words; ranking only this many keeps each keystroke cheap.
MAX_CANDIDATES = 5000
# The most frequent completions searched for: enough for the word meant, few enough for a small query.
MAX_COMPLETIONS = 40


def completions(searcher: Searcher, prefix: str, limit: int = MAX_COMPLETIONS) -> list[str]:
    """The index's words (unstemmed, lowercase) beginning with ``prefix``, most frequent first."""
    reader = searcher.reader()
    if len(prefix) < MIN_PREFIX or "words" not in reader.schema:
        return []
    candidates = itertools.islice(reader.expand_prefix("words", prefix), MAX_CANDIDATES)
    # The vocabulary weighs each word by how many documents hold it (one posting per word and segment).
    top = heapq.nlargest(limit, candidates, key=lambda w: (reader.frequency("words", w), w))
    return [column_text(w) for w in top]


def stems_of(words: list[str], languages: Sequence[str] = (DEFAULT_LANGUAGE,)) -> list[str]:
    """The words as the text fields index them in ``languages`` (stemmed), without repeats."""
    return terms_in(words, languages)


def vocabulary_form(word: str) -> str:
    """A typed word as the vocabulary holds it: lowercase, accents folded, never stemmed."""
    tokens = [t.text for t in vocabulary_analyzer()(word)]
    return tokens[0] if tokens else ""


@dataclass
class LastWord:
    """The query's last word, typed as ``typed`` and searched as ``stem``, and the stems of its completions."""

    typed: str
    stem: str
    stems: list[str]

    def rewrite(self, query: Query) -> Query:
        """``query`` with the last word's stem also matching its completions (never where it is excluded)."""

        def complete(q: Query) -> Query:
            if isinstance(q, Not):
                return q
            if isinstance(q, AndNot):
                return AndNot(complete(q.a), q.b)
            if type(q) is Term and q.fieldname in QUERY_FIELDS and q.text == self.stem:
                return Or([Term(q.fieldname, s) for s in [self.stem, *self.stems]], boost=q.boost)
            return q.apply(complete)

        return complete(query) if self.stems else query


def last_word(
    searcher: Searcher, query: Query, text: str, languages: Sequence[str] = (DEFAULT_LANGUAGE,)
) -> LastWord | None:
    """The plain last word of a parsed query (``text`` is what it was parsed from): a word of at least MIN_PREFIX
    characters ending the text, searched as a word (not in a phrase, not excluded, not already ``prefix*``)."""
    ending = [t for t in included_terms(query) if getattr(t, "endchar", None) == len(text)]
    if not ending:
        return None
    typed = vocabulary_form(text[ending[0].startchar : ending[0].endchar])
    if len(typed) < MIN_PREFIX:
        return None
    stem = ending[0].text
    stems = [s for s in stems_of(completions(searcher, typed), languages) if s != stem]
    return LastWord(typed, stem, stems)


def included_terms(query: Query) -> list[Term]:
    """The query's word terms that documents must or may have (excluded ones left out)."""
    return [leaf for leaf in included_leaves(query) if type(leaf) is Term]


def included_leaves(query: Query) -> list[Term | Phrase]:
    """The query's words and phrases that documents must or may have (excluded ones left out)."""
    if isinstance(query, Not):
        return []
    if isinstance(query, AndNot):
        return included_leaves(query.a)
    if type(query) in (Term, Phrase):
        return [query]
    return [leaf for child in query.children() for leaf in included_leaves(child)]
