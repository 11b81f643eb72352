"""Ranking with array operations: every match of a query scored at once over whole posting lists.

Whoosh's collector advances its matchers one document at a time in Python, and counting facets means visiting
every match, so it cannot skip blocks either. Here each posting list is decoded a block at a time into numpy
arrays and BM25F is computed as Whoosh computes it (same formula, same quantised field lengths), for queries of
words combined with AND, OR, NOT and ``+``. Other shapes (phrases, prefixes, fuzzy terms) return None and
``indexer.search`` uses Whoosh's collector for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching import Matcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, AndMaybe, AndNot, NullQuery, Or, Query, Term
from whoosh.reading import IndexReader, TermNotFound
from whoosh.scoring import BM25FScorer
from whoosh.searching import Results, Searcher
from whoosh.util.numeric import byte_to_length

from indexer.columns import per_reader

_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)
# Whoosh keeps each document's field length as one byte; this maps the byte back to the length it stands for.
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


class _Unsupported(Exception):
    """A query shape not scored here."""


@dataclass
class Scored:
    """Every match of a query (global document numbers, ascending), its score, and each query term's matches."""

    docs: np.ndarray
    scores: np.ndarray
    terms: dict[tuple[str, bytes], np.ndarray]


def score_all(searcher: Searcher, query: Query) -> Scored | None:
    """Score every document the query matches, deleted ones excluded; None for shapes not handled here."""
    docs, scores, terms = [], [], {}
    try:
        for reader, offset in searcher.reader().leaf_readers():
            ids, values = _Leaf(searcher, reader, terms, offset).scores(query)
            if reader.has_deletions() and len(ids):
                keep = ~np.isin(ids, np.fromiter(reader.deleted_docs_set, dtype=np.int64))
                ids, values = ids[keep], values[keep]
            docs.append(ids + offset)
            scores.append(values)
    except _Unsupported:
        return None
    if not docs:
        return Scored(_EMPTY_IDS, _EMPTY_SCORES, terms)
    return Scored(np.concatenate(docs), np.concatenate(scores), {t: np.concatenate(d) for t, d in terms.items()})


def top(searcher: Searcher, query: Query, scored: Scored, limit: int, allowed: np.ndarray | None) -> Results:
    """The ``limit`` best of the allowed matches as Whoosh results, in Whoosh's order (score, then document
    number), with the matched terms recorded for highlighting."""
    docs, scores = scored.docs, scored.scores
    if allowed is not None:
        docs, scores = docs[allowed], scores[allowed]
    if limit < len(docs):  # only the candidates at or above the limit-th score need sorting
        candidates = np.flatnonzero(scores >= np.partition(scores, len(docs) - limit)[len(docs) - limit])
        docs, scores = docs[candidates], scores[candidates]
    order = np.lexsort((docs, -scores))[:limit]
    docs, scores = docs[order], scores[order]
    results = Results(searcher, query, list(zip(scores.tolist(), docs.tolist(), strict=True)))
    results.docterms, results.termdocs = {}, {}
    for term, matching in scored.terms.items():
        hits = docs[np.isin(docs, matching)].tolist()
        if hits:
            results.termdocs[term] = hits
            for docnum in hits:
                results.docterms.setdefault(docnum, []).append(term)
    return results


@dataclass
class _Leaf:
    """Evaluates a query tree on one segment into (ascending local ids, scores)."""

    searcher: Searcher
    reader: IndexReader
    terms: dict[tuple[str, bytes], list[np.ndarray]]
    offset: int

    def scores(self, query: Query) -> tuple[np.ndarray, np.ndarray]:
        kind = type(query)
        if kind is Term:
            return self._term(query)
        if query is NullQuery:
            return _EMPTY_IDS, _EMPTY_SCORES
        if kind in (And, Or) and len(query.subqueries) == 1:  # Whoosh ignores the boost of a one-child group
            return self.scores(query.subqueries[0])
        if kind is Or and not query.minmatch and not query.scale:
            return _boosted(_union([self.scores(q) for q in query.subqueries]), query.boost)
        if kind is And:
            return _boosted(_intersection([self.scores(q) for q in query.subqueries]), query.boost)
        if kind is AndNot:
            ids, values = self.scores(query.a)
            keep = ~np.isin(ids, self.scores(query.b)[0])
            return ids[keep], values[keep]
        if kind is AndMaybe:
            ids, values = self.scores(query.a)
            extra_ids, extra = self.scores(query.b)
            at = np.searchsorted(extra_ids, ids)
            found = at < len(extra_ids)
            found[found] = extra_ids[at[found]] == ids[found]
            values = values.copy()
            values[found] += extra[at[found]]
            return ids, values
        raise _Unsupported(kind.__name__)

    def _term(self, query: Term) -> tuple[np.ndarray, np.ndarray]:
        field = self.searcher.schema[query.fieldname] if query.fieldname in self.searcher.schema else None
        if field is None:
            return _EMPTY_IDS, _EMPTY_SCORES
        try:
            text = field.to_bytes(query.text)
        except ValueError:
            return _EMPTY_IDS, _EMPTY_SCORES
        try:  # this segment's postings: a term missing here is looked up in this segment only
            matcher = self.reader.postings(query.fieldname, text)
        except TermNotFound:
            return _EMPTY_IDS, _EMPTY_SCORES
        scorer = self.searcher.weighting.scorer(self.searcher, query.fieldname, text)
        if type(scorer) is not BM25FScorer:
            raise _Unsupported(type(scorer).__name__)
        if isinstance(matcher, FilterMatcher):  # deleted documents: dropped once per segment by score_all
            matcher = matcher.child
        ids, weights = _postings(matcher)
        lengths = _LENGTHS[_length_codes(self.reader, query.fieldname)[ids]]
        idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
        # whoosh.scoring.bm25, operation for operation.
        values = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl)))
        self.terms.setdefault((query.fieldname, text), []).append(ids + self.offset)
        return _boosted((ids, values), query.boost)


def _boosted(scored: tuple[np.ndarray, np.ndarray], boost: float) -> tuple[np.ndarray, np.ndarray]:
    return scored if boost == 1.0 else (scored[0], scored[1] * boost)


def _postings(matcher: Matcher) -> tuple[np.ndarray, np.ndarray]:
    """A posting list's ids and weights, decoded a block at a time (not one Python step per posting)."""
    if type(matcher) is not W3LeafMatcher:  # a short list kept inline in the term info
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)
    id_blocks, weight_blocks = [], []
    while not matcher._atend:
        matcher._read_data()
        ids, weights = matcher._data[0], matcher._data[1]
        # Ids are stored as gaps from the previous id; weights as None (all 1.0), one float, or an array.
        id_blocks.append(np.cumsum(np.asarray(ids, dtype=np.int64)))
        if weights is None or isinstance(weights, float):
            weight_blocks.append(np.full(len(ids), 1.0 if weights is None else weights))
        else:
            weight_blocks.append(np.asarray(weights, dtype=np.float64))
        matcher._next_block()
    if not id_blocks:
        return _EMPTY_IDS, _EMPTY_SCORES
    return np.concatenate(id_blocks), np.concatenate(weight_blocks)


def _length_codes(reader: IndexReader, fieldname: str) -> np.ndarray:
    """Every document's length byte in a field (one byte a document; read once per segment and field)."""
    return per_reader(reader, ("field lengths", fieldname), lambda: _read_length_codes(reader, fieldname))


def _read_length_codes(reader: IndexReader, fieldname: str) -> np.ndarray:
    size = reader.doc_count_all()
    column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    codes = np.zeros(size, dtype=np.uint8)
    if column is not None and column._count:
        raw = column._dbfile.get(column._basepos, column._count)
        codes[: len(raw)] = np.frombuffer(raw, dtype=np.uint8)[:size]
    return codes


def _union(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return _EMPTY_IDS, _EMPTY_SCORES
    if len(parts) == 1:
        return parts[0]
    ids, where = np.unique(np.concatenate([p[0] for p in parts]), return_inverse=True)
    return ids, np.bincount(where, weights=np.concatenate([p[1] for p in parts]), minlength=len(ids))


def _intersection(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    if not parts:
        return _EMPTY_IDS, _EMPTY_SCORES
    ids = parts[0][0]
    for other, _ in parts[1:]:
        ids = np.intersect1d(ids, other, assume_unique=True)
    values = np.zeros(len(ids))
    for part_ids, part_values in parts:
        values += part_values[np.searchsorted(part_ids, ids)]
    return ids, values
