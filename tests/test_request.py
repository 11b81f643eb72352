"""The one validation of a search request, shared by the page, the API and the CLI."""

from __future__ import annotations

from datetime import date

import pytest

from indexer.search import MAX_QUERY_CHARS, MAX_RESULT_WINDOW, SearchError, SearchRequest


def test_text_arguments_become_a_typed_request() -> None:
    request = SearchRequest.from_args(
        {
            "q": " water\x00 ",
            "page": "2",
            "per_page": "5",
            "sort": "newest",
            "source": ["A", "A", " "],
            "place": ["Japan"],
            "from": "2024-01-01",
            "to": "2024-12-31",
            "filter": ["category:business"],
            "fuzzy": "off",
            "collapse": "off",
        }
    )
    assert (request.q, request.page, request.per_page, request.sort, request.fuzzy, request.collapse) == (
        "water",
        2,
        5,
        "newest",
        "off",
        False,
    )
    assert request.filters.sources == ("A",) and request.filters.places == ("Japan",)
    assert (request.filters.date_from, request.filters.date_to) == (date(2024, 1, 1), date(2024, 12, 31))
    assert request.filters.fields == (("category", ("business",)),)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"page": "0"}, "'page' must be between 1 and"),
        ({"page": "x"}, "'page' must be a whole number"),
        ({"per_page": "101"}, "'per_page' must be between 1 and 100"),
        ({"page": str(MAX_RESULT_WINDOW // 10 + 1)}, "'page' must be between 1 and 1000"),
        ({"sort": "random"}, "'sort' must be one of"),
        ({"fuzzy": "always"}, "'fuzzy' must be one of"),
        ({"collapse": "maybe"}, "'collapse' must be one of"),
        ({"from": "yesterday"}, "'from' must be an ISO date"),
        ({"from": "2005-01-01", "to": "2004-01-01"}, "'from' must not be after 'to'"),
        ({"source": [f"s{i}" for i in range(21)]}, "at most 20 'source' values"),
        ({"q": "x" * (MAX_QUERY_CHARS + 1)}, f"'q' is longer than {MAX_QUERY_CHARS} characters"),
    ],
)
def test_a_bad_argument_is_one_clear_error(args: dict, message: str) -> None:
    with pytest.raises(SearchError, match=message):
        SearchRequest.from_args({"q": "water", **args})


def test_links_keep_the_request_and_clearing_drops_every_filter() -> None:
    request = SearchRequest.from_args(
        {
            "q": "water",
            "sort": "oldest",
            "source": ["A"],
            "place": ["Japan"],
            "from": "2024-01-01",
            "filter": ["category:tech"],
        }
    )
    assert SearchRequest.from_args(request.url_args()) == request
    assert request.without_filters() == {"q": "water", "sort": "oldest", "per_page": 10}
    assert request.toggle_source("A")["q"] == "water" and "source" not in request.toggle_source("A")
