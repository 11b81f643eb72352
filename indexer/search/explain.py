"""Why a search found little: which of its words the index does not hold, and what the filters left out, so the
page blames spelling only for words that are truly missing and says when a date filter meets undated articles."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh.query import Query
from whoosh.searching import Searcher

from indexer.search.columns import UNDATED, doc_columns, matches
from indexer.search.complete import included_terms, vocabulary_form


@dataclass
class Unfiltered:
    """The query's matches with no filter applied: how many articles, and how many of them have no date."""

    total: int
    undated: int


def unknown_words(searcher: Searcher, query: Query, text: str, known: tuple[str, ...] = ()) -> list[str]:
    """The words of the query (as typed in ``text``, which it was parsed from) that no article holds in any field;
    ``known`` are words to count as present (a prefix being typed that has completions)."""
    reader = searcher.reader()
    found: dict[str, bool] = {}
    for term in included_terms(query):
        start, end = getattr(term, "startchar", None), getattr(term, "endchar", None)
        word = text[start:end] if start is not None and end is not None else term.text
        here = vocabulary_form(word) in known or reader.doc_frequency(term.fieldname, term.text) > 0
        if "words" in reader.schema:
            here = here or reader.doc_frequency("words", vocabulary_form(word)) > 0
        found[word] = found.get(word, False) or here
    return [word for word, here in found.items() if not here]


def unfiltered(searcher: Searcher, query: Query) -> Unfiltered:
    """How many articles match ``query`` with no filter, and how many of those are undated."""
    docs = matches(searcher, query)
    days = doc_columns(searcher).day[docs] if docs.size else np.empty(0, dtype=np.int32)
    return Unfiltered(int(docs.size), int(np.sum(days == UNDATED)))
