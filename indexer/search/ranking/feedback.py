"""Pseudo-relevance feedback: a long query grows by the words its best results share (Bo1, as Whoosh ships it).

Feedback is no free win: it drifts when the first results are not about one thing. It is applied only to long,
descriptive queries (a search-box query of a few words is taken as typed), and only when the first results agree
with each other: the mean overlap (Jaccard) of their vocabularies is at least ``MIN_AGREEMENT``, so the words
they share are likely the topic's. Both limits were chosen once over every test collection, and the threshold is
the one each leave-one-collection-out choice picks (``docs/relevance.md``).
"""

from __future__ import annotations

from itertools import combinations

from whoosh.classify import Bo1Model, Expander
from whoosh.query import Or, Query, Term
from whoosh.searching import Searcher

from indexer.index.analysis import query_stop_stems
from indexer.search.ranking import model

# The words are taken from this many of the first results...
DOCS = 10
# ... this many of them, each weighing at most WEIGHT times a query word.
TERMS = 10
WEIGHT = 0.3
# The first results' mean pairwise vocabulary overlap below which they are not taken to agree.
MIN_AGREEMENT = 0.07


def expand(searcher: Searcher, relaxed: Query, top: list[int]) -> Query | None:
    """The words the first results of a relaxed query share, as a query to add to it (None: no feedback)."""
    if type(relaxed) is not Or or len(relaxed.subqueries) <= model.SHORT_QUERY_WORDS or len(top) < DOCS:
        return None
    fields = sorted({leaf.fieldname for leaf in relaxed.leaves() if type(leaf) is Term})
    if "body" not in fields:
        return None
    stops = query_stop_stems()
    expander = Expander(searcher.reader(), "body", model=Bo1Model)
    body = searcher.schema["body"]
    vocabularies = []
    for docnum in top[:DOCS]:  # each article analysed once, for the overlap and for the expander
        stored = searcher.stored_fields(docnum)
        text = f"{stored.get('title') or ''}\n{stored.get('body') or ''}"
        weights = {body.from_bytes(term): weight for term, _, weight, _ in body.index(text)}
        expander.add(weights.items())
        vocabularies.append(set(weights) - stops)
    if _agreement(vocabularies) < MIN_AGREEMENT:
        return None
    known = {leaf.text for leaf in relaxed.leaves() if type(leaf) is Term}
    # Ask for more than needed: the query's own words, stop words and numbers are dropped from the list.
    found = [
        (word, score)
        for word, score in expander.expanded_terms(TERMS * 3)
        if word not in known and word not in stops and len(word) > 2 and not word.isdigit()
    ][:TERMS]
    if not found:
        return None
    best = max(score for _, score in found) or 1.0
    return Or([model.word_query(word, fields, WEIGHT * score / best) for word, score in found])


def _agreement(vocabularies: list[set[str]]) -> float:
    """The mean Jaccard overlap of every pair of vocabularies."""
    pairs = [len(a & b) / (len(a | b) or 1) for a, b in combinations(vocabularies, 2)]
    return sum(pairs) / len(pairs) if pairs else 0.0
