"""Related articles: Whoosh's more-like-this on the body, leaving out reprints of the same story."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

from whoosh.query import Or, Query, Term
from whoosh.searching import Searcher

from indexer.index.analysis import stop_stems
from indexer.index.dedup import THRESHOLD, similarity
from indexer.search.columns import column_value, open_column
from indexer.search.results import Related

KEY_TERMS = 12
# The fallback's OR of shared words also matches articles that share only a common word or two ("year",
# "after"): keep those scoring at least this share of the best match.
MIN_SHARE_OF_BEST = 0.5


def related_to(searcher: Searcher, docnum: int, limit: int) -> list[Related]:
    """Up to ``limit`` articles about the same subject as document ``docnum`` (not copies of it)."""
    body = searcher.stored_fields(docnum).get("body", "")
    if not body.strip():
        return []
    signatures = open_column(searcher.reader(), "minhash")
    own = column_value(signatures, docnum, b"")

    def others(hits: Iterable[Any]) -> list[Related]:
        found = []
        for hit in hits:
            # Near-copies of this article (and the article itself) are not "related": they are the same story.
            if hit.docnum == docnum or similarity(own, column_value(signatures, hit.docnum, b"")) >= THRESHOLD:
                continue
            found.append(Related.from_stored(hit.fields(), score=round(float(hit.score or 0.0), 4)))
            if len(found) == limit:
                break
        return found

    # Ask for extra results: near-copies of this article are dropped.
    query = key_terms_query(searcher, docnum)
    found = others(searcher.search(query, limit=limit * 3, mask={docnum})) if query is not None else []
    if not found and (query := distinctive_words(searcher, body)) is not None:
        # On a small corpus more_like's key terms are often all unique to the article (nothing else has them).
        found = others(searcher.search(query, limit=limit * 3 + 1))
        found = [r for r in found if r.score >= found[0].score * MIN_SHARE_OF_BEST]
    return found


def key_terms_query(searcher: Searcher, docnum: int) -> Query | None:
    """Whoosh's more-like-this query for an article, but stop words (indexed for phrases) are never key terms:
    they are in every article. None when the article has no key term."""
    stops = stop_stems()
    terms = [
        (word, weight)
        for word, weight in searcher.key_terms([docnum], "body", numterms=KEY_TERMS * 3)
        if word not in stops and len(word) > 1
    ][:KEY_TERMS]
    return Or([Term("body", word, boost=weight) for word, weight in terms]) if terms else None


def distinctive_words(searcher: Searcher, body: str) -> Query | None:
    """A ranked OR of the article's words that other articles share, weighted by tf-idf; None if it has none."""
    reader = searcher.reader()
    total = reader.doc_count_all()
    counts = Counter(searcher.schema["body"].process_text(body, mode="index"))
    stops = stop_stems()
    weights = {}
    for term, tf in counts.items():
        df = reader.doc_frequency("body", term)
        if 2 <= df < total and term not in stops:  # shared with another article, not with all (no information)
            weights[term] = tf * math.log(total / df)
    best = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:KEY_TERMS]
    return Or([Term("body", term, boost=weight) for term, weight in best]) if best else None
