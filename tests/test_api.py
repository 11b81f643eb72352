from __future__ import annotations

import pytest

from tests.conftest import SEED_IDS
from webapp import create_app
from webapp.errors import error_body


def test_search_shape(client) -> None:
    response = client.get("/api/search?q=rule+of+law")
    assert response.status_code == 200 and response.is_json
    data = response.get_json()
    assert set(data) >= {"query", "total", "page", "per_page", "took_ms", "hits"}
    assert (data["query"], data["total"], data["page"], data["per_page"]) == ("rule of law", 2, 1, 10)
    assert {h["id"] for h in data["hits"]} == set(SEED_IDS)
    for hit in data["hits"]:
        assert set(hit) >= {"id", "title", "source", "date", "url", "score", "highlights"}
        assert any("<mark>" in f for f in hit["highlights"])


def test_search_paging(client) -> None:
    data = client.get("/api/search?q=japan+OR+rail&per_page=1&page=2").get_json()
    assert (data["page"], data["per_page"], len(data["hits"])) == (2, 1, 1)


def test_document_and_health(client) -> None:
    doc = client.get("/api/documents/002_10c5046bec448ba0").get_json()
    assert doc["source"] == "Arab News Japan" and doc["dateline"] == "TOKYO" and doc["body"].startswith("At the 9th")
    assert client.get("/api/documents/pages/summit").get_json()["author"] == "Aigerim Sadykova"
    assert client.get("/api/health").get_json() == {"status": "ok", "documents": 6}


def test_error_shape_is_pinned() -> None:
    assert error_body("not_found", "x") == {"error": {"code": "not_found", "message": "x"}}


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/documents/nope", 404, "not_found"),
        ("/api/nothing-here", 404, "not_found"),
        ("/api/search?q=a&page=abc", 400, "bad_request"),
        ("/api/search?q=a&page=0", 400, "bad_request"),
        ("/api/search?q=a&page=1000000000", 400, "bad_request"),
        ("/api/search?q=a&per_page=-1", 400, "bad_request"),
        ("/api/search?q=a&per_page=1000", 400, "bad_request"),
        ("/api/search?q=" + "x" * 10_000, 400, "bad_request"),
    ],
)
def test_errors_are_json(client, url: str, status: int, code: str) -> None:
    response = client.get(url)
    assert response.status_code == status and response.is_json
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"]


def test_method_not_allowed_is_json(client) -> None:
    response = client.post("/api/search")
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("q", ['"', "(", "*", "AND", "title:", "\x00", "%00", "💥", "a" * 499, "NOT NOT NOT"])
def test_odd_queries_never_500(client, q: str) -> None:
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code == 200 and response.is_json


def test_missing_index_is_json_503(tmp_path) -> None:
    client = create_app({"INDEX_DIR": str(tmp_path / "none"), "TESTING": True}).test_client()
    assert client.get("/api/search?q=x").get_json()["error"]["code"] == "service_unavailable"
    assert client.get("/api/health").status_code == 503


def test_index_dir_from_environment(monkeypatch, built_index) -> None:
    monkeypatch.setenv("NEWSSEARCH_INDEX_DIR", str(built_index))
    client = create_app({"TESTING": True}).test_client()
    assert client.get("/api/health").get_json()["documents"] == 6


def test_search_features_shape(features_client) -> None:
    data = features_client.get("/api/search?q=water").get_json()
    assert set(data) == {"query", "total", "page", "per_page", "took_ms", "hits", "facets", "suggestion",
                         "fuzzy_applied"}
    assert data["facets"]["source"] == {"Steppe Wire": 2, "Central Post": 1, "Daily Reprint": 1}
    assert data["facets"]["year"] == {"2024": 3, "2023": 1} and data["facets"]["month"]["2024-05"] == 3
    assert data["total"] == 2 and data["suggestion"] is None and data["fuzzy_applied"] is False
    story = next(h for h in data["hits"] if h["id"].startswith("story-"))
    assert set(story) == {"id", "title", "source", "date", "url", "score", "highlights", "similar"}
    assert story["similar"]["count"] == 2 and len(story["similar"]["ids"]) == 2
    assert {a["id"] for a in story["similar"]["articles"]} == set(story["similar"]["ids"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=parliament&source=Central+Post", ["kg-1", "undated"]),
        ("q=parliament&source=Central+Post&source=Daily+Reprint&sort=newest", ["kz-1", "kg-1", "undated"]),
        ("q=parliament&from=2023-02-10", ["kz-1"]),
        ("q=parliament&from=2023-01-01&to=2023-02-01&sort=oldest", ["kg-1"]),
        ("q=water&collapse=off&sort=oldest", ["dam-1", "story-1", "story-2", "story-3"]),
        ("q=Kirghizia&sort=oldest", ["kg-2", "kg-1"]),
        ("q=parliment&fuzzy=off", []),
    ],
)
def test_search_parameters(features_client, query: str, expected: list[str]) -> None:
    data = features_client.get(f"/api/search?{query}").get_json()
    assert [h["id"] for h in data["hits"]] == expected


def test_typo_tolerance_in_api(features_client) -> None:
    data = features_client.get("/api/search?q=parliment").get_json()
    assert data["fuzzy_applied"] is True and data["suggestion"] == "parliament" and data["total"] == 3


@pytest.mark.parametrize(
    "query",
    ["sort=popular", "sort=RELEVANCE", "fuzzy=yes", "collapse=1", "from=2024-13-01", "to=yesterday",
     "from=2024-02-01&to=2024-01-01", "source=" + "x" * 201, "&".join(f"source=s{i}" for i in range(21))],
)
def test_bad_search_parameters_are_json_400(features_client, query: str) -> None:
    response = features_client.get(f"/api/search?q=water&{query}")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


def test_suggest(features_client) -> None:
    data = features_client.get("/api/suggest?q=tok").get_json()
    assert isinstance(data, list)
    assert {s["text"] for s in data if s["kind"] == "term"} == {"tokaev", "tokayev"}
    assert {s["id"] for s in data if s["kind"] == "title"} == {"kg-2", "kz-1"}
    assert features_client.get("/api/suggest?q=wat&limit=1").get_json()[0] == {"text": "water", "kind": "term",
                                                                                 "id": None}


@pytest.mark.parametrize("q", ["", "*", "\x00", "💥", '"', "a" * 300])
def test_suggest_odd_input_is_a_list(features_client, q: str) -> None:
    response = features_client.get("/api/suggest", query_string={"q": q})
    assert response.status_code == 200 and isinstance(response.get_json(), list)


@pytest.mark.parametrize("limit", ["0", "-1", "abc", "21"])
def test_bad_limits_are_400(features_client, limit: str) -> None:
    assert features_client.get(f"/api/suggest?q=wat&limit={limit}").status_code == 400
    assert features_client.get(f"/api/documents/story-1/related?limit={limit}").status_code == 400


def test_related(features_client) -> None:
    data = features_client.get("/api/documents/story-1/related").get_json()
    assert [r["id"] for r in data] == ["dam-1"]
    assert set(data[0]) == {"id", "title", "source", "date", "url", "score"}
    response = features_client.get("/api/documents/nope/related")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
