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
    assert (data["query"], data["page"], data["per_page"], data["total_pages"]) == ("rule of law", 1, 10, 1)
    assert data["total"] == {"value": 2, "relation": "eq"}
    assert {h["id"] for h in data["hits"]} == set(SEED_IDS)
    for hit in data["hits"]:
        assert set(hit) >= {"id", "title", "source", "date", "url", "score", "highlights"}
        assert any("<mark>" in f for f in hit["highlights"]["body"])


def test_search_paging(client) -> None:
    data = client.get("/api/search?q=japan+OR+rail&per_page=1&page=2").get_json()
    assert (data["page"], data["per_page"], len(data["hits"])) == (2, 1, 1)


def test_document_and_health(client) -> None:
    doc = client.get("/api/documents/002_10c5046bec448ba0").get_json()
    assert doc["source"] == "Arab News Japan" and doc["dateline"] == "TOKYO" and doc["body"].startswith("At the 9th")
    assert client.get("/api/documents/pages/summit").get_json()["author"] == "Aigerim Sadykova"
    health = client.get("/api/health").get_json()
    assert health == {"status": "ok", "documents": 6, "generation": health["generation"]}
    assert health["generation"].startswith("gen-")


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


@pytest.mark.parametrize("prefix", ["none", "last"])
@pytest.mark.parametrize(
    "q", ['"', "(", "*", "AND", "title:", "\x00", "%00", "💥", "a" * 499, "NOT NOT NOT", "-ja", '"japan ja', "ja~"]
)
def test_odd_queries_never_500(client, q: str, prefix: str) -> None:
    response = client.get("/api/search", query_string={"q": q, "prefix": prefix})
    assert response.status_code == 200 and response.is_json


def test_missing_index_is_json_503(tmp_path) -> None:
    client = create_app({"INDEX_DIR": str(tmp_path / "none"), "TESTING": True}).test_client()
    assert client.get("/api/search?q=x").get_json()["error"]["code"] == "service_unavailable"
    assert client.get("/api/health").status_code == 503


def test_index_dir_from_environment(monkeypatch, built_index) -> None:
    monkeypatch.setenv("NEWSSEARCH_INDEX_DIR", str(built_index))
    client = create_app({"TESTING": True}).test_client()
    assert client.get("/api/health").get_json()["documents"] == 6


def test_search_features_shape(features_client, features_index, open_engine) -> None:
    data = features_client.get("/api/search?q=water").get_json()
    expected = open_engine(features_index).search("water").to_dict()  # the API answers the engine's results
    assert set(data) == set(expected) and data["hits"] == expected["hits"] and data["facets"] == expected["facets"]
    assert data["facets"]["source"] == {"Steppe Wire": 2, "Central Post": 1, "Daily Reprint": 1}
    assert data["facets"]["year"] == {"2024": 3, "2023": 1} and data["facets"]["month"]["2024-05"] == 3
    assert data["total"]["value"] == 2 and data["suggestion"] is None and data["fuzzy_applied"] is False
    story = next(h for h in data["hits"] if h["id"].startswith("story-"))
    assert set(story) == {"id", "title", "source", "date", "url", "score", "highlights", "places", "similar"}
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


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_a_date_sort_gives_no_score(features_client, sort: str) -> None:
    by_date = features_client.get(f"/api/search?q=parliament&sort={sort}").get_json()["hits"]
    assert by_date and all(h["score"] is None for h in by_date)
    by_relevance = features_client.get("/api/search?q=parliament").get_json()["hits"]
    assert by_relevance and all(isinstance(h["score"], float) and h["score"] > 0 for h in by_relevance)


def test_typo_tolerance_in_api(features_client) -> None:
    data = features_client.get("/api/search?q=parliment").get_json()
    assert data["fuzzy_applied"] is True and data["suggestion"] == "parliament" and data["total"]["value"] == 3
    assert data["corrected"] == "parliament"


@pytest.mark.parametrize(
    "query",
    [
        "sort=popular",
        "sort=RELEVANCE",
        "fuzzy=yes",
        "collapse=1",
        "from=2024-13-01",
        "to=yesterday",
        "from=2024-02-01&to=2024-01-01",
        "source=" + "x" * 201,
        "&".join(f"source=s{i}" for i in range(21)),
    ],
)
def test_bad_search_parameters_are_json_400(features_client, query: str) -> None:
    response = features_client.get(f"/api/search?q=water&{query}")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


def test_suggest(features_client) -> None:
    data = features_client.get("/api/suggest?q=tok").get_json()
    assert isinstance(data, list)
    assert {s["text"] for s in data if s["kind"] == "term"} == {"tokaev", "tokayev"}
    # Only titles that hold the typed prefix: kg-2's body names Tokayev, its title does not.
    assert {s["id"] for s in data if s["kind"] == "title"} == {"kz-1"}
    assert features_client.get("/api/suggest?q=wat&limit=1").get_json()[0] == {
        "text": "water",
        "kind": "term",
        "id": None,
    }


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


def test_openapi_description_is_served_and_valid(client) -> None:
    from openapi_spec_validator import validate

    spec = client.get("/api/openapi.json").get_json()
    validate(spec)
    assert set(spec["paths"]) == {
        "/api/search",
        "/api/export",
        "/api/suggest",
        "/api/documents/{doc_id}",
        "/api/documents/{doc_id}/related",
        "/api/health",
    }


def test_search_answers_carry_an_etag_keyed_by_the_index(client) -> None:
    first = client.get("/api/search?q=rule+of+law")
    assert first.headers["Cache-Control"] == "no-cache" and first.headers["ETag"]
    again = client.get("/api/search?q=rule+of+law", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    other = client.get("/api/search?q=rule+of+law&page=1&per_page=5")
    assert other.headers["ETag"] != first.headers["ETag"]
    assert client.get("/api/search?q=" + "x" * 600).headers.get("ETag") is None  # errors are not tagged


def test_the_etag_changes_when_the_index_changes(corpus, tmp_path) -> None:
    from indexer.index.build import reindex

    root = tmp_path / "index"
    reindex(corpus, root)
    client = create_app({"INDEX_DIR": str(root), "TESTING": True}).test_client()
    before = client.get("/api/search?q=election").headers["ETag"]
    (corpus / "new.txt").write_text("Election night\n\nThe election ended late at night.", "utf-8")
    reindex(corpus, root)
    after = client.get("/api/search?q=election", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["ETag"] != before


@pytest.mark.parametrize(
    ("config", "allowed"), [({}, None), ({"CORS_ORIGINS": "https://news.example"}, "https://news.example")]
)
def test_cors_is_off_unless_configured(built_index, config, allowed) -> None:
    client = create_app({"INDEX_DIR": str(built_index), "TESTING": True, **config}).test_client()
    for origin in ("https://news.example", "https://evil.example"):
        response = client.get("/api/search?q=japan", headers={"Origin": origin})
        expected = allowed if origin == allowed else None
        assert response.headers.get("Access-Control-Allow-Origin") == expected
    assert (
        client.get("/", headers={"Origin": "https://news.example"}).headers.get("Access-Control-Allow-Origin") is None
    )  # the page never


def test_a_wrong_method_says_which_are_allowed(client) -> None:
    response = client.post("/api/search?q=japan")
    assert response.status_code == 405 and response.is_json
    assert "GET" in response.headers["Allow"]


def test_central_asia_on_the_seeds_has_a_timeline_and_places(client) -> None:
    data = client.get("/api/search?q=Central+Asia").get_json()
    assert {h["id"] for h in data["hits"]} >= set(SEED_IDS)
    places = data["facets"]["place"]
    assert set(places) >= {
        "Japan",
        "Kazakhstan",
        "Kyrgyzstan",
        "Tajikistan",
        "Turkmenistan",
        "Uzbekistan",
        "Russia",
        "Ukraine",
        "Afghanistan",
        "North Korea",
    }
    assert data["timeline"]["undated"] == 2  # the seeds carry no date, and the timeline says so
    second = next(h for h in data["hits"] if h["id"] == SEED_IDS[1])
    assert {"Russia", "Ukraine", "Afghanistan", "North Korea"} <= set(second["places"])
    only = client.get("/api/search?q=Central+Asia&place=North+Korea").get_json()
    assert [h["id"] for h in only["hits"]] == [SEED_IDS[1]] and only["facets"]["place"] == places
    dated = client.get("/api/search?q=Central+Asia+OR+rail&from=2024-01-01&to=2024-12-31").get_json()
    assert dated["timeline"]["undated"] == 0 and sum(b["count"] for b in dated["timeline"]["buckets"]) == 1
    assert client.get("/api/documents/" + SEED_IDS[1]).get_json()["places"] == second["places"]


def test_facets_keep_their_order_in_json(features_client) -> None:
    response = features_client.get("/api/search?q=water+OR+parliament&collapse=off")
    raw, data = response.get_data(as_text=True), response.get_json()
    counts = list(data["facets"]["source"].values())
    assert counts == sorted(counts, reverse=True) and len(counts) > 1
    assert list(data["facets"]["year"]) == sorted(data["facets"]["year"], reverse=True)
    assert raw.index('"query"') < raw.index('"hits"')  # the dataclass order, not alphabetical
