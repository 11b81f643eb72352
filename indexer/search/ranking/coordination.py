"""All words first: a short relaxed query ranks the articles that have every one of its words above the others.

A short query is what people type into a search box, and each of its words is meant: like Meilisearch's "words"
rule, an article with every word ranks above any article missing one; BM25 orders the articles with every word,
and then the rest (an article with one rare word may rank above one with two common ones: tiering the rest by
words matched too lost on five collections of six, ``docs/relevance.md`` row 41). A long,
sentence-like query is a description, where missing a word matters less: its BM25 score is only scaled by the
share of words matched (Lucene's classic ``coord``, softened by an exponent chosen on every test collection).
"""

from __future__ import annotations

import numpy as np
from whoosh.query import And, Or, Phrase, Query, Term
from whoosh.searching import Results, Searcher

from indexer.search.ranking import model
from indexer.search.ranking.arrays import Scored
from indexer.search.ranking.fields import FieldsWord

# Longer queries: the score times (words matched / words) ** this.
LONG_QUERY_COORD = 0.0

# More than any BM25 score of a query short enough to be tiered (a few words, each over a few fields).
TIER = 1000.0

Terms = list[tuple[str, bytes]]


def word_terms(searcher: Searcher, query: Query) -> list[Terms] | None:
    """Per word of a relaxed query (an OR with one part per word, synonyms expanded), the terms that match it."""
    if type(query) is not Or or len(query.subqueries) < 2:
        return None
    schema = searcher.schema
    words = []
    for part in query.subqueries:
        terms: Terms = []
        for leaf in part.leaves():
            if type(leaf) is Term and leaf.fieldname in schema:
                terms.append((leaf.fieldname, schema[leaf.fieldname].to_bytes(leaf.text)))
            elif type(leaf) is Phrase and leaf.fieldname in schema:
                # A phrase variant of a synonym: its words are recorded only where the whole phrase matched.
                terms += [(leaf.fieldname, schema[leaf.fieldname].to_bytes(w)) for w in leaf.words]
        words.append(terms)
    return words


def matched_words(scored: Scored, words: list[Terms]) -> np.ndarray:
    """How many of the words each of ``scored.docs`` has (a word: any of its terms)."""
    matched = np.zeros(len(scored.docs))
    for terms in words:
        found = [scored.terms[t] for t in terms if t in scored.terms]
        if found:
            matched += np.isin(scored.docs, np.concatenate(found))
    return matched


def coordinate(scored: Scored, words: list[Terms]) -> np.ndarray | None:
    """Rank a short relaxed query's matches that have every word first (``scored.scores`` changed in place);
    returns how many of the words each match has (None when there was nothing to reorder)."""
    if not len(scored.docs) or len(words) < 2:
        return None
    matched = matched_words(scored, words)
    if len(words) <= model.SHORT_QUERY_WORDS:
        # Having every word outweighs any BM25 difference (a constant, not this query's best score, so that a
        # document scores the same whichever filters or path found it); below, BM25 alone (row 41).
        scored.scores += (matched == len(words)) * TIER
    elif LONG_QUERY_COORD:
        scored.scores *= (matched / len(words)) ** LONG_QUERY_COORD
    return matched


def all_words_bound(searcher: Searcher, words: list[Terms]) -> int:
    """At most how many articles have every word (the rarest word's document frequency, over its terms)."""
    reader = searcher.reader()
    return min((sum(reader.doc_frequency(field, text) for field, text in terms) for terms in words), default=0)


def every_word(query: Query) -> bool:
    """True for an AND of single words (each a term, or an OR or a BM25F node of one word's terms over fields and
    languages)."""

    def one_word(part: Query) -> bool:
        leaves = [part] if type(part) is Term else list(part.leaves()) if type(part) in (Or, FieldsWord) else []
        return bool(leaves) and all(type(leaf) is Term for leaf in leaves) and len(model.typed_words(leaves)) == 1

    return type(query) is And and all(one_word(part) for part in query.subqueries)


def exact_words(query: Query) -> bool:
    """True when each word of a relaxed query is matched through single terms only (no phrase variant), so that
    the articles recorded for its terms are exactly the articles it matches."""
    return all(type(leaf) is Term for leaf in query.leaves())


def coordinate_results(searcher: Searcher, query: Query, results: Results, words: list[Terms], limit: int) -> Results:
    """Whoosh's results for every match (collected with their terms) coordinated as ``coordinate`` does, the
    ``limit`` best kept in Whoosh's order (score, then document number)."""
    if not results.top_n:
        return results
    scores, docs = (np.array(column) for column in zip(*results.top_n, strict=True))
    scored = Scored(
        docs.astype(np.int64),
        scores.astype(float),
        {term: np.fromiter(found, dtype=np.int64) for term, found in results.termdocs.items()},
    )
    coordinate(scored, words)
    order = np.lexsort((scored.docs, -scored.scores))[:limit]
    ranked = Results(
        searcher, query, list(zip(scored.scores[order].tolist(), scored.docs[order].tolist(), strict=True))
    )
    kept = set(scored.docs[order].tolist())
    ranked.docterms = {d: terms for d, terms in results.docterms.items() if d in kept}
    ranked.termdocs = {t: [d for d in found if d in kept] for t, found in results.termdocs.items()}
    return ranked
