"""The search page and the article page in a real browser: typing, facets, timeline, paging, the keyboard,
match navigation, error and empty states, hostile text, accessibility (axe-core), small screens, screenshots."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, MOBILE, SCREENSHOTS, open_page
from webapp import create_app

pytestmark = pytest.mark.browser
FRAGMENT = {"X-Fragment": "results"}  # how the page's script asks for the results region


def query_of(page) -> dict[str, list[str]]:
    """The page's URL query string, parsed."""
    return parse_qs(urlsplit(page.url).query)


def results_for(page, text: str) -> None:
    """Wait until the page shows results for ``text``."""
    expect(page.locator("#search-status strong")).to_have_text(text)
    expect(page.locator("#search-results")).not_to_have_attribute("aria-busy", "true")


def hold_time(page) -> None:
    """From now on the page's timers fire only when the test moves its clock on (``page.clock.run_for``): the
    typing debounce and the pause that closes the suggestions happen when the test says, on any machine."""
    page.clock.pause_at(datetime(2030, 1, 1))


def after_typing(page) -> None:
    """Let the typing debounce (200 ms) pass, but not the pause after which the suggestions close."""
    page.clock.run_for(300)


def mark_no_reload(page) -> None:
    """Set a flag that a full page load would lose, to prove that later updates happen in place."""
    page.evaluate("window.__stayed = true")


def stayed(page) -> bool:
    return page.evaluate("window.__stayed === true")


def test_typing_shows_highlighted_results_updates_the_url_and_back_restores(page, server) -> None:
    page.goto(server + "/")
    mark_no_reload(page)
    page.keyboard.press("/")
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.type("pipeline", delay=20)
    results_for(page, "pipeline")
    expect(page.locator(".results .result").first).to_be_visible()
    expect(page.locator(".results .snippet mark").first).to_have_text(re.compile("pipeline", re.I))
    expect(page.locator("#search-status")).to_contain_text("7 results for")
    assert query_of(page)["q"] == ["pipeline"]
    assert stayed(page)  # no form submission, no reload

    page.wait_for_timeout(1100)  # a pause ends a burst of typing: the next search gets its own history entry
    page.fill("#q", "water")
    results_for(page, "water")
    assert query_of(page)["q"] == ["water"]
    expect(page.locator(".similar summary").first).to_have_text("2 similar articles")

    page.go_back()
    results_for(page, "pipeline")
    expect(page.locator("#q")).to_have_value("pipeline")
    assert stayed(page)
    page.go_back()
    expect(page.locator(".intro")).to_be_visible()
    expect(page.locator("#q")).to_have_value("")


def test_the_feed_link_follows_the_search_typed(page, server) -> None:
    page.goto(server + "/")
    assert page.locator("link[rel=alternate]").count() == 0  # nothing searched, nothing to follow
    page.fill("#q", "pipeline")
    results_for(page, "pipeline")
    feed = page.locator("head link[rel=alternate][type='application/atom+xml']")
    expect(feed).to_have_count(1)
    href = feed.get_attribute("href") or ""
    assert href.startswith("/feed?") and parse_qs(href.split("?", 1)[1]) == {"q": ["pipeline"]}
    page.fill("#q", "")
    expect(page.locator(".intro")).to_be_visible()
    expect(page.locator("head link[rel=alternate]")).to_have_count(0)


def drawn(page) -> tuple[str, str]:
    """The status line's text (without the time taken) and the results region's HTML, as the page shows them."""
    return page.evaluate("""() => [
        document.getElementById("search-status").textContent.replace(/\\(\\d+ ms\\)/, "").trim(),
        document.getElementById("search-results").innerHTML]""")


def test_live_results_are_the_server_rendered_page_for_the_same_url(page, server, browser, watch) -> None:
    """One renderer: whatever search as you type swaps in is what the server draws when the URL is loaded."""
    page.goto(server + "/")
    mark_no_reload(page)
    page.keyboard.press("/")
    page.keyboard.type("pipel", delay=20)
    results_for(page, "pipel")
    states = [(page.url, drawn(page))]
    page.locator(".facets a[data-facet=source]", has_text="Central Post").click()
    expect(page.locator(".facets a.chosen")).to_contain_text("Central Post")
    states.append((page.url, drawn(page)))
    page.locator(".facets a.chosen").click()
    expect(page.locator(".facets a.chosen")).to_have_count(0)
    page.locator(".pagination a[rel=next]").click()
    expect(page.locator(".pagination [aria-current=page]")).to_have_text("2")
    states.append((page.url, drawn(page)))
    assert stayed(page)
    page.reload()  # the browser's cache keeps the fragment and the page apart (Vary: X-Fragment)
    expect(page.locator("#search-form")).to_be_visible()
    assert drawn(page) == states[-1][1]
    with open_page(browser, watch, DESKTOP) as fresh:
        for url, live in states:
            fresh.goto(url)
            assert drawn(fresh) == live, url
    assert "prefix=last" in states[0][0] and "source=Central+Post" in states[1][0] and "page=2" in states[2][0]


def test_without_javascript_the_form_and_links_still_work(browser, server, watch) -> None:
    with open_page(browser, watch, DESKTOP, java_script_enabled=False) as page:
        _no_script_tour(page, server)
    assert not watch.problems(), watch.problems()


def _no_script_tour(page, server: str) -> None:
    page.goto(server + "/")
    page.fill("#q", "pipeline")
    page.click(".search-form button")
    page.wait_for_url(re.compile(r"q=pipeline"))
    expect(page.locator(".results .result")).to_have_count(3)
    expect(page.locator(".timeline-chart a").first).to_be_visible()
    page.locator(".facets a[data-facet=source]", has_text="Central Post").click()
    page.wait_for_url(re.compile(r"source=Central\+Post"))
    expect(page.locator(".results .result")).to_have_count(2)
    page.locator(".result-link").first.click()
    page.wait_for_url(re.compile(r"/doc/"))
    expect(page.locator("#match-nav")).to_be_hidden()  # needs the script; the marks are there all the same
    assert page.locator("#doc-body mark").count() > 0


def test_suggestions_and_keyboard_from_box_to_article(page, server) -> None:
    page.goto(server + "/")
    hold_time(page)
    page.keyboard.press("/")
    page.keyboard.type("tok", delay=30)
    after_typing(page)
    options = page.locator("#q-suggestions [role=option]")
    expect(options.first).to_be_visible()
    expect(page.locator("#q")).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    assert page.get_attribute("#q", "aria-activedescendant") == options.first.get_attribute("id")
    page.keyboard.press("Escape")
    expect(page.locator("#q-suggestions")).to_be_hidden()

    page.fill("#q", "pipeline")
    after_typing(page)
    results_for(page, "pipeline")
    expect(options.first).to_be_visible()
    links = page.locator(".results .result-link")
    for i in range(options.count()):  # down through every suggestion, then on into the results
        page.keyboard.press("ArrowDown")
        expect(options.nth(i)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowDown")
    expect(links.nth(0)).to_be_focused()
    expect(page.locator("#q-suggestions")).to_be_hidden()
    page.keyboard.press("ArrowDown")
    expect(links.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(links.nth(0)).to_be_focused()
    href = links.nth(0).get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(server + href)
    expect(page.locator("h1#doc-title")).to_be_visible()


def test_typing_finds_words_by_their_beginning_and_the_suggestions_make_way(page, server) -> None:
    page.goto(server + "/")
    hold_time(page)
    page.keyboard.press("/")
    page.keyboard.type("pipel", delay=20)  # half a word: no "0 results" flash, the last word is a prefix
    after_typing(page)
    results_for(page, "pipel")
    expect(page.locator("#search-status")).to_contain_text("7 results for")
    expect(page.locator(".results .snippet mark").first).to_have_text(re.compile("pipeline", re.I))
    assert query_of(page)["prefix"] == ["last"]
    expect(page.locator("#q-suggestions [role=option]").first).to_be_visible()

    page.clock.run_for(2000)  # typing has paused: the list closes and stops covering the first results
    expect(page.locator("#q-suggestions")).to_be_hidden()
    expect(page.locator("#q")).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Escape")  # with the list closed, Escape keeps the text and the results
    expect(page.locator("#q")).to_have_value("pipel")
    expect(page.locator(".results .result")).to_have_count(3)
    first = page.locator(".results .result-link").first
    href = first.get_attribute("href")
    first.click()  # a click on the first result reaches it
    page.wait_for_url(server + href)


def test_enter_on_an_article_suggestion_opens_it(page, server) -> None:
    page.goto(server + "/doc/wire-1")  # suggestions work on the article page too
    hold_time(page)
    page.keyboard.press("/")
    page.keyboard.type("tokaev", delay=30)
    after_typing(page)
    options = page.locator("#q-suggestions [role=option]")
    expect(options.filter(has_text="Tokaev addresses the nation")).to_have_count(1)
    texts = options.all_inner_texts()
    index = next(i for i, t in enumerate(texts) if "Tokaev addresses the nation" in t)
    for _ in range(index + 1):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/doc/kz-1\?q=tokaev$"))
    expect(page.locator("#doc-body mark").first).to_have_text(re.compile("tokaev", re.I))


def test_facets_timeline_and_pagination_filter_in_place(page, server) -> None:
    page.goto(server + "/?q=pipeline")
    mark_no_reload(page)

    page.locator(".facets a[data-facet=source]", has_text="Caspian Times").click()
    expect(page.locator(".facets a.chosen")).to_contain_text("Caspian Times")
    expect(page.locator(".results .result")).to_have_count(2)
    assert query_of(page)["source"] == ["Caspian Times"]
    page.locator(".facets a.chosen").click()  # remove it again
    expect(page.locator(".results .result")).to_have_count(3)
    assert "source" not in query_of(page)

    bar = page.locator(".timeline-chart a").first
    label = bar.get_attribute("aria-label")
    assert re.match(r"\d{4}-\d{2}: \d+ articles?$", label), label
    assert bar.locator("title").text_content() == label  # the exact count as a tooltip
    bar.focus()  # the bars are links in the tab order: Enter follows one
    expect(bar).to_be_focused()
    page.keyboard.press("Enter")
    args = query_of(page)
    assert args["from"][0].startswith(label[:7]) and args["to"][0].startswith(label[:7])
    expect(page.locator(".timeline-active")).to_contain_text(f"Dates: {args['from'][0]} – {args['to'][0]}")
    expect(page.locator(".results .result")).to_have_count(int(label.split(": ")[1].split()[0]))
    page.locator(".timeline-active .remove").click()
    expect(page.locator(".timeline-active")).to_have_count(0)
    assert "from" not in query_of(page)

    expect(page.locator(".pagination [aria-current=page]")).to_have_text("1")
    first_title = page.locator(".result-link").first.inner_text()
    page.locator(".pagination a[rel=next]").click()
    expect(page.locator(".pagination [aria-current=page]")).to_have_text("2")
    assert query_of(page)["page"] == ["2"]
    assert page.locator(".result-link").first.inner_text() != first_title
    expect(page.locator(".results")).to_have_attribute("start", "4")
    page.go_back()
    expect(page.locator(".pagination [aria-current=page]")).to_have_text("1")
    assert stayed(page)


def test_place_facet_filters_in_place(page, server) -> None:
    page.goto(server + "/?q=pipeline")
    mark_no_reload(page)
    expect(page.locator("#facet-place")).to_have_text("Places")
    place = page.locator(".facets a[data-facet=place]", has_text="Azerbaijan")
    expect(place).to_be_visible()
    place.click()
    expect(page.locator(".facets a.chosen[data-facet=place]")).to_contain_text("Azerbaijan")
    assert query_of(page)["place"] == ["Azerbaijan"]
    expect(page.locator(".results .result")).to_have_count(2)  # pipe-5 and pipe-7
    page.locator(".facets a[data-facet=place]", has_text="China").click()  # a second place widens the filter
    expect(page.locator(".facets a.chosen[data-facet=place]")).to_have_count(2)
    assert query_of(page)["place"] == ["Azerbaijan", "China"]
    expect(page.locator("#search-status")).to_contain_text("4 results")
    page.locator(".facets a.chosen[data-facet=place]", has_text="Azerbaijan").click()
    expect(page.locator(".facets a.chosen[data-facet=place]")).to_have_count(1)
    page.locator(".facets a.chosen[data-facet=place]", has_text="China").click()
    expect(page.locator(".results .result")).to_have_count(3)
    assert "place" not in query_of(page)
    assert stayed(page)


def test_article_page_match_navigation_and_back_to_the_same_results(page, server) -> None:
    page.goto(server + "/?q=pipeline")
    page.locator(".facets a[data-facet=source]", has_text="Central Post").click()
    expect(page.locator(".results .result")).to_have_count(2)
    results_url = page.url
    page.locator(".result-link").first.click()
    page.wait_for_url(re.compile(r"/doc/"))
    expect(page.locator("#match-nav")).to_be_visible()
    marks = page.locator("#doc-body mark")
    total = marks.count()
    assert total >= 1
    expect(page.locator("#match-status")).to_have_text(re.compile(rf"^{total} match(es)?$"))
    page.keyboard.press("n")
    expect(page.locator("#match-status")).to_have_text(f"Match 1 of {total}")
    expect(page.locator("#doc-body mark.current")).to_have_count(1)
    page.click("#match-prev")
    expect(page.locator("#match-status")).to_have_text(f"Match {total} of {total}")
    page.keyboard.press("p")
    expect(page.locator("#match-status")).to_have_text(f"Match {max(total - 1, 1)} of {total}")
    expect(page.locator(".doc-meta")).to_contain_text("Source")
    page.click(".back a")
    page.wait_for_url(results_url)
    expect(page.locator("#search-form")).to_be_visible()  # the whole page, never the fragment fetched for this URL
    expect(page.locator(".facets a.chosen")).to_contain_text("Central Post")


def test_article_with_many_matches_lists_places_and_related(page, server) -> None:
    page.goto(server + "/doc/002_10c5046bec448ba0?q=japan")
    total = page.locator("#doc-body mark").count()
    assert total > 3
    page.click("#match-next")
    page.click("#match-next")
    page.click("#match-next")
    expect(page.locator("#match-status")).to_have_text(f"Match 3 of {total}")
    current = page.locator("#doc-body mark.current")
    expect(current).to_be_in_viewport()
    expect(page.locator(".places-list li").first).to_be_visible()
    expect(page.locator(".related li").first).to_be_visible()


def test_did_you_mean_empty_and_error_states(page, server, watch, tmp_path) -> None:
    page.goto(server + "/")
    page.fill("#q", "parliment")
    results_for(page, "parliament")  # no article has the word typed: the corrected query's results are shown
    expect(page.locator(".suggestion")).to_contain_text("Showing results for parliament")
    expect(page.locator(".suggestion a")).to_have_text("parliment")
    page.locator(".suggestion a").click()  # the words as typed, exactly
    results_for(page, "parliment")
    expect(page.locator(".suggestion a")).to_have_text("parliament")  # "Did you mean"
    page.locator(".suggestion a").click()
    results_for(page, "parliament")

    page.fill("#q", "xylophone")
    results_for(page, "xylophone")
    expect(page.locator(".empty h2")).to_contain_text("No articles match")
    expect(page.locator("#search-status")).to_contain_text("0 results")

    # A real 400 from the API: "from" after "to", entered in the date form.
    watch.allowed.append("status of 400")
    page.goto(server + "/?q=pipeline&from=2023-01-01&to=2023-12-31")
    page.fill("#date-from", "2024-06-01")
    page.click(".dates button")
    expect(page.locator("#search-alert")).to_contain_text("'from' must not be after 'to'")
    expect(page.locator("#search-alert")).to_have_attribute("role", "alert")
    expect(page.locator("#search-results")).to_have_class(re.compile("stale"))  # the form stays, to fix the dates
    page.fill("#date-from", "2023-06-01")
    page.click(".dates button")
    expect(page.locator("#search-alert")).to_be_empty()
    expect(page.locator("#search-status")).to_contain_text("2 results for")

    # The index going away mid-session is said clearly too: the 503 that the app answers without an index.
    watch.allowed.append("status of 503")
    gone = create_app({"INDEX_DIR": str(tmp_path / "gone")}).test_client().get("/?q=x", headers=FRAGMENT)
    assert gone.status_code == 503

    def unavailable(route) -> None:
        if route.request.headers.get("x-fragment") != "results":
            route.continue_()
            return
        route.fulfill(status=503, content_type="text/html; charset=utf-8", body=gone.get_data(as_text=True))

    page.route("**/?*", unavailable)
    page.fill("#q", "pipeline again")
    expect(page.locator("#search-alert")).to_contain_text("Search is unavailable. The index has not been built yet.")
    expect(page.locator("#search-status")).to_be_empty()


def test_a_date_filter_over_undated_matches_says_so_and_blames_no_spelling(page, server) -> None:
    page.goto(server + "/?q=undated")
    mark_no_reload(page)
    expect(page.locator(".results .result")).to_have_count(1)
    expect(page.locator(".timeline")).to_have_count(0)  # no dated match: no empty "Matches per month" box
    page.fill("#date-from", "2020-01-01")
    page.click(".dates button")
    empty = page.locator(".empty")
    expect(empty).to_contain_text("The one article matching undated has no date, so no date range can include it.")
    expect(empty).not_to_contain_text("spelling")
    empty.get_by_role("link", name="Search without the dates").click()
    expect(page.locator(".results .result")).to_have_count(1)
    assert "from" not in query_of(page) and stayed(page)


def test_hostile_article_text_stays_inert(page, server, watch) -> None:
    page.goto(server + "/")
    page.fill("#q", "election coverage")
    results_for(page, "election coverage")
    hostile = page.locator(".result", has_text="Hostile article")
    expect(hostile).to_have_count(1)
    expect(hostile.locator(".snippet").first).to_contain_text("<script>")  # shown as text
    assert page.locator("#search-results script, #search-results img, #search-results iframe").count() == 0
    hostile.locator(".result-link").click()
    page.wait_for_url(re.compile(r"/doc/hostile"))
    expect(page.locator("#doc-body")).to_contain_text("<img src=x onerror=alert(1)>")
    assert page.locator("#doc-body script, #doc-body img").count() == 0
    page.goto(server + "/?q=" + "%3Cimg+src%3Dx+onerror%3Dalert(3)%3E")
    page.fill("#q", "<svg onload=alert(4)>")
    results_for(page, "<svg onload=alert(4)>")
    assert not watch.dialogs


def _serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _check_pages(page, server: str, paths: list[str]) -> dict[str, list[str]]:
    axe = Axe()  # axe-core, bundled in the axe-playwright-python wheel: nothing is fetched
    found = {}
    for path in paths:
        page.goto(server + path)
        found[path] = _serious(axe.run(page))
    return found


def test_accessibility_no_serious_violations(page, server) -> None:
    found = _check_pages(
        page,
        server,
        [
            "/",
            "/?q=pipeline",
            "/?q=pipeline&source=Central+Post&from=2023-01-01&to=2023-12-31",
            "/?q=xylophone",
            "/doc/002_10c5046bec448ba0?q=japan",
            "/doc/pages/summit",
        ],
    )
    axe = Axe()
    page.goto(server + "/")  # and the page as the script leaves it: suggestions open, results typed in
    hold_time(page)
    page.fill("#q", "tok")
    after_typing(page)
    expect(page.locator("#q-suggestions [role=option]").first).to_be_visible()
    page.keyboard.press("ArrowDown")  # an option in use: the list stays open when time flows again
    page.clock.resume()
    found["/ (suggestions open)"] = _serious(axe.run(page))
    page.fill("#q", "water")
    results_for(page, "water")
    found["/ (typed results)"] = _serious(axe.run(page))
    assert not {k: v for k, v in found.items() if v}, found


def test_on_a_phone_sort_and_filters_are_at_the_top(mobile_page, server) -> None:
    page = mobile_page
    page.goto(server + "/?q=pipeline")
    mark_no_reload(page)
    toggle = page.locator(".filters-toggle")
    expect(toggle).to_be_in_viewport()  # within reach on the first screen, before the results
    first_result = page.locator(".results .result").first
    assert toggle.bounding_box()["y"] < first_result.bounding_box()["y"]
    expect(page.locator(".facets a[data-facet=source]").first).to_be_hidden()  # closed: the results come first
    expect(first_result).to_be_in_viewport()

    toggle.click()
    newest = page.locator(".facets .sorts a", has_text="Newest")
    expect(newest).to_be_in_viewport()
    newest.click()
    expect(page.locator(".facets .sorts [aria-current]")).to_have_text("Newest")
    expect(page.locator(".result-link").first).to_have_text("Pipeline fees rise in Georgia and Turkey")
    source = page.locator(".facets a[data-facet=source]", has_text="Central Post")
    expect(source).to_be_visible()  # the panel stays open while filters are chosen
    source.click()
    expect(page.locator(".results .result")).to_have_count(2)
    expect(toggle).to_contain_text("Newest first · 1 on")
    assert query_of(page)["source"] == ["Central Post"] and stayed(page)


def test_on_a_wide_screen_the_filters_are_a_sidebar_without_a_toggle(page, server) -> None:
    page.goto(server + "/?q=pipeline")
    expect(page.locator(".filters-toggle")).to_be_hidden()
    expect(page.locator(".facets .sorts a", has_text="Newest")).to_be_visible()
    facets, hits = page.locator(".facets").bounding_box(), page.locator(".hits").bounding_box()
    assert facets["x"] > hits["x"] + hits["width"] - 1  # on the right of the results


def test_accessibility_on_a_small_screen(mobile_page, server) -> None:
    found = _check_pages(mobile_page, server, ["/?q=pipeline", "/doc/002_10c5046bec448ba0?q=japan"])
    assert not {k: v for k, v in found.items() if v}, found


@pytest.mark.parametrize(
    "path", ["/", "/?q=pipeline", "/?q=central+asia", "/doc/002_10c5046bec448ba0?q=japan", "/doc/pages/summit?q=summit"]
)
def test_small_screen_has_no_horizontal_scroll(mobile_page, server, path) -> None:
    mobile_page.goto(server + path)
    width = mobile_page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], width


def test_screenshots(browser, server, watch) -> None:
    """Current pictures of both pages at desktop and phone width, for the README (build/screenshots/)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
        with open_page(browser, watch, viewport) as page:
            _take_screenshots(page, server, name)
    for png in SCREENSHOTS.glob("*.png"):
        assert png.stat().st_size > 5_000, png
    assert not watch.problems(), watch.problems()


def _take_screenshots(page, server: str, name: str) -> None:
    page.goto(server + "/")
    page.fill("#q", "central asia")
    results_for(page, "central asia")
    page.locator("#q").blur()  # closes the suggestions (Escape would too, or clear a closed box)
    expect(page.locator("#q-suggestions")).to_be_hidden()
    page.screenshot(path=SCREENSHOTS / f"search-{name}.png", full_page=name == "desktop")
    page.goto(server + "/doc/002_10c5046bec448ba0?q=central+asia")
    page.keyboard.press("n")
    page.keyboard.press("n")
    page.screenshot(path=SCREENSHOTS / f"article-{name}.png")
