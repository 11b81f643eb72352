from __future__ import annotations

import pytest

from webapp import create_app


def test_empty_search_page(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<form class="search-form" role="search"' in html and 'name="q"' in html
    assert "<script" not in html  # the page works without JavaScript


def test_search_page_shows_highlighted_results(client) -> None:
    html = client.get("/?q=rule+of+law").get_data(as_text=True)
    assert "2 results for" in html
    assert html.count('class="result"') == 2
    assert "<mark>rule</mark> of <mark>law</mark>" in html
    assert 'href="/doc/000_d3a34fce153d5282?q=rule+of+law"' in html
    assert "Arab News Japan" in html


def test_search_page_empty_state(client) -> None:
    html = client.get("/?q=xylophone").get_data(as_text=True)
    assert "No articles match" in html and "Check the spelling" in html


def test_search_page_pagination(client) -> None:
    html = client.get("/?q=japan+OR+election+OR+rail&per_page=2").get_data(as_text=True)
    assert 'aria-current="page">1<' in html and 'rel="next"' in html
    html2 = client.get("/?q=japan+OR+election+OR+rail&per_page=2&page=2").get_data(as_text=True)
    assert 'rel="prev"' in html2


def test_document_page_with_highlights(client) -> None:
    html = client.get("/doc/002_10c5046bec448ba0?q=rule+of+law").get_data(as_text=True)
    assert "<mark>rule</mark> of <mark>law</mark>" in html
    assert "TOKYO" in html and "Arab News Japan" in html
    assert html.count("<p>") >= 9


def test_document_page_nested_id_and_metadata(client) -> None:
    html = client.get("/doc/pages/summit").get_data(as_text=True)
    assert "Kazakhstan hosts Central Asia summit" in html
    assert "Aigerim Sadykova" in html and 'href="https://steppe.example/news/summit"' in html


@pytest.mark.parametrize("url", ["/doc/hostile", "/doc/hostile?q=election", "/?q=election+coverage",
                                 "/?q=%3Cscript%3Ealert(1)%3C/script%3E"])
def test_hostile_text_is_escaped(client, url: str) -> None:
    html = client.get(url).get_data(as_text=True)
    assert "<script>" not in html and "<img src=x" not in html and "</textarea>" not in html
    assert "<b>entities</b>" not in html


def test_unknown_document_is_an_html_404(client) -> None:
    response = client.get("/doc/does-not-exist")
    assert response.status_code == 404
    assert "text/html" in response.content_type and "no article with this id" in response.get_data(as_text=True)


def test_bad_page_is_400_not_500(client) -> None:
    assert client.get("/?q=japan&page=abc").status_code == 400
    assert client.get("/?q=japan&page=0").status_code == 400


def test_missing_index_is_a_clear_503(tmp_path) -> None:
    client = create_app({"INDEX_DIR": str(tmp_path / "none"), "TESTING": True}).test_client()
    response = client.get("/?q=japan")
    assert response.status_code == 503
    assert "python -m indexer reindex" in response.get_data(as_text=True)


def test_security_headers(client) -> None:
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
