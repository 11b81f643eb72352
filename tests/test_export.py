"""Exporting a search's whole result list as CSV or JSON Lines: the core, the API and the CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from indexer.cli import cli
from indexer.index.build import reindex
from indexer.search import MAX_EXPORT, Engine, Filters, SearchError, SearchRequest
from indexer.search.export import COLUMNS


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def engine(open_engine, features_index: Path) -> Engine:
    """The engine on the search-features index."""
    return open_engine(features_index)


def test_the_export_holds_every_result_not_one_page(engine) -> None:
    request = SearchRequest("water OR parliament", per_page=2, collapse=False)
    results = engine.search(request)
    rows = _jsonl("".join(engine.export(request, "jsonl")))
    assert results.total == 7 and len(results.hits) == 2
    assert [r["rank"] for r in rows] == list(range(1, 8))
    assert [r["id"] for r in rows[:2]] == [h.id for h in results.hits]
    assert list(rows[0]) == list(COLUMNS)


def test_the_export_folds_copies_as_the_page_does(engine) -> None:
    page = engine.search("water")
    rows = _csv("".join(engine.export(SearchRequest("water"), "csv")))
    assert [r["id"] for r in rows] == [h.id for h in page.hits]
    assert [int(r["similar"]) for r in rows] == [h.similar.count for h in page.hits]


def test_the_export_keeps_filters_and_sort_and_gives_no_score_by_date(engine) -> None:
    request = SearchRequest("parliament", sort="newest", filters=Filters(sources=("Central Post",)))
    rows = _jsonl("".join(engine.export(request, "jsonl")))
    assert [r["id"] for r in rows] == ["kg-1", "undated"]
    assert all(r["score"] is None and r["source"] == "Central Post" for r in rows)


@pytest.mark.parametrize("q", ["summer water", "parliament pensions", "parliment"])
def test_a_short_export_finds_what_the_page_finds(engine, q: str) -> None:
    # Relaxing a many-word query and typo tolerance depend on how much the ranking found, never on the limit.
    page = engine.search(q, collapse=False)
    rows = _jsonl("".join(engine.export(SearchRequest(q, collapse=False), "jsonl", limit=1)))
    assert [r["id"] for r in rows] == [page.hits[0].id]


def test_the_export_is_bounded_and_checked(engine) -> None:
    assert len(_csv("".join(engine.export(SearchRequest("water", collapse=False), "csv", limit=3)))) == 3
    for fmt, limit in [("xml", 10), ("csv", 0), ("csv", MAX_EXPORT + 1)]:
        with pytest.raises(SearchError):
            engine.export(SearchRequest("water"), fmt, limit)
    assert _csv("".join(engine.export(SearchRequest("nothingmatcheszz", fuzzy="off"), "csv"))) == []


def test_csv_cells_that_look_like_formulas_are_defused(tmp_path: Path, open_engine) -> None:
    (tmp_path / "corpus").mkdir()
    record = {"id": "f", "title": '=HYPERLINK("http://evil")', "text": 'A story, with "quotes"\nand lines.'}
    (tmp_path / "corpus" / "a.jsonl").write_text(json.dumps(record) + "\n")
    reindex(tmp_path / "corpus", tmp_path / "index")
    [row] = _csv("".join(open_engine(tmp_path / "index").export(SearchRequest("story"), "csv")))
    assert row["title"] == '\'=HYPERLINK("http://evil")' and row["snippet"] == 'A story, with "quotes" and lines.'


def test_api_export_streams_a_file(features_client) -> None:
    response = features_client.get("/api/export?q=water&format=csv&collapse=off")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert len(_csv(response.get_data(as_text=True))) == 4
    jsonl = features_client.get("/api/export?q=water&format=jsonl&limit=1")
    assert jsonl.mimetype == "application/x-ndjson" and len(_jsonl(jsonl.get_data(as_text=True))) == 1


@pytest.mark.parametrize(
    "query", ["format=xml", "limit=0", f"limit={MAX_EXPORT + 1}", "sort=popular", "from=2024-02-01&to=2024-01-01"]
)
def test_api_export_refuses_bad_parameters_before_streaming(features_client, query: str) -> None:
    response = features_client.get(f"/api/export?q=water&{query}")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


def test_cli_exports_every_result(runner, features_index: Path) -> None:
    result = runner.invoke(
        cli, ["search", "water OR parliament", "--per-page", "2", "--format", "jsonl", "--index", str(features_index)]
    )
    assert result.exit_code == 0, result.output
    assert len(_jsonl(result.output)) == 5  # 7 articles, the story's two copies folded into it
    csv_out = runner.invoke(cli, ["search", "water", "--format", "csv", "--limit", "1", "--index", str(features_index)])
    assert csv_out.exit_code == 0 and len(_csv(csv_out.output)) == 1
    both = runner.invoke(cli, ["search", "water", "--format", "csv", "--json", "--index", str(features_index)])
    assert both.exit_code == 2
