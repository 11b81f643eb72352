"""Folding near-duplicate hits (reprints, near-copies of one story) into the best-ranked of each group."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from whoosh.searching import Results, Searcher

from indexer.dedup import Grouper
from indexer.facets import column_value
from indexer.schema import summary_fields


@dataclass
class SimilarArticle:
    """A near-duplicate folded into a hit."""

    id: str
    title: str
    source: str | None
    date: str | None
    url: str | None


@dataclass
class Similar:
    """The near-duplicates folded into a hit: how many, their ids, and enough to list them."""

    count: int = 0
    ids: list[str] = field(default_factory=list)
    articles: list[SimilarArticle] = field(default_factory=list)


def page_of(searcher: Searcher, results: Results, page: int, per_page: int,
            collapse: bool) -> tuple[list[tuple[Any, Similar]], int]:
    """One page of ``(whoosh hit, its folded near-duplicates)`` and the total number of (folded) hits."""
    start, stop = (page - 1) * per_page, page * per_page
    # An index built before near-duplicate signatures existed has no column to fold by.
    if not collapse or "minhash" not in searcher.schema:
        return [(hit, Similar()) for hit in results[start:stop]], len(results)
    signatures = searcher.reader().column_reader("minhash")
    grouper = Grouper()
    leaders: list[int] = []
    members: dict[int, list[int]] = {}
    scanned = results.scored_length()
    for rank in range(scanned):
        docnum = results.docnum(rank)
        lead = grouper.leader(docnum, column_value(signatures, docnum, b""))
        if lead is None:
            leaders.append(rank)
            members[docnum] = []
        else:
            members[lead].append(docnum)
    total = len(leaders) + max(0, len(results) - scanned)
    return [(results[rank], _similar(searcher, members[results.docnum(rank)])) for rank in leaders[start:stop]], total


def _similar(searcher: Searcher, docnums: list[int]) -> Similar:
    articles = []
    for docnum in docnums:
        articles.append(SimilarArticle(**summary_fields(searcher.stored_fields(docnum))))
    return Similar(count=len(articles), ids=[a.id for a in articles], articles=articles)
