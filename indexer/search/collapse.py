"""Folding near-duplicate hits (reprints, near-copies of one story) into the best-ranked of each group."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from whoosh.searching import Results, Searcher

from indexer.index import dedup
from indexer.search.columns import column_value, open_column, per_reader
from indexer.search.results import Similar, Summary


@dataclass
class Folded:
    """One page of ``(whoosh hit, its near-duplicates)``, the folded total, and whether that total is exact."""

    hits: list[tuple[Any, Similar]]
    total: int
    exact: bool
    short: bool  # the page is not full although unscanned hits remain


def page_of(searcher: Searcher, results: Results, matched: int, page: int, per_page: int, collapse: bool) -> Folded:
    """Fold near-duplicates among the scanned hits (of ``matched`` in all) and cut out one page."""
    start, stop = (page - 1) * per_page, page * per_page
    scanned = results.scored_length()
    # An index built before near-duplicate signatures existed has no column to fold by.
    if not collapse or "minhash" not in searcher.schema:
        return Folded([(hit, Similar()) for hit in results[start:stop]], matched, True, False)
    leaders, members = groups(searcher, results)
    exact = scanned == matched
    # Past the window, assume copies are as frequent as within it.
    total = len(leaders) if exact else round(len(leaders) + (matched - scanned) * len(leaders) / scanned)
    hits = [(results[rank], _similar(searcher, members[results.docnum(rank)])) for rank in leaders[start:stop]]
    return Folded(hits, total, exact, len(hits) < per_page and not exact)


def groups(searcher: Searcher, results: Results) -> tuple[list[int], dict[int, list[int]]]:
    """The ranks of the scanned hits that lead a group of near-duplicates (best-ranked first), and each leader's
    document number mapped to its copies' document numbers."""
    reader = searcher.reader()
    # Opening a column reads its whole offset table: once per index generation, not per query.
    signatures = per_reader(reader, "minhash", lambda: open_column(reader, "minhash"))
    docnums = [results.docnum(rank) for rank in range(results.scored_length())]
    leaders: list[int] = []
    members: dict[int, list[int]] = {}
    for rank, lead in enumerate(dedup.leaders([column_value(signatures, d, b"") for d in docnums])):
        if lead is None:
            leaders.append(rank)
            members[docnums[rank]] = []
        else:
            members[docnums[lead]].append(docnums[rank])
    return leaders, members


def _similar(searcher: Searcher, docnums: list[int]) -> Similar:
    articles = []
    for docnum in docnums:
        articles.append(Summary.from_stored(searcher.stored_fields(docnum)))
    return Similar(count=len(articles), ids=[a.id for a in articles], articles=articles)
