"""Declared facets: an export's extra keyword field (BBC's ``category``) kept at indexing, counted, filtered on
by the API, the page and the CLI, and a change of the declared facets rebuilding the index (issue 21)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from bench.shared import DATA
from indexer.clean.jsonl import ReadOptions
from indexer.cli import cli
from indexer.index.build import reindex
from indexer.search import Engine, Filters, SearchError, SearchRequest
from indexer.search.columns import Keyword
from tests.conftest import require_data
from webapp import create_app

CATEGORIES = {"business", "entertainment", "politics", "sport", "tech"}


@pytest.fixture(scope="module")
def bbc(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """Every 15th BBC article (all five categories) indexed with ``category`` declared a facet."""
    require_data("news-bbc")
    base = tmp_path_factory.mktemp("bbc-facets")
    lines = (DATA / "news-bbc" / "bbc.jsonl").read_text("utf-8").splitlines()[::15]
    (base / "corpus").mkdir()
    (base / "corpus" / "bbc.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    reindex(base / "corpus", base / "index", options=ReadOptions(facets=("category",)))
    return base / "index", [json.loads(line) for line in lines]


@pytest.mark.needs_data("news-bbc")
def test_a_declared_field_is_a_facet_counting_articles(bbc, open_engine) -> None:
    index, records = bbc
    results = open_engine(index).search("source:bbc", collapse=False)  # every article
    assert results.articles == len(records)
    assert results.facets.fields["category"] == dict(
        sorted(Counter(r["category"] for r in records).items(), key=lambda kv: (-kv[1], kv[0]))
    )


@pytest.mark.needs_data("news-bbc")
def test_a_facet_filters_and_ignores_its_own_filter_in_its_counts(bbc, open_engine) -> None:
    engine: Engine = open_engine(bbc[0])
    everything = engine.search("said", collapse=False)
    sport = engine.search("said", collapse=False, filters=Filters(fields=(("category", ("sport",)),)))
    assert sport.articles == everything.facets.fields["category"]["sport"]
    assert sport.facets.fields["category"] == everything.facets.fields["category"]  # its own filter not applied
    assert sport.facets.source == {"BBC News": sport.articles}  # the other facets honour it
    both = engine.search("said", collapse=False, filters=Filters(fields=(("category", ("sport", "tech")),)))
    assert both.articles == sport.articles + everything.facets.fields["category"]["tech"]
    assert engine.document(sport.hits[0].id).fields == {"category": ["sport"]}


@pytest.mark.needs_data("news-bbc")
def test_the_api_and_the_page_filter_on_a_facet(bbc) -> None:
    client = create_app({"INDEX_DIR": str(bbc[0]), "TESTING": True}).test_client()
    data = client.get("/api/search?q=said&filter=category:tech&collapse=off").get_json()
    assert data["articles"] == data["facets"]["fields"]["category"]["tech"] > 0
    assert all(
        client.get(f"/api/documents/{h['id']}").get_json()["fields"] == {"category": ["tech"]} for h in data["hits"]
    )
    unknown = client.get("/api/search?q=said&filter=topic:tech")
    assert unknown.status_code == 400 and "this index has: category" in unknown.get_json()["error"]["message"]
    assert client.get("/api/search?q=said&filter=category").status_code == 400
    page = client.get("/?q=said&filter=category:tech").get_data(as_text=True)
    assert '<h2 id="facet-field-category">Category</h2>' in page
    assert 'data-facet="category" aria-current="true"' in page  # the chosen value, removable
    assert 'name="filter" value="category:tech"' in page  # a new query keeps the filter
    feed = client.get("/feed?q=said&filter=category:tech").get_data(as_text=True)
    assert "<title>News search: said (category: tech)</title>" in feed and "filter=category:tech" in feed


@pytest.mark.needs_data("news-bbc")
def test_the_cli_filters_on_a_facet(bbc, runner) -> None:
    result = runner.invoke(cli, ["search", "said", "--filter", "category:sport", "--json", "--index", str(bbc[0])])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["facets"]["source"] == {"BBC News": json.loads(result.output)["articles"]}


def test_declaring_a_facet_rebuilds_the_index_and_undeclaring_drops_it(runner, tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    records = [{"id": f"a{i}", "text": f"Story {i} about the river.", "desk": d} for i, d in enumerate("xxy")]
    (tmp_path / "corpus" / "a.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    args = ["reindex", "--quiet", "--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "ix")]
    assert "(full rebuild)" in runner.invoke(cli, args).output
    with_facet = runner.invoke(cli, [*args, "--facet", "desk"])
    assert with_facet.exit_code == 0 and "(full rebuild)" in with_facet.output  # the files did not change
    assert "(incremental)" in runner.invoke(cli, args, env={"NEWSSEARCH_FACETS": "desk"}).output
    engine = Engine(tmp_path / "ix")
    try:
        assert engine.search("river").facets.fields == {"desk": {"x": 2, "y": 1}, "language": {"en": 3}}
    finally:
        engine.close()
    assert "(full rebuild)" in runner.invoke(cli, args).output
    engine = Engine(tmp_path / "ix")
    try:
        assert engine.search("river").facets.fields == {"language": {"en": 3}}
        with pytest.raises(SearchError, match="reindex --facet"):
            engine.search(SearchRequest.from_args({"q": "river", "filter": ["desk:x"]}))
    finally:
        engine.close()


@pytest.mark.parametrize("value", ["desk", "desk:", "Desk:x", "1desk:x", ":x"])
def test_a_malformed_filter_is_refused(value: str) -> None:
    with pytest.raises(SearchError):
        SearchRequest.from_args({"q": "river", "filter": [value]})


def test_a_keyword_field_counts_each_value_among_the_documents_given() -> None:
    keyword = Keyword({"Paris": np.array([0, 2, 5]), "Rome": np.array([1, 2]), "Oslo": np.array([4])})
    assert keyword.counts(np.array([2, 5, 1, 7])) == {"Paris": 2, "Rome": 2}  # 7 holds no value
    assert keyword.counts(np.array([], dtype=np.int64)) == {}
    assert Keyword({}).counts(np.array([0, 1])) == {}


@pytest.mark.parametrize("matches", [5, 200, 3000])  # few matches (their values gathered) to most (all marked)
def test_keyword_counts_are_counts_by_hand(matches: int) -> None:
    rng = np.random.default_rng(matches)
    postings = {f"v{i}": np.unique(rng.integers(0, 4000, size=rng.integers(1, 900))) for i in range(30)}
    docs = rng.choice(4100, size=matches, replace=False)
    by_hand = {name: int(np.isin(ids, docs).sum()) for name, ids in postings.items()}
    assert Keyword(postings).counts(docs) == {name: n for name, n in by_hand.items() if n}
