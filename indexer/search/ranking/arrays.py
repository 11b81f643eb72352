"""Ranking with array operations: every match of a query scored at once over whole posting lists.

Whoosh's collector advances its matchers one document at a time in Python, and counting facets means visiting
every match, so it cannot skip blocks either. Here each posting list is decoded a block at a time into numpy
arrays and BM25F is computed as Whoosh's collector computes it (same formula, same quantised field lengths; a word
over several fields as ``ranking.fields`` scores it), for queries of words and phrases combined with AND, OR, NOT
and ``+``. Other shapes (prefixes, fuzzy terms, phrases with slop)
return None and ``indexer.search.searching`` uses Whoosh's collector for them.

An AND is evaluated from its most selective part on: each later part only decodes the posting blocks that can
hold a document still in the running (a block header tells its last id), so "rare AND common" costs about
what the rare word costs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh.fields import FieldType
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, AndMaybe, AndNot, NullQuery, Or, Phrase, Query, Term
from whoosh.reading import IndexReader, TermNotFound
from whoosh.scoring import BM25F, BM25FScorer
from whoosh.searching import Results, Searcher

from indexer.search.ranking import fields as fields_
from indexer.search.ranking import postings as postings_
from indexer.search.ranking.fields import FieldsWord
from indexer.search.ranking.postings import EMPTY_FLOATS as _EMPTY_SCORES
from indexer.search.ranking.postings import EMPTY_IDS as _EMPTY_IDS


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
    docs, scores, terms, stats = [], [], {}, {}
    try:
        for reader, offset in searcher.reader().leaf_readers():
            ids, values = _Leaf(searcher, reader, terms, stats, offset).scores(query)
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
    # A term's index-wide statistics (its scorer; a several-field word's idf), the same for every segment.
    stats: dict[tuple, BM25FScorer | float]
    offset: int

    def scores(self, query: Query, within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The query's matches in this segment, only among the ascending ids ``within`` when given."""
        kind = type(query)
        if kind is Term:
            return self._term(query, within)
        if kind is Phrase:
            return self._phrase(query, within)
        if query is NullQuery:
            return _EMPTY_IDS, _EMPTY_SCORES
        if kind is FieldsWord and (terms := query.terms()) is not None:
            return self._fields_word(terms, query.boost, within)
        if kind is FieldsWord:  # a group of variants (synonyms): scored as an Or
            return _boosted(_union([self.scores(q, within) for q in query.subqueries]), query.boost)
        if kind in (And, Or) and len(query.subqueries) == 1:  # Whoosh ignores the boost of a one-child group
            return self.scores(query.subqueries[0], within)
        if kind is Or and not query.minmatch and not query.scale:
            return _boosted(_union([self.scores(q, within) for q in query.subqueries]), query.boost)
        if kind is And:
            return _boosted(self._and(query.subqueries, within), query.boost)
        if kind is AndNot:
            ids, values = self.scores(query.a, within)
            keep = ~np.isin(ids, self.scores(query.b, ids)[0])
            return ids[keep], values[keep]
        if kind is AndMaybe:
            ids, values = self.scores(query.a, within)
            extra_ids, extra = self.scores(query.b, ids)
            at = np.searchsorted(extra_ids, ids)
            found = at < len(extra_ids)
            found[found] = extra_ids[at[found]] == ids[found]
            values = values.copy()
            values[found] += extra[at[found]]
            return ids, values
        raise _Unsupported(kind.__name__)

    def _and(self, subqueries: list[Query], within: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Every part's matches among the previous parts' ones, the most selective part first. The scores are
        summed in the query's order whatever order the parts are read in, so the same document scores the same in
        every segment (Whoosh sums in its own tree order: the totals can differ in the last bit)."""
        parts: list[tuple[np.ndarray, np.ndarray]] = [(_EMPTY_IDS, _EMPTY_SCORES)] * len(subqueries)
        for i in sorted(range(len(subqueries)), key=lambda i: self._estimate(subqueries[i])):
            parts[i] = ids, _ = self.scores(subqueries[i], within)
            if not len(ids):
                return _EMPTY_IDS, _EMPTY_SCORES
            within = ids
        return _intersection(parts)

    def _estimate(self, query: Query) -> float:
        """An upper bound on the query's matches in this segment (documents, from the term infos)."""
        kind = type(query)
        if kind is Term:
            return self._doc_frequency(query.fieldname, query.text)
        if kind is Phrase:
            return min((self._doc_frequency(query.fieldname, w) for w in query.words), default=0)
        if kind is Or or kind is FieldsWord:
            return sum(map(self._estimate, query.subqueries))
        if kind is And:
            return min(map(self._estimate, query.subqueries), default=0)
        if kind in (AndNot, AndMaybe):
            return self._estimate(query.a)
        return 0 if query is NullQuery else float("inf")

    def _doc_frequency(self, fieldname: str, text: str | bytes) -> int:
        try:
            return self.reader.doc_frequency(fieldname, text)
        except (TermNotFound, ValueError):
            return 0

    def _term(self, query: Term, within: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        encoded = self._encoded(query.fieldname, [query.text])
        if encoded is None:
            return _EMPTY_IDS, _EMPTY_SCORES
        text = encoded[1][0]
        found, scores = self._scored(query.fieldname, text, within)
        self.terms.setdefault((query.fieldname, text), []).append(found.ids + self.offset)
        return _boosted((found.ids, scores), query.boost)

    def _phrase(self, query: Phrase, within: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Documents with the words at consecutive positions, scored as Whoosh scores a phrase: the sum of its
        words' scores. The words' postings are read from the rarest on, each among the documents that have the
        words before it; positions are decoded only for documents that have them all."""
        encoded = self._encoded(query.fieldname, query.words)
        if encoded is None or not encoded[1]:
            return _EMPTY_IDS, _EMPTY_SCORES
        field, words = encoded
        if query.slop != 1 or not field.format or not field.format.supports("positions"):
            raise _Unsupported("phrase with slop or without positions")
        found: dict[bytes, tuple[postings_.Postings, np.ndarray]] = {}
        for word in sorted(set(words), key=lambda w: self._doc_frequency(query.fieldname, w)):
            found[word] = self._scored(query.fieldname, word, within, values=True)
            within = found[word][0].ids
            if not len(within):
                return _EMPTY_IDS, _EMPTY_SCORES
        # Every word's positions in the documents that have all of them.
        at = {w: np.searchsorted(p.ids, within) for w, (p, _) in found.items()}
        spans = {w: postings_.positions(found[w][0], at[w], field.format) for w in found}
        keep = _consecutive(words, spans, len(within))
        ids = within[keep]
        scores = np.zeros(len(ids))
        for word in words:
            scores += found[word][1][at[word][keep]]
            self.terms.setdefault((query.fieldname, word), []).append(ids + self.offset)
        return _boosted((ids, scores), query.boost)

    def _fields_word(self, terms: list[Term], boost: float, within: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """A word in several fields scored by BM25F (``ranking.fields``): each field's weighted, length-normalised
        frequency summed in the query's order, then saturated once."""
        key = ("fields", tuple((t.fieldname, t.text) for t in terms))
        if key not in self.stats:
            self.stats[key] = fields_.word_idf(self.searcher, terms)
        idf, weighting = self.stats[key], self.searcher.weighting
        if not isinstance(weighting, BM25F):
            raise _Unsupported(type(weighting).__name__)
        parts = []
        for term in terms:
            encoded = self._encoded(term.fieldname, [term.text])
            if encoded is None or not encoded[0].scorable:
                continue
            text = encoded[1][0]
            try:
                matcher = self.reader.postings(term.fieldname, text)
            except TermNotFound:
                continue
            if isinstance(matcher, FilterMatcher):
                matcher = matcher.child
            found = postings_.read(matcher, within)
            lengths = postings_.field_lengths(self.reader, term.fieldname, found.ids)
            b, avgfl = fields_.field_b(weighting, term.fieldname), fields_.avg_length(self.searcher, term.fieldname)
            parts.append((found.ids, fields_.normalised(term.boost, found.weights, lengths, b, avgfl)))
            self.terms.setdefault((term.fieldname, text), []).append(found.ids + self.offset)
        parts = [p for p in parts if len(p[0])]
        if not parts:
            return _EMPTY_IDS, _EMPTY_SCORES
        ids = np.unique(np.concatenate([p[0] for p in parts])) if len(parts) > 1 else parts[0][0]
        tf = np.zeros(len(ids))
        for part_ids, values in parts:  # in the query's order, as the collector adds them
            tf[np.searchsorted(ids, part_ids)] += values
        return ids, fields_.saturate(tf, idf, weighting.K1, boost)

    def _encoded(self, fieldname: str, words: list[str]) -> tuple[FieldType, list[bytes]] | None:
        """The field and the words as its terms; None when the field is missing or a word cannot be a term."""
        if fieldname not in self.searcher.schema:
            return None
        field = self.searcher.schema[fieldname]
        try:
            return field, [field.to_bytes(w) for w in words]
        except ValueError:
            return None

    def _scored(
        self, fieldname: str, text: bytes, within: np.ndarray | None, values: bool = False
    ) -> tuple[postings_.Postings, np.ndarray]:
        """A term's postings in this segment and their BM25F scores."""
        try:  # this segment's postings: a term missing here is looked up in this segment only
            matcher = self.reader.postings(fieldname, text)
        except TermNotFound:
            return postings_.empty(values), _EMPTY_SCORES
        scorer = self.stats.get((fieldname, text))
        if scorer is None:
            scorer = self.stats[fieldname, text] = self.searcher.weighting.scorer(self.searcher, fieldname, text)
        if not isinstance(scorer, BM25FScorer):
            raise _Unsupported(type(scorer).__name__)
        if isinstance(matcher, FilterMatcher):  # deleted documents: dropped once per segment by score_all
            matcher = matcher.child
        found = postings_.read(matcher, within, values)
        weights, lengths = found.weights, postings_.field_lengths(self.reader, fieldname, found.ids)
        idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
        # whoosh.scoring.bm25, operation for operation.
        return found, idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl)))


def _consecutive(words: list[bytes], spans: dict[bytes, tuple[np.ndarray, np.ndarray]], rows: int) -> np.ndarray:
    """Which rows have the words one right after the other somewhere (each word's positions given per row as
    counts and all positions in a row); every (row, position) is one integer, so each step is one ``isin``."""
    keys = {w: (np.repeat(np.arange(rows, dtype=np.int64), counts) << 32) + flat for w, (counts, flat) in spans.items()}
    starts = keys[words[0]]
    for k, word in enumerate(words[1:], 1):
        starts = starts[np.isin(starts + k, keys[word])]
    keep = np.zeros(rows, dtype=bool)
    keep[starts >> 32] = True
    return keep


def _boosted(scored: tuple[np.ndarray, np.ndarray], boost: float) -> tuple[np.ndarray, np.ndarray]:
    return scored if boost == 1.0 else (scored[0], scored[1] * boost)


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
