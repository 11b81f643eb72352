"""Related articles: Whoosh's more-like-this on the body, leaving out reprints of the same story."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from whoosh.query import Or, Term
from whoosh.searching import Searcher

from indexer.index.analysis import stop_stems
from indexer.index.dedup import THRESHOLD, similarity
from indexer.index.schema import Summary, summary_fields
from indexer.search.columns import column_value

MAX_RELATED = 20
KEY_TERMS = 12


@dataclass
class Related(Summary):
    """An article like another one."""

    score: float

    def to_dict(self) -> dict[str, Any]:
        """The article as JSON-ready data."""
        return asdict(self)


def related(searcher: Searcher, doc_id: str, limit: int = 5) -> list[Related] | None:
    """Up to ``limit`` articles about the same subject (not copies of it); None when the id is unknown."""
    docnum = searcher.document_number(id=doc_id)
    if docnum is None:
        return None
    fields = searcher.stored_fields(docnum)
    if not fields.get("body", "").strip():
        return []
    signatures = searcher.reader().column_reader("minhash") if "minhash" in searcher.schema else {}
    own = column_value(signatures, docnum, b"")
    # Whoosh's more_like, but stop words (indexed for phrases) are never key terms: they are in every article.
    stops = stop_stems()
    terms = [(word, weight) for word, weight in searcher.key_terms([docnum], "body", numterms=KEY_TERMS * 3)
             if word not in stops and len(word) > 1][:KEY_TERMS]
    # Ask for extra results: near-copies of this article are dropped below.
    query = Or([Term("body", word, boost=weight) for word, weight in terms])
    results = searcher.search(query, limit=limit * 3, mask={docnum})
    found = []
    for hit in results:
        if similarity(own, column_value(signatures, hit.docnum, b"")) >= THRESHOLD:
            continue
        stored = hit.fields()
        found.append(Related(**summary_fields(stored), score=round(float(hit.score or 0.0), 4)))
        if len(found) == limit:
            break
    return found
