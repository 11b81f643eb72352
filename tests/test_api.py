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
