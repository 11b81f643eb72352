// Search as you type: each request asks the search page itself for its results region (the X-Fragment header)
// and swaps that server-rendered fragment in, so results are drawn by the Jinja partials alone. The address always
// holds the request (pushState, or replaceState within a burst of typing), and the back button fetches the request
// it returns to. Links and the date form inside the results run in place the same way.
import {el} from "./dom.js";
import {currentParams, HOME, pageUrl, SEARCH_API, withArgs} from "./urls.js";

const BURST_MS = 1000;  // searches typed closer together than this share one history entry
const FRAGMENT = {"X-Fragment": "results"};  // webapp/pages.py answers with pages/_results.html only

export function liveSearch(input, region, status, alert) {
  let ticket = 0;
  let controller = null;
  let lastTyped = 0;

  const remember = (params, how) => {
    const url = pageUrl(params);
    if (how === "push") {
      history.pushState({typed: false}, "", url);
    } else if (how === "type") {
      const now = Date.now();
      // A pause ends a burst: the back button skips the half-typed words but returns to results that were read.
      if (history.state && history.state.typed && now - lastTyped < BURST_MS) {
        history.replaceState({typed: true}, "", url);
      } else {
        history.pushState({typed: true}, "", url);
      }
      lastTyped = now;
    }
  };

  // The server's fragment, parsed inertly (DOMParser's document runs no script and loads nothing); its nodes move
  // into the page's own status line and region, which stay in place for screen readers' live-region announcements.
  const parse = (html) => new DOMParser().parseFromString(html, "text/html");

  const show = (params, code, html) => {
    const fragment = parse(html);
    const newStatus = fragment.getElementById("search-status");
    const newRegion = fragment.getElementById("search-results");
    if (!newStatus || !newRegion) { showError(code, null); return; }  // not the page's answer (a proxy's?)
    const filtersOpen = region.querySelector(".filters[open]") !== null;
    alert.replaceChildren();
    region.classList.remove("stale");
    status.replaceChildren(...newStatus.childNodes);
    region.replaceChildren(...newRegion.childNodes);
    feedLink(newRegion.dataset.feed);
    const filters = region.querySelector(".filters");
    if (filters && filtersOpen) { filters.open = true; }  // a phone's Filters panel stays as the reader left it
    jsonLink(params);
  };

  const showError = (code, html) => {
    const found = html ? parse(html).getElementById("search-alert") : null;
    status.replaceChildren();
    // The previous results stay, dimmed, so that the filters and the date form are there to fix the request.
    region.classList.add("stale");
    if (found) {
      alert.replaceChildren(...found.childNodes);
    } else {
      alert.replaceChildren(el("strong", {text: code ? "This search could not be run." :
        "The server could not be reached."}), code ? ` Error ${code}.` : " Check your connection and try again.");
    }
  };

  // Run the search that params describe; how: "push", "type" (see remember) or "none" (the address is right).
  const run = (params, how) => {
    const q = (params.get("q") || "").trim();
    if (!q) { params = new URLSearchParams(); }
    remember(params, how);
    document.title = q ? `${q} – News search` : "News search";
    const mine = ++ticket;
    if (controller) { controller.abort(); }
    controller = new AbortController();
    region.setAttribute("aria-busy", "true");
    return fetch(pageUrl(params), {headers: FRAGMENT, signal: controller.signal})
      .then((response) => response.text().then((html) => ({ok: response.ok, code: response.status, html})))
      .then(({ok, code, html}) => {
        if (mine !== ticket) { return; }
        region.removeAttribute("aria-busy");
        if (ok) { show(params, code, html); } else { showError(code, html); }
      })
      .catch((error) => {
        if (mine !== ticket || error.name === "AbortError") { return; }
        region.removeAttribute("aria-busy");
        showError(0, null);
      });
  };

  // The box's query on top of the current filters and sort, back on page 1 and with typo tolerance back on.
  // While typing, the last word is a prefix ("mour" finds Mourinho) unless a space says it is finished; a
  // submitted search is exact.
  const fromBox = (typing) => {
    const q = input.value;
    const prefix = typing && /\w$/.test(q) ? "last" : null;
    return q.trim() ? withArgs(currentParams(), {q, fuzzy: null, prefix}) : new URLSearchParams();
  };

  region.addEventListener("click", (event) => {
    const link = event.target.closest("a");
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey ||
        event.altKey) { return; }
    const url = new URL(link.getAttribute("href"), window.location.href);
    if (url.origin !== window.location.origin || url.pathname !== HOME) { return; }
    event.preventDefault();
    const params = new URLSearchParams(url.search);
    input.value = params.get("q") || "";
    run(params, "push").then(() => {
      status.focus({preventScroll: true});  // the old link is gone: put the focus where the news is
      if (status.getBoundingClientRect().top < 0) { status.scrollIntoView(); }
    });
  });
  region.addEventListener("submit", (event) => {
    if (!event.target.classList.contains("dates")) { return; }
    event.preventDefault();
    const params = new URLSearchParams();
    new FormData(event.target).forEach((value, key) => { if (value !== "") { params.append(key, value); } });
    run(params, "push");
  });
  window.addEventListener("popstate", () => {
    const params = currentParams();
    input.value = params.get("q") || "";
    run(params, "none");
  });
  status.setAttribute("tabindex", "-1");

  return {
    typed: () => run(fromBox(true), "type"),
    submitted: () => run(fromBox(false), "push"),
    term: (text) => run(withArgs(currentParams(), {q: text, fuzzy: null, prefix: null}), "push"),
  };
}

// The head's Atom link follows the search shown; the server names the feed's URL (data-feed), so it is built once.
function feedLink(url) {
  let link = document.getElementById("feed-link");
  if (!url) { if (link) { link.remove(); } return; }
  if (!link) {
    link = el("link", {id: "feed-link", rel: "alternate", type: "application/atom+xml"});
    document.head.append(link);
  }
  link.setAttribute("href", url);
  link.setAttribute("title", `Newest articles matching ${new URLSearchParams(url.split("?")[1] || "").get("q") || ""}`);
}

function jsonLink(params) {
  const link = document.getElementById("json-link");
  if (link) { link.setAttribute("href", SEARCH_API + (params.toString() ? `?${params}` : "")); }
}
