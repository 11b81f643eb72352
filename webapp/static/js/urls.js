// The app's addresses (from the search form's data attributes) and search URLs that keep the rest of a request.
const form = document.getElementById("search-form");

export const HOME = form ? form.getAttribute("action") : "/";
export const SEARCH_API = form ? form.dataset.searchApi : "/api/search";
export const SUGGEST_API = form ? form.dataset.suggestApi : "/api/suggest";
const DOC = form ? form.dataset.docBase : "/doc/";

export function currentParams() { return new URLSearchParams(window.location.search); }

export function pageUrl(params) {
  const query = params.toString();
  return HOME + (query ? `?${query}` : "");
}

export function docUrl(id, q) {
  const path = String(id).split("/").map(encodeURIComponent).join("/");
  return DOC + path + (q ? `?${new URLSearchParams({q})}` : "");
}

// The request with changes: null removes a key, an array replaces every value; back on page 1 unless the change
// says otherwise (as SearchRequest.url_args in indexer/search/request.py does).
export function withArgs(params, changes) {
  const next = new URLSearchParams(params);
  next.delete("page");
  for (const [key, value] of Object.entries(changes)) {
    next.delete(key);
    if (Array.isArray(value)) {
      value.forEach((v) => next.append(key, v));
    } else if (value !== null && value !== undefined) {
      next.set(key, value);
    }
  }
  return next;
}
