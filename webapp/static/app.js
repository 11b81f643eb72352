// The page script (an ES module; js/ holds its parts). Every page works without it: the search form is a plain
// GET form and every facet, bar, sort and page is a plain link. With it: results as you type, swapped in as
// fragments the server renders with the page's own templates (js/search.js), suggestions from the JSON API
// (js/suggest.js), the keyboard (/ to search, arrows through suggestions and results, Enter to open), and
// previous/next match on the article page (js/article.js). The script builds no HTML from strings of its own.
import {backToResults, matchNavigation} from "./js/article.js";
import {liveSearch} from "./js/search.js";
import {combobox} from "./js/suggest.js";
import {docUrl} from "./js/urls.js";

const DEBOUNCE_MS = 200;
const SETTLE_MS = 1500;  // this long after the last keystroke the reader is reading: the suggestions close
const form = document.getElementById("search-form");
const input = document.getElementById("q");
const region = document.getElementById("search-results");  // only on the search page

const typing = (target) => target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.nodeName);
const resultLinks = () => Array.from(document.querySelectorAll(".results .result-link"));

if (form && input) {
  const live = region && liveSearch(input, region, document.getElementById("search-status"),
                                    document.getElementById("search-alert"));
  const suggestions = combobox(input, {
    onArticle: (id) => window.location.assign(docUrl(id, input.value.trim())),
    onTerm: (text) => {
      input.value = text;
      if (live) { live.term(text); } else { form.requestSubmit(); }
    },
    onPastEnd: () => {
      const first = resultLinks()[0];
      if (first) { first.focus(); }
      return Boolean(first);
    },
  });

  let timer = null;
  let pause = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    clearTimeout(pause);
    timer = setTimeout(() => {
      suggestions.update(input.value);
      if (live) { live.typed(); }
    }, DEBOUNCE_MS);
    pause = setTimeout(() => suggestions.settle(), SETTLE_MS);
  });
  if (live) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearTimeout(timer);
      clearTimeout(pause);
      suggestions.close();
      live.submitted();
    });
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "/" && !typing(event.target)) {
      event.preventDefault();
      input.focus();
      input.select();
      return;
    }
    // Up and down through the result titles; up from the first goes back to the box. Enter opens (a plain link).
    if (event.target.classList.contains("result-link") && /^Arrow(Down|Up)$/.test(event.key)) {
      const links = resultLinks();
      const i = links.indexOf(event.target) + (event.key === "ArrowDown" ? 1 : -1);
      event.preventDefault();
      if (i < 0) { input.focus(); } else if (i < links.length) { links[i].focus(); }
    }
  });
}

const body = document.getElementById("doc-body");
const nav = document.getElementById("match-nav");
if (body && nav) { matchNavigation(body, nav, typing); }
const back = document.querySelector(".back a");
if (back) { backToResults(back); }
