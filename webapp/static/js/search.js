// Search as you type: each request goes to /api/search and the results region is redrawn from the JSON; the
// address always holds the request (pushState, or replaceState within a burst of typing), and the back button
// redraws the request it returns to. Links and the date form inside the results run in place the same way.
import {el, fill} from "./dom.js";
import * as render from "./render.js";
import {currentParams, HOME, pageUrl, SEARCH_API, withArgs} from "./urls.js";

const BURST_MS = 1000;  // searches typed closer together than this share one history entry

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

  const showError = (code, data) => {
    const message = data && data.error && data.error.message;
    status.replaceChildren();
    // The previous results stay, dimmed, so that the filters and the date form are there to fix the request.
    region.classList.add("stale");
    const headline = code === 503 ? "Search is unavailable." :
      code ? "This search could not be run." : "The server could not be reached.";
    fill(alert, [el("strong", {text: headline}),
      ` ${message || (code ? `Error ${code}.` : "Check your connection and try again.")}`]);
  };

  const show = (params, data) => {
    alert.replaceChildren();
    region.classList.remove("stale");
    fill(status, render.summary(data));
    fill(region, render.results(params, data));
    jsonLink(params);
  };

  const showIntro = () => {
    alert.replaceChildren();
    status.replaceChildren();
    region.classList.remove("stale");
    region.removeAttribute("aria-busy");
    fill(region, [render.intro()]);
    jsonLink(null);
  };

  // Run the search that params describe; how: "push", "type" (see remember) or "none" (the address is right).
  const run = (params, how) => {
    const q = (params.get("q") || "").trim();
    remember(params, how);
    document.title = q ? `${q} – News search` : "News search";
    const mine = ++ticket;
    if (controller) { controller.abort(); }
    controller = new AbortController();
    if (!q) { showIntro(); return Promise.resolve(); }
    region.setAttribute("aria-busy", "true");
    return fetch(`${SEARCH_API}?${params}`, {headers: {Accept: "application/json"}, signal: controller.signal})
      .then((response) => response.json().catch(() => ({}))
        .then((data) => ({ok: response.ok, code: response.status, data})))
      .then(({ok, code, data}) => {
        if (mine !== ticket) { return; }
        region.removeAttribute("aria-busy");
        if (ok) { show(params, data); } else { showError(code, data); }
      })
      .catch((error) => {
        if (mine !== ticket || error.name === "AbortError") { return; }
        region.removeAttribute("aria-busy");
        showError(0, {});
      });
  };

  // The box's query on top of the current filters and sort, back on page 1 and with typo tolerance back on.
  const fromBox = () => {
    const q = input.value.trim();
    return q ? withArgs(currentParams(), {q: input.value, fuzzy: null}) : new URLSearchParams();
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
    typed: () => run(fromBox(), "type"),
    submitted: () => run(fromBox(), "push"),
    term: (text) => run(withArgs(currentParams(), {q: text, fuzzy: null}), "push"),
  };
}

function jsonLink(params) {
  const link = document.getElementById("json-link");
  if (link) { link.setAttribute("href", SEARCH_API + (params ? `?${params}` : "")); }
}
