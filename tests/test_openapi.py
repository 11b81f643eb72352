"""The API against its OpenAPI description: schemathesis generates requests, every answer must conform."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from indexer.index.build import reindex
from indexer.search import MAX_RESULT_WINDOW
from tests.conftest import write_corpus
from webapp import create_app
from webapp.openapi import spec

schema = schemathesis.openapi.from_dict(spec())


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory):
    """The app in production mode over a real index of the sample corpus."""
    base = tmp_path_factory.mktemp("openapi")
    reindex(write_corpus(base / "corpus"), base / "index")
    return create_app({"INDEX_DIR": str(base / "index"), "TESTING": False})


@schema.parametrize()
# Derandomized: the same examples on every run. A random run can make a repeatable query parameter null, which a
# query string cannot carry ("place=null" is the place named "null"), and then expect it to be refused.
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_answer_matches_the_description(case, live_app) -> None:
    # Every check: no 5xx, status codes and content types documented, bodies valid against their schemas,
    # invalid parameters refused, valid ones accepted...
    # (Other methods than GET are refused whatever the parameters: schemathesis checks that too.)
    if case.method != "GET" or not _breaks_a_rule_across_parameters(case.query or {}):
        # A boolean or null generated as an "invalid" string reaches the app as the valid string "true" or "null".
        unsent = [negative_data_rejection] if _not_a_query_string(case.query or {}) else []
        case.call_and_validate(app=live_app, excluded_checks=unsent)
        return
    # ...except rules across two parameters, which OpenAPI cannot express: they are refused with a 400.
    response = case.call(app=live_app)
    assert response.status_code == 400
    case.validate_response(response, excluded_checks=[positive_data_acceptance])


def _not_a_query_string(query: dict) -> bool:
    """Whether a value is a boolean or null, which a query string can only carry as text."""
    values = [v for value in query.values() for v in (value if isinstance(value, list) else [value])]
    return any(isinstance(v, bool) or v is None for v in values)


def _breaks_a_rule_across_parameters(query: dict) -> bool:
    """A page past the result window, ``from`` after ``to``, or a filter on a facet (this index declares none)."""

    def number(name: str, default: int) -> int:
        value = query.get(name)
        return int(value) if isinstance(value, int) or (isinstance(value, str) and value.isdigit()) else default

    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(str(query.get(name) or ""))
        except ValueError:
            return None

    start, end = day("from"), day("to")
    past_window = number("page", 1) * number("per_page", 10) > MAX_RESULT_WINDOW
    filters = query.get("filter") or []
    facet = any(str(v).strip() for v in (filters if isinstance(filters, list) else [filters]))
    return past_window or bool(start and end and start > end) or facet


def test_the_served_description_is_the_one_tested(live_app) -> None:
    assert live_app.test_client().get("/api/openapi.json").get_json() == spec()


def test_an_empty_index_folder_answers_503_as_described(tmp_path: Path) -> None:
    client = create_app({"INDEX_DIR": str(tmp_path / "none"), "TESTING": False}).test_client()
    response = client.get("/api/search?q=japan")
    operation = schema["/api/search"]["GET"]
    assert response.status_code == 503
    operation.validate_response(response)
