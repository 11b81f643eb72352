from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from indexer.index.build import reindex
from webapp import create_app

STATIC = Path(__file__).resolve().parent.parent / "webapp" / "static"


def test_empty_search_page(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<form class="search-form" id="search-form" role="search"' in html and 'name="q"' in html
    # The page works without JavaScript: the only script is an external file that enhances it.
    assert html.count("<script") == 1 and '<script type="module" src="/static/app.js"></script>' in html


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


@pytest.mark.parametrize(
    "url", ["/doc/hostile", "/doc/hostile?q=election", "/?q=election+coverage", "/?q=%3Cscript%3Ealert(1)%3C/script%3E"]
)
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
    assert "Build it with: newsfind reindex" in response.get_data(as_text=True)


def test_security_headers(client) -> None:
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_facets_sort_and_filters_are_plain_links(features_client) -> None:
    html = features_client.get("/?q=parliament").get_data(as_text=True)
    assert 'href="/?q=parliament&amp;source=Central+Post&amp;per_page=10" data-facet="source">Central Post</a>' in html
    assert 'href="/?q=parliament&amp;sort=newest&amp;per_page=10">Newest</a>' in html
    assert 'href="/?q=parliament&amp;from=2023-01-01&amp;to=2023-12-31&amp;per_page=10">2023</a>' in html
    assert '<input id="date-from" type="date" name="from"' in html


def test_filtered_page_keeps_filters_in_links(features_client) -> None:
    html = features_client.get("/?q=parliament&source=Central+Post&from=2023-01-01&to=2023-12-31&sort=oldest").get_data(
        as_text=True
    )
    assert html.count('class="result"') == 1 and "Kirghizia <mark>parliament</mark> passes budget" in html
    assert 'class="chosen">✓ Central Post<span class="visually-hidden"> (selected: remove)</span>' in html
    assert "2023-02</a>" in html and "to=2023-02-28" in html  # months of the chosen year
    assert 'name="source" value="Central Post"' in html and "Clear filters" in html


def test_did_you_mean_and_fuzzy_notice(features_client) -> None:
    html = features_client.get("/?q=parliment").get_data(as_text=True)
    assert "Showing results for <strong>parliament</strong>. Search instead for" in html
    assert '<a href="/?q=parliment&amp;fuzzy=off&amp;per_page=10">parliment</a>' in html
    assert "results for\n  <strong>parliament</strong>" in html and "Did you mean" not in html
    assert html.count('class="result"') == 3
    typed = features_client.get("/?q=parliment&fuzzy=off").get_data(as_text=True)  # the words as typed
    assert 'Did you mean\n    <a href="/?q=parliament&amp;fuzzy=off&amp;per_page=10">parliament</a>?' in typed
    assert typed.count('class="result"') == 0 and "Showing results for" not in typed


def test_near_duplicates_are_folded_and_expandable(features_client) -> None:
    html = features_client.get("/?q=water").get_data(as_text=True)
    assert html.count('class="result"') == 2
    assert "<summary>2 similar articles</summary>" in html and "collapse=off" in html
    everything = features_client.get("/?q=water&collapse=off").get_data(as_text=True)
    assert everything.count('class="result"') == 4 and "similar articles</summary>" not in everything


def test_document_page_lists_related_articles(features_client) -> None:
    html = features_client.get("/doc/story-1?q=Almaty").get_data(as_text=True)
    assert "Related articles" in html and 'href="/doc/dam-1"' in html
    assert "<mark>Almaty</mark>" in html


def test_document_page_highlights_name_variants(features_client) -> None:
    html = features_client.get("/doc/kg-1?q=Kyrgyzstan").get_data(as_text=True)
    assert "<mark>Kirghizia</mark>" in html


def test_bad_filter_is_an_html_400(features_client) -> None:
    response = features_client.get("/?q=water&from=not-a-date")
    assert response.status_code == 400 and "ISO date" in response.get_data(as_text=True)


def test_page_script_is_served_and_draws_no_results_itself(client) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'data-suggest-api="/api/suggest"' in html and 'data-search-api="/api/search"' in html
    scripts = ["app.js", *(f"js/{p.name}" for p in sorted((STATIC / "js").glob("*.js")))]
    assert len(scripts) > 1
    js = ""
    for name in scripts:  # every module the entry point imports is served, as JavaScript
        with client.get(f"/static/{name}") as response:
            assert response.status_code == 200 and "javascript" in response.content_type, name
            js += response.get_data(as_text=True)
    # No HTML from strings of the script's own: results are the server's fragment, parsed inertly by DOMParser.
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in js
    assert '"X-Fragment": "results"' in js and "DOMParser" in js
    assert not (STATIC / "js" / "render.js").exists()  # the second renderer is gone


def _without_took(html: str) -> str:
    return re.sub(r'<span class="took">\(\d+ ms\)</span>', "", html)


@pytest.mark.parametrize(
    "url",
    [
        "/?q=pipeline",
        "/?q=parliament&source=Central+Post&from=2023-01-01&to=2023-12-31",
        "/?q=water&prefix=last&collapse=off",
        "/?q=xylophone",
        "/",
    ],
)
def test_the_results_fragment_is_the_page_own_region(features_client, url: str) -> None:
    """Search as you type swaps in exactly what the page shows for the same URL: one renderer."""
    page = features_client.get(url)
    fragment = features_client.get(url, headers={"X-Fragment": "results"})
    assert fragment.status_code == 200 and "text/html" in fragment.content_type
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "<header" not in body and 'id="search-form"' not in body
    assert 'id="search-status"' in body and 'id="search-results"' in body
    assert _without_took(body).strip() in _without_took(page.get_data(as_text=True))
    assert "X-Fragment" in page.headers["Vary"] and "X-Fragment" in fragment.headers["Vary"]


def test_a_bad_request_answers_an_alert_fragment(features_client) -> None:
    response = features_client.get("/?q=water&from=2024-06-01&to=2023-01-01", headers={"X-Fragment": "results"})
    assert response.status_code == 400 and "X-Fragment" in response.headers["Vary"]
    body = response.get_data(as_text=True)
    assert "<html" not in body and 'id="search-alert"' in body
    assert "This search could not be run." in body and "&#39;from&#39; must not be after &#39;to&#39;" in body


def test_a_missing_index_answers_an_unavailable_alert_fragment(tmp_path) -> None:
    client = create_app({"INDEX_DIR": str(tmp_path / "none"), "TESTING": True}).test_client()
    response = client.get("/?q=japan", headers={"X-Fragment": "results"})
    assert response.status_code == 503 and "Search is unavailable." in response.get_data(as_text=True)


def test_no_inline_script_or_style(client, features_client) -> None:
    pages = [client.get(u).get_data(as_text=True) for u in ("/", "/?q=rule+of+law", "/doc/hostile?q=election")]
    pages.append(features_client.get("/?q=water").get_data(as_text=True))
    for html in pages:
        assert "<script>" not in html and "<style" not in html and " style=" not in html
        assert " onclick=" not in html and " onload=" not in html


def test_timeline_is_an_svg_of_links(features_client) -> None:
    html = features_client.get("/?q=parliament").get_data(as_text=True)
    assert '<svg class="timeline-chart"' in html and "Matches per day" in html
    assert "<title>2023-02-01: 1 article</title>" in html and "<title>2023-02-20: 1 article</title>" in html
    assert 'href="/?q=parliament&amp;from=2023-02-20&amp;to=2023-02-20&amp;per_page=10"' in html
    assert "1 article is without a date" in html
    active = features_client.get("/?q=parliament&from=2023-02-20&to=2023-02-20").get_data(as_text=True)
    assert 'aria-current="true" class="active"' in active and "Show all dates" in active


def test_places_facet_and_article_places(client) -> None:
    html = client.get("/?q=central+asia").get_data(as_text=True)
    assert 'id="facet-place"' in html and 'data-facet="place"' in html and "place=Kazakhstan" in html
    doc = client.get("/doc/000_d3a34fce153d5282?q=central+asia").get_data(as_text=True)
    assert "<dt>Places</dt>" in doc and "Kyrgyzstan" in doc


def test_a_date_filter_over_undated_matches_says_they_have_no_date(features_client) -> None:
    html = features_client.get("/?q=note&from=2020-01-01").get_data(as_text=True)
    assert "No articles match <q>note</q> with these filters" in html
    assert "The one article matching <q>note</q> has no date, so no\n        date range can include it." in html
    assert '<a class="clear" href="/?q=note&amp;per_page=10">Search without the dates</a>' in html
    assert "spelling" not in html


def test_filters_that_leave_nothing_say_how_many_match_without_them(features_client) -> None:
    html = features_client.get("/?q=pensions&from=2024-01-01").get_data(as_text=True)
    assert "2 articles match without\n        the filters; 1 of them\n        has no date" in html
    assert "spelling" not in html


@pytest.mark.parametrize(
    ("url", "blamed"),
    [
        ("/?q=xylophone", "<q>xylophone</q>"),
        ("/?q=xylophone+-japan", "<q>xylophone</q>"),
        ("/?q=%22japan+xylophone%22", "<q>xylophone</q>"),
        ("/?q=title:kishida", None),
        ("/?q=japan+-japan", None),
        ("/?q=%22japan+kishida%22", None),
    ],
)
def test_spelling_is_blamed_only_for_words_no_article_holds(client, url: str, blamed: str | None) -> None:
    html = client.get(url).get_data(as_text=True)
    assert "No articles match" in html
    if blamed:
        assert f"Check the spelling of {blamed}: no article has it." in html
    else:
        assert "spelling" not in html


def test_a_query_of_stop_words_finds_articles_and_blames_no_spelling(client) -> None:
    html = client.get("/?q=the").get_data(as_text=True)
    assert "No articles match" not in html and "spelling" not in html and 'class="result' in html


def test_an_undated_corpus_shows_no_empty_timeline(tmp_path: Path) -> None:
    texts = ["Budget talks went on all night.", "The budget passed.", "A budget for roads and schools."]
    records = [{"id": f"u{i}", "title": f"Budget story {i}", "text": t} for i, t in enumerate(texts)]
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "u.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", "utf-8")
    reindex(tmp_path / "corpus", tmp_path / "index")
    client = create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True}).test_client()
    html = client.get("/?q=budget").get_data(as_text=True)
    assert html.count('class="result"') == 3
    assert "Matches per" not in html and "without a date" not in html


def test_a_typed_search_links_to_articles_marked_as_it_matched(client) -> None:
    html = client.get("/?q=kishi&prefix=last").get_data(as_text=True)
    assert 'href="/doc/000_d3a34fce153d5282?q=kishi&amp;prefix=last"' in html
    doc = client.get("/doc/000_d3a34fce153d5282?q=kishi&prefix=last").get_data(as_text=True)
    assert "<mark>Kishida</mark>" in doc and 'href="/?q=kishi&amp;prefix=last">← Back to results' in doc
    assert "<mark>" not in client.get("/doc/000_d3a34fce153d5282?q=kishi").get_data(as_text=True)
    assert client.get("/doc/000_d3a34fce153d5282?q=kishi&prefix=all").status_code == 400
