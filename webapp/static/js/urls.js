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
// says otherwise (as webapp/params.py's url_args does).
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

export function href(params, changes) { return pageUrl(withArgs(params, changes)); }

// The request with ``name`` added to or removed from a repeatable filter (source, place).
export function toggled(params, key, name) {
  const values = params.getAll(key).filter((v) => v !== name);
  if (values.length === params.getAll(key).length) { values.push(name); }
  return href(params, {[key]: values});
}
