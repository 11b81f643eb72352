"""Related articles: Whoosh's more-like-this on the body, leaving out reprints of the same story."""

from __future__ import annotations

from whoosh.searching import Searcher

from indexer.index.dedup import THRESHOLD, similarity
from indexer.search.columns import column_value, open_column
from indexer.search.results import Related

KEY_TERMS = 12


def related_to(searcher: Searcher, docnum: int, limit: int) -> list[Related]:
    """Up to ``limit`` articles about the same subject as document ``docnum`` (not copies of it)."""
    fields = searcher.stored_fields(docnum)
    if not fields.get("body", "").strip():
        return []
    signatures = open_column(searcher.reader(), "minhash")
    own = column_value(signatures, docnum, b"")
    # Ask for extra results: near-copies of this article are dropped below.
    results = searcher.more_like(docnum, "body", top=limit * 3, numterms=KEY_TERMS)
    found = []
    for hit in results:
        if similarity(own, column_value(signatures, hit.docnum, b"")) >= THRESHOLD:
            continue
        stored = hit.fields()
        found.append(Related.from_stored(stored, score=round(float(hit.score or 0.0), 4)))
        if len(found) == limit:
            break
    return found
