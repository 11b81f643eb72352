"""Autocomplete: words from the index's vocabulary and titles of matching articles, for search-as-you-type."""

from __future__ import annotations

import heapq
import itertools
import re

from whoosh.query import And, Prefix, Query, Term
from whoosh.searching import Searcher

from indexer.index.schema import column_text, vocabulary_analyzer
from indexer.search.request import clean_query
from indexer.search.results import Suggestion

MIN_PREFIX = 2
# Prefixes of common letters match thousands of words; ranking only this many keeps each keystroke cheap.
MAX_CANDIDATES = 5000


def suggest(searcher: Searcher, text: str, limit: int = 8) -> list[Suggestion]:
    """Completions of the last word of ``text`` (most frequent first), then titles of articles matching it all."""
    text = clean_query(text).lstrip()  # a space after the last word means it is finished
    match = re.search(r"(\w+)$", text)
    if match is None or "words" not in searcher.schema:
        return []
    words = [t.text for t in vocabulary_analyzer()(text[: match.start()])]
    last = [t.text for t in vocabulary_analyzer()(match.group(1))]
    if not last or len(last[0]) < MIN_PREFIX:
        return []
    reader = searcher.reader()
    candidates = itertools.islice(reader.expand_prefix("words", last[0]), MAX_CANDIDATES)
    top = heapq.nlargest(limit, candidates, key=lambda w: (reader.doc_frequency("words", w), w))
    head = text[: match.start()]
    terms = [Suggestion(text=head + column_text(w), kind="term") for w in top]
    query: Query = And([Term("words", w) for w in words] + [Prefix("words", last[0])]) if words else Prefix(
        "words", last[0])
    titles = [Suggestion(text=hit["title"], kind="title", id=hit["id"])
              for hit in searcher.search(query, limit=limit) if hit.get("title")]
    return (terms + titles)[: limit * 2]

