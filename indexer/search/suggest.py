"""Autocomplete: words from the index's vocabulary and titles of matching articles, for search-as-you-type."""

from __future__ import annotations

import heapq
import itertools
import re
from dataclasses import asdict, dataclass
from typing import Any

from whoosh.query import And, NullQuery, Or, Query, Term
from whoosh.searching import Searcher

from indexer.index.analysis import news_analyzer
from indexer.index.schema import column_text, vocabulary_analyzer

MIN_PREFIX = 2
MAX_SUGGESTIONS = 20
MAX_INPUT_CHARS = 200
# Prefixes of common letters match thousands of words; ranking only this many keeps each keystroke cheap.
MAX_CANDIDATES = 5000


@dataclass
class Suggestion:
    """A completion: a ``term`` (the typed text completed) or a ``title`` of a matching article (with its id)."""

    text: str
    kind: str
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The suggestion as JSON-ready data."""
        return asdict(self)


def suggest(searcher: Searcher, text: str, limit: int = 8) -> list[Suggestion]:
    """Completions of the last word of ``text`` (most frequent first), then titles of articles matching it all."""
    text = text.replace("\x00", "")[:MAX_INPUT_CHARS].lstrip()
    match = re.search(r"(\w+)$", text)
    if match is None or "words" not in searcher.schema:
        return []
    words = [t.text for t in vocabulary_analyzer()(text[: match.start()])]
    last = [t.text for t in vocabulary_analyzer()(match.group(1))]
    if not last or len(last[0]) < MIN_PREFIX:
        return []
    reader = searcher.reader()
    candidates = itertools.islice(reader.expand_prefix("words", last[0]), MAX_CANDIDATES)
    # The vocabulary's weight is how many documents hold the word (schema.py): it is read, never its postings.
    top = heapq.nlargest(limit, candidates, key=lambda w: (reader.frequency("words", w), w))
    head = text[: match.start()]
    terms = [Suggestion(text=head + column_text(w), kind="term") for w in top]
    if not top:
        return terms
    # Titles of articles holding every word typed and one of the completions, found in the stemmed fields.
    stems = news_analyzer()
    completed = [_in_text({t.text for t in stems(w)}) for w in words]
    query: Query = And([q for q in completed if q is not None]
                       + [_in_text({t.text for w in top for t in stems(column_text(w))}) or NullQuery])
    titles = [Suggestion(text=hit["title"], kind="title", id=hit["id"])
              for hit in searcher.search(query, limit=limit) if hit.get("title")]
    return (terms + titles)[: limit * 2]


def _in_text(stems: set[str]) -> Query | None:
    """Any of ``stems`` in the title or the body (None when the words were all stop words)."""
    return Or([Term(field, s) for s in sorted(stems) for field in ("title", "body")]) if stems else None
