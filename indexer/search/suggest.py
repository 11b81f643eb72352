"""Autocomplete: words from the index's vocabulary and titles of matching articles, for search-as-you-type."""

from __future__ import annotations

import re

from whoosh.query import And, Or, Term
from whoosh.searching import Searcher

from indexer.index.schema import vocabulary_analyzer
from indexer.search.complete import MAX_COMPLETIONS, MIN_PREFIX, completions, stems_of
from indexer.search.request import clean_query
from indexer.search.results import Suggestion

# Titles are checked for the typed prefix after the search; asking for a few more keeps the list full.
TITLE_MARGIN = 3


def suggest(searcher: Searcher, text: str, limit: int = 8) -> list[Suggestion]:
    """Completions of the last word of ``text`` (most frequent first), then titles that hold what was typed."""
    text = clean_query(text).lstrip()  # a space after the last word means it is finished
    match = re.search(r"(\w+)$", text)
    if match is None or "words" not in searcher.schema:
        return []
    words = [t.text for t in vocabulary_analyzer()(text[: match.start()])]
    last = [t.text for t in vocabulary_analyzer()(match.group(1))]
    if not last or len(last[0]) < MIN_PREFIX:
        return []
    head = text[: match.start()]
    terms = [Suggestion(text=head + w, kind="term") for w in completions(searcher, last[0], limit)]
    return (terms + _titles(searcher, words, last[0], limit))[: limit * 2]


def _titles(searcher: Searcher, words: list[str], prefix: str, limit: int) -> list[Suggestion]:
    """Articles whose title has every typed word and a word beginning with ``prefix`` (searched in the title only,
    so that a title never appears for a word that only its body holds)."""
    completed = stems_of(completions(searcher, prefix, MAX_COMPLETIONS))
    if not completed:
        return []
    query = And([Term("title", s) for s in stems_of(words)] + [Or([Term("title", s) for s in completed])])
    titles = []
    for hit in searcher.search(query, limit=limit * TITLE_MARGIN):
        title = hit.get("title") or ""
        # A stem matches more than the prefix typed ("runn" -> "running" -> "run" would match "Run"): check the words.
        if any(t.text.startswith(prefix) for t in vocabulary_analyzer()(title)):
            titles.append(Suggestion(text=title, kind="title", id=hit["id"]))
    return titles[:limit]
