"""Export a search's whole result list (not one page) as CSV or JSON Lines, one row at a time."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from whoosh.searching import Searcher

from indexer.search.collapse import groups
from indexer.search.query import Synonyms
from indexer.search.ranking.model import RELAX_BELOW
from indexer.search.request import SearchRequest
from indexer.search.results import Summary
from indexer.search.searching import find

# How much of the body each row carries: about what a result shows on the page.
SNIPPET_CHARS = 300
# A cell starting with one of these is read as a formula by spreadsheets (CSV injection): it gets a leading quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Row(Summary):
    """One exported result: what the page shows of it, its rank, and how many copies were folded into it."""

    rank: int = 0
    score: float | None = None
    places: list[str] = field(default_factory=list)
    similar: int = 0
    snippet: str = ""


# The CSV header: every field of a row, in reading order.
COLUMNS = ("rank", "id", "title", "source", "date", "url", "places", "score", "similar", "snippet")


def rows(searcher: Searcher, request: SearchRequest, synonyms: Synonyms, limit: int) -> Iterator[Row]:
    """The request's results in order, up to ``limit`` (copies folded when the request folds them). The search
    runs at the call; the rows' stored fields are read as they are iterated."""
    # Rank at least as deep as a page does: whether a query is relaxed or made typo-tolerant depends on how many
    # hits the ranking window holds, and an export must find what the page finds.
    found = find(searcher, request, synonyms, max(limit, RELAX_BELOW))
    if found is None:
        return iter(())
    results = found.ranked.results
    if request.collapse and "minhash" in searcher.schema:
        leaders, members = groups(searcher, results)
        ranked = [(rank, len(members[results.docnum(rank)])) for rank in leaders]
    else:
        ranked = [(rank, 0) for rank in range(results.scored_length())]
    ranked = ranked[:limit]
    scored = request.sort == "relevance"  # sorted by date, Whoosh's score is the sort key, not a relevance
    return (
        _row(
            searcher, results.docnum(rank), n, round(float(results.score(rank) or 0.0), 4) if scored else None, similar
        )
        for n, (rank, similar) in enumerate(ranked, start=1)
    )


def _row(searcher: Searcher, docnum: int, rank: int, score: float | None, similar: int) -> Row:
    stored = searcher.stored_fields(docnum)
    body = " ".join(stored.get("body", "").split())
    snippet = body if len(body) <= SNIPPET_CHARS else body[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return Row.from_stored(stored, rank=rank, score=score, similar=similar, snippet=snippet)


def as_jsonl(found: Iterator[Row]) -> Iterator[str]:
    """Each row as one line of JSON."""
    for row in found:
        data = row.to_dict()
        yield json.dumps({name: data[name] for name in COLUMNS}, ensure_ascii=False) + "\n"


def as_csv(found: Iterator[Row]) -> Iterator[str]:
    """A header line, then each row as a CSV line (places joined with "; ")."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in found:
        data = row.to_dict()
        data["places"] = "; ".join(row.places)
        writer.writerow([_cell(data[name]) for name in COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()  # only the header when nothing matched


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


FORMATS = {"csv": as_csv, "jsonl": as_jsonl}
# What HTTP calls each format.
MEDIA_TYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson"}
