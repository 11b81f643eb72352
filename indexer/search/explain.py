"""Why a search found little: which of its words the index does not hold, and what the filters left out, so the
page blames spelling only for words that are truly missing and says when a date filter meets undated articles."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from whoosh.query import Phrase, Query
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from indexer.search.columns import UNDATED, doc_columns, matches
from indexer.search.complete import included_leaves, stems_of, vocabulary_form


@dataclass
class Unfiltered:
    """The query's matches with no filter applied: how many articles, and how many of them have no date."""

    total: int
    undated: int


def unknown_words(searcher: Searcher, query: Query, text: str, known: tuple[str, ...] = ()) -> list[str]:
    """The words of the query (as typed in ``text``, which it was parsed from) that no article holds in any field;
    ``known`` are words to count as present (a prefix being typed that has completions)."""
    reader = searcher.reader()
    # Phrases keep only their stems: find the words as typed again by their stems.
    as_typed = {stem: word for word in re.findall(r"\w+", text) for stem in stems_of([word])}
    found: dict[str, bool] = {}
    for leaf in included_leaves(query):
        start, end = getattr(leaf, "startchar", None), getattr(leaf, "endchar", None)
        if isinstance(leaf, Phrase):
            words = [(as_typed.get(stem, stem), stem) for stem in leaf.words]
        else:
            typed = text[start:end] if start is not None and end is not None else as_typed.get(leaf.text, leaf.text)
            words = [(typed, leaf.text)]
        for word, term in words:
            # The term as the query analysed it (in any language) first; then the word as typed, English-stemmed.
            held = isinstance(term, str) and reader.doc_frequency(leaf.fieldname, term) > 0
            found[word] = found.get(word, False) or held or _held(reader, leaf.fieldname, word, known)
    return [word for word, here in found.items() if not here]


def _held(reader: IndexReader, fieldname: str, word: str, known: tuple[str, ...]) -> bool:
    """Whether some article holds ``word`` in the vocabulary or, stemmed, in ``fieldname``; a stop word counts as
    held (it is never searched, so its spelling is not what went wrong)."""
    form = vocabulary_form(word)
    if form in known or ("words" in reader.schema and reader.doc_frequency("words", form) > 0):
        return True
    stems = stems_of([word])
    return not stems or any(reader.doc_frequency(fieldname, s) > 0 for s in stems)


def unfiltered(searcher: Searcher, query: Query) -> Unfiltered:
    """How many articles match ``query`` with no filter, and how many of those are undated."""
    docs = matches(searcher, query)
    days = doc_columns(searcher).day[docs] if docs.size else np.empty(0, dtype=np.int32)
    return Unfiltered(int(docs.size), int(np.sum(days == UNDATED)))
